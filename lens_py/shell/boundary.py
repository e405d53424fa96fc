"""The one place where a Python exception becomes a Tcl error.

A command's function may end in any Python exception: a bug of ours, an OS
error nothing above it caught, or -- through `python {...}` and Python hooks
-- anything user code raises, `sys.exit()` included.  The interpreter calls
`as_tcl_error` for every such exception at the command that raised it, so a
script sees an ordinary Tcl error it can `catch`, with errorInfo, and the
session goes on.

What is not turned into an error: the shell's own signals (errors, break,
continue, return, exit), Python's recursion limit (the interpreter reports it
as Tcl's nesting error), and a real Ctrl-C, which stops whatever runs.  A
KeyboardInterrupt that Python code raised itself is told apart from a real
Ctrl-C by the SIGINT handler installed here: it remembers the interrupt it
raised.
"""
from __future__ import annotations

import signal
import threading

from .errors import TclBreak, TclContinue, TclError, TclExit, TclReturn

# Exceptions that pass through a command boundary unchanged.
SIGNALS = (TclError, TclBreak, TclContinue, TclReturn, TclExit, RecursionError)

# The name Python code runs under (compile(..., "<python>", ...)).
PYTHON_CODE = "<python>"

_last_ctrl_c: list = [None]


def _on_sigint(signum, frame):
    """Python's own behaviour (raise KeyboardInterrupt), remembering which one."""
    error = KeyboardInterrupt()
    _last_ctrl_c[0] = error
    raise error


def watch_ctrl_c() -> None:
    """Install the remembering handler where Python's default one is in place
    (main thread only; a handler someone else installed is left alone)."""
    if threading.current_thread() is not threading.main_thread():
        return
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, _on_sigint)
    except (ValueError, OSError):
        pass


def is_real_ctrl_c(error: BaseException) -> bool:
    """Whether a KeyboardInterrupt came from the terminal (or we cannot
    tell, when the handler is not ours) rather than from a `raise`."""
    if signal.getsignal(signal.SIGINT) is not _on_sigint:
        return True
    return error is _last_ctrl_c[0]


def _from_python_code(error: BaseException) -> bool:
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == PYTHON_CODE:
            return True
        tb = tb.tb_next
    return False


def describe(error: BaseException) -> str:
    """`TypeName: message` (the name alone when there is no message)."""
    if isinstance(error, SystemExit):
        code = error.code
        return (f"SystemExit({code!r}): Python's sys.exit does not leave lens_py "
                "(use the exit command)")
    if isinstance(error, MemoryError):
        return "not enough memory"
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def as_tcl_error(error: BaseException, command: str) -> TclError:
    """The Tcl error a command ending in `error` raises instead."""
    if isinstance(error, OSError) and error.strerror and not _from_python_code(error):
        text = error.strerror
        if error.filename is not None:
            text = f'"{error.filename}": {text}'
        return TclError(f"{command}: {text}", "POSIX")
    if _from_python_code(error) or isinstance(error, (SystemExit, KeyboardInterrupt)):
        return TclError(f"{command}: Python error: {describe(error)}", "PYTHON")
    return TclError(f"{command}: internal error: {describe(error)}", "LENS_PY INTERNAL")


def must_pass(error: BaseException) -> bool:
    """A shell signal or a real Ctrl-C: not turned into an error here."""
    if isinstance(error, SIGNALS):
        return True
    if isinstance(error, KeyboardInterrupt):
        return is_real_ctrl_c(error)
    return False
