"""Lens's noise (engine/noise.py): the generators against values computed by
a C build of Lens's own functions, and each noise type in a network against
values worked out here with an independent drand48 and Box-Muller."""
import io
import math

import numpy as np
import pytest

from lens_py import Lens
from lens_py.engine import noise
from lens_py.engine.rng import LensRandom

f32 = np.float32


# -- an independent reference: drand48 and Lens's randReal / randGaussian ----------------

class Ref:
    def __init__(self, seed=None, state=None):
        self.x = ((seed << 16) | 0x330E) if state is None else state
        self.have = False

    def drand(self):
        self.x = (0x5DEECE66D * self.x + 0xB) % (1 << 48)
        return self.x / float(1 << 48)

    def real(self, mean, r):
        return f32(f32(f32(2.0 * self.drand() - 1.0) * f32(r)) + f32(mean))

    def gauss(self, mean, r):
        mean, r = f32(mean), f32(r)
        if self.have and self.mean == mean and self.r == r:
            self.have = False
            return self.kept
        while True:
            v1, v2 = self.real(0, 1), self.real(0, 1)
            rsq = f32(f32(v1 * v1) + f32(v2 * v2))
            if not (rsq >= 1.0 or rsq == 0.0):
                break
        fac = f32(math.sqrt(-2.0 * float(f32(math.log(float(rsq)))) / float(rsq)))
        self.kept = f32(f32(f32(v1 * fac) * r) + mean)
        self.have, self.mean, self.r = True, mean, r
        return f32(f32(f32(v2 * fac) * r) + mean)


def bits(x):
    return hex(int(np.asarray(x, dtype=f32).view(np.uint32)))


# -- the generators ----------------------------------------------------------------------

def test_gaussian_values_match_lens_built_from_its_source():
    # seed 1, four randGaussian(0, 1): computed by the C functions (gcc, Lens's flags)
    got = noise.gaussian_values(LensRandom(1), 4, 0.0, 1.0, f32)
    assert [bits(v) for v in got] == ["0xbd67cc23", "0xbf11ec0c", "0xbef409fe", "0x3f791709"]
    r = LensRandom(1)
    one_by_one = [noise.apply(r, noise.ADD_GAUSSIAN, f32([0.5]), 0.1, f32)[0] for _ in range(6)]
    assert [f"{v:.9g}" for v in one_by_one] == [
        "0.494340897", "0.442999184", "0.452336133", "0.597300768", "0.429153174", "0.632710755"]
    # the same values drawn for six units at once
    together = noise.apply(LensRandom(1), noise.ADD_GAUSSIAN, np.full(6, f32(0.5)), 0.1, f32)
    assert together.tolist() == [float(v) for v in one_by_one]
    uni = noise.uniform_values(LensRandom(1), 2, 0.0, 0.1, f32)
    assert [bits(v) for v in uni] == ["0xbdbbbf8b", "0xbc151e81"]


@pytest.mark.parametrize("seed", [1, 2, 99, 12345])
def test_gaussian_against_the_reference_with_rejections_and_kept_values(seed):
    r, ref = LensRandom(seed), Ref(seed)
    calls = [(0.0, 1.0, 5), (0.0, 1.0, 1), (1.0, 0.3, 3), (0.0, 1.0, 2), (0.0, 0.5, 700)]
    for mean, rr, n in calls:
        got = noise.gaussian_values(r, n, mean, rr, f32)
        want = [ref.gauss(mean, rr) for _ in range(n)]
        assert got.tolist() == [float(v) for v in want]
    # the streams are in the same place
    assert r.drand48() == ref.drand()


def test_the_kept_value_outlives_seed_and_a_new_range_drops_it():
    r = LensRandom(1)
    first = noise.gaussian_values(r, 1, 0.0, 1.0, f32)[0]
    r.seed(1)
    kept = noise.gaussian_values(r, 1, 0.0, 1.0, f32)[0]      # no draw: the kept value
    assert bits(first) == "0xbd67cc23" and bits(kept) == "0xbf11ec0c"
    assert r.drand48() == LensRandom(1).drand48()               # nothing was drawn
    r = LensRandom(1)
    noise.gaussian_values(r, 1, 0.0, 1.0, f32)
    other = noise.gaussian_values(r, 1, 0.0, 2.0, f32)[0]      # another range: a new pair
    ref = Ref(1)
    ref.gauss(0, 1)
    assert other == ref.gauss(0, 2)


def test_multiplicative_and_uniform_formulas():
    v = f32([0.25, -2.0, 3.5])
    ref = Ref(7)
    want = [f32(x * ref.gauss(1.0, 0.2)) for x in v]
    assert noise.apply(LensRandom(7), noise.MULT_GAUSSIAN, v, 0.2, f32).tolist() == want
    ref = Ref(7)
    want = [f32(x + ref.real(0.0, 0.2)) for x in v]
    assert noise.apply(LensRandom(7), noise.ADD_UNIFORM, v, 0.2, f32).tolist() == want
    ref = Ref(7)
    want = [f32(x * ref.real(1.0, 0.2)) for x in v]
    assert noise.apply(LensRandom(7), noise.MULT_UNIFORM, v, 0.2, f32).tolist() == want


# -- in networks -------------------------------------------------------------------------

EXAMPLES = "I: 1 0 T: 1\n;\nI: 0 1 T: 0\n;\n"


def linear_net(tmp_path, hidden_types="LINEAR", extra=""):
    ex = tmp_path / "n.ex"
    ex.write_text(EXAMPLES)
    lens = Lens(stdout=io.StringIO())
    lens(f"""seed 3
addNet n
addGroup input 2 INPUT
addGroup hidden 3 {hidden_types}
addGroup output 1 OUTPUT LINEAR
connectGroups input hidden output
loadExamples {{{ex}}}
{extra}""")
    return lens


def weights(lens, g):
    return [p.weight.astype(np.float64) for p in lens.net.group(g).incoming]


def hidden_dot(lens, x):
    """The hidden group's dot products for inputs x, in Lens's float order
    (bias link, then the input links)."""
    wb, wi = weights(lens, "hidden")
    acc = f32(wb[:, 0])
    for j, v in enumerate(x):
        acc = f32(acc + f32(wi[:, j] * v))
    return acc


def rng_copy(lens):
    r = LensRandom(1)
    r.setstate(lens.session.rng.getstate())
    return r


def test_out_noise_in_testing_adds_gaussian_noise_to_each_unit_in_order(tmp_path):
    lens = linear_net(tmp_path, "LINEAR OUT_NOISE", "setObj hidden.noiseRange 0.3")
    net = lens.net
    start = rng_copy(lens)
    lens("doExample 0 -test")
    # expected: clean linear hidden outputs plus noise drawn from the same point
    (wb, wi) = weights(lens, "hidden")
    clean = f32(f32(f32(wb[:, 0]) + f32(wi[:, 0] * 1.0)) + f32(wi[:, 1] * 0.0))
    want = noise.apply(start, noise.ADD_GAUSSIAN, clean, 0.3, f32)
    hidden = net.group("hidden")
    assert hidden.output[0].tolist() == want.tolist()
    assert not np.array_equal(want, clean)
    # the output group sees the noisy hidden outputs
    (ob, oh) = weights(lens, "output")
    out = f32(ob[0, 0])
    for j in range(3):
        out = f32(out + f32(f32(oh[0, j]) * want[j]))
    assert net.group("output").output[0, 0] == out


def test_out_noise_training_restores_the_clean_output_and_uses_noisy_senders(tmp_path):
    lens = linear_net(tmp_path, "LINEAR OUT_NOISE",
                      "setObj hidden.noiseRange 0.3\nsetObj learningRate 0\nsetObj batchSize 1")
    net = lens.net
    start = rng_copy(lens)
    clean = hidden_dot(lens, (1.0, 0.0))
    lens("steepest 1")
    noisy = noise.apply(start, noise.ADD_GAUSSIAN, clean, 0.3, f32)
    hidden = net.group("hidden")
    assert hidden.output[0].tolist() == clean.tolist()            # put back
    assert hidden.output_cache[0].tolist() == noisy.tolist()      # what receivers read
    out = net.group("output")
    delta = f32(2.0) * f32(out.output[0, 0] - f32(1.0))         # SUM_SQUARED, target 1
    link = net.group("output").incoming[1]
    assert link.deriv[0].tolist() == [float(f32(delta * v)) for v in noisy]


def test_in_noise_and_the_order_of_draws_between_groups(tmp_path):
    # hidden: IN_NOISE then OUT_NOISE; output: IN_NOISE — in group order
    lens = linear_net(tmp_path, "LINEAR IN_NOISE OUT_NOISE",
                      "changeGroupType output +IN_NOISE\nnoiseType hidden -r 0.2\n"
                      "noiseType output -r 0.4 -flat")
    net = lens.net
    start = rng_copy(lens)
    dot = hidden_dot(lens, (0.0, 1.0))
    lens("doExample 1 -test")
    noisy_in = noise.apply(start, noise.ADD_GAUSSIAN, dot, 0.2, f32)
    noisy_out = noise.apply(start, noise.ADD_GAUSSIAN, noisy_in, 0.2, f32)
    h = net.group("hidden")
    assert h.input[0].tolist() == noisy_in.tolist()
    assert h.output[0].tolist() == noisy_out.tolist()
    (ob, oh) = weights(lens, "output")
    o_in = f32(ob[0, 0])
    for j in range(3):
        o_in = f32(o_in + f32(f32(oh[0, j]) * noisy_out[j]))
    want = noise.apply(start, noise.ADD_UNIFORM, f32([o_in]), 0.4, f32)
    assert net.group("output").input[0].tolist() == want.tolist()


def test_external_input_noise_once_per_event_and_not_on_nan(tmp_path):
    ex = tmp_path / "e.ex"
    ex.write_text("I: 1 - 0 T: 1\n;\n")
    lens = Lens(stdout=io.StringIO())
    lens(f"""seed 4
addNet n 3 2 1
changeGroupType input +EXT_INPUT_NOISE
noiseType input -r 0.5 -m
loadExamples {{{ex}}}
""")
    start = rng_copy(lens)
    lens("doExample 0 -test")
    want = noise.apply(start, noise.MULT_GAUSSIAN, f32([1.0, 0.0]), 0.5, f32)
    ext = lens.net.group("input").external_input[0]
    assert ext[0] == want[0] and math.isnan(ext[1]) and ext[2] == want[1]
    assert start.getstate() == lens.session.rng.getstate()


def test_deriv_noise_after_the_batch_on_every_incoming_link(tmp_path):
    def run(with_noise):
        lens = linear_net(tmp_path, "LINEAR", "setObj learningRate 0")
        if with_noise:
            lens("changeGroupType hidden +DERIV_NOISE\nsetObj noiseRange 0.05")
        lens("steepest 1")
        return lens
    clean = run(False)
    state = rng_copy(clean)             # where the noise will begin (one process-wide
    noisy = run(True)                   # generator, as in Lens: the same draws up to there)
    h_clean, h_noisy = clean.net.group("hidden"), noisy.net.group("hidden")
    for u in range(3):
        row = np.concatenate([p.deriv[u] for p in h_clean.incoming])   # bias link first
        want = noise.apply(state, noise.ADD_GAUSSIAN, row, 0.05, f32)
        got = np.concatenate([p.deriv[u] for p in h_noisy.incoming])
        assert got.tolist() == want.tolist()
    # other groups untouched
    assert np.array_equal(clean.net.group("output").incoming[1].deriv,
                          noisy.net.group("output").incoming[1].deriv)


def test_noise_nets_train_on_the_per_example_path_only(tmp_path, monkeypatch):
    # (example by example: in Lens's loop here, or compiled when allowed,
    # test_compiled_noise.py)
    from lens_py.engine import training, vectorised
    from lens_py.engine.compiled import batch as fastpath
    lens = linear_net(tmp_path, "LOGISTIC OUT_NOISE", "setObj batchSize 2\n"
                      "setObj executionPath numpy")
    for path in ("train_batch", "train_updates"):
        monkeypatch.setattr(fastpath, path, lambda *a, **k: None)
    called = []
    real = training.run_example
    monkeypatch.setattr(training, "run_example",
                        lambda *a, **k: called.append(1) or real(*a, **k))
    assert vectorised.batch_blocker(lens.net, lens.net.training_set, True) is not None
    lens("train 2")
    assert len(called) == 4


def test_noise_type_command(tmp_path):
    lens = linear_net(tmp_path)
    net = lens.net
    assert lens("noiseType hidden -range 0.25 -m") == ""
    assert net.group("hidden").noise_proc == noise.MULT_GAUSSIAN
    assert net.group("hidden").noise_range == f32(0.25)
    lens("noiseType {hidden output} -f")        # the procedure is always set, the range kept
    assert net.group("hidden").noise_proc == noise.ADD_UNIFORM
    assert net.group("hidden").noise_range == f32(0.25)
    lens("noiseType * -r -")
    assert all(g.noise_proc == noise.ADD_GAUSSIAN and math.isnan(g.noise_range)
               for g in net.groups)
    lens("noiseType output -f -m")
    assert net.group("output").noise_proc == noise.MULT_UNIFORM
    for bad in ("noiseType hidden -x", "noiseType hidden 3", "noiseType hidden -r",
                "noiseType"):
        with pytest.raises(Exception, match="usage: noiseType"):
            lens(bad)
    with pytest.raises(Exception, match='noiseType: group "nope" doesn\'t exist'):
        lens("noiseType {hidden nope} -f -m")
    assert net.group("hidden").noise_proc == noise.MULT_UNIFORM     # changed before the error


# Lens gives every output procedure its own data: two OUT_NOISE procedures
# keep two clean outputs, and the backward pass puts each back in turn.
TWO_OUT_NOISES = {
    "one tick": "addNet n 4 6 4\n",
    "srn, backpropTicks 3": "addNet n -i 3 4 6 ELMAN 4\nsetObj backpropTicks 3\n",
    "continuous": "addNet n -i 2 -t 2 CONTINUOUS 4 6 4\n",
}


@pytest.mark.parametrize("net", list(TWO_OUT_NOISES))
def test_two_out_noises_in_a_group_print_lens_numbers(tmp_path, net):
    from path_runs import same_as_lens_on
    with open(tmp_path / "n.ex", "w") as f:
        for i in range(12):
            bits = [(i >> k) & 1 for k in range(4)]
            f.write("I: " + " ".join(map(str, bits)) + " T: "
                    + " ".join(map(str, bits[::-1])) + ";\n")
    script = ("seed 2\n" + TWO_OUT_NOISES[net]
              + "changeGroupType hidden +OUT_NOISE\nchangeGroupType hidden +OUT_NOISE\n"
              f"setObj hidden.noiseRange 0.2\nloadExamples {tmp_path / 'n.ex'} -s train\n"
              "setObj learningRate 0.1\nsetObj reportInterval 2\ntrain 6\n"
              'puts "[getObj error] [getObj hidden:1.output] [getObj output:1.output]"\n'
              "test\n"
              'puts "[getObj output:1.incoming(1).weight] [getObj hidden:2.incoming(1).weight]"\n')
    same_as_lens_on(script, tmp_path, path="Lens's loop")
