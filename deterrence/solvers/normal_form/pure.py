"""Pure-strategy Nash equilibria of n-player games, by best responses.

For each player, mark the profiles at which that player's action is a best
response to the others' (a maximum along that player's axis); the pure
equilibria are the profiles marked by every player. Vectorised with NumPy on
exact (object) arrays, so ties are found exactly.

Source: the definition of Nash equilibrium (J. Nash, "Non-cooperative games", Annals of
Mathematics 54, 1951), for pure profiles: each player's action is a best response to the
others' actions.

Steps: (1) per player, the maximum of its payoff array along its own axis; (2) the mask of
the entries equal to it (:func:`best_response_mask`); (3) the profiles where every mask holds,
each certified exactly (:func:`deterrence.solvers.certify.certified_equilibrium`).

>>> from deterrence import load_game
>>> [e.strategies for e in pure_equilibria(load_game("prisoners_dilemma").with_defaults())]
[((0, 1), (0, 1))]
"""
from __future__ import annotations

import numpy as np

from deterrence.solvers.certify import certified_equilibrium
from deterrence.solvers.result import SolveResult


def best_response_mask(game, player) -> np.ndarray:
    """Boolean array: True where ``player``'s action is a best response.

    >>> from deterrence import NormalFormGame
    >>> best_response_mask(NormalFormGame.from_arrays([[1, 0], [0, 1]]), 0).tolist()
    [[True, False], [False, True]]
    """
    arr = game.payoff_array(player)
    best = np.max(arr, axis=player, keepdims=True)
    return np.asarray(arr == best, dtype=bool)


def pure_equilibria(game) -> SolveResult:
    """Every pure Nash equilibrium, exactly, for any number of players.

    >>> from deterrence import NormalFormGame
    >>> pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> [e.describe() for e in pure_equilibria(pd)]
    ['Row: 1; Column: 1  (payoffs 1, 1)']
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "pure_equilibria")
    mask = np.ones(game.shape, dtype=bool)
    for i in range(game.n_players):
        mask &= best_response_mask(game, i)
    equilibria = []
    for prof in zip(*np.nonzero(mask)):
        strategies = [[1 if j == a else 0 for j in range(k)] for a, k in zip(prof, game.shape)]
        equilibria.append(certified_equilibrium(game, strategies))
    return SolveResult(equilibria=tuple(equilibria), method="pure", exact=True, complete=False,
                       players=game.players, actions=game.actions,
                       notes=("pure equilibria only: mixed equilibria are not searched",),
                       game=game, parameters=game.parameters)
