"""Exact numbers: the one rule by which payoffs become exact.

Rule (documented, and relied on by every exact solver):

* ``int`` and ``fractions.Fraction`` are kept as they are;
* a ``float`` becomes the shortest decimal that prints as that float, so
  ``0.1`` becomes ``1/10`` (not the binary ``3602879701896397/36028797018963968``);
* a string such as ``"3/4"`` or ``"-2.5"`` is read as an exact rational;
* sympy rationals become ``Fraction``; NaN and infinities are refused.
"""
from __future__ import annotations

import math
import numbers
import re
import sys
from fractions import Fraction

from deterrence.errors import GameError, TooLargeError


def _numpy_scalar(value, kind: str) -> bool:
    """Whether *value* is a NumPy scalar of *kind* (``"floating"``, ``"integer"``), without
    importing NumPy: when it is not loaded, no value can be one (``import deterrence`` and
    ``deterrence --help`` load no NumPy)."""
    np = sys.modules.get("numpy")
    return np is not None and isinstance(value, getattr(np, kind))


def is_symbolic(value) -> bool:
    """True for a sympy expression that is not a plain number.

    >>> is_symbolic(3)
    False
    """
    mod = type(value).__module__
    if not mod.startswith("sympy"):
        return False
    return not getattr(value, "is_Number", False)


def check_probability(name: str, value, unit: str, bounds=(0, 1)) -> None:
    """Refuse a number ``value`` of parameter ``name`` outside ``bounds`` (a probability's
    [0, 1] by default), naming it and what it means (``unit``); a formula is left to its
    reader.

    >>> check_probability("e_us", Fraction(1, 2), "a chance of success")
    >>> check_probability("e_us", 2, "a chance of success")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: e_us = 2 is not a probability (a chance of success): it must be from 0 to 1
    """
    if not is_symbolic(value) and not bounds[0] <= value <= bounds[1]:
        raise GameError(f"{name} = {value} is not a probability ({unit}): it must be "
                        f"from {bounds[0]} to {bounds[1]}")


class ExactFloat(float):
    """A float read from a file that keeps the text it was written as, so that :func:`to_exact`
    gives the number the file says, not its nearest double: ``1.00000000000000000001`` is not 1,
    ``1e-400`` is not 0. Everywhere else it is the float it rounds to.

    >>> x = ExactFloat("1.00000000000000000001")
    >>> x == 1.0, to_exact(x)
    (True, Fraction(100000000000000000001, 100000000000000000000))
    """

    def __new__(cls, text: str):
        number = super().__new__(cls, text)
        number.literal = text
        return number


def to_exact(value, what: str = "payoff"):
    """Turn a number into an ``int`` or ``Fraction`` by the module's rule.

    >>> to_exact(0.1)
    Fraction(1, 10)
    >>> to_exact("2/6")
    Fraction(1, 3)
    """
    if isinstance(value, bool):
        raise GameError(f"{what} {value!r} is a boolean, not a number")
    if isinstance(value, int):
        return value
    if isinstance(value, Fraction):
        return value.numerator if value.denominator == 1 else value
    if isinstance(value, float):
        literal = getattr(value, "literal", None)      # an ExactFloat: the number as written
        if literal is not None and literal.strip().lower().lstrip("+-") not in ("inf", "nan"):
            return to_exact(literal.replace("_", ""), what)
        if not math.isfinite(value):
            raise GameError(f"{what} is {value}: it must be a finite number")
        return _normal(Fraction(repr(float(value))))  # np.float64 reprs as "np.float64(...)"
    if isinstance(value, str):
        # Fraction reads "1_000", "007" and Arabic-Indic digits; the formula grammar reads none
        # of them (one number syntax for --set values, parameter defaults and payoffs: a review)
        why = ("hexadecimal, octal and binary numbers are not read; write decimal digits"
               if re.match(r"\s*[+-]?0[xXoObB]", value) else
               "digits may not be grouped with _"
               if re.fullmatch(r"[\s0-9_.eE+/-]*", value) and re.search(r"[0-9]_|_[0-9]", value) else
               "digits are 0-9" if any(ch.isdigit() and not ch.isascii() for ch in value) else
               "an integer may not begin with 0"
               if any(re.fullmatch(r"\s*[+-]?0+[1-9][0-9]*\s*", part) for part in value.split("/", 1))
               else None)
        if why:
            raise GameError(f"{what} {value[:40]!r} is not a number ({why})")
        _check_literal_size(value, what)
        try:
            return _normal(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise GameError(f"{what} {value!r} is not a number") from None
    if type(value).__module__.startswith("sympy"):
        if getattr(value, "is_Rational", False):
            return _normal(Fraction(int(value.p), int(value.q)))
        if getattr(value, "is_Float", False):
            return to_exact(float(value), what)
        if getattr(value, "is_Number", False):
            raise GameError(f"{what} {value} is not a finite real number")
        raise GameError(f"{what} {value} is symbolic: give values for its parameters")
    if isinstance(value, numbers.Integral):  # numpy integers
        return int(value)
    if isinstance(value, numbers.Real):  # numpy floats
        return to_exact(float(value), what)
    raise GameError(f"{what} {value!r} of type {type(value).__name__} is not a number")


#: the most decimal digits a number written as text may stand for (``"1e999999999"`` would
#: stand for a billion): refused before it is built, in files, ``--set`` and the API alike
MAX_LITERAL_DIGITS = 4000


def _check_literal_size(text: str, what: str) -> None:
    """Refuse number text that stands for more than :data:`MAX_LITERAL_DIGITS` digits
    (counting a decimal exponent), before any number is built.

    >>> to_exact("1e999999999", "value of W")  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: value of W '1e999999999' stands for a number of about 1000000000 digits,
    over the limit of 4000 digits
    """
    import re
    from deterrence.errors import TooLargeError
    shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:40] + "..."
    total, small = 0, False
    for part in text.split("/", 1):
        found = re.fullmatch(r"\s*[+-]?([0-9_]*)\.?([0-9_]*)(?:[eE]([+-]?[0-9_]+))?\s*", part)
        if not found:
            return          # not a number: Fraction says so
        digits = len(found.group(1)) + len(found.group(2))
        exponent = (found.group(3) or "0").replace("_", "") or "0"
        power = 10**9 if len(exponent.lstrip("+-")) > 9 else abs(int(exponent))
        if digits + power > total:
            total, small = digits + power, exponent.startswith("-") and power > digits
    if total > MAX_LITERAL_DIGITS:
        # say what is wrong: 1e-99999 is not large, it is 1/10^99999, whose exact
        # denominator has 100000 digits (a fuzzing review: it was called "too large")
        if small:
            raise TooLargeError(f"{what} {shown!r} is too small in magnitude to keep exactly: as a "
                                f"fraction its denominator has about {total} digits, over the limit "
                                f"of {MAX_LITERAL_DIGITS} digits")
        raise TooLargeError(f"{what} {shown!r} stands for a number of about {total} digits, "
                            f"over the limit of {MAX_LITERAL_DIGITS} digits")


def _normal(q: Fraction):
    return q.numerator if q.denominator == 1 else q


def format_exact(value) -> str:
    """The string form used in JSON and tables: ``"1/3"``, ``"2"``, ``"-5/2"``.

    Exact numbers (``int``, ``Fraction``, sympy rationals and expressions) print exactly;
    a float prints as its shortest round-trip repr.

    Integers of any length print in full (Python's ``str`` stops at 4300 digits).

    >>> format_exact(Fraction(-5, 2)), format_exact(Fraction(4, 2)), format_exact(0.25)
    ('-5/2', '2', '0.25')
    >>> len(format_exact(Fraction(10**5000, 3)))
    5003
    """
    if isinstance(value, float) or _numpy_scalar(value, "floating"):
        return repr(float(value))
    if (isinstance(value, int) or _numpy_scalar(value, "integer")) and not isinstance(value, bool):
        return integer_text(int(value))
    if isinstance(value, Fraction) or getattr(value, "is_Rational", False):
        num, den = (value.numerator, value.denominator) if isinstance(value, Fraction) \
            else (int(value.p), int(value.q))
        return integer_text(num) if den == 1 else f"{integer_text(num)}/{integer_text(den)}"
    return str(value)


def integer_text(n: int) -> str:
    """The decimal digits of ``n``, of any length, without touching the interpreter's
    global limit (``sys.set_int_max_str_digits``): long numbers are split in halves.

    >>> integer_text(-10**5000)[:3], len(integer_text(3**20000))
    ('-10', 9543)
    """
    if n < 0:
        return "-" + integer_text(-n)
    if n.bit_length() <= 12000:           # about 3600 digits: under the limit of 4300
        return str(n)
    half = int(n.bit_length() * 0.30102999566398) // 2
    high, low = divmod(n, 10 ** half)
    return integer_text(high) + integer_text(low).rjust(half, "0")


#: Text (reprs, listings, reports) shows an exact number in full up to this many characters; a
#: longer one as a decimal with the count of its digits (:func:`format_text`). JSON keeps every digit.
TEXT_CHARACTERS = 40
#: Counts (of equilibria, of combinations, of pairs searched) print in full, with thousands
#: separators, below this; from it on as "about 7.18e+23" (:func:`format_count`).
COUNT_IN_FULL = 10**15


def format_text(value) -> str:
    """:func:`format_exact` for text: an exact rational of more than :data:`TEXT_CHARACTERS`
    characters (a probability of hundreds of digits, a payoff of ``10**300``) is shown as a
    decimal of six significant digits and the number of its digits, so a line stays readable;
    anything else as :func:`format_exact` gives it. JSON, files and ``format_exact`` keep the
    exact digits.

    >>> format_text(Fraction(1, 3)), format_text(10**300)
    ('1/3', '~1e+300 (exact: 301 digits)')
    >>> format_text(Fraction(3**500, 2**800 + 1))
    '~0.00545294 (exact: 239/241 digits)'
    """
    exact = format_exact(value)
    if len(exact) <= TEXT_CHARACTERS or not (isinstance(value, (int, Fraction)) and not isinstance(value, bool)
                                             or getattr(value, "is_Rational", False)
                                             or _numpy_scalar(value, "integer")):
        return exact
    digits = [len(part.lstrip("-")) for part in exact.split("/")]
    return f"~{format_approx(value)} (exact: {'/'.join(map(str, digits))} digits)"


def format_count(n: int) -> str:
    """A count for text: in full with thousands separators below :data:`COUNT_IN_FULL`, else
    rounded ("about 7.18e+23": the 24 digits of 3**50 extreme equilibria said nothing more).

    >>> format_count(107012), format_count(3**50)
    ('107,012', 'about 7.18e+23')
    """
    return f"{n:,}" if abs(n) < COUNT_IN_FULL else f"about {format_approx(n, 3)}"


def format_short(value, digits: int = 6) -> str:
    """The display form for text and plots. Rule: an exact rational (``int``, ``Fraction``,
    sympy ``Rational``) prints exactly, as :func:`format_exact`, unless it is longer than
    :data:`TEXT_CHARACTERS` (then as :func:`format_text` shortens it); anything else (a float,
    an irrational sympy number) prints with ``digits`` significant digits (``"%.6g"``).

    >>> format_short(Fraction(1, 3)), format_short(1 / 3), format_short(2.0), format_short(7)
    ('1/3', '0.333333', '2', '7')
    """
    if isinstance(value, (int, Fraction)) and not isinstance(value, bool) \
            or getattr(value, "is_Rational", False):
        return format_text(value)
    return format_approx(value, digits)


class FloatRangeError(TooLargeError, OverflowError):
    """Exact numbers beyond the float range reached a computation done in floating point.

    A :class:`~deterrence.errors.TooLargeError` for callers and the CLI, and an
    ``OverflowError`` for the solvers that fall back to exact arithmetic on one.
    """


def float_array(values, what: str = "payoffs"):
    """``np.array(values, dtype=float)``, or a :class:`FloatRangeError` naming the largest
    value when one is beyond the float range (about 1.8e+308).

    >>> float_array([1, Fraction(1, 2)]).tolist()
    [1.0, 0.5]
    >>> float_array([1, 10**400])
    Traceback (most recent call last):
    ...
    deterrence.core.numbers.FloatRangeError: payoffs beyond the float range (about 1.8e+308), up to 1e+400: ...
    """
    import numpy as np
    try:
        return np.array(values, dtype=float)
    except OverflowError:
        flat = np.asarray(values, dtype=object).ravel()
        largest = max(flat, key=lambda v: abs(Fraction(v)) if isinstance(v, (int, Fraction)) else 0)
        raise FloatRangeError(f"{what} beyond the float range (about 1.8e+308), up to {format_approx(largest)}: "
                              "this computation is done in floating point; scale them down or use an "
                              "exact method") from None


def format_approx(value, digits: int = 6, style: str = "g") -> str:
    """``format(float(value), f".{digits}{style}")`` for any real number: an exact number
    beyond the float range (``10**400``, a Fraction of thousands of digits) is rounded in
    decimal instead of raising ``OverflowError``.

    >>> format_approx(Fraction(1, 3)), format_approx(10**400), format_approx(-Fraction(10**5000, 3), 3)
    ('0.333333', '1e+400', '-3.33e+4999')
    >>> format_approx(Fraction(2, 3), 4, "f")
    '0.6667'

    An exact number below the float range is not written 0 (a war probability of 6e-398):

    >>> format_approx(Fraction(6, 10**398))
    '6e-398'
    """
    try:
        as_float = float(value)
        if not (as_float == 0 and style == "g" and value != 0):     # else: underflow, in decimal below
            return format(as_float, f".{digits}{style}")
    except OverflowError:
        pass
    from decimal import Context, Decimal
    q = Fraction(int(value.p), int(value.q)) if getattr(value, "is_Rational", False) else Fraction(value)
    if style == "g":                       # as float's "g": no trailing zeros
        context = Context(prec=max(digits, 1))
        return format(context.divide(Decimal(q.numerator), Decimal(q.denominator)).normalize(context), "g")
    rounded = Context(prec=digits + 3).divide(Decimal(q.numerator), Decimal(q.denominator))
    return format(rounded, f".{digits}{style}")


#: The quantities of the JSON output that have a ``<key>_float`` twin, and the only ones. Every
#: exact number is a string that :class:`fractions.Fraction` reads (``"1/3"``, ``"-2"``, a decimal
#: string where ``exact`` is false); a twin is given only where that string is no number a reader
#: can use as it is: ``critical_delta`` may be an algebraic number written as a formula
#: (``sqrt(2)/2``), and ``war_probability`` and ``expected_rounds_to_war`` are exact fractions of
#: the chain of play, often hundreds of digits long. (docs/howto/json-output.md states the rule;
#: tests/test_json_output.py walks every command's JSON and checks it.)
FLOAT_TWINS = ("critical_delta", "war_probability", "expected_rounds_to_war")


def json_float(value):
    """A float for JSON: ``None`` for NaN or an infinity, which the JSON standard has no
    word for (``json.dumps`` writes ``NaN``, which strict readers refuse), and for an exact
    number beyond the float range (the exact text beside it carries the number); ``None``
    stays ``None``. The one rule of every ``to_json`` that writes floats.

    >>> json_float(0.5), json_float(float("nan")), json_float(float("inf")), json_float(None)
    (0.5, None, None, None)
    >>> json_float(Fraction(1, 4)), json_float(10**400)
    (0.25, None)
    """
    if value is None:
        return None
    try:
        value = float(value)
    except OverflowError:
        return None
    return value if math.isfinite(value) else None


def plain_number(value):
    """A computed number in its plainest type: a NumPy float becomes a ``float``, a whole
    ``Fraction`` an ``int``; anything else is returned as it is.

    >>> import numpy as np
    >>> plain_number(np.float64(0.5)), plain_number(Fraction(4, 2)), plain_number(Fraction(1, 2))
    (0.5, 2, Fraction(1, 2))
    """
    if _numpy_scalar(value, "floating"):
        return float(value)
    if isinstance(value, Fraction) and value.denominator == 1:
        return value.numerator
    return value
