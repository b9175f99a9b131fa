"""Subgame perfection by one-shot deviations, and the critical discount factor.

Textbook values (prisoner's dilemma, T > R > P > S):
* grim trigger is SPE iff delta >= (T - R)/(T - P) (Friedman 1971);
* tit-for-tat against itself: the one-shot conditions at the four states are
  (C,C): delta >= (T-R)/(R-S);  (C,D): delta >= (P-S)/(T-P);
  (D,C): delta <= (T-R)/(R-S);  (D,D): delta <= (P-S)/(T-P),
  so TFT is SPE only at delta = (T-R)/(R-S) = (P-S)/(T-P) (a point), and never
  when the two differ (Axelrod's payoffs: 2/3 and 1/4); it is Nash iff delta >= (T-R)/(R-S);
* generous TFT (Nowak and Sigmund 1992) resists invasion iff
  g <= min(1 - (T-R)/(R-S), (R-P)/(T-P)) = 1/3 at (R, S, T, P) = (3, 0, 5, 1).
"""
import json
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings, strategies as st

from deterrence import NormalFormGame, load_game
from deterrence.core.repeated import delta_symbol
from deterrence.core.strategies import generous_tit_for_tat
from deterrence.core.symbolic import parameter_symbol
from deterrence.errors import GameError
from deterrence.solvers.repeated.critical_delta import critical_delta
from deterrence.solvers.repeated.noise_markov import analyse_noise
from deterrence.solvers.repeated.one_shot_deviation import deviation_gains, one_shot_deviation

d = delta_symbol()


def pd(T, R, P, S):
    return NormalFormGame.from_arrays([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"]] * 2)


def test_grim_formula_symbolic():
    c = critical_delta(load_game("prisoners_dilemma"), "grim_trigger")
    T, R, P = (parameter_symbol(n) for n in "TRP")
    assert sympy.simplify(c.critical_symbolic - (T - R) / (T - P)) == 0
    assert c.critical == sympy.Rational(1, 2) and c.critical_attained and c.kind == "interval"


@settings(max_examples=12, deadline=None)
@given(st.lists(st.integers(-20, 20), min_size=4, max_size=4, unique=True))
def test_grim_threshold_any_pd(values):
    S, P, R, T = sorted(values)
    c = critical_delta(pd(T, R, P, S), "grim")
    assert c.critical == sympy.Rational(T - R, T - P)
    assert c.delta_set == sympy.Interval.Ropen(sympy.Rational(T - R, T - P), 1)
    lo = Fraction(T - R, T - P)
    assert one_shot_deviation(pd(T, R, P, S), "grim", delta=lo).subgame_perfect
    if lo > 0:
        assert not one_shot_deviation(pd(T, R, P, S), "grim", delta=lo * Fraction(99, 100)).subgame_perfect


def test_repeating_the_stage_equilibrium_is_perfect_for_every_delta():
    """Always defect repeats the stage game's equilibrium: no one-shot deviation gains at any
    delta, so the set is all of [0, 1) and delta* = 0 is attained (the run of true pieces
    starts at the point 0); always cooperate gains by defecting at every delta: empty."""
    for game in (pd(5, 3, 1, 0), load_game("prisoners_dilemma")):
        c = critical_delta(game, "alld")
        assert c.delta_set == sympy.Interval.Ropen(0, 1) and c.kind == "interval"
        assert c.critical == 0 and c.critical_attained and c.critical_symbolic == 0
        assert c.holds(0) and c.holds("99/100")
        for delta in ("0", "1/2", "99/100"):
            assert one_shot_deviation(pd(5, 3, 1, 0), "alld", delta=delta).subgame_perfect
        never = critical_delta(game, "allc")
        assert never.kind == "empty" and never.critical is None and not never.critical_attained
    assert not one_shot_deviation(pd(5, 3, 1, 0), "allc", delta="99/100").subgame_perfect


def test_nash_from_the_start_is_judged_for_each_player():
    """Always defect against always cooperate: Row (defecting) has nothing to gain, Column gains
    P - S = 1 a round by defecting too; mirrored, the other way round. Neither is Nash."""
    for profile, gains in ((["alld", "allc"], (0, 1)), (["allc", "alld"], (1, 0))):
        r = one_shot_deviation(pd(5, 3, 1, 0), profile, delta="9/10")
        assert r.nash_gains == gains and not r.nash and not r.subgame_perfect


def test_float_check_sees_a_gain_just_above_its_tolerance():
    """Grim trigger just below delta* = 1/2: the gain of defecting, in average discounted terms
    (1 - delta) T + delta P - R = 2 - 4 delta, is 4e-8, far above the float tolerance 1e-9: the
    float check refuses it as the exact one does; at and above 1/2 both accept."""
    for delta, perfect in ((0.5 - 1e-8, False), (0.5, True), (0.5 + 1e-8, True)):
        flt = one_shot_deviation(pd(5, 3, 1, 0), "grim", delta=delta, float=True)
        exact = one_shot_deviation(pd(5, 3, 1, 0), "grim", delta=Fraction(delta))
        assert not flt.exact and flt.subgame_perfect is exact.subgame_perfect is perfect
        if not perfect:
            assert all(abs(d.gain - (2 - 4 * delta)) < 1e-12 for d in flt.deviations)


def test_tft_conditions_by_state():
    T, R, P, S = 5, 3, 1, 0
    gains = deviation_gains(pd(T, R, P, S), "tft", delta=d)
    row = {g.states: sympy.factor(g.gain) for g in gains if g.player == "Row"
           and g.action != {"calm": "C", "strike": "D"}[g.states[0]]}
    # sign of each gain against the textbook bound
    def holds(expr, x):
        return expr.subs(d, x) <= 0
    assert holds(row[("calm", "calm")], Fraction(2, 3)) and not holds(row[("calm", "calm")], Fraction(3, 5))
    assert holds(row[("calm", "strike")], Fraction(1, 4)) and not holds(row[("calm", "strike")], Fraction(1, 5))
    assert holds(row[("strike", "calm")], Fraction(2, 3)) and not holds(row[("strike", "calm")], Fraction(3, 4))
    assert holds(row[("strike", "strike")], Fraction(1, 4)) and not holds(row[("strike", "strike")], Fraction(1, 3))


def test_tft_spe_empty_for_axelrod_payoffs_but_nash_from_two_thirds():
    c = critical_delta(pd(5, 3, 1, 0), "tft")
    assert c.kind == "empty" and c.critical is None
    for delta, nash in [("1/2", False), ("2/3", True), ("9/10", True)]:
        r = one_shot_deviation(pd(5, 3, 1, 0), "tft", delta=delta)
        assert r.nash is nash and not r.subgame_perfect
    # the off-path deviation that breaks SPE at 9/10: forgive in the feud (D, D)
    r = one_shot_deviation(pd(5, 3, 1, 0), "tft", delta="9/10")
    assert any(x.states == ("strike", "strike") and x.action == "C" for x in r.deviations)


def test_tft_spe_at_a_point_when_bounds_meet():
    # (T-R)/(R-S) = (P-S)/(T-P) = 1/3 at T=4, R=3, P=1, S=0
    c = critical_delta(pd(4, 3, 1, 0), "tft")
    assert c.kind == "point" and c.delta_set == sympy.FiniteSet(sympy.Rational(1, 3))
    assert one_shot_deviation(pd(4, 3, 1, 0), "tft", delta="1/3").subgame_perfect
    assert not one_shot_deviation(pd(4, 3, 1, 0), "tft", delta="2/5").subgame_perfect
    # symbolic parameters: the set at given values
    c2 = critical_delta(load_game("prisoners_dilemma"), "tft", parameters=dict(T=4, R=3, P=1, S=0))
    assert c2.kind == "point"


def test_generous_tft_forgiveness_threshold():
    T, R, P, S = 5, 3, 1, 0
    g = parameter_symbol("g")
    game = NormalFormGame.from_arrays([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"]] * 2,
                                      parameters={"g": None})
    prof = [generous_tit_for_tat(game, 0, g=g), generous_tit_for_tat(game, 1, g=g)]
    gain = next(x.gain for x in deviation_gains(game, prof, delta=d)
                if x.states == ("calm", "calm") and x.player == "Row" and x.action == "D")
    patient = sympy.factor(sympy.limit(gain / (1 - d), d, 1))   # undiscounted total gain
    solved = sympy.solve_univariate_inequality(patient <= 0, g, relational=False,
                                               domain=sympy.Interval.open(0, 1))
    bound1 = sympy.Interval.Lopen(0, sympy.Rational(1, 3))
    assert solved == bound1                                        # g <= 1 - (T-R)/(R-S)
    # against ALLD: long-run payoff g T + (1-g) P must not beat R: g <= (R-P)/(T-P) = 1/2
    for gv, invades in [(Fraction(1, 2), False), (Fraction(3, 5), True)]:
        pg = NormalFormGame.from_arrays([[R, S], [T, P]], [[R, T], [S, P]], actions=[["C", "D"]] * 2)
        a = analyse_noise(pg, ["alld", generous_tit_for_tat(pg, 1, g=gv)], within=0)
        assert (a.long_run_payoffs[0] > R) is invades
    assert min(Fraction(1, 3), Fraction(R - P, T - P)) == Fraction(1, 3)
    default = generous_tit_for_tat(load_game("prisoners_dilemma"))
    assert default.output("strike")["C"] == Fraction(1, 3)


def test_us_iran_grim_formula_and_noise():
    us = load_game("us_iran_stage")
    c = critical_delta(us, "grim", noise="none")      # the profile as intended
    b, W, cc = (parameter_symbol(n) for n in ("b_us", "W_us", "c_us"))
    assert sympy.simplify(c.critical_symbolic - b / (W + 2 * cc - b)) == 0
    assert c.critical == sympy.Rational(1, 12)
    assert c.holds("1/2") and not c.holds("1/20")


def test_checks_unreached_states_and_all_pairs():
    # grim: (calm, war) is reached by no history, so grim is SPE over histories;
    # over all pairs it would fail there
    r = one_shot_deviation(pd(5, 3, 1, 0), "grim", delta="9/10")
    assert r.subgame_perfect and ("war", "war") in r.checked_states
    assert ("calm", "war") not in r.checked_states
    r_all = one_shot_deviation(pd(5, 3, 1, 0), "grim", delta="9/10", states="all")
    assert not r_all.subgame_perfect
    assert r_all.deviations[0].states in {("calm", "war"), ("war", "calm")}
    dev = r_all.deviations[0]
    assert dev.gain > 0 and dev.player in ("Row", "Column") and dev.action == "D"


def test_one_shot_errors():
    with pytest.raises(GameError, match="critical_delta"):
        one_shot_deviation(load_game("prisoners_dilemma"), "grim", delta=d)
    with pytest.raises(GameError, match="finite_horizon"):
        from deterrence.core.repeated import RepeatedGame
        one_shot_deviation(RepeatedGame(pd(5, 3, 1, 0), "1/2", horizon=3), "grim")


def test_cli_json_contract(capsys):
    from deterrence.cli import main
    assert main(["repeated", "prisoners_dilemma", "--delta", "1/3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    # the keys, and what was analysed (the keys were cut to the issue's: an analyst's review)
    assert set(out) >= {"payoffs", "subgame_perfect", "critical_delta", "deviations"}
    assert (out["delta"], out["strategies"], out["noise"]) == ("1/3", ["grim_trigger", "grim_trigger"], None)
    assert out["delta_set"] == "1/2 <= delta < 1" and "war_probability" not in out
    assert out["critical_delta"] == "1/2" and out["subgame_perfect"] is False
    assert out["deviations"][0]["gain"] == "2/3"
    # with execution errors on both sides (the file's noise before it became the militias' alone)
    assert main(["repeated", "us_iran_stage", "--json", "--within", "10", "--noise", "execution=1/50"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"payoffs", "subgame_perfect", "critical_delta", "deviations",
                        "war_probability", "expected_rounds_to_war"}
    assert Fraction(out["war_probability"]) > 0 and out["within"] == 10
    assert out["noise"] == {"execution": "1/50"} and ["escalate", "escalate"] in out["war_profiles"]
    # the Done-when of the repeated-games issue: contained tit-for-tat is subgame perfect
    # from its critical delta on, with its war risk under noise
    assert out["subgame_perfect"] is True and out["critical_delta"] == "3/4"
    assert out["subgame_perfect_under_noise"] is False and out["deviations_under_noise"]
    # the file's own noise misfires only militia strikes, which contained tit-for-tat never
    # intends on its path: no war, and subgame perfect under that noise too
    assert main(["repeated", "us_iran_stage", "--json", "--within", "10"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert Fraction(out["war_probability"]) == 0 and out["subgame_perfect_under_noise"] is True
    # one side's noise alone, from the command line: no war either. Under contained tit-for-tat
    # a side intends a strike only to answer the other's unintended one, so a spiral (an
    # intended strike that misfires into escalation) needs errors on both sides
    from deterrence import load_game
    from deterrence.solvers.repeated.noise_markov import analyse_noise
    stage = load_game("us_iran_stage").with_defaults()
    for player in ("US", "Iran"):
        assert main(["repeated", "us_iran_stage", "--json", "--within", "10",
                     "--noise", f"{player}.execution=1/50"]) == 0
        one = json.loads(capsys.readouterr().out)
        assert Fraction(one["war_probability"]) == analyse_noise(
            stage, "contained_tit_for_tat", noise={player: {"execution": "1/50"}}, within=10).war_probability
        assert Fraction(one["war_probability"]) == 0
    assert main(["repeated", "prisoners_dilemma", "--delta", "1/2", "-s", "tft,nope"]) == 2
    assert "unknown strategy 'nope'" in capsys.readouterr().err
    assert main(["repeated", "prisoners_dilemma", "--delta", "5"]) == 2
    assert main(["repeated", "prisoners_dilemma", "--delta", "1/2", "--noise", "bad=1"]) == 2
    assert main(["repeated", "prisoners_dilemma", "--delta", "1/2", "-T", "3", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["subgame_perfect"] is False and out["critical_delta"] is None


def test_tied_binding_conditions_give_a_max_formula_valid_away_from_the_defaults():
    import sympy
    from deterrence import load_game
    from deterrence.core.repeated import read_profile
    from deterrence.core.symbolic import parameter_symbol
    stage = load_game("us_iran_stage")
    profile = list(read_profile(stage.with_defaults()))
    crit = critical_delta(stage, profile, noise="none")
    assert isinstance(crit.critical_symbolic, sympy.Max)
    for values in ({"c_iran": 8}, {"c_us": 8}, {"b_iran": 1}, {"a_us": 3, "c_iran": 5}):
        moved = stage.with_parameters(values)
        point = {parameter_symbol(k): sympy.Rational(str(v)) for k, v in moved.parameters.items()}
        assert crit.critical_symbolic.xreplace(point) == critical_delta(moved, profile, noise="none").critical


def test_the_set_of_discount_factors_in_json_reads_back_with_the_toolkits_parser(capsys):
    """delta_set was sympy's text in every JSON (``Interval.Ropen(1/2, 1)``), which no reader of the
    toolkit's accepts; it is now a condition on delta in the toolkit's syntax, as the critical-δ
    formula is, and read_delta_set (parse_condition) gives the set back: an interval, a point, the
    empty set, a union and an irrational end."""
    from deterrence.cli import main
    from deterrence.core.symbolic import parse_condition
    from deterrence.solvers.repeated.critical_delta import delta_set_text, read_delta_set
    assert main(["repeated", "prisoners_dilemma", "--json"]) == 0
    written = json.loads(capsys.readouterr().out)["delta_set"]
    assert written == "1/2 <= delta < 1"
    assert read_delta_set(written) == critical_delta(load_game("prisoners_dilemma"), "grim_trigger").delta_set
    assert main(["report", "prisoners_dilemma", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["shadow_of_the_future"]["delta_set"] == written
    tft = critical_delta(pd(4, 3, 1, 0), "tft")          # a point, 1/3
    assert tft.kind == "point" and read_delta_set(tft.to_json()["delta_set"]) == tft.delta_set
    third, half, root = sympy.Rational(1, 3), sympy.Rational(1, 2), sympy.sqrt(2) / 2
    for dset in (sympy.EmptySet, sympy.FiniteSet(third), sympy.Interval.Ropen(0, 1),
                 sympy.Union(sympy.Interval.Lopen(0, third), sympy.Interval.Ropen(half, 1)),
                 sympy.Union(sympy.FiniteSet(third), sympy.Interval.open(root, 1))):
        text = delta_set_text(dset)
        assert "Interval" not in text and "FiniteSet" not in text
        assert read_delta_set(text) == dset, (dset, text)
        if dset != sympy.EmptySet:                     # (written "empty", which read_delta_set reads)
            parse_condition(text, ["delta"])           # the whitelist reads it: no sympify


def test_an_empty_set_of_discount_factors_is_written_empty(capsys):
    """Tit-for-tat against itself is subgame perfect for no delta; the JSON wrote its set as
    "delta < 0", which reads as a set of negative discount factors. It says "empty" now, and the
    text says no delta."""
    from deterrence.cli import main
    from deterrence.solvers.repeated.critical_delta import read_delta_set
    args = ["repeated", "prisoners_dilemma", "-s", "tit_for_tat,tit_for_tat", "--noise", "none"]
    assert main([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["delta_set"] == "empty" and out["critical_delta"] is None
    assert read_delta_set(out["delta_set"]) == sympy.EmptySet
    assert main(args) == 0
    assert "SPE for no delta in [0, 1)" in capsys.readouterr().out
