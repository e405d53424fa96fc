"""lens_py from Python: a Lens session you call like the lens> prompt, with
the engine's objects at hand.

    from lens_py import Lens
    lens = Lens()                                   # Lens(quiet=True): print nothing
    lens("seed 1; addNet xor 2 2 1; loadExamples xor.ex")
    curve = lens.record("error", every="update")    # a Recording (NumPy arrays)
    lens.train(100, report=10)
    curve.values[:, 0]                              # the error after each update

    out = lens.outputs("output")                    # one test pass, as arrays
    out.outputs.shape                               # (examples, ticks, units)

    w = lens.net.group("hidden").incoming[1].weight # [receiver, sender] floats
    lens.net.group("hidden").incoming[1].weight = w * 0.5

    lens.on("postUpdateProc", lambda: print(lens.net.error))

    saved = pickle.dumps(lens.net)                  # or copy.deepcopy(lens.net)
    Lens().adopt(pickle.loads(saved))               # trains on as the original did

    from lens_py import plots
    plots.learning_curve(curve).savefig("curve.png")

Every Lens command works through `lens("...")`; the methods here are the
ones a notebook user reaches for most.  See `Network`, `Group` and
`Projection` (lens_py.engine) for the objects behind `lens.net`.
"""
from __future__ import annotations

import io
import sys

from .commands.common import session as _session
from .assemble import make_interp
from .shell.errors import TclError


class LensCommandError(Exception):
    """A Lens command failed; the message is the shell's."""


class Lens:
    """One Lens session: its own interpreter, networks, example sets and
    random stream.

    `stdout` and `stderr` are file-like objects receiving what Lens prints
    (default: the process's); `quiet=True` discards both (the text of a
    command is still returned).  `lens.session.verbosity = 0` (or
    `lens("verbosity 0")`) silences progress reports the Lens way."""

    def __init__(self, stdout=None, stderr=None, quiet: bool = False):
        if quiet:
            stdout = stdout or io.StringIO()
            stderr = stderr or io.StringIO()
        self.interp = make_interp(stdout=stdout or sys.stdout, stderr=stderr or sys.stderr)
        self.session = _session(self.interp)

    def __call__(self, script: str) -> str:
        """Run Lens/Tcl commands; returns the result of the last one.  A
        failing command raises LensCommandError with Lens's message."""
        try:
            return self.interp.eval_global(script)
        except TclError as e:
            raise LensCommandError(e.message) from None

    # -- objects ---------------------------------------------------------------------------
    @property
    def net(self):
        """The current network (lens_py.engine.Network), or None."""
        return self.session.net

    def get(self, path: str = "") -> str:
        """getObject: a field's value as Lens prints it (`lens.get("error")`)."""
        return self("getObject " + _quote(path))

    def set(self, path: str, value) -> str:
        """setObject (`lens.set("learningRate", 0.2)`)."""
        return self(f"setObject {_quote(path)} {_quote(str(value))}")

    def adopt(self, net, random_state: bool = True):
        """Make a copied or unpickled Network one of this session's networks
        (replacing any of the same name) and the current one; its example
        sets join the session's.  Returns the network.

        A copy carries the random stream's state from when it was made; with
        `random_state` (the default) this session's stream (Lens has one, the
        one `seed` sets) takes up from there, so the copy trains on exactly
        as the original would have from that point.  `random_state=False`
        keeps the session's stream as it is."""
        old = self.session.find_net(net.name)
        if old is not None:
            self.session.delete_net(old)
        net.session = self.session
        carried = getattr(net, "rng", None)
        if random_state and carried is not None and carried is not self.session.rng:
            self.session.rng.setstate(carried.getstate())
        net.rng = self.session.rng
        net.num = len(self.session.nets)
        self.session.nets.append(net)
        self.session.net = net
        for exset in (net.training_set, net.testing_set):
            if exset is not None:
                exset.session = self.session
                self.session.sets[exset.name] = exset
        return net

    # -- running ---------------------------------------------------------------------------
    def train(self, updates=None, report=None, algorithm=None, **options) -> str:
        """`train`: `updates` weight updates (default: the net's numUpdates),
        a progress line every `report` updates; returns Lens's result text."""
        return self.session.train(updates, report, algorithm, **options)

    def test(self, examples: int = 0) -> str:
        """`test` on the testing set (else the training set); returns the
        report text (also in lens("array get Test"))."""
        text, _ = self.session.test(examples, True, True)
        return text

    def on(self, hook: str, fn):
        """Run the Python callable `fn()` at one of Lens's hooks:
        "preEpochProc", "postEpochProc", "postUpdateProc", "preExampleProc",
        "postExampleProc", "preExampleBackProc", "preEventProc",
        "postEventProc", "preTickProc", "postTickProc", "preTickBackProc"
        (the same as `lens.net.hooks[hook] = fn`).  `fn=None` removes it.
        A hook replaces the Tcl script `setObj <hook> {...}` would set."""
        net = self._net("on")
        if hook not in net.hooks:
            raise ValueError(f"on: {hook!r} is not a hook; the hooks are {', '.join(net.hooks)}")
        if fn is not None and not callable(fn):
            raise TypeError("on: give a callable taking no arguments (or None)")
        net.hooks[hook] = fn
        return fn

    # -- looking at the network ------------------------------------------------------------
    def record(self, *sources, every: str = "update", names=None):
        """Record values as training runs: each source is an object path
        ("error", "hidden:0.output"), a Tcl command, or a Python callable.
        `every`: "update" (after each weight update), "report" (each progress
        report), "example", "event", "tick" or "run" (end of train/test).
        Returns a lens_py.record.Recording (stop it with .stop())."""
        from .record import Recording
        return Recording(self.session, sources, every=every, names=names)

    def outputs(self, groups=None, set=None):
        """Test the network once over an example set (a name or ExampleSet;
        default the testing set, else the training set) and return the
        values of `groups` as arrays [examples, ticks, units] (a
        GroupOutputs, with .outputs and, for output groups, .targets).  One
        group name gives one GroupOutputs; a list or None (every group) gives
        a dict by name.  The pass is Lens's `test`: hooks run and the
        network's error fields become those of the pass."""
        from .record import test_outputs
        one = isinstance(groups, str)
        found = test_outputs(self.session, self._net("outputs"), groups, self._set(set))
        return found[next(iter(found))] if one else found

    def view_units(self, file=None, set=None) -> str:
        """Write the HTML Unit Viewer (every group's units for every example
        and tick of a set) and return its path."""
        from .view import units
        return units.write(self.session, self._net("viewUnits"), self._set(set), file)

    def view_links(self, file=None) -> str:
        """Write the HTML Link Viewer (each projection's weights as a colour
        grid) and return its path."""
        from .view import links
        return links.write(self._net("viewLinks"), file)

    # -- helpers ---------------------------------------------------------------------------
    def _net(self, what: str):
        if self.session.net is None:
            raise LensCommandError(f"{what}: there is no current network")
        return self.session.net

    def _set(self, exset):
        if exset is None or not isinstance(exset, str):
            return exset
        found = self.session.sets.get(exset)
        if found is None:
            raise LensCommandError(f'example set "{exset}" doesn\'t exist')
        return found

    def __repr__(self):
        net = self.session.net
        return f"<Lens: network {net.name!r}>" if net is not None else "<Lens: no network>"


def _quote(word: str) -> str:
    from .shell.tcllist import quote_element
    return quote_element(word)
