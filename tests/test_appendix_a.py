"""The golden xor run (the original Lens's printed output), reproduced by a
Lens script run through the real command line."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

import lens_examples

# Our own dense XOR file lists the four patterns in the same order, so it
# stands in where Lens's distribution is not beside the checkout.
LENS_XOR = lens_examples.path("xor.ex")
OUR_XOR = lens_examples.OUR_XOR
SCRIPT = Path(__file__).parent / "scripts" / "appendix_a1.in"

EXPECTED = """\
-0.2674527
-0.2975818
Test results on 4 examples, 4 ticks:
                     Network     
Error total:         3.11359
Error per example:   0.77840
Error per tick:      0.77840
Unit cost per tick:  0.00000
Output unit criterion reached on 0 examples (0.00%)
Performing 25 updates using Doug's Momentum...
__Update____Error___UnitCost__Wgt.Cost__Grad.Lin__TimeUsed__TimeLeft__
      5)   2.78322   0.00000   1.29855   0.90686        0s        0s
     10)   2.90196   0.00000   1.30927   0.70177        0s        0s
     15)   2.78833   0.00000   1.24605  -0.93532        0s        0s
     20)   2.80032   0.00000   1.20409   0.93808        0s        0s
     25)   2.78559   0.00000   1.20872  -0.85653        0s        0s
Test results on 4 examples, 4 ticks:
                     Network     
Error total:         2.79056
Error per example:   0.69764
Error per tick:      0.69764
Unit cost per tick:  0.00000
Output unit criterion reached on 0 examples (0.00%)
0.69764
"""


@pytest.mark.parametrize("exfile", [
    pytest.param(LENS_XOR, id="lens-xor.ex", marks=pytest.mark.skipif(
        LENS_XOR is None, reason="Lens's example files are not here")),
    pytest.param(OUR_XOR, id="nets-xor.ex")])
def test_appendix_a1_through_the_command_line(tmp_path, exfile):
    wt = tmp_path / "w.wt"
    p = subprocess.run([sys.executable, "-m", "lens_py", str(SCRIPT), str(exfile), str(wt)],
                       capture_output=True, text=True, timeout=60, cwd=tmp_path,
                       env={**os.environ, "LENS_PY_RC": os.devnull})
    # (a fresh install may say once that its kernels are compiling)
    assert [line for line in p.stderr.splitlines()
            if not line.startswith("lens_py: compiling the kernels")] == []
    assert p.returncode == 0
    assert p.stdout == EXPECTED
    lines = wt.read_text().splitlines()
    assert lines[:5] == ["1431655766", "9", "3", "25", "-0.421494 -0.00402662 1"]
    assert len(lines) == 4 + 9
