"""Where a sweep's runs go: a Dask client given by the caller, one for a
scheduler address, or a local cluster of N workers made (and closed) here.

Dask and pandas are the optional extra `sweep`; without them the sweep
stops with a message saying how to install them."""
from __future__ import annotations

import contextlib
import os

INSTALL_HINT = "pip install 'lens_py[sweep]'   (installs dask[distributed] and pandas)"


class MissingDependency(RuntimeError):
    """Dask or pandas is not installed."""


def need(module: str):
    """Import one of the sweep's optional dependencies, or say how to get it."""
    import importlib
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingDependency(f"sweeps need the package {module.split('.')[0]!r}, "
                                f"which is not installed: {INSTALL_HINT}") from None


@contextlib.contextmanager
def dask_client(client=None, workers: int | None = None, scheduler: str | None = None):
    """Yields (client, threads per run or None).  Closes only what it opened."""
    distributed = need("distributed")
    if client is not None:
        yield client, None
        return
    if scheduler is not None:
        with distributed.Client(scheduler, set_as_default=False) as c:
            yield c, None
        return
    workers = workers or default_workers()
    # A run is a process of its own; a worker only starts it and waits, so
    # the workers are threads of this process (nothing to ship, no extra
    # interpreters), one run at a time each.
    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1,
                                       processes=False, dashboard_address=None)
    try:
        with distributed.Client(cluster, set_as_default=False) as c:
            yield c, max(1, (os.cpu_count() or 1) // workers)
    finally:
        cluster.close()


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)
