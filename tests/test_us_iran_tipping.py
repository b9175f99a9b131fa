"""The tipping points of the US–Iran exchange model: one record format for every parameter,
the militias' misfire probability included."""
from fractions import Fraction

from deterrence.core.latex import typeset_text
from deterrence.core.tipping import TippingPoint
from deterrence.models.us_iran_exchange import contained_profile, exchange_model, verify
from deterrence.models.us_iran_exchange_report import (analyse_exchange, misfire_tipping_entry,
                                                       misfire_tipping_points, tipping_entry, tipping_points)

MODEL = exchange_model()


def test_the_misfire_entry_has_the_shape_of_the_payoff_entries_and_brackets_the_value():
    payoff = tipping_points(MODEL)
    assert any(len(points) == 2 for points in payoff.values())
    lower, upper = misfire_tipping_entry(MODEL)
    assert all(isinstance(t, TippingPoint) for points in payoff.values() for t in points + (lower, upper))
    assert (lower.direction, upper.direction) == ("below", "above") and lower.parameter == "misfire"
    assert lower.threshold < lower.current == Fraction(MODEL.v["misfire"]) < upper.threshold
    assert not lower.exact and all(t.exact for points in payoff.values() for t in points)
    # the named deviation is the one that pays just beyond each end
    for end, sign in ((lower, -1), (upper, 1)):
        x = end.threshold
        beyond = exchange_model(misfire=x + sign * x / 20)
        gains = beyond.deviation_gains(contained_profile())
        state, player, action = max(gains, key=gains.get)
        assert gains[(state, player, action)] > 0
        assert end.breaks == f"{player} would {action} in state {state}"
    # the ends are the bisection's, at full precision (only the text rounds them); the JSON gives the
    # digits the last bracket knows, which the bracket holds
    assert (float(lower.threshold), float(upper.threshold)) == misfire_tipping_points(MODEL)
    for end in (lower, upper):
        written = end.to_json()["threshold"]
        assert end.to_json()["exact"] is False and len(written.lstrip("0.")) <= end.digits
        assert abs(Fraction(written) - end.threshold) < Fraction(written) / 10 ** (end.digits - 1)


def test_the_report_carries_the_same_misfire_entry():
    analysis = analyse_exchange(MODEL)
    points = analysis.claims["change_of_heart"]["tipping_points"]
    assert tuple(t for t in points if t.parameter == "misfire") == misfire_tipping_entry(MODEL)


def test_without_the_contained_exchange_there_is_no_misfire_window():
    model = exchange_model(W_iran=20)
    assert not verify(model, contained_profile()).verified_under_noise
    assert misfire_tipping_entry(model) == tipping_entry("misfire", model.v["misfire"]) == ()


def test_the_case_and_a_stage_game_give_tipping_points_in_one_shape(capsys):
    """The case's tipping points were a table of rounded floats by parameter (value, threshold,
    lower, upper, breaks_lower, ...), a stage game's red_lines a list of exact strings (parameter,
    current, threshold, exact, direction, formula, gained, lost): two shapes of one idea. Both are
    now TippingPoint values, written by its to_json (a red line adds the equilibria gained and
    lost) and said by its describe."""
    import json

    from deterrence import load_game
    from deterrence.analysis.redlines import red_lines
    from deterrence.cli import main
    line = red_lines(load_game("chicken"))[0]
    case = tipping_points(MODEL)["k_us"][0]
    assert isinstance(line, TippingPoint) and isinstance(case, TippingPoint)
    assert set(line.to_json()) == set(case.to_json()) | {"gained", "lost"}
    assert case.describe().startswith("if k_us falls below 3 (now 10/3): the contained exchange stops being")
    assert case._repr_html_() == typeset_text(case.describe(), "html")
    assert main(["report", "chicken", "--json"]) == 0
    stage = json.loads(capsys.readouterr().out)["red_lines"]["red_lines"]
    assert main(["report", "--no-fit", "--json"]) == 0
    points = json.loads(capsys.readouterr().out)["change_of_heart"]["tipping_points"]
    assert isinstance(points, list) and {p["parameter"] for p in points} >= {"W_iran", "k_us", "misfire"}
    assert all(set(p) == set(stage[0]) - {"gained", "lost"} for p in points)
    k_us = [p for p in points if p["parameter"] == "k_us"]
    assert [(p["direction"], p["current"], p["exact"]) for p in k_us] == [("below", "10/3", True),
                                                                          ("above", "10/3", True)]
    assert Fraction(k_us[0]["threshold"]) == 3


def test_the_war_probabilities_of_the_misfire_window_are_said_to_be_at_its_ends_where_it_has_ended():
    # the window's ends are the bisection's first values beyond each crossing: the contained exchange
    # is no equilibrium there, so the report may not call them "within the window" (an IR review)
    from deterrence.models.us_iran_exchange_report import _contained_holds, exchange_report
    analysis = analyse_exchange(MODEL)
    window = analysis.claims["miscalculation"]["war_probability_over_misfire_window"]
    for end in window["misfire"]:
        assert not _contained_holds(exchange_model(misfire=Fraction(end).limit_denominator(10 ** 9)))
    line = next(x for x in exchange_report(analysis).section("miscalculation").lines if "war probability moves" in x)
    assert "within the window" not in line
    assert "at the window's ends, where the contained exchange ends" in line


def test_a_window_writes_the_current_value_as_the_calibration_does():
    # a words review: the case's tipping points of the calibration said "(now 3.333)" and "(now 0.000625)"
    # where the calibration section and TippingPoint.describe write 10/3 and 1/1600
    from fractions import Fraction as F
    from deterrence.core.tipping import TippingPoint, window_text
    k_us = [TippingPoint("k_us", F(10, 3), 3, "below"), TippingPoint("k_us", F(10, 3), F(3764, 1000), "above")]
    assert window_text(k_us).endswith("(now 10/3)")
    assert window_text([TippingPoint("misfire", F(1, 1600), F(35, 100000), "below")]).endswith("(now 1/1600)")
    fitted = F(0.5195227765).limit_denominator(10**9)        # a fitted value's fraction: digits, not its fraction
    assert fitted.denominator > 10**6
    assert window_text([TippingPoint("motive_rate", fitted, F(1, 2), "below")]).endswith("(now 0.5195)")
