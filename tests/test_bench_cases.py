"""The benchmark suite's Lens scripts (scripts/bench_cases/) run in lens_py,
small, and print the same lines as the original Lens when it is built here
(LENS_REF, or /tmp/lensref/bin/alens): users would run these scripts, so
their numbers must be Lens's.  No timing is checked."""
import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from bench_cases import suite  # noqa: E402

LENS = os.environ.get("LENS_REF") or "/tmp/lensref/bin/alens"
HAVE_LENS = os.path.isfile(LENS) and os.access(LENS, os.X_OK)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("bench_cases")


@pytest.mark.parametrize("case", suite.CASES, ids=lambda c: c.name.replace(" ", "-"))
def test_case_runs_and_prints_lens_numbers(case, folder):
    if case.missing():
        pytest.skip(case.missing())
    driver = suite.prepare(case, folder, case.quick)
    ours = suite.run_lens_py(driver, timeout=300)
    assert "Traceback" not in ours.error, ours.error
    assert ours.train is not None, ours.error
    assert any("error" in line for line in ours.lines), ours.lines
    if not HAVE_LENS:
        return
    theirs = suite.run_lens(LENS, driver, timeout=120)
    assert theirs.train is not None, theirs.error
    if case.quick.get("exactSums") == 0:
        # matrix products: Lens's numbers to float32 rounding, not its digits
        ours_n = [float(w) for line in ours.lines for w in line.split()[1:2]]
        theirs_n = [float(w) for line in theirs.lines for w in line.split()[1:2]]
        assert ours_n == pytest.approx(theirs_n, rel=1e-4)
        return
    assert suite.first_difference(ours.lines, theirs.lines) is None, \
        "\n".join(["lens_py:"] + ours.lines + ["Lens:"] + theirs.lines)


def test_the_comparison_masks_only_the_clock():
    """Report lines differ in their time fields only; anything else counts."""
    a = suite.REPORT_TIMES.sub(r"\1 <times>", "     10)   73.9999   0.00000   17176.2  "
                               "-0.02970        6s        0s")
    b = suite.REPORT_TIMES.sub(r"\1 <times>", "     10)   73.9999   0.00000   17176.2  "
                               "-0.02970     1m 10s        0s")
    c = suite.REPORT_TIMES.sub(r"\1 <times>", "     10)   73.9998   0.00000   17176.2  "
                               "-0.02970        6s        0s")
    assert a == b != c
    assert suite.first_difference(["x 1"], ["x 1"]) is None
    assert "line 2" in suite.first_difference(["x 1", "y"], ["x 1"])


def test_unknown_case_names_are_refused():
    with pytest.raises(SystemExit, match="unknown case"):
        suite.by_name(["no-such-case"])
