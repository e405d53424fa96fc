"""A vectorised test run in chunks (to bound memory) gives exactly the
numbers of the same test run in one piece."""
import io

import numpy as np

from lens_py.engine import vectorised
from lens_py.assemble import make_interp


def run_test(tmp_path, chunk_elements, monkeypatch):
    monkeypatch.setattr(vectorised, "TEST_CHUNK_ELEMENTS", chunk_elements)
    rng = np.random.default_rng(5)
    lines = []
    for _ in range(37):
        x = rng.integers(0, 2, 6)
        t = rng.integers(0, 2, 3)
        lines.append("I: " + " ".join(map(str, x)) + " T: " + " ".join(map(str, t)) + ";")
    (tmp_path / "r.ex").write_text("\n".join(lines) + "\n")
    out = io.StringIO()
    interp = make_interp(stdout=out)
    interp.eval(f"cd {{{tmp_path}}}; seed 9; addNet n 6 40 TANH 3; loadExamples r.ex")
    interp.eval("python {net.fast_path = False}")
    text = interp.eval("test -return")
    return text, interp.eval("getObj error"), interp.eval("getObj output:2.output")


def test_chunked_test_equals_whole_test(tmp_path, monkeypatch):
    whole = run_test(tmp_path, 10 ** 9, monkeypatch)
    chunked = run_test(tmp_path, 5 * 52, monkeypatch)     # 5 examples per chunk
    assert chunked == whole
    assert "Test results on 37 examples, 37 ticks:" in whole[0]
