"""setLinkValues, saveParameters, copyUnitValues and resetUnitValues through
the shell, values read back with getObj."""
import io
import os

import pytest

import lens_examples

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError

XOR_EX = lens_examples.xor()


@pytest.fixture
def lens():
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())

    def run(script):
        return interp.eval(script)
    run("seed 1; addNet xor 2 2 1")
    return run


def error_of(lens, script):
    with pytest.raises(TclError) as e:
        lens(script)
    return e.value.message


def block(lens, unit, b, field):
    return lens(f"getObj {unit}.block({b}).{field}")


# -- setLinkValues ---------------------------------------------------------------------

def test_set_link_values_on_a_group_changes_only_its_blocks(lens):
    assert lens("getObj hidden:0.numBlocks") == "2"     # bias block, then input
    assert lens("setLinkValues learningRate 0.25 -group hidden") == ""
    for u in (0, 1):
        for b in (0, 1):
            assert block(lens, f"hidden:{u}", b, "learningRate") == "0.25"
    assert block(lens, "output:0", 0, "learningRate") == "-"
    assert block(lens, "output:0", 1, "learningRate") == "-"


def test_set_link_values_everywhere_and_dash_is_nan(lens):
    lens("setLinkValues momentum 0.5")
    for unit in ("hidden:0", "hidden:1", "output:0"):
        assert block(lens, unit, 0, "momentum") == "0.5"
        assert block(lens, unit, 1, "momentum") == "0.5"
    lens("setLinkValues momentum - -group output")
    assert block(lens, "output:0", 1, "momentum") == "-"
    assert block(lens, "hidden:1", 1, "momentum") == "0.5"


def test_set_link_values_unit_list_and_link_type(lens):
    lens("setLinkValues weightDecay 0.125 -unit hidden:1")
    assert block(lens, "hidden:1", 0, "weightDecay") == "0.125"
    assert block(lens, "hidden:1", 1, "weightDecay") == "0.125"
    assert block(lens, "hidden:0", 1, "weightDecay") == "-"
    # -type bias: only the bias blocks
    lens("setLinkValues max 2 -type bias")
    for unit in ("hidden:0", "hidden:1", "output:0"):
        assert block(lens, unit, 0, "max") == "2"
        assert block(lens, unit, 1, "max") == "-"
    # group and unit lists together: both are applied
    lens("setLinkValues min -3 -group output -unit hidden:0")
    assert block(lens, "output:0", 1, "min") == "-3"
    assert block(lens, "hidden:0", 1, "min") == "-3"
    assert block(lens, "hidden:1", 1, "min") == "-"


def test_set_link_values_rounds_to_float_like_set_obj(lens):
    lens("setLinkValues randRange 0.1 -group hidden")
    lens("setObj output:0.block(1).randRange 0.1")
    assert block(lens, "hidden:0", 1, "randRange") == block(lens, "output:0", 1, "randRange")
    assert block(lens, "hidden:0", 1, "randMean") == "-"


def test_block_learning_rate_zero_stops_learning_of_those_links(lens):
    lens(f"loadExamples {XOR_EX}")
    lens("setLinkValues learningRate 0 -group hidden")
    before_hidden = [lens(f"getObj hidden:0.incoming({k}).weight") for k in range(3)]
    before_output = [lens(f"getObj output:0.incoming({k}).weight") for k in range(3)]
    lens("train 3")
    assert [lens(f"getObj hidden:0.incoming({k}).weight") for k in range(3)] == before_hidden
    assert [lens(f"getObj output:0.incoming({k}).weight") for k in range(3)] != before_output


def test_set_link_values_errors(lens):
    assert error_of(lens, "setLinkValues learningRate").startswith("usage: setLinkValues")
    assert error_of(lens, "setLinkValues foo 1") == \
        "setLinkValues: foo is not a field of a block or block extension"
    assert error_of(lens, "setLinkValues numUnits 1") == \
        "setLinkValues: numUnits is not a writable field"
    assert error_of(lens, "setLinkValues learningRate 1 -type nosuch") == \
        "setLinkValues: link type nosuch doesn't exist"
    assert error_of(lens, "setLinkValues learningRate 1 -x y").startswith("usage:")
    assert error_of(lens, "setLinkValues learningRate 1 -group").startswith("usage:")
    assert error_of(lens, "setLinkValues learningRate 1 extra").startswith("usage:")
    # Lens walks the list: groups before the bad name are already set.
    assert error_of(lens, "setLinkValues learningRate 0.5 -group {hidden nosuch}") == \
        'setLinkValues: group "nosuch" doesn\'t exist'
    assert block(lens, "hidden:0", 1, "learningRate") == "0.5"
    assert error_of(lens, "setLinkValues learningRate 1 -unit hidden:9") == \
        'setLinkValues: unit "hidden:9" doesn\'t exist'


def test_set_link_values_without_a_network():
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    with pytest.raises(TclError) as e:
        interp.eval("setLinkValues learningRate 1")
    assert e.value.message == "setLinkValues: no current network"


# -- saveParameters ---------------------------------------------------------------------

def test_save_parameters_default_lines(lens, tmp_path):
    f = tmp_path / "p.tcl"
    assert lens(f"saveParameters {f}") == ""
    lines = f.read_text().splitlines()
    assert lines[0] == "setObj name {xor}"
    assert "setObj learningRate {0.1}" in lines
    assert "setObj momentum {0.9}" in lines
    assert "setObj preEpochProc {}" in lines
    # read-only and array fields are left out
    assert not any(line.startswith(("setObj numGroups ", "setObj timeIntervals "))
                   for line in lines)
    assert not any("output(" in line for line in lines)
    # the net's lines, then each group's as group(i) in group order, field-table order
    assert "setObj group(0).name {bias}" in lines
    first_group = lines.index("setObj group(0).name {bias}")
    assert all(not line.startswith("setObj group(") for line in lines[:first_group])
    group2 = [line for line in lines if line.startswith("setObj group(2).")]
    assert group2[0] == "setObj group(2).name {hidden}"
    assert group2[1:4] == ["setObj group(2).trainGroupCrit {-}",
                           "setObj group(2).testGroupCrit {-}",
                           "setObj group(2).learningRate {-}"]
    assert lens("getObj numGroups") == "4"
    assert len(lines) == first_group + 4 * len(group2)


def test_save_change_source_restores(lens, tmp_path):
    f = tmp_path / "p.tcl"
    lens("setObj learningRate 0.25; setObj hidden.momentum 0.5; setObj output.initOutput 0.75")
    lens(f"saveParameters {f}")
    lens("setObj learningRate 0.75; setObj hidden.momentum -; setObj output.initOutput 0.125")
    lens("setObj batchSize 7; setObj postExampleProc {puts hi}; setObj name other")
    lens(f"source {f}")
    assert lens("getObj learningRate") == "0.25"
    assert lens("getObj hidden.momentum") == "0.5"
    assert lens("getObj output.initOutput") == "0.75"
    assert lens("getObj batchSize") == "0"
    assert lens("getObj postExampleProc") == ""
    assert lens("getObj name") == "xor"


def test_save_parameters_named_objects_and_append(lens, tmp_path):
    f = tmp_path / "p.tcl"
    lens("setObj hidden.learningRate 0.5")
    lens(f"saveParameters {f} hidden")
    lines = f.read_text().splitlines()
    assert lines[0] == "setObj hidden.name {hidden}"
    assert "setObj hidden.learningRate {0.5}" in lines
    assert all(line.startswith("setObj hidden.") for line in lines)
    lens(f"saveParameters {f} -a group(3)")
    more = f.read_text().splitlines()
    assert more[:len(lines)] == lines
    assert more[len(lines)] == "setObj group(3).name {output}"
    assert len(more) == 2 * len(lines)
    lens(f"saveParameters {f} -append group(2) group(3)")
    assert len(f.read_text().splitlines()) == 4 * len(lines)
    # without -append the file is replaced
    lens(f"saveParameters {f} group(2)")
    assert f.read_text().splitlines() == [line.replace("hidden.", "group(2).", 1)
                                          for line in lines]


def test_save_parameters_errors_leave_the_file_alone(lens, tmp_path):
    f = tmp_path / "p.tcl"
    f.write_text("old\n")
    assert error_of(lens, f"saveParameters {f} hidden nosuch") == \
        "writeParameters: unknown object: nosuch"
    assert error_of(lens, f"saveParameters {f} learningRate") == \
        "writeParameters: can only write fields of container objects"
    assert f.read_text() == "old\n"
    assert error_of(lens, "saveParameters").startswith("usage: saveParameters")
    assert os.listdir(tmp_path) == ["p.tcl"]


# -- copyUnitValues ---------------------------------------------------------------------

def set_units(lens, group, field, values):
    for u, v in enumerate(values):
        lens(f"setObj {group}:{u}.{field} {v}")


def get_units(lens, group, field, n):
    return [lens(f"getObj {group}:{u}.{field}") for u in range(n)]


def test_copy_unit_values_forms(lens):
    lens("addGroup other 2")
    set_units(lens, "hidden", "output", [0.25, 0.75])
    set_units(lens, "other", "input", [1.5, -2])
    # <g1> -<f1> -<f2>: within one group
    lens("copyUnitValues hidden -output -target")
    assert get_units(lens, "hidden", "target", 2) == ["0.25", "0.75"]
    # <g1> -<f1> <g2>: same field
    lens("copyUnitValues other -input hidden")
    assert get_units(lens, "hidden", "input", 2) == ["1.5", "-2"]
    # <g1> -<f1> <g2> -<f2>, with Lens's abbreviations
    lens("copyUnitValues hidden -o other -inputD")
    assert get_units(lens, "other", "inputDeriv", 2) == ["0.25", "0.75"]
    lens("copyUnitValues other -inputDeriv other -e")
    assert get_units(lens, "other", "externalInput", 2) == ["0.25", "0.75"]
    lens("copyUnitValues hidden -t other -outputDer")
    assert get_units(lens, "other", "outputDeriv", 2) == ["0.25", "0.75"]
    # copying outputs does not touch the cache
    lens("setObj other.output(0) 0.5; setObj other.output(1) 0.5")
    lens("copyUnitValues hidden -output other")
    assert get_units(lens, "other", "output", 2) == ["0.25", "0.75"]
    assert lens("getObj other.output") == "0.5 0.5"


def test_copy_unit_values_errors(lens):
    assert error_of(lens, "copyUnitValues hidden -output").startswith("usage: copyUnitValues")
    assert error_of(lens, "copyUnitValues hidden output hidden").startswith("usage:")
    assert error_of(lens, "copyUnitValues nosuch -o -t") == \
        'copyUnitValues: group "nosuch" doesn\'t exist'
    assert error_of(lens, "copyUnitValues hidden -o nosuch") == \
        'copyUnitValues: group "nosuch" doesn\'t exist'
    assert error_of(lens, "copyUnitValues hidden -xyz -t") == \
        "copyUnitValues: unrecognized unit field: xyz"
    assert error_of(lens, "copyUnitValues hidden -o output") == \
        'copyUnitValues: group "hidden" and group "output" aren\'t the same size'


# -- resetUnitValues --------------------------------------------------------------------

def test_reset_unit_values_defaults(lens):
    set_units(lens, "hidden", "output", [0.25, 0.75])
    lens("setObj hidden.output(0) 0.1; setObj hidden.output(1) 0.2")
    lens("resetUnitValues hidden")      # output := initOutput (0.5), cache too
    assert get_units(lens, "hidden", "output", 2) == ["0.5", "0.5"]
    assert lens("getObj hidden.output") == "0.5 0.5"
    set_units(lens, "hidden", "input", [3, 4])
    lens("setObj hidden.initInput 0.25; resetUnitValues hidden -input")
    assert get_units(lens, "hidden", "input", 2) == ["0.25", "0.25"]
    set_units(lens, "hidden", "target", [1, 1])
    lens("setObj hidden.initOutput 0.125; resetUnitValues hidden -target")
    assert get_units(lens, "hidden", "target", 2) == ["0.125", "0.125"]
    assert get_units(lens, "hidden", "output", 2) == ["0.5", "0.5"]
    for field in ("inputDeriv", "outputDeriv", "externalInput"):
        set_units(lens, "hidden", field, [7, 8])
        lens(f"resetUnitValues hidden -{field}")
        assert get_units(lens, "hidden", field, 2) == ["0", "0"]


def test_reset_unit_values_given_value_and_group_lists(lens):
    lens("resetUnitValues {hidden output} -output 0.375")
    assert get_units(lens, "hidden", "output", 2) == ["0.375", "0.375"]
    assert lens("getObj output:0.output") == "0.375"
    assert lens("getObj output.output(0)") == "0.375"
    # `-` is NaN: even for externalInput it means the first group's initOutput
    lens("setObj bias.initOutput 0.625; resetUnitValues * -e -")
    assert lens("getObj output:0.externalInput") == "0.625"
    assert lens("getObj bias:0.externalInput") == "0.625"
    # the default comes from the first group listed and is reused for the rest
    lens("setObj hidden.initOutput 0.25; setObj output.initOutput 0.75")
    lens("resetUnitValues {hidden output}")
    assert get_units(lens, "hidden", "output", 2) == ["0.25", "0.25"]
    assert lens("getObj output:0.output") == "0.25"
    lens("resetUnitValues {output hidden}")
    assert get_units(lens, "hidden", "output", 2) == ["0.75", "0.75"]
    assert lens("getObj output:0.output") == "0.75"


def test_reset_unit_values_errors(lens):
    assert error_of(lens, "resetUnitValues").startswith("usage: resetUnitValues")
    assert error_of(lens, "resetUnitValues hidden output").startswith("usage:")
    assert error_of(lens, "resetUnitValues hidden -q") == \
        "resetUnitValues: unrecognized unit field: q"
    lens("resetUnitValues hidden -o 0.3")
    assert error_of(lens, "resetUnitValues {hidden nosuch} -o 0.9") == \
        'resetUnitValues: group "nosuch" doesn\'t exist'
    assert lens("getObj hidden:0.output") == "0.9"      # done before the bad name


def test_set_link_values_sparse_projection_and_own_link_type():
    lens = make_interp(stdout=io.StringIO(), stderr=io.StringIO()).eval
    lens("seed 3; addNet n 1; addGroup a 3; addGroup b 3")
    lens("connectGroups a b -projection ONE_TO_ONE -type mine")
    assert lens("getObj b:2.numBlocks") == "2"
    assert lens("getObj b:2.block(1).numUnits") == "1"
    lens("setLinkValues learningRate 0.3 -type mine")
    for u in range(3):
        assert lens(f"getObj b:{u}.block(1).learningRate") == "0.3"
        assert lens(f"getObj b:{u}.block(0).learningRate") == "-"


def test_save_parameters_skips_python_hooks(lens, tmp_path):
    f = tmp_path / "p.tcl"
    lens('python {net.hooks["postExampleProc"] = lambda *a: None}')
    lens("setObj preExampleProc {puts {a b}}")
    lens(f"saveParameters {f}")
    lines = f.read_text().splitlines()
    assert "setObj preExampleProc {puts {a b}}" in lines
    assert not any(line.startswith("setObj postExampleProc") for line in lines)
