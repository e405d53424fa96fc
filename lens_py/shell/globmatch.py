"""Tcl's glob-style matching (`string match`, `switch -glob`, `lsearch`,
`array names`, `info commands`), compiled once per pattern onto `re`."""
from __future__ import annotations

import re


def glob_match(pattern: str, s: str, nocase: bool = False) -> bool:
    """Tcl's `string match`: * ? [chars] and backslash escapes."""
    if nocase:
        pattern, s = pattern.lower(), s.lower()
    return _glob_re(pattern).match(s) is not None


_glob_cache: dict = {}


def _glob_re(pattern: str):
    r = _glob_cache.get(pattern)
    if r is not None:
        return r
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "\\" and i + 1 < n:
            i += 1
            out.append(re.escape(pattern[i]))
        elif c == "[":
            # As Tcl_StringCaseMatch: no escapes inside brackets, `x-y` is a
            # range in either order even when y is `]`.
            j = i + 1
            chars = []
            while j < n and pattern[j] != "]":
                if j + 2 < n and pattern[j + 1] == "-":
                    a, b = pattern[j], pattern[j + 2]
                    if a > b:
                        a, b = b, a
                    chars.append(re.escape(a) + "-" + re.escape(b))
                    j += 3
                else:
                    chars.append(re.escape(pattern[j]))
                    j += 1
            out.append("[" + "".join(chars) + "]" if chars else "(?!)")
            i = j
        else:
            out.append(re.escape(c))
        i += 1
    r = re.compile("".join(out) + r"\Z", re.DOTALL)
    if len(_glob_cache) < 5000:
        _glob_cache[pattern] = r
    return r

