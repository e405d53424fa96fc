"""The example networks that ship with lens_py: Lens scripts (`NAME.in`) with
their example files, run from anywhere with `lens-py --example NAME` (and
listed by `lens-py --examples`)."""
from __future__ import annotations

from pathlib import Path

FOLDER = Path(__file__).resolve().parent


def names() -> list:
    """The examples' names, sorted (each NAME has a NAME.in here)."""
    return sorted(p.stem for p in FOLDER.glob("*.in"))


def script(name: str) -> Path:
    """The script of example NAME (`xor` or `xor.in`); KeyError if there is none."""
    stem = name[:-3] if name.endswith(".in") else name
    path = FOLDER / f"{stem}.in"
    if not path.is_file():
        raise KeyError(stem)
    return path


def summary(name: str) -> str:
    """The first line of the script's opening comment."""
    for line in script(name).read_text().splitlines():
        if line.startswith("#"):
            return line.lstrip("# ").rstrip()
        if line.strip():
            break
    return ""
