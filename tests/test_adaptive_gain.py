"""ADAPTIVE_GAIN against Lens 2.63 (act.c, train.c: updateAdaptiveGain inside
UPDATE_WEIGHTS): gains that decay in a group without incoming links, and an
output group whose gains train with its weights."""
import math

import numpy as np
import pytest

from c_arithmetic import (F32, Oracle, act_back, act_forward, cost_back, cost_forward,
                          dot_inputs)
from c_oracle_runs import (PATHS, TWO_EXAMPLES, assert_matches, example_file, lens,
                           use_path)



# -- adaptive gain (train.c: updateAdaptiveGain inside UPDATE_WEIGHTS) ----------------------

def test_adaptive_gain_decays_in_a_group_without_incoming_links():
    L = lens("addNet n 2 1; addGroup h 2 ADAPTIVE_GAIN -BIASED; setObj h.gainDecay 0.1;"
             "setObj h:1.gain 2; updateWeights")
    lr, decay = F32(0.001), F32(0.1)
    for u, gain in ((0, F32(1)), (1, F32(2))):
        expected = F32(gain - F32(F32(lr * F32(0)) + F32(decay * gain)))
        assert F32(L.net.group("h").unit_gain[-1, u]) == expected


@pytest.mark.parametrize("path", PATHS)
def test_adaptive_gain_without_links_decays_during_train(tmp_path, path):
    ex = example_file(tmp_path, "I: 1 0 T: 1;")
    L = lens(f"addNet n 2 1; addGroup h 2 ADAPTIVE_GAIN -BIASED; setObj h.gainDecay 0.1;"
             f"loadExamples {ex}; setObj reportInterval 0")
    use_path(L, path)
    L("train 1")
    expected = F32(F32(1) - F32(F32(F32(0.001) * F32(0)) + F32(F32(0.1) * F32(1))))
    assert list(L.net.group("h").unit_gain[-1]) == [expected, expected]


# -- ADAPTIVE_GAIN output units through training (act.c, train.c) --------------------------------

@pytest.mark.parametrize("act", ["LOGISTIC", "TANH"])
def test_adaptive_gain_output_group_trains_as_lens(tmp_path, act):
    cost = "CROSS_ENTROPY" if act == "LOGISTIC" else "SUM_SQUARED"
    ex = example_file(tmp_path, TWO_EXAMPLES)
    L = lens(f"seed 3; addNet n 2 3 2 {act} ADAPTIVE_GAIN {cost}; loadExamples {ex};"
             "setObj output:1.gain 1.5; setObj adaptiveGainRate 0.05; setObj output.gainDecay 0.01;"
             "setObj reportInterval 1")
    orc = Oracle(L, act, cost)
    gains = [F32(1), F32(1.5)]
    for _ in range(2):
        Dh, Do = np.zeros_like(orc.Wh), np.zeros_like(orc.Wo)
        g_deriv = [F32(0), F32(0)]
        err_total = F32(0)
        for x, tgt in [([1, 0], [1, 0]), ([0.5, 1], [0.2, 0.7])]:
            src_h = [F32(1)] + [F32(v) for v in x]
            h_in = dot_inputs(src_h, orc.Wh)
            h_out = act_forward("LOGISTIC", h_in)
            src_o = [F32(1)] + h_out
            o_in = dot_inputs(src_o, orc.Wo)
            o_out = [act_forward(act, [i], gain=g)[0] for i, g in zip(o_in, gains)]
            tgts = [F32(t) for t in tgt]
            err, _ = cost_forward(cost, o_out, tgts)
            err_total = F32(err_total + F32(float(err) * 1.0 * 1.0))
            od = cost_back(cost, o_out, tgts, F32(1), None)
            o_id = []
            for u in range(2):
                if act == "LOGISTIC":
                    xg = F32(float(F32(od[u] * o_out[u])) * (1.0 - float(o_out[u])))
                else:
                    c = F32(math.cosh(float(o_in[u])))
                    xg = F32(od[u] * F32(F32(1.0) / F32(c * c)))
                o_id.append(F32(xg * gains[u]))
                g_deriv[u] = F32(g_deriv[u] + F32(xg * o_in[u]))
            cache = [F32(0)] * 4
            for u in range(2):
                for j in range(4):
                    cache[j] = F32(cache[j] + F32(o_id[u] * orc.Wo[u, j]))
                    Do[u, j] = F32(Do[u, j] + F32(o_id[u] * src_o[j]))
            h_id = act_back("LOGISTIC", h_in, h_out, cache[1:])
            for u in range(3):
                for j in range(3):
                    Dh[u, j] = F32(Dh[u, j] + F32(h_id[u] * src_h[j]))
        gains = [max(F32(1e-8), F32(g - F32(F32(F32(0.05) * gd) + F32(F32(0.01) * g))))
                 for g, gd in zip(gains, g_deriv)]
        stats = orc.update("dougsMomentum", Dh, Do)
    L("train 2")
    assert_matches(L, orc, err_total, stats)
    assert list(L.net.group("output").unit_gain[-1]) == gains
