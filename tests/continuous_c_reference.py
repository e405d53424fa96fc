"""A reference of Lens 2.63's CONTINUOUS networks, written here from the C
semantics independently of the engine (act.c: continuousNetTickForward /
continuousNetTrainTickForward / continuousNetExampleBack /
standardNetRunExample / standardNetTrainBatch / scaleLinkDerivsByDt /
reportError, the IN_INTEGR, OUT_INTEGR and SOFT_CLAMP procs; network.c:
setTime, standardResetNet): `CRef` runs a small net unit by unit in float32
(with C's double promotions where a double literal takes part), so the
comparisons are bit for bit.

Below it, the small net the tests build through lens_py's shell (`build`),
the reference built with the same parameters (`ref_for`), and the
comparisons of derivatives and histories."""
import math

import numpy as np

from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine import types as T


F32 = np.float32


# -- independent float32 oracles ------------------------------------------------------

def _sig_entry(k: int) -> F32:
    x = F32(F32(k) / F32(1024)) - F32(16)
    e = F32(math.exp(-float(x)))                   # EXP(-(x) * 1.0) -> real
    return F32(1.0 / (float(e) + 1.0))


def fast_sigmoid(x) -> F32:
    """util.c fastSigmoid: linear interpolation in the 1/1024 table."""
    x = F32(x)
    x = min(max(x, F32(-16)), F32(16))
    v = F32(F32(x + F32(16)) * F32(1024))
    i = int(v)
    v = F32(v - F32(i))
    return F32((1.0 - float(v)) * float(_sig_entry(i)) + float(F32(v * _sig_entry(i + 1))))


def inv_sigmoid(y: F32, gain: F32) -> F32:
    """util.h INV_SIGMOID: LOG is (real) log((double) x)."""
    if y <= 0.0:
        return -F32(1e8)
    if y >= 1.0:
        return F32(1e8)
    return F32(F32(math.log(float(F32(y / F32(F32(1) - y))))) / gain)


class G:
    """One group of the reference net (unit arrays are float32 vectors)."""

    def __init__(self, name, size, in_procs, out_procs, cost=False, reset=True,
                 init_out=0.0, init_in=0.0, gain=1.0, strength=0.5, dts=1.0, udts=None,
                 use_output_hist=False):
        self.name, self.size = name, size
        self.in_procs, self.out_procs, self.cost = in_procs, out_procs, cost
        self.reset = reset
        self.init_out, self.init_in = F32(init_out), F32(init_in)
        self.gain, self.strength = F32(gain), F32(strength)
        self.dts = F32(dts)
        self.udts = np.array(udts if udts is not None else [1.0] * size, dtype=F32)
        self.use_output_hist = use_output_hist
        self.links = []                       # [(sender G, W[recv, send])], block order
        z = lambda: np.zeros(size, dtype=F32)
        self.inp, self.out, self.cache = z(), z(), z()
        self.od, self.id, self.dcache = z(), z(), z()
        self.ext = np.full(size, np.nan, dtype=F32)
        self.tgt = np.full(size, np.nan, dtype=F32)
        self.integ = z()                       # IN_INTEGR / OUT_INTEGR unitData
        self.error = F32(0)
        self.derivs = []


class CRef:
    """Lens's continuous machinery, transcribed from act.c for these procs:
    DOT_PRODUCT, SOFT_CLAMP, IN_INTEGR / LINEAR, LOGISTIC, BIAS_CLAMP,
    HARD_CLAMP, OUT_INTEGR / SUM_SQUARED with STANDARD_CRIT on cost groups."""

    def __init__(self, groups, intervals, tpi, train_crit=0.0, test_crit=0.5):
        self.groups = groups
        self.tpi = tpi
        self.max_ticks = intervals * tpi + 1
        self.hist_len = self.max_ticks
        self.dt = F32(F32(1) / F32(tpi))
        self.train_crit, self.test_crit = F32(train_crit), F32(test_crit)
        self.error = F32(0)
        for g in groups:
            h = lambda: np.zeros((self.hist_len, g.size), dtype=F32)   # resetNet zeroes
            g.h_in, g.h_out, g.h_tgt, g.h_od = h(), h(), h(), h()
            g.h_inst, g.h_ext = h(), np.full((self.hist_len, g.size), np.nan, dtype=F32)
            g.derivs = [np.zeros_like(W) for _, W in g.links]

    def reset_net(self):
        """standardResetNet: outputs/inputs to their init values, then the
        forward integrators set and the backward ones zeroed (same array)."""
        for g in self.groups:
            g.out[:] = g.init_out
            g.inp[:] = g.init_in
            g.cache[:] = g.out
            g.integ[:] = 0

    # -- the group procedures ----------------------------------------------------
    def step(self, g):
        return F32(self.dt * g.dts)

    def compute_input(self, g, t):
        clamped = not g.in_procs or ("HARD_CLAMP" in g.out_procs
                                     and not np.isnan(g.ext).any())
        if clamped or "DOT" not in g.in_procs:
            g.inp[:] = 0
        if not clamped:
            for proc in g.in_procs:
                if proc == "DOT":
                    for u in range(g.size):
                        s = F32(0)
                        for src, W in g.links:
                            for j in range(src.size):
                                s = F32(s + F32(src.cache[j] * W[u, j]))
                        g.inp[u] = s
                elif proc == "SOFT_CLAMP":
                    for u in range(g.size):
                        if not np.isnan(g.ext[u]):
                            val = F32(g.init_out + F32(g.strength * F32(g.ext[u] - g.init_out)))
                            g.inp[u] = F32(g.inp[u] + inv_sigmoid(val, g.gain))
                elif proc == "IN_INTEGR":
                    dt = self.step(g)
                    for u in range(g.size):
                        g.integ[u] = F32(g.integ[u] + F32(F32(dt * g.udts[u])
                                                          * F32(g.inp[u] - g.integ[u])))
                        g.inp[u] = g.integ[u]
        g.h_in[t % self.hist_len] = g.inp

    def compute_output(self, g, t):
        idx = t % self.hist_len
        if not any(p in ("LINEAR", "LOGISTIC", "BIAS_CLAMP") for p in g.out_procs):
            g.out[:] = 0
        for proc in g.out_procs:
            if proc == "LINEAR":
                g.out[:] = g.inp
            elif proc == "LOGISTIC":
                for u in range(g.size):
                    g.out[u] = fast_sigmoid(F32(g.inp[u] * g.gain))
            elif proc == "BIAS_CLAMP":
                g.out[:] = 1
            elif proc == "HARD_CLAMP":
                on = ~np.isnan(g.ext)
                g.out[on] = g.ext[on]
                g.h_ext[idx] = g.ext
            elif proc == "OUT_INTEGR":
                dt = self.step(g)
                g.h_inst[idx] = g.out
                for u in range(g.size):
                    g.integ[u] = F32(g.integ[u] + F32(F32(dt * g.udts[u])
                                                      * F32(g.out[u] - g.integ[u])))
                    g.out[u] = g.integ[u]
        g.cache[:] = g.out
        g.h_out[idx] = g.out

    def compute_cost(self, g, t, freq=1.0):
        if not g.cost:
            return
        err = F32(0)
        for u in range(g.size):
            if not np.isnan(g.tgt[u]):
                d = F32(g.out[u] - g.tgt[u])
                err = F32(err + F32(d * d))
        # error *= errorScale / ticksPerInterval * 1.0 (a double product)
        err = F32(float(err) * float(F32(F32(1) / F32(self.tpi))) * freq)
        g.error = F32(g.error + err)
        self.error = F32(self.error + err)
        g.h_tgt[t % self.hist_len] = g.tgt

    def compute_cost_back(self, g, t):
        g.od[:] = 0
        if not g.cost:
            return
        scale = F32(1.0 * 1.0 * 2.0)
        for u in range(g.size):
            if not np.isnan(g.tgt[u]):
                g.od[u] = F32(g.od[u] + F32(scale * F32(g.out[u] - g.tgt[u])))
        g.h_od[t % self.hist_len] = g.od

    def output_back(self, g, t):
        idx = t % self.hist_len
        g.od[:] = g.od + g.dcache
        g.dcache[:] = 0
        for proc in reversed(g.out_procs):
            if proc == "OUT_INTEGR":
                dt = self.step(g)
                for u in range(g.size):
                    d = F32(F32(dt * g.udts[u]) * g.integ[u])
                    g.out[u] = g.h_inst[idx][u]
                    g.integ[u] = F32(g.integ[u] + F32(g.od[u] - d))
                    g.od[u] = d
            elif proc == "LINEAR":
                g.id[:] = g.od
            elif proc == "LOGISTIC":
                for u in range(g.size):
                    x = F32(g.od[u] * g.out[u])
                    g.id[u] = F32(float(x) * (1.0 - float(g.out[u])) * float(g.gain))
            elif proc == "BIAS_CLAMP":
                g.id[:] = 0
            elif proc == "HARD_CLAMP":
                g.id[~np.isnan(g.h_ext[idx])] = 0

    def input_back(self, g):
        if not g.in_procs:
            return
        if "HARD_CLAMP" in g.out_procs and (g.out_procs == ["HARD_CLAMP"]
                                            or not np.isnan(g.ext).any()):
            return
        for proc in reversed(g.in_procs):
            if proc == "IN_INTEGR":
                dt = self.step(g)
                for u in range(g.size):
                    d = F32(F32(dt * g.udts[u]) * g.integ[u])
                    g.integ[u] = F32(g.integ[u] + F32(g.id[u] - d))
                    g.id[u] = d
            elif proc == "DOT":
                for u in range(g.size):
                    for k, (src, W) in enumerate(g.links):
                        for j in range(src.size):
                            src.dcache[j] = F32(src.dcache[j] + F32(g.id[u] * W[u, j]))
                            g.derivs[k][u, j] = F32(g.derivs[k][u, j]
                                                    + F32(g.id[u] * src.cache[j]))

    # -- the example ----------------------------------------------------------------
    def criteria(self, training):
        crit = self.train_crit if training else self.test_crit
        found = False
        for g in self.groups:
            if not g.cost:
                continue
            found = True
            for u in range(g.size):
                if not np.isnan(g.tgt[u]) and abs(float(g.out[u]) - float(g.tgt[u])) >= crit:
                    return False
        return found

    def run_example(self, events, training, min_time=1.0, freq=1.0):
        """standardNetRunExample with the continuous ticks, then (training)
        continuousNetExampleBack.  Returns (ticksOnExample, correct)."""
        def load(ev):
            ext, tgt = ev
            for g in self.groups:
                if g.name == "input":
                    g.ext[:] = ext
                if g.cost:
                    g.tgt[:] = tgt
        load(events[0])
        for g in self.groups:
            if g.reset:
                g.out[:] = g.init_out
                g.cache[:] = g.out
                if "IN_INTEGR" in g.in_procs:
                    g.integ[:] = g.init_in
                if "OUT_INTEGR" in g.out_procs:
                    g.integ[:] = g.init_out
        for g in self.groups:                 # storeOutputsAndTargets(0)
            if g.use_output_hist:
                g.h_out[0] = g.out
        event, on_event, tick, correct = 0, 0, 1, True
        current = 0
        while tick < self.max_ticks and event < len(events):
            current = tick
            for g in self.groups:
                self.compute_input(g, tick)
            for g in self.groups:
                self.compute_output(g, tick)
            for g in self.groups:
                self.compute_cost(g, tick, freq)
            if training:
                for g in self.groups:
                    self.compute_cost_back(g, tick)
            on_event += 1
            time = F32(F32(F32(on_event) / F32(self.tpi)) + F32(1e-8))
            crit = None
            done = time >= 1.0 or tick >= self.max_ticks - 1
            if not done and time >= min_time:
                crit = self.criteria(training)
                done = crit
            if done:
                if crit is None:
                    crit = self.criteria(training)
                correct &= crit
                event += 1
                on_event = 0
                if event < len(events):
                    load(events[event])
            tick += 1
        ticks = current + 1
        if training:
            self.example_back(ticks)
        return ticks, correct

    def example_back(self, ticks):
        for g in self.groups:
            g.dcache[:] = 0
            if "IN_INTEGR" in g.in_procs or "OUT_INTEGR" in g.out_procs:
                g.integ[:] = 0
        for t in range(ticks - 1, 0, -1):
            for g in self.groups:
                g.od[:] = g.h_od[t % self.hist_len] if g.cost else 0
            for g in self.groups:
                self.output_back(g, t)
            for g in self.groups:
                g.out[:] = g.h_out[(t - 1) % self.hist_len]
                g.cache[:] = g.out
                g.inp[:] = g.h_in[(t - 1) % self.hist_len]
            for g in self.groups:
                self.input_back(g)
        for g in self.groups:
            g.out[:] = g.h_out[(ticks - 1) % self.hist_len]
            g.cache[:] = g.out

    def train_batch(self, examples, min_time=1.0):
        self.error = F32(0)
        for g in self.groups:
            g.error = F32(0)
            g.derivs = [np.zeros_like(W) for _, W in g.links]
        for ev in examples:
            self.run_example(ev, True, min_time)
        scale = F32(F32(1) / F32(self.tpi))
        for g in self.groups:
            g.derivs = [(d * scale).astype(F32) for d in g.derivs]

    def test(self, examples, min_time=1.0):
        self.error = F32(0)
        ticks = reached = 0
        for ev in examples:
            n, ok = self.run_example(ev, False, min_time)
            ticks += n
            reached += ok
        return ticks, reached


# -- the same net through lens_py ---------------------------------------------------------

EX_TEXT = """
name: a 2 I: 1 0 T: 1 I: 0 1 T: 0;
name: b 2 I: 0 1 T: 0 I: 1 1 T: 1;
"""
EVENTS = [
    [(np.array([1, 0], F32), np.array([1], F32)), (np.array([0, 1], F32), np.array([0], F32))],
    [(np.array([0, 1], F32), np.array([0], F32)), (np.array([1, 1], F32), np.array([1], F32))],
]

W_HIDDEN = {"bias": [[0.25], [-0.5]], "input": [[0.7, -0.3], [0.45, 0.9]]}
W_OUTPUT = {"bias": [[0.1]], "hidden": [[0.8, -0.6]]}


def build(tmp_path, hidden_types="LINEAR", output_types="LINEAR", input_types="",
          intervals=2, ticks=3, setup="", min_time=1.0):
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = tmp_path / "audit.ex"
    ex.write_text(EX_TEXT)
    it.eval(f"""
        addNet n -i {intervals} -t {ticks} CONTINUOUS
        addGroup input 2 INPUT {input_types}
        addGroup hidden 2 {hidden_types}
        addGroup output 1 OUTPUT {output_types} SUM_SQUARED
        connectGroups input hidden output
        {setup}
        resetNet
        loadExamples {ex}
        setObj trainingSet.minTime {min_time}
        setObj learningRate 0.5
        setObj momentum 0
    """)
    net = session_of(it).net
    for name, table in (("hidden", W_HIDDEN), ("output", W_OUTPUT)):
        for p in net.group(name).incoming:
            p.weight[...] = np.array(table[p.sender.name], dtype=F32)
    return it, net


def ref_for(net, tpi, intervals=2, **over):
    """The reference net with the engine's parameters (init values, dtScales,
    gains) read back, and the weights of W_HIDDEN/W_OUTPUT."""
    def params(name):
        g = net.group(name)
        return dict(init_out=g.initial_output(), init_in=g.initial_input(),
                    gain=g.choose("gain"), strength=g.choose("clamp_strength"),
                    dts=g.dt_scale, udts=list(g.unit_dt_scale),
                    reset=bool(g.type & T.RESET_ON_EXAMPLE),
                    use_output_hist=bool(g.type & T.USE_OUTPUT_HIST))

    def procs(name):
        g = net.group(name)
        ins = {T.DOT_PRODUCT: "DOT", T.SOFT_CLAMP: "SOFT_CLAMP", T.IN_INTEGR: "IN_INTEGR"}
        outs = {T.LINEAR: "LINEAR", T.LOGISTIC: "LOGISTIC", T.BIAS_CLAMP: "BIAS_CLAMP",
                T.HARD_CLAMP: "HARD_CLAMP", T.OUT_INTEGR: "OUT_INTEGR"}
        return [ins[p] for p in g.input_procs], [outs[p] for p in g.output_procs]

    groups = {}
    for name in ("bias", "input", "hidden", "output"):
        i, o = procs(name)
        groups[name] = G(name, net.group(name).size, i, o, cost=(name == "output"),
                         **params(name))
    groups["hidden"].links = [(groups[s], np.array(W, F32)) for s, W in W_HIDDEN.items()]
    groups["output"].links = [(groups[s], np.array(W, F32)) for s, W in W_OUTPUT.items()]
    ref = CRef(list(groups.values()), intervals, tpi,
               train_crit=net.train_group_crit, test_crit=net.test_group_crit, **over)
    ref.reset_net()
    return ref, groups


def sync_weights(net, groups):
    for name in ("hidden", "output"):
        g = groups[name]
        g.links = [(src, net.group(name).projection_from(net.group(src.name)).weight
                    .astype(F32).copy()) for src, _ in g.links]


def assert_derivs_equal(net, groups):
    for name in ("hidden", "output"):
        for (src, _), d in zip(groups[name].links, groups[name].derivs):
            got = net.group(name).projection_from(net.group(src.name)).deriv
            np.testing.assert_array_equal(got, d, err_msg=f"{src.name}->{name}")


def assert_histories_equal(net, groups, ticks):
    for name in ("hidden", "output"):
        g = net.group(name)
        for t in range(1, ticks):
            np.testing.assert_array_equal(g.output_history[t], groups[name].h_out[t],
                                          err_msg=f"{name} output tick {t}")
            np.testing.assert_array_equal(g.input_history[t], groups[name].h_in[t],
                                          err_msg=f"{name} input tick {t}")


CASES = {
    # hidden/output integrate their outputs; group and unit dtScales
    "linear-out-integr": dict(
        hidden_types="LINEAR", output_types="LINEAR",
        setup="setObj hidden.dtScale 0.7; setObj hidden:1.dtScale 1.3; "
              "setObj hidden.initOutput 0.3"),
    # IN_INTEGR instead: reset to initInput, no OUT_INTEGR added
    "linear-in-integr": dict(
        hidden_types="LINEAR IN_INTEGR", output_types="LINEAR",
        setup="setObj hidden.initInput 0.25; setObj output:0.dtScale 0.6"),
    # logistic units (Lens's table sigmoid) and a SOFT_CLAMP input group
    "logistic-soft-clamp": dict(
        input_types="SOFT_CLAMP", hidden_types="LOGISTIC", output_types="LOGISTIC",
        setup="setObj input.clampStrength 0.8; setObj hidden.gain 1.5"),
    # no reset between examples: the integrators carry on from the backward
    # accumulators, the outputs from the last tick
    "no-reset": dict(
        hidden_types="LINEAR", output_types="LOGISTIC",
        setup="changeGroupType hidden -RESET_ON_EXAMPLE; "
              "changeGroupType output -RESET_ON_EXAMPLE; setObj hidden.initOutput 0.2"),
    # tick 0 kept in the history by USE_OUTPUT_HIST: tick 1 now feeds the links
    "tick-zero-stored": dict(
        hidden_types="LINEAR", output_types="LINEAR",
        setup="changeGroupType input +USE_OUTPUT_HIST; changeGroupType bias +USE_OUTPUT_HIST; "
              "changeGroupType hidden +USE_OUTPUT_HIST; setObj hidden.initOutput 0.4"),
}
