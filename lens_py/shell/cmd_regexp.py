"""Tcl's `regexp` and `regsub`, translated onto Python's `re`."""
from __future__ import annotations

import re

from . import numbers
from .errors import TclError
from .registry import CommandTable
from .tcllist import format_list

TABLE = CommandTable("regexp")

_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z",
            "lower": "a-z", "space": r" \t\n\r\f\v", "xdigit": "0-9a-fA-F",
            "punct": r"!-/:-@\[-`{-~", "word": r"\w"}


def translate(pattern: str) -> str:
    """Tcl ARE syntax that Python's re spells differently."""
    for name, chars in _CLASSES.items():
        pattern = pattern.replace(f"[:{name}:]", chars)
    pattern = pattern.replace(r"\m", r"\b").replace(r"\M", r"\b").replace(r"\y", r"\b")
    pattern = pattern.replace(r"\Y", r"\B")
    return pattern


_cache: dict = {}


def compile_re(pattern: str, flags: int):
    key = (pattern, flags)
    r = _cache.get(key)
    if r is None:
        try:
            r = re.compile(translate(pattern), flags)
        except re.error as e:
            raise TclError(f"couldn't compile regular expression pattern: {e}") from None
        _cache[key] = r
    return r


def _options(args, allowed):
    opts = {}
    i = 0
    while i < len(args) and args[i].startswith("-"):
        a = args[i]
        if a == "--":
            i += 1
            break
        name = a[1:]
        if name not in allowed:
            raise TclError(f'bad option "{a}": must be ' + ", ".join("-" + x for x in allowed))
        if name == "start":
            i += 1
            opts[name] = numbers.get_int(args[i])
        else:
            opts[name] = True
        i += 1
    return opts, args[i:]


@TABLE.command("regexp", "regexp ?-option ...? exp string ?matchVar? ?subMatchVar ...?", 2)
def _regexp(interp, args):
    opts, rest = _options(args, ["nocase", "all", "inline", "indices", "line", "start",
                                 "expanded", "about"])
    if len(rest) < 2:
        raise TclError('wrong # args: should be "regexp ?-option ...? exp string ?matchVar? '
                       '?subMatchVar ...?"')
    flags = (re.IGNORECASE if opts.get("nocase") else 0) | \
        (re.MULTILINE if opts.get("line") else 0) | (re.VERBOSE if opts.get("expanded") else 0)
    rx = compile_re(rest[0], flags)
    s = rest[1]
    names = rest[2:]
    start = opts.get("start", 0)

    def groups(m):
        if opts.get("indices"):
            return [f"{m.start(g)} {m.end(g) - 1}" if m.start(g) >= 0 else "-1 -1"
                    for g in range(rx.groups + 1)]
        return [m.group(g) or "" for g in range(rx.groups + 1)]

    if opts.get("all"):
        matches = list(rx.finditer(s, start))
        if opts.get("inline"):
            return format_list([x for m in matches for x in groups(m)])
        if matches and names:
            last = groups(matches[-1])
            for k, name in enumerate(names):
                interp.set_var(name, last[k] if k < len(last) else "")
        return str(len(matches))
    m = rx.search(s, start)
    if opts.get("inline"):
        return format_list(groups(m)) if m else ""
    if not m:
        return "0"
    g = groups(m)
    for k, name in enumerate(names):
        interp.set_var(name, g[k] if k < len(g) else "")
    return "1"


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
    opts, rest = _options(args, ["nocase", "all", "line", "start", "expanded"])
    if len(rest) not in (3, 4):
        raise TclError('wrong # args: should be "regsub ?-option ...? exp string subSpec '
                       '?varName?"')
    flags = (re.IGNORECASE if opts.get("nocase") else 0) | \
        (re.MULTILINE if opts.get("line") else 0)
    rx = compile_re(rest[0], flags)
    s, spec = rest[1], rest[2]
    fn = _tcl_subspec(spec)
    start = opts.get("start", 0)
    count = 0

    def repl(m):
        nonlocal count
        count += 1
        return fn(m)
    result = s[:start] + rx.sub(repl, s[start:], count=0 if opts.get("all") else 1)
    if len(rest) == 4:
        interp.set_var(rest[3], result)
        return str(count)
    return result
