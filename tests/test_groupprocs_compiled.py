"""PRODUCT, DISTANCE and sparse (masked) DOT_PRODUCT projections run compiled
(compiled/groupprocs.py, called from compiled/example.py's tick): on every
execution path that covers a net they give the same bits as Lens's loop in
Python, and Lens's task example (PRODUCT fed by ONE_TO_ONE links) prints the
original Lens's numbers."""
import itertools

import pytest

import io

import lens_reference as ref
from lens_py.assemble import make_interp
from lens_py.engine import paths

TASK_NET = """
addNet task
addGroup task       3 INPUT
addGroup taskHidden 6
addGroup input      6 INPUT
addGroup hidden     6 {kind}
addGroup output     2 OUTPUT
connectGroups task taskHidden
connectGroups taskHidden hidden -p {pattern}
connectGroups input hidden      -p {pattern}
connectGroups hidden output
"""


def _task_examples(path):
    """Lens's task data: a task unit picks which pair of the six bits is the target."""
    with open(path, "w") as f:
        for data in itertools.product((0, 1), repeat=6):
            for task in range(3):
                one_hot = " ".join("1" if k == task else "0" for k in range(3))
                pair = data[2 * task: 2 * task + 2]
                f.write(f"I: (task) {one_hot} (input) {' '.join(map(str, data))}\n")
                f.write(f"T: {pair[0]} {pair[1]};\n")
    return path


CASES = {
    "product one-to-one": (TASK_NET.format(kind="PRODUCT", pattern="ONE_TO_ONE"), ""),
    # (dense links only from a logistic group: a 0 input would give 0/0 and NaN)
    "product dense": (TASK_NET.format(kind="PRODUCT", pattern="ONE_TO_ONE").replace(
        "connectGroups taskHidden hidden -p ONE_TO_ONE", "connectGroups taskHidden hidden"),
        ""),
    "distance one-to-one": (TASK_NET.format(kind="DISTANCE", pattern="ONE_TO_ONE"), ""),
    "masked dot": (TASK_NET.format(kind="", pattern="ONE_TO_ONE"), ""),
    "random sparse dot": (TASK_NET.format(kind="", pattern="FULL").replace(
        "connectGroups input hidden      -p FULL",
        "connectGroups input hidden -p RANDOM -s 0.5"), ""),
    "product two ticks, bpt 2": (TASK_NET.format(kind="PRODUCT", pattern="ONE_TO_ONE").replace(
        "addNet task", "addNet task -i 2 -t 2"), "setObj backpropTicks 2"),
    "product, postExampleProc": (TASK_NET.format(kind="PRODUCT", pattern="ONE_TO_ONE"),
                                 "setObj postExampleProc {incr ::seen}"),
    # a hook that changes parameters between examples compiled one at a time
    "hook changes gain and errorScale": (
        TASK_NET.format(kind="", pattern="ONE_TO_ONE"),
        "setObj postExampleProc {incr ::seen; setObj taskHidden.gain [expr {1 + $::seen % 3}]; "
        "setObj output.errorScale [expr {0.5 + $::seen % 2}]}"),
}


def _shell():
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    interp.eval_global("set ::seen 0")
    return interp.eval_global


def _train(lens, exfile, net_script, extra, setting):
    lens(f"seed 5; {net_script}")
    lens(f"setObj learningRate 0.05; loadExamples {exfile} -s train; {extra}")
    lens(f"setObj executionPath {setting}; setObj batchSize 16")
    net = lens.__self__.ext["lens"].net
    chosen = paths.choose(net, net.training_set, True)
    lens("train 15; test")
    return ([a.tobytes() for g in net.groups for p in g.incoming
             for a in (p.weight, p.deriv, p.last_delta)]
            + [g.state.tobytes() for g in net.groups], net.error, chosen)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_path_gives_the_same_bits(tmp_path, case):
    exfile = _task_examples(tmp_path / "task.ex")
    script, extra = CASES[case]
    ref_bits, ref_err, chosen = _train(_shell(), exfile, script, extra, "python")
    assert chosen is paths.LENS_LOOP
    for setting in ("numpy", "compiled", "auto"):
        bits, err, chosen = _train(_shell(), exfile, script, extra, setting)
        if setting == "compiled":
            assert chosen.kind == paths.COMPILED, case
        assert repr(err) == repr(ref_err), (case, setting)     # NaN included
        assert bits == ref_bits, (case, setting)


def test_task_example_prints_lens_numbers(tmp_path):
    ref.require_lens()
    commands = "\n".join(["seed 24", "source task.in", "train 40", "test",
                          "puts [getObj hidden.unit(2).input]",
                          "puts [getObj taskHidden:1.incoming(1).weight]",
                          "puts [getObj error]"])
    lens = ref.run_lens(commands, tmp_path)
    # the compiled path forced (a fresh process would start in Python while
    # its kernels load)
    ours = ref.run_lens_py(commands.replace("source task.in",
                                            "source task.in\nsetObj executionPath compiled"),
                           tmp_path)
    assert ours.returncode == 0, ours.stderr
    diff = ref.first_difference(lens.stdout, ours.stdout)
    assert diff is None, diff
    assert len(ref.numbers_in(ours.stdout)) > 20


def _srn_after_reset(exfile, setting):
    lens = _shell()
    lens("seed 3; addNet s -i 3 SRBPTT 9 6 ELMAN RESET_ON_EXAMPLE 2")
    lens(f"loadExamples {exfile} -s train; setObj batchSize 8; setObj learningRate 0.1")
    lens(f"setObj executionPath {setting}; train 3")
    net = lens.__self__.ext["lens"].net
    kept = net.__dict__.get("_event_table")
    lens("resetNet; train 5")
    return ([p.weight.tobytes() for g in net.groups for p in g.incoming], repr(net.error),
            kept, net.__dict__.get("_event_table"))


def test_event_table_outlives_reset_net_with_the_same_bits(tmp_path):
    """resetNet rebuilds the tick plan; the set's event table (what loadEvent
    installs) stays, and training after it gives Lens's loop's bits."""
    exfile = tmp_path / "seq.ex"
    with open(exfile, "w") as f:        # sequences of three events
        for k in range(12):
            events = [f"I: {' '.join(str((k >> b) & 1 ^ (t & 1)) for b in range(9))} "
                      f"T: {(k + t) & 1} {k & 1}" for t in range(3)]
            f.write(f"name: ex{k} 3\n" + "\n".join(events) + ";\n")
    ref_bits, ref_err, _, _ = _srn_after_reset(exfile, "python")
    bits, err, before, after = _srn_after_reset(exfile, "compiled")
    assert before is not None and after is before
    assert (bits, err) == (ref_bits, ref_err)
    assert float(err) > 0
