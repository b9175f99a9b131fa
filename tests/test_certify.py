"""The integer certification of two-player profiles (issue #7, goal 1) against a plain
Fraction reference: same verdicts, same payoffs, same error naming the player and deviation."""
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deterrence import NormalFormGame
from deterrence.errors import GameError, NotAnEquilibriumError
from deterrence.solvers.certify import (certified_equilibrium, certified_from_weights,
                                        certified_from_weights_many, expected_payoffs_against,
                                        is_equilibrium, regrets)
from deterrence.solvers.normal_form.enumeration import all_equilibria

F = Fraction
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

payoff = st.one_of(st.integers(-5, 5),
                   st.integers(-2**70, 2**70),                       # beyond int64
                   st.fractions(min_value=-10, max_value=10, max_denominator=12))


@st.composite
def games(draw, max_actions=4):
    m, n = draw(st.integers(1, max_actions)), draw(st.integers(1, max_actions))
    A = draw(st.lists(st.lists(payoff, min_size=n, max_size=n), min_size=m, max_size=m))
    B = draw(st.lists(st.lists(payoff, min_size=n, max_size=n), min_size=m, max_size=m))
    return NormalFormGame.from_arrays(A, B)


def weights(size):
    # small weights (zeros among them) half the time: pure and partly mixed profiles, whose
    # regrets are often one action's alone, not only full supports of huge weights
    return st.lists(st.one_of(st.integers(0, 3), st.integers(0, 2**64)),
                    min_size=size, max_size=size).filter(any)


def reference(game, x, y):
    """Each player's payoff and (regret, first best deviation), in Fractions, from scratch."""
    A, B = game.payoff_array(0), game.payoff_array(1)
    m, n = game.shape
    rows = [sum((F(A[i, j]) * y[j] for j in range(n)), F(0)) for i in range(m)]
    cols = [sum((F(B[i, j]) * x[i] for i in range(m)), F(0)) for j in range(n)]
    out = []
    for vals, mix in ((rows, x), (cols, y)):
        current = sum((v * p for v, p in zip(vals, mix)), F(0))
        best = max(vals)
        out.append((current, best - current, vals.index(best)))
    return out


def normalised(w):
    return [F(v, sum(w)) for v in w]


@SETTINGS
@given(st.data(), games())
def test_verdict_payoffs_and_error_match_the_fraction_reference(data, game):
    m, n = game.shape
    wx, wy = data.draw(weights(m)), data.draw(weights(n))
    x, y = normalised(wx), normalised(wy)
    (u0, r0, d0), (u1, r1, d1) = reference(game, x, y)
    if r0 > 0 or r1 > 0:
        player, gain, dev = (0, r0, d0) if r0 > 0 else (1, r1, d1)
        message = (f"not an equilibrium: {game.players[player]} gains {gain} "
                   f"by switching to {game.actions[player][dev]!r}")
        for check in (lambda: certified_equilibrium(game, [x, y]),
                      lambda: certified_from_weights(game, [wx, wy])):
            with pytest.raises(NotAnEquilibriumError) as err:
                check()
            assert str(err.value) == message
        assert not is_equilibrium(game, [x, y])
    else:
        for eq in (certified_equilibrium(game, [x, y]), certified_from_weights(game, [wx, wy])):
            assert eq.payoffs == (u0, u1) and eq.exact
            assert eq.strategies == (tuple(x), tuple(y))
            # whole numbers come back as ints, as before
            assert all(type(v) is int for s in eq.strategies for v in s if F(v).denominator == 1)
        assert is_equilibrium(game, [x, y])


@SETTINGS
@given(games(max_actions=3))
def test_equilibria_certify_alike_through_every_entry(game):
    eqs = all_equilibria(game).equilibria
    many = certified_from_weights_many(game, [[as_weights(s) for s in e.strategies] for e in eqs])
    for e, f in zip(eqs, many):
        g = certified_equilibrium(game, e.strategies)
        assert e == f == g
        (u0, r0, _), (u1, r1, _) = reference(game, [F(p) for p in e.strategies[0]],
                                             [F(p) for p in e.strategies[1]])
        assert r0 == r1 == 0 and e.payoffs == (u0, u1)


def as_weights(s):
    """Probabilities as integers over their common denominator."""
    den = math.lcm(*(F(p).denominator for p in s))
    return [F(p).numerator * (den // F(p).denominator) for p in s]


@SETTINGS
@given(games(max_actions=3), st.integers(2**63, 2**90))
def test_huge_shift_changes_payoffs_not_the_verdict(game, shift):
    m, n = game.shape
    shifted = NormalFormGame.from_arrays(
        [[game.payoff_array(0)[i, j] + shift for j in range(n)] for i in range(m)],
        [[game.payoff_array(1)[i, j] - shift for j in range(n)] for i in range(m)])
    for e in all_equilibria(game):
        big = certified_equilibrium(shifted, e.strategies)
        assert big.payoffs == (e.payoffs[0] + shift, e.payoffs[1] - shift)
    for i in range(m):
        for j in range(n):
            x, y = [int(a == i) for a in range(m)], [int(b == j) for b in range(n)]
            assert is_equilibrium(game, [x, y]) == is_equilibrium(shifted, [x, y])


def test_fraction_payoffs_and_mixed_input_types():
    g = NormalFormGame.from_arrays([[F(1, 2), 0], [0, F(3, 2)]], [[F(3, 2), 0], [0, F(1, 2)]])
    eq = certified_equilibrium(g, [(0.25, "3/4"), (F(3, 4), 0.25)])
    assert eq.strategies == ((F(1, 4), F(3, 4)), (F(3, 4), F(1, 4)))
    assert eq.payoffs == (F(3, 8), F(3, 8))
    assert certified_from_weights(g, [[1, 3], [6, 2]]) == eq


def test_weights_are_checked():
    g = NormalFormGame.from_arrays([[1, 0], [0, 1]])
    for bad in ([[1, -1], [1, 1]], [[0, 0], [1, 1]], [[1.0, 1], [1, 1]], [[True, 1], [1, 1]],
                [[F(1), 1], [1, 1]], [[1, 1, 1], [1, 1]]):
        with pytest.raises(GameError):
            certified_from_weights(g, bad)
    with pytest.raises(GameError, match="a profile needs 2 strategies"):
        certified_from_weights(g, [[1, 1]])
    three = NormalFormGame.from_payoff_arrays([[[[0] * 2] * 2] * 2] * 3)
    with pytest.raises(GameError, match="two-player"):
        certified_from_weights(three, [[1, 0]] * 3)
    assert certified_from_weights_many(g, []) == []


def test_invalid_probabilities_keep_their_messages():
    g = NormalFormGame.from_arrays([[1, 0], [0, 1]])
    with pytest.raises(GameError, match=r"not a probability vector: \[Fraction\(1, 2\), Fraction\(1, 3\)\]"):
        certified_equilibrium(g, [(F(1, 2), F(1, 3)), (0, 1)])
    with pytest.raises(GameError, match="not a probability vector"):
        certified_equilibrium(g, [(2, -1), (0, 1)])
    with pytest.raises(GameError, match="has 3 entries"):
        certified_equilibrium(g, [(1, 0, 0), (0, 1)])
    with pytest.raises(GameError, match="a profile needs 2 strategies"):
        certified_equilibrium(g, [(1, 0)])


def test_three_players_still_certified():
    # matching pennies for players 1 and 2, player 3 indifferent
    A = [[[1, 1], [-1, -1]], [[-1, -1], [1, 1]]]
    B = [[[-1, -1], [1, 1]], [[1, 1], [-1, -1]]]
    C = [[[0, 0], [0, 0]], [[0, 0], [0, 0]]]
    g = NormalFormGame.from_payoff_arrays([A, B, C])
    half = (F(1, 2), F(1, 2))
    assert certified_equilibrium(g, [half, half, (1, 0)]).payoffs == (0, 0, 0)
    with pytest.raises(NotAnEquilibriumError, match="Player 1 gains"):
        certified_equilibrium(g, [half, (1, 0), (1, 0)])


@st.composite
def three_player_profiles(draw):
    shape = tuple(draw(st.integers(1, 3)) for _ in range(3))
    size = math.prod(shape)
    arrays = [np.array(draw(st.lists(payoff, min_size=size, max_size=size)), dtype=object).reshape(shape)
              for _ in range(3)]
    # weights 0 often, so supports vary; ties (equilibria) from small payoffs
    profile = [normalised(draw(st.lists(st.sampled_from([0, 0, 1, 2, 3, 2**64 + 1]), min_size=k,
                                        max_size=k).filter(any))) for k in shape]
    return NormalFormGame.from_payoff_arrays(arrays), profile


def reference_n(game, profile):
    """Each player's payoff and (regret, first best deviation), in Fractions, from scratch."""
    out = []
    for i in range(game.n_players):
        vals = []
        for a in range(game.shape[i]):
            total = F(0)
            for idx in np.ndindex(*game.shape):
                if idx[i] == a:
                    weight = math.prod(F(profile[j][idx[j]]) for j in range(game.n_players) if j != i)
                    total += F(game.payoff_array(i)[idx]) * weight
            vals.append(total)
        current = sum((v * p for v, p in zip(vals, profile[i])), F(0))
        out.append((vals, current, max(vals) - current, vals.index(max(vals))))
    return out


@SETTINGS
@given(three_player_profiles())
def test_three_player_certificate_matches_the_fraction_reference(case):
    # the n-player check sums integers over scaled probabilities: same verdict, payoffs, message
    game, profile = case
    ref = reference_n(game, profile)
    for i, (vals, *_rest) in enumerate(ref):
        assert expected_payoffs_against(game, profile, i) == vals
    losers = [(i, gain, dev) for i, (_, _, gain, dev) in enumerate(ref) if gain > 0]
    if losers:
        i, gain, dev = losers[0]
        with pytest.raises(NotAnEquilibriumError) as err:
            certified_equilibrium(game, profile)
        assert str(err.value) == (f"not an equilibrium: {game.players[i]} gains {gain} "
                                  f"by switching to {game.actions[i][dev]!r}")
    else:
        eq = certified_equilibrium(game, profile)
        assert eq.payoffs == tuple(current for _, current, _, _ in ref)
        assert eq.strategies == tuple(tuple(s) for s in profile)
        assert all(type(v) is int for s in eq.strategies for v in s if F(v).denominator == 1)


@pytest.mark.parametrize("n", [1, 7, 10**30])
def test_a_regret_of_one_least_unit_is_refused(n):
    """A profile whose only deviation gains exactly 1/(n + 1), the least the integer check can
    see (at n = 10**30 far below float resolution): refused by every entry, two and three
    players, and the regret is that number exactly. Player 0 puts weight n on an action worth 1
    and weight 1 on one worth 0; the others have nothing to gain."""
    gain = F(1, n + 1)
    x = (F(n, n + 1), gain)
    two = NormalFormGame.from_arrays([[1], [0]], [[0], [0]])
    def message(game):
        return f"not an equilibrium: {game.players[0]} gains {gain} by switching to {game.actions[0][0]!r}"
    for check in (lambda: certified_equilibrium(two, [x, (1,)]),
                  lambda: certified_from_weights(two, [[n, 1], [1]]),
                  lambda: certified_from_weights_many(two, [([1, 0], [1]), ([n, 1], [1])])):
        with pytest.raises(NotAnEquilibriumError) as err:
            check()
        assert str(err.value) == message(two)
    assert not is_equilibrium(two, [x, (1,)]) and regrets(two, [x, (1,)]) == (gain, 0)
    three = NormalFormGame.from_payoff_arrays([[[[1]], [[0]]], [[[0]], [[0]]], [[[0]], [[0]]]])
    with pytest.raises(NotAnEquilibriumError) as err:
        certified_equilibrium(three, [x, (1,), (1,)])
    assert str(err.value) == message(three)
    assert not is_equilibrium(three, [x, (1,), (1,)]) and regrets(three, [x, (1,), (1,)]) == (gain, 0, 0)
    assert certified_equilibrium(three, [(1, 0), (1,), (1,)]).payoffs == (1, 0, 0)


def test_rational_payoffs_are_certified_in_integers(monkeypatch):
    """A game with Fraction payoffs (a tree's reduced normal form under chance moves) is certified
    in integers over a common denominator: no Fraction product or sum per profile and action
    (mutual_deterrence_incomplete's 9x16 form spent a third of each solve there, in 44 profiles'
    Fraction matrix products), with the same equilibria as the Fraction reference above."""
    import fractions
    A = [[F(1, 3), F(2, 7), 1], [F(5, 6), 0, F(-1, 2)]]
    B = [[F(2, 9), 1, F(3, 4)], [0, F(1, 5), F(-2, 3)]]
    game = NormalFormGame.from_arrays(A, B)
    expected = [(e.strategies, e.payoffs) for e in all_equilibria(game)]
    calls = []
    for op in ("__mul__", "__rmul__", "__add__", "__radd__"):
        original = getattr(fractions.Fraction, op)

        def counted(self, other, original=original):
            calls.append(1)
            return original(self, other)
        monkeypatch.setattr(fractions.Fraction, op, counted)
    from deterrence.solvers.certify import certify_weights
    wxs = [[1, 0], [0, 1], [3, 2]]
    wys = [[0, 0, 1], [1, 0, 0], [2, 1, 0]]
    try:
        certify_weights(game, wxs[:1], wys[:1])
    except NotAnEquilibriumError:
        pass
    assert len(calls) <= 2 * 6          # the scaling itself: one product per entry at most
    monkeypatch.undo()
    again = [(e.strategies, e.payoffs) for e in all_equilibria(game)]
    assert again == expected and [tuple(map(type, p)) for _, p in again] == [tuple(map(type, p)) for _, p in expected]
