"""Tcl 8.6's newer control commands: try/throw, lmap; and the parray utility."""
from __future__ import annotations

from .errors import TclBreak, TclContinue, TclError, TclReturn, wrong_args
from .registry import CommandTable
from .tcllist import format_list, parse_list

TABLE = CommandTable("control")
cmd = TABLE.command

_CODE_NAMES = {"ok": 0, "error": 1, "return": 2, "break": 3, "continue": 4}
_TRY_USAGE = "try body ?handler ...? ?finally script?"


def _outcome(interp, script: str):
    """Run script; (code, result, options dict, exception or None)."""
    try:
        return 0, interp.eval(script), {"-code": "0", "-level": "0"}, None
    except TclError as e:
        interp.set_global("errorInfo", e.error_info)
        interp.set_global("errorCode", e.error_code)
        opts = {"-code": "1", "-level": "0", "-errorcode": e.error_code,
                "-errorinfo": e.error_info, "-errorline": str(e.error_line)}
        return 1, e.message, opts, e
    except TclReturn as r:
        code = r.code if r.level == 0 else 2
        return code, r.value, {"-code": str(r.code), "-level": str(r.level)}, r
    except TclBreak as b:
        return 3, b.value, {"-code": "3", "-level": "0"}, b
    except TclContinue as c:
        return 4, c.value, {"-code": "4", "-level": "0"}, c


def _handler_code(word: str) -> int:
    if word in _CODE_NAMES:
        return _CODE_NAMES[word]
    from .numbers import parse_int
    n = parse_int(word)
    if n is None:
        raise TclError(f'bad completion code "{word}": must be ok, error, return, break, '
                       f'continue, or an integer')
    return n


@cmd("try", _TRY_USAGE, 1)
def _try(interp, args):
    body, rest = args[0], args[1:]
    handlers = []
    final = None
    i = 0
    while i < len(rest):
        kind = rest[i]
        if kind == "finally":
            if i + 2 != len(rest):
                raise wrong_args(_TRY_USAGE) if i + 1 >= len(rest) else \
                    TclError("finally clause must be last")
            final = rest[i + 1]
            break
        if kind not in ("on", "trap"):
            raise TclError(f'bad handler type "{kind}": must be finally, on, or trap')
        if i + 3 >= len(rest):
            raise TclError(f'wrong # args to {kind} clause: must be "... {kind} '
                           f'{"code" if kind == "on" else "pattern"} variableList script"')
        match = _handler_code(rest[i + 1]) if kind == "on" else list(parse_list(rest[i + 1]))
        handlers.append((kind, match, list(parse_list(rest[i + 2])), rest[i + 3]))
        i += 4
    code, result, opts, exc = _outcome(interp, body)
    for kind, match, names, script in handlers:
        if kind == "on":
            hit = code == match
        else:
            hit = code == 1 and list(parse_list(opts.get("-errorcode", "")))[:len(match)] == match
        if not hit:
            continue
        if names:
            interp.set_var(names[0], result)
        if len(names) > 1:
            interp.set_var(names[1], format_list([x for kv in opts.items() for x in kv]))
        code, result, opts, exc = _outcome(interp, script)
        break
    if final is not None:
        fcode, _, _, fexc = _outcome(interp, final)
        if fexc is not None:
            raise fexc
    if exc is not None:
        raise exc
    return result


@cmd("throw", "throw type message", 2, 2)
def _throw(interp, args):
    if not parse_list(args[0]):
        raise TclError("type must be non-empty list")
    raise TclError(args[1], args[0])


@cmd("lmap", "lmap varList list ?varList list ...? command", 3)
def _lmap(interp, args):
    from .cmd_core import each_round
    body = args[-1]
    out = []
    for _ in each_round(interp, "lmap", args):
        try:
            out.append(interp.eval(body))
        except TclBreak:
            break
        except TclContinue:
            pass
    return format_list(out)


@cmd("parray", "parray arrayName ?pattern?", 1, 2)
def _parray(interp, args):
    name = args[0]
    arr = interp.get_array(name)
    if arr is None:
        raise TclError(f'"{name}" isn\'t an array')
    from .cmd_core import glob_match
    pattern = args[1] if len(args) > 1 else "*"
    names = sorted(k for k in arr if glob_match(pattern, k))
    width = max((len(k) for k in names), default=0) + len(name) + 2
    for k in names:
        interp.write(f"{name}({k})".ljust(width) + f" = {arr[k]}\n")
    return ""
