"""The lens> prompt, driven through the real prompt_toolkit application."""
import io

import pytest
from prompt_toolkit.document import Document
from prompt_toolkit.history import FileHistory
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from lens_py.repl import ShellCompleter, current_usage, expand_history, make_session, run_repl
from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError


@pytest.fixture
def interp():
    out, err = io.StringIO(), io.StringIO()
    it = make_interp(stdout=out, stderr=err)
    it.out, it.err = out, err
    return it


def drive(interp, keys, history_file):
    """Type `keys` at the prompt; returns the REPL's exit status."""
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        session = make_session(interp, input=pipe, output=DummyOutput(),
                               history=FileHistory(str(history_file)))
        return run_repl(interp, session=session, banner=False)


def test_multiline_proc_then_call(interp, tmp_path):
    status = drive(interp, "proc f {x} {\rreturn [expr {$x*2}]\r}\rputs [f 21]\r\x04",
                   tmp_path / "h")
    assert status == 0
    assert interp.out.getvalue() == "42\n"
    assert "f" in interp.procs


def test_results_echoed_and_error_keeps_going(interp, tmp_path):
    drive(interp, "expr {6*7}\rnoSuchCmd 1\rset a 5\r\x04", tmp_path / "h")
    assert interp.out.getvalue() == "42\n5\n"
    assert interp.err.getvalue() == 'Error: invalid command name "noSuchCmd"\n'


def test_tab_completes_command_prefix(interp, tmp_path):
    drive(interp, "getSe\t\r\x04", tmp_path / "h")    # unique completion: getSeed
    assert interp.ext["history"] == ["getSeed"]
    assert interp.out.getvalue().strip().isdigit()


def test_ctrl_d_exits_and_exit_command_status(interp, tmp_path):
    assert drive(interp, "\x04", tmp_path / "h") == 0
    assert drive(interp, "puts a\rexit 7\rputs b\r", tmp_path / "h") == 7
    assert interp.out.getvalue() == "a\n"


def test_history_file_written(interp, tmp_path):
    hist = tmp_path / "hist"
    drive(interp, "set a 1\rproc g {} {\rreturn 2\r}\r\x04", hist)
    entries = list(FileHistory(str(hist)).load_history_strings())
    assert entries[:2] == ["proc g {} {\nreturn 2\n}", "set a 1"]   # newest first


def test_bang_history(interp, tmp_path):
    drive(interp, "puts hi\r!!\r!1\r\x04", tmp_path / "h")
    assert interp.out.getvalue() == "hi\nhi\nhi\n"
    with pytest.raises(TclError, match="no command 9"):
        expand_history("!9", ["a"])


def completions(interp, text):
    doc = Document(text, len(text))
    return [c.text for c in ShellCompleter(interp).get_completions(doc, None)]


def test_completer_commands_procs_vars_and_providers(interp):
    interp.eval("proc myProc {} {}; set myVar 1")
    assert completions(interp, "myP") == ["myProc"]
    assert "randInt" in completions(interp, "puts [ran")
    assert completions(interp, "puts $myV") == ["myVar"]
    interp.ext["completers"] = [lambda text: ["hidden.output", "hidden.input", "output"]]
    assert completions(interp, "getObj hidden.o") == ["hidden.output"]


def test_toolbar_usage(interp):
    interp.eval("proc area {w {h 1}} {}")
    assert current_usage(interp, "seed 3") == "usage: seed ?value?"
    assert current_usage(interp, "set x [area ") == "usage: area w ?h?"
    assert current_usage(interp, "getSe") == "usage: getSeed"
    assert current_usage(interp, "") == ""


def test_tab_indents_at_line_start(interp, tmp_path):
    drive(interp, "proc h {} {\r\treturn 3\r}\rh\r\x04", tmp_path / "h")
    assert interp.ext["history"][0] == "proc h {} {\n    return 3\n}"
    assert interp.out.getvalue() == "3\n"


def test_tab_completes_variable_name(interp, tmp_path):
    interp.eval("set learningRate 0.25")
    drive(interp, "puts $learn\t\r\x04", tmp_path / "h")
    assert interp.ext["history"] == ["puts $learningRate"]
    assert interp.out.getvalue() == "0.25\n"


def test_tab_offers_several_commands_in_a_menu(interp, tmp_path):
    interp.eval("proc zzAlpha {} {return A}; proc zzBeta {} {return B}")
    # Two candidates: Tab inserts nothing unique; typing on picks one.
    drive(interp, "zz\tB\t\r\x04", tmp_path / "h")
    assert interp.ext["history"] == ["zzBeta"]
    assert interp.out.getvalue() == "B\n"


def test_braces_open_over_several_lines_then_error_then_more(interp, tmp_path):
    keys = ("foreach i {1 2} {\r"
            "    if {$i == 2} {\r"
            "        puts two\r"
            "    }\r"
            "}\r"
            "set undefined_here\r"
            "puts after\r\x04")
    assert drive(interp, keys, tmp_path / "h") == 0
    assert interp.out.getvalue() == "two\nafter\n"
    assert interp.err.getvalue() == 'Error: can\'t read "undefined_here": no such variable\n'


def test_top_level_control_flow_does_not_end_session(interp, tmp_path):
    keys = "break\rcontinue\rreturn 5\rreturn -code error boom\rputs $\rputs still\r\x04"
    assert drive(interp, keys, tmp_path / "h") == 0
    assert interp.out.getvalue() == "5\n$\nstill\n"
    assert interp.err.getvalue() == ('Error: invoked "break" outside of a loop\n'
                                     'Error: invoked "continue" outside of a loop\n'
                                     'Error: boom\n')


def test_internal_python_error_is_reported_and_session_goes_on(interp, tmp_path):
    from lens_py.shell.registry import Command

    def broken(interp_, args):
        raise ZeroDivisionError("oops")
    interp.register(Command("broken", broken, "broken"))
    drive(interp, "broken\rputs alive\r\x04", tmp_path / "h")
    assert interp.out.getvalue() == "alive\n"
    assert interp.err.getvalue() == "Error: broken: internal error: ZeroDivisionError: oops\n"
    assert interp.frame is interp.global_frame
