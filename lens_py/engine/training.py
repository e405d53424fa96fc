"""Training and testing: Lens's example loop, its
batch loop and its `train`/`test`/`doExample` commands.

How each batch, test and example runs is chosen in paths.py (one table of
execution paths, all printing the same numbers); this module holds Lens's
loops themselves: `train` (updates, reports, criteria), `train_batch`,
`test`, and the per-example path (`run_example`: events, ticks, hooks,
criteria, grace periods), which every other path reproduces.
"""
from __future__ import annotations

import time

import numpy as np

from . import batchstart
from . import boltzmann
from . import continuous
from . import kohonen, groupprocs
from . import paths
from . import vectorised
from .compiled import cache as kernelcache
from . import forward as F
from . import graphs
from . import noise
from . import types as T
from .events import (_event_times, _examples, _reset_outputs, load_event, select_example)
from .network import NetworkError
from .report import HEADER, ReportClock, report_line, test_report
from .schedule import schedule_run

_REGISTERS_TYPES = (kohonen, groupprocs)  # imported for the group types they register

# the compiled paths' modules, imported when a compiled path first runs (paths.py)
exampleloop = paths.exampleloop
fastcontinuous = paths.compiled_continuous
fastexample = paths.compiled_example
fastpath = paths.compiled_batch

SMALL_VAL = np.float32(1e-8)

TEST_CHUNK_EXAMPLES = 2_000        # examples of one compiled per-example test call


class TrainingHalted(Exception):
    """Training or testing stopped early; the message is Lens's result text."""


# -- hooks and scripts ---------------------------------------------------------------

def run_hook(session, net, name: str) -> None:
    hook = net.hooks.get(name)
    if not hook:
        return
    if callable(hook):
        session.net_edits += 1
        try:
            hook()
        finally:
            session.net_edits += 1      # (what was kept while it ran is not kept past it)
    else:
        session.script(hook, name)


# Lens updates its displays (graphs, recordings) right after these hooks
_SIGNAL_AFTER_HOOK = {"postTickProc": graphs.ON_TICK, "postEventProc": graphs.ON_EVENT}


def _hooks_for(session, net):
    def hook(name):
        if name == "preExampleBackProc":
            graphs.example_forward_done(session, net)
        run_hook(session, net, name)
        signal = _SIGNAL_AFTER_HOOK.get(name)
        if signal:
            graphs.update_displays(session, net, signal)
    return hook


def _example_written(session, net, ex) -> None:
    """After postExampleProc: the output file's record, then Lens's second
    EXAMPLES signal (train and test batches, doExample)."""
    if net.example_writer is not None:
        net.example_writer(net, ex)
    graphs.after_example(session, net, again=True)


# -- the per-example path --------------------------------------------------------------

_TICK_HOOKS = ("preEventProc", "postEventProc", "preTickProc", "postTickProc",
               "preTickBackProc")


def run_example(session, net, exset, example, training: bool,
                example_back: bool = True, compiled: bool = True) -> bool:
    """standardNetRunExample: returns whether every event met the criteria.
    `compiled`: the path (paths.COMPILED_TICKS) lets ticks, or a continuous
    example, run compiled where their kernels still cover the network after
    the scripts run so far (the same numbers).  Ends with Lens's EXAMPLES
    signal (ticks and events send theirs after their hooks)."""
    graphs.example_begins(session)
    correct = _run_example(session, net, exset, example, training, example_back, compiled)
    graphs.example_forward_done(session, net)
    return correct


def _run_example(session, net, exset, example, training: bool, example_back: bool,
                 compiled: bool) -> bool:
    if net.type & T.BOLTZMANN:
        return boltzmann.run_example(session, net, exset, example, training, example_back)
    if net.type & T.CONTINUOUS:
        if compiled:
            done = fastcontinuous.run_example(session, net, exset, example, training,
                                              example_back)
            if done is not None:
                return done
        return continuous.run_example(session, net, exset, example, training, example_back)
    hook = _hooks_for(session, net)
    events = example.events
    event = 0
    ev = events[0]
    load_event(session, net, exset, ev)
    ticks_on_event = 0
    max_t, min_t, grace_t = _event_times(net, exset, ev)
    net.in_grace_period = grace_t > 0.0
    for g in net.groups:
        if g.type & T.RESET_ON_EXAMPLE:
            _reset_outputs(net, g)
            continuous.reset_forward_integrators(net, g)
    srbptt = training and example_back and bool(net.type & T.SRBPTT)
    if net.history_length:
        net.example_history_start = (net.example_history_start
                                     + net.ticks_on_example) % net.history_length
        net.reset_history[F.history_index(net, 0)] = True
    hook("preEventProc")
    correct = True
    freq = [getattr(example, "frequency", 1.0)]
    freq32 = float(np.float32(freq[0]))
    scripted = any(net.hooks.get(h) for h in _TICK_HOOKS) \
        or any(getattr(e, "proc", None) for e in events)
    plan = None
    tpi = net.ticks_per_interval
    tick = 0
    while tick < net.max_ticks and event < len(events):
        net.current_tick = tick
        net.event_history[tick] = event
        if tick > 0 and net.history_length:
            net.reset_history[F.history_index(net, tick)] = False
        hook("preTickProc")
        # the compiled tick when it can (same bits); never around a tick-back hook.
        # Only scripts change the network, so the plan is looked at again after them.
        if compiled and (tick == 0 or scripted):
            plan = None if srbptt else fastexample.plan_for(net)
        if plan is not None and not (training and net.hooks.get("preTickBackProc")):
            fastexample.run_tick(net, plan, freq32, training)
        else:
            ctx = F.TickContext(net, 1, freq, training)
            if srbptt:
                F.srbptt_tick(net, ctx)
            elif training:
                F.train_tick(net, ctx, hook)
            else:
                F.forward_tick(net, ctx)
        hook("postTickProc")
        ticks_on_event += 1
        t = np.float32(np.float32(np.float32(ticks_on_event) / np.float32(tpi)) + SMALL_VAL)
        done, crit = event_over(net, training, t, tick, (max_t, min_t, grace_t))
        if done:
            if not crit:
                correct = False
            hook("postEventProc")
            if net.group_crit_required and not crit:
                break
            event += 1
            if event < len(events):
                ev = events[event]
                load_event(session, net, exset, ev)
                ticks_on_event = 0
                max_t, min_t, grace_t = _event_times(net, exset, ev)
                net.in_grace_period = grace_t > 0.0
                hook("preEventProc")
        tick += 1
    net.ticks_on_example = net.current_tick + 1
    if srbptt:
        hook("preExampleBackProc")
        F.srbptt_example_back(net)
    return correct


def event_over(net, training: bool, t, tick: int, times) -> tuple:
    """After a tick, `t` into the event: (is the event over, did the group
    criteria hold).  The criteria are looked at only where Lens does: when
    the event is over, or from minTime on, where meeting them ends it; the
    grace period ends at graceTime."""
    max_t, min_t, grace_t = times
    if t >= max_t or tick >= net.max_ticks - 1:
        return True, _criteria(net, training)
    if t >= min_t and _criteria(net, training):
        return True, True
    if net.in_grace_period and t >= grace_t:
        net.in_grace_period = False
    return False, False


def _criteria(net, training: bool) -> bool:
    ok = F.criteria_reached(net, training)
    return bool(ok is not None and ok[-1])


# -- batches -------------------------------------------------------------------------------

def _num_examples(exset) -> int:
    return len(_examples(exset))


def announce(session, net, exset, training: bool, path) -> None:
    """At verbosity 2, or for `train -why`/`test -why`: say which path runs
    and why each faster one declined (again only when the choice changes)."""
    if not (net.explain_path or session.verbosity >= 2) or net.shown_path is path:
        return
    net.shown_path = path
    session.print(paths.describe(net, exset, training))


def train_batch(session, net, path=None) -> bool:
    """standardNetTrainBatch on the path paths.py chooses (or `path`, chosen
    just before with nothing run since); returns allCorrect."""
    exset = net.training_set
    if exset is None:
        raise NetworkError("There is no training example set")
    if path is None:
        path = paths.choose(net, exset, True)
    announce(session, net, exset, True, path)
    if path is paths.COMPILED_BATCH:
        done = fastpath.train_batch(session, net, exset)
        if done is not None:
            return done
        path = paths.LENS_LOOP          # (it declined after all: the same numbers)
    batchstart.reset_batch(net)
    n = net.batch_size if net.batch_size > 0 else _num_examples(exset)
    if n == 0 and getattr(exset, "mode", 0) == T.PIPE:
        raise NetworkError("You must specify a non-zero batch size when reading from a pipe.")
    all_correct = None
    if n > 0 and path is paths.NUMPY_BATCH:
        all_correct = vectorised.train_batch(session, net, exset, n)
    elif path is paths.COMPILED_EXAMPLES:
        all_correct = exampleloop.run_batch(session, net, exset, n)
    elif path is paths.COMPILED_CONTINUOUS:
        done = fastcontinuous.run_batch(session, net, exset, n, True)
        all_correct = None if done is None else bool(done[1].all())
    if all_correct is None:
        all_correct = _train_examples(session, net, exset, n, path)
    if net.type & T.CONTINUOUS:
        continuous.scale_link_derivs(net, paths.compiled_allowed(net))
    if net.kept("deriv_noise", noise.has_deriv_noise):
        noise.link_deriv_noise(net)
    return all_correct


def _train_examples(session, net, exset, n: int, path) -> bool:
    """n examples of Lens's loop, on a per-example path: compiled one at a
    time with the example hooks between them while that still covers the
    network, or Lens's loop (its ticks compiled if the path allows)."""
    all_correct = True
    hook = _hooks_for(session, net)
    compiled = path.kind == paths.COMPILED
    one_by_one = path in (paths.COMPILED_BETWEEN_HOOKS, paths.COMPILED_EXAMPLES)
    for _ in range(n):
        if one_by_one:
            ok = _one_example_compiled(session, net, exset, True, hook)
            if ok is not None:
                if not ok:
                    all_correct = False
                continue
            one_by_one = False
        ex = select_example(session, net, exset)
        hook("preExampleProc")
        ok = run_example(session, net, exset, ex, True, compiled=compiled)
        hook("postExampleProc")
        if not ok:
            all_correct = False
        _example_written(session, net, ex)
    return all_correct


def _one_example_compiled(session, net, exset, training: bool, hook):
    """One example through the compiled loop with preExampleProc and
    postExampleProc around it: whether it met the criteria (None: it cannot
    run compiled, and nothing was drawn).  A hook may change what can run
    compiled, so the example after it asks again -- unless nothing that could
    change the net has run since (prepare keeps its answer for that long)."""
    prepared = exampleloop.prepare(net, exset, one_by_one=True)
    if prepared is None:
        return None
    i = fastpath.draw_one(exset, session.rng)
    ex = exset.examples[i]
    net.current_example = ex
    hooks = net.hooks
    if hooks.get("preExampleProc"):
        hook("preExampleProc")
        prepared = exampleloop.prepare(net, exset, one_by_one=True)
    ok = None if prepared is None else \
        exampleloop.run_one(net, exset, i, training, prepared)
    if ok is None:          # the hook changed something: the example runs in Python
        ok = run_example(session, net, exset, ex, training)
    else:
        graphs.after_example(session, net)
    if hooks.get("postExampleProc"):
        hook("postExampleProc")
    _example_written(session, net, ex)
    return ok


# the paths that run whole stretches of updates in one call, and their modules
_BURSTS = {paths.COMPILED_BATCH: fastpath, paths.COMPILED_CONTINUOUS: fastcontinuous,
           paths.COMPILED_EXAMPLES: paths.compiled_example_updates}


def _now_ms() -> int:
    return int(time.time() * 1000)


def train(session, net, num_updates=None, report=None, algorithm=None,
          set_only: bool = False, schedule=None, why: bool = False) -> str:
    """The `train` command; returns Lens's result text (raises TrainingHalted
    with that text if it stopped early).  `schedule`: an update schedule for
    this run only (schedule.py; "" = every array on every update); None = the
    network's own."""
    run = schedule_run(net, schedule)   # a bad schedule changes nothing
    if num_updates is not None:
        net.num_updates = num_updates
    if report is not None:
        net.report_interval = report
    if algorithm is not None:
        net.algorithm = resolve_algorithm(algorithm)
    if set_only:
        return ""
    if net.num_updates < 0:
        raise NetworkError(f"numUpdates ({net.num_updates}) must be positive.")
    if net.num_updates == 0:
        return ""
    if net.training_set is None:
        raise NetworkError("There is no training set.")
    if net.learning_rate < 0.0:
        raise NetworkError(f"learningRate ({net.learning_rate:f}) cannot be negative.")
    if net.weight_decay < 0.0 or net.weight_decay > 1.0:
        raise NetworkError(f"weightDecay ({net.weight_decay:f}) must be in the range [0,1].")
    if net.report_interval < 0:
        raise NetworkError(f"reportInterval ({net.report_interval}) cannot be negative.")
    kernelcache.new_run(net.num_updates)
    net.explain_path, net.shown_path = why, None
    alg = net.algorithm
    session.print(f"Performing {net.num_updates} updates using {T.ALGORITHM_LONG_NAMES[alg]}...\n")
    if net.report_interval:
        session.print(HEADER)
    start = _now_ms()
    clock = ReportClock(start)
    last_report = batches_at_crit = 0
    group_crit = False
    done = False
    halted = False
    hook = _hooks_for(session, net)
    i = 1
    while not done:
        kernelcache.progress(i - 1)
        path = paths.choose(net, net.training_set, True)
        burst = None
        runs = _BURSTS.get(path)
        if runs is not None and not graphs.listening(session, graphs.ON_UPDATE):
            # runs of updates with no Python between them go in one call
            # (not while a graph or recording follows each update)
            announce(session, net, net.training_set, True, path)
            burst = runs.train_updates(session, net, alg, run, i, batches_at_crit)
        if burst is not None and (burst[0] or burst[2] or burst[3]):
            count, batches_at_crit, halted, pending, met = burst
            net.total_updates += count
            graphs.note_error(session, net)
            i += count
            if halted:
                break
            if not pending:
                done = i > net.num_updates
                continue
            group_crit = met        # the batch of update i has run
        else:
            try:
                if net.hooks.get("preEpochProc"):
                    hook("preEpochProc")
                    path = None             # (the hook may change what can run)
                group_crit = train_batch(session, net, path)
            except KeyboardInterrupt:
                halted = True
                break
        if net.error < net.criterion or group_crit:
            batches_at_crit += 1
        else:
            batches_at_crit = 0
        if (net.min_crit_batches > 0 and batches_at_crit >= net.min_crit_batches) \
                or i >= net.num_updates:
            done = True
        will_report = bool(net.report_interval) and (i % net.report_interval == 0 or done)
        hook("postEpochProc")
        paths.update_weights(net, alg, will_report, run.next())
        hook("postUpdateProc")
        graphs.after_update(session, net)
        net.total_updates += 1
        if will_report:
            used, left = clock.times(_now_ms(), i, last_report, net.num_updates)
            session.print(report_line(net, used, left))
            graphs.after_report(session, net)
            last_report = i
        if alg != net.algorithm:
            alg = net.algorithm
            session.print(f"Changing algorithm to {T.ALGORITHM_LONG_NAMES[alg]}...\n")
        i += 1
    elapsed = _now_ms() - start
    graphs.after_run(session, net)
    text = f"Performed {i - 1} updates\n"
    if not done:
        text += "Training halted prematurely\n"
    if net.error <= net.criterion and batches_at_crit >= net.min_crit_batches:
        text += f"Network reached overall error criterion of {np.float32(net.criterion):f}\n"
    if group_crit and batches_at_crit >= net.min_crit_batches:
        text += "Network reached group output criterion\n"
    text += "Total time elapsed: %.3f seconds" % (float(np.float32(elapsed)) * 1e-3)
    if halted or not done:
        raise TrainingHalted(text)
    return text


def resolve_algorithm(name) -> int:
    if isinstance(name, int):
        return name
    found = T.lookup_type_mask(name, T.ALGORITHM)
    if found is None:
        raise NetworkError(f"train: unrecognized algorithm: {name}")
    return found


def update_weights_command(session, net, algorithm=None, reset=True, report=False) -> str:
    """The `updateWeights` command (no totalUpdates increment)."""
    from .algorithms import update_weights
    alg = net.algorithm if algorithm is None else resolve_algorithm(algorithm)
    update_weights(net, alg, report)
    run_hook(session, net, "postUpdateProc")
    if report:
        session.print(report_line(net, 0, 0))
    if reset:
        net.reset_derivs()
    return ""


# -- testing --------------------------------------------------------------------------------

def test(session, net, num_examples: int = 0, reset_error: bool = True,
         return_text: bool = False, why: bool = False):
    """The `test` command: (result string, Test array values)."""
    exset = net.testing_set or net.training_set
    if exset is None:
        raise NetworkError("there are no current example sets")
    if num_examples < 0:
        raise NetworkError(f"test: number of examples ({num_examples}) can't be negative")
    kernelcache.new_run()
    if reset_error:
        net.error = 0.0
        net.output_cost = 0.0
        for g in net.groups:
            g.error = 0.0
            g.output_cost = 0.0
    n = num_examples
    if n == 0:
        n = _num_examples(exset)
        if n == 0 and getattr(exset, "mode", 0) == T.PIPE and getattr(exset, "pipe_loop", 1):
            session.print("Warning: Testing on an infinite pipe\n")
        exset.reset()
    total_ticks = reached = 0
    i = 0
    halted = False
    net.explain_path, net.shown_path = why, None
    hook = _hooks_for(session, net)
    try:
        path = paths.choose(net, exset, False)
        announce(session, net, exset, False, path)
        if n > 0 and path is paths.COMPILED_BATCH:
            if fastpath.test_batch(session, net, exset, n):
                i = total_ticks = n
            else:
                path = paths.LENS_LOOP      # (it declined after all: the same numbers)
        elif n > 0 and path is paths.NUMPY_BATCH:
            i, total_ticks, reached = vectorised.test(session, net, exset, n)
        if path in (paths.COMPILED_EXAMPLES, paths.COMPILED_CONTINUOUS):
            run = exampleloop.run_examples if path is paths.COMPILED_EXAMPLES \
                else fastcontinuous.run_batch
            # in chunks, so that Ctrl-C is heard
            while n > 0 and i < n:
                done = run(session, net, exset, min(TEST_CHUNK_EXAMPLES, n - i), False)
                if done is None:
                    break
                ticks, correct = done
                total_ticks += int(ticks.sum())
                reached += int(correct.sum())
                i += len(ticks)
        compiled = path.kind == paths.COMPILED
        one_by_one = n > 0 and path in (paths.COMPILED_BETWEEN_HOOKS, paths.COMPILED_EXAMPLES)
        while n == 0 or i < n:
            ok = _one_example_compiled(session, net, exset, False, hook) if one_by_one else None
            if ok is None:
                one_by_one = False
                ex = select_example(session, net, exset)
                hook("preExampleProc")
                ok = run_example(session, net, exset, ex, False, compiled=compiled)
                hook("postExampleProc")
                _example_written(session, net, ex)
            total_ticks += net.ticks_on_example
            if ok:
                reached += 1
            i += 1
    except KeyboardInterrupt:
        halted = True
    graphs.after_run(session, net)
    text, values = test_report(net, i, total_ticks, reached)
    if halted or i != n:
        raise TrainingHalted(f"Testing halted prematurely after {i} examples\n")
    if return_text:
        return text, values
    session.print(text + "\n")
    return "", values


# -- doExample --------------------------------------------------------------------------------

def do_example(session, net, index=None, exset=None, mode=None) -> str:
    """The `doExample` command: run one example (the set's next one, or example
    `index` without moving the set's position).  `mode` "train" or "test"
    switches, for good, whether such runs do forward+backward ticks."""
    with session.task("Testing"):       # as Lens: its hooks may not rebuild the net
        return _do_example(session, net, index, exset, mode)


def _do_example(session, net, index, exset, mode) -> str:
    if mode is not None:
        net.run_training = (mode == "train")
    training = getattr(net, "run_training", None)
    if training is None:        # Lens's doExample trains Boltzmann nets unless told
        training = bool(net.type & T.BOLTZMANN)
    if exset is None:
        exset = net.training_set
        if exset is None or (mode == "test" and net.testing_set is not None):
            exset = net.testing_set or exset
    if exset is None:
        raise NetworkError("doExample: no example set")
    if index is None:
        ex = select_example(session, net, exset)
    else:
        examples = _examples(exset)
        if index < 0 or index >= len(examples):
            raise NetworkError(f"doExample: example {index} out of range")
        ex = examples[index]
        net.current_example = ex
        if hasattr(exset, "current_example"):
            exset.current_example = ex
        proc = getattr(ex, "proc", None)
        if proc:
            session.script(proc, "example proc")
    run_hook(session, net, "preExampleProc")
    path = paths.choose(net, exset, training, paths.EXAMPLE_TABLE)
    run_example(session, net, exset, ex, training, example_back=False,
                compiled=path.kind == paths.COMPILED)
    run_hook(session, net, "postExampleProc")
    _example_written(session, net, ex)
    return ""
