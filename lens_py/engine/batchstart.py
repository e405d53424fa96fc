"""What every training batch starts from: the network's and its groups'
errors and output costs 0, and the link and gain derivatives 0 -- except a
lesioned unit's links, which keep theirs (Lens's resetLinkDerivs passes over
lesioned units).  Every path that trains a batch, and every compiled run of
several batches, starts each batch from here."""
from __future__ import annotations

from typing import NamedTuple

from .cfloats import exact_setter
from .compiled import bulk
from .paths import compiled_allowed

_zero_error = exact_setter("error")             # (0.0 needs no rounding)
_zero_output_cost = exact_setter("output_cost")


class BatchStart(NamedTuple):
    """What a batch's reset touches: the groups, the derivative arrays
    zeroed whole, the lesioned groups' arrays zeroed in part (their visited
    units'), and whether compiled code may zero them."""
    groups: list
    whole: bulk.Arrays
    parts: bulk.Parts
    compiled: bool


def reset_batch(net) -> None:
    """The errors and the derivatives of a new batch."""
    start = reset_errors(net)
    bulk.zero(start.whole, start.compiled)
    bulk.zero_parts(start.parts, start.compiled)


def reset_errors(net) -> BatchStart:
    """The errors and output costs alone (a compiled run of batches zeroes
    the derivatives itself); returns reset_plan(net)."""
    start = reset_plan(net)
    _zero_error(net, 0.0)
    _zero_output_cost(net, 0.0)
    for g in start.groups:
        _zero_error(g, 0.0)
        _zero_output_cost(g, 0.0)
    return start


def reset_plan(net) -> BatchStart:
    """The network's BatchStart, kept while the network is unchanged."""
    return net.kept("batch_reset", _reset_plan)


def _reset_plan(net) -> BatchStart:
    whole, parts = [], []
    for g in net.groups:
        skipped = g.skipped
        arrays = [g.gain_deriv] + [p.deriv for p in g.incoming]
        if skipped is None:
            whole += arrays
        else:
            units = ~skipped
            parts.append((g.gain_deriv, (slice(None), units)))
            parts += [(a, units) for a in arrays[1:]]
    return BatchStart(list(net.groups), bulk.Arrays(whole), bulk.Parts(parts),
                      compiled_allowed(net))
