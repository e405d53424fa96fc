"""Training update schedules: which weight arrays learn on each
weight update.

A schedule is a cyclic list of steps; weight update k of training (one batch =
one update) lets only the arrays named by step (k mod n) learn.  Every other
array is held for that update exactly as if it were frozen: no step, no
weight decay, no change of its momentum or delta-bar-delta state.

Steps are parsed once (`parse_schedule`, syntax errors only) and resolved
against the network (`resolve`, unknown names and indices) into the set of
`WeightArray` ids that learn; the resolution is cached on the schedule and
recomputed only when the network's structure changes, so a schedule costs a
set lookup per array per update.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .network import NetworkError

HELP = """\
updateSchedule - which weight arrays learn on each weight update

  setObj updateSchedule {STEP1 STEP2 ... STEPn}
  train N -schedule {STEP1 ... STEPn}      (this run only)
  setObj updateSchedule {}                 (or Automatic: everything, every update)
  getObj updateSchedule                    (the schedule in normal form)
  getObj updateScheduleStep                (position in the cycle, 0-based)

Weight update k of training (one batch = one update, counting from 0) changes
only the arrays named by step S((k mod n) + 1); after Sn it starts again at S1.
Arrays that no step names never change while the schedule is in force.

A step is one of:
  hidden          every array of the group: all projections into it, its bias
                  included; * and ? are wildcards (gen*)
  3               every array of the group with that index (Lens's numbering,
                  the bias group is 0)
  2..4            groups 2 through 4
  hidden<-input   one array: the projection from input into hidden
                  (hidden<-bias is hidden's bias); either side may be a name,
                  pattern, index or range
  A|B|...         any of the specs (union)
  _               every array of the network
  {SPEC -> n}     that step for n consecutive updates: {discriminator -> 5} generator

Held arrays get no step, no weight decay, and keep their momentum and
delta-bar-delta state; their derivatives from that batch are dropped.
dougsMomentum's gradient norm covers only the arrays that learn; the progress
report's weight cost and gradient linearity cover every array.  Frozen arrays
never change.  ADAPTIVE_GAIN gains learn on steps that name their group as a
whole (hidden, 3, 2..4, gen*, _), not on steps naming one projection.

A shared array (connectGroups A B -shareWith C D) has one schedule: it learns
on every step that names any place where it occurs, once per update, with the
derivatives of all its places summed.  Its first place (in group order) gives
its learning rate, momentum, decay and weight limits, is where resetNet draws
its weights and where the report counts it; a row of it is frozen only when
it is frozen at every place.

The position in the cycle continues across train calls; it restarts at step 1
when the schedule is set and on resetNet.  `train -schedule` runs its own
schedule from its first step and leaves the network's schedule and position
alone.  The updateWeights command ignores schedules.

Python: net.update_schedule = ["discriminator -> 5", "generator"] (or a string),
net.update_schedule (normal form, a list), net.update_schedule_step.
"""

AUTOMATIC = "Automatic"


class ScheduleError(NetworkError):
    """A malformed schedule, or one naming something the network lacks."""


# -- the parsed form -----------------------------------------------------------------------

@dataclass(frozen=True)
class Selector:
    """Some groups: kind "name" (a name or a */? pattern), "index", "range", "all"."""
    kind: str
    name: str = ""
    first: int = 0
    last: int = 0

    def text(self) -> str:
        if self.kind == "all":
            return "_"
        if self.kind == "index":
            return str(self.first)
        if self.kind == "range":
            return f"{self.first}..{self.last}"
        return self.name


@dataclass(frozen=True)
class Part:
    """One alternative of a step: a receiver selector, and a sender selector for
    `R<-S` (None: every array into the receivers)."""
    receivers: Selector
    senders: Selector | None = None

    def text(self) -> str:
        if self.senders is None:
            return self.receivers.text()
        return f"{self.receivers.text()}<-{self.senders.text()}"


@dataclass(frozen=True)
class Step:
    parts: tuple
    repeat: int = 1

    def text(self) -> str:
        spec = "|".join(p.text() for p in self.parts)
        return spec if self.repeat == 1 else f"{spec} -> {self.repeat}"


@dataclass(frozen=True)
class Learning:
    """What learns on one update: WeightArray ids and group ids (for gains)."""
    arrays: frozenset
    gains: frozenset


class Schedule:
    def __init__(self, steps):
        self.steps = tuple(steps)
        self.ends = []          # cumulative repeat counts: step i covers [ends[i-1], ends[i])
        total = 0
        for s in self.steps:
            total += s.repeat
            self.ends.append(total)
        self.length = total
        self._cache = None      # (structure key, [Learning per step])

    def normal_form(self) -> list:
        return [s.text() for s in self.steps]

    def text(self) -> str:
        return format_list(self.normal_form())

    def step_at(self, position: int) -> int:
        """Index of the step that update `position` of the cycle uses."""
        return bisect.bisect_right(self.ends, position % self.length)

    def learning(self, net) -> list:
        """Per step, what learns; cached while the network's structure stays."""
        key = structure_key(net)
        if self._cache is None or self._cache[0] != key:
            self._cache = (key, [resolve_step(net, s) for s in self.steps])
        return self._cache[1]

    def __repr__(self):
        return f"<Schedule {self.text()}>"


# -- parsing -------------------------------------------------------------------------------

def split_list(text: str) -> list:
    """Tcl list elements (braces, double quotes, backslashes) without the shell."""
    items = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return items
        if text[i] == "{":
            depth, j = 1, i + 1
            while j < n and depth:
                if text[j] == "\\":
                    j += 1
                elif text[j] == "{":
                    depth += 1
                elif text[j] == "}":
                    depth -= 1
                j += 1
            if depth:
                raise ScheduleError(f'updateSchedule: unmatched open brace in "{text}"')
            items.append(text[i + 1:j - 1])
            i = j
        elif text[i] == '"':
            j = text.find('"', i + 1)
            if j < 0:
                raise ScheduleError(f'updateSchedule: unmatched quote in "{text}"')
            items.append(text[i + 1:j])
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace():
                j += 1
            items.append(text[i:j])
            i = j
        if i < n and not text[i].isspace():
            raise ScheduleError(
                f"updateSchedule: list element in braces followed by \"{text[i:].split()[0]}\" "
                "instead of space")


def format_list(items) -> str:
    out = []
    for s in items:
        if s == "" or re.search(r'[\s{}\[\]$;"\\]', s):
            out.append("{" + s + "}")
        else:
            out.append(s)
    return " ".join(out)


_RANGE = re.compile(r"(\d+)\.\.(\d+)")


def _selector(word: str, step: str) -> Selector:
    if not word:
        raise ScheduleError(f'updateSchedule: missing group in step "{step}"')
    if re.search(r"\s|[{}]|<-|->", word):
        raise ScheduleError(f'updateSchedule: malformed spec "{word}" in step "{step}"')
    if word == "_":
        return Selector("all")
    m = _RANGE.fullmatch(word)
    if m:
        first, last = int(m.group(1)), int(m.group(2))
        if first > last:
            raise ScheduleError(
                f'updateSchedule: empty group range "{word}" in step "{step}"')
        return Selector("range", first=first, last=last)
    if word.isdigit():
        return Selector("index", first=int(word))
    if ".." in word and re.fullmatch(r"[\d.]+", word):
        raise ScheduleError(f'updateSchedule: malformed group range "{word}" in step "{step}"')
    return Selector("name", name=word)


def parse_step(item) -> Step:
    """One step: a string `SPEC` or `SPEC -> n`, or a pair (SPEC, n)."""
    if isinstance(item, (tuple, list)):
        if len(item) != 2:
            raise ScheduleError(f"updateSchedule: malformed step {item!r}")
        item = f"{item[0]} -> {item[1]}"
    text = str(item).strip()
    if text.startswith("{") and text.endswith("}"):
        text = text[1:-1].strip()
    if not text:
        raise ScheduleError("updateSchedule: empty step")
    spec, repeat = text, 1
    if "->" in text:
        spec, _, count = text.rpartition("->")
        spec, count = spec.strip(), count.strip()
        if not re.fullmatch(r"[+-]?\d+", count):
            raise ScheduleError(
                f'updateSchedule: bad repeat count "{count}" in step "{text}": '
                "should be {SPEC -> n}")
        repeat = int(count)
        if repeat < 1:
            raise ScheduleError(
                f'updateSchedule: repeat count {repeat} in step "{text}" must be at least 1')
        if not spec:
            raise ScheduleError(f'updateSchedule: missing spec before "->" in step "{text}"')
    parts = []
    for alt in spec.split("|"):
        alt = alt.strip()
        if not alt:
            raise ScheduleError(f'updateSchedule: empty alternative in step "{text}"')
        if "<-" in alt:
            recv, _, send = alt.partition("<-")
            part = Part(_selector(recv.strip(), text), _selector(send.strip(), text))
        else:
            part = Part(_selector(alt, text))
        if part not in parts:
            parts.append(part)
    return Step(tuple(parts), repeat)


def parse_schedule(value) -> Schedule | None:
    """A schedule from a Tcl list string or a Python list of steps; None for
    "everything every update" (`{}`, `Automatic`, None, [])."""
    if value is None:
        return None
    if isinstance(value, Schedule):
        return value
    if isinstance(value, str):
        if value.strip() in (AUTOMATIC, AUTOMATIC.lower(), "{}"):
            return None
        items = split_list(value)
    else:
        items = list(value)
    if not items:
        return None
    return Schedule([parse_step(x) for x in items])


# -- resolving against a network -----------------------------------------------------------

def structure_key(net) -> tuple:
    return tuple((id(g), g.name, tuple((id(p), id(p.arrays)) for p in g.incoming))
                 for g in net.groups)


def _glob(pattern: str):
    rx = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(rx + r"\Z", re.DOTALL)


def select_groups(net, sel: Selector, step: Step) -> list:
    groups = net.groups
    where = f'in step "{step.text()}"'
    if sel.kind == "all":
        return list(groups)
    if sel.kind in ("index", "range"):
        last = sel.last if sel.kind == "range" else sel.first
        if last >= len(groups):
            raise ScheduleError(
                f"updateSchedule: group index {last} is out of range {where} "
                f"(the network has groups 0..{len(groups) - 1})")
        return list(groups[sel.first:last + 1])
    if "*" in sel.name or "?" in sel.name:
        rx = _glob(sel.name)
        found = [g for g in groups if rx.match(g.name)]
        if not found:
            raise ScheduleError(f'updateSchedule: no group matches "{sel.name}" {where}')
        return found
    g = net.group(sel.name)
    if g is None:
        raise ScheduleError(f'updateSchedule: unknown group "{sel.name}" {where}')
    return [g]


def resolve_step(net, step: Step) -> Learning:
    arrays, gains = set(), set()
    for part in step.parts:
        receivers = select_groups(net, part.receivers, step)
        if part.senders is None:
            for g in receivers:
                gains.add(id(g))
                arrays.update(id(p.arrays) for p in g.incoming)
            continue
        senders = {id(g) for g in select_groups(net, part.senders, step)}
        found = [p for g in receivers for p in g.incoming if id(p.sender) in senders]
        if not found:
            raise ScheduleError(
                f'updateSchedule: no projection from "{part.senders.text()}" into '
                f'"{part.receivers.text()}" in step "{step.text()}"')
        arrays.update(id(p.arrays) for p in found)
    return Learning(frozenset(arrays), frozenset(gains))


def check(net, schedule: Schedule | None) -> None:
    """Raise ScheduleError if the schedule names something the network lacks."""
    if schedule is not None:
        schedule.learning(net)


# -- running -------------------------------------------------------------------------------

class ScheduleRun:
    """Hands out what learns on each update of one `train` run (None: every
    array).  With the network's own schedule the position lives on the
    network, so it continues across runs, and a schedule set by a proc during
    the run applies from the next update; a `-schedule` given to one run
    starts at its first step."""

    def __init__(self, net, schedule: Schedule | None = None, own: bool = True):
        self.net = net
        self.schedule = schedule
        self.own = own
        self.position = 0
        check(net, net.update_schedule_object if own else schedule)  # errors before training

    def next(self) -> Learning | None:
        net = self.net
        s = net.update_schedule_object if self.own else self.schedule
        if s is None:
            return None
        pos = net._schedule_position if self.own else self.position
        learning = s.learning(net)[s.step_at(pos)]
        pos = (pos + 1) % s.length
        if self.own:
            net._schedule_position = pos
        else:
            self.position = pos
        return learning


def schedule_run(net, schedule=None) -> ScheduleRun:
    """The run's schedule: `schedule` if given (for this run only; "" or
    "Automatic" = every array on every update), else the network's own."""
    if schedule is None:
        return ScheduleRun(net)
    return ScheduleRun(net, parse_schedule(schedule), own=False)
