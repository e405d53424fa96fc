"""The lens-py command line, run as a real subprocess (`python -m lens_py`)."""
import os
import subprocess
import sys

import pytest

from lens_py import __version__


def run(args, stdin="", tmp_path=None, env_extra=None):
    env = dict(os.environ)
    env["LENS_PY_RC"] = str(tmp_path / "no-rc") if tmp_path else os.devnull + "-none"
    env["LENS_PY_HISTORY"] = os.devnull
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "lens_py", *args], input=stdin,
                          capture_output=True, text=True, env=env, timeout=60)


def test_piped_stdin_runs_in_batch_without_echo():
    p = run([], stdin="set x 3\nputs [expr {$x*2}]\n")
    assert p.returncode == 0
    assert p.stdout == "6\n"          # no banner, no prompt, results not echoed
    assert p.stderr == ""


def test_piped_multiline_command():
    p = run([], stdin="proc f {x} {\n  return [expr {$x*2}]\n}\nputs [f 21]\n")
    assert p.stdout == "42\n"


def test_piped_error_continues_and_sets_status():
    p = run([], stdin="puts a\nnoSuchCommand\nputs b\n")
    assert p.stdout == "a\nb\n"
    assert 'Error: invalid command name "noSuchCommand"' in p.stderr
    assert p.returncode == 1


def test_script_with_args(tmp_path):
    script = tmp_path / "s.tcl"
    script.write_text('puts "$argc|$argv|[file tail $argv0]"\nputs [pwd]\n')
    p = run([str(script), "a", "b c"], tmp_path=tmp_path)
    assert p.returncode == 0
    lines = p.stdout.splitlines()
    assert lines[0] == "2|a {b c}|s.tcl"
    assert os.path.samefile(lines[1], tmp_path)   # source runs in the script's folder


def test_failing_script_reports_file_line(tmp_path):
    script = tmp_path / "bad.tcl"
    script.write_text("puts start\nset y 1\nfoo bar\nputs never\n")
    p = run([str(script)], tmp_path=tmp_path)
    assert p.returncode == 1
    assert p.stdout == "start\n"
    assert f"{script}:3: invalid command name \"foo\"" in p.stderr
    assert '"foo bar"' in p.stderr


def test_dash_c():
    p = run(["-c", "puts [expr {1.0/3}]"])
    assert (p.returncode, p.stdout) == (0, "0.33333333\n")


def test_exit_status():
    assert run(["-c", "exit 3"]).returncode == 3
    assert run([], stdin="puts x\nexit 4\nputs y\n").returncode == 4


def test_exit_status_from_script(tmp_path):
    script = tmp_path / "e.tcl"
    script.write_text("puts hi\nexit 5\n")
    p = run([str(script)], tmp_path=tmp_path)
    assert (p.returncode, p.stdout) == (5, "hi\n")


def test_version_and_help():
    p = run(["--version"])
    assert p.returncode == 0 and p.stdout.strip() == f"lens_py {__version__} (follows Lens 2.63)"
    h = run(["--help"])
    assert h.returncode == 0 and "usage: lens-py" in h.stderr


def test_lens_flags_accepted(tmp_path):
    for flag in ("-b", "-batch", "-nogui", "-con", "-bat"):
        p = run([flag, "-c", "puts ok"], tmp_path=tmp_path)
        assert (p.returncode, p.stdout) == (0, "ok\n"), flag


def test_rc_file_sourced_and_norc(tmp_path):
    rc = tmp_path / "lensrc"
    rc.write_text("set fromrc yes\n")
    env = {"LENS_PY_RC": str(rc)}
    p = run(["-c", "puts $fromrc"], env_extra=env)
    assert p.stdout == "yes\n"
    p = run(["--norc", "-c", "puts [info exists fromrc]"], env_extra=env)
    assert p.stdout == "0\n"


def test_interactive_after_script_reads_stdin(tmp_path):
    script = tmp_path / "s.tcl"
    script.write_text("set v 9\n")
    p = run(["-i", str(script)], stdin="puts [expr {$v+1}]\n", tmp_path=tmp_path)
    assert p.stdout == "10\n"


def test_ctrl_c_in_batch_exits_130():
    import signal
    env = dict(os.environ, LENS_PY_RC=os.devnull + "-none")
    p = subprocess.Popen([sys.executable, "-m", "lens_py"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    p.stdin.write("puts go; flush stdout; after 20000\n")
    p.stdin.close()
    assert p.stdout.readline() == "go\n"
    p.send_signal(signal.SIGINT)
    assert p.wait(timeout=10) == 130
    assert "interrupted" in p.stderr.read()


def test_installed_console_script(tmp_path):
    import shutil
    exe = shutil.which("lens-py")
    if exe is None:
        pytest.skip("lens-py console script not installed")
    env = dict(os.environ, LENS_PY_RC=str(tmp_path / "no-rc"), LENS_PY_HISTORY=os.devnull)
    p = subprocess.run([exe], input="set x 3\nputs [expr {$x*2}]\n", capture_output=True,
                       text=True, env=env, timeout=60)
    assert (p.returncode, p.stdout, p.stderr) == (0, "6\n", "")


def test_script_argv_with_no_args(tmp_path):
    script = tmp_path / "n.tcl"
    script.write_text('puts "<$argc> <$argv> <$argv0>"\n')
    p = run([str(script)], tmp_path=tmp_path)
    assert p.stdout == f"<0> <> <{script}>\n"


def test_top_level_control_flow_in_batch(tmp_path):
    p = run([], stdin="puts a\nbreak\nreturn 5\nputs b\n", tmp_path=tmp_path)
    assert p.stdout == "a\nb\n"
    assert p.stderr == 'Error: invoked "break" outside of a loop\n'
    assert p.returncode == 1
    script = tmp_path / "r.tcl"
    script.write_text("puts one\nreturn\nputs two\n")
    p = run([str(script)], tmp_path=tmp_path)
    assert (p.returncode, p.stdout) == (0, "one\n")
    p = run(["-c", "return -code error boom"], tmp_path=tmp_path)
    assert (p.returncode, p.stderr) == (1, "Error: boom\n")


def test_error_inside_proc_of_script_names_file_and_line(tmp_path):
    script = tmp_path / "p.tcl"
    script.write_text("proc f {} {\n    error oops\n}\nputs start\nf\nputs never\n")
    p = run([str(script)], tmp_path=tmp_path)
    assert p.returncode == 1
    assert p.stdout == "start\n"
    first = p.stderr.splitlines()[0]
    assert first == f"Error: {script}:2: oops"


def test_float64_flag_builds_double_precision_networks(tmp_path):
    import subprocess
    import sys
    p = subprocess.run([sys.executable, "-m", "lens_py", "--float64", "-c",
                        "seed 1; addNet x 2 2 1; puts [python {str(net.dtype.__name__)}]"],
                       capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert p.stdout.strip() == "float64"
