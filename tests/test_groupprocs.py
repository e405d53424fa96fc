"""DISTANCE, PRODUCT, IN_NORM, IN_COPY, OUT_NORM, OUT_WINNER, OUT_COPY and
TARGET_COPY (lens_py/engine/groupprocs.py) checked against Lens 2.63's act.c.

Each test builds a small net through the shell with given weights and
compares the forward values (`doExample -test`) and the link derivatives of
one training batch (`setObj learningRate 0`, `steepest 1`) with numbers
worked out here by a float32 transcription of the C loops (scalar by
scalar, in the C order; double only where the C code uses a double)."""
import io
import math

import numpy as np
import pytest

from lens_py import Lens
from lens_py.engine import types as T
from lens_py.engine.network import NetworkError
import lens_py.engine.groupprocs as M

f32 = np.float32

# weights into hidden (bias block first, then input) and into output
W_HB = [[0.25], [-0.5], [0.75]]
W_HI = [[0.3, -0.7], [1.1, 0.4], [-0.2, 0.9]]
W_OB = [[0.1], [-0.3]]
W_OH = [[0.5, -0.25, 0.8], [-0.6, 0.45, 0.2]]
INPUT = [1.0, 0.5]
TARGET = [1.0, 0.0]


def build(tmp_path, hidden_types, example=None, out_types="LINEAR", hidden_size=3):
    ex = tmp_path / "x.ex"
    ex.write_text(example or "I: 1 0.5 T: 1 0\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup hidden {hidden_size} {hidden_types}
addGroup output 2 OUTPUT {out_types}
connectGroups input hidden output
loadExamples {{{ex}}}
setObj learningRate 0
""")
    net = lens.net
    h, o = net.group("hidden"), net.group("output")
    assert [p.sender.name for p in h.incoming] == ["bias", "input"]
    assert [p.sender.name for p in o.incoming] == ["bias", "hidden"]
    if hidden_size == 3:
        h.incoming[0].weight[...] = W_HB
        h.incoming[1].weight[...] = W_HI
        o.incoming[1].weight[...] = W_OH
    o.incoming[0].weight[...] = W_OB
    return lens


def weights(g):
    return [p.weight.copy() for p in g.incoming]


# -- the reference: C loops, scalar by scalar ---------------------------------------------

def ref_dot(blocks, outs):
    """dotProductInput for <= 10 links per block: input += o·w, in link order."""
    res = []
    for u in range(blocks[0].shape[0]):
        acc = f32(0)
        for W, o in zip(blocks, outs):
            for s in range(len(o)):
                acc = f32(acc + f32(o[s] * W[u, s]))
        res.append(acc)
    return np.array(res, dtype=f32)


def ref_dot_back(ids, blocks, outs):
    """dotProductInputBack: (link derivs per block, sender deriv caches per block)."""
    derivs = [np.zeros_like(W) for W in blocks]
    caches = [np.zeros(len(o), dtype=f32) for o in outs]
    for u in range(len(ids)):
        for k, (W, o) in enumerate(zip(blocks, outs)):
            for s in range(len(o)):
                caches[k][s] = f32(caches[k][s] + f32(ids[u] * W[u, s]))
                derivs[k][u, s] = f32(derivs[k][u, s] + f32(ids[u] * o[s]))
    return derivs, caches


def ref_sum_squared_deriv(out, target):
    scale = f32(1.0 * 1.0 * 2.0)
    return np.array([f32(scale * f32(o - t)) for o, t in zip(out, target)], dtype=f32)


def ref_output_layer(h_out, target=TARGET):
    """A LINEAR OUTPUT group with SUM_SQUARED: its output, its link derivs and
    the hidden group's outputDeriv (0 + the cache it sends back)."""
    ob, oh = np.array(W_OB, f32), np.array(W_OH, f32)
    one = np.array([1.0], f32)
    o_out = ref_dot([ob, oh], [one, h_out])
    o_id = ref_sum_squared_deriv(o_out, target)
    derivs, caches = ref_dot_back(o_id, [ob, oh], [one, h_out])
    h_od = np.array([f32(f32(0) + c) for c in caches[1]], dtype=f32)
    return o_out, derivs, h_od


def run_test(lens):
    lens("doExample 0 -test")
    net = lens.net
    return net.group("hidden"), net.group("output")


def train_once(lens):
    lens("steepest 1")
    net = lens.net
    return net.group("hidden"), net.group("output")


def check_output_layer(o, h_out):
    o_out, o_derivs, h_od = ref_output_layer(h_out)
    assert np.array_equal(o.output[0], o_out)
    for p, want in zip(o.incoming, o_derivs):
        assert np.array_equal(p.deriv, want)
    return h_od


BIAS_IN = [np.array([1.0], f32), np.array(INPUT, f32)]


def hidden_blocks():
    return [np.array(W_HB, f32), np.array(W_HI, f32)]


# -- DISTANCE --------------------------------------------------------------------------

def ref_distance(blocks, outs):
    res = []
    for u in range(blocks[0].shape[0]):
        acc = f32(0)
        for W, o in zip(blocks, outs):
            for s in range(len(o)):
                diff = f32(W[u, s] - o[s])
                acc = f32(acc + f32(diff * diff))
        res.append(acc)
    return np.array(res, dtype=f32)


def ref_distance_back(ids, blocks, outs):
    derivs = [np.zeros_like(W) for W in blocks]
    caches = [np.zeros(len(o), dtype=f32) for o in outs]
    for u in range(len(ids)):
        twice = f32(float(ids[u]) * 2.0)
        if twice == 0.0:
            continue
        for k, (W, o) in enumerate(zip(blocks, outs)):
            for s in range(len(o)):
                delta = f32(twice * f32(W[u, s] - o[s]))
                caches[k][s] = f32(caches[k][s] - delta)
                derivs[k][u, s] = f32(derivs[k][u, s] + delta)
    return derivs, caches


def test_distance_forward_and_backward(tmp_path):
    lens = build(tmp_path, "DISTANCE LINEAR")
    assert lens("getObj hidden.inputProcs").split() == ["DISTANCE"]
    h_in = ref_distance(hidden_blocks(), BIAS_IN)
    h, o = run_test(lens)
    assert np.array_equal(h.input[0], h_in) and np.array_equal(h.output[0], h_in)
    assert np.array_equal(o.output[0], ref_output_layer(h_in)[0])

    h, o = train_once(lens)
    h_od = check_output_layer(o, h_in)
    derivs, _ = ref_distance_back(h_od, hidden_blocks(), BIAS_IN)
    for p, want in zip(h.incoming, derivs):
        assert np.array_equal(p.deriv, want)
    assert (h.incoming[1].deriv != 0).all()


# -- PRODUCT --------------------------------------------------------------------------

def ref_product(blocks, outs):
    res = []
    for u in range(blocks[0].shape[0]):
        acc = f32(1)
        for W, o in zip(blocks, outs):
            for s in range(len(o)):
                acc = f32(acc * f32(o[s] * W[u, s]))
        res.append(acc)
    return np.array(res, dtype=f32)


def ref_product_back(ids, stored, blocks, outs):
    derivs = [np.zeros_like(W) for W in blocks]
    caches = [np.zeros(len(o), dtype=f32) for o in outs]
    for u in range(len(ids)):
        p = f32(ids[u] * stored[u])
        for k, (W, o) in enumerate(zip(blocks, outs)):
            for s in range(len(o)):
                v = f32(p / f32(o[s] * W[u, s]))
                caches[k][s] = f32(caches[k][s] + f32(v * W[u, s]))
                derivs[k][u, s] = f32(derivs[k][u, s] + f32(v * o[s]))
    return derivs, caches


def test_product_forward_and_backward(tmp_path):
    lens = build(tmp_path, "PRODUCT LINEAR")
    h_in = ref_product(hidden_blocks(), BIAS_IN)
    h, o = run_test(lens)
    assert np.array_equal(h.input[0], h_in)
    assert np.array_equal(o.output[0], ref_output_layer(h_in)[0])

    h, o = train_once(lens)
    h_od = check_output_layer(o, h_in)
    derivs, _ = ref_product_back(h_od, h_in, hidden_blocks(), BIAS_IN)
    for p, want in zip(h.incoming, derivs):
        assert np.array_equal(p.deriv, want)


def test_product_zero_sender_gives_what_c_division_gives(tmp_path):
    """A zero input makes o·w = 0: the C division then yields NaN/inf link
    derivatives, and the engine must not hide that."""
    lens = build(tmp_path, "PRODUCT LINEAR", example="I: 0 0.5 T: 1 0\n;\n")
    h, o = train_once(lens)
    outs = [np.array([1.0], f32), np.array([0.0, 0.5], f32)]
    h_in = ref_product(hidden_blocks(), outs)
    assert (h_in == 0).all()
    h_od = check_output_layer(o, h_in)
    with np.errstate(all="ignore"):
        derivs, _ = ref_product_back(h_od, h_in, hidden_blocks(), outs)
    for p, want in zip(h.incoming, derivs):
        assert np.array_equal(p.deriv, want, equal_nan=True)
    assert np.isnan(h.incoming[1].deriv[:, 0]).all()


@pytest.mark.parametrize("kind", ["DISTANCE", "PRODUCT"])
def test_sender_derivatives_reach_the_layer_below(tmp_path, kind):
    """The backward pass adds into the senders' derivative caches (DISTANCE
    subtracts its deltas): a DOT_PRODUCT layer underneath learns from them."""
    ex = tmp_path / "x.ex"
    ex.write_text("I: 1 0.5 T: 1 0\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup mid 2 LINEAR -BIASED
addGroup hidden 3 {kind} LINEAR -BIASED
addGroup output 2 OUTPUT LINEAR
connectGroups input mid hidden output
loadExamples {{{ex}}}
setObj learningRate 0
""")
    net = lens.net
    mid, h, o = net.group("mid"), net.group("hidden"), net.group("output")
    W_MI = np.array([[0.4, -0.9], [0.6, 0.2]], f32)
    mid.incoming[0].weight[...] = W_MI
    h.incoming[0].weight[...] = W_HI
    o.incoming[1].weight[...] = W_OH
    o.incoming[0].weight[...] = W_OB
    lens("steepest 1")
    x = np.array(INPUT, f32)
    m_out = ref_dot([W_MI], [x])
    blocks = [np.array(W_HI, f32)]
    if kind == "DISTANCE":
        h_in = ref_distance(blocks, [m_out])
        h_od = check_output_layer(o, h_in)
        derivs, caches = ref_distance_back(h_od, blocks, [m_out])
    else:
        h_in = ref_product(blocks, [m_out])
        h_od = check_output_layer(o, h_in)
        derivs, caches = ref_product_back(h_od, h_in, blocks, [m_out])
    assert np.array_equal(h.incoming[0].deriv, derivs[0])
    m_od = np.array([f32(f32(0) + c) for c in caches[0]], f32)
    m_derivs, _ = ref_dot_back(m_od, [W_MI], [x])
    assert np.array_equal(mid.incoming[0].deriv, m_derivs[0])
    assert (m_derivs[0] != 0).all()


@pytest.mark.parametrize("kind", ["DISTANCE", "PRODUCT"])
def test_sparse_projection_uses_only_its_links(tmp_path, kind):
    ex = tmp_path / "x.ex"
    ex.write_text("I: 0.8 0.5 T: 1 0\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup hidden 2 {kind} LINEAR -BIASED
addGroup output 2 OUTPUT LINEAR -BIASED
connectGroups input hidden -projection ONE_TO_ONE
connectGroups hidden output
loadExamples {{{ex}}}
setObj learningRate 0
""")
    net = lens.net
    h, o = net.group("hidden"), net.group("output")
    link = h.incoming[0]
    assert link.mask is not None and link.mask.tolist() == [[True, False], [False, True]]
    link.weight[...] = [[1.5, 0.0], [0.0, -0.25]]
    W = np.array([[0.5, -0.25], [0.75, 0.3]], f32)
    o.incoming[0].weight[...] = W
    lens("steepest 1")
    x = np.array([0.8, 0.5], f32)
    w = [f32(1.5), f32(-0.25)]
    if kind == "DISTANCE":
        h_in = np.array([f32(f32(0) + f32(f32(w[u] - x[u]) * f32(w[u] - x[u])))
                         for u in range(2)], f32)
    else:
        h_in = np.array([f32(f32(1) * f32(x[u] * w[u])) for u in range(2)], f32)
    assert np.array_equal(h.input[0], h_in)
    o_out = ref_dot([W], [h_in])
    o_id = ref_sum_squared_deriv(o_out, TARGET)
    _, caches = ref_dot_back(o_id, [W], [h_in])
    h_id = caches[0]
    want = np.zeros((2, 2), f32)
    for u in range(2):
        if kind == "DISTANCE":
            want[u, u] = f32(f32(h_id[u] * f32(2)) * f32(w[u] - x[u]))
        else:
            v = f32(f32(h_id[u] * h_in[u]) / f32(x[u] * w[u]))
            want[u, u] = f32(v * x[u])
    assert np.array_equal(link.deriv, want) and (want.diagonal() != 0).all()


# -- IN_NORM ----------------------------------------------------------------------------

def test_in_norm_forward_and_backward(tmp_path):
    lens = build(tmp_path, "IN_NORM LINEAR")
    assert lens("getObj hidden.inputProcs").split() == ["DOT_PRODUCT", "IN_NORM"]
    dot = ref_dot(hidden_blocks(), BIAS_IN)
    total = 0.0                                 # a C double
    for x in dot:
        total += float(x)
    scale = 1.0 / total
    h_in = np.array([f32(float(x) * scale) for x in dot], f32)
    kept_scale = f32(scale)
    h, o = run_test(lens)
    assert np.array_equal(h.input[0], h_in)

    h, o = train_once(lens)
    h_od = check_output_layer(o, h_in)
    shift = f32(0)
    for u in range(3):
        shift = f32(shift + f32(h_od[u] * h_in[u]))
    h_id = np.array([f32(kept_scale * f32(h_od[u] - shift)) for u in range(3)], f32)
    assert np.array_equal(h.input_deriv[0], h_id)
    derivs, _ = ref_dot_back(h_id, hidden_blocks(), BIAS_IN)
    for p, want in zip(h.incoming, derivs):
        assert np.array_equal(p.deriv, want)


def test_in_norm_of_a_zero_sum_leaves_the_inputs_and_zeroes_the_derivatives(tmp_path):
    lens = build(tmp_path, "IN_NORM LINEAR")
    h = lens.net.group("hidden")
    h.incoming[0].weight[...] = [[0.5], [-0.5], [0.0]]
    h.incoming[1].weight[...] = 0
    h, o = train_once(lens)
    assert h.input[0].tolist() == [0.5, -0.5, 0.0]
    assert (h.input_deriv[0] == 0).all()
    assert (h.incoming[0].deriv == 0).all()


def test_in_norm_sums_in_double(tmp_path):
    """2^24 + 1 + 1 is 2^24 in float32 but 2^24 + 2 in the C double."""
    lens = build(tmp_path, "IN_NORM LINEAR")
    h = lens.net.group("hidden")
    h.incoming[0].weight[...] = [[16777216.0], [1.0], [1.0]]
    h.incoming[1].weight[...] = 0
    h, o = run_test(lens)
    scale = 1.0 / 16777218.0
    assert h.input[0].tolist() == [float(f32(16777216.0 * scale)), float(f32(scale)),
                                   float(f32(scale))]
    assert h.input[0, 1] != f32(f32(1) / f32(16777216))


# -- OUT_NORM ---------------------------------------------------------------------------

def test_out_norm_forward_and_backward(tmp_path):
    lens = build(tmp_path, "LINEAR OUT_NORM")
    assert lens("getObj hidden.minOutput") == "0" and lens("getObj hidden.maxOutput") == "1"
    h_lin = ref_dot(hidden_blocks(), BIAS_IN)
    total = f32(0)
    for x in h_lin:
        total = f32(total + x)
    scale = f32(f32(1) / total)
    h_out = np.array([f32(x * scale) for x in h_lin], f32)
    h, o = run_test(lens)
    assert np.array_equal(h.output[0], h_out)

    h, o = train_once(lens)
    h_od = check_output_layer(o, h_out)
    shift = f32(0)
    for u in range(3):
        shift = f32(shift + f32(h_od[u] * h_out[u]))
    h_id = np.array([f32(scale * f32(h_od[u] - shift)) for u in range(3)], f32)
    assert np.array_equal(h.input_deriv[0], h_id)
    derivs, _ = ref_dot_back(h_id, hidden_blocks(), BIAS_IN)
    for p, want in zip(h.incoming, derivs):
        assert np.array_equal(p.deriv, want)
    # Lens's backward step puts the unit outputs back; the cache keeps the normed ones
    assert np.array_equal(h.output[0], h_lin) and np.array_equal(h.output_cache[0], h_out)
    assert float(lens("getObj hidden:0.output")) == pytest.approx(float(h_lin[0]), rel=1e-6)


def test_out_norm_multiplies_by_the_float_reciprocal(tmp_path):
    lens = build(tmp_path, "LINEAR OUT_NORM")
    h = lens.net.group("hidden")
    h.incoming[0].weight[...] = [[0.3], [0.2], [0.55]]
    h.incoming[1].weight[...] = 0
    h, o = run_test(lens)
    x = np.array([0.3, 0.2, 0.55], f32)
    scale = f32(f32(1) / f32(f32(f32(f32(0) + x[0]) + x[1]) + x[2]))
    assert np.array_equal(h.output[0], np.array([f32(v * scale) for v in x], f32))
    assert h.output[0, 0] != f32(x[0] / f32(x.sum()))      # not a division per unit


def test_out_norm_sums_over_healthy_units_only(tmp_path):
    lens = build(tmp_path, "LINEAR OUT_NORM")
    lens("lesionUnits hidden:1")
    h, o = run_test(lens)
    h_lin = ref_dot(hidden_blocks(), BIAS_IN)
    scale = f32(f32(1) / f32(f32(f32(0) + h_lin[0]) + h_lin[2]))
    assert h.output[0, 1] == 0
    assert h.output[0, 0] == f32(h_lin[0] * scale) and h.output[0, 2] == f32(h_lin[2] * scale)


# -- OUT_WINNER -------------------------------------------------------------------------

def test_out_winner_forward_and_backward(tmp_path):
    lens = build(tmp_path, "LINEAR OUT_WINNER")
    lens("setObj hidden.minOutput -1")
    h_lin = ref_dot(hidden_blocks(), BIAS_IN)
    win = int(np.argmax(h_lin))
    h_out = np.array([x if u == win else f32(-1) for u, x in enumerate(h_lin)], f32)
    h, o = run_test(lens)
    assert np.array_equal(h.output[0], h_out)

    h, o = train_once(lens)
    h_od = check_output_layer(o, h_out)
    # no derivative change: the losers learn too, through the restored outputs
    assert np.array_equal(h.input_deriv[0], h_od)
    derivs, _ = ref_dot_back(h_od, hidden_blocks(), BIAS_IN)
    for p, want in zip(h.incoming, derivs):
        assert np.array_equal(p.deriv, want)
    assert np.array_equal(h.output[0], h_lin) and np.array_equal(h.output_cache[0], h_out)


def test_out_winner_tie_goes_to_the_first_and_nan_min_output_lets_none_win(tmp_path):
    lens = build(tmp_path, "LINEAR OUT_WINNER")
    h = lens.net.group("hidden")
    h.incoming[0].weight[...] = [[0.5], [0.25], [0.5]]
    h.incoming[1].weight[...] = [[0.5, 0.0], [0.0, 0.5], [0.5, 0.0]]
    lens("setObj hidden.minOutput 0")
    h, o = run_test(lens)
    assert h.output[0].tolist() == [1.0, 0.0, 0.0]
    lens("setObj hidden.minOutput 1.5")         # nobody beats the floor
    h, o = run_test(lens)
    assert h.output[0].tolist() == [1.5, 1.5, 1.5]
    # LINEAR has no bounds: minOutput NaN, every unit becomes NaN
    lens2 = build(tmp_path, "LINEAR OUT_WINNER")
    assert math.isnan(lens2.net.group("hidden").min_output)
    h, o = run_test(lens2)
    assert np.isnan(h.output[0]).all()


# -- copyConnect --------------------------------------------------------------------------

def test_copy_field_words_follow_lens_prefix_rules():
    cases = {"inputs": "input", "input": None, "inputD": "input_deriv",
             "inputDerivs": "input_deriv", "outputs": "output", "output": None,
             "outputD": "output_deriv", "o": None, "t": "target", "targ": "target",
             "e": "external_input", "externalInputs": "external_input", "x": None,
             "targetsX": None}
    assert {w: M.copy_field(w) for w in cases} == cases


def copy_net(tmp_path, copy_types, example="I: 1 0.5 T: 1 0\n;\n"):
    ex = tmp_path / "c.ex"
    ex.write_text(example)
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup hidden 2 LOGISTIC
addGroup copy 2 {copy_types}
addGroup output 2 OUTPUT LINEAR
connectGroups input hidden
connectGroups hidden copy
connectGroups copy output
loadExamples {{{ex}}}
setObj learningRate 0
""")
    return lens


def test_copy_connect_fills_slots_in_lens_order_and_refuses_what_lens_refuses(tmp_path):
    lens = copy_net(tmp_path, "IN_COPY LINEAR TARGET_COPY")
    net = lens.net
    src, cp, out = net.group("hidden"), net.group("copy"), net.group("output")
    M.copy_connect(net, src, cp, "outputs")
    M.copy_connect(net, net.group("input"), cp, "t")
    assert cp.copy_links == {T.IN_COPY: [(src, "output")], T.OUT_COPY: [],
                             T.TARGET_COPY: [(net.group("input"), "target")]}
    with pytest.raises(NetworkError, match=r'^Group "copy" has no empty \*_COPY slots\.$'):
        M.copy_connect(net, src, cp, "outputs")
    with pytest.raises(NetworkError, match="^copyConnect: bad field type: output$"):
        M.copy_connect(net, src, out, "output")
    lens("addGroup small 3 OUT_COPY")
    with pytest.raises(NetworkError,
                       match="^copyConnect: source and copy groups aren't the same size$"):
        M.copy_connect(net, src, net.group("small"), "outputs")


def test_in_copy_copies_the_source_field_and_passes_nothing_back(tmp_path):
    lens = copy_net(tmp_path, "IN_COPY LINEAR")
    net = lens.net
    hid, cp, out = net.group("hidden"), net.group("copy"), net.group("output")
    assert cp.input_procs == [T.IN_COPY] and [p.sender.name for p in cp.incoming] == \
        ["bias", "hidden"]
    M.copy_connect(net, hid, cp, "inputs")
    lens("doExample 0 -test")
    assert np.array_equal(cp.input[0], hid.input[0]) and np.array_equal(cp.output[0], hid.input[0])
    lens("steepest 1")
    for p in cp.incoming:                       # no backward procedure: nothing learnt
        assert (p.deriv == 0).all()
    for p in hid.incoming:                      # and nothing reaches the source
        assert (p.deriv == 0).all()
    assert (out.incoming[1].deriv != 0).all()


def test_out_copy_copies_outputs_takes_the_source_bounds_and_leaves_input_deriv(tmp_path):
    lens = copy_net(tmp_path, "OUT_COPY")
    net = lens.net
    hid, cp = net.group("hidden"), net.group("copy")
    assert cp.output_procs == [T.OUT_COPY] and cp.input_procs == [T.DOT_PRODUCT]
    assert math.isnan(cp.min_output) and math.isnan(cp.max_output)
    M.copy_connect(net, hid, cp, "outputs")
    assert (cp.min_output, cp.max_output) == (0.0, 1.0)
    lens("doExample 0 -test")
    assert np.array_equal(cp.output[0], hid.output[0]) and (cp.output[0] != 0).all()
    lens("steepest 1")
    assert (cp.input_deriv == 0).all()          # never set: OUT_COPY has no backward step
    for p in cp.incoming + hid.incoming:
        assert (p.deriv == 0).all()


def test_target_copy_autoencoder(tmp_path):
    """`copyConnect input output outputs` with a TARGET_COPY output group:
    the clamped inputs become the targets, SUM_SQUARED learns from them."""
    ex = tmp_path / "a.ex"
    ex.write_text("I: 1 0.5\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup hidden 3 LINEAR
addGroup output 2 OUTPUT LINEAR TARGET_COPY
connectGroups input hidden output
loadExamples {{{ex}}}
setObj learningRate 0
""")
    net = lens.net
    h, o = net.group("hidden"), net.group("output")
    assert o.cost_procs == [T.TARGET_COPY, T.SUM_SQUARED]
    h.incoming[0].weight[...] = W_HB
    h.incoming[1].weight[...] = W_HI
    o.incoming[0].weight[...] = W_OB
    o.incoming[1].weight[...] = W_OH
    assert lens("copyConnect input output outputs") == ""     # through the shell
    lens("steepest 1")
    assert o.target[0].tolist() == INPUT
    h_out = ref_dot(hidden_blocks(), BIAS_IN)
    o_out, o_derivs, _ = ref_output_layer(h_out, INPUT)
    assert np.array_equal(o.output[0], o_out)
    for p, want in zip(o.incoming, o_derivs):
        assert np.array_equal(p.deriv, want)
    err = f32(0)
    for u in range(2):
        diff = f32(o_out[u] - f32(INPUT[u]))
        err = f32(err + f32(diff * diff))
    assert f32(net.error) == err


def test_backward_data_is_kept_per_history_slot():
    """A backward step at an earlier tick (backpropTicks, SRBPTT, continuous
    nets) reads that tick's data, as Lens's unitHistoryData rows."""
    lens = Lens(stdout=io.StringIO())
    lens("addNet n -i 3\naddGroup hidden 3 LINEAR OUT_NORM")
    net = lens.net
    h = net.group("hidden")
    assert net.history_length >= 2
    seen = {}
    for tick, values in ((0, [1.0, 2.0, 1.0]), (1, [3.0, 1.0, 4.0])):
        net.current_tick = tick
        h.output[0] = values
        M.normalize_output(net, h)
        seen[tick] = h.output[0].copy()
    net.current_tick = 0
    h.output[0] = seen[0]
    h.output_deriv[0] = [1.0, 0.0, 0.0]
    M.normalize_output_back(net, h)
    assert h.output[0].tolist() == [1.0, 2.0, 1.0]
    scale = f32(f32(1) / f32(4))
    shift = f32(seen[0][0])
    assert h.output_deriv[0].tolist() == [float(f32(scale * f32(f32(d) - shift)))
                                          for d in (1.0, 0.0, 0.0)]
