"""The interpreter: call frames, variables, command dispatch, errorInfo.

Variables are `Var` cells held in per-frame dicts; `global` and `upvar` put
the same cell into two frames, so links need no indirection at run time.
"""
from __future__ import annotations

import os
import sys

from . import boundary, parser
from .errors import (TclBreak, TclContinue, TclError, TclExit, TclReturn, channel_error,
                     wrong_args)
from .numbers import format_double, tcl_double
from .parser import CmdSub, VarRef
from .registry import Command
from .unknown import AMBIGUOUS, COMMAND, PROGRAM, NameTable, Resolver, current_path


class Var:
    __slots__ = ("value", "array")

    def __init__(self, value=None, array=None):
        self.value = value   # str for a scalar, None otherwise
        self.array = array   # dict for an array, None otherwise

    def exists(self) -> bool:
        return self.value is not None or self.array is not None


class ElementLink(Var):
    """A local name made by `upvar` for one element of an array elsewhere."""
    __slots__ = ("owner", "key")

    def __init__(self, owner: Var, key: str):
        self.owner = owner
        self.key = key

    @property
    def value(self):
        arr = self.owner.array
        return arr.get(self.key) if arr is not None else None

    @value.setter
    def value(self, v):
        if v is None:
            if self.owner.array is not None:
                self.owner.array.pop(self.key, None)
            return
        if self.owner.value is not None:
            raise TclError(f'can\'t set "{self.key}": variable isn\'t array')
        if self.owner.array is None:
            self.owner.array = {}
        self.owner.array[self.key] = v

    @property
    def array(self):
        return None

    @array.setter
    def array(self, v):
        pass


class Frame:
    __slots__ = ("vars", "proc", "args", "level")

    def __init__(self, level: int, proc=None, args=None):
        self.vars: dict = {}
        self.proc = proc     # the Proc running in this frame (None at global level)
        self.args = args     # the words it was called with
        self.level = level


class Proc:
    __slots__ = ("name", "params", "body", "arg_text", "origin", "commands")

    def __init__(self, name: str, params: list, body: str, arg_text: str, origin=None):
        self.name = name
        self.params = params   # list of (name, default or None)
        self.body = body
        self.commands = None   # the body parsed, on its first call
        self.arg_text = arg_text
        # (file, line of the body's first line) when defined by a sourced file
        self.origin = origin

    def usage(self) -> str:
        words = [self.name]
        for i, (p, d) in enumerate(self.params):
            if p == "args" and i == len(self.params) - 1:
                words.append("?arg ...?")
            elif d is not None:
                words.append(f"?{p}?")
            else:
                words.append(p)
        return " ".join(words)


class StreamChannel:
    """A channel over a Python text stream (stdin/stdout/stderr, StringIO)."""

    def __init__(self, name: str, stream, readable=False, writable=False):
        self.name = name
        self.stream = stream
        self.readable = readable
        self.writable = writable
        self._eof = False

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except OSError as e:
            raise self._failed("writing", e) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except (AttributeError, ValueError):
            pass
        except OSError as e:
            raise self._failed("flushing", e) from None

    def _failed(self, doing: str, e: OSError) -> Exception:
        """A write error as Tcl words it; the process's own output piped into
        a reader that has gone (`lens-py x.in | head`) ends lens_py quietly,
        as SIGPIPE ends tclsh and Lens."""
        if isinstance(e, BrokenPipeError) and self.stream in (sys.stdout, sys.stderr):
            _silence(self.stream)
            return TclExit(141)
        return channel_error(f'error {doing} "{self.name}": ', e)

    def readline(self) -> str:
        line = self.stream.readline()
        if line == "":
            self._eof = True
        return line

    def read(self, n: int = -1) -> str:
        data = self.stream.read() if n < 0 else self.stream.read(n)
        if n < 0 or len(data) < n:
            self._eof = True
        return data

    def eof(self) -> bool:
        return self._eof

    def close(self) -> None:
        pass


def split_var_name(name: str):
    """`a(key)` -> ('a', 'key'); `a` -> ('a', None)."""
    if name.endswith(")"):
        i = name.find("(")
        if i > 0:
            return name[:i], name[i + 1:-1]
    return name, None


def _silence(stream) -> None:
    """Point a dead output's descriptor at /dev/null, so that flushing it again
    (at exit too) finds nowhere to fail."""
    try:
        fd = stream.fileno()
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError):
        pass


class Interp:
    def __init__(self, stdout=None, stderr=None, stdin=None):
        # Command and proc names feed the cached resolution of unknown words.
        self.resolver = Resolver(self.command_names)
        # What a parsed command's word runs is kept on the command with this
        # token (see run_commands); any change of a name's meaning makes a
        # new token, which voids every binding at once.
        self._binding = object()
        self.commands: dict[str, Command] = NameTable(self.resolver.forget, self._unbind)
        self.procs: dict[str, Proc] = NameTable(self.resolver.forget, self._unbind)
        self.global_frame = Frame(0)
        self.frame = self.global_frame
        self.frames = [self.global_frame]
        self.channels: dict = {
            "stdout": StreamChannel("stdout", stdout if stdout is not None else sys.stdout,
                                    writable=True),
            "stderr": StreamChannel("stderr", stderr if stderr is not None else sys.stderr,
                                    writable=True),
            "stdin": StreamChannel("stdin", stdin if stdin is not None else sys.stdin,
                                   readable=True),
        }
        self.aliases: dict[str, str] = NameTable(_nothing, self._unbind)
        self.verbosity = 1
        self.ext: dict = {}
        self.script_file: str | None = None
        self._file_text: str | None = None
        self.depth = 0
        self.max_depth = 1000
        # The parsed command being invoked (read by a command function at its
        # start, e.g. to know whether a script argument was a literal).
        self.current_cmd = None
        # One Tcl proc level costs about a dozen Python frames (eval, call,
        # expr closures, ...); Tcl's own limit of 1000 levels must be reached
        # before Python's.
        if sys.getrecursionlimit() < 30000:
            sys.setrecursionlimit(30000)
        self._precision_cache = (None, 8)
        self.set_global("tcl_precision", "8")
        self.set_global("errorInfo", "")
        self.set_global("errorCode", "NONE")

    def _unbind(self) -> None:
        self._binding = object()

    def reset_frames(self) -> None:
        """Back to the global level (after an error escaped to the top)."""
        self.frame = self.global_frame
        self.frames = [self.global_frame]
        self.depth = 0

    # -- output ------------------------------------------------------------
    def write(self, text: str, channel: str = "stdout") -> None:
        chan = self.channels[channel]
        chan.write(text)

    # -- numbers -------------------------------------------------------------
    @property
    def tcl_precision(self) -> int:
        var = self.global_frame.vars.get("tcl_precision")
        raw = var.value if var is not None else None
        cached_raw, value = self._precision_cache
        if raw != cached_raw:
            try:
                value = int(raw.strip()) if raw is not None else 0
            except ValueError:
                value = 0
            if not 0 <= value <= 17:
                value = 0
            self._precision_cache = (raw, value)
        return value

    @staticmethod
    def _check_precision(value: str) -> None:
        # Tcl keeps a trace on tcl_precision that refuses bad values.
        from .numbers import parse_int
        n = parse_int(value)
        if n is None or not 0 <= n <= 17:
            raise TclError('can\'t set "tcl_precision": improper value for precision')

    def format_double(self, x: float) -> str:
        return tcl_double(format_double(x, self.tcl_precision), x)

    # -- registration ----------------------------------------------------------
    def register(self, cmd: Command) -> None:
        self.commands[cmd.name] = cmd

    def command_names(self) -> list[str]:
        return sorted(set(self.commands) | set(self.procs))

    # -- variables -------------------------------------------------------------
    def _lookup(self, name: str, frame: Frame | None = None, create: bool = False) -> Var | None:
        if frame is None:
            frame = self.frame
        if name.startswith("::"):
            name = name.lstrip(":")
            frame = self.global_frame
        var = frame.vars.get(name)
        if var is None and create:
            var = frame.vars[name] = Var()
        return var

    def get_var(self, name: str) -> str:
        base, key = split_var_name(name)
        return self.read_var(base, key)

    def read_var(self, base: str, key) -> str:
        var = self._lookup(base)
        if key is None:
            if var is None or var.value is None:
                if var is not None and var.array is not None:
                    raise TclError(f'can\'t read "{base}": variable is array',
                                   "TCL READ VARNAME")
                raise TclError(f'can\'t read "{base}": no such variable',
                               "TCL LOOKUP VARNAME " + base)
            return var.value
        if var is None or var.array is None:
            if var is not None and var.value is not None:
                raise TclError(f'can\'t read "{base}({key})": variable isn\'t array',
                               "TCL LOOKUP VARNAME " + base)
            raise TclError(f'can\'t read "{base}({key})": no such variable',
                           "TCL LOOKUP VARNAME " + base)
        try:
            return var.array[key]
        except KeyError:
            raise TclError(f'can\'t read "{base}({key})": no such element in array',
                           "TCL READ VARNAME") from None

    def set_var(self, name: str, value: str) -> str:
        base, key = split_var_name(name)
        return self.write_var(base, key, value)

    def write_var(self, base: str, key, value: str) -> str:
        if base == "tcl_precision" or base == "::tcl_precision":
            self._check_precision(value)
        var = self._lookup(base)
        if var is None:
            if "::" in base.lstrip(":"):
                # The shell has only the global namespace.
                name = base if key is None else f"{base}({key})"
                raise TclError(f'can\'t set "{name}": parent namespace doesn\'t exist')
            var = self._lookup(base, create=True)
        if key is None:
            if var.array is not None:
                raise TclError(f'can\'t set "{base}": variable is array')
            var.value = value
        else:
            if var.value is not None:
                raise TclError(f'can\'t set "{base}({key})": variable isn\'t array')
            if var.array is None:
                var.array = {}
            var.array[key] = value
        return value

    def unset_var(self, name: str, nocomplain: bool = False) -> None:
        base, key = split_var_name(name)
        frame = self.frame
        if base.startswith("::"):
            base = base.lstrip(":")
            frame = self.global_frame
        var = frame.vars.get(base)
        if key is None:
            if var is None or not var.exists():
                if nocomplain:
                    return
                raise TclError(f'can\'t unset "{base}": no such variable',
                               "TCL LOOKUP VARNAME " + base)
            var.value = None
            var.array = None
            del frame.vars[base]
            return
        if var is None or var.array is None or key not in var.array:
            if nocomplain:
                return
            if var is None or var.array is None:
                raise TclError(f'can\'t unset "{base}({key})": no such variable')
            raise TclError(f'can\'t unset "{base}({key})": no such element in array')
        del var.array[key]

    def var_exists(self, name: str) -> bool:
        base, key = split_var_name(name)
        var = self._lookup(base)
        if var is None:
            return False
        if key is None:
            return var.exists()
        return var.array is not None and key in var.array

    def get_array(self, name: str, create: bool = False) -> dict | None:
        """The dict of array `name` (None if it is not an array)."""
        var = self._lookup(name, create=create)
        if var is None:
            return None
        if var.array is None and create and var.value is None:
            var.array = {}
        return var.array

    def get_global(self, name: str) -> str:
        saved = self.frame
        self.frame = self.global_frame
        try:
            return self.get_var(name)
        finally:
            self.frame = saved

    def set_global(self, name: str, value: str) -> str:
        saved = self.frame
        self.frame = self.global_frame
        try:
            return self.set_var(name, value)
        finally:
            self.frame = saved

    def link_var(self, local: str, target_frame: Frame, target: str) -> None:
        """Make `local` in the current frame the same cell as `target` there."""
        if "(" in local and local.endswith(")"):
            raise TclError(f'bad variable name "{local}": can\'t create a scalar variable '
                           f'that looks like an array element')
        base, key = split_var_name(target)
        if target_frame is self.frame and base == local:
            raise TclError("can't upvar from variable to itself")
        var = self._lookup(base, target_frame, create=True)
        if key is not None:
            var = ElementLink(var, key)
        existing = self.frame.vars.get(local)
        if existing is not None and existing is not var and existing.exists() \
                and self.frame is not self.global_frame:
            raise TclError(f'variable "{local}" already exists')
        self.frame.vars[local] = var

    # -- substitution ----------------------------------------------------------
    def subst_word(self, word) -> str:
        if type(word) is str:
            return word
        if len(word) == 1 and type(word[0]) is CmdSub:     # a word that is one [command]
            return self.run_commands(word[0].commands, word[0].script)
        out = []
        for part in word:
            t = type(part)
            if t is str:
                out.append(part)
            elif t is VarRef:
                key = part.index
                if key is not None and type(key) is not str:
                    key = self.subst_word(key)
                out.append(self.read_var(part.name, key))
            else:
                out.append(self.run_commands(part.commands, part.script))
        # A word that is one substitution keeps its value object (a TclDouble).
        return out[0] if len(out) == 1 else "".join(out)

    # -- evaluation ------------------------------------------------------------
    def eval(self, script: str) -> str:
        return self.run_commands(parser.parse_script(script), script)

    def run_commands(self, commands: tuple, script: str) -> str:
        """Run parsed commands of `script` (the text, for errorInfo)."""
        result = ""
        for cmd in commands:
            words = cmd.words
            try:
                if cmd.literal:
                    argv = list(words)
                elif words is None:
                    raise TclError(cmd.expand)
                elif cmd.expand is None:
                    argv = [w if type(w) is str else self.subst_word(w) for w in words]
                else:
                    from .tcllist import parse_list
                    argv = []
                    for w, ex in zip(words, cmd.expand):
                        v = w if type(w) is str else self.subst_word(w)
                        if ex:
                            argv.extend(parse_list(v))
                        else:
                            argv.append(v)
                    if not argv:
                        continue
                self.current_cmd = cmd
                bound = cmd.bound
                if bound is not None and bound[0] is self._binding and \
                        (bound[4] is None or bound[4] == current_path()):
                    if bound[1] is None:
                        result = self._run_command(bound[2], bound[3], argv[1:])
                    else:
                        result = self.call_proc(bound[1], argv)
                else:
                    result = self._bind_and_call(cmd, argv)
            except TclError as e:
                self._add_error_info(e, cmd, script)
                raise
        return result

    def _bind_and_call(self, cmd, argv: list) -> str:
        """call(argv), first keeping on `cmd` what its command word names
        when that word is written out (not substituted or expanded): the
        command, the proc, or the command an abbreviation stands for (then
        with PATH as it was, since a program found on it would come first)."""
        word = cmd.words[0]
        if type(word) is str and (cmd.expand is None or not cmd.expand[0]):
            bound = None
            found = self.commands.get(word)
            if found is not None:
                bound = (self._binding, None, found, word, None)
            else:
                proc = self.procs.get(word)
                if proc is not None:
                    bound = (self._binding, proc, None, word, None)
                else:
                    handler = self.commands.get("unknown")
                    if handler is not None and handler.func is builtin_unknown \
                            and word not in self.aliases:
                        kind, name = self.resolver.resolve(word)
                        found = self.commands.get(name) if kind is COMMAND else None
                        if found is not None:
                            bound = (self._binding, None, found, name, self.resolver.path)
            cmd.bound = bound
        return self.call(argv)

    def _add_error_info(self, e: TclError, cmd, script: str) -> None:
        e.error_line = cmd.line
        if e.unit_logged:
            return
        e.unit_logged = True
        e.unit_text = cmd.text
        if not e.error_stack and cmd.words is not None:
            e.error_stack = ["INNER", "invokeStk1 " + cmd.text]
        if e.skip_log:
            e.skip_log = False
            self.global_frame.vars.setdefault("errorInfo", Var()).value = e.error_info
            return
        text = cmd.text
        if len(text) > 150:
            text = text[:150] + "..."
        if not e.info_started:
            e.error_info = f'{e.message}\n    while executing\n"{text}"'
            e.info_started = True
        else:
            e.error_info += f'\n    invoked from within\n"{text}"'
        if e.where is None and script is self._file_text and self.script_file is not None:
            e.where = (self.script_file, cmd.line)
        self.global_frame.vars.setdefault("errorInfo", Var()).value = e.error_info

    def eval_body(self, script: str, what: str | None = None) -> str:
        """Evaluate a script that Tcl runs as a separate evaluation (eval,
        uplevel, a foreach body outside procs): on error, errorInfo gets
        `(<what> line N)` and the calling command is recorded too."""
        try:
            return self.eval(script)
        except TclError as e:
            self.leave_unit(e, script, what)
            raise

    def leave_unit(self, e: TclError, script: str, what: str | None) -> None:
        if what is not None:
            e.error_info += f"\n    ({what} line {self._error_line(script, e)})"
        e.unit_logged = False

    def eval_global(self, script: str) -> str:
        return self.eval_at(self.global_frame, script)

    def eval_at(self, frame: Frame, script: str) -> str:
        saved = self.frame
        self.frame = frame
        try:
            return self.run_commands(parser.parse_script(script), script)
        finally:
            self.frame = saved

    def call(self, argv: list) -> str:
        name = argv[0]
        cmd = self.commands.get(name)
        if cmd is not None:
            return self._run_command(cmd, name, argv[1:])
        proc = self.procs.get(name)
        if proc is not None:
            return self.call_proc(proc, argv)
        return self._unknown(argv)

    def _run_command(self, cmd: Command, name: str, args: list) -> str:
        n = len(args)
        if n < cmd.min_args or (cmd.max_args is not None and n > cmd.max_args):
            raise wrong_args(cmd.usage)
        try:
            result = cmd.func(self, args)
        except BaseException as e:
            # The one boundary: any other Python exception is a Tcl error.
            if boundary.must_pass(e):
                raise
            raise boundary.as_tcl_error(e, name) from None
        return "" if result is None else result

    def call_proc(self, proc: Proc, argv: list) -> str:
        if self.depth >= self.max_depth:
            raise TclError("too many nested evaluations (infinite loop?)")
        frame = Frame(self.frame.level + 1, proc, argv)
        fvars = frame.vars
        params = proc.params
        args = argv[1:]
        nparams = len(params)
        i = 0
        for i, (pname, default) in enumerate(params):
            if pname == "args" and i == nparams - 1:
                from .tcllist import format_list
                fvars["args"] = Var(format_list(args[i:]))
                break
            if i < len(args):
                fvars[pname] = Var(args[i])
            elif default is not None:
                fvars[pname] = Var(default)
            else:
                raise wrong_args(proc.usage())
        else:
            if len(args) > nparams:
                raise wrong_args(proc.usage())
        saved = self.frame
        self.frame = frame
        self.frames.append(frame)
        self.depth += 1
        try:
            commands = proc.commands
            if commands is None:
                commands = proc.commands = parser.parse_script(proc.body)
            return self.run_commands(commands, proc.body)
        except TclReturn as r:
            if r.level == 0:
                raise
            if r.code == 0 or r.level > 1:
                if r.level > 1:
                    r.level -= 1
                    raise
                return r.value
            if r.code == 1:
                err = TclError(r.value, r.error_code or "NONE")
                if r.error_info:
                    err.error_info = r.error_info
                    err.info_started = True
                raise err from None
            if r.code == 3:
                raise TclBreak(r.value) from None
            if r.code == 4:
                raise TclContinue(r.value) from None
            # Another code (5 and up) goes on to the caller as it is.
            raise TclReturn(r.value, r.code, 0) from None
        except TclError as e:
            from .tcllist import format_list
            e.error_stack += ["CALL", format_list(argv)]
            if proc.name.startswith("apply "):
                parts = proc.name.split(" ", 1)[1]
                from .tcllist import parse_list
                what = f'lambda term "{parse_list(parts)[0]}"'
            else:
                what = f'procedure "{proc.name}"'
            if e.where is None and proc.origin is not None:
                e.where = (proc.origin[0], proc.origin[1] + self._error_line(proc.body, e) - 1)
            self.leave_unit(e, proc.body, what)
            raise
        except TclBreak:
            raise TclError('invoked "break" outside of a loop') from None
        except TclContinue:
            raise TclError('invoked "continue" outside of a loop') from None
        finally:
            self.depth -= 1
            self.frames.pop()
            self.frame = saved

    @staticmethod
    def _error_line(body: str, e: TclError) -> int:
        # The line within `body` of the innermost failing command recorded
        # for it (which may sit inside an inline if/while body).
        pos = body.find(e.unit_text) if e.unit_text else -1
        return body.count("\n", 0, pos) + 1 if pos >= 0 else 1

    # -- unknown commands ------------------------------------------------------
    def _unknown(self, argv: list) -> str:
        """A word that names no command or proc goes to the `unknown` command,
        as in Tcl; the built-in one (Lens's resolution) is taken directly."""
        handler = self.commands.get("unknown")
        if handler is not None:
            if handler.func is builtin_unknown:
                name = argv[0]
                if name not in self.aliases:
                    # the usual case, an abbreviation (`getObj`): its cached command
                    kind, found = self.resolver.resolve(name)
                    if kind is COMMAND:
                        cmd = self.commands.get(found)
                        if cmd is not None:
                            return self._run_command(cmd, found, argv[1:])
                return self.resolve_unknown(argv)
            return self.call(["unknown"] + list(argv))
        proc = self.procs.get("unknown")
        if proc is not None:
            return self.call_proc(proc, ["unknown"] + list(argv))
        name = argv[0]
        raise TclError(f'invalid command name "{name}"', "TCL LOOKUP COMMAND " + name)

    def resolve_unknown(self, argv: list) -> str:
        """Lens's order: an alias, a program on PATH, a unique command prefix."""
        name = argv[0]
        alias = self.aliases.get(name)
        if alias is not None:
            from .tcllist import parse_list
            return self.call(parse_list(alias) + list(argv[1:]))
        kind, found = self.resolver.resolve(name)
        if kind is COMMAND:
            return self.call([found] + argv[1:])
        if kind is PROGRAM:
            return self.run_program(found, argv[1:])
        if kind is AMBIGUOUS:
            raise TclError(f'ambiguous command name "{name}": {found}')
        raise TclError(f'invalid command name "{name}"', "TCL LOOKUP COMMAND " + name)

    def run_program(self, program: str, args: list) -> str:
        """An unknown word that names a program runs through `exec` (with its
        redirections and pipes); what the program prints goes to stdout, as
        Lens attaches the program's output to its own."""
        output = self.call(["exec", program] + list(args))
        if output:
            self.write(output + "\n")
        return ""

    # -- files -------------------------------------------------------------------
    def source(self, path: str) -> str:
        """Run a script file in its own folder, at the current level."""
        try:
            # utf-8-sig: a byte-order mark some editors put first is not text.
            with open(path, encoding="utf-8-sig", errors="surrogateescape") as f:
                text = f.read()
        except OSError as e:
            raise TclError(f'couldn\'t read file "{path}": {e.strerror.lower()}') from None
        folder = os.path.dirname(os.path.abspath(path))
        old_cwd = os.getcwd()
        old_file, old_text = self.script_file, self._file_text
        self.script_file, self._file_text = path, text
        os.chdir(folder)
        try:
            return self.eval(text)
        except TclReturn as r:
            return r.value
        finally:
            self.script_file, self._file_text = old_file, old_text
            try:
                os.chdir(old_cwd)
            except OSError:
                pass


def _nothing() -> None:
    pass


def builtin_unknown(interp, args):
    """The `unknown` command every interpreter starts with (registered by
    cmd_lens): Lens's resolution of a word that names nothing."""
    return interp.resolve_unknown(args or [""])


__all__ = ["Interp", "Var", "Frame", "Proc", "StreamChannel", "TclError", "TclExit",
           "TclBreak", "TclContinue", "TclReturn"]
