"""Tcl's `expr`: tokenizer, precedence parser, and evaluation by closures.

An expression string is compiled once into a tree of Python closures
(cached), so `expr {$i < 10}` in a loop costs one dictionary lookup plus the
closure calls.  Values are Python int, float or str, as in Tcl's dual
representation; a string operand becomes a number only when an operator
needs one.
"""
from __future__ import annotations

import math
import re

from . import numbers
from .errors import TclError
from .parser import _Parser, braced

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<num>0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+
        |(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<op>\*\*|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%<>&^|!~?:(),])
  | (?P<word>[A-Za-z_][A-Za-z0-9_:]*)
""", re.VERBOSE)

_BINARY = {
    "?": 1, "||": 2, "&&": 3, "|": 4, "^": 5, "&": 6,
    "==": 7, "!=": 7, "eq": 7, "ne": 7, "in": 7, "ni": 7,
    "<": 8, ">": 8, "<=": 8, ">=": 8,
    "<<": 9, ">>": 9, "+": 10, "-": 10, "*": 11, "/": 11, "%": 11, "**": 13,
}


class _Tok:
    __slots__ = ("kind", "value", "pos")

    def __init__(self, kind, value, pos):
        self.kind = kind
        self.value = value
        self.pos = pos


def _tokenize(text: str) -> list:
    toks = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "$":
            p = _Parser(text, i)
            ref = p._variable()
            if ref is None:
                raise TclError(f'invalid character "$"\nin expression "{text}"')
            toks.append(_Tok("operand", ("var", ref), i))
            i = p.pos
            continue
        if c == "[":
            p = _Parser(text, i)
            sub = p._command_sub()
            toks.append(_Tok("operand", ("cmd", sub), i))
            i = p.pos
            continue
        if c == '"':
            p = _Parser(text, i + 1)
            word = p._parts(terminators='"', in_quotes=True)
            if p.pos >= n:
                raise TclError(f'missing "\nin expression "{text}"')
            toks.append(_Tok("operand", ("word", word), i))
            i = p.pos + 1
            continue
        if c == "{":
            s, j = braced(text, i)
            toks.append(_Tok("operand", ("str", s), i))
            i = j
            continue
        m = _TOKEN.match(text, i)
        if not m:
            if c == "=":
                raise TclError(f'incomplete operator "="\nin expression "{text}"')
            raise TclError(f'invalid character "{c}"\nin expression "{text}"')
        kind = m.lastgroup
        val = m.group(kind)
        if kind == "num":
            j = m.end()
            if j < n and (text[j].isalnum() or text[j] == "_"):
                k = j
                while k < n and (text[k].isalnum() or text[k] == "_"):
                    k += 1
                raise _bad_number_word(text, text[i:k])
            if val[0] == "0" and len(val) > 1 and val[1].isdigit() and \
                    not any(ch in val for ch in ".eE"):
                v = numbers.parse_int(val)
                if v is None:
                    raise TclError(f'invalid bareword "{val}"\nin expression "{text}";\n'
                                   f'should be "${val}" or "{{{val}}}" or "{val}(...)" or ... '
                                   f'(invalid octal number?)')
            else:
                v = numbers.parse_number(val)
            toks.append(_Tok("operand", ("num", (v, val)), i))
        elif kind == "op":
            toks.append(_Tok("op", val, i))
        elif kind == "word":
            if val in ("eq", "ne", "in", "ni"):
                toks.append(_Tok("op", val, i))
            else:
                j = m.end()
                while j < n and text[j] in " \t\n":
                    j += 1
                if j < n and text[j] == "(":
                    toks.append(_Tok("func", val, i))
                    i = j
                    continue
                low = val.lower()
                if low in ("inf", "nan", "infinity"):
                    toks.append(_Tok("operand", ("const", numbers.parse_double(val)), i))
                elif numbers.parse_bool(val) is not None and low in (
                        "true", "false", "yes", "no", "on", "off") or \
                        any(w.startswith(low) for w in ("true", "false", "yes", "no")):
                    toks.append(_Tok("operand", ("const", val), i))
                else:
                    raise TclError(
                        f'invalid bareword "{val}"\nin expression "{text}";\n'
                        f'should be "${val}" or "{{{val}}}" or "{val}(...)" or ...')
        i = m.end()
    toks.append(_Tok("end", None, n))
    return toks


def _bad_number_word(text: str, word: str) -> TclError:
    hint = ""
    low = word.lower()
    if low.startswith("0b"):
        hint = " (invalid binary number?)"
    elif low.startswith("0o") or (len(word) > 1 and word[0] == "0" and word[1].isdigit()):
        hint = " (invalid octal number?)"
    return TclError(f'invalid bareword "{word}"\nin expression "{text}";\n'
                    f'should be "${word}" or "{{{word}}}" or "{word}(...)" or ...{hint}')


def _syntax(text: str, what: str) -> TclError:
    return TclError(f'syntax error in expression "{text}": {what}')


# -- values --------------------------------------------------------------------

def _num(v, op: str):
    """v as int/float for an arithmetic operator, with Tcl's errors."""
    t = type(v)
    if t is int:
        return v
    if t is float:
        if v != v:
            raise _nan_operand(op)
        return v
    if t is bool:
        return int(v)
    r = numbers.parse_number(v)
    if r is not None and r != r:
        raise _nan_operand(op)
    if r is None:
        if v == "":
            raise _operand_error(f'can\'t use empty string as operand of "{op}"',
                                 "ARITH DOMAIN {empty string}")
        if numbers.parse_bool(v) is not None and op in ("!", "&&", "||"):
            return 1 if numbers.parse_bool(v) else 0
        if numbers.looks_like_bad_octal(v):
            raise _operand_error(f'can\'t use invalid octal number as operand of "{op}"',
                                 "ARITH DOMAIN {invalid octal number}")
        raise _operand_error(f'can\'t use non-numeric string as operand of "{op}"',
                             "ARITH DOMAIN {non-numeric string}")
    return r


def _operand_error(msg: str, code: str = "NONE") -> TclError:
    """An error of arithmetic on operands (see _constant_errors)."""
    e = TclError(msg, code)
    e.operand_error = True
    return e


def _nan_operand(op: str) -> TclError:
    return _operand_error(f'can\'t use non-numeric floating-point value as operand of "{op}"')


_DOMAIN = "domain error: argument not in valid range"


def _domain_error() -> TclError:
    return TclError(_DOMAIN, "ARITH DOMAIN {" + _DOMAIN + "}")


def _not_a_number() -> TclError:
    return TclError("floating point value is Not a Number", "ARITH DOMAIN {" + _DOMAIN + "}")


def _maybe_num(v):
    t = type(v)
    if t is int or t is float:
        return v
    return numbers.parse_number(v)


def _int(v, op: str) -> int:
    n = _num(v, op)
    if type(n) is float:
        raise _operand_error(f'can\'t use floating-point value as operand of "{op}"')
    return n


def _bool(v, op: str = "") -> bool:
    """Truth of an operand of &&, ||, ?: (Tcl: "expected boolean value")."""
    t = type(v)
    if t is int:
        return v != 0
    if t is float:
        if v != v:
            raise _not_a_number()
        return v != 0
    b = numbers.parse_bool(v)
    if b is None:
        raise TclError(f'expected boolean value but got "{v}"')
    return b


def _not(v) -> int:
    t = type(v)
    if t is float and v != v:
        raise _nan_operand("!")
    if t is int or t is float:
        return 0 if v != 0 else 1
    b = numbers.parse_bool(v)
    if b is None:
        if v == "":
            raise TclError('can\'t use empty string as operand of "!"')
        raise TclError('can\'t use non-numeric string as operand of "!"')
    return 0 if b else 1


def _to_str(v, interp) -> str:
    t = type(v)
    if t is str or isinstance(v, str):
        return v
    if t is float:
        return interp.format_double(v)
    return str(int(v))


# -- operators -------------------------------------------------------------------

def _add(a, b):
    return a + b


def _f(x) -> float:
    """float(x), with integers too large for a double becoming infinite
    (as Tcl converts bignums)."""
    try:
        return float(x)
    except OverflowError:
        return math.inf if x > 0 else -math.inf


def _div(a, b, op="/"):
    if type(a) is int and type(b) is int:
        if b == 0:
            raise _operand_error("divide by zero", "ARITH DIVZERO {divide by zero}")
        return a // b
    a, b = _f(a), _f(b)
    if b == 0.0:
        if a == 0.0 or a != a:
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1.0, b)
    return a / b


def _mod(a, b):
    if b == 0:
        raise _operand_error("divide by zero", "ARITH DIVZERO {divide by zero}")
    return a % b


_MAX_BITS = 1 << 26     # integers up to 8 MB; beyond that, an error


def _pow(a, b):
    if type(a) is int and type(b) is int:
        if b < 0:
            if a == 0:
                raise TclError("exponentiation of zero by negative power")
            if a == 1:
                return 1
            if a == -1:
                return 1 if b % 2 == 0 else -1
            return 0
        if a.bit_length() * b > _MAX_BITS:
            # Tcl would grind on for minutes; an integer this large is no use.
            raise TclError("integer value too large to represent")
        return a ** b
    a, b = _f(a), _f(b)
    if a == 0.0 and b < 0:
        raise TclError("exponentiation of zero by negative power")
    try:
        return math.pow(a, b)
    except ValueError:
        raise _domain_error() from None
    except OverflowError:
        return math.inf if a > 0 or b % 2 == 0 else -math.inf


def _mul(a, b):
    r = a * b
    return r


_ARITH = {"+": _add, "-": lambda a, b: a - b, "*": _mul, "/": _div, "%": None, "**": _pow}
_INTOPS = {"%": _mod, "&": lambda a, b: a & b, "|": lambda a, b: a | b,
           "^": lambda a, b: a ^ b, "<<": lambda a, b: a << b, ">>": lambda a, b: a >> b}
_CMP = {"<": lambda a, b: a < b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


def _compare(op, a, b):
    fn = _CMP[op]
    na, nb = _maybe_num(a), _maybe_num(b)
    if na is not None and nb is not None:
        if (na != na) or (nb != nb):
            return 1 if op == "!=" else 0
        return 1 if fn(na, nb) else 0
    return 1 if fn(_plain(a), _plain(b)) else 0


def _plain(v) -> str:
    # Numbers compared as strings use their canonical string form.
    if type(v) is str:
        return v
    if type(v) is float:
        return numbers.format_double(v, 0)
    return str(v)


# -- functions --------------------------------------------------------------------

def _round(x):
    if type(x) is int:
        return x
    if x != x or x in (math.inf, -math.inf):
        raise TclError("integer value too large to represent" if x == x
                       else "floating point value is Not a Number")
    # Half away from zero, decided on the exact fraction (floor(x + 0.5)
    # would round 0.49999999999999994 up).
    a = -x if x < 0 else x
    f = math.floor(a)
    r = int(f) + (1 if a - f >= 0.5 else 0)
    return -r if x < 0 else r


def _wide(x):
    i = _entier(x)
    i &= (1 << 64) - 1
    return i - (1 << 64) if i >= (1 << 63) else i


def _entier(x):
    if type(x) is int:
        return x
    if x != x or x in (math.inf, -math.inf):
        raise TclError("integer value too large to represent" if x == x
                       else "floating point value is Not a Number")
    return int(x)


def _fdomain(fn):
    def wrapped(*args):
        try:
            return fn(*[_f(a) for a in args])
        except ValueError:
            raise _domain_error() from None
        except OverflowError:
            return math.inf
    return wrapped


def _cpow(x, y):
    """C's pow: a zero base with a negative exponent gives an infinity."""
    x, y = _f(x), _f(y)
    if x == 0.0 and y < 0:
        odd = y == int(y) and int(y) % 2 == 1
        return math.copysign(math.inf, x) if odd else math.inf
    try:
        return math.pow(x, y)
    except ValueError:
        raise _domain_error() from None
    except OverflowError:
        return math.inf if x > 0 or y % 2 == 0 else -math.inf


def _rounded(fn, x) -> float:
    x = _f(x)
    if x != x or x in (math.inf, -math.inf):
        return x
    return math.copysign(float(fn(x)), x)


def _log(x):
    x = _f(x)
    if x == 0:
        return -math.inf
    if x < 0:
        raise _domain_error()
    return math.log(x)


def _log10(x):
    x = _f(x)
    if x == 0:
        return -math.inf
    if x < 0:
        raise _domain_error()
    return math.log10(x)


def _sqrt(x):
    x = _f(x)
    if x < 0:
        return math.nan       # Tcl's sqrt alone gives NaN instead of an error
    return math.sqrt(x)


def _isqrt(x):
    if type(x) is float:
        if x < 0:
            raise TclError("square root of negative argument")
        if x == math.inf:
            raise TclError("integer value too large to represent")
        return math.isqrt(int(x))
    if x < 0:
        raise TclError("square root of negative argument")
    return math.isqrt(x)


def _fmod(a, b):
    a, b = _f(a), _f(b)
    if b == 0:
        raise _domain_error()
    try:
        return math.fmod(a, b)
    except ValueError:
        raise _domain_error() from None


def _minmax(pick):
    def fn(*args):
        if not args:
            raise TclError("too few arguments to math function")
        best = args[0]
        for a in args[1:]:
            if pick(a, best):
                best = a
        return best
    return fn


class _TclRand:
    """Tcl's own expr rand() generator (Park-Miller minimal standard)."""

    def __init__(self):
        import os
        import time
        self.seed = (int(time.time() * 1e6) + (os.getpid() << 12)) & 0x7FFFFFFF
        if self.seed in (0, 0x7FFFFFFF):
            self.seed ^= 123459876

    def next(self) -> float:
        tmp = self.seed // 127773
        self.seed = 16807 * (self.seed - tmp * 127773) - 2836 * tmp
        if self.seed < 0:
            self.seed += 2147483647
        return self.seed * (1.0 / 2147483647)

    def srand(self, n: int) -> float:
        self.seed = n & 0x7FFFFFFF
        if self.seed in (0, 0x7FFFFFFF):
            self.seed ^= 123459876
        return self.next()


_RAND = _TclRand()

_FUNCS = {
    "abs": (1, 1, lambda x: abs(x) if type(x) is int else math.fabs(x)),
    "int": (1, 1, _wide), "wide": (1, 1, _wide), "entier": (1, 1, _entier),
    "double": (1, 1, float), "round": (1, 1, _round),
    "floor": (1, 1, lambda x: _rounded(math.floor, x)),
    "ceil": (1, 1, lambda x: _rounded(math.ceil, x)),
    "sqrt": (1, 1, _sqrt), "isqrt": (1, 1, _isqrt),
    "exp": (1, 1, _fdomain(math.exp)), "log": (1, 1, _log), "log10": (1, 1, _log10),
    "pow": (2, 2, _cpow), "fmod": (2, 2, _fmod),
    "sin": (1, 1, _fdomain(math.sin)), "cos": (1, 1, _fdomain(math.cos)),
    "tan": (1, 1, _fdomain(math.tan)), "asin": (1, 1, _fdomain(math.asin)),
    "acos": (1, 1, _fdomain(math.acos)), "atan": (1, 1, _fdomain(math.atan)),
    "atan2": (2, 2, _fdomain(math.atan2)), "sinh": (1, 1, _fdomain(math.sinh)),
    "cosh": (1, 1, _fdomain(math.cosh)), "tanh": (1, 1, _fdomain(math.tanh)),
    "hypot": (2, 2, _fdomain(math.hypot)),
    "min": (1, None, _minmax(lambda a, b: a < b)),
    "max": (1, None, _minmax(lambda a, b: a > b)),
    "rand": (0, 0, lambda: _RAND.next()),
    "srand": (1, 1, lambda n: _RAND.srand(n if type(n) is int else int(n))),
    "bool": (1, 1, lambda x: 1 if x else 0),
}


# -- compiler ---------------------------------------------------------------------

class _Compiler:
    def __init__(self, text: str):
        self.text = text
        self.toks = _tokenize(text)
        self.i = 0

    def peek(self):
        return self.toks[self.i]

    def take(self):
        t = self.toks[self.i]
        self.i += 1
        return t

    def compile(self):
        if self.peek().kind == "end":
            raise TclError(f'empty expression\nin expression "{self.text}"')
        fn = self.expr(0)
        t = self.peek()
        if t.kind != "end":
            if t.kind == "op" and t.value == ",":
                raise TclError(f'unexpected "," outside function argument list\n'
                               f'in expression "{self.text}"')
            if t.kind == "op" and t.value == ")":
                raise TclError(f'unbalanced close paren\nin expression "{self.text}"')
            if t.kind == "op" and t.value == ":":
                raise TclError(f'unexpected operator ":" without preceding "?"\n'
                               f'in expression "{self.text}"')
            raise TclError(f'missing operator at _@_\nin expression '
                           f'"{self.text[:t.pos]}_@_{self.text[t.pos:]}"')
        return fn

    def expr(self, min_prec: int):
        left = self.unary()
        while True:
            t = self.peek()
            if t.kind != "op" or t.value not in _BINARY:
                return left
            op = t.value
            prec = _BINARY[op]
            if prec < min_prec:
                return left
            self.take()
            if op == "?":
                yes = self.expr(0)
                c = self.take()
                if c.kind != "op" or c.value != ":":
                    raise TclError(f'missing operator ":" at _@_\nin expression '
                                   f'"{self.text[:c.pos]}_@_{self.text[c.pos:]}"')
                no = self.expr(prec)
                left = self.ternary(left, yes, no)
                continue
            # ** is right-associative; the rest associate to the left.
            right = self.expr(prec if op == "**" else prec + 1)
            left = self.binary(op, left, right)

    def unary(self):
        t = self.take()
        if t.kind == "op" and t.value in ("-", "+", "!", "~"):
            # Unary operators bind tighter than ** in Tcl: -2**2 is 4.
            return self.unary_op(t.value, self.unary())
        if t.kind == "op" and t.value == "(":
            inner = self.expr(0)
            c = self.take()
            if c.kind != "op" or c.value != ")":
                raise TclError(f'unbalanced open paren\nin expression "{self.text}"')
            return inner
        if t.kind == "operand":
            return self.operand(t.value)
        if t.kind == "func":
            return self.function(t.value)
        if t.kind == "end":
            raise TclError(f'missing operand at _@_\nin expression "{self.text}_@_"')
        raise TclError(f'missing operand at _@_\nin expression '
                       f'"{self.text[:t.pos]}_@_{self.text[t.pos:]}"')

    def operand(self, spec):
        kind, v = spec
        if kind == "const":
            return lambda interp: v
        if kind == "num":
            # A number written in the expression computes as its value but,
            # as in Tcl, compares with eq/ne/in/ni as it was spelled (0x10).
            value, spelling = v
            fn = lambda interp: value
            fn.spelling = spelling
            return fn
        if kind == "str":
            return lambda interp: v
        if kind == "var":
            name, index = v.name, v.index
            if index is None:
                return lambda interp: interp.read_var(name, None)
            if type(index) is str:
                return lambda interp: interp.read_var(name, index)
            return lambda interp: interp.read_var(name, interp.subst_word(index))
        if kind == "cmd":
            commands, script = v.commands, v.script
            return lambda interp: interp.run_commands(commands, script)
        word = v
        return lambda interp: interp.subst_word(word)

    def function(self, name):
        self.take()  # (
        args = []
        if not (self.peek().kind == "op" and self.peek().value == ")"):
            while True:
                t = self.peek()
                if t.kind == "op" and t.value in (",", ")"):
                    raise TclError(f'missing function argument at _@_\nin expression '
                                   f'"{self.text[:t.pos]}_@_{self.text[t.pos:]}"')
                args.append(self.expr(0))
                t = self.take()
                if t.kind == "op" and t.value == ")":
                    break
                if not (t.kind == "op" and t.value == ","):
                    if t.kind == "end":
                        raise TclError(f'unbalanced open paren\nin expression "{self.text}"')
                    raise TclError(f'missing close paren\nin expression "{self.text}"')
        else:
            self.take()
        spec = _FUNCS.get(name)
        if spec is None:
            return lambda interp: _call_mathfunc(interp, name, [a(interp) for a in args])
        lo, hi, fn = spec
        if len(args) < lo:
            msg = (f'not enough arguments to math function "{name}"' if name in ("min", "max")
                   else f'not enough arguments for math function "{name}"')
            return _raiser(msg)
        if hi is not None and len(args) > hi:
            return _raiser(f'too many arguments for math function "{name}"')
        if name == "bool":
            a0 = args[0]
            return lambda interp: 1 if _bool(a0(interp)) else 0
        if name in ("double",):
            a0 = args[0]
            return lambda interp: _f(_fnum(a0(interp), name))
        if len(args) == 1:
            a0 = args[0]
            return lambda interp: fn(_fnum(a0(interp), name))
        return lambda interp: fn(*[_fnum(a(interp), name) for a in args])

    def unary_op(self, op, operand):
        if op == "-":
            return lambda interp: -_num(operand(interp), "-")
        if op == "+":
            return lambda interp: _num(operand(interp), "+")
        if op == "!":
            return lambda interp: _not(operand(interp))
        return lambda interp: ~_int(operand(interp), "~")

    def ternary(self, cond, yes, no):
        return lambda interp: yes(interp) if _bool(cond(interp), "?") else no(interp)

    def binary(self, op, a, b):
        if op == "&&":
            return lambda interp: 1 if (_bool(a(interp), op) and _bool(b(interp), op)) else 0
        if op == "||":
            return lambda interp: 1 if (_bool(a(interp), op) or _bool(b(interp), op)) else 0
        if op in ("+", "-", "*", "/", "**"):
            fn = _ARITH[op]

            def arith(interp):
                # Both operands are computed before either is checked.
                va = a(interp)
                vb = b(interp)
                x = _num(va, op)
                y = _num(vb, op)
                try:
                    r = fn(x, y)
                except OverflowError:       # a huge integer met a double
                    r = fn(_f(x), _f(y))
                if r != r:
                    raise _domain_error()
                return r
            return arith
        if op in _INTOPS:
            fn = _INTOPS[op]

            def intop(interp):
                va = a(interp)
                vb = b(interp)
                x = _int(va, op)
                y = _int(vb, op)
                if op in ("<<", ">>") and y < 0:
                    raise TclError("negative shift argument")
                if op == "<<" and x and y > _MAX_BITS:
                    raise TclError("integer value too large to represent")
                return fn(x, y)
            return intop
        if op in _CMP:
            return lambda interp: _compare(op, a(interp), b(interp))
        if op in ("eq", "ne", "in", "ni"):
            a, b = _as_spelled(a), _as_spelled(b)
        if op == "eq":
            return lambda interp: 1 if _plain_i(a(interp), interp) == _plain_i(b(interp), interp) else 0
        if op == "ne":
            return lambda interp: 1 if _plain_i(a(interp), interp) != _plain_i(b(interp), interp) else 0
        if op in ("in", "ni"):
            from .tcllist import parse_list
            want = op == "in"
            return lambda interp: 1 if ((_plain_i(a(interp), interp) in
                                         parse_list(_plain_i(b(interp), interp))) == want) else 0
        raise _syntax(self.text, f"unknown operator {op}")


def _as_spelled(fn):
    """A number literal's operand as its text, for the string operators."""
    spelling = getattr(fn, "spelling", None)
    return fn if spelling is None else (lambda interp: spelling)


def _plain_i(v, interp) -> str:
    return _to_str(v, interp)


_NUMBER_FUNCS = frozenset(("int", "wide", "entier", "round", "abs", "isqrt"))


def _fnum(v, name):
    """A math function's argument as a number, with Tcl's messages."""
    t = type(v)
    if t is int:
        return v
    r = v if t is float else numbers.parse_number(v)
    if r is not None and r != r:
        raise _not_a_number()
    if r is None:
        if name in _NUMBER_FUNCS:
            octal = " (looks like invalid octal number)" if numbers.looks_like_bad_octal(v) else ""
            raise TclError(f'expected number but got "{v}"{octal}')
        if name == "srand":
            raise TclError(f'expected integer but got "{v}"')
        raise TclError(f'expected floating-point number but got "{v}"')
    return r


def _raiser(msg):
    def fn(interp):
        raise TclError(msg)
    return fn


def _call_mathfunc(interp, name, args):
    cmd = "tcl::mathfunc::" + name
    if cmd not in interp.commands and cmd not in interp.procs:
        raise TclError(f'invalid command name "{cmd}"')
    return interp.call([cmd] + [_to_str(a, interp) for a in args])


_cache: dict = {}


def _constant_errors(fn):
    """Tcl folds an expression of constants when compiling it; an arithmetic
    error found then reads "invoked from within" in errorInfo."""
    def run(interp):
        try:
            return fn(interp)
        except TclError as e:
            if getattr(e, "operand_error", False):
                e.info_started = True
            raise
    return run


def compile_expr(text: str):
    fn = _cache.get(text)
    if fn is None:
        comp = _Compiler(text)
        fn = comp.compile()
        if not any(t.kind == "operand" and (t.value[0] in ("var", "cmd") or
                                            (t.value[0] == "word" and type(t.value[1]) is not str))
                   for t in comp.toks):
            fn = _constant_errors(fn)
        if len(_cache) > 20000:
            _cache.clear()
        _cache[text] = fn
    return fn


def _run(interp, text: str):
    try:
        return compile_expr(text)(interp)
    except (ArithmeticError, ValueError) as e:
        # A corner of Python's arithmetic we did not map to Tcl's: still a
        # script error, never a crash.
        raise TclError(f"arithmetic error in expression \"{text}\": {e}") from None


def _final(v: str):
    # An expression whose value is the string "NaN" fails as in Tcl.
    if v[:1] in "nN" or v[:2] in (" n", " N", "+n", "-n", "+N", "-N"):
        r = numbers.parse_double(v)
        if r is not None and r != r:
            raise _domain_error()
    return v


def expr_string(interp, text: str) -> str:
    v = _run(interp, text)
    t = type(v)
    if t is int:
        return str(v)
    if t is float:
        if v != v:
            raise _domain_error()
        return interp.format_double(v)
    if t is bool:
        return "1" if v else "0"
    # A lone operand that is a number comes back in its canonical form, as
    # in Tcl ("0x10" -> 16, " 1.50" -> 1.5); other strings unchanged.
    n = numbers.parse_number(v)
    if n is None or type(v) is numbers.TclDouble:
        return _final(v)
    if type(n) is float:
        if n != n:
            raise _domain_error()
        return interp.format_double(n)
    return str(n)


def expr_bool(interp, text: str) -> bool:
    v = _run(interp, text)
    t = type(v)
    if t is int or t is float:
        return v != 0
    b = numbers.parse_bool(v)
    if b is None:
        raise TclError(f'expected boolean value but got "{v}"')
    return b
