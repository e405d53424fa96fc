"""Lens commands for example sets: loadExamples, saveExamples,
useTrainingSet/useTestingSet, deleteExampleSets, exampleSetMode,
resetExampleSets."""
from __future__ import annotations

from ..engine import types as T
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from ..shell.tcllist import parse_list
from .channels import file_target
from .common import (refuse_during_tasks, NoCurrentNetwork, atof, atoi, flag_options, is_option, lens_command, need_value, option_letter, quoted_names,
                     register_engine_error, session)

TABLE = CommandTable("lens-examples")


def _examples():
    from ..engine import examples
    register_engine_error(examples.ExampleFileError)
    return examples


def _find_set(interp, name: str):
    exset = session(interp).sets.get(name)
    if exset is None:
        raise TclError(f'example set "{name}" doesn\'t exist')
    return exset


def _set_list(interp, text: str) -> list:
    s = session(interp)
    names = parse_list(text)
    if names == ["*"]:
        return list(s.sets.values())
    return [_find_set(interp, n) for n in names]


LOAD_USAGE = ("loadExamples <file> [-set <example-set>] [-num <num-examples>] "
              "[-exmode <example-mode>] [-mode REPLACE | APPEND | PIPE]")


@lens_command(TABLE, "loadExamples", LOAD_USAGE, 1)
def _load_examples(interp, args):
    opts = {}
    i = 1
    while i < len(args):
        if not is_option(args[i]):
            raise TclError(f"usage: {LOAD_USAGE}")
        letter = option_letter(args[i])
        value = need_value(args, i, LOAD_USAGE)
        if letter == "s":
            opts["set_name"] = value
        elif letter == "n":
            opts["num"] = atoi(value)
        elif letter == "e":
            opts["ex_mode"] = value
        elif letter == "m":
            opts["load_mode"] = value
        else:
            raise TclError(f"usage: {LOAD_USAGE}")
        i += 2
    target = file_target(interp, args[0], "r", "readExampleSet")
    return _examples().load_examples(session(interp), target, **opts)


SAVE_USAGE = "saveExamples <example-set> <file> [-binary | -append]"


@lens_command(TABLE, "saveExamples", SAVE_USAGE, 2, 3)
def _save_examples(interp, args):
    exset = _find_set(interp, args[0])
    opts = flag_options(args[2:], {"b": "binary", "a": "append"}, SAVE_USAGE)
    who = "writeBinaryExampleFile" if opts.get("binary") else "writeExampleFile"
    _examples().save_examples(exset, file_target(interp, args[1], "w", who), **opts)
    return ""


def _use_set(interp, args, role: str):
    s = session(interp)
    if not args:
        return quoted_names(s.sets)
    net = s.net
    if net is None:
        raise NoCurrentNetwork("no current network")
    exset = None if args[0] == "" else _find_set(interp, args[0])
    setattr(net, role, exset)
    return ""


@lens_command(TABLE, "useTrainingSet", "useTrainingSet [<example-set>]", 0, 1)
def _use_training(interp, args):
    return _use_set(interp, args, "training_set")


@lens_command(TABLE, "useTestingSet", "useTestingSet [<example-set>]", 0, 1)
def _use_testing(interp, args):
    return _use_set(interp, args, "testing_set")


@lens_command(TABLE, "deleteExampleSets", "deleteExampleSets <example-set-list>", 1, 1)
def _delete_sets(interp, args):
    s = session(interp)
    for exset in _set_list(interp, args[0]):
        s.delete_set(exset.name)
        close = getattr(exset, "close", None)
        if close is not None:
            close()
    return ""


MODE_USAGE = "exampleSetMode <example-set-list> [<mode>]"


def _mode_name(mask: int) -> str:
    return T.type_name(mask, T.EXAMPLE_MODE) or str(mask)


@lens_command(TABLE, "exampleSetMode", MODE_USAGE, 1, 2)
def _example_set_mode(interp, args):
    sets = _set_list(interp, args[0])
    if len(args) == 1:
        return "".join(f"{{{e.name}}} {_mode_name(e.mode)}\n" for e in sets)   # as Lens
    examples = _examples()
    for exset in sets:
        examples.set_example_mode(exset, args[1])
    return ""


@lens_command(TABLE, "resetExampleSets", "resetExampleSets <example-set-list>", 1, 1)
def _reset_sets(interp, args):
    for exset in _set_list(interp, args[0]):
        exset.reset()
    return ""


MOVE_USAGE = ("moveExamples <from-set> <to-set> [<first-example> [<num-examples>] | "
              "<proportion>] [-copy]")


@lens_command(TABLE, "moveExamples", MOVE_USAGE, 2, 5)
def _move_examples(interp, args):
    source = _find_set(interp, args[0])
    copy = False
    numbers = []
    for word in args[2:]:
        if is_option(word) and option_letter(word) == "c":
            copy = True
        elif is_option(word):
            raise TclError(f"usage: {MOVE_USAGE}")
        else:
            numbers.append(word)
    opts = {}
    if len(numbers) == 1:
        # A literal integer is one example; anything else is a proportion.
        if numbers[0].isdigit():
            opts = {"first": int(numbers[0]), "num": 1}
        else:
            opts = {"proportion": atof(numbers[0])}
    elif len(numbers) == 2:
        opts = {"first": atoi(numbers[0]), "num": atoi(numbers[1])}
    elif numbers:
        raise TclError(f"usage: {MOVE_USAGE}")
    return str(_examples().move_examples(session(interp), source, args[1], copy=copy, **opts))


# Lens refuses these while a train or test runs (from its hooks).
refuse_during_tasks(TABLE, ("useTrainingSet", "useTestingSet", "deleteExampleSets"))
