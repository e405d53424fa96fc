"""The compiled batch step (optional: `pip install 'lens_py[fast]'` brings numba).

For the common standard case -- one tick per example, feed-forward group
order, dense DOT_PRODUCT projections, BIAS / INPUT (HARD_CLAMP) / LINEAR /
LOGISTIC / TANH groups, SUM_SQUARED or CROSS_ENTROPY error -- one compiled
call runs a whole training batch: forward pass, errors, backward pass and
link derivatives, in exactly the arithmetic order of forward.py's *exact*
mode (Lens's order), so the numbers are the NumPy path's bit for bit in
float32 (and agree to rounding in float64, where NumPy uses matrix products).
A second compiled call does the weight update when nothing per-block or
scheduled is involved (`update_weights`).

Anything else returns None and the NumPy path runs.  `ENABLED` (module) and
`net.fast_path` (per network, default True) switch the fast path off.
"""
from __future__ import annotations

import math

import numpy as np

from . import activations as A
from . import types as T

try:
    import numba
    HAVE_NUMBA = True
except ImportError:      # the NumPy path gives the same numbers
    numba = None
    HAVE_NUMBA = False

ENABLED = HAVE_NUMBA

# group procedure codes of the kernel
LINEAR, LOGISTIC, TANH, HARD_CLAMP, BIAS_CLAMP = 1, 2, 3, 4, 5
_OUT_CODES = {T.LINEAR: LINEAR, T.LOGISTIC: LOGISTIC, T.TANH: TANH,
              T.HARD_CLAMP: HARD_CLAMP, T.BIAS_CLAMP: BIAS_CLAMP}
SSE, CE = 1, 2
_COST_CODES = {T.SUM_SQUARED: SSE, T.CROSS_ENTROPY: CE}
_MAX_OUT_PROCS = 4

# columns of the integer group table
(G_OFF, G_SIZE, G_DOT, G_ZERO_OUT, G_NPROCS, G_PROC0) = range(6)
(G_COST, G_HARD, G_BACK_NONE, G_EXT_COL, G_TGT_COL, G_P0, G_NP, G_ADJUST,
 G_RESET) = range(G_PROC0 + _MAX_OUT_PROCS, G_PROC0 + _MAX_OUT_PROCS + 9)
G_COLS = G_RESET + 1
# columns of the float group table
F_GAIN, F_RADIUS, F_ZERO_RADIUS, F_SCALE, F_BACK_SCALE, F_INIT_OUT = range(6)
F_COLS = 6

_UNSUPPORTED_GROUP = (T.USE_HIST_MASKS | T.EXT_INPUT_NOISE | T.ADAPTIVE_GAIN
                      | T.DERIV_NOISE | T.CRITERION_MASKS)


if HAVE_NUMBA:
    _njit = numba.njit(error_model="numpy", cache=True, nogil=True)
    _SMALL = np.float64(A.SMALL_VAL)
    _LARGE = np.float64(A.LARGE_VAL)
    _LARGE64 = np.float64(A.LARGE_VAL)
    _TABLE = A.SIGMOID_TABLE.copy()
    _TABLE64 = A.SIGMOID_TABLE.astype(np.float64)

    def _cast(x, proto):
        """x rounded to proto's real type (C's cast to `real`)."""

    @numba.extending.overload(_cast, jit_options={"cache": True})
    def _cast_impl(x, proto):
        if proto == numba.types.float32:
            return lambda x, proto: np.float32(x)
        return lambda x, proto: np.float64(x)

    def _sigmoid(x):
        """Lens's sigmoid: the interpolated table in float32, exp in float64."""

    @numba.extending.overload(_sigmoid, jit_options={"cache": True})
    def _sigmoid_impl(x):
        if x == numba.types.float32:
            def table_sigmoid(x):
                if math.isnan(x):
                    return x
                if x < np.float32(-16.0):
                    x = np.float32(-16.0)
                elif x > np.float32(16.0):
                    x = np.float32(16.0)
                v = np.float32(np.float32(x + np.float32(16.0)) * np.float32(1024.0))
                i = int(v)
                v = np.float32(v - np.float32(i))
                hi = np.float64(np.float32(v * _TABLE[i + 1]))
                return np.float32((1.0 - np.float64(v)) * _TABLE64[i] + hi)
            return table_sigmoid

        def exp_sigmoid(x):
            if x < -16.0:
                x = -16.0
            elif x > 16.0:
                x = 16.0
            return 1.0 / (1.0 + math.exp(-x))
        return exp_sigmoid

    @_njit
    def _tanh(x):
        if x >= _cast(x, 17.0):
            return _cast(x, 1.0)
        if x <= _cast(x, -17.0):
            return _cast(x, -1.0)
        return _cast(x, math.tanh(np.float64(x)))

    @_njit
    def _tanh_deriv(x):
        if x >= _cast(x, 17.0) or x <= _cast(x, -17.0):
            return _cast(x, _SMALL)
        c = _cast(x, math.cosh(np.float64(x)))
        return _cast(x, _cast(x, 1.0) / _cast(x, c * c))

    @_njit
    def _ce_term(o, t):
        if t == _cast(o, 0.0):
            if o == _cast(o, 1.0):
                return _LARGE64
            return -np.float64(_cast(o, math.log(1.0 - np.float64(o))))
        if t == _cast(o, 1.0):
            if o == _cast(o, 0.0):
                return _LARGE64
            return -np.float64(_cast(o, math.log(np.float64(o))))
        if o <= _cast(o, 0.0) or o >= _cast(o, 1.0):
            return _LARGE64
        a = np.float64(_cast(o, _cast(o, math.log(np.float64(_cast(o, t / o)))) * t))
        b = np.float64(_cast(o, math.log((1.0 - np.float64(t)) / (1.0 - np.float64(o))))) * (1.0 - np.float64(t))
        return a + b

    @_njit
    def _ce_deriv(o, t):
        o64 = np.float64(o)
        if t == _cast(o, 0.0):
            one_m = 1.0 - o64
            if _cast(o, one_m) <= _cast(o, _SMALL):
                return _LARGE64
            return np.float64(_cast(o, 1.0)) / one_m
        if t == _cast(o, 1.0):
            if o <= _cast(o, _SMALL):
                return -_LARGE64
            return np.float64(_cast(o, _cast(o, -1.0) / o))
        diff = _cast(o, o - t)
        den = o64 * (1.0 - o64)
        if den <= np.float64(_cast(o, _SMALL)):
            return np.float64(_cast(o, diff * _cast(o, _LARGE)))
        return np.float64(diff) / den

    @_njit
    def _row_clamped(ext, r, off, n):
        for u in range(n):
            if math.isnan(ext[r, off + u]):
                return False
        return True

    @_njit
    def batch(gi, gf, psend, ws, ds, states, ext_all, tgt_all, freq_all, idx, pseudo,
              gerr, proto):
        """One training batch; returns the network's error.  gerr[k] := group k's
        error; proto: a zero of the real type."""
        def R(x):
            return _cast(x, proto)

        rows = idx.shape[0]
        ng = gi.shape[0]
        total = 0
        for k in range(ng):
            total += gi[k, G_SIZE]
        inp = np.empty((rows, total), ext_all.dtype)
        out = np.empty((rows, total), ext_all.dtype)
        ext = np.empty((rows, total), ext_all.dtype)
        tgt = np.empty((rows, total), ext_all.dtype)
        adj = np.empty((rows, total), ext_all.dtype)
        od = np.empty((rows, total), ext_all.dtype)
        dc = np.empty((rows, total), ext_all.dtype)
        idr = np.empty((rows, total), ext_all.dtype)
        vals = np.zeros((rows, ng), ext_all.dtype)
        for p in range(len(ds)):
            ds[p][:, :] = R(0.0)
        # -- forward, with each group's cost derivatives (netForwardBackward) --
        for k in range(ng):
            off = gi[k, G_OFF]
            n = gi[k, G_SIZE]
            st = states[k]
            last = st.shape[1] - 1
            ecol = gi[k, G_EXT_COL]
            tcol = gi[k, G_TGT_COL]
            init_out = R(gf[k, F_INIT_OUT])
            for r in range(rows):
                ex = idx[r]
                for u in range(n):
                    c = off + u
                    ext[r, c] = ext_all[ex, ecol + u] if ecol >= 0 else st[8, last, u]
                    tgt[r, c] = tgt_all[ex, tcol + u] if tcol >= 0 else st[6, last, u]
                    adj[r, c] = st[7, last, u]
                    idr[r, c] = st[5, last, u]
                    out[r, c] = init_out if gi[k, G_RESET] else st[1, last, u]
            # input
            if gi[k, G_DOT]:
                p0 = gi[k, G_P0]
                for r in range(rows):
                    for u in range(n):
                        acc = R(0.0)
                        for p in range(p0, p0 + gi[k, G_NP]):
                            w = ws[p]
                            s_off = gi[psend[p], G_OFF]
                            S = w.shape[1]
                            chunks = (S - 1) // 10 if S > 10 else 0
                            j = 0
                            for _ in range(chunks):
                                s10 = R(out[r, s_off + j] * w[u, j])
                                for t in range(1, 10):
                                    s10 = R(s10 + R(out[r, s_off + j + t] * w[u, j + t]))
                                acc = R(acc + s10)
                                j += 10
                            while j < S:
                                acc = R(acc + R(out[r, s_off + j] * w[u, j]))
                                j += 1
                        inp[r, off + u] = acc
                if gi[k, G_HARD]:
                    for r in range(rows):
                        if _row_clamped(ext, r, off, n):
                            for u in range(n):
                                inp[r, off + u] = R(0.0)
            else:
                for r in range(rows):
                    for u in range(n):
                        inp[r, off + u] = R(0.0)
            # output
            if gi[k, G_ZERO_OUT]:
                for r in range(rows):
                    for u in range(n):
                        out[r, off + u] = R(0.0)
            gain = R(gf[k, F_GAIN])
            for q in range(gi[k, G_NPROCS]):
                code = gi[k, G_PROC0 + q]
                for r in range(rows):
                    for u in range(n):
                        c = off + u
                        if code == LINEAR:
                            out[r, c] = inp[r, c]
                        elif code == LOGISTIC:
                            out[r, c] = _sigmoid(R(inp[r, c] * gain))
                        elif code == TANH:
                            out[r, c] = _tanh(R(gain * inp[r, c]))
                        elif code == HARD_CLAMP:
                            if not math.isnan(ext[r, c]):
                                out[r, c] = ext[r, c]
                        elif code == BIAS_CLAMP:
                            out[r, c] = R(1.0)
            # error, then the error derivatives
            cost = gi[k, G_COST]
            for r in range(rows):
                for u in range(n):
                    od[r, off + u] = R(0.0)
                    dc[r, off + u] = R(0.0)
            if cost:
                radius = R(gf[k, F_RADIUS])
                zero_r = R(gf[k, F_ZERO_RADIUS])
                scale = R(gf[k, F_SCALE])
                back = np.float64(gf[k, F_BACK_SCALE])
                factor = 2.0 if cost == SSE else 1.0
                for r in range(rows):
                    err = R(0.0)
                    for u in range(n):
                        c = off + u
                        t = tgt[r, c]
                        o = out[r, c]
                        if math.isnan(t):
                            err = R(np.float64(err) + 0.0)
                            continue
                        if gi[k, G_ADJUST]:
                            d = R(o - t)
                            a = o
                            if d > radius:
                                a = R(t + radius)
                            elif d < -radius:
                                a = R(t - radius)
                            if d < zero_r and d > -zero_r:
                                a = o
                            t = a
                        adj[r, c] = t
                        if cost == SSE:
                            d = R(o - t)
                            err = R(err + R(d * d))
                        else:
                            err = R(np.float64(err) + _ce_term(o, t))
                    freq = freq_all[idx[r]]
                    s = R(scale * freq) if pseudo else scale
                    vals[r, k] = R(err * s)
                    bs = R((np.float64(freq) if pseudo else 1.0) * back * factor)
                    for u in range(n):
                        c = off + u
                        if math.isnan(tgt[r, c]):
                            continue
                        o = out[r, c]
                        t = adj[r, c]
                        if cost == SSE:
                            od[r, c] = R(od[r, c] + R(bs * R(o - t)))
                        else:
                            od[r, c] = R(np.float64(od[r, c]) + np.float64(bs) * _ce_deriv(o, t))
        # -- backward, groups in reverse order --
        for k in range(ng - 1, -1, -1):
            off = gi[k, G_OFF]
            n = gi[k, G_SIZE]
            gain = R(gf[k, F_GAIN])
            gain64 = np.float64(gain)
            for r in range(rows):
                for u in range(n):
                    c = off + u
                    od[r, c] = R(od[r, c] + dc[r, c])
                    dc[r, c] = R(0.0)
            for q in range(gi[k, G_NPROCS] - 1, -1, -1):
                code = gi[k, G_PROC0 + q]
                for r in range(rows):
                    for u in range(n):
                        c = off + u
                        if code == LINEAR:
                            idr[r, c] = od[r, c]
                        elif code == LOGISTIC:
                            o = out[r, c]
                            idr[r, c] = R(np.float64(R(od[r, c] * o)) * (1.0 - np.float64(o)) * gain64)
                        elif code == TANH:
                            idr[r, c] = R(R(od[r, c] * gain) * _tanh_deriv(inp[r, c]))
                        elif code == HARD_CLAMP:
                            if not math.isnan(ext[r, c]):
                                idr[r, c] = R(0.0)
                        elif code == BIAS_CLAMP:
                            idr[r, c] = R(0.0)
            if not gi[k, G_DOT] or gi[k, G_BACK_NONE]:
                continue
            D = np.empty((rows, n), ext_all.dtype)
            for r in range(rows):
                skip = gi[k, G_HARD] and _row_clamped(ext, r, off, n)
                for u in range(n):
                    D[r, u] = R(0.0) if skip else idr[r, off + u]
            p0 = gi[k, G_P0]
            for p in range(p0, p0 + gi[k, G_NP]):
                w = ws[p]
                dv = ds[p]
                s_off = gi[psend[p], G_OFF]
                S = w.shape[1]
                # sender derivative: receiving unit after receiving unit
                for r in range(rows):
                    for u in range(n):
                        du = D[r, u]
                        for j in range(S):
                            dc[r, s_off + j] = R(dc[r, s_off + j] + R(du * w[u, j]))
                # link derivative: example after example
                for r in range(rows):
                    for u in range(n):
                        du = D[r, u]
                        for j in range(S):
                            dv[u, j] = R(dv[u, j] + R(du * out[r, s_off + j]))
        # -- the last example's values stay in the groups --
        net_err = R(0.0)
        for k in range(ng):
            gerr[k] = 0.0
        for r in range(rows):
            for k in range(ng):
                if gi[k, G_COST]:
                    net_err = R(net_err + vals[r, k])
        for k in range(ng):
            if gi[k, G_COST]:
                e = R(0.0)
                for r in range(rows):
                    e = R(e + vals[r, k])
                gerr[k] = e
            st = states[k]
            last = st.shape[1] - 1
            off = gi[k, G_OFF]
            r = rows - 1
            for u in range(gi[k, G_SIZE]):
                c = off + u
                st[0, last, u] = inp[r, c]
                st[1, last, u] = out[r, c]
                st[2, last, u] = out[r, c]
                st[3, last, u] = od[r, c]
                st[4, last, u] = dc[r, c]
                st[5, last, u] = idr[r, c]
                st[6, last, u] = tgt[r, c]
                st[7, last, u] = adj[r, c]
                st[8, last, u] = ext[r, c]
                st[10, last, u] = R(0.0)
        return net_err




# -- which networks the kernel can run -------------------------------------------------

class _Plan:
    """What the kernel needs about one network structure, and what to check
    cheaply before each batch that nothing has changed since."""

    def __init__(self, net, exset, groups, gi, psend, projs, matrices):
        from numba.typed import List
        self.net = net
        self.groups = list(net.groups)
        self.exset = exset
        self.exset_key = (getattr(exset, "version", 0), getattr(exset, "mode", T.ORDERED))
        self.group_keys = [(g, g.type, list(g.input_procs), list(g.output_procs),
                            list(g.cost_procs), g.state, list(g.incoming)) for g in groups]
        self.proj_keys = [(p, p.arrays.weight, p.arrays.deriv) for p in projs]
        self.gi = gi
        self.psend = psend
        self.gf = np.zeros((len(groups), F_COLS))
        self.ws = List([p.arrays.weight for p in projs])
        self.ds = List([p.arrays.deriv for p in projs])
        self.states = List([g.state for g in groups])
        self.ext, self.tgt, self.freq = matrices
        self.gerr = np.zeros(len(groups))
        self.dtype = net.dtype
        self.exact = net.exact_arithmetic
        self.param_groups = [(k, g) for k, g in enumerate(groups)]
        self.hard_clamp = [g for g in groups if g.output_type & T.HARD_CLAMP]
        self.weight_size = max((p.arrays.weight.size for p in projs), default=0)

    def valid(self, net, exset) -> bool:
        if net.groups != self.groups or exset is not self.exset \
                or (getattr(exset, "version", 0), getattr(exset, "mode", T.ORDERED)) \
                != self.exset_key \
                or net.dtype is not self.dtype or net.exact_arithmetic != self.exact:
            return False
        for g, typ, ip, op, cp, state, inc in self.group_keys:
            if g.type != typ or g.input_procs != ip or g.output_procs != op \
                    or g.cost_procs != cp or g.state is not state or g.incoming != inc:
                return False
        for p, w, d in self.proj_keys:
            if p.arrays.weight is not w or p.arrays.deriv is not d or p.mask is not None:
                return False
        return True


def _blocker(net, exset):
    """Why the kernel cannot run batches of this network (None if it can),
    beyond training.batch_blocker's reasons."""
    if net.dtype not in (np.float32, np.float64):
        return "real type"
    if net.exact_arithmetic is False and net.dtype == np.float32:
        return "matrix arithmetic requested"
    for g in net.groups:
        if g.type & _UNSUPPORTED_GROUP:
            return f"group {g.name} type"
        if g.input_procs not in ([], [T.DOT_PRODUCT]):
            return f"group {g.name} input type"
        if len(g.output_procs) > _MAX_OUT_PROCS or \
                any(p not in _OUT_CODES for p in g.output_procs):
            return f"group {g.name} output type"
        if len(g.cost_procs) > 1 or any(p not in _COST_CODES for p in g.cost_procs):
            return f"group {g.name} cost type"
        if g.state.shape[1] != 1 or not g.state.flags.c_contiguous:
            return "group state"
        for p in g.incoming:
            if p.mask is not None:
                return "sparse projection"
            if not (p.arrays.weight.flags.c_contiguous and p.arrays.deriv.flags.c_contiguous):
                return "weight layout"
    return None


def _build_plan(net, exset):
    from . import training
    if training.batch_blocker(net, exset, True) is not None or _blocker(net, exset):
        return None
    matrices = training._set_matrices(net, exset)
    if matrices is None:
        return None
    groups = list(net.groups)
    index = {id(g): k for k, g in enumerate(groups)}
    gi = np.zeros((len(groups), G_COLS), dtype=np.int64)
    projs, psend = [], []
    off = in_off = out_off = 0
    for k, g in enumerate(groups):
        gi[k, G_OFF] = off
        gi[k, G_SIZE] = g.size
        gi[k, G_DOT] = 1 if g.input_procs else 0
        ot = g.output_type
        gi[k, G_ZERO_OUT] = 0 if ot & (T.BASIC_OUTPUT_TYPES | T.BIAS_CLAMP) else 1
        gi[k, G_NPROCS] = len(g.output_procs)
        for q, proc in enumerate(g.output_procs):
            gi[k, G_PROC0 + q] = _OUT_CODES[proc]
        gi[k, G_COST] = _COST_CODES[g.cost_procs[0]] if g.cost_procs else 0
        gi[k, G_HARD] = 1 if ot & T.HARD_CLAMP else 0
        gi[k, G_BACK_NONE] = 1 if ot == T.HARD_CLAMP else 0
        gi[k, G_EXT_COL] = in_off if g.type & T.INPUT else -1
        gi[k, G_TGT_COL] = out_off if g.type & T.OUTPUT else -1
        gi[k, G_RESET] = 1 if g.type & T.RESET_ON_EXAMPLE else 0
        gi[k, G_P0] = len(projs)
        gi[k, G_NP] = len(g.incoming)
        for p in g.incoming:
            projs.append(p)
            psend.append(index[id(p.sender)])
        if g.type & T.INPUT:
            in_off += g.size
        if g.type & T.OUTPUT:
            out_off += g.size
        off += g.size
    return _Plan(net, exset, groups, gi, np.asarray(psend, dtype=np.int64), projs, matrices)


def _plan(net, exset):
    plan = getattr(net, "_fast_plan", None)
    if plan is not None and plan.valid(net, exset):
        return plan
    plan = _build_plan(net, exset)
    net._fast_plan = plan
    return plan


def _quick_blocker(net) -> bool:
    """The per-batch part of batch_blocker that a plan cannot see change."""
    from .training import _HOOKS_INSIDE_EXAMPLES
    if not getattr(net, "vectorise", True) or net.example_writer is not None \
            or net.max_ticks != 1 or net.backprop_ticks != 1 \
            or net.type & (T.CONTINUOUS | T.SRBPTT | T.BOLTZMANN):
        return True
    hooks = net.hooks
    for h in _HOOKS_INSIDE_EXAMPLES:
        if hooks.get(h):
            return True
    return False


def _choose(g, net, name):
    v = getattr(g, name)
    return getattr(net, name) if v != v else v


def _fill_params(plan, net) -> None:
    d = net.dtype
    gf = plan.gf
    ticks = d(net.ticks_per_interval)
    for k, g in plan.param_groups:
        gf[k, F_GAIN] = d(_choose(g, net, "gain"))
        gf[k, F_INIT_OUT] = d(g.initial_output())
        if g.cost_procs:
            tr = _choose(g, net, "target_radius")
            zr = _choose(g, net, "zero_error_radius")
            gf[k, F_RADIUS] = tr
            gf[k, F_ZERO_RADIUS] = zr
            plan.gi[k, G_ADJUST] = 1 if (tr != 0.0 or zr != 0.0) else 0
            es = d(g.error_scale)
            gf[k, F_SCALE] = d(es / ticks)
            gf[k, F_BACK_SCALE] = float(es)


# -- the entry points ----------------------------------------------------------------------

def train_batch(session, net, exset):
    """Run one training batch compiled: returns allCorrect, or None when the
    NumPy path must run it (nothing has been changed then)."""
    if not ENABLED or not getattr(net, "fast_path", True) or _quick_blocker(net):
        return None
    plan = _plan(net, exset)
    if plan is None:
        return None
    n = net.batch_size if net.batch_size > 0 else len(exset.examples)
    if n <= 0:
        return None
    if not net.exact_arithmetic and n * plan.weight_size > _exact_limit():
        return None
    _fill_params(plan, net)
    idx = np.asarray(exset.next_indices(n, session.rng), dtype=np.int64)
    err = batch(plan.gi, plan.gf, plan.psend, plan.ws, plan.ds, plan.states, plan.ext,
                 plan.tgt, plan.freq, idx, bool(net.pseudo_example_freq), plan.gerr,
                net.dtype(0))
    _finish(net, plan, idx, float(err))
    return False


def _exact_limit():
    from .forward import EXACT_LIMIT
    return EXACT_LIMIT


def _finish(net, plan, idx, err) -> None:
    """What _run_batch_vectorised and train_batch leave behind besides the arrays."""
    from .forward import history_index
    for k, g in enumerate(plan.groups):
        g.error = plan.gerr[k]
        g.output_cost = 0.0
    net.error = err
    net.output_cost = 0.0
    net.in_grace_period = False
    rows = len(idx)
    if net.history_length:
        net.example_history_start = (net.example_history_start
                                     + net.ticks_on_example) % net.history_length
        net.example_history_start = (net.example_history_start + rows - 1) % net.history_length
        net.reset_history[history_index(net, 0)] = True
    net.current_tick = 0
    net.event_history[0] = 0
    net.ticks_on_example = 1
    net.current_example = plan.exset.examples[idx[-1]]
    if plan.hard_clamp:
        key = ("HARD_CLAMP", history_index(net, 0))
        for g in plan.hard_clamp:
            g.proc_state[key] = g.external_input.copy()
