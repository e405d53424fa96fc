"""A training batch of the per-example path with no script between its ticks,
compiled whole (fastexample.examples_kernel): SRNs and other multi-tick,
multi-event examples without hooks run example after example, event after
event, tick after tick in one call, with the same float32 operations in the
same order as training.run_example, so the same bits.

Used when fastexample's compiled tick covers the network and nothing needs
Python inside the batch: no hook inside examples, no example or event procs,
no output file, backpropTicks 1, a stored example set (not PIPE or CUSTOM).
The events' writes (what loadEvent installs) and times are tabled once per
version of the set.
"""
from __future__ import annotations

import math

import numpy as np

from . import example as fastexample
from .. import events
from .. import vectorised
from .. import types as T
from .batch import draw_indices
from ..cfloats import exact_setter

MAX_TABLE_WRITES = 20_000_000      # unit values of all events (memory: 20 bytes each)


class EventTable:
    """Every event of a set as flat arrays: its writes (group, field, unit,
    value), maxTime/minTime/graceTime, and each example's first event."""

    def __init__(self, net, exset, groups):
        index = {id(g): k for k, g in enumerate(groups)}
        fields = {"external_input": fastexample.EXT, "target": fastexample.TGT}
        ex_first, freq, times = [0], [], []
        wr_first = [0]
        wr_group, wr_field, wr_unit, wr_val = [], [], [], []
        total = 0
        for ex in exset.examples:
            freq.append(float(np.float32(getattr(ex, "frequency", 1.0))))
            for ev in ex.events:
                times.append(events._event_times(net, exset, ev))
                for g, field, units, vals in events._cached_event_writes(net, exset, ev):
                    u = np.arange(g.size)[units]
                    total += len(u)
                    if total > MAX_TABLE_WRITES:
                        raise _TooBig
                    wr_group.append(np.full(len(u), index[id(g)], dtype=np.int64))
                    wr_field.append(np.full(len(u), fields[field], dtype=np.int64))
                    wr_unit.append(u.astype(np.int64))
                    wr_val.append(np.asarray(vals, dtype=np.float32).reshape(-1))
                wr_first.append(total)
            ex_first.append(len(times))
        cat = (lambda parts, dt: np.concatenate(parts).astype(dt) if parts
               else np.zeros(0, dtype=dt))
        self.ex_first = np.asarray(ex_first, dtype=np.int64)
        self.freq = np.asarray(freq, dtype=np.float64)
        self.times = np.asarray(times, dtype=np.float32).reshape(-1, 3)
        self.wr_first = np.asarray(wr_first, dtype=np.int64)
        self.wr_group = cat(wr_group, np.int64)
        self.wr_field = cat(wr_field, np.int64)
        self.wr_unit = cat(wr_unit, np.int64)
        self.wr_val = cat(wr_val, np.float32)


class _TooBig(Exception):
    pass


EXAMPLE_HOOKS = ("preExampleProc", "postExampleProc")

_store_error = exact_setter("error")


def _blocker(net, exset, example_hooks_ok: bool = False):
    if net.type & (T.CONTINUOUS | T.BOLTZMANN):
        return "network"
    writing = net.example_writer is not None
    if writing and not example_hooks_ok:
        return "output file"        # (one by one, the file is written between examples)
    if (net.backprop_ticks > 1 or net.type & T.SRBPTT or writing) and (
            net.history_length < net.max_ticks or any(
                h.shape != (net.history_length, g.size) or h.dtype != np.float32
                or not h.flags.c_contiguous
                for g in net.groups for h in (g.input_history, g.output_history,
                                              g.target_history, g.output_deriv_history))):
        return "histories"
    for h in vectorised.HOOKS_INSIDE_EXAMPLES:
        if net.hooks.get(h) and not (example_hooks_ok and h in EXAMPLE_HOOKS):
            return "hook"
    mode = getattr(exset, "mode", T.ORDERED)
    if mode & (T.PIPE | T.CUSTOM) or not hasattr(exset, "next_indices") \
            or getattr(exset, "version", None) is None:
        return "example set"
    if any(g.type & T.RESET_ON_EXAMPLE and (g.proc_state.get("IN_INTEGR") is not None
                                           or g.proc_state.get("OUT_INTEGR") is not None)
           for g in net.groups):
        return "integrators"
    return None


def _table(net, exset, plan):
    """The set's EventTable for this plan (None: a proc needs Python, or too big)."""
    # what the table's contents depend on (events.py's caches key on the
    # same): not the plan itself, which resetNet and other edits rebuild
    key = (exset.version, id(exset), net.dtype,
           tuple((g, g.name, g.size, g.type & (T.INPUT | T.OUTPUT)) for g in plan.groups))
    cached = getattr(net, "_event_table", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    table = None
    if not any(getattr(ex, "proc", None) or any(getattr(ev, "proc", None) for ev in ex.events)
               for ex in exset.examples):
        try:
            table = EventTable(net, exset, plan.groups)
        except _TooBig:
            table = None
    net._event_table = (key, table)
    return table


def run_batch(session, net, exset, count: int):
    """Train on `count` examples of the set compiled; returns allCorrect, or
    None (nothing changed) when training.run_example must run them."""
    done = run_examples(session, net, exset, count, True)
    return None if done is None else bool(done[1].all())


def prepare(net, exset, one_by_one: bool = False):
    """(plan, event table) when the compiled loop can run the set's examples
    now (`one_by_one`: with the example hooks and the output file handled
    between examples), else None."""
    if _blocker(net, exset, example_hooks_ok=one_by_one) is not None:
        return None
    plan = fastexample.plan_for(net, writer_ok=one_by_one)
    if plan is None or len(exset.examples) == 0:
        return None
    table = _table(net, exset, plan)
    return None if table is None else (plan, table)


def run_examples(session, net, exset, count: int, is_training: bool, idx=None,
                 prepared=None):
    """Run `count` examples of the set compiled (those of `idx`, already
    chosen, if given; `prepared`: prepare()'s answer, if nothing can have
    changed since): (ticks, correct) per example, or None (nothing changed)
    when training.run_example must run them."""
    if count <= 0:
        return None
    if prepared is None:
        prepared = prepare(net, exset, one_by_one=idx is not None)
        if prepared is None:
            return None
    plan, table = prepared
    if idx is None:
        idx = draw_indices(exset, count, session.rng)
    a = _LoopArrays.for_call(net, plan, table, is_training, len(idx))
    _run_kernel(net, exset, plan, table, a, is_training, idx, int(idx[-1]))
    return a.ticks.copy(), a.correct.copy()


def draw_one(exset, rng) -> int:
    """draw_indices(exset, 1, rng)[0], without making an array: the example
    the next one-at-a-time call runs."""
    n = len(exset.examples)
    if exset.mode == T.ORDERED and n > 0:
        i = (exset.current + 1) % n
        exset.current = i
        exset.current_example = exset.examples[i]
        return i
    return int(exset.next_indices(1, rng)[0])


def run_one(net, exset, index: int, is_training: bool, prepared, key=None):
    """Example `index` of the set compiled (examples run one at a time with
    the example hooks between them); whether it met the criteria (None
    would mean it did not run: training.run_example runs it).
    `prepared`: prepare()'s answer for now.  `key`: what that answer was
    kept under (training._prepared_one_by_one), or None; while it is the
    key of the previous call, nothing can have changed the groups'
    parameters or histories, so only the state the kernel carries from
    example to example is read from the network again."""
    plan, table = prepared
    a = net.__dict__.get("_loop_arrays")
    key = None if key is None else (key, is_training)
    if a is None or key is None or a.static_key != key or a.plan is not plan \
            or a.table is not table or a.count != 1:
        a = _LoopArrays.for_call(net, plan, table, is_training, 1)
        a.static_key = key
    else:
        a.refill_state(net)
        a.bptt.take_hard_clamp(net)
    idx = a.one
    idx[0] = index
    _run_kernel(net, exset, plan, table, a, is_training, idx, index)
    return a.correct.item(0)


def _run_kernel(net, exset, plan, table, a, is_training: bool, idx, last: int) -> None:
    """The kernel over `idx` (whose last example is `last`) with the arrays
    `a` (filled from the network), then what it leaves in them put back on
    the network."""
    fastexample.examples_kernel(*a.kernel_args(net, plan, table, is_training, idx))
    bptt = a.bptt
    if bptt.hard:
        bptt.keep(net, plan.groups)
    err, grace = a.io.tolist()
    # (the kernel's sums are float32 values: stored as they are)
    _store_error(net, err)
    for (_, g), v in zip(plan.cost_groups, a.gerr.tolist()):
        _store_error(g, v)
    net.in_grace_period = grace != 0.0
    net.event_history[:] = a.event_hist.tolist()
    net.example_history_start = a.hist.item(0)
    if a.reset_flags.shape[0]:
        net.reset_history[:] = [v != 0 for v in a.reset_flags.tolist()]
    net.current_example = exset.examples[last]
    last_ticks = a.ticks.item(-1)
    # (srbptt_example_back leaves the current tick at the first)
    net.current_tick = 0 if is_training and net.type & T.SRBPTT else last_ticks - 1
    net.ticks_on_example = last_ticks


class _LoopArrays:
    """The kernel's per-call arrays, kept between calls for one plan and
    event table (examples compiled one at a time call it once per example):
    each call refills them from the network, which a hook may have changed."""

    @classmethod
    def for_call(cls, net, plan, table, is_training: bool, count: int):
        kept = getattr(net, "_loop_arrays", None)
        if kept is None or kept.plan is not plan or kept.table is not table \
                or kept.count != count or len(kept.event_hist) != len(net.event_history) \
                or len(kept.reset_flags) != len(net.reset_history) \
                or not kept.bptt.current(net, plan.groups):
            kept = net._loop_arrays = cls(net, plan, table, count)
        kept.refill(net, is_training)
        kept.bptt.take_hard_clamp(net)
        kept.static_key = None
        return kept

    def __init__(self, net, plan, table, count: int):
        self.plan, self.table, self.count = plan, table, count
        groups = plan.groups
        self.reset_val = np.full(len(groups), math.nan, dtype=np.float32)
        self.crit_kind = np.zeros(len(groups), dtype=np.int64)
        self.crit_val = np.zeros(len(groups), dtype=np.float32)
        self.cost_k = np.array([k for k, _ in plan.cost_groups], dtype=np.int64)
        self.gerr = np.zeros(len(plan.cost_groups), dtype=np.float32)
        self.event_hist = np.zeros(len(net.event_history), dtype=np.int64)
        self.ticks = np.zeros(count, dtype=np.int64)
        self.correct = np.zeros(count, dtype=np.bool_)
        self.io = np.zeros(2)
        self.hist = np.zeros(2, dtype=np.int64)
        self.reset_flags = np.zeros(len(net.reset_history), dtype=np.uint8)
        self.bptt = _BackpropThroughTime(net, groups)
        self.one = np.zeros(1, dtype=np.int64)      # run_one's index
        self.static_key = None      # run_one: the key the parameters were read under
        self._args = None
        self._args_key = None

    def refill(self, net, is_training: bool) -> None:
        dtype = net.dtype
        for k, g in enumerate(self.plan.groups):
            self.reset_val[k] = dtype(g.initial_output()) if g.type & T.RESET_ON_EXAMPLE \
                else math.nan
            kind = g.criterion
            if kind is None:
                self.crit_kind[k] = 0
                self.crit_val[k] = 0
            else:
                self.crit_kind[k] = 2 if kind == T.MAX_CRIT else 1
                self.crit_val[k] = g.choose("train_group_crit" if is_training
                                            else "test_group_crit")
        self.refill_state(net)

    def refill_state(self, net) -> None:
        """What the kernel carries from one example to the next, as the
        network holds it now (training resets the errors between batches)."""
        gerr = self.gerr
        for c, (_, g) in enumerate(self.plan.cost_groups):
            gerr[c] = g.error
        self.event_hist[:] = net.event_history
        io = self.io
        io[0] = net.error
        io[1] = 1.0 if net.in_grace_period else 0.0
        hist = self.hist
        hist[0] = net.example_history_start
        hist[1] = net.ticks_on_example
        if self.reset_flags.shape[0]:
            self.reset_flags[:] = net.reset_history

    def kernel_args(self, net, plan, table, is_training: bool, idx) -> tuple:
        """examples_kernel's arguments: the same arrays every call, so the
        tuple is kept while the network's few scalars and `idx` stay."""
        key = (is_training, net.max_ticks, net.ticks_per_interval,
               bool(net.group_crit_required), bool(net.pseudo_example_freq),
               net.backprop_ticks, bool(net.type & T.SRBPTT), net.example_writer is not None)
        if self._args is not None and self._args_key == key and self._args[1] is idx:
            return self._args
        bptt = self.bptt
        self._args = (
            is_training, idx, table.ex_first, table.freq, table.times, table.wr_first,
            table.wr_group, table.wr_field, table.wr_unit, table.wr_val, self.reset_val,
            self.crit_kind, self.crit_val, self.cost_k, key[1], key[2], key[3], key[4],
            plan.gi, plan.gf, plan.saddr, plan.psend, plan.paddr, plan.pshape, plan.vals,
            self.gerr, self.event_hist, self.ticks, self.correct, self.io, self.hist,
            self.reset_flags, key[5], bptt.haddr, bptt.hard_addr, bptt.hard_valid, bptt.span,
            bptt.reset_group, key[6], key[7])
        self._args_key = key
        return self._args


class _BackpropThroughTime:
    """The kernel's view of what backpropTicks > 1 needs: the groups'
    histories by address, the span of groups backpropagated through (up to
    the last Elman group or source, as forward._backprop_through_time), and
    HARD_CLAMP's external inputs per history slot (forward.py keeps them in
    proc_state; copied in and back out)."""

    @staticmethod
    def active(net) -> bool:
        return (net.backprop_ticks > 1 or bool(net.type & T.SRBPTT)
                or net.example_writer is not None) and net.history_length > 0

    def __init__(self, net, groups):
        H = max(net.history_length, 0)
        active = self.is_active = self.active(net)
        self.hard = [(k, g) for k, g in enumerate(groups)
                     if active and g.output_type & T.HARD_CLAMP]
        self.H = H
        self.haddr = np.array([[h.ctypes.data for h in (g.input_history, g.output_history,
                                                        g.target_history,
                                                        g.output_deriv_history)]
                               if active else [0, 0, 0, 0] for g in groups], dtype=np.int64)
        self.keep_alive = [(g.input_history, g.output_history, g.target_history,
                            g.output_deriv_history) for g in groups]
        self.ext = {}
        self.hard_addr = np.zeros(len(groups), dtype=np.int64)
        self.hard_valid = np.zeros((len(groups), max(H, 1)), dtype=np.uint8)
        # (group, slot) -> the proc_state array ext's row was last equal to
        self.in_step = {}
        self.slots = [("HARD_CLAMP", slot) for slot in range(H)]
        for k, g in self.hard:
            ext = np.full((H, g.size), np.nan, dtype=np.float32)
            self.ext[k] = ext
            self.hard_addr[k] = ext.ctypes.data
        last = -1
        for k, g in enumerate(groups):
            if g.type & T.ELMAN:
                last = max(last, k)
                if T.ELMAN_CLAMP in g.output_procs and g.elman_source is not None:
                    last = max(last, g.elman_source.num)
        self.span = last + 1
        self.reset_group = np.array([bool(g.type & T.RESET_ON_EXAMPLE) for g in groups],
                                    dtype=np.bool_)

    def current(self, net, groups) -> bool:
        """Is this still the view of the network's histories?  (Kept
        between calls: the histories are replaced, not edited, when they change.)"""
        if self.is_active != self.active(net) or self.H != max(net.history_length, 0):
            return False
        return all(a is b for g, kept in zip(groups, self.keep_alive)
                   for a, b in zip(kept, (g.input_history, g.output_history,
                                          g.target_history, g.output_deriv_history)))

    def take_hard_clamp(self, net) -> None:
        """HARD_CLAMP's external inputs per slot from proc_state, where they
        are not the ones this view left there (forward.py replaces an entry,
        never edits it)."""
        in_step = self.in_step
        for k, g in self.hard:
            ext = self.ext[k]
            state = g.proc_state
            for slot, key in enumerate(self.slots):
                kept = state.get(key)
                if kept is in_step.get((k, slot)):
                    continue
                if kept is None:
                    ext[slot] = np.nan
                    self.hard_valid[k, slot] = 0
                    del in_step[(k, slot)]
                else:
                    ext[slot] = kept[-1]
                    self.hard_valid[k, slot] = 1
                    in_step[(k, slot)] = kept

    def keep(self, net, groups) -> None:
        for k, g in self.hard:
            for slot in np.flatnonzero(self.hard_valid[k, :self.H]).tolist():
                row = self.ext[k][slot][None, :].copy()
                g.proc_state[self.slots[slot]] = row
                self.in_step[(k, slot)] = row
