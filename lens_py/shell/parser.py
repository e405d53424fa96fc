"""Tcl's word rules (the dodekalogue), parsed once per script and cached.

A script parses to a tuple of `Command`s.  A word is either a plain `str`
(nothing to substitute: the common case, returned as is at run time) or a
`Compound` tuple of parts, each part a `str`, a `VarRef` or a `CmdSub`.
"""
from __future__ import annotations

import re

from .errors import TclError

WHITESPACE = " \t\v\f\r"
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v"}
_VARNAME = re.compile(r"(?:\w|::+)+")
_HEX = set("0123456789abcdefABCDEF")


class Compound(tuple):
    """A word made of several parts, concatenated after substitution."""
    __slots__ = ()


class VarRef:
    __slots__ = ("name", "index")

    def __init__(self, name: str, index):
        self.name = name
        self.index = index  # None, or a word (str / Compound) for arrays

    def __repr__(self):
        return f"VarRef({self.name!r}, {self.index!r})"


class CmdSub:
    """A `[script]`, with the commands it parsed to: evaluating it needs no
    second parse, so nesting costs time linear in the text."""
    __slots__ = ("script", "commands")

    def __init__(self, script: str, commands: tuple):
        self.script = script
        self.commands = commands

    def __repr__(self):
        return f"CmdSub({self.script!r})"


class Command:
    __slots__ = ("words", "expand", "line", "text", "literal", "bound")

    def __init__(self, words, expand, line, text):
        self.words = words      # tuple of words
        self.expand = expand    # None, or tuple of bools ({*} words)
        self.line = line        # 1-based line of the command within its script
        self.text = text        # the command's source text (for errorInfo)
        # every word plain text, none expanded: its words are its arguments
        self.literal = words is not None and expand is None and \
            all(type(w) is str for w in words)
        # (interpreter's binding token, what the command word runs): kept by
        # Interp.run_commands while no command, proc or alias changes
        self.bound = None


def backslash(text: str, i: int) -> tuple[str, int]:
    """Substitute the backslash sequence starting at text[i] == '\\'."""
    n = len(text)
    if i + 1 >= n:
        return "\\", i + 1
    c = text[i + 1]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 2
    if c == "\n":
        j = i + 2
        while j < n and text[j] in " \t":
            j += 1
        return " ", j
    if c in "01234567":
        j = i + 1
        while j < n and j < i + 4 and text[j] in "01234567":
            j += 1
        return chr(int(text[i + 1:j], 8) & 0xFF), j
    if c in "xuU":
        limit = {"x": 2, "u": 4, "U": 8}[c]
        j = i + 2
        while j < n and j < i + 2 + limit and text[j] in _HEX:
            j += 1
        if j == i + 2:
            return c, i + 2
        code = int(text[i + 2:j], 16)
        if c == "U" and code > 0x10FFFF:
            # Tcl stops at the longest prefix that is a valid code point.
            while code > 0x10FFFF:
                j -= 1
                code = int(text[i + 2:j], 16)
        return chr(code), j
    return c, i + 2


class _Parser:
    __slots__ = ("text", "pos", "n", "nested")

    def __init__(self, text: str, pos: int = 0, nested: bool = False):
        self.text = text
        self.pos = pos
        self.n = len(text)
        self.nested = nested

    # -- script level -----------------------------------------------------
    def script(self, lazy_errors: bool = False) -> tuple:
        """The commands up to the end (or `]` when nested).  With lazy_errors a
        syntax error becomes a last command whose `words` is None and whose
        `expand` holds the message, raised only when execution reaches it."""
        text, n = self.text, self.n
        commands = []
        line = 1
        counted = self.pos      # lines count from the script's own start
        while True:
            # Skip separators and comments before a command.
            while self.pos < n:
                c = text[self.pos]
                if c in WHITESPACE or c == "\n" or c == ";":
                    self.pos += 1
                elif c == "\\" and self.pos + 1 < n and text[self.pos + 1] == "\n":
                    self.pos += 2
                elif c == "#":
                    self._skip_comment()
                else:
                    break
            if self.pos >= n:
                if self.nested:
                    raise TclError("missing close-bracket")
                break
            if self.nested and text[self.pos] == "]":
                self.pos += 1
                break
            start = self.pos
            line += text.count("\n", counted, start)
            counted = start
            if lazy_errors:
                # Tcl runs the commands before a syntax error, then fails there.
                try:
                    words, expand, closed = self._command()
                except TclError as e:
                    line_end = text.find("\n", start)
                    src = text[start:line_end if line_end >= 0 else n]
                    commands.append(Command(None, e.message, line, src))
                    break
            else:
                words, expand, closed = self._command()
            end = self.pos
            if words:
                # A nested script's last command ends at its one closing `]`.
                src = text[start:end - 1] if closed else text[start:end]
                commands.append(Command(tuple(words), expand, line, src.rstrip(";\n")))
            if closed:
                break
        return tuple(commands)

    def _skip_comment(self) -> None:
        text, n = self.text, self.n
        i = self.pos
        while i < n:
            c = text[i]
            if c == "\\" and i + 1 < n:
                i += 2
                continue
            if c == "\n":
                break
            i += 1
        self.pos = i

    def _command(self):
        """Parse words up to the end of one command.  Returns (words, expand, closed)."""
        text, n = self.text, self.n
        words = []
        flags = []
        closed = False
        while True:
            while self.pos < n:
                c = text[self.pos]
                if c in WHITESPACE:
                    self.pos += 1
                elif c == "\\" and self.pos + 1 < n and text[self.pos + 1] == "\n":
                    _, self.pos = backslash(text, self.pos)  # separates words
                else:
                    break
            if self.pos >= n:
                break
            c = text[self.pos]
            if c == "\n" or c == ";":
                self.pos += 1
                break
            if c == "]" and self.nested:
                self.pos += 1
                closed = True
                break
            is_expand = False
            if c == "{" and text.startswith("{*}", self.pos) and self.pos + 3 < n \
                    and text[self.pos + 3] not in WHITESPACE + "\n;" \
                    and not (self.nested and text[self.pos + 3] == "]"):
                self.pos += 3
                is_expand = True
                c = text[self.pos]
            if c == "{":
                word = self._brace_word()
            elif c == '"':
                word = self._quote_word()
            else:
                word = self._bare_word()
            words.append(word)
            flags.append(is_expand)
        return words, (tuple(flags) if any(flags) else None), closed

    def _check_word_end(self, what: str) -> None:
        if self.pos < self.n:
            c = self.text[self.pos]
            if c in WHITESPACE or c in "\n;" or (c == "]" and self.nested) or \
                    (c == "\\" and self.pos + 1 < self.n and self.text[self.pos + 1] == "\n"):
                return
            raise TclError(f"extra characters after close-{what}")

    # -- words ------------------------------------------------------------
    def _brace_word(self) -> str:
        s = braced(self.text, self.pos)
        self.pos = s[1]
        self._check_word_end("brace")
        return s[0]

    def _quote_word(self):
        self.pos += 1
        word = self._parts(terminators='"', in_quotes=True)
        if self.pos >= self.n:
            raise TclError('missing "')
        self.pos += 1
        self._check_word_end("quote")
        return word

    def _bare_word(self):
        return self._parts(terminators=WHITESPACE + "\n;" + ("]" if self.nested else ""),
                           in_quotes=False)

    def _parts(self, terminators: str, in_quotes: bool):
        text, n = self.text, self.n
        parts = []
        buf = []
        while self.pos < n:
            c = text[self.pos]
            if c in terminators:
                break
            if c == "\\":
                if not in_quotes and self.pos + 1 < n and text[self.pos + 1] == "\n":
                    break  # backslash-newline ends a bare word
                s, self.pos = backslash(text, self.pos)
                buf.append(s)
            elif c == "$":
                ref = self._variable()
                if ref is None:       # a lone `$` is literal
                    buf.append("$")
                    self.pos += 1
                else:
                    if buf:
                        parts.append("".join(buf))
                        buf = []
                    parts.append(ref)
            elif c == "[":
                if buf:
                    parts.append("".join(buf))
                    buf = []
                parts.append(self._command_sub())
            else:
                # Copy a run of ordinary characters at once.
                j = self.pos + 1
                while j < n and text[j] not in terminators and text[j] not in "\\$[":
                    j += 1
                buf.append(text[self.pos:j])
                self.pos = j
        if buf:
            parts.append("".join(buf))
        if not parts:
            return ""
        if len(parts) == 1 and isinstance(parts[0], str):
            return parts[0]
        return Compound(parts)

    def _command_sub(self) -> CmdSub:
        start = self.pos + 1
        sub = _Parser(self.text, start, nested=True)
        commands = sub.script()
        self.pos = sub.pos
        return CmdSub(self.text[start:sub.pos - 1], commands)

    def _variable(self):
        """Parse $name, ${name}, $name(index) at self.pos (on the '$')."""
        text, n = self.text, self.n
        i = self.pos + 1
        if i < n and text[i] == "{":
            j = text.find("}", i + 1)
            if j < 0:
                raise TclError("missing close-brace for variable name")
            self.pos = j + 1
            return VarRef(text[i + 1:j], None)
        m = _VARNAME.match(text, i)
        if not m:
            return None
        name = m.group(0)
        self.pos = m.end()
        if self.pos < n and text[self.pos] == "(":
            self.pos += 1
            index = self._parts(terminators=")", in_quotes=True)
            if self.pos >= n or text[self.pos] != ")":
                raise TclError("missing )")
            self.pos += 1
            return VarRef(name, index)
        return VarRef(name, None)


def braced(text: str, pos: int) -> tuple[str, int]:
    """The contents of the braced word at text[pos] == '{' and the index after it."""
    depth = 1
    i = pos + 1
    n = len(text)
    out = None  # built only if a backslash-newline needs replacing
    seg_start = i
    while i < n:
        c = text[i]
        if c == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                if out is None:
                    out = []
                out.append(text[seg_start:i])
                _, j = backslash(text, i)
                out.append(" ")
                i = seg_start = j
                continue
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                if out is None:
                    return text[pos + 1:i], i + 1
                out.append(text[seg_start:i])
                return "".join(out), i + 1
        i += 1
    raise TclError("missing close-brace")


_CACHE: dict = {}
_CACHE_LIMIT = 20000


def parse_script(text: str) -> tuple:
    """The commands of a script; parsed once, then served from the cache."""
    cmds = _CACHE.get(text)
    if cmds is None:
        cmds = _Parser(text).script(lazy_errors=True)
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[text] = cmds
    return cmds


def is_complete(text: str) -> bool:
    """Tcl's `info complete`: no open brace, quote or bracket at the end."""
    try:
        _Parser(text).script()
    except TclError as e:
        return not str(e).startswith("missing")
    if text.endswith("\\\n"):
        # A backslash-newline at the very end continues the command.
        body = text[:-1]
        return (len(body) - len(body.rstrip("\\"))) % 2 == 0
    return True
