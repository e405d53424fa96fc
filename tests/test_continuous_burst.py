"""Runs of updates of a CONTINUOUS network in one compiled call
(compiled/continuous.train_updates): each script trains once that way and
once on Lens's loop in Python (`executionPath numpy`), and both must leave
the same printed reports, link arrays, errors, random streams and example
positions, bit for bit -- with reports, criteria ending training inside a
run, noise, every example mode and Ctrl-C."""
import pytest

from lens_py.engine.compiled import continuous as fastcontinuous
from update_runs import binary_events, counted_calls, interrupt_after, same, trained

pytestmark = pytest.mark.skipif(not fastcontinuous.HAVE_NUMBA, reason="numba not installed")


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastcontinuous.wait_ready(120), "the kernel did not compile"


@pytest.fixture
def calls(monkeypatch):
    return counted_calls(monkeypatch, fastcontinuous)


NET = """seed 7
addNet n -i 2 -t 3 CONTINUOUS
addGroup input 4 INPUT
addGroup hidden 6 {hidden}
addGroup output 3 OUTPUT IN_INTEGR
connectGroups input hidden
connectGroups input output
connectGroups hidden output -bidirectional
connectGroups output output
loadExamples {ex} -s train
exampleSetMode train {mode}
setObj batchSize {batch}
setObj learningRate 0.1
setObj momentum 0.6
setObj hidden.noiseRange 0.1
setObj reportInterval {report}
{extra}
"""


def _run(tmp_path, path, updates=60, mode="PERMUTED", batch=5, report=0, hidden="",
         extra="", algorithm="momentum"):
    ex = binary_events(tmp_path / "burst.ex", 4, 3, 12, 3, events=2)
    setup = NET.format(ex=ex, mode=mode, batch=batch, report=report, hidden=hidden,
                       extra=extra) + f"setObj executionPath {path}"
    return trained(setup, f"train {updates} -a {algorithm}")


@pytest.mark.parametrize("mode", ["ORDERED", "PERMUTED", "RANDOMIZED", "PROBABILISTIC"])
@pytest.mark.parametrize("report", [0, 7])
def test_runs_of_updates_print_lens_loops_numbers(tmp_path, calls, mode, report):
    fast = _run(tmp_path, "auto", mode=mode, report=report)
    assert max(calls) > 4
    same(fast, _run(tmp_path, "numpy", mode=mode, report=report))
    if report:
        assert fast["text"].count("\n") > 60 // 7


@pytest.mark.parametrize("algorithm", ["steepest", "dougsMomentum", "deltaBarDelta"])
def test_each_algorithm(tmp_path, calls, algorithm):
    fast = _run(tmp_path, "auto", algorithm=algorithm, batch=0)
    assert max(calls) > 4
    same(fast, _run(tmp_path, "numpy", algorithm=algorithm, batch=0))


@pytest.mark.parametrize("mode", ["ORDERED", "PERMUTED"])
def test_noise_draws_between_the_examples_draws(tmp_path, calls, mode):
    # OUT_NOISE draws from the drand48 stream, PERMUTED from random(): a run
    # that draws every batch's examples first must leave both where the
    # batch-by-batch loop does
    fast = _run(tmp_path, "auto", mode=mode, hidden="OUT_NOISE", report=9)
    assert max(calls) > 4
    same(fast, _run(tmp_path, "numpy", mode=mode, hidden="OUT_NOISE", report=9))


@pytest.mark.parametrize("report", [0, 5])
def test_the_error_criterion_ends_training_inside_a_run(tmp_path, calls, report):
    extra = "setObj criterion 18; setObj minCritBatches 3"
    fast = _run(tmp_path, "auto", updates=400, extra=extra, report=report)
    assert "reached overall error criterion" in fast["text"]
    assert 3 <= fast["total"] < 400
    assert max(calls) > 3
    same(fast, _run(tmp_path, "numpy", updates=400, extra=extra, report=report))


def test_the_output_criterion_counts_as_in_lens_loop(tmp_path, calls):
    # every example meeting the output group's criterion counts the batch as
    # at criterion, with the error far above the network's criterion (here
    # the untrained net's first two batches, in the first run)
    extra = ("changeGroupType output +STANDARD_CRIT; setObj output.trainGroupCrit 0.95; "
             "setObj minCritBatches 2")
    fast = _run(tmp_path, "auto", updates=300, batch=3, extra=extra)
    assert "Network reached group output criterion" in fast["text"]
    assert fast["total"] == 2 and calls[0] > 2
    same(fast, _run(tmp_path, "numpy", updates=300, batch=3, extra=extra))


def test_a_set_error_is_reset_by_the_first_batch(tmp_path, calls):
    fast = _run(tmp_path, "auto", extra="setObj error 123.5")
    same(fast, _run(tmp_path, "numpy", extra="setObj error 123.5"))
    assert max(calls) > 4


def test_ctrl_c_stops_after_the_updates_a_run_completed(tmp_path, monkeypatch):
    real = fastcontinuous.train_updates_kernel
    interrupt_after(monkeypatch, fastcontinuous)
    fast = _run(tmp_path, "auto", updates=100, hidden="OUT_NOISE")
    assert "Training halted prematurely" in fast["halted"]
    done = fast["total"]
    assert 5 < done < 100
    monkeypatch.setattr(fastcontinuous, "train_updates_kernel", real)
    slow = _run(tmp_path, "numpy", updates=done, hidden="OUT_NOISE")
    fast["text"] = slow["text"] = fast["halted"] = slow["halted"] = ""
    same(fast, slow)


def test_deriv_noise_and_hooks_take_the_batch_by_batch_loop(tmp_path, calls):
    for extra in ("changeGroupType hidden +DERIV_NOISE", "setObj postUpdateProc {set x 1}"):
        fast = _run(tmp_path, "auto", extra=extra)
        same(fast, _run(tmp_path, "numpy", extra=extra))
    assert calls == []
