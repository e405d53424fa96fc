"""Forward values, errors and link derivatives against an independent NumPy
oracle (written from Lens's formulas), for every activation, error function
and projection type the engine supports."""
import io
import math

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet
from lens_py.engine import activations as A
from lens_py.engine import forward as F
from lens_py.engine import training as TR
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session


def oracle_act(kind, x, gain=1.0, shift=5.0):
    if kind == "LINEAR":
        return x
    if kind == "LOGISTIC":
        return 1 / (1 + np.exp(-gain * x))
    if kind == "TANH":
        return np.tanh(gain * x)
    if kind == "EXPONENTIAL":
        return np.exp(x)
    if kind == "GAUSSIAN":
        return np.exp(-(gain * x) ** 2)
    if kind == "SOFT_MAX":
        e = np.exp(x - max(0.0, x.max()))
        return e / e.sum()
    if kind == "TERNARY":
        a, y = np.exp(gain * x), np.exp(gain * shift)
        z = a * y
        return (a * z - y) / ((a + y) * (z + 1))
    raise ValueError(kind)


def oracle_error(kind, o, t):
    if kind == "SUM_SQUARED":
        return np.sum((o - t) ** 2)
    if kind == "CROSS_ENTROPY":
        e = 0.0
        for oi, ti in zip(o, t):
            if ti > 0:
                e += ti * math.log(ti / oi)
            if ti < 1:
                e += (1 - ti) * math.log((1 - ti) / (1 - oi))
        return e
    if kind == "DIVERGENCE":
        return sum(ti * math.log(ti / oi) for oi, ti in zip(o, t) if ti > 0)
    if kind == "COSINE":
        return 1 - o @ t / (np.linalg.norm(o) * np.linalg.norm(t))
    raise ValueError(kind)


def build(hidden, output, error, dtype, seed=5):
    s = Session(rng=LensRandom(seed), write=io.StringIO().write)
    s.dtype = dtype
    net = s.add_net("n", groups=[(3, []), (4, [hidden]), (2, [output, error])])
    rng = np.random.default_rng(seed)
    for g in net.groups:
        for p in g.incoming:
            p.weight[...] = rng.uniform(-0.8, 0.8, p.weight.shape)
    return s, net


def oracle_forward(net, x, hidden, output):
    def layer(g, inp, kind):
        b = g.incoming[0].weight[:, 0].astype(float)
        w = g.incoming[1].weight.astype(float)
        return oracle_act(kind, w @ inp + b)
    h = layer(net.group("hidden"), x, hidden)
    return h, layer(net.group("output"), h, output)


def one_example_set(x, t):
    return ExampleSet("one", [Example([Event(list(x), list(t))])])


CASES = [
    ("LOGISTIC", "LOGISTIC", "CROSS_ENTROPY", [0.0, 1.0]),
    ("LOGISTIC", "LOGISTIC", "CROSS_ENTROPY", [0.3, 0.8]),
    ("TANH", "LINEAR", "SUM_SQUARED", [0.4, -1.2]),
    ("EXPONENTIAL", "SOFT_MAX", "DIVERGENCE", [0.25, 0.75]),
    ("GAUSSIAN", "LOGISTIC", "SUM_SQUARED", [0.1, 0.9]),
    ("TERNARY", "TANH", "COSINE", [0.6, -0.2]),
    ("LINEAR", "EXPONENTIAL", "SUM_SQUARED", [1.5, 0.2]),
]


@pytest.mark.parametrize("hidden,output,error,target", CASES)
def test_forward_and_error_match_oracle_float64(hidden, output, error, target):
    s, net = build(hidden, output, error, np.float64)
    x = np.array([0.2, -0.7, 1.0])
    s.add_set(one_example_set(x, target))
    s.test()
    h, o = oracle_forward(net, x, hidden, output)
    np.testing.assert_allclose(net.group("hidden").output[0], h, rtol=1e-12)
    np.testing.assert_allclose(net.group("output").output[0], o, rtol=1e-12)
    assert net.error == pytest.approx(oracle_error(error, o, np.array(target)), rel=1e-10)


@pytest.mark.parametrize("hidden,output,error,target", CASES)
def test_forward_float32_close_to_oracle(hidden, output, error, target):
    s, net = build(hidden, output, error, np.float32)
    x = np.array([0.2, -0.7, 1.0])
    s.add_set(one_example_set(x, target))
    s.test()
    h, o = oracle_forward(net, x, hidden, output)
    np.testing.assert_allclose(net.group("output").output[0], o, rtol=2e-6, atol=2e-7)
    assert net.error == pytest.approx(oracle_error(error, o, np.array(target)), rel=1e-4)


@pytest.mark.parametrize("hidden,output,error,target", CASES)
def test_link_derivs_are_the_error_gradient(hidden, output, error, target):
    """Backprop's link derivs equal finite differences of the oracle's error."""
    s, net = build(hidden, output, error, np.float64)
    x = np.array([0.2, -0.7, 1.0])
    t = np.array(target)
    s.add_set(one_example_set(x, target))
    TR.train_batch(s, net)
    for g in (net.group("hidden"), net.group("output")):
        for p in g.incoming:
            for idx in np.ndindex(p.weight.shape):
                keep = p.weight[idx]
                p.weight[idx] = keep + 1e-6
                up = oracle_error(error, oracle_forward(net, x, hidden, output)[1], t)
                p.weight[idx] = keep - 1e-6
                down = oracle_error(error, oracle_forward(net, x, hidden, output)[1], t)
                p.weight[idx] = keep
                assert p.deriv[idx] == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-8)


def test_sigmoid_table_matches_formula():
    assert A.SIGMOID_TABLE.size == 32770 and A.SIGMOID_TABLE.dtype == np.float32
    x = np.linspace(-20, 20, 4001).astype(np.float32)
    got = A.fast_sigmoid(x)
    inside = np.abs(x) <= 16
    np.testing.assert_allclose(got[inside], 1 / (1 + np.exp(-x[inside].astype(float))),
                               atol=5e-7)  # v = (x+16)·1024 is a float: 1/512 steps
    assert np.all(got[x < -16] == got[0]) and np.all(got[x > 16] == got[-1])
    assert got.min() > 0 and got[0] == pytest.approx(1.125e-7, rel=0.01)
    assert math.isnan(A.fast_sigmoid(np.array([np.nan], np.float32))[0])


def test_tanh_quirk_uses_unscaled_input():
    s, net = build("LOGISTIC", "TANH", "SUM_SQUARED", np.float64)
    out = net.group("output")
    out.gain = 2.0
    x = np.array([0.2, -0.7, 1.0])
    s.add_set(one_example_set(x, [0.5, 0.5]))
    TR.train_batch(s, net)
    inp = out.input[0]
    o = np.tanh(2 * inp)
    want = 2 * (o - 0.5) * 2.0 / np.cosh(inp) ** 2   # SS deriv · gain · sech²(input)
    np.testing.assert_allclose(out.input_deriv[0], want, rtol=1e-12)


def test_target_radius_and_zero_error_radius():
    s, net = build("LOGISTIC", "LINEAR", "SUM_SQUARED", np.float64)
    out = net.group("output")
    x = np.array([0.2, -0.7, 1.0])
    s.add_set(one_example_set(x, [0.0, 0.0]))
    s.test()
    o = out.output[0].copy()
    for r, z in ((0.1, 0.0), (0.0, 5.0), (0.05, 0.02)):
        net.target_radius, net.zero_error_radius = r, z
        s.test()
        d = o
        adj = np.where((d < z) & (d > -z), o, np.where(d > r, r, np.where(d < -r, -r, o)))
        assert net.error == pytest.approx(np.sum((o - adj) ** 2), rel=1e-12)


def test_error_scale_and_pseudo_example_frequency():
    s, net = build("LOGISTIC", "LOGISTIC", "SUM_SQUARED", np.float64)
    x = np.array([0.2, -0.7, 1.0])
    ex = Example([Event(list(x), [0.2, 0.7])], frequency=0.5)
    s.add_set(ExampleSet("f", [ex]))
    s.test()
    base = net.error
    net.group("output").error_scale = 3.0
    s.test()
    assert net.error == pytest.approx(3 * base, rel=1e-12)
    net.pseudo_example_freq = 1
    s.test()
    assert net.error == pytest.approx(1.5 * base, rel=1e-12)


def test_nan_targets_give_no_error():
    s, net = build("LOGISTIC", "LOGISTIC", "CROSS_ENTROPY", np.float64)
    x = np.array([0.2, -0.7, 1.0])
    s.add_set(one_example_set(x, [np.nan, 1.0]))
    s.test()
    o = net.group("output").output[0]
    assert net.error == pytest.approx(-math.log(o[1]), rel=1e-12)


def test_unit_output_costs():
    for cost in ("LINEAR_COST", "QUADRATIC_COST", "CONV_QUAD_COST"):
        s, net = build("LOGISTIC", "LOGISTIC", "SUM_SQUARED", np.float64)
        hid = net.group("hidden")
        hid.cost_procs.append({"LINEAR_COST": 1 << 16, "QUADRATIC_COST": 1 << 17,
                               "CONV_QUAD_COST": 1 << 18}[cost])
        x = np.array([0.2, -0.7, 1.0])
        s.add_set(one_example_set(x, [0.2, 0.7]))
        TR.train_batch(s, net)
        o, p = hid.output[0], 0.5
        if cost == "LINEAR_COST":
            want = np.sum(np.where(o <= p, o / p, (1 - o) / (1 - p)))
            deriv = np.where(o < p, 0.01 / p, np.where(o > p, 0.01 / (p - 1), 0))
        elif cost == "QUADRATIC_COST":
            v = np.where(o <= p, o / p, (1 - o) / (1 - p))
            want = np.sum(v * v)
            deriv = np.where(o < p, 0.02 * o / p ** 2, -0.02 * (1 - o) / (1 - p) ** 2)
        else:
            want = np.sum(o * (2 * p - o) / p ** 2)
            deriv = 0.02 * (p - o) / p ** 2
        assert net.output_cost == pytest.approx(want, rel=1e-7)
        # the cost derivative is part of the hidden units' output derivative
        w = net.group("output").incoming[1].weight
        od = net.group("output").input_deriv[0] @ w
        np.testing.assert_allclose(hid.output_deriv[0], deriv + od, rtol=1e-6)


@pytest.mark.parametrize("kind", ["RANDOM", "FIXED_IN", "FIXED_OUT", "FAIR", "FAN", "ONE_TO_ONE"])
def test_sparse_projection_forward_uses_only_its_links(kind):
    s = Session(rng=LensRandom(9), write=io.StringIO().write)
    s.dtype = np.float64
    net = s.add_net("n")
    a = net.add_group("a", 6, ["INPUT"])
    b = net.add_group("b", 5, ["OUTPUT", "LINEAR"])
    net.connect_groups(a, b, kind, strength=0.5)
    p = b.incoming[1]
    assert p.mask is not None and p.mask.any()
    assert np.all(p.weight[~p.mask] == 0)
    x = np.linspace(-1, 1, 6)
    s.add_set(one_example_set(x, [0.0] * 5))
    TR.train_batch(s, net)
    bias = b.incoming[0].weight[:, 0]
    np.testing.assert_allclose(b.output[0], (p.weight * p.mask) @ x + bias, rtol=1e-12)
    assert np.all(p.deriv[~p.mask] == 0)
    if kind == "FIXED_IN":
        assert np.all(p.mask.sum(axis=1) == 3)
    if kind == "FIXED_OUT":
        assert np.all(p.mask.sum(axis=0) == 2)


def test_exact_float32_sum_replays_lens_unrolled_loop():
    """More than ten links per block: chunks of ten are summed first."""
    rng = np.random.default_rng(1)
    O = rng.standard_normal((3, 23)).astype(np.float32)
    W = rng.standard_normal((4, 23)).astype(np.float32)
    got = F._block_sum_exact(np.zeros((3, 4), np.float32), O, W)
    want = np.zeros((3, 4), np.float32)
    for r in range(3):
        for u in range(4):
            acc = np.float32(0)
            p = 0
            while p + 10 < 23:
                c = O[r, p] * W[u, p]
                for k in range(1, 10):
                    c = np.float32(c + O[r, p + k] * W[u, p + k])
                acc = np.float32(acc + c)
                p += 10
            for j in range(p, 23):
                acc = np.float32(acc + O[r, j] * W[u, j])
            want[r, u] = acc
    np.testing.assert_array_equal(got, want)
