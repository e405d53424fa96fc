"""getObject/setObject/path and the REPL's completion of object
paths.  The path grammar and value formats live in engine/objects.py."""
from __future__ import annotations

import re

from ..engine.fields import object_space, type_of
from ..engine.objects import ObjectError
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from .common import NoCurrentNetwork, atoi, lens_command, session

TABLE = CommandTable("lens-objects")

GET_USAGE = "getObject [<object>] [-depth <levels>]"
SET_USAGE = "setObject <object> [<value>]"
PATH_USAGE = "path [-network <network> | -group <group> | -unit <unit> | -set <example-set>]"


def _space(interp):
    # One ObjectSpace per interpreter: it only holds accessors of the session.
    space = interp.ext.get("object_space")
    if space is None:
        space = interp.ext["object_space"] = object_space(session(interp))
    return space


@lens_command(TABLE, "getObject", GET_USAGE, 0, 3)
def _get_object(interp, args):
    if len(args) == 1 and not args[0].startswith("-de"):
        return _space(interp).get(args[0])
    path, depth = "", 1
    i = 0
    while i < len(args):
        if args[i].startswith("-de"):
            if i + 1 >= len(args):
                raise TclError(f"usage: {GET_USAGE}")
            depth = atoi(args[i + 1])
            i += 2
        elif path == "":
            path = args[i]
            i += 1
        else:
            raise TclError(f"usage: {GET_USAGE}")
    return _space(interp).get(path, depth)


@lens_command(TABLE, "setObject", SET_USAGE, 1, 2)
def _set_object(interp, args):
    space = _space(interp)
    if len(args) == 1:
        return space.get(args[0])
    value = space.set(args[0], args[1])
    if not args[0].endswith(")"):
        # Lens mirrors the value in a global `.<path>` variable.
        interp.set_global("." + args[0], value)
    return value


@lens_command(TABLE, "path", PATH_USAGE, 2, 2)
def _path(interp, args):
    s = session(interp)
    kind, name = args[0][1:2], args[1]
    if kind == "n":
        net = s.find_net(name)
        if net is not None:
            return f"root.net({net.num})"
    elif kind == "s":
        names = list(s.sets)
        if name in names:
            return f"root.set({names.index(name)})"
    elif kind in "gu":
        net = s.net
        if net is None:
            raise NoCurrentNetwork("no current network")
        if kind == "g":
            g = net.group(name)
            if g is not None:
                return f"group({g.num})"
        else:
            found = net.unit(name)
            if found is not None:
                return f"group({found[0].num}).unit({found[1]})"
    else:
        raise TclError(f"usage: {PATH_USAGE}")
    raise TclError(f'path: object "{name}" doesn\'t exist')


# -- completion -----------------------------------------------------------------------

_OBJECT_COMMANDS = re.compile(r"(?:^|[\s\[;])(?:getObj\w*|setObj\w*)\s+(\S*)$")


def complete_object_path(interp, text_before_cursor: str) -> list:
    """Words completing the object path being typed after getObj/setObj: the
    fields of the object the path so far names, or (for its first part) the
    current network's fields and the names of groups, networks and sets."""
    m = _OBJECT_COMMANDS.search(text_before_cursor)
    if m is None:
        return []
    word = m.group(1)
    s = session(interp)
    space = _space(interp)
    cut = max(word.rfind("."), word.rfind(")"))
    if cut < 0:
        names = []
        if s.net is not None:
            names += list(type_of(s.net).fields)
            names += [g.name for g in s.net.groups]
        names += [n.name for n in s.nets] + list(s.sets)
        return sorted(set(names))
    head = word[:cut + 1] if word[cut] == ")" else word[:cut]
    try:
        ref = space.resolve(head)
    except ObjectError:
        return []
    if ref.field is not None:
        return []
    prefix = head + "."
    try:
        fields = type_of(ref.obj).fields
    except KeyError:
        return []
    return [prefix + f for f in fields]


def setup(interp):
    interp.ext.setdefault("completers", []).append(
        lambda text: complete_object_path(interp, text))
