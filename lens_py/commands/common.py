"""What every Lens command binding shares: the engine session behind an
interpreter, Lens's argument conventions (options known by their first
letter, group lists, `usage: …` errors, `-h`) and the translation of engine
errors into shell errors.  No numerics live here."""
from __future__ import annotations

import functools
import re

from ..engine.cfloats import as_in_c, in_c
from ..engine.lensfiles import LensFileError
from ..engine.network import NetworkError
from ..engine.objects import ObjectError
from ..engine.session import Session
from ..shell.errors import TclBreak, TclContinue, TclError, TclReturn
from ..shell.registry import Command, CommandTable
from ..shell.tcllist import parse_list

# Engine exceptions whose message is meant for the user as it stands.
ENGINE_ERRORS: tuple = (NetworkError, ObjectError, LensFileError, NotImplementedError)


def register_engine_error(cls) -> None:
    """Other engine modules (example files, weight files) add their error types."""
    global ENGINE_ERRORS
    if cls not in ENGINE_ERRORS:
        ENGINE_ERRORS = ENGINE_ERRORS + (cls,)


def session(interp) -> Session:
    """The engine session of this interpreter, made on first use."""
    s = interp.ext.get("lens")
    if s is None:
        s = Session(write=interp.write)
        s.run_script = functools.partial(_run_stored_script, interp)
        s.verbosity_of = lambda: interp.verbosity
        interp.ext["lens"] = s
    return s


def _run_stored_script(interp, text: str) -> str:
    """A script kept in an example file or set: as in Lens, a `return`,
    `break` or `continue` at its top ends it as an error carrying its value
    (the command that ran it fails; catch gives 1).  Lens's message is then
    empty when the value is; ours names the command."""
    try:
        return interp.eval_global(text)
    except (TclReturn, TclBreak, TclContinue) as e:
        word = {TclReturn: "return", TclBreak: "break"}.get(type(e), "continue")
        raise TclError(e.value or f'invoked "{word}" in an example file\'s script') from None


class NoCurrentNetwork(TclError):
    """Raised by current_net; lens_command names the command, as Lens does."""


def current_net(interp):
    net = session(interp).net
    if net is None:
        raise NoCurrentNetwork("no current network")
    return net


# Lens commands that only read: they leave Session.net_edits alone, so a hook
# made of them keeps the path choice (every other Lens command counts one).
READ_ONLY_COMMANDS = frozenset({"getObject"})


def lens_command(table: CommandTable, name: str, usage: str, min_args: int = 0,
                 max_args: int | None = None, help: str = ""):
    """Register a Lens command.  Lens answers a wrong argument count with
    `usage: …` rather than Tcl's `wrong # args`, and `-h` with the command's
    help page; engine errors become shell errors with their message unchanged."""
    edits = name not in READ_ONLY_COMMANDS

    def register(func):
        @functools.wraps(func)
        def run(interp, args):
            s = session(interp)
            s.net_edits += 1
            try:
                return checked(interp, args)
            finally:
                # again when done: what was kept while it ran (getObject's
                # paths, say, for a setObj) is not kept past its edit
                s.net_edits += 1

        @functools.wraps(func)
        def checked(interp, args):
            n = len(args)
            if n and args[0] == "-h":
                from .help_cmds import show_command
                return show_command(interp, name)
            if n < min_args or (max_args is not None and n > max_args):
                raise TclError(f"usage: {usage}")
            try:
                if in_c():          # (a hook's command inside train or test)
                    return func(interp, args)
                with as_in_c():
                    return func(interp, args)
            except NoCurrentNetwork:
                raise TclError(f"{name}: no current network") from None
            except ENGINE_ERRORS as e:
                raise TclError(str(e)) from None
        table.add(Command(name, run if edits else checked, usage, 0, None, help))
        return func
    return register


def refuse_during_tasks(table: CommandTable, names) -> None:
    """These commands of `table` change the structure a train or test walks
    over: refused while one runs (from its hooks), as Lens's unsafeToRun."""
    for name in names:
        cmd = table.commands[name]

        def guarded(interp, args, inner=cmd.func, name=name):
            if not (args and args[0] == "-h"):
                try:
                    session(interp).refuse_during_tasks(name)
                except NetworkError as e:
                    raise TclError(str(e)) from None
            return inner(interp, args)
        cmd.func = guarded


# -- Lens's argument conventions ---------------------------------------------------

def is_option(word: str) -> bool:
    """A word Lens reads as an option: `-x…` that is not a negative number."""
    return len(word) > 1 and word[0] == "-" and not re.match(r"-[\d.]", word)


def option_letter(word: str) -> str:
    return word[1] if len(word) > 1 else ""


def atoi(text: str) -> int:
    """C's atoi, as Lens reads option values: the leading integer, else 0."""
    m = re.match(r"\s*([+-]?\d+)", text)
    return int(m.group(1)) if m else 0


def atof(text: str) -> float:
    m = re.match(r"\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf|[+-]?nan)",
                 text, re.IGNORECASE)
    return float(m.group(1)) if m else 0.0


def flag_options(words, flags: dict, usage: str) -> dict:
    """Lens's value-less options by first letter: {letter: keyword} → {keyword: True}."""
    opts = {}
    for word in words:
        key = flags.get(option_letter(word)) if is_option(word) else None
        if key is None:
            raise TclError(f"usage: {usage}")
        opts[key] = True
    return opts


def need_value(args: list, i: int, usage: str) -> str:
    if i + 1 >= len(args):
        raise TclError(f"usage: {usage}")
    return args[i + 1]


def group_list(net, text: str) -> list:
    """A Lens group list: a name, a Tcl list of names, or `*` (all groups)."""
    names = parse_list(text)
    if names == ["*"]:
        return list(net.groups)
    out = []
    for name in names:
        g = net.group(name)
        if g is None:
            raise TclError(f'group "{name}" doesn\'t exist')
        out.append(g)
    return out


def one_group(net, name: str, command: str):
    """The group called exactly `name` (Lens's lookupGroup: no lists, no `*`)."""
    g = net.group(name)
    if g is None:
        raise TclError(f'{command}: group "{name}" doesn\'t exist')
    return g


def groups_one_by_one(net, text: str, command: str):
    """A group list walked name by name, as Lens does: a bad name stops the
    command with the earlier groups already done."""
    names = parse_list(text)
    if names == ["*"]:
        yield from list(net.groups)
        return
    for name in names:
        g = net.group(name)
        if g is None:
            raise TclError(f'{command}: group "{name}" doesn\'t exist')
        yield g


def is_group_list(net, text: str) -> bool:
    try:
        names = parse_list(text)
    except TclError:
        return False
    if not names:
        return False
    return names == ["*"] or all(net.group(n) is not None for n in names)


def unit_list(net, text: str) -> list:
    """A Lens unit list: unit names (`hidden:3`), groups (all their units), or `*`."""
    out = []
    for name in parse_list(text):
        if name == "*":
            out.extend((g, u) for g in net.groups for u in range(g.size))
            continue
        g = net.group(name)
        if g is not None:
            out.extend((g, u) for u in range(g.size))
            continue
        found = net.unit(name)
        if found is None:
            raise TclError(f'unit "{name}" doesn\'t exist')
        out.append(found)
    return out


def quoted_names(names) -> str:
    """Lens lists networks and sets as quoted names, one per line."""
    return "\n".join(f'"{n}"' for n in names)
