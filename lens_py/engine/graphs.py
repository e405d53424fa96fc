"""Lens's graphs and traces as data (its Graph windows without the window).

A *graph* (`root.graph(i)`) holds *traces*; each trace follows one value --
a real-valued object path such as `error` or `output:0.output`, a Tcl
command such as `expr log([getObj error])`, or (from Python) a callable --
and gains a point (x, value) whenever its graph updates.  A graph updates
when a signal it listens to (`updateOn`, default PROGRESS_REPORTS) is sent
by the training loop, or on `graph update`; with `updateEvery` n only every
n-th update reads the traces, but x always advances.  Lens's graphs are
hidden in batch mode and lens_py has no Tk, so everything here is data: the
points, Lens's fields and colours, and `exportGraph`'s file formats, the same
as the original's; pictures are drawn from these points elsewhere
(`lens_py.plots`).

Where Lens sends its signals (`updateDisplays` in the original), the engine
calls `update_displays(session, net, signal)`; `after_update` and
`after_report` name the two that most graphs listen to.
"""
from __future__ import annotations

import math
import sys
from collections import deque

import numpy as np

from .report import c_g

# Lens's update signals (its UPDATE_SIGNAL type masks)
from .types import (ON_CUSTOM, ON_EVENT, ON_EXAMPLE, ON_NEVER, ON_REPORT, ON_TICK,
                    ON_TRAINING, ON_UPDATE)

# the signals by the plain names the Python API uses (`every="update"`)
SIGNAL_NAMES = {"never": ON_NEVER, "tick": ON_TICK, "event": ON_EVENT,
                "example": ON_EXAMPLE, "update": ON_UPDATE, "report": ON_REPORT,
                "run": ON_TRAINING, "user": ON_CUSTOM}

DEFAULT_COLUMNS = 100           # a new graph's `cols`
DEFAULT_VALUES = 100            # a trace's first `maxVals`
LARGE_VAL = float(np.float32(1e8))

_f32 = np.float32


class ProbeError(Exception):
    """A trace's value could not be read; the message is the one Lens prints."""


class Probe:
    """Reads one real value: an object path, a Tcl command or a callable.

    As in Lens, a string is first tried as a path to a real-valued field; if
    it is not one, it is a Tcl command from then on (the command's result
    must be a number).  A path is looked up again at each read, so it
    follows structure changes and the current network as Lens's
    reacquisition of graph objects does."""

    __slots__ = ("source", "kind")

    def __init__(self, source):
        self.source = source
        # None until the first read decides "path" or "command"
        self.kind = "callable" if callable(source) else None

    def ref(self, session):
        """The reference to the real field this path names, or None."""
        from .objects import REAL, ObjectError, Ref
        try:
            ref = graphs_of(session).object_space(session).resolve(self.source)
        except (ObjectError, KeyError, IndexError, TypeError, ValueError):
            return None
        if ref.field is None or ref.field.kind != REAL:
            return None
        if ref.field.is_array and ref.index is None:
            # Lens's pointer to a real array is a pointer to its first real
            if ref.field.length(ref.obj) == 0:
                return None
            ref = Ref(ref.obj, ref.field, (0,) * ref.field.dims)
        return ref

    def read(self, session) -> np.float32:
        if self.kind == "callable":
            try:
                return _f32(self.source())
            except Exception as e:      # a user's callable: report, never crash training
                raise ProbeError(f"{type(e).__name__}: {e}") from None
        if self.kind != "command":
            ref = self.ref(session)
            if ref is not None:
                self.kind = "path"
                return _f32(ref.value())
            self.kind = "command"
        return _f32(graphs_of(session).evaluate(self.source))


# -- traces and graphs -------------------------------------------------------------------

class Trace:
    """One series of points (x: the graph's update count, y: a float32)."""

    def __init__(self, graph, num: int, source, color: str):
        self.graph = graph
        self.num = num
        self.label = None               # None: Lens's NULL label (exported as "")
        self._object = source
        self.probe = Probe(source)
        self.xs: list[int] = []
        self.ys: list = []
        self.max_vals = DEFAULT_VALUES
        self.color = color
        self.active = True
        self.transient = False          # a stored copy (graph store), never updated
        self.visible = True

    @property
    def object(self):
        return self._object

    @object.setter
    def object(self, source) -> None:
        self._object = source
        self.probe = Probe(source)

    @property
    def name(self) -> str:
        """What Lens lists for a trace: its label, else its object."""
        if self.label is not None:
            return self.label
        return self._object if isinstance(self._object, str) else repr(self._object)

    @property
    def num_vals(self) -> int:
        return len(self.xs)

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """(x as int array, y as float32 array)."""
        return np.asarray(self.xs, dtype=np.int64), np.asarray(self.ys, dtype=np.float32)

    def clear(self) -> None:
        self.xs, self.ys = [], []
        self.max_vals = DEFAULT_VALUES

    def add_point(self, x: int, y) -> None:
        # a point at x replaces those at x or later (after `graph store` x restarts at 0)
        k = len(self.xs)
        while k > 0 and self.xs[k - 1] >= x:
            k -= 1
        del self.xs[k:], self.ys[k:]
        if len(self.xs) == self.max_vals:
            self.max_vals *= 2
        self.xs.append(int(x))
        self.ys.append(_f32(y))
        if x > self.graph.max_x:
            self.graph.max_x = x

    def __repr__(self):
        return f"<Trace {self.graph.num}.{self.num} {self.name!r}: {self.num_vals} points>"


class Graph:
    """Lens's graph object: its fields (`setObj graph(0).updateEvery 5`) and
    its traces, in slots that deletion leaves empty."""

    def __init__(self, owner, num: int):
        self.owner = owner
        self.num = num
        self.update_on = ON_REPORT
        self.update_every = 1
        self.clear_on_reset = False
        self.store_on_reset = True
        self.hidden = True
        self.x = 0
        self.max_x = 0
        self.width = 0
        self.height = 0
        self.cols = DEFAULT_COLUMNS
        self.max = 0.0
        self.min = 0.0
        self.fix_max = False
        self.fix_min = True
        self.max_val = -LARGE_VAL
        self.min_val = LARGE_VAL
        self.scale_x = 0.0
        self.scale_y = 0.0
        self.slots: list = []           # Trace or None; len() is Lens's numTraces

    name = property(lambda self: str(self.num))   # listed as "Graph 0"

    @property
    def traces(self) -> list[Trace]:
        return [t for t in self.slots if t is not None]

    def trace(self, t: int):
        if 0 <= t < len(self.slots):
            return self.slots[t]
        return None

    def create_trace(self, source="", color=None) -> Trace:
        t = _free_slot(self.slots)
        if color is None:
            color = "black" if t == 0 else self.owner.next_color()
        tr = Trace(self, t, source, color)
        self.slots[t] = tr
        return tr

    def delete_trace(self, tr: Trace) -> None:
        self.slots[tr.num] = None

    def store_trace(self, tr: Trace) -> None:
        """A transient, inactive copy of the trace's points; the trace is cleared."""
        if not tr.xs:
            return
        copy = self.create_trace(tr.object)
        copy.color = self.owner.next_color()    # Lens draws a second colour here
        copy.xs, copy.ys = list(tr.xs), list(tr.ys)
        copy.max_vals = len(tr.xs)
        copy.active = False
        copy.transient = True
        tr.clear()

    def clear(self) -> None:
        """Deletes the stored copies, clears the active traces, x back to 0."""
        for tr in self.traces:
            if tr.transient:
                self.delete_trace(tr)
            elif tr.active:
                tr.clear()
        self.x = self.max_x = 0

    def store(self) -> None:
        for tr in self.traces:
            if tr.active:
                self.store_trace(tr)
        self.x = 0

    def update(self, session) -> None:
        """One update: every `updateEvery`-th reads the active traces (last
        slot first, as Lens); x always advances."""
        every = self.update_every
        if every != 0 and self.x % every == 0:     # Lens divides by 0 here; we never read
            for tr in reversed(self.slots):
                if tr is not None and tr.active:
                    self._update_trace(session, tr)
        self.x += 1

    def _update_trace(self, session, tr: Trace) -> None:
        if tr.object is None:
            return
        try:
            v = tr.probe.read(session)
        except ProbeError as e:
            self.owner.report_error(str(e))
            tr.active = False
            return
        except Exception as e:          # the shell's own error types carry .message
            self.owner.report_error(getattr(e, "message", None) or str(e))
            tr.active = False
            return
        tr.add_point(self.x, v)

    # -- exportGraph ---------------------------------------------------------------
    def export_text(self, labels: bool = False, gnuplot: bool = False) -> str:
        """The file exportGraph writes: one tab-separated row per x with a
        column per visible trace (`-` where a trace has no point), or with
        -gnuplot each trace as its own block of `x<TAB>y` lines."""
        shown = [t for t in self.traces if t.visible]
        out = []
        if gnuplot:
            for k, tr in enumerate(shown):
                if k:
                    out.append("\n\n")
                if labels:
                    out.append(f"# {tr.label or ''}\n")
                out.extend(f"{x}\t{c_f(y)}\n" for x, y in zip(tr.xs, tr.ys))
            return "".join(out)
        if labels:
            out.append("#" + "".join(f"\t{tr.label or ''}" for tr in shown) + "\n")
        pos = [0] * len(shown)
        while True:
            heads = [tr.xs[p] for tr, p in zip(shown, pos) if p < len(tr.xs)]
            if not heads:
                break
            x = min(heads)
            row = [str(x)]
            for k, tr in enumerate(shown):
                p = pos[k]
                if p < len(tr.xs) and tr.xs[p] == x:
                    row.append(c_g(tr.ys[p]))
                    pos[k] += 1
                else:
                    row.append("-")
            out.append("\t".join(row) + "\n")
        return "".join(out)

    def __repr__(self):
        return f"<Graph {self.num}: {len(self.traces)} traces, x={self.x}>"


class Graphs:
    """The root's graph list and what graphs share: the colour sequence, how
    Tcl commands are evaluated and how a failing trace is reported (both
    installed by the shell), and listeners (recordings, the progress line)."""

    def __init__(self):
        self.slots: list = []           # Graph or None; len() is Lens's numGraphs
        self._color = 0
        self.evaluate = _no_interpreter
        self.report_error = _print_error
        self.listeners: list = []       # objects with .signal_mask and .signal(session, net, sig)
        self.recent_errors = deque(maxlen=64)   # the network error after each update
        self.example_sent = False       # the running example's first EXAMPLES signal went
        self._space = None
        self.session = None             # set by graphs_of

    def __getstate__(self):
        # the shell's callables stay behind; a restored session installs its own
        state = self.__dict__.copy()
        state.update(evaluate=_no_interpreter, report_error=_print_error, _space=None,
                     listeners=[], session=None)
        return state

    def object_space(self, session):
        if self._space is None or self._space[0] is not session:
            from .fields import object_space
            self._space = (session, object_space(session))
        return self._space[1]

    @property
    def graphs(self) -> list[Graph]:
        return [g for g in self.slots if g is not None]

    def lookup(self, g: int):
        if 0 <= g < len(self.slots):
            return self.slots[g]
        return None

    def create(self) -> Graph:
        g = _free_slot(self.slots)
        graph = Graph(self, g)
        self.slots[g] = graph
        return graph

    def delete(self, graph: Graph) -> None:
        self.slots[graph.num] = None

    def next_color(self) -> str:
        """Lens's trace colours: 16 hues at full saturation, value 0.75,
        taken 3 apart, one sequence for all graphs."""
        color = hsv_color(_f32(self._color) / _f32(16), 1.0, 0.75)
        self._color = (self._color + 3) % 16
        return color

    def reset(self) -> None:
        """What resetNet does to graphs: clear or store each, as it asks."""
        for g in self.graphs:
            if g.clear_on_reset:
                g.clear()
            elif g.store_on_reset:
                g.store()

    def listening(self, signal: int) -> bool:
        """Whether anything updates on this signal (a compiled path that skips
        the signal's moments must give way when this is true)."""
        if any(g.update_on & signal for g in self.slots if g is not None):
            return True
        return any(getattr(x, "signal_mask", 0) & signal for x in self.listeners)


def graphs_of(session) -> Graphs:
    """The session's graphs (created on first use)."""
    g = getattr(session, "graphs", None)
    if g is None:
        g = session.graphs = Graphs()
    g.session = session
    return g


# -- the signals the training loop sends -----------------------------------------------
#
# Lens calls updateDisplays(signal) at these moments; the engine calls the
# function named after each.  Nothing is done when no graph or listener waits
# for the signal, so the calls cost a few attribute reads.

def update_displays(session, net, signal: int, again: bool = False) -> None:
    """Lens's updateDisplays: every graph listening to `signal` updates, and
    so does every Python listener (recordings) -- except, for listeners, when
    `again` marks Lens's second EXAMPLES signal for the same example."""
    if net is None:
        return                          # Lens sends nothing without a network
    owner = getattr(session, "graphs", None)
    if owner is None:
        return
    for g in list(owner.slots):
        if g is not None and g.update_on & signal:
            g.update(session)           # (its traces' scripts count their own edits)
    if not again:
        for x in list(owner.listeners):
            if x.signal_mask & signal:
                session.net_edits += 1      # (a Python listener may change anything)
                x.signal(session, net, signal)


def after_tick(session, net) -> None:
    """After each tick's postTickProc (and, for CONTINUOUS nets, once after
    the example's initial tick 0 is stored): TICKS."""
    update_displays(session, net, ON_TICK)


def after_event(session, net) -> None:
    """After each event's postEventProc: EVENTS."""
    update_displays(session, net, ON_EVENT)


def after_example(session, net, again: bool = False) -> None:
    """EXAMPLES.  Lens sends it when an example has run (again=False) and once
    more after postExampleProc and the output file in train and test batches
    and in doExample (again=True); graphs count both, recordings the first."""
    update_displays(session, net, ON_EXAMPLE, again)


def example_begins(session) -> None:
    """An example starts: its first EXAMPLES signal is still to be sent."""
    owner = getattr(session, "graphs", None)
    if owner is not None:
        owner.example_sent = False


def example_forward_done(session, net) -> None:
    """The example's ticks are over: its first EXAMPLES signal, once (Lens
    sends it before preExampleBackProc and the backward pass over the
    example of CONTINUOUS and SRBPTT nets, else when the example ends)."""
    owner = getattr(session, "graphs", None)
    if owner is not None and not owner.example_sent:
        owner.example_sent = True
        after_example(session, net)


def after_update(session, net) -> None:
    """After each weight update of `train` (after postUpdateProc, before
    totalUpdates counts it): WEIGHT_UPDATES.  Not sent by updateWeights."""
    note_error(session, net)
    update_displays(session, net, ON_UPDATE)


def note_error(session, net) -> None:
    """Keep the network's error for the REPL's progress sparkline (after each
    update run in Python, and after each compiled run of updates)."""
    graphs_of(session).recent_errors.append(float(net.error))


def after_report(session, net) -> None:
    """Right after a progress report line is printed: PROGRESS_REPORTS (Lens
    prints no report, and sends nothing, below verbosity 1)."""
    if session.verbosity < 1:
        return
    update_displays(session, net, ON_REPORT)


def after_run(session, net) -> None:
    """At the end of `train` and of `test`: TRAINING_AND_TESTING."""
    update_displays(session, net, ON_TRAINING)


def listening(session, signal: int) -> bool:
    """Whether anything waits for `signal` in this session: a compiled path
    that runs through the signal's moments without Python must then give way
    (TICKS, EVENTS, EXAMPLES: the per-example path; WEIGHT_UPDATES: no runs
    of several updates in one call)."""
    owner = getattr(session, "graphs", None)
    return owner is not None and owner.listening(signal)


# -- helpers ---------------------------------------------------------------------------------

def _free_slot(slots: list) -> int:
    """Lens's slot choice: the first empty one, else grow to max(n+2, 2n)."""
    for k, s in enumerate(slots):
        if s is None:
            return k
    n = len(slots)
    slots.extend([None] * (max(n + 2, 2 * n) - n))
    return n


def hsv_color(h, s, v) -> str:
    """Lens's colorName: HSV in [0, 1] to #rrggbb (its float arithmetic)."""
    h, s, v = _f32(h), _f32(s), _f32(v)
    val = int(v * _f32(255))
    if s == 0:
        r = g = b = val
    else:
        h = h * _f32(6)
        if h >= 6:
            h = _f32(0)
        hi = int(h)
        f = h - _f32(hi)
        p = int(v * (_f32(1) - s) * _f32(255))
        q = int(v * (_f32(1) - s * f) * _f32(255))
        t = int(v * (_f32(1) - s * (_f32(1) - f)) * _f32(255))
        r, g, b = [(val, t, p), (q, val, p), (p, val, t), (p, q, val), (t, p, val),
                   (val, p, q)][hi]
    return "#%02x%02x%02x" % (r, g, b)


def c_f(x) -> str:
    """C's %f, likewise."""
    x = float(x)
    if math.isnan(x) or math.isinf(x):
        return c_g(x)
    return "%f" % x


def _no_interpreter(script: str):
    raise ProbeError(f'cannot evaluate "{script}": no Tcl interpreter is installed')


def _print_error(message: str) -> None:
    sys.stderr.write(f"Error: {message}\n")
