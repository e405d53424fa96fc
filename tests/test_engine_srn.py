"""Simple recurrent networks: the Elman copy, the gradient
cut at the context with backpropTicks = 1, truncated BPTT with 2, events,
criteria and event/example scripts -- against an independent NumPy loop."""
import io

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet
from lens_py.engine import training as TR
from lens_py.engine import types as T
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

SEQ_X = np.array([[1, 0], [0, 1], [1, 1], [0, 0]], float)
SEQ_Y = np.array([[0, 1], [1, 0], [1, 1], [0, 1]], float)


def srn(dtype=np.float64, bptt=1):
    s = Session(rng=LensRandom(2), write=io.StringIO().write)
    s.dtype = dtype
    net = s.add_net("srn", intervals=4, groups=[(2, []), (3, ["ELMAN"]), (2, [])])
    net.backprop_ticks = bptt
    ex = Example([Event(list(x), list(y)) for x, y in zip(SEQ_X, SEQ_Y)])
    s.add_set(ExampleSet("seq", [ex]))
    return s, net


def sig(x):
    return 1 / (1 + np.exp(-x))


def weights(net):
    hid, out = net.group("hidden"), net.group("output")
    by = {p.sender.name: p.weight.astype(float) for p in hid.incoming}
    return (by["bias"][:, 0], by["context"], by["input"],
            out.incoming[0].weight[:, 0].astype(float), out.incoming[1].weight.astype(float))


def oracle(net, bptt):
    wb, wc, wx, ob, wo = weights(net)
    g = {k: np.zeros_like(v) for k, v in zip(("wb", "wc", "wx", "ob", "wo"),
                                              (wb, wc, wx, ob, wo))}
    h_prev = np.full(3, 0.5)
    hist = []
    err = 0.0
    for x, y in zip(SEQ_X, SEQ_Y):
        c = h_prev
        h = sig(wb + wc @ c + wx @ x)
        o = sig(ob + wo @ h)
        err += -np.sum(y * np.log(o) + (1 - y) * np.log(1 - o))
        d_o = o - y
        g["ob"] += d_o
        g["wo"] += np.outer(d_o, h)
        d_h = (wo.T @ d_o) * h * (1 - h)
        g["wb"] += d_h
        g["wc"] += np.outer(d_h, c)
        g["wx"] += np.outer(d_h, x)
        if bptt == 2 and hist:
            cp, hp, xp = hist[-1]
            d_prev = (wc.T @ d_h) * hp * (1 - hp)
            g["wb"] += d_prev
            g["wc"] += np.outer(d_prev, cp)
            g["wx"] += np.outer(d_prev, xp)
        hist.append((c, h, x))
        h_prev = h
    return err, g


@pytest.mark.parametrize("bptt", [1, 2])
def test_srn_derivs_match_oracle(bptt):
    s, net = srn(bptt=bptt)
    assert TR.batch_blocker(net, net.training_set, True) is not None
    TR.train_batch(s, net)
    err, g = oracle(net, bptt)
    assert net.error == pytest.approx(err, rel=1e-12)
    hid, out = net.group("hidden"), net.group("output")
    by = {p.sender.name: p.deriv for p in hid.incoming}
    np.testing.assert_allclose(by["bias"][:, 0], g["wb"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(by["context"], g["wc"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(by["input"], g["wx"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(out.incoming[1].deriv, g["wo"], rtol=1e-10)
    assert net.ticks_on_example == 4
    # the context holds the hidden outputs of the previous tick
    ctx = net.group("context")
    assert ctx.output_cache[0] == pytest.approx(hist_hidden(net)[-2], rel=1e-12)


def hist_hidden(net):
    wb, wc, wx, _, _ = weights(net)
    h = np.full(3, 0.5)
    out = []
    for x in SEQ_X:
        h = sig(wb + wc @ h + wx @ x)
        out.append(h)
    return out


def test_srn_float32_trains_like_float64():
    s32, n32 = srn(np.float32)
    s64, n64 = srn(np.float64)
    s32.train(20, report=0)
    s64.train(20, report=0)
    np.testing.assert_allclose(n32.gather_links(), n64.gather_links(), atol=2e-5)


def test_event_and_example_scripts_and_hook_order():
    s, net = srn(np.float32)
    log = []
    s.run_script = lambda text: log.append(text)
    ex = net.training_set.examples[0]
    ex.proc = "exproc"
    ex.events[0].proc = "ev0"
    ex.events[1].proc = "ev1"
    for h in ("preExampleProc", "preEventProc", "postEventProc", "postExampleProc"):
        net.hooks[h] = h
    s.test()
    assert log[:7] == ["exproc", "preExampleProc", "ev0", "preEventProc", "postEventProc",
                       "ev1", "preEventProc"]
    assert log[-2:] == ["postEventProc", "postExampleProc"]


def test_scripts_need_an_interpreter():
    s, net = srn(np.float32)
    net.hooks["preEpochProc"] = "puts hi"
    with pytest.raises(Exception, match="needs a script interpreter"):
        s.train(1)


def test_group_criterion_ends_events_early_and_counts_correct():
    s, net = srn(np.float64)
    net.set_time(intervals=8)
    out = net.group("output")
    out.type |= T.STANDARD_CRIT
    for ev in net.training_set.examples[0].events:
        ev.max_time = 3.0
    net.test_group_crit = 2.0          # every output is within 2 of its target
    _, values = s.test()
    assert net.ticks_on_example == 4 and values["examplesCorrect"] == "1"
    net.test_group_crit = 0.0          # never met: each event runs to maxTime, ticks run out
    _, values = s.test()
    assert values["examplesCorrect"] == "0" and net.ticks_on_example == 8


def test_max_criterion_and_group_crit_required():
    s, net = srn(np.float64)
    out = net.group("output")
    out.type |= T.MAX_CRIT
    net.test_group_crit = 0.0
    net.group_crit_required = 1
    _, values = s.test()
    assert values["examplesCorrect"] == "0" and net.ticks_on_example == 1


def full_bptt_oracle(net):
    wb, wc, wx, ob, wo = weights(net)
    hs, cs, os_ = [], [], []
    h = np.full(3, 0.5)
    for x in SEQ_X:
        cs.append(h)
        h = sig(wb + wc @ h + wx @ x)
        hs.append(h)
        os_.append(sig(ob + wo @ h))
    g = {"wb": np.zeros(3), "wc": np.zeros((3, 3)), "wx": np.zeros((3, 2)),
         "wo": np.zeros((2, 3))}
    carry = np.zeros(3)            # ∂E/∂h(t) arriving from tick t+1 through the context
    for t in range(len(SEQ_X) - 1, -1, -1):
        d_o = os_[t] - SEQ_Y[t]
        g["wo"] += np.outer(d_o, hs[t])
        d_h = (wo.T @ d_o + carry) * hs[t] * (1 - hs[t])
        g["wb"] += d_h
        g["wc"] += np.outer(d_h, cs[t])
        g["wx"] += np.outer(d_h, SEQ_X[t])
        carry = wc.T @ d_h
    return g


def test_srbptt_is_full_backprop_through_time():
    s = Session(rng=LensRandom(2), write=io.StringIO().write)
    s.dtype = np.float64
    net = s.add_net("srn", intervals=4, net_type=T.SRBPTT,
                    groups=[(2, []), (3, ["ELMAN"]), (2, [])])
    ex = Example([Event(list(x), list(y)) for x, y in zip(SEQ_X, SEQ_Y)])
    s.add_set(ExampleSet("seq", [ex]))
    seen = []
    net.hooks["preExampleBackProc"] = lambda: seen.append(net.current_tick)
    TR.train_batch(s, net)
    assert seen == [3]
    g = full_bptt_oracle(net)
    hid = net.group("hidden")
    by = {p.sender.name: p.deriv for p in hid.incoming}
    np.testing.assert_allclose(by["bias"][:, 0], g["wb"], rtol=1e-10)
    np.testing.assert_allclose(by["context"], g["wc"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(by["input"], g["wx"], rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(net.group("output").incoming[1].deriv, g["wo"], rtol=1e-10)
    # the final outputs are those of the last tick again
    np.testing.assert_allclose(hid.output[0], hist_hidden(net)[-1], rtol=1e-12)
