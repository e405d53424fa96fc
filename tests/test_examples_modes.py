"""Example selection: the exact sequences of ORDERED, PERMUTED,
RANDOMIZED and PROBABILISTIC with seeded Lens random streams (expectations
computed here from the streams, following Lens's rules), next_indices,
PIPE streaming from scripts/gen_examples.py, and CUSTOM; and the examples
training picks, with batch sizes, against c_arithmetic.Chooser."""
import io
import os
import sys

import numpy as np
import pytest

from lens_py.engine import types as T
from lens_py.engine.examples import (ExampleError, ExampleFileError, load_examples,
                                     set_example_mode)
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

from c_arithmetic import Chooser
from c_oracle_runs import PATHS, assert_matches, run_both

GEN = os.path.join(os.path.dirname(__file__), "..", "scripts", "gen_examples.py")
PIPE_CMD = f"|{sys.executable} {GEN}"


def session_with(tmp_path, text, **kw):
    s = Session(rng=LensRandom(7), write=io.StringIO().write)
    s.run_script = lambda t: ""
    (tmp_path / "m.ex").write_text(text)
    name = load_examples(s, str(tmp_path / "m.ex"), **kw)
    return s, s.sets[name]


def names(examples):
    return [e.name for e in examples]


TEN = ";\n" + "".join(f"name:{{{k}}} I: {k};\n" for k in range(10))


# -- stored-example modes ------------------------------------------------------------------------

def test_ordered_wraps_and_keeps_position(tmp_path):
    s, e = session_with(tmp_path, TEN)
    got = [e.next_example(s.rng).num for _ in range(23)]
    assert got == [k % 10 for k in range(23)]
    assert e.current == 2 and e.current_example is e.examples[2]
    e.reset()
    assert e.current == -1 and e.current_example is None
    assert e.next_example(s.rng).num == 0


def test_permuted_sequence_from_the_spec(tmp_path):
    s, e = session_with(tmp_path, TEN, ex_mode="PERMUTED")
    draws = LensRandom(7)
    n, cur, perm, want = 10, -1, list(range(10)), []
    for _ in range(35):
        i = cur + 1
        if i == n:
            i = 0
        j = i + draws.random() % (n - i)
        perm[i], perm[j] = perm[j], perm[i]
        want.append(perm[i])
        cur = i
    got = [e.next_example(s.rng).num for _ in range(35)]
    assert got == want
    assert sorted(got[:10]) == list(range(10)) and sorted(got[10:20]) == list(range(10))
    assert s.rng.getstate() == draws.getstate()        # one random() per example
    e.reset()                                          # the permutation is not restored
    assert e.perm == perm and e.current == -1


def test_randomized_draws_with_replacement(tmp_path):
    s, e = session_with(tmp_path, TEN, ex_mode="RAND")
    draws = LensRandom(7)
    want = [draws.random() % 10 for _ in range(30)]
    assert [e.next_example(s.rng).num for _ in range(30)] == want
    assert e.current == want[-1]


FREQS = [1.0, 2.5, 0.0, 4.0, 0.5, 3.3]


def test_probabilistic_uses_float32_cumulative_probabilities(tmp_path):
    text = ";\n" + "".join(f"freq:{f} I: 1;\n" for f in FREQS)
    s, e = session_with(tmp_path, text, ex_mode="PROB")
    f = [np.float32(x) for x in FREQS]
    total = np.float32(0)
    for x in f:
        total = np.float32(total + x)
    scale = np.float32(1.0 / float(total))
    p, acc = [], np.float32(0)
    for x in f:
        acc = np.float32(acc + np.float32(x * scale))
        p.append(acc)
    p[-1] = np.float32(1.0)
    assert [ex.probability for ex in e.examples] == [float(x) for x in p]
    draws = LensRandom(7)
    want = []
    for _ in range(200):
        r = np.float32(draws.drand48())
        want.append(next(k for k in range(len(p)) if p[k] >= r))
    got = [e.next_example(s.rng).num for _ in range(200)]
    assert got == want
    assert 2 not in got                            # frequency 0 is never chosen
    assert s.rng.getstate() == draws.getstate()


@pytest.mark.parametrize("mode", ["ORDERED", "PERMUTED", "RANDOMIZED", "PROBABILISTIC"])
def test_next_indices_equals_repeated_next_example(tmp_path, mode):
    text = ";\n" + "".join(f"freq:{1 + k % 3} I: {k};\n" for k in range(7))
    s1, e1 = session_with(tmp_path, text, ex_mode=mode)
    s2, e2 = session_with(tmp_path, text, ex_mode=mode)
    for count in (3, 7, 1, 12, 0, 5):
        one = [e1.next_example(s1.rng).num for _ in range(count)]
        many = e2.next_indices(count, s2.rng)
        assert list(many) == one
        assert s1.rng.getstate() == s2.rng.getstate()
        assert e1.current == e2.current and e1.perm == e2.perm
        if count:
            assert e2.current_example is e2.examples[one[-1]]


def test_empty_set_errors(tmp_path):
    s, e = session_with(tmp_path, ";\n")
    with pytest.raises(ExampleError, match="orderedLoadNextExample: set has no examples"):
        e.next_example(s.rng)
    set_example_mode(e, "PROB")
    before = s.rng.getstate()
    with pytest.raises(ExampleError, match="probabilisticLoadNextExample"):
        e.next_example(s.rng)
    assert s.rng.getstate() != before             # Lens draws before it checks


def test_set_example_mode_words_and_reset(tmp_path):
    s, e = session_with(tmp_path, TEN)
    e.next_example(s.rng)
    set_example_mode(e, "PERM")
    assert e.mode == T.PERMUTED and e.current == -1
    e.next_example(s.rng)
    set_example_mode(e, "PERMUTED")              # Lens resets even for the same mode
    assert e.current == -1
    with pytest.raises(ExampleError, match='invalid example mode: "BOGUS"'):
        set_example_mode(e, "BOGUS")
    with pytest.raises(ExampleError, match='set "m" has no pipe open'):
        set_example_mode(e, "PIPE")
    with pytest.raises(ExampleError, match="cannot choose examples in advance"):
        set_example_mode(e, "CUSTOM") or e.next_indices(2, s.rng)


# -- CUSTOM ------------------------------------------------------------------------------------------

def test_custom_runs_choose_example(tmp_path):
    s, e = session_with(tmp_path, TEN, ex_mode="CUSTOM")
    picks = iter(["7", " 3 ", "0", "10"])
    scripts = []

    def run(text):
        scripts.append(text)
        return next(picks)
    s.run_script = run
    with pytest.raises(ExampleError, match='Example set "m" needs a chooseExample procedure'):
        e.next_example(s.rng)
    e.choose_example = "expr {7}"
    assert [e.next_example(s.rng).num for _ in range(3)] == [7, 3, 0]
    assert scripts == ["expr {7}"] * 3 and e.current_example is e.examples[0]
    with pytest.raises(ExampleError, match="Example 10 out of range"):
        e.next_example(s.rng)


# -- PIPE ----------------------------------------------------------------------------------------------

def pipe_set(args="", **kw):
    s = Session(rng=LensRandom(1), write=io.StringIO().write)
    s.run_script = lambda t: ""
    name = load_examples(s, PIPE_CMD + " " + args, set_name="p", load_mode="PIPE", **kw)
    return s, s.sets[name]


def bits(ex):
    ext = np.zeros(3)
    ex.events[0].install_inputs(ext, np.arange(2), lambda g: None)
    tgt = np.zeros(3)
    ex.events[0].install_targets(tgt, np.arange(2, 3), lambda g: None)
    return ext[:2].tolist(), tgt[2]


def test_pipe_streams_and_loops_by_rerunning_the_command():
    s, e = pipe_set("-n 3")
    try:
        assert e.mode == T.PIPE and e.examples == [] and e.pipe_loop == 1
        got = [e.next_example(s.rng) for _ in range(7)]
        assert names(got) == ["g0", "g1", "g2", "g0", "g1", "g2", "g0"]
        assert all(x.num == 0 for x in got) and e.current == -1
        assert bits(got[1]) == ([0.0, 1.0], 1.0) and bits(got[2]) == ([1.0, 0.0], 1.0)
        assert e.pipe_example is got[-1] and e.pipe_example_num == 1
        with pytest.raises(ExampleError, match="cannot choose examples in advance"):
            e.next_indices(2, s.rng)
    finally:
        e.close()


def test_pipe_without_loop_is_exhausted():
    s, e = pipe_set("--exit-after 2")
    e.pipe_loop = 0
    assert names([e.next_example(s.rng) for _ in range(2)]) == ["g0", "g1"]
    assert e.pipe_example_num == 2
    with pytest.raises(ExampleFileError) as info:
        e.next_example(s.rng)
    assert info.value.lens_message == 'example set "p" has exhausted the pipe'
    assert info.value.line == 3 and info.value.filename.startswith("|")
    with pytest.raises(ExampleError, match='"p" is in PIPE mode but has no open pipe'):
        e.next_example(s.rng)


def test_pipe_garbage_names_the_line():
    s, e = pipe_set("--malformed 2")
    assert names([e.next_example(s.rng) for _ in range(2)]) == ["g0", "g1"]
    with pytest.raises(ExampleFileError) as info:
        e.next_example(s.rng)
    err = info.value
    assert err.line == 4 and err.what == "missing semicolon or something unexpected (@@ garbage)"
    assert e.pipe_parser is None and e.pipe_example_num == 0


def test_binary_pipe():
    s, e = pipe_set("--binary -n 2")
    try:
        got = [e.next_example(s.rng) for _ in range(5)]
        assert names(got) == ["g0", "g1", "g0", "g1", "g0"]
        assert bits(got[1]) == ([0.0, 1.0], 1.0)
    finally:
        e.close()


def test_binary_pipe_garbage():
    s, e = pipe_set("--binary --malformed 1")
    assert e.next_example(s.rng).name == "g0"
    with pytest.raises(ExampleFileError, match=r":example 2: bad numEvents \(-3\)"):
        e.next_example(s.rng)


def test_training_from_a_pipe_matches_appendix_a1():
    """The generator cycles through XOR in xor.ex's order, so training from it
    with batchSize 4 reproduces Lens's golden report."""
    out = io.StringIO()
    s = Session(rng=LensRandom(1), write=out.write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    load_examples(s, PIPE_CMD, set_name="gen", load_mode="PIPE")
    e = s.sets["gen"]
    try:
        assert net.training_set is e
        net.batch_size = 4
        s.train(25, report=5)
    finally:
        e.close()
    assert out.getvalue().splitlines()[2:] == [
        "      5)   2.78322   0.00000   1.29855   0.90686        0s        0s",
        "     10)   2.90196   0.00000   1.30927   0.70177        0s        0s",
        "     15)   2.78833   0.00000   1.24605  -0.93532        0s        0s",
        "     20)   2.80032   0.00000   1.20409   0.93808        0s        0s",
        "     25)   2.78559   0.00000   1.20872  -0.85653        0s        0s"]


# -- moveExamples ----------------------------------------------------------------------------------

def test_move_a_range_and_copy(tmp_path):
    from lens_py.engine.examples import move_examples
    s, e = session_with(tmp_path, "max:3;\n" + TEN[2:])
    net = s.add_net("n", groups=[(1, []), (1, [])])
    net.training_set = e
    assert move_examples(s, e, "held", 2, 3) == 3
    held = s.sets["held"]
    assert names(e.examples) == ["0", "1", "5", "6", "7", "8", "9"]
    assert names(held.examples) == ["2", "3", "4"] and held.max_time == 3.0
    assert [x.num for x in e.examples] == list(range(7)) and held.examples[0].set is held
    assert net.testing_set is held
    assert move_examples(s, e, "held", 0, 1, copy=True) == 1
    assert names(e.examples)[0] == "0" and names(held.examples) == ["2", "3", "4", "0"]
    assert held.examples[3] is not e.examples[0]
    assert held.examples[3].events[0].input[0].val.tolist() == [0.0]
    with pytest.raises(ExampleError, match=r"example indices \(5, 3\) out of bounds"):
        move_examples(s, e, "held", 5, 3)
    with pytest.raises(ExampleError, match=r"proportion \(1.500000\) must be in the range"):
        move_examples(s, e, "held", proportion=1.5)


def test_move_a_proportion_with_lens_draws(tmp_path):
    from lens_py.engine.examples import move_examples
    s, e = session_with(tmp_path, TEN)
    draws = LensRandom(7)
    remaining, want = 3, []
    for i in range(10):
        if not remaining:
            break
        if np.float32(draws.drand48()) < np.float32(np.float32(remaining) / np.float32(10 - i)):
            want.append(str(i))
            remaining -= 1
    assert move_examples(s, e, "part", proportion=0.3) == 3
    assert names(s.sets["part"].examples) == want
    assert len(e.examples) == 7 and s.rng.getstate() == draws.getstate()


# -- selection during training, against c_arithmetic.Chooser ----------------------



# -- example selection during training (example.c) -----------------------------------------------

FOUR_EXAMPLES = ("freq: 2 I: 1 0 T: 1 0; freq: 0.5 I: 0.5 1 T: 0.2 0.7;"
                 "freq: 1 I: 0 1 T: 0 1; freq: 3 I: 1 1 T: 0.6 0.1;")
LINKS_AT_BUILD = 2 * (3 * 3 + 2 * 4)      # drawn when made, and again by addNet's resetNet


@pytest.mark.parametrize("mode", ["ORDERED", "PERMUTED", "RANDOMIZED", "PROBABILISTIC"])
@pytest.mark.parametrize("batch", [0, 3])
@pytest.mark.parametrize("path", PATHS)
def test_example_modes_and_batch_sizes_choose_as_lens(tmp_path, path, mode, batch):
    chooser = Chooser(mode, 4, seed=3, drand_skip=LINKS_AT_BUILD)
    assert_matches(*run_both(
        tmp_path, path, "LOGISTIC", "CROSS_ENTROPY", "momentum", updates=4,
        setup=f"exampleSetMode ex {mode}; setObj batchSize {batch}",
        examples=FOUR_EXAMPLES, chooser=chooser, batch_size=batch))
