"""Files, pipes, processes and time: open/close/gets/read/…, file, glob, exec, clock."""
from __future__ import annotations

import glob as globmod
import os
import shlex
import subprocess
import time

from . import numbers
from .errors import TclError, channel_error as _channel_error, posix_error_code
from .registry import CommandTable
from .tcllist import format_list, parse_list

TABLE = CommandTable("io")
cmd = TABLE.command


class FileChannel:
    """A file or `|command` pipe opened by `open`."""

    def __init__(self, name, stream, readable, writable, process=None):
        self.name = name
        self.stream = stream
        self.readable = readable
        self.writable = writable
        self.process = process
        self.buffering = "full"
        self._eof = False

    def write(self, text: str) -> None:
        if not self.writable:
            raise TclError(f'channel "{self.name}" wasn\'t opened for writing')
        try:
            self.stream.write(text)
            if self.buffering == "none" or (self.buffering == "line" and "\n" in text):
                self.stream.flush()
        except OSError as e:
            raise _channel_error(f'error writing "{self.name}": ', e) from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as e:
            raise _channel_error(f'error flushing "{self.name}": ', e) from None

    def readline(self) -> str:
        if not self.readable:
            raise TclError(f'channel "{self.name}" wasn\'t opened for reading')
        try:
            line = self.stream.readline()
        except OSError as e:
            raise _channel_error(f'error reading "{self.name}": ', e) from None
        if line == "" or not line.endswith("\n"):
            self._eof = True
        return line

    def read(self, n: int = -1) -> str:
        if not self.readable:
            raise TclError(f'channel "{self.name}" wasn\'t opened for reading')
        try:
            data = self.stream.read() if n < 0 else self.stream.read(n)
        except OSError as e:
            raise _channel_error(f'error reading "{self.name}": ', e) from None
        if n < 0 or len(data) < n:
            self._eof = True
        return data

    def eof(self) -> bool:
        return self._eof

    def close(self) -> None:
        """Tcl closes the channel even when its last data cannot be written,
        and then reports the reason alone."""
        try:
            self.stream.close()
        except OSError as e:
            failure = _channel_error("", e)
        else:
            failure = None
        if self.process is not None:
            if self.process.stdin and self.process.stdin is not self.stream:
                self.process.stdin.close()
            code = self.process.wait()
            err = self.process.stderr.read() if self.process.stderr else ""
            if code != 0 or err:
                raise TclError(err.rstrip("\n") if err else "child process exited abnormally")
        if failure is not None:
            raise failure


def _new_channel_name(interp) -> str:
    k = 3
    while f"file{k}" in interp.channels:
        k += 1
    return f"file{k}"


_MODES = {"r": ("r", True, False), "r+": ("r+", True, True), "w": ("w", False, True),
          "w+": ("w+", True, True), "a": ("a", False, True), "a+": ("a+", True, True)}


@cmd("open", "open fileName ?access? ?permissions?", 1, 3)
def _open(interp, args):
    path = args[0]
    access = args[1] if len(args) > 1 else "r"
    if access in _MODES:
        mode, readable, writable = _MODES[access]
    else:
        flags = set(parse_list(access))
        readable = "RDONLY" in flags or "RDWR" in flags
        writable = "WRONLY" in flags or "RDWR" in flags
        if not (readable or writable):
            raise TclError(f'illegal access mode "{access}"')
        if "APPEND" in flags:
            mode = "a+" if readable else "a"
        elif "TRUNC" in flags or ("CREAT" in flags and writable and not readable):
            mode = "w+" if readable else "w"
        elif writable and readable:
            mode = "r+" if os.path.exists(path) or "CREAT" not in flags else "w+"
        elif writable:
            mode = "r+" if os.path.exists(path) and "CREAT" not in flags else "w"
        else:
            mode = "r"
    name = _new_channel_name(interp)
    if path.startswith("|"):
        argv = parse_list(path[1:])
        try:
            proc = subprocess.Popen(argv, stdin=subprocess.PIPE if writable else None,
                                    stdout=subprocess.PIPE if readable else None,
                                    stderr=subprocess.PIPE, text=True)
        except OSError as e:
            raise TclError(f'couldn\'t execute "{argv[0]}": {e.strerror.lower()}') from None
        stream = proc.stdout if readable else proc.stdin
        chan = FileChannel(name, stream, readable, writable, proc)
        if readable and writable:
            chan = _DuplexPipe(name, proc)
    else:
        try:
            stream = open(path, mode, encoding="utf-8", errors="surrogateescape", newline="")
        except OSError as e:
            raise TclError(f'couldn\'t open "{path}": {(e.strerror or "").lower()}',
                           posix_error_code(e)) from None
        chan = FileChannel(name, stream, readable, writable)
    interp.channels[name] = chan
    return name


class _DuplexPipe(FileChannel):
    def __init__(self, name, proc):
        super().__init__(name, proc.stdout, True, True, proc)

    def write(self, text):
        self.process.stdin.write(text)

    def flush(self):
        self.process.stdin.flush()


def _chan(interp, name):
    c = interp.channels.get(name)
    if c is None:
        raise TclError(f'can not find channel named "{name}"')
    return c


@cmd("close", "close channelId ?direction?", 1, 2)
def _close(interp, args):
    if args[0] in ("stdin", "stdout", "stderr"):
        return ""
    c = _chan(interp, args[0])
    del interp.channels[args[0]]
    c.close()
    return ""


@cmd("gets", "gets channelId ?varName?", 1, 2)
def _gets(interp, args):
    c = _chan(interp, args[0])
    line = c.readline()
    at_eof = line == ""
    if line.endswith("\n"):
        line = line[:-1]
    if len(args) == 2:
        interp.set_var(args[1], line)
        return "-1" if at_eof else str(len(line))
    return line


@cmd("read", "read ?-nonewline? channelId ?numChars?", 1, 2)
def _read(interp, args):
    nonl = args[0] == "-nonewline"
    if nonl:
        args = args[1:]
    c = _chan(interp, args[0])
    n = numbers.get_int(args[1]) if len(args) > 1 else -1
    data = c.read(n)
    if nonl and data.endswith("\n"):
        data = data[:-1]
    return data


@cmd("flush", "flush channelId", 1, 1)
def _flush(interp, args):
    _chan(interp, args[0]).flush()
    return ""


@cmd("eof", "eof channelId", 1, 1)
def _eof(interp, args):
    return "1" if _chan(interp, args[0]).eof() else "0"


@cmd("fconfigure", "fconfigure channelId ?-option value ...?", 1)
def _fconfigure(interp, args):
    """-buffering is honoured (writes of an unbuffered channel fail at once,
    as in Tcl); the other options are accepted and ignored."""
    chan = _chan(interp, args[0])
    if args[1:] == ["-buffering"]:
        return getattr(chan, "buffering", "line")
    for option, value in zip(args[1::2], args[2::2]):
        if option == "-buffering":
            if value not in ("full", "line", "none"):
                raise TclError('bad value for -buffering: must be one of full, line, or none')
            if hasattr(chan, "buffering"):
                chan.flush()
                chan.buffering = value
    return ""


@cmd("seek", "seek channelId offset ?origin?", 2, 3)
def _seek(interp, args):
    c = _chan(interp, args[0])
    whence = {"start": 0, "current": 1, "end": 2}[args[2] if len(args) > 2 else "start"]
    c.stream.seek(numbers.get_int(args[1]), whence)
    c._eof = False
    return ""


@cmd("tell", "tell channelId", 1, 1)
def _tell(interp, args):
    return str(_chan(interp, args[0]).stream.tell())


# -- file ----------------------------------------------------------------------

def _file_join(parts):
    out = ""
    for p in parts:
        out = p if p.startswith("/") or not out else out.rstrip("/") + "/" + p
    return out


def _rootname(p):
    tail = p.rsplit("/", 1)[-1]
    k = tail.rfind(".")
    if k <= 0 and not (k == 0 and tail.count(".") == 1 and False):
        if k < 0:
            return p
    if k < 0:
        return p
    return p[:len(p) - len(tail) + k]


def _extension(p):
    tail = p.rsplit("/", 1)[-1]
    k = tail.rfind(".")
    return tail[k:] if k >= 0 else ""


@cmd("file", "file subcommand ?arg ...?", 1)
def _file(interp, args):
    sub, a = args[0], args[1:]
    if sub == "exists":
        return "1" if os.path.exists(a[0]) else "0"
    if sub == "join":
        return _file_join(a)
    if sub == "tail":
        return a[0].rstrip("/").rsplit("/", 1)[-1] if a[0].rstrip("/") else ""
    if sub == "dirname":
        p = a[0].rstrip("/") or "/"
        if "/" not in p:
            return "."
        d = p.rsplit("/", 1)[0]
        return d or "/"
    if sub == "extension":
        return _extension(a[0])
    if sub == "rootname":
        ext = _extension(a[0])
        return a[0][:-len(ext)] if ext else a[0]
    if sub == "split":
        parts = [p for p in a[0].split("/") if p]
        return format_list((["/"] if a[0].startswith("/") else []) + parts)
    if sub == "delete":
        force = "-force" in a
        for p in [x for x in a if x not in ("-force", "--")]:
            if os.path.isdir(p):
                import shutil
                if force:
                    shutil.rmtree(p)
                else:
                    os.rmdir(p)
            elif os.path.lexists(p):
                os.remove(p)
        return ""
    if sub == "isfile":
        return "1" if os.path.isfile(a[0]) else "0"
    if sub == "isdirectory":
        return "1" if os.path.isdir(a[0]) else "0"
    if sub == "mkdir":
        for p in a:
            os.makedirs(p, exist_ok=True)
        return ""
    if sub == "normalize":
        return os.path.abspath(a[0])
    if sub == "readable":
        return "1" if os.access(a[0], os.R_OK) else "0"
    if sub == "writable":
        return "1" if os.access(a[0], os.W_OK) else "0"
    if sub == "size":
        try:
            return str(os.path.getsize(a[0]))
        except OSError:
            raise TclError(f'could not read "{a[0]}": no such file or directory') from None
    if sub == "mtime":
        return str(int(os.path.getmtime(a[0])))
    if sub == "channels":
        import fnmatch
        names = ["stdin", "stdout", "stderr"] + sorted(interp.channels)
        return format_list([n for n in dict.fromkeys(names)
                            if not a or fnmatch.fnmatchcase(n, a[0])])
    if sub in ("rename", "copy"):
        from .filecopy import copy_or_rename
        return copy_or_rename(sub, a)
    raise TclError(f'unknown or ambiguous subcommand "{sub}": must be channels, copy, delete, dirname, '
                   f'exists, extension, isdirectory, isfile, join, mkdir, mtime, normalize, '
                   f'readable, rename, rootname, size, split, tail, or writable')


@cmd("glob", "glob ?switches? ?pattern ...?", 1)
def _glob(interp, args):
    nocomplain, directory = False, None
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-nocomplain":
            nocomplain = True
        elif args[i] == "-directory":
            i += 1
            directory = args[i]
        elif args[i] == "-types":
            i += 1
        elif args[i] == "--":
            i += 1
            break
        i += 1
    found = []
    for pat in args[i:]:
        full = os.path.join(directory, pat) if directory else pat
        found += globmod.glob(full)
    if not found and not nocomplain:
        raise TclError(f'no files matched glob pattern{"s" if len(args[i:]) > 1 else ""} '
                       f'"{" ".join(args[i:])}"')
    return format_list(found)


@cmd("exec", "exec ?-option ...? arg ?arg ...?", 1)
def _exec(interp, args):
    ignore_stderr = False
    while args and args[0].startswith("-") and args[0] in ("-ignorestderr", "-keepnewline", "--"):
        if args[0] == "-ignorestderr":
            ignore_stderr = True
        args = args[1:]
        if args and args[-1:] == ["--"]:
            break
    background = bool(args) and args[-1] == "&"
    if background:
        args = args[:-1]
    cmdline = " ".join(shlex.quote(a) if a not in ("|", "<", ">", "2>", ">>", "2>&1") and
                       not a.startswith(("<", ">", "2>")) else a for a in args)
    if background:
        p = subprocess.Popen(cmdline, shell=True)
        return str(p.pid)
    try:
        p = subprocess.run(cmdline, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           text=True)
    except OSError as e:
        raise TclError(f'couldn\'t execute "{args[0]}": {e.strerror}') from None
    out = p.stdout[:-1] if p.stdout.endswith("\n") else p.stdout
    if p.returncode != 0:
        msg = (out + ("\n" if out and p.stderr else "") + p.stderr.rstrip("\n")) or \
            "child process exited abnormally"
        if p.returncode == 127 and "not found" in p.stderr:
            msg = f'couldn\'t execute "{args[0]}": no such file or directory'
        raise TclError(msg, f"CHILDSTATUS {p.returncode}")
    if p.stderr and not ignore_stderr:
        raise TclError(out + ("\n" if out else "") + p.stderr.rstrip("\n"))
    return out


@cmd("pwd", "pwd", 0, 0)
def _pwd(interp, args):
    return os.getcwd()


@cmd("cd", "cd ?dirName?", 0, 1)
def _cd(interp, args):
    target = args[0] if args else os.path.expanduser("~")
    try:
        os.chdir(target)
    except OSError:
        raise TclError(f'couldn\'t change working directory to "{target}": '
                       f'no such file or directory') from None
    return ""


@cmd("clock", "clock subcommand ?arg ...?", 1)
def _clock(interp, args):
    sub = args[0]
    if sub == "seconds":
        return str(int(time.time()))
    if sub == "milliseconds":
        return str(int(time.time() * 1000))
    if sub == "microseconds":
        return str(int(time.time() * 1e6))
    if sub == "clicks":
        return str(time.perf_counter_ns() // 1000)
    if sub == "format":
        t = numbers.get_int(args[1])
        fmt = "%a %b %d %H:%M:%S %Z %Y"
        gmt = False
        rest = args[2:]
        for k in range(0, len(rest) - 1, 2):
            if rest[k] == "-format":
                fmt = rest[k + 1]
            elif rest[k] == "-gmt":
                gmt = numbers.get_bool(rest[k + 1])
        try:
            return time.strftime(fmt, time.gmtime(t) if gmt else time.localtime(t))
        except (OverflowError, OSError, ValueError):
            # Tcl formats any year; the C library under time.strftime cannot
            raise TclError(f'clock value "{args[1]}" is beyond the dates lens_py can format') \
                from None
    raise TclError(f'unknown or ambiguous subcommand "{sub}": must be add, clicks, format, '
                   f'microseconds, milliseconds, scan, or seconds')


@cmd("after", "after ms ?script ...?", 1)
def _after(interp, args):
    ms = numbers.parse_int(args[0])
    if ms is None:
        raise TclError(f'bad argument "{args[0]}": must be cancel, idle, info, or an integer')
    if len(args) > 1:
        raise TclError("after with a script needs an event loop, which lens_py does not run")
    time.sleep(max(0, ms) / 1000.0)
    return ""
