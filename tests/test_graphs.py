"""Lens's graphs and traces (engine/graphs.py, commands/graph_cmds.py):
exportGraph files and graph fields against the original Lens, plus checks of
the rules that need no oracle."""
from __future__ import annotations

import io
import shutil

import pytest

from lens_py.engine import graphs as G
from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError
from tests import lens_oracle
from tests import lens_examples
from tests.lens_examples import xor

XOR_NET = "seed 1\naddNet xor 2 2 1\nloadExamples xor.ex\n"


def ours(script: str, folder, monkeypatch):
    """Run a script in lens_py as a batch file in `folder`: (stdout, stderr)."""
    monkeypatch.chdir(folder)
    out, err = io.StringIO(), io.StringIO()
    interp = make_interp(stdout=out, stderr=err)
    (folder / "script.in").write_text(script)
    interp.eval("source script.in")
    return out.getvalue(), err.getvalue()


def both(script: str, tmp_path, monkeypatch, files=None):
    """The script through the original Lens and through lens_py, each in its
    own folder holding xor.ex (or `files`: {name: path}): (lens folder, our
    folder, lens out, our out)."""
    lens_oracle.require()
    files = files or {"xor.ex": xor()}
    result = []
    for who in ("lens", "ours"):
        d = tmp_path / who
        d.mkdir()
        for name, source in files.items():
            shutil.copy(source, d / name)
        result.append(d)
    lens_out = lens_oracle.run(script, result[0])
    our_out = ours(script, result[1], monkeypatch)
    return result[0], result[1], lens_out, our_out


def same_files(a, b, names):
    for n in names:
        assert (b / n).read_text() == (a / n).read_text(), n


def _error_lines(text):
    return [line for line in text.splitlines() if line.startswith("Error: ")]


# -- against the original Lens --------------------------------------------------------------

def test_issue_script_exports_the_same_curve(tmp_path, monkeypatch):
    script = XOR_NET + ("set g [graph create]\ntrace create $g {getObj error}\n"
                        "train 50 -report 10\nexportGraph $g g.txt -labels\n"
                        "exportGraph $g plain.txt\nexportGraph $g gp.txt -gnuplot\n"
                        "exportGraph $g gpl.txt -labels -gnuplot\n")
    lens, us, (lout, _), (oout, _) = both(script, tmp_path, monkeypatch)
    same_files(lens, us, ["g.txt", "plain.txt", "gp.txt", "gpl.txt"])
    assert (us / "g.txt").read_text().splitlines()[1] == "0\t2.90196"
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)


FIELDS = ("x maxX numTraces updateOn updateEvery storeOnReset clearOnReset hidden cols "
          "min max minVal maxVal fixMin fixMax").split()
TRACE_FIELDS = "num label object numVals maxVals color active transient visible".split()


def _dump_fields(graph="$g", traces=8):
    lines = [f'puts "{f}=[getObj graph({graph}).{f}]"' for f in FIELDS]
    lines.append(f"foreach t [trace list {graph}] {{")
    lines += [f'  puts "$t.{f}=[getObj graph({graph}).trace($t).{f}]"' for f in TRACE_FIELDS]
    lines.append("}")
    return "\n".join(lines) + "\n"


def test_traces_stores_and_resets_match_lens(tmp_path, monkeypatch):
    """Several traces (paths, commands, a failing one), updateEvery, labels,
    resetNet storing the curves, a trace added later (its `-` cells)."""
    script = XOR_NET + """set g [graph create]
trace create $g error
trace create $g {getObj error}
trace create $g totalUpdates
trace create $g {expr [getObj totalUpdates] * 2}
trace create $g {hidden.output}
trace create $g {group(2).unit(0).incoming(0).weight}
setObj graph($g).trace(0).label Err
setObj graph($g).trace(4).label {hidden zero}
setObj graph($g).updateEvery 2
train 30 -report 5
exportGraph $g a1.txt -labels
resetNet
puts [trace list $g]
train 10 -report 5
exportGraph $g a2.txt -labels
exportGraph $g a3.txt -labels -g
trace create $g {getObj totalUpdates}
train 10 -report 5
exportGraph $g a4.txt -labels
""" + _dump_fields()
    lens, us, (lout, lerr), (oout, oerr) = both(script, tmp_path, monkeypatch)
    same_files(lens, us, ["a1.txt", "a2.txt", "a3.txt", "a4.txt"])
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)
    assert _error_lines(oerr) == _error_lines(lerr) == \
        ['Error: invalid command name "totalUpdates"']


def test_clear_store_delete_and_visibility_match_lens(tmp_path, monkeypatch):
    script = XOR_NET + """set g [graph create]
set h [graph create]
trace create $g error
trace create $g {getObj weightCost}
trace create $h {getObj gradientLinearity}
setObj graph($h).clearOnReset 1
train 20 -report 2
graph store $g
train 6 -report 2
trace store $g 1
exportGraph $g s1.txt -l
trace clear $g 0
setObj graph($g).trace(2).visible 0
train 4 -report 2
exportGraph $g s2.txt -l
exportGraph $g s2g.txt -l -g
resetNet
train 4 -report 2
exportGraph $h h1.txt -l
graph clear $g
train 4 -report 2
exportGraph $g s3.txt -l
catch {trace delete $g {0 9}}
puts "after delete: [trace list $g]"
catch {graph delete {1 7}}
puts "graphs: [graph list] [getObj numGraphs]"
puts [graph create]
""" + _dump_fields()
    lens, us, (lout, lerr), (oout, oerr) = both(script, tmp_path, monkeypatch)
    same_files(lens, us, ["s1.txt", "s2.txt", "s2g.txt", "h1.txt", "s3.txt"])
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)


def test_many_points_and_colours_match_lens(tmp_path, monkeypatch):
    """maxVals doubles past 100 points; trace colours run through Lens's sequence."""
    script = XOR_NET + """set g [graph create]
trace create $g error
for {set i 0} {$i < 19} {incr i} {trace create $g}
for {set i 1} {$i < 20} {incr i} {setObj graph($g).trace($i).active 0}
setObj reportInterval 1
train 130
exportGraph $g many.txt
puts [getObj graph($g).trace(0).maxVals]
""" + _dump_fields()
    lens, us, (lout, _), (oout, _) = both(script, tmp_path, monkeypatch)
    same_files(lens, us, ["many.txt"])
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)


def test_graph_object_and_weight_update_signals_match_lens(tmp_path, monkeypatch):
    script = XOR_NET + """setObj postUpdateProc {set ::seen 1}
set g [graphObject {error weightCost {expr 1.0/3}} -u WEIGHT]
set r [graphObject]
set n [graph create]
setObj graph($n).updateOn 0
trace create $n error
train 7 -report 3
graph update "$g $n"
exportGraph $g u.txt -l
exportGraph $r r.txt -l
exportGraph $n n.txt
verbosity 0
train 4 -report 1
verbosity 1
puts "r.x=[getObj graph($r).x] g.x=[getObj graph($g).x] n.x=[getObj graph($n).x]"
puts [getObj graph($g).updateOn]
"""
    lens, us, (lout, lerr), (oout, oerr) = both(script, tmp_path, monkeypatch)
    same_files(lens, us, ["u.txt", "r.txt", "n.txt"])
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)


SIGNALS_SCRIPT = """seed 1
addNet xor -i 2 -t 2 {type} 2 2 1
loadExamples xor.ex
set e [graphObject {{error {{getObj currentTick}}}} -u EXAMPLES]
set t [graphObject {{error {{getObj currentTick}} hidden:0.output}} -u TICKS]
set v [graphObject {{error {{getObj currentTick}}}} -u EVENTS]
set r [graphObject {{error}} -u TRAINING]
train 3 -report 1
test
doExample
doExample 2
exportGraph $e e.txt -l
exportGraph $t t.txt -l
exportGraph $v v.txt -l
exportGraph $r r.txt -l
puts "[getObj graph($e).x] [getObj graph($t).x] [getObj graph($v).x] [getObj graph($r).x]"
"""


@pytest.mark.parametrize("net_type", ["", "CONTINUOUS"])
def test_tick_event_example_and_run_signals_match_lens(tmp_path, monkeypatch, net_type):
    """The training loop sends every display signal where Lens does: each tick
    (and a CONTINUOUS net's reset tick), event and example (twice in batches
    and doExample, the first before the example's backward pass), and at the
    end of train and test -- whatever path would otherwise run compiled."""
    lens, us, (lout, _), (oout, _) = both(SIGNALS_SCRIPT.format(type=net_type), tmp_path,
                                          monkeypatch)
    same_files(lens, us, ["e.txt", "t.txt", "v.txt", "r.txt"])
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)


BOLTZMANN_SCRIPT = """seed 11
addNet pc -i 3 -t 3 BOLTZMANN {type}
addGroup pattern 20 INPUT OUTPUT
addGroup hidden 4
connectGroups pattern pattern
connectGroups pattern hidden -bi
loadExamples boltz.ex -set boltz
setObj boltz.maxTime 3
setObj boltz.graceTime 1
setObj initGain 0.2
setObj finalGain 1.0
setObj learningRate 0.2
setObj batchSize 3
set e [graphObject {{error {{getObj currentTick}} {{getObj gain}}}} -u EXAMPLES]
set t [graphObject {{error {{getObj currentTick}} hidden:0.output {{getObj gain}}}} -u TICKS]
set v [graphObject {{error {{getObj currentTick}}}} -u EVENTS]
set u [graphObject {{error {{getObj totalUpdates}}}} -u WEIGHT]
set r [graphObject {{error}} -u TRAINING]
set p [graphObject {{error}}]
setObj preExampleBackProc {{puts "back [getObj graph($e).x] [getObj graph($t).x]"}}
setObj postExampleProc {{puts "post [getObj graph($e).x] [getObj graph($t).x]"}}
train 3 -report 1
test 4
doExample
doExample 2
doExample -test
exportGraph $e e.txt -l
exportGraph $t t.txt -l
exportGraph $t tg.txt -l -g
exportGraph $v v.txt -l
exportGraph $u u.txt -l
exportGraph $r r.txt -l
exportGraph $p p.txt -l
puts "[getObj graph($e).x] [getObj graph($t).x] [getObj graph($v).x] [getObj graph($r).x]"
"""


@pytest.mark.parametrize("net_type", ["", "CONTINUOUS"])
def test_boltzmann_signals_match_lens(tmp_path, monkeypatch, net_type):
    """A BOLTZMANN net's loops send TICKS after each tick and for the tick a
    phase change (training) or an event's clamped start (testing) uses up,
    no EVENTS, EXAMPLES at the end of each example (before a CONTINUOUS
    net's backward pass) -- in train, test and doExample both ways."""
    ex = lens_examples.require("boltz.ex")
    lens, us, (lout, _), (oout, _) = both(BOLTZMANN_SCRIPT.format(type=net_type), tmp_path,
                                          monkeypatch, {"boltz.ex": ex})
    names = ["e.txt", "t.txt", "tg.txt", "v.txt", "u.txt", "r.txt", "p.txt"]
    same_files(lens, us, names)
    assert lens_oracle.without_times(oout) == lens_oracle.without_times(lout)
    # not vacuous: the tick graph has a row per tick of every example run
    rows = (lens / "t.txt").read_text().splitlines()
    assert len(rows) > 100 and rows[0].startswith("#")
    assert (lens / "v.txt").read_text().count("\n") == 1     # labels only: no EVENTS


def test_boltzmann_tick_recording_equals_lens_tick_graph(tmp_path, monkeypatch):
    """A Python recording every tick of a BOLTZMANN net's training and
    testing gets the rows Lens's TICKS graph gets (same values, same ticks)."""
    from lens_py import Lens
    ex = lens_examples.require("boltz.ex")
    script = BOLTZMANN_SCRIPT.format(type="").split("set e ")[0]
    lens_oracle.require()
    folder = tmp_path / "lens"
    folder.mkdir()
    shutil.copy(ex, folder / "boltz.ex")
    sources = ["{getObj currentTick}", "hidden:0.output", "{getObj gain}"]
    lens_oracle.run(script + f"set t [graphObject {{{' '.join(sources)}}} -u TICKS]\n"
                    "train 2\ntest 3\nexportGraph $t t.txt\n", folder)
    rows = [line.split("\t") for line in (folder / "t.txt").read_text().splitlines()]
    monkeypatch.chdir(folder)
    lens = Lens(stdout=io.StringIO())
    lens(script)
    rec = lens.record("getObj currentTick", "hidden:0.output", "getObj gain", every="tick")
    lens.train(2)
    lens.test(3)
    assert len(rows) > 50 and [int(r[0]) for r in rows] == list(range(len(rows)))
    # Lens's file has the values to %g's six digits
    assert [["%g" % v for v in row] for row in rec.values] == [r[1:] for r in rows]
    assert list(rec.ticks) == [int(r[1]) for r in rows]


def test_command_errors_match_lens_messages(tmp_path, monkeypatch):
    """The messages of Lens's errors, where Lens prints them whole (for a
    missing graph's number `trace` and `exportGraph` print a stray byte of
    their Tcl object; see test_missing_graph_messages_name_the_number)."""
    script = """set g [graph create]
trace create $g
foreach c {
    {graph} {graph create 1} {graph delete 3} {graph zzz 0} {graph d} {trace}
    {trace foo 0} {trace list 0 1} {trace delete 0 3} {exportGraph} {exportGraph 0}
    {exportGraph 0 x -q} {exportGraph 0 x y} {exportGraph 0 /nonexistent/x}
    {graphObject error -u FOO} {graphObject error -x} {graph delete {0 3}} {graph zzz 0}
} {
    catch $c m
    puts "[regsub -all {\\n\\s*} $m { }]"
}
"""
    lens, us, (lout, _), (oout, _) = both(script, tmp_path, monkeypatch)

    def normal(text):
        # Lens's messages start "Error: <cmd>: usage" where ours say "usage: ...",
        # and two end in a newline; ours add the OS's reason to a failed write
        out = []
        for line in text.rstrip("\n").split("\n"):
            line = line.replace("Error: ", "").rstrip()
            if line.startswith("Couldn't write file ") and '": ' in line:
                line = line.rsplit(": ", 1)[0]
            if ": usage " in line:
                line = "usage: " + line.split(": usage ", 1)[1]
            out.append(line)
        return out
    assert normal(oout) == normal(lout)


def test_missing_graph_messages_name_the_number(lens):
    for command, message in [("trace create 4", 'trace: graph "4" doesn\'t exist'),
                             ("trace create", 'trace: graph "" doesn\'t exist'),
                             ("trace list x", 'trace: graph "x" doesn\'t exist'),
                             ("exportGraph 4 f", "Graph 4 doesn't exist")]:
        with pytest.raises(TclError) as e:
            lens(command)
        assert e.value.message == message


# -- rules checked without the oracle -------------------------------------------------------

@pytest.fixture
def shell(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    interp = make_interp(stdout=out, stderr=err)
    interp.eval(f"seed 1; addNet xor 2 2 1; loadExamples {{{xor()}}}")
    interp.out, interp.err = out, err
    return interp


def test_export_aligns_columns_by_x():
    gs = G.Graphs()
    g = gs.create()
    a, b = g.create_trace("a"), g.create_trace("b")
    a.label, b.label = "A", None
    for x, y in [(0, 1.0), (1, 2.5), (3, 0.1)]:
        a.add_point(x, y)
    for x, y in [(1, -1.0), (2, float("nan"))]:
        b.add_point(x, y)
    assert g.export_text(labels=True) == \
        "#\tA\t\n0\t1\t-\n1\t2.5\t-1\n2\t-\tnan\n3\t0.1\t-\n"
    assert g.export_text(gnuplot=True) == \
        "0\t1.000000\n1\t2.500000\n3\t0.100000\n\n\n1\t-1.000000\n2\tnan\n"


def test_a_point_replaces_those_at_or_after_its_x():
    g = G.Graphs().create()
    t = g.create_trace("v")
    for x in range(5):
        t.add_point(x, x)
    t.add_point(2, 9.0)
    assert t.xs == [0, 1, 2] and [float(y) for y in t.ys] == [0, 1, 9]


def test_update_every_reads_every_nth_update_but_always_advances_x():
    gs = G.Graphs()
    values = iter(range(100))
    g = gs.create()
    g.create_trace(lambda: next(values))
    g.update_every = 3
    for _ in range(7):
        g.update(None)
    t = g.trace(0)
    assert g.x == 7 and t.xs == [0, 3, 6] and [float(y) for y in t.ys] == [0, 1, 2]


def test_update_every_zero_reads_nothing_where_lens_would_crash():
    g = G.Graphs().create()
    g.create_trace(lambda: 1.0)
    g.update_every = 0
    g.update(None)
    assert g.x == 1 and g.trace(0).xs == []


def test_colour_sequence_is_lens_hsv():
    gs = G.Graphs()
    # Lens: hue k/16 for k = 0, 3, 6, ... (mod 16), saturation 1, value 0.75
    first = [gs.next_color() for _ in range(17)]
    assert first[0] == "#bf0000" and first[16] == first[0]
    assert first[1] == "#a7bf00"     # hue 3/16 -> 0.1875*6 = 1.125: (q, v, p)
    assert len(set(first[:16])) == 16


def test_a_failing_callable_deactivates_its_trace_and_reports(shell):
    gs = G.graphs_of(shell.ext["lens"])
    g = gs.create()
    t = g.create_trace(lambda: 1 / 0)
    g.update(shell.ext["lens"])
    assert not t.active and "ZeroDivisionError" in shell.err.getvalue()


def test_trace_fields_round_trip_through_set_object(shell):
    shell.eval("set g [graph create]; trace create $g error; train 4 -report 2")
    assert shell.eval("getObj graph(0).trace(0).val(1).x") == "1"
    shell.eval("setObj graph(0).trace(0).val(1).y 0.25")
    assert shell.eval("getObj graph(0).trace(0).val(1).y") == "0.25"
    assert shell.eval("getObj graph(0).trace(0).value") == shell.eval("getObj error")
    with pytest.raises(TclError, match="write-protected"):
        shell.eval("setObj graph(0).x 3")


def test_export_to_a_compressed_file_and_a_pipe(shell, tmp_path):
    import gzip
    shell.eval("set g [graph create]; trace create $g error; train 4 -report 2")
    shell.eval("exportGraph $g curve.txt.gz")
    assert gzip.open(tmp_path / "curve.txt.gz", "rt").read() == \
        shell.eval("exportGraph $g plain.txt; read [open plain.txt]")
    shell.eval("exportGraph $g {|cat > piped.txt}")
    assert (tmp_path / "piped.txt").read_text() == (tmp_path / "plain.txt").read_text()


def test_update_graphs_updates_user_signal_graphs_or_the_named_ones(shell):
    shell.eval("set a [graph create]; set b [graph create]; trace create $a error; "
               "trace create $b error; setObj graph($a).updateOn 64")
    shell.eval("updateGraphs")
    assert shell.eval("list [getObj graph($a).x] [getObj graph($b).x]") == "1 0"
    shell.eval("updateGraphs $b; updateGraphs $b")
    assert shell.eval("list [getObj graph($a).x] [getObj graph($b).x]") == "1 2"
    with pytest.raises(TclError, match='graph "7" doesn\'t exist'):
        shell.eval("updateGraphs 7")
