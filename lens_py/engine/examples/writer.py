"""The example-file writer: `saveExamples` in Lens's text form (its
writeExampleFile, values as C `%g`, NaN as `-` so the file reads back) or,
with -binary, as .bex (`binary.py`)."""
from __future__ import annotations

import math

from ..lensfiles import LensFileError, open_write
from .binary import write_binary
from .model import (EVENT_TIMES, HEADER_KEYS, NAN, SET_DEFAULTS, Example, ExampleError,
                    ExampleSet, same)

def _g(x: float) -> str:
    """A real as Lens writes it (%g); NaN as `-` so that the file reads back."""
    return "-" if math.isnan(x) else "%g" % x


def _event_list_text(ex: Example, v: int, attr: str) -> str:
    events = ex.events
    if len(events) == 1:
        return ""
    match = getattr(events[v], attr)
    out = []
    start, run = v, 1
    w = v + 1
    while w < len(events):
        if getattr(events[w], attr) is match:
            if run:
                run += 1
            else:
                start, run = w, 1
        else:
            if run:
                out.append(f"{start}-{w - 1}" if start < w - 1 else f"{start}")
            run = 0
        w += 1
    if run:
        if start == 0:
            out.append("*")
        else:
            out.append(f"{start}-{w - 1}" if start < w - 1 else f"{start}")
    return "[" + " ".join(out) + "]\n"


def _ranges_text(ranges, active_value: float) -> str:
    out = []
    dense_mode = not ranges[0].sparse
    for k, r in enumerate(ranges):
        text = "  " if k else ""
        if not r.sparse:
            bracket = not dense_mode or r.group_name or r.first_unit
            if bracket:
                text += "("
            if r.group_name:
                text += f'"{r.group_name}"' + (f" {r.first_unit}" if r.first_unit else "")
            elif r.first_unit:
                text += f"{r.first_unit}"
            if bracket:
                text += ")"
            text += "".join(" " + _g(float(x)) for x in r.val)
            dense_mode = True
        else:
            other = not same(r.value, active_value)
            brace = dense_mode or r.group_name or other
            if brace:
                text += "{"
            if r.group_name:
                text += f'"{r.group_name}"' + (" " + _g(r.value) if other else "")
            elif other:
                text += _g(r.value)
            if brace:
                text += "}"
            if r.units and r.units[0] < 0:
                text += " *"
            else:
                text += "".join(("" if u < 0 else " ") + str(u) for u in r.units)
            dense_mode = False
        out.append(text + "\n")
    return "".join(out)


def example_set_text(exset: ExampleSet, header: bool = True) -> str:
    parts = []
    if header:
        if exset.proc:
            parts.append("\nproc:{%s}" % exset.proc)
        for key, attr in HEADER_KEYS:
            v = getattr(exset, attr)
            if not same(v, SET_DEFAULTS[attr]):
                parts.append(f"\n{key}{_g(v)}")
        parts.append(";\n")
    for ex in exset.examples:
        parts.append(example_text(ex, exset))
    return "".join(parts)


def example_text(ex: Example, exset: ExampleSet) -> str:
    parts = []
    if ex.name is not None:
        parts.append("name:{%s}\n" % ex.name)
    if ex.proc:
        parts.append("proc:{%s}\n" % ex.proc)
    if ex.frequency != 1.0:
        parts.append(f"freq:{_g(ex.frequency)}\n")
    events = ex.events
    if len(events) > 1:
        parts.append(f"{len(events)}\n")
    for v, ev in enumerate(events):
        if ev.is_normal(exset):
            continue
        h = f"[{v}"
        if ev.proc:
            h += " proc:{%s}" % ev.proc
        for key, attr in HEADER_KEYS:
            val = getattr(ev, attr)
            ref = NAN if attr in EVENT_TIMES else getattr(exset, attr)
            if not same(val, ref):
                h += f" {key}{_g(val)}"
        parts.append(h + "]\n")
    for v, ev in enumerate(events):
        if ev.shared_inputs or not ev.input:
            continue
        parts.append(_event_list_text(ex, v, "input"))
        letter = "i" if ev.input[0].sparse else "I"
        parts.append(f"{letter}:" + _ranges_text(ev.input, ev.active_input))
        for w, other in enumerate(events):
            if other.target is ev.input:
                parts.append(_event_list_text(ex, w, "target"))
                parts.append(f"{'t' if ev.input[0].sparse else 'T'}:"
                             + _ranges_text(other.target, ev.active_target))
                break
    for v, ev in enumerate(events):
        if ev.shared_targets or not ev.target:
            continue
        parts.append(_event_list_text(ex, v, "target"))
        letter = "t" if ev.target[0].sparse else "T"
        parts.append(f"{letter}:" + _ranges_text(ev.target, ev.active_target))
    parts.append(";\n")
    return "".join(parts)


def save_examples(exset: ExampleSet, filename: str, binary: bool = False,
                  append: bool = False) -> str:
    """`saveExamples`: Lens's text form (or .bex with binary).  Returns the file name."""
    if binary and append:
        raise ExampleError("saveExamples: you cannot use both the -binary and -append flags")
    try:
        if binary:
            with open_write(filename, binary=True) as f:
                write_binary(exset, f)
        else:
            text = example_set_text(exset, header=not append)
            with open_write(filename, append=append) as f:
                f.write(text)
    except LensFileError as e:
        who = "writeBinaryExampleFile" if binary else "writeExampleFile"
        raise ExampleError(f"{who}: {e}") from None
    return filename

