"""Open Tcl channels as Lens file names.

Wherever a Lens command takes a file name, `-NAME` names an open channel
(`set f [open out.txt w]; printUnitValues -$f output`), `-stdout`/`-stderr`/
`-stdin` the standard ones, and `-` standard output (or input).  The channel
must be open the right way; the command flushes it and leaves it open.  A
word that starts with `-` but names no open channel is an error, as in Lens,
never a file of that name.

The engine never sees the shell: `file_target` hands it a `ChannelFile`, a
stream with the read/write/flush it expects (lensfiles accepts open streams).
"""
from __future__ import annotations

from ..shell.errors import TclError


class ChannelFile:
    """A Tcl channel seen as a stream of bytes (or text) by the engine.

    Bytes are passed through the channel's text layer unchanged (the file
    channels of `open` encode with surrogate escapes, so any byte survives);
    the process's own stdout takes them on its byte buffer."""

    def __init__(self, channel, word: str):
        self.channel = channel
        self.name = word

    def _fail(self, e: Exception) -> OSError:
        message = getattr(e, "message", None) or str(e)
        return OSError(0, message)

    def write(self, data) -> None:
        try:
            if isinstance(data, (bytes, bytearray, memoryview)):
                raw = getattr(getattr(self.channel, "stream", None), "buffer", None)
                if raw is not None:
                    self.channel.flush()
                    raw.write(bytes(data))
                    return
                data = bytes(data).decode("utf-8", "surrogateescape")
            self.channel.write(data)
        except (TclError, ValueError, OSError, UnicodeError) as e:
            raise self._fail(e) from None

    def flush(self) -> None:
        try:
            self.channel.flush()
            raw = getattr(getattr(self.channel, "stream", None), "buffer", None)
            if raw is not None:
                raw.flush()
        except (TclError, ValueError, OSError) as e:
            raise self._fail(e) from None

    def read(self, size: int = -1) -> bytes:
        try:
            text = self.channel.read(size if size is not None else -1)
        except (TclError, ValueError, OSError) as e:
            raise self._fail(e) from None
        return text.encode("utf-8", "surrogateescape")


def file_target(interp, word: str, mode: str, who: str, wording: str | None = None):
    """What to hand the engine for a file-name argument: the word itself, or
    the open channel it names (`mode` "r" or "w").  `who` and `wording` make
    Lens's message when the channel cannot be used (by default `<who>:
    couldn't open the file "<word>"`)."""
    if not word.startswith("-"):
        return word
    name = word[1:] or ("stdin" if mode == "r" else "stdout")
    channel = interp.channels.get(name)
    usable = channel is not None and getattr(channel, "readable" if mode == "r" else "writable",
                                             False)
    if not usable:
        raise TclError(wording or f'{who}: couldn\'t open the file "{word}"')
    return ChannelFile(channel, word)
