"""Chores a training batch does to many small float32 arrays -- zeroing its
link and gain derivatives, scaling a CONTINUOUS net's by 1/ticksPerInterval
-- in one compiled call (a NumPy call per array costs more than the work on
a small net).  Each element gets what NumPy's fill or in-place multiply
gives it (a float32 product with the float32 scale), so the bits are the
same; without the kernels the callers do it in NumPy.

The arrays go in by address and size: `Arrays(list)` keeps them alive and
says whether every one of them can go (float32, C-ordered)."""
from __future__ import annotations

import numpy as np

from . import cache as kernelcache

# the kernels themselves (bulkkernels.py) import numba: only once it is allowed
HAVE_NUMBA = kernelcache.numba_installed()
ENABLED = HAVE_NUMBA
_KERNELS = kernelcache.lazy_module("lens_py.engine.compiled.bulkkernels")


class Arrays:
    """Arrays for the kernels below: their addresses and sizes, or `ok`
    False when one of them is not a C-ordered float32 array."""

    def __init__(self, arrays):
        self.arrays = list(arrays)
        self.ok = all(a.dtype == np.float32 and a.flags.c_contiguous for a in self.arrays)
        self.addr = np.array([a.ctypes.data for a in self.arrays] if self.ok else [],
                             dtype=np.int64)
        self.size = np.array([a.size for a in self.arrays] if self.ok else [],
                             dtype=np.int64)


class Parts:
    """Parts of arrays for zero_parts: (array, index) pairs, each array's
    elements at `index` (any NumPy index), also by flat position for the
    kernel; `ok` False when one of the arrays is not a C-ordered float32
    array."""

    def __init__(self, parts):
        self.parts = list(parts)
        self.arrays = [a for a, _ in parts]
        self.ok = all(a.dtype == np.float32 and a.flags.c_contiguous for a in self.arrays)
        flat = []
        for a, index in parts:
            chosen = np.zeros(a.shape, dtype=bool)
            chosen[index] = True
            flat.append(np.flatnonzero(chosen))
        self.addr = np.array([a.ctypes.data for a in self.arrays] if self.ok else [],
                             dtype=np.int64)
        self.first = np.cumsum([0] + [len(f) for f in flat]).astype(np.int64)
        self.index = np.concatenate(flat).astype(np.int64) if flat else \
            np.zeros(0, dtype=np.int64)


def ready() -> bool:
    """Can the kernels run now (loading them from numba's cache if there;
    compiled once a run has waited long enough for them, compiled/cache.py)?"""
    return ENABLED and kernelcache.numba_allowed() and _KERNELS.HAVE_NUMBA \
        and _KERNELS.KERNELS.charge()


def zero(arrays: Arrays, compiled: bool = True) -> None:
    """Each array 0 (`compiled` False: in NumPy, as the paths without
    compiled code must)."""
    if compiled and arrays.ok and ready():
        _KERNELS.zero_all(arrays.addr, arrays.size)
    else:
        for a in arrays.arrays:
            a.fill(0)


def zero_parts(parts: Parts, compiled: bool = True) -> None:
    """Each part 0 (`compiled` False: in NumPy)."""
    if not parts.parts:
        return
    if compiled and parts.ok and ready():
        _KERNELS.zero_listed(parts.addr, parts.first, parts.index)
    else:
        for a, index in parts.parts:
            a[index] = 0


def scale(arrays: Arrays, factor, compiled: bool = True) -> None:
    """Each array times `factor` (of the arrays' type), in place."""
    if compiled and arrays.ok and ready():
        _KERNELS.scale_all(arrays.addr, arrays.size, np.float32(factor))
    else:
        multiply = np.multiply
        for a in arrays.arrays:
            multiply(a, factor, out=a)      # in place: no temporary
