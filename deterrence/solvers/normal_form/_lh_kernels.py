"""Float pivoting for Lemke–Howson: the numba kernels and their NumPy twins.

Steps 3 and 4 of :mod:`deterrence.solvers.normal_form.lemke_howson` (see there for the
sources): complementary pivoting in float64 on payoffs rescaled into [1, 2], with the
lexicographic minimum-ratio test under a tolerance, in a numba-compiled loop on
dictionary-form tableaux (:func:`_float_kernel`) when the policy of
:mod:`deterrence.solvers._compiled` allows it, else in a vectorised NumPy loop
(:func:`_numpy_run`); and the float equilibrium check (:func:`_float_check_kernel`,
twin :func:`_float_check_numpy`). Each kernel also runs uncompiled, and the twins give
the same answers. The exact arithmetic lives in :mod:`deterrence.core.exact`.
"""
from __future__ import annotations

import math

import numpy as np

from deterrence.errors import SolverError
from deterrence.solvers.result import Equilibrium
from deterrence.solvers._compiled import jit, run_compiled, numba_allowed, numba_loaded

_TOL = 1e-9


class _FloatBreakdown(SolverError):
    """Float pivoting found no positive entry in the entering column (rounding)."""

    def __init__(self):
        super().__init__("Lemke–Howson (floating point): no positive entry in the entering column")


def _out_of_pivots(init, max_pivots):
    return SolverError(f"Lemke–Howson from label {init} did not finish within "
                       f"max_pivots={max_pivots} pivots (raise max_pivots to go on)")


def _follow_path(init, m, max_pivots, step):
    """Complementary pivoting from the missing label ``init``: ``step(k, entering)``
    pivots label ``entering`` into tableau ``k`` (0: the one whose basis starts with the
    column player's slacks, 1: the row player's) and returns the label that leaves; the
    path ends when ``init`` leaves. Shared by the integer, flint and NumPy loops."""
    entering, k = init, (0 if init < m else 1)
    for _ in range(max_pivots):
        entering = step(k, entering)
        if entering == init:
            return
        k = 1 - k
    raise _out_of_pivots(init, max_pivots)


def _lex_min_ratio_float(T, col, slack_cols):
    column = T[:, col]
    rows = np.flatnonzero(column > _TOL)
    if rows.size == 0:
        raise _FloatBreakdown()
    if rows.size == 1:
        return int(rows[0])
    ratios = T[rows, -1] / column[rows]
    rows = rows[ratios <= ratios.min() + _TOL]
    if rows.size == 1:
        return int(rows[0])
    # lexicographic tie-break on the basis inverse (the slack columns, in order); a
    # column whose ratios are all within _TOL of each other keeps every row, so only
    # the columns that vary over the tied rows need the sequential filter
    R = T[rows, slack_cols.start:slack_cols.stop] / column[rows, None]
    for key in np.flatnonzero(R.max(axis=0) - R.min(axis=0) > _TOL):
        ratios = R[:, key]
        keep = ratios <= ratios.min() + _TOL
        rows, R = rows[keep], R[keep]
        if rows.size == 1:
            break
    return int(rows[0])


def _float_tableaux(A, B):
    """Full float tableaux ``[B'^T | I | 1]`` and ``[I | A' | 1]`` (NumPy loop only)."""
    m, n = A.shape
    # positive affine rescaling into [1, 2] (same equilibria; keeps the tolerances meaningful)
    A = (A - A.min()) / max(float(A.max() - A.min()), 1e-300) + 1.0
    B = (B - B.min()) / max(float(B.max() - B.min()), 1e-300) + 1.0
    T0 = np.hstack([B.T, np.eye(n), np.ones((n, 1))])
    T1 = np.hstack([np.eye(m), A, np.ones((m, 1))])
    return T0, T1


#: games with at least this many cells use the numba kernel for float pivoting (when enabled)
NUMBA_THRESHOLD = 400
_NUMBA_KERNELS = []


def _numba_kernels(force=False, cells=None):
    """The compiled ``(pivots, check)`` kernels, or ``None``.

    Policy of :mod:`._compiled`: by default they are used only when numba is
    already imported in the process (e.g. by QuantEcon) and either they are
    loaded already or the game has ``cells >= NUMBA_THRESHOLD`` payoff cells;
    ``DETERRENCE_NUMBA=1`` always uses them when installed, ``0`` never.
    """
    if not numba_allowed(force or (numba_loaded() and (
            _NUMBA_KERNELS or cells is None or cells >= NUMBA_THRESHOLD))):
        return None
    if not _NUMBA_KERNELS:
        kernels = (jit(_float_kernel), jit(_float_check_kernel))
        _NUMBA_KERNELS.append(None if None in kernels else kernels)
    return _NUMBA_KERNELS[0]


def _float_run(game, init, max_pivots, backend=None):
    """Float complementary pivoting.

    Returns ``(basis0, basis1, x, y, ranges, kernels)``: the final bases
    (arrays of labels, one per tableau row), the unnormalised basic values of
    the players' strategy variables (``x`` of length m, ``y`` of length n),
    ``[min A, max A, min B, max B]`` and the kernels used (``None`` for the
    NumPy loop). ``backend`` is ``"numpy"``, ``"numba"``, ``"python"`` (the
    kernel uncompiled) or ``None`` (numba when :func:`_numba_kernels` allows
    it, else NumPy).
    """
    m, n = game.shape
    A, B = game.as_float()
    kernels = None
    if backend == "python":
        kernels = (_float_kernel, _float_check_kernel)
    elif backend is None or backend == "numba":
        kernels = _numba_kernels(force=backend == "numba", cells=m * n)
    if kernels is not None:
        basis0 = np.empty(n, dtype=np.int64)
        basis1 = np.empty(m, dtype=np.int64)
        x = np.empty(m)
        y = np.empty(n)
        ranges = np.empty(4)
        args = (A, B, init, max_pivots, _TOL, basis0, basis1, x, y, ranges)
        status = run_compiled(kernels[0], *args)
        if status == 1:
            raise _out_of_pivots(init, max_pivots)
        if status == 2:
            raise _FloatBreakdown()
        return basis0, basis1, x, y, ranges, kernels
    # payoffs near the float limit overflow in the rescaling: NaN/inf then make the
    # float route give way to the exact one, without warnings
    with np.errstate(all="ignore"):
        return _numpy_run(A, B, init, max_pivots)


def _numpy_run(A, B, init, max_pivots):
    """The vectorised NumPy pivoting loop (full tableaux), for when numba is not used."""
    m, n = A.shape
    T0, T1 = _float_tableaux(A, B)
    T = [T0, T1]
    bases = [list(range(m, m + n)), list(range(m))]
    slacks = [range(m, m + n), range(m)]

    def step(k, entering):
        tab = T[k]
        r = _lex_min_ratio_float(tab, entering, slacks[k])
        row = tab[r]
        row *= 1.0 / row[entering]
        col = tab[:, entering].copy()
        col[r] = 0.0
        tab -= col[:, None] * row
        bases[k][r], leaving = entering, bases[k][r]
        return leaving

    _follow_path(init, m, max_pivots, step)
    basis0, basis1 = np.array(bases[0], dtype=np.int64), np.array(bases[1], dtype=np.int64)
    x, y = np.zeros(m), np.zeros(n)
    own = basis0 < m
    x[basis0[own]] = T0[own, -1]
    own = basis1 >= m
    y[basis1[own] - m] = T1[own, -1]
    ranges = np.array([A.min(), A.max(), B.min(), B.max()], dtype=float)
    return basis0, basis1, x, y, ranges, None


def _float_path(game, init, max_pivots, backend=None):
    """The final bases of float pivoting, as two lists of labels."""
    basis0, basis1, *_ = _float_run(game, init, max_pivots, backend)
    return [basis0.tolist(), basis1.tolist()]


def _float_kernel(A, B, init, max_pivots, tol, basis0, basis1, x, y, ranges):
    """The float pivoting loop written for numba (also runs as plain Python).

    Dictionary form: each tableau keeps only its nonbasic columns and the
    right-hand side (a basic column is a unit vector), so a pivot touches
    ``rows x (m + 1)`` entries instead of ``rows x (m + n + 1)``. Tableau 0
    (rows: column actions) holds ``B'^T x + s = 1``, tableau 1 (rows: row
    actions) ``r + A' y = 1``, with ``A'``, ``B'`` rescaled into [1, 2]. The
    ratio test is the same lexicographic rule with tolerance as the NumPy
    loop (right-hand side, then the slack columns in order).

    Fills ``basis0``/``basis1`` (label of each row), ``x``/``y`` (the
    unnormalised strategy values) and ``ranges`` (``[min A, max A, min B,
    max B]``); returns 0 (done), 1 (``max_pivots`` reached) or 2 (no
    positive entry in the entering column).
    """
    m, n = A.shape
    amin = A[0, 0]
    amax = amin
    bmin = B[0, 0]
    bmax = bmin
    for i in range(m):
        for j in range(n):
            a = A[i, j]
            b = B[i, j]
            if a < amin:
                amin = a
            if a > amax:
                amax = a
            if b < bmin:
                bmin = b
            if b > bmax:
                bmax = b
    ranges[0] = amin
    ranges[1] = amax
    ranges[2] = bmin
    ranges[3] = bmax
    sa = 1.0 / max(amax - amin, 1e-300)
    sb = 1.0 / max(bmax - bmin, 1e-300)
    N0 = np.empty((n, m + 1))
    N1 = np.empty((m, n + 1))
    for j in range(n):
        for i in range(m):
            N0[j, i] = (B[i, j] - bmin) * sb + 1.0
        N0[j, m] = 1.0
    for i in range(m):
        for j in range(n):
            N1[i, j] = (A[i, j] - amin) * sa + 1.0
        N1[i, n] = 1.0
    # pos[label]: column of a nonbasic label (-1 if basic); row[label]: row of a basic one
    pos0 = np.full(m + n, -1, dtype=np.int64)
    row0 = np.full(m + n, -1, dtype=np.int64)
    pos1 = np.full(m + n, -1, dtype=np.int64)
    row1 = np.full(m + n, -1, dtype=np.int64)
    for i in range(m):
        pos0[i] = i
        row1[i] = i
        basis1[i] = i
    for j in range(n):
        row0[m + j] = j
        basis0[j] = m + j
        pos1[m + j] = j
    size = max(m, n)
    cand = np.empty(size, dtype=np.int64)
    colbuf = np.empty(size)
    rowbuf = np.empty(size + 1)
    entering = init
    k = 0 if init < m else 1
    done = False
    for _ in range(max_pivots):
        if k == 0:
            N = N0
            basis = basis0
            pos = pos0
            rowof = row0
            s0 = m
            ns = n
        else:
            N = N1
            basis = basis1
            pos = pos1
            rowof = row1
            s0 = 0
            ns = m
        nrows = N.shape[0]
        ncols = N.shape[1]
        c = pos[entering]
        count = 0
        for i in range(nrows):
            if N[i, c] > tol:
                cand[count] = i
                count += 1
        if count == 0:
            return 2
        # lexicographic minimum ratio: the right-hand side, then each slack column
        s = -1
        while count > 1 and s < ns:
            if s < 0:
                key = ncols - 1
                unit_row = -1
            else:
                label = s0 + s
                key = pos[label]
                unit_row = rowof[label]   # a basic slack's column is the unit vector of its row
            best = np.inf
            for t in range(count):
                i = cand[t]
                if key >= 0:
                    v = N[i, key]
                else:
                    v = 1.0 if i == unit_row else 0.0
                colbuf[t] = v / N[i, c]
                if colbuf[t] < best:
                    best = colbuf[t]
            kept = 0
            for t in range(count):
                if colbuf[t] <= best + tol:
                    cand[kept] = cand[t]
                    kept += 1
            count = kept
            s += 1
        r = cand[0]
        # pivot on (r, c); the leaving label's column takes slot c
        p = N[r, c]
        for i in range(nrows):
            colbuf[i] = N[i, c]
        N[r, c] = 1.0
        inv = 1.0 / p
        for j in range(ncols):
            N[r, j] *= inv
        # a copy of the pivot row: reading it from N itself would alias the rows being
        # written, which keeps the compiler from vectorising the loop (1.5x slower)
        for j in range(ncols):
            rowbuf[j] = N[r, j]
        for i in range(nrows):
            f = colbuf[i]
            if i != r and f != 0.0:
                N[i, c] = 0.0
                for j in range(ncols):
                    N[i, j] -= f * rowbuf[j]
        leaving = basis[r]
        basis[r] = entering
        rowof[entering] = r
        pos[entering] = -1
        rowof[leaving] = -1
        pos[leaving] = c
        entering = leaving
        if entering == init:
            done = True
            break
        k = 1 - k
    if not done:
        return 1
    for i in range(m):
        x[i] = 0.0
    for j in range(n):
        y[j] = 0.0
    for j in range(n):
        if basis0[j] < m:
            x[basis0[j]] = N0[j, m]
    for i in range(m):
        if basis1[i] >= m:
            y[basis1[i] - m] = N1[i, n]
    return 0


#: float check: a deviation gains at most FLOAT_TOL times the payoff range (plus rounding)
FLOAT_TOL = 1e-9


def _float_check_kernel(A, B, x, y, ranges, tol, out):
    """The float equilibrium check, written for numba (also runs as plain Python).

    Normalises ``x`` and ``y`` in place (values at most ``tol`` times the
    largest are set to 0) and writes ``out = [payoff0, payoff1, regret0,
    regret1, allowance0, allowance1]``. Returns False when a vector has an
    entry below ``-tol`` times its largest or no positive entry.
    """
    m, n = A.shape
    sx = np.empty(m, dtype=np.int64)
    sy = np.empty(n, dtype=np.int64)
    kx = 0
    ky = 0
    for which in range(2):
        v = x if which == 0 else y
        top = 0.0
        for i in range(v.shape[0]):
            if v[i] > top:
                top = v[i]
        if top <= 0.0:
            return False
        total = 0.0
        for i in range(v.shape[0]):
            if v[i] < -tol * top:
                return False
            if v[i] <= tol * top:
                v[i] = 0.0
            else:
                total += v[i]
                if which == 0:
                    sx[kx] = i
                    kx += 1
                else:
                    sy[ky] = i
                    ky += 1
        for i in range(v.shape[0]):
            v[i] /= total
    # each action's payoff against the other's mix: only the other's support matters
    best0 = -np.inf
    u0 = 0.0
    for i in range(m):
        acc = 0.0
        for t in range(ky):
            acc += A[i, sy[t]] * y[sy[t]]
        if acc > best0:
            best0 = acc
        u0 += x[i] * acc
    best1 = -np.inf
    u1 = 0.0
    for j in range(n):
        acc = 0.0
        for t in range(kx):
            acc += x[sx[t]] * B[sx[t], j]
        if acc > best1:
            best1 = acc
        u1 += y[j] * acc
    out[0] = u0
    out[1] = u1
    out[2] = best0 - u0
    out[3] = best1 - u1
    for k in range(2):
        lo = ranges[2 * k]
        hi = ranges[2 * k + 1]
        out[4 + k] = tol * (hi - lo) + 1e-12 * max(abs(hi), abs(lo))
    return True


def _float_check_numpy(A, B, x, y, ranges, tol, out):
    """:func:`_float_check_kernel` with NumPy operations (the path without numba)."""
    for v in (x, y):
        top = v.max()
        if top <= 0.0 or v.min() < -tol * top:
            return False
        v[v <= tol * top] = 0.0
        v /= v.sum()
    Ay = A[:, y != 0] @ y[y != 0]
    xB = x[x != 0] @ B[x != 0]
    out[0] = x @ Ay
    out[1] = xB @ y
    out[2] = Ay.max() - out[0]
    out[3] = xB.max() - out[1]
    for k in range(2):
        lo, hi = ranges[2 * k], ranges[2 * k + 1]
        out[4 + k] = tol * (hi - lo) + 1e-12 * max(abs(hi), abs(lo))
    return True


def _float_equilibrium(game, x, y, ranges, kernels):
    """A float :class:`Equilibrium` from unnormalised ``x``, ``y``, or ``None`` if the check fails.

    The check, in float64 on the game's payoffs: probabilities nonnegative
    and summing to 1 (up to rounding), and no player gains more than
    ``FLOAT_TOL`` times the range of their payoffs (plus ``1e-12`` times the
    largest payoff, for rounding) by deviating to any pure action. It also
    fails when a player's payoffs spread over less than ``1e-3`` of their
    magnitude (e.g. ``2**70`` plus small integers), where converting them to
    float64 may lose the differences that decide the game, unless they are
    exactly equal.
    """
    for k in range(2):
        lo, hi = ranges[2 * k], ranges[2 * k + 1]
        if not 1e-12 * max(abs(hi), abs(lo)) <= FLOAT_TOL * (hi - lo) < math.inf:
            # the spread of the payoffs is lost in their magnitude (e.g. 2**70 + small
            # integers) or overflows: the float game may not be this game, and only the
            # exact answer is safe, unless the exact payoffs are all equal (e.g. 1 x 1)
            first = game.payoff_array(k).flat[0]
            if not all(v == first for v in game.payoff_array(k).flat):
                return None
    A, B = game.as_float()
    out = np.empty(6)
    check = _float_check_numpy if kernels is None else kernels[1]
    if not check(A, B, x, y, ranges, FLOAT_TOL, out):
        return None
    if not (out[2] <= out[4] and out[3] <= out[5]):   # also False for NaN
        return None
    return Equilibrium(strategies=(tuple(x.tolist()), tuple(y.tolist())),
                       payoffs=(float(out[0]), float(out[1])),
                       players=game.players, actions=game.actions, exact=False)
