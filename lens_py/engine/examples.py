"""Lens example sets (SPEC §2): the example-file reader and writer, the
ExampleSet/Example/Event/Range objects the training loop uses, the example
selection modes and PIPE streaming.

The text reader is a port of Lens's own character-level parser (example.c and
the ParseRec helpers of util.c), because the format is defined by what that
parser accepts: keywords are matched as prefixes (`i:1` works), numbers are
recognised by their first characters, `#` only comments out whole lines.
Binary files (.bex) live in `example_binary.py`.

Values are stored as float32-rounded Python floats / float32 arrays, as Lens
keeps them in `real`, so examples present exactly Lens's numbers.
"""
from __future__ import annotations

import math
import re

import numpy as np

from . import types as T
from .lensfiles import LensFileError, open_read, open_write
from .network import NetworkError

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

EXAMPLE_MODE_NAMES = {T.ORDERED: "ORDERED", T.PERMUTED: "PERMUTED",
                      T.RANDOMIZED: "RANDOMIZED", T.PROBABILISTIC: "PROBABILISTIC",
                      T.PIPE: "PIPE", T.CUSTOM: "CUSTOM"}
STORED_MODES = T.ORDERED | T.PERMUTED | T.RANDOMIZED | T.PROBABILISTIC


def f32(x) -> float:
    """A value as Lens stores it in a `real`."""
    return float(np.float32(x))


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
    span a..b; a lone -1 means `*`, every unit; all set to `value`)."""

    __slots__ = ("group_name", "first_unit", "val", "value", "units", "next")

    def __init__(self, value: float = 1.0, group_name: str | None = None):
        self.group_name = group_name
        self.first_unit = 0
        self.val = None
        self.value = value
        self.units = None
        self.next = None

    name = None

    @property
    def sparse(self) -> bool:
        return self.units is not None

    @property
    def num_units(self) -> int:
        if self.units is not None:
            return len(self.units)
        return 0 if self.val is None else len(self.val)

    def same_as(self, other: "Range") -> bool:
        if (self.group_name or None) != (other.group_name or None) \
                or self.sparse != other.sparse:
            return False
        if self.sparse:
            return list(self.units) == list(other.units) and same(self.value, other.value)
        return self.first_unit == other.first_unit and np.array_equal(
            self.val, other.val, equal_nan=True)

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
            if self.val is None or len(self.val) == 0:
                return
            u = self.first_unit
            if u < 0 or u >= n:
                raise ExampleError(f"loadEvent: unit {u} out of range")
            if u + len(self.val) > n:
                raise ExampleError("loadEvent: too many units listed in the dense range")
            vec[where[u:u + len(self.val)]] = self.val
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


def _link(ranges):
    for a, b in zip(ranges, ranges[1:]):
        a.next = b
    if ranges:
        ranges[-1].next = None
    return ranges


class Event:
    """One event: its header values and its input and target range lists
    (None = no ranges; events listed together share one list object)."""

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
        total = np.float32(0.0)
        for i, e in enumerate(self.examples):
            e.num = i
            e.set = self
            total = np.float32(total + np.float32(e.frequency))
        self.perm = list(range(len(self.examples)))
        probs = np.zeros(len(self.examples), dtype=np.float32)
        if self.examples:
            with np.errstate(divide="ignore", invalid="ignore"):
                scale = np.float32(1.0 / float(total)) if total != 0 else np.float32(np.inf)
                acc = np.float32(0.0)
                for i, e in enumerate(self.examples):
                    acc = np.float32(acc + np.float32(np.float32(e.frequency) * scale))
                    probs[i] = acc
            probs[-1] = 1.0
            for i, e in enumerate(self.examples):
                e.probability = float(probs[i])
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

    # -- selection (SPEC §2.4) ------------------------------------------------------
    def _no_examples(self, who: str):
        return ExampleError(f"{who}LoadNextExample: set has no examples")

    def _step(self, rng) -> int:
        """The index of the next stored example, with Lens's random draws."""
        n = len(self.examples)
        mode = self.mode
        if mode == T.PROBABILISTIC:
            r = np.float32(rng.drand48())     # drawn before the emptiness check, as Lens
            if n <= 0:
                raise self._no_examples("probabilistic")
            k = self._search(r)
            self.current = k
            return k
        if n <= 0:
            raise self._no_examples({T.ORDERED: "ordered", T.PERMUTED: "permuted",
                                     T.RANDOMIZED: "randomized"}.get(mode, "ordered"))
        if mode == T.PERMUTED:
            i = self.current + 1
            if i >= n:
                i = 0
            j = i + rng.rand_int(n - i)
            perm = self.perm
            perm[i], perm[j] = perm[j], perm[i]
            self.current = i
            return perm[i]
        if mode == T.RANDOMIZED:
            self.current = rng.rand_int(n)
            return self.current
        self.current = self.current + 1
        if self.current >= n:
            self.current = 0
        return self.current

    def _search(self, r) -> int:
        probs = self._probs
        lo, hi = 0, len(probs) - 1
        while lo < hi:
            m = (lo + hi) // 2
            if probs[m] < r:
                lo = m + 1
            else:
                hi = m
        return lo

    def next_example(self, rng) -> Example:
        """Lens's loadNextExample minus running the example's proc (the training
        loop does that): choose by the mode and make the choice current."""
        mode = self.mode
        if mode == T.PIPE:
            ex = self._read_pipe_example()
            self.current = -1
        elif mode == T.CUSTOM:
            ex = self._custom_choice()
        else:
            ex = self.examples[self._step(rng)]
        self.current_example = ex
        return ex

    def next_indices(self, count: int, rng) -> list:
        """The choices of `count` next_example calls, with the same draws."""
        if self.mode & (T.PIPE | T.CUSTOM) or not self.mode & STORED_MODES:
            raise ExampleError(f'example set "{self.name}" cannot choose examples in advance '
                               f'in {EXAMPLE_MODE_NAMES.get(self.mode, self.mode)} mode')
        n = len(self.examples)
        if count <= 0:
            return []
        if self.mode == T.ORDERED and n > 0:
            idx = [(self.current + 1 + k) % n for k in range(count)]
            self.current = idx[-1]
        elif self.mode == T.PROBABILISTIC and n > 0 and \
                (len(self._probs) < 2 or bool(np.all(np.diff(self._probs) >= 0))):
            r = rng.drand48_array(count).astype(np.float32)
            idx = np.searchsorted(self._probs, r, side="left").tolist()
            self.current = idx[-1]
        else:
            idx = [self._step(rng) for _ in range(count)]
        self.current_example = self.examples[idx[-1]]
        return idx

    def _custom_choice(self) -> Example:
        if not self.choose_example:
            raise ExampleError(f'Example set "{self.name}" needs a chooseExample procedure')
        if self.session is None:
            raise ExampleError(f'Example set "{self.name}": no interpreter for chooseExample')
        text = self.session.script(self.choose_example, "chooseExample")
        k = _tcl_int(text)
        if k < 0 or k >= len(self.examples):
            raise ExampleError(f"Example {k} out of range")
        return self.examples[k]

    # -- pipes (SPEC §2.5) ------------------------------------------------------------
    def _read_pipe_example(self) -> Example:
        parser = self.pipe_parser
        if parser is None:
            raise ExampleError(f'example set "{self.name}" is in PIPE mode but has no open pipe')
        try:
            if parser.file_done():
                if self.pipe_loop:
                    parser.close()
                    _open_pipe(self, parser.filename, self.session)
                    parser = self.pipe_parser
                else:
                    raise ExampleFileError(
                        f'example set "{self.name}" has exhausted the pipe', parser.filename,
                        parser.line, parser.binary,
                        lens_text=f'example set "{self.name}" has exhausted the pipe')
            ex = Example(self)
            parser.read_example(ex)
            _link_example(ex)
        except BaseException:
            if self.pipe_parser is not None:
                self.pipe_parser.close()
            self.pipe_parser = None
            self.pipe_example_num = 0
            raise
        ex.num = 0
        self.pipe_example = ex
        self.pipe_example_num += 1
        return ex


def _tcl_int(text) -> int:
    s = str(text).strip()
    for base in (10, 0):
        try:
            return int(s, base)
        except ValueError:
            pass
    raise ExampleError(f'expected integer but got "{text}"')


def _link_example(ex: Example) -> None:
    for ev in ex.events:
        ev.example = ex
        if ev.input:
            _link(ev.input)
        if ev.target:
            _link(ev.target)


# -- the text parser (Lens's ParseRec) ---------------------------------------------------

_SPACE = " \t\n\v\f\r"
_DIGITS = "0123456789"
_INT = re.compile(r"[+-]?[0-9]+")
_DENSE_TOKEN = re.compile(r"[ \t\v\f\r]*(?:(-)(?=[ \t\v\f\r};]|$)"
                          r"|(-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?))")
_UNIT_TOKEN = re.compile(r"[ \t\v\f\r]*(-?[0-9]+)")
# a run of plain non-negative decimals, each after blanks and before a blank,
# `;`, `}` or the line's end: the values _DENSE_TOKEN would read one by one
_PLAIN_VALUES = re.compile(r"(?:[ \t\v\f\r]+[0-9]+(?:\.[0-9]*)?(?=[ \t\v\f\r;}]|$))+")
_FLOAT = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
                    r"|inf(?:inity)?|nan)", re.IGNORECASE)


class _LineSource:
    """Lines of a byte stream, with the 4 bytes already read for the binary
    check put back in front."""

    def __init__(self, stream, prefix: bytes):
        self.stream = stream
        self.prefix = prefix

    def readline(self) -> str:
        data = b""
        if self.prefix:
            cut = self.prefix.find(b"\n")
            if cut >= 0:
                data, self.prefix = self.prefix[:cut + 1], self.prefix[cut + 1:]
                return data.decode("utf-8", "replace")
            data, self.prefix = self.prefix, b""
        rest = self.stream.readline()
        if isinstance(rest, str):
            rest = rest.encode("utf-8")
        return (data + rest).decode("utf-8", "replace")


class TextParser:
    """Lens's text example reader over one open file or pipe."""

    binary = False

    def __init__(self, stream, filename: str, prefix: bytes = b""):
        self.stream = stream
        self.source = _LineSource(stream, prefix)
        self.filename = filename
        self.line = 0
        self.s = ""
        self.p = 0
        self.closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            _close_stream(self.stream)

    def fail(self, what: str):
        return ExampleFileError(what, self.filename, max(self.line, 1))

    # -- lexing -------------------------------------------------------------------
    def _get_line(self) -> bool:
        while True:
            if self.closed:
                return False
            text = self.source.readline()
            if not text:
                return False
            self.line += 1
            if text.endswith("\n"):
                text = text[:-1]
                if text.endswith("\r"):
                    text = text[:-1]
            if not text.startswith("#"):
                self.s, self.p = text, 0
                return True

    def skip_blank(self) -> bool:
        """Move to the next non-blank character; False at the end of the file."""
        while True:
            s, p = self.s, self.p
            n = len(s)
            while p < n and s[p] in _SPACE:
                p += 1
            self.p = p
            if p < n:
                return True
            if not self._get_line():
                self.s, self.p = "", 0
                return False

    def rest(self) -> str:
        return self.s[self.p:]

    def match(self, word: str) -> bool:
        self.skip_blank()
        if self.s.startswith(word, self.p):
            self.p += len(word)
            return True
        return False

    def char(self) -> str:
        return self.s[self.p] if self.p < len(self.s) else ""

    def is_number(self) -> bool:
        self.skip_blank()
        s, p = self.s, self.p
        if p < len(s) and s[p] == "-":
            if p + 1 >= len(s) or s[p + 1] in _SPACE or s[p + 1] in "});":
                return True
            p += 1
        if p < len(s) and s[p] in _DIGITS:
            return True
        return p + 1 < len(s) and s[p] == "." and s[p + 1] in _DIGITS

    def read_int(self, what: str) -> int:
        if not self.skip_blank():
            raise self.fail(what)
        m = _INT.match(self.s, self.p)
        if not m:
            raise self.fail(what)
        self.p = m.end()
        return int(m.group(0))

    def read_real(self, what: str) -> float:
        if not self.skip_blank():
            raise self.fail(what)
        s, p = self.s, self.p
        q = p
        while q < len(s) and s[q] not in ",;{}[]" and s[q] not in _SPACE:
            q += 1
        if q - p == 0 or (q - p == 1 and s[p] == "-"):
            self.p = q
            return NAN
        m = _FLOAT.match(s, p)
        if not m:
            raise self.fail(what)
        self.p = m.end()
        return f32(float(m.group(0)))

    def read_block(self, what: str) -> str:
        """A `{…}`, `(…)`, `[…]` or `"…"` block (nesting aware, may span lines,
        outer delimiters removed) or a bare word."""
        if not self.skip_blank():
            raise self.fail(what)
        s, p = self.s, self.p
        if s[p] not in '{(["':
            q = p
            while q < len(s) and s[q] not in _SPACE and s[q] not in '{}()[]"':
                q += 1
            self.p = q
            return s[p:q]
        stack = [s[p]]
        p += 1
        parts = []
        protect = False
        while True:
            start = p
            while p < len(s) and stack:
                c = s[p]
                p += 1
                if c == "\\":
                    protect = not protect
                    continue
                if protect:
                    protect = False
                    continue
                if c in "{([":
                    stack.append(c)
                elif c in "})]":
                    if stack[-1] != {"}": "{", ")": "(", "]": "["}[c]:
                        raise self.fail(f"error parsing block, unexpected {c}")
                    stack.pop()
                elif c == '"':
                    if stack[-1] == '"':
                        stack.pop()
                    else:
                        stack.append('"')
            if not stack:
                parts.append(s[start:p - 1])
                self.s, self.p = s, p
                return "\n".join(parts)
            parts.append(s[start:])
            if not self._get_line():
                self.s, self.p = "", 0
                raise self.fail(what)
            s, p = self.s, 0

    def file_done(self) -> bool:
        return not self.skip_blank()

    def has_more(self, read: int) -> bool:
        return not self.file_done()

    # -- the set header ---------------------------------------------------------------
    def read_header(self, exset, run_proc) -> None:
        """Legacy counts, then the set header fields until `;` or anything else."""
        for _ in range(2):
            if self.skip_blank():
                m = _INT.match(self.s, self.p)
                if m:
                    self.p = m.end()
        while not self.match(";"):
            if self.match("proc:"):
                exset.proc = self.read_block("error reading code segment")
                run_proc(exset.proc)
                continue
            for key, attr in HEADER_KEYS:
                if self.match(key):
                    setattr(exset, attr, self.read_real(
                        f'missing value after "{key}" in the set header'))
                    break
            else:
                break

    # -- examples -------------------------------------------------------------------------
    def read_example(self, ex: Example) -> None:
        """Lens's readExample: header, body, `;`."""
        if self.file_done():
            raise self.fail("file ended prematurely at start of an example")
        exset = ex.set
        num_events = 1
        while True:
            done = True
            if self.match("name:"):
                ex.name = self.read_block("error reading example name")
                done = False
            if self.match("freq:"):
                ex.frequency = self.read_real("error reading example frequency")
                done = False
            if self.match("proc:"):
                ex.proc = self.read_block("error reading example proc")
                done = False
            self.skip_blank()
            if self.char() and self.char() in _DIGITS:
                num_events = self.read_int("error reading num-events")
                if num_events <= 0:
                    raise self.fail(f"num-events ({num_events}) must be positive")
                done = False
            if done:
                break
        events = [Event(ex, exset) for _ in range(num_events)]
        ex.events = events
        n = num_events
        active = [False] * n
        next_input = next_target = 0
        inputs_seen = targets_seen = True
        v = 0
        while not self.match(";"):
            if self.match("["):
                self._event_list(active)
                v = _first(active)
                if v is None:
                    raise self.fail("no events specified")
                self._event_header(events, active, v)
                inputs_seen = targets_seen = False
                continue
            letter = self.char() if self.p + 1 < len(self.s) and self.s[self.p + 1] == ":" else ""
            if not letter or letter not in "IiTtBb":
                raise self.fail(f"missing semicolon or something unexpected ({self.rest()})")
            self.p += 2
            sparse = letter in "itb"
            doing_inputs = letter in "IiBb"
            doing_targets = letter in "TtBb"
            ev_in = ev_tg = None
            if doing_inputs:
                if inputs_seen:
                    if next_input >= n:
                        raise self.fail(f"attempted to specify inputs for event {next_input}")
                    ev_in = events[next_input]
                    next_input += 1
                else:
                    v = _first(active)
                    if v is None:
                        raise self.fail("no events specified")
                    ev_in = events[v]
                    if ev_in.input is not None:
                        raise self.fail(f"multiple inputs given for event {v}")
            if doing_targets:
                if targets_seen:
                    if next_target >= n:
                        raise self.fail(f"attempted to specify targets for event {next_target}")
                    ev_tg = events[next_target]
                    next_target += 1
                else:
                    v = _first(active)
                    if v is None:
                        raise self.fail("no events specified")
                    ev_tg = events[v]
                    if ev_tg.target is not None:
                        raise self.fail(f"multiple targets given for event {v}")
            owner = ev_in if ev_in is not None else ev_tg
            ranges = self._event_ranges(owner, owner is ev_in, sparse)
            if ranges:
                if owner is ev_in:
                    owner.input = ranges
                else:
                    owner.target = ranges
            if ev_in is not None and ev_tg is not None:
                if ev_tg.target is not None:
                    raise self.fail("multiple targets specified for event %d"
                                    % (next_target - 1 if targets_seen else v))
                ev_tg.target = ev_in.input
                ev_tg.shared_targets = True
            if doing_inputs and not inputs_seen:
                for w in range(v + 1, n):
                    if active[w]:
                        if events[w].input is not None:
                            raise self.fail(f"multiple inputs given for event {w}")
                        events[w].input = ev_in.input
                        events[w].shared_inputs = True
                for w in range(next_input, n):
                    if active[w]:
                        next_input = w + 1
                inputs_seen = True
            if doing_targets and not targets_seen:
                for w in range(v + 1, n):
                    if active[w]:
                        if events[w].target is not None:
                            raise self.fail(f"multiple targets given for event {w}")
                        events[w].target = ev_tg.target
                        events[w].shared_targets = True
                for w in range(next_target, n):
                    if active[w]:
                        next_target = w + 1
                targets_seen = True

    def _event_list(self, active: list) -> None:
        n = len(active)
        for k in range(n):
            active[k] = False
        empty = True
        self.skip_blank()
        while self.char() and (self.char() in _DIGITS or self.char() == "*"):
            empty = False
            if self.match("*"):
                for k in range(n):
                    active[k] = True
            else:
                a = self.read_int("error reading event list")
                if a < 0 or a >= n:
                    raise self.fail(f"event ({a}) out of range")
                if self.match("-"):
                    b = self.read_int("error reading event range")
                    if b <= a or b >= n:
                        raise self.fail(f"event ({b}) out of range")
                else:
                    b = a
                for k in range(a, b + 1):
                    active[k] = True
            self.skip_blank()
        if empty:
            for k in range(n):
                active[k] = True

    def _event_header(self, events, active, v) -> None:
        while not self.match("]"):
            if self.match("proc:"):
                text = self.read_block("error reading example proc")
                for w in range(v, len(events)):
                    if active[w]:
                        events[w].proc = text
                continue
            for key, attr in HEADER_KEYS:
                if self.match(key):
                    value = self.read_real(f'missing value after "{key}" in event header')
                    for w in range(v, len(events)):
                        if active[w]:
                            setattr(events[w], attr, value)
                    break
            else:
                raise self.fail(f"something unexpected ({self.rest()}) in event header")

    def _event_ranges(self, ev: Event, doing_inputs: bool, sparse: bool) -> list:
        """Lens's readEventRanges: the ranges after one I:/i:/T:/t:/B:/b:."""
        ranges = []
        cur = None
        items: list = []
        active_value = ev.active_input if doing_inputs else ev.active_target

        def tidy():
            if cur is None:
                return
            if sparse:
                cur.units = list(items)
            else:
                cur.val = np.array(items, dtype=np.float32)

        def new_range():
            r = Range(active_value)
            ranges.append(r)
            items.clear()
            return r

        while True:
            if self.match("{"):
                tidy()
                cur = new_range()
                while not self.match("}"):
                    if self.is_number():
                        cur.value = self.read_real("couldn't read sparse active value")
                    else:
                        cur.group_name = self._group_word("}") or cur.group_name
                sparse = True
            elif self.match("("):
                tidy()
                cur = new_range()
                while not self.match(")"):
                    if self.is_number():
                        cur.first_unit = self.read_int("couldn't read dense first unit")
                    else:
                        cur.group_name = self._group_word(")") or cur.group_name
                sparse = False
            elif self.match("*"):
                if cur is None:
                    cur = new_range()
                if not sparse or items:
                    raise self.fail("* may only be the first thing in a sparse range")
                items.append(-1)
            elif self.is_number():
                if cur is None:
                    cur = new_range()
                if sparse:
                    if items and items[0] < 0:
                        raise self.fail("cannot have other units listed after *")
                    u = self.read_int("error reading a sparse unit number")
                    if u < 0 and (not items or -u < items[-1]):
                        raise self.fail("invalid sparse unit range")
                    items.append(u)
                    self._more_units(items)
                else:
                    items.append(self.read_real("couldn't read dense values"))
                    self._more_values(items)
            else:
                break
        tidy()
        return _link(ranges)

    # Fast paths: the rest of a line of plain values or units, token by token
    # exactly as the loop above would read them; anything else (including
    # what would be an error) is left to the loop.
    def _more_values(self, items: list) -> None:
        s, p = self.s, self.p
        run = _PLAIN_VALUES.match(s, p)
        if run:                 # the common case, a few times faster
            items.extend(map(float, run.group(0).split()))
            p = run.end()
        while True:
            m = _DENSE_TOKEN.match(s, p)
            if not m:
                break
            items.append(NAN if m.group(1) else float(m.group(2)))
            p = m.end()
        self.p = p

    def _more_units(self, items: list) -> None:
        s, p = self.s, self.p
        while items[0] >= 0:
            m = _UNIT_TOKEN.match(s, p)
            if not m:
                break
            u = int(m.group(1))
            if u < 0 and -u < items[-1]:
                break
            items.append(u)
            p = m.end()
        self.p = p

    def _group_word(self, closer: str) -> str:
        if not self.skip_blank():
            raise self.fail(f"file ended before the closing {closer}")
        before = (self.line, self.p)
        word = self.read_block("error reading a group name")
        if (self.line, self.p) == before:
            # Lens would loop forever here.
            raise self.fail(f"something unexpected ({self.rest()}) in a range header")
        return word


def _first(active):
    for k, a in enumerate(active):
        if a:
            return k
    return None


def _close_stream(stream) -> None:
    import sys
    if stream in (sys.stdin, getattr(sys.stdin, "buffer", None)):
        return
    try:
        stream.close()
    except Exception:
        pass


# -- opening files -----------------------------------------------------------------------

def _open_parser(filename: str):
    """An open parser for `filename` (text or binary, by the first int)."""
    try:
        stream = open_read(filename, binary=True)
    except LensFileError:
        raise ExampleError(f'readExampleSet: couldn\'t open the file "{filename}"') from None
    try:
        head = stream.read(4)
    except Exception:
        _close_stream(stream)
        raise
    if isinstance(head, str):
        head = head.encode("utf-8")
    if not head:
        _close_stream(stream)
        raise ExampleFileError("example file empty", filename, 0)
    if len(head) == 4 and int.from_bytes(head, "big") == BINARY_COOKIE:
        from .example_binary import BinaryParser
        return BinaryParser(stream, filename)
    return TextParser(stream, filename, head)


def _script_runner(session, where):
    def run(text):
        if session is not None and text:
            session.script(text, where)
    return run


def _read_set(exset: ExampleSet, parser, session, max_examples: int, pipe: bool) -> list:
    """The header into `exset`, then (unless pipe) up to max_examples examples."""
    parser.read_header(exset, _script_runner(session, "example set proc"))
    if pipe:
        return []
    examples = []
    while parser.has_more(len(examples)) and (not max_examples or len(examples) < max_examples):
        ex = Example(exset)
        parser.read_example(ex)
        _link_example(ex)
        examples.append(ex)
    return examples


def _open_pipe(exset: ExampleSet, filename: str, session) -> None:
    """(Re)open the set's pipe: read the header, keep the parser."""
    parser = _open_parser(filename)
    try:
        _read_set(exset, parser, session, 0, True)
    except BaseException:
        parser.close()
        raise
    exset.pipe_parser = parser
    _set_mode(exset, T.PIPE)


# -- module API used by the shell commands -------------------------------------------------

def default_set_name(filename: str) -> str:
    """Lens's .exampleSetRoot: the tail, less .gz/.Z, less .ex/.bex."""
    tail = filename.rstrip("/").rsplit("/", 1)[-1] if filename.rstrip("/") else filename

    def split_ext(name):
        k = name.rfind(".")
        return (name[:k], name[k:]) if k >= 0 else (name, "")

    root, ext = split_ext(tail)
    if ext in (".gz", ".Z"):
        tail = root
        root, ext = split_ext(tail)
    if ext in (".ex", ".bex"):
        tail = root
    return tail


def lookup_mode(word, who: str = "exampleSetMode") -> int:
    if isinstance(word, int):
        if word not in EXAMPLE_MODE_NAMES:
            raise ExampleError(f"{who}: invalid example mode: {word}")
        return word
    mask = T.lookup_type_mask(str(word), T.EXAMPLE_MODE)
    if mask is None:
        raise ExampleError(f'{who}: invalid example mode: "{word}"\n'
                           "Try one of the following: " + " ".join(EXAMPLE_MODE_NAMES.values()))
    return mask


def _set_mode(exset: ExampleSet, mode: int) -> None:
    """Lens's exampleSetMode(): set the mode and reset the set."""
    if mode == T.PIPE:
        if exset.pipe_parser is None:
            raise ExampleError(f'exampleSetMode: set "{exset.name}" has no pipe open')
        exset.pipe_example_num = 0
        if exset.pipe_example is None:
            exset.pipe_example = Example(exset)
    exset.mode = mode
    exset.reset()


def set_example_mode(exset: ExampleSet, mode_word) -> None:
    """`exampleSetMode <set> <mode>`: a prefix of a mode name (or the mask);
    the set is reset (Lens resets it even when the mode is unchanged)."""
    _set_mode(exset, lookup_mode(mode_word))


def _load_mode(load_mode) -> int:
    if not load_mode:
        return 0
    letter = str(load_mode)[:1]
    modes = {"R": 1, "A": 2, "P": 3}
    if letter not in modes:
        raise ExampleError(f"loadExamples: invalid mode name: {load_mode}.  "
                           "Try REPLACE, APPEND, or PIPE.")
    return modes[letter]


_HEADER_ATTRS = ("proc",) + tuple(SET_DEFAULTS)


def load_examples(session, filename: str, set_name=None, num=None, ex_mode=None,
                  load_mode=None) -> str:
    """`loadExamples` (SPEC §2.3).  Returns the set name.  A file that fails to
    parse changes nothing: no set is created, replaced or appended to."""
    mode = _load_mode(load_mode)
    if ex_mode is None:
        exmode = T.PIPE if mode == 3 else T.ORDERED
    else:
        exmode = lookup_mode(ex_mode, "loadExamples")
    name = set_name if set_name is not None else default_set_name(filename)
    if set_name is not None and set_name == "":
        raise ExampleError("loadExamples: example set must have a real name")
    max_examples = int(num or 0)
    old = session.sets.get(name)

    if old is not None and mode == 0:
        exset = old
    elif mode == 2 and old is not None:
        exset = old
        saved = {k: getattr(old, k) for k in _HEADER_ATTRS}
        parser = _open_parser(filename)
        try:
            new = _read_set(old, parser, session, max_examples, False)
        except BaseException:
            for k, v in saved.items():
                setattr(old, k, v)
            raise
        finally:
            parser.close()
        old.examples.extend(new)
        old.compile()
    else:
        exset = ExampleSet(name, session)
        tentative = old is None and name not in session.sets
        if tentative:
            # Lens registers the set before reading the header, so its proc can see it.
            session.sets[name] = exset
        parser = _open_parser(filename)
        try:
            try:
                examples = _read_set(exset, parser, session, max_examples, mode == 3)
            finally:
                if tentative:
                    session.sets.pop(name, None)
        except BaseException:
            parser.close()
            raise
        if mode == 3:
            exset.pipe_parser = parser
            _set_mode(exset, T.PIPE)
        else:
            parser.close()
        if mode == 3 and old is not None:
            # PIPE on an existing set keeps its stored examples and settings.
            _adopt_pipe(old, exset)
            exset = old
        else:
            exset.examples = examples
            exset.compile()
            if old is not None:
                old.close()
                session.delete_set(name)
    session.add_set(exset)
    if exset.mode != exmode:
        try:
            _set_mode(exset, exmode)
        except ExampleError:
            pass        # Lens ignores a failed -exmode (e.g. PIPE with no pipe open)
    return name


def _adopt_pipe(old: ExampleSet, new: ExampleSet) -> None:
    old.close()
    for k in _HEADER_ATTRS:
        setattr(old, k, getattr(new, k))
    old.pipe_parser = new.pipe_parser
    _set_mode(old, T.PIPE)


# -- moveExamples ------------------------------------------------------------------------------

def _copy_ranges(ranges, memo):
    if ranges is None:
        return None
    key = id(ranges)
    if key not in memo:
        out = []
        for r in ranges:
            c = Range(r.value, r.group_name)
            c.first_unit = r.first_unit
            c.val = None if r.val is None else r.val.copy()
            c.units = None if r.units is None else list(r.units)
            out.append(c)
        memo[key] = _link(out)
    return memo[key]


def copy_example(ex: Example, exset=None) -> Example:
    """A deep copy (events sharing a range list still share the copy)."""
    c = Example(exset)
    c.name, c.frequency, c.proc = ex.name, ex.frequency, ex.proc
    memo: dict = {}
    for ev in ex.events:
        d = Event(c)
        for k in ("proc",) + EVENT_TIMES + EVENT_VALUES + ("shared_inputs", "shared_targets"):
            setattr(d, k, getattr(ev, k))
        d.input = _copy_ranges(ev.input, memo)
        d.target = _copy_ranges(ev.target, memo)
        c.events.append(d)
    return c


def move_examples(session, source: ExampleSet, to_name: str, first: int = 0, num: int = 0,
                  proportion: float = 1.0, copy: bool = False) -> int:
    """Lens's moveExamples: examples first..first+num-1, or (num 0) each example
    i with probability remaining/(n-i) (one drand48 per example looked at while
    some remain to be picked).  Creates `to_name` with `source`'s header if
    needed.  Returns how many were moved (or copied)."""
    n = len(source.examples)
    if first < 0 or num < 0 or first + num > n:
        raise ExampleError(f"moveExamples: example indices ({first}, {num}) out of bounds")
    if num == 0 and (proportion < 0.0 or proportion > 1.0):
        raise ExampleError(f"moveExamples: proportion ({proportion:f}) must be in the range [0,1]")
    if not to_name:
        raise ExampleError("moveExamples: example set must have a real name")
    target = session.sets.get(to_name)
    if target is source:
        raise ExampleError("moveExamples: you can't move an example set to itself")
    if target is None:
        target = ExampleSet(to_name, session)
        for k in _HEADER_ATTRS:
            setattr(target, k, getattr(source, k))
        session.sets[to_name] = target
    picked = [False] * n
    if num > 0:
        for i in range(first, first + num):
            picked[i] = True
    else:
        rng = session.rng
        tomark = int(np.float32(np.float32(n) * np.float32(proportion)))
        i = 0
        while tomark:
            r = np.float32(rng.drand48())
            if r < np.float32(np.float32(tomark) / np.float32(n - i)):
                picked[i] = True
                tomark -= 1
                num += 1
            i += 1
    chosen = [ex for ex, p in zip(source.examples, picked) if p]
    if copy:
        target.examples.extend(copy_example(ex, target) for ex in chosen)
    else:
        source.examples = [ex for ex, p in zip(source.examples, picked) if not p]
        target.examples.extend(chosen)
        source.compile()
    target.compile()
    net = session.net
    if net is not None and net.training_set is source and net.testing_set is None:
        net.testing_set = target
    return num


# -- writing (Lens's writeExampleFile) ---------------------------------------------------------

def _g(x: float) -> str:
    """A real as Lens writes it (%g); NaN as `-` so that the file reads back."""
    return "-" if math.isnan(x) else "%g" % x


def _event_list_text(ex: Example, v: int, attr: str) -> str:
    events = ex.events
    if len(events) == 1:
        return ""
    match = getattr(events[v], attr)
    out = []
    start, run = v, 1
    w = v + 1
    while w < len(events):
        if getattr(events[w], attr) is match:
            if run:
                run += 1
            else:
                start, run = w, 1
        else:
            if run:
                out.append(f"{start}-{w - 1}" if start < w - 1 else f"{start}")
            run = 0
        w += 1
    if run:
        if start == 0:
            out.append("*")
        else:
            out.append(f"{start}-{w - 1}" if start < w - 1 else f"{start}")
    return "[" + " ".join(out) + "]\n"


def _ranges_text(ranges, active_value: float) -> str:
    out = []
    dense_mode = not ranges[0].sparse
    for k, r in enumerate(ranges):
        text = "  " if k else ""
        if not r.sparse:
            bracket = not dense_mode or r.group_name or r.first_unit
            if bracket:
                text += "("
            if r.group_name:
                text += f'"{r.group_name}"' + (f" {r.first_unit}" if r.first_unit else "")
            elif r.first_unit:
                text += f"{r.first_unit}"
            if bracket:
                text += ")"
            text += "".join(" " + _g(float(x)) for x in r.val)
            dense_mode = True
        else:
            other = not same(r.value, active_value)
            brace = dense_mode or r.group_name or other
            if brace:
                text += "{"
            if r.group_name:
                text += f'"{r.group_name}"' + (" " + _g(r.value) if other else "")
            elif other:
                text += _g(r.value)
            if brace:
                text += "}"
            if r.units and r.units[0] < 0:
                text += " *"
            else:
                text += "".join(("" if u < 0 else " ") + str(u) for u in r.units)
            dense_mode = False
        out.append(text + "\n")
    return "".join(out)


def example_set_text(exset: ExampleSet, header: bool = True) -> str:
    parts = []
    if header:
        if exset.proc:
            parts.append("\nproc:{%s}" % exset.proc)
        for key, attr in HEADER_KEYS:
            v = getattr(exset, attr)
            if not same(v, SET_DEFAULTS[attr]):
                parts.append(f"\n{key}{_g(v)}")
        parts.append(";\n")
    for ex in exset.examples:
        parts.append(example_text(ex, exset))
    return "".join(parts)


def example_text(ex: Example, exset: ExampleSet) -> str:
    parts = []
    if ex.name is not None:
        parts.append("name:{%s}\n" % ex.name)
    if ex.proc:
        parts.append("proc:{%s}\n" % ex.proc)
    if ex.frequency != 1.0:
        parts.append(f"freq:{_g(ex.frequency)}\n")
    events = ex.events
    if len(events) > 1:
        parts.append(f"{len(events)}\n")
    for v, ev in enumerate(events):
        if ev.is_normal(exset):
            continue
        h = f"[{v}"
        if ev.proc:
            h += " proc:{%s}" % ev.proc
        for key, attr in HEADER_KEYS:
            val = getattr(ev, attr)
            ref = NAN if attr in EVENT_TIMES else getattr(exset, attr)
            if not same(val, ref):
                h += f" {key}{_g(val)}"
        parts.append(h + "]\n")
    for v, ev in enumerate(events):
        if ev.shared_inputs or not ev.input:
            continue
        parts.append(_event_list_text(ex, v, "input"))
        letter = "i" if ev.input[0].sparse else "I"
        parts.append(f"{letter}:" + _ranges_text(ev.input, ev.active_input))
        for w, other in enumerate(events):
            if other.target is ev.input:
                parts.append(_event_list_text(ex, w, "target"))
                parts.append(f"{'t' if ev.input[0].sparse else 'T'}:"
                             + _ranges_text(other.target, ev.active_target))
                break
    for v, ev in enumerate(events):
        if ev.shared_targets or not ev.target:
            continue
        parts.append(_event_list_text(ex, v, "target"))
        letter = "t" if ev.target[0].sparse else "T"
        parts.append(f"{letter}:" + _ranges_text(ev.target, ev.active_target))
    parts.append(";\n")
    return "".join(parts)


def save_examples(exset: ExampleSet, filename: str, binary: bool = False,
                  append: bool = False) -> str:
    """`saveExamples`: Lens's text form (or .bex with binary).  Returns the file name."""
    if binary and append:
        raise ExampleError("saveExamples: you cannot use both the -binary and -append flags")
    if binary:
        from .example_binary import write_binary
        with open_write(filename, binary=True) as f:
            write_binary(exset, f)
        return filename
    text = example_set_text(exset, header=not append)
    with open_write(filename, append=append) as f:
        f.write(text)
    return filename


from . import example_fields  # noqa: E402,F401  (registers the getObj/setObj fields)
