"""Lens's file naming, shared by every command that reads or writes a file
(SPEC §1.10): `-` is stdin/stdout, `|cmd` is a pipe to or from a shell
command, names ending .gz/.Z/.bz/.bz2 are (de)compressed, and a name that
does not exist is tried again with those endings appended when reading.

Writing to a real file is atomic: the data goes to a temporary file in the
same folder, which replaces the target only once it is complete, so an error
or Ctrl-C half-way never leaves a truncated weight or example file.
"""
from __future__ import annotations

import bz2
import contextlib
import gzip
import io
import os
import subprocess
import sys
import tempfile

COMPRESSED_SUFFIXES = (".gz", ".Z", ".bz2", ".bz")


class LensFileError(Exception):
    """A file could not be opened; the message names it as Lens does."""


def _decompressor(name: str):
    if name.endswith((".gz", ".Z")):
        return gzip.open
    if name.endswith((".bz2", ".bz")):
        return bz2.open
    return None


def resolve_read_name(name: str) -> str:
    """The name that will actually be read: `name`, or it with a compression
    suffix appended when only that exists."""
    if name == "-" or name.startswith("|") or os.path.exists(name):
        return name
    for suffix in COMPRESSED_SUFFIXES:
        if os.path.exists(name + suffix):
            return name + suffix
    return name


def open_read(name: str, binary: bool = False):
    """A readable stream for a Lens file name (caller closes it).

    `|cmd` streams the command's standard output; the returned object's
    close() waits for the command."""
    if name == "-":
        return sys.stdin.buffer if binary else sys.stdin
    if name.startswith("|"):
        return _PipeReader(name[1:], binary)
    real = resolve_read_name(name)
    if not os.path.exists(real):
        raise LensFileError(f'couldn\'t open the file "{name}"')
    opener = _decompressor(real)
    try:
        if opener is not None:
            # A file that merely carries the suffix but is not compressed is read as is.
            with open(real, "rb") as probe:
                magic = probe.read(2)
            if (opener is gzip.open and magic != b"\x1f\x8b") or \
                    (opener is bz2.open and magic != b"BZ"):
                opener = None
        if opener is None:
            return open(real, "rb") if binary else open(real, "r", newline="")
        return opener(real, "rb") if binary else opener(real, "rt", newline="")
    except OSError as e:
        raise LensFileError(f'couldn\'t open the file "{name}": {e.strerror or e}') from None


def close_stream(stream) -> None:
    """Close a stream opened by open_read (never the process's stdin)."""
    if stream in (sys.stdin, getattr(sys.stdin, "buffer", None)):
        return
    try:
        stream.close()
    except Exception:
        pass


class _PipeReader(io.TextIOBase):
    """Lines or bytes from a shell command's standard output."""

    def __init__(self, command: str, binary: bool):
        self.command = command
        self.proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE,
                                     text=not binary, bufsize=1 if not binary else -1)
        self.stream = self.proc.stdout

    def read(self, size=-1):
        return self.stream.read(size)

    def readline(self, size=-1):
        return self.stream.readline(size)

    def __iter__(self):
        return iter(self.stream.readline, "")

    def readable(self):
        return True

    def close(self):
        if self.proc is not None:
            with contextlib.suppress(OSError):
                self.stream.close()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None
        super().close()


@contextlib.contextmanager
def open_write(name: str, binary: bool = False, append: bool = False):
    """A writable stream for a Lens file name, committed when the block ends
    without an error.  Real files are written atomically (appends are not:
    they add to what is there)."""
    if name == "-":
        stream = sys.stdout.buffer if binary else sys.stdout
        yield stream
        stream.flush()
        return
    if name.startswith("|"):
        proc = subprocess.Popen(name[1:], shell=True, stdin=subprocess.PIPE, text=not binary)
        try:
            yield proc.stdin
        finally:
            proc.stdin.close()
            proc.wait()
        return
    opener = _decompressor(name)
    if append:
        mode = "ab" if binary else "at"
        f = opener(name, mode) if opener else open(name, "ab" if binary else "a")
        with f:
            yield f
        return
    folder = os.path.dirname(os.path.abspath(name))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".lens_py-", suffix=".tmp", dir=folder)
    except OSError as e:
        raise LensFileError(f'couldn\'t write the file "{name}": {e.strerror or e}') from None
    os.close(fd)
    try:
        if opener is not None:
            f = opener(tmp, "wb" if binary else "wt")
        else:
            f = open(tmp, "wb") if binary else open(tmp, "w", newline="")
        with f:
            yield f
        if os.path.exists(name):
            with contextlib.suppress(OSError):
                os.chmod(tmp, os.stat(name).st_mode & 0o7777)
        else:
            with contextlib.suppress(OSError):
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
