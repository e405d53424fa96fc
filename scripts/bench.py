#!/usr/bin/env python3
"""Training speed: lens_py against a plain NumPy loop, in the same process.

Lens's classic benchmark shape: a 4-x-x-4 logistic network with SUM_SQUARED
error and about N links (bias links included), 40 examples, full batch,
momentum descent, 1e7/N updates.  For each N this prints lens_py's seconds,
millions of weight traversals per second (Lens's own figure, 810/seconds)
and the ratio of lens_py's speed to the plain loop's (>1 = lens_py faster).
lens_py uses its compiled batch step and update (engine/fastpath.py) when
numba is installed; --numpy-path times the NumPy path instead.

    python scripts/bench.py            # all sizes
    python scripts/bench.py --sizes 100 10000 --scale 0.1
    python scripts/bench.py --memory-only   # 1000-1000-1000 net, 10 000 examples
    python scripts/bench.py --suite [--cases bench-1000,elman-bpt1] [--repeat 3] [--cold]
                                            # Lens scripts against the original Lens

--suite runs the Lens scripts of scripts/bench_cases/ through lens_py and, when
LENS_REF names the built original Lens, through Lens too (bench_cases/runner.py).

After the table: the update-schedule overhead on the largest net (no
schedule, `{_}`, a two-step schedule; ms per update and % over none).
"""
from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
import time

import numpy as np

LENS_O2_SECONDS = {100: 2.8, 1000: 0.89, 10000: 0.53, 100000: 0.48, 1000000: 0.44}


def hidden_size(n_links: int) -> int:
    """x with x^2 + 10x + 4 (links of a 4-x-x-4 net, biases included) nearest n."""
    best = min(range(1, 2000), key=lambda x: abs(x * x + 10 * x + 4 - n_links))
    return best


def bench_examples(rng: np.random.Generator):
    inputs = rng.integers(0, 2, size=(40, 4)).astype(np.float32)
    targets = rng.integers(0, 2, size=(40, 4)).astype(np.float32)
    return inputs, targets


def write_example_file(path: str, inputs, targets) -> None:
    with open(path, "w") as f:
        for x, t in zip(inputs, targets):
            f.write("I: " + " ".join(f"{v:g}" for v in x) + "\n")
            f.write("T: " + " ".join(f"{v:g}" for v in t) + ";\n")


def plain_numpy_seconds(x: int, inputs, targets, updates: int, lr=0.1, mom=0.9) -> float:
    """The same training written as a straightforward batched float32 loop."""
    rng = np.random.default_rng(0)
    sizes = [4, x, x, 4]
    ws = [rng.uniform(-1, 1, (sizes[i + 1], sizes[i])).astype(np.float32) for i in range(3)]
    bs = [rng.uniform(-1, 1, sizes[i + 1]).astype(np.float32) for i in range(3)]
    dws = [np.zeros_like(w) for w in ws]
    dbs = [np.zeros_like(b) for b in bs]
    lr = np.float32(lr)
    mom = np.float32(mom)
    t0 = time.perf_counter()
    for _ in range(updates):
        acts = [inputs]
        for w, b in zip(ws, bs):
            acts.append(1.0 / (1.0 + np.exp(-(acts[-1] @ w.T + b))))
        delta = 2.0 * (acts[-1] - targets) * acts[-1] * (1.0 - acts[-1])
        for k in (2, 1, 0):
            gw = delta.T @ acts[k]
            gb = delta.sum(axis=0)
            if k:
                delta = (delta @ ws[k]) * acts[k] * (1.0 - acts[k])
            dws[k] = mom * dws[k] - lr * gw
            dbs[k] = mom * dbs[k] - lr * gb
            ws[k] += dws[k]
            bs[k] += dbs[k]
    return time.perf_counter() - t0


def lens_py_seconds(x: int, example_file: str, updates: int, fast: bool = True) -> float:
    """Seconds for `updates` momentum updates through the shell, after one
    untimed update (loading the compiled code is not training time)."""
    from lens_py.assemble import make_interp
    import io
    interp = make_interp(stdout=io.StringIO())
    interp.eval(f"""
        seed 1
        addNet bench 4 {x} {x} 4 SUM_SQUARED
        loadExamples {{{example_file}}} -s bench
        setObj reportInterval 0
        setObj numUpdates 1
    """)
    interp.ext["lens"].net.fast_path = fast
    interp.eval("momentum")
    from lens_py.engine.compiled import batch as fastpath
    fastpath.ready(wait=True)
    interp.eval(f"setObj numUpdates {updates}")
    t0 = time.perf_counter()
    interp.eval("momentum")
    return time.perf_counter() - t0


SCHEDULES = (("none", None), ("{_}", "{_}"), ("two steps", "{2..3} 4"))


def schedule_seconds(x: int, example_file: str, updates: int, schedule) -> float:
    """Seconds per update of `train` with an update schedule for the run
    (None: no schedule), after one untimed update."""
    from lens_py.assemble import make_interp
    from lens_py.engine.compiled import batch as fastpath
    import io
    interp = make_interp(stdout=io.StringIO())
    interp.eval(f"""
        seed 1
        addNet bench 4 {x} {x} 4 SUM_SQUARED
        loadExamples {{{example_file}}} -s bench
        setObj reportInterval 0
    """)
    option = "" if schedule is None else f" -schedule {{{schedule}}}"
    interp.eval(f"momentum 1{option}")
    fastpath.ready(wait=True)
    t0 = time.perf_counter()
    interp.eval(f"momentum {updates}{option}")
    return (time.perf_counter() - t0) / updates


def schedule_report(example_file: str, n_links: int, updates: int, repeat: int) -> None:
    """The cost of an update schedule on the large net: per-update time with
    none, with {_} (every array, through the schedule machinery) and with a
    two-step schedule (hidden layers, then the output layer); the overhead of
    {_} over none must stay under 5%."""
    x = hidden_size(n_links)
    print(f"\nupdate schedules, {x * x + 10 * x + 4} links, {updates} updates "
          f"(ms per update, best of {repeat}):")
    best = {name: math.inf for name, _ in SCHEDULES}
    for _ in range(repeat):         # interleaved, so that a busy spell hits all alike
        for name, schedule in SCHEDULES:
            best[name] = min(best[name], 1e3 * schedule_seconds(x, example_file, updates,
                                                                schedule))
    base = best["none"]
    for name, _ in SCHEDULES:
        extra = "" if name == "none" else f"  {100 * (best[name] - base) / base:+6.1f}%"
        print(f"  {name:<10} {best[name]:8.3f}{extra}")


# -- the per-example path: an Elman SRN ---------------------------------------------------

SRN_SIZES = (6, 10, 6)           # Lens's sequence example: 6 inputs, 10 hidden (+ context), 6 out
SRN_EXAMPLES, SRN_EVENTS = 60, 9


def srn_sequences(rng):
    """60 sequences of 9 (input, target) one-hot events."""
    n_in, _, n_out = SRN_SIZES
    seqs = rng.integers(0, n_in, size=(SRN_EXAMPLES, SRN_EVENTS))
    tgts = rng.integers(0, n_out, size=(SRN_EXAMPLES, SRN_EVENTS))
    return seqs, tgts


def write_srn_file(path, seqs, tgts) -> None:
    with open(path, "w") as f:
        for k, (s, t) in enumerate(zip(seqs, tgts)):
            f.write(f"name: s{k} {SRN_EVENTS}\n")
            f.write("\n".join(f"i:{a} t:{b}" for a, b in zip(s, t)) + ";\n")


def plain_srn_seconds(seqs, tgts, updates: int, lr=0.1, mom=0.9) -> float:
    """The same SRN training as a straightforward float32 NumPy loop, tick by
    tick (logistic hidden layer with an Elman context, soft-max output with
    divergence error, momentum), as one would write it without Lens."""
    rng = np.random.default_rng(0)
    n_in, n_h, n_out = SRN_SIZES
    f32 = np.float32
    w_ih = rng.uniform(-1, 1, (n_h, n_in)).astype(f32)
    w_ch = rng.uniform(-1, 1, (n_h, n_h)).astype(f32)
    w_ho = rng.uniform(-1, 1, (n_out, n_h)).astype(f32)
    b_h = rng.uniform(-1, 1, n_h).astype(f32)
    b_o = rng.uniform(-1, 1, n_out).astype(f32)
    params = [w_ih, w_ch, w_ho, b_h, b_o]
    deltas = [np.zeros_like(p) for p in params]
    eye_in, eye_out = np.eye(n_in, dtype=f32), np.eye(n_out, dtype=f32)
    t0 = time.perf_counter()
    for _ in range(updates):
        grads = [np.zeros_like(p) for p in params]
        for s, t in zip(seqs, tgts):
            context = np.full(n_h, 0.5, dtype=f32)
            for a, b in zip(s, t):
                x = eye_in[a]
                h = 1 / (1 + np.exp(-(w_ih @ x + w_ch @ context + b_h)))
                z = w_ho @ h + b_o
                o = np.exp(z - z.max())
                o /= o.sum()
                d_o = o - eye_out[b]
                d_h = (w_ho.T @ d_o) * h * (1 - h)
                grads[0] += np.outer(d_h, x)
                grads[1] += np.outer(d_h, context)
                grads[2] += np.outer(d_o, h)
                grads[3] += d_h
                grads[4] += d_o
                context = h
        for p, d, g in zip(params, deltas, grads):
            d *= f32(mom)
            d -= f32(lr) * g
            p += d
    return time.perf_counter() - t0


def lens_py_srn_seconds(path: str, updates: int) -> float:
    from lens_py.assemble import make_interp
    from lens_py.engine.compiled import example as fastexample
    import io
    interp = make_interp(stdout=io.StringIO())
    interp.eval(f"""
        seed 1
        addNet seq -i {SRN_EVENTS} {SRN_SIZES[0]} {SRN_SIZES[1]} ELMAN {SRN_SIZES[2]} SOFT_MAX
        loadExamples {{{path}}}
        setObj reportInterval 0
        momentum 1
    """)
    fastexample.wait_ready()
    t0 = time.perf_counter()
    interp.eval(f"momentum {updates}")
    return time.perf_counter() - t0


def srn_report(tmp: str, updates: int, repeat: int) -> None:
    """The per-example path (examples tick by tick: Elman SRNs, multi-event
    examples, hooks): lens_py against the plain per-tick NumPy loop."""
    seqs, tgts = srn_sequences(np.random.default_rng(5))
    path = os.path.join(tmp, "srn.ex")
    write_srn_file(path, seqs, tgts)
    ours = min(lens_py_srn_seconds(path, updates) for _ in range(repeat))
    ref = min(plain_srn_seconds(seqs, tgts, max(1, updates // 20))
              for _ in range(repeat)) * 20 * updates / (20 * max(1, updates // 20))
    ticks = SRN_EXAMPLES * SRN_EVENTS
    print(f"\nper-example path: Elman SRN {SRN_SIZES[0]}-{SRN_SIZES[1]}-"
          f"{SRN_SIZES[2]}, {SRN_EXAMPLES} sequences of {SRN_EVENTS} ticks, {updates} updates:")
    print(f"  lens_py {ours:7.3f} s ({1e6 * ours / (updates * ticks):.2f} us per tick)   "
          f"plain NumPy loop {ref:7.3f} s   vs numpy {ref / ours:6.1f}")


MEMORY_SCRIPT = r"""
import resource, sys, time, io
from lens_py.assemble import make_interp
from lens_py.engine.compiled import batch as fastpath
def peak_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
interp = make_interp(stdout=io.StringIO())
t0 = time.perf_counter()
interp.eval("addNet mem 1000 1000 1000")
t1 = time.perf_counter(); net_mb = peak_mb()
interp.eval("loadExamples {%s} -s mem")
t2 = time.perf_counter(); load_mb = peak_mb()
fast = fastpath.ready(wait=True)   # compiled while the examples loaded
interp.eval("test")
t3 = time.perf_counter(); test_mb = peak_mb()
print(f"{net_mb:.0f} {load_mb:.0f} {test_mb:.0f} {t1 - t0:.2f} {t2 - t1:.2f} {t3 - t2:.2f} "
      f"{int(fast)}")
"""


def memory_report(tmp: str, examples: int = 10000, units: int = 1000) -> None:
    """Peak memory (getrusage maxrss of a fresh process) of a 1000-1000-1000
    network after building it, loading 10 000 examples with loadExamples and
    testing on them (to stay under 2 GB)."""
    import subprocess
    path = os.path.join(tmp, "memory.ex")
    rng = np.random.default_rng(7)
    with open(path, "w") as f:
        for _ in range(examples):
            bits = rng.integers(0, 2, size=(2, units))
            f.write("I: " + " ".join(map(str, bits[0])) + "\n")
            f.write("T: " + " ".join(map(str, bits[1])) + ";\n")
    out = subprocess.run([sys.executable, "-c", MEMORY_SCRIPT % path], capture_output=True,
                         text=True, check=True).stdout.split()
    net_mb, load_mb, test_mb, t_net, t_load, t_test, fast = map(float, out)
    print(f"\nmemory, {units}-{units}-{units} network, {examples} examples "
          f"(peak resident set, fresh process):")
    print(f"  after addNet        {net_mb:8.0f} MB  ({t_net:.1f} s)")
    print(f"  after loadExamples  {load_mb:8.0f} MB  ({t_load:.1f} s)")
    print(f"  after test          {test_mb:8.0f} MB  ({t_test:.1f} s)   limit 2048 MB: "
          f"{'ok' if test_mb < 2048 else 'OVER'}  "
          f"({'compiled' if fast else 'NumPy'} test path)")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000, 100000, 1000000])
    ap.add_argument("--scale", type=float, default=1.0,
                    help="fraction of the 1e7/N updates to run (times are scaled back up); "
                         "with --suite, a factor on every case's updates")
    ap.add_argument("--repeat", type=int, default=1,
                    help="best of this many runs of each (for a busy machine)")
    ap.add_argument("--numpy-path", action="store_true",
                    help="time lens_py without the compiled fast path (numba)")
    ap.add_argument("--memory", action="store_true",
                    help="also measure the memory of a 1000-1000-1000 net with 10 000 examples")
    ap.add_argument("--memory-only", action="store_true", help="only the memory measurement")
    ap.add_argument("--no-schedules", action="store_true",
                    help="skip the update-schedule overhead on the largest net")
    ap.add_argument("--no-srn", action="store_true",
                    help="skip the per-example path (SRN) timing")
    ap.add_argument("--suite", action="store_true",
                    help="the suite of Lens scripts, against the original Lens when LENS_REF "
                         "names it (scripts/bench_cases/)")
    ap.add_argument("--cases", default="",
                    help="with --suite: comma-separated case names (default all)")
    ap.add_argument("--cold", action="store_true",
                    help="with --suite: also time a first run on an empty numba cache")
    args = ap.parse_args(argv)
    if args.suite:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        from bench_cases import runner
        return runner.main(args)
    np.seterr(over="ignore")        # the plain loops' exp overflows harmlessly to 0 or 1
    inputs, targets = bench_examples(np.random.default_rng(42))
    with tempfile.TemporaryDirectory() as tmp:
        exfile = os.path.join(tmp, "bench.ex")
        write_example_file(exfile, inputs, targets)
        print(f"{'links':>9} {'hidden':>6} {'updates':>8} {'lens_py s':>10} {'Mtrav/s':>8} "
              f"{'numpy s':>8} {'vs numpy':>8} {'Lens -O2 s':>10} {'vs Lens':>8}")
        for n in ([] if args.memory_only else args.sizes):
            x = hidden_size(n)
            links = x * x + 10 * x + 4
            full = int(round(1e7 / n))
            updates = max(1, int(full * args.scale))
            ref = min(plain_numpy_seconds(x, inputs, targets, updates)
                      for _ in range(args.repeat)) * full / updates
            try:
                ours = min(lens_py_seconds(x, exfile, updates, not args.numpy_path)
                           for _ in range(args.repeat)) * full / updates
            except Exception as e:  # the engine may not support this yet
                print(f"{links:>9} {x:>6} {full:>8}  lens_py failed: {e}")
                continue
            lens = LENS_O2_SECONDS.get(n)
            print(f"{links:>9} {x:>6} {full:>8} {ours:>10.3f} {810 / ours:>8.0f} "
                  f"{ref:>8.3f} {ref / ours:>8.2f} "
                  f"{(f'{lens:.2f}' if lens else '-'):>10} {(f'{lens / ours:.2f}' if lens else '-'):>8}")
        if not (args.no_schedules or args.memory_only):
            schedule_report(exfile, max(args.sizes), 20, max(args.repeat, 3))
        if not (args.no_srn or args.memory_only):
            srn_report(tmp, max(1, int(1000 * args.scale)), args.repeat)
        if args.memory or args.memory_only:
            memory_report(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
