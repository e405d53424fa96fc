"""What the tests of runs of updates in one compiled call share
(test_continuous_burst, test_example_updates): counting the updates asked of
each call, example files, and the trained state compared bit for bit with
Lens's loop in Python."""
from __future__ import annotations

import re

import numpy as np

from lens_py.commands.common import session as session_of
from lens_py.shell.errors import TclError
from path_runs import printing_interp


def counted_calls(monkeypatch, module) -> list:
    """The updates asked of each call of module.train_updates_kernel, with
    runs as long as they may be (several per call, or a test proves nothing)."""
    asked = []
    real = module.train_updates_kernel
    monkeypatch.setattr(module, "train_updates_kernel",
                        lambda idx, *a: (asked.append(len(idx)), real(idx, *a))[1])
    monkeypatch.setattr(module.fastbatch, "BURST_SECONDS", 10.0)
    return asked


def interrupt_after(monkeypatch, module, updates: int = 5) -> None:
    """A Ctrl-C arriving in the first long call, after `updates` updates."""
    real = module.train_updates_kernel
    monkeypatch.setattr(module.fastbatch, "BURST_SECONDS", 10.0)

    def interrupted(idx, *args):
        if len(idx) > updates + 3:
            real(idx[:updates], *args)
            raise KeyboardInterrupt
        real(idx, *args)
    monkeypatch.setattr(module, "train_updates_kernel", interrupted)


def binary_events(path, n_in, n_out, n, seed, events):
    """n examples of `events` random binary events, with frequencies."""
    rng = np.random.default_rng(seed)
    with open(path, "w") as f:
        for e in range(n):
            parts = [f"name: e{e} freq: {1 + 0.25 * (e % 3)} {events}"]
            for _ in range(events):
                i = " ".join(str(int(v)) for v in rng.integers(0, 2, n_in))
                t = " ".join(str(int(v)) for v in rng.integers(0, 2, n_out))
                parts.append(f"I: {i} T: {t}")
            f.write(" ".join(parts) + ";\n")
    return path


def trained(setup: str, train: str) -> dict:
    """Run `setup`, then the `train` command: what the two paths must share."""
    it, printed = printing_interp()
    it.eval(setup)
    try:
        result = it.eval(train)
        halted = None
    except TclError as e:
        result = halted = str(e)
    s = session_of(it)
    net = s.net
    text = re.sub(r"Total time elapsed: \S+", "", "".join(printed) + result)
    text = re.sub(r" +\d+s +\d+s\n", "\n", text)
    return {"text": text, "halted": halted,
            "links": [net.gather_links(f) for f in ("weight", "last_delta", "deriv")],
            "state": [g.state.copy() for g in net.groups]
            + [getattr(g, h).copy() for g in net.groups
               for h in ("input_history", "output_history", "target_history")],
            "errors": [net.error, net.weight_cost, net.gradient_linearity]
            + [g.error for g in net.groups],
            "rng": s.rng.getstate(),
            "position": (net.training_set.current, list(net.training_set.perm)),
            "histories": (net.example_history_start, net.ticks_on_example, net.current_tick,
                          list(net.event_history), list(net.reset_history)),
            "total": net.total_updates, "example": net.current_example.num}


def same(a: dict, b: dict) -> None:
    assert a["text"] == b["text"]
    assert a["halted"] == b["halted"]
    for k in ("rng", "position", "histories", "total", "example"):
        assert a[k] == b[k], k
    for x, y in zip(a["links"] + a["state"], b["links"] + b["state"]):
        assert x.tobytes() == y.tobytes()
    np.testing.assert_array_equal(np.array(a["errors"]), np.array(b["errors"]))
