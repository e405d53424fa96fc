"""Fixtures shared by the test files."""
import io
import os

import pytest

from lens_py.assemble import make_interp
from lens_py.engine.compiled import cache as kernelcache

# The tests look at the compiled paths from their first batch: numba is set
# up at the first need here and in the programs the tests start, instead of
# when a run shows it pays (tests/test_kernelcache.py and test_startup.py
# test that rule on their own).
os.environ[kernelcache.NUMBA_ENV] = "eager"
kernelcache.LOAD_WHEN_PAYS = False


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
