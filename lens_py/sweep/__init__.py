"""Many runs: a Lens script run once per combination of seeds and values,
each run a fresh lens_py process on a Dask worker (a local cluster by
default, or any Dask cluster), the results collected into tables.

    import lens_py
    rows = lens_py.sweep("xor.in", seeds=range(1, 11), vars={"lr": [0.1, 0.2]})

Layout: plan.py (the combinations), task.py (one run on a worker: its
folder, its process), child.py (that process), folder.py (a run's folder),
record.py (what a run gives back, from the engine), cluster.py (the Dask
client), runner.py (submitting, progress, Ctrl-C), progress.py, tables.py
(CSV/Parquet), api.py (`sweep()`), cli.py (`lens-py sweep`).

Importing this package imports neither Dask nor pandas; calling it does.
"""
from __future__ import annotations

import sys
import types


from .api import SweepInterrupted, sweep

__all__ = ["sweep", "SweepInterrupted"]


class _CallableModule(types.ModuleType):
    """`lens_py.sweep` is both this package and the function: importing the
    package sets the attribute `lens_py.sweep` to the module, so the module
    itself answers a call."""

    def __call__(self, *args, **kwargs):
        return sweep(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
