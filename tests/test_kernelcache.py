"""Compiled kernels compile in the foreground, variant by variant, once the
NumPy path has run long enough to pay for them, and load from numba's cache
in every later process (lens_py.engine.compiled.cache)."""
import os
import subprocess
import sys
import types

import pytest

from lens_py.engine.compiled import cache as kernelcache

numba = pytest.importorskip("numba")


def kernels(tmp_path, warm=None, text="def k(): pass\n", variants=("v32", "v64")):
    src = tmp_path / "kern.py"
    src.write_text(text)
    probe = types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(tmp_path)))
    calls = []

    def default_warm(variant):
        calls.append(variant)
    k = kernelcache.Kernels("kern", str(src), warm or default_warm, probe, variants=variants,
                            what="the test kernels")
    kernelcache.REGISTERED.remove(k)        # not one of the product's modules
    return k, calls


@pytest.fixture
def auto(monkeypatch):
    """The default compile mode, and no train under way (an earlier test's
    train would say how long it has left)."""
    monkeypatch.delenv(kernelcache.COMPILE_ENV, raising=False)
    kernelcache.new_run()
    yield
    kernelcache.new_run()


class Clock:
    def __init__(self, monkeypatch):
        self.now = 1000.0
        monkeypatch.setattr(kernelcache.time, "monotonic", lambda: self.now)


def test_uncached_kernels_compile_only_once_the_numpy_path_has_run_long_enough(
        tmp_path, auto, monkeypatch, capsys):
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    assert not k.ready() and calls == []          # asking alone never compiles
    steps = 0
    while not k.charge("v32"):
        clock.now += 0.25                           # a NumPy batch
        steps += 1
        assert steps < 100
    # charged at 0.25 s intervals: compiled at the charge 2 s after the first
    assert steps == int(kernelcache.COMPILE_AFTER_SECONDS / 0.25)
    assert calls == ["v32"] and k.cached("v32") and not k.cached("v64")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "compiling the test kernels (v32)" in err \
        and "once" in err


def test_idle_time_between_runs_is_not_charged(tmp_path, auto, monkeypatch):
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    for _ in range(5):
        k.new_run()                 # a short train, then the user thinks for a minute
        assert not k.charge("v32")
        clock.now += 0.1
        assert not k.charge("v32")
        clock.now += 60.0
    assert calls == [] and abs(k.numpy_seconds - 0.5) < 1e-9


def test_one_long_batch_counts_at_most_the_cap(tmp_path, auto, monkeypatch):
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    k.charge("v32")
    clock.now += 3600.0             # one very long NumPy batch
    assert k.charge("v32") and calls == ["v32"]
    assert k.numpy_seconds == kernelcache.GAP_CAP_SECONDS


def test_cached_variants_load_at_once_in_the_foreground(tmp_path, auto):
    k, calls = kernels(tmp_path)
    k.mark_cached("v64")
    assert not k.ready("v32") and k.ready("v64")
    assert calls == ["v64"]
    assert k.ready("v64") and calls == ["v64"]        # loaded once


@pytest.mark.parametrize("mode, compiles", [("now", True), ("never", False)])
def test_the_environment_decides_when_to_compile(tmp_path, monkeypatch, mode, compiles):
    kernelcache.new_run()
    monkeypatch.setenv(kernelcache.COMPILE_ENV, mode)
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    assert k.ready() is compiles
    for _ in range(20):
        clock.now += 1.0
        k.charge()
    assert calls == (["v32"] if compiles else [])


def test_waiting_compiles_here(tmp_path, auto):
    k, calls = kernels(tmp_path)
    assert k.ready("v64", wait=True) and calls == ["v64"] and k.cached("v64")


def test_a_failed_compilation_is_not_retried_by_every_run(tmp_path, auto, monkeypatch):
    clock = Clock(monkeypatch)

    def broken(variant):
        raise RuntimeError("no")
    k, _ = kernels(tmp_path, warm=broken)
    assert not k.ready(wait=True)
    assert k.failed() and not k.cached() and "v32" in k.broken
    again, calls = kernels(tmp_path)              # another process, same sources
    for _ in range(10):
        clock.now += 1.0
        assert not again.charge()
    assert calls == []


def test_the_marker_follows_the_source(tmp_path):
    a, _ = kernels(tmp_path)
    a.mark_cached()
    (tmp_path / "kern.py").write_text("def k(): return 1\n")
    assert not a.cached()
    assert os.path.basename(a.marker()).startswith("lens_py_kern_v32_")


def test_a_dependency_changes_the_marker_and_stale_numba_files_go(tmp_path):
    dep = tmp_path / "dep.py"
    dep.write_text("x = 1\n")
    src = tmp_path / "kern.py"
    src.write_text("def k(): pass\n")
    probe = types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(tmp_path)))
    k = kernelcache.Kernels("kern", str(src), lambda v: None, probe, depends=(str(dep),),
                            variants=("a", "b"))
    kernelcache.REGISTERED.remove(k)
    k.mark_cached("a")
    first = k.marker("a")
    dep.write_text("x = 2\n")
    assert k.marker("a") != first and not k.cached("a")
    numba_files = ("kern.k-1.py311.nbi", "kern.k-1.py311.1.nbc", "other.k-1.py311.nbi")
    for name in numba_files:
        (tmp_path / name).write_text("")
    k.forget_stale_cache()
    assert sorted(p.name for p in tmp_path.glob("*.nb*")) == ["other.k-1.py311.nbi"]
    k.mark_cached("a")
    assert not (tmp_path / os.path.basename(first)).exists()     # the old marker is gone
    # a second variant of the same sources keeps the first one's numba files
    for name in numba_files:
        (tmp_path / name).write_text("")
    k.forget_stale_cache()
    assert len(list(tmp_path.glob("kern.*.nb*"))) == 2


def test_the_real_kernels_compile_nothing_more_in_a_real_run(tmp_path, monkeypatch):
    """Each variant's warm-up gives its kernels exactly the types of real calls:
    after it, training and testing compile nothing (no silent compile in a run)."""
    import io
    from lens_py.api import Lens
    from lens_py.engine.compiled import batch, example
    assert batch.ready(wait=True) and example.wait_ready()
    kernels = ((batch, "run_ops"), (batch, "update"), (batch, "train_updates_kernel"),
               (example, "examples_kernel"), (example, "tick_kernel"))
    before = {f: len(getattr(m, f).signatures) for m, f in kernels}
    (tmp_path / "one.ex").write_text("name: a\nI: 1 0 1 T: 1 0;\nname: b\nI: 0 1 1 T: 0 1;\n")
    (tmp_path / "two.ex").write_text("name: a 2\nI: 1 0 1 T: 1 0\nI: 0 1 1 T: 0 1;\n")
    monkeypatch.chdir(tmp_path)
    lens = Lens(stdout=io.StringIO())
    lens("seed 2; addNet ff 3 5 2; loadExamples one.ex; setObj ff.executionPath compiled\n"
         "train 5; test; momentum 5; steepest 5\n"
         "addNet ticks -i 2 3 4 2; loadExamples two.ex\n"
         "setObj ticks.executionPath compiled; setObj backpropTicks 2; train 5; test\n")
    after = {f: len(getattr(m, f).signatures) for m, f in kernels}
    assert after == before
    assert float(lens.get("ticks.error")) > 0 and float(lens.get("ff.error")) > 0


def test_the_cache_module_compiles_every_usual_variant_up_front():
    # run it for real: the kernels are in numba's cache after the other tests, so
    # it loads them, a line each
    env = dict(os.environ)
    env.pop(kernelcache.COMPILE_ENV, None)
    p = subprocess.run([sys.executable, "-m", "lens_py.engine.compiled.cache"], env=env,
                       capture_output=True, text=True, timeout=1800)
    assert p.returncode == 0, p.stdout + p.stderr
    lines = p.stdout.splitlines()
    for what in ("the batch kernels (float32)", "the batch kernels (float32-threads)",
                 "the per-example kernels (float32)", "the continuous kernels (float32)"):
        assert any(line.startswith(what + ":") for line in lines), lines
    assert not any("float64" in line for line in lines)
    from lens_py.engine.compiled import batch, continuous, example
    assert batch.KERNELS.cached("float32") and example.KERNELS.cached()
    assert continuous.KERNELS.cached()


def test_without_numba_the_numpy_path_says_so_once(capsys):
    kernelcache._SAID.discard("no numba")
    kernelcache.numpy_notice(True)
    assert capsys.readouterr().err == ""
    kernelcache.numpy_notice(False)
    kernelcache.numpy_notice(False)
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "numba is not installed" in err and "NumPy path" in err


def test_a_run_without_numba_gives_the_same_numbers_and_one_notice(tmp_path):
    script = tmp_path / "t.in"
    script.write_text("seed 3\naddNet n 3 4 2\n"
                      "loadExamples x.ex\nsetObj learningRate 0.3\n"
                      "train 30\ntest\nputs [getObj output.unit(1).output]\n")
    (tmp_path / "x.ex").write_text("".join(
        f"name: e{i}\nI: {i % 2} {(i // 2) % 2} 1\nT: {i % 2} {1 - i % 2};\n"
        for i in range(4)))
    block = ("import sys; sys.modules['numba'] = None; import runpy; "
             "sys.argv = ['lens-py', 't.in']; runpy.run_module('lens_py', run_name='__main__')")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # this checkout's lens_py, from tmp_path; compiled at the first need
    env = dict(os.environ, PYTHONPATH=repo, **{kernelcache.COMPILE_ENV: "now"})
    runs = [subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                           text=True, timeout=900, env=env)
            for code in (block, block.replace("sys.modules['numba'] = None; ", ""))]
    import re
    without, with_numba = runs

    def numbers(out):      # the time columns of the training report aside
        return re.sub(r"\s+\d+s\s+\d+s$", "", out, flags=re.M)
    assert numbers(without.stdout) == numbers(with_numba.stdout)
    assert "Error:" not in without.stdout + without.stderr
    assert without.stderr.count("numba is not installed") == 1
    assert "numba is not installed" not in with_numba.stderr


def test_a_run_about_to_end_does_not_stop_to_compile(tmp_path, auto, monkeypatch):
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    k.compile_seconds = 40.0
    kernelcache.new_run(100)
    k.charge()
    for done in range(1, 61):
        clock.now += 0.1        # 60 updates in 6 s: 40 more take 4 s < 40
        kernelcache.progress(done)
        assert not k.charge()
    kernelcache.new_run(1000)           # the next train is long: it compiles at once
    clock.now += 0.1
    kernelcache.progress(1)
    assert k.charge() and calls == ["v32"]
    kernelcache.new_run()


def test_runs_that_each_end_soon_compile_once_they_have_waited_half_a_compile(
        tmp_path, auto, monkeypatch):
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    k.compile_seconds = 10.0
    for process in range(4):            # a 3-second script, run again and again
        k, calls = kernels(tmp_path)
        k.compile_seconds = 10.0
        kernelcache.new_run(30)
        k.charge()
        for done in range(1, 30):
            clock.now += 0.1
            kernelcache.progress(done)
            if k.charge():
                break
        if calls:
            break
        k.flush()                       # as at the process's exit
    # 2.9 s waited per run: the second run has 2.9 s of waiting behind it
    # (more than 10 / 4) and compiles once it has waited the 2 s any run waits
    assert process == 1 and calls == ["v32"] and done == 20
    kernelcache.new_run()


@pytest.fixture
def numba_down(monkeypatch):
    """A process that has not set numba up yet, and sets it up when it pays."""
    monkeypatch.setattr(kernelcache, "LOAD_WHEN_PAYS", True)
    monkeypatch.setattr(kernelcache, "_GATE", {"open": False, "seconds": 0.0, "last": None,
                                               "run_seconds": 0.0, "run_gaps": 0})


def test_a_short_train_does_not_wait_for_numba_to_set_up(tmp_path, auto, numba_down,
                                                         monkeypatch):
    clock = Clock(monkeypatch)
    k, calls = kernels(tmp_path)
    k.mark_cached("v32")
    assert not k.ready("v32") and calls == []     # on disk, but numba is not allowed
    kernelcache.new_run(4)              # four updates of 0.05 s: 0.05 s left at the pace
    for done in range(4):
        kernelcache.progress(done)
        assert not kernelcache.charge_numba()
        clock.now += 0.05
    assert not k.ready("v32") and calls == []
    kernelcache.new_run(100)            # a longer one: its pace says 1.9 s are left
    for done in range(4):
        kernelcache.progress(done)
        opened = kernelcache.charge_numba()
        clock.now += 0.02
        if opened:
            break
    # the pace is taken from PACE_AFTER_UPDATES gaps between batches
    assert opened and done == kernelcache.PACE_AFTER_UPDATES
    assert k.ready("v32") and calls == ["v32"]


def test_short_runs_set_numba_up_once_they_add_up(tmp_path, auto, numba_down, monkeypatch):
    clock = Clock(monkeypatch)
    runs = 0
    while not kernelcache.numba_allowed():
        kernelcache.new_run(3)          # three 0.07 s updates each, as in a Tcl loop
        for done in range(3):
            kernelcache.progress(done)
            kernelcache.charge_numba()
            clock.now += 0.07
        runs += 1
        assert runs < 10
    # 0.14 s charged per run (the gaps between its three asks): allowed past 0.3 s
    assert runs == 3


def test_a_run_reckoned_long_sets_numba_up_at_once(tmp_path, auto, numba_down):
    k, calls = kernels(tmp_path)
    k.mark_cached("v32")
    k.mark_cached("v64")
    kernelcache.new_run()               # a test: its length is not known
    assert not kernelcache.charge_numba(slow_seconds=0.2) and not k.ready("v32")
    assert kernelcache.charge_numba(slow_seconds=kernelcache.LOAD_SECONDS)
    assert k.ready("v32") and k.ready("v64") and calls == ["v32", "v64"]


def test_loading_or_compiling_kernels_sets_numba_up(tmp_path, auto, numba_down):
    k, calls = kernels(tmp_path)
    assert k.ready("v32", wait=True) and kernelcache.numba_allowed()


def test_the_path_choice_reckons_what_the_slower_path_would_take(tmp_path):
    """Lens's loop pays per example and tick, a NumPy batch per batch: a
    script whose examples take a moment never waits for numba, a long one
    does not start on the slow path."""
    from lens_py.api import Lens
    from lens_py.engine import paths
    (tmp_path / "x.ex").write_text("".join(f"name: e{i}\nI: 1 0 T: 1;\n" for i in range(40)))
    lens = Lens(quiet=True)
    lens(f"cd {tmp_path}; addNet a 2 3 1; loadExamples x.ex")
    net, exset = lens.net, lens.net.training_set
    kernelcache.new_run(10)
    short = paths._slow_seconds(net, exset, True, paths.NUMPY_BATCH)
    kernelcache.new_run(100000)
    long = paths._slow_seconds(net, exset, True, paths.NUMPY_BATCH)
    kernelcache.new_run()
    assert short < kernelcache.LOAD_SECONDS < long
    lens("addNet c -i 4 -t 5 CONTINUOUS 2 30 1; loadExamples x.ex")
    # a test of 40 examples, 21 ticks each, in Python: about the load's time
    test = paths._slow_seconds(lens.net, lens.net.training_set, False, paths.LENS_LOOP)
    assert abs(test - 40 * 21 * paths.LOOP_SECONDS_PER_EXAMPLE_TICK) < 1e-12


def test_a_closed_gate_says_why_in_the_path_choice(tmp_path, auto, numba_down):
    from lens_py.engine import paths
    k, _ = kernels(tmp_path)
    assert "numba is not set up in this process yet" in paths._numba_gate()
    assert "not compiled yet" in paths.NotCompiled(k, "v64")
