"""Counts read from files or commands that cannot be honoured, refused before
anything is allocated: Lens keeps counts in a C int, and a count whose
objects would not fit in memory would only make lens_py swap for ever (where
Lens's calloc fails and it dies with a fatal error)."""
from __future__ import annotations

INT_MAX = 2 ** 31 - 1


def available_memory() -> int | None:
    """Bytes this process could still allocate (Linux's MemAvailable), or None."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def check_count(n: int, what: str, bytes_each: int, most: int | None = None,
                most_why: str = "") -> str | None:
    """Why `n` of something taking about `bytes_each` bytes cannot be made
    (None if it can): more than a C int holds, more than lens_py's own limit
    `most` (`most_why` says what it limits), or more than memory holds."""
    if n > INT_MAX:
        return f"{what} ({n}) is larger than {INT_MAX}"
    if most is not None and n > most:
        return f"{what} ({n}) is more than lens_py allows {most_why}({most})"
    free = available_memory()
    if free is not None and n * bytes_each > free:
        return (f"{what} ({n}) would need {n * bytes_each / 2**30:.1f} GB of memory; "
                f"{free / 2**30:.1f} GB is available")
    return None
