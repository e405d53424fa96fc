"""`setObj exactSums 0`: matrix products (BLAS) instead of Lens's summation
order.  The default keeps Lens's order on every path; asked for, BLAS runs
on the batch paths and lands within float32 rounding of the exact sums."""
import io

import numpy as np
import pytest

from lens_py.assemble import make_interp

ROWS, N_IN, N_HID, N_OUT = 120, 60, 40, 10


@pytest.fixture
def examples(tmp_path):
    rng = np.random.default_rng(3)
    lines = []
    for _ in range(ROWS):
        i = rng.integers(0, 2, N_IN)
        t = rng.integers(0, 2, N_OUT)
        lines.append("I: " + " ".join(map(str, i)) + " T: " + " ".join(map(str, t)) + ";")
    path = tmp_path / "big.ex"
    path.write_text("\n".join(lines) + "\n")
    return path


def _train(_, examples, setting, exact):
    """A fresh interpreter each time: the set's position must start at 0."""
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    lens = interp.eval
    lens(f"seed 5; addNet n {N_IN} {N_HID} {N_OUT}; loadExamples {examples} -set s")
    lens(f"useTrainingSet s; setObj batchSize 40; setObj executionPath {setting}")
    if exact is not None:
        lens(f"setObj exactSums {exact}")
    lens("train 25 -report 0")
    net = interp.ext["lens"].net
    return [p.weight.copy() for g in net.groups for p in g.incoming], float(net.error)


def test_default_is_exact_and_the_same_bits_as_lens_loop(lens, examples):
    lens("addNet probe 2 2 1")
    assert lens("getObj exactSums") == "1"
    ref, ref_err = _train(lens, examples, "python", None)
    for setting in ("numpy", "auto"):
        got, err = _train(lens, examples, setting, None)
        assert err == ref_err
        assert all(a.tobytes() == b.tobytes() for a, b in zip(ref, got)), setting


@pytest.mark.parametrize("setting", ["numpy", "auto"])
def test_blas_mode_is_within_float32_rounding_of_exact(lens, examples, setting):
    exact, exact_err = _train(lens, examples, setting, 1)
    blas, blas_err = _train(lens, examples, setting, 0)
    # Matrix products round differently: some weight differs in its last bits ...
    assert any(a.tobytes() != b.tobytes() for a, b in zip(exact, blas))
    # ... but only by rounding, amplified a little by 25 updates.
    for a, b in zip(exact, blas):
        np.testing.assert_allclose(b, a, rtol=1e-4, atol=1e-5)
    assert blas_err == pytest.approx(exact_err, rel=1e-4)


def test_exact_sums_takes_0_or_1_and_is_saved_as_lens_py_only(lens, tmp_path):
    lens("addNet n 2 2 1; setObj exactSums 0")
    assert lens("getObj exactSums") == "0"
    with pytest.raises(Exception, match="exactSums must be 0 or 1, not 3"):
        lens("setObj exactSums 3")
    assert lens("getObj exactSums") == "0"
    lens(f"saveParameters {tmp_path / 'p.tcl'}")
    text = (tmp_path / "p.tcl").read_text()
    own = text.split("if {[string match lens_py* [version]]} {\n")[1]
    assert "setObj exactSums {0}" in own
