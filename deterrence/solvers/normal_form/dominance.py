"""Iterated elimination of dominated actions, pure and mixed, checked exactly.

Sources: M. Osborne and A. Rubinstein, "A Course in Game Theory" (1994),
section 4.2 (iterated elimination of strictly dominated actions; an action
is never a best response iff it is dominated by a mixed strategy, Lemma 60.1);
Y. Shoham and K. Leyton-Brown, "Multiagent Systems" (2009), section 4.5.1
(the linear program for domination by a mixed strategy).

Steps
-----
1. For a player ``i`` and an action ``a``, write the payoff of each own action
   against every pure profile of the others as a matrix (``U[k, s]``).
2. Pure domination is checked exactly first: another action ``b`` with
   ``U[b, s] > U[a, s]`` for all ``s`` (strict), or ``>=`` with one ``>``
   (weak).
3. Mixed domination (``mixed=True``): the LP ``max eps`` subject to
   ``sum_k sigma_k U[k, s] - U[a, s] >= eps`` for every ``s``,
   ``sum sigma = 1``, ``sigma >= 0`` over the player's other actions (strict:
   dominated iff ``eps > 0``); for weak domination the LP maximises the total
   slack with every slack ``>= 0``. The LP (SciPy ``linprog``, HiGHS) only
   proposes a mix. Its vertex is first solved exactly from the constraints the
   float answer makes tight (:func:`_exact_vertex`: the mix's zeros and the
   slacks at their least, with ``sum sigma = 1``); then it is rounded to nearby
   fractions. Either way the domination is VERIFIED EXACTLY in Fractions
   before the action is removed. An action whose domination cannot be
   verified exactly is kept.
4. Iterate. Order rule: each step scans the players in order and each
   player's remaining actions in order, and removes the FIRST dominated action
   found; then it starts again on the smaller game. For strict domination the
   order does not matter (the final game is the same for every order); for
   weak domination it can, and this rule makes the result deterministic.

For more than two players, "the others' pure profiles" are all combinations
of their remaining actions; mixing is over the player's own actions only
(domination against every pure profile is domination against every mix).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import format_exact
from deterrence.errors import GameError
from deterrence.solvers.result import TextRepr

_TOL = 1e-9


@dataclass(frozen=True)
class EliminationResult(TextRepr):
    """What :func:`iterated_elimination` returns.

    ``reduced`` is the game that survives (built by ``game.restrict``);
    ``steps`` lists, in order, ``(player, action, dominated_by, kind)`` with
    ``kind`` ``"strict"`` or ``"weak"`` and ``dominated_by`` an action label
    or a mix such as ``"1/2 hold + 1/2 escalate"``.
    """

    original: object
    reduced: object
    steps: tuple

    @property
    def surviving(self) -> tuple:
        """Action labels that survive, one tuple per player."""
        return self.reduced.actions

    def to_text(self) -> str:
        """One line per eliminated action, then what survives."""
        lines = []
        for k, (player, action, by, kind) in enumerate(self.steps, 1):
            lines.append(f"{k}. {player}: {action} is {kind}ly dominated by {by}")
        if not self.steps:
            lines.append("No action is dominated.")
        lines.append("Surviving: " + "; ".join(
            f"{p}: {', '.join(a)}" for p, a in zip(self.reduced.players, self.reduced.actions)))
        return "\n".join(lines)

    def to_json(self) -> dict:
        """A JSON-ready dict: steps and surviving actions."""
        return {"steps": [{"player": p, "action": a, "dominated_by": by, "kind": kind}
                          for p, a, by, kind in self.steps],
                "surviving": {p: list(a) for p, a in zip(self.reduced.players, self.reduced.actions)}}

    def __str__(self):
        return self.to_text()

    def repr_text(self) -> str:
        """The listing (the dataclass repr printed both games and the raw steps: a review).

        >>> from deterrence import load_game
        >>> iterated_elimination(load_game("prisoners_dilemma").with_defaults())
        <EliminationResult: 1. Row: C is strictly dominated by D
        2. Column: C is strictly dominated by D
        Surviving: Row: D; Column: D>
        """
        return self.to_text()


def _own_matrix(game, player):
    """Payoffs of ``player``: rows = own actions, columns = others' pure profiles."""
    arr = np.moveaxis(game.payoff_array(player), player, 0)
    return arr.reshape(arr.shape[0], -1)


def _dominates(U, weights, a, weak):
    """Exact test: does the mix ``weights`` (dict k -> Fraction) dominate row ``a``?"""
    strict_somewhere = False
    for s in range(U.shape[1]):
        mix = sum((w * U[k, s] for k, w in weights.items()), Fraction(0))
        if mix < U[a, s]:
            return False
        if mix == U[a, s]:
            if not weak:
                return False
        else:
            strict_somewhere = True
    return strict_somewhere


def _describe(weights, labels):
    used = [(k, w) for k, w in sorted(weights.items()) if w != 0]
    if len(used) == 1:
        return labels[used[0][0]]
    return " + ".join(f"{format_exact(w)} {labels[k]}" for k, w in used)


def _differences(U, a, others):
    """``D[s, i] = U[others[i], s] - U[a, s]``, exactly (an object array): differenced before
    any float view, so that payoffs such as 2**70 + 1 and 2**70 (equal as floats) still
    differ by 1."""
    return np.asarray(U, dtype=object)[others].T - np.asarray(U, dtype=object)[a][:, None]


def _mixed_candidate(U, a, weak):
    """LP proposal of a dominating mix over the other rows (floats), or None."""
    from scipy.optimize import linprog
    others = [k for k in range(U.shape[0]) if k != a]
    if not others:
        return None
    D = np.array(_differences(U, a, others), dtype=float)
    ns, nk = D.shape
    scale = max(1.0, float(np.abs(D).max()))
    if not weak:
        # variables (sigma, eps): max eps, D sigma >= eps
        c = np.zeros(nk + 1)
        c[-1] = -1.0
        A_ub = np.hstack([-D, np.ones((ns, 1))])
        bounds = [(0, None)] * nk + [(None, None)]
        A_eq = np.hstack([np.ones((1, nk)), np.zeros((1, 1))])
    else:
        # max sum(D sigma) subject to D sigma >= 0
        c = np.concatenate([-D.sum(axis=0), [0.0]])
        A_ub = np.hstack([-D, np.zeros((ns, 1))])
        bounds = [(0, None)] * nk + [(0, 0)]
        A_eq = np.hstack([np.ones((1, nk)), np.zeros((1, 1))])
    res = linprog(c, A_ub=A_ub, b_ub=np.zeros(ns), A_eq=A_eq, b_eq=[1.0], bounds=bounds, method="highs")
    if res.status != 0 or -res.fun <= _TOL * scale:
        return None
    return {k: float(res.x[i]) for i, k in enumerate(others)}


def _exact_vertex(U, a, weak, candidate):
    """The LP's vertex near the float ``candidate``, exactly: the mix (dict row -> Fraction)
    solving ``sum sigma = 1``, ``sigma_k = 0`` where the float weight is zero and, on every
    column where the float slack is at its least, slack = ``eps`` (strict; ``eps`` unknown)
    or 0 (weak), over the rationals; None when those equations do not fix one mix.
    Rounding each weight alone misses the mix when its denominators are large (payoffs in
    the hundreds give denominators in the millions), which an exact solve does not.

    >>> U = np.array([[3, 0], [0, 3], [1, 1]], dtype=object)
    >>> _exact_vertex(U, 2, False, {0: 0.5000000001, 1: 0.4999999999})
    {0: Fraction(1, 2), 1: Fraction(1, 2)}
    """
    from deterrence.core.exact import solve_consistent
    others = sorted(candidate)
    D = _differences(U, a, others)
    Df = np.array(D, dtype=float)
    sigma = np.array([candidate[k] for k in others])
    slack = Df @ sigma
    scale = max(1.0, float(np.abs(Df).max()))
    least = 0.0 if weak else float(slack.min())
    free = [i for i in range(len(others)) if sigma[i] > _TOL]
    tight = [j for j in range(len(slack)) if abs(slack[j] - least) <= _TOL * scale]
    n = len(free) + (0 if weak else 1)              # the free weights, and eps when strict
    rows = [[1] * len(free) + ([] if weak else [0]) + [1]]
    rows += [[D[j, i] for i in free] + ([] if weak else [-1]) + [0] for j in tight]
    solution = solve_consistent(rows, n, unique=True)
    if solution is None:                            # not one mix
        return None
    weights = {others[i]: Fraction(solution[k]) for k, i in enumerate(free)}
    if any(w < 0 for w in weights.values()):
        return None
    return {k: w for k, w in weights.items() if w != 0}


def _rationalised(candidate):
    """Nearby exact mixes to try: fractions with growing denominators, then uniform on the support."""
    support = [k for k, w in candidate.items() if w > 1e-9]
    tries = []
    for bound in (12, 100, 1000, 10 ** 6):
        ws = {k: Fraction(candidate[k]).limit_denominator(bound) for k in support}
        total = sum(ws.values())
        if total > 0:
            tries.append({k: w / total for k, w in ws.items() if w > 0})
    if support:
        tries.append({k: Fraction(1, len(support)) for k in support})
    return tries


def dominated_actions(game, player, *, weak: bool = False, mixed: bool = True) -> list:
    """The actions of ``player`` dominated in ``game`` (one pass, no iteration).

    Returns ``(action, dominated_by)`` pairs; ``dominated_by`` is an action
    label or an exact mix such as ``"1/2 hold + 1/2 escalate"``.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[3, 0], [0, 3], [1, 1]], [[0, 0], [0, 0], [0, 0]],
    ...                                actions=[["hold", "escalate", "bluff"], ["L", "R"]])
    >>> dominated_actions(g, "Row")
    [('bluff', '1/2 hold + 1/2 escalate')]
    >>> dominated_actions(g, "Row", mixed=False)
    []
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "dominated_actions")
    i = game.player_index(player)
    U = _own_matrix(game, i)
    labels = game.actions[i]
    out = []
    for a in range(U.shape[0]):
        found = _dominated_by(U, a, weak, mixed)
        if found is not None:
            out.append((labels[a], _describe(found, labels)))
    return out


def _dominated_by(U, a, weak, mixed):
    """An exact dominating mix (dict row -> Fraction) for row ``a``, or None."""
    for b in range(U.shape[0]):
        if b != a and _dominates(U, {b: Fraction(1)}, a, weak):
            return {b: Fraction(1)}
    if not mixed or U.shape[0] < 3:
        return None
    candidate = _mixed_candidate(U, a, weak)
    if candidate is None:
        return None
    vertex = _exact_vertex(U, a, weak, candidate)
    for weights in ([vertex] if vertex else []) + _rationalised(candidate):
        if _dominates(U, weights, a, weak):
            return weights
    return None


def iterated_elimination(game, *, weak: bool = False, mixed: bool = True) -> EliminationResult:
    """Iteratively remove dominated actions (strict by default; mixes included).

    Each removal is verified exactly; see the module notes for the order rule
    used with ``weak=True``.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...                                 actions=[["C", "D"], ["C", "D"]])
    >>> r = iterated_elimination(pd)
    >>> r.reduced.actions
    (('D',), ('D',))
    >>> print(r.to_text())
    1. Row: C is strictly dominated by D
    2. Column: C is strictly dominated by D
    Surviving: Row: D; Column: D
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "iterated_elimination")
    if not isinstance(weak, bool) or not isinstance(mixed, bool):
        raise GameError(f"weak and mixed must be True or False, got weak={weak!r}, mixed={mixed!r}")
    kind = "weak" if weak else "strict"
    keep = [list(range(k)) for k in game.shape]
    current = game
    steps = []
    while True:
        removed = False
        for i in range(game.n_players):
            if len(keep[i]) < 2:
                continue
            U = _own_matrix(current, i)
            for a in range(U.shape[0]):
                found = _dominated_by(U, a, weak, mixed)
                if found is None:
                    continue
                labels = current.actions[i]
                steps.append((game.players[i], labels[a], _describe(found, labels), kind))
                del keep[i][a]
                current = game.restrict(keep)
                removed = True
                break
            if removed:
                break
        if not removed:
            break
    return EliminationResult(original=game, reduced=current, steps=tuple(steps))
