"""Open Tcl channels as Lens file names (`-$f`, `-stdout`, `-`): every command
that takes a file writes into (or reads from) the channel, between what the
script itself writes there, flushes it and leaves it open; the bytes are the
ones the same command writes to a named file, and the original Lens's
(run when it is built at /tmp/lensref/bin/alens)."""
import os
import shutil
import subprocess

import pytest

import lens_examples
from lens_py.shell.errors import TclError

LENS = os.environ.get("LENS_REF", "/tmp/lensref/bin/alens")
PROC = "proc show args {return \"[join $args { }]\\n\"}"

# (command writing to F, Lens can run it) -- each is run once into a named
# file and once into a channel between two lines the script writes itself.
WRITERS = [
    "saveWeights {F}",
    "saveWeights {F} -text",
    "saveWeights {F} -values 3",
    "saveExamples xor {F}",
    "saveExamples xor {F} -binary",
    "saveExamples xor {F} -append",
    "printUnitValues {F} show {hidden output}",
    "printLinkValues {F} show hidden output",
    "resetExampleSets *; openNetOutputFile {F}; test 2; closeNetOutputFile",
    "resetExampleSets *; openNetOutputFile {F} -binary; test 2; closeNetOutputFile",
]


@pytest.fixture
def net(lens, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shutil.copy(lens_examples.xor(), tmp_path / "xor.ex")
    lens(f"seed 1; addNet n 2 2 1; loadExamples xor.ex; {PROC}")
    return lens


@pytest.mark.parametrize("command", WRITERS + ["saveParameters {F}"])
def test_a_channel_gets_the_bytes_a_named_file_gets(net, tmp_path, command):
    net(command.replace("{F}", "named.out"))
    net("set f [open chan.out w]; puts $f before")
    net(command.replace("{F}", "-$f"))
    net("puts $f after; close $f")
    named = (tmp_path / "named.out").read_bytes()
    assert (tmp_path / "chan.out").read_bytes() == b"before\n" + named + b"after\n"


def test_no_file_named_after_the_channel_is_made(net, tmp_path):
    net("set f [open out.txt w]; printUnitValues -$f show output; close $f")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt", "xor.ex"]
    assert (tmp_path / "out.txt").read_text() == "group(3) group(3).unit(0)\n"


def test_the_channel_stays_open_and_flushed(net, tmp_path):
    net("set f [open w.wt w]; saveWeights -$f -text")
    assert (tmp_path / "w.wt").read_text().startswith("1431655766\n9\n1\n0\n")
    net("puts $f more; close $f")
    assert (tmp_path / "w.wt").read_text().endswith("more\n")


def test_reading_from_channels(net, tmp_path):
    net("saveWeights w.wt; set before [getObj hidden:0.incoming(0).weight]; randWeights")
    net("set f [open w.wt r]; loadWeights -$f; close $f")
    assert net("getObj hidden:0.incoming(0).weight") == net("set before")
    net("set f [open xor.ex r]; loadExamples -$f -set viaChannel; close $f")
    assert net("getObj viaChannel.numExamples") == "4"
    net("set f [open xor.ex r]; loadExamples -$f; close $f")
    assert "{-file" in net("exampleSetMode *")      # the default name is the word, as in Lens


def test_standard_channels(net):
    net("saveWeights -stdout -text")
    assert net.out.getvalue().startswith("1431655766\n9\n1\n0\n")
    n = len(net.out.getvalue())
    net("printUnitValues - show output")
    assert net.out.getvalue()[n:] == "group(3) group(3).unit(0)\n"


@pytest.mark.parametrize("command,message", [
    ("saveWeights -nosuch", 'standardSaveWeights: couldn\'t open the file "-nosuch"'),
    ("set g [open xor.ex r]; saveWeights -$g", 'standardSaveWeights: couldn\'t open the file "-file'),
    ("set g [open w.out w]; loadWeights -$g", 'standardLoadWeights: couldn\'t open the file "-file'),
    ("set g [open w.out w]; loadExamples -$g", 'readExampleSet: couldn\'t open the file "-file'),
    ("printUnitValues -nosuch show output", "printUnitValues: couldn't write to the file -nosuch"),
    ("printLinkValues -nosuch show hidden output",
     "printLinkValues: couldn't write to the file -nosuch"),
    ("openNetOutputFile -nosuch", 'openNetOutputFile: couldn\'t open the file "-nosuch"'),
    ("saveExamples xor -nosuch", 'writeExampleFile: couldn\'t open the file "-nosuch"'),
    ("saveParameters -nosuch", 'saveParameters: couldn\'t open the file "-nosuch"'),
])
def test_a_channel_that_cannot_be_used_is_an_error(net, tmp_path, command, message):
    with pytest.raises(TclError) as e:
        net(command)
    assert e.value.message.startswith(message)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("-")]


def test_a_channel_closed_while_the_output_file_uses_it(net):
    net("set f [open out.txt w]; openNetOutputFile -$f; close $f")
    with pytest.raises(TclError, match="writeExample: couldn't write the file \"-file"):
        net("test 1")


# -- the original Lens -------------------------------------------------------------------------

@pytest.mark.skipif(not os.path.exists(LENS), reason="the original Lens is not built here")
def test_the_bytes_are_the_original_lens_bytes(tmp_path):
    """The same script through both programs: every file written into a
    channel is byte for byte Lens's (saveParameters aside: lens_py writes
    fields of its own, issue 12)."""
    shutil.copy(lens_examples.xor(), tmp_path / "xor.ex")
    lines = ["seed 1", "addNet n 2 2 1", "loadExamples xor.ex", PROC]
    for k, command in enumerate(WRITERS):
        lines += [f"set f [open out{k}.txt w]", f"puts $f before{k}",
                  command.replace("{F}", "-$f"), f"puts $f after{k}", "close $f"]
    lines += ["set f [open out0.txt r]", "loadWeights -$f", "close $f",
              "puts [getObj hidden:0.incoming(1).weight]"]
    (tmp_path / "run.in").write_text("\n".join(lines) + "\n")
    results = {}
    for who, argv in (("lens", [LENS, "run.in"]),
                      ("lens_py", [os.sys.executable, "-m", "lens_py", "run.in"])):
        folder = tmp_path / who
        folder.mkdir()
        for name in ("xor.ex", "run.in"):
            shutil.copy(tmp_path / name, folder / name)
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(__file__)))
        out = subprocess.run(argv, cwd=folder, capture_output=True, text=True, env=env,
                             timeout=120)
        results[who] = (out.stdout.splitlines()[-1],
                        {k: (folder / f"out{k}.txt").read_bytes() for k in range(len(WRITERS))})
    lens_last, lens_files = results["lens"]
    ours_last, our_files = results["lens_py"]
    assert ours_last == lens_last
    for k, command in enumerate(WRITERS):
        if "openNetOutputFile" in command:
            # Lens writes stale histories of groups that keep none: the
            # records must have the same shape
            if "-binary" in command:
                assert len(our_files[k]) == len(lens_files[k]), command
            else:
                shape = [[len(line.split()) for line in f[k].splitlines()]
                         for f in (our_files, lens_files)]
                assert shape[0] == shape[1], command
        else:
            assert our_files[k] == lens_files[k], command
