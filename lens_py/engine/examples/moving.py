"""`moveExamples` and the deep copy of examples it uses with -copy."""
from __future__ import annotations

import numpy as np

from .loading import SET_HEADER_ATTRS
from .model import (EVENT_TIMES, EVENT_VALUES, Event, Example, ExampleError, ExampleSet, Range,
                    link_ranges)

def _copy_ranges(ranges, memo):
    if ranges is None:
        return None
    key = id(ranges)
    if key not in memo:
        out = []
        for r in ranges:
            c = Range(r.value, r.group_name)
            c.first_unit = r.first_unit
            c.val = None if r.val is None else r.val.copy()
            c.units = None if r.units is None else list(r.units)
            out.append(c)
        memo[key] = link_ranges(out)
    return memo[key]


def copy_example(ex: Example, exset=None) -> Example:
    """A deep copy (events sharing a range list still share the copy)."""
    c = Example(exset)
    c.name, c.frequency, c.proc = ex.name, ex.frequency, ex.proc
    memo: dict = {}
    for ev in ex.events:
        d = Event(c)
        for k in ("proc",) + EVENT_TIMES + EVENT_VALUES + ("shared_inputs", "shared_targets"):
            setattr(d, k, getattr(ev, k))
        d.input = _copy_ranges(ev.input, memo)
        d.target = _copy_ranges(ev.target, memo)
        c.events.append(d)
    return c


def move_examples(session, source: ExampleSet, to_name: str, first: int = 0, num: int = 0,
                  proportion: float = 1.0, copy: bool = False) -> int:
    """Lens's moveExamples: examples first..first+num-1, or (num 0) each example
    i with probability remaining/(n-i) (one drand48 per example looked at while
    some remain to be picked).  Creates `to_name` with `source`'s header if
    needed.  Returns how many were moved (or copied)."""
    n = len(source.examples)
    if first < 0 or num < 0 or first + num > n:
        raise ExampleError(f"moveExamples: example indices ({first}, {num}) out of bounds")
    if num == 0 and (proportion < 0.0 or proportion > 1.0):
        raise ExampleError(f"moveExamples: proportion ({proportion:f}) must be in the range [0,1]")
    if not to_name:
        raise ExampleError("moveExamples: example set must have a real name")
    target = session.sets.get(to_name)
    if target is source:
        raise ExampleError("moveExamples: you can't move an example set to itself")
    if target is None:
        target = ExampleSet(to_name, session)
        for k in SET_HEADER_ATTRS:
            setattr(target, k, getattr(source, k))
        session.sets[to_name] = target
    picked = [False] * n
    if num > 0:
        for i in range(first, first + num):
            picked[i] = True
    else:
        rng = session.rng
        tomark = int(np.float32(np.float32(n) * np.float32(proportion)))
        i = 0
        while tomark:
            r = np.float32(rng.drand48())
            if r < np.float32(np.float32(tomark) / np.float32(n - i)):
                picked[i] = True
                tomark -= 1
                num += 1
            i += 1
    chosen = [ex for ex, p in zip(source.examples, picked) if p]
    if copy:
        target.examples.extend(copy_example(ex, target) for ex in chosen)
    else:
        source.examples = [ex for ex, p in zip(source.examples, picked) if not p]
        target.examples.extend(chosen)
        source.compile()
    target.compile()
    net = session.net
    if net is not None and net.training_set is source and net.testing_set is None:
        net.testing_set = target
    return num

