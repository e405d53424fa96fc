"""`printUnitValues` and `printLinkValues`: call a user's Tcl proc
once per unit or per link with Lens's object paths as arguments, and write
each result string verbatim to a file.

The engine does not evaluate Tcl: the caller passes `call(proc, args) ->
str`.  When the proc fails, what was written so far is kept (as in Lens) and
the proc's error is raised again unchanged.
"""
from __future__ import annotations

from .lensfiles import LensFileError, open_write, target_name
from .network import NetworkError


class PrintValuesError(LensFileError):
    """The file could not be written."""


def _groups(net, groups):
    return [net.require_group(g) if isinstance(g, str) else g for g in groups]


def _write_results(command: str, filename, append: bool, results) -> None:
    failure = None
    try:
        with open_write(filename, binary=False, append=append) as f:
            try:
                for text in results:
                    f.write(text)
            except LensFileError:
                raise
            except Exception as e:      # the proc failed: keep what came before
                failure = e
    except LensFileError as e:
        why = f": {e.why}" if e.why else ""
        raise PrintValuesError(f"{command}: couldn't write to the file "
                               f"{target_name(filename)}{why}") from None
    if failure is not None:
        raise failure


def unit_paths(g, u: int) -> list[str]:
    return [f"group({g.num})", f"group({g.num}).unit({u})"]


def print_unit_values(net, filename: str, proc: str, groups, append: bool = False,
                      call=None) -> str:
    """For each listed group and unlesioned unit: `<proc> group(g) group(g).unit(u)`."""
    groups = _groups(net, groups)

    def results():
        for g in groups:
            for u in range(g.size):
                if g.skipped is None or not g.skipped[u]:
                    yield call(proc, unit_paths(g, u))

    _write_results("printUnitValues", filename, append, results())
    return ""


def print_link_values(net, filename: str, proc: str, senders, receivers,
                      link_type: str | None = None, append: bool = False, call=None) -> str:
    """For each listed receiving group, unlesioned unit and block from a listed
    sender group (of the link type, if given), for each link of the block:
    `<proc> group(F) group(F).unit(s) group(G) group(G).unit(u) <block> <link>`,
    where <link> indexes the receiving unit's incoming links."""
    if link_type is not None and link_type not in net.link_types[1:]:
        raise NetworkError(f"printLinkValues: link type {link_type} doesn't exist")
    senders = {id(g) for g in _groups(net, senders)}
    receivers = _groups(net, receivers)

    def results():
        for g in receivers:
            for u in range(g.size):
                if g.skipped is not None and g.skipped[u]:
                    continue
                link = 0
                for b, (p, first, count) in enumerate(net.blocks(g, u)):
                    f = p.sender
                    if id(f) not in senders or (link_type is not None
                                                and p.link_type != link_type):
                        link += count
                        continue
                    for s in range(first, first + count):
                        yield call(proc, unit_paths(f, s) + unit_paths(g, u)
                                   + [str(b), str(link)])
                        link += 1

    _write_results("printLinkValues", filename, append, results())
    return ""
