"""The REPL's live progress line: shown while training runs, cleared before
report lines and at the end."""
import io

from lens_py.commands.common import session
from lens_py.progress import ProgressLine
from lens_py.assemble import make_interp


def test_progress_line_is_shown_and_cleared(tmp_path, monkeypatch):
    (tmp_path / "x.ex").write_text("I: 0 0 T: 0; I: 0 1 T: 1; I: 1 0 T: 1; I: 1 1 T: 0;")
    out, err = io.StringIO(), io.StringIO()
    interp = make_interp(stdout=out)
    interp.eval(f"cd {{{tmp_path}}}; addNet x 2 2 1; loadExamples x.ex")
    interp.eval("setObj postUpdateProc {after 2}")     # slow updates down a little
    monkeypatch.setattr(ProgressLine, "DELAY", 0.0)
    monkeypatch.setattr(ProgressLine, "PERIOD", 0.01)
    with ProgressLine(session(interp), err):
        interp.eval("train 60 -report 30")
    shown = err.getvalue()
    assert "\r  update " in shown and " of 60 in this run" in shown
    assert shown.endswith("\r\x1b[K")                  # cleared at the end
    assert session(interp).before_print is None
    # report lines went to stdout intact
    assert "     30)  " in out.getvalue() and "     60)  " in out.getvalue()
