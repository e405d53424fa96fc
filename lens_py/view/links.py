"""The Link Viewer as one HTML page: each projection's weights as a grid
(a row per receiving unit, a column per sending unit) on Lens's colour
scales, values on hover; non-links grey."""
from __future__ import annotations

import numpy as np

from . import page

_SCRIPT = r"""
select("palette", Object.keys(PALETTES), v => { palette = Object.keys(PALETTES)[v]; draw(); });
const tp = control("temperature", document.createElement("input"));
tp.type = "number"; tp.step = "0.5"; tp.value = 0;   // Lens: temperature 2^value
tp.onchange = () => { temp = Math.pow(2, Number(tp.value)); draw(); };
const view = document.getElementById("view"), cells = [];
DATA.projections.forEach(p => {
  const box = document.createElement("div"); box.className = "grid";
  const h = document.createElement("b"); h.textContent = p.sender + " \u2192 " + p.receiver;
  box.appendChild(h);
  const t = document.createElement("table"); t.className = "cells";
  p.weight.forEach((row, r) => {
    const tr = document.createElement("tr");
    row.forEach((w, s) => {
      const td = document.createElement("td"); td.dataset.value = fmt(w);
      td.dataset.projection = p.sender + "->" + p.receiver;
      hover(td, () => p.receiver + ":" + r + " \u2190 " + p.sender + ":" + s + "  weight = " + fmt(w));
      tr.appendChild(td); cells.push([td, w]);
    });
    t.appendChild(tr);
  });
  box.appendChild(t); view.appendChild(box);
});
function draw() { for (const [td, w] of cells) { td.style.background = colour(w); hinton(td, w); } }
draw();
"""


def page_data(net) -> dict:
    projections = []
    for g in net.groups:
        for p in g.incoming:
            w = p.weight.astype(float)
            if p.mask is not None:
                w = np.where(p.mask, w, np.nan)
            projections.append({"sender": p.sender.name, "receiver": g.name,
                                "weight": w.tolist()})
    return {"network": net.name, "projections": projections}


def write(net, file=None) -> str:
    return page.write(page.render(f"Link Viewer: {net.name}", page_data(net), _SCRIPT), file,
                      "lens-links")
