"""Tcl's `format` and `scan`."""
from __future__ import annotations

import re

from . import numbers
from .errors import TclError
from .registry import CommandTable
from .tcllist import format_list

TABLE = CommandTable("format")

_SPEC = re.compile(r"%(?:(\d+)\$)?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?(h|l|ll|L|q|j|z|t)?(.)?",
                   re.DOTALL)


@TABLE.command("format", "format formatString ?arg ...?", 1)
def _format(interp, args):
    fmt, values = args[0], args[1:]
    out = []
    pos = 0
    next_arg = 0
    used_xpg = used_plain = False
    while True:
        k = fmt.find("%", pos)
        if k < 0:
            out.append(fmt[pos:])
            break
        out.append(fmt[pos:k])
        m = _SPEC.match(fmt, k)
        xpg, flags, width, prec, size, conv = m.groups()
        pos = m.end()
        if conv is None:
            raise TclError("format string ended in middle of field specifier")
        if conv == "%":
            out.append("%")
            continue
        if xpg is not None:
            used_xpg = True
            next_arg = int(xpg) - 1
        else:
            used_plain = True
        if used_xpg and used_plain:
            raise TclError('cannot mix "%" and "%n$" conversion specifiers')

        def take():
            nonlocal next_arg
            if next_arg >= len(values) or next_arg < 0:
                raise TclError('not enough arguments for all format specifiers'
                               if not used_xpg else '"%n$" argument index out of range')
            v = values[next_arg]
            next_arg += 1
            return v

        if width == "*":
            width = str(numbers.get_int(take()))
            if width.startswith("-"):
                flags += "-"
                width = width[1:]
        if prec == "*":
            prec = str(numbers.get_int(take()))
        spec = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
        v = take()
        if conv in "di":
            n = _int_arg(v)
            if size in (None, "h") and size == "h":
                n = ((n + 2 ** 15) % 2 ** 16) - 2 ** 15
            elif size is None:
                # Tcl 8.6 formats plain %d of a big value in its full width.
                pass
            out.append((spec + "d") % n)
        elif conv == "u":
            n = _int_arg(v)
            if n < 0:
                n += 2 ** 64 if size in ("l", "ll", "j") else 2 ** 32
            out.append((spec + "d") % n)
        elif conv in "oxXb":
            n = _int_arg(v)
            if n < 0:
                n += 2 ** 64 if size in ("l", "ll", "j") else 2 ** 32
            if conv == "b":
                body = format(n, "b")
                if prec is not None:
                    body = body.zfill(int(prec))
                s = ("0b" + body if "#" in flags else body)
                out.append(_pad(s, flags, width))
            else:
                out.append((spec + conv) % n)
        elif conv == "c":
            out.append(_pad(chr(_int_arg(v)), flags.replace("0", ""), width))
        elif conv == "s":
            s = v if prec is None else v[:int(prec)]
            out.append(_pad(s, flags, width))
        elif conv in "feEgGaA":
            x = numbers.parse_number(v)
            if x is None:
                raise TclError(f'expected floating-point number but got "{v}"')
            x = float(x)
            if x != x or x in (float("inf"), float("-inf")):
                s = ("%" + flags.replace("0", "") + (width or "") + conv) % x
                out.append(s.replace("inf", "Inf").replace("nan", "NaN")
                           if conv.islower() else s)
            else:
                out.append((spec + conv) % x)
        else:
            raise TclError(f'bad field specifier "{conv}"')
    return "".join(out)


def _int_arg(v: str) -> int:
    n = numbers.parse_int(v)
    if n is None:
        x = numbers.parse_number(v)
        if x is None or x != x or x in (float("inf"), float("-inf")):
            raise TclError(f'expected integer but got "{v}"')
        n = int(x)
    return n


def _pad(s: str, flags: str, width) -> str:
    if not width:
        return s
    w = int(width)
    if "-" in flags:
        return s.ljust(w)
    if "0" in flags:
        return s.rjust(w, "0")
    return s.rjust(w)


_SCAN = re.compile(r"%(\*)?(\d+\$)?(\d+)?(h|l|ll|L)?([dioxXucsfeEgG\[n])")


@TABLE.command("scan", "scan string format ?varName ...?", 2)
def _scan(interp, args):
    s, fmt, names = args[0], args[1], args[2:]
    results = []
    i = 0          # position in s
    k = 0          # position in fmt
    conversions = 0
    failed_input = False
    while k < len(fmt):
        c = fmt[k]
        if c.isspace():
            while i < len(s) and s[i].isspace():
                i += 1
            k += 1
            continue
        if c != "%":
            if i < len(s) and s[i] == c:
                i += 1
                k += 1
                continue
            break
        if fmt.startswith("%%", k):
            while i < len(s) and s[i].isspace():
                i += 1
            if i < len(s) and s[i] == "%":
                i += 1
                k += 2
                continue
            break
        m = _SCAN.match(fmt, k)
        if not m:
            raise TclError("bad scan conversion character")
        suppress, _, width, _, conv = m.groups()
        if conv == "[":
            j = m.end()
            close = fmt.find("]", j + 1 if fmt[j:j + 1] == "]" or fmt[j:j + 2] == "^]" else j)
            if fmt[j:j + 2] == "^]":
                close = fmt.find("]", j + 2)
            if close < 0:
                raise TclError("unmatched [ in format string")
            charset = fmt[j:close]
            k = close + 1
        else:
            k = m.end()
        width = int(width) if width else None
        if conv not in "c[n":
            while i < len(s) and s[i].isspace():
                i += 1
        if conv == "n":
            if not suppress:
                results.append(str(i))
            continue
        if i >= len(s):
            failed_input = True
            break
        limit = len(s) if width is None else min(len(s), i + width)
        val = None
        if conv == "c":
            val = str(ord(s[i]))
            i += 1
        elif conv == "s":
            j = i
            while j < limit and not s[j].isspace():
                j += 1
            val, i = s[i:j], j
        elif conv == "[":
            neg = charset.startswith("^")
            cs = _charset(charset[1:] if neg else charset)
            j = i
            while j < limit and ((s[j] in cs) != neg):
                j += 1
            if j == i:
                break
            val, i = s[i:j], j
        else:
            pats = {"d": r"[+-]?\d+", "i": r"[+-]?(?:0[xX][0-9a-fA-F]+|0[0-7]*|\d+)",
                    "u": r"[+-]?\d+", "o": r"[+-]?[0-7]+", "x": r"[+-]?(?:0[xX])?[0-9a-fA-F]+",
                    "X": r"[+-]?(?:0[xX])?[0-9a-fA-F]+"}
            pat = pats.get(conv, r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
            mm = re.compile(pat).match(s[:limit], i)
            if not mm:
                break
            text = mm.group(0)
            i = mm.end()
            if conv in "du":
                val = str(int(text))
            elif conv == "i":
                val = str(numbers.parse_int(text) if numbers.parse_int(text) is not None else int(text))
            elif conv == "o":
                val = str(int(text, 8))
            elif conv in "xX":
                val = str(int(text, 16))
            else:
                val = interp.format_double(float(text))
        if not suppress:
            results.append(val)
            conversions += 1
    if names:
        for name, v in zip(names, results):
            interp.set_var(name, v)
        if failed_input and not results:
            return "-1"
        return str(min(len(results), len(names)))
    n_expected = len([m for m in _SCAN.finditer(fmt) if not m.group(1)])
    if failed_input and not results:
        return "-1"
    results += [""] * (n_expected - len(results))
    return format_list(results)


def _charset(spec: str) -> set:
    out = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            for o in range(ord(spec[i]), ord(spec[i + 2]) + 1):
                out.add(chr(o))
            i += 3
        else:
            out.add(spec[i])
            i += 1
    return out
