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
   The proof of the fixed point (with numba) first evaluates the image in
   floats with error bounds (:func:`_classify_kernel`): whatever is inside
   the polygon by more than its error bound needs no exact work; only
   image points near the boundary (every vertex among them) are recomputed
   exactly.
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

from deterrence.core.numbers import format_exact, from_fmpq, to_exact
from deterrence.errors import GameError, SolverError, TooLargeError
from deterrence.solvers.repeated.folk import Polygon, convex_hull, cross, in_convex_polygon, monotone_chain
from deterrence.solvers._compiled import jit, numba_allowed, numba_loaded

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
    if len(points) <= _SMALL_HULL:
        return _hull_small(points, eps)
    try:
        from scipy.spatial import ConvexHull
        hull = points[ConvexHull(points).vertices]      # counter-clockwise in 2-D
    except Exception:  # degenerate (collinear) input: qhull refuses it
        uniq = sorted(map(tuple, np.unique(points, axis=0).tolist()))
        hull = np.array(monotone_chain(uniq), dtype=float).reshape(-1, 2)
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


def _clip_float(P: np.ndarray, axis: int, c: float, eps: float) -> np.ndarray:
    """The part of the convex polygon P (ccw; or a point or segment) with ``w[axis] >= c``."""
    pts = P.tolist()
    if len(pts) <= 1:
        return P[[p[axis] >= c for p in pts]] if pts else P
    out = []
    for k, a in enumerate(pts):
        b = pts[(k + 1) % len(pts)]
        ina, inb = a[axis] >= c, b[axis] >= c
        if ina:
            out.append(a)
        if ina != inb:                   # the edge crosses the line: add the crossing
            t = (c - a[axis]) / (b[axis] - a[axis])
            q = [0.0, 0.0]
            q[axis], q[1 - axis] = c, a[1 - axis] + t * (b[1 - axis] - a[1 - axis])
            out.append(q)
    return _clean_chain(np.array(out, dtype=float).reshape(-1, 2), eps)


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
        turn = d[None, :, 0] * rel[..., 1] - d[None, :, 1] * rel[..., 0]
        seg = np.where((turn >= 0).all(1), 0.0, seg)
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
# the same float iteration as one compiled loop (numba, optional)
# ---------------------------------------------------------------------------
# On a 3x3 game one NumPy iteration costs ~80 us, almost all of it call
# overhead on tiny arrays; compiled, the whole loop takes a few microseconds.
# Written in plain Python that numba compiles; it runs uncompiled too (tests).
_KERNEL = []


def _loop_kernel(u0, g, gains, omd_g, delta, eps, tol, max_iter, out_P, diffs):
    """Build W0 (hull of the stage payoffs clipped to ``w >= u0``) and iterate the operator.

    Mirrors :func:`_clip_float`, :func:`_as_step`, :func:`_hull_small` and
    :func:`_step_distance`. Writes the last polygon into ``out_P`` and the
    step distances into ``diffs``. Returns ``(vertices, iterations, status,
    u_0, u_1)``: status 1 converged, 0 out of iterations, 2 the next polygon
    has fewer than 3 vertices (that iteration is not done: the caller redoes
    it from ``out_P``), 3 W0 has fewer than 3 vertices (the caller builds it).
    """
    N = g.shape[0]
    cap = 5 * N + 8
    P = np.empty((cap, 2))
    K = 0
    pts = np.empty((cap, 2))
    Q = np.empty((cap, 2))
    T = np.empty((cap, 2))
    u0_, u1_ = u0[0], u0[1]
    heps = 100 * eps
    it = 0
    stage = 0                          # 0: hull of g, 1: hull of its clip, 2: iterate
    while it < max_iter:
        m = 0
        if stage == 0:
            pts[:N] = g
            m = N
        elif stage == 1:
            # clip P to w_0 >= u_0, then to w_1 >= u_1 (Sutherland-Hodgman, as _clip_float)
            n_in = K
            T[:K] = P[:K]
            for axis in range(2):
                c = u0_ if axis == 0 else u1_
                m = 0
                for k in range(n_in):
                    k1 = k + 1 if k + 1 < n_in else 0
                    ina, inb = T[k, axis] >= c, T[k1, axis] >= c
                    if ina:
                        pts[m, 0], pts[m, 1] = T[k, 0], T[k, 1]
                        m += 1
                    if ina != inb:
                        t = (c - T[k, axis]) / (T[k1, axis] - T[k, axis])
                        pts[m, axis] = c
                        pts[m, 1 - axis] = T[k, 1 - axis] + t * (T[k1, 1 - axis] - T[k, 1 - axis])
                        m += 1
                n_in = m
                T[:m] = pts[:m]
        for p in range(N if stage == 2 else 0):   # one application of the operator (as _as_step)
            ic0 = u0_ + gains[p, 0]
            ic1 = u1_ + gains[p, 1]
            g0, g1 = g[p, 0], g[p, 1]
            stat = g0 >= ic0 - eps and g1 >= ic1 - eps
            if stat:
                for k in range(K):
                    k1 = k + 1 if k + 1 < K else 0
                    dx, dy = P[k1, 0] - P[k, 0], P[k1, 1] - P[k, 1]
                    if dx * (g1 - P[k, 1]) - dy * (g0 - P[k, 0]) < -eps * math.hypot(dx, dy):
                        stat = False
                        break
            if stat:
                pts[m, 0], pts[m, 1] = g0, g1
                m += 1
                continue
            for axis in range(2):
                c = ic0 if axis == 0 else ic1
                lo, hi = np.inf, -np.inf
                for k in range(K):
                    k1 = k + 1 if k + 1 < K else 0
                    dx = P[k1, axis] - P[k, axis]
                    if dx == 0:
                        continue
                    t = (c - P[k, axis]) / dx
                    if t >= -1e-12 and t <= 1 + 1e-12:
                        t = min(max(t, 0.0), 1.0)
                        y = P[k, 1 - axis] + t * (P[k1, 1 - axis] - P[k, 1 - axis])
                        lo = min(lo, y)
                        hi = max(hi, y)
                lo = max(lo, ic1 if axis == 0 else ic0)
                if lo <= hi + eps:
                    lo = min(lo, hi)
                    for other in (lo, hi):
                        pts[m, axis] = omd_g[p, axis] + delta * c
                        pts[m, 1 - axis] = omd_g[p, 1 - axis] + delta * other
                        m += 1
        if m == 0:
            break
        # --- hull with the eps-grid ordering and collinearity tolerance (as _hull_small) ---
        k0 = np.round(pts[:m, 0] / heps)
        k1_ = np.round(pts[:m, 1] / heps)
        o1 = np.argsort(k1_, kind="mergesort")
        o2 = np.argsort(k0[o1], kind="mergesort")
        order = o1[o2]
        srt = np.empty((m, 2))
        n = 0
        for i in range(m):
            j = order[i]
            if n > 0:
                jp = order[i - 1]
                if k0[j] == k0[jp] and k1_[j] == k1_[jp]:
                    continue
            srt[n, 0], srt[n, 1] = pts[j, 0], pts[j, 1]
            n += 1
        if n < 3:
            break
        h = 0
        for phase in range(2):
            start = h
            for ii in range(n):
                i = ii if phase == 0 else n - 1 - ii
                qx, qy = srt[i, 0], srt[i, 1]
                while h - start >= 2:
                    ox, oy = Q[h - 2, 0], Q[h - 2, 1]
                    dx, dy = qx - ox, qy - oy
                    cr = (Q[h - 1, 0] - ox) * dy - (Q[h - 1, 1] - oy) * dx
                    if cr <= heps * math.hypot(dx, dy):
                        h -= 1
                    else:
                        break
                if h - start >= 1 and math.hypot(qx - Q[h - 1, 0], qy - Q[h - 1, 1]) <= heps:
                    continue
                Q[h, 0], Q[h, 1] = qx, qy
                h += 1
            h -= 1                          # the last point of each chain starts the other
        # lower[:-1] + upper[:-1] is now Q[:h]
        if h >= 2 and math.hypot(Q[0, 0] - Q[h - 1, 0], Q[0, 1] - Q[h - 1, 1]) <= heps:
            h -= 1
        if h < 3:
            break
        if stage < 2:
            P[:h] = Q[:h]
            K = h
            stage += 1
            continue
        # --- step distance (as _step_distance) and threat points ---
        dmax = 0.0
        for side in range(2):
            na = h if side == 0 else K
            nb = K if side == 0 else h
            for i in range(na):
                ax = Q[i, 0] if side == 0 else P[i, 0]
                ay = Q[i, 1] if side == 0 else P[i, 1]
                best = np.inf
                for j in range(nb):
                    bx = P[j, 0] if side == 0 else Q[j, 0]
                    by = P[j, 1] if side == 0 else Q[j, 1]
                    best = min(best, (ax - bx) ** 2 + (ay - by) ** 2)
                best = math.sqrt(best)
                if h != K and best > tol:   # a vertex appeared or vanished: true distance
                    inside = True
                    seg = np.inf
                    for j in range(nb):
                        j1 = j + 1 if j + 1 < nb else 0
                        bx = P[j, 0] if side == 0 else Q[j, 0]
                        by = P[j, 1] if side == 0 else Q[j, 1]
                        cx = P[j1, 0] if side == 0 else Q[j1, 0]
                        cy = P[j1, 1] if side == 0 else Q[j1, 1]
                        dx, dy = cx - bx, cy - by
                        rx, ry = ax - bx, ay - by
                        L2 = max(dx * dx + dy * dy, 1e-300)
                        t = min(max((rx * dx + ry * dy) / L2, 0.0), 1.0)
                        seg = min(seg, math.hypot(rx - t * dx, ry - t * dy))
                        if dx * ry - dy * rx < 0:
                            inside = False
                    best = 0.0 if inside else seg
                dmax = max(dmax, best)
        umin0, umin1 = np.inf, np.inf
        for i in range(h):
            umin0 = min(umin0, Q[i, 0])
            umin1 = min(umin1, Q[i, 1])
        nu0, nu1 = max(u0_, umin0), max(u1_, umin1)
        moved = max(abs(nu0 - u0_), abs(nu1 - u1_))
        diffs[it] = dmax
        it += 1
        K = h
        P[:K] = Q[:K]
        u0_, u1_ = nu0, nu1
        if dmax <= tol and moved <= tol:
            out_P[:K] = P[:K]
            return K, it, 1, u0_, u1_
    out_P[:K] = P[:K]
    return K, it, (0 if it >= max_iter else 2 if stage == 2 else 3), u0_, u1_


def _compiled_loop():
    """The numba-compiled :func:`_loop_kernel`, or ``None``.

    Policy of :mod:`._compiled`: used when numba is already imported in the
    process, or always with ``DETERRENCE_NUMBA=1`` (``0``: never).
    """
    if not numba_allowed(numba_loaded()):
        return None
    if not _KERNEL:
        _KERNEL.append(jit(_loop_kernel))
    return _KERNEL[0]


# ---------------------------------------------------------------------------
# exact operator (for the certificate), in python-flint rationals
# ---------------------------------------------------------------------------
# fmpq arithmetic is ~10x faster than Fraction; floats only sort out the cases
# that are clear by a wide margin (points far inside or outside, edges a line
# cannot cut), every decision near a boundary is taken exactly.
def _q(x, fmpq):
    """An int or Fraction as an fmpq (flint is imported lazily: ``import deterrence`` stays light)."""
    if isinstance(x, int):
        return fmpq(x)
    x = Fraction(x)
    return fmpq(x.numerator, x.denominator)


def _hull_q(points) -> list:
    """Exact ccw hull of fmpq points, no collinear vertices, from the lowest-leftmost point.

    The same convention as :func:`~deterrence.solvers.repeated.folk.convex_hull`.
    """
    pts = sorted(points)
    uniq = []
    for p in pts:                      # no set(): hashing an fmpq is slow
        if not uniq or uniq[-1] != p:
            uniq.append(p)
    if len(uniq) <= 2:
        return sorted(uniq, key=lambda p: (p[1], p[0]))
    hull = monotone_chain(uniq)
    k = min(range(len(hull)), key=lambda j: (hull[j][1], hull[j][0]))
    return hull[k:] + hull[:k]


def _as_convex_q(pts):
    """The points as an exact ccw polygon from its lowest-leftmost vertex, if they already are one.

    Cheaper than :func:`_hull_q` for the snap of a float hull, which is
    nearly always still convex: every turn is checked to be strictly left
    (exactly) and the turns to add up to one revolution (floats suffice to
    tell 2 pi from 4 pi or more). ``None`` otherwise.
    """
    K = len(pts)
    if K < 3:
        return None
    X = [(float(x), float(y)) for x, y in pts]
    E = [(X[k][0] - X[k - 1][0], X[k][1] - X[k - 1][1]) for k in range(K)]
    sure = 1e-9 * max(1.0, max(max(abs(x), abs(y)) for x, y in X)) ** 2   # >> float error of a cross product
    for k in range(K):
        if E[k - 1][0] * E[k][1] - E[k - 1][1] * E[k][0] <= sure and cross(pts[k - 2], pts[k - 1], pts[k]) <= 0:
            return None
    turn = sum(math.atan2(E[k - 1][0] * E[k][1] - E[k - 1][1] * E[k][0], E[k - 1][0] * E[k][0] + E[k - 1][1] * E[k][1])
               for k in range(K))
    if abs(turn - 2 * math.pi) > 1.0:
        return None
    # lowest-leftmost first; floats order like the exact values (rounding is monotone), exact on float ties
    low = min((y, x) for x, y in X)
    k = min((j for j in range(K) if (X[j][1], X[j][0]) == low), key=lambda j: (pts[j][1], pts[j][0]))
    return pts[k:] + pts[:k]


class _ExactPolygon:
    """An exact convex polygon (fmpq, ccw) with a float prefilter for point location."""

    def __init__(self, V):
        self.V = V
        self.Vf = np.array([[float(x), float(y)] for x, y in V], dtype=float).reshape(-1, 2)
        self.scale = max(1.0, float(np.abs(self.Vf).max())) if len(V) else 1.0
        # float cross products of coordinates of size `scale` err by ~1e-16 scale^2
        self.margin = 1e-9 * self.scale * self.scale

    def crosses(self, Qf) -> np.ndarray:
        """Float cross products (points Qf x edges): > margin certainly inside the edge's half-plane."""
        X = self.Vf
        D = np.roll(X, -1, axis=0) - X
        return D[None, :, 0] * (Qf[:, None, 1] - X[None, :, 1]) - D[None, :, 1] * (Qf[:, None, 0] - X[None, :, 0])

    def contains_all(self, points, Qf=None) -> bool:
        """Exact: every point is in the polygon (exact only against edges it is near)."""
        if not points:
            return True
        V, K = self.V, len(self.V)
        if K < 3:
            return all(in_convex_polygon(V, p) for p in points)
        if Qf is None:
            Qf = np.array([[float(x), float(y)] for x, y in points], dtype=float)
        cr = self.crosses(Qf)
        if (cr < -self.margin).any():
            return False
        rows, ks = np.nonzero(cr <= self.margin)
        for i, k in zip(rows.tolist(), ks.tolist()):
            if cross(V[k], V[(k + 1) % K], points[i]) < 0:
                return False
        return True


def _edge_spans(Vf, margin):
    """For each axis, the float extent ``(lo, hi)`` of every edge (vertex k to k + 1), widened by ``margin``."""
    Vl = Vf.tolist()
    spans = ([], [])
    for a, b in zip(Vl, Vl[1:] + Vl[:1]):
        for ax in (0, 1):
            lo, hi = (a[ax], b[ax]) if a[ax] <= b[ax] else (b[ax], a[ax])
            spans[ax].append((lo - margin, hi + margin))
    return spans


def _exact_axis_points(V, spans, g_p, ic, axis, omd, delta, cf):
    """Exact chord ends of the line ``w[axis] = ic[axis]`` in V (above ``ic``), mapped to image points.

    ``spans``: :func:`_edge_spans` of V for ``axis``; edges whose span (the
    margin much wider than their rounding) misses the line (``cf``, the float
    of ``ic[axis]``) are certainly not cut by it and are skipped without exact work.
    """
    c, o, K = ic[axis], 1 - axis, len(V)
    ys = []
    for k, (lo_k, hi_k) in enumerate(spans):
        if cf < lo_k or cf > hi_k:
            continue
        a, b = V[k], V[k + 1 - K]
        da, db = a[axis] - c, b[axis] - c
        if da == 0:
            ys.append(a[o])           # a vertex on the line
        elif (da < 0 < db) or (db < 0 < da):
            ys.append(a[o] - da * (b[o] - a[o]) / (db - da))
    if not ys:
        return ()
    lo, hi = max(min(ys), ic[o]), max(ys)
    if lo > hi:
        return ()
    own = omd * g_p[axis] + delta * c
    if axis:
        return [(omd * g_p[0] + delta * y, own) for y in ((lo, hi) if lo != hi else (lo,))]
    return [(own, omd * g_p[1] + delta * y) for y in ((lo, hi) if lo != hi else (lo,))]


def _exact_step(poly, u, g, gains, delta):
    """The Abreu-Sannikov operator in exact rationals on the exact polygon ``poly``.

    ``u``, ``g`` (profiles' payoffs), ``gains`` (``(1 - delta)/delta`` times
    the deviation gains) and ``delta`` are fmpq. Floats only preselect the
    edges a line may cut and the stationary profiles that are clear by a wide
    margin; every intersection and decision near a boundary is exact.
    Returns the image points (fmpq pairs) and their float copies.
    """
    V, Vf = poly.V, poly.Vf
    K = len(V)
    ics = [(u[0] + d0, u[1] + d1) for d0, d1 in gains]
    icf = np.array([[float(a), float(b)] for a, b in ics]).reshape(-1, 2)
    gf = np.array([[float(a), float(b)] for a, b in g]).reshape(-1, 2)
    margin = 1e-7 * max(poly.scale, float(np.abs(icf).max()))
    if K >= 3:                # float location of the stage payoffs; exact only against near edges
        cr_g = poly.crosses(gf)
        in_g = np.where(cr_g.min(axis=1) > poly.margin, 1,
                        np.where(cr_g.min(axis=1) < -poly.margin, -1, 0)).tolist()
        near_g = (cr_g <= poly.margin).tolist()
    else:
        in_g = [0] * len(g)
    spans, icl = _edge_spans(Vf, margin), icf.tolist()
    omd = 1 - delta
    out = []
    for p, ((g0, g1), ic) in enumerate(zip(g, ics)):
        if in_g[p] >= 0 and g0 >= ic[0] and g1 >= ic[1] and (
                in_g[p] > 0 or (all(cross(V[k], V[(k + 1) % K], g[p]) >= 0 for k in range(K) if near_g[p][k])
                                if K >= 3 else in_convex_polygon(V, g[p]))):
            out.append((g0, g1))
            continue
        for axis in (0, 1):
            out.extend(_exact_axis_points(V, spans[axis], g[p], ic, axis, omd, delta, icl[p][axis]))
    outf = np.array([[float(x), float(y)] for x, y in out], dtype=float).reshape(-1, 2)
    return out, outf


def _is_generated(poly, out, outf) -> bool:
    """Exact: every vertex of the polygon is one of the image points."""
    if not len(out):
        return False
    close = np.abs(outf[None, :, :] - poly.Vf[:, None, :]).max(axis=2) <= 1e-9 * poly.scale
    found = [False] * len(poly.V)
    for k, i in zip(*(x.tolist() for x in np.nonzero(close))):
        if not found[k] and out[i] == poly.V[k]:
            found[k] = True
    return all(found)


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


def _float_stage(A, B, d):
    """Float payoffs ``g`` and ``(1 - d)/d`` x best deviation gains of every profile, ``(N, 2)`` row-major."""
    g = np.stack([A.ravel(), B.ravel()], axis=1)
    gains = (1 - d) / d * np.stack([(A.max(axis=0)[None, :] - A).ravel(),
                                    (B.max(axis=1)[:, None] - B).ravel()], axis=1)
    return g, gains


def _best_replies(A, B):
    """Exact best-reply values: each column's best for the row player, each row's for the column player."""
    n, m = A.shape
    return [max(A[:, j]) for j in range(m)], [max(B[i, :]) for i in range(n)]


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
        K, it, status, u_0, u_1 = kernel(u0, g, gains, omd_g, d, eps, tol, max_iter, out_P, dbuf)
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


def _classify_kernel(Vf, gf, icf, df, omdf, e0, ecr, steep, S, status):
    """The float half of :func:`_fixed_point_fast` (plain Python that numba compiles).

    ``S``: the scale of V (``_ExactPolygon.scale``). Marks in ``status`` what must be done exactly: column 0 a whole profile
    (stationarity undecided; 2: the incentive constraints certainly hold, only
    whether g is in V is open), columns 1 and 2 one incentive line (axis 0, 1).
    Returns -1 when an image point is certainly outside V, else 0.
    """
    K, N = Vf.shape[0], gf.shape[0]
    vmin0, vmin1, vmax0, vmax1 = Vf[0, 0], Vf[0, 1], Vf[0, 0], Vf[0, 1]
    for k in range(K):
        vmin0, vmax0 = min(vmin0, Vf[k, 0]), max(vmax0, Vf[k, 0])
        vmin1, vmax1 = min(vmin1, Vf[k, 1]), max(vmax1, Vf[k, 1])
    for p in range(N):
        g0, g1, c0, c1 = gf[p, 0], gf[p, 1], icf[p, 0], icf[p, 1]
        dic = min(g0 - c0, g1 - c1)
        mc = np.inf
        for k in range(K):
            k1 = k + 1 if k + 1 < K else 0
            mc = min(mc, (Vf[k1, 0] - Vf[k, 0]) * (g1 - Vf[k, 1]) - (Vf[k1, 1] - Vf[k, 1]) * (g0 - Vf[k, 0]))
        if dic > 2 * e0 and mc > ecr:
            continue                  # stationary, strictly inside V: no vertex
        if not (dic < -2 * e0 or mc < -ecr):
            # stationarity undecided in floats: 2 if only "g in V" is (the incentive constraints hold)
            status[p, 0] = 2 if dic > 2 * e0 else 1
            continue
        for axis in range(2):
            c = c0 if axis == 0 else c1
            oc = c1 if axis == 0 else c0
            lo_v = vmin0 if axis == 0 else vmin1
            hi_v = vmax0 if axis == 0 else vmax1
            if c < lo_v - 4 * e0 or c > hi_v + 4 * e0:
                continue              # the line misses V
            near = False
            for k in range(K):
                if abs(c - Vf[k, axis]) <= 4 * e0:
                    near = True
            if near:
                status[p, 1 + axis] = 1   # through (or next to) a vertex, or at V's extent
                continue
            lo, hi, err, ok = np.inf, -np.inf, e0, True
            for k in range(K):
                k1 = k + 1 if k + 1 < K else 0
                a_ax, d_ax = Vf[k, axis], Vf[k1, axis] - Vf[k, axis]
                if (a_ax - c) * (Vf[k1, axis] - c) >= 0:
                    continue          # not cut (no vertex is near the line: this is certain)
                if abs(d_ax) <= steep:
                    ok = False
                    break
                a_o, d_o = Vf[k, 1 - axis], Vf[k1, 1 - axis] - Vf[k, 1 - axis]
                y = a_o + (c - a_ax) / d_ax * d_o
                lo, hi = min(lo, y), max(hi, y)
                err = max(err, e0 * (1 + 4 * abs(d_o / d_ax)))
            if not ok:
                status[p, 1 + axis] = 1
                continue
            lo = max(lo, oc)
            if lo > hi + 2 * err:
                continue              # no continuation satisfies the constraints
            if lo >= hi - 2 * err:
                status[p, 1 + axis] = 1
                continue
            gp = g0 if axis == 0 else g1
            go = g1 if axis == 0 else g0
            thr = ecr + 4 * S * (2 * err + 2 * e0)
            for end in range(2):
                other = lo if end == 0 else hi
                own, o = omdf * gp + df * c, omdf * go + df * other
                x, y = (own, o) if axis == 0 else (o, own)
                mc = np.inf
                for k in range(K):
                    k1 = k + 1 if k + 1 < K else 0
                    mc = min(mc, (Vf[k1, 0] - Vf[k, 0]) * (y - Vf[k, 1]) - (Vf[k1, 1] - Vf[k, 1]) * (x - Vf[k, 0]))
                if mc < -thr:
                    return -1         # outside V: not a fixed point
                if mc <= thr:
                    status[p, 1 + axis] = 1
    return 0


_CLASSIFY = []


def _compiled_classify():
    """:func:`_classify_kernel` compiled by numba (the policy of :func:`_compiled_loop` decides the first time)."""
    if not _CLASSIFY:
        if _compiled_loop() is None:
            return None
        _CLASSIFY.append(jit(_classify_kernel))
    return _CLASSIFY[0]


def _fixed_point_fast(poly, u, g_exact, gains_exact, delta, gf, gainsf, gscale=None):
    """Exact proof that V is a fixed point of the operator (``True``), or ``None``: undecided here.

    The image is first computed in floats, each value with an error bound
    (generous multiples of the rounding unit, growing with the slope of the
    edge an incentive line cuts). A stationary payoff or an image point that
    is inside V by more than its error bound needs no exact work (and is no
    vertex of V); everything else - near the boundary, near a vertex, near a
    tie - is recomputed exactly (``g_exact(p)``, ``gains_exact(p)`` give the
    exact data of profile p; ``gf``, ``gainsf`` are float ``(N, 2)`` arrays
    of payoffs and ``(1 - delta)/delta`` x deviation gains). Every image point must be in V and every
    vertex of V must be an exact image point. ``None`` when some point is
    outside or a vertex is not generated: the full exact step decides then.
    """
    V, K = poly.V, len(poly.V)
    if K < 3:
        return None
    Vl = poly.Vf.tolist()
    E = [(Vl[k][0], Vl[k][1], Vl[(k + 1) % K][0] - Vl[k][0], Vl[(k + 1) % K][1] - Vl[k][1]) for k in range(K)]
    icf = gainsf + np.array([float(u[0]), float(u[1])])
    S = max(poly.scale, float(np.abs(icf).max()), gscale if gscale is not None else float(np.abs(gf).max()))
    e0 = 1e-12 * S                   # bound on the error of a float coordinate (rounding unit ~2e-16)
    ecr = 1e-11 * S * S              # ... of a cross product of such coordinates

    found = [False] * K
    # equal rationals convert to equal floats: a point can only be the vertex with its floats
    vertex_at = {(x, y): k for k, (x, y) in enumerate(Vl)}

    def place(q):
        """Exact: is q in V? Marks the vertex q is, if any."""
        x, y = float(q[0]), float(q[1])
        k = vertex_at.get((x, y))
        if k is not None and q == V[k]:
            found[k] = True
            return True
        for k, (ax, ay, dx, dy) in enumerate(E):    # exact only against the edges q is near
            cr = dx * (y - ay) - dy * (x - ax)
            if cr > ecr:
                continue
            if cr < -ecr or cross(V[k], V[(k + 1) % K], q) < 0:
                return False
        return True

    status = np.zeros((len(icf), 3), dtype=np.int64)
    kernel = _compiled_classify() or _classify_kernel   # only called with numba: see _certify
    if kernel(poly.Vf, gf, icf, float(delta), float(1 - delta), e0, ecr, 1e-6 * S, poly.scale, status) < 0:
        return None                   # an image point is outside V: not a fixed point
    todo = [(p, -row[0] if row[0] else col - 1)
            for p, row in enumerate(status.tolist()) if any(row) for col in (0, 1, 2) if row[col]]
    # exact work
    spans = _edge_spans(poly.Vf, 1e-9 * S)
    omd = 1 - delta
    last = None
    for p, axis in todo:              # axis 0, 1; -1, -2: the whole profile (see _classify_kernel)
        if axis == -2 and place(g_exact(p)):
            continue                  # stationary: the incentive constraints hold, and g is in V
        if p != last:
            g_p, gain = g_exact(p), gains_exact(p)
            ic = (u[0] + gain[0], u[1] + gain[1])
            last = p
        if axis < 0:
            if axis == -1 and g_p[0] >= ic[0] and g_p[1] >= ic[1] and place(g_p):
                continue              # stationary (and inside V)
            axes = (0, 1)
        else:
            axes = (axis,)
        for ax_ in axes:
            for q in _exact_axis_points(V, spans[ax_], g_p, ic, ax_, omd, delta, float(ic[ax_])):
                if not place(q):
                    return None       # an image point outside V
    # every vertex of V is generated (only points near the boundary can be vertices)
    return True if all(found) else None


def _snap(x: float, snap_tol: float, max_den: int = 10 ** 4):
    """The first continued-fraction convergent of x within snap_tol, as (p, q) with q <= max_den, or None.

    (A rational with denominator q within 1/(2q^2) of x is a convergent, so
    none with a small denominator is missed.) Only proposes a candidate: the
    exact check decides.

    >>> _snap(9.750000000001, 1e-9), _snap(-4.4e-16, 1e-9), _snap(math.pi, 1e-9)
    ((39, 4), (0, 1), None)
    """
    if not math.isfinite(x):
        return None
    r = round(x)
    if abs(r - x) <= snap_tol:          # the common case: an integer
        return int(r), 1
    p0, q0, p1, q1 = 0, 1, 1, 0
    y = x
    for _ in range(64):
        a = math.floor(y)
        p0, q0, p1, q1 = p1, q1, a * p1 + p0, a * q1 + q0
        if q1 > max_den:
            return None
        if abs(p1 / q1 - x) <= snap_tol:
            return p1, q1
        y -= a
        if y == 0:
            return None
        y = 1.0 / y
    return None


def _certify(P, pure_minmax, game, delta, snap_tol, g=None, gains=None, best=None, compiled=False,
             gscale=None):
    """Snap P to rationals; check the fixed-point property, else self-generation, exactly.

    Returns ``(vertices, threat points, fixed, displacement)`` (int/Fraction;
    ``displacement`` bounds the Hausdorff distance between the exact polygon
    and P, ``inf`` when unknown), or ``None`` when the snap fails or the
    snapped polygon is not self-generating.
    """
    from flint import fmpq
    snapped, disp = [], 0.0
    R = np.round(P)
    whole = (np.abs(R - P) <= snap_tol).tolist()      # most coordinates are integers
    for (x, y), (rx, ry), (wx, wy) in zip(P.tolist(), R.tolist(), whole):
        sx = (int(rx), 1) if wx else _snap(x, snap_tol)
        sy = (int(ry), 1) if wy else _snap(y, snap_tol)
        if sx is None or sy is None:
            return None
        disp = max(disp, math.hypot(sx[0] / sx[1] - x, sy[0] / sy[1] - y))
        snapped.append((fmpq(*sx), fmpq(*sy)))
    V = _as_convex_q(snapped)
    if V is None:                      # the snap broke convexity (or P was degenerate)
        V, disp = _hull_q(snapped), math.inf
    if not V:
        return None
    poly = _ExactPolygon(V)
    # threat points max(pure minmax, min over V); the exact min is among the vertices of least float
    u = []
    for i in range(2):
        col = poly.Vf[:, i]
        u.append(max(_q(pure_minmax[i], fmpq), min(V[k][i] for k in np.flatnonzero(col == col.min()).tolist())))
    u = tuple(u)
    Af, Bf = game.payoff_arrays
    n, m = Af.shape
    delta = _q(delta, fmpq)
    factor = (1 - delta) / delta
    colmaxA, rowmaxB = best or _best_replies(Af, Bf)

    def g_exact(p):
        a, b = Af.flat[p], Bf.flat[p]
        return (fmpq(a) if type(a) is int else _q(a, fmpq)), (fmpq(b) if type(b) is int else _q(b, fmpq))

    def gains_exact(p):
        i, j = divmod(p, m)
        a, b = colmaxA[j] - Af[i, j], rowmaxB[i] - Bf[i, j]
        return (factor * (fmpq(a) if type(a) is int else _q(a, fmpq)),
                factor * (fmpq(b) if type(b) is int else _q(b, fmpq)))
    V_py = tuple((from_fmpq(x), from_fmpq(y)) for x, y in V)
    u_py = tuple(from_fmpq(t) for t in u)
    # fast exact proof of the fixed point: exact work only near the boundary
    if g is None:
        g, gains = _float_stage(*game.as_float(), float(delta))
    # (uncompiled, the float pass costs as much as the full exact step below: only with numba)
    if compiled and _fixed_point_fast(poly, u, g_exact, gains_exact, delta, g, gains, gscale):
        return V_py, u_py, True, disp
    # otherwise the whole exact image
    image, imagef = _exact_step(poly, u, [g_exact(p) for p in range(n * m)],
                                [gains_exact(p) for p in range(n * m)], delta)
    # fixed point: every generated point lies in V and every vertex of V is generated
    if poly.contains_all(image, imagef) and _is_generated(poly, image, imagef):
        return V_py, u_py, True, disp
    # otherwise self-generation: V inside the hull of its image
    hull = _hull_q(image)
    if not _ExactPolygon(hull).contains_all(V, poly.Vf):
        return None
    return V_py, u_py, False, disp


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
    turn = (E[:, 0] * (q[1] - V[:, 1]) - E[:, 1] * (q[0] - V[:, 0])) / np.maximum(L, 1e-300)
    return float(turn.min())
