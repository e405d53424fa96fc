"""The original Lens as an oracle: run a script through its batch build
(`LENS_ORACLE`, else /tmp/lensref/bin/alens) in a folder of our choosing.
Tests that need it skip when it is not built."""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

BINARY = Path(os.environ.get("LENS_ORACLE", "/tmp/lensref/bin/alens"))
BANNER_LINES = 5


def available() -> bool:
    return BINARY.is_file() and os.access(BINARY, os.X_OK)


def require() -> None:
    if not available():
        pytest.skip(f"the original Lens is not built at {BINARY}")


def run(script: str, folder: Path, name: str = "script.in", timeout: float = 120):
    """(stdout without the banner, stderr without Lens's bell characters)."""
    require()
    (folder / name).write_text(script)
    done = subprocess.run([str(BINARY), name], cwd=folder, capture_output=True, text=True,
                          timeout=timeout)
    out = done.stdout.split("\n", BANNER_LINES)[-1] if done.stdout else ""
    return out, done.stderr.replace("\a", "")


_REPORT_TIMES = re.compile(r"^(\s*\d+\)(?:\s+\S+){4})\s+.*$", re.M)
_ELAPSED = re.compile(r"^Total time elapsed: .*$", re.M)


def without_times(text: str) -> str:
    """Printed output with the clock readings (report time columns, elapsed
    time) taken out, for comparing runs."""
    return _ELAPSED.sub("Total time elapsed: -", _REPORT_TIMES.sub(r"\1", text))
