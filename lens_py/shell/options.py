"""Tcl_GetIndexFromObj: a word matched against a table of names, where any
unique prefix is accepted, with Tcl's `bad option "x": must be a, b, or c`."""
from __future__ import annotations

from .errors import TclError


def choice_list(names) -> str:
    names = list(names)
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} or {names[1]}"
    return ", ".join(names[:-1]) + ", or " + names[-1]


def match_option(word: str, names, what: str = "option") -> str:
    """The entry of `names` that `word` names (exactly or as a unique prefix)."""
    if word in names:
        return word
    found = [n for n in names if n.startswith(word)] if word else []
    if len(found) == 1:
        return found[0]
    kind = "ambiguous" if len(found) > 1 else "bad"
    raise TclError(f'{kind} {what} "{word}": must be {choice_list(names)}')
