"""The input procedures beyond a dense DOT_PRODUCT, compiled for one example:
DOT_PRODUCT over a sparse (masked: ONE_TO_ONE, RANDOM, FAN, ...) projection,
PRODUCT and DISTANCE, forward and backward.  compiled/example.py's tick calls
them; each works on views the caller makes (a group's state rows, a
projection's weight, derivative and link mask), so this module knows nothing
of addresses.

The arithmetic is forward.py's and groupprocs.py's (Lens's act.c): float32
throughout, links in Lens's order.  A sparse projection's links of one
receiving unit run in blocks of consecutive senders, each block summed as
Lens's unrolled loop does (products ten at a time, then the rest); its
backward step is the dense one with the derivatives of absent links left 0
(what forward.dot_product_back does).  PRODUCT multiplies o·w link after
link; its backward step divides the unit's derivative times its input by
each link's o·w.  DISTANCE sums (w − o)²; its backward step passes over a
unit whose doubled derivative is 0.  The terms groupprocs.py gives as
neutral elements (absent links) are simply not visited here.
"""
from __future__ import annotations

import numpy as np

try:
    import numba
    HAVE_NUMBA = True
except ImportError:
    numba = None
    HAVE_NUMBA = False

# input procedure codes of a group (compiled/example.py's G_DOT column)
IN_NONE, IN_DOT, IN_PRODUCT, IN_DISTANCE = 0, 1, 2, 3

# rows of a group's state array (group.UNIT_ARRAYS)
IN, OUT, OC, OD, DC, ID = range(6)


if HAVE_NUMBA:
    # Inlined (numba's IR) into the group steps that call them: a call between
    # separately compiled functions passes each array as a struct of several
    # words, which costs as much as a small projection's sums.
    _njit = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False,
                       inline="always")
    f32 = np.float32

    @_njit
    def _run_sum(acc, w, so, u, a, b):
        """acc + the products of senders a..b-1 of unit u, as Lens's unrolled
        loop adds one block: ten at a time into a partial sum, then the rest."""
        S = b - a
        chunks = (S - 1) // 10 if S > 10 else 0
        j = a
        for _ in range(chunks):
            s1 = f32(so[OC, j] * w[u, j])
            for t in range(1, 10):
                s1 = f32(s1 + f32(so[OC, j + t] * w[u, j + t]))
            acc = f32(acc + s1)
            j += 10
        for jj in range(j, b):
            acc = f32(acc + f32(so[OC, jj] * w[u, jj]))
        return acc

    @_njit
    def masked_dot_input(st, n, w, mask, so, S):
        """st[IN] += a sparse projection's sums, block by block."""
        for u in range(n):
            acc = st[IN, u]
            j = 0
            while j < S:
                if mask[u, j] == 0:
                    j += 1
                    continue
                a = j
                while j < S and mask[u, j] != 0:
                    j += 1
                acc = _run_sum(acc, w, so, u, a, j)
            st[IN, u] = acc

    @_njit
    def clear_absent(dv, mask, R, S):
        """A sparse projection's backward step leaves absent links' derivatives 0."""
        for u in range(R):
            for j in range(S):
                if mask[u, j] == 0:
                    dv[u, j] = f32(0.0)

    @_njit
    def product_input(st, n, w, mask, so, S, first):
        """PRODUCT: st[IN] (1 before the group's first projection) times o·w
        of each link."""
        for u in range(n):
            acc = f32(1.0) if first else st[IN, u]
            for j in range(S):
                if mask.shape[0] == 0 or mask[u, j] != 0:
                    acc = f32(acc * f32(so[OC, j] * w[u, j]))
            st[IN, u] = acc

    @_njit
    def product_back(st, n, w, dv, mask, ss, S):
        """PRODUCT's backward step for one projection (the unit's input is the
        product the forward step stored)."""
        for u in range(n):
            p = f32(st[ID, u] * st[IN, u])
            for j in range(S):
                if mask.shape[0] == 0 or mask[u, j] != 0:
                    o = ss[OC, j]
                    v = f32(p / f32(o * w[u, j]))
                    ss[DC, j] = f32(ss[DC, j] + f32(v * w[u, j]))
                    dv[u, j] = f32(dv[u, j] + f32(v * o))

    @_njit
    def distance_input(st, n, w, mask, so, S, first):
        """DISTANCE: st[IN] (0 before the first projection) plus (w − o)² of
        each link."""
        for u in range(n):
            acc = f32(0.0) if first else st[IN, u]
            for j in range(S):
                if mask.shape[0] == 0 or mask[u, j] != 0:
                    d = f32(w[u, j] - so[OC, j])
                    acc = f32(acc + f32(d * d))
            st[IN, u] = acc

    @_njit
    def distance_back(st, n, w, dv, mask, ss, S):
        for u in range(n):
            twice = f32(st[ID, u] * f32(2.0))
            if twice == f32(0.0):
                continue
            for j in range(S):
                if mask.shape[0] == 0 or mask[u, j] != 0:
                    delta = f32(twice * f32(w[u, j] - ss[OC, j]))
                    ss[DC, j] = f32(ss[DC, j] - delta)
                    dv[u, j] = f32(dv[u, j] + delta)

    # -- a dense DOT_PRODUCT, arranged for the processor ------------------------------
    # The additions forward.py makes, in its order (each unit's links in chunks
    # of ten, the sender derivative receiving unit after receiving unit); only
    # independent work is interleaved: four receiving units' sums at
    # once (each unit's own sum still runs link after link), and the sender
    # derivative and link derivative of a link in one pass.

    @_njit
    def dense_dot_input(st, n, w, so, S):
        chunks = (S - 1) // 10 if S > 10 else 0
        tail = chunks * 10
        u = 0
        while u + 4 <= n:
            a0, a1, a2, a3 = st[IN, u], st[IN, u + 1], st[IN, u + 2], st[IN, u + 3]
            j = 0
            for _ in range(chunks):
                o = so[OC, j]
                s0 = f32(o * w[u, j])
                s1 = f32(o * w[u + 1, j])
                s2 = f32(o * w[u + 2, j])
                s3 = f32(o * w[u + 3, j])
                for t in range(j + 1, j + 10):
                    o = so[OC, t]
                    s0 = f32(s0 + f32(o * w[u, t]))
                    s1 = f32(s1 + f32(o * w[u + 1, t]))
                    s2 = f32(s2 + f32(o * w[u + 2, t]))
                    s3 = f32(s3 + f32(o * w[u + 3, t]))
                a0 = f32(a0 + s0)
                a1 = f32(a1 + s1)
                a2 = f32(a2 + s2)
                a3 = f32(a3 + s3)
                j += 10
            for t in range(tail, S):
                o = so[OC, t]
                a0 = f32(a0 + f32(o * w[u, t]))
                a1 = f32(a1 + f32(o * w[u + 1, t]))
                a2 = f32(a2 + f32(o * w[u + 2, t]))
                a3 = f32(a3 + f32(o * w[u + 3, t]))
            st[IN, u], st[IN, u + 1], st[IN, u + 2], st[IN, u + 3] = a0, a1, a2, a3
            u += 4
        for uu in range(u, n):
            acc = st[IN, uu]
            j = 0
            for _ in range(chunks):
                s0 = f32(so[OC, j] * w[uu, j])
                for t in range(j + 1, j + 10):
                    s0 = f32(s0 + f32(so[OC, t] * w[uu, t]))
                acc = f32(acc + s0)
                j += 10
            for t in range(tail, S):
                acc = f32(acc + f32(so[OC, t] * w[uu, t]))
            st[IN, uu] = acc

    @_njit
    def dense_dot_input_t(st, n, wt, so, S):
        """dense_dot_input from the transposed weights (wt[j, u] = w[u, j]; row
        S is scratch): each unit's sum as there, all units side by side."""
        part = wt[S]
        acc = st[IN]
        chunks = (S - 1) // 10 if S > 10 else 0
        j = 0
        for _ in range(chunks):
            o = so[OC, j]
            row = wt[j]
            for u in range(n):
                part[u] = f32(o * row[u])
            for t in range(j + 1, j + 10):
                o = so[OC, t]
                row = wt[t]
                for u in range(n):
                    part[u] = f32(part[u] + f32(o * row[u]))
            for u in range(n):
                acc[u] = f32(acc[u] + part[u])
            j += 10
        for t in range(j, S):
            o = so[OC, t]
            row = wt[t]
            for u in range(n):
                acc[u] = f32(acc[u] + f32(o * row[u]))

    @_njit
    def dense_dot_back_few(st, w, dv, ss, R, S, skip):
        """dense_dot_back for a projection from a few senders (a bias): each
        sender's derivative summed over the receivers in turn, as there, but
        held in a register rather than stored back after every receiver."""
        dc = ss[DC]
        oc = ss[OC]
        for j in range(S):
            x = dc[j]
            o = oc[j]
            for u in range(R):
                d = f32(0.0) if skip else st[ID, u]
                x = f32(x + f32(d * w[u, j]))
                dv[u, j] = f32(dv[u, j] + f32(d * o))
            dc[j] = x

    @_njit
    def dense_dot_back(st, w, dv, ss, R, S, skip):
        dc = ss[DC]
        oc = ss[OC]
        for u in range(R):
            d = f32(0.0) if skip else st[ID, u]
            wu = w[u]
            dvu = dv[u]
            for j in range(S):
                dc[j] = f32(dc[j] + f32(d * wu[j]))
                dvu[j] = f32(dvu[j] + f32(d * oc[j]))
