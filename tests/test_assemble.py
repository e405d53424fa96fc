"""How a lens> interpreter is put together: the shell alone knows nothing of
the engine or the Lens commands; lens_py.assemble adds the Lens tables."""
import io
import subprocess
import sys

import pytest

from lens_py.assemble import LENS_MODULES, make_interp
from lens_py.shell import SHELL_MODULES, install, make_shell


def _modules_loaded_by(code: str) -> set:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys\n"
                          "print(' '.join(m for m in sys.modules if m.startswith('lens_py')))"],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_the_shell_imports_neither_the_engine_nor_the_lens_commands():
    loaded = _modules_loaded_by("from lens_py.shell import make_shell\n"
                                "make_shell(stdout=None).eval('puts [expr 1+2]')")
    assert "lens_py.shell.cmd_core" in loaded
    assert not [m for m in loaded if m.startswith(("lens_py.engine", "lens_py.commands"))]


def test_shell_modules_are_shell_modules_only():
    assert all(m.startswith("lens_py.shell.") for m in SHELL_MODULES)
    assert all(m.startswith("lens_py.commands.") for m in LENS_MODULES)


def test_a_module_that_fails_to_import_is_an_error():
    interp = make_shell(stdout=io.StringIO())
    with pytest.raises(ModuleNotFoundError):
        install(interp, ["lens_py.commands.no_such_module"])


def test_the_shell_alone_has_no_lens_commands_and_the_assembled_one_has_them():
    shell = make_shell(stdout=io.StringIO())
    assert "puts" in shell.commands and "addNet" not in shell.commands
    lens = make_interp(stdout=io.StringIO())
    assert lens.eval("seed 7; addNet n 2 1; getObj numUnits") == "4"


def test_lens_random_commands_draw_from_the_engine_stream():
    from lens_py.engine.rng import LensRandom
    a, b = make_interp(stdout=io.StringIO()), LensRandom()
    a.eval("seed 12")
    b.seed(12)
    assert a.eval("randInt 1000") == str(b.rand_int(1000))
