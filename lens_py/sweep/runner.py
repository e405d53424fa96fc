"""Running a planned sweep on a Dask client: one task per run, the progress
shown as they finish, and a clean stop on Ctrl-C (the runs still going are
ended, the cluster closed, and the results so far kept)."""
from __future__ import annotations

import os
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field

from . import folder as F
from .plan import Run

POLL_SECONDS = 0.2


@dataclass
class SweepSettings:
    script: str                         # absolute path
    runs_dir: str                       # absolute path; a folder per run inside
    keep_weights: str | None = None     # absolute path, or None
    norc: bool = False
    float64: bool = False
    exclude: tuple = ()                 # paths not shown in the runs' folders


@dataclass
class Outcome:
    runs: list                          # the plan
    results: dict = field(default_factory=dict)   # run index → result dict
    interrupted: bool = False
    # after a Ctrl-C, further ones are ignored until the caller has closed the
    # cluster and written the results; this is the handler to put back then
    held_sigint: object = None
    frames: tuple = ()                  # (rows, curves) DataFrames, filled by api.py

    def release_interrupts(self) -> None:
        if self.held_sigint is not None:
            signal.signal(signal.SIGINT, self.held_sigint)
            self.held_sigint = None


def run_spec(run: Run, settings: SweepSettings) -> dict:
    return {"index": run.index, "seed": run.seed, "values": run.values,
            "script": settings.script, "folder": os.path.join(settings.runs_dir, run.name),
            "keep_weights": settings.keep_weights, "norc": settings.norc,
            "float64": settings.float64, "exclude": list(settings.exclude)}


def run_sweep(client, runs: list, settings: SweepSettings, threads=None, progress=None,
              refresh_seconds: float = 1.0) -> Outcome:
    """Run every planned run on `client`.  A failing run is kept with its
    message; KeyboardInterrupt stops the sweep and the Outcome says so."""
    from distributed import Event, as_completed

    from .task import run_one

    os.makedirs(settings.runs_dir, exist_ok=True)
    if settings.keep_weights:
        os.makedirs(settings.keep_weights, exist_ok=True)
    outcome = Outcome(runs)
    stop_name = f"lens_py-sweep-stop-{uuid.uuid4().hex}"
    stop = Event(stop_name, client=client)
    by_key = {}
    pending = set()
    try:
        for run in runs:
            # pure=False: a run is never taken from another sweep's results
            fut = client.submit(run_one, run_spec(run, settings), stop_name, threads,
                                pure=False, key=f"lens_py-run-{run.name}-{uuid.uuid4().hex[:8]}")
            by_key[fut.key] = run
            pending.add(fut)
        if progress is not None:
            progress.show()
        finished = as_completed(list(pending), loop=client.loop)
        last_shown = time.monotonic()
        while pending:
            done = finished.next_batch(block=False)
            if not done:
                time.sleep(POLL_SECONDS)
                if progress is not None and time.monotonic() - last_shown >= refresh_seconds:
                    progress.show()
                    last_shown = time.monotonic()
                continue
            for fut in done:
                pending.discard(fut)
                run = by_key[fut.key]
                result = _result_of(fut, run, settings)
                outcome.results[run.index] = result
                if progress is not None:
                    progress.finished(run.name, result)
    except KeyboardInterrupt:
        outcome.interrupted = True
        if _main_thread():
            outcome.held_sigint = signal.signal(signal.SIGINT, signal.SIG_IGN)
        _stop(stop, client, pending)
    except BaseException:
        _stop(stop, client, pending)
        raise
    finally:
        if progress is not None:
            progress.close()
    return outcome


def _result_of(fut, run: Run, settings: SweepSettings) -> dict:
    try:
        if fut.status == "finished":
            return fut.result()
        fut.result()                      # raises the task's error
        return {"status": "failed", "message": f"the task ended as {fut.status}"}
    except Exception as e:     # the worker died, lost the task, or could not run it
        where = os.path.join(settings.runs_dir, run.name, F.ERRORS_FILE)
        return {"status": "failed", "message": f"{type(e).__name__}: {e} (see {where})"}


def _stop(stop, client, pending) -> None:
    """Tell every running task to end its run, and drop the ones not started."""
    for step in (stop.set, lambda: client.cancel(list(pending))):
        try:
            step()
        except Exception:       # the scheduler may be gone already
            pass


def _main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def stderr_progress(total: int):
    from .progress import SweepProgress
    return SweepProgress(total, sys.stderr)
