"""Every example file of the Lens distribution (../shared/lens-examples) loads,
with counts derived here by a separate simple scan or known facts; each one
survives saveExamples → loadExamples in text and binary form; and xor.ex
reproduces the original Lens's golden xor run when trained."""
import gzip
import io
import math
import os
import re
from collections import Counter

import numpy as np
import pytest

import lens_examples
from lens_py.engine.examples import load_examples, save_examples
from lens_py.engine.rng import LensRandom
from lens_py.engine.session import Session

FOLDER = str(lens_examples.FOLDER) if lens_examples.FOLDER is not None else ""
pytestmark = pytest.mark.skipif(not FOLDER, reason="no lens-examples folder")

TEXT_FILES = sorted(f for f in (os.listdir(FOLDER) if os.path.isdir(FOLDER) else [])
                    if f.endswith((".ex", ".ex.gz")))
BINARY_FILES = ["hand-digits.trn.bex.gz", "hand-digits.tst.bex.gz"]
# Files whose set header ends with a `;` (read off the files by eye).
HEADER_SEMICOLON = {"crazyxor.ex", "jets-n-sharks.ex", "on-off.ex", "on-off2.ex",
                    "rand10x40b.ex", "recoder.ex", "xor.ex"}
# UCI optdigits: examples per digit in the training and test files.
OPTDIGITS = {"hand-digits.trn.bex.gz": [376, 389, 380, 389, 387, 376, 377, 387, 380, 382],
             "hand-digits.tst.bex.gz": [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]}


def read_text(name):
    path = os.path.join(FOLDER, name)
    if name.endswith(".gz"):
        with gzip.open(path, "rt") as f:
            return f.read()
    with open(path) as f:
        return f.read()


def scan_counts(name):
    """(examples, events) by a plain scan: drop comment lines and {…}/"…"
    blocks, count `;`, and take a bare integer before any data as the event count."""
    body = "\n".join(line for line in read_text(name).splitlines() if not line.startswith("#"))
    body = re.sub(r"\{[^{}]*\}", " ", body)
    body = re.sub(r'"[^"]*"', " ", body)
    chunks = body.split(";")[:-1]
    if name in HEADER_SEMICOLON:
        chunks = chunks[1:]
    events = 0
    for chunk in chunks:
        count = 1
        for tok in chunk.split():
            if tok[0] in "[" or (len(tok) > 1 and tok[0] in "IiTtBb" and tok[1] == ":"):
                break
            if tok.isdigit():
                count = int(tok)
                break
        events += count
    return len(chunks), events


def new_session():
    s = Session(write=io.StringIO().write)
    s.run_script = lambda text: ""
    return s


def load(name, s=None):
    s = s or new_session()
    set_name = load_examples(s, os.path.join(FOLDER, name))
    return s.sets[set_name]


def real(x):
    return "nan" if math.isnan(x) else float(x)


def canon_ranges(ranges):
    if not ranges:
        return None
    return tuple((r.group_name or None, r.sparse, r.first_unit if not r.sparse else None,
                  tuple(r.units) if r.sparse else tuple(real(v) for v in r.val),
                  real(r.value) if r.sparse else None) for r in ranges)


def canon(exset):
    head = (exset.proc or None,) + tuple(real(getattr(exset, k)) for k in (
        "max_time", "min_time", "grace_time", "default_input", "active_input",
        "default_target", "active_target"))
    body = []
    for ex in exset.examples:
        evs = tuple((ev.proc or None,) + tuple(real(getattr(ev, k)) for k in (
            "max_time", "min_time", "grace_time", "default_input", "active_input",
            "default_target", "active_target")) + (canon_ranges(ev.input),
                                                   canon_ranges(ev.target))
            for ev in ex.events)
        body.append((ex.name or None, real(ex.frequency), ex.proc or None, evs))
    return head, body


# -- loading -----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TEXT_FILES)
def test_text_file_counts(name):
    e = load(name)
    examples, events = scan_counts(name)
    assert len(e.examples) == examples > 0
    assert e.num_events == events
    assert [x.num for x in e.examples] == list(range(examples))


@pytest.mark.parametrize("name", BINARY_FILES)
def test_binary_file_known_facts(name):
    e = load(name)
    labels = Counter(int(x.name) for x in e.examples)
    assert [labels[d] for d in range(10)] == OPTDIGITS[name]
    assert e.num_events == len(e.examples)
    for ex in e.examples[:300]:
        (rin,), (rout,) = ex.events[0].input, ex.events[0].target
        assert not rin.sparse and rin.first_unit == 0 and len(rin.val) == 64
        assert np.all(rin.val * 16 == np.round(rin.val * 16)) and rin.val.max() <= 1
        assert rout.sparse and rout.units == [int(ex.name)] and rout.value == 1.0


def test_crazyxor_facts():
    e = load("crazyxor.ex")
    assert (e.max_time, e.min_time) == (2.0, 0.5) and "setTime -i 3" in e.proc
    ex = e.examples
    assert [x.name for x in ex] == ["0 0", "0 1", "1-0", "1 1"]
    assert [x.frequency for x in ex] == [float(np.float32(2.7)), 4.5, 1.0, 1.0]
    assert ex[0].events[1].proc == 'puts "starting the second event"'
    assert ex[1].events[0].max_time == 3.5
    assert [len(x.events) for x in ex] == [2, 1, 2, 3]
    assert ex[3].events[1].input is ex[3].events[0].input
    assert ex[3].events[2].input is None and ex[3].events[2].target is ex[3].events[0].target


# -- round trips ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", TEXT_FILES + BINARY_FILES)
@pytest.mark.parametrize("binary", [False, True])
def test_save_and_reload_gives_identical_content(tmp_path, name, binary):
    original = load(name)
    out = tmp_path / ("copy.bex" if binary else "copy.ex")
    save_examples(original, str(out), binary=binary)
    if binary:
        assert out.read_bytes()[:4] == b"\xaa\xaa\xaa\xaa"
    again = new_session()
    copy = again.sets[load_examples(again, str(out))]
    assert canon(copy) == canon(original)
    if binary:                      # .bex keeps which events share ranges
        for a, b in zip(original.examples, copy.examples):
            assert [(v.shared_inputs, v.shared_targets) for v in a.events] == \
                   [(v.shared_inputs, v.shared_targets) for v in b.events]


def test_saved_text_reads_like_lens_writes_it(tmp_path):
    e = load("crazyxor.ex")
    save_examples(e, str(tmp_path / "c.ex"))
    text = (tmp_path / "c.ex").read_text()
    assert text.startswith('\nproc:{\n  puts "You just loaded the crazy XOR file, beware!"\n'
                           '  setTime -i 3\n}\nmax:2\nmin:0.5;\n')
    assert "name:{0 0}\nproc:{puts \"this one's easy\"}\nfreq:2.7\n2\n[0 max:2 min:1]\n" in text
    assert "name:{1 1}\nproc:{puts \"This is the toughy\"}\n3\n[0 min:1.5]\n[1 min:1.5]\n" \
           "[0-1]\nI: 1 1\n[0 2]\nT: 0\n;\n" in text


def test_append_adds_examples_without_a_header(tmp_path):
    e = load("xor.ex")
    save_examples(e, str(tmp_path / "x.ex"))
    save_examples(e, str(tmp_path / "x.ex"), append=True)
    s = new_session()
    copy = s.sets[load_examples(s, str(tmp_path / "x.ex"))]
    assert len(copy.examples) == 8 and canon(copy)[1] == canon(e)[1] * 2


# -- end to end ---------------------------------------------------------------------------------

@pytest.mark.parametrize("vectorise", [True, False])
def test_xor_ex_reproduces_appendix_a1(vectorise):
    out = io.StringIO()
    s = Session(rng=LensRandom(1), write=out.write)
    net = s.add_net("xor", groups=[(2, []), (2, []), (1, [])])
    net.vectorise = vectorise
    assert load_examples(s, os.path.join(FOLDER, "xor.ex")) == "xor"
    assert net.training_set is s.sets["xor"] and net.testing_set is None
    s.train(25, report=5)
    assert out.getvalue() == (
        "Performing 25 updates using Doug's Momentum...\n"
        "__Update____Error___UnitCost__Wgt.Cost__Grad.Lin__TimeUsed__TimeLeft__\n"
        "      5)   2.78322   0.00000   1.29855   0.90686        0s        0s\n"
        "     10)   2.90196   0.00000   1.30927   0.70177        0s        0s\n"
        "     15)   2.78833   0.00000   1.24605  -0.93532        0s        0s\n"
        "     20)   2.80032   0.00000   1.20409   0.93808        0s        0s\n"
        "     25)   2.78559   0.00000   1.20872  -0.85653        0s        0s\n")
    text, _ = s.test(return_text=True)
    assert "Error total:         2.79056" in text and "Error per example:   0.69764" in text


def test_num_limits_a_binary_load():
    s = new_session()
    name = load_examples(s, os.path.join(FOLDER, "hand-digits.tst.bex.gz"), num=25)
    e = s.sets[name]
    assert len(e.examples) == 25 and e.examples[24].num == 24
    full = load("hand-digits.tst.bex.gz")
    assert canon(e)[1] == canon(full)[1][:25]
