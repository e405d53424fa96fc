"""Lens's noise: the four noise procedures, their random numbers, and where
the network applies them.

Every draw comes from the drand48 stream (`LensRandom.drand48`) in Lens's
order, one unit (or link) after another, each value rounded to the real type
as Lens's float arithmetic does:

* randReal(mean, range) = (2d - 1) rounded, times range, plus mean.
* randGaussian(mean, range): polar Box-Muller on two randReal(0, 1) draws
  (v1 first, then v2), rejecting pairs with v1² + v2² >= 1 or = 0.  The value
  returned comes from v2; v1's value is kept and returned by the next call if
  that call has the same mean and range (otherwise dropped).  The kept value
  outlives `seed`.
* addGaussian v + N(0, r); multGaussian v·N(1, r); addUniform v + U[-r, r);
  multUniform v·U[1-r, 1+r).  A group's procedure is set with `noiseType`
  (default addGaussian); its range is noiseRange (group, else network).

Group types: IN_NOISE (the input, forward), OUT_NOISE (the output, forward;
the backward pass puts the clean output back, so activation derivatives use
it while errors and link derivatives see the noisy one), IN_DERIV_NOISE and
OUT_DERIV_NOISE (the input and output derivatives, training only),
EXT_INPUT_NOISE (external inputs, when an event is loaded), DERIV_NOISE (link
derivatives, at the end of a training batch).  Noise needs the per-example
path: draws interleave example by example.
"""
from __future__ import annotations

import math

import numpy as np

from . import types as T

ADD_GAUSSIAN, MULT_GAUSSIAN = "addGaussian", "multGaussian"
ADD_UNIFORM, MULT_UNIFORM = "addUniform", "multUniform"
PROCS = (ADD_GAUSSIAN, MULT_GAUSSIAN, ADD_UNIFORM, MULT_UNIFORM)
DEFAULT_PROC = ADD_GAUSSIAN

# the group types that add noise somewhere (fast paths leave such nets to us)
GROUP_FLAGS = T.DERIV_NOISE | T.EXT_INPUT_NOISE
INPUT_PROCS = T.IN_NOISE | T.IN_DERIV_NOISE
OUTPUT_PROCS = T.OUT_NOISE | T.OUT_DERIV_NOISE


def proc_for(multiply: bool, flat: bool) -> str:
    """noiseType's choice: -multiply and/or -flat (uniform)."""
    if flat:
        return MULT_UNIFORM if multiply else ADD_UNIFORM
    return MULT_GAUSSIAN if multiply else ADD_GAUSSIAN


def uniform_values(rng, n: int, mean, rng_range, dtype) -> np.ndarray:
    """n randReal(mean, range) draws."""
    d = np.asarray(rng.drand48_array(n), dtype=np.float64)
    unit = (2.0 * d - 1.0).astype(dtype)
    return ((unit * dtype(rng_range)).astype(dtype) + dtype(mean)).astype(dtype)


def _pairs(rng, n_pairs: int, dtype):
    """The next n_pairs accepted Box-Muller pairs (v1, v2, rsq), drawing
    exactly as many uniforms as Lens's loop would (rejected pairs included)."""
    v1s, v2s, rsqs = [], [], []
    need = n_pairs
    while need > 0:
        state = rng.getstate()
        ahead = 2 * (need + need // 4 + 4)          # about 21% of pairs are rejected
        u = uniform_values(rng, ahead, 0.0, 1.0, dtype)
        v1, v2 = u[0::2], u[1::2]
        rsq = ((v1 * v1).astype(dtype) + (v2 * v2).astype(dtype)).astype(dtype)
        ok = np.flatnonzero(~((rsq >= 1.0) | (rsq == 0.0)))
        if len(ok) >= need:
            used = int(ok[need - 1]) + 1            # pairs consumed, rejections included
            ok = ok[:need]
            rng.setstate(state)
            rng.drand48_array(2 * used)
        v1s.append(v1[ok])
        v2s.append(v2[ok])
        rsqs.append(rsq[ok])
        need -= len(ok)
    return np.concatenate(v1s), np.concatenate(v2s), np.concatenate(rsqs)


def gaussian_values(rng, n: int, mean, rng_range, dtype) -> np.ndarray:
    """n randGaussian(mean, range) calls in a row, with Lens's kept value."""
    mean, rng_range = dtype(mean), dtype(rng_range)
    kept = rng.gaussian_kept
    out = np.empty(n, dtype=dtype)
    k = 0
    if n and kept is not None and kept[1] == mean and kept[2] == rng_range:
        out[0] = kept[0]
        rng.gaussian_kept = None
        k = 1
    rest = n - k
    if rest <= 0:
        return out
    v1, v2, rsq = _pairs(rng, (rest + 1) // 2, dtype)
    # log through libm (math.log), as Lens's LOG; sqrt and / are exact in IEEE
    lg = np.array([math.log(x) for x in rsq.astype(np.float64).tolist()]).astype(dtype)
    fac = np.sqrt(-2.0 * lg.astype(np.float64) / rsq.astype(np.float64)).astype(dtype)
    first = (((v2 * fac).astype(dtype) * rng_range).astype(dtype) + mean).astype(dtype)
    second = (((v1 * fac).astype(dtype) * rng_range).astype(dtype) + mean).astype(dtype)
    both = np.empty(2 * len(first), dtype=dtype)
    both[0::2], both[1::2] = first, second
    out[k:] = both[:rest]
    # the last pair's v1 value is kept for the next call (or none is)
    rng.gaussian_kept = (second[-1], mean, rng_range) if rest % 2 else None
    return out


def apply(rng, proc: str, values: np.ndarray, rng_range, dtype) -> np.ndarray:
    """noiseProc(v, range) for each value in C order, as Lens visits units."""
    flat = np.asarray(values, dtype=dtype).reshape(-1)
    n = len(flat)
    if proc == ADD_GAUSSIAN:
        out = flat + gaussian_values(rng, n, 0.0, rng_range, dtype)
    elif proc == MULT_GAUSSIAN:
        out = flat * gaussian_values(rng, n, 1.0, rng_range, dtype)
    elif proc == ADD_UNIFORM:
        out = flat + uniform_values(rng, n, 0.0, rng_range, dtype)
    elif proc == MULT_UNIFORM:
        out = flat * uniform_values(rng, n, 1.0, rng_range, dtype)
    else:
        raise ValueError(f"unknown noise procedure {proc!r}")
    return out.astype(dtype).reshape(np.shape(values))


def group_noise(net, g, values: np.ndarray) -> np.ndarray:
    """The group's noise on these values (its procedure and noiseRange)."""
    return apply(net.rng, g.noise_proc, values, g.choose("noise_range"), net.dtype)


# -- where the network applies it ------------------------------------------------------------

def external_input_noise(net) -> None:
    """EXT_INPUT_NOISE groups, after an event's inputs are installed: every
    external input that is not NaN, group after group."""
    for g in net.groups:
        if g.type & T.EXT_INPUT_NOISE:
            ext = g.external_input
            on = ~np.isnan(ext)
            if g.skipped is not None:       # no draws for lesioned units
                on &= ~g.skipped
            if on.any():
                ext[on] = group_noise(net, g, ext[on])


def has_deriv_noise(net) -> bool:
    """Does some group add noise to its links' derivatives after a batch?"""
    return any(g.type & T.DERIV_NOISE for g in net.groups)


def link_deriv_noise(net) -> None:
    """DERIV_NOISE groups at the end of a training batch: every incoming link's
    derivative, unit after unit, its links in order (bias first, then the
    projections as made; frozen links too)."""
    for g in net.groups:
        if not g.type & T.DERIV_NOISE:
            continue
        projs = list(g.incoming)
        skip = g.skipped
        for u in range(g.size):
            if skip is not None and skip[u]:
                continue
            parts = []
            for p in projs:
                cols = slice(None) if p.mask is None else np.flatnonzero(p.mask[u])
                parts.append((p, cols, p.deriv[u, cols]))
            values = np.concatenate([v for _, _, v in parts]) if parts else np.zeros(0)
            if not len(values):
                continue
            noisy = group_noise(net, g, values)
            o = 0
            for p, cols, v in parts:
                p.deriv[u, cols] = noisy[o:o + len(v)]
                o += len(v)
