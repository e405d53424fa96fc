"""The `lens-py` command line."""
from __future__ import annotations

import os
import sys

from . import __version__
from .assemble import make_interp
from .shell.errors import TclError, TclExit
from .shell.parser import is_complete
from .shell.tcllist import format_list
from .shell.toplevel import eval_toplevel, source_toplevel

USAGE = """usage: lens-py [options] [script [args ...]]
  (no script)      the lens> prompt, or run commands piped on stdin
  script args      run the script (argv/argc/argv0 set as in tclsh), then exit
  -i               stay at the prompt after the script
  -c CMDS          run CMDS (then the script, if any)
  -b, -batch       accepted for Lens compatibility (lens_py has no GUI)
  --norc           do not source ~/.lensrc
  --float64        compute in double precision (Lens uses float32)
  --version        print the version
  --example NAME   run one of the example networks that ship with lens_py
  --examples       list them
  sweep SCRIPT ... many runs of SCRIPT over seeds and values (lens-py sweep -h)
"""


def report_error(interp, e: TclError, where_prefix: str = "") -> None:
    if e.where is not None:
        fname, line = e.where
        text = f"Error: {fname}:{line}: {e.message}"
    else:
        text = f"Error: {where_prefix}{e.message}"
    info = e.error_info
    detail = info[len(e.message):] if info.startswith(e.message) else ""
    try:
        interp.write(text + detail + "\n", "stderr")
    except TclError:
        pass            # stderr itself cannot be written (a full disk): nowhere to say it


def run_stream(interp, stream, report_incomplete: bool = True) -> int:
    """Run commands read from a stream (batch stdin) as tclsh does: each
    complete command in turn at global level; an error is reported and the
    next command still runs.  Returns 1 if any command failed, else 0.
    tclsh silently drops an unfinished command at end of input; we report it
    unless report_incomplete is False."""
    status = 0
    buf = ""
    for line in stream:
        buf += line if line.endswith("\n") else line + "\n"
        if not is_complete(buf):
            continue
        cmd, buf = buf, ""
        if not cmd.strip():
            continue
        try:
            eval_toplevel(interp, cmd)
        except TclError as e:
            report_error(interp, e)
            status = 1
    if buf.strip() and report_incomplete:
        try:
            eval_toplevel(interp, buf)
        except TclError as e:
            report_error(interp, e)
            status = 1
    return status


def source_rc(interp) -> None:
    path = os.environ.get("LENS_PY_RC", os.path.expanduser("~/.lensrc"))
    if os.path.isfile(path):
        try:
            interp.source(path)
        except TclError as e:
            report_error(interp, e, f"in {path}: ")


def parse_args(argv):
    opts = {"interactive": False, "commands": [], "norc": False, "script": None, "args": []}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--version":
            opts["version"] = True
        elif a in ("-h", "--help", "-help") or (a.startswith("-he") and "-help".startswith(a)):
            opts["help"] = True
        elif a == "-i":
            opts["interactive"] = True
        elif a == "-c":
            if i + 1 >= len(argv):
                raise SystemExit("lens-py: -c needs commands")
            i += 1
            opts["commands"].append(argv[i])
        elif a == "--norc":
            opts["norc"] = True
        elif a == "--examples":
            opts["list_examples"] = True
        elif a == "--example":
            if i + 1 >= len(argv):
                raise SystemExit("lens-py: --example needs a name (lens-py --examples lists them)")
            i += 1
            opts["example"] = argv[i]
        elif a == "--float64":
            opts["float64"] = True
        elif a == "-b" or (len(a) >= 3 and any(f.startswith(a) for f in ("-batch", "-nogui",
                                                                          "-console"))):
            pass
        elif a == "--":
            i += 1
            break
        else:
            break
        i += 1
    if i < len(argv):
        opts["script"] = argv[i]
        opts["args"] = argv[i + 1:]
    return opts


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["sweep"]:       # `lens-py sweep ...` (a file named sweep: ./sweep)
        from .sweep.cli import main as sweep_main
        return sweep_main(argv[1:])
    opts = parse_args(argv)
    if opts.get("version"):
        print(f"lens_py {__version__} (follows Lens 2.63)")
        return 0
    if opts.get("help"):
        sys.stderr.write(USAGE)
        return 0
    if opts.get("list_examples"):
        from . import nets
        for name in nets.names():
            print(f"{name:20s} {nets.summary(name)}")
        return 0
    if "example" in opts:
        from . import nets
        try:
            example = str(nets.script(opts["example"]))
        except KeyError:
            sys.stderr.write(f'lens-py: no example called "{opts["example"]}" '
                             f'(there are: {", ".join(nets.names())})\n')
            return 1
        if opts["script"] is not None:      # what followed the name is the script's argv
            opts["args"] = [opts["script"]] + opts["args"]
        opts["script"] = example
    interp = make_interp()
    if opts.get("float64"):
        import numpy as np
        from .commands.common import session
        session(interp).dtype = np.float64
    script = opts["script"]
    interp.set_global("argv0", script if script else "lens-py")
    interp.set_global("argv", format_list(opts["args"]))
    interp.set_global("argc", str(len(opts["args"])))
    status = 0
    try:
        if not opts["norc"]:
            source_rc(interp)
        for cmds in opts["commands"]:
            try:
                result = eval_toplevel(interp, cmds)
                if result and sys.stdout.isatty():
                    interp.write(result + "\n")
            except TclError as e:
                report_error(interp, e)
                status = 1
        if script is not None:
            if not os.path.isfile(script):
                sys.stderr.write(f'Error: couldn\'t read file "{script}": no such file\n')
                return 1
            try:
                source_toplevel(interp, script)
            except TclError as e:
                report_error(interp, e)
                status = 1
            if not opts["interactive"]:
                return status
        elif opts["commands"] and not opts["interactive"]:
            return status
        if sys.stdin.isatty() and sys.stdout.isatty():
            from .repl import run_repl
            return run_repl(interp) or status
        return run_stream(interp, sys.stdin) or status
    except TclExit as e:
        return e.code
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        return 130
    finally:
        for chan in ("stdout", "stderr"):
            try:
                interp.channels[chan].flush()
            except Exception:
                pass


if __name__ == "__main__":
    sys.exit(main())
