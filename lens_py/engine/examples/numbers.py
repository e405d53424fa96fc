"""Runs of dense example values (`0.5 1 - 2e-3 …`) to float32, read as Lens's
parser reads them, for the bulk path of the text reader.

A value is `-?(D+.?D*|.D+)([eE][+-]?D+)?` ending at a blank (D a digit), or
a lone `-` (NaN); a run is values separated by blanks.  Each is converted as
the port does (the decimal to the nearest double, that to float32; beyond
float32's range, +-inf).  A run holding anything else is refused as a whole
(`first_bad`), and the reader takes that example the slow way, which reports
any error exactly.

The common case -- runs of digits, points, minus signs and blanks only -- is
checked and converted for all runs at once, one character position of every
token at a time (`_decimals`).  Runs with exponents, or a batch holding
something else, are checked run by run with a regular expression and parsed
by NumPy.
"""
from __future__ import annotations

import re
import warnings

import numpy as np

_WS = r"[ \t\n\r\v\f]"
_VALUE = r"(?:-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|-)"
_RUN = re.compile(rf"{_WS}*{_VALUE}(?:{_WS}+{_VALUE})*{_WS}*")
_LONE_DASH = re.compile(r"(?<!\S)-(?!\S)")
_BLANK = np.zeros(256, dtype=bool)
_BLANK[[9, 10, 13, 32]] = True
_MINUS, _ZERO, _POINT = ord("-"), ord("0"), ord(".")
_EXACT_DIGITS = 15                  # below 2**53: exact in a double
_POW10 = 10.0 ** np.arange(23)      # exact doubles


def parse_runs(text: str, spans) -> tuple[np.ndarray, list, int]:
    """(all values in order as float32, the count of each run, index of the
    first run that is not plain values -- len(spans) if none)."""
    if not spans:
        return np.zeros(0, dtype=np.float32), [], 0
    joined = " ".join(text[s:e] for s, e in spans)
    if not any(c in joined for c in "eE+\v\f"):
        done = _parse_together(joined, [e - s for s, e in spans])
        if done is not None:
            return done
    return _parse_one_by_one(text, spans)


def _float32(values: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return values.astype(np.float32)


def _fromstring(text) -> np.ndarray | None:
    """NumPy's parse of blank-separated numbers; where it stops early it warns
    (or, in later NumPy, raises): both mean a token it does not take."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return np.fromstring(text, dtype=np.float64, sep=" ")
        except ValueError:
            return None


def _parse_together(joined: str, lengths: list):
    """All runs at once (digits, points, minus signs and blanks only), or None
    to check them one by one."""
    b = np.frombuffer(joined.encode("latin-1", "replace"), dtype=np.uint8)
    if not len(b):
        return None
    filled = ~_BLANK[b]
    starts = np.flatnonzero(filled[1:] & ~filled[:-1]) + 1
    if filled[0]:
        starts = np.concatenate(([0], starts))
    ends = np.flatnonzero(filled[:-1] & ~filled[1:]) + 1
    if filled[-1]:
        ends = np.concatenate((ends, [len(b)]))
    values = _decimals(b, starts, ends - starts)
    if values is None:
        return None
    # each run's tokens: those starting before the separator after it
    separators = np.cumsum(np.asarray(lengths, dtype=np.int64) + 1) - 1
    counts = np.diff(np.searchsorted(starts, separators), prepend=0)
    if not counts.all():
        return None             # an empty run: the port decides what it means
    return _float32(values), counts.tolist(), len(lengths)


def _decimals(b: np.ndarray, starts: np.ndarray, lengths: np.ndarray):
    """The value of each token b[start:start + length] made of digits, `.`
    and `-` (Lens's syntax: a leading `-`, one point, a digit; or a lone `-`,
    NaN), all tokens a character position at a time; None if one is not a
    number.  Up to 15 digits the decimal mantissa and its power of ten are
    exact doubles, so one division rounds as a full decimal conversion does;
    longer tokens are left to Python's float()."""
    n = len(starts)
    if n == 0:
        return np.zeros(0)
    width = int(lengths.max())
    long_tokens = np.flatnonzero(lengths > _EXACT_DIGITS + 2)
    steps = min(width, _EXACT_DIGITS + 2)
    padded = np.concatenate((b, np.full(steps, 32, dtype=np.uint8)))
    mantissa = np.zeros(n, dtype=np.int64)
    digits = np.zeros(n, dtype=np.int64)
    fraction = np.zeros(n, dtype=np.int64)
    point = np.zeros(n, dtype=bool)
    bad = np.zeros(n, dtype=bool)
    first = padded[starts]
    negative = first == _MINUS
    for j in range(steps):
        c = padded[starts + j] if j else first
        inside = lengths > j
        d = c - np.uint8(_ZERO)
        is_digit = (d < 10) & inside
        mantissa = np.where(is_digit, mantissa * 10 + d, mantissa)
        digits += is_digit
        fraction += is_digit & point
        is_point = (c == _POINT) & inside
        bad |= is_point & point
        point |= is_point
        if j:
            bad |= (c == _MINUS) & inside
    lone = negative & (lengths == 1)
    bad |= (digits == 0) & ~lone
    bad[long_tokens] = False
    if bad.any():
        return None
    values = mantissa / _POW10[np.minimum(fraction, 22)]
    values[negative] *= -1.0
    values[lone] = np.nan
    for k in np.flatnonzero((digits > _EXACT_DIGITS) | (lengths > _EXACT_DIGITS + 2)):
        token = b[starts[k]:starts[k] + lengths[k]].tobytes().decode("ascii")
        if not _RUN.fullmatch(token):
            return None
        values[k] = float(token)
    return values


def _parse_one_by_one(text: str, spans):
    parts, counts = [], []
    for k, (s, e) in enumerate(spans):
        if not _RUN.fullmatch(text, s, e):
            break
        run = text[s:e]
        if "-" in run:
            run = _LONE_DASH.sub("nan", run)
        values = _fromstring(run)
        if values is None or not len(values) or len(values) != len(run.split()):
            break
        parts.append(values)
        counts.append(len(values))
    else:
        k = len(spans)
    values = _float32(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.float32)
    return values, counts, k
