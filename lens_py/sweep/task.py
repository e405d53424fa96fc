"""The task a Dask worker runs for one run: make the run's folder, start a
fresh lens_py process on it (child.py), wait for it, and hand back what it
wrote.  While it waits it listens for the sweep's stop signal (a Dask Event)
and ends the process when the sweep is stopped."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

from . import folder as F

POLL_SECONDS = 1.0
GRACE_SECONDS = 3.0


def run_one(spec: dict, stop_event: str | None = None, threads: int | None = None) -> dict:
    """`spec`: the run (see child.py); `stop_event`: the name of the Dask
    Event that stops the sweep; `threads`: NUMBA_NUM_THREADS for the run
    unless the worker's environment sets it."""
    start = time.perf_counter()
    folder = spec["folder"]
    try:
        F.prepare(folder, spec)
    except (OSError, F.FolderError) as e:
        return _failed(spec, f"could not make the run's folder: {e}", start)
    env = dict(os.environ)
    # the child imports the same lens_py as this worker
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
    if threads and "NUMBA_NUM_THREADS" not in env:
        env["NUMBA_NUM_THREADS"] = str(threads)
    stopper = _Stopper(stop_event)
    with open(os.path.join(folder, F.OUTPUT_FILE), "wb") as out, \
            open(os.path.join(folder, F.ERRORS_FILE), "wb") as err:
        # its own session: a Ctrl-C at the sweep's terminal is the sweep's to handle
        proc = subprocess.Popen([sys.executable, "-m", "lens_py.sweep.child",
                                 os.path.join(folder, F.SPEC_FILE)],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env,
                                cwd=folder, start_new_session=True)
        try:
            while True:
                try:
                    code = proc.wait(timeout=POLL_SECONDS)
                    break
                except subprocess.TimeoutExpired:
                    if stopper.stopped():
                        _end(proc)
                        return _failed(spec, "stopped", start)
        except BaseException:
            _end(proc)
            raise
    try:
        with open(os.path.join(folder, F.RESULT_FILE)) as f:
            return json.load(f)
    except (OSError, ValueError):
        return _failed(spec, f"the run's process ended with code {code} and no result; "
                             f"see {os.path.join(folder, F.ERRORS_FILE)}", start)


def _failed(spec: dict, message: str, start: float) -> dict:
    return {"status": "failed", "message": message, "wall_time": time.perf_counter() - start}


def _end(proc: subprocess.Popen) -> None:
    """End the run's process group: politely, then for sure."""
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, None)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            proc.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


class _Stopper:
    """Whether the sweep has been stopped: its Event is set, or the scheduler
    that holds it is gone."""

    def __init__(self, name: str | None):
        self.event = None
        if name is not None:
            from distributed import Event
            self.event = Event(name)

    def stopped(self) -> bool:
        if self.event is None:
            return False
        try:
            return bool(self.event.is_set())
        except Exception:
            return True
