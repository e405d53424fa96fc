"""What a word that names no command runs (Lens's `unknown`: alias, program on
PATH, unique prefix), and that the cached answer follows every change of
commands, procs, aliases and PATH.  Each test first makes the interpreter
resolve (and cache) a name, then changes something and checks the behaviour."""
import io
import os
import shutil
import stat

import pytest

from lens_py.assemble import make_interp
from lens_py.shell import make_shell
from lens_py.shell.errors import TclError


@pytest.fixture
def interp():
    out = io.StringIO()
    it = make_shell(stdout=out, stderr=io.StringIO())
    it.out = out
    return it


def error_of(interp, script):
    with pytest.raises(TclError) as e:
        interp.eval(script)
    return e.value.message


def test_a_proc_defined_after_a_prefix_was_cached_makes_it_ambiguous(interp):
    interp.eval("proc zqAlpha {} {return alpha}")
    assert interp.eval("zqA") == "alpha"
    interp.eval("proc zqAbove {} {return above}")
    assert error_of(interp, "zqA") == 'ambiguous command name "zqA": zqAbove zqAlpha'
    assert interp.eval("zqAl") == "alpha"


def test_a_proc_with_the_cached_prefix_itself_wins(interp):
    interp.eval("proc zqAlpha {} {return alpha}")
    assert interp.eval("zqA") == "alpha"
    interp.eval("proc zqA {} {return exact}")
    assert interp.eval("zqA") == "exact"


def test_rename_moves_what_a_cached_prefix_runs(interp):
    interp.eval("proc zqAlpha {} {return alpha}")
    assert interp.eval("zqA") == "alpha"
    interp.eval("rename zqAlpha zqBeta")
    assert error_of(interp, "zqA") == 'invalid command name "zqA"'
    assert interp.eval("zqB") == "alpha"
    interp.eval("rename zqBeta {}")
    assert error_of(interp, "zqB") == 'invalid command name "zqB"'


def test_renaming_a_builtin_command_changes_its_prefix(interp):
    assert interp.eval("lreve {a b}") == "b a"
    interp.eval("rename lreverse zzReverse")
    assert error_of(interp, "lreve {a b}") == 'invalid command name "lreve"'
    assert interp.eval("zzRev {a b}") == "b a"


def test_an_alias_defined_after_a_prefix_was_cached_comes_first(interp):
    interp.eval("proc zqAlpha {} {return alpha}")
    assert interp.eval("zqA") == "alpha"
    interp.eval("alias zqA {list aliased}")
    assert interp.eval("zqA") == "aliased"
    interp.eval("unalias zqA")
    assert interp.eval("zqA") == "alpha"


def test_lens_abbreviations_resolve_and_follow_new_commands():
    lens = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    lens.eval("addNet n 2 1")
    assert lens.eval("getObj numUnits") == "4"
    lens.eval("proc getObjFancy {} {return fancy}")
    assert error_of(lens, "getObj numUnits").startswith('ambiguous command name "getObj"')
    lens.eval("rename getObjFancy {}")
    assert lens.eval("getObj numUnits") == "4"


@pytest.fixture
def program_dir(tmp_path):
    folder = tmp_path / "bin"
    folder.mkdir()
    prog = folder / "zqprog"
    prog.write_text("#!/bin/sh\necho ran zqprog \"$@\"\n")
    prog.chmod(prog.stat().st_mode | stat.S_IXUSR)
    return folder


def test_a_program_appearing_on_a_new_path_is_found(interp, program_dir, monkeypatch):
    assert error_of(interp, "zqprog 1") == 'invalid command name "zqprog"'
    monkeypatch.setenv("PATH", f"{program_dir}{os.pathsep}{os.environ['PATH']}")
    assert interp.eval("zqprog 1 {a b}") == ""
    assert interp.out.getvalue() == "ran zqprog 1 a b\n"
    monkeypatch.setenv("PATH", os.environ["PATH"].split(os.pathsep, 1)[1])
    assert error_of(interp, "zqprog 1") == 'invalid command name "zqprog"'


def test_a_program_comes_before_a_command_prefix_as_in_lens(interp, program_dir, monkeypatch):
    interp.eval("proc zqprogram {} {return proc}")
    assert interp.eval("zqprog") == "proc"
    monkeypatch.setenv("PATH", f"{program_dir}{os.pathsep}{os.environ['PATH']}")
    interp.eval("zqprog")
    assert interp.out.getvalue() == "ran zqprog\n"


def test_a_path_to_a_program_runs_it(interp, program_dir):
    interp.eval(f"{program_dir}/zqprog x")
    assert interp.out.getvalue() == "ran zqprog x\n"


def test_a_proc_named_unknown_gets_every_unknown_word(interp):
    """Tcl calls `unknown` with the words; Lens's own resolution then no
    longer happens (checked with Lens: getObj reaches the proc)."""
    interp.eval("proc zqAlpha {} {return alpha}")
    assert interp.eval("zqA") == "alpha"
    interp.eval("proc unknown {args} {return \"U:$args\"}")
    assert interp.eval("zzz 1 {2 3}") == "U:zzz 1 {2 3}"
    assert interp.eval("zqA") == "U:zqA"
    assert interp.eval("zqAlpha") == "alpha"


def test_unknown_can_be_wrapped_after_a_rename(interp):
    interp.eval("proc zqAlpha {} {return alpha}")
    interp.eval("rename unknown lensUnknown")
    interp.eval("proc unknown {args} {lappend ::seen [lindex $args 0]; "
                "uplevel 1 [list lensUnknown {*}$args]}")
    assert interp.eval("zqA") == "alpha"
    assert interp.eval("set seen") == "zqA"
    assert error_of(interp, "noSuchThing") == 'invalid command name "noSuchThing"'


def test_without_any_unknown_an_unknown_word_is_invalid(interp):
    interp.eval("proc zqAlpha {} {return alpha}")
    interp.eval("rename unknown {}")
    assert error_of(interp, "zqA") == 'invalid command name "zqA"'


def test_a_proc_replaces_a_command_of_the_same_name(interp):
    interp.eval("proc lreverse {l} {return reversed:$l}")
    assert interp.eval("lreverse {a b}") == "reversed:a b"
    assert interp.eval("lrev x") == "reversed:x"


@pytest.mark.skipif(shutil.which("tclsh") is None, reason="tclsh not installed")
def test_proc_replacing_a_builtin_matches_tclsh(interp):
    import subprocess
    script = "proc lreverse {l} {return r:$l}\nputs [lreverse {a b}]\n"
    want = subprocess.run(["tclsh"], input=script, capture_output=True, text=True).stdout
    interp.eval(script)
    assert interp.out.getvalue() == want == "r:a b\n"
