"""The cost of a per-example Tcl hook, in lens_py and in the original Lens.

    python scripts/bench_hooks.py [--updates 500] [--repeats 3]
    LENS_REF=/tmp/lensref/bin/alens python scripts/bench_hooks.py

Trains a 4-20-4 network on four one-hot examples (one update = the four
examples) four ways: no hook, a trivial hook `setObj postExampleProc {set e 0}`,
`setObj postExampleProc {set e [getObj error]}`, and a postExampleProc calling
a proc that does `getObj output:0.output`.  The cost of one hook call is (time
with the hook - time without) / number of calls, timed inside the script with
`clock microseconds` around `train` after a first `train 1`, so start-up and
loading the compiled kernels are left out.  "over set e 0" is the cost of the
hook's Tcl beyond the trivial hook's: what the Tcl in it costs, apart from the
price of having a per-example hook at all (in lens_py, the training loop it
forces).  Each program runs the same script; the
best of `--repeats` runs counts.  With LENS_REF set the Lens runs are
interleaved with ours and the ratio lens_py / Lens is printed per hook.  Both
programs must print the same final error (checked)."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile

EXAMPLES = "".join(f"name: e{k}\nI: {' '.join('1' if j == k else '0' for j in range(4))}\n"
                   f"T: {' '.join('1' if j == k else '0' for j in range(4))};\n"
                   for k in range(4))

HOOKS = {
    "none": "",
    "set e 0": "setObj postExampleProc {set e 0}",
    "getObj error": "setObj postExampleProc {set e [getObj error]}",
    "proc getObj output:0.output": "proc logOut {} {set o [getObj output:0.output]}\n"
                                   "setObj postExampleProc logOut",
}

SCRIPT = """seed 1
addNet h 4 20 4
loadExamples {exfile} -set enc
setObj reportInterval 0
{hook}
train 1
set t0 [clock microseconds]
train {updates}
set t1 [clock microseconds]
puts "TIME [expr {{$t1 - $t0}}]"
puts "ERROR [getObj error]"
"""


def run(program: list, folder: str, hook: str, updates: int) -> tuple[float, str]:
    path = os.path.join(folder, "hook.in")
    with open(path, "w") as f:
        f.write(SCRIPT.format(exfile="enc.ex", hook=hook, updates=updates))
    # (LENS_PY_COMPILE=now: lens_py compiles what a run needs in its first
    # `train 1`, not at some moment of the timed train that differs per hook)
    p = subprocess.run(program + ["hook.in"], cwd=folder, capture_output=True, text=True,
                       timeout=3600, env={"LENS_PY_COMPILE": "now", **os.environ,
                                          "LENS_PY_RC": os.devnull})
    lines = dict(line.split(" ", 1) for line in p.stdout.splitlines()
                 if line.startswith(("TIME ", "ERROR ")))
    if "TIME" not in lines:
        raise SystemExit(f"{program[0]} failed:\n{p.stdout}\n{p.stderr}")
    return int(lines["TIME"]) / 1e6, lines["ERROR"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--updates", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=3)
    opts = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    programs = {"lens_py": [sys.executable, "-c",
                            f"import sys; sys.path.insert(0, {root!r}); "
                            "from lens_py.cli import main; sys.exit(main(sys.argv[1:]))"]}
    if os.environ.get("LENS_REF"):
        programs["Lens"] = [os.environ["LENS_REF"]]
    calls = opts.updates * 4
    best: dict = {}
    errors: dict = {}
    with tempfile.TemporaryDirectory() as folder:
        with open(os.path.join(folder, "enc.ex"), "w") as f:
            f.write(EXAMPLES)
        for _ in range(opts.repeats):
            for hook_name, hook in HOOKS.items():
                for prog, argv in programs.items():       # interleaved
                    t, err = run(argv, folder, hook, opts.updates)
                    key = (prog, hook_name)
                    best[key] = min(best.get(key, t), t)
                    errors.setdefault(hook_name, {})[prog] = err
    print(f"4-20-4, {opts.updates} updates of 4 examples = {calls} hook calls; "
          f"best of {opts.repeats}")
    for prog in programs:
        print(f"  {prog:8s} training without a hook: {best[(prog, 'none')]:.3f} s")
    for base in ("none", "set e 0"):
        print(f"  per hook call, over {'no hook' if base == 'none' else base!r}:")
        for hook_name in HOOKS:
            if hook_name in ("none", base):
                continue
            cost = {prog: (best[(prog, hook_name)] - best[(prog, base)]) / calls * 1e6
                    for prog in programs}
            line = f"    {hook_name:30s}" + "".join(f" {p}: {c:7.2f} us"
                                                  for p, c in cost.items())
            if "Lens" in cost:
                line += f"   ratio {cost['lens_py'] / max(cost['Lens'], 1e-3):.2f}"
            print(line)
    for hook_name, errs in errors.items():
        if len(set(errs.values())) > 1:
            print(f"  DIFFERENT final error with hook {hook_name!r}: {errs}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
