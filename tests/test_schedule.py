"""Update schedules (engine/schedule.py): which weight arrays change
on each weight update, recorded after every update through postUpdateProc."""
import io
import math
import re

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet, xor_set
from lens_py.engine import types as T
from lens_py.engine.algorithms import update_weights
from lens_py.engine.fields import object_space
from lens_py.engine.objects import ObjectError
from lens_py.engine.rng import LensRandom
from lens_py.engine.schedule import HELP, ScheduleError, parse_schedule
from lens_py.engine.session import Session
from lens_py.engine.training import train

# input(2) -> hidden(3) -> hidden2(3) -> output(1); group indices: bias 0,
# input 1, hidden 2, hidden2 3, output 4.
ALL = {"hidden<-bias", "hidden<-input", "hidden2<-bias", "hidden2<-hidden",
       "output<-bias", "output<-hidden2"}
HIDDEN = {"hidden<-bias", "hidden<-input"}
HIDDEN2 = {"hidden2<-bias", "hidden2<-hidden"}
OUTPUT = {"output<-bias", "output<-hidden2"}


def chain(dtype=np.float32, seed=1, exset=None):
    s = Session(rng=LensRandom(seed), write=io.StringIO().write)
    s.dtype = dtype
    net = s.add_net("chain", groups=[(2, []), (3, []), (3, []), (1, [])])
    s.add_set(exset if exset is not None else xor_set())
    net.report_interval = 0
    return s, net


def arrays(net):
    return {f"{g.name}<-{p.sender.name}": p for g in net.groups for p in g.incoming}


def snapshot(net, field="weight"):
    return {k: getattr(p.arrays, field).copy() for k, p in arrays(net).items()}


class Recorder:
    """Every array after every update (installed as postUpdateProc)."""

    def __init__(self, net):
        self.net = net
        self.before = snapshot(net)
        self.after = []
        self.steps = []
        net.hooks["postUpdateProc"] = self

    def __call__(self):
        self.after.append(snapshot(self.net))
        self.steps.append(self.net.update_schedule_step)

    def changed(self):
        out, prev = [], self.before
        for snap in self.after:
            out.append({k for k in snap if not np.array_equal(snap[k], prev[k])})
            prev = snap
        return out


def run(net, s, n, **kw):
    return train(s, net, n, **kw)


# -- parsing and normal form ---------------------------------------------------------------

@pytest.mark.parametrize("text,normal", [
    ("hidden", ["hidden"]),
    ("  hidden   output ", ["hidden", "output"]),
    ("{discriminator -> 5} generator", ["discriminator -> 5", "generator"]),
    ("{a->1} {b  ->  2}", ["a", "b -> 2"]),
    ("{hidden <- input} hidden2<-bias", ["hidden<-input", "hidden2<-bias"]),
    ("{a | b|a} 2..4 _ gen*", ["a|b", "2..4", "_", "gen*"]),
    ("{3|x<-1..2 -> 4}", ["3|x<-1..2 -> 4"]),
])
def test_parse_normal_form(text, normal):
    assert parse_schedule(text).normal_form() == normal
    assert parse_schedule(normal).normal_form() == normal


def test_normal_form_tcl_text():
    assert parse_schedule(["d -> 5", "g", "a|b"]).text() == "{d -> 5} g a|b"
    assert parse_schedule([("d", 5), "{g -> 2}"]).text() == "{d -> 5} {g -> 2}"


@pytest.mark.parametrize("value", ["", "  ", "{}", "Automatic", None, []])
def test_automatic_forms(value):
    assert parse_schedule(value) is None


@pytest.mark.parametrize("text,message", [
    ("{a -> 0}", 'repeat count 0 in step "a -> 0" must be at least 1'),
    ("{a -> -2}", 'repeat count -2 in step "a -> -2" must be at least 1'),
    ("{a -> x}", 'bad repeat count "x" in step "a -> x"'),
    ("{-> 3}", 'missing spec before "->" in step "-> 3"'),
    ("a||b", 'empty alternative in step "a||b"'),
    ("h<-", 'missing group in step "h<-"'),
    ("{a b}", 'malformed spec "a b" in step "a b"'),
    ("{a <- b <- c}", 'malformed spec "b <- c" in step "a <- b <- c"'),
    ("4..2", 'empty group range "4..2" in step "4..2"'),
    ("{a", 'unmatched open brace in "{a"'),
    ("{a}x", 'list element in braces followed by "x" instead of space'),
])
def test_syntax_errors(text, message):
    with pytest.raises(ScheduleError) as e:
        parse_schedule(text)
    assert message in str(e.value)


# -- resolution errors (nothing changes) ---------------------------------------------------

@pytest.mark.parametrize("text,message", [
    ("nope", 'unknown group "nope" in step "nope"'),
    ("hidden {out -> 3}", 'unknown group "out" in step "out -> 3"'),
    ("5", 'group index 5 is out of range in step "5" (the network has groups 0..4)'),
    ("3..9", 'group index 9 is out of range in step "3..9" (the network has groups 0..4)'),
    ("q*", 'no group matches "q*" in step "q*"'),
    ("hidden<-output", 'no projection from "output" into "hidden" in step "hidden<-output"'),
    ("input<-bias", 'no projection from "bias" into "input"'),
    ("hidden<-nope", 'unknown group "nope" in step "hidden<-nope"'),
    ("{hidden -> 0}", 'repeat count 0'),
])
def test_resolution_errors_change_nothing(text, message):
    s, net = chain()
    net.set_update_schedule("{hidden -> 2} output")
    run(net, s, 1)
    assert net.update_schedule_step == 1
    with pytest.raises(ScheduleError) as e:
        net.set_update_schedule(text)
    assert message in str(e.value)
    assert net.update_schedule == ["hidden -> 2", "output"]
    assert net.update_schedule_step == 1
    with pytest.raises(ScheduleError) as e:
        run(net, s, 3, schedule=text)
    assert message in str(e.value)
    assert net.num_updates == 1 and net.total_updates == 1    # train changed nothing


# -- which arrays change on each update, for every spec form -------------------------------

@pytest.mark.parametrize("spec,expected", [
    ("hidden", HIDDEN),
    ("2", HIDDEN),
    ("3..4", HIDDEN2 | OUTPUT),
    ("2..2", HIDDEN),
    ("hidden2<-hidden", {"hidden2<-hidden"}),
    ("output<-bias", {"output<-bias"}),
    ("hidden*", HIDDEN | HIDDEN2),
    ("hid?en2", HIDDEN2),
    ("input|output<-hidden2", {"output<-hidden2"}),
    ("hidden<-bias|4", {"hidden<-bias"} | OUTPUT),
    ("3<-2", {"hidden2<-hidden"}),
    ("_<-bias", {"hidden<-bias", "hidden2<-bias", "output<-bias"}),
    ("_", ALL),
    ("input", set()),
])
def test_one_step_forms(spec, expected):
    s, net = chain()
    net.set_update_schedule([spec])
    rec = Recorder(net)
    run(net, s, 3)
    assert rec.changed() == [expected] * 3
    assert rec.steps == [0, 0, 0]


def test_alternating_first_and_third_layer():
    s, net = chain()
    net.update_schedule = "hidden output"
    rec = Recorder(net)
    run(net, s, 5)
    assert rec.changed() == [HIDDEN, OUTPUT, HIDDEN, OUTPUT, HIDDEN]
    assert rec.steps == [1, 0, 1, 0, 1]
    assert net.update_schedule_step == 1


def test_repeats_and_cycle_across_two_train_calls():
    s, net = chain()
    net.update_schedule = "{hidden -> 3} {hidden2<-hidden -> 2} output"
    rec = Recorder(net)
    run(net, s, 4)
    assert net.update_schedule_step == 4
    run(net, s, 6)
    pattern = [HIDDEN] * 3 + [{"hidden2<-hidden"}] * 2 + [OUTPUT]
    assert rec.changed() == pattern + pattern[:4]
    assert rec.steps == [1, 2, 3, 4, 5, 0, 1, 2, 3, 4]


def test_every_array_one_at_a_time():
    s, net = chain()
    order = sorted(ALL)
    net.update_schedule = order
    rec = Recorder(net)
    run(net, s, 2 * len(order))
    assert rec.changed() == [{k} for k in order] * 2


def test_subnetwork_ten_times_as_often():
    s, net = chain()
    net.update_schedule = "{hidden2|output -> 10} hidden"
    rec = Recorder(net)
    run(net, s, 22)
    assert rec.changed() == ([HIDDEN2 | OUTPUT] * 10 + [HIDDEN]) * 2


def test_setting_schedule_and_reset_net_restart_the_cycle():
    s, net = chain()
    net.update_schedule = "hidden hidden2 output"
    run(net, s, 2)
    assert net.update_schedule_step == 2
    net.update_schedule = "hidden hidden2 output"
    assert net.update_schedule_step == 0
    run(net, s, 1)
    net.reset_net()
    assert net.update_schedule_step == 0
    rec = Recorder(net)
    run(net, s, 2)
    assert rec.changed() == [HIDDEN, HIDDEN2]


def test_automatic_restores_everything():
    s, net = chain()
    net.update_schedule = "hidden"
    net.update_schedule = "Automatic"
    assert net.update_schedule == [] and net.update_schedule_text() == ""
    rec = Recorder(net)
    run(net, s, 2)
    assert rec.changed() == [ALL, ALL]


def test_one_run_schedule_leaves_the_nets_own_alone():
    s, net = chain()
    net.update_schedule = "hidden hidden2 output"
    run(net, s, 1)
    rec = Recorder(net)
    run(net, s, 3, schedule="{output -> 2} hidden2")
    assert rec.changed() == [OUTPUT, OUTPUT, HIDDEN2]
    assert net.update_schedule == ["hidden", "hidden2", "output"]
    assert net.update_schedule_step == 1
    run(net, s, 2)
    assert rec.changed()[3:] == [HIDDEN2, OUTPUT]
    run(net, s, 1, schedule="")          # everything, this run only
    assert rec.changed()[5:] == [ALL]
    assert net.update_schedule_step == 0


def test_schedule_changed_by_a_proc_applies_from_the_next_update():
    s, net = chain()
    net.update_schedule = "hidden"
    rec = Recorder(net)

    def post_update():
        rec()
        if len(rec.after) == 2:
            net.update_schedule = "output hidden2"
    net.hooks["postUpdateProc"] = post_update
    run(net, s, 5)
    assert rec.changed() == [HIDDEN, HIDDEN, OUTPUT, HIDDEN2, OUTPUT]


def test_structure_change_after_setting():
    s, net = chain()
    net.update_schedule = "hidden* output"
    extra = net.add_group("hidden3", 2)
    net.order_groups(["bias", "input", "hidden", "hidden2", "hidden3", "output"])
    net.connect_groups(net.group("input"), extra)
    net.connect_groups(extra, net.group("output"))
    rec = Recorder(net)
    run(net, s, 2)
    assert rec.changed() == [HIDDEN | HIDDEN2 | {"hidden3<-bias", "hidden3<-input"},
                             OUTPUT | {"output<-hidden3"}]
    net.delete_group(net.group("output"))
    with pytest.raises(ScheduleError, match='unknown group "output" in step "output"'):
        run(net, s, 1)


# -- held arrays: no step, no decay, state untouched ---------------------------------------

def test_held_arrays_keep_momentum_state_and_get_no_decay():
    s, net = chain(np.float64)
    net.algorithm = T.MOMENTUM
    net.weight_decay = 0.01
    net.update_schedule = "hidden output"
    lr, mom, decay = net.learning_rate, net.momentum, net.weight_decay
    log = []

    def post_update():
        log.append({k: (p.weight.copy(), p.last_delta.copy(), p.deriv.copy())
                    for k, p in arrays(net).items()})
    net.hooks["postUpdateProc"] = post_update
    start = {k: (p.weight.copy(), p.last_delta.copy()) for k, p in arrays(net).items()}
    run(net, s, 4)
    prev = start
    for k, snap in enumerate(log):
        learning = HIDDEN if k % 2 == 0 else OUTPUT
        for name, (w, last, g) in snap.items():
            w0, last0 = prev[name][0], prev[name][1]
            if name in learning:
                expect = w0 + (-lr * g + mom * last0 - decay * w0)
                np.testing.assert_allclose(w, expect, rtol=0, atol=1e-14)
                np.testing.assert_allclose(last, w - w0, rtol=0, atol=0)
            else:
                assert np.array_equal(w, w0) and np.array_equal(last, last0)
        prev = {name: (w, last) for name, (w, last, _) in snap.items()}
    # hidden2 is never named: nothing about it ever changed
    for name in HIDDEN2:
        assert np.array_equal(log[-1][name][0], start[name][0])
        assert not log[-1][name][1].any()


def test_held_arrays_keep_delta_bar_delta_rates():
    s, net = chain(np.float64)
    net.algorithm = T.DELTA_BAR_DELTA
    net.update_schedule = "{hidden -> 2} output"
    rates = []
    net.hooks["postUpdateProc"] = lambda: rates.append(
        {k: p.last_value.copy() for k, p in arrays(net).items()})
    run(net, s, 3)
    for name in OUTPUT:
        assert (rates[0][name] == 1).all() and (rates[1][name] == 1).all()
        assert not (rates[2][name] == 1).all()
    for name in HIDDEN:
        assert not np.array_equal(rates[1][name], rates[0][name])
        assert np.array_equal(rates[2][name], rates[1][name])


def test_dougs_momentum_norm_covers_only_learning_arrays():
    many = ExampleSet("many", [Example([Event([a, b], [t])])
                               for _ in range(30) for (a, b), t in
                               [((0, 0), 1), ((0, 1), 1), ((1, 0), 1), ((1, 1), 1)]])
    s, net = chain(np.float64, exset=many)
    net.momentum = 0.0
    net.update_schedule = "output"
    w0 = snapshot(net)
    log = []
    net.hooks["postUpdateProc"] = lambda: log.append(snapshot(net, "deriv"))
    run(net, s, 1)
    g = log[0]
    norm_learning = math.sqrt(sum((g[k] ** 2).sum() for k in OUTPUT))
    norm_all = math.sqrt(sum((g[k] ** 2).sum() for k in ALL))
    assert norm_learning > 1 and norm_all > norm_learning * 1.0001
    w1 = snapshot(net)
    for k in OUTPUT:
        np.testing.assert_allclose(w1[k], w0[k] - net.learning_rate / norm_learning * g[k],
                                   rtol=0, atol=1e-14)
    for k in ALL - OUTPUT:
        assert np.array_equal(w1[k], w0[k])


def test_report_statistics_cover_all_arrays():
    s, net = chain(np.float64)
    net.algorithm = T.MOMENTUM
    net.update_schedule = "hidden output"
    run(net, s, 2)                   # every array but hidden2 has a last step now
    before = snapshot(net, "last_delta")
    log = []

    def post_update():
        log.append((snapshot(net, "deriv"), snapshot(net), net.weight_cost,
                    net.gradient_linearity))
    net.hooks["postUpdateProc"] = post_update
    run(net, s, 1, report=1)
    g, w, cost, lin = log[0]
    dot = sum((-before[k] * g[k]).sum() for k in ALL)
    dlen = sum((before[k] ** 2).sum() for k in ALL)
    glen = sum((g[k] ** 2).sum() for k in ALL)
    assert lin == pytest.approx(dot / math.sqrt(dlen * glen), rel=1e-12)
    assert cost == pytest.approx(0.5 * sum((w[k] ** 2).sum() for k in ALL), rel=1e-12)


def test_frozen_arrays_never_change_whatever_the_schedule():
    s, net = chain()
    net.freeze_weights(groups=[net.group("hidden")])
    net.freeze_weights(units=[(net.group("output"), 0)], link_type="bias")
    net.update_schedule = "hidden output _"
    rec = Recorder(net)
    run(net, s, 3)
    assert rec.changed() == [set(), {"output<-hidden2"}, HIDDEN2 | {"output<-hidden2"}]


def test_adaptive_gain_learns_only_when_its_group_is_named():
    s, net = chain(np.float64)
    hid = net.group("hidden")
    net.change_group_type(hid, ["+ADAPTIVE_GAIN"])
    net.update_schedule = "hidden<-input output hidden"
    gains = []
    net.hooks["postUpdateProc"] = lambda: gains.append(hid.unit_gain[-1].copy())
    run(net, s, 3)
    assert (gains[0] == 1).all() and (gains[1] == 1).all()
    assert not (gains[2] == 1).all()


# -- with {_} or none, bit-identical to training without the feature -----------------------

@pytest.mark.parametrize("algorithm", [T.STEEPEST, T.MOMENTUM, T.DOUGS_MOMENTUM,
                                       T.DELTA_BAR_DELTA])
def test_all_schedule_is_bit_identical_to_none(algorithm):
    results = []
    for how in ("none", "own", "run", "empty"):
        out = io.StringIO()
        s = Session(rng=LensRandom(1), write=out.write)
        net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
        s.add_set(xor_set())
        net.algorithm = algorithm
        net.weight_decay = 0.001
        kw = {}
        if how == "own":
            net.update_schedule = "{_ -> 3}"
        elif how == "run":
            kw["schedule"] = "_ _"
        elif how == "empty":
            net.update_schedule = "hidden"
            kw["schedule"] = ""
        train(s, net, 25, report=5, **kw)
        text = "\n".join(out.getvalue().splitlines()[2:])   # times may differ
        results.append((net.gather_links("weight"), net.gather_links("last_delta"),
                        net.gather_links("last_value"), text))
    for other in results[1:]:
        for a, b in zip(results[0][:3], other[:3]):
            assert a.tobytes() == b.tobytes()
        assert [line[:50] for line in results[0][3].splitlines()] == \
            [line[:50] for line in other[3].splitlines()]


def test_update_weights_without_learning_matches_learning_everything():
    runs = []
    for learning in (None, "all"):
        s, net = chain()
        run(net, s, 2)
        from lens_py.engine.training import train_batch
        train_batch(s, net)
        arg = None
        if learning:
            from lens_py.engine.schedule import Learning
            arg = Learning(frozenset(id(p.arrays) for p in arrays(net).values()),
                           frozenset(id(g) for g in net.groups))
        update_weights(net, net.algorithm, True, arg)
        runs.append((net.gather_links(), net.weight_cost, net.gradient_linearity))
    assert runs[0][0].tobytes() == runs[1][0].tobytes()
    assert runs[0][1:] == runs[1][1:]


# -- object fields and help ----------------------------------------------------------------

def test_object_fields():
    s, net = chain()
    space = object_space(s)
    assert space.get("updateSchedule") == ""
    space.set("updateSchedule", "{hidden -> 2} {output<-hidden2 | 1}")
    assert space.get("updateSchedule") == "{hidden -> 2} output<-hidden2|1"
    run(net, s, 1)
    assert space.get("updateScheduleStep") == "1"
    with pytest.raises(ObjectError):
        space.set("updateScheduleStep", "0")
    with pytest.raises(ScheduleError, match='unknown group "zz"'):
        space.set("updateSchedule", "zz")
    space.set("updateSchedule", "{}")
    assert space.get("updateSchedule") == "" and net.update_schedule_object is None


def test_help_text_names_every_form():
    for form in ("hidden<-input", "2..4", "{SPEC -> n}", "A|B", "_", "updateScheduleStep",
                 "-schedule", "Automatic", "shareWith"):
        assert form in HELP


# -- through the shell: setObj, train -schedule and the nets/ example scripts --------------

NETS = __import__("pathlib").Path(__file__).resolve().parent.parent / "lens_py" / "nets"


def shell():
    from lens_py.assemble import make_interp
    out = io.StringIO()
    it = make_interp(stdout=out, stderr=io.StringIO())
    it.out = out
    return it


def learned_lines(text):
    return [line.split("learned:")[1].split("(next")[0].split()
            for line in text.splitlines() if "learned:" in line]


def test_shell_fields_and_train_option():
    from lens_py.shell.errors import TclError
    it = shell()
    it.eval("addNet n 2 3 3 1")
    it.eval("setObj updateSchedule {{hidden -> 2}   output<-hidden2|1}")
    assert it.eval("getObj updateSchedule") == "{hidden -> 2} output<-hidden2|1"
    with pytest.raises(TclError, match=r'updateSchedule: unknown group "zz" in step "zz"'):
        it.eval("setObj updateSchedule {hidden zz}")
    assert it.eval("getObj updateSchedule") == "{hidden -> 2} output<-hidden2|1"
    with pytest.raises(TclError, match=r"repeat count 0 in step"):
        it.eval("train 3 -schedule {{hidden -> 0}}")
    it.eval("setObj updateSchedule Automatic")
    assert it.eval("getObj updateSchedule") == ""
    assert it.eval("getObj updateScheduleStep") == "0"


def test_script_alternate():
    it = shell()
    it.source(str(NETS / "schedule_alternate.in"))
    text = it.out.getvalue()
    assert learned_lines(text) == [["hidden<-bias", "hidden<-input"],
                                   ["output<-bias", "output<-hidden2"]] * 2
    for name, count in (("hidden<-input", 52), ("hidden2<-hidden", 0), ("output<-bias", 52)):
        assert re.search(rf"{re.escape(name)} +changed on {count} updates", text)


def test_script_each():
    it = shell()
    it.source(str(NETS / "schedule_each.in"))
    text = it.out.getvalue()
    order = [["hidden<-bias"], ["hidden<-input"], ["output<-bias"], ["output<-hidden"]]
    assert learned_lines(text) == order * 2
    assert len(re.findall(r"changed on 52 updates", text)) == 4


def test_script_shared():
    it = shell()
    it.source(str(NETS / "schedule_shared.in"))
    text = it.out.getvalue()
    assert learned_lines(text) == [["a<-input", "b<-a"], ["output<-bias", "output<-b"]] * 2 \
        + [["b<-bias"], ["output<-bias", "output<-b"]]
    before, after = re.findall(r"a:1 from input:2 (\S+), b:1 from a:2 (\S+)", text)
    assert before[0] == before[1] and after[0] == after[1] and before != after
    assert 'there is no projection from "input" into "b"' in text


@pytest.mark.slow
def test_script_often_and_gan():
    it = shell()
    it.source(str(NETS / "schedule_often.in"))
    text = it.out.getvalue()
    for name, count in (("fast<-input", 200), ("slow<-input", 20), ("output<-fast", 200),
                        ("output<-slow", 20), ("output<-bias", 200)):
        assert re.search(rf"{re.escape(name)} +changed on {count} updates", text)
    it = shell()
    it.source(str(NETS / "schedule_gan.in"))
    means = [float(m) for m in re.findall(r"updates: +mean +(\S+)", it.out.getvalue())]
    assert len(means) == 6 and all(abs(m - 1.977) < 0.3 for m in means[1:])


# -- cost ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_schedule_overhead_on_a_large_net():
    """Choosing what learns costs under 5% of a 1000-1000-1000 update."""
    import time
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    net = s.add_net("big", groups=[(1000, []), (1000, []), (1000, [])])
    for g in net.groups:
        for p in g.incoming:
            p.deriv[...] = np.float32(1e-4)
    schedule = parse_schedule("_")
    pos = [0]

    def scheduled():
        learning = schedule.learning(net)[schedule.step_at(pos[0])]
        pos[0] += 1
        update_weights(net, T.MOMENTUM, False, learning)

    def timed(fn):
        times = []
        for _ in range(20):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return sorted(times)[len(times) // 2]

    plain = min(timed(lambda: update_weights(net, T.MOMENTUM, False)) for _ in range(3))
    with_schedule = min(timed(scheduled) for _ in range(3))
    assert with_schedule < plain * 1.05
