"""lens_py: a faithful, fast Python re-creation of the Lens neural-network simulator.

`Lens` runs Lens commands from Python; `Network` and `Session` are the
engine's own classes (see README, "From Python")."""
__version__ = "0.1.0"

__all__ = ["Lens", "LensCommandError", "Network", "Session", "sweep"]


def __getattr__(name):
    # Imported on first use, so `lens-py --version` stays fast.
    if name in ("Lens", "LensCommandError"):
        from . import api
        return getattr(api, name)
    if name == "sweep":     # the package lens_py/sweep is callable (no Dask until called)
        import importlib
        return importlib.import_module(".sweep", __name__)
    if name in ("Network", "Session"):
        from . import engine
        return getattr(engine, name)
    raise AttributeError(f"module 'lens_py' has no attribute {name!r}")
