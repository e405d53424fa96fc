"""Writes that fail part-way, for every command that writes a file.

Three kinds of fault: a real small disk (a 256 KB tmpfs, filled but for a
few KB; needs root), a file size limit in a child process (RLIMIT_FSIZE,
writes fail with EFBIG), and OS calls made to fail in this process (fsync,
rename) where neither reaches.  Every case checks: a Tcl error in Lens's
(or tclsh's) words followed by the OS's reason; the shell goes on; a
whole-file save leaves the old file as it was; an append is cut back to the
file's old length; a growing output file holds whole records only; no
temporary file is left.  When the write fits, the file is what it is with
room to spare.
"""
import errno
import gzip
import json
import os
import subprocess
import sys
import types

import pytest

import small_disk
from lens_py.engine import outputfile
from lens_py.engine.compiled import cache as kernelcache
from lens_py.engine.lensfiles import TEMP_MARK
from lens_py.shell.errors import TclError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SETUP = """seed 1; addNet n 20 30 20; loadExamples big.ex -set s
useTestingSet s; useTrainingSet s
proc show args {return "[join $args { }] [string repeat . 40]\\n"}
set g [graph create]; trace create $g {getObj error}; train 5
"""

# whole-file saves: (script, Lens's words, suffix of the file's name)
WHOLE = {
    "saveWeights": ("saveWeights {F}", "standardSaveWeights: ", ".wt"),
    "saveWeights -text": ("saveWeights {F} -text", "standardSaveWeights: ", ".wt"),
    "saveWeights .gz": ("saveWeights {F}", "standardSaveWeights: ", ".wt.gz"),
    "saveExamples": ("saveExamples s {F}", "writeExampleFile: ", ".ex"),
    "saveExamples -binary": ("saveExamples s {F} -binary", "writeBinaryExampleFile: ", ".bex"),
    "saveParameters": ("saveParameters {F}", "saveParameters: ", ".tcl"),
    "printUnitValues": ("printUnitValues {F} show {hidden output}",
                        "printUnitValues: couldn't write to the file ", ".txt"),
    "printLinkValues": ("printLinkValues {F} show hidden output",
                        "printLinkValues: couldn't write to the file ", ".txt"),
    "exportGraph": ("exportGraph $g {F}", "Couldn't write file ", ".txt"),
    "exportGraph .png": ("exportGraph $g {F}", "Couldn't write file ", ".png"),
    "exportGraph .svg": ("exportGraph $g {F}", "Couldn't write file ", ".svg"),
    "viewUnits -file": ("viewUnits -file {F}", "Couldn't write file ", ".html"),
    "viewLinks -file": ("viewLinks -file {F}", "Couldn't write file ", ".html"),
    "file copy -force": ("file copy -force big.ex {F}", 'error copying "big.ex" to ', ".ex"),
}
# appends: cut back to the old length when they fail
APPENDS = {
    "saveExamples -append": ("saveExamples s {F} -append", "writeExampleFile: ", ".ex"),
    "saveParameters -append": ("saveParameters {F} -append", "saveParameters: ", ".tcl"),
    "printUnitValues -append": ("printUnitValues {F} show {hidden output} -append",
                                "printUnitValues: couldn't write to the file ", ".txt"),
    "printLinkValues -append": ("printLinkValues {F} show hidden output -append",
                                "printLinkValues: couldn't write to the file ", ".txt"),
}
# growing output files: whole records only (after the old contents, for -append)
GROWING = {
    "openNetOutputFile": ("resetExampleSets *; openNetOutputFile {F}; test", ""),
    "openNetOutputFile -binary": ("resetExampleSets *; openNetOutputFile {F} -binary; test", ""),
    "openNetOutputFile train": ("loadWeights start.wt; resetExampleSets *; openNetOutputFile {F}; train 2", ""),
    "openNetOutputFile -append": ("resetExampleSets *; openNetOutputFile {F} -append; test",
                                  "-append"),
}
OLD = b"the old contents\n" * 8


def _big_ex():
    import random
    rng = random.Random(1)
    rows = []
    for k in range(60):
        i = " ".join(str(rng.randint(0, 1)) for _ in range(20))
        t = " ".join(str(rng.randint(0, 1)) for _ in range(20))
        rows.append(f"name:{{e{k}}} I: {i} T: {t};")
    return "\n".join(rows) + "\n"


@pytest.fixture
def net(lens, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "big.ex").write_text(_big_ex())
    lens(SETUP)
    lens("saveWeights start.wt -values 3")     # where a training that writes records starts
    return lens


@pytest.fixture(scope="module")
def mounted_disk(tmp_path_factory):
    with small_disk.mounted(tmp_path_factory.mktemp("small") / "disk") as disk:
        yield disk


@pytest.fixture
def disk(mounted_disk):
    small_disk.empty(mounted_disk)
    yield mounted_disk
    small_disk.empty(mounted_disk)


def attempt(lens, script):
    """The script's result, or its error (with errorCode set, as by catch)."""
    lens.interp.set_global("attempt", script)
    if lens("catch $attempt m") == "0":
        return lens("set m")
    return TclError(lens("set m"), lens("set errorCode"))


def leftovers(folder):
    """Temporary files of a save (ours, a copy's) left in the folder."""
    return [p.name for p in folder.iterdir() if TEMP_MARK in p.name or ".tcl-copy-" in p.name
            or p.name.endswith(".tmp")]


def shell_goes_on(lens):
    assert lens("getObj n.name") == "n"
    assert lens("expr {1 + 2}") == "3"


def plain(data: bytes, suffix: str) -> bytes:
    """What a file says: a .gz file uncompressed, a picture as what kind of
    picture it is (matplotlib's ids and dates differ from save to save)."""
    if suffix.endswith(".gz"):
        return gzip.decompress(data)
    if suffix == ".png":
        import io
        from matplotlib.image import imread
        return f"png {imread(io.BytesIO(data)).shape}".encode()
    if suffix == ".svg":
        return data[:5] + data[-7:]
    return data


def record_ends(lens, script, path, start=b""):
    """The growing file written with room to spare (after `start`, the old
    contents of an append), and its length after each whole record (read
    from the file itself as the writer goes)."""
    path.write_bytes(start)
    sizes = [len(start)]
    real_call = outputfile.OutputFileWriter.__call__

    def spy(self, net, example):
        real_call(self, net, example)
        sizes.append(os.path.getsize(path))
    outputfile.OutputFileWriter.__call__ = spy
    try:
        lens(script.replace("{F}", str(path)))
        lens("closeNetOutputFile")
    finally:
        outputfile.OutputFileWriter.__call__ = real_call
    return path.read_bytes(), sizes


def check_error(result, words, reason):
    assert isinstance(result, TclError), result
    assert result.message.startswith(words), result.message
    assert reason in result.message, result.message
    assert "Traceback" not in result.message


# -- (a) a real small disk ---------------------------------------------------------------------

LEAVE = [0, 6000, 24000, 70000]


def _save_on_a_full_disk(net, tmp_path, disk, entry, leave):
    """Write with room to spare, then on the full disk over OLD: the old
    file or (when it fits) the same file; for an append both start as OLD."""
    script, words, suffix = entry
    ref = tmp_path / ("ref" + suffix)
    ref.write_bytes(OLD)
    net(script.replace("{F}", str(ref)))
    target = disk / ("out" + suffix)
    target.write_bytes(OLD)
    small_disk.fill(disk, leave)
    result = attempt(net, script.replace("{F}", str(target)))
    if isinstance(result, TclError):
        check_error(result, words, "o space left on device")
        assert target.read_bytes() == OLD
    else:
        assert plain(target.read_bytes(), suffix) == plain(ref.read_bytes(), suffix)
    assert leftovers(disk) == []
    shell_goes_on(net)


@pytest.mark.parametrize("leave", LEAVE)
@pytest.mark.parametrize("key", sorted(WHOLE))
def test_a_whole_file_save_on_a_full_disk_keeps_the_old_file(net, tmp_path, disk, key, leave,
                                                              monkeypatch):
    import webbrowser
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: True)
    _save_on_a_full_disk(net, tmp_path, disk, WHOLE[key], leave)


@pytest.mark.parametrize("leave", LEAVE)
@pytest.mark.parametrize("key", sorted(APPENDS))
def test_an_append_on_a_full_disk_is_cut_back_to_the_old_length(net, tmp_path, disk, key,
                                                                 leave):
    _save_on_a_full_disk(net, tmp_path, disk, APPENDS[key], leave)


def test_a_failed_append_to_a_missing_file_leaves_no_file(net, disk):
    small_disk.fill(disk, 0)
    for script, words, suffix in APPENDS.values():
        target = disk / ("new" + suffix)
        check_error(attempt(net, script.replace("{F}", str(target))), words,
                    "No space left on device")
        assert not target.exists()


@pytest.mark.parametrize("leave", LEAVE)
@pytest.mark.parametrize("key", sorted(GROWING))
def test_a_growing_output_file_holds_whole_records_only(net, tmp_path, disk, key, leave):
    script, mode = GROWING[key]
    start = OLD if mode == "-append" else b""
    want, ends = record_ends(net, script, tmp_path / "ref.out", start)
    target = disk / "out.out"
    target.write_bytes(OLD)
    small_disk.fill(disk, leave)
    result = attempt(net, script.replace("{F}", str(target)))
    got = target.read_bytes()
    if isinstance(result, TclError):
        assert "No space left on device" in result.message, result.message
        assert result.message.startswith(("writeExample: ", "openNetOutputFile: ")), \
            result.message
        closing = attempt(net, "closeNetOutputFile")
        if result.message.startswith("writeExample: "):
            # the record lost is reported again when the file is closed
            check_error(closing, "closeNetOutputFile: 1 record could not be written",
                        "No space left on device")
        assert got.startswith(start)
        assert len(got) in ends and want.startswith(got), (len(got), ends[:5])
    else:
        net("closeNetOutputFile")
        assert target.read_bytes() == want
    assert leftovers(disk) == []
    shell_goes_on(net)


def test_output_records_go_on_once_the_disk_has_room_again(net, tmp_path, disk):
    want, ends = record_ends(net, GROWING["openNetOutputFile"][0], tmp_path / "ref.out")
    target = disk / "out.out"
    small_disk.fill(disk, 0)
    check_error(attempt(net, f"resetExampleSets *; openNetOutputFile {target}; test 1"),
                "writeExample: ", "No space left on device")
    assert target.read_bytes() == b""
    small_disk.free(disk)
    net("resetExampleSets *; test")             # the same file, from its first example
    net("catch closeNetOutputFile")
    assert target.read_bytes() == want


def test_tcl_channels_on_a_full_disk_give_tcls_errors_and_are_closed(lens, disk):
    big = "x" * 50000
    small_disk.fill(disk, 8192)
    f = disk / "chan.txt"
    lens(f"set f [open {f} w]")
    result = attempt(lens, f"puts $f {big}; close $f")
    assert isinstance(result, TclError)
    assert result.message in ('error writing "file3": no space left on device',
                              "no space left on device"), result.message
    assert lens("lindex $errorCode 1") == "ENOSPC"
    lens("catch {close $f}")
    assert "file3" not in lens.interp.channels
    assert big.encode().startswith(f.read_bytes())      # what reached the disk, no garbage
    # an append, flushed
    lens(f"set f [open {f} a]")
    result = attempt(lens, f"puts -nonewline $f {'y' * 200000}; flush $f")
    assert isinstance(result, TclError)
    assert result.message in ('error writing "file3": no space left on device',
                              'error flushing "file3": no space left on device'), result.message
    lens("catch {close $f}")
    assert f.read_bytes().startswith(big[:100].encode())
    assert lens("llength [file channels file*]") == "0"


def test_file_copy_and_rename_onto_a_full_disk(lens, tmp_path, disk):
    source = tmp_path / "source.bin"
    data = os.urandom(150000)
    source.write_bytes(data)
    target = disk / "target.bin"
    target.write_bytes(OLD)
    small_disk.fill(disk, 16384)
    for script, verb in ((f"file copy -force {source} {target}", "copying"),
                         (f"file rename -force {source} {target}", "renaming")):
        result = attempt(lens, script)
        assert isinstance(result, TclError)
        assert result.message == \
            f'error {verb} "{source}" to "{target}": no space left on device'
        assert lens("lindex $errorCode 1") == "ENOSPC"
        assert target.read_bytes() == OLD          # tclsh would have deleted it
        assert source.read_bytes() == data
        assert leftovers(disk) == []
    small_disk.free(disk)
    lens(f"file rename -force {source} {target}")
    assert target.read_bytes() == data and not source.exists()


def test_a_viewer_page_in_the_temporary_folder_leaves_no_empty_file(net, disk, monkeypatch):
    import tempfile
    import webbrowser
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: True)
    monkeypatch.setattr(tempfile, "tempdir", str(disk))
    net("set ::tcl_interactive 1")
    small_disk.fill(disk, 4096)
    for command in ("viewUnits", "viewLinks"):
        result = attempt(net, command)
        check_error(result, 'Couldn\'t write file "', "No space left on device")
        assert sorted(p.name for p in disk.iterdir()) == [small_disk.FILLER]
    shell_goes_on(net)


# -- (b) a file size limit, in a child process --------------------------------------------------

LIMIT = 4096

CHILD = r"""
import json, sys
from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError
interp = make_interp()
interp.eval(sys.argv[1])
out = {}
for key, script in json.loads(sys.argv[2]).items():
    try:
        interp.eval(script)
        out[key] = None
    except TclError as e:
        out[key] = e.message
    interp.eval("catch closeNetOutputFile")
out["alive"] = interp.eval("getObj n.name")
print(json.dumps(out))
"""


def _child_env(tmp_path):
    return dict(os.environ, PYTHONPATH=ROOT, LENS_PY_COMPILE="never",
                NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"), PYTHONDONTWRITEBYTECODE="1",
                MPLCONFIGDIR=str(tmp_path / "mpl"))


def _limited(tmp_path, scripts, limit=LIMIT):
    import resource
    import signal

    def pre():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    done = subprocess.run([sys.executable, "-c", CHILD, SETUP, json.dumps(scripts)],
                          cwd=tmp_path, capture_output=True, text=True, env=_child_env(tmp_path),
                          preexec_fn=pre, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_file_size_limit_fails_every_writer_cleanly(net, tmp_path):
    """Whole saves and appends (to an old file of 2 KB) under a 4 KB limit:
    each fails cleanly or, when it fits, writes what it writes without one."""
    old = OLD * (2048 // len(OLD))
    folder = tmp_path / "limited"
    folder.mkdir()
    cases, expected = {}, {}
    for table in (WHOLE, APPENDS):
        for key, (script, words, suffix) in table.items():
            name = key.replace(" ", "_").replace(".", "").replace("-", "") + suffix
            ref = tmp_path / ("ref-" + name)
            ref.write_bytes(old)
            net(script.replace("{F}", str(ref)))        # the same net as the child's
            (folder / name).write_bytes(old)
            cases[key] = script.replace("{F}", "limited/" + name)
            expected[key] = (name, words, ref.read_bytes(), suffix)
    results = _limited(tmp_path, cases)
    assert results.pop("alive") == "n"
    failed = 0
    for key, message in results.items():
        name, words, want, suffix = expected[key]
        got = (folder / name).read_bytes()
        if message is None:
            assert plain(got, suffix) == plain(want, suffix), key
            continue
        failed += 1
        assert message.startswith(words) and "too large" in message.lower(), (key, message)
        assert got == old, key
    assert failed >= len(results) - 4, results     # most of them pass the limit
    assert leftovers(folder) == []


def test_a_growing_file_at_the_size_limit_ends_on_a_whole_record(net, tmp_path):
    for key in ("openNetOutputFile", "openNetOutputFile -binary"):
        script = GROWING[key][0]
        want, ends = record_ends(net, script, tmp_path / "ref.out")
        (tmp_path / "o.out").unlink(missing_ok=True)
        results = _limited(tmp_path, {key: script.replace("{F}", "o.out")})
        assert "File too large" in results[key]
        got = (tmp_path / "o.out").read_bytes()
        assert len(got) in ends and want.startswith(got) and len(got) > 0
        assert len(got) == max(n for n in ends if n <= LIMIT)


# -- (c) OS calls made to fail ----------------------------------------------------------------

def _fail_with(code):
    def fail(*args, **kwargs):
        raise OSError(code, os.strerror(code))
    return fail


@pytest.mark.parametrize("call", ["fsync", "replace"])
@pytest.mark.parametrize("key", sorted(WHOLE))
def test_a_failed_fsync_or_rename_keeps_the_old_file(net, tmp_path, monkeypatch, key, call):
    import webbrowser
    monkeypatch.setattr(webbrowser, "open", lambda *a, **k: True)
    script, words, suffix = WHOLE[key]
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / ("f" + suffix)
    target.write_bytes(OLD)
    monkeypatch.setattr(os, call, _fail_with(errno.ENOSPC))
    result = attempt(net, script.replace("{F}", str(target)))
    monkeypatch.undo()
    check_error(result, words, "o space left on device")
    assert target.read_bytes() == OLD
    assert sorted(p.name for p in folder.iterdir()) == [target.name]
    shell_goes_on(net)


@pytest.mark.parametrize("key", sorted(APPENDS))
def test_a_failed_fsync_after_an_append_cuts_it_back(net, tmp_path, monkeypatch, key):
    script, words, suffix = APPENDS[key]
    target = tmp_path / ("f" + suffix)
    target.write_bytes(OLD)
    monkeypatch.setattr(os, "fsync", _fail_with(errno.EIO))
    result = attempt(net, script.replace("{F}", str(target)))
    monkeypatch.undo()
    check_error(result, words, "Input/output error")
    assert target.read_bytes() == OLD
    shell_goes_on(net)


# -- the compiled kernels' cache -----------------------------------------------------------

def _kernels(tmp_path, warm):
    src = tmp_path / "kern.py"
    src.write_text("def k(): pass\n")
    probe = types.SimpleNamespace(_cache=types.SimpleNamespace(_cache_path=str(tmp_path)))
    # a name of its own: what the cache says once per process stays unsaid
    # for the kernels of other tests
    k = kernelcache.Kernels("fullkern", str(src), warm, probe, variants=("v32",),
                            what="the full-disk test kernels")
    kernelcache.REGISTERED.remove(k)
    return k


def test_a_cache_that_cannot_be_saved_is_not_a_failed_compile(tmp_path):
    def full(variant):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    k = _kernels(tmp_path, full)
    assert not k.ready(wait=True)
    assert not k.failed() and not k.cached() and "v32" in k.broken
    calls = []
    later = _kernels(tmp_path, calls.append)        # another process, the disk freed
    assert later.ready(wait=True) and calls == ["v32"] and later.cached()


def test_a_marker_that_cannot_be_written_is_no_error(tmp_path, monkeypatch):
    k = _kernels(tmp_path, lambda variant: None)
    monkeypatch.setattr(os, "replace", _fail_with(errno.ENOSPC))
    assert k.ready(wait=True)                       # compiled; the marker is not there
    assert not k.cached()
    assert [p.name for p in tmp_path.iterdir()] == ["kern.py"]


KERNEL_MODULE = """
import numba
from lens_py.engine.compiled import cache

@numba.njit(cache=True)
def plus(x):
    return x + 1.5

def warm(variant):
    assert plus(1.0) == 2.5

KERNELS = cache.Kernels("plus", __file__, warm, plus, variants=("v",), what="plus")
"""

KERNEL_CHILD = """
import sys; sys.path.insert(0, ".")
import kern
k = kern.KERNELS
print(k.load("v"), k.failed("v"), k.cached("v"))
"""


def test_kernels_compile_again_once_a_full_cache_disk_has_room(tmp_path, disk):
    pytest.importorskip("numba")
    (tmp_path / "kern.py").write_text(KERNEL_MODULE)
    env = dict(_child_env(tmp_path), NUMBA_CACHE_DIR=str(disk / "numba"))
    (disk / "numba").mkdir()

    def child():
        done = subprocess.run([sys.executable, "-c", KERNEL_CHILD], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout.split(), done.stderr
    small_disk.fill(disk, 0)
    out, err = child()
    assert out == ["False", "False", "False"], (out, err)
    assert "could not keep the compiled plus (v) on disk" in err
    small_disk.free(disk)
    out, err = child()
    assert out == ["True", "False", "True"], (out, err)
    assert "compiling plus" in err
    out, err = child()                  # now from numba's cache, with no word
    assert out == ["True", "False", "True"] and "compiling" not in err
