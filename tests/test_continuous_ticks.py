"""CONTINUOUS networks bit for bit against continuous_c_reference.CRef (Lens's
act.c written out): training batches, the values of every tick of one
example, integrators carried between examples without RESET_ON_EXAMPLE, the
test report (tick 0 counted, events ended by testGroupCrit), dt's rounding
and maxTicks."""
import numpy as np
import pytest

from continuous_c_reference import (CASES, EVENTS, F32, assert_derivs_equal,
                                    assert_histories_equal, build, ref_for, sync_weights)



@pytest.mark.parametrize("case", list(CASES))
def test_training_batches_bit_for_bit(tmp_path, case):
    it, net = build(tmp_path, **CASES[case])
    ref, groups = ref_for(net, 3)
    for batch in range(3):
        it.eval("train 1 -a steepest -r 0")
        ref.train_batch(EVENTS)
        assert net.error == float(ref.error), batch
        assert net.group("output").error == float(groups["output"].error)
        assert_derivs_equal(net, groups)
        assert_histories_equal(net, groups, 7)
        sync_weights(net, groups)
    # the backward pass ends with the last tick's outputs restored, currentTick 0
    assert net.current_tick == 0
    np.testing.assert_array_equal(net.group("hidden").output[0], groups["hidden"].out)


@pytest.mark.parametrize("case", ["linear-out-integr", "linear-in-integr", "logistic-soft-clamp"])
def test_tick_values_of_one_example(tmp_path, case):
    """doExample -test: inputs and outputs of every tick, tick 0 not stored."""
    it, net = build(tmp_path, **CASES[case])
    ref, groups = ref_for(net, 3)
    it.eval("doExample 1 -test")
    ticks, _ = ref.run_example(EVENTS[1], False)
    assert ticks == net.ticks_on_example == 7
    assert_histories_equal(net, groups, 7)
    np.testing.assert_array_equal(net.group("input").output_history[1:],
                                  groups["input"].h_out[1:])
    assert np.all(net.group("hidden").output_history[0] == 0)


def test_no_reset_state_after_training(tmp_path):
    """Without RESET_ON_EXAMPLE an integrator starts the next example from
    what the backward pass left in its (shared) array, and the first example
    after resetNet from 0 while the output cache holds initOutput."""
    it, net = build(tmp_path, **CASES["no-reset"])
    ref, groups = ref_for(net, 3)
    it.eval("train 1 -a steepest -r 0")
    ref.train_batch(EVENTS)
    state = net.group("hidden").proc_state["OUT_INTEGR"].value[0]
    np.testing.assert_array_equal(state, groups["hidden"].integ)
    assert np.any(state != 0)
    # the forward run of a test starts from that array
    sync_weights(net, groups)
    it.eval("doExample 0 -test")
    ref.run_example(EVENTS[0], False)
    assert_histories_equal(net, groups, 7)


@pytest.mark.parametrize("min_time", [1.0, 0.0])
def test_test_report_counts_tick_zero(tmp_path, min_time):
    """reportError: ticks = Σ ticksOnExample (tick 0 included); the error of
    each tick was divided by ticksPerInterval; events may end early on the
    testGroupCrit once minTime has passed."""
    it, net = build(tmp_path, hidden_types="LOGISTIC", output_types="LOGISTIC",
                    min_time=min_time, setup="setObj testGroupCrit 0.6")
    ref, groups = ref_for(net, 3)
    it.eval("test")
    ticks, reached = ref.test(EVENTS, min_time)
    assert it.eval("set Test(numTicks)") == str(ticks)
    assert it.eval("set Test(examplesCorrect)") == str(reached)
    assert net.error == float(ref.error)
    assert it.eval("set Test(totalError)") == "%g" % float(ref.error)
    assert it.eval("set Test(tickError)") == "%g" % float(ref.error / F32(ticks))
    if min_time == 1.0:
        assert ticks == 2 * 7
    else:
        assert ticks < 2 * 7


def test_dt_rounding_and_max_ticks(tmp_path):
    """setTime: dt = (real) 1 / ticksPerInterval; maxTicks = intervals·ticks + 1."""
    it, net = build(tmp_path, intervals=3, ticks=7)
    assert net.max_ticks == 22 and net.history_length == 22
    assert net.dt == float(F32(1) / F32(7))
    ref, groups = ref_for(net, 7, intervals=3)
    it.eval("train 1 -a steepest -r 0")
    ref.train_batch(EVENTS)
    assert net.error == float(ref.error)
    assert_derivs_equal(net, groups)
