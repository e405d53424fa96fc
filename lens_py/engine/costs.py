"""Error functions, unit-output costs and group criteria.

Lens sums each group's error for one tick in a float `error` variable, unit
by unit; terms that C computes in double (because of a `1.0` literal) are
added in double and rounded after each addition.  `sequential_sum` replays
exactly that.  Forward functions return per-row (per-example) sums; backward
functions add ∂E/∂o into `out_deriv` in place.
"""
from __future__ import annotations

import numpy as np

from . import types as T
from .activations import F64, LARGE_VAL, SMALL_VAL, log_real


def sequential_sum(terms: np.ndarray, dtype) -> np.ndarray:
    """Per-row sum, left to right, rounding to `dtype` after every addition."""
    rows, n = terms.shape
    if n == 0:
        return np.zeros(rows, dtype=dtype)
    as_real = terms.astype(dtype)
    if terms.dtype == dtype or np.array_equal(as_real.astype(terms.dtype), terms,
                                                equal_nan=True):
        return np.cumsum(as_real, axis=1, dtype=dtype)[:, -1]
    acc = np.zeros(rows, dtype=dtype)
    for u in range(n):
        acc = (acc.astype(F64) + terms[:, u]).astype(dtype)
    return acc


def adjusted_target(o, t, radius, zero_radius):
    """Lens's ADJUSTED_TARGET macro (all float arithmetic)."""
    d = o - t
    dt = o.dtype.type
    r, z = dt(radius), dt(zero_radius)
    out = np.where(d > r, t + r, np.where(d < -r, t - r, o))
    return np.where((d < z) & (d > -z), o, out).astype(o.dtype)


# -- error functions ------------------------------------------------------------

def error_terms(cost: int, o: np.ndarray, t: np.ndarray):
    """Per-unit error terms as float64 holding Lens's values (NaN targets → 0)."""
    dtype = o.dtype.type
    valid = ~np.isnan(t)
    tt = np.where(valid, t, 0).astype(o.dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if cost == T.SUM_SQUARED:
            d = o - tt
            terms = (d * d).astype(F64)
        elif cost == T.CROSS_ENTROPY:
            o64 = o.astype(F64)
            zero = np.where(o == 1.0, F64(LARGE_VAL), -log_real(1.0 - o64, dtype).astype(F64))
            one = np.where(o == 0.0, F64(LARGE_VAL), -log_real(o, dtype).astype(F64))
            a = (log_real((tt / o).astype(dtype), dtype) * tt).astype(F64)
            b = log_real((1.0 - tt.astype(F64)) / (1.0 - o64), dtype).astype(F64) \
                * (1.0 - tt.astype(F64))
            simple = np.where((o <= 0.0) | (o >= 1.0), F64(LARGE_VAL), a + b)
            terms = np.where(tt == 0.0, zero, np.where(tt == 1.0, one, simple))
        elif cost == T.DIVERGENCE:
            at_zero = (tt * log_real((tt * dtype(LARGE_VAL)).astype(dtype), dtype)).astype(F64)
            normal = (log_real((tt / o).astype(dtype), dtype) * tt).astype(F64)
            terms = np.where(tt == 0.0, 0.0, np.where(o <= 0.0, at_zero, normal))
        else:
            raise ValueError(f"not an error function: {cost}")
    return np.where(valid, terms, 0.0)


def error_derivs(cost: int, o: np.ndarray, t: np.ndarray, scale, out_deriv: np.ndarray):
    """out_deriv += scale * ∂E/∂o for units with a target (Lens's rounding)."""
    dtype = o.dtype.type
    valid = ~np.isnan(t)
    tt = np.where(valid, t, 0).astype(o.dtype)
    s = dtype(scale)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if cost == T.SUM_SQUARED:
            new = out_deriv + s * (o - tt)
        elif cost == T.CROSS_ENTROPY:
            o64 = o.astype(F64)
            one_m = 1.0 - o64
            zero = np.where(one_m.astype(dtype) <= SMALL_VAL, F64(LARGE_VAL),
                            F64(dtype(1.0)) / one_m)
            one = np.where(o <= SMALL_VAL, -F64(LARGE_VAL),
                           (dtype(-1.0) / o).astype(F64))
            diff = (o - tt)
            den = o64 * (1.0 - o64)
            simple = np.where(den <= F64(SMALL_VAL),
                              (diff * LARGE_VAL).astype(dtype).astype(F64),
                              diff.astype(F64) / den)
            d = np.where(tt == 0.0, zero, np.where(tt == 1.0, one, simple))
            new = out_deriv.astype(F64) + F64(s) * d
        elif cost == T.DIVERGENCE:
            small = (-tt * LARGE_VAL).astype(dtype)
            normal = (-tt / o).astype(dtype)
            d = np.where(tt == 0.0, 0.0, np.where(o <= SMALL_VAL, small, normal)).astype(F64)
            new = out_deriv.astype(F64) + F64(s) * d
        else:
            raise ValueError(f"not an error function: {cost}")
    out_deriv[...] = np.where(valid, new.astype(dtype), out_deriv)


def cosine_forward(o, t, error_scale, example_scale, ticks):
    """(per-row error, per-row state for the backward pass)."""
    dtype = o.dtype.type
    valid = ~np.isnan(t)
    tt = np.where(valid, t, 0).astype(o.dtype)
    oo = np.where(valid, o, 0).astype(o.dtype)
    sqout = sequential_sum(oo * oo, dtype)
    sqtar = sequential_sum(tt * tt, dtype)
    dot = sequential_sum(oo * tt, dtype)
    prod = sqout * sqtar
    with np.errstate(divide="ignore", invalid="ignore"):
        cos = np.where(prod == 0.0, dtype(0),
                       dot / np.sqrt(prod.astype(F64)).astype(dtype)).astype(dtype)
        cos = (cos.astype(F64) * (example_scale.astype(F64) * F64(dtype(error_scale)))).astype(dtype)
        inv_dot = (1.0 / dot.astype(F64)).astype(dtype)
        inv_sq = (1.0 / sqout.astype(F64)).astype(dtype)
        err = ((1.0 - cos.astype(F64)) * F64(dtype(error_scale)) / ticks
               * example_scale.astype(F64)).astype(dtype)
    return err, (cos, inv_dot, inv_sq)


def cosine_back(o, t, state, out_deriv):
    cos, inv_dot, inv_sq = state
    valid = ~np.isnan(t)
    tt = np.where(valid, t, 0).astype(o.dtype)
    with np.errstate(invalid="ignore", over="ignore"):    # 1/0 = inf, as in C
        add = cos[:, None] * (o * inv_sq[:, None] - tt * inv_dot[:, None])
    use = valid & (cos[:, None] != 0)
    out_deriv[...] = np.where(use, (out_deriv + add).astype(o.dtype), out_deriv)


# -- unit output costs ------------------------------------------------------------

def unit_cost_forward(cost: int, o, lo, hi, peak):
    """Per-row cost sum before the outputCostScale/ticks factor."""
    dtype = o.dtype.type
    p = dtype(peak)
    bounded = not (np.isnan(lo) or np.isnan(hi))
    lo, hi = dtype(lo), dtype(hi)
    if cost in (T.LINEAR_COST, T.QUADRATIC_COST):
        if not bounded:
            v = np.abs(o) if cost == T.LINEAR_COST else None
            terms = v if v is not None else o * o
        else:
            inv_p = dtype(1.0 / F64(p - lo))
            inv_1mp = dtype(1.0 / F64(hi - p))
            v = np.where(o <= p, (o - lo) * inv_p, (hi - o) * inv_1mp).astype(o.dtype)
            terms = v if cost == T.LINEAR_COST else v * v
    elif cost == T.CONV_QUAD_COST:
        mn = dtype(p * 2 - 1) if p < 0.5 else dtype(0)
        scale = dtype(1.0 / F64(p * p - mn))
        terms = (o * (p * 2 - o) - mn) * scale
    elif cost == T.COSINE_COST:
        return sequential_sum(_cosine_cost_terms(o, p), dtype)
    elif cost == T.LOGISTIC_COST:
        return sequential_sum(_logistic_cost_terms(o, p), dtype)
    else:
        raise NotImplementedError(f"unit cost type {T.type_name(cost, T.GROUP_COST)} "
                                  "is not supported yet")
    return sequential_sum(terms.astype(o.dtype), dtype)


# Lens's PI is the double literal 3.1415927 (util.h), not math.pi; the cosine
# cost's arguments are double products of float factors.
LENS_PI = 3.1415927


def _cosine_cost_terms(o, p):
    """COSINE_COST per unit, in double: a raised cosine that is 0 at the
    bounds 0 and 1 and 2 at the peak p.  The factors 1/p and 1/(1-p) are
    floats, the argument beyond the peak (o - 2p + 1) is float arithmetic."""
    dtype = o.dtype.type
    inv_p = F64(dtype(1.0 / F64(p)))
    inv_1mp = F64(dtype(1.0 / (1.0 - F64(p))))
    beyond = ((o - dtype(2 * p)) + dtype(1)).astype(F64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        below = 1.0 - np.cos(LENS_PI * inv_p * o.astype(F64))
        above = 1.0 - np.cos(LENS_PI * inv_1mp * beyond)
    return np.where(o <= p, below, above)


def _logistic_logs(p, dtype):
    """LOG(p), LOG(1 - p) (the latter's argument in double) as floats."""
    logp = dtype(log_real(p, dtype))
    log1mp = dtype(log_real(1.0 - F64(p), dtype))
    return logp, log1mp


def _logistic_cost_terms(o, p):
    """LOGISTIC_COST per unit, in double (each float term plus the double 1.0)."""
    dtype = o.dtype.type
    logp, log1mp = _logistic_logs(p, dtype)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        scale = dtype(dtype(1.0) / logp) if p <= 0.5 else dtype(dtype(1.0) / log1mp)
        at_zero = F64(dtype(-log1mp * scale)) + 1.0
        at_one = F64(dtype(-logp * scale)) + 1.0
        one_m = (dtype(1) - o).astype(o.dtype)
        inner = (o * (log_real(o, dtype) - logp)
                 + one_m * (log_real(one_m, dtype) - log1mp)).astype(o.dtype)
        middle = (inner * scale).astype(o.dtype).astype(F64) + 1.0
    return np.where(o <= 0.0, at_zero, np.where(o >= 1.0, at_one, middle))


def unit_cost_back(cost: int, o, lo, hi, peak, strength, cost_scale, ticks, out_deriv):
    dtype = o.dtype.type
    p = dtype(peak)
    bounded = not (np.isnan(lo) or np.isnan(hi))
    lo, hi = dtype(lo), dtype(hi)
    if cost == T.LINEAR_COST:
        k = dtype(dtype(dtype(strength) * dtype(cost_scale)) / dtype(ticks))
        if not bounded:
            add = np.where(o > 0, k, np.where(o < 0, -k, dtype(0)))
        else:
            left, right = dtype(k / (p - lo)), dtype(k / (p - hi))
            add = np.where(o < p, left, np.where(o > p, right, dtype(0)))
    elif cost == T.QUADRATIC_COST:
        k = dtype(F64(dtype(dtype(strength) * dtype(cost_scale))) * 2.0 / ticks)
        if not bounded:
            add = k * o
        else:
            left = dtype(k / ((p - lo) * (p - lo)))
            right = dtype(-k / ((hi - p) * (hi - p)))
            add = np.where(o < p, left * (o - lo), np.where(o > p, right * (hi - o), dtype(0)))
    elif cost == T.CONV_QUAD_COST:
        mn = dtype(2 * p - 1) if p < 0.5 else dtype(0)
        scale = dtype(F64(dtype(dtype(strength) * dtype(cost_scale))) * 2.0
                      / F64(dtype(ticks) * (p * p - mn)))
        add = (p - o) * scale
    elif cost == T.COSINE_COST:
        # strength = costStrength * costScale * PI * 0.5 / ticks, rounded to float
        k = dtype(F64(dtype(dtype(strength) * dtype(cost_scale))) * LENS_PI * 0.5 / ticks)
        inv_p = dtype(1.0 / F64(p))
        inv_1mp = dtype(1.0 / (1.0 - F64(p)))
        beyond = ((o - dtype(2 * p)) + dtype(1)).astype(F64)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            below = F64(dtype(k * inv_p)) * np.sin(LENS_PI * F64(inv_p) * o.astype(F64))
            above = F64(dtype(k * inv_1mp)) * np.sin(LENS_PI * F64(inv_1mp) * beyond)
        # outputDeriv += a double: added in double, then rounded
        out_deriv[...] = (out_deriv.astype(F64) + np.where(o <= p, below, above)).astype(o.dtype)
        return
    elif cost == T.LOGISTIC_COST:
        k = dtype(dtype(dtype(strength) * dtype(cost_scale)) / dtype(ticks))
        logp, log1mp = _logistic_logs(p, dtype)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            scale = dtype(k / logp) if p <= 0.5 else dtype(k / log1mp)
            x = np.where(o < dtype(1e-6), dtype(1e-6),
                         np.where(o.astype(F64) > 1.0 - 1e-6, dtype(1.0 - 1e-6), o)).astype(o.dtype)
            add = (log_real(x, dtype) - logp - log_real((dtype(1) - x).astype(o.dtype), dtype)
                   + log1mp) * scale
    else:
        raise NotImplementedError(f"unit cost type {T.type_name(cost, T.GROUP_COST)} "
                                  "is not supported yet")
    out_deriv += add.astype(o.dtype)


def delta_cost_forward(state, o):
    """DELTA_COST: the squared change of each output since the last tick it
    ran (state [2, units]: last and this tick's outputs, kept across examples
    as Lens keeps them).  Per-row sum before the outputCostScale/ticks factor."""
    dtype = o.dtype.type
    state[0] = state[1]
    state[1] = o[-1]
    delta = (state[1] - state[0]).astype(o.dtype)
    return sequential_sum((delta * delta)[None, :], dtype)


def delta_cost_back(state, o, strength, cost_scale, ticks, out_deriv):
    dtype = o.dtype.type
    k = dtype(F64(dtype(dtype(strength) * dtype(cost_scale))) * 2.0 / ticks)
    out_deriv += (k * (state[1] - state[0])).astype(o.dtype)


# -- group criteria ------------------------------------------------------------

def standard_criterion(o, t, crit):
    valid = ~np.isnan(t)
    miss = valid & (np.abs(o - t) >= o.dtype.type(crit))
    return ~miss.any(axis=1)


def max_criterion(o, t, crit):
    dtype = o.dtype.type
    valid = ~np.isnan(t)
    big = -LARGE_VAL
    oo = np.where(valid & (o > big), o, -np.inf)
    tt = np.where(valid & (t > big), t, -np.inf)
    out_unit = np.argmax(oo, axis=1)
    tar_unit = np.argmax(tt, axis=1)
    rows = np.arange(o.shape[0])
    max_o = np.where(np.isinf(oo[rows, out_unit]), big, oo[rows, out_unit]).astype(dtype)
    max_t = np.where(np.isinf(tt[rows, tar_unit]), big, tt[rows, tar_unit]).astype(dtype)
    has_o = ~np.isinf(oo[rows, out_unit])
    has_t = ~np.isinf(tt[rows, tar_unit])
    same = (has_o == has_t) & (~has_o | (out_unit == tar_unit))
    ok = same & (np.abs(max_o - max_t) < dtype(crit))
    return ~valid.any(axis=1) | ok
