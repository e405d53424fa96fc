"""Noise on the compiled per-example paths (compiled/rng.py, compiled/noise.py).

compiled/rng.py's drand48, randReal and randGaussian against LensRandom and
engine/noise.py over many draws (rejected Box-Muller pairs, the kept value
across calls with equal and different ranges and across `seed`); then nets
with OUT_NOISE, IN_NOISE, OUT_DERIV_NOISE, IN_DERIV_NOISE or EXT_INPUT_NOISE
trained and tested on the compiled example loop
(and on Lens's loop with compiled ticks) against `executionPath python`:
every weight, derivative, output and printed number bit for bit, and the
stream afterwards (the next `rand`).  One case runs in the original Lens."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import lens_reference
from lens_py.commands.common import session as session_of
from lens_py.engine import noise
from lens_py.engine.compiled import example as fastexample
from lens_py.engine.compiled import rng as crng
from lens_py.engine.rng import LensRandom
from path_runs import compared_lines, printing_interp, same_as_lens_on

pytestmark = pytest.mark.skipif(not crng.HAVE_NUMBA, reason="numba not installed")
f32 = np.float32


# -- the stream --------------------------------------------------------------------------

def _same_stream(a: LensRandom, b: LensRandom) -> bool:
    ka, kb = a.gaussian_kept, b.gaussian_kept
    return a.drand48_position == b.drand48_position and (
        (ka is None and kb is None)
        or (ka is not None and kb is not None
            and [f32(v).tobytes() for v in ka] == [f32(v).tobytes() for v in kb]))


def _compiled_apply(rng, proc, values, rng_range):
    rs = crng.new_state()
    crng.load(rng, rs)
    out = np.array(values, dtype=f32)
    crng.noisy_array(rs, crng.proc_code(proc), out, f32(rng_range))
    crng.store(rng, rs)
    return out


CALL = st.tuples(st.sampled_from(noise.PROCS), st.integers(0, 9),
                 st.sampled_from([0.1, 0.2, 0.5, 1.0, 3.0]), st.booleans())


@settings(max_examples=150, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), calls=st.lists(CALL, min_size=1, max_size=25))
def test_compiled_draws_equal_lens_random_and_noise_py(seed, calls):
    ours, ref = LensRandom(seed), LensRandom(seed)
    values = np.linspace(-2.0, 2.0, 10).astype(f32)
    for proc, n, rng_range, reseed in calls:
        if reseed:              # the kept Gaussian value outlives seed
            ours.seed(seed + n)
            ref.seed(seed + n)
        want = noise.apply(ref, proc, values[:n], rng_range, f32)
        got = _compiled_apply(ours, proc, values[:n], rng_range)
        assert got.tobytes() == want.tobytes()
        assert _same_stream(ours, ref)


def test_long_runs_with_rejections_and_the_kept_value():
    ours, ref = LensRandom(7), LensRandom(7)
    values = np.zeros(20001, dtype=f32)
    for proc, n, r in [(noise.ADD_GAUSSIAN, 20001, 1.0), (noise.ADD_GAUSSIAN, 1, 1.0),
                       (noise.ADD_GAUSSIAN, 3, 0.5), (noise.MULT_GAUSSIAN, 1, 0.5),
                       (noise.ADD_GAUSSIAN, 5000, 0.5), (noise.ADD_UNIFORM, 7, 0.5)]:
        start = ref.drand48_position
        want = noise.apply(ref, proc, values[:n], r, f32)
        got = _compiled_apply(ours, proc, values[:n], r)
        assert got.tobytes() == want.tobytes()
        assert _same_stream(ours, ref)
        if n == 20001:          # about a fifth of the pairs were rejected
            used = 0
            probe = LensRandom(0)
            probe.drand48_position = start
            while probe.drand48_position != ref.drand48_position:
                probe.drand48()
                used += 1
            assert used > 2 * 10001 * 1.15


# -- networks ------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def kernel():
    assert fastexample.wait_ready(), "the per-example kernels did not compile"


def _examples(path, n=12, ni=6, no=5, seed=3, events=1):
    r = np.random.RandomState(seed)
    lines = []
    for k in range(n):
        body = []
        for e in range(events):
            i = " ".join(str(int(v)) for v in r.randint(0, 2, ni))
            t = " ".join(str(int(v)) for v in r.randint(0, 2, no))
            body.append((f"[{e}] " if events > 1 else "") + f"I: {i} T: {t}")
        head = f"name: e{k} {events}\n" if events > 1 else f"name: e{k}\n"
        lines.append(head + "\n".join(body) + ";")
    path.write_text("\n".join(lines) + "\n")


BASE = """seed 5
addNet n 6 8 OUT_NOISE 5
setObj hidden.noiseRange 0.2
loadExamples {EX} -s t
setObj reportInterval 5
setObj learningRate 0.1
"""

CASES = {
    "addGaussian": "",
    "multGaussian": "noiseType hidden -multiply\n",
    "addUniform": "noiseType hidden -flat\n",
    "multUniform": "noiseType hidden -multiply -flat\n",
    # the kept Gaussian value is dropped between groups of different ranges ...
    "two ranges": "changeGroupType output OUT_NOISE\nsetObj output.noiseRange 0.3\n",
    # ... and used across them when the ranges are equal
    "same ranges": "changeGroupType output OUT_NOISE\nsetObj output.noiseRange 0.2\n",
    "IN_NOISE": "changeGroupType hidden IN_NOISE\nsetObj output.noiseRange 0.4\n"
                "changeGroupType output IN_NOISE\nnoiseType output -flat\n",
    "OUT_DERIV_NOISE": "changeGroupType hidden OUT_DERIV_NOISE\n",
    # (the input group's backward step passes over it: no draws)
    "IN_DERIV_NOISE": "changeGroupType output IN_DERIV_NOISE\nsetObj output.noiseRange 0.1\n"
                      "changeGroupType input IN_DERIV_NOISE\nnoiseType output -multiply\n",
    "EXT_INPUT_NOISE": "changeGroupType input +EXT_INPUT_NOISE\nsetObj input.noiseRange 0.3\n"
                       "noiseType input -flat\n",
    "two events, EXT_INPUT_NOISE": "changeGroupType input +EXT_INPUT_NOISE\n",
    # link derivatives' noise after each batch (training.py), in Python
    "DERIV_NOISE": "changeGroupType output +DERIV_NOISE\nsetObj batchSize 4\n",
    "DERIV_NOISE alone": "changeGroupType hidden OUT_NOISE\nchangeGroupType output +DERIV_NOISE\n"
                         "setObj backpropTicks 2\n",
    "network range": "setObj hidden.noiseRange NaN\nsetObj noiseRange 0.7\n",
    "permuted": "exampleSetMode t PERMUTED\n",
    "randomized": "exampleSetMode t RANDOMIZED\nsetObj batchSize 3\n",
    "two events": "",
    # PROBABILISTIC choices come from the noise's stream: compiled ticks, one by one
    "probabilistic": "exampleSetMode t PROBABILISTIC\n",
    # a hook drawing from the stream between compiled examples
    "hook draws": "set log {}\nproc p {} {global log; lappend log [rand]}\n"
                  "setObj postExampleProc p\n",
}
PATH_OF = {"probabilistic": "Lens's loop, compiled ticks",
           "hook draws": "compiled examples, hooks between"}


def _run(tmp_path, setup: str, path: str, events: int = 1):
    ex = tmp_path / "noise.ex"
    _examples(ex, events=events)
    it, printed = printing_interp()
    it.eval(BASE.replace("{EX}", str(ex)) + setup + f"setObj executionPath {path}\n")
    it.eval("train 1 -why")
    it.eval("train 30\ntest\ndoExample -s t\ntrain 3 -a steepest\n")
    net = session_of(it).net
    state = [a.tobytes() for g in net.groups for p in g.incoming
             for a in (p.weight, p.deriv)] + [g.state.tobytes() for g in net.groups]
    text = "".join(printed)
    drawn = it.eval("set log") if "proc p" in setup else ""
    return text, state, it.eval("rand"), it.eval("getObj error") + drawn


@pytest.mark.parametrize("case", list(CASES))
def test_noise_runs_compiled_with_the_bits_of_lens_loop(tmp_path, case):
    events = 2 if case.startswith("two events") else 1
    printed, state, nxt, err = _run(tmp_path, CASES[case], "auto", events)
    printed_py, state_py, nxt_py, err_py = _run(tmp_path, CASES[case], "python", events)
    expected = PATH_OF.get(case, "compiled example loop")
    assert f"Execution path: {expected} (" in printed, printed
    strip, strip_py = compared_lines(printed), compared_lines(printed_py)
    assert strip == strip_py and len(strip) > 10
    assert state == state_py
    assert (nxt, err) == (nxt_py, err_py)


def test_noise_declined_where_earlier_ticks_are_backpropagated(tmp_path):
    printed, state, nxt, _ = _run(tmp_path, "setObj backpropTicks 2\n", "auto")
    assert "noise with backpropTicks > 1" in printed
    _, state_py, nxt_py, _ = _run(tmp_path, "setObj backpropTicks 2\n", "python")
    assert state == state_py and nxt == nxt_py


LENS_DERIVS = BASE + """changeGroupType hidden OUT_DERIV_NOISE
changeGroupType output IN_DERIV_NOISE
changeGroupType input +EXT_INPUT_NOISE
setObj output.noiseRange 0.3
train 20
test
puts "[getObj hidden:0.output] [getObj output:3.output] [format %.4f [rand]]"
"""

LENS_SCRIPT = BASE + """changeGroupType output OUT_NOISE
setObj output.noiseRange 0.3
train 40
test
puts "[getObj hidden:0.output] [getObj output:1.output] [getObj output:3.output]"
noiseType hidden -multiply -flat
train 10
puts "[getObj hidden:2.output] [format %.4f [rand]]"
"""


@pytest.mark.parametrize("script", [LENS_SCRIPT, LENS_DERIVS], ids=["values", "derivatives"])
def test_the_printed_numbers_equal_lens(tmp_path, script):
    lens_reference.require_lens()
    _examples(tmp_path / "noise.ex")
    same_as_lens_on(script.replace("{EX}", str(tmp_path / "noise.ex")), tmp_path)
    # (Lens's `rand` is a float randReal printed with %g, lens_py's a double:
    # four places say where the stream is)
