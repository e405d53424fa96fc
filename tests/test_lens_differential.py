"""Lens's own example scripts (the distribution's Examples/*.in), run through
the original Lens 2.63 and through lens_py with the same seed and a short
training run, must print the same numbers: every number on every line, in
the same spelling (see tests/lens_reference.py for how the two are run and
what is left out: the banner and the training report's two time columns).

Each case sources one script, then trains a little, tests, and prints the
unit outputs of every group and the first link weights (`dumpNet`), so
differences that the script's own printing would hide show up too.

Skipped when the original Lens is not built (`.ci/run` builds it when
../shared/lensref is beside the checkout) or its Examples are not there.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

import lens_reference as ref

# Prints every group's unit outputs and the first `maxLinks` incoming
# weights, through getObj (so with Lens's own number format).
DUMP_NET = r"""
proc dumpNet {{maxLinks 100}} {
  set links 0
  set w {}
  for {set g 0} {$g < [getObj numGroups]} {incr g} {
    set n [getObj group($g).numUnits]
    set outs {}
    for {set u 0} {$u < $n} {incr u} {
      lappend outs [getObj group($g).unit($u).output]
      set k [getObj group($g).unit($u).numIncoming]
      for {set i 0} {$i < $k && $links < $maxLinks} {incr i; incr links} {
        lappend w [getObj group($g).unit($u).incoming($i).weight]
      }
    }
    puts "[getObj group($g).name] outputs: $outs"
  }
  puts "weights: $w"
}
"""


@dataclass
class Case:
    name: str
    commands: str
    # why Lens's and lens_py's error reports may disagree here (None: they
    # must agree on whether there was one)
    errors_differ: str | None = None


def _case(name, *commands, errors_differ=None):
    return Case(name, "\n".join(commands), errors_differ)


CASES = [
    _case("adder10", "seed 1", "source adder10.in", "train 30", "test", "dumpNet",
          "useNet adder-b", "resetNet", "train 30", "test", "dumpNet"),
    _case("adder2", "seed 2", "source adder2.in", "train 50", "test", "dumpNet"),
    _case("boltz-complete", "seed 3", "source boltz-complete.in", "train 10", "test",
          "dumpNet", "useNet Boltz-Complete2", "train 10", "test", "dumpNet"),
    _case("boltz", "seed 4", "source boltz.in", "train 10", "test", "dumpNet",
          "useNet Boltz-big", "train 10", "test", "dumpNet"),
    _case("digits", "seed 5", "source digits.in", "train 30", "test", "dumpNet"),
    _case("digits_autorun", "seed 6", "source digits_autorun.in"),
    # encoder.in ends with `graph` and no arguments: a usage error in both
    _case("encoder", "seed 7", "source encoder.in", "train 50", "test", "dumpNet"),
    _case("filler-srbptt", "seed 8", "source filler-srbptt.in", "setObj reportInterval 5",
          "train 20", "test", "dumpNet"),
    _case("filler", "seed 9", "source filler.in", "setObj reportInterval 5", "train 20",
          "test", "dumpNet"),
    _case("hand-digits", "seed 10", "source hand-digits.in", "train 5", "test", "dumpNet 300"),
    _case("integrate", "seed 11", "source integrate.in", "test", "dumpNet"),
    _case("jets-n-sharks", "seed 12", "source jets-n-sharks.in", "test"),
    _case("kohonen", "seed 13", "source kohonen.in", "train 60", "dumpNet 300"),
    _case("logic", "seed 14", "source logic.in", "train 50", "test", "dumpNet"),
    _case("logic2", "seed 15", "source logic2.in", "setObj numUpdates 20", "go", "dumpNet"),
    _case("negation", "seed 16", "source negation.in", "train 50", "test", "dumpNet",
          "useNet negation2", "train 50", "test", "dumpNet"),
    _case("on-off", "seed 17", "source on-off.in", "train 20", "test", "dumpNet",
          "useTrainingSet on", "train 10", "test", "dumpNet"),
    _case("pick-one", "seed 18", "source pick-one.in", "train 20", "test", "dumpNet"),
    _case("rand10x40", "seed 19", "source rand10x40.in", "train 20", "test", "dumpNet",
          "useTestingSet set2", "test"),
    _case("recoder", "seed 20", "source recoder.in", "train 50", "test", "dumpNet"),
    _case("rhw-sequence", "seed 21", "source rhw-sequence.in", "train 30", "test", "dumpNet"),
    _case("sequence", "seed 22", "source sequence.in", "train 50", "test", "dumpNet"),
    _case("t-c", "seed 23", "source t-c.in", "train 10", "test", "dumpNet"),
    _case("task", "seed 24", "source task.in", "train 20", "test", "dumpNet"),
    # bench.in appends its timing to a file with `echo ... >> file` (a program,
    # run with Tcl's redirections); the file gets one line per bench
    _case("bench", "seed 26", "source bench.in", "bench 100000 bench.out",
          "bench 100000 bench.out", "set f [open bench.out]",
          "puts [llength [split [string trim [read $f]] \\n]]", "close $f", "dumpNet 50"),
    # useSelectedExamples passes open channels as file names (-$channel)
    _case("xor-useSelectedExamples", "seed 27", "source xor.in", "useSelectedExamples",
          "train 20", "test", "dumpNet"),
    _case("xor", "seed 25", "source xor.in", "resetNet", "train 200", "test", "dumpNet",
          "puts [trainIt 3]"),
]

# The unit output costs, which no distribution script but digits.in uses:
# each on a hidden layer, per-example and batched, standard and CONTINUOUS.
for _cost, _peak, _batch, _net in [("COSINE_COST", 0.3, 1, ""),
                                   ("COSINE_COST", 0.8, 0, "-i 2 -t 4 CONTINUOUS"),
                                   ("LOGISTIC_COST", 0.2, 3, ""),
                                   ("LOGISTIC_COST", 0.7, 0, "-i 2 -t 4 CONTINUOUS"),
                                   ("DELTA_COST", 0.5, 1, "-i 3 -t 3"),
                                   ("DELTA_COST", 0.5, 2, "-i 2 -t 4 CONTINUOUS")]:
    CASES.append(_case(
        f"cost-{_cost}-{_batch}{'-continuous' if _net.endswith('CONTINUOUS') else ''}",
        "seed 3", f"addNet c {_net}", "addGroup input 20 INPUT", f"addGroup hidden 15 {_cost}",
        "addGroup output 3 OUTPUT", "connectGroups input hidden output",
        "loadExamples digits.ex", f"setObj outputCostPeak {_peak}",
        f"setObj batchSize {_batch}", "setObj outputCostStrength 0.05",
        "setObj reportInterval 5", "train 30", "test", "dumpNet 400",
        # DELTA_COST keeps its last outputs through resetNet, as Lens does
        "resetNet", "train 10", "test"))

CASES.append(_case(
    "polarity", "seed 5", "source xor.in", "resetNet", "train 30", "polarity reset hidden",
    "setObj postExampleProc {polarity update {hidden output}}", "test",
    "puts [polarity report {hidden output}]", "puts [getObj hidden.polaritySum]",
    "puts [getObj hidden.polarityNum]", "polarity reset hidden",
    "puts [polarity repo hidden]", "puts \"<[polarity rep hidden]>\""))

# Feature mixes of published models, on the distribution's digits (20 inputs,
# 3 outputs): each runs on the fastest path lens_py has for it.
CASES += [
    _case("model-attractor-noise", "seed 31", "addNet attr -i 3 -t 4 CONTINUOUS",
          "addGroup input 20 INPUT", "addGroup hidden 30 OUT_NOISE",
          "addGroup output 3 OUTPUT IN_INTEGR", "connectGroups input hidden",
          "connectGroups hidden output -bidirectional", "connectGroups output output",
          "setObj hidden.noiseRange 0.05", "setObj dt 0.25", "setObj clampStrength 0.8",
          "loadExamples digits.ex", "setObj learningRate 0.05", "setObj momentum 0.8",
          "setObj reportInterval 10", "setObj batchSize 5", "train 30", "test", "dumpNet 300",
          "puts [rand]"),
    _case("model-lesions", "seed 32", "addNet rd 20 15 3", "loadExamples digits.ex",
          "setObj learningRate 0.2", "setObj reportInterval 50", "train 100", "test",
          "lesionUnits hidden 0.3", "test", "dumpNet 400", "healUnits",
          "lesionUnits {hidden:0 hidden:3}", "test", "healUnits",
          "lesionLinks hidden -proportion 0.2", "test", "train 20", "test", "dumpNet 400"),
    _case("model-hook-logger", "seed 34", "addNet lg 20 15 3", "loadExamples digits.ex",
          "set log {}",
          "proc logit {} { global log; lappend log [getObj output.unit(0).output]; "
          "if {[getObj currentExample.num] == 3} "
          "{setObj learningRate [expr {[getObj learningRate] * 0.99}]} }",
          "setObj postExampleProc logit", "setObj learningRate 0.1", "setObj batchSize 5",
          "setObj reportInterval 10", "train 30", "puts [lrange $log 0 40]",
          "puts [llength $log]", "puts [getObj learningRate]", "test", "dumpNet"),
    _case("model-softmax-dbd", "seed 41", "addNet sm", "addGroup input 20 INPUT",
          "addGroup hidden 12 TANH", "addGroup output 3 OUTPUT SOFT_MAX DIVERGENCE",
          "connectGroups input hidden output", "loadExamples digits.ex",
          "setObj learningRate 0.05", "setObj weightDecay 0.001",
          "setObj hidden.learningRate 0.1", "setObj reportInterval 25", "deltaBarDelta 100",
          "test", "freezeWeights -group hidden", "momentum 20", "test", "dumpNet",
          "thawWeights", "saveWeights w1.wt", "resetNet", "loadWeights w1.wt", "test",
          "dumpNet"),
    _case("model-soft-clamp", "seed 43", "addNet cl -i 2 -t 5 CONTINUOUS",
          "addGroup input 20 INPUT SOFT_CLAMP", "addGroup hidden 25",
          "addGroup output 3 OUTPUT INTERACT_INTEGR", "connectGroups input hidden output",
          "connectGroups output hidden", "setObj input.clampStrength 0.6", "setObj dt 0.2",
          "setObj output.dtScale 1.5", "loadExamples digits.ex", "setObj learningRate 0.02",
          "setObj reportInterval 20", "setObj batchSize 5", "train 40", "test", "dumpNet 300",
          "openNetOutputFile out.txt", "test", "closeNetOutputFile",
          "set f [open out.txt]", "puts [string length [read $f]]", "close $f"),
]

SKIPPED: dict = {}

KNOWN_DIFFERENCES = [
    pytest.param(
        _case("jets-n-sharks-units", "seed 12", "source jets-n-sharks.in", "test",
              "dumpNet 300"),
        # not strict: the addresses, so Lens's own order, vary with the heap's
        # layout (seen both ways on one machine, with the same commands)
        marks=pytest.mark.xfail(strict=False, reason=(
            "issue 12: Lens orders a unit's links of one type from different groups by "
            "the sender units' memory addresses (connectUnits in connect.c); lens_py "
            "takes the groups' order, so when the heap puts them the other way Don-in's "
            "Marital and Job links are summed in the other order and one output "
            "differs in the 7th digit after 1037 ticks")),
        id="jets-n-sharks-units"),
]


def _check(case: Case, tmp_path) -> None:
    ref.require_lens()
    commands = DUMP_NET + case.commands
    lens = ref.run_lens(commands, tmp_path)
    ours = ref.run_lens_py(commands, tmp_path)
    assert "Traceback" not in ours.stderr, ours.stderr
    if case.errors_differ is None:
        assert bool(ref.error_lines(lens.stderr)) == bool(ref.error_lines(ours.stderr)), (
            f"Lens's errors: {ref.error_lines(lens.stderr)}\n"
            f"lens_py's errors: {ref.error_lines(ours.stderr)}")
    assert ref.numbers_in(lens.stdout), "Lens printed no numbers: the case tests nothing"
    difference = ref.first_difference(lens.stdout, ours.stdout)
    assert difference is None, difference


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_same_numbers_as_lens(case, tmp_path):
    _check(case, tmp_path)


@pytest.mark.parametrize("case", KNOWN_DIFFERENCES)
def test_known_difference(case, tmp_path):
    _check(case, tmp_path)


@pytest.mark.parametrize("name", sorted(SKIPPED))
def test_not_compared_yet(name):
    pytest.skip(SKIPPED[name])


def test_every_distribution_script_has_a_case():
    ref.require_lens()
    scripts = {p.stem for p in ref.EXAMPLES.glob("*.in")}
    covered = {c.name for c in CASES} | {n.split("-useSelected")[0] for n in SKIPPED}
    assert scripts <= covered, f"no case for {sorted(scripts - covered)}"


def test_a_changed_number_is_found():
    """The comparison itself: one digit changed, one number missing, times
    and blank lines ignored."""
    lens = ("Performing 10 updates using Doug's Momentum...\n"
            "     10)   2.74543   0.00000   2.79095   0.59858        0s        0s\n\n"
            "Error total:         0.02683\n")
    assert ref.first_difference(lens, lens.replace(" 0s        0s", "1m 3s   12s")) is None
    assert ref.first_difference(lens, lens.replace("0.02683", "0.02684")) is not None
    assert ref.first_difference(lens, lens.replace("2.79095 ", "")) is not None
    assert ref.first_difference(lens, lens + "bias outputs: 1\n") is not None


# -- saveParameters: a file the original Lens can source ------------------------------

PARAMETER_SETUP = "\n".join([
    "addNet xor 2 3 1", "loadExamples xor.ex",
    "setObj learningRate 0.25", "setObj momentum 0.5", "setObj batchSize 2",
    "setObj hidden.gain 1.5", "setObj output.targetRadius 0.1",
    "setObj output.errorScale 2", "setObj hidden.randRange 0.3",
    "setObj postUpdateProc {set ::n [getObj totalUpdates]}",
    "setObj reportInterval 7", "setObj pseudoExampleFreq 1"])


def test_saved_parameters_source_in_lens(tmp_path):
    """lens_py saves (with lens_py-only settings too), the original Lens
    sources the file into a fresh network and saves its own copy: every
    line Lens writes is in lens_py's file, unchanged, and Lens reports no
    error."""
    ref.require_lens()
    ours = ref.run_lens_py(PARAMETER_SETUP + "\nsetObj updateSchedule {hidden output}\n"
                           "saveParameters params.tcl", tmp_path)
    assert not ref.error_lines(ours.stderr), ours.stderr
    saved = (tmp_path / "lens_py" / "Examples" / "params.tcl").read_text()
    assert "setObj updateSchedule {hidden output}" in saved
    lens_dir = tmp_path / "lens" / "Examples"
    lens_dir.mkdir(parents=True)
    (lens_dir / "params.tcl").write_text(saved)
    lens = ref.run_lens("addNet xor 2 3 1\nsource params.tcl\nsaveParameters again.tcl\n"
                        "puts [getObj learningRate]\nputs [getObj hidden.gain]\n"
                        "puts [getObj postUpdateProc]", tmp_path)
    assert not ref.error_lines(lens.stderr), lens.stderr
    assert lens.stdout.split("\n")[:3] == ["0.25", "1.5", "set ::n [getObj totalUpdates]"]
    again = (lens_dir / "again.tcl").read_text().splitlines()
    ours_lines = saved.splitlines()
    assert again == [line for line in ours_lines if line in again]
    assert len(again) == len([line for line in ours_lines if not line.startswith(("if ", "  ", "}"))])
