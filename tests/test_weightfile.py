"""Weight files: Lens's binary, old binary and text formats, and
lens_py's .npz; golden values from Appendix A."""
import gzip
import io
import struct

import numpy as np
import pytest

from fake_examples import xor_set
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session
from lens_py.engine.weightfile import (COOKIE, OLD_COOKIE, WeightFileError, load_weights,
                                       save_weights)

FIELDS = ("weight", "last_delta", "last_value")


def trained_xor():
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    s.add_set(xor_set())
    s.train(25, report=5)
    return net


def small_net():
    """bias, input (2), output (1): output:0 has links bias, input:0, input:1."""
    s = Session(rng=LensRandom(7), write=io.StringIO().write)
    return s.add_net("small", groups=[(2, []), (1, [])])


def links_by_hand(net, field="weight"):
    """Every link's value, walking groups → units → projections → senders
    (written independently of Network.gather_links)."""
    out = []
    for g in net.groups:
        for u in range(g.size):
            for p in g.incoming:
                for s in range(p.sender.size):
                    if p.mask is None or p.mask[u, s]:
                        out.append(getattr(p.arrays, field)[u, s])
    return np.array(out, dtype=np.float32)


def snapshot(net):
    return [links_by_hand(net, f).copy() for f in FIELDS], net.total_updates


def assert_unchanged(net, before):
    after = snapshot(net)
    for a, b in zip(after[0], before[0]):
        np.testing.assert_array_equal(a, b)
    assert after[1] == before[1]


# -- golden ---------------------------------------------------------------------------

def test_appendix_a_text_file(tmp_path):
    net = trained_xor()
    name = str(tmp_path / "w.wt")
    assert save_weights(net, name, num_values=3, text=True) == name
    lines = open(name).read().split("\n")
    assert lines[:5] == ["1431655766", "9", "3", "25", "-0.421494 -0.00402662 1"]
    expected = ["%g %g %g" % (float(w), float(d), float(v)) for w, d, v in
                zip(*(links_by_hand(net, f) for f in FIELDS))]
    assert lines[4:] == expected + [""]


def test_binary_bytes_match_the_spec(tmp_path):
    net = trained_xor()
    name = str(tmp_path / "w.bin")
    save_weights(net, name, num_values=2)
    data = open(name, "rb").read()
    w, d = links_by_hand(net, "weight"), links_by_hand(net, "last_delta")
    expected = struct.pack(">4i", COOKIE, 9, 2, 25)
    for a, b in zip(w, d):
        expected += struct.pack(">2f", a, b)
    assert data == expected
    assert data[:4] == b"\x55\x55\x55\x56"


# -- round trips ----------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["w.bin", "w.bin.gz", "w.npz"])
def test_exact_round_trip(tmp_path, suffix):
    net = trained_xor()
    before = snapshot(net)
    name = str(tmp_path / suffix)
    save_weights(net, name, num_values=3)
    net.reset_net()
    assert net.total_updates == 0
    assert not np.array_equal(links_by_hand(net), before[0][0])
    assert load_weights(net, name) == name
    assert_unchanged(net, before)
    if suffix.endswith(".gz"):
        assert gzip.open(name).read(4) == b"\x55\x55\x55\x56"


def test_text_round_trip_is_six_digits(tmp_path):
    net = trained_xor()
    w = links_by_hand(net)
    name = str(tmp_path / "w.wt")
    save_weights(net, name, text=True)
    net.reset_net()
    load_weights(net, name)
    expected = np.array([np.float32(float("%g" % float(x))) for x in w])
    np.testing.assert_array_equal(links_by_hand(net), expected)
    assert net.total_updates == 25


def test_npz_names_and_values(tmp_path):
    net = trained_xor()
    name = str(tmp_path / "w.npz")
    save_weights(net, name, num_values=2)
    z = np.load(name)
    assert sorted(z.files) == sorted(
        ["totalUpdates"] + [f"{a}->{b}.{f}" for a, b in
                            [("bias", "hidden"), ("input", "hidden"), ("bias", "output"),
                             ("hidden", "output")] for f in ("weight", "last_delta")])
    hidden = net.group("hidden")
    np.testing.assert_array_equal(z["input->hidden.weight"], hidden.incoming[1].weight)
    assert z["input->hidden.weight"].dtype == np.float32
    assert int(z["totalUpdates"]) == 25


def test_npz_refuses_another_shape(tmp_path):
    net = trained_xor()
    name = str(tmp_path / "w.npz")
    save_weights(net, name)
    other = small_net()
    before = snapshot(other)
    with pytest.raises(WeightFileError, match='has no weights for input->output'):
        load_weights(other, name)
    assert_unchanged(other, before)
    save_weights(other, name)
    before = snapshot(net)
    with pytest.raises(WeightFileError, match='has no weights for bias->hidden'):
        load_weights(net, name)
    assert_unchanged(net, before)


def test_npz_refuses_extra_projections(tmp_path):
    net = small_net()
    name = str(tmp_path / "w.npz")
    save_weights(net, name)
    net.group("output").incoming.pop(0)      # drop the bias projection
    with pytest.raises(WeightFileError, match="weights the network does not have: "
                                              "bias->output.weight"):
        load_weights(net, name)


# -- hand-written files ------------------------------------------------------------------

def output_links(net):
    p_bias, p_in = net.group("output").incoming
    return [p_bias.weight[0, 0], p_in.weight[0, 0], p_in.weight[0, 1]], \
        [p_bias.last_delta[0, 0], p_in.last_delta[0, 0], p_in.last_delta[0, 1]]


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return str(path)


def test_hand_written_text_with_cookie(tmp_path):
    net = small_net()
    name = write(tmp_path, "a.wt", "1431655766\n3\n1\n7\n0.5\n-1.25\n2\n")
    load_weights(net, name)
    w, d = output_links(net)
    assert w == [0.5, -1.25, 2.0] and d == [0, 0, 0]
    assert net.total_updates == 7


def test_hand_written_text_negative_num_values_any_line_breaks(tmp_path):
    net = small_net()
    net.total_updates = 4
    name = write(tmp_path, "b.wt", "-2\n3 0.5 0.25\n-1.25 -   2e0\n\n  0.125")
    load_weights(net, name)
    w, d = output_links(net)
    assert w == [0.5, -1.25, 2.0]
    assert d[0] == 0.25 and np.isnan(d[1]) and d[2] == 0.125
    assert net.total_updates == 4          # no totalUpdates in this header


def test_hand_written_text_plain_count(tmp_path):
    net = small_net()
    net.group("output").incoming[0].last_delta[0, 0] = 0.75
    load_weights(net, write(tmp_path, "c.wt", "3 1 2 3"))
    w, d = output_links(net)
    assert w == [1.0, 2.0, 3.0] and d[0] == 0.75   # deltas not in the file stay


def test_hand_written_binary(tmp_path):
    net = small_net()
    data = struct.pack(">4i", COOKIE, 3, 3, 42) + struct.pack(
        ">9f", 0.1, 0.01, 2.0, -0.2, 0.02, 3.0, 0.3, -0.03, 4.0)
    load_weights(net, write(tmp_path, "d.bin", data))
    w, d = output_links(net)
    assert w == [np.float32(0.1), np.float32(-0.2), np.float32(0.3)]
    assert d == [np.float32(0.01), np.float32(0.02), np.float32(-0.03)]
    p_in = net.group("output").incoming[1]
    assert list(p_in.last_value[0]) == [3.0, 4.0]
    assert net.total_updates == 42


def test_hand_written_old_binary(tmp_path):
    net = small_net()
    net.total_updates = 5
    data = struct.pack(">3i", OLD_COOKIE, 3, 8) + struct.pack(">6f", 1, 10, 2, 20, 3, 30)
    load_weights(net, write(tmp_path, "e.bin", data))
    w, d = output_links(net)
    assert (w, d) == ([1, 2, 3], [10, 20, 30])
    assert net.total_updates == 5


# -- errors leave the network unchanged ---------------------------------------------------

BAD_FILES = [
    ("1431655766\n4\n1\n0\n1\n2\n3\n4\n",
     'standardLoadWeights: network has 3 links but the file "{f}" contains 4'),
    ("2 1 2", 'standardLoadWeights: network has 3 links but the file "{f}" contains 2'),
    ("1431655766\n3\n1\n0\n1\n2\n", 'error reading weight on line 6 of\nfile "{f}"'),
    ("1431655766\n3\n1\n0\n1\n2x\n3\n", 'error reading weight on line 6 of\nfile "{f}"'),
    ("-2 3\n1 1\n2 oops\n3 3\n", 'error reading lastWeightDelta on line 3 of\nfile "{f}"'),
    ("1431655766\n3\n5\n0\n", 'bad number of values \\(5\\) in file "{f}"'),
    ("abc\n", 'error reading text header of file "{f}"'),
    ("1431655766\n3\n", 'error reading text header of file "{f}"'),
    ("", 'file "{f}" is empty'),
    (struct.pack(">4i", COOKIE, 3, 1, 0) + struct.pack(">2f", 1, 2),
     'the file "{f}" ended prematurely'),
    (struct.pack(">4i", COOKIE, 3, 4, 0), 'bad number of values \\(4\\)'),
    (struct.pack(">2i", COOKIE, 3), "can't read numValues"),
    (struct.pack(">3i", OLD_COOKIE, 3, 6), "encoded with reals of size 6 instead of 4"),
]


@pytest.mark.parametrize("content,message", BAD_FILES)
def test_bad_file_is_refused_and_net_unchanged(tmp_path, content, message):
    net = small_net()
    net.total_updates = 3
    before = snapshot(net)
    name = write(tmp_path, "bad.wt", content)
    with pytest.raises(WeightFileError, match=message.format(f=name.replace("\\", "\\\\"))):
        load_weights(net, name)
    assert_unchanged(net, before)


def test_missing_file(tmp_path):
    with pytest.raises(WeightFileError, match='couldn\'t open the file ".*nope.wt"'):
        load_weights(small_net(), str(tmp_path / "nope.wt"))


def test_bad_num_values_on_save(tmp_path):
    with pytest.raises(WeightFileError, match="must be 1, 2 or 3"):
        save_weights(small_net(), str(tmp_path / "x.wt"), num_values=4)
    assert not (tmp_path / "x.wt").exists()


# -- frozen links ----------------------------------------------------------------------------

def test_no_frozen_and_only_frozen(tmp_path):
    net = trained_xor()
    net.freeze_weights(groups=[net.group("output")])
    all_w = links_by_hand(net)
    thawed, frozen = all_w[:6], all_w[6:]      # hidden's 6 links, then output's 3
    a, b = str(tmp_path / "thawed.wt"), str(tmp_path / "frozen.bin")
    save_weights(net, a, text=True, no_frozen=True)
    save_weights(net, b, only_frozen=True)
    assert open(a).read().split("\n")[:2] == ["1431655766", "6"]
    assert struct.unpack(">4i", open(b, "rb").read()[:16]) == (COOKIE, 3, 1, 25)
    np.testing.assert_array_equal(
        np.frombuffer(open(b, "rb").read()[16:], dtype=">f4"), frozen)

    net.reset_net()          # randomises only the unfrozen (hidden) links
    net.total_updates = 99
    np.testing.assert_array_equal(links_by_hand(net)[6:], frozen)
    with pytest.raises(WeightFileError, match="network has 9 links but the file .* contains 3"):
        load_weights(net, b)
    load_weights(net, b, only_frozen=True)
    assert net.total_updates == 99             # -onlyFrozen does not copy totalUpdates
    load_weights(net, a, no_frozen=True)
    np.testing.assert_array_equal(
        links_by_hand(net), np.r_[[np.float32(float("%g" % x)) for x in thawed], frozen])
    assert net.total_updates == 25


def test_npz_with_selection_round_trips(tmp_path):
    net = trained_xor()
    net.freeze_weights(groups=[net.group("output")])
    (w, d, v), _ = snapshot(net)
    name = str(tmp_path / "t.npz")
    save_weights(net, name, num_values=3, no_frozen=True)
    with pytest.raises(WeightFileError, match="network has 9 links but the file .* contains 6"):
        load_weights(net, name)
    net.reset_net()          # new hidden weights; every delta 0
    load_weights(net, name, no_frozen=True)
    (w2, d2, v2), updates = snapshot(net)
    np.testing.assert_array_equal(w2, w)
    np.testing.assert_array_equal(d2, np.r_[d[:6], 0, 0, 0])
    assert updates == 25


def test_npz_refuses_other_sizes(tmp_path):
    net = trained_xor()
    name = str(tmp_path / "w.npz")
    save_weights(net, name)
    s = Session(rng=LensRandom(3), write=io.StringIO().write)
    wider = s.add_net("wide", groups=[(2, []), (3, []), (1, [])])
    before = snapshot(wider)
    with pytest.raises(WeightFileError, match="bias->hidden is 3x1 in the network but 2x1"):
        load_weights(wider, name)
    assert_unchanged(wider, before)


def test_nan_is_a_dash_in_text(tmp_path):
    net = small_net()
    net.group("output").incoming[1].weight[0, 1] = np.nan
    net.group("output").incoming[1].last_delta[0, 0] = -1e-7
    name = str(tmp_path / "n.wt")
    save_weights(net, name, num_values=2, text=True)
    lines = open(name).read().split("\n")
    assert lines[5] == "%g -1e-07" % float(net.group("output").incoming[1].weight[0, 0])
    assert lines[6].startswith("- ")
    net.group("output").incoming[1].weight[0, 1] = 5
    load_weights(net, name)
    assert np.isnan(net.group("output").incoming[1].weight[0, 1])


def test_pipes_both_ways(tmp_path):
    net = trained_xor()
    before = snapshot(net)
    path = tmp_path / "piped.wt.gz"
    save_weights(net, f"|gzip -c > '{path}'", num_values=2)
    assert gzip.open(path).read(4) == b"\x55\x55\x55\x56"
    net.reset_net()
    load_weights(net, f"|gzip -dc '{path}'")
    w, d = links_by_hand(net), links_by_hand(net, "last_delta")
    np.testing.assert_array_equal(w, before[0][0])
    np.testing.assert_array_equal(d, before[0][1])
