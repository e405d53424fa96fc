"""Links made and removed one unit at a time (engine/unitlinks.py; Lens's
connectUnits, connectGroupToUnits, disconnect*, delete*, addLinkType,
deleteLinkType): where each link goes in a unit's order, its weight draw,
the sums a forward pass makes over the new orders, counts, errors and
weight files.

The expected orders are worked out by hand from Lens 2.63's connect.c
(connectUnits's PREPEND / APPEND / JOIN / NEW_BLOCK rules), the expected
weights from drand48 written out (tests/c_arithmetic.py)."""
import io
import math

import numpy as np
import pytest

from c_arithmetic import drand48_stream
from lens_py.commands.common import session
from lens_py.commands.net_cmds import (CONNECT_GROUP_TO_UNITS_USAGE, CONNECT_UNITS_USAGE,
                                       DELETE_LINKS_USAGE, DISCONNECT_UNITS_USAGE)
from lens_py.engine import unitlinks
from lens_py.engine.network import NetworkError
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session
from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError

F = np.float32





def fresh(seed=1):
    """A net with bias, a (5 INPUT) and h (2 units, biased): the bias links of
    h drew at creation; the generator is then reseeded."""
    s = Session(rng=LensRandom(seed))
    net = s.add_net("n")
    a = net.add_group("a", 5, ["INPUT"])
    h = net.add_group("h", 2)
    net.rng.seed(seed)
    return net, a, h


def order(net, g, u):
    """Unit g:u's incoming links: (sender group, sender unit, link type)."""
    return [(p.sender.name, s, p.link_type) for p, s in g.unit_links(u)]


def weights(net, g, u):
    return [F(p.weight[u, s]) for p, s in g.unit_links(u)]


def rand_real(d, mean=0.0, rng_range=1.0):
    """Lens's randReal in reals: (2d - 1) * range + mean."""
    return F(F(F(2 * d - 1) * F(rng_range)) + F(mean))


# -- connectUnits: where a link goes, and its draw ------------------------------------------

def test_connect_units_prepend_append_join_and_draw_order():
    net, a, h = fresh(7)
    bias_w = weights(net, h, 0)[0]
    # h:0: {a3}; a1 is a new block before it; a0 prepends to {a1};
    # a4 of another type is a block at the end; a2 joins {a0 a1} and {a3}.
    for s, kw in ((3, {}), (1, {}), (0, {}), (4, {"link_type": "t2"}), (2, {})):
        unitlinks.connect_units(net, a, s, h, 0, **kw)
    # h:1: a0 (x), a2 (y), then a1 (x) joins {a0} with the next block {a2}
    # although its type is y: Lens's JOIN does not look at it.  a4 (type a)
    # finds no block of its type, so it goes last.
    unitlinks.connect_units(net, a, 0, h, 1, "x")
    unitlinks.connect_units(net, a, 2, h, 1, "y", rng_range=0.25, mean=0.5)
    unitlinks.connect_units(net, a, 1, h, 1, "x", mean=-2.0)
    unitlinks.connect_units(net, a, 4, h, 1)
    assert order(net, h, 0) == [("bias", 0, "bias")] + [("a", s, "a") for s in range(4)] \
        + [("a", 4, "t2")]
    assert order(net, h, 1) == [("bias", 0, "bias"), ("a", 0, "x"), ("a", 1, "x"),
                                ("a", 2, "x"), ("a", 4, "a")]
    d = drand48_stream(7, 9)
    drawn0 = {3: d[0], 1: d[1], 0: d[2], 4: d[3], 2: d[4]}
    assert weights(net, h, 0) == [bias_w] + [rand_real(drawn0[s]) for s in range(5)]
    w1 = weights(net, h, 1)
    # a2 kept its weight (drawn with its own block's mean 0.5, range 0.25);
    # a1 drew with the joined block's values (mean -2: initBlockValues)
    assert w1[1:] == [rand_real(d[5]), rand_real(d[7], -2.0), rand_real(d[6], 0.5, 0.25),
                      rand_real(d[8])]
    # the joined block took its parameters from that last connectUnits
    blocks = unitlinks.unit_blocks(net, h, 1)
    assert [(b.sender.name, b.first, b.count, b.link_type) for b in blocks] == [
        ("bias", 0, 1, "bias"), ("a", 0, 3, "x"), ("a", 4, 1, "a")]
    assert blocks[1].proj.rand_mean[1] == F(-2.0) and math.isnan(blocks[1].proj.rand_range[1])
    # the y link is now an x link: deleting y links finds none
    unitlinks.disconnect_units(net, a, 2, h, 1, "y")
    assert len(order(net, h, 1)) == 5
    unitlinks.disconnect_units(net, a, 2, h, 1, "x")
    assert [x[1] for x in order(net, h, 1)] == [0, 0, 1, 4]
    assert len(h.incoming) <= 5


def test_new_blocks_keep_their_place_among_later_blocks():
    net, a, h = fresh(3)
    c = net.add_group("c", 3, ["INPUT"])
    unitlinks.connect_units(net, a, 3, h, 0)
    net.connect_groups(c, h)                        # appended after {a3} on each unit
    unitlinks.connect_units(net, a, 0, h, 0)        # new block before {a3}
    unitlinks.connect_units(net, a, 4, h, 0)        # appends to {a3}
    unitlinks.connect_units(net, a, 2, h, 0)        # prepends to {a3 a4}
    unitlinks.connect_units(net, a, 1, h, 1)        # h:1 has no a block: goes last
    assert order(net, h, 0) == [("bias", 0, "bias"), ("a", 0, "a"), ("a", 2, "a"),
                                ("a", 3, "a"), ("a", 4, "a"), ("c", 0, "c"), ("c", 1, "c"),
                                ("c", 2, "c")]
    assert order(net, h, 1) == [("bias", 0, "bias"), ("c", 0, "c"), ("c", 1, "c"),
                                ("c", 2, "c"), ("a", 1, "a")]
    assert [(b.first, b.count) for b in unitlinks.unit_blocks(net, h, 0)] == [
        (0, 1), (0, 1), (2, 3), (0, 3)]
    assert len(h.incoming) == 4                     # bias, a (h:0), c, a (h:1)
    # after a link of a's type from c:1 into h:0 (groups in net order: c after a)
    unitlinks.connect_units(net, c, 1, h, 0, "a")
    assert order(net, h, 0)[5] == ("c", 1, "a")


def test_middle_insert_splits_a_row_and_block_parameters_stay_per_block():
    net, a, h = fresh(5)
    unitlinks.connect_units(net, a, 0, h, 0)
    unitlinks.connect_units(net, a, 3, h, 0)
    p = h.incoming[-1]
    p.learning_rate[0] = F(0.3)                     # both blocks {a0} and {a3}
    unitlinks.connect_units(net, a, 1, h, 0)        # appends to {a0}: that block's
    blocks = unitlinks.unit_blocks(net, h, 0)       # parameters are reset, not {a3}'s
    assert [(b.first, b.count) for b in blocks] == [(0, 1), (0, 2), (3, 1)]
    assert math.isnan(blocks[1].proj.learning_rate[0])
    assert blocks[2].proj.learning_rate[0] == F(0.3)
    assert [x[1] for x in order(net, h, 0)] == [0, 0, 1, 3]


def test_group_and_net_rand_values_and_bidirectional(lens):
    lens("addNet n; addGroup a 3 INPUT; addGroup h 2; setObj h.randMean 2; "
         "setObj randRange 0.5; seed 11")
    lens("connectUnits a:1 h:0")
    lens("connectUnits a:2 h:0 -mean 1 -range 0")
    lens("connectUnits {a:0} h:1 -b")
    d = drand48_stream(11, 4)
    net = session(lens.interp).net
    h, a = net.group("h"), net.group("a")
    assert weights(net, h, 0)[1:] == [rand_real(d[0], 2.0, 0.5), rand_real(d[1], 1.0, 0.0)]
    assert weights(net, h, 1)[1:] == [rand_real(d[2], 2.0, 0.5)]
    # the way back is of the same type "a", drawn with a's values (net: mean 0)
    assert order(net, a, 0) == [("h", 1, "a")]
    assert weights(net, a, 0) == [rand_real(d[3], 0.0, 0.5)]


def test_connect_units_takes_the_first_sender_groups_name_for_every_link(lens):
    lens("addNet n; addGroup a 2 INPUT; addGroup b 2 INPUT; addGroup h 1")
    lens("connectUnits {a:0 b:1} h:0")
    net = session(lens.interp).net
    assert order(net, net.group("h"), 0)[1:] == [("a", 0, "a"), ("b", 1, "a")]


# -- connectGroupToUnits -----------------------------------------------------------------------

def test_connect_group_to_units_appends_a_block_and_becomes_dense(lens):
    lens("addNet n; addGroup a 4 INPUT; addGroup c 2 INPUT; addGroup h 3; seed 2")
    lens("connectUnits c:1 h:1")
    lens("connectGroupToUnits a {h:0 h:1 h:2} -range 0.5")
    net = session(lens.interp).net
    h = net.group("h")
    d = drand48_stream(2, 13)
    assert order(net, h, 1) == [("bias", 0, "bias"), ("c", 1, "c")] + \
        [("a", s, "a") for s in range(4)]
    assert weights(net, h, 1)[2:] == [rand_real(x, 0, 0.5) for x in d[5:9]]
    assert weights(net, h, 2)[1:] == [rand_real(x, 0, 0.5) for x in d[9:13]]
    a_proj = [p for p in h.incoming if p.sender.name == "a"]
    assert len(a_proj) == 1 and a_proj[0].mask is None
    with pytest.raises(TclError, match='^connectGroupToUnit: a is already connected to '
                                       'h:0 with a link of type "a"$'):
        lens("connectGroupToUnits a h:0")
    lens("connectGroupToUnits a h:0 -type other")
    assert order(net, h, 0)[-1] == ("a", 3, "other")


# -- the forward pass over the new orders -----------------------------------------------------

def lens_block_sum(terms_by_block):
    """Lens's dotProductInput: per block, chunks of ten (summed left to right)
    while more than ten links remain, then link by link; all in reals."""
    total = F(0)
    for terms in terms_by_block:
        k = 0
        while len(terms) - k > 10:
            chunk = terms[k]
            for t in terms[k + 1:k + 10]:
                chunk = F(chunk + t)
            total = F(total + chunk)
            k += 10
        for t in terms[k:]:
            total = F(total + t)
    return total


def test_forward_sums_follow_lens_blocks(lens, tmp_path):
    lens("seed 1; addNet n; addGroup a 25 INPUT; addGroup c 12 INPUT; addGroup h 2 OUTPUT LINEAR")
    lens("connectGroups a h")
    lens("disconnectUnits a:12 h:0")            # splits h:0's a block in two
    lens("connectUnits c:3 h:0")
    lens("connectGroupToUnits c h:1")
    lens("connectUnits c:5 h:0 -mean 0.5")
    lens("connectUnits c:4 h:0")                # joins {c3} and {c5}
    lens("connectUnits a:12 h:0 -type extra")
    lens("connectUnits a:20 h:1 -type extra")
    rng = np.random.default_rng(4)
    values = {g: [F(v) for v in rng.uniform(-1, 1, n)] for g, n in (("a", 25), ("c", 12))}
    ex = tmp_path / "one.ex"
    ex.write_text("I: " + " ".join(f"({g}) " + " ".join("%.9g" % v for v in vals)
                                   for g, vals in values.items()) + ";\n")
    lens(f"loadExamples {ex} -set s; useTrainingSet s; useTestingSet s")
    lens("doExample -test")
    net = session(lens.interp).net
    h = net.group("h")
    out = {"bias": [F(1)], **values}
    expected_blocks = {
        0: [("bias", [0], "bias"), ("a", range(0, 12), "a"), ("a", range(13, 25), "a"),
            ("c", [3, 4, 5], "c"), ("a", [12], "extra")],
        1: [("bias", [0], "bias"), ("a", range(25), "a"), ("c", range(12), "c"),
            ("a", [20], "extra")]}
    for u, blocks in expected_blocks.items():
        assert order(net, h, u) == [(g, s, t) for g, ss, t in blocks for s in ss]
        assert [(b.sender.name, b.first, b.count) for b in unitlinks.unit_blocks(net, h, u)] \
            == [(g, list(ss)[0], len(ss)) for g, ss, _ in blocks]
        w = iter(weights(net, h, u))
        terms = [[F(out[g][s] * next(w)) for s in ss] for g, ss, _ in blocks]
        assert h.input[-1, u] == lens_block_sum(terms)
        if u == 0:      # these inputs tell the split a block from one block of 24
            assert h.input[-1, u] != lens_block_sum([terms[0], terms[1] + terms[2]] + terms[3:])
    assert h.input[-1, 0] != F(0) and h.output[-1, 1] == h.input[-1, 1]


# -- removing links ------------------------------------------------------------------------------

def counts(lens):
    return [lens(f"getObj {x}") for x in ("numLinks", "h.numIncoming", "a.numOutgoing",
                                          "a:0.numOutgoing", "h:0.numIncoming")]


def test_disconnect_and_delete_counts(lens):
    lens("addNet n; addGroup a 4 INPUT; addGroup c 3 INPUT; addGroup h 3")
    lens("connectGroups a h; connectGroups c h; connectUnits a:0 h:0 -type t")
    assert counts(lens) == ["25", "25", "13", "4", "9"]
    lens("disconnectUnits a:0 h:0 -type t")
    assert counts(lens) == ["24", "24", "12", "3", "8"]
    lens("connectUnits a:0 h:0 -type t; disconnectUnits a:0 h:0")    # both of its links
    assert counts(lens) == ["23", "23", "11", "2", "7"]
    lens("disconnectUnits a:2 h:0")                                   # a middle one: split
    assert lens("getObj h:0.numBlocks") == "4"
    assert lens("getObj h:0.block(1).numUnits") == "1"
    assert lens("getObj h:0.block(2).numUnits") == "1"
    lens("disconnectGroupUnit a h:1")
    assert counts(lens) == ["18", "18", "6", "1", "6"]
    lens("disconnectGroups c h -type c")
    assert counts(lens) == ["9", "9", "6", "1", "3"]
    lens("deleteUnitOutputs a:3")
    assert counts(lens) == ["7", "7", "4", "1", "2"]
    lens("deleteLinks -type bias")
    assert counts(lens) == ["4", "4", "4", "1", "1"]
    lens("deleteGroupInputs h; connectUnits a:1 h:2; deleteLinks")
    assert counts(lens) == ["0", "0", "0", "0", "0"]
    net = session(lens.interp).net
    assert net.group("h").incoming == []


def test_disconnect_groups_without_type_forgets_the_elman_source():
    s = Session(rng=LensRandom(1))
    net = s.add_net("n")
    hidden = net.add_group("hidden", 2)
    context = net.add_group("context", 2, ["ELMAN"])
    net.elman_connect(hidden, context)
    net.connect_groups(context, hidden)
    unitlinks.disconnect_groups(net, hidden, context, "hidden")     # a type: kept
    assert context.elman_source is hidden
    unitlinks.disconnect_groups(net, hidden, context)
    assert context.elman_source is None
    net.elman_connect(hidden, context)
    unitlinks.delete_group_inputs(net, context)
    assert context.elman_source is None
    assert [p.sender.name for p in hidden.incoming] == ["bias", "context"]


def test_shared_weights_are_removed_whole_only():
    s = Session(rng=LensRandom(1))
    net = s.add_net("n")
    a = net.add_group("a", 2, ["INPUT"])
    b = net.add_group("b", 2, ["INPUT"])
    h = net.add_group("h", 2)
    net.connect_groups(a, h)
    net.connect_groups(b, h, share_with=(a, h))
    with pytest.raises(NetworkError, match="share their weights"):
        unitlinks.disconnect_units(net, b, 0, h, 1)
    unitlinks.disconnect_groups(net, b, h)
    assert [p.sender.name for p in h.incoming] == ["bias", "a"]


# -- errors -------------------------------------------------------------------------------------

@pytest.mark.parametrize("script, message", [
    ("connectUnits a:0 h:0; connectUnits a:0 h:0",
     'connectUnits: a:0 is already connected to h:0 with a link of type "a"'),
    ("connectUnits a:0", "usage: " + CONNECT_UNITS_USAGE),
    ("connectUnits a:0 h:0 -range -1", "connectUnits: range must be positive"),
    ("connectUnits a:0 h:0 -q", "usage: " + CONNECT_UNITS_USAGE),
    ("connectUnits a:0 h:0 -mean", "usage: " + CONNECT_UNITS_USAGE),
    ("connectUnits a:0 {h:0 zz}", 'connectUnits: unit "zz" doesn\'t exist'),
    ("connectGroupToUnits zz h:0", 'connectGroupToUnits: group "zz" doesn\'t exist'),
    ("connectGroupToUnits a h:0 -b", "usage: " + CONNECT_GROUP_TO_UNITS_USAGE),
    ("disconnectUnits a:0 h:0 -type nosuch",
     'disconnectUnits: link type "nosuch" doesn\'t exist'),
    ("disconnectUnits a:0 h:0 -x bias", "usage: " + DISCONNECT_UNITS_USAGE),
    ("disconnectUnits a:0 h:0 -type", "usage: " + DISCONNECT_UNITS_USAGE),
    ("disconnectUnits a:0 zz", 'disconnectUnits: unit "zz" doesn\'t exist'),
    ("disconnectGroups a zz", 'disconnectGroups: group "zz" doesn\'t exist'),
    ("disconnectGroupUnit a h", 'disconnectGroupUnit: unit "h" doesn\'t exist'),
    ("deleteLinks -t zz", 'deleteLinks: link type "zz" doesn\'t exist'),
    ("deleteLinks -type", "usage: " + DELETE_LINKS_USAGE),
    ("deleteGroupInputs {h zz} -t bias", 'deleteGroupInputs: group "zz" doesn\'t exist'),
    ("deleteLinkType nosuch", 'Link type "nosuch" is not registered'),
])
def test_errors(lens, script, message):
    lens("addNet n; addGroup a 2 INPUT; addGroup h 2")
    with pytest.raises(TclError) as e:
        lens(script)
    assert e.value.message == message


def test_no_current_network(lens):
    with pytest.raises(TclError, match="^connectUnits: no current network$"):
        lens("connectUnits a:0 h:0")
    with pytest.raises(TclError, match="^deleteLinks: no current network$"):
        lens("deleteLinks")


def test_link_types_registry(lens):
    assert lens("addLinkType") == '"bias"\n'
    lens("addLinkType red; addLinkType green; addLinkType red")
    assert lens("deleteLinkType") == '"bias"\n"red"\n"green"\n'
    lens("deleteLinkType red")
    assert lens("addLinkType") == '"bias"\n"green"\n'
    lens("addLinkType blue")                        # takes red's empty slot
    assert lens("addLinkType") == '"bias"\n"blue"\n"green"\n'
    lens("addNet n; addGroup a 2 INPUT; addGroup h 1; connectUnits a:0 h:0 -type green")
    assert lens("getObj h:0.block(1).type") == "3"
    lens("deleteLinkType green")
    with pytest.raises(TclError, match='^disconnectUnits: link type "green" doesn\'t exist$'):
        lens("disconnectUnits a:0 h:0 -type green")


# -- weight files ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [False, True])
def test_weight_file_round_trip_after_editing(lens, tmp_path, text):
    lens("addNet n; addGroup a 12 INPUT; addGroup c 3 INPUT; addGroup h 3")
    lens("connectGroups a h; disconnectUnits a:5 h:1; connectUnits c:2 h:1; "
         "connectUnits c:0 h:1 -type q; connectGroupToUnits c h:2; connectUnits a:5 h:1 -type q")
    net = session(lens.interp).net
    saved = net.gather_links().copy()
    path = tmp_path / ("w.txt" if text else "w.wt")
    lens(f"saveWeights {path}" + (" -text" if text else ""))
    if text:
        lines = path.read_text().split("\n")
        assert lines[1] == lens("getObj numLinks") == str(len(saved))
        assert [float(x) for x in lines[4:4 + len(saved)]] == \
            [float("%g" % v) for v in saved]
    lens("randWeights")
    assert not np.array_equal(net.gather_links(), saved)
    lens(f"loadWeights {path}")
    got = net.gather_links()
    if text:
        np.testing.assert_allclose(got, saved, rtol=1e-5)
    else:
        np.testing.assert_array_equal(got, saved)
    lens("disconnectUnits c:2 h:1")
    with pytest.raises(TclError, match=f"network has {len(saved) - 1} links but the file"):
        lens(f"loadWeights {path}")


# -- the same links made three ways train the same ----------------------------------------------

@pytest.mark.parametrize("connect", [
    "connectGroupToUnits input {hidden:0 hidden:1 hidden:2}",
    "for {set u 0} {$u < 3} {incr u} {for {set s 0} {$s < 2} {incr s} "
    "{connectUnits input:$s hidden:$u}}",
])
def test_unit_by_unit_links_train_like_connect_groups(connect):
    """Lens's connectGroups is connectGroupToUnit for each receiving unit, and
    connectUnits in unit-major sender order makes the same blocks with the
    same draws: the nets must stay identical through training."""
    from lens_examples import xor
    nets = []
    for how in ("connectGroups input hidden", connect):
        interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
        interp.eval("seed 3; addNet x; addGroup input 2 INPUT; addGroup hidden 3; "
                    "addGroup output 1 OUTPUT; connectGroups hidden output")
        interp.eval(how)
        interp.eval(f"loadExamples {xor()} -set xor; train 20")
        net = session(interp).net
        assert [p.mask is None for p in net.group("hidden").incoming] == [True, True]
        nets.append(net)
    np.testing.assert_array_equal(nets[0].gather_links(), nets[1].gather_links())
    assert nets[0].error == nets[1].error


# -- against Lens's block lists kept literally ---------------------------------------------------

class LensBlocks:
    """Lens's blocks as connect.c keeps them: per receiving unit a list of
    [group rank, first unit, count, link type], edited by its rules."""

    def __init__(self):
        self.units = {}

    def blocks(self, u):
        return self.units.setdefault(u, [])

    def connect_units(self, g, s, u, t):
        B = self.blocks(u)
        b, mode = 0, "new"
        while b < len(B):
            gb, first, count, tb = B[b]
            if tb != t:
                b += 1
                continue
            if gb == g and first <= s < first + count:
                raise NetworkError("already connected")
            if gb == g and s == first - 1:
                mode = "prepend"
                break
            if gb == g and s == first + count:
                joins = b + 1 < len(B) and B[b + 1][0] == g and B[b + 1][1] == s + 1
                mode = "join" if joins else "append"
                break
            if (g, s) > (gb, first):
                b += 1
                if b < len(B) and B[b][3] != t:
                    break
                continue
            break
        if mode == "new":
            B.insert(b, [g, s, 1, t])
        elif mode == "prepend":
            B[b][1] -= 1
            B[b][2] += 1
        elif mode == "append":
            B[b][2] += 1
        else:
            B[b][2] += B[b + 1][2] + 1
            del B[b + 1]

    def connect_group(self, g, size, u, t):
        B = self.blocks(u)
        if any(b[0] == g and b[3] == t for b in B):
            raise NetworkError("already connected")
        B.append([g, 0, size, t])

    def disconnect(self, g, s, u, t=None):
        B = self.blocks(u)
        b = 0
        while b < len(B):
            gb, first, count, tb = B[b]
            if (t is None or tb == t) and gb == g and first <= s < first + count:
                if count == 1:
                    del B[b]
                    continue
                if s == first:
                    B[b] = [gb, first + 1, count - 1, tb]
                elif s == first + count - 1:
                    B[b] = [gb, first, count - 1, tb]
                else:
                    B[b:b + 1] = [[gb, first, s - first, tb],
                                  [gb, s + 1, first + count - 1 - s, tb]]
                    b += 1
            b += 1

    def links(self, u):
        return [(g, s, t) for g, first, count, t in self.blocks(u)
                for s in range(first, first + count)]

    def runs(self, u):
        return [(g, first, count) for g, first, count, _ in self.blocks(u)]


@pytest.mark.parametrize("seed", range(12))
def test_random_edits_match_lens_blocks_kept_literally(seed):
    """Random connectUnits / connectGroupToUnit / disconnectUnits into one
    group: the same links, in the same order and the same blocks, as Lens's
    own lists, and the same refusals."""
    rng = np.random.default_rng(seed)
    net = Session(rng=LensRandom(1)).add_net("n")
    senders = [net.add_group("a", 7, ["INPUT"]), net.add_group("b", 4, ["INPUT"])]
    h = net.add_group("h", 3, ["-BIASED"])
    lens_blocks = LensBlocks()
    for _ in range(250):
        op = int(rng.integers(10))
        g = senders[int(rng.integers(2))]
        s, u = int(rng.integers(g.size)), int(rng.integers(3))
        t = ("a", "b", "x")[int(rng.integers(3))]
        rank = net.groups.index(g)
        if op < 7:
            refused = []
            for action in ((lambda: lens_blocks.connect_units(rank, s, u, t),
                            lambda: unitlinks.connect_units(net, g, s, h, u, t)) if op < 6 else
                           (lambda: lens_blocks.connect_group(rank, g.size, u, t),
                            lambda: unitlinks.connect_group_to_unit(net, g, h, u, t))):
                try:
                    action()
                    refused.append(False)
                except NetworkError:
                    refused.append(True)
            assert refused[0] == refused[1]
        else:
            t = None if op == 9 else t
            lens_blocks.disconnect(rank, s, u, t)
            unitlinks.disconnect_units(net, g, s, h, u, t)
        for v in range(3):
            assert [(net.groups.index(p.sender), s, p.link_type) for p, s in h.unit_links(v)] \
                == lens_blocks.links(v)
            assert [(net.groups.index(p.sender), first, count)
                    for p, first, count in net.blocks(h, v)] == lens_blocks.runs(v)
    assert len(h.incoming) < 40


# -- NumPy .npz weight files ------------------------------------------------------------------------

def test_npz_round_trip_with_two_projections_of_one_sender(lens, tmp_path):
    lens("seed 1; addNet n; addGroup a 4 INPUT; addGroup c 2 INPUT; addGroup h 2")
    lens("connectUnits a:3 h:0; connectGroups c h; connectUnits a:0 h:1")
    net = session(lens.interp).net
    assert [p.sender.name for p in net.group("h").incoming] == ["bias", "a", "c", "a"]
    saved = net.gather_links().copy()
    lens(f"saveWeights {tmp_path / 'w.npz'}; randWeights; loadWeights {tmp_path / 'w.npz'}")
    np.testing.assert_array_equal(net.gather_links(), saved)
