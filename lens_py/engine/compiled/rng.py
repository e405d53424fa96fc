"""Lens's drand48 stream and its noise draws, compiled: engine/rng.py's
drand48 and engine/noise.py's randReal and randGaussian, one value at a time
with the same float32 rounding, so a kernel draws the numbers LensRandom would,
in the same order.

The stream lives in a small float64 array the kernel reads and advances (a
48-bit state is exact in a float64): [x, kept?, kept value, kept mean, kept
range].  `load` copies a LensRandom into it before a kernel call, `store`
copies it back after, so draws made in Python before and after carry on from
where the kernel left off (randGaussian's kept value included).
"""
from __future__ import annotations

import math

import numpy as np

try:
    import numba
    HAVE_NUMBA = True
except ImportError:
    numba = None
    HAVE_NUMBA = False

X, KEPT, KEPT_VALUE, KEPT_MEAN, KEPT_RANGE = range(5)
STATE_SIZE = 5

# noise procedure codes (0: none)
ADD_GAUSSIAN, MULT_GAUSSIAN, ADD_UNIFORM, MULT_UNIFORM = 1, 2, 3, 4
_PROC_CODES = {"addGaussian": ADD_GAUSSIAN, "multGaussian": MULT_GAUSSIAN,
               "addUniform": ADD_UNIFORM, "multUniform": MULT_UNIFORM}


def proc_code(name: str) -> int:
    return _PROC_CODES[name]


def new_state() -> np.ndarray:
    return np.zeros(STATE_SIZE, dtype=np.float64)


def load(rng, rs: np.ndarray) -> None:
    """The LensRandom's drand48 position and kept Gaussian value into rs."""
    rs[X] = float(rng.drand48_position)
    kept = rng.gaussian_kept
    if kept is None:
        rs[KEPT] = 0.0
    else:
        rs[KEPT] = 1.0
        rs[KEPT_VALUE], rs[KEPT_MEAN], rs[KEPT_RANGE] = (float(v) for v in kept)


def store(rng, rs: np.ndarray) -> None:
    """rs's position and kept value back into the LensRandom."""
    rng.drand48_position = int(rs[X])
    if rs[KEPT] != 0.0:
        f = np.float32
        rng.gaussian_kept = (f(rs[KEPT_VALUE]), f(rs[KEPT_MEAN]), f(rs[KEPT_RANGE]))
    else:
        rng.gaussian_kept = None


if HAVE_NUMBA:
    _njit = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False)
    f32 = np.float32
    f64 = np.float64
    _A = np.uint64(0x5DEECE66D)
    _C = np.uint64(0xB)
    _MASK = np.uint64((1 << 48) - 1)
    _SCALE = 281474976710656.0

    @_njit
    def drand48(rs):
        # (a product mod 2^64 keeps the low 48 bits right)
        x = (np.uint64(rs[X]) * _A + _C) & _MASK
        rs[X] = f64(x)
        return f64(x) / _SCALE

    @_njit
    def rand_real(rs, mean, rng_range):
        """randReal(mean, range), mean and range float32."""
        unit = f32(2.0 * drand48(rs) - 1.0)
        return f32(f32(unit * rng_range) + mean)

    @_njit
    def rand_gaussian(rs, mean, rng_range):
        """randGaussian(mean, range): the kept value when the last call had
        this mean and range, else a new polar Box-Muller pair (v2's value
        returned, v1's kept)."""
        if rs[KEPT] != 0.0 and f32(rs[KEPT_MEAN]) == mean and f32(rs[KEPT_RANGE]) == rng_range:
            rs[KEPT] = 0.0
            return f32(rs[KEPT_VALUE])
        while True:
            v1 = rand_real(rs, f32(0.0), f32(1.0))
            v2 = rand_real(rs, f32(0.0), f32(1.0))
            rsq = f32(f32(v1 * v1) + f32(v2 * v2))
            if not (rsq >= f32(1.0) or rsq == f32(0.0)):
                break
        lg = f32(math.log(f64(rsq)))
        fac = f32(math.sqrt(-2.0 * f64(lg) / f64(rsq)))
        rs[KEPT] = 1.0
        rs[KEPT_VALUE] = f64(f32(f32(f32(v1 * fac) * rng_range) + mean))
        rs[KEPT_MEAN] = f64(mean)
        rs[KEPT_RANGE] = f64(rng_range)
        return f32(f32(f32(v2 * fac) * rng_range) + mean)

    @_njit
    def noisy(rs, proc, value, rng_range):
        """A group's noise procedure on one float32 value."""
        if proc == ADD_GAUSSIAN:
            return f32(value + rand_gaussian(rs, f32(0.0), rng_range))
        if proc == MULT_GAUSSIAN:
            return f32(value * rand_gaussian(rs, f32(1.0), rng_range))
        if proc == ADD_UNIFORM:
            return f32(value + rand_real(rs, f32(0.0), rng_range))
        if proc == MULT_UNIFORM:
            return f32(value * rand_real(rs, f32(1.0), rng_range))
        return value

    @_njit
    def noisy_array(rs, proc, values, rng_range):
        """noisy() on each value in turn, in place (tests and callers with
        a row of values)."""
        for i in range(values.shape[0]):
            values[i] = noisy(rs, proc, values[i], rng_range)
