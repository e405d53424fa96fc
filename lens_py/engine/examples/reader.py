"""The text example-file reader.

The format is defined by what Lens's own character-level parser accepts
(example.c and the ParseRec helpers of util.c): keywords are matched as
prefixes (`i:1` works), numbers are recognised by their first characters, `#`
only comments out whole lines.  So the reader is a port of that parser, and
in front of it a bulk path (`fastpath.py`) that takes whole examples of the
common shapes with one regular-expression match and NumPy number parsing;
anything else, including every error, is left to the port, which reports it
with its line.  One example at a time, so PIPE mode works on a stream.
"""
from __future__ import annotations

import re

from ..lensfiles import close_stream
from .bulkread import read_plain_examples
from .model import (HEADER_KEYS, NAN, Event, Example, ExampleFileError, Range, check_count, f32,
                    link_ranges, reals)
from .textsource import TextSource

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


class TextParser:
    """Lens's text example reader over one open file or pipe."""

    binary = False

    def __init__(self, stream, filename: str, prefix: bytes = b""):
        self.stream = stream
        self.source = TextSource(stream, prefix)
        self.filename = filename
        self.line = 0
        self.s = ""
        self.p = 0
        self.closed = False

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            close_stream(self.stream)

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

    def _line_has_more(self) -> bool:
        """Skip blanks on the current line only; is anything left on it?"""
        s, p = self.s, self.p
        n = len(s)
        while p < n and s[p] in _SPACE:
            p += 1
        self.p = p
        return p < n

    def _skip_blank_lines(self) -> None:
        """Past the current line's end, skip blank and comment lines without
        making the next one current (the bulk path starts there)."""
        self.line += self.source.skip_blank_lines()
        self.s, self.p = "", 0

    def file_done(self) -> bool:
        if self.closed:
            return True
        if self._line_has_more():
            return False
        self._skip_blank_lines()
        return self.source.at_end()

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
    def read_examples(self, exset, limit: int = 0) -> list:
        """Up to `limit` (0 = all) more examples of the set, to the file's end."""
        out = []
        while not limit or len(out) < limit:
            if self.file_done():
                break
            if not self._line_has_more():
                got = self._read_plain(lambda: Example(exset), limit - len(out) if limit else 0)
                if got:
                    out.extend(got)
                    continue
            ex = Example(exset)
            self._read_example(ex)
            out.append(ex)
        return out

    def read_example(self, ex: Example) -> None:
        """Lens's readExample: header, body, `;`."""
        if self.file_done():
            raise self.fail("file ended prematurely at start of an example")
        if self._line_has_more() or not self._read_plain(lambda: ex, 1):
            self._read_example(ex)

    def _read_plain(self, new_example, limit: int) -> list:
        """The bulk path from the start of the next line (bulkread.py)."""
        done = read_plain_examples(self.source, new_example, limit)
        if done is None:
            return []
        examples, lines, rest = done
        self.line += lines
        self.s, self.p = rest, 0
        return examples

    def _read_example(self, ex: Example) -> None:
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
                self._check_count(num_events, "num-events")
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
                ev_in, next_input = self._event_for(events, inputs_seen, next_input, active,
                                                    "inputs", "input")
            if doing_targets:
                ev_tg, next_target = self._event_for(events, targets_seen, next_target, active,
                                                     "targets", "target")
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

    def _check_count(self, n: int, what: str) -> None:
        problem = check_count(n, what)
        if problem:
            raise self.fail(problem)

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

    def _event_for(self, events, seen: bool, following: int, active, what: str, attr: str):
        """Which event a block of `what` (inputs or targets) belongs to: once
        a block of that kind has been given, each one goes to the next event
        in turn; before that, to the first active event, which must not have
        one already.  Returns the event and the next event in turn."""
        if seen:
            if following >= len(events):
                raise self.fail(f"attempted to specify {what} for event {following}")
            return events[following], following + 1
        v = _first(active)
        if v is None:
            raise self.fail("no events specified")
        if getattr(events[v], attr) is not None:
            raise self.fail(f"multiple {what} given for event {v}")
        return events[v], following

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
                cur.val = reals(items)

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
        return link_ranges(ranges)

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
