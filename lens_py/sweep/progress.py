"""The sweep's progress on the terminal: runs done, failed and left, and the
time left at the rate runs have finished so far.  On a terminal one line
is rewritten in place; otherwise (a log file) a line per finished run."""
from __future__ import annotations

import time

from ..engine.report import format_time


class SweepProgress:
    def __init__(self, total: int, stream, live: bool | None = None, clock=time.monotonic):
        self.clock = clock
        self.total = total
        self.stream = stream
        self.live = stream.isatty() if live is None else live
        self.done = self.failed = 0
        self.start = clock()
        self.shown = False

    @property
    def left(self) -> int:
        return self.total - self.done - self.failed

    def finished(self, run_name: str, result: dict) -> None:
        ok = result.get("status") == "ok"
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if not ok:
            self._line(f"run {run_name} failed: {result.get('message', '')}")
        elif not self.live:
            self._line(f"run {run_name}: error {_number(result.get('error'))}, "
                       f"{result.get('updates')} updates, {result.get('wall_time', 0):.1f} s")
        self.show()

    def status(self) -> str:
        text = f"sweep: {self.done} done, {self.failed} failed, {self.left} left"
        finished = self.done + self.failed
        if finished and self.left:
            rate = (self.clock() - self.start) / finished
            text += f", about {format_time(int(rate * self.left)).strip()} left"
        return text

    def show(self) -> None:
        if self.live:
            self.stream.write("\r" + self.status() + "\x1b[K")
            self.stream.flush()
            self.shown = True
        elif not self.left:
            self._line(self.status())

    def close(self) -> None:
        if self.live and self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False

    def _line(self, text: str) -> None:
        if self.live and self.shown:
            self.stream.write("\r\x1b[K")
            self.shown = False
        self.stream.write(text + "\n")
        self.stream.flush()


def _number(x) -> str:
    return "-" if x is None else f"{x:.6g}"
