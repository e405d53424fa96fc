"""Single procedures of CONTINUOUS networks as Lens 2.63 runs them: IN_INTEGR
skipped in a fully hard-clamped group, setTime and resetNet re-initialising the
integrators, events past maxTicks, tick-0 targets by group type, and a changed
group type starting its procedures afresh."""
import numpy as np

from continuous_c_reference import (CASES, EVENTS, F32, assert_derivs_equal, build,
                                    ref_for)
from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of
from lens_py.engine import forward as F
from lens_py.engine import types as T



# -- details of single procedures ---------------------------------------------------------

def _clamped_in_integr_group(tmp_path):
    it, net = build(tmp_path, hidden_types="LINEAR IN_INTEGR")
    g = net.group("hidden")
    g.output_procs.insert(0, T.HARD_CLAMP)       # LINEAR with a HARD_CLAMP, as +HARD_CLAMP
    return net, g


def test_in_integr_back_skipped_when_fully_hard_clamped(tmp_path):
    """computeInputBack returns before any input proc of a fully clamped
    HARD_CLAMP group: IN_INTEGR's accumulator and the inputDeriv stay."""
    net, g = _clamped_in_integr_group(tmp_path)
    from lens_py.engine import continuous as C
    st = C.integrator_state(net, g, "IN_INTEGR")
    st.value[...] = F32(0.75)
    g.input_deriv[...] = F32(0.5)
    g.external_input[...] = F32(1)
    F.compute_input_back(net, g)
    assert np.all(st.value == F32(0.75)) and np.all(g.input_deriv == F32(0.5))
    assert not net.group("bias").deriv_cache.any()
    # one unclamped unit: the whole group runs its input procs again
    g.external_input[0, 1] = np.nan
    F.compute_input_back(net, g)
    dt = F32(F32(1) / F32(3))
    d = F32(dt * F32(0.75))
    assert np.all(g.input_deriv == d)
    assert np.all(st.value == F32(F32(0.75) + F32(F32(0.5) - d)))


def test_in_integr_forward_skipped_when_fully_hard_clamped(tmp_path):
    net, g = _clamped_in_integr_group(tmp_path)
    from lens_py.engine import continuous as C
    st = C.integrator_state(net, g, "IN_INTEGR")
    st.value[...] = F32(0.75)
    g.external_input[...] = F32(1)
    F.compute_input(net, g, True)
    assert np.all(st.value == F32(0.75)) and np.all(g.input == 0)


def test_set_time_reinitialises_integrators(tmp_path):
    """setTime with a new history length re-runs initGroupTypes, which
    allocates every proc's unitData afresh (zeros)."""
    it, net = build(tmp_path, **CASES["no-reset"])
    it.eval("train 1 -r 0")
    from lens_py.engine import continuous as C
    st = C.integrator_state(net, net.group("hidden"), "OUT_INTEGR")
    assert np.any(st.value != 0)
    it.eval("setTime -t 4")
    st = C.integrator_state(net, net.group("hidden"), "OUT_INTEGR")
    assert np.all(st.value == 0)
    assert st.instant.shape == (9, 2)


def test_events_past_max_ticks_never_run(tmp_path):
    """One interval (maxTicks 4): the first event ends at tick 3 = maxTicks-1
    and the loop stops; the second event is not presented."""
    it, net = build(tmp_path, intervals=1, ticks=3)
    ref, groups = ref_for(net, 3, intervals=1)
    it.eval("test")
    ticks, reached = ref.test(EVENTS)
    assert ticks == 2 * 4
    assert it.eval("set Test(numTicks)") == "8"
    assert net.error == float(ref.error)
    it.eval("train 1 -a steepest -r 0")
    ref.train_batch(EVENTS)
    assert net.error == float(ref.error)
    assert_derivs_equal(net, groups)
    assert net.event_history[:4] == [-1, 0, 0, 0]


def test_tick_zero_targets_follow_the_group_type(tmp_path):
    """storeOutputsAndTargets(0) tests the group's *type* bits against the
    error-cost mask: an OUTPUT group (bit 2) with USE_TARGET_HIST stores its
    first target at slot 0, a hidden group (no fixed type) does not."""
    it, net = build(tmp_path, setup="changeGroupType output +USE_TARGET_HIST; "
                                    "changeGroupType hidden +USE_TARGET_HIST")
    net.group("hidden").target_history[0] = F32(7)
    it.eval("doExample 1 -test")
    assert net.group("output").target_history[0, 0] == F32(0)      # example b's first target
    assert net.group("hidden").target_history[0, 0] == F32(7)
    it.eval("doExample 0 -test")
    assert net.group("output").target_history[0, 0] == F32(1)


def test_reset_net_puts_interact_integr_at_init_output():
    """resetNet re-initialises the integrators: an INTERACT_INTEGR group
    without RESET_ON_EXAMPLE starts from initOutput, not 0."""
    from lens_py.engine import continuous as C
    it = make_interp()
    it.eval("""addNet n -i 2 -t 2 CONTINUOUS
addGroup input 2 INPUT
addGroup hidden 2 INTERACT_INTEGR -RESET_ON_EXAMPLE
connectGroups input hidden
setObj hidden.initOutput 0.3
resetNet""")
    net = session_of(it).net
    st = C.integrator_state(net, net.group("hidden"), "INTERACT_INTEGR")
    assert st.value.tolist() == [[np.float32(0.3)] * 2]


def test_changing_a_group_type_starts_its_procedures_afresh(tmp_path):
    it, net = build(tmp_path, **CASES["no-reset"])
    it.eval("train 1 -r 0")
    assert net.group("hidden").proc_state
    it.eval("changeGroupType hidden +USE_OUTPUT_HIST")
    assert not net.group("hidden").proc_state
