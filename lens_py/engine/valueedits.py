"""Bulk edits of unit values and link-block parameters, and parameter files:
what copyUnitValues, resetUnitValues, setLinkValues and saveParameters do.

Unit fields are named as Lens's commands name them (by first letter, SPEC
Appendix B); the group state arrays hold the current values in row -1.
Block parameters live per projection row (`Projection.learning_rate` …) and
are assigned in place, because the compiled batch path holds their addresses.
"""
from __future__ import annotations

import math
from typing import Iterable

import numpy as np

from .fields import TYPES, BlockRef, object_space
from .lensfiles import LensFileError, open_write
from .objects import REAL, SCRIPT, SIMPLE_KINDS, ObjectError, format_value, parse_value
from .projection import BLOCK_PARAMS


class UnitValuesError(Exception):
    """A request these commands refuse, in Lens's words.  Lens puts the
    command's name in front of most of these messages; `complete` marks the
    ones that already name the function that refused (`writeParameters: …`)."""

    def __init__(self, message: str, complete: bool = False):
        super().__init__(message)
        self.complete = complete


# -- unit fields ----------------------------------------------------------------------

# Lens field name -> Group state array.
UNIT_ARRAYS = {"input": "input", "inputDeriv": "input_deriv", "output": "output",
               "outputDeriv": "output_deriv", "target": "target",
               "externalInput": "external_input"}


def _abbreviates(word: str, full: str, min_length: int) -> bool:
    """Lens's subString: word is a prefix of full at least min_length long."""
    return len(word) >= min_length and full.startswith(word)


def unit_field(name: str) -> str:
    """The unit field a command option names (without its dash), chosen by
    Lens's rule: the first letter, and `inputD…`/`outputD…` for the derivs."""
    first = name[:1]
    if first == "i":
        return "inputDeriv" if _abbreviates(name, "inputDeriv", 6) else "input"
    if first == "o":
        return "outputDeriv" if _abbreviates(name, "outputDeriv", 7) else "output"
    if first == "t":
        return "target"
    if first == "e":
        return "externalInput"
    raise UnitValuesError(f"unrecognized unit field: {name}")


def _current(group, field: str) -> np.ndarray:
    """The row of current values of one unit field (a view)."""
    return getattr(group, UNIT_ARRAYS[field])[-1]


def copy_unit_values(source, source_field: str, dest, dest_field: str) -> None:
    if source.size != dest.size:
        raise UnitValuesError(f'copyUnitValues: group "{source.name}" and group '
                              f'"{dest.name}" aren\'t the same size', complete=True)
    _current(dest, dest_field)[:] = _current(source, source_field)


def reset_unit_values(groups: Iterable, field: str = "output", value: float = math.nan) -> None:
    """Set one field of every unit of the groups (taken one at a time, so a bad
    name later in a lazy list leaves the earlier groups done, as in Lens).
    A NaN value means the default: initInput for input, initOutput for every
    other field; Lens takes it from the first group and keeps it for the rest.
    Resetting outputs refreshes the groups' output caches too."""
    for g in groups:
        if math.isnan(value):
            value = g.initial_input() if field == "input" else g.initial_output()
        _current(g, field)[:] = value
        if field == "output":
            g.output_cache[-1] = g.output[-1]


def default_reset_value(field: str) -> float:
    """resetUnitValues' value when none is given: NaN (= the group's initial
    value) for input, output and target; 0 for the others."""
    return math.nan if field in ("input", "output", "target") else 0.0


# -- link blocks ----------------------------------------------------------------------

_BLOCK_ATTRS = dict(zip(("learningRate", "momentum", "weightDecay", "randMean", "randRange",
                         "min", "max"), BLOCK_PARAMS))


def block_value(field: str, text: str) -> tuple[str, float]:
    """Check a block field name and parse a value for it (`-` = NaN) as Lens
    does before looking at anything else: (projection attribute, value)."""
    f = TYPES[BlockRef].fields.get(field)
    if f is None:
        raise UnitValuesError(f"{field} is not a field of a block or block extension")
    if f.set is None or f.kind not in SIMPLE_KINDS or f.is_array or field not in _BLOCK_ATTRS:
        raise UnitValuesError(f"{field} is not a writable field")
    return _BLOCK_ATTRS[field], parse_value(REAL, text)


def check_link_type(net, link_type) -> None:
    if link_type is not None and link_type not in net.link_types[1:]:
        raise UnitValuesError(f"link type {link_type} doesn't exist")


def set_block_values(group, rows, attr: str, value: float, link_type=None) -> None:
    """Set one parameter on the blocks of the given receiving units (row
    indices) of a group, for projections of link_type (None = all)."""
    rows = np.asarray(rows, dtype=np.intp)
    for p in group.incoming:
        if link_type is not None and p.link_type != link_type:
            continue
        # A unit with no links from this sender has no block there.
        has_block = rows if p.mask is None else rows[p.mask[rows].any(axis=1)]
        getattr(p, attr)[has_block] = value


def set_link_values(net, field: str, text: str, groups=None, units=None,
                    link_type=None) -> None:
    """setLinkValues: the -group list, then the -unit list ((group, index)
    pairs); with neither, every group.  Lists may be lazy."""
    attr, value = block_value(field, text)
    check_link_type(net, link_type)
    if groups is not None:
        for g in groups:
            set_block_values(g, np.arange(g.size), attr, value, link_type)
    if units is not None:
        for g, u in units:
            set_block_values(g, [u], attr, value, link_type)
    if groups is None and units is None:
        for g in net.groups:
            set_block_values(g, np.arange(g.size), attr, value, link_type)


# -- parameter files --------------------------------------------------------------------

# lens_py's own fields go in a block that only lens_py runs, so that the
# original Lens can source the file too (its `version` returns "2.63a").
LENS_PY_ONLY_START = "if {[string match lens_py* [version]]} {\n"
LENS_PY_ONLY_END = "}\n"


def parameter_lines(session, path: str) -> list[str]:
    """`setObj <path>.<field> {<value>}` for each writable simple field of the
    object at path ("" = the current network), in field-table order, values
    as getObject prints them; lens_py's own fields last, inside a block the
    original Lens skips."""
    space = object_space(session)
    try:
        ref = space.resolve(path)
    except ObjectError:
        raise UnitValuesError(f"writeParameters: unknown object: {path}",
                              complete=True) from None
    if ref.field is not None:
        raise UnitValuesError("writeParameters: can only write fields of container objects",
                              complete=True)
    obj = ref.obj
    hooks = getattr(obj, "hooks", None) or {}
    lines, own = [], []
    for f in space.type_of(obj).fields.values():
        if f.set is None or f.kind not in SIMPLE_KINDS or f.is_array:
            continue
        if f.kind == SCRIPT and callable(hooks.get(f.name)):
            continue  # a Python hook has no script text to write back
        value = format_value(f.kind, f.get(obj))
        name = f"{path}.{f.name}" if path else f.name
        (own if f.lens_py_only else lines).append(f"setObj {name} {{{value}}}\n")
    if own:
        lines += [LENS_PY_ONLY_START] + ["  " + line for line in own] + [LENS_PY_ONLY_END]
    return lines


def save_parameters(session, filename, paths=None, append: bool = False) -> None:
    """Write the parameter lines of each path (default: the network, then
    each of its groups as `group(i)`).  Everything is gathered first, so a bad
    path leaves the file untouched."""
    if paths is None:
        paths = [""] + [f"group({i})" for i in range(len(session.net.groups))]
    lines = []
    for path in paths:
        lines.extend(parameter_lines(session, path))
    try:
        with open_write(filename, append=append) as out:
            out.write("".join(lines))
    except LensFileError as e:
        raise UnitValuesError(str(e)) from None
