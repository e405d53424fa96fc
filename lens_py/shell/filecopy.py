"""`file copy` and `file rename`, as tclsh 8.6 words them, and atomic: a
copied file is written beside its target, fsynced and renamed over it, so a
full disk leaves the old target whole (tclsh would have deleted it) and no
partial copy behind.  A rename within a file system is the system's own;
across file systems it is such a copy, then the source goes.  (The engine's
lensfiles does the same for Lens's files; the shell imports nothing of the
engine, so it has this small copy of its own.)"""
from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile

from .errors import TclError, posix_error_code

_CHUNK = 1 << 20


def copy_or_rename(sub: str, args) -> str:
    force, names = _options(sub, args)
    *sources, target = names
    into = os.path.isdir(target)
    if len(sources) > 1 and not into:
        raise TclError(f'error {_verb(sub)}: target "{target}" is not a directory',
                       f"POSIX ENOTDIR {{{os.strerror(errno.ENOTDIR).lower()}}}")
    for source in sources:
        dest = os.path.join(target, os.path.basename(source.rstrip("/"))) if into else target
        try:
            _one(sub, source, dest, force)
        except OSError as e:
            raise _error(sub, source, dest, e) from None
    return ""


def _options(sub: str, args):
    force = False
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "--":
            i += 1
            break
        if args[i] != "-force":
            raise TclError(f'bad option "{args[i]}": must be -force or --',
                           f"TCL LOOKUP INDEX option {args[i]}")
        force = True
        i += 1
    names = list(args[i:])
    if len(names) < 2:
        raise TclError(f'wrong # args: should be "file {sub} ?-option value ...? source '
                       f'?source ...? target"', "TCL WRONGARGS")
    return force, names


def _verb(sub: str) -> str:
    return "renaming" if sub == "rename" else "copying"


class _NoSource(FileNotFoundError):
    """The source is missing: tclsh names it alone."""


def _error(sub: str, source: str, dest: str, e: OSError) -> TclError:
    code = posix_error_code(e)
    words = (e.strerror or str(e)).lower()
    if e.errno == errno.EEXIST:         # Tcl's own words for it
        words = "file already exists"
        code = f"POSIX EEXIST {{{words}}}"
    if isinstance(e, _NoSource):
        return TclError(f'error {_verb(sub)} "{source}": {words}', code)
    return TclError(f'error {_verb(sub)} "{source}" to "{dest}": {words}', code)


def _one(sub: str, source: str, dest: str, force: bool) -> None:
    if not os.path.lexists(source):
        raise _NoSource(errno.ENOENT, os.strerror(errno.ENOENT))
    if os.path.lexists(dest) and not force:
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST))
    if sub == "rename":
        try:
            os.replace(source, dest)
            return
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
        _copy(source, dest)
        if os.path.isdir(source) and not os.path.islink(source):
            shutil.rmtree(source)
        else:
            os.unlink(source)
        return
    _copy(source, dest)


def _copy(source: str, dest: str) -> None:
    if os.path.islink(source):          # the link itself, as tclsh copies it
        if os.path.lexists(dest):
            os.unlink(dest)
        os.symlink(os.readlink(source), dest)
        return
    if os.path.isdir(source):
        shutil.copytree(source, dest, symlinks=True, dirs_exist_ok=True)
        return
    real = os.path.realpath(dest) if os.path.islink(dest) else dest
    fd, temp = tempfile.mkstemp(prefix=f".{os.path.basename(real)}.tcl-copy-", suffix=".tmp",
                                dir=os.path.dirname(os.path.abspath(real)))
    try:
        with open(source, "rb") as src, os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(src, out, _CHUNK)
            out.flush()
            os.fsync(out.fileno())
        with contextlib.suppress(OSError):
            shutil.copystat(source, temp)
        os.replace(temp, real)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
