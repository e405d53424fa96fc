"""Training from a generator process (PIPE mode) through the shell: the
stream gives the same numbers as the same examples stored in a file; a
generator that dies or writes garbage stops training with a clear error and
the network keeps the weights of its last completed update."""
import io
import sys
from pathlib import Path

import pytest

from lens_py.assemble import make_interp
from lens_py.shell.errors import TclError

GEN = Path(__file__).resolve().parents[1] / "scripts" / "gen_examples.py"


def shell(tmp_path):
    out = io.StringIO()
    interp = make_interp(stdout=out, stderr=io.StringIO())
    interp.eval(f"cd {{{tmp_path}}}")
    return interp, out


def pipe(args: str) -> str:
    return f'"|{sys.executable} {GEN} {args}"'


def weights(interp):
    return [interp.eval(f"getObj output:0.incoming({k}).weight") for k in range(3)] + \
        [interp.eval(f"getObj hidden:1.incoming({k}).weight") for k in range(3)]


def test_pipe_training_matches_the_stored_examples(tmp_path):
    # The generator cycles through the four XOR patterns; the same four stored
    # in a file and taken in order give the same weights, update for update.
    (tmp_path / "xor.ex").write_text(
        "".join("name:{g%d} I: %d %d T: %d;\n" % (k, k >> 1, k & 1, (k >> 1) ^ (k & 1))
                for k in range(4)))
    a, _ = shell(tmp_path)
    a.eval(f"seed 3; addNet x 2 2 1; loadExamples {pipe('')} -s gen -m PIPE")
    a.eval("setObj batchSize 4; setObj reportInterval 0; train 30")
    b, _ = shell(tmp_path)
    b.eval("seed 3; addNet x 2 2 1; loadExamples xor.ex")
    b.eval("setObj batchSize 4; setObj reportInterval 0; train 30")
    assert weights(a) == weights(b)
    assert a.eval("getObj error") == b.eval("getObj error")


def test_pipe_needs_a_batch_size(tmp_path):
    interp, _ = shell(tmp_path)
    interp.eval(f"addNet x 2 2 1; loadExamples {pipe('')} -m PIPE")
    with pytest.raises(TclError, match="non-zero batch size"):
        interp.eval("train 1")


def test_generator_that_exits_early_stops_training_cleanly(tmp_path):
    interp, _ = shell(tmp_path)
    interp.eval(f"seed 1; addNet x 2 2 1; loadExamples {pipe('--exit-after 10')} -m PIPE")
    interp.eval("setObj trainingSet.pipeLoop 0")
    interp.eval("setObj batchSize 4; setObj reportInterval 0")
    interp.eval("train 2")                     # 8 examples: fine
    kept = weights(interp)
    with pytest.raises(TclError, match="exhausted the pipe"):
        interp.eval("train 1")                 # needs examples 9..12
    assert weights(interp) == kept
    assert interp.eval("getObj totalUpdates") == "2"


def test_generator_writing_garbage_names_the_line(tmp_path):
    interp, _ = shell(tmp_path)
    interp.eval(f"seed 1; addNet x 2 2 1; loadExamples {pipe('--malformed 6')} -m PIPE")
    interp.eval("setObj batchSize 4; setObj reportInterval 0")
    interp.eval("train 1")
    kept = weights(interp)
    with pytest.raises(TclError, match=r":\d+: ") as err:
        interp.eval("train 1")
    assert "gen_examples.py" in str(err.value) or "|" in str(err.value)
    assert weights(interp) == kept
