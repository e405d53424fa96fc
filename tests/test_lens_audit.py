"""The engine checked against Lens 2.63's C semantics (act.c, train.c/h,
connect.c, util.c, example.c): each test recomputes the expected numbers here,
independently, in plain NumPy/Python with C's float/double rules, and runs
the same thing through lens_py's shell."""
import io
import math

import numpy as np
import pytest

from lens_py import Lens
from lens_py.engine.compiled import batch as fastpath

F32 = np.float32
F64 = np.float64


# -- independent oracles ----------------------------------------------------------

class Drand48:
    """srand48(n) + drand48(), straight from the definition."""

    def __init__(self, seed: int):
        self.x = ((seed & 0xFFFFFFFF) << 16) | 0x330E

    def __call__(self) -> float:
        self.x = (0x5DEECE66D * self.x + 0xB) & ((1 << 48) - 1)
        return self.x / 2.0 ** 48


def rand_real(d: float, mean=0.0, rng=1.0) -> F32:
    """randReal: (real)(2d - 1) * range + mean, float arithmetic."""
    return F32(F32(F32(2.0 * d - 1.0) * F32(rng)) + F32(mean))


def fast_sigmoid(x) -> F32:
    """Lens's table sigmoid of one float (util.c), entry by entry."""
    x = F32(x)
    x = max(F32(-16), min(F32(16), x))
    v = F32(F32(x + F32(16)) * F32(1024))
    i = int(v)
    v = F32(v - F32(i))

    def table(k):
        t = F32(F32(k) / F32(1024) - F32(16))
        e = F32(math.exp(-float(t)))
        return F32(1.0 / (float(e) + 1.0))
    return F32((1.0 - float(v)) * float(table(i)) + float(F32(v * table(i + 1))))


def c_log(x: float) -> float:
    """C's log: NaN below 0, -inf at 0."""
    x = float(x)
    if x != x or x < 0:
        return math.nan
    return -math.inf if x == 0 else math.log(x)


def same(a, b) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def lens(script: str = "") -> Lens:
    out = io.StringIO()
    L = Lens(stdout=out, stderr=out)
    L.out = out
    if script:
        L(script)
    return L


def weights(L, group: str) -> np.ndarray:
    """[units, incoming links] of a group in Lens's link order (dense nets)."""
    g = L.net.group(group)
    return np.hstack([p.weight for p in g.incoming])


# -- weight randomisation (connect.c: randomizeWeights & co) ---------------------------

def test_randweights_walks_the_group_list_in_the_order_given():
    L = lens("seed 1; addNet n 2 3 2; seed 7; randWeights -group {output hidden}")
    d = Drand48(7)
    out = np.array([[rand_real(d()) for _ in range(4)] for _ in range(2)], F32)
    hid = np.array([[rand_real(d()) for _ in range(3)] for _ in range(3)], F32)
    np.testing.assert_array_equal(weights(L, "output"), out)
    np.testing.assert_array_equal(weights(L, "hidden"), hid)


def test_randweights_groups_then_units_each_in_list_order():
    L = lens("seed 1; addNet n 2 3 2; seed 9; "
             "randWeights -group output -unit {hidden:2 hidden:0} -mean 0.5 -range 0.25")
    d = Drand48(9)
    out = np.array([[rand_real(d(), 0.5, 0.25) for _ in range(4)] for _ in range(2)], F32)
    h2 = [rand_real(d(), 0.5, 0.25) for _ in range(3)]
    h0 = [rand_real(d(), 0.5, 0.25) for _ in range(3)]
    np.testing.assert_array_equal(weights(L, "output"), out)
    hid = weights(L, "hidden")
    np.testing.assert_array_equal(hid[2], np.array(h2, F32))
    np.testing.assert_array_equal(hid[0], np.array(h0, F32))


# -- which code path runs the examples ---------------------------------------------------

PATHS = ["per-example", "numpy-batch", "default"]


def use_path(L, path: str) -> None:
    """per-example: Lens's loop literally; numpy-batch: the vectorised NumPy
    batch; default: whatever lens_py picks (the compiled path once its
    kernels are compiled, when it can run the net)."""
    if path == "per-example":
        L.net.vectorise = False
    if path in ("per-example", "numpy-batch"):
        L.net.fast_path = False
    else:
        fastpath.ready(wait=True)


def example_file(tmp_path, text: str, name="ex") -> str:
    f = tmp_path / f"{name}.ex"
    f.write_text(text)
    return str(f)


# -- error functions (act.c) ---------------------------------------------------------------

# The compiled kernel (fastpath.fwd_end) still rounds errorScale/ticks*freq to
# float before multiplying; reported for the fast-path helper to follow.
PSEUDO_PATHS = PATHS


@pytest.mark.parametrize("path", PSEUDO_PATHS)
def test_pseudo_example_freq_scales_the_error_in_double(tmp_path, path):
    # error *= errorScale/ticks * freq: (float quotient) * (double freq), rounded once
    ex = example_file(tmp_path, "freq: 0.3 I: 0 T: 0;")
    L = lens(f"addNet n 1 1 LINEAR; loadExamples {ex}; setObj pseudoExampleFreq 1;"
             "setObj output.errorScale 0.3; setObj output:0.incoming(0).weight 0.81")
    use_path(L, path)
    L("test")
    o = F32(0.81)
    err = F32(o * o)
    s = F32(F32(0.3) / F32(1))
    expected = F32(float(err) * (float(s) * float(F32(0.3))))
    assert expected != F32(err * F32(s * F32(0.3)))      # the two roundings differ here
    assert F32(L.net.error) == expected


# -- output procedures (act.c) ----------------------------------------------------------------

def ce_deriv(o: F32, t: F32) -> float:
    """CROSS_ENTROPY_DERIV (act.h) as the double it is in C."""
    if t == 0.0:
        return 1e8 if F32(1.0 - float(o)) <= F32(1e-8) else float(F32(1.0)) / (1.0 - float(o))
    if t == 1.0:
        return -1e8 if o <= F32(1e-8) else float(F32(F32(-1.0) / o))
    den = float(o) * (1.0 - float(o))
    if den <= float(F32(1e-8)):
        return float(F32(F32(o - t) * F32(1e8)))
    return float(F32(o - t)) / den


def test_gaussian_with_adaptive_gain_uses_the_unit_gain(tmp_path):
    ex = example_file(tmp_path, "I: 1 T: 0.3;")
    L = lens(f"addNet n 1 1 GAUSSIAN ADAPTIVE_GAIN; loadExamples {ex};"
             "setObj output:0.incoming(0).weight 0.4; setObj output:0.incoming(1).weight 0.9;"
             "setObj output:0.gain 0.5; doExample 0 -train")
    g = L.net.group("output")
    inp = F32(F32(0.0 + F32(0.4)) + F32(0.9))
    ugain = F32(0.5)
    x = F32(inp * ugain)
    o = F32(math.exp(float(F32(-x * x))))
    od = F32(0.0 + 1.0 * ce_deriv(o, F32(0.3)))
    scale = F32(-2.0 * float(inp) * float(ugain) * float(o) * float(od))
    assert F32(g.output[-1, 0]) == o
    assert F32(g.input_deriv[-1, 0]) == F32(scale * ugain)
    assert F32(g.gain_deriv[-1, 0]) == F32(scale * inp)
    assert F32(g.incoming[0].deriv[0, 0]) == F32(scale * ugain)


# -- group types (type.c: cleanupGroupType) ------------------------------------------------

def test_a_bias_group_drops_criterion_types():
    L = lens("addNet n 2 1; addGroup b2 1 BIAS STANDARD_CRIT")
    assert L("getObj b2.type") == "0x2000001"


# -- adaptive gain (train.c: updateAdaptiveGain inside UPDATE_WEIGHTS) ----------------------

def test_adaptive_gain_decays_in_a_group_without_incoming_links():
    L = lens("addNet n 2 1; addGroup h 2 ADAPTIVE_GAIN -BIASED; setObj h.gainDecay 0.1;"
             "setObj h:1.gain 2; updateWeights")
    lr, decay = F32(0.001), F32(0.1)
    for u, gain in ((0, F32(1)), (1, F32(2))):
        expected = F32(gain - F32(F32(lr * F32(0)) + F32(decay * gain)))
        assert F32(L.net.group("h").unit_gain[-1, u]) == expected


# -- a whole training run of a small net, recomputed the C way ----------------------------
#
# Net: bias, input(2), hidden(3, LOGISTIC), output(2, <act>, <cost>).  The oracle
# below follows act.c / train.c / train.h line by line with Python scalars:
# F32(...) where C stores or computes in `real`, plain floats where C computes
# in double.

def act_forward(kind, x_in, gain=F32(1)):
    """[outputs] of one group from its [inputs]."""
    if kind == "LOGISTIC":
        return [fast_sigmoid(F32(i * gain)) for i in x_in]
    if kind == "LINEAR":
        return list(x_in)
    if kind == "TANH":
        out = []
        for i in x_in:
            x = F32(gain * i)
            out.append(F32(1.0) if x >= 17 else F32(-1.0) if x <= -17 else F32(math.tanh(x)))
        return out
    if kind == "EXPONENTIAL":
        return [F32(math.exp(float(i))) for i in x_in]
    if kind == "GAUSSIAN":
        return [F32(math.exp(float(F32(-F32(i * gain) * F32(i * gain))))) for i in x_in]
    if kind == "SOFT_MAX":
        m = 0.0
        for i in x_in:
            if i > m:
                m = float(i)
        outs = [F32(math.exp(float(i) - m)) for i in x_in]
        total = 0.0
        for o in outs:
            total += float(o)
        scale = 1.0 / total
        return [F32(float(o) * scale) for o in outs]
    raise ValueError(kind)


def act_back(kind, x_in, out, od, gain=F32(1)):
    """[inputDerivs] from [outputDerivs]."""
    if kind == "LOGISTIC":
        return [F32(float(F32(d * o)) * (1.0 - float(o)) * float(gain))
                for o, d in zip(out, od)]
    if kind == "LINEAR":
        return list(od)
    if kind == "TANH":
        res = []
        for i, d in zip(x_in, od):
            if i >= 17 or i <= -17:
                deriv = F32(1e-8)
            else:
                c = F32(math.cosh(float(i)))
                deriv = F32(F32(1.0) / F32(c * c))
            res.append(F32(F32(d * gain) * deriv))
        return res
    if kind == "EXPONENTIAL":
        return [F32(o * d) for o, d in zip(out, od)]
    if kind == "GAUSSIAN":
        scale = F32(-2.0 * float(gain) * float(gain))
        return [F32(F32(F32(d * o) * i) * scale) for i, o, d in zip(x_in, out, od)]
    if kind == "SOFT_MAX":
        s = 0.0
        for o, d in zip(out, od):
            s += float(F32(d * o))
        return [F32(float(o) * (float(d) - s)) for o, d in zip(out, od)]
    raise ValueError(kind)


def adjusted(o, t, tr, zr):
    d = F32(o - t)
    if d < zr and d > -zr:
        return o
    if d > tr:
        return F32(t + tr)
    if d < -tr:
        return F32(t - tr)
    return o


def cost_forward(cost, outs, tgts):
    """(group error before scaling, state for the backward pass)."""
    err = F32(0)
    if cost == "COSINE":
        sq_o = sq_t = dot = F32(0)
        for o, t in zip(outs, tgts):
            sq_o = F32(sq_o + F32(o * o))
            sq_t = F32(sq_t + F32(t * t))
            dot = F32(dot + F32(o * t))
        return None, (sq_o, sq_t, dot)
    for o, t in zip(outs, tgts):
        if cost == "SUM_SQUARED":
            d = F32(o - t)
            term = float(F32(d * d))
        elif cost == "CROSS_ENTROPY":
            if t == 0.0:
                term = 1e8 if o == 1.0 else float(-F32(c_log(1.0 - float(o))))
            elif t == 1.0:
                term = 1e8 if o == 0.0 else float(-F32(c_log(float(o))))
            elif o <= 0.0 or o >= 1.0:
                term = 1e8
            else:
                term = (float(F32(F32(c_log(float(F32(t / o)))) * t))
                        + float(F32(c_log((1.0 - float(t)) / (1.0 - float(o)))))
                        * (1.0 - float(t)))
        elif cost == "DIVERGENCE":
            if t == 0.0:
                term = 0.0
            elif o <= 0.0:
                term = float(F32(t * F32(c_log(float(F32(t * F32(1e8)))))))
            else:
                term = float(F32(F32(c_log(float(F32(t / o)))) * t))
        err = F32(float(err) + term)
    return err, None


def cost_back(cost, outs, tgts, es, state):
    od = [F32(0)] * len(outs)
    if cost == "SUM_SQUARED":
        s = F32(1.0 * float(es) * 2.0)
        return [F32(d + F32(s * F32(o - t))) for d, o, t in zip(od, outs, tgts)]
    if cost == "CROSS_ENTROPY":
        return [F32(float(d) + float(es) * ce_deriv(o, t)) for d, o, t in zip(od, outs, tgts)]
    if cost == "DIVERGENCE":
        res = []
        for d, o, t in zip(od, outs, tgts):
            if t == 0.0:
                v = 0.0
            elif o <= F32(1e-8):
                v = float(F32(-t * F32(1e8)))
            else:
                v = float(F32(-t / o))
            res.append(F32(float(d) + float(es) * v))
        return res
    if cost == "COSINE":
        cos, inv_dot, inv_sq = state
        if cos == 0.0:
            return od
        return [F32(d + F32(cos * F32(F32(o * inv_sq) - F32(t * inv_dot))))
                for d, o, t in zip(od, outs, tgts)]
    raise ValueError(cost)


def dot_inputs(senders, W):
    """Each unit: 0, then + o·w link after link (blocks of <= 10 links)."""
    res = []
    for row in W:
        acc = F32(0)
        for o, w in zip(senders, row):
            acc = F32(acc + F32(o * w))
        res.append(acc)
    return res


class Oracle:
    def __init__(self, L, act, cost):
        self.act, self.cost = act, cost
        self.Wh = weights(L, "hidden").astype(F32).copy()     # [3, bias+2]
        self.Wo = weights(L, "output").astype(F32).copy()     # [2, bias+3]
        self.Lh = np.zeros_like(self.Wh)
        self.Lo = np.zeros_like(self.Wo)
        self.rate_h = np.ones_like(self.Wh)      # delta-bar-delta link rates
        self.rate_o = np.ones_like(self.Wo)

    def batch(self, examples, es=F32(1), tr=F32(0), zr=F32(0), ticks=1):
        """(net error, link derivs) of one batch."""
        Dh = np.zeros_like(self.Wh)
        Do = np.zeros_like(self.Wo)
        net_err = F32(0)
        for x, tgt in examples:
            src_h = [F32(1)] + [F32(v) for v in x]
            h_in = dot_inputs(src_h, self.Wh)
            h_out = act_forward("LOGISTIC", h_in)
            src_o = [F32(1)] + h_out
            o_in = dot_inputs(src_o, self.Wo)
            o_out = act_forward(self.act, o_in)
            tgts = [F32(t) for t in tgt]
            if tr != 0.0 or zr != 0.0:
                tgts = [adjusted(o, t, tr, zr) for o, t in zip(o_out, tgts)]
            err, state = cost_forward(self.cost, o_out, tgts)
            if self.cost == "COSINE":
                sq_o, sq_t, dot = state
                cos = F32(0) if F32(sq_o * sq_t) == 0.0 else \
                    F32(dot / F32(math.sqrt(float(F32(sq_o * sq_t)))))
                cos = F32(float(cos) * (1.0 * float(es)))
                state = (cos, F32(1.0 / float(dot)), F32(1.0 / float(sq_o)))
                err = F32((1.0 - float(cos)) * float(es) / ticks * 1.0)
            else:
                err = F32(float(err) * float(F32(es / F32(ticks))) * 1.0)
            net_err = F32(net_err + err)
            od = cost_back(self.cost, o_out, tgts, es, state)
            o_id = act_back(self.act, o_in, o_out, od)
            cache = [F32(0)] * 4
            for u in range(2):
                for j in range(4):
                    cache[j] = F32(cache[j] + F32(o_id[u] * self.Wo[u, j]))
                    Do[u, j] = F32(Do[u, j] + F32(o_id[u] * src_o[j]))
            h_id = act_back("LOGISTIC", h_in, h_out, cache[1:])
            for u in range(3):
                for j in range(3):
                    Dh[u, j] = F32(Dh[u, j] + F32(h_id[u] * src_h[j]))
        return net_err, Dh, Do

    def update(self, alg, Dh, Do, lr=(F32(0.1), F32(0.1)), mom=(F32(0.9), F32(0.9)),
               decay=(F32(0), F32(0)), frozen=(False, False), inc=F32(0.1), dec=F32(0.9),
               clip=None):
        """One weight update; returns (weightCost, gradientLinearity) as Lens
        computes them on a reporting update."""
        parts = [(self.Wh, self.Lh, Dh, self.rate_h, 0), (self.Wo, self.Lo, Do, self.rate_o, 1)]
        parts = [p for p in parts if not frozen[p[4]]]
        scale = 1.0
        if alg == "dougsMomentum":
            s = 0.0
            for W, Last, D, _, _ in parts:
                for d in D.ravel():
                    s += float(F32(d * d))
            scale = 1.0 / float(F32(math.sqrt(s))) if s > 1.0 else 1.0
        grad_lin = delta_len = deriv_len = cost = F32(0)
        for W, Last, D, rate, k in parts:
            for idx in np.ndindex(W.shape):
                w, g, last = W[idx], D[idx], Last[idx]
                lr_k = F32(lr[k][idx] if np.ndim(lr[k]) else lr[k])
                grad_lin = F32(grad_lin - F32(last * g))
                delta_len = F32(delta_len + F32(last * last))
                deriv_len = F32(deriv_len + F32(g * g))
                if alg == "steepest":
                    step = F32(-lr_k * g)
                elif alg == "momentum":
                    step = F32(F32(-lr_k * g) + F32(mom[k] * last))
                elif alg == "dougsMomentum":
                    step = F32(float(-lr_k) * scale * float(g) + float(F32(mom[k] * last)))
                else:
                    r = rate[idx]
                    opposite = math.copysign(1, g) != math.copysign(1, last)
                    r = F32(r + inc) if opposite else F32(r * dec)
                    rate[idx] = r
                    step = F32(F32(F32(-r * lr_k) * g) + F32(mom[k] * last))
                if decay[k] > 0.0:
                    step = F32(step - F32(decay[k] * w))
                new = F32(w + step)
                if clip is not None and k in clip:
                    lo, hi = (F32(v[idx]) for v in clip[k])
                    if not math.isnan(lo) and new < lo:
                        new = lo
                    elif not math.isnan(hi) and new > hi:
                        new = hi
                Last[idx] = F32(new - w)
                W[idx] = new
                cost = F32(cost + F32(new * new))
        prod = F32(delta_len * deriv_len)
        gl = math.nan if prod == 0.0 else F32(grad_lin / F32(math.sqrt(float(prod))))
        return F32(cost / F32(2)), gl


TWO_EXAMPLES = "I: 1 0 T: 1 0; I: 0.5 1 T: 0.2 0.7;"
NET = "seed {seed}; addNet n 2 3 2 {types}; loadExamples {ex}; setObj reportInterval 1"


class Chooser:
    """Lens's example selection (example.c), on its own random streams."""

    def __init__(self, mode, n, seed=3, drand_skip=0):
        self.mode, self.n, self.cur, self.perm = mode, n, -1, list(range(n))
        self.rnd, self.d = GlibcRandom(seed), Drand48(seed)
        for _ in range(drand_skip):
            self.d()

    def next(self, freqs):
        n = self.n
        if self.mode == "ORDERED":
            self.cur = (self.cur + 1) % n
            return self.cur
        if self.mode == "PERMUTED":
            i = self.cur + 1
            i = 0 if i == n else i
            j = i + self.rnd() % (n - i)
            self.perm[i], self.perm[j] = self.perm[j], self.perm[i]
            self.cur = i
            return self.perm[i]
        if self.mode == "RANDOMIZED":
            self.cur = self.rnd() % n
            return self.cur
        total = F32(0)
        for f in freqs:
            total = F32(total + F32(f))
        scale, acc, probs = F32(1.0 / float(total)), F32(0), []
        for f in freqs:
            acc = F32(acc + F32(F32(f) * scale))
            probs.append(acc)
        probs[-1] = F32(1)
        r = F32(self.d())
        lo, hi = 0, n - 1
        while lo < hi:
            m = (lo + hi) // 2
            if probs[m] < r:
                lo = m + 1
            else:
                hi = m
        return lo


def run_both(tmp_path, path, act, cost, alg, updates=2, setup="", seed=3,
             oracle_kw=None, update_kw=None, examples=TWO_EXAMPLES, chooser=None,
             batch_size=0):
    types = f"{act} {cost}"
    ex = example_file(tmp_path, examples)
    L = lens(NET.format(seed=seed, types=types, ex=ex) + ("; " + setup if setup else ""))
    use_path(L, path)
    orc = Oracle(L, act, cost)
    parsed, freqs = [], []
    for item in examples.split(";")[:-1]:
        freq = 1.0
        if "freq:" in item:
            head, item = item.split("freq:")[1].strip().split(None, 1)
            freq = float(head)
        i_part, t_part = item.split("T:")
        parsed.append(([float(v) for v in i_part.replace("I:", "").split()],
                       [float(v) for v in t_part.split()]))
        freqs.append(freq)
    chooser = chooser or Chooser("ORDERED", len(parsed))
    for _ in range(updates):
        batch = [parsed[chooser.next(freqs)] for _ in range(batch_size or len(parsed))]
        err, Dh, Do = orc.batch(batch, **(oracle_kw or {}))
        stats = orc.update(alg, Dh, Do, **(update_kw or {}))
    L(f"train {updates} -a {alg}")
    return L, orc, err, stats


def assert_matches(L, orc, err, stats):
    np.testing.assert_array_equal(weights(L, "hidden"), orc.Wh)
    np.testing.assert_array_equal(weights(L, "output"), orc.Wo)
    assert same(F32(L.net.error), err)
    assert same(F32(L.net.weight_cost), stats[0])
    gl = L.net.gradient_linearity
    assert (math.isnan(gl) and math.isnan(stats[1])) or F32(gl) == stats[1]


ACT_COST = [("LOGISTIC", "CROSS_ENTROPY"), ("LOGISTIC", "SUM_SQUARED"),
            ("LINEAR", "SUM_SQUARED"), ("TANH", "SUM_SQUARED"),
            ("EXPONENTIAL", "SUM_SQUARED"), ("GAUSSIAN", "CROSS_ENTROPY"),
            ("SOFT_MAX", "DIVERGENCE"), ("SOFT_MAX", "CROSS_ENTROPY"),
            ("LOGISTIC", "COSINE"), ("LOGISTIC", "DIVERGENCE")]


@pytest.mark.parametrize("act,cost", ACT_COST)
@pytest.mark.parametrize("path", PATHS)
def test_each_error_and_output_function_through_two_updates(tmp_path, path, act, cost):
    assert_matches(*run_both(tmp_path, path, act, cost, "dougsMomentum"))


@pytest.mark.parametrize("alg", ["steepest", "momentum", "dougsMomentum", "deltaBarDelta"])
@pytest.mark.parametrize("path", PATHS)
def test_each_algorithm_through_three_updates(tmp_path, path, alg):
    assert_matches(*run_both(tmp_path, path, "LOGISTIC", "CROSS_ENTROPY", alg, updates=3))


# -- parameters: block -> group -> net (chooseValue3), decay, radii, scales, freezing -------

PARAM_CASES = {
    "group learningRate": ("setObj hidden.learningRate 0.3", {},
                           dict(lr=(F32(0.3), F32(0.1)))),
    "block learningRate over group's": (
        "setObj hidden.learningRate 0.3; setObj hidden:1.block(1).learningRate 0.05", {},
        dict(lr=(np.array([[0.3] * 3, [0.3, 0.05, 0.05], [0.3] * 3], F32), F32(0.1)))),
    "group momentum": ("setObj output.momentum 0.5", {}, dict(mom=(F32(0.9), F32(0.5)))),
    "net weightDecay": ("setObj weightDecay 0.01", {}, dict(decay=(F32(0.01), F32(0.01)))),
    "group weightDecay": ("setObj weightDecay 0.01; setObj hidden.weightDecay 0.03", {},
                          dict(decay=(F32(0.03), F32(0.01)))),
    "frozen hidden group": ("freezeWeights -group hidden", {}, dict(frozen=(True, False))),
    "frozen output group": ("freezeWeights -group output", {}, dict(frozen=(False, True))),
    "net targetRadius": ("setObj targetRadius 0.1", dict(tr=F32(0.1)), {}),
    "group zeroErrorRadius": ("setObj output.zeroErrorRadius 0.15",
                              dict(zr=F32(0.15)), {}),
    "radius and zero radius": ("setObj targetRadius 0.05; setObj output.zeroErrorRadius 0.3",
                               dict(tr=F32(0.05), zr=F32(0.3)), {}),
    "group errorScale": ("setObj output.errorScale 2.5", dict(es=F32(2.5)), {}),
    "block min and max": (
        "setObj hidden:0.block(1).max 0.05; setObj hidden:2.block(0).min 0.3;"
        "setObj output:1.block(1).min -0.02; setObj output:1.block(1).max 0.02", {},
        dict(clip={0: (np.array([[np.nan] * 3, [np.nan] * 3, [0.3, np.nan, np.nan]]),
                       np.array([[np.nan, 0.05, 0.05], [np.nan] * 3, [np.nan] * 3])),
                   1: (np.array([[np.nan] * 4, [np.nan, -0.02, -0.02, -0.02]]),
                       np.array([[np.nan] * 4, [np.nan, 0.02, 0.02, 0.02]]))})),
}


@pytest.mark.parametrize("case", sorted(PARAM_CASES))
@pytest.mark.parametrize("alg", ["momentum", "dougsMomentum"])
@pytest.mark.parametrize("path", PATHS)
def test_parameters_reach_the_update_as_in_lens(tmp_path, path, alg, case):
    setup, orc_kw, upd_kw = PARAM_CASES[case]
    assert_matches(*run_both(tmp_path, path, "LOGISTIC", "CROSS_ENTROPY", alg, updates=2,
                             setup=setup, oracle_kw=orc_kw, update_kw=upd_kw))


@pytest.mark.parametrize("cost", ["SUM_SQUARED", "COSINE"])
def test_radii_and_error_scale_with_other_error_functions(tmp_path, cost):
    assert_matches(*run_both(tmp_path, "per-example", "LOGISTIC", cost, "steepest",
                             setup="setObj targetRadius 0.05; setObj output.errorScale 0.7",
                             oracle_kw=dict(tr=F32(0.05), es=F32(0.7))))


# -- DOT_PRODUCT's unrolled loop (act.h: FOR_EACH_LINK_FAST_FORW) -----------------------------

def lens_block_sum(acc, outs, ws):
    """acc + one block's links: chunks of ten (summed among themselves, then
    added) while more than ten links remain, then link by link."""
    n, k = len(outs), 0
    while k + 10 < n:
        chunk = F32(outs[k] * ws[k])
        for j in range(k + 1, k + 10):
            chunk = F32(chunk + F32(outs[j] * ws[j]))
        acc = F32(acc + chunk)
        k += 10
    for j in range(k, n):
        acc = F32(acc + F32(outs[j] * ws[j]))
    return acc


@pytest.mark.parametrize("n_in", [10, 11, 20, 21, 25, 37])
@pytest.mark.parametrize("path", PATHS)
def test_dot_product_sums_blocks_the_unrolled_way(tmp_path, path, n_in):
    rng = np.random.default_rng(n_in)
    x = rng.uniform(-3, 3, n_in).astype(F32)
    ex = example_file(tmp_path, "I: " + " ".join(repr(float(v)) for v in x) + " T: 0;")
    L = lens(f"seed 5; addNet n {n_in} 4 1 LINEAR; loadExamples {ex};"
             "setObj randRange 7; randWeights")
    use_path(L, path)
    L("test")
    W = weights(L, "hidden")
    expected = [lens_block_sum(lens_block_sum(F32(0), [F32(1)], [row[0]]), list(x), list(row[1:]))
                for row in W]
    assert list(L.net.group("hidden").input[-1]) == expected


def test_the_unrolled_order_differs_from_plain_sequential_sums():
    # the case above is not vacuous: for 25 links the two orders disagree somewhere
    rng = np.random.default_rng(1)
    differ = 0
    for _ in range(200):
        o = rng.uniform(-3, 3, 25).astype(F32)
        w = rng.uniform(-7, 7, 25).astype(F32)
        seq = F32(0)
        for a, b in zip(o, w):
            seq = F32(seq + F32(a * b))
        differ += seq != lens_block_sum(F32(0), list(o), list(w))
    assert differ > 0


# -- sparse projections (connect.c) and their draws ----------------------------------------------

class GlibcRandom:
    """srandom(n) + random(), glibc's TYPE_3 additive generator."""

    def __init__(self, seed: int):
        r = [seed or 1]
        for i in range(1, 31):
            r.append((16807 * r[i - 1]) % 2147483647)
        r += r[:3]
        self.r = r
        for _ in range(310):
            self._next()

    def _next(self) -> int:
        v = (self.r[-31] + self.r[-3]) & 0xFFFFFFFF
        self.r.append(v)
        del self.r[0]
        return v

    def __call__(self) -> int:
        return self._next() >> 1


def rand_sort(arr, n, rnd):
    for i in range(n - 1):
        j = rnd() % (n - i)
        arr[i], arr[i + j] = arr[i + j], arr[i]


def sparse_net(seed, n_pre, n_post, option):
    L = lens(f"seed {seed}; addNet n; addGroup pre {n_pre} INPUT; addGroup post {n_post};"
             f"connectGroups pre post {option}")
    return L, L.net.group("post").incoming[1]


def expected_links(kind, seed, n_pre, n_post, strength):
    """(mask, weights) of pre->post as Lens builds it, after post's bias links."""
    d, rnd = Drand48(seed), GlibcRandom(seed)
    for _ in range(n_post):
        d()                                  # the bias links, drawn as the units are made
    mask = np.zeros((n_post, n_pre), bool)
    w = np.zeros((n_post, n_pre), F32)

    def link(pre, post, mean=0.0, rng=1.0):
        assert not mask[post, pre]
        mask[post, pre] = True
        w[post, pre] = rand_real(d(), mean, rng)
    s = F32(strength)
    if kind == "RANDOM":
        for v in range(n_pre):
            for u in range(n_post):
                if F32(d()) < s:
                    link(v, u)
    elif kind == "FIXED_IN":
        arr = list(range(n_pre))
        for u in range(n_post):
            rand_sort(arr, n_pre, rnd)
            for v in range(int(F32(n_pre) * s)):
                link(arr[v], u)
    elif kind == "FIXED_OUT":
        arr = list(range(n_post))
        for v in range(n_pre):
            rand_sort(arr, n_post, rnd)
            for u in range(int(F32(n_post) * s)):
                link(v, arr[u])
    elif kind == "FAIR":
        n = int(F32(n_pre) * s)
        post = list(range(n_post))
        rand_sort(post, n_post, rnd)
        pre = list(range(n_pre))
        rand_sort(pre, n_pre, rnd)
        i = 0
        for j in range(n_post):
            start = i
            for _ in range(n):
                if i == n_pre:
                    head, tail = pre[:start], pre[start:]
                    rand_sort(head, start, rnd)
                    rand_sort(tail, n_pre - start, rnd)
                    pre, i = head + tail, 0
                link(pre[i], post[j])
                i += 1
    elif kind == "FAN":
        n = int(F32(n_post) * s)
        for i in range(n_pre):
            start = (i * n_post) // n_pre - n // 2
            for j in range(start, start + n):
                link(i, (j + n_post) % n_post if j < 0 else j % n_post)
    elif kind == "ONE_TO_ONE":
        for i in range(min(n_pre, n_post)):
            link(i, i, 1.0, 0.0)
    return mask, w


SPARSE = [("RANDOM", 7, 8, 5, 0.4), ("FIXED_IN", 7, 9, 4, 0.5), ("FIXED_IN", 2, 100, 3, 0.29),
          ("FIXED_OUT", 11, 6, 9, 0.34), ("FAIR", 4, 5, 7, 0.6), ("FAIR", 13, 6, 10, 0.5),
          ("FAN", 3, 6, 9, 0.34), ("ONE_TO_ONE", 5, 4, 6, 1.0)]


@pytest.mark.parametrize("kind,seed,n_pre,n_post,strength", SPARSE)
def test_sparse_projections_choose_and_draw_as_lens(kind, seed, n_pre, n_post, strength):
    L, p = sparse_net(seed, n_pre, n_post, f"-projection {kind} -strength {strength}")
    mask, w = expected_links(kind, seed, n_pre, n_post, strength)
    got = p.link_mask()
    np.testing.assert_array_equal(got, mask)
    np.testing.assert_array_equal(np.where(mask, p.weight, 0), w)


def test_fixed_in_counts_links_with_a_float_product():
    # (int)(100 * 0.29f) is 29 in float arithmetic (28 in double)
    L, p = sparse_net(2, 100, 3, "-projection FIXED_IN -strength 0.29")
    assert list(p.link_mask().sum(axis=1)) == [29, 29, 29]


def test_one_to_one_links_are_frozen_copies():
    L, p = sparse_net(5, 4, 6, "-projection ONE_TO_ONE")
    assert p.frozen[:4].all() and not p.frozen[4:].any()
    assert L("getObj post:2.incoming(1).weight") == "1"



# -- example selection during training (example.c) -----------------------------------------------

FOUR_EXAMPLES = ("freq: 2 I: 1 0 T: 1 0; freq: 0.5 I: 0.5 1 T: 0.2 0.7;"
                 "freq: 1 I: 0 1 T: 0 1; freq: 3 I: 1 1 T: 0.6 0.1;")
LINKS_AT_BUILD = 2 * (3 * 3 + 2 * 4)      # drawn when made, and again by addNet's resetNet


@pytest.mark.parametrize("mode", ["ORDERED", "PERMUTED", "RANDOMIZED", "PROBABILISTIC"])
@pytest.mark.parametrize("batch", [0, 3])
@pytest.mark.parametrize("path", PATHS)
def test_example_modes_and_batch_sizes_choose_as_lens(tmp_path, path, mode, batch):
    chooser = Chooser(mode, 4, seed=3, drand_skip=LINKS_AT_BUILD)
    assert_matches(*run_both(
        tmp_path, path, "LOGISTIC", "CROSS_ENTROPY", "momentum", updates=4,
        setup=f"exampleSetMode ex {mode}; setObj batchSize {batch}",
        examples=FOUR_EXAMPLES, chooser=chooser, batch_size=batch))


# -- randMean/randRange at net, group and block level; resetNet vs randWeights ------------------

def drawn_weights(seed, skip, layout, frozen_rows=()):
    """Draw, in Lens's group -> unit -> link order, one weight per link of
    `layout` = [(group, [(mean, range) per unit] , links per unit)], skipping
    rows listed in frozen_rows (resetNet does not touch frozen links)."""
    d = Drand48(seed)
    for _ in range(skip):
        d()
    out = {}
    for name, params, n_links in layout:
        rows = []
        for u, (mean, rng) in enumerate(params):
            if (name, u) in frozen_rows:
                rows.append(None)
                continue
            rows.append([rand_real(d(), mean, rng) for _ in range(n_links)])
        out[name] = rows
    return out


BUILD = 2 * (3 * 3 + 2 * 4)       # addNet n 2 3 2: links drawn when made and by resetNet


def test_reset_net_takes_rand_mean_and_range_block_then_group_then_net():
    L = lens("seed 4; addNet n 2 3 2; setObj randMean 0.2; setObj hidden.randRange 0.5;"
             "setObj output:1.block(1).randMean -0.3; setObj output:1.block(0).randRange 2;"
             "resetNet")
    # output:1 has two blocks with different parameters: draw it link by link
    d = Drand48(4)
    for _ in range(BUILD):
        d()
    hid = [[rand_real(d(), 0.2, 0.5) for _ in range(3)] for _ in range(3)]
    out0 = [rand_real(d(), 0.2, 1.0) for _ in range(4)]
    out1 = [rand_real(d(), 0.2, 2.0)] + [rand_real(d(), -0.3, 1.0) for _ in range(3)]
    np.testing.assert_array_equal(weights(L, "hidden"), np.array(hid, F32))
    np.testing.assert_array_equal(weights(L, "output"), np.array([out0, out1], F32))


def test_randweights_mean_and_range_options_override_every_level():
    L = lens("seed 4; addNet n 2 3 2; setObj hidden.randMean 3; setObj output:0.block(1).randRange 9;"
             "randWeights -mean -1 -range 0.125")
    exp = drawn_weights(4, BUILD, [("hidden", [(-1, 0.125)] * 3, 3),
                                   ("output", [(-1, 0.125)] * 2, 4)])
    np.testing.assert_array_equal(weights(L, "hidden"), np.array(exp["hidden"], F32))
    np.testing.assert_array_equal(weights(L, "output"), np.array(exp["output"], F32))


def test_reset_net_skips_frozen_links_but_randweights_does_not():
    L = lens("seed 6; addNet n 2 3 2; freezeWeights -unit hidden:1")
    before = weights(L, "hidden")[1].copy()
    L("resetNet")
    exp = drawn_weights(6, BUILD, [("hidden", [(0, 1)] * 3, 3), ("output", [(0, 1)] * 2, 4)],
                        frozen_rows={("hidden", 1)})
    hid = weights(L, "hidden")
    np.testing.assert_array_equal(hid[1], before)
    np.testing.assert_array_equal(hid[[0, 2]], np.array([exp["hidden"][0], exp["hidden"][2]], F32))
    np.testing.assert_array_equal(weights(L, "output"), np.array(exp["output"], F32))
    L("seed 6; randWeights")
    exp = drawn_weights(6, 0, [("hidden", [(0, 1)] * 3, 3), ("output", [(0, 1)] * 2, 4)])
    np.testing.assert_array_equal(weights(L, "hidden"), np.array(exp["hidden"], F32))


def test_reset_net_resets_state_but_not_unit_cost_or_example_position(tmp_path):
    ex = example_file(tmp_path, TWO_EXAMPLES)
    L = lens(f"seed 1; addNet n 2 3 2 LOGISTIC LINEAR_COST; loadExamples {ex};"
             "setObj reportInterval 0; train 2")
    L.net.group("output").error = 1.5
    cost = L.net.output_cost
    assert cost != 0.0
    L("resetNet")
    net = L.net
    assert (net.total_updates, net.error, net.weight_cost, net.gradient_linearity) == (0, 0, 0, 0)
    assert net.output_cost == cost                      # Lens leaves outputCost alone
    assert net.group("output").error == 0.0
    assert L("getObj trainingSet.currentExampleNum") == "1"
    for g in net.groups:
        assert not g.incoming or all((p.last_delta == 0).all() and (p.deriv == 0).all()
                                     for p in g.incoming)
    assert L("getObj hidden:0.output") == "0.5" and L("getObj output:1.target") == "-"


# -- a simple recurrent net (Elman context, backpropTicks 1) -----------------------------------

SRN_EXAMPLES = ("name: a 3 I: 1 0 T: 1 0 I: 0 1 T: 0 1 I: 1 1 T: 0.5 0.5;"
                "name: b 2 I: 0 1 T: 0.2 0.9 I: 1 0 T: 0 0;")
SRN_PARSED = [[([1, 0], [1, 0]), ([0, 1], [0, 1]), ([1, 1], [0.5, 0.5])],
              [([0, 1], [0.2, 0.9]), ([1, 0], [0, 0])]]


def srn_batch(orc, examples):
    """One batch of an Elman SRN: hidden links are [bias, context(3), input(2)];
    each tick the context holds the hidden cache of the tick before (0.5 after
    the reset at the start of an example); the derivative the context passes
    back to the hidden cache is thrown away at the next tick."""
    Dh, Do = np.zeros_like(orc.Wh), np.zeros_like(orc.Wo)
    net_err = F32(0)
    for events in examples:
        h_cache = [F32(0.5)] * 3
        for x, tgt in events:
            context = [F32(F32(0) + c) for c in h_cache]
            src_h = [F32(1)] + context + [F32(v) for v in x]
            h_in = dot_inputs(src_h, orc.Wh)
            h_out = act_forward("LOGISTIC", h_in)
            src_o = [F32(1)] + h_out
            o_in = dot_inputs(src_o, orc.Wo)
            o_out = act_forward("LOGISTIC", o_in)
            tgts = [F32(t) for t in tgt]
            err, _ = cost_forward("CROSS_ENTROPY", o_out, tgts)
            net_err = F32(net_err + F32(float(err) * float(F32(F32(1) / F32(1))) * 1.0))
            od = cost_back("CROSS_ENTROPY", o_out, tgts, F32(1), None)
            o_id = act_back("LOGISTIC", o_in, o_out, od)
            cache = [F32(0)] * 4
            for u in range(2):
                for j in range(4):
                    cache[j] = F32(cache[j] + F32(o_id[u] * orc.Wo[u, j]))
                    Do[u, j] = F32(Do[u, j] + F32(o_id[u] * src_o[j]))
            h_id = act_back("LOGISTIC", h_in, h_out, cache[1:])
            for u in range(3):
                for j in range(6):
                    Dh[u, j] = F32(Dh[u, j] + F32(h_id[u] * src_h[j]))
            h_cache = h_out
    return net_err, Dh, Do


@pytest.mark.parametrize("alg", ["momentum", "dougsMomentum"])
def test_elman_srn_trains_as_lens(tmp_path, alg):
    ex = example_file(tmp_path, SRN_EXAMPLES)
    L = lens(f"seed 8; addNet s -i 3 2 3 ELMAN 2; loadExamples {ex}; setObj reportInterval 1")
    assert [g.name for g in L.net.groups] == ["bias", "input", "context", "hidden", "output"]
    orc = Oracle(L, "LOGISTIC", "CROSS_ENTROPY")
    for _ in range(3):
        err, Dh, Do = srn_batch(orc, SRN_PARSED)
        stats = orc.update(alg, Dh, Do)
    L(f"train 3 -a {alg}")
    assert_matches(L, orc, err, stats)


EXTREME = [("LINEAR", "CROSS_ENTROPY"), ("LINEAR", "DIVERGENCE"), ("TANH", "CROSS_ENTROPY"),
           ("TANH", "SUM_SQUARED"), ("LOGISTIC", "CROSS_ENTROPY"), ("SOFT_MAX", "DIVERGENCE"),
           ("EXPONENTIAL", "DIVERGENCE"), ("GAUSSIAN", "SUM_SQUARED")]


@pytest.mark.parametrize("act,cost", EXTREME)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_saturated_units_and_out_of_range_outputs(tmp_path, act, cost, seed):
    # big weights: logistic clipped at ±16, tanh at ±17, CE/DIVERGENCE on outputs
    # outside (0,1), softmax far from its max
    examples = "I: 1 0 T: 1 0; I: 0.5 1 T: 0.2 0.7; I: 1 1 T: 0 1;"
    assert_matches(*run_both(tmp_path, "per-example", act, cost, "steepest", updates=1,
                             seed=seed, setup="setObj randRange 30; resetNet",
                             examples=examples))


@pytest.mark.parametrize("path", PATHS)
def test_adaptive_gain_without_links_decays_during_train(tmp_path, path):
    ex = example_file(tmp_path, "I: 1 0 T: 1;")
    L = lens(f"addNet n 2 1; addGroup h 2 ADAPTIVE_GAIN -BIASED; setObj h.gainDecay 0.1;"
             f"loadExamples {ex}; setObj reportInterval 0")
    use_path(L, path)
    L("train 1")
    expected = F32(F32(1) - F32(F32(F32(0.001) * F32(0)) + F32(F32(0.1) * F32(1))))
    assert list(L.net.group("h").unit_gain[-1]) == [expected, expected]


# -- exact sums are the default for batches far beyond the old 250 000 limit ---------------------

def big_batch_net(tmp_path, path, exact=None):
    rng = np.random.default_rng(0)
    lines = ["I: " + " ".join(map(str, rng.integers(0, 2, 60))) + " T: "
             + " ".join(map(str, rng.integers(0, 2, 10))) + ";" for _ in range(200)]
    ex = example_file(tmp_path, "\n".join(lines), name="big")
    L = lens(f"seed 1; addNet b 60 40 10; loadExamples {ex}; setObj reportInterval 0")
    use_path(L, path)
    L.net.exact_arithmetic = exact
    L("train 2; test")
    return L


@pytest.mark.parametrize("path", ["numpy-batch", "default"])
def test_big_batches_add_up_in_lens_order_by_default(tmp_path, path):
    # 200 examples x 2440 links: the vectorised paths must equal Lens's own loop
    ref = big_batch_net(tmp_path, "per-example")
    got = big_batch_net(tmp_path, path)
    assert F32(got.net.error) == F32(ref.net.error)
    np.testing.assert_array_equal(weights(got, "hidden"), weights(ref, "hidden"))
    np.testing.assert_array_equal(weights(got, "output"), weights(ref, "output"))
    inexact = big_batch_net(tmp_path, "numpy-batch", exact=False)
    assert not np.array_equal(weights(inexact, "hidden"), weights(ref, "hidden"))


# -- a sender with two projections into one group (act.c: dotProductInputBack) -------------------

def twin_hidden_derivs(Wo, Wh, x, tgt, interleave):
    """hidden link derivs of one training tick of bias/input(2)/hidden(3)/output(2)
    where output has blocks [bias, hidden, hidden]: Lens adds each output unit's
    two hidden blocks to the hidden derivative cache before the next unit."""
    src_h = [F32(1)] + [F32(v) for v in x]
    h_in = dot_inputs(src_h, Wh)
    h_out = act_forward("LOGISTIC", h_in)
    src_o = [F32(1)] + h_out + h_out
    o_in = dot_inputs(src_o, Wo)
    o_out = act_forward("LOGISTIC", o_in)
    od = cost_back("CROSS_ENTROPY", o_out, [F32(t) for t in tgt], F32(1), None)
    o_id = act_back("LOGISTIC", o_in, o_out, od)
    cache = [F32(0)] * 3
    order = ([(u, blk) for u in range(2) for blk in (0, 1)] if interleave
             else [(u, blk) for blk in (0, 1) for u in range(2)])
    for u, blk in order:
        for j in range(3):
            cache[j] = F32(cache[j] + F32(o_id[u] * Wo[u, 1 + 3 * blk + j]))
    h_id = act_back("LOGISTIC", h_in, h_out, cache)
    return np.array([[F32(F32(0) + F32(h_id[u] * src_h[j])) for j in range(3)]
                     for u in range(3)], F32)


@pytest.mark.parametrize("path", PATHS)
def test_a_sender_projecting_twice_adds_its_derivatives_unit_by_unit(tmp_path, path):
    ex = example_file(tmp_path, "I: 1 0.5 T: 1 0;")
    distinguished = 0
    for seed in range(1, 30):
        L = lens(f"seed {seed}; addNet n 2 3 2; connectGroups hidden output -type extra;"
                 f"setObj randRange 40; resetNet; loadExamples {ex}; setObj reportInterval 0")
        use_path(L, path)
        Wh, Wo = weights(L, "hidden").copy(), weights(L, "output").copy()
        L("steepest 1")
        lens_order = twin_hidden_derivs(Wo, Wh, [1, 0.5], [1, 0], True)
        other = twin_hidden_derivs(Wo, Wh, [1, 0.5], [1, 0], False)
        g = L.net.group("hidden")
        got = np.hstack([p.deriv for p in g.incoming])
        np.testing.assert_array_equal(got, lens_order)
        distinguished += not np.array_equal(lens_order, other)
    assert distinguished > 0


def test_reset_net_leaves_adjusted_targets(tmp_path):
    ex = example_file(tmp_path, "I: 1 0 T: 1 0;")
    L = lens(f"seed 1; addNet n 2 3 2; loadExamples {ex}; test")
    before = L("getObj output:1.adjustedTarget")
    assert before == "0"
    L("setObj output:1.adjustedTarget 0.25; resetNet")
    assert L("getObj output:1.adjustedTarget") == "0.25"


def srn_bptt_batch(orc, examples, k):
    """srn_batch with backpropTicks = k: after each tick's backward pass the
    derivative the context handed to the hidden cache is carried back k-1
    more ticks (context and everything before it restored to that tick);
    stepping back over the first tick of an example clears it."""
    Dh, Do = np.zeros_like(orc.Wh), np.zeros_like(orc.Wo)
    net_err = F32(0)
    for events in examples:
        h_cache, hist = [F32(0.5)] * 3, []
        for t, (x, tgt) in enumerate(events):
            context = [F32(F32(0) + c) for c in h_cache]
            src_h = [F32(1)] + context + [F32(v) for v in x]
            h_in = dot_inputs(src_h, orc.Wh)
            h_out = act_forward("LOGISTIC", h_in)
            hist.append((src_h, h_in, h_out))
            src_o = [F32(1)] + h_out
            o_in = dot_inputs(src_o, orc.Wo)
            o_out = act_forward("LOGISTIC", o_in)
            tgts = [F32(v) for v in tgt]
            err, _ = cost_forward("CROSS_ENTROPY", o_out, tgts)
            net_err = F32(net_err + F32(float(err) * 1.0 * 1.0))
            od = cost_back("CROSS_ENTROPY", o_out, tgts, F32(1), None)
            o_id = act_back("LOGISTIC", o_in, o_out, od)
            h_od = [F32(0)] * 3
            for u in range(2):
                for j in range(3):
                    h_od[j] = F32(h_od[j] + F32(o_id[u] * orc.Wo[u, 1 + j]))
                for j in range(4):
                    Do[u, j] = F32(Do[u, j] + F32(o_id[u] * src_o[j]))
            h_od = [F32(F32(0) + v) for v in h_od]
            for step in range(k):
                tau = t - step
                if tau < 0:
                    break                       # cleared: only zeros are added
                s_h, i_h, o_h = hist[tau]
                h_id = act_back("LOGISTIC", i_h, o_h, h_od)
                ctx = [F32(0)] * 3
                for u in range(3):
                    for j in range(6):
                        Dh[u, j] = F32(Dh[u, j] + F32(h_id[u] * s_h[j]))
                    for j in range(3):
                        ctx[j] = F32(ctx[j] + F32(h_id[u] * orc.Wh[u, 1 + j]))
                h_od = [F32(F32(0) + F32(F32(0) + c)) for c in ctx]
            h_cache = h_out
    return net_err, Dh, Do


@pytest.mark.parametrize("k", [1, 2, 3, 5])
def test_elman_srn_with_backprop_ticks_trains_as_lens(tmp_path, k):
    ex = example_file(tmp_path, SRN_EXAMPLES)
    L = lens(f"seed 8; addNet s -i 3 2 3 ELMAN 2; loadExamples {ex}; setObj reportInterval 1;"
             f"setObj backpropTicks {k}")
    orc = Oracle(L, "LOGISTIC", "CROSS_ENTROPY")
    for _ in range(3):
        err, Dh, Do = srn_bptt_batch(orc, SRN_PARSED, k)
        stats = orc.update("momentum", Dh, Do)
    L("train 3 -a momentum")
    assert_matches(L, orc, err, stats)


# -- ADAPTIVE_GAIN output units through training (act.c, train.c) --------------------------------

@pytest.mark.parametrize("act", ["LOGISTIC", "TANH"])
def test_adaptive_gain_output_group_trains_as_lens(tmp_path, act):
    cost = "CROSS_ENTROPY" if act == "LOGISTIC" else "SUM_SQUARED"
    ex = example_file(tmp_path, TWO_EXAMPLES)
    L = lens(f"seed 3; addNet n 2 3 2 {act} ADAPTIVE_GAIN {cost}; loadExamples {ex};"
             "setObj output:1.gain 1.5; setObj adaptiveGainRate 0.05; setObj output.gainDecay 0.01;"
             "setObj reportInterval 1")
    orc = Oracle(L, act, cost)
    gains = [F32(1), F32(1.5)]
    for _ in range(2):
        Dh, Do = np.zeros_like(orc.Wh), np.zeros_like(orc.Wo)
        g_deriv = [F32(0), F32(0)]
        err_total = F32(0)
        for x, tgt in [([1, 0], [1, 0]), ([0.5, 1], [0.2, 0.7])]:
            src_h = [F32(1)] + [F32(v) for v in x]
            h_in = dot_inputs(src_h, orc.Wh)
            h_out = act_forward("LOGISTIC", h_in)
            src_o = [F32(1)] + h_out
            o_in = dot_inputs(src_o, orc.Wo)
            o_out = [act_forward(act, [i], gain=g)[0] for i, g in zip(o_in, gains)]
            tgts = [F32(t) for t in tgt]
            err, _ = cost_forward(cost, o_out, tgts)
            err_total = F32(err_total + F32(float(err) * 1.0 * 1.0))
            od = cost_back(cost, o_out, tgts, F32(1), None)
            o_id = []
            for u in range(2):
                if act == "LOGISTIC":
                    xg = F32(float(F32(od[u] * o_out[u])) * (1.0 - float(o_out[u])))
                else:
                    c = F32(math.cosh(float(o_in[u])))
                    xg = F32(od[u] * F32(F32(1.0) / F32(c * c)))
                o_id.append(F32(xg * gains[u]))
                g_deriv[u] = F32(g_deriv[u] + F32(xg * o_in[u]))
            cache = [F32(0)] * 4
            for u in range(2):
                for j in range(4):
                    cache[j] = F32(cache[j] + F32(o_id[u] * orc.Wo[u, j]))
                    Do[u, j] = F32(Do[u, j] + F32(o_id[u] * src_o[j]))
            h_id = act_back("LOGISTIC", h_in, h_out, cache[1:])
            for u in range(3):
                for j in range(3):
                    Dh[u, j] = F32(Dh[u, j] + F32(h_id[u] * src_h[j]))
        gains = [max(F32(1e-8), F32(g - F32(F32(F32(0.05) * gd) + F32(F32(0.01) * g))))
                 for g, gd in zip(gains, g_deriv)]
        stats = orc.update("dougsMomentum", Dh, Do)
    L("train 2")
    assert_matches(L, orc, err_total, stats)
    assert list(L.net.group("output").unit_gain[-1]) == gains
