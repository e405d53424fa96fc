"""The benchmark suite's cases: which Lens script, with which settings, on
which data, and how to run one through lens_py or the original Lens.

Each case is a plain Lens script in this folder that a user could run as it
is; it times its own training (`time {train}`) and prints `training took S s`,
so start-up, building the net and loading examples are not counted.  The
bench sets a few Tcl variables before sourcing it (sizes), runs it in a
scratch folder holding the example files it needs (written here, or Lens's own
files linked in when present) and compares everything else the script prints
between the two programs.
"""
from __future__ import annotations

import itertools
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LENS_EXAMPLES = [REPO.parent.parent / "shared" / "lens-examples",
                 Path("/work/shared/lens-examples")]
TRAINING_LINE = re.compile(r"^training took ([0-9.]+) s$")
CLOCK_LINE = re.compile(r"^Total time elapsed: [0-9.]+ seconds$")   # train's own, not compared
# a progress report's last two fields are the time used and left: masked before comparing
REPORT_TIMES = re.compile(r"^(\s*\d+\)\s.*?)(\s+(\d+h\s*\d+m|\d+m\s*\d+s|\d+s)){2}\s*$")
LENS_BANNER_LINES = 5           # Lens's batch mode starts stdout with its banner


# -- example data, our own generators ----------------------------------------------------

def binary_rows(n: int, n_in: int, n_out: int, seed: int):
    """n random examples of 0/1 inputs and targets (arrays n x n_in, n x n_out)."""
    bits = np.random.default_rng(seed).integers(0, 2, size=(n, n_in + n_out))
    return bits[:, :n_in], bits[:, n_in:]


def _binary_pairs(path: Path, n: int, n_in: int, n_out: int, seed: int) -> None:
    inputs, targets = binary_rows(n, n_in, n_out, seed)
    bits = np.hstack([inputs, targets])
    with open(path, "w") as f:
        for row in bits:
            f.write("I: " + " ".join(map(str, row[:n_in])) + "\n")
            f.write("T: " + " ".join(map(str, row[n_in:])) + ";\n")


def write_sequences(path: Path) -> None:
    """Lens's sequence task: three distinct symbols of five, each sequence
    a b c a b c a b c, the target the next symbol (5 = unpredictable), all 60
    orderings."""
    with open(path, "w") as f:
        for a, b, c in itertools.permutations(range(5), 3):
            inputs = [a, b, c] * 3
            targets = [5, 5, a, b, c, a, b, c, a]
            f.write(f"name: {{{a} {b} {c}}} 9\n")
            f.write("\n".join(f"i:{i} t:{t}" for i, t in zip(inputs, targets)) + ";\n")


def write_task(path: Path) -> None:
    """Lens's task example's data: one of three task units chooses which of
    three pairs of the six data bits is the target; every data pattern, every
    task."""
    with open(path, "w") as f:
        for data in itertools.product((0, 1), repeat=6):
            for task in range(3):
                one_hot = " ".join("1" if k == task else "0" for k in range(3))
                pair = data[2 * task: 2 * task + 2]
                f.write(f"I: (task) {one_hot} (input) {' '.join(map(str, data))}\n")
                f.write(f"T: {pair[0]} {pair[1]};\n")


BIG_NET_DATA = (5000, 200, 200, 45)      # the big net's examples: n, inputs, targets, seed

DATA = {
    "bench40.ex": lambda p: _binary_pairs(p, 40, 4, 4, 42),
    "bench10x40.ex": lambda p: _binary_pairs(p, 40, 10, 10, 43),
    "bench6x40.ex": lambda p: _binary_pairs(p, 40, 6, 6, 44),
    "big5000.ex": lambda p: _binary_pairs(p, *BIG_NET_DATA),
    "sequence60.ex": write_sequences,
    "task192.ex": write_task,
    "noise50.ex": lambda p: _binary_pairs(p, 50, 20, 20, 46),
    "noise20x30.ex": lambda p: _binary_pairs(p, 30, 20, 20, 47),
}


def lens_example(name: str) -> Path | None:
    """One of Lens's distribution files, when it is on this machine."""
    for folder in LENS_EXAMPLES:
        if (folder / name).is_file():
            return folder / name
    return None


# -- the cases ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    name: str
    script: str                     # file in this folder
    settings: dict = field(default_factory=dict)    # Tcl variables set before it runs
    data: tuple = ()                # files from DATA
    lens_files: tuple = ()          # Lens's own example files (case skipped without them)
    quick: dict = field(default_factory=dict)       # smaller settings for the unit test

    def scaled(self, scale: float) -> dict:
        """The settings with `scale` times the updates (at least 4)."""
        values = dict(self.settings)
        if "updates" in values and scale != 1:
            values["updates"] = max(4, int(round(values["updates"] * scale)))
        return values

    def missing(self) -> str | None:
        absent = [n for n in self.lens_files if lens_example(n) is None]
        return f"Lens's {', '.join(absent)} not here" if absent else None


# Sizes: Lens -O2 takes 0.5-1 s on each on a quiet machine, except the three
# that lens_py runs hundreds of times slower today (cont masked, product: Lens
# about 0.02 s; --scale multiplies every case's updates).
CASES = [
    Case("bench 1000", "bench_shape.in", {"links": 1000, "updates": 10000}, ("bench40.ex",),
         quick={"links": 1000, "updates": 20}),
    Case("bench 10000", "bench_shape.in", {"links": 10000, "updates": 1000}, ("bench40.ex",),
         quick={"links": 10000, "updates": 10}),
    Case("bench 100000", "bench_shape.in", {"links": 100000, "updates": 100},
         ("bench40.ex",), quick={"links": 100000, "updates": 4}),
    Case("elman bpt1", "elman.in", {"backpropTicks": 1, "updates": 400},
         ("sequence60.ex",), quick={"backpropTicks": 1, "updates": 4}),
    Case("elman bpt3", "elman.in", {"backpropTicks": 3, "updates": 300},
         ("sequence60.ex",), quick={"backpropTicks": 3, "updates": 4}),
    Case("srbptt", "srbptt.in", {"updates": 5000}, (), ("filler.ex.gz",),
         quick={"updates": 8}),
    Case("tcl hook", "tcl_hook.in", {"updates": 2000}, ("bench40.ex",),
         quick={"updates": 6}),
    Case("continuous", "continuous.in", {"updates": 3500}, ("bench40.ex",),
         quick={"updates": 4}),
    Case("cont masked", "continuous_masked.in", {"updates": 100}, ("bench10x40.ex",),
         quick={"updates": 4}),
    Case("cont bidir", "continuous_bidir.in", {"updates": 1500}, ("bench6x40.ex",),
         quick={"updates": 5}),
    Case("product", "product.in", {"updates": 100}, ("task192.ex",),
         quick={"updates": 4}),
    Case("big net", "bignet.in", {"updates": 150}, ("big5000.ex",),
         quick={"updates": 4}),
    Case("noise", "noise.in", {"updates": 500}, ("noise50.ex",), quick={"updates": 4}),
    Case("cont noise", "continuous_noise.in", {"updates": 1000}, ("noise20x30.ex",),
         quick={"updates": 4}),
    Case("lesion", "lesion.in", {"repeats": 100, "updates": 100}, ("noise50.ex",),
         quick={"repeats": 3, "updates": 4}),
    # lens_py's opt-in matrix products (Lens ignores the setting: exact sums)
    Case("big net blas", "bignet.in", {"updates": 150, "exactSums": 0}, ("big5000.ex",),
         quick={"updates": 4, "exactSums": 0}),
]


def by_name(names) -> list[Case]:
    known = {c.name.replace(" ", "-"): c for c in CASES}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]


# -- running one -------------------------------------------------------------------------

def prepare(case: Case, folder: Path, settings: dict | None = None) -> Path:
    """Write the case's data into `folder` (once) and a driver script that
    sets the case's variables and sources the case; the driver's path."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in case.data:
        if not (folder / name).exists():
            DATA[name](folder / name)
    for name in case.lens_files:
        target = folder / name
        if not target.exists():
            target.symlink_to(lens_example(name))
    # Lens's `source` works in the script's folder: the case goes beside its data
    (folder / case.script).write_text((HERE / case.script).read_text())
    values = case.settings if settings is None else settings
    driver = folder / f"run_{case.name.replace(' ', '_')}.in"
    lines = [f"set {k} {v}" for k, v in values.items()]
    lines.append(f"source {case.script}")
    driver.write_text("\n".join(lines) + "\n")
    return driver


@dataclass
class Run:
    train: float | None             # seconds the script printed, None if it failed
    wall: float                     # the whole process
    lines: list                     # everything else printed on stdout
    error: str = ""                 # stderr, or why it failed


def lens_py_command() -> list[str]:
    return [sys.executable, "-m", "lens_py"]


def lens_py_env(extra: dict | None = None) -> dict:
    """lens_py from this checkout (not whatever is installed), the scratch
    folder as working directory."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"]
                                     if env.get("PYTHONPATH") else "")
    # byte code kept, as an installation has it (numpy's, the baseline, is):
    # compiling lens_py's sources anew in every process costs ~0.7 s
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra or {})
    return env


def run(command: list[str], driver: Path, env: dict | None = None,
        banner: int = 0, timeout: float = 600) -> Run:
    t0 = time.perf_counter()
    try:
        p = subprocess.run(command + [driver.name], cwd=driver.parent, env=env,
                           capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(None, time.perf_counter() - t0, [], f"timed out after {timeout:.0f} s")
    wall = time.perf_counter() - t0
    lines = p.stdout.splitlines()[banner:]
    train, kept = None, []
    for line in lines:
        m = TRAINING_LINE.match(line.strip())
        if m:
            train = float(m.group(1))
        elif not CLOCK_LINE.match(line.strip()):
            kept.append(REPORT_TIMES.sub(r"\1 <times>", line.rstrip()))
    while kept and not kept[0].strip():       # Lens's banner ends with a blank line
        kept.pop(0)
    error = p.stderr.strip()
    if p.returncode and not error:
        error = f"exit status {p.returncode}"
    return Run(train, wall, kept, error)


def run_lens_py(driver: Path, extra_env: dict | None = None, timeout: float = 600) -> Run:
    return run(lens_py_command(), driver, lens_py_env(extra_env), timeout=timeout)


def run_lens(lens: str, driver: Path, timeout: float = 600) -> Run:
    return run([lens], driver, banner=LENS_BANNER_LINES, timeout=timeout)


def first_difference(ours: list, theirs: list) -> str | None:
    """None when both printed the same lines; else the first that differs."""
    for k, (a, b) in enumerate(itertools.zip_longest(ours, theirs, fillvalue="<nothing>")):
        if a != b:
            return f"line {k + 1}: lens_py {a!r}, Lens {b!r}"
    return None
