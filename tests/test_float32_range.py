"""Values beyond float32's range (1e40, -1e40, 3.5e38, 1e-50, subnormal
1e-40) in example files, weight files and setObject: lens_py stores and
prints what the original Lens does (+-inf, 0, the subnormal), and no NumPy
RuntimeWarning (with the path of one of our files) reaches the user -- also
not when such a network tests or trains, where Lens itself crashes (its
sigmoid table is indexed with NaN) and lens_py computes C's inf and NaN."""
import warnings

import pytest

import lens_reference

EXAMPLES = ";\nI: 1e40 -1e40\nT: 1e-50;\nI: 3.5e38 1e-40 T: -1e39;\n"
# a 2-2-1 net's 9 weights (hidden's 2x3 links, then output's 3), as text
WEIGHTS = "1431655766\n9\n1\n0\n1e40\n-1e40\n1e-50\n3.5e38\n1e-40\nnan\ninf\n-inf\n0.5\n"


def _write(name, text):
    return f"set f [open {name} w]; puts -nonewline $f {{{text}}}; close $f"


LOADS = "\n".join([
    "addNet n 2 2 1",
    _write("big.ex", EXAMPLES),
    _write("big.wt", WEIGHTS),
    "loadExamples big.ex -set s",
    "foreach e {0 1} {foreach v {0 1} "
    "{puts \"in $e $v [getObj s.example($e).event(0).input.val($v)]\"}}",
    "foreach e {0 1} {puts \"target $e [getObj s.example($e).event(0).target.val(0)]\"}",
    "saveExamples s back.ex",
    "puts [read [set f [open back.ex]]][close $f]",
    "loadWeights big.wt",
    "foreach u {0 1} {foreach i {0 1 2} "
    "{puts \"hidden $u $i [getObj hidden.unit($u).incoming($i).weight]\"}}",
    "foreach i {0 1 2} {puts \"output $i [getObj output.unit(0).incoming($i).weight]\"}",
    "saveWeights back.wt -text",
    "puts [read [set f [open back.wt]]][close $f]",
    "saveWeights back.bin",
    "loadWeights back.bin",
    "puts \"binary [getObj hidden.unit(0).incoming(0).weight] "
    "[getObj hidden.unit(1).incoming(1).weight]\"",
    "foreach {what value} {learningRate 1e40 momentum -1e40 weightDecay 1e-50} "
    "{puts \"$what [setObj $what $value] [getObj $what]\"}",
    "puts [setObj hidden.unit(0).output 1e40]",
    "puts [setObj s.example(0).event(0).input.val(1) -1e39]",
])


def test_values_beyond_float32_load_and_print_as_in_lens(tmp_path):
    lens_reference.require_lens()
    lens = lens_reference.run_lens(LOADS, tmp_path)
    ours = lens_reference.run_lens_py(LOADS, tmp_path)
    assert "inf" in lens.stdout and "9.999946e-41" in lens.stdout, lens.stdout
    assert lens_reference.first_difference(lens.stdout, ours.stdout) is None, \
        lens_reference.first_difference(lens.stdout, ours.stdout)
    assert ours.stderr == "", ours.stderr


@pytest.fixture
def quiet(lens, tmp_path, monkeypatch):
    """A net with such examples and weights, every warning an error."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "big.ex").write_text(EXAMPLES)
    (tmp_path / "big.wt").write_text(WEIGHTS)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lens("addNet n 2 2 1; loadExamples big.ex -set s; useTrainingSet s; useTestingSet s")
        yield lens


@pytest.mark.parametrize("script", [
    "loadWeights big.wt",
    "setObj learningRate 1e40", "setObj hidden.unit(0).incoming(0).weight -1e40",
    "setObj s.example(0).event(0).input.val(0) 1e40", "resetUnitValues hidden -output 1e40",
    "randWeights -range 1e40", "randWeights -mean -1e40", "lesionLinks hidden -value 1e40",
    "noiseType hidden -range 1e40",
])
def test_setting_values_beyond_float32_is_quiet(quiet, script):
    quiet(script)


@pytest.mark.parametrize("script", ["test", "train 2", "doExample 1", "loadWeights big.wt; test",
                                    "loadWeights big.wt; train 3 -report 1",
                                    "setObj learningRate 1e40; train 2"])
def test_running_a_net_with_infinities_is_quiet_and_reports_nan_as_lens(quiet, script):
    quiet(script)
    assert quiet("getObj n.error") == "-"      # NaN, in Lens's spelling
    out = quiet.out.getvalue()
    assert "Warning" not in out and ".py" not in out
