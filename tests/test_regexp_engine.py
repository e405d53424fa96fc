"""regexp never hangs: patterns that make a backtracking engine take for ever
answer at once (with the `regex` package) or can at least be stopped with
Ctrl-C (the guard used without it).  Expected answers are tclsh's."""
import io
import subprocess
import sys
import textwrap

import pytest

from lens_py.assemble import make_interp
from lens_py.shell import regexengine
from lens_py.shell.cmd_regexp import compile_re, tcl_search

# (script, tclsh's answer); each would take for ever in Python's `re`.
BLOW_UPS = [
    ("regexp {(a*)*b} [string repeat a 30]", "0"),
    ("regexp {(a+)+b} [string repeat a 30]", "0"),
    ("regexp {(a|aa)*b} [string repeat a 40]", "0"),
    ("regexp {^(\\w+\\s?)*$} {an example sentence that will not match at all!}", "0"),
    ("regsub -all {(x+x+)+y} [string repeat x 30] Z", "x" * 30),
]


@pytest.mark.skipif(regexengine._regex is None, reason="the regex package is not installed")
@pytest.mark.parametrize("script,answer", BLOW_UPS)
def test_patterns_that_blow_up_backtracking_answer_at_once(script, answer):
    # In a child process with a time limit, so a regression fails instead of hanging.
    code = textwrap.dedent(f"""
        import io
        from lens_py.assemble import make_interp
        print(make_interp(stdout=io.StringIO()).eval({script!r}))
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=60)
    assert p.stdout.strip() == answer


@pytest.mark.parametrize("pattern,nests", [
    ("(a*)*b", True), ("(a+)+", True), ("(a|aa)*b", True), ("(x+x+){2,}y", True),
    ("(?:a?)*", True), ("((ab)*c)+", True),
    ("(ab)*c", False), ("a*b+c", False), ("(a|b)c*", False), ("[(a*)]*", False),
    (r"\(a*\)*", False), ("(?:ab)+", False),
])
def test_which_patterns_need_the_guard(pattern, nests):
    assert regexengine.repetitions_nest(pattern) is nests


@pytest.mark.skipif(not regexengine.CAN_FORK, reason="no fork here")
def test_guarded_searches_give_the_same_matches_as_re():
    import re
    for pattern, s in [("(a*)*b", "xaab"), ("(a|ab)(c|bcd)(d*)", "abcd"),
                       ("((ab)*c)+", "zzababcabc"), ("(a|aa)+", "baaa"), ("(q*)+z", "none")]:
        plain = re.compile(pattern, re.DOTALL)
        guarded = regexengine.GuardedPattern(plain)
        want, got = tcl_search(plain, s), tcl_search(guarded, s)
        if want is None:
            assert got is None
            continue
        assert [got.span(g) for g in range(plain.groups + 1)] == \
            [want.span(g) for g in range(plain.groups + 1)]
        assert [got.group(g) for g in range(plain.groups + 1)] == \
            [want.group(g) for g in range(plain.groups + 1)]


@pytest.mark.skipif(not regexengine.CAN_FORK, reason="no fork here")
def test_without_the_regex_package_ctrl_c_stops_a_runaway_match():
    code = textwrap.dedent("""
        import io, os, signal, threading
        from lens_py.shell import regexengine
        regexengine._regex = None           # as if the package were missing
        from lens_py.assemble import make_interp
        interp = make_interp(stdout=io.StringIO())
        threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        try:
            interp.eval("regexp {(a*)*b} [string repeat a 40]")
            print("finished")
        except KeyboardInterrupt:
            print("interrupted")
        print(interp.eval("regexp {(a*)*b} aab"))
    """)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=120)
    assert p.stdout.split() == ["interrupted", "1"]


def test_the_usual_patterns_still_match_as_tcl_does():
    interp = make_interp(stdout=io.StringIO())
    assert interp.eval("regexp {a|ab} abc m; set m") == "ab"
    assert interp.eval("regexp -inline {(\\d+)-(\\d+)} {x 12-345 y}") == "12-345 12 345"
    assert compile_re("(a*)*b", 0).search("aab").group(0) == "aab"
