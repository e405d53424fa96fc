"""Lens object paths: `getObject`/`setObject` over the engine's objects.

A path is a chain of fields and indices -- `group(3).unit(99).outputHistory(2)`,
`hidden:9.incoming(3).weight`, `set(1).example(0).event(0).input.val(2)`.  Each
engine class exposes its Lens fields through a table of `Field`s (built in
`lens_py.engine.fields`); this module knows only the path syntax, the lookup
order and the value formats, so it stays independent of how the engine stores
things.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, Optional

# How a simple value is printed and parsed.
INT, REAL, FLAG, MASK, STRING, SCRIPT = "int", "real", "flag", "mask", "string", "script"
OBJECT = "object"  # a sub-object (or a pointer to one; None = null pointer)
SIMPLE_KINDS = (INT, REAL, FLAG, MASK, STRING, SCRIPT)


class ObjectError(Exception):
    """A path that does not resolve or a value that cannot be stored."""


@dataclass
class Field:
    """One Lens field of an object type.

    For an array field (`unit(i)`, `val(i)`, `outputHistory(t)`) `length`
    gives its size and `get(obj, i)` / `set(obj, i, v)` take the index; for a
    plain field `get(obj)` / `set(obj, v)`.  `set` is None when Lens makes the
    field write-protected.
    """
    name: str
    kind: str
    get: Callable
    set: Optional[Callable] = None
    length: Optional[Callable[[Any], int]] = None
    dims: int = 1  # 2 for fields indexed (i,j)
    lens_py_only: bool = False  # not a field of the original Lens

    @property
    def is_array(self) -> bool:
        return self.length is not None


class ObjectType:
    """The Lens type name of a class plus its fields, in listing order."""

    def __init__(self, name: str, fields: list[Field]):
        self.name = name
        self.fields = {f.name: f for f in fields}

    def field(self, name: str) -> Field:
        try:
            return self.fields[name]
        except KeyError:
            raise ObjectError(
                f'lookupObject: field "{name}" not found in object of type {self.name}') from None


# -- values -----------------------------------------------------------------

def atoi(text: str) -> int:
    """C atoi: the leading integer prefix, 0 if there is none."""
    m = re.match(r"\s*([+-]?\d+)", text)
    return int(m.group(1)) if m else 0


def atof(text: str) -> float:
    """C atof (with Lens's `-` meaning NaN): the leading real prefix, else 0."""
    s = text.strip()
    if s == "-":
        return math.nan
    m = re.match(r"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)",
                 s, re.IGNORECASE)
    return float(m.group(0)) if m else 0.0


def format_real(x: float) -> str:
    # (C's %g spells the infinities as Lens prints them; a NaN is "-")
    text = "%.7g" % float(x)
    return "-" if text == "nan" or text == "-nan" else text


def format_value(kind: str, value: Any) -> str:
    if kind == INT:
        return "%d" % int(value)
    if kind == REAL:
        return format_real(value)
    if kind == FLAG:
        return "1" if value else "0"
    if kind == MASK:
        v = int(value)
        return "%#x" % v if v else "0"
    return "" if value is None else str(value)


def parse_value(kind: str, text: str) -> Any:
    if kind == INT:
        return atoi(text)
    if kind == REAL:
        return atof(text)
    if kind == FLAG:
        return atoi(text) != 0
    if kind == MASK:
        try:
            return int(text.strip(), 0)
        except ValueError:
            return atoi(text)
    return text


# -- path syntax --------------------------------------------------------------

_STEP = re.compile(r"""
      \.?(?P<field>[^.()\[\],]+)           # a field or leading name
    | [(\[](?P<index>[^()\[\]]*)[)\]]      # (i) [i] (i,j)
    | ,(?P<second>[^.()\[\],]+)            # ,j  (second index of a 2-D field)
""", re.VERBOSE)


def parse_path(path: str) -> list:
    """Split a path into ('field', name) and ('index', (i,) | (i, j)) steps."""
    steps: list = []
    pos = 0
    while pos < len(path):
        m = _STEP.match(path, pos)
        if not m or m.end() == pos:
            raise ObjectError(f'lookupObject: bad path "{path}"')
        if m.group("field") is not None:
            steps.append(("field", m.group("field")))
        elif m.group("index") is not None:
            parts = [p.strip() for p in m.group("index").split(",")]
            steps.append(("index", tuple(_parse_index(p, path) for p in parts)))
        else:
            if not steps or steps[-1][0] != "index":
                raise ObjectError(f'lookupObject: bad path "{path}"')
            kind, idx = steps.pop()
            steps.append((kind, idx + (_parse_index(m.group("second"), path),)))
        pos = m.end()
    return steps


_STEPS_CACHE: dict = {}


def _steps(path: str) -> tuple:
    """parse_path, once per path string (hooks ask for the same few paths
    for every example)."""
    steps = _STEPS_CACHE.get(path)
    if steps is None:
        steps = tuple(parse_path(path))
        if len(_STEPS_CACHE) > 5000:
            _STEPS_CACHE.clear()
        _STEPS_CACHE[path] = steps
    return steps


def _parse_index(text: str, path: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ObjectError(f'lookupObject: bad index "{text}" in "{path}"') from None


# -- lookup -------------------------------------------------------------------

@dataclass
class Ref:
    """Where a path ends: an object, or one simple field (maybe indexed) of one."""
    obj: Any
    field: Optional[Field] = None
    index: Optional[tuple] = None

    @property
    def is_simple(self) -> bool:
        return self.field is not None and self.field.kind in SIMPLE_KINDS

    def value(self):
        if self.field is None:
            return self.obj
        if self.index is not None:
            return self.field.get(self.obj, *self.index)
        return self.field.get(self.obj)


class ObjectSpace:
    """Resolves paths against Lens's root, the current network and names.

    `type_of(obj)` returns the ObjectType describing obj's fields; `names`
    resolves a leading bare name (network, group, unit, example set) to an
    object or None.
    """

    def __init__(self, type_of: Callable[[Any], ObjectType],
                 root: Callable[[], Any], current: Callable[[], Any],
                 names: Callable[[str], Any], stamp: Callable[[], Any] | None = None):
        self.type_of = type_of
        self.root = root
        self.current = current
        self.names = names
        # `stamp()`: a value that stays equal while no name can come to mean
        # another object (None: no such promise now).  While it holds, where a
        # path starts is remembered: hooks read the same few paths for every
        # example, and finding a unit by name is most of the cost.  The walk
        # from there is always redone (fields such as currentExample move).
        # A path that ends one plain field after its start (`error`,
        # `output:0.output`) is kept as that (object, field).
        self.stamp = stamp
        self._starts: dict = {}
        self._fields: dict = {}
        self._kept_stamp = None

    def _stamp_now(self):
        """The stamp now (None: nothing may be kept); a new one forgets
        what was kept under the last."""
        stamp = self.stamp() if self.stamp is not None else None
        if stamp is not None and stamp != self._kept_stamp:
            self._starts.clear()
            self._fields.clear()
            self._kept_stamp = stamp
        return stamp

    def resolve(self, path: str) -> Ref:
        stamp = self._stamp_now()
        if stamp is not None:
            start = self._starts.get(path)
            if start is not None:
                return self._walk(start[0], start[1], path)
        base, steps = self._start(path)
        if stamp is not None:
            if len(self._starts) > 1000:
                self._starts.clear()
            self._starts[path] = (base, steps)
        return self._walk(base, steps, path)

    def _start(self, path: str) -> tuple:
        """The object a path starts from and the steps to walk from it (a
        path naming no object: (the object, ()))."""
        path = path.strip()
        if path == "":
            cur = self.current()
            if cur is None:
                raise ObjectError("lookupObject: there is no current network")
            return cur, ()
        steps = _steps(path)
        first = steps[0][1] if steps[0][0] == "field" else None
        if first is None:
            raise ObjectError(f'lookupObject: bad path "{path}"')
        if first == "root":
            return self.root(), steps[1:]
        for base in (self.current(), self.root()):
            if base is None:
                continue
            if first in self.type_of(base).fields:
                return base, steps
        obj = self.names(first)
        if obj is not None:
            # Lens commits to the first name that matches, even if the rest fails.
            return obj, steps[1:]
        base = self.current()
        if base is None:
            base = self.root()
        self.type_of(base).field(first)  # raises Lens's field-not-found error
        raise ObjectError(f'lookupObject: bad path "{path}"')

    def _walk(self, obj: Any, steps: list, path: str) -> Ref:
        i = 0
        while i < len(steps):
            kind, arg = steps[i]
            if kind == "index":
                raise ObjectError(f'lookupObject: "{path}": an index follows no array field')
            if obj is None:
                raise ObjectError(f'lookupObject: "{path}" runs through a null pointer')
            field = self.type_of(obj).field(arg)
            index = None
            if i + 1 < len(steps) and steps[i + 1][0] == "index":
                index = steps[i + 1][1]
                i += 1
                if not field.is_array:
                    raise ObjectError(f'lookupObject: field "{arg}" is not an array')
                n = field.length(obj)
                if len(index) != field.dims or any(j < 0 for j in index) or index[0] >= n:
                    raise ObjectError(f"lookupObject: index {','.join(map(str, index))} out of bounds")
            i += 1
            last = i == len(steps)
            if field.kind in SIMPLE_KINDS:
                if not last:
                    raise ObjectError(f'lookupObject: field "{arg}" is not an object')
                if field.is_array and index is None:
                    return Ref(obj, field)  # whole array: listing
                return Ref(obj, field, index)
            if field.is_array and index is None:
                if last:
                    return Ref(obj, field)
                raise ObjectError(f'lookupObject: field "{arg}" needs an index')
            obj = field.get(obj, *index) if index is not None else field.get(obj)
        if obj is None:
            raise ObjectError(f'lookupObject: "{path}" is a null pointer')
        return Ref(obj)

    # -- the two commands ----------------------------------------------------
    def get(self, path: str, depth: int = 1) -> str:
        stamp = self._stamp_now()
        if stamp is not None:
            kept = self._fields.get(path)
            if kept is not None:
                return format_value(kept[1].kind, kept[1].get(kept[0]))
        # The common case first, with no Ref built: a plain field of the
        # current network (`getObj error`), as resolve would find it.
        field = self._plain_field_of_current(path)
        if field is not None:
            if stamp is not None:
                self._keep_field(path, self.current(), field)
            return format_value(field.kind, field.get(self.current()))
        ref = self.resolve(path)
        if ref.is_simple:
            if ref.field.is_array and ref.index is None:
                return self._list_array(ref.obj, ref.field)
            if stamp is not None and ref.index is None:
                start = self._starts.get(path)
                if start is not None and len(start[1]) == 1:
                    self._keep_field(path, ref.obj, ref.field)
            return format_value(ref.field.kind, ref.value())
        if ref.field is not None:  # an array of objects
            return self._list_array(ref.obj, ref.field)
        return self.listing(ref.obj, depth)

    def _keep_field(self, path: str, obj, field: Field) -> None:
        if len(self._fields) > 1000:
            self._fields.clear()
        self._fields[path] = (obj, field)

    def _plain_field_of_current(self, path: str):
        steps = _STEPS_CACHE.get(path)
        if steps is None or len(steps) != 1 or path == "root":
            return None
        cur = self.current()
        if cur is None:
            return None
        field = self.type_of(cur).fields.get(steps[0][1])
        if field is None or field.kind not in SIMPLE_KINDS or field.is_array:
            return None
        return field

    def set(self, path: str, text: str) -> str:
        ref = self.resolve(path)
        if not ref.is_simple or (ref.field.is_array and ref.index is None):
            raise ObjectError(f'"{path}" is not a basic type and cannot be set')
        if ref.field.set is None:
            raise ObjectError(f"{path} is write-protected")
        value = parse_value(ref.field.kind, text)
        if ref.index is not None:
            ref.field.set(ref.obj, *ref.index, value)
        else:
            ref.field.set(ref.obj, value)
        return format_value(ref.field.kind, ref.value())

    def listing(self, obj: Any, depth: int = 1, indent: str = "") -> str:
        otype = self.type_of(obj)
        lines = [f"{indent}--{otype.name}--" if not indent else ""]
        for f in otype.fields.values():
            lines.append(f"{indent}{f.name:<20}: {self._short(obj, f, depth, indent)}")
        return "\n".join(line for line in lines if line != "" or not indent)

    def _short(self, obj, f: Field, depth: int, indent: str) -> str:
        try:
            if f.is_array:
                n = f.length(obj)
                return f"{n} items" if f.kind != OBJECT else f"array of {n}"
            v = f.get(obj)
        except Exception as e:  # a listing never fails because one field does
            return f"<{e}>"
        if f.kind in SIMPLE_KINDS:
            return format_value(f.kind, v)
        if v is None:
            return "(null)"
        if depth > 1:
            return "\n" + self.listing(v, depth - 1, indent + "  ")
        return self.describe(v)

    def describe(self, obj: Any) -> str:
        if obj is None:         # an empty slot of an object array (Lens lists nothing)
            return ""
        name = getattr(obj, "name", None)
        return f"{self.type_of(obj).name} {name}" if name else self.type_of(obj).name

    def _list_array(self, obj: Any, f: Field) -> str:
        n = f.length(obj)
        if f.kind in SIMPLE_KINDS:
            return " ".join(format_value(f.kind, f.get(obj, i)) for i in range(n))
        return "\n".join(f"{i:<20}: {self.describe(f.get(obj, i))}" for i in range(n))
