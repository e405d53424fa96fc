"""A small real disk for tests: a tmpfs of a few hundred KB mounted on a
folder.  Only root may mount one; elsewhere (or when mounting fails) the
test is skipped with the reason."""
import contextlib
import os
import shutil
import subprocess

import pytest

FILLER = "filler"


@contextlib.contextmanager
def mounted(folder, size: str = "256k"):
    """`folder` (a pathlib.Path) as a tmpfs of `size` while the block runs."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("a small disk needs a tmpfs mount, and only root may mount")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs: {done.stderr.strip() or done.returncode}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def empty(disk) -> None:
    for p in disk.iterdir():
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def fill(disk, leave: int = 0) -> None:
    """Fill the disk but for about `leave` bytes (tmpfs counts whole pages)."""
    filler = disk / FILLER
    filler.unlink(missing_ok=True)
    free = shutil.disk_usage(disk).free
    with open(filler, "wb") as f:
        with contextlib.suppress(OSError):
            f.write(b"\0" * max(0, free - leave))


def free(disk) -> None:
    (disk / FILLER).unlink(missing_ok=True)
