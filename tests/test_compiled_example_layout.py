"""The compiled example loop's arrangements of the sums (forward sums from
transposed weights when a call runs more than one tick, the backward step of
a projection from few senders sender by sender) give Lens's loop's bits: for
projections from 1 to 25 senders (Lens's blocks of ten and their tails), SRNs
with backpropTicks 1 and 3 and SRBPTT, whole batches and one example per call
between hooks (one tick: no transposes), and weights changed between calls."""
import numpy as np
import pytest

from lens_py.engine import paths
from lens_py.engine.compiled import batch as compiled_batch
from lens_py.engine.compiled import example as compiled_example
from test_compiled_product_and_masks import _run

pytestmark = pytest.mark.skipif(not compiled_example.HAVE_NUMBA, reason="needs numba")


@pytest.fixture(scope="module", autouse=True)
def kernels_loaded():
    assert compiled_batch.ready(wait=True) and compiled_example.wait_ready(), \
        "the kernels did not load"


LAYERS = """
addNet lay {ticks}
addGroup wide  25 INPUT
addGroup small 4 INPUT
addGroup h1    11
addGroup h2    5
addGroup out   3 OUTPUT
connectGroups wide h1
connectGroups small h1
connectGroups h1 h2
connectGroups small h2
connectGroups h2 out
connectGroups h1 out
"""

SRN = "addNet seq -i 4 {kind} 29 21 ELMAN RESET_ON_EXAMPLE 3 SOFT_MAX"


def _sequences(folder, n_in, n_out, count, events, seed):
    rng = np.random.default_rng(seed)
    lines = []
    for e in range(count):
        lines.append(f"name: x{e} {events}")
        for v in range(events):
            ins = " ".join(map(str, rng.integers(0, 2, n_in)))
            outs = " ".join(map(str, np.eye(n_out, dtype=int)[rng.integers(0, n_out)]))
            lines.append(f"I: {ins} T: {outs}" + (";" if v == events - 1 else ""))
    path = folder / f"seq{seed}.ex"
    path.write_text("\n".join(lines) + "\n")
    return path


HOOK = "setObj postExampleProc {set ::seen 1}; "
# (a weight changed in place between batches: each call transposes again)
NUDGE = ("setObj postUpdateProc {setObj h1.unit(0).incoming(2).weight "
         "[expr {[getObj h1.unit(0).incoming(2).weight] * 0.5}]}; ")

CASES = {
    "layers, 2 ticks": (LAYERS.format(ticks="-i 2 -t 1"), (29, 3), 3,
                        "train 12 -report 0; test", paths.COMPILED_EXAMPLES),
    "layers, batches, weights nudged": (LAYERS.format(ticks="-i 2 -t 1"), (29, 3), 3,
                                        "setObj batchSize 4; " + NUDGE
                                        + "momentum 10 -report 0; test",
                                        paths.COMPILED_EXAMPLES),
    "layers, one tick, one example a call": (LAYERS.format(ticks=""), (29, 3), 1,
                                             HOOK + "train 8 -report 0; test",
                                             paths.COMPILED_BETWEEN_HOOKS),
    "layers, 2 ticks, one example a call": (LAYERS.format(ticks="-i 2 -t 1"), (29, 3), 2,
                                            HOOK + "train 8 -report 0; test",
                                            paths.COMPILED_BETWEEN_HOOKS),
    "srn, bpt 1": (SRN.format(kind=""), (29, 3), 4, "train 10 -report 0; test",
                   paths.COMPILED_EXAMPLES),
    "srn, bpt 3": (SRN.format(kind=""), (29, 3), 4,
                   "setObj backpropTicks 3; train 10 -report 0; test",
                   paths.COMPILED_EXAMPLES),
    "srbptt": (SRN.format(kind="SRBPTT"), (29, 3), 4,
               "setObj batchSize 3; train 10 -report 0; test", paths.COMPILED_EXAMPLES),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_compiled_loop_gives_lens_loop_bits(case, tmp_path):
    net, (n_in, n_out), events, train, path = CASES[case]
    examples = _sequences(tmp_path, n_in, n_out, 9, events, 3)
    ref, ref_err, ref_path = _run(net, examples, "python", train)
    assert ref_path is paths.LENS_LOOP
    got, err, chosen = _run(net, examples, "auto", train)
    assert chosen is path, (case, chosen.name)
    assert err == ref_err, case
    assert all(a.tobytes() == b.tobytes() for a, b in zip(ref, got)), case
