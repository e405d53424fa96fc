"""Tcl's core commands: variables (set, unset, incr, append, global, upvar),
expr, rename, source, subst, info, puts.  Everything that decides where a
script goes next (conditionals, loops, completion codes, procs, eval,
uplevel, exit) is in cmd_control_flow.py."""
from __future__ import annotations

from . import numbers, parser
from .errors import TclBreak, TclContinue, TclError, wrong_args
from .expr import expr_string
from .globmatch import glob_match
from .interp import Var, split_var_name
from .options import match_option
from .registry import CommandTable
from .tcllist import format_list

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
    if len(args) == 1 and name[-1:] != ")" and name[:2] != "::" and name != "tcl_precision":
        # the counter of a hook, `incr n`: a scalar of this frame holding an integer
        var = interp.frame.vars.get(name)
        if var is not None and var.array is None:
            v = numbers.parse_int(var.value) if var.value is not None else None
            if v is not None:
                text = str(v + 1)
                var.value = text
                return text
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
    gvars, fvars = interp.global_frame.vars, interp.frame.vars
    for name in args:
        if ":" not in name and "(" not in name:
            # a plain name: the global cell, made if need be, linked here
            var = gvars.get(name)
            if var is None:
                var = gvars[name] = Var()
            existing = fvars.get(name)
            if existing is None or existing is var or not existing.exists():
                fvars[name] = var
                continue
        local = name.rsplit("::", 1)[-1]
        interp.link_var(local, interp.global_frame, name.lstrip(":"))
    return ""


def frame_for_level(interp, spec: str):
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
    frame = frame_for_level(interp, args[0]) if len(args) % 2 == 1 else None
    if frame is not None:
        args = args[1:]
    else:
        if len(args) % 2 == 1:
            raise TclError(f'bad level "{args[0]}"')
        frame = frame_for_level(interp, "1")
    for other, local in zip(args[::2], args[1::2]):
        interp.link_var(local, frame, other)
    return ""


# -- expressions ------------------------------------------------------------------

@cmd("expr", "expr arg ?arg ...?", 1)
def _expr(interp, args):
    return expr_string(interp, args[0] if len(args) == 1 else " ".join(args))


# -- commands ------------------------------------------------------------------------

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


@cmd("source", "source fileName", 1, 1)
def _source(interp, args):
    return interp.source(args[0])


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
                out.append(interp.run_commands(sub.commands, sub.script))
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
