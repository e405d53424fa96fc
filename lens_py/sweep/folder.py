"""A run's own folder.

A script finds its files relative to itself (`source` works in the script's
folder), yet every run must write its outputs to a folder of its own.  So a
run's folder shows the script's folder through links: the same
sub-folders, made for real, and a link for each file.  The script is run
from the run's folder; reading `xor.ex` reads the user's file through its
link, and a file the script writes is a new file in the run's folder.

Writing to a name that is one of the links must not write through it into
the user's folder.  lens_py writes its own files (weights, examples,
outputs) through one path, which (outside sweeps) writes through links on
purpose, and Tcl's `open ... w` and appends open the name itself; so in a
run both first make the name the run's own file (an empty one for a
rewrite, a copy for an append or `r+`).  Shell
commands a script starts (`exec`, `|cmd`) are outside this guard.
"""
from __future__ import annotations

import builtins
import json
import os
import shutil

# The files a sweep writes into each run's folder.
SPEC_FILE = "sweep-run.json"        # what to run; its presence marks a sweep's folder
OUTPUT_FILE = "sweep-output.txt"    # what the run printed (stdout)
ERRORS_FILE = "sweep-errors.txt"    # its stderr
RESULT_FILE = "sweep-result.json"   # the numbers it gives back
OWN_FILES = (SPEC_FILE, OUTPUT_FILE, ERRORS_FILE, RESULT_FILE)

# Folders never worth showing to a run.
SKIPPED = {".git", ".hg", ".svn", "__pycache__", ".ipynb_checkpoints"}
MAX_ENTRIES = 5000


class FolderError(Exception):
    """A run's folder cannot be made; the message says why."""


def prepare(folder: str, spec: dict) -> None:
    """An empty folder for a run, holding only its spec.  A folder left by an
    earlier sweep (it has a spec file) is cleared; any other folder that is not
    empty is refused, so a sweep never deletes what a user put there."""
    if os.path.lexists(folder):
        if not os.path.isdir(folder) or os.path.islink(folder):
            raise FolderError(f'"{folder}" exists and is not a folder')
        if os.path.exists(os.path.join(folder, SPEC_FILE)):
            shutil.rmtree(folder)           # links inside are removed, not followed
        elif os.listdir(folder):
            raise FolderError(f'"{folder}" exists, is not empty and was not made by a sweep')
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, SPEC_FILE + ".tmp")
    with open(tmp, "w") as f:
        json.dump(spec, f, indent=1)
    os.replace(tmp, os.path.join(folder, SPEC_FILE))


def mirror(source: str, target: str, exclude=()) -> set:
    """Show `source`'s files in `target` (see the module's docstring); names
    already in `target` are kept.  `exclude`: paths not shown (the sweep's own
    output folders when they lie inside the script's folder).  Returns the
    links made (absolute paths)."""
    excluded = {os.path.realpath(p) for p in exclude}
    links: set = set()
    count = 0
    for here, dirs, files in os.walk(source):
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED
                         and os.path.realpath(os.path.join(here, d)) not in excluded)
        rel = os.path.relpath(here, source)
        out = os.path.normpath(os.path.join(target, rel))
        os.makedirs(out, exist_ok=True)
        # a linked folder inside the script's folder is shown as one link, not walked
        names = files + [d for d in dirs if os.path.islink(os.path.join(here, d))]
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(here, d))]
        for name in names:
            src = os.path.join(here, name)
            if os.path.realpath(src) in excluded:
                continue
            dst = os.path.join(out, name)
            if os.path.lexists(dst):
                continue
            count += 1
            if count > MAX_ENTRIES:
                raise FolderError(
                    f'the folder "{source}" holds more than {MAX_ENTRIES} files to show in '
                    f"each run's folder; put the script and its files in a folder of their own")
            os.symlink(src, dst)
            links.add(os.path.abspath(dst))
    return links


def guard_writes(links: set) -> None:
    """From now on in this process, opening one of `links` to write makes it
    the process's own file first (see the module's docstring)."""
    real_open = builtins.open

    def claim(name, keep_content: bool) -> None:
        path = os.path.abspath(os.fsdecode(name))
        if path in links:
            links.discard(path)
            if os.path.islink(path):
                _make_own(path, keep_content)

    from ..engine import lensfiles
    lensfiles.BEFORE_WRITE.append(lambda name, append: claim(name, keep_content=append))

    def own_open(file, mode="r", *args, **kwargs):
        if isinstance(file, (str, bytes, os.PathLike)) and _writes(mode):
            claim(file, keep_content="w" not in mode)
        return real_open(file, mode, *args, **kwargs)

    builtins.open = own_open


def _writes(mode) -> bool:
    return isinstance(mode, str) and any(c in mode for c in "wa+")


def _make_own(path: str, keep_content: bool) -> None:
    if not keep_content:
        os.unlink(path)
        return
    tmp = path + ".sweep-copy"
    shutil.copy2(path, tmp)             # follows the link: the user's file's content
    os.replace(tmp, path)
