"""Tcl's `format` and `scan`."""
from __future__ import annotations

import math
import re

from . import numbers
from .errors import TclError
from .registry import CommandTable
from .tcllist import format_list

TABLE = CommandTable("format")

_SPEC = re.compile(r"%(?:(\d+)\$)?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d*))?(h|ll|l)?(.)?", re.DOTALL)
_MASK64 = (1 << 64) - 1
_MAX_WIDTH = 1 << 24    # wider fields would only exhaust memory


@TABLE.command("format", "format formatString ?arg ...?", 1)
def _format(interp, args):
    try:
        return _format_string(args[0], args[1:])
    except TclError as e:
        e.info_started = True     # Tcl reports format errors "invoked from within"
        raise


def _format_string(fmt: str, values: list) -> str:
    """Tcl 8.6's format (Tcl_AppendFormatToObj): integers are formatted by
    Tcl itself (64-bit `long` unless `ll`), doubles by C's printf."""
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
        if fmt.startswith("%%", k):
            out.append("%")
            pos = k + 2
            continue
        m = _SPEC.match(fmt, k)
        xpg, flags, width, prec, size, conv = m.groups()
        pos = m.end()
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
                raise TclError('"%n$" argument index out of range' if used_xpg
                               else 'not enough arguments for all format specifiers')
            v = values[next_arg]
            next_arg += 1
            return v

        minus = "-" in flags
        if width == "*":
            w = _int_arg(take())
            if w < 0:
                minus, w = True, -w
            width = w
        else:
            width = int(width) if width else 0
        if width > _MAX_WIDTH:
            raise TclError("max size for a Tcl value exceeded", "TCL MEMORY")
        if prec == "*":
            prec = _int_arg(take())
            if prec < 0:
                prec = 0
        elif prec is not None:
            prec = int(prec) if prec else 0
        if prec is not None and prec > _MAX_WIDTH:
            raise TclError("max size for a Tcl value exceeded", "TCL MEMORY")
        if next_arg >= len(values) or next_arg < 0:
            take()          # Tcl checks for the argument before the conversion
        if conv is None:
            raise TclError("format string ended in middle of field specifier")
        if conv not in "sdiuoxXbcfeEgG":
            raise TclError(f'bad field specifier "{conv}"')
        v = take()
        zero = "0" in flags
        if conv == "s":
            text = v if prec is None else v[:prec]
        elif conv == "c":
            n = _int_arg(v)
            text = chr(n) if 0 <= n <= 0x10FFFF else "\ufffd"
        elif conv in "diuoxXb":
            text, zero = _format_int(v, conv, flags, prec, size, width)
        else:
            x = numbers.parse_number(v)
            if x is None:
                raise TclError(f'expected floating-point number but got "{v}"')
            x = float(x)
            if x != x:
                raise TclError("floating point value is Not a Number")
            spec = "%" + flags.replace("-", "") + ("" if prec is None else f".{prec}") + conv
            text = spec % x
            if zero and not minus and x not in (math.inf, -math.inf):
                out.append(_zero_pad(text, width))
                continue
            zero = False
        if zero and conv in "sc":
            text = text.rjust(width, "0")
        if len(text) < width:
            text = text.ljust(width) if minus else text.rjust(width)
        out.append(text)
    return "".join(out)


def _zero_pad(text: str, width: int) -> str:
    """Pad with zeros after the sign (and 0x prefix), as printf's 0 flag."""
    if len(text) >= width:
        return text
    lead = 1 if text[:1] in "+- " else 0
    return text[:lead] + "0" * (width - len(text)) + text[lead:]


def _format_int(v: str, conv: str, flags: str, prec, size, width):
    n = numbers.parse_int(v)
    if n is None:
        raise TclError(f'expected integer but got "{v}"', "TCL VALUE NUMBER")
    if size == "h":
        n &= 0xFFFF
        if n >= 0x8000:
            n -= 0x10000
        bits = 16
    elif size == "ll":
        bits = None
    else:
        n &= _MASK64
        if n >= 1 << 63:
            n -= 1 << 64
        bits = 64
    if conv in "diu" and conv == "u":
        if bits is None:
            raise TclError("unsigned bignum format is invalid")
    if conv in "uoxXb" and n < 0 and bits is not None:
        n += 1 << bits
    sign = "-" if n < 0 else ("+" if "+" in flags and conv in "di" else
                              (" " if " " in flags and conv in "di" else ""))
    a = -n if n < 0 else n
    if conv in "diu":
        digits = str(a)
        prefix = ""
    elif conv == "o":
        digits = format(a, "o")
        prefix = "0" if "#" in flags and a != 0 else ""
    elif conv == "b":
        digits = format(a, "b")
        prefix = "0b" if "#" in flags else ""
    else:
        digits = format(a, "x" if conv == "x" else "X")
        prefix = ("0x" if conv == "x" else "0X") if "#" in flags else ""
    zero = "0" in flags
    if prec is not None:
        digits = digits.rjust(prec, "0")
        zero = False
    head = sign + prefix
    if zero and len(head) + len(digits) < width:
        digits = "0" * (width - len(head) - len(digits)) + digits
    return head + digits, False


def _int_arg(v: str) -> int:
    n = numbers.parse_int(v)
    if n is None:
        raise TclError(f'expected integer but got "{v}"', "TCL VALUE NUMBER")
    return n


_SCAN_FIELD = re.compile(r"%(\*)?(?:(\d+)\$)?(\d+)?(h|ll|l|L)?(.)?", re.DOTALL)
_SCAN_INT = {
    "d": re.compile(r"[+-]?[0-9]+"),
    "u": re.compile(r"[+-]?[0-9]+"),
    "o": re.compile(r"[+-]?[0-7]+"),
    "x": re.compile(r"[+-]?(?:0[xX](?=[0-9a-fA-F]))?[0-9a-fA-F]+"),
    "b": re.compile(r"[+-]?(?:0[bB](?=[01]))?[01]+"),
    "i": re.compile(r"[+-]?(?:0[xX][0-9a-fA-F]+|0[oO]?[0-7]*|[1-9][0-9]*)"),
}
_SCAN_FLOAT = re.compile(r"[+-]?(?:inf(?:inity)?|(?:[0-9]+\.?[0-9]*|\.[0-9]+)"
                         r"(?:[eE][+-]?[0-9]+)?)", re.IGNORECASE)
_SCAN_BASE = {"d": 10, "u": 10, "o": 8, "x": 16, "X": 16, "b": 2}


def _scan_fields(fmt: str, nvars: int) -> int:
    """Check a scan format as Tcl's ValidateFormat does; returns the number of
    values it produces (the size of the result list)."""
    k = 0
    plain = xpg = False
    index = 0
    assigned = {}
    total = 0
    n = len(fmt)
    while k < n:
        if fmt[k] != "%":
            k += 1
            continue
        if fmt.startswith("%%", k):
            k += 2
            continue
        m = _SCAN_FIELD.match(fmt, k)
        suppress, pos, width, size, conv = m.groups()
        k = m.end()
        if conv is None:
            raise TclError('bad scan conversion character ""')
        if conv == "[":
            j = k
            if fmt.startswith("^", j):
                j += 1
            if fmt.startswith("]", j):
                j += 1
            close = fmt.find("]", j)
            if close < 0:
                raise TclError("unmatched [ in format string")
            k = close + 1
        elif conv not in "dioxXbucsfeEgGn":
            raise TclError(f'bad scan conversion character "{conv}"')
        if conv == "c" and width:
            raise TclError("field width may not be specified in %c conversion")
        if suppress:
            continue
        if pos is not None:
            xpg = True
            index = int(pos) - 1
            if index < 0 or (nvars and index >= nvars):
                raise TclError('"%n$" argument index out of range')
        else:
            plain = True
        if xpg and plain:
            raise TclError('cannot mix "%" and "%n$" conversion specifiers')
        if index in assigned:
            raise TclError('variable is assigned by multiple "%n$" conversion specifiers')
        assigned[index] = True
        index += 1
        total = max(total, index)
    if nvars and not xpg:
        if total > nvars:
            raise TclError("different numbers of variable names and field specifiers")
        if total < nvars:
            raise TclError("variable is not assigned by any conversion specifiers")
    return total


@TABLE.command("scan", "scan string format ?varName ...?", 2)
def _scan(interp, args):
    """Tcl 8.6's scan (tclScan.c)."""
    s, fmt, names = args[0], args[1], args[2:]
    total = _scan_fields(fmt, len(names))
    values = [None] * total
    i = 0
    k = 0
    n, nf = len(s), len(fmt)
    index = 0
    conversions = 0
    underflow = False
    while k < nf:
        c = fmt[k]
        if c.isspace():
            while i < n and s[i].isspace():
                i += 1
            k += 1
            continue
        if c != "%" or fmt.startswith("%%", k):
            if i >= n:
                underflow = True
                break
            if s[i] != c:
                break
            i += 1
            k += 2 if c == "%" else 1
            continue
        m = _SCAN_FIELD.match(fmt, k)
        suppress, pos, width, size, conv = m.groups()
        k = m.end()
        if pos is not None:
            index = int(pos) - 1
        if conv == "n":
            if not suppress:
                values[index] = str(i)
                index += 1
            conversions += 1
            continue
        if conv == "[":
            j = k
            neg = fmt.startswith("^", j)
            if neg:
                j += 1
            close = fmt.find("]", j + 1 if fmt.startswith("]", j) else j)
            charset = _charset(fmt[j:close])
            k = close + 1
        if conv not in "c[":
            while i < n and s[i].isspace():
                i += 1
        if i >= n:
            underflow = True
            break
        limit = n if not width or int(width) == 0 else min(n, i + int(width))
        if conv == "c":
            val = str(ord(s[i]))
            i += 1
        elif conv == "s":
            j = i
            while j < limit and not s[j].isspace():
                j += 1
            val, i = s[i:j], j
        elif conv == "[":
            j = i
            while j < limit and ((s[j] in charset) != neg):
                j += 1
            if j == i:
                break
            val, i = s[i:j], j
        elif conv in "feEgG":
            mm = _SCAN_FLOAT.match(s[:limit], i)
            if not mm:
                break
            i = mm.end()
            val = interp.format_double(float(mm.group(0)))
        else:
            mm = _SCAN_INT["x" if conv == "X" else conv].match(s[:limit], i)
            if not mm:
                underflow = s[i] in "+-" and i + 1 >= n
                break
            i = mm.end()
            text = mm.group(0)
            if conv == "i":
                v = numbers.parse_int(text)
                if v is None:          # "09": the octal digits before the 9
                    v = 0
            else:
                sign = -1 if text[0] == "-" else 1
                digits = text.lstrip("+-")
                if conv in "xX" and digits[:2] in ("0x", "0X"):
                    digits = digits[2:]
                elif conv == "b" and digits[:2] in ("0b", "0B"):
                    digits = digits[2:]
                v = sign * int(digits, _SCAN_BASE[conv])
            if conv == "u" and v < 0:
                v += 1 << 64
            elif size != "ll" and size != "L":
                v = max(-(1 << 63), min((1 << 63) - 1, v))
            val = str(v)
        if not suppress:
            values[index] = val
            index += 1
        conversions += 1
    if names:
        if underflow and conversions == 0:
            return "-1"
        count = 0
        for name, v in zip(names, values):
            if v is not None:
                interp.set_var(name, v)
                count += 1
        return str(count)
    if underflow and conversions == 0:
        return ""
    return format_list(["" if v is None else v for v in values])


def _charset(spec: str) -> set:
    out = set()
    i = 0
    while i < len(spec):
        if i + 2 < len(spec) and spec[i + 1] == "-":
            lo, hi = sorted((ord(spec[i]), ord(spec[i + 2])))
            for o in range(lo, hi + 1):
                out.add(chr(o))
            i += 3
        else:
            out.add(spec[i])
            i += 1
    return out
