"""The text reader's bulk path: as many examples of the common shapes as the
unread text holds, each taken whole with one regular-expression match, their
values parsed together (numbers.py) instead of token by token.

The shapes: an optional `name:{…}` (or a bare-word name not starting with
`#`, which could be a comment line) and `freq:`, then optionally `I:` or
`i:`, then optionally `T:` or `t:`, then `;` -- one event, dense values or
non-negative sparse units.  Only text that Lens's parser reads the same way
is taken (reader.py); at anything else (comments, headers, event lists,
groups, spans, `B:`, errors) the batch stops and the port reads on.
"""
from __future__ import annotations

import re

from .model import Event, Range, f32
from .numbers import parse_runs

_WS = r"[ \t\n\r\v\f]"
_END = rf"(?={_WS}|;)"
_RUN = r"([-+.eE0-9 \t\n\r\v\f]*)"        # checked value by value afterwards
_BRACED = r"\{([^{}()\[\]\"\\;\n]*)\}"
# a bare name runs to a blank (a `;` is part of it, as in Lens: not plain)
_BARE = rf"([^ \t\n\r\v\f{{}}()\[\]\";#][^ \t\n\r\v\f{{}}()\[\]\";]*)(?={_WS})"
_EXAMPLE = re.compile(
    rf"{_WS}*"
    rf"(?:name:{_WS}*(?:{_BRACED}|{_BARE}){_WS}*)?"
    rf"(?:freq:{_WS}*([0-9]+\.?[0-9]*|\.[0-9]+){_END}{_WS}*)?"
    rf"(?:([Ii]):{_RUN})?"
    rf"(?:([Tt]):{_RUN})?"
    r";")
_UNITS = re.compile(rf"{_WS}*[0-9]+(?:{_WS}+[0-9]+)*{_WS}*")


def read_plain_examples(source, new_example, limit: int):
    """Read up to `limit` (0 = no limit) plain examples from the start of
    `source`'s unread text, each into `new_example()`: returns (examples,
    lines passed, the rest of the line the last one ends on), or None with
    nothing consumed."""
    semi = source.find(";")
    if semi < 0:
        return None
    source.find("\n", semi)
    if limit != 1:
        while not source.eof and len(source.buf) - source.pos < source.chunk:
            source.fill()
    buf, pos = source.buf, source.pos
    stop = len(buf) if source.eof else buf.rfind("\n") + 1
    matches = []
    at = pos
    while at < stop and (not limit or len(matches) < limit):
        m = _EXAMPLE.match(buf, at, stop)
        if m is None:
            break
        matches.append(m)
        at = m.end()
    if not matches:
        return None
    matches = _plain_prefix(buf, matches)
    if not matches:
        return None
    examples = [_example(new_example(), m, values) for m, values in matches]
    end = matches[-1][0].end()
    eol = buf.find("\n", end)
    line_end = len(buf) if eol < 0 else eol
    rest = buf[end:line_end]
    if rest.endswith("\r"):
        rest = rest[:-1]
    source.pos = line_end if eol < 0 else line_end + 1
    return examples, buf.count("\n", pos, end) + 1, rest


def _plain_prefix(buf: str, matches: list) -> list:
    """The leading matches whose runs are all plain, each with its runs'
    contents: (match, {group: float32 values or unit list})."""
    dense = []          # (match index, group, span)
    keep = len(matches)
    for k, m in enumerate(matches):
        for letter_group in (4, 6):
            letter = m.group(letter_group)
            if not letter:
                continue
            if letter in "it":
                if not _UNITS.fullmatch(buf, *m.span(letter_group + 1)):
                    keep = min(keep, k)
            else:
                dense.append((k, letter_group + 1, m.span(letter_group + 1)))
    values, counts, good = parse_runs(buf, [span for _, _, span in dense])
    if good < len(dense):
        keep = min(keep, dense[good][0])
    runs = [{} for _ in range(keep)]
    offset = 0
    for (k, group, _), n in zip(dense, counts):
        if k >= keep:
            break
        runs[k][group] = (values, offset, n)
        offset += n
    for k in range(keep):
        m = matches[k]
        for group in (5, 7):
            if m.group(group - 1) in ("i", "t"):
                runs[k][group] = [int(u) for u in m.group(group).split()]
    return list(zip(matches[:keep], runs))


def _ranges(event_value: float, run):
    r = Range(event_value)
    if isinstance(run, list):
        r.units = run
    else:
        r.set_values(*run)
    return [r]


def _example(ex, m, runs):
    name, bare, freq = m.group(1, 2, 3)
    event = Event(ex, ex.set)
    if 5 in runs:
        event.input = _ranges(event.active_input, runs[5])
    if 7 in runs:
        event.target = _ranges(event.active_target, runs[7])
    if name is not None or bare is not None:
        ex.name = name if name is not None else bare
    if freq is not None:
        ex.frequency = f32(float(freq))
    ex.events = [event]
    return ex
