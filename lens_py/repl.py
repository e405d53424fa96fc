"""The interactive `lens>` prompt, built on prompt_toolkit in one place."""
from __future__ import annotations

import errno
import os
import re
import stat

from prompt_toolkit import PromptSession
from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
from prompt_toolkit.completion import CompleteEvent, Completer, Completion
from prompt_toolkit.history import FileHistory
from prompt_toolkit.key_binding import KeyBindings

from .assemble import load_lens_commands
from .shell.errors import TclError, TclExit
from .shell.parser import is_complete
from .shell.toplevel import eval_toplevel

PROMPT = "lens> "
BANNER = "lens_py {version} -- a Python re-creation of Lens 2.63. Type 'help' for commands."


def history_path() -> str:
    return os.environ.get("LENS_PY_HISTORY", os.path.expanduser("~/.lens_py_history"))


class KeptHistory(FileHistory):
    """The history file, or -- when it cannot be read or written (no HOME, a
    folder in its place, a full disk) -- the session's history in memory,
    said once on stderr: the prompt must never stop for a history problem."""

    def __init__(self, filename, warn) -> None:
        super().__init__(filename)
        self.warn = warn
        self.in_memory = False

    def _give_up(self, error: OSError) -> None:
        if not self.in_memory:
            self.in_memory = True
            reason = error.strerror or type(error).__name__
            self.warn(f"lens_py: the history stays in memory: cannot use "
                      f"{self.filename}: {reason}\n")

    def load_history_strings(self):
        try:
            mode = os.stat(self.filename).st_mode
            if stat.S_ISCHR(mode):          # /dev/null: nothing to read back
                return []
            if not stat.S_ISREG(mode):      # a folder, a FIFO
                raise OSError(errno.EINVAL, "not a regular file")
            return list(super().load_history_strings())
        except FileNotFoundError:
            return []                       # made by the first command, if it can be
        except OSError as e:
            self._give_up(e)
            return []

    def store_string(self, string: str) -> None:
        if self.in_memory:
            return
        try:
            super().store_string(string)
        except OSError as e:
            self._give_up(e)


class ShellCompleter(Completer):
    """Command and proc names at a command's start, variables after `$`, and
    whatever other areas offer through `interp.ext["completers"]` (object paths)."""

    def __init__(self, interp):
        self.interp = interp

    def get_completions(self, document, complete_event):
        load_lens_commands(self.interp)     # object paths, real usage lines
        text = document.text_before_cursor
        m = re.search(r"\$\{?([\w:]*)$", text)
        if m:
            prefix = m.group(1)
            names = set(self.interp.frame.vars) | set(self.interp.global_frame.vars)
            for name in sorted(names):
                if name.startswith(prefix):
                    yield Completion(name, -len(prefix))
            return
        word = re.search(r"[^\s\[\];{}\"]*$", text).group(0)
        before = text[:len(text) - len(word)]
        at_command_start = re.search(r"(^|[\[;\n{])\s*$", before) is not None
        if at_command_start:
            for name in self.interp.command_names():
                if name.startswith(word):
                    yield Completion(name, -len(word))
            return
        # Other areas (object paths) register callables text_before_cursor -> words.
        for provider in self.interp.ext.get("completers", []):
            for cand in provider(text):
                if cand.startswith(word):
                    yield Completion(cand, -len(word))


def current_usage(interp, text: str) -> str:
    """The usage line of the command being typed (for the bottom bar)."""
    load_lens_commands(interp)      # the real commands' usage, not placeholders'
    line = re.split(r"[\n;\[]", text)[-1].strip()
    if not line:
        return ""
    name = line.split()[0]
    cmd = interp.commands.get(name)
    if cmd is not None:
        return "usage: " + cmd.usage
    proc = interp.procs.get(name)
    if proc is not None:
        return "usage: " + proc.usage()
    matches = [c for c in interp.commands if c.startswith(name)]
    if len(matches) == 1:
        return "usage: " + interp.commands[matches[0]].usage
    return ""


def expand_history(text: str, history: list) -> str:
    """Lens's `!!` (the last command) and `!n` (command n of `history`)."""
    stripped = text.strip()
    m = re.fullmatch(r"!(!|\d+)", stripped)
    if m is None:
        return text
    if m.group(1) == "!":
        if not history:
            raise TclError("no previous command")
        return history[-1]
    n = int(m.group(1))
    if not 1 <= n <= len(history):
        raise TclError(f'no command {n} in the history')
    return history[n - 1]


def _key_bindings():
    kb = KeyBindings()

    @kb.add("enter")
    def _(event):
        buf = event.current_buffer
        if is_complete(buf.text):
            buf.validate_and_handle()
        else:
            buf.insert_text("\n")

    @kb.add("tab")
    def _(event):
        # A unique completion is inserted at once (synchronously, so typed-ahead
        # keys see it); several open the menu; at a line's start Tab indents.
        buf = event.current_buffer
        if buf.complete_state:
            buf.complete_next()
            return
        if not buf.document.current_line_before_cursor.strip():
            buf.insert_text("    ")
            return
        found = list(buf.completer.get_completions(
            buf.document, CompleteEvent(completion_requested=True)))
        if len(found) == 1:
            buf.apply_completion(found[0])
        elif found:
            buf.start_completion(insert_common_part=True)
    return kb


def run_repl(interp, session: PromptSession | None = None, banner: bool = True) -> int:
    """Read-eval-print until Ctrl-D or `exit`; returns the exit status."""
    from . import __version__
    if session is None:
        session = make_session(interp)
    interp.set_global("tcl_interactive", "1")
    if banner:
        interp.write(BANNER.format(version=__version__) + "\n")
    while True:
        try:
            text = session.prompt()
        except KeyboardInterrupt:
            continue          # Ctrl-C at the prompt: drop the line
        except EOFError:
            return 0          # Ctrl-D
        if not text.strip():
            continue
        history = interp.ext.setdefault("history", [])
        try:
            text = expand_history(text, history)
        except TclError as e:
            interp.write(f"Error: {e.message}\n", "stderr")
            continue
        history.append(text)
        try:
            with _progress(interp):
                result = eval_toplevel(interp, text)
            if result:
                interp.write(result + "\n")
        except TclExit as e:
            return e.code
        except TclError as e:
            interp.write(f"Error: {e.message}\n", "stderr")
        except KeyboardInterrupt:
            interp.reset_frames()
            interp.write("interrupted\n", "stderr")
        except Exception as e:        # a bug of ours must not end the session
            interp.reset_frames()
            interp.write(f"Error: internal error: {type(e).__name__}: {e}\n", "stderr")
        finally:
            for chan in ("stdout", "stderr"):
                interp.channels[chan].flush()


def _progress(interp):
    """A live progress line while a command trains (only on a terminal)."""
    import contextlib
    import sys
    lens = interp.ext.get("lens")
    if lens is None or not sys.stderr.isatty():
        return contextlib.nullcontext()
    from .progress import ProgressLine
    return ProgressLine(lens, sys.stderr)


def make_session(interp, input=None, output=None, history=None) -> PromptSession:
    """One PromptSession with everything the lens> prompt needs."""
    if history is None:
        history = KeptHistory(history_path(), lambda text: interp.write(text, "stderr"))
    holder = {}

    def toolbar():
        s = holder.get("session")
        return current_usage(interp, s.default_buffer.text) if s else ""
    session = PromptSession(
        message=PROMPT,
        multiline=True,
        prompt_continuation=lambda width, line, wrap: "",
        key_bindings=_key_bindings(),
        history=history,
        completer=ShellCompleter(interp),
        complete_while_typing=False,
        auto_suggest=AutoSuggestFromHistory(),
        bottom_toolbar=toolbar,
        input=input,
        output=output,
    )
    holder["session"] = session
    return session
