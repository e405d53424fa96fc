"""Training and testing (SPEC §3.1, §3.3, §4.1): Lens's example loop, its
batch loop and its `train`/`test` commands.

Two paths give the same numbers.  The *per-example* path follows Lens's
loop literally: events, ticks, hooks, criteria, grace periods.  The
*vectorised* path runs a whole batch of one-tick, one-event examples as one
set of matrix operations; it is used only when nothing could tell the
difference (no per-example hooks or scripts, a feed-forward group order, ...;
see `batch_blocker`).  Examples are chosen first, with the same random draws
in the same order, so both paths present the same examples.
"""
from __future__ import annotations

import math
import time

import numpy as np

from . import boltzmann
from . import continuous
from . import kohonen  # noqa: F401   (registers KOHONEN)
from . import groupprocs  # noqa: F401  (registers the remaining group procedures)
from .compiled import exampleloop
from .compiled import continuous as fastcontinuous
from .compiled import example as fastexample
from .compiled import batch as fastpath
from . import forward as F
from . import noise
from . import types as T
from .algorithms import update_weights
from .network import NetworkError
from .report import HEADER, ReportClock, report_line, test_report
from .schedule import schedule_run

SMALL_VAL = np.float32(1e-8)


TEST_CHUNK_ELEMENTS = 4_000_000    # rows x units of one vectorised test chunk
TEST_CHUNK_EXAMPLES = 2_000        # examples of one compiled per-example test call


class TrainingHalted(Exception):
    """Training or testing stopped early; the message is Lens's result text."""


# -- hooks and scripts ---------------------------------------------------------------

def run_hook(session, net, name: str) -> None:
    hook = net.hooks.get(name)
    if not hook:
        return
    if callable(hook):
        hook()
    else:
        session.script(hook, name)


def _hooks_for(session, net):
    return lambda name: run_hook(session, net, name)


# -- example sets (the ExampleSet/Example/Event contract of DESIGN.md) ---------------

def _set_value(exset, name, default):
    v = getattr(exset, name, default)
    return default if v is None else v


def _event_time(event, exset, name):
    v = getattr(event, name, math.nan)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return float(np.float32(_set_value(exset, name, {"max_time": 1.0, "min_time": 0.0,
                                                          "grace_time": 0.0}[name])))
    return float(np.float32(v))


def _event_times(net, exset, event):
    """(maxTime, minTime, graceTime) of the event, kept while the set is unedited."""
    version = getattr(exset, "version", None)
    if version is None or getattr(exset, "mode", 0) & (T.PIPE | T.CUSTOM):
        return tuple(_event_time(event, exset, k) for k in ("max_time", "min_time", "grace_time"))
    key = (version, id(exset))
    cache = getattr(net, "_event_times_cache", None)
    if cache is None or cache[0] != key or len(cache[1]) > _EVENT_CACHE_LIMIT:
        cache = net._event_times_cache = (key, {})
    entry = cache[1].get(id(event))
    if entry is None or entry[0] is not event:
        entry = cache[1][id(event)] = (event, tuple(
            _event_time(event, exset, k) for k in ("max_time", "min_time", "grace_time")))
    return entry[1]


def _examples(exset):
    return exset.examples


def select_example(session, net, exset):
    """loadNextExample: choose, make current, run the example's proc."""
    ex = exset.next_example(session.rng)
    net.current_example = ex
    proc = getattr(ex, "proc", None)
    if proc:
        session.script(proc, "example proc")
    return ex


_UNTOUCHED = (-3.25e30, 7.5e29)     # two fills: a unit is written if either changes


def _event_writes(net, event):
    """What standard loadEvent writes for this event: (group, "external_input"
    or "target", units, values), the values already rounded to the real type.  Found by installing the event twice into flat
    vectors of two different fill values."""
    n = net.num_units
    found = []
    for install, units in ((event.install_inputs, net.input_units()),
                           (event.install_targets, net.output_units())):
        a, b = np.full(n, _UNTOUCHED[0]), np.full(n, _UNTOUCHED[1])
        install(a, units, net.group_units)
        install(b, units, net.group_units)
        found.append(((a != _UNTOUCHED[0]) | (b != _UNTOUCHED[1]), a.astype(net.dtype)))
    (ext_on, ext), (tgt_on, tgt) = found
    writes = []
    o = 0
    for g in net.groups:
        for field, on, vals in (("external_input", ext_on, ext), ("target", tgt_on, tgt)):
            on = on[o:o + g.size]
            if on.all():
                writes.append((g, field, slice(None), vals[o:o + g.size].copy()))
            elif on.any():
                writes.append((g, field, np.flatnonzero(on), vals[o:o + g.size][on]))
        o += g.size
    return writes


_EVENT_CACHE_LIMIT = 200_000


def _cached_event_writes(net, exset, event):
    """_event_writes, kept per network while the set, its examples and the
    network's groups stay as they are (None: not cacheable)."""
    version = getattr(exset, "version", None)
    if version is None or getattr(exset, "mode", 0) & (T.PIPE | T.CUSTOM):
        return None
    key = (version, id(exset), net.dtype,
           tuple((g, g.name, g.size, g.type & (T.INPUT | T.OUTPUT)) for g in net.groups))
    cache = getattr(net, "_event_writes", None)
    if cache is None or cache[0] != key or len(cache[1]) > _EVENT_CACHE_LIMIT:
        cache = net._event_writes = (key, {})
    entry = cache[1].get(id(event))
    if entry is None or entry[0] is not event:
        entry = cache[1][id(event)] = (event, _event_writes(net, event))
    return entry[1]


def load_event(session, net, exset, event) -> None:
    """Standard loadEvent (SPEC §2.2): defaults and ranges into externalInput
    and target, then the event's proc."""
    writes = _cached_event_writes(net, exset, event) if net.groups[0].state.shape[1] == 1 \
        else None
    if writes is not None:
        for g, field, units, vals in writes:
            getattr(g, field)[0, units] = vals
        if net.noise_groups:
            noise.external_input_noise(net)
        proc = getattr(event, "proc", None)
        if proc:
            session.script(proc, "event proc")
        return
    offs = net.unit_offsets()
    ext = np.concatenate([g.external_input[-1] for g in net.groups]).astype(np.float64)
    tgt = np.concatenate([g.target[-1] for g in net.groups]).astype(np.float64)
    event.install_inputs(ext, net.input_units(), net.group_units)
    event.install_targets(tgt, net.output_units(), net.group_units)
    for g in net.groups:
        o = offs[g.name]
        g.external_input[-1] = ext[o:o + g.size]
        g.target[-1] = tgt[o:o + g.size]
    if net.noise_groups:
        noise.external_input_noise(net)
    proc = getattr(event, "proc", None)
    if proc:
        session.script(proc, "event proc")


# -- the per-example path --------------------------------------------------------------

def _reset_outputs(net, g) -> None:
    """resetOutputs (it passes over lesioned units)."""
    v = net.dtype(g.initial_output())
    live = slice(None) if g.skipped is None else ~g.skipped
    g.output[:, live] = v
    g.output_cache[:, live] = v


_TICK_HOOKS = ("preEventProc", "postEventProc", "preTickProc", "postTickProc",
               "preTickBackProc")


def run_example(session, net, exset, example, training: bool,
                example_back: bool = True) -> bool:
    """standardNetRunExample: returns whether every event met the criteria."""
    if net.type & T.BOLTZMANN:
        return boltzmann.run_example(session, net, exset, example, training, example_back)
    if net.type & T.CONTINUOUS:
        done = fastcontinuous.run_example(session, net, exset, example, training, example_back)
        if done is not None:                # compiled, the same numbers
            return done
        return continuous.run_example(session, net, exset, example, training, example_back)
    hook = _hooks_for(session, net)
    events = example.events
    event = 0
    ev = events[0]
    load_event(session, net, exset, ev)
    ticks_on_event = 0
    max_t, min_t, grace_t = _event_times(net, exset, ev)
    net.in_grace_period = grace_t > 0.0
    for g in net.groups:
        if g.type & T.RESET_ON_EXAMPLE:
            _reset_outputs(net, g)
            continuous.reset_forward_integrators(net, g)
    srbptt = training and example_back and bool(net.type & T.SRBPTT)
    if net.history_length:
        net.example_history_start = (net.example_history_start
                                     + net.ticks_on_example) % net.history_length
        net.reset_history[F.history_index(net, 0)] = True
    hook("preEventProc")
    correct = True
    freq = [getattr(example, "frequency", 1.0)]
    freq32 = float(np.float32(freq[0]))
    scripted = any(net.hooks.get(h) for h in _TICK_HOOKS) \
        or any(getattr(e, "proc", None) for e in events)
    plan = None
    tpi = net.ticks_per_interval
    tick = 0
    while tick < net.max_ticks and event < len(events):
        net.current_tick = tick
        net.event_history[tick] = event
        if tick > 0 and net.history_length:
            net.reset_history[F.history_index(net, tick)] = False
        hook("preTickProc")
        # the compiled tick when it can (same bits); never around a tick-back hook.
        # Only scripts change the network, so the plan is looked at again after them.
        if tick == 0 or scripted:
            plan = None if srbptt else fastexample.plan_for(net)
        if plan is not None and not (training and net.hooks.get("preTickBackProc")):
            fastexample.run_tick(net, plan, freq32, training)
        else:
            ctx = F.TickContext(net, 1, freq, training)
            if srbptt:
                F.srbptt_tick(net, ctx)
            elif training:
                F.train_tick(net, ctx, hook)
            else:
                F.forward_tick(net, ctx)
        hook("postTickProc")
        ticks_on_event += 1
        t = np.float32(np.float32(np.float32(ticks_on_event) / np.float32(tpi)) + SMALL_VAL)
        done, crit = event_over(net, training, t, tick, (max_t, min_t, grace_t))
        if done:
            if not crit:
                correct = False
            hook("postEventProc")
            if net.group_crit_required and not crit:
                break
            event += 1
            if event < len(events):
                ev = events[event]
                load_event(session, net, exset, ev)
                ticks_on_event = 0
                max_t, min_t, grace_t = _event_times(net, exset, ev)
                net.in_grace_period = grace_t > 0.0
                hook("preEventProc")
        tick += 1
    net.ticks_on_example = net.current_tick + 1
    if srbptt:
        hook("preExampleBackProc")
        F.srbptt_example_back(net)
    return correct


def event_over(net, training: bool, t, tick: int, times) -> tuple:
    """After a tick, `t` into the event: (is the event over, did the group
    criteria hold).  The criteria are looked at only where Lens does: when
    the event is over, or from minTime on, where meeting them ends it; the
    grace period ends at graceTime."""
    max_t, min_t, grace_t = times
    if t >= max_t or tick >= net.max_ticks - 1:
        return True, _criteria(net, training)
    if t >= min_t and _criteria(net, training):
        return True, True
    if net.in_grace_period and t >= grace_t:
        net.in_grace_period = False
    return False, False


def _criteria(net, training: bool) -> bool:
    ok = F.criteria_reached(net, training)
    return bool(ok is not None and ok[-1])


# -- the vectorised batch path ---------------------------------------------------------

_HOOKS_INSIDE_EXAMPLES = ("preExampleProc", "postExampleProc", "preExampleBackProc",
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
    for h in _HOOKS_INSIDE_EXAMPLES:
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


# -- batches -------------------------------------------------------------------------------

def _num_examples(exset) -> int:
    return len(_examples(exset))


def train_batch(session, net) -> bool:
    """standardNetTrainBatch; returns allCorrect."""
    exset = net.training_set
    if exset is None:
        raise NetworkError("There is no training example set")
    fast = fastpath.train_batch(session, net, exset)    # compiled, same numbers
    if fast is not None:
        return fast
    net.error = 0.0
    net.output_cost = 0.0
    for g in net.groups:
        g.error = 0.0
        g.output_cost = 0.0
        # resetLinkDerivs passes over lesioned units (their links keep their derivs)
        live = slice(None) if g.skipped is None else ~g.skipped
        g.gain_deriv[:, live] = 0
        for p in g.incoming:
            p.deriv[live] = 0
    n = net.batch_size if net.batch_size > 0 else _num_examples(exset)
    if n == 0 and getattr(exset, "mode", 0) == T.PIPE:
        raise NetworkError("You must specify a non-zero batch size when reading from a pipe.")
    if n > 0 and batch_blocker(net, exset, True) is None:
        correct, _ = _run_batch_vectorised(session, net, exset, n, True)
        all_correct = bool(correct.all())
    else:
        all_correct = exampleloop.run_batch(session, net, exset, n)   # same numbers
        if all_correct is None:
            all_correct = _train_examples(session, net, exset, n)
    if net.type & T.CONTINUOUS:
        continuous.scale_link_derivs(net)
    if net.noise_groups:
        noise.link_deriv_noise(net)
    return all_correct


def _train_examples(session, net, exset, n: int) -> bool:
    all_correct = True
    hook = _hooks_for(session, net)
    one_by_one = exampleloop.runs_one_by_one(net, exset)
    for _ in range(n):
        if one_by_one:      # compiled, with the example hooks between examples
            ok = _one_example_compiled(session, net, exset, True, hook)
            if ok is not None:
                if not ok:
                    all_correct = False
                continue
            one_by_one = False
        ex = select_example(session, net, exset)
        hook("preExampleProc")
        ok = run_example(session, net, exset, ex, True)
        hook("postExampleProc")
        if not ok:
            all_correct = False
        if net.example_writer is not None:
            net.example_writer(net, ex)
    return all_correct


def _one_example_compiled(session, net, exset, training: bool, hook):
    """One example through the compiled loop with preExampleProc and
    postExampleProc around it: whether it met the criteria (None: it cannot
    run compiled, and nothing was drawn).  A hook may change what can run
    compiled, so the example after it asks again."""
    prepared = exampleloop.prepare(net, exset, one_by_one=True)
    if prepared is None:
        return None
    idx = fastpath.draw_indices(exset, 1, session.rng)
    ex = exset.examples[int(idx[0])]
    net.current_example = ex
    if net.hooks.get("preExampleProc"):
        hook("preExampleProc")
        prepared = exampleloop.prepare(net, exset, one_by_one=True)
    done = None if prepared is None else \
        exampleloop.run_examples(session, net, exset, 1, training, idx=idx, prepared=prepared)
    if done is None:        # the hook changed something: the example runs in Python
        ok = run_example(session, net, exset, ex, training)
    else:
        ok = bool(done[1][0])
    hook("postExampleProc")
    if net.example_writer is not None:
        net.example_writer(net, ex)
    return ok


def _now_ms() -> int:
    return int(time.time() * 1000)


KERNEL_WAIT_SECONDS = 5.0


def _settle_kernels(net) -> None:
    """Give compiled kernels that are being loaded from numba's cache a moment
    before the first run: that takes ~0.3 s alone, but several seconds while
    the NumPy path (same numbers, slower) competes with the loading thread for
    the interpreter.  (Not compiled yet: compiled/cache.py compiles them in
    another process, and the NumPy path runs meanwhile.)"""
    if fastpath.HAVE_NUMBA:
        fastpath.KERNELS.settle(KERNEL_WAIT_SECONDS)
        fastexample.KERNELS.settle(KERNEL_WAIT_SECONDS)
        if net.type & T.CONTINUOUS and fastcontinuous.HAVE_NUMBA:
            fastcontinuous.KERNELS.settle(KERNEL_WAIT_SECONDS)


def train(session, net, num_updates=None, report=None, algorithm=None,
          set_only: bool = False, schedule=None) -> str:
    """The `train` command; returns Lens's result text (raises TrainingHalted
    with that text if it stopped early).  `schedule`: an update schedule for
    this run only (schedule.py; "" = every array on every update); None = the
    network's own."""
    run = schedule_run(net, schedule)   # a bad schedule changes nothing
    if num_updates is not None:
        net.num_updates = num_updates
    if report is not None:
        net.report_interval = report
    if algorithm is not None:
        net.algorithm = resolve_algorithm(algorithm)
    if set_only:
        return ""
    if net.num_updates < 0:
        raise NetworkError(f"numUpdates ({net.num_updates}) must be positive.")
    if net.num_updates == 0:
        return ""
    if net.training_set is None:
        raise NetworkError("There is no training set.")
    if net.learning_rate < 0.0:
        raise NetworkError(f"learningRate ({net.learning_rate:f}) cannot be negative.")
    if net.weight_decay < 0.0 or net.weight_decay > 1.0:
        raise NetworkError(f"weightDecay ({net.weight_decay:f}) must be in the range [0,1].")
    if net.report_interval < 0:
        raise NetworkError(f"reportInterval ({net.report_interval}) cannot be negative.")
    _settle_kernels(net)
    alg = net.algorithm
    session.print(f"Performing {net.num_updates} updates using {T.ALGORITHM_LONG_NAMES[alg]}...\n")
    if net.report_interval:
        session.print(HEADER)
    start = _now_ms()
    clock = ReportClock(start)
    last_report = batches_at_crit = 0
    group_crit = False
    done = False
    halted = False
    hook = _hooks_for(session, net)
    i = 1
    while not done:
        # runs of updates with no Python between them go compiled (same numbers)
        burst = fastpath.train_updates(session, net, alg, run, i, batches_at_crit)
        if burst is not None and (burst[0] or burst[2] or burst[3]):
            count, batches_at_crit, halted, pending = burst
            net.total_updates += count
            i += count
            if halted:
                break
            if not pending:
                done = i > net.num_updates
                continue
            group_crit = False      # the batch of update i has run
        else:
            try:
                hook("preEpochProc")
                group_crit = train_batch(session, net)
            except KeyboardInterrupt:
                halted = True
                break
        if net.error < net.criterion or group_crit:
            batches_at_crit += 1
        else:
            batches_at_crit = 0
        if (net.min_crit_batches > 0 and batches_at_crit >= net.min_crit_batches) \
                or i >= net.num_updates:
            done = True
        will_report = bool(net.report_interval) and (i % net.report_interval == 0 or done)
        hook("postEpochProc")
        fastpath.update_weights(net, alg, will_report, run.next())   # or algorithms'
        hook("postUpdateProc")
        net.total_updates += 1
        if will_report:
            used, left = clock.times(_now_ms(), i, last_report, net.num_updates)
            session.print(report_line(net, used, left))
            last_report = i
        if alg != net.algorithm:
            alg = net.algorithm
            session.print(f"Changing algorithm to {T.ALGORITHM_LONG_NAMES[alg]}...\n")
        i += 1
    elapsed = _now_ms() - start
    text = f"Performed {i - 1} updates\n"
    if not done:
        text += "Training halted prematurely\n"
    if net.error <= net.criterion and batches_at_crit >= net.min_crit_batches:
        text += f"Network reached overall error criterion of {np.float32(net.criterion):f}\n"
    if group_crit and batches_at_crit >= net.min_crit_batches:
        text += "Network reached group output criterion\n"
    text += "Total time elapsed: %.3f seconds" % (float(np.float32(elapsed)) * 1e-3)
    if halted or not done:
        raise TrainingHalted(text)
    return text


def resolve_algorithm(name) -> int:
    if isinstance(name, int):
        return name
    found = T.lookup_type_mask(name, T.ALGORITHM)
    if found is None:
        raise NetworkError(f"train: unrecognized algorithm: {name}")
    return found


def update_weights_command(session, net, algorithm=None, reset=True, report=False) -> str:
    """The `updateWeights` command (no totalUpdates increment)."""
    alg = net.algorithm if algorithm is None else resolve_algorithm(algorithm)
    update_weights(net, alg, report)
    run_hook(session, net, "postUpdateProc")
    if report:
        session.print(report_line(net, 0, 0))
    if reset:
        net.reset_derivs()
    return ""


# -- testing --------------------------------------------------------------------------------

def test(session, net, num_examples: int = 0, reset_error: bool = True,
         return_text: bool = False):
    """The `test` command: (result string, Test array values)."""
    exset = net.testing_set or net.training_set
    if exset is None:
        raise NetworkError("there are no current example sets")
    if num_examples < 0:
        raise NetworkError(f"test: number of examples ({num_examples}) can't be negative")
    _settle_kernels(net)
    if reset_error:
        net.error = 0.0
        net.output_cost = 0.0
        for g in net.groups:
            g.error = 0.0
            g.output_cost = 0.0
    n = num_examples
    if n == 0:
        n = _num_examples(exset)
        if n == 0 and getattr(exset, "mode", 0) == T.PIPE and getattr(exset, "pipe_loop", 1):
            session.print("Warning: Testing on an infinite pipe\n")
        exset.reset()
    total_ticks = reached = 0
    i = 0
    halted = False
    if n > 0 and fastpath.test_batch(session, net, exset, n):   # compiled, same numbers
        i = total_ticks = n
    elif n > 0 and batch_blocker(net, exset, False) is None:
        # Widening every group to n rows costs ~11 arrays x n x units; large
        # tests run in chunks so a 10 000-example test of a 1000-1000-1000
        # net stays well under 2 GB.
        chunk = max(1, TEST_CHUNK_ELEMENTS // max(1, net.num_units))
        net.exact_rows = n
        try:
            while i < n:
                rows = min(chunk, n - i)
                correct, _ = _run_batch_vectorised(session, net, exset, rows, False)
                reached += int(correct.sum())
                i += rows
        finally:
            net.exact_rows = None
        total_ticks = n
    else:
        hook = _hooks_for(session, net)
        try:
            # compiled example loops (same numbers), in chunks so Ctrl-C is heard
            while n > 0 and i < n:
                done = exampleloop.run_examples(session, net, exset,
                                                min(TEST_CHUNK_EXAMPLES, n - i), False)
                if done is None:
                    break
                ticks, correct = done
                total_ticks += int(ticks.sum())
                reached += int(correct.sum())
                i += len(ticks)
            one_by_one = n > 0 and exampleloop.runs_one_by_one(net, exset)
            while n == 0 or i < n:
                ok = _one_example_compiled(session, net, exset, False, hook) \
                    if one_by_one else None
                if ok is None:
                    one_by_one = False
                    ex = select_example(session, net, exset)
                    hook("preExampleProc")
                    ok = run_example(session, net, exset, ex, False)
                    hook("postExampleProc")
                    if net.example_writer is not None:
                        net.example_writer(net, ex)
                total_ticks += net.ticks_on_example
                if ok:
                    reached += 1
                i += 1
        except KeyboardInterrupt:
            halted = True
    text, values = test_report(net, i, total_ticks, reached)
    if halted or i != n:
        raise TrainingHalted(f"Testing halted prematurely after {i} examples\n")
    if return_text:
        return text, values
    session.print(text + "\n")
    return "", values


# -- doExample --------------------------------------------------------------------------------

def do_example(session, net, index=None, exset=None, mode=None) -> str:
    """The `doExample` command: run one example (the set's next one, or example
    `index` without moving the set's position).  `mode` "train" or "test"
    switches, for good, whether such runs do forward+backward ticks."""
    if mode is not None:
        net.run_training = (mode == "train")
    training = getattr(net, "run_training", None)
    if training is None:        # Lens's doExample trains Boltzmann nets unless told
        training = bool(net.type & T.BOLTZMANN)
    if exset is None:
        exset = net.training_set
        if exset is None or (mode == "test" and net.testing_set is not None):
            exset = net.testing_set or exset
    if exset is None:
        raise NetworkError("doExample: no example set")
    if index is None:
        ex = select_example(session, net, exset)
    else:
        examples = _examples(exset)
        if index < 0 or index >= len(examples):
            raise NetworkError(f"doExample: example {index} out of range")
        ex = examples[index]
        net.current_example = ex
        if hasattr(exset, "current_example"):
            exset.current_example = ex
        proc = getattr(ex, "proc", None)
        if proc:
            session.script(proc, "example proc")
    run_hook(session, net, "preExampleProc")
    run_example(session, net, exset, ex, training, example_back=False)
    run_hook(session, net, "postExampleProc")
    if net.example_writer is not None:
        net.example_writer(net, ex)
    return ""
