"""The compiled example loop (engine/exampleloop.py) against training.run_example
in Python: the same float32 bits in weights, errors and reports, and the same
bookkeeping left on the network (ticks, event history, history start, grace,
current example), over multi-event examples with min/max/grace times, group
criteria (also required), RESET_ON_EXAMPLE, frequencies and Elman contexts."""
import io

import numpy as np
import pytest

import lens_examples

from lens_py import Lens
from lens_py.engine.compiled import example as fastexample, exampleloop

TIMED = """min:0.5 max:2 defT:0
name: a 3
[0 max:1.5] I: 1 0 0 1 T: 1 0
I: 0 1 1 0 T: 0 1
I: 1 1 0 0 T: 1 1;
name: b freq:2.5 2
[0 min:1 grace:0.5] I: 1 1 0 0 T: 0 1
[1] I: 0 0 1 1 t:{-} *;
name: c 1
I: 1 0 1 0 T: 1 -;
name: d 2
[] I: 0 1 0 1 [1] T: 0 1;
"""

SCRIPTS = {
    # Elman SRN, soft-max output, permuted order: the case this path is for
    "srn": ("""seed 3
addNet seq -i 9 6 10 ELMAN 6 SOFT_MAX
loadExamples {SEQUENCE} -exmode PERMUTED
setObj batchSize 7
train 6 -report 2
""", True),
    # two ticks per interval, event times from the file, standard group criterion
    "timed": ("""seed 4
addNet t -i 3 -t 2 4 6 TANH 2 OUTPUT STANDARD_CRIT
loadExamples {TIMED} -exmode RANDOMIZED
setObj learningRate 0.1
setObj trainGroupCrit 0.45
train 8 -a momentum -report 2
""", False),
    # the criterion required: examples cut short; MAX_CRIT; frequencies;
    # RESET_ON_EXAMPLE hidden group; pseudoExampleFreq
    "required": ("""seed 5
addNet r -i 4 -t 1 4 5 RESET_ON_EXAMPLE 2 OUTPUT MAX_CRIT CROSS_ENTROPY
loadExamples {TIMED} -exmode PROBABILISTIC
setObj groupCritRequired 1
setObj trainGroupCrit 0.6
setObj pseudoExampleFreq 1
setObj hidden.initOutput 0.25
train 8 -a steepest -report 4
""", False),
    # backpropTicks 3 through an Elman context, two ticks per interval, timed
    # events: histories, HARD_CLAMP inputs per tick, steps back into the
    # previous example
    "bptt": ("""seed 8
addNet b -i 3 -t 2 4 5 ELMAN 5 2 OUTPUT
setObj backpropTicks 3
loadExamples {TIMED} -exmode PERMUTED
setObj learningRate 0.05
train 6 -a momentum -report 2
""", False),
    # an SRN on Lens's sequences with backpropTicks 2
    "bptt_srn": ("""seed 9
addNet seq -i 9 6 10 ELMAN 6 SOFT_MAX
setObj backpropTicks 2
loadExamples {SEQUENCE}
setObj batchSize 9
train 5 -report 1
""", True),
    # SRBPTT: forward ticks kept, the whole example backpropagated at its end
    "srbptt": ("""seed 12
addNet s -i 3 -t 2 SRBPTT 4 5 2 OUTPUT
connectGroups hidden hidden
loadExamples {TIMED} -exmode RANDOMIZED
setObj learningRate 0.05
setObj output.targetRadius 0.05
train 5 -a momentum -report 1
""", False),
    "srbptt_seq": ("""seed 13
addNet seq -i 9 SRBPTT 6 10 6 SOFT_MAX
connectGroups hidden hidden
loadExamples {SEQUENCE} -exmode PERMUTED
setObj batchSize 11
train 4 -report 2
""", True),
    # an output file: every tick's outputs and targets kept, written per example
    "output_file": ("""seed 14
addNet o -i 3 -t 2 4 5 ELMAN 5 2 OUTPUT
loadExamples {TIMED} -exmode PERMUTED
openNetOutputFile {OUT}
train 3 -a momentum -report 1
""", False),
    # example hooks between compiled examples: what they see and change
    "example_hooks": ("""seed 10
addNet h -i 3 -t 2 4 5 ELMAN 5 2 OUTPUT
loadExamples {TIMED} -exmode PERMUTED
set ::log {{}}
setObj preExampleProc {{lappend ::log [getObj currentExample.name]}}
setObj postExampleProc {{
    lappend ::log [getObj error] [getObj output:0.output] [getObj ticksOnExample]
    setObj learningRate [expr {{[getObj learningRate] * 0.9}}]
}}
train 4 -a momentum -report 2
""", False),
    # an Elman context reset per example, grace periods, targetRadius
    "elman_grace": ("""seed 6
addNet e -i 3 -t 2 4 5 ELMAN 5 2 OUTPUT
loadExamples {TIMED}
setObj learningRate 0.05
setObj output.targetRadius 0.1
train 5 -a deltaBarDelta -report 1
""", False),
}


def run(name, tmp_path, compiled: bool, monkeypatch):
    script, needs_sequence = SCRIPTS[name]
    sequence = lens_examples.path("sequence.ex")
    if needs_sequence and sequence is None:
        pytest.skip("Lens's sequence.ex is not here")
    timed = tmp_path / "timed.ex"
    timed.write_text(TIMED)
    used = []
    real = exampleloop.run_examples

    def spy(*args, **kwargs):
        result = real(*args, **kwargs) if compiled else None
        if "idx" in kwargs or name not in ("example_hooks", "output_file"):  # one by one
            used.append((args[-1], result is not None))
        return result
    monkeypatch.setattr(exampleloop, "run_examples", spy)
    real_one = exampleloop.run_one

    def spy_one(net, exset, index, is_training, prepared):
        result = real_one(net, exset, index, is_training, prepared) if compiled else None
        used.append((is_training, result is not None))
        return result
    monkeypatch.setattr(exampleloop, "run_one", spy_one)
    out = io.StringIO()
    lens = Lens(stdout=out)
    outfile = tmp_path / f"out-{compiled}.txt"
    lens(script.format(SEQUENCE=sequence, TIMED=timed, OUT=outfile))
    net = lens.net
    result = {
        "weights": [a.copy() for f in ("weight", "deriv", "last_delta")
                    for a in [net.gather_links(f)]],
        "errors": [net.error] + [g.error for g in net.groups],
        "book": (list(net.event_history), net.example_history_start,
                 list(net.reset_history), net.ticks_on_example, net.current_tick,
                 net.in_grace_period, net.current_example.name),
        "report": [line[:50] for line in out.getvalue().splitlines()
                   if ")" in line[:9] or line.startswith("Performed")],
        "histories": [getattr(g, h).copy() for g in net.groups
                      for h in ("input_history", "output_history", "target_history",
                                "output_deriv_history")] + [g.state.copy() for g in net.groups],
    }
    result["log"] = lens("if {[info exists ::log]} {set ::log}")
    lens("test")
    if "openNetOutputFile" in script:
        lens("closeNetOutputFile")
        result["file"] = outfile.read_text()
    result["test"] = [line for line in out.getvalue().splitlines()
                      if line.startswith(("Error", "Test results", "Output unit"))]
    return result, used


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_compiled_example_loop_gives_the_same_bits(name, tmp_path, monkeypatch):
    if not fastexample.wait_ready():
        pytest.skip("numba is not available")
    fast, used_fast = run(name, tmp_path, True, monkeypatch)
    slow, used_slow = run(name, tmp_path, False, monkeypatch)
    # training batches and the test ran compiled (or not at all)
    assert {training for training, _ in used_fast} == {True, False}
    assert all(ran for _, ran in used_fast) and not any(ran for _, ran in used_slow)
    for a, b in zip(fast["weights"], slow["weights"]):
        assert a.dtype == np.float32 and np.array_equal(a, b, equal_nan=True)
    assert fast["errors"] == slow["errors"]
    assert fast["book"] == slow["book"]
    for a, b in zip(fast["histories"], slow["histories"]):
        assert np.array_equal(a, b, equal_nan=True)
    assert fast["report"] == slow["report"] and len(fast["report"]) >= 2
    assert fast["test"] == slow["test"]
    assert fast["log"] == slow["log"]
    assert fast.get("file") == slow.get("file")
    if name == "output_file":
        assert fast["file"].count("\n") > 100
    assert fast["errors"][0] > 0


def test_hooks_and_procs_keep_the_python_loop(tmp_path, monkeypatch):
    if not fastexample.wait_ready():
        pytest.skip("numba is not available")
    timed = tmp_path / "timed.ex"
    timed.write_text(TIMED)
    lens = Lens(stdout=io.StringIO())
    lens(f"""seed 1
addNet t -i 3 -t 2 4 6 2
loadExamples {{{timed}}}
""")
    net, exset = lens.net, lens.net.training_set
    assert exampleloop.run_batch(lens.session, net, exset, 2) is not None
    ticks, correct = exampleloop.run_examples(lens.session, net, exset, 3, False)
    assert len(ticks) == 3 and correct.dtype == bool and (ticks >= 1).all()
    lens("setObj postEventProc {set x 1}")
    assert exampleloop._blocker(net, exset) == "hook"
    lens("setObj postEventProc {}")
    exset.examples[1].events[0].proc = "set y 2"
    exset.version += 1
    assert exampleloop.run_batch(lens.session, net, exset, 2) is None
