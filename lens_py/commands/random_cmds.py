"""Lens's random-number commands (seed, getSeed, rand, randInt): the engine's
random stream, the same one that initialises weights and orders examples."""
from __future__ import annotations

from ..shell import numbers
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from .common import session

TABLE = CommandTable("lens-random")
cmd = TABLE.command


def _rng(interp):
    return session(interp).rng


@cmd("seed", "seed ?value?", 0, 1)
def _seed(interp, args):
    if args:
        n = numbers.parse_int(args[0])
        if n is None:
            raise TclError(f'usage: seed ?value? ("{args[0]}" is not an integer)')
        return str(_rng(interp).seed(n & 0xFFFFFFFF))
    return str(_rng(interp).seed(None))


@cmd("getSeed", "getSeed", 0, 0)
def _get_seed(interp, args):
    return str(_rng(interp).last_seed)


def _bounds(args, lo, hi, parse):
    """`?min? ?max?`: one argument is the maximum, two are both."""
    if len(args) == 1:
        return lo, parse(args[0])
    if len(args) == 2:
        return parse(args[0]), parse(args[1])
    return lo, hi


@cmd("rand", "rand ?min? ?max?", 0, 2)
def _rand(interp, args):
    lo, hi = _bounds(args, 0.0, 1.0, numbers.get_double)
    return interp.format_double(lo + (hi - lo) * _rng(interp).drand48())


@cmd("randInt", "randInt ?min? ?max?", 0, 2)
def _rand_int(interp, args):
    lo, hi = _bounds(args, 0, 2, numbers.get_int)
    if hi <= lo:
        raise TclError("usage: randInt ?min? max (max must be above min)")
    return str(lo + _rng(interp).rand_int(hi - lo))
