"""Lesions (lesionUnits, healUnits): which units Lens's draws pick, what a
lesioned unit holds, and how forward, error, criteria, training, resetNet
and noise pass over it — against values worked out in the tests."""
import io
import math

import numpy as np
import pytest

from c_arithmetic import drand48_stream
from lens_py import Lens
from lens_py.engine import types as T
from lens_py.engine.rng import LensRandom

f32 = np.float32


def lesioned(g):
    return [int(u) for u in np.flatnonzero(g.unit_lesioned)]


def fresh(script="addNet n 3 10 2"):
    lens = Lens(stdout=io.StringIO())
    lens(script)
    return lens


def test_lesion_units_draws_one_number_per_unit_visited():
    lens = fresh()
    lens("seed 1")
    assert lens("lesionUnits hidden 0.5") == ""
    draws = drand48_stream(1, 11)
    want = [u for u in range(10) if f32(draws[u]) < f32(0.5)]
    h = lens.net.group("hidden")
    assert lesioned(h) == want == [0, 1, 3, 5, 6, 9]
    assert lens.session.rng.drand48() == draws[10]          # exactly ten draws
    assert h.type & T.LESIONED and lens("getObj hidden:0.type") == "0x40000000"
    # again: the lesioned units of the flagged group draw nothing
    lens("seed 2")
    lens("lesionUnits hidden 0.5")
    d2 = drand48_stream(2, 5)
    healthy = [2, 4, 7, 8]
    more = [u for u, d in zip(healthy, d2) if f32(d) < f32(0.5)]
    assert lesioned(h) == sorted(want + more)
    assert lens.session.rng.drand48() == d2[4]


def test_what_a_lesioned_unit_holds():
    lens = fresh("addNet n -i 2 3 4 2")
    h = lens.net.group("hidden")
    h.output[:] = 0.7
    h.input[:] = 0.3
    lens("lesionUnits {hidden:2 hidden:0}")
    for u in (0, 2):
        assert h.output[0, u] == 0 and h.output_cache[0, u] == 0
        assert math.isnan(h.input[0, u]) and math.isnan(h.target[0, u])
        assert np.isnan(h.output_history[:, u]).all()
    assert h.output[0, 1] == f32(0.7) and h.input[0, 1] == f32(0.3)
    with pytest.raises(Exception, match='lesionUnits: unit "hidden" doesn\'t exist'):
        lens("lesionUnits hidden")
    with pytest.raises(Exception, match='unit "nope" doesn\'t exist'):
        lens("lesionUnits {hidden:1 nope}")
    assert h.unit_lesioned.tolist() == [True, True, True, False]   # the names before it: done
    for bad, msg in (("lesionUnits hidden 1.5", r"\(1.500000\) must be in the range \(0,1\]"),
                     ("lesionUnits hidden 0", r"\(0.000000\)"),
                     ("lesionUnits a b c", "usage: lesionUnits")):
        with pytest.raises(Exception, match=msg):
            lens(bad)


def linear_net(tmp_path, out_types="LINEAR", targets="T: 1 0"):
    ex = tmp_path / "l.ex"
    ex.write_text(f"I: 1 0.5 {targets}\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""seed 5
addNet n
addGroup input 2 INPUT
addGroup hidden 3 LINEAR
addGroup output 2 OUTPUT {out_types}
connectGroups input hidden output
loadExamples {{{ex}}}
""")
    return lens


def test_a_lesioned_sender_gives_nothing_and_a_lesioned_unit_stays_put(tmp_path):
    lens = linear_net(tmp_path)
    net = lens.net
    lens("lesionUnits hidden:1")
    lens("doExample 0 -test")
    h, o = net.group("hidden"), net.group("output")
    assert h.output[0, 1] == 0 and math.isnan(h.input[0, 1])
    wb, wh = [p.weight for p in o.incoming]
    for k in range(2):
        acc = f32(wb[k, 0])
        for j in range(3):
            acc = f32(acc + f32(wh[k, j] * (f32(0) if j == 1 else h.output[0, j])))
        assert o.output[0, k] == acc


def test_lesioned_outputs_make_no_error_and_soft_max_skips_them(tmp_path):
    lens = linear_net(tmp_path, "SOFT_MAX")
    net = lens.net
    lens("lesionUnits output:1")
    lens("doExample 0 -test")
    o = net.group("output")
    assert o.output[0, 1] == 0 and o.output[0, 0] == f32(1.0)     # normalised over one unit
    # DIVERGENCE on the healthy unit only: target 1, output 1 -> 0
    assert float(lens("getObj error")) == 0.0


def test_training_leaves_a_lesioned_receivers_links_alone(tmp_path):
    lens = linear_net(tmp_path)
    net = lens.net
    lens("setObj weightDecay 0.1\nsetObj momentum 0.5")
    lens("lesionUnits hidden:2")
    h, o = net.group("hidden"), net.group("output")
    into = [p.weight.copy() for p in h.incoming]
    out_before = o.incoming[1].weight.copy()
    lens("momentum 3")
    for p, w in zip(h.incoming, into):
        assert np.array_equal(p.weight[2], w[2])             # no step, no decay
        assert not np.array_equal(p.weight[:2], w[:2])
    # links out of the lesioned unit: deriv 0, so only decay and momentum move them
    dv = o.incoming[1].deriv[:, 2]
    assert (dv == 0).all()
    assert not np.array_equal(o.incoming[1].weight[:, 2], out_before[:, 2])


def test_reset_net_keeps_lesioned_values_and_draws_every_weight(tmp_path):
    a, b = linear_net(tmp_path), linear_net(tmp_path)
    a("lesionUnits hidden:0")
    for lens in (a, b):
        lens("seed 9\nresetNet")
    for ga, gb in zip(a.net.groups, b.net.groups):
        for pa, pb in zip(ga.incoming, gb.incoming):
            assert np.array_equal(pa.weight, pb.weight)
    h = a.net.group("hidden")
    assert math.isnan(h.input[0, 0]) and h.input[0, 1] == 0


def test_heal_units_as_lens_does_it():
    lens = fresh()
    h = lens.net.group("hidden")
    lens("seed 1\nlesionUnits hidden 0.5")
    # with a proportion only the units the loop visits (the healthy ones) draw
    lens("seed 3\nhealUnits hidden 1")
    assert lesioned(h) == [0, 1, 3, 5, 6, 9]
    assert lens.session.rng.drand48() == drand48_stream(3, 5)[4]
    lens("healUnits *")
    assert lesioned(h) == [0, 1, 3, 5, 6, 9]
    lens("healUnits {hidden:0 hidden:9}")
    assert lesioned(h) == [1, 3, 5, 6] and h.type & T.LESIONED
    lens("healUnits")
    assert lesioned(h) == [] and not h.type & T.LESIONED


def test_group_type_clears_the_group_flag_and_units_compute_again(tmp_path):
    lens = linear_net(tmp_path)
    lens("lesionUnits hidden:1")
    lens("groupType hidden LINEAR")
    h = lens.net.group("hidden")
    assert h.unit_lesioned[1] and h.skipped is None
    lens("doExample 0 -test")
    assert not math.isnan(h.input[0, 1])


def test_no_noise_is_drawn_for_lesioned_units(tmp_path):
    lens = linear_net(tmp_path, "LINEAR OUT_NOISE")
    lens("lesionUnits output:0")
    state = LensRandom(1)
    state.setstate(lens.session.rng.getstate())
    lens("doExample 0 -test")
    from lens_py.engine import noise
    o = lens.net.group("output")
    # one noise value, for output:1 only
    clean = o.input[0]          # (LINEAR: the output before its noise, on every path)
    assert o.output[0, 0] == 0
    assert o.output[0, 1] == noise.apply(state, noise.ADD_GAUSSIAN, clean[1:], 0.1, f32)[0]
    assert lens.session.rng.drand48() == state.drand48()


# -- lesionLinks --------------------------------------------------------------------------

def test_lesion_links_deletes_links_with_one_draw_each():
    lens = fresh("addNet n 3 4 2")
    lens("seed 1")
    before = int(lens("getObj numLinks"))
    lens("lesionLinks hidden -p 0.5")
    draws = [f32(d) < f32(0.5) for d in drand48_stream(1, 17)]
    h = lens.net.group("hidden")
    bias, inp = h.incoming
    for u in range(4):        # per unit: the bias link, then the three input links
        picks = draws[4 * u:4 * u + 4]
        assert bool(bias.link_mask()[u, 0]) == (not picks[0])
        assert inp.link_mask()[u].tolist() == [not x for x in picks[1:]]
    assert lens.session.rng.drand48() == drand48_stream(1, 17)[16]
    assert int(lens("getObj numLinks")) == before - sum(draws[:16])
    assert (inp.weight[~inp.link_mask()] == 0).all()


def test_lesion_links_values_and_noise_and_errors():
    lens = fresh("addNet n 3 4 2")
    out = lens.net.group("output")
    lens("lesionLinks output -v 0.25")
    assert (out.incoming[1].weight == f32(0.25)).all() and (out.incoming[0].weight == 0.25).all()
    lens("seed 4")
    w = out.incoming[1].weight.copy()
    lens("lesionLinks output -type bias -r 0.5 -d -f")      # only the bias links: U[-r, r)
    assert np.array_equal(out.incoming[1].weight, w)
    ref = drand48_stream(4, 4)
    # per bias link: the randProb (always below 1), then one uniform draw
    want = [f32(f32(f32(2 * ref[k] - 1) * f32(0.5))) for k in (1, 3)]
    assert out.incoming[0].weight[:, 0].tolist() == want
    for bad, msg in (("lesionLinks output -type foo", "link type foo doesn't exist"),
                     ("lesionLinks output -p 2", r"link proportion \(2.000000\)"),
                     ("lesionLinks output extra", "usage: lesionLinks"),
                     ("lesionLinks output -v", "usage: lesionLinks")):
        with pytest.raises(Exception, match=msg):
            lens(bad)


def test_training_after_deleting_links_keeps_them_deleted(tmp_path):
    lens = linear_net(tmp_path)
    lens("seed 2\nlesionLinks hidden -p 0.4")
    h = lens.net.group("hidden")
    gone = ~h.incoming[1].link_mask()
    assert gone.any()
    lens("steepest 5")
    assert (h.incoming[1].weight[gone] == 0).all() and (h.incoming[1].deriv[gone] == 0).all()
    assert (h.incoming[1].weight[~gone] != 0).all()
