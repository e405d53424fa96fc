"""Start-up imports only what the first command needs: the shell and `puts`
neither the engine, numba nor numpy; the Lens commands load on first call."""
import importlib
import json
import os
import subprocess
import sys

from lens_py.assemble import LENS_COMMANDS, make_interp


def imported_after(*cli_args):
    code = ("import sys, json, runpy; sys.argv = ['lens-py', *json.loads(sys.argv[1])]\n"
            "try:\n    runpy.run_module('lens_py', run_name='__main__')\n"
            "except SystemExit:\n    pass\n"
            "sys.stderr.write(json.dumps(sorted(sys.modules)))\n")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=repo)
    env.pop("LENS_PY_NUMBA", None)      # numba set up when it pays, as a user's run
    out = subprocess.run([sys.executable, "-c", code, json.dumps(list(cli_args))],
                         capture_output=True, text=True, timeout=120, check=True, cwd=repo,
                         env=env)
    return out.stdout, set(json.loads(out.stderr.strip().splitlines()[-1]))


def test_puts_imports_neither_engine_nor_numba_nor_numpy():
    out, mods = imported_after("-c", "puts hi")
    assert out == "hi\n"
    heavy = {m for m in mods if m.split(".")[0] in ("numba", "numpy", "llvmlite",
                                                    "prompt_toolkit")
             or m.startswith(("lens_py.engine", "lens_py.commands"))}
    assert heavy == set()


def test_a_lens_command_loads_the_engine():
    out, mods = imported_after("-c", "addNet a 2 1; puts [getObj numUnits]")
    assert out == "4\n"
    assert "lens_py.engine.session" in mods and "lens_py.commands.net_cmds" in mods


def test_a_short_train_does_not_set_numba_up(tmp_path):
    """Importing numba and loading kernels costs a second or two; a train and
    test that take a moment on the NumPy path never pay it."""
    (tmp_path / "x.ex").write_text("I: 0 0 T: 0;\nI: 0 1 T: 1;\nI: 1 0 T: 1;\nI: 1 1 T: 0;\n")
    out, mods = imported_after("-c", f"cd {{{tmp_path}}}; seed 1; addNet a 2 3 1; "
                                     "loadExamples x.ex; train 20; test; puts [getObj error]")
    assert float(out.split()[-1]) > 0
    assert "numba" not in mods
    assert not any(m.startswith(("numba.", "llvmlite")) for m in mods)


def test_the_command_lists_match_the_modules_tables():
    for module, names in LENS_COMMANDS.items():
        table = importlib.import_module(module).TABLE
        assert sorted(c.name for c in table) == sorted(names.split()), module


def test_placeholders_check_arity_and_give_way_to_the_real_commands():
    interp = make_interp()
    placeholder = interp.commands["seed"]
    try:
        interp.eval("seed 1 2 3")
    except Exception as e:          # the real command's usage, not the placeholder's
        assert e.message == 'wrong # args: should be "seed ?value?"'
    else:
        raise AssertionError("no arity error")
    assert interp.commands["seed"] is not placeholder
    assert interp.commands["seed"].usage == "seed ?value?"


def test_a_users_proc_or_renamed_placeholder_is_left_alone():
    interp = make_interp()
    interp.eval("rename addNet myAddNet; proc seed {args} {return mine}")
    assert interp.eval("myAddNet a 2 1; getObj numUnits") == "4"
    assert interp.eval("seed 5") == "mine"
    assert "addNet" not in interp.commands
