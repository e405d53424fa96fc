"""A path choice is kept within one train or test while nothing may have
edited the net (engine/paths.py `_memo_key`, Session.net_edits): the same
numbers as Lens's loop in Python, one choice per run when hooks and graphs
only read, and a new choice after every Lens command that may change the
net, Python code and callable hook.  Examples run compiled one at a time
keep their preparation the same way."""
import numpy as np
import pytest

from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine import paths
from lens_py.engine.compiled import continuous as fastcontinuous
from path_runs import same_numbers, trained_numbers

pytestmark = pytest.mark.skipif(not fastcontinuous.HAVE_NUMBA, reason="numba not installed")

UPDATES = 12
EXAMPLES = 5


@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastcontinuous.wait_ready(120), "the kernel did not compile"


def example_file(path, examples=EXAMPLES, events=3, seed=5):
    """`examples` random examples of `events` events, 4 inputs and 3 targets each."""
    rng = np.random.default_rng(seed)
    lines = []
    for e in range(examples):
        parts = []
        for _ in range(events):
            i = " ".join(str(int(v)) for v in rng.integers(0, 2, 4))
            t = " ".join(str(int(v)) for v in rng.integers(0, 2, 3))
            parts.append(f"I: {i} T: {t}")
        lines.append(f"name: e{e} {events} " + " ".join(parts) + ";")
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(tmp_path, setting, extra="", before=None):
    """Train a CONTINUOUS net UPDATES updates: (weights, errors, the number of
    path choices the train made, the interpreter)."""
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = example_file(tmp_path / "c.ex")
    it.eval(f"seed 3; addNet n -i 2 -t 3 CONTINUOUS 4 6 3; loadExamples {ex} -s set; "
            f"resetNet; setObj executionPath {setting}; set ::n 0\n{extra}")
    net = session_of(it).net
    if before is not None:
        before(it, net)
    serial = getattr(net, "choice_serial", 0)
    it.eval(f"train {UPDATES} -report 3")
    choices = net.choice_serial - serial
    return trained_numbers(net) + (choices, it)


def test_one_choice_per_train_when_nothing_edits_the_net(tmp_path):
    ref = _run(tmp_path, "python")
    got = _run(tmp_path, "auto")
    same_numbers(ref, got)
    assert got[2] == 1
    net = session_of(got[3]).net
    assert paths.choose(net, net.training_set, True) is paths.COMPILED_CONTINUOUS


def test_a_hook_that_changes_parameters_each_update_is_seen(tmp_path):
    hook = ("setObj postUpdateProc {setObj hidden.gain [expr {1.0 + 0.1 * [getObj totalUpdates]}]"
            "; setObj output.targetRadius [expr {0.01 * [getObj totalUpdates]}]}")
    ref = _run(tmp_path, "python", hook)
    got = _run(tmp_path, "auto", hook)
    same_numbers(ref, got)
    assert got[2] == UPDATES        # the hook ran: each batch chooses again


def test_a_hook_that_adds_an_example_hook_moves_the_net_off_the_batch_path(tmp_path):
    # from update 5 on, every example must run its postExampleProc
    hook = ("setObj postUpdateProc {if {[getObj totalUpdates] == 4} "
            "{setObj postExampleProc {incr ::n}}}")
    ref = _run(tmp_path, "python", hook)
    got = _run(tmp_path, "auto", hook)
    same_numbers(ref, got)
    counted = int(got[3].eval("set ::n"))
    assert counted == int(ref[3].eval("set ::n")) == (UPDATES - 5) * EXAMPLES


def test_a_python_callable_hook_is_seen(tmp_path):
    def wire(it, net):
        def bump():
            it.eval("set ::g [expr {$::g * 1.25}]; setObj hidden.gain $::g")
        net.hooks["postUpdateProc"] = bump
    ref = _run(tmp_path, "python", "set ::g 1.0", before=wire)
    got = _run(tmp_path, "auto", "set ::g 1.0", before=wire)
    same_numbers(ref, got)
    assert got[2] == UPDATES


def test_a_graph_that_only_reads_keeps_the_choice(tmp_path):
    graph = "graphObject error -u WEIGHT_UPDATES"
    ref = _run(tmp_path, "python", graph)
    got = _run(tmp_path, "auto", graph)
    same_numbers(ref, got)
    assert got[2] == 1


def test_a_hook_that_only_reads_keeps_the_choice(tmp_path):
    hook = "setObj postUpdateProc {lappend ::seen [getObj error] [getObj hidden.gain]}"
    ref = _run(tmp_path, "python", hook)
    got = _run(tmp_path, "auto", hook)
    same_numbers(ref, got)
    assert got[2] == 1
    assert got[3].eval("set ::seen") == ref[3].eval("set ::seen")


def test_an_edit_made_in_python_code_is_seen(tmp_path):
    # no Lens command changes the net here: only the Python it runs
    hook = ("setObj postUpdateProc {python {net.group('hidden').gain = "
            "1.0 + 0.05 * net.total_updates}}")
    ref = _run(tmp_path, "python", hook)
    got = _run(tmp_path, "auto", hook)
    same_numbers(ref, got)
    assert got[2] == UPDATES


def _run_one_by_one(tmp_path, setting, hook):
    """A standard 4-6-3 net on three-event examples with a postExampleProc
    (so its examples run compiled one at a time on the auto path): weights,
    errors and how often the compiled loop was prepared."""
    from lens_py.engine.compiled import exampleloop
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = example_file(tmp_path / "s.ex")
    it.eval(f"seed 3; addNet s 4 6 3; loadExamples {ex} -s set; setObj batchSize 2; "
            f"resetNet; setObj executionPath {setting}; set ::n 0\n"
            f"setObj postExampleProc {{{hook}}}")
    net = session_of(it).net
    real, calls = exampleloop._prepare, []

    def counting(*a, **k):
        calls.append(1)
        return real(*a, **k)
    exampleloop._prepare = counting
    try:
        it.eval(f"train {UPDATES} -report 3")
    finally:
        exampleloop._prepare = real
    return trained_numbers(net) + (len(calls), it)


def test_examples_one_by_one_keep_their_preparation_while_hooks_only_read(tmp_path):
    hook = "incr ::n; lappend ::seen [getObj output:0.output]"
    ref = _run_one_by_one(tmp_path, "python", hook)
    got = _run_one_by_one(tmp_path, "auto", hook)
    same_numbers(ref, got)
    assert got[3].eval("set ::seen") == ref[3].eval("set ::seen")
    assert int(got[3].eval("set ::n")) == UPDATES * 2
    assert got[2] <= 2                  # once per train, not per batch or example


def test_examples_one_by_one_see_each_edit_a_hook_makes(tmp_path):
    hook = ("incr ::n; if {$::n % 3 == 0} {setObj hidden.gain [expr {1.0 + 0.01 * $::n}]}; "
            "if {$::n % 5 == 0} {setObj output.targetRadius [expr {0.002 * $::n}]}")
    ref = _run_one_by_one(tmp_path, "python", hook)
    got = _run_one_by_one(tmp_path, "auto", hook)
    same_numbers(ref, got)
    edits = sum(1 for n in range(1, 2 * UPDATES + 1) if n % 3 == 0 or n % 5 == 0)
    assert got[2] >= edits          # prepared again after each edit


def test_each_train_and_test_chooses_afresh(tmp_path):
    _, _, _, it = _run(tmp_path, "auto")
    net = session_of(it).net
    serial = net.choice_serial
    it.eval("train 3; test; train 2")
    assert net.choice_serial - serial == 3
