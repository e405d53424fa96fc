"""Lens object fields of example sets, examples, events and ranges
for getObject/setObject.  Every write to an example, event or range (and to
a set's times) bumps the set versions, which key the training loop's cache."""
from __future__ import annotations

import numpy as np

from ..fields import register_type
from ..objects import FLAG, INT, MASK, OBJECT, REAL, SCRIPT, STRING, Field, ObjectError, ObjectType
from .model import Event, Example, ExampleSet, Range, f32, note_edit


def _get(attr):
    return lambda o: getattr(o, attr)


def _put(attr, conv=None, edit=True):
    def put(o, v):
        setattr(o, attr, conv(v) if conv else v)
        if edit:
            note_edit()
    return put


def _real(name, attr, writable=True):
    return Field(name, REAL, _get(attr), _put(attr, f32) if writable else None)


def _script(name, attr):
    return Field(name, SCRIPT, lambda o: getattr(o, attr) or "", _put(attr, lambda v: v or None))


def _const(name, kind, fn):
    return Field(name, kind, fn, None)


def _array(name, kind, get, length, put=None):
    return Field(name, kind, get, put, length=length)


# An example set's event fields are the defaults its events start from: the
# same names on both.
_EVENT_DEFAULTS = [
    _real("maxTime", "max_time"),
    _real("minTime", "min_time"),
    _real("graceTime", "grace_time"),
    _real("defaultInput", "default_input"),
    _real("activeInput", "active_input"),
    _real("defaultTarget", "default_target"),
    _real("activeTarget", "active_target"),
]


# -- ExampleSet -----------------------------------------------------------------------------

def _rename_set(s, new):
    session = s.session
    if session is not None and s.name in session.sets and session.sets[s.name] is s:
        if new != s.name and new in session.sets:
            raise ObjectError(f'an example set named "{new}" already exists')
        session.sets = {(new if k == s.name else k): v for k, v in session.sets.items()}
    s.name = new


def _first(s):
    return s.examples[0] if s.examples else None


def _last(s):
    return s.examples[-1] if s.examples else None


SET_FIELDS = [
    Field("name", STRING, _get("name"), _rename_set),
    _const("num", INT, lambda s: s.num),
    _const("mode", MASK, _get("mode")),
    _const("numExamples", INT, lambda s: len(s.examples)),
    _const("numEvents", INT, lambda s: s.num_events),
    _array("example", OBJECT, lambda s, i: s.examples[i], lambda s: len(s.examples)),
    _array("permuted", OBJECT, lambda s, i: s.examples[s.perm[i]], lambda s: len(s.perm)),
    _const("currentExampleNum", INT, _get("current")),
    _const("currentExample", OBJECT, _get("current_example")),
    _const("firstExample", OBJECT, _first),
    _const("lastExample", OBJECT, _last),
    _const("pipeExample", OBJECT, _get("pipe_example")),
    Field("pipeLoop", FLAG, _get("pipe_loop"), _put("pipe_loop", int, edit=False)),
    _const("pipeExampleNum", INT, _get("pipe_example_num")),
    _script("proc", "proc"),
    Field("chooseExample", SCRIPT, lambda s: s.choose_example or "",
          _put("choose_example", lambda v: v or None, edit=False)),
    *_EVENT_DEFAULTS,
]


# -- Example --------------------------------------------------------------------------------

EXAMPLE_FIELDS = [
    Field("name", STRING, lambda e: e.name or "", _put("name", lambda v: v)),
    _const("num", INT, _get("num")),
    _const("numEvents", INT, lambda e: len(e.events)),
    _array("event", OBJECT, lambda e, i: e.events[i], lambda e: len(e.events)),
    _const("set", OBJECT, _get("set")),
    _const("next", OBJECT, lambda e: e.next),
    _real("frequency", "frequency"),
    _script("proc", "proc"),
    _const("probability", REAL, _get("probability")),
]


# -- Event ----------------------------------------------------------------------------------

def _head(ranges):
    return ranges[0] if ranges else None


EVENT_FIELDS = [
    _const("input", OBJECT, lambda v: _head(v.input)),
    _const("target", OBJECT, lambda v: _head(v.target)),
    _const("sharedInputs", FLAG, _get("shared_inputs")),
    _const("sharedTargets", FLAG, _get("shared_targets")),
    *_EVENT_DEFAULTS,
    _script("proc", "proc"),
    _const("example", OBJECT, _get("example")),
]


# -- Range ----------------------------------------------------------------------------------

def _val_put(r, i, v):
    r.val[i] = np.float32(v)
    note_edit()


def _unit_put(r, i, v):
    r.units[i] = int(v)
    note_edit()


RANGE_FIELDS = [
    _const("groupName", STRING, lambda r: r.group_name or ""),
    _const("numUnits", INT, lambda r: r.num_units),
    Field("firstUnit", INT, _get("first_unit"), _put("first_unit", int)),
    _array("val", REAL, lambda r, i: float(r.val[i]),
           lambda r: 0 if r.val is None else len(r.val), _val_put),
    Field("value", REAL, _get("value"), _put("value", f32)),
    _array("unit", INT, lambda r, i: r.units[i],
           lambda r: 0 if r.units is None else len(r.units), _unit_put),
    _const("next", OBJECT, _get("next")),
]


register_type(ExampleSet, ObjectType("ExampleSet", SET_FIELDS))
register_type(Example, ObjectType("Example", EXAMPLE_FIELDS))
register_type(Event, ObjectType("Event", EVENT_FIELDS))
register_type(Range, ObjectType("Range", RANGE_FIELDS))

