"""Running a script at the top level (REPL line, piped chunk, -c, a file).

Inside a script, `return`, `break` and `continue` are Python exceptions that
procs and loops catch.  At the top level nothing catches them, so this module
turns them into what tclsh shows: `return` ends the script with its value,
`return -code error` is an error, `break`/`continue` outside a loop are errors.
A Python RecursionError (deep recursion) becomes Tcl's nesting error too, so
callers only ever see TclError or TclExit.
"""
from __future__ import annotations

from .errors import TclBreak, TclContinue, TclError, TclReturn


def eval_toplevel(interp, script: str) -> str:
    """interp.eval_global(script); raises only TclError (or TclExit)."""
    return run_toplevel(interp, interp.eval_global, script)


def source_toplevel(interp, path: str) -> str:
    """interp.source(path) at the top level, with the same guarantees."""
    return run_toplevel(interp, interp.source, path)


def run_toplevel(interp, fn, arg: str) -> str:
    try:
        return fn(arg)
    except TclReturn as r:
        return _return_at_toplevel(r)
    except TclBreak:
        raise TclError('invoked "break" outside of a loop') from None
    except TclContinue:
        raise TclError('invoked "continue" outside of a loop') from None
    except RecursionError:
        interp.reset_frames()
        raise TclError("too many nested evaluations (infinite loop?)") from None


def _return_at_toplevel(r: TclReturn) -> str:
    code = r.code
    if code == 0:
        return r.value
    if code == 1:
        err = TclError(r.value, r.error_code or "NONE")
        if r.error_info:
            err.error_info = r.error_info
            err.info_started = True
        raise err
    if code == 3:
        raise TclError('invoked "break" outside of a loop')
    if code == 4:
        raise TclError('invoked "continue" outside of a loop')
    raise TclError(f"command returned bad code: {code}")
