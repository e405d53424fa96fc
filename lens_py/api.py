"""lens_py from Python: a Lens session you call like the lens> prompt, with
the engine's objects at hand.

    from lens_py import Lens
    lens = Lens()
    lens("seed 1; addNet xor 2 2 1; loadExamples nets/xor.ex")
    lens.train(25, report=5)
    lens.net.group("hidden").incoming[0].weight      # a NumPy array
"""
from __future__ import annotations

import sys

from .commands.common import session as _session
from .assemble import make_interp
from .shell.errors import TclError


class LensCommandError(Exception):
    """A Lens command failed; the message is the shell's."""


class Lens:
    def __init__(self, stdout=None, stderr=None):
        self.interp = make_interp(stdout=stdout or sys.stdout, stderr=stderr or sys.stderr)
        self.session = _session(self.interp)

    def __call__(self, script: str) -> str:
        """Run Lens/Tcl commands; returns the result of the last one."""
        try:
            return self.interp.eval_global(script)
        except TclError as e:
            raise LensCommandError(e.message) from None

    @property
    def net(self):
        """The current network (lens_py.engine.Network), or None."""
        return self.session.net

    def get(self, path: str = "") -> str:
        """getObject: a field's value as Lens prints it."""
        return self("getObject " + _quote(path))

    def set(self, path: str, value) -> str:
        return self(f"setObject {_quote(path)} {_quote(str(value))}")

    def train(self, updates=None, report=None, algorithm=None, **options) -> str:
        return self.session.train(updates, report, algorithm, **options)

    def test(self, examples: int = 0) -> str:
        text, _ = self.session.test(examples, True, True)
        return text


def _quote(word: str) -> str:
    from .shell.tcllist import quote_element
    return quote_element(word)
