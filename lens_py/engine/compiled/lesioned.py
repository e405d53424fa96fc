"""Lesioned units in the compiled per-example tick (compiled/example.py).

Lens's unit loops pass over a lesioned unit (FOR_EACH_UNIT), and forward.py
re-creates that by letting a step compute over every unit and putting the
lesioned units' fields back afterwards (`_Untouched`).  The kernel does the
same, so its arithmetic stays the unlesioned kernel's: before a group's step
the lesioned units' fields are kept in a scratch array, and put back after
the step, the ones forward.py puts back:

* forward (computeInput, computeOutput, computeCost and, training, the cost's
  derivative): input, output, output cache, output derivative, target and
  adjusted target; the cost procedures see NaN targets on lesioned units
  (so they add nothing to the error) and the derivative cache is zeroed on
  every unit, as train_tick does;
* backward: after the output procedures' steps the output derivative, the
  output and the input derivative, which is then 0 on lesioned units while
  the input procedure's step runs (they pass nothing back), and put back
  after it.

What works over the group as a whole passes over lesioned units here too:
the fully-clamped test, SOFT_MAX, the group criteria, resetting outputs on
a new example.  A group without lesions gets an empty mask and none of this
runs.
"""
from __future__ import annotations

import numpy as np

try:
    import numba
    HAVE_NUMBA = True
except ImportError:
    numba = None
    HAVE_NUMBA = False

# rows of a group's state array (group.UNIT_ARRAYS)
IN, OUT, OC, OD, DC, ID, TGT, ADJ, EXT = range(9)
KEEP_ROWS = ADJ + 1         # the scratch array keeps rows 0..ADJ


def mask_of(g):
    """The group's lesioned units as bytes (None when its loops skip none)."""
    skip = g.skipped
    return None if skip is None else skip.astype(np.uint8)


if HAVE_NUMBA:
    # inlined into the tick's group steps (compiled/groupprocs.py says why)
    _njit = numba.njit(error_model="numpy", cache=True, nogil=True, _nrt=False,
                       inline="always")
    f32 = np.float32
    f64 = np.float64

    @_njit
    def keep(st, kept, les):
        """The lesioned units' fields into the scratch array."""
        for u in range(les.shape[0]):
            if les[u]:
                for f in range(KEEP_ROWS):
                    kept[f, u] = st[f, u]

    @_njit
    def hide_targets(st, les):
        """The cost procedures and criteria see no target on lesioned units."""
        for u in range(les.shape[0]):
            if les[u]:
                st[TGT, u] = f32(np.nan)

    @_njit
    def put_back(st, kept, les, field):
        for u in range(les.shape[0]):
            if les[u]:
                st[field, u] = kept[field, u]

    @_njit
    def after_forward(st, kept, les):
        for f in (IN, OUT, OC, OD, TGT, ADJ):
            put_back(st, kept, les, f)

    @_njit
    def after_output_back(st, kept, les):
        """computeOutputBack's fields back; the input procedure's step then
        sees no derivative on lesioned units."""
        for f in (OD, OUT, ID):
            put_back(st, kept, les, f)
        for u in range(les.shape[0]):
            if les[u]:
                st[ID, u] = f32(0.0)

    @_njit
    def live(les, u):
        return les.shape[0] == 0 or les[u] == 0

    @_njit
    def clamped(st, n, les):
        """fullyClamped: every unit that is not lesioned has an external input."""
        for u in range(n):
            if live(les, u) and st[EXT, u] != st[EXT, u]:
                return False
        return True

    @_njit
    def softmax(st, n, les):
        """SOFT_MAX over the units that are not lesioned (activations.softmax:
        the largest input taken out, the exponentials summed in order)."""
        m = 0.0
        for u in range(n):
            if live(les, u):
                x = f64(st[IN, u])
                if x != x or m != m:
                    m = np.nan
                elif x > m:
                    m = x
        total = 0.0
        first = True
        for u in range(n):
            if live(les, u):
                e = f32(np.exp(f64(st[IN, u]) - m))
                st[OUT, u] = e
                total = f64(e) if first else total + f64(e)   # NumPy's cumsum
                first = False
        scale = 1.0 / total
        for u in range(n):
            if live(les, u):
                st[OUT, u] = f32(f64(st[OUT, u]) * scale)

    @_njit
    def softmax_back(st, n, les):
        s = 0.0
        first = True
        for u in range(n):
            if live(les, u):
                x = f64(f32(st[OD, u] * st[OUT, u]))
                s = x if first else s + x
                first = False
        for u in range(n):
            if live(les, u):
                st[ID, u] = f32(f64(st[OUT, u]) * (f64(st[OD, u]) - s))

    @_njit
    def reset_outputs(st, n, les, v):
        """resetOutputs (a RESET_ON_EXAMPLE group on a new example)."""
        for u in range(n):
            if live(les, u):
                st[OUT, u] = v
                st[OC, u] = v
