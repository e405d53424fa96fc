"""`python {code}` (alias `py`): Python snippets in one persistent namespace."""
from __future__ import annotations

import ast
import contextlib
import io
import textwrap

from . import boundary
from .errors import TclError
from .registry import CommandTable

TABLE = CommandTable("python")


class LensError(Exception):
    """A shell error seen from Python code run by `python {…}`."""


class _ChannelWriter(io.TextIOBase):
    """Sends print() output to the interpreter's stdout channel, where `puts` writes."""

    def __init__(self, interp):
        self.interp = interp

    def write(self, text):
        self.interp.write(text)
        return len(text)


def namespace(interp) -> dict:
    ns = interp.ext.get("python_ns")
    if ns is None:
        def lens(command: str) -> str:
            try:
                return interp.eval(command)
            except TclError as e:
                raise LensError(e.message) from None
        import numpy as np      # here, not at start-up: most scripts never run `python`
        ns = {"np": np, "lens": lens, "LensError": LensError, "__name__": "__lens__"}
        interp.ext["python_ns"] = ns
    session = interp.ext.get("lens")
    ns["net"] = getattr(session, "current_net", None) if session is not None else None
    if session is not None:
        ns["session"] = session
    return ns


def run_python(interp, code: str) -> str:
    ns = namespace(interp)
    try:
        # Code inside braces is usually indented as the surrounding script is.
        tree = ast.parse(textwrap.dedent(code).strip("\n"), mode="exec")
    except SyntaxError as e:
        raise TclError(f"SyntaxError: {e.msg} (line {e.lineno})") from None
    value_node = None
    if tree.body and isinstance(tree.body[-1], ast.Expr):
        value_node = ast.Expression(tree.body.pop().value)
    boundary.watch_ctrl_c()
    with contextlib.redirect_stdout(_ChannelWriter(interp)):
        try:
            exec(compile(tree, boundary.PYTHON_CODE, "exec"), ns)
            if value_node is not None:
                value = eval(compile(value_node, boundary.PYTHON_CODE, "eval"), ns)
                return "" if value is None else str(value)
            return ""
        except BaseException as e:
            # Tcl's own signals (an `exit` through lens(), an error) and a real
            # Ctrl-C go on; anything else Python raised -- sys.exit() and a
            # KeyboardInterrupt it raised itself too -- is a Tcl error.
            if boundary.must_pass(e):
                raise
            raise TclError(boundary.describe(e), "PYTHON") from None


@TABLE.command("python", "python code", 1, 1,
               help="Run Python in a persistent namespace with np, net, lens(cmd).")
def _python(interp, args):
    return run_python(interp, args[0])


@TABLE.command("py", "py code", 1, 1, help="Same as python.")
def _py(interp, args):
    return run_python(interp, args[0])
