"""The viewers' one HTML page: the data as JSON and a small script that draws
it with no network access (no fonts, scripts or images fetched)."""
from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile

from ..engine.lensfiles import LensFileError, open_write, reason
from .colors import NAN_COLOR, PALETTES

_TEMPLATE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>%(title)s</title>
<style>
body{font:13px sans-serif;background:#ddd;margin:8px}
.grid{display:inline-block;margin:6px 10px;vertical-align:top}
.grid b{display:block;margin-bottom:2px}
table.cells{border-collapse:collapse}
table.cells td{width:14px;height:14px;padding:0;border:1px solid #555}
#tip{position:fixed;background:#ffe;border:1px solid #333;padding:2px 4px;display:none}
#controls{margin-bottom:6px}
</style></head><body>
<div id="controls"></div><div id="view"></div><div id="tip"></div>
<script id="lens-data" type="application/json">%(data)s</script>
<script>
"use strict";
const DATA = JSON.parse(document.getElementById("lens-data").textContent);
const PALETTES = DATA.palettes, NAN = DATA.nan_color;
let palette = Object.keys(PALETTES)[0], temp = 1.0, example = 0, tick = 0;
function place(x) {            // Lens's normColorValue
  if (x === null || isNaN(x)) return NaN;
  if (x * temp > 10) return 1; if (x * temp < -10) return 0;
  return 1 / (Math.exp(-x * temp) + 1);
}
function colour(x) {
  const f = place(x);
  if (isNaN(f)) return NAN;
  if (palette === "hinton") return "#7f7f7f";
  return PALETTES[palette][Math.floor(f * 100)];
}
function hinton(td, x) {       // a white (positive) or black square, its area the size
  const f = place(x); td.textContent = "";
  if (palette !== "hinton" || isNaN(f)) return;
  const s = Math.sqrt(Math.abs(f - 0.5) * 2) * 12, d = document.createElement("div");
  d.style.cssText = "margin:auto;width:" + s + "px;height:" + s + "px;background:" +
    (f < 0.5 ? "black" : "white");
  td.appendChild(d);
}
const tip = document.getElementById("tip");
function hover(td, text) {
  td.onmousemove = e => { tip.textContent = text(); tip.style.display = "block";
    tip.style.left = (e.clientX + 12) + "px"; tip.style.top = (e.clientY + 12) + "px"; };
  td.onmouseleave = () => { tip.style.display = "none"; };
}
function fmt(x) { return (x === null || isNaN(x)) ? "NaN" : Number(x).toPrecision(6); }
function control(label, el) {
  const span = document.createElement("label"); span.textContent = " " + label + " ";
  span.appendChild(el); document.getElementById("controls").appendChild(span); return el;
}
function select(label, options, onchange) {
  const s = document.createElement("select");
  options.forEach((o, i) => { const opt = document.createElement("option");
    opt.value = i; opt.textContent = o; s.appendChild(opt); });
  s.onchange = () => onchange(Number(s.value)); return control(label, s);
}
%(script)s
</script></body></html>
"""


def _clean(x):
    """JSON has no NaN: null stands for it (drawn grey, shown as NaN)."""
    if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
        return None if math.isnan(x) else (1e30 if x > 0 else -1e30)
    if isinstance(x, list):
        return [_clean(v) for v in x]
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    return x


def render(title: str, data: dict, script: str) -> str:
    data = dict(data, palettes=dict(PALETTES, hinton=[]), nan_color=NAN_COLOR)
    text = json.dumps(_clean(data), allow_nan=False).replace("</", "<\\/")
    return _TEMPLATE % {"title": title.replace("<", "&lt;"), "data": text, "script": script}


def write(html: str, file, stem: str) -> str:
    """Write the page to `file` (default: a new file in the temporary
    folder) and return its path."""
    made = not file
    if made:
        try:
            fd, file = tempfile.mkstemp(prefix=stem + "-", suffix=".html")
        except OSError as e:
            raise LensFileError(f"couldn't make a page in {tempfile.gettempdir()}: "
                                f"{reason(e)}", reason(e), e, tempfile.gettempdir()) from None
        os.close(fd)
    try:
        with open_write(file) as f:
            f.write(html)
    except LensFileError:
        if made:        # no empty page left behind
            with contextlib.suppress(OSError):
                os.unlink(file)
        raise
    return os.path.abspath(file)
