"""The regular-expression engine behind regexp, regsub, switch -regexp,
lsearch -regexp and array names -regexp (patterns already translated from
Tcl's syntax by cmd_regexp).

Python's `re` backtracks: `(a*)*b` against thirty a's takes for ever where
Tcl's engine answers at once, and a match running inside `re` cannot be
stopped by Ctrl-C.  The `regex` package answers such patterns at once, so it
is used when installed.  Without it, a pattern whose repetitions nest (the
shape that can blow up) is searched in a forked child process, which Ctrl-C
stops; other patterns run in `re` directly.
"""
from __future__ import annotations

import os
import pickle
import re
import signal
import warnings

from .errors import TclError

try:
    import regex as _regex
except ImportError:      # optional: without it, the guard below
    _regex = None

error = _regex.error if _regex is not None else re.error
CAN_FORK = hasattr(os, "fork")


def compile_pattern(pattern: str, flags: int):
    """A compiled pattern offering search(s, pos), fullmatch(s, pos, end),
    .groups and .pattern (the flag values of `re` and `regex` are the same)."""
    if _regex is not None:
        return _regex.compile(pattern, flags)
    rx = re.compile(pattern, flags)
    if CAN_FORK and repetitions_nest(pattern):
        return GuardedPattern(rx)
    return rx


def repetitions_nest(pattern: str) -> bool:
    """Whether a repeated group holds a repetition or an alternative, as in
    `(a*)*`, `(a|aa)+`, `(x+x+){2,}`: the patterns that backtrack without end."""
    stack = [False]        # per open group: does it hold a quantifier or `|`?
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            i = j + 1
            continue
        if c == "(":
            stack.append(False)
        elif c == ")" and len(stack) > 1:
            inner = stack.pop()
            if i + 1 < n and pattern[i + 1] in "*+{" and inner:
                return True
            stack[-1] = stack[-1] or inner
        elif c in "*+{|" or (c == "?" and i > 0 and pattern[i - 1] != "("):
            stack[-1] = True
        i += 1
    return False


class SpanMatch:
    """What the shell reads of a match, rebuilt from its group spans."""
    __slots__ = ("string", "spans", "re")

    def __init__(self, string: str, spans: tuple, rx):
        self.string, self.spans, self.re = string, spans, rx

    def start(self, g: int = 0) -> int:
        return self.spans[g][0]

    def end(self, g: int = 0) -> int:
        return self.spans[g][1]

    def span(self, g: int = 0) -> tuple:
        return self.spans[g]

    def group(self, g: int = 0):
        a, b = self.spans[g]
        return None if a < 0 else self.string[a:b]


class GuardedPattern:
    """An `re` pattern whose searches run in a child process that Ctrl-C
    (KeyboardInterrupt in the shell) kills."""

    def __init__(self, rx):
        self.rx = rx
        self.groups = rx.groups
        self.pattern = rx.pattern

    def search(self, s: str, pos: int = 0):
        return self._run(s, "search", pos)

    def fullmatch(self, s: str, pos: int = 0, endpos: int | None = None):
        return self._run(s, "fullmatch", pos, len(s) if endpos is None else endpos)

    def _run(self, s: str, method: str, *where):
        spans = _in_child(lambda: _spans(getattr(self.rx, method)(s, *where)))
        return None if spans is None else SpanMatch(s, spans, self)


def _spans(m):
    return None if m is None else tuple(m.span(g) for g in range(m.re.groups + 1))


def _in_child(fn):
    """fn() computed in a forked child; waiting for it is interruptible."""
    r, w = os.pipe()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)   # fork with threads
        pid = os.fork()
    if pid == 0:                                  # the child
        try:
            os.close(r)
            data = pickle.dumps(fn())
            while data:
                data = data[os.write(w, data):]
        finally:
            os._exit(0)
    os.close(w)
    try:
        with os.fdopen(r, "rb") as f:
            data = f.read()
    except BaseException:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise
    os.waitpid(pid, 0)
    if not data:
        raise TclError("regular expression match failed (the matching process died)")
    return pickle.loads(data)
