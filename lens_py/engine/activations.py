"""Output procedures: forward rule and local derivative side by side.

Every function works on [rows, units] arrays (rows = examples in flight) and
reproduces Lens's C arithmetic: `real` is float32, a literal such as `1.0`
is a double, so `(1.0 - o)` is computed in double and rounded when stored.
NumPy's weak Python scalars would keep such expressions in float32, hence
the explicit `.astype(np.float64)` where C promotes.
"""
from __future__ import annotations

import numpy as np

F64 = np.float64
SIGMOID_RANGE = 16
SIGMOID_SUB = 1024
SMALL_VAL = np.float32(1e-8)
LARGE_VAL = np.float32(1e8)


def _sigmoid_table() -> np.ndarray:
    # T[i] = (real)(1.0 / ((real)exp(-x) + 1.0)), x = (real)i/1024 - 16
    i = np.arange(2 * SIGMOID_RANGE * SIGMOID_SUB + 2)
    x = (i.astype(np.float32) / np.float32(SIGMOID_SUB)) - np.float32(SIGMOID_RANGE)
    e = np.exp(-x.astype(F64)).astype(np.float32)
    return (1.0 / (e.astype(F64) + 1.0)).astype(np.float32)


SIGMOID_TABLE = _sigmoid_table()
_TABLE64 = SIGMOID_TABLE.astype(F64)


def fast_sigmoid(x: np.ndarray) -> np.ndarray:
    """Lens's table sigmoid of a float32 array (linear interpolation)."""
    x = np.clip(x.astype(np.float32), np.float32(-SIGMOID_RANGE), np.float32(SIGMOID_RANGE))
    nan = np.isnan(x)
    if nan.any():
        x = np.where(nan, np.float32(0), x)
    v = (x + np.float32(SIGMOID_RANGE)) * np.float32(SIGMOID_SUB)
    i = v.astype(np.int64)
    v = v - i.astype(np.float32)
    # (1.0 - v) * T[i] is double; v * T[i+1] is a float product; the sum is double.
    hi = (v * SIGMOID_TABLE[i + 1]).astype(F64)
    out = ((1.0 - v.astype(F64)) * _TABLE64[i] + hi).astype(np.float32)
    if nan.any():
        out[nan] = np.nan
    return out


def logistic(x: np.ndarray, dtype) -> np.ndarray:
    if dtype == np.float32:
        return fast_sigmoid(x)
    return 1.0 / (1.0 + np.exp(-np.clip(x, -SIGMOID_RANGE, SIGMOID_RANGE)))


def logistic_back(out_deriv, output, gain, dtype):
    """inputDeriv = outputDeriv * output * (1.0 - output) * gain."""
    prod = out_deriv * output
    return (prod.astype(F64) * (1.0 - output.astype(F64)) * F64(gain)).astype(dtype)


def tanh(x: np.ndarray, dtype) -> np.ndarray:
    out = np.tanh(x.astype(F64)).astype(dtype)
    out[x >= 17] = 1.0
    out[x <= -17] = -1.0
    return out


def tanh_deriv(inp: np.ndarray, dtype) -> np.ndarray:
    """Lens's TANH_DERIV of the *unscaled* input: (real)1/SQUARE((real)cosh(x))."""
    with np.errstate(over="ignore"):
        c = np.cosh(inp.astype(F64)).astype(dtype)
        d = (dtype(1.0) / (c * c)).astype(dtype)
    d[(inp >= 17) | (inp <= -17)] = dtype(SMALL_VAL)
    return d


def exp_real(x: np.ndarray, dtype) -> np.ndarray:
    """EXP(x) = (real) exp((double) x)."""
    with np.errstate(over="ignore"):
        return np.exp(x.astype(F64)).astype(dtype)


def log_real(x, dtype):
    """LOG(x) = (real) log((double) x)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log(np.asarray(x, dtype=F64)).astype(dtype)


def softmax(inp: np.ndarray, dtype) -> np.ndarray:
    # maxInput is a double starting at 0; the sum of outputs is a double.
    m = np.maximum(0.0, inp.astype(F64).max(axis=1, initial=0.0))
    out = exp_real(inp.astype(F64) - m[:, None], dtype)
    total = _sequential_sum(out.astype(F64))
    scale = 1.0 / total
    return (out.astype(F64) * scale[:, None]).astype(dtype)


def softmax_back(out_deriv, output, dtype):
    prod = (out_deriv * output).astype(F64)
    s = _sequential_sum(prod)
    return (output.astype(F64) * (out_deriv.astype(F64) - s[:, None])).astype(dtype)


def _sequential_sum(a: np.ndarray) -> np.ndarray:
    """Row sums added left to right (as C does), not pairwise."""
    return np.cumsum(a, axis=1)[:, -1] if a.shape[1] else np.zeros(a.shape[0])


def ternary(inp, gain, shift, dtype):
    g = dtype(gain)
    y = exp_real(np.asarray(g * dtype(shift), dtype=dtype), dtype)
    x = exp_real((g * inp).astype(dtype), dtype)
    z = (x * y).astype(dtype)
    num = (x * z - y).astype(dtype)
    den = ((x + y).astype(F64) * (z.astype(F64) + 1.0))
    return (num.astype(F64) / den).astype(dtype)


def ternary_back(out_deriv, inp, gain, shift, dtype):
    g = dtype(gain)
    y = exp_real(np.asarray(g * dtype(shift), dtype=dtype), dtype)
    x = exp_real((g * inp).astype(dtype), dtype)
    z = (x * y).astype(dtype)
    v = ((x + y) * (x + y)).astype(dtype)
    zp1 = z.astype(F64) + 1.0
    w = (zp1 * zp1).astype(dtype)
    num = (out_deriv * g * z).astype(dtype) * (v + w)
    return (num / (v * w)).astype(dtype)


def gaussian(inp, gain, dtype):
    x = (inp * dtype(gain)).astype(dtype)
    return exp_real(-x * x, dtype)


def gaussian_back(out_deriv, output, inp, gain, dtype):
    scale = dtype(-2.0 * float(dtype(gain)) * float(dtype(gain)))
    return (out_deriv * output * inp * scale).astype(dtype)
