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
from . import noise as cnoise
from .. import events
from .. import vectorised
from .. import types as T
from .batch import draw_indices
from ..cfloats import exact_setter

_store_error = exact_setter("error")

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
# Lens runs these inside one example, where a compiled example cannot stop
# (the example hooks run around it: examples compiled one at a time)
HOOKS_IN_ONE_EXAMPLE = tuple(h for h in vectorised.HOOKS_INSIDE_EXAMPLES
                             if h not in EXAMPLE_HOOKS)


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
    hooks = HOOKS_IN_ONE_EXAMPLE if example_hooks_ok else vectorised.HOOKS_INSIDE_EXAMPLES
    if any(net.hooks.get(h) for h in hooks):
        return "hook"
    mode = getattr(exset, "mode", T.ORDERED)
    if mode & (T.PIPE | T.CUSTOM) or not hasattr(exset, "next_indices") \
            or getattr(exset, "version", None) is None:
        return "example set"
    reason = cnoise.loop_blocker(net, exset)
    if reason:
        return reason
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
    done = run_examples(session, net, exset, count, True, copy=False)
    return None if done is None else bool(net._loop_arrays.io[2])


def prepare(net, exset, one_by_one: bool = False):
    """(plan, event table) when the compiled loop can run the set's examples
    now (`one_by_one`: with the example hooks and the output file handled
    between examples), else None.  Within a task the answer is kept until
    something may have edited the net (each batch would otherwise check
    every group and projection again)."""
    key = _memo_key(net, exset, one_by_one)
    kept = _kept(net, key)
    if kept is not None:
        return kept
    net._prepared = None
    prepared = _prepare(net, exset, one_by_one)
    if key is not None and prepared is not None:
        net._prepared = (key, prepared)
    return prepared


def _kept(net, key):
    """prepare's answer kept under `key`, or None."""
    kept = net.__dict__.get("_prepared")
    # (the plan and table must still be the net's own: a copied or restored
    # net drops both, and may meet a key that looks the same)
    if key is not None and kept is not None and kept[0] == key \
            and kept[1][0] is net.__dict__.get("_tick_plan") \
            and kept[1][1] is net.__dict__.get("_event_table", (None, None))[1]:
        return kept[1]
    return None


def _memo_key(net, exset, one_by_one: bool):
    """What prepare's answer depends on that can change within one train or
    test without an edit of the net (Session.net_edits): nothing, as for
    paths.choose.  None outside a task."""
    return net.task_key(id(exset), getattr(exset, "version", None), one_by_one)


def _prepare(net, exset, one_by_one: bool):
    if _blocker(net, exset, example_hooks_ok=one_by_one) is not None:
        return None
    plan = fastexample.plan_for(net, writer_ok=one_by_one)
    if plan is None or len(exset.examples) == 0:
        return None
    table = _table(net, exset, plan)
    return None if table is None else (plan, table)


def run_examples(session, net, exset, count: int, is_training: bool, idx=None,
                 prepared=None, copy: bool = True):
    """Run `count` examples of the set compiled (those of `idx`, already
    chosen, if given; `prepared`: prepare()'s answer, if nothing can have
    changed since): (ticks, correct) per example, or None (nothing changed)
    when training.run_example must run them.  `copy` False: the kernel's own
    arrays, which the next call overwrites."""
    a = _run(session, net, exset, count, is_training, idx, prepared)
    if a is None:
        return None
    return (a.ticks.copy(), a.correct.copy()) if copy else (a.ticks, a.correct)


def _run(session, net, exset, count: int, is_training: bool, idx=None, prepared=None):
    """run_examples' work; returns the call's _LoopArrays (ticks and correct
    are the kernel's, overwritten by the next call), or None."""
    if count <= 0:
        return None
    one_by_one = idx is not None
    key = _memo_key(net, exset, one_by_one)
    if prepared is None:
        prepared = _kept(net, key) or prepare(net, exset, one_by_one=one_by_one)
        if prepared is None:
            return None
    plan, table = prepared
    if idx is None:
        idx = draw_indices(exset, count, session.rng)
    a = _LoopArrays.for_call(net, plan, table, is_training, len(idx), key)
    plan.noise.take(net.rng)
    fastexample.examples_kernel(is_training, idx, *a.args)
    plan.noise.give(net.rng)
    store_after(net, exset, a, idx, is_training)
    return a


def store_after(net, exset, a, idx, is_training: bool) -> None:
    """What the network keeps of a kernel call that ran the examples idx
    (its errors, histories and positions), from the call's _LoopArrays."""
    a.bptt.keep(net)
    io = a.io
    _store_error(net, float(io[0]))         # (float32 values: no rounding again)
    for g, v in zip(a.cost_groups, a.gerr.tolist()):
        _store_error(g, v)
    net.in_grace_period = bool(io[1])
    net.event_history[:] = a.event_hist.tolist()
    hist = a.hist.tolist()
    net.example_history_start = hist[0]
    if a.reset_flags.shape[0]:
        net.reset_history[:] = a.reset_flags.astype(np.bool_).tolist()
    net.current_example = exset.examples[int(idx[-1])]
    last_ticks = hist[1]
    # (srbptt_example_back leaves the current tick at the first)
    net.current_tick = 0 if is_training and net.type & T.SRBPTT else last_ticks - 1
    net.ticks_on_example = last_ticks


def run_one(net, exset, index: int, is_training: bool, prepared):
    """Example `index` of the set compiled (examples run one at a time with
    the example hooks between them): whether it met the criteria, or None
    (nothing changed) when training.run_example must run it.  `prepared`:
    prepare()'s answer for now.  (The kernel's arguments are kept while
    prepare's memo key holds: see _LoopArrays.for_call.)"""
    idx = net.__dict__.get("_one_index")
    if idx is None:
        idx = net._one_index = np.zeros(1, dtype=np.int64)
    idx[0] = index
    a = _run(None, net, exset, 1, is_training, idx, prepared)
    return None if a is None else a.correct.item(0)


class _LoopArrays:
    """The kernel's per-call arrays, kept between calls for one plan and
    event table (examples compiled one at a time call it once per example):
    each call refills them from the network, which a hook may have changed."""

    @classmethod
    def for_call(cls, net, plan, table, is_training: bool, count: int, key=None):
        """`key`: prepare's memo key (None outside a task); while it holds,
        nothing but the net's running state can differ from the last call."""
        kept = getattr(net, "_loop_arrays", None)
        same = key is not None and kept is not None and kept.key == (key, is_training) \
            and kept.plan is plan and kept.table is table and kept.count == count
        if not same:
            if kept is None or kept.plan is not plan or kept.table is not table \
                    or kept.count != count or len(kept.event_hist) != len(net.event_history) \
                    or len(kept.reset_flags) != len(net.reset_history) \
                    or not kept.bptt.current(net, plan.groups):
                kept = net._loop_arrays = cls(net, plan, table, count)
            kept.refill_params(net, is_training)
            kept.key = None if key is None else (key, is_training)
            kept.args = kept.kernel_args(net)
        kept.refill(net)
        kept.bptt.take_hard_clamp(net)
        return kept

    def __init__(self, net, plan, table, count: int):
        self.plan, self.table, self.count = plan, table, count
        self.key = None
        self.args = ()
        self.cost_groups = [g for _, g in plan.cost_groups]
        groups = plan.groups
        self.reset_val = np.full(len(groups), math.nan, dtype=np.float32)
        self.crit_kind = np.zeros(len(groups), dtype=np.int64)
        self.crit_val = np.zeros(len(groups), dtype=np.float32)
        self.cost_k = np.array([k for k, _ in plan.cost_groups], dtype=np.int64)
        self.gerr = np.zeros(len(plan.cost_groups), dtype=np.float32)
        self.event_hist = np.zeros(len(net.event_history), dtype=np.int64)
        self.ticks = np.zeros(count, dtype=np.int64)
        self.correct = np.zeros(count, dtype=np.bool_)
        self.io = np.zeros(3)
        self.hist = np.zeros(2, dtype=np.int64)
        self.reset_flags = np.zeros(len(net.reset_history), dtype=np.uint8)
        self.bptt = _BackpropThroughTime(net, groups)

    def kernel_args(self, net) -> tuple:
        """examples_kernel's arguments after `training` and `idx` (all fixed
        while nothing edits the net: the arrays are refilled in place)."""
        plan, table, bptt = self.plan, self.table, self.bptt
        return (table.ex_first, table.freq, table.times, table.wr_first, table.wr_group,
                table.wr_field, table.wr_unit, table.wr_val, self.reset_val, self.crit_kind,
                self.crit_val, self.cost_k, net.max_ticks, net.ticks_per_interval,
                bool(net.group_crit_required), bool(net.pseudo_example_freq), plan.gi,
                plan.gf, plan.saddr, plan.psend, plan.paddr, plan.pshape, plan.vals,
                self.gerr, self.event_hist, self.ticks, self.correct, self.io, self.hist,
                self.reset_flags, net.backprop_ticks, bptt.haddr, bptt.hard_addr,
                bptt.hard_valid, bptt.span, bptt.reset_group, bool(net.type & T.SRBPTT),
                net.example_writer is not None)

    def refill_params(self, net, is_training: bool) -> None:
        """What the groups' parameters give (only an edit changes them)."""
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

    def refill(self, net) -> None:
        """The net's running state, which anything between calls may change."""
        for c, (_, g) in enumerate(self.plan.cost_groups):
            self.gerr[c] = g.error
        self.event_hist[:] = net.event_history
        self.io[0] = net.error
        self.io[1] = 1.0 if net.in_grace_period else 0.0
        self.hist[0] = net.example_history_start
        self.hist[1] = net.ticks_on_example
        if self.reset_flags.shape[0]:
            self.reset_flags[:] = net.reset_history


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

    def keep(self, net) -> None:
        for k, g in self.hard:
            # (one copy per call: the entries are only read, and replaced)
            rows = self.ext[k].copy()
            state, in_step = g.proc_state, self.in_step
            for slot, valid in enumerate(self.hard_valid[k, :self.H].tolist()):
                if valid:
                    in_step[(k, slot)] = state[self.slots[slot]] = rows[slot:slot + 1]
