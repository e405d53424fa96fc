"""Lens's file naming and the one way lens_py reads and writes files.

Names: `-` is stdin/stdout, `|cmd` a pipe to or from a shell command, names
ending .gz/.Z/.bz2/.bz are (de)compressed, and a name that does not exist is
tried again with those endings appended when reading.  Instead of a name a
caller may pass an open stream (a Tcl channel given as `-channel`, which the
commands layer resolves): it is read or written as it is, flushed, and left
open.

Writing (`open_write` for a whole file, `WriteStream` for one that grows):
* a regular file, or a new name, is written to a temporary file beside it
  (`.NAME.lens_py-PID-XXXX.tmp`), flushed, fsynced and renamed over it, so an
  error, Ctrl-C or kill half-way leaves the old file whole; the temporary
  files of a save that was killed are removed by the next save beside them;
* a symbolic link is written through: the file it names is replaced, the link
  stays;
* a device, FIFO or socket is written directly (a rename would replace the
  node), as are appends and growing files; when such a write fails, a regular
  file is cut back to its last whole part (an append to the file's old
  length, a growing file to its last whole record);
* every OS error -- opening, writing, flushing, fsyncing, closing, renaming:
  a full disk, a file size limit, no permission -- is a LensFileError that
  names the file and the reason.

Reading: a corrupt or truncated compressed file is a LensFileError too.
"""
from __future__ import annotations

import bz2
import contextlib
import glob
import gzip
import io
import os
import stat
import subprocess
import sys
import tempfile
import zlib

COMPRESSED_SUFFIXES = (".gz", ".Z", ".bz2", ".bz")
TEMP_MARK = ".lens_py-"


class LensFileError(Exception):
    """A file could not be opened, read or written; the message names it,
    `why` is the reason alone (the OS's words), when there is one."""

    def __init__(self, message: str, why: str | None = None, error: OSError | None = None,
                 name: str | None = None):
        super().__init__(message)
        self.why = why
        self.error = error          # the OS error behind it, when there is one
        self.name = name            # the file, when the writer knows it


def reason(e: BaseException) -> str:
    """An OS error in words (`No space left on device`)."""
    if isinstance(e, OSError) and e.strerror:
        return e.strerror
    return str(e) or type(e).__name__


def is_stream(target) -> bool:
    """An already open stream rather than a file name."""
    return not isinstance(target, (str, os.PathLike))


def target_name(target) -> str:
    return target if isinstance(target, str) else str(getattr(target, "name", target))


def _compressor(name: str):
    if name.endswith((".gz", ".Z")):
        return "gzip"
    if name.endswith((".bz2", ".bz")):
        return "bz2"
    return None


# -- reading -----------------------------------------------------------------------------

def resolve_read_name(name: str) -> str:
    """The name that will actually be read: `name`, or it with a compression
    suffix appended when only that exists."""
    if name == "-" or name.startswith("|") or os.path.exists(name):
        return name
    for suffix in COMPRESSED_SUFFIXES:
        if os.path.exists(name + suffix):
            return name + suffix
    return name


def open_read(target, binary: bool = False):
    """A readable stream for a Lens file name or an open stream (caller closes
    it with close_stream; a stream passed in is left open).

    `|cmd` streams the command's standard output; the returned object's
    close() waits for the command."""
    if is_stream(target):
        return _Borrowed(target)
    name = target
    if name == "-":
        return sys.stdin.buffer if binary else sys.stdin
    if name.startswith("|"):
        return _PipeReader(name[1:], binary)
    real = resolve_read_name(name)
    if not os.path.exists(real):
        raise LensFileError(f'couldn\'t open the file "{name}"')
    kind = _compressor(real)
    try:
        if kind is not None:
            # A file that merely carries the suffix but is not compressed is read as is.
            with open(real, "rb") as probe:
                magic = probe.read(3)
            if not magic.startswith(b"\x1f\x8b" if kind == "gzip" else b"BZh"):
                kind = None
        if kind is None:
            return open(real, "rb") if binary else open(real, "r", newline="")
        raw = gzip.open(real, "rb") if kind == "gzip" else bz2.open(real, "rb")
        checked = _CheckedReader(raw, name)
        return checked if binary else io.TextIOWrapper(checked, newline="")
    except OSError as e:
        raise LensFileError(f'couldn\'t open the file "{name}": {reason(e)}', reason(e),
                            e) from None


class _CheckedReader(io.RawIOBase):
    """A decompressing stream whose corrupt or truncated data is a
    LensFileError, not zlib's or the gzip module's own exceptions."""

    def __init__(self, stream, name: str):
        self.stream = stream
        self.name = name

    def _guard(self, read, *args):
        try:
            return read(*args)
        except EOFError:
            raise LensFileError(f'the compressed file "{self.name}" is truncated') from None
        except (OSError, zlib.error, ValueError) as e:
            raise LensFileError(f'the compressed file "{self.name}" is corrupt: '
                                f'{reason(e)}') from None

    def read(self, size=-1):
        return self._guard(self.stream.read, size)

    def read1(self, size=-1):
        return self._guard(self.stream.read1, size)

    def readinto(self, buffer):
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readable(self):
        return True

    def close(self):
        with contextlib.suppress(OSError, EOFError, zlib.error):
            self.stream.close()
        super().close()


class _Borrowed:
    """A stream lent by the caller: read through, never closed here."""

    def __init__(self, stream):
        self.stream = stream
        self.name = target_name(stream)

    def read(self, size=-1):
        try:
            return self.stream.read(size)
        except OSError as e:
            raise LensFileError(f'couldn\'t read "{self.name}": {reason(e)}') from None

    def close(self):
        pass


def close_stream(stream) -> None:
    """Close a stream opened by open_read (never the process's stdin)."""
    if stream in (sys.stdin, getattr(sys.stdin, "buffer", None)):
        return
    try:
        stream.close()
    except Exception:
        pass


class _PipeReader(io.RawIOBase):
    """Bytes (or lines) from a shell command's standard output."""

    def __init__(self, command: str, binary: bool):
        self.command = command
        self.proc = subprocess.Popen(command, shell=True, stdout=subprocess.PIPE,
                                     text=not binary, bufsize=1 if not binary else -1)
        self.stream = self.proc.stdout
        if binary:
            self.read1 = self.stream.read1

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


# -- writing ------------------------------------------------------------------------------

# Called with each file name about to be written, before a link is followed:
# a sweep's run uses it to make a name that links into the user's folder the
# run's own file first (lens_py.sweep.folder).
BEFORE_WRITE: list = []


class WriteStream:
    """An open output: `write` takes text (or bytes when binary), `commit`
    finishes it (for a temporary file: fsync and rename over the target),
    `abandon` drops it (the temporary file is removed, the target untouched).
    Every OS error is raised as a LensFileError naming the file.

    A file written in place (an append, a growing file, a device or a pipe)
    is written from memory, with no buffer of Python's in between, up to its
    last `checkpoint` (or `commit`): when writing fails, what was not yet
    written is dropped and a regular file is cut back to its length at the
    last checkpoint (for an append: its old length), so it never ends in half
    a part.  A compressed file that failed so cannot go on (the compressor's
    state is lost with the bytes) and says so at every later write."""

    def __init__(self, target, binary: bool = False, append: bool = False,
                 atomic: bool = True):
        self.name = target_name(target)
        self.binary = binary
        self._proc = None
        self._raw = self._packed = self._text = None
        self._temp = None
        self._path = None
        self._borrowed = is_stream(target)
        self._direct = False        # written in place, from `_pending`
        self._pending = bytearray()
        self._sink = None           # what the compressor of a direct write produced
        self._mark = None           # a regular file's length at the last checkpoint
        self._broken = None
        self._created = False
        try:
            self._open(target, append, atomic)
        except OSError as e:
            self.abandon()
            raise LensFileError(f'couldn\'t open the file "{self.name}": {reason(e)}',
                                reason(e), e, self.name) from None

    # -- opening --------------------------------------------------------------------
    def _open(self, target, append: bool, atomic: bool) -> None:
        if self._borrowed:
            self._top = target
            return
        name = target
        if name == "-":
            self._borrowed = True
            self._top = sys.stdout.buffer if self.binary else sys.stdout
            return
        if name.startswith("|"):
            self._proc = subprocess.Popen(name[1:], shell=True, stdin=subprocess.PIPE)
            self._raw = self._proc.stdin
            self._direct_layers(None)
            return
        for hook in BEFORE_WRITE:
            hook(name, append)
        path = os.path.realpath(name) if os.path.islink(name) else name
        self._path = path
        kind = _file_kind(path)
        if kind == "directory":
            raise IsADirectoryError(21, "Is a directory")
        if append or not atomic or kind == "special":
            # an append that fails leaves no file where there was none
            self._created = append and kind == "missing"
            self._raw = open(path, "ab" if append else "wb", buffering=0)
            if stat.S_ISREG(os.fstat(self._raw.fileno()).st_mode):
                self._mark = os.fstat(self._raw.fileno()).st_size
            self._direct_layers(_compressor(name))
            return
        folder = os.path.dirname(os.path.abspath(path))
        fd, self._temp = tempfile.mkstemp(
            prefix=f".{os.path.basename(path)}{TEMP_MARK}{os.getpid()}-", suffix=".tmp",
            dir=folder)
        self._raw = os.fdopen(fd, "wb")
        top = self._raw
        compression = _compressor(name)
        if compression == "gzip":
            top = self._packed = gzip.GzipFile(filename="", mode="wb", fileobj=top)
        elif compression == "bz2":
            top = self._packed = bz2.BZ2File(top, "wb")
        if not self.binary:
            top = self._text = io.TextIOWrapper(top, encoding="utf-8", newline="")
        self._top = top

    def _direct_layers(self, compression) -> None:
        self._direct = True
        if compression == "gzip":
            self._sink = io.BytesIO()
            self._packed = gzip.GzipFile(filename="", mode="wb", fileobj=self._sink)
        elif compression == "bz2":
            self._sink = io.BytesIO()
            self._packed = bz2.BZ2File(self._sink, "wb")

    # -- writing ---------------------------------------------------------------------
    def write(self, data) -> None:
        if not self._direct:
            try:
                self._top.write(data)
            except OSError as e:
                raise _write_error(self.name, e) from None
            return
        if self._broken is not None:
            raise self._broken
        if not self.binary:
            data = data.encode("utf-8", "surrogateescape")
        if self._packed is not None:
            self._packed.write(data)
            data = self._take_sink()
        self._pending += data
        if len(self._pending) >= _DRAIN_AT:
            self._drain()

    def flush(self) -> None:
        """What was written reaches the file (no new checkpoint)."""
        if self._direct:
            if self._packed is not None:
                self._packed.flush()
                self._pending += self._take_sink()
            self._drain()
            return
        try:
            self._top.flush()
        except OSError as e:
            raise _write_error(self.name, e) from None

    def checkpoint(self) -> None:
        """Everything written so far is whole: a later failure cuts the file
        back to here, not further."""
        self.flush()
        if self._direct and self._mark is not None:
            self._mark = os.fstat(self._raw.fileno()).st_size

    def _take_sink(self) -> bytes:
        data = self._sink.getvalue()
        self._sink.seek(0)
        self._sink.truncate()
        return data

    def _drain(self) -> None:
        """Write `_pending` to the file, every byte or a LensFileError (the
        file then cut back to the last checkpoint)."""
        if self._broken is not None:
            raise self._broken
        try:
            view = memoryview(self._pending)
            while len(view):
                done = self._raw.write(view)
                view = view[done if done is not None else 0:]
            view.release()
            self._pending.clear()
            if self._proc is not None:
                self._raw.flush()
        except OSError as e:
            view.release()
            raise self._fail(e) from None

    def _fail(self, e: OSError) -> LensFileError:
        """Drop what was not written and cut the file back to its last
        whole part."""
        error = _write_error(self.name, e)
        self._pending.clear()
        self._cut_back()
        if self._packed is not None:
            self._broken = LensFileError(
                f'couldn\'t write the file "{self.name}": an earlier write failed '
                f'({reason(e)})', reason(e), e)
        return error

    def _cut_back(self, last: bool = False) -> None:
        if self._mark is None:
            return
        with contextlib.suppress(OSError):
            if last and self._created and self._mark == 0:
                os.unlink(self._path)
            else:
                os.ftruncate(self._raw.fileno(), self._mark)

    def commit(self) -> None:
        """Everything written reaches the file (or is handed to the stream)."""
        try:
            if self._borrowed:
                self._top.flush()
                return
            if self._direct:
                self._commit_direct()
                return
            if self._text is not None:
                self._text.flush()
                self._text.detach()
                self._text = None
            if self._packed is not None:
                self._packed.close()        # writes the trailer; leaves _raw open
                self._packed = None
            raw, self._raw = self._raw, None
            try:
                raw.flush()
                os.fsync(raw.fileno())
            finally:
                raw.close()
            _keep_mode(self._temp, self._path)
            os.replace(self._temp, self._path)
            self._temp = None
            _sync_folder(self._path)
            _remove_stale_temps(self._path)
        except OSError as e:
            self.abandon()
            raise _write_error(self.name, e) from None

    def _commit_direct(self) -> None:
        if self._broken is not None:
            self.abandon()
            raise self._broken
        try:
            if self._packed is not None:
                self._packed.close()        # the trailer, into the sink
                self._packed = None
                self._pending += self._take_sink()
            self._drain()
            if self._mark is not None:
                try:
                    os.fsync(self._raw.fileno())
                except OSError as e:
                    raise self._fail(e) from None
            raw, self._raw = self._raw, None
            try:
                raw.close()
            except OSError as e:
                raise _write_error(self.name, e) from None
            if self._proc is not None:
                self._proc.wait()
                self._proc = None
        except LensFileError:
            self.abandon()
            raise

    def abandon(self) -> None:
        """Stop without committing: a temporary file is removed, a file
        written in place cut back to its last checkpoint (quietly)."""
        if self._borrowed:
            return
        if self._direct and self._raw is not None:
            self._cut_back(last=True)
        self._pending.clear()
        for layer in (self._text, self._packed, self._raw):
            if layer is not None:
                with contextlib.suppress(Exception):
                    if layer is self._text:
                        layer.detach()
                    else:
                        layer.close()
        self._text = self._packed = self._raw = None
        if self._proc is not None:
            with contextlib.suppress(Exception):
                self._proc.wait()
            self._proc = None
        if self._temp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._temp)
            self._temp = None

    close = commit


# A direct write holds at most this much in memory before writing it out.
_DRAIN_AT = 1 << 20


def _write_error(name: str, e: OSError) -> LensFileError:
    return LensFileError(f'couldn\'t write the file "{name}": {reason(e)}', reason(e), e, name)


@contextlib.contextmanager
def open_write(target, binary: bool = False, append: bool = False):
    """A writable stream for a Lens file name (or an open stream), committed
    when the block ends without an error and abandoned when it raises (a real
    file is then left as it was)."""
    out = WriteStream(target, binary, append)
    try:
        yield out
    except BaseException:
        out.abandon()
        raise
    out.commit()


def _file_kind(path: str) -> str:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "missing"
    if stat.S_ISREG(mode):
        return "regular"
    if stat.S_ISDIR(mode):
        return "directory"
    return "special"


def _keep_mode(temp: str, path: str) -> None:
    """The replaced file's permissions, or a new file's usual ones."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):
        os.chmod(temp, mode)


def _sync_folder(path: str) -> None:
    """The rename itself survives a crash once the folder is synced."""
    with contextlib.suppress(OSError):
        fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_stale_temps(path: str) -> None:
    """Temporary files of earlier saves to this path whose process is gone."""
    folder = os.path.dirname(os.path.abspath(path))
    pattern = os.path.join(glob.escape(folder),
                           f".{glob.escape(os.path.basename(path))}{TEMP_MARK}*-*.tmp")
    for temp in glob.glob(pattern):
        pid = os.path.basename(temp)[len(os.path.basename(path)) + 1 + len(TEMP_MARK):]
        pid = pid.split("-", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True         # someone else's process
    return True
