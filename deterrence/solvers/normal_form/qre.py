"""Logit quantal response equilibrium: the principal branch from lambda = 0 to a Nash equilibrium.

References
----------
* R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for normal
  form games", Games Econ. Behav. 10 (1995) 6-38: the logit QRE
  ``pi_ij = exp(lambda u_ij(pi)) / sum_k exp(lambda u_ik(pi))`` and its principal
  branch, which starts at the uniform profile (lambda = 0) and, for almost every
  game, converges to one Nash equilibrium as lambda -> infinity.
* T. L. Turocy, "A dynamic homotopy interpretation of the logistic quantal
  response equilibrium correspondence", Games Econ. Behav. 51 (2005) 243-263:
  the branch as the solution curve of a homotopy, followed by predictor-corrector
  path following in the log-probabilities.
* E. L. Allgower and K. Georg, "Introduction to Numerical Continuation Methods"
  (SIAM 2003), ch. 2-3: tangent predictor, Gauss-Newton (Moore-Penrose)
  corrector, step-size adaptation.

Steps
-----
1. Unknowns ``z = (y, lambda)`` with ``y_ij = log pi_ij``. Equations, for each
   player ``i``: ``sum_j exp(y_ij) = 1`` and, for each action ``j > 0``,
   ``y_ij - y_i0 - lambda (u_ij(pi) - u_i0(pi)) = 0``. ``M`` equations in ``M + 1``
   unknowns: generically a curve through ``(log uniform, 0)``.
2. Predictor: the unit tangent (the null vector of the Jacobian, from its SVD),
   oriented to continue the previous one (at the start: lambda increasing).
3. Corrector: Gauss-Newton steps ``dz = -J^+ H(z)`` (least squares) until
   ``|H| < tol``; a step that does not contract halves the step length, an
   easy one lengthens it. The curve may turn back in lambda; arclength
   parametrisation follows it through such turns. A step is kept only if the new
   point is on the same side of the branch, ``sign det [J; t]`` unchanged (else it
   jumped across a double bend to an earlier part of the branch, and is halved),
   unless it is already at most ``FLIP_MIN_STEP`` (a symmetric game's bifurcation).
   A trace that fails is traced once more with no step moving a probability by more
   than ``MAX_PROBABILITY_STEP`` (a long step can land on a closed loop of QREs off
   the branch, and go round it).
4. Stop once lambda exceeds ``max_lambda`` (by default 10^6 over the payoff range).
   A trace that stalls far out (lambda times the spread at least ``FAR_OUT``), or
   crawls there (``CRAWL_PROGRESS``), stops there, and the branch says so
   (``QREBranch.stopped``).
   Two- and three-player games run steps 2-4 in a numba-compiled twin of the loop
   (:mod:`._qre_kernels`, same rules) when numba is already imported and the kernel is
   loaded or the game large, or with ``DETERRENCE_NUMBA=1``; whatever it does not finish is
   traced again in NumPy.
5. The limit: the support (actions with probability above ``support_tol``; with three
   or more players, then the coarser thresholds of ``SUPPORT_TOLERANCES`` if nothing
   certifies) gives
   an exact equilibrium by solving the indifference equations exactly
   (two players, :func:`deterrence.core.exact.solution_space`: where they have many
   solutions, the one nearest the profile, within ``CONTINUUM_DISTANCE``) or by rounding
   to nearby fractions; it is returned only if
   :func:`~deterrence.solvers.certify.certified_equilibrium` certifies it. With
   three or more players the limit may be irrational: the box test of
   :mod:`.box_certify`, then the support's polynomial system solved exactly
   (:func:`~deterrence.solvers.normal_form.nplayer.nearest_on_supports`).
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import format_short
from deterrence.core.validate import check_nonnegative, check_positive
from deterrence.errors import GameError, NotAnEquilibriumError, SolverError
from deterrence.solvers.normal_form._qre_kernels import ROUNDING
from deterrence.solvers.result import Equilibrium, SolveResult, TextRepr, profile_text

__all__ = ["QREBranch", "action_values", "limit_equilibrium", "logit_branch", "logit_qre", "qre_at"]


def _contract(array, probs, keep):
    """A payoff array with every axis not in ``keep`` averaged over ``probs`` (floats)."""
    out = array
    for ax in sorted((a for a in range(array.ndim) if a not in keep), reverse=True):
        out = np.tensordot(out, probs[ax], axes=([ax], [0]))
    return out


def action_values(arrays, profile) -> list:
    """Float expected payoff of each action of each player against the others' mixed strategies.

    ``arrays`` are the payoff arrays (one per player, e.g. ``game.as_float()``).

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[1, 0], [0, 2]], [[2, 0], [0, 1]])
    >>> [v.tolist() for v in action_values(g.as_float(), [(0.5, 0.5), (0.25, 0.75)])]
    [[0.25, 1.5], [1.0, 0.5]]
    """
    probs = [np.asarray(p, dtype=float) for p in profile]
    return [_contract(np.asarray(a, dtype=float), probs, (i,)) for i, a in enumerate(arrays)]


@dataclass(frozen=True)
class QREBranch(TextRepr):
    """The traced principal branch: ``lambdas[k]`` and ``profiles[k]`` (one tuple of
    floats per player) along the curve, and ``limit``, the certified Nash equilibrium it
    converges to (None if it could not be certified).

    Its repr is a summary (the dataclass repr printed every point of the branch: a review):

    >>> from deterrence import load_game
    >>> logit_branch(load_game("matching_pennies"), max_lambda=10)  # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    <QREBranch: ... points, lambda from 0 to ...; last point Row: 0.5 heads + 0.5 tails; ...;
    limit Row: 1/2 heads + 1/2 tails; Column: 1/2 heads + 1/2 tails  (payoffs 0, 0)>
    """

    lambdas: tuple
    profiles: tuple
    players: tuple
    actions: tuple
    limit: Equilibrium | None = None
    #: why the trace ended before the requested lambda ("" when it reached it): far out on a
    #: degenerate game's branch the float corrector can stall, and ``limit`` is then the certified
    #: equilibrium on the support of the last point, not proved to be the branch's limit
    stopped: str = ""

    def __len__(self):
        return len(self.lambdas)

    def repr_text(self) -> str:
        if not self.lambdas:
            return "no points"
        text = (f"{len(self.lambdas)} points, lambda from {format_short(self.lambdas[0])} to "
                f"{format_short(self.lambdas[-1])}; last point "
                + profile_text(self.players, self.actions, self.profiles[-1]))
        text += "; " + ("no certified limit" if self.limit is None else "limit " + self.limit.describe())
        return text + (f"; stopped: {self.stopped}" if self.stopped else "")

    def probabilities(self, player, action) -> np.ndarray:
        """One action's probability along the branch, as an array."""
        from deterrence.core.validate import action_position, player_position
        i = player_position(self.players, player)
        j = action_position(self.actions[i], self.players[i], action)
        return np.array([p[i][j] for p in self.profiles])

    def to_json(self) -> dict:
        """The QREBranch as a JSON-ready dict of plain values: ``players``, ``actions``, ``lambdas``,
        ``profiles``, ``limit``, ``stopped``."""
        return {"players": list(self.players), "actions": [list(a) for a in self.actions],
                "lambdas": [float(v) for v in self.lambdas],
                "profiles": [[list(map(float, s)) for s in p] for p in self.profiles],
                "limit": None if self.limit is None else self.limit.to_json(),
                "stopped": self.stopped or None}


# ------------------------------------------------------------------ the homotopy
#: three-player games with at most this many actions in all are evaluated through a dense
#: M x M x M array (216 kB at 30); larger ones through the value tensors
DENSE_THREE_PLAYER_SIZE = 30


class _Homotopy:
    """``H(y, lambda)`` and its Jacobian for float payoff arrays of an n-player game.

    One evaluation gives both: for each player ``i`` the tensor ``T_i = A_i * prod_{k != i}
    pi_k`` (broadcast), whose sums over all axes but ``i`` are the action values ``u_i``
    and over all axes but ``i, k`` the derivatives ``d u_ij / d y_kl`` (``pi_kl`` is already
    in ``T_i``). Two players, and three with at most :data:`DENSE_THREE_PLAYER_SIZE` actions
    in all, take a shorter road to the same numbers: the value differences are linear in each
    other player's probabilities, so a fixed array made once gives ``Dm @ dU`` in two or three
    NumPy calls (measured on 2x2x2: 0.94 ms a whole ``logit_branch`` against 1.84 ms, since
    small games spend their time in the calls' overhead). The last evaluation is kept, since
    the corrector asks for the residual and then the Jacobian at the same point (the tracer
    never changes a point in place).
    """

    def __init__(self, arrays):
        self.arrays = [np.asarray(a, dtype=float) for a in arrays]
        self.shape = self.arrays[0].shape
        self.spread = max(float(np.ptp(a)) for a in self.arrays) or 1.0     # in the traced units
        # the size of the payoffs, so of the terms lambda * u of H: its rounding grows with both
        self.term_scale = max(float(np.abs(a).max()) for a in self.arrays) or 1.0
        self.n = len(self.shape)
        self.offsets = np.cumsum((0,) + self.shape)
        self.size = int(self.offsets[-1])
        n, o = self.n, self.offsets.tolist()
        self._slices = [slice(o[i], o[i + 1]) for i in range(n)]
        self._broadcast = [tuple(m if a == k else 1 for a in range(n)) for k, m in enumerate(self.shape)]
        self._others = [tuple(a for a in range(n) if a != i) for i in range(n)]
        self._pair_axes = {(i, k): tuple(a for a in range(n) if a not in (i, k))
                           for i in range(n) for k in range(n) if k != i}
        # constant parts of H and J: row o_i is sum_j pi_ij - 1 (S), row o_i + j is
        # (y_ij - lambda u_ij) - (y_i0 - lambda u_i0) (Dm)
        M = self.size
        Dm, S = np.zeros((M, M)), np.zeros((M, M))
        for i, m in enumerate(self.shape):
            S[o[i], o[i]:o[i + 1]] = 1.0
            for j in range(1, m):
                Dm[o[i] + j, o[i] + j] = 1.0
                Dm[o[i] + j, o[i]] = -1.0
        self._Dm, self._S = Dm, S
        self._ones = (S.sum(axis=1) > 0).astype(float)     # 1 in the rows o_i
        # two and three players: Dm @ dU = (D @ pi) * pi (column-wise) for a fixed array D
        # (the payoff differences u_ij - u_i0 are linear in each other player's pi), and
        # Dm @ u is its row sums over one other player's block (the mask)
        self._small = n == 2 or (n == 3 and M <= DENSE_THREE_PLAYER_SIZE)   # W: M^3 entries
        if n == 2:
            A, B = self.arrays
            m = self.shape[0]
            G = np.zeros((M, M))          # two players: Dm @ u = G @ pi, Dm @ dU = G * pi
            G[1:m, m:] = A[1:] - A[0]
            G[m + 1:, :m] = (B[:, 1:] - B[:, :1]).T
            self._G = G
        elif self._small:
            W = np.zeros((M, M, M))       # W[ij, kb, c] = A_i[j, b, c]: d u_ij / d y_kb = W[ij, kb] @ pi * pi_kb
            mask = np.zeros((M, M))
            for i, (first, second) in enumerate(self._others):
                Ai = np.moveaxis(self.arrays[i], i, 0)          # axes (i, first, second)
                own, one, two = self._slices[i], self._slices[first], self._slices[second]
                W[own, one, two] = Ai
                W[own, two, one] = Ai.transpose(0, 2, 1)
                mask[own, one] = 1.0
            self._W = (Dm @ W.reshape(M, M * M)).reshape(M * M, M)   # differences first
            self._mask = mask
        self._last = (None, b"", None, None)

    def split(self, y):
        return [y[self.offsets[i]:self.offsets[i + 1]] for i in range(self.n)]

    def residual(self, z):
        return self.evaluate(z)[0]

    def jacobian(self, z):
        return self.evaluate(z)[1]

    def _values_and_derivatives(self, probs):
        """``u`` (all players' action values, stacked) and ``dU[ij, kl] = d u_ij / d y_kl``."""
        M, sl = self.size, self._slices
        dU = np.zeros((M, M))
        if self.n == 2:
            A, B = self.arrays
            p, q = probs
            T0, T1 = A * q, B * p[:, None]             # A pi_2 (columns), B pi_1 (rows)
            dU[sl[0], sl[1]] = T0
            dU[sl[1], sl[0]] = T1.T
            return np.concatenate([T0.sum(axis=1), T1.sum(axis=0)]), dU
        u = np.empty(M)
        for i in range(self.n):
            T = self.arrays[i]
            for k in self._others[i]:
                T = T * probs[k].reshape(self._broadcast[k])
            for k in self._others[i]:
                D = T.sum(axis=self._pair_axes[i, k])   # axes (i, k) in player order
                dU[sl[i], sl[k]] = D.T if k < i else D
            u[sl[i]] = D.sum(axis=0 if k < i else 1)
        return u, dU

    def _evaluate_small(self, y, lam, p):
        """:meth:`evaluate` for two and three players, from the fixed arrays made once: a few
        NumPy calls on the whole system (the call overhead is most of the time on small games)."""
        M = self.size
        if self.n == 2:
            G = self._G
            du = G @ p                                   # rows o_i: zero (no value term)
            DdU = G * p
        else:
            DdU = (self._W @ p).reshape(M, M) * p        # Dm @ dU
            du = (DdU * self._mask).sum(axis=1)          # Dm @ u
        r = self._Dm @ y - lam * du + self._S @ p - self._ones
        J = np.empty((M, M + 1))
        np.multiply(self._S, p, out=J[:, :-1])
        J[:, :-1] += self._Dm - lam * DdU
        np.negative(du, out=J[:, -1])
        return r, J

    def evaluate(self, z):
        """``(H(z), J(z))``."""
        key = z.tobytes()
        last = self._last
        if last[0] is z or last[1] == key:
            return last[2], last[3]
        y, lam = z[:-1], z[-1]
        p = np.exp(y)
        r, J = (self._evaluate_small if self._small else self._evaluate_general)(y, lam, p)
        self._last = (z, key, r, J)
        return r, J

    def _evaluate_general(self, y, lam, p):
        """:meth:`evaluate` for any number of players, from the value tensors."""
        if self.n == 1:
            u, dU = self.arrays[0].copy(), np.zeros((self.size, self.size))
        else:
            u, dU = self._values_and_derivatives([p[s] for s in self._slices])
        Dm = self._Dm
        du = Dm @ u                    # differences of values first: lambda reaches 10^6
        r = Dm @ y - lam * du + self._S @ p - self._ones
        J = np.empty((self.size, self.size + 1))
        J[:, :-1] = Dm - lam * (Dm @ dU) + self._S * p
        J[:, -1] = -du
        return r, J


def _float_arrays(game, what):
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, what)          # at its defaults when symbolic, saying so, as every tool does
    return game, game.as_float()


#: Payoff spreads outside this band are traced in rescaled units (see :func:`_scaled_homotopy`).
SPREAD_BAND = (1e-2, 1e2)


def _scaled_homotopy(arrays):
    """``(homotopy, scale)``: the homotopy of ``arrays / scale``, whose branch at
    ``lambda * scale`` is the branch of ``arrays`` at ``lambda`` (the logit response depends
    on lambda times the payoffs only). The tracer's steps are in lambda units, so a game whose
    payoffs spread over 10^12 was traced in steps far too long for it (a wrong fit), and one
    over 10^50 not at all; spreads outside :data:`SPREAD_BAND` are therefore divided by the
    spread, and other games are traced as they are.

    >>> H, scale = _scaled_homotopy([np.array([[0.0, 2e12]]), np.array([[1.0, 0.0]])])
    >>> scale
    2000000000000.0
    """
    spread = max(float(np.ptp(a)) for a in arrays)
    scale = spread if spread > 0 and not SPREAD_BAND[0] <= spread <= SPREAD_BAND[1] else 1.0
    return _Homotopy([a / scale for a in arrays] if scale != 1.0 else arrays), scale


def _tangent(J, previous=None):
    """The unit tangent of the curve (null vector of ``J``), oriented along ``previous``.

    With ``previous``: the solution of ``[J; previous] t = e_last``, normalised (a square
    solve; ``previous`` is never orthogonal to the next tangent on a smooth curve), else
    (and when that solve is singular) the last right singular vector of ``J``."""
    if previous is not None:
        try:
            t = np.linalg.solve(_bordered(J, previous), _unit_last(J.shape[1]))
            return t / math.sqrt(t @ t)
        except np.linalg.LinAlgError:
            pass
    t = np.linalg.svd(J)[2][-1]
    if previous is None:
        return t if t[-1] > 0 else -t
    return t if t @ previous >= 0 else -t


def _side(J, t) -> float:
    """The sign of ``det [J; t]``: which way along the branch the tangent ``t`` points, relative
    to the branch's own orientation. ``t`` may be the previous tangent (``t @ t_next > 0``: the
    determinant is linear in the last row, and the part of ``t`` across the branch lies in the
    span of ``J``'s rows), as in the compiled twin, which reads it off the tangent's LU."""
    return float(np.linalg.slogdet(_bordered(J, t))[0])     # slogdet: no overflow far out


def _unit_last(n):
    e = np.zeros(n)
    e[-1] = 1.0
    return e


def _bordered(J, row):
    """The square matrix ``[J; row]`` (what ``np.vstack`` makes, in fewer NumPy calls)."""
    K = np.empty((J.shape[0] + 1, J.shape[1]))
    K[:-1] = J
    K[-1] = row
    return K


def _correct(H, z, tol, max_iter=8, fixed_lambda=False, tangent=None):
    """Gauss-Newton from z; None when it does not converge (or contract).

    Each update solves ``J dz = -H(z)``: with ``tangent``, the solution orthogonal to it
    (the square system ``[J; tangent] dz = [-H; 0]``, as in Allgower and Georg's
    pseudo-arclength corrector), else the least-squares (minimum-norm) one; with
    ``fixed_lambda``, in ``y`` alone.

    A long predictor step can land where ``exp(y)`` overflows: the residual is then not finite
    and the step is rejected (None) without NumPy's overflow warnings, as any rejected step."""
    with np.errstate(over="ignore", invalid="ignore"):
        return _gauss_newton(H, z, tol, max_iter, fixed_lambda, tangent)


def _tolerance(H, z, tol) -> float:
    """The corrector's tolerance at ``z``: ``tol``, or more far out on the branch, where the
    terms ``lambda * u`` of ``H`` are large and ``|H|`` cannot fall below about
    ``eps * lambda * max|u|`` (:data:`~._qre_kernels.ROUNDING`; a fixed 1e-10 stalled the path
    of a degenerate 3x3x3 game, payoffs 0..3, at lambda = 2e5)."""
    return max(tol, ROUNDING * (1.0 + abs(float(z[-1]))) * getattr(H, "term_scale", 1.0))


def _gauss_newton(H, z, tol, max_iter, fixed_lambda, tangent):
    last = np.inf
    if tangent is not None:
        rhs = np.zeros(len(z))             # [-H; 0]: the last entry stays 0
    for _ in range(max_iter):
        r = H.residual(z)
        norm = math.sqrt(r @ r)
        if not math.isfinite(norm):
            return None
        allowed = _tolerance(H, z, tol)
        if norm < allowed:
            return z
        if norm > 0.5 * last and last < np.inf and norm > 1e3 * allowed:
            return None
        last = norm
        J = H.jacobian(z)
        try:
            if fixed_lambda:
                z = z + np.append(np.linalg.solve(J[:, :-1], -r), 0.0)
            elif tangent is not None:
                np.negative(r, out=rhs[:-1])
                z = z + np.linalg.solve(_bordered(J, tangent), rhs)
            else:
                z = z + np.linalg.lstsq(J, -r, rcond=None)[0]
        except np.linalg.LinAlgError:
            if tangent is None and not fixed_lambda:
                raise
            z = z + (np.append(np.linalg.lstsq(J[:, :-1], -r, rcond=None)[0], 0.0) if fixed_lambda
                     else np.linalg.lstsq(J, -r, rcond=None)[0])
    r = H.residual(z)
    return z if math.sqrt(r @ r) < _tolerance(H, z, tol) else None


#: step growth after each accepted step, and where the corrector moved less than STRAIGHT
#: times the step (measured: 38-51 steps to lambda = 10^6/range with 1.5 throughout, 11-19 so)
GROWTH, GROWTH_STRAIGHT, STRAIGHT = 1.5, 10.0, 0.05
#: least cosine between the tangents at the two ends of an accepted step
MIN_COSINE = 0.9
#: largest change of any probability over a step when a failed trace is traced again
#: (:func:`trace_branch`). Measured (a helper's fuzz, stop 36): on a 4x4 game (payoffs to 1e6) a
#: step of length 42 (lambda 63 -> 21.5 in units of the spread, probabilities moved by 0.17) landed
#: on a closed loop of QREs off the branch, with the same side and a turn under 5 degrees, and the
#: trace went round it until it stalled; on a 3x3x2 game qre_at could not land on its lambda. Not
#: the rule for every trace: on 300 random games it costs 18% more steps (9% more CPU), and a
#: tied tree that creeps far out stalls on the other step sequence
MAX_PROBABILITY_STEP = 0.1
#: the side of the branch a point is traced on (the sign of det [J; t]) is kept along a smooth
#: branch, so a step after which it flips either crossed a singular point of the branch (a
#: symmetric game's bifurcation: the flip stays at any step length) or jumped to another part of
#: the branch, traced backwards (a long step across an S-shaped double fold landed on the sheet
#: before the folds and ran back to lambda = 0; the flip goes at a shorter step). A flipped step is
#: halved until it is no longer than FLIP_MIN_STEP, then accepted as a crossing
FLIP_MIN_STEP = 1e-6
#: a trace whose lambda moved by less than STALL_PROGRESS (relative) over STALL_WINDOW accepted
#: steps has stalled: every long step is rejected and the short ones creep (measured on signalling
#: trees with tied payoffs: 460 accepted steps moved lambda = 675870.48 by 0.003, about 20 s a window
#: of steps, for the 20,000 steps of max_steps)
STALL_WINDOW, STALL_PROGRESS = 100, 1e-4
#: far out (lambda times the spread at least FAR_OUT), a trace whose lambda grew by less than
#: CRAWL_PROGRESS of itself over STALL_WINDOW steps has stalled too: a branch that is nearly a ray
#: there is followed in steps growing tenfold, so only a crawl takes a hundred steps. Measured (a
#: helper's review, stop 36): a 4-player tree's agent trace reached lambda x spread = 2.3e5 in 20
#: steps, then crawled 1,500 steps (13 s) to 4.2e5 and would have spent its 20,000 steps
#: (minutes) short of 1e6
CRAWL_PROGRESS = 0.1
#: a branch that stops (stalls, or its step falls below 1e-12, or it runs out of steps) once
#: lambda times the payoffs' spread is at least FAR_OUT has its limit taken from its last point
#: (:func:`logit_branch`): there an action worse by 2% of the spread is played with odds below
#: e^-20, so the last point shows the limit's support but for near ties, and certification
#: decides (nearer the start it does not, and the stop is an error). Measured: a degenerate
#: 3x3 game (payoffs 0..3, equilibria in a continuum) whose
#: float corrector cannot meet its tolerance beyond lambda = 2.1e4 (the bordered system's
#: condition number is 1e15 there) crept 20,000 steps in 11 s before this
FAR_OUT = 1e3


class BranchStopped(SolverError):
    """The trace ended before its target; ``points`` holds the branch traced so far and
    ``reason`` says why, in words free of the tracer's (possibly rescaled) lambda."""

    def __init__(self, message, points, reason):
        super().__init__(message)
        self.points, self.reason = points, reason


def _far_out(H, points) -> bool:
    """Whether a trace's last point is far out: lambda times the payoffs' spread (both in the
    traced units of ``H``, so the product is the caller's) at least :data:`FAR_OUT`."""
    return points[-1][-1] * getattr(H, "spread", 1.0) >= FAR_OUT


def trace_branch(H, max_lambda, tol=1e-10, max_steps=20000, stop_at=None):
    """Points ``z = (y, lambda)`` of the logit branch of the homotopy *H*, from lambda = 0 until
    lambda >= *max_lambda* (or exactly *stop_at*), by predictor-corrector path following.

    Shared by the normal-form QRE here and the agent QRE of trees (``solvers.tree.agent_qre``),
    whose homotopies offer the same ``shape``, ``residual`` and ``jacobian``. Two- and
    three-player games evaluated from fixed arrays (``H._small``) are traced by the compiled
    twin of this loop (:mod:`._qre_kernels`) when its policy allows it
    (:func:`~deterrence.solvers.normal_form._qre_kernels.compiled_trace`); anything but reaching
    the target there is traced again here. A trace that fails (it stalls, its step length
    vanishes, or it cannot land on ``stop_at``; not one that runs out of steps, or stops far
    out) is traced once more with no step moving a probability by more than :data:`MAX_PROBABILITY_STEP`; if that
    fails too, the first failure is raised.

    >>> from deterrence import load_game
    >>> game, arrays = _float_arrays(load_game("chicken").with_defaults(), "logit_branch")
    >>> H, scale = _scaled_homotopy(arrays)
    >>> points = trace_branch(H, 50 * scale)
    >>> float(points[0][-1]), float(points[-1][-1]) >= 50 * scale
    (0.0, True)
    """
    try:
        return _trace(H, max_lambda, tol, max_steps, stop_at, None)
    except SolverError as first:
        if isinstance(first, BranchStopped) and (len(first.points) > max_steps or _far_out(H, first.points)):
            # it ran out of steps, moving all along (shorter steps would run out sooner), or it
            # stopped far out, where every caller takes its last point
            raise
        try:
            return _trace(H, max_lambda, tol, max_steps, stop_at, MAX_PROBABILITY_STEP)
        except SolverError:
            raise first from None


def _trace(H, max_lambda, tol, max_steps, stop_at, cap):
    """:func:`trace_branch`, once: with ``cap``, no step moves a probability by more than it (the
    step is shortened to it in advance, to first order: dp/ds = p t; a step that still does is
    halved), and the compiled twin, which has no cap, is not used."""
    y0 = np.concatenate([np.full(m, -np.log(m)) for m in H.shape])
    z = np.append(y0, 0.0)
    points = [z]
    h, t = 0.1, None
    target = max_lambda if stop_at is None else stop_at
    t = _tangent(H.jacobian(z))
    far = FAR_OUT / getattr(H, "spread", 1.0)        # lambda beyond which the trace is far out
    if cap is None and getattr(H, "_small", False):
        from deterrence.solvers.normal_form._qre_kernels import compiled_trace, run_trace
        kernel = compiled_trace(actions=H.size)
        if kernel is not None:
            found = run_trace(kernel, H, z, t, target, tol, max_steps, _KERNEL_CONSTANTS, far_lambda=far)
            if found is not None:
                return found if stop_at is None else found[:-1] + [_land(H, found[-2], found[-1], stop_at, tol)]
    side = _side(H.jacobian(z), t)     # the compiled twin keeps its own
    for _ in range(max_steps):
        if cap is not None:
            rate = float(np.abs(np.exp(z[:-1]) * t[:-1]).max())
            if rate * h > cap:
                h = cap / rate
        while True:
            step = z + h * t
            cand = _correct(H, step, tol, tangent=t)
            # the branch meets lambda = 0 only at its start (the centroid is the one QRE there), so
            # a point at lambda <= 0 lies on another branch (or runs back), reached by a long step
            # across a bend (seen where the branch turns back in lambda)
            if cand is not None and cand[-1] > 0:
                moved = cand - z
                if math.sqrt(moved @ moved) < 2 * h + 1e-12 and \
                        (cap is None or np.abs(np.exp(cand[:-1]) - np.exp(z[:-1])).max() <= cap):
                    # the next tangent turned by less than ~26 degrees: the step stayed on
                    # this branch (a long step could land on a neighbouring one)
                    t_next = _tangent(H.jacobian(cand), t)
                    if t_next @ t > MIN_COSINE:
                        side_next = _side(H.jacobian(cand), t)
                        if side_next == side or h <= FLIP_MIN_STEP:
                            break
            h /= 2
            if h < 1e-12:
                raise BranchStopped("logit QRE path following failed: the step length fell below 1e-12 "
                                    f"at lambda = {z[-1]:.6g}", points, "its step length fell below 1e-12")
        if cand[-1] >= target:
            points.append(cand if stop_at is None else _land(H, z, cand, stop_at, tol))
            return points
        points.append(cand)
        z, t, side = cand, t_next, side_next
        if len(points) > STALL_WINDOW:
            before = points[-1 - STALL_WINDOW][-1]
            if abs(z[-1] - before) < STALL_PROGRESS * max(abs(z[-1]), 1.0):
                raise BranchStopped(f"logit QRE path following stalled at lambda = {z[-1]:.6g}: "
                                    f"{STALL_WINDOW} steps moved it by {abs(z[-1] - before):.3g}", points,
                                    f"it stalled: {STALL_WINDOW} steps moved lambda by less than "
                                    f"{STALL_PROGRESS:.0e} of itself")
            if z[-1] >= far and z[-1] - before < CRAWL_PROGRESS * z[-1]:
                raise BranchStopped(f"logit QRE path following crawled far out at lambda = {z[-1]:.6g}: "
                                    f"{STALL_WINDOW} steps moved it by {z[-1] - before:.3g}", points,
                                    f"it crawled: far out, {STALL_WINDOW} steps moved lambda by less than "
                                    f"{CRAWL_PROGRESS:.0%} of itself")
        # step control by the corrector's distance from the predictor (Allgower and Georg,
        # ch. 6): where the curve is nearly straight (the corrector moved little; so at large
        # lambda, where the branch is almost a ray) the step grows faster
        off = cand - step
        ratio = math.sqrt(off @ off) / h
        h = min(h * (GROWTH_STRAIGHT if ratio < STRAIGHT else GROWTH), 1e6)
    raise BranchStopped(f"logit QRE path following did not reach lambda = {target} in {max_steps} steps",
                        points, f"its {max_steps} steps were not enough")


#: the step control and stop rules above, in the order the compiled loop takes them
_KERNEL_CONSTANTS = (GROWTH, GROWTH_STRAIGHT, STRAIGHT, MIN_COSINE, STALL_WINDOW, STALL_PROGRESS, FLIP_MIN_STEP,
                     CRAWL_PROGRESS)


def _land(H, z, cand, stop_at, tol, depth=0):
    """The branch's point at lambda = *stop_at* exactly, between the points *z* and *cand*.

    From the straight line's point at that lambda, corrected at fixed lambda; where that fails
    (a long step: on a game whose step from lambda = 1.04 to 6.03 was 5.2 long, the line's point
    at 3.33 lay too far from the curve), the curve between the two points is walked in eight
    shorter steps and the landing tried again between the two that straddle *stop_at*."""
    lam_z = z + (stop_at - z[-1]) / max(cand[-1] - z[-1], 1e-300) * (cand - z)
    lam_z[-1] = stop_at
    landed = _correct(H, lam_z, tol, max_iter=30, fixed_lambda=True)
    if landed is not None:
        return landed
    length = math.sqrt((cand - z) @ (cand - z))
    if depth < LAND_DEPTH and length > 0:
        t = _tangent(H.jacobian(z), (cand - z) / length)
        here, h = z, length / 8
        for _ in range(64):
            nxt = _correct(H, here + h * t, tol, tangent=t)
            if nxt is None:                   # a step too long for the corrector here: halve it
                h /= 2
                if h < length / 1024:
                    break
                continue
            if nxt[-1] >= stop_at:
                return _land(H, here, nxt, stop_at, tol, depth + 1)
            here, t = nxt, _tangent(H.jacobian(nxt), t)
    raise SolverError(f"logit QRE: the corrector failed at lambda = {stop_at}")


#: how many times a landing subdivides a step it cannot land in (each time in eight)
LAND_DEPTH = 4


def _default_max_lambda(arrays) -> float:
    spread = max(float(np.ptp(a)) for a in arrays)
    return 1e6 / (spread if spread > 0 else 1.0)


def _profile(H, z):
    return tuple(tuple(float(p) for p in np.exp(v)) for v in H.split(z[:-1]))


# ------------------------------------------------------------------ the exact limit
#: Largest support (in unknown probabilities) whose polynomial system the limit of a game
#: of three or more players is solved on exactly (the solve is exponential in them).
MAX_EXACT_UNKNOWNS = 6
#: an action above this probability at the branch's end is in the support the limit is sought on first
LIMIT_SUPPORT_TOL = 1e-5


def limit_equilibrium(game, profile, support_tol: float = LIMIT_SUPPORT_TOL):
    """The certified Nash equilibrium that a float profile (a QRE at large lambda) approximates.

    Two players: the indifference equations on the profile's support, solved
    exactly; otherwise (or if that fails) the probabilities rounded to nearby
    fractions. Three or more players, where the limit may be irrational: then the
    box test on the support (an irrational point proved unique in a tiny box,
    :func:`~deterrence.solvers.normal_form.box_certify.certify_on_support`), then
    the support's polynomial system solved exactly
    (:func:`~deterrence.solvers.normal_form.nplayer.nearest_on_supports`, up to
    :data:`MAX_EXACT_UNKNOWNS` unknown probabilities). The support is the actions above
    ``support_tol``; with three or more players, where no candidate on it certifies, the
    coarser supports of :data:`SUPPORT_TOLERANCES` are tried (a branch that ends in a
    continuum of equilibria creeps towards it: an action on its way to 0 can still be above
    1e-5 at the end), and then every player but one rounded with that one solved exactly
    (:func:`_one_free_player`). The answer is certified; None when no candidate passes.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[6, 2], [7, 0]], [[6, 7], [2, 0]])
    >>> limit_equilibrium(g, [(0.6667, 0.3333), (0.66666, 0.33334)]).strategies
    ((Fraction(2, 3), Fraction(1, 3)), (Fraction(2, 3), Fraction(1, 3)))
    """
    if game.is_symbolic:
        game = game.with_defaults()
    tried = []
    # two players: the asked threshold alone. There a unique solution is taken at any distance
    # (where the branch stopped short), so a coarse support could give an equilibrium that is not
    # the limit (a 3x3 game of a review: (0, 0, 1) 0.008 from the end, where the limit is
    # (1/1001, 0, 1000/1001)); with three or more the coarse supports serve creeping branches
    coarse = () if game.n_players == 2 else tuple(t for t in SUPPORT_TOLERANCES if t > support_tol)
    for tol in (support_tol, *coarse):
        supports = [[j for j, p in enumerate(s) if p > tol] for s in profile]
        if supports in tried:
            continue
        tried.append(supports)
        found = _limit_on_supports(game, profile, supports)
        if found is not None:
            return found
    return None


#: the support thresholds tried in turn when the one asked for gives no certified limit (measured
#: in a fuzz, stop 36: three-player branches that end with the action on its way to 0 still at
#: 2.5e-5, and at 0.0036 at lambda 4.7e5 with payoffs 0..3)
SUPPORT_TOLERANCES = (1e-4, 1e-3, 1e-2)


def _limit_on_supports(game, profile, supports):
    """:func:`limit_equilibrium` on the given supports: the first candidate that certifies. With
    two players a rounding farther than :data:`CONTINUUM_DISTANCE` from the profile is not
    tried: where the support's equations have one solution, that solution came first; where
    they have many, a rounding to small denominators can land on another point of the
    continuum, no limit of this profile. With three or more the roundings keep no such bound
    (as before stop 36): a branch that creeps towards an equilibrium where an unused action is
    tied can still give that action 0.003 at lambda 4e5 (payoffs 0..3; measured in a fuzz), and
    the rounding that gives it 0 is the certified answer."""
    from deterrence.solvers.certify import certified_equilibrium
    # candidates made one at a time: the first usually certifies
    roundings = (round_to_support(profile, supports, den) for den in DENOMINATORS)
    if game.n_players == 2:
        roundings = (s for s in roundings if s is not None and _distance(s, profile) <= CONTINUUM_DISTANCE)
    candidates = itertools.chain(_two_player_support(game, supports, profile) if game.n_players == 2 else (),
                                 roundings)
    for strategies in candidates:
        try:
            if strategies is not None:
                return certified_equilibrium(game, strategies)
        except (NotAnEquilibriumError, GameError, ZeroDivisionError):
            continue
    if game.n_players == 2:      # the support's exact solution failed: nothing else is near
        return None
    # three or more players: the limit may be irrational, so no fraction rounds to it (the
    # n-player solvers, and sympy with them, are loaded only here, off the two-player path)
    from deterrence.solvers.normal_form.box_certify import certify_on_support
    from deterrence.solvers.normal_form.nplayer import nearest_on_supports
    boxed = certify_on_support(game, supports, profile)       # proved the one point near the profile
    if boxed is not None:
        return boxed
    found = nearest_on_supports(game, supports, profile, max_unknowns=MAX_EXACT_UNKNOWNS)
    if found is not None:
        return found
    for strategies in _one_free_player(game, supports, profile):
        try:
            return certified_equilibrium(game, strategies)
        except (NotAnEquilibriumError, GameError, ZeroDivisionError):
            continue
    return None


def _one_free_player(game, supports, profile):
    """Three or more players, the limit inside a continuum: candidates with every player but one
    rounded (denominators of :data:`DENOMINATORS`) and that one's strategy solved exactly, the
    point of its solution space nearest the profile; the whole profile within
    :data:`CONTINUUM_DISTANCE` of the float one. With
    the others fixed, the other players' indifference on their supports is linear in it. (A 2x2x2
    game of a helper's fuzz, stop 36: the branch creeps towards a curve of equilibria, no point
    of which has small denominators in every coordinate, while player 2 stays at 1/3.)"""
    from deterrence.solvers.certify import on_support
    arrays = game.payoff_arrays
    n = game.n_players
    tried = set()            # a system with one solution yields it at every denominator: once each
    for den in DENOMINATORS:
        rounded = round_to_support(profile, supports, den)
        if rounded is None:
            continue
        for i in range(n):
            rows = []
            for j in range(n):
                if j == i or len(supports[j]) < 2:
                    continue
                # player j's payoff from each of its actions, as a linear form in i's strategy on S_i
                form = _pair_table(arrays[j], rounded, i, j)
                first = supports[j][0]
                for a in supports[j][1:]:
                    rows.append([form[b, a] - form[b, first] for b in supports[i]] + [0])
            rows.append([1] * len(supports[i]) + [1])
            guess = np.asarray(profile[i], dtype=float)[supports[i]]
            for solved in _nearest_solutions(rows, len(supports[i]), guess, values=0):
                if solved is not None and min(solved) >= 0:
                    strategies = list(rounded)
                    strategies[i] = on_support(supports[i], solved, game.shape[i], 0)
                    key = tuple(map(tuple, strategies))
                    if key not in tried and _distance(strategies, profile) <= CONTINUUM_DISTANCE:
                        tried.add(key)
                        yield strategies


def _distance(strategies, profile) -> float:
    """The largest difference of a probability between exact ``strategies`` and a float profile."""
    return max(abs(float(a) - b) for s, t in zip(strategies, profile) for a, b in zip(s, t))


def round_to_support(profile, supports, den):
    """Each player's float strategy rounded to fractions of denominator at most *den* on its
    support (zero elsewhere), renormalised to sum to 1; ``None`` if a support rounds to 0.

    >>> round_to_support([[0.3333333, 0.6666667]], [{0, 1}], 10)
    [(Fraction(1, 3), Fraction(2, 3))]
    """
    out = []
    for s, sup in zip(profile, supports):
        q = [Fraction(s[j]).limit_denominator(den) if j in sup else Fraction(0) for j in range(len(s))]
        total = sum(q)
        if total <= 0:
            return None
        out.append(tuple(v / total for v in q))
    return out


def _two_player_support(game, supports, profile):
    """Candidates for the limit of two players on the profile's supports, exactly: x on S1
    making the column player indifferent on S2 and y likewise (unknowns: the probabilities and
    the value). Where that system has one solution it is the one candidate; where it has many
    (a degenerate game whose equilibria form a continuum, and the limit is a point inside it),
    the solution nearest the float profile, its coordinates along the solution space rounded
    to fractions of denominator 10, 100, ..., 10^6 (each candidate exact and on the space)."""
    A, B = game.payoff_arrays
    S1, S2 = supports
    p, q = (np.asarray(s, dtype=float) for s in profile)
    # y on S2: A[a, S2] y = v for a in S1, sum y = 1; x on S1 likewise with B
    yrows = [[A[a, b] for b in S2] + [-1, 0] for a in S1] + [[1] * len(S2) + [0, 1]]
    xrows = [[B[a, b] for a in S1] + [-1, 0] for b in S2] + [[1] * len(S1) + [0, 1]]
    xs = _nearest_solutions(xrows, len(S1) + 1, p[S1])
    ys = _nearest_solutions(yrows, len(S2) + 1, q[S2])
    from deterrence.solvers.certify import on_support
    tried = set()       # a side with one solution repeats it: each pair is certified once
    for x, y in zip(xs, ys):
        if x is not None and y is not None and min(x[:-1]) >= 0 and min(y[:-1]) >= 0:
            if (key := (tuple(x), tuple(y))) not in tried:
                tried.add(key)
                yield [on_support(S1, x[:-1], game.shape[0], 0), on_support(S2, y[:-1], game.shape[1], 0)]


def _nearest_solutions(aug, k, probs, values=1):
    """Exact solutions of the system (unknowns: probabilities, then ``values`` values) near the
    float ``probs``, one per denominator of :data:`DENOMINATORS`, made as asked for (the one
    solution each time when there is one; ``None`` for a rounding too far away); nothing when
    the system is inconsistent."""
    from deterrence.core.exact import solution_space, solve_consistent
    one = solve_consistent(aug, k, unique=True)      # the usual case, on flint's fast path
    if one is not None:
        one = [Fraction(v) for v in one]
        for _ in DENOMINATORS:
            yield one
        return
    space = solution_space(aug, k)
    if space is None:
        return
    point, basis = space
    # least squares in the probabilities alone (the value follows them); a rounding that moves
    # the point by more than CONTINUUM_DISTANCE is left out (None): the limit is a point of the
    # continuum, and another point of it is no answer
    N = np.array([[float(v[j]) for v in basis] for j in range(k - values)])
    offset = probs - np.array([float(v) for v in point[:k - values]])
    coords = np.linalg.lstsq(N, offset, rcond=None)[0]
    for den in DENOMINATORS:
        c = [Fraction(float(v)).limit_denominator(den) for v in coords]
        exact = [a + sum(cj * v[j] for cj, v in zip(c, basis)) for j, a in enumerate(point)]
        near = max(abs(float(a) - b) for a, b in zip(exact, probs)) <= CONTINUUM_DISTANCE
        yield exact if near else None


#: the denominators a float limit is rounded to, in turn
DENOMINATORS = (10, 100, 1000, 10 ** 4, 10 ** 6)
#: how far (largest difference of a probability) a limit found in a continuum of equilibria may
#: be from the branch's last point: the branch converges to one point of the continuum, and a
#: rounding to small denominators can land on another, farther one (measured: 0.05 at
#: denominator 10 on a degenerate 4x4 game)
CONTINUUM_DISTANCE = 1e-3


# ------------------------------------------------------------------ public entries
def logit_branch(game, max_lambda: float | None = None, tol: float = 1e-10,
                 max_steps: int = 20000) -> QREBranch:
    """Trace the principal branch of the logit QRE from lambda = 0 to ``max_lambda``.

    The limit is matched to a Nash equilibrium and certified exactly.

    >>> from deterrence import load_game
    >>> branch = logit_branch(load_game("chicken").with_defaults())
    >>> branch.lambdas[0], branch.profiles[0][0]
    (0.0, (0.5, 0.5))
    >>> branch.limit.strategies
    ((Fraction(9, 10), Fraction(1, 10)), (Fraction(9, 10), Fraction(1, 10)))
    """
    tol = check_positive("tol", tol)
    game, arrays = _float_arrays(game, "logit_branch")
    H, scale = _scaled_homotopy(arrays)
    if max_lambda is None:
        max_lambda = _default_max_lambda(arrays)
    stopped = ""
    try:
        points = trace_branch(H, max_lambda * scale, tol, max_steps)
    except BranchStopped as exc:
        # far out, the last point is as near the limit as floats get (FAR_OUT); nearer the start
        # it is not, and the branch is refused
        if not _far_out(H, exc.points):
            raise
        points, stopped = exc.points, exc.reason
    probs = np.exp(np.array(points)[:, :-1])         # every point at once
    profiles = tuple(tuple(tuple(row[s]) for s in H._slices) for row in probs.tolist())
    limit = limit_equilibrium(game, profiles[-1])
    return QREBranch(lambdas=tuple(float(z[-1]) / scale for z in points), profiles=profiles,
                     players=game.players, actions=game.actions, limit=limit, stopped=stopped)


def qre_at(game, lam: float, tol: float = 1e-12) -> tuple:
    """The logit QRE on the principal branch at ``lam``: one tuple of floats per player.

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> [round(p, 12) for p in qre_at(mp, 3.0)[0]]
    [0.5, 0.5]
    """
    tol = check_positive("tol", tol)
    lam = check_nonnegative("lambda", lam)
    game, arrays = _float_arrays(game, "qre_at")
    H, scale = _scaled_homotopy(arrays)
    if lam == 0:
        return tuple(tuple([1.0 / m] * m) for m in H.shape)
    try:
        return _profile(H, trace_branch(H, lam * scale, tol, stop_at=lam * scale)[-1])
    except SolverError as exc:
        if scale == 1.0:
            raise
        raise SolverError(f"{exc} (the tracer's lambda: the payoffs are divided by {scale:g}; "
                          f"lambda = {lam:g} in the game's units)") from exc



def _refusal_hint(game) -> str:
    """What to try when the branch's end cannot be certified: the exact complete methods, and
    rescaling when the payoffs span many orders of magnitude (which the floating-point branch
    cannot follow: a bug hunt's game had payoffs near 10^31 and 10^-29).

    >>> from deterrence import NormalFormGame
    >>> hint = _refusal_hint(NormalFormGame.from_arrays([[10**31, 1], [0, 0]], [[1, 0], [0, Fraction(1, 10**29)]]))
    >>> hint.split("; ")[1:]    # doctest: +NORMALIZE_WHITESPACE
    ['its payoffs span 60 orders of magnitude, more than the floating-point branch can follow (rescale them)',
     'method enumerate lists every equilibrium exactly']
    """
    import math
    sizes = [abs(Fraction(v)) for arr in game.payoff_arrays for v in np.asarray(arr, dtype=object).ravel() if v]
    hint = ""
    if sizes:
        def log10(q):            # on the integers: a payoff below 1e-308 is 0.0 as a float
            return math.log10(q.numerator) - math.log10(q.denominator)
        span = log10(max(sizes)) - log10(min(sizes))
        if span > 12:
            hint += (f"; its payoffs span {round(span)} orders of magnitude, more than the floating-point branch "
                     "can follow (rescale them)")
    exact = "enumerate" if game.n_players == 2 else "nplayer"
    return hint + f"; method {exact} lists every equilibrium exactly"


def logit_qre(game, lam: float | None = None, max_lambda: float | None = None) -> SolveResult:
    """The logit QRE method of :func:`~deterrence.solvers.solve`.

    Without ``lam``: the Nash equilibrium at the end of the principal branch,
    certified exactly. With ``lam``: the QRE at that lambda, in floating point
    (``exact=False``).

    >>> from deterrence import load_game, solve
    >>> res = solve(load_game("chicken"), "qre")
    >>> res[0].strategies, res.exact
    (((Fraction(9, 10), Fraction(1, 10)), (Fraction(9, 10), Fraction(1, 10))), True)
    >>> solve(load_game("matching_pennies"), "qre", lam=2.0)[0].exact
    False
    """
    game, arrays = _float_arrays(game, "logit_qre")
    # the command line hands options over as text or exact numbers: "abc", 1e400 and true were a
    # traceback, an OverflowError and lambda = 1 (a bug hunt)
    if max_lambda is not None:
        max_lambda = check_positive("max_lambda", max_lambda)
    if lam is not None:
        profile = qre_at(game, check_nonnegative("lam", lam))
        payoffs = tuple(float(v @ np.asarray(s)) for v, s in zip(action_values(arrays, profile), profile))
        eq = Equilibrium(strategies=profile, payoffs=payoffs, players=game.players,
                         actions=game.actions, exact=False)
        return SolveResult(equilibria=(eq,), method="qre", exact=False, complete=False,
                           players=game.players, actions=game.actions,
                           concept=f"logit QRE (lambda = {format_short(lam)})")
    branch = logit_branch(game, max_lambda=max_lambda)
    if branch.limit is None:
        raise SolverError(f"the logit QRE branch reached lambda = {branch.lambdas[-1]:.6g} at "
                          f"{branch.profiles[-1]}, but no exact equilibrium near it could be certified"
                          + _refusal_hint(game))
    from deterrence.solvers.normal_form.nplayer import irrational_notes
    traced = f"the principal branch traced to lambda = {branch.lambdas[-1]:.6g} in {len(branch)} steps"
    if branch.stopped:
        traced = (f"{traced}, where it stopped ({branch.stopped}; the float corrector could not follow "
                  "the branch further); the equilibrium, certified, was found on the support "
                  "of its last point and is not proved to be the branch's limit")
    notes = [traced]
    dropped = [f"{game.players[i]}'s action {game.actions[i][j]} ({t[j]:.2g})"
               for i, (s, t) in enumerate(zip(branch.limit.strategies, branch.profiles[-1]))
               for j in range(len(s)) if s[j] == 0 and t[j] > LIMIT_SUPPORT_TOL]
    apart = _distance(branch.limit.strategies, branch.profiles[-1])
    if dropped:
        notes.append(f"at the branch's last point, {', '.join(dropped)} still had probability above "
                     f"{LIMIT_SUPPORT_TOL:g}; the certified equilibrium gives {'it' if len(dropped) == 1 else 'them'} "
                     f"0 and is {apart:.2g} from that point (the largest difference of a probability)")
    if _inside_a_continuum(game, branch.limit):
        notes.append(f"the branch ends in a continuum of equilibria (on the limit's supports), where its "
                     f"limit is known only as closely as its last point: the certified equilibrium is {apart:.2g} "
                     "from it (the largest difference of a probability)")
    return SolveResult(equilibria=(branch.limit,), method="qre", exact=True, complete=False,
                       players=game.players, actions=game.actions, concept="logit QRE limit",
                       notes=(*notes, *irrational_notes([branch.limit])))


def _inside_a_continuum(game, eq) -> bool:
    """Whether an equilibrium lies in a continuum of equilibria on its supports: for some player,
    the strategies on its support that keep every other player's support optimal, the others
    fixed (equal values there, no better action off it), are more than one point. By exact
    linear programs: some probability's maximum over them exceeds its minimum. (With three or
    more players a continuum along which several players move at once is not detected; an
    irrational equilibrium is not tested.)"""
    from deterrence.core.exact import maximise_exactly
    if not eq.is_rational:
        return False
    supports = [[j for j, p in enumerate(s) if p > 0] for s in eq.strategies]
    for i, own in enumerate(supports):
        others = [j for j in range(game.n_players) if j != i]
        n, m = len(own), len(others)
        # unknowns: x_i on its support, then one value v_j per other player j
        rows, rhs = [], []
        for slot, j in enumerate(others):
            form = _pair_table(game.payoff_arrays[j], eq.strategies, i, j)
            for o in range(game.shape[j]):
                row = [form[a, o] for a in own] + [-int(k == slot) for k in range(m)]
                rows.append(row)                                   # payoff of o <= v_j
                rhs.append(0)
                if o in supports[j]:                               # and >= v_j on the support
                    rows.append([-c for c in row])
                    rhs.append(0)
        rows += [[1] * n + [0] * m, [-1] * n + [0] * m]             # a distribution
        rhs += [1, -1]
        rows += [[-int(k == a) for k in range(n)] + [0] * m for a in range(n)]      # nonnegative
        rhs += [0] * n
        for a in range(n):
            up = maximise_exactly([int(k == a) for k in range(n)] + [0] * m, rows, rhs)[0]
            down = -maximise_exactly([-int(k == a) for k in range(n)] + [0] * m, rows, rhs)[0]
            if up > down:
                return True
    return False


def _pair_table(array, strategies, i, j):
    """Player ``j``'s payoff ``array`` with every player but ``i`` and ``j`` mixed by the exact
    ``strategies``: a matrix, rows ``i``'s actions, columns ``j``'s."""
    table = np.asarray(array, dtype=object)
    for k in reversed(range(table.ndim)):
        if k not in (i, j):
            table = np.tensordot(table, np.array(strategies[k], dtype=object), axes=([k], [0]))
    return table if i < j else table.T
