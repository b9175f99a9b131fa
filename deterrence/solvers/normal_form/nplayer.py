"""Every Nash equilibrium of a small n-player game, exactly: support enumeration
with the polynomial system of each support profile solved by Groebner bases.

Sources: R. D. McKelvey and A. McLennan, "Computation of equilibria in finite
games", Handbook of Computational Economics vol. 1, ch. 2 (1996), section 6
(equilibria of n-player games as the solutions of polynomial systems, one per
support profile); R. S. Datta, "Using computer algebra to find Nash equilibria",
ISSAC 2003 (Groebner bases for these systems); T. Turocy's notes on Gambit's
``enumpoly`` (the same support-by-support scheme, solved there numerically);
R. Porter, E. Nudelman and Y. Shoham, "Simple search methods for finding a
Nash equilibrium", Games Econ. Behav. 63 (2008) (conditional dominance to
prune supports); D. Cox, J. Little and D. O'Shea, *Ideals, Varieties, and
Algorithms* (the shape lemma, elimination, Seidenberg's lemma). No code was copied.

Steps
-----
1. Scale each player's payoffs to integers (a positive affine change leaves
   the equilibria as they are).
2. Enumerate the support profiles ``(S_1, ..., S_n)`` (refused above ``limit``
   profiles with :class:`~deterrence.errors.TooLargeError`, and, without an
   explicit ``limit``, when the system of a profile the dominance test below leaves
   may have more than :data:`MAX_MIXED_SOLUTIONS` solutions, :func:`mixed_solution_bound`);
   skip a profile when
   an action in some ``S_i`` is strictly dominated by another action of player
   ``i`` against every pure profile of the others' supports (conditional
   dominance: such a profile has no equilibrium).
3. Unknowns: the probabilities ``x_{i,a}`` of the support actions but the first
   (``x_{i,first} = 1 - sum``). Equations: each player is indifferent among
   the actions of its support, ``u_i(a, x_-i) = u_i(first, x_-i)``. The system
   is square and polynomial (multilinear) with rational coefficients.
   Three-player profiles where two players have supports of one size and the
   third mixes over at most two actions (and the 3x3x3 full support, when balls
   reject every candidate) are decided first by the linear elimination of
   :mod:`~deterrence.solvers.normal_form.nplayer_elimination` (two mixtures as
   kernel vectors of the third's, a univariate polynomial); it hands back what
   it cannot decide. Most other profiles are decided by the quotient-ring path of
   :mod:`~deterrence.solvers.normal_form.nplayer_quotient` (python-flint: the
   multiplication matrix of a separating linear form, its characteristic
   polynomial factored, rational roots certified, irrational real roots not
   rejected by ball arithmetic decided exactly as in step 6); the steps below
   decide what it leaves open (positive-dimensional systems, a quotient without
   a cyclic vector).
4. A grevlex Groebner basis (python-flint's Buchberger algorithm over the
   integers, handed to sympy; tested equal to sympy's own) decides the system: ``[1]`` means no
   solution; a positive-dimensional one is a candidate continuum of equilibria
   (step 7); a zero-dimensional one is converted (FGLM) to a lexicographic basis
   in shape position ``x_j = g_j(t), h(t) = 0``, with ``t`` the last unknown or,
   if that does not separate the solutions, a new unknown ``t = c . x`` for
   integer ``c``. If a few ``c`` fail (a non-radical ideal need not have a
   shape basis), the ideal is made radical by adding the square-free parts of
   its univariate eliminants (Seidenberg's lemma) and more ``c`` are tried.
5. ``h`` is factored over the rationals. A linear factor gives a rational
   point (Fractions). For an irreducible factor ``f`` of degree >= 2, each real
   root is isolated in a rational interval (sympy's real root isolation), and
   each coordinate is the algebraic number ``g_j(t0)`` (:class:`RealAlgebraic`).
6. The equilibrium conditions are decided exactly: probabilities positive on
   the support, no action outside the support better than the support's.
   Rational points pass :func:`~deterrence.solvers.certify.certified_equilibrium`.
   At an irrational point each condition is the sign of a polynomial ``r(t0)``;
   since ``f`` is irreducible, ``r(t0) = 0`` exactly when ``f`` divides ``r``,
   and otherwise the sign is read from interval arithmetic on the isolating
   interval, bisected until it excludes zero (it always does eventually).
7. A positive-dimensional system is decided exactly when its solution set is
   an affine space on which the conditions are linear: a linear program
   (the exact simplex method with Bland's rule,
   :func:`~deterrence.core.exact.maximise_exactly`) maximises the smallest support probability subject
   to the best-response conditions; a positive optimum is an equilibrium
   (certified), otherwise the system holds none. Otherwise, and when the LP
   finds equilibria, the system is reported as a :class:`Continuum` (its
   support, dimension and defining equations), never dropped: a maximal set of
   independent unknowns is fixed at rational points drawn from the simplex
   (seeded), the rest solved as above, and the first sample that is a certified
   equilibrium is kept. Without a sample the continuum is flagged as possibly
   empty and the result is not called complete.
"""
from __future__ import annotations

import functools
import itertools
import math
import random
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deterrence.core.exact import maximise_exactly
from deterrence.core.numbers import format_exact
from deterrence.core.symbolic import as_sympy
from deterrence.errors import (
    GameError,
    SolverError,
    TooLargeError,
)
from deterrence.solvers.certify import support_action_values
from deterrence.solvers.normal_form.nplayer_quotient import certified_or_nothing as _rational_equilibrium
from deterrence.solvers.result import Equilibrium, SolveResult
from deterrence.core.validate import boundary_init

#: Default cap on the number of support profiles: 3x3x3 (343), 2x2x2x2 (81) and
#: 3x3x4 (735) games pass; 4x4x4 (3,375) needs ``limit=``.
DEFAULT_LIMIT = 1000
#: Default cap on :func:`mixed_solution_bound` of every support profile the dominance test leaves
#: (without an explicit ``limit``):
#: measured (stop 36, random payoffs 0..99, CPU): 3x3x3 (10) 0.1 s, 3x2x2x2 (12) 0.4 s, 3x3x4
#: (12) 4 s; 3x3x2x2 (29) and 2x2x2x2x2 (44) ran past 40 s, inside flint's Groebner basis (C code:
#: no interrupt), so they need ``limit=``
MAX_MIXED_SOLUTIONS = 20


def mixed_solution_bound(shape) -> int:
    """The multihomogeneous Bezout number of the equilibrium equations on full supports: at most
    this many isolated totally mixed equilibria (McKelvey and McLennan 1997). Player ``i``'s
    ``d_i = m_i - 1`` equations are multilinear in the other players' ``d_j`` unknowns, so the
    bound is the coefficient of ``prod x_j^d_j`` in ``prod_i (sum_{j != i} x_j)^d_i``.

    >>> mixed_solution_bound((3, 3, 3)), mixed_solution_bound((2, 2, 2, 2, 2)), mixed_solution_bound((4, 4))
    (10, 44, 1)
    """
    d = tuple(m - 1 for m in shape)
    n = len(d)
    poly = {(0,) * n: 1}        # exponents -> coefficient; exponents above d are never needed
    for i in range(n):
        for _ in range(d[i]):   # times (sum of x_j, j != i)
            grown: dict = {}
            for e, c in poly.items():
                for j in range(n):
                    if j != i and e[j] < d[j]:
                        f = e[:j] + (e[j] + 1,) + e[j + 1:]
                        grown[f] = grown.get(f, 0) + c
            poly = grown
    return poly.get(d, 0)
#: Significant digits of the decimal string of an irrational number.
DIGITS = 25
#: Bits of the Arb balls that give ``float`` of an irrational number.
ARB_PRECISION = 128
#: Random samples tried on each positive-dimensional support system.
CONTINUUM_SAMPLES = 12


# --------------------------------------------------------------------- numbers
@boundary_init
class RealAlgebraic:
    """A real algebraic number ``g(t0)``: ``t0`` the one root of an irreducible
    rational polynomial ``f`` (degree >= 2) in an isolating interval ``(a, b)``,
    ``g`` a nonzero rational polynomial of degree < deg ``f``, not constant.

    Exact: comparisons with rationals and zero are decided (never equal, as ``f``
    is irreducible) by bisecting the interval; ``str`` gives
    :data:`DIGITS` significant digits; :attr:`minimal_polynomial` and
    :attr:`interval` describe the number on its own.

    >>> import sympy
    >>> t = sympy.Symbol("t")
    >>> root2 = RealAlgebraic(sympy.Poly(t**2 - 2, t, domain="QQ"), (Fraction(1), Fraction(2)),
    ...                       sympy.Poly(t, t, domain="QQ"))
    >>> str(root2), root2 > Fraction(141, 100), root2 < Fraction(142, 100)
    ('1.414213562373095048801689', True, True)
    >>> root2.minimal_polynomial, root2.interval
    ('x**2 - 2', (Fraction(1, 1), Fraction(2, 1)))
    """

    __slots__ = ("_cache", "_f_poly", "_g_poly", "_hi", "_lo", "_f_coeffs", "_g_coeffs", "_sign_lo")

    def __init__(self, f, interval, g):
        self._setup(f, interval, g)

    def _setup(self, f, interval, g):
        self._f_poly, self._g_poly = f, g
        self._lo, self._hi = Fraction(interval[0]), Fraction(interval[1])
        self._cache = {}
        # coefficients as Fractions once, and f's sign at lo (bisection reads them each step)
        self._f_coeffs = self._g_coeffs = self._sign_lo = None

    @classmethod
    def _from_solver(cls, f, interval, g):
        """The number built by the solver from its own sympy polynomials: without the
        public constructor's argument check (a signature bind per number, a quarter of
        an irrational support's time), which guards what users pass."""
        number = cls.__new__(cls)
        number._setup(f, interval, g)
        return number

    @classmethod
    def _from_flint(cls, f, interval, g):
        """The number from python-flint ``fmpq_poly`` ``f`` and ``g`` (``g`` may be ``None``),
        kept as Fraction coefficients: the sympy polynomials, which most numbers of a
        search never need (their floats and signs come from the coefficients), are built
        on first use (:attr:`_f`, :attr:`_g`)."""
        number = cls.__new__(cls)
        number._setup(None, interval, None)
        number._f_coeffs = _flint_coefficients(f)
        number._g_coeffs = None if g is None else _flint_coefficients(g)
        return number

    @property
    def _f(self):
        """``f`` as a sympy ``Poly`` in ``t_sep`` (built from the coefficients when needed)."""
        if self._f_poly is None:
            self._f_poly = _sympy_poly(self._f_coeffs)
        return self._f_poly

    @property
    def _g(self):
        """``g`` as a sympy ``Poly`` in ``t_sep``, or ``None`` (a root alone)."""
        if self._g_poly is None and self._g_coeffs is not None:
            self._g_poly = _sympy_poly(self._g_coeffs)
        return self._g_poly

    # -- enclosures
    def _bisect(self):
        if self._f_coeffs is None:
            self._f_coeffs = [_qq(c) for c in self._f.all_coeffs()]
        if self._sign_lo is None:
            self._sign_lo = _sign_of_value(self._f_coeffs, self._lo)
        mid = (self._lo + self._hi) / 2
        s_mid = _sign_of_value(self._f_coeffs, mid)
        if s_mid == 0:      # impossible for an irreducible f of degree >= 2
            raise SolverError("internal: a rational root of an irreducible polynomial")
        if s_mid == self._sign_lo:
            self._lo = mid
        else:
            self._hi = mid

    def enclosure(self, width=Fraction(1, 10**30)) -> tuple:
        """Rational ``(lo, hi)`` with ``lo < value < hi`` and ``hi - lo <= width``
        (or the interval excludes zero and is that narrow relative to the value).

        >>> import sympy
        >>> t = sympy.Symbol("t")
        >>> x = RealAlgebraic(sympy.Poly(t**2 - 2, t, domain="QQ"), (1, 2), sympy.Poly(t - 1, t, domain="QQ"))
        >>> lo, hi = x.enclosure(Fraction(1, 1000)); float(lo) < 0.41422 < float(hi)
        True
        """
        width = Fraction(width)
        if self._g_coeffs is None:
            self._g_coeffs = [_qq(c) for c in self._g.all_coeffs()]
        while True:
            lo, hi = _horner_enclosure(self._g_coeffs, self._lo, self._hi)
            if hi - lo <= width:
                return lo, hi
            self._bisect()

    def sign(self) -> int:
        """+1 or -1 (never 0: see the class note).

        >>> import sympy
        >>> t = sympy.Symbol("t")
        >>> RealAlgebraic(sympy.Poly(t**2 - 2, t, domain="QQ"), (1, 2), sympy.Poly(1 - t, t, domain="QQ")).sign()
        -1
        """
        return _sign_of(self._g, self)

    def _compare(self, other) -> int:
        if isinstance(other, RealAlgebraic):
            if other._f == self._f and _same_root(self, other):
                return _sign_of(self._g - other._g, self)
            for _ in range(400):
                a, b = self.enclosure(), other.enclosure()
                if a[1] < b[0]:
                    return -1
                if b[1] < a[0]:
                    return 1
                self._bisect(), other._bisect()
            if (self.minimal_polynomial, self.interval) == (other.minimal_polynomial, other.interval):
                return 0
            raise SolverError("could not separate two algebraic numbers")
        import sympy
        q = Fraction(other)
        return _sign_of(self._g - sympy.Poly(sympy.Rational(q.numerator, q.denominator),
                                             *self._g.gens, domain="QQ"), self)

    def __lt__(self, other):
        return self._compare(other) < 0

    def __le__(self, other):
        return self._compare(other) <= 0

    def __gt__(self, other):
        return self._compare(other) > 0

    def __ge__(self, other):
        return self._compare(other) >= 0

    def __eq__(self, other):
        if isinstance(other, (int, Fraction, RealAlgebraic)):
            return self._compare(other) == 0
        return NotImplemented

    def __hash__(self):
        return hash((self.minimal_polynomial, self.interval))

    def __float__(self):
        value = self._cache.get("float")      # read again by sorting and by every caller's float()
        if value is None:
            value = _float_by_arb(self)
            if value is None:
                lo, hi = self.enclosure(Fraction(1, 10**20))
                value = float((lo + hi) / 2)
            self._cache["float"] = value
        return value

    def decimal(self, digits: int = DIGITS) -> str:
        """The value rounded to ``digits`` significant digits (the enclosure is
        made narrow enough that only the last digit can be off by one).

        >>> import sympy
        >>> t = sympy.Symbol("t")
        >>> RealAlgebraic(sympy.Poly(t**2 - 2, t, domain="QQ"), (1, 2), sympy.Poly(t, t, domain="QQ")).decimal(5)
        '1.4142'
        """
        lo, hi = self.enclosure(Fraction(1, 10**6))
        mag = max(abs(lo), abs(hi))
        exponent = math.floor(math.log10(mag)) if mag else 0
        lo, hi = self.enclosure(Fraction(1, 10) ** (digits - exponent + 2))
        mid = (lo + hi) / 2
        if mid and abs(mid) >= Fraction(10) ** (exponent + 1):
            exponent += 1
        elif mid and abs(mid) < Fraction(10) ** exponent:
            exponent -= 1
        scale = Fraction(10) ** (digits - 1 - exponent)
        n = round(mid * scale)
        if len(str(abs(n))) > digits:        # rounded up to the next power of ten
            exponent += 1
            n //= 10                         # n is +-10**digits: exact (n / 10 went through a float)
        text = str(abs(n)).rjust(digits, "0")
        point = exponent + 1
        if point <= 0:
            body = "0." + "0" * (-point) + text
        elif point >= len(text):
            body = text + "0" * (point - len(text))
        else:
            body = text[:point] + "." + text[point:]
        return ("-" if n < 0 else "") + body

    def __str__(self):
        return self.decimal()

    def __repr__(self):
        return f"RealAlgebraic({self.decimal()}, root of {self.minimal_polynomial} in {self.interval})"

    @property
    def minimal_polynomial(self) -> str:
        """The minimal polynomial of the number, in ``x``, with coprime integer coefficients."""
        if "minpoly" not in self._cache:
            import sympy
            t, y = self._f.gens[0], sympy.Symbol("x")
            res = sympy.resultant(self._f.as_expr(), y - self._g.as_expr(), t)
            factors = sympy.factor_list(sympy.Poly(res, y, domain="QQ"))[1]
            lo, hi = self.enclosure(Fraction(1, 10**12))
            candidates = [p for p, _ in factors]
            for _ in range(200):
                candidates = [p for p in candidates if _has_root_in(p, lo, hi)]
                if len(candidates) == 1:
                    break
                self._bisect()
                lo, hi = self.enclosure((hi - lo) / 4)
            (poly,) = candidates
            poly = sympy.Poly(poly, y).clear_denoms()[1].primitive()[1]
            if poly.LC() < 0:
                poly = -poly
            self._cache["minpoly"] = poly
        return str(self._cache["minpoly"].as_expr())

    @property
    def interval(self) -> tuple:
        """A rational interval ``(a, b)`` holding this root and no other root of
        :attr:`minimal_polynomial`."""
        if "interval" not in self._cache:
            _ = self.minimal_polynomial  # computes the cached minimal polynomial
            poly = self._cache["minpoly"]
            isolating = [(Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))
                         for (a, b), _ in poly.intervals()]
            lo, hi = self.enclosure(Fraction(1, 10**6))
            while True:
                hits = [(a, b) for a, b in isolating if not (b < lo or hi < a)]
                if len(hits) == 1:
                    self._cache["interval"] = hits[0]
                    break
                lo, hi = self.enclosure((hi - lo) / 4)
        return self._cache["interval"]

    def to_json(self) -> dict:
        """``{"minimal_polynomial": ..., "interval": [a, b], "decimal": ...}`` (exact strings)."""
        a, b = self.interval
        return {"minimal_polynomial": self.minimal_polynomial,
                "interval": [format_exact(a), format_exact(b)], "decimal": self.decimal()}


def _float_by_arb(number: RealAlgebraic):
    """``float(number)`` from Arb: the one real root of ``f`` that balls prove inside the
    isolating interval, ``g`` evaluated there; ``None`` when the balls do not settle it
    (then the exact bisection answers)."""
    if number._f_coeffs is None:
        number._f_coeffs = [_qq(c) for c in number._f.all_coeffs()]
    if number._g_coeffs is None:
        number._g_coeffs = [_qq(c) for c in number._g.all_coeffs()]
    from deterrence.core.exact import flint_module
    flint = flint_module()
    if flint is None:
        return None
    lo = flint.fmpq(number._lo.numerator, number._lo.denominator)
    hi = flint.fmpq(number._hi.numerator, number._hi.denominator)
    precision, flint.ctx.prec = flint.ctx.prec, ARB_PRECISION
    try:
        inside = [r for r in _real_roots_by_arb(tuple(number._f_coeffs)) if r > lo and r < hi]
        if len(inside) != 1:
            return None
        g = flint.arb_poly([flint.arb(flint.fmpq(c.numerator, c.denominator))
                            for c in reversed(number._g_coeffs)])
        value = g(inside[0])
    finally:
        flint.ctx.prec = precision
    mid, rad = float(value.mid()), float(value.rad())
    if mid == 0 or rad > abs(mid) * 1e-16:
        return None
    return mid


@functools.lru_cache(maxsize=64)
def _real_roots_by_arb(coeffs: tuple) -> list:
    """The real roots of a rational polynomial (coefficients highest first) as Arb balls
    (called at :data:`ARB_PRECISION` bits)."""
    from deterrence.core.exact import flint_module
    flint = flint_module()
    den = math.lcm(*(c.denominator for c in coeffs))
    integer = flint.fmpz_poly([int(c * den) for c in reversed(coeffs)])
    return [r.real for r, _ in integer.complex_roots() if r.imag == 0]


def _same_root(x: RealAlgebraic, y: RealAlgebraic) -> bool:
    """Whether two numbers over the same ``f`` use the same root (their intervals meet)."""
    return not (x._hi < y._lo or y._hi < x._lo)


def _sign(q) -> int:
    return (q > 0) - (q < 0)


def _const(poly) -> Fraction:
    c = poly.LC() if not poly.is_zero else 0
    return Fraction(int(c.p), int(c.q)) if hasattr(c, "p") else Fraction(c)


def _qq(c) -> Fraction:
    return Fraction(int(c.p), int(c.q)) if hasattr(c, "p") else Fraction(c)


def _flint_coefficients(poly) -> list:
    """A python-flint ``fmpq_poly``'s coefficients as Fractions, highest first."""
    return [Fraction(int(c.p), int(c.q)) for c in reversed(poly.coeffs())]


def _sympy_poly(coeffs):
    """A sympy ``Poly`` in ``t_sep`` over QQ from Fraction coefficients, highest first (from the
    dense representation: ``Poly(list, ...)`` spends ~20 us on option processing)."""
    import sympy
    from sympy.polys.polyclasses import DMP
    domain = [sympy.QQ(c.numerator, c.denominator) for c in coeffs]
    return sympy.Poly.new(DMP.from_list(domain, 0, sympy.QQ), sympy.Symbol("t_sep"))


def _sign_of_value(coeffs, q: Fraction) -> int:
    """The sign of the polynomial with these Fraction coefficients (highest first) at ``q``."""
    value = Fraction(0)
    for c in coeffs:
        value = value * q + c
    return _sign(value)


def _interval_horner(poly, lo: Fraction, hi: Fraction) -> tuple:
    """An enclosure of ``poly`` over ``[lo, hi]`` by interval Horner (exact rationals)."""
    return _horner_enclosure([_qq(c) for c in poly.all_coeffs()], lo, hi)


def _horner_enclosure(coeffs, lo: Fraction, hi: Fraction) -> tuple:
    """:func:`_interval_horner` with the coefficients as Fractions (highest first)."""
    a = b = Fraction(0)
    for c in coeffs:
        products = (a * lo, a * hi, b * lo, b * hi)
        a, b = min(products) + c, max(products) + c
    return a, b


def _sign_of(poly, number: RealAlgebraic) -> int:
    """The sign of ``poly(t0)`` where ``t0`` is ``number``'s root; exact.

    ``poly`` is reduced modulo the irreducible ``f``: zero iff the remainder is.
    """
    poly = poly.rem(number._f)
    if poly.is_zero:
        return 0
    if poly.degree() <= 0:
        return _sign(_const(poly))
    while True:
        lo, hi = _interval_horner(poly, number._lo, number._hi)
        if lo > 0:
            return 1
        if hi < 0:
            return -1
        number._bisect()


def _has_root_in(poly, lo: Fraction, hi: Fraction) -> bool:
    import sympy
    return poly.count_roots(sympy.Rational(lo.numerator, lo.denominator),
                            sympy.Rational(hi.numerator, hi.denominator)) > 0


# ------------------------------------------------------------------- results
@dataclass(frozen=True)
class AlgebraicEquilibrium(Equilibrium):
    """An equilibrium some of whose probabilities are irrational (:class:`RealAlgebraic`).

    Its JSON adds ``"algebraic"``: for each player, for each action, ``null``
    (rational) or the number's minimal polynomial, isolating interval and decimal.
    """

    def to_json(self) -> dict:
        return self._json_with(RealAlgebraic, "algebraic")


@dataclass(frozen=True)
class Continuum:
    """A positive-dimensional set of solutions of one support profile's system.

    Every equilibrium with exactly these supports satisfies ``equations``
    (polynomials in ``unknowns``, set to zero; a player's first support action
    gets one minus the rest), has positive probabilities on the supports and no
    better action outside them. ``sample`` is a certified equilibrium in the set
    (``None``: no sample found, the set may be empty).
    """

    supports: tuple
    dimension: int
    unknowns: tuple
    equations: tuple
    sample: Equilibrium | None

    def to_json(self) -> dict:
        """The Continuum as a JSON-ready dict of plain values: ``supports``, ``dimension``,
        ``unknowns``, ``equations``, ``sample``."""
        return {"supports": [list(s) for s in self.supports], "dimension": self.dimension,
                "unknowns": list(self.unknowns), "equations": list(self.equations),
                "sample": None if self.sample is None else self.sample.to_json()}

    def describe(self) -> str:
        """The continuum in one line: its dimension, supports and a sample equilibrium."""
        sup = "; ".join("{" + ", ".join(s) + "}" for s in self.supports)
        what = f"e.g. {self.sample.describe()}" if self.sample else "no equilibrium sampled: may be empty"
        return f"{self.dimension}-dimensional set on supports {sup}: {what}"


@dataclass(frozen=True)
class NPlayerResult(SolveResult):
    """:class:`~deterrence.solvers.result.SolveResult` with the continua of a degenerate game.

    ``complete`` means every equilibrium is listed or lies in a listed continuum
    that has a certified sample.
    """

    continua: tuple = ()

    def to_json(self) -> dict:
        out = super().to_json()
        out["continua"] = [c.to_json() for c in self.continua]
        return out

    def to_text(self) -> str:
        lines = [super().to_text()]
        if self.continua:
            lines.append("Continua of solutions (degenerate game):")
            lines += [f"  {c.describe()}" for c in self.continua]
        return "\n".join(lines)


# ------------------------------------------------------------------- solver
def nplayer_equilibria(game, *, limit: int | None = None, seed: int = 0, progress=None) -> NPlayerResult:
    """Every Nash equilibrium of a small game with any number of players, exactly.

    Irrational probabilities are :class:`RealAlgebraic` numbers; continua of
    equilibria (degenerate games) are listed in ``result.continua``. ``limit``
    caps the number of support profiles (default :data:`DEFAULT_LIMIT`; without it, games
    with a support system, among those conditional dominance leaves, that may have more than
    :data:`MAX_MIXED_SOLUTIONS` solutions are refused too: a random 2x2x2x2x2 game ran for
    minutes in flint's Groebner basis); ``seed``
    fixes the rational sample points drawn on continua. ``progress``: a bar over the support
    profiles (:func:`~deterrence.core.progress.progress_bar`; by default on a terminal when the
    search lasts over two seconds: a run with a raised ``limit`` had shown nothing for minutes).

    >>> from deterrence import NormalFormGame
    >>> import numpy as np
    >>> # three players, each wants to match the next one's action (a 2x2x2 cycle)
    >>> u = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    >>> for a, b, c in np.ndindex(2, 2, 2):
    ...     u[0][a, b, c], u[1][a, b, c], u[2][a, b, c] = int(a == b), int(b == c), int(c != a)
    >>> result = nplayer_equilibria(NormalFormGame(u, players=["A", "B", "C"]))
    >>> [e.describe() for e in result], result.complete
    (['A: 1/2 0 + 1/2 1; B: 1/2 0 + 1/2 1; C: 1/2 0 + 1/2 1  (payoffs 1/2, 1/2, 1/2)'], True)
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "nplayer_equilibria")
    asked = limit is not None
    if limit is None:
        limit = DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
        raise GameError(f"limit must be a positive integer, got {limit!r}")
    count = math.prod(2 ** k - 1 for k in game.shape)
    shape = "x".join(map(str, game.shape))
    if count > limit:
        raise TooLargeError(
            f"this {shape} game has {count:,} support profiles, over the limit of {limit:,} "
            f"(each needs a polynomial system solved exactly); pass limit={count} to try anyway, "
            f"or use the method nplayer_logit for one certified equilibrium")
    payoffs = [_integer_payoffs(game.payoff_array(i)) for i in range(game.n_players)]
    rng = random.Random(seed)
    equilibria, continua, empty = [], [], 0
    profiles = _undominated_profiles(payoffs)
    if not asked:
        # the hardest system left after the dominance test, before any is solved: the shape alone
        # would refuse structured games (a 5-player volunteer's dilemma solves in 0.35 s)
        bounds = {sizes: mixed_solution_bound(sizes) for sizes in {tuple(map(len, sup)) for sup in profiles}}
        hardest = max(profiles, key=lambda sup: bounds[tuple(map(len, sup))], default=None)
        bound = 0 if hardest is None else bounds[tuple(map(len, hardest))]
        if bound > MAX_MIXED_SOLUTIONS:
            raise TooLargeError(
                f"this {shape} game's system on supports of sizes {'x'.join(str(len(x)) for x in hardest)} "
                f"has up to {bound} isolated solutions (its multihomogeneous Bezout number), over "
                f"{MAX_MIXED_SOLUTIONS}: its exact solve can take many minutes, and cannot be interrupted; "
                f"pass limit={count} to try anyway, or use the method nplayer_logit for one certified "
                "equilibrium")
    from deterrence.core.progress import progress_bar
    with progress_bar(len(profiles), "nplayer: support profiles", progress, large=True, unit="profile",
                      delay=2) as bar:
        for supports in profiles:
            found, continuum = _equilibria_on_support(game, payoffs, supports, rng)
            equilibria += found
            if continuum is EMPTY:
                empty += 1
            elif continuum is not None:
                continua.append(continuum)
            bar.update()
    equilibria.sort(key=lambda e: [[float(p) for p in s] for s in e.strategies], reverse=True)
    complete = all(c.sample is not None for c in continua)
    notes = []
    if continua:
        notes.append(f"{len(continua)} positive-dimensional solution set(s): a degenerate game "
                     "with continua of equilibria (see continua)")
    if empty:
        notes.append(f"{empty} positive-dimensional support system(s) hold no equilibrium "
                     "(decided exactly: by linear programming, or by an equation that cannot vanish "
                     "while the support's probabilities are positive)")
    if not complete:
        notes.append("a continuum without a sampled equilibrium may be empty: the list is "
                     "complete only up to those sets")
    notes.extend(irrational_notes(equilibria))
    return NPlayerResult(equilibria=tuple(equilibria), method="nplayer", exact=True,
                         complete=complete, players=game.players, actions=game.actions,
                         notes=tuple(notes), continua=tuple(continua))


def equilibria_on_supports(game, supports, *, seed: int = 0) -> tuple:
    """The equilibria whose supports are exactly ``supports`` (one tuple of action
    indices per player), certified, and the :class:`Continuum` or ``None``.

    Used by the path-following method to refine a float guess exactly.

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.from_arrays([[1, -1], [-1, 1]])
    >>> found, continuum = equilibria_on_supports(mp, [(0, 1), (0, 1)])
    >>> [e.describe() for e in found], continuum
    (['Row: 1/2 0 + 1/2 1; Column: 1/2 0 + 1/2 1  (payoffs 0, 0)'], None)
    """
    game.require_numeric("equilibria_on_supports")
    supports = [tuple(sorted({int(a) for a in s})) for s in supports]
    if len(supports) != game.n_players or any(not s or s[-1] >= k or s[0] < 0
                                               for s, k in zip(supports, game.shape)):
        raise GameError(f"supports must give a nonempty set of action indices for each of the "
                        f"{game.n_players} players, got {supports}")
    payoffs = [_integer_payoffs(game.payoff_array(i)) for i in range(game.n_players)]
    found, continuum = _equilibria_on_support(game, payoffs, supports, random.Random(seed))
    return found, (None if continuum is EMPTY else continuum)


def irrational_notes(equilibria) -> list:
    """The notes a result carries that say how its irrational numbers are given: as algebraic
    numbers (:class:`AlgebraicEquilibrium`) or in certified balls
    (:class:`~deterrence.solvers.normal_form.box_certify.BoxEquilibrium`); none if all are exact
    fractions.

    >>> from deterrence import load_game, solve
    >>> irrational_notes(solve(load_game("irrational_three_player")).equilibria)[0][:46]
    'irrational probabilities are algebraic numbers'
    >>> irrational_notes(solve(load_game("chicken")).equilibria)
    []
    """
    from deterrence.solvers.normal_form.box_certify import ENCLOSURE_NOTE, BoxEquilibrium
    notes = []
    if any(isinstance(e, AlgebraicEquilibrium) for e in equilibria):
        notes.append("irrational probabilities are algebraic numbers, printed to "
                     f"{DIGITS} significant digits (minimal polynomial and interval in the JSON)")
    if any(isinstance(e, BoxEquilibrium) for e in equilibria):
        notes.append(ENCLOSURE_NOTE)
    return notes


def nearest_on_supports(game, supports, point, *, max_unknowns: int | None = None):
    """The certified equilibrium whose supports are exactly ``supports`` nearest the float
    profile ``point`` (L1 distance), by the exact solve of :func:`equilibria_on_supports`; a
    continuum's sample counts as one candidate. ``None`` when the supports carry no equilibrium,
    or when they have more than ``max_unknowns`` unknown probabilities (the solve is exponential
    in them).

    Used to turn the end of a float path (the logit QRE's limit) into an exact answer.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> nearest_on_supports(g, [(0, 1), (0, 1)], [(0.6, 0.4), (0.3, 0.7)]).describe()
    'Row: 2/3 0 + 1/3 1; Column: 1/3 0 + 2/3 1  (payoffs 2/3, 2/3)'
    """
    if max_unknowns is not None and sum(len(s) - 1 for s in supports) > max_unknowns:
        return None
    found, continuum = equilibria_on_supports(game, supports)
    if continuum is not None and continuum.sample is not None:
        found = list(found) + [continuum.sample]
    if len(found) <= 1:          # no need for floats of algebraic numbers
        return found[0] if found else None
    return min(found, key=lambda e: sum(float(np.abs(np.array([float(v) for v in s]) - np.asarray(p)).sum())
                                       for s, p in zip(e.strategies, point)))


def _integer_payoffs(arr) -> np.ndarray:
    den = 1
    for v in arr.flat:
        if type(v) is not int:
            den = math.lcm(den, Fraction(v).denominator)
    out = np.empty(arr.shape, dtype=object)
    for idx, v in np.ndenumerate(arr):
        out[idx] = int(v * den)
    return out


def _supports_of(k: int) -> list:
    """One player's supports, in the order the profiles' grid uses (by size, then lexicographic)."""
    return [s for r in range(1, k + 1) for s in itertools.combinations(range(k), r)]


@functools.lru_cache(maxsize=16)
def _support_profiles(shape) -> tuple:
    """Support profiles, smallest total size first (pure profiles first); one tuple per
    shape (``shape`` a tuple), kept: every game of that shape walks the same list."""
    return _support_grid(shape)[0]


@functools.lru_cache(maxsize=16)
def _support_grid(shape) -> tuple:
    """``(profiles, order, members)`` for a shape: the profiles as :func:`_support_profiles`
    lists them; ``order[r]`` the position of the ``r``-th of them in the grid of every
    player's supports (C order over :func:`_supports_of`); ``members[i]`` the 0/1 matrix of
    player ``i``'s supports (rows) by its actions (columns). Kept per shape."""
    per_player = [_supports_of(k) for k in shape]
    grid = list(itertools.product(*per_player))
    order = sorted(range(len(grid)), key=lambda r: (sum(map(len, grid[r])), grid[r]))
    members = []
    for k, supports in zip(shape, per_player):
        matrix = np.zeros((len(supports), k), dtype=np.int64)
        for row, support in enumerate(supports):
            matrix[row, list(support)] = 1
        members.append(matrix)
    return tuple(grid[r] for r in order), np.array(order, dtype=np.intp), tuple(members)


def _undominated_profiles(payoffs) -> list:
    """Step 2: the support profiles (in :func:`_support_profiles`' order) where no action of
    any support is strictly dominated (by any action of its player) against every pure
    profile of the other players' supports, for all profiles at once. For player ``i``:
    ``fails[b, a, ...]`` marks the others' pure profiles where ``b`` does not beat ``a``;
    contracting each other player's axis with its support membership matrix counts those
    failures inside every support of the others, and ``a`` is dominated there when some
    ``b`` has none; a profile is dropped when a dominated action lies in its support.
    Exact: the comparisons are of the (Python) integer payoffs."""
    shape = tuple(payoffs[0].shape)
    n = len(shape)
    profiles, order, members = _support_grid(shape)
    sizes = tuple(len(m) for m in members)
    dropped = np.zeros(sizes, dtype=bool)
    rotate = (0, 1, n, *range(2, n))                     # the last axis to third place
    for i, arr in enumerate(payoffs):
        own = np.moveaxis(arr, i, 0)                     # [a, the others' actions]
        fails = np.logical_not((own[:, None] > own[None, :]).astype(bool)).astype(np.int64)
        others = [j for j in range(n) if j != i]
        for j in reversed(others):                       # count failures within each support of j
            fails = (fails @ members[j].T).transpose(rotate)
        dominated = (fails == 0).any(axis=0)             # [a, supports of the others]
        has_dominated = (members[i] @ dominated.reshape(shape[i], -1) > 0).reshape(
            (sizes[i],) + tuple(sizes[j] for j in others))
        dropped |= np.moveaxis(has_dominated, 0, i)
    keep = np.flatnonzero(~dropped.ravel()[order])
    return [profiles[r] for r in keep]


def _equilibria_on_support(game, payoffs, supports, rng):
    """The equilibria whose supports are exactly ``supports``, and the continuum
    (or None) when the support system is positive-dimensional.

    The quotient-ring path (:mod:`~deterrence.solvers.normal_form.nplayer_quotient`)
    decides most profiles; its irrational candidates are decided exactly here
    (step 6) and what it leaves open goes to :func:`_groebner_on_support`."""
    from deterrence.solvers.normal_form.nplayer_elimination import elimination_solve
    from deterrence.solvers.normal_form.nplayer_quotient import quotient_solve
    decided = elimination_solve(game, payoffs, supports)
    if decided is None:
        decided = quotient_solve(game, payoffs, supports)
    if decided is None:
        return _groebner_on_support(game, payoffs, supports, rng)
    found, candidates = decided
    for factor, interval, coordinates in candidates:
        found += _candidate_point(game, payoffs, supports, factor, interval, coordinates)
    return found, None


def _candidate_point(game, payoffs, supports, factor, interval, coordinates) -> list:
    """Step 6 for a point ``x = g(t0)`` of the quotient-ring path (``t0`` the root
    of the irreducible ``factor`` in ``interval``; python-flint ``fmpq_poly``):
    each probability and payoff reduced modulo ``factor`` in flint, each condition
    the exact sign of one such polynomial at ``t0`` (:class:`RealAlgebraic`)."""
    n = len(payoffs)
    root = RealAlgebraic._from_flint(factor, interval, None)
    isolation = _FlintIsolation(factor, interval)
    probs, k = [], 0
    for s, size in zip(supports, game.shape):
        row = [None] * size
        rest = [g % factor for g in coordinates[k:k + len(s) - 1]]
        k += len(s) - 1
        row[s[0]] = 1 - sum(rest, 0 * factor)
        for a, g in zip(s[1:], rest):
            row[a] = g
        probs.append(row)

    def sign(poly):
        poly = poly % factor
        if poly.is_zero():
            return 0
        decided = isolation.sign(poly)
        if decided is None:         # not decided in 53-bit balls: exact interval arithmetic
            return _sign_of(_sympy_poly(_flint_coefficients(poly)), root)
        return decided

    if any(sign(probs[i][a]) <= 0 for i, s in enumerate(supports) for a in s):
        return []
    values = []
    for i in range(n):
        row = support_action_values(payoffs[i], supports, i, probs, factor * 0 + 1, factor * 0,
                            lambda w: w % factor)
        if any(sign(row[b] - row[supports[i][0]]) > 0 for b in range(game.shape[i])
               if b not in supports[i]):
            return []
        values.append(row)

    def number(poly, scale=1):
        poly = (poly % factor) / scale
        if poly.degree() <= 0:
            return _simplify(_qq(poly[0]))
        lo, hi = max(root._lo, isolation.lo), min(root._hi, isolation.hi)
        return RealAlgebraic._from_flint(factor, (lo, hi), poly)

    strategies = tuple(tuple(0 if p is None else number(p) for p in row) for row in probs)
    payoffs_out = tuple(number(values[i][s[0]], _payoff_scale(game, i)) for i, s in enumerate(supports))
    return [AlgebraicEquilibrium(strategies=strategies, payoffs=payoffs_out, players=game.players,
                                 actions=game.actions, exact=True)]


def _payoff_scale(game, i) -> int:
    """The factor that made player ``i``'s payoffs integers (step 1)."""
    den = 1
    for v in game.payoff_array(i).flat:
        if type(v) is not int:
            den = math.lcm(den, Fraction(v).denominator)
    return den


class _FlintIsolation:
    """The root ``t0`` of an irreducible ``fmpq_poly`` ``f`` (degree >= 2) in a rational
    interval, for signs of polynomials at ``t0``: Arb evaluates them on the interval,
    bisected exactly (the sign of ``f`` at a rational midpoint, in flint) until the
    ball excludes zero; after :attr:`STEPS` bisections ``sign`` gives up (``None``)."""

    STEPS = 60

    def __init__(self, f, interval):
        from deterrence.core.exact import flint_module
        self._flint, self._f = flint_module(), f
        self.lo, self.hi = Fraction(interval[0]), Fraction(interval[1])
        self._sign_lo = self._sign_at(self.lo)

    def _sign_at(self, q) -> int:
        value = self._f(self._flint.fmpq(q.numerator, q.denominator))
        return (value > 0) - (value < 0)

    def sign(self, poly):
        flint = self._flint
        coeffs = flint.arb_poly([flint.arb(c) for c in poly.coeffs()])
        for _ in range(self.STEPS):
            ball = flint.arb(flint.fmpq(self.lo.numerator, self.lo.denominator)).union(
                flint.arb(flint.fmpq(self.hi.numerator, self.hi.denominator)))
            value = coeffs(ball)
            if value > 0:
                return 1
            if value < 0:
                return -1
            mid = (self.lo + self.hi) / 2
            at_mid = self._sign_at(mid)
            if at_mid == 0:
                raise SolverError("internal: a rational root of an irreducible polynomial")
            if at_mid == self._sign_lo:
                self.lo = mid
            else:
                self.hi = mid
        return None


def _groebner_on_support(game, payoffs, supports, rng):
    """:func:`_equilibria_on_support` by the Groebner path alone (steps 3-7)."""
    unknowns, equations, check = _support_system(game, payoffs, supports)
    if not unknowns:
        profile = [[1 if a == s[0] else 0 for a in range(k)] for s, k in zip(supports, game.shape)]
        return _rational_equilibrium(game, profile), None
    basis = _groebner(equations, unknowns) if equations else None
    if basis is not None and basis.exprs == [1]:
        return [], None
    if basis is None or not basis.is_zero_dimensional:
        return [], _continuum(game, payoffs, supports, unknowns, equations, basis, check, rng)
    return _solve_zero_dimensional(game, basis, unknowns, check), None


def _support_system(game, payoffs, supports):
    """``(unknowns, equations, check)`` of a support profile in sympy (step 3)."""
    import sympy
    n = len(payoffs)
    names = [[sympy.Symbol(f"x{i}_{a}") for a in s[1:]] for i, s in enumerate(supports)]
    unknowns = [x for row in names for x in row]
    if not unknowns:
        return unknowns, [], None
    probs = [[None] * k for k in game.shape]
    for i, s in enumerate(supports):
        rest = [sympy.Poly(x, *unknowns, domain="QQ") for x in names[i]]
        first = sympy.Poly(1, *unknowns, domain="QQ") - sum(rest, sympy.Poly(0, *unknowns, domain="QQ"))
        for a, p in zip(s, [first] + rest):
            probs[i][a] = p
    # payoff polynomials u_i(a, x_-i) for every action a of every player
    values = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        weights = {}
        for combo in itertools.product(*(supports[j] for j in others)):
            w = sympy.Poly(1, *unknowns, domain="QQ")
            for j, b in zip(others, combo):
                w = w * probs[j][b]
            weights[combo] = w
        row = []
        for a in range(game.shape[i]):
            total = sympy.Poly(0, *unknowns, domain="QQ")
            for combo, w in weights.items():
                idx = list(combo)
                idx.insert(i, a)
                c = payoffs[i][tuple(idx)]
                if c:
                    total = total + w * c
            row.append(total)
        values.append(row)
    equations = [values[i][a] - values[i][s[0]] for i, s in enumerate(supports) for a in s[1:]]
    equations = [e for e in equations if not e.is_zero]
    # conditions: probabilities > 0 on the supports, deviations outside them <= 0
    positive = [probs[i][a] for i, s in enumerate(supports) for a in s]
    nonpositive = [values[i][a] - values[i][s[0]] for i, s in enumerate(supports)
                   for a in range(game.shape[i]) if a not in s]
    check = (positive, nonpositive, probs, values, supports)
    return unknowns, equations, check


def _groebner(polynomials, unknowns):
    """The reduced grevlex Groebner basis (a sympy ``GroebnerBasis``) of rational
    polynomials, computed by python-flint's Buchberger algorithm over the integers
    (each polynomial made primitive; several times faster than sympy's here) and
    handed to sympy made monic, for its FGLM conversion and zero-dimension test."""
    import sympy
    from sympy.polys.polytools import GroebnerBasis, parallel_poly_from_expr

    from deterrence.core.exact import flint_module
    flint = flint_module()
    polys, opt = parallel_poly_from_expr([as_sympy(p.as_expr() if hasattr(p, "as_expr") else p)
                                          for p in polynomials], *unknowns,
                                         order="grevlex", domain="QQ")
    ctx = flint.fmpz_mpoly_ctx.get([f"v{k}" for k in range(len(unknowns))], "degrevlex")
    integer = []
    for p in polys:
        if p.is_zero:
            continue
        terms = p.as_dict()
        den = math.lcm(*(int(c.q) for c in terms.values()))
        integer.append(ctx.from_dict({m: int(c * den) for m, c in terms.items()}))
    if not integer:
        return GroebnerBasis._new([], opt)
    basis = flint.fmpz_mpoly_vec(integer, ctx).buchberger_naive().autoreduction()
    from sympy.polys.orderings import grevlex
    keyed = []
    for g in basis:
        terms = {tuple(int(e) for e in m): int(c) for m, c in zip(g.monoms(), g.coeffs())}
        lead = max(terms, key=grevlex)
        poly = sympy.Poly._from_dict({m: sympy.QQ(c, terms[lead]) for m, c in terms.items()}, opt)
        keyed.append((grevlex(lead), poly))
    out = [poly for _, poly in sorted(keyed, key=lambda pair: pair[0], reverse=True)]
    return GroebnerBasis._new(out, opt)


def _solve_zero_dimensional(game, basis, unknowns, check) -> list:
    """Points of a zero-dimensional system that are equilibria (certified)."""
    import sympy
    shape = _shape_position(basis, unknowns)
    if shape is None:
        raise SolverError("could not bring a support system into shape position "
                          f"(unknowns {', '.join(map(str, unknowns))})")
    t, coordinates, h = shape
    out = []
    for f, _ in sympy.factor_list(h)[1]:
        f = sympy.Poly(f, t, domain="QQ")
        if f.degree() == 1:
            root = -_qq(f.nth(0)) / _qq(f.nth(1))
            point = {x: _eval_rational(g, root) for x, g in zip(unknowns, coordinates)}
            out += _rational_point(game, point, check)
            continue
        for (a, b), _ in f.intervals():
            interval = (Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q)))
            out += _algebraic_point(game, f, interval, coordinates, unknowns, check)
    return out


def _shape_position(basis, unknowns):
    """``(t, [g_j(t) per unknown], h(t))`` with ``x_j = g_j(t)`` on every solution,
    or None. ``x_j - g_j(t)`` and ``h`` generate the ideal, so its solutions are
    exactly the points ``g(t0)`` at the roots ``t0`` of ``h`` (multiplicities aside)."""
    import sympy
    lex = basis.fglm("lex")
    found = _read_shape(lex.exprs, unknowns, unknowns[-1])
    if found is not None:
        return found
    t = sympy.Symbol("t_sep")
    generators = list(basis.exprs)
    for c in range(2, 14):
        if c == 5:          # a non-radical ideal need not have a shape basis: use its radical
            generators = _radical(basis, unknowns)
        form = t - sum((c ** k) * x for k, x in enumerate(unknowns))
        g = _groebner(generators + [form], [*unknowns, t])
        found = _read_shape(g.fglm("lex").exprs, unknowns, t)
        if found is not None:
            return found
    return None


def _read_shape(exprs, unknowns, t):
    import sympy
    polys = [sympy.Poly(e, *unknowns, *([] if t in unknowns else [t]), domain="QQ") for e in exprs]
    others = [x for x in unknowns if x != t]
    if len(polys) != len(others) + 1:
        return None
    h = polys[-1]
    if h.free_symbols - {t}:
        return None
    coordinates = {}
    for x, p in zip(others, polys[:-1]):
        rest = p - sympy.Poly(x, *p.gens, domain="QQ")
        if p.LM(order="lex") != sympy.Poly(x, *p.gens).LM(order="lex") or rest.free_symbols - {t}:
            return None
        coordinates[x] = sympy.Poly(-rest.as_expr(), t, domain="QQ")
    hp = sympy.Poly(h.as_expr(), t, domain="QQ")
    if t in unknowns:
        coordinates[t] = sympy.Poly(t, t, domain="QQ")
    return t, [coordinates[x] for x in unknowns], hp


def _radical(basis, unknowns):
    """Generators of the radical of a zero-dimensional ideal: the basis plus the
    square-free part of each unknown's univariate eliminant (Seidenberg's lemma)."""
    import sympy
    extra = []
    for x in unknowns:
        rest = [y for y in unknowns if y != x]
        lex = sympy.groebner(basis.exprs, *rest, x, order="lex", domain="QQ")
        eliminant = sympy.Poly(lex.exprs[-1], x, domain="QQ")
        extra.append(sympy.sqf_part(eliminant).as_expr())
    return list(basis.exprs) + extra


def _eval_rational(poly, q: Fraction) -> Fraction:
    value = Fraction(0)
    for c in poly.all_coeffs():
        value = value * q + _qq(c)
    return value


def _poly_value(poly, point) -> Fraction:
    total = Fraction(0)
    for monom, c in poly.terms():
        term = _qq(c)
        for x, e in zip(poly.gens, monom):
            if e:
                term *= point[x] ** e
        total += term
    return total


def _rational_point(game, point, check) -> list:
    positive, _, probs, _, _ = check
    if any(_poly_value(p, point) <= 0 for p in positive):
        return []
    profile = [[_poly_value(p, point) if p is not None else 0 for p in row] for row in probs]
    return _rational_equilibrium(game, profile)


def _substitute(poly, coordinates, f):
    """``poly(g_1(t), ..., g_m(t)) mod f`` for the multivariate ``poly``."""
    import sympy
    t = f.gens[0]
    total = sympy.Poly(0, t, domain="QQ")
    powers = {}
    for monom, c in poly.terms():
        term = sympy.Poly(c, t, domain="QQ")
        for k, e in enumerate(monom):
            if e:
                if (k, e) not in powers:
                    powers[(k, e)] = (coordinates[k] ** e).rem(f)
                term = (term * powers[(k, e)]).rem(f)
        total = total + term
    return total.rem(f)


def _algebraic_point(game, f, interval, coordinates, unknowns, check) -> list:
    """The point ``x = g(t0)`` (``t0`` the root of ``f`` in ``interval``) if it is an
    equilibrium, decided exactly, as an :class:`AlgebraicEquilibrium`."""
    positive, nonpositive, probs, values, supports = check
    coordinates = [g.rem(f) for g in coordinates]
    root = RealAlgebraic._from_solver(f, interval, None)
    for p in positive:
        if _sign_of(_substitute(p, coordinates, f), root) <= 0:
            return []
    for d in nonpositive:
        if _sign_of(_substitute(d, coordinates, f), root) > 0:
            return []

    def number(poly):
        reduced = _substitute(poly, coordinates, f)
        if reduced.degree() <= 0:
            return _simplify(_const(reduced))
        return RealAlgebraic._from_solver(f, (root._lo, root._hi), reduced)

    strategies = tuple(tuple(0 if p is None else number(p) for p in row) for row in probs)
    payoffs = tuple(_payoff_number(game, number, values, i, s[0]) for i, s in enumerate(supports))
    return [AlgebraicEquilibrium(strategies=strategies, payoffs=payoffs, players=game.players,
                                 actions=game.actions, exact=True)]


def _payoff_number(game, number, values, i, first):
    """Player ``i``'s payoff (the payoffs were scaled to integers: scale back)."""
    den = _payoff_scale(game, i)
    import sympy
    scaled = values[i][first] * sympy.Rational(1, den) if den != 1 else values[i][first]
    return number(scaled)


def _simplify(q: Fraction):
    return q.numerator if q.denominator == 1 else q


def _continuum(game, payoffs, supports, unknowns, equations, basis, check, rng):
    """Describe a positive-dimensional support system and look for a certified sample.

    Samples: first random interior points of the simplices for a maximal set of
    independent unknowns; then the points where one or more deviations outside
    the supports tie with the support (the boundary of the set of equilibria
    within the solution set), each completed by random values if still free.
    """
    dimension, _ = _dimension(basis, unknowns)
    labels = tuple(tuple(game.actions[i][a] for a in s) for i, s in enumerate(supports))
    base = [e.as_expr() for e in equations]
    if any(_sign_definite(e, unknowns) for e in base):
        return EMPTY
    decided = _linear_feasibility(game, basis, unknowns, check)
    if decided is EMPTY:
        return EMPTY
    if decided is not None:
        return Continuum(supports=labels, dimension=dimension, unknowns=tuple(map(str, unknowns)),
                         equations=tuple(str(e) for e in base), sample=decided)
    ties = [d.as_expr() for d in check[1]]
    extras = [[]] * CONTINUUM_SAMPLES
    for r in range(1, min(dimension, len(ties)) + 1):
        extras += [list(c) for c in itertools.combinations(ties, r)]
    sample = None
    for extra in extras:
        found = _sample(game, base + extra, unknowns, check, rng, supports)
        if found:
            sample = found[0]
            break
    return Continuum(supports=labels, dimension=dimension, unknowns=tuple(map(str, unknowns)),
                     equations=tuple(str(e) for e in base), sample=sample)


#: Marks a positive-dimensional support system proved to hold no equilibrium.
EMPTY = "empty"


def _sign_definite(expr, unknowns) -> bool:
    """Whether ``expr = 0`` has no solution with every unknown positive (the probabilities of a
    support's actions are): all its coefficients, as a polynomial in the unknowns, are nonzero
    and of one sign. (x1 (x0 + 1) = 0 left a continuum "may be empty" and the list incomplete:
    a solver review.)

    >>> import sympy
    >>> x, y = sympy.symbols("x y")
    >>> _sign_definite(x * y + y, [x, y]), _sign_definite(2 - 4 * x * y, [x, y]), _sign_definite(sympy.S(0), [x])
    (True, False, False)
    """
    import sympy
    coefficients = sympy.Poly(expr, *unknowns).coeffs()
    return bool(coefficients) and (all(c > 0 for c in coefficients) or all(c < 0 for c in coefficients))


def _linear_feasibility(game, basis, unknowns, check):
    """Decide exactly, by linear programming, whether a positive-dimensional system
    holds an equilibrium, when it can: the solution set is an affine space (a
    linear basis) on which every condition is linear. Maximise ``e`` subject to
    each support probability ``>= e`` and each deviation ``<= 0`` (sympy's exact
    simplex method of :func:`~deterrence.core.exact.maximise_exactly`): an equilibrium
    exists iff the maximum is positive, and the
    optimal point is one (certified). Returns that equilibrium, :data:`EMPTY`,
    or ``None`` when the test does not apply."""
    import sympy
    positive, nonpositive = check[0], check[1]
    exprs = [] if basis is None else [p.as_expr() for p in basis.polys]
    if any(sympy.Poly(e, *unknowns).total_degree() > 1 for e in exprs):
        return None
    solution = sympy.solve(exprs, unknowns, dict=True) if exprs else [{}]
    if not solution:
        return EMPTY
    (solution,) = solution
    rows = [(sympy.expand(p.as_expr().subs(solution)), 1) for p in positive]
    rows += [(sympy.expand(d.as_expr().subs(solution)), -1) for d in nonpositive]
    symbols = sorted(set().union(*(e.free_symbols for e, _ in rows)), key=str)
    # the LP in matrix form, by the exact simplex method with Bland's rule
    # (deterrence.core.exact): sympy's own linprog cycled for ever on some of these small,
    # degenerate programs (10 rows, 2 unknowns, in one 3x3x3 game of payoffs 0..3)
    A, b = [], []
    for expr, sense in rows:
        poly = sympy.Poly(expr, *symbols) if symbols else None
        if poly is not None and poly.total_degree() > 1:
            return None
        coeffs = [_qq(poly.coeff_monomial(x)) for x in symbols] if poly is not None else []
        constant = _qq(poly.coeff_monomial(1) if poly is not None else expr)
        if sense == 1:               # expr >= slack:  slack - coeffs.x <= constant
            A.append([-c for c in coeffs] + [1])
            b.append(constant)
        else:                        # expr <= 0:  coeffs.x <= -constant
            A.append(list(coeffs) + [0])
            b.append(-constant)
    A.append([0] * len(symbols) + [1])     # slack <= 1
    b.append(1)
    found = maximise_exactly([0] * len(symbols) + [1], A, b)    # maximise the slack
    if found is None or found[0] <= 0:
        return EMPTY
    optimum = [sympy.Rational(v.numerator, v.denominator) for v in found[1]]
    point = dict(zip(symbols, optimum))
    values = {x: as_sympy(solution.get(x, x)).subs(point) for x in unknowns}
    values = {x: v.subs({y: 0 for y in v.free_symbols}) for x, v in values.items()}
    rational = {x: Fraction(int(v.p), int(v.q)) for x, v in values.items()}
    found = _rational_point(game, rational, check)
    return found[0] if found else None


def _sample(game, system, unknowns, check, rng, supports) -> list:
    """Certified equilibria of ``system`` after fixing its free unknowns at random."""
    import sympy
    g = _groebner(system, unknowns) if system else None
    while g is None or (g.exprs != [1] and not g.is_zero_dimensional):
        _, free = _dimension(g, unknowns)
        values = _simplex_sample(supports, unknowns, rng)
        x = free[0]
        system = system + [x - sympy.Rational(values[x].numerator, values[x].denominator)]
        g = _groebner(system, unknowns)
    if g.exprs == [1]:
        return []
    return _solve_zero_dimensional(game, g, unknowns, check)


def _dimension(basis, unknowns) -> tuple:
    """The dimension of the solution set and a largest set of unknowns no leading
    monomial of the (grevlex) basis lies in alone (Cox, Little, O'Shea ch. 9)."""
    if basis is None:
        return len(unknowns), list(unknowns)
    leads = [{x for x, e in zip(unknowns, p.LM(order="grevlex").exponents) if e}
             for p in basis.polys]
    for size in range(len(unknowns), -1, -1):
        for subset in itertools.combinations(unknowns, size):
            if not any(lead <= set(subset) for lead in leads):
                return size, list(subset)
    return 0, []


def _simplex_sample(supports, unknowns, rng) -> dict:
    """Rational values for the unknowns from a random interior point of each simplex."""
    values = {}
    k = 0
    for s in supports:
        weights = [rng.randint(1, 9) for _ in s]
        total = sum(weights)
        for w in weights[1:]:
            values[unknowns[k]] = Fraction(w, total)
            k += 1
    return values


__all__ = [
    "DEFAULT_LIMIT",
    "MAX_MIXED_SOLUTIONS",
    "AlgebraicEquilibrium",
    "Continuum",
    "NPlayerResult",
    "RealAlgebraic",
    "equilibria_on_supports",
    "mixed_solution_bound",
    "nplayer_equilibria",
]
