"""The compiled batch step and weight update (optional: `pip install
'lens_py[fast]'` brings numba; without it the NumPy path does everything,
with the same numbers).

`train_batch` covers the common standard case -- one tick per example,
feed-forward group order, dense DOT_PRODUCT projections, BIAS / INPUT
(HARD_CLAMP) / LINEAR / LOGISTIC / TANH groups, SUM_SQUARED or CROSS_ENTROPY
error, no criterion groups, no per-example hooks or output file: a whole
batch (forward pass, errors, backward pass, link derivatives) runs as a short
program of compiled steps.  Projections forward.py sums in Lens's order
(exact mode) are summed in the same order here; the ones it multiplies as
matrices are multiplied by NumPy here too, with the same operands and
layouts.  So float32 results are the NumPy path's bit for bit; in float64
(where NumPy always multiplies matrices) they agree to rounding.
`test_batch` is the forward half for `test`, in chunks of examples.
`update_weights` is algorithms.update_weights compiled when no link has
per-block parameters (frozen rows, masked projections and update schedules
included).
`train_updates` runs whole stretches of `train` (batch, criterion count,
weight update, again) in one compiled call when nothing between the updates
needs Python: no epoch/update hooks, no schedule, no report on them (with
`exactSums 0`, one Python loop: the products run in NumPy between the
compiled steps).

Large sums are shared between threads (numba.prange, PARALLEL_WORK products
or more): examples split for unit inputs and derivative caches, receiving
units for link derivatives, so every single sum is still added up in Lens's
order by one thread and the bits do not depend on the thread count.

Whatever is not covered returns None/False and the NumPy path runs.  The
kernels compile once per machine, in the run that first needs them enough
(compiled/cache.py; numba keeps them on disk); until then the NumPy path
runs.  `ENABLED` (module) and
`net.fast_path` (per network, default True) switch the fast path off.
"""
from __future__ import annotations

import math
import os
import time

import numpy as np

from .. import batchstart
from .. import noise
from .. import blas
from .. import forward
from . import cache as kernelcache
from . import fastlog      # (rules.py's; named for the kernels' dependencies)
from . import rules as R
from .. import types as T

# OpenMP threads that spin between parallel sections are a gamble on a small
# shared machine: with another process on one of two cores, a thread spinning
# for milliseconds (GNU OpenMP's default) made a 1M-link update take 16-28 ms
# instead of 3, and idle spinning burns a core.  Never spinning costs ~50 us
# to wake the threads for every section, more than the sums of a 100k-link
# net take.  So: spin about a quarter of a millisecond (sections within one
# update follow each other closely), then sleep.  (Read when numba first
# starts its threads; a user's own setting wins.)
if "OMP_WAIT_POLICY" not in os.environ and "GOMP_SPINCOUNT" not in os.environ:
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    os.environ["GOMP_SPINCOUNT"] = "10000"

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
SSE, CE = R.SSE, R.CE
STEEPEST, MOMENTUM, DOUGS = T.STEEPEST, T.MOMENTUM, T.DOUGS_MOMENTUM
_COST_CODES = {T.SUM_SQUARED: SSE, T.CROSS_ENTROPY: CE}
_MAX_OUT_PROCS = 4
PARALLEL_WORK = 1_000_000   # products in one call worth sharing between threads

# columns of the integer group table
(G_OFF, G_SIZE, G_DOT, G_ZERO_OUT, G_NPROCS, G_PROC0) = range(6)
(G_COST, G_HARD, G_BACK_NONE, G_EXT_COL, G_TGT_COL, G_P0, G_NP,
 G_ADJUST) = range(G_PROC0 + _MAX_OUT_PROCS, G_PROC0 + _MAX_OUT_PROCS + 8)
G_COLS = G_ADJUST + 1
# columns of the float group table
F_GAIN, F_RADIUS, F_ZERO_RADIUS, F_SCALE, F_BACK_SCALE = range(5)
F_COLS = 5

# steps of a batch program (_program); the matrix products run in NumPy
OP_ZERO, OP_FBEGIN, OP_FDOTS, OP_FEND, OP_BBEGIN, OP_BDOTS, OP_FINISH, OP_MM_FWD, OP_MM_BACK = \
    range(9)

# the per-group slots of the work buffer (see _block)
IN, OUT, EXT, TGT, ADJ, OD, DC, ID, DB = range(9)

_UNSUPPORTED_GROUP = (T.USE_HIST_MASKS | T.EXT_INPUT_NOISE | T.ADAPTIVE_GAIN
                      | T.DERIV_NOISE | T.CRITERION_MASKS)


if HAVE_NUMBA:
    _njit = numba.njit(error_model="numpy", cache=True, nogil=True)
    _inline = numba.njit(error_model="numpy", cache=True, nogil=True, inline="always")
    _cast, _like = R.cast, R.like       # (the names every step here uses)

    @numba.extending.intrinsic
    def _voidptr(typingctx, address):
        """An address (int64) as a void pointer, for numba.carray."""
        if not isinstance(address, numba.types.Integer):
            return None

        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], numba.core.cgutils.voidptr_t)
        return numba.types.voidptr(address), codegen

    def _view(address, rows, cols, proto):
        """The [rows, cols] real array at `address` (an array the plan keeps alive)."""

    @numba.extending.overload(_view, jit_options={"cache": True})
    def _view_impl(address, rows, cols, proto):
        if proto == numba.types.float32:
            return lambda address, rows, cols, proto: numba.carray(
                _voidptr(address), (rows, cols), np.float32)
        return lambda address, rows, cols, proto: numba.carray(
            _voidptr(address), (rows, cols), np.float64)

    @_njit
    def _flags(address, n):
        return numba.carray(_voidptr(address), (n,), np.uint8)

    @_njit
    def _row_clamped(ext, r, n):
        for u in range(n):
            if math.isnan(ext[r, u]):
                return False
        return True

    # Unit values of the batch live in one flat buffer: group k's block is
    # [slots, rows, size] at slots*rows*offset -- input, output, externalInput,
    # target, adjustedTarget, and when training (9 slots; testing needs 5)
    # outputDeriv, derivCache, inputDeriv and the input derivatives passed
    # back (zero for fully clamped rows).  Blocks are contiguous, so NumPy's
    # matrix products see the same layouts as on the NumPy path.

    @_njit
    def _block(wbuf, gi, k, rows):
        last = gi.shape[0] - 1
        slots = wbuf.shape[0] // (rows * (gi[last, G_OFF] + gi[last, G_SIZE]))
        off = gi[k, G_OFF]
        n = gi[k, G_SIZE]
        return wbuf[slots * rows * off:slots * rows * (off + n)].reshape((slots, rows, n))

    @_njit
    def fwd_begin(gi, saddr, wbuf, ext_all, tgt_all, idx, k, proto):
        """The group's values before its input is computed."""
        rows = idx.shape[0]
        B = _block(wbuf, gi, k, rows)
        n = gi[k, G_SIZE]
        st = _view(saddr[k], 11, n, proto)
        ecol = gi[k, G_EXT_COL]
        tcol = gi[k, G_TGT_COL]
        for r in range(rows):
            ex = idx[r]
            for u in range(n):
                B[EXT, r, u] = ext_all[ex, ecol + u] if ecol >= 0 else st[8, u]
                B[TGT, r, u] = tgt_all[ex, tcol + u] if tcol >= 0 else st[6, u]
                B[ADJ, r, u] = st[7, u]
                if B.shape[0] > ID:     # training
                    B[ID, r, u] = st[5, u]
                B[OUT, r, u] = _cast(0.0, proto)    # every allowed output type sets it
                B[IN, r, u] = _cast(0.0, proto)

    # -- the Lens-order sums, in pieces that threads can share ------------------------------
    # Each sum (one unit's input; one sender's derivative cache entry; one link's
    # derivative) is added up in Lens's order by one thread; threads take
    # different examples (forward pass, derivative caches) or different
    # receiving units (link derivatives), so the bits do not depend on them.

    @_njit
    def _threads(work, parts, allowed):
        """Threads for a sum of `work` products split in `parts` pieces (1:
        serial); `allowed` = io[1:3], the threads there are and the least
        work worth sharing (PARALLEL_WORK)."""
        if allowed[0] < 2 or work < allowed[1]:
            return 1
        return max(1, min(np.int64(allowed[0]), parts))

    @_njit
    def _pad16(n):
        """Row width for n float32s: whole 64-byte lines, but never a multiple
        of 256 bytes (rows at such strides fight over the same cache sets:
        a 311-unit transpose took twice as long at 320, a 995-unit one ten
        times as long at 1024)."""
        m = (n + 15) // 16 * 16
        return m + 16 if m % 64 == 0 else m

    @_njit
    def _transpose(w, wt, u0, u1, m):
        """wt[j * m + u - u0] = w[u, j] for units u0..u1-1; the columns from
        u1 - u0 to m are zero.  (Reading rows and scattering the writes is
        three times faster here than gathering columns.)"""
        S = w.shape[1]
        for u in range(u0, u1):
            src = w[u]
            k = u - u0
            for j in range(S):
                wt[j * m + k] = src[j]
        for k in range(u1 - u0, m):
            for j in range(S):
                wt[j * m + k] = 0

    @_njit
    def _fwd_rows(wt, out, acc, S, rows, m):
        """acc[r] += out[r] . w[u] for all rows and the m (padded) units of wt
        at once, in Lens's unrolled chunks of ten: a chunk's sum is kept in a
        register, then added to the unit's input."""
        chunks = (S - 1) // 10 if S > 10 else 0
        for c in range(chunks):
            j = c * 10
            w0, w1 = wt[j * m:(j + 1) * m], wt[(j + 1) * m:(j + 2) * m]
            w2, w3 = wt[(j + 2) * m:(j + 3) * m], wt[(j + 3) * m:(j + 4) * m]
            w4, w5 = wt[(j + 4) * m:(j + 5) * m], wt[(j + 5) * m:(j + 6) * m]
            w6, w7 = wt[(j + 6) * m:(j + 7) * m], wt[(j + 7) * m:(j + 8) * m]
            w8, w9 = wt[(j + 8) * m:(j + 9) * m], wt[(j + 9) * m:(j + 10) * m]
            for r in range(rows):
                o = out[r]
                a = acc[r * m:(r + 1) * m]
                o0, o1, o2, o3, o4 = o[j], o[j + 1], o[j + 2], o[j + 3], o[j + 4]
                o5, o6, o7, o8, o9 = o[j + 5], o[j + 6], o[j + 7], o[j + 8], o[j + 9]
                for u in range(m):
                    s = (o0 * w0[u])
                    s = (s + (o1 * w1[u]))
                    s = (s + (o2 * w2[u]))
                    s = (s + (o3 * w3[u]))
                    s = (s + (o4 * w4[u]))
                    s = (s + (o5 * w5[u]))
                    s = (s + (o6 * w6[u]))
                    s = (s + (o7 * w7[u]))
                    s = (s + (o8 * w8[u]))
                    s = (s + (o9 * w9[u]))
                    a[u] = (a[u] + s)
        for j in range(chunks * 10, S):
            wj = wt[j * m:(j + 1) * m]
            for r in range(rows):
                oj = out[r, j]
                a = acc[r * m:(r + 1) * m]
                for u in range(m):
                    a[u] = (a[u] + (oj * wj[u]))

    @_njit
    def _fwd_units(w, out, inp, wt, acc, u0, u1):
        """inp[:, u0:u1] += the Lens-order sums of these units' links, all the
        units side by side: their weights transposed into wt and their inputs
        copied into acc, both padded to whole cache lines (rows of odd widths
        run at half speed or worse)."""
        S = w.shape[1]
        rows = out.shape[0]
        m = _pad16(u1 - u0)
        _transpose(w, wt, u0, u1, m)
        for r in range(rows):
            for u in range(u0, u1):
                acc[r * m + u - u0] = inp[r, u]
            for k in range(u1 - u0, m):
                acc[r * m + k] = 0
        _fwd_rows(wt, out, acc, S, rows, m)
        for r in range(rows):
            for u in range(u0, u1):
                inp[r, u] = acc[r * m + u - u0]

    @_njit
    def _transposed(a):
        """A new (columns, rows) array: a small matrix transposed."""
        n, S = a.shape
        t = np.empty((S, n), a.dtype)
        for u in range(n):
            for j in range(S):
                t[j, u] = a[u, j]
        return t

    @_njit
    def _fwd_narrow(w, out, inp):
        """The sums of a projection from ten senders or fewer (no chunks: the
        products are added one by one), all receiving units side by side."""
        rows = out.shape[0]
        n, S = w.shape
        wt = _transposed(w)
        for r in range(rows):
            a = inp[r]
            for j in range(S):
                o = out[r, j]
                wj = wt[j]
                for u in range(n):
                    a[u] = (a[u] + (o * wj[u]))

    @_njit
    def _fwd_few(w, out, inp):
        """The Lens-order sums for a group of very few units: each unit's
        sums for all the examples side by side (outputs transposed)."""
        rows = out.shape[0]
        n, S = w.shape
        chunks = (S - 1) // 10 if S > 10 else 0
        oT = np.empty((S, rows), out.dtype)
        for r in range(rows):
            for j in range(S):
                oT[j, r] = out[r, j]
        acc = np.empty(rows, out.dtype)
        s = np.empty(rows, out.dtype)
        for u in range(n):
            wu = w[u]
            for r in range(rows):
                acc[r] = inp[r, u]
            j = 0
            for _ in range(chunks):
                o = oT[j]
                x = wu[j]
                for r in range(rows):
                    s[r] = (o[r] * x)
                for t in range(1, 10):
                    o = oT[j + t]
                    x = wu[j + t]
                    for r in range(rows):
                        s[r] = (s[r] + (o[r] * x))
                for r in range(rows):
                    acc[r] = (acc[r] + s[r])
                j += 10
            for jj in range(j, S):
                o = oT[jj]
                x = wu[jj]
                for r in range(rows):
                    acc[r] = (acc[r] + (o[r] * x))
            for r in range(rows):
                inp[r, u] = acc[r]

    # (The threads' arrays are rebuilt from addresses: arrays handed into a
    # parallel loop lose their contiguity and their loops run at half speed.)
    @numba.njit(error_model="numpy", cache=True, nogil=True, parallel=True)
    def _fwd_par(w, out, inp, wt, acc, threads):
        """Each thread transposes and sums the inputs of its share of the units
        (one parallel section: waking threads costs more than the sums of
        smaller projections).  Shares start at multiples of 16 units; each
        is padded by at most 31 columns, so 32 * b columns more than its first
        unit leave room for the shares before it."""
        n, S = w.shape
        rows = out.shape[0]
        proto = w[0, 0]
        wa, oa, ia = w.ctypes.data, out.ctypes.data, inp.ctypes.data
        ta, aa = wt.ctypes.data, acc.ctypes.data
        for b in numba.prange(threads):
            u0 = min(n, (b * n // threads + 8) // 16 * 16)
            u1 = n if b == threads - 1 else min(n, ((b + 1) * n // threads + 8) // 16 * 16)
            if u1 > u0:
                m = _pad16(u1 - u0)
                c0 = u0 + 32 * b
                _fwd_units(_view(wa, n, S, proto), _view(oa, rows, S, proto),
                           _view(ia, rows, n, proto),
                           _view(ta + S * c0 * wt.itemsize, 1, S * m, proto)[0],
                           _view(aa + rows * c0 * acc.itemsize, 1, rows * m, proto)[0],
                           u0, u1)

    @_njit
    def _cache_rows(w, D, dc, r0, r1):
        """dc[r] += D[r, u] * w[u], receiving unit after receiving unit, for rows
        r0..r1-1; eight units per pass over a row (the same additions in the
        same order, the partial sums kept in registers)."""
        n, S = w.shape
        u = 0
        while u + 8 <= n:
            w0, w1, w2, w3 = w[u], w[u + 1], w[u + 2], w[u + 3]
            w4, w5, w6, w7 = w[u + 4], w[u + 5], w[u + 6], w[u + 7]
            for r in range(r0, r1):
                d0, d1, d2, d3 = D[r, u], D[r, u + 1], D[r, u + 2], D[r, u + 3]
                d4, d5, d6, d7 = D[r, u + 4], D[r, u + 5], D[r, u + 6], D[r, u + 7]
                dc_r = dc[r]
                for j in range(S):
                    x = (dc_r[j] + (d0 * w0[j]))
                    x = (x + (d1 * w1[j]))
                    x = (x + (d2 * w2[j]))
                    x = (x + (d3 * w3[j]))
                    x = (x + (d4 * w4[j]))
                    x = (x + (d5 * w5[j]))
                    x = (x + (d6 * w6[j]))
                    dc_r[j] = (x + (d7 * w7[j]))
            u += 8
        while u < n:
            w_u = w[u]
            for r in range(r0, r1):
                du = D[r, u]
                dc_r = dc[r]
                for j in range(S):
                    dc_r[j] = (dc_r[j] + (du * w_u[j]))
            u += 1

    @_njit
    def _deriv_units(dv, D, out, u0, u1):
        """dv[u] += D[r, u] * out[r], example after example, for units u0..u1-1.
        Four units and four examples per pass over the rows of dv: each sum is
        one long chain of dependent additions, and four chains side by side
        keep the adders busy (twice the speed of one unit at a time); the
        order of the additions is unchanged."""
        rows = D.shape[0]
        S = dv.shape[1]
        u = u0
        while u + 4 <= u1:
            A, B, C, E = dv[u], dv[u + 1], dv[u + 2], dv[u + 3]
            r = 0
            while r + 4 <= rows:
                a0, a1, a2, a3 = D[r, u], D[r + 1, u], D[r + 2, u], D[r + 3, u]
                b0, b1, b2, b3 = D[r, u + 1], D[r + 1, u + 1], D[r + 2, u + 1], D[r + 3, u + 1]
                c0, c1, c2, c3 = D[r, u + 2], D[r + 1, u + 2], D[r + 2, u + 2], D[r + 3, u + 2]
                e0, e1, e2, e3 = D[r, u + 3], D[r + 1, u + 3], D[r + 2, u + 3], D[r + 3, u + 3]
                o0, o1, o2, o3 = out[r], out[r + 1], out[r + 2], out[r + 3]
                for j in range(S):
                    p0, p1, p2, p3 = o0[j], o1[j], o2[j], o3[j]
                    x = (A[j] + (a0 * p0))
                    y = (B[j] + (b0 * p0))
                    z = (C[j] + (c0 * p0))
                    q = (E[j] + (e0 * p0))
                    x = (x + (a1 * p1))
                    y = (y + (b1 * p1))
                    z = (z + (c1 * p1))
                    q = (q + (e1 * p1))
                    x = (x + (a2 * p2))
                    y = (y + (b2 * p2))
                    z = (z + (c2 * p2))
                    q = (q + (e2 * p2))
                    A[j] = (x + (a3 * p3))
                    B[j] = (y + (b3 * p3))
                    C[j] = (z + (c3 * p3))
                    E[j] = (q + (e3 * p3))
                r += 4
            while r < rows:
                a0, b0, c0, e0 = D[r, u], D[r, u + 1], D[r, u + 2], D[r, u + 3]
                o_r = out[r]
                for j in range(S):
                    p0 = o_r[j]
                    A[j] = (A[j] + (a0 * p0))
                    B[j] = (B[j] + (b0 * p0))
                    C[j] = (C[j] + (c0 * p0))
                    E[j] = (E[j] + (e0 * p0))
                r += 1
            u += 4
        while u < u1:
            dv_u = dv[u]
            for r in range(rows):
                du = D[r, u]
                o_r = out[r]
                for j in range(S):
                    dv_u[j] = (dv_u[j] + (du * o_r[j]))
            u += 1

    @numba.njit(error_model="numpy", cache=True, nogil=True, parallel=True)
    def _back_par(w, dv, D, dc, out, first, threads):
        """Each thread: the derivative caches of its share of the examples, then
        the link derivatives of its share of the units (one parallel section)."""
        n, S = w.shape
        rows = D.shape[0]
        span = rows - first
        proto = w[0, 0]
        wa, va, Da, ca, oa = w.ctypes.data, dv.ctypes.data, D.ctypes.data, dc.ctypes.data, \
            out.ctypes.data
        for b in numba.prange(threads):
            _cache_rows(_view(wa, n, S, proto), _view(Da, rows, n, proto),
                        _view(ca, rows, S, proto), first + b * span // threads,
                        first + (b + 1) * span // threads)
            _deriv_units(_view(va, n, S, proto), _view(Da, rows, n, proto),
                         _view(oa, rows, S, proto), b * n // threads, (b + 1) * n // threads)

    @_njit
    def fwd_dots(gi, psend, paddr, pshape, wbuf, rows, k, pa, pb, allowed, par, proto):
        """Add projections pa..pb-1 into the group's input, each unit's links
        in Lens's order (unrolled chunks of ten).  (Here and in back_dots all
        operands are reals, so no cast is needed; casts would stop loops from
        vectorising.)  `par` None: the serial variant, where numba prunes the
        threaded branch and never compiles it."""
        B = _block(wbuf, gi, k, rows)
        n = gi[k, G_SIZE]
        inp = B[IN]
        width = _pad16(n) + 32 * max(np.int64(allowed[0]), 1)     # room for _fwd_par's shares
        max_senders = 0
        for p in range(pa, pb):
            max_senders = max(max_senders, pshape[p, 1])
        wt = np.empty(max_senders * width, wbuf.dtype)
        acc = np.empty(rows * width, wbuf.dtype)
        for p in range(pa, pb):
            w = _view(paddr[p, 0], pshape[p, 0], pshape[p, 1], proto)
            out = _block(wbuf, gi, psend[p], rows)[OUT]
            S = w.shape[1]
            if n < 8:
                _fwd_few(w, out, inp)
                continue
            if S <= 10:
                _fwd_narrow(w, out, inp)
                continue
            if par is not None:
                threads = _threads(rows * S * n, n // 16, allowed)
                if threads > 1:
                    _fwd_par(w, out, inp, wt, acc, threads)
                    continue
            _fwd_units(w, out, inp, wt, acc, 0, n)

    @_njit
    def _bits_only(t_row, n):
        """Are all of a row's targets exactly 0 or 1?  (Counted without
        branches: a test per unit on random bits mispredicts half the time.)"""
        others = 0
        for u in range(n):
            t = t_row[u]
            others += (t != _like(t, 0.0)) & (t != _like(t, 1.0))
        return others == 0

    @_njit
    def _ce_terms(o_row, t_row, terms, unsure, n, proto):
        """A row's CROSS_ENTROPY terms when its targets are all 0 or 1 and
        unadjusted: R.error_term's values, computed without branching on the
        target bits (which mispredicts half the time), the logs vectorised
        and the few fastlog cannot vouch for taken again from libm."""
        doubts = 0
        for u in range(n):
            o = o_row[u]
            x, edge = R.ce_bit_log_arg(o, t_row[u] == _like(o, 0.0))
            lg, sure = R.log_real_try(x, proto)
            terms[u] = R.LARGE if edge else -np.float64(lg)
            unsure[u] = not (sure or edge)
            doubts += unsure[u]
        if doubts:
            for u in range(n):
                if unsure[u]:
                    o = o_row[u]
                    x, _ = R.ce_bit_log_arg(o, t_row[u] == _like(o, 0.0))
                    terms[u] = -np.float64(R.log_real(x, proto))

    ROW_CHAINS = 8      # rows whose error sums are added side by side

    @_njit
    def _row_errors(terms, count, n, errs, proto):
        """errs[i] = terms[i, 0] + terms[i, 1] + ... in proto's type, term after
        term (Lens's order); eight rows' sums interleaved, since each sum is a
        chain of dependent additions."""
        acc = np.zeros(ROW_CHAINS, np.float64)    # proto values, held exactly
        full = count - count % ROW_CHAINS
        for i0 in range(0, full, ROW_CHAINS):
            acc[:] = 0.0
            for u in range(n):
                for j in range(ROW_CHAINS):
                    acc[j] = np.float64(_cast(acc[j] + terms[i0 + j, u], proto))
            for j in range(ROW_CHAINS):
                errs[i0 + j] = acc[j]
        for i in range(full, count):
            e = _cast(0.0, proto)
            for u in range(n):
                e = _cast(np.float64(e) + terms[i, u], proto)
            errs[i] = e

    @_njit
    def _ce_bit_rows(out, tgt, adj, od, vals, k, freq_all, idx, pseudo, scale, back, rows, n,
                     training, proto):
        """fwd_end's CROSS_ENTROPY error and derivatives for the rows whose
        targets are all 0 or 1 (unadjusted); which rows those were."""
        done = np.zeros(rows, np.bool_)
        sel = np.empty(rows, np.int64)
        count = 0
        for r in range(rows):
            if _bits_only(tgt[r], n):
                done[r] = True
                sel[count] = r
                count += 1
        terms = np.empty((count, n), np.float64)
        unsure = np.empty(n, np.bool_)
        for i in range(count):
            r = sel[i]
            _ce_terms(out[r], tgt[r], terms[i], unsure, n, proto)
            for u in range(n):
                adj[r, u] = tgt[r, u]
            if not training:
                continue
            bs = _cast((np.float64(freq_all[idx[r]]) if pseudo else 1.0) * back, proto)
            o_row, t_row, od_row = out[r], tgt[r], od[r]
            for u in range(n):
                o = o_row[u]
                d = R.ce_bit_deriv(o, t_row[u] == _like(o, 0.0))
                od_row[u] = _cast(np.float64(od_row[u]) + np.float64(bs) * d, bs)
        errs = np.empty(count, np.float64)
        _row_errors(terms, count, n, errs, proto)
        for i in range(count):
            r = sel[i]
            err = _cast(errs[i], proto)
            if pseudo:
                vals[r, k] = _cast(np.float64(err) * (np.float64(scale)
                                                      * np.float64(freq_all[idx[r]])), proto)
            else:
                vals[r, k] = _cast(err * scale, proto)
        return done

    @_njit
    def fwd_end(gi, gf, wbuf, freq_all, idx, pseudo, vals, k, testing, proto):
        """Clamped rows, the output procedures, the error and (training) its
        derivatives."""
        rows = idx.shape[0]
        B = _block(wbuf, gi, k, rows)
        n = gi[k, G_SIZE]
        inp, out, ext, tgt, adj = B[IN], B[OUT], B[EXT], B[TGT], B[ADJ]
        od = B[IN] if testing else B[OD]      # testing blocks have no derivative slots
        dc = B[IN] if testing else B[DC]
        if gi[k, G_DOT] and gi[k, G_HARD]:
            for r in range(rows):
                if _row_clamped(ext, r, n):
                    for u in range(n):
                        inp[r, u] = _cast(0.0, proto)
        if gi[k, G_ZERO_OUT]:
            for r in range(rows):
                for u in range(n):
                    out[r, u] = _cast(0.0, proto)
        gain = _cast(gf[k, F_GAIN], proto)
        for q in range(gi[k, G_NPROCS]):
            code = gi[k, G_PROC0 + q]
            for r in range(rows):
                if code == LINEAR:
                    for u in range(n):
                        out[r, u] = inp[r, u]
                elif code == LOGISTIC:
                    for u in range(n):
                        out[r, u] = R.sigmoid(_cast(inp[r, u] * gain, proto))
                elif code == TANH:
                    for u in range(n):
                        out[r, u] = R.tanh(_cast(gain * inp[r, u], proto))
                elif code == HARD_CLAMP:
                    for u in range(n):
                        if not math.isnan(ext[r, u]):
                            out[r, u] = ext[r, u]
                elif code == BIAS_CLAMP:
                    for u in range(n):
                        out[r, u] = _cast(1.0, proto)
        if not testing:
            for r in range(rows):
                for u in range(n):
                    od[r, u] = _cast(0.0, proto)
                    dc[r, u] = _cast(0.0, proto)
        cost = gi[k, G_COST]
        if not cost:
            return
        radius = _cast(gf[k, F_RADIUS], proto)
        zero_r = _cast(gf[k, F_ZERO_RADIUS], proto)
        scale = _cast(gf[k, F_SCALE], proto)
        back = np.float64(gf[k, F_BACK_SCALE])
        factor = 2.0 if cost == SSE else 1.0
        if cost == CE and not gi[k, G_ADJUST] and n:
            done = _ce_bit_rows(out, tgt, adj, od, vals, k, freq_all, idx, pseudo, scale, back,
                                rows, n, not testing, proto)
        else:
            done = np.zeros(rows, np.bool_)
        for r in range(rows):
            if done[r]:
                continue
            freq = freq_all[idx[r]]
            err = _cast(0.0, proto)
            for u in range(n):
                t = tgt[r, u]
                o = out[r, u]
                if math.isnan(t):
                    err = _cast(np.float64(err) + 0.0, proto)
                    continue
                if gi[k, G_ADJUST]:
                    t = R.adjusted_target(o, t, radius, zero_r)
                adj[r, u] = t
                err = _cast(np.float64(err) + R.error_term(cost, o, t), proto)
            if pseudo:
                # error * (errorScale/ticks * freq): the factor in double, rounded once
                vals[r, k] = _cast(np.float64(err) * (np.float64(scale) * np.float64(freq)),
                                   proto)
            else:
                vals[r, k] = _cast(err * scale, proto)
            if testing:
                continue
            bs = _cast((np.float64(freq) if pseudo else 1.0) * back * factor, proto)
            for u in range(n):
                if math.isnan(tgt[r, u]):
                    continue
                od[r, u] = R.error_deriv(cost, out[r, u], adj[r, u], bs, od[r, u])

    @_njit
    def back_begin(gi, gf, wbuf, rows, k, proto):
        """outputDeriv += derivCache, the output procedures backwards, and the
        derivatives to pass back (returns whether there are any to pass)."""
        B = _block(wbuf, gi, k, rows)
        n = gi[k, G_SIZE]
        inp, out, ext, od, dc, idr, D = B[IN], B[OUT], B[EXT], B[OD], B[DC], B[ID], B[DB]
        gain = _cast(gf[k, F_GAIN], proto)
        gain64 = np.float64(gain)
        for r in range(rows):
            for u in range(n):
                od[r, u] = _cast(od[r, u] + dc[r, u], proto)
                dc[r, u] = _cast(0.0, proto)
        for q in range(gi[k, G_NPROCS] - 1, -1, -1):
            code = gi[k, G_PROC0 + q]
            for r in range(rows):
                if code == LINEAR:
                    for u in range(n):
                        idr[r, u] = od[r, u]
                elif code == LOGISTIC:
                    for u in range(n):
                        idr[r, u] = R.logistic_back(od[r, u], out[r, u], gain64)
                elif code == TANH:
                    for u in range(n):
                        idr[r, u] = R.tanh_back(od[r, u], inp[r, u], gain)
                elif code == HARD_CLAMP:
                    for u in range(n):
                        if not math.isnan(ext[r, u]):
                            idr[r, u] = _cast(0.0, proto)
                elif code == BIAS_CLAMP:
                    for u in range(n):
                        idr[r, u] = _cast(0.0, proto)
        if not gi[k, G_DOT] or gi[k, G_BACK_NONE]:
            return False
        for r in range(rows):
            skip = gi[k, G_HARD] and _row_clamped(ext, r, n)
            for u in range(n):
                D[r, u] = _cast(0.0, proto) if skip else idr[r, u]
        return True

    @_njit
    def back_dots(gi, psend, paddr, pshape, wbuf, rows, k, pa, pb, allowed, par, proto):
        """Projections pa..pb-1: the senders' derivative caches (receiving unit
        after receiving unit) and the link derivatives (example after example)."""
        D = _block(wbuf, gi, k, rows)[DB]
        n = gi[k, G_SIZE]
        for p in range(pa, pb):
            w = _view(paddr[p, 0], pshape[p, 0], pshape[p, 1], proto)
            dv = _view(paddr[p, 1], pshape[p, 0], pshape[p, 1], proto)
            s = psend[p]
            S_blk = _block(wbuf, gi, s, rows)
            dc = S_blk[DC]
            out = S_blk[OUT]
            S = w.shape[1]
            # a sender that passes nothing back needs its cache for the last example only
            first = 0 if gi[s, G_DOT] and not gi[s, G_BACK_NONE] else rows - 1
            if not (S < 8 <= n):
                if par is not None:
                    threads = _threads(rows * S * n, n, allowed)
                    if threads > 1:
                        _back_par(w, dv, D, dc, out, first, threads)
                        continue
                _cache_rows(w, D, dc, first, rows)
                _deriv_units(dv, D, out, 0, n)
                continue
            _cache_rows(w, D, dc, first, rows)
            # few senders: accumulate transposed, all receiving units side by side
            dvt = _transposed(dv)
            for r in range(rows):
                D_r = D[r]
                for j in range(S):
                    o = out[r, j]
                    row = dvt[j]
                    for u in range(n):
                        row[u] = (row[u] + (D_r[u] * o))
            for u in range(n):
                for j in range(S):
                    dv[u, j] = dvt[j, u]

    @_njit
    def finish(gi, saddr, wbuf, vals, gerr, rows, net_err, testing, write_state, proto):
        """Add the errors to gerr[k] and net_err (example after example, group
        after group) and leave the last example's values in the groups (only
        those a forward tick sets when testing); returns the net's error."""
        ng = gi.shape[0]
        net_err = _cast(net_err, proto)
        for r in range(rows):
            for k in range(ng):
                if gi[k, G_COST]:
                    net_err = _cast(net_err + vals[r, k], proto)
        for k in range(ng):
            if gi[k, G_COST]:
                e = _cast(gerr[k], proto)
                for r in range(rows):
                    e = _cast(e + vals[r, k], proto)
                gerr[k] = e
            if not write_state:
                continue
            n = gi[k, G_SIZE]
            st = _view(saddr[k], 11, n, proto)
            B = _block(wbuf, gi, k, rows)
            r = rows - 1
            for u in range(n):
                st[0, u] = B[IN, r, u]
                st[1, u] = B[OUT, r, u]
                st[2, u] = B[OUT, r, u]
                st[6, u] = B[TGT, r, u]
                st[7, u] = B[ADJ, r, u]
                st[8, u] = B[EXT, r, u]
                if not testing:
                    st[3, u] = B[OD, r, u]
                    st[4, u] = B[DC, r, u]
                    st[5, u] = B[ID, r, u]
                    st[10, u] = _cast(0.0, proto)
        return net_err

    @_njit
    def zero_derivs(paddr, pshape, proto):
        for p in range(paddr.shape[0]):
            dv = _view(paddr[p, 1], pshape[p, 0], pshape[p, 1], proto)
            for u in range(pshape[p, 0]):
                for j in range(pshape[p, 1]):
                    dv[u, j] = _cast(0.0, proto)


    @_njit
    def run_ops(ops, a, b, gi, gf, psend, paddr, pshape, saddr, wbuf, vals, ext_all, tgt_all,
                freq_all, idx, pseudo, gerr, active, io, testing, write_state, par, proto):
        """Steps a..b-1 of a batch program (see _program); io[0] carries the
        network's error into and out of OP_FINISH, io[1] is the number of
        threads the sums may use, io[2] the least work shared between them;
        active[k]: group k passes derivatives back; par: None in the serial
        variant, an int64 in the threaded one."""
        rows = idx.shape[0]
        for i in range(a, b):
            op, k, pa, pb = ops[i, 0], ops[i, 1], ops[i, 2], ops[i, 3]
            if op == OP_ZERO:
                zero_derivs(paddr, pshape, proto)
                for g in range(gi.shape[0]):
                    gerr[g] = 0.0
                io[0] = 0.0
            elif op == OP_FBEGIN:
                fwd_begin(gi, saddr, wbuf, ext_all, tgt_all, idx, k, proto)
            elif op == OP_FDOTS:
                fwd_dots(gi, psend, paddr, pshape, wbuf, rows, k, pa, pb, io[1:3], par, proto)
            elif op == OP_FEND:
                fwd_end(gi, gf, wbuf, freq_all, idx, pseudo, vals, k, testing, proto)
            elif op == OP_BBEGIN:
                active[k] = back_begin(gi, gf, wbuf, rows, k, proto)
            elif op == OP_BDOTS:
                if active[k]:
                    back_dots(gi, psend, paddr, pshape, wbuf, rows, k, pa, pb, io[1:3], par, proto)
            elif op == OP_FINISH:
                io[0] = finish(gi, saddr, wbuf, vals, gerr, rows, io[0], testing, write_state,
                               proto)





    @_njit
    def _seq_add(acc, x, started):
        """NumPy's cumsum: the first value as it is, then added one by one."""
        return x if not started else _like(x, acc + x)

    @_inline
    def _step_row(algorithm, masked, w, dv, last, val, m, lr, mom, decay, scale, rate_inc,
                  rate_dec, proto):
        """One row of a weight update: unit u's links of one projection."""
        for j in range(w.shape[0]):
            if masked and m[j] == 0:
                continue
            g = dv[j]
            ld = last[j]
            if algorithm == STEEPEST:
                delta = _cast(-lr * g, proto)
            elif algorithm == MOMENTUM:
                delta = _cast(_cast(-lr * g, proto) + _cast(mom * ld, proto), proto)
            elif algorithm == DOUGS:
                delta = _cast(np.float64(-lr) * scale * np.float64(g)
                          + np.float64(_cast(mom * ld, proto)), proto)
            else:
                rate = val[j]
                if (math.copysign(1.0, g) < 0) != (math.copysign(1.0, ld) < 0):
                    rate = _cast(rate + rate_inc, proto)
                else:
                    rate = _cast(rate * rate_dec, proto)
                val[j] = rate
                step = _cast(_cast(_cast(-rate, proto) * lr, proto) * g, proto)
                delta = _cast(step + _cast(mom * ld, proto), proto)
            if decay > _cast(0.0, proto):
                delta = _cast(delta - _cast(decay * w[j], proto), proto)
            old = w[j]
            new = _cast(old + delta, proto)
            last[j] = _cast(new - old, proto)
            w[j] = new

    @_njit
    def update(algorithm, do_stats, granges, addr, shape, gparams, faddr, baddr, learns,
               scale_in, rate_inc, rate_dec, stats, proto):
        """One weight update (algorithms.update_weights without frozen links,
        per-block parameters or shared arrays).  Returns False, changing
        nothing, if some link has its own parameters.  faddr[p]: the block's
        and the receiving units' frozen flags, and the projection's link mask
        (0: every entry is a link); a frozen row or what is no link is neither
        summed nor changed."""
        P = addr.shape[0]
        ws = [_view(addr[p, 0], shape[p, 0], shape[p, 1], proto) for p in range(P)]
        ds = [_view(addr[p, 1], shape[p, 0], shape[p, 1], proto) for p in range(P)]
        ls = [_view(addr[p, 2], shape[p, 0], shape[p, 1], proto) for p in range(P)]
        vs = [_view(addr[p, 3], shape[p, 0], shape[p, 1], proto) for p in range(P)]
        ms = [_flags(faddr[p, 2], shape[p, 0] * shape[p, 1]) if faddr[p, 2] != 0
              else _flags(faddr[p, 0], 0) for p in range(P)]
        fb = [_flags(faddr[p, 0], shape[p, 0]) for p in range(P)]
        fu = [_flags(faddr[p, 1], shape[p, 0]) for p in range(P)]
        for p in range(P):
            rows = shape[p, 0]
            for q in range(baddr.shape[1]):
                b = _view(baddr[p, q], 1, rows, proto)
                for u in range(rows):
                    if not math.isnan(b[0, u]):
                        return False
        stats[0] = 1.0
        stats[1] = 0.0
        scale = scale_in
        if algorithm == DOUGS:
            total = 0.0
            for gk in range(granges.shape[0]):
                for u in range(ds[granges[gk, 0]].shape[0]):
                    for p in range(granges[gk, 0], granges[gk, 1]):
                        if not learns[p] or fb[p][u] or fu[p][u]:
                            continue
                        d_u = ds[p][u]
                        S, m, masked = d_u.shape[0], ms[p], faddr[p, 2] != 0
                        for j in range(S):
                            if masked and m[u * S + j] == 0:
                                continue
                            total += np.float64(_cast(d_u[j] * d_u[j], proto))
            if total > 1.0:
                scale = 1.0 / np.float64(_cast(math.sqrt(total), proto))
        if do_stats:
            grad_lin = _cast(0.0, proto)
            delta_len = _cast(0.0, proto)
            deriv_len = _cast(0.0, proto)
            started = False
            for gk in range(granges.shape[0]):
                for u in range(ds[granges[gk, 0]].shape[0]):
                    for p in range(granges[gk, 0], granges[gk, 1]):
                        if fb[p][u] or fu[p][u]:
                            continue
                        d_u = ds[p][u]
                        l_u = ls[p][u]
                        S, m, masked = d_u.shape[0], ms[p], faddr[p, 2] != 0
                        for j in range(S):
                            if masked and m[u * S + j] == 0:
                                continue
                            grad_lin = _seq_add(grad_lin, -_cast(l_u[j] * d_u[j], proto), started)
                            delta_len = _seq_add(delta_len, _cast(l_u[j] * l_u[j], proto), started)
                            deriv_len = _seq_add(deriv_len, _cast(d_u[j] * d_u[j], proto), started)
                            started = True
        for p in range(P):
            if not learns[p]:
                continue        # held as if frozen on this update (update schedules)
            w = ws[p]
            dv = ds[p]
            last = ls[p]
            val = vs[p]
            lr = _cast(gparams[p, 0], proto)
            mom = _cast(gparams[p, 1], proto)
            decay = _cast(gparams[p, 2], proto)
            S, m, masked = w.shape[1], ms[p], faddr[p, 2] != 0
            for u in range(w.shape[0]):
                if fb[p][u] or fu[p][u]:
                    continue
                w_u, d_u, l_u, v_u = w[u], dv[u], last[u], val[u]
                m_u = m[u * S:(u + 1) * S] if masked else m
                # a constant algorithm per call, so that each inlined copy of
                # _step_row loses the others' branches and vectorises (masked
                # rows and deltaBarDelta keep them)
                if masked or algorithm not in (DOUGS, MOMENTUM, STEEPEST):
                    _step_row(algorithm, masked, w_u, d_u, l_u, v_u, m_u, lr, mom, decay,
                              scale, rate_inc, rate_dec, proto)
                elif algorithm == DOUGS:
                    _step_row(DOUGS, False, w_u, d_u, l_u, v_u, m_u, lr, mom, decay, scale,
                              rate_inc, rate_dec, proto)
                elif algorithm == MOMENTUM:
                    _step_row(MOMENTUM, False, w_u, d_u, l_u, v_u, m_u, lr, mom, decay, scale,
                              rate_inc, rate_dec, proto)
                else:
                    _step_row(STEEPEST, False, w_u, d_u, l_u, v_u, m_u, lr, mom, decay, scale,
                              rate_inc, rate_dec, proto)
        if do_stats:
            prod = _cast(delta_len * deriv_len, proto)
            if prod == _cast(0.0, proto):
                stats[0] = np.nan
            else:
                stats[0] = _cast(grad_lin / _cast(math.sqrt(np.float64(prod)), proto), proto)
            cost = _cast(0.0, proto)
            started = False
            for gk in range(granges.shape[0]):
                for u in range(ws[granges[gk, 0]].shape[0]):
                    for p in range(granges[gk, 0], granges[gk, 1]):
                        if fb[p][u] or fu[p][u]:
                            continue
                        w_u = ws[p][u]
                        S, m, masked = w_u.shape[0], ms[p], faddr[p, 2] != 0
                        for j in range(S):
                            if masked and m[u * S + j] == 0:
                                continue
                            cost = _seq_add(cost, _cast(w_u[j] * w_u[j], proto), started)
                            started = True
            stats[1] = _cast(cost / _cast(2.0, proto), proto)
        return True


    @_njit
    def train_updates_kernel(idx_all, crit, min_crit, bac, counter, ops, gi, gf, psend, paddr,
                             pshape, saddr, wbuf, vals, ext_all, tgt_all, freq_all, pseudo, gerr,
                             active, io, algorithm, granges, uaddr, ushape, gparams, faddr,
                             baddr, learns, rate_inc, rate_dec, stats, par, proto):
        """Whole updates of `train` -- batch, criterion count, weight update --
        one per row of idx_all, with no Python in between.  (The constants
        passed on are typed as NumPy scalars: a literal would make numba
        compile run_ops and update once more for it.)  counter[0]: updates
        done; counter[1]: 1 if one more batch ran whose update is left to the
        caller (it ends training, or the compiled update declined);
        counter[2]: batches at criterion after the updates done."""
        counter[0] = 0
        counter[1] = 0
        counter[2] = bac
        for t in range(idx_all.shape[0]):
            run_ops(ops, np.int64(0), ops.shape[0], gi, gf, psend, paddr, pshape, saddr, wbuf,
                    vals, ext_all, tgt_all, freq_all, idx_all[t], pseudo, gerr, active, io,
                    np.bool_(False), np.bool_(True), par, proto)
            bac = counted_update(io[0] < crit, t, bac, min_crit, counter, algorithm, granges,
                                 uaddr, ushape, gparams, faddr, baddr, learns, rate_inc,
                                 rate_dec, stats, proto)
            if bac < 0:
                return

    @_njit
    def counted_update(met, t, bac, min_crit, counter, algorithm, granges, uaddr, ushape,
                       gparams, faddr, baddr, learns, rate_inc, rate_dec, stats, proto):
        """After batch t of a run of updates (`met`: it met the criterion):
        the count of batches at criterion, and the weight update.  Returns
        the new count, or -1 when the run stops there with counter[1] = 1
        (minCritBatches reached, or the compiled update declined: the
        caller finishes that update)."""
        b = bac + 1 if met else 0
        if min_crit > 0 and b >= min_crit:
            counter[1] = 1
            return -1
        if not update(algorithm, np.bool_(False), granges, uaddr, ushape, gparams, faddr,
                      baddr, learns, np.float64(1.0), rate_inc, rate_dec, stats, proto):
            counter[1] = 1
            return -1
        counter[0] = t + 1
        counter[2] = b
        return b


# -- variants ---------------------------------------------------------------------------
# See compiled/cache.py: each variant compiles once per machine, in the run
# that first needs it enough, and loads from numba's cache afterwards.  The
# threaded variant is for networks with sums worth sharing (PARALLEL_WORK);
# float64 only for networks set to `precision 64`.
VARIANTS = ("float32", "float32-threads", "float64", "float64-threads")
_THREADED = np.int64(1)


def _dtype_name(dtype) -> str:
    return "float64" if dtype == np.float64 else "float32"


def kernels_for(net, plan=None, rows=None):
    """The `par` argument of the kernels that can run this network now: None
    (serial), an int64 (threaded), or False when neither is loaded.  Asking
    may load them, or compile them once the NumPy path has run long enough
    (cache.py)."""
    if not (HAVE_NUMBA and ENABLED):
        return False
    base = _dtype_name(net.dtype)
    if plan is not None and plan.threads_pay(rows):
        if KERNELS.ready(base + "-threads"):
            return _THREADED
        if KERNELS.ready(base):     # serial meanwhile: it pays for the threads
            return _THREADED if KERNELS.charge(base + "-threads") else None
        return False
    if KERNELS.ready(base):
        return None
    # the threaded variant runs small sums on one thread: the same additions
    return _THREADED if base + "-threads" in KERNELS.loaded else False


def wanted_variant(net, plan=None, rows=None) -> str:
    """The variant that would run this network's batches."""
    base = _dtype_name(net.dtype)
    return base + "-threads" if plan is not None and plan.threads_pay(rows) else base


def ready(net=None, wait: bool = False) -> bool:
    """Can the kernels run (float32, or the network's precision) now?  `wait`:
    compile them here if they are not on disk."""
    if not (HAVE_NUMBA and ENABLED):
        return False
    base = "float32" if net is None else _dtype_name(net.dtype)
    if wait:
        return KERNELS.ready(base, wait=True)
    return kernels_for(net) is not False if net is not None else KERNELS.ready(base)


def _warm(variant: str) -> None:
    """Call each kernel of the variant once on a one-unit dummy group: the
    argument types are exactly those of real calls (same constructors), so no
    real call compiles."""
    d = np.float64 if variant.startswith("float64") else np.float32
    par = _THREADED if variant.endswith("threads") else None
    if par is not None:
        # kernels loaded from numba's cache that contain parallel loops crash
        # if called before the threading layer is up
        numba.get_num_threads()
    gi = np.zeros((1, G_COLS), dtype=np.int64)
    gi[0, G_SIZE] = 1
    gi[0, G_EXT_COL] = gi[0, G_TGT_COL] = -1
    gf = np.zeros((1, F_COLS))
    state = np.zeros((11, 1, 1), dtype=d)
    saddr = _addresses([(state,)], 1)[:, 0].copy()
    psend = np.asarray([], dtype=np.int64)
    paddr = _addresses([], 2)
    pshape = np.array([], dtype=np.int64).reshape(-1, 2)
    ext = np.zeros((1, 0)).astype(d)
    freq = np.ones(1).astype(d)
    idx = np.asarray([0], dtype=np.int64)
    wbuf = np.zeros(9, dtype=d)
    vals = np.zeros((1, 1), dtype=d)
    gerr = np.zeros(1)
    proto = d(0)
    active = np.zeros(1, dtype=np.bool_)
    io = np.ones(3)
    for testing in (False, True):
        ops, _ = _program([[]], testing)
        run_ops(ops, 0, len(ops), gi, gf, psend, paddr, pshape, saddr, wbuf, vals, ext,
                ext, freq, idx, False, gerr, active, io, testing, True, par, proto)
    uargs = (np.asarray([], dtype=np.int64).reshape(-1, 2), _addresses([], 4),
             np.zeros((0, 2), dtype=np.int64), np.zeros((0, 3)), _addresses([], 3),
             _addresses([], len(_UPDATE_BLOCK_PARAMS)), np.ones(0, dtype=np.uint8))
    update(T.MOMENTUM, True, *uargs, 1.0, d(0.1), d(0.9), np.zeros(2), d(0))
    ops, _ = _program([[]], False)
    train_updates_kernel(idx.reshape(1, 1), 0.0, 1, 0, np.zeros(3, dtype=np.int64), ops,
                         gi, gf, psend, paddr, pshape, saddr, wbuf, vals, ext, ext, freq,
                         False, gerr, active, io, T.MOMENTUM, *uargs, d(0.1), d(0.9),
                         np.zeros(2), par, proto)


# -- which networks the kernel can run -------------------------------------------------

def _addresses(rows, width):
    return np.array([[a.__array_interface__["data"][0] for a in row] for row in rows],
                    dtype=np.int64).reshape(-1, width)


class _Plan:
    """What the kernel needs about one network structure, and what to check
    cheaply before each batch that nothing has changed since."""

    def __init__(self, net, exset, groups, gi, psend, projs, matrices):
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
        # the kernel reaches the arrays by address; proj_keys/group_keys keep them alive
        self.paddr = _addresses([(p.arrays.weight, p.arrays.deriv) for p in projs], 2)
        self.pshape = np.array([p.arrays.weight.shape for p in projs],
                               dtype=np.int64).reshape(-1, 2)
        self.saddr = _addresses([(g.state,) for g in groups], 1)[:, 0].copy()
        self.ext, self.tgt, self.freq = matrices
        self.gerr = np.zeros(len(groups))
        self.active = np.zeros(len(groups), dtype=np.bool_)
        self.io = np.ones(3)
        # the first row of each group's derivative cache a matrix product
        # fills (forward.last_row_only: -1, the last example's alone)
        self.cache_from = [-1 if forward.last_row_only(g) else 0 for g in groups]
        self.dtype = net.dtype
        self.exact = net.exact_arithmetic
        self.gain_groups = [(k, g) for k, g in enumerate(groups)
                            if g.output_type & (T.LOGISTIC | T.TANH)]
        self.cost_groups = [(k, g) for k, g in enumerate(groups) if g.cost_procs]
        self.cost_keys = {}
        self.hard_clamp = [g for g in groups if g.output_type & T.HARD_CLAMP]
        self.projs = projs
        self.rows = -1
        self.decided_for = -1
        self.layouts = {}       # size_for's key -> a layout
        self.layout_key = None
        self.link_work = int(max((S * n for n, S in self.pshape), default=0))
        self.pace = {}          # (kind, threads) -> seconds per batch last time (_threads_for)
        self.trials = 0

    LAYOUTS_KEPT = 2        # a training batch's and a test's

    def size_for(self, rows, net, decide_rows=None, slots=9) -> None:
        """Work space for batches of `rows` examples with `slots` values per
        unit, and which projections sum in Lens's order there (decided for
        batches of decide_rows, forward.lens_order).  The last LAYOUTS_KEPT
        are kept: training and testing in turn (a lesion study) switch
        between two without building either again."""
        decide = rows if decide_rows is None else decide_rows
        key = (rows, decide, slots, net.exact_arithmetic, forward.EXACT_LIMIT, net.dtype)
        if key == self.layout_key:
            return
        layout = self.layouts.get(key)
        if layout is None:
            while len(self.layouts) >= self.LAYOUTS_KEPT:
                del self.layouts[next(iter(self.layouts))]
            layout = self.layouts[key] = self._layout(rows, net, decide, slots)
        (self.wbuf, self.vals, self.blocks, self.runs, self.all_exact,
         self.programs) = layout
        self.rows, self.decided_for, self.layout_key = rows, decide, key

    def _layout(self, rows, net, decide, slots) -> tuple:
        """(work space, vals, its blocks per group, runs, all exact, programs)."""
        total = int(self.gi[:, G_SIZE].sum())
        wbuf = np.zeros(slots * rows * total, dtype=net.dtype)
        vals = np.zeros((rows, len(self.groups)), dtype=net.dtype)
        blocks = [wbuf[slots * rows * off:slots * rows * (off + n)].reshape(slots, rows, n)
                  for off, n in self.gi[:, [G_OFF, G_SIZE]]]
        runs = []
        for k in range(len(self.groups)):
            group_runs = []
            p0, n_p = int(self.gi[k, G_P0]), int(self.gi[k, G_NP])
            for p in range(p0, p0 + n_p):
                exact = forward.lens_order(net, decide, self.projs[p])
                if exact and group_runs and group_runs[-1][0]:
                    group_runs[-1] = (True, group_runs[-1][1], p + 1)
                else:
                    group_runs.append((bool(exact), p, p + 1))
            runs.append(group_runs)
        all_exact = all(e for group_runs in runs for e, _, _ in group_runs)
        programs = {False: _program(runs, False), True: _program(runs, True)}
        return wbuf, vals, blocks, runs, all_exact, programs

    def threads_pay(self, rows=None) -> bool:
        """Are some sums of a batch (of `rows` examples, or of the rows sized
        for) big enough to share between threads?"""
        rows = self.rows if rows is None else rows
        return rows * self.link_work >= PARALLEL_WORK and numba.get_num_threads() > 1

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
        if len({id(p.sender) for p in g.incoming}) != len(g.incoming):
            return f"group {g.name}: several projections from one sender"
        for p in g.incoming:
            if p.mask is not None:
                return "sparse projection"
            if not (p.arrays.weight.flags.c_contiguous and p.arrays.deriv.flags.c_contiguous):
                return "weight layout"
    return None


def _build_plan(net, exset):
    from .. import vectorised
    if vectorised.batch_blocker(net, exset, True) is not None or _blocker(net, exset):
        return None
    matrices = vectorised._set_matrices(net, exset)
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
    """The network's plan for batches from this example set (None: the NumPy
    path must run them); one per set, so training and testing sets alternate
    without rebuilding."""
    plan = getattr(net, "_fast_plan", None)
    if plan is not None and plan.exset is exset and plan.valid(net, exset):
        return plan
    plans = net.__dict__.setdefault("_fast_plans", {})
    plan = plans.get(id(exset))
    if plan is None or plan.exset is not exset or not plan.valid(net, exset):
        plan = _build_plan(net, exset)
        if len(plans) >= 4:
            plans.clear()
        if plan is not None:
            plans[id(exset)] = plan
    net._fast_plan = plan
    return plan


def _quick_blocker(net) -> bool:
    """The per-batch part of batch_blocker that a plan cannot see change."""
    from ..vectorised import HOOKS_INSIDE_EXAMPLES as _HOOKS_INSIDE_EXAMPLES
    if not getattr(net, "vectorise", True) or net.example_writer is not None \
            or net.max_ticks != 1 or net.backprop_ticks != 1 \
            or net.type & (T.CONTINUOUS | T.SRBPTT | T.BOLTZMANN) or net.has_lesions:
        return True
    hooks = net.hooks
    for h in _HOOKS_INSIDE_EXAMPLES:
        if hooks.get(h):
            return True
    return False


def _fill_params(plan, net) -> None:
    """Read the parameters a proc may have changed since the last batch
    (stored values are already rounded to the real type)."""
    gf = plan.gf
    for k, g in plan.gain_groups:
        v = g.gain
        gf[k, F_GAIN] = net.gain if v != v else v
    for k, g in plan.cost_groups:
        tr = g.target_radius
        zr = g.zero_error_radius
        key = (net.target_radius if tr != tr else tr, net.zero_error_radius if zr != zr else zr,
               g.error_scale, net.ticks_per_interval)
        if key != plan.cost_keys.get(k):
            plan.cost_keys[k] = key
            d = net.dtype
            gf[k, F_RADIUS], gf[k, F_ZERO_RADIUS] = key[0], key[1]
            plan.gi[k, G_ADJUST] = 1 if (key[0] != 0.0 or key[1] != 0.0) else 0
            gf[k, F_SCALE] = d(d(key[2]) / d(key[3]))
            gf[k, F_BACK_SCALE] = key[2]


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
    _fill_params(plan, net)
    plan.size_for(n, net)
    par = kernels_for(net, plan)
    if par is False:
        return None
    idx = np.asarray(exset.next_indices(n, session.rng), dtype=np.int64)
    pseudo = bool(net.pseudo_example_freq)
    proto = net.dtype(0)
    threads, _ = _threads_for(plan, "batch")
    t0 = time.perf_counter()
    err = _run_program(plan, idx, pseudo, proto, par, threads=threads)
    plan.pace[("batch", threads)] = time.perf_counter() - t0
    _finish(net, plan, idx, float(err))
    return False


# Sharing the sums between threads pays on an idle machine and costs many
# times over on a busy one (a thread descheduled mid-section holds up the
# others: a 200-100-200 batch took 13 ms on two threads, 1.3 on one, while
# other programs ran).  The bits do not depend on it, so each plan measures
# both and keeps the faster, trying the other again now and then.
PROBE_EVERY = 16


def _threads_for(plan, kind: str):
    """(threads, trial): the threads the sums of the next batches (of `kind`:
    "batch", "burst" or "test") may share -- all of numba's, or one when one
    was faster -- and whether this is a trial of the other choice (a run of
    updates then keeps to one or two: the slower choice may be very slow)."""
    n = numba.get_num_threads()
    if n < 2 or not plan.threads_pay():
        return n, False     # (sums under PARALLEL_WORK run on one thread anyway)
    pace = plan.pace
    plan.trials += 1
    if (kind, 1) not in pace:
        return 1, False
    if (kind, n) not in pace:
        return n, True
    best = 1 if pace[(kind, 1)] <= pace[(kind, n)] else n
    if plan.trials % PROBE_EVERY == 0:
        return (n if best == 1 else 1), True
    return best, False


BURST_SECONDS = 0.03        # longest run of updates without Python (Ctrl-C waits for it)
_EPOCH_HOOKS = ("preEpochProc", "postEpochProc", "postUpdateProc")


def train_updates(session, net, algorithm, run, i, batches_at_crit):
    """Updates i, i+1, ... of `train` in one compiled call, when nothing
    between them needs Python: no epoch or update hooks, no update schedule,
    no report (reporting updates run one by one), every batch and update
    compiled.  Returns None (nothing done) or (updates done, batches at
    criterion, interrupted, pending, met): `pending` -- the batch of update
    i + done has run (net.error set) and the caller goes on from there
    (criterion check, weight update, report) as after training.train_batch.
    The examples, random draws and positions are those of the update-by-update
    loop; a Ctrl-C during the call stops after the updates it completed."""
    if not ENABLED or not getattr(net, "fast_path", True) or _quick_blocker(net):
        return None
    last = burst_last(net, algorithm, run, i)
    if last is None:
        return None
    exset = net.training_set
    plan = _plan(net, exset)
    if plan is None:
        return None
    uplan = _update_plan(net)
    if uplan is None or not _update_params(uplan, net):
        return None
    n = net.batch_size if net.batch_size > 0 else len(exset.examples)
    if n <= 0:
        return None
    _fill_params(plan, net)
    plan.size_for(n, net)
    par = kernels_for(net, plan)
    if par is False:
        return None
    threads, trial = _threads_for(plan, "burst")
    count = min(last - i + 1, 2 if trial else getattr(plan, "burst", 4))
    inc, dec, proto = uplan.rates
    plan.io[1] = threads
    plan.io[2] = PARALLEL_WORK

    def call(idx_all, counter):
        if plan.all_exact:
            train_updates_kernel(idx_all, float(net.criterion), int(net.min_crit_batches),
                                 int(batches_at_crit), counter, plan.programs[False][0],
                                 plan.gi, plan.gf, plan.psend, plan.paddr, plan.pshape,
                                 plan.saddr, plan.wbuf, plan.vals, plan.ext, plan.tgt, plan.freq,
                                 bool(net.pseudo_example_freq), plan.gerr, plan.active, plan.io,
                                 algorithm, uplan.granges, uplan.addr, uplan.shape,
                                 uplan.gparams, uplan.faddr, uplan.baddr, uplan.all_learn, inc,
                                 dec, uplan.stats, par, proto)
        else:       # matrix products in NumPy between the compiled steps
            _updates_with_products(plan, uplan, idx_all, float(net.criterion),
                                   int(net.min_crit_batches), int(batches_at_crit), counter,
                                   algorithm, bool(net.pseudo_example_freq), par, proto)
    ahead = run_ahead(session, net, exset, n, count, call, uplan, None if trial else plan)
    if ahead.complete:
        plan.pace[("burst", threads)] = ahead.seconds / count
    if ahead.batches:
        _finish(net, plan, ahead.idx_all[ahead.batches - 1], float(plan.io[0]),
                batches=ahead.batches)
    return ahead.done, ahead.bac, ahead.interrupted, ahead.pending, False   # (no group criteria)


class AheadRun:
    """What run_ahead did: updates done, whether one more batch is pending,
    batches at criterion, batches run, the examples drawn (count rows of n),
    whether a Ctrl-C stopped it, its seconds, and whether every update ran."""
    __slots__ = ("done", "pending", "bac", "batches", "idx_all", "interrupted", "seconds",
                 "complete")

    def __init__(self, counter, count, idx_all, interrupted, seconds):
        self.done, self.pending, self.bac = int(counter[0]), bool(counter[1]), int(counter[2])
        self.batches = self.done + self.pending
        self.idx_all, self.interrupted, self.seconds = idx_all, interrupted, seconds
        self.complete = self.done == count and not interrupted


def run_ahead(session, net, exset, n: int, count: int, call, uplan, paced=None,
              noise_tables=None) -> AheadRun:
    """A run of `count` updates of n examples each, drawn ahead as the
    batch-by-batch loop draws them: call(idx_all, counter) runs it compiled
    (counter as train_updates_kernel's), with `noise_tables` taken
    from the network's stream before and given back after.  The draws of
    the batches that did not run are given back -- before the noise's
    stream is, as the two are apart (noise.loop_blocker).  After: the
    update statistics (uplan's) stored, and `paced` (a plan) given the next
    run's length (about BURST_SECONDS of updates, growing at most
    fourfold) when every update ran."""
    rng = session.rng
    saved = saved_draws(exset, rng)
    counter = np.zeros(3, dtype=np.int64)
    idx_all = None
    taken = interrupted = False
    t0 = time.perf_counter()
    try:        # (a Ctrl-C while drawing gives the draws back too)
        idx_all = draw_indices(exset, count * n, rng).reshape(count, n)
        if noise_tables is not None:
            noise_tables.take(net.rng)
            taken = True
        call(idx_all, counter)
    except KeyboardInterrupt:
        interrupted = True
    ahead = AheadRun(counter, count, idx_all, interrupted, time.perf_counter() - t0)
    if ahead.batches < count:
        give_back_draws(exset, rng, saved, ahead.batches * n)
    if taken:
        noise_tables.give(net.rng)
    if ahead.complete and paced is not None:
        paced.burst = max(1, min(count * 4, int(BURST_SECONDS * count
                                                / max(ahead.seconds, 1e-9))))
    if ahead.done:
        _store_stats(net, uplan.stats)
    return ahead


def burst_last(net, algorithm, run, i):
    """The last update a run of updates from update i may take in one
    compiled call (None: update i cannot): no epoch or update hooks, no
    update schedule, an algorithm the compiled update has, and the reporting
    updates (every reportInterval-th and the last) left to run one by one."""
    if net.frozen or algorithm not in _ALGORITHMS or net.training_set is None:
        return None
    hooks = net.hooks
    for name in _EPOCH_HOOKS:
        if hooks.get(name):
            return None
    if getattr(run, "schedule", None) is not None or (
            getattr(run, "own", True) and net.update_schedule_object is not None):
        return None
    ri = net.report_interval
    last = net.num_updates
    if ri:
        last = min(last - 1, (i + ri - 1) // ri * ri - 1)
    return last if last >= i else None


def burst_start(net, algorithm, run, i, enabled: bool):
    """(the last update, the batch size, the batch start -- batchstart's
    reset, which the kernel does itself) for a run of updates from update i
    (DERIV_NOISE, after a batch, is Python's), or None.  `enabled`: the
    kernel's module is (its ENABLED)."""
    if not enabled or not getattr(net, "fast_path", True):
        return None
    last = burst_last(net, algorithm, run, i)
    if last is None:
        return None
    exset = net.training_set
    n = net.batch_size if net.batch_size > 0 else len(getattr(exset, "examples", ()))
    start = batchstart.reset_plan(net)
    if n <= 0 or not (start.compiled and start.whole.ok and start.parts.ok) \
            or net.kept("deriv_noise", noise.has_deriv_noise):
        return None
    return last, n, start


def saved_draws(exset, rng):
    """What drawing a run's examples ahead changes (give_back_draws)."""
    return rng.getstate(), exset.current, list(exset.perm), exset.current_example


def give_back_draws(exset, rng, saved, kept: int) -> None:
    """The draws made ahead given back but the first `kept` (the examples of
    the batches that ran), so the stream is where the batch-by-batch loop
    leaves it."""
    rng.setstate(saved[0])
    exset.current, exset.perm[:], exset.current_example = saved[1:]
    if kept:
        draw_indices(exset, kept, rng)


def _updates_with_products(plan, uplan, idx_all, crit, min_crit, bac, counter, algorithm,
                           pseudo, par, proto):
    """train_updates_kernel's loop for a plan whose batches multiply matrices
    in NumPy (`exactSums 0`): the same steps, each batch's program run from
    Python around the products (_run_program), each update compiled."""
    inc, dec, _ = uplan.rates
    threads = int(plan.io[1])
    counter[0] = 0
    counter[1] = 0
    counter[2] = bac
    for t in range(idx_all.shape[0]):
        before = (float(plan.io[0]), plan.gerr.copy())
        try:
            err = _run_program(plan, idx_all[t], pseudo, proto, par, threads=threads)
        except KeyboardInterrupt:
            # (Ctrl-C between two steps: the errors of the last whole batch stand)
            plan.io[0], plan.gerr[:] = before
            raise
        bac = counted_update(err < crit, t, bac, min_crit, counter, algorithm, uplan.granges,
                             uplan.addr, uplan.shape, uplan.gparams, uplan.faddr, uplan.baddr,
                             uplan.all_learn, inc, dec, uplan.stats, proto)
        if bac < 0:
            return


def draw_indices(exset, count, rng):
    """exset.next_indices(count, rng) as an array (ORDERED sets without a
    Python list: the same positions)."""
    n = len(exset.examples)
    if exset.mode == T.ORDERED and n > 0 and count > 0:
        idx = (exset.current + 1 + np.arange(count, dtype=np.int64)) % n
        _ordered_at(exset, int(idx[-1]))
        return idx
    return np.asarray(exset.next_indices(count, rng), dtype=np.int64)


def draw_one(exset, rng) -> int:
    """draw_indices(exset, 1, rng)[0] without making an array (examples run
    one at a time between example hooks)."""
    n = len(exset.examples)
    if exset.mode == T.ORDERED and n > 0:
        return _ordered_at(exset, (exset.current + 1) % n)
    return int(exset.next_indices(1, rng)[0])


def _ordered_at(exset, i: int) -> int:
    """An ORDERED set's position moved to example i (as next_example does)."""
    exset.current = i
    exset.current_example = exset.examples[i]
    return i


def _program(runs, testing):
    """The steps of one batch in Lens's order: per group the input (runs of
    Lens-order sums and single matrix products), output and error; then, when
    training, per group in reverse the derivatives passed back."""
    ops = [] if testing else [(OP_ZERO, 0, 0, 0)]
    for k, group_runs in enumerate(runs):
        ops.append((OP_FBEGIN, k, 0, 0))
        for exact, pa, pb in group_runs:
            ops.append((OP_FDOTS if exact else OP_MM_FWD, k, pa, pb))
        ops.append((OP_FEND, k, 0, 0))
    if not testing:
        for k in range(len(runs) - 1, -1, -1):
            ops.append((OP_BBEGIN, k, 0, 0))
            for exact, pa, pb in runs[k]:
                ops.append((OP_BDOTS if exact else OP_MM_BACK, k, pa, pb))
    ops.append((OP_FINISH, 0, 0, 0))
    steps = []          # (first, end) of compiled stretches, or the row of a product
    start = 0
    for i, op in enumerate(ops):
        if op[0] in (OP_MM_FWD, OP_MM_BACK):
            if i > start:
                steps.append((start, i))
            steps.append((i,))
            start = i + 1
    steps.append((start, len(ops)))
    return np.array(ops, dtype=np.int64), steps


def _run_program(plan, idx, pseudo, proto, par, testing=False, net_err=0.0, write_state=True,
                 threads=None):
    """Run a batch program; the matrix products are forward.py's own (same
    operands, same layouts, so the same rounding).  Returns the net's error."""
    ops, steps = plan.programs[testing]
    io = plan.io
    io[0] = net_err
    io[1] = numba.get_num_threads() if threads is None else threads
    io[2] = PARALLEL_WORK
    if len(steps) == 1:         # Lens-order sums only
        run_ops(ops, 0, len(ops), plan.gi, plan.gf, plan.psend, plan.paddr, plan.pshape,
                plan.saddr, plan.wbuf, plan.vals, plan.ext, plan.tgt, plan.freq, idx, pseudo,
                plan.gerr, plan.active, io, testing, write_state, par, proto)
        return io[0]
    with blas.OneThread():      # (blas.matmul's one thread, set once for the batch)
        for step in steps:
            if len(step) == 2:
                run_ops(ops, step[0], step[1], plan.gi, plan.gf, plan.psend, plan.paddr,
                        plan.pshape, plan.saddr, plan.wbuf, plan.vals, plan.ext, plan.tgt,
                        plan.freq, idx, pseudo, plan.gerr, plan.active, io, testing,
                        write_state, par, proto)
                continue
            op, k, p, _ = ops[step[0]]
            sender = plan.blocks[plan.psend[p]]
            arrays = plan.projs[p].arrays
            if op == OP_MM_FWD:
                inp = plan.blocks[k][IN]
                np.add(inp, sender[OUT] @ arrays.weight.T, out=inp)
            elif plan.active[k]:
                D = plan.blocks[k][DB]
                first = plan.cache_from[plan.psend[p]]
                dc = sender[DC][first:]
                np.add(dc, D[first:] @ arrays.weight, out=dc)
                np.add(arrays.deriv, D.T @ sender[OUT], out=arrays.deriv)
    return io[0]


TEST_CHUNK_VALUES = 4_000_000      # unit values per chunk of a compiled test
TEST_SLOTS = 5                     # input, output, externalInput, target, adjustedTarget


def test_batch(session, net, exset, n: int) -> bool:
    """`test` on n examples, compiled, in chunks of examples (the errors add
    up example after example, as in one batch); False (nothing changed) when
    the NumPy path must run it."""
    if not ENABLED or not getattr(net, "fast_path", True) or _quick_blocker(net):
        return False
    plan = _plan(net, exset)
    if plan is None:
        return False
    _fill_params(plan, net)
    total = max(1, int(plan.gi[:, G_SIZE].sum()))
    chunk = max(1, min(n, TEST_CHUNK_VALUES // (TEST_SLOTS * total)))
    plan.size_for(chunk, net, decide_rows=n, slots=TEST_SLOTS)
    if not plan.all_exact and chunk < n:
        # a matrix product's rounding depends on its number of rows: one chunk
        chunk = n
        plan.size_for(n, net, slots=TEST_SLOTS)
    par = kernels_for(net, plan)
    if par is False:
        return False
    idx_all = np.asarray(exset.next_indices(n, session.rng), dtype=np.int64)
    pseudo = bool(net.pseudo_example_freq)
    proto = net.dtype(0)
    gerr = plan.gerr
    for k, g in enumerate(plan.groups):
        gerr[k] = g.error
    err = net.error
    threads, _ = _threads_for(plan, "test")
    t0 = time.perf_counter()
    for start in range(0, n, chunk):
        idx = idx_all[start:start + chunk]
        if len(idx) != plan.rows:
            plan.size_for(len(idx), net, decide_rows=n, slots=TEST_SLOTS)
        err = float(_run_program(plan, idx, pseudo, proto, par, testing=True, net_err=err,
                                 write_state=start + chunk >= n, threads=threads))
    plan.pace[("test", threads)] = (time.perf_counter() - t0) / n
    _finish(net, plan, idx_all, err, testing=True)
    return True


def _finish(net, plan, idx, err, testing=False, batches=1) -> None:
    """What _run_batch_vectorised and train_batch leave behind besides the
    arrays (after `batches` batches of len(idx) examples, the last on idx)."""
    gerr = plan.gerr
    for k, g in enumerate(plan.groups):
        e = gerr[k]
        if g.error != e:
            g.error = e
        if not testing and g.output_cost != 0.0:
            g.output_cost = 0.0
    net.error = err
    if not testing and net.output_cost != 0.0:
        net.output_cost = 0.0
    net.in_grace_period = False
    rows = len(idx)
    h = net.history_length
    if h:
        for _ in range(batches):
            start = (net.example_history_start + net.ticks_on_example + rows - 1) % h
            net.example_history_start = start
            net.reset_history[start % h] = True
            net.ticks_on_example = 1
    net.current_tick = 0
    net.event_history[0] = 0
    net.ticks_on_example = 1
    net.current_example = plan.exset.examples[idx[-1]]
    if plan.hard_clamp:
        key = ("HARD_CLAMP", net.example_history_start % h if h > 0 else 0)
        for g in plan.hard_clamp:
            g.proc_state[key] = g.external_input.copy()


# -- the weight update -----------------------------------------------------------------------

class _UpdatePlan:
    """The links of a network in Lens's order for the update kernel."""

    def __init__(self, net, projs, granges):
        self.groups = list(net.groups)
        self.incoming = [list(g.incoming) for g in net.groups]
        self.projs = projs
        self.recv = [(k, p.receiver) for k, p in enumerate(projs)]
        self.receivers = list(dict.fromkeys(p.receiver for p in projs))
        self.param_key = None
        self.checked = None         # the task key under which every check passed
        self.all_learn = np.ones(len(projs), dtype=np.uint8)
        # what the kernel reaches by address (kept alive here, checked by valid())
        self.arrays = [(p, p.arrays, p.arrays.weight, p.arrays.deriv, p.arrays.last_delta,
                        p.arrays.last_value, p.frozen, p.receiver.unit_frozen,
                        tuple(getattr(p, name) for name in _UPDATE_BLOCK_PARAMS))
                       for p in projs]
        self.granges = granges
        self.dtype = net.dtype
        self.addr = _addresses([(p.arrays.weight, p.arrays.deriv, p.arrays.last_delta,
                                 p.arrays.last_value) for p in projs], 4)
        self.shape = np.array([p.arrays.weight.shape for p in projs], dtype=np.int64)
        # frozen flags (block rows, receiving units) and the link mask (0: none)
        self.faddr = np.array([[p.frozen.ctypes.data, p.receiver.unit_frozen.ctypes.data,
                                0 if p.mask is None else p.mask.ctypes.data] for p in projs],
                              dtype=np.int64).reshape(-1, 3)
        self.masks = [p.mask for p in projs]
        self.baddr = _addresses([tuple(getattr(p, name) for name in _UPDATE_BLOCK_PARAMS)
                                 for p in projs], len(_UPDATE_BLOCK_PARAMS))
        self.gparams = np.zeros((len(projs), 3))
        self.stats = np.zeros(2)
        self.stopped = {}       # receiving group -> its frozen or lesioned units (kept alive)

    def valid(self, net) -> bool:
        if net.groups != self.groups or net.dtype is not self.dtype:
            return False
        for g, inc in zip(self.groups, self.incoming):
            if g.incoming != inc:
                return False
        for p, m in zip(self.projs, self.masks):
            if p.mask is not m:
                return False
        for p, arrays, w, d, last, value, frozen, unit_frozen, blocks in self.arrays:
            if p.arrays is not arrays or arrays.weight is not w or arrays.deriv is not d \
                    or arrays.last_delta is not last or arrays.last_value is not value \
                    or p.frozen is not frozen or p.receiver.unit_frozen is not unit_frozen:
                return False
            for name, b in zip(_UPDATE_BLOCK_PARAMS, blocks):
                if getattr(p, name) is not b:
                    return False
        return True


_UPDATE_BLOCK_PARAMS = ("learning_rate", "momentum", "weight_decay", "min", "max")


def _build_update_plan(net):
    if net.dtype not in (np.float32, np.float64):
        return None
    projs, granges, seen = [], [], set()
    for g in net.groups:
        if not g.incoming:
            continue
        start = len(projs)
        for p in g.incoming:
            w = p.arrays
            if p.mask is not None and (p.mask.dtype != np.bool_ or not p.mask.flags.c_contiguous
                                       or p.mask.shape != w.weight.shape):
                return None
            if id(w) in seen or not all(
                    a.flags.c_contiguous and a.dtype == net.dtype
                    for a in (w.weight, w.deriv, w.last_delta, w.last_value)):
                return None
            if not all(getattr(p, name).dtype == net.dtype and getattr(p, name).flags.c_contiguous
                       for name in _UPDATE_BLOCK_PARAMS) or p.frozen.dtype != np.bool_ \
                    or g.unit_frozen.dtype != np.bool_:
                return None
            seen.add(id(w))
            projs.append(p)
        granges.append((start, len(projs)))
    if not projs:
        return None
    return _UpdatePlan(net, projs, np.asarray(granges, dtype=np.int64).reshape(-1, 2))


def update_weights(net, algorithm: int, do_stats: bool, learning=None) -> None:
    """algorithms.update_weights, compiled when it can be (the same numbers)."""
    if not try_update_weights(net, algorithm, do_stats, learning):
        from ..algorithms import update_weights as numpy_update
        numpy_update(net, algorithm, do_stats, learning)


def try_update_weights(net, algorithm: int, do_stats: bool, learning=None) -> bool:
    """Do algorithms.update_weights compiled if every link learning on this
    update has its group's or the network's parameters (no per-block values,
    no frozen groups, no adaptive gains, no shared arrays); False, having
    changed nothing, otherwise."""
    if algorithm not in _ALGORITHMS:
        return False
    # a plan that passed every check under this task key passes them still
    # (an edit of the net, a parameter set by a hook, a lesion included,
    # changes the key)
    key = net.task_key()
    plan = net.__dict__.get("_fast_update_plan")
    if key is None or plan is None or plan.checked != key:
        plan = _checked_update_plan(net)
        if plan is None:
            return False
        plan.checked = key
    return _run_update(plan, net, algorithm, do_stats, learning)


def _checked_update_plan(net):
    """The network's update plan with its parameters filled, or None when the
    compiled update cannot run it now."""
    if not (ENABLED and getattr(net, "fast_path", True) and not net.frozen) \
            or kernels_for(net) is False:
        return None
    plan = _update_plan(net)
    if plan is None or not _update_params(plan, net):
        return None
    return plan


def _update_plan(net):
    """The network's _UpdatePlan (None: the kernel cannot update it)."""
    plan = getattr(net, "_fast_update_plan", None)
    if plan is None or not plan.valid(net):
        plan = net._fast_update_plan = _build_update_plan(net)
    if plan is not None:
        lesioned = net.has_lesions
        if lesioned or plan.stopped:
            _stop_lesioned_rows(plan, lesioned)
    return plan


def _stop_lesioned_rows(plan, lesioned: bool) -> None:
    """Lesioned receivers learn nothing and count in no statistic, as frozen
    units (algorithms._updatable): the kernel's frozen-unit flags of their
    projections are theirs or'd with the lesions (set again whenever the
    plan is checked: freezing and lesioning change them in place, and both
    count as edits)."""
    plan.stopped = {}
    for k, p in enumerate(plan.projs):
        g = p.receiver
        skip = g.skipped if lesioned else None
        if skip is None:
            plan.faddr[k, 1] = g.unit_frozen.ctypes.data
            continue
        rows = plan.stopped.get(id(g))
        if rows is None:
            rows = plan.stopped[id(g)] = g.unit_frozen | skip
        plan.faddr[k, 1] = rows.ctypes.data


_ALGORITHMS = (T.STEEPEST, T.MOMENTUM, T.DOUGS_MOMENTUM, T.DELTA_BAR_DELTA)


def _update_params(plan, net) -> bool:
    """Fill the plan's parameter table: each receiving group's (or the net's)
    rate, momentum and decay, rewritten only when one of them changed.  False
    when the compiled update cannot run (frozen or adaptive-gain groups)."""
    key = [net.learning_rate, net.momentum, net.weight_decay, net.rate_increment,
           net.rate_decrement]
    for g in plan.receivers:
        if g.type & T.FROZEN:
            return False
        key += (g.learning_rate, g.momentum, g.weight_decay)
    for g in plan.groups:
        # Lens updates the gains of every unfrozen ADAPTIVE_GAIN group, links or not
        if g.type & T.ADAPTIVE_GAIN and not g.frozen:
            return False
    if key != plan.param_key:
        plan.param_key = key
        gp = plan.gparams
        for k, g in plan.recv:
            for c, name in enumerate(("learning_rate", "momentum", "weight_decay")):
                v = getattr(g, name)
                gp[k, c] = getattr(net, name) if v != v else v
        d = net.dtype
        plan.rates = (d(net.rate_increment), d(net.rate_decrement), d(0))
    return True


def _store_stats(net, stats) -> None:
    if net.gradient_linearity != stats[0] or stats[0] != stats[0]:
        net.gradient_linearity = stats[0]
    if net.weight_cost != stats[1]:
        net.weight_cost = stats[1]


def _run_update(plan, net, algorithm, do_stats, learning=None) -> bool:
    """The compiled update on a plan whose parameters are filled for now."""
    inc, dec, proto = plan.rates
    stats = plan.stats
    if learning is None:
        learns = plan.all_learn
    else:
        ids = learning.arrays
        learns = np.fromiter((id(p.arrays) in ids for p in plan.projs), dtype=np.uint8,
                             count=len(plan.projs))
    if not update(algorithm, do_stats, plan.granges, plan.addr, plan.shape, plan.gparams,
                  plan.faddr, plan.baddr, learns, 1.0, inc, dec, stats, proto):
        return False
    _store_stats(net, stats)
    return True


if HAVE_NUMBA:
    KERNELS = kernelcache.Kernels("fastpath", __file__, _warm, run_ops, variants=VARIANTS,
                                  depends=(fastlog.__file__, R.__file__),
                                  what="the batch kernels", compile_seconds=25.0)
