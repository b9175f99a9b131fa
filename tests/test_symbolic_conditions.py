"""Tests of the parameter conditions for pure equilibria of symbolic games."""
from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings, strategies as st, HealthCheck

from deterrence import NormalFormGame
from deterrence.core.symbolic import parameter_symbol, parse_expression
from deterrence.errors import GameError
from deterrence.solvers.normal_form.pure import pure_equilibria
from deterrence.solvers.normal_form.symbolic_conditions import conditions_hold, pure_equilibrium_conditions

SETTINGS = dict(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])

T, R, P, S = (parameter_symbol(x) for x in "TRPS")


def pd_game():
    return NormalFormGame.from_arrays([[R, S], [T, P]], [[R, T], [S, P]],
                                      actions=[["C", "D"], ["C", "D"]],
                                      parameters={"T": 5, "R": 3, "P": 1, "S": 0})


def deterrence_game():
    """A 3x2 game with formulas from the safe parser: US hold/retaliate/escalate vs Iran."""
    names = ["b", "c", "W"]
    def f(text):
        return parse_expression(text, names)
    A = [[0, f("-c")], [f("b - c"), f("-c/2")], [f("b - W"), f("-W")]]
    B = [[0, f("b")], [f("-c"), f("b - c")], [f("-W"), f("-W - c")]]
    return NormalFormGame.from_arrays(A, B, players=["US", "Iran"],
                                      actions=[["hold", "retaliate", "escalate"], ["hold", "strike"]],
                                      parameters={"b": 2, "c": 3, "W": 100})


def pure_profiles(game):
    return {tuple(eq.support(i)[0] for i in range(game.n_players)) for eq in pure_equilibria(game)}


def test_prisoners_dilemma_with_symbolic_temptation():
    g = NormalFormGame.from_arrays([[3, 0], [T, 1]], [[3, T], [0, 1]], actions=[["C", "D"]] * 2)
    cond = pure_equilibrium_conditions(g)
    assert cond[("D", "D")] == sympy.true
    assert cond[("C", "C")] == (T <= 3)
    assert cond[("C", "D")] == sympy.false and cond[("D", "C")] == sympy.false
    assert conditions_hold(cond[("C", "C")], {"T": 3}) is True
    assert conditions_hold(cond[("C", "C")], {"T": "3.5"}) is False
    assert conditions_hold(cond[("D", "D")], {}) is True


values = st.fractions(min_value=-5, max_value=5, max_denominator=4)


@settings(**SETTINGS)
@given(values, values, values, values)
def test_general_pd_conditions_match_substitution(t, r, p, s):
    g = pd_game()
    cond = pure_equilibrium_conditions(g)
    vals = {"T": t, "R": r, "P": p, "S": s}
    eqs = pure_profiles(g.subs(vals))
    for profile, c in cond.items():
        assert conditions_hold(c, vals) == (profile in eqs)


@settings(**SETTINGS)
@given(values, values, st.integers(-5, 200))
def test_deterrence_game_conditions_match_substitution(b, c, W):
    g = deterrence_game()
    cond = pure_equilibrium_conditions(g)
    vals = {"b": b, "c": c, "W": W}
    eqs = pure_profiles(g.subs(vals))
    assert set(cond) == {(a, d) for a in g.actions[0] for d in g.actions[1]}
    for profile, condition in cond.items():
        assert conditions_hold(condition, vals) == (profile in eqs)


def test_three_players_and_exact_games():
    a = parameter_symbol("a")
    P1 = [[[a, 0], [0, 0]], [[0, 0], [0, 1]]]
    P2 = [[[1, 0], [0, 0]], [[0, 0], [0, 1]]]
    P3 = [[[1, 0], [0, 0]], [[0, 0], [0, 1]]]
    g = NormalFormGame.from_payoff_arrays([P1, P2, P3])
    cond = pure_equilibrium_conditions(g)
    assert cond[("0", "0", "0")] == (a >= 0)
    assert cond[("1", "1", "1")] == sympy.true
    exact = NormalFormGame.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 1]])
    cond = pure_equilibrium_conditions(exact)
    assert {k for k, v in cond.items() if v == sympy.true} == {("0", "0"), ("1", "1")}


def test_missing_value_names_parameter():
    with pytest.raises(GameError, match="T"):
        conditions_hold(T <= 3, {})
    with pytest.raises(GameError, match="parameter T"):
        conditions_hold(T <= 3, {"T": "abc"})
    assert conditions_hold(T <= 3, {T: Fraction(1, 2)}) is True


def test_symbols_matched_by_name():
    plain = sympy.Symbol("T")  # no real=True: still found by name
    assert conditions_hold(plain <= 3, {"T": 1}) is True
    assert conditions_hold(sympy.And(T <= 3, T >= 1), {"T": 0}) is False


def test_a_profile_no_value_of_its_one_parameter_makes_an_equilibrium_is_false():
    """The row player wants w >= 4 (against row 0's 4) and the column player w <= 0 (against
    0): sympy's And keeps the two bounds; the condition is False, and conditions in one parameter
    that some value meets are kept as they were."""
    w = parameter_symbol("w")
    g = NormalFormGame.from_arrays([[w, 0], [4, 1]], [[w, 0], [0, 1]], actions=[["x", "y"]] * 2)
    cond = pure_equilibrium_conditions(g)
    kept = cond[("x", "x")]                           # w >= 4 and w >= 0: some values meet it
    assert kept not in (sympy.true, sympy.false) and kept.free_symbols == {w}
    assert conditions_hold(kept, {"w": 4}) is True and conditions_hold(kept, {"w": 3}) is False
    g2 = NormalFormGame.from_arrays([[w, 0], [4, 1]], [[-w, 0], [0, 1]], actions=[["x", "y"]] * 2)
    cond2 = pure_equilibrium_conditions(g2)
    assert cond2[("x", "x")] == sympy.false           # w >= 4 and -w >= 0
    for value in range(-6, 10):
        assert conditions_hold(cond2[("x", "x")], {"w": value}) is False
        assert ("x", "x") not in pure_profiles(g2.subs({"w": value}))
    # two parameters: left as sympy gives it (deciding it is not a cheap step)
    a, b = parameter_symbol("a"), parameter_symbol("b")
    g3 = NormalFormGame.from_arrays([[a, 0], [b, 1]], [[b - a, 0], [0, 1]], actions=[["x", "y"]] * 2)
    assert pure_equilibrium_conditions(g3)[("x", "x")] not in (sympy.true, sympy.false)
