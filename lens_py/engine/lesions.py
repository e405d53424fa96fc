"""lesionLinks: delete links, or set or add noise to their weights, a random
proportion of them, with Lens's draws.

For each listed (receiving) group, every unit (lesioned ones too), its
incoming links in Lens's order (projections as made, sender units
ascending), links of the chosen type only (frozen ones too): one randProb
(drand48 rounded to the real type) per link; a draw below the proportion
picks the link.  Then, by mode:

* delete (no value, no range): the link is removed, together with every
  other link from the same sending unit into this unit in a projection of
  the chosen type (Lens's disconnectUnits); those draw no number of their own;
* value: weight = value;
* range: weight = noise(weight, range), or with -discard noise(0, range)
  (additive only); the noise draws come right after the link's randProb.

Deleted links become masked-out entries (Projection.mask), so the link
count, weight files and getObj see them gone, as in Lens.
"""
from __future__ import annotations

import math

import numpy as np

from . import noise

DELETE, SET, NOISE, DISCARD = range(4)


def mode_for(value: float, rng_range: float, discard: bool) -> int:
    if math.isnan(rng_range):
        return DELETE if math.isnan(value) else SET
    return DISCARD if discard else NOISE


def noise_proc_for(mode: int, multiply: bool, flat: bool) -> str:
    if mode == DISCARD:           # Lens ignores -multiply here
        return noise.ADD_UNIFORM if flat else noise.ADD_GAUSSIAN
    return noise.proc_for(multiply, flat)


def lesion_links(net, groups, proportion=1.0, value=math.nan, rng_range=math.nan,
                 multiply=False, flat=False, discard=False, link_type=None) -> None:
    d = net.dtype
    p = np.float32(proportion)
    mode = mode_for(value, rng_range, discard)
    proc = noise_proc_for(mode, multiply, flat)
    rng = net.rng

    def picked() -> bool:
        return np.float32(rng.drand48()) < p

    for g in groups:
        projs = [q for q in g.incoming if link_type is None or q.link_type == link_type]
        for u in range(g.size):
            if mode == DELETE:
                _delete_row(projs, u, picked)
                continue
            for q in projs:
                for j in q.row_links(u):
                    if not picked():
                        continue
                    if mode == SET:
                        q.weight[u, j] = d(value)
                    else:
                        base = d(0) if mode == DISCARD else q.weight[u, j]
                        q.weight[u, j] = noise.apply(rng, proc, np.array([base], dtype=d),
                                                     rng_range, d)[0]


def _delete_row(projs, u: int, picked) -> None:
    gone = set()
    for q in projs:
        for j in q.row_links(u):
            if (id(q), int(j)) in gone:
                continue            # removed with an earlier copy of the same link
            if not picked():
                continue
            for other in projs:     # every link from that sending unit, of the type
                if other.sender is q.sender and other.link_mask()[u, j]:
                    _remove(other, u, j)
                    gone.add((id(other), int(j)))


def _remove(q, u: int, j: int) -> None:
    if q.mask is None:
        q.mask = np.ones(q.arrays.shape, dtype=bool)
    q.mask[u, j] = False
    for a in (q.weight, q.deriv, q.last_delta):
        a[u, j] = 0
    q.last_value[u, j] = 1
