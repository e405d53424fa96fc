"""The Python API as a notebook user meets it (issue 13's acceptance): only
`from lens_py import Lens` and `lens_py.plots`, one cell after another --
build a net, record a learning curve while training, plot it to PNG, read the
outputs of a test pass as an array, set a projection's weights from an array,
pickle (and deep-copy) the net and train the copies on.  Each step is checked
against something independent: the picture's own line data, doExample's values,
a forward pass computed here with NumPy, the original's weights."""
from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

from lens_py import Lens
from tests.lens_examples import xor

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def lens():
    lens = Lens(quiet=True)
    lens(f"seed 7\naddNet xor 2 2 1\nloadExamples {{{xor()}}} -set pairs")
    return lens


def test_record_a_curve_and_plot_it_to_png(lens, tmp_path):
    plots = pytest.importorskip("lens_py.plots")
    pytest.importorskip("matplotlib")
    curve = lens.record("error", every="update")
    lens.train(60, report=20)
    assert curve.values.shape == (60, 1)
    assert list(curve.updates) == list(range(1, 61))
    # the last row is the error Lens reports now
    assert float(lens.get("error")) == pytest.approx(curve.values[-1, 0], rel=1e-6)

    fig = plots.learning_curve(curve, title="xor")
    png = tmp_path / "curve.png"
    fig.savefig(png)
    data = png.read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    from matplotlib.image import imread
    picture = imread(png)
    assert picture.ndim == 3 and picture.shape[0] > 100 and picture.shape[1] > 100
    assert picture.std() > 0                              # not a blank canvas
    (line,) = fig.axes[0].get_lines()
    np.testing.assert_array_equal(line.get_xdata(), curve.updates)
    np.testing.assert_array_equal(line.get_ydata(), curve.values[:, 0])
    assert line.get_label() == "error"


def test_outputs_as_an_array_equal_do_example(lens):
    lens.train(40, report=0)
    out = lens.outputs("hidden", set="pairs")
    examples = len(lens.net.training_set.examples)
    assert out.outputs.shape == (examples, 1, 2)
    for k in range(examples):
        lens(f"doExample {k} -test")
        for u in range(2):
            # Lens's own view of the unit, to its printed digits, and the float itself
            value = out.outputs[k, 0, u]
            assert float(lens.get(f"hidden:{u}.output")) == pytest.approx(value, rel=1e-6)
            assert value == lens.net.group("hidden").output[-1, u]


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def test_weights_set_from_an_array_are_receiver_by_sender(lens):
    hidden = lens.net.group("hidden")
    proj = next(p for p in hidden.incoming if p.sender.name == "input")
    bias = next(p for p in hidden.incoming if p.sender.name == "bias")
    w = np.array([[0.75, -1.5], [2.0, 0.25]])            # not symmetric: a transpose shows
    proj.weight = w
    bias.weight = [[0.1], [-0.3]]
    np.testing.assert_array_equal(proj.weight, w.astype(np.float32))
    out = lens.outputs("hidden")
    inputs = []                 # each example's inputs, read the Lens way
    for k in range(len(lens.net.training_set.examples)):
        lens(f"doExample {k} -test")
        inputs.append([float(lens.get(f"input:{u}.output")) for u in range(2)])
    inputs = np.array(inputs)
    by_hand = _sigmoid(inputs @ w.T + np.array([0.1, -0.3]))
    np.testing.assert_allclose(out.outputs[:, 0, :], by_hand, rtol=0, atol=2e-6)
    transposed = _sigmoid(inputs @ w + np.array([0.1, -0.3]))
    assert np.abs(out.outputs[:, 0, :] - transposed).max() > 0.1


def _weights(net):
    return [p.weight.copy() for g in net.groups for p in g.incoming]


@pytest.mark.parametrize("how", ["pickle", "deepcopy"])
def test_a_saved_net_trains_on_bit_identically(lens, how):
    # a random order of examples, so the random stream matters
    lens("exampleSetMode pairs PERMUTED\nsetObj batchSize 2")
    lens.train(15, report=0)
    saved = pickle.dumps(lens.net) if how == "pickle" else copy.deepcopy(lens.net)
    lens.train(25, report=0)
    expected = _weights(lens.net)

    other = Lens(quiet=True)
    net = other.adopt(pickle.loads(saved) if how == "pickle" else saved)
    assert net.total_updates == 15 and other.net is net
    other.train(25, report=0)
    assert net.total_updates == lens.net.total_updates == 40
    for a, b in zip(expected, _weights(net)):
        assert a.tobytes() == b.tobytes()
    assert other.get("error") == lens.get("error")
    # the check can fail: the same copy trained on another stream ends elsewhere
    third = Lens(quiet=True)
    third("seed 99")
    again = third.adopt(pickle.loads(saved) if how == "pickle" else copy.deepcopy(saved),
                        random_state=False)
    third.train(25, report=0)
    assert any(a.tobytes() != b.tobytes() for a, b in zip(expected, _weights(again)))
