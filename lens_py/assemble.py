"""The one place that builds a lens> interpreter: the shell's command tables
plus the Lens command tables (cli.py, api.py and the tests use it)."""
from __future__ import annotations

from .shell import install, make_shell

# The Lens command modules (lens_py/commands/), merged after the shell's own.
LENS_MODULES = [
    "lens_py.commands.random_cmds",
    "lens_py.commands.net_cmds",
    "lens_py.commands.example_cmds",
    "lens_py.commands.train_cmds",
    "lens_py.commands.object_cmds",
    "lens_py.commands.value_cmds",
    "lens_py.commands.graph_cmds",
    "lens_py.commands.sweep_cmds",
    "lens_py.commands.misc_cmds",
    "lens_py.commands.help_cmds",
]


def make_interp(**kwargs):
    """An interpreter with every command of lens_py (stdout=, stderr=, stdin=
    as for lens_py.shell.interp.Interp)."""
    interp = make_shell(**kwargs)
    install(interp, LENS_MODULES)
    return interp
