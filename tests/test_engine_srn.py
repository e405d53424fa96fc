"""Simple recurrent networks: the Elman copy, the gradient
cut at the context with backpropTicks = 1, truncated BPTT with 2, events,
criteria and event/example scripts -- against an independent NumPy loop; and
Elman SRNs through the shell, with backpropTicks 1-5, against Lens's C
arithmetic written out (c_arithmetic.py)."""
import io

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet
from lens_py.engine import training as TR
from lens_py.engine import vectorised
from lens_py.engine import types as T
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

from c_arithmetic import (F32, Oracle, act_back, act_forward, cost_back, cost_forward,
                          dot_inputs)
from c_oracle_runs import assert_matches, example_file, lens

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
    assert vectorised.batch_blocker(net, net.training_set, True) is not None
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


# -- an Elman SRN through the shell, against c_arithmetic.Oracle ------------------


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
