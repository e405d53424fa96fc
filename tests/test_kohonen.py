"""KOHONEN output (lens_py/engine/kohonen.py) checked against Lens 2.63's
act.c (kohonenOutput, kohonenOutputBack, distanceSquared) with DISTANCE
input, as Lens's self-organising maps are built.

The reference below is a float32 transcription of the C loops written here
(scalar by scalar, in the C order; double only where the C code uses one),
not a call into the engine.  Forward values come from `doExample -test`,
weights after `steepest 1` with a known learning rate."""
import io

import numpy as np
import pytest

from lens_py import Lens
from lens_py.engine import types as T

from lens_examples import path as example_path

f32 = np.float32
LR = 0.1

# 3x3 map (unit u at column u % 3, row u // 3), weights from 2 inputs
W9 = [[0.1, 0.1], [0.5, 0.1], [0.9, 0.1],
      [0.1, 0.5], [0.5, 0.5], [0.9, 0.5],
      [0.1, 0.9], [0.5, 0.9], [0.9, 0.9]]


def build(tmp_path, size, weights, example, cols, neighborhood=None, periodic=False,
          extra=""):
    ex = tmp_path / "k.ex"
    ex.write_text(example)
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input {len(weights[0])} INPUT
addGroup map {size} DISTANCE KOHONEN -BIASED
connectGroups input map
setObj map.numColumns {cols}
setObj map.periodicBoundary {1 if periodic else 0}
loadExamples {{{ex}}}
setObj learningRate {LR}
{extra}""")
    if neighborhood is not None:
        lens(f"setObj map.neighborhood {neighborhood}")
    m = lens.net.group("map")
    m.incoming[0].weight[...] = weights
    return lens, m


# -- the reference ----------------------------------------------------------------------

def ref_distance(W, o):
    """distanceInput: input += (w − o)², link after link, in float."""
    W = np.asarray(W, dtype=f32)
    acc = np.zeros(W.shape[0], dtype=f32)
    for s in range(W.shape[1]):
        diff = (W[:, s] - f32(o[s])).astype(f32)
        acc = (acc + (diff * diff).astype(f32)).astype(f32)
    return acc


def c_div(a, b):
    q = abs(a) // abs(b)
    return -q if (a < 0) != (b < 0) else q


def ref_kohonen(inputs, cols, neighborhood, periodic, live=None):
    """kohonenOutput over the live units: the outputs (None for units the
    loop passes over)."""
    n = len(inputs)
    live = list(range(n)) if live is None else live
    top, low, mu = f32(0.0), f32(1e8), 0
    for u in live:
        x = f32(inputs[u])
        if x > top:
            top = x
        if x < low:
            low, mu = x, u
    with np.errstate(divide="ignore"):
        scale = f32(f32(1.0) / top)
    neigh = f32(f32(neighborhood) * f32(neighborhood))
    rows = c_div(n, cols)
    mi, mj = mu - cols * c_div(mu, cols), c_div(mu, cols)
    out = [None] * n
    for u in live:
        i, j = u - cols * c_div(u, cols), c_div(u, cols)
        di = f32(abs(f32(i) - f32(mi)))
        dj = f32(abs(f32(j) - f32(mj)))
        if periodic:
            if f32(2) * di > f32(cols):
                di = f32(f32(cols) - di)
            if f32(2) * dj > f32(rows):
                dj = f32(f32(rows) - dj)
        dist = f32(f32(di * di) + f32(dj * dj))
        if dist <= neigh:
            with np.errstate(invalid="ignore", over="ignore"):
                out[u] = f32(1.0 - float(f32(f32(inputs[u]) * scale)))
        else:
            out[u] = f32(0.0)
    return out


def ref_step(W, o, out, lr=LR):
    """kohonenOutputBack (inputDeriv = output > 0), distanceInputBack
    (deriv += 2·(w − o)) and one steepest update (w += −lr·deriv)."""
    W = np.array(W, dtype=f32)
    new = W.copy()
    for u in range(W.shape[0]):
        in_deriv = f32(1.0) if (out[u] is not None and out[u] > 0) else f32(0.0)
        twice = f32(float(in_deriv) * 2.0)
        if twice == 0:
            continue
        for s in range(W.shape[1]):
            deriv = f32(f32(0.0) + f32(twice * f32(W[u, s] - f32(o[s]))))
            new[u, s] = f32(W[u, s] + f32(-f32(lr) * deriv))
    return new


def check_example(tmp_path, size, weights, o, cols, neighborhood, periodic=False):
    example = "I: " + " ".join(str(x) for x in o) + "\n;\n"
    lens, m = build(tmp_path, size, weights, example, cols, neighborhood, periodic)
    lens("doExample 0 -test")
    inputs = ref_distance(weights, o)
    assert np.array_equal(m.input[0], inputs)
    want = ref_kohonen(inputs, cols, neighborhood, periodic)
    assert np.array_equal(m.output[0], np.array(want, dtype=f32))
    lens("steepest 1")
    assert np.array_equal(m.incoming[0].weight, ref_step(weights, o, want))
    return m, want


def active(out):
    return [u for u, v in enumerate(out) if v != 0]


# -- forward and training -----------------------------------------------------------------

def test_winner_and_plain_neighbourhood(tmp_path):
    m, out = check_example(tmp_path, 9, W9, [0.55, 0.45], 3, 1)
    assert active(out) == [1, 3, 4, 5, 7]      # unit 4 wins, its 4 grid neighbours
    assert out[4] == max(out)


def test_neighbourhood_default_reaches_the_whole_map(tmp_path):
    """The default neighborhood is 4: every unit of a 3x3 map is in reach
    (the one whose input is the maximum gets 1 − max·(1/max))."""
    lens, g = build(tmp_path, 9, W9, "I: 0.2 0.8\n;\n", 3)
    assert g.neighborhood == 4
    _, out = check_example(tmp_path, 9, W9, [0.2, 0.8], 3, 4)
    lens("doExample 0 -test")
    assert np.array_equal(g.output[0], np.array(out, dtype=f32))
    assert len(active(out)) >= 8 and out[6] == max(out)


def test_neighbourhood_zero_keeps_the_winner_only(tmp_path):
    m, out = check_example(tmp_path, 9, W9, [0.95, 0.05], 3, 0)
    assert active(out) == [2]


def test_fractional_neighbourhood_takes_diagonals(tmp_path):
    # 1.5² = 2.25 ≥ 1² + 1²
    m, out = check_example(tmp_path, 9, W9, [0.05, 0.05], 3, 1.5)
    assert active(out) == [0, 1, 3, 4]


def test_periodic_boundary_wraps_both_ways(tmp_path):
    _, flat = check_example(tmp_path, 9, W9, [0.05, 0.05], 3, 1)
    assert active(flat) == [0, 1, 3]
    _, wrapped = check_example(tmp_path, 9, W9, [0.05, 0.05], 3, 1, periodic=True)
    assert active(wrapped) == [0, 1, 2, 3, 6]


def test_periodic_rows_use_whole_rows_only(tmp_path):
    """rows = numUnits / numColumns in integer division: in a 10-unit map 4
    wide the partial third row wraps as if the map had 2 rows, so unit 9
    (row 2) sits on the winner's row 0."""
    W = [[0.1 * u, 0.0] for u in range(10)]
    W[0] = [2.0, 0.0]                   # the largest input, outside the reach
    _, out = check_example(tmp_path, 10, W, [0.1, 0.0], 4, 0.5, periodic=True)
    assert out[1] == 1.0 and active(out) == [1, 9]
    _, out = check_example(tmp_path, 10, W, [0.1, 0.0], 4, 0.5)
    assert active(out) == [1]


def test_non_square_map_columns(tmp_path):
    W = [[(u % 4) / 4, (u // 4) / 3] for u in range(12)]
    _, out = check_example(tmp_path, 12, W, [0.74, 0.01], 4, 1)
    assert active(out) == [2, 3, 7]
    _, out = check_example(tmp_path, 12, W, [0.74, 0.01], 4, 1, periodic=True)
    assert active(out) == [0, 2, 3, 7, 11]


def test_ties_go_to_the_first_unit(tmp_path):
    W = [row[:] for row in W9]
    W[5] = W[3] = [0.3, 0.3]
    m, out = check_example(tmp_path, 9, W, [0.3, 0.3], 3, 0)
    assert active(out) == [3] and out[3] == 1.0


def test_equal_inputs_learn_nothing(tmp_path):
    """When every input is the same the winner's output is 1 − x·(1/x),
    which is 0 here: nothing has a positive output, nothing moves."""
    W = [[0.5, 0.5]] * 9
    lens, m = build(tmp_path, 9, W, "I: 0 1\n;\n", 3, 4)
    lens("doExample 0 -test")
    x = m.input[0, 0]
    assert f32(x * f32(f32(1) / x)) == 1.0
    assert not m.output[0].any()
    lens("steepest 1")
    assert np.array_equal(m.incoming[0].weight, np.array(W, dtype=f32))


def test_output_deriv_is_ignored(tmp_path):
    """An OUTPUT map with an error function: its output derivatives are not
    zero, yet the weights move exactly as without them."""
    ex = tmp_path / "k.ex"
    ex.write_text("I: 0.55 0.45 T: 1 0 1 0 1 0 1 0 1\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup map 9 OUTPUT DISTANCE KOHONEN SUM_SQUARED -BIASED
connectGroups input map
setObj map.numColumns 3
setObj map.neighborhood 1
loadExamples {{{ex}}}
setObj learningRate {LR}
""")
    m = lens.net.group("map")
    m.incoming[0].weight[...] = W9
    lens("steepest 1")
    assert m.output_deriv[0].any() and lens.net.error > 0
    assert m.input_deriv[0].tolist() == [0, 1, 0, 1, 1, 1, 0, 1, 0]
    out = ref_kohonen(ref_distance(W9, [0.55, 0.45]), 3, 1, False)
    assert np.array_equal(m.incoming[0].weight, ref_step(W9, [0.55, 0.45], out))


def test_bias_link_takes_part_in_the_distance(tmp_path):
    ex = tmp_path / "k.ex"
    ex.write_text("I: 0.55 0.45\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet n
addGroup input 2 INPUT
addGroup map 9 DISTANCE KOHONEN
connectGroups input map
setObj map.numColumns 3
setObj map.neighborhood 1
loadExamples {{{ex}}}
setObj learningRate {LR}
""")
    m = lens.net.group("map")
    assert [p.sender.name for p in m.incoming] == ["bias", "input"]
    bias_w = [[1.0]] * 9
    bias_w[8] = [0.0]                   # unit 8 pays 1 for its bias link
    m.incoming[0].weight[...] = bias_w
    m.incoming[1].weight[...] = W9
    full = [b + w for b, w in zip(bias_w, W9)]
    lens("doExample 0 -test")
    inputs = ref_distance(full, [1.0, 0.55, 0.45])
    assert np.array_equal(m.input[0], inputs)
    out = ref_kohonen(inputs, 3, 1, False)
    assert np.array_equal(m.output[0], np.array(out, dtype=f32))
    lens("steepest 1")
    new = ref_step(full, [1.0, 0.55, 0.45], out)
    assert np.array_equal(m.incoming[0].weight, new[:, :1])
    assert np.array_equal(m.incoming[1].weight, new[:, 1:])


def test_lesioned_units_are_passed_over(tmp_path):
    lens, m = build(tmp_path, 9, W9, "I: 0.55 0.45\n;\n", 3, 1)
    lens("lesionUnits map:4")
    lens("doExample 0 -test")
    inputs = ref_distance(W9, [0.55, 0.45])
    live = [u for u in range(9) if u != 4]
    want = ref_kohonen(inputs, 3, 1, False, live)
    # the nearest unit is out of the race: one of its neighbours wins
    assert max(want[u] for u in live) > 0.5 and want[4] is None
    assert np.array_equal(m.output[0, live], np.array([want[u] for u in live], dtype=f32))
    assert m.output[0, 4] == 0            # a lesioned unit's output stays 0
    lens("steepest 1")
    W = np.array(W9, dtype=f32)
    new = ref_step(W9, [0.55, 0.45], want)
    assert np.array_equal(new[4], W[4])   # its links do not learn
    assert np.array_equal(m.incoming[0].weight, new)
    assert not np.array_equal(new, W)


def test_nan_input_never_wins(tmp_path):
    lens, m = build(tmp_path, 9, W9, "I: 0.55 0.45\n;\n", 3, 0)
    m.incoming[0].weight[4] = [np.nan, 0.5]
    lens("doExample 0 -test")
    inputs = ref_distance(m.incoming[0].weight, [0.55, 0.45])
    assert np.isnan(inputs[4]) and np.isnan(m.input[0, 4])
    want = ref_kohonen(inputs, 3, 0, False)
    assert np.array_equal(m.output[0], np.array(want, dtype=f32))
    assert len(active(want)) == 1 and active(want)[0] != 4


def test_output_group_gets_no_error_and_default_bounds(tmp_path):
    lens = Lens(stdout=io.StringIO())
    lens("addNet n\naddGroup input 2 INPUT\naddGroup map 4 OUTPUT DISTANCE KOHONEN")
    m = lens.net.group("map")
    assert m.cost_procs == [] and m.output_procs == [T.KOHONEN]
    assert (m.min_output, m.max_output, m.init_output) == (0.0, 1.0, 0.5)


def test_no_columns_is_an_error(tmp_path):
    lens, m = build(tmp_path, 9, W9, "I: 0.55 0.45\n;\n", 0, 1)
    with pytest.raises(Exception, match="numColumns"):
        lens("doExample 0 -test")


# -- Lens's Kohonen example data ------------------------------------------------------------

def test_training_on_kohonen_ex(tmp_path):
    """A 4x4 map trained on kohonen.ex (8 patterns of 20 inputs, whole-set
    batches) with a shrinking neighbourhood set by a preEpochProc: every
    update matches the reference trainer."""
    ex = example_path("kohonen.ex")
    if ex is None:
        pytest.skip("Lens's example file kohonen.ex is not here")
    lens = Lens(stdout=io.StringIO())
    lens(f"""addNet k
seed 7
addGroup input 20 INPUT
addGroup map 16 DISTANCE KOHONEN -BIASED
connectGroups input map
setObj map.numColumns 4
setObj randMean 0.5
setObj randRange 0.5
resetNet
loadExamples {{{ex}}} -s train
setObj learningRate 0.05
setObj momentum 0
setObj reportInterval 0
proc shrink {{}} {{
  setObj map.neighborhood [expr {{max(0, 2 - [getObj totalUpdates] / 5)}}]
}}
setObj preEpochProc shrink
""")
    m = lens.net.group("map")
    inputs = _patterns(ex)
    assert len(inputs) == 8 and all(len(p) == 20 for p in inputs)
    W = m.incoming[0].weight.copy()
    assert W.min() >= 0.0 and W.max() <= 1.0
    updates = 15
    lens(f"steepest {updates}")
    for k in range(updates):
        reach = max(0, 2 - k // 5)
        deriv = np.zeros_like(W)
        for o in inputs:
            x = ref_distance(W, o)
            out = ref_kohonen(x, 4, reach, False)
            for u in range(16):
                if out[u] > 0:
                    delta = (f32(2.0) * (W[u] - np.array(o, dtype=f32))).astype(f32)
                    deriv[u] = (deriv[u] + delta).astype(f32)
        W = (W + (-f32(0.05) * deriv).astype(f32)).astype(f32)
    assert np.array_equal(m.incoming[0].weight, W)
    # the map has organised: the patterns have come to different winners
    winners = {int(np.argmin(ref_distance(W, o))) for o in inputs}
    assert len(winners) >= 4


def _patterns(ex_path):
    """The I: vectors of kohonen.ex, read here (not through the engine)."""
    text = open(ex_path).read()
    pats = []
    for chunk in text.split(";"):
        if "I:" in chunk:
            pats.append([float(x) for x in chunk.split("I:")[1].split()])
    return pats
