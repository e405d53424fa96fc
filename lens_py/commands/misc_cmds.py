"""Lens's remaining commands: the process ones (pid, nice, signal, wait, ls),
polarity, and the parallel-training family, which lens_py does not have
(each says so and names what to use instead).
"""
from __future__ import annotations

import math
import os
import signal as signals
import threading
import time
import weakref

import numpy as np

from ..shell import numbers
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from .common import current_net, groups_one_by_one, lens_command, session

TABLE = CommandTable("misc")
F32 = np.float32


# -- the process ------------------------------------------------------------------------

@TABLE.command("pid", "pid ?fileId?", 0, 1)
def _pid(interp, args):
    if not args:
        return str(os.getpid())
    chan = interp.channels.get(args[0])
    if chan is None:
        raise TclError(f'can not find channel named "{args[0]}"')
    proc = getattr(chan, "process", None)
    return "" if proc is None else str(proc.pid)


NICE_USAGE = "nice [<priority-increment>]"


@lens_command(TABLE, "nice", NICE_USAGE, 0, 1)
def _nice(interp, args):
    if args:
        step = numbers.get_int(args[0])
        if step < 0:
            raise TclError("nice: priority increment can't be negative")
        os.nice(step)
    return str(os.getpriority(os.PRIO_PROCESS, 0))


WAIT_USAGE = "wait [<max-time>]"


@lens_command(TABLE, "wait", WAIT_USAGE, 0, 1)
def _wait(interp, args):
    # Lens waits (for its GUI or parallel clients) until `wait 0` or Ctrl-C
    # ends it, or for at most max-time seconds.  lens_py has neither, so only
    # the time limit or an interrupt ends it; the script then goes on.
    limit = None
    if args:
        limit = _leading_unsigned(args[0])
        if limit == 0:
            return ""
    deadline = None if limit is None else time.monotonic() + limit
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.05 if deadline is None else min(0.05, max(0.0, deadline - time.monotonic())))
    except KeyboardInterrupt:
        pass
    return ""


def _leading_unsigned(text: str) -> int:
    """sscanf("%lu"): the leading digits (none: no limit, as Lens leaves it unset)."""
    digits = ""
    for ch in text.strip():
        if not ch.isdigit():
            break
        digits += ch
    return int(digits) if digits else None


SIGNAL_USAGE = "signal [<code>]"
SIGNAL_CODES = ("Useful codes are:\n"
                "INT   stops the work in progress (as Ctrl-C does)\n"
                "USR1  runs the network's sigUSR1Proc\n"
                "USR2  runs the network's sigUSR2Proc\n"
                "QUIT, KILL, ABRT, ALRM and TERM end the process.\n"
                "Any other signal can be given by its number.")
_NAMED = {"INT": signals.SIGINT, "USR1": signals.SIGUSR1, "USR2": signals.SIGUSR2,
          "QUIT": signals.SIGQUIT, "KILL": signals.SIGKILL, "ABRT": signals.SIGABRT,
          "ALRM": signals.SIGALRM, "TERM": signals.SIGTERM}


@lens_command(TABLE, "signal", SIGNAL_USAGE, 0, 1)
def _signal(interp, args):
    if not args:
        return SIGNAL_CODES
    code = _NAMED.get(args[0])
    if code is None:
        code = numbers.get_int(args[0]) if args[0].lstrip("+-").isdigit() else 0
    if code <= 0:
        raise TclError(f"signal: unrecognized code: {args[0]}")
    if code == signals.SIGINT:
        # delivered for real, so it stops what runs as a Ctrl-C does
        signals.raise_signal(signals.SIGINT)
        return ""
    if code in (signals.SIGUSR1, signals.SIGUSR2):
        return run_signal_proc(interp, code)
    os.kill(os.getpid(), code)
    return ""


def run_signal_proc(interp, code) -> str:
    """What Lens does on SIGUSR1/SIGUSR2: say so, then run the current
    network's sigUSR1Proc/sigUSR2Proc at global level and print its result."""
    which = "USR1" if code == signals.SIGUSR1 else "USR2"
    s = session(interp)
    s.print(f"\nReceived signal {which}\n")
    net = s.net
    script = net.hooks.get(f"sig{which}Proc") if net is not None else None
    if script:
        result = interp.eval_global(script)
        if result:
            s.print(result)
    return ""


# A signal sent from outside (kill -USR1 <pid>) runs the hook of the newest
# shell in this process, between two Python steps (as Lens runs it in its
# handler, between two C steps).
_LATEST = {"interp": None}


def _on_signal(code, frame):
    ref = _LATEST["interp"]
    interp = ref() if ref is not None else None
    if interp is None:
        return
    try:
        run_signal_proc(interp, code)
    except TclError as e:
        interp.write(f"Error: {e.message}\n", "stderr")


def setup(interp):
    _LATEST["interp"] = weakref.ref(interp)
    if threading.current_thread() is threading.main_thread():
        for code in (signals.SIGUSR1, signals.SIGUSR2):
            if signals.getsignal(code) in (signals.SIG_DFL, _on_signal):
                signals.signal(code, _on_signal)


# -- polarity -------------------------------------------------------------------------

POLARITY_USAGE = "polarity [reset | update | report] <group-list>"


def _sub_command(word: str, name: str, least: int) -> bool:
    """Lens's subString(word, name, least): true once the first least + 1
    characters agree (so `polarity rep` is not `report`, `repo` is)."""
    for i, (a, b) in enumerate(zip(word, name)):
        if a != b:
            return False
        if i >= least:
            return True
    return False


@lens_command(TABLE, "polarity", POLARITY_USAGE, 2, 2)
def _polarity(interp, args):
    net = current_net(interp)
    what, groups = args
    if _sub_command(what, "reset", 3):
        for g in groups_one_by_one(net, groups, "polarity"):
            g.polarity_sum, g.polarity_num = 0.0, 0
    elif _sub_command(what, "update", 1):
        for g in groups_one_by_one(net, groups, "polarity"):
            _polarity_update(g)
    elif _sub_command(what, "report", 3):
        parts = []
        for g in groups_one_by_one(net, groups, "polarity"):
            mean = float(F32(F32(g.polarity_sum) / F32(g.polarity_num))) \
                if g.polarity_num > 0 else 0.0
            parts.append(f'{{"{g.name}" {_c_g(mean)}}}')
        return " ".join(parts)
    return ""


def _polarity_update(g) -> None:
    """How far each output is from the middle of the group's range: 1 at the
    bounds, 0 in the middle (one minus the outputs' entropy in bits), added
    up in float as Lens does."""
    lo, hi = F32(g.min_output), F32(g.max_output)
    scale = F32(1.0 / float(F32(hi - lo)))
    log2 = float(F32(math.log(2.0)))
    total = F32(g.polarity_sum)
    outputs = g.output[-1]
    live = range(g.size) if g.skipped is None else np.flatnonzero(~g.skipped)
    for u in live:
        x = F32(F32(outputs[u] - lo) * scale)
        if x <= 0 or x >= 1:
            d = F32(1.0)
        else:
            first = float(F32(x * F32(math.log(float(x)))))
            second = (1.0 - float(x)) * float(F32(math.log(1.0 - float(x))))
            d = F32((first + second) / log2 + 1.0)
        total = F32(total + d)
        g.polarity_num += 1
    g.polarity_sum = float(total)


def _c_g(x: float) -> str:
    """C's %g."""
    return "%g" % x


# -- parallel training: not in lens_py ------------------------------------------------

PARALLEL = {
    "startServer": "startServer [<port>]",
    "stopServer": "stopServer",
    "startClient": "startClient <server-name> <port>",
    "stopClient": "stopClient",
    "waitForClients": "waitForClients [<num-clients>] [<command>]",
    "sendEval": "sendEval <command> [<client>]",
    "sendObject": "sendObject <object> <value>",
    "clientInfo": "clientInfo [<client>]",
    "trainParallel": "trainParallel [<num-updates>] [-report <report-interval>] "
                     "[-algorithm <algorithm>] [-setOnly]",
}
PARALLEL_INSTEAD = ("lens_py has no parallel training server or clients (Lens's "
                    "startServer/startClient protocol); for many runs over seeds or "
                    "parameters use `lens-py sweep`, and train one network here with `train`")


def _not_supported(name):
    def run(interp, args):
        raise TclError(f"{name}: not supported: {PARALLEL_INSTEAD}")
    return run


for _name, _usage in PARALLEL.items():
    lens_command(TABLE, _name, _usage)(_not_supported(_name))
