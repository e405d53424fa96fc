"""Running one Lens script through the original Lens and through lens_py, and
comparing every number the two print.

The original program is found through LENS_REFERENCE (the folder a Lens
build was installed into), else the build that `.ci/run` or a developer made
in /tmp/lensref; Lens's own example scripts come from the source snapshot beside
the checkout (../shared/lensref/src/Examples).  Tests skip when either is
absent, so the project never depends on them.

Both programs get the same commands on stdin, one complete command at a time:
each runs them in turn, reports an error on stderr and goes on with the next
one.  Each run happens in a fresh copy of the examples folder, because the
scripts read and write files beside them.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

# A Lens build (lensref's build.sh) is a folder with bin/alens-O2 and src/
# (LENSDIR, where Lens finds its Tcl libraries).  Its bin/alens wrapper feeds
# `exit` on stdin, so the binary is run directly with our commands instead.
_BUILD_CANDIDATES = [os.environ.get("LENS_REFERENCE", ""), "/tmp/lensref"]
LENS_BUILD = next((Path(p) for p in _BUILD_CANDIDATES
                   if p and (Path(p) / "bin" / "alens-O2").is_file()), None)
LENS_BIN = LENS_BUILD / "bin" / "alens-O2" if LENS_BUILD else None

_EXAMPLE_CANDIDATES = [REPO.parent / "shared" / "lensref" / "src" / "Examples",
                       Path("/work/shared/lensref/src/Examples")]
EXAMPLES = next((p for p in _EXAMPLE_CANDIDATES if (p / "xor.in").is_file()), None)

BANNER_LINES = 5            # Lens's batch mode starts stdout with its banner

# A number as either program prints it: integers, decimals, exponents, and
# C's spellings of the special values.
_NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?"
                     r"|nan|-?inf)", re.IGNORECASE)
# The two time columns that end each line of a training report ("0s", "1m 3s").
_REPORT_LINE = re.compile(r"^(\s*\d+\)(?:\s+\S+){4})\s+.*$")
# The clock readings a training result ends with, and `time`'s result.
_TIMINGS = re.compile(r"^Total time elapsed: [\d.]+ seconds$"
                      r"|^[\d.]+ active  [\d.]+ user  [\d.]+ system  [\d.]+ real$")


def require_lens() -> None:
    if LENS_BIN is None:
        pytest.skip("the original Lens is not built (see .ci/run)")
    if EXAMPLES is None:
        pytest.skip("Lens's Examples folder is not beside the checkout")


@dataclass
class Run:
    stdout: str
    stderr: str
    returncode: int


def _examples_copy(workdir: Path) -> Path:
    dest = workdir / "Examples"
    if not dest.exists():
        shutil.copytree(EXAMPLES, dest)
    return dest


def run_lens(commands: str, workdir: Path, timeout: float = 300) -> Run:
    """The original Lens in batch mode on `commands` (a Tcl script fed on
    stdin), in a fresh copy of the examples under workdir/lens."""
    cwd = _examples_copy(workdir / "lens")
    env = dict(os.environ, LENSDIR=str(LENS_BUILD / "src"))
    p = subprocess.run([str(LENS_BIN), "-batch"], input=commands + "\nexit\n", cwd=cwd,
                       env=env, capture_output=True, text=True, timeout=timeout)
    out = p.stdout.split("\n", BANNER_LINES)[-1] if p.stdout.count("\n") >= BANNER_LINES \
        else ""
    return Run(out, p.stderr, p.returncode)


def run_lens_py(commands: str, workdir: Path, timeout: float = 600) -> Run:
    """lens_py (this checkout's code) on the same stdin, in its own copy."""
    cwd = _examples_copy(workdir / "lens_py")
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    p = subprocess.run([sys.executable, "-m", "lens_py", "--norc"], input=commands + "\nexit\n",
                       cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    return Run(p.stdout, p.stderr, p.returncode)


def comparable_lines(text: str) -> list[str]:
    """The lines whose numbers are compared: times cut off the training
    report, clock readings and blank lines dropped."""
    lines = []
    for line in text.splitlines():
        if _TIMINGS.match(line.strip()):
            continue
        m = _REPORT_LINE.match(line)
        if m and "TimeUsed" not in line:
            line = m.group(1)
        if line.strip():
            lines.append(line)
    return lines


def numbers(line: str) -> list[str]:
    return _NUMBER.findall(line)


def first_difference(lens_out: str, ours_out: str) -> str | None:
    """None when every printed number agrees (same numbers, same spelling,
    same order); else a description of the first line where they differ."""
    a = [(line, numbers(line)) for line in comparable_lines(lens_out)]
    b = [(line, numbers(line)) for line in comparable_lines(ours_out)]
    a = [x for x in a if x[1]]
    b = [x for x in b if x[1]]
    for i, ((la, na), (lb, nb)) in enumerate(zip(a, b)):
        if na != nb:
            return f"line {i + 1} with numbers:\n  Lens:    {la}\n  lens_py: {lb}"
    if len(a) != len(b):
        extra = a[len(b)] if len(a) > len(b) else b[len(a)]
        who = "Lens" if len(a) > len(b) else "lens_py"
        return (f"Lens printed {len(a)} lines with numbers, lens_py {len(b)}; "
                f"first extra ({who}): {extra[0]}")
    return None


def error_lines(stderr: str) -> list[str]:
    """The first line of each error report, without lens_py's `Error: `
    prefix (Lens prints the bare message)."""
    out = []
    for line in stderr.splitlines():
        if line.startswith(("    ", "\t", '"')) or not line.strip():
            continue
        out.append(line.removeprefix("Error: "))
    return out


def numbers_in(text: str) -> list[str]:
    """Every number on the compared lines of a program's output."""
    return [n for line in comparable_lines(text) for n in numbers(line)]
