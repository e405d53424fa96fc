"""The NumPy batch path: a whole batch of one-tick, one-event examples run
side by side as matrix operations (group state widened to one row per
example).  It runs only where nothing could tell the difference from Lens's
example loop (`batch_blocker`); examples are chosen first, with the same
random draws in the same order, so both present the same examples.
"""
from __future__ import annotations

import numpy as np

from . import forward as F
from . import noise
from . import types as T
from .events import _event_time, _examples, _reset_outputs

HOOKS_INSIDE_EXAMPLES = ("preExampleProc", "postExampleProc", "preExampleBackProc",
                          "preEventProc", "postEventProc", "preTickProc", "postTickProc",
                          "preTickBackProc")


def batch_blocker(net, exset, training: bool):
    """Why the vectorised path cannot run this batch (None if it can)."""
    if not getattr(net, "vectorise", True):
        return "disabled"
    if net.type & (T.CONTINUOUS | T.SRBPTT | T.BOLTZMANN):
        return "network type"
    if net.max_ticks != 1 or net.backprop_ticks != 1:
        return "more than one tick"
    for h in HOOKS_INSIDE_EXAMPLES:
        if net.hooks.get(h):
            return f"hook {h}"
    if net.example_writer is not None:
        return "output file"
    if net.has_lesions:
        return "lesioned units"
    for g in net.groups:
        if g.type & (T.USE_HIST_MASKS | noise.GROUP_FLAGS | T.ADAPTIVE_GAIN):
            return f"group {g.name} type"
        if any(p & ~F.BATCHABLE_INPUT for p in g.input_procs):
            return f"group {g.name} input type"
        if any(p & ~F.BATCHABLE_OUTPUT for p in g.output_procs):
            return f"group {g.name} output type"
        if any(p & ~F.BATCHABLE_COST for p in g.cost_procs):
            return f"group {g.name} cost type"
        for p in g.incoming:
            if p.sender.num >= g.num:
                return "recurrent group order"
    mode = getattr(exset, "mode", T.ORDERED)
    if mode & (T.PIPE | T.CUSTOM):
        return "example mode"
    if not hasattr(exset, "next_indices"):
        return "example set cannot choose in advance"
    cache = _set_matrices(net, exset)
    if cache is None:
        return "examples need the per-example path"
    return None


def _set_matrices(net, exset):
    """Per example: externalInput of net.input[] and targets of net.output[];
    None if some example needs scripts, several events, a grace period, or
    writes outside the input/output units."""
    key = (getattr(exset, "version", 0), id(exset),
           tuple((g.name, g.size, g.type & (T.INPUT | T.OUTPUT)) for g in net.groups))
    cache = getattr(net, "_example_cache", None)
    if cache is not None and cache[0] == key:
        return cache[1]
    result = _build_matrices(net, exset)
    net._example_cache = (key, result)
    return result


def _build_matrices(net, exset):
    examples = _examples(exset)
    n_units = net.num_units
    inputs, outputs = net.input_units(), net.output_units()
    others_in = np.setdiff1d(np.arange(n_units), inputs)
    others_out = np.setdiff1d(np.arange(n_units), outputs)
    fill = -3.25e30
    ext = np.empty((len(examples), len(inputs)))
    tgt = np.empty((len(examples), len(outputs)))
    freq = np.empty(len(examples))
    for k, ex in enumerate(examples):
        if getattr(ex, "proc", None) or len(ex.events) != 1:
            return None
        ev = ex.events[0]
        if getattr(ev, "proc", None) or _event_time(ev, exset, "grace_time") > 0.0:
            return None
        v = np.full(n_units, fill)
        ev.install_inputs(v, inputs, net.group_units)
        if np.any(v[others_in] != fill):
            return None
        ext[k] = v[inputs]
        v = np.full(n_units, fill)
        ev.install_targets(v, outputs, net.group_units)
        if np.any(v[others_out] != fill):
            return None
        tgt[k] = v[outputs]
        freq[k] = getattr(ex, "frequency", 1.0)
    return ext.astype(net.dtype), tgt.astype(net.dtype), freq.astype(net.dtype)


def _run_batch_vectorised(session, net, exset, count: int, training: bool):
    """Run `count` examples side by side; returns (criterion met per example, examples)."""
    ext_all, tgt_all, freq_all = _set_matrices(net, exset)
    idx = np.asarray(exset.next_indices(count, session.rng), dtype=int)
    examples = _examples(exset)
    rows = len(idx)
    saved = {g: g.widen(rows) for g in net.groups}
    in_off = out_off = 0
    for g in net.groups:
        if g.type & T.INPUT:
            g.external_input[...] = ext_all[idx, in_off:in_off + g.size]
            in_off += g.size
        if g.type & T.OUTPUT:
            g.target[...] = tgt_all[idx, out_off:out_off + g.size]
            out_off += g.size
        if g.type & T.RESET_ON_EXAMPLE:
            _reset_outputs(net, g)
    net.in_grace_period = False
    if net.history_length:
        net.example_history_start = (net.example_history_start
                                     + net.ticks_on_example) % net.history_length
        net.example_history_start = (net.example_history_start + rows - 1) % net.history_length
        net.reset_history[F.history_index(net, 0)] = True
    net.current_tick = 0
    net.event_history[0] = 0
    ctx = F.TickContext(net, rows, freq_all[idx], training)
    try:
        if training:
            F.train_tick(net, ctx)
        else:
            F.forward_tick(net, ctx)
        crit = F.criteria_reached(net, training)
    finally:
        for g in net.groups:
            g.restore(saved[g])
            for k, v in list(g.proc_state.items()):
                if isinstance(v, np.ndarray) and v.ndim == 2 and v.shape[0] == rows:
                    g.proc_state[k] = v[-1:].copy()
    net.ticks_on_example = 1
    if rows:
        net.current_example = examples[idx[-1]]
    correct = np.zeros(rows, dtype=bool) if crit is None else crit
    return correct, idx




def train_batch(session, net, exset, n: int) -> bool:
    """One training batch of n examples side by side; returns allCorrect."""
    correct, _ = _run_batch_vectorised(session, net, exset, n, True)
    return bool(correct.all())


# Widening every group to n rows costs ~11 arrays x n x units; large tests
# run in chunks so a 10 000-example test of a 1000-1000-1000 net stays well
# under 2 GB.
TEST_CHUNK_ELEMENTS = 4_000_000    # rows x units of one test chunk


def test(session, net, exset, n: int):
    """`test` on n examples in chunks: (examples done, ticks, criteria reached)."""
    chunk = max(1, TEST_CHUNK_ELEMENTS // max(1, net.num_units))
    net.exact_rows = n
    i = reached = 0
    try:
        while i < n:
            rows = min(chunk, n - i)
            correct, _ = _run_batch_vectorised(session, net, exset, rows, False)
            reached += int(correct.sum())
            i += rows
    finally:
        net.exact_rows = None
    return n, n, reached
