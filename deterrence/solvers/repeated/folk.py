"""Folk-theorem geometry of two-player games: minmax values, feasible and IR sets.

The folk theorem (Fudenberg and Maskin 1986, *Econometrica* 54:533-554; see
also Mailath and Samuelson 2006, *Repeated Games and Reputations*, ch. 2-3)
says that for patient enough players every feasible payoff vector that gives
each player strictly more than his minmax value is a subgame-perfect
equilibrium payoff of the repeated game. This module computes the pieces of
that statement exactly, for a two-player stage game with exact payoffs.

Steps
-----
1. :func:`minmax_values`.
   *Pure*: ``min_b max_a u_i(a, b)``, read off the payoff matrix.
   *Mixed*: the value of the zero-sum game in which the opponent minimises
   player ``i``'s payoff. A floating-point LP (``scipy.optimize.linprog``,
   HiGHS) gives the supports; the exact value and the punishing mixture are
   then recovered by solving the support system exactly
   (:func:`deterrence.core.exact.solve_consistent`),
   and verified by an exact primal-dual certificate: a punishment ``q`` with
   ``max_a (M q)_a = v`` and a guarantee ``p`` with ``min_b (p M)_b = v``
   (von Neumann's minimax theorem makes the two equal only at the value).
2. :func:`feasible_set`: the convex hull of the pure payoff pairs, by
   Andrew's monotone chain in exact arithmetic (counter-clockwise, collinear
   points dropped; the hull may be a point or a segment).
3. :func:`individually_rational_set`: the feasible set clipped by the two
   half-planes ``v_i >= minmax_i`` (Sutherland-Hodgman clipping in
   ``Fraction`` arithmetic). With ``mixed=False`` the pure minmax is used,
   which is the relevant bound for pure-strategy equilibria (the set
   computed by :mod:`deterrence.solvers.repeated.payoff_set`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
import numpy as np

from deterrence.core.exact import solve_consistent
from deterrence.core.numbers import format_exact, to_exact
from deterrence.errors import GameError, SolverError
from deterrence.core.validate import at_defaults
from deterrence.solvers.result import TextRepr

__all__ = ["Polygon", "MinmaxResult", "minmax_values", "feasible_set",
           "individually_rational_set", "payoff_points", "convex_hull", "clip_halfplane"]


# ---------------------------------------------------------------------------
# exact planar geometry
# ---------------------------------------------------------------------------
def _normal(q):
    q = Fraction(q)
    return q.numerator if q.denominator == 1 else q


def cross(o, a, b):
    """``(a - o) x (b - o)``: positive when ``o, a, b`` turn counter-clockwise (any number type).

    >>> cross((0, 0), (1, 0), (0, 1))
    1
    """
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def in_convex_polygon(V, p) -> bool:
    """Is point ``p`` in the convex polygon ``V`` (ccw vertices; a point or a segment
    too; boundary included)? Exact for exact coordinates (ints, Fractions, fmpq).

    >>> in_convex_polygon([(0, 0), (2, 0), (0, 2)], (1, 1)), in_convex_polygon([(0, 0), (2, 0)], (3, 0))
    (True, False)
    """
    K = len(V)
    if K == 0:
        return False
    if K == 1:
        return V[0] == p
    if K == 2:
        a, b = V
        return (cross(a, b, p) == 0 and min(a[0], b[0]) <= p[0] <= max(a[0], b[0])
                and min(a[1], b[1]) <= p[1] <= max(a[1], b[1]))
    return all(cross(V[k], V[(k + 1) % K], p) >= 0 for k in range(K))


def monotone_chain(pts) -> list:
    """Andrew's monotone chain over sorted, distinct points (ints, Fractions, fmpq or floats).

    Counter-clockwise from the leftmost-lowest point, no collinear points;
    two points or fewer come back as given.

    >>> monotone_chain([(0, 0), (0, 2), (1, 1), (2, 0), (2, 2)])
    [(0, 0), (2, 0), (2, 2), (0, 2)]
    """
    if len(pts) <= 2:
        return list(pts)
    lower, upper = [], []
    for p in pts:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(pts):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def convex_hull(points) -> tuple:
    """Exact convex hull (Andrew's monotone chain), counter-clockwise, no collinear points.

    Starts at the lowest-leftmost point. A degenerate hull is returned as
    one point or the two ends of a segment.

    >>> convex_hull([(0, 0), (2, 0), (1, 1), (1, 0), (0, 2), (2, 2)])
    ((0, 0), (2, 0), (2, 2), (0, 2))
    >>> convex_hull([(0, 0), (1, 1), (2, 2)])
    ((0, 0), (2, 2))
    """
    pts = sorted({(_normal(x), _normal(y)) for x, y in points})
    if len(pts) <= 2:
        return tuple(sorted(pts, key=lambda p: (p[1], p[0])))
    hull = monotone_chain(pts)
    if len(hull) == 2 and hull[0] == hull[1]:
        hull = hull[:1]
    # start at the lowest (then leftmost) point, a convention for stable output
    k = min(range(len(hull)), key=lambda j: (hull[j][1], hull[j][0]))
    return tuple(hull[k:] + hull[:k])


def clip_halfplane(vertices, normal, offset) -> tuple:
    """Clip a convex polygon (or point/segment) to ``normal . v >= offset``, exactly.

    >>> clip_halfplane(((0, 0), (2, 0), (2, 2), (0, 2)), (1, 0), 1)
    ((1, 0), (2, 0), (2, 2), (1, 2))
    """
    verts = list(vertices)
    if not verts:
        return ()
    a, b = normal

    def side(p):
        return a * p[0] + b * p[1] - offset

    if len(verts) == 1:
        return tuple(verts) if side(verts[0]) >= 0 else ()
    out = []
    n = len(verts)
    for k in range(n):
        p, q = verts[k], verts[(k + 1) % n]
        sp, sq = side(p), side(q)
        if sp >= 0:
            out.append(p)
        if (sp > 0 > sq) or (sp < 0 < sq):
            t = Fraction(sp) / (sp - sq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return convex_hull(out)


@dataclass(frozen=True)
class Polygon:
    """An exact convex polygon in the payoff plane (possibly a point, a segment or empty).

    ``vertices`` are pairs of ``int``/``Fraction``, counter-clockwise, starting
    at the lowest-leftmost vertex, without repeated or collinear points.

    >>> sq = Polygon.hull([(0, 0), (1, 0), (1, 1), (0, 1)])
    >>> sq.area, sq.contains((Fraction(1, 2), 1)), sq.contains((2, 0))
    (1, True, False)
    >>> sq.to_json()["vertices"][2]
    ['1', '1']
    >>> sq.clip((1, 0), Fraction(1, 2)).area, sq.as_float().shape
    (Fraction(1, 2), (4, 2))
    """

    vertices: tuple

    def __repr__(self):
        """``Polygon((1, 1), (13/3, 1), ...)``: exact vertices as numbers (the dataclass repr wrote
        ``Fraction(13, 3)``: a review)."""
        return "Polygon(" + ", ".join("(" + ", ".join(map(format_exact, v)) + ")" for v in self.vertices) + ")"

    @classmethod
    def hull(cls, points) -> "Polygon":
        """The convex hull of exact points."""
        return cls(convex_hull([(to_exact(x, "coordinate"), to_exact(y, "coordinate")) for x, y in points]))

    @property
    def is_empty(self) -> bool:
        """Whether the polygon has no vertex."""
        return not self.vertices

    @property
    def dimension(self) -> int:
        """-1 empty, 0 point, 1 segment, 2 polygon with interior."""
        return min(len(self.vertices), 3) - 1

    @property
    def area(self):
        """Exact area (shoelace formula); 0 for degenerate polygons."""
        v = self.vertices
        if len(v) < 3:
            return 0
        s = sum(v[k][0] * v[(k + 1) % len(v)][1] - v[(k + 1) % len(v)][0] * v[k][1]
                for k in range(len(v)))
        return _normal(Fraction(s) / 2)

    def contains(self, point) -> bool:
        """Exact membership test (boundary included); floats are taken at their exact value."""
        p = tuple(Fraction(c) if isinstance(c, float) else to_exact(c, "coordinate") for c in point)
        return in_convex_polygon(self.vertices, p)

    def as_float(self) -> np.ndarray:
        """Vertices as a ``(k, 2)`` float array."""
        return np.array([[float(x), float(y)] for x, y in self.vertices], dtype=float).reshape(-1, 2)

    def clip(self, normal, offset) -> "Polygon":
        """The part with ``normal . v >= offset``."""
        return Polygon(clip_halfplane(self.vertices, normal, offset))

    def to_json(self) -> dict:
        """``{"vertices": [["x", "y"], ...], "area": "a"}`` with exact strings."""
        return {"vertices": [[format_exact(x), format_exact(y)] for x, y in self.vertices],
                "area": format_exact(self.area)}


# ---------------------------------------------------------------------------
# minmax values
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class MinmaxResult(TextRepr):
    """Each player's minmax value and the opponent's punishment that achieves it.

    ``pure[i]`` is ``min_b max_a u_i``; ``pure_punishments[i]`` the label of the
    opponent's action attaining it. ``mixed[i]`` (``None`` unless asked for)
    is the mixed minmax value and ``mixed_punishments[i]`` the opponent's
    exact mixture over his actions; ``guarantees[i]`` is player ``i``'s own
    mixture that secures the value whatever the opponent does (the certificate).

    >>> from deterrence import NormalFormGame
    >>> r = minmax_values(NormalFormGame.zero_sum([[1, -1], [-1, 1]]))
    >>> r.values, r.to_json()["mixed_punishments"][0]
    ((0, 0), ['1/2', '1/2'])
    """

    players: tuple
    actions: tuple
    pure: tuple
    pure_punishments: tuple
    mixed: tuple | None = None
    mixed_punishments: tuple | None = None
    guarantees: tuple | None = None

    @property
    def values(self) -> tuple:
        """The mixed values when computed, the pure ones otherwise."""
        return self.mixed if self.mixed is not None else self.pure

    def repr_text(self) -> str:
        """Each player's minmax value and the punishment (the dataclass repr listed the raw tuples).

        >>> from deterrence import load_game
        >>> minmax_values(load_game("prisoners_dilemma").with_defaults()).repr_text()
        'Row: 1 (pure: Column plays D; mixed: 1); Column: 1 (pure: Row plays D; mixed: 1)'
        """
        parts = []
        for i, player in enumerate(self.players):
            other = self.players[1 - i]
            text = f"{player}: {format_exact(self.values[i])} (pure: {other} plays {self.pure_punishments[i]}"
            if self.mixed is not None:
                text += f"; mixed: {format_exact(self.mixed[i])}"
            parts.append(text + ")")
        return "; ".join(parts)

    def to_json(self) -> dict:
        """The MinmaxResult as a JSON-ready dict of plain values: ``players``, ``pure``,
        ``pure_punishments``."""
        out = {"players": list(self.players),
               "pure": [format_exact(v) for v in self.pure],
               "pure_punishments": list(self.pure_punishments)}
        if self.mixed is not None:
            out["mixed"] = [format_exact(v) for v in self.mixed]
            out["mixed_punishments"] = [[format_exact(p) for p in s] for s in self.mixed_punishments]
            out["guarantees"] = [[format_exact(p) for p in s] for s in self.guarantees]
        return out


def _check_two_player_exact(game, what):
    """A two-player game with numeric payoffs, else an error naming ``what`` the student called
    and the parameters without a value (the games' one wording, ``require_numeric``). (The tools
    first take a symbolic game at its defaults, :func:`~deterrence.core.validate.at_defaults`, as
    ``solve`` does; what stays symbolic has a parameter without a value.)

    >>> import sympy
    >>> from deterrence import NormalFormGame
    >>> T = sympy.Symbol("T", real=True)
    >>> feasible_set(NormalFormGame.from_arrays([[T, 0], [0, 1]], parameters={"T": None}))
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: feasible_set needs numeric payoffs; give values to T (...)
    """
    if not hasattr(game, "require_numeric"):
        raise GameError(f"{what} needs a normal-form game, got {type(game).__name__}")
    game.require_two_players(what)
    game.require_numeric(what)


def _own_matrix(game, i) -> np.ndarray:
    """Player i's payoffs with i's actions as rows and the opponent's as columns."""
    arr = game.payoff_array(i)
    return arr if i == 0 else arr.T


def _exact_min_strategy(M, q_float, tol=1e-9):
    """Exact minimiser's mixture for ``min_q max_a (M q)_a`` from a float guess.

    Solves the support system ``M[T, S] q_S = v, sum q_S = 1`` exactly, where
    ``S`` is the float support and ``T`` the rows that attain the maximum.
    Returns ``(v, q)`` or ``None`` if the exact system has no valid solution.
    """
    Mf = np.array(M, dtype=float)
    m, n = Mf.shape
    scale = max(1.0, float(np.abs(Mf).max()))
    S = [j for j in range(n) if q_float[j] > tol]
    vals = Mf @ np.asarray(q_float)
    T = [a for a in range(m) if vals[a] >= vals.max() - tol * scale]
    # unknowns: q_S..., v ; equations: rows in T, and the sum
    rows = [[M[a, j] for j in S] + [-1, 0] for a in T]
    rows.append([1] * len(S) + [0, 1])
    sol = solve_consistent(rows, len(S) + 1)
    if sol is None:
        return None
    q = [Fraction(0)] * n
    for j, x in zip(S, sol[:-1]):
        q[j] = x
    if any(x < 0 for x in q) or sum(q) != 1:
        return None
    best = max(sum((M[a, j] * q[j] for j in S), Fraction(0)) for a in range(m))
    return best, q


def _mixed_minmax(M):
    """Exact value and strategies of the zero-sum game ``M`` (row maximises)."""
    from scipy.optimize import linprog
    Mf = np.array(M, dtype=float)
    m, n = Mf.shape
    # column player's LP: min v s.t. M q <= v, sum q = 1, q >= 0
    c = np.zeros(n + 1)
    c[-1] = 1.0
    res_q = linprog(c, A_ub=np.hstack([Mf, -np.ones((m, 1))]), b_ub=np.zeros(m),
                    A_eq=np.hstack([np.ones((1, n)), np.zeros((1, 1))]), b_eq=[1.0],
                    bounds=[(0, None)] * n + [(None, None)], method="highs-ds")
    # row player's LP: max w s.t. p M >= w, sum p = 1, p >= 0
    res_p = linprog(np.r_[np.zeros(m), -1.0], A_ub=np.hstack([-Mf.T, np.ones((n, 1))]),
                    b_ub=np.zeros(n), A_eq=np.hstack([np.ones((1, m)), np.zeros((1, 1))]),
                    b_eq=[1.0], bounds=[(0, None)] * m + [(None, None)], method="highs-ds")
    if res_q.status != 0 or res_p.status != 0:
        raise SolverError(f"minmax LP failed: {res_q.message} / {res_p.message}")
    got_q = _exact_min_strategy(M, res_q.x[:n])
    got_p = _exact_min_strategy(-np.asarray(M).T, res_p.x[:m])
    if got_q is None or got_p is None:
        raise SolverError("could not recover an exact minmax strategy from the LP supports")
    v, q = got_q
    w_neg, p = got_p
    if v != -w_neg:
        raise SolverError(f"exact minmax certificate failed: punishment gives {v}, "
                          f"guarantee gives {-w_neg}")
    return v, q, p


def minmax_values(game, *, mixed=True) -> MinmaxResult:
    """Each player's minmax value, in pure actions and (by default) in mixed actions, exactly.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=[["C", "D"]] * 2)
    >>> r = minmax_values(pd)
    >>> r.pure, r.pure_punishments, r.mixed
    ((1, 1), ('D', 'D'), (1, 1))
    >>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> r = minmax_values(mp)
    >>> r.pure, r.mixed, r.mixed_punishments[0]
    ((1, 1), (0, 0), (Fraction(1, 2), Fraction(1, 2)))
    """
    game = at_defaults(game, "minmax_values", "computed")
    _check_two_player_exact(game, "minmax_values")
    pure, pure_pun, mix, mix_pun, guar = [], [], [], [], []
    for i in range(2):
        M = _own_matrix(game, i)
        best = [max(M[:, j]) for j in range(M.shape[1])]
        v = min(best)
        pure.append(_normal(v))
        pure_pun.append(game.actions[1 - i][best.index(v)])
        if mixed:
            mv, q, p = _mixed_minmax(M)
            mix.append(_normal(mv))
            mix_pun.append(tuple(_normal(x) for x in q))
            guar.append(tuple(_normal(x) for x in p))
    return MinmaxResult(players=game.players, actions=game.actions, pure=tuple(pure),
                        pure_punishments=tuple(pure_pun),
                        mixed=tuple(mix) if mixed else None,
                        mixed_punishments=tuple(mix_pun) if mixed else None,
                        guarantees=tuple(guar) if mixed else None)


def payoff_points(game) -> list:
    """The pure payoff pairs of a two-player exact game, one per profile (row-major).

    >>> from deterrence import NormalFormGame
    >>> payoff_points(NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    [(3, 3), (0, 5), (5, 0), (1, 1)]
    """
    _check_two_player_exact(game, "payoff_points")
    A, B = game.payoff_arrays
    return [(A[idx], B[idx]) for idx in np.ndindex(A.shape)]


def feasible_set(game) -> Polygon:
    """The feasible payoff set: the convex hull of the pure payoff pairs, exactly.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> feasible_set(pd).vertices
    ((5, 0), (3, 3), (0, 5), (1, 1))
    """
    game = at_defaults(game, "feasible_set", "computed")
    _check_two_player_exact(game, "feasible_set")
    return Polygon(convex_hull(payoff_points(game)))


def individually_rational_set(game, *, mixed=True) -> Polygon:
    """Feasible payoffs giving each player at least his minmax value, exactly.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> individually_rational_set(pd).vertices
    ((1, 1), (Fraction(13, 3), 1), (3, 3), (1, Fraction(13, 3)))
    """
    game = at_defaults(game, "individually_rational_set", "computed")
    _check_two_player_exact(game, "individually_rational_set")
    mm = minmax_values(game, mixed=mixed).values
    poly = feasible_set(game)
    poly = poly.clip((1, 0), mm[0])
    return poly.clip((0, 1), mm[1])
