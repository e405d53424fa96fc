"""Fuzzing the shell: any text given to the parser, the list and expr parsers
or the interpreter either works or fails with the shell's own error (TclError);
never another Python exception, never a hang.

The interpreter used here keeps only pure-Tcl commands (no loops that can run
forever, no files, processes, exit or Python), refuses external programs,
and has a budget of command calls and of argument size, so a generated
script cannot run for ever or eat the memory (`string repeat x 1010101010`).
"""
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError
from lens_py.shell.expr import compile_expr
from lens_py.shell.parser import is_complete, parse_script
from lens_py.shell.tcllist import parse_list
from lens_py.shell.toplevel import eval_toplevel
from tests.test_tcl_compiled_bodies import Unbound

SAFE_COMMANDS = {
    "set", "unset", "incr", "append", "lappend", "lindex", "llength", "lrange", "linsert",
    "lreplace", "lsearch", "lsort", "list", "concat", "join", "split", "string", "format",
    "scan", "regexp", "regsub", "expr", "if", "foreach", "switch", "proc", "return", "error",
    "catch", "eval", "uplevel", "upvar", "global", "info", "array", "dict", "puts", "subst",
    "rename", "lassign", "lrepeat", "lreverse", "lset", "apply", "break", "continue",
    "try", "throw", "lmap",
}

TOKENS = [
    "$", "{", "}", "[", "]", '"', "\\", ";", "\n", " ", " ", " ", "(", ")", "#", "*", "{*}",
    "${", "$a(", "$a", "${a}", "\\n", "\\x", "\\u", "\\{", "\\\n", "a", "b", "x", "a(1)",
    "set", "puts", "expr", "list", "lindex", "string", "proc", "catch", "return", "break",
    "continue", "error", "if", "foreach", "incr", "append", "upvar", "uplevel", "global",
    "array", "dict", "info", "subst", "eval", "format", "scan", "regexp", "regsub", "lsort",
    "lsearch", "switch", "apply", "lappend", "lset", "rename", "nosuch", "try", "on", "trap",
    "finally", "throw", "lmap",
    "0", "1", "2", "10", "-1", "3.5", "end", "end-1", "1e", "0x", "08", "nan", "inf",
    "+", "-", "/", "%", "**", "<<", "==", "eq", "&&", "?", ":", ",", "!",
    "%d", "%s", "%", "-all", "-nocase", "-index", "-integer", "-code", "-level",
    "length", "repeat", "map", "is", "exists", "get", "names", "level", "create",
]

scripts = st.lists(st.sampled_from(TOKENS), max_size=40).map("".join)
texts = st.one_of(scripts, st.text(alphabet='${}[]"\\;() \n#abx01*:-', max_size=30))


class BudgetExceeded(TclError):
    pass


class FuzzInterp(Unbound):
    """An interpreter that stops a runaway script with a TclError (unbound:
    a command word bound to what it names would skip call(), where the
    budget is counted)."""
    budget = 5000
    max_arg = 20000
    digit_guard = True

    def call(self, argv):
        self.budget -= 1
        if self.budget < 0:
            raise BudgetExceeded("fuzz: command budget used up")
        for a in argv:
            if len(a) > self.max_arg:
                raise BudgetExceeded("fuzz: argument too long")
            if self.digit_guard and _has_long_digit_run(a):
                raise BudgetExceeded("fuzz: number too large")
        return super().call(argv)

    def run_program(self, program, args):
        raise TclError(f'invalid command name "{program}"')


def _has_long_digit_run(s: str, limit: int = 6) -> bool:
    run = 0
    for ch in s:
        run = run + 1 if ch.isdigit() else 0
        if run > limit:
            return True
    return False


def fuzz_interp(digit_guard=True):
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO(), stdin=io.StringIO(""))
    interp.__class__ = FuzzInterp
    for name in list(interp.commands):
        if name not in SAFE_COMMANDS:
            del interp.commands[name]
    interp.aliases.clear()
    interp.digit_guard = digit_guard
    return interp


FUZZ = settings(max_examples=600, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(texts)
def test_parser_never_fails_otherwise(text):
    cmds = parse_script(text)
    assert isinstance(cmds, tuple)
    assert is_complete(text) in (True, False)
    try:
        parse_list(text)
    except TclError:
        pass
    try:
        compile_expr(text)
    except TclError:
        pass


@FUZZ
@given(scripts)
def test_interpreter_runs_or_raises_tcl_error(text):
    interp = fuzz_interp()
    try:
        eval_toplevel(interp, text)
    except TclError:
        pass
    # The interpreter is still usable afterwards, at the global level.
    assert interp.frame is interp.global_frame
    interp.budget = 100
    assert eval_toplevel(interp, "set ok [expr {1+1}]") == "2"


NASTY = ["$", "${", "$a(", "${a", "$a(b", "[", "{", '"', "\\", "puts {a", 'puts "a',
         'puts "[list {a]"', "puts [set", "{*}", "{*}{", "#{\n", "set x {a}\\", "$::",
         "proc p {} {p}; p", "proc p {} {catch p; catch p}; p", "return -code 7",
         "return -level 5 x", "break", "continue", "error x y z", "uplevel 5 {}",
         "upvar 0 a a", "set a(1) 1; upvar 0 a(1) b; set b", "expr {1/0}",
         "expr {2**1000000000}", "expr 1<<99999999999", "string repeat x 99999999999",
         "lrepeat 999999999999 a", "format %999999999999d 1", "apply {{} {break}}",
         "foreach {} {} {}", "lsort -command {expr 1 +} {b a}", "regexp {(} a",
         "scan a %[", "subst {$}", "subst {[}", "info level 9", "info frame -1",
         "dict with", "array set a {a}; array set a {b}", "lset x 0 0 0 y"]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_inputs(text):
    interp = fuzz_interp(digit_guard=False)
    try:
        eval_toplevel(interp, text)
    except TclError:
        pass
    assert interp.frame is interp.global_frame


# One interpreter built at import raises Python's recursion limit (see
# Interp.__init__) before hypothesis notes the limit it should restore.
fuzz_interp()
