"""Lens commands that train and test: train and its
algorithm shortcuts, test, doExample, updateWeights."""
from __future__ import annotations

import functools

from ..engine.training import TrainingHalted, do_example
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from .common import (atoi, current_net, is_option, lens_command, need_value, option_letter,
                     session)

TABLE = CommandTable("lens-training")

TRAIN_USAGE = ("train [<num-updates>] [-report <report-interval>] [-algorithm <algorithm>] "
               "[-setOnly] [-schedule <update-schedule>] [-why]")


def _train_options(args, usage):
    opts = {}
    i = 0
    while i < len(args):
        word = args[i]
        if not is_option(word):
            if word.isdigit() and "num_updates" not in opts:
                opts["num_updates"] = int(word)
                i += 1
                continue
            raise TclError(f"usage: {usage}")
        if word.startswith("-sc"):
            opts["schedule"] = need_value(args, i, usage)
            i += 2
            continue
        if word.startswith("-w"):
            opts["why"] = True          # lens_py's own: which execution path, and why
            i += 1
            continue
        letter = option_letter(word)
        if letter == "s":
            opts["set_only"] = True
            i += 1
        elif letter == "r":
            opts["report"] = atoi(need_value(args, i, usage))
            i += 2
        elif letter == "a":
            opts["algorithm"] = need_value(args, i, usage)
            i += 2
        else:
            raise TclError(f"usage: {usage}")
    return opts


def _train(interp, args, algorithm=None):
    opts = _train_options(args, TRAIN_USAGE)
    if algorithm is not None:
        opts["algorithm"] = algorithm
    current_net(interp)
    try:
        return session(interp).train(**opts)
    except TrainingHalted as e:
        # Interrupted (Ctrl-C): Lens's summary, returned as an error.
        raise TclError(str(e)) from None


@lens_command(TABLE, "train", TRAIN_USAGE)
def _train_cmd(interp, args):
    return _train(interp, args)


# steepest, momentum, ...: `train` with the algorithm fixed
for _name in ("steepest", "momentum", "dougsMomentum", "deltaBarDelta"):
    lens_command(TABLE, _name, f"{_name} [<num-updates>] [-report <report-interval>] "
                 "[-setOnly] [-schedule <update-schedule>] [-why]")(
        functools.partial(_train, algorithm=_name))


TEST_USAGE = "test [<num-examples>] [-noreset] [-return] [-why]"


@lens_command(TABLE, "test", TEST_USAGE)
def _test(interp, args):
    current_net(interp)
    num, reset, ret, why = 0, True, False, False
    for word in args:
        if is_option(word):
            letter = option_letter(word)
            if word.startswith("-w"):
                why = True
            elif letter == "n":
                reset = False
            elif letter == "r":
                ret = True
            else:
                raise TclError(f"usage: {TEST_USAGE}")
        elif word.isdigit():
            num = int(word)
        else:
            raise TclError(f"usage: {TEST_USAGE}")
    try:
        text, values = session(interp).test(num, reset, ret, why)
    except TrainingHalted as e:
        raise TclError(str(e).rstrip("\n")) from None
    for key, value in values.items():
        interp.set_global(f"Test({key})", value)
    return text


DO_EXAMPLE_USAGE = "doExample [<example-num>] [-set <example-set>] [-train | -test]"


@lens_command(TABLE, "doExample", DO_EXAMPLE_USAGE)
def _do_example(interp, args):
    net = current_net(interp)
    s = session(interp)
    index = exset = mode = None
    i = 0
    while i < len(args):
        word = args[i]
        if not is_option(word):
            if not word.lstrip("-").isdigit():
                raise TclError(f"usage: {DO_EXAMPLE_USAGE}")
            index = int(word)
            i += 1
            continue
        letter = option_letter(word)
        if letter == "s":
            name = need_value(args, i, DO_EXAMPLE_USAGE)
            exset = s.sets.get(name)
            if exset is None:
                raise TclError(f'example set "{name}" doesn\'t exist')
            i += 2
            continue
        if word.startswith("-tr"):
            mode = "train"
        elif word.startswith("-te"):
            mode = "test"
        else:
            raise TclError(f"usage: {DO_EXAMPLE_USAGE}")
        i += 1
    return do_example(s, net, index, exset, mode)


UPDATE_USAGE = "updateWeights [-algorithm <algorithm>] [-noreset] [-report]"


@lens_command(TABLE, "updateWeights", UPDATE_USAGE)
def _update_weights(interp, args):
    current_net(interp)
    algorithm, reset, report = None, True, False
    i = 0
    while i < len(args):
        letter = option_letter(args[i]) if is_option(args[i]) else ""
        if letter == "a":
            algorithm = need_value(args, i, UPDATE_USAGE)
            i += 2
            continue
        if letter == "n":
            reset = False
        elif letter == "r":
            report = True
        else:
            raise TclError(f"usage: {UPDATE_USAGE}")
        i += 1
    return session(interp).update_weights(algorithm, reset, report)


def setup(interp):
    from ..engine.schedule import HELP
    from ..help import HELP_TOPICS
    HELP_TOPICS.setdefault("updateSchedule", HELP)
