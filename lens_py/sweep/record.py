"""What a run gives back, read from the engine as the script runs: the error
and update count after each `train`, the last `test`'s summary, and the
learning curve (the error at every training report).

The engine has no call-back for "a report was printed"; a report is a
line the session prints, so the recorder watches the session's `print` and
takes a line to be a report when it is the report line of the current
network (the same update count and numbers report_line formats now).  The
numbers stored are the network's own values, not the printed text."""
from __future__ import annotations

import math

from ..engine.report import report_line

_REPORT_FIELDS = 5      # update, error, unit cost, weight cost, gradient linearity


class Recorder:
    def __init__(self, session):
        self.session = session
        self.curve: list = []           # [totalUpdates, error] at each report
        self.trained_net = None
        self.train_error = math.nan
        self.test: dict | None = None
        self._wrap()

    def _wrap(self):
        # Instance attributes shadow the Session's methods for this session only.
        s = self.session
        train, test, print_ = s.train, s.test, s.print

        def recording_train(*args, **kwargs):
            net = s.net
            try:
                return train(*args, **kwargs)
            finally:
                self.trained_net = net
                if net is not None:
                    self.train_error = float(net.error)

        def recording_test(*args, **kwargs):
            text, values = test(*args, **kwargs)
            self._take_test(values)
            return text, values

        def recording_print(text, *args, **kwargs):
            self._maybe_report(text)
            return print_(text, *args, **kwargs)

        s.train, s.test, s.print = recording_train, recording_test, recording_print

    def _maybe_report(self, text: str) -> None:
        net = self.session.net
        if net is None or not text.endswith("\n") or ")" not in text[:9]:
            return
        if text.split()[:_REPORT_FIELDS] == report_line(net, 0, 0).split()[:_REPORT_FIELDS]:
            self.curve.append([int(net.total_updates), float(net.error)])

    def _take_test(self, values: dict) -> None:
        net = self.session.net
        examples = int(values["numExamples"])
        correct = int(values["examplesCorrect"])
        self.test = {
            "test_error": float(net.error),
            "test_examples": examples,
            "test_ticks": int(values["numTicks"]),
            "test_correct": correct,
            "test_percent_correct": 100.0 * correct / examples if examples else math.nan,
        }

    def summary(self) -> dict:
        net = self.trained_net or self.session.net
        return {
            "error": self.train_error,
            "updates": int(net.total_updates) if net is not None else None,
            "test": self.test,
            "curve": self.curve,
        }
