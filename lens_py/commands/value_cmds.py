"""More Lens commands: setLinkValues,
saveParameters, copyUnitValues, resetUnitValues.  Bindings only; the work is
in engine/valueedits.py."""
from __future__ import annotations

from ..engine import valueedits as UV
from ..engine.objects import atof
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from ..shell.tcllist import parse_list
from .channels import file_target
from .common import (current_net, groups_one_by_one, lens_command, need_value, option_letter,
                     session)

TABLE = CommandTable("lens-extra")

SET_LINK_USAGE = ("setLinkValues <parameter> <value> [-group <group-list> |\n"
                  "\t-unit <unit-list> | -type <link-type>]")
SAVE_PARAMS_USAGE = "saveParameters <file-name> [-append] [<object> ...]"
COPY_USAGE = "copyUnitValues <group1> -<field1> (<group2> | -<field2> |\n\t<group2> -<field2>)"
RESET_USAGE = "resetUnitValues <group-list> [-<field> [<value>]]"


def _engine_call(command: str, fn, *args, **kw):
    """Run an engine call; its refusals carry Lens's `<command>: ` prefix."""
    try:
        return fn(*args, **kw)
    except UV.UnitValuesError as e:
        raise TclError(str(e) if e.complete else f"{command}: {e}") from None


# Lens walks group and unit lists name by name, so a bad name stops the
# command with the earlier entries already done; these generators do the same.

def _units(net, text: str, command: str):
    names = parse_list(text)
    if names == ["*"]:
        for g in list(net.groups):
            yield from ((g, u) for u in range(g.size))
        return
    for name in names:
        found = net.unit(name)
        if found is None:
            g = net.group(name)   # as common.unit_list: a group stands for its units
            if g is None:
                raise TclError(f'{command}: unit "{name}" doesn\'t exist')
            yield from ((g, u) for u in range(g.size))
            continue
        yield found


@lens_command(TABLE, "setLinkValues", SET_LINK_USAGE, 2)
def _set_link_values(interp, args):
    net = current_net(interp)
    field, text = args[0], args[1]
    _engine_call("setLinkValues", UV.block_value, field, text)
    group_text = unit_text = link_type = None
    i = 2
    while i < len(args) and args[i].startswith("-"):
        letter = option_letter(args[i])
        value = need_value(args, i, SET_LINK_USAGE)
        if letter == "g":
            group_text = value
        elif letter == "u":
            unit_text = value
        elif letter == "t":
            link_type = value
            _engine_call("setLinkValues", UV.check_link_type, net, link_type)
        else:
            raise TclError(f"usage: {SET_LINK_USAGE}")
        i += 2
    if i != len(args):
        raise TclError(f"usage: {SET_LINK_USAGE}")
    groups = None if group_text is None else groups_one_by_one(net, group_text, "setLinkValues")
    units = None if unit_text is None else _units(net, unit_text, "setLinkValues")
    _engine_call("setLinkValues", UV.set_link_values, net, field, text, groups=groups,
                 units=units, link_type=link_type)
    return ""


@lens_command(TABLE, "saveParameters", SAVE_PARAMS_USAGE, 1)
def _save_parameters(interp, args):
    current_net(interp)
    rest = args[1:]
    append = False
    # Lens takes -append only right after the file name, spelt at least `-a`.
    if rest and len(rest[0]) >= 2 and "-append".startswith(rest[0]):
        append = True
        rest = rest[1:]
    target = file_target(interp, args[0], "w", "saveParameters")
    _engine_call("saveParameters", UV.save_parameters, session(interp), target,
                 paths=rest or None, append=append)
    return ""


def _field_option(word: str, usage: str) -> str:
    if not word.startswith("-"):
        raise TclError(f"usage: {usage}")
    return word[1:]


@lens_command(TABLE, "copyUnitValues", COPY_USAGE, 3, 4)
def _copy_unit_values(interp, args):
    net = current_net(interp)
    source = net.group(args[0])
    if source is None:
        raise TclError(f'copyUnitValues: group "{args[0]}" doesn\'t exist')
    source_field = _engine_call("copyUnitValues", UV.unit_field,
                                _field_option(args[1], COPY_USAGE))
    if len(args) == 4 or not args[2].startswith("-"):
        dest = net.group(args[2])
        if dest is None:
            raise TclError(f'copyUnitValues: group "{args[2]}" doesn\'t exist')
        k = 3
    else:
        dest, k = source, 2
    # Lens drops the first character of the last word without checking it is a dash.
    dest_field = (_engine_call("copyUnitValues", UV.unit_field, args[k][1:])
                  if k < len(args) else source_field)
    _engine_call("copyUnitValues", UV.copy_unit_values, source, source_field, dest,
                 dest_field)
    return ""


@lens_command(TABLE, "resetUnitValues", RESET_USAGE, 1, 3)
def _reset_unit_values(interp, args):
    net = current_net(interp)
    field = "output"
    if len(args) > 1:
        field = _engine_call("resetUnitValues", UV.unit_field,
                             _field_option(args[1], RESET_USAGE))
    value = UV.default_reset_value(field)
    if len(args) > 2:
        value = atof(args[2])
    _engine_call("resetUnitValues", UV.reset_unit_values,
                 groups_one_by_one(net, args[0], "resetUnitValues"), field, value)
    return ""
