"""Tcl's control flow, all of it: conditionals and loops (if, while, for,
foreach, lmap, switch), the completion codes (break, continue, return,
error, exit) and their handlers (catch, try, throw), procedures (proc,
apply) and evaluation elsewhere (eval, uplevel); also Lens's `repeat`."""
from __future__ import annotations

import re

from . import numbers
from .cmd_core import frame_for_level
from .errors import TclBreak, TclContinue, TclError, TclExit, TclReturn, wrong_args
from .expr import expr_bool
from .globmatch import glob_match
from .interp import Proc
from .options import match_option
from .registry import CommandTable
from .tcllist import format_list, parse_list

TABLE = CommandTable("control")
cmd = TABLE.command

_TRY_USAGE = "try body ?handler ...? ?finally script?"


# -- conditionals and loops --------------------------------------------------------

@cmd("if", "if expr1 ?then? body1 elseif expr2 ?then? body2 elseif ... ?else? ?bodyN?", 0)
def _if(interp, args):
    # The whole command is checked before anything runs, as Tcl compiles it.
    i, n = 0, len(args)
    chosen = None
    keyword = "if"
    while True:
        if i >= n:
            raise TclError(f'wrong # args: no expression after "{keyword}" argument')
        cond = args[i]
        i += 1
        if i < n and args[i] == "then":
            i += 1
        if i >= n:
            raise TclError(f'wrong # args: no script following "{cond}" argument')
        if chosen is None and expr_bool(interp, cond):
            chosen = args[i]
        i += 1
        if i >= n:
            break
        if args[i] == "elseif":
            keyword = "elseif"
            i += 1
            continue
        if args[i] == "else":
            i += 1
            if i >= n:
                raise TclError('wrong # args: no script following "else" argument')
        if i != n - 1:
            raise TclError('wrong # args: extra words after "else" clause in "if" command')
        if chosen is None:
            chosen = args[i]
        break
    return interp.eval(chosen) if chosen is not None else ""


def run_body(interp, body: str, what: str | None = None) -> bool:
    """One round of a loop: False when the body breaks out.  With `what`,
    the body runs as a separate evaluation (eval_body) named so in errorInfo."""
    try:
        if what is None:
            interp.eval(body)
        else:
            interp.eval_body(body, what)
    except TclBreak:
        return False
    except TclContinue:
        pass
    return True


@cmd("while", "while test command", 2, 2)
def _while(interp, args):
    test, body = args
    while expr_bool(interp, test):
        if not run_body(interp, body):
            break
    return ""


@cmd("for", "for start test next command", 4, 4)
def _for(interp, args):
    start, test, nxt, body = args
    interp.eval(start)
    while expr_bool(interp, test):
        if not run_body(interp, body):
            break
        interp.eval(nxt)
    return ""


@cmd("foreach", "foreach varList list ?varList list ...? command", 3)
def _foreach(interp, args):
    body = args[-1]
    # Tcl compiles foreach inline only in procs; elsewhere its body is a
    # separate evaluation with its own errorInfo line.
    inline = interp.frame.proc is not None
    for _ in each_round(interp, "foreach", args):
        if not run_body(interp, body, None if inline else '"foreach" body'):
            break
    return ""


def each_round(interp, command: str, args):
    """foreach/lmap: for each round, set the variables of every varList to
    their next values ("" once a list runs out), then yield."""
    if len(args) % 2 != 1:
        raise wrong_args(f"{command} varList list ?varList list ...? command")
    groups = []
    rounds = 0
    for names, values in zip(args[:-1:2], args[1:-1:2]):
        vars_ = parse_list(names)
        if not vars_:
            raise TclError(f"{command} varlist is empty")
        vals = parse_list(values)
        groups.append((vars_, vals))
        rounds = max(rounds, -(-len(vals) // len(vars_)))
    for r in range(rounds):
        for vars_, vals in groups:
            k = len(vars_)
            for j, name in enumerate(vars_):
                pos = r * k + j
                interp.set_var(name, vals[pos] if pos < len(vals) else "")
        yield r


# Lens's own loop.
@cmd("repeat", "repeat ?var? <n | \"a b\"> body", 2, 3)
def _repeat(interp, args):
    var = args[0] if len(args) == 3 else None
    spec, body = args[-2], args[-1]
    bounds = parse_list(spec)
    if len(bounds) == 1:
        counts = range(numbers.get_int(bounds[0]))      # n <= 0: no runs
    elif len(bounds) == 2:
        lo, hi = numbers.get_int(bounds[0]), numbers.get_int(bounds[1])
        step = 1 if hi >= lo else -1
        counts = range(lo, hi + step, step)
    else:
        raise TclError('usage: repeat ?var? <n | "a b"> body')
    for k in counts:
        if var is not None:
            interp.set_var(var, str(k))
        if not run_body(interp, body):
            break
    return ""


@cmd("lmap", "lmap varList list ?varList list ...? command", 3)
def _lmap(interp, args):
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


_SWITCH_OPTS = ["-exact", "-glob", "-indexvar", "-matchvar", "-nocase", "-regexp", "--"]
_SWITCH_USAGE = "switch ?-option ...? string ?pattern body ...? ?default body?"


@cmd("switch", _SWITCH_USAGE, 2)
def _switch(interp, args):
    mode = "exact"
    nocase = False
    matchvar = indexvar = None
    i = 0
    while i < len(args) - 1 and args[i].startswith("-"):
        a = match_option(args[i], _SWITCH_OPTS)
        i += 1
        if a == "--":
            break
        if a in ("-exact", "-glob", "-regexp"):
            mode = a[1:]
        elif a == "-nocase":
            nocase = True
        else:
            if i >= len(args):
                raise TclError(f'missing variable name argument to {a} option')
            if a == "-matchvar":
                matchvar = args[i]
            else:
                indexvar = args[i]
            i += 1
    if (matchvar is not None or indexvar is not None) and mode != "regexp":
        which = "-indexvar" if indexvar is not None else "-matchvar"
        raise TclError(f"{which} option requires -regexp option")
    rest = args[i:]
    if len(rest) < 2:
        raise wrong_args(_SWITCH_USAGE)
    string = rest[0]
    if len(rest) == 2:
        pairs = parse_list(rest[1])
        if not pairs:
            raise wrong_args(_SWITCH_USAGE)
    else:
        pairs = rest[1:]
    if len(pairs) % 2:
        raise TclError("extra switch pattern with no body")
    if pairs[-1] == "-":
        raise TclError(f'no body specified for pattern "{pairs[-2]}"')
    for k in range(0, len(pairs), 2):
        pat = pairs[k]
        last = k == len(pairs) - 2
        if pat == "default" and last:
            m = None
        else:
            m = _switch_match(mode, pat, string, nocase)
            if not m:
                continue
        if mode == "regexp":
            if matchvar is not None:
                interp.set_var(matchvar, format_list(
                    [m.group(g) or "" for g in range(m.re.groups + 1)] if m else []))
            if indexvar is not None:
                interp.set_var(indexvar, format_list(
                    [f"{m.start(g)} {m.end(g) - 1}" if m.start(g) >= 0 else "-1 -1"
                     for g in range(m.re.groups + 1)] if m else []))
        while pairs[k + 1] == "-":
            k += 2
        if len(rest) == 2:
            return interp.eval(pairs[k + 1])      # compiled inline by Tcl
        return interp.eval_body(pairs[k + 1], f'"{pairs[k]}" arm')
    return ""


def _switch_match(mode, pat, s, nocase):
    if mode == "exact":
        return pat.lower() == s.lower() if nocase else pat == s
    if mode == "glob":
        return glob_match(pat, s, nocase)
    from .cmd_regexp import compile_re
    return compile_re(pat, re.IGNORECASE if nocase else 0).search(s)


# -- completion codes -------------------------------------------------------------

@cmd("break", "break", 0, 0)
def _break(interp, args):
    raise TclBreak()


@cmd("continue", "continue", 0, 0)
def _continue(interp, args):
    raise TclContinue()


_CODES = {"ok": 0, "error": 1, "return": 2, "break": 3, "continue": 4}


def completion_code(word: str) -> int:
    """A completion code as `return -code` and `try ... on` take it."""
    if word in _CODES:
        return _CODES[word]
    n = numbers.parse_int(word)
    if n is None:
        raise TclError(f'bad completion code "{word}": must be ok, error, return, break, '
                       f'continue, or an integer')
    return n


@cmd("return", "return ?-option value ...? ?result?", 0)
def _return(interp, args):
    code, level = 0, 1
    error_info = error_code = None
    value = ""
    i = 0
    # An odd count: the last word is the result; the rest are option pairs.
    while i + 1 < len(args):
        opt, val = args[i], args[i + 1]
        if opt == "-code":
            code = completion_code(val)
        elif opt == "-level":
            level = numbers.get_int(val)
        elif opt == "-errorinfo":
            error_info = val
        elif opt == "-errorcode":
            error_code = val
        i += 2
    if i < len(args):
        value = args[i]
    if code == 2:
        code, level = 0, level + 1
    if level == 0:
        if code == 1:
            raise TclError(value, error_code or "NONE")
        if code == 3:
            raise TclBreak(value)
        if code == 4:
            raise TclContinue(value)
        if code == 0:
            return value
        raise TclReturn(value, code, 0)
    raise TclReturn(value, code, level, error_info, error_code)


@cmd("error", "error message ?errorInfo? ?errorCode?", 1, 3)
def _error(interp, args):
    e = TclError(args[0], args[2] if len(args) > 2 else "NONE")
    e.error_stack = ["INNER", format_list(["returnImm", args[0], ""])]
    if len(args) > 1 and args[1]:
        e.error_info = args[1]
        e.info_started = True
        e.skip_log = True
    interp.set_global("errorCode", e.error_code)
    raise e


def _literal_word(cmd, k: int, value: str) -> bool:
    """Whether word k of the command being run was written literally (so
    Tcl would have compiled it inline)."""
    if cmd is None or cmd.words is None or len(cmd.words) <= k:
        return True
    return cmd.words[k] == value and type(cmd.words[k]) is str


@cmd("catch", "catch script ?resultVarName? ?optionVarName?", 1, 3)
def _catch(interp, args):
    code = 0
    opts = {"-code": "0", "-level": "0"}
    this = interp.current_cmd
    try:
        result = interp.eval(args[0])
    except TclError as e:
        code, result = 1, e.message
        compiled = len(args) == 1 or interp.frame.proc is not None
        if compiled and not _literal_word(this, 1, args[0]):
            # A compiled `catch $script` (Tcl compiles catch in procs, or
            # with no variables) records the catch command too.
            e.error_info += f'\n    invoked from within\n"{this.text[:150]}' + \
                ('..."' if len(this.text) > 150 else '"')
        interp.set_global("errorInfo", e.error_info)
        interp.set_global("errorCode", e.error_code)
        opts = {"-code": "1", "-level": "0", "-errorstack": format_list(e.error_stack),
                "-errorcode": e.error_code, "-errorinfo": e.error_info,
                "-errorline": str(e.error_line)}
    except TclReturn as r:
        code, result = 2, r.value
        opts = {"-code": str(r.code), "-level": str(r.level)}
        if r.level == 0:          # a completion code of 5 or more
            code = r.code
        if r.code == 1:
            if r.error_code is not None:
                opts = {"-errorcode": r.error_code, **opts}
            else:
                opts["-errorcode"] = "NONE"
    except TclBreak as b:
        code, result = 3, b.value
        opts = {"-code": "3", "-level": "0"}
    except TclContinue as c:
        code, result = 4, c.value
        opts = {"-code": "4", "-level": "0"}
    except RecursionError:
        code, result = 1, "too many nested evaluations (infinite loop?)"
    if len(args) > 1:
        interp.set_var(args[1], result)
    if len(args) > 2:
        interp.set_var(args[2], format_list([x for kv in opts.items() for x in kv]))
    return str(code)


# -- try/throw ----------------------------------------------------------------------

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
        match = completion_code(rest[i + 1]) if kind == "on" else list(parse_list(rest[i + 1]))
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


# -- procedures and evaluation elsewhere ------------------------------------------

@cmd("proc", "proc name args body", 3, 3)
def _proc(interp, args):
    name, arglist, body = args
    params = parse_params(arglist)
    name = name[2:] if name.startswith("::") else name
    origin = None
    text = interp._file_text
    if text is not None and interp.script_file is not None:
        pos = text.find(body)
        if pos >= 0:
            origin = (interp.script_file, text.count("\n", 0, pos) + 1)
    interp.procs[name] = Proc(name, params, body, arglist, origin)
    # Commands and procs share one namespace: the proc replaces a command.
    interp.commands.pop(name, None)
    return ""


def parse_params(arglist: str) -> list:
    params = []
    for spec in parse_list(arglist):
        parts = parse_list(spec)
        if not parts:
            raise TclError('argument with no name')
        if len(parts) > 2:
            raise TclError(f'too many fields in argument specifier "{spec}"')
        params.append((parts[0], parts[1] if len(parts) == 2 else None))
    return params


@cmd("apply", "apply lambdaExpr ?arg ...?", 1)
def _apply(interp, args):
    lam = args[0]
    parts = parse_list(lam)
    if len(parts) not in (2, 3):
        raise TclError(f'can\'t interpret "{lam}" as a lambda expression', "TCL VALUE LAMBDA")
    name = format_list(["apply", lam])
    proc = Proc(name, parse_params(parts[0]), parts[1], parts[0])
    return interp.call_proc(proc, [name] + list(args[1:]))


@cmd("eval", "eval arg ?arg ...?", 1)
def _eval(interp, args):
    script = args[0] if len(args) == 1 else " ".join(args)
    return interp.eval_body(script, '"eval" body')


@cmd("uplevel", "uplevel ?level? command ?arg ...?", 1)
def _uplevel(interp, args):
    frame = frame_for_level(interp, args[0]) if len(args) > 1 else None
    if frame is not None:
        args = args[1:]
    else:
        frame = frame_for_level(interp, "1")
    script = args[0] if len(args) == 1 else " ".join(args)
    saved_frames = interp.frames
    # Commands run up there see that frame as current; procs they call nest below it.
    idx = saved_frames.index(frame) if frame in saved_frames else 0
    interp.frames = saved_frames[:idx + 1]
    saved = interp.frame
    interp.frame = frame
    try:
        return interp.eval_body(script, '"uplevel" body')
    finally:
        interp.frame = saved
        interp.frames = saved_frames


@cmd("exit", "exit ?returnCode?", 0, 1)
def _exit(interp, args):
    raise TclExit(numbers.get_int(args[0]) if args else 0)
