"""Recordings from Python (lens_py/record.py) and the Python API (api.py) as a
notebook user would use them: a curve recorded, test outputs as arrays,
weights set, a network pickled and restored."""
from __future__ import annotations

import copy
import io
import pickle

import numpy as np
import pytest

from lens_py import Lens
from lens_py.api import LensCommandError
from lens_py.engine import training
from lens_py.record import RecordingError
from tests.lens_examples import xor


@pytest.fixture
def lens():
    lens = Lens(quiet=True)
    lens(f"seed 1; addNet xor 2 2 1; loadExamples {{{xor()}}}")
    return lens


def test_every_update_equals_a_graph_trace_of_the_error(lens):
    rec = lens.record("error", "hidden:0.output", lambda: lens.net.total_updates,
                      every="update")
    lens("set g [graphObject error -u WEIGHT]")
    lens.train(30, report=10)
    assert len(rec) == 30
    graph_x, graph_y = lens.session.graphs.lookup(0).traces[0].values()
    np.testing.assert_array_equal(rec.values[:, 0], graph_y)
    # the callable runs before totalUpdates counts the update; .updates counts it
    np.testing.assert_array_equal(rec.values[:, 2], np.arange(30))
    np.testing.assert_array_equal(rec.updates, np.arange(1, 31))
    assert rec.values[-1, 1] == np.float32(lens.get("hidden:0.output"))


def test_every_report_matches_the_printed_report_lines(lens):
    out = io.StringIO()
    lens.session.write = out.write
    rec = lens.record("error", every="report")
    lens.train(40, report=10)
    printed = [float(line.split()[1]) for line in out.getvalue().splitlines()
               if line.strip()[:1].isdigit() and ")" in line]
    assert len(printed) == 4
    np.testing.assert_allclose(rec["error"], printed, rtol=1e-5)
    np.testing.assert_array_equal(rec.updates, [10, 20, 30, 40])


def test_every_example_once_per_example_with_its_number(lens):
    rec = lens.record("error", every="example")
    lens.train(2, report=0)
    lens.test()
    assert len(rec) == 12                      # 2 batches of 4 and a test of 4
    np.testing.assert_array_equal(rec.examples, [0, 1, 2, 3] * 3)
    rec.stop()
    lens.test()
    assert len(rec) == 12


def test_a_stopped_or_failing_recording_and_bad_arguments(lens):
    with pytest.raises(RecordingError, match="every="):
        lens.record("error", every="sometimes")
    with lens.record("error", lambda: 1 / 0, every="update") as rec:
        lens.train(3, report=0)
    assert np.isnan(rec.values[:, 1]).all() and not np.isnan(rec.values[:, 0]).any()
    lens.train(3, report=0)
    assert len(rec) == 3


def test_dataframe_has_a_column_per_source(lens):
    pytest.importorskip("pandas")
    rec = lens.record("error", "output:0.output", every="update", names=["err", "out"])
    lens.train(5, report=0)
    df = rec.to_dataframe()
    assert list(df.columns) == ["update", "err", "out"]
    np.testing.assert_array_equal(df["err"].to_numpy(), rec["err"])


def test_outputs_equal_do_example_one_by_one(lens):
    lens.train(50, report=0)
    out = lens.outputs("output")
    assert out.outputs.shape == (4, 1, 1) and out.targets.shape == (4, 1, 1)
    for k in range(4):
        lens(f"doExample {k}")
        group = lens.net.group("output")
        assert out.outputs[k, 0, 0] == group.output[-1, 0]
        assert out.targets[k, 0, 0] == group.target[-1, 0]
    every = lens.outputs()
    assert set(every) == {"bias", "input", "hidden", "output"}
    np.testing.assert_array_equal(every["output"].outputs, out.outputs)
    assert every["hidden"].targets is None


def test_outputs_of_a_multi_tick_net_keep_every_tick(tmp_path):
    lens = Lens(quiet=True)
    lens(f"seed 1; addNet n -i 2 -t 2 2 2 1; loadExamples {{{xor()}}}")
    ticks = lens.record("hidden:0.output", "hidden:1.output", every="tick")
    out = lens.outputs("hidden")
    assert out.outputs.shape == (4, 2, 2)            # one event of one interval: 2 ticks
    np.testing.assert_array_equal(out.ticks, [2, 2, 2, 2])
    np.testing.assert_array_equal(out.outputs.reshape(8, 2), ticks.values)
    lens("doExample 3")
    np.testing.assert_array_equal(out.outputs[3, -1], lens.net.group("hidden").output[-1])
    with pytest.raises(RecordingError, match='no group "nope"'):
        lens.outputs("nope")


def test_weights_can_be_assigned_in_receiver_sender_layout(lens):
    proj = lens.net.group("hidden").incoming[1]
    assert proj.sender.name == "input"
    proj.weight = [[0.25, -0.5], [1.0, 2.0]]
    # Lens's own view of the links: unit hidden:1's link from input:0
    assert lens.get("hidden:1.incoming(1).weight") == "1"
    assert lens.get("hidden:0.incoming(2).weight") == "-0.5"
    assert proj.weight[1, 0] == np.float32(1.0)
    with pytest.raises(ValueError, match=r"\[2, 2\]"):
        proj.weight = np.zeros((3, 2))
    with pytest.raises(ValueError, match="finite"):
        proj.weight = [[np.nan, 0], [0, 0]]
    before = lens.net.error
    lens.test()
    assert lens.net.error != before


def test_python_hooks_run_where_lens_runs_them(lens):
    seen = []
    lens.on("postUpdateProc", lambda: seen.append(lens.net.total_updates))
    lens.train(4, report=0)
    assert seen == [0, 1, 2, 3]
    lens.on("postUpdateProc", None)
    lens.train(2, report=0)
    assert len(seen) == 4
    with pytest.raises(ValueError, match="not a hook"):
        lens.on("afterLunch", print)


def _trained_weights(net):
    return [p.weight.copy() for g in net.groups for p in g.incoming]


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_pickled_network_trains_on_identically(lens, how):
    lens.train(20, report=0)
    net = lens.net
    copied = pickle.loads(pickle.dumps(net)) if how == "pickle" else copy.deepcopy(net)
    state = pickle.dumps(lens.session.rng)
    lens.train(30, report=0)
    expected = _trained_weights(net)

    other = Lens(quiet=True)
    other.adopt(copied)
    other.session.rng.__dict__.update(pickle.loads(state).__dict__)
    assert other.net is copied and copied.total_updates == 20
    other.train(30, report=0)
    for a, b in zip(expected, _trained_weights(copied)):
        np.testing.assert_array_equal(a, b)
    assert other.get("error") == lens.get("error")


def test_lens_errors_and_docstrings(lens):
    with pytest.raises(LensCommandError, match="invalid command name"):
        lens("nosuchcommand")
    for obj in (Lens, Lens.record, Lens.outputs, Lens.on, type(lens.net),
                type(lens.net.groups[1]), type(lens.net.groups[2].incoming[0])):
        assert obj.__doc__ and len(obj.__doc__) > 40, obj
    assert training  # the engine stays importable beside the API
