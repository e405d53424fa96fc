"""Network structure and Lens's random draw order: group types and masks,
link layouts, and the sparse projections (RANDOM, FIXED_IN, FIXED_OUT, FAIR,
FAN, ONE_TO_ONE) against connect.c's draws written out (c_arithmetic.py)."""
import math

import numpy as np
import pytest

from lens_py.engine import types as T
from lens_py.engine.network import NetworkError
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

from c_arithmetic import F32, Drand48, GlibcRandom, rand_real, rand_sort
from c_oracle_runs import lens


def xor_net(seed=1, dtype=np.float32):
    s = Session(rng=LensRandom(seed))
    s.dtype = dtype
    return s, s.add_net("xor", groups=[(2, []), (2, []), (1, [])])


def test_golden_first_weights():
    _, net = xor_net()
    h = net.group("hidden")
    assert "%.7g" % h.incoming[0].weight[0, 0] == "-0.2674527"
    assert "%.7g" % net.incoming_link(h, 0, 1)[0].weight[0, 0] == "-0.2975818"


def test_draw_order_matches_drand48_stream():
    """9 creation draws, then resetNet's 9 in group → unit → link order."""
    _, net = xor_net()
    d = LensRandom(1).drand48_array(18)[9:]
    expected = ((2 * d - 1).astype(np.float32) * np.float32(1) + np.float32(0))
    np.testing.assert_array_equal(net.gather_links(), expected.astype(np.float32))


@pytest.mark.parametrize("n", [0, 1, 15, 16, 17, 4096, 4097])
def test_drand48_array_is_the_stream_one_by_one(n):
    # few values are drawn one by one, more in blocks: the same values, and
    # the stream left in the same place, either way
    a, b = LensRandom(9), LensRandom(9)
    a.drand48()
    b.drand48()
    block = a.drand48_array(n)
    assert block.tobytes() == np.array([b.drand48() for _ in range(n)]).tobytes()
    assert a.drand48() == b.drand48()


def test_group_masks_and_defaults():
    _, net = xor_net()
    masks = {g.name: g.type for g in net.groups}
    assert masks == {"bias": 0x2000001, "input": 0x2000002, "hidden": 0x3000000,
                     "output": 0x23000004}
    out = net.group("output")
    assert out.input_procs == [T.DOT_PRODUCT]
    assert out.output_procs == [T.LOGISTIC]
    assert out.cost_procs == [T.CROSS_ENTROPY]
    assert net.group("input").output_procs == [T.HARD_CLAMP]
    assert net.group("bias").output_procs == [T.BIAS_CLAMP]
    assert out.init_output == 0.5 and out.min_output == 0.0 and out.max_output == 1.0
    assert [p.link_type for p in net.group("hidden").incoming] == ["bias", "input"]


def test_add_group_type_resolution():
    _, net = xor_net()
    g = net.add_group("soft", 4, ["SOFT_MAX"])
    assert g.output_procs == [T.SOFT_MAX] and g.cost_procs == []
    assert g.init_output == pytest.approx(0.25)
    o = net.add_group("lin", 3, ["OUTPUT", "LINEAR"])
    assert o.cost_procs == [T.SUM_SQUARED]
    s = net.add_group("sm", 3, ["OUTPUT", "SOFT_MAX"])
    assert s.cost_procs == [T.DIVERGENCE]
    nb = net.add_group("nb", 2, ["-BIASED"])
    assert not nb.type & T.BIASED and nb.incoming == []
    t = net.add_group("th", 2, ["TANH"])
    assert (t.min_output, t.max_output, t.init_output) == (-1.0, 1.0, 0.0)
    with pytest.raises(T.TypeError_, match='Invalid group type: "FROZEN"'):
        net.add_group("bad", 2, ["FROZEN"])
    with pytest.raises(NetworkError, match="already exists"):
        net.add_group("lin", 2, [])


def test_prefix_lookup_is_first_in_sorted_table():
    assert T.lookup_group_type("LOG") == (T.GROUP_OUTPUT, T.LOGISTIC)
    assert T.lookup_group_type("BIAS") == (T.GROUP, T.BIAS)
    assert T.lookup_type_mask("CONT", T.NETWORK) == T.CONTINUOUS
    assert T.lookup_type_mask("dougs", T.ALGORITHM) == T.DOUGS_MOMENTUM


def test_elman_shorthand_layout():
    s = Session(rng=LensRandom(3))
    net = s.add_net("srn", intervals=5, groups=[(10, []), (20, ["ELMAN"]), (3, ["SOFT_MAX"])])
    assert [g.name for g in net.groups] == ["bias", "input", "context", "hidden", "output"]
    hid = net.group("hidden")
    assert [p.sender.name for p in hid.incoming] == ["bias", "context", "input"]
    ctx = net.group("context")
    assert ctx.elman_source is hid and ctx.output_procs == [T.ELMAN_CLAMP]
    assert ctx.init_output == 0.5 and net.max_ticks == 5


def test_connect_full_draws_receiver_major():
    s = Session(rng=LensRandom(7))
    net = s.add_net("n")
    a = net.add_group("a", 3, ["INPUT"])
    b = net.add_group("b", 2, ["-BIASED"])
    state = s.rng.getstate()
    net.connect_groups(a, b, mean=0.5, rng_range=0.25)
    ref = LensRandom(0)
    ref.setstate(state)
    d = ref.drand48_array(6).reshape(2, 3)
    want = ((2 * d - 1).astype(np.float32) * np.float32(0.25) + np.float32(0.5)).astype(np.float32)
    np.testing.assert_array_equal(b.incoming[0].weight, want)


def test_one_to_one_is_frozen_with_mean_one():
    s = Session(rng=LensRandom(1))
    net = s.add_net("n", groups=[(3, []), (3, [])])
    c = net.add_group("copy", 3, ["-BIASED"])
    net.connect_groups(net.group("output"), c, "ONE_TO_ONE", mean=1.0, rng_range=0.0)
    p = c.incoming[0]
    assert p.mask.sum() == 3 and np.all(p.weight[p.mask] == 1.0) and p.frozen.all()
    before = p.weight.copy()
    net.reset_net()
    np.testing.assert_array_equal(p.weight, before)


def test_random_projection_interleaves_probability_and_weight_draws():
    s = Session(rng=LensRandom(11))
    net = s.add_net("n")
    a = net.add_group("a", 3, ["INPUT"])
    b = net.add_group("b", 4, ["-BIASED"])
    state = s.rng.getstate()
    net.connect_groups(a, b, "RANDOM", strength=0.5)
    ref = LensRandom(0)
    ref.setstate(state)
    mask = np.zeros((4, 3), bool)
    w = np.zeros((4, 3), np.float32)
    for v in range(3):
        for u in range(4):
            if np.float32(ref.drand48()) < np.float32(0.5):
                mask[u, v] = True
                w[u, v] = np.float32(2 * ref.drand48() - 1)
    p = b.incoming[0]
    np.testing.assert_array_equal(p.mask, mask)
    np.testing.assert_array_equal(p.weight, w)


def test_freeze_skips_reset_but_rand_weights_does_not():
    s, net = xor_net()
    h = net.group("hidden")
    net.freeze_weights(groups=[h])
    before = [p.weight.copy() for p in h.incoming]
    net.reset_net()
    for p, w in zip(h.incoming, before):
        np.testing.assert_array_equal(p.weight, w)
    net.rand_weights(groups=[h])
    assert not np.array_equal(h.incoming[1].weight, before[1])
    net.thaw_weights()
    assert not net.frozen and not h.frozen and not h.unit_frozen.any()
    with pytest.raises(NetworkError, match="link type nope doesn't exist"):
        net.freeze_weights(link_type="nope")


def test_link_order_views_round_trip():
    _, net = xor_net()
    vals = net.gather_links()
    net.scatter_links("weight", vals[::-1].copy())
    np.testing.assert_array_equal(net.gather_links(), vals[::-1])
    out = net.group("output")
    p, s_ = net.incoming_link(out, 0, 2)
    assert p.sender.name == "hidden" and s_ == 1
    assert net.link_index(out, 0, p, 1) == 2


def test_set_time_and_reset_state():
    _, net = xor_net()
    assert net.set_time(3, 2) == "3 2 6"
    assert net.dt == 0.5 and net.max_ticks == 6
    g = net.group("hidden")
    g.output[:] = 0.9
    net.reset_net()
    assert g.output[0, 0] == np.float32(0.5) and math.isnan(g.target[0, 0])


# -- group types (type.c: cleanupGroupType) and sparse projections (connect.c),
# -- through the shell, against the draws written out in c_arithmetic.py


# -- group types (type.c: cleanupGroupType) ------------------------------------------------

def test_a_bias_group_drops_criterion_types():
    L = lens("addNet n 2 1; addGroup b2 1 BIAS STANDARD_CRIT")
    assert L("getObj b2.type") == "0x2000001"


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
