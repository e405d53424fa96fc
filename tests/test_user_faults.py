"""Whatever a user does ends in a Tcl error, never a Python traceback (issue 14):
Python code that raises anything (sys.exit and KeyboardInterrupt too), a
command that fails in Python, output that cannot be written, a script that
starts with a byte-order mark."""
import os
import resource
import subprocess
import sys
import textwrap

import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError, TclExit
from lens_py.shell.registry import Command
from lens_py.shell.toplevel import eval_toplevel

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XOR = "name: a\nI: 0 0 T: 0;\nname: b\nI: 1 0 T: 1;\n"


def lens_py(args, cwd, stdin=None, preexec_fn=None, **kw):
    env = dict(os.environ, PYTHONPATH=ROOT)
    return subprocess.run([sys.executable, "-m", "lens_py", "--norc", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120,
                          input=stdin, preexec_fn=preexec_fn, **kw)


def caught(interp, script):
    """The message of the error `script` raises, caught by Tcl's own catch."""
    interp.set_global("script", script)
    assert eval_toplevel(interp, "catch $script msg") == "1"
    return interp.get_global("msg")


@pytest.fixture
def interp():
    return make_interp()


@pytest.mark.parametrize("code, expected", [
    ("import sys; sys.exit(3)", "SystemExit(3)"),
    ("raise SystemExit", "SystemExit(None)"),
    ("raise KeyboardInterrupt", "KeyboardInterrupt"),
    ("raise GeneratorExit('x')", "GeneratorExit: x"),
    ("1/0", "ZeroDivisionError: division by zero"),
    ("open('/nonexistent/dir/f')", "FileNotFoundError"),
])
def test_python_code_raising_anything_is_a_tcl_error(interp, code, expected):
    msg = caught(interp, f"python {{{code}}}")
    assert msg.startswith(expected)
    assert eval_toplevel(interp, "expr 1+1") == "2"        # the session goes on


def test_exit_through_lens_from_python_still_exits(interp):
    with pytest.raises(TclExit) as exit_:
        eval_toplevel(interp, 'catch {python {lens("exit 4")}}')
    assert exit_.value.code == 4


@pytest.mark.parametrize("hook, expected", [
    ("lambda: 1/0", "train: Python error: ZeroDivisionError: division by zero"),
    ("lambda: sys.exit(2)", "train: Python error: SystemExit(2)"),
])
def test_python_hook_raising_is_a_tcl_error_of_the_command(tmp_path, interp, hook, expected):
    (tmp_path / "xor.ex").write_text(XOR)
    eval_toplevel(interp, f"addNet n 2 3 1; loadExamples {{{tmp_path / 'xor.ex'}}}")
    eval_toplevel(interp, f'python {{import sys; net.hooks["postExampleProc"] = {hook}}}')
    assert caught(interp, "train 3").startswith(expected)
    # the net can still train once the hook is gone
    eval_toplevel(interp, 'python {del net.hooks["postExampleProc"]}')
    eval_toplevel(interp, "train 2")


def test_a_failing_command_is_a_tcl_error_naming_it(interp):
    def broken(interp, args):
        return {}["missing"]

    def no_disk(interp, args):
        raise OSError(28, "No space left on device", "out.wt")
    interp.register(Command("broken", broken, "broken"))
    interp.register(Command("nodisk", no_disk, "nodisk"))
    assert caught(interp, "broken") == "broken: internal error: KeyError: 'missing'"
    assert caught(interp, "nodisk") == 'nodisk: "out.wt": No space left on device'
    assert eval_toplevel(interp, "set errorCode") == "POSIX"
    # inside a proc, errorInfo tells where
    eval_toplevel(interp, "proc p {} {broken}")
    caught(interp, "p")
    assert 'procedure "p"' in interp.get_global("errorInfo")


def test_script_starting_with_a_byte_order_mark(tmp_path):
    (tmp_path / "bom.in").write_bytes("\ufeffputs hello\nputs two\n".encode("utf-8"))
    r = lens_py(["bom.in"], tmp_path)
    assert (r.returncode, r.stdout, r.stderr) == (0, "hello\ntwo\n", "")


def test_output_into_a_closed_pipe_ends_quietly(tmp_path):
    (tmp_path / "many.in").write_text(
        "catch {for {set i 0} {$i < 200000} {incr i} {puts line$i}}\nputs after\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    cmd = f"'{sys.executable}' -m lens_py --norc many.in | head -2"
    r = subprocess.run(["bash", "-c", "set -o pipefail; " + cmd], cwd=tmp_path, env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.stdout == "line0\nline1\n"
    assert r.stderr == ""                       # no BrokenPipeError traceback
    assert r.returncode == 141                  # as a shell shows SIGPIPE


def test_stdout_on_a_full_file_is_a_tcl_error(tmp_path):
    (tmp_path / "w.in").write_text(textwrap.dedent("""\
        set n 0
        while {[catch {puts [string repeat x 100]} msg] == 0} {incr n}
        puts stderr "stopped: $msg"
        """))

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    with open(tmp_path / "out.txt", "w") as out:
        env = dict(os.environ, PYTHONPATH=ROOT)
        r = subprocess.run([sys.executable, "-m", "lens_py", "--norc", "w.in"], cwd=tmp_path,
                           env=env, stdout=out, stderr=subprocess.PIPE, text=True,
                           timeout=120, preexec_fn=limit)
    assert r.returncode == 0, r.stderr
    assert r.stderr == 'stopped: error writing "stdout": file too large\n'


def test_catch_cannot_trap_the_session_out_of_shape(interp):
    # after a Python error deep in procs the next command runs at the global level
    eval_toplevel(interp, "proc a {} {b}; proc b {} {python {raise ValueError('deep')}}")
    assert caught(interp, "a") == "ValueError: deep"
    assert interp.frame is interp.global_frame
    with pytest.raises(TclError):
        eval_toplevel(interp, "a")
