"""compiled/fastlog.py: the float32 log that CROSS_ENTROPY rows vectorise
must be libm's log rounded to float32, bit for bit, wherever it says it is
sure, and must say it is unsure wherever its argument is no normal positive
double."""
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lens_py.engine.compiled import fastlog

pytestmark = pytest.mark.skipif(not fastlog.HAVE_NUMBA, reason="numba is not installed")

if fastlog.HAVE_NUMBA:
    import numba

    @numba.njit(error_model="numpy")
    def _try_all(xs, logs, sure):
        for i in range(xs.shape[0]):
            logs[i], sure[i] = fastlog.log32_try(xs[i])


def tried(xs):
    xs = np.asarray(xs, dtype=np.float64)
    logs = np.empty(xs.shape, np.float32)
    sure = np.empty(xs.shape, np.bool_)
    _try_all(xs, logs, sure)
    return logs, sure


def libm32(xs):
    with np.errstate(all="ignore"):
        return np.array([np.float32(math.log(x)) if x > 0 else np.float32(np.nan)
                         for x in xs], dtype=np.float32)


def assert_libm_where_sure(xs):
    logs, sure = tried(xs)
    want = libm32(xs)
    bad = sure & (logs.view(np.int32) != want.view(np.int32))
    assert not bad.any(), [(x, l, w) for x, l, w in zip(np.asarray(xs)[bad], logs[bad],
                                                        want[bad])][:5]
    return sure


def test_outputs_and_their_complements_as_cross_entropy_takes_them():
    rng = np.random.default_rng(3)
    o = rng.uniform(0, 1, 200_000).astype(np.float32).astype(np.float64)
    xs = np.concatenate([o, 1.0 - o])           # log(o) and log(1 - o), both in double
    sure = assert_libm_where_sure(xs)
    assert sure.mean() > 0.99                   # the fallback is the exception


def test_values_near_one_and_powers_of_two():
    ulps = np.arange(-2000, 2001)
    near_one = np.nextafter(1.0, 2.0) ** 0 + ulps * 2.0 ** -52
    twos = np.ldexp(1.0, np.arange(-999, 1000))
    around = np.concatenate([np.nextafter(twos, 0), twos, np.nextafter(twos, np.inf)])
    float32_near_one = (np.float32(1) + np.arange(-300, 300, dtype=np.float32)
                        * np.float32(2.0 ** -23)).astype(np.float64)
    assert_libm_where_sure(np.concatenate([near_one, around, float32_near_one]))


def test_no_promise_outside_the_normal_positive_doubles():
    edge = [0.0, -0.0, -1.0, -1e-300, np.nan, np.inf, -np.inf, 5e-324, 1e-310,
            2.0 ** -1022, 2.0 ** -1001, 2.0 ** 1001, 1.7e308]
    logs, sure = tried(edge)
    assert not sure.any()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(min_value=2.0 ** -1000, max_value=2.0 ** 1000), min_size=1,
                max_size=50))
def test_any_double_in_range(xs):
    assert_libm_where_sure(xs)
