"""Tcl lists: parsing a string into elements and quoting elements back,
exactly as Tcl 8.6 does (so string forms round-trip)."""
from __future__ import annotations

import sys

from .errors import TclError
from .parser import backslash

LIST_SPACE = " \t\n\v\f\r"
_SIMPLE = frozenset("{}[]$;\"\\ \t\n\v\f\r")
_cache: dict = {}
_CACHE_LIMIT = 50000


class TclList(str):
    """The canonical string form of a list that remembers its elements.

    Tcl keeps a list's elements alongside its string, so taking a list apart
    again is free and its elements keep their values (a double from expr
    stays that double).  Any new string made from it is a plain str.

    A list made by appending to another may share its Python list, grown in
    place (append_elements): each value knows how many of the elements are
    its own, and takes a copy of them if a later append grew the list."""

    def __new__(cls, text: str, items: list):
        self = super().__new__(cls, text)
        self._items = items
        self._n = len(items)
        return self

    @property
    def items(self) -> list:
        items = self._items
        if len(items) != self._n:
            items = self._items = items[:self._n]
        return items


def parse_list(s: str) -> list:
    """The elements of s; the returned list must not be modified (cached)."""
    if type(s) is TclList:
        return s.items
    cached = _cache.get(s)
    if cached is not None:
        return cached
    items = _parse(s)
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()
    _cache[s] = items
    return items


def _parse(s: str) -> list:
    out = []
    i, n = 0, len(s)
    while True:
        while i < n and s[i] in LIST_SPACE:
            i += 1
        if i >= n:
            return out
        c = s[i]
        if c == "{":
            depth = 1
            j = i + 1
            while j < n:
                d = s[j]
                if d == "\\":
                    j += 2
                    continue
                if d == "{":
                    depth += 1
                elif d == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            if j >= n:
                raise TclError("unmatched open brace in list", "TCL VALUE LIST BRACE")
            out.append(s[i + 1:j])
            i = j + 1
            if i < n and s[i] not in LIST_SPACE:
                raise TclError(f'list element in braces followed by "{_tail(s, i)}" '
                               f'instead of space', "TCL VALUE LIST JUNK")
        elif c == '"':
            j = i + 1
            buf = []
            while j < n and s[j] != '"':
                if s[j] == "\\":
                    t, j = backslash(s, j)
                    buf.append(t)
                else:
                    k = j
                    while k < n and s[k] not in '"\\':
                        k += 1
                    buf.append(s[j:k])
                    j = k
            if j >= n:
                raise TclError("unmatched open quote in list", "TCL VALUE LIST QUOTE")
            out.append("".join(buf))
            i = j + 1
            if i < n and s[i] not in LIST_SPACE:
                raise TclError(f'list element in quotes followed by "{_tail(s, i)}" '
                               f'instead of space', "TCL VALUE LIST JUNK")
        else:
            j = i
            buf = None
            start = i
            while j < n and s[j] not in LIST_SPACE:
                if s[j] == "\\":
                    if buf is None:
                        buf = []
                    buf.append(s[start:j])
                    t, j = backslash(s, j)
                    buf.append(t)
                    start = j
                else:
                    j += 1
            if buf is None:
                out.append(s[i:j])
            else:
                buf.append(s[start:j])
                out.append("".join(buf))
            i = j


def _tail(s: str, i: int) -> str:
    # Tcl quotes the junk up to the next space (at most a few characters).
    j = i
    while j < len(s) and s[j] not in LIST_SPACE:
        j += 1
    return s[i:j]


_ESCAPES = {"\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def quote_element(e: str, first: bool = False) -> str:
    """The list form of one element (Tcl 8.6 TclScanElement/TclConvertElement)."""
    if e == "":
        return "{}"
    if not (_SIMPLE.intersection(e) or (first and e[0] == "#")):
        return e
    forbid_none = prefer_brace = prefer_escape = require_escape = False
    if e[0] in '{"':
        forbid_none = prefer_brace = True
    elif first and e[0] == "#":
        forbid_none = prefer_brace = True
    nesting = 0
    i, n = 0, len(e)
    while i < n:
        c = e[i]
        if c == "{":
            nesting += 1
        elif c == "}":
            nesting -= 1
            if nesting < 0:
                require_escape = True
        elif c in "]\"":
            forbid_none = prefer_escape = True
        elif c in "[$;":
            forbid_none = prefer_brace = True
        elif c == "\\":
            if i == n - 1:
                require_escape = True
            elif e[i + 1] == "\n":
                require_escape = True
                i += 1
            else:
                if e[i + 1] in "{}\\":
                    i += 1
                # Backslash sequences keep their meaning inside braces.
                forbid_none = prefer_brace = True
        elif c in LIST_SPACE:
            forbid_none = prefer_brace = True
        i += 1
    if nesting != 0:
        require_escape = True
    if not require_escape:
        if not forbid_none:
            return e
        if not (prefer_escape and not prefer_brace):
            return "{" + e + "}"
    out = []
    for k, c in enumerate(e):
        if c in "{}[]$;\"\\ ":
            out.append("\\" + c)
        elif c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c == "#" and k == 0 and first:
            out.append("\\#")
        else:
            out.append(c)
    return "".join(out)


def format_list(items) -> str:
    items = list(items)
    text = " ".join([quote_element(e, k == 0) for k, e in enumerate(items)])
    return TclList(text, items)


# sys.getrefcount of a TclList's own Python list when only that value holds
# it (its attribute, the caller's name, the call's argument)
_UNSHARED_REFS = 3


def append_elements(old: str, new: list) -> str:
    """The list `old` with elements `new` added (lappend).  When `old` is a
    canonical list whose Python list nothing else holds (no foreach walking
    it), the new value grows that list in place instead of copying it, so a
    loop of lappends copies only the string each time."""
    if type(old) is TclList and old:
        text = "".join((old, " ", " ".join([quote_element(e) for e in new])))
        items = old._items
        if len(items) == old._n and sys.getrefcount(items) <= _UNSHARED_REFS:
            items.extend(new)
        else:
            items = old.items + list(new)
        return TclList(text, items)
    return format_list(list(parse_list(old)) + list(new))
