"""Recordings from Python: values followed while a network trains, and the
outputs of a test pass, as NumPy arrays (pandas DataFrames on request).

    rec = lens.record("error", "hidden:0.output", every="update")
    lens.train(100)
    rec.values            # float32 [rows, 2]; rec.updates: the update count
    rec.to_dataframe()    # needs pandas

    out = lens.outputs("output")          # one test pass over the testing set
    out.outputs           # [examples, ticks, units]; out.targets alike

A recording listens to the same signals as Lens's graphs (engine/graphs.py):
"update", "report", "example", "event", "tick", "run" (end of train/test).
Recording every update, example or tick keeps the compiled runs of many
updates (or examples) from running in one call, so training is slower;
"report" costs nothing.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .engine import graphs as G
from .engine import types as T
from .engine.forward import history_index


class RecordingError(ValueError):
    """A recording or a test pass was asked for something that cannot be."""


def _source_name(source) -> str:
    if isinstance(source, str):
        return source
    return getattr(source, "__name__", None) or repr(source)


class Recording:
    """Rows of values, one per signal: each source is an object path
    (`"error"`, `"output:0.output"`), a Tcl command (`"expr [getObj error]*2"`)
    or a Python callable returning a number.  A source that fails records NaN
    (its first error is reported on stderr, as Lens reports a failing trace)."""

    def __init__(self, session, sources, every: str = "update", names=None):
        if isinstance(sources, (str, bytes)) or callable(sources):
            sources = [sources]
        sources = list(sources)
        if not sources:
            raise RecordingError("record: give at least one value to record")
        try:
            self.signal_mask = G.SIGNAL_NAMES[every]
        except KeyError:
            raise RecordingError(
                f"record: every={every!r} is not one of {', '.join(G.SIGNAL_NAMES)}") from None
        self.every = every
        self.session = session
        self.sources = sources
        self.names = list(names) if names is not None else [_source_name(s) for s in sources]
        if len(self.names) != len(sources):
            raise RecordingError("record: give one name per value")
        self._probes = [G.Probe(s) for s in sources]
        self._failed = [False] * len(sources)
        self._rows: list = []
        self._updates: list = []
        self._examples: list = []
        self._ticks: list = []
        self.recording = False
        self.start()

    # -- listening ---------------------------------------------------------------------
    def start(self) -> "Recording":
        owner = G.graphs_of(self.session)
        if self not in owner.listeners:
            owner.listeners.append(self)
        self.recording = True
        return self

    def stop(self) -> "Recording":
        owner = G.graphs_of(self.session)
        if self in owner.listeners:
            owner.listeners.remove(self)
        self.recording = False
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def signal(self, session, net, signal: int) -> None:
        row = []
        for k, probe in enumerate(self._probes):
            try:
                row.append(probe.read(session))
            except Exception as e:
                if not self._failed[k]:
                    self._failed[k] = True
                    G.graphs_of(session).report_error(
                        f"record {self.names[k]}: {getattr(e, 'message', None) or e}")
                row.append(np.float32(np.nan))
        self._rows.append(row)
        # WEIGHT_UPDATES comes just before totalUpdates counts the update
        self._updates.append(net.total_updates + (1 if signal == G.ON_UPDATE else 0))
        example = net.current_example
        self._examples.append(getattr(example, "num", -1) if example is not None else -1)
        self._ticks.append(net.current_tick)

    # -- the data --------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._rows)

    @property
    def values(self) -> np.ndarray:
        """float32 [rows, sources]."""
        return np.asarray(self._rows, dtype=np.float32).reshape(len(self._rows),
                                                                 len(self.sources))

    @property
    def updates(self) -> np.ndarray:
        """The network's update count at each row."""
        return np.asarray(self._updates, dtype=np.int64)

    @property
    def examples(self) -> np.ndarray:
        """The current example's number at each row (-1: none)."""
        return np.asarray(self._examples, dtype=np.int64)

    @property
    def ticks(self) -> np.ndarray:
        return np.asarray(self._ticks, dtype=np.int64)

    def __getitem__(self, name) -> np.ndarray:
        """One source's column, by name or position."""
        k = name if isinstance(name, int) else self.names.index(name)
        return self.values[:, k]

    def clear(self) -> None:
        self._rows, self._updates, self._examples, self._ticks = [], [], [], []

    def to_dataframe(self):
        """A pandas DataFrame: a column per source plus update (and example
        and tick for example-, event- and tick-level recordings)."""
        pd = _pandas()
        data = {"update": self.updates}
        if self.signal_mask & (G.ON_EXAMPLE | G.ON_EVENT | G.ON_TICK):
            data["example"] = self.examples
            data["tick"] = self.ticks
        values = self.values
        for k, name in enumerate(self.names):
            data[name] = values[:, k]
        return pd.DataFrame(data)

    def __repr__(self):
        state = "recording" if self.recording else "stopped"
        return f"<Recording every {self.every} of {', '.join(self.names)}: {len(self)} rows, {state}>"


# -- a test pass's outputs -----------------------------------------------------------------

@dataclass
class GroupOutputs:
    """One group's values over a test pass: [examples, ticks, units] arrays
    (NaN beyond an example's last tick, and for ticks no longer in the
    network's history); `targets` only for OUTPUT groups."""
    group: str
    outputs: np.ndarray
    targets: np.ndarray | None
    ticks: np.ndarray                   # ticks run by each example
    events: np.ndarray                  # [examples, ticks]: the event of each tick (-1 after)
    example_names: list = field(default_factory=list)

    def to_dataframe(self):
        """Long form: one row per example, tick and unit (pandas)."""
        pd = _pandas()
        e, t, u = self.outputs.shape
        idx = np.indices((e, t, u)).reshape(3, -1)
        keep = idx[1] < np.repeat(self.ticks, t * u)
        data = {"example": idx[0][keep], "tick": idx[1][keep], "unit": idx[2][keep],
                "output": self.outputs.reshape(-1)[keep]}
        if self.targets is not None:
            data["target"] = self.targets.reshape(-1)[keep]
        return pd.DataFrame(data)


def test_outputs(session, net, groups=None, exset=None) -> dict:
    """Run one test pass over `exset` (default: the testing set, else the
    training set) and return {group name: GroupOutputs} for `groups`
    (default: every group).  It is Lens's `test` (hooks run, the network's
    error fields are those of the pass, graphs listening to examples update),
    with a recorder on the output-file hook, which makes the engine keep each
    example's unit histories; nothing is printed."""
    from .engine import training
    if net is None:
        raise RecordingError("outputs: there is no current network")
    chosen = _groups(net, groups)
    exset = exset if exset is not None else (net.testing_set or net.training_set)
    if exset is None:
        raise RecordingError("outputs: the network has no example set to test on")
    rows: list = []
    before = net.example_writer

    def keep(net_, example):
        if before is not None:
            before(net_, example)
        rows.append(_example_values(net_, chosen, example))
    saved_set, net.testing_set = net.testing_set, exset
    net.example_writer = keep
    try:
        training.test(session, net, 0, True, return_text=True)
    finally:
        net.example_writer = before
        net.testing_set = saved_set
    return _assemble(chosen, rows, net)


def _groups(net, groups):
    if groups is None:
        return list(net.groups)
    if isinstance(groups, str) or not hasattr(groups, "__iter__"):
        groups = [groups]
    out = []
    for g in groups:
        found = net.group(g) if isinstance(g, str) else g
        if found is None:
            raise RecordingError(f'outputs: there is no group "{g}"')
        out.append(found)
    return out


def _example_values(net, groups, example):
    ticks = int(net.ticks_on_example)
    kept = min(ticks, net.history_length) if net.history_length > 0 else 0
    first = ticks - kept                 # ticks before this are out of the history
    values = []
    for g in groups:
        out = np.full((ticks, g.size), np.nan, dtype=np.float32)
        tgt = np.full((ticks, g.size), np.nan, dtype=np.float32) if g.type & T.OUTPUT else None
        if kept:
            idx = [history_index(net, t) for t in range(first, ticks)]
            out[first:] = g.output_history[idx]
            if tgt is not None:
                tgt[first:] = g.target_history[idx]
        elif ticks:
            out[-1] = g.output[-1]
            if tgt is not None:
                tgt[-1] = g.target[-1]
        values.append((out, tgt))
    events = np.asarray(net.event_history[:ticks], dtype=np.int64)
    return ticks, events, getattr(example, "name", "") or "", values


def _assemble(groups, rows, net) -> dict:
    n = len(rows)
    most = max((r[0] for r in rows), default=0)
    ticks = np.array([r[0] for r in rows], dtype=np.int64)
    events = np.full((n, most), -1, dtype=np.int64)
    for e, r in enumerate(rows):
        events[e, :r[0]] = r[1]
    names = [r[2] for r in rows]
    result = {}
    for k, g in enumerate(groups):
        out = np.full((n, most, g.size), np.nan, dtype=np.float32)
        tgt = np.full((n, most, g.size), np.nan, dtype=np.float32) \
            if g.type & T.OUTPUT else None
        for e, r in enumerate(rows):
            o, t = r[3][k]
            out[e, :r[0]] = o
            if tgt is not None:
                tgt[e, :r[0]] = t
        result[g.name] = GroupOutputs(g.name, out, tgt, ticks, events, names)
    return result


def _pandas():
    try:
        import pandas
    except ImportError:
        raise RecordingError("to_dataframe needs pandas (pip install pandas)") from None
    return pandas
