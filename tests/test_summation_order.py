"""Lens's summation order, kept on every path: DOT_PRODUCT's unrolled loop
(act.h: FOR_EACH_LINK_FAST_FORW), batches far beyond the old 250 000-term
limit, and a sender with two projections into one group (act.c:
dotProductInputBack), each against the order written out here."""
import numpy as np
import pytest

from c_arithmetic import (F32, act_back, act_forward, cost_back, dot_inputs,
                          lens_block_sum, weights)
from c_oracle_runs import PATHS, example_file, lens, use_path



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
