"""`loadExamples`: open a file or pipe with the right reader (text
or .bex, told apart by the first four bytes), read the set header and the
examples, and replace, append to or pipe into a named set; Lens's default
set name.  A file that fails to parse changes nothing."""
from __future__ import annotations

from .. import types as T
from ..lensfiles import LensFileError, close_stream, open_read, target_name
from .binary import BinaryParser
from .model import (BINARY_COOKIE, SET_DEFAULTS, ExampleError, ExampleFileError, ExampleSet,
                    link_example)
from .modes import lookup_mode, set_mode
from .reader import TextParser


def _open_parser(target):
    """An open parser for a file name or open stream (text or binary, by the
    first int); `parser.target` is what to open again for a looping pipe."""
    filename = target_name(target)
    try:
        stream = open_read(target, binary=True)
    except LensFileError:
        raise ExampleError(f'readExampleSet: couldn\'t open the file "{filename}"') from None
    parser = _parser(stream, filename)
    parser.target = target
    return parser


def _parser(stream, filename: str):
    try:
        head = stream.read(4)
    except LensFileError as e:
        close_stream(stream)
        raise ExampleError(f"readExampleSet: {e}") from None
    except Exception:
        close_stream(stream)
        raise
    if isinstance(head, str):
        head = head.encode("utf-8")
    if not head:
        close_stream(stream)
        raise ExampleFileError("example file empty", filename, 0)
    if len(head) == 4 and int.from_bytes(head, "big") == BINARY_COOKIE:
        return BinaryParser(stream, filename)
    return TextParser(stream, filename, head)


def _script_runner(session, where):
    def run(text):
        if session is not None and text:
            session.script(text, where)
    return run


def _read_set(exset: ExampleSet, parser, session, max_examples: int, pipe: bool) -> list:
    """The header into `exset`, then (unless pipe) up to max_examples examples."""
    try:
        parser.read_header(exset, _script_runner(session, "example set proc"))
        if pipe:
            return []
        examples = parser.read_examples(exset, max_examples)
    except LensFileError as e:          # e.g. a corrupt compressed file
        raise ExampleError(f"loadExamples: {e}") from None
    for ex in examples:
        link_example(ex)
    return examples


def open_pipe(exset: ExampleSet, filename: str, session) -> None:
    """(Re)open the set's pipe: read the header, keep the parser."""
    parser = _open_parser(filename)
    try:
        _read_set(exset, parser, session, 0, True)
    except BaseException:
        parser.close()
        raise
    exset.pipe_parser = parser
    set_mode(exset, T.PIPE)


def default_set_name(filename: str) -> str:
    """Lens's .exampleSetRoot: the tail, less .gz/.Z, less .ex/.bex."""
    tail = filename.rstrip("/").rsplit("/", 1)[-1] if filename.rstrip("/") else filename

    def split_ext(name):
        k = name.rfind(".")
        return (name[:k], name[k:]) if k >= 0 else (name, "")

    root, ext = split_ext(tail)
    if ext in (".gz", ".Z"):
        tail = root
        root, ext = split_ext(tail)
    if ext in (".ex", ".bex"):
        tail = root
    return tail


def _load_mode(load_mode) -> int:
    if not load_mode:
        return 0
    letter = str(load_mode)[:1]
    modes = {"R": 1, "A": 2, "P": 3}
    if letter not in modes:
        raise ExampleError(f"loadExamples: invalid mode name: {load_mode}.  "
                           "Try REPLACE, APPEND, or PIPE.")
    return modes[letter]


SET_HEADER_ATTRS = ("proc",) + tuple(SET_DEFAULTS)


def load_examples(session, filename: str, set_name=None, num=None, ex_mode=None,
                  load_mode=None) -> str:
    """`loadExamples`.  Returns the set name.  A file that fails to
    parse changes nothing: no set is created, replaced or appended to."""
    mode = _load_mode(load_mode)
    if ex_mode is None:
        exmode = T.PIPE if mode == 3 else T.ORDERED
    else:
        exmode = lookup_mode(ex_mode, "loadExamples")
    name = set_name if set_name is not None else default_set_name(target_name(filename))
    if set_name is not None and set_name == "":
        raise ExampleError("loadExamples: example set must have a real name")
    max_examples = int(num or 0)
    old = session.sets.get(name)

    if old is not None and mode == 0:
        exset = old
    elif mode == 2 and old is not None:
        exset = old
        saved = {k: getattr(old, k) for k in SET_HEADER_ATTRS}
        parser = _open_parser(filename)
        try:
            new = _read_set(old, parser, session, max_examples, False)
        except BaseException:
            for k, v in saved.items():
                setattr(old, k, v)
            raise
        finally:
            parser.close()
        old.examples.extend(new)
        old.compile()
    else:
        exset = ExampleSet(name, session)
        parser = _open_parser(filename)
        tentative = old is None and name not in session.sets
        if tentative:
            # Lens registers the set before reading the header, so its proc can see it.
            session.sets[name] = exset
        try:
            try:
                examples = _read_set(exset, parser, session, max_examples, mode == 3)
            finally:
                if tentative:
                    session.sets.pop(name, None)
        except BaseException:
            parser.close()
            raise
        if mode == 3:
            exset.pipe_parser = parser
            set_mode(exset, T.PIPE)
        else:
            parser.close()
        if mode == 3 and old is not None:
            # PIPE on an existing set keeps its stored examples and settings.
            _adopt_pipe(old, exset)
            exset = old
        else:
            exset.examples = examples
            exset.compile()
            if old is not None:
                old.close()
                session.delete_set(name)
    session.add_set(exset)
    if exset.mode != exmode:
        try:
            set_mode(exset, exmode)
        except ExampleError:
            pass        # Lens ignores a failed -exmode (e.g. PIPE with no pipe open)
    return name


def _adopt_pipe(old: ExampleSet, new: ExampleSet) -> None:
    old.close()
    for k in SET_HEADER_ATTRS:
        setattr(old, k, getattr(new, k))
    old.pipe_parser = new.pipe_parser
    set_mode(old, T.PIPE)

