"""Lens's object fields over the engine's objects, for
getObject/setObject (`objects.py` knows only the path syntax and formats).

Units, blocks and links are not Python objects in the engine (a projection is
a matrix), so `UnitRef`, `BlockRef`, `LinkRef` are small views that name one.
Each table row is Lens's field name → how to read it, how to write it (None
= write-protected), its value kind.
"""
from __future__ import annotations

import numpy as np

from . import types as T
from .graphs import Graph, Trace, graphs_of
from .group import Group
from .network import Network, NetworkError
from .objects import (FLAG, INT, MASK, OBJECT, REAL, SCRIPT, STRING, Field, ObjectSpace,
                      ObjectType, format_real)
from .projection import BLOCK_PARAMS
from .report import c_g


# -- views --------------------------------------------------------------------------

class UnitRef:
    __slots__ = ("group", "u")

    def __init__(self, group, u):
        self.group, self.u = group, u

    @property
    def name(self):
        return self.group.unit_names[self.u]

    def __eq__(self, other):
        return isinstance(other, UnitRef) and other.group is self.group and other.u == self.u

    def __hash__(self):
        return hash((id(self.group), self.u))


class BlockRef:
    __slots__ = ("group", "u", "proj", "first", "count")

    def __init__(self, group, u, proj, first, count):
        self.group, self.u, self.proj, self.first, self.count = group, u, proj, first, count

    name = None


class LinkRef:
    __slots__ = ("group", "u", "proj", "s")

    def __init__(self, group, u, proj, s):
        self.group, self.u, self.proj, self.s = group, u, proj, s

    name = None


class LinkRef2(LinkRef):
    __slots__ = ()


class Root:
    """Lens's root object: `root.net(i)`, `root.set(i)`."""

    def __init__(self, session):
        self.session = session

    name = "root"


# -- helpers ---------------------------------------------------------------------------

def _attr(name, attr, kind, writable=True, conv=None):
    def get(o):
        return getattr(o, attr)

    def put(o, v):
        setattr(o, attr, conv(v) if conv else v)
    return Field(name, kind, get, put if writable else None)


def _const(name, kind, fn):
    return Field(name, kind, fn, None)


def _array(name, kind, get, length, put=None):
    return Field(name, kind, get, put, length=length)


def _hook(name):
    def get(net):
        h = net.hooks.get(name)
        return h if isinstance(h, str) else ("" if h is None else repr(h))

    def put(net, v):
        net.hooks[name] = v or None
    return Field(name, SCRIPT, get, put)


def _snake(name: str) -> str:
    out = []
    for ch in name:
        if ch.isupper():
            out.append("_" + ch.lower())
        else:
            out.append(ch)
    return "".join(out)


def _real_attrs(names):
    return [_attr(n, _snake(n), REAL) for n in names]


def _int_attrs(names, writable=True):
    return [_attr(n, _snake(n), INT, writable, int) for n in names]


def _set_execution_path(net, value):
    from .paths import set_execution_path       # (paths imports the training machinery)
    set_execution_path(net, value)


def _set_exact_sums(net, value) -> None:
    """exactSums 1: every sum in Lens's order (its digits); 0: matrix
    products (BLAS), faster on big nets, different in the last bits."""
    on = int(value)
    if on not in (0, 1):
        raise NetworkError(f"exactSums must be 0 or 1, not {value}")
    net.exact_arithmetic = None if on else False


# -- Network ------------------------------------------------------------------------------

# Lens's net.input(i)/net.output(i) are left out: as fields they would hide the
# groups that addNet calls "input" and "output" (`getObj output.type` must
# reach the group).
NETWORK_FIELDS = [
    _attr("name", "name", STRING),
    _const("num", INT, lambda n: n.num),
    _const("type", MASK, lambda n: n.type),
    _const("numGroups", INT, lambda n: len(n.groups)),
    _array("group", OBJECT, lambda n, i: n.groups[i], lambda n: len(n.groups)),
    _const("numUnits", INT, lambda n: n.num_units),
    _const("numInputs", INT, lambda n: n.num_inputs),
    _const("numOutputs", INT, lambda n: n.num_outputs),
    _const("numLinks", INT, lambda n: n.num_links),
    _const("root", OBJECT, lambda n: Root(getattr(n, "session", None))),
    _const("trainingSet", OBJECT, lambda n: n.training_set),
    _const("testingSet", OBJECT, lambda n: n.testing_set),
    _const("currentExample", OBJECT, lambda n: n.current_example),
    *_int_attrs(["timeIntervals", "ticksPerInterval", "maxTicks", "historyLength"], False),
    *_int_attrs(["backpropTicks", "totalUpdates"]),
    Field("precision", INT, lambda n: n.precision, lambda n, v: n.set_precision(int(v)),
          lens_py_only=True),
    Field("executionPath", STRING, lambda n: n.execution_path,
          lambda n, v: _set_execution_path(n, v), lens_py_only=True),
    Field("exactSums", INT, lambda n: 0 if n.exact_arithmetic is False else 1,
          _set_exact_sums, lens_py_only=True),
    *_real_attrs(["error", "weightCost", "outputCost", "gradientLinearity"]),
    *_int_attrs(["exampleHistoryStart", "ticksOnExample", "currentTick"], False),
    _array("eventHistory", INT, lambda n, i: n.event_history[i], lambda n: len(n.event_history)),
    _array("resetHistory", FLAG, lambda n, i: n.reset_history[i], lambda n: len(n.reset_history)),
    *_int_attrs(["numUpdates", "batchSize", "reportInterval"]),
    *_real_attrs(["criterion", "trainGroupCrit", "testGroupCrit"]),
    _attr("groupCritRequired", "group_crit_required", FLAG, True, int),
    _attr("minCritBatches", "min_crit_batches", INT, True, int),
    _attr("pseudoExampleFreq", "pseudo_example_freq", FLAG, True, int),
    *_real_attrs(["learningRate", "rateIncrement", "rateDecrement", "momentum",
                  "adaptiveGainRate", "weightDecay", "gainDecay", "outputCostStrength",
                  "outputCostPeak", "targetRadius", "zeroErrorRadius", "dt", "gain",
                  "ternaryShift", "clampStrength", "initOutput", "initInput", "initGain",
                  "finalGain", "annealTime", "randMean", "randRange", "noiseRange"]),
    _attr("autoPlot", "auto_plot", FLAG, True, int),
    *_int_attrs(["plotCols", "plotRows", "unitCellSize", "unitCellSpacing",
                 "linkCellSize", "linkCellSpacing"]),
    *[_hook(h) for h in ("preEpochProc", "postEpochProc", "postUpdateProc", "preExampleProc",
                         "postExampleProc", "preExampleBackProc", "preEventProc",
                         "postEventProc", "preTickProc", "postTickProc", "preTickBackProc",
                         "sigUSR1Proc", "sigUSR2Proc")],
    _const("outputFileName", STRING, lambda n: n.output_file_name),
    _const("binaryOutputFile", FLAG, lambda n: n.binary_output_file),
    # lens_py's own: update schedules, see engine/schedule.py
    Field("updateSchedule", STRING, lambda n: n.update_schedule_text(),
          lambda n, v: n.set_update_schedule(v), lens_py_only=True),
    Field("updateScheduleStep", INT, lambda n: n.update_schedule_step, lens_py_only=True),
]


# -- Group ----------------------------------------------------------------------------------

def _proc_names(procs, cls):
    return " ".join(T.type_name(p, cls) or str(p) for p in procs)


def _cache_put(attr):
    def put(g, i, v):
        getattr(g, attr)[-1, i] = v
    return put


def _num_outgoing_group(g):
    return sum(p.num_links for h in g.net.groups for p in h.incoming if p.sender is g)


GROUP_FIELDS = [
    _attr("name", "name", STRING),
    _const("num", INT, lambda g: g.num),
    _const("type", MASK, lambda g: g.type),
    _const("inputType", MASK, lambda g: g.input_type),
    _const("inputProcs", STRING, lambda g: _proc_names(g.input_procs, T.GROUP_INPUT)),
    _const("outputType", MASK, lambda g: g.output_type),
    _const("outputProcs", STRING, lambda g: _proc_names(g.output_procs, T.GROUP_OUTPUT)),
    _const("costType", MASK, lambda g: g.cost_type),
    _const("costProcs", STRING, lambda g: _proc_names(g.cost_procs, T.GROUP_COST)),
    _const("net", OBJECT, lambda g: g.net),
    _const("numUnits", INT, lambda g: g.size),
    _array("unit", OBJECT, lambda g, i: UnitRef(g, i), lambda g: g.size),
    _array("output", REAL, lambda g, i: g.output_cache[-1, i], lambda g: g.size,
           _cache_put("output_cache")),
    _array("outputDeriv", REAL, lambda g, i: g.deriv_cache[-1, i], lambda g: g.size,
           _cache_put("deriv_cache")),
    _const("numIncoming", INT, lambda g: g.num_incoming()),
    _const("numOutgoing", INT, _num_outgoing_group),
    # Lens's order (it decides getObj listings and saveParameters files)
    *_real_attrs(["trainGroupCrit", "testGroupCrit", "learningRate", "momentum",
                  "weightDecay", "gainDecay", "targetRadius", "zeroErrorRadius",
                  "outputCostScale", "outputCostPeak", "outputCost", "errorScale", "error",
                  "polaritySum"]),
    _attr("polarityNum", "polarity_num", INT, True, int),
    *_real_attrs(["dtScale", "gain", "ternaryShift", "clampStrength", "minOutput",
                  "maxOutput", "initOutput", "initInput", "randMean", "randRange",
                  "noiseRange"]),
    _attr("showIncoming", "show_incoming", FLAG, True, int),
    _attr("showOutgoing", "show_outgoing", FLAG, True, int),
    _attr("numColumns", "num_columns", INT, True, int),
    _attr("neighborhood", "neighborhood", REAL, True, float),
    _attr("periodicBoundary", "periodic_boundary", FLAG, True, int),
]


# -- Unit -------------------------------------------------------------------------------------

def _unit_value(attr):
    def get(r):
        return getattr(r.group, attr)[-1, r.u]

    def put(r, v):
        getattr(r.group, attr)[-1, r.u] = v
    return get, put


def _unit_field(name, attr):
    get, put = _unit_value(attr)
    return Field(name, REAL, get, put)


def _history_field(name, attr):
    def get(r, t):
        return getattr(r.group, attr)[t, r.u]

    def put(r, t, v):
        getattr(r.group, attr)[t, r.u] = v
    return Field(name, REAL, get, put, length=lambda r: r.group.net.history_length)


def _unit_type(r):
    t = 0
    if r.group.unit_frozen[r.u]:
        t |= T.FROZEN
    if r.group.unit_lesioned[r.u]:
        t |= T.LESIONED
    return t


def _unit_blocks(r):
    return [BlockRef(r.group, r.u, p, first, count)
            for p, first, count in r.group.net.blocks(r.group, r.u)]


def _unit_link(cls):
    def get(r, k):
        p, s = r.group.net.incoming_link(r.group, r.u, k)
        return cls(r.group, r.u, p, s)
    return get


def _unit_outgoing(r):
    n = 0
    for h in r.group.net.groups:
        for p in h.incoming:
            if p.sender is r.group:
                n += int(p.link_mask()[:, r.u].sum())
    return n


def _unit_dt_scale():
    def get(r):
        return r.group.unit_dt_scale[r.u]

    def put(r, v):
        r.group.unit_dt_scale[r.u] = v
    return Field("dtScale", REAL, get, put)


def _set_unit_name(r, v):
    r.group.unit_names[r.u] = v


UNIT_FIELDS = [
    Field("name", STRING, lambda r: r.name, _set_unit_name),
    _const("num", INT, lambda r: r.u),
    _const("type", MASK, _unit_type),
    _const("group", OBJECT, lambda r: r.group),
    _const("numBlocks", INT, lambda r: len(_unit_blocks(r))),
    _array("block", OBJECT, lambda r, i: _unit_blocks(r)[i], lambda r: len(_unit_blocks(r))),
    _const("numIncoming", INT, lambda r: r.group.num_incoming(r.u)),
    _array("incoming", OBJECT, _unit_link(LinkRef), lambda r: r.group.num_incoming(r.u)),
    _array("incoming2", OBJECT, _unit_link(LinkRef2), lambda r: r.group.num_incoming(r.u)),
    _const("numOutgoing", INT, _unit_outgoing),
    _unit_field("input", "input"),
    _unit_field("output", "output"),
    _unit_field("target", "target"),
    _unit_field("externalInput", "external_input"),
    _unit_field("adjustedTarget", "adjusted_target"),
    _unit_field("inputDeriv", "input_deriv"),
    _unit_field("outputDeriv", "output_deriv"),
    _history_field("inputHistory", "input_history"),
    _history_field("outputHistory", "output_history"),
    _history_field("targetHistory", "target_history"),
    _history_field("outputDerivHistory", "output_deriv_history"),
    _unit_field("gain", "unit_gain"),
    _unit_field("gainDeriv", "gain_deriv"),
    _unit_dt_scale(),
    _const("plotRow", INT, lambda r: 0),
    _const("plotCol", INT, lambda r: r.u),
]


# -- Block and links ----------------------------------------------------------------------------

def _block_param(name, attr):
    def get(b):
        return getattr(b.proj, attr)[b.u]

    def put(b, v):
        getattr(b.proj, attr)[b.u] = v
    return Field(name, REAL, get, put)


BLOCK_FIELDS = [
    _const("type", INT, lambda b: b.group.net.link_types.index(b.proj.link_type)
           if b.proj.link_type in b.group.net.link_types else 0),
    _const("numUnits", INT, lambda b: b.count),
    _const("unit", OBJECT, lambda b: UnitRef(b.proj.sender, b.first)),
    _const("groupUnits", INT, lambda b: b.proj.sender.size),
    _array("output", REAL, lambda b, i: b.proj.sender.output_cache[-1, b.first + i],
           lambda b: b.count),
    *[_block_param(lens, attr) for lens, attr in zip(
        ("learningRate", "momentum", "weightDecay", "randMean", "randRange", "min", "max"),
        BLOCK_PARAMS)],
]


def _link_value(attr):
    def get(l):
        return getattr(l.proj.arrays, attr)[l.u, l.s]

    def put(l, v):
        getattr(l.proj.arrays, attr)[l.u, l.s] = v
    return get, put


LINK_FIELDS = [
    Field("weight", REAL, *_link_value("weight")),
    _const("deriv", REAL, _link_value("deriv")[0]),
]
LINK2_FIELDS = [
    Field("lastWeightDelta", REAL, *_link_value("last_delta")),
    Field("lastValue", REAL, *_link_value("last_value")),
]


# -- Graphs, traces and their points (engine/graphs.py) ------------------------------------

class PointRef:
    """Point i of a trace: Lens's `graph(0).trace(0).val(i)`."""
    __slots__ = ("trace", "i")

    def __init__(self, trace, i):
        self.trace, self.i = trace, i

    @property
    def name(self):
        return "(%d, %s)" % (self.trace.xs[self.i], c_g(self.trace.ys[self.i]))


def _set_point_x(p, v):
    p.trace.xs[p.i] = int(v)


def _set_point_y(p, v):
    p.trace.ys[p.i] = np.float32(v)


def _trace_value(tr):
    # Lens shows the real a path trace has read, and nothing for a command
    session = tr.graph.owner.session
    ref = tr.probe.ref(session) if tr.probe.kind == "path" and session is not None else None
    return "" if ref is None else format_real(np.float32(ref.value()))


def _flag_attr(name, attr):
    return _attr(name, attr, FLAG, True, bool)


GRAPH_FIELDS = [
    _const("num", INT, lambda g: g.num),
    _attr("updateOn", "update_on", MASK, True, int),
    _attr("updateEvery", "update_every", INT, True, int),
    _flag_attr("storeOnReset", "store_on_reset"),
    _flag_attr("clearOnReset", "clear_on_reset"),
    _const("hidden", FLAG, lambda g: g.hidden),
    _const("x", INT, lambda g: g.x),
    _const("maxX", INT, lambda g: g.max_x),
    _const("width", INT, lambda g: g.width),
    _const("height", INT, lambda g: g.height),
    _attr("cols", "cols", INT, True, int),
    _const("scaleX", REAL, lambda g: g.scale_x),
    _attr("min", "min", REAL, True, float),
    _attr("minVal", "min_val", REAL, True, float),
    _flag_attr("fixMin", "fix_min"),
    _attr("max", "max", REAL, True, float),
    _attr("maxVal", "max_val", REAL, True, float),
    _flag_attr("fixMax", "fix_max"),
    _const("scaleY", REAL, lambda g: g.scale_y),
    _const("numTraces", INT, lambda g: len(g.slots)),
    _array("trace", OBJECT, lambda g, i: g.slots[i], lambda g: len(g.slots)),
]

TRACE_FIELDS = [
    _const("num", INT, lambda t: t.num),
    _const("graph", OBJECT, lambda t: t.graph),
    Field("label", STRING, lambda t: t.label or "", lambda t, v: setattr(t, "label", v)),
    Field("object", STRING, lambda t: t.object if isinstance(t.object, str) else repr(t.object),
          lambda t, v: setattr(t, "object", v)),
    _const("value", STRING, _trace_value),
    _const("numVals", INT, lambda t: t.num_vals),
    _const("maxVals", INT, lambda t: t.max_vals),
    _array("val", OBJECT, lambda t, i: PointRef(t, i), lambda t: t.num_vals),
    _attr("color", "color", STRING),
    _flag_attr("active", "active"),
    _flag_attr("transient", "transient"),
    _flag_attr("visible", "visible"),
]

POINT_FIELDS = [
    Field("x", INT, lambda p: p.trace.xs[p.i], _set_point_x),
    Field("y", REAL, lambda p: p.trace.ys[p.i], _set_point_y),
]


def _root_graphs(r):
    return graphs_of(r.session).slots


def _root_fields():
    return [
        _const("numNetworks", INT, lambda r: len(r.session.nets)),
        _array("net", OBJECT, lambda r, i: r.session.nets[i], lambda r: len(r.session.nets)),
        _const("numExampleSets", INT, lambda r: len(r.session.sets)),
        _array("set", OBJECT, lambda r, i: list(r.session.sets.values())[i],
               lambda r: len(r.session.sets)),
        _const("numGraphs", INT, lambda r: len(_root_graphs(r))),
        _array("graph", OBJECT, lambda r, i: _root_graphs(r)[i],
               lambda r: len(_root_graphs(r))),
    ]


TYPES = {
    Network: ObjectType("Network", NETWORK_FIELDS),
    Group: ObjectType("Group", GROUP_FIELDS),
    UnitRef: ObjectType("Unit", UNIT_FIELDS),
    BlockRef: ObjectType("Block", BLOCK_FIELDS),
    LinkRef: ObjectType("Link", LINK_FIELDS),
    LinkRef2: ObjectType("Link2", LINK2_FIELDS),
    Root: ObjectType("Root", _root_fields()),
    Graph: ObjectType("Graph", GRAPH_FIELDS),
    Trace: ObjectType("Trace", TRACE_FIELDS),
    PointRef: ObjectType("Point", POINT_FIELDS),
}


def register_type(cls, otype: ObjectType) -> None:
    """Other parts (example sets) add their classes' field tables here."""
    TYPES[cls] = otype


def type_of(obj) -> ObjectType:
    t = TYPES.get(type(obj))
    if t is None:
        for cls, ot in TYPES.items():
            if isinstance(obj, cls):
                return ot
        raise KeyError(f"no Lens fields for {type(obj).__name__}")
    return t


def object_space(session) -> ObjectSpace:
    """getObject/setObject over a session (Lens's lookup order)."""
    root = Root(session)

    def names(name):
        for n in session.nets:
            if n.name == name:
                return n
        net = session.net
        if net is not None:
            g = net.group(name)
            if g is not None:
                return g
            found = net.unit(name)
            if found is not None:
                return UnitRef(*found)
        return session.sets.get(name)

    def stamp():
        # Within a task nothing renames or replaces an object without a
        # command that counts an edit (Session.net_edits, as the path choice).
        return session.task_key(id(session.net))

    return ObjectSpace(type_of, lambda: root, lambda: session.net, names, stamp)
