"""What an unknown command word means, decided once per name and cached.

Lens resolves a word that names no command or proc (its `unknown` proc) in
this order: an alias, a program on PATH, then a unique prefix of a command
name (`getObj` -> `getObject`).  Hooks call abbreviated names for every
example, so the answer for each name is cached; the cache is emptied
whenever a command or proc name comes or goes (`NameTable`) and when PATH
changes.  Aliases are looked up before the cache on every call, so they
need no invalidation.
"""
from __future__ import annotations

import os
import shutil

# Outcomes of resolve(): (kind, value)
PROGRAM, COMMAND, AMBIGUOUS, NOTHING = "program", "command", "ambiguous", "nothing"


class NameTable(dict):
    """A dict of commands, procs or aliases that calls `on_change()` when a
    name is added or removed (replacing the value of a name changes no
    resolution) and `on_write()` after any change at all (what a name is
    bound to: see Interp.run_commands)."""
    __slots__ = ("on_change", "on_write")

    def __init__(self, on_change, on_write=None):
        super().__init__()
        self.on_change = on_change
        self.on_write = on_write

    def _wrote(self):
        if self.on_write is not None:
            self.on_write()

    def __setitem__(self, key, value):
        if key not in self:
            self.on_change()
        super().__setitem__(key, value)
        self._wrote()

    def __delitem__(self, key):
        super().__delitem__(key)
        self.on_change()
        self._wrote()

    def pop(self, key, *default):
        if key in self:
            self.on_change()
        try:
            return super().pop(key, *default)
        finally:
            self._wrote()

    def popitem(self):
        self.on_change()
        try:
            return super().popitem()
        finally:
            self._wrote()

    def setdefault(self, key, default=None):
        if key not in self:
            self.on_change()
        try:
            return super().setdefault(key, default)
        finally:
            self._wrote()

    def update(self, *args, **kwargs):
        self.on_change()
        super().update(*args, **kwargs)
        self._wrote()

    def clear(self):
        self.on_change()
        super().clear()
        self._wrote()

    def __ior__(self, other):
        self.update(other)
        return self


# Reading os.environ["PATH"] decodes it on every call (a quarter of a
# microsecond); the environment's raw mapping answers "did PATH change?" in
# a tenth of that.  Fall back to the public mapping where it is not there.
_RAW_ENV = getattr(os.environ, "_data", None)
_RAW_PATH_KEY = os.environ.encodekey("PATH") if hasattr(os.environ, "encodekey") else None


def current_path():
    if _RAW_ENV is not None and _RAW_PATH_KEY is not None:
        return _RAW_ENV.get(_RAW_PATH_KEY)
    return os.environ.get("PATH")


def find_program(name: str) -> str | None:
    """The program a command word runs, as Tcl's auto_execok finds it: a
    word with a `/` is a path to an executable file; another is looked up
    on PATH."""
    if not name:
        return None
    if "/" in name:
        if os.path.isfile(name) and os.access(name, os.X_OK):
            return name
        return None
    return shutil.which(name)


class Resolver:
    """The cached answer, per name, of what an unknown word runs."""

    def __init__(self, names):
        self.names = names          # callable: all command and proc names
        self.cache: dict = {}
        self.path = current_path()

    def forget(self) -> None:
        self.cache.clear()

    def resolve(self, name: str) -> tuple:
        path = current_path()
        if path != self.path:
            self.path = path
            self.cache.clear()
        found = self.cache.get(name)
        if found is None:
            found = self._resolve(name)
            if "/" not in name:     # a path is relative to a folder that may change
                self.cache[name] = found
        return found

    def _resolve(self, name: str) -> tuple:
        program = find_program(name)
        if program is not None:
            return PROGRAM, program
        matches = [c for c in self.names() if c.startswith(name)] if name else []
        if len(matches) == 1:
            return COMMAND, matches[0]
        if matches:
            return AMBIGUOUS, " ".join(matches)
        return NOTHING, None
