"""A small net run through lens_py's shell and through `c_arithmetic.Oracle`
side by side: build it, pick the code path, train, and compare every weight,
the error, the weight cost and the gradient linearity bit for bit."""
import io
import math

import numpy as np

from c_arithmetic import F32, Chooser, Oracle, same, weights
from lens_py import Lens
from lens_py.engine.compiled import batch as fastpath


def lens(script: str = "") -> Lens:
    out = io.StringIO()
    L = Lens(stdout=out, stderr=out)
    L.out = out
    if script:
        L(script)
    return L


# -- which code path runs the examples ---------------------------------------------------

PATHS = ["per-example", "numpy-batch", "default"]


def use_path(L, path: str) -> None:
    """per-example: Lens's loop literally; numpy-batch: the vectorised NumPy
    batch; default: whatever lens_py picks (the compiled path once its
    kernels are compiled, when it can run the net)."""
    if path == "per-example":
        L.net.vectorise = False
    if path in ("per-example", "numpy-batch"):
        L.net.fast_path = False
    else:
        fastpath.ready(wait=True)


def example_file(tmp_path, text: str, name="ex") -> str:
    f = tmp_path / f"{name}.ex"
    f.write_text(text)
    return str(f)


TWO_EXAMPLES = "I: 1 0 T: 1 0; I: 0.5 1 T: 0.2 0.7;"
NET = "seed {seed}; addNet n 2 3 2 {types}; loadExamples {ex}; setObj reportInterval 1"


def run_both(tmp_path, path, act, cost, alg, updates=2, setup="", seed=3,
             oracle_kw=None, update_kw=None, examples=TWO_EXAMPLES, chooser=None,
             batch_size=0):
    types = f"{act} {cost}"
    ex = example_file(tmp_path, examples)
    L = lens(NET.format(seed=seed, types=types, ex=ex) + ("; " + setup if setup else ""))
    use_path(L, path)
    orc = Oracle(L, act, cost)
    parsed, freqs = [], []
    for item in examples.split(";")[:-1]:
        freq = 1.0
        if "freq:" in item:
            head, item = item.split("freq:")[1].strip().split(None, 1)
            freq = float(head)
        i_part, t_part = item.split("T:")
        parsed.append(([float(v) for v in i_part.replace("I:", "").split()],
                       [float(v) for v in t_part.split()]))
        freqs.append(freq)
    chooser = chooser or Chooser("ORDERED", len(parsed))
    for _ in range(updates):
        batch = [parsed[chooser.next(freqs)] for _ in range(batch_size or len(parsed))]
        err, Dh, Do = orc.batch(batch, **(oracle_kw or {}))
        stats = orc.update(alg, Dh, Do, **(update_kw or {}))
    L(f"train {updates} -a {alg}")
    return L, orc, err, stats


def assert_matches(L, orc, err, stats):
    np.testing.assert_array_equal(weights(L, "hidden"), orc.Wh)
    np.testing.assert_array_equal(weights(L, "output"), orc.Wo)
    assert same(F32(L.net.error), err)
    assert same(F32(L.net.weight_cost), stats[0])
    gl = L.net.gradient_linearity
    assert (math.isnan(gl) and math.isnan(stats[1])) or F32(gl) == stats[1]
