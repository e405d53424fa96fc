"""train/test/doExample/updateWeights and the network procs, through the shell."""
import io
import re

import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError

XOR = """I: 0 0 T: 0;
I: 0 1 T: 1;
I: 1 0 T: 1;
I: 1 1 T: 0;
"""

TWO_EVENTS = """proc: {lappend ::log setProc}
;
name: a proc: {lappend ::log exProc} 2
 [0 proc: {lappend ::log ev0Proc}] I: 1 0 T: 1
 [1 proc: {lappend ::log ev1Proc}] I: 0 1 T: 0;
"""

HOOKS = ("preEpochProc postEpochProc postUpdateProc preExampleProc postExampleProc "
         "preEventProc postEventProc preTickProc postTickProc preTickBackProc").split()


@pytest.fixture
def lens(tmp_path):
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())
    (tmp_path / "xor.ex").write_text(XOR)
    (tmp_path / "two.ex").write_text(TWO_EVENTS)

    def run(script):
        return interp.eval(script)
    run.out = out
    run.dir = tmp_path
    interp.eval(f"cd {{{tmp_path}}}")
    return run


def test_train_result_and_permanent_options(lens):
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    result = lens("train 7 -report 0 -algorithm steep")
    assert re.fullmatch(r"Performed 7 updates\nTotal time elapsed: \d+\.\d{3} seconds", result)
    assert lens.out.getvalue() == "Performing 7 updates using Steepest Descent...\n"
    assert lens("getObj numUpdates") == "7"
    assert lens("getObj reportInterval") == "0"
    assert lens("getObj totalUpdates") == "7"
    lens("train")            # the algorithm, count and interval stay as set
    assert lens.out.getvalue().count("using Steepest Descent") == 2
    assert lens("getObj totalUpdates") == "14"
    lens("momentum 3 -setOnly")
    assert lens("getObj totalUpdates") == "14"
    assert lens("getObj numUpdates") == "3"


def test_algorithm_shortcuts_print_long_names(lens):
    lens("addNet xor 2 2 1; loadExamples xor.ex; setObj reportInterval 0")
    for cmd, name in (("steepest", "Steepest Descent"), ("momentum", "Momentum Descent"),
                      ("dougsMomentum", "Doug's Momentum"), ("deltaBarDelta", "Delta-Bar-Delta")):
        lens(f"{cmd} 1")
        assert lens.out.getvalue().splitlines()[-1] == f"Performing 1 updates using {name}..."


def test_training_needs_a_set_and_valid_parameters(lens):
    lens("addNet xor 2 2 1")
    with pytest.raises(TclError, match="no training set"):
        lens("train 1")
    with pytest.raises(TclError, match="there are no current example sets"):
        lens("test")
    lens("loadExamples xor.ex")
    lens("setObj learningRate -1")
    with pytest.raises(TclError, match=r"learningRate \(-1\.000000\) cannot be negative"):
        lens("train 1")
    with pytest.raises(TclError, match="^usage: train"):
        lens("train -bogus")


def test_criterion_stops_training_early(lens):
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    lens("setObj criterion 2.9; setObj reportInterval 0")
    result = lens("train 100")
    n = int(re.match(r"Performed (\d+) updates", result).group(1))
    assert n < 100
    assert "Network reached overall error criterion of 2.900000" in result
    assert float(lens("getObj error")) < 2.9


def test_test_sets_the_test_array_and_return_option(lens):
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    assert lens("test") == ""
    assert "Error total:         3.11359" in lens.out.getvalue()
    assert lens("set Test(totalError)") == "3.11359"
    assert lens("set Test(numExamples)") == "4"
    assert lens("set Test(examplesCorrect)") == "0"
    text = lens("test -return")
    assert text.startswith("Test results on 4 examples, 4 ticks:\n")
    assert float(lens("getObj error")) == pytest.approx(3.11359, abs=5e-6)


def test_hooks_run_at_lens_points_in_lens_order(lens):
    lens("set log {}; addNet n -i 2 2 2 1; loadExamples two.ex")
    assert lens("set log") == "setProc"
    for h in HOOKS:
        lens(f'setObj {h} "lappend ::log {h}"')
    lens("set log {}; train 1 -r 0")
    assert lens("set log").split() == (
        "preEpochProc exProc preExampleProc ev0Proc preEventProc preTickProc preTickBackProc "
        "postTickProc postEventProc ev1Proc preEventProc preTickProc preTickBackProc "
        "postTickProc postEventProc postExampleProc postEpochProc postUpdateProc").split()
    lens("set log {}; test")
    assert lens("set log").split() == (
        "exProc preExampleProc ev0Proc preEventProc preTickProc postTickProc postEventProc "
        "ev1Proc preEventProc preTickProc postTickProc postEventProc postExampleProc").split()


def test_post_example_proc_sees_running_error(lens):
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    lens("set errs {}; setObj postExampleProc {lappend ::errs [getObj error]}")
    lens("test")
    errs = [float(e) for e in lens("set errs").split()]
    assert len(errs) == 4
    assert errs == sorted(errs)
    assert errs[-1] == pytest.approx(3.11359, abs=1e-5)
    # The hooked (per-example) run and the vectorised run agree.
    lens("setObj postExampleProc {}")
    lens("test")
    assert lens("getObj error") == "%.7g" % errs[-1]


def test_failing_hook_stops_training_with_its_error(lens):
    lens("addNet xor 2 2 1; loadExamples xor.ex; setObj reportInterval 0")
    lens("setObj postUpdateProc {if {[getObj totalUpdates] >= 2} {error {hook says stop}}}")
    with pytest.raises(TclError, match="hook says stop"):
        lens("train 10")
    assert lens("getObj totalUpdates") == "2"


def test_do_example_runs_one_example_without_moving_the_set(lens):
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    lens("doExample 3 -test")
    out3 = lens("getObj output:0.output")
    lens("doExample 0")
    out0 = lens("getObj output:0.output")
    assert out0 != out3
    lens("doExample 3")
    assert lens("getObj output:0.output") == out3
    assert lens("getObj trainingSet.currentExampleNum") == "-1"


def test_update_weights_does_not_count_updates(lens):
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    before = lens("getObj output:0.incoming(0).weight")
    lens("doExample 1 -train; updateWeights -algorithm steepest")
    assert lens("getObj output:0.incoming(0).weight") != before
    assert lens("getObj totalUpdates") == "0"
    assert lens("getObj output:0.incoming(0).deriv") == "0"
