"""Differential test: every snippet in tests/tcl_corpus/ prints the same under
tclsh (with Lens's `set tcl_precision 8` first) and under lens_py."""
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from lens_py.shell import make_interp
from lens_py.shell.errors import TclError

CORPUS = sorted((Path(__file__).parent / "tcl_corpus").glob("*.tcl"))
TCLSH = shutil.which("tclsh")


def run_tclsh(script: str) -> tuple[str, bool]:
    p = subprocess.run([TCLSH], input="set tcl_precision 8\n" + script,
                       capture_output=True, text=True, timeout=30)
    return p.stdout, p.returncode == 0 and not p.stderr


def run_lens_py(script: str) -> tuple[str, bool]:
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())
    try:
        interp.eval(script)
        ok = True
    except TclError:
        ok = False
    return out.getvalue(), ok


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 150


@pytest.mark.skipif(TCLSH is None, reason="tclsh not installed")
@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_same_output_as_tclsh(path):
    script = path.read_text()
    expected, expected_ok = run_tclsh(script)
    got, ok = run_lens_py(script)
    assert got == expected
    assert ok == expected_ok
