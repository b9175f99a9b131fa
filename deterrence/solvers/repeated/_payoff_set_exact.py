"""Exact half of the Abreu–Sannikov payoff-set algorithm: the rational certificate.

Step 4 of :mod:`deterrence.solvers.repeated.payoff_set` (see there for the sources and the
steps): snap the float polygon to rationals of small denominator (:func:`_snap`), apply the
operator once in exact rational arithmetic (:func:`_exact_step`), and prove the polygon an
exact fixed point or self-generating (:func:`_certify`). Rationals are python-flint
``fmpq`` (:func:`deterrence.core.exact.flint`), or ``Fraction`` inside
:func:`deterrence.core.exact.fraction_only`: the same answers. With numba the fixed point is
first proved in integers over one common denominator (:func:`_integer_certificate`, compiled
int64 with an overflow guard; the certificate of the US-Iran 3x3 at delta 1/2 then costs about
a fifth of the rational one: 24 against 120 us CPU), the rational path deciding whatever it declines.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from deterrence.core.exact import flint as load_flint, from_fmpq, to_fmpq as _q
from deterrence.core.numbers import to_exact
from deterrence.solvers._compiled import run_compiled
from deterrence.solvers.repeated.folk import cross, in_convex_polygon, monotone_chain
from deterrence.solvers.repeated._payoff_set_kernels import (_best_replies, _classify_kernel,
                                                             _compiled_classify, _compiled_fixed_point_int,
                                                             _float_stage)


# ---------------------------------------------------------------------------
# exact operator (for the certificate), in python-flint rationals (or Fractions)
# ---------------------------------------------------------------------------
# fmpq arithmetic is ~10x faster than Fraction; floats only sort out the cases
# that are clear by a wide margin (points far inside or outside, edges a line
# cannot cut), every decision near a boundary is taken exactly.
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
    args = (poly.Vf, gf, icf, float(delta), float(1 - delta), e0, ecr, 1e-6 * S, poly.scale, status)
    if run_compiled(kernel, *args) < 0:
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


def _snap_polygon(P, snap_tol):
    """Every coordinate of the float polygon P snapped (:func:`_snap`): ``([((px, qx), (py, qy)), ...],
    displacement)``, or ``None`` when one has no rational of small denominator that close.

    ``displacement`` is the largest distance a vertex moved.
    """
    pairs, disp = [], 0.0
    R = np.round(P)
    whole = (np.abs(R - P) <= snap_tol).tolist()      # most coordinates are integers
    for (x, y), (rx, ry), (wx, wy) in zip(P.tolist(), R.tolist(), whole):
        sx = (int(rx), 1) if wx else _snap(x, snap_tol)
        sy = (int(ry), 1) if wy else _snap(y, snap_tol)
        if sx is None or sy is None:
            return None
        disp = max(disp, math.hypot(sx[0] / sx[1] - x, sy[0] / sy[1] - y))
        pairs.append((sx, sy))
    return pairs, disp


#: the integer proof declines when 40 dq R^3 (its largest product, see the kernel) reaches this
_INT64_LIMIT = 2 ** 62


def _integer_data(pairs, pure_minmax, game, delta):
    """The numbers of :func:`_integer_certificate` as integers, or ``None`` (payoffs not int/Fraction).

    ``(v, Ga, Gb, L, D, dp, dq, U, R)``: the vertices times ``L`` (their least common
    denominator), the payoff matrices times ``D`` (theirs; object arrays of ints), ``delta =
    dp/dq``, the threat points times ``L D`` and ``R``, a bound on every number the kernel
    scales to ``S = L D dp`` (vertices, payoffs, incentive thresholds; a gain is at most
    twice the largest payoff).
    """
    A, B = game.payoff_arrays
    D = 1
    for x in (*A.flat, *B.flat):
        if type(x) is not int:
            if type(x) is not Fraction:
                return None
            D = math.lcm(D, x.denominator)
    if D == 1:
        Ga, Gb = A, B
    else:                                  # Fractions times D: whole numbers
        Ga, Gb = (np.array([int(x * D) for x in X.flat], dtype=object).reshape(X.shape) for X in (A, B))
    dp, dq = delta.numerator, delta.denominator
    L = math.lcm(*(sx[1] for sx, _ in pairs), *(sy[1] for _, sy in pairs))
    v = [(sx[0] * (L // sx[1]), sy[0] * (L // sy[1])) for sx, sy in pairs]
    LD = L * D
    pm = [x if type(x) is int or type(x) is Fraction else to_exact(x) for x in pure_minmax]
    U = [max(pm[i].numerator * (LD // pm[i].denominator), min(w[i] for w in v) * D) for i in (0, 1)]
    big_g = max(max(map(abs, Ga.flat)), max(map(abs, Gb.flat)))
    R = max(max(max(abs(x), abs(y)) for x, y in v) * D * dp, big_g * L * dp,
            max(abs(U[0]), abs(U[1])) * dp + (dq - dp) * 2 * big_g * L, 1)
    return v, Ga, Gb, L, D, dp, dq, U, R


def _integer_certificate(pairs, pure_minmax, game, delta, kernel):
    """The fixed-point proof in integers, or ``None``: declined or not proved (the rational path decides).

    The snapped vertices ``pairs`` (``(num, den)`` per coordinate), the payoffs, the threat
    points and ``(1 - delta)/delta`` times the deviation gains are scaled by one integer
    ``S = L D dp`` (``L``: least common denominator of the vertices, ``D``: of the
    payoffs, ``delta = dp/dq``) so that every number is an integer (:func:`_integer_data`),
    and :func:`~._payoff_set_kernels._fixed_point_int_kernel` decides exactly: the same
    operator and decisions as :func:`_exact_step`, without building a rational number.
    Its largest intermediate product is below ``40 dq R^3`` (``R``: the largest scaled
    number; chord ends are ratios of numbers below ``6 R^2`` and ``2 R``, image points
    below ``8 dq R^2`` over them, and a side test multiplies such a difference by an
    edge); when that reaches 2^62 the proof declines rather than risk int64 overflow.
    Returns ``(vertices, threat points, True)`` (int/Fraction, ccw from the
    lowest-leftmost vertex, as :func:`_as_convex_q`) when the polygon is a fixed point.
    """
    data = _integer_data(pairs, pure_minmax, game, delta)
    if data is None:
        return None
    v, Ga, Gb, L, D, dp, dq, U, R = data
    if 40 * dq * R ** 3 >= _INT64_LIMIT:
        return None
    start = np.zeros(1, dtype=np.int64)
    Ga, Gb, v = (np.array(X, dtype=np.int64) for X in (Ga, Gb, v))
    if run_compiled(kernel, v, Ga, Gb, L, D, dp, dq, U[0], U[1], start) != 1:
        return None
    k = int(start[0])
    exact = [(x if qx == 1 else Fraction(x, qx), y if qy == 1 else Fraction(y, qy)) for (x, qx), (y, qy) in pairs]
    LD = L * D
    threat = tuple(t // LD if t % LD == 0 else Fraction(t, LD) for t in U)
    return tuple(exact[k:] + exact[:k]), threat, True


def _certify(P, pure_minmax, game, delta, snap_tol, g=None, gains=None, best=None, compiled=False,
             gscale=None, integer=True):
    """Snap P to rationals; check the fixed-point property, else self-generation, exactly.

    ``integer`` (with ``compiled``, and numba): first try the fixed-point proof in integers
    (:func:`_integer_certificate`); when it declines (numbers too large for int64, payoffs
    not int/Fraction) or finds no fixed point, the rational path below decides, with the
    same answers.

    Returns ``(vertices, threat points, fixed, displacement)`` (int/Fraction;
    ``displacement`` bounds the Hausdorff distance between the exact polygon
    and P, ``inf`` when unknown), or ``None`` when the snap fails or the
    snapped polygon is not self-generating.
    """
    got = _snap_polygon(P, snap_tol)
    if got is None:
        return None
    pairs, disp = got
    # the proof in integers, compiled (uncompiled, its loops cost twice the rational path on a 10x10)
    kernel = _compiled_fixed_point_int() if integer and compiled and len(pairs) >= 3 else None
    if kernel is not None:
        proved = _integer_certificate(pairs, pure_minmax, game, delta, kernel)
        if proved is not None:
            return (*proved, disp)
    flint = load_flint()
    fmpq = Fraction if flint is None else flint.fmpq    # fraction_only(): the same, slower
    snapped = [(fmpq(*sx), fmpq(*sy)) for sx, sy in pairs]
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
