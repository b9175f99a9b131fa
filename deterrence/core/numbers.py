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
from fractions import Fraction

import numpy as np

from deterrence.errors import GameError


def is_symbolic(value) -> bool:
    """True for a sympy expression that is not a plain number.

    >>> is_symbolic(3)
    False
    """
    mod = type(value).__module__
    if not mod.startswith("sympy"):
        return False
    return not getattr(value, "is_Number", False)


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
        if not math.isfinite(value):
            raise GameError(f"{what} is {value}: payoffs must be finite numbers")
        return _normal(Fraction(repr(float(value))))  # np.float64 reprs as "np.float64(...)"
    if isinstance(value, str):
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


def _normal(q: Fraction):
    return q.numerator if q.denominator == 1 else q


def format_exact(value) -> str:
    """The string form used in JSON and tables: ``"1/3"``, ``"2"``, ``"-5/2"``.

    >>> format_exact(Fraction(-5, 2))
    '-5/2'
    """
    if isinstance(value, float):
        return repr(value)
    return str(value)


def positive_integer_matrix(arr) -> list:
    """A 2-D array of exact numbers scaled by their common denominator and shifted so that
    the smallest entry is 1, as a list of lists of ints. A positive affine change of one
    player's payoffs leaves the equilibria unchanged, so the integer solvers work on this.

    >>> positive_integer_matrix(np.array([[Fraction(1, 2), -1], [0, 2]], dtype=object))
    [[4, 1], [3, 7]]
    """
    rows = np.asarray(arr, dtype=object).tolist()
    den = 1
    for row in rows:
        for v in row:
            if type(v) is not int:
                den = math.lcm(den, Fraction(v).denominator)
    if den != 1:
        rows = [[int(Fraction(v) * den) for v in row] for row in rows]
    low = min(min(row) for row in rows) - 1
    return [[v - low for v in row] for row in rows]


if hasattr(Fraction, "_from_coprime_ints"):          # Python >= 3.12
    _coprime_fraction = Fraction._from_coprime_ints
else:                                                # 3.10, 3.11
    def _coprime_fraction(p, q):
        return Fraction(p, q, _normalize=False)


def from_fmpq(v):
    """A python-flint ``fmpq`` as ``int`` (when whole) or ``Fraction``.

    >>> import flint
    >>> from_fmpq(flint.fmpq(6, 4)), from_fmpq(flint.fmpq(4, 2))
    (Fraction(3, 2), 2)
    """
    # flint keeps fmpq in lowest terms with q > 0: skip Fraction's gcd on big numbers
    p, q = int(v.p), int(v.q)
    return p if q == 1 else _coprime_fraction(p, q)
