"""lens_py's help pages: one text file per command in `pages/`, one per topic
in `topics/`, read when first asked for.

A page file starts with header lines (`synopsis:`, `area:`, `see:`), then a
blank line, then the page's text.  The command's usage line is not in the
page: it comes from the command table (one place decides it).  Other areas
may add topics at run time through `HELP_TOPICS` (name -> finished text).
"""
from __future__ import annotations

import functools
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES_DIR = HERE / "pages"
TOPICS_DIR = HERE / "topics"

# Topics other areas register: name -> text (e.g. updateSchedule).
HELP_TOPICS: dict = {}

# The areas of `help`'s command list, in the order they are shown.
AREAS = [
    ("networks", "Networks and groups"),
    ("links", "Links and weights"),
    ("lesions", "Lesions and noise"),
    ("examples", "Example sets"),
    ("training", "Training and testing"),
    ("objects", "Objects and parameters"),
    ("display", "Display (Lens's GUI; lens_py has none)"),
    ("parallel", "Parallel training (not in lens_py: use lens-py sweep)"),
    ("shell", "The Lens shell"),
    ("lens_py", "lens_py's own"),
    ("control", "Tcl: control flow and procedures"),
    ("data", "Tcl: variables, lists, strings, arrays and dictionaries"),
    ("io", "Tcl: files, channels, processes and time"),
]
AREA_TITLES = dict(AREAS)


@dataclass
class Page:
    name: str
    synopsis: str
    area: str
    see: list = field(default_factory=list)
    text: str = ""


class PageError(ValueError):
    pass


def parse_page(name: str, source: str) -> Page:
    head, sep, body = source.partition("\n\n")
    if not sep:
        raise PageError(f"help page {name}: no blank line after the header")
    fields = {}
    for line in head.splitlines():
        key, colon, value = line.partition(":")
        if not colon or key.strip() not in ("synopsis", "area", "see"):
            raise PageError(f"help page {name}: bad header line {line!r}")
        fields[key.strip()] = value.strip()
    if "synopsis" not in fields or "area" not in fields:
        raise PageError(f"help page {name}: needs synopsis: and area:")
    if fields["area"] not in AREA_TITLES and fields["area"] != "topic":
        raise PageError(f"help page {name}: unknown area {fields['area']!r}")
    return Page(name, fields["synopsis"], fields["area"], fields.get("see", "").split(),
                body.strip("\n"))


@functools.lru_cache(maxsize=None)
def _load(folder: Path) -> dict:
    pages = {}
    for path in sorted(folder.glob("*.txt")):
        pages[path.stem] = parse_page(path.stem, path.read_text(encoding="utf-8"))
    return pages


def pages() -> dict:
    """Every command page: name -> Page."""
    return _load(PAGES_DIR)


def topics() -> dict:
    """Every topic page: name -> Page."""
    return _load(TOPICS_DIR)


def render(page: Page, usage: str | None = None) -> str:
    """A page as `help` prints it."""
    out = [f"{page.name} - {page.synopsis}", ""]
    if usage:
        out.append("Usage:")
        for line in usage.split("\n"):
            out += textwrap.wrap(" ".join(line.split()), 78, initial_indent="  ",
                                 subsequent_indent="      ", break_on_hyphens=False)
        out.append("")
    out.append(page.text)
    if page.see:
        out += ["", "See also: " + ", ".join(page.see)]
    return "\n".join(out) + "\n"


def command_list(names, sorted_only: bool = False) -> str:
    """The commands named, with their synopses: by area (or alphabetically)."""
    known = pages()
    width = max((len(n) for n in names), default=0) + 2

    def line(n):
        page = known.get(n)
        return f"  {n:<{width}}{page.synopsis if page else ''}".rstrip()

    if sorted_only:
        return "\n".join(line(n) for n in sorted(names)) + "\n"
    by_area: dict = {}
    for n in names:
        area = known[n].area if n in known else "other"
        by_area.setdefault(area, []).append(n)
    out = []
    for area, title in AREAS + [("other", "Other commands")]:
        if area in by_area:
            out.append(title)
            out += [line(n) for n in sorted(by_area[area], key=str.lower)]
            out.append("")
    return "\n".join(out)
