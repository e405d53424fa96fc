"""A word naming no command but a program runs it through `exec`, with
exec's redirections and pipes, its output going to stdout (Lens's `unknown`
does `exec >&@stdout <@stdin prog args`).  The oracle is tclsh running Lens's
own unknown logic for programs; the Lens-only points were checked with the
original Lens (`echo "a b" >> file` appends, `[echo hi]` prints "hi" and
gives "", a failing program is "child process exited abnormally")."""
import io
import os
import shutil
import subprocess

import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError

TCLSH = shutil.which("tclsh")

# Lens's unknown for programs (Src/shell.tcl), in plain Tcl.
LENS_UNKNOWN = """
rename unknown tcl_unknown
proc unknown {cmd args} {
    set prog [auto_execok $cmd]
    if {$prog ne ""} {
        return [uplevel 1 [list exec >&@stdout <@stdin {*}$prog {*}$args]]
    }
    uplevel 1 [list tcl_unknown $cmd {*}$args]
}
"""

CASES = {
    "append": 'echo "a b" >> out.txt\necho "c d" >> out.txt\nputs [exec cat out.txt]\n',
    "write": "echo first > out.txt\necho second > out.txt\nputs [exec cat out.txt]\n",
    "result is empty": 'puts "<[echo hi]>"\n',
    "pipe": "echo x | tr x y\n",
    "stdin from file": "echo 1 > in.txt\necho 2 >> in.txt\nwc -l < in.txt\n",
    "stderr to file": "catch {ls /no/such/dir 2> err.txt} m\nputs $m\n"
                      "puts [file size err.txt]\n",
    "exit status": 'catch {sh -c "exit 3"} m\nputs $m\n',
    "args with spaces": 'printf "%s|%s\\n" "a b" c\n',
}


def run_lens_py(script: str, folder) -> str:
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())
    old = os.getcwd()
    os.chdir(folder)
    try:
        for command in script.splitlines():
            interp.eval(command)
    finally:
        os.chdir(old)
    return out.getvalue()


@pytest.mark.skipif(TCLSH is None, reason="tclsh not installed")
@pytest.mark.parametrize("name", CASES)
def test_program_words_run_as_lens_runs_them(name, tmp_path):
    script = CASES[name]
    (tmp_path / "tcl").mkdir()
    (tmp_path / "py").mkdir()
    want = subprocess.run([TCLSH], input=LENS_UNKNOWN + script, capture_output=True,
                          text=True, cwd=tmp_path / "tcl", timeout=30).stdout
    assert want                      # the oracle printed something
    assert run_lens_py(script, tmp_path / "py") == want


def test_an_unknown_word_that_is_no_program_is_still_invalid(tmp_path):
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(TclError, match='invalid command name "noSuchProgramZq"'):
        interp.eval("noSuchProgramZq 1 2")


@pytest.mark.skipif(TCLSH is None, reason="tclsh not installed")
@pytest.mark.xfail(strict=True, reason="cmd_io's exec has no >&@stdout / 2>@1 yet: a program's "
                   "stderr makes exec fail instead of reaching stdout")
def test_a_programs_stderr_goes_to_stdout_as_in_lens(tmp_path):
    script = 'catch {sh -c "echo out; echo err >&2"} m\nputs "<$m>"\n'
    (tmp_path / "tcl").mkdir()
    (tmp_path / "py").mkdir()
    want = subprocess.run([TCLSH], input=LENS_UNKNOWN + script, capture_output=True,
                          text=True, cwd=tmp_path / "tcl", timeout=30).stdout
    assert want == "out\nerr\n<>\n"
    assert run_lens_py(script, tmp_path / "py") == want
