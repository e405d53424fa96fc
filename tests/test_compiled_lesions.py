"""Lesioned networks on the compiled paths (compiled/lesioned.py and the
kernels that call it).

Nets with units lesioned (lesionUnits on input, hidden and output groups,
healUnits after), links lesioned (lesionLinks: deleted, set, noisy), noise
(lesioned units draw nothing), SOFT_MAX and criteria over lesioned units,
Elman nets with backpropTicks > 1 and SRBPTT, trained and tested on the path
`auto` chooses against `executionPath python`: every weight, link
derivative, unit state and printed number bit for bit, and the random
stream's place after.  Four scripts run in the original Lens too."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

import lens_reference
from lens_py.commands.common import session as session_of
from lens_py.engine.compiled import example as fastexample
from path_runs import compared_lines, printing_interp, same_as_lens_on
from test_compiled_noise import _examples

pytestmark = pytest.mark.skipif(not fastexample.HAVE_NUMBA, reason="numba not installed")


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastexample.wait_ready(), "the per-example kernels did not compile"


BASE = """seed 5
addNet n 6 8 5
loadExamples {EX} -s t
setObj reportInterval 5
setObj learningRate 0.1
"""
# an SRN: the context group copies the hidden layer's outputs
SRN = """seed 5
addNet n -i 3 6 8 ELMAN 5
loadExamples {EX} -s t
setObj reportInterval 5
setObj learningRate 0.1
"""

CASES = {
    "hidden 0.3": "lesionUnits hidden 0.3\n",
    "hidden and output": "lesionUnits hidden 0.5\nlesionUnits output 0.4\n",
    "every hidden unit": "lesionUnits hidden 1\n",
    "input units": "lesionUnits input 0.5\n",
    "bias": "lesionUnits bias 1\n",
    "healed": "lesionUnits hidden 0.5\ntrain 5\nhealUnits {hidden:1 hidden:2 hidden:5}\n",
    "all healed": "lesionUnits hidden 0.5\ntrain 5\nhealUnits *\n",
    "links deleted": "lesionLinks hidden -p 0.4\nlesionUnits output 0.3\n",
    "links set": "lesionLinks output -p 0.5 -value 0.25\nlesionUnits hidden 0.3\n",
    "links noisy": "lesionLinks hidden -p 0.5 -range 0.3\nlesionUnits hidden 0.3\n",
    "soft max": "changeGroupType output -OUT_INTEGR SOFT_MAX\nlesionUnits output 0.4\n"
                "lesionUnits hidden 0.3\n",
    "cross entropy, radii": "changeGroupType output CROSS_ENTROPY\n"
                            "setObj output.targetRadius 0.1\nsetObj output.zeroErrorRadius 0.05\n"
                            "lesionUnits output 0.4\n",
    "criterion": "setObj testGroupCrit 0.6\nsetObj trainGroupCrit 0.6\n"
                 "changeGroupType output +STANDARD_CRIT\nlesionUnits output 0.4\n",
    "max criterion": "setObj testGroupCrit 0.6\nsetObj trainGroupCrit 0.6\n"
                     "changeGroupType output +MAX_CRIT\nlesionUnits output 0.4\n",
    "frozen too": "freezeWeights -g output\nlesionUnits hidden 0.4\nlesionUnits output 0.4\n",
    "algorithms": "lesionUnits hidden 0.4\ntrain 3 -a momentum\ntrain 3 -a deltaBarDelta\n",
    # noise: lesioned units draw nothing
    "OUT_NOISE": "changeGroupType hidden OUT_NOISE\nsetObj hidden.noiseRange 0.2\n"
                 "lesionUnits hidden 0.4\n",
    "IN_NOISE, OUT_DERIV_NOISE": "changeGroupType hidden IN_NOISE\nsetObj noiseRange 0.3\n"
                                 "changeGroupType output OUT_DERIV_NOISE\n"
                                 "lesionUnits hidden 0.4\nlesionUnits output 0.4\n",
    "IN_DERIV_NOISE": "changeGroupType output IN_DERIV_NOISE\nsetObj output.noiseRange 0.1\n"
                      "noiseType output -multiply\nlesionUnits output 0.4\n",
    "EXT_INPUT_NOISE": "changeGroupType input +EXT_INPUT_NOISE\nsetObj input.noiseRange 0.3\n"
                       "lesionUnits input 0.5\n",
    "batches": "setObj batchSize 3\nexampleSetMode t PERMUTED\nlesionUnits hidden 0.4\n",
    "hook between": "set log {}\nproc p {} {global log; lappend log [getObj error]}\n"
                    "setObj postExampleProc p\nlesionUnits hidden 0.4\n",
}
# nets other than BASE, with events per example
NETS = {"srn": (SRN, 3), "srn bpt3": (SRN + "setObj backpropTicks 3\n", 3),
        "two events": (BASE, 2),
        "srbptt": (SRN.replace("-i 3 6", "-i 3 SRBPTT 6"), 3)}
SRN_CASES = {
    "srn": "lesionUnits hidden 0.3\nlesionUnits context 0.3\n",
    "srn bpt3": "lesionUnits hidden 0.3\nlesionUnits context 0.5\n",
    "two events": "lesionUnits hidden 0.4\nlesionUnits output 0.2\n",
    "srbptt": "lesionUnits hidden 0.3\nlesionUnits context 0.4\nlesionUnits output 0.2\n",
}
PATH_OF = {"hook between": "compiled examples, hooks between"}


def _state(net):
    return [a.tobytes() for g in net.groups for p in g.incoming
            for a in (p.weight, p.deriv)] + [g.state.tobytes() for g in net.groups] + [
            h.tobytes() for g in net.groups
            for h in (g.input_history, g.output_history, g.target_history)]


def _run(tmp_path, base, setup: str, path: str, events: int = 1):
    ex = tmp_path / "lesion.ex"
    _examples(ex, events=events)
    # (lesionLinks -range draws Gaussians: the stream starts afresh)
    it, printed = printing_interp()
    it.eval(base.replace("{EX}", str(ex)) + f"setObj executionPath {path}\n")
    it.eval("train 10\n" + setup)
    it.eval("train 1 -why")
    it.eval("train 20\ntest\ndoExample -s t\ntrain 3 -a steepest\ntest\n")
    net = session_of(it).net
    logged = it.eval("set log") if "proc p" in setup else ""
    return "".join(printed), _state(net), it.eval("getObj error") + logged + it.eval("rand")


def _compare(tmp_path, base, setup, events=1, path="compiled example loop"):
    printed, state, err = _run(tmp_path, base, setup, "auto", events)
    printed_py, state_py, err_py = _run(tmp_path, base, setup, "python", events)
    if path is not None:
        assert f"Execution path: {path}" in printed, printed
    strip, strip_py = compared_lines(printed), compared_lines(printed_py)
    assert strip == strip_py and len(strip) > 10
    assert err == err_py
    assert state == state_py


@pytest.mark.parametrize("case", list(CASES))
def test_lesioned_nets_run_compiled_with_the_bits_of_lens_loop(tmp_path, case):
    _compare(tmp_path, BASE, CASES[case], path=PATH_OF.get(case, "compiled example loop"))


@pytest.mark.parametrize("case", list(SRN_CASES))
def test_lesioned_srns_and_events(tmp_path, case):
    base, events = NETS[case]
    _compare(tmp_path, base, SRN_CASES[case], events)


def test_compiled_ticks_with_a_tick_hook(tmp_path):
    setup = "lesionUnits hidden 0.4\nsetObj postTickProc {set x 1}\n"
    _compare(tmp_path, SRN + "setObj backpropTicks 2\n", setup, 3,
             path="Lens's loop, compiled ticks")


GROUPS = st.sampled_from(["input", "hidden", "output", "bias"])
LESION = st.tuples(GROUPS, st.sampled_from([0.1, 0.25, 0.5, 0.75, 1.0]))


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(1, 10_000), lesions=st.lists(LESION, min_size=1, max_size=3),
       heal=st.booleans())
def test_random_lesions(tmp_path_factory, seed, lesions, heal):
    setup = f"seed {seed}\n" + "".join(f"lesionUnits {g} {p}\n" for g, p in lesions)
    if heal:
        setup += "train 2\nhealUnits {hidden:0 output:1 input:2}\n"
    # (a draw may lesion nothing: then the compiled batch runs it)
    _compare(tmp_path_factory.mktemp("les"), BASE, setup, path=None)


# -- against the original Lens --------------------------------------------------------------

LENS_SCRIPTS = {
    "units": BASE + """train 20
lesionUnits hidden 0.4
lesionUnits output 0.2
test
train 20
test
puts "[getObj hidden:0.output] [getObj output:3.output] [getObj hidden:1.incoming(2).weight]"
healUnits *
train 5
test
""",
    "srn": SRN + """train 10
lesionUnits hidden 0.3
lesionUnits context 0.4
lesionLinks hidden -p 0.2
setObj backpropTicks 2
train 20
test
puts "[getObj hidden:2.output] [getObj output:1.output]"
""",
}


LENS_SCRIPTS["noise"] = BASE + """changeGroupType hidden OUT_NOISE
setObj hidden.noiseRange 0.2
changeGroupType input +EXT_INPUT_NOISE
setObj input.noiseRange 0.1
train 10
lesionUnits hidden 0.3
lesionUnits input 0.3
train 20
test
puts "[getObj hidden:1.output] [getObj output:2.output] [format %.4f [rand]]"
"""


# (Lens's restoreOutputDerivs and restoreOutputs pass over lesioned units)
LENS_SCRIPTS["srbptt"] = NETS["srbptt"][0] + """train 10
lesionUnits hidden 0.3
lesionUnits context 0.4
train 20
test
puts "[getObj hidden:2.output] [getObj output:1.output]"
"""


@pytest.mark.parametrize("name", list(LENS_SCRIPTS))
def test_the_printed_numbers_equal_lens(tmp_path, name):
    lens_reference.require_lens()
    _examples(tmp_path / "lesion.ex", events=3 if name in ("srn", "srbptt") else 1)
    same_as_lens_on(LENS_SCRIPTS[name].replace("{EX}", str(tmp_path / "lesion.ex")), tmp_path)


def test_the_kept_tick_blocker_follows_the_network(tmp_path):
    # what the compiled ticks cannot run is kept between calls, and found
    # again after whatever it depends on changes: a group type, a lesion, a
    # projection's arrays replaced through the Python API
    it, _ = printing_interp()
    it.eval("seed 1; addNet n 3 4 2")
    net = session_of(it).net
    assert fastexample._blocker(net) is None
    it.eval("changeGroupType hidden +ADAPTIVE_GAIN")
    assert fastexample._blocker(net) == "group type"
    it.eval("changeGroupType hidden -ADAPTIVE_GAIN")
    assert fastexample._blocker(net) is None
    p = net.group("hidden").incoming[-1]
    p.arrays.weight = p.arrays.weight.astype("float64")
    assert fastexample._blocker(net) == "projection"


LESION_STUDY = """train 10
for {set i 0} {$i < 6} {incr i} {
  lesionUnits hidden 0.3
  lesionUnits output 0.2
  test
  if {$i % 2} {healUnits *} else {healUnits {hidden:1 output:0}}
}
lesionUnits {hidden:2 hidden:5}
train 5
"""


def test_a_lesion_study_refreshes_the_plan_in_place(tmp_path):
    # lesioning and healing between tests changes which units the kernels
    # pass over, not the plan: its masks are refreshed, the plan kept, and
    # every test prints what Lens's loop prints
    plans = set()
    real_valid = fastexample.TickPlan.valid

    def valid(plan, net):
        plans.add(id(plan))
        return real_valid(plan, net)
    printed_by = {}
    for path in ("auto", "python"):
        ex = tmp_path / "lesion.ex"
        _examples(ex)
        it, printed = printing_interp()
        it.eval(BASE.replace("{EX}", str(ex)) + f"setObj executionPath {path}\n")
        fastexample.TickPlan.valid = valid
        try:
            it.eval(LESION_STUDY + "train 1 -why")
        finally:
            fastexample.TickPlan.valid = real_valid
        printed_by[path] = ("".join(printed), _state(session_of(it).net))
    assert "Execution path: compiled example loop" in printed_by["auto"][0]
    assert len(plans) == 1
    lines, lines_py = (compared_lines(printed_by[p][0]) for p in ("auto", "python"))
    assert lines == lines_py and sum("Error total" in line for line in lines) == 6
    assert printed_by["auto"][1] == printed_by["python"][1]
