"""Pictures: exportGraph to images, the HTML Unit and Link Viewers, and the
matplotlib plot helpers, their drawn data compared with the recorded arrays.
Here the pages' script runs under node with a minimal DOM
(tests/scripts/fake_dom.js) and is checked for errors and for the colours
and values it puts in each cell; tests/test_views_browser.py loads the same
pages in a real headless Chromium."""
from __future__ import annotations

import importlib.util

import builtins
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from lens_py import Lens, plots
from lens_py.api import LensCommandError
from lens_py.view import colors
from tests.lens_examples import xor

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None  # the plots extra
needs_matplotlib = pytest.mark.skipif(not HAVE_MATPLOTLIB,
                                      reason="pictures need matplotlib (the plots extra)")

FAKE_DOM = Path(__file__).parent / "scripts" / "fake_dom.js"


@pytest.fixture
def lens(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lens = Lens(quiet=True)
    lens(f"seed 1; addNet xor 2 2 1; loadExamples {{{xor()}}}; train 60 -report 0")
    return lens


def _page_data(path) -> dict:
    html = Path(path).read_text()
    return json.loads(re.search(r'type="application/json">(.*?)</script>', html, re.S)[1])


def _run_page(path, step=None) -> dict:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    done = subprocess.run(["node", str(FAKE_DOM), str(path)] + ([step] if step else []),
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@needs_matplotlib
def test_export_graph_draws_pictures_by_suffix(lens, tmp_path):
    lens("set g [graphObject error]; train 30 -report 5")
    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        lens(f"exportGraph $g curve{suffix}")
        assert (tmp_path / f"curve{suffix}").read_bytes().startswith(magic)
    with pytest.raises(LensCommandError, match="exportGraph: graph 1 has no points"):
        lens("set h [graph create]; exportGraph $h empty.png")


def test_a_clear_message_without_matplotlib(lens, monkeypatch):
    real = builtins.__import__

    def no_matplotlib(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *a, **k)
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    lens("set g [graphObject error]; train 10 -report 5")
    with pytest.raises(LensCommandError, match=r"pictures need matplotlib \(pip install"):
        lens("exportGraph $g c.png")


@needs_matplotlib
def test_learning_curve_draws_the_recorded_values(lens):
    rec = lens.record("error", "output:0.output", every="update")
    lens.train(25, report=0)
    fig = plots.learning_curve(rec)
    lines = fig.axes[0].lines
    np.testing.assert_array_equal(lines[0].get_xdata(), rec.updates)
    np.testing.assert_array_equal(lines[0].get_ydata(), rec.values[:, 0])
    np.testing.assert_array_equal(lines[1].get_ydata(), rec.values[:, 1])
    lens("set g [graphObject error -u WEIGHT]")
    lens.train(5, report=0)
    graph = lens.session.graphs.lookup(0)
    drawn = plots.learning_curve(graph).axes[0].lines[0]
    np.testing.assert_array_equal(drawn.get_ydata(), graph.traces[0].values()[1])
    fig.savefig(io.BytesIO(), format="png")


@needs_matplotlib
def test_unit_and_weight_plots_show_the_arrays(lens):
    out = lens.outputs("hidden")
    image = plots.unit_activations(out).axes[0].images[0].get_array()
    np.testing.assert_array_equal(image, out.outputs[:, -1].T)
    proj = lens.net.group("hidden").incoming[1]
    grid = plots.weight_matrix(proj).axes[0].images[0].get_array()
    np.testing.assert_array_equal(grid, proj.weight)
    squares = plots.hinton(proj).axes[0].patches
    assert len(squares) == proj.weight.size
    biggest = max(squares, key=lambda r: r.get_width())
    r, s = np.unravel_index(np.abs(proj.weight).argmax(), proj.weight.shape)
    assert biggest.get_width() == pytest.approx(0.9)
    assert biggest.get_x() == pytest.approx(s - 0.45) and biggest.get_y() == pytest.approx(r - 0.45)


def test_unit_viewer_page_holds_every_example_and_tick(lens, tmp_path):
    result = lens("viewUnits -file units.html")
    assert result == str(tmp_path / "units.html")
    html = (tmp_path / "units.html").read_text()
    assert "http://" not in html and "https://" not in html and "src=" not in html
    data = _page_data(tmp_path / "units.html")
    out = lens.outputs()
    assert data["ticks"] == [1, 1, 1, 1]
    for g in data["groups"]:
        np.testing.assert_allclose(np.array(g["outputs"], dtype=float),
                                   out[g["name"]].outputs, rtol=0)
    page = _run_page(tmp_path / "units.html", "2,0")
    assert page["errors"] == [] and page["selects"] == 2
    palette = colors.PALETTES["blue-black-red"]
    hidden = [c for c in page["cells"] if c["data"]["group"] == "hidden"]
    for c in hidden:
        value = float(out["hidden"].outputs[2, 0, c["data"]["unit"]])
        assert c["data"]["value"] == "%s" % float("%.6g" % value) or \
            float(c["data"]["value"]) == pytest.approx(value, rel=1e-5)
        assert c["background"] == palette[int(value * 100)]     # temperature 1: the output
    targets = [c for c in page["cells"] if c["data"]["what"] == "target"]
    assert [float(c["data"]["value"]) for c in targets] == [float(out["output"].targets[2, 0, 0])]


def test_link_viewer_page_shows_each_projection(lens, tmp_path):
    lens("viewLinks -f links.html")
    data = _page_data(tmp_path / "links.html")
    names = [(p["sender"], p["receiver"]) for p in data["projections"]]
    assert names == [("bias", "hidden"), ("input", "hidden"), ("bias", "output"),
                     ("hidden", "output")]
    page = _run_page(tmp_path / "links.html")
    assert page["errors"] == []
    weights = np.concatenate([p.weight.ravel() for g in lens.net.groups for p in g.incoming])
    assert len(page["cells"]) == len(weights)
    palette = colors.PALETTES["blue-black-red"]
    for c, w in zip(page["cells"], weights):
        assert float(c["data"]["value"]) == pytest.approx(float(w), rel=1e-5)
        assert c["background"] == palette[int(colors.norm_color_value(float(w)) * 100)]


def test_viewer_errors(lens, tmp_path):
    with pytest.raises(LensCommandError, match=r"usage: viewUnits"):
        lens("viewUnits -q")
    with pytest.raises(LensCommandError, match='example set "nope" doesn\'t exist'):
        lens("viewUnits -file u.html -set nope")
    with pytest.raises(LensCommandError, match="Couldn't write file"):
        lens("viewLinks -file /no/such/folder/l.html")
    other = Lens(quiet=True)
    with pytest.raises(LensCommandError, match="viewLinks: there is no current network"):
        other("viewLinks -f l.html")
    # old Lens scripts call the viewers in batch mode, where Lens does nothing
    assert lens("viewLinks") == "viewLinks is not available in batch mode without -file"
    assert list(tmp_path.iterdir()) == []
    lens("set tcl_interactive 1")
    import webbrowser
    opened = []
    real_open, webbrowser.open = webbrowser.open, opened.append
    try:
        written = Path(lens("viewLinks"))
    finally:
        webbrowser.open = real_open
    assert written.is_file() and written.suffix == ".html" and opened == [f"file://{written}"]
    written.unlink()


def test_lens_colour_scales():
    bbr = colors.PALETTES["blue-black-red"]
    assert (bbr[0], bbr[50], bbr[100]) == ("#0000ff", "#000000", "#ff0000")
    bry = colors.PALETTES["blue-red-yellow"]
    assert (bry[0], bry[50], bry[100]) == ("#0000ff", "#ff0000", "#ffff00")
    assert colors.norm_color_value(11.0) == 1.0 and colors.norm_color_value(-11.0) == 0.0
    assert colors.output_scale_value(0.25, 0.0, 1.0) == pytest.approx(np.log(1 / 3))


def test_progress_sparkline_follows_the_error(lens):
    from lens_py.progress import BARS, sparkline, _recent_errors
    assert sparkline([1.0]) == ""
    assert sparkline([3.0, 2.0, 1.0, 1.0]) == BARS[-1] + BARS[4] + BARS[0] + BARS[0]
    lens.train(5, report=0)
    recent = _recent_errors(lens.session)
    assert recent[-1] == pytest.approx(float(lens.get("error")), rel=1e-6)
