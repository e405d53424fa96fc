"""Fuzzing every Lens command: each command the Lens command tables register
(taken from the interpreter `make_interp` builds, so a new command is fuzzed
without anyone adding it here) is called on a small network with an example
set, with random bad arguments -- wrong counts, non-numbers, huge, negative
and odd numbers, unknown objects and object paths, empty strings, the
command's own options in odd places.

The interpreter's boundary turns any Python exception a command ends in into
a Tcl error, so nothing can escape it; what the test asserts is that no call
ends in one that the boundary had to make from an unexpected exception
(errorCode `LENS_PY INTERNAL`: a defect of ours), that no command other than
the ones that train or test runs for long (those are stopped as Ctrl-C stops
them), and that the session still answers afterwards: Tcl, the network's
fields, testing and training, saving the weights.

`FUZZ_EXAMPLES` (per command) and `FUZZ_SEQUENCES` set the budgets; the
`slow` tests run many more.
"""
import io
import os
import re
import signal
import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lens_examples
from lens_py.assemble import make_interp
from lens_py.shell import boundary
from lens_py.shell.errors import TclError
from lens_py.shell.interp import Interp

# Commands not fuzzed, each for the reason given.
SKIPPED = {
    "wait": "blocks until its time limit or Ctrl-C (what it is for)",
    "signal": "sends real signals to this process (KILL, TERM, QUIT end it)",
    "nice": "lowers this process's priority for good",
    "unknown": "its job is to run programs found on PATH",
}

# Commands whose work may rightly take as long as their arguments ask
# (`train 99999999`): stopped by a Ctrl-C after LONG_RUN seconds.
LONG_RUNNING = {"train", "steepest", "momentum", "dougsMomentum", "deltaBarDelta", "test",
                "trainParallel", "time", "updateWeights", "doExample"}
LONG_RUN = 0.5
# Any other command taking this long is taken for a hang.
HANG = 20.0


def _lens_command_names():
    interp = make_interp(lazy=False, stdout=io.StringIO(), stderr=io.StringIO())
    real = interp.ext["lens_commands"]["real"]
    import lens_py.shell.cmd_lens as lens_shell     # Lens's own shell layer
    names = set(real) | {cmd.name for cmd in lens_shell.TABLE}
    return sorted(names), {name: interp.commands[name].usage for name in names}


COMMANDS, USAGES = _lens_command_names()
FUZZED = [name for name in COMMANDS if name not in SKIPPED]


def _options(usage: str):
    """The options a usage line names, and their first letters (Lens takes
    an option by its first letters)."""
    found = set(re.findall(r"(?<![\w<])-[A-Za-z]\w*", usage))
    return sorted(found | {word[:2] for word in found})


NAMES = ["n", "hidden", "output", "input", "bias", "xor", "*", "n2", "nosuch", "{hidden output}",
         "hidden output", "input hidden output", "xor xor", "{}", "{*}", "n.hidden", "hid*",
         "group(1)", "group(9)", "-", "{{", "}", "[", "]", "$", "\\", '"', "\x00"]
PATHS = [".", "n", "n.group(1)", "n.group(-1)", "n.group(99)", "hidden.unit(0)",
         "hidden.unit(99)", "hidden.unit(-1)", "hidden.unit(0).incoming(0)",
         "hidden.unit(0).incoming(9)", "hidden.unit(0).output", "hidden.unit(0).inputs(0)",
         "output.unit(0).target", "n.numUnits", "learningRate", "momentum", "weightDecay",
         "xor.example(0)", "xor.example(9)", "xor.example(0).event(0).input",
         "xor.example(0).event(0).input.val(5)", "xor.numExamples", "n.nosuch", "nosuch.x",
         "n.group(1).unit(0).incoming(0).weight(0)", "n.trainingSet", "n.outputs(3)",
         "hidden.unit(0).name", "n.group(1).", "n..group", "n.group(1e9)", "n.group(x)",
         "n.ticksPerInterval", "n.group(2).errorScale", "n.historyLength", "n.type"]
NUMBERS = ["0", "1", "2", "3", "-1", "-7", "3.5", "0.5", "-0.5", "1e308", "-1e308", "1e40",
           "-1e40", "1e-50", "nan", "NaN", "inf", "-inf", "99999999999999999999", "2147483647",
           "2147483648", "-2147483649", "4294967296", "9223372036854775808", "0x10", "08",
           "1.", ".", "e5", "--1", "+3", "1e", "0b1", "1_0", " 1 ", "1 2", "١"]
WORDS = ["", " ", "abc", "-", "--", "-x", "-h", "end", "reset", "create", "list", "delete",
         "update", "report", "store", "clear", "show", "hide", "refresh",
         "TRAIN", "PERMUTED", "ORDERED", "RANDOMIZED", "PROBABILISTIC", "REPLACE", "APPEND",
         "PIPE", "INPUT", "OUTPUT", "HIDDEN", "BIAS", "+LINEAR", "-LINEAR", "SOFT_MAX",
         "+ELMAN", "CONTINUOUS", "SRBPTT", "BOLTZMANN", "FULL", "ONE_TO_ONE", "RANDOM",
         "FAN_OUT", "LINEAR", "output", "target", "input", "-output", "-target", "-input",
         "-outputDeriv", "weight", "deltas", "steepest", "momentum", "dbd", "doug",
         "USR1", "p", "show", "error", "x\ny", "{a b}", "a{", "%s", "%d"]
FILES = ["good.wt", "good.ex", "good.bex", "bad.ex", "out.wt", "out.ex", "out.gz", "out.bz2",
         "nosuch/f", ".", "-", "empty", "good.wt.gz"]

small_text = st.text(alphabet="ab01 .-+(){}[]$\\\"e*", max_size=8)


def arguments(name: str):
    tokens = NAMES + PATHS + NUMBERS + WORDS + FILES + _options(USAGES[name])
    return st.lists(st.one_of(st.sampled_from(tokens), small_text), max_size=7)


class FuzzInterp(Interp):
    """Runs no programs from PATH (a fuzzed word must not start one)."""

    def run_program(self, program, args):
        raise TclError(f'invalid command name "{program}"')


SETUP = """
proc p args {return "[join $args { }]\\n"}
addNet n 2 3 1
loadExamples {XOR} -set xor
useTrainingSet xor
useTestingSet xor
saveWeights good.wt
saveExamples xor good.ex
saveExamples xor good.bex -binary
set f [open bad.ex w]; puts $f "garbage \\{ 1 2"; close $f
close [open empty w]
""".replace("XOR", lens_examples.xor())


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))     # `-` reads nothing
    boundary.watch_ctrl_c()
    return tmp_path


def new_session():
    out = io.StringIO()
    interp = make_interp(lazy=False, stdout=out, stderr=out, stdin=io.StringIO(""))
    interp.__class__ = FuzzInterp
    interp.eval(SETUP)
    return interp


class Stopped(Exception):
    pass


def _alarm(signum, frame):
    # a real Ctrl-C, as the terminal would send it
    signal.raise_signal(signal.SIGINT)


def call(interp, argv):
    """Run one command: its result, the TclError it raised, or Stopped when
    it was still running after its time (and was stopped by a Ctrl-C)."""
    limit = LONG_RUN if argv[0] in LONG_RUNNING else HANG
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit, 0.5)   # again if one is swallowed
    start = time.monotonic()
    try:
        return interp.call(list(argv))
    except TclError as e:
        return e
    except KeyboardInterrupt:
        interp.reset_frames()
        return Stopped(f"{argv!r} still ran after {time.monotonic() - start:.1f} s")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check(interp, argv, outcome, after=""):
    if isinstance(outcome, Stopped):
        assert argv[0] in LONG_RUNNING, (after, str(outcome))
    if isinstance(outcome, TclError):
        assert "INTERNAL" not in str(outcome.error_code), (after, argv, outcome.message)
        assert "internal error" not in outcome.message, (after, argv, outcome.message)


# What a session must still do after any command: answer Tcl, walk its
# objects, test, train and save (each may fail -- there may be no network
# left -- but only with an ordinary error).
PROBES = [["getObject", ".", "-depth", "2"], ["getObject", "n", "-depth", "3"],
          ["test"], ["train", "2"], ["saveWeights", "probe.wt"],
          ["printUnitValues", "probe.out", "p", "*"]]


def probe(interp, after):
    assert interp.eval("expr {6 * 7}") == "42", after
    assert interp.eval("set probe [list a b]; lindex $probe 1") == "b", after
    for argv in PROBES:
        check(interp, argv, call(interp, argv), after)


FUZZ = dict(deadline=None, database=None, derandomize=True,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def fuzz_one(name, args):
    interp = new_session()
    argv = [name] + args
    check(interp, argv, call(interp, argv))
    probe(interp, repr(argv))


@pytest.mark.parametrize("name", FUZZED)
def test_a_lens_command_with_bad_arguments_fails_cleanly(folder, name):
    @settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 6)), **FUZZ)
    @given(args=arguments(name))
    def run(args):
        fuzz_one(name, args)
    run()


@pytest.mark.slow
@pytest.mark.parametrize("name", FUZZED)
def test_a_lens_command_with_many_bad_arguments_fails_cleanly(folder, name):
    @settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES_SLOW", 150)),
              **dict(FUZZ, derandomize=False))
    @given(args=arguments(name))
    def run(args):
        fuzz_one(name, args)
    run()


def command_calls():
    return st.sampled_from(FUZZED).flatmap(
        lambda name: arguments(name).map(lambda args: [name] + args))


def fuzz_sequence(calls):
    interp = new_session()
    for argv in calls:
        check(interp, argv, call(interp, argv))
    probe(interp, repr(calls))


@settings(max_examples=int(os.environ.get("FUZZ_SEQUENCES", 60)), **FUZZ)
@given(calls=st.lists(command_calls(), min_size=2, max_size=5))
def test_sequences_of_bad_commands_leave_a_working_session(folder, calls):
    fuzz_sequence(calls)


@pytest.mark.slow
@settings(max_examples=int(os.environ.get("FUZZ_SEQUENCES_SLOW", 2000)),
          **dict(FUZZ, derandomize=False))
@given(calls=st.lists(command_calls(), min_size=2, max_size=8))
def test_long_sequences_of_bad_commands_leave_a_working_session(folder, calls):
    fuzz_sequence(calls)


def test_every_lens_command_is_fuzzed_or_skipped_for_a_reason():
    assert set(SKIPPED) <= set(COMMANDS)
    assert len(FUZZED) >= 90 and {"train", "loadExamples", "setObject"} <= set(FUZZED)
