"""The one place that builds a lens> interpreter: the shell's command tables
plus the Lens command tables (cli.py, api.py and the tests use it).

The Lens command modules bring the engine (NumPy, the compiled kernels), which
costs far more to import than the shell does.  So an interpreter starts with
the shell's commands and a placeholder for each Lens command; the first call
of any of them imports every Lens command module (in LENS_MODULES's order,
setups included) and then runs the real command.  `lens-py -c 'puts hi'` and
scripts that only use Tcl never import the engine.
"""
from __future__ import annotations

import signal
import threading

from .shell import make_shell
from .shell.registry import Command

# The Lens command modules (lens_py/commands/), merged after the shell's own,
# each with the names of the commands its TABLE defines (a new command is
# added here too; tests/test_startup.py checks the lists against the tables).
LENS_COMMANDS = {
    "lens_py.commands.random_cmds":
        "seed getSeed rand randInt",
    "lens_py.commands.net_cmds":
        "addNet useNet deleteNets addGroup deleteGroups orderGroups changeGroupType groupType "
        "connectGroups elmanConnect freezeWeights thawWeights randWeights resetNet resetDerivs "
        "setTime saveWeights loadWeights openNetOutputFile closeNetOutputFile printUnitValues "
        "printLinkValues noiseType lesionUnits healUnits lesionLinks copyConnect connectUnits "
        "connectGroupToUnits disconnectGroups disconnectGroupUnit disconnectUnits deleteLinks "
        "deleteGroupInputs deleteGroupOutputs deleteUnitInputs deleteUnitOutputs addLinkType "
        "deleteLinkType loadXerionWeights",
    "lens_py.commands.example_cmds":
        "loadExamples saveExamples useTrainingSet useTestingSet deleteExampleSets "
        "exampleSetMode resetExampleSets moveExamples",
    "lens_py.commands.train_cmds":
        "train steepest momentum dougsMomentum deltaBarDelta test doExample updateWeights",
    "lens_py.commands.object_cmds":
        "getObject setObject path",
    "lens_py.commands.value_cmds":
        "setLinkValues saveParameters copyUnitValues resetUnitValues",
    "lens_py.commands.graph_cmds":
        "graph trace graphObject exportGraph updateGraphs viewUnits viewLinks",
    "lens_py.commands.sweep_cmds":
        "sweepResult",
    "lens_py.commands.misc_cmds":
        "pid nice wait signal polarity startServer stopServer startClient stopClient "
        "waitForClients sendEval sendObject clientInfo trainParallel",
    "lens_py.commands.help_cmds":
        "help manual",
}
LENS_MODULES = list(LENS_COMMANDS)

# Lens's signal hooks (misc_cmds) need a network, so nothing can run them before
# the Lens commands load; until then the signals are ignored rather than
# killing the process (their default).
_SIGNALS = tuple(getattr(signal, name) for name in ("SIGUSR1", "SIGUSR2")
                 if hasattr(signal, name))


def _ignore_signal(code, frame):
    pass


def load_lens_commands(interp) -> None:
    """Import the Lens command modules into `interp` (once): the placeholders
    still in place give way to the real commands (a user's own proc or a
    renamed placeholder is left alone)."""
    state = interp.ext.get("lens_commands")
    if state is None or state["loaded"]:
        return
    state["loaded"] = True
    on_main = threading.current_thread() is threading.main_thread()
    for code in _SIGNALS if on_main else ():
        if signal.getsignal(code) is _ignore_signal:
            signal.signal(code, signal.SIG_DFL)     # misc_cmds installs its own
    placeholders = state["placeholders"]
    import importlib
    mods = [importlib.import_module(name) for name in LENS_MODULES]
    real = {}
    for mod in mods:
        for cmd in mod.TABLE:
            real[cmd.name] = cmd
            if interp.commands.get(cmd.name) is placeholders.get(cmd.name):
                interp.register(cmd)
    state["real"] = real
    for mod in mods:
        setup = getattr(mod, "setup", None)
        if setup is not None:
            setup(interp)
    _count_python_as_edits(interp)


def _count_python_as_edits(interp) -> None:
    """Python code may change a network in any way: each `python`/`py`
    call counts as an edit of the session (the shell's command knows no
    session, so the wrapper is put on here)."""
    from .engine.session import Session
    for name in ("python", "py"):
        cmd = interp.commands.get(name)
        if cmd is None:
            continue

        def counted(interp, args, inner=cmd.func):
            s = interp.ext.get("lens")
            if not isinstance(s, Session):      # (with no session yet, no task runs)
                return inner(interp, args)
            s.net_edits += 1
            try:
                return inner(interp, args)
            finally:
                s.net_edits += 1        # (what was kept while it ran is not kept past it)
        cmd.func = counted


def _placeholder(name: str) -> Command:
    def run(interp, args):
        load_lens_commands(interp)
        cmd = interp.ext["lens_commands"]["real"][name]
        return _call(interp, cmd, args)
    return Command(name, run, f"{name} ?arg ...?")


def _call(interp, cmd: Command, args: list) -> str:
    """The real command, with the interpreter's own arity check."""
    if len(args) < cmd.min_args or (cmd.max_args is not None and len(args) > cmd.max_args):
        from .shell.errors import wrong_args
        raise wrong_args(cmd.usage)
    result = cmd.func(interp, args)
    return "" if result is None else result


def make_interp(lazy: bool = True, **kwargs):
    """An interpreter with every command of lens_py (stdout=, stderr=, stdin=
    as for lens_py.shell.interp.Interp).  `lazy`: the Lens commands load at
    the first call of one of them (False: now)."""
    interp = make_shell(**kwargs)
    placeholders = {name: _placeholder(name)
                    for names in LENS_COMMANDS.values() for name in names.split()}
    interp.ext["lens_commands"] = {"loaded": False, "placeholders": placeholders}
    for cmd in placeholders.values():
        interp.register(cmd)
    if threading.current_thread() is threading.main_thread():
        for code in _SIGNALS:
            if signal.getsignal(code) == signal.SIG_DFL:
                signal.signal(code, _ignore_signal)
    if not lazy:
        load_lens_commands(interp)
    return interp
