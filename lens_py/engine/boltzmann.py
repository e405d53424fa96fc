"""BOLTZMANN networks (deterministic Boltzmann machines, Lens 2.63 act.c):
the IN_BOLTZ and OUT_BOLTZ procedures, the synchronous update tick, the
settling test, the annealed gain, and the example loops for training
(a positive phase with the targets clamped, then a free negative phase,
then co-occurrence link derivatives) and for testing (the negative phase
only).  The procedures are registered in forward.py's tables when this
module is imported.

What the C code does, in our words:

* Tick (`boltzmannUpdate`): every group's input from the previous tick's
  caches, then every group's output; histories always kept; no error, no
  error derivative, no tick hooks.
* IN_BOLTZ: a unit with no external input, and no target while the grace
  period (= positive phase) lasts, sums w·o over its links one after the
  other in float32 (the plain loop, not the unrolled one); other units get 0.
* OUT_BOLTZ: remembers the previous output, then output = external input if
  there is one, else the target during the grace period, else
  o += dt·dtScale_u·(σ(gain·x) − o) with σ computed in double from a float
  exp (`1.0/(exp + 1.0)`), the increment in double, the sum rounded once.
* Gain, set on the *network* before each tick:
  finalGain + (initGain − finalGain)·0.5^(ticksOnPhase/(annealTime·ticksPerInterval)),
  every step in float except the pow (double).  The network keeps the last
  value (getObj gain shows it); groups with their own gain do not anneal.
* Settled: for every OUT_BOLTZ group, |cache − previous output| ≤ the
  group's train (or test) criterion for every unit (lesioned ones too).
* Training, per event: load it, set every non-bias output to its external
  input, else its target, else initOutput; positive phase with the grace
  period on; it ends at the first of: the last tick, graceTime reached,
  settled (never before minTime).  Then outputDeriv := output in every group
  (the positive statistics), RESET_ON_EXAMPLE groups move their free units
  toward initOutput by clampStrength, the grace period ends, and one tick
  number is used up to record that state.  Negative phase until the last
  tick, maxTime − graceTime, or settled.  Then each group in turn: its cost
  (the error Lens reports), and IN_BOLTZ backward:
  deriv += o_neg·s_neg − o_pos·s_pos per link (float products and sum).
  `correct` is always false, so the group criterion is never reached.
* Testing, per event: every group (bias included) initialised as above, the
  positive statistics copied, RESET_ON_EXAMPLE groups moved toward
  initOutput, one tick number used up, then the negative phase only, with
  the test criterion; then the costs.
* No random numbers are drawn (apart from noise procedures, if any).
* Display signals (graphs, recordings): TICKS after every tick's update and
  once more for the tick number a phase change (training) or the clamped
  start of an event (testing) uses up; no EVENTS at all, as the pre/post
  event and tick hooks never run; EXAMPLES when the example ends (before a
  CONTINUOUS or SRBPTT net's example-level backward pass).
* The batch step is Lens's standard one (training.train_batch); a
  BOLTZMANN net that is also CONTINUOUS or SRBPTT keeps that type's
  example-level backward pass after each training example.
"""
from __future__ import annotations

import math

import numpy as np

from . import forward as F
from . import graphs
from . import types as T

F64 = np.float64
NEG_ZERO = -0.0
SMALL_VAL = 1e-8
LAST_OUTPUT = "OUT_BOLTZ"       # proc_state key: OUT_BOLTZ's previous outputs

NEW_EVENT, POSITIVE, NEGATIVE = range(3)


# -- helpers ---------------------------------------------------------------------------

def _live(g) -> np.ndarray:
    skip = g.skipped
    return np.ones(g.size, dtype=bool) if skip is None else ~skip


def last_outputs(net, g) -> np.ndarray:
    """OUT_BOLTZ's previous outputs [units]; zeros when first used (Lens
    allocates them zeroed when the procedure is initialised)."""
    last = g.proc_state.get(LAST_OUTPUT)
    if last is None or last.shape != (g.size,) or last.dtype != net.dtype:
        last = np.zeros(g.size, dtype=net.dtype)
        g.proc_state[LAST_OUTPUT] = last
    return last


def _set_event_history(net, tick: int, event: int) -> None:
    # Lens writes one slot past the end when a phase change uses up the last tick
    if 0 <= tick < len(net.event_history):
        net.event_history[tick] = event


# -- IN_BOLTZ --------------------------------------------------------------------------

def boltzmann_input(net, g) -> None:
    """boltzmannInput: a running float sum over all of a unit's links."""
    d = net.dtype
    ext, tgt = g.external_input, g.target
    free = np.isnan(ext) & (np.isnan(tgt) | (not net.in_grace_period))
    for r in range(g.input.shape[0]):
        width = 1 + sum(p.sender.size for p in g.incoming)
        seq = np.empty((g.size, width), dtype=d)
        seq[:, 0] = 0
        col = 1
        for p in g.incoming:
            o = p.sender.output_cache
            o = o[r] if o.shape[0] > 1 else o[0]
            terms = p.weight * o[None, :]
            if p.mask is not None:
                terms = np.where(p.mask, terms, d(NEG_ZERO))
            seq[:, col:col + p.sender.size] = terms
            col += p.sender.size
        np.cumsum(seq, axis=1, out=seq)
        g.input[r] = np.where(free[r], seq[:, -1], d(0))


def boltzmann_input_back(net, g, skip_rows) -> None:
    """boltzmannInputBack: each link's deriv += o·s − o⁺·s⁺, where o, s are
    the receiver's and sender's outputs now (negative phase) and o⁺, s⁺ the
    positive-phase outputs kept in outputDeriv and the sender's deriv cache."""
    if skip_rows is not None and skip_rows[-1]:
        return
    live = _live(g)
    out = g.output[-1]
    pos = g.output_deriv[-1]
    for p in g.incoming:
        s = p.sender
        term = out[:, None] * s.output_cache[-1][None, :] \
            - pos[:, None] * s.deriv_cache[-1][None, :]
        where = np.broadcast_to(live[:, None], term.shape)
        if p.mask is not None:
            where = where & p.mask
        deriv = p.arrays.deriv
        np.add(deriv, term, out=deriv, where=where)


# -- OUT_BOLTZ -------------------------------------------------------------------------

def boltzmann_output(net, g) -> None:
    """boltzmannOutput (lesioned units are passed over, their previous
    output stays as it was)."""
    d = net.dtype
    live = _live(g)
    last = last_outputs(net, g)
    out = g.output[-1]
    last[live] = out[live]
    gain = d(g.choose("gain"))
    dt = d(d(net.dt) * d(g.dt_scale))
    step = (dt * g.unit_dt_scale.astype(d)).astype(F64)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(((-g.input[-1]) * gain).astype(d).astype(F64)).astype(d)
        sig = 1.0 / (e.astype(F64) + 1.0)
        moved = (out.astype(F64) + step * (sig - out.astype(F64))).astype(d)
    ext, tgt = g.external_input[-1], g.target[-1]
    new = np.where(~np.isnan(ext), ext,
                   np.where(~np.isnan(tgt) & bool(net.in_grace_period), tgt, moved))
    out[live] = new[live]


# -- network-level steps -------------------------------------------------------------------

def anneal_gain(net, ticks: int) -> None:
    """Net->gain for the coming tick of a phase."""
    d = net.dtype
    with np.errstate(divide="ignore", invalid="ignore"):
        span = d(d(net.anneal_time) * d(net.ticks_per_interval))
        x = d(d(ticks) / span)
    factor = d(math.pow(0.5, float(x)))
    net.gain = float(d(d(net.final_gain) + d(d(d(net.init_gain) - d(net.final_gain)) * factor)))


def update(net) -> None:
    """boltzmannUpdate: inputs, then outputs, of every group; no costs."""
    for g in net.groups:
        F.compute_input(net, g, True)
    for g in net.groups:
        F.compute_output(net, g, True)
    for g in net.groups:
        if g.type & T.USE_TARGET_HIST and g.cost_type & T.ERROR_MASKS:
            F._store(net, g, "target_history", g.target)


def settled(net, training: bool) -> bool:
    """boltzmannSettled: no OUT_BOLTZ unit moved by more than the criterion."""
    d = net.dtype
    for g in net.groups:
        if not g.output_type & T.OUT_BOLTZ:
            continue
        crit = d(g.choose("train_group_crit" if training else "test_group_crit"))
        moved = np.abs(g.output_cache[-1] - last_outputs(net, g))
        if (moved > crit).any():
            return False
    return True


def initialize_outputs(net, g) -> None:
    """initializeBoltzmannOutputs: external input, else target, else initOutput."""
    live = _live(g)
    ext, tgt = g.external_input[-1], g.target[-1]
    init = net.dtype(g.initial_output())
    val = np.where(~np.isnan(ext), ext, np.where(~np.isnan(tgt), tgt, init))
    g.output[-1, live] = val[live]
    g.output_cache[-1, live] = val[live]


def reset_outputs(net, g) -> None:
    """resetBoltzmannOutputs: free units move toward initOutput by clampStrength."""
    d = net.dtype
    strength = d(g.choose("clamp_strength"))
    retain = d(1.0 - F64(strength))
    init = d(d(g.initial_output()) * strength)
    live = _live(g)
    free = live & np.isnan(g.external_input[-1])
    out = g.output[-1]
    out[free] = init + out[free] * retain
    g.output_cache[-1, live] = out[live]


def keep_positive_phase(net, g) -> None:
    """outputDeriv := output, cached (the positive-phase statistics)."""
    live = _live(g)
    g.output_deriv[-1, live] = g.output[-1, live]
    g.deriv_cache[-1, live] = g.output_deriv[-1, live]


def store_outputs_and_targets(net, tick: int) -> None:
    """storeOutputsAndTargets with no unit viewer: only the groups asking for
    histories.  Lens tests the *group* type against the error mask here."""
    if net.history_length <= 0:
        return
    for g in net.groups:
        if g.type & T.USE_OUTPUT_HIST:
            F._store(net, g, "output_history", g.output)
        if g.type & T.ERROR_MASKS and g.type & T.USE_TARGET_HIST:
            F._store(net, g, "target_history", g.target)


def _time_on(net, ticks: int) -> float:
    """(real) ticks / ticksPerInterval + SMALL_VAL."""
    d = net.dtype
    return float(d(d(d(ticks) / d(net.ticks_per_interval)) + d(SMALL_VAL)))


def _times(net, exset, event):
    """(maxTime − graceTime, minTime, graceTime) of the event, as floats."""
    from . import training as TR     # training imports this module
    max_t, min_t, grace_t = TR._event_times(net, exset, event)
    d = net.dtype
    return float(d(d(max_t) - d(grace_t))), min_t, grace_t


# -- the examples ------------------------------------------------------------------------

def train_example(session, net, exset, example) -> bool:
    """boltzmannNetTrainExample (also Lens's default for doExample)."""
    from . import training as TR
    events = example.events
    freq = [getattr(example, "frequency", 1.0)]
    phase = NEW_EVENT
    ticks_on_phase = 0
    max_t = min_t = grace_t = 0.0
    tick = event = 0
    while tick < net.max_ticks and event < len(events):
        net.current_tick = tick
        _set_event_history(net, tick, event)
        if phase == NEW_EVENT:
            ev = events[event]
            TR.load_event(session, net, exset, ev)
            for g in net.groups:
                if not g.type & T.BIAS:
                    initialize_outputs(net, g)
            max_t, min_t, grace_t = _times(net, exset, ev)
            ticks_on_phase = 0
            net.in_grace_period = True
            phase = POSITIVE
        anneal_gain(net, ticks_on_phase)
        update(net)
        graphs.after_tick(session, net)
        ticks_on_phase += 1
        t = _time_on(net, ticks_on_phase)
        if tick == net.max_ticks - 1:
            done = True
        elif t < min_t:
            done = False
        elif phase == POSITIVE and t >= grace_t:
            done = True
        elif phase == NEGATIVE and t >= max_t:
            done = True
        else:
            done = settled(net, True)
        if done:
            if phase == POSITIVE:
                for g in net.groups:
                    keep_positive_phase(net, g)
                    if g.type & T.RESET_ON_EXAMPLE:
                        reset_outputs(net, g)
                ticks_on_phase = 0
                net.in_grace_period = False
                phase = NEGATIVE
                tick += 1
                net.current_tick = tick
                _set_event_history(net, tick, event)
                store_outputs_and_targets(net, tick)
                graphs.after_tick(session, net)     # the tick used up by the phase change
            else:
                ctx = F.TickContext(net, 1, freq, True)
                for g in net.groups:
                    F.compute_cost(net, g, ctx, True)
                    F.compute_input_back(net, g)
                F.finish_costs(net, ctx)
                event += 1
                phase = NEW_EVENT
        tick += 1
    net.ticks_on_example = net.current_tick + 1
    return False


def test_example(session, net, exset, example) -> bool:
    """boltzmannNetTestExample."""
    from . import training as TR
    events = example.events
    freq = [getattr(example, "frequency", 1.0)]
    phase = NEW_EVENT
    ticks_on_event = 0
    max_t = min_t = 0.0
    tick = event = 0
    while tick < net.max_ticks and event < len(events):
        net.current_tick = tick
        _set_event_history(net, tick, event)
        if phase == NEW_EVENT:
            ev = events[event]
            TR.load_event(session, net, exset, ev)
            for g in net.groups:
                initialize_outputs(net, g)
                keep_positive_phase(net, g)
                if g.type & T.RESET_ON_EXAMPLE:
                    reset_outputs(net, g)
            max_t, min_t, _ = _times(net, exset, ev)
            ticks_on_event = 0
            net.in_grace_period = False
            phase = NEGATIVE
            store_outputs_and_targets(net, tick)
            tick += 1
            net.current_tick = tick
            _set_event_history(net, tick, event)
            graphs.after_tick(session, net)         # the tick used up by the clamped state
        anneal_gain(net, ticks_on_event)
        update(net)
        graphs.after_tick(session, net)
        ticks_on_event += 1
        t = _time_on(net, ticks_on_event)
        if tick == net.max_ticks - 1:
            done = True
        elif t < min_t:
            done = False
        elif t >= max_t:
            done = True
        else:
            done = settled(net, False)
        if done:
            ctx = F.TickContext(net, 1, freq, False)
            for g in net.groups:
                F.compute_cost(net, g, ctx, True)
            F.finish_costs(net, ctx)
            event += 1
            phase = NEW_EVENT
        tick += 1
    net.ticks_on_example = net.current_tick + 1
    return False


def run_example(session, net, exset, example, training: bool,
                example_back: bool = True) -> bool:
    """Net->netTrainExample / netTestExample of a BOLTZMANN net; returns
    whether the example met the criteria (never, in Lens).  When training
    with the example-level backward pass (train batches), a net that is also
    CONTINUOUS or SRBPTT runs that type's pass after it, as Lens does (those
    types set netTrainExampleBack, which BOLTZMANN leaves alone)."""
    if not training:
        return test_example(session, net, exset, example)
    correct = train_example(session, net, exset, example)
    if example_back and net.type & (T.CONTINUOUS | T.SRBPTT):
        from . import continuous
        from . import training as TR
        graphs.example_forward_done(session, net)
        TR.run_hook(session, net, "preExampleBackProc")
        if net.type & T.CONTINUOUS:
            continuous.example_back(net)
        else:
            F.srbptt_example_back(net)
    return correct


# -- registration ----------------------------------------------------------------------------

F.INPUT_FORWARD[T.IN_BOLTZ] = boltzmann_input
F.INPUT_BACK[T.IN_BOLTZ] = boltzmann_input_back
F.OUTPUT_FORWARD[T.OUT_BOLTZ] = boltzmann_output
