"""Tcl's list commands."""
from __future__ import annotations

import functools
import re

from . import numbers
from .globmatch import glob_match
from .errors import TclError
from .options import match_option
from .registry import CommandTable
from .tcllist import append_elements, format_list, parse_list

TABLE = CommandTable("lists")
cmd = TABLE.command

_PLAIN_INDEX = re.compile(r"\s*(end|-?[1-9]\d{0,17}|0)(?:([+-])([1-9]\d{0,17}|0))?\s*\Z")
_WIDE = 1 << 63


def _index_int(text: str, spec: str) -> int:
    v = numbers.parse_int(text) if text and not text[0].isspace() else None
    if v is None or not -_WIDE <= v < _WIDE:
        extra = " (looks like invalid octal number)" if numbers.looks_like_bad_octal(spec) else ""
        raise TclError(f'bad index "{spec}": must be integer?[+-]integer? or end?[+-]integer?'
                       f"{extra}", "TCL VALUE INDEX")
    return v


def list_index(spec: str, length: int) -> int:
    """Tcl index forms: 3, end, end-1, end+1, 2+1, 5-2; each integer in any
    of Tcl's spellings (0x10, 0o7, 0b1, 017, a sign of its own: end--1)."""
    m = _PLAIN_INDEX.match(spec)
    if m:
        base, sign, off = m.groups()
        v = length - 1 if base == "end" else int(base)
    else:
        text = spec.strip(" \t\n\r\v\f")
        if text.startswith("end"):
            base, rest = length - 1, text[3:]
        else:
            split = next((k for k in range(1, len(text)) if text[k] in "+-"), None)
            if split is None:
                return _index_int(spec.strip(" \t\n\r\v\f") or spec, spec)
            base, rest = _index_int(text[:split], spec), text[split:]
        if not rest or rest[0] not in "+-":
            _index_int("", spec)
        v, sign, off = base, rest[0], _index_int(rest[1:], spec)
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
    parse_list(old)  # a malformed list is an error, as in Tcl
    if len(args) == 1:
        return old
    return interp.set_var(name, append_elements(old, args[1:]))


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
    n = numbers.parse_int(args[0])
    if n is None:
        raise TclError(f'expected integer but got "{args[0]}"', "TCL VALUE INTEGER")
    if n < 0:
        raise TclError(f'bad count "{n}": must be integer >= 0')
    if n * (len(args) - 1) > 536870909:
        raise TclError("max length of a Tcl list (536870909 elements) exceeded", "TCL MEMORY")
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


_LSEARCH_OPTS = ["-all", "-ascii", "-bisect", "-decreasing", "-dictionary", "-exact", "-glob",
                 "-increasing", "-index", "-inline", "-integer", "-nocase", "-not", "-real",
                 "-regexp", "-sorted", "-start", "-subindices"]


def _sublist_key(e: str, path: list) -> str:
    """The element at `path` inside e (lsort/lsearch -index), with Tcl's error."""
    for spec in path:
        items = parse_list(e)
        i = list_index(spec, len(items))
        if i < 0 or i >= len(items):
            raise TclError(f'element {spec} missing from sublist "{e}"')
        e = items[i]
    return e


@cmd("lsearch", "lsearch ?-option value ...? list pattern", 2)
def _lsearch(interp, args):
    opts, lst, pattern = args[:-2], args[-2], args[-1]
    mode, kind = None, "ascii"
    all_ = inline = negate = nocase = subindices = bisect = sorted_ = decreasing = False
    start_spec, index = None, None
    i = 0
    while i < len(opts):
        o = match_option(opts[i], _LSEARCH_OPTS)
        if o in ("-exact", "-glob", "-regexp"):
            mode = o[1:]
        elif o in ("-integer", "-real", "-ascii", "-dictionary"):
            kind = o[1:]
        elif o in ("-start", "-index"):
            if i + 1 >= len(opts):
                raise TclError('missing starting index' if o == "-start" else
                               '"-index" option must be followed by list index')
            i += 1
            if o == "-start":
                start_spec = opts[i]
            else:
                index = list(parse_list(opts[i]))
        else:
            name = o[1:]
            if name == "all":
                all_ = True
            elif name == "inline":
                inline = True
            elif name == "not":
                negate = True
            elif name == "nocase":
                nocase = True
            elif name == "subindices":
                subindices = True
            elif name == "bisect":
                bisect = sorted_ = True
            elif name == "sorted":
                sorted_ = True
            elif name == "decreasing":
                decreasing = sorted_ = True
            elif name == "increasing":
                decreasing, sorted_ = False, True
        i += 1
    if subindices and index is None:
        raise TclError("-subindices cannot be used without -index option")
    if bisect and (all_ or negate):
        raise TclError("-bisect is not compatible with -all or -not")
    if mode is None:
        mode = "exact" if sorted_ else "glob"
    items = parse_list(lst)
    start = 0
    if start_spec is not None:
        start = max(0, list_index(start_spec, len(items)))
    if mode == "regexp":
        from .cmd_regexp import compile_re
        rx = compile_re(pattern, re.IGNORECASE if nocase else 0)

    def key(e):
        return e if index is None else _sublist_key(e, index)

    if mode == "exact" or bisect:
        if kind == "integer":
            want = numbers.get_int(pattern)
        elif kind == "real":
            want = numbers.get_double(pattern)
        else:
            want = pattern.lower() if nocase else pattern

        def value(e):
            k = key(e)
            if kind == "integer":
                return numbers.get_int(k)
            if kind == "real":
                return numbers.get_double(k)
            return k.lower() if nocase else k

    if bisect:
        found = -1
        for k in range(start, len(items)):
            v = value(items[k])
            if kind == "dictionary":
                c = dictionary_compare(v, want)
            else:
                c = (v > want) - (v < want)
            if (c > 0 if not decreasing else c < 0):
                break
            found = k
        return items[found] if inline and found >= 0 else ("" if inline else str(found))

    def match(e):
        if mode == "exact":
            r = value(e) == want
        elif mode == "glob":
            r = glob_match(pattern, key(e), nocase)
        else:
            r = rx.search(key(e)) is not None
        return r != negate

    def result(k):
        if inline:            # -subindices has no effect with -inline
            return items[k]
        if subindices:
            return format_list([str(k)] + index)
        return str(k)

    if all_:
        return format_list([result(k) for k in range(start, len(items)) if match(items[k])])
    for k in range(start, len(items)):
        if match(items[k]):
            return result(k)
    return "" if inline else "-1"


def dictionary_compare(left: str, right: str) -> int:
    """Tcl's DictionaryCompare (lsort -dictionary): case-insensitive, digit
    runs compared as numbers, case and leading zeros breaking ties."""
    i = j = 0
    nl, nr = len(left), len(right)
    secondary = 0
    while True:
        if i < nl and j < nr and left[i].isdigit() and right[j].isdigit() \
                and left[i] in "0123456789" and right[j] in "0123456789":
            zeros = 0
            while right[j] == "0" and j + 1 < nr and right[j + 1] in "0123456789":
                j += 1
                zeros -= 1
            while left[i] == "0" and i + 1 < nl and left[i + 1] in "0123456789":
                i += 1
                zeros += 1
            if secondary == 0:
                secondary = zeros
            diff = 0
            while True:
                if diff == 0:
                    diff = ord(left[i]) - ord(right[j])
                i += 1
                j += 1
                rd = j < nr and right[j] in "0123456789"
                ld = i < nl and left[i] in "0123456789"
                if not rd:
                    if ld:
                        return 1
                    if diff != 0:
                        return diff
                    break
                if not ld:
                    return -1
            continue
        if i >= nl or j >= nr:
            diff = (ord(left[i]) if i < nl else 0) - (ord(right[j]) if j < nr else 0)
            break
        cl, cr = left[i], right[j]
        i += 1
        j += 1
        diff = ord(cl.lower()) - ord(cr.lower())
        if diff:
            return diff
        if secondary == 0:
            if cl.isupper() and cr.islower():
                secondary = -1
            elif cr.isupper() and cl.islower():
                secondary = 1
    if diff == 0:
        diff = secondary
    return diff


def tcl_merge_sort(items: list, cmp, unique: bool) -> list:
    """Tcl's MergeSort (tclCmdIL.c): the same comparisons in the same order,
    so a -command script with side effects sees what it sees in Tcl; with
    `unique`, of two equal elements the earlier one is dropped."""
    def merge(left, right):
        if not left:
            return right
        if not right:
            return left
        out = []
        i = j = 0
        while i < len(left) and j < len(right):
            c = cmp(left[i], right[j])
            if c > 0:
                out.append(right[j])
                j += 1
            elif c == 0 and unique:
                i += 1
            else:
                out.append(left[i])
                i += 1
        out.extend(left[i:])
        out.extend(right[j:])
        return out

    sub: list = []
    for e in items:
        run = [e]
        i = 0
        while i < len(sub) and sub[i] is not None:
            run = merge(sub[i], run)
            sub[i] = None
            i += 1
        if i == len(sub):
            sub.append(None)
        sub[i] = run
    result: list = []
    for run in sub:
        if run is not None:
            result = merge(run, result)
    return result


_LSORT_OPTS = ["-ascii", "-command", "-decreasing", "-dictionary", "-increasing", "-index",
               "-indices", "-integer", "-nocase", "-real", "-stride", "-unique"]


@cmd("lsort", "lsort ?-option value ...? list", 1)
def _lsort(interp, args):
    opts, lst = args[:-1], args[-1]
    kind, reverse, unique, index, command, nocase = "ascii", False, False, None, None, False
    indices, stride = False, None
    i = 0
    while i < len(opts):
        o = match_option(opts[i], _LSORT_OPTS)
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
        elif o == "-indices":
            indices = True
        elif o in ("-index", "-command", "-stride"):
            if i + 1 >= len(opts):
                raise TclError({"-index": '"-index" option must be followed by list index',
                                "-command": '"-command" option must be followed by '
                                            'comparison command',
                                "-stride": '"-stride" option must be followed by '
                                           'stride length'}[o])
            i += 1
            if o == "-index":
                index = list(parse_list(opts[i]))
                if not index:
                    index = None
            elif o == "-command":
                command = opts[i]
                kind = "command"
            else:
                stride = numbers.get_int(opts[i])
                if stride < 2:
                    raise TclError("stride length must be at least 2")
        i += 1
    items = list(parse_list(lst))
    if stride is not None:
        if len(items) % stride:
            raise TclError("list size must be a multiple of the stride length")
        groups = [items[k:k + stride] for k in range(0, len(items), stride)]
        sub = int(index[0]) if index else 0
        if index and index[0].startswith("end"):
            sub = list_index(index[0], stride)
        if not 0 <= sub < stride:
            raise TclError("when used with \"-stride\", the leading \"-index\" value must be "
                           "within the group")
        rest = index[1:] if index else []
        elements = [g[sub] for g in groups]
        path = rest or None
    else:
        groups = None
        elements = items
        path = index

    def keyval(e):
        if path is not None:
            e = _sublist_key(e, path)
        if kind == "integer":
            return numbers.get_int(e)
        if kind == "real":
            return numbers.get_double(e)
        if kind == "dictionary":
            return functools.cmp_to_key(dictionary_compare)(e)
        return e.lower() if nocase else e

    if kind == "command":
        prefix = list(parse_list(command))

        def cmp(x, y):
            a, b = elements[x], elements[y]
            if path is not None:
                a, b = _sublist_key(a, path), _sublist_key(b, path)
            script = format_list([*prefix, a, b])
            try:
                r = interp.eval(script)
            except TclError as e:
                interp.leave_unit(e, script, None)
                e.error_info += "\n    (-compare command)"
                raise
            v = numbers.parse_int(r)
            if v is None:
                raise TclError("-compare command returned non-integer result")
            return -v if reverse else v
        order = tcl_merge_sort(list(range(len(elements))), cmp, unique)
        unique = False
    else:
        keys = [keyval(e) for e in elements]
        order = sorted(range(len(elements)), key=keys.__getitem__, reverse=reverse)
    if unique:
        kept = []
        for k in order:
            if kept and not (keys[kept[-1]] < keys[k] or keys[k] < keys[kept[-1]]):
                kept[-1] = k
            else:
                kept.append(k)
        order = kept
    if indices:
        if stride is not None:
            return format_list([str(k * stride + j) for k in order for j in range(stride)])
        return format_list([str(k) for k in order])
    if groups is not None:
        return format_list([x for k in order for x in groups[k]])
    return format_list([elements[k] for k in order])
