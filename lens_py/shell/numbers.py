"""Tcl's number syntax and Tcl 8.6's way of printing doubles."""
from __future__ import annotations

import math
import re

from .errors import TclError

_INT = re.compile(r"\s*([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)"
                  r"|0([0-7]+)|(0|[1-9][0-9]*))\s*\Z")
_BAD_OCTAL = re.compile(r"\s*[+-]?0[0-7]*[89][0-9]*\s*\Z")
_DOUBLE = re.compile(r"\s*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
                     r"|inf(?:inity)?|nan)\s*\Z", re.IGNORECASE)

_int_cache: dict = {}


class TclDouble(str):
    """The string form of a double that remembers the double it came from.

    Tcl keeps an expr result's binary value alongside its string, so with
    tcl_precision 8 `set x [expr {1.0/7}]; expr {$x*7}` gives 1.0, not the
    value of the printed digits.  Any new string made from it is a plain str,
    which loses the value exactly as Tcl's objects do when they shimmer.
    Made by `tcl_double` (a __new__ of its own would cost a Python call on
    every expr result)."""
    value: float


def tcl_double(text: str, value: float) -> TclDouble:
    d = TclDouble(text)
    d.value = value
    return d


def parse_int(s: str):
    """The integer value of s in Tcl's syntax, or None."""
    if type(s) is TclDouble:
        return None
    v = _int_cache.get(s)
    if v is not None:
        return v
    if s.isdigit() and s.isascii() and (s[0] != "0" or len(s) == 1):
        return int(s)          # the common case: a plain decimal
    m = _INT.match(s)
    if not m:
        return None
    sign, hx, octo, binary, old_octal, dec = m.groups()
    if hx is not None:
        v = int(hx, 16)
    elif octo is not None:
        v = int(octo, 8)
    elif binary is not None:
        v = int(binary, 2)
    elif old_octal is not None:
        v = int(old_octal, 8)
    else:
        v = int(dec)
    if sign == "-":
        v = -v
    if len(_int_cache) < 10000:
        _int_cache[s] = v
    return v


# The usual spelling of a real (what getObject and format print): Python's
# float reads it as Tcl does.
_PLAIN_REAL = re.compile(r"[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?\Z")


def parse_double(s: str):
    if type(s) is TclDouble:
        return s.value
    if _PLAIN_REAL.match(s):
        return float(s)
    if _DOUBLE.match(s) and not _BAD_OCTAL.match(s):
        t = s.strip().lower()
        if "nan" in t:
            return math.nan
        return float(t)
    return None


def parse_number(s: str):
    """int, float, or None when s is not a Tcl number."""
    if type(s) is TclDouble:
        return s.value
    if "." not in s:        # (no integer of Tcl's has one)
        v = parse_int(s)
        if v is not None:
            return v
    return parse_double(s)


def looks_like_bad_octal(s: str) -> bool:
    return bool(_BAD_OCTAL.match(s))


def get_int(s: str) -> int:
    v = parse_int(s)
    if v is None:
        if looks_like_bad_octal(s):
            raise TclError(f'expected integer but got "{s}" (looks like invalid octal number)',
                           "TCL VALUE NUMBER")
        raise TclError(f'expected integer but got "{s}"', "TCL VALUE NUMBER")
    return v


def get_double(s: str) -> float:
    v = parse_number(s)
    if v is None:
        raise TclError(f'expected floating-point number but got "{s}"', "TCL VALUE NUMBER")
    return float(v)


_BOOLS = {"1": True, "0": False, "true": True, "false": False, "yes": True, "no": False,
          "on": True, "off": False}


def parse_bool(s: str):
    """A Tcl boolean (numbers too), or None."""
    b = _BOOLS.get(s.strip().lower())
    if b is not None:
        return b
    t = s.strip().lower()
    if t and len(t) >= 1:
        for word in ("true", "false", "yes", "no"):
            if word.startswith(t) and len(t) >= 1:
                return _BOOLS[word]
        if len(t) >= 2:
            for word in ("on", "off"):
                if word.startswith(t):
                    return _BOOLS[word]
    v = parse_number(s)
    if v is None:
        return None
    return v != 0


def get_bool(s: str) -> bool:
    b = parse_bool(s)
    if b is None:
        raise TclError(f'expected boolean value but got "{s}"')
    return b


_G_FORMATS = tuple(f"%.{p}g" for p in range(18))


def format_double(x: float, precision: int = 0) -> str:
    """Print a double as Tcl 8.6's Tcl_PrintDouble does under tcl_precision.

    Digits: the shortest round-trip form (precision 0) or `precision`
    significant digits with trailing zeros dropped; then fixed notation unless
    the decimal exponent is below -4 or above 16.
    """
    # Where C's %g (or repr, for the shortest form) writes fixed notation
    # it writes what Tcl does, but for a ".0" on a whole number; its
    # exponent form and the special values go the long way.
    if 0 < precision < 18:
        s = _G_FORMATS[precision] % x
    elif precision == 0:
        s = repr(x)
    else:
        s = "e"
    if "e" not in s and "n" not in s:
        return s if "." in s else s + ".0"
    return _format_double(x, precision)


def _format_double(x: float, precision: int) -> str:
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Inf" if x > 0 else "-Inf"
    sign = "-" if math.copysign(1.0, x) < 0 else ""
    a = abs(x)
    if a == 0.0:
        return sign + "0.0"
    if precision == 0:
        mant, _, exp = ("%r" % a).partition("e")
        if "e" not in "%r" % a:
            mant, exp = "%r" % a, "0"
        if "." in mant:
            ip, fp = mant.split(".")
        else:
            ip, fp = mant, ""
        digits = (ip + fp).lstrip("0")
        lead = len(ip + fp) - len((ip + fp).lstrip("0"))
        e10 = int(exp) + len(ip) - 1 - lead
        digits = digits.rstrip("0") or "0"
    else:
        mant, _, exp = ("%.*e" % (precision - 1, a)).partition("e")
        digits = mant.replace(".", "").rstrip("0") or "0"
        e10 = int(exp)
    if e10 < -4 or e10 > 16:
        s = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return sign + s + "e" + (("%+03d" if precision else "%+d") % e10)
    if e10 >= 0:
        ip = digits[:e10 + 1].ljust(e10 + 1, "0")
        fp = digits[e10 + 1:] or "0"
        return sign + ip + "." + fp
    return sign + "0." + "0" * (-e10 - 1) + digits


def format_number(v, precision: int = 0) -> str:
    if isinstance(v, bool):
        return "1" if v else "0"
    if isinstance(v, int):
        return str(v)
    return format_double(v, precision)
