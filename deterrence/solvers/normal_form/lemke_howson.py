"""One Nash equilibrium of a two-player game by the Lemke–Howson algorithm.

Sources: B. von Stengel, "Computing equilibria for two-person games",
Handbook of Game Theory vol. 3, ch. 45 (2002), sections 3.4–3.6 (complementary
pivoting on two tableaux, integer pivoting, lexicographic degeneracy
resolution); C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix
games", SIAM J. Appl. Math. 12 (1964). QuantEcon's ``lemke_howson`` was read
as a second description of the same tableau layout and ratio test; no code
was copied.

Steps
-----
1. Two tableaux over the labels ``0..m-1`` (row actions) and ``m..m+n-1``
   (column actions): ``T0 = [B^T | I_n | 1]`` for the row player's mixed
   strategy ``x`` with slack basis, and ``T1 = [I_m | A | 1]`` for the
   column player's ``y``, with payoffs made positive (a positive affine
   change, which keeps the equilibria).
2. Complementary pivoting: the variable with the initial label enters its
   tableau; the minimum-ratio test picks the leaving variable; the variable
   of the other tableau with the leaving label enters next; stop when the
   initial label leaves. The ratio test is LEXICOGRAPHIC (ties in the
   right-hand side broken by the columns of the basis inverse, i.e. the
   slack columns), so degenerate games neither cycle nor stall.
3. Float pivoting (``pivoting="float"``, the default): float64 pivots, in a
   numba-compiled loop on dictionary-form tableaux (only the nonbasic
   columns are stored) when numba is enabled (see :func:`_numba_kernels`),
   else a vectorised NumPy loop; payoffs are rescaled into [1, 2].
4. ``exact=False``: the final basic values, normalised, are the strategies;
   they are checked in floating point (no deviation gains more than
   ``FLOAT_TOL`` times the payoff range) and returned as floats
   (``Equilibrium.exact`` and ``SolveResult.exact`` are False). If the check
   fails, the exact answer (step 5) is returned with a note.
5. ``exact=True``: the final bases give the supports and the best-response
   actions; the equilibrium is recovered exactly by solving those
   indifference equations in rationals (python-flint ``fmpq_mat``) and
   certified by :func:`~deterrence.solvers.certify.certified_equilibrium`.
   If that fails (float rounding chose a wrong basis, e.g. in a degenerate
   game), integer pivoting (step 6) is run instead and a note says so.
6. ``pivoting="integer"``: fraction-free (Bareiss) integer pivoting on the
   payoffs scaled to positive integers: row ``i`` becomes
   ``(T[i]*p - T[i,c]*T[r]) // d`` with ``p`` the pivot and ``d`` the previous
   pivot, every division exact. With python-flint (games of
   ``FLINT_THRESHOLD`` cells or more) the same pivots run in C on a
   dictionary-form tableau. Slower, but no float rounding anywhere: kept for
   cross-checks and as the fallback of step 5.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import positive_integer_matrix
from deterrence.errors import GameError, NotAnEquilibriumError, SolverError
from deterrence.solvers.certify import certified_equilibrium, on_support
from deterrence.solvers.result import Equilibrium, SolveResult
from deterrence.solvers._compiled import jit, numba_allowed, numba_loaded

#: Default limit on the number of pivots (Lemke–Howson paths can be exponential).
DEFAULT_MAX_PIVOTS = 1_000_000
_TOL = 1e-9
PIVOTING = ("float", "integer")


class _FloatBreakdown(SolverError):
    """Float pivoting found no positive entry in the entering column (rounding)."""

    def __init__(self):
        super().__init__("Lemke–Howson (floating point): no positive entry in the entering column")


def _out_of_pivots(init, max_pivots):
    return SolverError(f"Lemke–Howson from label {init} did not finish within max_pivots={max_pivots} pivots")


def lemke_howson(game, *, initial_label: int = 0, exact: bool = True, pivoting: str = "float",
                 max_pivots: int = DEFAULT_MAX_PIVOTS) -> SolveResult:
    """One equilibrium of a two-player game by Lemke–Howson (lexicographic pivoting).

    ``initial_label`` is ``0..m-1`` for the row player's actions and
    ``m..m+n-1`` for the column player's. ``exact=True`` returns exact
    (``int``/``Fraction``) strategies, certified exactly; ``exact=False``
    returns floats checked in floating point (no deviation gains more than
    ``FLOAT_TOL`` times the player's payoff range), or the exact answer with
    a note when that check fails. ``pivoting="float"`` (default) pivots in
    float64 and recovers the exact equilibrium from the final bases, falling
    back to integer pivoting if it does not certify; ``pivoting="integer"``
    (exact only) pivots in exact integer arithmetic throughout. Raises
    :class:`~deterrence.errors.SolverError` after ``max_pivots`` pivots.

    >>> from deterrence import NormalFormGame
    >>> bos = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]],
    ...                                  actions=[["opera", "fight"]] * 2)
    >>> lemke_howson(bos).equilibria[0].describe()
    'Row: opera; Column: opera  (payoffs 3, 2)'
    >>> lemke_howson(bos, initial_label=1, pivoting="integer")[0].strategies
    ((0, 1), (0, 1))
    >>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> res = lemke_howson(mp, exact=False)
    >>> res.exact, [round(p, 9) for p in res[0].strategies[0]]
    (False, [0.5, 0.5])
    """
    game._need_numeric("lemke_howson")
    game._need_two_players("lemke_howson")
    m, n = game.shape
    if isinstance(initial_label, bool) or not isinstance(initial_label, (int, np.integer)) \
            or not 0 <= initial_label < m + n:
        raise GameError(f"initial_label {initial_label!r} is out of range: labels are 0..{m + n - 1} "
                        f"(0..{m - 1} for {game.players[0]}'s actions, "
                        f"{m}..{m + n - 1} for {game.players[1]}'s)")
    if isinstance(max_pivots, bool) or not isinstance(max_pivots, (int, np.integer)) or max_pivots < 1:
        raise GameError(f"max_pivots must be a positive integer, got {max_pivots!r}")
    if pivoting not in PIVOTING:
        raise GameError(f"pivoting must be one of {', '.join(map(repr, PIVOTING))}, got {pivoting!r}")
    if pivoting == "integer" and not exact:
        raise GameError("pivoting='integer' gives an exact answer: use exact=True")
    init = int(initial_label)
    notes = [f"one equilibrium, from initial label {init} ({_label_name(game, init)})"]
    if pivoting == "integer":
        eq = certified_equilibrium(game, _exact_path(game, init, max_pivots))
    else:
        try:
            basis0, basis1, x, y, ranges, kernels = _float_run(game, init, max_pivots)
        except (_FloatBreakdown, OverflowError, FloatingPointError):
            # payoffs beyond float range or a float path that breaks down (no positive
            # entry): the integer path decides. Running out of pivots is raised as is:
            # the integer path follows the same rule and would only take longer to fail.
            basis0 = None
        eq = None
        if basis0 is not None and not exact:
            eq = _float_equilibrium(game, x, y, ranges, kernels)
        if eq is None and not exact:
            notes.append("the floating-point answer failed its check; the exact equilibrium "
                         "is returned instead")
        if eq is None and basis0 is not None:
            eq = _exact_from_bases(game, basis0.tolist(), basis1.tolist())
        if eq is None:
            notes.append("floating-point pivoting did not end at an exact equilibrium; "
                         "the exact integer pivoting path was used instead")
            eq = certified_equilibrium(game, _exact_path(game, init, max_pivots))
    return SolveResult(equilibria=(eq,), method="lemke_howson", exact=eq.exact, complete=False,
                       players=game.players, actions=game.actions, notes=tuple(notes))


def _exact_from_bases(game, basis0, basis1):
    """The certified exact equilibrium the final float bases stand for, or ``None``."""
    try:
        strategies = _strategies_from_bases(game, basis0, basis1)
        if strategies is not None:
            return certified_equilibrium(game, strategies)
    except (NotAnEquilibriumError, GameError, ZeroDivisionError):
        pass
    return None


def _label_name(game, label):
    m = game.shape[0]
    if label < m:
        return f"{game.players[0]}: {game.actions[0][label]}"
    return f"{game.players[1]}: {game.actions[1][label - m]}"


# -- integer payoffs ----------------------------------------------------------
def _tableaux(A, B, m, n):
    """Integer tableaux ``T0 = [B^T | I | 1]`` and ``T1 = [I | A | 1]`` as lists of rows."""
    T0 = [[B[i][j] for i in range(m)] + [1 if k == j else 0 for k in range(n)] + [1]
          for j in range(n)]
    T1 = [[1 if k == i else 0 for k in range(m)] + A[i] + [1] for i in range(m)]
    return T0, T1


# -- exact path (pure Python ints, full tableau; the ratio test also serves flint) ----
def _lex_min_ratio_exact(column, keys, entry):
    """Row of the lexicographic minimum ratio for the entering ``column`` (its entries).

    Among the rows with a positive entry, keep those of least ``entry(i, key) /
    column[i]`` for each key in turn (``-1`` the right-hand side, then the slack
    labels) until one is left. Shared by the integer and flint tableaux.
    """
    rows = [i for i, v in enumerate(column) if v > 0]
    if not rows:
        raise SolverError("Lemke–Howson: unbounded ray (no positive entry in the entering column); "
                          "this cannot happen for positive payoffs")
    for key in keys:
        if len(rows) == 1:
            break
        # least ratio by cross-multiplication (denominators > 0)
        best, best_den = entry(rows[0], key), column[rows[0]]
        keep = rows[:1]
        for i in rows[1:]:
            v = entry(i, key)
            lhs = v * best_den
            rhs = best * column[i]
            if lhs < rhs:
                best, best_den, keep = v, column[i], [i]
            elif lhs == rhs:
                keep.append(i)
        rows = keep
    return rows[0]


def _pivot_exact(T, r, c, d):
    """Fraction-free pivot on (r, c); ``d`` is the previous pivot. Returns the new ``d``."""
    p = T[r][c]
    prow = T[r]
    for i, row in enumerate(T):
        if i == r:
            continue
        f = row[c]
        if f == 0:
            if p != d:
                T[i] = [(v * p) // d for v in row]
        else:
            T[i] = [(v * p - f * w) // d for v, w in zip(row, prow)]
    return p


def _flint():
    try:
        import flint  # optional accelerator: the same integer pivots in C (python-flint)
    except ImportError:  # pragma: no cover - python-flint absent
        return None
    return flint


#: games with at least this many cells use python-flint (when installed) for the pivots
FLINT_THRESHOLD = 64


def _exact_path(game, init, max_pivots, backend=None):
    """Exact complementary pivoting; ``backend`` is ``"python"``, ``"flint"`` or ``None`` (auto)."""
    m, n = game.shape
    A = positive_integer_matrix(game.A)
    B = positive_integer_matrix(game.B)
    flint = None
    if backend == "flint" or (backend is None and m * n >= FLINT_THRESHOLD):
        flint = _flint()
    if flint is not None:
        return _exact_path_flint(flint, A, B, m, n, init, max_pivots)
    T = list(_tableaux(A, B, m, n))
    bases = [list(range(m, m + n)), list(range(m))]
    keys = [[-1, *range(m, m + n)], [-1, *range(m)]]    # the right-hand side, then the slacks
    entries = [lambda i, key, t=t: t[i][key] for t in T]
    dets = [1, 1]

    def step(k, entering):
        r = _lex_min_ratio_exact([row[entering] for row in T[k]], keys[k], entries[k])
        dets[k] = _pivot_exact(T[k], r, entering, dets[k])
        bases[k][r], leaving = entering, bases[k][r]
        return leaving

    _follow_path(init, m, max_pivots, step)
    return _integer_strategies([[row[-1] for row in tab] for tab in T], bases, m, n)


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


def _integer_strategies(rhs, bases, m, n):
    """Normalised strategies from the final bases and right-hand sides of both tableaux."""
    x = [0] * m
    for r, lab in enumerate(bases[0]):
        if lab < m:
            x[lab] = int(rhs[0][r])
    y = [0] * n
    for r, lab in enumerate(bases[1]):
        if lab >= m:
            y[lab - m] = int(rhs[1][r])
    return [_normalised(x), _normalised(y)]


# -- exact path (python-flint, dictionary form) -------------------------------------
class _FlintDictionary:
    """An integer tableau in dictionary form held as a ``flint.fmpz_mat``.

    Only the nonbasic columns and the right-hand side are stored (a basic
    column is ``d`` times a unit vector), halving the work of a pivot. The
    fraction-free pivot is one C-level expression: with ``col'`` the entering
    column whose pivot entry is replaced by ``p - d``,
    ``M <- (p*M - col' * M[r]) / d`` applies Bareiss' rule to every other row,
    leaves row ``r`` unchanged, and divides exactly. The entering column's
    slot then receives the leaving variable's column: ``-col`` off the pivot
    row, ``d`` on it.
    """

    def __init__(self, flint, columns, rows, basis, nonbasic):
        # columns: list of column vectors (one per nonbasic variable) plus the rhs last
        self.flint = flint
        self.nrows = rows
        self.ncols = len(columns)
        self.M = flint.fmpz_mat(rows, self.ncols, [columns[c][i] for i in range(rows)
                                                   for c in range(self.ncols)])
        self.basis = list(basis)
        self.nonbasic = list(nonbasic)
        self.pos = {lab: c for c, lab in enumerate(nonbasic)}
        self.pos[-1] = self.ncols - 1     # label -1: the right-hand side
        self.row_of = {lab: r for r, lab in enumerate(basis)}
        self.d = 1

    def column(self, label):
        c = self.pos[label]
        M = self.M
        return [M[i, c] for i in range(self.nrows)]

    def entry(self, i, label):
        """Entry of row ``i`` in the (full-tableau) column of ``label`` (-1: the right-hand side)."""
        c = self.pos.get(label)
        if c is not None:
            return self.M[i, c]
        return self.d if self.row_of[label] == i else 0

    def ratio_row(self, label, keys):
        column = self.column(label)
        return _lex_min_ratio_exact(column, keys, self.entry), column

    def pivot(self, r, label, column):
        flint, M = self.flint, self.M
        c = self.pos[label]
        p, d = column[r], self.d
        colv = list(column)
        colv[r] = p - d
        row = flint.fmpz_mat(1, self.ncols, [M[r, j] for j in range(self.ncols)])
        M = (M * p - flint.fmpz_mat(self.nrows, 1, colv) * row) / d
        for i in range(self.nrows):
            M[i, c] = -column[i]
        M[r, c] = d
        self.M = M
        self.d = p
        leaving = self.basis[r]
        self.basis[r] = label
        del self.pos[label], self.row_of[leaving]
        self.row_of[label] = r
        self.pos[leaving] = c
        self.nonbasic[c] = leaving
        return leaving

    def rhs(self):
        last = self.ncols - 1
        return [int(self.M[i, last]) for i in range(self.nrows)]


def _exact_path_flint(flint, A, B, m, n, init, max_pivots):
    # columns of the nonbasic variables: x_i's in tableau 0 is row i of B, y_j's in
    # tableau 1 is column j of A (positive integer payoffs); the rhs is all ones
    cols0 = B + [[1] * n]
    cols1 = [list(col) for col in zip(*A)] + [[1] * m]
    tabs = [_FlintDictionary(flint, cols0, n, range(m, m + n), range(m)),
            _FlintDictionary(flint, cols1, m, range(m), range(m, m + n))]
    keys = [[-1, *range(m, m + n)], [-1, *range(m)]]    # the right-hand side, then the slacks

    def step(k, entering):
        r, column = tabs[k].ratio_row(entering, keys[k])
        return tabs[k].pivot(r, entering, column)

    _follow_path(init, m, max_pivots, step)
    return _integer_strategies([tab.rhs() for tab in tabs], [tabs[0].basis, tabs[1].basis], m, n)


def _normalised(v):
    total = sum(v)
    if total <= 0:
        raise SolverError("Lemke–Howson ended at the artificial equilibrium (internal error)")
    return [Fraction(a, total) if isinstance(a, int) else a / total for a in v]


# -- float path -------------------------------------------------------------------
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
        status = kernels[0](A, B, init, max_pivots, _TOL, basis0, basis1, x, y, ranges)
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


# -- exact recovery from the final bases ------------------------------------------
def _strategies_from_bases(game, basis0, basis1):
    """Exact strategies from the final bases: solve the tight (indifference) equations.

    Row player: the basic ``x`` labels ``S`` and the nonbasic slack labels
    ``J`` (column actions that are best responses) satisfy ``B[S, J]^T x_S = 1``;
    likewise ``A[I, T] y_T = 1`` for the column player. Returns ``None`` when
    the system is singular or the solution is not a probability vector.
    """
    m, n = game.shape
    S = sorted(lab for lab in basis0 if lab < m)
    J = sorted(set(range(n)) - {lab - m for lab in basis0 if lab >= m})
    T = sorted(lab - m for lab in basis1 if lab >= m)
    I = sorted(set(range(m)) - {lab for lab in basis1 if lab < m})
    if len(S) != len(J) or len(T) != len(I) or not S or not T:
        return None
    A, B = game.A, game.B
    Bt = [[B[i, j] for i in S] for j in J]
    Asub = [[A[i, j] for j in T] for i in I]
    xs = _solve_probabilities(Bt)
    ys = _solve_probabilities(Asub)
    if xs is None or ys is None:
        return None
    return [on_support(S, xs, m), on_support(T, ys, n)]


def _solve_probabilities(M):
    """Solve ``M z = v 1``, ``sum z = 1`` exactly (k unknowns, k equations plus one).

    Shifting payoffs does not change the solution, so the equal value ``v`` is
    an unknown: the system is ``[M | -1; 1 | 0] (z, v) = (0, 1)``. Solved in
    C by python-flint's ``fmpq_mat`` (exact rationals), else by
    :func:`solve_exact`.
    """
    k = len(M)
    flint = _flint()
    if flint is not None:
        fmpq = flint.fmpq
        entries = []
        for row in M:
            entries += [v if type(v) is int else fmpq(v.numerator, v.denominator) for v in row]
            entries += [-1]
        entries += [1] * k + [0]
        try:
            sol = flint.fmpq_mat(k + 1, k + 1, entries).solve(
                flint.fmpq_mat(k + 1, 1, [0] * k + [1])).entries()
        except ZeroDivisionError:   # singular: these bases do not determine an equilibrium
            return None
        z = [Fraction(int(q.p), int(q.q)) for q in sol[:k]]
    else:  # pragma: no cover - python-flint is a dependency
        rows = [list(M[i]) + [-1, 0] for i in range(k)]
        rows.append([1] * k + [0, 1])
        sol = solve_exact(rows)
        if sol is None:
            return None
        z = sol[:k]
    if any(v < 0 for v in z):
        return None
    return z


def solve_exact(aug):
    """Solve a square linear system given as augmented rows, exactly.

    Fraction-free (Bareiss) Gauss–Jordan elimination in Python ints: each row
    is first scaled to integers; at the end the matrix is ``d`` times the
    identity and the solution is ``rhs / d``. Returns Fractions, or ``None``
    when the matrix is singular.

    >>> solve_exact([[2, 1, 3], [1, -1, 0]])
    [Fraction(1, 1), Fraction(1, 1)]
    """
    rows = []
    for row in aug:
        if all(type(v) is int for v in row):
            rows.append(list(row))
            continue
        qs = [Fraction(v) for v in row]
        den = math.lcm(*(q.denominator for q in qs))
        rows.append([int(q * den) for q in qs])
    size = len(rows)
    d = 1
    used = [False] * size
    order = [0] * size
    for c in range(size):
        r = next((i for i in range(size) if not used[i] and rows[i][c] != 0), None)
        if r is None:
            return None
        used[r] = True
        order[c] = r
        d = _pivot_exact(rows, r, c, d)
    return [Fraction(rows[order[c]][-1], d) for c in range(size)]
