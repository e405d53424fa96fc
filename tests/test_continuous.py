"""CONTINUOUS networks: the reset tick 0, the synchronous tick,
OUT_INTEGR / IN_INTEGR with dtScale, events ended by criteria, the example
backward pass with its one-tick lag and the stale history slot 0, link
derivatives scaled by 1/ticksPerInterval -- against an independent NumPy
re-computation (float64, exact sigmoid) written from Lens's equations."""
import numpy as np
import pytest

import lens_examples
from lens_py.commands.common import session as session_of
from lens_py.assemble import make_interp

EXAMPLES = """
name: a 2 I: 1 0 T: 1 I: 0 1 T: 0;
name: b 2 I: 0 1 T: 0 I: 1 1 T: 1;
name: c 2 I: 1 1 T: 1 I: 0 0 T: 0;
"""
EVENTS = {  # example -> [(inputs, targets)] per event
    "a": [([1, 0], [1]), ([0, 1], [0])],
    "b": [([0, 1], [0]), ([1, 1], [1])],
    "c": [([1, 1], [1]), ([0, 0], [0])],
}


# -- the reference ---------------------------------------------------------------------

class Ref:
    """bias, input (clamped), hidden, output; hidden/output integrate their
    output (OUT_INTEGR) or their input (IN_INTEGR)."""

    def __init__(self, net, cfg):
        self.cfg = cfg
        self.tpi = net.ticks_per_interval
        self.max_ticks = net.max_ticks
        self.W = {}
        for name in ("hidden", "output"):
            g = net.group(name)
            self.W[name] = [(p.sender.name, p.weight.astype(np.float64).copy())
                            for p in g.incoming]
        self.size = {g.name: g.size for g in net.groups}
        self.dt = {name: float(np.float32(1) / np.float32(self.tpi)) * cfg[name]["dts"]
                   for name in ("hidden", "output")}
        self.slot0 = {g.name: np.zeros(g.size) for g in net.groups}
        self.init = {"bias": 1.0, "input": 0.5}
        for name in ("hidden", "output"):
            self.init[name] = 0.5 if cfg[name]["act"] == "logistic" else 0.0
        self.hist_flag = cfg.get("use_output_hist", ())   # groups storing tick 0

    def act(self, name, u):
        return 1 / (1 + np.exp(-u)) if self.cfg[name]["act"] == "logistic" else np.tanh(u)

    def act_deriv(self, name, u, o):
        if self.cfg[name]["act"] == "logistic":
            return o * (1 - o)
        return 1 / np.cosh(u) ** 2

    def error(self, o, t):
        if self.cfg["cost"] == "sse":
            return np.sum((o - t) ** 2), 2 * (o - t)
        e = np.where(t == 1, -np.log(o), -np.log(1 - o))
        d = np.where(t == 1, -1 / o, 1 / (1 - o))
        return np.sum(e), d

    def run(self, events, training, crit, min_time):
        """One example: (error, ticks on example, all events met criterion,
        per-tick history, link derivatives or None)."""
        tpi = self.tpi
        out = {g: np.full(n, self.init[g], float) for g, n in self.size.items()}
        state = {g: np.full(self.size[g], self.init[g] if self.cfg[g]["integ"] == "out"
                            else 0.0) for g in ("hidden", "output")}
        hist = {k: {g: {} for g in self.size} for k in ("out", "in", "inst", "deriv")}
        for g in self.size:
            # tick 0 is stored only for USE_OUTPUT_HIST groups; otherwise stale
            hist["out"][g][0] = out[g].copy() if g in self.hist_flag else self.slot0[g]
        err = 0.0
        correct = True
        event, on_event, tick = 0, 0, 1
        while tick < self.max_ticks and event < len(events):
            x, y = (np.array(v, float) for v in events[event])
            prev = {g: v.copy() for g, v in out.items()}
            new_in = {}
            for g in ("hidden", "output"):
                net_in = sum(W @ prev[s] for s, W in self.W[g])
                if self.cfg[g]["integ"] == "in":
                    state[g] = state[g] + self.dt[g] * self.cfg[g]["udts"] * (net_in - state[g])
                    net_in = state[g]
                new_in[g] = net_in
            out["bias"] = np.ones(1)
            out["input"] = x
            for g in ("hidden", "output"):
                inst = self.act(g, new_in[g])
                hist["inst"][g][tick] = inst
                if self.cfg[g]["integ"] == "out":
                    state[g] = state[g] + self.dt[g] * self.cfg[g]["udts"] * (inst - state[g])
                    out[g] = state[g].copy()
                else:
                    out[g] = inst
                hist["in"][g][tick] = new_in[g]
            for g in self.size:
                hist["out"][g][tick] = out[g].copy()
            e, d = self.error(out["output"], y)
            err += e / tpi
            hist["deriv"]["output"][tick] = d
            on_event += 1
            t = np.float32(np.float32(on_event) / np.float32(tpi)) + np.float32(1e-8)
            met = bool(np.all(np.abs(out["output"] - y) < crit))
            done = t >= 1.0 or tick >= self.max_ticks - 1 or (t >= min_time and met)
            if done:
                correct &= met
                event += 1
                on_event = 0
            tick += 1
        last = tick - 1
        grads = self.backward(hist, last) if training else None
        return err, last + 1, correct, hist, grads

    def backward(self, hist, last):
        acc = {g: np.zeros(self.size[g]) for g in ("hidden", "output")}
        cache = {g: np.zeros(n) for g, n in self.size.items()}
        grads = {g: [np.zeros_like(W) for _, W in self.W[g]] for g in ("hidden", "output")}
        for t in range(last, 0, -1):
            in_deriv = {}
            for g in ("hidden", "output"):
                od = hist["deriv"]["output"][t] if g == "output" else np.zeros(self.size[g])
                od = od + cache[g]
                cache[g] = np.zeros(self.size[g])
                step = self.dt[g] * self.cfg[g]["udts"]
                if self.cfg[g]["integ"] == "out":
                    d = step * acc[g]       # the accumulator *before* this tick's error
                    acc[g] = acc[g] + od - d
                    od = d
                in_deriv[g] = od * self.act_deriv(g, hist["in"][g][t], hist["inst"][g][t])
            for g in ("hidden", "output"):
                step = self.dt[g] * self.cfg[g]["udts"]
                if self.cfg[g]["integ"] == "in":
                    d = step * acc[g]
                    acc[g] = acc[g] + in_deriv[g] - d
                    in_deriv[g] = d
                for k, (s, W) in enumerate(self.W[g]):
                    sender_out = hist["out"][s][t - 1]   # slot 0: stale
                    grads[g][k] += np.outer(in_deriv[g], sender_out)
                    cache[s] = cache[s] + W.T @ in_deriv[g]
        return grads

    def train_batch(self, order, lr, crit, min_time):
        total = {g: [np.zeros_like(W) for _, W in self.W[g]] for g in ("hidden", "output")}
        err = 0.0
        for name in order:
            e, _, _, _, grads = self.run(EVENTS[name], True, crit, min_time)
            err += e
            for g in total:
                for k in range(len(total[g])):
                    total[g][k] += grads[g][k]
        for g in total:
            for k, (s, W) in enumerate(self.W[g]):
                total[g][k] /= self.tpi
                self.W[g][k] = (s, W - lr * total[g][k])
        return err, total

    def test(self, order, crit, min_time):
        err, ticks, reached = 0.0, 0, 0
        for name in order:
            e, n, ok, _, _ = self.run(EVENTS[name], False, crit, min_time)
            err, ticks, reached = err + e, ticks + n, reached + ok
        return err, ticks, reached


# -- building the same net in lens_py --------------------------------------------------

CASES = {
    "logistic-ce": dict(hidden=dict(act="logistic", integ="out"),
                        output=dict(act="logistic", integ="out"), cost="ce"),
    "logistic-sse": dict(hidden=dict(act="logistic", integ="out"),
                         output=dict(act="logistic", integ="out"), cost="sse"),
    "tanh-sse": dict(hidden=dict(act="tanh", integ="out"),
                     output=dict(act="tanh", integ="out"), cost="sse"),
    "in-integr-dtscale": dict(hidden=dict(act="tanh", integ="in", dts=0.5),
                              output=dict(act="logistic", integ="out",
                                          udts=[1.5]), cost="ce"),
}


def build(tmp_path, case, ticks=3, seed=7, extra=""):
    cfg = {k: (dict(v) if isinstance(v, dict) else v) for k, v in CASES[case].items()}
    for g in ("hidden", "output"):
        cfg[g].setdefault("dts", 1.0)
        cfg[g]["udts"] = np.array(cfg[g].get("udts", [1.0] * (3 if g == "hidden" else 1)))
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = tmp_path / "cont.ex"
    ex.write_text(EXAMPLES)
    hid = "TANH" if cfg["hidden"]["act"] == "tanh" else "LOGISTIC"
    hid += " IN_INTEGR" if cfg["hidden"]["integ"] == "in" else ""
    out = "TANH" if cfg["output"]["act"] == "tanh" else "LOGISTIC"
    cost = "SUM_SQUARED" if cfg["cost"] == "sse" else "CROSS_ENTROPY"
    it.eval(f"""
        seed {seed}
        addNet n -i 2 -t {ticks} CONTINUOUS
        addGroup input 2 INPUT
        addGroup hidden 3 {hid}
        addGroup output 1 OUTPUT {out} {cost}
        connectGroups input hidden output
        resetNet
        loadExamples {ex}
        setObj hidden.dtScale {cfg['hidden']['dts']}
        setObj output.dtScale {cfg['output']['dts']}
        {extra}
    """)
    for u, v in enumerate(cfg["output"]["udts"]):
        it.eval(f"setObj output:{u}.dtScale {v}")
    return it, session_of(it).net, cfg


def test_structure_defaults(tmp_path):
    it, net, _ = build(tmp_path, "logistic-ce")
    assert it.eval("getObj maxTicks") == "7"
    assert it.eval("getObj dt") == "0.3333333"
    assert it.eval("getObj hidden.outputType") == "0x2002"       # LOGISTIC OUT_INTEGR
    assert it.eval("getObj output.type") == "0x23001004"          # + STANDARD_CRIT


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("early", [False, True])
def test_training_matches_reference(tmp_path, case, early):
    crit, min_time = (0.95, 0.6) if early else (0.0, 0.0)
    it, net, cfg = build(tmp_path, case,
                         extra=f"setObj trainGroupCrit {crit}; setObj trainingSet.minTime {min_time}")
    ref = Ref(net, cfg)
    it.eval("setObj learningRate 0.5; setObj momentum 0")
    for update in range(3):
        it.eval("train 1 -a steepest -r 0")
        err, grads = ref.train_batch("abc", 0.5, crit, min_time)
        assert float(it.eval("getObj error")) == pytest.approx(err, rel=2e-6), update
        for g in ("hidden", "output"):
            for p, gr, (_, W) in zip(net.group(g).incoming, grads[g], ref.W[g]):
                np.testing.assert_allclose(p.deriv, gr, rtol=1e-5, atol=1e-7)
                np.testing.assert_allclose(p.weight, W, rtol=2e-5, atol=2e-6)
    # the backward pass leaves currentTick at 0 and the last tick's outputs in place
    assert it.eval("getObj currentTick") == "0"
    last = int(it.eval("getObj ticksOnExample")) - 1
    assert it.eval("getObj output.output(0)") == it.eval(f"getObj output:0.outputHistory({last})")
    assert it.eval("getObj ticksOnExample") == ("5" if early else "7")
    # with 4 ticks the lags (integrator, then hidden, then stale tick 0) leave
    # the hidden links without derivatives; with 6 every link gets some
    groups = ("output",) if early else ("hidden", "output")
    assert all(np.any(p.deriv != 0) for g in groups for p in net.group(g).incoming)


@pytest.mark.parametrize("case", ["logistic-ce", "tanh-sse", "in-integr-dtscale"])
@pytest.mark.parametrize("min_time", [1.0, 0.0])
def test_testing_matches_reference(tmp_path, case, min_time):
    it, net, cfg = build(tmp_path, case, extra=f"setObj trainingSet.minTime {min_time}")
    it.eval("setObj learningRate 0.5; train 4 -r 0")
    ref = Ref(net, cfg)
    it.eval("test")
    err, ticks, reached = ref.test("abc", 0.5, min_time)
    assert float(it.eval("set Test(totalError)")) == pytest.approx(err, rel=2e-6)
    assert it.eval("set Test(numTicks)") == str(ticks)
    assert it.eval("set Test(examplesCorrect)") == str(reached)
    if min_time == 1.0:
        assert ticks == 3 * 7


def test_history_fields_and_tick_zero(tmp_path):
    it, net, cfg = build(tmp_path, "logistic-ce", extra="setObj trainingSet.minTime 1")
    ref = Ref(net, cfg)
    it.eval("doExample 0 -test")
    _, n, _, hist, _ = ref.run(EVENTS["a"], False, 0.5, 1.0)
    assert it.eval("getObj ticksOnExample") == str(n) == "7"
    assert it.eval("getObj eventHistory(0)") == "-1"
    assert [it.eval(f"getObj eventHistory({t})") for t in range(1, 7)] == ["0"] * 3 + ["1"] * 3
    for t in range(1, 7):
        for u in range(3):
            got = float(it.eval(f"getObj hidden:{u}.outputHistory({t})"))
            assert got == pytest.approx(hist["out"]["hidden"][t][u], rel=1e-6)
        got = float(it.eval(f"getObj output:0.inputHistory({t})"))
        assert got == pytest.approx(hist["in"]["output"][t][0], rel=1e-5, abs=1e-7)
        assert it.eval(f"getObj output:0.targetHistory({t})") == ("1" if t <= 3 else "0")
    # tick 0 is not stored: slot 0 still holds resetNet's 0
    assert it.eval("getObj hidden:0.outputHistory(0)") == "0"
    it.eval("changeGroupType hidden +USE_OUTPUT_HIST")
    it.eval("doExample 0 -test")
    assert it.eval("getObj hidden:0.outputHistory(0)") == "0.5"


def test_use_output_hist_tick_zero_feeds_the_backward_pass(tmp_path):
    extra = "changeGroupType input +USE_OUTPUT_HIST; changeGroupType bias +USE_OUTPUT_HIST"
    it, net, cfg = build(tmp_path, "logistic-sse", extra=extra)
    cfg["use_output_hist"] = ("input", "bias")
    ref = Ref(net, cfg)
    it.eval("setObj learningRate 0.5; setObj momentum 0; train 1 -a steepest -r 0")
    _, grads = ref.train_batch("abc", 0.5, 0.0, 0.0)
    for p, gr in zip(net.group("hidden").incoming, grads["hidden"]):
        np.testing.assert_allclose(p.deriv, gr, rtol=1e-5, atol=1e-7)


def test_output_file_marks_tick_zero(tmp_path):
    it, net, _ = build(tmp_path, "logistic-ce", extra="setObj trainingSet.minTime 1")
    out = tmp_path / "out.txt"
    it.eval(f"openNetOutputFile {out}; doExample 1 -test; closeNetOutputFile")
    lines = out.read_text().split("\n")
    assert lines[:4] == ["0 1", "7 1", "0 -1", "1 1"]
    assert lines[4] == "0 0"             # stale slot 0 (output, target)
    assert lines[5:7] == ["1 0", "1 1"]
    assert lines[8] == "2 0"


XOR = lens_examples.xor()

ON_OFF_TEMPLATE = """
seed 3
addNet on-off -i 2 -t 4 CONTINUOUS 6 4 6
loadExamples {ON_OFF2} -set on
setObj learningRate 1
"""


def _on_off(net):
    cfg = {g: dict(act="logistic", integ="out", dts=1.0, udts=np.ones(net.group(g).size))
           for g in ("hidden", "output")}
    cfg["cost"] = "ce"
    # "2 b:k t:k": event 0 clamps unit k and wants it on, event 1 only wants it on
    events = [[(np.eye(6)[k], np.eye(6)[k]), (np.zeros(6), np.eye(6)[k])] for k in range(6)]
    return cfg, events


def on_off_setup() -> str:
    return ON_OFF_TEMPLATE.format(ON_OFF2=lens_examples.require("on-off2.ex"))


def test_lens_script_through_the_shell(tmp_path):
    """A Lens script on the distribution's on-off examples (set header
    min:0.5, so events end early once within testGroupCrit)."""
    script = tmp_path / "on-off.in"
    setup = on_off_setup()
    script.write_text(setup + "train 60 -r 30\ntest\n")
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    it.eval(f"source {script}")
    text = "".join(printed)
    assert "Performing 60 updates using Doug's Momentum..." in text
    assert text.split("\n")[2].startswith("     30)")
    net = session_of(it).net
    assert net.max_ticks == 9
    cfg, events = _on_off(net)
    ref = Ref(net, cfg)
    results = [ref.run(ev, False, 0.5, 0.5) for ev in events]
    assert float(it.eval("set Test(totalError)")) == pytest.approx(
        sum(r[0] for r in results), rel=1e-5)
    assert it.eval("set Test(numTicks)") == str(sum(r[1] for r in results))
    assert it.eval("set Test(examplesCorrect)") == str(sum(r[2] for r in results)) == "2"
    assert it.eval("set Test(numTicks)") == "50"      # some events ended early
    # the first batch, on the initial weights
    it = make_interp()
    session_of(it).write = lambda text: None
    it.eval(setup)
    net = session_of(it).net
    first = sum(Ref(net, cfg).run(ev, True, 0.0, 0.5)[0] for ev in events)
    it.eval("train 1 -r 1")
    assert float(it.eval("getObj error")) == pytest.approx(first, rel=1e-6)


def test_soft_clamp_and_interactive_activation(tmp_path):
    """SOFT_CLAMP inputs (logit of the softened target, then the group's own
    LOGISTIC + OUT_INTEGR) feeding an INTERACT_INTEGR group, tick by tick."""
    it = make_interp()
    session_of(it).write = lambda text: None
    (tmp_path / "c.ex").write_text("min:1; name: a 2 I: 1 0 T: 1 I: 0 1 T: 0;")
    it.eval(f"""
        seed 2
        addNet n -i 2 -t 4 CONTINUOUS
        addGroup input 2 INPUT SOFT_CLAMP
        addGroup hidden 2 INTERACT_INTEGR
        addGroup output 1 OUTPUT
        connectGroups input hidden output
        resetNet
        setObj hidden.maxOutput 1
        setObj hidden.minOutput -0.2
        setObj input.clampStrength 0.6
        loadExamples {tmp_path / 'c.ex'}
        doExample 0 -test
    """)
    net = session_of(it).net
    assert it.eval("getObj input.outputType") == "0x2002"     # LOGISTIC OUT_INTEGR added
    wh = {p.sender.name: p.weight.astype(float) for p in net.group("hidden").incoming}
    dt = 0.25
    x_in = np.full(2, 0.5)          # input outputs (integrated), reset to initOutput
    y_in = np.full(2, 0.5)
    h = np.zeros(2)                 # INTERACT_INTEGR resets to initOutput (0)
    for t in range(1, 9):
        ext = np.array([1.0, 0.0]) if t <= 4 else np.array([0.0, 1.0])
        net_h = wh["bias"][:, 0] + wh["input"] @ x_in
        soft = 0.5 + 0.6 * (ext - 0.5)
        u = np.log(soft / (1 - soft))
        y_in = y_in + dt * (1 / (1 + np.exp(-u)) - y_in)
        up = (1 - h) * net_h - h
        down = (h + 0.2) * net_h - h
        h = h + dt * np.where(net_h > 0, up, down)
        h = np.where(h > 1, 1, np.where(h < 0, 0, h))
        x_in = y_in
        for k in range(2):
            assert float(it.eval(f"getObj input:{k}.inputHistory({t})")) == \
                pytest.approx(u[k], rel=1e-6)
            assert float(it.eval(f"getObj input:{k}.outputHistory({t})")) == \
                pytest.approx(y_in[k], rel=1e-6)
            assert float(it.eval(f"getObj hidden:{k}.outputHistory({t})")) == \
                pytest.approx(h[k], rel=1e-5, abs=1e-7)


def test_hook_order_and_example_back_proc(tmp_path):
    it, net, _ = build(tmp_path, "logistic-ce", extra="setObj trainingSet.minTime 1")
    it.eval("""
        set log {}
        foreach h {preExampleProc postExampleProc preExampleBackProc preEventProc
                   postEventProc preTickProc postTickProc preTickBackProc} {
            setObj $h "lappend log $h"
        }
        setObj batchSize 1
    """)
    it.eval("train 1 -r 0")
    log = it.eval("set log").split()
    ticks = ["preTickProc", "postTickProc"] * 3
    event = ["preEventProc"] + ticks + ["postEventProc"]
    assert log == ["preExampleProc"] + event * 2 + ["preExampleBackProc", "postExampleProc"]
    it.eval("set log {}; test 1")
    assert it.eval("set log").split() == ["preExampleProc"] + event * 2 + ["postExampleProc"]


def test_out_integr_in_a_standard_net(tmp_path):
    """In a standard (type 0) net Lens resets the integrator's shared array
    after every training tick's forward pass, so an OUT_INTEGR group passes no
    error back (its links get no derivative); with dt = 1 its outputs equal
    the plain logistic ones."""
    results = {}
    for types in ("", "OUT_INTEGR"):
        it = make_interp()
        session_of(it).write = lambda text: None
        it.eval(f"""
            seed 4
            addNet s
            addGroup input 2 INPUT
            addGroup hidden 3 {types}
            addGroup output 1 OUTPUT
            connectGroups input hidden output
            resetNet
            loadExamples {{{XOR}}}
            train 1 -r 0
        """)
        net = session_of(it).net
        results[types] = (float(it.eval("getObj error")),
                          [p.deriv.copy() for p in net.group("hidden").incoming],
                          [p.deriv.copy() for p in net.group("output").incoming])
    plain, integ = results[""], results["OUT_INTEGR"]
    assert integ[0] == plain[0]
    assert all(np.all(d == 0) for d in integ[1])
    assert all(np.any(d != 0) for d in plain[1])
    for a, b in zip(integ[2], plain[2]):
        np.testing.assert_array_equal(a, b)
