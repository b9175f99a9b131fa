"""One Nash equilibrium of a two-player game by the Lemke–Howson algorithm.

Sources: B. von Stengel, "Computing equilibria for two-person games",
Handbook of Game Theory vol. 3, ch. 45 (2002), sections 3.4–3.6 (complementary
pivoting on two tableaux, integer pivoting, lexicographic degeneracy
resolution); C. E. Lemke and J. T. Howson, "Equilibrium points of bimatrix
games", SIAM J. Appl. Math. 12 (1964). QuantEcon's ``lemke_howson`` was read
as a second description of the same tableau layout; no code was copied.

Steps
-----
1. Make the payoffs positive integers: multiply each payoff matrix by the
   common denominator of its entries and add a constant so the smallest entry
   is 1 (neither changes the equilibria).
2. Build two tableaux over the labels ``0..m-1`` (row actions) and
   ``m..m+n-1`` (column actions): ``T0 = [B^T | I_n | 1]`` for the row
   player's mixed strategy ``x`` with slack basis, and
   ``T1 = [I_m | A | 1]`` for the column player's ``y``.
3. Complementary pivoting: the variable with the initial label enters its
   tableau; the minimum-ratio test picks the leaving variable; the variable
   of the other tableau with the leaving label enters next; stop when the
   initial label leaves. The ratio test is LEXICOGRAPHIC (ties in the
   right-hand side broken by the rows of the basis inverse, i.e. the slack
   columns), so degenerate games neither cycle nor stall.
4. ``exact=True``: fraction-free (Bareiss) integer pivoting with Python ints:
   row ``i`` becomes ``(T[i]*p - T[i,c]*T[r]) // d`` with ``p`` the pivot and
   ``d`` the previous pivot, every division exact and every entry an integer.
   With python-flint installed (games of ``FLINT_THRESHOLD`` cells or more)
   the same integer pivots run in C on a dictionary-form tableau.
   ``exact=False``: the same pivots in float64 (vectorised NumPy; or a
   numba-compiled loop for games of ``NUMBA_THRESHOLD`` cells or more when
   numba is already imported, or always with ``DETERRENCE_NUMBA=1``; never
   with ``DETERRENCE_NUMBA=0``); the final
   bases then give the supports, and the equilibrium is recovered exactly by
   solving the basis (indifference) equations in Fractions. If that profile
   does not certify, the exact path is run instead and a note says so.
5. The basic variables, normalised to sum to 1, are the strategies; the
   profile is certified exactly by
   :func:`~deterrence.solvers.certify.certified_equilibrium`.
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from ..errors import GameError, NotAnEquilibriumError, SolverError
from .certify import certified_equilibrium, on_support
from .result import SolveResult

#: Default limit on the number of pivots (Lemke–Howson paths can be exponential).
DEFAULT_MAX_PIVOTS = 1_000_000
_TOL = 1e-9


def lemke_howson(game, *, initial_label: int = 0, exact: bool = True,
                 max_pivots: int = DEFAULT_MAX_PIVOTS) -> SolveResult:
    """One equilibrium of a two-player game by Lemke–Howson (lexicographic pivoting).

    ``initial_label`` is ``0..m-1`` for the row player's actions and
    ``m..m+n-1`` for the column player's. ``exact=False`` pivots in floating
    point and recovers the exact equilibrium from the final bases. Raises
    :class:`~deterrence.errors.SolverError` after ``max_pivots`` pivots.

    >>> from deterrence import NormalFormGame
    >>> bos = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]],
    ...                                  actions=[["opera", "fight"]] * 2)
    >>> lemke_howson(bos).equilibria[0].describe()
    'Row: opera; Column: opera  (payoffs 3, 2)'
    >>> lemke_howson(bos, initial_label=1, exact=False)[0].strategies
    ((0, 1), (0, 1))
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
    initial_label = int(initial_label)
    notes = []
    if exact:
        strategies = _exact_path(game, initial_label, max_pivots)
        eq = certified_equilibrium(game, strategies)
    else:
        eq = None
        try:
            bases = _float_path(game, initial_label, max_pivots)
            strategies = _strategies_from_bases(game, *bases)
            if strategies is not None:
                eq = certified_equilibrium(game, strategies)
        except (NotAnEquilibriumError, GameError, ZeroDivisionError, np.linalg.LinAlgError):
            eq = None
        if eq is None:
            notes.append("floating-point pivoting did not end at an exact equilibrium; "
                         "the exact integer pivoting path was used instead")
            eq = certified_equilibrium(game, _exact_path(game, initial_label, max_pivots))
    notes.insert(0, f"one equilibrium, from initial label {initial_label} "
                    f"({_label_name(game, initial_label)})")
    return SolveResult(equilibria=(eq,), method="lemke_howson", exact=True, complete=False,
                       players=game.players, actions=game.actions, notes=tuple(notes))


def _label_name(game, label):
    m = game.shape[0]
    if label < m:
        return f"{game.players[0]}: {game.actions[0][label]}"
    return f"{game.players[1]}: {game.actions[1][label - m]}"


# -- integer payoffs ----------------------------------------------------------
def _positive_integer_matrix(M) -> list:
    """Scale by the common denominator and shift so that the smallest entry is 1."""
    flat = list(M.flat)
    if not all(type(v) is int for v in flat):
        flat = [Fraction(v) for v in flat]
        den = 1
        for q in flat:
            den = den * q.denominator // math.gcd(den, q.denominator)
        flat = [int(q * den) for q in flat]
    shift = 1 - min(flat)
    rows, cols = M.shape
    return [[flat[i * cols + j] + shift for j in range(cols)] for i in range(rows)]


def _tableaux(game):
    """Integer tableaux ``T0 = [B^T | I | 1]`` and ``T1 = [I | A | 1]`` as lists of rows."""
    m, n = game.shape
    A = _positive_integer_matrix(game.A)
    B = _positive_integer_matrix(game.B)
    T0 = [[B[i][j] for i in range(m)] + [1 if k == j else 0 for k in range(n)] + [1]
          for j in range(n)]
    T1 = [[1 if k == i else 0 for k in range(m)] + A[i] + [1] for i in range(m)]
    return T0, T1


# -- exact path (pure Python ints, full tableau) -----------------------------------
def _lex_min_ratio_exact(T, col, slack_cols):
    """Row of the lexicographic minimum ratio for entering column ``col``."""
    rows = [i for i, row in enumerate(T) if row[col] > 0]
    if not rows:
        raise SolverError("Lemke–Howson: unbounded ray (no positive entry in the entering column); "
                          "this cannot happen for positive payoffs")
    for key in [-1] + list(slack_cols):
        if len(rows) == 1:
            break
        # minimum of T[i][key] / T[i][col] over rows, by cross-multiplication (denominators > 0)
        best = rows[0]
        keep = [best]
        for i in rows[1:]:
            lhs = T[i][key] * T[best][col]
            rhs = T[best][key] * T[i][col]
            if lhs < rhs:
                best, keep = i, [i]
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
    T = list(_tableaux(game))
    flint = None
    if backend == "flint" or (backend is None and m * n >= FLINT_THRESHOLD):
        flint = _flint()
    if flint is not None:
        return _exact_path_flint(flint, T, m, n, init, max_pivots)
    bases = [list(range(m, m + n)), list(range(m))]
    slacks = [list(range(m, m + n)), list(range(m))]
    dets = [1, 1]
    entering = init
    k = 0 if init < m else 1
    for _ in range(max_pivots):
        r = _lex_min_ratio_exact(T[k], entering, slacks[k])
        dets[k] = _pivot_exact(T[k], r, entering, dets[k])
        bases[k][r], entering = entering, bases[k][r]
        if entering == init:
            break
        k = 1 - k
    else:
        raise SolverError(f"Lemke–Howson from label {init} did not finish within max_pivots={max_pivots} pivots")
    return _strategies_from_integer_tableaux(T, bases, m, n)


def _strategies_from_integer_tableaux(T, bases, m, n):
    x = [0] * m
    for r, lab in enumerate(bases[0]):
        if lab < m:
            x[lab] = int(T[0][r][-1])
    y = [0] * n
    for r, lab in enumerate(bases[1]):
        if lab >= m:
            y[lab - m] = int(T[1][r][-1])
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
        self.row_of = {lab: r for r, lab in enumerate(basis)}
        self.d = 1

    def column(self, label):
        c = self.pos[label]
        M = self.M
        return [M[i, c] for i in range(self.nrows)]

    def entry(self, i, label):
        """Entry of row ``i`` in the (full-tableau) column of ``label``."""
        c = self.pos.get(label)
        if c is not None:
            return self.M[i, c]
        return self.d if self.row_of[label] == i else 0

    def ratio_row(self, label, slack_labels):
        column = self.column(label)
        rows = [i for i, v in enumerate(column) if v > 0]
        if not rows:
            raise SolverError("Lemke–Howson: unbounded ray (no positive entry in the entering column); "
                              "this cannot happen for positive payoffs")
        M = self.M
        rhs = self.ncols - 1
        keys = [None] + list(slack_labels)
        for key in keys:
            if len(rows) == 1:
                break
            if key is None:
                vals = {i: M[i, rhs] for i in rows}
            else:
                vals = {i: self.entry(i, key) for i in rows}
            best = rows[0]
            keep = [best]
            for i in rows[1:]:
                lhs = vals[i] * column[best]
                rhs_ = vals[best] * column[i]
                if lhs < rhs_:
                    best, keep = i, [i]
                elif lhs == rhs_:
                    keep.append(i)
            rows = keep
        return rows[0], column

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


def _exact_path_flint(flint, T, m, n, init, max_pivots):
    A = [row[m:m + n] for row in T[1]]            # positive integer A (m x n)
    Bt = [row[:m] for row in T[0]]                # positive integer B^T (n x m)
    ones_n, ones_m = [1] * n, [1] * m
    cols0 = [[Bt[j][i] for j in range(n)] for i in range(m)] + [ones_n]
    cols1 = [[A[i][j] for i in range(m)] for j in range(n)] + [ones_m]
    tabs = [_FlintDictionary(flint, cols0, n, range(m, m + n), range(m)),
            _FlintDictionary(flint, cols1, m, range(m), range(m, m + n))]
    slacks = [range(m, m + n), range(m)]
    entering = init
    k = 0 if init < m else 1
    for _ in range(max_pivots):
        r, column = tabs[k].ratio_row(entering, slacks[k])
        entering = tabs[k].pivot(r, entering, column)
        if entering == init:
            break
        k = 1 - k
    else:
        raise SolverError(f"Lemke–Howson from label {init} did not finish within max_pivots={max_pivots} pivots")
    rhs = [[[v] for v in tab.rhs()] for tab in tabs]
    return _strategies_from_integer_tableaux(rhs, [tabs[0].basis, tabs[1].basis], m, n)


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
        raise SolverError("Lemke–Howson (floating point): no positive entry in the entering column")
    if rows.size == 1:
        return int(rows[0])
    ratios = T[rows, -1] / column[rows]
    rows = rows[ratios <= ratios.min() + _TOL]
    if rows.size == 1:
        return int(rows[0])
    for key in slack_cols:   # lexicographic tie-break on the basis inverse
        ratios = T[rows, key] / column[rows]
        rows = rows[ratios <= ratios.min() + _TOL]
        if rows.size == 1:
            break
    return int(rows[0])


def _float_tableaux(game):
    m, n = game.shape
    A, B = game.as_float()
    # positive affine rescaling into [1, 2] (same equilibria; keeps the tolerances meaningful)
    A = (A - A.min()) / max(float(A.max() - A.min()), 1e-300) + 1.0
    B = (B - B.min()) / max(float(B.max() - B.min()), 1e-300) + 1.0
    T0 = np.hstack([B.T, np.eye(n), np.ones((n, 1))])
    T1 = np.hstack([np.eye(m), A, np.ones((m, 1))])
    return T0, T1


#: games with at least this many cells use the numba kernel for float pivoting (when installed)
NUMBA_THRESHOLD = 400
_NUMBA_KERNEL = []


def _numba_kernel(force=False):
    """The compiled float kernel, or ``None``.

    Importing numba and loading the compiled kernel costs about a second, so
    by default the kernel is used only when numba is already imported in the
    process (e.g. by QuantEcon); ``DETERRENCE_NUMBA=1`` always uses it when
    installed, ``DETERRENCE_NUMBA=0`` never.
    """
    import os
    import sys
    setting = os.environ.get("DETERRENCE_NUMBA", "")
    if setting == "0" or not (force or setting == "1" or "numba" in sys.modules):
        return None
    if not _NUMBA_KERNEL:
        try:
            import numba
            kernel = numba.njit(cache=True)(_float_kernel)
        except Exception:  # pragma: no cover - numba absent or broken
            kernel = None
        _NUMBA_KERNEL.append(kernel)
    return _NUMBA_KERNEL[0]


def _float_path(game, init, max_pivots, backend=None):
    """Float complementary pivoting; ``backend`` is ``"numpy"``, ``"numba"``, ``"python"`` or ``None``."""
    m, n = game.shape
    T0, T1 = _float_tableaux(game)
    kernel = None
    if backend == "python":
        kernel = _float_kernel
    elif backend == "numba" or (backend is None and m * n >= NUMBA_THRESHOLD):
        kernel = _numba_kernel(force=backend == "numba")
    if kernel is not None:
        basis0 = np.arange(m, m + n, dtype=np.int64)
        basis1 = np.arange(m, dtype=np.int64)
        status = kernel(T0, T1, basis0, basis1, init, m, n, max_pivots, _TOL)
        if status == 1:
            raise SolverError(f"Lemke–Howson from label {init} did not finish within "
                              f"max_pivots={max_pivots} pivots")
        if status == 2:
            raise SolverError("Lemke–Howson (floating point): no positive entry in the entering column")
        return [basis0.tolist(), basis1.tolist()]
    T = [T0, T1]
    bases = [list(range(m, m + n)), list(range(m))]
    slacks = [range(m, m + n), range(m)]
    entering = init
    k = 0 if init < m else 1
    for _ in range(max_pivots):
        tab = T[k]
        r = _lex_min_ratio_float(tab, entering, slacks[k])
        row = tab[r]
        row *= 1.0 / row[entering]
        col = tab[:, entering].copy()
        col[r] = 0.0
        tab -= col[:, None] * row
        bases[k][r], entering = entering, bases[k][r]
        if entering == init:
            break
        k = 1 - k
    else:
        raise SolverError(f"Lemke–Howson from label {init} did not finish within max_pivots={max_pivots} pivots")
    return bases


def _float_kernel(T0, T1, basis0, basis1, init, m, n, max_pivots, tol):
    """The float pivoting loop written for numba (also runs as plain Python).

    Same rule as the NumPy loop: lexicographic minimum ratio with tolerance,
    then a Gauss–Jordan pivot. Returns 0 (done), 1 (max_pivots reached) or
    2 (no positive entry in the entering column).
    """
    entering = init
    k = 0 if init < m else 1
    cand = np.empty(max(m, n), dtype=np.int64)
    for _ in range(max_pivots):
        if k == 0:
            tab = T0
            basis = basis0
            s0 = m
            ns = n
        else:
            tab = T1
            basis = basis1
            s0 = 0
            ns = m
        nrows = tab.shape[0]
        ncols = tab.shape[1]
        count = 0
        for i in range(nrows):
            if tab[i, entering] > tol:
                cand[count] = i
                count += 1
        if count == 0:
            return 2
        key = ncols - 1
        s = -1
        while count > 1:
            best = np.inf
            for t in range(count):
                i = cand[t]
                ratio = tab[i, key] / tab[i, entering]
                if ratio < best:
                    best = ratio
            kept = 0
            for t in range(count):
                i = cand[t]
                if tab[i, key] / tab[i, entering] <= best + tol:
                    cand[kept] = i
                    kept += 1
            count = kept
            s += 1
            if s >= ns:
                break
            key = s0 + s
        r = cand[0]
        piv = tab[r, entering]
        for j in range(ncols):
            tab[r, j] /= piv
        for i in range(nrows):
            if i != r:
                f = tab[i, entering]
                if f != 0.0:
                    for j in range(ncols):
                        tab[i, j] -= f * tab[r, j]
        leaving = basis[r]
        basis[r] = entering
        entering = leaving
        if entering == init:
            return 0
        k = 1 - k
    return 1


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
    Bt = [[game.B[i, j] for i in S] for j in J]
    Asub = [[game.A[i, j] for j in T] for i in I]
    xs = _solve_probabilities(Bt)
    ys = _solve_probabilities(Asub)
    if xs is None or ys is None:
        return None
    return [on_support(S, xs, m), on_support(T, ys, n)]


def _solve_probabilities(M):
    """Solve ``M z = v 1``, ``sum z = 1`` exactly (k unknowns, k equations plus one).

    Shifting payoffs does not change the solution, so the equal value ``v`` is
    an unknown: the system is ``[M | -1; 1 | 0] (z, v) = (0, 1)``.
    """
    k = len(M)
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
        den = 1
        for q in qs:
            den = den * q.denominator // math.gcd(den, q.denominator)
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
