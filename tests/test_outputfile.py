"""Network output files: records written after every example of
train, test and doExample, parsed back and checked against the unit values."""
import io
import struct

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet, xor_set
from lens_py.engine import types as T
from lens_py.engine.outputfile import (OutputFileError, close_output_file, example_number,
                                       open_output_file)
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session
from lens_py.engine.training import do_example


def xor_session():
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    s.add_set(xor_set())
    return s, net


def record_units(net, names=("output",)):
    """A postExampleProc recording what getObj would show after each example."""
    seen = []
    net.hooks["postExampleProc"] = lambda: seen.append(
        [(net.group(n).output[-1].copy(), net.group(n).target[-1].copy()) for n in names])
    return seen


def parse_text(text):
    """[(totalUpdates, exampleNum, [(tick, event, [(size, isOutput, [[values]])])])]"""
    tokens = iter(text.split("\n"))
    records = []
    for line in tokens:
        if not line:
            continue
        updates, num = map(int, line.split())
        ticks, ngroups = map(int, next(tokens).split())
        tick_list = []
        for _ in range(ticks):
            tick, event = map(int, next(tokens).split())
            groups = []
            for _ in range(ngroups):
                size, is_out = map(int, next(tokens).split())
                rows = [next(tokens).split() for _ in range(size)]
                assert all(len(r) == 1 + is_out for r in rows)
                groups.append((size, is_out, rows))
            tick_list.append((tick, event, groups))
        records.append((updates, num, tick_list))
    return records


def parse_binary(data):
    pos = 0
    records = []

    def ints(n):
        nonlocal pos
        v = struct.unpack_from(f">{n}i", data, pos)
        pos += 4 * n
        return v

    while pos < len(data):
        updates, num, ticks, ngroups = ints(4)
        tick_list = []
        for _ in range(ticks):
            tick, event = ints(2)
            groups = []
            for _ in range(ngroups):
                (size,) = ints(1)
                is_out = data[pos]
                pos += 1
                n = size * (1 + is_out)
                vals = np.frombuffer(data, dtype=">f4", count=n, offset=pos)
                pos += 4 * n
                groups.append((size, is_out, vals.reshape(size, 1 + is_out)))
            tick_list.append((tick, event, groups))
        records.append((updates, num, tick_list))
    return records


def logistic_forward(net, inputs):
    """Plain NumPy forward pass of the 2-2-1 net, independent of the engine."""
    h, o = net.group("hidden"), net.group("output")
    hb, hi = (p.weight.astype(np.float64) for p in h.incoming)
    ob, oh = (p.weight.astype(np.float64) for p in o.incoming)
    hidden = 1 / (1 + np.exp(-(hb[:, 0] + hi @ np.asarray(inputs, dtype=float))))
    return 1 / (1 + np.exp(-(ob[:, 0] + oh @ hidden)))


def test_text_records_during_training_and_testing(tmp_path):
    s, net = xor_session()
    name = str(tmp_path / "out.txt")
    open_output_file(net, name)
    assert net.output_file_name == name and net.binary_output_file == 0
    seen = record_units(net)
    s.train(2, report=0)
    records = parse_text(open(name).read())     # flushed: readable while open
    assert len(records) == 8
    s.test()
    close_output_file(net)
    assert net.example_writer is None and net.output_file_name == ""
    records = parse_text(open(name).read())
    assert [r[0] for r in records] == [0] * 4 + [1] * 4 + [2] * 4
    assert [r[1] for r in records] == [0, 1, 2, 3] * 3
    for rec, units in zip(records, seen):
        (tick, event, groups), = rec[2]
        assert (tick, event) == (0, 0)
        (size, is_out, rows), = groups
        (out, tgt), = units
        assert (size, is_out) == (1, 1)
        assert rows == [["%g" % out[0], "%g" % tgt[0]]]
    data = [((0, 0), 0), ((0, 1), 1), ((1, 0), 1), ((1, 1), 0)]
    for rec, (inputs, target) in zip(records[8:], data):
        value, tgt = rec[2][0][2][0][2][0]
        assert float(value) == pytest.approx(logistic_forward(net, inputs)[0], abs=2e-6)
        assert tgt == str(target)


def test_file_does_not_change_training(tmp_path):
    s, net = xor_session()
    open_output_file(net, str(tmp_path / "o.txt"))
    s.train(25, report=0)
    close_output_file(net)
    assert "%g" % net.group("hidden").incoming[0].weight[0, 0] == "-0.421494"
    assert len(parse_text(open(tmp_path / "o.txt").read())) == 100


def test_binary_records_are_exact(tmp_path):
    s, net = xor_session()
    net.group("hidden").type |= T.WRITE_OUTPUTS
    name = str(tmp_path / "out.bin")
    open_output_file(net, name, binary=True)
    assert net.binary_output_file == 1
    seen = record_units(net, ("hidden", "output"))
    s.train(1, report=0)
    s.test(2)
    close_output_file(net)
    records = parse_binary(open(name, "rb").read())
    assert [r[:2] for r in records] == [(0, 0), (0, 1), (0, 2), (0, 3), (1, 0), (1, 1)]
    for rec, units in zip(records, seen):
        (tick, event, groups), = rec[2]
        assert (tick, event) == (0, 0)
        (hsize, hflag, hvals), (osize, oflag, ovals) = groups
        assert (hsize, hflag, osize, oflag) == (2, 0, 1, 1)
        np.testing.assert_array_equal(hvals[:, 0], units[0][0])
        np.testing.assert_array_equal(ovals[:, 0], units[1][0])
        np.testing.assert_array_equal(ovals[:, 1], units[1][1])


def test_do_example_writes_and_nan_target_is_dash(tmp_path):
    s = Session(rng=LensRandom(2), write=io.StringIO().write)
    net = s.add_net("n", groups=[(2, []), (1, [])])
    s.add_set(ExampleSet("odd", [Example([Event([1, 0], [np.nan])])]))
    name = str(tmp_path / "o.txt")
    open_output_file(net, name)
    do_example(s, net, index=0)
    close_output_file(net)
    out = net.group("output").output[-1][0]
    assert open(name).read() == f"0 0\n1 1\n0 0\n1 1\n{'%g' % out} -\n"


def test_append_reopen_and_close(tmp_path):
    s, net = xor_session()
    name = str(tmp_path / "o.txt")
    open_output_file(net, name)
    s.test(1)
    open_output_file(net, name, append=True)     # same name: the file stays open
    s.test(1)
    close_output_file(net)
    assert [r[1] for r in parse_text(open(name).read())] == [0, 1]
    open_output_file(net, name, append=True)     # reopened for appending
    s.test(1)
    close_output_file(net)
    assert [r[1] for r in parse_text(open(name).read())] == [0, 1, 2]
    open_output_file(net, name)                  # without -append: starts afresh
    assert open(name).read() == ""
    other = str(tmp_path / "p.txt")
    open_output_file(net, other)                 # another name closes the first
    s.test(1)
    close_output_file(net)
    assert open(name).read() == ""
    assert [r[1] for r in parse_text(open(other).read())] == [3]
    with pytest.raises(OutputFileError, match="no file open"):
        close_output_file(net)


def test_unwritable_file(tmp_path):
    _, net = xor_session()
    bad = str(tmp_path / "missing-folder" / "o.txt")
    with pytest.raises(OutputFileError, match=f'couldn\'t open the file "{bad}"'):
        open_output_file(net, bad)
    assert net.example_writer is None


def test_pipe_examples_are_number_zero():
    class PipeSet:
        mode = T.PIPE

    ex = Example([Event([0, 0], [0])])
    ex.num = 5
    assert example_number(ex) == 5
    ex.set = PipeSet()
    assert example_number(ex) == 0


def test_compressed_output_file(tmp_path):
    import gzip
    s, net = xor_session()
    name = str(tmp_path / "o.txt.gz")
    open_output_file(net, name)
    s.test(2)
    close_output_file(net)
    open_output_file(net, name, append=True)
    s.test(1)
    close_output_file(net)
    records = parse_text(gzip.open(name, "rt").read())
    assert [r[1] for r in records] == [0, 1, 2]
