"""Exact, symbolic and float values of automaton profiles."""
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from deterrence import load_game
from deterrence.core.repeated import delta_symbol
from deterrence.core.strategies import strategy
from deterrence.errors import GameError
from deterrence.solvers.repeated.repeated_values import discounted_values

PD = load_game("prisoners_dilemma").with_defaults()       # T=5, R=3, P=1, S=0
d = delta_symbol()


def test_grim_and_tft_exact():
    assert discounted_values(PD, "grim", delta="9/10").payoffs == (3, 3)
    # TFT vs ALLD: S then P forever; ALLD: T then P forever
    v = discounted_values(PD, ["tft", "alld"], delta="3/4").payoffs
    assert v == (Fraction(3, 4), Fraction(2))
    # ALLD against grim: T then P
    assert discounted_values(PD, ["alld", "grim"], delta="1/2").payoffs == (3, Fraction(1, 2))


def test_alternation_tft_states():
    vals = discounted_values(PD, "tft", delta="1/2").state_values
    # from (calm, strike): S, T, S, ... -> (S + delta T)/(1 + delta)
    assert vals[("calm", "strike")] == (Fraction(5, 3), Fraction(10, 3))
    assert vals[("strike", "strike")] == (1, 1)


def test_symbolic_delta_and_payoffs():
    pd = load_game("prisoners_dilemma")
    v = discounted_values(pd, ["tft", "alld"], delta=d).payoffs
    T, R, P, S = (sympy.Symbol(n, real=True) for n in "TRPS")
    assert sympy.simplify(v[0] - ((1 - d) * S + d * P)) == 0
    assert sympy.simplify(v[1] - ((1 - d) * T + d * P)) == 0
    w = discounted_values(pd, "tft", delta=d).state_values[("calm", "strike")][0]
    assert sympy.simplify(w - (S + d * T) / (1 + d)) == 0


def test_stochastic_automaton_value():
    # GTFT (g) against ALLD: ALLD gets g T + (1 - g) P after the first round
    g = Fraction(1, 3)
    v = discounted_values(PD, [strategy("alld", PD, 0), strategy("gtft", PD, 1, g=g)], delta="1/2").payoffs
    assert v[0] == Fraction(1, 2) * 5 + Fraction(1, 2) * (g * 5 + (1 - g) * 1)


def test_finite_horizon_plain_average():
    v = discounted_values(PD, ["tft", "alld"], delta=1, horizon=4).payoffs
    assert v == (Fraction(3, 4), Fraction(2))     # (0+1+1+1)/4 and (5+1+1+1)/4


def test_profile_checks():
    us = load_game("us_iran_stage")
    with pytest.raises(GameError, match="built for actions"):
        discounted_values(us, [strategy("tft", PD), "tft"], delta="1/2")
    with pytest.raises(GameError, match="two strategies"):
        discounted_values(PD, ["tft", "tft", "tft"], delta="1/2")


rat = st.fractions(min_value=0, max_value=1, max_denominator=20)


@settings(max_examples=15, deadline=None)
@given(delta=st.fractions(min_value=0, max_value=Fraction(19, 20), max_denominator=20),
       e=st.fractions(min_value=0, max_value=Fraction(1, 3), max_denominator=30),
       p=st.fractions(min_value=0, max_value=Fraction(1, 3), max_denominator=30),
       names=st.tuples(st.sampled_from(["tft", "gtft", "ctft", "wsls", "grim", "hawk", "limited_retaliation"]),
                       st.sampled_from(["tft", "gtft", "ctft", "wsls", "grim", "hawk", "alld"])))
def test_exact_equals_float(delta, e, p, names):
    game = load_game("us_iran_stage").with_defaults()
    noise = {"execution": e, "perception": p}
    ex = discounted_values(game, list(names), delta=delta, noise=noise)
    fl = discounted_values(game, list(names), delta=delta, noise=noise, float=True)
    assert ex.exact and not fl.exact
    assert np.allclose([float(x) for x in ex.payoffs], fl.payoffs, rtol=1e-9, atol=1e-9)


_SYM = {}


@settings(max_examples=10, deadline=None)
@given(delta=st.fractions(min_value=Fraction(1, 20), max_value=Fraction(19, 20), max_denominator=20))
def test_symbolic_delta_matches_exact(delta):
    game = load_game("us_iran_stage").with_defaults()
    if not _SYM:
        _SYM["v"] = discounted_values(game, ["gtft", "ctft"], delta=d, noise={"tremble": "1/20"}).payoffs
    sym = _SYM["v"]
    ex = discounted_values(game, ["gtft", "ctft"], delta=delta, noise={"tremble": "1/20"}).payoffs
    for s, x in zip(sym, ex):
        x = Fraction(x)
        value = s.subs(d, sympy.Rational(delta.numerator, delta.denominator))
        assert sympy.simplify(value - sympy.Rational(x.numerator, x.denominator)) == 0
