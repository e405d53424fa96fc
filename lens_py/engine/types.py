"""Lens's type names and mask bits, and the name lookup rules.

Lens keeps every type name of every class in one table sorted by name (then
class).  A type word is matched by prefix against that table and the first
entry wins, whatever its class -- so `addGroup g 3 FROZEN` fails because the
network type FROZEN sorts before the group type of the same name.  We keep the
same table so that prefixes resolve exactly as in Lens.
"""
from __future__ import annotations

# -- type classes (order matters: it breaks ties between equal names) --------
NETWORK, GROUP, GROUP_INPUT, GROUP_OUTPUT, GROUP_COST, UNIT, LINK, PROJECTION, \
    EXAMPLE_MODE, ALGORITHM, TASK, UPDATE_SIGNAL = range(12)

LESIONED = 1 << 30
FROZEN = 1 << 31

# network types
SRBPTT = 1 << 0
CONTINUOUS = 1 << 1
BOLTZMANN = 1 << 2

# group types: fixed kinds, criteria, history, flags
BIAS, INPUT, OUTPUT, ELMAN = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FIXED_MASKS = BIAS | INPUT | OUTPUT | ELMAN
STANDARD_CRIT, MAX_CRIT = 1 << 12, 1 << 13
CRITERION_MASKS = STANDARD_CRIT | MAX_CRIT
USE_INPUT_HIST, USE_OUTPUT_HIST, USE_TARGET_HIST, USE_OUT_DERIV_HIST = (
    1 << 20, 1 << 21, 1 << 22, 1 << 23)
USE_HIST_MASKS = USE_INPUT_HIST | USE_OUTPUT_HIST | USE_TARGET_HIST | USE_OUT_DERIV_HIST
BIASED = 1 << 24
RESET_ON_EXAMPLE = 1 << 25
ADAPTIVE_GAIN = 1 << 26
DERIV_NOISE = 1 << 27
EXT_INPUT_NOISE = 1 << 28
WRITE_OUTPUTS = 1 << 29

# update signals: the moments graphs and viewers can update at (engine/graphs.py)
ON_NEVER, ON_TICK, ON_EVENT, ON_EXAMPLE, ON_UPDATE, ON_REPORT, ON_TRAINING, ON_CUSTOM = (
    0, 1 << 0, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 1 << 5, 1 << 6)

# input procs
DOT_PRODUCT, DISTANCE, PRODUCT, IN_BOLTZ, SOFT_CLAMP, IN_INTEGR, IN_NORM, IN_NOISE, \
    IN_DERIV_NOISE, IN_COPY, INCR_CLAMP = (1 << i for i in range(11))
BASIC_INPUT_TYPES = DOT_PRODUCT | DISTANCE | PRODUCT | IN_BOLTZ | IN_COPY

# output procs
LINEAR, LOGISTIC, TERNARY, TANH, EXPONENTIAL, GAUSSIAN, SOFT_MAX, KOHONEN, OUT_BOLTZ, \
    HARD_CLAMP, BIAS_CLAMP, ELMAN_CLAMP, WEAK_CLAMP, OUT_INTEGR, OUT_NORM, OUT_NOISE, \
    OUT_DERIV_NOISE, OUT_CROPPED, OUT_COPY, INTERACT_INTEGR, OUT_WINNER = (
        1 << i for i in range(21))
BASIC_OUTPUT_TYPES = (LINEAR | LOGISTIC | TERNARY | TANH | GAUSSIAN | EXPONENTIAL | SOFT_MAX
                      | KOHONEN | OUT_BOLTZ | OUT_COPY | INTERACT_INTEGR)
CLAMPING_OUTPUT_TYPES = HARD_CLAMP | BIAS_CLAMP | ELMAN_CLAMP | WEAK_CLAMP
OUT_INTEGR_TYPES = OUT_INTEGR | INTERACT_INTEGR

# cost procs
SUM_SQUARED, CROSS_ENTROPY, DIVERGENCE, COSINE = 1 << 0, 1 << 1, 1 << 2, 1 << 3
ERROR_MASKS = SUM_SQUARED | CROSS_ENTROPY | DIVERGENCE | COSINE
TARGET_COPY = 1 << 10
LINEAR_COST, QUADRATIC_COST, CONV_QUAD_COST, LOGISTIC_COST, COSINE_COST, DELTA_COST = (
    1 << i for i in range(16, 22))
UNIT_COST_MASKS = (LINEAR_COST | QUADRATIC_COST | CONV_QUAD_COST | LOGISTIC_COST
                   | COSINE_COST | DELTA_COST)

# projections
ONE_TO_ONE, FULL, RANDOM, FIXED_IN, FIXED_OUT, FAIR, FAN = (1 << i for i in range(7))

# example modes
ORDERED, PERMUTED, RANDOMIZED, PROBABILISTIC, PIPE, CUSTOM = (1 << i for i in range(6))

# algorithms
STEEPEST, MOMENTUM, DOUGS_MOMENTUM, DELTA_BAR_DELTA = 1, 2, 4, 8
ALGORITHM_LONG_NAMES = {
    STEEPEST: "Steepest Descent",
    MOMENTUM: "Momentum Descent",
    DOUGS_MOMENTUM: "Doug's Momentum",
    DELTA_BAR_DELTA: "Delta-Bar-Delta",
}

_TYPES = [
    ("FROZEN", FROZEN, NETWORK), ("CONTINUOUS", CONTINUOUS, NETWORK),
    ("SRBPTT", SRBPTT, NETWORK), ("BOLTZMANN", BOLTZMANN, NETWORK),

    ("BIAS", BIAS, GROUP), ("INPUT", INPUT, GROUP), ("OUTPUT", OUTPUT, GROUP),
    ("ELMAN", ELMAN, GROUP),
    ("STANDARD_CRIT", STANDARD_CRIT, GROUP), ("MAX_CRIT", MAX_CRIT, GROUP),
    ("USE_INPUT_HIST", USE_INPUT_HIST, GROUP), ("USE_OUTPUT_HIST", USE_OUTPUT_HIST, GROUP),
    ("USE_TARGET_HIST", USE_TARGET_HIST, GROUP),
    ("USE_OUT_DERIV_HIST", USE_OUT_DERIV_HIST, GROUP),
    ("BIASED", BIASED, GROUP), ("RESET_ON_EXAMPLE", RESET_ON_EXAMPLE, GROUP),
    ("ADAPTIVE_GAIN", ADAPTIVE_GAIN, GROUP), ("DERIV_NOISE", DERIV_NOISE, GROUP),
    ("EXT_INPUT_NOISE", EXT_INPUT_NOISE, GROUP), ("WRITE_OUTPUTS", WRITE_OUTPUTS, GROUP),
    ("LESIONED", LESIONED, GROUP), ("FROZEN", FROZEN, GROUP),

    ("DOT_PRODUCT", DOT_PRODUCT, GROUP_INPUT), ("DISTANCE", DISTANCE, GROUP_INPUT),
    ("PRODUCT", PRODUCT, GROUP_INPUT), ("IN_BOLTZ", IN_BOLTZ, GROUP_INPUT),
    ("SOFT_CLAMP", SOFT_CLAMP, GROUP_INPUT), ("IN_INTEGR", IN_INTEGR, GROUP_INPUT),
    ("IN_NORM", IN_NORM, GROUP_INPUT), ("IN_NOISE", IN_NOISE, GROUP_INPUT),
    ("IN_DERIV_NOISE", IN_DERIV_NOISE, GROUP_INPUT), ("IN_COPY", IN_COPY, GROUP_INPUT),
    ("INCR_CLAMP", INCR_CLAMP, GROUP_INPUT),

    ("LINEAR", LINEAR, GROUP_OUTPUT), ("LOGISTIC", LOGISTIC, GROUP_OUTPUT),
    ("TERNARY", TERNARY, GROUP_OUTPUT), ("TANH", TANH, GROUP_OUTPUT),
    ("EXPONENTIAL", EXPONENTIAL, GROUP_OUTPUT), ("GAUSSIAN", GAUSSIAN, GROUP_OUTPUT),
    ("SOFT_MAX", SOFT_MAX, GROUP_OUTPUT), ("KOHONEN", KOHONEN, GROUP_OUTPUT),
    ("OUT_BOLTZ", OUT_BOLTZ, GROUP_OUTPUT), ("HARD_CLAMP", HARD_CLAMP, GROUP_OUTPUT),
    ("BIAS_CLAMP", BIAS_CLAMP, GROUP_OUTPUT), ("ELMAN_CLAMP", ELMAN_CLAMP, GROUP_OUTPUT),
    ("WEAK_CLAMP", WEAK_CLAMP, GROUP_OUTPUT), ("OUT_INTEGR", OUT_INTEGR, GROUP_OUTPUT),
    ("OUT_NORM", OUT_NORM, GROUP_OUTPUT), ("OUT_NOISE", OUT_NOISE, GROUP_OUTPUT),
    ("OUT_DERIV_NOISE", OUT_DERIV_NOISE, GROUP_OUTPUT),
    ("OUT_CROPPED", OUT_CROPPED, GROUP_OUTPUT), ("OUT_COPY", OUT_COPY, GROUP_OUTPUT),
    ("INTERACT_INTEGR", INTERACT_INTEGR, GROUP_OUTPUT),
    ("OUT_WINNER", OUT_WINNER, GROUP_OUTPUT),

    ("SUM_SQUARED", SUM_SQUARED, GROUP_COST), ("CROSS_ENTROPY", CROSS_ENTROPY, GROUP_COST),
    ("DIVERGENCE", DIVERGENCE, GROUP_COST), ("COSINE", COSINE, GROUP_COST),
    ("TARGET_COPY", TARGET_COPY, GROUP_COST),
    ("LINEAR_COST", LINEAR_COST, GROUP_COST), ("QUADRATIC_COST", QUADRATIC_COST, GROUP_COST),
    ("CONV_QUAD_COST", CONV_QUAD_COST, GROUP_COST),
    ("LOGISTIC_COST", LOGISTIC_COST, GROUP_COST), ("COSINE_COST", COSINE_COST, GROUP_COST),
    ("DELTA_COST", DELTA_COST, GROUP_COST),

    ("ONE_TO_ONE", ONE_TO_ONE, PROJECTION), ("FULL", FULL, PROJECTION),
    ("RANDOM", RANDOM, PROJECTION), ("FIXED_IN", FIXED_IN, PROJECTION),
    ("FIXED_OUT", FIXED_OUT, PROJECTION), ("FAIR", FAIR, PROJECTION), ("FAN", FAN, PROJECTION),

    ("ORDERED", ORDERED, EXAMPLE_MODE), ("PERMUTED", PERMUTED, EXAMPLE_MODE),
    ("RANDOMIZED", RANDOMIZED, EXAMPLE_MODE), ("PROBABILISTIC", PROBABILISTIC, EXAMPLE_MODE),
    ("PIPE", PIPE, EXAMPLE_MODE), ("CUSTOM", CUSTOM, EXAMPLE_MODE),

    ("steepest", STEEPEST, ALGORITHM), ("momentum", MOMENTUM, ALGORITHM),
    ("dougsMomentum", DOUGS_MOMENTUM, ALGORITHM), ("deltaBarDelta", DELTA_BAR_DELTA, ALGORITHM),

    ("Waiting", 1 << 0, TASK), ("Training", 1 << 1, TASK), ("Testing", 1 << 2, TASK),
    ("Parallel Training", 1 << 3, TASK), ("Loading Examples", 1 << 4, TASK),
    ("Saving Examples", 1 << 5, TASK), ("Building Link Viewer", 1 << 6, TASK),

    ("NEVER", ON_NEVER, UPDATE_SIGNAL), ("TICKS", ON_TICK, UPDATE_SIGNAL),
    ("EVENTS", ON_EVENT, UPDATE_SIGNAL), ("EXAMPLES", ON_EXAMPLE, UPDATE_SIGNAL),
    ("WEIGHT_UPDATES", ON_UPDATE, UPDATE_SIGNAL), ("PROGRESS_REPORTS", ON_REPORT, UPDATE_SIGNAL),
    ("TRAINING_AND_TESTING", ON_TRAINING, UPDATE_SIGNAL), ("USER_SIGNALS", ON_CUSTOM, UPDATE_SIGNAL),
]

# Sorted by name (byte order, as strcmp), then class.
TYPE_TABLE = sorted(_TYPES, key=lambda t: (t[0].encode(), t[2]))

GROUP_CLASSES = (GROUP, GROUP_INPUT, GROUP_OUTPUT, GROUP_COST)
CLASS_NAMES = ["NETWORK", "GROUP", "GROUP_INPUT", "GROUP_OUTPUT", "GROUP_COST", "UNIT",
               "LINK", "PROJECTION", "EXAMPLE_MODE", "ALGORITHM", "TASK", "UPDATE_SIGNAL"]


class TypeError_(ValueError):
    """A type word that Lens would not accept."""


def lookup_type(word: str):
    """(class, mask) of the first table entry that `word` is a prefix of, or None."""
    for name, mask, cls in TYPE_TABLE:
        if name.startswith(word):
            return cls, mask
    return None


def lookup_type_mask(word: str, cls: int):
    """Lens's lookupTypeMask: the first entry with the prefix whose class is at
    least `cls` must have exactly that class."""
    for name, mask, c in TYPE_TABLE:
        if name.startswith(word) and c >= cls:
            return mask if c == cls else None
        if name.encode()[:len(word.encode())] > word.encode():
            break
    return None


def lookup_group_type(word: str):
    """(class, mask) of a group type word (without its +/- sign)."""
    found = lookup_type(word)
    if found is None or found[0] not in GROUP_CLASSES:
        raise TypeError_(f'Invalid group type: "{word}"\n'
                         'Run "groupType" for a list of valid group types.')
    return found


def type_name(mask: int, cls: int):
    for name, m, c in _TYPES:
        if m == mask and c == cls:
            return name
    return None


def parse_type_words(words):
    """[+|-]type words → list of (class, mask, mode), mode '' / '+' / '-'."""
    out = []
    for w in words:
        mode = ""
        if w[:1] in "+-" and w:
            mode, w = w[0], w[1:]
        cls, mask = lookup_group_type(w)
        out.append((cls, mask, mode))
    return out
