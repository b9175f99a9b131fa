"""Size guards that fire before the work and can be raised by an option (issue 17, deliver 4):
finite horizons of ``discounted_values`` and ``finite_one_shot_deviation``."""
from fractions import Fraction

import pytest

from deterrence import analyse_repeated, discounted_values, finite_one_shot_deviation, load_game
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.repeated.finite_horizon import MAX_HORIZON, MAX_SYMBOLIC_HORIZON

PD = load_game("prisoners_dilemma")          # R, S, T, P = 3, 0, 5, 1 at the defaults
PD_NUMBERS = PD.with_defaults()


@pytest.mark.parametrize("function", [discounted_values, finite_one_shot_deviation])
@pytest.mark.parametrize("horizon", [10**60, 10**4, MAX_HORIZON + 1])
def test_huge_horizons_are_refused_before_the_work_naming_max_horizon(function, horizon):
    with pytest.raises(TooLargeError, match=r"a horizon of .* rounds is over the limit of 200 .*max_horizon="):
        function(PD_NUMBERS, ["tft", "alld"], horizon=horizon, delta=1)


def test_a_raised_max_horizon_is_honoured():
    T = MAX_HORIZON + 1
    # tit-for-tat against always-defect with plain averages: S once, then P; T once, then P
    expected = (Fraction(0 + (T - 1) * 1, T), Fraction(5 + (T - 1) * 1, T))
    assert discounted_values(PD_NUMBERS, ["tft", "alld"], horizon=T, delta=1, max_horizon=T).payoffs == expected
    check = finite_one_shot_deviation(PD_NUMBERS, ["tft", "alld"], horizon=T, delta=1, max_horizon=T)
    assert check.payoffs == expected
    # always-defect against itself is subgame perfect in the finite game (unique stage equilibrium)
    assert finite_one_shot_deviation(PD, "alld", horizon=T, delta=1, max_horizon=T).subgame_perfect
    # analyse_repeated passes its max_horizon on to the backward induction
    a = analyse_repeated(PD, ["tft", "alld"], horizon=T, delta=1, max_horizon=T, within=0)
    assert a.payoffs == expected
    # a lowered limit refuses what the default allows
    with pytest.raises(TooLargeError, match="max_horizon=5"):
        finite_one_shot_deviation(PD, "alld", horizon=5, delta=1, max_horizon=4)


def test_formulas_have_a_smaller_horizon_limit_that_says_how_to_avoid_it():
    T = MAX_SYMBOLIC_HORIZON + 1
    with pytest.raises(TooLargeError, match=r"left as formulas; give the parameters values first, "
                                            rf"or pass max_horizon={T}"):
        discounted_values(PD, ["tft", "alld"], horizon=T, delta="1/2")
    # the same horizon with numbers is under the numeric limit and answered
    values = discounted_values(PD_NUMBERS, ["tft", "alld"], horizon=T, delta=1).payoffs
    assert values == (Fraction(T - 1, T), Fraction(5 + T - 1, T))


@pytest.mark.parametrize("bad", [0, -1, "10", 2.5, True])
def test_max_horizon_must_be_a_whole_number(bad):
    with pytest.raises(GameError, match="max_horizon"):
        finite_one_shot_deviation(PD, "alld", horizon=3, delta=1, max_horizon=bad)
