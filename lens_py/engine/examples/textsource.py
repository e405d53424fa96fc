"""The text of an example file or pipe, decoded a chunk at a time, for the
text reader: whole lines for its character-level parser, and the unread text
itself for its bulk path (reader.py).

The unread text is `buf[pos:]` and always starts at the beginning of a line.
Reads take what the stream has ready (`read1`), so a PIPE generator that
writes one example and waits is read one example at a time, never blocked on.
"""
from __future__ import annotations

import codecs

CHUNK = 1 << 18
_BLANK = " \t\n\v\f\r"


class TextSource:
    def __init__(self, stream, prefix: bytes = b"", chunk: int | None = None):
        self.stream = stream
        self._read = getattr(stream, "read1", None) or stream.read
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.chunk = chunk or CHUNK
        self.buf = self._decoder.decode(prefix)
        self.pos = 0
        self.eof = False

    def fill(self) -> bool:
        """Append what the stream has next (dropping what was read); False at
        the end of the stream."""
        if self.eof:
            return False
        data = self._read(self.chunk)
        if isinstance(data, str):
            data = data.encode("utf-8")
        text = self._decoder.decode(data, final=not data)
        if not data:
            self.eof = True
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return bool(data) or bool(text)

    def readline(self) -> str:
        """The next line with its newline ("" at the end of the text)."""
        while True:
            end = self.buf.find("\n", self.pos)
            if end >= 0:
                line = self.buf[self.pos:end + 1]
                self.pos = end + 1
                return line
            if not self.fill():
                line = self.buf[self.pos:]
                self.pos = len(self.buf)
                return line

    def find(self, char: str, offset: int = 0) -> int:
        """Where `char` is next in the unread text, at or after `offset` (both
        counted from `pos`, which reading more keeps valid), reading more
        while it is not there; -1 if the text ends first."""
        while True:
            k = self.buf.find(char, self.pos + offset)
            if k >= 0:
                return k - self.pos
            if self.eof:
                return -1
            offset = max(0, len(self.buf) - self.pos)
            self.fill()

    def skip_blank_lines(self) -> int:
        """Skip whole blank lines and `#` comment lines; how many were skipped."""
        skipped = 0
        while True:
            if self.pos >= len(self.buf) and not self.fill():
                return skipped
            c = self.buf[self.pos]
            if c not in _BLANK and c != "#":
                return skipped
            end = self.find("\n")
            line = self.buf[self.pos:] if end < 0 else self.buf[self.pos:self.pos + end]
            if c != "#" and line.strip(_BLANK):
                return skipped
            self.pos = len(self.buf) if end < 0 else self.pos + end + 1
            skipped += 1

    def at_end(self) -> bool:
        return self.pos >= len(self.buf) and not self.fill()
