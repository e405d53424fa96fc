"""Example selection: the example modes, exampleSetMode, and
choosing the next example of a set in each mode with Lens's random draws
(ORDERED, PERMUTED, RANDOMIZED, PROBABILISTIC; CUSTOM through the set's
chooseExample script; PIPE reading one example at a time)."""
from __future__ import annotations

import numpy as np

from .. import types as T
from .model import Example, ExampleError, ExampleFileError, ExampleSet, link_example

EXAMPLE_MODE_NAMES = {T.ORDERED: "ORDERED", T.PERMUTED: "PERMUTED",
                      T.RANDOMIZED: "RANDOMIZED", T.PROBABILISTIC: "PROBABILISTIC",
                      T.PIPE: "PIPE", T.CUSTOM: "CUSTOM"}
STORED_MODES = T.ORDERED | T.PERMUTED | T.RANDOMIZED | T.PROBABILISTIC


def lookup_mode(word, who: str = "exampleSetMode") -> int:
    if isinstance(word, int):
        if word not in EXAMPLE_MODE_NAMES:
            raise ExampleError(f"{who}: invalid example mode: {word}")
        return word
    mask = T.lookup_type_mask(str(word), T.EXAMPLE_MODE)
    if mask is None:
        raise ExampleError(f'{who}: invalid example mode: "{word}"\n'
                           "Try one of the following: " + " ".join(EXAMPLE_MODE_NAMES.values()))
    return mask


def set_mode(exset: ExampleSet, mode: int) -> None:
    """Lens's exampleSetMode(): set the mode and reset the set."""
    if mode == T.PIPE:
        if exset.pipe_parser is None:
            raise ExampleError(f'exampleSetMode: set "{exset.name}" has no pipe open')
        exset.pipe_example_num = 0
        if exset.pipe_example is None:
            exset.pipe_example = Example(exset)
    exset.mode = mode
    exset.reset()


def set_example_mode(exset: ExampleSet, mode_word) -> None:
    """`exampleSetMode <set> <mode>`: a prefix of a mode name (or the mask);
    the set is reset (Lens resets it even when the mode is unchanged)."""
    set_mode(exset, lookup_mode(mode_word))


def _no_examples(who: str):
    return ExampleError(f"{who}LoadNextExample: set has no examples")


def _step(exset, rng) -> int:
    """The index of the next stored example, with Lens's random draws."""
    n = len(exset.examples)
    mode = exset.mode
    if mode == T.PROBABILISTIC:
        r = np.float32(rng.drand48())     # drawn before the emptiness check, as Lens
        if n <= 0:
            raise _no_examples("probabilistic")
        k = _search(exset, r)
        exset.current = k
        return k
    if n <= 0:
        raise _no_examples({T.ORDERED: "ordered", T.PERMUTED: "permuted",
                            T.RANDOMIZED: "randomized"}.get(mode, "ordered"))
    if mode == T.PERMUTED:
        i = exset.current + 1
        if i >= n:
            i = 0
        j = i + rng.rand_int(n - i)
        perm = exset.perm
        perm[i], perm[j] = perm[j], perm[i]
        exset.current = i
        return perm[i]
    if mode == T.RANDOMIZED:
        exset.current = rng.rand_int(n)
        return exset.current
    exset.current = exset.current + 1
    if exset.current >= n:
        exset.current = 0
    return exset.current


def _search(exset, r) -> int:
    probs = exset._probs
    lo, hi = 0, len(probs) - 1
    while lo < hi:
        m = (lo + hi) // 2
        if probs[m] < r:
            lo = m + 1
        else:
            hi = m
    return lo


def next_example(exset, rng) -> Example:
    """Lens's loadNextExample minus running the example's proc (the training
    loop does that): choose by the mode and make the choice current."""
    mode = exset.mode
    if mode == T.PIPE:
        ex = _read_pipe_example(exset)
        exset.current = -1
    elif mode == T.CUSTOM:
        ex = _custom_choice(exset)
    else:
        ex = exset.examples[_step(exset, rng)]
    exset.current_example = ex
    return ex


def next_indices(exset, count: int, rng) -> list:
    """The choices of `count` next_example calls, with the same draws."""
    if exset.mode & (T.PIPE | T.CUSTOM) or not exset.mode & STORED_MODES:
        raise ExampleError(f'example set "{exset.name}" cannot choose examples in advance '
                           f'in {EXAMPLE_MODE_NAMES.get(exset.mode, exset.mode)} mode')
    n = len(exset.examples)
    if count <= 0:
        return []
    if exset.mode == T.ORDERED and n > 0:
        idx = [(exset.current + 1 + k) % n for k in range(count)]
        exset.current = idx[-1]
    elif exset.mode == T.PROBABILISTIC and n > 0 and \
            (len(exset._probs) < 2 or bool(np.all(np.diff(exset._probs) >= 0))):
        r = rng.drand48_array(count).astype(np.float32)
        idx = np.searchsorted(exset._probs, r, side="left").tolist()
        exset.current = idx[-1]
    else:
        idx = [_step(exset, rng) for _ in range(count)]
    exset.current_example = exset.examples[idx[-1]]
    return idx


def _custom_choice(exset) -> Example:
    if not exset.choose_example:
        raise ExampleError(f'Example set "{exset.name}" needs a chooseExample procedure')
    if exset.session is None:
        raise ExampleError(f'Example set "{exset.name}": no interpreter for chooseExample')
    text = exset.session.script(exset.choose_example, "chooseExample")
    k = _tcl_int(text)
    if k < 0 or k >= len(exset.examples):
        raise ExampleError(f"Example {k} out of range")
    return exset.examples[k]


# -- pipes ------------------------------------------------------------

def _read_pipe_example(exset) -> Example:
    parser = exset.pipe_parser
    if parser is None:
        raise ExampleError(f'example set "{exset.name}" is in PIPE mode but has no open pipe')
    try:
        if parser.file_done():
            if exset.pipe_loop:
                parser.close()
                from .loading import open_pipe   # loading imports this module
                open_pipe(exset, parser.target, exset.session)
                parser = exset.pipe_parser
            else:
                raise ExampleFileError(
                    f'example set "{exset.name}" has exhausted the pipe', parser.filename,
                    parser.line, parser.binary,
                    lens_text=f'example set "{exset.name}" has exhausted the pipe')
        ex = Example(exset)
        parser.read_example(ex)
        link_example(ex)
    except BaseException:
        if exset.pipe_parser is not None:
            exset.pipe_parser.close()
        exset.pipe_parser = None
        exset.pipe_example_num = 0
        raise
    ex.num = 0
    exset.pipe_example = ex
    exset.pipe_example_num += 1
    return ex


def _tcl_int(text) -> int:
    s = str(text).strip()
    for base in (10, 0):
        try:
            return int(s, base)
        except ValueError:
            pass
    raise ExampleError(f'expected integer but got "{text}"')

