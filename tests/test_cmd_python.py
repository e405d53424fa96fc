"""`python {code}` / `py`: a persistent Python namespace inside the shell."""
import io

import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError


@pytest.fixture
def interp():
    out = io.StringIO()
    it = make_interp(stdout=out, stderr=io.StringIO())
    it.out = out
    return it


def test_namespace_persists_between_calls(interp):
    assert interp.eval("python {x = 20}") == ""
    assert interp.eval("py {x + 22}") == "42"
    interp.eval("python {def sq(v):\n    return v * v\n}")
    assert interp.eval("py {sq(x)}") == "400"


def test_expression_result_and_numpy(interp):
    assert interp.eval("py {np.arange(4).sum()}") == "6"
    assert interp.eval("py {None}") == ""
    assert interp.eval("py {y = 1; y + 1}") == "2"
    assert interp.eval("py {isinstance(np, type(np))}") == "True"


def test_indented_block_is_dedented(interp):
    script = "python {\n    a = 2\n    if a:\n        a *= 5\n}\npy {a}"
    assert interp.eval(script) == "10"


def test_lens_round_trip(interp):
    interp.eval("set v 7")
    assert interp.eval("py {lens('expr {$v * 6}')}") == "42"
    interp.eval("py {lens('set w hello')}")
    assert interp.eval("set w") == "hello"
    # shell errors are LensError in Python
    assert interp.eval("py {\ntry:\n    lens('noSuchCmd')\nexcept LensError as e:\n"
                       "    msg = str(e)\nmsg}") == 'invalid command name "noSuchCmd"'


def test_print_goes_to_the_interp_stdout(interp):
    interp.eval("puts before; python {print('from python', 1 + 1)}; puts after")
    assert interp.out.getvalue() == "before\nfrom python 2\nafter\n"


def test_python_exception_becomes_tcl_error(interp):
    with pytest.raises(TclError) as e:
        interp.eval("py {1/0}")
    assert e.value.message == "ZeroDivisionError: division by zero"
    assert interp.eval("catch {py {undefined_name}} m; set m") == \
        "NameError: name 'undefined_name' is not defined"
    with pytest.raises(TclError, match="SyntaxError"):
        interp.eval("py {def (}")


def test_net_hook_reads_current_session_net(interp):
    assert interp.eval("py {net is None}") == "True"

    class Session:
        current_net = "the-net"
    interp.ext["lens"] = Session()
    assert interp.eval("py {net}") == "the-net"


def test_namespaces_are_per_interpreter(interp):
    other = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    interp.eval("py {z = 1}")
    with pytest.raises(TclError, match="NameError"):
        other.eval("py {z}")
