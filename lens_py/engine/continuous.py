"""CONTINUOUS networks: the synchronous tick, the example loop
that starts from a reset tick 0, the example-level backward pass, the
integrators (IN_INTEGR, OUT_INTEGR, INTERACT_INTEGR) and SOFT_CLAMP.  The
procs are registered in forward.py's tables when this module is imported
(training.py imports it).

Lens's arithmetic is float32 throughout; the integrators are written so that
NumPy performs the same float operations in the same order as the C code:
`y += dt·dtScale_u·(x − y)` with `dt = net.dt·dtScale_g` rounded first.

Two quirks of Lens are kept on purpose, since the reference runs show them:
* the tick-0 (reset) state is written to the history only for groups that
  ask for it (USE_OUTPUT_HIST / USE_TARGET_HIST), so history slot 0 usually
  holds stale values (0 after resetNet), and the backward pass reads them as
  the senders' outputs for tick 1;
* an integrator keeps its forward state and, during the backward pass, its
  derivative accumulator in one array (Lens's `P->unitData`), so a group
  without RESET_ON_EXAMPLE starts its next example from the accumulator.
"""
from __future__ import annotations

import numpy as np

from . import forward as F
from . import types as T
from .activations import LARGE_VAL, log_real
from .compiled import bulk

class IntegratorState:
    """One integrator proc's data: `value` [1, units] (state or accumulator)
    and `instant` [historyLength, units] (OUT_INTEGR's pre-integration
    outputs, one row per history slot)."""

    __slots__ = ("value", "instant")

    def __init__(self, value: np.ndarray, instant: np.ndarray):
        self.value = value
        self.instant = instant


def integrator_state(net, g, kind: str) -> IntegratorState:
    """The group's state for an integrator kind, created (zeros, as after
    resetNet) on first use.  A new history length starts it afresh: Lens's
    setTime then re-initialises every proc, allocating zeroed data."""
    d = net.dtype
    slots = max(net.history_length, 1)
    st = g.proc_state.get(kind)
    if st is None or st.value.shape != (1, g.size) or st.value.dtype != d \
            or st.instant.shape[0] != slots:
        st = IntegratorState(np.zeros((1, g.size), dtype=d), np.zeros((slots, g.size), dtype=d))
        g.proc_state[kind] = st
    return st


def _step(net, g):
    """dt·dtScale_g (a float) times each unit's dtScale (float products)."""
    d = net.dtype
    dt = d(d(net.dt) * d(g.dt_scale))
    return dt * g.unit_dt_scale.astype(d)


# -- the procs ---------------------------------------------------------------------------

# Lens's integrators pass over lesioned units (their state stays as it was);
# forward.py's group steps put a lesioned unit's own fields back afterwards.

def _integrate_input(net, g):
    # Lens skips all input procs of a fully clamped HARD_CLAMP group, so its
    # integrator does not move; forward.compute_input runs them and zeroes after.
    if g.output_type & T.HARD_CLAMP and F._fully_clamped_rows(g).all():
        return
    st = integrator_state(net, g, "IN_INTEGR")
    live = F._live(g)
    st.value[:, live] = (st.value + _step(net, g) * (g.input - st.value))[:, live]
    g.input[...] = st.value


def _integrate_input_back(net, g, skip_rows):
    # Lens runs no input proc backward in a fully clamped HARD_CLAMP group, so
    # there the accumulator and the inputDeriv stay as they are.
    st = integrator_state(net, g, "IN_INTEGR")
    d = _step(net, g) * st.value
    acc = st.value + (g.input_deriv - d)
    if skip_rows is not None and skip_rows.any():
        keep = skip_rows[:, None]
        acc = np.where(keep, st.value, acc)
        d = np.where(keep, g.input_deriv, d)
    live = F._live(g)
    st.value[:, live] = acc[:, live]
    g.input_deriv[...] = d


def _integrate_output(net, g):
    st = integrator_state(net, g, "OUT_INTEGR")
    live = F._live(g)
    if net.history_length > 0:
        st.instant[F.history_index(net, net.current_tick), live] = g.output[-1, live]
    st.value[:, live] = (st.value + _step(net, g) * (g.output - st.value))[:, live]
    g.output[...] = st.value


def _integrate_output_back(net, g):
    st = integrator_state(net, g, "OUT_INTEGR")
    d = _step(net, g) * st.value
    if net.history_length > 0:
        g.output[...] = st.instant[F.history_index(net, net.current_tick)]
    live = F._live(g)
    st.value[:, live] = (st.value + (g.output_deriv - d))[:, live]
    g.output_deriv[...] = d


def _interactive_activation(net, g):
    """INTERACT_INTEGR (McClelland's interactive activation); no backward pass."""
    dtype = net.dtype
    st = integrator_state(net, g, "INTERACT_INTEGR")
    hi, lo = dtype(g.max_output), dtype(g.min_output)
    rest = dtype(g.initial_output())
    x, y = g.input, st.value
    with np.errstate(invalid="ignore"):
        up = (hi - y) * x - (y - rest)
        down = (y - lo) * x - (y - rest)
        y = y + _step(net, g) * np.where(x > 0, up, down)
        # Lens floors at 0, not at minOutput
        y = np.where(y > hi, hi, np.where(y < 0, dtype(0), y)).astype(dtype)
    live = F._live(g)
    st.value[:, live] = y[:, live]
    g.output[...] = st.value


def _soft_clamp(net, g):
    """SOFT_CLAMP: input += logit(init + strength·(ext − init))/gain where the
    external input is set (±1e8 outside (0, 1)); no backward pass.  Mostly
    used on INPUT groups of continuous nets, whose outputs then integrate."""
    d = net.dtype
    ext = g.external_input
    on = ~np.isnan(ext)
    if not on.any():
        return
    init = d(g.initial_output())
    val = init + d(g.choose("clamp_strength")) * (np.where(on, ext, init) - init)
    with np.errstate(divide="ignore", invalid="ignore"):
        logit = log_real(val / (d(1) - val), d) / d(g.choose("gain"))
    large = d(LARGE_VAL)
    term = np.where(val <= 0.0, -large, np.where(val >= 1.0, large, logit)).astype(d)
    g.input[on] = (g.input + term)[on]


F.INPUT_FORWARD[T.IN_INTEGR] = _integrate_input
F.INPUT_FORWARD[T.SOFT_CLAMP] = _soft_clamp
F.INPUT_BACK[T.IN_INTEGR] = _integrate_input_back
F.OUTPUT_FORWARD[T.OUT_INTEGR] = _integrate_output
F.OUTPUT_BACK[T.OUT_INTEGR] = _integrate_output_back
F.OUTPUT_FORWARD[T.INTERACT_INTEGR] = _interactive_activation


def reset_forward_integrators(net, g) -> None:
    """resetForwardIntegrators: IN_INTEGR to initInput, OUT_INTEGR and
    INTERACT_INTEGR to initOutput."""
    d = net.dtype
    if T.IN_INTEGR in g.input_procs:
        integrator_state(net, g, "IN_INTEGR").value[...] = d(g.initial_input())
    for kind, proc in (("OUT_INTEGR", T.OUT_INTEGR), ("INTERACT_INTEGR", T.INTERACT_INTEGR)):
        if proc in g.output_procs:
            integrator_state(net, g, kind).value[...] = d(g.initial_output())


# -- the tick ----------------------------------------------------------------------------

def tick_forward(net, ctx: F.TickContext) -> None:
    """continuousNetTickForward: every group's input from the previous tick's
    caches, then every output, then every cost; all kept in the history."""
    for g in net.groups:
        F.compute_input(net, g, True)
    for g in net.groups:
        F.compute_output(net, g, True)
    for g in net.groups:
        F.compute_cost(net, g, ctx, True)
    F.finish_costs(net, ctx)


def train_tick_forward(net, ctx: F.TickContext) -> None:
    """continuousNetTrainTickForward: the tick, then every group's error
    derivatives, stored for the example's backward pass."""
    tick_forward(net, ctx)
    for g in net.groups:
        F.compute_cost_back(net, g, ctx, True)


def _store_tick_zero(net) -> None:
    """storeOutputsAndTargets(0): only groups that keep histories anyway.
    Lens tests the *group* type against the error-cost mask here, so targets
    are stored for bias/input/output/Elman groups with USE_TARGET_HIST."""
    if net.history_length <= 0:
        return
    idx = F.history_index(net, 0)
    for g in net.groups:
        live = F._live(g)
        if g.type & T.USE_OUTPUT_HIST:
            g.output_history[idx, live] = g.output[-1, live]
        if g.type & T.ERROR_MASKS and g.type & T.USE_TARGET_HIST:
            g.target_history[idx, live] = g.target[-1, live]


# The restores pass over lesioned units (whose history rows are NaN since
# the lesion): they keep their output (0), input and output derivative.

def _restore_outputs(net, g, tick: int) -> None:
    idx = F.history_index(net, tick)
    live = F._live(g)
    g.output[0, live] = g.output_history[idx, live]
    g.output_cache[0, live] = g.output[0, live]


def _restore_inputs(net, g, tick: int) -> None:
    live = F._live(g)
    g.input[0, live] = g.input_history[F.history_index(net, tick), live]


def _restore_output_derivs(net, g, tick: int) -> None:
    live = F._live(g)
    if g.cost_procs:
        g.output_deriv[0, live] = g.output_deriv_history[F.history_index(net, tick), live]
    else:
        g.output_deriv[0, live] = 0


def example_back(net) -> None:
    """continuousNetExampleBack: from the last tick down to tick 1, each
    tick's stored error derivatives plus what later ticks sent back through
    the caches; link derivatives use the senders' outputs of the tick before."""
    for g in net.groups:
        g.deriv_cache[...] = 0
        F.reset_backward_integrators(net, g)
    last = net.ticks_on_example - 1
    tick = last
    while tick > 0:
        net.current_tick = tick
        for g in net.groups:
            _restore_output_derivs(net, g, tick)
        for g in net.groups:
            F.compute_output_back(net, g)
        for g in net.groups:
            _restore_outputs(net, g, tick - 1)
            _restore_inputs(net, g, tick - 1)
        for g in net.groups:
            F.compute_input_back(net, g)
        tick -= 1
    net.current_tick = tick
    for g in net.groups:
        _restore_outputs(net, g, last)


def scale_link_derivs(net, compiled: bool = False) -> None:
    """scaleLinkDerivsByDt, at the end of a training batch: link and gain
    derivatives × (float)1/ticksPerInterval (each shared array once);
    `compiled`: in one compiled call when it can (the same products)."""
    bulk.scale(net.kept("scaled_derivs", scaled_derivs), deriv_scale(net), compiled)


def deriv_scale(net):
    """(float)1/ticksPerInterval, in the network's real type."""
    d = net.dtype
    return d(d(1.0) / d(net.ticks_per_interval))


def scaled_derivs(net):
    """The arrays scale_link_derivs scales, in its order."""
    out, seen = [], set()
    for g in net.groups:
        out.append(g.gain_deriv)
        for p in g.incoming:
            if id(p.arrays) not in seen:
                seen.add(id(p.arrays))
                out.append(p.arrays.deriv)
    return bulk.Arrays(out)


# -- the example ---------------------------------------------------------------------------

def run_example(session, net, exset, example, training: bool,
                example_back_pass: bool = True) -> bool:
    """standardNetRunExample for a CONTINUOUS net (tick 0 = the reset state,
    ticks from 1), then, when training, preExampleBackProc and the example's
    backward pass.  Returns whether every event met its criteria."""
    from . import training as TR     # training imports this module
    hook = TR._hooks_for(session, net)
    events = example.events
    event = 0
    ev = events[0]
    TR.load_event(session, net, exset, ev)
    ticks_on_event = 0
    max_t, min_t, grace_t = TR._event_times(net, exset, ev)
    net.in_grace_period = grace_t > 0.0
    for g in net.groups:
        if g.type & T.RESET_ON_EXAMPLE:
            TR._reset_outputs(net, g)
            reset_forward_integrators(net, g)
    _store_tick_zero(net)
    net.example_history_start = 0
    net.event_history[0] = -1
    TR.graphs.after_tick(session, net)     # Lens's TICKS for the reset state
    if net.history_length:
        net.reset_history[F.history_index(net, 0)] = True
    hook("preEventProc")
    correct = True
    freq = [getattr(example, "frequency", 1.0)]
    tpi = net.ticks_per_interval
    tick = 1
    while tick < net.max_ticks and event < len(events):
        net.current_tick = tick
        net.event_history[tick] = event
        if net.history_length:
            net.reset_history[F.history_index(net, tick)] = False
        hook("preTickProc")
        ctx = F.TickContext(net, 1, freq, training)
        if training:
            train_tick_forward(net, ctx)
        else:
            tick_forward(net, ctx)
        hook("postTickProc")
        ticks_on_event += 1
        t = np.float32(np.float32(np.float32(ticks_on_event) / np.float32(tpi)) + TR.SMALL_VAL)
        done, crit = TR.event_over(net, training, t, tick, (max_t, min_t, grace_t))
        if done:
            if not crit:
                correct = False
            hook("postEventProc")
            if net.group_crit_required and not crit:
                break
            event += 1
            if event < len(events):
                ev = events[event]
                TR.load_event(session, net, exset, ev)
                ticks_on_event = 0
                max_t, min_t, grace_t = TR._event_times(net, exset, ev)
                net.in_grace_period = grace_t > 0.0
                hook("preEventProc")
        tick += 1
    net.ticks_on_example = net.current_tick + 1
    if training and example_back_pass:
        hook("preExampleBackProc")
        example_back(net)
    return correct
