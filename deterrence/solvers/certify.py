"""Exact certification: no player has a profitable deviation.

Every solver builds its equilibria through :func:`certified_equilibrium`, so
no profile reaches a user without passing this check in exact arithmetic.

Source: the definition of Nash equilibrium (J. Nash, "Non-cooperative games", Annals of
Mathematics 54, 1951) in the form of the best-response condition: a mixed profile is an
equilibrium iff no pure action earns a player more than its mixture earns against the
others' mixtures (M. Osborne and A. Rubinstein, "A Course in Game Theory", 1994, Lemma 33.2).

Steps, for each player:

1. the exact expected payoff of every pure action against the others' mixtures (for two
   players one integer dot product per action over the common denominator of the mixture);
2. the mixture's own payoff, the weighted sum of those values;
3. a profitable deviation is an action worth more than the mixture: the profile is refused
   (:class:`~deterrence.errors.NotAnEquilibriumError` naming the player, the action and the gain),
   else the player's payoff is recorded.

>>> from deterrence import NormalFormGame
>>> g = NormalFormGame.from_arrays([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])    # matching pennies
>>> certified_equilibrium(g, [("1/2", "1/2"), ("1/2", "1/2")]).payoffs
(0, 0)
>>> certified_equilibrium(g, [(1, 0), ("1/2", "1/2")])
Traceback (most recent call last):
...
deterrence.errors.NotAnEquilibriumError: not an equilibrium: Column gains 1 by switching to '1'
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from deterrence.core.exact import integer_row
from deterrence.core.numbers import to_exact
from deterrence.errors import GameError, NotAnEquilibriumError
from deterrence.solvers.result import Equilibrium


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
        weights = integer_row([p for _, p in support])
        den = math.lcm(*(Fraction(p).denominator for _, p in support))     # weights / den: the mix
        sub = M[:, cols]
        scale = 1
        for v in sub.flat:
            if isinstance(v, Fraction):
                scale = math.lcm(scale, v.denominator)
        total = den * scale
        for a in range(game.shape[player]):
            row = sub[a]
            acc = sum(int(v * scale) * w for v, w in zip(row, weights))
            values.append(Fraction(acc, total))
        return values
    weights = {i: list(zip([j for j, _ in supports[i]], integer_row([p for _, p in supports[i]])))
               for i in others}
    sums, total = _scaled_values(game, player, weights)
    return [Fraction(acc, total) if type(acc) is int else Fraction(acc) / total for acc in sums]


def _scaled_values(game, player, weights) -> tuple:
    """``(sums, total)``: ``sums[a] / total`` is ``player``'s exact expected payoff of action
    ``a`` when each other player ``i`` plays its actions ``j`` with integer weights
    ``weights[i] = [(j, w_j), ...]`` (``total`` the product of their sums): integer weights,
    because Fractions cost far more (the check runs on every equilibrium)."""
    supports, probs, total = [()] * game.n_players, [None] * game.n_players, 1
    for i, row in weights.items():
        if i != player:
            total *= sum(w for _, w in row)
            supports[i] = [j for j, w in row if w]
            probs[i] = dict(row)
    return support_action_values(game.payoff_array(player), supports, player, probs, 1, 0), total


def support_action_values(payoffs, supports, i, probs, one, zero, reduce=None) -> list:
    """Player ``i``'s expected payoff of each of its actions (``payoffs``: its array) when each
    other player ``j`` plays ``probs[j][b]`` on the actions ``b`` of ``supports[j]``: numbers,
    integer weights, balls or polynomials (``one`` and ``zero`` of their kind; ``reduce``, if
    given, applied to each product, such as the remainder modulo a polynomial). Each pure
    profile of the others is weighted once, its product shared by all of ``i``'s actions, and
    the payoffs are read from the flat array at offsets built once.

    >>> import numpy as np
    >>> mp = np.array([[1, -1], [-1, 1]], dtype=object)
    >>> support_action_values(mp, [(0, 1), (0, 1)], 0, [None, [Fraction(1, 4), Fraction(3, 4)]], 1, 0)
    [Fraction(-1, 2), Fraction(1, 2)]
    """
    shape = payoffs.shape
    n = len(shape)
    strides = [1] * n
    for j in reversed(range(n - 1)):
        strides[j] = strides[j + 1] * shape[j + 1]
    combos = [(0, one)]             # (flat offset, product of probabilities) per pure profile
    for j in range(n):
        if j != i:
            row, stride = probs[j], strides[j]
            combos = [(offset + b * stride, w * row[b] if reduce is None else reduce(w * row[b]))
                      for offset, w in combos for b in supports[j]]
    flat = payoffs.ravel().tolist()
    values = []
    for a in range(shape[i]):
        start, total = a * strides[i], zero
        for offset, w in combos:
            c = flat[start + offset]
            if c:
                total = total + w * c
        values.append(total)
    return values


def on_support(indices, values, size, zero=Fraction(0)) -> list:
    """A full vector from the values on a support (``zero`` elsewhere).

    >>> on_support([0, 2], [Fraction(1, 3), Fraction(2, 3)], 4)
    [Fraction(1, 3), Fraction(0, 1), Fraction(2, 3), Fraction(0, 1)]
    >>> on_support([1], [5], 3, 0)
    [0, 5, 0]
    """
    out = [zero] * size
    for i, v in zip(indices, values):
        out[i] = v
    return out


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
    _check_count(game, strategies)
    return [tuple(Fraction(p) for p in _exact_strategy(game, i, s)[0])
            for i, s in enumerate(strategies)]


def _check_count(game, strategies):
    if len(strategies) != game.n_players:
        raise GameError(f"a profile needs {game.n_players} strategies, got {len(strategies)}")


def _exact_strategy(game, i, s) -> tuple:
    """Player ``i``'s probabilities as ints and Fractions, checked to be a probability
    vector, and as integer weights over their common denominator."""
    # ints are already exact: skip to_exact's chain of isinstance tests for them
    s = [p if type(p) is int else to_exact(p, f"probability for {game.players[i]}") for p in s]
    if len(s) != game.shape[i]:
        raise GameError(f"strategy of {game.players[i]} has {len(s)} entries, "
                        f"the player has {game.shape[i]} actions")
    den = 1
    for p in s:
        if type(p) is not int:
            den = math.lcm(den, p.denominator)
    weights = [p * den if type(p) is int else p.numerator * (den // p.denominator) for p in s]
    if min(weights) < 0 or sum(weights) != den:
        raise GameError(f"strategy of {game.players[i]} is not a probability vector: {s}")
    return s, weights


def is_equilibrium(game, strategies) -> bool:
    """Exact test of the equilibrium property.

    >>> from deterrence import NormalFormGame
    >>> is_equilibrium(NormalFormGame.from_arrays([[1, 0], [0, 1]]), [(1, 0), (1, 0)])
    False
    >>> is_equilibrium(NormalFormGame.from_arrays([[1, 0], [0, 1]]), [(0.5, 0.5), (0.5, 0.5)])
    True
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "is_equilibrium", "checked")
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
    if game.is_symbolic:                  # a symbolic game at its defaults, as solve takes it
        from deterrence.core.validate import at_defaults
        game = at_defaults(game, "certified_equilibrium", "checked")
    if game.n_players == 2:
        _check_count(game, strategies)
        wx, wy = (_exact_strategy(game, i, s)[1] for i, s in enumerate(strategies))
        return certify_weights(game, [wx], [wy])[0]
    _check_count(game, strategies)
    exact = [_exact_strategy(game, i, s) for i, s in enumerate(strategies)]
    weights = {i: list(enumerate(w)) for i, (_, w) in enumerate(exact)}
    payoffs = []
    for i in range(game.n_players):
        # in integers: action a is worth sums[a] / total, the mixture current / (total * den)
        sums, total = _scaled_values(game, i, weights)
        den = sum(exact[i][1])
        current = sum(v * w for v, w in zip(sums, exact[i][1]))
        best = max(sums)
        if best * den > current:
            dev = game.actions[i][sums.index(best)]
            gain = Fraction(best) / total - Fraction(current) / (total * den)
            raise NotAnEquilibriumError(
                f"not an equilibrium: {game.players[i]} gains {gain} by switching to {dev!r}")
        payoffs.append(_simplify(Fraction(current) / (total * den)))
    strategies = tuple(tuple(_simplify(Fraction(p)) for p in s) for s, _ in exact)
    return Equilibrium(strategies=strategies, payoffs=tuple(payoffs),
                       players=game.players, actions=game.actions, exact=True)


def certified_from_weights(game, weights) -> Equilibrium:
    """:func:`certified_equilibrium` for a two-player profile given as integer weights.

    Each strategy is a list of nonnegative ints with a positive sum; its
    probabilities are the weights divided by their sum. Solvers that compute
    unnormalised exact vectors pass them here without building Fractions.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> certified_from_weights(g, [[3, 2], [4, 6]]).strategies
    ((Fraction(3, 5), Fraction(2, 5)), (Fraction(2, 5), Fraction(3, 5)))
    """
    return certified_from_weights_many(game, [weights])[0]


def certified_from_weights_many(game, profiles) -> list:
    """:func:`certified_from_weights` for many profiles of one game, in one pass.

    Raises :class:`~deterrence.errors.NotAnEquilibriumError` for the first
    profile (in the given order) with a profitable deviation.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> [e.payoffs for e in certified_from_weights_many(g, [([1, 0], [1, 0]), ([0, 1], [0, 1])])]
    [(3, 2), (2, 3)]
    """
    game.require_numeric("certification")
    if game.n_players != 2:
        raise GameError(f"certified_from_weights needs a two-player game; this one has "
                        f"{game.n_players} players")
    profiles = list(profiles)
    for weights in profiles:
        _check_count(game, weights)
        for i, w in enumerate(weights):
            if len(w) != game.shape[i]:
                raise GameError(f"strategy of {game.players[i]} has {len(w)} entries, "
                                f"the player has {game.shape[i]} actions")
            if set(map(type, w)) != {int} or min(w) < 0 or not any(w):
                raise GameError(f"weights of {game.players[i]} must be nonnegative ints, "
                                f"not all zero: {list(w)}")
    return certify_weights(game, [list(p[0]) for p in profiles], [list(p[1]) for p in profiles])


def certify_weights(game, wxs, wys) -> list:
    """Certified equilibria of a two-player game from profiles of integer weights, for solvers
    that compute the weights themselves: profile ``e`` is ``wxs[e]`` for the row player and
    ``wys[e]`` for the column player (ints >= 0 with positive sums; the probabilities are
    the weights over their sum). The weights are NOT validated: the public, checked entry is
    :func:`certified_from_weights_many`. Raises
    :class:`~deterrence.errors.NotAnEquilibriumError` for the first profile with a
    profitable deviation.

    Each player's payoffs against the other's weights come from one NumPy
    object matrix product for all profiles: integers when the payoffs are
    (Fractions only when they are), so every comparison is exact and no
    probability becomes a Fraction until the result is built.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    >>> certify_weights(g, [[3, 2]], [[2, 3]])[0].payoffs
    (Fraction(6, 5), Fraction(6, 5))
    """
    if not wxs:
        return []
    A, B = game.payoff_arrays
    # rational payoffs (a tree's chance moves) as integers over each player's common denominator:
    # every comparison and payoff below is the same number, in int arithmetic instead of Fractions
    # (a third of each solve of mutual_deterrence_incomplete's reduced normal form had been here)
    A, la = _integer_payoffs(A)
    B, lb = _integer_payoffs(B)
    # V0[e][a] = ty * la * (A y)_a and V1[e][b] = tx * lb * (x B)_b
    V0 = (np.array(wys, dtype=object) @ A.T).tolist()
    V1 = (np.array(wxs, dtype=object) @ B).tolist()
    out = []
    players, actions = game.players, game.actions
    for wx, wy, v0, v1 in zip(wxs, wys, V0, V1):
        tx, ty = sum(wx), sum(wy)
        p0 = _player_payoff(game, 0, v0, wx, tx, ty * la)
        p1 = _player_payoff(game, 1, v1, wy, ty, tx * lb)
        strategies = (tuple([v and (Fraction(v, tx) if v % tx else v // tx) for v in wx]),
                      tuple([v and (Fraction(v, ty) if v % ty else v // ty) for v in wy]))
        out.append(Equilibrium(strategies=strategies, payoffs=(p0, p1),
                               players=players, actions=actions, exact=True))
    return out


def _integer_payoffs(M):
    """``(M * L, L)`` for a payoff array of ints and Fractions, ``L`` the least common denominator of
    its entries (``(M, 1)`` unchanged when every entry is an int, or when some entry is neither).

    >>> M, L = _integer_payoffs(np.array([[Fraction(1, 2), 1], [Fraction(2, 3), 0]], dtype=object))
    >>> M.tolist(), L
    ([[3, 6], [4, 0]], 6)
    """
    flat = M.ravel().tolist()
    if not any(type(v) is Fraction for v in flat) or not all(type(v) in (int, Fraction) for v in flat):
        return M, 1
    L = math.lcm(*(v.denominator for v in flat if type(v) is Fraction))
    return np.array([v * L if type(v) is int else v.numerator * (L // v.denominator) for v in flat],
                    dtype=object).reshape(M.shape), L


def _player_payoff(game, i, vals, w, total, unit):
    """Player ``i``'s exact payoff; raises if an action ``vals`` (in units ``1/unit``) beats it."""
    current = sum([a * b for a, b in zip(w, vals) if a])     # in units 1 / (unit * total)
    best = max(vals)
    if best * total > current:
        dev = game.actions[i][vals.index(best)]
        raise NotAnEquilibriumError(
            f"not an equilibrium: {game.players[i]} gains "
            f"{_ratio(best * total - current, unit * total)} by switching to {dev!r}")
    return _ratio(current, unit * total)


def _ratio(p, q: int):
    """``p / q`` (``p`` an int or Fraction, ``q`` a positive int) as an int when whole,
    else a Fraction.

    >>> _ratio(6, 3), _ratio(-6, 4), _ratio(Fraction(9, 2), 3)
    (2, Fraction(-3, 2), Fraction(3, 2))
    """
    whole, rest = divmod(p, q)
    return Fraction(p, q) if rest else whole


def _simplify(q: Fraction):
    return q.numerator if q.denominator == 1 else q
