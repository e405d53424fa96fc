"""How a network runs: the one table of execution paths, and the one place
that chooses among them.

A training batch, a `test` and a `doExample` can run in several ways that
print the same numbers (tests compare their bits path against path): a
whole batch side by side, compiled or in NumPy; an example loop compiled
whole; examples compiled one at a time with Tcl hooks between them; Lens's
loop in Python with each tick compiled; Lens's loop in Python alone.  The
table lists them fastest first.  Each path says why it cannot run a network
now (`why_not`, None when it can); `choose` takes the first that can, among
the kinds the network allows:

    setObj executionPath auto      ;# the fastest path that covers the net
    setObj executionPath compiled  ;# only compiled paths (an error if none can)
    setObj executionPath numpy     ;# no compiled code: NumPy batches or Lens's loop
    setObj executionPath python    ;# Lens's loop, literally

At verbosity 2 (or with `train -why` / `test -why`) the chosen path is
printed with the reason each faster one declined.  Choices are made per
batch (a hook may change what can run) and per test call.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional

from . import graphs
from . import types as T
from . import vectorised
from .compiled import cache as kernelcache
from .network import NetworkError

# imported at their first use: they import numba, which a short run never needs
compiled_batch = kernelcache.lazy_module("lens_py.engine.compiled.batch")
compiled_continuous = kernelcache.lazy_module("lens_py.engine.compiled.continuous")
compiled_example = kernelcache.lazy_module("lens_py.engine.compiled.example")
compiled_example_updates = kernelcache.lazy_module("lens_py.engine.compiled.exampleupdates")
exampleloop = kernelcache.lazy_module("lens_py.engine.compiled.exampleloop")

COMPILED, NUMPY, PYTHON = "compiled", "numpy", "python"
SETTINGS = {"auto": (COMPILED, NUMPY, PYTHON), "compiled": (COMPILED,),
            "numpy": (NUMPY, PYTHON), "python": (PYTHON,)}


@dataclass(frozen=True)
class Path:
    """One way of running examples.  `why_not(net, exset, training)` -> the
    reason it cannot run them now, or None.  `batch`: the path runs a whole
    batch side by side (its examples cannot be told apart by a hook).
    `silent`: the display signals whose moments it runs through without
    Python (a graph or recording following one of them needs another path)."""
    name: str
    kind: str
    why_not: Callable
    batch: bool = False
    silent: int = 0
    doc: str = ""


# -- why each path cannot run a network ----------------------------------------------------

class NotCompiled(str):
    """Why a compiled path cannot run: its kernels are not compiled yet, or
    numba is not set up in this process yet (`kernels` None).  Carries which
    kernels, for `choose` to charge the time the slower path takes to them
    (compiled/cache.py sets numba up, or compiles them, once that pays)."""

    def __new__(cls, kernels, variant=""):
        text = (f"its kernels ({variant}) are not compiled yet" if kernels is not None
                else "numba is not set up in this process yet (it is once the run shows "
                     "it lasts long enough to pay for that)")
        reason = super().__new__(cls, text)
        reason.kernels, reason.variant = kernels, variant
        return reason


def _numba_gate() -> Optional[str]:
    """Why no compiled path may run yet, asked before any compiled module is
    looked at (that imports numba)."""
    if not kernelcache.numba_installed():
        return "numba is not installed"
    return None if kernelcache.numba_allowed() else NotCompiled(None)


def _numba_reason(module, variant=None) -> Optional[str]:
    if not module.HAVE_NUMBA:
        return "numba is not installed"
    kernels = module.KERNELS
    variant = variant or kernels.variants[0]
    if module.ENABLED and kernels.ready(variant):
        return None
    if not module.ENABLED or variant in kernels.broken or kernels.failed(variant):
        return "its kernels failed to compile here"
    return NotCompiled(kernels, variant)


def _compiled_batch_why_not(net, exset, training: bool):
    if not compiled_batch.HAVE_NUMBA:
        return "numba is not installed"
    if compiled_batch._quick_blocker(net):
        return vectorised.batch_blocker(net, exset, training) or "the network"
    plan = compiled_batch._plan(net, exset)
    if plan is None:
        return (vectorised.batch_blocker(net, exset, training)
                or compiled_batch._blocker(net, exset) or "its examples")
    rows = net.batch_size if training and net.batch_size > 0 else len(exset.examples)
    if compiled_batch.kernels_for(net, plan, rows) is False:
        return _numba_reason(compiled_batch, compiled_batch.wanted_variant(net, plan, rows))
    return None


def _numpy_batch_why_not(net, exset, training: bool):
    return vectorised.batch_blocker(net, exset, training)


def _examples_why_not(net, exset, training: bool, one_by_one: bool = False):
    reason = exampleloop._blocker(net, exset, example_hooks_ok=one_by_one) \
        or compiled_example._blocker(net, writer_ok=one_by_one) or _numba_reason(compiled_example)
    if reason:
        return reason
    if exampleloop.prepare(net, exset, one_by_one=one_by_one) is None:
        return (compiled_example._blocker(net, writer_ok=one_by_one)
                or "its events (procs, or too many to table)")
    return None


def _between_hooks_why_not(net, exset, training: bool):
    if not any(net.hooks.get(h) for h in exampleloop.EXAMPLE_HOOKS) \
            and net.example_writer is None:
        return "no example hooks or output file to run between examples"
    return _examples_why_not(net, exset, training, one_by_one=True)


def _continuous_why_not(net, exset, training: bool):
    if not net.type & T.CONTINUOUS:
        return "not a CONTINUOUS network"
    return compiled_continuous._blocker(net) \
        or _numba_reason(compiled_continuous, compiled_continuous.wanted_variant(net)) \
        or compiled_continuous.batch_blocker(net, exset)


def _ticks_why_not(net, exset, training: bool):
    if net.type & T.BOLTZMANN:
        return "a Boltzmann network"
    if net.type & T.CONTINUOUS:         # a whole example per compiled call
        reason = compiled_continuous._blocker(net) \
            or _numba_reason(compiled_continuous, compiled_continuous.wanted_variant(net))
        if reason:
            return reason
        if compiled_continuous.plan_for(net) is None:
            return "the network"
        return _followed(net, _WHOLE_EXAMPLES)
    if training and net.type & T.SRBPTT:
        return "an SRBPTT network's ticks"
    reason = compiled_example._blocker(net, writer_ok=True) or _numba_reason(compiled_example)
    if reason:
        return reason
    if compiled_example.plan_for(net, writer_ok=True) is None:
        return "the network"
    return None


def _always(net, exset, training: bool):
    return None


# what a compiled whole example (or more) runs through without Python
_WHOLE_EXAMPLES = T.ON_TICK | T.ON_EVENT | T.ON_EXAMPLE
_WHOLE_TICKS = T.ON_TICK | T.ON_EVENT


def _followed(net, signals: int):
    """Why a path silent on `signals` cannot serve the network's graphs and
    recordings now (None if nothing follows those signals)."""
    if signals and graphs.listening(getattr(net, "session", None), signals):
        return "a graph or recording follows each " + (
            "example" if signals & T.ON_EXAMPLE else "tick")
    return None


def _why_not(path, net, exset, training: bool):
    if path.kind == COMPILED:
        gate = _numba_gate()
        if gate:
            return gate
    return path.why_not(net, exset, training) or _followed(net, path.silent)


COMPILED_BATCH = Path("compiled batch", COMPILED, _compiled_batch_why_not, batch=True,
                      silent=_WHOLE_EXAMPLES,
                      doc="a batch of one-tick examples side by side, compiled")
NUMPY_BATCH = Path("NumPy batch", NUMPY, _numpy_batch_why_not, batch=True,
                   silent=_WHOLE_EXAMPLES,
                   doc="a batch of one-tick examples side by side, as NumPy arrays")
COMPILED_EXAMPLES = Path("compiled example loop", COMPILED, _examples_why_not,
                         silent=_WHOLE_EXAMPLES,
                         doc="examples, events and ticks in one compiled call")
COMPILED_CONTINUOUS = Path("compiled continuous examples", COMPILED, _continuous_why_not,
                           silent=_WHOLE_EXAMPLES,
                           doc="a CONTINUOUS network's examples in one compiled call")
COMPILED_BETWEEN_HOOKS = Path("compiled examples, hooks between", COMPILED,
                              _between_hooks_why_not, silent=_WHOLE_TICKS,
                              doc="each example compiled, example hooks run between them")
COMPILED_TICKS = Path("Lens's loop, compiled ticks", COMPILED, _ticks_why_not,
                      doc="Lens's example loop in Python, each tick (or continuous "
                          "example) compiled")
LENS_LOOP = Path("Lens's loop", PYTHON, _always,
                 doc="Lens's example loop, tick by tick, in Python and NumPy")

# Compiled paths first: a whole example loop compiled beats NumPy's batch on
# all but nets big enough for the compiled batch itself.
TABLE = (COMPILED_BATCH, COMPILED_EXAMPLES, COMPILED_CONTINUOUS, NUMPY_BATCH,
         COMPILED_BETWEEN_HOOKS, COMPILED_TICKS, LENS_LOOP)
EXAMPLE_TABLE = (COMPILED_TICKS, LENS_LOOP)     # what doExample can use


# -- choosing ---------------------------------------------------------------------------------

def allowed_kinds(net) -> tuple:
    setting = getattr(net, "execution_path", "auto")
    kinds = SETTINGS.get(setting, SETTINGS["auto"])
    if not getattr(net, "fast_path", True):         # a test switch: no compiled code
        kinds = tuple(k for k in kinds if k != COMPILED) or (PYTHON,)
    return kinds


def _candidates(net, table):
    kinds = allowed_kinds(net)
    batch_ok = getattr(net, "vectorise", True)
    return [p for p in table if p.kind in kinds and (batch_ok or not p.batch)]


def explain(net, exset, training: bool, table=TABLE) -> list:
    """[(path, reason)] down to the chosen one (reason None), for every path
    the network's setting allows."""
    out = []
    for path in _candidates(net, table):
        reason = _why_not(path, net, exset, training)
        out.append((path, reason))
        if reason is None:
            break
    return out


def _wait_for_kernels(net) -> None:
    """A network forced onto compiled paths waits for the kernels to load."""
    kernelcache.open_numba()
    for module in (compiled_batch, compiled_example) + (
            (compiled_continuous,) if net.type & T.CONTINUOUS else ()):
        if module.HAVE_NUMBA:
            module.ready(net, wait=True)


def _first_path(net, exset, training: bool, table):
    """(the first path that can run, the first NotCompiled reason before it)."""
    missing = None
    for path in _candidates(net, table):
        reason = _why_not(path, net, exset, training)
        if reason is None:
            return path, missing
        if missing is None and isinstance(reason, NotCompiled):
            missing = reason
    return None, missing


# What examples cost on the slower paths, roughly, on a small machine: Lens's
# loop in Python pays per example and tick (0.1-1.5 ms), a NumPy batch per
# batch and per link.  Only good enough to tell a script that computes for a
# moment from one that would take longer than setting numba up.
LOOP_SECONDS_PER_EXAMPLE_TICK = 2e-4
BATCH_SECONDS = 1e-4
BATCH_SECONDS_PER_LINK_ROW = 1e-9


def _slow_seconds(net, exset, training: bool, path) -> float:
    """What the rest of this train (or this test) would take on `path`."""
    n = len(getattr(exset, "examples", None) or ())
    if training:
        rows = net.batch_size if net.batch_size > 0 else n
        batches = kernelcache.updates_left()
    else:
        rows, batches = n, 1
    if path.batch:
        per_batch = BATCH_SECONDS + rows * net.num_links * BATCH_SECONDS_PER_LINK_ROW
    else:
        per_batch = rows * max(1, net.max_ticks) * LOOP_SECONDS_PER_EXAMPLE_TICK
    return batches * per_batch


def _memo_key(net, exset, training: bool, table):
    """What a choice depends on that can change inside one train or test
    without the net being edited: nothing.  So within one task, while no
    command that may change a net and no Python code has run since (hooks
    that only read keep it), the last choice holds."""
    return net.task_key(id(exset), getattr(exset, "version", None), training, table)


def choose(net, exset, training: bool, table=TABLE) -> Path:
    """The path that runs the next batch (or test, or example).  Each choice
    gets a new serial number: a compiled path may check the network once per
    choice, since nothing but its own loops and weight updates run until the
    next one.  A choice is kept (same path, same serial) while nothing could
    change it (_memo_key) and no faster path waits for its kernels."""
    key = _memo_key(net, exset, training, table)
    memo = getattr(net, "_path_memo", None)
    if key is not None and memo is not None and memo[0] == key:
        return memo[1]
    net._path_memo = None
    net.choice_serial = getattr(net, "choice_serial", 0) + 1
    kernelcache.numpy_notice(kernelcache.numba_installed())
    if getattr(net, "execution_path", "auto") == "compiled":
        _wait_for_kernels(net)
    path, missing = _first_path(net, exset, training, table)
    # the kernels of a faster path compile once this slower one has run long
    # enough to pay for them
    if path is not None and missing is not None and (
            kernelcache.charge_numba(_slow_seconds(net, exset, training, path))
            if missing.kernels is None else missing.kernels.charge(missing.variant)):
        path, missing = _first_path(net, exset, training, table)
    if path is not None:
        if key is not None and missing is None:
            net._path_memo = (key, path)
        return path
    if getattr(net, "execution_path", "auto") == "compiled":
        reasons = "; ".join(f"{p.name}: {r}" for p, r in explain(net, exset, training, table))
        raise NetworkError("executionPath compiled: no compiled path can run this network "
                           f"({reasons})")
    return LENS_LOOP


def describe(net, exset, training: bool, table=TABLE) -> str:
    """One line: the chosen path and why each faster one declined."""
    steps = explain(net, exset, training, table)
    chosen = steps[-1][0] if steps and steps[-1][1] is None else LENS_LOOP
    declined = "; ".join(f"{p.name}: {r}" for p, r in steps if r is not None)
    text = f"Execution path: {chosen.name}"
    if declined:
        text += f" (declined: {declined})"
    return text + "\n"


def set_execution_path(net, value: str) -> None:
    if value not in SETTINGS:
        raise NetworkError(f"executionPath must be one of {', '.join(SETTINGS)}, not "
                           f'"{value}"')
    net.execution_path = value


def compiled_allowed(net) -> bool:
    return COMPILED in allowed_kinds(net)


# -- the weight update: compiled, or algorithms.py ------------------------------------------

def update_weights(net, algorithm: int, do_stats: bool, learning=None) -> None:
    """algorithms.update_weights, compiled when the network allows it and the
    kernel covers its links (the same numbers)."""
    if compiled_allowed(net) and kernelcache.numba_allowed() \
            and compiled_batch.try_update_weights(net, algorithm, do_stats, learning):
        return
    from .algorithms import update_weights as numpy_update
    numpy_update(net, algorithm, do_stats, learning)
