"""The REPL's live progress line: while a command trains for more than a
second, stderr shows the update count and a sparkline of the recent error
(one bar per update the training loop ran in Python; engine/graphs.py keeps
them) on one line that is rewritten in place and cleared before anything else
is printed."""
from __future__ import annotations

import threading
import time


class ProgressLine:
    DELAY = 1.0         # seconds before the line appears
    PERIOD = 0.25

    def __init__(self, session, stream):
        self.session = session
        self.stream = stream
        self.lock = threading.Lock()
        self.shown = False
        self.stop_event = threading.Event()
        self.thread = None

    def __enter__(self):
        net = self.session.net
        self.net = net
        self.start_updates = net.total_updates if net is not None else 0
        self.start_time = time.monotonic()
        self.session.before_print = self.clear
        self.stop_event.clear()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        self.thread.join()
        self.session.before_print = None
        self.clear()
        return False

    def _run(self):
        while not self.stop_event.wait(self.PERIOD):
            net = self.session.net
            if net is None or net is not self.net:
                continue
            done = net.total_updates - self.start_updates
            elapsed = time.monotonic() - self.start_time
            if done <= 0 or elapsed < self.DELAY:
                continue
            rate = done / elapsed
            text = (f"  update {net.total_updates}: {done} of {net.num_updates} in this run, "
                    f"{rate:.0f}/s")
            trend = sparkline(_recent_errors(self.session))
            if trend:
                text += f"  error {trend} {net.error:.4g}"
            with self.lock:
                self.stream.write("\r" + text + "\x1b[K")
                self.stream.flush()
                self.shown = True

    def clear(self):
        with self.lock:
            if self.shown:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
                self.shown = False


BARS = "▁▂▃▄▅▆▇█"


def sparkline(values, width: int = 20) -> str:
    """The last `width` values as bars, lowest to highest ('' below two)."""
    values = [v for v in list(values)[-width:] if v == v]      # NaN left out
    if len(values) < 2:
        return ""
    lo, hi = min(values), max(values)
    span = (hi - lo) or 1.0
    return "".join(BARS[min(int((v - lo) / span * len(BARS)), len(BARS) - 1)] for v in values)


def _recent_errors(session) -> list:
    graphs = getattr(session, "graphs", None)
    if graphs is None:
        return []
    try:
        return list(graphs.recent_errors)   # appended by the training thread
    except RuntimeError:                     # (changed while copied: next time)
        return []
