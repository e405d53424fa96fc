"""The network: groups in update order, Lens's fields, and structure editing
(addGroup, connectGroups, elmanConnect, freeze/thaw, randWeights, resetNet,
setTime, orderGroups).

Random draws follow Lens exactly (§1.8, §1.9): every link draws one weight
from drand48 when it is created (bias links when their unit is created, then
each projection receiving-unit-major in sender order), and resetNet draws
again for every unfrozen link in group → unit → incoming-link order.
"""
from __future__ import annotations

import math

import numpy as np

from . import types as T
from .group import HISTORIES, Group
from .cfloats import reround
from .projection import BLOCK_PARAMS, Projection
from .cfloats import RealFields
from . import continuous
from . import forward
from . import noise
from .rng import default_rng

NAN = math.nan

NET_REAL_DEFAULTS = {
    "error": 0.0, "weight_cost": 0.0, "output_cost": 0.0, "gradient_linearity": 0.0,
    "criterion": 0.0, "train_group_crit": 0.0, "test_group_crit": 0.5,
    "learning_rate": 0.1, "rate_increment": 0.1, "rate_decrement": 0.9, "momentum": 0.9,
    "adaptive_gain_rate": 0.001, "weight_decay": 0.0, "gain_decay": 0.0,
    "output_cost_strength": 0.01, "output_cost_peak": 0.5, "target_radius": 0.0,
    "zero_error_radius": 0.0, "dt": 1.0, "gain": 1.0, "ternary_shift": 5.0,
    "clamp_strength": 0.5, "init_output": 0.5, "init_input": 0.0, "init_gain": 1.0,
    "final_gain": 1.0, "anneal_time": 1.0, "rand_mean": 0.0, "rand_range": 1.0,
    "noise_range": 0.1,
}
NET_INT_DEFAULTS = {
    "backprop_ticks": 1, "total_updates": 0, "num_updates": 100, "batch_size": 0,
    "report_interval": 10, "group_crit_required": 0, "min_crit_batches": 1,
    "pseudo_example_freq": 0, "example_history_start": 0, "ticks_on_example": 0,
    "current_tick": 0, "auto_plot": 1, "plot_cols": 10, "plot_rows": 0,
    "unit_cell_size": 14, "unit_cell_spacing": 2, "link_cell_size": 8,
    "link_cell_spacing": 0, "binary_output_file": 0,
}
HOOK_NAMES = ("preEpochProc", "postEpochProc", "postUpdateProc", "preExampleProc",
              "postExampleProc", "preExampleBackProc", "preEventProc", "postEventProc",
              "preTickProc", "postTickProc", "preTickBackProc", "sigUSR1Proc", "sigUSR2Proc")

PROJECTION_TYPES = {"ONE_TO_ONE": T.ONE_TO_ONE, "FULL": T.FULL, "RANDOM": T.RANDOM,
                    "FIXED_IN": T.FIXED_IN, "FIXED_OUT": T.FIXED_OUT, "FAIR": T.FAIR,
                    "FAN": T.FAN}


class NetworkError(Exception):
    """A structural request Lens would refuse (the message is Lens's)."""


def _adds_noise(net) -> bool:
    return any(g.type & noise.GROUP_FLAGS or g.input_type & noise.INPUT_PROCS
               or g.output_type & noise.OUTPUT_PROCS for g in net.groups)


# what the compiled and vectorised paths keep on a network between runs
# (rebuilt on demand; keyed by object ids, so never carried into a copy)
_CACHES = ("_fast_plan", "_fast_plans", "_tick_plan", "_event_table", "_event_times_cache",
           "_event_writes", "_example_cache", "_fast_update_plan", "_continuous_plan",
           "_continuous_events", "_task_kept")


class Network(RealFields):
    """A Lens network: `groups` in update order (group 0 is "bias"), each a
    `Group` with its incoming `Projection`s; Lens's fields as attributes
    (`learning_rate`, `momentum`, `error`, `total_updates`, ...; the Lens
    names work through `lens.get("learningRate")`); `hooks`, a dict from
    Lens's hook names ("postUpdateProc", "postExampleProc", ...) to a Tcl
    script or a Python callable taking no arguments; the `training_set` and
    `testing_set`.

    `net.group("hidden")` finds a group.  A network can be pickled or
    deep-copied: the copy keeps the weights, parameters, example sets, unit
    state and random stream, and drops what ties it to its session (the
    session itself, an open output file, compiled plans).  Give a restored
    copy to a session with `Lens.adopt(net)` before training it."""
    REALS = frozenset(NET_REAL_DEFAULTS)

    def __getstate__(self):
        state = {k: v for k, v in self.__dict__.items() if k not in _CACHES}
        state.update(session=None, example_writer=None, output_file_name="", shown_path=None)
        return state

    def __init__(self, name: str, net_type: int = 0, intervals: int = 1, ticks: int = 1,
                 dtype=np.float32, rng=None, link_types=None):
        self.dtype = np.dtype(dtype).type
        self.name = name
        self.type = net_type
        self.num = 0
        self.rng = rng if rng is not None else default_rng
        self.link_types = link_types if link_types is not None else ["", "bias"]
        for k, v in NET_REAL_DEFAULTS.items():
            setattr(self, k, v)
        for k, v in NET_INT_DEFAULTS.items():
            setattr(self, k, v)
        self.algorithm = T.DOUGS_MOMENTUM
        self.hooks = {h: None for h in HOOK_NAMES}
        self.groups: list[Group] = []
        self.training_set = None
        self.testing_set = None
        self.current_example = None
        self.in_grace_period = False
        self.output_file_name = ""
        self.example_writer = None      # called after each example (output files)
        self.exact_arithmetic = None    # None = automatic (see forward.py)
        self.vectorise = True           # allow the batch paths (paths.py; a test switch)
        self.execution_path = "auto"    # which kinds of path may run (paths.py)
        self.explain_path = False       # say which path runs (train -why, test -why)
        self.shown_path = None          # the path last said
        self.time_intervals = self.ticks_per_interval = 0
        self.max_ticks = self.history_length = 0
        self.event_history = []
        self.reset_history = []
        self.update_schedule_object = None   # schedule.Schedule, None = everything learns
        self._schedule_position = 0
        self.set_time(intervals, ticks, None, dt_fixed=False)
        self.add_group("bias", 1, ["BIAS"])

    # -- lookup ----------------------------------------------------------------------
    def group(self, name: str) -> Group | None:
        for g in self.groups:
            if g.name == name:
                return g
        return None

    def require_group(self, name: str) -> Group:
        g = self.group(name)
        if g is None:
            raise NetworkError(f'group "{name}" doesn\'t exist')
        return g

    def unit(self, name: str):
        """(group, index) of the unit with this name, or None."""
        for g in self.groups:
            if name.startswith(g.name + ":"):
                tail = name[len(g.name) + 1:]
                if tail.isdigit() and int(tail) < g.size and g.unit_names[int(tail)] == name:
                    return g, int(tail)
        for g in self.groups:
            if name in g.unit_names:
                return g, g.unit_names.index(name)
        return None

    @property
    def frozen(self) -> bool:
        return bool(self.type & T.FROZEN)

    @property
    def num_units(self) -> int:
        return sum(g.size for g in self.groups)

    # -- what a task may keep ----------------------------------------------------------
    def task_key(self, *more):
        """Session.task_key(*more) of the net's session (None outside a task
        or with no session)."""
        session = self.__dict__.get("session")
        return None if session is None else session.task_key(*more)

    def kept(self, name: str, compute):
        """compute(self), worked out again only when task_key() changes (every
        time outside a task).  For answers the per-batch loops ask for."""
        key = self.task_key()
        memo = self.__dict__.get("_task_kept")
        if memo is None:
            memo = self._task_kept = {}
        elif key is not None:
            entry = memo.get(name)
            if entry is not None and entry[0] == key:
                return entry[1]
        value = compute(self)
        memo[name] = (key, value)
        return value

    @property
    def has_lesions(self) -> bool:
        """Do some groups have units their unit loops pass over (lesions)?"""
        return any(g.skipped is not None for g in self.groups)

    @property
    def noise_groups(self) -> bool:
        """Does some group add noise (noise.py)?"""
        return self.kept("noise_groups", _adds_noise)

    @property
    def num_links(self) -> int:
        return sum(g.num_incoming() for g in self.groups)

    # flat unit numbering (example events write into flat vectors)
    def unit_offsets(self) -> dict:
        offs, k = {}, 0
        for g in self.groups:
            offs[g.name] = k
            k += g.size
        return offs

    def _flat_units(self, mask: int) -> np.ndarray:
        offs = self.unit_offsets()
        parts = [offs[g.name] + np.arange(g.size) for g in self.groups if g.type & mask]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=int)

    def input_units(self) -> np.ndarray:
        """Flat indices of net.input[] (INPUT groups' units in group order)."""
        return self._flat_units(T.INPUT)

    def output_units(self) -> np.ndarray:
        return self._flat_units(T.OUTPUT)

    def group_units(self, name: str):
        g = self.group(name)
        if g is None:
            return None
        return self.unit_offsets()[name] + np.arange(g.size)

    @property
    def num_inputs(self) -> int:
        return sum(g.size for g in self.groups if g.type & T.INPUT)

    @property
    def num_outputs(self) -> int:
        return sum(g.size for g in self.groups if g.type & T.OUTPUT)

    # -- time --------------------------------------------------------------------------
    def set_time(self, intervals=None, ticks=None, history=None, dt_fixed=False) -> str:
        intervals = self.time_intervals if intervals is None else intervals
        ticks = self.ticks_per_interval if ticks is None else ticks
        if intervals < 1:
            raise NetworkError("setTime: timeIntervals must be positive")
        if ticks < 1:
            raise NetworkError("setTime: ticksPerInterval must be positive")
        self.time_intervals = intervals
        self.ticks_per_interval = ticks
        if not dt_fixed:
            self.dt = np.float32(1.0) / np.float32(ticks) if self.dtype == np.float32 \
                else 1.0 / ticks
        self.max_ticks = intervals * ticks + (1 if self.type & T.CONTINUOUS else 0)
        self.event_history = [0] * self.max_ticks
        if history is None or history < 0:
            history = self.max_ticks
        if history != self.history_length:
            self.history_length = history
            self.reset_history = [False] * history
            for g in self.groups:
                g.build_histories()
        return f"{self.time_intervals} {self.ticks_per_interval} {self.history_length}"

    # -- groups ------------------------------------------------------------------------
    def add_group(self, name: str, size: int, types=()) -> Group:
        """Lens's addGroup: type words like "OUTPUT", "+LINEAR", "-BIASED"."""
        if not name:
            raise NetworkError("addGroup: group must have a real name")
        if self.group(name) is not None:
            raise NetworkError(f'addGroup: group "{name}" already exists in the current network')
        if size <= 0:
            raise NetworkError("addGroup: group must have at least one unit")
        parsed = T.parse_type_words(types) if types and isinstance(types[0], str) else list(types)
        g = Group(self, name, size)
        self.groups.append(g)
        self._set_group_type(g, parsed)
        bias = self.group("bias")
        if g.type & T.BIASED and bias is not None and bias is not g:
            proj = self._new_projection(bias, g, "bias", T.FULL)
            # each unit draws its bias weight as it is created
            self._draw_new_links(proj, np.ones((g.size, 1), dtype=bool))
            self._thaw_rows(g, np.arange(g.size), "bias")
        g.unit_gain[:] = self.dtype(g.choose("gain"))
        return g

    def _set_group_type(self, g: Group, parsed) -> None:
        """setGroupType: the unsigned types, Lens's defaults, then the +/- types."""
        g.type &= T.FROZEN
        g.input_procs, g.output_procs, g.cost_procs = [], [], []
        g.copy_links = {}
        for cls, mask, mode in parsed:
            if mode == "":
                self._change_type(g, cls, mask, "+")
        self._cleanup_group_type(g)
        for cls, mask, mode in parsed:
            if mode != "":
                self._change_type(g, cls, mask, mode)

    def _change_type(self, g: Group, cls: int, mask: int, mode: str) -> None:
        procs = {T.GROUP_INPUT: g.input_procs, T.GROUP_OUTPUT: g.output_procs,
                 T.GROUP_COST: g.cost_procs}.get(cls)
        if mode == "":      # toggle
            has = (g.type & mask) if cls == T.GROUP else (mask in procs)
            mode = "-" if has else "+"
        if cls == T.GROUP:
            g.type = (g.type | mask) if mode == "+" else (g.type & ~mask)
        elif mode == "+":
            procs.append(mask)
        elif mask in procs:
            procs.remove(mask)
            if mask in (T.IN_COPY, T.OUT_COPY, T.TARGET_COPY):
                from .groupprocs import forget_copy_slot     # (groupprocs imports us)
                forget_copy_slot(g, mask)

    def _cleanup_group_type(self, g: Group) -> None:
        if g.type & T.BIAS:
            # a bias group has no other fixed type and no criterion
            g.type = (g.type & ~(T.FIXED_MASKS | T.CRITERION_MASKS)) | T.BIAS
        special = bool(g.type & (T.INPUT | T.ELMAN | T.BIAS)) and not (g.type & T.OUTPUT)
        if not special:
            g.type |= T.BIASED
        g.type |= T.RESET_ON_EXAMPLE
        if g.type & T.OUTPUT:
            g.type |= T.WRITE_OUTPUTS
        if not (g.input_type & T.BASIC_INPUT_TYPES) and not special:
            g.input_procs.insert(0, T.IN_BOLTZ if self.type & T.BOLTZMANN else T.DOT_PRODUCT)
        if not (g.output_type & (T.BASIC_OUTPUT_TYPES | T.CLAMPING_OUTPUT_TYPES)):
            if special and g.type & T.BIAS:
                first = T.BIAS_CLAMP
            elif special and g.type & T.INPUT and not (g.input_type & T.SOFT_CLAMP):
                first = T.HARD_CLAMP
            elif special and g.type & T.ELMAN:
                first = T.ELMAN_CLAMP
            elif self.type & T.BOLTZMANN:
                first = T.OUT_BOLTZ
            else:
                first = T.LOGISTIC
            g.output_procs.insert(0, first)
        if (self.type & T.CONTINUOUS
                and (not special or (g.type & T.INPUT and not (g.output_type & T.HARD_CLAMP)))
                and not (g.input_type & T.IN_INTEGR)
                and not (g.output_type & T.OUT_INTEGR_TYPES)):
            g.output_procs.append(T.OUT_INTEGR)
        self._estimate_output_bounds(g)
        if (not (g.cost_type & T.ERROR_MASKS) and g.type & T.OUTPUT
                and not (g.output_type & T.KOHONEN)):
            if g.output_type & T.SOFT_MAX:
                g.cost_procs.append(T.DIVERGENCE)
            elif g.output_type & T.LINEAR:
                g.cost_procs.append(T.SUM_SQUARED)
            else:
                g.cost_procs.append(T.CROSS_ENTROPY)
        if self.type & T.CONTINUOUS and g.type & T.OUTPUT and not (g.type & T.CRITERION_MASKS):
            g.type |= T.STANDARD_CRIT

    @staticmethod
    def _estimate_output_bounds(g: Group) -> None:
        lo = hi = NAN
        init = 0.0

        def at_least(v, new):
            return new if math.isnan(v) or new > v else v

        def at_most(v, new):
            return new if math.isnan(v) or new < v else v

        for p in g.output_procs:
            if p == T.BIAS_CLAMP:
                lo, hi, init = 0.0, 1.0, 1.0
            elif p in (T.LOGISTIC, T.GAUSSIAN, T.SOFT_MAX, T.KOHONEN, T.OUT_BOLTZ, T.OUT_NORM):
                lo, hi = at_least(lo, 0.0), at_most(hi, 1.0)
                init = (1.0 / g.size) if p == T.SOFT_MAX else 0.5
            elif p in (T.TERNARY, T.TANH):
                lo, hi, init = at_least(lo, -1.0), at_most(hi, 1.0), 0.0
            elif p == T.EXPONENTIAL:
                lo = at_least(lo, 0.0)
            elif p == T.ELMAN_CLAMP and g.elman_source is not None:
                s = g.elman_source
                lo = s.min_output if math.isnan(lo) else lo + s.min_output
                hi = s.max_output if math.isnan(hi) else hi + s.max_output
                init = s.init_output
        if (math.isnan(lo) and math.isnan(hi)
                and g.output_type & (T.CLAMPING_OUTPUT_TYPES & ~T.ELMAN_CLAMP)):
            lo, hi, init = 0.0, 1.0, 0.5
        g.min_output, g.max_output = lo, hi
        if not math.isnan(g.init_output):
            g.init_output = init

    def change_group_type(self, g: Group, types) -> None:
        """changeGroupType: toggle/add/remove types without re-running the defaults."""
        parsed = T.parse_type_words(types) if types and isinstance(types[0], str) else types
        for cls, mask, mode in parsed:
            self._change_type(g, cls, mask, mode)
        g.proc_state.clear()        # Lens re-initialises the group's procedures
        g.build_histories()

    def set_group_type(self, g: Group, types) -> None:
        """groupType: rebuild the group's type from scratch (addGroup's rules)."""
        parsed = T.parse_type_words(types) if types and isinstance(types[0], str) else types
        self._set_group_type(g, parsed)
        g.proc_state.clear()
        g.build_histories()

    def order_groups(self, names) -> None:
        if len(names) > len(self.groups):
            raise NetworkError(f"orderGroups: invalid number of groups: {len(names)}")
        try:
            for i, name in enumerate(names):
                g = self.group(name)
                if g is None:
                    raise NetworkError(f'orderGroups: group "{name}" doesn\'t exist')
                j = self.groups.index(g)
                if j < i:
                    raise NetworkError(f'orderGroups: group "{name}" was listed twice')
                self.groups[i], self.groups[j] = self.groups[j], self.groups[i]
        finally:
            # Lens keeps the swaps made before a bad name, numbers and all.
            for k, g in enumerate(self.groups):
                g.num = k

    def delete_group(self, g: Group) -> None:
        from .groupprocs import forget_copy_source
        forget_copy_source(self, g)
        for other in self.groups:
            other.incoming = [p for p in other.incoming if p.sender is not g]
            if other.elman_source is g:
                other.elman_source = None
        self.groups.remove(g)
        for k, h in enumerate(self.groups):
            h.num = k

    # -- links -------------------------------------------------------------------------
    def register_link_type(self, name: str) -> str:
        if name not in self.link_types:
            if len(self.link_types) >= 255:
                raise NetworkError(f"Too many link types registered, could not add {name}")
            self.link_types.append(name)
        return name

    def _new_projection(self, sender: Group, receiver: Group, link_type: str,
                        kind: int) -> Projection:
        p = Projection(sender, receiver, link_type, kind, self.dtype)
        receiver.incoming.append(p)
        return p

    def _rand_real(self, draws: np.ndarray, mean, rng_range) -> np.ndarray:
        """randReal: (real)(2d - 1) * range + mean, in Lens's float arithmetic."""
        d = self.dtype
        unit = (2.0 * draws - 1.0).astype(d)
        return (unit * np.asarray(rng_range, dtype=d) + np.asarray(mean, dtype=d)).astype(d)

    def _link_rand_params(self, p: Projection, rows):
        """chooseValue3(block, group, net) for randMean and randRange."""
        g = p.receiver
        mean = np.where(np.isnan(p.rand_mean[rows]), g.choose("rand_mean"), p.rand_mean[rows])
        rng_range = np.where(np.isnan(p.rand_range[rows]), g.choose("rand_range"),
                             p.rand_range[rows])
        return mean, rng_range

    def _draw_new_links(self, p: Projection, new: np.ndarray, order=None) -> None:
        """Give the links marked in `new` [rows, cols] one draw each, as Lens does
        when it creates them: receiving-unit-major, sender order (or `order`,
        a list of (row, col) in creation order)."""
        if order is None:
            rows, cols = np.nonzero(new)
        else:
            rows = np.array([r for r, _ in order], dtype=int)
            cols = np.array([c for _, c in order], dtype=int)
        if len(rows) == 0:
            return
        draws = self.rng.drand48_array(len(rows))
        mean, rng_range = self._link_rand_params(p, rows)
        p.weight[rows, cols] = self._rand_real(draws, mean, rng_range)
        p.deriv[rows, cols] = 0
        p.last_delta[rows, cols] = 0
        p.last_value[rows, cols] = 1

    def connect_groups(self, sender: Group, receiver: Group, projection: str = "FULL",
                       strength: float = 1.0, mean: float = NAN, rng_range: float = NAN,
                       link_type: str | None = None, bidirectional: bool = False,
                       share_with=None) -> None:
        """`share_with=(from_group, to_group)`: the new projection uses the weight
        array of the existing from→to projection (lens_py's -shareWith)."""
        kind = PROJECTION_TYPES.get(projection)
        if kind is None:
            found = T.lookup_type_mask(projection, T.PROJECTION)
            if found is None:
                raise NetworkError(f"connectGroups: invalid projection type: {projection}")
            kind = found
        if share_with is not None:
            if bidirectional:
                raise NetworkError("connectGroups: -shareWith cannot be used with -bidirectional")
            if kind != T.FULL:
                raise NetworkError("connectGroups: -shareWith takes the links of the shared "
                                   "projection; it cannot be used with -projection")
            self._share(sender, receiver, link_type if link_type else sender.name, *share_with)
            return
        self._connect(sender, receiver, kind, strength, mean, rng_range,
                      link_type if link_type else sender.name)
        if bidirectional:
            self._connect(receiver, sender, kind, strength, mean, rng_range,
                          link_type if link_type else receiver.name)

    def _connect(self, sender, receiver, kind, strength, mean, rng_range, link_type):
        self.register_link_type(link_type)
        existing = receiver.projection_from(sender, link_type)
        if kind == T.FULL:
            if existing is not None:
                raise NetworkError(
                    f"connectGroupToUnit: {sender.name} is already connected to "
                    f"{receiver.unit_names[0]} with a link of type \"{link_type}\"")
            p = self._new_projection(sender, receiver, link_type, kind)
            if not math.isnan(mean):
                p.rand_mean[:] = mean
            if not math.isnan(rng_range):
                p.rand_range[:] = rng_range
            self._draw_new_links(p, np.ones(p.arrays.shape, dtype=bool))
            self._thaw_rows(receiver, np.arange(receiver.size), link_type)
            return
        if kind != T.ONE_TO_ONE and not (0 < strength <= 1.0):
            raise NetworkError("connectGroups: strength must be in the range (0,1]")
        if kind == T.ONE_TO_ONE:
            # Lens's copy links: weight 1 unless the command says otherwise.
            mean = 1.0 if math.isnan(mean) else mean
            rng_range = 0.0 if math.isnan(rng_range) else rng_range
        pairs = self._sparse_pairs(kind, sender.size, receiver.size, strength)
        self._connect_pairs(sender, receiver, kind, link_type, pairs, mean, rng_range,
                            frozen=(kind == T.ONE_TO_ONE),
                            mean_given=not math.isnan(mean), range_given=not math.isnan(rng_range))

    def _share(self, sender, receiver, link_type, from_group, to_group) -> None:
        """A projection sender→receiver over the weight array (and links) of the
        existing from_group→to_group projection; it draws no random numbers."""
        src = to_group.projection_from(from_group)
        if src is None:
            raise NetworkError(f'connectGroups: -shareWith: there is no projection from '
                               f'"{from_group.name}" into "{to_group.name}"')
        want = (receiver.size, sender.size)
        if src.arrays.shape != want:
            raise NetworkError(
                f"connectGroups: -shareWith: {from_group.name}->{to_group.name} has "
                f"{src.arrays.shape[0]}x{src.arrays.shape[1]} links (receivers x senders) "
                f"but {sender.name}->{receiver.name} needs {want[0]}x{want[1]}")
        self.register_link_type(link_type)
        if receiver.projection_from(sender, link_type) is not None:
            raise NetworkError(
                f"connectGroupToUnit: {sender.name} is already connected to "
                f"{receiver.unit_names[0]} with a link of type \"{link_type}\"")
        p = self._new_projection(sender, receiver, link_type, src.kind)
        p.arrays = src.arrays
        p.mask = src.mask
        self._thaw_rows(receiver, np.arange(receiver.size), link_type)

    def shared_followers(self) -> set:
        """ids of the projections that are not the first place (in group →
        incoming order) of their weight array."""
        seen, followers = set(), set()
        for g in self.groups:
            for p in g.incoming:
                if id(p.arrays) in seen:
                    followers.add(id(p))
                seen.add(id(p.arrays))
        return followers

    def _sparse_pairs(self, kind, n_pre, n_post, strength):
        """(pre, post) pairs in Lens's creation order for a sparse projection.
        RANDOM's probability draws are interleaved with the weight draws, so it
        is handled by _connect_pairs through a generator."""
        rng = self.rng
        s32 = float(np.float32(strength))
        if kind == T.ONE_TO_ONE:
            return [(i, i) for i in range(min(n_pre, n_post))]
        if kind == T.RANDOM:
            def gen():
                for v in range(n_pre):
                    for u in range(n_post):
                        if float(np.float32(rng.drand48())) < s32:
                            yield v, u
            return gen()
        if kind == T.FIXED_IN:
            k = int(np.float32(n_pre) * np.float32(strength))
            arr = list(range(n_pre))
            out = []
            for u in range(n_post):
                _rand_sort(arr, n_pre, rng)
                out.extend((arr[v], u) for v in range(k))
            return _lazy(out)
        if kind == T.FIXED_OUT:
            k = int(np.float32(n_post) * np.float32(strength))
            arr = list(range(n_post))
            out = []
            for v in range(n_pre):
                _rand_sort(arr, n_post, rng)
                out.extend((v, arr[j]) for j in range(k))
            return _lazy(out)
        if kind == T.FAIR:
            n = int(np.float32(n_pre) * np.float32(strength))
            post = list(range(n_post))
            _rand_sort(post, n_post, rng)
            pre = list(range(n_pre))
            _rand_sort(pre, n_pre, rng)
            out = []
            i = 0
            for j in range(n_post):
                s = i
                for _ in range(n):
                    if i == n_pre:
                        head = pre[:s]
                        _rand_sort(head, s, rng)
                        tail = pre[s:]
                        _rand_sort(tail, n_pre - s, rng)
                        pre = head + tail
                        i = 0
                    out.append((pre[i], post[j]))
                    i += 1
            return _lazy(out)
        if kind == T.FAN:
            n = int(np.float32(n_post) * np.float32(strength))
            out = []
            for i in range(n_pre):
                start = (i * n_post) // n_pre - n // 2
                for j in range(start, start + n):
                    out.append((i, j % n_post))
            return out
        raise NetworkError(f"projection type {kind} is not supported")

    def _connect_pairs(self, sender, receiver, kind, link_type, pairs, mean, rng_range,
                       frozen, mean_given, range_given):
        p = receiver.projection_from(sender, link_type)
        if p is None:
            p = self._new_projection(sender, receiver, link_type, kind)
            p.mask = np.zeros(p.arrays.shape, dtype=bool)
        elif p.mask is None:
            raise NetworkError(
                f"connectUnits: {sender.unit_names[0]} is already connected to "
                f"{receiver.unit_names[0]} with a link of type \"{link_type}\"")
        touched = np.zeros(receiver.size, dtype=bool)
        d = self.dtype
        for pre, post in pairs:
            if p.mask[post, pre]:
                raise NetworkError(
                    f"connectUnits: {sender.unit_names[pre]} is already connected to "
                    f"{receiver.unit_names[post]} with a link of type \"{link_type}\"")
            p.mask[post, pre] = True
            # initBlockValues: a link joining a block resets the block's parameters
            for name in BLOCK_PARAMS:
                getattr(p, name)[post] = np.nan
            if mean_given:
                p.rand_mean[post] = mean
            if range_given:
                p.rand_range[post] = rng_range
            m, r = self._link_rand_params(p, np.array([post]))
            p.weight[post, pre] = self._rand_real(np.array([self.rng.drand48()]), m, r)[0]
            p.deriv[post, pre] = 0
            p.last_delta[post, pre] = 0
            p.last_value[post, pre] = d(1)
            touched[post] = True
            if frozen:
                p.frozen[post] = True
            else:
                self._thaw_rows(receiver, np.array([post]), link_type)

    def elman_options(self, source: Group, reset=None, init_output=None) -> None:
        """elmanConnect's -reset and -initOutput, applied to the source group."""
        if reset is not None:
            source.type = (source.type | T.RESET_ON_EXAMPLE) if reset \
                else (source.type & ~T.RESET_ON_EXAMPLE)
        if init_output is not None:
            source.init_output = init_output

    def elman_connect(self, source: Group, context: Group, reset=None, init_output=None):
        if not (context.output_type & T.ELMAN_CLAMP):
            raise NetworkError(f'Group "{context.name}" has no ELMAN_CLAMP output procedures.')
        if source.size < context.size:
            raise NetworkError(
                f'Cannot elmanConnect groups "{source.name}" and "{context.name}".\n'
                f"The first has {source.size} units and the second has {context.size} units.")
        if context.elman_source is not None:
            raise NetworkError(f'Group "{context.name}" has no empty ELMAN_CLAMP slots.')
        self.elman_options(source, reset, init_output)
        context.elman_source = source
        context.min_output = source.min_output if math.isnan(context.min_output) \
            else context.min_output + source.min_output
        context.max_output = source.max_output if math.isnan(context.max_output) \
            else context.max_output + source.max_output
        context.init_output = source.init_output

    # -- freezing ----------------------------------------------------------------------
    def _thaw_rows(self, g: Group, rows, link_type=None) -> None:
        self.type &= ~T.FROZEN
        g.type &= ~T.FROZEN
        g.unit_frozen[rows] = False
        for p in g.incoming:
            if link_type is None or p.link_type == link_type:
                p.frozen[rows] = False

    def _check_link_type(self, link_type):
        if link_type is not None and link_type not in self.link_types[1:]:
            raise NetworkError(f"link type {link_type} doesn't exist")

    def freeze_weights(self, groups=None, units=None, link_type=None) -> None:
        self._check_link_type(link_type)
        if units is not None:
            for g, u in units:
                if link_type is None:
                    g.unit_frozen[u] = True
                for p in g.incoming:
                    if link_type is None or p.link_type == link_type:
                        p.frozen[u] = True
            return
        if groups is None:
            if link_type is None:
                self.type |= T.FROZEN
            groups = self.groups
        for g in groups:
            if link_type is None:
                g.type |= T.FROZEN
                g.unit_frozen[:] = True
            for p in g.incoming:
                if link_type is None or p.link_type == link_type:
                    p.frozen[:] = True

    def thaw_weights(self, groups=None, units=None, link_type=None) -> None:
        self._check_link_type(link_type)
        if units is not None:
            for g, u in units:
                self._thaw_rows(g, np.array([u]), link_type)
            return
        for g in (self.groups if groups is None else groups):
            self._thaw_rows(g, np.arange(g.size), link_type)

    # -- randomising -------------------------------------------------------------------
    def rand_weights(self, groups=None, units=None, mean=NAN, rng_range=NAN,
                     link_type=None, do_frozen=True) -> None:
        """randWeights (frozen links too) / the randomisation of resetNet."""
        self._check_link_type(link_type)
        if not do_frozen and self.frozen:
            return
        net_mean = self.rand_mean if math.isnan(mean) else mean
        net_range = self.rand_range if math.isnan(rng_range) else rng_range

        def one_group(g, rows_ok):
            if not do_frozen and g.frozen:
                return
            g_mean = mean if not math.isnan(mean) else (
                net_mean if math.isnan(g.rand_mean) else g.rand_mean)
            g_range = rng_range if not math.isnan(rng_range) else (
                net_range if math.isnan(g.rand_range) else g.rand_range)
            if not do_frozen:
                rows_ok = rows_ok & ~g.unit_frozen
            self._randomize_group(g, rows_ok, mean, rng_range, g_mean, g_range, link_type,
                                  do_frozen)

        # Lens walks the -group list, then the -unit list, each in the order
        # given (a name listed twice draws twice); the draws follow that order.
        if groups is None and units is None:
            groups = self.groups
        for g in groups or ():
            one_group(g, np.ones(g.size, dtype=bool))
        for g, u in units or ():
            rows_ok = np.zeros(g.size, dtype=bool)
            rows_ok[u] = True
            one_group(g, rows_ok)

    def _randomize_group(self, g, rows_ok, req_mean, req_range, g_mean, g_range, link_type,
                         do_frozen):
        """One draw per selected link in unit → incoming-link order, vectorised by
        laying the group's projections side by side (Lens's per-unit order)."""
        if not g.incoming:
            return
        followers = self.shared_followers()
        cols, eligible, means, ranges = [], [], [], []
        for p in g.incoming:
            ok = rows_ok.copy()
            if (link_type is not None and p.link_type != link_type) or id(p) in followers:
                # a shared array draws its weights at its first place only
                ok[:] = False
            if not do_frozen:
                ok &= ~p.frozen
            eligible.append(p.link_mask() & ok[:, None])
            m = np.where(np.isnan(p.rand_mean), g_mean, p.rand_mean) \
                if math.isnan(req_mean) else np.full(g.size, req_mean)
            r = np.where(np.isnan(p.rand_range), g_range, p.rand_range) \
                if math.isnan(req_range) else np.full(g.size, req_range)
            means.append(np.repeat(m[:, None], p.sender.size, axis=1))
            ranges.append(np.repeat(r[:, None], p.sender.size, axis=1))
            cols.append(p.sender.size)
        sel = np.hstack(eligible)
        count = int(sel.sum())
        if count == 0:
            return
        draws = np.zeros(sel.shape)
        draws[sel] = self.rng.drand48_array(count)
        values = self._rand_real(draws, np.hstack(means), np.hstack(ranges))
        start = 0
        for p, n, e in zip(g.incoming, cols, eligible):
            block = values[:, start:start + n]
            p.weight[e] = block[e]
            start += n

    # -- resetting ---------------------------------------------------------------------
    def reset_group_state(self, g: Group) -> None:
        d = self.dtype
        skip = g.skipped        # resetNet passes over lesioned units: they keep everything
        if skip is not None:
            lesioned = (g.state[:, -1:, skip].copy(),
                        [getattr(g, h)[:, skip].copy() for h in HISTORIES])
        kept = g.adjusted_target[-1:].copy()     # resetNet leaves adjustedTarget alone
        g.allocate(1)
        g.adjusted_target[...] = kept
        g.output[:] = d(g.initial_output())
        g.input[:] = d(g.initial_input())
        g.unit_gain[:] = d(g.choose("gain"))
        g.output_cache[:] = g.output
        kept_delta = g.proc_state.get("DELTA_COST")     # resetNet leaves DELTA_COST's data
        g.proc_state.clear()
        if kept_delta is not None:
            g.proc_state["DELTA_COST"] = kept_delta
        # resetNet re-initialises the integrators (INTERACT_INTEGR to initOutput)
        continuous.reset_forward_integrators(self, g)
        forward.reset_backward_integrators(self, g)
        for name in HISTORIES:
            getattr(g, name)[:] = 0
        if skip is not None:
            g.state[:, :, skip] = lesioned[0]
            for h, v in zip(HISTORIES, lesioned[1]):
                getattr(g, h)[:, skip] = v
        g.error = 0.0

    def reset_net(self, randomize: bool = True) -> None:
        for g in self.groups:
            live = slice(None) if g.skipped is None else ~g.skipped
            self.reset_group_state(g)
            for p in g.incoming:
                p.deriv[live] = 0
                p.last_delta[live] = 0
                p.last_value[live] = 1
        if randomize:
            self.rand_weights(do_frozen=False)
        self.total_updates = 0
        self._schedule_position = 0
        self.error = 0.0
        self.weight_cost = 0.0
        self.gradient_linearity = 0.0
        self.current_example = None
        self.example_history_start = 0
        self.ticks_on_example = 0
        self.current_tick = 0

    @property
    def precision(self) -> int:
        return 64 if self.dtype == np.float64 else 32

    def set_precision(self, bits: int) -> None:
        """Compute in float32 (Lens's `real`) or float64 from now on: every unit,
        history, link and procedure array is converted (float32 values are
        exact in float64; the other way rounds)."""
        if bits not in (32, 64):
            raise NetworkError(f"precision must be 32 or 64, not {bits}")
        d = np.float64 if bits == 64 else np.float32
        if d == self.dtype:
            return
        self.dtype = d
        done = set()
        for g in self.groups:
            g._bind(g.state.astype(d))
            for name in HISTORIES:
                setattr(g, name, getattr(g, name).astype(d))
            g.unit_dt_scale = g.unit_dt_scale.astype(d)
            for key, v in list(g.proc_state.items()):
                if isinstance(v, np.ndarray) and v.dtype.kind == "f":
                    g.proc_state[key] = v.astype(d)
                elif isinstance(v, continuous.IntegratorState):
                    v.value, v.instant = v.value.astype(d), v.instant.astype(d)
            for p in g.incoming:
                if id(p.arrays) not in done:
                    done.add(id(p.arrays))
                    p.arrays.astype(d)
        self.dt = d(self.dt)
        for obj in [self] + list(self.groups):
            reround(obj)
        for cache in _CACHES:
            self.__dict__.pop(cache, None)

    def reset_derivs(self) -> None:
        for g in self.groups:
            g.output_deriv[:] = 0
            g.input_deriv[:] = 0
            g.gain_deriv[:] = 0
            for p in g.incoming:
                p.deriv[:] = 0

    # -- update schedules (schedule.py) -------------------------------------------------
    def set_update_schedule(self, value) -> None:
        """Set the schedule (a Tcl list string or a list of steps; "", [],
        None or "Automatic" = everything learns on every update).  A bad
        schedule raises ScheduleError and changes nothing; a good one restarts
        the cycle."""
        from . import schedule as S
        parsed = S.parse_schedule(value)
        S.check(self, parsed)
        self.update_schedule_object = parsed
        self._schedule_position = 0

    @property
    def update_schedule(self) -> list:
        """The schedule's steps in normal form ([] when everything learns)."""
        s = self.update_schedule_object
        return [] if s is None else s.normal_form()

    @update_schedule.setter
    def update_schedule(self, value) -> None:
        self.set_update_schedule(value)

    def update_schedule_text(self) -> str:
        s = self.update_schedule_object
        return "" if s is None else s.text()

    @property
    def update_schedule_step(self) -> int:
        """0-based position in the expanded cycle of the step the next update uses."""
        return self._schedule_position

    # -- Lens's link order ---------------------------------------------------------------
    def link_order(self):
        """Every link in Lens's order (groups → units → incoming), as a list of
        (group, [(projection, link mask [rows, cols])]) per group; links of a
        group are the True entries of the side-by-side masks read row by row."""
        return [(g, [(p, p.link_mask()) for p in g.incoming]) for g in self.groups
                if g.incoming]

    def gather_links(self, field: str = "weight", select=None) -> np.ndarray:
        """1-D array of a link field (weight, deriv, last_delta, last_value) of all
        links in Lens's order; `select(group, projection) -> bool [rows, cols]`
        restricts to some links (e.g. unfrozen ones)."""
        parts = []
        for g, projs in self.link_order():
            vals = np.hstack([getattr(p.arrays, field) for p, _ in projs])
            masks = [m if select is None else (m & select(g, p)) for p, m in projs]
            parts.append(vals[np.hstack(masks)])
        return np.concatenate(parts) if parts else np.zeros(0, dtype=self.dtype)

    def scatter_links(self, field: str, values: np.ndarray, select=None) -> None:
        """The inverse of gather_links."""
        k = 0
        for g, projs in self.link_order():
            masks = [m if select is None else (m & select(g, p)) for p, m in projs]
            sel = np.hstack(masks)
            n = int(sel.sum())
            full = np.hstack([getattr(p.arrays, field) for p, _ in projs])
            full[sel] = values[k:k + n]
            k += n
            start = 0
            for p, _ in projs:
                w = p.sender.size
                getattr(p.arrays, field)[...] = full[:, start:start + w]
                start += w
        if k != len(values):
            raise ValueError(f"{len(values)} values for {k} links")

    def link_is_frozen(self, g: Group, p: Projection) -> np.ndarray:
        """bool [rows, cols]: a link is frozen if its net, group, unit or block is."""
        rows = g.unit_frozen | p.frozen | self.frozen | g.frozen
        return np.repeat(rows[:, None], p.sender.size, axis=1)

    def incoming_link(self, g: Group, u: int, k: int):
        """(projection, sender index) of `g:u.incoming(k)`."""
        for p in g.incoming:
            s = p.row_links(u)
            if k < len(s):
                return p, int(s[k])
            k -= len(s)
        raise IndexError(k)

    def link_index(self, g: Group, u: int, p: Projection, s: int) -> int:
        """k such that incoming_link(g, u, k) == (p, s)."""
        k = 0
        for q in g.incoming:
            senders = q.row_links(u)
            if q is p:
                return k + int(np.searchsorted(senders, s))
            k += len(senders)
        raise ValueError("no such link")

    def blocks(self, g: Group, u: int):
        """Lens's blocks of unit u: [(projection, first sender, count)] (sparse
        projections give one block per contiguous run of senders)."""
        out = []
        for p in g.incoming:
            s = p.row_links(u)
            if len(s) == 0:
                continue
            breaks = np.flatnonzero(np.diff(s) != 1) + 1
            for run in np.split(s, breaks):
                out.append((p, int(run[0]), len(run)))
        return out

    def __repr__(self):
        return f"<Network {self.name}>"


def _rand_sort(arr, n, rng) -> None:
    """Lens's randSort: swap arr[i] with arr[i + randInt(n - i)]."""
    for i in range(n - 1):
        j = rng.rand_int(n - i)
        arr[i], arr[i + j] = arr[i + j], arr[i]


def _lazy(pairs):
    return iter(pairs)
