"""Lens's graph commands -- graph, trace, graphObject, exportGraph,
updateGraphs -- over the graph data of engine/graphs.py, and the viewer
commands (view, viewUnits, viewLinks and the plot layout ones).

Lens hides its graph windows in batch mode but keeps their data, so these
commands behave as the original's batch mode does; `exportGraph` also draws
a picture when the file name ends in an image suffix (lens_py's own)."""
from __future__ import annotations

from ..engine import graphs as G
from ..engine import types as T
from ..engine.lensfiles import LensFileError, open_write
from ..engine.objects import atoi
from ..shell import numbers
from ..shell.errors import TclError
from ..shell.registry import CommandTable
from ..shell.tcllist import parse_list
from .common import lens_command, session

TABLE = CommandTable("lens-graphs")

GRAPH_USAGE = ("graph [create | list] | [delete | refresh | update | store | clear |\n"
               "\thide | show] <graph-list>")
TRACE_USAGE = ("trace create <graph> [<object>] | list <graph> | "
               "[delete | store | clear] <graph> <trace-list>")
GRAPH_OBJECT_USAGE = "graphObject [<object-list> [-updates <update-rate>]]"
EXPORT_USAGE = "exportGraph <graph> <file-name> [-labels | -gnuplot]"
UPDATE_GRAPHS_USAGE = "updateGraphs [<graph>]*"

# exportGraph draws a picture instead of writing the points for these
IMAGE_SUFFIXES = (".png", ".svg", ".pdf", ".eps", ".ps", ".jpg", ".jpeg", ".tif", ".tiff")


def setup(interp):
    graphs = G.graphs_of(session(interp))
    graphs.evaluate = lambda script: numbers.get_double(interp.eval_global(script))
    graphs.report_error = lambda message: interp.write(f"Error: {message}\n", "stderr")


def _graphs(interp) -> G.Graphs:
    return G.graphs_of(session(interp))


def _sub(word: str, name: str, min_len: int) -> bool:
    """Lens's subString: `word` and `name` agree on their first min_len + 1
    characters (so `cre` is `create`, and so is `crexyz`)."""
    common = 0
    for a, b in zip(word, name):
        if a != b:
            break
        common += 1
    return common > min_len


def _int_or_none(text: str):
    return numbers.parse_int(text.strip()) if text.strip() else None


def _graph_arg(interp, text: str, message: str) -> G.Graph:
    g = _int_or_none(text)
    graph = _graphs(interp).lookup(g) if g is not None else None
    if graph is None:
        raise TclError(message.format(text))
    return graph


def _each(items_text: str, everything, lookup, missing: str):
    """A Lens graph or trace list: `*`, or numbers.  Like Lens, yields them
    one by one, so the ones before a missing number are acted on before its
    error."""
    if items_text == "*":
        yield from list(everything)
        return
    for word in parse_list(items_text):
        found = lookup(atoi(word))
        if found is None:
            raise TclError(missing.format(word))
        yield found


# -- graph -------------------------------------------------------------------------------

_GRAPH_ACTIONS = [          # (name, letters Lens needs beyond the first, action)
    ("delete", 1, lambda gs, g, s: gs.delete(g)),
    ("refresh", 1, lambda gs, g, s: None),          # nothing is drawn
    ("update", 1, lambda gs, g, s: g.update(s) if g.update_on else None),
    ("store", 2, lambda gs, g, s: g.store()),
    ("clear", 1, lambda gs, g, s: g.clear()),
    ("hide", 1, lambda gs, g, s: None),             # graphs are always hidden
    ("show", 2, lambda gs, g, s: None),             # ... as in Lens's batch mode
]


@lens_command(TABLE, "graph", GRAPH_USAGE, 1, 2)
def _graph(interp, args):
    gs = _graphs(interp)
    sub = args[0]
    if _sub(sub, "create", 2):
        if len(args) != 1:
            raise TclError(f"usage: {GRAPH_USAGE}")
        return str(gs.create().num)
    if _sub(sub, "list", 1):
        if len(args) != 1:
            raise TclError(f"usage: {GRAPH_USAGE}")
        return " ".join(str(g.num) for g in gs.graphs)
    if len(args) != 2:
        raise TclError(f"usage: {GRAPH_USAGE}")
    action = next((act for name, n, act in _GRAPH_ACTIONS if _sub(sub, name, n)), None)
    s = session(interp)
    for g in _each(args[1], gs.graphs, gs.lookup, 'graph: graph "{}" doesn\'t exist'):
        if action is not None:      # an unknown action still checks the list, as Lens
            action(gs, g, s)
    return ""


# -- trace -------------------------------------------------------------------------------

@lens_command(TABLE, "trace", TRACE_USAGE, 1, 3)
def _trace(interp, args):
    graph = _graph_arg(interp, args[1] if len(args) > 1 else "",
                       'trace: graph "{}" doesn\'t exist')
    sub = args[0]
    if _sub(sub, "create", 2):
        return str(graph.create_trace(args[2] if len(args) == 3 else "").num)
    if _sub(sub, "list", 1):
        if len(args) != 2:
            raise TclError(f"usage: {TRACE_USAGE}")
        return " ".join(str(t.num) for t in graph.traces)
    if len(args) != 3:
        raise TclError(f"usage: {TRACE_USAGE}")
    for tr in _each(args[2], graph.traces, graph.trace,
                    'trace: trace "{}" doesn\'t exist in graph %d' % graph.num):
        if _sub(sub, "delete", 1):
            graph.delete_trace(tr)
        elif _sub(sub, "store", 1):
            graph.store_trace(tr)
        elif _sub(sub, "clear", 2):
            tr.clear()
    return ""


# -- graphObject ---------------------------------------------------------------------------

@lens_command(TABLE, "graphObject", GRAPH_OBJECT_USAGE, 0, 3)
def _graph_object(interp, args):
    updates = G.ON_REPORT
    i = 1               # as Lens: the first word is the object list, even "-u"
    while i < len(args) and args[i].startswith("-"):
        if args[i][1:2] != "u" or i + 1 >= len(args):
            raise TclError(f"usage: {GRAPH_OBJECT_USAGE}")
        mask = T.lookup_type_mask(args[i + 1], T.UPDATE_SIGNAL)
        if mask is None:
            raise TclError(f"graphObject: unknown update signal: {args[i + 1]}")
        updates = mask
        i += 2
    if i < len(args):
        raise TclError(f"usage: {GRAPH_OBJECT_USAGE}")
    graph = _graphs(interp).create()
    graph.update_on = updates
    for source in parse_list(args[0] if args else "error"):
        graph.create_trace(source)
    return str(graph.num)


# -- exportGraph -------------------------------------------------------------------------

@lens_command(TABLE, "exportGraph", EXPORT_USAGE, 2)
def _export_graph(interp, args):
    graph = _graph_arg(interp, args[0], "Graph {} doesn't exist")
    labels = gnuplot = False
    i = 2
    while i < len(args) and args[i].startswith("-"):
        letter = args[i][1:2]
        if letter == "l":
            labels = True
        elif letter == "g":
            gnuplot = True
        else:
            raise TclError(f"usage: {EXPORT_USAGE}")
        i += 1
    if i < len(args):
        raise TclError(f"usage: {EXPORT_USAGE}")
    name = args[1]
    try:
        if name.lower().endswith(IMAGE_SUFFIXES):
            from .. import plots
            try:
                plots.save_graph(graph, name)
            except plots.PlotError as e:
                raise TclError(f"exportGraph: {e}") from None
            return ""
        text = graph.export_text(labels, gnuplot)
        with open_write(name) as f:
            f.write(text)
    except LensFileError as e:
        raise _write_failed(name, e) from None
    return ""


def _write_failed(name, e: LensFileError) -> TclError:
    """Lens's words, then the reason."""
    return TclError(f'Couldn\'t write file "{name}"' + (f": {e.why}" if e.why else ""))


# -- updateGraphs ------------------------------------------------------------------------

@lens_command(TABLE, "updateGraphs", UPDATE_GRAPHS_USAGE, 0)
def _update_graphs(interp, args):
    """Documented by Lens 2.63 but not registered there: with no argument the
    graphs listening to USER_SIGNALS update; otherwise the graphs named,
    whatever they listen to."""
    gs = _graphs(interp)
    s = session(interp)
    if not args:
        for g in gs.graphs:
            if g.update_on & G.ON_CUSTOM:
                g.update(s)
        return ""
    targets = [_graph_arg(interp, a, 'updateGraphs: graph "{}" doesn\'t exist') for a in args]
    for g in targets:
        g.update(s)
    return ""


# -- the viewers -----------------------------------------------------------------------------

VIEW_UNITS_USAGE = "viewUnits [-file <file>] [-set <example-set>]"
VIEW_LINKS_USAGE = "viewLinks [-file <file>]"


def _viewer_options(args, usage, allowed):
    found = {}
    i = 0
    while i < len(args):
        letter = args[i][1:2] if args[i].startswith("-") else ""
        if letter not in allowed or i + 1 >= len(args):
            raise TclError(f"usage: {usage}")
        found[allowed[letter]] = args[i + 1]
        i += 2
    return found


def _interactive(interp) -> bool:
    return interp.var_exists("::tcl_interactive") and interp.get_global("tcl_interactive") == "1"


def _batch_no_op(interp, name: str, opts):
    """Lens's batch mode has no viewers and old scripts call them: there,
    without -file, nothing is written or printed (the result says how)."""
    if "file" not in opts and not _interactive(interp):
        return f"{name} is not available in batch mode without -file"
    return None


def _show(interp, path: str) -> str:
    """Open the page in the browser at the interactive prompt; else (and
    always) say where it is."""
    if _interactive(interp):
        import webbrowser
        try:
            webbrowser.open("file://" + path)
        except Exception:       # no browser here: the path is printed anyway
            pass
    interp.write(f"Wrote {path}\n")
    return path


def _current_net(interp, name):
    net = session(interp).net
    if net is None:
        raise TclError(f"{name}: there is no current network")
    return net


@lens_command(TABLE, "viewUnits", VIEW_UNITS_USAGE, 0)
def _view_units(interp, args):
    from ..view import units
    opts = _viewer_options(args, VIEW_UNITS_USAGE, {"f": "file", "s": "set"})
    skip = _batch_no_op(interp, "viewUnits", opts)
    if skip:
        return skip
    s = session(interp)
    net = _current_net(interp, "viewUnits")
    exset = None
    if "set" in opts:
        exset = s.sets.get(opts["set"])
        if exset is None:
            raise TclError(f'viewUnits: example set "{opts["set"]}" doesn\'t exist')
    try:
        path = units.write(s, net, exset, opts.get("file"))
    except LensFileError as e:
        raise _write_failed(opts.get("file") or e.name, e) from None
    except ValueError as e:
        raise TclError(str(e)) from None
    return _show(interp, path)


@lens_command(TABLE, "viewLinks", VIEW_LINKS_USAGE, 0)
def _view_links(interp, args):
    from ..view import links
    opts = _viewer_options(args, VIEW_LINKS_USAGE, {"f": "file"})
    skip = _batch_no_op(interp, "viewLinks", opts)
    if skip:
        return skip
    net = _current_net(interp, "viewLinks")
    try:
        path = links.write(net, opts.get("file"))
    except LensFileError as e:
        raise _write_failed(opts.get("file") or e.name, e) from None
    return _show(interp, path)

