"""The vectorised map of the exchange model's Markov perfect equilibria (issue 18, goal 10) gives
exactly the point-by-point search's answer: the same verified equilibria, in the same order."""
import pytest

from deterrence.errors import GameError
from deterrence.models import us_iran_exchange_map as mapping
from deterrence.models.us_iran_exchange import exchange_model, markov_perfect_equilibria, verify
from deterrence.models.us_iran_exchange_map import markov_perfect_map

#: a coarse grid with one, two and three equilibria found (W_iran x annual discount rate)
GRID = (("W_iran", [5, 8, 22, 50]), ("annual_discount_rate", ["1/10", "1/5", "9/40", "3/5"]))


def _point_by_point(result, **overrides):
    (xname, xs), (yname, ys) = result.axes
    return [[[e.profile for e in markov_perfect_equilibria(exchange_model(**{xname: x, yname: y}, **overrides))]
             for y in ys] for x in xs]


def _mapped(result):
    return [[[result.profiles[k] for k in cell] for cell in row] for row in result.found]


def test_the_map_equals_the_point_by_point_search_on_a_coarse_grid():
    result = markov_perfect_map(*GRID)
    assert _mapped(result) == _point_by_point(result)
    assert {1, 2, 3} <= set(result.counts().flat)          # not a constant map
    assert result.exact_searches == 0                      # the floats decided every search here
    for i, j in ((0, 0), (3, 3)):                          # each reported one passes the exact check
        model = exchange_model(W_iran=result.axes[0][1][i], annual_discount_rate=result.axes[1][1][j])
        assert all(verify(model, profile).verified_under_noise for profile in result.at(i, j))


def test_searches_the_floats_cannot_settle_are_run_exactly_with_the_same_answer(monkeypatch):
    # a tolerance so wide that most float decisions are doubtful: step 4 runs them exactly
    monkeypatch.setattr(mapping, "ROUNDING", 1e-3)
    grid = (("W_iran", [5, 22]), ("annual_discount_rate", ["1/10", "3/5"]))
    result = markov_perfect_map(*grid)
    assert result.exact_searches > 0
    assert _mapped(result) == _point_by_point(result)


def test_a_second_axis_that_changes_the_transitions_and_other_payoff_parameters():
    grid = (("c_us", [1, 8]), ("motive_rate", ["1/10", "1/3"]))
    result = markov_perfect_map(*grid, W_iran=30)
    assert _mapped(result) == _point_by_point(result, W_iran=30)


def test_the_first_axis_must_be_a_payoff_parameter():
    with pytest.raises(GameError, match="misfire is not a payoff parameter"):
        markov_perfect_map(("misfire", ["1/100"]), ("annual_discount_rate", ["1/10"]))


def test_grids_too_large_or_with_one_parameter_twice_are_refused():
    from deterrence.errors import TooLargeError
    with pytest.raises(TooLargeError, match="pass max_points=6"):
        markov_perfect_map(("W_iran", [1, 2, 3]), ("annual_discount_rate", ["1/10", "1/5"]), max_points=5)
    with pytest.raises(GameError, match="both W_iran"):
        markov_perfect_map(("W_iran", [1]), ("W_iran", [2]))
