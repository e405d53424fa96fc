"""The error functions and output procedures (act.c, act.h) against their C
arithmetic written out in c_arithmetic.py: every activation/cost pair through
two updates on each code path, pseudoExampleFreq, GAUSSIAN with a unit gain,
target and zero-error radii with error scales, and saturated units with
outputs outside (0, 1)."""
import math

import pytest

from c_arithmetic import F32, ce_deriv
from c_oracle_runs import PATHS, assert_matches, example_file, lens, run_both, use_path



# -- error functions (act.c) ---------------------------------------------------------------

# The compiled kernel (fastpath.fwd_end) still rounds errorScale/ticks*freq to
# float before multiplying; reported for the fast-path helper to follow.
PSEUDO_PATHS = PATHS


@pytest.mark.parametrize("path", PSEUDO_PATHS)
def test_pseudo_example_freq_scales_the_error_in_double(tmp_path, path):
    # error *= errorScale/ticks * freq: (float quotient) * (double freq), rounded once
    ex = example_file(tmp_path, "freq: 0.3 I: 0 T: 0;")
    L = lens(f"addNet n 1 1 LINEAR; loadExamples {ex}; setObj pseudoExampleFreq 1;"
             "setObj output.errorScale 0.3; setObj output:0.incoming(0).weight 0.81")
    use_path(L, path)
    L("test")
    o = F32(0.81)
    err = F32(o * o)
    s = F32(F32(0.3) / F32(1))
    expected = F32(float(err) * (float(s) * float(F32(0.3))))
    assert expected != F32(err * F32(s * F32(0.3)))      # the two roundings differ here
    assert F32(L.net.error) == expected


def test_gaussian_with_adaptive_gain_uses_the_unit_gain(tmp_path):
    ex = example_file(tmp_path, "I: 1 T: 0.3;")
    L = lens(f"addNet n 1 1 GAUSSIAN ADAPTIVE_GAIN; loadExamples {ex};"
             "setObj output:0.incoming(0).weight 0.4; setObj output:0.incoming(1).weight 0.9;"
             "setObj output:0.gain 0.5; doExample 0 -train")
    g = L.net.group("output")
    inp = F32(F32(0.0 + F32(0.4)) + F32(0.9))
    ugain = F32(0.5)
    x = F32(inp * ugain)
    o = F32(math.exp(float(F32(-x * x))))
    od = F32(0.0 + 1.0 * ce_deriv(o, F32(0.3)))
    scale = F32(-2.0 * float(inp) * float(ugain) * float(o) * float(od))
    assert F32(g.output[-1, 0]) == o
    assert F32(g.input_deriv[-1, 0]) == F32(scale * ugain)
    assert F32(g.gain_deriv[-1, 0]) == F32(scale * inp)
    assert F32(g.incoming[0].deriv[0, 0]) == F32(scale * ugain)


ACT_COST = [("LOGISTIC", "CROSS_ENTROPY"), ("LOGISTIC", "SUM_SQUARED"),
            ("LINEAR", "SUM_SQUARED"), ("TANH", "SUM_SQUARED"),
            ("EXPONENTIAL", "SUM_SQUARED"), ("GAUSSIAN", "CROSS_ENTROPY"),
            ("SOFT_MAX", "DIVERGENCE"), ("SOFT_MAX", "CROSS_ENTROPY"),
            ("LOGISTIC", "COSINE"), ("LOGISTIC", "DIVERGENCE")]


@pytest.mark.parametrize("act,cost", ACT_COST)
@pytest.mark.parametrize("path", PATHS)
def test_each_error_and_output_function_through_two_updates(tmp_path, path, act, cost):
    assert_matches(*run_both(tmp_path, path, act, cost, "dougsMomentum"))


@pytest.mark.parametrize("cost", ["SUM_SQUARED", "COSINE"])
def test_radii_and_error_scale_with_other_error_functions(tmp_path, cost):
    assert_matches(*run_both(tmp_path, "per-example", "LOGISTIC", cost, "steepest",
                             setup="setObj targetRadius 0.05; setObj output.errorScale 0.7",
                             oracle_kw=dict(tr=F32(0.05), es=F32(0.7))))


EXTREME = [("LINEAR", "CROSS_ENTROPY"), ("LINEAR", "DIVERGENCE"), ("TANH", "CROSS_ENTROPY"),
           ("TANH", "SUM_SQUARED"), ("LOGISTIC", "CROSS_ENTROPY"), ("SOFT_MAX", "DIVERGENCE"),
           ("EXPONENTIAL", "DIVERGENCE"), ("GAUSSIAN", "SUM_SQUARED")]


@pytest.mark.parametrize("act,cost", EXTREME)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_saturated_units_and_out_of_range_outputs(tmp_path, act, cost, seed):
    # big weights: logistic clipped at ±16, tanh at ±17, CE/DIVERGENCE on outputs
    # outside (0,1), softmax far from its max
    examples = "I: 1 0 T: 1 0; I: 0.5 1 T: 0.2 0.7; I: 1 1 T: 0 1;"
    assert_matches(*run_both(tmp_path, "per-example", act, cost, "steepest", updates=1,
                             seed=seed, setup="setObj randRange 30; resetNet",
                             examples=examples))
