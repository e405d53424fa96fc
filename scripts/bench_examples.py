#!/usr/bin/env python3
"""Loading a large text example file: lens_py against the original Lens, in
the same run.

Writes N examples (default 50 000) of U input and U target values (default
100, three decimals, as `name:{eK}` / `I: …` / `T: …;`), then runs
`loadExamples` on it in a fresh lens_py process and, when LENS_REF names the
built Lens (e.g. LENS_REF=/tmp/lensref/bin/alens), in Lens.  For each it
prints the seconds loadExamples took (measured inside the program), the
seconds of the whole process, its peak memory (ru_maxrss of the child) and
the same for a process that loads a file of one example (so the code and
libraries each program loads count on both sides), so the memory the examples take
shows on its own; then lens_py / Lens ratios (< 1 = lens_py faster/smaller).

    python scripts/bench_examples.py
    LENS_REF=/tmp/lensref/bin/alens python scripts/bench_examples.py -n 50000 -u 100
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = """set t0 [clock milliseconds]
loadExamples {%s} -set big
puts "LOADED [expr {[clock milliseconds] - $t0}] [getObj big.numExamples]"
"""
# The baseline loads one example, so the program's own code and libraries
# (NumPy and the engine for lens_py) count in both runs and the difference is
# what the examples take.
EMPTY = SCRIPT


def write_examples(path: str, n: int, units: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        f.write(";\n")
        for k in range(n):
            x, t = rng.random(units), rng.random(units)
            f.write("name:{e%d}\nI: %s\nT: %s;\n" % (
                k, " ".join("%.3f" % v for v in x), " ".join("%.3f" % v for v in t)))


def measure(argv_for, script_dir):
    """Peak memory needs the child's own rusage: wait4 through a tiny wrapper."""
    results = {}
    for label, text in (("empty", EMPTY % os.path.join(script_dir, "one.ex")),
                        ("load", SCRIPT % os.path.join(script_dir, "big.ex"))):
        script = os.path.join(script_dir, f"{label}.in")
        with open(script, "w") as f:
            f.write(text)
        wrapper = [sys.executable, "-c", _WRAPPER, *argv_for(script)]
        out = subprocess.run(wrapper, cwd=script_dir, capture_output=True, text=True)
        fields = out.stdout.strip().splitlines()[-1].split() if out.stdout.strip() else []
        if out.returncode or len(fields) != 5 or fields[0] != "RESULT":
            raise SystemExit(f"{argv_for(script)[0]} failed:\n{out.stdout}\n{out.stderr}")
        results[label] = tuple(float(x) for x in fields[1:])
    return results


_WRAPPER = r"""
import os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
out = proc.stdout.read(); err = proc.stderr.read()
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
line = next((l for l in out.splitlines() if l.startswith("LOADED")), None)
if line is None or status:
    sys.stdout.write(out + err); sys.exit(1)
ms, count = line.split()[1:]
print("RESULT", int(ms) / 1000.0, count, wall, usage.ru_maxrss / 1024.0)
"""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--examples", type=int, default=50000)
    ap.add_argument("-u", "--units", type=int, default=100)
    args = ap.parse_args(argv)
    lens = os.environ.get("LENS_REF")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "big.ex")
        write_examples(path, args.examples, args.units)
        write_examples(os.path.join(d, "one.ex"), 1, args.units)
        print(f"{args.examples} examples x ({args.units} inputs + {args.units} targets), "
              f"{os.path.getsize(path) / 1e6:.1f} MB of text")
        programs = [("lens_py", lambda s: [sys.executable, "-m", "lens_py", s])]
        if lens:
            programs.append(("Lens", lambda s: [lens, s]))
        env_path = os.environ.get("PYTHONPATH", "")
        os.environ["PYTHONPATH"] = ROOT + (os.pathsep + env_path if env_path else "")
        rows = {}
        print(f"{'':8} {'load s':>8} {'process s':>10} {'peak MB':>8} {'1 example MB':>13} "
              f"{'examples MB':>12}")
        for name, argv_for in programs:
            r = measure(argv_for, d)
            load_s, count, wall, peak = r["load"]
            empty_peak = r["empty"][3]
            if int(count) != args.examples:
                raise SystemExit(f"{name} loaded {count} examples, not {args.examples}")
            rows[name] = (load_s, wall, peak, peak - empty_peak)
            print(f"{name:8} {load_s:8.2f} {wall:10.2f} {peak:8.1f} {empty_peak:13.1f} "
                  f"{peak - empty_peak:12.1f}")
        if "Lens" in rows:
            ours, theirs = rows["lens_py"], rows["Lens"]
            print("lens_py / Lens:  load %.2f  process %.2f  peak memory %.2f  "
                  "examples' memory %.2f" % tuple(a / b for a, b in zip(ours, theirs)))
        else:
            print("(set LENS_REF to the built Lens, e.g. /tmp/lensref/bin/alens, for ratios)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
