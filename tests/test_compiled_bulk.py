"""compiled/bulk.py's per-batch chores give every element NumPy's bits: the
scaled derivatives of a CONTINUOUS batch (NaN, infinities, subnormals and
signed zeros included) and the zeroed ones; arrays it cannot take (float64,
not C-ordered) go through NumPy."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from lens_py.engine.compiled import bulk, bulkkernels

pytestmark = pytest.mark.skipif(not bulk.HAVE_NUMBA, reason="numba not installed")


@pytest.fixture(scope="module", autouse=True)
def kernels():
    assert bulkkernels.KERNELS.ready(wait=True), "the kernels did not compile"


SPECIAL = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-45, -1e-40, 3.4e38, 1.0],
                   dtype=np.float32)


def _arrays(seed, shapes):
    rng = np.random.default_rng(seed)
    out = []
    for shape in shapes:
        bits = rng.integers(0, 2 ** 32, size=shape, dtype=np.uint64).astype(np.uint32)
        a = bits.view(np.float32)
        a.reshape(-1)[:len(SPECIAL)] = SPECIAL[:a.size]
        out.append(a)
    return out


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2 ** 32 - 1),
       shapes=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 9)), min_size=0, max_size=6),
       ticks=st.integers(1, 12))
def test_scale_gives_numpys_bits(seed, shapes, ticks):
    arrays = _arrays(seed, shapes)
    expected = [a.copy() for a in arrays]
    factor = np.float32(np.float32(1.0) / np.float32(ticks))
    with np.errstate(invalid="ignore"):     # (inf * 0 and NaN are among the values)
        for a in expected:
            np.multiply(a, factor, out=a)
    bulk.scale(bulk.Arrays(arrays), factor)
    for a, b in zip(arrays, expected):
        assert a.tobytes() == b.tobytes()


def test_zero_clears_every_array():
    arrays = _arrays(3, [(2, 5), (1, 1), (4, 3)])
    bulk.zero(bulk.Arrays(arrays))
    for a in arrays:
        assert a.tobytes() == np.zeros_like(a).tobytes()


def test_arrays_the_kernels_cannot_take_go_through_numpy():
    wide = np.full((2, 3), 0.7)                         # float64
    strided = np.full((4, 6), 0.3, dtype=np.float32)[:, ::2]
    for a in (wide, strided):
        arrays = bulk.Arrays([a])
        assert not arrays.ok
        expected = a * a.dtype.type(0.25)
        bulk.scale(arrays, a.dtype.type(0.25))
        assert a.tobytes() == expected.tobytes()
        bulk.zero(arrays)
        assert not a.any()


def test_numpy_only_when_compiled_code_is_not_allowed(monkeypatch):
    arrays = _arrays(5, [(2, 2)])
    expected = arrays[0] * np.float32(0.5)
    monkeypatch.setattr(bulkkernels, "scale_all", None)  # would fail if called
    bulk.scale(bulk.Arrays(arrays), np.float32(0.5), compiled=False)
    assert arrays[0].tobytes() == expected.tobytes()
