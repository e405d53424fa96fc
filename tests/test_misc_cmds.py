"""pid, nice, wait, signal, ls, polarity, and the parallel commands lens_py
does not have (they say so and what to use instead)."""
import io
import math
import os
import time

import numpy as np
import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError


@pytest.fixture
def lens():
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())

    def run(script):
        return interp.eval(script)
    run.interp, run.out = interp, out
    return run


def test_pid_is_the_process_and_a_pipes_command(lens):
    assert lens("pid") == str(os.getpid())
    chan = lens("open {|cat} r+")
    proc = lens.interp.channels[chan].process
    assert lens(f"pid {chan}") == str(proc.pid)
    lens(f"close {chan}")
    assert lens("pid stdout") == ""
    with pytest.raises(TclError, match='can not find channel named "nope"'):
        lens("pid nope")


def test_nice_returns_the_priority_and_refuses_negative(lens):
    before = os.getpriority(os.PRIO_PROCESS, 0)
    assert lens("nice") == str(before)
    with pytest.raises(TclError, match="priority increment can't be negative"):
        lens("nice -1")
    assert lens("nice 0") == str(before)


def test_wait_waits_the_seconds_given(lens):
    t0 = time.monotonic()
    assert lens("wait 0") == ""
    assert time.monotonic() - t0 < 0.5
    t0 = time.monotonic()
    lens("wait 1")
    assert time.monotonic() - t0 >= 0.95


def test_signal_lists_codes_runs_the_hooks_and_refuses_bad_codes(lens, tmp_path):
    assert lens("signal").startswith("Useful codes are:\nINT")
    lens("addNet n 2 2 1")
    lens(f"setObj sigUSR1Proc {{saveWeights {tmp_path}/quick.wt}}")
    lens("signal USR1")
    assert (tmp_path / "quick.wt").exists()
    assert "Received signal USR1" in lens.out.getvalue()
    lens("setObj sigUSR2Proc {set ::got 2}")
    lens("signal USR2")
    assert lens("set ::got") == "2"
    with pytest.raises(TclError, match="unrecognized code: BOGUS"):
        lens("signal BOGUS")
    with pytest.raises(KeyboardInterrupt):
        lens("signal INT")


def test_ls_lists_a_folder(lens, tmp_path):
    (tmp_path / "a.wt").write_text("")
    (tmp_path / "b.ex").write_text("")
    lens(f"ls {tmp_path}")
    assert lens.out.getvalue().split() == ["a.wt", "b.ex"]
    with pytest.raises(TclError):
        lens(f"ls {tmp_path}/missing")


def polarity_of(outputs, lo=0.0, hi=1.0):
    """The mean polarity computed independently, in double: 1 - H2(x)."""
    vals = []
    for o in outputs:
        x = (o - lo) / (hi - lo)
        vals.append(1.0 if x <= 0 or x >= 1 else
                    (x * math.log(x) + (1 - x) * math.log(1 - x)) / math.log(2) + 1)
    return sum(vals) / len(vals)


def test_polarity_update_report_reset(lens):
    lens("addNet n 2 4 1")
    net = lens.interp.ext["lens"].net
    hidden = net.group("hidden")
    hidden.output[-1] = np.array([0.5, 0.9, 0.1, 1.0], dtype=np.float32)
    lens("polarity update hidden")
    lens("polarity update hidden")
    assert lens("getObj hidden.polarityNum") == "8"
    report = lens("polarity report hidden")
    name, value = report.strip("{}").split()
    assert name == '"hidden"'
    assert float(value) == pytest.approx(polarity_of(hidden.output[-1]), rel=1e-5)
    lens("polarity reset hidden")
    assert lens("polarity repo hidden") == '{"hidden" 0}'
    # Lens's subString: "rep" and "u" are too short to name report and update
    assert lens("polarity rep hidden") == ""
    with pytest.raises(TclError, match='polarity: group "zz" doesn\'t exist'):
        lens("polarity report zz")
    with pytest.raises(TclError, match="^usage: polarity"):
        lens("polarity report")


@pytest.mark.parametrize("name", ["trainParallel", "startServer", "startClient",
                                  "waitForClients", "sendEval", "sendObject", "stopServer",
                                  "stopClient", "clientInfo"])
def test_parallel_commands_say_they_are_not_supported(lens, name):
    with pytest.raises(TclError, match=f"^{name}: not supported: .*lens-py sweep"):
        lens(f"{name} 1")
