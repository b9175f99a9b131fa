"""Certify a floating-point Nash equilibrium of an n-player game on a given support
profile: exactly when it is rational, else by an interval-Newton (Krawczyk) box.

Sources: R. Krawczyk, "Newton-Algorithmen zur Bestimmung von Nullstellen mit
Fehlerschranken", Computing 4 (1969) 187-201, and R. E. Moore, R. B. Kearfott
and M. J. Cloud, *Introduction to Interval Analysis* (SIAM 2009), ch. 8 (the
Krawczyk operator: if ``K(Y) = y - C F(y) + (I - C F'(Y)) (Y - y)`` lies in the
interior of the box ``Y``, ``F`` has exactly one zero in ``Y``, and it lies in
``K(Y)``); F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius
interval arithmetic", IEEE Trans. Comput. 66 (2017) (the ball arithmetic, via
python-flint). No code was copied.

Steps
-----
1. The support system of ``(S_1, ..., S_n)``: unknowns the probabilities on the
   supports and each player's value ``v_i``; equations ``u_i(a, x_-i) = v_i``
   for ``a`` in ``S_i`` and ``sum_a x_ia = 1``: square and polynomial.
2. Polish the float point by Newton's method (NumPy); ``C`` is the inverse of
   the float Jacobian there.
3. (After a cheap attempt at step 4 on the float point.) Refine the midpoint
   in arb balls at :data:`PRECISION` bits by the simplified Newton step
   ``y <- mid(y - C F(y))`` until the step is below 1e-45.
4. Rational first: each coordinate's nearest fraction with a denominator below
   10^7 (on the float point) or 10^18 (on the refined balls) gives a profile; if it passes
   :func:`~deterrence.solvers.certify.certified_equilibrium` (exact) on the same
   support, that exact equilibrium is returned.
5. Otherwise the box ``Y = y +- r`` (``r`` = :data:`RADIUS` times the size of
   ``y``) is tested: ``K(Y)`` strictly inside ``Y`` (a unique zero in ``Y``),
   every support probability's lower bound positive, and every action outside
   a support earning strictly less than ``v_i`` over the whole box (upper bound
   of ``u_i(b, x_-i) - v_i`` negative): then the zero is a Nash equilibrium, and
   it is returned as a :class:`BoxEquilibrium` whose numbers are the balls of
   ``K(Y)`` (:class:`EnclosedReal`, width below 1e-38, printed to
   :data:`~deterrence.solvers.normal_form.nplayer.DIGITS` significant digits).
6. Anything else (a singular Jacobian, a box that fails) returns ``None``: the
   caller decides the support exactly another way.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deterrence.core.exact import flint_module
from deterrence.core.numbers import format_exact
from deterrence.errors import NotAnEquilibriumError
from deterrence.solvers.certify import certified_equilibrium
from deterrence.solvers.result import Equilibrium

#: Working precision of the ball arithmetic (bits; about 77 decimal digits).
PRECISION = 256
#: Half-width of the Krawczyk box, relative to the size of the point.
RADIUS = 1e-40
#: Largest denominator tried when reading a rational point off the refined balls.
MAX_DENOMINATOR = 10**18
#: Most float Newton steps polishing a point (it converges in a few from a good guess).
MAX_NEWTON = 12
#: Largest denominator tried on the float point (about the square root of 1/eps: safe).
FLOAT_DENOMINATOR = 10**7
#: Significant digits printed for an enclosed number (as for algebraic numbers).
DIGITS = 25
#: The note a result carries when one of its equilibria is a :class:`BoxEquilibrium`.
ENCLOSURE_NOTE = ("irrational (or unrecognised) probabilities are enclosed in certified balls "
                  f"(Krawczyk test in arb ball arithmetic), printed to {DIGITS} significant digits; "
                  "exact end points in the JSON (enclosures)")


@dataclass(frozen=True)
class EnclosedReal:
    """A real number known to lie in the closed ball ``ball`` (a python-flint
    ``arb``), unknown otherwise (it need not be rational).

    ``str`` gives :data:`DIGITS` significant digits of the midpoint (the ball is
    far narrower); comparisons with ints, Fractions and floats are decided when
    the ball does not contain the other number, else raise ``ValueError``.

    >>> from flint import arb, ctx
    >>> with ctx.workprec(200):
    ...     x = EnclosedReal(arb(2).sqrt() / 2)
    >>> str(x), x > 0, x < Fraction(3, 4), float(x)
    ('0.7071067811865475244008444', True, True, 0.7071067811865476)
    >>> x.to_json()["decimal"]
    '0.7071067811865475244008444'
    >>> str(EnclosedReal(arb(0, 1e-45)))          # near 0: the known digits, not "0e-44"
    '0.0000000000000000000000000'
    """

    ball: object

    def bounds(self) -> tuple:
        """The ball's end points as exact Fractions ``(lower, upper)``."""
        mid, rad = _fraction(self.ball.mid()), _fraction(self.ball.rad())
        return mid - rad, mid + rad

    def _compare(self, other) -> int:
        lo, hi = self.bounds()
        other = Fraction(other)
        if hi < other:
            return -1
        if lo > other:
            return 1
        raise ValueError(f"the enclosure [{float(lo)}, {float(hi)}] does not decide the comparison "
                         f"with {other}")

    def __lt__(self, other):
        return self._compare(other) < 0

    def __le__(self, other):
        return self._compare(other) < 0

    def __gt__(self, other):
        return self._compare(other) > 0

    def __ge__(self, other):
        return self._compare(other) > 0

    def __ne__(self, other):
        if isinstance(other, EnclosedReal):
            return not self.ball.overlaps(other.ball)
        return self._compare(other) != 0

    def __eq__(self, other):
        # an enclosure is never known to equal a number: only to differ from it
        return False if isinstance(other, (int, float, Fraction, EnclosedReal)) else NotImplemented

    def __hash__(self):
        return hash(self.bounds())

    def __float__(self):
        return float(self.ball.mid())

    def __str__(self):
        lo, hi = self.bounds()
        if lo <= 0 <= hi and hi - lo < Fraction(1, 10 ** DIGITS):
            # arb prints a ball around 0 as "0e-59": write the digits that are known
            return "0." + "0" * DIGITS
        return self.ball.str(DIGITS, radius=False)

    def to_json(self) -> dict:
        """``{"lower": "p/q", "upper": "p/q", "decimal": "..."}`` (exact end points)."""
        lo, hi = self.bounds()
        return {"lower": format_exact(lo), "upper": format_exact(hi), "decimal": str(self)}


@dataclass(frozen=True)
class BoxEquilibrium(Equilibrium):
    """A Nash equilibrium proved to exist in a small box (Krawczyk test, exact ball
    arithmetic), whose support probabilities and payoffs are :class:`EnclosedReal`
    numbers (probabilities off the support are exactly 0).

    Its JSON is that of :class:`~deterrence.solvers.result.Equilibrium`
    (strategies and payoffs as decimal strings of at least 20 significant
    digits, zeros exact) plus ``"enclosures"``: for each player, for each action,
    ``null`` (exactly 0) or the ball's exact end points, and ``"payoffs_enclosures"``
    likewise, as :class:`~deterrence.solvers.normal_form.nplayer.AlgebraicEquilibrium`
    adds ``"algebraic"``.
    """

    def to_json(self) -> dict:
        return self._json_with(EnclosedReal, "enclosures")


def _fraction(value) -> Fraction:
    """An exact arb midpoint (or end point) as a Fraction."""
    mantissa, exponent = value.mid().man_exp()
    mantissa, exponent = int(mantissa), int(exponent)
    return Fraction(mantissa * 2 ** exponent) if exponent >= 0 else Fraction(mantissa, 2 ** -exponent)


# ------------------------------------------------------------------ the system
class _SupportSystem:
    """The square system of one support profile, evaluated on floats or arb balls."""

    def __init__(self, game, supports):
        self.game, self.n = game, game.n_players
        self.supports = [tuple(s) for s in supports]
        self.exact = [game.payoff_array(i) for i in range(self.n)]
        self.floats = [np.asarray(a, dtype=float) for a in self.exact]
        self.offsets = np.cumsum([0] + [len(s) for s in self.supports]).tolist()
        self.size = self.offsets[-1] + self.n

    def split(self, y) -> list:
        return [y[self.offsets[i]:self.offsets[i + 1]] for i in range(self.n)]

    def float_system(self, y) -> tuple:
        """``(F, J)`` at a float point."""
        n, xs = self.n, self.split(y)
        full = []
        for i, s in enumerate(self.supports):
            v = np.zeros(self.game.shape[i])
            v[list(s)] = xs[i]
            full.append(v)
        F, J = np.zeros(self.size), np.zeros((self.size, self.size))
        for i, s in enumerate(self.supports):
            rows = range(self.offsets[i], self.offsets[i + 1])
            A = self.floats[i][np.ix_(*[list(s) if k == i else range(self.game.shape[k]) for k in range(n)])]
            for j in range(n):
                if j == i:
                    continue
                T = A
                # contract every other player but i and j (highest axis first keeps indices valid)
                for k in sorted((k for k in range(n) if k not in (i, j)), reverse=True):
                    T = np.tensordot(T, full[k], axes=([k], [0]))
                block = T if i < j else T.T            # rows: i's support actions
                J[np.ix_(rows, range(self.offsets[j], self.offsets[j + 1]))] = block[:, list(self.supports[j])]
                if j == (1 if i == 0 else 0):
                    F[list(rows)] = block @ full[j] - y[self.offsets[-1] + i]
            J[list(rows), self.offsets[-1] + i] = -1.0
            F[self.offsets[-1] + i] = xs[i].sum() - 1.0
            J[self.offsets[-1] + i, self.offsets[i]:self.offsets[i + 1]] = 1.0
        return F, J

    def ball_values(self, y, all_actions=False) -> tuple:
        """``(F, J, gaps)`` over arb balls ``y``: the residual, the Jacobian (lists), and for
        each player the ``u_i(b, x_-i) - v_i`` of every action outside the support
        (only when ``all_actions``)."""
        arb = flint_module().arb
        n, xs = self.n, self.split(y)
        values = y[self.offsets[-1]:]
        F = [None] * self.size
        J = [[arb(0)] * self.size for _ in range(self.size)]
        gaps = []
        for i, s in enumerate(self.supports):
            actions = range(self.game.shape[i]) if all_actions else s
            others = [k for k in range(n) if k != i]
            rows = {a: self.offsets[i] + r for r, a in enumerate(s)}
            own_gaps = []
            for a in actions:
                total = arb(0)
                grads = {k: [arb(0)] * len(self.supports[k]) for k in others}
                for combo in itertools.product(*(range(len(self.supports[k])) for k in others)):
                    idx = [0] * n
                    idx[i] = a
                    for k, c in zip(others, combo):
                        idx[k] = self.supports[k][c]
                    coeff = self.exact[i][tuple(idx)]
                    if coeff == 0:
                        continue
                    if type(coeff) is not int:
                        coeff = Fraction(coeff)
                        coeff = arb(coeff.numerator) / coeff.denominator
                    coeff = arb(coeff)
                    if a in rows:
                        for k, c in zip(others, combo):
                            term = coeff
                            for k2, c2 in zip(others, combo):
                                if k2 != k:
                                    term = term * xs[k2][c2]
                            grads[k][c] = grads[k][c] + term
                    prod = coeff
                    for k, c in zip(others, combo):
                        prod = prod * xs[k][c]
                    total = total + prod
                if a in rows:
                    r = rows[a]
                    F[r] = total - values[i]
                    for k in others:
                        for c, g in enumerate(grads[k]):
                            J[r][self.offsets[k] + c] = g
                    J[r][self.offsets[-1] + i] = arb(-1)
                else:
                    own_gaps.append(total - values[i])
            gaps.append(own_gaps)
            last = self.offsets[-1] + i
            F[last] = sum(xs[i], arb(0)) - 1
            for c in range(len(s)):
                J[last][self.offsets[i] + c] = arb(1)
        return F, J, gaps


# ------------------------------------------------------------------ certification
def certify_on_support(game, supports, strategies):
    """A certified equilibrium near the float profile ``strategies`` with exactly the
    given supports: an exact :class:`~deterrence.solvers.result.Equilibrium` if its
    point is rational, else a :class:`BoxEquilibrium`; ``None`` if neither is shown.

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    >>> certify_on_support(mp, [(0, 1), (0, 1)], [(0.66, 0.34), (0.34, 0.66)]).describe()
    'Row: 2/3 0 + 1/3 1; Column: 1/3 0 + 2/3 1  (payoffs 2/3, 2/3)'
    """
    flint = flint_module()
    arb, arb_mat, ctx = flint.arb, flint.arb_mat, flint.ctx
    system = _SupportSystem(game, supports)
    y = _float_point(system, strategies)
    if y is None or not _float_signs_hold(system, y):
        return None
    exact = _rational_point(game, system, y, FLOAT_DENOMINATOR, Fraction(1, 10**12))
    if exact is not None:
        return exact
    F, J = system.float_system(y)
    try:
        C = np.linalg.inv(J)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(C)):
        return None
    with ctx.workprec(PRECISION):
        Cb = arb_mat([[arb(float(c)) for c in row] for row in C])
        mid = [arb(float(v)) for v in y]
        for _ in range(8):
            F, _, _ = system.ball_values(mid)
            step = Cb * arb_mat([[f] for f in F])
            mid = [(m - step[k, 0]).mid() for k, m in enumerate(mid)]
            if all(abs(float(step[k, 0].mid())) < 1e-45 for k in range(system.size)):
                break
        else:
            return None
        exact = _rational_point(game, system, [_fraction(m) for m in mid], MAX_DENOMINATOR,
                               Fraction(1, 10**44))
        if exact is not None:
            return exact
        scale = max(1.0, max(abs(float(m)) for m in mid))
        box = [m + arb(0, RADIUS * scale) for m in mid]
        F, _, _ = system.ball_values(mid)
        _, Jbox, gaps = system.ball_values(box, all_actions=True)
        M = arb_mat(Jbox)
        identity = arb_mat([[1 if r == c else 0 for c in range(system.size)] for r in range(system.size)])
        deviation = arb_mat([[arb(0, RADIUS * scale)] for _ in range(system.size)])
        K = arb_mat([[m] for m in mid]) - Cb * arb_mat([[f] for f in F]) + (identity - Cb * M) * deviation
        inside = all(box[k].contains_interior(K[k, 0]) for k in range(system.size))
        if not inside:
            return None
        enclosures = [K[k, 0] for k in range(system.size)]
        xs = system.split(enclosures)
        if any(not (p > 0) for x in xs for p in x):
            return None
        # the off-support gaps over the whole box bound those at the zero inside it
        if any(not (g < 0) for own in gaps for g in own):
            return None
    strategies, payoffs = [], []
    for i, s in enumerate(system.supports):
        probs = [0] * game.shape[i]
        for a, p in zip(s, xs[i]):
            probs[a] = EnclosedReal(p)
        strategies.append(tuple(probs))
        payoffs.append(EnclosedReal(enclosures[system.offsets[-1] + i]))
    return BoxEquilibrium(strategies=tuple(strategies), payoffs=tuple(payoffs), players=game.players,
                          actions=game.actions, exact=True)


def _float_point(system, strategies):
    """The float profile polished by Newton's method on the support system, or None."""
    xs = []
    for i, s in enumerate(system.supports):
        p = np.array([max(float(strategies[i][a]), 1e-12) for a in s])
        xs.append(p / p.sum())
    full = [np.zeros(k) for k in system.game.shape]
    for i, s in enumerate(system.supports):
        full[i][list(s)] = xs[i]
    values = []
    for i, s in enumerate(system.supports):
        T = system.floats[i]
        for k in sorted((k for k in range(system.n) if k != i), reverse=True):
            T = np.tensordot(T, full[k], axes=([k], [0]))
        values.append(float(T[list(s)] @ xs[i]))
    y = np.concatenate(xs + [np.array(values)])
    for _ in range(MAX_NEWTON):
        F, J = system.float_system(y)
        try:
            step = np.linalg.solve(J, -F)
        except np.linalg.LinAlgError:
            return None
        y = y + step
        if not np.all(np.isfinite(y)):
            return None
        if np.abs(step).max() < 1e-14 * max(1.0, np.abs(y).max()):
            return y
    return None


def _float_signs_hold(system, y) -> bool:
    """Whether the float point has positive support probabilities and every other action
    earning less: if not, the box test would fail (it proves these signs), so skip it."""
    xs = system.split(y)
    if any(np.any(x <= 0) for x in xs):
        return False
    full = [np.zeros(k) for k in system.game.shape]
    for i, s in enumerate(system.supports):
        full[i][list(s)] = xs[i]
    for i, s in enumerate(system.supports):
        T = system.floats[i]
        for k in sorted((k for k in range(system.n) if k != i), reverse=True):
            T = np.tensordot(T, full[k], axes=([k], [0]))
        off = np.delete(T, list(s))
        if off.size and off.max() >= y[system.offsets[-1] + i]:
            return False
    return True


def _rational_point(game, system, point, max_denominator, tolerance):
    """The exact equilibrium whose probabilities are the nearest fractions (denominators
    at most ``max_denominator``) to ``point``, if they are within ``tolerance`` (relative)
    and it certifies; else None."""
    profile = []
    for i, s in enumerate(system.supports):
        probs = [Fraction(0)] * game.shape[i]
        for a, m in zip(s, system.split(point)[i]):
            m = Fraction(m)
            q = m.limit_denominator(max_denominator)
            # a fraction this far from the point cannot be the solution: skip the exact check
            if q <= 0 or abs(q - m) > tolerance * max(1, abs(m)):
                return None
            probs[a] = q
        if sum(probs) != 1:
            return None
        profile.append(probs)
    try:
        return certified_equilibrium(game, profile)
    except NotAnEquilibriumError:
        return None


__all__ = ["BoxEquilibrium", "EnclosedReal", "certify_on_support"]
