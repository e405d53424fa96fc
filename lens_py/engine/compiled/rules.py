"""The scalar rules of Lens's arithmetic, once, for every compiled kernel.

An activation function, its derivative, an error function and its
derivative, the target a radius adjusts: each is written here and nowhere
else in compiled code (activations.py and costs.py are the same rules over
NumPy arrays; tests/test_compiled_rules.py holds the two to the same bits).
They are ordinary numba functions, which LLVM inlines into the loops that
call them (so those still vectorise); numba's own IR-level inlining of them
into the continuous kernel gave that kernel wrong errors, so they ask for
none.

Every rule follows the type of the value it is given: float32 is Lens's
`real`, float64 what `precision 64` computes in.  `cast(x, proto)` rounds to
proto's type (C's cast to `real`); a double in between stays a double, as
C's `(real) (1.0 - o)` keeps its subtraction in double.
"""
from __future__ import annotations

import math

import numpy as np

from .. import activations as A
from . import fastlog
from .. import types as T

try:
    import numba
    HAVE_NUMBA = True
except ImportError:
    numba = None
    HAVE_NUMBA = False

SSE, CE, DIVERGENCE = 1, 2, 3           # the kernels' cost codes
COST_CODES = {T.SUM_SQUARED: SSE, T.CROSS_ENTROPY: CE, T.DIVERGENCE: DIVERGENCE}

SMALL = np.float64(A.SMALL_VAL)         # Lens's float constants, exactly
LARGE = np.float64(A.LARGE_VAL)
TANH_LIMIT = 17.0                       # beyond it Lens's TANH is +-1


if HAVE_NUMBA:
    _rule = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False)
    _TABLE = A.SIGMOID_TABLE.copy()
    _OVERLOAD = {"cache": True, "error_model": "numpy", "_nrt": False}

    def cast(x, proto):
        """x rounded to proto's real type."""

    @numba.extending.overload(cast, jit_options=_OVERLOAD)
    def _cast_impl(x, proto):
        if proto == numba.types.float32:
            return lambda x, proto: np.float32(x)
        return lambda x, proto: np.float64(x)

    @_rule
    def like(proto, x):
        """x in the type of the value proto (cast with its arguments swapped,
        for rules that follow their argument's type)."""
        return cast(x, proto)

    def sigmoid(x):
        """Lens's SIGMOID: in float32 its table of 1/(1+e^-x) at steps of
        1/1024 over [-16, 16], interpolated; in float64 the exponential."""

    @numba.extending.overload(sigmoid, jit_options=_OVERLOAD)
    def _sigmoid_impl(x):
        if x == numba.types.float32:
            def table_sigmoid(x):
                # branch-free, so that loops over units vectorise; one table
                # (its double is exact), so both ends of a step share a line
                xs = np.float32(0.0) if x != x else x
                xs = np.float32(-16.0) if xs < np.float32(-16.0) else xs
                xs = np.float32(16.0) if xs > np.float32(16.0) else xs
                v = np.float32(np.float32(xs + np.float32(16.0)) * np.float32(1024.0))
                i = np.int32(v)
                v = np.float32(v - np.float32(i))
                hi = np.float64(np.float32(v * _TABLE[i + 1]))
                y = np.float32((1.0 - np.float64(v)) * np.float64(_TABLE[i]) + hi)
                return x if x != x else y
            return table_sigmoid

        def exp_sigmoid(x):
            if x < -16.0:
                x = -16.0
            elif x > 16.0:
                x = 16.0
            return 1.0 / (1.0 + math.exp(-x))
        return exp_sigmoid

    @_rule
    def tanh(x):
        if x >= like(x, TANH_LIMIT):
            return like(x, 1.0)
        if x <= like(x, -TANH_LIMIT):
            return like(x, -1.0)
        return like(x, math.tanh(np.float64(x)))

    @_rule
    def tanh_deriv(x):
        """TANH's derivative at the unscaled input x: 1/cosh(x)^2 in real."""
        if x >= like(x, TANH_LIMIT) or x <= like(x, -TANH_LIMIT):
            return like(x, SMALL)
        c = like(x, math.cosh(np.float64(x)))
        return like(x, like(x, 1.0) / like(x, c * c))

    @_rule
    def logistic_back(od, o, gain64):
        """LOGISTIC's input derivative: outputDeriv * o * (1 - o) * gain."""
        return like(o, np.float64(like(o, od * o)) * (1.0 - np.float64(o)) * gain64)

    @_rule
    def tanh_back(od, x, gain):
        """TANH's input derivative at the unscaled input x."""
        return like(od, like(od, od * gain) * tanh_deriv(x))

    @_rule
    def log_real(x, proto):
        """LOG: (real) log((double) x); NaN below 0 and -inf at 0, as NumPy's."""
        d = np.float64(x)
        y = np.nan if d != d or d < 0.0 else (-np.inf if d == 0.0 else math.log(d))
        return cast(y, proto)

    def log_real_try(x, proto):
        """(LOG(x), whether it is certainly libm's): fastlog's series in
        float32, which vectorises; log_real itself (always certain) in float64."""

    @numba.extending.overload(log_real_try, jit_options=_OVERLOAD)
    def _log_real_try_impl(x, proto):
        if proto == numba.types.float32:
            return lambda x, proto: fastlog.log32_try(x)
        return lambda x, proto: (log_real(x, proto), True)

    @_rule
    def ce_bit_log_arg(o, zero):
        """CROSS_ENTROPY's term for a target of 0 (zero) or 1: -LOG of the
        returned double, or LARGE where the output is at the wrong end."""
        o64 = np.float64(o)
        x = (1.0 - o64) if zero else o64
        edge = o == (like(o, 1.0) if zero else like(o, 0.0))
        return x, edge

    @_rule
    def ce_bit_deriv(o, zero):
        """CROSS_ENTROPY's dE/do for a target of 0 (zero) or 1, as a double:
        1/(1-o) in double, or (real)-1/o -- which is the double quotient
        rounded, since a double holds more than twice a float's digits (and a
        NaN keeps its sign as in the float division).  One division for both
        targets, so rows of random bits need no branch."""
        o64 = np.float64(o)
        one_m = 1.0 - o64
        q = (1.0 if zero else -1.0) / (one_m if zero else o64)
        d0 = LARGE if like(o, one_m) <= like(o, SMALL) else q
        d1 = -LARGE if o <= like(o, SMALL) else np.float64(like(o, q))
        return d0 if zero else d1

    @_rule
    def adjusted_target(o, t, radius, zero_r):
        """The target the error sees: moved by targetRadius towards o, and o
        itself within zeroErrorRadius of it."""
        d = like(o, o - t)
        a = o
        if d > radius:
            a = like(o, t + radius)
        elif d < -radius:
            a = like(o, t - radius)
        if d < zero_r and d > -zero_r:
            a = o
        return a

    @_rule
    def error_term(cost, o, t):
        """One unit's error (costs.error_terms), a double holding a real."""
        if cost == SSE:
            d = like(o, o - t)
            return np.float64(like(o, d * d))
        if cost == CE:
            if t == like(o, 0.0) or t == like(o, 1.0):
                x, edge = ce_bit_log_arg(o, t == like(o, 0.0))
                return LARGE if edge else -np.float64(log_real(x, o))
            if o <= like(o, 0.0) or o >= like(o, 1.0):
                return LARGE
            a = np.float64(like(o, log_real(like(o, t / o), o) * t))
            one_t = 1.0 - np.float64(t)
            b = np.float64(log_real(one_t / (1.0 - np.float64(o)), o)) * one_t
            return a + b
        # DIVERGENCE
        if t == like(o, 0.0):
            return 0.0
        if o <= like(o, 0.0):
            return np.float64(like(o, t * log_real(like(o, t * like(o, LARGE)), o)))
        return np.float64(like(o, log_real(like(o, t / o), o) * t))

    @_rule
    def error_deriv(cost, o, t, s, od):
        """od + s * dE/do for one unit (costs.error_derivs' rounding); s holds
        errorScale, the frequency and SSE's factor 2."""
        if cost == SSE:
            return like(o, od + like(o, s * like(o, o - t)))
        o64 = np.float64(o)
        if cost == CE:
            if t == like(o, 0.0) or t == like(o, 1.0):
                d = ce_bit_deriv(o, t == like(o, 0.0))
            else:
                diff = like(o, o - t)
                den = o64 * (1.0 - o64)
                if den <= np.float64(like(o, SMALL)):
                    d = np.float64(like(o, diff * like(o, LARGE)))
                else:
                    d = np.float64(diff) / den
        else:
            if t == like(o, 0.0):
                d = 0.0
            elif o <= like(o, SMALL):
                d = np.float64(like(o, -t * like(o, LARGE)))
            else:
                d = np.float64(like(o, -t / o))
        return like(o, np.float64(od) + np.float64(s) * d)
