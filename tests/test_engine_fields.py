"""getObject/setObject paths over the engine's objects."""
import io

import numpy as np
import pytest

from fake_examples import xor_set
from lens_py.engine.fields import object_space
from lens_py.engine.objects import ObjectError
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session


@pytest.fixture
def space():
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    s.add_set(xor_set())
    return s, net, object_space(s)


def test_values_and_formats(space):
    s, net, sp = space
    assert sp.get("hidden:0.incoming(0).weight") == "-0.2674527"
    assert sp.get("hidden:0.incoming(1).weight") == "-0.2975818"
    assert sp.get("output.type") == "0x23000004"
    assert sp.get("input.type") == "0x2000002"
    assert sp.get("group(2).type") == "0x3000000"
    assert sp.get("learningRate") == "0.1"
    assert sp.get("numLinks") == "9"
    assert sp.get("hidden.output(0)") == "0.5"
    assert sp.get("output:0.block(1).numUnits") == "2"
    assert sp.get("hidden:1.incoming2(2).lastValue") == "1"
    assert sp.get("root.net(0).name") == "xor"
    assert sp.get("output:0.target") == "-"
    assert sp.get("hidden.learningRate") == "-"


def test_set_rounds_to_float_and_writes_engine(space):
    s, net, sp = space
    assert sp.set("learningRate", "0.25") == "0.25"
    assert net.learning_rate == 0.25
    assert sp.set("momentum", "0.3") == "0.3" and net.momentum == float(np.float32(0.3))
    assert sp.set("hidden:0.incoming(2).weight", "0.5") == "0.5"
    assert net.group("hidden").incoming[1].weight[0, 1] == 0.5
    assert sp.set("output.errorScale", "2") == "2" and net.group("output").error_scale == 2
    assert sp.set("output:0.block(0).learningRate", "-") == "-"
    sp.set("postExampleProc", "puts hi")
    assert net.hooks["postExampleProc"] == "puts hi" and sp.get("postExampleProc") == "puts hi"
    sp.set("postExampleProc", "")
    assert net.hooks["postExampleProc"] is None


def test_write_protection_and_errors(space):
    s, net, sp = space
    with pytest.raises(ObjectError, match="numLinks is write-protected"):
        sp.set("numLinks", "3")
    with pytest.raises(ObjectError, match="hidden:0.incoming\\(0\\).deriv is write-protected"):
        sp.set("hidden:0.incoming(0).deriv", "3")
    with pytest.raises(ObjectError, match='field "bogus" not found in object of type Unit'):
        sp.get("hidden:0.bogus")
    with pytest.raises(ObjectError, match="index 5 out of bounds"):
        sp.get("hidden:0.incoming(5)")


def test_training_values_visible(space):
    s, net, sp = space
    s.train(25, report=0)
    assert sp.get("totalUpdates") == "25"
    assert sp.get("hidden:0.incoming(0).weight") == "%.7g" % net.group("hidden").incoming[0].weight[0, 0]
    assert sp.get("hidden:0.incoming2(0).lastWeightDelta").startswith("-0.00402662")
