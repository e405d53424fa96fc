"""The lens> shell: a Tcl interpreter of our own plus Lens's shell layer."""
from __future__ import annotations

import importlib

# Command modules merged into every interpreter, in this order.  A module
# listed here defines TABLE (a CommandTable) and optionally setup(interp).
STANDARD_MODULES = [
    "lens_py.shell.cmd_core",
    "lens_py.shell.cmd_control",
    "lens_py.shell.cmd_lists",
    "lens_py.shell.cmd_strings",
    "lens_py.shell.cmd_format",
    "lens_py.shell.cmd_regexp",
    "lens_py.shell.cmd_arrays",
    "lens_py.shell.cmd_io",
    "lens_py.shell.cmd_lens",
    "lens_py.shell.cmd_python",
    "lens_py.commands.net_cmds",
    "lens_py.commands.example_cmds",
    "lens_py.commands.train_cmds",
    "lens_py.commands.object_cmds",
    "lens_py.commands.value_cmds",
    "lens_py.commands.graph_cmds",
]


def load_modules(names=None):
    """Import the command modules that exist (areas land one by one)."""
    mods = []
    for name in names or STANDARD_MODULES:
        try:
            mods.append(importlib.import_module(name))
        except ModuleNotFoundError as e:
            if e.name != name:
                raise
    return mods


def make_interp(**kwargs):
    from .interp import Interp
    interp = Interp(**kwargs)
    mods = load_modules()
    for mod in mods:
        for cmd in mod.TABLE:
            interp.register(cmd)
    for mod in mods:
        setup = getattr(mod, "setup", None)
        if setup is not None:
            setup(interp)
    return interp
