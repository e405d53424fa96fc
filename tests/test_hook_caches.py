"""What makes a per-example Tcl hook cheap keeps every answer it would give
without: examples run compiled one at a time read the groups' parameters
again after each edit a hook makes (exampleloop.run_one), abbreviated
command names follow procs, commands and aliases that come and go in the
middle of a train, a command run inside another keeps Lens's C arithmetic
even after Python code changed NumPy's error state, and the quicker
roundings and printings give the bits of the long ways."""
import math
import random
import struct

import numpy as np
import pytest

from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine import cfloats
from lens_py.engine.compiled import example as fastexample
from lens_py.engine.compiled import exampleloop
from lens_py.shell import numbers
from path_runs import same_numbers, trained_numbers
from tests.test_path_choice_kept import example_file as _examples

UPDATES = 10


def _train(tmp_path, setting, hook, spy=None):
    """An Elman net trained with a postExampleProc: weights, errors, the
    interpreter."""
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = _examples(tmp_path / "h.ex")
    it.eval(f"seed 4; addNet h -i 3 -t 2 4 5 ELMAN 3; loadExamples {ex} -s set; "
            f"setObj batchSize 3; resetNet; setObj executionPath {setting}; set ::n 0; "
            f"set ::log {{}}\nsetObj postExampleProc {{{hook}}}")
    net = session_of(it).net
    real = exampleloop.run_one
    if spy is not None:
        exampleloop.run_one = lambda *a, **k: spy(real(*a, **k))
    try:
        it.eval(f"train {UPDATES} -report 5")
    finally:
        exampleloop.run_one = real
    return trained_numbers(net) + (it,)


def _same(a, b):
    same_numbers(a, b)
    assert a[2].eval("set ::log") == b[2].eval("set ::log")


@pytest.fixture(scope="module", autouse=True)
def kernel():
    if not fastexample.wait_ready():
        pytest.skip("numba is not available")


def test_one_by_one_reads_the_parameters_a_hook_sets(tmp_path):
    # the hidden group's reset value (the context's first copy) is read once
    # and kept between examples while hooks only read; each setObj is seen
    # by the next example
    reading = "incr ::n; lappend ::log [getObj error] [getObj output:0.output]"
    hook = reading + "; if {$::n % 4 == 0} {setObj hidden.initOutput [expr {0.1 * ($::n % 7)}]}"
    ran = []
    ref = _train(tmp_path, "python", hook)
    got = _train(tmp_path, "auto", hook, spy=lambda r: ran.append(r is not None) or r)
    _same(ref, got)
    assert ran and all(ran) and len(ran) == UPDATES * 3
    assert _train(tmp_path, "python", reading)[1] != ref[1]     # (the edits matter)


def test_a_hook_that_only_reads_runs_compiled_with_the_same_numbers(tmp_path):
    hook = "incr ::n; lappend ::log [getObj error] [getObj hidden:1.output]"
    ref = _train(tmp_path, "python", hook)
    got = _train(tmp_path, "auto", hook)
    _same(ref, got)


def _hook_log(tmp_path, hook, before=""):
    it = make_interp()
    session_of(it).write = lambda text: None
    ex = _examples(tmp_path / "a.ex")
    it.eval(f"addNet a -i 3 -t 2 4 4 3; loadExamples {ex} -s set; set ::n 0; "
            f"set ::log {{}}\n{before}\nsetObj postExampleProc {{{hook}}}")
    it.eval("train 4")
    return it.eval("set ::log")


def test_an_abbreviation_that_becomes_ambiguous_mid_train_fails(tmp_path):
    hook = ("incr ::n; if {$::n == 5} {proc getObjectFoo {} {}}; "
            "lappend ::log [catch {getObj totalUpdates} msg] $msg")
    log = _hook_log(tmp_path, hook)
    it = make_interp()
    it.eval("proc getObjectFoo {} {}")
    ambiguous = it.eval("catch {getObj totalUpdates} m; set m")
    assert ambiguous.startswith('ambiguous command name "getObj"')
    words = make_interp().eval(f"lrange {{{log}}} 0 end")
    assert "{" + ambiguous + "}" in log or ambiguous in words
    assert log.startswith("0 0 0 0 0 0 0 0 1 ")       # four answers, then the error


def test_a_renamed_and_redefined_proc_is_the_one_run(tmp_path):
    before = "proc logIt {} {lappend ::log old}"
    hook = ("incr ::n; logI; if {$::n == 3} {rename logIt logOld; "
            "proc logIt {} {lappend ::log new}}")
    log = _hook_log(tmp_path, hook, before)
    assert log.split()[:5] == ["old", "old", "old", "new", "new"]


def test_a_command_or_alias_made_mid_train_wins_over_the_abbreviation(tmp_path):
    # `getObj` is getObject until a proc of that very name exists, then an
    # alias (looked up before any abbreviation) once there is one
    hook = ("incr ::n; if {$::n == 3} {proc getObj {args} {return mine}}; "
            "if {$::n == 5} {rename getObj {}; alias getObj concat aliased}; "
            "lappend ::log [getObj totalUpdates]")
    log = _hook_log(tmp_path, hook).split()
    assert log[:2] == ["0", "0"] and log[2:4] == ["mine", "mine"]
    assert log[4:8] == ["{aliased", "totalUpdates}", "{aliased", "totalUpdates}"]


def test_a_field_set_by_a_hook_is_what_the_next_get_reads(tmp_path):
    hook = ("incr ::n; setObj learningRate [expr {0.01 * $::n}]; "
            "lappend ::log [getObj learningRate] [getObj output.learningRate]; "
            "setObj output.learningRate 0.25")
    log = _hook_log(tmp_path, hook).split()
    assert log[:6] == ["0.01", "-", "0.02", "0.25", "0.03", "0.25"]


def test_a_command_inside_another_keeps_c_arithmetic_after_seterr():
    with cfloats.as_in_c():
        assert set(np.geterr().values()) == {"ignore"}
        with cfloats.as_in_c():     # nested: nothing new entered
            assert np.float32(3e38) * np.float32(10) == np.inf
        old = np.seterr(all="raise")
        try:
            with cfloats.as_in_c():     # the state changed: entered again
                assert set(np.geterr().values()) == {"ignore"}
                assert np.float32(3e38) * np.float32(10) == np.inf
            assert np.geterr()["over"] == "raise"
        finally:
            np.seterr(**old)


def test_the_quick_float32_rounding_gives_numpys_bits():
    r = random.Random(7)
    values = [0.0, -0.0, math.inf, -math.inf, 2.0 ** -149, 2.0 ** -150, 3.4028235e38,
              3.4028235677973366e38, 3.4028236e38, 1e300, -1e300, 1e-320, 0.1, 1 / 3]
    values += [struct.unpack("d", struct.pack("Q", r.getrandbits(64)))[0] for _ in range(20000)]
    values += [r.uniform(-2.0, 2.0) for _ in range(20000)]
    with np.errstate(all="ignore"):
        for v in values:
            want = float(np.float32(v))
            got = cfloats.rounded(np.float32, v)
            assert struct.pack("d", got) == struct.pack("d", want) or (got != got and want != want)
    assert math.isnan(cfloats.rounded(np.float32, math.nan))
    assert cfloats.rounded(np.float32, "0.1") == float(np.float32(0.1))
    assert cfloats.rounded(np.float64, 0.1) == 0.1


def test_the_quick_double_printing_is_tcls():
    r = random.Random(3)
    values = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e16, 1e17, 1e-4, 1e-5, 99999999.5,
              1e7, 1e8, 5e-324, 1.7976931348623157e308, 0.5, 3.0, -3.0, 123456789.0]
    values += [struct.unpack("d", struct.pack("Q", r.getrandbits(64)))[0] for _ in range(5000)]
    values += [r.uniform(-1e9, 1e9) for _ in range(5000)]
    values += [10.0 ** r.randint(-20, 20) * r.choice((1, 9.99999999, 0.999999999))
               for _ in range(5000)]
    for v in values:
        for p in (0, 1, 8, 12, 17):
            assert numbers.format_double(v, p) == numbers._format_double(v, p), (v, p)


def test_incr_and_global_shortcuts_keep_tcls_errors():
    it = make_interp()
    it.eval("set a(1) 2; set s x; set f 1.5; set big 99999999999999999999")
    catch = lambda script: it.eval(f"list [catch {{{script}}} m] $m")
    assert catch("incr a") == '1 {can\'t set "a": variable is array}'
    assert catch("incr s") == '1 {expected integer but got "x"}'
    assert catch("incr f") == '1 {expected integer but got "1.5"}'
    assert it.eval("incr big") == "100000000000000000000"
    assert it.eval("incr fresh") == "1"
    assert it.eval("proc p {} {upvar #0 a(1) e; incr e}; p") == "3"
    assert it.eval("proc q {} {set g 1; global g}; list [catch q m] $m") == \
        '1 {variable "g" already exists}'
    assert it.eval("proc r {} {global newone; set newone 7}; r; set newone") == "7"
    assert it.eval("proc t {} {global a; set a(2) 5}; t; set a(2)") == "5"
