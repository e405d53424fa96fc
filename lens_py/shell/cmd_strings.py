"""Tcl's `string` command and its subcommands."""
from __future__ import annotations

import re

from . import numbers
from .globmatch import glob_match
from .cmd_lists import list_index
from .errors import TclError, wrong_args
from .options import match_option
from .registry import CommandTable
from .tcllist import parse_list

TABLE = CommandTable("strings")
MAX_VALUE_SIZE = 2147483647

_SUBS = ["bytelength", "cat", "compare", "equal", "first", "index", "is", "last", "length",
         "map", "match", "range", "repeat", "replace", "reverse", "tolower", "totitle",
         "toupper", "trim", "trimleft", "trimright", "wordend", "wordstart"]


def _opts(args, allowed):
    """Split leading -options (nocase, length n) from the rest."""
    nocase, length = False, None
    i = 0
    while i < len(args) - 2 and args[i].startswith("-"):
        if _is_nocase(args[i]) and "nocase" in allowed:
            nocase = True
        elif len(args[i]) > 1 and "-length".startswith(args[i]) and "length" in allowed:
            i += 1
            length = numbers.get_int(args[i])
        else:
            raise TclError(f'bad option "{args[i]}": must be -nocase or -length')
        i += 1
    return nocase, length, args[i:]


_IS_CLASSES = {
    "alnum": str.isalnum, "alpha": str.isalpha, "ascii": lambda c: ord(c) < 128,
    "control": lambda c: ord(c) < 32 or ord(c) == 127, "digit": str.isdigit,
    "graph": lambda c: c.isprintable() and not c.isspace(), "lower": str.islower,
    "print": str.isprintable, "punct": lambda c: not c.isalnum() and c.isprintable()
    and not c.isspace(), "space": str.isspace, "upper": str.isupper,
    "wordchar": lambda c: c.isalnum() or c == "_", "xdigit": lambda c: c in "0123456789abcdefABCDEF",
}


_CLASSES = ["alnum", "alpha", "ascii", "control", "boolean", "digit", "double", "entier",
            "false", "graph", "integer", "list", "lower", "print", "punct", "space", "true",
            "upper", "wideinteger", "wordchar", "xdigit"]


def _is_nocase(word: str) -> bool:
    # Options may be abbreviated: -nocas, -noc, ... (but not "-").
    return len(word) > 1 and "-nocase".startswith(word)
_INT_PREFIX = re.compile(r"\s*[+-]?(?:0[xX][0-9a-fA-F]*|0[bB][01]*|0[oO][0-7]*|[0-9]*)")
_DOUBLE_PREFIX = re.compile(r"\s*[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _fail_index(cls, s) -> int:
    """Where `string is` stopped accepting s (its -failindex)."""
    if cls in _IS_CLASSES:
        f = _IS_CLASSES[cls]
        return next((i for i, c in enumerate(s) if not f(c)), len(s))
    if cls in ("integer", "entier", "wideinteger"):
        return _INT_PREFIX.match(s).end()
    if cls == "double":
        return _DOUBLE_PREFIX.match(s).end()
    return 0


def _one_to_one(conv):
    # Tcl changes case one character at a time (ß stays ß in toupper).
    def fn(s: str) -> str:
        out = conv(s)
        if len(out) == len(s):
            return out
        return "".join(u if len(u := conv(c)) == 1 else c for c in s)
    return fn


_lower = _one_to_one(str.lower)
_upper = _one_to_one(str.upper)
_title = _one_to_one(str.title)


def _string_is(cls, s, strict):
    if s == "":
        return not strict
    if cls in _IS_CLASSES:
        f = _IS_CLASSES[cls]
        return all(f(c) for c in s)
    if cls in ("integer", "entier", "wideinteger"):
        v = numbers.parse_int(s)
        if v is None:
            return False
        if cls == "integer":
            return -0xFFFFFFFF <= v <= 0xFFFFFFFF
        if cls == "wideinteger":
            return -(1 << 64) < v < (1 << 64)
        return True
    if cls == "double":
        return numbers.parse_number(s) is not None
    if cls == "boolean":
        return numbers.parse_bool(s) is not None and numbers.parse_number(s) is None or \
            s.strip() in ("0", "1")
    if cls == "true":
        return numbers.parse_bool(s) is True
    if cls == "false":
        return numbers.parse_bool(s) is False
    if cls == "list":
        try:
            parse_list(s)
            return True
        except TclError:
            return False
    raise TclError(f'bad class "{cls}": must be alnum, alpha, ascii, control, boolean, '
                   f'digit, double, entier, false, graph, integer, list, lower, print, punct, '
                   f'space, true, upper, wideinteger, wordchar, or xdigit')


@TABLE.command("string", "string subcommand ?arg ...?", 1)
def _string(interp, args):
    sub = args[0]
    if sub not in _SUBS:
        m = [s for s in _SUBS if s.startswith(sub)]
        if len(m) != 1:
            raise TclError(f'unknown or ambiguous subcommand "{sub}": must be '
                           + ", ".join(_SUBS[:-1]) + f", or {_SUBS[-1]}")
        sub = m[0]
    a = args[1:]

    def need(lo, hi, usage):
        if len(a) < lo or (hi is not None and len(a) > hi):
            raise wrong_args(f"string {sub} {usage}")

    if sub == "length":
        need(1, 1, "string")
        return str(len(a[0]))
    if sub == "bytelength":
        need(1, 1, "string")
        return str(len(a[0].encode("utf-8")))
    if sub == "index":
        need(2, 2, "string charIndex")
        i = list_index(a[1], len(a[0]))
        return a[0][i] if 0 <= i < len(a[0]) else ""
    if sub == "range":
        need(3, 3, "string first last")
        s = a[0]
        f = max(0, list_index(a[1], len(s)))
        last = list_index(a[2], len(s))
        return s[f:last + 1]
    if sub in ("equal", "compare"):
        nocase, length, rest = _opts(a, ("nocase", "length"))
        if len(rest) != 2:
            raise wrong_args(f"string {sub} ?-nocase? ?-length int? string1 string2")
        x, y = rest
        if nocase:
            x, y = x.lower(), y.lower()
        if length is not None and length >= 0:
            x, y = x[:length], y[:length]
        if sub == "equal":
            return "1" if x == y else "0"
        return "0" if x == y else ("-1" if x < y else "1")
    if sub == "match":
        nocase = False
        if len(a) == 3 and _is_nocase(a[0]):
            nocase, a = True, a[1:]
        need(2, 2, "?-nocase? pattern string")
        return "1" if glob_match(a[0], a[1], nocase) else "0"
    if sub == "map":
        nocase = False
        if len(a) == 3 and _is_nocase(a[0]):
            nocase, a = True, a[1:]
        need(2, 2, "?-nocase? charMap string")
        pairs = parse_list(a[0])
        if len(pairs) % 2:
            raise TclError("char map list unbalanced")
        mapping = [(pairs[k], pairs[k + 1]) for k in range(0, len(pairs), 2) if pairs[k]]
        s = a[1]
        out, i = [], 0
        low = s.lower() if nocase else s
        while i < len(s):
            for k, v in mapping:
                kk = k.lower() if nocase else k
                if low.startswith(kk, i):
                    out.append(v)
                    i += len(k)
                    break
            else:
                out.append(s[i])
                i += 1
        return "".join(out)
    if sub in ("first", "last"):
        need(2, 3, "needleString haystackString ?startIndex?")
        needle, hay = a[0], a[1]
        if sub == "first":
            start = max(0, list_index(a[2], len(hay))) if len(a) == 3 else 0
            return str(hay.find(needle, start)) if needle else "-1"
        end = list_index(a[2], len(hay)) if len(a) == 3 else len(hay)
        if not needle:
            return "-1"
        return str(hay.rfind(needle, 0, end + len(needle)))
    if sub in ("trim", "trimleft", "trimright"):
        need(1, 2, "string ?chars?")
        chars = a[1] if len(a) == 2 else " \t\n\r\v\f\0"
        fn = {"trim": str.strip, "trimleft": str.lstrip, "trimright": str.rstrip}[sub]
        return fn(a[0], chars)
    if sub in ("tolower", "toupper", "totitle"):
        need(1, 3, "string ?first? ?last?")
        s = a[0]
        f = max(0, list_index(a[1], len(s))) if len(a) > 1 else 0
        last = list_index(a[2], len(s)) if len(a) > 2 else (f if len(a) == 2 else len(s) - 1)
        mid = s[f:last + 1]
        mid = {"tolower": _lower, "toupper": _upper,
               "totitle": lambda t: _title(t[:1]) + _lower(t[1:])}[sub](mid)
        return s[:f] + mid + s[last + 1:]
    if sub == "repeat":
        need(2, 2, "string count")
        count = numbers.parse_int(a[1])
        if count is None:
            raise TclError(f'expected integer but got "{a[1]}"', "TCL VALUE INTEGER")
        if count > 0 and len(a[0]) * count > MAX_VALUE_SIZE:
            raise TclError(f"result exceeds max size for a Tcl value ({MAX_VALUE_SIZE} bytes)",
                           "TCL MEMORY")
        return a[0] * max(0, count)
    if sub == "reverse":
        need(1, 1, "string")
        return a[0][::-1]
    if sub == "cat":
        return "".join(a)
    if sub == "replace":
        need(3, 4, "string first last ?string?")
        s = a[0]
        f = list_index(a[1], len(s))
        last = list_index(a[2], len(s))
        if last < f or last < 0 or f >= len(s):
            return s
        f = max(f, 0)
        return s[:f] + (a[3] if len(a) == 4 else "") + s[last + 1:]
    if sub == "is":
        if len(a) < 2:
            raise wrong_args("string is class ?-strict? ?-failindex var? str")
        cls, rest = a[0], a[1:]
        cls = match_option(cls, _CLASSES, "class")
        strict = False
        failvar = None
        while len(rest) > 1 and rest[0].startswith("-"):
            if rest[0] == "-strict":
                strict = True
                rest = rest[1:]
            elif rest[0] == "-failindex":
                failvar = rest[1]
                rest = rest[2:]
            else:
                break
        if len(rest) != 1:
            raise wrong_args("string is class ?-strict? ?-failindex var? str")
        ok = _string_is(cls, rest[0], strict)
        if not ok and failvar is not None:
            interp.set_var(failvar, str(_fail_index(cls, rest[0])))
        return "1" if ok else "0"
    if sub in ("wordend", "wordstart"):
        need(2, 2, "string index")
        s = a[0]
        i = list_index(a[1], len(s))
        isw = _IS_CLASSES["wordchar"]
        if sub == "wordend":
            if i < 0:
                i = 0
            if i >= len(s):
                return str(len(s))
            j = i
            while j < len(s) and isw(s[j]):
                j += 1
            return str(j if j > i else i + 1)
        if i >= len(s):
            i = len(s) - 1
        if i < 0:
            return "0"
        j = i
        while j > 0 and isw(s[j - 1]) and isw(s[i]):
            j -= 1
        return str(j)
    raise TclError(f'unknown subcommand "{sub}"')
