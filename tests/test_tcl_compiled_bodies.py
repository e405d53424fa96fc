"""What a parsed command's word runs is kept on the command (Interp.run_commands)
and where an object path starts is kept within a task (ObjectSpace.resolve):
scripts run with those kept answers print what they print with every answer
found afresh, and, for pure Tcl, what tclsh prints.  The scripts change what
names mean between the runs of the same parsed command: procs redefined or
renamed (also by themselves, while they run), commands and aliases that
appear over an abbreviation, a program on PATH, variables made by upvar and
global, errors and their errorInfo, the return codes of loop bodies."""
import io
import os
import shutil
import stat
import subprocess

import pytest

from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine import fields
from lens_py.shell.interp import Interp
from tests.test_path_choice_kept import example_file as _examples

TCLSH = shutil.which("tclsh")


class Unbound(Interp):
    """An interpreter whose bindings never hold: every command word is
    looked up again, as before bindings were kept."""

    @property
    def _binding(self):
        return object()

    @_binding.setter
    def _binding(self, value):
        pass


def _run(script: str, fresh: bool) -> str:
    out = io.StringIO()
    it = make_interp(stdout=out, stderr=io.StringIO())
    if fresh:
        it.__class__ = Unbound
    try:
        result = it.eval(script)
    except Exception as e:      # the error and errorInfo are part of the answer
        result = f"ERROR {getattr(e, 'message', e)}\n{it.get_global('errorInfo')}"
    return out.getvalue() + "=> " + result


def _tclsh(script: str) -> str:
    p = subprocess.run([TCLSH], input=script, capture_output=True, text=True, timeout=30)
    return p.stdout


LOOPS = 4

SCRIPTS = {
    "proc redefined between calls": """
        proc f {} {return 1}
        set r {}
        for {set i 0} {$i < 4} {incr i} {lappend r [f]; proc f {} "return [expr {$i + 2}]"}
        puts $r""",
    "proc renamed and remade": """
        proc g {} {return a}
        set r {}
        foreach i {1 2 3} {lappend r [g]; rename g h$i; proc g {} "return b$i"}
        puts "$r [h1] [h2]" """,
    "command renamed away": """
        set r {}
        foreach i {1 2 3} {
            if {$i == 2} {rename lappend app}
            if {$i < 2} {lappend r $i} else {app r $i}
        }
        puts $r""",
    "a proc that redefines itself while it runs": """
        proc once {} {proc once {} {return later}; return first}
        set r {}
        foreach i {1 2 3} {lappend r [once]}
        puts $r""",
    "upvar and global made in the loop": """
        proc bump {name} {upvar 1 $name v; incr v}
        proc tally {} {global total; incr total 10}
        set total 0
        foreach i {1 2 3} {bump n$i; bump n$i; tally}
        puts "$n1 $n2 $n3 $total [info exists n4]" """,
    "break, continue and return codes": """
        proc codes {} {
            set r {}
            for {set i 0} {$i < 6} {incr i} {
                if {$i == 1} continue
                if {$i == 4} break
                lappend r [catch {return -code $i x} m] $m
            }
            return $r
        }
        puts [codes]; puts [codes]
        proc early {} {foreach i {1 2 3} {if {$i == 2} {return -code break}}}
        foreach j {a b} {early; puts never}
        puts [catch {early} m] """,
    "errors and errorInfo": """
        proc inner {x} {expr {$x / 0}}
        proc outer {} {foreach i {1 2} {catch {inner $i} m; lappend ::msgs $m}; inner 3}
        set msgs {}
        catch outer m
        puts $m; puts $msgs; puts $::errorInfo
        catch outer m
        puts $::errorInfo""",
    "a command made over the unknown one": """
        set r {}
        foreach i {1 2 3} {
            if {$i == 2} {proc unknown {args} {return "unknown: $args"}}
            lappend r [catch {nosuchcommand $i} m] $m
        }
        puts $r""",
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_kept_bindings_give_the_fresh_answer(name):
    script = SCRIPTS[name]
    assert _run(script, fresh=False) == _run(script, fresh=True)


@pytest.mark.skipif(TCLSH is None, reason="tclsh not installed")
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_kept_bindings_print_what_tclsh_prints(name):
    ours = _run(SCRIPTS[name], fresh=False)
    assert ours.rsplit("=> ", 1)[0] == _tclsh(SCRIPTS[name])


def test_abbreviations_follow_aliases_and_new_commands():
    # (Lens's resolution, not tclsh's: a unique prefix of a command name)
    script = """
        set r {}
        foreach i {1 2 3 4 5} {
            if {$i == 2} {proc lappendX {args} {}}
            if {$i == 3} {rename lappendX {}}
            if {$i == 4} {alias lappe concat aliased}
            lappend r [catch {lappe r $i} m] [string range $m 0 30]
        }
        set r"""
    assert _run(script, fresh=False) == _run(script, fresh=True)
    words = _run(script, fresh=False)
    assert "ambiguous" in words and "aliased" in words


def test_a_program_on_path_comes_before_a_kept_abbreviation(tmp_path, monkeypatch):
    program = tmp_path / "lappe"
    program.write_text("#!/bin/sh\necho program\n")
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    it = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    it.eval("proc step {} {lappe ::r x}")
    assert it.eval("set ::r {}; step; step; set ::r") == "x x"
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}")
    it.eval("step")
    assert it.channels["stdout"].stream.getvalue() == "program\n"
    assert it.eval("set ::r") == "x x"


def test_an_error_in_a_kept_command_is_reported_the_same_way():
    script = "proc p {} {getObj nosuchfield}\nforeach i {1 2} {catch p m}\np"
    out = []
    for fresh in (False, True):
        it = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
        if fresh:
            it.__class__ = Unbound
        it.eval("addNet n 2 2")
        out.append(_error_of(it, script))
    assert out[0] == out[1] and "nosuchfield" in out[0][0]


def _error_of(it, script):
    try:
        it.eval(script)
    except Exception as e:
        return e.message, it.get_global("errorInfo")
    return None


# -- object paths kept within a task -------------------------------------------------

def _hook_log(tmp_path, hook, kept: bool, before=""):
    it = make_interp()
    session_of(it).write = lambda text: None
    if not kept:
        space = fields.object_space(session_of(it))
        space.stamp = None
        it.ext["object_space"] = space
    ex = _examples(tmp_path / "a.ex")
    it.eval(f"seed 3; addNet a -i 3 -t 2 4 4 3; loadExamples {ex} -s set; set ::n 0; "
            f"set ::log {{}}\n{before}\nsetObj postExampleProc {{{hook}}}")
    it.eval(f"train {LOOPS}")
    return it.eval("set ::log")


@pytest.mark.parametrize("hook", [
    # a group read by name, then renamed: the old name no longer finds it,
    # the new one does
    "incr ::n; lappend ::log [catch {getObj output.numUnits} m] $m "
    "[catch {getObj out.numUnits} m] $m [catch {getObj output:1.output} m]; "
    "if {$::n == 3} {setObj output.name out}",
    # a group renamed between two reads of the same path in one hook call
    "incr ::n; if {$::n == 2} {lappend ::log [getObj output.name]; "
    "setObj output.name out; lappend ::log [catch {getObj output.name} m] $m "
    "[getObj out.name]}",
    # plain fields, of the net and of a unit, kept as (object, field): read
    # afresh each time
    "lappend ::log [getObj error] [getObj output:0.output] [getObj totalUpdates] "
    "[getObj hidden.numUnits]",
    # a path through a field that moves every example
    "lappend ::log [getObj currentExample.name] [getObj a.currentExample.num]",
    # a unit renamed, another net made current in the middle
    "incr ::n; lappend ::log [catch {getObj u7.output} m] $m; "
    "if {$::n == 2} {setObj output:0.name u7}",
])
def test_kept_path_starts_give_the_fresh_answer(tmp_path, hook):
    kept = _hook_log(tmp_path, hook, kept=True)
    assert kept == _hook_log(tmp_path, hook, kept=False)
    assert kept
