"""Weight files: `saveWeights` / `loadWeights`.

Lens's formats, links in Lens's order (groups → units → incoming links):

* binary: big-endian int32 cookie 0x55555556, numLinks, numValues,
  totalUpdates, then numValues big-endian float32 values per link;
* the old binary format (read only): cookie 0x55555555, numLinks,
  bytesPerLink, then the values (no totalUpdates);
* text: the same four header numbers one per line, then one line per link
  (C `%g`, NaN as `-`).  When reading, line breaks do not matter and the
  header may also be `-numValues numLinks` or just `numLinks`.

Values per link: 1 = weight, 2 = + lastWeightDelta, 3 = + lastValue (the
delta-bar-delta rate).  A name ending `.npz` (or a file that is a zip
archive) is lens_py's NumPy format instead: one array per projection and
field, named `<sender>-><receiver>.<field>` (`[<link type>]` after the
receiver when the type is not the sender's name), a `.links` mask where
not every entry of the matrix was saved, and `totalUpdates`.

A file that does not fit the network raises WeightFileError and leaves the
network untouched: everything is parsed before anything is written.
"""
from __future__ import annotations

import io
import re
import struct

import numpy as np

from .lensfiles import (LensFileError, close_stream, open_read, open_write, reason,
                        target_name)

COOKIE = 0x55555556
OLD_COOKIE = 0x55555555
FIELDS = ("weight", "last_delta", "last_value")
LENS_FIELD_NAMES = ("weight", "lastWeightDelta", "lastValue")
LOAD = "standardLoadWeights"
SAVE = "standardSaveWeights"


class WeightFileError(LensFileError):
    """A weight file that cannot be written, read or does not fit the network."""


# -- which links ----------------------------------------------------------------------

def link_selector(net, no_frozen: bool = False, only_frozen: bool = False):
    """`select(group, projection)` for Network.gather_links, or None for all links.

    Lens's rule: -noFrozen skips links frozen anywhere on their net/group/
    unit/block path, -onlyFrozen skips links frozen nowhere; both skip all."""
    if not no_frozen and not only_frozen:
        return None
    if no_frozen and only_frozen:
        return lambda g, p: np.zeros(p.arrays.shape, dtype=bool)
    if no_frozen:
        return lambda g, p: ~net.link_is_frozen(g, p)
    return net.link_is_frozen


def count_links(net, select) -> int:
    return len(net.gather_links("weight", select))


def _check_num_values(num_values: int, where: str) -> int:
    if not isinstance(num_values, (int, np.integer)) or not 1 <= num_values <= 3:
        raise WeightFileError(f"{where}: the number of values per link must be 1, 2 or 3, "
                              f"not {num_values}")
    return int(num_values)


def _is_npz(name: str) -> bool:
    return name.endswith(".npz")


# -- saving ----------------------------------------------------------------------------

def save_weights(net, filename: str, num_values: int = 1, text: bool = False,
                 no_frozen: bool = False, only_frozen: bool = False) -> str:
    """Write the selected links' values (to a file name, or an open binary or
    text stream); returns the file name."""
    num_values = _check_num_values(num_values, SAVE)
    select = link_selector(net, no_frozen, only_frozen)
    if _is_npz(target_name(filename)):
        archive = io.BytesIO()
        np.savez(archive, **_npz_payload(net, num_values, select))
        _write(filename, True, archive.getvalue())
        return target_name(filename)
    values = np.stack([net.gather_links(f, select) for f in FIELDS[:num_values]], axis=1)
    header = (COOKIE, len(values), num_values, int(net.total_updates))
    if text:
        payload = "".join(f"{v}\n" for v in header) + _text_lines(values)
        _write(filename, False, payload)
    else:
        payload = struct.pack(">4i", *header) + values.astype(">f4").tobytes()
        _write(filename, True, payload)
    return target_name(filename)


def _write(filename, binary: bool, payload) -> None:
    try:
        with open_write(filename, binary=binary) as f:
            f.write(payload)
    except LensFileError as e:
        raise WeightFileError(f"{SAVE}: {e}") from None


def format_real(x) -> str:
    """Lens's writeReal: C `%g` of the value, `-` for NaN."""
    x = float(x)
    return "-" if x != x else "%g" % x


def _text_lines(values: np.ndarray) -> str:
    return "".join(" ".join(format_real(v) for v in row) + "\n" for row in values.tolist())


# -- loading ---------------------------------------------------------------------------

def load_weights(net, filename: str, no_frozen: bool = False,
                 only_frozen: bool = False) -> str:
    """Read a weight file (a name, or an open binary stream) into the selected
    links; returns the file name."""
    select = link_selector(net, no_frozen, only_frozen)
    data = _read_all(filename)
    filename = target_name(filename)
    if _is_npz(filename) or data[:4] == b"PK\x03\x04":
        updates = _load_npz(net, filename, data, select)
    else:
        values, updates = _parse_lens(data, filename, count_links(net, select))
        for k in range(values.shape[1]):
            net.scatter_links(FIELDS[k], values[:, k].astype(net.dtype), select)
    if updates is not None and not only_frozen:
        net.total_updates = updates
    return filename


def _read_all(filename) -> bytes:
    try:
        f = open_read(filename, binary=True)
    except LensFileError:
        raise WeightFileError(f'{LOAD}: couldn\'t open the file "{target_name(filename)}"') \
            from None
    try:
        return f.read()
    except LensFileError as e:
        raise WeightFileError(f"{LOAD}: {e}") from None
    except OSError as e:
        raise WeightFileError(f'{LOAD}: couldn\'t read the file "{target_name(filename)}": '
                              f'{reason(e)}') from None
    finally:
        close_stream(f)


def _count_mismatch(expected: int, filename: str, found: int) -> WeightFileError:
    return WeightFileError(f'{LOAD}: network has {expected} links but the file '
                           f'"{filename}" contains {found}')


def _bad_num_values(n: int, filename: str) -> WeightFileError:
    return WeightFileError(f'{LOAD}: bad number of values ({n}) in file "{filename}"')


def _parse_lens(data: bytes, filename: str, expected: int):
    """(values [numLinks, numValues] float32, totalUpdates or None)."""
    if not data:
        raise WeightFileError(f'{LOAD}: file "{filename}" is empty')
    first = struct.unpack(">I", data[:4])[0] if len(data) >= 4 else None
    if first == COOKIE:
        return _parse_binary(data, filename, expected, old=False)
    if first == OLD_COOKIE:
        return _parse_binary(data, filename, expected, old=True)
    return _parse_text(data.decode("latin-1"), filename, expected)


def _parse_binary(data: bytes, filename: str, expected: int, old: bool):
    what = ("numLinks", "bytesPerLink") if old else ("numLinks", "numValues", "totalUpdates")
    head = 4 + 4 * len(what)
    if len(data) < head:
        missing = what[max(0, (len(data) - 4) // 4)]
        raise WeightFileError(f"{LOAD}: can't read {missing} of the file \"{filename}\"")
    fields = struct.unpack(f">{len(what)}i", data[4:head])
    num_links = fields[0]
    if num_links != expected:
        raise _count_mismatch(expected, filename, num_links)
    if old:
        if fields[1] % 4 != 0:
            raise WeightFileError(f'{LOAD}: the file "{filename}" is encoded with reals of '
                                  f'size {fields[1]} instead of 4')
        num_values, updates = fields[1] // 4, None
    else:
        num_values, updates = fields[1], fields[2]
    if not 1 <= num_values <= 3:
        raise _bad_num_values(num_values, filename)
    size = num_links * num_values * 4
    if len(data) < head + size:
        have = (len(data) - head) // (4 * num_values)
        raise WeightFileError(f'{LOAD}: the file "{filename}" ended prematurely '
                              f'(it holds {have} of {num_links} links)')
    values = np.frombuffer(data, dtype=">f4", count=num_links * num_values, offset=head)
    return values.astype(np.float32).reshape(num_links, num_values), updates


_TOKEN = re.compile(r"\S+")


def _parse_text(text: str, filename: str, expected: int):
    tokens = text.split()
    header_error = WeightFileError(f'{LOAD}: error reading text header of file "{filename}"')
    pos = 0

    def read_int():
        nonlocal pos
        if pos >= len(tokens):
            raise header_error
        try:
            v = int(tokens[pos])
        except ValueError:
            raise header_error from None
        pos += 1
        return v

    first = read_int()
    num_values, updates = 1, None
    if first == COOKIE:
        num_links = read_int()
        if num_links != expected:
            raise _count_mismatch(expected, filename, num_links)
        num_values = read_int()
        if not 1 <= num_values <= 3:
            raise _bad_num_values(num_values, filename)
        updates = read_int()
    else:
        num_links = first
        if first < 0:
            num_values = -first
            if num_values > 3:
                raise _bad_num_values(num_values, filename)
            num_links = read_int()
        if num_links != expected:
            raise _count_mismatch(expected, filename, num_links)
    count = num_links * num_values
    body = tokens[pos:pos + count]
    try:
        values = np.array([_parse_real(t) for t in body], dtype=np.float32)
    except ValueError:
        bad = next(k for k, t in enumerate(body) if not _is_real(t))
        raise _text_value_error(text, filename, pos + bad, bad % num_values) from None
    if len(body) < count:
        raise _text_value_error(text, filename, None, len(body) % num_values)
    return values.reshape(num_links, num_values), updates


def _parse_real(token: str) -> float:
    return float("nan") if token == "-" else float(token)


def _is_real(token: str) -> bool:
    try:
        _parse_real(token)
        return True
    except ValueError:
        return False


def _text_value_error(text: str, filename: str, token_index, value_index: int):
    """Lens's message, with the line of the bad token (or the last line when
    the file ends early)."""
    if token_index is None:
        line = text.count("\n") + (0 if text.endswith("\n") else 1)
    else:
        match = None
        for k, match in enumerate(_TOKEN.finditer(text)):
            if k == token_index:
                break
        line = text.count("\n", 0, match.start()) + 1
    what = LENS_FIELD_NAMES[value_index]
    return WeightFileError(f'{LOAD}: error reading {what} on line {line} of\n'
                           f'file "{filename}"')


# -- NumPy .npz -------------------------------------------------------------------------

def projection_key(p) -> str:
    kind = "" if p.link_type == p.sender.name else f"[{p.link_type}]"
    return f"{p.sender.name}->{p.receiver.name}{kind}"


def _projections(net):
    for g in net.groups:
        for p in g.incoming:
            yield g, p


def _keyed_projections(net):
    """(group, projection, key); a second projection of the same sender,
    receiver and type (connectUnits can make one) gets `#2`, and so on."""
    seen = {}
    for g, p in _projections(net):
        key = projection_key(p)
        seen[key] = seen.get(key, 0) + 1
        yield g, p, key if seen[key] == 1 else f"{key}#{seen[key]}"


def _npz_payload(net, num_values: int, select) -> dict:
    data = {"totalUpdates": np.array(int(net.total_updates), dtype=np.int64)}
    for g, p, key in _keyed_projections(net):
        links = p.link_mask() if select is None else (p.link_mask() & select(g, p))
        for field in FIELDS[:num_values]:
            data[f"{key}.{field}"] = np.where(links, getattr(p.arrays, field), 0).astype(net.dtype)
        if not links.all():
            data[f"{key}.links"] = links
    return data


def _load_npz(net, filename: str, data: bytes, select):
    try:
        archive = np.load(io.BytesIO(data), allow_pickle=False)
        arrays = {k: archive[k] for k in archive.files}
    except Exception as e:      # a damaged archive fails in many ways (zipfile, zlib, npy)
        raise WeightFileError(f'{LOAD}: the file "{filename}" is not a NumPy .npz '
                              f"weight file: {e}") from None
    plan = []
    used = {"totalUpdates"}
    num_values = None
    expected = found = 0
    for g, p, key in _keyed_projections(net):
        links = p.link_mask() if select is None else (p.link_mask() & select(g, p))
        expected += int(links.sum())
        present = [f for f in FIELDS if f"{key}.{f}" in arrays]
        if "weight" not in present:
            raise WeightFileError(f'{LOAD}: the file "{filename}" has no weights for '
                                  f"{key}")
        n = len(present)
        if present != list(FIELDS[:n]) or (num_values is not None and n != num_values):
            raise WeightFileError(f'{LOAD}: the file "{filename}" has an inconsistent set '
                                  f"of fields for {key}")
        num_values = n
        saved = arrays.get(f"{key}.links", np.ones(p.arrays.shape, dtype=bool))
        for f in present:
            if arrays[f"{key}.{f}"].shape != p.arrays.shape:
                raise WeightFileError(
                    f'{LOAD}: {key} is {p.arrays.shape[0]}x{p.arrays.shape[1]} in the network '
                    f'but {"x".join(map(str, arrays[f"{key}.{f}"].shape))} in the file '
                    f'"{filename}"')
            used.add(f"{key}.{f}")
        if f"{key}.links" in arrays:
            used.add(f"{key}.links")
        found += int(saved.sum())
        if saved.shape != links.shape or not np.array_equal(saved, links):
            plan.append(None)       # mismatch, reported with the counts below
        else:
            plan.append((p, links, [(f, arrays[f"{key}.{f}"]) for f in present]))
    extra = sorted(k for k in arrays if k not in used)
    if extra:
        raise WeightFileError(f'{LOAD}: the file "{filename}" has weights the network does '
                              f"not have: {extra[0]}")
    if any(step is None for step in plan):
        raise _count_mismatch(expected, filename, found)
    for p, links, fields in plan:
        for f, values in fields:
            target = getattr(p.arrays, f)
            target[links] = values[links].astype(net.dtype)
    updates = arrays.get("totalUpdates")
    return None if updates is None else int(updates)
