"""Lens's LOG, (real) log((double) x), in a form loops over units vectorise.

A call to libm's log per unit is what a CROSS_ENTROPY output group spends
most of its time on, and numba cannot vectorise the call.  `log32_try`
computes log(x) in double from the exponent and a short series (integer and
float arithmetic only, so a loop of it vectorises) and rounds it to float32;
it also says whether that rounding is certain: the series is within 1e-14 of
log(x) relative (the remainder after the z^9 term is below 1e-16; s and the
Horner steps lose a few ulps), libm's log within one ulp, so when y - d and
y + d (d = |y|·2^-36, a thousand times that error) round to the same float32,
libm's value rounds to it too.  Where they do not (about one value in 500),
and for anything but a normal positive x (0, NaN, negatives, infinities,
denormals), the caller takes libm's log itself (rules.log_real).  So the
results are libm's bit for bit, and no table or tolerance stands in for it.
"""
from __future__ import annotations

import math

import numpy as np

try:
    import numba
    from numba.extending import intrinsic
    HAVE_NUMBA = True
except ImportError:
    numba = None
    HAVE_NUMBA = False

_LN2 = math.log(2.0)
_SQRT_HALF_BITS = 0x3FE6A09E667F3BCD       # bits of sqrt(2)/2
_SERIES = tuple(2.0 / (2 * k + 1) for k in range(10))   # 2·atanh(s) = s·Σ c_k s^2k
_MARGIN = 2.0 ** -36
_LOWEST = 2.0 ** -1000                      # normal, with room to spare
_HIGHEST = 2.0 ** 1000


if HAVE_NUMBA:
    _inline = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False,
                         inline="always")

    def _reinterpret(src, dst):
        """An intrinsic that reads a src value's bits as a dst (a register
        move, no memory)."""
        @intrinsic
        def reinterpret(typingctx, x):
            if x != src:
                return None

            def codegen(context, builder, signature, args):
                return builder.bitcast(args[0], context.get_value_type(dst))
            return dst(src), codegen
        return reinterpret

    _bits = _reinterpret(numba.types.float64, numba.types.int64)
    _double = _reinterpret(numba.types.int64, numba.types.float64)

    C0, C1, C2, C3, C4, C5, C6, C7, C8, C9 = _SERIES

    @_inline
    def log32_try(x):
        """(float32 of log(x), whether it is certainly libm's); x a double."""
        ix = _bits(x)
        # x = m·2^k with m in [sqrt(1/2), sqrt(2)): m - 1 is exact
        k = (ix - np.int64(_SQRT_HALF_BITS)) >> 52
        f = _double(ix - (k << 52)) - 1.0
        s = f / (2.0 + f)
        z = s * s
        p = ((((((((C9 * z + C8) * z + C7) * z + C6) * z + C5) * z + C4) * z + C3) * z
              + C2) * z + C1) * z + C0
        y = np.float64(k) * _LN2 + s * p
        d = abs(y) * _MARGIN
        lo = np.float32(y - d)
        sure = (lo == np.float32(y + d)) & (x >= _LOWEST) & (x <= _HIGHEST)
        return lo, sure
