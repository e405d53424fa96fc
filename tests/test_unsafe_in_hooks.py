"""Hooks that change the structure a running train or test walks over are
refused in Lens's words (Lens's unsafeToRun), and the network stays whole."""
import pytest

from lens_py.assemble import make_interp
from lens_py.shell.toplevel import eval_toplevel

XOR = "name: a\nI: 0 0 T: 0;\nname: b\nI: 1 0 T: 1;\n"


@pytest.fixture
def interp(tmp_path):
    (tmp_path / "xor.ex").write_text(XOR)
    i = make_interp()
    eval_toplevel(i, f"addNet n 2 3 1; addNet other 2 2; useNet n; "
                     f"loadExamples {{{tmp_path / 'xor.ex'}}} -set xor")
    return i


def run_with_hook(interp, hook, task):
    interp.set_global("hook", hook)
    interp.set_global("task", task)
    assert eval_toplevel(interp, "setObj postExampleProc $hook; "
                                 "set code [catch $task msg]; setObj postExampleProc {}; "
                                 "set code") == "1"
    return interp.get_global("msg")


@pytest.mark.parametrize("task, word", [("train 2", "Training"), ("test", "Testing"),
                                        ("doExample", "Testing")])
@pytest.mark.parametrize("hook, command", [
    ("deleteNets n", "deleteNets"), ("deleteNets *", "deleteNets"),
    ("deleteGroups hidden", "deleteGroups"), ("addNet m 2 2", "addNet"),
    ("addGroup extra 2", "addGroup"), ("useNet other", "useNet"),
    ("connectGroups input output", "connectGroups"),
    ("disconnectGroups hidden output", "disconnectGroups"), ("deleteLinks", "deleteLinks"),
    ("deleteGroupInputs output", "deleteGroupInputs"), ("elmanConnect input output", "elmanConnect"),
    ("deleteExampleSets xor", "deleteExampleSets"), ("useTrainingSet xor", "useTrainingSet"),
])
def test_structure_changes_refused(interp, task, word, hook, command):
    before = eval_toplevel(interp, "list [getObj name] [getObj numGroups] [getObj numLinks]")
    msg = run_with_hook(interp, hook, task)
    assert msg == f"{command}: it is unsafe to run this command while {word}"
    after = eval_toplevel(interp, "list [getObj name] [getObj numGroups] [getObj numLinks]")
    assert after == before
    # and once the run is over they are not refused any more
    interp.set_global("hook", hook)
    eval_toplevel(interp, "catch $hook msg")
    assert "unsafe" not in interp.get_global("msg")


def test_deleting_another_network_from_a_hook_is_allowed(interp):
    eval_toplevel(interp, "setObj postExampleProc {catch {deleteNets other}}; train 2")
    assert eval_toplevel(interp, "getObj name") == "n"
    assert eval_toplevel(interp, "catch {useNet other} m; set m") == \
        'useNet: network "other" doesn\'t exist'


def test_help_still_answers_during_training(interp):
    eval_toplevel(interp, "setObj postExampleProc {set ::code [catch {addGroup -h} ::m]}; "
                          "train 1")
    assert (interp.get_global("code"), interp.get_global("m")) == ("0", "")
