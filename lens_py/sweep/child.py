"""One run of a sweep, in a process of its own:

    python -m lens_py.sweep.child FOLDER/sweep-run.json

The folder was made by the sweep (folder.prepare) and this process's
stdout and stderr are its output files.  The run does what
`lens-py -c "seed S; set NAME V ..." SCRIPT` does, from the run's folder
(folder.mirror), and writes what it gives back to sweep-result.json."""
from __future__ import annotations

import json
import os
import sys
import threading
import time
import traceback

from . import folder as F


def execute(spec: dict, stdout=None, stderr=None) -> dict:
    """Run the spec's script once in a fresh interpreter; the result's
    `status` is "ok" or "failed" (with `message`)."""
    from ..cli import report_error, source_rc
    from ..commands.sweep_cmds import TAKEN_KEY, recorded
    from ..assemble import make_interp
    from ..shell.errors import TclError, TclExit
    from ..shell.tcllist import format_list, quote_element
    from ..shell.toplevel import eval_toplevel, source_toplevel
    from .plan import Run
    from .record import Recorder

    run = Run(spec["index"], spec["seed"], dict(spec["values"]))
    script = spec["script"]
    here = spec["folder"]
    interp = make_interp(stdout=stdout or sys.stdout, stderr=stderr or sys.stderr)
    from ..commands.common import session
    lens = session(interp)
    if spec.get("float64"):
        import numpy as np
        lens.dtype = np.float64
    recorder = Recorder(lens)
    interp.ext[TAKEN_KEY] = tuple(run.values)
    # as the command line sets them for `lens-py SCRIPT`
    interp.set_global("argv0", script)
    interp.set_global("argv", format_list([]))
    interp.set_global("argc", "0")
    status, message = "ok", ""
    start = time.perf_counter()
    try:
        if not spec.get("norc"):
            source_rc(interp)
        eval_toplevel(interp, run.tcl_setup())
        source_toplevel(interp, os.path.join(here, os.path.basename(script)))
        if spec.get("keep_weights") and lens.net is not None:
            target = os.path.join(spec["keep_weights"], run.name + ".wt.gz")
            eval_toplevel(interp, "saveWeights " + quote_element(target))
    except TclError as e:
        report_error(interp, e)
        status, message = "failed", _one_line(e.message, e.where)
    except TclExit as e:
        if e.code:
            status, message = "failed", f"the script exited with code {e.code}"
    except KeyboardInterrupt:
        status, message = "failed", "interrupted"
    except Exception as e:     # a fault of lens_py's own: keep the details for a bug report
        interp.write(traceback.format_exc(), "stderr")
        status, message = "failed", f"internal error: {type(e).__name__}: {e}"
    wall = time.perf_counter() - start
    for chan in ("stdout", "stderr"):
        try:
            interp.channels[chan].flush()
        except Exception:
            pass
    result = recorder.summary()
    result.update(status=status, message=message, wall_time=wall, results=recorded(interp))
    return result


def _one_line(message: str, where) -> str:
    text = f"{where[0]}:{where[1]}: {message}" if where else message
    return text.replace("\n", " ")


def _exit_with_parent() -> None:
    """A run whose sweep has gone (its worker killed) ends too."""
    parent = os.getppid()

    def watch():
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(3)
    threading.Thread(target=watch, daemon=True).start()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    spec_path = os.path.abspath(argv[0])
    with open(spec_path) as f:
        spec = json.load(f)
    _exit_with_parent()
    here = spec["folder"]
    os.chdir(here)
    try:
        links = F.mirror(os.path.dirname(spec["script"]), here, spec.get("exclude", ()))
    except (OSError, F.FolderError) as e:
        result = {"status": "failed", "message": f"could not make the run's folder: {e}"}
    else:
        F.guard_writes(links)
        result = execute(spec)
    tmp = os.path.join(here, F.RESULT_FILE + ".tmp")
    with open(tmp, "w") as f:
        json.dump(result, f, allow_nan=True)
    os.replace(tmp, os.path.join(here, F.RESULT_FILE))
    return 0


if __name__ == "__main__":
    sys.exit(main())
