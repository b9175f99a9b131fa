"""Exact certification: no player has a profitable deviation.

Every solver builds its equilibria through :func:`certified_equilibrium`, so
no profile reaches a user without passing this check in exact arithmetic.
"""
from __future__ import annotations

from fractions import Fraction
from itertools import product


from ..core.numbers import to_exact
from ..errors import GameError, NotAnEquilibriumError
from .result import Equilibrium


def expected_payoffs_against(game, strategies, player) -> list:
    """Exact expected payoff of each pure action of ``player`` against the others' mixes.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[1, 0], [0, 1]])
    >>> expected_payoffs_against(g, [(1, 0), (Fraction(1, 2), Fraction(1, 2))], 0)
    [Fraction(1, 2), Fraction(1, 2)]
    """
    arr = game.payoff_array(player)
    n = game.n_players
    values = []
    others = [i for i in range(n) if i != player]
    supports = {i: [(j, p) for j, p in enumerate(strategies[i]) if p != 0] for i in others}
    if n == 2:
        other = others[0]
        M = arr if player == 0 else arr.T
        support = supports[other]
        cols = [j for j, _ in support]
        # One integer dot product per action over a common denominator is much
        # cheaper than summing Fractions (the check runs on every equilibrium).
        den = 1
        for _, p in support:
            den = _lcm(den, Fraction(p).denominator)
        weights = [int(Fraction(p) * den) for _, p in support]
        sub = M[:, cols]
        scale = 1
        for v in sub.flat:
            if isinstance(v, Fraction):
                scale = _lcm(scale, v.denominator)
        total = den * scale
        for a in range(game.shape[player]):
            row = sub[a]
            acc = sum(int(v * scale) * w for v, w in zip(row, weights))
            values.append(Fraction(acc, total))
        return values
    for a in range(game.shape[player]):
        total = Fraction(0)
        for combo in product(*(supports[i] for i in others)):
            idx, prob = [0] * n, Fraction(1)
            idx[player] = a
            for i, (j, p) in zip(others, combo):
                idx[i] = j
                prob *= p
            total += arr[tuple(idx)] * prob
        values.append(total)
    return values


def on_support(indices, values, size) -> list:
    """A full probability vector from the values on a support (zero elsewhere).

    >>> on_support([0, 2], [Fraction(1, 3), Fraction(2, 3)], 4)
    [Fraction(1, 3), Fraction(0, 1), Fraction(2, 3), Fraction(0, 1)]
    """
    out = [Fraction(0)] * size
    for i, v in zip(indices, values):
        out[i] = v
    return out


def _lcm(a: int, b: int) -> int:
    from math import gcd
    return a // gcd(a, b) * b


def regrets(game, strategies) -> tuple:
    """Each player's regret (best deviation payoff minus current payoff), exactly.

    >>> from deterrence import NormalFormGame
    >>> regrets(NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]]), [(1, 0), (1, 0)])
    (Fraction(2, 1), Fraction(2, 1))
    """
    out = []
    for i in range(game.n_players):
        vals = expected_payoffs_against(game, strategies, i)
        current = sum((v * p for v, p in zip(vals, strategies[i])), Fraction(0))
        out.append(max(vals) - current)
    return tuple(out)


def _normalise(game, strategies):
    if len(strategies) != game.n_players:
        raise GameError(f"a profile needs {game.n_players} strategies, got {len(strategies)}")
    profile = []
    for i, s in enumerate(strategies):
        s = [to_exact(p, f"probability for {game.players[i]}") for p in s]
        if len(s) != game.shape[i]:
            raise GameError(f"strategy of {game.players[i]} has {len(s)} entries, "
                            f"the player has {game.shape[i]} actions")
        if any(p < 0 for p in s) or sum(s) != 1:
            raise GameError(f"strategy of {game.players[i]} is not a probability vector: {s}")
        profile.append(tuple(Fraction(p) for p in s))
    return profile


def is_equilibrium(game, strategies) -> bool:
    """Exact test of the equilibrium property.

    >>> from deterrence import NormalFormGame
    >>> is_equilibrium(NormalFormGame.from_arrays([[1, 0], [0, 1]]), [(1, 0), (1, 0)])
    False
    >>> is_equilibrium(NormalFormGame.from_arrays([[1, 0], [0, 1]]), [(0.5, 0.5), (0.5, 0.5)])
    True
    """
    return all(r == 0 for r in regrets(game, _normalise(game, strategies)))


def certified_equilibrium(game, strategies) -> Equilibrium:
    """Check a profile exactly and return it as an :class:`Equilibrium`.

    Raises :class:`~deterrence.errors.NotAnEquilibriumError` naming the player
    with a profitable deviation.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    >>> certified_equilibrium(g, [(1, 0), (1, 0)]).payoffs
    (1, 1)
    """
    game._need_numeric("certification")
    profile = _normalise(game, strategies)
    payoffs = []
    for i in range(game.n_players):
        vals = expected_payoffs_against(game, profile, i)
        current = sum((v * p for v, p in zip(vals, profile[i])), Fraction(0))
        best = max(vals)
        if best > current:
            dev = game.actions[i][vals.index(best)]
            raise NotAnEquilibriumError(
                f"not an equilibrium: {game.players[i]} gains {best - current} by switching to {dev!r}")
        payoffs.append(_simplify(current))
    strategies = tuple(tuple(_simplify(p) for p in s) for s in profile)
    return Equilibrium(strategies=strategies, payoffs=tuple(payoffs),
                       players=game.players, actions=game.actions, exact=True)


def _simplify(q: Fraction):
    return q.numerator if q.denominator == 1 else q
