"""The tipping points of the US–Iran exchange model: one record format for every parameter,
the militias' misfire probability included."""
from fractions import Fraction

from deterrence.models.us_iran_exchange import contained_profile, exchange_model, verify
from deterrence.models.us_iran_exchange_report import (analyse_exchange, misfire_tipping_entry,
                                                       misfire_tipping_points, tipping_entry, tipping_points)

MODEL = exchange_model()


def test_the_misfire_entry_has_the_keys_of_the_payoff_entries_and_brackets_the_value():
    payoff = tipping_points(MODEL)
    both_ends = [t for t in payoff.values() if t["lower"] is not None and t["upper"] is not None]
    assert both_ends
    misfire = misfire_tipping_entry(MODEL)
    assert all(set(misfire) == set(t) for t in both_ends)
    assert misfire["lower"] < misfire["value"] == Fraction(MODEL.v["misfire"]) < misfire["upper"]
    nearest = min((misfire["lower"], misfire["upper"]), key=lambda x: abs(x - misfire["value"]))
    assert misfire["threshold"] == nearest
    assert misfire["direction"] == ("below" if nearest == misfire["lower"] else "above")
    # the named deviation is the one that pays just beyond each end
    for side, sign in (("lower", -1), ("upper", 1)):
        x = Fraction(misfire[side]).limit_denominator(10 ** 7)
        beyond = exchange_model(misfire=x + sign * x / 20)
        gains = beyond.deviation_gains(contained_profile())
        state, player, action = max(gains, key=gains.get)
        assert gains[(state, player, action)] > 0
        assert misfire[f"breaks_{side}"] == f"{player} would {action} in state {state}"
    # the ends are the bisection's, at full precision (only the text rounds them)
    lower, upper = misfire_tipping_points(MODEL)
    assert (misfire["lower"], misfire["upper"]) == (lower, upper)


def test_the_report_carries_the_same_misfire_entry():
    analysis = analyse_exchange(MODEL)
    assert analysis.claims["change_of_heart"]["tipping_points"]["misfire"] == misfire_tipping_entry(MODEL)


def test_without_the_contained_exchange_there_is_no_misfire_window():
    model = exchange_model(W_iran=20)
    assert not verify(model, contained_profile()).verified_under_noise
    assert misfire_tipping_entry(model) == tipping_entry(model.v["misfire"])
    assert misfire_tipping_entry(model)["direction"] == "none"


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
