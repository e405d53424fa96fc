"""engine/blas.py: lens_py's matrix products (`exactSums 0`) on one OpenBLAS
thread, whatever the machine's core count, leaving the caller's own products
as they were.  The oracle: the same product in a process whose OpenBLAS
starts with one thread."""
import os
import subprocess
import sys

import numpy as np
import pytest

from lens_py.engine import blas

needs_setter = pytest.mark.skipif(not blas._SETTERS,
                                  reason="no OpenBLAS with openblas_set_num_threads_local")

PRODUCT = """
import sys, numpy as np
rng = np.random.default_rng(4)
a = rng.standard_normal((100, 200)).astype(np.float32)
w = rng.standard_normal((100, 200)).astype(np.float32)
sys.stdout.write((a @ w.T).tobytes().hex())
"""


def _operands():
    rng = np.random.default_rng(4)
    return (rng.standard_normal((100, 200)).astype(np.float32),
            rng.standard_normal((100, 200)).astype(np.float32))


@needs_setter
def test_products_are_those_of_one_thread_and_the_callers_setting_is_kept():
    a, w = _operands()
    before = (a @ w.T).tobytes()
    ours = blas.matmul(a, w.T).tobytes()
    with blas.OneThread():
        inside = (a @ w.T).tobytes()
    after = (a @ w.T).tobytes()
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    one = bytes.fromhex(subprocess.run([sys.executable, "-c", PRODUCT], env=env,
                                       capture_output=True, text=True, check=True).stdout)
    assert ours == one and inside == one
    assert after == before
