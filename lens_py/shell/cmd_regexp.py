"""Tcl's `regexp` and `regsub`, translated onto the engine of regexengine.py."""
from __future__ import annotations

import re

from . import numbers, regexengine
from .cmd_lists import list_index
from .errors import TclError
from .options import choice_list
from .registry import CommandTable
from .tcllist import format_list

TABLE = CommandTable("regexp")

_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
            "lower": "a-z", "space": r" \t\n\r\f\v", "xdigit": "0-9a-fA-F",
            "punct": r"!-/:-@\[-`{-~", "word": r"\w", "blank": r" \t",
            "cntrl": r"\x00-\x1f\x7f", "print": r"\x20-\x7e", "graph": r"\x21-\x7e"}
_ESCAPES = {"m": r"\b(?=\w)", "M": r"\b(?<=\w)", "y": r"\b", "Y": r"\B", "B": r"\\",
            "Z": r"\Z", "A": r"\A", "e": r"\x1b"}


def translate(pattern: str, line: bool = False) -> str:
    """Tcl ARE syntax where Python's re differs: $ is the end of the string
    (not before a final newline), \\m \\M \\y \\Y word boundaries, \\B a
    backslash, [[:class:]] inside brackets, ] first in a bracket literal."""
    out = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if c == "\\" and i + 1 < n:
            d = pattern[i + 1]
            if d in _ESCAPES:
                out.append(_ESCAPES[d])
            elif d.isalnum() and d not in "dDsSwWntrfvabxu0123456789cU":
                raise TclError("couldn't compile regular expression pattern: "
                               "invalid escape \\ sequence")
            elif d == "U":
                out.append("\\U" + pattern[i + 2:i + 10])
                i += 8
            else:
                out.append(c + d)
            i += 2
        elif c == "$" and not line:
            out.append(r"\Z")
            i += 1
        elif c == "[":
            j = i + 1
            body = ["["]
            if j < n and pattern[j] == "^":
                body.append("^")
                j += 1
            if j < n and pattern[j] == "]":
                body.append(r"\]")
                j += 1
            while j < n and pattern[j] != "]":
                if pattern.startswith("[:", j):
                    k = pattern.find(":]", j + 2)
                    if k < 0:
                        break
                    name = pattern[j + 2:k]
                    if name not in _CLASSES:
                        raise TclError("couldn't compile regular expression pattern: "
                                       "invalid character class")
                    body.append(_CLASSES[name])
                    j = k + 2
                elif pattern[j] == "\\" and j + 1 < n:
                    body.append(pattern[j:j + 2])
                    j += 2
                elif pattern[j] == "[":
                    body.append(r"\[")
                    j += 1
                else:
                    body.append(pattern[j])
                    j += 1
            if j >= n:
                raise TclError("couldn't compile regular expression pattern: "
                               "brackets [] not balanced")
            body.append("]")
            out.append("".join(body))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


_RE_ERRORS = (("missing )", "parentheses () not balanced"),
              ("unbalanced parenthesis", "parentheses () not balanced"),
              ("unterminated character set", "brackets [] not balanced"),
              ("nothing to repeat", "quantifier operand invalid"),
              ("multiple repeat", "quantifier operand invalid"),
              ("min repeat greater than max repeat", "invalid repetition count(s)"),
              ("bad escape", "invalid escape \\ sequence"),
              ("invalid group reference", "invalid backreference number"))

_cache: dict = {}


def compile_re(pattern: str, flags: int, line: bool = False):
    key = (pattern, flags, line)
    r = _cache.get(key)
    if r is None:
        if not line:
            flags |= re.DOTALL
        else:
            flags |= re.MULTILINE
        try:
            r = regexengine.compile_pattern(translate(pattern, line), flags)
        except regexengine.error as e:
            msg = str(e)
            for py, tcl in _RE_ERRORS:
                if msg.startswith(py):
                    msg = tcl
                    break
            raise TclError(f"couldn't compile regular expression pattern: {msg}") from None
        if len(_cache) > 5000:
            _cache.clear()
        _cache[key] = r
    return r


_REGEXP_OPTS = ["-all", "-about", "-indices", "-inline", "-expanded", "-line", "-linestop",
                "-lineanchor", "-nocase", "-start", "--"]
_REGSUB_OPTS = ["-all", "-nocase", "-expanded", "-line", "-linestop", "-lineanchor",
                "-start", "--"]


def _options(args, allowed):
    opts = {}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a not in allowed:      # regexp and regsub take no abbreviations
            raise TclError(f'bad option "{a}": must be {choice_list(allowed)}')
        if a == "--":
            i += 1
            break
        name = a[1:]
        if name == "start":
            i += 1
            if i >= len(args):
                raise TclError('no value given for option "-start"')
            opts[name] = max(0, list_index(args[i], 0) if args[i].startswith("end") else
                             numbers.get_int(args[i]))
        else:
            opts[name] = True
        i += 1
    return opts, args[i:]


def _flags(opts) -> tuple:
    flags = (re.IGNORECASE if opts.get("nocase") else 0) | \
        (re.VERBOSE if opts.get("expanded") else 0)
    line = bool(opts.get("line") or opts.get("lineanchor"))
    return flags, line


@TABLE.command("regexp", "regexp ?-option ...? exp string ?matchVar? ?subMatchVar ...?", 2)
def _regexp(interp, args):
    opts, rest = _options(args, _REGEXP_OPTS)
    if len(rest) < 2:
        raise TclError('wrong # args: should be "regexp ?-option ...? exp string ?matchVar? '
                       '?subMatchVar ...?"')
    flags, line = _flags(opts)
    rx = compile_re(rest[0], flags, line)
    if opts.get("about"):
        return format_list([str(rx.groups), ""])
    s = rest[1]
    names = rest[2:]
    if opts.get("inline") and names:
        raise TclError("regexp match variables not allowed when using -inline")
    start = opts.get("start", 0)

    def groups(m):
        if opts.get("indices"):
            return [f"{m.start(g)} {m.end(g) - 1}" if m.start(g) >= 0 else "-1 -1"
                    for g in range(rx.groups + 1)]
        return [m.group(g) or "" for g in range(rx.groups + 1)]

    if opts.get("all"):
        matches = list(_tcl_finditer(rx, s, start))
        if opts.get("inline"):
            return format_list([x for m in matches for x in groups(m)])
        if matches and names:
            last = groups(matches[-1])
            for k, name in enumerate(names):
                interp.set_var(name, last[k] if k < len(last) else "")
        return str(len(matches))
    m = tcl_search(rx, s, start) if start <= len(s) else None
    if opts.get("inline"):
        return format_list(groups(m)) if m else ""
    if not m:
        return "0"
    g = groups(m)
    for k, name in enumerate(names):
        interp.set_var(name, g[k] if k < len(g) else ("-1 -1" if opts.get("indices") else ""))
    return "1"


_LAZY = re.compile(r"[*+?}]\?")
# Assertions that would see the trial end of fullmatch as the string's end.
_END_SENSITIVE = ("$", "\\Z", "\\b", "\\B", "(?=", "(?!", "(?<")


def tcl_search(rx, s: str, pos: int = 0):
    """rx.search, but for a pattern with alternatives (and no lazy
    quantifiers) the longest match at the leftmost position, as Tcl's
    engine gives: `regexp {a|ab} abc` matches "ab"."""
    m = rx.search(s, pos)
    pat = rx.pattern
    if m is None or "|" not in pat or _LAZY.search(pat) or \
            any(a in pat for a in _END_SENSITIVE):
        return m
    start = m.start()
    for end in range(min(len(s), start + 10000), m.end(), -1):
        longer = rx.fullmatch(s, start, end)
        if longer is not None:
            return longer
    return m


def _tcl_finditer(rx, s: str, offset: int):
    """The matches of `regexp -all`: after each one Tcl moves on past it (at
    least one character), and stops once the end of the string is reached."""
    n = len(s)
    while offset <= n:
        m = tcl_search(rx, s, offset)
        if m is None:
            return
        yield m
        offset = m.end() + (1 if m.end() == m.start() else 0)
        if offset >= n:
            return


def _tcl_subspec(spec: str):
    """Tcl's & and \\N in a regsub replacement -> a function of the match."""
    parts = []
    i = 0
    while i < len(spec):
        c = spec[i]
        if c == "&":
            parts.append(0)
        elif c == "\\" and i + 1 < len(spec) and spec[i + 1].isdigit():
            parts.append(int(spec[i + 1]))
            i += 1
        elif c == "\\" and i + 1 < len(spec) and spec[i + 1] in "&\\":
            parts.append(spec[i + 1])
            i += 1
        else:
            parts.append(c)
        i += 1
    return lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)


@TABLE.command("regsub", "regsub ?-option ...? exp string subSpec ?varName?", 3)
def _regsub(interp, args):
    opts, rest = _options(args, _REGSUB_OPTS)
    if len(rest) not in (3, 4):
        raise TclError('wrong # args: should be "regsub ?-option ...? exp string subSpec '
                       '?varName?"')
    flags, line = _flags(opts)
    rx = compile_re(rest[0], flags, line)
    s, spec = rest[1], rest[2]
    fn = _tcl_subspec(spec)
    offset = opts.get("start", 0)
    out = [s[:offset]]
    count = 0
    n = len(s)
    while offset <= n:
        m = tcl_search(rx, s, offset)
        if m is None:
            break
        count += 1
        out.append(s[offset:m.start()])
        out.append(fn(m))
        if m.end() == m.start():
            # An empty match: copy one character so the next search moves on.
            out.append(s[m.end():m.end() + 1])
            offset = m.end() + 1
        else:
            offset = m.end()
        if not opts.get("all"):
            break
    out.append(s[offset:])
    result = "".join(out)
    if len(rest) == 4:
        interp.set_var(rest[3], result)
        return str(count)
    return result
