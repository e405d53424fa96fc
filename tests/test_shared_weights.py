"""Shared weight arrays (`connectGroups A B -shareWith C D`): one
WeightArray behind several projections, derivatives summed over its places,
one update per step, and its interplay with freezing, resetNet and schedules."""
import io
import math

import numpy as np
import pytest

from fake_examples import xor_set
from lens_py.engine import types as T
from lens_py.engine.network import NetworkError
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session
from lens_py.engine.training import train, train_batch


def chain(share=True, dtype=np.float64, seed=3):
    """input(2) -> a(2) -> b(2) -> output(1); b<-a shares a<-input's array."""
    s = Session(rng=LensRandom(seed), write=io.StringIO().write)
    s.dtype = dtype
    net = s.add_net("shared", groups=[(2, [])])
    for name in ("a", "b"):
        net.add_group(name, 2)
    net.add_group("output", 1, ["OUTPUT"])
    g = net.group
    net.connect_groups(g("input"), g("a"))
    if share:
        net.connect_groups(g("a"), g("b"), share_with=(g("input"), g("a")))
    else:
        net.connect_groups(g("a"), g("b"))
        g("b").projection_from(g("a")).weight[...] = g("a").projection_from(g("input")).weight
    net.connect_groups(g("b"), g("output"))
    s.add_set(xor_set())
    net.report_interval = 0
    return s, net


def proj(net, recv, send):
    return net.group(recv).projection_from(net.group(send))


def test_one_array_two_places():
    s, net = chain()
    first, second = proj(net, "a", "input"), proj(net, "b", "a")
    assert second.arrays is first.arrays
    assert second.link_type == "a" and second.mask is None
    assert net.shared_followers() == {id(second)}
    first.weight[0, 1] = 0.25
    assert second.weight[0, 1] == 0.25


def test_sharing_draws_no_random_numbers():
    s = Session(rng=LensRandom(7), write=io.StringIO().write)
    net = s.add_net("n", groups=[(2, []), (2, []), (2, [])])
    g = net.group
    state = LensRandom(7)
    state.drand48_array(2 * net.num_links)      # addNet's draws, then resetNet's
    net.add_group("extra", 2, ["-BIASED"])
    net.connect_groups(g("output"), g("extra"), share_with=(g("input"), g("hidden")))
    assert s.rng.drand48() == state.drand48()


@pytest.mark.parametrize("kw,message", [
    ({"share_with": ("input", "output")},
     'connectGroups: -shareWith: there is no projection from "input" into "output"'),
    ({"share_with": ("hidden", "output")},
     "connectGroups: -shareWith: hidden->output has 1x2 links (receivers x senders) "
     "but a->b needs 2x2"),
    ({"share_with": ("input", "hidden"), "bidirectional": True},
     "connectGroups: -shareWith cannot be used with -bidirectional"),
    ({"share_with": ("input", "hidden"), "projection": "ONE_TO_ONE"},
     "it cannot be used with -projection"),
])
def test_errors(kw, message):
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    net = s.add_net("n", groups=[(2, []), (2, []), (1, [])])
    net.add_group("a", 2)
    net.add_group("b", 2)
    kw = dict(kw)
    kw["share_with"] = tuple(net.group(n) for n in kw["share_with"])
    with pytest.raises(NetworkError) as e:
        net.connect_groups(net.group("a"), net.group("b"), **kw)
    assert message in str(e.value)
    assert net.group("b").incoming == [proj(net, "b", "bias")]


def test_already_connected_is_an_error():
    s, net = chain()
    g = net.group
    with pytest.raises(NetworkError,
                       match='a is already connected to b:0 with a link of type "a"'):
        net.connect_groups(g("a"), g("b"), share_with=(g("input"), g("a")))


@pytest.mark.parametrize("vectorise,exact", [(True, None), (False, None), (True, True),
                                              (False, True)])
def test_derivatives_are_summed_over_places(vectorise, exact):
    shared_s, shared = chain(True)
    plain_s, plain = chain(False)
    plain.scatter_links("weight", shared.gather_links())
    for s, net in ((shared_s, shared), (plain_s, plain)):
        net.vectorise, net.exact_arithmetic = vectorise, exact
        train_batch(s, net)
    summed = proj(plain, "a", "input").deriv + proj(plain, "b", "a").deriv
    np.testing.assert_allclose(proj(shared, "a", "input").deriv, summed, rtol=1e-13, atol=0)
    assert not np.allclose(summed, proj(plain, "a", "input").deriv)


@pytest.mark.parametrize("vectorise", [True, False])
def test_one_update_per_step_with_summed_derivs(vectorise):
    s, net = chain()
    net.vectorise = vectorise
    net.algorithm = T.STEEPEST
    arr = proj(net, "a", "input").arrays
    w0 = arr.weight.copy()
    derivs = []
    net.hooks["postUpdateProc"] = lambda: derivs.append(arr.deriv.copy())
    train(s, net, 1)
    np.testing.assert_allclose(arr.weight, w0 - net.learning_rate * derivs[0], rtol=0,
                               atol=1e-15)
    np.testing.assert_array_equal(arr.last_delta, arr.weight - w0)


def test_momentum_uses_the_arrays_one_state():
    s, net = chain()
    net.algorithm = T.MOMENTUM
    arr = proj(net, "a", "input").arrays
    log = []
    net.hooks["postUpdateProc"] = lambda: log.append(
        (arr.weight.copy(), arr.last_delta.copy(), arr.deriv.copy()))
    w0 = arr.weight.copy()
    train(s, net, 3)
    prev_w, prev_last = w0, np.zeros_like(w0)
    for w, last, g in log:
        np.testing.assert_allclose(w, prev_w - net.learning_rate * g + net.momentum * prev_last,
                                   rtol=0, atol=1e-14)
        prev_w, prev_last = w, last


def test_first_places_parameters_apply():
    s, net = chain()
    net.algorithm = T.STEEPEST
    net.group("a").learning_rate = 0.5      # the first place's receiving group
    net.group("b").learning_rate = 0.0
    arr = proj(net, "a", "input").arrays
    w0 = arr.weight.copy()
    derivs = []
    net.hooks["postUpdateProc"] = lambda: derivs.append(arr.deriv.copy())
    train(s, net, 1)
    np.testing.assert_allclose(arr.weight, w0 - 0.5 * derivs[0], rtol=0, atol=1e-15)


def test_frozen_only_if_frozen_at_every_place():
    s, net = chain()
    arr = proj(net, "a", "input").arrays
    net.freeze_weights(groups=[net.group("a")])
    w0 = arr.weight.copy()
    train(s, net, 1)
    assert not np.array_equal(arr.weight, w0)     # still learns through b<-a
    net.freeze_weights(units=[(net.group("b"), 1)], link_type="a")
    w1 = arr.weight.copy()
    train(s, net, 1)
    assert np.array_equal(arr.weight[1], w1[1])  # row 1 frozen at both places
    assert not np.array_equal(arr.weight[0], w1[0])
    net.freeze_weights(groups=[net.group("b")])
    w2 = arr.weight.copy()
    train(s, net, 2)
    assert np.array_equal(arr.weight, w2)


def test_statistics_count_a_shared_array_once():
    s, net = chain()
    net.algorithm = T.MOMENTUM
    train(s, net, 2)
    prev = {id(p.arrays): p.arrays.last_delta.copy() for g in net.groups for p in g.incoming}
    log = []
    net.hooks["postUpdateProc"] = lambda: log.append(
        {id(p.arrays): (p.arrays.weight.copy(), p.arrays.deriv.copy())
         for g in net.groups for p in g.incoming})
    train(s, net, 1, report=1)
    after = log[0]
    assert len(after) == 5                      # six projections, five arrays
    cost = 0.5 * sum((w ** 2).sum() for w, _ in after.values())
    assert net.weight_cost == pytest.approx(cost, rel=1e-12)
    dot = sum((-prev[k] * g).sum() for k, (_, g) in after.items())
    dlen = sum((prev[k] ** 2).sum() for k in after)
    glen = sum((g ** 2).sum() for _, g in after.values())
    assert net.gradient_linearity == pytest.approx(dot / math.sqrt(dlen * glen), rel=1e-12)


def test_dougs_momentum_norm_counts_a_shared_array_once():
    s, net = chain()
    net.momentum = 0.0
    net.learning_rate = 1.0
    before = {id(p.arrays): p.arrays.weight.copy() for g in net.groups for p in g.incoming}
    log = []
    net.hooks["postUpdateProc"] = lambda: log.append(
        {id(p.arrays): p.arrays.deriv.copy() for g in net.groups for p in g.incoming})
    train(s, net, 1)
    g = log[0]
    total = sum((d ** 2).sum() for d in g.values())
    scale = 1 / math.sqrt(total) if total > 1 else 1.0
    for g_ in net.groups:
        for p in g_.incoming:
            np.testing.assert_allclose(p.weight, before[id(p.arrays)] - scale * g[id(p.arrays)],
                                       rtol=0, atol=1e-14)


def test_reset_net_draws_a_shared_array_once():
    s, net = chain(seed=11)
    s.rng.seed(5)
    net.reset_net()
    check = LensRandom(5)
    check.drand48_array(net.num_links - 4)      # b<-a's four links draw nothing
    assert s.rng.drand48() == check.drand48()
    assert proj(net, "b", "a").arrays is proj(net, "a", "input").arrays


def test_gather_and_scatter_see_every_place():
    s, net = chain()
    links = net.gather_links()
    assert len(links) == net.num_links == 2 * 3 + 2 * 3 + 3
    arr = proj(net, "a", "input").weight
    assert np.array_equal(links[:6].reshape(2, 3)[:, 1:], arr)
    assert np.array_equal(links[6:12].reshape(2, 3)[:, 1:], arr)
    links = links + 1
    net.scatter_links("weight", links)
    assert np.array_equal(net.gather_links(), links)


# -- with schedules ------------------------------------------------------------------------

def changed_per_update(net, s, n, **kw):
    arr = {f"{g.name}<-{p.sender.name}": p.arrays for g in net.groups for p in g.incoming}
    snaps = [{k: a.weight.copy() for k, a in arr.items()}]
    derivs = []

    def post():
        snaps.append({k: a.weight.copy() for k, a in arr.items()})
        derivs.append({k: a.deriv.copy() for k, a in arr.items()})
    net.hooks["postUpdateProc"] = post
    train(s, net, n, **kw)
    return [{k for k in snaps[i + 1] if not np.array_equal(snaps[i + 1][k], snaps[i][k])}
            for i in range(n)], snaps, derivs


SHARED = {"a<-input", "b<-a"}


@pytest.mark.parametrize("schedule", ["a<-input output", "b<-a output", "a output",
                                      "{a<-input|b -> 1} output", "1..2 output"])
def test_scheduling_any_place_updates_the_array_once_with_summed_derivs(schedule):
    s, net = chain()
    net.algorithm = T.STEEPEST
    net.update_schedule = schedule
    changed, snaps, derivs = changed_per_update(net, s, 4)
    assert SHARED <= changed[0] and SHARED <= changed[2]
    assert not (SHARED & changed[1]) and not (SHARED & changed[3])
    for k in (0, 2):
        np.testing.assert_allclose(snaps[k + 1]["a<-input"],
                                   snaps[k]["a<-input"] - net.learning_rate
                                   * derivs[k]["a<-input"], rtol=0, atol=1e-15)


def test_shared_array_held_when_no_place_is_named():
    s, net = chain()
    net.update_schedule = "output b<-bias"
    changed, _, _ = changed_per_update(net, s, 4)
    assert changed == [{"output<-b", "output<-bias"}, {"b<-bias"}] * 2


def test_shared_array_and_freezing_with_a_schedule():
    s, net = chain()
    net.freeze_weights(groups=[net.group("a")])
    net.update_schedule = "a<-input b"          # names the frozen place, then the other
    changed, _, _ = changed_per_update(net, s, 2)
    assert changed == [SHARED, SHARED | {"b<-bias"}]
