"""Lens stores its parameters as C floats; so do we.

A class lists its real-valued attributes in REALS; each becomes a property
that rounds assigned values to the network's real type (float32 unless
float64 was chosen), so `setObj learningRate 0.1` stores the number Lens does.
"""
from __future__ import annotations

import numpy as np


def _real_property(name: str):
    key = "_real_" + name

    def get(self):
        return self.__dict__[key]

    def put(self, value):
        net = self.__dict__.get("net", self)
        dtype = net.__dict__.get("dtype", np.float32)
        self.__dict__[key] = float(dtype(value))
        self.__dict__[key + "_given"] = value       # for a change of precision
    return property(get, put)


def reround(obj) -> None:
    """Round every real field again from the value it was given (after the
    network's precision changed)."""
    for name in type(obj).REALS:
        given = obj.__dict__.get("_real_" + name + "_given")
        if given is not None:
            setattr(obj, name, given)


class RealFields:
    REALS: frozenset = frozenset()

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        for name in cls.REALS:
            setattr(cls, name, _real_property(name))


def as_in_c():
    """NumPy arithmetic as Lens's C does it: an overflow is inf, 0/0 NaN, a
    value beyond float32 +-inf, all without a word (NumPy would print a
    RuntimeWarning naming its own source).  Every Lens command runs in it."""
    return np.errstate(all="ignore")
