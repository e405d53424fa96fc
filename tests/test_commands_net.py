"""The Lens network commands through the shell: addNet, addGroup,
connectGroups, freezing, randomising, setObj/getObj, useNet, setTime."""

import numpy as np
import pytest

from c_arithmetic import drand48_stream
from lens_py.shell.errors import TclError




def test_addnet_shorthand_weights_follow_lens_draw_order(lens):
    lens("seed 1; addNet xor 2 2 1")
    # 9 draws at creation, 9 more in addNet's own resetNet: hidden:0's first
    # link (its bias) takes draw 10.
    d = drand48_stream(1, 18)
    w = np.float32(np.float32(2 * d[9] - 1) * np.float32(1.0))
    assert lens("getObj hidden:0.incoming(0).weight") == "%.7g" % w == "-0.2674527"
    assert lens("getObj hidden:0.incoming(1).weight") == "-0.2975818"
    # resetNet draws every unfrozen link again, in group -> unit -> link order.
    lens("seed 1; resetNet")
    order = [(g, u, k) for g, n_units, n_links in (("hidden", 2, 3), ("output", 1, 3))
             for u in range(n_units) for k in range(n_links)]
    d = drand48_stream(1, 9)
    for (g, u, k), draw in zip(order, d):
        expect = np.float32(np.float32(2 * draw - 1))
        assert lens(f"getObj {g}:{u}.incoming({k}).weight") == "%.7g" % expect


def test_addnet_groups_types_and_counts(lens):
    lens("addNet n -i 3 -t 2 4 5 ELMAN 3 SOFT_MAX")
    names = [lens(f"getObj group({i}).name") for i in range(int(lens("getObj numGroups")))]
    assert names == ["bias", "input", "context", "hidden", "output"]
    assert lens("getObj bias.type") == "0x2000001"
    assert lens("getObj input.type") == "0x2000002"
    assert lens("getObj hidden.type") == "0x3000000"
    assert lens("getObj timeIntervals") == "3"
    assert lens("getObj ticksPerInterval") == "2"
    assert lens("setTime") == "3 2 6"
    assert lens("getObj output.costProcs") == "DIVERGENCE"
    # hidden's links: bias, context, then the previous group
    assert lens("getObj hidden:0.numIncoming") == str(1 + 5 + 4)
    assert lens("getObj numLinks") == str(5 * (1 + 5 + 4) + 3 * (1 + 5))


def test_add_group_result_and_errors(lens):
    lens("addNet n")
    assert lens("addGroup in 3 INPUT") == "group(1)"
    assert lens("addGroup out 2 OUTPUT LINEAR") == "group(2)"
    assert lens("getObj out.costProcs") == "SUM_SQUARED"
    with pytest.raises(TclError, match=r"^usage: addGroup <group> <num-units>"):
        lens("addGroup onlyname")
    with pytest.raises(TclError, match="already exists"):
        lens("addGroup in 2")
    with pytest.raises(TclError, match="at least one unit"):
        lens("addGroup empty 0")
    with pytest.raises(TclError, match='Invalid group type: "WOBBLY"'):
        lens("addGroup w 2 WOBBLY")


def test_connect_groups_mean_range_and_lists(lens):
    lens("seed 5; addNet n; addGroup a 3 INPUT; addGroup b 4; addGroup c 2 OUTPUT")
    lens("connectGroups a b c -mean 2 -range 0.25")
    for path in ("b:0.incoming(1)", "b:3.incoming(3)", "c:1.incoming(4)"):
        w = float(lens(f"getObj {path}.weight"))
        assert 1.75 <= w < 2.25
    # bias links keep the net's range
    assert lens("getObj b:0.numIncoming") == "4"
    assert lens("getObj c:0.numIncoming") == "5"
    with pytest.raises(TclError, match='group "nosuch" doesn\'t exist'):
        lens("connectGroups a nosuch")
    with pytest.raises(TclError, match="already connected"):
        lens("connectGroups a b")


def test_one_to_one_projection_is_frozen_with_unit_weights(lens):
    lens("addNet n; addGroup a 3 INPUT; addGroup b 3 -BIASED")
    lens("connectGroups a b -projection ONE_TO_ONE")
    assert lens("getObj b:1.numIncoming") == "1"
    assert lens("getObj b:1.incoming(0).weight") == "1"
    lens("randWeights")          # randWeights randomises frozen links too
    lens("resetNet")             # ... resetNet does not
    assert lens("getObj b:2.numIncoming") == "1"


def test_freeze_thaw_and_rand_weights_selection(lens):
    lens("seed 2; addNet n 2 3 1")
    lens("freezeWeights -group hidden")
    frozen = [lens(f"getObj hidden:0.incoming({k}).weight") for k in range(3)]
    lens("resetNet")
    assert [lens(f"getObj hidden:0.incoming({k}).weight") for k in range(3)] == frozen
    assert lens("getObj output:0.incoming(0).weight") != ""
    lens("thawWeights -group hidden")
    lens("randWeights -group hidden -mean 5 -range 0")
    assert lens("getObj hidden:2.incoming(2).weight") == "5"
    assert lens("getObj output:0.incoming(0).weight") != "5"
    with pytest.raises(TclError, match="link type nolink doesn't exist"):
        lens("freezeWeights -type nolink")


def test_set_and_get_object_values_and_errors(lens):
    lens("addNet n 2 2 1")
    assert lens("setObj learningRate 0.1") == "0.1"
    assert lens("set .learningRate") == "0.1"
    assert lens("setObj hidden.momentum 0.5") == "0.5"
    assert lens("getObj hidden.momentum") == "0.5"
    assert lens("getObj output.learningRate") == "-"     # NaN = inherit
    assert lens("setObj hidden:1.output 0.25") == "0.25"
    assert lens("getObj group(2).unit(1).output") == "0.25"
    with pytest.raises(TclError, match="numUnits is write-protected"):
        lens("setObj numUnits 4")
    with pytest.raises(TclError, match='field "bogus" not found in object of type Network'):
        lens("getObj bogus")
    with pytest.raises(TclError, match="index 7 out of bounds"):
        lens("getObj group(7)")


def test_use_net_delete_nets_and_path(lens):
    lens("addNet a 1 1; addNet b 2 2")
    assert lens("useNet") == '"a"\n"b"'
    assert lens("getObj name") == "b"
    lens("useNet a")
    assert lens("getObj name") == "a"
    assert lens("path -network b") == "root.net(1)"
    assert lens("path -unit output:0") == "group(2).unit(0)"
    lens("deleteNets a")
    assert lens("useNet") == '"b"'
    with pytest.raises(TclError, match='network "zz" doesn\'t exist'):
        lens("useNet zz")


def test_unique_prefix_and_help_usage(lens):
    lens("addNet n 2 1")
    assert lens("getObj numGroups") == lens("getObject numGroups") == "3"
    lens("connectGroups -h")                # -h alone: the command's help page
    assert lens.out.getvalue().startswith("connectGroups - ")
    with pytest.raises(TclError, match="^usage: connectGroups"):
        lens("connectGroups")


def test_not_yet_supported_commands_say_so(lens):
    lens("addNet n 2 1")
    with pytest.raises(TclError, match="loadXerionWeights is not supported by lens_py yet"):
        lens("loadXerionWeights w.xerion")


def test_repl_completion_offers_object_paths(lens):
    from lens_py.commands.object_cmds import complete_object_path
    lens("addNet n 2 3 1")
    interp = lens.interp
    first = complete_object_path(interp, "getObj ")
    assert "learningRate" in first and "hidden" in first and "n" in first
    assert "hidden.learningRate" in complete_object_path(interp, "setObj hidden.le")
    assert "hidden:0.output" in complete_object_path(interp, "puts [getObj hidden:0.ou")
    assert complete_object_path(interp, "puts hid") == []


def test_delete_groups_star_keeps_bias_groups_but_a_named_bias_goes(lens):
    lens("addNet n 2 3 1")
    lens("deleteGroups *")
    assert lens("getObj numGroups") == "1"
    lens("addNet m 2 3 1")
    lens("deleteGroups bias")
    assert lens("getObj numGroups") == "3"
    from lens_py.commands.common import session
    net = session(lens.interp).net
    assert all(p.sender.name != "bias" for g in net.groups for p in g.incoming)
