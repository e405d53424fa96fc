"""The `help` and `manual` commands: lens_py's pages, printed (and paged at
an interactive prompt).

`help` alone lists the commands by area with a line each; `help -s` lists
them alphabetically; `help NAME` prints a command's or topic's page, NAME
may be a unique prefix (`help getObj`) or a Lens alias.  As in Lens, a name
that is ambiguous or unknown gives a message as the result, not an error.
"""
from __future__ import annotations

import pydoc
import shutil
import sys

from ..shell.registry import CommandTable
from ..help import HELP_TOPICS, command_list, pages, render, topics

TABLE = CommandTable("help")

INTRO = ("lens_py commands, by area.  `help <command>` prints a command's page (a unique\n"
         "prefix will do: help getObj); `help -s` lists them alphabetically;\n"
         "`help overview` says where to start.\n")


def _is_interactive(interp) -> bool:
    chan = interp.channels.get("stdout")
    stream = getattr(chan, "stream", None)
    return stream is sys.stdout and sys.stdout.isatty() and sys.stdin.isatty()


def show(interp, text: str) -> str:
    """Print a help text: through a pager at an interactive prompt when it is
    longer than the screen, else straight to stdout (scripts, -c, pipes)."""
    if _is_interactive(interp) and \
            text.count("\n") > shutil.get_terminal_size((80, 24)).lines - 2:
        pydoc.pager(text)
    else:
        interp.write(text)
    return ""


def _topic_text(name: str) -> str | None:
    if name in HELP_TOPICS:
        text = HELP_TOPICS[name]
        return text if text.endswith("\n") else text + "\n"
    page = topics().get(name)
    return render(page) if page is not None else None


def page_text(interp, name: str) -> str:
    """The page of a command that exists: its file, or (for a command that
    has none yet) its usage and one-line description from the table."""
    cmd = interp.commands[name]
    page = pages().get(name)
    if page is not None:
        return render(page, cmd.usage)
    return f"{name} - {cmd.help or 'no help page yet'}\n\nUsage:\n  {cmd.usage}\n"


def show_command(interp, name: str) -> str:
    return show(interp, page_text(interp, name))


def _resolve(interp, word: str) -> str:
    """help's answer for one word."""
    text = _topic_text(word)
    if text is not None:
        return show(interp, text)
    if word in interp.commands:
        return show_command(interp, word)
    if word in interp.aliases:
        return f'{word} is an alias for "{interp.aliases[word]}"'
    proc = interp.procs.get(word)
    if proc is not None:
        return f"{word} is a procedure: {proc.usage()}"
    matches = sorted(c for c in interp.commands if c.startswith(word))
    if len(matches) == 1:
        return show_command(interp, matches[0])
    if matches:
        return f'ambiguous command name "{word}": {" ".join(matches)}'
    return f"{word} is not a valid command or no help is available"


@TABLE.command("help", "help [-s | <command>]", 0, 1)
def _help(interp, args):
    if not args:
        names = list(interp.commands)
        text = INTRO + "\n" + command_list(names)
        extra = sorted(set(topics()) | set(HELP_TOPICS))
        if extra:
            text += "Topics (help <topic>): " + " ".join(extra) + "\n"
        return show(interp, text)
    if args[0] == "-s":
        return show(interp, command_list(list(interp.commands), sorted_only=True))
    if args[0] == "-h":
        return show_command(interp, "help")
    return _resolve(interp, args[0])


@TABLE.command("manual", "manual", 0, 0)
def _manual(interp, args):
    # Lens opens its HTML manual in a browser; lens_py's manual is its help.
    return show(interp, _topic_text("overview") + "\n" + INTRO + "\n"
                + command_list(list(interp.commands)))
