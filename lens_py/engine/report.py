"""Lens's printed reports: the training progress lines and the
test summary (§4.1), with Lens's 8-character "smart" number format."""
from __future__ import annotations

import math

import numpy as np

HEADER = "__Update____Error___UnitCost__Wgt.Cost__Grad.Lin__TimeUsed__TimeLeft__\n"


def smart_format(x: float, width: int = 8) -> str:
    """smartFormatReal: sign char, then |x| with 5 − ⌊log10|x|⌋ decimals (0..5)."""
    x = float(np.float32(x))
    if math.isnan(x):
        return "".join("-" if i == width >> 1 else " " for i in range(width))
    if x == 0.0:
        decimals = width - 3
    else:
        decimals = width - 3 - int(math.log10(abs(x))) if math.isfinite(x) else 0
    decimals = max(0, min(width - 3, decimals))
    sign = "-" if x < 0.0 else " "
    return sign + ("%-*.*f" % (width - 1, decimals, abs(x)))


def format_time(seconds: int) -> str:
    """printTime: hours+minutes, minutes+seconds, or seconds."""
    t = int(seconds)
    if t > 3600:
        return "%2dh %2dm" % (t // 3600, (t % 3600) // 60)
    if t > 60:
        return "%2dm " % (t // 60) + "%2ds" % (t % 60)
    return "    " + "%2ds" % t


def report_line(net, used_s: int, left_s: int) -> str:
    return ("%7d)  " % net.total_updates
            + smart_format(net.error) + "  " + smart_format(net.output_cost) + "  "
            + smart_format(net.weight_cost) + "  " + smart_format(net.gradient_linearity)
            + "  " + " " + format_time(used_s) + "   " + format_time(left_s) + "\n")


class ReportClock:
    """Lens's time-left estimate: the average time per update over the first
    reports, then a running average of the recent interval."""

    def __init__(self, start_ms: int):
        self.start = start_ms
        self.report_num = 0
        self.last = start_ms
        self.per_update = 0.0

    def times(self, now_ms: int, update: int, last_report: int, num_updates: int):
        self.report_num = 1 if not last_report else self.report_num + 1
        used = int((now_ms - self.start) * 1e-3)
        if num_updates > update and update != 0:
            if self.report_num < 5:
                self.per_update = float(np.float32((now_ms - self.start) / update))
            else:
                self.per_update = float(np.float32(
                    0.5 * self.per_update + 0.5 * ((now_ms - self.last) / (update - last_report))))
            self.last = now_ms
            left = int(self.per_update * 1e-3 * (num_updates - update))
        else:
            left = 0
        return used, left


def test_report(net, examples: int, ticks: int, reached: int):
    """(report text, Test array values) of standardNetTestBatch."""
    d = net.dtype
    out_groups = [g for g in net.groups if g.type & 4]  # OUTPUT
    many = len(out_groups) > 1
    err = d(net.error)
    per_ex = d(err / d(examples)) if examples else d(np.nan)
    per_tick = d(err / d(ticks)) if ticks else d(np.nan)
    cost_tick = d(d(net.output_cost) / d(ticks)) if ticks else d(np.nan)
    lines = [f"Test results on {examples} examples, {ticks} ticks:\n"]
    head = "                     Network     "
    if many:
        head += "".join(" %-12s" % g.name for g in out_groups)
    s = head + "\nError total:        " + smart_format(err)
    if many:
        s += "".join("     " + smart_format(g.error) for g in out_groups)
    s += "\nError per example:  " + smart_format(per_ex)
    if many:
        s += "".join("     " + smart_format(d(d(g.error) / d(examples))) for g in out_groups)
    s += "\nError per tick:     " + smart_format(per_tick)
    if many:
        s += "".join("     " + smart_format(d(d(g.error) / d(ticks))) for g in out_groups)
    s += "\nUnit cost per tick: " + smart_format(cost_tick)
    pct = d(d(reached * 100) / d(examples)) if examples else d(np.nan)
    s += "\nOutput unit criterion reached on %d examples (%.2f%%)" % (reached, pct)
    text = lines[0] + s
    values = {
        "numExamples": "%d" % examples, "numTicks": "%d" % ticks,
        "totalError": c_g(err), "exampleError": c_g(per_ex), "tickError": c_g(per_tick),
        "totalCost": c_g(net.output_cost), "tickCost": c_g(cost_tick),
        "examplesCorrect": "%d" % reached, "percentCorrect": c_g(pct),
    }
    if many:
        for g in out_groups:
            values[f"{g.name}.totalError"] = "%d" % ticks
            values[f"{g.name}.exampleError"] = c_g(per_ex)
            values[f"{g.name}.tickError"] = c_g(per_tick)
    return text, values


def c_g(x) -> str:
    """C's %g (NaN and infinities spelt as glibc prints them)."""
    x = float(x)
    if math.isnan(x):
        return "-nan" if math.copysign(1, x) < 0 else "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return "%g" % x
