"""The example-set objects: ExampleSet, Example, Event and Range,
as the training loop and getObj/setObj see them.

Values are stored as float32-rounded Python floats / float32 arrays, as Lens
keeps them in `real`, so examples present exactly Lens's numbers.  Choosing
the next example by the set's mode is in `modes.py`.
"""
from __future__ import annotations

import math

import numpy as np

from .. import limits
from .. import types as T
from ..network import NetworkError

NAN = math.nan
BINARY_COOKIE = 0xAAAAAAAA

SET_DEFAULTS = {"max_time": 1.0, "min_time": 0.0, "grace_time": 0.0,
                "default_input": 0.0, "active_input": 1.0,
                "default_target": 0.0, "active_target": 1.0}
HEADER_KEYS = (("max:", "max_time"), ("min:", "min_time"), ("grace:", "grace_time"),
               ("defI:", "default_input"), ("actI:", "active_input"),
               ("defT:", "default_target"), ("actT:", "active_target"))
EVENT_TIMES = ("max_time", "min_time", "grace_time")
EVENT_VALUES = ("default_input", "active_input", "default_target", "active_target")


def f32(x) -> float:
    """A value as Lens stores it in a `real` (beyond its range: +-inf, as
    Lens's sscanf gives, without NumPy's overflow warning)."""
    with np.errstate(over="ignore"):
        return float(np.float32(x))


def reals(values) -> np.ndarray:
    """Values as a float32 array (beyond float32's range: +-inf, quietly)."""
    with np.errstate(over="ignore"):
        return np.asarray(values, dtype=np.float32)


# lens_py needs about this much memory for each event an example claims, and
# makes about a million a second: more than MAX_EVENTS in one example is
# refused (a deliberate limit; Lens allocates whatever calloc gives it).
EVENT_BYTES = 200
MAX_EVENTS = 1 << 20


def check_count(n: int, what: str) -> str | None:
    """Why an example's count of events read from a file cannot be honoured,
    or None."""
    return limits.check_count(n, what, EVENT_BYTES, MAX_EVENTS, "in one example ")


def same(a: float, b: float) -> bool:
    """Lens's SAME(): equal, or both NaN."""
    return a == b or (math.isnan(a) and math.isnan(b))


# -- errors ----------------------------------------------------------------------------

class ExampleError(NetworkError):
    """An example set cannot do what was asked (message in Lens's words)."""


class ExampleFileError(ExampleError):
    """A malformed example file or stream: `file:line: what is wrong`.

    `lens_message` is Lens's own wording (`loadExamples: … on line n of file
    "f"`; binary files count examples instead of lines)."""

    def __init__(self, what: str, filename: str, line: int, binary: bool = False,
                 lens_text: str | None = None):
        self.what, self.filename, self.line, self.binary = what, filename, line, binary
        self._lens_text = lens_text
        where = f"example {line}" if binary else str(line)
        super().__init__(f"{filename}:{where}: {what}")

    @property
    def lens_message(self) -> str:
        if self._lens_text is not None:
            return self._lens_text
        unit = "example" if self.binary else "line"
        return f'loadExamples: {self.what} on {unit} {self.line} of file "{self.filename}"'


# Any edit of an example, event or range anywhere bumps every set's version
# (edits are rare; a stale training cache would be wrong).
_EDITS = [0]


def note_edit() -> None:
    _EDITS[0] += 1


# -- the objects -------------------------------------------------------------------------

class Range:
    """One input or target range of an event: dense (`val`, from `first_unit`)
    or sparse (`units` in Lens's coding: a negative entry -b after a means the
    span a..b; a lone -1 means `*`, every unit; all set to `value`).

    Dense values are float32; the reader keeps many ranges' values in one
    array (`_store`, this range's at `_at`, `_n` long), so `val` is a view
    made on access: writing through it edits the range."""

    __slots__ = ("group_name", "first_unit", "value", "units", "next", "_store", "_at", "_n")

    def __init__(self, value: float = 1.0, group_name: str | None = None):
        self.group_name = group_name
        self.first_unit = 0
        self._store = None
        self._at = self._n = 0
        self.value = value
        self.units = None
        self.next = None

    name = None

    @property
    def val(self):
        store = self._store
        if store is None:
            return None
        return store[self._at:self._at + self._n]

    @val.setter
    def val(self, values) -> None:
        if values is None:
            self.set_values(None, 0, 0)
        else:
            values = np.asarray(values, dtype=np.float32)
            self.set_values(values, 0, len(values))

    def set_values(self, store, at: int, n: int) -> None:
        """The values are store[at:at + n] (a float32 array shared with others)."""
        self._store, self._at, self._n = store, at, n

    @property
    def sparse(self) -> bool:
        return self.units is not None

    @property
    def num_units(self) -> int:
        if self.units is not None:
            return len(self.units)
        return self._n

    def install(self, vec, net_units, group_units, what: str) -> None:
        """Lens's loadDenseRange/loadSparseRange into the flat vector."""
        gname = self.group_name
        if gname:
            where = group_units(gname)
            if where is None:
                return          # an unknown group is silently ignored, as in Lens
            suffix = f" in group {gname}"
        else:
            where = net_units
            suffix = ""
        n = len(where)
        if self.units is None:
            k = self._n
            if self._store is None or k == 0:
                return
            u = self.first_unit
            if u < 0 or u >= n:
                raise ExampleError(f"loadEvent: unit {u} out of range")
            if u + k > n:
                raise ExampleError("loadEvent: too many units listed in the dense range")
            vec[where[u:u + k]] = self.val
            return
        units = self.units
        if not units:
            return
        if units[0] < 0:
            vec[where] = self.value
            return
        i = 0
        k = len(units)
        while i < k:
            u = units[i]
            if i + 1 < k and units[i + 1] < 0:
                if u < 0 or u >= n:
                    raise ExampleError(f"loadEvent: unit {u} out of range{suffix}")
                i += 1
                v = -units[i]
                if v < u or v >= n:
                    raise ExampleError(f"loadEvent: span end unit {v} out of range{suffix}")
                vec[where[u:v + 1]] = self.value
            else:
                if u < 0 or u >= n:
                    raise ExampleError(f"loadEvent: unit {u} out of range{suffix}")
                vec[where[u]] = self.value
            i += 1


def link_ranges(ranges):
    for a, b in zip(ranges, ranges[1:]):
        a.next = b
    if ranges:
        ranges[-1].next = None
    return ranges


class Event:
    """One event: its header values and its input and target range lists
    (None = no ranges; events listed together share one list object)."""

    __slots__ = ("example", "proc", "max_time", "min_time", "grace_time", "default_input",
                 "active_input", "default_target", "active_target", "input", "target",
                 "shared_inputs", "shared_targets")

    def __init__(self, example=None, exset=None):
        self.example = example
        self.proc = None
        self.max_time = self.min_time = self.grace_time = NAN
        src = exset if exset is not None else _DefaultHeader
        self.default_input = src.default_input
        self.active_input = src.active_input
        self.default_target = src.default_target
        self.active_target = src.active_target
        self.input = None
        self.target = None
        self.shared_inputs = False
        self.shared_targets = False

    name = None

    def install_inputs(self, ext, input_units, group_units) -> None:
        """Standard loadEvent, inputs: the default to all of net.input[], then
        the ranges in order."""
        ext[input_units] = self.default_input
        for r in self.input or ():
            r.install(ext, input_units, group_units, "input")

    def install_targets(self, tgt, output_units, group_units) -> None:
        tgt[output_units] = self.default_target
        for r in self.target or ():
            r.install(tgt, output_units, group_units, "target")

    def is_normal(self, exset) -> bool:
        """Lens's normalEvent: nothing that needs an event header when written."""
        if self.proc:
            return False
        if any(not math.isnan(getattr(self, k)) for k in EVENT_TIMES):
            return False
        return all(same(getattr(self, k), getattr(exset, k)) for k in EVENT_VALUES)


class _DefaultHeader:
    default_input, active_input = 0.0, 1.0
    default_target, active_target = 0.0, 1.0


class Example:
    """One example: its events and Lens's example fields (`num` is its index
    in the set, set by ExampleSet.compile)."""

    __slots__ = ("set", "name", "frequency", "proc", "events", "num", "probability")

    def __init__(self, exset=None):
        self.set = exset
        self.name = None
        self.frequency = 1.0
        self.proc = None
        self.events: list[Event] = []
        self.num = 0
        self.probability = 0.0

    @property
    def num_events(self) -> int:
        return len(self.events)

    @property
    def next(self):
        s = self.set
        if s is None or self.num + 1 >= len(s.examples) or s.examples[self.num] is not self:
            return None
        return s.examples[self.num + 1]


class ExampleSet:
    """A named list of examples plus Lens's set header and selection state."""

    def __getstate__(self):
        # a copy (pickle, deepcopy of a network) leaves the session behind
        return dict(self.__dict__, session=None)

    def __init__(self, name: str, session=None):
        self.name = name
        self.session = session
        self.examples: list[Example] = []
        self.perm: list[int] = []
        self._version = 0
        self.mode = T.ORDERED
        self.current = -1
        self.current_example = None
        self.proc = None
        self.choose_example = None
        self.pipe_loop = 1
        self.pipe_parser = None
        self.pipe_example = None
        self.pipe_example_num = 0
        self._probs = np.zeros(0, dtype=np.float32)
        for k, v in SET_DEFAULTS.items():
            setattr(self, k, v)

    # -- bookkeeping ----------------------------------------------------------------
    @property
    def version(self) -> int:
        return self._version + _EDITS[0]

    @version.setter
    def version(self, value: int) -> None:
        self._version = value - _EDITS[0]

    def touch(self) -> None:
        self._version += 1

    @property
    def num(self) -> int:
        if self.session is not None:
            for k, s in enumerate(self.session.sets.values()):
                if s is self:
                    return k
        return 0

    @property
    def num_events(self) -> int:
        return sum(len(e.events) for e in self.examples)

    def compile(self) -> None:
        """Lens's compileExampleSet: number the examples, identity permutation,
        cumulative probabilities (in float32, the last forced to 1), position reset."""
        examples = self.examples
        self.perm = list(range(len(examples)))
        for e, i in zip(examples, self.perm):     # the same int objects: less memory
            e.num = i
            e.set = self
        probs = np.zeros(len(examples), dtype=np.float32)
        if examples:
            # np.add.accumulate adds in order, rounding each sum to float32, as Lens does
            freq = np.array([e.frequency for e in examples], dtype=np.float32)
            total = np.add.accumulate(freq)[-1]
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                scale = np.float32(1.0 / float(total)) if total != 0 else np.float32(np.inf)
                probs = np.add.accumulate(freq * scale)
            probs[-1] = 1.0
            for e, p in zip(examples, probs.tolist()):
                e.probability = p
        self._probs = probs
        self.current_example = None
        self.current = -1
        self.touch()

    def reset(self) -> None:
        """resetExampleSet: back to before the first example (the permutation stays)."""
        self.current_example = self.pipe_example if self.pipe_parser is not None else None
        self.current = -1

    def close(self) -> None:
        """Close an open pipe (deleteExampleSets calls this)."""
        if self.pipe_parser is not None:
            self.pipe_parser.close()
            self.pipe_parser = None

    # -- selection (modes.py) --------------------------------------------
    def next_example(self, rng) -> "Example":
        """Lens's loadNextExample minus running the example's proc (the training
        loop does that): choose by the mode and make the choice current."""
        from .modes import next_example
        return next_example(self, rng)

    def next_indices(self, count: int, rng) -> list:
        """The choices of `count` next_example calls, with the same draws."""
        from .modes import next_indices
        return next_indices(self, count, rng)


def link_example(ex: Example) -> None:
    """Point each event at its example and chain each range list's `next`."""
    for ev in ex.events:
        ev.example = ex
        if ev.input:
            link_ranges(ev.input)
        if ev.target:
            link_ranges(ev.target)
