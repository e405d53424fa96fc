"""compiled/rules.py, the scalar rules every compiled kernel inlines, against
their NumPy forms (activations.py, costs.py): bit for bit in float32 (Lens's
`real`), to a double's rounding in float64, over ordinary values and the edges each rule has: the
ends of the sigmoid table, TANH's +-17, outputs of exactly 0 and 1, targets
of 0, 1 and between, NaN."""
import numpy as np
import pytest

from lens_py.engine import activations as A
from lens_py.engine import costs as C
from lens_py.engine import types as T
from lens_py.engine.compiled import rules as R

pytestmark = pytest.mark.skipif(not R.HAVE_NUMBA, reason="numba is not installed")

DTYPES = [np.float32, np.float64]
COSTS = {T.SUM_SQUARED: R.SSE, T.CROSS_ENTROPY: R.CE, T.DIVERGENCE: R.DIVERGENCE}

if R.HAVE_NUMBA:
    import numba

    @numba.njit
    def _unary(code, x, out):
        for i in range(x.shape[0]):
            if code == 0:
                out[i] = R.sigmoid(x[i])
            elif code == 1:
                out[i] = R.tanh(x[i])
            elif code == 2:
                out[i] = R.tanh_deriv(x[i])
            else:
                out[i] = R.log_real(np.float64(x[i]), x[i])

    @numba.njit
    def _backs(od, o, x, gain, logistic, tanh):
        for i in range(o.shape[0]):
            logistic[i] = R.logistic_back(od[i], o[i], np.float64(gain))
            tanh[i] = R.tanh_back(od[i], x[i], gain)

    @numba.njit
    def _errors(cost, o, t, s, od, radius, zero_r, terms, derivs, adjusted):
        for i in range(o.shape[0]):
            terms[i] = R.error_term(cost, o[i], t[i])
            derivs[i] = R.error_deriv(cost, o[i], t[i], s, od[i])
            adjusted[i] = R.adjusted_target(o[i], t[i], radius, zero_r)


def same_bits(got, want):
    """Equal bits (NaN as NaN) in float32.  In float64 the compiled rules call
    libm's exp, log, tanh and cosh, and NumPy its own vectorised ones, which
    differ from libm in the last bit now and then (more after a cancellation,
as in CROSS_ENTROPY's two logs): close there, not equal."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype
    nan = np.isnan(got) & np.isnan(want)
    assert (np.isnan(got) == nan).all() and (np.isnan(want) == nan).all()
    if got.dtype == np.float64:
        np.testing.assert_allclose(got[~nan], want[~nan], rtol=1e-13, atol=1e-15)
        return
    bad = ~nan & (got.view(f"u{got.itemsize}") != want.view(f"u{want.itemsize}"))
    assert not bad.any(), list(zip(np.flatnonzero(bad)[:5], got[bad][:5], want[bad][:5]))


def inputs(dtype, n=20_000, seed=5):
    rng = np.random.default_rng(seed)
    x = np.concatenate([rng.normal(0, 6, n), rng.uniform(-20, 20, n),
                        [0.0, -0.0, 16.0, -16.0, 15.9999, -15.9999, 17.0, -17.0, 16.5, 1e-30,
                         np.nan, np.inf, -np.inf]])
    return x.astype(dtype)


def outputs_and_targets(dtype, n=5_000, seed=6):
    rng = np.random.default_rng(seed)
    o = np.concatenate([rng.uniform(0, 1, 4 * n), [0.0, 1.0, 1e-9, 1 - 1e-8, 0.5] * 4])
    t = np.concatenate([rng.integers(0, 2, n), rng.uniform(0, 1, n), rng.integers(0, 2, n),
                        np.full(n, 0.25), [0.0, 0.0, 1.0, 1.0, 0.3] * 4])
    return o.astype(dtype), t.astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_activations_and_log(dtype):
    x = inputs(dtype)
    got = {code: np.empty_like(x) for code in range(4)}
    for code, out in got.items():
        _unary(code, x, out)
    same_bits(got[0], A.logistic(x, dtype))
    finite = np.isfinite(x)         # (NumPy's tanh forms index with the comparisons)
    same_bits(got[1][finite], A.tanh(x[finite], dtype))
    same_bits(got[2][finite], A.tanh_deriv(x[finite], dtype))
    same_bits(got[3], A.log_real(x, dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_backward_steps(dtype):
    rng = np.random.default_rng(7)
    x = inputs(dtype)
    o = A.logistic(x, dtype)
    od = rng.normal(0, 2, x.shape).astype(dtype)
    gain = dtype(1.5)
    logistic, tanh = np.empty_like(o), np.empty_like(o)
    _backs(od, o, x, gain, logistic, tanh)
    same_bits(logistic, A.logistic_back(od, o, gain, dtype))
    finite = np.isfinite(x)
    want = ((od * gain).astype(dtype) * A.tanh_deriv(x, dtype)).astype(dtype)
    same_bits(tanh[finite], want[finite])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("cost", sorted(COSTS))
def test_error_functions_and_their_derivatives(dtype, cost):
    o, t = outputs_and_targets(dtype)
    od = np.random.default_rng(8).normal(0, 1, o.shape).astype(dtype)
    s, radius, zero_r = dtype(0.7), dtype(0.1), dtype(0.05)
    terms, derivs, adjusted = np.empty(o.shape), np.empty_like(o), np.empty_like(o)
    _errors(COSTS[cost], o, t, s, od, radius, zero_r, terms, derivs, adjusted)
    same_bits(terms, C.error_terms(cost, o, t))
    want = od.copy()
    C.error_derivs(cost, o, t, s, want)
    same_bits(derivs, want)
    same_bits(adjusted, C.adjusted_target(o, t, radius, zero_r))
