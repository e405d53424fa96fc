#!/usr/bin/env python3
"""Sweep speed: the same runs (seeds x learning rates of one script) as a
`lens-py sweep` on a local cluster of N workers, against one after another
in a single process (each in a fresh interpreter, the way a hand-written
loop in one Python session would run them).  Prints both times, the ratio
(>1 = the sweep is faster) and checks that both gave the same numbers.

    python scripts/bench_sweep.py                      # 4 seeds x 2 rates, 2 workers
    python scripts/bench_sweep.py --updates 2000     # short runs: start-up dominates

A sweep pays a fresh process per run (Python, numpy and numba start-up,
loading the compiled kernels): with runs of a second or less that cost is
the whole story, with runs of several seconds the workers' parallelism is.
"""
from __future__ import annotations

import argparse
import io
import math
import os
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCRIPT = """\
if {![info exists lr]} {set lr 0.05}
addNet bench %(inputs)d %(hidden)d %(outputs)d
loadExamples bench.ex
setObj learningRate $lr
train %(updates)d -report %(report)d
test
"""


def write_model(folder: str, updates: int, hidden: int) -> str:
    rng = np.random.default_rng(0)
    inputs, outputs, examples = 20, 20, 40
    with open(os.path.join(folder, "bench.ex"), "w") as f:
        for _ in range(examples):
            x = rng.integers(0, 2, inputs)
            t = rng.integers(0, 2, outputs)
            f.write("I: " + " ".join(map(str, x)) + "\nT: " + " ".join(map(str, t)) + ";\n")
    script = os.path.join(folder, "bench.in")
    with open(script, "w") as f:
        f.write(SCRIPT % {"inputs": inputs, "hidden": hidden, "outputs": outputs,
                          "updates": updates, "report": max(1, updates // 10)})
    return script


def one_process(script: str, runs, runs_dir: str) -> tuple[float, list]:
    """Every run in this process, one after another (fresh interpreter each)."""
    from lens_py.sweep import folder as F
    from lens_py.sweep.child import execute
    from lens_py.sweep.runner import SweepSettings, run_spec
    settings = SweepSettings(script, runs_dir, norc=True)
    errors = []
    here = os.getcwd()
    start = time.perf_counter()
    for run in runs:
        spec = run_spec(run, settings)
        F.prepare(spec["folder"], spec)
        F.mirror(os.path.dirname(script), spec["folder"], [runs_dir])
        os.chdir(spec["folder"])
        try:
            result = execute(spec, stdout=io.StringIO(), stderr=sys.stderr)
        finally:
            os.chdir(here)
        assert result["status"] == "ok", result["message"]
        errors.append(result["error"])
    return time.perf_counter() - start, errors


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--seeds", type=int, default=4)
    p.add_argument("--rates", default="0.05,0.1")
    p.add_argument("--updates", type=int, default=60000)
    p.add_argument("--hidden", type=int, default=40)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    import lens_py
    from lens_py.sweep.plan import plan_runs
    rates = args.rates.split(",")
    runs = plan_runs(range(1, args.seeds + 1), {"lr": rates})
    with tempfile.TemporaryDirectory() as tmp:
        model = os.path.join(tmp, "model")
        os.mkdir(model)
        script = write_model(model, args.updates, args.hidden)
        print(f"{len(runs)} runs ({args.seeds} seeds x {len(rates)} rates) of a "
              f"20-{args.hidden}-20 net, 40 examples, {args.updates} updates each")
        alone_s, alone_errors = one_process(script, runs, os.path.join(tmp, "alone"))
        print(f"one after another, one process: {alone_s:7.2f} s")
        start = time.perf_counter()
        rows = lens_py.sweep(script, seeds=range(1, args.seeds + 1), vars={"lr": rates},
                             workers=args.workers, runs_dir=os.path.join(tmp, "swept"),
                             progress=False, norc=True)
        sweep_s = time.perf_counter() - start
        print(f"sweep, {args.workers} workers:            {sweep_s:7.2f} s")
        print(f"speed-up: {alone_s / sweep_s:.2f}x")
        scripts_s = float(rows["wall_time"].sum())
        print(f"the runs' scripts took {scripts_s / len(runs):.2f} s each in the sweep "
              f"({alone_s / len(runs):.2f} s in one process); the rest, "
              f"{(args.workers * sweep_s - scripts_s) / len(runs):.2f} s a run, is starting "
              f"processes and the cluster")
        same = all(a == b or (math.isnan(a) and math.isnan(b))
                   for a, b in zip(alone_errors, rows["error"]))
        print("same final errors in both:", "yes" if same else "NO")
        return 0 if same and (rows["status"] == "ok").all() else 1


if __name__ == "__main__":
    sys.exit(main())
