"""Value and optimal strategies of a two-player zero-sum game, by linear programming.

Sources: J. von Neumann, "Zur Theorie der Gesellschaftsspiele" (1928) for the
minimax theorem; G. B. Dantzig, "A proof of the equivalence of the programming
problem and the game problem" (1951) for the LP formulation; the solver is
SciPy's ``linprog`` with HiGHS (Huangfu and Hall, 2018).

Steps
-----
1. Check the game is two-player and zero-sum; otherwise a
   :class:`~deterrence.errors.GameError` names a profile whose payoffs do not
   sum to zero.
2. Solve the row player's LP ``max v s.t. A^T x >= v 1, sum x = 1, x >= 0``
   and the column player's LP ``min w s.t. A y <= w 1, sum y = 1, y >= 0``
   in floating point (HiGHS).
3. Read the supports (probabilities above a tolerance) and the best-response
   sets (actions within a tolerance of the value) from the LP solutions, and
   solve the exact indifference system (:func:`deterrence.core.exact.solve_consistent`):
   ``A[I, T] y_T = v 1``, ``sum y_T = 1`` and ``x_S^T A[S, J] = v 1``, ``sum x_S = 1``.
4. Certify the exact profile with
   :func:`~deterrence.solvers.certify.certified_equilibrium`. If the LP
   supports do not give an exact equilibrium (degenerate or ill-conditioned
   games), fall back to exact Lemke–Howson (integer pivoting, which finds an
   equilibrium of any bimatrix game and so optimal strategies here) and say so
   in the notes.

The value of the game is each equilibrium's ``payoffs[0]`` and is also written
in the result's notes; :func:`game_value` returns it as a number.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np

from deterrence.core.exact import solve_consistent
from deterrence.core.numbers import format_exact
from deterrence.errors import GameError, NotAnEquilibriumError, SolverError
from deterrence.solvers.certify import certified_equilibrium, on_support
from deterrence.solvers.result import SolveResult

_TOL = 1e-7


def _check_zero_sum(game, what):
    game.require_numeric(what)
    game.require_two_players(what)
    A, B = game.A, game.B
    for i, j in itertools.product(range(A.shape[0]), range(A.shape[1])):
        if A[i, j] + B[i, j] != 0:
            raise GameError(
                f"{what} needs a zero-sum game, but at ({game.actions[0][i]}, {game.actions[1][j]}) "
                f"the payoffs of {game.players[0]} and {game.players[1]} are "
                f"{format_exact(A[i, j])} and {format_exact(B[i, j])}, which do not sum to 0")


def _lp_row_player(A):
    """Maximin mix of the row player of ``A`` (float), and its value."""
    from scipy.optimize import linprog
    m, n = A.shape
    # variables (x_1..x_m, v); minimise -v
    c = np.zeros(m + 1)
    c[-1] = -1.0
    A_ub = np.hstack([-A.T, np.ones((n, 1))])      # v - x^T A[:, j] <= 0
    b_ub = np.zeros(n)
    A_eq = np.hstack([np.ones((1, m)), np.zeros((1, 1))])
    bounds = [(0, None)] * m + [(None, None)]
    res = linprog(c, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if res.status != 0:
        raise SolverError(f"linear program for the row player failed: {res.message}")
    return res.x[:m], res.x[-1]


def _lp_matrix(A) -> np.ndarray:
    """The exact matrix ``A`` as the LP sees it: shifted by its smallest entry and divided
    by the largest shifted entry, exactly, before the conversion to float (the same optimal
    strategies). So huge payoffs such as ``2**70 + k`` keep their differences, and payoffs
    beyond the float range (``10**400``) do not overflow.

    >>> _lp_matrix(np.array([[10**400, 0], [0, 2 * 10**400]], dtype=object)).tolist()
    [[0.5, 0.0], [0.0, 1.0]]
    """
    low = min(A.flat)
    top = max(A.flat) - low
    if top == 0:
        return np.zeros(A.shape)
    top = Fraction(top)
    return np.array([[float((Fraction(a) - low) / top) for a in row] for row in A], dtype=float)


def maxmin_lp(game) -> tuple:
    """Floating-point max-min value and mix of the row player, straight from HiGHS.

    >>> from deterrence import NormalFormGame
    >>> value, x = maxmin_lp(NormalFormGame.zero_sum([[3, 1], [0, 2]]))
    >>> round(value, 9), [round(p, 9) for p in x]
    (1.5, [0.5, 0.5])
    """
    game.require_numeric("maxmin_lp")
    game.require_two_players("maxmin_lp")
    A = game.as_float()[0]
    x, v = _lp_row_player(A)
    return float(v), [float(p) for p in x]


def zero_sum_equilibrium(game) -> SolveResult:
    """Value and one pair of optimal (max-min) strategies of a zero-sum game, exactly.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.zero_sum([[2, -1], [-1, 1]], actions=[["hold", "strike"]] * 2)
    >>> r = zero_sum_equilibrium(g)
    >>> r[0].strategies, r[0].payoffs[0]
    (((Fraction(2, 5), Fraction(3, 5)), (Fraction(2, 5), Fraction(3, 5))), Fraction(1, 5))
    >>> r.notes[0]
    'value of the game (to Row): 1/5'
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "zero_sum_equilibrium")
    _check_zero_sum(game, "zero_sum_equilibrium")
    A = _lp_matrix(game.A)
    x, v = _lp_row_player(A)
    y, w = _lp_row_player(-A.T)           # column player maximises -A^T
    notes = []
    eq = None
    for tol in (_TOL, 1e-5, 1e-9):
        strategies = _exact_from_supports(game, x, y, v, tol, A)
        if strategies is None:
            continue
        try:
            eq = certified_equilibrium(game, strategies)
            break
        except NotAnEquilibriumError:
            eq = None
    if eq is None:
        from deterrence.solvers.normal_form.lemke_howson import lemke_howson
        eq = lemke_howson(game, exact=True).equilibria[0]
        notes.append("the LP supports did not give an exact solution; "
                     "exact Lemke–Howson (integer pivoting) was used instead")
    notes.insert(0, f"value of the game (to {game.players[0]}): {format_exact(eq.payoffs[0])}")
    return SolveResult(equilibria=(eq,), method="zero_sum", exact=True, complete=False,
                       players=game.players, actions=game.actions, notes=tuple(notes))


def game_value(game) -> Fraction:
    """The exact value of a two-player zero-sum game (to the row player).

    >>> from deterrence import NormalFormGame
    >>> game_value(NormalFormGame.zero_sum([[3, 1], [0, 2]]))
    Fraction(3, 2)
    """
    from deterrence.core.validate import at_defaults
    return Fraction(zero_sum_equilibrium(at_defaults(game, "game_value")).equilibria[0].payoffs[0])


def _exact_from_supports(game, x, y, v, tol, Af=None):
    """Exact optimal strategies from the LP supports (``v``: the value of the LP's
    float matrix ``Af``, by default the game's), or ``None``."""
    A = game.A
    m, n = A.shape
    S = [i for i in range(m) if x[i] > tol]
    T = [j for j in range(n) if y[j] > tol]
    Af = game.as_float()[0] if Af is None else Af
    scale = max(1.0, float(np.abs(Af).max()))
    best_rows = [i for i in range(m) if Af[i] @ y >= v - tol * scale]    # row best responses
    best_cols = [j for j in range(n) if x @ Af[:, j] <= v + tol * scale]  # column best responses
    if not S or not T or not set(S) <= set(best_rows) or not set(T) <= set(best_cols):
        return None
    # column mix: A[best_rows, T] y_T = v 1, sum y_T = 1   (unknowns y_T, v)
    rows = [[A[i, j] for j in T] + [-1, 0] for i in best_rows]
    rows.append([1] * len(T) + [0, 1])
    ys = solve_consistent(rows, len(T) + 1)
    cols = [[A[i, j] for i in S] + [-1, 0] for j in best_cols]
    cols.append([1] * len(S) + [0, 1])
    xs = solve_consistent(cols, len(S) + 1)
    if xs is None or ys is None or any(p < 0 for p in xs[:-1]) or any(p < 0 for p in ys[:-1]):
        return None
    return [on_support(S, xs[:-1], m), on_support(T, ys[:-1], n)]
