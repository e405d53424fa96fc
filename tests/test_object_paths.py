"""Path syntax, lookup order and value formats of getObject/setObject,
on a small stand-in object model (the engine's own tables are tested elsewhere)."""
import math

import pytest

from lens_py.engine.objects import (
    FLAG, INT, MASK, OBJECT, REAL, STRING, Field, ObjectError, ObjectSpace, ObjectType,
    atof, atoi, format_value, parse_path)


class Thing:
    def __init__(self, name, **kw):
        self.name = name
        self.__dict__.update(kw)


def attr(name, kind, writable=True):
    setter = (lambda o, v: setattr(o, name, v)) if writable else None
    return Field(name, kind, lambda o: getattr(o, name), setter)


def array(name, kind, writable=False):
    setter = (lambda o, i, v: getattr(o, name).__setitem__(i, v)) if writable else None
    return Field(name, kind, lambda o, i: getattr(o, name)[i], setter,
                 length=lambda o: len(getattr(o, name)))


TYPES = {
    "Root": ObjectType("Root", [array("net", OBJECT), array("set", OBJECT)]),
    "Network": ObjectType("Network", [attr("name", STRING), attr("learningRate", REAL),
                                      attr("numUpdates", INT), attr("type", MASK, False),
                                      array("group", OBJECT), attr("testingSet", OBJECT, False)]),
    "Group": ObjectType("Group", [attr("name", STRING), attr("learningRate", REAL),
                                  array("unit", OBJECT), array("output", REAL, True)]),
    "Unit": ObjectType("Unit", [attr("name", STRING), attr("output", REAL),
                                attr("frozen", FLAG)]),
    "ExampleSet": ObjectType("ExampleSet", [attr("name", STRING), attr("numExamples", INT, False)]),
}


@pytest.fixture
def space():
    units = [Thing(f"hidden:{i}", output=0.25 * i, frozen=False) for i in range(3)]
    hidden = Thing("hidden", learningRate=math.nan, unit=units, output=[0.0, 0.5, 1.0])
    bias = Thing("bias", learningRate=math.nan, unit=[Thing("bias:0", output=1.0, frozen=False)],
                 output=[1.0])
    net = Thing("xor", learningRate=0.1, numUpdates=100, type=0, group=[bias, hidden],
                testingSet=None)
    exset = Thing("xor", numExamples=4)
    shadow = Thing("train", numExamples=2)
    root = Thing("root", net=[net], set=[exset, shadow])
    kinds = {"root": "Root", "xor": "Network", "hidden": "Group", "bias": "Group"}

    def type_of(o):
        if o is root:
            return TYPES["Root"]
        if o is net:
            return TYPES["Network"]
        if o in (exset, shadow):
            return TYPES["ExampleSet"]
        if o.name in kinds:
            return TYPES[kinds[o.name]]
        return TYPES["Unit"]

    def names(n):
        if n == net.name:
            return net
        for g in net.group:
            if g.name == n:
                return g
            for u in g.unit:
                if u.name == n:
                    return u
        for s in root.set:
            if s.name == n:
                return s
        return None

    return ObjectSpace(type_of, lambda: root, lambda: net, names)


def test_parse_path_steps():
    assert parse_path("group(3).unit(99).outputHistory(2)") == [
        ("field", "group"), ("index", (3,)), ("field", "unit"), ("index", (99,)),
        ("field", "outputHistory"), ("index", (2,))]
    assert parse_path("hidden:9.incoming[3].weight") == [
        ("field", "hidden:9"), ("field", "incoming"), ("index", (3,)), ("field", "weight")]
    assert parse_path("w(1,2)") == parse_path("w(1),2") == [("field", "w"), ("index", (1, 2))]
    with pytest.raises(ObjectError, match="bad index"):
        parse_path("group(x)")


def test_lookup_relative_to_net_root_and_names(space):
    assert space.get("learningRate") == "0.1"
    assert space.get("net(0).numUpdates") == "100"           # relative to root
    assert space.get("root.net(0).name") == "xor"
    assert space.get("group(1).unit(2).output") == "0.5"
    assert space.get("hidden.unit(1).output") == "0.25"      # group name
    assert space.get("hidden:2.output") == "0.5"             # unit name
    assert space.get("train.numExamples") == "2"             # example-set name
    # A network called xor hides the example set called xor (first match wins).
    with pytest.raises(ObjectError, match='field "numExamples" not found in object of type Network'):
        space.get("xor.numExamples")


def test_formats_and_set(space):
    assert space.get("hidden.learningRate") == "-"           # NaN prints as -
    assert space.set("learningRate", "0.25") == "0.25"
    assert space.set("hidden.learningRate", "-") == "-"
    assert space.set("numUpdates", "12abc") == "12"          # atoi
    assert space.set("hidden.output(1)", "0.75") == "0.75"
    assert space.get("hidden.output") == "0 0.75 1"
    assert space.set("hidden:0.frozen", "7") == "1"
    assert format_value(MASK, 0x23000004) == "0x23000004"
    assert format_value(MASK, 0) == "0"
    assert format_value(REAL, 1.0 / 3) == "0.3333333"
    assert atoi("  -12x") == -12 and atoi("x") == 0
    assert atof("1e-3junk") == 0.001 and math.isnan(atof("-"))


def test_errors_name_the_path(space):
    with pytest.raises(ObjectError, match=r"^type is write-protected$"):
        space.set("type", "3")
    with pytest.raises(ObjectError, match=r'^"group\(1\)" is not a basic type and cannot be set$'):
        space.set("group(1)", "3")
    with pytest.raises(ObjectError, match=r"^lookupObject: index 5 out of bounds$"):
        space.get("group(5)")
    with pytest.raises(ObjectError, match=r'field "bogus" not found in object of type Network'):
        space.get("bogus")
    with pytest.raises(ObjectError, match="null pointer"):
        space.get("testingSet.name")


def test_listing_of_an_object(space):
    text = space.get("hidden:1")
    assert text.splitlines()[0] == "--Unit--"
    assert "output              : 0.25" in text.splitlines()
