"""The Unit Viewer as one HTML page: every group's units (outputs, and
targets below output groups) for every example and tick of a set, coloured
on Lens's scales; examples and ticks are stepped through, values shown on
hover.  The values come from one test pass (record.test_outputs)."""
from __future__ import annotations

import numpy as np

from ..record import test_outputs
from . import page
from .colors import output_scale_value

_SCRIPT = r"""
const G = DATA.groups;
const ex = select("example", DATA.examples, v => { example = v; tick = DATA.ticks[v] - 1; draw(); });
const tk = control("tick", document.createElement("input"));
tk.type = "range"; tk.min = 0;
tk.oninput = () => { tick = Number(tk.value); draw(); };
select("palette", Object.keys(PALETTES), v => { palette = Object.keys(PALETTES)[v]; draw(); });
const tp = control("temperature", document.createElement("input"));
tp.type = "number"; tp.step = "0.5"; tp.value = 0;   // Lens: temperature 2^value
tp.onchange = () => { temp = Math.pow(2, Number(tp.value)); draw(); };
const label = control("", document.createElement("span"));
const view = document.getElementById("view");
const cells = [];
G.forEach((g, k) => {
  const box = document.createElement("div"); box.className = "grid";
  const h = document.createElement("b"); h.textContent = g.name; box.appendChild(h);
  const t = document.createElement("table"); t.className = "cells";
  const rows = g.targets ? [["output", g.outputs, g.shown], ["target", g.targets, g.tshown]]
                         : [["output", g.outputs, g.shown]];
  rows.forEach(([what, raw, shown]) => {
    const tr = document.createElement("tr");
    for (let u = 0; u < g.size; u++) {
      const td = document.createElement("td"); td.dataset.group = g.name;
      td.dataset.unit = u; td.dataset.what = what; tr.appendChild(td);
      hover(td, () => g.name + ":" + u + " " + what + " = " + fmt(raw[example][tick][u]));
      cells.push([td, raw, shown, u]);
    }
    t.appendChild(tr);
  });
  box.appendChild(t); view.appendChild(box);
});
function draw() {
  tk.max = DATA.ticks[example] - 1; tk.value = tick;
  label.textContent = "example " + example + " (" + DATA.examples[example] + "), tick " + tick;
  for (const [td, raw, shown, u] of cells) {
    const x = shown[example][tick][u];
    td.style.background = colour(x); td.dataset.value = fmt(raw[example][tick][u]);
    hinton(td, x);
  }
}
tick = DATA.ticks[0] - 1; draw();
"""


def page_data(session, net, exset=None) -> dict:
    """The page's data: one test pass over the set (the testing set, else
    the training set)."""
    found = test_outputs(session, net, None, exset)
    groups = []
    first = next(iter(found.values()))
    for g in net.groups:
        o = found[g.name]
        shown = np.vectorize(lambda x: output_scale_value(float(x), g.min_output, g.max_output),
                             otypes=[float])
        entry = {"name": g.name, "size": g.size, "outputs": o.outputs.astype(float).tolist(),
                 "shown": shown(o.outputs).tolist() if o.outputs.size else []}
        if o.targets is not None:
            entry["targets"] = o.targets.astype(float).tolist()
            entry["tshown"] = shown(o.targets).tolist() if o.targets.size else []
        groups.append(entry)
    names = [n or str(k) for k, n in enumerate(first.example_names)]
    return {"network": net.name, "examples": names, "ticks": first.ticks.tolist(),
            "groups": groups}


def write(session, net, exset=None, file=None) -> str:
    data = page_data(session, net, exset)
    if not data["examples"]:
        raise ValueError("viewUnits: the example set has no examples")
    return page.write(page.render(f"Unit Viewer: {net.name}", data, _SCRIPT), file,
                      "lens-units")
