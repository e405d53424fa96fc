"""Lens stores its parameters as C floats; so do we.

A class lists its real-valued attributes in REALS; each becomes a property
that rounds assigned values to the network's real type (float32 unless
float64 was chosen), so `setObj learningRate 0.1` stores the number Lens does.
"""
from __future__ import annotations

import struct

import numpy as np

_F32 = struct.Struct("f")
_pack, _unpack = _F32.pack, _F32.unpack


def rounded(dtype, value) -> float:
    """float(dtype(value)): the value as the network's real type holds it.
    A Python float going to float32 takes struct's C cast, the conversion
    NumPy makes, at a fraction of the cost (the training loop stores errors
    after every example); NaNs, overflows and everything else go through
    NumPy."""
    if dtype is np.float32 and type(value) is float and value == value:
        try:
            return _unpack(_pack(value))[0]
        except OverflowError:       # beyond float32: NumPy's inf
            pass
    return float(dtype(value))


def _real_property(name: str):
    key = "_real_" + name
    given_key = key + "_given"

    def get(self):
        return self.__dict__[key]

    def put(self, value):
        d = self.__dict__
        net = d.get("net", self)
        d[key] = rounded(net.__dict__.get("dtype", np.float32), value)
        d[given_key] = value        # for a change of precision
    return property(get, put)


def exact_setter(name: str):
    """A store of real field `name` for values that are already of the
    object's real type (a float32 kernel's results): what assigning them
    does, without rounding them again."""
    key = "_real_" + name
    given_key = key + "_given"

    def store(obj, value: float) -> None:
        d = obj.__dict__
        d[key] = value
        d[given_key] = value
    return store


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


# NumPy keeps its floating-point error state in a context variable; the
# state as_in_c entered last is remembered, so a Lens command run from a
# hook inside another (train, test) sees it still in force and enters
# nothing.  Anything that changed the state since (np.seterr in a python
# call) made a new object, and the next command enters its own again.
try:
    from numpy._core._ufunc_config import _extobj_contextvar as _ERRSTATE
except ImportError:         # another NumPy: always enter
    _ERRSTATE = None

_ENTERED = [None]           # the state object as_in_c's last entry made


def in_c() -> bool:
    """Is the state as_in_c enters in force now (so entering it again
    changes nothing)?"""
    return _ERRSTATE is not None and _ENTERED[0] is not None \
        and _ERRSTATE.get() is _ENTERED[0]


class _InC:
    __slots__ = ("inner",)

    def __enter__(self):
        if in_c():
            self.inner = None
            return self
        inner = self.inner = np.errstate(all="ignore")
        inner.__enter__()
        if _ERRSTATE is not None:
            _ENTERED[0] = _ERRSTATE.get()
        return self

    def __exit__(self, *exc):
        inner = self.inner
        if inner is not None:
            self.inner = None
            return inner.__exit__(*exc)
        return False


def as_in_c():
    """NumPy arithmetic as Lens's C does it: an overflow is inf, 0/0 NaN, a
    value beyond float32 +-inf, all without a word (NumPy would print a
    RuntimeWarning naming its own source).  Every Lens command runs in it."""
    return _InC()
