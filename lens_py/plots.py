"""Plots of a network with matplotlib (the optional extra `plots`:
pip install lens_py[plots]).  Each function returns a matplotlib Figure,
which Jupyter shows inline; `fig.savefig("f.png")` writes it.

    curve = lens.record("error", every="update"); lens.train(200)
    plots.learning_curve(curve)
    plots.unit_activations(lens.outputs("hidden"))
    plots.weight_matrix(lens.net.group("hidden").incoming[1])
    plots.hinton(lens.net.group("hidden").incoming[1])
"""
from __future__ import annotations

import os

import numpy as np


class PlotError(ValueError):
    """A plot cannot be drawn (matplotlib missing, nothing to draw)."""


def _pyplot():
    try:
        # a bare Figure needs no GUI backend (and leaves Jupyter's alone)
        from matplotlib.figure import Figure
    except ImportError:
        raise PlotError("pictures need matplotlib (pip install 'lens_py[plots]')") from None
    return Figure


def learning_curve(source, title=None):
    """A Recording (each column against its update count) or an engine
    Graph (each visible trace, x against value, in its colour)."""
    Figure = _pyplot()
    fig = Figure(figsize=(6, 3.5))
    ax = fig.add_subplot()
    if hasattr(source, "traces"):            # a graph: its traces' points
        drawn = False
        for tr in source.traces:
            if tr.visible and tr.xs:
                x, y = tr.values()
                ax.plot(x, y, color=tr.color, label=tr.name)
                drawn = True
        if not drawn:
            raise PlotError(f"graph {source.num} has no points to draw")
        ax.set_xlabel("graph update (x)")
    else:
        if len(source) == 0:
            raise PlotError("the recording has no rows yet")
        values = source.values
        x = source.updates if source.every in ("update", "report") else np.arange(len(source))
        for k, name in enumerate(source.names):
            ax.plot(x, values[:, k], label=name)
        ax.set_xlabel("update" if source.every in ("update", "report") else source.every)
    ax.legend(loc="best", fontsize="small")
    ax.grid(alpha=0.3)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    return fig


def unit_activations(outputs, example=None, title=None):
    """A GroupOutputs (lens.outputs("hidden")): units x examples (the last
    tick of each), or units x ticks of one example."""
    Figure = _pyplot()
    if example is None:
        last = np.maximum(outputs.ticks - 1, 0)
        data = outputs.outputs[np.arange(len(last)), last].T if len(last) else None
        xlabel = "example"
    else:
        data = outputs.outputs[example, :outputs.ticks[example]].T
        xlabel = f"tick of example {example}"
    if data is None or data.size == 0:
        raise PlotError("no values to draw")
    fig = Figure(figsize=(max(3, 0.35 * data.shape[1] + 2), max(2, 0.3 * data.shape[0] + 1.5)))
    ax = fig.add_subplot()
    im = ax.imshow(data, aspect="auto", cmap="coolwarm", vmin=0.0 if data.min() >= 0 else None,
                   interpolation="nearest")
    _unit_ticks(ax, data.shape)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(f"{outputs.group} unit")
    fig.colorbar(im, ax=ax)
    ax.set_title(title or f"{outputs.group} outputs")
    fig.tight_layout()
    return fig


def weight_matrix(projection, title=None):
    """A Projection's weights [receiver, sender] as a colour grid (blue
    negative, red positive, as Lens's Link Viewer)."""
    Figure = _pyplot()
    w = projection.weight.astype(float)
    if projection.mask is not None:
        w = np.where(projection.mask, w, np.nan)
    fig = Figure(figsize=(max(3, 0.4 * w.shape[1] + 2), max(2, 0.4 * w.shape[0] + 1.5)))
    ax = fig.add_subplot()
    lim = float(np.nanmax(np.abs(w))) if np.isfinite(w).any() else 1.0
    im = ax.imshow(w, cmap="bwr", vmin=-lim, vmax=lim, interpolation="nearest")
    _unit_ticks(ax, w.shape)
    _link_axes(ax, projection, title)
    fig.colorbar(im, ax=ax)
    fig.tight_layout()
    return fig


def hinton(projection, title=None):
    """A Hinton diagram of a Projection's weights: a square per link, its
    area the weight's size, white positive, black negative, on grey."""
    Figure = _pyplot()
    from matplotlib.patches import Rectangle
    w = projection.weight.astype(float)
    mask = projection.link_mask()
    fig = Figure(figsize=(max(3, 0.4 * w.shape[1] + 1.5), max(2, 0.4 * w.shape[0] + 1.2)))
    ax = fig.add_subplot()
    ax.set_facecolor("#7f7f7f")
    big = float(np.abs(w[mask]).max()) if mask.any() and np.abs(w[mask]).max() > 0 else 1.0
    for (r, s), v in np.ndenumerate(w):
        if mask[r, s]:
            side = 0.9 * np.sqrt(abs(v) / big)      # the largest leaves a margin
            ax.add_patch(Rectangle((s - side / 2, r - side / 2), side, side,
                                   color="white" if v > 0 else "black"))
    ax.set_xlim(-0.5, w.shape[1] - 0.5)
    ax.set_ylim(w.shape[0] - 0.5, -0.5)
    ax.set_aspect("equal")
    _unit_ticks(ax, w.shape)
    _link_axes(ax, projection, title)
    fig.tight_layout()
    return fig


def _unit_ticks(ax, shape) -> None:
    """Whole-number ticks on unit axes (every unit when there are few)."""
    from matplotlib.ticker import MaxNLocator
    for axis, n in ((ax.yaxis, shape[0]), (ax.xaxis, shape[1])):
        axis.set_major_locator(MaxNLocator(integer=True, nbins=min(n, 10)))


def _link_axes(ax, projection, title):
    ax.set_xlabel(f"{projection.sender.name} unit (sender)")
    ax.set_ylabel(f"{projection.receiver.name} unit")
    ax.set_title(title or f"{projection.sender.name} \u2192 {projection.receiver.name}")


def save_graph(graph, name: str) -> None:
    """exportGraph to a picture: the graph's curve, format by suffix.  The
    picture is drawn in memory and saved as every Lens file is (atomically;
    an OS error is a LensFileError)."""
    import io
    from .engine.lensfiles import open_write
    fig = learning_curve(graph, title=f"Graph {graph.num}")
    picture = io.BytesIO()
    fmt = os.path.splitext(name)[1][1:].lower()
    try:
        fig.savefig(picture, format=fmt)
    except ValueError as e:
        raise PlotError(f'couldn\'t draw "{name}": {e}') from None
    with open_write(name, binary=True) as f:
        f.write(picture.getvalue())
