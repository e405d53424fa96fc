"""CONTINUOUS networks with pre/postExampleProc hooks: each example runs
compiled (Lens's loop in Python calls the hooks around it), and the hooks see
and leave the same network as Lens's loop tick by tick in Python.

A hook that only reads (getObj, format, lappend) keeps the kernel's prepared
parameters; one that edits the net between examples (setObj dt, a group's
dtScale, randWeights) is seen by the next example.  Each case runs with
`executionPath auto` and `executionPath python` and compares what the hooks
printed and every weight, bit for bit; one runs in the original Lens too."""
from __future__ import annotations

import numpy as np
import pytest

import lens_reference
from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine.compiled import continuous as fastcontinuous

pytestmark = pytest.mark.skipif(not fastcontinuous.HAVE_NUMBA, reason="numba not installed")


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastcontinuous.wait_ready(180), "the continuous kernel did not compile"


WORDS = """defI: 0
defT: 0
actI: 1
actT: 1
;
name: w0 2 i: 0 3 5 t: 1 4 ;
name: w1 2 i: 1 2 7 t: 0 2 5 ;
name: w2 2 i: 4 6 8 t: 3 6 ;
name: w3 2 i: 0 7 9 t: 1 2 6 ;
name: w4 2 i: 2 5 9 t: 0 5 ;
name: w5 2 i: 1 3 8 t: 3 4 6 ;
"""

NET = """seed 11
addNet reading -i 4 -t 5 CONTINUOUS
addGroup orth 10 INPUT
addGroup hidden 8
addGroup phon 7 OUTPUT CROSS_ENTROPY
addGroup clean 5
connectGroups orth hidden phon
connectGroups phon clean phon
connectGroups phon phon
loadExamples {EX} -s train
setObj learningRate 0.05
setObj momentum 0.9
setObj reportInterval 0
setObj batchSize 3
set log {}
"""

READING_HOOKS = """proc before {} {
    global log
    lappend log "pre [getObj currentExample.name] [getObj phon:2.output]"
}
proc after {} {
    global log
    lappend log [format "post %.6f %s %s" [getObj error] [getObj phon:0.output] \\
        [getObj hidden:3.input]]
}
setObj preExampleProc before
setObj postExampleProc after
"""

EDITING_HOOKS = """set n 0
proc after {} {
    global log n
    incr n
    setObj dt [expr {$n % 2 ? 0.15 : 0.25}]
    setObj phon.dtScale [expr {1.0 + 0.1 * ($n % 3)}]
    lappend log "post $n [getObj error] [getObj phon:1.output]"
}
proc before {} {
    global n
    if {$n == 4} {randWeights -group clean -range 0.5}
}
setObj preExampleProc before
setObj postExampleProc after
"""

TRAIN = """train 12 -a deltaBarDelta
test
"""


def _run(tmp_path, hooks: str, path: str):
    (tmp_path / "words.ex").write_text(WORDS)
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    it.eval(NET.replace("{EX}", str(tmp_path / "words.ex")) + hooks
            + f"setObj executionPath {path}\n")
    why = it.eval("train 1 -why")
    it.eval(TRAIN)
    net = session_of(it).net
    weights = [(g.name, p.sender.name, p.weight.tobytes(), p.deriv.tobytes())
               for g in net.groups for p in g.incoming]
    log = it.eval("set log")
    return why, "".join(printed), log, weights


@pytest.mark.parametrize("hooks", [READING_HOOKS, EDITING_HOOKS], ids=["reading", "editing"])
def test_example_hooks_run_between_compiled_examples_with_the_same_bits(tmp_path, hooks):
    why, printed, log, weights = _run(tmp_path, hooks, "auto")
    _, printed_py, log_py, weights_py = _run(tmp_path, hooks, "python")
    assert "Execution path: Lens's loop, compiled ticks" in printed, printed
    assert "compiled continuous examples: a " in printed     # the batch kernel declines
    assert log == log_py
    assert len(log.split("post")) > 40
    assert printed.split("Execution path")[0] == printed_py.split("Execution path")[0]
    assert printed.split("\n", 2)[2] == printed_py.split("\n", 2)[2]
    assert weights == weights_py


def test_a_hook_inside_the_example_still_runs_tick_by_tick(tmp_path):
    hooks = "proc t {} {global log; lappend log [getObj phon:0.output]}\n" \
            "setObj postTickProc t\n"
    why, printed, log, weights = _run(tmp_path, hooks, "auto")
    assert "Execution path: Lens's loop (declined:" in printed
    assert "a postTickProc (it runs inside an example)" in printed
    _, _, log_py, weights_py = _run(tmp_path, hooks, "python")
    assert log == log_py and weights == weights_py


LENS_SCRIPT = NET + READING_HOOKS + """train 12 -a deltaBarDelta
foreach line $log {puts $line}
test
"""


def test_the_hooks_print_what_they_print_in_lens(tmp_path):
    lens_reference.require_lens()
    (tmp_path / "words.ex").write_text(WORDS)
    script = LENS_SCRIPT.replace("{EX}", str(tmp_path / "words.ex"))
    lens = lens_reference.run_lens(script, tmp_path)
    ours = lens_reference.run_lens_py(script, tmp_path)
    assert lens.stdout.count("post ") == 12 * 3      # 12 updates of 3 examples
    difference = lens_reference.first_difference(lens.stdout, ours.stdout)
    assert difference is None, difference
    assert np.isfinite(float(ours.stdout.split("post ")[-1].split()[0]))
