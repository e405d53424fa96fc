"""randWeights and resetNet against Lens 2.63 (connect.c: randomizeWeights
and its callers; network.c: standardResetNet): the order the groups, units
and links are drawn in, randMean/randRange taken block -> group -> net, the
-mean/-range options, frozen links, and what resetNet resets and leaves.
Expected weights are drawn here from drand48 written out."""
import numpy as np

from c_arithmetic import F32, Drand48, rand_real, weights
from c_oracle_runs import TWO_EXAMPLES, example_file, lens



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


def test_reset_net_leaves_adjusted_targets(tmp_path):
    ex = example_file(tmp_path, "I: 1 0 T: 1 0;")
    L = lens(f"seed 1; addNet n 2 3 2; loadExamples {ex}; test")
    before = L("getObj output:1.adjustedTarget")
    assert before == "0"
    L("setObj output:1.adjustedTarget 0.25; resetNet")
    assert L("getObj output:1.adjustedTarget") == "0.25"
