"""Regime switching: the product game of stances, its equilibria and the time spent in a regime.

Cross-checks are independent of the code under test: the product's transitions against
the base games' transitions times the switching rows, values against a float solve of
the chain in which the absorbing states keep switching (what the annuities stand for),
hitting times and survival against numpy's linear algebra over the public transitions,
and the stances given as parameter values against games built at those values.
"""
import itertools
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import deterrence as dt
from deterrence.core.stochastic import StochasticGame
from deterrence.errors import GameError
from deterrence.solvers.stochastic.markov_chain import hitting_probability, markov_values
from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
from deterrence.solvers.stochastic.regime_switching import (regime_duration, regime_survival, regime_switching,
                                                            regime_switching_equilibria)


def calm_war(gain, cost, fight_noise=0):
    """Two players; fighting in calm starts a war costing ``cost`` a round (absorbing)."""
    slip = Fraction(fight_noise)
    noise = {"A": {"hold": {"hold": 1 - slip, "fight": slip}}} if fight_noise else None
    return StochasticGame(
        ["A", "B"], ["calm", "tense", "war"], [["hold", "fight"], ["hold", "fight"]],
        {"calm": {"hold, hold": [1, 1], "fight, *": [gain, -1], "hold, fight": [-1, gain]},
         "tense": {"*, *": [0, 0]}, "war": {"*, *": [-cost, -2 * cost]}},
        {"calm": {"hold, hold": {"calm": "2/3", "tense": "1/3"}, "*, *": {"war": 1}},
         "tense": {"*, *": {"calm": 1}}},
        absorbing=["war"], delta="4/5", noise=noise)


ROWS = {"dove": {"hawk": "1/5"}, "hawk": {"dove": "1/10"}}


def _chain(game, profile):
    """Transition matrix and expected payoffs of a pure profile from the public accessors."""
    n = len(game.states)
    P, r = np.zeros((n, n)), np.zeros((n, len(game.players)))
    for k, s in enumerate(game.states):
        for real, q in game.realised(s, profile[s]).items():
            labels = tuple(game.actions_in(s)[j][x] for j, x in enumerate(real))
            r[k] += float(q) * np.array([float(v) for v in game.payoff(s, labels)])
            nxt = {s: 1} if s in game.absorbing else game.transition(s, labels)
            for t, p in nxt.items():
                P[k, game.states.index(t)] += float(q) * float(p)
    return P, r


def test_product_transitions_are_the_base_transitions_times_the_switching_rows():
    games = {"dove": calm_war(2, 10), "hawk": calm_war(3, 1)}
    rs = regime_switching(games, ROWS)
    R = {"dove": {"dove": Fraction(4, 5), "hawk": Fraction(1, 5)},
         "hawk": {"hawk": Fraction(9, 10), "dove": Fraction(1, 10)}}
    for k, s in itertools.product(games, ("calm", "tense")):
        for prof in itertools.product(("hold", "fight"), repeat=2):
            got = rs.game.transition(rs.state(k, s), prof)
            for s2, p in games[k].transition(s, prof).items():
                for k2 in games:
                    assert got.get(rs.state(k2, s2), 0) == p * R[k][k2], (k, s, prof, s2, k2)
            assert rs.game.payoff(rs.state(k, s), prof) == games[k].payoff(s, prof)
    assert rs.game.start == "dove:calm" and set(rs.game.absorbing) == {"dove:war", "hawk:war"}


def test_absorbing_annuities_give_the_values_of_a_war_whose_stance_keeps_switching():
    games = {"dove": calm_war(2, 10, "1/7"), "hawk": calm_war(3, 1)}
    rs = regime_switching(games, ROWS)
    profile = rs.lift({"dove": {"calm": ("hold", "hold"), "tense": ("hold", "fight")},
                       "hawk": {"calm": ("fight", "hold"), "tense": ("hold", "hold")}})
    exact = markov_values(rs.game, profile)
    # the same play on a chain where the war states are ordinary states that keep switching
    names = [f"{k}:{s}" for k in games for s in ("calm", "tense", "war")]
    n, d = len(names), 0.8
    P, r = np.zeros((n, n)), np.zeros((n, 2))
    switch = {"dove": {"dove": 0.8, "hawk": 0.2}, "hawk": {"hawk": 0.9, "dove": 0.1}}
    for i, name in enumerate(names):
        k, s = name.split(":")
        g = games[k]
        if s == "war":
            r[i] = [float(x) for x in g.payoff("war", ("none", "none"))]
            for k2, q in switch[k].items():
                P[i, names.index(f"{k2}:war")] += q
            continue
        for real, q in g.realised(s, profile[name]).items():
            labels = tuple(g.actions_in(s)[j][x] for j, x in enumerate(real))
            r[i] += float(q) * np.array([float(v) for v in g.payoff(s, labels)])
            for s2, p in g.transition(s, labels).items():
                for k2, w in switch[k].items():
                    P[i, names.index(f"{k2}:{s2}")] += float(q) * float(p) * w
    V = np.linalg.solve(np.eye(n) - d * P, r)
    for i, name in enumerate(names):
        assert [float(x) for x in exact[name]] == pytest.approx(V[i], rel=1e-12), name


def test_one_stance_is_the_game_itself_and_equal_wars_merge():
    g = calm_war(2, 10)
    rs = regime_switching({"only": g}, {})
    assert rs.merged == ("war",)
    profile = {"calm": ("hold", "hold"), "tense": ("hold", "hold"), "war": ("none", "none")}
    lifted = rs.lift({"only": profile})
    assert markov_values(rs.game, lifted)["only:calm"] == markov_values(g, profile)["calm"]
    # two stances with the same war payoff share one war state
    both = regime_switching({"a": calm_war(2, 10), "b": calm_war(5, 10)}, {"a": {"b": "1/2"}})
    assert both.merged == ("war",) and both.product_states("war") == ("war",)


def test_stances_as_parameter_values_of_the_catalogue_game_are_the_models_games():
    from deterrence.models.us_iran_exchange import exchange_model
    base = dt.load_game("us_iran_exchange")
    hawk = {"W_iran": 20, "A": 8}
    by_values = regime_switching({"sq": {}, "hawk": hawk}, {"sq": {"hawk": "1/416"}}, base=base)
    by_games = regime_switching({"sq": exchange_model().game(), "hawk": exchange_model(**hawk).game()},
                                {"sq": {"hawk": "1/416"}})
    a, b = by_values.game, by_games.game
    assert a.states == b.states and a.absorbing == b.absorbing and a.delta == b.delta
    for s in a.states:
        for prof in itertools.product(*a.actions_in(s)):
            assert a.payoff(s, prof) == b.payoff(s, prof)
            if s not in a.absorbing:
                assert a.transition(s, prof) == b.transition(s, prof)
        assert a.noise_in(s, "Iran") == b.noise_in(s, "Iran")


def test_state_dependent_switching_rows():
    games = {"dove": calm_war(2, 10), "hawk": calm_war(3, 1)}
    rs = regime_switching(games, {}, state_switching={"tense": {"dove": {"hawk": "1/2"}}})
    half, third = Fraction(1, 2), Fraction(1, 3)
    assert rs.game.transition("dove:calm", ("hold", "hold")) == {"dove:calm": 2 * third, "dove:tense": third}
    assert rs.game.transition("dove:tense", ("hold", "hold")) == {"dove:calm": half, "hawk:calm": half}
    assert rs.switch_rows("tense")["dove"] == {"dove": Fraction(1, 2), "hawk": Fraction(1, 2)}


def test_equilibria_found_are_verified_and_anticipate_switching():
    # fighting pays the hawk in calm (gain 3 now, war costs 1 a round) but not the dove
    games = {"dove": calm_war(2, 10), "hawk": calm_war(3, 1)}
    rs = regime_switching(games, ROWS)
    hold = {"calm": ("hold", "hold"), "tense": ("hold", "hold")}
    fight = {"calm": ("fight", "fight"), "tense": ("hold", "hold")}
    found = regime_switching_equilibria(rs, [{"dove": hold, "hawk": hold}, {"dove": hold, "hawk": fight}])
    assert found
    for profile in found:
        assert verify_markov_perfect(rs.game, profile)[0]
        # an independent float check of every one-shot deviation
        P, r = _chain(rs.game, profile)
        V = np.linalg.solve(np.eye(len(P)) - 0.8 * P, r)
        for k, s in enumerate(rs.game.states):
            for j, acts in enumerate(rs.game.actions_in(s)):
                for a in acts:
                    dev = dict(profile)
                    dev[s] = tuple(a if i == j else x for i, x in enumerate(profile[s]))
                    P2, r2 = _chain(rs.game, dev)
                    q = r2[k, j] + 0.8 * P2[k] @ V[:, j]
                    assert q <= V[k, j] + 1e-9


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.fractions(min_value=0, max_value=1, max_denominator=20),
       st.fractions(min_value=0, max_value=1, max_denominator=20))
def test_time_in_a_regime_matches_numpy(to_hawk, to_dove):
    games = {"dove": calm_war(2, 10, "1/9"), "hawk": calm_war(3, 1)}
    rs = regime_switching(games, {"dove": {"hawk": to_hawk}, "hawk": {"dove": to_dove}})
    profile = rs.lift({"dove": {"calm": ("hold", "hold"), "tense": ("hold", "hold")},
                       "hawk": {"calm": ("hold", "fight"), "tense": ("hold", "hold")}})
    regime = ["dove:calm", "dove:tense"]
    P, _ = _chain(rs.game, profile)
    inside = [rs.game.states.index(s) for s in regime]
    Q = P[np.ix_(inside, inside)]
    # expected rounds before leaving (certain: A's hold misfires into a war): the fundamental
    # matrix (I - Q)^(-1) summed from the start
    expected = np.linalg.solve(np.eye(len(Q)) - Q, np.ones(len(Q)))[0]
    assert float(regime_duration(rs, profile, regime)) == pytest.approx(expected, rel=1e-9)
    for rounds in (1, 3, 10):
        stay = np.linalg.matrix_power(Q, rounds).sum(axis=1)[0]
        assert float(regime_survival(rs, profile, regime, rounds)) == pytest.approx(stay, rel=1e-9, abs=1e-15)


def test_hitting_probability_counts_first_entries_into_states_that_are_left_again():
    g = calm_war(2, 10)
    profile = {"calm": ("hold", "hold"), "tense": ("hold", "hold"), "war": ("none", "none")}
    # calm -> tense with 1/3 a round; tense is left again at once
    for rounds in range(5):
        assert hitting_probability(g, profile, rounds, states=["tense"]) == 1 - Fraction(2, 3) ** rounds
    assert hitting_probability(g, profile, states=["tense"]) == 1
    assert hitting_probability(g, profile, 40, states=["tense"], exact=False) == pytest.approx(1 - (2 / 3) ** 40)


def test_bad_stances_and_rows_are_named():
    g = calm_war(2, 10)
    other = StochasticGame(["A", "B"], ["calm", "war"], [["hold", "fight"], ["hold", "fight"]],
                           {"calm": {"*, *": [0, 0]}, "war": {"*, *": [0, 0]}}, {"calm": {"*, *": {"war": 1}}},
                           absorbing=["war"], delta="4/5")
    with pytest.raises(GameError, match="stance 'b' has other states"):
        regime_switching({"a": g, "b": other}, {})
    with pytest.raises(GameError, match="sum to 6/5, above 1"):
        regime_switching({"a": g, "b": g, "c": g}, {"a": {"b": "3/5", "c": "3/5"}})
    with pytest.raises(GameError, match="unknown stance 'x'"):
        regime_switching({"a": g, "b": g}, {"a": {"x": "1/2"}})
    with pytest.raises(GameError, match="base="):
        regime_switching({"a": {"c": 1}}, {})
    with pytest.raises(GameError, match="may not contain"):
        regime_switching({"a:b": g}, {})
    with pytest.raises(GameError, match="unknown state 'nowhere'"):
        regime_switching({"a": g}, {}, state_switching={"nowhere": {}})
