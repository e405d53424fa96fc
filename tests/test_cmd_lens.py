"""Lens's shell layer: repeat, alias, seed/rand/randInt, time, verbosity, help, …"""
import io
import re

import numpy as np
import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError


@pytest.fixture
def interp():
    out, err = io.StringIO(), io.StringIO()
    it = make_interp(stdout=out, stderr=err)
    it.out = out
    return it


# -- independent oracles for Lens's two random streams ---------

def drand48_values(seed, n):
    x = ((seed << 16) | 0x330E) % 2**48
    vals = []
    for _ in range(n):
        x = (0x5DEECE66D * x + 0xB) % 2**48
        vals.append(x / 2**48)
    return vals


def glibc_random_values(seed, n):
    r = [seed or 1]
    for i in range(1, 31):
        r.append((16807 * r[i - 1]) % 2147483647)
    for i in range(31, 34):
        r.append(r[i - 31])
    k = 34
    while len(r) < 344 + n:
        r.append((r[k - 31] + r[k - 3]) % 2**32)
        k += 1
    return [v >> 1 for v in r[344:344 + n]]


# -- repeat -----------------------------------------------------------------

@pytest.mark.parametrize("script, expected", [
    ("set s {}; repeat 3 {append s x}; set s", "xxx"),
    ("set s {}; repeat i 4 {lappend s $i}; set s", "0 1 2 3"),
    ('set s {}; repeat i "2 5" {lappend s $i}; set s', "2 3 4 5"),
    ('set s {}; repeat i {5 2} {lappend s $i}; set s', "5 4 3 2"),
    ('set s {}; repeat i {3 3} {lappend s $i}; set s', "3"),
    ("set s {}; repeat i 0 {lappend s $i}; set s", ""),
    ("set s {}; repeat i 10 {if {$i == 3} break; lappend s $i}; set s", "0 1 2"),
    ("set s {}; repeat i 5 {if {$i % 2} continue; lappend s $i}; set s", "0 2 4"),
])
def test_repeat(interp, script, expected):
    assert interp.eval(script) == expected


def test_repeat_bad_count(interp):
    with pytest.raises(TclError, match="expected integer"):
        interp.eval("repeat i abc {}")


# -- alias ------------------------------------------------------------------

def test_predefined_aliases(interp):
    assert interp.eval("alias mo") == "more"
    assert interp.eval("alias ex") == "exec"
    listing = interp.eval("alias")
    assert "mo\tmore" in listing and "ex\texec" in listing


def test_alias_resolution_and_unalias(interp):
    interp.eval("alias twice {expr 2 *}")
    assert interp.eval("alias twice") == "expr 2 *"
    assert interp.eval("twice 21") == "42"
    interp.eval("unalias twice")
    assert interp.eval("alias twice") == ""
    with pytest.raises(TclError, match='invalid command name "twice"'):
        interp.eval("twice 21")


# -- random numbers -----------------------------------------------------------

def test_seed_returns_seed_and_getseed(interp):
    assert interp.eval("seed 1") == "1"
    assert interp.eval("getSeed") == "1"
    assert interp.eval("seed -1") == "4294967295"   # %u
    assert interp.eval("getSeed") == "4294967295"
    auto = interp.eval("seed")
    assert auto.isdigit() and interp.eval("getSeed") == auto


def _lens_rand(d, lo, hi):
    """Lens's rand: randReal((min+max)/2, (max-min)/2) in float32, C's %g."""
    f = np.float32
    lo, hi = sorted((f(lo), f(hi)))
    mean, half = (lo + hi) / f(2), (hi - lo) / f(2)
    return "%g" % float(f(f(2 * d - 1) * half) + mean)


def test_rand_matches_drand48_in_lens_real_type(interp):
    expected = drand48_values(1, 5)
    assert expected[0] == 0.041630344771878214
    interp.eval("seed 1")
    assert interp.eval("rand") == _lens_rand(expected[0], 0, 1) == "0.0416304"   # as Lens
    assert interp.eval("rand 2 4") == _lens_rand(expected[1], 2, 4) == "2.90898"
    # a minimum above the maximum is swapped, as Lens does
    assert interp.eval("rand 4 2") == _lens_rand(expected[2], 2, 4) == "3.66963"
    assert interp.eval("rand 5") == _lens_rand(expected[3], 0, 5) == "1.67993"
    assert interp.eval("rand -3 1e-3") == _lens_rand(expected[4], -3, 1e-3) == "-1.30297"


def test_randint_matches_glibc_random(interp):
    expected = glibc_random_values(1, 4)
    assert expected[0] == 1804289383
    interp.eval("seed 1")
    assert interp.eval("randInt 100") == str(expected[0] % 100) == "83"
    assert interp.eval("randInt") == str(expected[1] % 2)
    assert interp.eval("randInt 10 20") == str(10 + expected[2] % 10)
    assert interp.eval("randInt -5 5") == str(-5 + expected[3] % 10)


def test_randint_swaps_a_minimum_above_the_maximum_as_lens(interp):
    expected = glibc_random_values(1, 1)
    interp.eval("seed 1")
    assert interp.eval("randInt 7 3") == str(3 + expected[0] % 4) == "6"    # Lens prints 6
    with pytest.raises(TclError, match="usage: randInt"):
        interp.eval("randInt 3 3")          # Lens divides by zero


def test_streams_are_independent(interp):
    interp.eval("seed 7")
    interp.eval("randInt 100")
    assert interp.eval("rand") == _lens_rand(drand48_values(7, 1)[0], 0, 1)


# -- min, max, version, verbosity ------------------------------------------

@pytest.mark.parametrize("script, expected", [
    ("min 3 2.5", "2.5"), ("max 3 2.5", "3"), ("min 2.50 3", "2.5"),
    ("max 0x10 3", "16"), ("min -1 -2", "-2"), ("max 1e3 2000", "2000"),
])
def test_min_max(interp, script, expected):
    assert interp.eval(script) == expected


def test_min_rejects_non_numbers(interp):
    with pytest.raises(TclError, match='expected number but got "abc"'):
        interp.eval("min abc 1")


def test_version(interp):
    v = interp.eval("version")
    assert v.startswith("lens_py ") and "2.63" in v


def test_verbosity(interp):
    assert interp.eval("verbosity") == "1"
    assert interp.eval("verbosity 3") == "3"
    assert interp.verbosity == 3
    assert interp.eval("verbosity") == "3"


# -- time -------------------------------------------------------------------

TIME_RE = re.compile(r"^(\d+\.\d{3}) active  (\d+\.\d{3}) user  (\d+\.\d{3}) system  "
                     r"(\d+\.\d{3}) real$")


def test_time_format_and_iterations(interp):
    interp.eval("set n 0")
    result = interp.eval("time {incr n} -iterations 5")
    m = TIME_RE.match(result)
    assert m, result
    active, user, system, _ = map(float, m.groups())
    assert active == pytest.approx(user + system, abs=0.0015)
    assert interp.eval("set n") == "5"
    interp.eval("time {incr n}")
    assert interp.eval("set n") == "6"
    assert interp.eval("time {incr n} -i 2").count("active") == 1
    assert interp.eval("set n") == "8"


def test_time_prints_the_commands_result_first_as_lens_does(interp):
    interp.eval("time {set x 41; incr x} -iterations 2")
    assert interp.out.getvalue() == "42\n"
    interp.eval("verbosity 0; time {set x quiet}")
    assert interp.out.getvalue() == "42\n"


def test_time_measures_total(interp):
    result = interp.eval("time {after 30} -iterations 3")
    real = float(TIME_RE.match(result).group(4))
    assert real >= 0.09
    assert float(interp.eval("lindex [time {after 1}] 0")) >= 0.0


# -- history, GUI ------------------------------------------

def test_history_command(interp):
    interp.ext["history"] = ["set a 1", "puts hi", "seed 3"]
    assert interp.eval("history 2") == "    2  puts hi\n    3  seed 3"
    assert interp.eval("history").count("\n") == 2


@pytest.mark.parametrize("name", ["view", "autoPlot", "drawUnits"])   # viewUnits: test_views
def test_gui_commands_are_not_errors(interp, name):
    assert interp.eval(f"{name} -x 1") == f"{name} is not available in batch mode"


# -- unknown names: unique-prefix completion --------------------------

def test_unique_prefix_runs_the_command(interp):
    interp.eval("proc computeTotal {a b} {expr {$a + $b}}")
    assert interp.eval("computeTot 2 3") == "5"
    assert interp.eval("getSe") == interp.eval("getSeed")
    # setObj is setObject (its own usage message shows it ran).
    with pytest.raises(TclError, match=r"^usage: setObject"):
        interp.eval("setObj")


def test_ambiguous_prefix_lists_candidates(interp):
    interp.eval("proc zzOne {} {}; proc zzTwo {} {}")
    with pytest.raises(TclError) as e:
        interp.eval("zz")
    assert e.value.message == 'ambiguous command name "zz": zzOne zzTwo'
    with pytest.raises(TclError) as e:
        interp.eval("noSuchCommandAtAll 1")
    assert e.value.message == 'invalid command name "noSuchCommandAtAll"'
    assert e.value.error_code == "TCL LOOKUP COMMAND noSuchCommandAtAll"


def test_alias_comes_before_prefix(interp):
    interp.eval("proc computeTotal {} {return proc}")
    interp.eval("alias computeT {list alias}")
    assert interp.eval("computeT") == "alias"
