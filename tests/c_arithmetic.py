"""Lens 2.63's C arithmetic written out in Python, independently of the
engine, for the oracle tests: the random streams (drand48, glibc random),
the table sigmoid, the activation and error functions forwards and
backwards, DOT_PRODUCT's unrolled sums, a whole training batch and weight
update of a small net (`Oracle`), and example selection (`Chooser`).

Each follows act.c, train.c/h, connect.c, util.c and example.c with C's
float/double rules: F32(...) where C stores or computes in `real`, plain
Python floats where C computes in double."""
import math

import numpy as np


F32 = np.float32
F64 = np.float64


# -- independent oracles ----------------------------------------------------------

class Drand48:
    """srand48(n) + drand48(), straight from the definition."""

    def __init__(self, seed: int):
        self.x = ((seed & 0xFFFFFFFF) << 16) | 0x330E

    def __call__(self) -> float:
        self.x = (0x5DEECE66D * self.x + 0xB) & ((1 << 48) - 1)
        return self.x / 2.0 ** 48


def drand48_stream(seed: int, n: int) -> list:
    """The first n draws of drand48 after srand48(seed)."""
    d = Drand48(seed)
    return [d() for _ in range(n)]


def rand_real(d: float, mean=0.0, rng=1.0) -> F32:
    """randReal: (real)(2d - 1) * range + mean, float arithmetic."""
    return F32(F32(F32(2.0 * d - 1.0) * F32(rng)) + F32(mean))


def fast_sigmoid(x) -> F32:
    """Lens's table sigmoid of one float (util.c), entry by entry."""
    x = F32(x)
    x = max(F32(-16), min(F32(16), x))
    v = F32(F32(x + F32(16)) * F32(1024))
    i = int(v)
    v = F32(v - F32(i))

    def table(k):
        t = F32(F32(k) / F32(1024) - F32(16))
        e = F32(math.exp(-float(t)))
        return F32(1.0 / (float(e) + 1.0))
    return F32((1.0 - float(v)) * float(table(i)) + float(F32(v * table(i + 1))))


def c_log(x: float) -> float:
    """C's log: NaN below 0, -inf at 0."""
    x = float(x)
    if x != x or x < 0:
        return math.nan
    return -math.inf if x == 0 else math.log(x)


def same(a, b) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def weights(L, group: str) -> np.ndarray:
    """[units, incoming links] of a group in Lens's link order (dense nets)."""
    g = L.net.group(group)
    return np.hstack([p.weight for p in g.incoming])


# -- output procedures (act.c) ----------------------------------------------------------------

def ce_deriv(o: F32, t: F32) -> float:
    """CROSS_ENTROPY_DERIV (act.h) as the double it is in C."""
    if t == 0.0:
        return 1e8 if F32(1.0 - float(o)) <= F32(1e-8) else float(F32(1.0)) / (1.0 - float(o))
    if t == 1.0:
        return -1e8 if o <= F32(1e-8) else float(F32(F32(-1.0) / o))
    den = float(o) * (1.0 - float(o))
    if den <= float(F32(1e-8)):
        return float(F32(F32(o - t) * F32(1e8)))
    return float(F32(o - t)) / den


# -- a whole training run of a small net, recomputed the C way ----------------------------
#
# Net: bias, input(2), hidden(3, LOGISTIC), output(2, <act>, <cost>).  The oracle
# below follows act.c / train.c / train.h line by line with Python scalars:
# F32(...) where C stores or computes in `real`, plain floats where C computes
# in double.

def act_forward(kind, x_in, gain=F32(1)):
    """[outputs] of one group from its [inputs]."""
    if kind == "LOGISTIC":
        return [fast_sigmoid(F32(i * gain)) for i in x_in]
    if kind == "LINEAR":
        return list(x_in)
    if kind == "TANH":
        out = []
        for i in x_in:
            x = F32(gain * i)
            out.append(F32(1.0) if x >= 17 else F32(-1.0) if x <= -17 else F32(math.tanh(x)))
        return out
    if kind == "EXPONENTIAL":
        return [F32(math.exp(float(i))) for i in x_in]
    if kind == "GAUSSIAN":
        return [F32(math.exp(float(F32(-F32(i * gain) * F32(i * gain))))) for i in x_in]
    if kind == "SOFT_MAX":
        m = 0.0
        for i in x_in:
            if i > m:
                m = float(i)
        outs = [F32(math.exp(float(i) - m)) for i in x_in]
        total = 0.0
        for o in outs:
            total += float(o)
        scale = 1.0 / total
        return [F32(float(o) * scale) for o in outs]
    raise ValueError(kind)


def act_back(kind, x_in, out, od, gain=F32(1)):
    """[inputDerivs] from [outputDerivs]."""
    if kind == "LOGISTIC":
        return [F32(float(F32(d * o)) * (1.0 - float(o)) * float(gain))
                for o, d in zip(out, od)]
    if kind == "LINEAR":
        return list(od)
    if kind == "TANH":
        res = []
        for i, d in zip(x_in, od):
            if i >= 17 or i <= -17:
                deriv = F32(1e-8)
            else:
                c = F32(math.cosh(float(i)))
                deriv = F32(F32(1.0) / F32(c * c))
            res.append(F32(F32(d * gain) * deriv))
        return res
    if kind == "EXPONENTIAL":
        return [F32(o * d) for o, d in zip(out, od)]
    if kind == "GAUSSIAN":
        scale = F32(-2.0 * float(gain) * float(gain))
        return [F32(F32(F32(d * o) * i) * scale) for i, o, d in zip(x_in, out, od)]
    if kind == "SOFT_MAX":
        s = 0.0
        for o, d in zip(out, od):
            s += float(F32(d * o))
        return [F32(float(o) * (float(d) - s)) for o, d in zip(out, od)]
    raise ValueError(kind)


def adjusted(o, t, tr, zr):
    d = F32(o - t)
    if d < zr and d > -zr:
        return o
    if d > tr:
        return F32(t + tr)
    if d < -tr:
        return F32(t - tr)
    return o


def cost_forward(cost, outs, tgts):
    """(group error before scaling, state for the backward pass)."""
    err = F32(0)
    if cost == "COSINE":
        sq_o = sq_t = dot = F32(0)
        for o, t in zip(outs, tgts):
            sq_o = F32(sq_o + F32(o * o))
            sq_t = F32(sq_t + F32(t * t))
            dot = F32(dot + F32(o * t))
        return None, (sq_o, sq_t, dot)
    for o, t in zip(outs, tgts):
        if cost == "SUM_SQUARED":
            d = F32(o - t)
            term = float(F32(d * d))
        elif cost == "CROSS_ENTROPY":
            if t == 0.0:
                term = 1e8 if o == 1.0 else float(-F32(c_log(1.0 - float(o))))
            elif t == 1.0:
                term = 1e8 if o == 0.0 else float(-F32(c_log(float(o))))
            elif o <= 0.0 or o >= 1.0:
                term = 1e8
            else:
                term = (float(F32(F32(c_log(float(F32(t / o)))) * t))
                        + float(F32(c_log((1.0 - float(t)) / (1.0 - float(o)))))
                        * (1.0 - float(t)))
        elif cost == "DIVERGENCE":
            if t == 0.0:
                term = 0.0
            elif o <= 0.0:
                term = float(F32(t * F32(c_log(float(F32(t * F32(1e8)))))))
            else:
                term = float(F32(F32(c_log(float(F32(t / o)))) * t))
        err = F32(float(err) + term)
    return err, None


def cost_back(cost, outs, tgts, es, state):
    od = [F32(0)] * len(outs)
    if cost == "SUM_SQUARED":
        s = F32(1.0 * float(es) * 2.0)
        return [F32(d + F32(s * F32(o - t))) for d, o, t in zip(od, outs, tgts)]
    if cost == "CROSS_ENTROPY":
        return [F32(float(d) + float(es) * ce_deriv(o, t)) for d, o, t in zip(od, outs, tgts)]
    if cost == "DIVERGENCE":
        res = []
        for d, o, t in zip(od, outs, tgts):
            if t == 0.0:
                v = 0.0
            elif o <= F32(1e-8):
                v = float(F32(-t * F32(1e8)))
            else:
                v = float(F32(-t / o))
            res.append(F32(float(d) + float(es) * v))
        return res
    if cost == "COSINE":
        cos, inv_dot, inv_sq = state
        if cos == 0.0:
            return od
        return [F32(d + F32(cos * F32(F32(o * inv_sq) - F32(t * inv_dot))))
                for d, o, t in zip(od, outs, tgts)]
    raise ValueError(cost)


def dot_inputs(senders, W):
    """Each unit: 0, then + o·w link after link (blocks of <= 10 links)."""
    res = []
    for row in W:
        acc = F32(0)
        for o, w in zip(senders, row):
            acc = F32(acc + F32(o * w))
        res.append(acc)
    return res


class Oracle:
    def __init__(self, L, act, cost):
        self.act, self.cost = act, cost
        self.Wh = weights(L, "hidden").astype(F32).copy()     # [3, bias+2]
        self.Wo = weights(L, "output").astype(F32).copy()     # [2, bias+3]
        self.Lh = np.zeros_like(self.Wh)
        self.Lo = np.zeros_like(self.Wo)
        self.rate_h = np.ones_like(self.Wh)      # delta-bar-delta link rates
        self.rate_o = np.ones_like(self.Wo)

    def batch(self, examples, es=F32(1), tr=F32(0), zr=F32(0), ticks=1):
        """(net error, link derivs) of one batch."""
        Dh = np.zeros_like(self.Wh)
        Do = np.zeros_like(self.Wo)
        net_err = F32(0)
        for x, tgt in examples:
            src_h = [F32(1)] + [F32(v) for v in x]
            h_in = dot_inputs(src_h, self.Wh)
            h_out = act_forward("LOGISTIC", h_in)
            src_o = [F32(1)] + h_out
            o_in = dot_inputs(src_o, self.Wo)
            o_out = act_forward(self.act, o_in)
            tgts = [F32(t) for t in tgt]
            if tr != 0.0 or zr != 0.0:
                tgts = [adjusted(o, t, tr, zr) for o, t in zip(o_out, tgts)]
            err, state = cost_forward(self.cost, o_out, tgts)
            if self.cost == "COSINE":
                sq_o, sq_t, dot = state
                cos = F32(0) if F32(sq_o * sq_t) == 0.0 else \
                    F32(dot / F32(math.sqrt(float(F32(sq_o * sq_t)))))
                cos = F32(float(cos) * (1.0 * float(es)))
                state = (cos, F32(1.0 / float(dot)), F32(1.0 / float(sq_o)))
                err = F32((1.0 - float(cos)) * float(es) / ticks * 1.0)
            else:
                err = F32(float(err) * float(F32(es / F32(ticks))) * 1.0)
            net_err = F32(net_err + err)
            od = cost_back(self.cost, o_out, tgts, es, state)
            o_id = act_back(self.act, o_in, o_out, od)
            cache = [F32(0)] * 4
            for u in range(2):
                for j in range(4):
                    cache[j] = F32(cache[j] + F32(o_id[u] * self.Wo[u, j]))
                    Do[u, j] = F32(Do[u, j] + F32(o_id[u] * src_o[j]))
            h_id = act_back("LOGISTIC", h_in, h_out, cache[1:])
            for u in range(3):
                for j in range(3):
                    Dh[u, j] = F32(Dh[u, j] + F32(h_id[u] * src_h[j]))
        return net_err, Dh, Do

    def update(self, alg, Dh, Do, lr=(F32(0.1), F32(0.1)), mom=(F32(0.9), F32(0.9)),
               decay=(F32(0), F32(0)), frozen=(False, False), inc=F32(0.1), dec=F32(0.9),
               clip=None):
        """One weight update; returns (weightCost, gradientLinearity) as Lens
        computes them on a reporting update."""
        parts = [(self.Wh, self.Lh, Dh, self.rate_h, 0), (self.Wo, self.Lo, Do, self.rate_o, 1)]
        parts = [p for p in parts if not frozen[p[4]]]
        scale = 1.0
        if alg == "dougsMomentum":
            s = 0.0
            for W, Last, D, _, _ in parts:
                for d in D.ravel():
                    s += float(F32(d * d))
            scale = 1.0 / float(F32(math.sqrt(s))) if s > 1.0 else 1.0
        grad_lin = delta_len = deriv_len = cost = F32(0)
        for W, Last, D, rate, k in parts:
            for idx in np.ndindex(W.shape):
                w, g, last = W[idx], D[idx], Last[idx]
                lr_k = F32(lr[k][idx] if np.ndim(lr[k]) else lr[k])
                grad_lin = F32(grad_lin - F32(last * g))
                delta_len = F32(delta_len + F32(last * last))
                deriv_len = F32(deriv_len + F32(g * g))
                if alg == "steepest":
                    step = F32(-lr_k * g)
                elif alg == "momentum":
                    step = F32(F32(-lr_k * g) + F32(mom[k] * last))
                elif alg == "dougsMomentum":
                    step = F32(float(-lr_k) * scale * float(g) + float(F32(mom[k] * last)))
                else:
                    r = rate[idx]
                    opposite = math.copysign(1, g) != math.copysign(1, last)
                    r = F32(r + inc) if opposite else F32(r * dec)
                    rate[idx] = r
                    step = F32(F32(F32(-r * lr_k) * g) + F32(mom[k] * last))
                if decay[k] > 0.0:
                    step = F32(step - F32(decay[k] * w))
                new = F32(w + step)
                if clip is not None and k in clip:
                    lo, hi = (F32(v[idx]) for v in clip[k])
                    if not math.isnan(lo) and new < lo:
                        new = lo
                    elif not math.isnan(hi) and new > hi:
                        new = hi
                Last[idx] = F32(new - w)
                W[idx] = new
                cost = F32(cost + F32(new * new))
        prod = F32(delta_len * deriv_len)
        gl = math.nan if prod == 0.0 else F32(grad_lin / F32(math.sqrt(float(prod))))
        return F32(cost / F32(2)), gl


class Chooser:
    """Lens's example selection (example.c), on its own random streams."""

    def __init__(self, mode, n, seed=3, drand_skip=0):
        self.mode, self.n, self.cur, self.perm = mode, n, -1, list(range(n))
        self.rnd, self.d = GlibcRandom(seed), Drand48(seed)
        for _ in range(drand_skip):
            self.d()

    def next(self, freqs):
        n = self.n
        if self.mode == "ORDERED":
            self.cur = (self.cur + 1) % n
            return self.cur
        if self.mode == "PERMUTED":
            i = self.cur + 1
            i = 0 if i == n else i
            j = i + self.rnd() % (n - i)
            self.perm[i], self.perm[j] = self.perm[j], self.perm[i]
            self.cur = i
            return self.perm[i]
        if self.mode == "RANDOMIZED":
            self.cur = self.rnd() % n
            return self.cur
        total = F32(0)
        for f in freqs:
            total = F32(total + F32(f))
        scale, acc, probs = F32(1.0 / float(total)), F32(0), []
        for f in freqs:
            acc = F32(acc + F32(F32(f) * scale))
            probs.append(acc)
        probs[-1] = F32(1)
        r = F32(self.d())
        lo, hi = 0, n - 1
        while lo < hi:
            m = (lo + hi) // 2
            if probs[m] < r:
                lo = m + 1
            else:
                hi = m
        return lo


# -- DOT_PRODUCT's unrolled loop (act.h: FOR_EACH_LINK_FAST_FORW) -----------------------------

def lens_block_sum(acc, outs, ws):
    """acc + one block's links: chunks of ten (summed among themselves, then
    added) while more than ten links remain, then link by link."""
    n, k = len(outs), 0
    while k + 10 < n:
        chunk = F32(outs[k] * ws[k])
        for j in range(k + 1, k + 10):
            chunk = F32(chunk + F32(outs[j] * ws[j]))
        acc = F32(acc + chunk)
        k += 10
    for j in range(k, n):
        acc = F32(acc + F32(outs[j] * ws[j]))
    return acc


# -- sparse projections (connect.c) and their draws ----------------------------------------------

class GlibcRandom:
    """srandom(n) + random(), glibc's TYPE_3 additive generator."""

    def __init__(self, seed: int):
        r = [seed or 1]
        for i in range(1, 31):
            r.append((16807 * r[i - 1]) % 2147483647)
        r += r[:3]
        self.r = r
        for _ in range(310):
            self._next()

    def _next(self) -> int:
        v = (self.r[-31] + self.r[-3]) & 0xFFFFFFFF
        self.r.append(v)
        del self.r[0]
        return v

    def __call__(self) -> int:
        return self._next() >> 1


def rand_sort(arr, n, rnd):
    for i in range(n - 1):
        j = rnd() % (n - i)
        arr[i], arr[i + j] = arr[i + j], arr[i]
