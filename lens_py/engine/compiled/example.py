"""One tick of one example, compiled (optional, with numba): the per-example
path's `forward.train_tick` / `forward_tick` for the standard case, with the
same float32 operations in the same order, so the same bits.

Covered: float32 networks whose groups have no input procedure or a dense
DOT_PRODUCT (one projection per sender), output procedures among LINEAR,
LOGISTIC, TANH, SOFT_MAX, HARD_CLAMP, BIAS_CLAMP and ELMAN_CLAMP, at most one
error procedure (SUM_SQUARED, CROSS_ENTROPY, DIVERGENCE), no output file, no
unit-history group types, no adaptive gain or integrators; OUT_NOISE, IN_NOISE
the derivatives' and the external inputs' noise through compiled/noise.py (not
with backpropTicks > 1; link-derivative noise comes after the batch); lesioned
units through compiled/lesioned.py (not with an output file).  On Lens's loop with compiled ticks and
backpropTicks > 1 the extra backward steps still run in forward.py.
Anything else, and everything until the kernel is compiled (compiled/cache.py;
numba keeps it on disk), runs in forward.py.

The kernel works on the groups' own state arrays and weight arrays, found by
address; `TickPlan` keeps them alive and checks before each tick that the
network's structure is still the one it was built for.
"""
from __future__ import annotations

import math

import numpy as np

from .. import activations as A
from . import cache as kernelcache
from . import groupprocs as cgp
from . import lesioned as les_
from . import noise as cnoise
from . import rng as crng
from . import rules as R
from .. import types as T
from ..forward import EXACT_LIMIT, _backprop_through_time, history_index

try:
    import numba
    HAVE_NUMBA = True
except ImportError:
    numba = None
    HAVE_NUMBA = False

ENABLED = HAVE_NUMBA

(LINEAR, LOGISTIC, TANH, SOFT_MAX, HARD_CLAMP, BIAS_CLAMP, ELMAN_CLAMP, OUT_NOISE,
 OUT_DERIV_NOISE) = range(1, 10)
_OUT_CODES = {T.LINEAR: LINEAR, T.LOGISTIC: LOGISTIC, T.TANH: TANH, T.SOFT_MAX: SOFT_MAX,
              T.HARD_CLAMP: HARD_CLAMP, T.BIAS_CLAMP: BIAS_CLAMP, T.ELMAN_CLAMP: ELMAN_CLAMP,
              T.OUT_NOISE: OUT_NOISE, T.OUT_DERIV_NOISE: OUT_DERIV_NOISE}
SSE, CE, DIV = R.SSE, R.CE, R.DIVERGENCE
_COST_CODES = R.COST_CODES
_MAX_PROCS = 4
_IN_CODES = {T.DOT_PRODUCT: cgp.IN_DOT, T.PRODUCT: cgp.IN_PRODUCT, T.DISTANCE: cgp.IN_DISTANCE}

(G_SIZE, G_DOT, G_HARD, G_BACK_NONE, G_ZERO_OUT, G_NPROCS, G_PROC0) = range(7)
(G_COST, G_ADJUST, G_P0, G_NP, G_ELMAN, G_ELMAN_SIZE) = range(G_PROC0 + _MAX_PROCS,
                                                                G_PROC0 + _MAX_PROCS + 6)
# compiled/noise.py's: the noise procedure, input noise bits, the stream's and the
# clean outputs' addresses
G_NOISE, G_IN_NOISE, G_RNG, G_CLEAN = range(G_ELMAN_SIZE + 1, G_ELMAN_SIZE + 5)
# lesioned.py's: the group's lesion mask (bytes) and scratch rows, 0 without lesions
G_LESION, G_KEEP = G_CLEAN + 1, G_CLEAN + 2
G_COLS = G_KEEP + 1
F_GAIN, F_RADIUS, F_ZERO_RADIUS, F_SCALE, F_BACK_SCALE, F_NOISE_RANGE = range(6)
F_COLS = 6

# rows of a group's state array (group.UNIT_ARRAYS)
IN, OUT, OC, OD, DC, ID, TGT, ADJ, EXT = range(9)

# phases of a kernel call
FORWARD, TRAIN_FORWARD, TRAIN_BACKWARD, TRAIN_ALL = 0, 1, 2, 3

# up to this many senders a projection's backward step runs sender by sender
# (the row-by-row loop's set-up per receiver costs more than it saves)
FEW_SENDERS = 4

# (DERIV_NOISE runs after the batch, in training.py: nothing here draws for it)
_UNSUPPORTED_GROUP = (T.USE_HIST_MASKS | T.ADAPTIVE_GAIN)


if HAVE_NUMBA:
    # Without numba's runtime: every array a kernel sees is either passed in
    # or a view made at an address (no reference counts to keep, a call each
    # otherwise); nothing is allocated inside.
    _njit = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False)
    # (a function without the runtime returns only arrays passed to it: the
    # views are inlined where they are made)
    _view_njit = numba.njit(error_model="numpy", nogil=True, inline="always", _nrt=False)
    # a group step's leaves, inlined into it (compiled/groupprocs.py says why)
    _leaf = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False,
                       inline="always")
    from numba.core import cgutils
    from numba.np.arrayobj import make_array, populate_array
    f32 = np.float32
    f64 = np.float64
    _SMALL32 = np.float32(A.SMALL_VAL)
    _LARGE32 = np.float32(A.LARGE_VAL)

    def _view_of(dtype, itemsize):
        """An intrinsic: the C-ordered [rows, cols] array at an address, made
        without a memory-info object (numba.carray's needs the runtime)."""
        @numba.extending.intrinsic
        def view(typingctx, address, rows, cols):
            array_type = numba.types.Array(dtype, 2, "C")

            def codegen(context, builder, signature, args):
                intp = numba.types.intp
                r = context.cast(builder, args[1], signature.args[1], intp)
                c = context.cast(builder, args[2], signature.args[2], intp)
                size = context.get_constant(intp, itemsize)
                ary = make_array(array_type)(context, builder)
                data = builder.inttoptr(args[0], context.get_value_type(dtype).as_pointer())
                populate_array(ary, data=data, shape=cgutils.pack_array(builder, [r, c]),
                               strides=cgutils.pack_array(builder, [builder.mul(c, size), size]),
                               itemsize=size, meminfo=None)
                return ary._getvalue()
            return array_type(address, rows, cols), codegen
        return view

    _f32_view = _view_of(numba.types.float32, 4)
    _u8_view = _view_of(numba.types.uint8, 1)
    _f64_view = _view_of(numba.types.float64, 8)

    @_view_njit
    def _stream(gi, k):
        """Group k's drand48 stream state (compiled/rng.py)."""
        return _f64_view(gi[k, G_RNG], 1, crng.STATE_SIZE)[0]

    @_view_njit
    def _state(address, n):
        """A group's [field, units] state (its one row)."""
        return _f32_view(address, 11, n)

    @_view_njit
    def _lesions(gi, k, n):
        """Group k's lesion mask (empty when it has no lesioned units)."""
        address = gi[k, G_LESION]
        return _u8_view(address, 1, n if address else 0)[0]

    @_view_njit
    def _kept(gi, k, n):
        return _f32_view(gi[k, G_KEEP], les_.KEEP_ROWS, n)

    @_view_njit
    def _matrix(address, rows, cols):
        return _f32_view(address, rows, cols)

    @_view_njit
    def _links(address, rows, cols):
        """A sparse projection's link mask (bool as bytes); empty when dense."""
        if address == 0:
            return _u8_view(address, 0, 0)
        return _u8_view(address, rows, cols)

    @_njit
    def _clamped(st, n):
        # (continuous.py's; the tick asks lesioned.clamped, which passes over
        # lesioned units)
        for u in range(n):
            if st[EXT, u] != st[EXT, u]:
                return False
        return True

    # -- one group's pieces, shared with fastcontinuous.py ------------------------------
    @_leaf
    def output_proc(st, n, code, gain):
        """One basic output procedure forward (LINEAR, LOGISTIC, TANH,
        HARD_CLAMP, BIAS_CLAMP); False for any other."""
        if code == LINEAR:
            for u in range(n):
                st[OUT, u] = st[IN, u]
        elif code == LOGISTIC:
            for u in range(n):
                st[OUT, u] = R.sigmoid(f32(st[IN, u] * gain))
        elif code == TANH:
            for u in range(n):
                st[OUT, u] = R.tanh(f32(gain * st[IN, u]))
        elif code == HARD_CLAMP:
            for u in range(n):
                e = st[EXT, u]
                if e == e:
                    st[OUT, u] = e
        elif code == BIAS_CLAMP:
            for u in range(n):
                st[OUT, u] = f32(1.0)
        else:
            return False
        return True

    @_leaf
    def output_proc_back(st, n, code, gain, ext):
        """The backward step of one basic output procedure (ext: the external
        inputs HARD_CLAMP saw); False for any other."""
        if code == LINEAR:
            for u in range(n):
                st[ID, u] = st[OD, u]
        elif code == LOGISTIC:
            g64 = f64(gain)
            for u in range(n):
                st[ID, u] = R.logistic_back(st[OD, u], st[OUT, u], g64)
        elif code == TANH:
            for u in range(n):
                st[ID, u] = R.tanh_back(st[OD, u], st[IN, u], gain)
        elif code == HARD_CLAMP:
            for u in range(n):
                if ext[u] == ext[u]:
                    st[ID, u] = f32(0.0)
        elif code == BIAS_CLAMP:
            for u in range(n):
                st[ID, u] = f32(0.0)
        else:
            return False
        return True

    @_leaf
    def error_derivs(st, n, cost, back_scale, pseudo, freq):
        """computeCostBack for a group of one example: the error's derivative
        (times errorScale, and the frequency) added to each output's."""
        factor = 2.0 if cost == SSE else 1.0
        bs = f32(f64(freq if pseudo else 1.0) * back_scale * factor)
        for u in range(n):
            if st[TGT, u] != st[TGT, u]:
                continue
            t = st[ADJ, u]
            if t != t:
                continue
            st[OD, u] = R.error_deriv(cost, st[OUT, u], t, bs, st[OD, u])

    @_leaf
    def group_error(st, n, cost, adjust, radius, zero_r, scale, pseudo, freq):
        """computeCost for a group of one example: the adjusted targets (into
        ADJ) and the error, errorScale/ticks (and the frequency) applied.
        costs.sequential_sum: when every term is a float32 value the first is
        taken as it is, otherwise all are added to a float starting at 0; the
        two sums differ only in a first term's sign of zero, so both are kept
        and one chosen at the end (no array of terms to allocate)."""
        exact = True
        err_first = f32(0.0)       # the sum starting from the first term
        err_zero = f32(0.0)        # the sum starting from 0
        for u in range(n):
            t = st[TGT, u]
            term = 0.0
            if t == t:
                o = st[OUT, u]
                if adjust:
                    t = R.adjusted_target(o, t, radius, zero_r)
                st[ADJ, u] = t
                if t == t:
                    term = R.error_term(cost, o, t)
                    if term == term and f64(f32(term)) != term:
                        exact = False
            if u == 0:
                err_first = f32(term)
            else:
                err_first = f32(f64(err_first) + term)
            err_zero = f32(f64(err_zero) + term)
        err = err_first if exact else err_zero
        s = scale
        if pseudo:
            s = s * f64(freq)
        return f32(f64(err) * s)

    @_njit
    def _forward_group(k, gi, gf, saddr, psend, paddr, pshape, vals, freq, pseudo, grace,
                       training, wt_ready):
        n = gi[k, G_SIZE]
        st = _state(saddr[k], n)
        les = _lesions(gi, k, n)
        lesioned = les.shape[0] != 0
        if lesioned:
            les_.keep(st, _kept(gi, k, n), les)
            les_.hide_targets(st, les)
        clamped = gi[k, G_HARD] != 0 and les_.clamped(st, n, les)
        # computeInput
        for u in range(n):
            st[IN, u] = f32(0.0)
        kind = gi[k, G_DOT]
        if kind:
            first = True
            for p in range(gi[k, G_P0], gi[k, G_P0] + gi[k, G_NP]):
                R, S = pshape[p, 0], pshape[p, 1]
                w, so = _matrix(paddr[p, 0], R, S), _state(saddr[psend[p]], S)
                mask = _links(paddr[p, 2], R, S)
                if kind == cgp.IN_PRODUCT:
                    cgp.product_input(st, n, w, mask, so, S, first)
                elif kind == cgp.IN_DISTANCE:
                    cgp.distance_input(st, n, w, mask, so, S, first)
                elif mask.shape[0]:
                    cgp.masked_dot_input(st, n, w, mask, so, S)
                elif wt_ready and paddr[p, 3] != 0:
                    cgp.dense_dot_input_t(st, n, _matrix(paddr[p, 3], S + 1, R), so, S)
                else:
                    cgp.dense_dot_input(st, n, w, so, S)
                first = False
        if gi[k, G_IN_NOISE] & cnoise.IN_VALUES and not clamped:
            cnoise.row_noise(st, n, IN, _stream(gi, k), gi[k, G_NOISE], f32(gf[k, F_NOISE_RANGE]),
                             les)
        if clamped and (kind or gi[k, G_IN_NOISE]):
            for u in range(n):
                st[IN, u] = f32(0.0)
        # computeOutput
        if gi[k, G_ZERO_OUT]:
            for u in range(n):
                st[OUT, u] = f32(0.0)
        gain = f32(gf[k, F_GAIN])
        for q in range(gi[k, G_NPROCS]):
            code = gi[k, G_PROC0 + q]
            if output_proc(st, n, code, gain):
                continue
            if code == SOFT_MAX:
                les_.softmax(st, n, les)
            elif code == ELMAN_CLAMP:
                src = gi[k, G_ELMAN]
                if src >= 0:
                    ss = _state(saddr[src], gi[k, G_ELMAN_SIZE])
                    for u in range(n):
                        st[OUT, u] = f32(st[OUT, u] + ss[OC, u])
            elif code == OUT_NOISE:
                cnoise.out_noise(st, n, OUT, _f32_view(gi[k, G_CLEAN], 1, n)[0], _stream(gi, k),
                                 gi[k, G_NOISE], f32(gf[k, F_NOISE_RANGE]), les)
        for u in range(n):
            st[OC, u] = st[OUT, u]
        # computeCost (the error value) and, training, computeCostBack
        cost = gi[k, G_COST]
        if training:
            for u in range(n):
                st[OD, u] = f32(0.0)
        if cost == 0 or grace:
            if training:
                for u in range(n):
                    st[DC, u] = f32(0.0)
        else:
            vals[k] = group_error(st, n, cost, gi[k, G_ADJUST] != 0, f32(gf[k, F_RADIUS]),
                                  f32(gf[k, F_ZERO_RADIUS]), gf[k, F_SCALE], pseudo, freq)
            if training:
                error_derivs(st, n, cost, gf[k, F_BACK_SCALE], pseudo, freq)
                for u in range(n):
                    st[DC, u] = f32(0.0)
        if lesioned:
            les_.after_forward(st, _kept(gi, k, n), les)

    @_njit
    def _backward_group(k, gi, gf, saddr, psend, paddr, pshape, ext_then):
        """One group's backward step; ext_then: the external inputs HARD_CLAMP
        saw at the tick being backpropagated (an empty row: the current ones)."""
        n = gi[k, G_SIZE]
        st = _state(saddr[k], n)
        les = _lesions(gi, k, n)
        lesioned = les.shape[0] != 0
        if lesioned:
            les_.keep(st, _kept(gi, k, n), les)
        # computeOutputBack
        for u in range(n):
            st[OD, u] = f32(st[OD, u] + st[DC, u])
            st[DC, u] = f32(0.0)
        gain = f32(gf[k, F_GAIN])
        ext = ext_then if ext_then.shape[0] == n else st[EXT]
        for q in range(gi[k, G_NPROCS] - 1, -1, -1):
            code = gi[k, G_PROC0 + q]
            if output_proc_back(st, n, code, gain, ext):
                continue
            if code == SOFT_MAX:
                les_.softmax_back(st, n, les)
            elif code == ELMAN_CLAMP:
                src = gi[k, G_ELMAN]
                if src >= 0:
                    ss = _state(saddr[src], gi[k, G_ELMAN_SIZE])
                    for u in range(n):
                        if les_.live(les, u):
                            ss[DC, u] = f32(ss[DC, u] + st[OD, u])
                        st[OUT, u] = f32(st[OUT, u] - ss[OC, u])
            elif code == OUT_NOISE:
                cnoise.out_noise_back(st, n, OUT, _f32_view(gi[k, G_CLEAN], 1, n)[0])
            elif code == OUT_DERIV_NOISE:
                cnoise.row_noise(st, n, OD, _stream(gi, k), gi[k, G_NOISE],
                                 f32(gf[k, F_NOISE_RANGE]), les)
        if lesioned:
            les_.after_output_back(st, _kept(gi, k, n), les)
        # computeInputBack
        if gi[k, G_IN_NOISE] & cnoise.IN_DERIVS and not gi[k, G_BACK_NONE] \
                and not (gi[k, G_HARD] != 0 and les_.clamped(st, n, les)):
            cnoise.row_noise(st, n, ID, _stream(gi, k), gi[k, G_NOISE], f32(gf[k, F_NOISE_RANGE]),
                             les)
        if gi[k, G_DOT] and not gi[k, G_BACK_NONE]:
            skip = gi[k, G_HARD] != 0 and les_.clamped(st, n, les)
            kind = gi[k, G_DOT]
            if not (skip and kind != cgp.IN_DOT):
                for p in range(gi[k, G_P0], gi[k, G_P0] + gi[k, G_NP]):
                    R, S = pshape[p, 0], pshape[p, 1]
                    w, dv = _matrix(paddr[p, 0], R, S), _matrix(paddr[p, 1], R, S)
                    ss = _state(saddr[psend[p]], S)
                    mask = _links(paddr[p, 2], R, S)
                    if kind == cgp.IN_PRODUCT:
                        cgp.product_back(st, n, w, dv, mask, ss, S)
                    elif kind == cgp.IN_DISTANCE:
                        cgp.distance_back(st, n, w, dv, mask, ss, S)
                    else:
                        if S <= FEW_SENDERS:
                            cgp.dense_dot_back_few(st, w, dv, ss, R, S, skip)
                        else:
                            cgp.dense_dot_back(st, w, dv, ss, R, S, skip)
                        if mask.shape[0]:
                            cgp.clear_absent(dv, mask, R, S)
        if lesioned:
            les_.put_back(st, _kept(gi, k, n), les, ID)

    @_njit
    def _backward_at(k, gi, gf, saddr, psend, paddr, pshape, hard_ext, hard_valid, idx, H):
        """Group k's backward step for history slot idx (HARD_CLAMP with the
        external inputs kept for it, if any)."""
        n = gi[k, G_SIZE]
        if hard_valid[k, idx]:
            _backward_group(k, gi, gf, saddr, psend, paddr, pshape,
                            _matrix(hard_ext[k], H, n)[idx])
        else:
            _backward_group(k, gi, gf, saddr, psend, paddr, pshape,
                            _state(saddr[k], n)[EXT, :0])

    @_njit
    def _restore_outputs(gi, saddr, haddr, groups, idx, H):
        """Groups 0..groups-1 get their outputs (and caches) of slot idx back."""
        for k in range(groups):
            n = gi[k, G_SIZE]
            st = _state(saddr[k], n)
            les = _lesions(gi, k, n)
            hout = _matrix(haddr[k, 1], H, n)
            for u in range(n):
                if les_.live(les, u):
                    st[OUT, u] = hout[idx, u]
                    st[OC, u] = hout[idx, u]

    @_njit
    def bptt_kernel(gi, gf, saddr, psend, paddr, pshape, haddr, hard_ext, hard_valid, span,
                    bpt, tick, start, H, reset_flags, reset_group):
        """forward._backprop_through_time: bpt - 1 more backward steps through
        the ticks before `tick`, groups 0..span-1 restored from their
        histories (haddr[k]: input and output history, H x units); HARD_CLAMP
        groups use the external inputs kept for each tick (hard_ext[k],
        valid where hard_valid[k, slot]).  Ends with tick's outputs restored."""
        cur = tick
        for _ in range(1, bpt):
            was_reset = reset_flags[(cur + start) % H] != 0
            cur -= 1
            idx = (cur + start) % H
            for k in range(span - 1, -1, -1):
                n = gi[k, G_SIZE]
                st = _state(saddr[k], n)
                les = _lesions(gi, k, n)
                hin = _matrix(haddr[k, 0], H, n)
                hout = _matrix(haddr[k, 1], H, n)
                for u in range(n):
                    if les_.live(les, u):
                        st[OUT, u] = hout[idx, u]
                        st[OC, u] = hout[idx, u]
                        st[IN, u] = hin[idx, u]
                if was_reset and reset_group[k]:
                    for u in range(n):
                        st[DC, u] = f32(0.0)
            for k in range(span - 1, -1, -1):
                n = gi[k, G_SIZE]
                st = _state(saddr[k], n)
                les = _lesions(gi, k, n)
                for u in range(n):
                    if les_.live(les, u):
                        st[OD, u] = f32(0.0)
                _backward_at(k, gi, gf, saddr, psend, paddr, pshape, hard_ext, hard_valid, idx, H)
        _restore_outputs(gi, saddr, haddr, span, (tick + start) % H, H)

    @_njit
    def store_costs(gi, saddr, haddr, slot, H, grace, derivs):
        """The targets (NaN in a grace period) of the groups with an error
        function, kept for the tick; with `derivs` (SRBPTT) their output
        derivatives too."""
        for k in range(gi.shape[0]):
            if gi[k, G_COST] == 0:
                continue
            n = gi[k, G_SIZE]
            st = _state(saddr[k], n)
            les = _lesions(gi, k, n)
            htgt = _matrix(haddr[k, 2], H, n)
            for u in range(n):
                if les_.live(les, u):
                    htgt[slot, u] = np.float32(np.nan) if grace else st[TGT, u]
            if derivs:
                hod = _matrix(haddr[k, 3], H, n)
                for u in range(n):
                    if les_.live(les, u):
                        hod[slot, u] = st[OD, u]

    @_njit
    def srbptt_back(gi, gf, saddr, psend, paddr, pshape, haddr, hard_ext, hard_valid, last,
                    start, H):
        """forward.srbptt_example_back: backpropagate the last tick, then each
        earlier one with its outputs, inputs and error derivatives restored
        from the histories; ends with the last tick's outputs restored."""
        ng = gi.shape[0]
        for k in range(ng):
            st = _state(saddr[k], gi[k, G_SIZE])
            for u in range(gi[k, G_SIZE]):
                st[DC, u] = f32(0.0)
        for tick in range(last, -1, -1):
            idx = (tick + start) % H
            if tick < last:
                for k in range(ng):
                    n = gi[k, G_SIZE]
                    st = _state(saddr[k], n)
                    les = _lesions(gi, k, n)
                    hin = _matrix(haddr[k, 0], H, n)
                    hout = _matrix(haddr[k, 1], H, n)
                    hod = _matrix(haddr[k, 3], H, n)
                    for u in range(n):
                        if les_.live(les, u):
                            st[OD, u] = hod[idx, u] if gi[k, G_COST] else f32(0.0)
                            st[OUT, u] = hout[idx, u]
                            st[OC, u] = hout[idx, u]
                            st[IN, u] = hin[idx, u]
            for k in range(ng - 1, -1, -1):
                _backward_at(k, gi, gf, saddr, psend, paddr, pshape, hard_ext, hard_valid, idx, H)
        _restore_outputs(gi, saddr, haddr, ng, (last + start) % H, H)

    @_njit
    def store_history(gi, saddr, haddr, hard_ext, hard_valid, slot, H, training):
        """What a tick keeps for backpropTicks > 1: HARD_CLAMP groups' external
        inputs, and when training every group's input and output (as
        computed)."""
        for k in range(gi.shape[0]):
            n = gi[k, G_SIZE]
            st = _state(saddr[k], n)
            if training:
                les = _lesions(gi, k, n)
                hin = _matrix(haddr[k, 0], H, n)
                hout = _matrix(haddr[k, 1], H, n)
                for u in range(n):
                    if les_.live(les, u):
                        hin[slot, u] = st[IN, u]
                        hout[slot, u] = st[OC, u]
            if gi[k, G_HARD] and hard_ext[k] != 0:
                ext = _matrix(hard_ext[k], H, n)
                for u in range(n):
                    ext[slot, u] = st[EXT, u]
                hard_valid[k, slot] = 1

    @_njit
    def tick_kernel(phase, gi, gf, saddr, psend, paddr, pshape, vals, freq, pseudo, grace,
                    wt_ready):
        """One tick; `wt_ready`: the dense projections' transposed weights
        (paddr[:, 3]) hold their weights now (transpose_weights)."""
        ng = gi.shape[0]
        if phase != TRAIN_BACKWARD:
            training = phase != FORWARD
            for k in range(ng):
                _forward_group(k, gi, gf, saddr, psend, paddr, pshape, vals, freq, pseudo,
                               grace, training, wt_ready)
        if phase == TRAIN_BACKWARD or phase == TRAIN_ALL:
            for k in range(ng - 1, -1, -1):
                _backward_group(k, gi, gf, saddr, psend, paddr, pshape,
                                _state(saddr[k], gi[k, G_SIZE])[EXT, :0])


    # -- whole examples (exampleloop.py) ------------------------------------------------
    @_njit
    def _group_met(kind, crit, st):
        """forward.criteria_reached for one group of one example: STANDARD_CRIT
        (1) every target within crit; MAX_CRIT (2) the same unit is largest in
        output and target, within crit (costs.max_criterion)."""
        n = st.shape[1]
        out, tgt = st[OUT], st[TGT]
        if kind == 1:
            for u in range(n):
                t = tgt[u]
                if t == t and abs(out[u] - t) >= crit:
                    return False
            return True
        big = -_LARGE32
        any_valid = False
        o_unit = t_unit = 0
        o_max = t_max = -np.inf
        for u in range(n):
            t = tgt[u]
            if t != t:
                continue
            any_valid = True
            o = out[u]
            if o > big and o > o_max:
                o_max, o_unit = o, u
            if t > big and t > t_max:
                t_max, t_unit = t, u
        if not any_valid:
            return True
        has_o = not math.isinf(o_max)
        has_t = not math.isinf(t_max)
        mo = f32(o_max) if has_o else big
        mt = f32(t_max) if has_t else big
        same = has_o == has_t and (not has_o or o_unit == t_unit)
        return same and abs(f32(mo - mt)) < crit

    @_njit
    def _criteria_met(gi, saddr, crit_kind, crit_val):
        met = False
        for k in range(gi.shape[0]):
            if crit_kind[k]:
                n = gi[k, G_SIZE]
                st = _state(saddr[k], n)
                les = _lesions(gi, k, n)
                if les.shape[0]:        # (the criteria pass over lesioned units)
                    kept = _kept(gi, k, n)
                    les_.keep(st, kept, les)
                    les_.hide_targets(st, les)
                    ok = _group_met(crit_kind[k], crit_val[k], st)
                    les_.put_back(st, kept, les, TGT)
                else:
                    ok = _group_met(crit_kind[k], crit_val[k], st)
                if not ok:
                    return False
                met = True
        return met

    @_njit
    def examples_kernel(training, idx, ex_first, ex_freq, ev_times, wr_first, wr_group,
                        wr_field, wr_unit, wr_val, reset_val, crit_kind, crit_val, cost_k,
                        max_ticks, tpi, crit_required, pseudo, gi, gf, saddr, psend, paddr,
                        pshape, vals, gerr, event_hist, ticks_out, correct_out, io, hist,
                        reset_flags, bpt, haddr, hard_ext, hard_valid, span, reset_group,
                        srbptt, keep):
        """training.run_example for each example idx[e] with no script in
        between: events loaded from the flat write table, RESET_ON_EXAMPLE
        groups reset, the ticks, their errors (group by group, as
        _finish_errors), event times, group criteria.  io: [net error, grace
        (in and out), every example correct (out)]; ticks_out[e], correct_out[e]:
        the example's ticks and whether every event met the criteria.  hist: [exampleHistoryStart,
        ticksOnExample] (in and out), reset_flags: resetHistory, both kept as
        run_example does; with bpt > 1 (training) every tick is stored and
        backpropagated through (bptt_kernel).  srbptt (training an SRBPTT
        net): the ticks only go forward, everything kept in the histories,
        and the example is backpropagated at its end (srbptt_back).  keep (an
        output file is open): every tick's inputs, outputs and targets are kept
        in the histories, as forward.py does then."""
        H = reset_flags.shape[0]
        whole = srbptt and training
        # the weights stay as they are for the whole call: their transposes
        # pay from the second tick on
        wt_ready = idx.shape[0] * max_ticks > 1
        if wt_ready:
            transpose_weights(paddr, pshape)
        start, last_ticks = hist[0], hist[1]
        phase = TRAIN_ALL if training else FORWARD
        net_err = f32(io[0])
        grace = io[1] != 0.0
        all_correct = True
        for e in range(idx.shape[0]):
            correct = True
            x = idx[e]
            first, n_events = ex_first[x], ex_first[x + 1] - ex_first[x]
            freq = ex_freq[x]
            event = 0
            _load_event(first, saddr, gi, wr_first, wr_group, wr_field, wr_unit, wr_val)
            _external_noise(gi, gf, saddr)
            ticks_on_event = 0
            max_t, min_t, grace_t = ev_times[first, 0], ev_times[first, 1], ev_times[first, 2]
            grace = grace_t > f32(0.0)
            if H:
                start = (start + last_ticks) % H
                reset_flags[start % H] = 1
            for k in range(gi.shape[0]):
                if reset_val[k] == reset_val[k]:
                    n = gi[k, G_SIZE]
                    les_.reset_outputs(_state(saddr[k], n), n, _lesions(gi, k, n),
                                       f32(reset_val[k]))
            tick = 0
            current = 0
            while tick < max_ticks and event < n_events:
                current = tick
                event_hist[tick] = event
                if tick > 0 and H:
                    reset_flags[(tick + start) % H] = 0
                if whole:
                    tick_kernel(TRAIN_FORWARD, gi, gf, saddr, psend, paddr, pshape, vals, freq,
                                pseudo, grace, wt_ready)
                    store_history(gi, saddr, haddr, hard_ext, hard_valid, (tick + start) % H, H,
                                  True)
                    store_costs(gi, saddr, haddr, (tick + start) % H, H, grace, True)
                else:
                    tick_kernel(phase, gi, gf, saddr, psend, paddr, pshape, vals, freq, pseudo,
                                grace, wt_ready)
                if keep and not whole:
                    store_history(gi, saddr, haddr, hard_ext, hard_valid, (tick + start) % H, H,
                                  True)
                    store_costs(gi, saddr, haddr, (tick + start) % H, H, grace, False)
                if bpt > 1 and not whole:
                    store_history(gi, saddr, haddr, hard_ext, hard_valid, (tick + start) % H, H,
                                  training)
                if training and bpt > 1:
                    bptt_kernel(gi, gf, saddr, psend, paddr, pshape, haddr, hard_ext,
                                hard_valid, span, bpt, tick, start, H, reset_flags,
                                reset_group)
                if not grace:
                    for c in range(cost_k.shape[0]):
                        v = vals[cost_k[c]]
                        gerr[c] = f32(gerr[c] + v)
                        net_err = f32(net_err + v)
                ticks_on_event += 1
                t = f32(f32(f32(ticks_on_event) / f32(tpi)) + _SMALL32)
                done = False
                crit = False
                checked = False
                if t >= max_t or tick >= max_ticks - 1:
                    done = True
                elif t >= min_t:
                    crit = _criteria_met(gi, saddr, crit_kind, crit_val)
                    checked = True
                    done = crit
                    if not done and grace and t >= grace_t:
                        grace = False
                elif grace and t >= grace_t:
                    grace = False
                if done:
                    if not checked:
                        crit = _criteria_met(gi, saddr, crit_kind, crit_val)
                    if not crit:
                        correct = False
                        if crit_required:
                            break
                    event += 1
                    if event < n_events:
                        ev = first + event
                        _load_event(ev, saddr, gi, wr_first, wr_group, wr_field, wr_unit,
                                    wr_val)
                        _external_noise(gi, gf, saddr)
                        ticks_on_event = 0
                        max_t, min_t, grace_t = ev_times[ev, 0], ev_times[ev, 1], \
                            ev_times[ev, 2]
                        grace = grace_t > f32(0.0)
                tick += 1
            ticks_out[e] = current + 1
            correct_out[e] = correct
            all_correct = all_correct and correct
            if whole:
                srbptt_back(gi, gf, saddr, psend, paddr, pshape, haddr, hard_ext, hard_valid,
                            current, start, H)
            last_ticks = current + 1
        io[0] = net_err
        io[1] = 1.0 if grace else 0.0
        io[2] = 1.0 if all_correct else 0.0
        hist[0], hist[1] = start, last_ticks

    @_njit
    def transpose_weights(paddr, pshape):
        """Each dense DOT_PRODUCT projection's weights into its transposed
        buffer (paddr[p, 3]: senders x receivers, and a row of scratch)."""
        for p in range(paddr.shape[0]):
            if paddr[p, 3] == 0:
                continue
            R, S = pshape[p, 0], pshape[p, 1]
            w = _matrix(paddr[p, 0], R, S)
            wt = _matrix(paddr[p, 3], S + 1, R)
            for u in range(R):
                for j in range(S):
                    wt[j, u] = w[u, j]

    @_njit
    def _load_event(ev, saddr, gi, wr_first, wr_group, wr_field, wr_unit, wr_val):
        for w in range(wr_first[ev], wr_first[ev + 1]):
            k = wr_group[w]
            st = _state(saddr[k], gi[k, G_SIZE])
            st[wr_field[w], wr_unit[w]] = wr_val[w]

    @_njit
    def _external_noise(gi, gf, saddr):
        """EXT_INPUT_NOISE groups' noise on the event's external inputs."""
        for k in range(gi.shape[0]):
            if gi[k, G_IN_NOISE] & cnoise.EXT_VALUES:
                n = gi[k, G_SIZE]
                cnoise.external_noise(_state(saddr[k], n), n, EXT, _stream(gi, k),
                                      gi[k, G_NOISE], f32(gf[k, F_NOISE_RANGE]),
                                      _lesions(gi, k, n))


def ready(net=None, wait: bool = False) -> bool:
    """Are the kernels loaded (float32 only)?  `wait`: compile them here if
    numba's cache does not have them (compiled/cache.py)."""
    return HAVE_NUMBA and ENABLED and KERNELS.ready(wait=wait)


def wait_ready(timeout: float | None = None) -> bool:
    """Load or compile the kernels now; False if they cannot be."""
    return ready(wait=True)


def _warm(variant: str) -> None:
    state = np.zeros((11, 1, 1), dtype=np.float32)
    gi = np.zeros((1, G_COLS), dtype=np.int64)
    gi[0, G_SIZE] = 1
    gi[0, G_ELMAN] = -1
    gf = np.zeros((1, F_COLS))
    saddr = np.array([state.ctypes.data], dtype=np.int64)
    psend = np.zeros(0, dtype=np.int64)
    paddr = np.zeros((0, 4), dtype=np.int64)
    pshape = np.zeros((0, 2), dtype=np.int64)
    vals = np.zeros(1, dtype=np.float32)
    for phase in (FORWARD, TRAIN_ALL):
        tick_kernel(phase, gi, gf, saddr, psend, paddr, pshape, vals, 1.0, False, False,
                    False)
    examples_kernel.compile(_examples_kernel_types())


def _examples_kernel_types() -> tuple:
    """The argument types of exampleloop.run_examples' call (one set for every
    network; tests check that a real call compiles nothing more)."""
    t = numba.types
    B, I = t.boolean, t.int64
    i1, i2, f1, f2 = t.int64[::1], t.int64[:, ::1], t.float32[::1], t.float32[:, ::1]
    d1, d2, u1, u2, b1 = t.float64[::1], t.float64[:, ::1], t.uint8[::1], t.uint8[:, ::1], \
        t.boolean[::1]
    return (B, i1, i1, d1, f2, i1, i1, i1, i1, f1,             # training .. wr_val
            f1, i1, f1, i1, I, I, B, B, i2, d2,               # reset_val .. gf
            i1, i1, i2, i2, f1, f1, i1, i1, b1, d1,           # saddr .. io
            i1, u1, I, i2, i1, u2, I, b1, B, B)               # hist .. keep


if HAVE_NUMBA:
    KERNELS = kernelcache.Kernels("fastexample", __file__, _warm, tick_kernel,
                                  depends=(cgp.__file__, cnoise.__file__, crng.__file__,
                                           les_.__file__, R.__file__), what="the per-example kernels",
                                  compile_seconds=20.0)


# -- plans ---------------------------------------------------------------------------------

def _blocker(net, writer_ok: bool = False):
    """Why the kernels cannot run this network's ticks (None: they can).
    Kept on the net while nothing it depends on changes (a doExample or a
    test in a Tcl loop asks before every call): the structure TickPlan keys
    on, and the integrators' state."""
    key = (TickPlan._key(net), writer_ok, EXACT_LIMIT,
           tuple("IN_INTEGR" in g.proc_state or "OUT_INTEGR" in g.proc_state
                 for g in net.groups))
    kept = net.__dict__.get("_tick_blocker")
    if kept is not None and kept[0] == key:
        return kept[1]
    reason = _find_blocker(net, writer_ok)
    # (the key names arrays by id: keeping them keeps the ids from reuse)
    net._tick_blocker = (key, reason, TickPlan.key_arrays_of(net))
    return reason


def _find_blocker(net, writer_ok: bool):
    if net.dtype != np.float32 or net.type & (T.CONTINUOUS | T.BOLTZMANN):
        return "network"
    if net.example_writer is not None and not writer_ok:
        return "output file"
    reason = _lesion_blocker(net)
    if reason:
        return reason
    if net.exact_arithmetic is False:
        return "arithmetic"
    reason = cnoise.blocker(net)
    if reason:
        return reason
    for g in net.groups:
        if g.type & _UNSUPPORTED_GROUP:
            return "group type"
        procs = cnoise.input_procs(g)
        if len(procs) > 1 or any(p not in _IN_CODES for p in procs):
            return "input type"
        if len(g.output_procs) > _MAX_PROCS or any(p not in _OUT_CODES for p in g.output_procs):
            return "output type"
        if len(g.cost_procs) > 1 or any(p not in _COST_CODES for p in g.cost_procs):
            return "cost type"
        if g.state.shape[1] != 1 or not g.state.flags.c_contiguous \
                or g.state.dtype != np.float32:
            return "state"
        if "IN_INTEGR" in g.proc_state or "OUT_INTEGR" in g.proc_state:
            return "integrators"
        if len({id(p.sender) for p in g.incoming}) != len(g.incoming):
            return "several projections from one sender"
        if T.ELMAN_CLAMP in g.output_procs and g.elman_source is not None \
                and g.elman_source.size < g.size:
            return "elman source"
        for p in g.incoming:
            if not _mask_ok(p) or p.weight.dtype != np.float32 \
                    or p.weight.shape != (g.size, p.sender.size) \
                    or p.deriv.shape != p.weight.shape or p.deriv.dtype != np.float32 \
                    or not (p.weight.flags.c_contiguous and p.deriv.flags.c_contiguous):
                return "projection"
            if net.exact_arithmetic is None and p.weight.size > EXACT_LIMIT:
                return "arithmetic"
    return None


def _lesion_blocker(net):
    """Why the kernels cannot pass over this network's lesioned units: an
    output file stays with forward.py."""
    if net.has_lesions and net.example_writer is not None:
        return "lesioned units with an output file"
    return None


def _mask_ok(p) -> bool:
    m = p.mask
    return m is None or (m.dtype == np.bool_ and m.shape == p.weight.shape
                         and m.flags.c_contiguous)


class TickPlan:
    """The kernel's tables for one network structure."""

    def __init__(self, net):
        groups = list(net.groups)
        index = {id(g): k for k, g in enumerate(groups)}
        self.net = net
        self.groups = groups
        self.key = self._key(net)
        self.key_arrays = self.key_arrays_of(net)
        gi = np.zeros((len(groups), G_COLS), dtype=np.int64)
        projs, psend = [], []
        for k, g in enumerate(groups):
            ot = g.output_type
            gi[k, G_SIZE] = g.size
            procs = cnoise.input_procs(g)
            gi[k, G_DOT] = _IN_CODES[procs[0]] if procs else cgp.IN_NONE
            gi[k, G_HARD] = 1 if ot & T.HARD_CLAMP else 0
            gi[k, G_BACK_NONE] = 1 if ot == T.HARD_CLAMP else 0
            gi[k, G_ZERO_OUT] = 0 if ot & (T.BASIC_OUTPUT_TYPES | T.BIAS_CLAMP) else 1
            gi[k, G_NPROCS] = len(g.output_procs)
            for q, proc in enumerate(g.output_procs):
                gi[k, G_PROC0 + q] = _OUT_CODES[proc]
            gi[k, G_COST] = _COST_CODES[g.cost_procs[0]] if g.cost_procs else 0
            gi[k, G_P0] = len(projs)
            gi[k, G_NP] = len(g.incoming)
            src = g.elman_source if T.ELMAN_CLAMP in g.output_procs else None
            gi[k, G_ELMAN] = index[id(src)] if src is not None else -1
            gi[k, G_ELMAN_SIZE] = src.size if src is not None else 0
            for p in g.incoming:
                projs.append(p)
                psend.append(index[id(p.sender)])
        self.gi = gi
        self.gf = np.zeros((len(groups), F_COLS))
        self.psend = np.asarray(psend, dtype=np.int64)
        self.projs = projs
        # the whole-example loop's transposed weights of the dense DOT_PRODUCT
        # projections (the forward sums of all receivers at once run along
        # a sender's row)
        self.transposed = [np.zeros((p.sender.size + 1, g.size), dtype=np.float32)
                           if p.mask is None and gi[k, G_DOT] == cgp.IN_DOT else None
                           for k, g in enumerate(groups) for p in g.incoming]
        self.paddr = np.array([[p.weight.ctypes.data, p.deriv.ctypes.data,
                                0 if p.mask is None else p.mask.ctypes.data,
                                0 if t is None else t.ctypes.data]
                               for p, t in zip(projs, self.transposed)],
                              dtype=np.int64).reshape(-1, 4)
        self.pshape = np.array([p.weight.shape for p in projs], dtype=np.int64).reshape(-1, 2)
        self.saddr = np.array([g.state.ctypes.data for g in groups], dtype=np.int64)
        self.vals = np.zeros(len(groups), dtype=np.float32)
        self.gain_groups = [(k, g) for k, g in enumerate(groups)
                            if g.output_type & (T.LOGISTIC | T.TANH)]
        self.cost_groups = [(k, g) for k, g in enumerate(groups) if g.cost_procs]
        self.hard_groups = [g for g in groups if g.output_type & T.HARD_CLAMP]
        self.noise = cnoise.NoiseTables(groups)
        self.lesions = []           # (group, mask, scratch) of each lesioned group, kept alive
        self.lesion_pattern = self._lesion_pattern(net)
        for k, g in enumerate(groups):
            mask = les_.mask_of(g)
            if mask is not None:
                kept = np.zeros((les_.KEEP_ROWS, g.size), dtype=np.float32)
                self.lesions.append((g, mask, kept))
                gi[k, G_LESION], gi[k, G_KEEP] = mask.ctypes.data, kept.ctypes.data

    @staticmethod
    def key_arrays_of(net) -> list:
        return [g.state for g in net.groups] + [
            a for g in net.groups for p in g.incoming
            for a in (p.arrays.weight, p.arrays.deriv, p.mask) if a is not None]

    @staticmethod
    def _key(net):
        # arrays by identity (their == compares elements); the plan holds the
        # arrays it was built on (self.key_arrays), so no id can be reused
        return (net.dtype, net.type, net.backprop_ticks, net.exact_arithmetic,
                net.example_writer is None,
                tuple((g, g.type, tuple(g.input_procs), tuple(g.output_procs),
                       tuple(g.cost_procs), id(g.state), g.elman_source,
                       g.skipped is not None,
                       tuple((p, p.arrays, id(p.arrays.weight), id(p.arrays.deriv),
                              id(p.mask))
                             for p in g.incoming))
                      for g in net.groups))

    @staticmethod
    def _lesion_pattern(net):
        return tuple(None if g.skipped is None else g.skipped.tobytes() for g in net.groups)

    def valid(self, net) -> bool:
        """Does the plan still fit the net?  Which units are lesioned is not
        part of its structure: a lesion study lesions and heals between
        tests, so the lesion masks are refreshed in place (while the same
        groups have lesioned units) instead of the plan being built again."""
        if self._key(net) != self.key:
            return False
        pattern = self._lesion_pattern(net)
        if pattern != self.lesion_pattern:
            for g, mask, _ in self.lesions:
                np.copyto(mask, g.skipped)
            self.lesion_pattern = pattern
        return True

    def fill_params(self, net) -> None:
        """The parameters a hook may have changed since the last tick (the
        tables are rewritten only when one did: examples run one at a time
        between hooks ask before each)."""
        given = ([g.choose("gain") for _, g in self.gain_groups],
                 [(g.choose("target_radius"), g.choose("zero_error_radius"), g.error_scale)
                  for _, g in self.cost_groups], net.ticks_per_interval,
                 self.noise.params())
        if given == getattr(self, "_params_given", None):
            return
        self._params_given = given
        gf = self.gf
        d = np.float32
        for k, g in self.gain_groups:
            gf[k, F_GAIN] = d(g.choose("gain"))
        for k, g in self.cost_groups:
            tr, zr = g.choose("target_radius"), g.choose("zero_error_radius")
            gf[k, F_RADIUS], gf[k, F_ZERO_RADIUS] = tr, zr
            self.gi[k, G_ADJUST] = 1 if (tr != 0.0 or zr != 0.0) else 0
            gf[k, F_SCALE] = np.float64(d(d(g.error_scale) / d(net.ticks_per_interval)))
            gf[k, F_BACK_SCALE] = np.float64(d(g.error_scale))
        self.noise.fill(self.gi, gf, G_NOISE, G_IN_NOISE, G_RNG, G_CLEAN, F_NOISE_RANGE)


def plan_for(net, writer_ok: bool = False):
    """The network's TickPlan with its parameters read now, or None when
    forward.py must run the ticks.  Valid until a script or hook runs.
    `writer_ok`: the caller keeps the histories an output file needs (the
    single tick does not)."""
    if not ENABLED or not getattr(net, "fast_path", True) or not ready():
        return None
    if net.example_writer is not None and not writer_ok:
        return None
    plan = getattr(net, "_tick_plan", None)
    if plan is None or not plan.valid(net):
        if _blocker(net, writer_ok) is not None:
            net._tick_plan = None
            return None
        plan = net._tick_plan = TickPlan(net)
    plan.fill_params(net)
    return plan


def run_tick(net, plan, freq: float, training: bool) -> None:
    """forward.train_tick (training; no preTickBackProc) or forward.forward_tick
    for one example; `freq` is the example's frequency as a float.  The plan
    must come from plan_for since the last script or hook ran."""
    if plan.hard_groups and net.backprop_ticks > 1:
        # what forward.py's HARD_CLAMP keeps for a backward step of a later tick
        idx = history_index(net, net.current_tick)
        for g in plan.hard_groups:
            g.proc_state[("HARD_CLAMP", idx)] = g.external_input.copy()
    grace = bool(net.in_grace_period)
    plan.noise.take(net.rng)
    tick_kernel(TRAIN_ALL if training else FORWARD, plan.gi, plan.gf, plan.saddr, plan.psend,
                plan.paddr, plan.pshape, plan.vals, freq, bool(net.pseudo_example_freq), grace,
                False)
    plan.noise.give(net.rng)
    if not grace and plan.cost_groups:
        _finish_errors(net, plan)
    if training and net.backprop_ticks > 1:
        # train_tick keeps every group's input and output in the history (the
        # output as computed: the backward pass of an Elman copy changes it)
        if net.history_length > 0:
            idx = history_index(net, net.current_tick)
            for g in plan.groups:
                live = slice(None) if g.skipped is None else ~g.skipped
                g.input_history[idx, live] = g.input[0, live]
                g.output_history[idx, live] = g.output_cache[0, live]
        _backprop_through_time(net)


def _finish_errors(net, plan) -> None:
    """forward.finish_costs for one example: group errors, then the net's."""
    d = np.float32
    vals = plan.vals
    total = d(net.error)
    for k, g in plan.cost_groups:
        v = vals[k]
        g.error = float(d(d(g.error) + v))
        total = d(total + v)
    net.error = float(total)
