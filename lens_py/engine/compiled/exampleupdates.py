"""Runs of updates of `train` in one compiled call for the networks the
compiled example loop trains (exampleloop.run_batch: simple recurrent nets,
backpropTicks > 1, SRBPTT, masked projections, PRODUCT and the other group
procedures, lesioned units): batch.train_updates' counterpart.

Each update of a run is what training.train does on that path -- the batch's
reset (errors 0, derivatives 0 but a lesioned unit's links'), its examples
(example.examples_kernel, with the draws made ahead as the batch-by-batch
loop makes them), the criterion count (the error under the criterion, or
every example correct) and the weight update (batch.update) -- with no Python
between the updates.  Networks this does not cover run batch by batch, with
the same numbers: DERIV_NOISE, and whatever batch.burst_last leaves out
(hooks between updates, schedules, reports).  What the kernel keeps for
HARD_CLAMP groups per history slot (backpropTicks > 1, SRBPTT) goes back to
the groups once, after the run: their slots only ever become valid, so that
leaves what a return after every batch would.

The kernel calls example.py's, batch.py's and bulkkernels.py's compiled
functions; numba's cache does not see changes in another file, so those are
its kernelcache dependencies.
"""
from __future__ import annotations


from .. import batchstart
from . import batch as fastbatch
from . import bulkkernels
from . import cache as kernelcache
from . import example as fastexample
from . import exampleloop

HAVE_NUMBA = fastexample.HAVE_NUMBA
ENABLED = HAVE_NUMBA

if HAVE_NUMBA:
    import numba
    from .batch import _njit as _njit_counted      # (the update keeps lists: reference counting)
    from .batch import counted_update
    from .bulkkernels import zero_all, zero_listed
    from .example import examples_kernel

    @_njit_counted
    def train_updates_kernel(idx_all, crit, min_crit, bac, counter, zaddr, zsize, laddr,
                             lfirst, lindex, ex_first, ex_freq, ev_times, wr_first, wr_group,
                             wr_field, wr_unit, wr_val, reset_val, crit_kind, crit_val, cost_k,
                             max_ticks, tpi, crit_required, pseudo, gi, gf, saddr, psend,
                             paddr, pshape, vals, gerr, event_hist, ticks_out, correct_out, io,
                             hist, reset_flags, bpt, haddr, hard_ext, hard_valid, span,
                             reset_group, srbptt, keep, algorithm, granges, uaddr, ushape,
                             gparams, faddr, baddr, learns, rate_inc, rate_dec, stats, proto):
        """Whole updates, one per row of idx_all; counter as
        batch.train_updates_kernel's."""
        counter[0] = 0
        counter[1] = 0
        counter[2] = bac
        for t in range(idx_all.shape[0]):
            zero_all(zaddr, zsize)
            zero_listed(laddr, lfirst, lindex)
            io[0] = 0.0
            for c in range(gerr.shape[0]):
                gerr[c] = 0.0
            examples_kernel(True, idx_all[t], ex_first, ex_freq, ev_times, wr_first, wr_group,
                            wr_field, wr_unit, wr_val, reset_val, crit_kind, crit_val, cost_k,
                            max_ticks, tpi, crit_required, pseudo, gi, gf, saddr, psend, paddr,
                            pshape, vals, gerr, event_hist, ticks_out, correct_out, io, hist,
                            reset_flags, bpt, haddr, hard_ext, hard_valid, span, reset_group,
                            srbptt, keep)
            bac = counted_update(io[0] < crit or io[2] != 0.0, t, bac, min_crit, counter,
                                 algorithm, granges, uaddr, ushape, gparams, faddr, baddr,
                                 learns, rate_inc, rate_dec, stats, proto)
            if bac < 0:
                return


def _kernel_types() -> tuple:
    """The argument types of train_updates' call (one set for every network)."""
    t = numba.types
    i1, i2, d1, d2, u1, f4 = (t.int64[::1], t.int64[:, ::1], t.float64[::1],
                              t.float64[:, ::1], t.uint8[::1], t.float32)
    examples = fastexample._examples_kernel_types()[2:]     # (training and idx are ours)
    return ((i2, t.float64, t.int64, t.int64, i1, i1, i1, i1, i1, i1) + examples
            + (t.int64, i2, i2, i2, d2, i2, i2, u1, f4, f4, d1, f4))


def _warm(variant: str) -> None:
    _KERNEL.compile(_kernel_types())


if HAVE_NUMBA:
    _KERNEL = train_updates_kernel      # (what _warm compiles, whatever a test wraps)
    KERNELS = kernelcache.Kernels(
        "exampleupdates", __file__, _warm, train_updates_kernel,
        depends=(fastexample.__file__, fastbatch.__file__, bulkkernels.__file__)
        + fastexample.KERNELS.depends + fastbatch.KERNELS.depends,
        what="the compiled runs of updates",
        compile_seconds=25.0)


LOAD_PAYS_UPDATES = 2_000


def train_updates(session, net, algorithm, run, i, batches_at_crit):
    """batch.train_updates for the networks exampleloop.run_batch trains;
    returns what it returns, `met` -- whether every example of the pending
    batch met its criteria (the kernel's io[2], as run_batch reads it)."""
    # loading the kernel costs about as much as the Python it saves on
    # LOAD_PAYS_UPDATES updates: a shorter train goes batch by batch
    if not KERNELS.loaded_now() and kernelcache.updates_left() < LOAD_PAYS_UPDATES:
        return None
    start = fastbatch.burst_start(net, algorithm, run, i, ENABLED)
    if start is None:
        return None
    last, n, reset = start
    exset = net.training_set
    prepared = exampleloop.prepare(net, exset)
    if prepared is None:
        return None
    uplan = fastbatch._update_plan(net)
    if uplan is None or not fastbatch._update_params(uplan, net) or not KERNELS.charge():
        return None
    plan, table = prepared
    a = exampleloop._LoopArrays.for_call(net, plan, table, True, n,
                                         exampleloop._memo_key(net, exset, False))
    count = min(last - i + 1, getattr(plan, "burst", 4))
    inc, dec, proto = uplan.rates

    def call(idx_all, counter):
        train_updates_kernel(idx_all, float(net.criterion), int(net.min_crit_batches),
                             int(batches_at_crit), counter, reset.whole.addr,
                             reset.whole.size, reset.parts.addr, reset.parts.first,
                             reset.parts.index, *a.args, algorithm,
                             uplan.granges, uplan.addr, uplan.shape, uplan.gparams, uplan.faddr,
                             uplan.baddr, uplan.all_learn, inc, dec, uplan.stats, proto)
    ahead = fastbatch.run_ahead(session, net, exset, n, count, call, uplan, plan, plan.noise)
    if ahead.batches:
        batchstart.reset_errors(net)
        exampleloop.store_after(net, exset, a, ahead.idx_all[ahead.batches - 1], True)
    return ahead.done, ahead.bac, ahead.interrupted, ahead.pending, \
        ahead.pending and a.io[2] != 0.0
