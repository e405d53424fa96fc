"""Tcl's `array` and `dict` commands, and the `parray` utility."""
from __future__ import annotations

from . import numbers
from .globmatch import glob_match
from .errors import TclBreak, TclContinue, TclError, wrong_args
from .options import match_option
from .registry import CommandTable
from .tclhash import tcl_hash_order
from .tcllist import format_list, parse_list

TABLE = CommandTable("arrays")

# subcommand -> (usage after "array <sub>", min args, max args)
_ARRAY_SUBS = {
    "anymore": ("arrayName searchId", 2, 2), "donesearch": ("arrayName searchId", 2, 2),
    "exists": ("arrayName", 1, 1), "get": ("arrayName ?pattern?", 1, 2),
    "names": ("arrayName ?mode? ?pattern?", 1, 3),
    "nextelement": ("arrayName searchId", 2, 2), "set": ("arrayName list", 2, 2),
    "size": ("arrayName", 1, 1), "startsearch": ("arrayName", 1, 1),
    "statistics": ("arrayName", 1, 1), "unset": ("arrayName ?pattern?", 1, 2),
}


def _subcommand(word: str, names) -> str:
    try:
        return match_option(word, list(names), "subcommand")
    except TclError:
        raise TclError(f'unknown or ambiguous subcommand "{word}": must be '
                       + ", ".join(list(names)[:-1]) + f", or {list(names)[-1]}") from None


@TABLE.command("array", "array subcommand ?arg ...?", 1)
def _array(interp, args):
    sub = _subcommand(args[0], _ARRAY_SUBS)
    usage, lo, hi = _ARRAY_SUBS[sub]
    rest = args[1:]
    if not lo <= len(rest) <= hi:
        raise wrong_args(f"array {sub} {usage}")
    name, rest = rest[0], rest[1:]
    arr = interp.get_array(name)

    def keys():
        ks = tcl_hash_order(arr) if arr else []
        if sub == "names" and len(rest) == 2:
            mode = match_option(rest[0], ["-exact", "-glob", "-regexp"], "mode")
            pat = rest[1]
            if mode == "-exact":
                return [k for k in ks if k == pat]
            if mode == "-regexp":
                from .cmd_regexp import compile_re
                rx = compile_re(pat, 0)
                return [k for k in ks if rx.search(k)]
            return [k for k in ks if glob_match(pat, k)]
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
        items = parse_list(rest[0])
        if len(items) % 2:
            raise TclError("list must have an even number of elements", "TCL ARGUMENT FORMAT")
        if interp.var_exists(name) and interp.get_array(name) is None:
            first = items[0] if items else ""
            raise TclError(f'can\'t set "{name}({first})": variable isn\'t array',
                           "TCL LOOKUP VARNAME " + name)
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
    if sub == "statistics":
        if arr is None:
            raise TclError(f'"{name}" isn\'t an array')
        return f"{len(arr)} entries in table"
    raise TclError(f'array {sub} is not supported in lens_py')


# -- dict ---------------------------------------------------------------------------

def dict_of(s: str) -> dict:
    items = parse_list(s)
    if len(items) % 2:
        raise TclError("missing value to go with key", "TCL VALUE DICTIONARY")
    return {items[k]: items[k + 1] for k in range(0, len(items), 2)}


def dict_str(d: dict) -> str:
    return format_list([x for kv in d.items() for x in kv])


def _get_path(d_str, keys):
    for k in keys:
        d = dict_of(d_str)
        if k not in d:
            raise TclError(f'key "{k}" not known in dictionary', "TCL LOOKUP DICT " + k)
        d_str = d[k]
    return d_str


def _set_path(d_str, keys, value):
    d = dict_of(d_str)
    if len(keys) == 1:
        d[keys[0]] = value
    else:
        d[keys[0]] = _set_path(d.get(keys[0], ""), keys[1:], value)
    return dict_str(d)


def _unset_path(d_str, keys):
    d = dict_of(d_str)
    if len(keys) == 1:
        d.pop(keys[0], None)
    else:
        if keys[0] not in d:
            raise TclError(f'key "{keys[0]}" not known in dictionary',
                           "TCL LOOKUP DICT " + keys[0])
        d[keys[0]] = _unset_path(d[keys[0]], keys[1:])
    return dict_str(d)


_DICT_SUBS = {
    "append": ("dictVarName key ?value ...?", 2, None),
    "create": ("?key value ...?", 0, None),
    "exists": ("dictionary key ?key ...?", 2, None),
    "filter": ("dictionary filterType ?arg ...?", 2, None),
    "for": ("{keyVarName valueVarName} dictionary script", 3, 3),
    "get": ("dictionary ?key ...?", 1, None),
    "incr": ("dictVarName key ?increment?", 2, 3),
    "info": ("dictionary", 1, 1),
    "keys": ("dictionary ?pattern?", 1, 2),
    "lappend": ("dictVarName key ?value ...?", 2, None),
    "map": ("{keyVarName valueVarName} dictionary script", 3, 3),
    "merge": ("?dictionary ...?", 0, None),
    "remove": ("dictionary ?key ...?", 1, None),
    "replace": ("dictionary ?key value ...?", 1, None),
    "set": ("dictVarName key ?key ...? value", 3, None),
    "size": ("dictionary", 1, 1),
    "unset": ("dictVarName key ?key ...?", 2, None),
    "update": ("dictVarName key varName ?key varName ...? script", 4, None),
    "values": ("dictionary ?pattern?", 1, 2),
    "with": ("dictVarName ?key ...? script", 2, None),
}


def _loop_body(interp, script: str, what: str):
    if interp.frame.proc is not None:
        return interp.eval(script)
    return interp.eval_body(script, what)


@TABLE.command("dict", "dict subcommand ?arg ...?", 1)
def _dict(interp, args):
    sub = _subcommand(args[0], _DICT_SUBS)
    usage, lo, hi = _DICT_SUBS[sub]
    a = args[1:]
    if len(a) < lo or (hi is not None and len(a) > hi):
        raise wrong_args(f"dict {sub} {usage}")

    def var_dict():
        return interp.get_var(a[0]) if interp.var_exists(a[0]) else ""

    if sub == "create":
        if len(a) % 2:
            raise wrong_args("dict create ?key value ...?")
        return dict_str({a[k]: a[k + 1] for k in range(0, len(a), 2)})
    if sub == "get":
        return _get_path(a[0], a[1:]) if len(a) > 1 else dict_str(dict_of(a[0]))
    if sub == "exists":
        try:
            _get_path(a[0], a[1:])
            return "1"
        except TclError:
            return "0"
    if sub in ("keys", "values"):
        d = dict_of(a[0])
        if sub == "keys":
            vals = [k for k in d if len(a) < 2 or glob_match(a[1], k)]
        else:
            vals = [v for v in d.values() if len(a) < 2 or glob_match(a[1], v)]
        return format_list(vals)
    if sub == "size":
        return str(len(dict_of(a[0])))
    if sub == "info":
        return f"{len(dict_of(a[0]))} entries in table"
    if sub == "set":
        return interp.set_var(a[0], _set_path(var_dict(), a[1:-1], a[-1]))
    if sub == "unset":
        return interp.set_var(a[0], _unset_path(var_dict(), a[1:]))
    if sub in ("incr", "append", "lappend"):
        d = dict_of(var_dict())
        key = a[1]
        if sub == "incr":
            d[key] = str(numbers.get_int(d.get(key, "0")) +
                         (numbers.get_int(a[2]) if len(a) > 2 else 1))
        elif sub == "append":
            d[key] = d.get(key, "") + "".join(a[2:])
        else:
            d[key] = format_list(list(parse_list(d.get(key, ""))) + a[2:])
        return interp.set_var(a[0], dict_str(d))
    if sub == "merge":
        out = {}
        for s in a:
            out.update(dict_of(s))
        return dict_str(out)
    if sub == "remove":
        d = dict_of(a[0])
        for k in a[1:]:
            d.pop(k, None)
        return dict_str(d)
    if sub == "replace":
        if len(a) % 2 == 0:
            raise wrong_args("dict replace dictionary ?key value ...?")
        d = dict_of(a[0])
        for k in range(1, len(a) - 1, 2):
            d[a[k]] = a[k + 1]
        return dict_str(d)
    if sub in ("for", "map"):
        names = parse_list(a[0])
        if len(names) != 2:
            raise TclError('must have exactly two variable names')
        out = {}
        for k, v in dict_of(a[1]).items():
            interp.set_var(names[0], k)
            interp.set_var(names[1], v)
            try:
                r = _loop_body(interp, a[2], f'"dict {sub}" body')
            except TclBreak:
                break
            except TclContinue:
                continue
            if sub == "map":
                out[interp.get_var(names[0])] = r
        return dict_str(out) if sub == "map" else ""
    if sub == "filter":
        d = dict_of(a[0])
        kind = match_option(a[1], ["key", "script", "value"], "filterType")
        if kind == "script":
            if len(a) != 4:
                raise wrong_args("dict filter dictionary script {keyVarName valueVarName} "
                                 "filterScript")
            names = parse_list(a[2])
            if len(names) != 2:
                raise TclError('must have exactly two variable names')
            out = {}
            for k, v in d.items():
                interp.set_var(names[0], k)
                interp.set_var(names[1], v)
                try:
                    keep = numbers.get_bool(interp.eval(a[3]))
                except TclBreak:
                    break
                except TclContinue:
                    continue
                if keep:
                    out[k] = v
            return dict_str(out)
        pats = a[2:]
        if kind == "key":
            return dict_str({k: v for k, v in d.items()
                             if any(glob_match(p, k) for p in pats)})
        return dict_str({k: v for k, v in d.items() if any(glob_match(p, v) for p in pats)})
    if sub == "with":
        path, script = a[1:-1], a[-1]
        d = dict_of(_get_path(var_dict(), path) if path else var_dict())
        for k, v in d.items():
            interp.set_var(k, v)
        try:
            result = interp.eval(script)
        finally:
            if interp.var_exists(a[0]):
                cur = dict_of(_get_path(interp.get_var(a[0]), path) if path
                              else interp.get_var(a[0]))
                for k in list(cur):
                    if interp.var_exists(k):
                        cur[k] = interp.get_var(k)
                    else:
                        del cur[k]
                new = dict_str(cur)
                interp.set_var(a[0], _set_path(interp.get_var(a[0]), path, new)
                               if path else new)
        return result
    if sub == "update":
        pairs, script = a[1:-1], a[-1]
        if len(pairs) % 2:
            raise wrong_args(f"dict update {usage}")
        d = dict_of(var_dict())
        for k, name in zip(pairs[::2], pairs[1::2]):
            if k in d:
                interp.set_var(name, d[k])
        try:
            result = interp.eval(script)
        finally:
            if interp.var_exists(a[0]):
                d = dict_of(interp.get_var(a[0]))
                for k, name in zip(pairs[::2], pairs[1::2]):
                    if interp.var_exists(name):
                        d[k] = interp.get_var(name)
                    else:
                        d.pop(k, None)
                interp.set_var(a[0], dict_str(d))
        return result
    raise TclError(f'dict {sub} is not supported in lens_py')


@TABLE.command("parray", "parray arrayName ?pattern?", 1, 2)
def _parray(interp, args):
    name = args[0]
    arr = interp.get_array(name)
    if arr is None:
        raise TclError(f'"{name}" isn\'t an array')
    pattern = args[1] if len(args) > 1 else "*"
    names = sorted(k for k in arr if glob_match(pattern, k))
    width = max((len(k) for k in names), default=0) + len(name) + 2
    for k in names:
        interp.write(f"{name}({k})".ljust(width) + f" = {arr[k]}\n")
    return ""
