"""The compiled kernels (Numba): every execution path that runs compiled code
has its kernels here, and only here.

* `batch.py`      a whole batch of one-tick examples side by side (and runs of
                  updates, and the weight update);
* `example.py`    one tick of the per-example path, and whole example loops;
* `exampleloop.py` the per-example loop's data (events tabled once) and calls;
* `exampleupdates.py` runs of updates of that loop in one call;
* `groupprocs.py` the input procedures beyond a dense DOT_PRODUCT (masked
                  projections, PRODUCT, DISTANCE) for one example;
* `bulk.py`, `bulkkernels.py` a batch's chores over many small arrays;
* `continuous.py` a CONTINUOUS example;
* `noise.py`      the tick's noise procedures, drawing through `rng.py`
                  (Lens's drand48 stream, compiled);
* `lesioned.py`   how the tick passes over lesioned units;
* `rules.py`      the scalar rules all of them share: activation functions,
                  their derivatives, error functions and theirs, the target
                  radius (each once; activations.py and costs.py are the
                  NumPy side, tests/test_compiled_rules.py holds them equal);
* `fastlog.py`    a float32 log that vectorises, libm's bits or no promise;
* `cache.py`      compiling once and loading from numba's disk cache.

A new kernel module registers its kernels with one line, after its kernels
and a `_warm(variant)` that calls each once on dummy arguments of the real
types (or compiles them for the real types; it raises if they cannot be):

    KERNELS = kernelcache.Kernels("mykernels", __file__, _warm, one_dispatcher,
                                  variants=("float32",), what="my kernels")

(`from . import cache as kernelcache`; `one_dispatcher` is any of its
`cache=True` njit functions: numba's cache folder is found through it; pass
`depends=(other.__file__,)` when its kernels call another module's compiled
functions).  The module also keeps `HAVE_NUMBA`, `ENABLED` and a
`ready(net=None, wait=False)`; its path's `why_not` in paths.py asks
`_numba_reason(module, variant)`, whose NotCompiled answer lets `choose`
charge the slower path's time to those kernels (they compile once that
pays).  `python -m lens_py.engine.compiled.cache` finds every module of this
package that registered, so nothing else lists them.

Which path runs is decided in `engine/paths.py`, nowhere here.  Each kernel
gives the NumPy code's bits exactly (tests compare them path against path).
"""
