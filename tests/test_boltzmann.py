"""BOLTZMANN networks (Lens 2.63 act.c: boltzmannNetTrainExample,
boltzmannNetTestExample, boltzmannUpdate, boltzmannSettled, IN_BOLTZ,
OUT_BOLTZ) against `Ref`, a float32 scalar transcription of the C loops
written here (it reads only the weights from the engine): outputs tick by
tick in both phases, the annealed gain, settling, the phase-change tick,
the co-occurrence link derivatives, the weights after `steepest`, the
reported error and tick counts, and a run on Lens's boltz.ex."""
import math
import re

import numpy as np
import pytest

import lens_examples
from lens_py.commands.common import session as session_of
from lens_py.engine import boltzmann
from lens_py.engine import forward as F
from lens_py.engine import types as T
from lens_py.assemble import make_interp

f32 = np.float32
NAN = f32("nan")
LARGE = f32(1e8)
SMALL = f32(1e-8)


# -- the reference -------------------------------------------------------------------------

class Ref:
    """groups: [(name, kind, senders in link order)], kind one of "bias",
    "input" (HARD_CLAMP, no input procedure), "boltz" (IN_BOLTZ + OUT_BOLTZ);
    "error" names the groups with CROSS_ENTROPY."""

    def __init__(self, net, groups, p):
        self.p = p
        self.tpi = p["tpi"]
        self.max_ticks = p["max_ticks"]
        self.g = {}
        self.order = []
        for name, kind, senders in groups:
            eg = net.group(name)
            n = eg.size
            self.order.append(name)
            init = f32(p.get("bias_init", 1.0)) if kind == "bias" else f32(0.5)
            self.g[name] = dict(
                kind=kind, n=n, senders=senders,
                W={s: eg.projection_from(net.group(s)).weight.astype(f32).copy()
                   for s in senders},
                out=[init] * n, cache=[init] * n, pos=[f32(0)] * n, pcache=[f32(0)] * n,
                inp=[f32(0)] * n, last=[f32(0)] * n, ext=[NAN] * n, tgt=[NAN] * n,
                init=init, dts=f32(p.get("dts", {}).get(name, 1.0)),
                udts=[f32(v) for v in p.get("udts", {}).get(name, [1.0] * n)],
                error=name in p["error"])
        self.deriv = {(r, s): np.zeros_like(G["W"][s]) for r, G in self.g.items()
                      for s in G["senders"]}
        self.gain = f32(1.0)
        self.grace = False
        self.error = f32(0)
        self.history = {}           # history slot -> {group: outputs after the update}

    # one Lens tick
    def anneal(self, ticks):
        p = self.p
        x = f32(f32(ticks) / f32(f32(p["anneal"]) * f32(self.tpi)))
        factor = f32(math.pow(0.5, float(x)))
        self.gain = f32(f32(p["final"]) + f32(f32(f32(p["init"]) - f32(p["final"])) * factor))

    def update(self, tick):
        for name in self.order:
            G = self.g[name]
            for u in range(G["n"]):
                x = f32(0)
                if G["kind"] == "boltz" and math.isnan(G["ext"][u]) and (
                        math.isnan(G["tgt"][u]) or not self.grace):
                    for s in G["senders"]:
                        W, o = G["W"][s], self.g[s]["cache"]
                        for j in range(len(o)):
                            x = f32(x + f32(o[j] * W[u, j]))
                G["inp"][u] = x
        dt = f32(f32(f32(1) / f32(self.tpi)))
        for name in self.order:
            G = self.g[name]
            for u in range(G["n"]):
                if G["kind"] == "bias":
                    G["out"][u] = f32(1)
                elif G["kind"] == "input":
                    G["out"][u] = f32(0) if math.isnan(G["ext"][u]) else G["ext"][u]
                else:
                    G["last"][u] = G["out"][u]
                    if not math.isnan(G["ext"][u]):
                        G["out"][u] = G["ext"][u]
                    elif not math.isnan(G["tgt"][u]) and self.grace:
                        G["out"][u] = G["tgt"][u]
                    else:
                        e = f32(math.exp(float(f32(-G["inp"][u] * self.gain))))
                        sig = 1.0 / (float(e) + 1.0)
                        step = f32(f32(dt * G["dts"]) * G["udts"][u])
                        o = G["out"][u]
                        G["out"][u] = f32(float(o) + float(step) * (sig - float(o)))
            G["cache"] = list(G["out"])
        # a phase change may use up the last tick: Lens then updates at
        # maxTicks, whose history slot is 0 again
        self.history[tick % self.max_ticks] = {
            n: (np.array(G["inp"], dtype=f32), np.array(G["out"], dtype=f32))
            for n, G in self.g.items()}

    def settled(self, crit):
        for G in self.g.values():
            if G["kind"] == "boltz":
                for u in range(G["n"]):
                    if abs(f32(G["cache"][u] - G["last"][u])) > f32(crit):
                        return False
        return True

    def initialize(self, G):
        for u in range(G["n"]):
            if not math.isnan(G["ext"][u]):
                G["out"][u] = G["ext"][u]
            elif not math.isnan(G["tgt"][u]):
                G["out"][u] = G["tgt"][u]
            else:
                G["out"][u] = G["init"]
        G["cache"] = list(G["out"])

    def keep_and_reset(self, G):
        G["pos"] = list(G["out"])
        G["pcache"] = list(G["pos"])
        cs = f32(self.p["clamp"])
        retain = f32(1.0 - float(cs))
        init = f32(G["init"] * cs)
        for u in range(G["n"]):
            if math.isnan(G["ext"][u]):
                G["out"][u] = f32(init + f32(G["out"][u] * retain))
        G["cache"] = list(G["out"])

    def cost(self, G):
        if not G["error"]:
            return
        err = f32(0)
        for u in range(G["n"]):
            y, d = G["out"][u], G["tgt"][u]
            if math.isnan(d):
                continue
            assert d in (0, 1)
            if d == 0:
                term = LARGE if y == 1 else f32(-f32(math.log(1.0 - float(y))))
            else:
                term = LARGE if y == 0 else f32(-f32(math.log(float(y))))
            err = f32(err + term)
        err = f32(float(err) * float(f32(f32(1.0) / f32(self.tpi))) * 1.0)
        self.error = f32(self.error + err)

    def back(self, name):
        G = self.g[name]
        if G["kind"] != "boltz":
            return
        for u in range(G["n"]):
            o, q = G["out"][u], G["pos"][u]
            for s in G["senders"]:
                S = self.g[s]
                D = self.deriv[(name, s)]
                for j in range(S["n"]):
                    D[u, j] = f32(D[u, j] + f32(f32(o * S["cache"][j]) - f32(q * S["pcache"][j])))

    def load(self, event):
        for name, (ext, tgt) in event.items():
            G = self.g[name]
            if ext is not None:
                G["ext"] = [f32(v) for v in ext]
            if tgt is not None:
                G["tgt"] = [f32(v) for v in tgt]

    def _time(self, ticks):
        return f32(f32(f32(ticks) / f32(self.tpi)) + SMALL)

    def train_example(self, events, times):
        """boltzmannNetTrainExample; returns ticksOnExample."""
        max_time, min_time, grace = (f32(v) for v in times)
        phase, tick, event, on_phase, current = "new", 0, 0, 0, 0
        while tick < self.max_ticks and event < len(events):
            current = tick
            if phase == "new":
                self.load(events[event])
                for G in self.g.values():
                    if G["kind"] != "bias":
                        self.initialize(G)
                on_phase = 0
                self.grace = True
                phase = "pos"
            self.anneal(on_phase)
            self.update(tick)
            on_phase += 1
            t = self._time(on_phase)
            if tick == self.max_ticks - 1:
                done = True
            elif t < min_time:
                done = False
            elif phase == "pos" and t >= grace:
                done = True
            elif phase == "neg" and t >= f32(max_time - grace):
                done = True
            else:
                done = self.settled(self.p["train_crit"])
            if done:
                if phase == "pos":
                    for G in self.g.values():
                        self.keep_and_reset(G)
                    on_phase = 0
                    self.grace = False
                    phase = "neg"
                    tick += 1
                    current = tick
                else:
                    for name in self.order:
                        self.cost(self.g[name])
                        self.back(name)
                    event += 1
                    phase = "new"
            tick += 1
        return current + 1

    def test_example(self, events, times):
        """boltzmannNetTestExample; returns ticksOnExample."""
        max_time, min_time, grace = (f32(v) for v in times)
        phase, tick, event, on_event, current = "new", 0, 0, 0, 0
        while tick < self.max_ticks and event < len(events):
            current = tick
            if phase == "new":
                self.load(events[event])
                for G in self.g.values():
                    self.initialize(G)
                    self.keep_and_reset(G)
                on_event = 0
                self.grace = False
                phase = "neg"
                tick += 1
                current = tick
            self.anneal(on_event)
            self.update(tick)
            on_event += 1
            t = self._time(on_event)
            if tick == self.max_ticks - 1:
                done = True
            elif t < min_time:
                done = False
            elif t >= f32(max_time - grace):
                done = True
            else:
                done = self.settled(self.p["test_crit"])
            if done:
                for name in self.order:
                    self.cost(self.g[name])
                event += 1
                phase = "new"
            tick += 1
        return current + 1

    def steepest(self, lr):
        out = {}
        for key, D in self.deriv.items():
            r, s = key
            W = self.g[r]["W"][s]
            out[key] = (W + (f32(-lr) * D).astype(f32)).astype(f32)
        return out


# -- the tiny network ------------------------------------------------------------------------

TINY_EXAMPLES = """
name: a 2 I: 1 0 T: 1 I: 0 1 T: 0;
name: b 1 I: 1 1 T: 0;
name: c 2 I: 0 0 T: 1 I: 1 0 T: 0;
"""
TINY_EVENTS = {
    "a": [([1, 0], [1]), ([0, 1], [0])],
    "b": [([1, 1], [0])],
    "c": [([0, 0], [1]), ([1, 0], [0])],
}
TINY_GROUPS = [("bias", "bias", []), ("input", "input", []),
               ("hidden", "boltz", ["bias", "input", "hidden", "output"]),
               ("output", "boltz", ["bias", "hidden", "output"])]


def tiny(tmp_path, intervals=6, ticks=2, max_time=2.5, min_time=0.0, grace=1.0,
         train_crit=0.0, test_crit=0.5, clamp=0.7, seed=3, bias_init=None):
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    ex = tmp_path / "tiny.ex"
    ex.write_text(TINY_EXAMPLES)
    it.eval(f"""
        seed {seed}
        addNet tiny -i {intervals} -t {ticks} BOLTZMANN
        addGroup input 2 INPUT
        addGroup hidden 2
        addGroup output 1 OUTPUT
        connectGroups input hidden -bi
        connectGroups hidden hidden
        connectGroups hidden output -bi
        connectGroups output output
        randWeights -r 2
        loadExamples {ex} -set tset
        setObj tset.maxTime {max_time}
        setObj tset.minTime {min_time}
        setObj tset.graceTime {grace}
        setObj initGain 0.5
        setObj finalGain 2.0
        setObj annealTime 0.5
        setObj clampStrength {clamp}
        setObj trainGroupCrit {train_crit}
        setObj testGroupCrit {test_crit}
        setObj hidden.dtScale 0.8
        setObj output:0.dtScale 1.5
        setObj learningRate 0.5
        setObj reportInterval 0
    """)
    if bias_init is not None:
        it.eval(f"setObj bias.initOutput {bias_init}; resetNet; randWeights -r 2")
    net = session_of(it).net
    p = dict(bias_init=1.0 if bias_init is None else bias_init, tpi=ticks, max_ticks=intervals * ticks, init=0.5, final=2.0, anneal=0.5,
             clamp=clamp, train_crit=train_crit, test_crit=test_crit,
             dts={"hidden": 0.8}, udts={"output": [1.5]}, error={"output"})
    ref = Ref(net, TINY_GROUPS, p)
    times = (max_time, min_time, grace)
    return it, net, ref, times, printed


def events_of(name):
    return [{"input": (x, None), "output": (None, y)} for x, y in TINY_EVENTS[name]]


def _capture(net):
    """Per example: the output history (slot = tick), ticksOnExample, gain."""
    seen = []

    def hook():
        seen.append(({g.name: (g.input_history.copy(), g.output_history.copy())
                      for g in net.groups}, net.ticks_on_example, net.gain))
    net.hooks["postExampleProc"] = hook
    return seen


def _check_example(ref, seen, ticks_ref):
    hist, ticks, gain = seen
    assert ticks == ticks_ref
    assert ref.history, "the reference ran no tick"
    for slot, values in ref.history.items():
        for name, (inp, out) in values.items():
            np.testing.assert_array_equal(hist[name][0][slot], inp, err_msg=f"{name} input {slot}")
            np.testing.assert_array_equal(hist[name][1][slot], out, err_msg=f"{name} output {slot}")
    assert f32(gain) == ref.gain


def test_procedures_are_registered():
    assert F.INPUT_FORWARD[T.IN_BOLTZ] is boltzmann.boltzmann_input
    assert F.INPUT_BACK[T.IN_BOLTZ] is boltzmann.boltzmann_input_back
    assert F.OUTPUT_FORWARD[T.OUT_BOLTZ] is boltzmann.boltzmann_output


def test_structure(tmp_path):
    it, net, ref, times, _ = tiny(tmp_path)
    assert net.group("hidden").input_procs == [T.IN_BOLTZ]
    assert net.group("hidden").output_procs == [T.OUT_BOLTZ]
    assert net.group("output").cost_procs == [T.CROSS_ENTROPY]
    assert net.group("input").input_procs == []
    assert net.max_ticks == 12


def test_anneal_formula():
    class N:
        dtype = np.float32
        anneal_time, ticks_per_interval, init_gain, final_gain = 0.5, 2, 0.5, 2.0
    n = N()
    got = []
    for k in range(4):
        boltzmann.anneal_gain(n, k)
        got.append(n.gain)
    # 2 - 1.5 * 0.5^(k / 1)
    assert got == [float(f32(v)) for v in (0.5, 1.25, 1.625, 1.8125)]


@pytest.mark.parametrize("crit", [0.0, 0.02])
def test_train_one_batch_matches_reference(tmp_path, crit):
    """One training batch of three examples (two with two events), outputs
    tick by tick, derivatives, the error, then one steepest update."""
    it, net, ref, times, _ = tiny(tmp_path, train_crit=crit)
    seen = _capture(net)
    it.eval("train 1 -a steepest")
    assert len(seen) == 3
    for k, name in enumerate("abc"):
        ref.history = {}
        ticks_ref = ref.train_example(events_of(name), times)
        _check_example(ref, seen[k], ticks_ref)
    assert f32(net.error) == ref.error
    after = ref.steepest(0.5)
    for (r, s), D in ref.deriv.items():
        proj = net.group(r).projection_from(net.group(s))
        np.testing.assert_array_equal(proj.deriv, D, err_msg=f"deriv {s}->{r}")
        np.testing.assert_array_equal(proj.weight, after[(r, s)], err_msg=f"weight {s}->{r}")
    # links into the input group have no input procedure: no derivative
    assert not net.group("input").projection_from(net.group("hidden")).deriv.any()


def test_settling_ends_phases_early(tmp_path):
    """A loose criterion: the phases end when no unit moves more than it."""
    it, net, ref, times, _ = tiny(tmp_path, train_crit=0.2, max_time=6, grace=3)
    seen = _capture(net)
    it.eval("train 1 -a steepest")
    full = []
    for k, name in enumerate("abc"):
        ref.history = {}
        ticks_ref = ref.train_example(events_of(name), times)
        _check_example(ref, seen[k], ticks_ref)
        full.append(ticks_ref)
    # without settling a two-event example would take all 12 ticks
    assert min(full) < 12
    assert f32(net.error) == ref.error


def test_min_time_and_max_ticks(tmp_path):
    """minTime holds a settled phase; maxTicks cuts the second event short
    (its positive phase ends at the last tick, the phase change then uses up
    a tick past the end: no negative phase, no error, no derivative)."""
    it, net, ref, times, _ = tiny(tmp_path, intervals=3, ticks=2, max_time=2.0,
                                  min_time=1.5, grace=1.0, train_crit=0.5)
    seen = _capture(net)
    it.eval("train 1 -a steepest")
    for k, name in enumerate("abc"):
        ref.history = {}
        ticks_ref = ref.train_example(events_of(name), times)
        _check_example(ref, seen[k], ticks_ref)
    assert f32(net.error) == ref.error
    for (r, s), D in ref.deriv.items():
        proj = net.group(r).projection_from(net.group(s))
        np.testing.assert_array_equal(proj.deriv, D, err_msg=f"deriv {s}->{r}")


def test_test_matches_reference(tmp_path):
    it, net, ref, times, printed = tiny(tmp_path, test_crit=0.01)
    seen = _capture(net)
    it.eval("test")
    total_ticks = 0
    for k, name in enumerate("abc"):
        ref.history = {}
        ticks_ref = ref.test_example(events_of(name), times)
        _check_example(ref, seen[k], ticks_ref)
        total_ticks += ticks_ref
    assert f32(net.error) == ref.error
    text = "".join(printed)
    assert f"Test results on 3 examples, {total_ticks} ticks:" in text
    # Lens never counts a Boltzmann example as correct
    assert "Output unit criterion reached on 0 examples (0.00%)" in text
    # testing leaves the weights alone and makes no derivatives
    for g in net.groups:
        for proj in g.incoming:
            assert not proj.deriv.any()


def test_train_then_test_carries_state(tmp_path):
    """Two updates, then a test: each run starts from what the last left
    (the gain, the bias output, the derivative caches)."""
    it, net, ref, times, printed = tiny(tmp_path, train_crit=0.01, test_crit=0.05)
    it.eval("train 2 -a steepest")
    for _ in range(2):
        ref.deriv = {k: np.zeros_like(v) for k, v in ref.deriv.items()}
        ref.error = f32(0)
        for name in "abc":
            ref.train_example(events_of(name), times)
        new = ref.steepest(0.5)
        for (r, s), W in new.items():
            ref.g[r]["W"][s] = W
    assert f32(net.error) == ref.error
    for (r, s), W in ref.steepest(0.0).items():
        np.testing.assert_array_equal(net.group(r).projection_from(net.group(s)).weight, W)
    ref.error = f32(0)
    it.eval("test")
    for name in "abc":
        ref.test_example(events_of(name), times)
    assert f32(net.error) == ref.error
    assert f32(net.gain) == ref.gain


# -- Lens's boltz.ex ----------------------------------------------------------------------

def _read_patterns(path):
    """(inputs, targets) per example of boltz.ex ('-' = no value)."""
    text = re.sub(r"#.*", "", open(path).read())
    out = []
    for chunk in text.split(";"):
        if "I:" not in chunk:
            continue
        i_part, t_part = chunk.split("I:")[1].split("T:")
        ins = [math.nan if w == "-" else float(w) for w in i_part.split()]
        tgs = [float(w) for w in t_part.split()]
        out.append((ins, tgs))
    return out


def test_boltz_ex_pattern_completion(tmp_path):
    """Lens's boltz.ex (pattern completion: inputs with bits missing): a
    20-unit INPUT OUTPUT group with self-links and a hidden group, two
    updates of the whole set, compared with the reference."""
    ex = lens_examples.require("boltz.ex")
    patterns = _read_patterns(ex)
    assert len(patterns) == 24 and all(len(i) == 20 and len(t) == 20 for i, t in patterns)
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    it.eval(f"""
        seed 11
        addNet pc -i 3 -t 3 BOLTZMANN
        addGroup pattern 20 INPUT OUTPUT
        addGroup hidden 4
        connectGroups pattern pattern
        connectGroups pattern hidden -bi
        loadExamples {ex} -set boltz
        setObj boltz.maxTime 3
        setObj boltz.graceTime 1
        setObj initGain 0.2
        setObj finalGain 1.0
        setObj clampStrength 1.0
        setObj trainGroupCrit 0.01
        setObj testGroupCrit 0.01
        setObj learningRate 0.2
        setObj reportInterval 0
    """)
    net = session_of(it).net
    assert net.group("pattern").input_procs == [T.IN_BOLTZ]
    groups = [("bias", "bias", []), ("pattern", "boltz", ["bias", "pattern", "hidden"]),
              ("hidden", "boltz", ["bias", "pattern"])]
    p = dict(tpi=3, max_ticks=9, init=0.2, final=1.0, anneal=1.0, clamp=1.0,
             train_crit=0.01, test_crit=0.01, error={"pattern"})
    ref = Ref(net, groups, p)
    times = (3.0, 0.0, 1.0)
    events = [[{"pattern": (i, t)}] for i, t in patterns]
    it.eval("train 2 -a steepest")
    for _ in range(2):
        ref.deriv = {k: np.zeros_like(v) for k, v in ref.deriv.items()}
        ref.error = f32(0)
        for ev in events:
            ref.train_example(ev, times)
        for (r, s), W in ref.steepest(0.2).items():
            ref.g[r]["W"][s] = W
    assert f32(net.error) == ref.error
    for (r, s), W in ref.steepest(0.0).items():
        np.testing.assert_array_equal(net.group(r).projection_from(net.group(s)).weight, W)
    ref.error = f32(0)
    printed.clear()
    it.eval("test")
    ticks = sum(ref.test_example(ev, times) for ev in events)
    assert f32(net.error) == ref.error
    assert f"Test results on 24 examples, {ticks} ticks:" in "".join(printed)


def test_bias_initial_output_quirks(tmp_path):
    """With bias.initOutput 0.3 the bias cache shows where Lens sets it:
    training never initialises the bias group but moves it toward initOutput
    at the phase change; testing initialises it too (the first tick of each
    event reads those values before BIAS_CLAMP puts 1 back)."""
    it, net, ref, times, _ = tiny(tmp_path, bias_init=0.3, test_crit=0.01)
    assert net.group("bias").output_cache[0, 0] == f32(0.3)
    seen = _capture(net)
    it.eval("train 1 -a steepest")
    for k, name in enumerate("abc"):
        ref.history = {}
        _check_example(ref, seen[k], ref.train_example(events_of(name), times))
    for (r, s), D in ref.deriv.items():
        np.testing.assert_array_equal(net.group(r).projection_from(net.group(s)).deriv, D)
    for (r, s), W in ref.steepest(0.5).items():
        ref.g[r]["W"][s] = W
    ref.error = f32(0)
    seen.clear()
    it.eval("test")
    for k, name in enumerate("abc"):
        ref.history = {}
        _check_example(ref, seen[k], ref.test_example(events_of(name), times))
    assert f32(net.error) == ref.error
