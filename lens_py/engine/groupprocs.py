"""Lens 2.63's remaining standard group procedures (act.c), registered into
forward.py's tables when this module is imported (training.py imports it):

* input:  DISTANCE (Σ(w − o)²), PRODUCT (Π o·w), IN_NORM (inputs / their sum),
  IN_COPY;
* output: OUT_NORM (outputs / their sum), OUT_WINNER (all but the most active
  unit set to minOutput), OUT_COPY;
* cost:   TARGET_COPY (targets copied from another group);
* `copy_connect`, the engine side of `copyConnect`, which gives a *_COPY
  procedure its source group and field.

Arithmetic follows the C code: float32 everywhere except IN_NORM's sum and
scale (C doubles); sums and products run link after link, unit after unit,
in Lens's order (link order within a unit, receiving unit after receiving
unit into a sender's derivative cache, example after example into a link's
derivative).  Terms a C loop would not visit (no link in a sparse
projection, a lesioned receiver, a row whose backward step Lens skips) are
given as the neutral element, -0.0 for sums (x + -0.0 == x for every x,
signed zeros included) and 1.0 for products, so one running sum or product
over a whole row reproduces the C loop bit for bit.

Per-tick data a backward step needs (PRODUCT's inputs, the norms' scales and
pre-normalisation values, OUT_WINNER's outputs) is kept per history slot in
`g.proc_state`, as Lens keeps it in `unitHistoryData`, so backpropTicks,
SRBPTT and continuous nets read the tick they are working on.

The copy sources live in `g.copy_links` ({proc mask: [(source group, unit
array name), ...]} in slot order), not in proc_state: Lens keeps a copy
procedure's source across resetNet and re-initialisation; only removing the
procedure drops it.
"""
from __future__ import annotations

import numpy as np

from . import forward as F
from . import types as T
from .network import NetworkError

F64 = np.float64
NEG_ZERO = -0.0


# -- helpers ---------------------------------------------------------------------------

def _row(a: np.ndarray, r: int) -> np.ndarray:
    """Row r of a unit array that may hold one row for all examples."""
    return a[r] if a.shape[0] > 1 else a[0]


def _live_units(g) -> np.ndarray:
    skip = g.skipped
    return np.ones(g.size, dtype=bool) if skip is None else ~skip


def _running_sum(start, terms: np.ndarray, axis: int, dtype):
    """start + terms[0] + terms[1] + ... along `axis`, added in that order."""
    terms = np.moveaxis(np.asarray(terms, dtype=dtype), axis, 0)
    seq = np.concatenate([np.asarray(start, dtype=dtype)[None], terms])
    with np.errstate(invalid="ignore", over="ignore"):     # inf - inf = NaN, as in C
        np.cumsum(seq, axis=0, out=seq)    # add.accumulate is sequential
    return seq[-1]


def _running_product(start, terms: np.ndarray, dtype):
    """start · terms[:, 0] · terms[:, 1] · ... (terms [units, links])."""
    seq = np.concatenate([np.asarray(start, dtype=dtype)[:, None],
                          np.asarray(terms, dtype=dtype)], axis=1)
    np.cumprod(seq, axis=1, out=seq)
    return seq[:, -1]


def _links(p, values: np.ndarray, neutral, dtype) -> np.ndarray:
    """values [receivers, senders] with the entries that are no link set to
    the neutral element."""
    if p.mask is None:
        return values
    return np.where(p.mask, values, dtype(neutral))


def _by_sender(g):
    """The group's projections grouped by sender group, in block order."""
    groups = {}
    for p in g.incoming:
        groups.setdefault(id(p.sender), []).append(p)
    return list(groups.values())


def _active_rows(g, skip_rows):
    rows = g.input_deriv.shape[0]
    return [r for r in range(rows) if skip_rows is None or not skip_rows[r]]


def _slot(net) -> int:
    return F.history_index(net, net.current_tick)


def _add_to_senders(net, twins, r: int, sender_terms, link_terms) -> None:
    """Add one example's backward terms of the projections from one sender
    group: into the sender's derivative cache receiving unit after receiving
    unit (a unit's blocks in order), and into each link's derivative.
    sender_terms / link_terms: per projection, [receivers, senders]."""
    d = net.dtype
    s = twins[0].sender
    cache = s.deriv_cache
    seq = np.stack(sender_terms, axis=1).reshape(-1, s.size)    # unit-major, then block
    cache[min(r, cache.shape[0] - 1)] = _running_sum(_row(cache, r), seq, 0, d)
    for p, terms in zip(twins, link_terms):
        p.arrays.deriv[...] = p.arrays.deriv + terms


# -- DISTANCE (distanceInput / distanceInputBack) ------------------------------------------

def distance_input(net, g) -> None:
    d = net.dtype
    for r in range(g.input.shape[0]):
        acc = np.zeros(g.size, dtype=d)
        for p in g.incoming:
            diff = p.weight - _row(p.sender.output_cache, r)[None, :]
            acc = _running_sum(acc, _links(p, diff * diff, NEG_ZERO, d), 1, d)
        g.input[r] = acc


def distance_input_back(net, g, skip_rows) -> None:
    d = net.dtype
    live = _live_units(g)
    for r in _active_rows(g, skip_rows):
        twice = (_row(g.input_deriv, r) * d(2)).astype(d)
        # Lens passes over a unit whose derivative is 0
        on = (live & (twice != 0))[:, None]
        for twins in _by_sender(g):
            o = _row(twins[0].sender.output_cache, r)[None, :]
            to_sender, to_link = [], []
            for p in twins:
                with np.errstate(invalid="ignore", over="ignore"):
                    delta = twice[:, None] * (p.weight - o)
                keep = on if p.mask is None else (on & p.mask)
                to_sender.append(np.where(keep, -delta, d(NEG_ZERO)))
                to_link.append(np.where(keep, delta, d(NEG_ZERO)))
            _add_to_senders(net, twins, r, to_sender, to_link)


# -- PRODUCT (productInput / productInputBack) ------------------------------------------------

def product_input(net, g) -> None:
    d = net.dtype
    rows = g.input.shape[0]
    for r in range(rows):
        acc = np.ones(g.size, dtype=d)
        for p in g.incoming:
            with np.errstate(invalid="ignore", over="ignore", under="ignore"):
                acc = _running_product(
                    acc, _links(p, _row(p.sender.output_cache, r)[None, :] * p.weight, 1.0, d),
                    d)
        g.input[r] = acc
    g.proc_state[("PRODUCT", _slot(net))] = g.input.copy()


def product_input_back(net, g, skip_rows) -> None:
    d = net.dtype
    stored = g.proc_state.get(("PRODUCT", _slot(net)))
    if stored is None:
        stored = g.input
    on = _live_units(g)[:, None]
    for r in _active_rows(g, skip_rows):
        scale = (_row(g.input_deriv, r) * _row(stored, r)).astype(d)
        for twins in _by_sender(g):
            o = _row(twins[0].sender.output_cache, r)[None, :]
            to_sender, to_link = [], []
            for p in twins:
                with np.errstate(divide="ignore", invalid="ignore", over="ignore",
                                 under="ignore"):
                    v = scale[:, None] / (o * p.weight)
                    keep = on if p.mask is None else (on & p.mask)
                    to_sender.append(np.where(keep, v * p.weight, d(NEG_ZERO)))
                    to_link.append(np.where(keep, v * o, d(NEG_ZERO)))
            _add_to_senders(net, twins, r, to_sender, to_link)


# -- IN_NORM (normalizeInput / normalizeInputBack) -----------------------------------------

def normalize_input(net, g) -> None:
    d = net.dtype
    live = _live_units(g)
    rows = g.input.shape[0]
    scales = np.zeros(rows, dtype=d)
    normed = g.input.copy()
    for r in range(rows):
        x = g.input[r, live]
        total = _running_sum(F64(0), x.astype(F64), 0, F64)       # a C double
        if total != 0.0:
            scale = F64(1.0) / total
            g.input[r, live] = (x.astype(F64) * scale).astype(d)
        else:
            scale = total
        normed[r] = g.input[r]
        scales[r] = d(scale)                    # kept as a real
    g.proc_state[("IN_NORM", _slot(net))] = (scales, normed)


def normalize_input_back(net, g, skip_rows) -> None:
    d = net.dtype
    state = g.proc_state.get(("IN_NORM", _slot(net)))
    if state is None:
        return
    scales, normed = state
    live = _live_units(g)
    for r in _active_rows(g, skip_rows):
        deriv = g.input_deriv[r, live]
        shift = _running_sum(d(0), deriv * _row(normed, r)[live], 0, d)
        g.input_deriv[r, live] = scales[min(r, len(scales) - 1)] * (deriv - shift)


# -- IN_COPY / OUT_COPY / TARGET_COPY (copyInputs, copyOutputs, copyTargets) ---------------

# copyConnect's field words: (word, the shortest prefix accepted, unit array)
COPY_FIELDS = (("inputs", 6, "input"), ("externalInputs", 1, "external_input"),
               ("outputs", 7, "output"), ("targets", 1, "target"),
               ("inputDerivs", 6, "input_deriv"), ("outputDerivs", 7, "output_deriv"))


def copy_field(word: str):
    """The unit array a copyConnect field word names (Lens's subString test:
    a prefix of the field name at least so long), or None."""
    for name, shortest, attr in COPY_FIELDS:
        if len(word) >= shortest and name.startswith(word):
            return attr
    return None


def copy_links(g) -> dict:
    links = getattr(g, "copy_links", None)
    if links is None:
        links = g.copy_links = {}
    return links


def copy_connect(net, source, copy, field: str) -> None:
    """copyConnect: give the first empty IN_COPY, else OUT_COPY, else
    TARGET_COPY procedure of `copy` the source group and field to copy.  For
    OUT_COPY the copy inherits the source's output bounds where it has none."""
    if source.size != copy.size:
        raise NetworkError("copyConnect: source and copy groups aren't the same size")
    attr = copy_field(field)
    if attr is None:
        raise NetworkError(f"copyConnect: bad field type: {field}")
    links = copy_links(copy)
    for kind, procs in ((T.IN_COPY, copy.input_procs), (T.OUT_COPY, copy.output_procs),
                        (T.TARGET_COPY, copy.cost_procs)):
        filled = links.setdefault(kind, [])
        if len(filled) < procs.count(kind):
            filled.append((source, attr))
            break
    else:
        raise NetworkError(f'Group "{copy.name}" has no empty *_COPY slots.')
    if kind == T.OUT_COPY:
        if np.isnan(copy.min_output):
            copy.min_output = source.min_output
        if np.isnan(copy.max_output):
            copy.max_output = source.max_output


def forget_copy_slot(g, kind: int) -> None:
    """The first `kind` procedure was removed (changeGroupType -X_COPY):
    its source goes with it (filled slots are always the first ones)."""
    filled = copy_links(g).get(kind)
    if filled:
        filled.pop(0)


def forget_copy_source(net, gone) -> None:
    """A deleted group is no copy source any more."""
    for g in net.groups:
        for kind, filled in copy_links(g).items():
            filled[:] = [(s, a) for s, a in filled if s is not gone]


def _copy_into(g, kind: int, target: str) -> None:
    """Copy every connected slot's source field into the target unit array
    (a later slot overwrites an earlier one, as the later procedure would)."""
    live = _live_units(g)
    dest = getattr(g, target)
    for source, attr in copy_links(g).get(kind, ()):
        values = getattr(source, attr)
        if values.shape != dest.shape:
            values = np.broadcast_to(values[-1:], dest.shape)
        dest[:, live] = values[:, live]


def copy_inputs(net, g) -> None:
    _copy_into(g, T.IN_COPY, "input")


def copy_outputs(net, g) -> None:
    _copy_into(g, T.OUT_COPY, "output")


def copy_targets(net, g, ctx=None) -> None:
    _copy_into(g, T.TARGET_COPY, "target")


# -- OUT_NORM (normalizeOutput / normalizeOutputBack) ----------------------------------------

def normalize_output(net, g) -> None:
    d = net.dtype
    live = _live_units(g)
    rows = g.output.shape[0]
    original = g.output.copy()
    scales = np.zeros(rows, dtype=d)
    for r in range(rows):
        x = g.output[r, live]
        total = _running_sum(d(0), x, 0, d)
        if total != 0.0:
            with np.errstate(over="ignore"):
                scale = d(d(1) / total)
            g.output[r, live] = x * scale
        else:
            scale = total
        scales[r] = scale
    g.proc_state[("OUT_NORM", _slot(net))] = (scales, original)


def normalize_output_back(net, g) -> None:
    d = net.dtype
    state = g.proc_state.get(("OUT_NORM", _slot(net)))
    if state is None:
        return
    scales, original = state
    live = _live_units(g)
    for r in range(g.output_deriv.shape[0]):
        deriv = g.output_deriv[r, live]
        shift = _running_sum(d(0), deriv * g.output[r, live], 0, d)
        g.output_deriv[r, live] = scales[min(r, len(scales) - 1)] * (deriv - shift)
        g.output[r, live] = _row(original, r)[live]


# -- OUT_WINNER (winnerTakeAllOutput / winnerTakeAllOutputBack) ------------------------------

def winner_take_all(net, g) -> None:
    d = net.dtype
    g.proc_state[("OUT_WINNER", _slot(net))] = g.output.copy()
    floor = d(g.min_output)
    live = np.flatnonzero(_live_units(g))
    for r in range(g.output.shape[0]):
        winner, best = -1, floor
        for u in live:
            # a strict '>' against the running best: NaN never wins, ties go to
            # the first unit, and a NaN minOutput lets no unit win
            if g.output[r, u] > best:
                best, winner = g.output[r, u], u
        losers = live[live != winner]
        g.output[r, losers] = floor


def winner_take_all_back(net, g) -> None:
    original = g.proc_state.get(("OUT_WINNER", _slot(net)))
    if original is not None and original.shape == g.output.shape:
        live = _live_units(g)
        g.output[:, live] = original[:, live]


# -- registration ----------------------------------------------------------------------------

F.INPUT_FORWARD[T.DISTANCE] = distance_input
F.INPUT_BACK[T.DISTANCE] = distance_input_back
F.INPUT_FORWARD[T.PRODUCT] = product_input
F.INPUT_BACK[T.PRODUCT] = product_input_back
F.INPUT_FORWARD[T.IN_NORM] = normalize_input
F.INPUT_BACK[T.IN_NORM] = normalize_input_back
F.INPUT_FORWARD[T.IN_COPY] = copy_inputs
F.OUTPUT_FORWARD[T.OUT_NORM] = normalize_output
F.OUTPUT_BACK[T.OUT_NORM] = normalize_output_back
F.OUTPUT_FORWARD[T.OUT_WINNER] = winner_take_all
F.OUTPUT_BACK[T.OUT_WINNER] = winner_take_all_back
F.OUTPUT_FORWARD[T.OUT_COPY] = copy_outputs
F.COST_FORWARD[T.TARGET_COPY] = copy_targets
