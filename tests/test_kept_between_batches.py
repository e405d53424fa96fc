"""What the per-batch glue keeps within one train (Network.kept, the compiled
weight update's checked plan and parameters) goes stale the moment a hook
or a schedule changes what it was worked out from: each case trains on the
auto path, with hooks changing the learning rate, momentum, weight decay, a
group's own parameters or its noise range between batches, and compares
every weight's bits and the errors with Lens's loop in Python
(executionPath python), which keeps nothing."""
import pytest

from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine.compiled import batch as fastbatch
from lens_py.engine.compiled import continuous as fastcontinuous
from lens_py.engine.compiled import example as fastexample
from path_runs import same_numbers, trained_numbers
from tests.test_path_choice_kept import example_file

pytestmark = pytest.mark.skipif(not fastbatch.HAVE_NUMBA, reason="numba not installed")

UPDATES = 9


@pytest.fixture(scope="module", autouse=True)
def kernels():
    assert fastbatch.ready(wait=True) and fastexample.wait_ready() \
        and fastcontinuous.wait_ready(120), "the kernels did not compile"


# (how the net is built, events per example): one-event examples run as
# compiled batches, three-event ones through the compiled example loop
NETS = {
    "batch": ("addNet b 4 6 3", 1),
    "example loop": ("addNet s 4 6 3", 3),
    "noise": ("addNet n 4 6 OUT_NOISE 3; setObj hidden.noiseRange 0.2", 3),
    "continuous": ("addNet c -i 2 -t 3 CONTINUOUS 4 6 3", 3),
}

STEP = "[expr {[getObj totalUpdates] + 1}]"
HOOKS = {
    "net rates": ("setObj postUpdateProc {"
                  f"setObj learningRate [expr {{0.05 * {STEP}}}]; "
                  f"setObj momentum [expr {{0.9 - 0.07 * {STEP}}}]; "
                  f"setObj weightDecay [expr {{0.001 * {STEP}}}]}}"),
    "group rates": ("setObj postEpochProc {"
                    f"setObj output.learningRate [expr {{0.03 * {STEP}}}]; "
                    f"setObj hidden.momentum [expr {{0.5 + 0.04 * {STEP}}}]; "
                    f"setObj hidden.weightDecay [expr {{0.002 * {STEP}}}]}}"),
    "noise range": ("setObj postUpdateProc {"
                    f"setObj hidden.noiseRange [expr {{0.05 * {STEP}}}]}}"),
    "python edit": ("setObj postUpdateProc {python {"
                    "net.learning_rate = 0.02 * (net.total_updates + 1); "
                    "net.momentum = 0.3}}"),
}


def _train(tmp_path, net_name, hook, setting, schedule=""):
    build, events = NETS[net_name]
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = example_file(tmp_path / f"e{events}.ex", 6, events, 11)
    it.eval(f"seed 7; {build}; loadExamples {ex} -s set; setObj batchSize 3; resetNet; "
            f"setObj executionPath {setting}\n{hook}")
    it.eval(f"train {UPDATES} -report 3" + (f" -schedule {{{schedule}}}" if schedule else ""))
    net = session_of(it).net
    return trained_numbers(net) + (net,)


@pytest.mark.parametrize("net_name", list(NETS))
@pytest.mark.parametrize("hook_name", list(HOOKS))
def test_a_hook_changing_parameters_between_batches_is_honoured(tmp_path, net_name,
                                                                 hook_name):
    if hook_name == "noise range" and net_name != "noise":
        pytest.skip("no noise to change")
    hook = HOOKS[hook_name]
    ref = _train(tmp_path, net_name, hook, "python")
    got = _train(tmp_path, net_name, hook, "auto")
    same_numbers(ref, got)
    plan = got[2].__dict__.get("_fast_update_plan")
    assert plan is not None and plan.checked is not None    # the compiled update ran


@pytest.mark.parametrize("net_name", ["batch", "example loop", "continuous"])
def test_a_schedule_with_changing_rates_is_honoured(tmp_path, net_name):
    hook = HOOKS["net rates"]
    schedule = "hidden output {_ -> 2}"
    ref = _train(tmp_path, net_name, hook, "python", schedule)
    got = _train(tmp_path, net_name, hook, "auto", schedule)
    same_numbers(ref, got)


def test_kept_answers_are_worked_out_again_after_an_edit(tmp_path):
    # the plan checked under one task key is checked again under the next
    _, _, net = _train(tmp_path, "example loop", "", "auto")
    plan = net._fast_update_plan
    first = plan.checked
    it_session = net.session
    with it_session.task("Training"):
        key = net.task_key()
        assert key is not None and key != first
        assert net.kept("probe", lambda n: 1) == 1
        assert net.kept("probe", lambda n: 2) == 1          # kept under the same key
        it_session.net_edits += 1
        assert net.kept("probe", lambda n: 3) == 3          # an edit: worked out again
    assert net.kept("probe", lambda n: 4) == 4              # outside a task: never kept
