"""printUnitValues / printLinkValues: the proc's arguments are
Lens's paths, its results go to the file verbatim."""
import re

import numpy as np
import pytest

from lens_py.engine import types as T
from lens_py.engine.network import Network, NetworkError
from lens_py.engine.printvalues import PrintValuesError, print_link_values, print_unit_values
from lens_py.engine.rng import LensRandom


class ProcFailed(Exception):
    pass


def echo(proc, args):
    return f"{proc} {' '.join(args)}\n"


def make_net():
    """bias(0), a(1) 3 inputs, b(2) 2 inputs, h(3) 2 units fed by bias, a, b.
    h:0's link from a:1 is removed, so h:0 has two blocks from a."""
    net = Network("n", rng=LensRandom(5))
    a = net.add_group("a", 3, ["INPUT"])
    b = net.add_group("b", 2, ["INPUT"])
    h = net.add_group("h", 2)
    net.connect_groups(a, h)
    net.connect_groups(b, h)
    p = h.projection_from(a)
    p.mask = np.array([[True, False, True], [True, True, True]])
    return net


def test_unit_values_paths_and_verbatim_results(tmp_path):
    net = make_net()
    name = str(tmp_path / "u.txt")
    assert print_unit_values(net, name, "show", ["h", "a"], call=echo) == ""
    assert open(name).read() == (
        "show group(3) group(3).unit(0)\n"
        "show group(3) group(3).unit(1)\n"
        "show group(1) group(1).unit(0)\n"
        "show group(1) group(1).unit(1)\n"
        "show group(1) group(1).unit(2)\n")


def test_unit_values_like_the_spec_example(tmp_path):
    net = make_net()
    h = net.group("h")
    h.output[-1] = [0.4013658, 0.25]
    h.unit_lesioned[1] = True
    h.type |= T.LESIONED        # Lens skips a lesioned unit only while its group is flagged

    def name_and_output(proc, args):
        g, u = map(int, re.fullmatch(r"group\((\d+)\)\.unit\((\d+)\)", args[1]).groups())
        group = net.groups[g]
        return f"{group.unit_names[u]} {group.output[-1][u]:.7g}\n"

    name = str(tmp_path / "u.txt")
    print_unit_values(net, name, "p", [h], call=name_and_output)
    assert open(name).read() == "h:0 0.4013658\n"       # the lesioned unit is skipped
    print_unit_values(net, name, "p", [h], append=True, call=lambda p, a: "x")
    assert open(name).read() == "h:0 0.4013658\nx"


def test_link_values_blocks_and_link_indices(tmp_path):
    net = make_net()
    name = str(tmp_path / "l.txt")
    print_link_values(net, name, "pl", [net.group("a")], ["h"], call=echo)
    assert open(name).read().splitlines() == [
        "pl group(1) group(1).unit(0) group(3) group(3).unit(0) 1 1",
        "pl group(1) group(1).unit(2) group(3) group(3).unit(0) 2 2",
        "pl group(1) group(1).unit(0) group(3) group(3).unit(1) 1 1",
        "pl group(1) group(1).unit(1) group(3) group(3).unit(1) 1 2",
        "pl group(1) group(1).unit(2) group(3) group(3).unit(1) 1 3",
    ]
    print_link_values(net, name, "pl", ["b", "bias"], ["h"], call=echo)
    assert open(name).read().splitlines() == [
        "pl group(0) group(0).unit(0) group(3) group(3).unit(0) 0 0",
        "pl group(2) group(2).unit(0) group(3) group(3).unit(0) 3 3",
        "pl group(2) group(2).unit(1) group(3) group(3).unit(0) 3 4",
        "pl group(0) group(0).unit(0) group(3) group(3).unit(1) 0 0",
        "pl group(2) group(2).unit(0) group(3) group(3).unit(1) 2 4",
        "pl group(2) group(2).unit(1) group(3) group(3).unit(1) 2 5",
    ]


def test_link_index_agrees_with_the_network(tmp_path):
    net = make_net()
    h = net.group("h")
    seen = []

    def check(proc, args):
        f, s = map(int, re.fullmatch(r"group\((\d+)\)\.unit\((\d+)\)", args[1]).groups())
        u = int(re.fullmatch(r"group\(3\)\.unit\((\d+)\)", args[3]).group(1))
        p, sender = net.incoming_link(h, u, int(args[5]))
        assert (p.sender.num, sender) == (f, s)
        seen.append(args[5])
        return ""

    print_link_values(net, str(tmp_path / "l.txt"), "c", ["bias", "a", "b"], ["h"], call=check)
    assert seen == ["0", "1", "2", "3", "4", "0", "1", "2", "3", "4", "5"]


def test_link_type_filter(tmp_path):
    net = make_net()
    name = str(tmp_path / "l.txt")
    print_link_values(net, name, "pl", ["a", "b"], ["h"], link_type="b", call=echo)
    assert [line.split()[-2:] for line in open(name).read().splitlines()] == [
        ["3", "3"], ["3", "4"], ["2", "4"], ["2", "5"]]
    with pytest.raises(NetworkError, match="printLinkValues: link type nosuch doesn't exist"):
        print_link_values(net, name, "pl", ["a"], ["h"], link_type="nosuch", call=echo)


def test_failing_proc_keeps_earlier_results(tmp_path):
    net = make_net()
    calls = []

    def fails_third(proc, args):
        calls.append(args)
        if len(calls) == 3:
            raise ProcFailed('invalid command name "oops"')
        return f"{len(calls)};"

    name = str(tmp_path / "u.txt")
    with pytest.raises(ProcFailed, match='invalid command name "oops"'):
        print_unit_values(net, name, "p", ["a"], call=fails_third)
    assert open(name).read() == "1;2;"


def test_unwritable_file(tmp_path):
    bad = str(tmp_path / "no-such-folder" / "u.txt")
    with pytest.raises(PrintValuesError, match="printUnitValues: couldn't write to the file"):
        print_unit_values(make_net(), bad, "p", ["a"], call=echo)
