"""`sweepResult name value`: a number (or word) the script hands back to a
sweep, which puts it in the run's row under `name`.  Outside a sweep the
command only records the value, so the same script runs alone unchanged."""
from __future__ import annotations

from ..shell.errors import TclError
from ..shell.registry import CommandTable
from ..sweep.plan import PlanError, check_name
from .common import lens_command

TABLE = CommandTable("lens-sweep")

USAGE = "sweepResult <name> <value>"

# interp.ext keys: the values recorded so far (name → text, in order of first
# recording) and the names a sweep already uses for its swept variables.
RESULTS_KEY = "sweep_results"
TAKEN_KEY = "sweep_variables"


@lens_command(TABLE, "sweepResult", USAGE, 2, 2,
              help="record a value for this run's row in a sweep's results")
def _sweep_result(interp, args):
    name, value = args
    try:
        check_name(name)
    except PlanError as e:
        raise TclError(f"sweepResult: {e}") from None
    if name in interp.ext.get(TAKEN_KEY, ()):
        raise TclError(f'sweepResult: "{name}" is a variable this sweep sets; '
                       f"choose another name")
    interp.ext.setdefault(RESULTS_KEY, {})[name] = value
    return ""


def recorded(interp) -> dict:
    """The values sweepResult recorded in this interpreter."""
    return dict(interp.ext.get(RESULTS_KEY, {}))
