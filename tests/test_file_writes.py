"""How every command that writes a file writes it (engine/lensfiles.py), and
how readers meet bad files: through symbolic links, to FIFOs and devices
directly, every OS error a Tcl error (on open, write, flush or close), saves
atomic (fsync, then rename; the old file whole on failure; no temporary file
left, stale ones of a killed save removed), corrupt compressed files and
impossible counts refused at once, a failed loadExamples changing nothing."""
import gzip
import os
import stat
import struct
import subprocess
import sys
import threading
import warnings

import pytest

import lens_examples
from lens_py.engine import lensfiles
from lens_py.shell.errors import TclError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROC = "proc show args {return \"[join $args { }]\\n\"}"

# Every writing command, as (name, script writing to F); each is run in a
# shell holding a small net with a training set.
WRITERS = {
    "saveWeights": "saveWeights {F}",
    "saveWeights -text": "saveWeights {F} -text",
    "saveWeights .gz": "saveWeights {F}",
    "saveExamples": "saveExamples xor {F}",
    "saveExamples -binary": "saveExamples xor {F} -binary",
    "saveParameters": "saveParameters {F}",
    "printUnitValues": "printUnitValues {F} show output",
    "printLinkValues": "printLinkValues {F} show hidden output",
    "openNetOutputFile": "resetExampleSets *; openNetOutputFile {F}; test 2; closeNetOutputFile",
}


@pytest.fixture
def net(lens, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lens("addNet n 2 2 1")
    lens(f"loadExamples {{{lens_examples.xor()}}} -set xor; useTrainingSet xor; {PROC}")
    return lens


def write(lens, key, target):
    lens(WRITERS[key].replace("{F}", "{" + str(target) + "}"))


def reference_bytes(lens, key, tmp_path):
    plain = tmp_path / ("ref.wt.gz" if key.endswith(".gz") else "ref.out")
    write(lens, key, plain)
    data = plain.read_bytes()
    return gzip.decompress(data) if key.endswith(".gz") else data


def _content(path, key):
    data = open(path, "rb").read()
    return gzip.decompress(data) if key.endswith(".gz") else data


# -- symbolic links, FIFOs, devices -----------------------------------------------------------

@pytest.mark.parametrize("key", WRITERS)
def test_a_save_through_a_symlink_replaces_its_target_and_keeps_the_link(net, tmp_path, key):
    suffix = ".gz" if key.endswith(".gz") else ""
    want = reference_bytes(net, key, tmp_path)
    target = tmp_path / ("target" + suffix)
    target.write_bytes(b"old contents")
    link = tmp_path / ("link" + suffix)
    link.symlink_to(target.name)
    write(net, key, link)
    assert link.is_symlink() and os.readlink(link) == target.name
    assert _content(target, key) == want


def test_a_save_through_a_dangling_link_creates_what_it_names(net, tmp_path):
    (tmp_path / "link.wt").symlink_to("made.wt")
    net("saveWeights link.wt")
    assert (tmp_path / "link.wt").is_symlink() and (tmp_path / "made.wt").is_file()
    net("loadWeights made.wt")


@pytest.mark.parametrize("key", ["saveWeights", "saveExamples", "printUnitValues",
                                 "openNetOutputFile"])
def test_a_fifo_is_written_into_not_replaced(net, tmp_path, key):
    want = reference_bytes(net, key, tmp_path)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    write(net, key, fifo)
    reader.join(10)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert got == [want]


@pytest.mark.parametrize("key", WRITERS)
def test_a_full_device_is_a_clean_error(net, key):
    with pytest.raises(TclError, match="No space left on device"):
        write(net, key, "/dev/full")
    assert net("getObj n.name") == "n"         # the shell goes on


def test_open_net_output_file_reports_a_full_disk_on_each_record(net):
    net("openNetOutputFile /dev/full")
    with pytest.raises(TclError, match=r'writeExample: .*"/dev/full": No space left'):
        net("test 1")
    with pytest.raises(TclError, match="closeNetOutputFile: .*No space left"):
        net("closeNetOutputFile")
    with pytest.raises(TclError, match="no file open"):
        net("closeNetOutputFile")


def test_tcl_channels_report_write_errors_as_tcl_does(lens):
    """The messages of tclsh 8.6 for /dev/full."""
    lens("set f [open /dev/full w]; puts $f hello")
    assert lens("list [catch {flush $f} m] $m") == \
        '1 {error flushing "file3": no space left on device}'
    lens("puts $f hello")
    assert lens("list [catch {close $f} m] $m") == "1 {no space left on device}"
    assert "file3" not in lens.interp.channels
    lens("set f [open /dev/full w]; fconfigure $f -buffering none")
    assert lens("list [catch {puts $f hello} m] $m") == \
        '1 {error writing "file3": no space left on device}'
    assert lens("lindex $errorCode 1") == "ENOSPC"
    lens("catch {close $f}")


# -- atomic saves ---------------------------------------------------------------------------------

def _shell(script: str, cwd, limit_blocks=None):
    """lens_py in a child process (for `ulimit -f`): (returncode, output)."""
    import resource
    cmd = [sys.executable, "-m", "lens_py", "-c", script]

    def pre():
        if limit_blocks is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_blocks * 512,) * 2)
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env,
                       preexec_fn=pre, timeout=120)
    return p.returncode, p.stdout + p.stderr


@pytest.mark.parametrize("command", ["saveWeights big.wt", "saveWeights big.wt -text",
                                     "saveWeights big.wt.gz", "saveExamples s big.wt",
                                     "saveParameters big.wt", "printUnitValues big.wt p hidden"])
def test_a_file_size_limit_keeps_the_old_file_and_leaves_no_temporary(tmp_path, command):
    (tmp_path / "big.wt").write_bytes(b"old")
    (tmp_path / "big.wt.gz").write_bytes(b"old")
    (tmp_path / "e.ex").write_text(";\n" + "I: 1 0 1 0 T: 1;\n" * 3000)
    script = ("addNet n 200 200 200; loadExamples e.ex -set s; "
              "proc p args {return [string repeat x 100]\\n}; "
              f"puts [catch {{{command}}} m]; puts $m; puts alive")
    code, out = _shell(script, tmp_path, limit_blocks=8)       # 4 KB
    assert code == 0, out
    assert "1\n" in out and "File too large" in out and "alive" in out
    assert "Traceback" not in out
    assert (tmp_path / "big.wt").read_bytes() == (tmp_path / "big.wt.gz").read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.wt", "big.wt.gz", "e.ex"]


def test_the_file_is_fsynced_before_the_rename(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: calls.append("fsync") or real_fsync(fd))
    monkeypatch.setattr(os, "replace", lambda a, b: calls.append("rename") or real_replace(a, b))
    with lensfiles.open_write(str(tmp_path / "f.txt")) as f:
        f.write("data\n")
    assert calls[:2] == ["fsync", "rename"]
    assert (tmp_path / "f.txt").read_text() == "data\n"


def test_an_error_inside_the_block_leaves_the_old_file(tmp_path):
    target = tmp_path / "f.txt"
    target.write_text("old\n")
    with pytest.raises(KeyboardInterrupt):
        with lensfiles.open_write(str(target)) as f:
            f.write("half")
            raise KeyboardInterrupt
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["f.txt"]


def test_permissions_of_the_replaced_file_are_kept(net, tmp_path):
    target = tmp_path / "w.wt"
    target.write_bytes(b"old")
    os.chmod(target, 0o640)
    net("saveWeights w.wt")
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_temporary_files_of_a_killed_save_are_removed_by_the_next(net, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    stale = tmp_path / f".w.wt{lensfiles.TEMP_MARK}{dead.pid}-x1y2.tmp"
    live = tmp_path / f".w.wt{lensfiles.TEMP_MARK}{os.getppid()}-x1y2.tmp"
    other = tmp_path / f".v.wt{lensfiles.TEMP_MARK}{dead.pid}-x1y2.tmp"
    for p in (stale, live, other):
        p.write_bytes(b"half a save")
    net("saveWeights w.wt")
    assert not stale.exists()
    assert live.exists() and other.exists()     # a running save; another file's


def test_a_killed_save_never_truncates_the_file(tmp_path):
    """kill -9 in the middle of writing a large weight file: the old file is
    whole, only a temporary file (named after it) remains."""
    (tmp_path / "w.wt").write_bytes(b"old")
    script = ("addNet n 300 300 300; puts go; flush stdout; "
              "while 1 {saveWeights w.wt -text}")
    env = dict(os.environ, PYTHONPATH=ROOT)
    p = subprocess.Popen([sys.executable, "-m", "lens_py", "-c", script], cwd=tmp_path,
                         stdout=subprocess.PIPE, env=env)
    assert p.stdout.readline() == b"go\n"
    import time
    for _ in range(200):
        if any(lensfiles.TEMP_MARK in q.name for q in tmp_path.iterdir()):
            break
        time.sleep(0.05)
    p.kill()
    p.wait()
    data = (tmp_path / "w.wt").read_bytes()
    assert data == b"old" or data.startswith(b"1431655766\n")
    if data != b"old":
        lines = data.split(b"\n")
        assert len(lines) == 4 + int(lines[1]) + 1        # whole: header + every link


# -- readers -------------------------------------------------------------------------------------

def _gz(tmp_path, name, text, damage):
    data = bytearray(gzip.compress(text.encode()))
    damage(data)
    (tmp_path / name).write_bytes(bytes(data))
    return name


@pytest.mark.parametrize("damage,message", [
    (lambda d: d.__delitem__(slice(len(d) // 2, None)), "is truncated"),
    (lambda d: d.__setitem__(-6, d[-6] ^ 0xFF), "is corrupt: CRC check failed"),
    (lambda d: d.__setitem__(slice(2, 4), b"\xff\xff"), "is corrupt"),
])
def test_corrupt_compressed_files_are_clean_errors(net, tmp_path, damage, message):
    ex = _gz(tmp_path, "bad.ex.gz", ";\n" + "I: 1 0 T: 1;\n" * 500, damage)
    with pytest.raises(TclError, match=message):
        net(f"loadExamples {ex} -set bad")
    assert "bad" not in net("useTrainingSet")
    net("saveWeights good.wt -text")
    wt = _gz(tmp_path, "bad.wt.gz", (tmp_path / "good.wt").read_text(), damage)
    before = net("getObj hidden:0.incoming(0).weight")
    with pytest.raises(TclError, match="standardLoadWeights: .*" + message):
        net(f"loadWeights {wt}")
    assert net("getObj hidden:0.incoming(0).weight") == before


def _bex(num_examples, num_events=1, units=None):
    out = struct.pack(">Ii", 0xAAAAAAAA, 4) + b"\0" + struct.pack(">7f", 1, 0, 0, 0, 1, 0, 1)
    out += struct.pack(">i", num_examples)
    out += b"\0\0" + struct.pack(">fi", 1.0, num_events) + struct.pack(">i", 0)
    if units is None:
        return out + struct.pack(">ii", 0, 0)
    return out + struct.pack(">iii", 1, 1, 0) + struct.pack(">i", 1) + b"\0" + \
        struct.pack(">i", units) + b"\0" + struct.pack(">i", 0)


@pytest.mark.parametrize("name,data,message", [
    ("a.bex", _bex(2 ** 31 - 1), r"numExamples \(2147483647\) needs more than the \d+ bytes"),
    ("b.bex", _bex(1, 2 ** 31 - 1), r"numEvents \(2147483647\) is more than lens_py allows "
                                    r"in one example \(1048576\)"),
    ("c.bex", _bex(1, 1, 2 ** 31 - 1), r"range numUnits \(2147483647\) needs more than"),
    ("d.ex", b";\n100000000000\nI: 1;\n", r"d.ex:2: num-events \(100000000000\) is larger"),
    ("e.ex", b";\n2000000 I: 1;\n", r"num-events \(2000000\) is more than lens_py allows"),
    ("f.ex", b";\n1048577 I: 1;\n", r"num-events \(1048577\) is more than lens_py allows"),
])
def test_impossible_counts_are_refused_at_once(net, tmp_path, name, data, message):
    (tmp_path / name).write_bytes(data)
    with pytest.raises(TclError, match=message):
        net(f"loadExamples {name} -set huge")
    assert "huge" not in net("useTrainingSet")


@pytest.mark.parametrize("size,message", [
    ("99999999999999999999", r"\(99999999999999999999\) is larger than 2147483647"),
    ("2000000000", r"\(2000000000\) would need .* GB of memory"),
])
def test_add_group_refuses_more_units_than_can_exist(net, size, message):
    with pytest.raises(TclError, match="addGroup: the number of units " + message):
        net(f"addGroup h {size}")
    assert net("getObj numGroups") == "4"


def test_a_value_beyond_float32_is_inf_without_a_warning(net, tmp_path):
    (tmp_path / "f.ex").write_text(";\nI: 1e39 -1e39\nT: 1;\nI: (0) 1e39 -1e39 T: 3.5e38;\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net("loadExamples f.ex -set f")
    assert net("getObj f.example(0).event(0).input.val(0)") == "inf"
    assert net("getObj f.example(0).event(0).input.val(1)") == "-inf"
    assert net("getObj f.example(1).event(0).input.val(1)") == "-inf"
    assert net("getObj f.example(1).event(0).target.val(0)") == "inf"


# -- a failed load changes nothing --------------------------------------------------------------

def test_a_failed_load_of_a_missing_file_creates_no_set(net, tmp_path):
    with pytest.raises(TclError, match='couldn\'t open the file "typo.ex"'):
        net("loadExamples typo.ex -set fresh")
    assert net("getObj numExampleSets") == "1"
    (tmp_path / "ok.ex").write_text(";\nI: 1 0 T: 1;\nI: 0 1 T: 1;\n")
    net("loadExamples ok.ex -set fresh")
    assert net("getObj fresh.numExamples") == "2"


@pytest.mark.parametrize("mode", ["REPLACE", "APPEND"])
@pytest.mark.parametrize("bad", ["typo.ex", "broken.ex", "trunc.ex.gz"])
def test_a_failed_load_into_an_existing_set_leaves_it_as_it_was(net, tmp_path, mode, bad):
    (tmp_path / "broken.ex").write_text("actI:0.5;\nI: 1 0 T: 1;\nI: 0 1 T: oops;\n")
    (tmp_path / "trunc.ex.gz").write_bytes(gzip.compress(b";\n" + b"I: 1 0 T: 1;\n" * 99)[:40])
    before = (net("getObj xor.numExamples"), net("getObj xor.activeInput"),
              net("getObj xor.example(3).name"))
    with pytest.raises(TclError):
        net(f"loadExamples {bad} -set xor -mode {mode}")
    after = (net("getObj xor.numExamples"), net("getObj xor.activeInput"),
             net("getObj xor.example(3).name"))
    assert after == before
    assert net("useTrainingSet") == '"xor"'


def test_clock_format_of_a_date_beyond_the_c_library_is_a_tcl_error(lens):
    """tclsh formats year 5645357; lens_py says it cannot, without a traceback."""
    assert lens("clock format 0 -gmt 1") == "Thu Jan 01 00:00:00 GMT 1970"
    with pytest.raises(TclError, match='clock value "99999999999999999" is beyond the dates'):
        lens("clock format 99999999999999999 -gmt 1")
