"""Lesioned units in CONTINUOUS networks: Lens's unit loops pass over them
everywhere (the integrators, the history stores and the restores of the
backward pass), so a lesioned sender's NaN history never reaches a link
derivative.  Each script prints what the original Lens prints (on the compiled
continuous path; tests/test_fastcontinuous.py has its bits against continuous.py)."""
from __future__ import annotations

import pytest

from path_runs import same_as_lens_on

BASE = """seed 3
addNet c -i 3 -t 4 CONTINUOUS
addGroup input 4 INPUT
addGroup hidden 6 {HIDDEN}
addGroup output 4 OUTPUT {OUTPUT}
connectGroups input hidden
connectGroups hidden output
connectGroups hidden hidden
loadExamples {EX} -s train
setObj learningRate 0.1
setObj reportInterval 5
train 5
"""
AFTER = """train 10
puts "err [getObj error]"
test
puts "w [getObj hidden:1.incoming(0).weight] [getObj output:1.incoming(1).weight] \
[getObj hidden:0.incoming(2).weight]"
puts "o [getObj output:0.output] [getObj hidden:2.output] [getObj hidden:3.output]"
"""
# (hidden type, output type, the lesions)
CASES = {
    "IN_INTEGR hidden": ("IN_INTEGR", "", "lesionUnits hidden 0.5"),
    "OUT_INTEGR both": ("OUT_INTEGR", "OUT_INTEGR", "lesionUnits hidden 0.4\nlesionUnits output 0.5"),
    "input units": ("IN_INTEGR", "", "lesionUnits input 0.5"),
    "cross entropy": ("IN_INTEGR", "CROSS_ENTROPY", "lesionUnits output 0.5\nlesionUnits hidden 0.3"),
    "integrators kept between examples": ("IN_INTEGR -RESET_ON_EXAMPLE", "",
                                          "lesionUnits hidden 0.5"),
}


def _examples(path) -> None:
    rows = [((i >> 3) & 1, (i >> 2) & 1, (i >> 1) & 1, i & 1) for i in range(16)]
    with open(path, "w") as f:
        for k, (a, b, c, d) in enumerate(rows + rows[:8]):
            f.write(f"I: {a} {b} {c} {d}\nT: {d} {c ^ d} {b} {a & b};\n")


@pytest.mark.parametrize("case", list(CASES))
def test_lesioned_continuous_nets_print_lens_numbers(tmp_path, case):
    hidden, output, lesions = CASES[case]
    _examples(tmp_path / "c.ex")
    script = (BASE.replace("{HIDDEN}", hidden).replace("{OUTPUT}", output)
              .replace("{EX}", str(tmp_path / "c.ex")) + lesions + "\n" + AFTER)
    same_as_lens_on(script, tmp_path, path="compiled continuous examples")
