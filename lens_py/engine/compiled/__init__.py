"""The compiled kernels (Numba): every execution path that runs compiled code
has its kernels here, and only here.

* `batch.py`      a whole batch of one-tick examples side by side (and runs of
                  updates, and the weight update);
* `example.py`    one tick of the per-example path, and whole example loops;
* `exampleloop.py` the per-example loop's data (events tabled once) and calls;
* `continuous.py` a CONTINUOUS example;
* `cache.py`      compiling once and loading from numba's disk cache.

Which path runs is decided in `engine/paths.py`, nowhere here.  Each kernel
gives the NumPy code's bits exactly (tests compare them path against path).
"""
