"""`lens_py.sweep(...)`: a sweep from Python, and the one place that puts a
sweep together (plan, client, runs, tables) for the command line too."""
from __future__ import annotations

import os

from . import tables
from .cluster import dask_client, need
from .plan import plan_runs
from .runner import SweepSettings, run_sweep, stderr_progress


class SweepInterrupted(KeyboardInterrupt):
    """The sweep was stopped by Ctrl-C; `.results` and `.curves` hold what
    had finished (the rest has the status "not run")."""

    def __init__(self, results, curves):
        super().__init__("sweep interrupted")
        self.results = results
        self.curves = curves


def sweep(script, seeds=(1,), vars=None, client=None, *, workers=None, scheduler=None,
          out=None, runs_dir=None, keep_weights=None, progress=True, with_curves=False,
          norc=False, float64=False):
    """Run SCRIPT once per combination of seed and values, each in a fresh
    lens_py process on a Dask worker; returns a pandas DataFrame, a row per
    run (and the learning curves too, as a second DataFrame, with
    `with_curves=True`).

    seeds: the seeds (ints); vars: {name: [values]}, each set as a global Tcl
    variable before the script runs; client: a dask.distributed.Client, or
    None for a local cluster of `workers` workers (or one connected to
    `scheduler`, an address).  out: also write the rows there (.csv or
    .parquet) and the curves beside it (NAME.curves.csv).  runs_dir: where
    each run's folder goes (default `runs` beside `out`, else in the current
    folder).  keep_weights: a folder for each run's final weights.
    A Ctrl-C stops the sweep cleanly and raises SweepInterrupted, which
    carries the partial results (also written to `out`)."""
    need("pandas")
    need("distributed")
    outcome = run_planned(script, plan_runs(seeds, vars), client=client, workers=workers,
                          scheduler=scheduler, out=out, runs_dir=runs_dir,
                          keep_weights=keep_weights, progress=progress, norc=norc,
                          float64=float64)
    results, curves = outcome.frames
    if outcome.interrupted:
        raise SweepInterrupted(results, curves)
    return (results, curves) if with_curves else results


def run_planned(script, runs, client=None, workers=None, scheduler=None, out=None,
                runs_dir=None, keep_weights=None, progress=True, norc=False, float64=False):
    """The sweep itself; returns the runner's Outcome with `.frames` (rows,
    curves) added.  With `out`, the tables are written there, also after a
    Ctrl-C."""
    script = os.path.abspath(script)
    if not os.path.isfile(script):
        raise FileNotFoundError(f'couldn\'t read file "{script}": no such file')
    if out is not None:
        tables.check_path(out)
    base = os.path.dirname(os.path.abspath(out)) if out is not None else os.getcwd()
    runs_dir = os.path.abspath(runs_dir or os.path.join(base, "runs"))
    keep = os.path.abspath(keep_weights) if keep_weights else None
    exclude = [runs_dir] + ([keep] if keep else [])
    if out is not None:
        exclude += [os.path.abspath(out), os.path.abspath(tables.curves_path(out))]
    settings = SweepSettings(script, runs_dir, keep, norc, float64, tuple(exclude))
    shown = stderr_progress(len(runs)) if progress else None
    outcome = None
    try:
        with dask_client(client, workers, scheduler) as (dask, threads):
            outcome = run_sweep(dask, runs, settings, threads, shown)
        outcome.frames = (tables.results_frame(outcome), tables.curves_frame(outcome))
        if out is not None:
            tables.write(outcome.frames[0], out)
            tables.write(outcome.frames[1], tables.curves_path(out))
    finally:
        if outcome is not None:
            outcome.release_interrupts()
    return outcome
