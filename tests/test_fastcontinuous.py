"""The compiled CONTINUOUS example (engine/fastcontinuous.py) against
continuous.py's Python path: the same script run both ways must leave every
link array, every group's state, history and integrator, the errors, the
event bookkeeping and the printed reports bit-identical."""
import re

import numpy as np
import pytest

from lens_py.commands.common import session as session_of
from lens_py.engine import continuous
from lens_py.engine.compiled import continuous as fastcontinuous
from lens_py.engine import types as T
from lens_py.assemble import make_interp

pytestmark = pytest.mark.skipif(not fastcontinuous.HAVE_NUMBA, reason="numba not installed")


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastcontinuous.wait_ready(120), "the kernel did not compile"


def _examples(path, n_inputs, n_outputs, n_examples, n_events, header="", seed=0,
              freq=False):
    rng = np.random.default_rng(seed)
    lines = [header] if header else []
    for e in range(n_examples):
        parts = [f"name: e{e}" + (f" freq: {1 + 0.3 * e}" if freq else "") + f" {n_events}"]
        for _ in range(n_events):
            i = " ".join(str(int(v)) for v in rng.integers(0, 2, n_inputs))
            t = " ".join(str(int(v)) for v in rng.integers(0, 2, n_outputs))
            parts.append(f"I: {i} T: {t}")
        lines.append(" ".join(parts) + ";")
    path.write_text("\n".join(lines) + "\n")
    return path


# setup scripts: {ex} is the example file
NETS = {
    # default groups: LOGISTIC OUT_INTEGR hidden, CROSS_ENTROPY output; more
    # events (3) than intervals (2), so examples are cut at maxTicks
    "out-integr-ce": dict(net="addNet n -i 2 -t 3 CONTINUOUS 4 6 3", events=3,
                          extra="setObj hidden.dtScale 0.7; setObj output:1.dtScale 0.4"),
    # IN_INTEGR hidden (TANH) and output (LOGISTIC, SUM_SQUARED), no reset
    "in-integr-sse": dict(net="""addNet n -i 3 -t 4 CONTINUOUS
        addGroup input 4 INPUT
        addGroup hidden 5 TANH IN_INTEGR
        addGroup output 3 OUTPUT LOGISTIC IN_INTEGR SUM_SQUARED
        connectGroups input hidden output
        connectGroups input output""", events=2,
                          extra="""changeGroupType hidden -RESET_ON_EXAMPLE
        changeGroupType output -RESET_ON_EXAMPLE
        setObj hidden.dtScale 0.5; setObj hidden:2.dtScale 1.5
        setObj output.initInput 0.25"""),
    # LINEAR OUT_INTEGR hidden with a second, TANH OUT_INTEGR hidden; events
    # end early on the criterion (min 0.5), a grace period at each event start
    "linear-crit-grace": dict(net="""addNet n -i 5 -t 2 CONTINUOUS
        addGroup input 3 INPUT
        addGroup hidden 4 LINEAR OUT_INTEGR
        addGroup h2 3 TANH OUT_INTEGR
        addGroup output 2 OUTPUT SUM_SQUARED
        connectGroups input hidden h2 output
        connectGroups input output""", events=4, header="min:0.5 grace:0.5;",
                              extra="""setObj trainGroupCrit 0.55; setObj testGroupCrit 0.52
        changeGroupType h2 -RESET_ON_EXAMPLE +USE_OUTPUT_HIST
        changeGroupType output +USE_TARGET_HIST"""),
    # MAX_CRIT output, groupCritRequired (an example stops at an event that
    # misses its criterion), pseudoExampleFreq with example frequencies
    "max-crit-required": dict(net="addNet n -i 4 -t 2 CONTINUOUS 3 4 3", events=3, freq=True,
                              header="min:0.5;",
                              extra="""changeGroupType output -STANDARD_CRIT +MAX_CRIT
        setObj groupCritRequired 1; setObj testGroupCrit 0.3; setObj pseudoExampleFreq 1"""),
    # SOFT_CLAMP inputs whose outputs integrate (one group at strength 1, so
    # its logit is +-1e8), a hidden group with DOT_PRODUCT IN_INTEGR SOFT_CLAMP
    "soft-clamp": dict(net="""addNet n -i 2 -t 3 CONTINUOUS
        addGroup input 3 INPUT SOFT_CLAMP LOGISTIC OUT_INTEGR
        addGroup in2 2 INPUT SOFT_CLAMP LOGISTIC OUT_INTEGR
        addGroup hidden 4 IN_INTEGR SOFT_CLAMP
        addGroup output 2 OUTPUT TANH SUM_SQUARED
        connectGroups {input in2} hidden output""", events=2,
                       extra="""setObj clampStrength 0.6; setObj in2.clampStrength 1.0
        setObj input.gain 1.5; changeGroupType in2 -RESET_ON_EXAMPLE"""),
    # masked projections (the kernel's runs of links): ONE_TO_ONE into and
    # within an integrating hidden layer, RANDOM ones (several runs per unit)
    # into the output, and links cut between the examples
    "masked": dict(net="""addNet n -i 2 -t 3 CONTINUOUS
        addGroup input 6 INPUT
        addGroup hidden 6 IN_INTEGR
        addGroup output 3 OUTPUT IN_INTEGR
        connectGroups input hidden -p ONE_TO_ONE
        connectGroups hidden hidden -p ONE_TO_ONE
        connectGroups hidden output -p RANDOM -s 0.6
        connectGroups input output -p RANDOM -s 0.3""", events=2),
}


def _snapshot(net):
    snap = {"error": net.error, "ticks": net.ticks_on_example, "tick": net.current_tick,
            "grace": net.in_grace_period, "events": list(net.event_history),
            "resets": list(net.reset_history), "start": net.example_history_start}
    for g in net.groups:
        snap[g.name] = [g.state.copy(), g.error] + [
            getattr(g, h).copy() for h in ("input_history", "output_history",
                                           "target_history", "output_deriv_history")]
        for kind, st in sorted(g.proc_state.items(), key=str):
            if isinstance(st, continuous.IntegratorState):
                snap[(g.name, kind)] = [st.value.copy(), st.instant.copy()]
            else:
                snap[(g.name, kind)] = np.array(st, copy=True)
        for p in g.incoming:
            snap[(g.name, p.sender.name)] = [p.weight.copy(), p.deriv.copy(),
                                             p.last_delta.copy()]
    return snap


def _same(a, b, where=""):
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _same(a[k], b[k], f"{where}/{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype and a.shape == b.shape, where
        assert a.tobytes() == b.tobytes(), where       # bits, NaN payloads included
    else:
        assert a == b, where


def _run(tmp_path, case, commands, wired, monkeypatch, seed=3):
    spec = NETS[case]
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    it.eval(f"seed {seed}\n{spec['net']}")
    net = session_of(it).net
    n_in = sum(g.size for g in net.groups if g.type & T.INPUT)
    n_out = net.group("output").size
    ex = _examples(tmp_path / f"{case}.ex", n_in, n_out, 5, spec["events"],
                   spec.get("header", ""), freq=spec.get("freq", False))
    it.eval(f"loadExamples {ex} -s set\nresetNet\n{spec.get('extra', '')}")
    compiled = []
    with monkeypatch.context() as m:
        if not wired:       # continuous.py alone, whether or not training.py is wired
            m.setattr(fastcontinuous, "ENABLED", False)
        else:
            kernel = fastcontinuous.example_kernel

            batch = fastcontinuous.batch_kernel

            def counted(ctl, *args):
                compiled.append(bool(ctl[fastcontinuous.K_TRAIN]))
                return kernel(ctl, *args)

            def counted_batch(idx, ex_first, freqs, ctl, *args):
                compiled.append(bool(ctl[fastcontinuous.K_TRAIN]))
                return batch(idx, ex_first, freqs, ctl, *args)
            m.setattr(fastcontinuous, "example_kernel", counted)
            m.setattr(fastcontinuous, "batch_kernel", counted_batch)
        results, states = [], []
        for c in commands:
            results.append(_untimed(it.eval(c)))
            states.append(_snapshot(net))
    return results, _untimed("".join(printed)), _snapshot(net), compiled, states


def _untimed(text):
    """The printed text without its clock readings: train's elapsed time and
    each progress line's time used and left (the Python path can take a
    second on a busy machine)."""
    text = re.sub(r"elapsed: [0-9.]+ seconds", "elapsed: - seconds", text)
    return re.sub(r"(?m)^(\s*\d+\)(?:\s+\S+){4})(?:\s+(?:\d+h\s*)?(?:\d+m\s*)?\d+s){2}\s*$",
                  r"\1 - -", text)


@pytest.mark.parametrize("case", sorted(NETS))
@pytest.mark.parametrize("algorithm", ["steepest", "momentum", "dougsMomentum"])
def test_training_and_testing_bit_identical(tmp_path, monkeypatch, case, algorithm):
    commands = ["setObj learningRate 0.3", f"train 6 -a {algorithm} -r 2",
                "getObj error", "test", "set Test(totalError)", "doExample 2 -test"]
    ref = _run(tmp_path, case, commands, False, monkeypatch)
    got = _run(tmp_path, case, commands, True, monkeypatch)
    assert got[0] == ref[0]
    assert got[1] == ref[1]
    assert "Performing 6 updates" in got[1]
    _same(got[2], ref[2])
    assert True in got[3] and False in got[3]      # trained and tested compiled
    assert not ref[3]


@pytest.mark.parametrize("case", sorted(NETS))
def test_each_example_bit_identical(tmp_path, monkeypatch, case):
    """Example by example (the histories hold only the last one), training
    without and with the backward pass, and testing."""
    commands = [f"doExample {i} {mode}" for i in range(5) for mode in ("-train", "-test")]
    ref = _run(tmp_path, case, commands, False, monkeypatch)
    got = _run(tmp_path, case, commands, True, monkeypatch)
    assert len(got[3]) == len(commands)
    _same(got[4], ref[4])


def test_links_cut_between_trainings(tmp_path, monkeypatch):
    """The kernel tables a masked projection's runs of links once per path
    choice: cutting links (in place in the mask) between two trainings must
    be seen, a unit left with no links from a sender included."""
    commands = ["train 3 -a momentum", "disconnectUnits hidden:3 output:2",
                "disconnectUnits input:4 hidden:4", "disconnectUnits hidden:0 output:0", "disconnectUnits hidden:1 output:0",
                "train 3 -a momentum", "getObj error", "test", "set Test(totalError)"]
    ref = _run(tmp_path, "masked", commands, False, monkeypatch)
    got = _run(tmp_path, "masked", commands, True, monkeypatch)
    assert got[0] == ref[0] and got[1] == ref[1]
    _same(got[4], ref[4])
    assert got[3].count(True) >= 2


def test_training_moves_the_weights(tmp_path, monkeypatch):
    """(So the comparisons above compare something.)"""
    _, _, snap, _, _ = _run(tmp_path, "in-integr-sse", ["getObj error"], True,
                                  monkeypatch)
    _, _, after, compiled, _ = _run(tmp_path, "in-integr-sse", ["train 3 -a steepest"], True,
                                 monkeypatch)
    assert compiled
    w0, w1 = snap[("hidden", "input")][0], after[("hidden", "input")][0]
    assert not np.array_equal(w0, w1)


def test_unsupported_net_runs_in_python(tmp_path, monkeypatch):
    """A postTickProc (or any hook inside an example) leaves the example to
    continuous.py: run_example returns None, and training still matches."""
    commands = ["setObj postTickProc {set ::n 1}", "setObj learningRate 0.3",
                "train 3 -a momentum", "test"]
    ref = _run(tmp_path, "out-integr-ce", commands, False, monkeypatch)
    got = _run(tmp_path, "out-integr-ce", commands, True, monkeypatch)
    assert got[3] == []
    assert got[1] == ref[1]
    _same(got[2], ref[2])


def test_refusal_changes_nothing(tmp_path, monkeypatch):
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = _examples(tmp_path / "r.ex", 4, 3, 2, 2)
    it.eval(f"addNet n -i 2 -t 3 CONTINUOUS 4 6 3; loadExamples {ex} -s set; resetNet")
    net = session_of(it).net
    net.group("hidden").output_procs.insert(0, T.OUT_CROPPED)   # not covered
    before = _snapshot(net)
    exset = net.training_set
    assert fastcontinuous.run_example(session_of(it), net, exset, exset.examples[0],
                                      True) is None
    _same(_snapshot(net), before)


# Lesioned units: the kernel passes over them as continuous.py does (the
# integrators, the history stores, the backward pass's restores), each
# case also after a heal, when the healed units' NaN histories come back
LESIONS = {
    "hidden": ["lesionUnits hidden 0.4"],
    "hidden and output": ["lesionUnits hidden 0.5", "lesionUnits output 0.4"],
    "inputs": ["lesionUnits input 0.5"],
    "healed": ["lesionUnits hidden 0.5", "train 2 -r 1", "healUnits *", "lesionUnits output 0.5"],
}


@pytest.mark.parametrize("case", sorted(NETS))
@pytest.mark.parametrize("lesion", sorted(LESIONS))
def test_lesioned_units_bit_identical(tmp_path, monkeypatch, case, lesion):
    commands = ["setObj learningRate 0.3", "train 3 -r 1"] + LESIONS[lesion] + [
        "train 6 -a momentum -r 2", "getObj error", "test", "set Test(totalError)",
        "doExample 2 -test", "doExample 1 -train", "getObj hidden:1.output"]
    ref = _run(tmp_path, case, commands, False, monkeypatch)
    got = _run(tmp_path, case, commands, True, monkeypatch)
    assert got[0] == ref[0]
    assert got[1] == ref[1]
    for a, b in zip(got[4], ref[4]):
        _same(a, b)
    assert True in got[3] and False in got[3]      # trained and tested compiled
