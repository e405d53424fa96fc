"""The real lens> prompt under a pseudo-terminal when the history file cannot
be used: HOME missing, unset (with no home in the password database either),
unwritable, a folder where the history file goes, or the file on a full disk.
The prompt must run every command, say once on stderr that the history stays
in memory, keep that history (the up arrow recalls), and never show a
traceback or prompt_toolkit's "Press ENTER to continue"."""
import os
import select
import sys
import time

import pytest

pty = pytest.importorskip("pty")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NOTICE = "lens_py: the history stays in memory: cannot use "
UP = "\x1b[A"

# A user whose password entry names a home that does not exist, so that with
# HOME unset Python's expanduser finds no home either.
NO_HOME_LAUNCHER = (
    "import pwd, runpy\n"
    "class Entry: pw_dir = '/nonexistent-home-of-lens-py-test'\n"
    "pwd.getpwuid = lambda uid: Entry\n"
    "runpy.run_module('lens_py', run_name='__main__', alter_sys=True)\n")


class Terminal:
    """lens-py's REPL in a child on a pseudo-terminal."""

    def __init__(self, env, argv, cwd):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:                       # the child
            try:
                os.chdir(cwd)
                os.execve(sys.executable, [sys.executable] + argv, env)
            finally:
                os._exit(127)
        self.output = ""

    def _read(self, timeout):
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:                          # the child closed the terminal
            return False
        self.output += data.decode(errors="replace")
        return bool(data)

    def wait_for(self, text, start=0, timeout=60):
        end = time.monotonic() + timeout
        while text not in self.output[start:]:
            if time.monotonic() > end or not self._read(0.2):
                raise AssertionError(f"{text!r} never came; output:\n{self.output}")
        return self.output.index(text, start) + len(text)

    def type(self, keys):
        start = len(self.output)
        os.write(self.fd, keys.encode())
        return start

    def finish(self, timeout=60):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            done, status = os.waitpid(self.pid, os.WNOHANG)
            if done:
                while self._read(0.1):
                    pass
                os.close(self.fd)
                return os.waitstatus_to_exitcode(status)
            self._read(0.2)
        os.kill(self.pid, 9)
        os.waitpid(self.pid, 0)
        raise AssertionError("the REPL did not end:\n" + self.output)


def _environment(tmp_path, kind):
    env = dict(os.environ, PYTHONPATH=ROOT, PROMPT_TOOLKIT_NO_CPR="1", TERM="xterm",
               LENS_PY_RC=str(tmp_path / "no-rc"))
    env.pop("LENS_PY_HISTORY", None)
    argv = ["-m", "lens_py"]
    if kind == "missing":
        env["HOME"] = str(tmp_path / "no-such-home")
    elif kind == "unset":
        env.pop("HOME")
        launcher = tmp_path / "launch.py"
        launcher.write_text(NO_HOME_LAUNCHER)
        argv = [str(launcher)]
    elif kind == "unwritable":
        # /proc takes no new files, even from root (chmod would not stop root)
        env["HOME"] = "/proc"
    elif kind == "folder":
        (tmp_path / "home" / ".lens_py_history").mkdir(parents=True)
        env["HOME"] = str(tmp_path / "home")
    elif kind == "full disk":
        (tmp_path / "home").mkdir()
        (tmp_path / "home" / ".lens_py_history").symlink_to("/dev/full")
        env["HOME"] = str(tmp_path / "home")
    return env, argv


@pytest.mark.parametrize("kind", ["missing", "unset", "unwritable", "folder", "full disk"])
def test_the_repl_runs_without_a_usable_history_file(tmp_path, kind):
    if kind == "full disk" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    env, argv = _environment(tmp_path, kind)
    term = Terminal(env, argv, tmp_path)
    term.wait_for("lens>")
    at = term.type("puts hello\r")
    term.wait_for("hello\r\n", at)
    at = term.type("expr 6*7\r")
    term.wait_for("42\r\n", at)
    at = term.type("set x [expr {$x0 + 1}]\r")        # an error goes on as an error
    term.wait_for('can\'t read "x0": no such variable', at)
    at = term.type("set x0 41; expr {$x0 + 1}\r")
    term.wait_for("42\r\n", at)
    at = term.type(UP + "\r")                         # the history in memory recalls
    term.wait_for("42\r\n", at)
    term.type("exit 3\r")
    status = term.finish()
    out = term.output
    assert status == 3, out
    for bad in ("Traceback", "Press ENTER", "Unhandled exception", "Exception "):
        assert bad not in out, out
    assert out.count(NOTICE) == 1, out
    assert not (tmp_path / "home" / ".lens_py_history").is_file()


def test_a_usable_history_file_is_written_without_a_notice(tmp_path):
    env, argv = _environment(tmp_path, "missing")
    (tmp_path / "home").mkdir()
    env["HOME"] = str(tmp_path / "home")
    term = Terminal(env, argv, tmp_path)
    term.wait_for("lens>")
    at = term.type("puts hello\r")
    term.wait_for("hello\r\n", at)
    term.type("exit\r")
    assert term.finish() == 0
    assert NOTICE not in term.output
    assert "+puts hello\n" in (tmp_path / "home" / ".lens_py_history").read_text()
