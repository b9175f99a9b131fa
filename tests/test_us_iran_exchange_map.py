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
    with pytest.raises(GameError, match="markov_perfect_map: x and y are both 'W_iran'"):
        markov_perfect_map(("W_iran", [1]), ("W_iran", [2]))


#: bad axes of a map of the exchange model, (x, y, fixed values, max_points)
BAD_AXES = [
    (("W_irn", [1, 2]), ("misfire", ["1/100"]), {}, None),                  # unknown parameter
    (("W_iran", [1, 2]), ("misfit", ["1/100"]), {}, None),
    (("W_iran", []), ("misfire", ["1/100"]), {}, None),                     # empty
    (("W_iran", [1]), ("annual_discount_rate", iter(())), {}, None),
    (("W_iran", [1, float("inf")]), ("misfire", ["1/100"]), {}, None),      # not finite
    (("W_iran", [1, 10**400]), ("misfire", ["1/100"]), {}, None),           # beyond the float range
    (("W_iran", 5), ("misfire", ["1/100"]), {}, None),                      # wrong type
    (("W_iran", "1 2"), ("misfire", ["1/100"]), {}, None),
    ("W_iran", ("misfire", ["1/100"]), {}, None),
    (("W_iran", [1]), ("W_iran", [2]), {}, None),                           # one parameter twice
    (("W_iran", [1]), ("misfire", ["1/100"]), {"misfire": "1/50"}, None),   # an axis also fixed
    (("W_iran", [1, 2, 3]), ("misfire", ["1/100", "1/50"]), {}, 5),         # too many points
    (("W_iran", [1]), ("misfire", ["1/100", 2, 3]), {}, None),              # a probability above 1
    (("W_iran", [1]), ("israeli_strike_rate", [0, "-1/4"]), {}, None),      # and below 0
    (("W_iran", [1]), ("annual_discount_rate", ["1/10", 0]), {}, None),     # the model's own range
]


@pytest.mark.parametrize("x, y, fixed, max_points", BAD_AXES)
def test_bad_axes_are_refused_before_any_point_with_regime_maps_words(x, y, fixed, max_points, monkeypatch):
    # before: the map kept its own checks: an empty axis, an axis also fixed or a probability of 2
    # went on to the search; a number for an axis was a TypeError; "both W_iran" in other words
    from deterrence.analysis.maps import regime_map
    from deterrence.errors import DeterrenceError
    from deterrence.models.us_iran_exchange import ExchangeModel
    computed = []
    monkeypatch.setattr(mapping, "_float_search", lambda *a: computed.append(a))
    monkeypatch.setattr(ExchangeModel, "classify", lambda self: computed.append(self))
    limit = {} if max_points is None else {"max_points": max_points}
    with pytest.raises(DeterrenceError) as by_regime_map:
        regime_map(x, y, model=exchange_model, method="solve", executor="serial", **limit, **dict(fixed))
    with pytest.raises(DeterrenceError) as by_markov_map:
        markov_perfect_map(x, y, **limit, **dict(fixed))
    assert not computed
    assert type(by_markov_map.value) is type(by_regime_map.value)
    assert str(by_markov_map.value) == str(by_regime_map.value).replace("regime_map:", "markov_perfect_map:", 1)


def test_the_named_axis_and_first_value_outside_a_probabilitys_range():
    with pytest.raises(GameError) as refused:
        markov_perfect_map(("W_iran", [1]), ("misfire", ["1/100", 2, 3]))
    assert str(refused.value) == ("markov_perfect_map: y (misfire) = 2 is outside the range of misfire, [0, 1]; "
                                  "no point was computed")
    with pytest.raises(GameError, match=r"markov_perfect_map: y must be a pair \(parameter name, values\), got None"):
        markov_perfect_map(("W_iran", [1]), None)          # the map has two axes (regime_map may have one)


def test_a_lazy_axis_is_read_no_further_than_the_limit():
    # before: every value was read (and the model built at each) before the grid's size was checked
    from deterrence.errors import TooLargeError
    read = []

    def values():
        for k in range(10_000):
            read.append(k)
            yield k + 1
    with pytest.raises(TooLargeError, match="pass max_points="):
        markov_perfect_map(("W_iran", values()), ("misfire", ["1/100"]), max_points=100)
    assert len(read) <= 101
