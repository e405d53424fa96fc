"""The golden xor run: the original Lens's printed numbers for
`seed 1; addNet xor 2 2 1; loadExamples xor.ex; train 25 -r 5; test`, through the
engine and as a Lens script through the real command line."""
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lens_examples
from fake_examples import xor_set
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session
from lens_py.engine.training import TrainingHalted

REPORT = """\
Performing 25 updates using Doug's Momentum...
__Update____Error___UnitCost__Wgt.Cost__Grad.Lin__TimeUsed__TimeLeft__
      5)   2.78322   0.00000   1.29855   0.90686        0s        0s
     10)   2.90196   0.00000   1.30927   0.70177        0s        0s
     15)   2.78833   0.00000   1.24605  -0.93532        0s        0s
     20)   2.80032   0.00000   1.20409   0.93808        0s        0s
     25)   2.78559   0.00000   1.20872  -0.85653        0s        0s
"""

UNTRAINED_TEST = """\
Test results on 4 examples, 4 ticks:
                     Network     
Error total:         3.11359
Error per example:   0.77840
Error per tick:      0.77840
Unit cost per tick:  0.00000
Output unit criterion reached on 0 examples (0.00%)
"""


def xor_session(vectorise=True, exact=None):
    out = io.StringIO()
    s = Session(rng=LensRandom(1), write=out.write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    net.vectorise = vectorise
    net.exact_arithmetic = exact
    s.add_set(xor_set())
    return s, net, out


@pytest.mark.parametrize("vectorise", [True, False])
def test_untrained_test_report(vectorise):
    s, net, out = xor_session(vectorise)
    result, values = s.test()
    assert result == ""
    assert out.getvalue() == UNTRAINED_TEST
    assert values["totalError"] == "3.11359"
    assert net.error == pytest.approx(3.11359, abs=1e-5)


@pytest.mark.parametrize("vectorise", [True, False])
def test_appendix_a1_training_report_and_weights(vectorise):
    s, net, out = xor_session(vectorise)
    result = s.train(25, report=5)
    assert out.getvalue() == REPORT
    assert re.fullmatch(r"Performed 25 updates\nTotal time elapsed: \d+\.\d{3} seconds", result)
    assert net.total_updates == 25 and net.num_updates == 25 and net.report_interval == 5
    h = net.group("hidden")
    first = (h.incoming[0].weight[0, 0], h.incoming[0].last_delta[0, 0],
             h.incoming[0].last_value[0, 0])
    assert "%g %g %g" % first == "-0.421494 -0.00402662 1"
    out.truncate(0)
    out.seek(0)
    text, values = s.test(return_text=True)
    assert "Error total:         2.79056" in text
    assert "Error per example:   0.69764" in text
    assert values["tickError"] == "0.69764"
    assert out.getvalue() == ""


def test_both_paths_bit_identical_in_float32():
    runs = []
    for vectorise in (True, False):
        s, net, _ = xor_session(vectorise)
        s.train(40, report=0)
        runs.append(net.gather_links())
        runs.append(net.gather_links("last_delta"))
    np.testing.assert_array_equal(runs[0], runs[2])
    np.testing.assert_array_equal(runs[1], runs[3])


def test_fast_matrix_mode_agrees_to_float_precision():
    s, net, _ = xor_session(exact=False)
    s.train(25, report=0)
    s2, net2, _ = xor_session(exact=True)
    s2.train(25, report=0)
    np.testing.assert_allclose(net.gather_links(), net2.gather_links(), atol=1e-5)


def test_verbosity_zero_prints_nothing():
    s, net, out = xor_session()
    s.verbosity = 0
    s.train(5)
    s.test()
    assert out.getvalue() == ""


def test_train_errors_and_set_only():
    s, net, out = xor_session()
    assert s.train(7, report=3, algorithm="steep", set_only=True) == ""
    assert (net.num_updates, net.report_interval, net.algorithm) == (7, 3, 1)
    net.learning_rate = -1
    with pytest.raises(Exception, match=r"learningRate \(-1.000000\) cannot be negative."):
        s.train()
    net.learning_rate = 0.1
    net.training_set = None
    with pytest.raises(Exception, match="There is no training set."):
        s.train()
    assert s.train(0) == ""


def test_criterion_stops_training_early():
    s, net, out = xor_session()
    net.criterion = 100.0
    result = s.train(10, report=0)
    assert result.startswith("Performed 1 updates\nNetwork reached overall error criterion "
                             "of 100.000000\n")


def test_interrupt_halts_after_consistent_update():
    s, net, out = xor_session()
    calls = []

    def hook():
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt

    net.hooks["preEpochProc"] = hook
    with pytest.raises(TrainingHalted, match="Performed 2 updates\nTraining halted prematurely"):
        s.train(10, report=0)
    assert net.total_updates == 2


def test_do_example_accumulates_and_switches_mode():
    from lens_py.engine.training import do_example
    s, net, out = xor_session()
    do_example(s, net, index=1)
    e1 = net.error
    assert net.current_example is net.training_set.examples[1]
    assert net.training_set.current == -1          # the set's position did not move
    do_example(s, net)
    assert net.error > e1                          # error accumulates
    assert not any(p.deriv.any() for g in net.groups for p in g.incoming)
    do_example(s, net, index=0, mode="train")
    assert any(p.deriv.any() for g in net.groups for p in g.incoming)
    assert net.run_training


def test_update_weights_command_keeps_total_updates():
    from lens_py.engine.training import train_batch
    s, net, out = xor_session()
    train_batch(s, net)
    before = net.gather_links()
    seen = []
    net.hooks["postUpdateProc"] = lambda: seen.append(1)
    s.update_weights(algorithm="steepest", report=True)
    assert seen == [1] and net.total_updates == 0
    assert not np.array_equal(before, net.gather_links())
    assert not any(p.deriv.any() for g in net.groups for p in g.incoming)
    assert out.getvalue().startswith("      0)   ")


def test_test_with_count_continues_from_set_position():
    s, net, out = xor_session()
    _, v = s.test(3)
    assert v["numExamples"] == "3" and net.current_example is net.training_set.examples[2]
    _, v = s.test(2)
    assert net.current_example is net.training_set.examples[0]


# -- the same run as a Lens script through the real command line ----------------

# Our own dense XOR file lists the four patterns in the same order, so it
# stands in where Lens's distribution is not beside the checkout.
LENS_XOR = lens_examples.path("xor.ex")
OUR_XOR = lens_examples.OUR_XOR
SCRIPT = Path(__file__).parent / "scripts" / "appendix_a1.in"

EXPECTED = """\
-0.2674527
-0.2975818
Test results on 4 examples, 4 ticks:
                     Network     
Error total:         3.11359
Error per example:   0.77840
Error per tick:      0.77840
Unit cost per tick:  0.00000
Output unit criterion reached on 0 examples (0.00%)
Performing 25 updates using Doug's Momentum...
__Update____Error___UnitCost__Wgt.Cost__Grad.Lin__TimeUsed__TimeLeft__
      5)   2.78322   0.00000   1.29855   0.90686        0s        0s
     10)   2.90196   0.00000   1.30927   0.70177        0s        0s
     15)   2.78833   0.00000   1.24605  -0.93532        0s        0s
     20)   2.80032   0.00000   1.20409   0.93808        0s        0s
     25)   2.78559   0.00000   1.20872  -0.85653        0s        0s
Test results on 4 examples, 4 ticks:
                     Network     
Error total:         2.79056
Error per example:   0.69764
Error per tick:      0.69764
Unit cost per tick:  0.00000
Output unit criterion reached on 0 examples (0.00%)
0.69764
"""


@pytest.mark.parametrize("exfile", [
    pytest.param(LENS_XOR, id="lens-xor.ex", marks=pytest.mark.skipif(
        LENS_XOR is None, reason="Lens's example files are not here")),
    pytest.param(OUR_XOR, id="nets-xor.ex")])
def test_appendix_a1_through_the_command_line(tmp_path, exfile):
    wt = tmp_path / "w.wt"
    p = subprocess.run([sys.executable, "-m", "lens_py", str(SCRIPT), str(exfile), str(wt)],
                       capture_output=True, text=True, timeout=60, cwd=tmp_path,
                       env={**os.environ, "LENS_PY_RC": os.devnull})
    # (a fresh install may say once that its kernels are compiling)
    assert [line for line in p.stderr.splitlines()
            if not line.startswith("lens_py: compiling the kernels")] == []
    assert p.returncode == 0
    assert p.stdout == EXPECTED
    lines = wt.read_text().splitlines()
    assert lines[:5] == ["1431655766", "9", "3", "25", "-0.421494 -0.00402662 1"]
    assert len(lines) == 4 + 9
