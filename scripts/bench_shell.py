"""Time a loop-heavy Tcl script under lens_py and, when present, under tclsh.

    python scripts/bench_shell.py [--n 20000]

Prints the seconds each took and the ratio lens_py / tclsh, plus the cost of
one call of a one-command proc.  Both run the same script with
`tcl_precision 8` and must print the same output (checked)."""
from __future__ import annotations

import argparse
import io
import shutil
import subprocess
import sys
import time

SCRIPT = """
set tcl_precision 8
proc sq {x} {expr {$x * $x}}
proc addTo {listName value} {upvar $listName l; lappend l $value}
set total 0.0
set items {}
set words {}
for {set i 0} {$i < $N} {incr i} {
    set total [expr {$total + [sq $i] * 0.5}]
    if {$i % 7 == 0} {addTo items $i}
    set w [string toupper [format "w%d" [expr {$i % 13}]]]
    if {[string length $w] > 2} {lappend words $w}
}
set n 0
foreach v $items {incr n $v}
puts "$total [llength $items] $n [llength $words] [lindex $words end]"
"""

CALLS = """
proc one {x} {set x}
set t0 [clock microseconds]
for {set i 0} {$i < $N} {incr i} {one $i}
set t1 [clock microseconds]
for {set i 0} {$i < $N} {incr i} {}
set t2 [clock microseconds]
puts [expr {(($t1 - $t0) - ($t2 - $t1)) / double($N)}]
"""


def run_lens_py(script: str, n: int) -> tuple[float, str]:
    from lens_py.assemble import make_interp
    out = io.StringIO()
    interp = make_interp(stdout=out)
    interp.set_global("N", str(n))
    t = time.perf_counter()
    interp.eval(script)
    return time.perf_counter() - t, out.getvalue()


def run_tclsh(tclsh: str, script: str, n: int) -> tuple[float, str]:
    t = time.perf_counter()
    p = subprocess.run([tclsh], input=f"set N {n}\n" + script, capture_output=True,
                       text=True, check=True)
    return time.perf_counter() - t, p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000, help="loop iterations")
    args = ap.parse_args()
    tclsh = shutil.which("tclsh")

    secs, out = run_lens_py(SCRIPT, args.n)
    print(f"loop script, N={args.n}")
    print(f"  lens_py: {secs:8.3f} s   {out.strip()}")
    if tclsh:
        tsecs, tout = run_tclsh(tclsh, SCRIPT, args.n)
        print(f"  tclsh:   {tsecs:8.3f} s   {tout.strip()}")
        print(f"  ratio lens_py/tclsh: {secs / tsecs:.1f}")
        if tout != out:
            print("  WARNING: outputs differ")
    _, per_call = run_lens_py(CALLS, args.n)
    print(f"one-command proc call: {float(per_call):.2f} us (lens_py)", end="")
    if tclsh:
        _, tper = run_tclsh(tclsh, CALLS, args.n)
        print(f", {float(tper):.2f} us (tclsh)")
    else:
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
