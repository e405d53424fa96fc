"""Lens commands that build and change networks: addNet, addGroup,
connectGroups, elmanConnect, freezing, randomising, weight files, output
files.  Thin bindings: the engine does the work."""
from __future__ import annotations

import math

import numpy as np

from ..engine import lesions, groupprocs, noise, unitlinks
from ..engine import types as T
from ..engine.graphs import graphs_of
from ..engine.limits import check_count
from ..engine.objects import atof as object_atof
from ..engine.network import NetworkError
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from ..shell.tcllist import parse_list
from .channels import file_target
from .common import (refuse_during_tasks, atof, atoi, current_net, flag_options, group_list, groups_one_by_one,
                     is_group_list, is_option, lens_command, need_value, one_group, option_letter,
                     quoted_names, register_engine_error, session, unit_list)

TABLE = CommandTable("lens-network")
register_engine_error(T.TypeError_)

ADD_NET_USAGE = ("addNet <network> [-intervals <timeIntervals> | -ticks <ticksPerInterval>] "
                 "[<net-type>]* [<num-units> [[+|-]<group-type>]*]*")


def _is_count(word: str) -> bool:
    return word.isdigit()


@lens_command(TABLE, "addNet", ADD_NET_USAGE, 1)
def _add_net(interp, args):
    name, rest = args[0], args[1:]
    intervals = ticks = 1
    i = 0
    while i < len(rest) and is_option(rest[i]):
        letter = option_letter(rest[i])
        if letter == "i":
            intervals = atoi(need_value(rest, i, ADD_NET_USAGE))
        elif letter == "t":
            ticks = atoi(need_value(rest, i, ADD_NET_USAGE))
        else:
            raise TclError(f"usage: {ADD_NET_USAGE}")
        i += 2
    net_type = 0
    while i < len(rest) and not _is_count(rest[i]):
        found = T.lookup_type_mask(rest[i], T.NETWORK)
        if found is None:
            raise TclError(f"addNet: invalid network type: {rest[i]}")
        net_type |= found
        i += 1
    groups = []
    while i < len(rest):
        units = int(rest[i])
        i += 1
        words = []
        while i < len(rest) and not _is_count(rest[i]):
            words.append(rest[i])
            i += 1
        groups.append((units, words))
    if intervals < 1 or ticks < 1:
        raise TclError("addNet: timeIntervals and ticksPerInterval must be positive")
    session(interp).add_net(name, intervals=intervals, ticks=ticks, net_type=net_type,
                            groups=groups)
    return ""


@lens_command(TABLE, "useNet", "useNet [<network>]", 0, 1)
def _use_net(interp, args):
    s = session(interp)
    if not args:
        return quoted_names(n.name for n in s.nets)
    if args[0] == "":
        s.net = None
        return ""
    s.use_net(args[0])
    return ""


@lens_command(TABLE, "deleteNets", "deleteNets <network-list>", 1, 1)
def _delete_nets(interp, args):
    s = session(interp)
    names = parse_list(args[0])
    nets = list(s.nets) if names == ["*"] else []
    for name in names if names != ["*"] else []:
        net = s.find_net(name)
        if net is None:
            raise TclError(f'deleteNets: network "{name}" doesn\'t exist')
        nets.append(net)
    if names == ["*"] or s.net in nets:        # Lens lets a hook delete other nets
        s.refuse_during_tasks("deleteNets")
    for net in nets:
        s.delete_net(net)
    if s.net is None and s.nets:
        s.net = s.nets[-1]
    return ""


ADD_GROUP_USAGE = "addGroup <group> <num-units> [[+|-]<group-type>]*"
UNIT_BYTES = 200        # about what a unit's state takes (Lens's own: 168)


@lens_command(TABLE, "addGroup", ADD_GROUP_USAGE, 2)
def _add_group(interp, args):
    net = current_net(interp)
    size = atoi(args[1])
    too_many = check_count(size, "addGroup: the number of units", UNIT_BYTES)
    if too_many:
        raise TclError(too_many)
    g = net.add_group(args[0], size, args[2:])
    return f"group({g.num})"


@lens_command(TABLE, "deleteGroups", "deleteGroups <group-list>", 1, 1)
def _delete_groups(interp, args):
    net = current_net(interp)
    every = parse_list(args[0]) == ["*"]
    for g in group_list(net, args[0]):
        if every and g.type & T.BIAS:       # `*` leaves bias groups; named ones go
            continue
        net.delete_group(g)
    return ""


@lens_command(TABLE, "orderGroups", "orderGroups <group> ...", 1)
def _order_groups(interp, args):
    current_net(interp).order_groups(args)
    return ""


@lens_command(TABLE, "changeGroupType", "changeGroupType <group-list> [[+|-]<group-type>]*", 1)
def _change_group_type(interp, args):
    net = current_net(interp)
    for g in group_list(net, args[0]):
        net.change_group_type(g, args[1:])
    return ""


@lens_command(TABLE, "groupType", "groupType <group> [[+|-]<group-type>]*", 0)
def _group_type(interp, args):
    if not args:
        names = [name for name, _, cls in T.TYPE_TABLE if cls in T.GROUP_CLASSES]
        return " ".join(names)
    net = current_net(interp)
    for g in group_list(net, args[0]):
        if len(args) == 1:
            return " ".join(_type_words(g))
        net.set_group_type(g, args[1:])
    return ""


def _type_words(g) -> list:
    words = [name for name, mask, cls in T._TYPES if cls == T.GROUP and g.type & mask]
    for procs, cls in ((g.input_procs, T.GROUP_INPUT), (g.output_procs, T.GROUP_OUTPUT),
                       (g.cost_procs, T.GROUP_COST)):
        words.extend(T.type_name(p, cls) for p in procs)
    return words


CONNECT_USAGE = ("connectGroups <group-list1> <group-list2> [<group-list3> ...] "
                 "[-projection <proj-type>] [-strength <s>] [-mean <m>] [-range <r>] "
                 "[-type <link-type>] [-bidirectional] [-shareWith <from> <to>]")


@lens_command(TABLE, "connectGroups", CONNECT_USAGE, 2)
def _connect_groups(interp, args):
    net = current_net(interp)
    lists = []
    i = 0
    while i < len(args) and not is_option(args[i]) and is_group_list(net, args[i]):
        lists.append(group_list(net, args[i]))
        i += 1
    if i < len(args) and not is_option(args[i]):
        # Not a group list and not an option: name the group that is missing.
        group_list(net, args[i])
    if len(lists) < 2:
        raise TclError(f"usage: {CONNECT_USAGE}")
    opts = {}
    while i < len(args):
        word = args[i]
        if not is_option(word):
            raise TclError(f"usage: {CONNECT_USAGE}")
        if word.startswith("-sh"):
            if i + 2 >= len(args):
                raise TclError(f"usage: {CONNECT_USAGE}")
            opts["share_with"] = (net.require_group(args[i + 1]), net.require_group(args[i + 2]))
            i += 3
            continue
        letter = option_letter(word)
        if letter == "b":
            opts["bidirectional"] = True
            i += 1
            continue
        value = need_value(args, i, CONNECT_USAGE)
        if letter == "p":
            opts["projection"] = value
        elif letter == "s":
            opts["strength"] = atof(value)
        elif letter == "m":
            opts["mean"] = atof(value)
        elif letter == "r":
            opts["rng_range"] = atof(value)
        elif letter == "t":
            opts["link_type"] = value
        else:
            raise TclError(f"usage: {CONNECT_USAGE}")
        i += 2
    if "projection" in opts:
        found = _projection_name(opts["projection"])
        opts["projection"] = found
    for senders, receivers in zip(lists, lists[1:]):
        for s in senders:
            for r in receivers:
                net.connect_groups(s, r, **opts)
    return ""


def _projection_name(word: str) -> str:
    for name, mask, cls in T.TYPE_TABLE:
        if cls == T.PROJECTION and name.startswith(word):
            return name
    raise TclError(f"connectGroups: invalid projection type: {word}")


ELMAN_USAGE = "elmanConnect <source-group> <context-group> [-reset <0|1>] [-initOutput <value>]"


@lens_command(TABLE, "elmanConnect", ELMAN_USAGE, 2)
def _elman_connect(interp, args):
    net = current_net(interp)
    source = one_group(net, args[0], "elmanConnect")
    context = one_group(net, args[1], "elmanConnect")
    # As in Lens, each option takes effect as it is read: a later bad word,
    # or a connection that fails, leaves the earlier options done.
    i = 2
    while i < len(args) and args[i].startswith("-"):
        letter = args[i][1:2]
        if letter not in ("r", "i") or i + 1 >= len(args):
            raise TclError(f"usage: {ELMAN_USAGE}")
        if letter == "r":
            net.elman_options(source, reset=atoi(args[i + 1]) != 0)
        else:
            net.elman_options(source, init_output=atof(args[i + 1]))
        i += 2
    if i != len(args):
        raise TclError(f"usage: {ELMAN_USAGE}")
    net.elman_connect(source, context)
    return ""


def _selection(net, args, usage, extra=()):
    """-group L / -unit L / -type T (and the letters in `extra`) of the
    freeze/thaw/randWeights family."""
    sel = {"groups": None, "units": None, "link_type": None}
    values = {}
    i = 0
    while i < len(args):
        letter = option_letter(args[i]) if is_option(args[i]) else ""
        value = need_value(args, i, usage)
        if letter == "g":
            sel["groups"] = group_list(net, value)
        elif letter == "u":
            sel["units"] = unit_list(net, value)
        elif letter == "t":
            sel["link_type"] = value
        elif letter in extra:
            values[letter] = atof(value)
        else:
            raise TclError(f"usage: {usage}")
        i += 2
    return sel, values


def _named(command, action, **kw):
    """Lens names the command in these errors (`freezeWeights: link type …`)."""
    try:
        action(**kw)
    except NetworkError as e:
        raise TclError(f"{command}: {e}") from None


def _weight_usage(name: str, extra: str = "") -> str:
    return f"{name} [-group <group-list> | -unit <unit-list>]{extra} [-type <link-type>]"


RAND_USAGE = _weight_usage("randWeights", " [-mean <m>] [-range <r>]")


def _register_freezing(name: str, method: str) -> None:
    """freezeWeights and thawWeights: the same selection, opposite effect."""
    usage = _weight_usage(name)

    def run(interp, args):
        net = current_net(interp)
        sel, _ = _selection(net, args, usage)
        _named(name, getattr(net, method), **sel)
        return ""
    lens_command(TABLE, name, usage)(run)


_register_freezing("freezeWeights", "freeze_weights")
_register_freezing("thawWeights", "thaw_weights")


@lens_command(TABLE, "randWeights", RAND_USAGE)
def _rand_weights(interp, args):
    net = current_net(interp)
    sel, values = _selection(net, args, RAND_USAGE, extra="mr")
    _named("randWeights", net.rand_weights, mean=values.get("m", math.nan),
           rng_range=values.get("r", math.nan), **sel)
    return ""


@lens_command(TABLE, "resetNet", "resetNet", 0, 0)
def _reset_net(interp, args):
    current_net(interp).reset_net()
    graphs_of(session(interp)).reset()     # Lens stores (or clears) its graphs here
    return ""


@lens_command(TABLE, "resetDerivs", "resetDerivs", 0, 0)
def _reset_derivs(interp, args):
    current_net(interp).reset_derivs()
    return ""


SET_TIME_USAGE = ("setTime [-intervals <timeIntervals>] [-ticks <ticksPerInterval>] "
                  "[-history <historyLength>] [-dtfixed]")


@lens_command(TABLE, "setTime", SET_TIME_USAGE)
def _set_time(interp, args):
    net = current_net(interp)
    opts = {}
    dt_fixed = False
    i = 0
    while i < len(args):
        letter = option_letter(args[i]) if is_option(args[i]) else ""
        if letter == "d":
            dt_fixed = True
            i += 1
            continue
        value = atoi(need_value(args, i, SET_TIME_USAGE))
        key = {"i": "intervals", "t": "ticks", "h": "history"}.get(letter)
        if key is None:
            raise TclError(f"usage: {SET_TIME_USAGE}")
        opts[key] = value
        i += 2
    return net.set_time(opts.get("intervals"), opts.get("ticks"), opts.get("history"),
                        dt_fixed=dt_fixed)


# -- weight files ------------------------------------------------------------------------

SAVE_WEIGHTS_USAGE = "saveWeights <file> [-values <n>] [-text] [-noFrozen] [-onlyFrozen]"
LOAD_WEIGHTS_USAGE = "loadWeights <file> [-noFrozen | -onlyFrozen]"


def _weightfile():
    from ..engine import weightfile
    register_engine_error(weightfile.WeightFileError)
    return weightfile


@lens_command(TABLE, "saveWeights", SAVE_WEIGHTS_USAGE, 1)
def _save_weights(interp, args):
    net = current_net(interp)
    opts = {}
    i = 1
    while i < len(args):
        letter = option_letter(args[i]) if is_option(args[i]) else ""
        if letter == "v":
            opts["num_values"] = atoi(need_value(args, i, SAVE_WEIGHTS_USAGE))
            i += 2
            continue
        if letter == "t":
            opts["text"] = True
        elif letter == "n":
            opts["no_frozen"] = True
        elif letter == "o":
            opts["only_frozen"] = True
        else:
            raise TclError(f"usage: {SAVE_WEIGHTS_USAGE}")
        i += 1
    _weightfile().save_weights(net, file_target(interp, args[0], "w", "standardSaveWeights"),
                               **opts)
    return args[0]


@lens_command(TABLE, "loadWeights", LOAD_WEIGHTS_USAGE, 1)
def _load_weights(interp, args):
    net = current_net(interp)
    opts = flag_options(args[1:], {"n": "no_frozen", "o": "only_frozen"}, LOAD_WEIGHTS_USAGE)
    _weightfile().load_weights(net, file_target(interp, args[0], "r", "standardLoadWeights"),
                               **opts)
    return args[0]


# -- output files and printed values ---------------------------------------------------

OPEN_OUT_USAGE = "openNetOutputFile <file> [-binary] [-append]"


@lens_command(TABLE, "openNetOutputFile", OPEN_OUT_USAGE, 1)
def _open_output(interp, args):
    from ..engine import outputfile
    net = current_net(interp)
    opts = flag_options(args[1:], {"b": "binary", "a": "append"}, OPEN_OUT_USAGE)
    outputfile.open_output_file(net, file_target(interp, args[0], "w", "openNetOutputFile"),
                                **opts)
    return ""


@lens_command(TABLE, "closeNetOutputFile", "closeNetOutputFile", 0, 0)
def _close_output(interp, args):
    from ..engine import outputfile
    outputfile.close_output_file(current_net(interp))
    return ""


def _tcl_caller(interp):
    from ..shell.tcllist import format_list

    def call(proc, words):
        # Lens appends the arguments to the proc's text, so `{myProc extra}` works.
        return interp.eval_global(proc + " " + format_list(words))
    return call


def _print_target(interp, word: str, who: str):
    return file_target(interp, word, "w", who, f"{who}: couldn't write to the file {word}")


PRINT_UNITS_USAGE = "printUnitValues <file> <proc> <group-list> [-append]"
PRINT_LINKS_USAGE = ("printLinkValues <file> <proc> <sending-groups> <receiving-groups> "
                     "[-type <link-type>] [-append]")


@lens_command(TABLE, "printUnitValues", PRINT_UNITS_USAGE, 3, 4)
def _print_unit_values(interp, args):
    from ..engine import printvalues
    net = current_net(interp)
    append = len(args) == 4 and option_letter(args[3]) == "a"
    if len(args) == 4 and not append:
        raise TclError(f"usage: {PRINT_UNITS_USAGE}")
    printvalues.print_unit_values(net, _print_target(interp, args[0], "printUnitValues"),
                                  args[1], group_list(net, args[2]), append,
                                  _tcl_caller(interp))
    return ""


@lens_command(TABLE, "printLinkValues", PRINT_LINKS_USAGE, 4)
def _print_link_values(interp, args):
    from ..engine import printvalues
    net = current_net(interp)
    append, link_type = False, None
    i = 4
    while i < len(args):
        letter = option_letter(args[i]) if is_option(args[i]) else ""
        if letter == "a":
            append = True
            i += 1
        elif letter == "t":
            link_type = need_value(args, i, PRINT_LINKS_USAGE)
            i += 2
        else:
            raise TclError(f"usage: {PRINT_LINKS_USAGE}")
    printvalues.print_link_values(net, _print_target(interp, args[0], "printLinkValues"),
                                  args[1], group_list(net, args[2]),
                                  group_list(net, args[3]), link_type, append,
                                  _tcl_caller(interp))
    return ""


NOISE_USAGE = "noiseType <group-list> [-range <range> | -multiply | -flat]*"


@lens_command(TABLE, "noiseType", NOISE_USAGE, 1)
def _noise_type(interp, args):
    """Sets each group's noise procedure (always: additive Gaussian unless
    -multiply and/or -flat) and, with -range, its noiseRange."""
    net = current_net(interp)
    rng_range, multiply, flat = None, False, False
    i = 1
    while i < len(args):
        word = args[i]
        letter = option_letter(word) if word.startswith("-") else ""
        if letter == "r":
            rng_range = object_atof(need_value(args, i, NOISE_USAGE))
            i += 1
        elif letter == "m":
            multiply = True
        elif letter == "f":
            flat = True
        else:
            raise TclError(f"usage: {NOISE_USAGE}")
        i += 1
    proc = noise.proc_for(multiply, flat)
    for g in groups_one_by_one(net, args[0], "noiseType"):
        if rng_range is not None:
            g.noise_range = rng_range
        g.noise_proc = proc
    return ""


# -- lesions ---------------------------------------------------------------------------------
# Lens's unit loops pass over a lesioned unit only while its group carries the
# LESIONED flag; the commands' draws (one randProb per unit visited) follow
# the same rule (engine/group.py: skipped).

LESION_USAGE = "lesionUnits (<group-list> <proportion> | <unit-list>)"
HEAL_USAGE = "healUnits [(<group-list> <proportion> | <unit-list>)]"


def _lesion_units_in_list(net, text: str, cmd: str):
    """Lens's unit list, as (group, unit) pairs."""
    for g, units in _unit_runs_in_list(net, text, cmd):
        for u in units:
            yield g, int(u)


def _unit_runs_in_list(net, text: str, cmd: str):
    """Lens's unit list, as (group, units) pairs: `*` (every unit its loops
    visit, a group at a time) or unit names only (one at a time)."""
    if text.strip() == "*":
        for g in net.groups:
            yield g, _visited(g)
        return
    for name in parse_list(text):
        found = net.unit(name)
        if found is None:
            raise TclError(f'{cmd}: unit "{name}" doesn\'t exist')
        yield found[0], [found[1]]


def _visited(g):
    """The units of g Lens's unit loops visit (read once, before any is changed)."""
    skip = g.skipped
    return np.arange(g.size) if skip is None else np.flatnonzero(~skip)


def _proportion(text: str, cmd: str):
    p = np.float32(atof(text))
    if p <= 0 or p > 1:         # NaN passes, as in Lens
        raise TclError(f"{cmd}: proportion of units ({float(p):f}) must be in the range (0,1]")
    return p


def _by_proportion(interp, net, args, cmd, act) -> None:
    """For each listed group, each unit its loop visits draws randProb; a draw
    below the proportion gets `act`."""
    p = _proportion(args[1], cmd)
    rng = session(interp).rng
    for g in groups_one_by_one(net, args[0], cmd):
        visited = _visited(g)
        draws = rng.drand48_array(len(visited)).astype(np.float32)   # one per unit, in order
        act(g, visited[draws < p])


def _on_units(interp, args, cmd: str, act) -> str:
    """lesionUnits/healUnits with one or two arguments: the listed units (one
    by one: a bad name stops the command with the earlier ones done), or each
    visited unit of the listed groups whose draw falls below the proportion."""
    net = current_net(interp)
    if len(args) == 1:
        for g, units in _unit_runs_in_list(net, args[0], cmd):
            act(g, units)
    else:
        _by_proportion(interp, net, args, cmd, act)
    return ""


@lens_command(TABLE, "lesionUnits", LESION_USAGE, 1, 2)
def _lesion_units(interp, args):
    return _on_units(interp, args, "lesionUnits", lambda g, units: g.lesion_units(units))


@lens_command(TABLE, "healUnits", HEAL_USAGE, 0, 2)
def _heal_units(interp, args):
    """Lens 2.63 as it is: with a proportion, only the units its loops visit
    draw, so in a flagged group the lesioned ones are never healed; `*`
    likewise; no arguments heals every lesioned unit."""
    if not args:
        for g in current_net(interp).groups:
            g.heal_units(np.flatnonzero(g.unit_lesioned))
        return ""
    return _on_units(interp, args, "healUnits", lambda g, units: g.heal_units(units))


LESION_LINKS_USAGE = ("lesionLinks <group-list> [-proportion <proportion> |\n"
                      "\t-value <value> | -range <range> | -multiply | -flat | -discard\n"
                      "\t-type <link-type>]")


@lens_command(TABLE, "lesionLinks", LESION_LINKS_USAGE, 1)
def _lesion_links(interp, args):
    """The listed groups' incoming links: delete a proportion of them, or set
    their weights, or add noise (engine/lesions.py)."""
    net = current_net(interp)
    opts = {"proportion": 1.0, "value": math.nan, "rng_range": math.nan, "multiply": False,
            "flat": False, "discard": False, "link_type": None}
    i = 1
    while i < len(args) and args[i].startswith("-"):
        letter = option_letter(args[i])
        if letter in "pvrt" and letter:
            value = need_value(args, i, LESION_LINKS_USAGE)
            i += 1
            if letter == "p":
                p = np.float32(atof(value))
                if p <= 0 or p > 1:
                    raise TclError(f"lesionLinks: link proportion ({float(p):f}) must be in "
                                   "the range (0,1]")
                opts["proportion"] = p
            elif letter == "v":
                opts["value"] = atof(value)         # atof: `-` is 0 here
            elif letter == "r":
                opts["rng_range"] = object_atof(value)
            else:
                if value not in net.link_types[1:]:
                    raise TclError(f"lesionLinks: link type {value} doesn't exist")
                opts["link_type"] = value
        elif letter in ("m", "f", "d"):
            opts[{"m": "multiply", "f": "flat", "d": "discard"}[letter]] = True
        else:
            raise TclError(f"usage: {LESION_LINKS_USAGE}")
        i += 1
    if i < len(args):
        raise TclError(f"usage: {LESION_LINKS_USAGE}")
    for g in groups_one_by_one(net, args[0], "lesionLinks"):
        lesions.lesion_links(net, [g], **opts)
    return ""


COPY_USAGE = "copyConnect <source-group> <copy-group> <field>"


@lens_command(TABLE, "copyConnect", COPY_USAGE, 3, 3)
def _copy_connect(interp, args):
    """Makes the copy group's first free IN_COPY, OUT_COPY or TARGET_COPY
    procedure copy a field of the source group (engine/groupprocs.py)."""
    net = current_net(interp)
    source = one_group(net, args[0], "copyConnect")
    copy = one_group(net, args[1], "copyConnect")
    groupprocs.copy_connect(net, source, copy, args[2])
    return ""


# -- links one unit at a time (engine/unitlinks.py) ----------------------------------------

CONNECT_UNITS_USAGE = ("connectUnits <unit-list1> (<unit-list>)* [-mean <mean>\n"
                       "\t| -range <range> | -type <link-type>]")
CONNECT_GROUP_TO_UNITS_USAGE = ("connectGroupToUnits <group-list> <unit-list> [-mean <mean> |\n"
                                "\t-range <range> | -type <link-type>]")
DISCONNECT_GROUPS_USAGE = "disconnectGroups <group1> <group2> [-type <link-type>]"
DISCONNECT_GROUP_UNIT_USAGE = "disconnectGroupUnit <group> <unit> [-type <link-type>]"
DISCONNECT_UNITS_USAGE = "disconnectUnits <unit1> <unit2> [-type <link-type>]"
DELETE_LINKS_USAGE = "deleteLinks [-type <link-type>]"
DELETE_GROUP_INPUTS_USAGE = "deleteGroupInputs <group-list> [-type <link-type>]"
DELETE_GROUP_OUTPUTS_USAGE = "deleteGroupOutputs <group-list> [-type <link-type>]"
DELETE_UNIT_INPUTS_USAGE = "deleteUnitInputs <unit-list> [-type <link-type>]"
DELETE_UNIT_OUTPUTS_USAGE = "deleteUnitOutputs <unit-list> [-type <link-type>]"


def _is_unit_list(net, text: str) -> bool:
    """Lens's isUnitList: `*`, or a list whose first name is a unit."""
    if text == "*":
        return True
    try:
        names = parse_list(text)
    except TclError:
        return False
    return bool(names) and net.unit(names[0]) is not None


def _new_link_options(args, i: int, usage: str, cmd: str, letters: str) -> dict:
    """-mean, -range (`-` = NaN; a real, not negative), -type and (connectUnits)
    -bidirectional, by the letter after the `-`; nothing may follow them."""
    opts = {"mean": math.nan, "rng_range": math.nan, "link_type": None,
            "bidirectional": False}
    while i < len(args) and args[i].startswith("-"):
        letter = args[i][1:2]
        if not letter or letter not in letters:
            raise TclError(f"usage: {usage}")
        if letter == "b":
            opts["bidirectional"] = True
            i += 1
            continue
        value = need_value(args, i, usage)
        if letter == "m":
            opts["mean"] = float(np.float32(object_atof(value)))
        elif letter == "r":
            opts["rng_range"] = float(np.float32(object_atof(value)))
            if opts["rng_range"] < 0:
                raise TclError(f"{cmd}: range must be positive")
        else:
            opts["link_type"] = value
        i += 2
    if i != len(args):
        raise TclError(f"usage: {usage}")
    return opts


@lens_command(TABLE, "connectUnits", CONNECT_UNITS_USAGE, 2,
              help="creates a link from one unit to another")
def _connect_units(interp, args):
    """A link from every unit of each list to every unit of the next; the link
    type (unless -type) is the group name of the very first sending unit."""
    net = current_net(interp)
    lists = 0
    while lists < len(args) and _is_unit_list(net, args[lists]):
        lists += 1
    if lists < 2:
        raise TclError(f"usage: {CONNECT_UNITS_USAGE}")
    opts = _new_link_options(args, lists, CONNECT_UNITS_USAGE, "connectUnits", "mrtb")
    link_type = opts["link_type"]
    for senders, receivers in zip(args[:lists - 1], args[1:lists]):
        for g, s in _lesion_units_in_list(net, senders, "connectUnits"):
            if link_type is None:
                link_type = g.name
            unitlinks.register_link_type(net, link_type)
            for h, u in _lesion_units_in_list(net, receivers, "connectUnits"):
                unitlinks.connect_units(net, g, s, h, u, link_type, opts["rng_range"],
                                        opts["mean"])
                if opts["bidirectional"]:
                    unitlinks.connect_units(net, h, u, g, s, link_type, opts["rng_range"],
                                            opts["mean"])
    return ""


@lens_command(TABLE, "connectGroupToUnits", CONNECT_GROUP_TO_UNITS_USAGE, 2,
              help="creates links from all units in a group to given units")
def _connect_group_to_units(interp, args):
    """A block of every unit of each listed group into each listed unit."""
    net = current_net(interp)
    i = 2
    while i < len(args) and net.unit(args[i]) is not None:
        i += 1                  # Lens passes over (and ignores) more unit names here
    opts = _new_link_options(args, i, CONNECT_GROUP_TO_UNITS_USAGE, "connectGroupToUnits",
                             "mrt")
    for g in groups_one_by_one(net, args[0], "connectGroupToUnits"):
        link_type = unitlinks.register_link_type(net, opts["link_type"] or g.name)
        for h, u in _lesion_units_in_list(net, args[1], "connectGroupToUnits"):
            unitlinks.connect_group_to_unit(net, g, h, u, link_type, opts["rng_range"],
                                            opts["mean"])
    return ""


def _only_group(net, name: str, cmd: str):
    g = net.group(name)
    if g is None:
        raise TclError(f'{cmd}: group "{name}" doesn\'t exist')
    return g


def _only_unit(net, name: str, cmd: str):
    found = net.unit(name)
    if found is None:
        raise TclError(f'{cmd}: unit "{name}" doesn\'t exist')
    return found


def _type_option(net, args, i: int, usage: str, cmd: str):
    """An optional `-type <link-type>` at args[i] (`-t`, `-ty`, … `-type`);
    None = every type."""
    if len(args) == i:
        return None
    if len(args) != i + 2 or len(args[i]) < 2 or not "-type".startswith(args[i]):
        raise TclError(f"usage: {usage}")
    link_type = unitlinks.lookup_link_type(net, args[i + 1])
    if link_type is None:
        raise TclError(f'{cmd}: link type "{args[i + 1]}" doesn\'t exist')
    return link_type


@lens_command(TABLE, "disconnectGroups", DISCONNECT_GROUPS_USAGE, 2, 4,
              help="deletes links of a specified type between two groups")
def _disconnect_groups(interp, args):
    if len(args) == 3:
        raise TclError(f"usage: {DISCONNECT_GROUPS_USAGE}")
    net = current_net(interp)
    pre = _only_group(net, args[0], "disconnectGroups")
    post = _only_group(net, args[1], "disconnectGroups")
    link_type = _type_option(net, args, 2, DISCONNECT_GROUPS_USAGE, "disconnectGroups")
    unitlinks.disconnect_groups(net, pre, post, link_type)
    return ""


@lens_command(TABLE, "disconnectGroupUnit", DISCONNECT_GROUP_UNIT_USAGE, 2, 4,
              help="deletes links from a group to a unit")
def _disconnect_group_unit(interp, args):
    if len(args) == 3:
        raise TclError(f"usage: {DISCONNECT_GROUP_UNIT_USAGE}")
    net = current_net(interp)
    pre = _only_group(net, args[0], "disconnectGroupUnit")
    h, u = _only_unit(net, args[1], "disconnectGroupUnit")
    link_type = _type_option(net, args, 2, DISCONNECT_GROUP_UNIT_USAGE, "disconnectGroupUnit")
    unitlinks.disconnect_group_from_unit(net, pre, h, u, link_type)
    return ""


@lens_command(TABLE, "disconnectUnits", DISCONNECT_UNITS_USAGE, 2, 4,
              help="deletes links of a specified type between two units")
def _disconnect_units(interp, args):
    if len(args) == 3:
        raise TclError(f"usage: {DISCONNECT_UNITS_USAGE}")
    net = current_net(interp)
    g, s = _only_unit(net, args[0], "disconnectUnits")
    h, u = _only_unit(net, args[1], "disconnectUnits")
    link_type = _type_option(net, args, 2, DISCONNECT_UNITS_USAGE, "disconnectUnits")
    unitlinks.disconnect_units(net, g, s, h, u, link_type)
    return ""


@lens_command(TABLE, "deleteLinks", DELETE_LINKS_USAGE, 0, 2,
              help="deletes all links of a specified type")
def _delete_links(interp, args):
    if len(args) == 1:
        raise TclError(f"usage: {DELETE_LINKS_USAGE}")
    net = current_net(interp)
    unitlinks.delete_all_links(net, _type_option(net, args, 0, DELETE_LINKS_USAGE,
                                                 "deleteLinks"))
    return ""


def _delete_for_each(interp, args, usage: str, cmd: str, each_group: bool, action) -> str:
    """deleteGroup/UnitInputs/Outputs: the type is checked first, then the
    list is walked name by name (a bad name stops it, earlier ones done)."""
    if len(args) == 2:
        raise TclError(f"usage: {usage}")
    net = current_net(interp)
    link_type = _type_option(net, args, 1, usage, cmd)
    if each_group:
        for g in groups_one_by_one(net, args[0], cmd):
            action(net, g, link_type)
    else:
        for g, u in _lesion_units_in_list(net, args[0], cmd):
            action(net, g, u, link_type)
    return ""


def _delete_command(name: str, usage: str, each_group: bool, action):
    def run(interp, args):
        return _delete_for_each(interp, args, usage, name, each_group, action)
    return run


for _name, _usage, _each_group, _action, _help in (
        ("deleteGroupInputs", DELETE_GROUP_INPUTS_USAGE, True, unitlinks.delete_group_inputs,
         "deletes inputs to a group (including Elman inputs)"),
        ("deleteGroupOutputs", DELETE_GROUP_OUTPUTS_USAGE, True, unitlinks.delete_group_outputs,
         "deletes outputs from a group (including Elman outputs)"),
        ("deleteUnitInputs", DELETE_UNIT_INPUTS_USAGE, False, unitlinks.delete_unit_inputs,
         "deletes inputs of a specified type to a unit"),
        ("deleteUnitOutputs", DELETE_UNIT_OUTPUTS_USAGE, False, unitlinks.delete_unit_outputs,
         "deletes outputs of a specified type from a unit")):
    lens_command(TABLE, _name, _usage, 1, 3, help=_help)(
        _delete_command(_name, _usage, _each_group, _action))


@lens_command(TABLE, "addLinkType", "addLinkType [<link-type>]", 0, 1,
              help="creates a new link type")
def _add_link_type(interp, args):
    """Registers a link type; with no name, lists them (no network needed)."""
    s = session(interp)
    if not args:
        return unitlinks.list_link_types(s)
    unitlinks.register_link_type(s, args[0])
    return ""


@lens_command(TABLE, "deleteLinkType", "deleteLinkType [<link-type>]", 0, 1,
              help="deletes a user-defined link type")
def _delete_link_type(interp, args):
    s = session(interp)
    if not args:
        return unitlinks.list_link_types(s)
    unitlinks.unregister_link_type(s, args[0])
    return ""


# -- not yet ------------------------------------------------------------------------------

def _not_yet(name):
    def run(interp, args):
        raise TclError(f"{name} is not supported by lens_py yet")
    return run


for _name in ("loadXerionWeights",):
    lens_command(TABLE, _name, f"{_name} ...")(_not_yet(_name))


# Lens refuses these while a train or test runs (from its hooks): they change
# the groups, links or networks it walks over.
refuse_during_tasks(TABLE, (
    "addNet", "useNet", "addGroup", "deleteGroups", "connectGroups", "connectGroupToUnits",
    "connectUnits", "elmanConnect", "copyConnect", "disconnectGroups", "disconnectGroupUnit",
    "disconnectUnits", "deleteLinks", "deleteGroupInputs", "deleteGroupOutputs",
    "deleteUnitInputs", "deleteUnitOutputs"))
