"""Fault injection and fuzzing for everything that reads or writes files.

* Every reader (loadWeights: binary, text, -values 3, .gz, .npz;
  loadExamples: text, .bex, .ex.gz) on valid files cut short, with bytes
  overwritten, with counts replaced by huge or negative ones: it loads, or
  it fails with a Tcl error and leaves the network's weights or the example
  set exactly as they were -- never a Python exception, never a hang (a
  30-second alarm turns one into a failure).
* Every writer on a disk that is full at a random point (a small tmpfs,
  when this process may mount one), on a read-only disk, and on every kind
  of target (symlinks, chains of them, dangling ones, FIFOs, /dev/null,
  /dev/full, directories, missing folders): a Tcl error naming the reason
  with the old file whole and no temporary file left, or the whole file.
"""
import contextlib
import gzip
import os
import shutil
import signal
import stat
import struct
import subprocess
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import lens_examples
from lens_py.engine.lensfiles import TEMP_MARK
from lens_py.shell.errors import TclError

FUZZ = settings(max_examples=int(os.environ.get("FAULT_EXAMPLES", 150)), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
RICH_EX = """proc:{set x 1}
max:3 defI:0.5;
name:{plain} I: 1 0 1 T: 0 1;
name:{sparse} freq:2 i: 0 2 t: 1;
name:{events} 3
[0 max:2] I: 1 1 1 T: 0 0
[1 min:1] I: (1) 1 - T: {"output" 0.5} 0
[2] B: 1 0;
name:{groups} I: {"input"} 0 2 T: ("output") 0.25 0.75;
"""


@contextlib.contextmanager
def no_hang(seconds=30):
    def stop(signum, frame):
        raise AssertionError(f"no answer in {seconds} s: a hang")
    old = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def run_or_tcl_error(lens, script):
    """The script's result, or the TclError it raised; any other exception
    fails the test (it would reach the user as a traceback)."""
    with no_hang():
        try:
            return lens(script)
        except TclError as e:
            return e


@pytest.fixture
def net(lens, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(lens_examples.xor(), tmp_path / "xor.ex")
    (tmp_path / "rich.ex").write_text(RICH_EX)
    lens("seed 2; addNet n 3 4 2; addGroup extra 2 OUTPUT; connectGroups hidden extra")
    lens("loadExamples rich.ex -set rich; saveExamples rich rich.bex -binary")
    with open(tmp_path / "rich.ex", "rb") as f:
        (tmp_path / "rich.ex.gz").write_bytes(gzip.compress(f.read()))
    for name, opts in (("w.wt", ""), ("t.wt", "-text"), ("v.wt", "-values 3"),
                       ("g.wt.gz", ""), ("n.npz", "")):
        lens(f"saveWeights {name} {opts}")
    return lens


def weights(lens):
    net = lens.interp.ext["lens"].net
    return [net.gather_links(f).tobytes() for f in ("weight", "last_delta", "last_value")]


def example_set(lens, name):
    s = lens.interp.ext["lens"].sets.get(name)
    if s is None:
        return None
    return (len(s.examples), [ex.name for ex in s.examples], s.max_time, s.default_input)


# -- damage ----------------------------------------------------------------------------------

HUGE = [2 ** 31 - 1, -1, -(2 ** 31), 2 ** 30, 10 ** 9, 0, 3]


@st.composite
def damage(draw, data: bytes, text: bool):
    kind = draw(st.sampled_from(["cut", "bytes", "count"] + (["token"] if text else [])))
    out = bytearray(data)
    if kind == "cut":
        return bytes(out[:draw(st.integers(0, max(0, len(out) - 1)))])
    if kind == "bytes":
        for _ in range(draw(st.integers(1, 4))):
            out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
        return bytes(out)
    if kind == "count":
        at = draw(st.integers(0, max(0, len(out) // 4 - 1))) * 4
        out[at:at + 4] = struct.pack(">i", draw(st.sampled_from(HUGE)))
        return bytes(out)
    words = out.split(b" ")
    k = draw(st.integers(0, len(words) - 1))
    words[k] = draw(st.sampled_from([b"99999999999", b"2147483648", b"-5", b"1e400", b"x",
                                     b"", b"[", b"{", b"\x00\xff", b"3\n#c\n"]))
    return b" ".join(words)


READERS = {
    "w.wt": ("loadWeights {F}", False), "t.wt": ("loadWeights {F}", True),
    "v.wt": ("loadWeights {F}", False), "g.wt.gz": ("loadWeights {F}", False),
    "n.npz": ("loadWeights {F}", False),
    "rich.ex": ("loadExamples {F} -set rich -mode REPLACE", True),
    "xor.ex": ("loadExamples {F} -set rich -mode APPEND", True),
    "rich.bex": ("loadExamples {F} -set rich -mode REPLACE", False),
    "rich.ex.gz": ("loadExamples {F} -set rich -mode REPLACE", False),
}


@FUZZ
@given(data=st.data(), name=st.sampled_from(sorted(READERS)),
       inner=st.booleans())
def test_every_reader_on_damaged_files(net, tmp_path, data, name, inner):
    command, text = READERS[name]
    original = (tmp_path / name).read_bytes()
    if name.endswith(".gz") and inner:
        # damage what is inside the compression: a valid .gz of a bad file
        bad = gzip.compress(data.draw(damage(gzip.decompress(original), True)))
    else:
        bad = data.draw(damage(original, text))
    target = tmp_path / ("bad-" + name)
    target.write_bytes(bad)
    before = (weights(net), example_set(net, "rich"), net("getObj numExampleSets"))
    result = run_or_tcl_error(net, command.replace("{F}", target.name))
    event("refused" if isinstance(result, TclError) else "loaded")
    if isinstance(result, TclError):
        assert result.message and "Traceback" not in result.message
        assert (weights(net), example_set(net, "rich"), net("getObj numExampleSets")) == before
    net("getObj numGroups")         # the shell goes on


@pytest.mark.parametrize("count_at,value", [(40, 2 ** 31 - 1), (50, 2 ** 31 - 1)])
def test_a_tiny_bex_with_a_huge_count_answers_at_once(net, tmp_path, count_at, value):
    data = bytearray((tmp_path / "rich.bex").read_bytes()[:60])
    data[count_at:count_at + 4] = struct.pack(">i", value)
    (tmp_path / "tiny.bex").write_bytes(bytes(data))
    assert isinstance(run_or_tcl_error(net, "loadExamples tiny.bex -set tiny"), TclError)
    assert example_set(net, "tiny") is None


# -- writers -----------------------------------------------------------------------------------

WRITERS = {
    "saveWeights": "saveWeights {F}",
    "saveWeights -text": "saveWeights {F} -text",
    "saveWeights .gz": "saveWeights {F}",
    "saveExamples": "saveExamples rich {F}",
    "saveExamples -binary": "saveExamples rich {F} -binary",
    "saveParameters": "saveParameters {F}",
    "printUnitValues": "printUnitValues {F} show {hidden output}",
    "printLinkValues": "printLinkValues {F} show hidden output",
    "openNetOutputFile": "resetExampleSets *; openNetOutputFile {F}; test 3; closeNetOutputFile",
}


@pytest.fixture
def writer_net(net):
    net('proc show args {return "[join $args { }] [string repeat . 40]\\n"}')
    net("useTestingSet rich")
    return net


def _reference(lens, tmp_path, key):
    ref = tmp_path / "reference"
    ref.mkdir(exist_ok=True)
    target = ref / ("out" + _suffix(key))
    lens(WRITERS[key].replace("{F}", str(target)))
    return target.read_bytes()


def _suffix(key):
    return ".gz" if key.endswith(".gz") else ""


def _written(path):
    return path.read_bytes() if path.exists() else None


def _mount(folder, options) -> bool:
    folder.mkdir(exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)],
                          capture_output=True)
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KB tmpfs (skipped where this process may not mount one)."""
    disk = tmp_path / "disk"
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not _mount(disk, "size=256k"):
        pytest.skip("cannot mount a small tmpfs here")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def _fill(disk, leave: int) -> None:
    """Fill the disk but for about `leave` bytes."""
    filler = disk / "filler"
    filler.unlink(missing_ok=True)
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as f:
        with contextlib.suppress(OSError):
            f.write(b"\0" * max(0, free - leave))


@FUZZ
@given(key=st.sampled_from(sorted(WRITERS)), leave=st.integers(0, 96 * 1024))
def test_a_disk_that_fills_up_loses_nothing(writer_net, tmp_path, small_disk, key, leave):
    want = _reference(writer_net, tmp_path, key)
    for p in small_disk.iterdir():
        p.unlink()
    target = small_disk / ("out" + _suffix(key))
    old = b"the old contents\n"
    target.write_bytes(old)
    _fill(small_disk, leave)
    result = run_or_tcl_error(writer_net, WRITERS[key].replace("{F}", str(target)))
    got = _written(target)
    event("full" if isinstance(result, TclError) else "fitted")
    if isinstance(result, TclError):
        assert "No space left on device" in result.message, result.message
        if key != "openNetOutputFile":      # written in place, as Lens does
            assert got == old
        writer_net("catch closeNetOutputFile")
    else:
        assert (gzip.decompress(got) if key.endswith(".gz") else got) == \
            (gzip.decompress(want) if key.endswith(".gz") else want)
    assert not [p.name for p in small_disk.iterdir() if TEMP_MARK in p.name]


def test_a_read_only_disk_is_a_clean_error(writer_net, tmp_path, small_disk):
    (small_disk / "out").write_bytes(b"old")
    if subprocess.run(["mount", "-o", "remount,ro", str(small_disk)]).returncode:
        pytest.skip("cannot remount read-only")
    for key, command in WRITERS.items():
        result = run_or_tcl_error(writer_net, command.replace("{F}", str(small_disk / "out")))
        assert isinstance(result, TclError) and "Read-only file system" in result.message, key
        writer_net("catch closeNetOutputFile")
        assert (small_disk / "out").read_bytes() == b"old"


TARGETS = ["missing", "regular", "link", "chain", "dangling", "fifo", "devnull", "devfull",
           "directory", "no-folder", "link-to-directory"]


def _make_target(tmp_path, kind, suffix):
    """(the name to write to, the file the data should reach or None, error
    words); names of files end in `suffix`."""
    place = tmp_path / "targets"
    if place.exists():
        shutil.rmtree(place)
    place.mkdir()
    real = place / ("real" + suffix)
    if kind == "missing":
        return place / ("new" + suffix), place / ("new" + suffix), None
    if kind == "devnull":
        return "/dev/null", None, None
    if kind == "devfull":
        return "/dev/full", None, "No space left on device"
    if kind == "no-folder":
        return place / "nowhere" / ("f" + suffix), None, "No such file or directory"
    if kind in ("directory", "link-to-directory"):
        (place / "d").mkdir()
        if kind == "directory":
            return place / "d", None, "Is a directory"
        (place / ("l" + suffix)).symlink_to("d")
        return place / ("l" + suffix), None, "Is a directory"
    if kind == "fifo":
        os.mkfifo(real)
        return real, real, None
    real.write_bytes(b"old")
    if kind == "regular":
        return real, real, None
    (place / ("l1" + suffix)).symlink_to(real.name)
    if kind == "link":
        return place / ("l1" + suffix), real, None
    if kind == "chain":
        (place / ("l2" + suffix)).symlink_to("l1" + suffix)
        return place / ("l2" + suffix), real, None
    real.unlink()
    return place / ("l1" + suffix), real, None     # dangling: the link names real


@settings(max_examples=int(os.environ.get("FAULT_EXAMPLES", 150)), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(key=st.sampled_from(sorted(WRITERS)), kind=st.sampled_from(TARGETS))
def test_every_writer_on_every_kind_of_target(writer_net, tmp_path, key, kind):
    # a device's name has no .gz ending: the compressed writer has its own names
    assume(not (kind in ("devnull", "devfull") and key.endswith(".gz")))
    want = _reference(writer_net, tmp_path, key)
    name, reaches, error = _make_target(tmp_path, kind, _suffix(key))
    links = {p: os.readlink(p) for p in (tmp_path / "targets").iterdir() if p.is_symlink()}
    got = []
    reader = None
    if kind == "fifo":
        reader = threading.Thread(target=lambda: got.append(open(reaches, "rb").read()))
        reader.start()
    result = run_or_tcl_error(writer_net, WRITERS[key].replace("{F}", str(name)))
    if reader is not None:
        reader.join(20)
        assert stat.S_ISFIFO(os.stat(reaches).st_mode)
    writer_net("catch closeNetOutputFile")
    if error:
        assert isinstance(result, TclError) and error in result.message, (kind, key, result)
    else:
        assert not isinstance(result, TclError), (kind, key, result)
        if reaches is not None:
            data = got[0] if got else _written(reaches)
            assert data == want or gzip.decompress(data) == gzip.decompress(want)
    assert {p: os.readlink(p) for p in links} == links
    assert not [p for p in (tmp_path / "targets").rglob("*") if TEMP_MARK in p.name]


def test_fsync_errors_are_reported(tmp_path, monkeypatch):
    from lens_py.engine import lensfiles

    def fail(fd):
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(os, "fsync", fail)
    (tmp_path / "f").write_text("old")
    with pytest.raises(lensfiles.LensFileError, match="Input/output error"):
        with lensfiles.open_write(str(tmp_path / "f")) as f:
            f.write("new")
    assert (tmp_path / "f").read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_weights_survive_a_failed_reload(net, tmp_path):
    before = weights(net)
    data = (tmp_path / "w.wt").read_bytes()
    for cut in range(0, len(data), 7):
        (tmp_path / "cut.wt").write_bytes(data[:cut])
        assert isinstance(run_or_tcl_error(net, "loadWeights cut.wt"), TclError)
        assert weights(net) == before
    np.testing.assert_equal(len(before[0]) > 0, True)


@pytest.mark.parametrize("code, message", [("return foo", "foo"),
                                           ("break", 'invoked "break"'),
                                           ("return", 'invoked "return"')])
def test_return_or_break_in_an_example_set_proc_is_an_error_as_in_lens(net, tmp_path, code,
                                                                         message):
    # Lens 2.63: catch {loadExamples r.ex} gives 1 with the value as message
    (tmp_path / "r.ex").write_text("proc:{%s}\nname:{a} I: 1 0 1 T: 0 1;\n" % code)
    result = run_or_tcl_error(net, "loadExamples r.ex -s r")
    assert isinstance(result, TclError) and result.message.startswith(message)
    net("getObj numGroups")
