"""Tcl's list commands."""
from __future__ import annotations

import functools
import re

from . import numbers
from .cmd_core import glob_match
from .errors import TclError
from .registry import CommandTable
from .tcllist import format_list, parse_list

TABLE = CommandTable("lists")
cmd = TABLE.command

_INDEX = re.compile(r"\s*(end|[+-]?\d+)(?:([+-])(\d+))?\s*\Z")


def list_index(spec: str, length: int) -> int:
    """Tcl index forms: 3, end, end-1, end+1, 2+1, 5-2."""
    m = _INDEX.match(spec)
    if not m:
        raise TclError(f'bad index "{spec}": must be integer?[+-]integer? or end?[+-]integer?')
    base, sign, off = m.groups()
    v = length - 1 if base == "end" else int(base)
    if sign:
        v = v + int(off) if sign == "+" else v - int(off)
    return v


@cmd("list", "list ?arg ...?", 0)
def _list(interp, args):
    return format_list(args)


@cmd("llength", "llength list", 1, 1)
def _llength(interp, args):
    return str(len(parse_list(args[0])))


def _lindex_path(value: str, indices: list) -> str:
    for spec in indices:
        items = parse_list(value)
        i = list_index(spec, len(items))
        if i < 0 or i >= len(items):
            return ""
        value = items[i]
    return value


@cmd("lindex", "lindex list ?index ...?", 1)
def _lindex(interp, args):
    if len(args) == 1:
        return args[0]
    if len(args) == 2:
        indices = parse_list(args[1])
        if len(indices) == 1 or not indices:
            indices = [args[1]] if len(indices) == 1 else []
        return _lindex_path(args[0], indices)
    return _lindex_path(args[0], args[1:])


@cmd("lrange", "lrange list first last", 3, 3)
def _lrange(interp, args):
    items = parse_list(args[0])
    first = max(0, list_index(args[1], len(items)))
    last = list_index(args[2], len(items))
    return format_list(items[first:last + 1])


@cmd("lappend", "lappend varName ?value ...?", 1)
def _lappend(interp, args):
    name = args[0]
    if not interp.var_exists(name):
        return interp.set_var(name, format_list(args[1:]))
    old = interp.get_var(name)
    items = parse_list(old)  # a malformed list is an error, as in Tcl
    if len(args) == 1:
        return old
    return interp.set_var(name, format_list(list(items) + args[1:]))


@cmd("linsert", "linsert list index ?element ...?", 2)
def _linsert(interp, args):
    items = list(parse_list(args[0]))
    spec = args[1]
    i = list_index(spec, len(items))
    if spec.strip().startswith("end"):
        i += 1
    i = max(0, min(i, len(items)))
    items[i:i] = args[2:]
    return format_list(items)


@cmd("lreplace", "lreplace list first last ?element ...?", 3)
def _lreplace(interp, args):
    items = list(parse_list(args[0]))
    first = list_index(args[1], len(items))
    last = list_index(args[2], len(items))
    first = max(first, 0)
    if first > len(items):
        first = len(items)
    if last < first:
        items[first:first] = args[3:]
    else:
        items[first:last + 1] = args[3:]
    return format_list(items)


@cmd("lreverse", "lreverse list", 1, 1)
def _lreverse(interp, args):
    return format_list(list(reversed(parse_list(args[0]))))


@cmd("lrepeat", "lrepeat count ?value ...?", 1)
def _lrepeat(interp, args):
    n = numbers.get_int(args[0])
    if n < 0:
        raise TclError(f'bad count "{n}": must be integer >= 0')
    return format_list(list(args[1:]) * n)


@cmd("concat", "concat ?arg ...?", 0)
def _concat(interp, args):
    return " ".join(a.strip(" \t\n\r\v\f") for a in args if a.strip(" \t\n\r\v\f"))


@cmd("join", "join list ?joinString?", 1, 2)
def _join(interp, args):
    sep = args[1] if len(args) == 2 else " "
    return sep.join(parse_list(args[0]))


@cmd("split", "split string ?splitChars?", 1, 2)
def _split(interp, args):
    s = args[0]
    chars = args[1] if len(args) == 2 else " \t\n\r"
    if chars == "":
        return format_list(list(s))
    if s == "":
        return ""
    out, cur = [], []
    for c in s:
        if c in chars:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return format_list(out)


@cmd("lassign", "lassign list ?varName ...?", 1)
def _lassign(interp, args):
    items = parse_list(args[0])
    names = args[1:]
    for k, name in enumerate(names):
        interp.set_var(name, items[k] if k < len(items) else "")
    return format_list(items[len(names):])


@cmd("lset", "lset listVar ?index? ?index ...? value", 2)
def _lset(interp, args):
    name, value = args[0], args[-1]
    indices = args[1:-1]
    if len(indices) == 1:
        indices = list(parse_list(indices[0]))
    cur = interp.get_var(name)
    if not indices:
        return interp.set_var(name, value)

    def put(lst_str, idx):
        items = list(parse_list(lst_str))
        i = list_index(idx[0], len(items))
        if i < 0 or i > len(items):
            raise TclError("list index out of range")
        if len(idx) == 1:
            new = value
        else:
            if i == len(items):
                raise TclError("list index out of range")
            new = put(items[i], idx[1:])
        if i == len(items):
            items.append(new)
        else:
            items[i] = new
        return format_list(items)
    return interp.set_var(name, put(cur, indices))


@cmd("lsearch", "lsearch ?-option value ...? list pattern", 2)
def _lsearch(interp, args):
    opts, lst, pattern = args[:-2], args[-2], args[-1]
    mode, all_, inline, negate, nocase, start = "glob", False, False, False, False, 0
    kind = "ascii"
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in ("-exact", "-glob", "-regexp"):
            mode = o[1:]
        elif o == "-all":
            all_ = True
        elif o == "-inline":
            inline = True
        elif o == "-not":
            negate = True
        elif o == "-nocase":
            nocase = True
        elif o in ("-integer", "-real", "-ascii", "-dictionary"):
            kind = o[1:]
            if mode == "glob" and kind in ("integer", "real"):
                mode = "exact"
        elif o in ("-sorted", "-increasing", "-decreasing"):
            if mode == "glob":
                mode = "exact"
        elif o == "-start":
            i += 1
            start = numbers.get_int(opts[i])
        else:
            raise TclError(f'bad option "{o}": must be -all, -ascii, -bisect, -decreasing, '
                           f'-dictionary, -exact, -glob, -increasing, -index, -inline, '
                           f'-integer, -nocase, -not, -real, -regexp, -sorted, -start, or '
                           f'-subindices')
        i += 1
    items = parse_list(lst)

    def match(e):
        if mode == "exact":
            if kind == "integer":
                r = numbers.parse_int(e) == numbers.parse_int(pattern)
            elif kind == "real":
                r = numbers.parse_number(e) == numbers.parse_number(pattern)
            else:
                r = e.lower() == pattern.lower() if nocase else e == pattern
        elif mode == "glob":
            r = glob_match(pattern, e, nocase)
        else:
            r = re.search(pattern, e, re.IGNORECASE if nocase else 0) is not None
        return r != negate

    hits = [k for k in range(max(0, start), len(items)) if match(items[k])]
    if all_:
        return format_list([items[k] for k in hits] if inline else [str(k) for k in hits])
    if not hits:
        return "" if inline else "-1"
    return items[hits[0]] if inline else str(hits[0])


def _dict_key(s: str):
    # Tcl's -dictionary order: case-insensitive, digit runs compared as numbers.
    parts = re.findall(r"\d+|\D+", s)
    return [(0, int(p), p) if p.isdigit() else (1, p.lower(), p) for p in parts]


@cmd("lsort", "lsort ?-option value ...? list", 1)
def _lsort(interp, args):
    opts, lst = args[:-1], args[-1]
    kind, reverse, unique, index, command, nocase = "ascii", False, False, None, None, False
    i = 0
    while i < len(opts):
        o = opts[i]
        if o in ("-ascii", "-dictionary", "-integer", "-real"):
            kind = o[1:]
        elif o == "-increasing":
            reverse = False
        elif o == "-decreasing":
            reverse = True
        elif o == "-unique":
            unique = True
        elif o == "-nocase":
            nocase = True
        elif o == "-index":
            i += 1
            index = opts[i]
        elif o == "-command":
            i += 1
            command = opts[i]
        else:
            raise TclError(f'bad option "{o}": must be -ascii, -command, -decreasing, '
                           f'-dictionary, -increasing, -index, -indices, -integer, -nocase, '
                           f'-real, -stride, or -unique')
        i += 1
    items = list(parse_list(lst))

    def keyval(e):
        if index is not None:
            e = _lindex_path(e, [index])
        if kind == "integer":
            return numbers.get_int(e)
        if kind == "real":
            return numbers.get_double(e)
        if kind == "dictionary":
            return _dict_key(e)
        return e.lower() if nocase else e

    if command is not None:
        def cmp(a, b):
            r = interp.eval(format_list([*parse_list(command), a, b]))
            return numbers.get_int(r)
        items.sort(key=functools.cmp_to_key(cmp), reverse=reverse)
    else:
        items.sort(key=keyval, reverse=reverse)
    if unique:
        out = []
        for e in items:
            if out and keyval(out[-1]) == keyval(e):
                out[-1] = e
            else:
                out.append(e)
        items = out
    return format_list(items)
