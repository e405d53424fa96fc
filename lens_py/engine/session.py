"""Lens's root object: the networks, the example sets, the current network,
the random streams, verbosity and where printed output goes."""
from __future__ import annotations

import contextlib
import sys

import numpy as np

from . import types as T
from .network import Network, NetworkError
from .rng import default_rng


class Session:
    def __init__(self, rng=None, write=None, dtype=np.float32):
        self.nets: list[Network] = []
        self.sets: dict = {}            # name → ExampleSet, in creation order
        self.net: Network | None = None
        self.rng = rng if rng is not None else default_rng
        self._verbosity = 1
        self.verbosity_of = None        # the shell links its `verbosity` here
        self.before_print = None        # e.g. the REPL clearing its progress line
        self.write = write if write is not None else sys.stdout.write
        self.run_script = None          # the shell installs: callable(script text)
        self.link_types = ["", "bias"]  # Lens registers link types globally
        self.dtype = dtype              # float32 as Lens; float64 on request
        self.tasks: list[str] = []      # Lens's task stack: "Training", "Testing"
        self.task_serials: list[int] = []   # which run of a task each entry is
        self._task_runs = 0
        # what may have changed the networks: a Lens command that is not a
        # pure reading, Python code (the `python` command, callable hooks,
        # recordings), each counts one.  Within one task the path choice and a
        # compiled loop's preparation hold while this stays (a Tcl hook that
        # only reads fields keeps them)
        self.net_edits = 0

    # -- tasks ------------------------------------------------------------------------
    @contextlib.contextmanager
    def task(self, name: str):
        """While training or testing runs (its hooks too), as Lens's startTask."""
        self.tasks.append(name)
        self._task_runs += 1
        self.task_serials.append(self._task_runs)
        try:
            yield
        finally:
            self.tasks.pop()
            self.task_serials.pop()

    def task_key(self, *more):
        """(the running task's serial, net_edits, *more), or None outside a
        task: while it is the same, nothing can have edited a net (every
        command but the pure readings, each `python` call and each callable
        hook bumps net_edits), so what was worked out from a net's structure,
        parameters and names still holds."""
        if not self.task_serials:
            return None
        return (self.task_serials[-1], self.net_edits) + more

    def refuse_during_tasks(self, command: str) -> None:
        """Commands that change what a running train or test walks over are
        refused from its hooks, in Lens's words."""
        if self.tasks:
            raise NetworkError(f"{command}: it is unsafe to run this command while "
                               f"{self.tasks[-1]}")

    # -- output ----------------------------------------------------------------------
    @property
    def verbosity(self) -> int:
        return self.verbosity_of() if self.verbosity_of is not None else self._verbosity

    @verbosity.setter
    def verbosity(self, level: int) -> None:
        self._verbosity = level

    @property
    def current_net(self):
        return self.net

    def print(self, text: str, min_verbosity: int = 1) -> None:
        if self.verbosity >= min_verbosity:
            if self.before_print is not None:
                self.before_print()
            self.write(text)

    def script(self, text: str, where: str = "script"):
        """Run a Tcl script stored in an example file or set (the shell provides it)."""
        if not text:
            return ""
        if self.run_script is None:
            raise NetworkError(f"{where} needs a script interpreter, but none is installed")
        return self.run_script(text)

    # -- networks --------------------------------------------------------------------
    def find_net(self, name: str):
        for n in self.nets:
            if n.name == name:
                return n
        return None

    def add_net(self, name: str, intervals: int = 1, ticks: int = 1, net_type: int = 0,
                groups=(), dtype=None) -> Network:
        """addNet, with the number-and-types shorthand: `groups` is a list of
        (numUnits, [type words]), e.g. [(2, []), (2, []), (1, [])] for `2 2 1`."""
        if not name:
            raise NetworkError("addNet: network must have a real name")
        old = self.find_net(name)
        if old is not None:
            self.delete_net(old)
        net = Network(name, net_type, intervals, ticks, dtype or self.dtype, self.rng,
                      self.link_types)
        net.session = self
        net.num = len(self.nets)
        self.nets.append(net)
        self.net = net
        net.hooks["sigUSR1Proc"] = "saveWeights quicksave.wt.gz -v 3"
        net.hooks["sigUSR2Proc"] = "view"
        self._shorthand(net, groups)
        net.reset_net()
        return net

    def _shorthand(self, net: Network, groups) -> None:
        last = None
        count = {"hidden": 1, "input": 1, "output": 1, "bias": 2}
        for idx, (units, words) in enumerate(groups):
            if units <= 0:
                raise NetworkError("usage: addNet <network> [-intervals <timeIntervals> | "
                                   "-ticks <ticksPerInterval>] [<net-type>]* "
                                   "[<num-units> [[+|-]<group-type>]*]*")
            parsed, base, is_elman = [], 0, False
            for cls, mask, mode in T.parse_type_words(list(words)):
                if cls == T.GROUP and mask == T.ELMAN:
                    is_elman = True
                    continue
                if cls == T.GROUP:
                    base |= mask
                parsed.append((cls, mask, mode))
            context = None
            if is_elman:
                if base & T.INPUT:
                    cname = f"inContext{count['input']}" if count["input"] > 1 else "context"
                elif base & T.OUTPUT:
                    cname = f"outContext{count['output']}" if count["output"] > 1 else "context"
                else:
                    cname = f"context{count['hidden']}" if count["hidden"] > 1 else "context"
                context = net.add_group(cname, units, [(T.GROUP, T.ELMAN, "")])
            is_last = idx == len(groups) - 1
            if base & T.INPUT or (len(net.groups) == 1 and not base & T.FIXED_MASKS):
                parsed.append((T.GROUP, T.INPUT, ""))
                name = _numbered("input", count)
            elif base & T.OUTPUT or (is_last and not base & T.FIXED_MASKS):
                parsed.append((T.GROUP, T.OUTPUT, ""))
                name = _numbered("output", count)
            elif base & T.BIAS:
                name = f"bias{count['bias']}"
                count["bias"] += 1
            else:
                name = _numbered("hidden", count)
            this = net.add_group(name, units, parsed)
            if context is not None:
                net.elman_connect(this, context)
                net.connect_groups(context, this)
            if last is not None:
                net.connect_groups(last, this)
            last = this

    def use_net(self, name: str) -> Network:
        net = self.find_net(name)
        if net is None:
            raise NetworkError(f'useNet: network "{name}" doesn\'t exist')
        self.net = net
        return net

    def delete_net(self, net: Network) -> None:
        if net.example_writer is not None:
            from .outputfile import close_output_file
            close_output_file(net)
        self.nets.remove(net)
        for k, n in enumerate(self.nets):
            n.num = k
        if self.net is net:
            self.net = None

    # -- training and testing (the current network) -------------------------------------
    def _current(self) -> Network:
        if self.net is None:
            raise NetworkError("no current network")
        return self.net

    def train(self, num_updates=None, report=None, algorithm=None, set_only=False,
              **options) -> str:
        """`options`: further keywords of training.train (e.g. schedule=...)."""
        from .training import train
        with self.task("Training"):
            return train(self, self._current(), num_updates, report, algorithm, set_only,
                         **options)

    def test(self, num_examples=0, reset_error=True, return_text=False, why=False):
        """(result string, values for the Tcl `Test` array); `why`: say which
        execution path runs and why faster ones declined (paths.py)."""
        from .training import test
        with self.task("Testing"):
            return test(self, self._current(), num_examples, reset_error, return_text, why)

    def update_weights(self, algorithm=None, reset=True, report=False) -> str:
        from .training import update_weights_command
        return update_weights_command(self, self._current(), algorithm, reset, report)

    # -- example sets ------------------------------------------------------------------
    def add_set(self, exset) -> None:
        """Register a loaded set; it becomes the current net's training set, or
        else its testing set, if the net has none."""
        self.sets[exset.name] = exset
        net = self.net
        if net is not None:
            if net.training_set is None:
                net.training_set = exset
            elif net.testing_set is None:
                net.testing_set = exset

    def delete_set(self, name: str) -> None:
        exset = self.sets.pop(name)
        for n in self.nets:
            if n.training_set is exset:
                n.training_set = None
            if n.testing_set is exset:
                n.testing_set = None


def _numbered(kind: str, count: dict) -> str:
    k = count[kind]
    count[kind] += 1
    return f"{kind}{k}" if k > 1 else kind
