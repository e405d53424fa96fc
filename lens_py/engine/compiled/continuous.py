"""One example of a CONTINUOUS network, compiled (optional, with numba):
continuous.run_example -- the reset tick 0, the synchronous ticks, the
events, and when training the example's backward pass -- with the same
float32 operations in the same order, so the same bits.

Covered: float32 networks whose groups' input procedures are DOT_PRODUCT,
SOFT_CLAMP, IN_INTEGR, IN_NOISE and IN_DERIV_NOISE (each at most once, any
order, or none); output procedures among LINEAR, LOGISTIC, TANH, HARD_CLAMP,
BIAS_CLAMP, OUT_NOISE, OUT_DERIV_NOISE and OUT_INTEGR (the last three at most
once each, any order); at most one error procedure, SUM_SQUARED or
CROSS_ENTROPY; dense projections, one per sender, not shared; lesioned units
(passed over as continuous.py passes over them); no hooks, no example or
event procs, no output file, a stored example set (not PIPE or CUSTOM), and a
history at least as long as the example.

Noise (EXT_INPUT_NOISE too) is drawn as continuous.py draws it, through
compiled/noise.py and rng.py on a copy of the LensRandom's stream taken
before each call and given back after.  OUT_NOISE keeps each tick's clean
outputs, which the example's backward pass puts back tick by tick; a whole
batch in one call declines PROBABILISTIC examples with noise (their choices
come from the same stream); DERIV_NOISE is training.py's, after the batch.  Anything else (and everything until
the kernel is compiled, compiled/cache.py) runs in continuous.py: then
`run_example` returns None having changed nothing.

`run_batch` runs a training batch's examples in one call; `train_updates`
(not for lesioned nets, whose batches keep the lesioned units' link
derivatives)
runs whole stretches of `train` -- each batch's reset, its examples, the
1/ticksPerInterval scaling, the criterion count and the weight update
(compiled/batch.py's update) -- in one call, as batch.train_updates does
for standard networks.

The events are loaded from exampleloop.EventTable (what training.load_event
writes, tabled once per version of the set), so one call runs the example.
The kernel calls fastexample's compiled unit functions; numba's cache does
not see changes in another file, so kernelcache treats compiled/example.py as a
dependency: when it changes, this module's numba cache is cleared and the
kernel compiled again.
"""
from __future__ import annotations

import numpy as np

from .. import batchstart
from .. import continuous
from . import batch as fastbatch
from . import bulkkernels
from . import exampleloop
from .batch import draw_indices
from . import cache as kernelcache
from . import example as fastexample
from . import groupprocs as compiled_groupprocs
from . import lesioned as les_
from . import noise as cnoise
from . import rng as crng
from . import rules
from .. import forward as F
from .. import types as T
from .. import vectorised

HAVE_NUMBA = fastexample.HAVE_NUMBA
ENABLED = HAVE_NUMBA

_MAX_PROCS = 5
_OUT_CODES = {T.LINEAR: fastexample.LINEAR, T.LOGISTIC: fastexample.LOGISTIC,
              T.TANH: fastexample.TANH, T.HARD_CLAMP: fastexample.HARD_CLAMP,
              T.BIAS_CLAMP: fastexample.BIAS_CLAMP, T.OUT_NOISE: fastexample.OUT_NOISE,
              T.OUT_DERIV_NOISE: fastexample.OUT_DERIV_NOISE}
# OUT_INTEGR in its place among the output procedures (a code of none of
# fastexample's): noise given after it comes after it
O_INTEG = 100
_OUT_CODES[T.OUT_INTEGR] = O_INTEG
_COST_CODES = {T.SUM_SQUARED: fastexample.SSE, T.CROSS_ENTROPY: fastexample.CE}
I_DOT, I_SOFT, I_INTEG, I_NOISE, I_DERIV_NOISE = 1, 2, 3, 4, 5
_IN_CODES = {T.DOT_PRODUCT: I_DOT, T.SOFT_CLAMP: I_SOFT, T.IN_INTEGR: I_INTEG,
             T.IN_NOISE: I_NOISE, T.IN_DERIV_NOISE: I_DERIV_NOISE}
_MAX_IN = 5

# columns of the group tables: gi (int64), gf (float64), ga (addresses)
(C_SIZE, C_DOT, C_IN_INTEG, C_HAS_IN, C_HARD, C_BACK_NONE, C_ZERO_OUT, C_OUT_INTEG,
 C_COST, C_ADJUST, C_P0, C_NP, C_RESET, C_STORE0_OUT, C_STORE0_TGT, C_CRIT,
 C_NPROCS, C_PROC0) = range(18)
C_NIN = C_PROC0 + _MAX_PROCS           # the input procedures, in order
C_IN0 = C_NIN + 1
# the group's noise procedure (compiled/rng.py's code) and whether its
# external inputs get noise when an event is loaded (EXT_INPUT_NOISE)
C_NOISE = C_IN0 + _MAX_IN
C_EXT_NOISE = C_NOISE + 1
GI_COLS = C_EXT_NOISE + 1
(F_GAIN, F_RADIUS, F_ZERO_RADIUS, F_SCALE, F_BACK_SCALE, F_DT, F_INIT_OUT, F_RESET_IN,
 F_CRIT, F_ERR, F_CLAMP, F_NOISE_RANGE) = range(12)
GF_COLS = 12
# A_CLEAN: OUT_NOISE's clean outputs, one row per tick (the example's backward
# pass puts each tick's back); A_LES, A_KEEP: a lesioned group's mask (bytes)
# and the scratch rows lesioned.py keeps its units' fields in, 0 without lesions
(A_STATE, A_HIN, A_HOUT, A_HTGT, A_HOD, A_INV, A_OUTV, A_INST, A_UDT, A_HEXT,
 A_CLEAN, A_LES, A_KEEP) = range(13)
GA_COLS = 13
# columns of the projection table.  P_M: the link mask, 0 if none; P_U0: where
# a masked projection's receiving units' runs of links start in the run
# offsets; P_SPARSE: whether its absent links' weights are all 0 (the kernel
# sets it), so its backward pass may visit only the links present
P_SEND, P_W, P_D, P_R, P_S, P_M, P_U0, P_SPARSE = range(8)
P_COLS = 8
# ctl (int64): in, then out
(K_TRAIN, K_BACK, K_FIRST, K_EVENTS, K_MAX_TICKS, K_TPI, K_CRIT_REQ, K_PSEUDO,
 K_TICKS, K_CORRECT, K_ADDED, K_SPARSE_SET, K_MOST_TICKS) = range(13)
K_COLS = 13
# io (float64): freq in; net error and grace period in and out
(X_FREQ, X_ERR, X_GRACE) = range(3)

IN, OUT, OC, OD, DC, ID, TGT, ADJ, EXT = range(9)

if HAVE_NUMBA:
    import numba
    from .example import _njit, _state, _matrix, _links, _u8_view

    # The tick helpers are inlined into the kernel at numba's IR level (a small
    # net's ticks are mostly calls otherwise).  The leaves shared with the other
    # kernels are inlined by their own decorators; the one below from its
    # Python source, so it stays written once.
    _inline = numba.njit(error_model="numpy", nogil=True, inline="always", _nrt=False)
    _group_met = _inline(fastexample._group_met.py_func)
    group_error = fastexample.group_error
    error_derivs = fastexample.error_derivs
    output_proc = fastexample.output_proc
    output_proc_back = fastexample.output_proc_back
    clear_absent = compiled_groupprocs.clear_absent
    dense_dot_back = compiled_groupprocs.dense_dot_back
    dense_dot_input = compiled_groupprocs.dense_dot_input
    _run_sum = compiled_groupprocs._run_sum          # (inlined: groupprocs says why)
    f32 = np.float32
    f64 = np.float64
    LINEAR, LOGISTIC, TANH, HARD_CLAMP, BIAS_CLAMP = (
        fastexample.LINEAR, fastexample.LOGISTIC, fastexample.TANH, fastexample.HARD_CLAMP,
        fastexample.BIAS_CLAMP)
    SSE = fastexample.SSE
    OUT_NOISE, OUT_DERIV_NOISE = fastexample.OUT_NOISE, fastexample.OUT_DERIV_NOISE
    row_noise, out_noise = cnoise.row_noise, cnoise.out_noise
    out_noise_back, external_noise = cnoise.out_noise_back, cnoise.external_noise
    from .batch import counted_update
    # (the weight update keeps lists of its arrays: numba's reference counting on)
    from .batch import _njit as _njit_counted
    from .bulkkernels import scale_all, zero_all
    _SMALL32 = np.float32(1e-8)
    _LARGE32 = np.float32(1e8)

    @_inline
    def _row(address, n):
        return _matrix(address, 1, n)[0]

    # Lesioned units: Lens's unit loops pass over them, and the kernel does
    # what continuous.py and forward.py do -- a step computes over every unit
    # and the lesioned units' fields are put back after it (lesioned.py); the
    # integrators' states, the history stores and the restores skip them.
    @_inline
    def _lesions_of(ga, k, n, has_lesions):
        """The group's mask.  `has_lesions` is the kernels' `lesions is not
        None`, a constant once numba has compiled a variant: False gives an
        empty mask of constant length, so that variant keeps none of the
        lesion code (an unlesioned net runs at its full speed)."""
        a = ga[k, A_LES] if has_lesions else 0
        return _u8_view(a, 1, n if a != 0 else 0)[0]

    @_inline
    def _kept_of(ga, k, n):
        a = ga[k, A_KEEP]
        return _matrix(a, les_.KEEP_ROWS, n if a != 0 else 0)

    @_inline
    def _copy_live(to, values, les, n):
        """`to` (a history row, or a state row being restored) takes the
        values of the units not lesioned."""
        for u in range(n):
            if les_.live(les, u):
                to[u] = values[u]

    @_inline
    def _runs_dot_input(st, n, w, so, ru, rr, u0):
        """groupprocs.masked_dot_input over the runs of links tabled once
        (ContinuousPlan.fill), not the whole mask each tick."""
        for u in range(n):
            acc = st[IN, u]
            for r in range(ru[u0 + u], ru[u0 + u + 1]):
                acc = _run_sum(acc, w, so, u, rr[r, 0], rr[r, 1])
            st[IN, u] = acc

    @_inline
    def _unit_back(d, wu, dvu, dc, oc, S):
        """One receiving unit's links, every sender: its term to each sender
        derivative and each link derivative."""
        for j in range(S):
            dc[j] = f32(dc[j] + f32(d * wu[j]))
            dvu[j] = f32(dvu[j] + f32(d * oc[j]))

    @_inline
    def _runs_dot_back(st, w, dv, ss, mask, R, S, skip, ru, rr, u0, first):
        """dense_dot_back then clear_absent, visiting only the links present.
        An absent link's weight is 0 (P_SPARSE), so its term is +-0, which
        leaves a sender derivative unchanged (those sums start at +0, so are
        never -0) -- unless the unit's derivative is infinite or NaN: then
        the unit takes the dense pass.  The absent links' derivatives are
        zeroed at the example's first backward tick, as the dense pass
        leaves them, and stay 0."""
        dc, oc = ss[DC], ss[OC]
        for u in range(R):
            d = f32(0.0) if skip else st[ID, u]
            dense = f32(d - d) != f32(0.0)
            wu, dvu = w[u], dv[u]
            if dense:
                _unit_back(d, wu, dvu, dc, oc, S)
            if dense or first:
                for j in range(S):
                    if mask[u, j] == 0:
                        dvu[j] = f32(0.0)
            if dense:
                continue
            for r in range(ru[u0 + u], ru[u0 + u + 1]):
                for j in range(rr[r, 0], rr[r, 1]):
                    dc[j] = f32(dc[j] + f32(d * wu[j]))
                    dvu[j] = f32(dvu[j] + f32(d * oc[j]))

    @_inline
    def _dense_back(st, w, dv, ss, R, S, skip):
        """groupprocs.dense_dot_back four receiving units at a time: each
        sender derivative takes their four terms in a register, in the same
        order (unit after unit), stored once instead of four times; the
        derivatives read are not among those written, so every value gets
        the same operations."""
        dc = ss[DC]
        oc = ss[OC]
        zero = f32(0.0)
        u = 0
        while u + 4 <= R:
            d0 = zero if skip else st[ID, u]
            d1 = zero if skip else st[ID, u + 1]
            d2 = zero if skip else st[ID, u + 2]
            d3 = zero if skip else st[ID, u + 3]
            w0, w1, w2, w3 = w[u], w[u + 1], w[u + 2], w[u + 3]
            v0, v1, v2, v3 = dv[u], dv[u + 1], dv[u + 2], dv[u + 3]
            for j in range(S):
                c = f32(dc[j] + f32(d0 * w0[j]))
                c = f32(c + f32(d1 * w1[j]))
                c = f32(c + f32(d2 * w2[j]))
                dc[j] = f32(c + f32(d3 * w3[j]))
                o = oc[j]
                v0[j] = f32(v0[j] + f32(d0 * o))
                v1[j] = f32(v1[j] + f32(d1 * o))
                v2[j] = f32(v2[j] + f32(d2 * o))
                v3[j] = f32(v3[j] + f32(d3 * o))
            u += 4
        for uu in range(u, R):
            _unit_back(zero if skip else st[ID, uu], w[uu], dv[uu], dc, oc, S)

    @_inline
    def _absent_zero(w, mask, R, S):
        for u in range(R):
            for j in range(S):
                if mask[u, j] == 0 and w[u, j] != f32(0.0):
                    return False
        return True

    @_inline
    def _set_sparse(pt):
        """P_SPARSE for each masked projection, from its weights now (they
        change only between the kernel's calls)."""
        for p in range(pt.shape[0]):
            if pt[p, P_M] != 0:
                R, S = pt[p, P_R], pt[p, P_S]
                ok = _absent_zero(_matrix(pt[p, P_W], R, S), _links(pt[p, P_M], R, S), R, S)
                pt[p, P_SPARSE] = 1 if ok else 0

    @_inline
    def _dot_input(k, gi, ga, pt, ru, rr, st, n):
        """dot_product_input: one running sum from 0 over the senders' caches
        (the last tick's outputs), Lens's unrolled chunks of ten."""
        for u in range(n):
            st[IN, u] = f32(0.0)
        for p in range(gi[k, C_P0], gi[k, C_P0] + gi[k, C_NP]):
            R, S = pt[p, P_R], pt[p, P_S]
            if pt[p, P_M] != 0:
                _runs_dot_input(st, n, _matrix(pt[p, P_W], R, S),
                                _state(ga[pt[p, P_SEND], A_STATE], S), ru, rr, pt[p, P_U0])
            else:
                dense_dot_input(st, n, _matrix(pt[p, P_W], R, S),
                                _state(ga[pt[p, P_SEND], A_STATE], S), S)

    @_inline
    def _soft_clamp(k, gf, st, n):
        """continuous._soft_clamp: input += logit(init + strength*(ext - init))
        / gain where the external input is set (+-LARGE_VAL outside (0, 1))."""
        init = f32(gf[k, F_INIT_OUT])
        strength = f32(gf[k, F_CLAMP])
        gain = f32(gf[k, F_GAIN])
        for u in range(n):
            e = st[EXT, u]
            if e != e:
                continue
            val = f32(init + f32(strength * f32(e - init)))
            if val <= f32(0.0):
                term = -_LARGE32
            elif val >= f32(1.0):
                term = _LARGE32
            else:
                term = f32(rules.log_real(f32(val / f32(f32(1.0) - val)), val) / gain)
            st[IN, u] = f32(st[IN, u] + term)

    @_inline
    def _input_forward(k, gi, gf, ga, pt, ru, rr, tick, H, rs, has_lesions):
        """compute_input: the input procedures in order (IN_INTEGR and
        IN_NOISE not in a fully clamped group), the input zeroed when fully
        clamped; kept in the history."""
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        les = _lesions_of(ga, k, n, has_lesions)
        lesioned = les.shape[0] != 0
        if lesioned:
            les_.keep(st, _kept_of(ga, k, n), les)
        clamped = gi[k, C_HARD] != 0 and les_.clamped(st, n, les)
        if not gi[k, C_DOT]:
            for u in range(n):
                st[IN, u] = f32(0.0)
        for q in range(gi[k, C_NIN]):
            code = gi[k, C_IN0 + q]
            if code == I_DOT:
                _dot_input(k, gi, ga, pt, ru, rr, st, n)
            elif code == I_SOFT:
                _soft_clamp(k, gf, st, n)
            elif code == I_NOISE:
                if not clamped:
                    row_noise(st, n, IN, rs, gi[k, C_NOISE], f32(gf[k, F_NOISE_RANGE]), les)
            elif code == I_INTEG and not clamped:
                v = _row(ga[k, A_INV], n)
                uds = _row(ga[k, A_UDT], n)
                dt = f32(gf[k, F_DT])
                for u in range(n):
                    if les_.live(les, u):
                        step = f32(dt * uds[u])
                        v[u] = f32(v[u] + f32(step * f32(st[IN, u] - v[u])))
                    st[IN, u] = v[u]
        if clamped and gi[k, C_NIN]:
            for u in range(n):
                st[IN, u] = f32(0.0)
        if lesioned:
            les_.put_back(st, _kept_of(ga, k, n), les, IN)
        _copy_live(_matrix(ga[k, A_HIN], H, n)[tick], st[IN], les, n)

    @_inline
    def _integrate_output(k, gf, ga, st, n, tick, H, les):
        """OUT_INTEGR forward: its input kept for the tick, the output the
        integrator's state moved dt of the way to it."""
        v = _row(ga[k, A_OUTV], n)
        inst = _matrix(ga[k, A_INST], H, n)
        uds = _row(ga[k, A_UDT], n)
        dt = f32(gf[k, F_DT])
        for u in range(n):
            if les_.live(les, u):
                inst[tick, u] = st[OUT, u]
                step = f32(dt * uds[u])
                v[u] = f32(v[u] + f32(step * f32(st[OUT, u] - v[u])))
            st[OUT, u] = v[u]

    @_inline
    def _output_forward(k, gi, gf, ga, tick, H, rs, has_lesions):
        """compute_output, the procedures in order (OUT_INTEGR keeping its
        input for the backward pass); HARD_CLAMP's external inputs and
        OUT_NOISE's clean outputs kept per tick."""
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        les = _lesions_of(ga, k, n, has_lesions)
        lesioned = les.shape[0] != 0
        if lesioned:
            les_.keep(st, _kept_of(ga, k, n), les)
        if gi[k, C_ZERO_OUT]:
            for u in range(n):
                st[OUT, u] = f32(0.0)
        gain = f32(gf[k, F_GAIN])
        for q in range(gi[k, C_NPROCS]):
            code = gi[k, C_PROC0 + q]
            if code == OUT_NOISE:
                out_noise(st, n, OUT, _matrix(ga[k, A_CLEAN], H, n)[tick], rs,
                          gi[k, C_NOISE], f32(gf[k, F_NOISE_RANGE]), les)
                continue
            if code == O_INTEG:
                _integrate_output(k, gf, ga, st, n, tick, H, les)
                continue
            if code == HARD_CLAMP:          # its external inputs, kept for the tick
                hext = _matrix(ga[k, A_HEXT], H, n)
                for u in range(n):
                    hext[tick, u] = st[EXT, u]
            output_proc(st, n, code, gain)
        hout = _matrix(ga[k, A_HOUT], H, n)
        if lesioned:
            les_.put_back(st, _kept_of(ga, k, n), les, OUT)
        for u in range(n):
            if les_.live(les, u):
                st[OC, u] = st[OUT, u]
                hout[tick, u] = st[OUT, u]

    @_inline
    def _cost_forward(k, gi, gf, ga, vals, terms, freq, pseudo, grace, tick, H, has_lesions):
        """compute_cost for an error procedure: the tick's error in vals[k]
        (fastexample's arithmetic), the targets kept (NaN in a grace period)."""
        cost = gi[k, C_COST]
        if cost == 0:
            return
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        htgt = _matrix(ga[k, A_HTGT], H, n)
        les = _lesions_of(ga, k, n, has_lesions)
        if grace:
            for u in range(n):
                if les_.live(les, u):
                    htgt[tick, u] = f32(np.nan)
            return
        lesioned = les.shape[0] != 0
        if lesioned:        # (the cost procedures see no target on lesioned units)
            kept = _kept_of(ga, k, n)
            les_.keep(st, kept, les)
            les_.hide_targets(st, les)
        vals[k] = group_error(st, n, cost, gi[k, C_ADJUST] != 0, f32(gf[k, F_RADIUS]),
                              f32(gf[k, F_ZERO_RADIUS]), gf[k, F_SCALE], pseudo, freq)
        if lesioned:
            les_.put_back(st, kept, les, TGT)
            les_.put_back(st, kept, les, ADJ)
        _copy_live(htgt[tick], st[TGT], les, n)

    @_inline
    def _cost_back(k, gi, gf, ga, freq, pseudo, grace, tick, H, has_lesions):
        """compute_cost_back: the output derivatives, kept for the example's
        backward pass."""
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        les = _lesions_of(ga, k, n, has_lesions)
        lesioned = les.shape[0] != 0
        if lesioned:
            kept = _kept_of(ga, k, n)
            les_.keep(st, kept, les)
        for u in range(n):
            st[OD, u] = f32(0.0)
        cost = gi[k, C_COST]
        if cost == 0:
            if lesioned:
                les_.put_back(st, kept, les, OD)
            return
        if lesioned:
            les_.hide_targets(st, les)
        if not grace:
            error_derivs(st, n, cost, gf[k, F_BACK_SCALE], pseudo, freq)
        if lesioned:
            les_.put_back(st, kept, les, OD)
            les_.put_back(st, kept, les, TGT)
        hod = _matrix(ga[k, A_HOD], H, n)
        _copy_live(hod[tick], st[OD], les, n)

    @_inline
    def _output_back(k, gi, gf, ga, tick, H, rs, has_lesions):
        """compute_output_back: the procedures in reverse (OUT_INTEGR's
        accumulator, its input restored as the output)."""
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        les = _lesions_of(ga, k, n, has_lesions)
        lesioned = les.shape[0] != 0
        if lesioned:
            les_.keep(st, _kept_of(ga, k, n), les)
        for u in range(n):
            st[OD, u] = f32(st[OD, u] + st[DC, u])
            st[DC, u] = f32(0.0)
        gain = f32(gf[k, F_GAIN])
        # HARD_CLAMP uses the external inputs kept for the tick
        ext = _matrix(ga[k, A_HEXT], H, n)[tick] if gi[k, C_HARD] else st[EXT]
        for q in range(gi[k, C_NPROCS] - 1, -1, -1):
            code = gi[k, C_PROC0 + q]
            if code == O_INTEG:
                v = _row(ga[k, A_OUTV], n)
                inst = _matrix(ga[k, A_INST], H, n)
                uds = _row(ga[k, A_UDT], n)
                dt = f32(gf[k, F_DT])
                for u in range(n):
                    d = f32(f32(dt * uds[u]) * v[u])
                    st[OUT, u] = inst[tick, u]
                    if les_.live(les, u):
                        v[u] = f32(v[u] + f32(st[OD, u] - d))
                    st[OD, u] = d
            elif code == OUT_NOISE:
                out_noise_back(st, n, OUT, _matrix(ga[k, A_CLEAN], H, n)[tick])
            elif code == OUT_DERIV_NOISE:
                row_noise(st, n, OD, rs, gi[k, C_NOISE], f32(gf[k, F_NOISE_RANGE]), les)
            else:
                output_proc_back(st, n, code, gain, ext)
        if lesioned:
            kept = _kept_of(ga, k, n)
            for f in (OD, OUT, ID):
                les_.put_back(st, kept, les, f)

    @_inline
    def _input_back(k, gi, gf, ga, pt, ru, rr, first, rs, has_lesions):
        """compute_input_back: the input procedures in reverse -- IN_INTEGR's
        accumulator, IN_DERIV_NOISE's draws, DOT_PRODUCT's sender and link
        derivatives (nothing from a fully clamped group), SOFT_CLAMP and
        IN_NOISE none."""
        if not gi[k, C_HAS_IN]:
            return
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        les = _lesions_of(ga, k, n, has_lesions)
        skip = False
        if gi[k, C_HARD]:
            if gi[k, C_BACK_NONE]:
                return
            skip = les_.clamped(st, n, les)
        lesioned = les.shape[0] != 0
        if lesioned:        # (lesioned receivers pass nothing back)
            les_.keep(st, _kept_of(ga, k, n), les)
            for u in range(n):
                if not les_.live(les, u):
                    st[ID, u] = f32(0.0)
        for q in range(gi[k, C_NIN] - 1, -1, -1):
            code = gi[k, C_IN0 + q]
            if code == I_DERIV_NOISE:
                if not skip:
                    row_noise(st, n, ID, rs, gi[k, C_NOISE], f32(gf[k, F_NOISE_RANGE]), les)
            elif code == I_INTEG:
                if skip:
                    continue
                v = _row(ga[k, A_INV], n)
                uds = _row(ga[k, A_UDT], n)
                dt = f32(gf[k, F_DT])
                for u in range(n):
                    d = f32(f32(dt * uds[u]) * v[u])
                    if les_.live(les, u):
                        v[u] = f32(v[u] + f32(st[ID, u] - d))
                    st[ID, u] = d
            elif code == I_DOT:
                for p in range(gi[k, C_P0], gi[k, C_P0] + gi[k, C_NP]):
                    R, S = pt[p, P_R], pt[p, P_S]
                    w, dv = _matrix(pt[p, P_W], R, S), _matrix(pt[p, P_D], R, S)
                    ss = _state(ga[pt[p, P_SEND], A_STATE], S)
                    if pt[p, P_M] == 0:
                        _dense_back(st, w, dv, ss, R, S, skip)
                    elif pt[p, P_SPARSE] != 0:
                        _runs_dot_back(st, w, dv, ss, _links(pt[p, P_M], R, S), R, S, skip,
                                       ru, rr, pt[p, P_U0], first)
                    else:
                        dense_dot_back(st, w, dv, ss, R, S, skip)
                        clear_absent(dv, _links(pt[p, P_M], R, S), R, S)
        if lesioned:
            les_.put_back(st, _kept_of(ga, k, n), les, ID)

    @_inline
    def _restore(k, gi, ga, tick, H, inputs, has_lesions):
        n = gi[k, C_SIZE]
        st = _state(ga[k, A_STATE], n)
        les = _lesions_of(ga, k, n, has_lesions)
        hout = _matrix(ga[k, A_HOUT], H, n)
        _copy_live(st[OUT], hout[tick], les, n)
        _copy_live(st[OC], hout[tick], les, n)
        if inputs:
            _copy_live(st[IN], _matrix(ga[k, A_HIN], H, n)[tick], les, n)

    @_njit
    def _example_back(gi, gf, ga, pt, ru, rr, last, H, rs, lesions):
        """continuous.example_back."""
        has_lesions = lesions is not None
        ng = gi.shape[0]
        for k in range(ng):
            n = gi[k, C_SIZE]
            st = _state(ga[k, A_STATE], n)
            for u in range(n):
                st[DC, u] = f32(0.0)
            if gi[k, C_IN_INTEG]:
                v = _row(ga[k, A_INV], n)
                for u in range(n):
                    v[u] = f32(0.0)
            if gi[k, C_OUT_INTEG]:
                v = _row(ga[k, A_OUTV], n)
                for u in range(n):
                    v[u] = f32(0.0)
        for tick in range(last, 0, -1):
            for k in range(ng):
                n = gi[k, C_SIZE]
                st = _state(ga[k, A_STATE], n)
                les = _lesions_of(ga, k, n, has_lesions)
                if gi[k, C_COST]:
                    _copy_live(st[OD], _matrix(ga[k, A_HOD], H, n)[tick], les, n)
                else:
                    for u in range(n):
                        if les_.live(les, u):
                            st[OD, u] = f32(0.0)
            for k in range(ng):
                _output_back(k, gi, gf, ga, tick, H, rs, has_lesions)
            for k in range(ng):
                _restore(k, gi, ga, tick - 1, H, True, has_lesions)
            for k in range(ng):
                _input_back(k, gi, gf, ga, pt, ru, rr, tick == last, rs, has_lesions)
        for k in range(ng):
            _restore(k, gi, ga, last, H, False, has_lesions)

    @_inline
    def _load(ev, gi, gf, ga, wr_first, wr_gfu, wr_val, rs, has_lesions):
        """training.load_event: the event's writes, then EXT_INPUT_NOISE
        groups' noise on their external inputs that are set."""
        for w in range(wr_first[ev], wr_first[ev + 1]):
            k = wr_gfu[w, 0]
            st = _state(ga[k, A_STATE], gi[k, C_SIZE])
            st[wr_gfu[w, 1], wr_gfu[w, 2]] = wr_val[w]
        for k in range(gi.shape[0]):
            if gi[k, C_EXT_NOISE]:
                n = gi[k, C_SIZE]
                external_noise(_state(ga[k, A_STATE], n), n, EXT, rs, gi[k, C_NOISE],
                               f32(gf[k, F_NOISE_RANGE]), _lesions_of(ga, k, n, has_lesions))

    @_inline
    def _criteria(gi, gf, ga, has_lesions):
        """training._criteria: every criterion group met its criterion (and
        there is one)."""
        met = False
        for k in range(gi.shape[0]):
            if gi[k, C_CRIT]:
                n = gi[k, C_SIZE]
                st = _state(ga[k, A_STATE], n)
                les = _lesions_of(ga, k, n, has_lesions)
                if les.shape[0]:        # (the criteria pass over lesioned units)
                    kept = _kept_of(ga, k, n)
                    les_.keep(st, kept, les)
                    les_.hide_targets(st, les)
                    ok = _group_met(gi[k, C_CRIT], f32(gf[k, F_CRIT]), st)
                    les_.put_back(st, kept, les, TGT)
                else:
                    ok = _group_met(gi[k, C_CRIT], f32(gf[k, F_CRIT]), st)
                if not ok:
                    return False
                met = True
        return met

    @_njit
    def example_kernel(ctl, io, gi, gf, ga, pt, ru, rr, times, wr_first, wr_gfu, wr_val, vals,
                       terms, event_hist, H, rs, lesions):
        """continuous.run_example for one example (events from the write
        table, starting at event ctl[K_FIRST]), then when training and
        asked for, its backward pass; the noise drawn from the stream rs
        (compiled/rng.py); `lesions`: None for a network without lesioned
        units (numba compiles that case with none of the lesion code), else
        any array.  Out: ctl[K_TICKS] (ticksOnExample),
        ctl[K_CORRECT], io[X_ERR], io[X_GRACE], the group errors in gf."""
        training = ctl[K_TRAIN] != 0
        has_lesions = lesions is not None
        first, n_events = ctl[K_FIRST], ctl[K_EVENTS]
        max_ticks, tpi = ctl[K_MAX_TICKS], ctl[K_TPI]
        crit_required = ctl[K_CRIT_REQ] != 0
        pseudo = ctl[K_PSEUDO] != 0
        freq = io[X_FREQ]
        net_err = f32(io[X_ERR])
        ng = gi.shape[0]
        event = 0
        ctl[K_ADDED] = 0
        if ctl[K_SPARSE_SET] == 0:
            _set_sparse(pt)
        _load(first, gi, gf, ga, wr_first, wr_gfu, wr_val, rs, has_lesions)
        ticks_on_event = 0
        max_t, min_t, grace_t = times[first, 0], times[first, 1], times[first, 2]
        grace = grace_t > f32(0.0)
        for k in range(ng):
            n = gi[k, C_SIZE]
            st = _state(ga[k, A_STATE], n)
            les = _lesions_of(ga, k, n, has_lesions)
            if gi[k, C_RESET]:
                v = f32(gf[k, F_INIT_OUT])
                for u in range(n):
                    if les_.live(les, u):
                        st[OUT, u] = v
                        st[OC, u] = v
                if gi[k, C_IN_INTEG]:
                    iv = _row(ga[k, A_INV], n)
                    for u in range(n):
                        iv[u] = f32(gf[k, F_RESET_IN])
                if gi[k, C_OUT_INTEG]:
                    ov = _row(ga[k, A_OUTV], n)
                    for u in range(n):
                        ov[u] = v
        for k in range(ng):
            n = gi[k, C_SIZE]
            st = _state(ga[k, A_STATE], n)
            les = _lesions_of(ga, k, n, has_lesions)
            if gi[k, C_STORE0_OUT]:
                _copy_live(_matrix(ga[k, A_HOUT], H, n)[0], st[OUT], les, n)
            if gi[k, C_STORE0_TGT]:
                _copy_live(_matrix(ga[k, A_HTGT], H, n)[0], st[TGT], les, n)
        event_hist[0] = -1
        correct = True
        current = 0
        tick = 1
        while tick < max_ticks and event < n_events:
            current = tick
            event_hist[tick] = event
            for k in range(ng):
                _input_forward(k, gi, gf, ga, pt, ru, rr, tick, H, rs, has_lesions)
            for k in range(ng):
                _output_forward(k, gi, gf, ga, tick, H, rs, has_lesions)
            for k in range(ng):
                _cost_forward(k, gi, gf, ga, vals, terms, freq, pseudo, grace, tick, H, has_lesions)
            if not grace:
                for k in range(ng):
                    if gi[k, C_COST]:
                        ctl[K_ADDED] = 1
                        v = vals[k]
                        gf[k, F_ERR] = f64(f32(f32(gf[k, F_ERR]) + v))
                        net_err = f32(net_err + v)
            if training:
                for k in range(ng):
                    _cost_back(k, gi, gf, ga, freq, pseudo, grace, tick, H, has_lesions)
            ticks_on_event += 1
            t = f32(f32(f32(ticks_on_event) / f32(tpi)) + _SMALL32)
            done = False
            crit = False
            checked = False
            if t >= max_t or tick >= max_ticks - 1:
                done = True
            elif t >= min_t:
                crit = _criteria(gi, gf, ga, has_lesions)
                checked = True
                done = crit
                if not done and grace and t >= grace_t:
                    grace = False
            elif grace and t >= grace_t:
                grace = False
            if done:
                if not checked:
                    crit = _criteria(gi, gf, ga, has_lesions)
                if not crit:
                    correct = False
                if crit_required and not crit:
                    break
                event += 1
                if event < n_events:
                    ev = first + event
                    _load(ev, gi, gf, ga, wr_first, wr_gfu, wr_val, rs, has_lesions)
                    ticks_on_event = 0
                    max_t, min_t, grace_t = times[ev, 0], times[ev, 1], times[ev, 2]
                    grace = grace_t > f32(0.0)
            tick += 1
        ctl[K_TICKS] = current + 1
        ctl[K_CORRECT] = 1 if correct else 0
        io[X_ERR] = f64(net_err)
        io[X_GRACE] = 1.0 if grace else 0.0
        if training and ctl[K_BACK] != 0:
            _example_back(gi, gf, ga, pt, ru, rr, current, H, rs, lesions)


# -- loading the kernel ------------------------------------------------------------------

    @_njit
    def batch_kernel(idx, ex_first, freqs, ctl, io, gi, gf, ga, pt, ru, rr, times, wr_first,
                     wr_gfu, wr_val, vals, terms, event_hist, H, ticks_out, correct_out, rs,
                     lesions):
        """example_kernel for the examples idx, one after another, as the
        per-example loop calls it (the errors carried from one to the next);
        each example's ticks and whether it met its criteria out; ctl[K_ADDED]
        whether any added to the errors, ctl[K_MOST_TICKS] the most ticks."""
        added = 0
        most = 0
        _set_sparse(pt)
        ctl[K_SPARSE_SET] = 1
        for r in range(idx.shape[0]):
            x = idx[r]
            ctl[K_FIRST] = ex_first[x]
            ctl[K_EVENTS] = ex_first[x + 1] - ex_first[x]
            io[X_FREQ] = freqs[x]
            example_kernel(ctl, io, gi, gf, ga, pt, ru, rr, times, wr_first, wr_gfu, wr_val,
                           vals, terms, event_hist, H, rs, lesions)
            ticks_out[r] = ctl[K_TICKS]
            if ctl[K_TICKS] > most:
                most = ctl[K_TICKS]
            correct_out[r] = ctl[K_CORRECT]
            if ctl[K_ADDED]:
                added = 1
        ctl[K_ADDED] = added
        ctl[K_SPARSE_SET] = 0
        ctl[K_MOST_TICKS] = most

    @_njit_counted
    def train_updates_kernel(idx_all, crit, min_crit, bac, counter, zaddr, zsize, saddr, ssize,
                             scale, cost_rows, ex_first, freqs, ctl, io, gi, gf, ga, pt, ru, rr,
                             times, wr_first, wr_gfu, wr_val, vals, terms, event_hist, H,
                             ticks_out, correct_out, rs, algorithm, granges, uaddr, ushape,
                             gparams, faddr, baddr, learns, rate_inc, rate_dec, stats, proto):
        """Whole updates of `train` for a CONTINUOUS net, one per row of
        idx_all: the batch's reset (derivatives and errors 0), its examples
        (batch_kernel), the derivatives scaled by 1/ticksPerInterval, the
        criterion count (the error under the criterion, or every example
        correct) and the weight update.  counter as batch.train_updates_kernel's;
        ctl[K_MOST_TICKS] the most ticks of any example run."""
        counter[0] = 0
        counter[1] = 0
        counter[2] = bac
        most = 0
        for t in range(idx_all.shape[0]):
            zero_all(zaddr, zsize)
            io[X_ERR] = 0.0
            for k in cost_rows:
                gf[k, F_ERR] = 0.0
            batch_kernel(idx_all[t], ex_first, freqs, ctl, io, gi, gf, ga, pt, ru, rr, times,
                         wr_first, wr_gfu, wr_val, vals, terms, event_hist, H, ticks_out,
                         correct_out, rs, None)
            if ctl[K_MOST_TICKS] > most:
                most = ctl[K_MOST_TICKS]
            ctl[K_MOST_TICKS] = most
            scale_all(saddr, ssize, scale)
            met = io[X_ERR] < crit
            if not met:
                met = True
                for r in range(correct_out.shape[0]):
                    if correct_out[r] == 0:
                        met = False
                        break
            bac = counted_update(met, t, bac, min_crit, counter, algorithm, granges, uaddr,
                                 ushape, gparams, faddr, baddr, learns, rate_inc, rate_dec,
                                 stats, proto)
            if bac < 0:
                return


def _warm(variant: str) -> None:
    """Compile (or load from numba's cache) the kernel on a one-unit net."""
    H = 3
    keep = []

    def addr(shape):
        a = np.zeros(shape, dtype=np.float32)
        keep.append(a)
        return a.ctypes.data
    gi = np.zeros((1, GI_COLS), dtype=np.int64)
    gi[0, C_SIZE] = 1
    gf = np.zeros((1, GF_COLS))
    ga = np.array([[addr((11, 1, 1))] + [addr((H, 1)) for _ in range(GA_COLS - 1)]],
                  dtype=np.int64)
    ga[0, A_LES] = ga[0, A_KEEP] = 0
    pt = np.zeros((0, P_COLS), dtype=np.int64)
    runs = (np.zeros(1, dtype=np.int64), np.zeros((0, 2), dtype=np.int64))
    times = np.array([[1.0, 0.0, 0.0]], dtype=np.float32)
    ctl = np.zeros(K_COLS, dtype=np.int64)
    ctl[K_TRAIN], ctl[K_BACK], ctl[K_EVENTS], ctl[K_MAX_TICKS], ctl[K_TPI] = 1, 1, 1, 2, 1
    io = np.zeros(3)
    tables = (times, np.zeros(2, dtype=np.int64), np.zeros((0, 3), dtype=np.int64),
              np.zeros(0, dtype=np.float32), np.zeros(1, dtype=np.float32), np.zeros(1),
              np.zeros(2, dtype=np.int64), H)
    rs = crng.new_state()
    lesions = LESIONED if variant == LESIONS_VARIANT else None
    example_kernel(ctl, io, gi, gf, ga, pt, *runs, *tables, rs, lesions)
    batch_kernel(np.zeros(1, dtype=np.int64), np.array([0, 1], dtype=np.int64),
                 np.ones(1), ctl, io, gi, gf, ga, pt, *runs, *tables,
                 np.zeros(1, dtype=np.int64), np.zeros(1, dtype=np.int64), rs, lesions)
    if lesions is not None:     # (lesioned nets' updates run batch by batch)
        return
    # (no updates: what matters is the argument types of train_updates' call)
    none = np.zeros(0, dtype=np.int64)
    two = np.zeros((0, 2), dtype=np.int64)
    f32 = np.float32
    train_updates_kernel(np.zeros((0, 1), dtype=np.int64), 0.0, 0, 0,
                         np.zeros(3, dtype=np.int64), none, none, none, none, f32(1.0), none,
                         np.array([0, 1], dtype=np.int64), np.ones(1), ctl, io, gi, gf, ga, pt,
                         *runs, *tables, np.zeros(1, dtype=np.int64),
                         np.zeros(1, dtype=np.int64), rs, int(T.MOMENTUM), two, two, two,
                         np.zeros((0, 3)), np.zeros((0, 3), dtype=np.int64),
                         np.zeros((0, 5), dtype=np.int64), np.zeros(0, dtype=np.uint8),
                         f32(1.0), f32(1.0), np.zeros(2), f32(0))


# The kernels come in two variants: one for networks without lesioned units,
# compiled with none of the lesion code, and one passing over lesioned units
# (compiled the first time a lesioned network pays for it).
VARIANT = "float32"
LESIONS_VARIANT = "float32 lesions"
LESIONED = np.zeros(1, dtype=np.int64)      # the kernels' `lesions` for that variant


def wanted_variant(net=None) -> str:
    return LESIONS_VARIANT if net is not None and net.has_lesions else VARIANT


def ready(net=None, wait: bool = False) -> bool:
    """Are the kernels `net` needs loaded (float32 only)?  `wait`: compile
    them here if numba's cache does not have them (compiled/cache.py);
    continuous.py runs meanwhile, with the same numbers."""
    return HAVE_NUMBA and ENABLED and KERNELS.ready(wanted_variant(net), wait=wait)


def wait_ready(timeout: float | None = None) -> bool:
    """Load or compile the kernels now, both variants; False if they cannot be."""
    return HAVE_NUMBA and ENABLED and all(KERNELS.ready(v, wait=True) for v in KERNELS.variants)


# -- plans ---------------------------------------------------------------------------------

_INTEGRATORS = ("IN_INTEGR", "OUT_INTEGR", "INTERACT_INTEGR")


# (pre/postExampleProc run around a compiled example, from Lens's loop in
# Python, so they keep only the whole batch, run_batch, off the kernel)
def _hook_inside(net, hooks=exampleloop.HOOKS_IN_ONE_EXAMPLE):
    return next((h for h in hooks if net.hooks.get(h)), None)


def _blocker(net):
    """Why the kernel cannot run this network's examples one at a time (None
    if it can)."""
    if net.dtype != np.float32 or not net.type & T.CONTINUOUS or net.type & T.BOLTZMANN:
        return "network"
    hook = _hook_inside(net)
    if hook:
        return f"a {hook} (it runs inside an example)"
    if net.example_writer is not None:
        return "output file"
    if net.exact_arithmetic is False:
        return "arithmetic"
    H = net.history_length
    if H < net.max_ticks or net.max_ticks < 2:
        return "history"
    if len(net.event_history) < net.max_ticks or len(net.reset_history) < H:
        return "history"
    for g in net.groups:
        if g.type & T.ADAPTIVE_GAIN:
            return "group type"
        if len(g.input_procs) > _MAX_IN or len(set(g.input_procs)) != len(g.input_procs) \
                or any(p not in _IN_CODES for p in g.input_procs):
            return "input type"
        procs = g.output_procs
        if len(procs) > _MAX_PROCS or any(p not in _OUT_CODES for p in procs) \
                or procs.count(T.OUT_INTEGR) > 1:
            return "output type"
        if any(procs.count(p) > 1 for p in (T.OUT_NOISE, T.OUT_DERIV_NOISE)):
            # (the kernel keeps one clean output per tick for the group, Lens and
            # forward.py one per procedure)
            return "OUT_NOISE or OUT_DERIV_NOISE twice in one group"
        if len(g.cost_procs) > 1 or any(p not in _COST_CODES for p in g.cost_procs):
            return "cost type"
        for kind, proc in (("IN_INTEGR", T.IN_INTEGR), ("OUT_INTEGR", T.OUT_INTEGR)):
            has = proc in g.input_procs or proc in g.output_procs
            if not has and kind in g.proc_state:
                return "integrators"        # a stale one: example_back zeroes it
        if "INTERACT_INTEGR" in g.proc_state:
            return "integrators"
        arrays = [g.state[:, 0]] + [getattr(g, h) for h in
                                    ("input_history", "output_history", "target_history",
                                     "output_deriv_history")] + [g.unit_dt_scale]
        if g.state.shape[1] != 1 or not g.state.flags.c_contiguous:
            return "state"
        for a in arrays:
            if a.dtype != np.float32 or not a.flags.c_contiguous:
                return "state"
        for h in ("input_history", "output_history", "target_history", "output_deriv_history"):
            if getattr(g, h).shape != (H, g.size):
                return "history"
        if g.unit_dt_scale.shape != (g.size,):
            return "state"
        if len({id(p.sender) for p in g.incoming}) != len(g.incoming):
            return "several projections from one sender"
        if g.incoming and T.DOT_PRODUCT not in g.input_procs:
            return "links"
        for p in g.incoming:
            if p.mask is not None and (p.mask.dtype != np.bool_ or p.mask.shape != p.weight.shape
                                       or not p.mask.flags.c_contiguous):
                return "projection"
            if p.weight.dtype != np.float32 \
                    or p.weight.shape != (g.size, p.sender.size) \
                    or p.deriv.shape != p.weight.shape or p.deriv.dtype != np.float32 \
                    or not (p.weight.flags.c_contiguous and p.deriv.flags.c_contiguous):
                return "projection"
            if not F.exact_for(net, 1, p):
                return "arithmetic"
    # a shared weight array is changed once per update, but would be read as two
    seen = set()
    for g in net.groups:
        for p in g.incoming:
            if id(p.arrays) in seen:
                return "shared weights"
            seen.add(id(p.arrays))
    return None


class ContinuousPlan:
    """The kernel's tables for one network structure (its arrays kept alive,
    so their addresses stay valid)."""

    def __init__(self, net):
        groups = list(net.groups)
        index = {id(g): k for k, g in enumerate(groups)}
        H = net.history_length
        self.groups = groups
        self.H = H
        ng = len(groups)
        gi = np.zeros((ng, GI_COLS), dtype=np.int64)
        ga = np.zeros((ng, GA_COLS), dtype=np.int64)
        self.keep = []
        projs = []
        self.integrators = []       # (group, kind, IntegratorState)
        self.hard = []              # (group, proc_state keys, rows kept per tick)
        self.clean = []             # the same for OUT_NOISE's clean outputs
        self.noise = cnoise.NoiseTables(groups)     # the stream, taken and given back
        self.lesions = None         # the kernels' `lesions` (LESIONED: some group has them)
        for k, g in enumerate(groups):
            ot = g.output_type
            procs = list(g.output_procs)
            out_integ = T.OUT_INTEGR in procs
            gi[k, C_SIZE] = g.size
            gi[k, C_DOT] = 1 if T.DOT_PRODUCT in g.input_procs else 0
            gi[k, C_IN_INTEG] = 1 if T.IN_INTEGR in g.input_procs else 0
            gi[k, C_HAS_IN] = 1 if g.input_procs else 0
            gi[k, C_NIN] = len(g.input_procs)
            for q, proc in enumerate(g.input_procs):
                gi[k, C_IN0 + q] = _IN_CODES[proc]
            gi[k, C_HARD] = 1 if ot & T.HARD_CLAMP else 0
            gi[k, C_BACK_NONE] = 1 if ot == T.HARD_CLAMP else 0
            gi[k, C_ZERO_OUT] = 0 if ot & (T.BASIC_OUTPUT_TYPES | T.BIAS_CLAMP) else 1
            gi[k, C_OUT_INTEG] = 1 if out_integ else 0
            gi[k, C_NPROCS] = len(procs)
            for q, proc in enumerate(procs):
                gi[k, C_PROC0 + q] = _OUT_CODES[proc]
            gi[k, C_COST] = _COST_CODES[g.cost_procs[0]] if g.cost_procs else 0
            gi[k, C_P0] = len(projs)
            gi[k, C_NP] = len(g.incoming)
            gi[k, C_RESET] = 1 if g.type & T.RESET_ON_EXAMPLE else 0
            gi[k, C_STORE0_OUT] = 1 if g.type & T.USE_OUTPUT_HIST else 0
            gi[k, C_STORE0_TGT] = 1 if (g.type & T.ERROR_MASKS
                                        and g.type & T.USE_TARGET_HIST) else 0
            projs.extend(g.incoming)
            ga[k, A_STATE] = g.state.ctypes.data
            for col, name in ((A_HIN, "input_history"), (A_HOUT, "output_history"),
                              (A_HTGT, "target_history"), (A_HOD, "output_deriv_history")):
                a = getattr(g, name)
                self.keep.append(a)
                ga[k, col] = a.ctypes.data
            self.keep += [g.state, g.unit_dt_scale]
            ga[k, A_UDT] = g.unit_dt_scale.ctypes.data
            if gi[k, C_IN_INTEG]:
                st = continuous.integrator_state(net, g, "IN_INTEGR")
                self.integrators.append((g, "IN_INTEGR", st))
                self.keep.append(st.value)
                ga[k, A_INV] = st.value.ctypes.data
            if out_integ:
                st = continuous.integrator_state(net, g, "OUT_INTEGR")
                self.integrators.append((g, "OUT_INTEGR", st))
                self.keep += [st.value, st.instant]
                ga[k, A_OUTV] = st.value.ctypes.data
                ga[k, A_INST] = st.instant.ctypes.data
            if T.OUT_NOISE in procs:
                clean = np.zeros((H, g.size), dtype=np.float32)
                # what forward._out_noise keeps per tick, as views of the kernel's rows
                keys = [("OUT_NOISE", t) for t in range(H)]
                self.clean.append((g, keys, [clean[t:t + 1] for t in range(H)]))
                self.keep.append(clean)
                ga[k, A_CLEAN] = clean.ctypes.data
            mask = les_.mask_of(g)
            if mask is not None:
                kept = np.zeros((les_.KEEP_ROWS, g.size), dtype=np.float32)
                self.keep += [mask, kept]
                ga[k, A_LES], ga[k, A_KEEP] = mask.ctypes.data, kept.ctypes.data
                self.lesions = LESIONED
            if gi[k, C_HARD]:
                ext = np.full((H, g.size), np.nan, dtype=np.float32)
                # what forward._hard_clamp keeps per tick, as views of the kernel's rows
                keys = [("HARD_CLAMP", t) for t in range(H)]
                rows = [ext[t:t + 1] for t in range(H)]
                self.hard.append((g, keys, rows))
                self.keep.append(ext)
                ga[k, A_HEXT] = ext.ctypes.data
        self.gi, self.ga = gi, ga
        self.gf = np.zeros((ng, GF_COLS))
        self.projs = projs
        self.pt = np.array([[index[id(p.sender)], p.weight.ctypes.data, p.deriv.ctypes.data,
                             p.weight.shape[0], p.weight.shape[1],
                             0 if p.mask is None else p.mask.ctypes.data, 0, 0]
                            for p in projs], dtype=np.int64).reshape(-1, P_COLS)
        self.ru = np.zeros(1, dtype=np.int64)
        self.rr = np.zeros((0, 2), dtype=np.int64)
        self.keep += [a for p in projs for a in (p.weight, p.deriv, p.mask) if a is not None]
        self.vals = np.zeros(ng, dtype=np.float32)
        self.terms = np.zeros(max([g.size for g in groups] + [1]))
        self.event_hist = np.zeros(net.max_ticks, dtype=np.int64)
        self.ctl = np.zeros(K_COLS, dtype=np.int64)
        self.io = np.zeros(3)
        self.gain_groups = [(k, g) for k, g in enumerate(groups)
                            if g.output_type & (T.LOGISTIC | T.TANH)
                            or T.SOFT_CLAMP in g.input_procs]
        self.soft_groups = [(k, g) for k, g in enumerate(groups)
                            if T.SOFT_CLAMP in g.input_procs]
        self.cost_groups = [(k, g) for k, g in enumerate(groups) if g.cost_procs]
        self.cost_rows = np.array([k for k, _ in self.cost_groups], dtype=np.int64)
        self.dt_groups = [(k, g) for k, g in enumerate(groups)
                          if gi[k, C_IN_INTEG] or gi[k, C_OUT_INTEG]]
        self.reset_groups = [(k, g) for k, g in enumerate(groups)
                             if gi[k, C_RESET] or T.SOFT_CLAMP in g.input_procs]
        self.crit_groups = [(k, g) for k, g in enumerate(groups) if g.criterion is not None]
        self.key = self._key(net)

    @staticmethod
    def _key(net):
        # arrays by identity; the plan holds them (self.keep), so no id is reused
        # (noise shows in the group procedures; the lesioned units are named)
        return (net.dtype, net.type, net.history_length, net.max_ticks, net.exact_arithmetic,
                getattr(net, "exact_rows", None),
                tuple((g, g.type, tuple(g.input_procs), tuple(g.output_procs),
                       tuple(g.cost_procs),
                       None if g.skipped is None else g.unit_lesioned.tobytes(),
                       id(g.state), id(g.input_history),
                       id(g.output_history), id(g.target_history),
                       id(g.output_deriv_history), id(g.unit_dt_scale),
                       id(g.proc_state.get("IN_INTEGR")), id(g.proc_state.get("OUT_INTEGR")),
                       tuple((p, p.arrays, id(p.arrays.weight), id(p.arrays.deriv),
                              id(p.mask)) for p in g.incoming))
                      for g in net.groups))

    def valid(self, net) -> bool:
        return self._key(net) == self.key

    def fill(self, net, training: bool) -> None:
        """The parameters a script may have changed since the last example."""
        gf, gi = self.gf, self.gi
        d = np.float32
        for k, g in self.gain_groups:
            gf[k, F_GAIN] = d(g.choose("gain"))
        tpi = net.ticks_per_interval
        for k, g in self.cost_groups:
            tr, zr = g.choose("target_radius"), g.choose("zero_error_radius")
            gf[k, F_RADIUS], gf[k, F_ZERO_RADIUS] = tr, zr
            gi[k, C_ADJUST] = 1 if (tr != 0.0 or zr != 0.0) else 0
            gf[k, F_SCALE] = np.float64(d(d(g.error_scale) / d(tpi)))
            gf[k, F_BACK_SCALE] = np.float64(d(g.error_scale))
        for k, g in self.dt_groups:
            gf[k, F_DT] = d(d(net.dt) * d(g.dt_scale))
        for k, g in self.reset_groups:
            gf[k, F_INIT_OUT] = d(g.initial_output())
            gf[k, F_RESET_IN] = d(g.initial_input())
        for k, g in self.soft_groups:
            gf[k, F_CLAMP] = d(g.choose("clamp_strength"))
        for k, g in self.noise.groups:
            gi[k, C_NOISE] = crng.proc_code(g.noise_proc)
            gi[k, C_EXT_NOISE] = 1 if g.type & T.EXT_INPUT_NOISE else 0
            gf[k, F_NOISE_RANGE] = d(g.choose("noise_range"))
        self._table_runs()
        self.refresh_errors()
        crit = "train_group_crit" if training else "test_group_crit"
        for k, g in self.crit_groups:
            kind = g.criterion
            gi[k, C_CRIT] = 0 if kind is None else (2 if kind == T.MAX_CRIT else 1)
            gf[k, F_CRIT] = d(g.choose(crit))


    def _table_runs(self) -> None:
        """Each masked projection's runs of consecutive links, unit by unit
        (a link edit is a net edit, so this runs again before the kernel
        sees a changed mask)."""
        offsets, runs = [0], []
        for p, proj in enumerate(self.projs):
            if proj.mask is None:
                continue
            R, S = proj.mask.shape
            edges = np.diff(np.pad(proj.mask.astype(np.int8), ((0, 0), (1, 1))), axis=1)
            su, sj = np.nonzero(edges == 1)
            _, ej = np.nonzero(edges == -1)
            self.pt[p, P_U0] = len(offsets) - 1
            counts = np.bincount(su, minlength=R)
            offsets.extend((sum(len(r) for r in runs) + np.cumsum(counts)).tolist())
            runs.append(np.stack([sj, ej], axis=1))
        self.ru = np.array(offsets, dtype=np.int64)
        self.rr = np.concatenate(runs).astype(np.int64).reshape(-1, 2) if runs \
            else np.zeros((0, 2), dtype=np.int64)

    def refresh_errors(self) -> None:
        """The group errors, which the engine itself resets between batches
        (the one thing fill reads that changes with no edit of the net)."""
        gf = self.gf
        for k, g in self.cost_groups:
            gf[k, F_ERR] = float(np.float32(g.error))


def plan_for(net):
    """The network's plan, or None when continuous.py must run it.  (The
    kernel starts loading the first time a network it covers asks.)"""
    if not ENABLED or not getattr(net, "fast_path", True):
        return None
    plan = getattr(net, "_continuous_plan", None)
    if plan is None or not plan.valid(net):
        if _blocker(net) is not None or not ready(net):
            net._continuous_plan = None
            return None
        plan = net._continuous_plan = ContinuousPlan(net)
    elif net.example_writer is not None or _hook_inside(net):
        return None
    return plan


class _Events:
    """The set's events as an exampleloop.EventTable, packed for the kernel,
    and each example's index."""

    def __init__(self, net, exset, groups):
        table = exampleloop.EventTable(net, exset, groups)
        self.ex_first = table.ex_first
        self.times = table.times
        self.wr_first = table.wr_first
        self.wr_gfu = np.stack([table.wr_group, table.wr_field, table.wr_unit], axis=1) \
            .astype(np.int64).reshape(-1, 3)
        self.wr_val = table.wr_val
        self.freq = table.freq
        self.index = {id(ex): i for i, ex in enumerate(exset.examples)}
        # an example with no events runs in Python (Lens's loop says what happens)
        self.has_empty = bool(np.any(np.diff(table.ex_first) == 0))


def _events_for(net, exset, plan):
    mode = getattr(exset, "mode", T.ORDERED)
    version = getattr(exset, "version", None)
    if mode & (T.PIPE | T.CUSTOM) or version is None or not hasattr(exset, "examples"):
        return None
    key = (version, id(exset), id(plan))
    cached = getattr(net, "_continuous_events", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    events = None
    if not any(getattr(ex, "proc", None) or any(getattr(ev, "proc", None) for ev in ex.events)
               for ex in exset.examples):
        try:
            events = _Events(net, exset, plan.groups)
        except exampleloop._TooBig:
            events = None
    net._continuous_events = (key, events, plan, exset)     # ids in the key kept alive
    return events


def run_example(session, net, exset, example, training: bool,
                example_back: bool = True):
    """continuous.run_example compiled: whether every event met its criteria,
    or None (nothing changed) when continuous.py must run the example."""
    # Checked and filled once per path choice (paths.choose) while no command
    # that may edit a net has run (Session.net_edits): hooks inside examples
    # and example scripts keep a network off this path, and an example hook
    # between two examples that only reads (getObj, puts) changes nothing.
    stamp = (getattr(net, "choice_serial", None), training, getattr(session, "net_edits", None))
    plan = getattr(net, "_continuous_plan", None)
    checked = stamp[0] is not None and plan is not None \
        and getattr(net, "_continuous_stamp", None) == stamp
    if not checked:
        net._continuous_stamp = None
        plan = plan_for(net)
        if plan is None:
            return None
    events = _events_for(net, exset, plan)
    if events is None:
        return None
    x = events.index.get(id(example))
    if x is None or exset.examples[x] is not example:
        return None
    first, n_events = int(events.ex_first[x]), int(events.ex_first[x + 1] - events.ex_first[x])
    if n_events == 0:
        return None
    if not checked:
        plan.fill(net, training)
        net._continuous_stamp = stamp
    else:
        plan.refresh_errors()
    ctl, io = _controls(net, plan, training, example_back)
    ctl[K_FIRST], ctl[K_EVENTS] = first, n_events
    io[X_FREQ] = float(np.float32(getattr(example, "frequency", 1.0)))
    plan.noise.take(net.rng)
    example_kernel(ctl, io, plan.gi, plan.gf, plan.ga, plan.pt, plan.ru, plan.rr, events.times,
                   events.wr_first, events.wr_gfu, events.wr_val, plan.vals, plan.terms,
                   plan.event_hist, plan.H, plan.noise.rs, plan.lesions)
    plan.noise.give(net.rng)
    _after(net, plan, training and example_back, int(ctl[K_TICKS]))
    return bool(ctl[K_CORRECT])


def _controls(net, plan, training: bool, example_back: bool):
    """The kernel's ctl and io, filled for the network's examples."""
    ctl, io = plan.ctl, plan.io
    ctl[K_TRAIN] = 1 if training else 0
    ctl[K_BACK] = 1 if example_back else 0
    ctl[K_MAX_TICKS], ctl[K_TPI] = net.max_ticks, net.ticks_per_interval
    ctl[K_CRIT_REQ] = 1 if net.group_crit_required else 0
    ctl[K_PSEUDO] = 1 if net.pseudo_example_freq else 0
    io[X_ERR] = float(np.float32(net.error))
    return ctl, io


def _after(net, plan, went_back: bool, ticks: int, most_ticks: int | None = None) -> None:
    """What the network keeps of the (last) example the kernel ran;
    `most_ticks`: the longest example's ticks (the event and reset histories
    and HARD_CLAMP's per-tick inputs hold every tick an example reached)."""
    ctl, io = plan.ctl, plan.io
    last = ticks - 1
    if ctl[K_ADDED]:        # (finish_costs writes them only when it adds something)
        for k, g in plan.cost_groups:
            g.error = float(plan.gf[k, F_ERR])
        net.error = float(io[X_ERR])
    net.in_grace_period = bool(io[X_GRACE])
    # (each example rewrote the histories up to its own last tick)
    reached = ticks if most_ticks is None else most_ticks
    net.event_history[:reached] = plan.event_hist[:reached].tolist()
    net.reset_history[:reached] = [True] + [False] * (reached - 1)
    net.example_history_start = 0
    for g, keys, rows in plan.hard + plan.clean:
        g.proc_state.update(zip(keys[1:reached], rows[1:reached]))
    net.ticks_on_example = ticks
    net.current_tick = 0 if went_back else last


def _batch_tables(net, exset):
    """(plan, events, None) for running the set's examples in one call, or
    (None, None, why not)."""
    hook = _hook_inside(net, vectorised.HOOKS_INSIDE_EXAMPLES)
    if hook:
        return None, None, f"a {hook} (it runs between the examples of a batch)"
    plan = plan_for(net)
    if plan is None:
        return None, None, _blocker(net) or "its kernel is not loaded yet"
    events = _events_for(net, exset, plan)
    if events is None:
        return None, None, "its examples (scripts, a pipe, a CUSTOM mode or too many to table)"
    if events.has_empty:
        return None, None, "an example with no events"
    reason = cnoise.loop_blocker(net, exset)
    if reason:
        return None, None, reason
    return plan, events, None


def batch_blocker(net, exset):
    """Why run_batch cannot run the set's examples (None if it can)."""
    return _batch_tables(net, exset)[2]


def _filled(session, net, exset, training: bool):
    """(plan, events) filled for running the set's examples in one call, or
    (None, None).  Checked and filled once per path choice, as run_example."""
    stamp = (getattr(net, "choice_serial", None), training, getattr(session, "net_edits", None))
    tables = getattr(net, "_continuous_batch", None)
    if stamp[0] is not None and tables is not None and tables[0] == stamp \
            and tables[1] is exset:
        plan, events = tables[2], tables[3]
        plan.refresh_errors()
    else:
        plan, events, reason = _batch_tables(net, exset)
        if reason is not None:
            return None, None
        plan.fill(net, training)
        net._continuous_batch = (stamp, exset, plan, events)
    net._continuous_stamp = stamp
    return plan, events


def run_batch(session, net, exset, count: int, training: bool):
    """`count` examples of Lens's loop (chosen now) in one compiled call, as
    run_example would run them one after another: (ticks, correct) per
    example, or None, with nothing drawn, when they must run one by one."""
    if count <= 0:
        return None
    plan, events = _filled(session, net, exset, training)
    if plan is None:
        return None
    idx = draw_indices(exset, count, session.rng)
    ctl, io = _controls(net, plan, training, True)
    ticks = np.zeros(len(idx), dtype=np.int64)
    correct = np.zeros(len(idx), dtype=np.int64)
    plan.noise.take(net.rng)
    batch_kernel(idx, events.ex_first, events.freq, ctl, io, plan.gi, plan.gf, plan.ga,
                 plan.pt, plan.ru, plan.rr, events.times, events.wr_first, events.wr_gfu,
                 events.wr_val, plan.vals, plan.terms, plan.event_hist, plan.H, ticks, correct,
                 plan.noise.rs, plan.lesions)
    plan.noise.give(net.rng)
    net.current_example = exset.examples[int(idx[-1])]
    _after(net, plan, training, int(ticks[-1]), int(ctl[K_MOST_TICKS]))
    return ticks, correct.astype(bool)


def train_updates(session, net, algorithm, run, i, batches_at_crit):
    """batch.train_updates for a CONTINUOUS network: updates i, i+1, ... of
    `train` in one compiled call (train_updates_kernel), when nothing between
    them needs Python and every batch would run in run_batch.  Returns what
    batch.train_updates returns, `met` -- whether every example of the
    pending batch met its criteria; the examples, draws and noise are those
    of the update-by-update loop."""
    start = fastbatch.burst_start(net, algorithm, run, i, ENABLED)
    if start is None:
        return None
    last, n, reset = start
    exset = net.training_set
    scaled = net.kept("scaled_derivs", continuous.scaled_derivs)
    # (the kernel zeroes whole arrays: lesioned nets go batch by batch)
    if reset.parts.parts or not scaled.ok:
        return None
    plan, events = _filled(session, net, exset, True)
    if plan is None:
        return None
    uplan = fastbatch._update_plan(net)
    if uplan is None or not fastbatch._update_params(uplan, net):
        return None
    count = min(last - i + 1, getattr(plan, "burst", 4))
    ctl, io = _controls(net, plan, True, True)
    ticks = np.zeros(n, dtype=np.int64)
    correct = np.zeros(n, dtype=np.int64)
    inc, dec, proto = uplan.rates
    zeroed = reset.whole

    def call(idx_all, counter):
        train_updates_kernel(idx_all, float(net.criterion), int(net.min_crit_batches),
                             int(batches_at_crit), counter, zeroed.addr, zeroed.size,
                             scaled.addr, scaled.size, continuous.deriv_scale(net),
                             plan.cost_rows, events.ex_first, events.freq, ctl, io, plan.gi,
                             plan.gf, plan.ga, plan.pt, plan.ru, plan.rr, events.times,
                             events.wr_first, events.wr_gfu, events.wr_val, plan.vals,
                             plan.terms, plan.event_hist, plan.H, ticks, correct, plan.noise.rs,
                             algorithm, uplan.granges, uplan.addr, uplan.shape, uplan.gparams,
                             uplan.faddr, uplan.baddr, uplan.all_learn, inc, dec, uplan.stats,
                             proto)
    ahead = fastbatch.run_ahead(session, net, exset, n, count, call, uplan, plan, plan.noise)
    if ahead.batches:
        net.current_example = exset.examples[int(ahead.idx_all[ahead.batches - 1, -1])]
        batchstart.reset_errors(net)
        _after(net, plan, True, int(ticks[-1]), int(ctl[K_MOST_TICKS]))
    return (ahead.done, ahead.bac, ahead.interrupted, ahead.pending,
            ahead.pending and bool(correct.all()))


if HAVE_NUMBA:
    KERNELS = kernelcache.Kernels("fastcontinuous", __file__, _warm, example_kernel,
                                  depends=(fastexample.__file__, fastbatch.__file__,
                                           bulkkernels.__file__) + fastexample.KERNELS.depends
                                  + fastbatch.KERNELS.depends,
                                  variants=(VARIANT, LESIONS_VARIANT),
                                  what="the continuous kernels", compile_seconds=15.0)
