"""Network output files: `openNetOutputFile` / `closeNetOutputFile`.

While a file is open, the training and testing loops call
`net.example_writer(net, example)` after every example; the writer appends
one record (text or binary) and flushes it.  A record holds, for every tick
of the example, the outputs (and, for OUTPUT groups, the targets) of every
group of type WRITE_OUTPUTS, read from the unit history arrays.  The engine
keeps those histories whenever a writer is installed (forward.py), where
Lens would leave them stale unless the groups asked for them -- a documented
difference.
"""
from __future__ import annotations

import struct

import numpy as np

from . import types as T
from .forward import history_index
from .lensfiles import LensFileError, WriteStream, target_name
from .weightfile import format_real


class OutputFileError(LensFileError):
    """The output file could not be opened or written, or none is open."""


class OutputFileWriter:
    """An open output file; calling it writes one example's record.

    The file is written in place (truncated, as Lens does, or appended to) and
    each record reaches it whole or not at all, so it can be read while it
    grows.  A record that could not be written is reported by the example
    that wrote it and again by closeNetOutputFile."""

    def __init__(self, target, binary: bool, append: bool):
        self.filename = target_name(target)
        self.binary = binary
        self.lost = 0               # records that could not be written
        self.lost_why = ""
        try:
            self.stream = WriteStream(target, binary, append, atomic=False)
        except LensFileError as e:
            raise OutputFileError(f"openNetOutputFile: {e}") from None

    def close(self) -> None:
        try:
            self.stream.close()
        except LensFileError as e:
            raise OutputFileError(f"closeNetOutputFile: {e}") from None
        if self.lost:
            records = "1 record" if self.lost == 1 else f"{self.lost} records"
            raise OutputFileError(f'closeNetOutputFile: {records} could not be written to '
                                  f'"{self.filename}": {self.lost_why}')

    def __call__(self, net, example) -> None:
        record = example_record(net, example, self.binary)
        try:
            self.stream.write(record)
            self.stream.checkpoint()
        except LensFileError as e:
            self.lost += 1
            self.lost_why = e.why or str(e)
            raise OutputFileError(f"writeExample: {e}") from None


def open_output_file(net, filename, binary: bool = False, append: bool = False) -> None:
    """Open (or, with `append` and the same name, keep) the network's output
    file (a name, or an open stream)."""
    current = net.example_writer
    if isinstance(current, OutputFileWriter):
        if append and current.filename == target_name(filename):
            return
        close_output_file(net)
    writer = OutputFileWriter(filename, binary, append)
    net.example_writer = writer
    net.output_file_name = writer.filename
    net.binary_output_file = 1 if binary else 0


def close_output_file(net) -> None:
    writer = net.example_writer
    if not isinstance(writer, OutputFileWriter):
        raise OutputFileError("netCloseOutputFile: no file open")  # Lens's wording
    net.example_writer = None
    net.output_file_name = ""
    writer.close()


# -- records ------------------------------------------------------------------------------

def example_number(example) -> int:
    """Lens's E->num: the index in its set; 0 for examples read from a pipe."""
    exset = getattr(example, "set", None)
    if exset is not None and getattr(exset, "mode", 0) & T.PIPE:
        return 0
    num = getattr(example, "num", 0)
    return num if isinstance(num, (int, np.integer)) and num >= 0 else 0


def written_groups(net):
    return [g for g in net.groups if g.type & T.WRITE_OUTPUTS]


def _tick_values(net, g, tick: int):
    """(outputs, targets or None) of group g at a tick of the current example."""
    idx = history_index(net, tick)
    out = g.output_history[idx] if len(g.output_history) else np.zeros(g.size)
    if not g.type & T.OUTPUT:
        return out, None
    tgt = g.target_history[idx] if len(g.target_history) else np.zeros(g.size)
    return out, tgt


def example_record(net, example, binary: bool):
    groups = written_groups(net)
    ticks = int(net.ticks_on_example)
    head = (int(net.total_updates), int(example_number(example)), ticks, len(groups))
    if binary:
        parts = [struct.pack(">4i", *head)]
        for tick in range(ticks):
            parts.append(struct.pack(">2i", tick, int(net.event_history[tick])))
            for g in groups:
                out, tgt = _tick_values(net, g, tick)
                parts.append(struct.pack(">iB", g.size, 0 if tgt is None else 1))
                values = out if tgt is None else np.stack([out, tgt], axis=1)
                parts.append(np.asarray(values, dtype=">f4").tobytes())
        return b"".join(parts)
    lines = [f"{head[0]} {head[1]}\n{head[2]} {head[3]}\n"]
    for tick in range(ticks):
        lines.append(f"{tick} {int(net.event_history[tick])}\n")
        for g in groups:
            out, tgt = _tick_values(net, g, tick)
            lines.append(f"{g.size} {0 if tgt is None else 1}\n")
            if tgt is None:
                lines.extend(format_real(o) + "\n" for o in out.tolist())
            else:
                lines.extend(f"{format_real(o)} {format_real(t)}\n"
                             for o, t in zip(out.tolist(), tgt.tolist()))
    return "".join(lines)
