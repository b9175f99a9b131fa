"""Float half of the Abreu–Sannikov payoff-set algorithm: vectorised NumPy geometry and the
numba kernels that mirror it.

Steps 1-3 of :mod:`deterrence.solvers.repeated.payoff_set` (see there for the sources and
the steps): convex hulls, clipping, chords and the operator in float64, with NumPy arrays
(:func:`_as_step`) or as one compiled loop (:func:`_loop_kernel`) when the policy of
:mod:`deterrence.solvers._compiled` allows numba; and the float pre-classification of the
exact fixed-point proof (:func:`_classify_kernel`). Every kernel also runs uncompiled, and
the NumPy twins give the same answers. The exact half is :mod:`._payoff_set_exact`.
"""
from __future__ import annotations

import math

import numpy as np

from deterrence.solvers.repeated.folk import monotone_chain
from deterrence.solvers._compiled import jit, numba_allowed, numba_loaded


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
# the float stage data and the float classification of the exact proof
# ---------------------------------------------------------------------------
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


def _classify_kernel(Vf, gf, icf, df, omdf, e0, ecr, steep, S, status):
    """The float half of :func:`_fixed_point_fast` (plain Python that numba compiles).

    ``S``: the scale of V (``_ExactPolygon.scale``). Marks in ``status`` what must be done exactly: column 0 a whole
    profile
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


def _compiled_like_loop(store, kernel):
    """``kernel`` compiled by numba and kept in ``store``, or ``None`` (the policy of :func:`_compiled_loop`
    decides the first time)."""
    if not store:
        if _compiled_loop() is None:
            return None
        store.append(jit(kernel))
    return store[0]


def _compiled_classify():
    """:func:`_classify_kernel` compiled by numba, or ``None``."""
    return _compiled_like_loop(_CLASSIFY, _classify_kernel)


# ---------------------------------------------------------------------------
# the exact fixed-point proof in integers (plain Python that numba compiles)
# ---------------------------------------------------------------------------
def _fixed_point_int_kernel(v, Ga, Gb, L, D, dp, dq, U0, U1, start):
    """Exact: is the polygon ``v`` a fixed point of the Abreu-Sannikov operator? All in integers.

    ``v``: the vertices times ``L`` (ccw, as the float iteration gives them); ``Ga``,
    ``Gb``: the payoff matrices times ``D``; ``(U0, U1)``: the threat points times
    ``L D``; ``delta = dp/dq``. Everything is scaled by ``S = L D dp`` to be integral:
    the vertices ``X``, the stage payoffs ``G`` and the incentive thresholds ``IC = u +
    (1 - delta)/delta * gain`` of every profile (row-major). The image point of profile
    ``p`` with continuation ``w`` is ``((dq - dp) G_p + dp W) / (S dq)`` (``W = S w``),
    and a chord end is a rational ``(num, den)`` over ``S``. The caller bounds every
    product that arises below ``2^62`` (:func:`~._payoff_set_exact._integer_certificate`),
    so the int64 arithmetic (compiled, or NumPy's uncompiled) is exact.

    The same decisions as the rational operator (``_exact_step``): a profile is
    stationary when ``G_p >= IC_p`` and ``G_p`` is in the polygon; otherwise each line
    ``w[axis] = IC_p[axis]`` gives the ends of its chord of the polygon above
    ``IC_p[other]`` (vertices on the line, crossings of edges with ends strictly on both
    sides). Returns -1 when ``v`` is not a strictly convex polygon (each turn strictly
    left, one revolution in all), 0 when some image point is outside it or a vertex is
    no image point, 1 when it is a fixed point (every image point inside, every vertex
    one). ``start[0]`` gets the index of the lowest-leftmost vertex.
    """
    K, n, m = v.shape[0], Ga.shape[0], Ga.shape[1]
    N = n * m
    if K < 3:
        return -1
    X = v * (D * dp)
    G = np.empty((N, 2), dtype=np.int64)
    IC = np.empty((N, 2), dtype=np.int64)
    f = (dq - dp) * L
    for i in range(n):
        for j in range(m):
            best_a, best_b = Ga[0, j], Gb[i, 0]
            for r in range(n):
                best_a = max(best_a, Ga[r, j])
            for c in range(m):
                best_b = max(best_b, Gb[i, c])
            p = i * m + j
            G[p, 0], G[p, 1] = Ga[i, j] * (L * dp), Gb[i, j] * (L * dp)
            IC[p, 0], IC[p, 1] = U0 * dp + f * (best_a - Ga[i, j]), U1 * dp + f * (best_b - Gb[i, j])
    turn = 0.0
    low = 0
    for k in range(K):
        a, b = k - 2 if k >= 2 else k - 2 + K, k - 1 if k >= 1 else K - 1
        e0x, e0y = X[b, 0] - X[a, 0], X[b, 1] - X[a, 1]
        e1x, e1y = X[k, 0] - X[b, 0], X[k, 1] - X[b, 1]
        cr = e0x * e1y - e0y * e1x
        if cr <= 0:
            return -1
        # floats suffice to tell one revolution (2 pi) from two or more (each turn < pi)
        turn += math.atan2(float(cr), float(e0x * e1x + e0y * e1y))
        if X[k, 1] < X[low, 1] or (X[k, 1] == X[low, 1] and X[k, 0] < X[low, 0]):
            low = k
    if abs(turn - 2 * math.pi) > 1.0:
        return -1
    start[0] = low
    found = np.zeros(K, dtype=np.bool_)
    omd = dq - dp
    for p in range(N):
        g0, g1, c0, c1 = G[p, 0], G[p, 1], IC[p, 0], IC[p, 1]
        if g0 >= c0 and g1 >= c1:
            inside = True
            for k in range(K):
                k1 = k + 1 if k + 1 < K else 0
                if (X[k1, 0] - X[k, 0]) * (g1 - X[k, 1]) - (X[k1, 1] - X[k, 1]) * (g0 - X[k, 0]) < 0:
                    inside = False
                    break
            if inside:                 # stationary: the image point is g itself, in the polygon
                for k in range(K):
                    if X[k, 0] == g0 and X[k, 1] == g1:
                        found[k] = True
                continue
        for axis in range(2):
            o = 1 - axis
            c = c0 if axis == 0 else c1
            c_o = c1 if axis == 0 else c0
            # the chord: least and greatest crossing (num, den > 0)
            lo_n, lo_d, hi_n, hi_d, hit = 0, 1, 0, 1, False
            for k in range(K):
                k1 = k + 1 if k + 1 < K else 0
                da, db = X[k, axis] - c, X[k1, axis] - c
                if da == 0:
                    yn, yd = X[k, o], 1
                elif (da < 0 < db) or (db < 0 < da):
                    yd = db - da
                    yn = X[k, o] * yd - da * (X[k1, o] - X[k, o])
                    if yd < 0:
                        yn, yd = -yn, -yd
                else:
                    continue
                if not hit:
                    lo_n, lo_d, hi_n, hi_d, hit = yn, yd, yn, yd, True
                else:
                    if yn * lo_d < lo_n * yd:
                        lo_n, lo_d = yn, yd
                    if yn * hi_d > hi_n * yd:
                        hi_n, hi_d = yn, yd
            if not hit:
                continue
            if lo_n < c_o * lo_d:      # above the other player's threshold
                lo_n, lo_d = c_o, 1
            if lo_n * hi_d > hi_n * lo_d:
                continue               # no continuation satisfies both constraints
            own = omd * (g0 if axis == 0 else g1) + dp * c
            g_o = g1 if axis == 0 else g0
            for end in range(2):
                if end == 1 and lo_n * hi_d == hi_n * lo_d:
                    break              # one point: the chord is a point
                yn, yd = (lo_n, lo_d) if end == 0 else (hi_n, hi_d)
                # the image point over the denominator S dq yd
                q_own, q_o = own * yd, omd * g_o * yd + dp * yn
                qx, qy = (q_own, q_o) if axis == 0 else (q_o, q_own)
                for k in range(K):      # inside: left of every edge (the edges times dq > 0)
                    k1 = k + 1 if k + 1 < K else 0
                    ax, ay = dq * X[k, 0] * yd, dq * X[k, 1] * yd
                    if (X[k1, 0] - X[k, 0]) * (qy - ay) - (X[k1, 1] - X[k, 1]) * (qx - ax) < 0:
                        return 0
                    if qx == ax and qy == ay:
                        found[k] = True
    for k in range(K):
        if not found[k]:
            return 0
    return 1


_FIXED_INT = []


def _compiled_fixed_point_int():
    """:func:`_fixed_point_int_kernel` compiled by numba, or ``None``."""
    return _compiled_like_loop(_FIXED_INT, _fixed_point_int_kernel)
