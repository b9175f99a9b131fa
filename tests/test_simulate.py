"""Vectorised Monte Carlo against the exact values."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deterrence import NormalFormGame, load_game
from deterrence.core.repeated import RepeatedGame
from deterrence.errors import GameError
from deterrence.solvers.repeated.noise_markov import analyse_noise
from deterrence.solvers.repeated.repeated_values import discounted_values
from deterrence.solvers.repeated.simulate import simulate, tournament

PD = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=[["C", "D"]] * 2)
US = load_game("us_iran_stage").with_defaults()
NAMES = ["tft", "gtft", "ctft", "wsls", "grim", "hawk", "limited_retaliation", "alld", "allc"]


def test_seeded_and_reproducible():
    a = simulate(PD, "tft", matches=500, turns=50, noise={"tremble": "1/10"}, seed=7)
    b = simulate(PD, "tft", matches=500, turns=50, noise={"tremble": "1/10"}, seed=7)
    c = simulate(PD, "tft", matches=500, turns=50, noise={"tremble": "1/10"}, seed=8)
    assert a.payoffs == b.payoffs and a.payoffs != c.payoffs


def test_deterministic_match_is_exact():
    r = simulate(PD, ["tft", "alld"], matches=10, turns=4)
    assert r.payoffs == (0.75, 2.0) and r.standard_errors == (0.0, 0.0)


@settings(max_examples=25, deadline=None)
@given(e=st.fractions(min_value=Fraction(1, 100), max_value=Fraction(1, 4), max_denominator=100),
       pair=st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)),
       delta=st.sampled_from([Fraction(1), Fraction(9, 10), Fraction(1, 2)]),
       seed=st.integers(0, 2 ** 32 - 1))
def test_simulation_matches_exact_finite_horizon_value(e, pair, delta, seed):
    turns = 40
    noise = {"execution": e, "perception": e / 2}
    exact = discounted_values(US, list(pair), delta=delta, horizon=turns, noise=noise, float=True).payoffs
    sim = simulate(US, list(pair), matches=4000, turns=turns, delta=delta, noise=noise, seed=seed)
    for x, m, se in zip(exact, sim.payoffs, sim.standard_errors):
        assert abs(x - m) <= 5 * se + 1e-9


def test_war_fraction_matches_exact_probability():
    noise = {"execution": "1/20"}
    exact = analyse_noise(US, ["hawk", "tft"], noise=noise, within=30, float=True)
    sim = simulate(US, ["hawk", "tft"], matches=20000, turns=30, noise=noise, seed=11)
    p = exact.war_probability
    se = np.sqrt(p * (1 - p) / 20000)
    assert abs(sim.war_fraction - p) <= 5 * se + 1e-9


def test_repeated_game_delta_used():
    rg = RepeatedGame(PD, "1/2", noise={"tremble": "1/10"})
    r = simulate(rg, "grim", matches=3000, turns=60, seed=3)
    exact = discounted_values(rg, "grim", float=True).payoffs      # delta^60 is negligible
    assert r.delta == 0.5 and abs(r.payoffs[0] - exact[0]) <= 5 * r.standard_errors[0]


def test_tournament():
    t = tournament(PD, ["tft", "alld", "allc", "ctft"], matches=200, turns=100,
                   noise={"tremble": "1/100"}, seed=5, progress=False)
    # reciprocators lead; ALLD only exploits ALLC and is punished by TFT and CTFT
    assert t.ranking[0] in ("tit_for_tat", "contrite_tit_for_tat")
    assert t.ranking[-1] == "always_D"
    assert len(t.scores) == 4 and len(t.row_scores) == 4
    assert t.row_scores[1][2] == pytest.approx(5 * 0.99 * 0.99 + 3 * 0.99 * 0.01 + 1 * 0.01 * 0.01
                                               + 0 * 0.01 * 0.99, abs=0.05)


def test_errors():
    with pytest.raises(GameError, match="matches"):
        simulate(PD, "tft", matches=0)
    with pytest.raises(GameError, match="delta"):
        simulate(PD, "tft", delta=0)
    with pytest.raises(GameError, match="two strategies"):
        tournament(PD, ["tft"])


# ---------------------------------------------------------------------------
# play_match: one noisy match, round by round
# ---------------------------------------------------------------------------
def test_play_match_same_seed_same_match():
    from deterrence.solvers.repeated.simulate import play_match
    a = play_match(US, "tit_for_tat", turns=60, noise={"execution": "1/10"}, seed=11)
    b = play_match(US, "tit_for_tat", turns=60, noise={"execution": "1/10"}, seed=11)
    c = play_match(US, "tit_for_tat", turns=60, noise={"execution": "1/10"}, seed=12)
    assert a == b and a.to_json() == b.to_json()
    assert a.realised != c.realised
    assert a.turns == 60 and len(a.intended) == len(a.observed) == len(a.states) == 60
    # execution noise only: every change is one rung up, and nobody misreads
    for (i1, i2), (r1, r2) in zip(a.intended, a.realised):
        for i, r in ((i1, r1), (i2, r2)):
            k, j = US.actions[0].index(i), US.actions[0].index(r)
            assert j in (k, min(k + 1, 2))
    assert not any(x for pair in a.misperceptions for x in pair)
    assert any(x for pair in a.mistakes for x in pair)
    js = a.to_json()
    assert js["rounds"][0]["states"] == list(a.states[0]) and js["noise"] == {"execution": "1/10"}
    with pytest.raises(AttributeError):   # frozen
        a.seed = 1


def test_play_match_without_noise_follows_the_automata():
    from deterrence.core.strategies import strategy
    from deterrence.solvers.repeated.simulate import play_match
    autos = [strategy("tit_for_tat", PD, 0), strategy("always_escalate", PD, 1)]
    for seed in (0, 1, 2):
        m = play_match(PD, autos, turns=8, seed=seed)
        s = [a.start for a in autos]
        for t in range(8):
            want = tuple(next(iter(a.output(x))) for a, x in zip(autos, s))
            assert m.states[t] == tuple(s)
            assert m.intended[t] == m.realised[t] == want
            assert m.observed[t] == (want[1], want[0])
            s = [autos[0].next_state(s[0], want[0], want[1]), autos[1].next_state(s[1], want[1], want[0])]
        assert m.final_states == tuple(s)
        assert m.realised[:3] == (("C", "D"), ("D", "D"), ("D", "D"))
        assert [u for u in m.payoffs[:2]] == [(0, 5), (1, 1)]


def test_play_match_frequencies_agree_with_analyse_noise():
    from deterrence.solvers.repeated.simulate import play_match
    noise = {"tremble": "1/10", "perception": "1/20"}
    exact = analyse_noise(PD, ["tit_for_tat", "tit_for_tat"], noise=noise, within=0).profile_frequencies
    burn, turns, seeds = 50, 350, 120
    per_seed = {p: [] for p in exact}
    for seed in range(seeds):
        m = play_match(PD, "tit_for_tat", turns=turns, noise=noise, seed=seed)
        tail = m.realised[burn:]
        for p in exact:
            per_seed[p].append(sum(r == p for r in tail) / len(tail))
    for p, xs in per_seed.items():
        xs = np.array(xs)
        se = xs.std(ddof=1) / np.sqrt(len(xs))
        assert abs(xs.mean() - float(exact[p])) < 4 * se + 1e-3, (p, xs.mean(), float(exact[p]), se)


def test_play_match_refuses_bad_turns():
    from deterrence.solvers.repeated.simulate import play_match
    with pytest.raises(GameError, match="turns"):
        play_match(PD, "tft", turns=0)


def test_the_always_strategies_are_named_in_the_games_own_actions():
    # a review: a prisoner's dilemma tournament ranked 'always_escalate' and 'always_hold', the
    # US-Iran case's words; ALLC and ALLD are named after the action they play
    import deterrence as dt
    from deterrence.core.strategies import strategy
    us_iran = dt.load_game("us_iran_stage")
    t = tournament(PD, ["tft", "always_defect", "allc"], matches=2, turns=3, seed=1)
    assert t.strategies == ("tit_for_tat", "always_D", "always_C")
    assert "escalate" not in repr(t) and "hold" not in repr(t)
    assert strategy("always_escalate", us_iran).name == "always_escalate"      # the case keeps its words
    assert strategy("always_hold", us_iran, 1).name == "always_hold"
    # a name a result shows is a name strategy() takes, with the same play
    for name, same in (("always_D", "alld"), ("always_C", "allc")):
        built = strategy(name, PD, 1)
        assert built.name == name and built == strategy(same, PD, 1)
    middle = strategy("always_retaliate", us_iran)
    assert middle.name == "always_retaliate" and middle.output(middle.states[0]) == {"retaliate": 1}
    with pytest.raises(GameError, match=r"unknown strategy 'always_X'; known: .*, and always_<action> for an "
                                        r"action of this player \(C, D\)$"):
        strategy("always_X", PD)
    shown = dt.simulate(dt.load_game("prisoners_dilemma").with_defaults(), "tft, alld", matches=2, turns=3, seed=1)
    assert "tit_for_tat vs always_D" in repr(shown)


def test_a_tournament_refuses_one_strategy_given_twice_under_two_names():
    # "alld" and "always_D" were ranked as two entries of one name, always_D
    pd = load_game("prisoners_dilemma").with_defaults()
    with pytest.raises(GameError, match=r"^a tournament plays each strategy once; 'alld' and 'always_D' are both "
                                        r"always_D$"):
        tournament(pd, ["alld", "tft", "always_D"], matches=2, turns=3, seed=1)
    with pytest.raises(GameError, match="unknown strategy 'nonsense'"):       # before any pair is played
        tournament(pd, ["alld", "nonsense"], matches=2, turns=3, seed=1)
    played = tournament(pd, ["alld", "allc", "tft"], matches=2, turns=3, seed=1)
    assert sorted(played.strategies) == ["always_C", "always_D", "tit_for_tat"]
