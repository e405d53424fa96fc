"""One tick of a standard network: groups updated one after
another in group order, reading their senders' cached outputs, and the
backward pass in reverse group order.

All unit arrays are [rows, units]; rows are examples run side by side (one
row outside the vectorised batch path), so the same code serves both paths.

Arithmetic order.  Lens sums a unit's inputs in float32, link after link
(in unrolled chunks of ten when more than ten links remain in a block), adds
each link's derivative example after example, and each sender's derivative
receiving unit after receiving unit.  In *exact* mode we replay those sums
in the same order (NumPy reductions over a leading axis add sequentially), so
the results are bit for bit Lens's.  Only for very large work (or in float64)
is a matrix product used, which rounds differently in the last bits.
`Network.exact_arithmetic` forces either mode; None (the default) picks exact
when rows × links ≤ EXACT_LIMIT.
"""
from __future__ import annotations


import numpy as np

from . import activations as A
from . import blas
from . import costs as C
from . import noise
from . import types as T

# Matrix products round differently from Lens's loop, and after a few hundred
# updates that shows in the printed report (a 200-example 60-40-10 net differs
# at update 200), so exact is the rule up to batches far larger than Lens's
# own examples.  The sums work in slabs (_SLAB), so memory stays bounded; time
# grows ~7 ns per link per example in NumPy (the compiled path is much faster).
EXACT_LIMIT = 64_000_000
_SLAB = 4_000_000       # elements per temporary product array
F64 = np.float64


class TickContext:
    """What a tick needs besides the network: the rows' example frequencies
    (pseudoExampleFreq), training or testing, and the error bookkeeping."""

    def __init__(self, net, rows: int, frequencies=None, training: bool = True):
        self.net = net
        self.rows = rows
        self.training = training
        d = net.dtype
        if frequencies is None:
            frequencies = np.ones(rows, dtype=d)
        self.freq = np.asarray(frequencies, dtype=d)
        self.errors = []        # (group, per-row error) in the order Lens adds them
        self.costs = []         # (group, per-row unit cost)


# -- exactness policy -----------------------------------------------------------

def exact_for(net, rows: int, proj) -> bool:
    if net.dtype != np.float32:
        return False
    # A test run in chunks decides as if its examples ran side by side at once,
    # so chunking never changes which arithmetic (and so which numbers) is used.
    return lens_order(net, getattr(net, "exact_rows", None) or rows, proj)


def lens_order(net, rows: int, proj) -> bool:
    """Are proj's sums, in batches of `rows` examples, added in Lens's order
    (else multiplied as matrices)?  The one rule, for the NumPy and the
    compiled batches.  A projection from a single unit (a bias) always is:
    its forward product is one term per unit, the same bits either way, and
    a matrix product of one column only costs more."""
    if proj.arrays.weight.shape[1] == 1 and net.dtype == np.float32:
        return True
    if net.exact_arithmetic is not None:
        return bool(net.exact_arithmetic)
    return rows * proj.arrays.weight.size <= EXACT_LIMIT


def _fold(first: np.ndarray, stack: np.ndarray) -> np.ndarray:
    """first + stack[0] + stack[1] + ..., added in that order."""
    n = len(stack)
    if n <= 6:
        for k in range(n):
            first = first + stack[k]
        return first
    # ufunc.accumulate is sequential by definition (a reduction may be pairwise)
    seq = np.concatenate([first[None], stack])
    np.cumsum(seq, axis=0, out=seq)
    return seq[-1]


def _slabs(n: int, per_item: int, align: int = 1):
    step = max(align, (_SLAB // max(per_item, 1)) // align * align)
    for start in range(0, n, step):
        yield start, min(n, start + step)


# -- DOT_PRODUCT -----------------------------------------------------------------

def _block_sum_exact(acc, O, W):
    """acc [rows, R] + Σ_j O[:, j]·W[:, j] the way Lens's unrolled loop adds it.
    O [rows, S], W [R, S]."""
    rows, S = O.shape
    R = W.shape[0]
    chunks = (S - 1) // 10 if S > 10 else 0
    per = rows * R
    for a, b in _slabs(chunks * 10, per * 10, 10):
        prod = O.T[a:b, :, None] * W.T[a:b, None, :]            # [n, rows, R]
        prod = prod.reshape((b - a) // 10, 10, rows, R)
        np.cumsum(prod, axis=1, out=prod)
        sums = prod[:, -1]
        acc = _fold(acc, sums)
    for a, b in _slabs(S - chunks * 10, per):
        a += chunks * 10
        b += chunks * 10
        acc = _fold(acc, O.T[a:b, :, None] * W.T[a:b, None, :])
    return acc


def _row_terms_exact(seq, col, o, W) -> int:
    """Write one receiving-unit-major row of Lens's addends for the links of
    a dense projection (one example): the sums of the unrolled chunks of ten,
    then the remaining products, into seq[:, col:]; returns the next column.
    A running sum along each row of seq is then exactly Lens's unit input."""
    S = o.shape[0]
    terms = W * o                                   # [R, S], float products
    chunks = (S - 1) // 10 if S > 10 else 0
    if chunks:
        lead = terms[:, :chunks * 10].reshape(W.shape[0], chunks, 10)
        seq[:, col:col + chunks] = np.cumsum(lead, axis=2)[:, :, -1]
        col += chunks
    rest = S - chunks * 10
    seq[:, col:col + rest] = terms[:, chunks * 10:]
    return col + rest


def _dot_input_one_row(net, g) -> bool:
    """dot_product_input for a single example with dense exact projections:
    one running sum over all of the group's addends (same order, same bits)."""
    incoming = g.incoming
    width = 1
    for p in incoming:
        if p.mask is not None or not exact_for(net, 1, p):
            return False
        S = p.sender.size
        width += ((S - 1) // 10 if S > 10 else 0) + S - ((S - 1) // 10 if S > 10 else 0) * 10
    seq = np.empty((g.size, width), dtype=net.dtype)
    seq[:, 0] = 0
    col = 1
    for p in incoming:
        col = _row_terms_exact(seq, col, p.sender.output_cache[0], p.weight)
    np.cumsum(seq, axis=1, out=seq)
    g.input[0] = seq[:, -1]
    return True


def dot_product_input(net, g) -> None:
    rows = g.input.shape[0]
    if rows == 1 and net.dtype == np.float32 and _dot_input_one_row(net, g):
        return
    acc = np.zeros((rows, g.size), dtype=net.dtype)
    for p in g.incoming:
        O = p.sender.output_cache
        if O.shape[0] != rows:
            O = np.broadcast_to(O, (rows, O.shape[1]))
        W = p.weight
        if not exact_for(net, rows, p):
            acc = acc + blas.matmul(O, W.T).astype(net.dtype)
        elif p.mask is None:
            acc = _block_sum_exact(acc, O, W)
        else:
            for u in range(g.size):
                senders = p.row_links(u)
                if len(senders) == 0:
                    continue
                breaks = np.flatnonzero(np.diff(senders) != 1) + 1
                col = acc[:, u:u + 1]
                for run in np.split(senders, breaks):
                    col = _block_sum_exact(col, O[:, run], W[u:u + 1, run])
                acc[:, u:u + 1] = col
    g.input[...] = acc


def _dot_back_one_row(net, g, D) -> bool:
    """dot_product_back for a single example, every projection dense and
    exact and from its own sender: each sender's derivative is one running
    sum down the receiving units, each link derivative one addition."""
    incoming = g.incoming
    if len(incoming) > 1 and len({id(p.sender) for p in incoming}) != len(incoming):
        return False
    for p in incoming:
        if p.mask is not None or not exact_for(net, 1, p):
            return False
    d = D[0]
    for p in incoming:
        s = p.sender
        W = p.weight
        seq = np.empty((W.shape[0] + 1, W.shape[1]), dtype=net.dtype)
        seq[0] = s.deriv_cache[0]
        np.multiply(d[:, None], W, out=seq[1:])
        np.cumsum(seq, axis=0, out=seq)
        s.deriv_cache[0] = seq[-1]
        p.arrays.deriv += np.multiply.outer(d, s.output_cache[0])
    return True


def last_row_only(g) -> bool:
    """Does the batch read only the last example's derivative cache of g?  So
    when g passes nothing back (no input procedure, or only HARD_CLAMP) and
    no ELMAN_CLAMP hands its derivatives to another group; what a batch
    leaves visible is its last example's.  A matrix product then needs only
    that row (the compiled batch's rule too)."""
    return (not g.input_procs or g.output_type == T.HARD_CLAMP) and g.elman_source is None


def dot_product_back(net, g, skip_rows) -> None:
    D = g.input_deriv
    if skip_rows is not None and skip_rows.any():
        D = np.where(skip_rows[:, None], net.dtype(0), D)
    rows = D.shape[0]
    if rows == 1 and net.dtype == np.float32 and _dot_back_one_row(net, g, D):
        return
    by_sender = {}
    for p in g.incoming:
        by_sender.setdefault(id(p.sender), []).append(p)
    for p in g.incoming:
        s = p.sender
        O = s.output_cache
        if O.shape[0] != rows:
            O = np.broadcast_to(O, (rows, O.shape[1]))
        W = p.weight
        cache = s.deriv_cache
        if exact_for(net, rows, p):
            R, S = W.shape
            twins = by_sender[id(s)]
            if len(twins) > 1 and all(exact_for(net, rows, q) for q in twins):
                # Lens walks a unit's blocks before the next unit, so a sender
                # with several projections into this group gets their terms
                # interleaved unit by unit; all are added at the first one.
                if twins[0] is p:
                    Ws = [q.weight for q in twins]
                    for a, b in _slabs(R, rows * S * len(Ws)):
                        terms = np.stack([D.T[a:b, :, None] * w[a:b, None, :] for w in Ws],
                                         axis=1).reshape(-1, rows, S)
                        cache = _fold(cache if cache.shape[0] == rows else
                                      np.broadcast_to(cache, (rows, S)), terms)
            else:
                # sender derivative: receiving unit after receiving unit
                for a, b in _slabs(R, rows * S):
                    cache = _fold(cache if cache.shape[0] == rows else
                                  np.broadcast_to(cache, (rows, S)),
                                  D.T[a:b, :, None] * W[a:b, None, :])
            # link derivative: example after example
            deriv = p.deriv
            for a, b in _slabs(rows, R * S):
                deriv = _fold(deriv, D[a:b, :, None] * O[a:b, None, :])
        elif last_row_only(s):
            cache = np.array(np.broadcast_to(cache, (rows, W.shape[1])))
            cache[-1:] += blas.matmul(D[-1:], W).astype(net.dtype)
            deriv = p.deriv + blas.matmul(D.T, O).astype(net.dtype)
        else:
            cache = cache + blas.matmul(D, W).astype(net.dtype)
            deriv = p.deriv + blas.matmul(D.T, O).astype(net.dtype)
        if p.mask is not None:
            deriv = np.where(p.mask, deriv, net.dtype(0))
        p.arrays.deriv[...] = deriv
        s.deriv_cache[...] = cache


# -- the group steps ----------------------------------------------------------------

def _fully_clamped_rows(g) -> np.ndarray:
    ext = g.external_input
    skip = g.skipped
    if skip is not None:            # fullyClamped passes over lesioned units
        ext = ext[:, ~skip]
    return ~np.isnan(ext).any(axis=1)


def history_index(net, tick: int) -> int:
    if net.history_length <= 0:
        return 0
    return (tick + net.example_history_start) % net.history_length


class _Untouched:
    """Lens's unit loops pass over lesioned units: whatever a step computes
    for them is put back afterwards (the fields named)."""

    def __init__(self, g, *fields):
        self.skip = g.skipped
        if self.skip is not None:
            self.g = g
            self.kept = [(f, getattr(g, f)[:, self.skip].copy()) for f in fields]

    def put_back(self) -> None:
        if self.skip is not None:
            for f, v in self.kept:
                getattr(self.g, f)[:, self.skip] = v


def compute_input(net, g, always_store: bool) -> None:
    clamped_rows = None
    if g.output_type & T.HARD_CLAMP:
        clamped_rows = _fully_clamped_rows(g)
    untouched = _Untouched(g, "input")
    no_procs = not g.input_procs
    if no_procs or not (g.input_type & T.BASIC_INPUT_TYPES):
        g.input[...] = 0
    if not no_procs:
        for proc in g.input_procs:
            INPUT_FORWARD[proc](net, g)
        if clamped_rows is not None and clamped_rows.any():
            g.input[clamped_rows] = 0
    untouched.put_back()
    if always_store or g.type & T.USE_INPUT_HIST:
        _store(net, g, "input_history", g.input)


def _store(net, g, name, values) -> None:
    if net.history_length > 0:
        row = getattr(g, name)[history_index(net, net.current_tick)]
        skip = g.skipped
        if skip is None:
            row[...] = values[-1]
        else:
            row[~skip] = values[-1][~skip]


def compute_output(net, g, always_store: bool) -> None:
    untouched = _Untouched(g, "output")
    if not (g.output_type & (T.BASIC_OUTPUT_TYPES | T.BIAS_CLAMP)):
        g.output[...] = 0
    for proc, copy in _with_copies(g.output_procs):
        OUTPUT_FORWARD[proc](net, g, *copy)
    untouched.put_back()
    skip = g.skipped
    if skip is None:
        g.output_cache[...] = g.output
    else:
        g.output_cache[:, ~skip] = g.output[:, ~skip]
    if always_store or g.type & T.USE_OUTPUT_HIST:
        _store(net, g, "output_history", g.output)


def compute_cost(net, g, ctx: TickContext, always_store: bool) -> None:
    store = (always_store or g.type & T.USE_TARGET_HIST) and g.cost_type & T.ERROR_MASKS
    if net.in_grace_period:
        if store and net.history_length > 0:
            row = g.target_history[history_index(net, net.current_tick)]
            skip = g.skipped
            row[slice(None) if skip is None else ~skip] = np.nan
        return
    untouched = _Untouched(g, "target", "adjusted_target")
    if untouched.skip is not None:      # the cost procedures pass over lesioned units
        g.target[:, untouched.skip] = np.nan
    for proc in g.cost_procs:
        _cost_forward(net, g, proc, ctx)
    untouched.put_back()
    if store:
        _store(net, g, "target_history", g.target)


def compute_cost_back(net, g, ctx: TickContext, always_store: bool) -> None:
    untouched = _Untouched(g, "output_deriv", "target")
    g.output_deriv[...] = 0
    if untouched.skip is not None:
        g.target[:, untouched.skip] = np.nan
    if g.cost_procs:
        if not net.in_grace_period:
            for proc in reversed(g.cost_procs):
                _cost_back(net, g, proc, ctx)
    untouched.put_back()
    if g.cost_procs and (always_store or g.type & T.USE_OUT_DERIV_HIST):
        _store(net, g, "output_deriv_history", g.output_deriv)


def compute_output_back(net, g) -> None:
    untouched = _Untouched(g, "output_deriv", "input_deriv", "output")
    g.output_deriv += g.deriv_cache
    g.deriv_cache[...] = 0
    for proc, copy in reversed(list(_with_copies(g.output_procs))):
        back = OUTPUT_BACK.get(proc)
        if back is not None:
            back(net, g, *copy)
    untouched.put_back()


def compute_input_back(net, g) -> None:
    if not g.input_procs:
        return
    skip = None
    if g.output_type & T.HARD_CLAMP:
        if g.output_type == T.HARD_CLAMP:
            return
        skip = _fully_clamped_rows(g)
    untouched = _Untouched(g, "input_deriv")
    if untouched.skip is not None:      # lesioned receivers pass nothing back
        g.input_deriv[:, untouched.skip] = 0
    for proc in reversed(g.input_procs):
        back = INPUT_BACK.get(proc)
        if back is not None:
            back(net, g, skip)
    untouched.put_back()


def backprop(net, g) -> None:
    compute_output_back(net, g)
    compute_input_back(net, g)


# -- output procedures -------------------------------------------------------------

def _gain(net, g):
    return net.dtype(g.choose("gain"))


def _linear(net, g):
    g.output[...] = g.input


def _linear_back(net, g):
    g.input_deriv[...] = g.output_deriv


def _logistic(net, g):
    d = net.dtype
    gain = g.unit_gain if g.type & T.ADAPTIVE_GAIN else _gain(net, g)
    g.output[...] = A.logistic((g.input * gain).astype(d), d)


def _logistic_back(net, g):
    d = net.dtype
    if g.type & T.ADAPTIVE_GAIN:
        x = ((g.output_deriv * g.output).astype(F64) * (1.0 - g.output.astype(F64))).astype(d)
        g.input_deriv[...] = x * g.unit_gain
        g.gain_deriv += x * g.input
    else:
        g.input_deriv[...] = A.logistic_back(g.output_deriv, g.output, _gain(net, g), d)


def _tanh(net, g):
    d = net.dtype
    gain = g.unit_gain if g.type & T.ADAPTIVE_GAIN else _gain(net, g)
    g.output[...] = A.tanh((gain * g.input).astype(d), d)


def _tanh_back(net, g):
    d = net.dtype
    deriv = A.tanh_deriv(g.input, d)
    if g.type & T.ADAPTIVE_GAIN:
        x = g.output_deriv * deriv
        g.input_deriv[...] = x * g.unit_gain
        g.gain_deriv += x * g.input
    else:
        g.input_deriv[...] = g.output_deriv * _gain(net, g) * deriv


def _exponential(net, g):
    g.output[...] = A.exp_real(g.input, net.dtype)


def _exponential_back(net, g):
    g.input_deriv[...] = g.output * g.output_deriv


def _gaussian(net, g):
    gain = g.unit_gain if g.type & T.ADAPTIVE_GAIN else _gain(net, g)
    g.output[...] = A.gaussian(g.input, gain, net.dtype)


def _gaussian_back(net, g):
    if g.type & T.ADAPTIVE_GAIN:
        # scale = -2.0 * input * gain * output * outputDeriv, in double, then a float
        d = net.dtype
        scale = (-2.0 * g.input.astype(F64) * g.unit_gain.astype(F64)
                 * g.output.astype(F64) * g.output_deriv.astype(F64)).astype(d)
        g.input_deriv[...] = scale * g.unit_gain
        g.gain_deriv += scale * g.input
        return
    g.input_deriv[...] = A.gaussian_back(g.output_deriv, g.output, g.input, _gain(net, g),
                                         net.dtype)


def _ternary(net, g):
    g.output[...] = A.ternary(g.input, _gain(net, g), g.choose("ternary_shift"), net.dtype)


def _ternary_back(net, g):
    g.input_deriv[...] = A.ternary_back(g.output_deriv, g.input, _gain(net, g),
                                        g.choose("ternary_shift"), net.dtype)


def _softmax(net, g):
    live = _live(g)
    g.output[:, live] = A.softmax(g.input[:, live], net.dtype)


def _softmax_back(net, g):
    live = _live(g)
    g.input_deriv[:, live] = A.softmax_back(g.output_deriv[:, live], g.output[:, live],
                                            net.dtype)


def _live(g):
    """The units a group-wide procedure works over (all but lesioned ones)."""
    skip = g.skipped
    return slice(None) if skip is None else ~skip


def _hard_clamp(net, g):
    ext = g.external_input
    on = ~np.isnan(ext)
    g.output[on] = ext[on]
    g.proc_state[("HARD_CLAMP", history_index(net, net.current_tick))] = ext.copy()


def _hard_clamp_back(net, g):
    ext = g.proc_state.get(("HARD_CLAMP", history_index(net, net.current_tick)))
    if ext is None:
        ext = g.external_input
    on = ~np.isnan(ext)
    if ext.shape != g.input_deriv.shape:
        on = np.broadcast_to(on, g.input_deriv.shape)
    g.input_deriv[on] = 0


def _bias_clamp(net, g):
    g.output[...] = 1


def _bias_clamp_back(net, g):
    g.input_deriv[...] = 0


def _elman_clamp(net, g):
    src = g.elman_source
    if src is not None:
        g.output += src.output_cache[:, :g.size]


def _elman_clamp_back(net, g):
    src = g.elman_source
    if src is not None:
        # (a lesioned unit passes nothing back: its derivative here is only
        # what _Untouched will put back)
        live = _live(g)
        cache = src.deriv_cache[:, :g.size]
        cache[:, live] += g.output_deriv[:, live]
        g.output -= src.output_cache[:, :g.size]


def _weak_clamp(net, g):
    d = net.dtype
    s = d(g.choose("clamp_strength"))
    g.proc_state[("WEAK_CLAMP", history_index(net, net.current_tick))] = g.output.copy()
    ext = g.external_input
    on = ~np.isnan(ext)
    g.output[on] = (g.output + s * (ext - g.output))[on]


def _weak_clamp_back(net, g):
    d = net.dtype
    orig = g.proc_state.get(("WEAK_CLAMP", history_index(net, net.current_tick)))
    if orig is None:
        return
    scale = d(1.0 - F64(d(g.choose("clamp_strength"))))
    changed = g.output != orig
    g.output[changed] = orig[changed]
    g.output_deriv[changed] *= scale


def _cropped(net, g):
    g.proc_state[("OUT_CROPPED", history_index(net, net.current_tick))] = g.output.copy()
    hi, lo = g.max_output, g.min_output
    o = g.output
    o[...] = np.where(o > hi, net.dtype(hi), np.where(o < lo, net.dtype(lo), o))


def _cropped_back(net, g):
    orig = g.proc_state.get(("OUT_CROPPED", history_index(net, net.current_tick)))
    if orig is not None:
        g.output[...] = orig


def _unsupported(kind, cls):
    def run(net, g, *args):
        raise NotImplementedError(
            f'group "{g.name}": type {T.type_name(kind, cls)} is not supported yet')
    return run


def _with_copies(procs):
    """Each procedure with the extra arguments its step takes: Lens gives
    every procedure its own data, so a second OUT_NOISE keeps a clean output
    of its own and is told how many came before it, (n,); every other step
    takes none, () (a second copy of another procedure shares the first
    one's data)."""
    seen = {}
    for proc in procs:
        n = seen.get(proc, 0)
        seen[proc] = n + 1
        yield proc, ((n,) if n and proc in _OWN_DATA_PER_COPY else ())


def _clean_key(net, copy: int):
    tick = history_index(net, net.current_tick)
    return ("OUT_NOISE", tick) if copy == 0 else ("OUT_NOISE", tick, copy)


def _out_noise(net, g, copy: int = 0):
    # the clean output is kept for this tick's backward step (and later ones
    # of backpropTicks), which puts it back for the activation derivative
    g.proc_state[_clean_key(net, copy)] = g.output.copy()
    live = _live(g)
    g.output[:, live] = noise.group_noise(net, g, g.output[:, live])


def _out_noise_back(net, g, copy: int = 0):
    clean = g.proc_state.get(_clean_key(net, copy))
    if clean is not None and clean.shape == g.output.shape:
        g.output[...] = clean


def _out_deriv_noise_back(net, g):
    live = _live(g)
    g.output_deriv[:, live] = noise.group_noise(net, g, g.output_deriv[:, live])


def _forward_nothing(net, g):
    """A backward-only procedure's forward step."""


def _in_deriv_noise_back(net, g, skip_rows):
    rows = np.arange(g.input_deriv.shape[0]) if skip_rows is None \
        else np.flatnonzero(~skip_rows)
    live = np.flatnonzero(np.ones(g.size, dtype=bool) if g.skipped is None else ~g.skipped)
    if len(rows):
        sub = g.input_deriv[np.ix_(rows, live)]
        g.input_deriv[np.ix_(rows, live)] = noise.group_noise(net, g, sub)


def _in_noise(net, g):
    # Lens runs no input procedure of a fully clamped HARD_CLAMP group, so
    # draws nothing for it (the input is zeroed after anyway)
    live = _live(g)
    if g.output_type & T.HARD_CLAMP:
        open_rows = ~_fully_clamped_rows(g)
        if not open_rows.all():
            cols = np.flatnonzero(np.ones(g.size, dtype=bool)[live])
            idx = np.ix_(np.flatnonzero(open_rows), cols)
            g.input[idx] = noise.group_noise(net, g, g.input[idx])
            return
    g.input[:, live] = noise.group_noise(net, g, g.input[:, live])


_OWN_DATA_PER_COPY = frozenset((T.OUT_NOISE,))

OUTPUT_FORWARD = {
    T.LINEAR: _linear, T.LOGISTIC: _logistic, T.TANH: _tanh, T.EXPONENTIAL: _exponential,
    T.GAUSSIAN: _gaussian, T.TERNARY: _ternary, T.SOFT_MAX: _softmax,
    T.HARD_CLAMP: _hard_clamp, T.BIAS_CLAMP: _bias_clamp, T.ELMAN_CLAMP: _elman_clamp,
    T.WEAK_CLAMP: _weak_clamp, T.OUT_CROPPED: _cropped,
    T.OUT_NOISE: _out_noise, T.OUT_DERIV_NOISE: _forward_nothing,
}
OUTPUT_BACK = {
    T.LINEAR: _linear_back, T.LOGISTIC: _logistic_back, T.TANH: _tanh_back,
    T.EXPONENTIAL: _exponential_back, T.GAUSSIAN: _gaussian_back,
    T.TERNARY: _ternary_back, T.SOFT_MAX: _softmax_back, T.HARD_CLAMP: _hard_clamp_back,
    T.BIAS_CLAMP: _bias_clamp_back, T.ELMAN_CLAMP: _elman_clamp_back,
    T.WEAK_CLAMP: _weak_clamp_back, T.OUT_CROPPED: _cropped_back,
    T.OUT_NOISE: _out_noise_back, T.OUT_DERIV_NOISE: _out_deriv_noise_back,
}
for _bit in range(21):
    OUTPUT_FORWARD.setdefault(1 << _bit, _unsupported(1 << _bit, T.GROUP_OUTPUT))


def _incr_clamp(net, g):
    s = net.dtype(g.choose("clamp_strength"))
    ext = g.external_input
    on = ~np.isnan(ext)
    g.input[on] = (g.input + s * ext)[on]


INPUT_FORWARD = {T.DOT_PRODUCT: dot_product_input, T.INCR_CLAMP: _incr_clamp,
                 T.IN_NOISE: _in_noise, T.IN_DERIV_NOISE: _forward_nothing}
INPUT_BACK = {T.DOT_PRODUCT: dot_product_back, T.IN_DERIV_NOISE: _in_deriv_noise_back}
for _bit in range(11):
    INPUT_FORWARD.setdefault(1 << _bit, _unsupported(1 << _bit, T.GROUP_INPUT))

BATCHABLE_INPUT = T.DOT_PRODUCT | T.PRODUCT
BATCHABLE_OUTPUT = (T.LINEAR | T.LOGISTIC | T.TANH | T.EXPONENTIAL | T.GAUSSIAN | T.TERNARY
                    | T.SOFT_MAX | T.HARD_CLAMP | T.BIAS_CLAMP)
ERROR_PROCS = (T.SUM_SQUARED, T.CROSS_ENTROPY, T.DIVERGENCE)
UNIT_COST_PROCS = (T.LINEAR_COST, T.QUADRATIC_COST, T.CONV_QUAD_COST, T.LOGISTIC_COST,
                   T.COSINE_COST)
BATCHABLE_COST = T.SUM_SQUARED | T.CROSS_ENTROPY | T.DIVERGENCE | T.COSINE | \
    T.LINEAR_COST | T.QUADRATIC_COST | T.CONV_QUAD_COST | T.LOGISTIC_COST | T.COSINE_COST


# -- cost procedures ------------------------------------------------------------------

def _example_scale(net, ctx):
    """Per-row factor of pseudoExampleFreq (1 otherwise), as float."""
    if net.pseudo_example_freq:
        return ctx.freq
    return np.ones(ctx.rows, dtype=net.dtype)


COST_FORWARD = {}   # cost procedures provided by other modules: proc -> f(net, g, ctx)


def _cost_forward(net, g, proc, ctx):
    d = net.dtype
    ticks = net.ticks_per_interval
    if proc in ERROR_PROCS:
        t = g.target
        valid = ~np.isnan(t)
        tr, zr = g.choose("target_radius"), g.choose("zero_error_radius")
        if tr != 0.0 or zr != 0.0:
            adj = C.adjusted_target(g.output, t, tr, zr)
        else:
            adj = t
        g.adjusted_target[...] = np.where(valid, adj, g.adjusted_target)
        adj = np.where(valid, adj, np.nan).astype(d)
        err = C.sequential_sum(C.error_terms(proc, g.output, adj), d)
        # error *= errorScale / ticks * (freq or 1.0): the float quotient times a
        # double factor, so the whole product is taken in double and rounded once.
        s = F64(d(d(g.error_scale) / d(ticks)))
        if net.pseudo_example_freq:
            s = s * ctx.freq.astype(F64)
        ctx.errors.append((g, (err.astype(F64) * s).astype(d)))
    elif proc == T.COSINE:
        t = g.target
        valid = ~np.isnan(t)
        tr, zr = g.choose("target_radius"), g.choose("zero_error_radius")
        adj = C.adjusted_target(g.output, t, tr, zr) if (tr != 0.0 or zr != 0.0) else t
        g.adjusted_target[...] = np.where(valid, adj, g.adjusted_target)
        adj = np.where(valid, adj, np.nan).astype(d)
        scale = _example_scale(net, ctx)
        err, state = C.cosine_forward(g.output, adj, g.error_scale, scale, ticks)
        g.proc_state["COSINE"] = state
        ctx.errors.append((g, err))
    elif proc in UNIT_COST_PROCS:
        cost = C.unit_cost_forward(proc, g.output[:, _live(g)], g.min_output, g.max_output,
                                   g.choose("output_cost_peak"))
        s = d(d(g.output_cost_scale) / d(ticks))
        ctx.costs.append((g, (cost * s).astype(d)))
    elif proc == T.DELTA_COST:
        state = _delta_state(net, g)
        if _reset_this_tick(net, g):
            return
        live = _live(g)
        sub = state[:, live]            # (a copy when units are lesioned)
        cost = C.delta_cost_forward(sub, g.output[:, live])
        state[:, live] = sub
        ctx.costs.append((g, (cost * d(d(g.output_cost_scale) / d(ticks))).astype(d)))
    elif proc in COST_FORWARD:
        COST_FORWARD[proc](net, g, ctx)
    else:
        raise NotImplementedError(
            f'group "{g.name}": cost type {T.type_name(proc, T.GROUP_COST)} is not supported yet')


def _cost_back(net, g, proc, ctx):
    d = net.dtype
    valid = ~np.isnan(g.target)
    adj = np.where(valid, g.adjusted_target, np.nan).astype(d)
    freq = ctx.freq.astype(F64) if net.pseudo_example_freq else np.ones(ctx.rows)
    if proc in ERROR_PROCS:
        factor = 2.0 if proc == T.SUM_SQUARED else 1.0
        scale = (freq * F64(d(g.error_scale)) * factor).astype(d)
        C.error_derivs(proc, g.output, adj, scale[:, None], g.output_deriv)
    elif proc == T.COSINE:
        C.cosine_back(g.output, adj, g.proc_state["COSINE"], g.output_deriv)
    elif proc in UNIT_COST_PROCS:
        live = _live(g)
        od = g.output_deriv[:, live]
        C.unit_cost_back(proc, g.output[:, live], g.min_output, g.max_output,
                         g.choose("output_cost_peak"), net.output_cost_strength,
                         g.output_cost_scale, net.ticks_per_interval, od)
        g.output_deriv[:, live] = od
    elif proc == T.DELTA_COST:
        state = _delta_state(net, g)
        live = _live(g)
        if _reset_this_tick(net, g):
            state[0, live] = g.output[-1, live]
        else:
            od = g.output_deriv[:, live]
            C.delta_cost_back(state[:, live], g.output[:, live], net.output_cost_strength,
                              g.output_cost_scale, net.ticks_per_interval, od)
            g.output_deriv[:, live] = od


def _delta_state(net, g):
    """DELTA_COST's last and this tick's outputs (zeros when the procedure
    is set up, as Lens allocates them)."""
    state = g.proc_state.get("DELTA_COST")
    if state is None or state.shape != (2, g.size) or state.dtype != net.dtype:
        state = g.proc_state["DELTA_COST"] = np.zeros((2, g.size), dtype=net.dtype)
    return state


def _reset_this_tick(net, g) -> bool:
    """A RESET_ON_EXAMPLE group on the tick its example reset it."""
    if not g.type & T.RESET_ON_EXAMPLE or not net.reset_history:
        return False
    return bool(net.reset_history[history_index(net, net.current_tick)])


def finish_costs(net, ctx: TickContext) -> None:
    """Add the tick's errors and unit costs to the groups and the network in
    Lens's order: example after example, group after group."""
    d = net.dtype
    for entries, field in ((ctx.errors, "error"), (ctx.costs, "output_cost")):
        if not entries:
            continue
        for g, vals in entries:
            setattr(g, field, _fold_scalar(getattr(g, field), vals, d))
        table = np.stack([vals for _, vals in entries], axis=1)   # [rows, groups]
        setattr(net, field, _fold_scalar(getattr(net, field), table.ravel(), d))
    ctx.errors.clear()
    ctx.costs.clear()


def _fold_scalar(start, values, d):
    seq = np.concatenate([np.array([start], dtype=d), np.asarray(values, dtype=d)])
    return float(np.cumsum(seq, dtype=d)[-1])


# -- criteria -----------------------------------------------------------------------

def criteria_reached(net, training: bool) -> np.ndarray | None:
    """Per row: every criterion group met its criterion (None: no such group)."""
    result = None
    for g in net.groups:
        kind = g.criterion
        if kind is None:
            continue
        crit = g.choose("train_group_crit" if training else "test_group_crit")
        fn = C.max_criterion if kind == T.MAX_CRIT else C.standard_criterion
        target = g.target
        if g.skipped is not None:       # the criteria pass over lesioned units
            target = target.copy()
            target[:, g.skipped] = np.nan
        ok = fn(g.output, target, crit)
        result = ok if result is None else (result & ok)
    return result


# -- whole ticks ----------------------------------------------------------------------

def reset_backward_integrators(net, g) -> None:
    """resetBackwardIntegrators: zero IN_INTEGR's and OUT_INTEGR's data.  Lens
    keeps an integrator's forward state and its derivative accumulator in one
    array, so this zeroes the forward state too (the procs: continuous.py)."""
    for kind in ("IN_INTEGR", "OUT_INTEGR"):
        state = g.proc_state.get(kind)
        if state is not None:
            state.value[...] = 0


def forward_tick(net, ctx: TickContext) -> None:
    """netForward: input, output and cost of each group in order.  (We keep
    the unit histories whenever an output file is being written, where Lens
    would leave them stale)"""
    store = net.example_writer is not None
    for g in net.groups:
        compute_input(net, g, store)
        compute_output(net, g, store)
        compute_cost(net, g, ctx, store)
    finish_costs(net, ctx)


def train_tick(net, ctx: TickContext, run_hook=None) -> None:
    """netForwardBackward (standard nets)."""
    store = net.backprop_ticks > 1 or net.example_writer is not None
    for g in net.groups:
        compute_input(net, g, store)
        compute_output(net, g, store)
        compute_cost(net, g, ctx, net.example_writer is not None)
        reset_backward_integrators(net, g)
        compute_cost_back(net, g, ctx, False)
        g.deriv_cache[...] = 0
    finish_costs(net, ctx)
    if run_hook is not None:
        run_hook("preTickBackProc")
    for g in reversed(net.groups):
        backprop(net, g)
    if net.backprop_ticks > 1:
        _backprop_through_time(net)


def _backprop_through_time(net) -> None:
    """The extra backward steps of an SRN with backpropTicks > 1."""
    last = -1
    for k, g in enumerate(net.groups):
        if g.type & T.ELMAN:
            last = max(last, k)
            if T.ELMAN_CLAMP in g.output_procs and g.elman_source is not None:
                last = max(last, g.elman_source.num)
    span = net.groups[:last + 1]
    for _ in range(1, net.backprop_ticks):
        was_reset = net.reset_history[history_index(net, net.current_tick)]
        net.current_tick -= 1
        idx = history_index(net, net.current_tick)
        for g in reversed(span):
            _restore_tick(net, g, net.current_tick)
            if was_reset and g.type & T.RESET_ON_EXAMPLE:
                g.deriv_cache[...] = 0
                reset_backward_integrators(net, g)
        for g in reversed(span):
            g.output_deriv[:, _live(g)] = 0
            backprop(net, g)
    net.current_tick += net.backprop_ticks - 1
    idx = history_index(net, net.current_tick)
    for g in span:
        live = _live(g)
        g.output[0, live] = g.output_history[idx][live]
        g.output_cache[:, live] = g.output[:, live]


# -- SRBPTT (simple recurrent backprop through time) ----------------------------

def srbptt_tick(net, ctx: TickContext) -> None:
    """Forward, cost and cost derivatives of each group, all kept in the history."""
    for g in net.groups:
        compute_input(net, g, True)
        compute_output(net, g, True)
        compute_cost(net, g, ctx, True)
        compute_cost_back(net, g, ctx, True)
    finish_costs(net, ctx)


def _restore_tick(net, g, tick: int) -> None:
    """restoreOutputs/Inputs (they pass over lesioned units)."""
    idx = history_index(net, tick)
    live = _live(g)
    g.output[0, live] = g.output_history[idx][live]
    g.output_cache[:, live] = g.output[:, live]
    g.input[0, live] = g.input_history[idx][live]


def srbptt_example_back(net) -> None:
    """Backpropagate through every tick of the example, last to first."""
    for g in net.groups:
        g.deriv_cache[...] = 0
        reset_backward_integrators(net, g)
    for g in reversed(net.groups):
        backprop(net, g)
    last = net.ticks_on_example - 1
    for tick in range(last - 1, -1, -1):
        net.current_tick = tick
        idx = history_index(net, tick)
        for g in net.groups:
            live = _live(g)             # (restoreOutputDerivs passes over lesioned units)
            if g.cost_procs:
                g.output_deriv[0, live] = g.output_deriv_history[idx][live]
            else:
                g.output_deriv[:, live] = 0
            _restore_tick(net, g, tick)
        for g in reversed(net.groups):
            backprop(net, g)
    for g in net.groups:
        idx = history_index(net, last)
        live = _live(g)
        g.output[0, live] = g.output_history[idx][live]
        g.output_cache[:, live] = g.output[:, live]
