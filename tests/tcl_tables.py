"""Tables of (script, return code, result) for the shell's Tcl, and the two
ways to run them.

A row's script runs as `catch $script r` in a fresh interpreter, so its code
is catch's (0 ok, 1 error, 2 return, 3 break, 4 continue) and its result is
`r` (the value, or the error message).  The expected columns were produced
by a real tclsh 8.6 with Lens's `tcl_precision 8`: `run_ours` checks a row
against our interpreter without tclsh, `run_tclsh` runs every script of a
table through tclsh (each in a fresh child interpreter of one process) so a
test can check that the table still says what Tcl says."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile

from lens_py.shell import make_shell

TCLSH = shutil.which("tclsh")
PRECISION = 8             # Lens sets tcl_precision 8 before any script runs

# Reads hex-coded scripts from stdin, one a line; runs each in a fresh child
# interpreter and prints "code length" then the result.
_DRIVER = r"""
fconfigure stdout -encoding utf-8 -translation lf
set tcl_precision %d
while {[gets stdin line] >= 0} {
    set script [encoding convertfrom utf-8 [binary decode hex $line]]
    set child [interp create]
    $child eval [list set script $script]
    set code [$child eval {catch $script r}]
    set result [$child eval {set r}]
    interp delete $child
    puts "$code [string length $result]"
    puts $result
}
""" % PRECISION


def run_ours(script: str) -> tuple[int, str]:
    interp = make_shell(stdout=io.StringIO(), stderr=io.StringIO())
    interp.set_var("script", script)
    code = interp.eval("catch $script r")
    return int(code), interp.get_var("r")


def run_tclsh(scripts: list[str]) -> list[tuple[int, str]]:
    """(code, result) of each script under the real tclsh."""
    feed = "".join(s.encode("utf-8").hex() + "\n" for s in scripts)
    with tempfile.TemporaryDirectory() as folder:
        driver = os.path.join(folder, "driver.tcl")
        with open(driver, "w") as f:
            f.write(_DRIVER)
        out = subprocess.run([TCLSH, driver], input=feed.encode(), capture_output=True,
                             timeout=120, check=True).stdout.decode("utf-8")
    results, pos = [], 0
    for _ in scripts:
        eol = out.index("\n", pos)
        code, length = map(int, out[pos:eol].split())
        results.append((code, out[eol + 1:eol + 1 + length]))
        pos = eol + 1 + length + 1
    return results
