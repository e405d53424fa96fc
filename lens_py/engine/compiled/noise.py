"""Noise in the compiled per-example tick and example loop
(compiled/example.py): OUT_NOISE, IN_NOISE, OUT_DERIV_NOISE, IN_DERIV_NOISE
and EXT_INPUT_NOISE as engine/forward.py and events.py apply them, drawing
from the drand48 stream through compiled/rng.py in the same order (unit
after unit, group after group, at the moment Lens's procedure runs).

* IN_NOISE: after the input procedure, each unit's input gets the group's
  noise, except in a fully clamped HARD_CLAMP group (Lens runs none of its
  input procedures: no draws).
* OUT_NOISE: in its place among the output procedures, the clean output is
  kept and each unit's output gets the noise; the backward step puts the
  clean output back, so the activation derivative uses it while the error
  and the link derivatives have seen the noisy one.
* OUT_DERIV_NOISE (training): in its place among the output procedures'
  backward steps, each unit's output derivative (the error's and the
  later groups' added) gets the noise.
* IN_DERIV_NOISE (training): before the input procedure's backward step,
  each unit's input derivative, unless the backward step passes over the
  group (a HARD_CLAMP-only group, or one fully clamped now).
* EXT_INPUT_NOISE: when the example loop loads an event, each external
  input that is not NaN (on Lens's loop with compiled ticks, events.py
  loads the events and adds it).

The clean outputs are kept for one tick only, so networks that backpropagate
through earlier ticks (backpropTicks > 1, SRBPTT) stay on forward.py; so do
lesioned units draw nothing (as in noise.py).  DERIV_NOISE (link
derivatives) needs nothing here: training.py adds it after the batch, on
every path.  An example loop that chooses
PROBABILISTIC examples draws them in advance from the same stream, so noise
there also stays with Lens's loop.
"""
from __future__ import annotations

import numpy as np

from .. import types as T
from . import rng as crng

HAVE_NUMBA = crng.HAVE_NUMBA

# the input procedures applied after the one that computes the input
_TRAILING = (T.IN_NOISE, T.IN_DERIV_NOISE)
# gi's G_IN_NOISE column: bits
IN_VALUES, IN_DERIVS, EXT_VALUES = 1, 2, 4


def has_noise(g) -> bool:
    return bool(g.output_type & (T.OUT_NOISE | T.OUT_DERIV_NOISE)
                or g.input_type & (T.IN_NOISE | T.IN_DERIV_NOISE)
                or g.type & T.EXT_INPUT_NOISE)


def input_procs(g) -> list:
    """The group's input procedures the tick computes the input with (IN_NOISE
    and IN_DERIV_NOISE at the end are applied apart)."""
    procs = list(g.input_procs)
    while procs and procs[-1] in _TRAILING:
        procs.pop()
    return procs


def blocker(net):
    """Why the compiled tick cannot apply this network's noise (None: it can
    or there is none)."""
    noisy = False
    for g in net.groups:
        if any(p in _TRAILING for p in input_procs(g)):
            return "input noise before another input procedure"
        if has_noise(g):
            noisy = True
            if any(g.output_procs.count(p) > 1 for p in (T.OUT_NOISE, T.OUT_DERIV_NOISE)) \
                    or any(g.input_procs.count(p) > 1 for p in _TRAILING):
                return "noise procedure twice"
    if noisy and (net.backprop_ticks > 1 or net.type & T.SRBPTT):
        return "noise with backpropTicks > 1"
    return None


def loop_blocker(net, exset):
    """Why a compiled example loop cannot run this set with the network's
    noise: PROBABILISTIC choices come from the noise's stream."""
    if getattr(exset, "mode", T.ORDERED) == T.PROBABILISTIC \
            and any(has_noise(g) for g in net.groups):
        return "noise with PROBABILISTIC examples"
    return None


class NoiseTables:
    """A TickPlan's noise: the stream's state array and each noisy group's
    clean-output row, which the kernel finds by address (gi's columns)."""

    def __init__(self, groups):
        self.rs = crng.new_state()
        self.groups = [(k, g) for k, g in enumerate(groups) if has_noise(g)]
        self.clean = {k: np.zeros(g.size, dtype=np.float32) for k, g in self.groups}

    def fill(self, gi, gf, col_proc, col_in, col_rng, col_clean, col_range) -> None:
        """Each noisy group's procedure, range and addresses (read again when
        the parameters may have changed: noiseType and noiseRange)."""
        for k, g in self.groups:
            gi[k, col_proc] = crng.proc_code(g.noise_proc)
            gi[k, col_in] = (IN_VALUES if g.input_type & T.IN_NOISE else 0) \
                | (IN_DERIVS if g.input_type & T.IN_DERIV_NOISE else 0) \
                | (EXT_VALUES if g.type & T.EXT_INPUT_NOISE else 0)
            gi[k, col_rng] = self.rs.ctypes.data
            gi[k, col_clean] = self.clean[k].ctypes.data
            gf[k, col_range] = float(np.float32(g.choose("noise_range")))

    def take(self, rng) -> None:
        """Before a kernel call: the stream from the LensRandom."""
        if self.groups:
            crng.load(rng, self.rs)

    def give(self, rng) -> None:
        """After it: the stream back, advanced by the kernel's draws."""
        if self.groups:
            crng.store(rng, self.rs)

    def params(self):
        return [(g.noise_proc, g.choose("noise_range")) for _, g in self.groups]

    def __bool__(self) -> bool:
        return bool(self.groups)


if HAVE_NUMBA:
    _njit = crng._njit
    f32 = np.float32

    # `les`: the group's lesioned units (empty when none), which draw nothing

    @_njit
    def row_noise(st, n, row, rs, proc, rng_range, les):
        """The noise on each unit's value in a row of the group's state."""
        for u in range(n):
            if les.shape[0] == 0 or les[u] == 0:
                st[row, u] = crng.noisy(rs, proc, st[row, u], rng_range)

    @_njit
    def external_noise(st, n, row, rs, proc, rng_range, les):
        for u in range(n):
            v = st[row, u]
            if v == v and (les.shape[0] == 0 or les[u] == 0):
                st[row, u] = crng.noisy(rs, proc, v, rng_range)

    @_njit
    def out_noise(st, n, row, clean, rs, proc, rng_range, les):
        for u in range(n):
            clean[u] = st[row, u]
            if les.shape[0] == 0 or les[u] == 0:
                st[row, u] = crng.noisy(rs, proc, st[row, u], rng_range)

    @_njit
    def out_noise_back(st, n, row, clean):
        for u in range(n):
            st[row, u] = clean[u]
