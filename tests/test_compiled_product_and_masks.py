"""PRODUCT groups and masked projections (ONE_TO_ONE, RANDOM, FAN) in the
compiled example loop: every execution path that covers a net gives the
same weights, outputs and error, bit for bit, and the compiled one runs."""
import io

import numpy as np
import pytest

from lens_py.assemble import make_interp
from lens_py.engine import paths
from lens_py.engine.compiled import batch as compiled_batch
from lens_py.engine.compiled import continuous as compiled_continuous
from lens_py.engine.compiled import example as compiled_example

pytestmark = pytest.mark.skipif(not compiled_example.HAVE_NUMBA, reason="needs numba")


@pytest.fixture(scope="module", autouse=True)
def kernels_loaded():
    """The compiled paths are chosen only once their kernels are loaded (on a
    fresh machine, compiled first)."""
    assert compiled_batch.ready(wait=True) and compiled_example.wait_ready() \
        and compiled_continuous.wait_ready(600), "the kernels did not load"

TASK_NET = """
addNet task {ticks}
addGroup task       3 INPUT
addGroup taskHidden 6
addGroup input      6 INPUT
addGroup hidden     6 PRODUCT
addGroup output     2 OUTPUT
connectGroups task taskHidden
connectGroups taskHidden hidden -p ONE_TO_ONE
connectGroups input hidden      -p ONE_TO_ONE
connectGroups hidden output
setObj learningRate 0.05
"""

MASKED_NET = """
addNet masked {ticks}
addGroup input  12 INPUT
addGroup hidden 12
addGroup h2     8
addGroup output 6 OUTPUT
connectGroups input hidden -p ONE_TO_ONE
connectGroups input h2 -p RANDOM -s 0.5
connectGroups hidden h2 -p FAN -s 0.5
connectGroups h2 output
connectGroups hidden output -p RANDOM -s 0.3
"""


def _examples(folder, n_in_groups, n_out, count, seed):
    rng = np.random.default_rng(seed)
    lines = []
    for _ in range(count):
        ins = " ".join(" ".join(map(str, rng.integers(0, 2, k))) for k in n_in_groups)
        outs = " ".join(map(str, rng.integers(0, 2, n_out)))
        lines.append(f"I: {ins} T: {outs};")
    path = folder / f"ex{seed}.ex"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(net_script, examples, setting, train_script):
    interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
    interp.eval(f"seed 11; {net_script}; loadExamples {examples} -s train")
    interp.eval(f"setObj executionPath {setting}")
    interp.eval(train_script)
    net = interp.ext["lens"].net
    chosen = paths.choose(net, net.training_set, True)
    state = [p.weight.copy() for g in net.groups for p in g.incoming]
    state += [g.output_cache.copy() for g in net.groups]
    return state, float(net.error), chosen


CONTINUOUS_NET = """
addNet cont -i 2 -t 4 CONTINUOUS
addGroup input  8 INPUT
addGroup hidden 8 IN_INTEGR
addGroup output 8 OUTPUT IN_INTEGR
connectGroups input hidden -p ONE_TO_ONE
connectGroups hidden hidden -p ONE_TO_ONE
connectGroups input output -p RANDOM -s 0.4
connectGroups hidden output
"""

CASES = {
    "product, one tick": (TASK_NET, "", ([3, 6], 2), "train 30 -report 0; test"),
    "product, 2 ticks, bpt 2": (TASK_NET, "-i 1 -t 2", ([3, 6], 2),
                                "setObj backpropTicks 2; train 20 -report 0; test"),
    "product, batches, momentum": (TASK_NET, "", ([3, 6], 2),
                                   "setObj batchSize 5; momentum 25 -report 0; test"),
    "masked projections": (MASKED_NET, "", ([12], 6), "train 30 -report 0; test"),
    "masked, 3 ticks": (MASKED_NET, "-i 1 -t 3", ([12], 6),
                        "setObj backpropTicks 3; train 15 -report 0; test"),
    "continuous, masked": (CONTINUOUS_NET, "", ([8], 8), "train 20 -report 0; test"),
    # a hook between batches changes what the compiled loop must read
    "continuous, parameters changed between batches": (
        CONTINUOUS_NET, "", ([8], 8),
        "setObj batchSize 3; setObj postUpdateProc {setObj hidden.dtScale "
        "[expr {[getObj hidden.dtScale] * 0.9}]; setObj output.gain "
        "[expr {1.0 + 0.05 * [getObj totalUpdates]}]}; train 12 -report 0; test"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_path_gives_the_same_bits(case, tmp_path):
    net, ticks, (ins, outs), train = CASES[case]
    examples = _examples(tmp_path, ins, outs, 24, 5)
    script = net.format(ticks=ticks)
    ref, ref_err, ref_path = _run(script, examples, "python", train)
    assert ref_path is paths.LENS_LOOP
    for setting in ("numpy", "auto"):
        got, err, chosen = _run(script, examples, setting, train)
        assert err == ref_err, (case, setting)
        assert all(a.tobytes() == b.tobytes() for a, b in zip(ref, got)), (case, setting)
        if setting == "auto":
            assert chosen.kind == paths.COMPILED, (case, chosen.name)


def test_a_mask_changed_in_place_is_seen(tmp_path):
    """The compiled loop reads the mask it was planned on: a link removed
    later (deleteLinks-like edits of the mask) is honoured next batch."""
    examples = _examples(tmp_path, [12], 6, 12, 7)
    out = []
    for setting in ("python", "auto"):
        interp = make_interp(stdout=io.StringIO(), stderr=io.StringIO())
        interp.eval(f"seed 3; {MASKED_NET.format(ticks='')}; loadExamples {examples}")
        interp.eval(f"setObj executionPath {setting}; train 5 -report 0")
        net = interp.ext["lens"].net
        p = next(q for q in net.group("h2").incoming if q.mask is not None)
        p.mask[0, :] = False
        p.weight[0, :] = 0
        interp.eval("train 5 -report 0")
        out.append([q.weight.copy() for g in net.groups for q in g.incoming])
    assert all(a.tobytes() == b.tobytes() for a, b in zip(*out))
