"""Links made and removed one receiving unit at a time (Lens's connect.c):
connectUnits, connectGroupToUnit, disconnectUnits, disconnectGroupFromUnit,
disconnectGroups, deleteUnitInputs/Outputs, deleteGroupInputs/Outputs,
deleteAllLinks, and the link-type registry (addLinkType, deleteLinkType).

Lens keeps each receiving unit's links as a list of *blocks* (a contiguous
run of sender units of one group, one link type, one set of block
parameters).  We keep projections instead (projection.py); a unit's blocks
are the runs of its row in each projection, projections taken in
`g.incoming` order (Network.blocks).  So a unit's link order -- which fixes
its float32 input sums, its weight-file order and `incoming(k)` -- is decided
by which projection a link goes into.  The functions here work out where
Lens would put or remove a link in the unit's block list, then edit the
projections so that the derived block list is exactly Lens's:

* a link joins the projection row of the block it extends (Lens's PREPEND,
  APPEND and JOIN modes), or, for a new block, a projection of its sender
  group and type where it lands at Lens's position; failing that a new
  projection holding only that link, inserted where the unit's order needs
  it (splitting a row in two when the position falls inside it);
* a projection row holds one set of block parameters, so when Lens would
  give the touched block parameters that the row's other blocks do not have
  (initBlockValues resets them), the block gets a row of its own;
* every new link draws one weight when it is made (randReal with the
  block's, else the group's, else the net's randMean/randRange), so the
  draws follow the commands exactly;
* removed links are masked out; a projection left with no link is dropped
  and one whose every entry is a link becomes dense again.

Lens compares the addresses of sender units in different groups when it
orders blocks of one link type from several groups; we take the groups'
order in the network for that (Lens's unit arrays are usually allocated in
creation order).

Projections sharing a weight array (lens_py's -shareWith) can be removed
whole but not edited link by link.
"""
from __future__ import annotations

import math

import numpy as np

from . import types as T
from .network import NetworkError
from .projection import BLOCK_PARAMS, Projection

NAN = math.nan

NEW_BLOCK, PREPEND_BLOCK, APPEND_BLOCK, JOIN_BLOCKS = range(4)

RAND_MEAN = BLOCK_PARAMS.index("rand_mean")
RAND_RANGE = BLOCK_PARAMS.index("rand_range")


# -- a unit's blocks -------------------------------------------------------------------

class Block:
    """One of Lens's blocks of a receiving unit: senders first..first+count-1
    of proj.sender, held in row u of proj."""
    __slots__ = ("proj", "first", "count")

    def __init__(self, proj, first: int, count: int):
        self.proj = proj
        self.first = first
        self.count = count

    @property
    def sender(self):
        return self.proj.sender

    @property
    def link_type(self) -> str:
        return self.proj.link_type

    def holds(self, sender, s: int) -> bool:
        return sender is self.proj.sender and self.first <= s < self.first + self.count

    def __repr__(self):
        return f"<Block {self.proj.sender.name}:{self.first}+{self.count} ({self.link_type})>"


def unit_blocks(net, g, u: int) -> list:
    return [Block(p, first, count) for p, first, count in net.blocks(g, u)]


def _address(net, group, s: int):
    """Stands for a sender unit's address in Lens's pointer comparisons."""
    return (net.groups.index(group), s)


def placement(net, blocks, sender, s: int, link_type: str, post_name: str):
    """Where Lens's connectUnits puts a link from sender:s: (mode, b, pos) with
    b the block index it works on (the new block's index for NEW_BLOCK) and
    pos the link's position in the unit's incoming list."""
    n = len(blocks)
    b = pos = 0
    while b < n:
        B = blocks[b]
        if B.link_type != link_type:
            pos += B.count
            b += 1
            continue
        if B.holds(sender, s):
            raise NetworkError(
                f"connectUnits: {sender.unit_names[s]} is already connected to {post_name} "
                f"with a link of type \"{link_type}\"")
        if sender is B.sender and s == B.first - 1:
            return PREPEND_BLOCK, b, pos
        if sender is B.sender and s == B.first + B.count:
            pos += B.count
            # Lens joins the next block without looking at its link type
            if b + 1 < n and sender is blocks[b + 1].sender and s == blocks[b + 1].first - 1:
                return JOIN_BLOCKS, b, pos
            return APPEND_BLOCK, b, pos
        if _address(net, sender, s) > _address(net, B.sender, B.first):
            pos += B.count
            b += 1
            if b < n and blocks[b].link_type != link_type:
                return NEW_BLOCK, b, pos
            continue
        return NEW_BLOCK, b, pos
    return NEW_BLOCK, b, pos


# -- projection rows ---------------------------------------------------------------------

def _shared(net, p) -> bool:
    return any(q is not p and q.arrays is p.arrays for h in net.groups for q in h.incoming)


def _require_own(net, p) -> None:
    if _shared(net, p):
        raise NetworkError(
            f'the links from "{p.sender.name}" into "{p.receiver.name}" share their weights '
            f"with another projection (-shareWith); lens_py cannot change them one by one")


def _sparse(p):
    if p.mask is None:
        p.mask = np.ones(p.arrays.shape, dtype=bool)
    return p.mask


def _clear(p, sel) -> None:
    """Links `sel` (an index or bool mask into [rows, cols]) are no more."""
    _sparse(p)[sel] = False
    for a in (p.weight, p.deriv, p.last_delta):
        a[sel] = 0
    p.last_value[sel] = 1


def _insert_projection(net, g, like, link_type: str, index: int) -> Projection:
    q = Projection(like.sender if isinstance(like, Projection) else like, g, link_type,
                   like.kind if isinstance(like, Projection) else T.FULL, net.dtype)
    q.mask = np.zeros(q.arrays.shape, dtype=bool)
    g.incoming.insert(index, q)
    return q


def _move_links(src, dst, u: int, senders) -> None:
    """Row u's links from `senders` go from src to dst with their values."""
    senders = np.asarray(senders, dtype=int)
    for name in ("weight", "deriv", "last_delta", "last_value"):
        getattr(dst.arrays, name)[u, senders] = getattr(src.arrays, name)[u, senders]
    _sparse(dst)[u, senders] = True
    _clear(src, (u, senders))


def _split_row(net, g, p, u: int, at: int):
    """Row u's links of p from sender `at` on move to a new projection right
    after p, with the row's block parameters and frozen flag; the unit's
    order is unchanged and no other unit is touched.  Returns the new
    projection (None when nothing is moved)."""
    row = p.row_links(u)
    tail = row[row >= at]
    if len(tail) == 0:
        return None
    _require_own(net, p)
    q = _insert_projection(net, g, p, p.link_type, g.incoming.index(p) + 1)
    for name in BLOCK_PARAMS:
        getattr(q, name)[u] = getattr(p, name)[u]
    q.frozen[u] = p.frozen[u]
    _move_links(p, q, u, tail)
    return q


def _row_params(p, u: int) -> tuple:
    return tuple(float(getattr(p, name)[u]) for name in BLOCK_PARAMS)


def _same(a: tuple, b: tuple) -> bool:
    return all(x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b))


def _init_params(net, mean: float, rng_range: float) -> tuple:
    """initBlockValues: every block parameter NaN but the given randMean and
    randRange, as reals."""
    values = [NAN] * len(BLOCK_PARAMS)
    values[RAND_MEAN] = float(net.dtype(mean))
    values[RAND_RANGE] = float(net.dtype(rng_range))
    return tuple(values)


def _set_params(p, u: int, values: tuple) -> None:
    for name, v in zip(BLOCK_PARAMS, values):
        getattr(p, name)[u] = v


def _run_of(row: np.ndarray, s: int):
    """(lo, hi): the contiguous run of `row` (sorted senders) that holds s."""
    k = int(np.searchsorted(row, s))
    lo = k
    while lo > 0 and row[lo - 1] == row[lo] - 1:
        lo -= 1
    hi = k
    while hi + 1 < len(row) and row[hi + 1] == row[hi] + 1:
        hi += 1
    return int(row[lo]), int(row[hi]) + 1


def _own_row(net, g, p, u: int, lo: int, hi: int, values: tuple):
    """The block of senders lo..hi-1 in p's row u gets the parameters `values`;
    when the row's other blocks keep different ones, the block moves to a row
    of its own.  Returns the projection that holds the block."""
    row = p.row_links(u)
    others = bool((row < lo).any() or (row >= hi).any())
    if others and not _same(_row_params(p, u), values):
        _split_row(net, g, p, u, hi)
        if (row < lo).any():
            p = _split_row(net, g, p, u, lo)
    _set_params(p, u, values)
    return p


def _counts_before(g, u: int) -> list:
    """counts[j] = how many of unit u's links come before g.incoming[j]."""
    counts, n = [], 0
    for p in g.incoming:
        counts.append(n)
        n += len(p.row_links(u))
    counts.append(n)
    return counts


def _place_new_block(net, g, u: int, sender, s: int, link_type: str, pos: int,
                     values: tuple):
    """Put a one-link block at position `pos` of unit u's links; returns its
    projection (its row parameters set to `values`)."""
    counts = _counts_before(g, u)
    for j in range(len(g.incoming) - 1, -1, -1):
        q = g.incoming[j]
        if q.sender is not sender or q.link_type != link_type:
            continue
        row = q.row_links(u)
        if counts[j] + int(np.searchsorted(row, s)) != pos:
            continue
        if np.isin([s - 1, s, s + 1], row).any():
            continue            # it would merge with a neighbour: not a block of its own
        if len(row) and not _same(_row_params(q, u), values):
            continue
        if _shared(net, q):
            continue
        _sparse(q)[u, s] = True
        _set_params(q, u, values)
        return q
    boundaries = [j for j, c in enumerate(counts) if c == pos]
    if boundaries:
        j = boundaries[-1]
    else:
        j = next(j for j in range(len(g.incoming)) if counts[j] < pos < counts[j + 1])
        p = g.incoming[j]
        _split_row(net, g, p, u, int(p.row_links(u)[pos - counts[j]]))
        j += 1
    q = _insert_projection(net, g, sender, link_type, j)
    q.mask[u, s] = True
    _set_params(q, u, values)
    return q


def _draw(net, p, u: int, senders) -> None:
    """randomizeLinkWeight for each new link, in order, then initLinkValues."""
    senders = np.asarray(senders, dtype=int)
    draws = net.rng.drand48_array(len(senders))
    rows = np.full(len(senders), u)
    mean, rng_range = net._link_rand_params(p, rows)
    p.weight[u, senders] = net._rand_real(draws, mean, rng_range)
    p.deriv[u, senders] = 0
    p.last_delta[u, senders] = 0
    p.last_value[u, senders] = 1


def _freeze_or_thaw(net, g, u: int, link_type: str, frozen: bool) -> None:
    if frozen:          # freezeUnitInputs with a type: that type's blocks only
        for p in g.incoming:
            if p.link_type == link_type:
                p.frozen[u] = True
    else:
        net._thaw_rows(g, np.array([u]), link_type)


def _tidy(g, projections) -> None:
    """Drop projections left without links; a full mask is a dense projection."""
    for p in projections:
        if p not in g.incoming or p.mask is None:
            continue
        if not p.mask.any():
            g.incoming.remove(p)
        elif p.mask.all():
            p.mask = None


# -- making links --------------------------------------------------------------------------

def connect_units(net, sender, s: int, g, u: int, link_type: str | None = None,
                  rng_range: float = NAN, mean: float = NAN, frozen: bool = False) -> None:
    """Lens's connectUnits(sender:s, g:u): one link of `link_type` (default the
    sender group's name), placed in the unit's blocks as Lens does, one
    weight draw."""
    link_type = register_link_type(net, link_type if link_type else sender.name)
    blocks = unit_blocks(net, g, u)
    mode, b, pos = placement(net, blocks, sender, s, link_type, g.unit_names[u])
    values = _init_params(net, mean, rng_range)
    touched = []
    if mode == NEW_BLOCK:
        p = _place_new_block(net, g, u, sender, s, link_type, pos, values)
    else:
        B = blocks[b]
        p = B.proj
        _require_own(net, p)
        if mode == JOIN_BLOCKS:
            C = blocks[b + 1]
            if C.proj is not p:
                # the next block's links (whatever their type) become B's
                _require_own(net, C.proj)
                _move_links(C.proj, p, u, np.arange(C.first, C.first + C.count))
                touched.append(C.proj)
        _sparse(p)[u, s] = True
        lo, hi = _run_of(p.row_links(u), s)
        touched.append(p)
        p = _own_row(net, g, p, u, lo, hi, values)
    _draw(net, p, u, [s])
    _freeze_or_thaw(net, g, u, link_type, frozen)
    _tidy(g, touched + [p])


def connect_group_to_unit(net, sender, g, u: int, link_type: str | None = None,
                          rng_range: float = NAN, mean: float = NAN,
                          frozen: bool = False) -> None:
    """Lens's connectGroupToUnit: a new block of every unit of `sender` at the
    end of g:u's links, one draw per link in sender order."""
    link_type = register_link_type(net, link_type if link_type else sender.name)
    for p in g.incoming:
        if p.link_type == link_type and p.sender is sender and len(p.row_links(u)):
            raise NetworkError(
                f"connectGroupToUnit: {sender.name} is already connected to "
                f"{g.unit_names[u]} with a link of type \"{link_type}\"")
    values = _init_params(net, mean, rng_range)
    target = None
    for p in reversed(g.incoming):      # only projections after u's last link
        if len(p.row_links(u)):
            break
        if p.sender is sender and p.link_type == link_type and not _shared(net, p):
            target = p
            break
    if target is None:
        target = _insert_projection(net, g, sender, link_type, len(g.incoming))
    _sparse(target)[u, :] = True
    _set_params(target, u, values)
    _draw(net, target, u, np.arange(sender.size))
    _freeze_or_thaw(net, g, u, link_type, frozen)
    _tidy(g, [target])


# -- removing links ------------------------------------------------------------------------

def _matches(p, link_type) -> bool:
    return link_type is None or p.link_type == link_type


def _remove(net, g, p, sel) -> None:
    """Remove p's links marked in the bool [rows, cols] `sel`."""
    sel = sel & p.link_mask()
    if not sel.any():
        return
    if sel.sum() == p.num_links:
        g.incoming.remove(p)
        return
    _require_own(net, p)
    _clear(p, sel)
    _tidy(g, [p])


def _unit_sel(p, u: int, s=None) -> np.ndarray:
    sel = np.zeros(p.arrays.shape, dtype=bool)
    if s is None:
        sel[u, :] = True
    else:
        sel[u, s] = True
    return sel


def disconnect_units(net, sender, s: int, g, u: int, link_type: str | None = None) -> None:
    """Lens's disconnectUnits: every link from sender:s into g:u (of the type,
    when given); the blocks around it close up or split."""
    for p in list(g.incoming):
        if p.sender is sender and _matches(p, link_type):
            _remove(net, g, p, _unit_sel(p, u, s))


def disconnect_group_from_unit(net, sender, g, u: int, link_type: str | None = None) -> None:
    """Lens's disconnectGroupFromUnit: g:u's blocks from `sender` (of the type)."""
    for p in list(g.incoming):
        if p.sender is sender and _matches(p, link_type):
            _remove(net, g, p, _unit_sel(p, u))


def _forget_elman(g, source=None) -> None:
    """With no link type Lens also empties the group's ELMAN_CLAMP slot (the
    one holding `source`, or any)."""
    if g.output_type & T.ELMAN_CLAMP and g.elman_source is not None \
            and (source is None or g.elman_source is source):
        g.elman_source = None


def disconnect_groups(net, sender, g, link_type: str | None = None) -> None:
    """Lens's disconnectGroups: every link from `sender` into `g` (of the type)."""
    for p in list(g.incoming):
        if p.sender is sender and _matches(p, link_type):
            _remove(net, g, p, np.ones(p.arrays.shape, dtype=bool))
    if link_type is None:
        _forget_elman(g, sender)


def delete_unit_inputs(net, g, u: int, link_type: str | None = None) -> None:
    for p in list(g.incoming):
        if _matches(p, link_type):
            _remove(net, g, p, _unit_sel(p, u))


def delete_group_inputs(net, g, link_type: str | None = None) -> None:
    for p in list(g.incoming):
        if _matches(p, link_type):
            _remove(net, g, p, np.ones(p.arrays.shape, dtype=bool))
    if link_type is None:
        _forget_elman(g)


def delete_unit_outputs(net, sender, s: int, link_type: str | None = None) -> None:
    """Lens's deleteUnitOutputs: disconnectUnits(sender:s, U) for every unit U."""
    for g in net.groups:
        for p in list(g.incoming):
            if p.sender is sender and _matches(p, link_type):
                sel = np.zeros(p.arrays.shape, dtype=bool)
                sel[:, s] = True
                _remove(net, g, p, sel)


def delete_group_outputs(net, sender, link_type: str | None = None) -> None:
    for g in net.groups:
        disconnect_groups(net, sender, g, link_type)


def delete_all_links(net, link_type: str | None = None) -> None:
    """Lens's deleteAllLinks (the deleteLinks command)."""
    for g in net.groups:
        delete_group_inputs(net, g, link_type)


# -- link types ------------------------------------------------------------------------------
# Lens's registry is one global table of names (slots 1..254) whose index is
# the link type; a deleted name leaves its slot empty (None here) for the
# next new name.  `owner` is a Network or the Session (both hold the list).

LINK_NUM_TYPES = 255


def lookup_link_type(owner, name: str) -> str | None:
    """The registered name, or None (Lens's ALL_LINKS: "doesn't exist")."""
    return name if name in owner.link_types[1:] else None


def register_link_type(owner, name: str) -> str:
    types = owner.link_types
    if name in types[1:]:
        return name
    for i in range(1, len(types)):
        if types[i] is None:
            types[i] = name
            return name
    if len(types) >= LINK_NUM_TYPES:
        raise NetworkError(f"Too many link types registered, could not add {name}")
    types.append(name)
    return name


def unregister_link_type(owner, name: str) -> None:
    types = owner.link_types
    for i in range(1, len(types)):
        if types[i] == name:
            types[i] = None
            return
    raise NetworkError(f'Link type "{name}" is not registered')


def list_link_types(owner) -> str:
    """Lens's listing: each registered name quoted, one per line."""
    return "".join(f'"{name}"\n' for name in owner.link_types if name)
