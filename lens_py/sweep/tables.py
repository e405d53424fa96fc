"""A sweep's results as tables: a row per run, and its learning curves in
long format (a row per report); written as CSV, or Parquet for a `.parquet`
name (which needs pyarrow)."""
from __future__ import annotations

import math
import os

from .cluster import need
from .plan import RESERVED_COLUMNS

TEST_COLUMNS = [c for c in RESERVED_COLUMNS if c.startswith("test_")]
FORMATS = (".csv", ".parquet")


class TableError(ValueError):
    """The results cannot be written under the name given."""


def results_frame(outcome):
    """The row per run, in the plan's order; runs a stopped sweep never
    finished have the status "not run"."""
    pd = need("pandas")
    names = list(outcome.runs[0].values) if outcome.runs else []
    extra: list = []
    any_test = False
    rows = []
    unfinished = {"status": "not run",
                  "message": "the sweep was stopped before this run finished"
                  if outcome.interrupted else ""}
    for run in outcome.runs:
        res = outcome.results.get(run.index) or unfinished
        row = {"run": run.name, "status": res.get("status", "failed"), "seed": run.seed}
        row.update(run.values)
        row["error"] = _float(res.get("error"))
        row["updates"] = res.get("updates")
        test = res.get("test")
        if test:
            any_test = True
            row.update(test)
        row["wall_time"] = _float(res.get("wall_time"))
        for key, value in (res.get("results") or {}).items():
            if key not in extra:
                extra.append(key)
            row[key] = value
        row["message"] = res.get("message", "")
        rows.append(row)
    columns = ["run", "status", "seed", *names, "error", "updates",
               *(TEST_COLUMNS if any_test else []), "wall_time", *extra, "message"]
    frame = pd.DataFrame(rows, columns=columns)
    for col in names + extra:
        frame[col] = _typed(pd, frame[col])
    frame["updates"] = frame["updates"].astype("Int64")
    for col in ("test_examples", "test_ticks", "test_correct"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def curves_frame(outcome):
    """Every report of every run: run, seed, each variable, update, error."""
    pd = need("pandas")
    names = list(outcome.runs[0].values) if outcome.runs else []
    rows = []
    for run in outcome.runs:
        res = outcome.results.get(run.index) or {}
        for update, error in res.get("curve") or ():
            rows.append({"run": run.name, "seed": run.seed, **run.values,
                         "update": int(update), "error": float(error)})
    frame = pd.DataFrame(rows, columns=["run", "seed", *names, "update", "error"])
    for col in names:
        frame[col] = _typed(pd, frame[col])
    return frame


def _float(x) -> float:
    return math.nan if x is None else float(x)


def _typed(pd, column):
    """Values came as Tcl text: numbers when every one of them is a number."""
    for kind in (int, float):
        try:
            return column.map(lambda v: v if v is None else kind(v))
        except (TypeError, ValueError):
            continue
    return column.astype(str)


def curves_path(path: str) -> str:
    stem, ext = os.path.splitext(path)
    return stem + ".curves" + ext


def check_path(path: str) -> None:
    ext = os.path.splitext(path)[1].lower()
    if ext not in FORMATS:
        raise TableError(f'results file "{path}": name it .csv or .parquet')
    if ext == ".parquet":
        import importlib.util
        if importlib.util.find_spec("pyarrow") is None:
            raise TableError(f'results file "{path}": Parquet needs pyarrow '
                             f"(pip install pyarrow), or name the file .csv")


def write(frame, path: str) -> None:
    """Write atomically, so an interrupted write never leaves half a table."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, "." + os.path.basename(path) + ".tmp")
    try:
        if path.lower().endswith(".parquet"):
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
