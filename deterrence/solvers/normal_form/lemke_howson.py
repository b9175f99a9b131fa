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
   indifference equations in rationals (:mod:`deterrence.core.exact`) and
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

Layout: the float pivoting of steps 3-4 (numba kernels and their NumPy twins) lives in
:mod:`._lh_kernels`; the exact arithmetic (solves, the fraction-free pivot, the
lexicographic ratio test) in :mod:`deterrence.core.exact`.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from deterrence.core.exact import bareiss_pivot, flint as load_flint, lex_min_ratio, positive_integer_matrix
from deterrence.core.exact import solve as solve_exactly
from deterrence.errors import GameError, NotAnEquilibriumError, SolverError
from deterrence.solvers.certify import certified_equilibrium, on_support
from deterrence.solvers.result import SolveResult
from deterrence.solvers.normal_form._lh_kernels import (  # noqa: F401 (the float path, re-exported)
    FLOAT_TOL, NUMBA_THRESHOLD, _FloatBreakdown, _float_check_kernel, _float_check_numpy,
    _float_equilibrium, _float_kernel, _float_path, _float_run, _follow_path, _numba_kernels,
    _numpy_run, _out_of_pivots)

#: Default limit on the number of pivots (Lemke–Howson paths can be exponential).
DEFAULT_MAX_PIVOTS = 1_000_000
PIVOTING = ("float", "integer")


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
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "lemke_howson")
    game.require_two_players("lemke_howson")
    m, n = game.shape
    if isinstance(initial_label, bool) or not isinstance(initial_label, (int, np.integer)) \
            or not 0 <= initial_label < m + n:
        shown = initial_label if isinstance(initial_label, (bool, int, np.integer, str)) else str(initial_label)
        raise GameError(f"initial_label {shown!r} is out of range: labels are 0..{m + n - 1} "
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


def _ratio_row(column, rhs, keys, entry):
    """The lexicographic minimum-ratio row (:func:`deterrence.core.exact.lex_min_ratio`)."""
    r = lex_min_ratio(column, rhs, keys, entry)
    if r is None:
        raise SolverError("Lemke–Howson: unbounded ray (no positive entry in the entering column); "
                          "this cannot happen for positive payoffs")
    return r


#: games with at least this many cells use python-flint (when installed) for the pivots
FLINT_THRESHOLD = 64


def _exact_path(game, init, max_pivots, backend=None):
    """Exact complementary pivoting; ``backend`` is ``"python"``, ``"flint"`` or ``None`` (auto)."""
    m, n = game.shape
    A = positive_integer_matrix(game.A)
    B = positive_integer_matrix(game.B)
    flint = None
    if backend == "flint" or (backend is None and m * n >= FLINT_THRESHOLD):
        flint = load_flint()
    if flint is not None:
        return _exact_path_flint(flint, A, B, m, n, init, max_pivots)
    T = list(_tableaux(A, B, m, n))
    bases = [list(range(m, m + n)), list(range(m))]
    keys = [range(m, m + n), range(m)]    # after the right-hand side: the slacks
    entries = [lambda i, key, t=t: t[i][key] for t in T]
    dets = [1, 1]

    def step(k, entering):
        tab = T[k]
        r = _ratio_row([row[entering] for row in tab], [row[-1] for row in tab], keys[k], entries[k])
        dets[k] = bareiss_pivot(tab, r, entering, dets[k])
        bases[k][r], leaving = entering, bases[k][r]
        return leaving

    _follow_path(init, m, max_pivots, step)
    return _integer_strategies([[row[-1] for row in tab] for tab in T], bases, m, n)


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
        M, last = self.M, self.ncols - 1
        return _ratio_row(column, lambda i: M[i, last], keys, self.entry), column

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
    keys = [range(m, m + n), range(m)]    # after the right-hand side: the slacks

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
    rows_I = sorted(set(range(m)) - {lab for lab in basis1 if lab < m})
    if len(S) != len(J) or len(T) != len(rows_I) or not S or not T:
        return None
    A, B = game.A, game.B
    Bt = [[B[i, j] for i in S] for j in J]
    Asub = [[A[i, j] for j in T] for i in rows_I]
    xs = _solve_probabilities(Bt)
    ys = _solve_probabilities(Asub)
    if xs is None or ys is None:
        return None
    return [on_support(S, xs, m), on_support(T, ys, n)]


def _solve_probabilities(M):
    """Solve ``M z = v 1``, ``sum z = 1`` exactly (k unknowns, k equations plus one), or
    ``None`` when the system is singular or ``z`` has a negative entry.

    Shifting payoffs does not change the solution, so the equal value ``v`` is
    an unknown: the system is ``[M | -1; 1 | 0] (z, v) = (0, 1)``
    (:func:`deterrence.core.exact.solve`: python-flint's ``fmpq_mat``).
    """
    k = len(M)
    try:
        sol = solve_exactly([list(row) + [-1] for row in M] + [[1] * k + [0]], [0] * k + [1])
    except ZeroDivisionError:   # singular: these bases do not determine an equilibrium
        return None
    z = sol[:k]
    if any(v < 0 for v in z):
        return None
    return z
