"""The shell's error type and the control-flow signals of Tcl's return codes."""
from __future__ import annotations


class TclError(Exception):
    """Any error a script can see with `catch`: the shell's one error type."""

    def __init__(self, message: str, error_code: str = "NONE"):
        super().__init__(message)
        self.message = message
        self.error_info = message
        self.error_code = error_code
        # (file, line) of the innermost sourced command that failed, if any.
        self.where: tuple | None = None
        # Whether the "while executing" part of errorInfo has been started.
        self.info_started = False
        # `error msg info`: the failing command itself adds no errorInfo line.
        self.skip_log = False
        # Line (within the script that caught it) of the failing command.
        self.error_line = 1
        # Tcl's -errorstack: "INNER {...}" then "CALL {...}" per proc left.
        self.error_stack: list = []
        # errorInfo follows Tcl's compiled evaluation: within one evaluated
        # script (a proc body, an eval/uplevel/foreach body, with the inline
        # bodies of if/while/for/switch/catch and [..] substitutions) only the
        # innermost failing command is recorded; `unit_logged` says that has
        # been done and `unit_text` holds that command's text.
        self.unit_logged = False
        self.unit_text = ""

    def __str__(self) -> str:
        return self.message


class TclBreak(Exception):
    def __init__(self, value: str = ""):
        super().__init__(value)
        self.value = value


class TclContinue(Exception):
    def __init__(self, value: str = ""):
        super().__init__(value)
        self.value = value


class TclReturn(Exception):
    """`return`: carries the value and the completion code for the caller."""

    def __init__(self, value: str = "", code: int = 0, level: int = 1,
                 error_info: str | None = None, error_code: str | None = None):
        super().__init__(value)
        self.value = value
        self.code = code
        self.level = level
        self.error_info = error_info
        self.error_code = error_code


class TclExit(Exception):
    """`exit`: leave the program with this status."""

    def __init__(self, code: int = 0):
        super().__init__(code)
        self.code = code


def wrong_args(usage: str) -> TclError:
    return TclError(f'wrong # args: should be "{usage}"', "TCL WRONGARGS")


def posix_error_code(e: OSError) -> str:
    """Tcl's errorCode for a system error: POSIX ENOENT {no such file or directory}."""
    import errno
    name = errno.errorcode.get(e.errno or 0, "EUNKNOWN")
    return f"POSIX {name} {{{(e.strerror or '').lower()}}}"


def channel_error(prefix: str, e: OSError) -> TclError:
    """Tcl's wording for a failed channel operation: `error writing "file3":
    no space left on device`, with the POSIX errorCode."""
    return TclError(prefix + (e.strerror or str(e)).lower(), posix_error_code(e))
