"""Noise in CONTINUOUS networks on the compiled continuous path
(compiled/continuous.py drawing through compiled/noise.py and rng.py).

Attractor-like nets with OUT_NOISE, IN_NOISE, OUT_DERIV_NOISE,
IN_DERIV_NOISE, EXT_INPUT_NOISE and DERIV_NOISE (each noise procedure,
several ranges, dt and tick counts, bidirectional projections, IN_INTEGR and
OUT_INTEGR, batch sizes, train and test, example hooks) run compiled and
with `executionPath python`: every weight, derivative, unit state, history,
integrator and kept clean output, the printed numbers and the next `rand`
must be the same bits.  Two scripts also run in the original Lens, every
printed number compared."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import lens_reference
from test_compiled_noise import _examples
from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine import continuous
from lens_py.engine.compiled import continuous as fastcontinuous

pytestmark = pytest.mark.skipif(not fastcontinuous.HAVE_NUMBA, reason="numba not installed")

BATCH_PATH = "compiled continuous examples"
ONE_BY_ONE = "Lens's loop, compiled ticks"


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastcontinuous.wait_ready(600), "the continuous kernel did not compile"


# Examples of two events, an interval each: the backward pass reaches back far
# enough for the clean outputs OUT_NOISE puts back to count (the link
# derivatives of tick 1 use the stale tick-0 history, so with one event
# OUT_INTEGR's accumulator leaves them no say).
NET = dict(intervals=2, ticks=3, input="INPUT", hidden="OUT_NOISE", output="OUTPUT IN_INTEGR",
           bidir="-bidirectional", dt=0.25, batch=4, events=2)

BASE = """seed 5
addNet n -i {intervals} -t {ticks} CONTINUOUS
addGroup input 5 {input}
addGroup hidden 6 {hidden}
addGroup output 4 {output}
connectGroups input hidden
connectGroups hidden output {bidir}
connectGroups output output
setObj hidden.noiseRange 0.2
setObj dt {dt}
loadExamples {ex} -s t
setObj reportInterval 4
setObj learningRate 0.1
setObj batchSize {batch}
"""

# name: (changes to NET, more setup, the path the training takes)
CASES = {
    "OUT_NOISE addGaussian": ({}, "", BATCH_PATH),
    "OUT_NOISE multGaussian": ({}, "noiseType hidden -multiply -r 0.3\n", BATCH_PATH),
    "OUT_NOISE addUniform": ({}, "noiseType hidden -flat\n", BATCH_PATH),
    "OUT_NOISE multUniform": ({"batch": 1}, "noiseType hidden -multiply -flat\n", BATCH_PATH),
    # the kept Gaussian value carries from one group to the next of the same range
    "two OUT_NOISE groups": ({"output": "OUTPUT OUT_NOISE"},
                             "setObj output.noiseRange 0.2\n", BATCH_PATH),
    "IN_NOISE after IN_INTEGR": ({"hidden": "LOGISTIC", "output": "OUTPUT IN_INTEGR IN_NOISE"},
                                 "setObj output.noiseRange 0.3\n", BATCH_PATH),
    "IN_NOISE before IN_INTEGR": ({"output": "OUTPUT IN_NOISE IN_INTEGR"},
                                  "setObj output.noiseRange 0.1\nnoiseType output -flat\n",
                                  BATCH_PATH),
    # (no draws while the input is fully clamped, but when an event leaves
    # some inputs unset)
    "IN_NOISE on a clamped input": ({"input": "INPUT IN_NOISE"}, "", BATCH_PATH),
    "OUT_DERIV_NOISE": ({"hidden": "OUT_NOISE OUT_DERIV_NOISE"}, "", BATCH_PATH),
    "OUT_DERIV_NOISE after OUT_INTEGR": ({"hidden": "LOGISTIC"},
                                         "changeGroupType hidden OUT_DERIV_NOISE\n",
                                         BATCH_PATH),
    "IN_DERIV_NOISE": ({"output": "OUTPUT IN_INTEGR IN_DERIV_NOISE"},
                       "setObj output.noiseRange 0.5\nnoiseType output -multiply\n",
                       BATCH_PATH),
    "EXT_INPUT_NOISE hard clamped": ({"events": 1},
                                     "changeGroupType input +EXT_INPUT_NOISE\n"
                                     "setObj input.noiseRange 0.1\n", BATCH_PATH),
    "EXT_INPUT_NOISE soft clamped": ({"input": "INPUT DOT_PRODUCT SOFT_CLAMP BIASED IN_INTEGR",
                                      "events": 2},
                                     "changeGroupType input +EXT_INPUT_NOISE\n"
                                     "setObj clampStrength 0.8\n", BATCH_PATH),
    "DERIV_NOISE": ({}, "changeGroupType output +DERIV_NOISE\n", BATCH_PATH),
    "network range": ({}, "setObj hidden.noiseRange NaN\nsetObj noiseRange 0.7\n",
                      BATCH_PATH),
    "more ticks, no bidirectional": ({"intervals": 3, "ticks": 5, "dt": 0.3, "bidir": "",
                                      "batch": 0, "events": 3}, "", BATCH_PATH),
    "one event": ({"events": 1}, "", BATCH_PATH),
    "tanh and linear": ({"hidden": "TANH OUT_NOISE", "output": "OUTPUT LINEAR IN_INTEGR"},
                        "setObj hidden.noiseRange 0.05\n", BATCH_PATH),
    # lesioned units draw nothing
    "lesioned noisy units": ({"hidden": "OUT_NOISE OUT_DERIV_NOISE"},
                             "lesionUnits hidden 0.4\nlesionUnits output 0.3\n", BATCH_PATH),
    "lesioned, IN_NOISE and EXT_INPUT_NOISE": (
        {"output": "OUTPUT IN_NOISE IN_INTEGR IN_DERIV_NOISE"},
        "changeGroupType input +EXT_INPUT_NOISE\nsetObj input.noiseRange 0.1\n"
        "setObj output.noiseRange 0.1\nlesionUnits input 0.4\nlesionUnits output 0.5\n",
        BATCH_PATH),
    # PROBABILISTIC choices come from the noise's stream: one example a call
    "probabilistic": ({}, "exampleSetMode t PROBABILISTIC\n", ONE_BY_ONE),
    # a hook drawing from the stream between compiled examples
    "hook draws": ({}, "set log {}\nproc p {} {global log; lappend log [rand]}\n"
                       "setObj postExampleProc p\n", ONE_BY_ONE),
}


def _snapshot(net):
    snap = {"error": repr(net.error), "ticks": net.ticks_on_example, "tick": net.current_tick,
            "events": list(net.event_history), "resets": list(net.reset_history)}
    for g in net.groups:
        snap[g.name] = [g.state.tobytes(), repr(g.error)] + [
            getattr(g, h).tobytes() for h in ("input_history", "output_history",
                                              "target_history", "output_deriv_history")]
        for kind, state in sorted(g.proc_state.items(), key=str):
            if isinstance(state, continuous.IntegratorState):
                snap[(g.name, str(kind))] = [state.value.tobytes(), state.instant.tobytes()]
            else:
                snap[(g.name, str(kind))] = np.asarray(state).tobytes()
        for p in g.incoming:
            snap[(g.name, p.sender.name)] = [p.weight.tobytes(), p.deriv.tobytes(),
                                             p.last_delta.tobytes()]
    return snap


def _run(tmp_path, net: dict, setup: str, path: str):
    ex = tmp_path / "cnoise.ex"
    _examples(ex, n=8, ni=5, no=4, events=net["events"])
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    # (one stream per process, as in Lens: a value kept by the run before
    # would outlive its `seed`)
    session_of(it).rng.gaussian_kept = None
    it.eval(BASE.format(ex=ex, **net) + setup + f"setObj executionPath {path}\n")
    it.eval("train 1 -why")
    it.eval("train 12\ntest\ndoExample -s t\ntrain 2 -a steepest\n")
    drawn = it.eval("set log") if "proc p" in setup else ""
    snap = _snapshot(session_of(it).net)
    return "".join(printed), snap, it.eval("rand"), it.eval("getObj error") + drawn


def _report(printed):
    """The printed lines both paths must print alike (not the path's name)."""
    return [line for line in lens_reference.comparable_lines(printed)
            if not line.startswith("Execution path")]


def _compare(tmp_path, net, setup, expected):
    printed, snap, nxt, err = _run(tmp_path, net, setup, "auto")
    printed_py, snap_py, nxt_py, err_py = _run(tmp_path, net, setup, "python")
    assert f"Execution path: {expected} (" in printed, printed
    lines = _report(printed)
    assert lines == _report(printed_py) and len(lines) > 8
    assert snap.keys() == snap_py.keys()
    for key in snap:
        assert snap[key] == snap_py[key], key
    assert (nxt, err) == (nxt_py, err_py)


@pytest.mark.parametrize("case", list(CASES))
def test_noise_in_continuous_nets_runs_compiled_with_python_bits(tmp_path, case):
    changes, setup, expected = CASES[case]
    _compare(tmp_path, dict(NET, **changes), setup, expected)


PROCS = ["", "-multiply", "-flat", "-multiply -flat"]


@settings(max_examples=12, deadline=None)
@given(hidden=st.sampled_from(["OUT_NOISE", "OUT_NOISE OUT_DERIV_NOISE", "IN_NOISE",
                               "IN_DERIV_NOISE OUT_NOISE", "LOGISTIC"]),
       output=st.sampled_from(["OUTPUT IN_INTEGR", "OUTPUT IN_INTEGR IN_NOISE",
                               "OUTPUT OUT_NOISE", "OUTPUT IN_NOISE IN_INTEGR IN_DERIV_NOISE"]),
       proc=st.sampled_from(PROCS), rng_range=st.sampled_from([0.0, 0.05, 0.4, 1.5]),
       dt=st.sampled_from([0.1, 0.25, 1.0]), ticks=st.integers(1, 4),
       intervals=st.integers(1, 3), batch=st.integers(0, 5), ext=st.booleans(),
       bidir=st.booleans())
def test_random_noisy_continuous_nets(tmp_path_factory, hidden, output, proc, rng_range, dt,
                                      ticks, intervals, batch, ext, bidir):
    if intervals * ticks < 2:
        intervals = 2
    net = dict(NET, hidden=hidden, output=output, dt=dt, ticks=ticks, intervals=intervals,
               batch=batch, bidir="-bidirectional" if bidir else "", events=intervals)
    setup = f"noiseType {{hidden output}} {proc} -r {rng_range}\n"
    if ext:
        setup += "changeGroupType input +EXT_INPUT_NOISE\n"
    _compare(tmp_path_factory.mktemp("h"), net, setup, BATCH_PATH)


def test_what_stays_declined_says_why(tmp_path):
    # two OUT_NOISE procedures in one group: forward.py keeps one clean
    # output per tick where Lens keeps one per procedure
    setup = "changeGroupType hidden +OUT_NOISE\n"
    printed, snap, nxt, _ = _run(tmp_path, dict(NET), setup, "auto")
    assert "OUT_NOISE or OUT_DERIV_NOISE twice in one group" in printed
    assert f"Execution path: {BATCH_PATH}" not in printed


# -- against the original Lens -------------------------------------------------------------

ATTRACTOR = """seed 31
addNet attr -i 3 -t 4 CONTINUOUS
addGroup input 20 INPUT
addGroup hidden 30 OUT_NOISE
addGroup output 20 OUTPUT IN_INTEGR
connectGroups input hidden -p FULL
connectGroups hidden output -bidirectional
connectGroups output output
setObj hidden.noiseRange 0.05
setObj dt 0.25
setObj clampStrength 0.8
loadExamples {EX} -s pats
setObj learningRate 0.05
setObj momentum 0.8
setObj reportInterval 10
setObj batchSize 10
train 60
test
puts "err [getObj error]"
for {set u 0} {$u < 20} {incr u} { lappend o [getObj output.unit($u).output] }
puts "out $o"
puts "hidden [getObj hidden:4.output] [getObj hidden:17.output]"
puts "rand [format %.4f [rand]]"
"""

DERIVATIVES = """seed 7
addNet d -i 2 -t 4 CONTINUOUS
addGroup input 6 INPUT
addGroup hidden 8 OUT_NOISE OUT_DERIV_NOISE IN_DERIV_NOISE
addGroup output 5 OUTPUT IN_INTEGR IN_NOISE
connectGroups input hidden
connectGroups hidden output -bidirectional
changeGroupType input +EXT_INPUT_NOISE
changeGroupType output +DERIV_NOISE
noiseType hidden -flat -r 0.1
noiseType output -multiply -r 0.2
setObj input.noiseRange 0.05
setObj dt 0.5
loadExamples {EX} -s pats
setObj reportInterval 5
setObj batchSize 3
train 25
test
puts "[getObj hidden:0.output] [getObj output:3.output] [getObj output:1.input]"
puts "[getObj hidden:2.incoming(1).weight] [format %.4f [rand]]"
"""


# IN_NOISE on fully clamped inputs: Lens runs none of their input procedures,
# so draws nothing there (the hidden units' noise shows where the stream is)
CLAMPED = """seed 3
addNet c -i 2 -t 3 CONTINUOUS
addGroup input 5 INPUT IN_NOISE
addGroup hidden 6 OUT_NOISE
addGroup output 4 OUTPUT
connectGroups input hidden output
loadExamples {EX} -s pats
setObj batchSize 2
train 4
test
puts "[getObj error] [getObj hidden:1.output] [format %.4f [rand]]"
"""

# the same on a standard network (the compiled example loop)
CLAMPED_STANDARD = """seed 3
addNet s 5 6 OUT_NOISE 4
changeGroupType input IN_NOISE
loadExamples {EX} -s pats
setObj batchSize 2
train 4
test
puts "[getObj error] [getObj hidden:1.output] [format %.4f [rand]]"
"""

# (examples, inputs, outputs, events): events of an interval each, so the
# backward pass reaches the ticks where the clean outputs count
@pytest.mark.parametrize("script,shape", [(ATTRACTOR, (30, 20, 20, 3)),
                                          (DERIVATIVES, (9, 6, 5, 2)),
                                          (CLAMPED, (6, 5, 4, 2)),
                                          (CLAMPED_STANDARD, (6, 5, 4, 1))],
                         ids=["attractor", "derivatives", "clamped", "clamped standard"])
def test_the_printed_numbers_equal_lens(tmp_path, monkeypatch, script, shape):
    lens_reference.require_lens()
    ex = tmp_path / "pats.ex"
    n, ni, no, events = shape
    _examples(ex, n, ni, no, seed=11, events=events)
    script = script.replace("{EX}", str(ex))
    lens = lens_reference.run_lens(script, tmp_path)
    # the kernel loaded at once, and every batch and the test on it
    monkeypatch.setenv("LENS_PY_COMPILE", "now")
    first = script.index("\n", script.index("addNet")) + 1
    ours = lens_reference.run_lens_py(
        script[:first] + "setObj executionPath compiled\n" + script[first:], tmp_path)
    assert ours.returncode == 0 and "rror" not in ours.stderr, ours.stderr
    difference = lens_reference.first_difference(lens.stdout, ours.stdout)
    assert difference is None, difference
    assert len(lens_reference.numbers_in(lens.stdout)) > 15
