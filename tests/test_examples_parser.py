"""The text example-file grammar, installing events (§2.2) and
loadExamples' naming and load modes (§2.3), checked by installing events into
the flat vectors of a small made-up network and comparing with values worked
out by hand from the file grammar."""
import bz2
import gzip
import io
import math

import numpy as np
import pytest

from lens_py.engine import types as T
from lens_py.engine.examples import (ExampleError, ExampleFileError, default_set_name,
                                     load_examples)
from lens_py.engine.session import Session

NAN = math.nan

# A made-up net: groups in order, flat unit offsets.  net.input[] = task+input
# (9 units), net.output[] = output (3 units).
GROUPS = {"bias": (0, 1), "task": (1, 3), "input": (4, 6), "hidden": (10, 2),
          "output": (12, 3), "Instance": (15, 30)}
INPUT_UNITS = np.arange(1, 10)
OUTPUT_UNITS = np.arange(12, 15)
N_UNITS = 45


def group_units(name):
    if name not in GROUPS:
        return None
    first, size = GROUPS[name]
    return np.arange(first, first + size)


def install(event, inputs=INPUT_UNITS, outputs=OUTPUT_UNITS):
    """(externalInput of net.input[], target of net.output[]) after loading the event."""
    ext = np.full(N_UNITS, -99.0)
    tgt = np.full(N_UNITS, -99.0)
    event.install_inputs(ext, inputs, group_units)
    event.install_targets(tgt, outputs, group_units)
    return ext, tgt


def ins(event, inputs=INPUT_UNITS, outputs=OUTPUT_UNITS):
    return install(event, inputs, outputs)[0][inputs].tolist()


def outs(event, outputs=OUTPUT_UNITS, inputs=INPUT_UNITS):
    return install(event, inputs, outputs)[1][outputs].tolist()


def same(a, b):
    return len(a) == len(b) and all(x == y or (math.isnan(x) and math.isnan(y))
                                    for x, y in zip(a, b))


class Script:
    """Stands in for the shell: records the scripts it is asked to run."""

    def __init__(self):
        self.ran = []

    def __call__(self, text):
        self.ran.append(text)
        return ""


def new_session():
    s = Session(write=io.StringIO().write)
    s.run_script = Script()
    return s


def load(tmp_path, text, name="t.ex", session=None, **kw):
    s = session or new_session()
    path = tmp_path / name
    path.write_text(text)
    set_name = load_examples(s, str(path), **kw)
    return s, s.sets[set_name]


# -- examples of every form the grammar allows ----------------------------------------------------------

def test_dense_inputs_and_targets(tmp_path):
    _, e = load(tmp_path, "I: 0 1 T: 1;")
    ev = e.examples[0].events[0]
    assert ins(ev) == [0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert outs(ev) == [1, 0, 0]


def test_xor_sparse_units_are_on_units(tmp_path):
    _, e = load(tmp_path, ";\ni:1 t:0;\n")
    ev = e.examples[0].events[0]
    assert ins(ev, np.arange(1, 3)) == [0, 1]
    assert outs(ev, np.arange(12, 13)) == [1]


def test_star_sets_every_unit(tmp_path):
    _, e = load(tmp_path, ";\ni:*;")
    ev = e.examples[0].events[0]
    assert ins(ev) == [1] * 9
    assert outs(ev) == [0, 0, 0]


def test_empty_example_is_all_defaults(tmp_path):
    _, e = load(tmp_path, ";\n;\n")
    assert len(e.examples) == 1
    ev = e.examples[0].events[0]
    assert ev.input is None and ev.target is None
    assert ins(ev) == [0] * 9 and outs(ev) == [0, 0, 0]


def test_nine_event_sequence(tmp_path):
    _, e = load(tmp_path, "name: {0 1 2} 9 i:0 t:5 i:1 t:5 i:2 t:0 i:0 t:1 i:1 t:2 "
                          "i:2 t:0 i:0 t:1 i:1 t:2 i:2 t:0;")
    ex = e.examples[0]
    assert ex.name == "0 1 2" and len(ex.events) == 9
    ins_on = [0, 1, 2, 0, 1, 2, 0, 1, 2]
    tgt_on = [5, 5, 0, 1, 2, 0, 1, 2, 0]
    units = np.arange(20, 26)           # a 6-unit input and output layer
    for k, ev in enumerate(ex.events):
        want_in = [0.0] * 6
        want_in[ins_on[k]] = 1.0
        want_out = [0.0] * 6
        want_out[tgt_on[k]] = 1.0
        assert ins(ev, units, units) == want_in
        assert outs(ev, units, units) == want_out


def test_dense_ranges_for_named_groups(tmp_path):
    _, e = load(tmp_path, "I: (task) 1 0 0 (input) 0 0 0 1 1 1 T: 0 0;")
    ev = e.examples[0].events[0]
    assert ins(ev) == [1, 0, 0, 0, 0, 0, 1, 1, 1]
    assert outs(ev) == [0, 0, 0]


def test_sparse_group_range_with_nan_default(tmp_path):
    _, e = load(tmp_path, "min:1 max:10 defI:-;\nname:{Lance-in}\ni:{Instance} 9;")
    assert (e.min_time, e.max_time) == (1.0, 10.0) and math.isnan(e.default_input)
    ev = e.examples[0].events[0]
    ext, _ = install(ev, inputs=np.arange(15, 45))
    want = [NAN] * 30
    want[9] = 1.0
    assert same(ext[15:45].tolist(), want)
    assert math.isnan(ev.default_input)       # copied from the set at parse time


def test_no_targets_anywhere(tmp_path):
    _, e = load(tmp_path, "I: 1 t:{-} *;")
    ev = e.examples[0].events[0]
    assert all(math.isnan(x) for x in outs(ev))


def test_event_count_then_both(tmp_path):
    _, e = load(tmp_path, ";\n2 b:0 t:0;")
    ev0, ev1 = e.examples[0].events
    assert ins(ev0)[0] == 1 and outs(ev0) == [1, 0, 0]
    assert ev0.target is ev0.input and ev0.shared_targets
    assert ins(ev1) == [0] * 9 and outs(ev1) == [1, 0, 0]


def test_event_lists_with_headers(tmp_path):
    _, e = load(tmp_path, "defT: 0.25;\n3 [0-1 min:1.5] I: 1 1 [0 2] T: 0;")
    ev = e.examples[0].events
    assert [v.min_time for v in ev[:2]] == [1.5, 1.5] and math.isnan(ev[2].min_time)
    assert [ins(v)[:2] for v in ev] == [[1, 1], [1, 1], [0, 0]]
    assert [outs(v)[0] for v in ev] == [0, 0.25, 0]
    assert ev[1].input is ev[0].input and ev[1].shared_inputs
    assert ev[2].target is ev[0].target and ev[1].target is None


def test_empty_event_list_means_all_events(tmp_path):
    _, e = load(tmp_path, ";\n2 [] I: 1 0 [1] t:*;")
    ev0, ev1 = e.examples[0].events
    assert ins(ev0)[:2] == [1, 0] and ins(ev1)[:2] == [1, 0]
    assert outs(ev0) == [0, 0, 0] and outs(ev1) == [1, 1, 1]


def test_set_header_fields_and_defaults(tmp_path):
    _, e = load(tmp_path, "min:1 max:10 defI:-;\n;")
    assert (e.min_time, e.max_time, e.grace_time) == (1.0, 10.0, 0.0)
    assert math.isnan(e.default_input)
    assert (e.active_input, e.default_target, e.active_target) == (1.0, 0.0, 1.0)
    _, e = load(tmp_path, "I: 1;")
    assert (e.max_time, e.min_time, e.grace_time, e.default_input, e.active_input,
            e.default_target, e.active_target) == (1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 1.0)


# -- more of the grammar --------------------------------------------------------------------------

def test_header_without_semicolon_ends_at_first_other_token(tmp_path):
    _, e = load(tmp_path, "grace: 2 actI: 0.5 actT: .75 defT: -\ni: 1 t: 1;")
    assert e.grace_time == 2.0 and e.active_input == 0.5
    ev = e.examples[0].events[0]
    assert ins(ev)[1] == 0.5
    assert same(outs(ev), [NAN, 0.75, NAN])


def test_comment_lines_are_skipped_whole(tmp_path):
    _, e = load(tmp_path, "# a comment ; with I: 1 1\n;\n#I: 1 1;\nI: 0 1;\n")
    assert len(e.examples) == 1 and ins(e.examples[0].events[0])[:2] == [0, 1]


def test_indented_hash_is_not_a_comment(tmp_path):
    with pytest.raises(ExampleFileError, match=r"t\.ex:3: missing semicolon or something "
                                               r"unexpected \(# not a comment\)"):
        load(tmp_path, ";\nI: 0 1;\n  # not a comment\n")


def test_legacy_counts_are_thrown_away(tmp_path):
    _, e = load(tmp_path, "9 1\nI: 1 0 T: 1;")
    assert len(e.examples) == 1 and ins(e.examples[0].events[0])[:2] == [1, 0]


def test_legacy_count_swallows_a_leading_event_count(tmp_path):
    # "2 b:0 t:0;" at the very start: the 2 is read as a legacy count.
    with pytest.raises(ExampleFileError, match=r":1: attempted to specify targets for event 1"):
        load(tmp_path, "2 b:0 t:0;")


def test_block_forms_and_bare_words(tmp_path):
    text = ("name:{a {b} c} I: 1;\nname:(x (y)) I: 1;\nname:[p q] I: 1;\n"
            'name:"q r" I: 1;\nname:1-0 I: 1;\nname:{multi\nline} I: 1;\n')
    _, e = load(tmp_path, text)
    assert [x.name for x in e.examples] == ["a {b} c", "x (y)", "p q", "q r", "1-0",
                                             "multi\nline"]


def test_frequency_procs_and_event_headers(tmp_path):
    s = new_session()
    text = ("proc: {set a 1\n  set b 2}\nmax:2 min:0.5;\n"
            "name:{0 0}\nfreq:2.7\nproc: {puts easy}\n2\n[0 max:2 min: 1]\n"
            "[1 max:2.5 proc:{puts second} grace:0.5 defI:0.5 actI:0.25 defT:- actT:0.75]\n"
            "[0] I: 0 0\n[1] i: 1 t: 2;\n")
    _, e = load(tmp_path, text, session=s)
    assert s.run_script.ran == ["set a 1\n  set b 2"]
    assert e.proc == "set a 1\n  set b 2"
    ex = e.examples[0]
    assert ex.frequency == np.float32(2.7) and ex.proc == "puts easy"
    ev0, ev1 = ex.events
    assert (ev0.max_time, ev0.min_time, ev0.proc) == (2.0, 1.0, None)
    assert (ev1.max_time, ev1.grace_time, ev1.proc) == (2.5, 0.5, "puts second")
    assert math.isnan(ev1.min_time)
    assert ins(ev1) == [0.5, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert same(outs(ev1), [NAN, NAN, 0.75])
    assert ins(ev0)[:3] == [0, 0, 0] and outs(ev0) == [0, 0, 0]


def test_sparse_spans_values_and_mode_switches(tmp_path):
    _, e = load(tmp_path, "i: 1 -3 5 {0.5} 6-8 {input 0.25} 0 (task 1) 7 8 T: {output} 2;")
    ev = e.examples[0].events[0]
    # net.input[] units 1,2,3,5 = 1; units 6,7,8 = 0.5; then input group unit 0 (flat
    # 4 = net.input[3]) = 0.25; then task units 1,2 (net.input[1], [2]) = 7, 8
    assert ins(ev) == [0, 7, 8, 0.25, 0, 1, 0.5, 0.5, 0.5]
    assert outs(ev) == [0, 0, 1]
    kinds = [(r.sparse, r.group_name) for r in ev.input]
    assert kinds == [(True, None), (True, None), (True, "input"), (False, "task")]


def test_dense_nan_and_reals(tmp_path):
    _, e = load(tmp_path, "I: - 1e-1 -.5 .25 -2 - T: -;")
    ev = e.examples[0].events[0]
    assert same(ins(ev)[:6], [NAN, float(np.float32(0.1)), -0.5, 0.25, -2.0, NAN])
    assert same(outs(ev), [NAN, 0, 0])


def test_sparse_value_is_the_events_active_value_when_created(tmp_path):
    _, e = load(tmp_path, ";\n2 [1 actI:0.5 actT:0.25] i: 1 t: 2 [0] b: 0;")
    ev0, ev1 = e.examples[0].events
    assert ins(ev1)[1] == 0.5 and outs(ev1)[2] == 0.25
    assert ins(ev0)[0] == 1 and outs(ev0)[0] == 1


def test_dense_both(tmp_path):
    _, e = load(tmp_path, "B: 1 0 1;")
    ev = e.examples[0].events[0]
    assert ins(ev)[:3] == [1, 0, 1] and outs(ev) == [1, 0, 1]


def test_empty_letter_gives_no_range(tmp_path):
    _, e = load(tmp_path, ";\n3 i:0 t:{-} * i: t:1 i: T: 0 1;")
    ev = e.examples[0].events
    assert ev[1].input is None and ins(ev[1]) == [0] * 9
    assert outs(ev[1]) == [0, 1, 0] and outs(ev[2]) == [0, 1, 0]


def test_crlf_lines(tmp_path):
    path = tmp_path / "crlf.ex"
    path.write_bytes(b";\r\nI: 1 0\r\nT: 1;\r\nI: 0 1 T: 0;\r\n")
    s = new_session()
    e = s.sets[load_examples(s, str(path))]
    assert [ins(x.events[0])[:2] for x in e.examples] == [[1, 0], [0, 1]]


def test_unknown_group_is_ignored_and_bad_units_raise(tmp_path):
    _, e = load(tmp_path, "I: (nosuch) 5 5 5 (task) 1;\nI: 1 1 1 1 1 1 1 1 1 1;\n"
                          "i: 9;\ni: {task} 2 -5;\nI: (task 3) 1;\ni: 2 -4 -6;\n")
    assert ins(e.examples[0].events[0])[:3] == [1, 0, 0]
    errors = []
    for ex in e.examples[1:]:
        with pytest.raises(ExampleError) as info:
            ins(ex.events[0])
        errors.append(str(info.value))
    assert errors == ["loadEvent: too many units listed in the dense range",
                      "loadEvent: unit 9 out of range",
                      "loadEvent: span end unit 5 out of range in group task",
                      "loadEvent: unit 3 out of range",
                      "loadEvent: unit -6 out of range"]


# -- malformed files: the message names the file and the exact line -----------------------------

MALFORMED = [
    ("I: 1 0 T: 1\n", 1, "missing semicolon or something unexpected ()"),
    (";\nI: 1 0\nX: 1;\n", 3, "missing semicolon or something unexpected (X: 1;)"),
    ("# c\n# c\nname:{a} 0 I: 1;\n", 3, "num-events (0) must be positive"),
    (";\nI: 1;\n2 [2] I: 1;\n", 3, "event (2) out of range"),
    (";\n3 [2-1] I: 1;\n", 2, "event (1) out of range"),
    (";\n3 [0- ] I: 1;\n", 2, "error reading event range"),
    (";\n2\n[0 foo:1] I: 1;\n", 3, "something unexpected (foo:1] I: 1;) in event header"),
    (";\n2 [0\nmax:x] I: 1;\n", 3, 'missing value after "max:" in event header'),
    ("max: abc;\n", 1, 'missing value after "max:" in the set header'),
    (";\n\n2 [0] I: 1 [0] I: 0;\n", 3, "multiple inputs given for event 0"),
    (";\nI: 1\nI: 0;\n", 3, "attempted to specify inputs for event 1"),
    (";\nT: 1 T: 0;\n", 2, "attempted to specify targets for event 1"),
    (";\n2 [0-1] T: 1\n[1] T: 0;\n", 3, "multiple targets given for event 1"),
    (";\ni: 1 *;\n", 2, "* may only be the first thing in a sparse range"),
    (";\nI: 1;\ni: * 1;\n", 3, "cannot have other units listed after *"),
    (";\ni: 5 -3;\n", 2, "invalid sparse unit range"),
    (";\ni: -3;\n", 2, "invalid sparse unit range"),
    (";\ni: - ;\n", 2, "error reading a sparse unit number"),
    (";\nI: 1 -);\n", 2, "couldn't read dense values"),
    (";\nI: (-) 1;\n", 2, "couldn't read dense first unit"),
    (";\ni: {-)} 1;\n", 2, "couldn't read sparse active value"),
    (";\nname:(a}) I: 1;\n", 2, "error parsing block, unexpected }"),
    (";\nI: 1;\nname:{abc\n\nI: 1;\n", 5, "error reading example name"),
    (";\nI: 1 { ) } 2;\n", 2, "something unexpected () } 2;) in a range header"),
    ("I: 1;\nI: 0;\n;\nI: 1 1 T: 0 # trailing\n;\n", 4,
     "missing semicolon or something unexpected (# trailing)"),
    (";\nproc:{x} I: 1;\n#\n\nI: 2\n", 5, "missing semicolon or something unexpected ()"),
]


@pytest.mark.parametrize("text,line,what", MALFORMED)
def test_malformed_files_name_the_line(tmp_path, text, line, what):
    s = new_session()
    path = tmp_path / "bad.ex"
    path.write_text(text)
    with pytest.raises(ExampleFileError) as info:
        load_examples(s, str(path))
    err = info.value
    assert (err.filename, err.line, err.what) == (str(path), line, what)
    assert str(err) == f"{path}:{line}: {what}"
    assert err.lens_message == f'loadExamples: {what} on line {line} of file "{path}"'
    assert s.sets == {}          # nothing half-built is left behind


def test_empty_file(tmp_path):
    (tmp_path / "empty.ex").write_text("")
    with pytest.raises(ExampleFileError, match="example file empty"):
        load_examples(new_session(), str(tmp_path / "empty.ex"))


def test_set_proc_error_aborts_the_load(tmp_path):
    s = new_session()

    def failing(text):
        raise RuntimeError("proc failed")
    s.run_script = failing
    (tmp_path / "p.ex").write_text("proc: {error x};\nI: 1;\n")
    with pytest.raises(RuntimeError, match="proc failed"):
        load_examples(s, str(tmp_path / "p.ex"))
    assert s.sets == {}


def test_set_proc_sees_the_set_registered(tmp_path):
    s = new_session()
    seen = []
    s.run_script = lambda text: seen.append(sorted(s.sets))
    (tmp_path / "p.ex").write_text("proc: {x};\nI: 1;\n")
    load_examples(s, str(tmp_path / "p.ex"))
    assert seen == [["p"]]


# -- compressed files and names ------------------------------------------------------------------

def test_gzip_and_bzip2_files(tmp_path):
    text = b";\nname:{z} I: 1 0 T: 1;\nI: 0 1 T: 0;\n"
    with gzip.open(tmp_path / "zz.ex.gz", "wb") as f:
        f.write(text)
    (tmp_path / "bb.ex.bz2").write_bytes(bz2.compress(text))
    s = new_session()
    assert load_examples(s, str(tmp_path / "zz.ex.gz")) == "zz"
    assert load_examples(s, str(tmp_path / "bb.ex.bz2")) == "bb.ex.bz2"   # Lens strips only .gz/.Z
    # the try-with-suffix rule: "zz.ex" is read from zz.ex.gz
    assert load_examples(s, str(tmp_path / "zz.ex"), set_name="again") == "again"
    for name in ("zz", "bb.ex.bz2", "again"):
        e = s.sets[name]
        assert [ins(x.events[0])[:2] for x in e.examples] == [[1, 0], [0, 1]]
        assert e.examples[0].name == "z"


@pytest.mark.parametrize("path,name", [
    ("Examples/digits.ex.gz", "digits"), ("a/b/x.ex", "x"), ("a.b.ex", "a.b"),
    ("foo.bex", "foo"), ("foo.ex.Z", "foo"), ("foo.tar", "foo.tar"),
    ("foo.ex.bz2", "foo.ex.bz2"), ("c.ex/", "c"), ("|gen.py a.ex", "|gen.py a"),
    ("hand-digits.trn.bex.gz", "hand-digits.trn")])
def test_default_set_name(path, name):
    assert default_set_name(path) == name


# -- load modes -------------------------------------------------------------------

def test_num_limits_examples(tmp_path):
    _, e = load(tmp_path, ";\nI: 1;\nI: 2;\nI: 3;\n", num=2)
    assert len(e.examples) == 2


def test_existing_set_default_mode_does_nothing_but_sets_exmode(tmp_path):
    s, e = load(tmp_path, "I: 1;\nI: 0;\n")
    e.current = 1
    (tmp_path / "t.ex").write_text("I: 1;\n")
    assert load_examples(s, str(tmp_path / "t.ex")) == "t"
    assert s.sets["t"] is e and len(e.examples) == 2 and e.current == 1
    load_examples(s, str(tmp_path / "t.ex"), ex_mode="PERM")
    assert e.mode == T.PERMUTED and e.current == -1 and len(e.examples) == 2


def test_replace_append_and_roles(tmp_path):
    s = new_session()
    net = s.add_net("n", groups=[(2, []), (1, [])])
    (tmp_path / "a.ex").write_text("I: 1 0;\n")
    (tmp_path / "b.ex").write_text("actI: 0.5;\ni: 1;\ni: 0;\n")
    load_examples(s, str(tmp_path / "a.ex"))
    load_examples(s, str(tmp_path / "b.ex"))
    a, b = s.sets["a"], s.sets["b"]
    assert net.training_set is a and net.testing_set is b
    v = a.version
    load_examples(s, str(tmp_path / "b.ex"), set_name="a", load_mode="APPEND")
    assert s.sets["a"] is a and len(a.examples) == 3 and a.version > v
    assert [x.num for x in a.examples] == [0, 1, 2] and a.active_input == 0.5
    assert ins(a.examples[1].events[0])[:2] == [0, 0.5]
    load_examples(s, str(tmp_path / "a.ex"), set_name="b", load_mode="R")
    assert s.sets["b"] is not b and len(s.sets["b"].examples) == 1
    assert net.testing_set is s.sets["b"] and list(s.sets) == ["a", "b"]
    with pytest.raises(ExampleError, match="invalid mode name: X"):
        load_examples(s, str(tmp_path / "a.ex"), load_mode="X")


def test_failed_append_or_replace_changes_nothing(tmp_path):
    s, e = load(tmp_path, "I: 1;\n")
    (tmp_path / "bad.ex").write_text("max:5;\nI: 1;\nI: 1 X;\n")
    for mode in ("APPEND", "REPLACE"):
        with pytest.raises(ExampleFileError, match="bad.ex:3:"):
            load_examples(s, str(tmp_path / "bad.ex"), set_name="t", load_mode=mode)
        assert s.sets["t"] is e and len(e.examples) == 1 and e.max_time == 1.0


def test_new_set_gets_training_then_testing_role(tmp_path):
    s = new_session()
    net = s.add_net("n", groups=[(2, []), (1, [])])
    for name in ("x", "y", "z"):
        (tmp_path / f"{name}.ex").write_text("I: 1;\n")
        load_examples(s, str(tmp_path / f"{name}.ex"))
    assert net.training_set is s.sets["x"] and net.testing_set is s.sets["y"]
    assert [e.mode for e in s.sets.values()] == [T.ORDERED] * 3


def test_missing_file_message(tmp_path):
    with pytest.raises(ExampleError, match=r'^readExampleSet: couldn\'t open the file ".*nope\.ex"$'):
        load_examples(new_session(), str(tmp_path / "nope.ex"))


def test_invalid_exmode_is_refused_before_loading(tmp_path):
    s = new_session()
    (tmp_path / "a.ex").write_text("I: 1;\n")
    with pytest.raises(ExampleError, match='loadExamples: invalid example mode: "SIDEWAYS"'):
        load_examples(s, str(tmp_path / "a.ex"), ex_mode="SIDEWAYS")
    assert s.sets == {}
    load_examples(s, str(tmp_path / "a.ex"), ex_mode="PIPE")     # no pipe: ignored, as Lens
    assert s.sets["a"].mode == T.ORDERED


# -- the line fast paths read exactly what the token-by-token loop reads -------------------------

TOKENS = ["0", "1", "7", "-", "-1", "-3", ".5", "-.5", "1e3", "2.5e-1", "1-2", "-)", "5.3",
          "x", "{", "}", "{g}", "{0.5}", "*", "(", ")", "(g 1)", "1.", "-}", "12", ";", " ",
          "\n", "0;", "1}", "2\t3", "4.0", "9.25x", "3-", "8e", "6 \t"]


def _outcome(tmp_path, text, fast):
    from lens_py.engine.examples import TextParser
    saved = TextParser._more_values, TextParser._more_units
    if not fast:
        TextParser._more_values = TextParser._more_units = lambda self, items: None
    try:
        _, e = load(tmp_path, text)
        return [[(r.sparse, r.group_name, r.first_unit, None if r.val is None else
                  [("nan" if math.isnan(v) else float(v)) for v in r.val], r.units)
                 for r in (ev.input or []) + (ev.target or [])]
                for ex in e.examples for ev in ex.events]
    except ExampleError as err:
        return str(err)
    finally:
        TextParser._more_values, TextParser._more_units = saved


def test_fast_paths_match_the_token_loop(tmp_path):
    hypothesis = pytest.importorskip("hypothesis")
    st = hypothesis.strategies

    @hypothesis.settings(max_examples=300, deadline=None, derandomize=True)
    @hypothesis.given(st.sampled_from(["I:", "i:", "T:", "t:", "B:", "b:"]),
                      st.lists(st.sampled_from(TOKENS), max_size=12))
    def check(letter, tokens):
        text = ";\n" + letter + " " + " ".join(tokens) + " ;\n"
        assert _outcome(tmp_path, text, True) == _outcome(tmp_path, text, False)

    check()
