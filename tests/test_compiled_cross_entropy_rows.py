"""The compiled batch's CROSS_ENTROPY rows (compiled/batch.py `_ce_bit_rows`):
rows whose targets are all 0 or 1 take a branch-free road, the others
(fractional or missing targets, target radii) the general one; both must give
the NumPy path's bits, in one batch, with outputs saturated (at the ends of Lens's sigmoid table) as well as in
between."""
import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet
from lens_py.engine.compiled import batch as fastpath
from test_fastpath import assert_same, train_both

needs_numba = pytest.mark.skipif(not fastpath.HAVE_NUMBA, reason="numba is not installed")


@pytest.fixture(autouse=True, scope="module")
def compiled():
    fastpath.ready(wait=True)


def mixed_rows(n_in=6, n_out=5, seed=11):
    """Rows of bits, rows with a fractional target, rows with a missing one."""
    rng = np.random.default_rng(seed)
    exs = []
    for k in range(24):
        t = (rng.uniform(size=n_out) > 0.5).astype(float)
        if k % 4 == 1:
            t[rng.integers(n_out)] = 0.3
        elif k % 4 == 2:
            t[rng.integers(n_out)] = np.nan
        exs.append(Example([Event(list(rng.uniform(0, 1, n_in)), list(t))],
                           frequency=float(rng.uniform(0.5, 2))))
    return ExampleSet("mixed", exs, mode=ExampleSet.ORDERED)


def build(scale=1.0, radius=0.0, pseudo=False):
    def make(s):
        net = s.add_net("n", groups=[(6, []), (7, ["LOGISTIC"]),
                                     (5, ["LOGISTIC", "CROSS_ENTROPY"])])
        net.batch_size = 8
        net.zero_error_radius = radius
        net.pseudo_example_freq = 1 if pseudo else 0
        s.add_set(mixed_rows())
        for g in net.groups:
            for p in g.incoming:
                p.weight[...] *= net.dtype(scale)     # large weights: outputs of 0 and 1
        return net
    return make


@needs_numba
@pytest.mark.parametrize("scale", [1.0, 40.0])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bit_rows_and_other_rows_in_one_batch(scale, dtype):
    fast, slow = train_both(build(scale), updates=10, report=5, algorithm="dougsMomentum",
                            dtype=dtype)
    assert fast["used_fast"] and not slow["used_fast"]
    if scale > 1:       # outputs at the ends of Lens's sigmoid table
        out = fast["state"][-1][1]
        assert np.any(out > 0.9999) or np.any(out < 1e-4)
    assert_same(fast, slow, exact=dtype == np.float32)


@needs_numba
def test_radius_and_frequencies_take_the_general_road():
    fast, slow = train_both(build(radius=0.1, pseudo=True), updates=8, report=4)
    assert fast["used_fast"]
    assert_same(fast, slow)


@needs_numba
def test_testing_bit_rows():
    def after(s, net):
        net.test_text = s.test(return_text=True)[0]
    fast, slow = train_both(build(40.0), updates=4, report=2, after=after)
    assert fast["test"] and fast["test"] == slow["test"]
    assert_same(fast, slow)
