"""Compiled kernels: compiled once per install, then loaded from numba's cache.

Compiling fastpath's kernels takes about a minute, loading them from numba's
on-disk cache a fraction of a second.  A script that compiled them in a
thread of its own would usually exit before numba writes its cache, and so
would the next one, for ever.  So the first process that finds no cache
starts a detached process (`python -m lens_py.engine.compiled.cache`) that
compiles them and, kernel module by kernel module, leaves a marker file
beside numba's cache once that is complete.  Until a module's marker exists,
processes run the NumPy path (the same numbers, slower) unless they ask to
wait; once it exists they load the kernels in a background thread.

The marker's name carries a hash of the module's source, numba's version and
the CPU, the same things numba's cache depends on.
"""
from __future__ import annotations

import atexit
import hashlib
import os
import subprocess
import sys
import threading
import time

CHILD_ENV = "LENS_PY_KERNEL_COMPILER"      # set in the compiling process
LOCK_NAME = "lens_py_kernels.lock"
POLL_SECONDS = 0.2
SPAWN_GRACE_SECONDS = 10.0                  # for a new compiler to take the lock
STALE_LOCK_SECONDS = 900                    # a compiler that has run this long is dead


def _host_cpu() -> str:
    try:
        import llvmlite.binding as ll
        return ll.get_host_cpu_name() + ll.get_host_cpu_features().flatten()
    except Exception:       # an older llvmlite: numba's own cache checks the CPU too
        return ""


REGISTERED = []        # every Kernels made, in the order their modules were imported


class Kernels:
    """The compiled kernels of one module.  `warm()` calls each kernel once
    (compiling or loading it); it must not raise (it disables the module's
    kernels itself on failure).  `probe`: one of the module's cached
    dispatchers, whose cache directory is where the marker goes."""

    def __init__(self, name: str, source_file: str, warm, probe, depends=()):
        self.name = name
        self.source_file = source_file
        # other files whose compiled functions this module's kernels call:
        # numba's cache cannot see them change, the marker does
        self.depends = tuple(depends)
        self.warm = warm
        self.probe = probe
        self.loaded = threading.Event()
        self.thread = None
        self.lock = threading.Lock()
        self.spawned = 0.0          # when this process asked for a compiler
        self.next_look = 0.0
        REGISTERED.append(self)

    # -- files ---------------------------------------------------------------------------
    def cache_dir(self) -> str:
        path = getattr(getattr(self.probe, "_cache", None), "_cache_path", None)
        return path or os.path.join(os.path.dirname(self.source_file), "__pycache__")

    def marker(self) -> str:
        import numba
        h = hashlib.sha1()
        for path in (self.source_file,) + self.depends:
            with open(path, "rb") as f:
                h.update(f.read())
        h.update(numba.__version__.encode())
        h.update(_host_cpu().encode())
        return os.path.join(self.cache_dir(), f"lens_py_{self.name}_{h.hexdigest()[:16]}.ok")

    def cached(self) -> bool:
        return os.path.exists(self.marker())

    def failed(self) -> bool:
        """Did a compiler process fail on exactly these sources before?  (Then
        no process tries again: the NumPy path runs, same numbers.)"""
        return os.path.exists(self.marker() + ".failed")

    def forget_stale_cache(self) -> None:
        """The compiler is about to compile these kernels (no marker): numba's
        cache files of a module with dependencies may hold code built on an
        older version of them, so they go."""
        if not self.depends:
            return
        stem = os.path.splitext(os.path.basename(self.source_file))[0]
        folder = self.cache_dir()
        for name in os.listdir(folder) if os.path.isdir(folder) else ():
            if name.startswith(stem + ".") and name.endswith((".nbi", ".nbc")):
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass

    def mark_cached(self, ok: bool = True) -> None:
        path = self.marker() + ("" if ok else ".failed")
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w") as f:
            f.write("numba's cache holds these kernels\n" if ok
                    else "compiling these kernels failed here\n")
        os.replace(tmp, path)
        folder, mine = os.path.split(path)
        for name in os.listdir(folder):     # markers of older versions of these sources
            if name.startswith(f"lens_py_{self.name}_") and name != mine \
                    and name.endswith((".ok", ".ok.failed")):
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass

    # -- loading in this process ---------------------------------------------------------
    def _run_warm(self) -> None:
        try:
            self.warm()
        finally:
            self.loaded.set()

    def _start_thread(self) -> None:
        with self.lock:
            if self.thread is None:
                self.thread = threading.Thread(target=self._run_warm, daemon=True,
                                               name=f"lens_py-{self.name}-kernels")
                self.thread.start()
                # a compilation cut off by the interpreter's exit can crash it
                atexit.register(self.thread.join, 120)

    def ready(self, wait: bool | float = False) -> bool:
        """Are the kernels loaded here?  Starts loading them when numba's
        cache has them, or a compiler process when it does not.  `wait`
        (True, or seconds) blocks until they are loaded, compiling them here
        if the compiler process fails."""
        if self.loaded.is_set():
            return True
        deadline = None if wait is True else time.monotonic() + (wait or 0.0)
        while True:
            self._look()
            if not wait:
                return self.loaded.is_set()
            left = POLL_SECONDS if deadline is None else deadline - time.monotonic()
            if left <= 0:
                return self.loaded.is_set()
            if self.loaded.wait(min(POLL_SECONDS, left)):
                return True
            if (self.thread is None and self.spawned
                    and time.monotonic() > self.spawned + SPAWN_GRACE_SECONDS
                    and not compiler_running()):
                self._start_thread()        # the compiler gave up: compile here

    def settle(self, seconds: float) -> bool:
        """Wait up to `seconds` for kernels that are being loaded from the
        cache (not for a compilation); are they loaded?"""
        self._look()
        if self.thread is not None:
            self.loaded.wait(seconds)
        return self.loaded.is_set()

    def _look(self) -> None:
        if self.thread is not None:
            return
        if os.environ.get(CHILD_ENV):
            self._start_thread()
            return
        now = time.monotonic()
        if now < self.next_look:            # ready() runs once per batch: stat rarely
            return
        self.next_look = now + POLL_SECONDS
        if self.cached():
            self._start_thread()
        elif self.failed():
            self.spawned = self.spawned or now
        elif not self.spawned:
            self.spawned = now
            start_compiler()


def lock_path() -> str:
    """One lock for all kernel modules: beside this file's bytecode, or in
    the temporary directory when that is not writable."""
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "__pycache__")
    if os.access(here, os.W_OK) or (not os.path.exists(here)
                                    and os.access(os.path.dirname(here), os.W_OK)):
        return os.path.join(here, LOCK_NAME)
    import tempfile
    return os.path.join(tempfile.gettempdir(), LOCK_NAME)


def compiler_running() -> bool:
    path = lock_path()
    try:
        with open(path) as f:
            pid = int(f.read().strip() or 0)
        if time.time() - os.path.getmtime(path) > STALE_LOCK_SECONDS:
            return False
        os.kill(pid, 0)
        return True
    except (OSError, ValueError):
        return False


_STARTED = False
_SAID = set()


def say_once(key: str, text: str) -> None:
    """One line on stderr, once per process (never on stdout: a script's
    printed numbers stay Lens's)."""
    if key not in _SAID:
        _SAID.add(key)
        sys.stderr.write(f"lens_py: {text}\n")
        sys.stderr.flush()


def numpy_notice(have_numba: bool) -> None:
    """Called where a path is chosen: without numba, say once that the NumPy
    path runs (the same numbers, slower)."""
    if not have_numba:
        say_once("no numba", "numba is not installed, so the NumPy path runs (the same "
                             "numbers, slower); `pip install numba` for compiled kernels")


def start_compiler() -> None:
    """Start the detached compiling process, once per process (it exits at
    once if another one holds the lock)."""
    global _STARTED
    if _STARTED or compiler_running():
        return
    _STARTED = True
    say_once("compiler", "compiling the kernels in the background, once for this install "
                         "(minutes on a small machine); the NumPy path runs meanwhile, with "
                         "the same numbers")
    env = dict(os.environ)
    env[CHILD_ENV] = "1"
    try:
        # below the user's own run in the scheduler's eyes (it shares the cores)
        subprocess.Popen([sys.executable, "-m", "lens_py.engine.compiled.cache"], env=env,
                         preexec_fn=(lambda: os.nice(10)) if hasattr(os, "nice") else None,
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        pass        # no compiled kernels then; the NumPy path gives the same numbers


def _take_lock() -> str | None:
    path = lock_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    for _ in range(2):
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            if compiler_running():
                return None
            try:
                os.remove(path)         # a dead compiler's lock
            except OSError:
                return None
            continue
        except OSError:
            return None
        with os.fdopen(fd, "w") as f:
            f.write(str(os.getpid()))
        return path
    return None


def _kernel_modules():
    """Every module of the compiled package that registered kernels (importing
    them registers them: a module's `KERNELS = Kernels(...)` line is all it
    takes), with the module itself."""
    import importlib
    import pkgutil
    package = "lens_py.engine.compiled"
    folder = os.path.dirname(os.path.abspath(__file__))
    for info in pkgutil.iter_modules([folder]):
        if info.name != "cache":
            importlib.import_module(f"{package}.{info.name}")
    return [(k, sys.modules[k.warm.__module__]) for k in REGISTERED]


def main() -> int:
    """The compiler process: load or compile every registered kernel module,
    marking each as cached as soon as it is."""
    os.environ[CHILD_ENV] = "1"
    lock = _take_lock()         # before importing: importing starts compiling
    if lock is None:
        return 0
    try:
        for kernels, module in _kernel_modules():
            if not module.HAVE_NUMBA:
                continue
            if not kernels.cached():
                kernels.forget_stale_cache()
            kernels.ready(wait=True)
            kernels.mark_cached(ok=module.ENABLED)
    finally:
        os.remove(lock)
    return 0


if __name__ == "__main__":
    # run as a script this file is a second copy of the module: the kernel
    # modules register in the package's own one
    from lens_py.engine.compiled.cache import main as package_main
    sys.exit(package_main())
