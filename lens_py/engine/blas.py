"""Matrix products on one OpenBLAS thread (the products of `exactSums 0`).

OpenBLAS's result depends on how many threads it splits a product between
(numpy's bundled OpenBLAS gives other last bits on 1 thread than on 2), so
the numbers of BLAS mode would change with the machine's core count; and on
a shared machine its threads, which spin while they wait, made a 100x200 by
200x100 product take 30 ms instead of 0.6.  The batches lens_py multiplies
are small enough for one thread, so every product here runs on one: the same
numbers on every machine, and no thread fighting numba's.

Only the calling thread's setting changes (OpenBLAS >= 0.3.27's
openblas_set_num_threads_local), and it is put back after each product, so
the user's own NumPy code keeps its threads.  Without that call (another
BLAS, an older OpenBLAS) products run as NumPy runs them.
"""
from __future__ import annotations

import ctypes


def _find_setters():
    """openblas_set_num_threads_local of each OpenBLAS loaded (numpy's, and
    scipy's if it brings its own)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line.lower()
                     and ".so" in line}
    except OSError:
        return []
    setters = []
    for path in sorted(paths):
        try:
            setter = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.restype = ctypes.c_int
        setter.argtypes = [ctypes.c_int]
        setters.append(setter)
    return setters


_SETTERS = _find_setters()


def _set_threads(n):
    """Set each OpenBLAS's thread count for this thread; the previous ones."""
    return [setter(n) for setter in _SETTERS]


def _restore(previous) -> None:
    for setter, n in zip(_SETTERS, previous):
        setter(n)


def matmul(a, b):
    """a @ b on one OpenBLAS thread."""
    if not _SETTERS:
        return a @ b
    previous = _set_threads(1)
    try:
        return a @ b
    finally:
        _restore(previous)


class OneThread:
    """`with OneThread():` products inside run on one thread (for a run of
    several, where setting it per product would cost more than small ones)."""

    def __enter__(self):
        self.previous = _set_threads(1)
        return self

    def __exit__(self, *exc):
        _restore(self.previous)
        return False

