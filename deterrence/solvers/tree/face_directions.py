"""Certified extreme plans of a face too large to list: the maximisers of random linear objectives.

A face of a sequence-form best-response polyhedron (:mod:`~deterrence.solvers.tree.sequence_branching`)
lifts a player's plans with the opponent's values and slacks; the face's extreme plans are the
extreme points of its projection onto the plans, and on the random trees of 137 sequences and
more some faces hold more of them than a listing can visit (:mod:`~deterrence.solvers.tree.subgame_subsets`).
This module finds some of them, each proved extreme exactly, so that a face that is not listed
still gets a certified lower bound on its extreme plans (and a subset on its extreme equilibria).

The fact it rests on: a linear objective whose maximum over a polytope is attained at one point
attains it at an extreme point (a point strictly between two others is no better than the better
of them, so it would not be the only maximiser). A random objective with integer coefficients
has one maximiser on the plans with high probability; the float LP finds an optimal basis, and
the exact check decides.

Sources: A. Schrijver (1986), *Theory of Linear and Integer Programming*, Wiley (LP duality,
complementary slackness, and the optimal face); Q. Huangfu and J. A. J. Hall (2018) for HiGHS.
No code was copied.

Steps of :func:`certified_extreme_plans`, for each of ``directions`` objectives:

1. draw an objective ``c``: independent integers in ``[-2**20, 2**20]`` on the face's open
   own columns (the plan's sequences not held at zero), zero elsewhere;
2. maximise ``c z`` over the face (``M z = b``, its tight labels at zero, the other labels at
   least zero, the values free) by HiGHS, kept warm between objectives (only the costs change),
   and read its optimal basis: columns ``B`` and rows ``S`` whose slacks are basic (at zero,
   as the rows are equations: their duals are zero);
3. exactly, on the other rows ``N`` (``M_NB`` square, proved nonsingular by its rank modulo a
   prime): ``z_B`` from ``M_NB z_B = b_N`` (the
   rows ``S`` checked to hold too) and the duals ``y_N`` from ``y_N M_NB = c_B`` (sparse
   numeric lifting, else FLINT); the basis is primal feasible (every label of ``z_B`` at least
   zero, the tight ones zero) and dual feasible (every reduced cost ``c_j - y M_j`` of an open
   label at most zero, of a value column zero): so ``z_B`` is optimal;
4. the optimal face is the face with the labels of negative reduced cost at zero too; when no
   open label outside ``B`` has reduced cost zero it is the single point ``z_B``, otherwise the
   plan is checked to be fixed on its affine hull (exact ranks,
   :meth:`~deterrence.solvers.tree.sequence_branching._Polyhedron.plan_freedom`); either way
   the plan of ``z_B`` is the one maximiser of ``c`` over the face's plans, so it is extreme.

An objective whose check fails (a degenerate optimum, a basis HiGHS reports oddly, a basis
matrix not proved nonsingular) is dropped: the answer holds only plans proved extreme; whether
they are all of the face's is :func:`every_extreme_plan`'s question (steps 5 to 7). It needs
highspy (the ``fast`` extra); without it the answer is empty.

>>> from deterrence.io import load_game
>>> from deterrence.solvers.tree.sequence_branching import _Polyhedron
>>> from deterrence.solvers.tree.sequence_form import sequence_form
>>> from deterrence.core.highs import have_highspy
>>> tree = load_game("entry_deterrence").with_defaults()
>>> side = _Polyhedron(sequence_form(tree), 1)       # player 2's plans, no label held
>>> plans = certified_extreme_plans(side, set(), 20)
>>> not have_highspy() or sorted(plans) == [(1, 0, 1), (1, 1, 0)]
True
"""
from __future__ import annotations

from fractions import Fraction
from math import gcd, lcm

from deterrence.solvers.tree.sequence_branching import _norm

#: Objectives a face gets without an explicit number (:func:`certified_extreme_plans`): each
#: costs a float LP from the last basis and two exact solves of the basis (about 5 ms on the
#: faces of the 137-sequence random tree).
DEFAULT_DIRECTIONS = 64
#: The coefficients' range: wide enough that ties between plans are rare, small enough that
#: the float LP reads them exactly.
_SPREAD = 2**20
#: Most hyperplanes through points of the plans found that :func:`every_extreme_plan` tries as
#: facets of their hull (``C(m, d)`` for ``m`` points spanning ``d`` dimensions): past it, no proof.
MOST_FACET_TRIALS = 2_000
#: Most rounds of :func:`every_extreme_plan` (each adds one plan of the face outside the hull).
MOST_ROUNDS = 20


def certified_extreme_plans(side, tight, directions: int = DEFAULT_DIRECTIONS, seed: int = 0, model=None) -> set:
    """Extreme plans of ``side``'s face with the labelled columns ``tight`` at zero, each the
    one maximiser of a random integer objective, proved exactly (module steps): a set of tuples
    of the own plan's entries (ints where integral, else Fractions). ``directions``: how many
    objectives; ``seed``: the objectives' random seed (the same seed, the same answer);
    ``model``: the face's :class:`_FaceModel`, when one is made already.

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_branching import _Polyhedron
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> from deterrence.core.highs import have_highspy
    >>> side = _Polyhedron(sequence_form(load_game("entry_deterrence").with_defaults()), 1)
    >>> plans = certified_extreme_plans(side, {2}, 8)      # accommodating never played: fight
    >>> not have_highspy() or plans == {(1, 1, 0)}
    True
    """
    from deterrence.core.highs import have_highspy
    if directions <= 0 or not have_highspy():
        return set()
    import numpy as np
    tight = set(tight)
    own_open = [c for c in range(side.n_own) if c not in tight]
    model = _FaceModel(side, tight) if model is None else model
    rng = np.random.default_rng(seed)
    found = set()
    for _ in range(directions):
        cost = [0] * side.ncols
        for c, v in zip(own_open, rng.integers(-_SPREAD, _SPREAD + 1, size=len(own_open))):
            cost[c] = int(v)
        basis = model.optimal_basis(cost)
        if basis is None:
            continue
        plan = _proved_unique_maximiser(side, tight, cost, basis)
        if plan is not None:
            found.add(plan)
    return found


def every_extreme_plan(side, tight, directions: int = DEFAULT_DIRECTIONS, seed: int = 0,
                       most_facets: int = MOST_FACET_TRIALS):
    """``(plans, complete)``: the extreme plans of ``side``'s face with ``tight`` at zero that
    :func:`certified_extreme_plans` proves, and, when ``complete``, the proof that they are all
    of them (then ``plans`` are exactly the face's extreme plans).

    The proof is tried only when the objectives repeat plans (at most half of them gave a new
    one: a sign of a face with few extreme plans); with ``V`` the plans found (steps of the
    closure, after the module's):

    5. the affine hull of ``V``: each of its equations ``g x = g0`` is checked to hold on the
       whole face, by the exact maximum and minimum of ``g x`` (module step 3, no uniqueness);
    6. the facets of the convex hull of ``V`` inside that hull, exactly: every hyperplane through
       ``d`` affinely independent points of ``V`` (``d`` its dimension) with all of ``V`` on one
       side (at most ``most_facets`` trials; past it, no proof);
    7. each facet ``h x <= h0`` is checked to hold on the whole face by the exact maximum of
       ``h x``. When all hold, the face's plans are the hull of ``V``, whose extreme points
       (:func:`~deterrence.core.extreme_points.extreme_points`) are the answer. A check that fails
       gives a plan of the face outside the hull (the optimum's, exact): it joins ``V`` and the
       steps run again (a plan beyond a hyperplane of the hull; the hull grows each round). An
       optimum that the exact check cannot confirm ends the proof: ``complete`` is False.

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_branching import _Polyhedron
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> from deterrence.core.highs import have_highspy
    >>> side = _Polyhedron(sequence_form(load_game("entry_deterrence").with_defaults()), 1)
    >>> plans, complete = every_extreme_plan(side, set(), 20)
    >>> not have_highspy() or (sorted(plans), complete) == ([(1, 0, 1), (1, 1, 0)], True)
    True
    """
    from deterrence.core.extreme_points import extreme_points
    from deterrence.core.highs import have_highspy
    if not have_highspy():
        return set(), False
    tight = set(tight)
    model = _FaceModel(side, tight)
    found = certified_extreme_plans(side, tight, directions, seed, model)
    if not found or len(found) > directions // 2:
        # half the objectives or more gave a new plan: the face likely holds many more, and the
        # closure would add them one a round (each round's programs growing with the hull)
        return found, False
    own_open = [c for c in range(side.n_own) if c not in tight]
    points = {tuple(Fraction(p[c]) for c in own_open): p for p in found}
    for _ in range(MOST_ROUNDS):
        outside = _beyond_hull(side, tight, model, own_open, list(points), most_facets)
        if outside is None:
            return found, False
        if outside is True:
            plans = list(points.values())
            return {plans[i] for i in extreme_points(plans)}, True
        points[tuple(Fraction(outside[c]) for c in own_open)] = outside
    return found, False


def _beyond_hull(side, tight, model, own_open, points, most_facets):
    """True when the face's plans lie in the hull of ``points`` (their open coordinates,
    Fractions: steps 5 to 7 of :func:`every_extreme_plan`), else a plan of the face outside it
    (exact, a tuple over all own columns), or None when no proof could be made."""
    from itertools import combinations
    from math import comb

    n = len(own_open)

    def maximum(weights):               # exact max of weights . x over the face, and its plan
        common = lcm(*(Fraction(w).denominator for w in weights))
        integer = [int(Fraction(w) * common) for w in weights]
        cost = [0] * side.ncols
        for c, w in zip(own_open, integer):
            cost[c] = w
        basis = model.optimal_basis(cost)
        optimum = None if basis is None else _exact_optimum(side, tight, cost, basis)
        if optimum is None:
            return None
        plan = optimum[0]
        return Fraction(sum(w * plan[c] for c, w in zip(own_open, integer)), common), plan

    first = points[0]
    # coordinates that parametrise the hull (pivot columns of the differences), and whether
    # step 6's trials are within the bound: checked first, as a face with too many plans found
    # would spend its equations' programs (step 5) for no proof
    differences = [[a - b for a, b in zip(p, first)] for p in points[1:]]
    d, pivots = 0, []
    if differences:
        ref, d = _fmpq_matrix(differences, n).rref()
        pivots = [next(j for j in range(n) if ref[i, j] != 0) for i in range(d)]
    if d and comb(len(points), d) > most_facets:
        return None
    # step 5: the affine hull's equations g x = g0 (the null space of [P | 1])
    for vector in _null_space([list(p) + [1] for p in points], n + 1):
        g = vector[:n]
        g0 = sum(a * b for a, b in zip(g, first))
        for sign in (1, -1):
            found = maximum([sign * a for a in g])
            if found is None:
                return None
            if found[0] != sign * g0:
                return found[1]
    if d == 0:
        return True
    # step 6: the facets, in the pivot coordinates
    low = [[p[j] for j in pivots] for p in points]
    facets = set()
    for chosen in combinations(range(len(low)), d):
        null = _null_space([low[i] + [-1] for i in chosen], d + 1)
        if len(null) != 1:
            continue                    # not affinely independent
        h = null[0]
        signs = [sum(a * b for a, b in zip(h, q)) - h[d] for q in low]
        if any(v > 0 for v in signs):
            if any(v < 0 for v in signs):
                continue                # points on both sides: no facet
            h = [-a for a in h]         # every point at or below h x = h0
        common = lcm(*(a.denominator for a in h))
        integer = [int(a * common) for a in h]
        divisor = gcd(*integer)
        facets.add(tuple(a // divisor for a in integer))
    # step 7: each facet on the whole face
    for facet in sorted(facets):
        weights = [0] * n
        for j, a in zip(pivots, facet[:d]):
            weights[j] = a
        found = maximum(weights)
        if found is None:
            return None
        if found[0] > facet[d]:
            return found[1]
    return True


class _FaceModel:
    """``max c z`` over one face in a highspy model (the columns of the tight labels fixed at
    zero, the other labels at least zero, the values free; rows ``M z = b``): between
    objectives only the costs change, so HiGHS starts from the last optimal basis."""

    def __init__(self, side, tight):
        import highspy
        import numpy as np

        from deterrence.core.highs import quiet_highs
        R, C, L = side.rows, side.ncols, side.labelled
        inf = highspy.kHighsInf
        h = quiet_highs()
        lower = np.array([0.0] * L + [-inf] * (C - L))
        upper = np.array([0.0 if c in tight else inf for c in range(L)] + [inf] * (C - L))
        h.addVars(C, lower, upper)
        h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        for r in range(R):
            idx = np.array([c for c, _ in side.row_nonzero[r]], dtype=np.int32)
            val = np.array([float(v) for _, v in side.row_nonzero[r]])
            h.addRow(float(side.b[r]), float(side.b[r]), len(idx), idx, val)
        self.h, self.C, self.R = h, C, R

    def optimal_basis(self, cost):
        """The basic columns of an optimum of ``cost`` (a list of ``R`` columns), or None."""
        import highspy
        import numpy as np
        h = self.h
        h.changeColsCost(self.C, np.arange(self.C, dtype=np.int32), np.array(cost, dtype=float))
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        status = h.getBasis()
        if not status.valid:
            return None
        basic = highspy.HighsBasisStatus.kBasic
        columns = [j for j, v in enumerate(status.col_status) if v == basic]
        rows = {r for r, v in enumerate(status.row_status) if v == basic}
        return (columns, rows) if len(columns) + len(rows) == self.R else None


def _proved_unique_maximiser(side, tight, cost, basis):
    """The own plan of the basic solution of ``basis`` when steps 3 and 4 of the module prove it
    the one maximiser of ``cost`` over the face's plans; else None."""
    optimum = _exact_optimum(side, tight, cost, basis)
    if optimum is None:
        return None
    plan, negative, zero_cost = optimum
    if zero_cost and side.plan_freedom(tight | negative) != 0:
        return None
    return plan


def _exact_optimum(side, tight, cost, basis):
    """Step 3 of the module: ``(plan, negative, zero_cost)`` when the basic solution of ``basis``
    (``(columns, rows)``: HiGHS's basic columns and the rows whose slack it keeps basic, at zero:
    their duals are zero) is proved an optimum of the integer ``cost`` over the face: its own
    plan (a tuple), the open labels off the basis with negative reduced cost (zero on every
    optimum) and those with reduced cost zero; else None."""
    columns, basic_rows = basis
    rows = [r for r in range(side.rows) if r not in basic_rows]
    where = {j: i for i, j in enumerate(columns)}
    row_at = {r: i for i, r in enumerate(rows)}
    entries = [(row_at[r], where[j], v) for j in columns for r, v in side.nonzero[j] if r in row_at]
    if not _nonsingular(len(rows), entries):
        return None                     # a basis must be one: the lifting would not say
    z = _solve_square(len(rows), entries, [side.b[r] for r in rows])
    if z is None:
        return None
    value = dict(zip(columns, z))
    for r in basic_rows:                # the rows left out hold too (their slacks are zero)
        if sum(value[j] * v for j, v in side.row_nonzero[r] if j in where) != side.b[r]:
            return None
    for j, v in value.items():
        if j < side.labelled and (v < 0 or (j in tight and v != 0)):
            return None
    transposed = [(i, r, v) for r, i, v in entries]
    dual = _solve_square(len(rows), transposed, [cost[j] for j in columns])
    if dual is None:
        return None
    y = dict(zip(rows, dual))
    zero_cost = []                      # open labels outside the basis with reduced cost zero
    negative = set()
    for j in range(side.ncols):
        if j in where or j in tight:
            continue
        reduced = cost[j] - sum(y[r] * v for r, v in side.nonzero[j] if r in y)
        if reduced > 0 or (j >= side.labelled and reduced != 0):
            return None                 # not optimal (or a value column off the basis)
        if reduced < 0:
            negative.add(j)
        else:
            zero_cost.append(j)
    return tuple(_norm(value.get(c, Fraction(0))) for c in range(side.n_own)), negative, zero_cost


def _fmpq_matrix(rows, ncols):
    from deterrence.core.exact import flint_module, to_fmpq
    flint = flint_module()
    return flint.fmpq_mat(len(rows), ncols, [to_fmpq(v, flint.fmpq) for r in rows for v in r])


def _null_space(rows, ncols) -> list:
    """A basis of ``{w : rows w = 0}`` (lists of Fractions):
    :func:`~deterrence.core.exact.solution_space` of the homogeneous system.

    >>> _null_space([[1, 1, -2]], 3)
    [[Fraction(-1, 1), Fraction(1, 1), Fraction(0, 1)], [Fraction(2, 1), Fraction(0, 1), Fraction(1, 1)]]
    """
    from deterrence.core.exact import solution_space
    return solution_space([list(r) + [0] for r in rows], ncols)[1]


#: A prime below 2**63 for the rank test of a basis (:func:`_nonsingular`): 2**61 - 1.
_PRIME = 2**61 - 1


def _nonsingular(n, entries) -> bool:
    """Whether the ``n x n`` integer matrix given by its nonzeros is nonsingular, proved by its
    full rank modulo a prime (a zero determinant is zero modulo every prime); False also when
    the prime happens to divide the determinant (the basis is then only not used).

    >>> _nonsingular(2, [(0, 0, 1), (0, 1, 2), (1, 0, 2), (1, 1, 4)]), _nonsingular(1, [(0, 0, 3)])
    (False, True)
    """
    import numpy as np

    from deterrence.core.exact import flint_module
    flint = flint_module()
    rows, cols, vals = (list(t) for t in zip(*entries)) if entries else ([], [], [])
    small = all(abs(v) < 2**40 for v in vals)      # then int64 holds the sums and the residues
    dense = np.zeros(n * n, dtype=np.int64 if small else object)
    np.add.at(dense, np.array(rows, dtype=np.int64) * n + np.array(cols, dtype=np.int64),
              np.array(vals, dtype=np.int64 if small else object))
    return flint.nmod_mat(n, n, (dense % _PRIME).tolist(), _PRIME).rank() == n


def _solve_square(n, entries, rhs):
    """The exact solution (Fractions) of the nonsingular ``n x n`` integer system given by its
    nonzeros ``(row, column, value)`` and right-hand side, or None when it is singular: by the
    sparse numeric lifting (:func:`~deterrence.core.exact_lifting.solve_sparse_lifting`), else
    FLINT's dense solve."""
    from deterrence.core.exact import solve
    from deterrence.core.exact_lifting import solve_sparse_lifting
    rhs = [int(v) for v in rhs]
    rows, cols, vals = zip(*entries) if entries else ((), (), ())
    lifted = solve_sparse_lifting(n, (rows, cols, vals), 0, [rhs], small_answer=True)
    if lifted is not None:
        numerators, den = lifted
        return [Fraction(int(numerators[i, 0]), int(den)) for i in range(n)]
    dense = [[0] * n for _ in range(n)]
    for r, c, v in entries:
        dense[r][c] += int(v)
    try:
        return [Fraction(v) for v in solve(dense, rhs)]
    except ZeroDivisionError:           # singular
        return None


__all__ = ["DEFAULT_DIRECTIONS", "certified_extreme_plans", "every_extreme_plan"]
