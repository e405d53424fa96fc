"""Lens's colour scales (its palettes of 101 colours) and how a value picks
one: a sigmoid of value x temperature, saturating beyond +-10."""
from __future__ import annotations

import math

NUM_COLORS = 101
NAN_COLOR = "#7f7f7f"           # Lens's grey50


def _hex(r: float, g: float, b: float) -> str:
    return "#%02x%02x%02x" % (int(r * 255), int(g * 255), int(b * 255))


def _blue_black_red(f):
    v = f * 2 - 1
    return _hex(max(v, 0.0), 0.0, max(-v, 0.0))


def _blue_red_yellow(f):
    if f <= 0.5:
        return _hex(f * 2, 0.0, 1.0 - f * 2)
    return _hex(1.0, f * 2 - 1.0, 0.0)


def _black_gray_white(f):
    return _hex(f, f, f)


PALETTES = {name: [fn(i / (NUM_COLORS - 1)) for i in range(NUM_COLORS)]
            for name, fn in (("blue-black-red", _blue_black_red),
                             ("blue-red-yellow", _blue_red_yellow),
                             ("black-gray-white", _black_gray_white))}


def norm_color_value(x: float, temp: float = 1.0) -> float:
    """Lens's normColorValue: the value's place on the scale, in [0, 1]."""
    if math.isnan(x):
        return x
    if x * temp > 10:
        return 1.0
    if x * temp < -10:
        return 0.0
    return 1.0 / (math.exp(-x * temp) + 1.0)


def output_scale_value(x: float, min_output: float, max_output: float) -> float:
    """What the Unit Viewer colours for an output: bounded outputs (e.g. a
    sigmoid's [0, 1]) are mapped back through the inverse sigmoid, so with
    temperature 1 the colour's place is the output itself."""
    if math.isnan(x):
        return x
    lo, hi = not math.isnan(min_output), not math.isnan(max_output)
    if lo and hi:
        f = (x - min_output) / (max_output - min_output)
        if f <= 0:
            return -math.inf
        if f >= 1:
            return math.inf
        return math.log(f / (1 - f))
    if lo:
        return math.log(x - min_output) if x > min_output else -math.inf
    if hi:
        return -math.log(max_output - x) if x < max_output else math.inf
    return x
