"""What a sweep will run: the seeds, the values of each swept variable, and
every combination of them, each with the name of its own folder.

Nothing here needs Dask; the command line and the Python call both build
their plan with these functions, so both read `1-20` and `lr=0.1,0.2` alike."""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

# Columns a sweep fills itself; a swept variable or a sweepResult may not
# take one of these names (the rows would have two values for one column).
RESERVED_COLUMNS = ("run", "status", "seed", "error", "updates", "wall_time", "message",
                    "test_error", "test_examples", "test_ticks", "test_correct",
                    "test_percent_correct")

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class PlanError(ValueError):
    """A seed list, a --set or a variable name that cannot be used."""


@dataclass(frozen=True)
class Run:
    index: int                  # position in the plan (rows are written in this order)
    seed: int
    values: dict = field(default_factory=dict)   # NAME -> value, as text for Tcl

    @property
    def name(self) -> str:
        """The run's folder name, e.g. `seed=3,lr=0.1`."""
        parts = [f"seed={self.seed}"] + [f"{k}={_folder_safe(v)}" for k, v in self.values.items()]
        return ",".join(parts)

    def tcl_setup(self) -> str:
        """The commands run before the script, exactly as one would type them
        with `lens-py -c` to repeat this run alone."""
        from ..shell.tcllist import format_list
        cmds = [f"seed {self.seed}"]
        cmds += [format_list(["set", k, v]) for k, v in self.values.items()]
        return "; ".join(cmds)


def _folder_safe(value: str) -> str:
    # Values become part of a folder name: keep it one portable path component.
    return re.sub(r"[^A-Za-z0-9._+\-]", "_", value) or "_"


def parse_seeds(text: str) -> list[int]:
    """`1-20`, `1,3,5`, `1-5,10` → the seeds in that order (duplicates refused)."""
    seeds: list[int] = []
    for part in text.split(","):
        part = part.strip()
        m = re.fullmatch(r"(-?\d+)(?:-(-?\d+))?", part)
        if not m:
            raise PlanError(f'bad seed list "{text}": expected e.g. 1-20 or 1,3,5')
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) is not None else lo
        if hi < lo:
            raise PlanError(f'bad seed range "{part}": the end is before the start')
        seeds.extend(range(lo, hi + 1))
    return _no_repeats(seeds, "seed")


def parse_set(text: str) -> tuple[str, list[str]]:
    """`lr=0.1,0.2` → ("lr", ["0.1", "0.2"])."""
    name, eq, values = text.partition("=")
    name = name.strip()
    if not eq or not values.strip():
        raise PlanError(f'bad --set "{text}": expected NAME=V1,V2,...')
    check_name(name)
    return name, _no_repeats([v.strip() for v in values.split(",")], f"value of {name}")


def check_name(name: str) -> None:
    if not _NAME.match(name):
        raise PlanError(f'bad variable name "{name}": use letters, digits and _')
    if name in RESERVED_COLUMNS:
        raise PlanError(f'"{name}" names a column the sweep fills itself; '
                        "choose another name")


def _no_repeats(items: list, what: str) -> list:
    seen = set()
    for item in items:
        if item in seen:
            raise PlanError(f"{what} {item} is listed twice")
        seen.add(item)
    return items


def tcl_value(value) -> str:
    """A Python value as the text Tcl will see (floats in their shortest form)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def plan_runs(seeds, variables: dict | None = None) -> list[Run]:
    """Every combination: seeds outermost, then the variables in the order given."""
    variables = dict(variables or {})
    seeds = _no_repeats([int(s) for s in seeds], "seed")
    if not seeds:
        raise PlanError("no seeds to run")
    names = list(variables)
    for name in names:
        check_name(name)
    columns = []
    for name in names:
        vals = variables[name]
        if isinstance(vals, (str, bytes)) or not hasattr(vals, "__iter__"):
            vals = [vals]
        vals = _no_repeats([tcl_value(v) for v in vals], f"value of {name}")
        if not vals:
            raise PlanError(f"no values for {name}")
        columns.append(vals)
    runs = [Run(i, seed, dict(zip(names, combo)))
            for i, (seed, *combo) in enumerate(itertools.product(seeds, *columns))]
    _distinct_folders(runs)
    return runs


def _distinct_folders(runs: list[Run]) -> None:
    seen: dict[str, Run] = {}
    for run in runs:
        other = seen.get(run.name)
        if other is not None:
            raise PlanError(f"runs {other.values} and {run.values} would share the folder "
                            f'"{run.name}"; use values that differ in letters or digits')
        seen[run.name] = run
