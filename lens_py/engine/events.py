"""Examples and events as a network meets them: choosing the
next example, installing an event's inputs and targets, an event's times;
the per-network caches that let every path do this cheaply.
"""
from __future__ import annotations

import math

import numpy as np

from . import noise
from . import types as T


def _set_value(exset, name, default):
    v = getattr(exset, name, default)
    return default if v is None else v


def _event_time(event, exset, name):
    v = getattr(event, name, math.nan)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return float(np.float32(_set_value(exset, name, {"max_time": 1.0, "min_time": 0.0,
                                                          "grace_time": 0.0}[name])))
    return float(np.float32(v))


def _event_times(net, exset, event):
    """(maxTime, minTime, graceTime) of the event, kept while the set is unedited."""
    version = getattr(exset, "version", None)
    if version is None or getattr(exset, "mode", 0) & (T.PIPE | T.CUSTOM):
        return tuple(_event_time(event, exset, k) for k in ("max_time", "min_time", "grace_time"))
    key = (version, id(exset))
    cache = getattr(net, "_event_times_cache", None)
    if cache is None or cache[0] != key or len(cache[1]) > _EVENT_CACHE_LIMIT:
        cache = net._event_times_cache = (key, {})
    entry = cache[1].get(id(event))
    if entry is None or entry[0] is not event:
        entry = cache[1][id(event)] = (event, tuple(
            _event_time(event, exset, k) for k in ("max_time", "min_time", "grace_time")))
    return entry[1]


def _examples(exset):
    return exset.examples


def select_example(session, net, exset):
    """loadNextExample: choose, make current, run the example's proc."""
    ex = exset.next_example(session.rng)
    net.current_example = ex
    proc = getattr(ex, "proc", None)
    if proc:
        session.script(proc, "example proc")
    return ex


_UNTOUCHED = (-3.25e30, 7.5e29)     # two fills: a unit is written if either changes


def _event_writes(net, event):
    """What standard loadEvent writes for this event: (group, "external_input"
    or "target", units, values), the values already rounded to the real type.  Found by installing the event twice into flat
    vectors of two different fill values."""
    n = net.num_units
    found = []
    for install, units in ((event.install_inputs, net.input_units()),
                           (event.install_targets, net.output_units())):
        a, b = np.full(n, _UNTOUCHED[0]), np.full(n, _UNTOUCHED[1])
        install(a, units, net.group_units)
        install(b, units, net.group_units)
        found.append(((a != _UNTOUCHED[0]) | (b != _UNTOUCHED[1]), a.astype(net.dtype)))
    (ext_on, ext), (tgt_on, tgt) = found
    writes = []
    o = 0
    for g in net.groups:
        for field, on, vals in (("external_input", ext_on, ext), ("target", tgt_on, tgt)):
            on = on[o:o + g.size]
            if on.all():
                writes.append((g, field, slice(None), vals[o:o + g.size].copy()))
            elif on.any():
                writes.append((g, field, np.flatnonzero(on), vals[o:o + g.size][on]))
        o += g.size
    return writes


_EVENT_CACHE_LIMIT = 200_000


def _cached_event_writes(net, exset, event):
    """_event_writes, kept per network while the set, its examples and the
    network's groups stay as they are (None: not cacheable)."""
    version = getattr(exset, "version", None)
    if version is None or getattr(exset, "mode", 0) & (T.PIPE | T.CUSTOM):
        return None
    key = (version, id(exset), net.dtype,
           tuple((g, g.name, g.size, g.type & (T.INPUT | T.OUTPUT)) for g in net.groups))
    cache = getattr(net, "_event_writes", None)
    if cache is None or cache[0] != key or len(cache[1]) > _EVENT_CACHE_LIMIT:
        cache = net._event_writes = (key, {})
    entry = cache[1].get(id(event))
    if entry is None or entry[0] is not event:
        entry = cache[1][id(event)] = (event, _event_writes(net, event))
    return entry[1]


def load_event(session, net, exset, event) -> None:
    """Standard loadEvent: defaults and ranges into externalInput
    and target, then the event's proc."""
    writes = _cached_event_writes(net, exset, event) if net.groups[0].state.shape[1] == 1 \
        else None
    if writes is not None:
        for g, field, units, vals in writes:
            getattr(g, field)[0, units] = vals
        if net.noise_groups:
            noise.external_input_noise(net)
        proc = getattr(event, "proc", None)
        if proc:
            session.script(proc, "event proc")
        return
    offs = net.unit_offsets()
    ext = np.concatenate([g.external_input[-1] for g in net.groups]).astype(np.float64)
    tgt = np.concatenate([g.target[-1] for g in net.groups]).astype(np.float64)
    event.install_inputs(ext, net.input_units(), net.group_units)
    event.install_targets(tgt, net.output_units(), net.group_units)
    for g in net.groups:
        o = offs[g.name]
        g.external_input[-1] = ext[o:o + g.size]
        g.target[-1] = tgt[o:o + g.size]
    if net.noise_groups:
        noise.external_input_noise(net)
    proc = getattr(event, "proc", None)
    if proc:
        session.script(proc, "event proc")


def _reset_outputs(net, g) -> None:
    """resetOutputs (it passes over lesioned units)."""
    v = net.dtype(g.initial_output())
    live = slice(None) if g.skipped is None else ~g.skipped
    g.output[:, live] = v
    g.output_cache[:, live] = v
