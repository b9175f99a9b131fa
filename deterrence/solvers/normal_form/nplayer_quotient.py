"""The solutions of one support profile's polynomial system, exactly, through the
multiplication matrix of its quotient ring (python-flint throughout).

The fast path of :mod:`deterrence.solvers.normal_form.nplayer`: it decides most
support profiles in python-flint's integer and rational arithmetic and hands the
rest (positive-dimensional systems, a quotient without a cyclic vector, a real
irrational root that interval arithmetic cannot reject) back to the Groebner
path of that module, so nothing is lost.

Sources: D. Cox, J. Little and D. O'Shea, *Using Algebraic Geometry*, 2nd ed.,
ch. 2 section 4 (multiplication matrices of a zero-dimensional quotient ring;
eigenvalues of ``M_t`` are the values of ``t`` at the solutions); F. Rouillier,
"Solving zero-dimensional systems through the rational univariate
representation", AAECC 9 (1999) (every coordinate a polynomial in a separating
linear form); F. Johansson, "Arb: efficient arbitrary-precision midpoint-radius
interval arithmetic", IEEE Trans. Computers 66 (2017) (certified isolation of
complex roots, real roots with exactly zero imaginary part). No code was copied.

Steps
-----
1. The indifference equations ``u_i(a, x_-i) = u_i(first, x_-i)`` are built as
   integer polynomials (``fmpz_mpoly``) from the integer payoffs: the
   probabilities ``x_{i,a}`` of the support actions but the first are the unknowns.
2. Their grevlex Groebner basis (python-flint's Buchberger algorithm) decides the
   system: a constant means no solution; when some unknown has no pure power among
   the leading monomials the system is positive-dimensional (not decided here).
3. The standard monomials (divisible by no leading monomial) are a basis of the
   quotient ring ``A``, of dimension ``D``. For the linear form
   ``t = sum c_k x_k`` (small integers ``c``), the matrix ``M_t`` of
   multiplication by ``t`` on ``A`` is read from the normal forms of ``t b``
   (``b`` standard; reduced over the rationals by ``fmpq_mpoly`` division).
4. When the Krylov matrix ``K = [1, t, ..., t^(D-1)]`` (in that basis) is
   invertible, ``1, t, ..., t^(D-1)`` is a basis of ``A``: every unknown is
   ``x_k = g_k(t)`` in ``A`` with ``g_k = K^-1 NF(x_k)``, and ``A`` is
   ``Q[t] / h(t)`` with ``h`` the characteristic polynomial of ``M_t``, so the
   solutions are exactly the points ``g(t0)`` at the roots ``t0`` of ``h``.
   Three forms ``c`` are tried; otherwise the profile is not decided here.
5. ``h`` is factored over the rationals (flint). A linear factor gives a
   rational point, kept when its support probabilities are positive and
   :func:`~deterrence.solvers.certify.certified_equilibrium` passes. For a factor
   of degree >= 2, Arb isolates the roots; non-real roots (imaginary part
   excluding zero) are no equilibria; at a real root, the probabilities and
   deviation gains are enclosed in ball arithmetic, and a root where one is
   certainly negative (a probability) or positive (a gain) is rejected. Any
   other real root is returned as a candidate: the factor, an isolating rational
   interval and the ``g_k``, decided exactly by the caller.
"""
from __future__ import annotations

import itertools
import math
from fractions import Fraction

from deterrence.core.exact import flint_module, integer_row
from deterrence.errors import NotAnEquilibriumError
from deterrence.solvers.certify import certified_equilibrium, support_action_values

#: Linear forms ``t = sum c**k x_k`` tried before the system is handed back.
SEPARATING_TRIES = (1, 2, 3)


def quotient_solve(game, payoffs, supports):
    """Decide one support profile: ``(equilibria, candidates)``, or ``None`` when
    the system is not decided here (positive-dimensional, or no cyclic quotient).

    ``equilibria`` are certified rational equilibria with exactly these supports;
    each candidate ``(f, interval, g)`` is a real root of the irreducible rational
    polynomial ``f`` (``fmpq_poly``) in the rational ``interval`` (and no other
    root of ``f``), the point being ``x_k = g[k](t0)``, that ball arithmetic did
    not reject.

    >>> from deterrence import NormalFormGame
    >>> import numpy as np
    >>> u = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    >>> for a, b, c in np.ndindex(2, 2, 2):
    ...     u[0][a, b, c], u[1][a, b, c], u[2][a, b, c] = int(a == b), int(b == c), int(c != a)
    >>> game = NormalFormGame(u)
    >>> found, candidates = quotient_solve(game, u, [(0, 1), (0, 1), (0, 1)])
    >>> [e.describe() for e in found], candidates
    (['Player 1: 1/2 0 + 1/2 1; Player 2: 1/2 0 + 1/2 1; Player 3: 1/2 0 + 1/2 1  (payoffs 1/2, 1/2, 1/2)'], [])
    """
    flint = flint_module()
    sizes = [len(s) - 1 for s in supports]
    m = sum(sizes)
    if m == 0:
        profile = [[1 if a == s[0] else 0 for a in range(k)] for s, k in zip(supports, game.shape)]
        if _deviation_pays(payoffs, supports, profile):
            return [], []
        return certified_or_nothing(game, profile), []
    ctx = flint.fmpz_mpoly_ctx.get([f"x{k}" for k in range(m)], "degrevlex")
    probs, values = support_polynomials(ctx, payoffs, supports, game.shape)
    equations = [values[i][a] - values[i][s[0]] for i, s in enumerate(supports) for a in s[1:]]
    equations = [e for e in equations if not e.is_zero()]
    if not equations:
        return None
    shape = _univariate_shape(flint, ctx, equations, m)
    if shape is NO_SOLUTION:
        return [], []
    if shape is None:
        return None
    h, coordinates = shape
    found, candidates = [], []
    for factor, _ in h.factor()[1]:
        if factor.degree() == 1:
            a0, a1 = factor.coeffs()
            root = -a0 / a1
            point = [_fraction(g(root)) for g in coordinates]
            found += _rational_point(game, supports, point, payoffs)
            continue
        candidates += _real_candidates(flint, factor, coordinates, payoffs, supports, game.shape)
    return found, candidates


#: :func:`_univariate_shape`'s answer for a system without solutions.
NO_SOLUTION = "no solution"


def _univariate_shape(flint, ctx, equations, m):
    """Steps 2-4 for integer polynomials (``fmpz_mpoly`` in ``ctx``, ``m`` unknowns):
    ``(h, [g_k])`` with the solutions exactly the points ``x_k = g_k(t0)`` at the
    roots ``t0`` of ``h`` (``fmpq_poly``), :data:`NO_SOLUTION`, or ``None`` when
    not decided here (positive-dimensional, no cyclic quotient)."""
    basis = list(flint.fmpz_mpoly_vec(_interreduced(flint, ctx, equations), ctx)
                 .buchberger_naive().autoreduction())
    if any(g.is_constant() for g in basis):
        return NO_SOLUTION
    leads = [g.monoms()[0] for g in basis]
    if not all(any(lead[k] and sum(lead) == lead[k] for lead in leads) for k in range(m)):
        return None
    standard = _standard_monomials(leads, m)
    if standard is None:
        return None
    qctx = flint.fmpq_mpoly_ctx.get([f"x{k}" for k in range(m)], "degrevlex")
    qbasis = [qctx.from_dict(g.to_dict()) for g in basis]
    shape = None
    forms = [[int(k == j) for k in range(m)] for j in reversed(range(m))]
    forms += [[c ** k for k in range(m)] for c in SEPARATING_TRIES]
    column = _Coordinates(qctx, qbasis, standard)
    for weights in forms:
        shape = _shape(flint, column, standard, weights)
        if shape is not None:
            break
    return shape


def support_polynomials(ctx, payoffs, supports, shape) -> tuple:
    """``(probs, values)`` as integer polynomials in ``ctx``: ``probs[i][a]`` the
    probability of action ``a`` (``None`` off the support), ``values[i][a]`` player
    ``i``'s expected payoff of action ``a`` against the others' supports.

    >>> import flint, numpy as np
    >>> ctx = flint.fmpz_mpoly_ctx.get(["x0", "x1"], "degrevlex")
    >>> mp = [np.array([[1, -1], [-1, 1]]), np.array([[-1, 1], [1, -1]])]
    >>> probs, values = support_polynomials(ctx, mp, [(0, 1), (0, 1)], (2, 2))
    >>> probs[0], values[0]
    ([-x0 + 1, x0], [-2*x1 + 1, 2*x1 - 1])
    """
    n = len(payoffs)
    gens = ctx.gens()
    probs, k = [], 0
    one = ctx.from_dict({(0,) * len(gens): 1})
    for s, size in zip(supports, shape):
        row = [None] * size
        rest = list(gens[k:k + len(s) - 1])
        k += len(s) - 1
        first = one
        for x in rest:
            first = first - x
        for a, p in zip(s, [first] + rest):
            row[a] = p
        probs.append(row)
    values = []
    for i in range(n):
        others = [j for j in range(n) if j != i]
        weights = []
        for combo in itertools.product(*(supports[j] for j in others)):
            w = one
            for j, b in zip(others, combo):
                w = w * probs[j][b]
            weights.append((combo, w))
        row = []
        arr = payoffs[i]
        for a in range(shape[i]):
            total = ctx.from_dict({})
            for combo, w in weights:
                idx = list(combo)
                idx.insert(i, a)
                c = int(arr[tuple(idx)])
                if c:
                    total = total + w * c
            row.append(total)
        values.append(row)
    return probs, values


def _interreduced(flint, ctx, equations) -> list:
    """The equations' row echelon form over their monomials (the same ideal; distinct
    leading terms spare Buchberger's algorithm many pairs), made primitive integers."""
    if len(equations) < 6:          # small systems: the echelon form costs more than it saves
        return equations
    terms = [e.to_dict() for e in equations]
    monomials = sorted({monom for t in terms for monom in t},
                       key=lambda monom: (sum(monom), tuple(-e for e in reversed(monom))),
                       reverse=True)
    matrix = flint.fmpq_mat(len(terms), len(monomials),
                            [t.get(monom, 0) for t in terms for monom in monomials])
    echelon, rank = matrix.rref()
    out = []
    for r in range(rank):
        row = {monom: echelon[r, j] for j, monom in enumerate(monomials) if echelon[r, j] != 0}
        den = math.lcm(*(int(c.q) for c in row.values()))
        out.append(ctx.from_dict({monom: int(c * den) for monom, c in row.items()}))
    return out


def _standard_monomials(leads, m) -> list:
    """Monomials divisible by no leading monomial (finite: zero-dimensional), in
    the box below each unknown's pure-power leading monomial."""
    import numpy as np
    bounds = [min(lead[k] for lead in leads if lead[k] and sum(lead) == lead[k]) for k in range(m)]
    if math.prod(bounds) > 10 ** 5:        # not decided here (the Groebner path will)
        return None
    box = np.array(list(itertools.product(*(range(b) for b in bounds))), dtype=np.int64)
    divisible = (box[:, None, :] >= np.array(leads, dtype=np.int64)[None, :, :]).all(axis=2).any(axis=1)
    return [tuple(int(e) for e in row) for row in box[~divisible]]


def _normal_form(p, basis):
    """The remainder of ``p`` on division by a Groebner basis (no term divisible by
    any leading monomial): one basis element at a time until nothing changes."""
    while True:
        before = p
        for g in basis:
            p = divmod(p, g)[1]
        if p == before:
            return p


class _Coordinates:
    """``column(monomial)``: the coordinates of a monomial's normal form on the
    standard monomials (a unit vector for a standard one), each computed once."""

    def __init__(self, qctx, basis, standard):
        self._qctx, self._basis = qctx, basis
        self._index = {monom: j for j, monom in enumerate(standard)}
        self._cache = {}

    def __call__(self, monom) -> list:
        column = self._cache.get(monom)
        if column is None:
            column = [0] * len(self._index)
            if monom in self._index:
                column[self._index[monom]] = 1
            else:
                remainder = _normal_form(self._qctx.from_dict({monom: 1}), self._basis)
                for term, coeff in remainder.to_dict().items():
                    column[self._index[term]] = coeff
            self._cache[monom] = column
        return column


def _shape(flint, column, standard, weights):
    """``(h, [g_k])`` for ``t = sum weights[k] x_k`` when ``1, t, ..., t^(D-1)``
    is a basis of the quotient, else None."""
    size, m = len(standard), len(weights)
    units = [tuple(int(k == j) for k in range(m)) for j in range(m)]
    columns = []
    for monom in standard:
        total = [0] * size
        for w, unit in zip(weights, units):
            if w:
                shifted = column(tuple(a + b for a, b in zip(monom, unit)))
                total = [x + w * y for x, y in zip(total, shifted)]
        columns.append(total)
    M = flint.fmpq_mat(size, size, [columns[j][r] for r in range(size) for j in range(size)])
    v = flint.fmpq_mat(size, 1, [1 if monom == (0,) * m else 0 for monom in standard])
    krylov = [v]
    for _ in range(size - 1):
        krylov.append(M * krylov[-1])
    K = flint.fmpq_mat(size, size, [krylov[j][r, 0] for r in range(size) for j in range(size)])
    W = [column(unit) for unit in units]
    try:
        G = K.solve(flint.fmpq_mat(size, m, [W[k][r] for r in range(size) for k in range(m)]),
                    algorithm="dixon")
    except ZeroDivisionError:       # K singular: 1, t, ..., t^(D-1) is no basis
        return None
    g = [flint.fmpq_poly([G[r, k] for r in range(size)]) for k in range(m)]
    return M.charpoly(), g


def _fraction(q) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _profile(supports, shape, point) -> list:
    """Mixed strategies from the unknowns (the first support action gets the rest)."""
    profile, k = [], 0
    for s, size in zip(supports, shape):
        row = [0] * size
        rest = point[k:k + len(s) - 1]
        k += len(s) - 1
        row[s[0]] = 1 - sum(rest)
        for a, p in zip(s[1:], rest):
            row[a] = p
        profile.append(row)
    return profile


def _rational_point(game, supports, point, payoffs) -> list:
    profile = _profile(supports, game.shape, point)
    if any(profile[i][a] <= 0 for i, s in enumerate(supports) for a in s):
        return []
    if _deviation_pays(payoffs, supports, profile):
        return []           # most points fail here, before the certificate's Fractions
    return certified_or_nothing(game, profile)


def _deviation_pays(payoffs, supports, profile) -> bool:
    """Whether some player gains, exactly, by leaving the first action of its support:
    integer arithmetic on the integer payoffs and each player's probabilities scaled
    by their common denominator (a positive factor, so comparisons are unchanged).
    Most points fail here, so this runs far more often than the certificate."""
    return _deviation_pays_weighted(payoffs, supports, [integer_row(row) for row in profile])


def _deviation_pays_weighted(payoffs, supports, weights) -> bool:
    """:func:`_deviation_pays` for mixtures given as rows of nonnegative integer weights."""
    for i in range(len(payoffs)):
        values = support_action_values(payoffs[i], supports, i, weights, 1, 0)
        if max(values) > values[supports[i][0]]:
            return True
    return False


def certified_or_nothing(game, profile) -> list:
    """``[the certified equilibrium]`` of an exact profile, or ``[]`` when it is none
    (shared with :mod:`~deterrence.solvers.normal_form.nplayer`'s Groebner path).

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.from_arrays([[1, -1], [-1, 1]])
    >>> certified_or_nothing(mp, [[1, 0], [1, 0]])
    []
    >>> half = Fraction(1, 2)
    >>> [e.describe() for e in certified_or_nothing(mp, [[half, half], [half, half]])]
    ['Row: 1/2 0 + 1/2 1; Column: 1/2 0 + 1/2 1  (payoffs 0, 0)']
    """
    try:
        return [certified_equilibrium(game, profile)]
    except NotAnEquilibriumError:
        return []


def _real_candidates(flint, factor, coordinates, payoffs, supports, shape) -> list:
    """Real roots of an irreducible ``factor`` (degree >= 2) that ball arithmetic
    does not reject, as ``(factor, interval, coordinates)``."""
    if factor.degree() == 2 and factor.discriminant() < 0:
        return []                   # two complex roots: no need to isolate them
    den = math.lcm(*(int(c.q) for c in factor.coeffs()))
    integer = flint.fmpz_poly([int(c * den) for c in factor.coeffs()])
    out, balls = [], None
    for x in _real_root_balls(flint, integer):
        if balls is None:           # the coordinates as Arb polynomials, once per factor
            balls = [flint.arb_poly([flint.arb(c) for c in g.coeffs()]) if g.degree() >= 0 else None
                     for g in coordinates]
        point = [flint.arb(0) if g is None else g(x) for g in balls]
        if _rejected(flint, point, payoffs, supports, shape):
            continue
        mid, rad = _arb_fraction(x.mid()), _arb_fraction(x.rad())
        out.append((factor, (mid - rad, mid + rad), coordinates))
    return out


def _real_root_balls(flint, integer) -> list:
    """The real roots of an irreducible integer polynomial as disjoint Arb balls, one root in
    each. A quadratic's come from its formula, in the form that avoids cancellation
    (``q = -(b + sign(b) sqrt(D)) / 2``, roots ``q / a`` and ``c / q``): a square root costs
    about 2 us where Arb's isolation of every complex root costs about 30, and most factors
    of the elimination paths are quadratics. Balls that overlap (too few bits) fall back to
    the isolation.

    >>> import flint
    >>> [r.contains(flint.arb(2).sqrt()) for r in _real_root_balls(flint, flint.fmpz_poly([-2, 0, 1]))]
    [False, True]
    """
    if integer.degree() == 2:
        c, b, a = (int(v) for v in integer.coeffs())
        discriminant = b * b - 4 * a * c
        if discriminant < 0:
            return []
        root = flint.arb(discriminant).sqrt()
        q = -(b + root) / 2 if b >= 0 else -(b - root) / 2
        balls = [q / a, c / q]
        if not balls[0].overlaps(balls[1]):
            return balls
    return [root.real for root, _ in integer.complex_roots() if not root.imag != 0]   # not certainly complex


def _arb_fraction(x) -> Fraction:
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** -exp)


def _rejected(flint, point, payoffs, supports, shape) -> bool:
    """Whether balls prove the point is no equilibrium: a support probability
    certainly negative, or an action certainly better than the first of its support."""
    profile = _profile(supports, shape, point)
    if any(profile[i][a] < 0 for i, s in enumerate(supports) for a in s):
        return True
    for i in range(len(payoffs)):
        values = support_action_values(payoffs[i], supports, i, profile, flint.arb(1), flint.arb(0))
        first = values[supports[i][0]]
        if any(v - first > 0 for v in values):
            return True
    return False


__all__ = ["certified_or_nothing", "quotient_solve", "support_polynomials"]
