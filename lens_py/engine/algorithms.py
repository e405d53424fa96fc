"""Weight updates.  Per link, with g = deriv, Δ' = lastWeightDelta:

    steepest        Δ = −lr·g
    momentum        Δ = −lr·g + μ·Δ'
    dougsMomentum   Δ = −lr·s·g + μ·Δ',  s = 1/√Σg² if Σg² > 1 else 1 (Σ in double)
    deltaBarDelta   ρ += inc if sign(g) ≠ sign(Δ') else ρ *= dec;  Δ = −ρ·lr·g + μ·Δ'
    then            Δ −= λ·w (λ > 0);  w += Δ;  clip to [min, max];  Δ' := w_new − w_old

lr, μ, λ come from the block, else the receiving group, else the net.  Frozen
nets, groups, units and blocks are skipped.  The reporting statistics are
float sums over the updated links in Lens's link order (group → unit → link),
which `_lens_order` lays out so one cumulative sum replays them.

Shared weight arrays (one WeightArray behind several projections) are updated
once, at their first place in group → incoming order: that place's block and
group parameters apply, and the statistics count the array there.  A row of a
shared array is frozen only if it is frozen at every place.

`learning` (schedule.Learning, None = everything) restricts one update to
some arrays (update schedules): the others are held as if frozen,
dougsMomentum's norm covers only the learning arrays, and the reporting
statistics still cover every array.
"""
from __future__ import annotations

import math

import numpy as np

from . import types as T

F64 = np.float64


def _choose3(block: np.ndarray, group_value: float, net_value: float, dtype):
    """Per row (as a column) the block's value, else the group's, else the net's."""
    fallback = net_value if math.isnan(group_value) else group_value
    nan = np.isnan(block)
    if nan.all():
        return dtype(fallback)
    return np.where(nan, fallback, block).astype(dtype)[:, None]


def _updatable(net):
    """[(group, [(projection, rows to update)])] for every group with incoming
    projections, one entry per weight array (at its first place); rows are the
    rows not frozen at some place (all False at places in frozen groups)."""
    out = []
    first = {}
    for g in net.groups:
        if not g.incoming:
            continue
        projs = []
        for p in g.incoming:
            rows = np.zeros(g.size, dtype=bool) if g.frozen else ~g.unit_frozen & ~p.frozen
            if g.skipped is not None:       # lesioned receivers learn nothing
                rows = rows & ~g.skipped
            seen = first.get(id(p.arrays))
            if seen is None:
                first[id(p.arrays)] = rows
                projs.append((p, rows))
            else:
                seen |= rows
        out.append((g, projs))
    return out


def _only(entries, learning):
    """The entries whose arrays learn on this update."""
    if learning is None:
        return entries
    ids = learning.arrays
    return [(g, [(p, rows) for p, rows in projs if id(p.arrays) in ids])
            for g, projs in entries]


def _lens_order(entries, arrays_of) -> list:
    """Per group, the values of the updated links row by row across the group's
    projections (Lens's per-unit link order); returns a list of 1-D arrays."""
    parts = []
    for g, projs in entries:
        if not projs:
            continue
        vals = np.hstack([arrays_of(p) for p, _ in projs])
        sel = np.hstack([p.link_mask() & rows[:, None] for p, rows in projs])
        parts.append(vals[sel])
    return parts


def _seq_sum(parts, dtype):
    if not parts:
        return dtype(0)
    flat = np.concatenate(parts).astype(dtype)
    if flat.size == 0:
        return dtype(0)
    return np.cumsum(flat, dtype=dtype)[-1]


def update_weights(net, algorithm: int, do_stats: bool, learning=None) -> None:
    d = net.dtype
    entries = _updatable(net)
    learners = _only(entries, learning)
    scale = 1.0
    if algorithm == T.DOUGS_MOMENTUM:
        squares = _lens_order(learners, lambda p: (p.deriv * p.deriv).astype(F64))
        total = float(_seq_sum(squares, F64))
        if total > 1.0:
            scale = 1.0 / float(d(math.sqrt(total)))
    net.gradient_linearity = 1.0
    net.weight_cost = 0.0
    if net.frozen:
        return
    if do_stats:
        grad_lin = _seq_sum(_lens_order(entries, lambda p: -(p.last_delta * p.deriv)), d)
        delta_len = _seq_sum(_lens_order(entries, lambda p: p.last_delta * p.last_delta), d)
        deriv_len = _seq_sum(_lens_order(entries, lambda p: p.deriv * p.deriv), d)
    # Lens updates the gains of every unfrozen ADAPTIVE_GAIN group, whether
    # or not it has incoming links.
    for g in net.groups:
        if g.type & T.ADAPTIVE_GAIN and not g.frozen and (
                learning is None or id(g) in learning.gains):
            _update_gain(net, g)
    for g, projs in learners:
        for p, rows in projs:
            if rows.any():
                _update_projection(net, g, p, rows, algorithm, scale)
    if do_stats:
        prod = d(delta_len * deriv_len)
        net.gradient_linearity = math.nan if prod == 0.0 else float(
            d(grad_lin / d(math.sqrt(float(prod)))))
        cost = _seq_sum(_lens_order(entries, lambda p: p.weight * p.weight), d)
        net.weight_cost = float(d(cost / d(2)))


def _update_gain(net, g) -> None:
    d = net.dtype
    lr = d(net.adaptive_gain_rate)
    decay = d(g.choose("gain_decay"))
    live = slice(None) if g.skipped is None else ~g.skipped
    gain = g.unit_gain[:, live]
    gain -= lr * g.gain_deriv[:, live] + decay * gain
    gain[gain < d(1e-8)] = d(1e-8)
    g.unit_gain[:, live] = gain


def _update_projection(net, g, p, rows, algorithm, scale) -> None:
    d = net.dtype
    lr = _choose3(p.learning_rate, g.learning_rate, net.learning_rate, d)
    mom = _choose3(p.momentum, g.momentum, net.momentum, d)
    decay = _choose3(p.weight_decay, g.weight_decay, net.weight_decay, d)
    w = p.weight
    deriv = p.deriv
    last = p.last_delta
    if algorithm == T.STEEPEST:
        delta = -lr * deriv
    elif algorithm == T.MOMENTUM:
        delta = (-lr * deriv) + (mom * last)
    elif algorithm == T.DOUGS_MOMENTUM:
        delta = ((-lr).astype(F64) * scale * deriv.astype(F64)
                 + (mom * last).astype(F64)).astype(d)
    elif algorithm == T.DELTA_BAR_DELTA:
        rate = p.last_value
        opposite = np.signbit(deriv) != np.signbit(last)
        rate = np.where(opposite, rate + d(net.rate_increment),
                        rate * d(net.rate_decrement)).astype(d)
        delta = (-rate * lr) * deriv + (mom * last)
    else:
        raise ValueError(f"unknown algorithm {algorithm}")
    delta = np.asarray(delta).astype(d)
    if np.any(decay > 0):
        delta = np.where(decay > 0, delta - decay * w, delta).astype(d)
    new = (w + delta).astype(d)
    lo = p.min[:, None]
    hi = p.max[:, None]
    if not (np.isnan(p.min).all() and np.isnan(p.max).all()):
        new = np.where(~np.isnan(lo) & (new < lo), lo.astype(d),
                       np.where(~np.isnan(hi) & (new > hi), hi.astype(d), new)).astype(d)
    if p.mask is None and rows.all():
        if algorithm == T.DELTA_BAR_DELTA:
            p.last_value[...] = rate
        p.last_delta[...] = new - w
        w[...] = new
        return
    sel = rows[:, None] & p.link_mask()
    if algorithm == T.DELTA_BAR_DELTA:
        p.last_value[sel] = rate[sel]
    p.last_delta[sel] = (new - w)[sel]
    w[sel] = new[sel]
