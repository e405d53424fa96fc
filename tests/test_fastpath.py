"""The compiled batch step and weight update (engine/fastpath.py) against the
NumPy path: the same nets trained both ways must end with identical weights,
identical printed reports and identical unit state (float32), or agree to
1e-12 (float64, where NumPy uses matrix products)."""
import io
import re

import numpy as np
import pytest

from fake_examples import Event, Example, ExampleSet, xor_set
from lens_py.engine.compiled import batch as fastpath
from lens_py.engine import training as TR
from lens_py.engine import types as T
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

needs_numba = pytest.mark.skipif(not fastpath.HAVE_NUMBA, reason="numba is not installed")



@pytest.fixture(autouse=True, scope="module")
def compiled():
    """The kernels compile in the background; until then the NumPy path runs."""
    fastpath.ready(wait=True)


TIMES = re.compile(r"(\s+\d+[hms]\s*\d*[ms]?){2}\n")


def example_set(n=12, n_in=4, n_out=3, targets="binary", mode=ExampleSet.ORDERED, seed=3,
                missing=False):
    rng = np.random.default_rng(seed)
    exs = []
    for _ in range(n):
        x = rng.uniform(0, 1, n_in)
        if targets == "binary":
            t = (rng.uniform(size=n_out) > 0.5).astype(float)
        elif targets == "dist":
            t = rng.dirichlet(np.ones(n_out))
        else:
            t = rng.uniform(-1, 1, n_out)
        if missing:
            t[rng.integers(n_out)] = np.nan
        exs.append(Example([Event(list(x), list(t))], frequency=float(rng.uniform(0.5, 2))))
    return ExampleSet("set", exs, mode=mode)


def train_both(build, updates=12, report=4, algorithm=None, dtype=np.float32, after=None,
               seed=7):
    """Train the net `build(session)` makes with the fast path on and off;
    returns the two results (report text, link arrays, unit state, errors, rng state)."""
    runs = []
    for fast in (True, False):
        out = io.StringIO()
        s = Session(rng=LensRandom(seed), write=out.write, dtype=dtype)
        net = build(s)
        net.fast_path = fast
        s.train(updates, report=report, algorithm=algorithm)
        if after is not None:
            after(s, net)
        runs.append({
            "report": TIMES.sub("\n", out.getvalue()),
            "links": [net.gather_links(f) for f in ("weight", "last_delta", "last_value",
                                                     "deriv")],
            "state": [g.state.copy() for g in net.groups],
            "errors": [net.error, net.output_cost, net.weight_cost, net.gradient_linearity]
            + [g.error for g in net.groups],
            "rng": s.rng.getstate(),
            "history": (net.example_history_start, net.ticks_on_example),
            "used_fast": getattr(net, "_fast_plan", None) is not None,
            "test": getattr(net, "test_text", None),
        })
    return runs


def assert_same(fast, slow, exact=True):
    assert fast["rng"] == slow["rng"]
    assert fast["history"] == slow["history"]
    assert fast["test"] == slow["test"]
    if exact:
        assert fast["report"] == slow["report"]
        for a, b in zip(fast["links"], slow["links"]):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(fast["state"], slow["state"]):
            np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(np.array(fast["errors"]), np.array(slow["errors"]))
    else:
        for a, b in zip(fast["links"], slow["links"]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        for a, b in zip(fast["state"], slow["state"]):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(np.array(fast["errors"]), np.array(slow["errors"]),
                                   rtol=1e-12, atol=1e-14)


def three_layer(hidden="LOGISTIC", output=("LOGISTIC", "SUM_SQUARED"), targets="binary",
                mode=ExampleSet.ORDERED, batch=0, sizes=(4, 5, 3), setup=None, **kw):
    def build(s):
        net = s.add_net("n", groups=[(sizes[0], []), (sizes[1], [hidden]),
                                     (sizes[2], list(output))])
        net.batch_size = batch
        s.add_set(example_set(n_in=sizes[0], n_out=sizes[2], targets=targets, mode=mode, **kw))
        if setup is not None:
            setup(net)
        return net
    return build


# -- the same numbers ------------------------------------------------------------------

@needs_numba
@pytest.mark.parametrize("hidden", ["LOGISTIC", "TANH", "LINEAR"])
@pytest.mark.parametrize("output,targets", [
    (("LOGISTIC", "SUM_SQUARED"), "binary"),
    (("LOGISTIC", "CROSS_ENTROPY"), "binary"),
    (("LOGISTIC", "CROSS_ENTROPY"), "dist"),
    (("LINEAR", "SUM_SQUARED"), "real"),
    (("TANH", "SUM_SQUARED"), "real"),
])
def test_activation_and_cost_combinations(hidden, output, targets):
    fast, slow = train_both(three_layer(hidden, output, targets))
    assert fast["used_fast"] and not slow["used_fast"]
    assert_same(fast, slow)


@needs_numba
@pytest.mark.parametrize("alg", ["steepest", "momentum", "dougsMomentum", "deltaBarDelta"])
@pytest.mark.parametrize("batch,mode", [(0, ExampleSet.ORDERED), (5, ExampleSet.PERMUTED),
                                        (1, ExampleSet.PERMUTED), (7, ExampleSet.ORDERED)])
def test_algorithms_batch_sizes_and_orders(alg, batch, mode):
    fast, slow = train_both(three_layer(batch=batch, mode=mode), algorithm=alg, updates=15)
    assert fast["used_fast"]
    assert_same(fast, slow)


@needs_numba
def test_xor_appendix_a1_report_through_the_fast_path():
    def build(s):
        net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
        s.add_set(xor_set())
        return net
    fast, slow = train_both(build, updates=25, report=5, seed=1)
    assert fast["used_fast"]
    assert_same(fast, slow)
    assert "     25)   2.78559   0.00000   1.20872  -0.85653" in fast["report"]


@needs_numba
def test_radii_error_scale_gain_decay_and_frequencies():
    def setup(net):
        net.target_radius = 0.1
        net.zero_error_radius = 0.05
        net.weight_decay = 0.01
        net.pseudo_example_freq = 1
        net.gain = 1.5
        out = net.group("output")
        out.error_scale = 0.5
        out.target_radius = 0.2
        net.group("hidden").learning_rate = 0.3
        net.group("hidden").momentum = 0.5
    for output, targets in ((("LOGISTIC", "CROSS_ENTROPY"), "dist"),
                            (("TANH", "SUM_SQUARED"), "real")):
        fast, slow = train_both(three_layer(output=output, targets=targets, batch=5,
                                            mode=ExampleSet.PERMUTED, setup=setup),
                                algorithm="momentum")
        assert fast["used_fast"]
        assert_same(fast, slow)


@needs_numba
def test_missing_targets_and_deeper_net_with_long_links():
    # 23 senders: Lens's unrolled chunks of ten plus a remainder
    def build(s):
        net = s.add_net("n", groups=[(23, []), (12, ["TANH"]), (11, []), (3, [])])
        s.add_set(example_set(n_in=23, n_out=3, targets="binary", missing=True))
        return net
    fast, slow = train_both(build, updates=9, report=3)
    assert fast["used_fast"]
    assert_same(fast, slow)


@needs_numba
def test_test_after_training_and_state_agree():
    def after(s, net):
        text, values = s.test(return_text=True)
        net.test_text = text
    runs = train_both(three_layer(output=("LOGISTIC", "CROSS_ENTROPY")), after=after)
    assert_same(*runs)


@needs_numba
@pytest.mark.parametrize("alg", ["momentum", "deltaBarDelta", "dougsMomentum"])
def test_float64_agrees_to_rounding(alg):
    fast, slow = train_both(three_layer(output=("LOGISTIC", "CROSS_ENTROPY"), batch=5),
                            algorithm=alg, dtype=np.float64)
    assert fast["used_fast"]
    assert_same(fast, slow, exact=False)


# -- falling back --------------------------------------------------------------------------

@needs_numba
@pytest.mark.parametrize("setup,reason", [
    (lambda net: setattr(net.group("output"), "type",
                         net.group("output").type | T.STANDARD_CRIT), "criterion"),
    (lambda net: net.freeze_weights(groups=[net.group("hidden")]), "frozen group"),
    (lambda net: net.group("output").incoming[0].learning_rate.__setitem__(1, 0.5),
     "block parameter"),
    (lambda net: net.hooks.__setitem__("postExampleProc", lambda: None), "hook"),
])
def test_unsupported_cases_fall_back_with_the_same_numbers(setup, reason):
    fast, slow = train_both(three_layer(setup=setup), algorithm="dougsMomentum")
    assert_same(fast, slow)


@needs_numba
def test_frozen_unit_mid_training_falls_back_for_that_update():
    calls = []

    def build(s):
        net = three_layer()(s)

        def freeze():
            calls.append(net.total_updates)
            if net.total_updates == 5:
                net.group("hidden").unit_frozen[2] = True
        net.hooks["postUpdateProc"] = freeze
        return net
    fast, slow = train_both(build, algorithm="momentum")
    assert_same(fast, slow)
    assert len(calls) == 2 * 12


def test_switches_give_the_numpy_path():
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    s.add_set(xor_set())
    net.fast_path = False
    assert fastpath.train_batch(s, net, net.training_set) is None
    assert net.training_set.current == -1          # nothing was consumed


@needs_numba
@pytest.mark.parametrize("limit,exact", [(200, None), (10 ** 9, False)])
def test_matrix_products_where_the_numpy_path_uses_them(monkeypatch, limit, exact):
    # a low limit mixes Lens-order sums (small projections) with matrix products
    from lens_py.engine import forward
    monkeypatch.setattr(forward, "EXACT_LIMIT", limit)

    def setup(net):
        net.exact_arithmetic = exact
    for alg in ("dougsMomentum", "deltaBarDelta"):
        fast, slow = train_both(three_layer(sizes=(6, 9, 4), batch=5, setup=setup,
                                            mode=ExampleSet.PERMUTED), algorithm=alg)
        assert fast["used_fast"]
        assert_same(fast, slow)


@needs_numba
@pytest.mark.parametrize("chunk_values,limit", [(10 ** 7, None), (200, None), (200, 150)])
def test_compiled_test_in_chunks_matches(monkeypatch, chunk_values, limit):
    # small chunks: several chunks of examples; a low EXACT_LIMIT: matrix products
    from lens_py.engine import forward
    monkeypatch.setattr(fastpath, "TEST_CHUNK_VALUES", chunk_values)
    if limit is not None:
        monkeypatch.setattr(forward, "EXACT_LIMIT", limit)

    def after(s, net):
        texts = [s.test(return_text=True)[0]]
        texts.append(s.test(5, reset_error=False, return_text=True)[0])
        net.test_text = texts

    def build(s):
        net = s.add_net("n", groups=[(4, []), (6, ["TANH"]), (3, ["CROSS_ENTROPY"])])
        s.add_set(example_set(n=13, targets="binary", missing=True))
        return net
    fast, slow = train_both(build, updates=3, after=after)
    assert "Test results on 13 examples" in fast["test"][0]
    assert_same(fast, slow)


@needs_numba
@pytest.mark.parametrize("alg", ["dougsMomentum", "deltaBarDelta"])
def test_update_schedule_compiled_update(alg):
    def setup(net):
        net.set_update_schedule("{hidden -> 2} output")
    fast, slow = train_both(three_layer(setup=setup), algorithm=alg, updates=10)
    assert fast["used_fast"]
    assert_same(fast, slow)


@needs_numba
def test_shared_weight_arrays():
    # two projections over one weight array: derivatives from both places add up
    def build(s):
        net = s.add_net("n", groups=[(4, []), (4, ["TANH"]), (4, ["TANH"]), (3, [])])
        h1, h2 = net.group("hidden"), net.group("hidden2")
        net.connect_groups(net.group("input"), h2, share_with=(net.group("input"), h1))
        s.add_set(example_set(n_in=4, n_out=3))
        return net
    fast, slow = train_both(build, algorithm="momentum")
    assert fast["used_fast"]
    assert_same(fast, slow)


# -- runs of updates in one compiled call (fastpath.train_updates) ------------------------

def _result(s, net, text):
    return {"text": TIMES.sub("\n", re.sub(r"Total time elapsed: \S+", "", text)),
            "links": [net.gather_links(f) for f in ("weight", "last_delta", "deriv")],
            "state": [g.state.copy() for g in net.groups], "rng": s.rng.getstate(),
            "errors": [net.error, net.weight_cost, net.gradient_linearity],
            "position": (net.training_set.current, list(net.training_set.perm)),
            "total": net.total_updates,
            "history": (net.example_history_start, net.ticks_on_example)}


def _assert_same_result(a, b):
    assert a["text"] == b["text"]
    assert (a["rng"], a["position"], a["total"], a["history"]) == \
        (b["rng"], b["position"], b["total"], b["history"])
    for x, y in zip(a["links"] + a["state"], b["links"] + b["state"]):
        np.testing.assert_array_equal(x, y)
    np.testing.assert_array_equal(np.array(a["errors"]), np.array(b["errors"]))


def _train_twice(build, fast, updates, report, alg="momentum"):
    out = io.StringIO()
    s = Session(rng=LensRandom(5), write=out.write)
    net = build(s)
    net.fast_path = fast
    try:
        text = s.train(updates, report=report, algorithm=alg)
    except TR.TrainingHalted as e:
        text = "halted: " + str(e)
    return s, net, out.getvalue() + text


@needs_numba
@pytest.mark.parametrize("mode", [ExampleSet.ORDERED, ExampleSet.PERMUTED])
@pytest.mark.parametrize("report", [0, 7])
def test_runs_of_updates_stop_at_the_error_criterion(monkeypatch, mode, report):
    # minCritBatches ends training inside a compiled run: the unused draws are given back
    runs = []
    calls = []
    real = fastpath.train_updates_kernel
    monkeypatch.setattr(fastpath, "train_updates_kernel",
                        lambda idx, *a: (calls.append(len(idx)), real(idx, *a))[1])
    monkeypatch.setattr(fastpath, "BURST_SECONDS", 10.0)

    def setup(net):
        net.criterion = 2.9
        net.min_crit_batches = 4
    for fast in (True, False):
        s, net, text = _train_twice(three_layer(batch=5, mode=mode, setup=setup), fast, 400,
                                    report)
        runs.append(_result(s, net, text))
    assert "Network reached overall error criterion" in runs[0]["text"]
    assert 4 < runs[0]["total"] < 400
    assert max(calls) > 4                   # several updates per call
    _assert_same_result(*runs)


@needs_numba
@pytest.mark.parametrize("alg", ["dougsMomentum", "deltaBarDelta"])
@pytest.mark.parametrize("report", [0, 7])
def test_runs_of_updates_with_matrix_products(monkeypatch, alg, report):
    # exactSums 0: runs of updates with the products in NumPy between the
    # compiled steps (several batches per call), the NumPy path's bits; the
    # criterion ends training inside a run
    calls = []
    real = fastpath._updates_with_products
    monkeypatch.setattr(fastpath, "_updates_with_products",
                        lambda plan, uplan, idx, *a: (calls.append(len(idx)),
                                                      real(plan, uplan, idx, *a))[1])
    monkeypatch.setattr(fastpath, "BURST_SECONDS", 10.0)

    def setup(net):
        net.exact_arithmetic = False
        net.criterion = 2.9
        net.min_crit_batches = 4
    runs = []
    for fast in (True, False):
        s, net, text = _train_twice(three_layer(batch=5, mode=ExampleSet.PERMUTED,
                                                sizes=(6, 9, 4), setup=setup),
                                    fast, 300, report, alg)
        runs.append(_result(s, net, text))
    assert max(calls) > 4
    assert 4 < runs[0]["total"] <= 300
    _assert_same_result(*runs)


@needs_numba
@pytest.mark.parametrize("mode", [ExampleSet.ORDERED, ExampleSet.PERMUTED])
def test_ctrl_c_during_a_compiled_run_stops_after_the_updates_it_completed(monkeypatch, mode):
    real = fastpath.train_updates_kernel
    monkeypatch.setattr(fastpath, "BURST_SECONDS", 10.0)

    def interrupted(idx, *args):
        if len(idx) > 8:            # completes 5 updates, then Ctrl-C arrives
            real(idx[:5], *args)
            raise KeyboardInterrupt
        real(idx, *args)
    monkeypatch.setattr(fastpath, "train_updates_kernel", interrupted)
    build = three_layer(batch=4, mode=mode)
    s, net, text = _train_twice(build, True, 100, 0)
    fast = _result(s, net, text)
    assert "halted: Performed" in text and "Training halted prematurely" in text
    done = fast["total"]
    assert 5 < done < 100
    assert f"Performed {done} updates" in text
    monkeypatch.setattr(fastpath, "train_updates_kernel", real)
    s, net, text = _train_twice(build, False, done, 0)
    slow = _result(s, net, text)
    fast["text"] = slow["text"] = ""
    _assert_same_result(fast, slow)


@needs_numba
def test_ordered_draws_match_next_indices():
    a, b = example_set(n=7), example_set(n=7)
    a.current = b.current = 3
    got = fastpath.draw_indices(a, 23, LensRandom(1))
    assert got.tolist() == b.next_indices(23, LensRandom(1))
    assert (a.current, a.current_example.num) == (b.current, b.current_example.num)


@needs_numba
@pytest.mark.parametrize("batch,dtype", [(0, np.float32), (3, np.float32), (1, np.float32),
                                         (0, np.float64)])
def test_sums_shared_between_threads_give_the_same_bits(monkeypatch, batch, dtype):
    # every sum threaded (units split on 16-unit boundaries for the inputs,
    # examples for the derivative caches, units for the link derivatives),
    # against the NumPy path; 50 and 37 units split unevenly, 9 not at all
    monkeypatch.setattr(fastpath, "PARALLEL_WORK", 0)
    # every run of batches on all threads (not one when that measured faster)
    monkeypatch.setattr(fastpath, "_threads_for",
                        lambda plan, kind: (fastpath.numba.get_num_threads(), False))

    def build(s):
        net = s.add_net("n", groups=[(23, []), (50, ["TANH"]), (37, []), (9, []), (3, [])])
        net.batch_size = batch
        s.add_set(example_set(n=13, n_in=23, n_out=3, targets="binary"))
        return net
    fast, slow = train_both(build, updates=6, report=2, algorithm="momentum", dtype=dtype)
    assert fast["used_fast"]
    assert_same(fast, slow, exact=dtype == np.float32)


@needs_numba
def test_the_thread_count_measured_faster_is_kept_and_the_other_tried_again():
    class Plan:
        pace, trials = {}, 0

        def threads_pay(self, rows=None):
            return True
    n = fastpath.numba.get_num_threads()
    if n < 2:
        pytest.skip("one thread here")
    plan = Plan()
    assert fastpath._threads_for(plan, "burst") == (1, False)     # one first: never slow
    plan.pace[("burst", 1)] = 0.004
    assert fastpath._threads_for(plan, "burst") == (n, True)      # then a short trial of all
    plan.pace[("burst", n)] = 0.020
    picks = [fastpath._threads_for(plan, "burst") for _ in range(2 * fastpath.PROBE_EVERY)]
    assert picks.count((n, True)) == 2 and picks.count((1, False)) == len(picks) - 2
    plan.pace[("burst", n)] = 0.002
    assert fastpath._threads_for(plan, "burst") == (n, False)
    assert fastpath._threads_for(plan, "test") == (1, False)      # each kind on its own


def _spy_on_declined_updates(monkeypatch) -> list:
    """Per compiled run of updates, whether its weight update declined."""
    monkeypatch.setattr(fastpath, "BURST_SECONDS", 10.0)
    declined = []
    real = fastpath.train_updates_kernel

    def spy(idx, crit, min_crit, bac, counter, *args):
        real(idx, crit, min_crit, bac, counter, *args)
        declined.append(int(counter[1]))
    monkeypatch.setattr(fastpath, "train_updates_kernel", spy)
    return declined


@needs_numba
def test_compiled_run_with_a_block_parameter_leaves_each_update_to_numpy(monkeypatch):
    # the compiled update declines (a link block with its own learning rate):
    # every batch runs compiled, every update in NumPy, the reports and
    # numbers as the NumPy path's
    declined = _spy_on_declined_updates(monkeypatch)

    def setup(net):
        net.group("hidden").incoming[-1].learning_rate[1] = np.float32(0.05)
    fast, slow = train_both(three_layer(setup=setup), updates=9, report=5,
                            algorithm="momentum")
    assert declined and all(declined)
    assert_same(fast, slow)


@needs_numba
def test_frozen_units_are_updated_compiled_with_the_same_numbers(monkeypatch):
    declined = _spy_on_declined_updates(monkeypatch)

    def setup(net):
        net.group("hidden").unit_frozen[1] = True
        net.group("output").incoming[-1].frozen[0] = True
    for algorithm in ("momentum", "dougsMomentum", "deltaBarDelta"):
        declined.clear()
        fast, slow = train_both(three_layer(setup=setup), updates=9, report=5,
                                algorithm=algorithm)
        assert declined and not any(declined), algorithm
        assert_same(fast, slow)


@needs_numba
def test_ctrl_c_while_drawing_the_examples_of_a_run_gives_the_draws_back(monkeypatch):
    real = fastpath.draw_indices

    def draw(exset, count, rng):
        real(exset, count, rng)          # the draws are made, then Ctrl-C arrives
        raise KeyboardInterrupt
    monkeypatch.setattr(fastpath, "draw_indices", draw)
    s = Session(rng=LensRandom(5), write=io.StringIO().write)
    net = three_layer(batch=4, mode=ExampleSet.PERMUTED)(s)
    before = s.rng.getstate()
    with pytest.raises(TR.TrainingHalted, match="Performed 0 updates"):
        s.train(50, report=0, algorithm="momentum")
    assert (net.total_updates, net.training_set.current) == (0, -1)
    assert net.training_set.perm == list(range(12))
    assert s.rng.getstate() == before


@needs_numba
def test_padded_row_widths_are_whole_lines_off_the_cache_set_strides():
    for n in range(1, 2100):
        m = fastpath._pad16(n)
        assert n <= m < n + 32 and m % 16 == 0 and m % 64 != 0


@needs_numba
def test_the_kernels_compile():
    # a kernel that fails to compile silently leaves everything to NumPy
    # (same numbers, much slower), and other tests would only skip
    from lens_py.engine.compiled import example as fastexample
    assert fastpath.ready(wait=True) and fastpath.ENABLED
    assert fastexample.wait_ready() and fastexample.ENABLED


@needs_numba
def test_training_and_testing_in_turn_keep_their_work_spaces(monkeypatch):
    # a lesion study's loop: test, train, test...  Each kind of call builds
    # its work space once, and the numbers are the NumPy path's
    built = []
    real = fastpath._Plan._layout
    monkeypatch.setattr(fastpath._Plan, "_layout",
                        lambda self, *a: (built.append(a[1:]), real(self, *a))[1])

    def after(s, net):
        texts = []
        for _ in range(4):
            texts.append(s.test()[1])
            s.train(3, report=0)
        net.test_text = repr(texts)
    fast, slow = train_both(three_layer(batch=4), after=after)
    assert fast["used_fast"]
    assert_same(fast, slow)
    assert len(built) == 2          # one training batch's, one test's
