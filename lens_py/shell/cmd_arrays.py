"""Tcl's `array` and (basic) `dict` commands."""
from __future__ import annotations

from . import numbers
from .cmd_core import glob_match
from .errors import TclError, wrong_args
from .registry import CommandTable
from .tcllist import format_list, parse_list

TABLE = CommandTable("arrays")

_ARRAY_SUBS = ["anymore", "donesearch", "exists", "get", "names", "nextelement", "set",
               "size", "startsearch", "statistics", "unset"]


@TABLE.command("array", "array subcommand ?arg ...?", 2)
def _array(interp, args):
    sub, name, rest = args[0], args[1], args[2:]
    if sub not in _ARRAY_SUBS:
        raise TclError(f'unknown or ambiguous subcommand "{sub}": must be '
                       + ", ".join(_ARRAY_SUBS[:-1]) + ", or unset")
    arr = interp.get_array(name)

    def keys():
        ks = list(arr) if arr else []
        if rest:
            ks = [k for k in ks if glob_match(rest[0], k)]
        return ks

    if sub == "exists":
        return "1" if arr is not None else "0"
    if sub == "size":
        return str(len(arr)) if arr else "0"
    if sub == "names":
        return format_list(keys())
    if sub == "get":
        return format_list([x for k in keys() for x in (k, arr[k])])
    if sub == "set":
        if len(rest) != 1:
            raise wrong_args("array set arrayName list")
        items = parse_list(rest[0])
        if len(items) % 2:
            raise TclError("list must have an even number of elements", "TCL ARGUMENT FORMAT")
        if interp.var_exists(name) and interp.get_array(name) is None:
            raise TclError(f'can\'t set "{name}(...)": variable isn\'t array')
        target = interp.get_array(name, create=True)
        for k in range(0, len(items), 2):
            target[items[k]] = items[k + 1]
        return ""
    if sub == "unset":
        if arr is None:
            return ""
        if not rest:
            interp.unset_var(name, True)
        else:
            for k in keys():
                del arr[k]
        return ""
    raise TclError(f'array {sub} is not supported in lens_py')


def _dict_of(s: str) -> dict:
    items = parse_list(s)
    if len(items) % 2:
        raise TclError("missing value to go with key")
    return {items[k]: items[k + 1] for k in range(0, len(items), 2)}


def _dict_str(d: dict) -> str:
    return format_list([x for kv in d.items() for x in kv])


def _get_path(d_str, keys):
    for k in keys:
        d = _dict_of(d_str)
        if k not in d:
            raise TclError(f'key "{k}" not known in dictionary', "TCL LOOKUP DICT " + k)
        d_str = d[k]
    return d_str


def _set_path(d_str, keys, value):
    d = _dict_of(d_str)
    if len(keys) == 1:
        d[keys[0]] = value
    else:
        d[keys[0]] = _set_path(d.get(keys[0], ""), keys[1:], value)
    return _dict_str(d)


@TABLE.command("dict", "dict subcommand ?arg ...?", 1)
def _dict(interp, args):
    sub, a = args[0], args[1:]
    if sub == "create":
        if len(a) % 2:
            raise wrong_args("dict create ?key value ...?")
        return _dict_str({a[k]: a[k + 1] for k in range(0, len(a), 2)})
    if sub == "get":
        return _get_path(a[0], a[1:]) if len(a) > 1 else _dict_str(_dict_of(a[0]))
    if sub == "exists":
        try:
            _get_path(a[0], a[1:])
            return "1"
        except TclError:
            return "0"
    if sub in ("keys", "values"):
        d = _dict_of(a[0])
        vals = list(d.keys()) if sub == "keys" else list(d.values())
        if len(a) > 1:
            vals = [v for k, v in zip(d.keys(), vals) if glob_match(a[1], k)]
        return format_list(vals)
    if sub == "size":
        return str(len(_dict_of(a[0])))
    if sub == "set":
        cur = interp.get_var(a[0]) if interp.var_exists(a[0]) else ""
        return interp.set_var(a[0], _set_path(cur, a[1:-1], a[-1]))
    if sub == "unset":
        cur = interp.get_var(a[0]) if interp.var_exists(a[0]) else ""
        d = _dict_of(cur)
        d.pop(a[1], None)
        return interp.set_var(a[0], _dict_str(d))
    if sub in ("incr", "append", "lappend"):
        cur = interp.get_var(a[0]) if interp.var_exists(a[0]) else ""
        d = _dict_of(cur)
        key = a[1]
        if sub == "incr":
            d[key] = str(numbers.get_int(d.get(key, "0")) +
                         (numbers.get_int(a[2]) if len(a) > 2 else 1))
        elif sub == "append":
            d[key] = d.get(key, "") + "".join(a[2:])
        else:
            d[key] = format_list(list(parse_list(d.get(key, ""))) + a[2:])
        return interp.set_var(a[0], _dict_str(d))
    if sub == "merge":
        out = {}
        for s in a:
            out.update(_dict_of(s))
        return _dict_str(out)
    if sub == "remove":
        d = _dict_of(a[0])
        for k in a[1:]:
            d.pop(k, None)
        return _dict_str(d)
    if sub == "replace":
        d = _dict_of(a[0])
        for k in range(1, len(a) - 1, 2):
            d[a[k]] = a[k + 1]
        return _dict_str(d)
    if sub == "for":
        names = parse_list(a[0])
        if len(names) != 2:
            raise TclError('must have exactly two variable names')
        from .errors import TclBreak, TclContinue
        for k, v in _dict_of(a[1]).items():
            interp.set_var(names[0], k)
            interp.set_var(names[1], v)
            try:
                if interp.frame.proc is not None:
                    interp.eval(a[2])
                else:
                    interp.eval_body(a[2], '"dict for" body')
            except TclBreak:
                break
            except TclContinue:
                pass
        return ""
    raise TclError(f'unknown or ambiguous subcommand "{sub}": must be append, create, exists, '
                   f'for, get, incr, keys, lappend, merge, remove, replace, set, size, unset, '
                   f'or values')
