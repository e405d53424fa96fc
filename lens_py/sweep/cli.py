"""`lens-py sweep SCRIPT ...`: the sweep from the command line."""
from __future__ import annotations

import argparse
import logging
import os
import sys

USAGE_TAIL = """
Each run is a fresh lens_py process: `seed S`, then each NAME set as a global
Tcl variable, then the script, which finds its files relative to itself and
writes its outputs to its own folder (RUNS/seed=S,NAME=V/).  A script gives
itself a default for a swept variable with
    if {![info exists lr]} {set lr 0.1}
and hands values back for its row with `sweepResult name value`.  Repeat one
run alone with:  lens-py -c "seed S; set NAME V" SCRIPT
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lens-py sweep", description="Run a Lens script once per combination "
                "of seed and values, in parallel on Dask.", epilog=USAGE_TAIL,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("script")
    p.add_argument("--seeds", default="1", help="seeds to run: 1-20, 1,3,5 (default 1)")
    p.add_argument("--set", dest="sets", action="append", default=[], metavar="NAME=V1,V2",
                   help="a variable and its values (repeat for more; every combination runs)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, metavar="N",
                       help="runs at once on a local cluster (default: the number of cores)")
    where.add_argument("--scheduler", metavar="ADDR",
                       help="an existing Dask scheduler, e.g. tcp://host:8786")
    p.add_argument("--out", default="sweep.csv",
                   help="results, a row per run: .csv or .parquet (default sweep.csv); "
                        "learning curves go beside it, NAME.curves.csv")
    p.add_argument("--runs", metavar="DIR", help="the runs' folders (default: runs beside --out)")
    p.add_argument("--keep-weights", metavar="DIR", help="save each run's final weights here")
    p.add_argument("--norc", action="store_true", help="do not source ~/.lensrc in the runs")
    p.add_argument("--float64", action="store_true", help="compute in double precision")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    from .cluster import MissingDependency
    from .plan import PlanError, parse_seeds, parse_set, plan_runs
    from .tables import TableError
    try:
        args = parser().parse_args(argv)
        if args.workers is not None and args.workers < 1:
            raise _UsageError("--workers must be at least 1")
        variables = dict(parse_set(s) for s in args.sets)
        runs = plan_runs(parse_seeds(args.seeds), variables)
    except (_UsageError, PlanError) as e:
        sys.stderr.write(parser().format_usage() + f"lens-py sweep: {e}\n")
        return 2
    if not os.path.isfile(args.script):
        sys.stderr.write(f'lens-py sweep: couldn\'t read file "{args.script}": no such file\n')
        return 1
    # Dask logs its own housekeeping (e.g. tasks cancelled by a Ctrl-C) to stderr;
    # the terminal is for the sweep's progress and the runs' failures.
    logging.getLogger("distributed").setLevel(logging.ERROR)
    try:
        from .api import run_planned
        outcome = run_planned(args.script, runs, workers=args.workers, scheduler=args.scheduler,
                              out=args.out, runs_dir=args.runs, keep_weights=args.keep_weights,
                              progress=not args.quiet, norc=args.norc, float64=args.float64)
    except (MissingDependency, TableError) as e:
        sys.stderr.write(f"lens-py sweep: {e}\n")
        return 1
    except OSError as e:       # e.g. the scheduler cannot be reached, a folder not made
        sys.stderr.write(f"lens-py sweep: {e}\n")
        return 1
    rows = outcome.frames[0]
    failed = int((rows["status"] == "failed").sum())
    not_run = int((rows["status"] == "not run").sum())
    ok = len(rows) - failed - not_run
    summary = f"{ok} runs ok, {failed} failed"
    if not_run:
        summary += f", {not_run} not run"
    sys.stderr.write(f"{summary}; results in {args.out}\n")
    if outcome.interrupted:
        sys.stderr.write("sweep interrupted\n")
        return 130
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
