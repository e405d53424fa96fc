"""Lens's own shell layer: alias, min/max, time, help, …
(`repeat` is with the other loops in cmd_control_flow.py; Lens's random-number commands are with the Lens commands, in
lens_py/commands/random_cmds.py: they draw from the engine's stream.)"""
from __future__ import annotations

import resource
import time as walltime

from .. import __version__
from . import numbers
from .errors import TclError
from .interp import builtin_unknown
from .registry import Command, CommandTable

TABLE = CommandTable("lens-shell")
cmd = TABLE.command

LENS_VERSION = "2.63"

GUI_COMMANDS = ["view", "viewUnits", "viewLinks", "autoPlot", "plotRow", "plotAll",
                "drawUnits", "resetPlot", "viewObject"]


def setup(interp):
    interp.aliases.setdefault("mo", "more")
    interp.aliases.setdefault("ex", "exec")
    interp.ext.setdefault("history", [])


# What a word naming no command runs (alias, program, command prefix); a
# script may replace it with `proc unknown` or wrap it after `rename`.
TABLE.add(Command("unknown", builtin_unknown, "unknown ?word ...?", 0))


@cmd("alias", "alias ?name? ?command ...?", 0)
def _alias(interp, args):
    if not args:
        return "\n".join(f"{k}\t{v}" for k, v in sorted(interp.aliases.items()))
    if len(args) == 1:
        return interp.aliases.get(args[0], "")
    interp.aliases[args[0]] = " ".join(args[1:])
    return ""


@cmd("unalias", "unalias name ?name ...?", 1)
def _unalias(interp, args):
    for name in args:
        interp.aliases.pop(name, None)
    return ""


def _numeric_pick(interp, args, pick):
    # As Lens's `expr {$a < $b ? $a : $b}`: the chosen value comes back as a
    # Tcl number (2.50 -> 2.5, 0x10 -> 16).
    a, b = numbers.parse_number(args[0]), numbers.parse_number(args[1])
    if a is None or b is None:
        raise TclError(f'expected number but got "{args[0] if a is None else args[1]}"')
    return numbers.format_number(a if pick(a, b) else b, interp.tcl_precision)


@cmd("min", "min a b", 2, 2)
def _min(interp, args):
    return _numeric_pick(interp, args, lambda a, b: a <= b)


@cmd("max", "max a b", 2, 2)
def _max(interp, args):
    return _numeric_pick(interp, args, lambda a, b: a >= b)


@cmd("version", "version", 0, 0)
def _version(interp, args):
    return f"lens_py {__version__} (follows Lens {LENS_VERSION})"


@cmd("verbosity", "verbosity ?level?", 0, 1)
def _verbosity(interp, args):
    if args:
        interp.verbosity = numbers.get_int(args[0])
    return str(interp.verbosity)


@cmd("time", "time command ?-iterations n?", 1, 3)
def _time(interp, args):
    n = 1
    if len(args) == 3:
        if not "-iterations".startswith(args[1]) or len(args[1]) < 2:
            raise TclError("usage: time command ?-iterations n?")
        n = numbers.get_int(args[2])
    elif len(args) == 2:
        raise TclError("usage: time command ?-iterations n?")
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = walltime.perf_counter()
    result = ""
    for _ in range(n):
        result = interp.eval(args[0])
    # Lens's time prints the command's result before returning the times
    if interp.verbosity >= 1:
        interp.write(result + "\n")
    real = walltime.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    user = r1.ru_utime - r0.ru_utime
    system = r1.ru_stime - r0.ru_stime
    return f"{user + system:.3f} active  {user:.3f} user  {system:.3f} system  {real:.3f} real"


@cmd("history", "history ?count?", 0, 1)
def _history(interp, args):
    hist = interp.ext.get("history", [])
    n = numbers.get_int(args[0]) if args else len(hist)
    start = max(0, len(hist) - n)
    return "\n".join(f"{k + 1:5d}  {hist[k]}" for k in range(start, len(hist)))


def _gui(interp, args, name=None):
    return f"{name} is not available in batch mode"


for _name in GUI_COMMANDS:
    TABLE.command(_name, f"{_name} ?arg ...?", 0)(
        (lambda n: (lambda interp, args: f"{n} is not available in batch mode"))(_name))
