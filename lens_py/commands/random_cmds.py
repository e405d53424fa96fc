"""Lens's random-number commands (seed, getSeed, rand, randInt): the engine's
random stream, the same one that initialises weights and orders examples."""
from __future__ import annotations

import numpy as np

from ..engine.noise import uniform_values
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
    """`?min? ?max?`: one argument is the maximum, two are both; Lens
    swaps them when the minimum is the larger."""
    if len(args) == 1:
        hi = parse(args[0])
    elif len(args) == 2:
        lo, hi = parse(args[0]), parse(args[1])
    return (hi, lo) if lo > hi else (lo, hi)


def _real(text: str) -> np.float32:
    with np.errstate(all="ignore"):
        return np.float32(numbers.get_double(text))


def _c_g(value: np.float32) -> str:
    """C's %g, which writes a NaN's sign too."""
    if np.isnan(value):
        return "-nan" if np.signbit(value) else "nan"
    return "%g" % float(value)


@cmd("rand", "rand ?min? ?max?", 0, 2)
def _rand(interp, args):
    # Lens draws randReal((min+max)/2, (max-min)/2) in its real type and
    # prints it with %g
    f32 = np.float32
    lo, hi = _bounds(args, f32(0.0), f32(1.0), _real)
    with np.errstate(all="ignore"):
        mean, half = (lo + hi) / f32(2), (hi - lo) / f32(2)
        value = uniform_values(_rng(interp), 1, mean, half, f32)[0]
    return _c_g(value)


@cmd("randInt", "randInt ?min? ?max?", 0, 2)
def _rand_int(interp, args):
    lo, hi = _bounds(args, 0, 2, numbers.get_int)
    if hi == lo:        # (Lens divides by zero here)
        raise TclError("usage: randInt ?min? max (max must differ from min)")
    return str(lo + _rng(interp).rand_int(hi - lo))
