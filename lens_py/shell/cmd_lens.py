"""Lens's own shell layer (SPEC §8): repeat, alias, seed/rand/randInt, time, help, …"""
from __future__ import annotations

import resource
import time as walltime

from .. import __version__
from ..engine.rng import default_rng
from . import numbers
from .errors import TclBreak, TclContinue, TclError
from .registry import CommandTable
from .tcllist import parse_list

TABLE = CommandTable("lens-shell")
cmd = TABLE.command

LENS_VERSION = "2.63"

# Extra `help` topics other areas register (e.g. updateSchedule): name -> text.
HELP_TOPICS: dict = {}

GUI_COMMANDS = ["view", "viewUnits", "viewLinks", "autoPlot", "plotRow", "plotAll",
                "drawUnits", "resetPlot", "viewObject"]


def setup(interp):
    interp.aliases.setdefault("mo", "more")
    interp.aliases.setdefault("ex", "exec")
    interp.ext.setdefault("history", [])


@cmd("repeat", "repeat ?var? <n | \"a b\"> body", 2, 3)
def _repeat(interp, args):
    var = args[0] if len(args) == 3 else None
    spec, body = args[-2], args[-1]
    bounds = parse_list(spec)
    if len(bounds) == 1:
        counts = range(numbers.get_int(bounds[0]))      # n <= 0: no runs
    elif len(bounds) == 2:
        lo, hi = numbers.get_int(bounds[0]), numbers.get_int(bounds[1])
        step = 1 if hi >= lo else -1
        counts = range(lo, hi + step, step)
    else:
        raise TclError('usage: repeat ?var? <n | "a b"> body')
    for k in counts:
        if var is not None:
            interp.set_var(var, str(k))
        try:
            interp.eval(body)
        except TclBreak:
            break
        except TclContinue:
            pass
    return ""


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


@cmd("seed", "seed ?value?", 0, 1)
def _seed(interp, args):
    if args:
        n = numbers.parse_int(args[0])
        if n is None:
            raise TclError(f'usage: seed ?value? ("{args[0]}" is not an integer)')
        return str(default_rng.seed(n & 0xFFFFFFFF))
    return str(default_rng.seed(None))


@cmd("getSeed", "getSeed", 0, 0)
def _get_seed(interp, args):
    return str(default_rng.last_seed)


@cmd("rand", "rand ?min? ?max?", 0, 2)
def _rand(interp, args):
    lo, hi = 0.0, 1.0
    if len(args) == 1:
        hi = numbers.get_double(args[0])
    elif len(args) == 2:
        lo, hi = numbers.get_double(args[0]), numbers.get_double(args[1])
    return interp.format_double(lo + (hi - lo) * default_rng.drand48())


@cmd("randInt", "randInt ?min? ?max?", 0, 2)
def _rand_int(interp, args):
    lo, hi = 0, 2
    if len(args) == 1:
        hi = numbers.get_int(args[0])
    elif len(args) == 2:
        lo, hi = numbers.get_int(args[0]), numbers.get_int(args[1])
    if hi <= lo:
        raise TclError("usage: randInt ?min? max (max must be above min)")
    return str(lo + default_rng.rand_int(hi - lo))


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
    for _ in range(n):
        interp.eval(args[0])
    real = walltime.perf_counter() - t0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    user = r1.ru_utime - r0.ru_utime
    system = r1.ru_stime - r0.ru_stime
    return f"{user + system:.3f} active  {user:.3f} user  {system:.3f} system  {real:.3f} real"


@cmd("help", "help ?command?", 0, 1)
def _help(interp, args):
    if not args:
        lines = ["Commands (help <command> for one):"]
        for name in sorted(interp.commands):
            lines.append("  " + interp.commands[name].usage)
        if HELP_TOPICS:
            lines.append("Topics: " + " ".join(sorted(HELP_TOPICS)))
        return "\n".join(lines)
    name = args[0]
    if name in HELP_TOPICS:
        return HELP_TOPICS[name]
    c = interp.commands.get(name)
    if c is None:
        p = interp.procs.get(name)
        if p is not None:
            return f"usage: {p.usage()}  (a proc)"
        raise TclError(f'help: no command or topic "{name}"')
    return f"usage: {c.usage}" + (f"\n{c.help}" if c.help else "")


@cmd("history", "history ?count?", 0, 1)
def _history(interp, args):
    hist = interp.ext.get("history", [])
    n = numbers.get_int(args[0]) if args else len(hist)
    start = max(0, len(hist) - n)
    return "\n".join(f"{k + 1:5d}  {hist[k]}" for k in range(start, len(hist)))


@cmd("wait", "wait ?ms?", 0, 1)
def _wait(interp, args):
    if args:
        walltime.sleep(numbers.get_int(args[0]) / 1000.0)
    return ""


@cmd("nice", "nice ?increment?", 0, 1)
def _nice(interp, args):
    # Lens lowers its scheduling priority; changing ours behind the user's
    # back is not worth it, so this only checks its argument.
    if args:
        numbers.get_int(args[0])
    return ""


@cmd("signal", "signal ?signal? ?proc?", 0, 2)
def _signal(interp, args):
    raise TclError("signal is not supported in lens_py yet")


def _gui(interp, args, name=None):
    return f"{name} is not available in batch mode"


for _name in GUI_COMMANDS:
    TABLE.command(_name, f"{_name} ?arg ...?", 0)(
        (lambda n: (lambda interp, args: f"{n} is not available in batch mode"))(_name))
