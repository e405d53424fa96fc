"""Fixtures shared by the test files."""
import io

import pytest

from lens_py.assemble import make_interp


@pytest.fixture
def lens():
    """A fresh shell: `lens(script)` evaluates and returns the result;
    `lens.interp` is the interpreter, `lens.out` what it printed."""
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())

    def run(script):
        return interp.eval(script)
    run.interp = interp
    run.out = out
    return run
