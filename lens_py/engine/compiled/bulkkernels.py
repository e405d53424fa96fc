"""The compiled kernels of bulk.py (imported by it once numba is allowed)."""
from __future__ import annotations

import numpy as np

from . import cache as kernelcache
from . import example as fastexample
from .bulk import Arrays
from .bulk import Parts as bulk_parts

HAVE_NUMBA = fastexample.HAVE_NUMBA

if HAVE_NUMBA:
    from .example import _matrix, _njit

    @_njit
    def zero_all(addr, size):
        for k in range(addr.shape[0]):
            a = _matrix(addr[k], 1, size[k])[0]
            for i in range(size[k]):
                a[i] = 0.0

    @_njit
    def zero_listed(addr, first, index):
        """bulk.Parts: array k's elements index[first[k]:first[k+1]] (flat) 0."""
        for k in range(addr.shape[0]):
            n = first[k + 1]
            a = _matrix(addr[k], 1, index[n - 1] + 1 if n > first[k] else 0)[0]
            for j in range(first[k], n):
                a[index[j]] = 0.0

    @_njit
    def scale_all(addr, size, factor):
        for k in range(addr.shape[0]):
            a = _matrix(addr[k], 1, size[k])[0]
            for i in range(size[k]):
                a[i] = a[i] * factor

    def _warm(variant: str) -> None:
        one = Arrays([np.ones(1, dtype=np.float32)])
        scale_all(one.addr, one.size, np.float32(0.5))
        zero_all(one.addr, one.size)
        part = bulk_parts([(np.ones(2, dtype=np.float32), [1])])
        zero_listed(part.addr, part.first, part.index)

    KERNELS = kernelcache.Kernels("bulk", __file__, _warm, zero_all,
                                  depends=(fastexample.__file__,), what="the array chores",
                                  compile_seconds=3.0)
