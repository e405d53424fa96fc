"""Differential test: every snippet in tests/tcl_corpus/ prints the same under
tclsh (with Lens's `set tcl_precision 8` first) and under lens_py.

Snippets are fed to both on stdin: tclsh then runs each complete command in
turn, prints an error to stderr and goes on with the next one; lens_py's
batch-stdin loop (`lens_py.cli.run_stream`) does the same.  A snippet "fails"
when anything was reported on stderr (or the exit status is not 0).

Another corpus can be checked with LENS_PY_TCL_CORPUS=/some/dir.
"""
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from lens_py.cli import run_stream
from lens_py.assemble import make_interp
from lens_py.shell.errors import TclExit

CORPUS_DIR = Path(os.environ.get("LENS_PY_TCL_CORPUS",
                                 Path(__file__).parent / "tcl_corpus"))
CORPUS = sorted(CORPUS_DIR.glob("*.tcl"))
TCLSH = shutil.which("tclsh")
PRELUDE = "set tcl_precision 8\n"


def run_tclsh(script: str) -> tuple[str, bool]:
    p = subprocess.run([TCLSH], input=PRELUDE + script,
                       capture_output=True, text=True, timeout=30)
    return p.stdout, p.returncode == 0 and not p.stderr


def run_lens_py(script: str) -> tuple[str, bool]:
    out, err = io.StringIO(), io.StringIO()
    interp = make_interp(stdout=out, stderr=err)
    try:
        status = run_stream(interp, io.StringIO(PRELUDE + script), report_incomplete=False)
    except TclExit as e:
        status = e.code
    return out.getvalue(), status == 0 and not err.getvalue()


def test_corpus_is_large_enough():
    if "LENS_PY_TCL_CORPUS" not in os.environ:
        assert len(CORPUS) >= 300


def test_errors_do_not_stop_later_commands_like_tclsh():
    out, ok = run_lens_py("puts a\nnoSuchCommand\nputs b\nset x {\n")
    assert (out, ok) == ("a\nb\n", False)


@pytest.mark.skipif(TCLSH is None, reason="tclsh not installed")
@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_same_output_as_tclsh(path):
    script = path.read_text()
    expected, expected_ok = run_tclsh(script)
    got, ok = run_lens_py(script)
    assert got == expected
    assert ok == expected_ok
