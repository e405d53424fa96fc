"""Compiled kernels: compiled in the foreground when they pay, once per machine.

Each kernel module registers a `Kernels` naming the variants it can compile
(say the batch kernels in float32, with or without threads).  A variant is
compiled the first time a run needs it, in the running process, and numba
keeps it on disk: later processes load it in a fraction of a second.

Compiling costs seconds, more than a short run takes on the NumPy path (the
same numbers).  So a variant that is not on disk waits until this process
has spent COMPILE_AFTER_SECONDS running what it would run on the NumPy path
and, besides, either the run has more than a compile's time left at its pace
or earlier runs on this machine have waited a quarter of that for the
kernels (a file beside the marker keeps count); then it compiles there and then,
with one line on stderr, and the run goes on compiled.

Setting numba up in a process (importing it, and its first load or compile)
costs a second or two: more than a short script spends computing.  So no
compiled module is even imported (they are imported lazily, lazy_module)
until the run shows that it pays (charge_numba): when the caller reckons the
rest of the run would take longer than LOAD_SECONDS the slower way, when a
train has that long left at its pace so far, or once LOAD_AFTER_SECONDS
have gone on slower paths in this process.  From then on a variant on disk
loads at its first need.  The environment variable LENS_PY_COMPILE says
otherwise: `now` sets numba up and compiles (or loads) at the first need,
`never` only loads what is on disk.  `python -m lens_py.engine.compiled.cache`
compiles the usual variants up front.

A marker file beside numba's cache says a variant is there: its name carries
a hash of the module's source and of the sources its kernels call, numba's
version and the CPU, the things numba's cache depends on.
"""
from __future__ import annotations

import atexit
import hashlib
import importlib.util
import os
import sys
import time

COMPILE_ENV = "LENS_PY_COMPILE"         # auto (the default), now, never
COMPILE_AFTER_SECONDS = 2.0
# asks for a variant follow each other within a run (one per batch at least):
# a longer gap is counted as this much, so an idle REPL never compiles
GAP_CAP_SECONDS = 2.0
# setting numba up in a process (importing it, its first load from disk)
# costs about this on a small machine (2 cores: importing numba 0.2 s, a
# module's kernels from disk 0.05-0.2 s)
LOAD_SECONDS = 0.5
LOAD_AFTER_SECONDS = 0.3
# a train's pace is taken from this many gaps between its batches (the
# first batch, which builds things, is one of them: a pace from the second
# alone would wait out a third slow batch for no better a guess)
PACE_AFTER_UPDATES = 2
# False: numba is set up at the first need (the test suite, whose tests
# look at the compiled paths from their first batch, sets
# LENS_PY_NUMBA=eager for itself and the programs it starts)
NUMBA_ENV = "LENS_PY_NUMBA"
LOAD_WHEN_PAYS = os.environ.get(NUMBA_ENV, "").strip().lower() != "eager"
# open: this process may set numba up; seconds spent on slower paths while
# it was closed, and when it was last asked (within the current run)
_GATE = {"open": False, "seconds": 0.0, "last": None, "run_seconds": 0.0, "run_gaps": 0}
_HAVE = {}


def numba_installed() -> bool:
    """Is numba there (without importing it)?"""
    if "numba" not in _HAVE:
        try:
            _HAVE["numba"] = importlib.util.find_spec("numba") is not None
        except (ImportError, ValueError):
            _HAVE["numba"] = False
    return _HAVE["numba"]


def numba_allowed() -> bool:
    """May this process set numba up now (import the compiled modules, load
    or compile kernels)?"""
    return _GATE["open"] or not LOAD_WHEN_PAYS or compile_mode() == "now"


def open_numba() -> None:
    _GATE["open"] = True


def charge_numba(slow_seconds: float = 0.0) -> bool:
    """A run goes a slower way because numba is not set up in this process:
    count the time since the last ask within the run, and allow numba once
    it pays.  `slow_seconds`: what the rest of the run would take the slower
    way, roughly, as the caller reckons it.  Is numba allowed now?"""
    if numba_allowed():
        return True
    now = time.monotonic()
    if _GATE["last"] is not None:
        gap = min(now - _GATE["last"], GAP_CAP_SECONDS)
        _GATE["seconds"] += gap
        _GATE["run_seconds"] += gap
        _GATE["run_gaps"] += 1
    _GATE["last"] = now
    # the train's pace: the gaps between its asks (one per batch), not its
    # first batch, which builds things
    gaps = _GATE["run_gaps"]
    pace_left = (_GATE["run_seconds"] / gaps * updates_left()
                 if _RUN["total"] > 0 and gaps >= PACE_AFTER_UPDATES else 0.0)
    if max(slow_seconds, pace_left) >= LOAD_SECONDS or _GATE["seconds"] >= LOAD_AFTER_SECONDS:
        _GATE["open"] = True
    return _GATE["open"]


def lazy_module(name: str):
    """The module `name`, imported at its first use (importlib's LazyLoader):
    the compiled modules import numba, which a short run never needs."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def _host_cpu() -> str:
    try:
        import llvmlite.binding as ll
        return ll.get_host_cpu_name() + ll.get_host_cpu_features().flatten()
    except Exception:       # an older llvmlite: numba's own cache checks the CPU too
        return ""


def compile_mode() -> str:
    mode = os.environ.get(COMPILE_ENV, "auto").strip().lower()
    return mode if mode in ("now", "never") else "auto"


REGISTERED = []        # every Kernels made, in the order their modules were imported


class Kernels:
    """The compiled kernels of one module.  `warm(variant)` calls each kernel
    of that variant once on arguments of the real types (so loading or
    compiling them happens there, not in a real call); it raises if they
    cannot be compiled here.  `probe`: one of the module's cached
    dispatchers, whose cache folder is where the markers go.  `variants`:
    the first is the one asked for when none is named."""

    def __init__(self, name: str, source_file: str, warm, probe, depends=(),
                 variants=("float32",), what: str = "kernels", compile_seconds: float = 20.0):
        self.name = name
        self.source_file = source_file
        # other files whose compiled functions this module's kernels call:
        # numba's cache cannot see them change, the marker does
        self.depends = tuple(depends)
        self.warm = warm
        self.probe = probe
        self.variants = tuple(variants)
        self.what = what
        self.loaded = set()
        self.broken = set()             # failed to compile in this process
        self.numpy_seconds = 0.0        # spent on the NumPy path instead of these
        # about what compiling a variant costs on a small machine: a run that
        # will be over sooner, or earlier runs that waited less, do not pay it
        self.compile_seconds = compile_seconds
        self.waited = {}                # variant -> seconds earlier processes waited
        self.last_ask = None
        self._hash_key = None
        self._hash = ""
        REGISTERED.append(self)

    # -- files ---------------------------------------------------------------------------
    def cache_dir(self) -> str:
        path = getattr(getattr(self.probe, "_cache", None), "_cache_path", None)
        return path or os.path.join(os.path.dirname(self.source_file), "__pycache__")

    def _sources_hash(self) -> str:
        files = (self.source_file,) + self.depends
        key = []
        for path in files:
            st = os.stat(path)
            key.append((path, st.st_mtime_ns, st.st_size))
        if key != self._hash_key:       # asked once per batch: hash only what changed
            import numba
            h = hashlib.sha1()
            for path in files:
                with open(path, "rb") as f:
                    h.update(f.read())
            h.update(numba.__version__.encode())
            h.update(_host_cpu().encode())
            self._hash_key, self._hash = key, h.hexdigest()[:16]
        return self._hash

    def marker(self, variant: str | None = None) -> str:
        variant = variant or self.variants[0]
        return os.path.join(self.cache_dir(),
                            f"lens_py_{self.name}_{variant}_{self._sources_hash()}.ok")

    def cached(self, variant: str | None = None) -> bool:
        return os.path.exists(self.marker(variant))

    def failed(self, variant: str | None = None) -> bool:
        """Did compiling exactly these sources fail on this machine before?
        (Then no process tries again: the NumPy path runs, same numbers.)"""
        return os.path.exists(self.marker(variant) + ".failed")

    def forget_stale_cache(self) -> None:
        """About to compile with no variant of these sources marked: numba's
        cache files of a module with dependencies may hold code built on an
        older version of them, so they go.  (Files of a marked variant stay:
        numba keeps every variant of a function in the same files.)"""
        if not self.depends:
            return
        folder = self.cache_dir()
        names = os.listdir(folder) if os.path.isdir(folder) else ()
        current = f"_{self._sources_hash()}.ok"
        if any(n.startswith(f"lens_py_{self.name}_") and n.endswith(current) for n in names):
            return
        stem = os.path.splitext(os.path.basename(self.source_file))[0]
        for name in names:
            if name.startswith(stem + ".") and name.endswith((".nbi", ".nbc")):
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass

    def mark_cached(self, variant: str | None = None, ok: bool = True) -> bool:
        """Write the marker (False when the disk refuses it: a later process
        then loads the kernels from numba's cache, or compiles them, again)."""
        path = self.marker(variant) + ("" if ok else ".failed")
        folder, mine = os.path.split(path)
        tmp = f"{path}.{os.getpid()}.tmp"
        try:
            os.makedirs(folder, exist_ok=True)
            with open(tmp, "w") as f:
                f.write("numba's cache holds these kernels\n" if ok
                        else "compiling these kernels failed here\n")
            os.replace(tmp, path)
        except OSError:
            try:
                os.remove(tmp)
            except OSError:
                pass
            return False
        current = f"_{self._sources_hash()}.ok"
        for name in os.listdir(folder):     # markers of older versions of these sources
            if name.startswith(f"lens_py_{self.name}_") and current not in name \
                    and name.endswith((".ok", ".ok.failed", ".ok.waited")):
                try:
                    os.remove(os.path.join(folder, name))
                except OSError:
                    pass
        return True

    # -- in this process -----------------------------------------------------------------
    def loaded_now(self, variant: str | None = None) -> bool:
        """Is the variant loaded in this process already (nothing to pay)?"""
        return (variant or self.variants[0]) in self.loaded

    def ready(self, variant: str | None = None, wait: bool = False) -> bool:
        """Can this variant's kernels run now?  Loads them when numba's cache
        has them; compiles them when `wait` or LENS_PY_COMPILE=now."""
        variant = variant or self.variants[0]
        if variant in self.loaded:
            return True
        if variant in self.broken:
            return False
        if wait or (compile_mode() == "now" and not self.failed(variant)):
            return self.load(variant)
        if self.cached(variant) and numba_allowed():
            return self.load(variant)
        return False

    def charge(self, variant: str | None = None) -> bool:
        """A run went a slower way for want of this variant: count the time
        since the last charge (within the run) and, once it is
        COMPILE_AFTER_SECONDS, compile the variant.  Is it ready now?"""
        variant = variant or self.variants[0]
        if self.ready(variant):
            return True
        if variant in self.broken or self.failed(variant) or compile_mode() == "never":
            return False
        now = time.monotonic()
        if self.last_ask is not None:
            gap = min(now - self.last_ask, GAP_CAP_SECONDS)
            self.numpy_seconds += gap
            self._note_wait(variant, gap)
        self.last_ask = now
        if self.numpy_seconds < COMPILE_AFTER_SECONDS:
            return False
        # it pays when this run has a compile's time left, or when earlier
        # runs on this machine have waited a quarter of that for these
        # kernels (a script run again and again)
        if _run_left(now) < self.compile_seconds \
                and self.waited_before(variant) < self.compile_seconds / 4:
            return False
        return self.load(variant)

    def _wait_file(self, variant: str) -> str:
        return self.marker(variant) + ".waited"

    def waited_before(self, variant: str) -> float:
        """Seconds earlier processes on this machine spent on a slower path
        waiting for these kernels."""
        if variant not in self.waited:
            try:
                with open(self._wait_file(variant)) as f:
                    before = float(f.read().strip() or 0.0)
            except (OSError, ValueError):
                before = 0.0
            self.waited[variant] = [before, 0.0, 0.0]      # before, mine, mine written
        return self.waited[variant][0]

    def _note_wait(self, variant: str, seconds: float) -> None:
        self.waited_before(variant)
        entry = self.waited[variant]
        entry[1] += seconds
        if entry[1] - entry[2] >= 1.0:      # written about once a second of waiting
            self._save_wait(variant)

    def flush(self) -> None:
        """Write down waits not written yet (at a new run and at exit)."""
        for variant, (_, mine, written) in list(self.waited.items()):
            if mine > written and variant not in self.loaded:
                self._save_wait(variant)

    def _save_wait(self, variant: str) -> None:
        entry = self.waited[variant]
        try:
            os.makedirs(self.cache_dir(), exist_ok=True)
            tmp = f"{self._wait_file(variant)}.{os.getpid()}.tmp"
            with open(tmp, "w") as f:
                f.write(f"{entry[0] + entry[1]:.3f}\n")
            os.replace(tmp, self._wait_file(variant))
        except OSError:
            return                  # a read-only cache: each process starts afresh
        entry[2] = entry[1]

    def new_run(self) -> None:
        """A train or test begins: the time since the last charge was not
        spent running batches."""
        self.last_ask = None
        self.flush()

    def load(self, variant: str | None = None) -> bool:
        """Load the variant from numba's cache, or compile it (saying so)."""
        variant = variant or self.variants[0]
        if variant in self.loaded:
            return True
        compiling = not self.cached(variant)
        if compiling:
            say_once(f"compiling {self.name} {variant}",
                     f"compiling {self.what} ({variant}) for this machine; once only "
                     f"(numba keeps them on disk)")
            self.forget_stale_cache()
        try:
            self.warm(variant)
        except OSError as e:
            # compiled, but numba could not keep it on disk (a full disk, a
            # read-only cache): not a failed compile, so a later process tries
            # again; this one runs the NumPy path (same numbers)
            self.broken.add(variant)
            say_once(f"cannot keep {self.name} {variant}",
                     f"could not keep the compiled {self.what} ({variant}) on disk "
                     f"({e.strerror or e}); this process goes on without them")
            return False
        except Exception:       # the NumPy path does everything then, same numbers
            self.broken.add(variant)
            if compiling:
                self.mark_cached(variant, ok=False)
            return False
        self.loaded.add(variant)
        _GATE["open"] = True
        if compiling:
            self.mark_cached(variant)
        return True


_RUN = {"start": 0.0, "total": 0, "done": 0}


def flush_waits() -> None:
    for kernels in REGISTERED:
        kernels.flush()


atexit.register(flush_waits)


def new_run(total: int = 0) -> None:
    """A train (of `total` updates, if known) or test begins."""
    _RUN.update(start=time.monotonic(), total=total, done=0)
    _GATE.update(last=None, run_seconds=0.0, run_gaps=0)
    for kernels in REGISTERED:
        kernels.new_run()


def progress(done: int) -> None:
    """Updates of the current train done so far."""
    _RUN["done"] = done


def updates_left() -> int:
    """Updates the current train has still to do (1 outside a train)."""
    total, done = _RUN["total"], _RUN["done"]
    return max(1, total - done) if total > 0 else 1


def _run_left(now: float) -> float:
    """Seconds the current train has left at its pace so far (infinite when
    that is not known)."""
    total, done = _RUN["total"], _RUN["done"]
    if total <= 0 or done <= 0:
        return float("inf")
    return (now - _RUN["start"]) / done * (total - done)


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
            # (reading an attribute runs a module paths.py imported lazily)
            getattr(importlib.import_module(f"{package}.{info.name}"), "HAVE_NUMBA", None)
    return [(k, sys.modules[k.warm.__module__]) for k in REGISTERED]


def main(argv=None) -> int:
    """Compile (or load) every variant of every kernel module up front, a line
    for each; `--all` also the float64 ones lens_py only runs when asked."""
    argv = sys.argv[1:] if argv is None else argv
    every = "--all" in argv
    status = 0
    for kernels, module in _kernel_modules():
        if not module.HAVE_NUMBA:
            print("numba is not installed: nothing to compile")
            return 1
        for variant in kernels.variants:
            if not every and variant.startswith("float64"):
                continue
            t0 = time.monotonic()
            was = "loaded" if kernels.cached(variant) else "compiled"
            ok = kernels.load(variant)
            print(f"{kernels.what} ({variant}): "
                  + (f"{was} in {time.monotonic() - t0:.1f} s" if ok else "FAILED "
                     "(the NumPy path runs instead, with the same numbers)"), flush=True)
            status |= not ok
    return status


if __name__ == "__main__":
    # run as a script this file is a second copy of the module: the kernel
    # modules register in the package's own one
    from lens_py.engine.compiled.cache import main as package_main
    sys.exit(package_main())
