"""A group of units: type, procedure lists, parameters and per-unit state.

Unit state arrays are two-dimensional, [rows, units]: row -1 holds the units'
current values (what `getObj hidden:0.output` shows).  During a vectorised
batch the same attributes temporarily hold one row per example, so the
forward/backward code is written once for both.
"""
from __future__ import annotations

import math

import numpy as np

from . import types as T
from .noise import DEFAULT_PROC as DEFAULT_NOISE_PROC
from .cfloats import RealFields

UNIT_ARRAYS = ("input", "output", "output_cache", "output_deriv", "deriv_cache",
               "input_deriv", "target", "adjusted_target", "external_input", "unit_gain",
               "gain_deriv")
HISTORIES = ("input_history", "output_history", "target_history", "output_deriv_history")

# Group parameters that inherit from the network when NaN, and the others.
INHERITED = ("train_group_crit", "test_group_crit", "learning_rate", "momentum",
             "weight_decay", "gain_decay", "output_cost_peak", "target_radius",
             "zero_error_radius", "gain", "ternary_shift", "clamp_strength", "rand_mean",
             "rand_range", "noise_range")
OWN_DEFAULTS = {"output_cost_scale": 1.0, "error_scale": 1.0, "dt_scale": 1.0,
                "init_input": 0.0, "init_output": 0.0, "min_output": math.nan,
                "max_output": math.nan, "error": 0.0, "output_cost": 0.0,
                "polarity_sum": 0.0}


class Group(RealFields):
    """A group of units (`net.group("hidden")`): `name`, `size`, `type` (Lens's
    type mask, `types.py`), and its units' state as float arrays
    [rows, units] whose last row (-1) holds the current values: `output`,
    `input`, `target`, `external_input`, `output_deriv`, ... (the values of
    `getObj hidden:0.output` are `output[-1, 0]`).  `output_history` and
    `target_history` keep each tick of the current example when the
    network's historyLength allows.  `incoming` lists the projections into
    the group (each a `Projection`, weights [this group's units, sender's
    units]); Lens's group fields (`learning_rate`, `error`, ...) are
    attributes, NaN meaning "use the network's"."""
    REALS = frozenset(INHERITED) | frozenset(OWN_DEFAULTS)

    def __init__(self, net, name: str, size: int):
        self.net = net
        self.name = name
        self.size = size
        self.num = len(net.groups)
        self.type = 0
        self.input_procs: list[int] = []
        self.output_procs: list[int] = []
        self.cost_procs: list[int] = []
        self.elman_source = None      # source group of the ELMAN_CLAMP proc, once connected
        self.incoming = []            # projections into this group, Lens's block order
        self.unit_names = [f"{name}:{u}" for u in range(size)]
        self.unit_frozen = np.zeros(size, dtype=bool)
        self.unit_lesioned = np.zeros(size, dtype=bool)
        for p in INHERITED:
            setattr(self, p, math.nan)
        for p, v in OWN_DEFAULTS.items():
            setattr(self, p, v)
        self.polarity_num = 0
        self.show_incoming = 1
        self.show_outgoing = 1
        self.num_columns = 0
        self.neighborhood = 4
        self.periodic_boundary = 0
        self.proc_state = {}          # per-proc data kept between forward and backward
        self.noise_proc = DEFAULT_NOISE_PROC    # set by noiseType (not an object field)
        self.allocate(1)
        self.unit_dt_scale = np.ones(size, dtype=self.dtype)
        self.build_histories()

    @property
    def dtype(self):
        return self.net.dtype

    @property
    def skipped(self):
        """The units Lens's unit loops pass over: lesioned units, while the
        group carries the LESIONED flag (None when there are none)."""
        if self.type & T.LESIONED and self.unit_lesioned.any():
            return self.unit_lesioned
        return None

    def lesion_units(self, units) -> None:
        """lesionUnit for each of `units` (indices): output and its caches
        0, input, derivative, targets and histories NaN; the units and (if
        any) the group flagged."""
        if not len(units):
            return
        for name in ("output", "output_deriv", "output_cache", "deriv_cache"):
            getattr(self, name)[:, units] = 0
        for name in ("input", "input_deriv", "target", "adjusted_target") + HISTORIES:
            getattr(self, name)[:, units] = np.nan
        self.unit_lesioned[units] = True
        self.type |= T.LESIONED

    def heal_units(self, units) -> None:
        """healUnit for each of `units`: only the flags (the group's when no
        unit is left lesioned)."""
        if not len(units):
            return
        self.unit_lesioned[units] = False
        if not self.unit_lesioned.any():
            self.type &= ~T.LESIONED

    # -- state arrays ------------------------------------------------------------
    def allocate(self, rows: int) -> None:
        self._bind(np.zeros((len(UNIT_ARRAYS), rows, self.size), dtype=self.dtype))
        self.target[:] = np.nan
        self.external_input[:] = np.nan
        self.unit_gain[:] = 1.0

    def _bind(self, state: np.ndarray) -> None:
        """All unit arrays are views of one [field, rows, units] array."""
        self.state = state
        for k, a in enumerate(UNIT_ARRAYS):
            setattr(self, a, state[k])

    def build_histories(self) -> None:
        h = max(self.net.history_length, 0)
        for a in HISTORIES:
            setattr(self, a, np.zeros((h, self.size), dtype=self.dtype))

    def widen(self, rows: int) -> np.ndarray:
        """Give every unit array `rows` rows (copies of the current values) for
        a vectorised batch; returns the single-row state for `restore`."""
        saved = self.state
        self._bind(np.repeat(saved[:, -1:], rows, axis=1))
        return saved

    def restore(self, saved: np.ndarray) -> None:
        """Back to single-row state after a batch, keeping the batch's last row."""
        saved[:, 0] = self.state[:, -1]
        self._bind(saved)

    # -- types ---------------------------------------------------------------------
    @property
    def input_type(self) -> int:
        return _or(self.input_procs)

    @property
    def output_type(self) -> int:
        return _or(self.output_procs)

    @property
    def cost_type(self) -> int:
        return _or(self.cost_procs)

    @property
    def frozen(self) -> bool:
        return bool(self.type & T.FROZEN)

    @property
    def criterion(self):
        if self.type & T.MAX_CRIT:
            return T.MAX_CRIT
        if self.type & T.STANDARD_CRIT:
            return T.STANDARD_CRIT
        return None

    def choose(self, param: str) -> float:
        """The group's value of a parameter, or the network's when NaN."""
        v = getattr(self, param)
        return getattr(self.net, param) if math.isnan(v) else v

    def initial_output(self) -> float:
        v = self.init_output
        return self.net.init_output if math.isnan(v) else v

    def initial_input(self) -> float:
        v = self.init_input
        return self.net.init_input if math.isnan(v) else v

    # -- links ---------------------------------------------------------------------
    def projection_from(self, sender, link_type=None):
        for p in self.incoming:
            if p.sender is sender and (link_type is None or p.link_type == link_type):
                return p
        return None

    def unit_links(self, u: int):
        """[(projection, sender index)] of unit u's incoming links in Lens's order."""
        out = []
        for p in self.incoming:
            out.extend((p, int(s)) for s in p.row_links(u))
        return out

    def num_incoming(self, u: int | None = None) -> int:
        if u is None:
            return sum(p.num_links for p in self.incoming)
        return sum(len(p.row_links(u)) for p in self.incoming)

    def __repr__(self):
        return f"<Group {self.name} ({self.size})>"


def _or(masks) -> int:
    m = 0
    for x in masks:
        m |= x
    return m
