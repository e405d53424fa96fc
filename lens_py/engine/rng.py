"""Lens's two random streams, bit for bit.

Lens draws weights and probabilities from drand48 and example order from
glibc's ``random()``; ``seed n`` seeds both.  Reproducing them exactly is what
makes a seeded lens_py run present the same weights and the same examples as
the original.  drand48 is a 48-bit LCG, so a whole block of draws is computed
at once by jumping ahead (X_k = A_k X_0 + C_k), which keeps building a
million-link network fast.
"""
from __future__ import annotations

import os
import time

import numpy as np

_MASK48 = (1 << 48) - 1
_A = 0x5DEECE66D
_C = 0xB
_BLOCK = 4096
_FEW = 16          # drand48_array draws this many one by one


def _jump_tables(n: int):
    """A_k, C_k (k = 1..n) with X_k = A_k * X_0 + C_k mod 2^48."""
    a = np.empty(n, dtype=np.uint64)
    c = np.empty(n, dtype=np.uint64)
    ak, ck = 1, 0
    for k in range(n):
        ak = (ak * _A) & _MASK48
        ck = (ck * _A + _C) & _MASK48
        a[k] = ak
        c[k] = ck
    return a, c


_JUMP_A, _JUMP_C = _jump_tables(_BLOCK)
_M24 = np.uint64((1 << 24) - 1)
_S24 = np.uint64(24)
_M48 = np.uint64(_MASK48)


def _mul48(a: np.ndarray, x: int) -> np.ndarray:
    """(a * x) mod 2^48 for uint64 arrays of 48-bit values, without overflow."""
    xl = np.uint64(x & 0xFFFFFF)
    xh = np.uint64(x >> 24)
    al = a & _M24
    ah = a >> _S24
    cross = ((ah * xl + al * xh) & _M24) << _S24
    return (al * xl + cross) & _M48


class LensRandom:
    """drand48 + glibc TYPE_3 random(), seeded together as Lens's `seed` does."""

    def __init__(self, seed: int | None = None):
        self.last_seed = 0
        # randGaussian's kept second value: (value, mean, range) or None.  Not
        # reset by seed (Lens keeps it in static variables; noise.py)
        self.gaussian_kept = None
        self.seed(seed)

    # -- seeding ---------------------------------------------------------
    def seed(self, n: int | None = None) -> int:
        if n is None:
            n = (os.getpid() * int(time.time()) * 31) & 0xFFFFFFFF
        n &= 0xFFFFFFFF
        self.last_seed = n
        self._x = ((n << 16) | 0x330E) & _MASK48
        self._seed_random(n)
        return n

    def _seed_random(self, n: int) -> None:
        # glibc srandom_r, TYPE_3 (degree 31, separation 3); int32 arithmetic.
        word = n - (1 << 32) if n >= (1 << 31) else n
        if word == 0:
            word = 1
        r = [word]
        for _ in range(1, 31):
            hi = int(word / 127773)          # C division truncates toward zero
            lo = word - hi * 127773
            word = 16807 * lo - 2836 * hi
            if word < 0:
                word += 2147483647
            r.append(word)
        self._state = [v & 0xFFFFFFFF for v in r]
        self._f = 3   # front pointer index
        self._r = 0   # rear pointer index
        for _ in range(310):
            self.random()

    # -- drand48 -----------------------------------------------------------
    def drand48(self) -> float:
        self._x = (_A * self._x + _C) & _MASK48
        return self._x / 281474976710656.0

    def drand48_array(self, n: int) -> np.ndarray:
        """The next n drand48 values, as float64, advancing the stream."""
        if n <= _FEW:       # (the block arithmetic costs more than a few steps)
            return np.array([self.drand48() for _ in range(n)], dtype=np.float64)
        out = np.empty(n, dtype=np.float64)
        pos = 0
        while pos < n:
            k = min(_BLOCK, n - pos)
            xs = (_mul48(_JUMP_A[:k], self._x) + _JUMP_C[:k]) & _M48
            out[pos:pos + k] = xs.astype(np.float64) / 281474976710656.0
            self._x = int(xs[-1])
            pos += k
        return out

    # -- glibc random() ----------------------------------------------------
    def random(self) -> int:
        st = self._state
        f, r = self._f, self._r
        val = (st[f] + st[r]) & 0xFFFFFFFF
        st[f] = val
        self._f = (f + 1) % 31
        self._r = (r + 1) % 31
        return val >> 1

    def rand_int(self, n: int) -> int:
        """Lens's randInt(n) = random() % n."""
        return self.random() % n

    @property
    def drand48_position(self) -> int:
        """The 48-bit drand48 state (compiled/rng.py draws on from it)."""
        return self._x

    @drand48_position.setter
    def drand48_position(self, x: int) -> None:
        self._x = int(x) & _MASK48

    # -- state (for snapshots / tests) ------------------------------------
    def getstate(self):
        return (self._x, list(self._state), self._f, self._r, self.last_seed,
                self.gaussian_kept)

    def setstate(self, state) -> None:
        self._x, st, self._f, self._r, self.last_seed, self.gaussian_kept = state
        self._state = list(st)


# Lens has one pair of streams for the whole program; the engine and the
# shell's `seed`/`rand`/`randInt` share this instance.
default_rng = LensRandom(0)
