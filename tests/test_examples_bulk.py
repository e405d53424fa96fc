"""The text reader's bulk path (engine/examples/bulkread.py, numbers.py) reads
every file exactly as the character-level port of Lens's parser does: same
examples, events, values (bit for bit, NaN and -0 included), names,
frequencies, and the same error at the same line.  Checked on texts made of
plain examples, near misses of the plain shapes and outright errors, read
whole and in chunks so small that examples straddle chunk boundaries."""
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lens_py.engine.examples import ExampleFileError, load_examples
from lens_py.engine.examples import numbers, reader
from lens_py.engine.examples import textsource
from lens_py.engine.session import Session


def canon(exset):
    """Everything a loaded set holds, with float32 values as bit patterns."""
    def ranges(rs):
        if rs is None:
            return None
        return [(r.group_name, r.first_unit, np.float32(r.value).tobytes(),
                 None if r.units is None else list(r.units),
                 None if r.val is None else r.val.tobytes()) for r in rs]
    out = []
    for ex in exset.examples:
        events = [(ranges(ev.input), ranges(ev.target), ev.shared_inputs, ev.shared_targets,
                   [np.float32(getattr(ev, k)).tobytes() for k in
                    ("max_time", "min_time", "grace_time", "default_input", "active_input",
                     "default_target", "active_target")], ev.proc)
                  for ev in ex.events]
        out.append((ex.name, np.float32(ex.frequency).tobytes(), ex.proc, events))
    return out


def load(path, bulk: bool, chunk=None, monkeypatch=None):
    with monkeypatch.context() as m:
        if not bulk:
            m.setattr(reader, "read_plain_examples", lambda *a: None)
        if chunk:
            m.setattr(textsource, "CHUNK", chunk)
        s = Session()
        s.run_script = lambda text: ""
        try:
            return canon(s.sets[load_examples(s, str(path), set_name="x")])
        except ExampleFileError as e:
            return ("error", e.what, e.line)


def both_agree(path, monkeypatch, chunks=(None, 7, 64)):
    want = load(path, False, monkeypatch=monkeypatch)
    for chunk in chunks:
        assert load(path, True, chunk, monkeypatch) == want, chunk
    return want


# -- pieces of example text ---------------------------------------------------------------

values = st.one_of(
    st.sampled_from(["0", "1", "-", "0.5", "-0", "-0.25", ".5", "5.", "00.10", "-.75",
                     "1e3", "2.5E-3", "1e+2", "3.4028236e38", "1e39", "-1e39", "1e-50",
                     "123456789012345678", "0.1000000000000000055511151231257827"]),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: "%.6g" % x),
    st.integers(0, 10 ** 17).map(str))
# things that look almost like values: each must be refused by the bulk path
near_values = st.sampled_from(["1.2.3", "1-", "+1", ".", "-.", "1e", "e5", "--1", "1-2",
                               "5x", "1,2", "0T:", "1e+", "#", "-}", "1}", "inf", "nan"])
blank = st.sampled_from([" ", "  ", "\t", "\n", " \n ", "\r\n", "\n\n", "\v", "\f"])


@st.composite
def run(draw, near):
    items = draw(st.lists(values, min_size=0 if near else 1, max_size=6))
    if near and draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), draw(near_values))
    seps = [draw(blank) for _ in items]
    return "".join(s + v for s, v in zip(seps, items))


@st.composite
def units(draw, near):
    items = [str(u) for u in draw(st.lists(st.integers(0, 20), min_size=1, max_size=5))]
    if near and draw(st.booleans()):
        items.insert(draw(st.integers(0, len(items))), draw(st.sampled_from(
            ["-3", "*", "1.5", "+2", "x"])))
    return "".join(draw(blank) + u for u in items)


@st.composite
def example(draw, near=False):
    parts = []
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["name:{e1}", "name: {a b}", "name:x7", "name:{}",
                                           "name:\n{two}", "name:{a;b}", "name:#h",
                                           "name:{\"q\"}", "name:{x{y}}"])))
    if draw(st.booleans()):
        parts.append(draw(st.sampled_from(["freq:2", "freq: 0.5", "freq:.25", "freq:3.",
                                           "freq:-1", "freq:1e1"])))
    for letter in ("I", "T"):
        kind = draw(st.sampled_from(["none", "dense", "sparse"]))
        if kind == "dense":
            parts.append(letter + ":" + draw(run(near)))
        elif kind == "sparse":
            parts.append(letter.lower() + ":" + draw(units(near)))
    if near and draw(st.booleans()):
        parts.insert(draw(st.integers(0, len(parts))), draw(st.sampled_from(
            ["2", "[0]", "proc:{puts x}", "B: 1 0", "I:(1) 1", "{g} 1", "# c\n", "\n#x\n"])))
    return draw(blank).join(parts) + draw(st.sampled_from([";", " ;", "\n;", ";;"]))


@st.composite
def example_file(draw):
    header = draw(st.sampled_from([";", "", "actI:0.9;", "defT: -;", "3 2\n;"]))
    examples = draw(st.lists(st.one_of(example(), example(near=True)), min_size=1,
                             max_size=8))
    text = header + "\n" + "".join(e + draw(blank) for e in examples)
    if draw(st.booleans()):
        lines = text.split("\n")
        lines.insert(draw(st.integers(0, len(lines))), "# a comment")
        text = "\n".join(lines)
    return text


@settings(max_examples=int(os.environ.get("BULK_EXAMPLES", 400)), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(example_file())
def test_bulk_and_port_read_every_text_alike(tmp_path, monkeypatch, text):
    path = tmp_path / "f.ex"
    path.write_text(text)
    both_agree(path, monkeypatch)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(example(), min_size=1, max_size=30))
def test_plain_examples_take_the_bulk_path(tmp_path, monkeypatch, examples):
    """Texts of plain examples only are read whole by the bulk path (the port
    is never asked) and still agree with the port."""
    path = tmp_path / "p.ex"
    path.write_text(";\n" + "\n".join(examples) + "\n")
    want = load(path, False, monkeypatch=monkeypatch)
    if want[0] == "error":
        return                  # e.g. `;;`: an empty example is not plain
    calls = []
    with monkeypatch.context() as m:
        slow = reader.TextParser._read_example
        m.setattr(reader.TextParser, "_read_example",
                  lambda self, ex: calls.append(1) or slow(self, ex))
        assert load(path, True, None, monkeypatch) == want
    # An example with nothing before its `;` is read by the port alone.
    plain = all(e.replace(";", "").strip() and ";;" not in e
                and "name:{a;b}" not in e and "name:#" not in e
                and "name:\n" not in e and "{x{y}}" not in e and '"q"' not in e
                and "freq:-" not in e and "freq:1e" not in e for e in examples)
    if plain:
        assert calls == []


def test_values_bit_for_bit_against_the_port(tmp_path, monkeypatch):
    rng = np.random.default_rng(5)
    lines = [";"]
    for k in range(300):
        xs = rng.standard_normal(40) * 10.0 ** rng.integers(-8, 8, 40)
        toks = ["%.*g" % (int(rng.integers(1, 18)), x) for x in xs]
        toks[int(rng.integers(0, 40))] = "-"
        lines.append("name:{e%d} I: %s\nT: %s;" % (k, " ".join(toks[:30]), " ".join(toks[30:])))
    path = tmp_path / "v.ex"
    path.write_text("\n".join(lines) + "\n")
    got = both_agree(path, monkeypatch, chunks=(None, 1000))
    assert len(got) == 300


def test_the_batch_parse_and_the_run_by_run_parse_agree():
    rng = np.random.default_rng(2)
    toks = []
    for _ in range(20000):
        d = int(rng.integers(1, 19))
        s = "".join(map(str, rng.integers(0, 10, d)))
        f = int(rng.integers(0, d + 1))
        if rng.random() < .7:
            s = s[:d - f] + "." + s[d - f:]
        if rng.random() < .3:
            s = "-" + s
        toks.append("-" if rng.random() < .03 else s)
    text = " ".join(toks)
    spans, at = [], 0
    for k in range(0, len(toks), 37):
        run = " ".join(toks[k:k + 37])
        spans.append((at, at + len(run)))
        at += len(run) + 1
    together = numbers.parse_runs(text, spans)
    one_by_one = numbers._parse_one_by_one(text, spans)
    assert together[1:] == one_by_one[1:] == ([len(toks[k:k + 37]) for k in range(0, len(toks), 37)],
                                              len(spans))
    assert together[0].tobytes() == one_by_one[0].tobytes()
    ref = np.array([math.nan if t == "-" else float(t) for t in toks]).astype(np.float32)
    assert together[0].tobytes() == ref.tobytes()


@pytest.mark.parametrize("bad", ["1.2.3", "1-", ".", "-.", "--1", "5-5", "+1", "1e", "1e+"])
def test_a_token_lens_reads_otherwise_is_refused(bad):
    text = "1 2 " + bad + " 3"
    assert numbers.parse_runs(text, [(0, 3), (4, len(text))])[2] == 1


def test_an_example_split_over_reads_of_a_pipe(tmp_path, monkeypatch):
    """A reader of a slow pipe sees an example arrive in pieces; the bulk path
    waits for its `;` and the rest of its line."""
    script = tmp_path / "slow.py"
    script.write_text("import sys, time\n"
                      "w = sys.stdout.write\n"
                      "w(';\\nname:{a} I: 1 ')\nsys.stdout.flush(); time.sleep(0.2)\n"
                      "w('0.5\\nT: 1')\nsys.stdout.flush(); time.sleep(0.2)\n"
                      "w(';  \\nI: 2;\\n')\n")
    s = Session()
    e = s.sets[load_examples(s, f"|{os.sys.executable} {script}", set_name="p")]
    assert [ex.name for ex in e.examples] == ["a", None]
    assert e.examples[0].events[0].input[0].val.tolist() == [1.0, 0.5]
    assert e.examples[1].events[0].input[0].val.tolist() == [2.0]


def test_num_stops_the_bulk_path_where_asked(tmp_path):
    path = tmp_path / "n.ex"
    path.write_text(";\n" + "".join("name:{e%d} I: %d 1;\n" % (k, k) for k in range(10)))
    s = Session()
    e = s.sets[load_examples(s, str(path), set_name="n", num=3)]
    assert [ex.name for ex in e.examples] == ["e0", "e1", "e2"]
    assert [ex.num for ex in e.examples] == [0, 1, 2]
