"""Runs of updates in one compiled call for the networks the compiled example
loop trains (compiled/exampleupdates.py): SRNs with backpropTicks 1 and 3,
SRBPTT, lesioned units, masked projections into a PRODUCT group, noise.
Each script trains once that way and once on Lens's loop in Python
(`executionPath numpy`); both must leave the same printed reports, link
arrays, unit state, errors, random streams and example positions, bit for
bit -- with reports, criteria ending training inside a run and Ctrl-C."""
import pytest

from lens_py.engine.compiled import example as fastexample
from update_runs import binary_events, counted_calls, interrupt_after, same, trained

pytestmark = pytest.mark.skipif(not fastexample.HAVE_NUMBA, reason="numba not installed")

if fastexample.HAVE_NUMBA:
    from lens_py.engine.compiled import exampleupdates


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastexample.wait_ready(), "the per-example kernels did not compile"
    assert exampleupdates.KERNELS.ready(wait=True), "the runs of updates did not compile"


@pytest.fixture
def calls(monkeypatch):
    """Runs however short the train."""
    monkeypatch.setattr(exampleupdates, "LOAD_PAYS_UPDATES", 0)
    return counted_calls(monkeypatch, exampleupdates)


NETS = {
    "srn": "addNet n -i 3 4 6 ELMAN 3",
    "srn bpt3": "addNet n -i 3 4 6 ELMAN 3\nsetObj backpropTicks 3",
    "srbptt": "addNet n -i 3 SRBPTT 4 6 ELMAN RESET_ON_EXAMPLE 3",
    "lesioned": "addNet n -i 3 4 6 3\nlesionUnits hidden 0.4\nlesionLinks output -p 0.3",
    "product": """addNet n -i 3
addGroup input 4 INPUT
addGroup gate 4 INPUT
addGroup hidden 4 PRODUCT
addGroup output 3 OUTPUT
connectGroups input hidden -p ONE_TO_ONE
connectGroups gate hidden -p ONE_TO_ONE
connectGroups hidden output""",
    "noise": "addNet n -i 3 4 6 OUT_NOISE 3\nsetObj hidden.noiseRange 0.2",
}


def _run(tmp_path, net, path, updates=40, mode="PERMUTED", batch=4, report=0, extra="",
         algorithm="momentum"):
    ex = binary_events(tmp_path / "runs.ex", 4, 3, 10, 5, events=3)
    if net == "product":        # (the gate group takes the first half of each input)
        ex = tmp_path / "product.ex"
        ex.write_text("\n".join(
            f"name: e{e} 3 " + " ".join(
                f"I: (input) {a} (gate) {b} T: {t}" for a, b, t in
                [("1 0 1 0", "0 1 1 0", "1 0 1"), ("0 1 1 1", "1 1 0 0", "0 1 1"),
                 ("1 1 0 0", "1 0 0 1", "1 1 0")][:3]) + ";"
            for e in range(6)) + "\n")
    return trained(f"seed 7\n{NETS[net]}\nloadExamples {ex} -s train\n"
                   f"exampleSetMode train {mode}\nsetObj batchSize {batch}\n"
                   f"setObj learningRate 0.1\nsetObj momentum 0.6\n"
                   f"setObj reportInterval {report}\n{extra}\nsetObj executionPath {path}",
                   f"train {updates} -a {algorithm}")


@pytest.mark.parametrize("net", sorted(NETS))
@pytest.mark.parametrize("report", [0, 7])
def test_runs_of_updates_print_lens_loops_numbers(tmp_path, calls, net, report):
    fast = _run(tmp_path, net, "auto", report=report)
    assert max(calls) > 4
    same(fast, _run(tmp_path, net, "numpy", report=report))


@pytest.mark.parametrize("mode", ["ORDERED", "RANDOMIZED", "PROBABILISTIC"])
@pytest.mark.parametrize("algorithm", ["steepest", "dougsMomentum", "deltaBarDelta"])
def test_modes_and_algorithms(tmp_path, calls, mode, algorithm):
    fast = _run(tmp_path, "srn", "auto", mode=mode, algorithm=algorithm, batch=0)
    assert max(calls) > 4
    same(fast, _run(tmp_path, "srn", "numpy", mode=mode, algorithm=algorithm, batch=0))


def test_the_error_criterion_ends_training_inside_a_run(tmp_path, calls):
    runs = [_run(tmp_path, "srn", path, updates=400, report=0,
                 extra="setObj criterion 6.5; setObj minCritBatches 3")
            for path in ("auto", "numpy")]
    assert "reached overall error criterion" in runs[0]["text"]
    assert 3 <= runs[0]["total"] < 400 and max(calls) > 3
    same(*runs)


def test_the_output_criterion_counts_as_in_lens_loop(tmp_path, calls):
    extra = ("changeGroupType output +STANDARD_CRIT; setObj output.trainGroupCrit 0.95; "
             "setObj minCritBatches 2")
    runs = [_run(tmp_path, "srn", path, updates=300, batch=2, extra=extra)
            for path in ("auto", "numpy")]
    assert "Network reached group output criterion" in runs[0]["text"]
    assert runs[0]["total"] < 300 and calls[0] > runs[0]["total"] - 1
    same(*runs)


def test_ctrl_c_stops_after_the_updates_a_run_completed(tmp_path, monkeypatch):
    real = exampleupdates.train_updates_kernel
    monkeypatch.setattr(exampleupdates, "LOAD_PAYS_UPDATES", 0)
    interrupt_after(monkeypatch, exampleupdates)
    fast = _run(tmp_path, "noise", "auto", updates=100)
    assert "Training halted prematurely" in fast["halted"]
    done = fast["total"]
    assert 5 < done < 100
    monkeypatch.setattr(exampleupdates, "train_updates_kernel", real)
    slow = _run(tmp_path, "noise", "numpy", updates=done)
    fast["text"] = slow["text"] = fast["halted"] = slow["halted"] = ""
    same(fast, slow)


def test_a_short_train_does_not_load_the_kernel(tmp_path, monkeypatch):
    # loading costs more than a short train saves: it goes batch by batch
    asked = []
    monkeypatch.setattr(exampleupdates, "train_updates_kernel",
                        lambda idx, *a: asked.append(len(idx)))
    monkeypatch.setattr(exampleupdates.KERNELS, "loaded", set())
    _run(tmp_path, "srn", "auto", updates=30)
    assert asked == []


def test_real_calls_compile_nothing_more(tmp_path, calls):
    # the kernel is compiled for one set of argument types (_warm): a call
    # of another would compile it again in the middle of a user's train
    for net in ("srn", "lesioned", "product"):
        _run(tmp_path, net, "auto", updates=10)
    assert calls and len(exampleupdates._KERNEL.signatures) == 1
