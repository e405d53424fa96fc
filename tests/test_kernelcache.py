"""Compiled kernels are compiled once, by a separate process, and loaded from
numba's cache by every later process (lens_py.engine.compiled.cache.py)."""
import os
import subprocess
import sys
import threading
import types

import pytest

from lens_py.engine.compiled import cache as kernelcache

numba = pytest.importorskip("numba")


def kernels(tmp_path, warm=None, text="def k(): pass\n"):
    src = tmp_path / "kern.py"
    src.write_text(text)
    probe = types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(tmp_path)))
    calls = []

    def default_warm():
        calls.append(threading.current_thread().name)
    k = kernelcache.Kernels("kern", str(src), warm or default_warm, probe)
    return k, calls


@pytest.fixture
def no_compiler(monkeypatch):
    """Record compiler starts instead of starting one."""
    started = []
    monkeypatch.setattr(kernelcache, "start_compiler", lambda: started.append(1))
    monkeypatch.delenv(kernelcache.CHILD_ENV, raising=False)
    return started


def test_uncached_kernels_start_the_compiler_once_and_do_not_load(tmp_path, no_compiler):
    k, calls = kernels(tmp_path)
    assert not k.ready()
    k.next_look = 0.0
    assert not k.ready()
    assert no_compiler == [1] and calls == []
    # not cached: settle does not wait for a compilation
    assert not k.settle(5.0)


def test_cached_kernels_load_in_a_background_thread(tmp_path, no_compiler):
    k, calls = kernels(tmp_path)
    k.mark_cached()
    assert os.path.exists(k.marker())
    assert k.ready(wait=True)
    assert calls == ["lens_py-kern-kernels"] and no_compiler == []


def test_the_marker_follows_the_source(tmp_path):
    a, _ = kernels(tmp_path)
    a.mark_cached()
    (tmp_path / "kern.py").write_text("def k(): return 1\n")
    assert not a.cached()
    assert os.path.basename(a.marker()).startswith("lens_py_kern_")


def test_a_waiting_process_compiles_itself_when_the_compiler_is_gone(tmp_path, no_compiler,
                                                                     monkeypatch):
    monkeypatch.setattr(kernelcache, "SPAWN_GRACE_SECONDS", 0.0)
    monkeypatch.setattr(kernelcache, "compiler_running", lambda: False)
    k, calls = kernels(tmp_path)
    assert k.ready(wait=2.0)
    assert calls and no_compiler == [1]


def test_one_compiler_holds_the_lock(tmp_path, monkeypatch):
    lock = tmp_path / kernelcache.LOCK_NAME
    monkeypatch.setattr(kernelcache, "lock_path", lambda: str(lock))
    path = kernelcache._take_lock()
    assert path == str(lock) and lock.read_text() == str(os.getpid())
    assert kernelcache.compiler_running()
    assert kernelcache._take_lock() is None          # we are alive
    # a dead compiler's lock is taken over
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(str(dead.pid))
    assert not kernelcache.compiler_running()
    assert kernelcache._take_lock() == str(lock)
    assert lock.read_text() == str(os.getpid())


def wait_for_compilers(seconds=900):
    """A compiler another process started (any earlier test, or a run on this
    install) holds the one lock until it is done: a second one would exit at
    once, marking nothing.  A full compile takes minutes on a busy machine."""
    import time
    deadline = time.monotonic() + seconds
    while kernelcache.compiler_running() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not kernelcache.compiler_running(), "a kernel compiler is still running"


def test_the_compiler_process_marks_the_real_kernels():
    # run it for real: the kernels are in numba's cache after the other tests,
    # so it loads them and (re)writes the markers
    from lens_py.engine.compiled import batch as fastpath, example as fastexample
    from lens_py.engine.compiled import continuous as fastcontinuous
    assert fastpath.ready(wait=True) and fastexample.wait_ready()
    assert fastcontinuous.wait_ready()
    wait_for_compilers()
    # every registered module, found by the compiler without a list
    assert {k.name for k in kernelcache.REGISTERED} >= {"fastpath", "fastexample",
                                                       "fastcontinuous"}
    for m in (fastpath, fastexample, fastcontinuous):
        if os.path.exists(m.KERNELS.marker()):
            os.remove(m.KERNELS.marker())
    env = dict(os.environ)
    env.pop(kernelcache.CHILD_ENV, None)
    subprocess.run([sys.executable, "-m", "lens_py.engine.compiled.cache"], env=env, check=True,
                   timeout=900)
    wait_for_compilers()        # if one started between our wait and our run, it marks them
    assert fastpath.KERNELS.cached() and fastexample.KERNELS.cached()
    assert fastcontinuous.KERNELS.cached()
    assert not os.path.exists(kernelcache.lock_path())


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
    env = dict(os.environ, PYTHONPATH=repo)     # this checkout's lens_py, from tmp_path
    runs = [subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300, env=env)
            for code in (block, block.replace("sys.modules['numba'] = None; ", ""))]
    import re
    without, with_numba = runs

    def numbers(out):      # the time columns of the training report aside
        return re.sub(r"\s+\d+s\s+\d+s$", "", out, flags=re.M)
    assert numbers(without.stdout) == numbers(with_numba.stdout)
    assert "Error:" not in without.stdout + without.stderr
    assert without.stderr.count("numba is not installed") == 1
    assert "numba is not installed" not in with_numba.stderr


def test_a_failed_compilation_is_not_retried_by_every_run(tmp_path, no_compiler):
    k, calls = kernels(tmp_path)
    k.mark_cached(ok=False)
    assert k.failed() and not k.cached()
    assert not k.ready()
    assert no_compiler == [] and calls == []


def test_a_dependency_changes_the_marker_and_stale_numba_files_go(tmp_path):
    dep = tmp_path / "dep.py"
    dep.write_text("x = 1\n")
    src = tmp_path / "kern.py"
    src.write_text("def k(): pass\n")
    probe = types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(tmp_path)))
    k = kernelcache.Kernels("kern", str(src), lambda: None, probe, depends=(str(dep),))
    k.mark_cached()
    first = k.marker()
    dep.write_text("x = 2\n")
    assert k.marker() != first and not k.cached()
    for name in ("kern.k-1.py311.nbi", "kern.k-1.py311.1.nbc", "other.k-1.py311.nbi"):
        (tmp_path / name).write_text("")
    k.forget_stale_cache()
    assert sorted(p.name for p in tmp_path.glob("*.nb*")) == ["other.k-1.py311.nbi"]
    k.mark_cached()
    assert not (tmp_path / first.split("/")[-1]).exists()     # the old marker is gone
