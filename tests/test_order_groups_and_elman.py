"""orderGroups and elmanConnect against the original Lens: the scripts in
tests/scripts/ reorder groups (bias included, unknown and repeated names, too
many names, a failure part-way that keeps the swaps made before it) and
connect Elman contexts (-reset, -initOutput, missing groups, groups that
cannot be a context or its source, a full context, copyConnect's missing
groups), then train and test a few updates and print every unit output and
weight; both programs must print the same lines.

Lens prefixes its error messages with "Error: " and words its usage errors
in its own way; those two spellings are set aside, nothing else."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import lens_oracle
from lens_py import Lens

SCRIPTS = Path(__file__).parent / "scripts"


def comparable(text: str) -> list:
    lines = lens_oracle.without_times(text).splitlines()
    lines = [line.replace("<Error: ", "<") for line in lines]
    return [re.sub(r"^1<(usage: \S+|\S+: usage)\b.*>$", "1<usage>", line) for line in lines]


def run_lens_py(script: Path, folder: Path) -> str:
    done = subprocess.run([sys.executable, "-m", "lens_py", script.name], cwd=folder,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "LENS_PY_RC": os.devnull})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", ["order_groups.in", "elman_connect.in"])
def test_the_same_lines_as_lens(tmp_path, name):
    lens_oracle.require()
    for who in ("lens", "ours"):
        (tmp_path / who).mkdir()
        shutil.copy(SCRIPTS / name, tmp_path / who / name)
    lens_out, lens_err = lens_oracle.run((SCRIPTS / name).read_text(), tmp_path / "lens", name)
    ours = run_lens_py(tmp_path / "ours" / name, tmp_path / "ours")
    assert lens_err.strip() == ""
    assert comparable(ours) == comparable(lens_out)
    assert "weights: " in ours


def test_a_failed_order_keeps_the_earlier_swaps_numbered():
    L = Lens()
    L("addNet n 2 3 2")
    with pytest.raises(Exception, match='orderGroups: group "zz" doesn\'t exist'):
        L("orderGroups output zz")
    net = L.net
    assert [g.name for g in net.groups] == ["output", "input", "hidden", "bias"]
    assert [g.num for g in net.groups] == [0, 1, 2, 3]


@pytest.mark.parametrize("command", ["elmanConnect hidden zz", "elmanConnect zz hidden",
                                     "copyConnect hidden zz outputs",
                                     "copyConnect zz hidden outputs"])
def test_a_missing_group_is_named_in_lens_words(command):
    L = Lens()
    L("addNet n -i 2 2 3 2")
    word = command.split()[0]
    assert L(f"catch {{{command}}} m; set m") == f'{word}: group "zz" doesn\'t exist'
