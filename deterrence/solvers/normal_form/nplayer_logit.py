"""One Nash equilibrium of an n-player game, fast: a small-support search, then the
logit quantal response path to its Nash limit, each guess certified before it leaves.

Sources: R. Porter, E. Nudelman and Y. Shoham, "Simple search methods for
finding a Nash equilibrium", Games Econ. Behav. 63 (2008) 642-662 (small,
balanced supports first); R. D. McKelvey and T. R. Palfrey, "Quantal response
equilibria for normal form games", Games Econ. Behav. 10 (1995) 6-38 (the logit
equilibrium correspondence, whose principal branch runs from the centroid at
lambda = 0 to a Nash equilibrium as lambda grows); T. L. Turocy, "A dynamic
homotopy interpretation of the logistic quantal response equilibrium
correspondence", Games Econ. Behav. 51 (2005) 243-263 (tracing it, as Gambit's
``logit`` does); E. L. Allgower and K. Georg, *Introduction to Numerical
Continuation Methods* (1990), ch. 2 (the predictor-corrector scheme); R.
Krawczyk (1969) and R. E. Moore, R. B. Kearfott and M. J. Cloud, *Introduction
to Interval Analysis* (2009) (the box test of
:mod:`~deterrence.solvers.normal_form.box_certify`). No code was copied.

Steps
-----
1. Small supports first (:mod:`~deterrence.solvers.normal_form.support_search`):
   pure profiles, then (three players) one player pure and two mixing over two
   actions, all three mixing over two, one pure and two mixing over three,
   every support profile of a class solved at once in NumPy. The first
   :data:`MAX_CANDIDATES` float candidates are certified in turn (step 4).
2. Otherwise the logit path. Scale the payoffs to [0, 1] (the path's lambda is
   then comparable across games). Unknowns: the log-probabilities ``z`` of every
   action and lambda. Equations: ``z_ia - z_i0 = lambda (u_ia(x) - u_i0(x))`` and
   ``sum_a exp(z_ia) = 1`` for each player: one fewer than the unknowns, so the
   solutions form curves; the branch through the centroid at lambda = 0 is
   followed by predictor-corrector steps in arc length (the tangent is the null
   vector of the Jacobian, oriented as the previous one; an Euler step; Newton
   corrections orthogonal to the tangent; steps grow after easy corrections and
   shrink after hard ones).
3. At lambda checkpoints the actions with probability above a threshold
   (several thresholds) give a guessed support profile, certified as in step 4;
   if the box test declines (from lambda :data:`EXACT_LAMBDA` on, or for every
   declined support once the path has ended, latest first), the exact
   polynomial system on that support is solved by :func:`~deterrence.solvers.normal_form.nplayer.nearest_on_supports`
   (Groebner bases, exact signs), which takes the certified equilibrium on it nearest
   the float point. Guessed supports with more than
   :data:`MAX_UNKNOWNS` unknown probabilities are not tried.
4. Certification (:func:`~deterrence.solvers.normal_form.box_certify.certify_on_support`),
   the only way an answer leaves: a rational point is checked exactly
   (:func:`~deterrence.solvers.certify.certified_equilibrium`); an irrational one
   is proved by the Krawczyk test in ball arithmetic to be the unique solution
   of its support's system in a box of width below 1e-38, on which every support
   probability is positive and every other action earns strictly less: a
   :class:`~deterrence.solvers.normal_form.box_certify.BoxEquilibrium`, printed
   to 25 significant digits. If nothing is certified by the end of the path,
   :class:`~deterrence.errors.SolverError` is raised: a float profile is never
   returned.
"""
from __future__ import annotations

import numpy as np

from deterrence.core.numbers import float_array
from deterrence.errors import NotAnEquilibriumError, SolverError
from deterrence.solvers.certify import certified_equilibrium
from deterrence.solvers.normal_form.box_certify import certify_on_support
from deterrence.solvers.normal_form.nplayer import NPlayerResult, irrational_notes, nearest_on_supports
from deterrence.solvers.normal_form.support_search import candidate_equilibria

#: Largest lambda (payoffs scaled to [0, 1]) before the path is given up.
MAX_LAMBDA = 1e7
#: Most predictor-corrector steps.
MAX_STEPS = 20000
#: Probability thresholds tried when guessing the support at a checkpoint.
THRESHOLDS = (1e-2, 1e-3, 1e-5, 1e-8)
#: Largest guessed support (in unknown probabilities) whose system is solved exactly.
MAX_UNKNOWNS = 6
#: Smallest lambda at which a guessed support the box test declines is solved exactly
#: (Groebner); before it the guesses change quickly and the box test is far cheaper.
EXACT_LAMBDA = 1e4
#: Most float candidates of the small-support search certified before the path is traced.
MAX_CANDIDATES = 20


def logit_path_equilibrium(game, *, max_lambda: float = MAX_LAMBDA) -> NPlayerResult:
    """One certified Nash equilibrium: the small-support search, then the logit QRE path.

    Rational answers are exact; irrational ones are a
    :class:`~deterrence.solvers.normal_form.box_certify.BoxEquilibrium`.

    >>> from deterrence import NormalFormGame
    >>> import numpy as np
    >>> u = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    >>> for a, b, c in np.ndindex(2, 2, 2):
    ...     u[0][a, b, c], u[1][a, b, c], u[2][a, b, c] = int(a == b), int(b == c), int(c != a)
    >>> [e.describe() for e in logit_path_equilibrium(NormalFormGame(u))]
    ['Player 1: 1/2 0 + 1/2 1; Player 2: 1/2 0 + 1/2 1; Player 3: 1/2 0 + 1/2 1  (payoffs 1/2, 1/2, 1/2)']
    """
    game.require_numeric("logit_path_equilibrium")
    found = _support_search(game)
    if found is not None:
        return _result(game, found, "one equilibrium, certified, found by the small-support search "
                       f"on supports of sizes {_sizes(found)}")
    tensors = _scaled_payoffs(game)
    boxed, solved = {}, set()     # supports tried by the box test (with the float point), exactly
    checkpoint = 10.0
    for lam, x in _trace(tensors, max_lambda):
        if lam < checkpoint:
            continue
        checkpoint = lam * 1.5
        found = _certify_near(game, x, boxed, solved, exact=lam >= EXACT_LAMBDA)
        if found is not None:
            return _result(game, found, "one equilibrium, certified, on the support guessed from the "
                           f"logit path at lambda {lam:.3g}")
    # the path ended: every support the box test declined is solved exactly, latest first
    for supports, x in reversed(list(boxed.items())):
        found = _exact_on_support(game, supports, x, solved)
        if found is not None:
            return _result(game, found, "one equilibrium, certified exactly, on a support guessed from "
                           "the logit path")
    raise SolverError(f"the logit path reached lambda {max_lambda:g} without an equilibrium "
                      "that could be certified exactly; use method 'nplayer' (all equilibria)")


def _sizes(equilibrium) -> str:
    return "x".join(str(sum(1 for p in s if p != 0)) for s in equilibrium.strategies)


def _result(game, equilibrium, note) -> NPlayerResult:
    notes = [note] + irrational_notes([equilibrium])
    return NPlayerResult(equilibria=(equilibrium,), method="nplayer_logit", exact=True,
                         complete=False, players=game.players, actions=game.actions,
                         notes=tuple(notes))


def _support_search(game):
    """The first candidate of the small-support search that certifies, or None."""
    arrays = [float_array(game.payoff_array(i)) for i in range(game.n_players)]
    for tried, (supports, strategies) in enumerate(candidate_equilibria(arrays)):
        if tried >= MAX_CANDIDATES:
            return None
        if all(len(s) == 1 for s in supports):
            try:
                return certified_equilibrium(game, [tuple(int(a == s[0]) for a in range(k))
                                                    for s, k in zip(supports, game.shape)])
            except NotAnEquilibriumError:
                continue
        found = certify_on_support(game, supports, strategies)
        if found is not None:
            return found
    return None


def _scaled_payoffs(game) -> list:
    arrays = [float_array(game.payoff_array(i)) for i in range(game.n_players)]
    low = min(a.min() for a in arrays)
    span = max(a.max() for a in arrays) - low
    return [(a - low) / (span or 1.0) for a in arrays]


def _split(z, sizes) -> list:
    return np.split(z, np.cumsum(sizes)[:-1])


def _trace(tensors, max_lambda):
    """Yield ``(lambda, strategies)`` along the principal logit branch (the homotopy of
    :mod:`.qre`: one evaluation gives the residual and the Jacobian)."""
    from deterrence.solvers.normal_form.qre import _Homotopy, _tangent
    H = _Homotopy(tensors)
    sizes = list(H.shape)
    y = np.concatenate([np.full(k, -np.log(k)) for k in sizes] + [[0.0]])
    step, previous = 0.05, None
    for _ in range(MAX_STEPS):
        t = _tangent(H.jacobian(y), previous)
        # a long step can land where exp overflows: such a step is rejected (not finite), as
        # any step whose corrector fails, without NumPy's overflow warnings
        with np.errstate(over="ignore", invalid="ignore"):
            while True:
                trial = y + step * t
                ok, newton_steps = False, 0
                for _ in range(8):
                    newton_steps += 1
                    H_value, J = H.evaluate(trial)
                    if not (np.all(np.isfinite(H_value)) and np.all(np.isfinite(J))):
                        break
                    try:      # the update orthogonal to the tangent (a square solve)
                        delta = np.linalg.solve(np.vstack([J, t]), np.append(-H_value, 0.0))
                    except np.linalg.LinAlgError:
                        delta = np.linalg.lstsq(J, -H_value, rcond=None)[0]
                    trial = trial + delta
                    if np.sqrt(delta @ delta) < 1e-10:
                        ok = True
                        break
                moved = trial - y
                if ok and np.all(np.isfinite(trial)) and np.sqrt(moved @ moved) < 2.5 * step:
                    break
                step /= 2
                if step < 1e-12:      # the path cannot be followed further: stop here
                    return
        y, previous = trial, t
        # a corrector that converged in a few steps means the path is smooth here: lengthen
        step = min(step * (1.5 if newton_steps <= 3 else 1.0), 10.0 + abs(y[-1]))
        lam = y[-1]
        yield lam, [np.exp(v) for v in _split(y[:-1], sizes)]
        if lam > max_lambda:
            return


def _certify_near(game, x, boxed, solved, exact):
    """A certified equilibrium on a support guessed from ``x`` by the box test, or (when
    ``exact``) by the exact solve of the support (the one nearest ``x``), or None."""
    for threshold in THRESHOLDS:
        supports = tuple(tuple(int(a) for a in np.nonzero(p >= threshold * p.max())[0]) for p in x)
        if supports not in boxed:
            boxed[supports] = x
            found = certify_on_support(game, supports, x)
            if found is not None:
                return found
        if exact:
            found = _exact_on_support(game, supports, x, solved)
            if found is not None:
                return found
    return None


def _exact_on_support(game, supports, x, solved):
    """The certified equilibrium with these supports nearest ``x`` by the exact (Groebner)
    solve, or None; each support is solved once, and not above :data:`MAX_UNKNOWNS`."""
    if supports in solved:
        return None
    solved.add(supports)
    return nearest_on_supports(game, supports, x, max_unknowns=MAX_UNKNOWNS)


__all__ = ["logit_path_equilibrium"]
