"""getObject/setObject over example sets, examples, events and ranges (SPEC
§6.5), driven through fields.object_space as the shell commands do."""
import io
import math

import numpy as np
import pytest

from lens_py.engine import types as T
from lens_py.engine.examples import load_examples
from lens_py.engine.fields import object_space
from lens_py.engine.objects import ObjectError
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session
from lens_py.engine.training import train_batch
from lens_py.engine.vectorised import batch_blocker

TEXT = """min:1 max:10 defI:-;
name:{first} freq:2 proc:{puts hi} 2
[1 max:3 proc:{puts ev}] I: 0.5 1 [1] t: {output 0.25} 0 -1;
I: 1 0 T: 1;
i: 1 t: 0;
"""


@pytest.fixture
def world(tmp_path):
    s = Session(rng=LensRandom(3), write=io.StringIO().write)
    s.run_script = lambda t: ""
    net = s.add_net("n", groups=[(2, []), (2, []), (2, [])])
    (tmp_path / "xor.ex").write_text(TEXT)
    load_examples(s, str(tmp_path / "xor.ex"))
    return s, net, object_space(s)


def test_set_fields_by_name_and_path(world):
    s, net, space = world
    e = s.sets["xor"]
    assert space.get("xor.numExamples") == "3"
    assert space.get("xor.numEvents") == "4"
    assert space.get("trainingSet.numExamples") == "3"
    assert space.get("root.set(0).name") == "xor" == space.get("set(0).name")
    assert space.get("xor.num") == "0"
    assert space.get("xor.mode") == "0x1"
    assert space.get("xor.maxTime") == "10" and space.get("xor.minTime") == "1"
    assert space.get("xor.defaultInput") == "-" and space.get("xor.activeTarget") == "1"
    assert space.get("xor.graceTime") == "0" and space.get("xor.pipeLoop") == "1"
    assert space.get("xor.example(1).num") == "1"
    assert space.get("xor.firstExample.name") == "first"
    assert space.get("xor.lastExample.num") == "2"
    assert space.get("xor.currentExampleNum") == "-1"
    e.next_example(s.rng)
    e.next_example(s.rng)
    assert space.get("xor.currentExampleNum") == "1"
    assert space.get("xor.currentExample.num") == "1"
    assert space.get("xor.permuted(2).num") == "2"
    assert space.get("xor.pipeExampleNum") == "0"
    with pytest.raises(ObjectError, match="null pointer"):
        space.get("xor.pipeExample.name")
    with pytest.raises(ObjectError, match="index 3 out of bounds"):
        space.get("xor.example(3)")
    with pytest.raises(ObjectError, match="mode is write-protected"):
        space.set("xor.mode", "2")
    listing = space.get("xor").splitlines()
    assert listing[0] == "--ExampleSet--"
    assert "numExamples         : 3" in listing


def test_example_event_range_fields(world):
    s, net, space = world
    assert space.get("xor.example(0).name") == "first"
    assert space.get("xor.example(1).name") == ""
    assert space.get("xor.example(0).frequency") == "2"
    assert space.get("xor.example(0).probability") == "0.5"
    assert space.get("xor.example(2).probability") == "1"
    assert space.get("xor.example(0).proc") == "puts hi"
    assert space.get("xor.example(0).numEvents") == "2"
    assert space.get("xor.example(0).set.name") == "xor"
    assert space.get("xor.example(0).next.num") == "1"
    with pytest.raises(ObjectError, match="null pointer"):
        space.get("xor.example(2).next.num")
    ev = "xor.example(0).event(1)"
    assert space.get(ev + ".maxTime") == "3" and space.get(ev + ".minTime") == "-"
    assert space.get(ev + ".proc") == "puts ev"
    assert space.get(ev + ".defaultInput") == "-"
    assert space.get(ev + ".sharedInputs") == "0"
    assert space.get(ev + ".example.name") == "first"
    assert space.get(ev + ".input.numUnits") == "2"
    assert space.get(ev + ".input.val(0)") == "0.5"
    assert space.get(ev + ".input.val") == "0.5 1"
    assert space.get(ev + ".target.groupName") == "output"
    assert space.get(ev + ".target.value") == "0.25"
    assert space.get(ev + ".target.unit") == "0 -1"
    with pytest.raises(ObjectError, match="null pointer"):
        space.get(ev + ".input.next.numUnits")
    with pytest.raises(ObjectError, match="null pointer"):
        space.get("xor.example(0).event(0).input.numUnits")
    assert space.get("xor.example(2).event(0).input.unit(0)") == "1"
    assert space.get("xor.example(2).event(0).input.firstUnit") == "0"
    assert space.get("xor.example(1).event(0).input.groupName") == ""


def test_writes_change_what_is_installed_and_bump_versions(world):
    s, net, space = world
    e = s.sets["xor"]
    ex = e.examples[1]
    v = e.version
    assert space.set("xor.example(1).event(0).input.val(1)", "0.75") == "0.75"
    assert e.version > v
    ext = np.zeros(6)
    ex.events[0].install_inputs(ext, net.input_units(), net.group_units)
    assert ext[net.input_units()].tolist() == [1.0, 0.75]
    v = e.version
    assert space.set("xor.example(1).event(0).defaultTarget", "-") == "-"
    assert space.set("xor.example(1).frequency", "0.3") == "0.3"
    assert e.examples[1].frequency == float(np.float32(0.3))
    assert space.set("xor.example(2).event(0).input.unit(0)", "0") == "0"
    assert space.set("xor.example(0).event(1).target.value", "0.125") == "0.125"
    assert space.set("xor.example(0).event(1).input.firstUnit", "0") == "0"
    assert e.version >= v + 5
    assert space.set("xor.example(1).name", "renamed") == "renamed"
    assert ex.name == "renamed"
    assert space.set("xor.example(1).proc", "puts x") == "puts x"
    assert space.set("xor.example(1).proc", "") == "" and ex.proc is None
    with pytest.raises(ObjectError, match="numUnits is write-protected"):
        space.set("xor.example(1).event(0).input.numUnits", "3")


def test_set_writes_and_scripts(world):
    s, net, space = world
    e = s.sets["xor"]
    assert space.set("xor.chooseExample", "expr 2") == "expr 2"
    assert e.choose_example == "expr 2"
    assert space.set("xor.pipeLoop", "0") == "0" and e.pipe_loop == 0
    assert space.set("xor.graceTime", "0.5") == "0.5" and e.grace_time == 0.5
    assert space.set("xor.activeInput", "2.5") == "2.5"
    assert space.set("xor.proc", "") == "" and e.proc is None
    assert space.set("xor.name", "other") == "other"
    assert list(s.sets) == ["other"] and s.sets["other"] is e
    assert space.get("other.numExamples") == "3"


def test_training_sees_edited_values(world):
    """The vectorised path caches the example matrices by set version."""
    s, net, space = world
    net.vectorise = True
    e = s.sets["xor"]
    assert e.mode == T.ORDERED
    e.examples = e.examples[1:2]          # one plain one-event example: vectorisable
    e.compile()
    assert batch_blocker(net, e, True) is None
    train_batch(s, net)
    before = net.error
    train_batch(s, net)
    assert net.error == before
    space.set("xor.example(0).event(0).target.val(0)", "0")
    train_batch(s, net)
    assert net.error != before
    assert not math.isnan(net.error)
