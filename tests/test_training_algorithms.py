"""The four weight-update rules against the equations written out
independently here, and the vectorised batch path against the per-example
path for every algorithm and error function; and, through the shell on every
code path, each algorithm and each training parameter (block -> group -> net
values, decay, radii, error scales, min/max, frozen groups) against Lens's C
arithmetic written out (c_arithmetic.Oracle)."""
import io
import math

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet, xor_set
from lens_py.engine import training as TR
from lens_py.engine import vectorised
from lens_py.engine import types as T
from lens_py.engine.algorithms import update_weights
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

from c_arithmetic import F32
from c_oracle_runs import PATHS, assert_matches, run_both

W_HID = np.array([[0.3, -0.4, 0.25], [-0.2, 0.6, -0.5]])   # [bias, in0, in1] per hidden unit
W_OUT = np.array([[0.1, 0.7, -0.3]])                        # [bias, h0, h1]
X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], float)
Y = np.array([0, 1, 1, 0], float)


def oracle_derivs(w_hid, w_out):
    """Σ over XOR of ∂CE/∂w for a logistic 2-2-1 net (columns: bias first)."""
    g_hid = np.zeros_like(w_hid)
    g_out = np.zeros_like(w_out)
    for x, t in zip(X, Y):
        xin = np.r_[1.0, x]
        h = 1 / (1 + np.exp(-(w_hid @ xin)))
        hin = np.r_[1.0, h]
        o = 1 / (1 + np.exp(-(w_out @ hin)))
        d_out = o - t                           # CE with logistic: (o − t)
        g_out += np.outer(d_out, hin)
        d_hid = (w_out[:, 1:].T @ d_out) * h * (1 - h)
        g_hid += np.outer(d_hid, xin)
    return g_hid, g_out


def make_net(dtype=np.float64):
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    s.dtype = dtype
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    s.add_set(xor_set())
    hid, out = net.group("hidden"), net.group("output")
    hid.incoming[0].weight[:, 0] = W_HID[:, 0]
    hid.incoming[1].weight[...] = W_HID[:, 1:]
    out.incoming[0].weight[:, 0] = W_OUT[:, 0]
    out.incoming[1].weight[...] = W_OUT[:, 1:]
    return s, net


def engine_matrices(net, field):
    hid, out = net.group("hidden"), net.group("output")
    get = lambda p: getattr(p.arrays, field)
    return (np.hstack([get(hid.incoming[0]), get(hid.incoming[1])]),
            np.hstack([get(out.incoming[0]), get(out.incoming[1])]))


def test_link_derivs_match_oracle():
    s, net = make_net()
    TR.train_batch(s, net)
    g_hid, g_out = engine_matrices(net, "deriv")
    o_hid, o_out = oracle_derivs(W_HID, W_OUT)
    np.testing.assert_allclose(g_hid, o_hid, rtol=1e-12)
    np.testing.assert_allclose(g_out, o_out, rtol=1e-12)


LAST_HID = np.array([[0.01, -0.02, 0.0], [-0.03, 0.015, 0.02]])
LAST_OUT = np.array([[-0.01, 0.04, 0.0]])


@pytest.mark.parametrize("alg", ["steepest", "momentum", "dougsMomentum", "deltaBarDelta"])
@pytest.mark.parametrize("decay", [0.0, 0.01])
def test_one_update_matches_equations(alg, decay):
    s, net = make_net()
    hid, out = net.group("hidden"), net.group("output")
    for g, last in ((hid, LAST_HID), (out, LAST_OUT)):
        g.incoming[0].last_delta[:, 0] = last[:, 0]
        g.incoming[1].last_delta[...] = last[:, 1:]
    net.weight_decay = decay
    lr, mom = net.learning_rate, net.momentum
    TR.train_batch(s, net)
    g_hid, g_out = oracle_derivs(W_HID, W_OUT)
    update_weights(net, TR.resolve_algorithm(alg), True)
    sq = np.sum(g_hid ** 2) + np.sum(g_out ** 2)
    expected = []
    for w, g, last in ((W_HID, g_hid, LAST_HID), (W_OUT, g_out, LAST_OUT)):
        if alg == "steepest":
            step = -lr * g
        elif alg == "momentum":
            step = -lr * g + mom * last
        elif alg == "dougsMomentum":
            scale = 1 / math.sqrt(sq) if sq > 1 else 1.0
            step = -lr * scale * g + mom * last
        else:
            opposite = np.signbit(g) != np.signbit(last)
            rate = np.where(opposite, 1 + net.rate_increment, net.rate_decrement)
            step = -rate * lr * g + mom * last
        if decay > 0:
            step = step - decay * w
        expected.append((w + step, step))
    got_w = engine_matrices(net, "weight")
    got_d = engine_matrices(net, "last_delta")
    for (w, step), gw, gd in zip(expected, got_w, got_d):
        np.testing.assert_allclose(gw, w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(gd, step, rtol=1e-9, atol=1e-15)
    # statistics use the deltas from before the update
    lasts = np.r_[LAST_HID.ravel(), LAST_OUT.ravel()]
    grads = np.r_[g_hid.ravel(), g_out.ravel()]
    lin = -np.dot(lasts, grads) / math.sqrt(np.dot(lasts, lasts) * np.dot(grads, grads))
    assert net.gradient_linearity == pytest.approx(lin, rel=1e-9)
    weights = np.r_[expected[0][0].ravel(), expected[1][0].ravel()]
    assert net.weight_cost == pytest.approx(0.5 * np.sum(weights ** 2), rel=1e-12)


def test_grad_linearity_nan_after_reset_and_clipping():
    s, net = make_net()
    TR.train_batch(s, net)
    update_weights(net, T.STEEPEST, True)
    assert math.isnan(net.gradient_linearity)
    out = net.group("output")
    out.incoming[1].max[:] = 0.0
    out.incoming[1].min[:] = -0.1
    TR.train_batch(s, net)
    before = out.incoming[1].weight.copy()
    update_weights(net, T.STEEPEST, False)
    w = out.incoming[1].weight
    assert np.all(w <= 0.0) and np.all(w >= -0.1)
    np.testing.assert_allclose(out.incoming[1].last_delta, w - before, rtol=1e-12)
    assert net.gradient_linearity == 1.0 and net.weight_cost == 0.0


def test_frozen_links_and_overrides():
    s, net = make_net()
    hid, out = net.group("hidden"), net.group("output")
    net.freeze_weights(groups=[hid])
    out.learning_rate = 0.5
    out.incoming[0].learning_rate[:] = 2.0
    TR.train_batch(s, net)
    g_hid, g_out = oracle_derivs(W_HID, W_OUT)
    update_weights(net, T.STEEPEST, False)
    np.testing.assert_array_equal(engine_matrices(net, "weight")[0], W_HID)
    want = W_OUT + np.hstack([-2.0 * g_out[:, :1], -0.5 * g_out[:, 1:]])
    np.testing.assert_allclose(engine_matrices(net, "weight")[1], want, rtol=1e-12)


def _bigger_set(n=12, seed=3, targets="binary"):
    rng = np.random.default_rng(seed)
    exs = []
    for k in range(n):
        x = rng.uniform(0, 1, 4)
        if targets == "binary":
            t = (rng.uniform(size=3) > 0.5).astype(float)
        elif targets == "dist":
            t = rng.dirichlet(np.ones(3))
        else:
            t = rng.uniform(-1, 1, 3)
        exs.append(Example([Event(list(x), list(t))], frequency=float(rng.uniform(0.5, 2))))
    return ExampleSet("big", exs, mode=ExampleSet.PERMUTED)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("alg", ["steepest", "momentum", "dougsMomentum", "deltaBarDelta"])
@pytest.mark.parametrize("output,error,targets", [
    ("LOGISTIC", "CROSS_ENTROPY", "binary"),
    ("LOGISTIC", "CROSS_ENTROPY", "dist"),
    ("LINEAR", "SUM_SQUARED", "real"),
    ("SOFT_MAX", "DIVERGENCE", "dist"),
    ("TANH", "COSINE", "real"),
])
def test_vectorised_batch_equals_per_example_path(dtype, alg, output, error, targets):
    results = []
    for vectorise in (True, False):
        s = Session(rng=LensRandom(4), write=io.StringIO().write)
        s.dtype = dtype
        net = s.add_net("n", groups=[(4, []), (5, ["TANH"]), (3, [output, error])])
        net.vectorise = vectorise
        net.batch_size = 5
        net.pseudo_example_freq = 1
        s.add_set(_bigger_set(targets=targets))
        s.train(7, report=0, algorithm=alg)
        results.append((net.gather_links(), net.gather_links("last_delta"),
                        net.gather_links("last_value"), net.error,
                        net.group("output").output.copy(), s.rng.getstate()))
        assert vectorised.batch_blocker(net, net.training_set, True) == (None if vectorise else "disabled")
    (w1, d1, v1, e1, o1, r1), (w2, d2, v2, e2, o2, r2) = results
    if dtype == np.float32:
        np.testing.assert_array_equal(w1, w2)
        np.testing.assert_array_equal(d1, d2)
        np.testing.assert_array_equal(v1, v2)
        assert e1 == e2
        np.testing.assert_array_equal(o1, o2)
    else:
        np.testing.assert_allclose(w1, w2, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(d1, d2, rtol=1e-10, atol=1e-14)
        np.testing.assert_allclose(v1, v2, rtol=1e-12)
        assert e1 == pytest.approx(e2, rel=1e-12)
    assert r1 == r2   # the same random draws were made


def test_hooks_force_per_example_path_and_run_in_order():
    s, net = make_net(np.float32)
    log = []
    for h in ("preEpochProc", "postEpochProc", "postUpdateProc", "preExampleProc",
              "postExampleProc", "preEventProc", "postEventProc", "preTickProc",
              "postTickProc", "preTickBackProc"):
        net.hooks[h] = (lambda name=h: log.append(name))
    net.batch_size = 2
    s.train(1, report=0)
    per_example = ["preExampleProc", "preEventProc", "preTickProc", "preTickBackProc",
                   "postTickProc", "postEventProc", "postExampleProc"]
    assert log == ["preEpochProc"] + per_example * 2 + ["postEpochProc", "postUpdateProc"]
    log.clear()
    s.test(1)
    assert log == [h for h in per_example if h != "preTickBackProc"]


def test_running_error_visible_to_post_example_hook():
    s, net = make_net(np.float32)
    seen = []
    net.hooks["postExampleProc"] = lambda: seen.append(net.error)
    s.test()
    assert len(seen) == 4 and seen == sorted(seen) and seen[-1] == net.error


# -- through the shell: each algorithm and parameter against c_arithmetic.Oracle --


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
