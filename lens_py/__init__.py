"""lens_py: a faithful, fast Python re-creation of the Lens neural-network simulator.

    from lens_py import Lens, plots
    lens = Lens()                                  # Lens(quiet=True) prints nothing
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    curve = lens.record("error", every="update")   # values as NumPy arrays
    lens.train(200, report=20)
    plots.learning_curve(curve).savefig("curve.png")
    out = lens.outputs("output")                   # [examples, ticks, units]
    lens.net.group("hidden").incoming[1].weight    # [receiver, sender]

`Lens` (lens_py.api) runs any Lens command and has the methods above plus
`on(hook, fn)`, `adopt(net)`, `view_units()`, `view_links()`; `lens.net` is a
`Network` (groups, projections, fields; picklable); `lens_py.record` holds
recordings, `lens_py.plots` the matplotlib pictures, `lens_py.sweep` many
runs at once.  See README, "From Python" and "Looking at your network"."""
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
