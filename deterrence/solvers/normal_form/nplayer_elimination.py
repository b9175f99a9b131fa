"""One support profile of a three-player game decided by linear elimination: two
players' mixtures as polynomial kernel vectors of the third player's, its
indifference then a univariate polynomial (python-flint throughout).

The fastest path of :mod:`deterrence.solvers.normal_form.nplayer`: it decides the
support profiles where two players ``i, j`` have supports of one size ``m`` and
the third, ``k``, mixes over at most two actions (``(2, 2, 2)``, ``(2, 3, 3)``,
``(1, m, m)`` in any order, steps 1-3), those of sizes ``(2, 2, 3)`` and
``(1, 2, 3)`` in any order (step 4) and the 3x3x3 full support when it holds no
equilibrium (step 5), and hands back (``None``) whatever it cannot decide with
certainty, so the quotient-ring and Groebner paths still see it.

Sources: R. D. McKelvey and A. McLennan, "Computation of equilibria in finite
games", Handbook of Computational Economics vol. 1, ch. 2 (1996), section 6 (each
player's indifference is linear in each other player's mixture, so with ``k``'s
mixture fixed, ``i``'s indifference is a linear system in ``j``'s);
D. Cox, J. Little and D. O'Shea, *Using Algebraic Geometry*, 2nd ed., ch. 3
(elimination through the kernel of a matrix with polynomial entries).
No code was copied.

Steps
-----
1. ``k``'s mixture is ``(1 - t, t)`` (or the pure action: no unknown). Player
   ``i``'s ``m - 1`` indifference conditions ``u_i(a) = u_i(first)`` are
   ``B_i(t) x_j = 0`` with ``x_j`` the (unnormalised) probabilities of ``j``'s
   support and ``B_i`` an ``(m-1) x m`` matrix of polynomials of degree <= 1 in
   ``t``. Its signed maximal minors ``K_j(t)`` span its kernel wherever they do
   not all vanish; if their gcd is a constant they never all vanish, so every
   solution has ``x_j = K_j(t) / sum K_j(t)`` (and none where that sum is 0).
   A gcd of positive degree: not decided here.
2. Likewise ``x_i = K_i(t) / sum K_i(t)`` from ``j``'s conditions. ``k``'s one
   condition becomes ``H(t) = K_i(t)^T D K_j(t) = 0`` (``D`` its payoff
   differences), a univariate integer polynomial; ``H = 0`` identically means a
   positive-dimensional set (not decided here). With ``k`` pure there is no
   ``t`` and the one point ``K_i / sum, K_j / sum`` is the only candidate.
3. ``H`` is factored over the rationals (flint). A factor dividing ``sum K_i``
   or ``sum K_j`` holds no solution. A linear factor gives a rational point,
   kept when its support probabilities are positive and
   :func:`~deterrence.solvers.certify.certified_equilibrium` passes. For a
   factor ``f`` of degree >= 2 every probability is a polynomial in ``t``
   modulo ``f`` (``sum K`` inverted modulo the irreducible ``f``), and the real
   roots go through the same ball test and exact decision as the quotient-ring
   path's candidates.
4. Sizes ``m_j = m_i + 1`` (``m_i <= 2``): ``j``'s conditions are a square matrix
   on ``x_i``, whose determinant must vanish (univariate in ``t``). At each of
   its irreducible factors ``x_i`` spans that matrix's kernel and ``x_j`` the
   kernel of ``i``'s conditions stacked with ``k``'s (linear in ``x_j`` once
   ``x_i`` is known), both modulo the factor; then as step 3.
5. 3x3x3: ``k`` plays ``(1 - t0 - t1, t0, t1)`` and its two conditions
   ``H_1 = H_2 = 0`` are bivariate (step 2). Every real solution pairs a real
   root of ``Res_t1(H_1, H_2)`` with one of ``Res_t0(H_1, H_2)`` (Arb); a pair is
   rejected when balls prove a condition nonzero, a probability negative, a
   deviation profitable, or (where a kernel vector may vanish) a maximal minor of
   the conditions that stay linear nonzero. All rejected: no equilibrium.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import combinations

from deterrence.core.exact import flint_module
from deterrence.solvers.normal_form.nplayer_quotient import (
    _deviation_pays_weighted,
    _rational_point,
    certified_or_nothing,
    _real_candidates,
    _rejected,
)

#: Largest common support size ``m`` of the two eliminated players (the minors
#: are expanded by Laplace's rule).
LARGEST_KERNEL = 4


def elimination_solve(game, payoffs, supports):
    """Decide one support profile of a three-player game: ``(equilibria, candidates)``
    as :func:`~deterrence.solvers.normal_form.nplayer_quotient.quotient_solve`
    gives them, or ``None`` when the profile is not of a shape decided here or
    is degenerate (a kernel that drops rank, a positive-dimensional set).

    >>> from deterrence import NormalFormGame
    >>> import numpy as np
    >>> u = [np.array(a, dtype=object) for a in ([[[0, 5], [0, 5]], [[4, 4], [0, 4]]],
    ...      [[[5, 4], [4, 1]], [[3, 2], [5, 2]]], [[[2, 1], [2, 3]], [[2, 1], [3, 3]]])]
    >>> found, candidates = elimination_solve(NormalFormGame(u), u, [(0, 1), (0, 1), (0, 1)])
    >>> [e.describe() for e in found], candidates
    (['Player 1: 1/3 0 + 2/3 1; Player 2: 1/4 0 + 3/4 1; Player 3: 1/2 0 + 1/2 1  (payoffs 5/2, 19/6, 5/2)'], [])
    """
    if len(supports) != 3:
        return None
    sizes = [len(s) for s in supports]
    # k: a player whose two others share one support size m (steps 1-3: k mixes over at
    # most two actions; step 5: the 3x3x3 full support); none: step 4 or handed back
    choices = [k for k in range(3) if sizes[(k + 1) % 3] == sizes[(k + 2) % 3] <= LARGEST_KERNEL
               and (sizes[k] <= 2 or sizes == [3, 3, 3])]
    if sum(sizes) == 3:
        return None
    if not choices:
        for k in range(3):
            i, j = sorted(((k + 1) % 3, (k + 2) % 3), key=lambda p: sizes[p])
            if sizes[k] <= 2 and sizes[i] <= 2 and sizes[j] == sizes[i] + 1:
                return _determinantal(flint_module(), game, payoffs, supports, i, j, k)
        return None
    k = min(choices, key=lambda c: sizes[c])
    i, j = (k + 1) % 3, (k + 2) % 3
    flint = flint_module()
    if sizes[k] == 3:
        return _full_support(flint, game, payoffs, supports, i, j, k)
    if sizes[k] == 1:
        return _pure_third(game, payoffs, supports, i, j, k)
    one, zero = flint.fmpz_poly(1), flint.fmpz_poly(0)
    # K_j spans the kernel of i's conditions (they are linear in j's mixture), K_i of j's
    kernel_j = _kernel(_matrix(payoffs[i], supports, i, j, k, flint.fmpz_poly), zero, one)
    kernel_i = _kernel(_matrix(payoffs[j], supports, j, i, k, flint.fmpz_poly), zero, one)
    if kernel_i is None or kernel_j is None:
        return None
    sum_i, sum_j = sum(kernel_i, zero), sum(kernel_j, zero)
    mixtures = {i: (kernel_i, sum_i), j: (kernel_j, sum_j)}
    # k's one condition u_k(second) = u_k(first), bilinear in x_i and x_j
    (h,) = _conditions_of_k(payoffs[k], supports, i, j, k, kernel_i, kernel_j, zero)
    if h.is_zero():
        return None
    if _no_root_in_unit_interval(flint, h):
        return [], []               # k's probability t must lie in (0, 1)
    found, candidates = [], []
    for factor, _ in h.factor()[1]:
        if sum_i.gcd(factor).degree() > 0 or sum_j.gcd(factor).degree() > 0:
            continue        # f divides a sum: the kernel line misses the simplex's hyperplane there
        if factor.degree() == 1:
            root = Fraction(-int(factor[0]), int(factor[1]))
            point = {k: [1 - root, root]}
            for player, (kernel, total) in mixtures.items():
                scale = _value(total, root)
                point[player] = [_value(v, root) / scale for v in kernel]
            found += _rational_point(game, supports, _unknowns(point), payoffs)
            continue
        f = flint.fmpq_poly(factor)
        t = flint.fmpq_poly([0, 1])
        point = {k: [1 - t, t]}
        for player, (kernel, total) in mixtures.items():
            inverse = _inverse_mod(flint.fmpq_poly(total), f)
            point[player] = [(flint.fmpq_poly(v) * inverse) % f for v in kernel]
        candidates += _real_candidates(flint, f, _unknowns(point), payoffs, supports, game.shape)
    return found, candidates


def _pure_third(game, payoffs, supports, i, j, k):
    """Steps 1-2 when ``k`` plays one action: the matrices are integers, so the kernel
    vectors are integer minors (no polynomials) and the one candidate point is rational;
    ``None`` when a kernel vector vanishes (the rank drops: not decided here)."""
    kernel_j = _minors(_matrix(payoffs[i], supports, i, j, k, _constant), 0, 1)
    kernel_i = _minors(_matrix(payoffs[j], supports, j, i, k, _constant), 0, 1)
    if not any(kernel_i) or not any(kernel_j):
        return None
    sum_i, sum_j = sum(kernel_i), sum(kernel_j)
    if sum_i == 0 or sum_j == 0:
        return [], []               # the kernel line misses the simplex's hyperplane
    # the probabilities are kernel / sum: positive when every entry has the sum's sign, and
    # then the kernels with that sign are integer weights of the mixtures (a positive factor):
    # most points fail one of these tests, so they run in integers, before any Fraction
    if any(v * sum_i <= 0 for v in kernel_i) or any(v * sum_j <= 0 for v in kernel_j):
        return [], []
    weights = [None] * 3
    weights[k] = _on_support([1], supports[k], game.shape[k])
    weights[i] = _on_support([abs(v) for v in kernel_i], supports[i], game.shape[i])
    weights[j] = _on_support([abs(v) for v in kernel_j], supports[j], game.shape[j])
    if _deviation_pays_weighted(payoffs, supports, weights):
        return [], []
    profile = [[Fraction(w, sum(row)) for w in row] for row in weights]
    return certified_or_nothing(game, profile), []


def _on_support(values, support, size) -> list:
    """A full row of integer weights: ``values`` on the support's actions, 0 elsewhere."""
    row = [0] * size
    for a, v in zip(support, values):
        row[a] = v
    return row


def _constant(coefficients) -> int:
    """A matrix entry when ``k`` is pure: its one coefficient, an integer."""
    return coefficients[0]


def _determinantal(flint, game, payoffs, supports, i, j, k):
    """:func:`elimination_solve` when ``j`` mixes over one action more than ``i``
    (``i`` over 1 or 2) and ``k`` over at most two, ``(1 - t, t)``: ``j``'s conditions
    are a square matrix ``B_j(t)`` on ``i``'s mixture, so ``det B_j(t) = 0`` (a
    univariate polynomial; with ``k`` pure a constant: nonzero means no solution).
    At each root ``x_i`` spans the kernel of ``B_j``, and ``x_j`` that of ``i``'s
    conditions stacked with ``k``'s (linear in ``x_j`` once ``x_i`` is known); a
    kernel of dimension above one is handed back (``None``)."""
    zero, one = flint.fmpz_poly(0), flint.fmpz_poly(1)
    rows_j = _matrix(payoffs[j], supports, j, i, k, flint.fmpz_poly)     # square, on x_i
    determinant = _determinant(rows_j, zero, one)
    if determinant.is_zero():
        return None
    if len(supports[k]) == 1:
        if determinant.degree() == 0:
            return [], []
        return None                 # cannot happen: the entries are constants
    if _no_root_in_unit_interval(flint, determinant):
        return [], []               # k's probability t must lie in (0, 1)
    rows_i = _matrix(payoffs[i], supports, i, j, k, flint.fmpz_poly)     # (m_i - 1) x m_j, on x_j
    (difference,) = [_differences(payoffs[k], supports, i, j, k, a) for a in supports[k][1:]]
    found, candidates = [], []
    for factor, _ in determinant.factor()[1]:
        f = flint.fmpq_poly(factor)
        t = flint.fmpq_poly([0, 1])
        reduced = [[flint.fmpq_poly(e) % f for e in row] for row in rows_j]
        # x_i: the kernel of the singular B_j (rank m_i - 1): minors of a row set of that rank
        if len(reduced) == 1:
            x_i = [f * 0 + 1]
        else:
            nonzero = [row for row in reduced if any(not e.is_zero() for e in row)]
            if not nonzero:
                return None         # B_j vanishes: a kernel of dimension 2
            x_i = [nonzero[0][1], -nonzero[0][0]]
        stacked = [[flint.fmpq_poly(e) % f for e in row] for row in rows_i]
        stacked.append([sum((difference[r][c] * x_i[r] for r in range(len(x_i))), f * 0) % f
                        for c in range(len(supports[j]))])
        x_j = [v % f for v in _minors(stacked, f * 0, f * 0 + 1)]
        if all(v.is_zero() for v in x_j):
            return None             # the stacked conditions drop rank: a line of solutions or more
        sum_i, sum_j = sum(x_i, f * 0) % f, sum(x_j, f * 0) % f
        if sum_i.is_zero() or sum_j.is_zero():
            continue                # the kernel line misses the simplex's hyperplane there
        inverse_i, inverse_j = _inverse_mod(sum_i, f), _inverse_mod(sum_j, f)
        point = {k: [(1 - t) % f, t % f], i: [(v * inverse_i) % f for v in x_i],
                 j: [(v * inverse_j) % f for v in x_j]}
        if f.degree() == 1:
            found += _rational_point(game, supports, [_fraction(p[0]) for p in _unknowns(point)], payoffs)
        else:
            candidates += _real_candidates(flint, f, _unknowns(point), payoffs, supports, game.shape)
    return found, candidates


def _fraction(q) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def _full_support(flint, game, payoffs, supports, i, j, k):
    """The 3x3x3 full support (the code allows ``i`` and ``j`` mixing over any ``m``
    actions; for 2x2x3 profiles the quotient-ring path is faster): ``k`` plays
    ``(1 - t0 - t1, t0, t1)`` and its two conditions ``H_1(t) = H_2(t) = 0`` are
    bivariate. Every real solution ``(a, b)`` has ``a`` a real root of
    ``Res_t1(H_1, H_2)`` and ``b`` one of ``Res_t0(H_1, H_2)``; each pair of such
    roots (Arb balls) is rejected when balls prove it is no equilibrium: ``H``
    nonzero, a probability negative or a deviation profitable, or (where a kernel
    vector may vanish) a maximal minor of the conditions still linear in the other
    mixture nonzero. Returns ``([], [])`` when
    every pair is rejected, else ``None`` (the exact paths decide)."""
    ctx = flint.fmpz_mpoly_ctx.get(["t0", "t1"], "degrevlex")
    zero, one = ctx.from_dict({}), ctx.from_dict({(0, 0): 1})

    def affine(c):
        return ctx.from_dict({(0, 0): c[0], (1, 0): c[1], (0, 1): c[2]})
    rows_i = _matrix(payoffs[i], supports, i, j, k, affine)      # acts on j's mixture
    rows_j = _matrix(payoffs[j], supports, j, i, k, affine)      # acts on i's mixture
    kernel_j, kernel_i = _minors(rows_i, zero, one), _minors(rows_j, zero, one)
    differences = [_differences(payoffs[k], supports, i, j, k, a) for a in supports[k][1:]]
    conditions = _conditions_of_k(payoffs[k], supports, i, j, k, kernel_i, kernel_j, zero)
    if any(c.is_zero() for c in conditions):
        return None
    if any(all(c.degrees()[var] == 0 for c in conditions) for var in (0, 1)):
        return None                 # both free of one unknown: the resultant would be 1, not their gcd
    first, second = conditions
    eliminants = []
    for var in ("t1", "t0"):
        eliminant = first.resultant(second, var)
        if eliminant.is_zero():
            return None             # a common factor: positive-dimensional
        eliminants.append(_as_univariate(flint, eliminant))
    if any(_no_root_in_unit_interval(flint, e) for e in eliminants):
        return [], []               # k's probabilities t0 and t1 must lie in (0, 1)
    roots = [_real_roots_not_outside_unit_interval(e) for e in eliminants]
    for a in roots[0]:
        for b in roots[1]:
            t = (a, b)
            if any(_ball(c, t, flint) != 0 for c in conditions):
                continue
            k_i = [_ball(v, t, flint) for v in kernel_i]
            k_j = [_ball(v, t, flint) for v in kernel_j]
            if not _pair_rejected(flint, payoffs, supports, game.shape, (i, j, k), t, (k_i, k_j),
                                  (rows_i, rows_j), differences):
                return None
    return [], []


def _pair_rejected(flint, payoffs, supports, shape, players, t, kernels, rows, differences) -> bool:
    """Whether balls prove no equilibrium has ``k``'s mixture ``(1 - t0 - t1, t0, t1)``
    (see :func:`_full_support`)."""
    i, j, k = players
    k_i, k_j = kernels
    nonzero_i, nonzero_j = any(v != 0 for v in k_i), any(v != 0 for v in k_j)
    if nonzero_i and nonzero_j:
        sum_i, sum_j = sum(k_i), sum(k_j)
        if sum_i != 0 and sum_j != 0:
            point = {k: [1 - t[0] - t[1], t[0], t[1]],
                     i: [v / sum_i for v in k_i], j: [v / sum_j for v in k_j]}
            return _rejected(flint, _unknowns(point), payoffs, supports, shape)
    # x_i is K_i(t) up to scale where K_i does not vanish; then x_j solves i's conditions and
    # k's (linear in x_j): a solution needs every m x m minor of those stacked rows to vanish
    m = len(k_i)
    for known, rows_on_other, transpose in ((k_i, rows[0], False), (k_j, rows[1], True)):
        if not any(v != 0 for v in known):
            continue
        matrix = [[_ball(e, t, flint) for e in row] for row in rows_on_other]
        for d in differences:
            if transpose:
                matrix.append([sum(d[r][c] * known[c] for c in range(m)) for r in range(m)])
            else:
                matrix.append([sum(d[r][c] * known[r] for r in range(m)) for c in range(m)])
        if any(_determinant([matrix[r] for r in chosen], 0, 1) != 0
               for chosen in combinations(range(len(matrix)), m)):
            return True
    return False


def _no_root_in_unit_interval(flint, p) -> bool:
    """Whether the nonzero integer polynomial ``p`` provably has no root in ``(0, 1)``:
    Descartes' rule of signs for ``(1 + y)^n p(1 / (1 + y))``, whose positive roots
    are the images of ``p``'s roots in ``(0, 1)`` (no sign change: none)."""
    reversed_p = flint.fmpz_poly(list(reversed(p.coeffs())))
    signs = [c > 0 for c in reversed_p(flint.fmpz_poly([1, 1])).coeffs() if c != 0]
    return all(sign == signs[0] for sign in signs)


def _real_roots_not_outside_unit_interval(p) -> list:
    """The real roots of the integer polynomial ``p`` (Arb balls) except those the balls
    prove outside ``(0, 1)``. A ball is kept when it merely touches 0 or 1: Arb isolates
    roots to a relative precision, so a root ``1 - 10^-40`` (a probability in a game with
    payoffs near ``10^40``) comes as ``[1 +/- 3e-20]``, and keeping only balls certainly
    inside ``(0, 1)`` dropped it and declared a support with an equilibrium empty.
    Roots exactly at 0 or 1 are divided out first (exactly), so that their balls,
    which touch the ends too, do not keep pairs that cannot be equilibria."""
    for end in (0, 1):
        divisor = p.__class__([-end, 1])
        while not p.is_zero() and p(end) == 0:
            p = p // divisor
    return [r.real for r, _ in p.complex_roots()
            if r.imag == 0 and not r.real <= 0 and not r.real >= 1]


def _as_univariate(flint, p):
    """A bivariate ``fmpz_mpoly`` in one of its variables only, as an ``fmpz_poly``."""
    terms = p.to_dict()
    coeffs = [0] * (max(sum(m) for m in terms) + 1)
    for monom, c in terms.items():
        coeffs[sum(monom)] = int(c)
    return flint.fmpz_poly(coeffs)


def _ball(p, t, flint):
    """A bivariate integer polynomial at a pair of Arb balls."""
    total = flint.arb(0)
    for monom, c in zip(p.monoms(), p.coeffs()):
        total += int(c) * t[0] ** monom[0] * t[1] ** monom[1]
    return total


def _payoff_table(array, i, j, k):
    """``at(a, b, c)``: the integer payoff when players ``i, j, k`` play ``a, b, c`` (read from
    the array's flat list: indexing an object array with a tuple costs several times more)."""
    flat = array.ravel().tolist()
    strides = (array.shape[1] * array.shape[2], array.shape[2], 1)
    s_i, s_j, s_k = strides[i], strides[j], strides[k]
    return lambda a, b, c: int(flat[a * s_i + b * s_j + c * s_k])


def _matrix(array, supports, i, j, k, entry) -> list:
    """Player ``i``'s indifference conditions as the matrix ``B_i(t)`` acting on
    ``j``'s support probabilities, ``(m-1) x m``; ``entry`` makes each entry from its
    integer coefficients ``[c_0, c_1, ...]``, the value ``c_0 + sum c_l t_l`` when
    ``k`` plays ``(1 - sum t, t_1, ...)`` (a pure ``k``: the constant ``[c_0]``)."""
    s_i, s_j, s_k = supports[i], supports[j], supports[k]
    payoff = _payoff_table(array, i, j, k)
    rows = []
    for a in s_i[1:]:
        row = []
        for b in s_j:
            at = [payoff(a, b, c) - payoff(s_i[0], b, c) for c in s_k]
            row.append(entry([at[0]] + [v - at[0] for v in at[1:]]))
        rows.append(row)
    return rows


def _differences(array, supports, i, j, k, a) -> list:
    """``k``'s payoff of action ``a`` less that of its first support action, over ``i``'s and ``j``'s supports."""
    first = supports[k][0]
    payoff = _payoff_table(array, k, i, j)
    return [[payoff(a, b, c) - payoff(first, b, c) for c in supports[j]] for b in supports[i]]


def _conditions_of_k(array, supports, i, j, k, kernel_i, kernel_j, zero) -> list:
    """``k``'s conditions with ``x_i, x_j`` replaced by the kernel vectors: ``K_i^T D_a K_j``."""
    out = []
    for a in supports[k][1:]:
        d = _differences(array, supports, i, j, k, a)
        total = zero
        for r, v_i in enumerate(kernel_i):
            for c, v_j in enumerate(kernel_j):
                if d[r][c]:
                    total += d[r][c] * v_i * v_j
        out.append(total)
    return out


def _minors(rows, zero, one) -> list:
    """The signed maximal minors of an ``(m-1) x m`` matrix: a kernel vector wherever one is nonzero."""
    m = len(rows) + 1
    return [_determinant([[e for col, e in enumerate(row) if col != b] for row in rows], zero, one) * (-1) ** b
            for b in range(m)]


def _kernel(rows, zero, one):
    """:func:`_minors` of a matrix of univariate polynomials, or ``None`` when they
    have a common root (or all vanish): the rank drops there."""
    kernel = _minors(rows, zero, one)
    common = zero
    for v in kernel:
        common = common.gcd(v)
    if common.degree() != 0:
        return None
    return kernel


def _determinant(matrix, zero, one):
    """Laplace expansion along the first row (the matrices here are at most 3 x 3)."""
    if not matrix:
        return one
    if len(matrix) == 1:
        return matrix[0][0]
    total = zero
    for col, entry in enumerate(matrix[0]):
        rest = [row[:col] + row[col + 1:] for row in matrix[1:]]
        total += (-1) ** col * entry * _determinant(rest, zero, one)
    return total


def _value(poly, q: Fraction) -> Fraction:
    """An integer polynomial's value at a rational, exactly."""
    value = Fraction(0)
    for c in reversed(poly.coeffs()):
        value = value * q + int(c)
    return value


def _inverse_mod(p, f):
    """``p^-1`` modulo the irreducible ``f`` (``f`` does not divide ``p``)."""
    g, s, _ = p.xgcd(f)
    return s / g[0]


def _unknowns(point) -> list:
    """The unknowns of the other paths: each player's support probabilities but the first, in order."""
    return [p for player in sorted(point) for p in point[player][1:]]


__all__ = ["elimination_solve"]
