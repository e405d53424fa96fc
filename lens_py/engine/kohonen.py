"""Lens 2.63's KOHONEN output procedure (act.c: kohonenOutput,
kohonenOutputBack, distanceSquared), registered into forward.py's tables
when this module is imported.

A self-organising map in Lens is a group with DISTANCE input (each unit's
input is Σ(w − o)², see groupprocs.py) and KOHONEN output, its units laid
out row by row on a grid `numColumns` wide.

Forward, over the live units in order (row by row of the unit arrays):
* the winner is the first unit with the smallest input below 1e8 (a strict
  '<' against a running minimum that starts at 1e8: NaN never wins, ties go
  to the lower unit; if no unit qualifies, unit 0 is the winner, lesioned or
  not);
* `max` is the largest input above 0 (0 if there is none) and
  scale = 1/max in float (+inf when max is 0);
* a unit whose grid distance² from the winner is ≤ neighborhood² gets
  output 1 − input·scale (the product in float, the subtraction in double,
  rounded to float), every other unit 0.  The winner's output is 1 − min/max
  and a neighbour's falls with its own distance from the input; the grid
  only decides who is in the neighbourhood (a "bubble").
* Grid distance: unit u sits at column u % numColumns, row u / numColumns
  (C integer arithmetic); di, dj are the absolute column and row
  differences; with periodicBoundary, a difference d becomes n − d when
  2d > n, n being numColumns for columns and numUnits / numColumns
  (integer division) for rows.  All in float.

Backward: inputDeriv = 1 where output > 0, else 0; the output derivative
is ignored.  DISTANCE's backward step then adds 2·(w − o) to each link's
derivative, so one steepest update with learning rate lr moves every
weight into a unit with positive output by 2·lr·(o − w): the weights are
trained by the ordinary backward pass and weight update, nothing else.
A unit in the neighbourhood whose output is 0 or below (its input ≥ max,
e.g. every unit when all inputs are equal) does not learn.

Lens divides by numColumns, so with its default of 0 Lens dies of a
division by zero; we raise an error instead.  A negative numColumns
follows C's truncating division and remainder.
"""
from __future__ import annotations

import numpy as np

from . import forward as F
from . import types as T
from .network import NetworkError

F64 = np.float64
LARGE_VAL = np.float32(1e8)     # Lens's LARGE_VAL, a float


def _c_div(a, b):
    """C integer division (truncates toward zero)."""
    q = np.abs(a) // abs(b)
    return np.where((np.asarray(a) < 0) != (b < 0), -q, q)


def _c_mod(a, b):
    return a - b * _c_div(a, b)


def _live_units(g) -> np.ndarray:
    skip = g.skipped
    return np.arange(g.size) if skip is None else np.flatnonzero(~skip)


def _winner_and_scale(inputs: np.ndarray, live: np.ndarray, d):
    """The winning unit's number and 1/max, as kohonenOutput's first loop."""
    vals = inputs[live]
    # the running minimum starts at LARGE_VAL: only inputs below it compete;
    # NaN compares false, so it is made too large to compete
    cand = np.where(np.isnan(vals), np.inf, vals)
    winner = 0
    if len(cand):
        k = int(np.argmin(cand))            # first of equal minima
        if cand[k] < d(LARGE_VAL):
            winner = int(live[k])
    top = d(0.0)
    above = vals[vals > 0]                  # NaN never raises the running max
    if len(above):
        top = d(above.max())
    with np.errstate(divide="ignore"):
        scale = d(d(1.0) / top)
    return winner, scale


def _in_neighbourhood(g, winner: int, units: np.ndarray, d) -> np.ndarray:
    cols = int(g.num_columns)
    if cols == 0:
        raise NetworkError(
            f'group "{g.name}": KOHONEN needs numColumns set to the width of the map '
            f'(Lens divides by it)')
    rows = int(_c_div(np.int64(g.size), cols))
    i = _c_mod(units, cols).astype(d)
    j = _c_div(units, cols).astype(d)
    wi = d(_c_mod(np.int64(winner), cols))
    wj = d(_c_div(np.int64(winner), cols))
    di = np.abs(i - wi).astype(d)
    dj = np.abs(j - wj).astype(d)
    if g.periodic_boundary:
        di = np.where(d(2) * di > d(cols), d(cols) - di, di).astype(d)
        dj = np.where(d(2) * dj > d(rows), d(rows) - dj, dj).astype(d)
    dist = (di * di + dj * dj).astype(d)
    reach = d(g.neighborhood)
    return dist <= d(reach * reach)


def kohonen_output(net, g) -> None:
    d = net.dtype
    live = _live_units(g)
    for r in range(g.output.shape[0]):
        inputs = g.input[r]
        winner, scale = _winner_and_scale(inputs, live, d)
        near = _in_neighbourhood(g, winner, live, d)
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = (inputs[live] * scale).astype(d)
        # the literal 1.0 is a double: the difference is taken in double
        out = (F64(1.0) - scaled.astype(F64)).astype(d)
        g.output[r, live] = np.where(near, out, d(0.0))


def kohonen_output_back(net, g) -> None:
    d = net.dtype
    live = _live_units(g)
    out = g.output[:, live]
    g.input_deriv[:, live] = np.where(out > 0, d(1.0), d(0.0))


F.OUTPUT_FORWARD[T.KOHONEN] = kohonen_output
F.OUTPUT_BACK[T.KOHONEN] = kohonen_output_back
