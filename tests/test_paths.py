"""The path table (engine/paths.py): each network trained and tested on every
execution path that covers it gives the same bits, and the choice is
reported and can be forced."""
import pytest

from lens_py.engine import paths

XOR = "/".join(__file__.split("/")[:-2]) + "/lens_py/nets/xor.ex"

CASES = {
    "feed-forward": "addNet n 2 3 1",
    "hooked": "addNet n 2 3 1; setObj postExampleProc {set ::seen 1}",
    "multi-tick": "addNet n -i 2 -t 2 2 3 1",
}


def _weights(lens, setting, net_script):
    lens(f"seed 7; {net_script}; loadExamples {XOR} -set x; useTrainingSet x")
    lens(f"setObj executionPath {setting}")
    lens("train 30; test")
    net = lens.interp.ext["lens"].net
    err = net.error
    return [p.weight.copy() for g in net.groups for p in g.incoming], err


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_setting_gives_the_same_bits(lens, case):
    ref, ref_err = _weights(lens, "python", CASES[case])
    for setting in ("numpy", "auto"):
        got, err = _weights(lens, setting, CASES[case])
        assert err == ref_err
        for a, b in zip(ref, got):
            assert a.tobytes() == b.tobytes(), (case, setting)


def test_python_setting_runs_lens_loop_and_says_why(lens):
    lens(f"seed 1; addNet n 2 3 1; loadExamples {XOR}")
    net = lens.interp.ext["lens"].net
    lens("setObj executionPath python")
    assert paths.choose(net, net.training_set, True) is paths.LENS_LOOP
    lens("setObj executionPath numpy")
    assert paths.choose(net, net.training_set, True) is paths.NUMPY_BATCH
    lens("setObj postExampleProc {set y 2}")
    lens("train 2 -why")
    assert "declined: NumPy batch: hook postExampleProc" in lens.out.getvalue()


def test_bad_setting_is_refused(lens):
    lens("addNet n 2 3 1")
    with pytest.raises(Exception, match="executionPath must be one of auto, compiled, numpy, python"):
        lens("setObj executionPath fast")
    assert lens("getObj executionPath") == "auto"
