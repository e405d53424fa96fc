"""What every training batch starts from: the network's and its groups'
errors and output costs 0, and the link and gain derivatives 0 -- except a
lesioned unit's links, which keep theirs (Lens's resetLinkDerivs passes over
lesioned units).  Every path that trains a batch, and every compiled run of
several batches, starts each batch from here."""
from __future__ import annotations

from .cfloats import exact_setter
from .compiled import bulk
from .paths import compiled_allowed

_zero_error = exact_setter("error")             # (0.0 needs no rounding)
_zero_output_cost = exact_setter("output_cost")


def reset_batch(net) -> None:
    """The errors and the derivatives of a new batch."""
    whole, live, compiled = reset_errors(net)[1:]
    bulk.zero(whole, compiled)
    for a, units in live:
        a[units] = 0


def reset_errors(net):
    """The errors and output costs alone (a compiled run of batches zeroes
    the derivatives itself); returns reset_plan(net)."""
    plan = reset_plan(net)
    _zero_error(net, 0.0)
    _zero_output_cost(net, 0.0)
    for g in plan[0]:
        _zero_error(g, 0.0)
        _zero_output_cost(g, 0.0)
    return plan


def reset_plan(net):
    """(the groups, the derivative arrays zeroed whole as bulk.Arrays,
    (array, units) pairs zeroed in part, whether compiled code may zero
    them), kept while the network is unchanged."""
    return net.kept("batch_reset", _reset_plan)


def _reset_plan(net):
    whole, live = [], []
    for g in net.groups:
        skipped = g.skipped
        arrays = [g.gain_deriv] + [p.deriv for p in g.incoming]
        if skipped is None:
            whole += arrays
        else:
            units = ~skipped
            live.append((g.gain_deriv, (slice(None), units)))
            live += [(a, units) for a in arrays[1:]]
    return list(net.groups), bulk.Arrays(whole), live, compiled_allowed(net)
