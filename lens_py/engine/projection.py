"""Projections: all links from one sender group into one receiver group.

Lens stores links per receiving unit, grouped into *blocks* (one block = one
receiving unit's run of links from one sender group).  We store a projection
as matrices [receiver units × sender units] instead, with an optional mask for
sparse projections, and keep Lens's per-block parameters and frozen flags as
one entry per receiving unit (row).  The matrices live in a `WeightArray` the
projection refers to, so two projections could share one array.
"""
from __future__ import annotations

import numpy as np


BLOCK_PARAMS = ("learning_rate", "momentum", "weight_decay", "rand_mean", "rand_range",
                "min", "max")


class WeightArray:
    """weight, deriv, lastWeightDelta and lastValue (delta-bar-delta rate) of
    every link of a projection, each [rows, cols]."""

    def __init__(self, rows: int, cols: int, dtype):
        self.weight = np.zeros((rows, cols), dtype=dtype)
        self.deriv = np.zeros((rows, cols), dtype=dtype)
        self.last_delta = np.zeros((rows, cols), dtype=dtype)
        self.last_value = np.ones((rows, cols), dtype=dtype)

    @property
    def shape(self):
        return self.weight.shape

    def astype(self, dtype) -> None:
        for name in ("weight", "deriv", "last_delta", "last_value"):
            setattr(self, name, getattr(self, name).astype(dtype))


class Projection:
    """All links from `sender` into `receiver` (both `Group`s).

    `weight` is a NumPy array [receiver units, sender units]: weight[r, s] is
    the link from sender unit s into receiver unit r.  It can be read, edited
    in place (`proj.weight[0, 1] = 0.5`) or assigned (`proj.weight = w`, any
    array of that shape; the values are copied into the network's own array,
    so the compiled paths see them).  A sparse projection keeps only its
    links (`link_mask()`); assigning leaves its non-links at 0.  Projections
    made with `connectGroups -s` (shared weights) share one array.
    `deriv`, `last_delta` and `last_value` have the same layout."""

    def __init__(self, sender, receiver, link_type: str, kind: int, dtype):
        self.sender = sender
        self.receiver = receiver
        self.link_type = link_type
        self.kind = kind
        rows, cols = receiver.size, sender.size
        self.arrays = WeightArray(rows, cols, dtype)
        self.mask = None          # bool [rows, cols] for sparse projections, else None
        for name in BLOCK_PARAMS:
            setattr(self, name, np.full(rows, np.nan, dtype=dtype))
        self.frozen = np.zeros(rows, dtype=bool)

    # -- the arrays ------------------------------------------------------------
    @property
    def weight(self):
        return self.arrays.weight

    @weight.setter
    def weight(self, values) -> None:
        target = self.arrays.weight
        values = np.asarray(values)
        if values.shape != target.shape:
            raise ValueError(f"{self!r}: weight must be [receiver, sender] = "
                             f"{list(target.shape)}, not {list(values.shape)}")
        if not np.all(np.isfinite(values)):
            raise ValueError(f"{self!r}: weights must be finite numbers")
        target[...] = values if self.mask is None else np.where(self.mask, values, 0)

    @property
    def deriv(self):
        return self.arrays.deriv

    @property
    def last_delta(self):
        return self.arrays.last_delta

    @property
    def last_value(self):
        return self.arrays.last_value

    def link_mask(self) -> np.ndarray:
        """Which [row, col] entries are links."""
        if self.mask is None:
            return np.ones(self.arrays.shape, dtype=bool)
        return self.mask

    def row_links(self, u: int) -> np.ndarray:
        """Sender indices of receiving unit u's links, in Lens's order."""
        if self.mask is None:
            return np.arange(self.sender.size)
        return np.flatnonzero(self.mask[u])

    def links_per_row(self) -> np.ndarray:
        if self.mask is None:
            return np.full(self.receiver.size, self.sender.size)
        return self.mask.sum(axis=1)

    @property
    def num_links(self) -> int:
        return int(self.links_per_row().sum())

    def __repr__(self):
        return f"<Projection {self.sender.name}->{self.receiver.name} ({self.link_type})>"
