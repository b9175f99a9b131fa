"""Subgame-perfect equilibrium payoffs of a two-player repeated game, for a given delta.

The set computed is ``E(delta)``: the payoffs of pure-strategy subgame-perfect
equilibria of the infinitely repeated stage game, with perfect monitoring, a
common discount factor ``delta`` and a public randomisation device (so the set
is convex). This is the set characterised by Abreu, Pearce and Stacchetti
(1990, *Econometrica* 58:1041-1063) as the largest bounded fixed point of the
operator ``B``, and computed here by the algorithm of

* Abreu, D. and Sannikov, Y. (2014), "An algorithm for two-player repeated
  games with perfect monitoring", *Theoretical Economics* 9:313-338.

QuantEcon's ``RepeatedGame.equilibrium_payoffs`` (Python) and GameTheory.jl's
``AS`` implement the same algorithm; this is an independent, vectorised
NumPy implementation. Judd, Yeltekin and Conklin (2003, *Econometrica*
71:1239-1254) is the outer-approximation alternative, not used here.

Steps
-----
1. Start from ``W0`` = the feasible set clipped to ``v >= pure minmax`` (a
   superset of ``E``) and threat points ``u0`` = the pure minmax values (a
   lower bound of each player's worst equilibrium payoff).
2. Iterate the Abreu-Sannikov operator: for every action profile ``a`` with
   stage payoff ``g(a)``, the incentive constraints ask for continuation
   values ``w >= IC(a) = u + (1-delta)/delta * (best deviation gain at a)``.
   If ``g(a)`` itself is in ``W`` and satisfies ``IC(a)``, ``a`` contributes
   the point ``g(a)`` (play ``a`` for ever). Otherwise it contributes the at
   most four points ``(1-delta) g(a) + delta w`` where ``w`` runs over the
   ends of the two chords of ``W`` cut by the lines ``w_i = IC_i(a)`` inside
   ``{w >= IC(a)}``. The new ``W`` is the convex hull of all contributions;
   the threat points rise to ``max(u, min over W)``. All profiles and all
   edges are handled at once with NumPy arrays; when numba is available
   (policy of :mod:`._compiled`: already imported, or ``DETERRENCE_NUMBA=1``)
   the whole loop, W0 included, runs as one compiled function instead
   (:func:`_loop_kernel`, which is also tested uncompiled).
3. Stop when successive sets are within ``tol`` in Hausdorff distance and the
   threat points have stopped moving. The iterates decrease to ``E``, so the
   result is an *outer* approximation (up to floating-point rounding).
4. Exactness: snap the vertices to nearby rationals (denominators up to
   10^4) and apply the operator once more in exact rational arithmetic
   (python-flint ``fmpq``). If the exact polygon lies inside the hull of its
   own exact image it is *self-generating* (APS), hence a certified subset
   of ``E``; if the image is the polygon itself (an exact fixed point, within
   ``rounding`` of the float outer set, which contains ``E``) the vertices
   are reported exactly and the error bound is 0: the exact polygon is
   inside ``E`` and ``E`` is inside it up to ``rounding``. When the vertices of
   ``E`` are not rationals of small denominator the snap fails and no
   exactness is claimed. The Abreu-Sannikov (2014) example at delta 0.3 is
   such a case, and no rational certificate of ``E`` exists there: the
   vertices hang on each other through edge intersections (and the threat
   point is itself a vertex), so the fixed-point equations are polynomial,
   and player 1's threat point is the root 1.1256823955... of the
   irreducible cubic ``3495 u^3 - 79764 u^2 + 201281 u - 130490``.
   With numba, the fixed point is first proved in integers: vertices,
   payoffs, threat points and incentive thresholds times one common
   denominator, the operator applied once in compiled int64 arithmetic
   (the same decisions as in rationals, no rational number built), declined
   when a bound on its largest product reaches 2^62. When that declines or
   finds no fixed point, the rational proof decides: it first evaluates the
   image in floats with error bounds (:func:`_classify_kernel`): whatever is
   inside the polygon by more than its error bound needs no exact work; only
   image points near the boundary (every vertex among them) are recomputed
   exactly.
5. Error bound (stated on the result): 0 when step 4 proves an exact fixed
   point; otherwise ``tol * rho / (1 - rho)`` plus a rounding allowance,
   where ``rho`` is the geometric convergence rate observed in the last
   iterations (at least ``delta``) - an a-posteriori estimate of the Hausdorff
   distance between the computed outer set and ``E``. (Extrapolating the
   vertices between steps was tried and dropped: it saves iterations but can
   land inside ``E`` and converge to a smaller set.)

Layout: the float geometry and its numba kernels (steps 1-3) are in
:mod:`._payoff_set_kernels`, the exact certificate (step 4) in :mod:`._payoff_set_exact`;
this module holds the results and the entry points.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import format_exact, to_exact
from deterrence.errors import GameError, SolverError, TooLargeError
from deterrence.solvers._compiled import run_compiled
from deterrence.solvers.repeated.folk import Polygon, convex_hull
from deterrence.solvers.result import TextRepr
from deterrence.solvers.repeated._payoff_set_exact import _certify, _snap  # noqa: F401 (re-exported)
from deterrence.solvers.repeated._payoff_set_kernels import (  # noqa: F401 (re-exported)
    _as_step, _as_step_general, _best_replies, _classify_kernel, _clip_float, _compiled_classify,
    _compiled_loop, _dist_to_polygon, _float_stage, _hull_float, _loop_kernel, _step_distance, hausdorff_distance)

__all__ = ["PayoffSetResult", "SetMembership", "equilibrium_payoff_set",
           "payoff_in_equilibrium_set", "hausdorff_distance", "MAX_COST"]

#: refuse when (estimated iterations) x (profiles) x (vertices) exceeds this
MAX_COST = 2e9
#: refuse stage games with more action profiles than this
MAX_PROFILES = 250_000


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PayoffSetResult(TextRepr):
    """The computed set of subgame-perfect equilibrium payoffs for one delta.

    ``vertices``: counter-clockwise, exact (``int``/``Fraction``) when
    ``exact`` is True, floats otherwise. ``error_bound``: bound on the
    Hausdorff distance between this polygon and the true set (0 when exact;
    see the module docstring for how it is estimated). The polygon is an
    outer approximation: a point outside it by more than ``rounding`` is not
    an equilibrium payoff. ``inner_certified``: the exact polygon was checked
    to be self-generating, so each of its points *is* an equilibrium payoff.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    >>> r = equilibrium_payoff_set(pd, "9/10")
    >>> r.polygon.area, r.distance((0, 3)), r.contains((3, 3))
    (Fraction(81, 2), 3.0, True)
    >>> r.to_json()["vertices"][0], r.threat_points
    (['3', '3'], (3, 3))
    """

    vertices: tuple
    delta: object
    method: str
    iterations: int
    error_bound: float
    exact: bool
    inner_certified: bool
    threat_points: tuple
    rounding: float
    players: tuple = ("Row", "Column")
    notes: tuple = field(default_factory=tuple)

    def repr_text(self) -> str:
        """The set in one line (the dataclass repr wrote every field, ``Fraction(13, 3)``: a review).

        >>> from deterrence import load_game
        >>> equilibrium_payoff_set(load_game("prisoners_dilemma").with_defaults(), "3/4").repr_text()
        'delta 3/4, abreu-sannikov, exact: vertices (1, 1), (13/3, 1), (3, 3), (1, 13/3); threat point (1, 1)'
        """
        from deterrence.core.numbers import format_short
        how = "exact" if self.exact else f"floating point, within {format_short(self.error_bound, 3)}"
        vertices = ", ".join("(" + ", ".join(format_short(x) for x in v) + ")" for v in self.vertices[:12])
        return (f"delta {format_short(self.delta)}, {self.method}, {how}: "
                + (f"vertices {vertices}" + (", ..." if len(self.vertices) > 12 else "") if self.vertices else "empty")
                + "; threat point (" + ", ".join(format_short(v) for v in self.threat_points) + ")")

    @property
    def vertices_float(self) -> np.ndarray:
        """The vertices as a float array of shape ``(n, 2)``."""
        return np.array([[float(x), float(y)] for x, y in self.vertices], dtype=float).reshape(-1, 2)

    @property
    def is_empty(self) -> bool:
        """Whether the set has no vertex."""
        return not self.vertices

    @property
    def polygon(self) -> Polygon:
        """The vertices as an exact :class:`~deterrence.solvers.repeated.folk.Polygon` (floats taken exactly)."""
        return Polygon(convex_hull([(Fraction(x), Fraction(y)) for x, y in self.vertices]))

    def distance(self, point) -> float:
        """Euclidean distance from a point to the computed polygon (0 inside)."""
        if self.is_empty:
            return math.inf
        return float(_dist_to_polygon(self.vertices_float, np.array([[float(point[0]), float(point[1])]]))[0])

    def contains(self, point, *, tol: float | None = None) -> bool:
        """True if the point is in the computed set, up to ``tol`` (default: ``rounding``).

        Exact results are tested exactly.
        """
        if self.exact and tol is None:
            return self.polygon.contains(point)
        return self.distance(point) <= (self.rounding if tol is None else tol)

    def to_json(self) -> dict:
        """The PayoffSetResult as a JSON-ready dict of plain values: ``vertices``, ``delta``,
        ``method``, ``iterations``, ``error_bound``, ``exact``, and more."""
        fmt = format_exact if self.exact else float
        return {"vertices": [[fmt(x), fmt(y)] for x, y in self.vertices],
                "delta": format_exact(self.delta), "method": self.method,
                "iterations": self.iterations, "error_bound": self.error_bound,
                "exact": self.exact, "inner_certified": self.inner_certified,
                "threat_points": [format_exact(t) if self.exact else float(t) for t in self.threat_points],
                "notes": list(self.notes)}


@dataclass(frozen=True)
class SetMembership:
    """Answer of :func:`payoff_in_equilibrium_set`.

    ``verdict`` is ``"inside"`` (in the set by more than the error bound, or in
    the exactly certified set), ``"outside"`` (outside the computed outer set
    by more than the rounding allowance: certainly not an equilibrium payoff)
    or ``"undecided"`` (within the error bound of the boundary).
    ``margin`` is the signed distance to the boundary of the computed polygon
    (positive inside); ``certain`` says whether the verdict is proved rather
    than resting on the error-bound estimate.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    >>> m = payoff_in_equilibrium_set((1, 10), pd, "3/4")
    >>> m.verdict, m.certain, m.margin < 0
    ('outside', True, True)
    """

    point: tuple
    verdict: str
    certain: bool
    margin: float
    error_bound: float
    result: PayoffSetResult

    def __bool__(self):
        return self.verdict == "inside"


# ---------------------------------------------------------------------------
# main entry points
# ---------------------------------------------------------------------------
_DELTAS = {}   # parsed discount factors given as text (parsing "9/10" costs ~2 us, a few % of a small solve)


def _check_delta(delta):
    if type(delta) is str and delta in _DELTAS:
        return _DELTAS[delta]
    d = to_exact(delta, "discount factor delta")
    if not 0 < d < 1:
        raise GameError(f"discount factor delta must be strictly between 0 and 1, got {format_exact(d)}")
    if type(delta) is str and len(_DELTAS) < 256:
        _DELTAS[delta] = d
    return d


def _estimated_iterations(delta: float, tol: float, scale: float) -> int:
    return int(math.ceil(math.log(max(tol, 1e-300) / (scale + 1.0)) / math.log(delta))) + 2


def equilibrium_payoff_set(game, delta, *, tol=1e-10, max_iter=2000, exact=True) -> PayoffSetResult:
    """Subgame-perfect equilibrium payoffs (pure strategies, public randomisation) for ``delta``.

    Abreu-Sannikov algorithm; see the module docstring. ``tol``: stop when
    successive sets are this close (Hausdorff distance) and the threat points
    have stopped moving. ``exact``: try the rational certificate (step 4). Raises
    :class:`~deterrence.errors.SolverError` when not converged in ``max_iter``
    iterations and :class:`~deterrence.errors.TooLargeError` when the
    estimated cost is over :data:`MAX_COST`.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    >>> r = equilibrium_payoff_set(pd, "3/4")
    >>> r.vertices
    ((3, 3), (Fraction(39, 4), 3), (9, 9), (3, Fraction(39, 4)))
    >>> r.exact, r.error_bound, r.contains((6, 6))
    (True, 0.0, True)
    """
    game.require_two_players("equilibrium_payoff_set")
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "equilibrium_payoff_set", "computed")
    d_exact = _check_delta(delta)
    if not (isinstance(tol, (int, float)) and tol > 0):
        raise GameError(f"tol must be a positive number, got {tol!r}")
    if not (isinstance(max_iter, int) and max_iter >= 1):
        raise GameError(f"max_iter must be a positive integer, got {max_iter!r}")
    d = float(d_exact)
    A, B = game.as_float()
    n, m = A.shape
    N = n * m
    scale = float(max(np.abs(A).max(), np.abs(B).max(), 1.0))
    est_iter = _estimated_iterations(d, tol, scale)
    est_cost = min(est_iter, max_iter) * N * min(4 * N, 64)
    if N > MAX_PROFILES or est_cost > MAX_COST:
        raise TooLargeError(
            f"equilibrium_payoff_set refused: {n}x{m} stage game ({N} profiles), delta={format_exact(d_exact)} "
            f"and tol={tol:g} need about {est_iter} iterations (convergence is geometric at rate ~delta) "
            f"of {N} profiles x up to 64 vertices, estimated {est_cost:.2g} operations > limit {MAX_COST:.2g}; "
            f"use a larger tol, a smaller delta or a smaller game")
    eps = 1e-12 * scale

    g, gains = _float_stage(A, B, d)
    # the smallest best-reply values are the pure minmax values (as folk.minmax_values(mixed=False).pure)
    best = _best_replies(*game.payoff_arrays)
    pure_minmax = (min(best[0]), min(best[1]))
    u0 = np.array([float(v) for v in pure_minmax])
    u = u0.copy()
    notes = []
    diffs = []
    it = 0
    converged = False
    omd_g = (1 - d) * g
    kernel, status = _compiled_loop(), 3
    if kernel is not None:
        out_P, dbuf = np.empty((5 * N + 8, 2)), np.empty(max_iter)
        args = (u0, g, gains, omd_g, d, eps, tol, max_iter, out_P, dbuf)
        K, it, status, u_0, u_1 = run_compiled(kernel, *args)
        P, u, diffs, converged = out_P[:K].copy(), np.array([u_0, u_1]), dbuf[:it].tolist(), status == 1
    if status == 3:
        # W0 in floats (the iteration is in floats; the certificate is exact on its own)
        P = _hull_float(g, 100 * eps)
        for axis in (0, 1):
            P = _clip_float(P, axis, u0[axis], 100 * eps)
    while it < max_iter and not converged:
        it += 1
        if len(P) == 0:
            break
        step_fn = _as_step if len(P) >= 3 else _as_step_general
        pts = step_fn(P, u, g, gains, omd_g, d, eps)
        if len(pts) == 0:
            P = pts
            break
        P_new = _hull_float(pts, 100 * eps)
        if len(P_new) == 0:
            P = P_new
            break
        u_new = np.maximum(u, P_new.min(axis=0))     # threat points only rise
        step = _step_distance(P, P_new, tol)
        diffs.append(step)
        moved = float(np.abs(u_new - u).max())
        P, u = P_new, u_new
        if step <= tol and moved <= tol:
            converged = True
            break
    if len(P) == 0:
        notes.append("no pure-strategy subgame-perfect equilibrium exists for this delta: the set is empty")
        return PayoffSetResult(vertices=(), delta=d_exact, method="abreu-sannikov", iterations=it,
                               error_bound=0.0, exact=False, inner_certified=False, threat_points=(),
                               rounding=0.0, players=game.players, notes=tuple(notes))
    if not converged:
        raise SolverError(
            f"equilibrium_payoff_set did not converge in max_iter={max_iter} iterations "
            f"(delta={format_exact(d_exact)}, last change {diffs[-1]:.3g} > tol={tol:g}); "
            f"raise max_iter or tol")
    rounding = 1e-9 * scale
    # a-posteriori error estimate from the observed geometric rate
    rho = d
    tail = [x for x in diffs[-5:] if x > 1e3 * eps]
    ratios = [b / a for a, b in zip(tail, tail[1:]) if b < a]
    if ratios:
        rho = min(max(d, max(ratios)), 0.999)
    bound = diffs[-1] * rho / (1 - rho) + rounding
    vertices = threat = None
    is_exact, certified = False, False
    if exact:
        got = _certify(P, pure_minmax, game, d_exact, 1e-11 * scale + 10 * diffs[-1], g, gains, best,
                       kernel is not None, scale)
        if got is not None:
            V, ex_u, fixed, disp = got
            certified = True
            # moving each vertex by <= disp moves the polygon by <= disp (Hausdorff)
            if fixed and (disp * (1 + 1e-9) <= rounding or hausdorff_distance(V, P) <= rounding):
                vertices, threat, is_exact, bound = V, ex_u, True, 0.0
                notes.append("exact fixed point of the Abreu-Sannikov operator, verified in rational arithmetic")
            else:
                notes.append("the rational snap of the vertices is self-generating (certified inner set)")
    if vertices is None:
        vertices, threat = tuple(map(tuple, P.tolist())), tuple(u.tolist())
    return PayoffSetResult(vertices=vertices, delta=d_exact, method="abreu-sannikov", iterations=it,
                           error_bound=float(bound), exact=is_exact, inner_certified=certified,
                           threat_points=threat, rounding=rounding, players=game.players, notes=tuple(notes))


def payoff_in_equilibrium_set(point, game, delta, *, result: PayoffSetResult | None = None,
                              **options) -> SetMembership:
    """Is ``point`` a subgame-perfect equilibrium payoff for ``delta``? Says which side of the bound.

    ``result`` reuses a computed :func:`equilibrium_payoff_set`; other options
    are passed to it.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    >>> m = payoff_in_equilibrium_set((9, 9), pd, "3/4")
    >>> m.verdict, m.certain, bool(m)
    ('inside', True, True)
    >>> payoff_in_equilibrium_set((2, 9), pd, "3/4").verdict
    'outside'
    """
    if result is None:
        result = equilibrium_payoff_set(game, delta, **options)
    if isinstance(point, (str, bytes)):
        raise GameError(f"point must be a pair of payoffs, got {point!r}")
    pt = tuple(to_exact(c, "payoff coordinate") for c in point)
    if len(pt) != 2:
        raise GameError(f"a payoff point of a two-player game has 2 coordinates, got {len(pt)}")
    if result.is_empty:
        return SetMembership(pt, "outside", True, -math.inf, 0.0, result)
    dist_out = result.distance(pt)
    if result.exact:
        if result.polygon.contains(pt):        # proved: the exact polygon is self-generating
            return SetMembership(pt, "inside", True, _inner_margin(result, pt), 0.0, result)
        if dist_out > result.rounding:
            return SetMembership(pt, "outside", True, -dist_out, 0.0, result)
        return SetMembership(pt, "undecided", False, -dist_out, 0.0, result)
    if dist_out > result.rounding:
        return SetMembership(pt, "outside", True, -dist_out, result.error_bound, result)
    margin = _inner_margin(result, pt) if dist_out == 0 else -dist_out
    if margin > result.error_bound:
        return SetMembership(pt, "inside", False, margin, result.error_bound, result)
    return SetMembership(pt, "undecided", False, margin, result.error_bound, result)


def _inner_margin(result, pt) -> float:
    """Distance from an inside point to the polygon's boundary."""
    V = result.vertices_float
    q = np.array([float(pt[0]), float(pt[1])])
    if len(V) < 3:
        return 0.0
    E = np.roll(V, -1, axis=0) - V
    L = np.hypot(E[:, 0], E[:, 1])
    turn = (E[:, 0] * (q[1] - V[:, 1]) - E[:, 1] * (q[0] - V[:, 0])) / np.maximum(L, 1e-300)
    return float(turn.min())
