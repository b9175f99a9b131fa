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
   edges are handled at once with NumPy arrays.
3. Stop when successive sets are within ``tol`` in Hausdorff distance and the
   threat points have stopped moving. The iterates decrease to ``E``, so the
   result is an *outer* approximation (up to floating-point rounding).
4. Exactness: snap the vertices to nearby rationals and apply the operator
   once more in ``Fraction`` arithmetic. If the exact polygon lies inside the
   hull of its own exact image it is *self-generating* (APS), hence a
   certified subset of ``E``; if the image is the polygon itself (an exact
   fixed point, within ``rounding`` of the float outer set, which contains
   ``E``) the vertices are reported exactly and the error bound is 0: the
   exact polygon is inside ``E`` and ``E`` is inside it up to ``rounding``.
5. Error bound (stated on the result): 0 when step 4 proves an exact fixed
   point; otherwise ``tol * rho / (1 - rho)`` plus a rounding allowance,
   where ``rho`` is the geometric convergence rate observed in the last
   iterations (at least ``delta``) - an a-posteriori estimate of the Hausdorff
   distance between the computed outer set and ``E``. (Extrapolating the
   vertices between steps was tried and dropped: it saves iterations but can
   land inside ``E`` and converge to a smaller set.)
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from ..core.numbers import format_exact, to_exact
from ..errors import GameError, SolverError, TooLargeError
from .folk import Polygon, convex_hull, feasible_set, minmax_values

__all__ = ["PayoffSetResult", "SetMembership", "equilibrium_payoff_set",
           "payoff_in_equilibrium_set", "hausdorff_distance", "MAX_COST"]

#: refuse when (estimated iterations) x (profiles) x (vertices) exceeds this
MAX_COST = 2e9
#: refuse stage games with more action profiles than this
MAX_PROFILES = 250_000


# ---------------------------------------------------------------------------
# float geometry (vectorised)
# ---------------------------------------------------------------------------
def _hull_float(points: np.ndarray, eps: float) -> np.ndarray:
    """Counter-clockwise hull of float points, near-duplicate/collinear vertices dropped."""
    pts = points
    if len(pts) <= _SMALL_HULL:
        return _hull_small(pts, eps)
    hull = None
    if len(pts) >= 3:
        try:
            from scipy.spatial import ConvexHull
            hull = pts[ConvexHull(pts).vertices]      # counter-clockwise in 2-D
        except Exception:  # degenerate (collinear) input: qhull refuses it
            hull = None
    if hull is None:
        hull = _monotone_chain(np.unique(pts, axis=0))
    return _clean_chain(hull, eps)


_SMALL_HULL = 40   # below this many points plain Python beats qhull's call overhead


def _hull_small(pts: np.ndarray, eps: float) -> np.ndarray:
    """Monotone chain in plain Python with a collinearity tolerance (small point sets).

    Points are sorted by their coordinates rounded to an eps-grid (and merged
    when they round alike), so that points on one axis-parallel line - the
    incentive constraints make many - sort consistently along it; the hull
    itself uses the unrounded coordinates.
    """
    key = np.round(pts / eps)
    order = np.lexsort((key[:, 1], key[:, 0]))
    key, srt = key[order], pts[order]
    fresh = np.ones(len(srt), dtype=bool)
    fresh[1:] = (key[1:] != key[:-1]).any(1)
    p = list(map(tuple, srt[fresh].tolist()))
    if len(p) <= 2:
        if len(p) == 2 and math.hypot(p[1][0] - p[0][0], p[1][1] - p[0][1]) <= eps:
            p = p[:1]
        return np.array(p, dtype=float).reshape(-1, 2)

    def keep(chain, q):
        while len(chain) >= 2:
            o, a = chain[-2], chain[-1]
            dx, dy = q[0] - o[0], q[1] - o[1]
            cr = (a[0] - o[0]) * dy - (a[1] - o[1]) * dx
            if cr <= eps * math.hypot(dx, dy):
                chain.pop()
            else:
                break
        if chain and math.hypot(q[0] - chain[-1][0], q[1] - chain[-1][1]) <= eps:
            return
        chain.append(q)
    lower, upper = [], []
    for q in p:
        keep(lower, q)
    for q in reversed(p):
        keep(upper, q)
    hull = lower[:-1] + upper[:-1]
    if len(hull) >= 2 and math.hypot(hull[0][0] - hull[-1][0], hull[0][1] - hull[-1][1]) <= eps:
        hull.pop()
    if not hull:
        hull = [p[0]]
    return np.array(hull, dtype=float).reshape(-1, 2)


def _monotone_chain(pts: np.ndarray) -> np.ndarray:
    p = sorted(map(tuple, pts.tolist()))
    if len(p) <= 2:
        return np.array(p, dtype=float).reshape(-1, 2)

    def cross(o, a, b):
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    lower, upper = [], []
    for q in p:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], q) <= 0:
            lower.pop()
        lower.append(q)
    for q in reversed(p):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], q) <= 0:
            upper.pop()
        upper.append(q)
    return np.array(lower[:-1] + upper[:-1], dtype=float).reshape(-1, 2)


def _clean_chain(P: np.ndarray, eps: float) -> np.ndarray:
    """Drop near-duplicate vertices, then vertices within eps of the chord of their neighbours."""
    while len(P) >= 2:
        prev = np.concatenate((P[-1:], P[:-1]))
        dup = np.sqrt(((P - prev) ** 2).sum(1)) <= eps
        if dup.all():
            return P[:1]
        if dup.any():
            P = P[~dup]
            continue
        if len(P) == 2:
            return P
        nxt = np.concatenate((P[1:], P[:1]))
        chord = nxt - prev
        length = np.sqrt((chord * chord).sum(1))
        cr = chord[:, 0] * (P[:, 1] - prev[:, 1]) - chord[:, 1] * (P[:, 0] - prev[:, 0])
        flat = np.abs(cr) <= eps * length
        if not flat.any():
            return P
        # never drop two neighbours in one pass (a thin triangle would vanish)
        sel = flat & ~np.roll(flat, 1)
        if not sel.any():
            sel = np.zeros(len(P), dtype=bool)
            sel[int(np.argmin(np.abs(cr) / np.maximum(length, 1e-300)))] = True
        P = P[~sel]
    return P


def _inside(P: np.ndarray, Q: np.ndarray, eps: float) -> np.ndarray:
    """Boolean mask: points Q within eps of the convex polygon P (ccw)."""
    return _dist_to_polygon(P, Q) <= eps


def _dist_to_polygon(P: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """Euclidean distance from each point of Q to the convex polygon P (0 inside)."""
    Q = np.asarray(Q, dtype=float).reshape(-1, 2)
    K = len(P)
    if K == 0:
        return np.full(len(Q), np.inf)
    if K == 1:
        return np.hypot(*(Q - P[0]).T)
    A = P if K > 2 else P[:1]
    B = np.roll(P, -1, axis=0) if K > 2 else P[1:]
    d = B - A                                             # edges
    rel = Q[:, None, :] - A[None, :, :]                   # (m, e, 2)
    L2 = np.maximum((d ** 2).sum(1), 1e-300)
    t = np.clip((rel * d[None]).sum(2) / L2[None], 0.0, 1.0)
    diff = rel - t[..., None] * d[None]
    seg = np.sqrt((diff ** 2).sum(2)).min(1)
    if K > 2:
        cross = d[None, :, 0] * rel[..., 1] - d[None, :, 1] * rel[..., 0]
        seg = np.where((cross >= 0).all(1), 0.0, seg)
    return seg


def hausdorff_distance(P, Q) -> float:
    """Hausdorff distance between two convex polygons given by their vertices.

    For convex sets it is attained at a vertex, so vertices suffice.

    >>> hausdorff_distance([(0, 0), (1, 0), (1, 1), (0, 1)], [(0, 0), (2, 0), (2, 1), (0, 1)])
    1.0
    """
    P = np.asarray([[float(x), float(y)] for x, y in P], dtype=float).reshape(-1, 2)
    Q = np.asarray([[float(x), float(y)] for x, y in Q], dtype=float).reshape(-1, 2)
    if len(P) == 0 or len(Q) == 0:
        return 0.0 if len(P) == len(Q) else math.inf
    return float(max(_dist_to_polygon(Q, P).max(), _dist_to_polygon(P, Q).max()))


def _chords(P: np.ndarray, axis: int, c: np.ndarray, eps: float):
    """For each line ``w[axis] = c``, the range [lo, hi] of the other coordinate inside P.

    Returns (lo, hi) with lo = +inf, hi = -inf where the line misses P.
    """
    x, y = P[:, axis], P[:, 1 - axis]
    x1, y1 = np.roll(x, -1), np.roll(y, -1)
    dx = x1 - x
    cc = c[:, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (cc - x[None]) / dx[None]
    ok = (t >= 0) & (t <= 1) & (dx[None] != 0)
    Y = y[None] + np.where(ok, t, 0.0) * (y1 - y)[None]
    hit = np.abs(cc - x[None]) <= eps                  # vertices on (or next to) the line
    lo = np.minimum(np.where(ok, Y, np.inf).min(1), np.where(hit, y[None], np.inf).min(1))
    hi = np.maximum(np.where(ok, Y, -np.inf).max(1), np.where(hit, y[None], -np.inf).max(1))
    return lo, hi


_min, _max, _and = np.minimum.reduce, np.maximum.reduce, np.logical_and.reduce


def _as_step(P, u, g, gains, omd_g, delta, eps):
    """One application of the Abreu-Sannikov operator, vectorised over profiles and edges.

    ``P``: current polygon (ccw, at least 3 vertices: degenerate polygons go
    through :func:`_as_step_general`); ``omd_g`` = ``(1 - delta) * g``.
    """
    X = P.T                                             # (2, K)
    Dx = np.concatenate((X[:, 1:], X[:, :1]), axis=1) - X
    L = np.hypot(Dx[0], Dx[1])
    IC = u + gains                                      # (N, 2)
    # stationary profiles: g(a) in W and incentive compatible with continuation g(a)
    cr = Dx[0] * (g[:, 1:2] - X[1]) - Dx[1] * (g[:, 0:1] - X[0])
    stat = _and(cr >= -eps * L, axis=1) & _and(g >= IC - eps, axis=1)
    # chords of W cut by the lines w_0 = IC_0 (axis 0) and w_1 = IC_1 (axis 1), both at once
    c = IC.T                                            # (2, N)
    flat = Dx == 0                                      # edges parallel to the cutting line
    inv = 1.0 / np.where(flat, 1.0, Dx)
    t = (c[:, :, None] - X[:, None, :]) * inv[:, None, :]
    ok = (t >= -1e-12) & (t <= 1 + 1e-12) & ~flat[:, None, :]
    np.clip(t, 0.0, 1.0, out=t)
    Y = X[::-1, None, :] + t * Dx[::-1, None, :]
    lo = _min(np.where(ok, Y, np.inf), axis=2)
    hi = _max(np.where(ok, Y, -np.inf), axis=2)
    np.maximum(lo, c[::-1], out=lo)
    valid = (lo <= hi + eps) & ~stat
    np.minimum(lo, hi, out=lo)
    out = [g[stat]]
    for axis in (0, 1):
        v = valid[axis]
        k = int(np.count_nonzero(v))
        if not k:
            continue
        base = omd_g[v]
        cs = delta * c[axis, v]
        w = np.empty((2 * k, 2))
        w[:k, axis] = cs
        w[k:, axis] = cs
        w[:k, 1 - axis] = delta * lo[axis, v]
        w[k:, 1 - axis] = delta * hi[axis, v]
        w[:k] += base
        w[k:] += base
        out.append(w)
    return np.concatenate(out, axis=0)


def _as_step_general(P, u, g, gains, omd_g, delta, eps):
    """The same operator for any polygon, including a point or a segment."""
    IC = u[None, :] + gains
    stationary = (g >= IC - eps).all(1) & _inside(P, g, eps)
    out = [g[stationary]]
    rest = ~stationary
    if rest.any():
        base, ic = omd_g[rest], IC[rest]
        for axis in (0, 1):
            c = ic[:, axis]
            lo, hi = _chords(P, axis, c, eps)
            lo = np.maximum(lo, ic[:, 1 - axis])
            ok = lo <= hi + eps
            if not ok.any():
                continue
            lo, hi, cs, b = np.minimum(lo[ok], hi[ok]), hi[ok], c[ok], base[ok]
            for other in (lo, hi):
                w = np.empty((len(cs), 2))
                w[:, axis] = cs
                w[:, 1 - axis] = other
                out.append(b + delta * w)
    return np.concatenate(out, axis=0)


def _step_distance(P, Q, tol) -> float:
    """Hausdorff distance between successive polygons, computed cheaply.

    Vertex-to-nearest-vertex distances bound it from above and are used as
    is when the vertex counts agree; when a vertex appears or disappears
    (typically on an edge), vertices farther than ``tol`` from every vertex
    of the other polygon get their true distance to it.
    """
    diff = P[:, None, :] - Q[None, :, :]
    d2 = (diff * diff).sum(2)
    a, b = np.sqrt(d2.min(1)), np.sqrt(d2.min(0))
    if len(P) == len(Q):               # vertices move together: the upper bound is enough
        return float(max(a.max(), b.max()))
    far_a, far_b = a > tol, b > tol
    if far_a.any():
        a = _dist_to_polygon(Q, P[far_a]) if len(Q) else a
    else:
        a = a[:0]
    if far_b.any():
        b = _dist_to_polygon(P, Q[far_b])
    else:
        b = b[:0]
    return float(max(a.max(initial=0.0), b.max(initial=0.0)))


# ---------------------------------------------------------------------------
# exact operator (for the certificate)
# ---------------------------------------------------------------------------
def _exact_step(V, u, g, gains, delta):
    """The Abreu-Sannikov operator in Fraction arithmetic on an exact polygon V.

    Floats only preselect the edges a line may cut (with a wide margin); every
    intersection and comparison that decides the result is exact.
    """
    inside = _ExactContains(V)
    K = len(V)
    edges = [(V[k], V[(k + 1) % K]) for k in range(K)] if K > 2 else ([(V[0], V[1])] if K == 2 else [])
    Vf = inside.Vf
    if edges:
        Ef = np.array([[float(a[0]), float(a[1]), float(b[0]), float(b[1])] for a, b in edges])
    ics = [(u[0] + d0, u[1] + d1) for d0, d1 in gains]
    icf = np.array([[float(a), float(b)] for a, b in ics]).reshape(-1, 2)
    margin = 1e-7 * max(1.0, float(np.abs(Vf).max()), float(np.abs(icf).max()))
    near_v = [np.abs(icf[:, ax][:, None] - Vf[:, ax][None, :]) <= margin for ax in (0, 1)]
    if edges:
        lo_e = [np.minimum(Ef[:, ax], Ef[:, 2 + ax]) - margin for ax in (0, 1)]
        hi_e = [np.maximum(Ef[:, ax], Ef[:, 2 + ax]) + margin for ax in (0, 1)]
        near_e = [(icf[:, ax][:, None] >= lo_e[ax][None]) & (icf[:, ax][:, None] <= hi_e[ax][None])
                  for ax in (0, 1)]
    out = []
    for p, ((g0, g1), ic) in enumerate(zip(g, ics)):
        if g0 >= ic[0] and g1 >= ic[1] and inside(g0, g1):
            out.append((g0, g1))
            continue
        for axis in (0, 1):
            cval = ic[axis]
            ys = [V[k][1 - axis] for k in np.flatnonzero(near_v[axis][p]) if V[k][axis] == cval]
            if edges:
                for k in np.flatnonzero(near_e[axis][p]):
                    a, b = edges[k]
                    if (a[axis] - cval) * (b[axis] - cval) < 0:
                        t = Fraction(cval - a[axis]) / (b[axis] - a[axis])
                        ys.append(a[1 - axis] + t * (b[1 - axis] - a[1 - axis]))
            if not ys:
                continue
            lo, hi = max(min(ys), ic[1 - axis]), max(ys)
            if lo > hi:
                continue
            for other in (lo, hi):
                w = [None, None]
                w[axis], w[1 - axis] = cval, other
                out.append(((1 - delta) * g0 + delta * w[0], (1 - delta) * g1 + delta * w[1]))
    return out


class _ExactContains:
    """Exact point-in-convex-polygon test with a float prefilter (exact only near the boundary)."""

    def __init__(self, V):
        self.V = V
        self.poly = Polygon(V)
        self.Vf = np.array([[float(x), float(y)] for x, y in V], dtype=float).reshape(-1, 2)
        if len(V) >= 3:
            self.D = np.roll(self.Vf, -1, axis=0) - self.Vf
            scale = max(1.0, float(np.abs(self.Vf).max()))
            self.margin = 1e-9 * scale * scale

    def __call__(self, x, y) -> bool:
        if len(self.V) >= 3:
            cr = self.D[:, 0] * (float(y) - self.Vf[:, 1]) - self.D[:, 1] * (float(x) - self.Vf[:, 0])
            low = cr.min()
            if low > self.margin:
                return True
            if low < -self.margin:
                return False
            V, K = self.V, len(self.V)
            for k in np.flatnonzero(cr <= self.margin):
                a, b = V[k], V[(k + 1) % K]
                if (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]) < 0:
                    return False
            return True
        return self.poly.contains((x, y))


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class PayoffSetResult:
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

    @property
    def vertices_float(self) -> np.ndarray:
        return np.array([[float(x), float(y)] for x, y in self.vertices], dtype=float).reshape(-1, 2)

    @property
    def is_empty(self) -> bool:
        return not self.vertices

    @property
    def polygon(self) -> Polygon:
        """The vertices as an exact :class:`~deterrence.solvers.folk.Polygon` (floats taken exactly)."""
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
def _check_delta(delta):
    d = to_exact(delta, "discount factor delta")
    if not 0 < d < 1:
        raise GameError(f"discount factor delta must be strictly between 0 and 1, got {format_exact(d)}")
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
    if game.n_players != 2:
        raise GameError(f"equilibrium_payoff_set needs a two-player game; this one has {game.n_players} players")
    if game.is_symbolic:
        raise GameError("equilibrium_payoff_set needs exact payoffs: use subs() or with_defaults()")
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

    g = np.stack([A.ravel(), B.ravel()], axis=1)
    gains = (1 - d) / d * np.stack([(A.max(axis=0)[None, :] - A).ravel(),
                                    (B.max(axis=1)[:, None] - B).ravel()], axis=1)
    mm = minmax_values(game, mixed=False)
    u0 = np.array([float(v) for v in mm.pure])
    W0 = feasible_set(game).clip((1, 0), mm.pure[0]).clip((0, 1), mm.pure[1])
    P = W0.as_float()
    u = u0.copy()
    notes = []
    diffs = []
    it = 0
    converged = False
    omd_g = (1 - d) * g
    while it < max_iter:
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
        return PayoffSetResult(vertices=(), delta=_simple(d_exact), method="abreu-sannikov", iterations=it,
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
    vertices = tuple((float(x), float(y)) for x, y in P)
    threat = tuple(float(t) for t in u)
    is_exact, certified = False, False
    if exact:
        got = _certify(P, mm.pure, game, d_exact, 1e-11 * scale + 10 * diffs[-1])
        if got is not None:
            V, ex_u, fixed = got
            certified = True
            if fixed and hausdorff_distance(V, P) <= rounding:
                vertices, threat, is_exact, bound = V, ex_u, True, 0.0
                notes.append("exact fixed point of the Abreu-Sannikov operator, verified in rational arithmetic")
            else:
                notes.append("the rational snap of the vertices is self-generating (certified inner set)")
    return PayoffSetResult(vertices=vertices, delta=_simple(d_exact), method="abreu-sannikov", iterations=it,
                           error_bound=float(bound), exact=is_exact, inner_certified=certified,
                           threat_points=threat, rounding=rounding, players=game.players, notes=tuple(notes))


def _simple(q):
    q = Fraction(q)
    return q.numerator if q.denominator == 1 else q


def _snap(x: float, snap_tol: float):
    q = Fraction(x).limit_denominator(10 ** 4)
    if abs(float(q) - x) > snap_tol:
        return None
    return q


def _certify(P, pure_minmax, game, delta, snap_tol):
    """Snap P to rationals; check self-generation and the fixed-point property exactly."""
    snapped = []
    for x, y in P:
        sx, sy = _snap(x, snap_tol), _snap(y, snap_tol)
        if sx is None or sy is None:
            return None
        snapped.append((sx, sy))
    V = convex_hull(snapped)
    if not V:
        return None
    u = tuple(max(Fraction(pure_minmax[i]), min(Fraction(v[i]) for v in V)) for i in range(2))
    Af, Bf = game.payoff_arrays
    n, m = Af.shape
    delta = Fraction(delta)
    factor = (1 - delta) / delta
    colmaxA = [max(Af[:, j]) for j in range(m)]
    rowmaxB = [max(Bf[i, :]) for i in range(n)]
    g, gains = [], []
    for i in range(n):
        for j in range(m):
            g.append((Af[i, j], Bf[i, j]))
            gains.append((factor * (colmaxA[j] - Af[i, j]), factor * (rowmaxB[i] - Bf[i, j])))
    image = _exact_step(V, u, g, gains, delta)
    u = tuple(_simple(t) for t in u)
    # fixed point: every vertex is generated and every generated point lies in V
    inside = _ExactContains(V)
    vset, iset = set(V), set(image)
    if vset <= iset and all(p in vset or inside(*p) for p in iset):
        return V, u, True
    # otherwise self-generation: V inside the hull of its image
    hull = Polygon(convex_hull(image))
    if not all(hull.contains(v) for v in V):
        return None
    return V, u, False


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
    cross = (E[:, 0] * (q[1] - V[:, 1]) - E[:, 1] * (q[0] - V[:, 0])) / np.maximum(L, 1e-300)
    return float(cross.min())
