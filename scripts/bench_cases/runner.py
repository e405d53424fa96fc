"""`python scripts/bench.py --suite`: the Lens scripts of this folder through
lens_py and (when LENS_REF names the built original Lens) through Lens,
interleaved, best of --repeat each; then start-up, the big net against plain
NumPy/PyTorch loops, and with --cold a first run on an empty numba cache.

Every figure is a ratio against a reference measured in the same run, on a
machine that may be busy: the load average is printed beside each case.
"""
from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from . import suite

STARTUP_REPEAT = 5


def load() -> str:
    return f"{os.getloadavg()[0]:.1f}"


def best(values):
    values = [v for v in values if v is not None]
    return min(values) if values else None


def ratio(ours, theirs) -> float | None:
    if ours is None or not theirs:
        return None
    return ours / theirs


def fmt(value, spec=".3f", width=8) -> str:
    return f"{value:{width}{spec}}" if value is not None else f"{'-':>{width}}"


def lens_binary() -> str | None:
    lens = os.environ.get("LENS_REF")
    if not lens:
        return None
    if not (os.path.isfile(lens) and os.access(lens, os.X_OK)):
        print(f"LENS_REF={lens} is not an executable file: timing lens_py alone")
        return None
    return lens


def describe_lens(lens: str) -> str:
    """Which build the wrapper runs (Lens's bin/alens starts alens-O2 unless
    LENSBIN says otherwise)."""
    build = os.environ.get("LENSBIN")
    try:
        text = Path(lens).read_text(errors="replace")
    except OSError:
        text = ""
    if "LENSBIN" in text:
        return f"{lens} (runs {build or 'alens-O2'})"
    return lens


# -- start-up ----------------------------------------------------------------------------

def timed(command, cwd, env=None) -> float | None:
    t0 = time.perf_counter()
    p = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True)
    return time.perf_counter() - t0 if p.returncode == 0 else None


def startup_report(folder: Path, lens: str | None, repeat: int) -> None:
    """`lens_py -c 'puts hi'` against `python -c 'import numpy'` (and Lens
    printing the same), interleaved, best of each."""
    py = suite.lens_py_command() + ["-c", "puts hi"]
    numpy = [sys.executable, "-c", "import numpy"]
    ref = [lens, "puts hi"] if lens else None
    times = {"lens_py": [], "numpy": [], "Lens": []}
    for _ in range(repeat):
        times["lens_py"].append(timed(py, folder, suite.lens_py_env()))
        times["numpy"].append(timed(numpy, folder))
        if ref:
            times["Lens"].append(timed(ref, folder))
    ours, base, theirs = (best(times[k]) for k in ("lens_py", "numpy", "Lens"))
    print(f"start-up (best of {repeat}): lens_py -c 'puts hi' {fmt(ours, width=0)} s, "
          f"python -c 'import numpy' {fmt(base, width=0)} s, "
          f"ratio {fmt(ratio(ours, base), '.2f', 0)} (target <= 2)"
          + (f"; Lens 'puts hi' {fmt(theirs, width=0)} s, "
             f"lens_py/Lens {fmt(ratio(ours, theirs), '.1f', 0)}" if ref else ""))


SHORT_SCRIPT = """seed 1
addNet short 4 5 4
loadExamples bench40.ex
train 30
test
puts [getObj error]
"""


def short_script_report(folder: Path, lens: str | None, repeat: int) -> None:
    """A whole short script -- build a 4-5-4 net, load 40 examples, train 30
    updates, test -- through each program, process and all: what a user
    running many small scripts waits for."""
    suite.DATA["bench40.ex"](folder / "bench40.ex")
    script = folder / "short.in"
    script.write_text(SHORT_SCRIPT)
    py = suite.lens_py_command() + [script.name]
    times = {"lens_py": [], "Lens": []}
    for _ in range(repeat):
        times["lens_py"].append(timed(py, folder, suite.lens_py_env()))
        if lens:
            times["Lens"].append(timed([lens, script.name], folder))
    ours, theirs = best(times["lens_py"]), best(times["Lens"])
    print(f"short script (best of {repeat}, whole process): lens_py {fmt(ours, width=0)} s"
          + (f", Lens {fmt(theirs, width=0)} s, lens_py/Lens {fmt(ratio(ours, theirs), '.1f', 0)}"
             if lens else ""))


# -- the cases ---------------------------------------------------------------------------

# The cases time training in its steady state: each script's short warm-up
# train loads the kernels, which a run by default only does once it shows it
# pays for setting numba up (the cold report times that default).
WARM_ENV = {"LENS_PY_COMPILE": os.environ.get("LENS_PY_COMPILE", "now")}

HEADER = (f"{'case':<14} {'lens_py s':>9} {'Lens s':>8} {'ratio':>7} "
          f"{'py other':>8} {'Lens oth':>8} {'load':>5}  numbers")


def time_case(case, folder: Path, lens: str | None, repeat: int, scale: float = 1) -> dict:
    """Best of `repeat` interleaved runs through each program; the row."""
    row = {"case": case.name, "load": load(), "ours": None, "theirs": None}
    why = case.missing()
    if why:
        row["note"] = f"skipped: {why}"
        return row
    driver = suite.prepare(case, folder, case.scaled(scale))
    ours, theirs = [], []
    for _ in range(repeat):
        ours.append(suite.run_lens_py(driver, WARM_ENV))
        if lens:
            theirs.append(suite.run_lens(lens, driver))
    row["ours"] = best(r.train for r in ours)
    row["ours_other"] = best(r.wall - r.train for r in ours if r.train is not None)
    row["theirs"] = best(r.train for r in theirs)
    row["theirs_other"] = best(r.wall - r.train for r in theirs if r.train is not None)
    row["note"] = numbers_note(ours, theirs)
    row["runs"] = (ours, theirs)
    return row


def numbers_note(ours, theirs) -> str:
    failed = next((r for r in ours if r.train is None), None)
    if failed:
        return "lens_py FAILED: " + (failed.error.splitlines() or ["?"])[-1][:120]
    if any(r.lines != ours[0].lines for r in ours):
        return "lens_py's runs differ from each other"
    if not theirs:
        return "-"
    failed = next((r for r in theirs if r.train is None), None)
    if failed:
        return "Lens FAILED: " + (failed.error.splitlines() or ["?"])[-1][:120]
    diff = suite.first_difference(ours[0].lines, theirs[0].lines)
    return "same" if diff is None else "DIFFER " + diff


def print_row(row: dict) -> None:
    r = ratio(row["ours"], row["theirs"])
    print(f"{row['case']:<14} {fmt(row['ours'], width=9)} {fmt(row['theirs'])} "
          f"{fmt(r, '.2f', 7)} {fmt(row.get('ours_other'), '.2f')} "
          f"{fmt(row.get('theirs_other'), '.2f')} {row['load']:>5}  {row['note']}", flush=True)


def summary(rows) -> None:
    ratios = [ratio(r["ours"], r["theirs"]) for r in rows]
    ratios = [x for x in ratios if x is not None]
    same = sum(r["note"] == "same" for r in rows)
    compared = sum(r["theirs"] is not None for r in rows)
    if not ratios:
        timed_rows = sum(r["ours"] is not None for r in rows)
        print(f"\nsummary: {timed_rows} cases timed in lens_py; no Lens to compare "
              f"(set LENS_REF to the built Lens)")
        return
    geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
    print(f"\nsummary: {len(ratios)} cases against Lens; lens_py as fast or faster on "
          f"{sum(x <= 1 for x in ratios)}; ratio geometric mean {geo:.2f}, "
          f"best {min(ratios):.2f}, worst {max(ratios):.2f}; "
          f"numbers the same in {same} of {compared}")


# -- the big net against plain loops -----------------------------------------------------

def big_net_data():
    n, n_in, n_out, seed = suite.BIG_NET_DATA
    x, t = suite.binary_rows(n, n_in, n_out, seed)
    return x.astype(np.float32), t.astype(np.float32)


def numpy_big_net_seconds(updates: int, batch=100, hidden=100, lr=0.05, mom=0.9) -> float:
    """The big net's training as a plain float32 NumPy loop: logistic layers,
    cross-entropy output (Lens's default), batches in order, Doug's momentum."""
    x, t = big_net_data()
    rng = np.random.default_rng(0)
    sizes = [x.shape[1], hidden, t.shape[1]]
    ws = [rng.uniform(-1, 1, (sizes[k + 1], sizes[k])).astype(np.float32) for k in range(2)]
    bs = [rng.uniform(-1, 1, sizes[k + 1]).astype(np.float32) for k in range(2)]
    steps = [np.zeros_like(p) for p in ws + bs]
    lr, mom = np.float32(lr), np.float32(mom)
    t0 = time.perf_counter()
    for u in range(updates):
        lo = (u * batch) % len(x)
        xb, tb = x[lo:lo + batch], t[lo:lo + batch]
        h = 1 / (1 + np.exp(-(xb @ ws[0].T + bs[0])))
        o = 1 / (1 + np.exp(-(h @ ws[1].T + bs[1])))
        d_o = o - tb
        d_h = (d_o @ ws[1]) * h * (1 - h)
        grads = [d_h.T @ xb, d_o.T @ h, d_h.sum(0), d_o.sum(0)]
        norm2 = sum(float(np.vdot(g, g)) for g in grads)
        scale = np.float32(1 / math.sqrt(norm2) if norm2 > 1 else 1)
        for p, s, g in zip(ws + bs, steps, grads):
            s *= mom
            s -= lr * scale * g
            p += s
    return time.perf_counter() - t0


def torch_big_net_seconds(updates: int, batch=100, hidden=100, lr=0.05, mom=0.9):
    """The same loop in PyTorch on the CPU, one thread; None without torch."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    x, t = (torch.from_numpy(a) for a in big_net_data())
    g = torch.Generator().manual_seed(0)
    sizes = [x.shape[1], hidden, t.shape[1]]
    ws = [torch.rand(sizes[k + 1], sizes[k], generator=g) * 2 - 1 for k in range(2)]
    bs = [torch.rand(sizes[k + 1], generator=g) * 2 - 1 for k in range(2)]
    steps = [torch.zeros_like(p) for p in ws + bs]
    with torch.no_grad():
        t0 = time.perf_counter()
        for u in range(updates):
            lo = (u * batch) % len(x)
            xb, tb = x[lo:lo + batch], t[lo:lo + batch]
            h = torch.sigmoid(torch.addmm(bs[0], xb, ws[0].T))
            o = torch.sigmoid(torch.addmm(bs[1], h, ws[1].T))
            d_o = o - tb
            d_h = (d_o @ ws[1]) * h * (1 - h)
            grads = [d_h.T @ xb, d_o.T @ h, d_h.sum(0), d_o.sum(0)]
            norm2 = sum(float((gr * gr).sum()) for gr in grads)
            scale = 1 / math.sqrt(norm2) if norm2 > 1 else 1.0
            for p, s, gr in zip(ws + bs, steps, grads):
                s.mul_(mom).add_(gr, alpha=-lr * scale)
                p.add_(s)
        return time.perf_counter() - t0


ONE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def numpy_one_thread_seconds(updates: int) -> float | None:
    """numpy_big_net_seconds in a fresh process whose BLAS has one thread
    (the thread count is read when NumPy loads); None if it failed."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from bench_cases import runner; "
            "print(runner.numpy_big_net_seconds(int(sys.argv[2])))")
    p = subprocess.run([sys.executable, "-c", code, str(suite.HERE.parent), str(updates)],
                       env=dict(os.environ, **ONE_THREAD_ENV), capture_output=True, text=True)
    try:
        return float(p.stdout.split()[-1])
    except (IndexError, ValueError):
        return None


def big_net_report(row: dict, repeat: int, scale: float) -> None:
    """The big net against plain matmul loops: NumPy (BLAS threads as NumPy
    chooses), NumPy with BLAS on one thread (the reference of the targets when
    PyTorch is not installed), and PyTorch's CPU loop on one thread."""
    case = next(c for c in suite.CASES if c.name == row["case"])
    updates = int(case.scaled(scale)["updates"])
    np_s = best(numpy_big_net_seconds(updates) for _ in range(repeat))
    one_s = best(numpy_one_thread_seconds(updates) for _ in range(repeat))
    torch_s = best(torch_big_net_seconds(updates) for _ in range(repeat))
    ours = row["ours"]
    target = "<= 1.2" if case.settings.get("exactSums") == 0 else "<= 2"
    print(f"\n{row['case']}, {updates} updates of 100 examples: lens_py {fmt(ours, width=0)} s; "
          f"plain NumPy matmul loop {np_s:.3f} s (BLAS threads as NumPy chooses), "
          f"lens_py/NumPy {fmt(ratio(ours, np_s), '.2f', 0)}; "
          f"the same with BLAS on 1 thread {fmt(one_s, width=0)} s, lens_py/NumPy-1-thread "
          f"{fmt(ratio(ours, one_s), '.2f', 0)} (target {target}); "
          + (f"PyTorch CPU loop, 1 thread, {torch_s:.3f} s, lens_py/PyTorch "
             f"{fmt(ratio(ours, torch_s), '.2f', 0)} (target {target})"
             if torch_s is not None else "PyTorch not importable: no PyTorch loop"))


# -- first run on an empty cache ---------------------------------------------------------

def cold_report(folder: Path, warm_row: dict | None) -> None:
    """What a fresh install does: nets/xor.in's first run, and Lens's bench
    shape (10 000 links) on an empty numba cache (the kernels it needs compile
    in the run, once the NumPy path has run a while), then the same again on
    the cache that run left, against a warm run."""
    print("\nfirst run on an empty numba cache (NUMBA_CACHE_DIR = a new empty folder):")
    xor_cache = tempfile.mkdtemp(prefix="lens_bench_cold_")
    xor = suite.REPO / "lens_py" / "nets" / "xor.in"
    xor_run = shutil.copy(xor, folder / "xor.in")
    shutil.copy(suite.REPO / "lens_py" / "nets" / "xor.ex", folder / "xor.ex")
    t0 = time.perf_counter()
    p = subprocess.run(suite.lens_py_command() + [Path(xor_run).name], cwd=folder,
                       env=suite.lens_py_env({"NUMBA_CACHE_DIR": xor_cache}),
                       capture_output=True, text=True)
    xor_wall = time.perf_counter() - t0
    compiled = "compiling" in p.stderr
    print(f"  nets/xor.in: {xor_wall:.2f} s wall (target <= 10 s)"
          + ("" if p.returncode == 0 else " (FAILED)")
          + ("; compiled kernels" if compiled else "; the NumPy path, nothing compiled"))
    shutil.rmtree(xor_cache, ignore_errors=True)

    case = next(c for c in suite.CASES if c.name == "bench 10000")
    driver = suite.prepare(case, folder)
    cache_dir = tempfile.mkdtemp(prefix="lens_bench_cold_")
    env = {"NUMBA_CACHE_DIR": cache_dir}
    first = suite.run_lens_py(driver, env)
    second = suite.run_lens_py(driver, env)
    warm = warm_row["ours"] if warm_row and warm_row.get("ours") is not None \
        else suite.run_lens_py(driver, WARM_ENV).train
    for label, r in (("first run", first), ("after it", second)):
        if r.train is None:
            print(f"  {label}: FAILED {r.error.splitlines()[-1:] }")
            continue
        print(f"  bench 10000, {label:<9}: training {r.train:7.3f} s, wall {r.wall:7.2f} s; "
              f"training / warm training {fmt(ratio(r.train, warm), '.1f', 0)}"
              + (" (target <= 3)" if r is first else ""))
    print(f"  warm training (default cache): {fmt(warm, width=0)} s")
    shutil.rmtree(cache_dir, ignore_errors=True)


# -- the suite ---------------------------------------------------------------------------

def main(args) -> int:
    lens = lens_binary()
    cases = suite.by_name(args.cases.split(",")) if args.cases else suite.CASES
    repeat = max(1, args.repeat)
    try:
        import numba
        engine = f"numba {numba.__version__}"
    except ImportError:
        engine = "no numba (NumPy path)"
    print(f"lens_py suite: {suite.REPO} ({engine}), Python {sys.version.split()[0]}, "
          f"{os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"Lens: {describe_lens(lens) if lens else 'not set (LENS_REF)'}; best of {repeat} "
          f"interleaved runs; seconds of training as each script measures it; "
          f"'other' = the rest of the process (start-up, building, loading, warm-up)")
    print("ratio = lens_py / Lens (<= 1: lens_py as fast or faster)\n")
    rows = []
    with tempfile.TemporaryDirectory(prefix="lens_bench_") as tmp:
        folder = Path(tmp)
        startup_report(folder, lens, max(repeat, STARTUP_REPEAT))
        short_script_report(folder, lens, max(repeat, STARTUP_REPEAT))
        print("\n" + HEADER)
        for case in cases:
            row = time_case(case, folder, lens, repeat, args.scale)
            print_row(row)
            rows.append(row)
        for row in rows:
            if row["note"].startswith("DIFFER"):
                print_difference(row)
        summary(rows)
        for big in (r for r in rows if r["case"].startswith("big net") and r["ours"]):
            big_net_report(big, repeat, args.scale)
        if args.cold:
            warm = next((r for r in rows if r["case"] == "bench 10000"), None)
            cold_report(folder, warm)
    print(f"\nload average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    return 0


def print_difference(row: dict) -> None:
    ours, theirs = row["runs"]
    print(f"\n{row['case']}: lens_py and Lens printed different numbers")
    for label, lines in (("lens_py", ours[0].lines), ("Lens", theirs[0].lines)):
        print(f"  {label}:")
        for line in lines:
            print(f"    {line}")
