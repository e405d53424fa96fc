"""The lens> shell: a Tcl interpreter of our own plus Lens's shell layer.

The shell knows nothing of the engine or of the Lens commands: it offers an
interpreter and the tables of its own commands.  `lens_py.assemble` puts
those together with the Lens command tables.
"""
from __future__ import annotations

import importlib

# The shell's command modules, merged into every interpreter in this order.
# Each defines TABLE (a CommandTable) and optionally setup(interp).
SHELL_MODULES = [
    "lens_py.shell.cmd_core",
    "lens_py.shell.cmd_control_flow",
    "lens_py.shell.cmd_lists",
    "lens_py.shell.cmd_strings",
    "lens_py.shell.cmd_format",
    "lens_py.shell.cmd_regexp",
    "lens_py.shell.cmd_arrays",
    "lens_py.shell.cmd_io",
    "lens_py.shell.cmd_lens",
    "lens_py.shell.cmd_python",
]


def install(interp, module_names) -> None:
    """Register the tables of the named modules, then run their setup
    functions.  A module that fails to import is an error."""
    mods = [importlib.import_module(name) for name in module_names]
    for mod in mods:
        for cmd in mod.TABLE:
            interp.register(cmd)
    for mod in mods:
        setup = getattr(mod, "setup", None)
        if setup is not None:
            setup(interp)


def make_shell(**kwargs):
    """An interpreter with the shell's own commands only (no Lens commands)."""
    from .interp import Interp
    interp = Interp(**kwargs)
    install(interp, SHELL_MODULES)
    return interp
