"""What the tests that run one script on two execution paths share: an
interpreter whose printing is kept, the printed lines to compare, and the
trained numbers to compare bit for bit."""
from __future__ import annotations

import lens_reference
from lens_py.assemble import make_interp
from lens_py.commands.common import session as session_of


def printing_interp():
    """(interp, the list its session's printing goes to).  The Gaussian
    stream starts afresh: one stream per process, as in Lens, so a value
    kept by a run before would outlive its `seed`."""
    it = make_interp()
    printed = []
    session_of(it).write = printed.append
    session_of(it).rng.gaussian_kept = None
    return it, printed


def compared_lines(text: str) -> list:
    """The printed numbers' lines, less the path choices (which differ)."""
    return [line for line in lens_reference.comparable_lines(text)
            if not line.startswith("Execution path")]


def same_as_lens_on(script: str, folder, path: str = "compiled example loop") -> None:
    """The script prints what the original Lens prints, and lens_py ran it
    on `path` (a `train 1 -why` after it says which)."""
    lens_reference.require_lens()
    lens = lens_reference.run_lens(script, folder)
    ours = lens_reference.run_lens_py(script + "train 1 -why\n", folder)
    assert f"Execution path: {path}" in ours.stdout
    difference = lens_reference.first_difference(lens.stdout, ours.stdout.rsplit(
        "Performing 1 updates", 1)[0])
    assert difference is None, difference
    assert len(lens_reference.numbers_in(lens.stdout)) > 15


def trained_numbers(net) -> tuple:
    """(copies of every projection's weights, [the net's error, each group's])."""
    return ([p.weight.copy() for g in net.groups for p in g.incoming],
            [net.error] + [g.error for g in net.groups])


def same_numbers(a, b) -> None:
    """Two runs whose first two entries are trained_numbers agree bit for bit."""
    assert a[1] == b[1]
    for x, y in zip(a[0], b[0]):
        assert x.tobytes() == y.tobytes()
