"""Where Lens's own example files are (../shared/lens-examples beside the
checkout); tests that need one skip when they are not there, and XOR falls
back to our own nets/xor.ex (the same four patterns in the same order)."""
from pathlib import Path

import pytest

_HERE = Path(__file__).resolve()
_CANDIDATES = [_HERE.parents[2] / "shared" / "lens-examples",
               Path("/work/shared/lens-examples")]
FOLDER = next((p for p in _CANDIDATES if p.is_dir()), None)
OUR_XOR = _HERE.parents[1] / "lens_py" / "nets" / "xor.ex"


def path(name: str):
    """The file's path, or None when Lens's examples are not here."""
    if FOLDER is None or not (FOLDER / name).exists():
        return None
    return str(FOLDER / name)


def require(name: str) -> str:
    p = path(name)
    if p is None:
        pytest.skip(f"Lens's example file {name} is not here")
    return p


def xor() -> str:
    return path("xor.ex") or str(OUR_XOR)
