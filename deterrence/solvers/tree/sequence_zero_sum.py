"""Every extreme equilibrium of a zero-sum two-player tree: the vertices of two optimal faces.

In a zero-sum tree (``B = -A`` in the sequence form,
:mod:`~deterrence.solvers.tree.sequence_form`) the Nash equilibria are the
pairs of optimal plans: one convex set ``X* x Y*``. In the best-response
polyhedra of :mod:`~deterrence.solvers.tree.sequence_enumeration`,

    P = {(x, v) : E x = e, x >= 0, F^T v >= B^T x},
    Q = {(y, u) : F y = f, y >= 0, E^T u >= A y},

the root value ``v_0`` of a point of ``P`` is at least player 2's best reply
payoff against ``x``, hence at least player 2's equilibrium payoff ``w_2``
(minimax), and ``u_0 >= w_1 = -w_2`` in ``Q``. A pair of points is
complementary exactly when ``x . (E^T u - A y) + y . (F^T v - B^T x) = u_0 +
v_0 = 0`` (both terms are nonnegative), i.e. when ``v_0 = w_2`` and ``u_0 =
w_1``. So the completely labelled vertex pairs, whose plans are the extreme
equilibria of :func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`,
are exactly the pairs (vertex of the face ``F_P = P n {v_0 = w_2}``, vertex
of ``F_Q = Q n {u_0 = w_1}``): each face is searched alone, and the answer is
the product of the two lists of plans. The search is exact and complete (the
graph of lexicographically feasible bases of a polytope is connected and
covers every vertex), and its cost is the number of bases of the two faces,
not of the whole polyhedra, nor the pairs of supports of a branching search.
The lists themselves can be long: generalised Kuhn poker with an odd number
of cards has many optimal plans of player 1 (194 with 7 cards).

Sources: D. Koller, N. Megiddo and B. von Stengel (1994), "Fast algorithms
for finding randomized strategies in game trees", STOC (the sequence-form
linear program of zero-sum trees); B. von Stengel (1996), "Efficient
computation of behavior strategies", Games and Economic Behavior 14:
220-246; D. Avis and K. Fukuda (1992) for lexicographic pivoting over
bases; the minimax theorem for the faces. No code was copied.

Steps of :func:`zero_sum_equilibrium_plans`, for each player's polyhedron:

1. the polyhedron in equation form with integer rows and a first vertex (a
   pure plan and the other player's best reply values), as the vertex
   enumeration builds them;
2. the lexicographic simplex method (entering: the most improving column;
   leaving: the exact lexicographic ratio test, so no basis repeats)
   minimises the root value ``v_0``, fraction-free in Python integers: its
   optimum is the other player's equilibrium payoff, exactly;
3. the face: one row ``v_0 = optimum`` added, and one nonbasic column whose
   entry in ``v_0``'s row is nonzero added to the optimal basis (it stays at
   zero, so the basis is a feasible one of the face);
4. every vertex of the face by the lexicographic search of
   :func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`
   (at most ``limit`` bases, else :class:`~deterrence.errors.TooLargeError`);
   the distinct plans kept.

The pairs are then every player-1 plan with every player-2 plan; the caller
certifies each (:func:`~deterrence.solvers.tree.sequence_form.certify_plans`).
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.errors import SolverError
from deterrence.solvers.tree.sequence_form import SequenceForm, best_response_polyhedron

#: Largest number of bases searched in one optimal face without an explicit ``limit=``.
DEFAULT_FACE_BASES = 200_000
#: Largest estimate (:func:`face_estimate`) searched without an explicit ``limit=``: generalised
#: Kuhn poker up to 12 cards (98 sequences, 5.9e5) passes; 16 cards (2.9e8: a minute, and
#: 1,080,450 extreme equilibria) and the zero-sum random tree of 65 sequences (8.7e10) are refused.
DEFAULT_ESTIMATE = 10_000_000
#: Most extreme equilibria (pairs of optimal plans) listed without an explicit ``limit=``.
DEFAULT_PAIRS = 100_000


def is_zero_sum(sf: SequenceForm) -> bool:
    """Whether the payoffs of the sequence form sum to zero at every pair of sequences (``B = -A``).

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> entry = load_game("entry_deterrence").with_defaults()
    >>> is_zero_sum(sequence_form(load_game("kuhn_poker"))), is_zero_sum(sequence_form(entry))
    (True, False)
    """
    return sf.A.keys() == sf.B.keys() and all(sf.B[k] == -v for k, v in sf.A.items())


def _optimal_basis(M, b, basis, free_from, root):
    """The lexicographic simplex method from a feasible ``basis``, minimising column ``root``
    (a free column, always basic): ``(tableau, basis, determinant)`` of an optimal basis."""
    from deterrence.core.exact import lex_min_ratio
    from deterrence.core.reverse_search import first_tableau
    from deterrence.solvers.tree._sequence_vertices import _pivoted
    T, d = first_tableau(M, b, basis, free_from)
    T = T[:-1]                                             # without the reverse search's cost row
    bas, R, rhs = list(basis), len(M), len(M[0])
    identity = list(range(rhs + 1, rhs + 1 + R))           # d * B^-1 of the start: the lex keys
    while True:
        sign = 1 if d > 0 else -1
        r0 = bas.index(root)
        # root + sum_c T[r0][c] / d * z_c = T[r0][rhs] / d: a column with T[r0][c] / d > 0 lowers it
        inbasis = set(bas)
        gains = [(T[r0][c] * sign, c) for c in range(free_from) if c not in inbasis and T[r0][c] * sign > 0]
        if not gains:
            return T, bas, d
        _, c = max(gains)
        column = [T[r][c] * sign if bas[r] < free_from else 0 for r in range(R)]
        best = lex_min_ratio(column, lambda r, T=T, s=sign: T[r][rhs] * s, identity,
                             lambda r, k, T=T, s=sign: T[r][k] * s)
        if best is None:
            raise SolverError("internal error: the sequence-form root value is unbounded below")
        T, bas, d = _pivoted(T, bas, d, best, c)


class _Face:
    """The optimal face of player ``own``'s polyhedron: integer rows with the face row
    ``v_0 = optimum`` appended, and the exact point of the optimal basis found by the simplex."""

    def __init__(self, sf: SequenceForm, own: int):
        from deterrence.solvers.tree._sequence_vertices import _first_basis
        M, b, self.n_own, self.n_opp, k_opp, self.ncols = best_response_polyhedron(sf, own)
        self.free_from = self.n_own + self.n_opp
        root = self.free_from            # the other player's value at its root row: f^T v = v_0
        first = _first_basis(sf, own, self.n_own, self.n_opp, k_opp)
        T, bas, d = _optimal_basis(M, b, first, self.free_from, root)
        r0 = bas.index(root)
        #: the other player's equilibrium payoff (minimax)
        self.value = Fraction(T[r0][self.ncols], d)
        face_row = [0] * self.ncols
        face_row[root] = self.value.denominator
        self.M, self.b = M + [face_row], b + [self.value.numerator]
        self.point = [Fraction(0)] * self.ncols
        for r, col in enumerate(bas):
            self.point[col] = Fraction(T[r][self.ncols], d)

    def positive(self, point) -> set:
        """The labelled columns positive at ``point``."""
        return {c for c in range(self.free_from) if point[c] > 0}

    def partner(self, col: int) -> int:
        """The other polyhedron's column of the same label: a plan entry is paired with the
        slack of the same sequence there, and a slack with the plan entry."""
        return self.n_opp + col if col < self.n_own else col - self.n_own

    def vertices(self, zero: set, limit: int) -> tuple:
        """The face's vertex plans and the union of their positive labels, searching only the
        columns not in ``zero`` (columns proved zero on the whole face)."""
        from deterrence.core.exact import flint_module
        from deterrence.solvers.tree._sequence_vertices import _vertices
        flint = flint_module()
        keep = [c for c in range(self.ncols) if c not in zero]
        if any(self.point[c] for c in zero):
            raise SolverError("internal error: a column proved zero on the optimal face is not")
        rows = [[row[c] for c in keep] for row in self.M]
        # the independent rows (deleting columns can make rows such as 0 = 0 redundant)
        ref, rank = flint.fmpq_mat(len(keep), len(rows), [r[i] for i in range(len(keep)) for r in rows]).rref()
        independent = [next(j for j in range(len(rows)) if ref[i, j] != 0) for i in range(rank)]
        M = [rows[r] for r in independent]
        b = [self.b[r] for r in independent]
        # a basis of the point: its positive and free columns first (independent at a vertex)
        support = [i for i, c in enumerate(keep) if c >= self.free_from or self.point[c]]
        order = support + [i for i in range(len(keep)) if i not in set(support)]
        ref, _ = flint.fmpq_mat(len(M), len(order), [r[i] for r in M for i in order]).rref()
        basis = [order[next(j for j in range(len(order)) if ref[i, j] != 0)] for i in range(rank)]
        if not set(support) <= set(basis):
            raise SolverError("internal error: the optimal point of the face is not a vertex")
        n_own = sum(c < self.n_own for c in keep)
        labelled = sum(c < self.free_from for c in keep)
        found = _vertices(M, b, basis, n_own, labelled - n_own, labelled, limit)
        plans, positive = {}, set()
        for mask, plan in found.items():
            positive |= {keep[i] for i in range(labelled) if not mask >> i & 1}
            full = [0] * self.n_own
            for i, q in enumerate(plan):
                full[keep[i]] = _norm(q)
            plans[tuple(full)] = None
        return [list(p) for p in plans], positive


def face_estimate(faces) -> int:
    """The size guard's estimate for the two optimal faces: the larger of McMullen's upper bounds
    on their vertices, each face with the columns removed that the other face's optimal point
    sets to zero (its dimension: the remaining columns less the rank of its rows; its facets: the
    remaining plan and slack columns).

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> sf = sequence_form(load_game("kuhn_poker"))
    >>> face_estimate((_Face(sf, 0), _Face(sf, 1))) >= 2      # Kuhn poker's faces have 2 and 1 vertices
    True
    """
    from deterrence.core.exact import flint_module
    from deterrence.solvers.normal_form.enumeration import vertex_bound
    flint = flint_module()
    bounds = []
    for k in (0, 1):
        face, other = faces[k], faces[1 - k]
        zero = {other.partner(c) for c in other.positive(other.point)}
        keep = [c for c in range(face.ncols) if c not in zero]
        rank = flint.fmpz_mat(len(face.M), len(keep), [row[c] for row in face.M for c in keep]).rank()
        bounds.append(vertex_bound(len(keep) - rank, sum(c < face.free_from for c in keep)))
    return max(bounds)


def optimal_face_plans(sf: SequenceForm, limit: int, *, max_estimate: int | None = None) -> tuple:
    """``(xs, ys)``: each player's distinct plans at the vertices of its optimal face (zero-sum
    trees only: the caller checks :func:`is_zero_sum`). Each face's search leaves out the columns
    that complementarity sets to zero on the whole face: a label positive at a known point of
    the other face (every point of one optimal face is complementary to every point of the
    other). The face searched first is the one that finishes within a small budget (tried in
    turns, the budget growing eightfold up to ``limit``); its vertices then give every such label
    for the second face (strict complementarity: Goldman and Tucker 1956).

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> xs, ys = optimal_face_plans(sequence_form(load_game("kuhn_poker")), 10_000)
    >>> len(xs), len(ys)
    (2, 1)

    With ``max_estimate``, the faces whose estimate (:func:`face_estimate`) is larger are refused
    with :class:`~deterrence.errors.TooLargeError` before their search.
    """
    from deterrence.errors import TooLargeError
    faces = (_Face(sf, 0), _Face(sf, 1))
    if max_estimate is not None:
        estimate = face_estimate(faces)
        if estimate > max_estimate:
            raise TooLargeError(
                f"enumerating every extreme equilibrium of this zero-sum tree ({sum(sf.sizes)} sequences) "
                f"may meet up to {estimate:,} vertices of an optimal face (McMullen's bound), over the default "
                f"limit of {max_estimate:,}; use method sequence_lcp for one equilibrium, or pass "
                f"limit={DEFAULT_FACE_BASES * 10} (the most bases to search in a face) to try anyway")
    budget = min(limit, 4_000)
    while True:
        for first in (0, 1):
            other = faces[1 - first]
            zero = {other.partner(c) for c in other.positive(other.point)}
            try:
                plans_first, positive = faces[first].vertices(zero, budget)
                break
            except TooLargeError:
                continue
        else:
            if budget >= limit:
                raise TooLargeError(f"the optimal faces of this zero-sum tree have over {limit:,} bases each; "
                                    "pass a larger limit= to continue")
            budget = min(limit, budget * 8)
            continue
        break
    second = faces[1 - first]
    zero = {faces[first].partner(c) for c in positive}
    plans_second, _ = second.vertices(zero, limit)
    return (plans_first, plans_second) if first == 0 else (plans_second, plans_first)


def certify_optimal_plans(sf: SequenceForm, xs, ys) -> tuple:
    """Check exactly that every plan in ``xs`` and ``ys`` is optimal, so that every pair is a Nash
    equilibrium; return the payoffs and each plan's pure best reply of the other player.

    Each plan must be a realisation plan, and the other player's best payoff against it
    (:func:`~deterrence.solvers.tree.sequence_form.best_response_value`) must be the same
    numbers ``-w`` and ``w`` for all: then against any ``y`` of ``ys`` a plan ``x`` of ``xs``
    earns at least ``w`` and ``y`` concedes at most ``w``, so ``x^T A y = w``, and neither
    player gains by any deviation. One check per plan instead of one per pair.
    Raises :class:`~deterrence.errors.SolverError` otherwise.

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> sf = sequence_form(load_game("kuhn_poker"))
    >>> xs, ys = optimal_face_plans(sf, 10_000)
    >>> certify_optimal_plans(sf, xs, ys)[0]
    (Fraction(-1, 18), Fraction(1, 18))
    """
    from deterrence.solvers.tree.sequence_form import _certified, best_response_value
    if not is_zero_sum(sf):
        raise SolverError("certify_optimal_plans is for zero-sum trees")
    payoffs, first = _certified(sf, xs[0], ys[0])     # realisation plans, and one equilibrium pair
    replies = ([], [])
    for player, plans in ((0, xs), (1, ys)):
        other = 1 - player
        for plan in plans:
            if plan is not (xs[0] if player == 0 else ys[0]):
                _certified_plan(sf, player, plan)
            best, choice = best_response_value(sf, other, sf.payoff_vector(other, plan))
            if best != payoffs[other]:
                raise SolverError(f"not an optimal plan of {sf.players[player]}: {sf.players[other]} "
                                  f"earns {best} against it, not {payoffs[other]}")
            replies[other].append(choice)
    return payoffs, replies


def _certified_plan(sf, player, plan):
    """A plan of exact numbers satisfying its realisation-plan constraints, else SolverError."""
    if len(plan) != len(sf.sequences[player]) or any(
            isinstance(q, float) or q < 0 for q in plan) or plan[0] != 1 or any(
            sum((plan[c] for c in children), 0) != plan[parent] for _, parent, children in sf.infosets[player]):
        raise SolverError(f"the plan of {sf.players[player]} is not an exact realisation plan")


def zero_sum_equilibrium_plans(sf: SequenceForm, limit: int) -> list:
    """The plans ``(x, y)`` of every extreme equilibrium of a zero-sum tree (not yet certified):
    every extreme optimal plan of player 1 with every one of player 2's (the plans at the
    vertices of the optimal faces, filtered to their extreme points:
    :func:`~deterrence.core.extreme_points.extreme_points`).

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> plans = zero_sum_equilibrium_plans(sequence_form(load_game("kuhn_poker")), 10_000)
    >>> len(plans)
    2
    """
    xs, ys = extreme_optimal_plans(sf, limit)
    return [(x, y) for x in xs for y in ys]


def extreme_optimal_plans(sf: SequenceForm, limit: int, *, max_estimate: int | None = None) -> tuple:
    """``(xs, ys)``: each player's extreme optimal plans, the plans of :func:`optimal_face_plans`
    (same arguments) filtered to their extreme points
    (:func:`~deterrence.core.extreme_points.extreme_points`: a vertex of an optimal face can sit
    above a mixture of other optimal plans).

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> [len(p) for p in extreme_optimal_plans(sequence_form(load_game("kuhn_poker")), 10_000)]
    [2, 1]
    """
    from deterrence.core.extreme_points import extreme_points
    xs, ys = optimal_face_plans(sf, limit, max_estimate=max_estimate)
    return tuple([plans[i] for i in extreme_points(plans)] for plans in (xs, ys))


def _norm(v):
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else v


__all__ = ["certify_optimal_plans", "extreme_optimal_plans", "face_estimate", "is_zero_sum", "optimal_face_plans",
           "zero_sum_equilibrium_plans"]
