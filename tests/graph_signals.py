"""Until the training loop sends Lens's display signals itself, tests send
the two that graphs use most from where Lens sends them: PROGRESS_REPORTS
with each report line and WEIGHT_UPDATES after postUpdateProc.  When the
loop already sends them (checked by training a one-update net), nothing is
patched."""
from __future__ import annotations

import io

from lens_py.engine import graphs, training
from lens_py.engine.compiled import batch as fastpath
from lens_py.assemble import make_interp
from tests.lens_examples import xor


def _loop_sends_reports() -> bool:
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    interp.eval(f"addNet probe 2 2 1; loadExamples {{{xor()}}}; set g [graph create]; "
                "trace create $g error; train 1 -report 1")
    return interp.eval("getObj graph(0).trace(0).numVals") != "0"


def wire(monkeypatch, updates: bool = False) -> None:
    """Patch the signals in; `updates` also sends WEIGHT_UPDATES (and turns
    off the compiled runs of updates, which have no Python between them)."""
    if _loop_sends_reports():
        return
    report_line = training.report_line

    def reporting(net, used, left):
        text = report_line(net, used, left)
        graphs.after_report(net.session, net)
        return text
    monkeypatch.setattr(training, "report_line", reporting)
    if updates:
        run_hook = training.run_hook

        def hooked(session, net, name):
            run_hook(session, net, name)
            if name == "postUpdateProc":
                graphs.after_update(session, net)
        monkeypatch.setattr(training, "run_hook", hooked)
        monkeypatch.setattr(fastpath, "ENABLED", False)
