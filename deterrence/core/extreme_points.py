"""The extreme points of a finite set of rational points, exact and certified.

Why the package needs it: an *extreme equilibrium* is an extreme point of a maximal Nash
subset (a convex set of strategy pairs). In a bimatrix game the plans at the vertices of the
best-response polytopes are exactly those points. In the sequence form they are not: its
best-response polyhedra carry the opponent's values beside the plan, and a vertex of such a
lifted face can sit above a plan that is a mixture of other plans of the face (where the
opponent's best-reply value, a maximum of linear functions, has a kink). On the benchmark's
random tree of 65 sequences, 64 of the 71 plans of player 2 at the vertices of one face are
such mixtures. So the vertex plans are candidates, and this module keeps the extreme ones.

Algorithm: K. L. Clarkson (1994), "More output-sensitive geometric algorithms", Proceedings of
the 35th FOCS, 695-702 (each point tested by a linear program over the extreme points found so
far, not over every point), with the membership test of J. H. Dula and R. V. Helgason (1996),
"A new procedure for identifying the extreme points of polyhedral hulls", European Journal of
Operational Research 92: 352-367. Every verdict is exact: a point left out is shown to be a
convex combination of kept points (exact weights), and a kept point is the lexicographically
largest maximiser of an exact linear function. No code was copied.

Steps of :func:`extreme_points`:

1. drop duplicate points and the coordinates that are the same in every point; map each
   coordinate onto ``[0, 1]`` (a positive affine map of each coordinate keeps the extreme
   points and the lexicographic order), exactly, with a float copy;
2. ``E``, the extreme points found, starts with the lexicographically largest point;
3. for each point ``p`` not yet decided, a float linear program (SciPy's HiGHS) looks for
   ``c`` (``|c_j| <= 1``) maximising ``t = c.p - max over e in E of c.e``:

   * ``t > 0``, with the float ``c`` taken as an exact rational and ``c.p > c.e`` confirmed
     exactly: the lexicographically largest of the points that maximise ``c.q`` is extreme (the
     maximisers of a linear function span a face of the hull, and the lexicographic maximum of a
     face's points is one of its vertices). It is not in ``E`` (``c.q >= c.p > c.e``): it joins
     ``E``, and ``p`` is tested again unless it was ``p``. The dot products are floats with a
     bound on their error (the coordinates' rounding and the sum's, Higham's ``gamma_d``); the
     ones within twice that bound of deciding are computed again in Fractions;
   * ``t = 0``: ``p`` is a convex combination of ``E``: a second float program gives weights on
     at most ``d + 1`` points, solved again exactly on that support and checked (unique,
     nonnegative, summing to 1, combining to ``p``): ``p`` is not extreme;
   * when rounding defeats both checks, the exact simplex method
     (:func:`~deterrence.core.exact.maximise_exactly`) solves the same program.

>>> from fractions import Fraction
>>> square = [(0, 0), (1, 0), (0, 1), (1, 1), (Fraction(1, 2), Fraction(1, 2)), (1, Fraction(1, 3))]
>>> extreme_points(square)          # the centre and a point on an edge are mixtures
[0, 1, 2, 3]
"""
from __future__ import annotations

from fractions import Fraction

#: The unit roundoff of a float (2**-53), doubled: float dot products are compared with a bound
#: on their error built from it, and the close ones again exactly.
_UNIT = 2.0 ** -52


def extreme_points(points) -> list:
    """The indices of the extreme points of the convex hull of ``points`` (equal-length
    sequences of ints or Fractions), in increasing order; of equal points, the first.
    The module's steps; exact.

    >>> extreme_points([(0, 0), (2, 0), (1, 0), (1, 1), (2, 0)])     # (1, 0) lies between
    [0, 1, 3]
    """
    points = [tuple(Fraction(v) for v in p) for p in points]
    first: dict = {}
    for i, p in enumerate(points):
        first.setdefault(p, i)
    distinct = list(first)
    if len(distinct) <= 2:
        return sorted(first.values())
    varying = [j for j in range(len(distinct[0])) if len({p[j] for p in distinct}) > 1]
    kept = _Hull(_unit_rows(distinct, varying)).extreme()
    return sorted(first[distinct[k]] for k in kept)


def _unit_rows(points, varying) -> list:
    """The points on the ``varying`` coordinates, each mapped onto ``[0, 1]`` (a positive
    affine map per coordinate), exactly."""
    columns = []
    for j in varying:
        low, high = min(p[j] for p in points), max(p[j] for p in points)
        columns.append([(p[j] - low) / (high - low) for p in points])
    return [tuple(col[i] for col in columns) for i in range(len(points))]


class _Hull:
    """Clarkson's search over distinct points ``rows`` (tuples of Fractions in ``[0, 1]``): float
    programs and dot products, every verdict confirmed exactly (the module's step 3)."""

    def __init__(self, rows):
        import numpy as np
        self.rows = rows
        self.Y = np.array([[float(v) for v in r] for r in rows])     # each within 2**-53 of exact
        self.d = len(rows[0])
        self._model = None          # the float program: a _SeparationModel, or False without highspy

    def extreme(self) -> list:
        import numpy as np
        n = len(self.rows)
        order = sorted(range(n), key=lambda i: self.rows[i], reverse=True)
        found, decided = [order[0]], {order[0]}       # the lexicographic maximum is extreme
        for p in order[1:]:
            while p not in decided:
                c = self._separation(found, p)
                if c is None:                         # a convex combination of extreme points
                    decided.add(p)
                    break
                q = self._lexicographic_maximiser(c, np.arange(n))
                if q in decided:                      # c.q >= c.p > c.e for every e found: never
                    from deterrence.errors import SolverError
                    raise SolverError("internal error: an extreme point found twice")
                found.append(q)
                decided.add(q)
        return sorted(found)

    def _bound(self, c) -> float:
        """A bound on the error of a float ``c . y`` (``y`` a row of ``Y``) against the exact one."""
        return float(sum(abs(v) for v in c)) * (self.d + 3) * _UNIT

    def _exact(self, c, i):
        return sum(a * b for a, b in zip(c, self.rows[i]) if a)

    def _lexicographic_maximiser(self, c, among):
        """Of the points ``among`` maximising ``c . y`` exactly, the lexicographically largest:
        floats first, the ones within twice the error bound of the float maximum again exactly."""
        import numpy as np
        values = self.Y[among] @ np.array([float(v) for v in c])
        close = among[values >= values.max() - 2 * self._bound(c)]
        exact = {int(i): self._exact(c, i) for i in close}
        top = max(exact.values())
        return max((i for i, v in exact.items() if v == top), key=lambda i: self.rows[i])

    def _separates(self, c, found, p) -> bool:
        """Whether ``c . p > c . e`` for every ``e`` in ``found``, exactly."""
        import numpy as np
        cf = np.array([float(v) for v in c])
        values = self.Y[found] @ cf
        at_p = float(self.Y[p] @ cf)
        margin = 2 * self._bound(c)
        if at_p - margin <= values.max():
            exact_p = self._exact(c, p)
            return all(self._exact(c, e) < exact_p for e, v in zip(found, values) if v >= at_p - margin)
        return True

    def _separation(self, found, p):
        """An exact ``c`` (Fractions) with ``c.p > c.e`` for every ``e`` in ``found``, or None
        when ``p`` is proved a convex combination of them."""
        c, weights = self._float_separation(found, p)
        if c is not None:
            exact = [Fraction(float(v)) for v in c]              # the float direction, exactly
            if self._separates(exact, found, p):
                return exact
        elif weights is not None and self._combination(found, p, weights):
            return None
        return self._exact_separation(found, p)

    def _float_separation(self, found, p):
        """``(c, None)`` with float ``c.p - max c.e > 0``, or ``(None, weights)``: float weights of
        ``found`` that may combine to ``p`` (None when the programs failed).

        The program ``max c.p - s  s.t.  c.e <= s (e in found), -1 <= c <= 1``: with highspy one
        model for the whole search (a row added as a point is found, the objective changed for
        each ``p``, HiGHS starting from its last basis), its row duals the weights; without it,
        SciPy's ``linprog`` from scratch, and a second program for the weights."""
        import numpy as np
        from scipy.optimize import linprog
        d, Y = self.d, self.Y
        if self._model is None:
            from deterrence.core.highs import have_highspy
            self._model = _SeparationModel(d) if have_highspy() else False
        if self._model:
            result = self._model.solve(Y, found, p)
            if result is not None:
                return result
        A = np.hstack([Y[found], -np.ones((len(found), 1))])
        res = linprog(np.r_[-Y[p], 1.0], A_ub=A, b_ub=np.zeros(len(found)),
                      bounds=[(-1, 1)] * d + [(None, None)], method="highs")
        if res.status != 0:
            return None, None
        if -res.fun > 1e-9:
            return res.x[:d], None
        res = linprog(np.zeros(len(found)), A_eq=np.vstack([Y[found].T, np.ones(len(found))]),
                      b_eq=np.r_[Y[p], 1.0], bounds=(0, None), method="highs")
        return None, (res.x if res.status == 0 else None)

    def _combination(self, found, p, weights) -> bool:
        """Whether ``p`` is, exactly, a convex combination of ``found``: the float ``weights``'
        support, the unique exact solution on it, checked nonnegative."""
        from deterrence.core.exact import flint_module
        d = self.d
        support = [found[k] for k, w in enumerate(weights) if w > 1e-12]
        k = len(support)
        flint = flint_module()

        def q(v):
            return flint.fmpq(v.numerator, v.denominator)
        aug = flint.fmpq_mat(d + 1, k + 1, [q(v) for j in range(d + 1) for v in
                                            [self.rows[i][j] if j < d else Fraction(1) for i in support]
                                            + [self.rows[p][j] if j < d else Fraction(1)]])
        ref, rank = aug.rref()
        if rank != k or any(all(ref[r, j] == 0 for j in range(k)) for r in range(rank)):
            return False                 # inconsistent, or weights not unique: decided exactly instead
        return all(ref[r, k] >= 0 for r in range(rank))

    def _exact_separation(self, found, p):
        """The same program solved exactly (rounding defeated the float checks)."""
        from deterrence.core.exact import maximise_exactly
        d, rows = self.d, self.rows
        A = [[rows[e][j] - rows[p][j] for j in range(d)] + [1] for e in found]
        A += [[1 if j == k else 0 for j in range(d)] + [0] for k in range(d)]
        A += [[-1 if j == k else 0 for j in range(d)] + [0] for k in range(d)]
        b = [0] * len(found) + [1] * (2 * d)
        best, x = maximise_exactly([0] * d + [1], A, b)
        return None if best <= 0 else x[:d]


class _SeparationModel:
    """The separation program of :meth:`_Hull._float_separation` kept in one highspy model.
    Columns: ``c`` (``d`` of them, in ``[-1, 1]``) and ``s`` (free); a row ``c.e - s <= 0`` for
    each extreme point found, added as it is found."""

    def __init__(self, d):
        import highspy
        import numpy as np
        from deterrence.core.highs import quiet_highs
        self.h, self.d, self.rows = quiet_highs(), d, 0
        inf = highspy.kHighsInf
        self.h.addVars(d + 1, np.r_[-np.ones(d), -inf], np.r_[np.ones(d), inf])
        self.h.changeObjectiveSense(highspy.ObjSense.kMaximize)
        self.columns = np.arange(d + 1, dtype=np.int32)

    def solve(self, Y, found, p):
        import highspy
        import numpy as np
        h, d = self.h, self.d
        for e in found[self.rows:]:
            h.addRow(-highspy.kHighsInf, 0.0, d + 1, self.columns, np.r_[Y[e], -1.0])
        self.rows = len(found)
        h.changeColsCost(d + 1, self.columns, np.r_[Y[p], -1.0])
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        sol = h.getSolution()
        if not (sol.value_valid and sol.dual_valid) or len(sol.row_dual) < len(found):
            return None
        if h.getInfo().objective_function_value > 1e-9:
            return np.array(sol.col_value[:d]), None
        return None, np.abs(np.array(sol.row_dual[:len(found)]))


__all__ = ["extreme_points"]
