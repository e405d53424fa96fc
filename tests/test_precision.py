"""`setObj precision 32|64`: the network computes in float32 (Lens's `real`)
or float64 from then on, its arrays converted."""
import io

import numpy as np
import pytest

import lens_examples
from lens_py import Lens
from lens_py.engine.session import Session
from lens_py.assemble import make_interp


def xor_lens(extra=""):
    lens = Lens(stdout=io.StringIO())
    lens(f"""seed 1
addNet xor 2 2 1 ELMAN 2
loadExamples {{{lens_examples.OUR_XOR}}}
setObj learningRate 0.3
{extra}""")
    return lens


def all_arrays(net):
    for g in net.groups:
        yield g.state
        yield g.output_history
        for p in g.incoming:
            yield p.weight
            yield p.last_delta


def test_default_is_32_and_64_converts_every_array():
    lens = xor_lens()
    assert lens("getObj precision") == "32"
    lens("train 3")
    before = [a.copy() for a in all_arrays(lens.net)]
    lens("setObj precision 64")
    assert lens("getObj precision") == "64"
    after = list(all_arrays(lens.net))
    assert all(a.dtype == np.float64 for a in after)
    assert all(np.array_equal(a, b, equal_nan=True) for a, b in zip(after, before))
    with pytest.raises(Exception, match="precision must be 32 or 64, not 16"):
        lens("setObj precision 16")


def test_training_after_the_switch_is_float64_training():
    # the same starting weights: one net switched to 64 bits, one made in a
    # float64 session with those weights copied in
    a = xor_lens("setObj precision 64")
    interp = make_interp(stdout=io.StringIO())
    from lens_py.commands.common import session as session_of
    session_of(interp).dtype = np.float64
    interp.eval(f"""seed 1
addNet xor 2 2 1 ELMAN 2
loadExamples {{{lens_examples.OUR_XOR}}}
setObj learningRate 0.3""")
    b_net = session_of(interp).net
    for ga, gb in zip(a.net.groups, b_net.groups):
        for pa, pb in zip(ga.incoming, gb.incoming):
            pb.weight[...] = pa.weight
    a("train 25 -report 0")
    interp.eval("train 25 -report 0")
    for ga, gb in zip(a.net.groups, b_net.groups):
        for pa, pb in zip(ga.incoming, gb.incoming):
            assert pa.weight.dtype == pb.weight.dtype == np.float64
            assert np.array_equal(pa.weight, pb.weight)
    # and back: 32 bits rounds every value to float32
    a("setObj precision 32")
    w = a.net.group("output").incoming[1].weight
    assert w.dtype == np.float32


def test_float32_is_not_float64():
    a, b = xor_lens(), xor_lens("setObj precision 64")
    a("train 25 -report 0")
    b("train 25 -report 0")
    wa = a.net.group("hidden").incoming[1].weight
    wb = b.net.group("hidden").incoming[1].weight
    assert not np.array_equal(wa.astype(np.float64), wb)
    assert np.allclose(wa, wb, atol=1e-4)


def test_a_session_made_in_float64_reports_64():
    s = Session(dtype=np.float64, write=io.StringIO().write)
    net = s.add_net("n", groups=[(2, []), (1, [])])
    assert net.precision == 64
