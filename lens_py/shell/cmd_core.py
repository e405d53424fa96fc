"""Tcl's core commands: variables, control flow, procs, evaluation, info, puts."""
from __future__ import annotations

import re

from . import numbers, parser
from .errors import TclBreak, TclContinue, TclError, TclExit, TclReturn, wrong_args
from .expr import expr_bool, expr_string
from .interp import Proc, split_var_name
from .options import match_option
from .registry import CommandTable
from .tcllist import format_list, parse_list

TABLE = CommandTable("core")
cmd = TABLE.command


# -- variables ---------------------------------------------------------------------

@cmd("set", "set varName ?newValue?", 1, 2)
def _set(interp, args):
    if len(args) == 2:
        return interp.set_var(args[0], args[1])
    return interp.get_var(args[0])


@cmd("unset", "unset ?-nocomplain? ?--? ?varName varName ...?", 0)
def _unset(interp, args):
    nocomplain = False
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-nocomplain":
            nocomplain = True
        elif args[i] == "--":
            i += 1
            break
        else:
            break
        i += 1
    for name in args[i:]:
        interp.unset_var(name, nocomplain)
    return ""


def _integer(s: str) -> int:
    v = numbers.parse_int(s)
    if v is None:
        raise TclError(f'expected integer but got "{s}"', "TCL VALUE INTEGER")
    return v


@cmd("incr", "incr varName ?increment?", 1, 2)
def _incr(interp, args):
    name = args[0]
    if len(args) == 2:
        try:
            step = _integer(args[1])
        except TclError as e:
            e.error_info += "\n    (reading increment)"
            e.info_started = True
            raise
    else:
        step = 1
    base, key = split_var_name(name)
    var = interp._lookup(base)
    if var is not None and key is None and var.array is not None:
        raise TclError(f'can\'t set "{base}": variable is array', "TCL WRITE VARNAME")
    if interp.var_exists(name):
        v = _integer(interp.read_var(base, key))
    else:
        v = 0
    return interp.write_var(base, key, str(v + step))


@cmd("append", "append varName ?value ...?", 1)
def _append(interp, args):
    name = args[0]
    old = interp.get_var(name) if interp.var_exists(name) else ""
    tail = "".join(args[1:])
    if not tail and interp.var_exists(name):
        return old      # nothing appended: the value (and its number) is kept
    return interp.set_var(name, old + tail)


@cmd("global", "global ?varName ...?", 0)
def _global(interp, args):
    if interp.frame is interp.global_frame:
        return ""
    for name in args:
        local = name.rsplit("::", 1)[-1]
        interp.link_var(local, interp.global_frame, name.lstrip(":"))
    return ""


def _frame_for_level(interp, spec: str):
    """Resolve an uplevel/upvar level spec; returns a Frame or None if not a level."""
    cur = interp.frame.level
    if spec.startswith("#"):
        n = numbers.parse_int(spec[1:])
        if n is None:
            return None
        target = n
    else:
        n = numbers.parse_int(spec)
        if n is None or not spec.strip()[:1].isdigit():
            return None
        target = cur - n
    if target < 0 or target > cur:
        raise TclError(f'bad level "{spec}"', "TCL LOOKUP LEVEL " + spec)
    # frames holds the chain of active frames; find the one at that level.
    for f in reversed(interp.frames):
        if f.level == target:
            return f
    return interp.global_frame


@cmd("upvar", "upvar ?level? otherVar localVar ?otherVar localVar ...?", 2)
def _upvar(interp, args):
    frame = _frame_for_level(interp, args[0]) if len(args) % 2 == 1 else None
    if frame is not None:
        args = args[1:]
    else:
        if len(args) % 2 == 1:
            raise TclError(f'bad level "{args[0]}"')
        frame = _frame_for_level(interp, "1")
    for other, local in zip(args[::2], args[1::2]):
        interp.link_var(local, frame, other)
    return ""


@cmd("uplevel", "uplevel ?level? command ?arg ...?", 1)
def _uplevel(interp, args):
    frame = _frame_for_level(interp, args[0]) if len(args) > 1 else None
    if frame is not None:
        args = args[1:]
    else:
        frame = _frame_for_level(interp, "1")
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


# -- control flow -----------------------------------------------------------------

@cmd("expr", "expr arg ?arg ...?", 1)
def _expr(interp, args):
    return expr_string(interp, args[0] if len(args) == 1 else " ".join(args))


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


@cmd("while", "while test command", 2, 2)
def _while(interp, args):
    test, body = args
    while expr_bool(interp, test):
        try:
            interp.eval(body)
        except TclBreak:
            break
        except TclContinue:
            pass
    return ""


@cmd("for", "for start test next command", 4, 4)
def _for(interp, args):
    start, test, nxt, body = args
    interp.eval(start)
    while expr_bool(interp, test):
        try:
            interp.eval(body)
        except TclBreak:
            break
        except TclContinue:
            pass
        interp.eval(nxt)
    return ""


@cmd("foreach", "foreach varList list ?varList list ...? command", 3)
def _foreach(interp, args):
    body = args[-1]
    # Tcl compiles foreach inline only in procs; elsewhere its body is a
    # separate evaluation with its own errorInfo line.
    inline = interp.frame.proc is not None
    for _ in each_round(interp, "foreach", args):
        try:
            if inline:
                interp.eval(body)
            else:
                interp.eval_body(body, '"foreach" body')
        except TclBreak:
            break
        except TclContinue:
            pass
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


@cmd("break", "break", 0, 0)
def _break(interp, args):
    raise TclBreak()


@cmd("continue", "continue", 0, 0)
def _continue(interp, args):
    raise TclContinue()


_CODES = {"ok": 0, "error": 1, "return": 2, "break": 3, "continue": 4}


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
            code = _CODES.get(val)
            if code is None:
                code = numbers.parse_int(val)
                if code is None:
                    raise TclError(f'bad completion code "{val}": must be ok, error, return, '
                                   f'break, continue, or an integer')
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


# -- procs and evaluation ----------------------------------------------------------

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
    interp.commands.pop(name, None) if name in interp.commands and \
        getattr(interp.commands[name], "data", None) == "user-shadowable" else None
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


@cmd("rename", "rename oldName newName", 2, 2)
def _rename(interp, args):
    old, new = args
    old, new = old[2:] if old.startswith("::") else old, new[2:] if new.startswith("::") else new
    if old not in interp.procs and old not in interp.commands:
        raise TclError(f'can\'t rename "{old}": command doesn\'t exist')
    if new and (new in interp.procs or new in interp.commands):
        raise TclError(f'can\'t rename to "{new}": command already exists')
    target = interp.procs.pop(old, None)
    if target is not None:
        if new:
            target.name = new
            interp.procs[new] = target
        return ""
    c = interp.commands.pop(old, None)
    if c is None:
        raise TclError(f'can\'t rename "{old}": command doesn\'t exist')
    if new:
        interp.commands[new] = c
    return ""


@cmd("eval", "eval arg ?arg ...?", 1)
def _eval(interp, args):
    script = args[0] if len(args) == 1 else " ".join(args)
    return interp.eval_body(script, '"eval" body')


@cmd("source", "source fileName", 1, 1)
def _source(interp, args):
    return interp.source(args[0])


@cmd("exit", "exit ?returnCode?", 0, 1)
def _exit(interp, args):
    raise TclExit(numbers.get_int(args[0]) if args else 0)


@cmd("subst", "subst ?-nobackslashes? ?-nocommands? ?-novariables? string", 1)
def _subst(interp, args):
    flags = {match_option(f, ["-nobackslashes", "-nocommands", "-novariables"])
             for f in args[:-1]}
    return subst(interp, args[-1], "-nobackslashes" not in flags,
                 "-nocommands" not in flags, "-novariables" not in flags)


def subst(interp, text: str, backslashes=True, commands=True, variables=True) -> str:
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and backslashes:
            s, i = parser.backslash(text, i)
            out.append(s)
        elif c == "$" and variables:
            p = parser._Parser(text, i)
            ref = p._variable()
            if ref is None:
                out.append("$")
                i += 1
            else:
                key = ref.index
                if key is not None and type(key) is not str:
                    key = interp.subst_word(key)
                out.append(interp.read_var(ref.name, key))
                i = p.pos
        elif c == "[" and commands:
            p = parser._Parser(text, i)
            sub = p._command_sub()
            try:
                out.append(interp.eval(sub.script))
            except TclBreak:
                return "".join(out)
            except TclContinue:
                pass
            i = p.pos
        else:
            j = i + 1
            while j < n and text[j] not in "\\$[":
                j += 1
            out.append(text[i:j])
            i = j
    return "".join(out)


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


# -- info ---------------------------------------------------------------------

_INFO_SUBS = ["args", "body", "commands", "complete", "default", "exists", "globals",
              "level", "locals", "procs", "script", "vars", "tclversion", "patchlevel",
              "hostname", "nameofexecutable", "cmdcount", "frame", "functions", "library",
              "sharedlibextension"]


@cmd("info", "info subcommand ?arg ...?", 1)
def _info(interp, args):
    sub = args[0]
    rest = args[1:]
    matches = [s for s in _INFO_SUBS if s.startswith(sub)] if sub else []
    if sub in _INFO_SUBS:
        matches = [sub]
    if len(matches) != 1:
        raise TclError(f'unknown or ambiguous subcommand "{sub}": must be args, body, class, '
                       f'cmdcount, commands, complete, coroutine, default, errorstack, exists, '
                       f'frame, functions, globals, hostname, level, library, loaded, locals, '
                       f'nameofexecutable, object, patchlevel, procs, script, '
                       f'sharedlibextension, tclversion, or vars')
    sub = matches[0]

    def pattern_filter(names):
        if rest:
            return [x for x in names if glob_match(rest[0], x)]
        return list(names)

    if sub == "exists":
        _arity(rest, 1, 1, "info exists varName")
        return "1" if interp.var_exists(rest[0]) else "0"
    if sub in ("args", "body", "default"):
        usage = {"args": "info args procname", "body": "info body procname",
                 "default": "info default procname arg varname"}[sub]
        _arity(rest, 1 if sub != "default" else 3, 1 if sub != "default" else 3, usage)
        proc = interp.procs.get(rest[0])
        if proc is None:
            raise TclError(f'"{rest[0]}" isn\'t a procedure')
        if sub == "args":
            return format_list([p for p, _ in proc.params])
        if sub == "body":
            return proc.body
        for p, d in proc.params:
            if p == rest[1]:
                interp.set_var(rest[2], d if d is not None else "")
                return "1" if d is not None else "0"
        raise TclError(f'procedure "{rest[0]}" doesn\'t have an argument "{rest[1]}"')
    if sub == "commands":
        return format_list(pattern_filter(interp.command_names()))
    if sub == "procs":
        return format_list(pattern_filter(sorted(interp.procs)))
    if sub == "complete":
        _arity(rest, 1, 1, "info complete command")
        return "1" if parser.is_complete(rest[0]) else "0"
    if sub == "level":
        if not rest:
            return str(interp.frame.level)
        n = numbers.get_int(rest[0])
        level = n if n > 0 else interp.frame.level + n
        for f in interp.frames:
            if f.level == level and f.proc is not None:
                return format_list(f.args)
        raise TclError(f'bad level "{rest[0]}"')
    if sub in ("vars", "locals"):
        names = [k for k, v in interp.frame.vars.items() if v.exists()]
        if sub == "locals" and interp.frame is not interp.global_frame:
            names = [k for k in names if interp.frame.vars[k] is not
                     interp.global_frame.vars.get(k)]
        elif sub == "locals":
            names = []
        return format_list(pattern_filter(names))
    if sub == "globals":
        names = [k for k, v in interp.global_frame.vars.items() if v.exists()]
        return format_list(pattern_filter(names))
    if sub == "script":
        return interp.script_file or ""
    if sub == "tclversion":
        return "8.6"
    if sub == "patchlevel":
        return "8.6.13"
    if sub == "hostname":
        import socket
        return socket.gethostname()
    if sub == "nameofexecutable":
        import sys
        return sys.executable
    if sub == "functions":
        from .expr import _FUNCS
        return format_list(pattern_filter(sorted(_FUNCS)))
    if sub == "frame":
        return str(len(interp.frames) - 1)
    if sub == "cmdcount":
        return "0"
    return ""


def _arity(rest, lo, hi, usage):
    if len(rest) < lo or (hi is not None and len(rest) > hi):
        raise wrong_args(usage)


# -- output --------------------------------------------------------------------

@cmd("puts", "puts ?-nonewline? ?channelId? string", 1, 3)
def _puts(interp, args):
    newline = True
    if args[0] == "-nonewline":
        newline = False
        args = args[1:]
    elif len(args) == 3:
        if args[2] != "nonewline":
            raise wrong_args("puts ?-nonewline? ?channelId? string")
        newline = False
        args = args[:2]
    if len(args) == 1:
        chan = interp.channels["stdout"]
        text = args[0]
    elif len(args) == 2:
        chan = interp.channels.get(args[0])
        if chan is None:
            raise TclError(f'can not find channel named "{args[0]}"')
        text = args[1]
    else:
        raise wrong_args("puts ?-nonewline? ?channelId? string")
    if not getattr(chan, "writable", True):
        raise TclError(f'channel "{args[0]}" wasn\'t opened for writing')
    chan.write(text + "\n" if newline else text)
    return ""


def setup(interp):
    """The global variables every Tcl 8.6 interpreter starts with."""
    import os
    import platform
    import sys
    interp.set_global("tcl_version", "8.6")
    interp.set_global("tcl_patchLevel", "8.6.13")
    interp.set_global("tcl_interactive", "0")
    plat = interp.get_array("tcl_platform", create=True)
    plat.update({"byteOrder": sys.byteorder + "Endian", "engine": "Tcl",
                 "machine": platform.machine(), "os": platform.system(),
                 "osVersion": platform.release(), "platform": os.name if os.name != "posix"
                 else "unix", "pointerSize": "8", "wordSize": "8",
                 "user": os.environ.get("USER", "")})
    env = interp.get_array("env", create=True)
    env.update(os.environ)
