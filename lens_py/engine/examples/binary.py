"""Lens's binary example files (.bex): a reader with the same
interface as the text parser (header, one example at a time, so PIPE mode
works on binary streams too) and the writer.

Big-endian throughout; reals are float32 (NaN kept); strings end with a NUL.
Errors count examples, not lines, as Lens does (`… on example n of file`).
"""
from __future__ import annotations

import io
import math
import os
import struct

import numpy as np

from ..lensfiles import close_stream
from .model import (BINARY_COOKIE, HEADER_KEYS, Event, Example, ExampleFileError, Range,
                    check_count, f32, link_ranges)

_INT = struct.Struct(">i")
_FLOAT = struct.Struct(">f")


class BinaryParser:
    """Reads a .bex stream after its cookie (already consumed by the caller).

    Only the bytes needed are requested from the stream, so a generator that
    writes one example at a time can be read as a pipe."""

    binary = True
    # the fewest bytes an example takes: two empty strings, frequency,
    # numEvents, event headers, input and target sets
    MIN_EXAMPLE_BYTES = 2 + 5 * 4
    READ_AT_MOST = 1 << 20

    def __init__(self, stream, filename: str):
        self.stream = stream
        self.filename = filename
        self.line = 0           # examples read (Lens's R->line for binary files)
        self.buf = b""
        self.pos = 0
        self.closed = False
        self.num_examples = 0

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close_stream(self.stream)

    def fail(self, what: str):
        return ExampleFileError(what, self.filename, self.line, binary=True)

    # -- raw values ------------------------------------------------------------------
    def _need(self, n: int) -> bool:
        have = len(self.buf) - self.pos
        if have >= n:
            return True
        if self.closed:
            return False
        if self.pos:
            self.buf = self.buf[self.pos:]
            self.pos = 0
        while len(self.buf) < n:
            more = self.stream.read(min(n - len(self.buf), self.READ_AT_MOST))
            if not more:
                return False
            self.buf += more
        return True

    def _take(self, n: int, what: str) -> bytes:
        if not self._need(n):
            raise self.fail(what)
        data = self.buf[self.pos:self.pos + n]
        self.pos += n
        return data

    def bytes_left(self) -> int | None:
        """What remains of a regular file (None for pipes and compressed files)."""
        try:
            size = os.fstat(self.stream.fileno()).st_size
            return size - self.stream.tell() + len(self.buf) - self.pos
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return None

    def _check_room(self, n: int, bytes_each: int, what: str) -> None:
        """Refuse at once a count the rest of the file cannot hold."""
        left = self.bytes_left()
        if left is not None and n * bytes_each > left:
            raise self.fail(f"{what} ({n}) needs more than the {left} bytes left in the file")

    def int(self, what: str) -> int:
        return _INT.unpack(self._take(4, what))[0]

    def real(self, what: str) -> float:
        return f32(_FLOAT.unpack(self._take(4, what))[0])

    def flag(self, what: str) -> int:
        return self._take(1, what)[0]

    def string(self, what: str) -> str:
        out = bytearray()
        while True:
            if not self._need(1):
                raise self.fail(what)
            k = self.buf.find(b"\0", self.pos)
            if k >= 0:
                out += self.buf[self.pos:k]
                self.pos = k + 1
                return out.decode("utf-8", "replace")
            out += self.buf[self.pos:]
            self.pos = len(self.buf)

    def reals(self, n: int, what: str) -> np.ndarray:
        return np.frombuffer(self._take(4 * n, what), dtype=">f4").astype(np.float32)

    def ints(self, n: int, what: str) -> list:
        return np.frombuffer(self._take(4 * n, what), dtype=">i4").astype(int).tolist()

    def file_done(self) -> bool:
        return not self._need(1)

    def has_more(self, read: int) -> bool:
        """A stored binary file holds the number of examples its header says."""
        return read < self.num_examples

    # -- the set header ----------------------------------------------------------------
    def read_header(self, exset, run_proc) -> None:
        size = self.int("error reading sizeof(real)")
        if size != 4:
            raise self.fail(f"sizeof(real) ({size}) should be (4)")
        proc = self.string("file ended prematurely in set proc")
        if proc:
            exset.proc = proc
            run_proc(proc)
        for key, attr in HEADER_KEYS:
            setattr(exset, attr, self.real(f"couldn't read set {_LENS_NAMES[attr]}"))
        n = self.int("error reading numExamples")
        if n < 0:
            raise self.fail(f"bad numExamples ({n})")
        self._check_room(n, self.MIN_EXAMPLE_BYTES, "numExamples")
        self.num_examples = n

    def read_examples(self, exset, limit: int = 0) -> list:
        """Up to `limit` (0 = all) more of the examples the header announced."""
        out = []
        while self.has_more(self.line) and (not limit or len(out) < limit):
            ex = Example(exset)
            self.read_example(ex)
            out.append(ex)
        return out

    # -- one example ---------------------------------------------------------------------
    def read_example(self, ex) -> None:
        self.line += 1
        name = self.string("file ended prematurely")
        ex.name = name or None
        proc = self.string("file ended prematurely in proc")
        ex.proc = proc or None
        ex.frequency = self.real("couldn't read example frequency")
        if ex.frequency < 0.0:
            raise self.fail("bad frequency (%g)" % ex.frequency)
        n = self.int("couldn't read numEvents")
        if n <= 0:
            raise self.fail(f"bad numEvents ({n})")
        problem = check_count(n, "numEvents")
        if problem:
            raise self.fail(problem)
        events = [Event(ex, ex.set) for _ in range(n)]
        ex.events = events
        heads = self.int("couldn't read the number of event headers")
        if heads < 0 or heads > n:
            raise self.fail("couldn't read the number of event headers")
        for _ in range(heads):
            v = self.int("couldn't read the header event number")
            if v < 0 or v >= n:
                raise self.fail(f"bad header event number ({v})")
            ev = events[v]
            ev.proc = self.string("file ended in event proc") or None
            for key, attr in HEADER_KEYS:
                setattr(ev, attr, self.real(f"couldn't read event {_LENS_NAMES[attr]}"))
        active = [False] * n
        self._range_sets(events, active, "input")
        self._range_sets(events, active, "target")

    def _range_sets(self, events, active: list, attr: str) -> None:
        """The input (or target) blocks: each given to a list of events, the
        first owning it, the others sharing it; an input block may also be
        the targets of another list of events."""
        n = len(events)
        shared = f"shared_{attr}s"
        sets = self.int(f"error reading number of {attr} sets")
        if sets < 0:
            raise self.fail(f"error reading number of {attr} sets")
        for _ in range(sets):
            v = self._event_list(active)
            owner = events[v]
            ranges = self._ranges(owner, attr == "input")
            setattr(owner, attr, ranges)
            for w in range(v + 1, n):
                if active[w]:
                    setattr(events[w], attr, ranges)
                    setattr(events[w], shared, True)
            if attr == "input" and self.flag("error reading shared targets code"):
                self._event_list(active, need_one=False)
                for w in range(n):
                    if active[w]:
                        events[w].target = ranges
                        events[w].shared_targets = True

    def _event_list(self, active: list, need_one: bool = True):
        n = len(active)
        for k in range(n):
            active[k] = False
        count = self.int("error reading event list")
        v = 0
        for _ in range(count):
            w = self.int("error reading event list")
            if w < 0:
                for k in range(v + 1, -w + 1):
                    if k >= n:
                        raise self.fail("error reading event list")
                    active[k] = True
                v = -w + 1      # where Lens's loop leaves it
            else:
                if w >= n:
                    raise self.fail("error reading event list")
                active[w] = True
                v = w
        for k, a in enumerate(active):
            if a:
                return k
        if need_one:
            raise self.fail("no events specified")
        return None

    def _ranges(self, ev, doing_inputs: bool):
        count = self.int("error reading numRanges")
        ranges = []
        for _ in range(count):
            r = Range(ev.active_input if doing_inputs else ev.active_target)
            r.group_name = self.string("error reading group name") or None
            k = self.int("error reading range numUnits")
            if k < 0:
                raise self.fail("error reading range numUnits")
            self._check_room(k, 4, "range numUnits")
            if self.flag("error reading sparse mode flag"):
                r.value = self.real("error reading sparse value")
                r.units = self.ints(k, "error reading sparse unit list")
            else:
                r.first_unit = self.int("error reading first unit")
                r.val = self.reals(k, "error reading dense value list")
            ranges.append(r)
        return link_ranges(ranges) if ranges else None


_LENS_NAMES = {"max_time": "maxTime", "min_time": "minTime", "grace_time": "graceTime",
               "default_input": "defaultInput", "active_input": "activeInput",
               "default_target": "defaultTarget", "active_target": "activeTarget"}


# -- writing -----------------------------------------------------------------------------

def _w_int(out: list, x: int) -> None:
    out.append(_INT.pack(x))


def _w_real(out: list, x: float) -> None:
    out.append(_FLOAT.pack(math.nan if math.isnan(x) else x))


def _w_string(out: list, s) -> None:
    out.append((s or "").encode("utf-8") + b"\0")


def _w_event_list(out: list, ex, v: int, attr: str) -> None:
    """Lens's writeBinaryEventList: v, then run starts w and run ends -w."""
    events = ex.events
    match = getattr(events[v], attr)
    vals, run = 1, 1
    for w in range(v + 1, len(events)):
        if getattr(events[w], attr) is match:
            if run:
                run += 1
            else:
                vals += 1
                run = 1
        else:
            if run > 1:
                vals += 1
            run = 0
    if run > 1:
        vals += 1
    _w_int(out, vals)
    _w_int(out, v)
    run = 1
    w = v + 1
    while w < len(events):
        if getattr(events[w], attr) is match:
            if run:
                run += 1
            else:
                _w_int(out, w)
                run = 1
        else:
            if run > 1:
                _w_int(out, -(w - 1))
            run = 0
        w += 1
    if run > 1:
        _w_int(out, -(w - 1))


def _w_ranges(out: list, ranges) -> None:
    _w_int(out, len(ranges))
    for r in ranges:
        _w_string(out, r.group_name)
        _w_int(out, r.num_units)
        if r.sparse:
            out.append(b"\1")
            _w_real(out, r.value)
            out.append(np.asarray(r.units, dtype=">i4").tobytes())
        else:
            out.append(b"\0")
            _w_int(out, r.first_unit)
            out.append(np.asarray(r.val, dtype=">f4").tobytes())


def write_binary(exset, stream) -> None:
    """Lens's writeBinaryExampleFile into an open binary stream."""
    out: list = []
    _w_int(out, BINARY_COOKIE - (1 << 32))
    _w_int(out, 4)
    _w_string(out, exset.proc)
    for _, attr in HEADER_KEYS:
        _w_real(out, getattr(exset, attr))
    _w_int(out, len(exset.examples))
    for ex in exset.examples:
        _w_string(out, ex.name)
        _w_string(out, ex.proc)
        _w_real(out, ex.frequency)
        events = ex.events
        _w_int(out, len(events))
        unusual = [v for v, ev in enumerate(events) if not ev.is_normal(exset)]
        _w_int(out, len(unusual))
        for v in unusual:
            ev = events[v]
            _w_int(out, v)
            _w_string(out, ev.proc)
            for _, attr in HEADER_KEYS:
                _w_real(out, getattr(ev, attr))
        owners = [v for v, ev in enumerate(events) if not ev.shared_inputs and ev.input]
        _w_int(out, len(owners))
        for v in owners:
            ev = events[v]
            _w_event_list(out, ex, v, "input")
            _w_ranges(out, ev.input)
            for w, other in enumerate(events):
                if other.target is ev.input:
                    out.append(b"\1")
                    _w_event_list(out, ex, w, "target")
                    break
            else:
                out.append(b"\0")
        owners = [v for v, ev in enumerate(events) if not ev.shared_targets and ev.target]
        _w_int(out, len(owners))
        for v in owners:
            _w_event_list(out, ex, v, "target")
            _w_ranges(out, events[v].target)
        if len(out) > 4096:
            stream.write(b"".join(out))
            out.clear()
    stream.write(b"".join(out))
