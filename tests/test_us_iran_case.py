"""The US–Iran case: one calibration, the exchange stochastic game, the fit, the six claims, the report.

Cross-checks are independent of the code under test: values by a float linear
solve over the carrier's own outcome tables, war risks by enumerating paths
exactly, strike counts by seeded simulation, tipping points by stepping across
them, the fit by its score equations.
"""
import datetime as dt_module
import itertools
import json
import random
import re
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import deterrence as dt
from deterrence.core.report import render
from deterrence.io.events_csv import parse_events, read_aggregate_record
from deterrence.errors import GameFileError
from deterrence.models.us_iran_calibration import CALIBRATION, SHARED_NAMES, calibration_values, delta_per_round
from deterrence.models.us_iran_exchange import (ACTIONS, NOT_AN_EQUILIBRIUM, PLAYERS, START, STATES, TRANSIENT,
                                                contained_profile, exchange_game_toml, exchange_model,
                                                markov_perfect_equilibria, mutual_escalation_profile, play_statistics,
                                                verify)
from deterrence.models.us_iran_exchange_fit import fit_to_record
from deterrence.models.us_iran_exchange_report import (_percent, analyse_exchange, exchange_report,
                                                       tipping_points, us_iran_exchange_model)
from deterrence.io.catalogue import catalogue_dir

MODEL = exchange_model()


# -- 1. one calibration ---------------------------------------------------------------------
def test_every_value_has_unit_source_and_reason():
    for name, c in CALIBRATION.items():
        assert c.unit and c.source and c.reason, name
        assert "brief" in c.source, name


def test_delta_per_week_from_the_annual_rate():
    # simple interest over a 7-day round at 1/2 a year: 1/(1 + 7/730)
    assert delta_per_round() == Fraction(730, 737) == MODEL.delta
    assert MODEL.game().delta == Fraction(730, 737)


@pytest.mark.parametrize("name", sorted(SHARED_NAMES))
def test_catalogue_files_share_the_calibration(name):
    game = dt.load_game(name)
    for theirs, ours in SHARED_NAMES[name].items():
        assert Fraction(str(game.parameters[theirs])) == Fraction(CALIBRATION[ours].value), (name, theirs)


def test_every_us_iran_catalogue_model_is_checked_against_the_calibration():
    from deterrence.io.catalogue import catalogue_names
    us_iran = [n for n in catalogue_names() if {"US", "Iran"} <= set(getattr(dt.load_game(n), "players", ()))]
    assert {"us_iran_stage", "us_iran_escalation_ladder", "january_2020", "proxy_target_selection",
            "us_iran_israel", "us_iran_exchange"} <= set(us_iran)
    for name in us_iran:
        game = dt.load_game(name)
        # the exchange model is generated from the calibration (test_game_file_is_the_model)
        assert name in SHARED_NAMES or name == "us_iran_exchange", name
        # the payoff order is stated, and two-player models list the US first
        stated = f"payoffs are listed ({', '.join(game.players)})".lower()
        assert stated in " ".join(game.description.lower().split()), name
        if len(game.players) == 2:
            assert game.players == ("US", "Iran"), name


def test_proxy_tree_and_exchange_model_agree_on_who_answers():
    # the proxy tree models a deadly attack (its audience cost is the calibration's D): the US answers it,
    # as the exchange model's US answers attacks that kill Americans; an attack that killed no
    # American (us_iran_israel, audience cost a_us) goes unanswered in both
    (spe,) = dt.solve(dt.load_game("proxy_target_selection")).equilibria
    assert spe.actions["strike/answer_us"] == "retaliate"
    assert contained_profile()["crisis/israel"][0] == "retaliate"
    (eq,) = dt.solve(dt.load_game("us_iran_israel")).equilibria
    assert eq.probability("US", "hold") == 1 and contained_profile()["hit/israel"][0] == "hold"


def test_stage_repeated_section_states_its_unit_and_why_it_differs():
    game = dt.load_game("us_iran_stage")
    text = " ".join(game.description.split())
    from deterrence.core.repeated import repeated_section
    section = repeated_section(game)
    delta = Fraction(section.delta)
    # the file's noise is the calibration's: militia strikes misfire, US strikes are precise
    misfire = Fraction(section.noise.for_player("Iran").implementation["retaliate"]["escalate"])
    assert misfire == Fraction(CALIBRATION["misfire"].value) and f"1 in {1 / misfire}" in text
    assert section.noise.for_player("US").is_zero and Fraction(CALIBRATION["us_misfire"].value) == 0
    annual = (1 / delta - 1) * Fraction(365, 7)          # delta = 1/(1 + r d/365) with d = 7 days
    assert "A round is one week" in text and f"annual rate of {annual}" in text
    assert str(delta_per_round()) in text and str(CALIBRATION["misfire"].value).replace("1/", "1 in ") in text
    assert "us_iran_exchange" in text


def test_symmetric_ladder_values_are_both_sides_values():
    v = {k: c.value for k, c in CALIBRATION.items()}      # a_iran is the stage game's, not the case model's
    assert v["b_us"] == v["b_iran"] and v["c_us"] == v["c_iran"] and v["a_us"] == v["a_iran"]


def test_us_iran_models_list_payoffs_us_first():
    for name in ("us_iran_stage", "us_iran_escalation_ladder", "january_2020", "us_iran_exchange"):
        assert dt.load_game(name).players[:2] == ("US", "Iran"), name


def test_ladder_payoffs_recomputed_by_hand():
    # Iran strikes; as meant (9/10) the US answers (US b - c = -1) and Iran holds (-a - c + m = 1);
    # further (1/10) the US answers (US b - 2c = -4) and Iran holds (1): (US, Iran) = (-13/10, 1)
    (eq,) = dt.solve(dt.load_game("us_iran_escalation_ladder")).equilibria
    v = {k: c.value for k, c in CALIBRATION.items()}
    us = Fraction(9, 10) * (v["b_us"] - v["c_us"]) + Fraction(1, 10) * (v["b_us"] - 2 * v["c_us"])
    iran = -v["a_iran"] - v["c_iran"] + v["m"]
    assert tuple(eq.payoffs) == (us, iran) == (Fraction(-13, 10), 1)


# -- 2. the stochastic game -------------------------------------------------------------------
def test_game_file_is_the_model():
    assert (catalogue_dir() / "us_iran_exchange.toml").read_text() == exchange_game_toml()
    file_game = dt.load_game("us_iran_exchange").with_defaults()
    ours = MODEL.game()
    for s in STATES:
        for prof in itertools.product(*file_game.actions_in(s)):
            assert file_game.payoff(s, prof) == ours.payoff(s, prof)
            assert file_game.transition(s, prof) == ours.transition(s, prof)
        for p in PLAYERS:
            assert file_game.noise_in(s, p) == ours.noise_in(s, p)
    assert file_game.absorbing == ("war", "withdrawn") and file_game.start == START


def test_war_is_one_state_entered_by_any_realised_escalation():
    g = MODEL.game()
    for s in TRANSIENT:
        for u, i in itertools.product(ACTIONS["US"], ACTIONS["Iran"]):
            nxt = g.transition(s, (u, i))
            assert (nxt == {"war": 1}) == ("escalate" in (u, i))
    # the war cost is charged in the war state (and in the round war breaks out), nowhere else
    v = calibration_values()
    assert g.payoff("war", ("hold", "hold")) == (2 * v["b_us"] - 2 * v["c_us"] - v["W_us"],
                                                  2 * v["b_iran"] - 2 * v["c_iran"] - v["W_iran"])
    for s in TRANSIENT:
        assert all(x > -v["W_us"] for x in g.payoff(s, ("hold", "retaliate")))


def test_militias_misfire_the_us_does_not():
    g = MODEL.game()
    assert g.noise_in("calm/quiet", "Iran")["retaliate"] == {"retaliate": Fraction(1599, 1600),
                                                             "escalate": Fraction(1, 1600)}
    assert g.noise_in("calm/quiet", "US")["retaliate"] == {"retaliate": 1}


def _float_values(game, profile):
    """Values of a stationary profile from the carrier's outcome tables, by numpy."""
    n = len(game.states)
    M, R = np.eye(n), np.zeros((n, 2))
    d = float(game.delta)
    for k, s in enumerate(game.states):
        acts = profile.get(s, ("hold", "hold"))
        idx = tuple(game.actions_in(s)[j].index(a) for j, a in enumerate(acts))
        pay, nxt = game.outcome_table(s)[idx]
        R[k] = [float(x) for x in pay]
        M[k] -= d * np.array([float(x) for x in nxt])
    return np.linalg.solve(M, R)


@pytest.mark.parametrize("profile_of", [contained_profile, mutual_escalation_profile])
def test_equilibria_cross_checked_by_an_independent_float_solve(profile_of):
    game, profile = MODEL.game(), profile_of()
    V = _float_values(game, profile)
    d = float(game.delta)
    worst = [np.inf, np.inf]
    for k, s in enumerate(game.states):
        if s not in TRANSIENT:
            continue
        for j, _p in enumerate(PLAYERS):
            for a in game.actions_in(s)[j]:
                acts = list(profile[s])
                acts[j] = a
                idx = tuple(game.actions_in(s)[i].index(x) for i, x in enumerate(acts))
                pay, nxt = game.outcome_table(s)[idx]
                q = float(pay[j]) + d * float(np.array([float(x) for x in nxt]) @ V[:, j])
                if a != profile[s][j]:
                    worst[j] = min(worst[j], V[k, j] - q)
    eq = verify(MODEL, profile)
    assert eq.verified_under_noise and min(worst) > 0
    assert [float(m) for m in eq.min_deviation_loss] == pytest.approx(worst, rel=1e-6)
    exact = dict(eq.values)
    assert [float(x) for x in exact[START]] == pytest.approx(V[game.states.index(START)], rel=1e-9)


def test_markov_perfect_equilibria_found_are_contained_and_mutual_escalation():
    eqs = markov_perfect_equilibria(MODEL)
    assert [e.name for e in eqs] == ["contained exchange", "mutual escalation"]
    assert all(e.verified_under_noise for e in eqs)
    # holding everywhere is not one: Iran answers Israeli strikes on US forces
    hold = verify(MODEL, {s: ("hold", "hold") for s in TRANSIENT})
    assert not hold.verified_under_noise


def test_equilibrium_search_is_stated_and_each_start_reaches_a_verified_fixed_point():
    from deterrence.models.us_iran_exchange import SEARCH, search_starts
    starts = search_starts()
    assert len(starts) == 6 and all(set(p) == set(TRANSIENT) for p in starts.values())
    assert "not claimed complete" in SEARCH and "mixed profiles are not searched" in SEARCH
    doc = us_iran_exchange_model(fitted=False).report(analyse_exchange(MODEL, claims=False)).to_json()
    search = doc["equilibrium"]["search"]
    assert search["complete"] is False and search["mixed"] is False and search["starts"] == list(starts)
    # every equilibrium listed is a fixed point of both players' exact best responses
    for eq in markov_perfect_equilibria(MODEL):
        prof = eq.actions
        assert MODEL.best_response(prof, "US") == prof and MODEL.best_response(prof, "Iran") == prof


def test_logit_homotopy_from_uniform_play_ends_at_the_contained_exchange():
    # the toolkit's mixed-capable search (logit homotopy, certified exactly under the noise)
    # selects the contained exchange at the calibration: an equilibrium selection for claim 1
    from deterrence.models.us_iran_exchange import homotopy_selection
    from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
    name, eq = homotopy_selection(MODEL)
    assert name == "contained exchange" and eq.verified_under_noise
    assert verify_markov_perfect(MODEL.stochastic_game, eq.strategies)[0]


def _exact_war_by(model, profile, weeks):
    """P(war within ``weeks``) by enumerating every path (exact)."""
    dist = {START: Fraction(1)}
    game = model.game()
    for _ in range(weeks):
        new = {}
        for s, p in dist.items():
            acts = profile.get(s, ("hold", "hold"))
            for real, q in game.realised(s, acts).items():
                ru, ri = (game.actions_in(s)[j][real[j]] for j in range(2))
                for t, r in model.transition(s, ru, ri).items():
                    new[t] = new.get(t, 0) + p * q * r
        dist = new
    return dist.get("war", 0)


def test_war_risk_matches_path_enumeration():
    for weeks in (1, 2, 4):
        exact = _exact_war_by(MODEL, contained_profile(), weeks)
        assert play_statistics(MODEL, contained_profile(), weeks)["war"] == pytest.approx(float(exact), rel=1e-9)


def test_attack_counts_match_a_seeded_simulation():
    game, profile = MODEL.game(), contained_profile()
    rng = random.Random(7)
    runs, weeks, total = 400, 113, 0
    for _ in range(runs):
        s = START
        for _ in range(weeks):
            if s in ("war", "withdrawn"):
                break
            real = game.realised(s, profile[s])
            keys = list(real)
            r = rng.choices(keys, [float(real[k]) for k in keys])[0]
            acts = tuple(game.actions_in(s)[j][r[j]] for j in range(2))
            total += acts[1] in ("retaliate", "escalate")
            nxt = game.transition(s, acts)
            s = rng.choices(list(nxt), [float(x) for x in nxt.values()])[0]
    expected = play_statistics(MODEL, profile, weeks)["attacks"]
    assert total / runs == pytest.approx(expected, rel=0.02)


# -- 3. the record and the fit ---------------------------------------------------------------
def test_aggregate_record_beside_the_dated_events():
    rec = read_aggregate_record()
    # every count is in the case brief (the brief reports one US answer in the span: 23 March 2023)
    assert all("brief" in c.source for c in rec.values())
    assert rec["us_answering_strikes"].count == 1 and "lower bound" in rec["us_answering_strikes"].about
    att = rec["attacks_on_us_personnel"]
    assert att.count == 83 and att.start.isoformat() == "2021-01-21" and att.days == 791   # 113 weeks
    assert "Central Command" in att.source
    assert rec["all_out_wars"].count == 0


def test_record_reader_errors(tmp_path):
    bad = tmp_path / "r.toml"
    bad.write_text('[counts.x]\ncount = -1\nstart = "2021-01-01"\nend = "2021-02-01"\n')
    with pytest.raises(GameFileError, match="whole number"):
        read_aggregate_record(bad)
    bad.write_text('[counts.x]\ncount = 1\nstart = "2021-03-01"\nend = "2021-02-01"\n')
    with pytest.raises(GameFileError, match="before"):
        read_aggregate_record(bad)


@pytest.mark.parametrize("body, line, words", [
    ('count = -1\nstart = "2021-01-01"\nend = "2021-02-01"\n', 3, "count must be a whole number"),
    ('count = 1\nstart = "2021-01-01"\nend = "2021-02-30"\n', 5, "day is out of range"),
    ('count = 1\nstart = "2021-03-01"\nend = "2021-02-01"\n', 5, "end 2021-02-01 is before start"),
    ('count = 1\nstart = "2021-01-01"\nend = "2021-02-01"\ncolour = 1\n', 6, "keys are count"),
])
def test_record_reader_errors_name_the_line(tmp_path, body, line, words):
    # the record's errors named the file only, unlike a game file's (a fuzzing review)
    bad = tmp_path / "r.toml"
    bad.write_text('# a record\n[counts.x]\n' + body)
    with pytest.raises(GameFileError, match=f"^{bad}:{line}: \\[counts.x\\]: .*{words}"):
        read_aggregate_record(bad)


@pytest.fixture(scope="module")
def fit():
    return fit_to_record()


def test_fit_solves_its_score_equations(fit):
    # Poisson and binomial scores vanish where predicted counts equal the record's
    assert fit.prediction("attacks_in_span") == pytest.approx(83, abs=0.5)
    rec = read_aggregate_record()
    answers = rec["us_answering_strikes"].count
    assert fit.prediction("answers_per_attack") == pytest.approx(answers / 83, abs=0.002)
    assert fit.verified_under_noise
    assert {n for n, _, _ in fit.fixed} == {"israeli_strike_rate", "misfire"}


def test_fit_standard_error_agrees_with_the_poisson_formula(fit):
    # se(motive rate) ~ sqrt(mu) / (d mu / d motive rate), by an independent difference
    sig = fit.estimate("motive_rate")
    eps = fit.estimate("deadly_fraction")
    h = 1e-3

    def mu(x):
        m = exchange_model(motive_rate=Fraction(x), deadly_fraction=Fraction(eps))
        return play_statistics(m, contained_profile(), 113)["attacks"]
    slope = (mu(sig + h) - mu(sig - h)) / (2 * h)
    assert dict(fit.standard_errors)["motive_rate"] == pytest.approx(83 ** 0.5 / slope, rel=0.1)


def test_fit_meets_the_targets(fit):
    assert abs(fit.prediction("attacks_in_span") - 83) <= 0.25 * 83
    assert fit.prediction("war_probability_26_months") < 0.10
    assert fit.prediction("war_probability_10_years") > fit.prediction("war_probability_26_months")
    assert fit.prediction("attack_response_to_israeli_strikes") > 0        # uptick leads to uptick


# ACLED's export columns; the rows as an export writes them (joined by commas)
_US = "Military Forces of the United States (2021-)"
_ACLED_ROWS = [
    "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,assoc_actor_1,actor2,country,fatalities,notes",
    "SYR1,22 March 2023,2023,Explosions/Remote violence,Air/drone strike,Military Forces of Israel (2022-),,"
    'Military Forces of Iran (1989-),Syria,0,"Strike near Aleppo airport"',
    "SYR2,2023-03-23,2023,Explosions/Remote violence,Air/drone strike,Islamic Resistance in Iraq,,"
    f'{_US},Syria,1,"Drone on a base near Hasakah, a contractor killed"',
    f"SYR3,23 March 2023,2023,Explosions/Remote violence,Air/drone strike,{_US},,"
    'Islamic Revolutionary Guard Corps,Syria,8,"F-15E strikes"',
    'SYR4,24 March 2023,2023,Explosions/Remote violence,"Shelling/artillery/missile attack",Kataib Hezbollah,,'
    f'{_US},Syria,0,"Rockets on Green Village"',
    f'SYR5,24 March 2023,2023,Strategic developments,Other,{_US},,,United States,0,"Pentagon statement"',
]
ACLED = "\n".join(_ACLED_ROWS) + "\n"


def test_events_reader_accepts_acled_export():
    h = parse_events(ACLED, file="acled.csv")
    assert [d.isoformat() for d in h.rounds] == ["2023-03-22", "2023-03-23", "2023-03-24"]
    assert h.actions == (("hold", "retaliate", "hold"), ("hold", "retaliate", "retaliate"))
    israel = [e for e in h.events if e.side == ""]
    assert len(israel) == 1 and israel[0].actor.startswith("Military Forces of Israel")
    assert h.events[1].description.startswith("Drone on a base")


def test_acled_unknown_actor_names_the_line():
    text = ACLED.replace("Kataib Hezbollah", "Some Group")
    with pytest.raises(GameFileError, match=r"acled.csv:5: unknown actor 'Some Group'"):
        parse_events(text, file="acled.csv")


# -- 4. the six claims ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def analysis():
    return analyse_exchange(MODEL)


def test_claim1_contained_risk_dominates_mutual_escalation(analysis):
    c = analysis.claims["contained_violence"]
    assert c["contained_is_equilibrium"] and c["mutual_escalation_is_equilibrium"] and c["risk_dominant"] == "contained"
    # recompute the 2x2 selection from the float values of the four strategy pairs
    C, W = contained_profile(), mutual_escalation_profile()
    game = MODEL.game()

    def v(us, iran):
        prof = {s: (us[s][0], iran[s][1]) for s in TRANSIENT}
        return _float_values(game, prof)[game.states.index(START)]
    cc, wc, cw, ww = v(C, C), v(W, C), v(C, W), v(W, W)
    product_c = (cc[0] - wc[0]) * (cc[1] - cw[1])
    product_w = (ww[0] - cw[0]) * (ww[1] - wc[1])
    assert product_c > product_w
    assert c["basin"]["US"] == pytest.approx((cc[0] - wc[0]) / ((cc[0] - wc[0]) + (ww[0] - cw[0])), abs=1e-4)
    assert min(c["deviation_losses"].values()) > 0


def test_claim2_tit_for_tat_cycles(analysis):
    t = analysis.claims["tit_for_tat"]
    assert t["us_answers_deadly_attacks"] and not t["us_answers_other_attacks"] and t["militias_answer_us_strikes"]
    eps = float(MODEL.v["deadly_fraction"])
    assert t["cycles_per_year"] == pytest.approx(t["us_answers_per_year"] * (1 - eps), abs=0.002)
    # the militias strike in the week of a US strike where they have a reason to anyway (q), and
    # answer it the week after otherwise; the cycle's length counts both (the review found "about
    # 14.2 days", two weeks per answer, which holds only in the weeks without a reason)
    C = contained_profile()
    shocks = MODEL.shock_distribution()
    assert {x for x in shocks if C[f"crisis/{x}"][1] == "retaliate"} == {"israel", "motive"}
    assert all(C[f"answered/{x}"][1] == "retaliate" for x in shocks)
    q = float(shocks["israel"] + shocks["motive"])
    assert t["militias_strike_in_the_week_of_a_us_strike"] == pytest.approx(q, abs=1e-3)
    assert t["mean_cycle_days"] == pytest.approx(7 * (2 - q) / (1 - eps), abs=0.05)
    # by simulation of the model's own chain (its transition function and the contained profile's
    # actions, not the formula): from a deadly strike, the weeks to the militias' last strike of
    # the cycle, which ends with a militia strike that kills no American
    rng = np.random.default_rng(5)
    lengths = []
    for _ in range(20000):
        nxt = MODEL.transition("hit/quiet", "hold", "retaliate")         # a strike in week 0 ...
        state = str(rng.choice([k for k in nxt if k.startswith("crisis/")],  # ... that killed an American
                               p=[float(nxt[k]) / float(eps) for k in nxt if k.startswith("crisis/")]))
        week = last = 0
        while True:
            week += 1
            us, iran = C[state]
            if iran == "retaliate":
                last = week
            nxt = MODEL.transition(state, us, iran)
            keys = list(nxt)
            state = str(rng.choice(keys, p=[float(nxt[k]) for k in keys]))
            if state.startswith(("hit/", "calm/")):
                break                                   # no American killed: the cycle is over
        lengths.append(last)
    assert t["mean_cycle_days"] == pytest.approx(7 * np.mean(lengths), rel=0.02)


def test_claim3_attacks_rise_with_israeli_strikes(analysis):
    t = analysis.claims["target_substitution"]
    per_month = t["attacks_per_month"]
    assert per_month == sorted(per_month) and per_month[0] < per_month[-1]
    assert t["contained_equilibrium_holds"][2]           # the calibrated rate, 1/2 a week
    assert t["strike_after_israeli_strike"] and not t["strike_in_quiet_calm_week"]
    # each week with a reason to strike (Israeli strike or motive) brings one strike, answers add a few
    for lam, a, ok in zip(t["israeli_strike_rate_per_week"], per_month, t["contained_equilibrium_holds"]):
        if not ok:
            continue
        lam, sig = float(Fraction(lam)), float(MODEL.v["motive_rate"])
        reason = lam + (1 - lam) * sig
        # (less the first, calm week and the weeks after a war, about 5% of the span at most)
        per_month_factor = 365 / 12 / 7
        assert 0.95 * reason * per_month_factor <= a <= (reason + 0.06) * per_month_factor + 0.01


def test_claim4_withdrawal_tipping_point(analysis):
    m = analysis.claims["motives_short_of_war"]
    assert m["withdrawal_probability_10_years"] == 0 and not m["withdrawal_on_path"]
    point = m["presence_value_tipping_point"]         # the one carrier of tipping points
    assert (point.parameter, point.direction, point.current) == ("presence_value", "below", 5)
    tip = Fraction(point.threshold).limit_denominator(1000)
    above = verify(exchange_model(presence_value=tip + Fraction(1, 100)), contained_profile())
    below = exchange_model(presence_value=tip - Fraction(1, 100))
    assert above.verified_under_noise
    gains = below.deviation_gains(contained_profile())
    assert max(g for (s, p, a), g in gains.items() if a == "withdraw") > 0


def _support_chain(rs, profile):
    """Transition matrix of the support game under a pure profile, from its public accessors."""
    game = rs.game
    n = len(game.states)
    P = np.zeros((n, n))
    for k, s in enumerate(game.states):
        if s in game.absorbing:
            P[k, k] = 1
            continue
        for real, q in game.realised(s, profile[s]).items():
            labels = tuple(game.actions_in(s)[j][x] for j, x in enumerate(real))
            for t, p in game.transition(s, labels).items():
                P[k, game.states.index(t)] += float(q) * float(p)
    return P


def test_claim4_attrition_withdrawal_probability_from_the_equilibrium(analysis):
    from deterrence.models.us_iran_calibration import STANCE_CALIBRATION
    from deterrence.models.us_iran_regimes import SUPPORT_HIGH, SUPPORT_LOW, support_game
    from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
    at = analysis.claims["motives_short_of_war"]["attrition"]
    assert at["verified_under_noise"] and at["withdraws_when_support_is_low"]
    assert at["selected"] == {SUPPORT_HIGH: "contained exchange", SUPPORT_LOW: "US withdrawal"}
    # the stances' values carry their unit and source, rates per week from rates per year
    for name in ("low_support_presence_value", "support_loss_per_deadly_strike", "support_recovery_rate"):
        assert STANCE_CALIBRATION[name].unit and "brief" in STANCE_CALIBRATION[name].source
        assert at["calibration"][name]["unit"] == STANCE_CALIBRATION[name].unit
    assert STANCE_CALIBRATION["support_recovery_rate"].value == Fraction(1, 2) * Fraction(7, 365)
    # the play: contained with high support, withdrawal everywhere with low support; verified exactly
    rs = support_game(MODEL)
    low = {s: ("withdraw", contained_profile()[s][1]) for s in TRANSIENT}
    profile = rs.lift({SUPPORT_HIGH: contained_profile(), SUPPORT_LOW: low})
    assert verify_markov_perfect(rs.game, profile)[0]
    # withdrawal within 26 months and ten years: numpy's matrix powers of the chain
    P = _support_chain(rs, profile)
    start = rs.game.states.index(rs.state(SUPPORT_HIGH, START))
    withdrawn = [rs.game.states.index(s) for s in rs.product_states("withdrawn")]
    for weeks, key in ((113, "withdrawal_probability_26_months"), (522, "withdrawal_probability_10_years")):
        assert at[key] == pytest.approx(np.linalg.matrix_power(P, weeks)[start, withdrawn].sum(), abs=1e-4)
    # the hazard formula: a deadly strike (eps of the strikes) turns support low with rho, and the
    # US leaves the next week; it tracks the chain over ten years (war and recovery compete a little)
    lam = at["strikes_per_week"] * float(MODEL.v["deadly_fraction"]) / 4
    assert at["hazard_per_week"] == pytest.approx(lam, rel=1e-3)
    # s is the formulas' long-run strike rate at peace (the review found a ten-year average there,
    # which counts the weeks after a war as weeks without strikes); war competes with withdrawal
    formulas = {name: value for name, _, _, value in analysis.formulas}
    assert at["strikes_per_week"] == pytest.approx(float(formulas["s"]), abs=1e-4)
    h = float(formulas["h"])
    assert at["war_hazard_per_week"] == pytest.approx(h, rel=1e-3)
    competing = lam / (lam + h) * (1 - (1 - lam - h) ** 522)
    assert at["withdrawal_probability_10_years_formula"] == pytest.approx(competing, abs=1e-4)
    assert at["withdrawal_probability_10_years"] == pytest.approx(competing, rel=0.02)
    # it rises with the militias' strike rate: linear in the weekly hazard
    by_rate = at["hazard_per_year_by_strike_rate"]
    assert by_rate["1/2"] < at["hazard_per_year"] == by_rate["1"] < by_rate["2"]
    assert by_rate["2"] == pytest.approx(1 - (1 - 2 * lam) ** (365 / 7), rel=1e-3)
    # the record (US forces still there in March 2023) against the model
    war26 = np.linalg.matrix_power(P, 113)[start, [rs.game.states.index(s) for s in rs.product_states("war")]].sum()
    present = 1 - at["withdrawal_probability_26_months"] - war26
    assert at["probability_still_present_after_26_months"] == pytest.approx(present, abs=1e-3)
    assert at["war_probability_26_months"] == pytest.approx(war26, abs=1e-4)
    assert at["record_consistent"] == (present >= 0.05) and at["record_consistent"]


def test_claim4_low_support_tipping_point_by_stepping_across_it(analysis):
    from deterrence.models.us_iran_regimes import SUPPORT_HIGH, SUPPORT_LOW, support_game
    from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
    point = analysis.claims["motives_short_of_war"]["attrition"]["low_presence_value_tipping_point"]
    assert (point.parameter, point.direction, point.current) == ("low_support_presence_value", "above", 1)
    tip = point.threshold
    assert 1 < tip < 5
    stay = {SUPPORT_HIGH: contained_profile(), SUPPORT_LOW: contained_profile()}
    above = support_game(MODEL, low_presence_value=Fraction(tip).limit_denominator(10 ** 6) + Fraction(1, 100))
    below = support_game(MODEL, low_presence_value=Fraction(tip).limit_denominator(10 ** 6) - Fraction(1, 100))
    # above it staying for good with low support is an equilibrium; below it withdrawing pays somewhere
    assert verify_markov_perfect(above.game, above.lift(stay))[0]
    ok, deviations = verify_markov_perfect(below.game, below.lift(stay))
    assert not ok and any(d.action == "withdraw" and d.state.startswith(SUPPORT_LOW) for d in deviations)


def test_claim5_spiral_risk_per_year(analysis):
    mc = analysis.claims["miscalculation"]
    st = play_statistics(MODEL, contained_profile(), 52)
    eta = float(MODEL.v["misfire"])
    # every war comes from a misfire: about 1 - (1 - eta)^(strikes in a year)
    assert mc["war_probability_first_year"] == pytest.approx(1 - (1 - eta) ** st["attacks"], rel=0.02)
    assert 0 < mc["war_probability_first_year"] < 0.05


def test_claim6_tipping_points_flip_the_equilibrium(analysis):
    from deterrence.models.us_iran_exchange_report import misfire_tipping_points
    tips = tipping_points(MODEL)
    lower, upper = misfire_tipping_points(MODEL)
    assert lower is not None and upper is not None     # too few misfires end it as well as too many
    ends = [(t.parameter, t.direction, t.threshold) for points in tips.values() for t in points]
    ends += [("misfire", "below", Fraction(lower)), ("misfire", "above", Fraction(upper))]
    for name, direction, x in ends:
        sign = -1 if direction == "below" else 1
        x = x.limit_denominator(10 ** 7)
        step = x / 20 if name == "misfire" else Fraction(1, 50)
        inside, outside = x - sign * step, x + sign * step
        assert verify(exchange_model(**{name: inside}), contained_profile()).verified_under_noise, (name, direction)
        assert not verify(exchange_model(**{name: outside}), contained_profile()).verified_under_noise, \
            (name, direction)
    ch = analysis.claims["change_of_heart"]
    # without anticipation (each stance's own game for ever) both changes of heart end it
    assert not any(sw["contained_survives"] for sw in ch["stance_switches"].values())


def test_claim6_regime_switching_duration_and_survival_from_the_chain(analysis):
    from deterrence.models.us_iran_regimes import (IRAN_HAWKISH, STATUS_QUO, US_GLOVES_OFF,
                                                   change_of_heart_game)
    from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
    ch = analysis.claims["change_of_heart"]
    rs_data = ch["stance_switching"]
    assert rs_data["verified_under_noise"] and rs_data["selected"][STATUS_QUO] == "contained exchange"
    rs = change_of_heart_game(MODEL)
    profile = {s: tuple(a) for s, a in rs_data["profile"].items()}
    profile = rs.lift({k: {rs.base_state(s): a for s, a in profile.items() if rs.stance_of(s) == k}
                       for k in rs.stances})
    assert verify_markov_perfect(rs.game, profile)[0]
    # the switching rows: each side turns at half the change-of-heart rate, back at the reversal rate
    h = Fraction(ch["change_of_heart_per_week"])
    row = rs.switch_rows("calm/quiet")
    assert row[STATUS_QUO][IRAN_HAWKISH] == row[STATUS_QUO][US_GLOVES_OFF] == h / 2
    assert row[IRAN_HAWKISH][STATUS_QUO] == Fraction(1, 4) * Fraction(7, 365)
    # expected duration and ten-year survival of the contained regime, by numpy over the chain
    P = _support_chain(rs, profile)
    inside = [rs.game.states.index(s) for k in rs_data["contained_in"] for s in rs.states_of(k)
              if rs.base_state(s) in TRANSIENT]
    Q = P[np.ix_(inside, inside)]
    start = inside.index(rs.game.states.index(rs.state(STATUS_QUO, START)))
    weeks = np.linalg.solve(np.eye(len(Q)) - Q, np.ones(len(Q)))[start]
    assert float(Fraction(rs_data["expected_contained_weeks"])) == pytest.approx(weeks, rel=1e-9)
    assert ch["expected_contained_years"] == pytest.approx(weeks / (365 / 7), abs=0.01)
    assert ch["contained_survives_10_years"] == pytest.approx(np.linalg.matrix_power(Q, 522)[start].sum(), abs=1e-4)
    # bounds: the regime ends at the latest with the US's change of heart or a war
    war_hazard = ch["war_hazard_per_week"]
    assert weeks < 1 / float(h / 2) and weeks > 1 / (float(h) + 2 * war_hazard)


def test_claim6_tipping_points_of_the_switching_by_stepping_across_them(analysis):
    from deterrence.models.us_iran_regimes import (IRAN_HAWKISH, US_GLOVES_OFF, change_of_heart_game,
                                                   stance_values)
    from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
    rs_data = analysis.claims["change_of_heart"]["stance_switching"]

    def contained_everywhere(stance, values=None, weeks=None):
        rs = change_of_heart_game(MODEL, values, kept=(stance,),
                                  reversal_rate=None if weeks is None else Fraction(1, weeks))
        return verify_markov_perfect(rs.game, rs.lift({k: contained_profile() for k in rs.stances}))[0]
    # the hawkish turn ends the contained exchange only if expected to last longer than the tipping point
    tip = rs_data["reversal_tipping_points"][IRAN_HAWKISH]
    w = 1 / tip.threshold
    assert w.denominator == 1 and (tip.parameter, tip.direction, tip.exact) == ("stance_reversal_rate", "below", False)
    assert contained_everywhere(IRAN_HAWKISH, weeks=w)
    assert not contained_everywhere(IRAN_HAWKISH, weeks=int(w * 1.04) + 1)
    assert contained_everywhere(IRAN_HAWKISH)          # now (four years) it survives the hawkish turn
    # the US taking the gloves off ends it even for a week
    assert rs_data["ends_at_every_reversal_rate"] == [US_GLOVES_OFF] and rs_data["holds_at_every_reversal_rate"] == []
    assert US_GLOVES_OFF not in rs_data["reversal_tipping_points"]
    assert not contained_everywhere(US_GLOVES_OFF, weeks=1)
    # the hawkish W_iran below which it ends
    point = rs_data["hawkish_W_iran_tipping_point"]
    assert (point.parameter, point.direction, point.current) == ("hawkish_W_iran", "below", 20)
    x = Fraction(point.threshold).limit_denominator(10 ** 6)
    assert contained_everywhere(IRAN_HAWKISH, stance_values(hawkish_W_iran=x + Fraction(1, 100)))
    assert not contained_everywhere(IRAN_HAWKISH, stance_values(hawkish_W_iran=x - Fraction(1, 100)))


# -- 5. the report --------------------------------------------------------------------------------
def test_report_json_keys(analysis):
    doc = json.loads(render(exchange_report(analysis), "json"))
    for key in ("calibration", "record", "predicted", "equilibrium", "glossary", "contained_violence",
                "tit_for_tat", "target_substitution", "motives_short_of_war", "miscalculation", "change_of_heart"):
        assert key in doc, key
    assert all("unit" in v and "source" in v for v in doc["calibration"].values())
    assert doc["predicted"]["war_probability"]["horizon_months"] == 26
    assert isinstance(doc["predicted"]["attacks_per_month"], float)
    assert doc["equilibrium"]["verified_under_noise"] is True
    red_line = doc["glossary"]["red line"]      # the line itself, by intent or by misfire
    assert red_line.startswith("the step from a limited strike to escalation")
    assert "misfire" in red_line and "does not cross it on purpose" not in red_line
    assert "tipping point" in doc["glossary"]


def test_report_speaks_in_days_months_years(analysis):
    text = exchange_report(analysis).to_text()
    assert " rounds" not in text.replace("weekly rounds", "").replace("per round", "")


def test_model_protocol_with_fit():
    model = us_iran_exchange_model()
    rep = model.report(model.analyse())
    doc = rep.to_json()
    assert "fit" in doc and doc["equilibrium"]["verified_under_noise"]
    assert "neither chooses all-out war" in rep.title


def test_headline_formulas_agree_with_the_chain(analysis):
    formulas = {n: x for n, _, _, x in analysis.formulas}
    assert formulas["delta"] == delta_per_round() == MODEL.delta
    # the long-run attack rate at peace: the chain without misfires over a long horizon
    quiet = exchange_model(misfire=0)
    weeks = 4000
    chain = play_statistics(quiet, contained_profile(), weeks)["attacks"] / weeks
    assert float(formulas["s"]) == pytest.approx(chain, rel=2e-3)
    assert formulas["h"] == MODEL.v["misfire"] * formulas["s"]
    # and the hazard gives about the chain's war risk in a year (from a calm week: a little less)
    year = play_statistics(MODEL, contained_profile(), 52)["war"]
    assert year == pytest.approx(1 - (1 - float(formulas["h"])) ** 52, rel=0.05)


def test_formulas_plain_in_the_terminal_latex_in_markdown_and_jupyter(analysis):
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    rep = exchange_report(analysis)
    text = rep.to_text()
    assert "$" not in text and "\\frac" not in text and "δ = 1/(1 + r·d/365)" in text
    md = rep.to_markdown()
    section = md[md.index("## How the numbers follow"):md.index("## Markov perfect")]
    tokens = MarkdownIt("commonmark").use(dollarmath_plugin).parse(md)
    maths, leaks = [], []

    def walk(ts):
        for t in ts:
            if t.type.startswith("math"):
                maths.append(t.content)
            elif t.type == "text" and ("\\" in t.content or "$" in t.content):
                leaks.append(t.content)
            walk(t.children or [])
    walk(tokens)
    assert not leaks and any(m.startswith("\\delta = \\frac{1}{1 + r d/365}") for m in maths)
    assert section.count("$") % 2 == 0 and "\\frac{730}{737}" in section
    # no emphasis produced by the underscores of parameter names or the LaTeX
    html = MarkdownIt("commonmark").use(dollarmath_plugin).render(md)
    assert "<em>" not in html
    # Jupyter: the LaTeX lines are not typeset a second time; HTML uses \( \)
    jup = rep._repr_markdown_()
    assert "\\frac{730}{737}$ a week" in jup and "$$" not in jup
    assert "\\(\\delta = \\frac{1}{1 + r d/365}" in rep._repr_html_()


GRID = [dict(), dict(W_iran=1), dict(W_iran=20), dict(misfire="1/100"), dict(k_us=0), dict(D=1),
        dict(W_us=1, W_iran=1), dict(israeli_strike_rate=0), dict(presence_value=1), dict(m=1),
        dict(W_iran=100), dict(W_iran=1000),       # a large W_iran: another equilibrium is selected
        dict(b_us=20, c_iran=2, k_us=80, israeli_strike_rate=0)]    # no pure equilibrium found


@pytest.mark.parametrize("values", GRID)
def test_no_two_sections_disagree(values):
    model = us_iran_exchange_model(fitted=False, **values)
    analysis = model.analyse()
    rep = model.report(analysis)
    doc = rep.to_json()
    _one_selection(analysis, rep, doc, model.model)
    eq, pred = doc["equilibrium"], doc["predicted"]
    contained = eq["regime"] == "contained"
    assert isinstance(eq["verified_under_noise"], bool)
    # the headline claims containment exactly when the contained equilibrium holds under the noise
    assert ("neither chooses all-out war" in rep.title) == (contained and eq["verified_under_noise"])
    assert ("Markov perfect equilibrium" in rep.summary and "contained exchange is a" in rep.summary) == contained
    if eq["regime"] == "mutual escalation":
        assert pred["war_probability"]["value"] > 0.9 and "war" in rep.title
    if contained:
        assert pred["war_probability"]["value"] < 0.5
        # one quantity, one number (it was 0.219 here beside 0.2194 there: each section rounded it)
        assert doc["miscalculation"]["war_probability_10_years"] == pred["war_probability_10_years"]["value"]
    else:
        assert "contained_violence" not in doc
    assert eq["name"] == pred["equilibrium"]
    assert all(e["verified_under_noise"] for e in eq["equilibria"])
    _targets_and_overrides_agree(rep, doc, values)
    if "motives_short_of_war" in doc:
        _claims_4_and_6_agree(rep, doc)
    _names_agree_with_the_path(rep, doc)


def _one_selection(analysis, rep, doc, model):
    # the play the predictions follow is chosen once: the map's regime, the analysis, the text and
    # the JSON all name the same equilibrium and regime
    chosen = analysis.selection
    code, risk = model.classify()
    assert code == chosen.regime and risk == pytest.approx(doc["predicted"]["war_probability"]["value"], abs=5e-5)
    eq = doc["equilibrium"]
    assert eq["regime"] == chosen.label == analysis.regime
    assert eq["name"] == doc["predicted"]["equilibrium"] == chosen.followed.name == analysis.selected.name
    assert eq["actions"] == {s: list(a) for s, a in chosen.followed.profile}
    assert eq["verified_under_noise"] == chosen.followed.verified_under_noise == chosen.found
    assert ("neither chooses all-out war" in rep.title) == chosen.contained == ("contained_violence" in doc)
    assert doc["title"] == rep.title and doc["summary"] == rep.summary
    if chosen.contained:
        # a words review: the title said "neither chooses all-out war" of the case, while the equilibria section
        # lists others (mutual escalation) and says the front door finds more, with escalation in some: the title
        # and the summary say it of the selected equilibrium, and the summary names the others found
        assert f"in the equilibrium the report selects (the {eq['name']})" in rep.title
        others = [e["name"] for e in eq["equilibria"] if e["name"] != eq["name"]]
        assert f"{eq['name']} is a Markov perfect equilibrium, the one the report selects (" in rep.summary
        assert all(name in rep.summary for name in others) and "not complete" in rep.summary
        assert not eq["search"]["complete"] and "plans escalation in some states" in eq["search"]["description"]
    # the fit's "agree by construction" is said only where the fit's assumption (the contained
    # exchange is played) holds (a review: it was said beside 0.0 answers against the record's 0.012)
    fit_line = any(line.startswith("the fit:") for line in rep.section("predicted").lines)
    assert fit_line == (chosen.contained and bool(doc["predicted"]["fitted_to_the_record"]))
    assert rep.section("equilibrium").lines[0].startswith(
        f"selected: {eq['name']} (verified under noise: {eq['verified_under_noise']};")
    if not chosen.contained:
        assert eq["name"] in rep.title
    # one word, one meaning: "contained exchange" names the selection only when it is the equilibrium
    # followed; when none was found the name says what is followed (the contained profile, not an equilibrium)
    assert (eq["name"] == "contained exchange") == chosen.contained
    assert (eq["name"] == NOT_AN_EQUILIBRIUM) == (not chosen.found) == (eq["regime"] == "no pure equilibrium found")
    ts = doc.get("target_substitution")
    rate = str(Fraction(dict(analysis.values)["israeli_strike_rate"]))
    if ts is not None and rate in ts["israeli_strike_rate_per_week"]:    # the model's own row: the same choice
        row = ts["israeli_strike_rate_per_week"].index(rate)
        assert ts["equilibrium"][row] == eq["name"] and ts["contained_equilibrium_holds"][row]


def test_every_reader_follows_the_one_selection(monkeypatch):
    # pins the single place: a different rule of selection (here: mutual escalation, the last equilibrium found at
    # the calibration) moves the map's regime, the analysis, the text and the JSON together
    from deterrence.models import us_iran_exchange
    monkeypatch.setattr(us_iran_exchange, "selected_equilibrium", lambda found: list(found)[-1])
    model = us_iran_exchange_model(fitted=False)
    analysis = model.analyse()
    assert analysis.selection.mutual_escalation and analysis.selected.name == "mutual escalation"
    rep = model.report(analysis)
    doc = rep.to_json()
    _one_selection(analysis, rep, doc, model.model)
    assert doc["equilibrium"]["regime"] == "mutual escalation" and "go to war" in rep.title


def test_report_text_and_json_follow_one_selection_on_the_command_line(capsys):
    # `deterrence report` with a --set that changes the selected equilibrium: text and JSON agree
    from deterrence.cli import main as cli_main
    args = ["report", "--no-fit", "--set", "W_iran=1000"]
    assert cli_main(args) == 0
    text = capsys.readouterr().out
    assert cli_main(args + ["--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    eq = doc["equilibrium"]
    assert eq["regime"] == eq["name"] == doc["predicted"]["equilibrium"] == "mutual restraint"
    assert text.splitlines()[0] == doc["title"] == f"At these values the contained exchange is not an equilibrium: " \
        f"{eq['name']}"
    assert f"selected: {eq['name']} (verified under noise: True;" in text
    assert doc["summary"] in text
    assert "contained_violence" not in doc and "1. Contained violence" not in text


#: parameters at which the search finds no pure equilibrium (the last point of GRID)
NONE_FOUND = dict(b_us=20, c_iran=2, k_us=80, israeli_strike_rate=0)


def test_the_play_followed_when_no_equilibrium_is_found_has_one_name_on_the_command_line(capsys):
    # before: the JSON's "name" (and predicted.equilibrium, the "selected:" line and the targets' reason)
    # said "contained exchange", an equilibrium's name, while "regime" said "no pure equilibrium found"
    from deterrence.cli import main as cli_main
    args = ["report", "--no-fit"] + [a for k, v in NONE_FOUND.items() for a in ("--set", f"{k}={v}")]
    assert cli_main(args) == 0
    text = capsys.readouterr().out
    assert cli_main(args + ["--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    eq = doc["equilibrium"]
    assert eq["regime"] == "no pure equilibrium found" and eq["verified_under_noise"] is False
    assert eq["name"] == doc["predicted"]["equilibrium"] == NOT_AN_EQUILIBRIUM
    assert NOT_AN_EQUILIBRIUM == "contained profile, not an equilibrium"
    assert eq["actions"] == {s: list(a) for s, a in contained_profile().items()}
    assert text.splitlines()[0] == doc["title"] and NOT_AN_EQUILIBRIUM in doc["title"]
    assert f"selected: {NOT_AN_EQUILIBRIUM} (verified under noise: False;" in text
    assert f"Predictions of the {NOT_AN_EQUILIBRIUM}, beside the record" in text
    assert "equilibria found: none" in text
    targets = next(x for x in text.splitlines() if x.startswith("targets:"))
    assert "no pure equilibrium was found" in targets and "equilibrium played" not in targets
    assert "'contained exchange'" not in text and "selected: contained exchange" not in text


def test_the_target_substitution_rows_name_the_play_followed_as_the_report_does():
    from deterrence.models.us_iran_exchange import select
    from deterrence.models.us_iran_exchange_report import target_substitution
    model = exchange_model(**NONE_FOUND)
    assert not select(model).found
    rows = target_substitution(model, rates=(0, Fraction(1, 2)))
    assert rows["equilibrium"][0] == NOT_AN_EQUILIBRIUM and not rows["contained_equilibrium_holds"][0]
    at_half = exchange_model(**{**NONE_FOUND, "israeli_strike_rate": "1/2"})
    assert rows["equilibrium"][1] == select(at_half).followed.name


def _names_agree_with_the_path(rep, doc):
    # the name of the equilibrium played promises nothing its path of play does not hold, and the
    # title names it whenever it is not the contained exchange
    eq, pred = doc["equilibrium"], doc["predicted"]
    name, attacks, war = eq["name"], pred["attacks_per_month"], pred["war_probability"]["value"]
    if name.startswith("limited strikes") or name == "contained exchange":
        assert attacks > 0, (name, attacks)
    if name.startswith("mutual restraint"):
        assert attacks == 0 and pred["answers_per_attack"] is None and war == 0, (name, attacks, war)
    if name in ("escalation", "war"):
        assert war > 0, (name, war)
    if eq["regime"] != "contained":
        assert name in rep.title
    # each name once in the list of equilibria found; no Python None printed anywhere
    found = next(x for x in rep.section("equilibrium").lines if x.startswith("equilibria found: "))
    names, rest = [e["name"] for e in eq["equilibria"]], found[len("equilibria found: "):]
    for n in sorted(set(names), key=len, reverse=True):      # longest first: "war" is inside other names
        assert rest.count(n) >= 1, (n, found)
        if names.count(n) > 1:
            assert f"{n} ({names.count(n)} profiles)" in rest, found
        rest = rest.replace(n, "", 1)
    assert re.sub(r"\(\d+ profiles\)|,|\s", "", rest) == ("" if names else "none"), found     # each name once
    assert "None" not in render(rep, "text")


def _claims_4_and_6_agree(rep, doc):
    eq, pred = doc["equilibrium"], doc["predicted"]
    ms, ch = doc["motives_short_of_war"], doc["change_of_heart"]
    # with support fixed, claim 4 is the equilibrium's own play and chain
    assert ms["withdrawal_probability_10_years"] == pred["withdrawal_probability_10_years"]
    assert ms["withdrawal_on_path"] == any(a[0] == "withdraw" for a in eq["actions"].values())
    at = ms["attrition"]
    if at["verified_under_noise"]:
        # high support is the exchange game itself: it plays the report's equilibrium
        assert at["selected"]["support high"] == eq["name"]
        assert (at["withdrawal_probability_10_years"] > 0) == at["withdraws_when_support_is_low"]
        assert at["withdrawal_probability_26_months"] <= at["withdrawal_probability_10_years"]
        shown = _percent(at["withdrawal_probability_26_months"])
        assert any(f"{shown} within 26 months" in x for x in rep.section("motives_short_of_war").lines) == \
            at["withdraws_when_support_is_low"]
    rs = ch["stance_switching"]
    if rs["verified_under_noise"]:
        # the status quo is the exchange game itself: it plays the report's equilibrium
        assert rs["selected"]["status quo"] == eq["name"]
        assert ("status quo" in rs["contained_in"]) == (eq["regime"] == "contained")
        assert 0 <= ch["contained_survives_10_years"] <= 1 and Fraction(ch["expected_contained_years"]) > 0
        # a stance that ends the contained exchange in its own game and survives with switching is said so
        for sw in ch["stance_switches"].values():
            assert sw["contained_survives_with_switching"] == (sw["stance"] in rs["contained_in"])
    text = "\n".join(rep.section("change_of_heart").lines)
    assert f"lasts {round(float(Fraction(ch['expected_contained_years'])), 2)} years" in text


def _targets_and_overrides_agree(rep, doc, values):
    eq, pred = doc["equilibrium"], doc["predicted"]
    # the headline and the predictions write the same war probability the same way
    shown = [x for x in rep.section("predicted").lines if "probability of war within 26 months" in x]
    stated = shown[0].split("within 26 months: ")[1].split(";")[0]
    assert f"probability {stated} within" in rep.summary, (stated, rep.summary)
    targets = pred["targets"]
    assert targets["war_within_26_months_under_10_percent"] == (pred["war_probability"]["value"] < 0.10)
    line = next(x for x in rep.section("predicted").lines if x.startswith("targets:"))
    assert ("MISSED" in line) == (not all(targets.values()))
    if "MISSED" in line:
        assert "(" in line.split("MISSED")[-1] or "MISSED (" in line     # it says why
    # every value set for the run is marked as such, beside its calibrated value
    for name in values:
        assert doc["calibration"][name]["this_run"] in ("set for this run", "fitted to the record"), name
    # the search is stated whatever the regime
    assert doc["equilibrium"]["search"]["complete"] is False
    if eq["actions"] != {s: list(a) for s, a in contained_profile().items()}:   # contained play's formulas only
                                                                                  # when it is the play followed
        assert "formulas" not in doc or set(doc["formulas"]["formulas"]) == {"delta"}


FITTED_GRID = [dict(), dict(W_iran=1), dict(k_us=0)]


@pytest.mark.parametrize("values", FITTED_GRID)
def test_no_two_sections_disagree_in_the_fitted_report(values):
    # the report `deterrence report` prints: the model fitted to the record first
    model = us_iran_exchange_model(**values)
    rep = model.report(model.analyse())
    doc = rep.to_json()
    eq, fit = doc["equilibrium"], doc["fit"]
    contained = eq["regime"] == "contained" and eq["verified_under_noise"]
    assert ("neither chooses all-out war" in rep.title) == contained
    assert fit["verified_under_noise"] == (eq["regime"] == "contained")
    caveat = any("fit assumes the contained exchange" in x for x in rep.section("fit").lines)
    assert caveat == (not fit["verified_under_noise"])
    for name in ("motive_rate", "deadly_fraction"):
        assert doc["calibration"][name]["value"] == str(Fraction(fit["estimates"][name]).limit_denominator(10_000))
    if contained:
        assert doc["miscalculation"]["war_probability_10_years"] == pytest.approx(
            doc["predicted"]["war_probability_10_years"]["value"], abs=1e-3)
        assert all(doc["predicted"]["targets"].values())
        _claims_4_and_6_agree(rep, doc)
    else:
        assert "contained_violence" not in doc
    _targets_and_overrides_agree(rep, doc, values)


def test_game_file_claims_hold():
    from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
    game = dt.load_game("us_iran_exchange")
    claims = game.claims
    exact = game.with_defaults()
    contained = {s: tuple(a) for s, a in claims["contained_markov_perfect"].items()}
    assert contained == contained_profile()
    assert verify_markov_perfect(exact, contained)[0]
    assert verify_markov_perfect(exact, mutual_escalation_profile())[0] == claims["mutual_escalation_markov_perfect"]
    assert contained_violence_claim() == claims["risk_dominant"]


def contained_violence_claim():
    from deterrence.models.us_iran_exchange_report import contained_violence
    return contained_violence(MODEL)["risk_dominant"]


def test_public_names():
    model = dt.us_iran_exchange_model(fitted=False)
    assert model.model.v["W_iran"] == 50
    assert dt.read_aggregate_record()["attacks_on_us_personnel"].count == 83


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.dates(min_value=dt_module.date(1990, 1, 1), max_value=dt_module.date(2060, 12, 31)))
def test_acled_day_month_year_dates_read_as_iso(day):
    acled = ("event_date,actor1,event_type,sub_event_type\n"
             f"{day.day} {day.strftime('%B')} {day.year},IRGC,Battles,Armed clash\n")
    iso = f"date,actor,event_type\n{day.isoformat()},IRGC,armed clash\n"
    a, b = parse_events(acled), parse_events(iso)
    assert a.rounds == b.rounds == (day,) and a.actions == b.actions == (("hold",), ("retaliate",))


def test_report_figure_per_player_one_colour_meaning_and_a_labelled_war_risk_bar():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.patches import Rectangle
    from deterrence.plot.report import EQUILIBRIUM_COLOURS, exchange_figure, war_risk_grid
    model = us_iran_exchange_model(fitted=False)
    analysis = model.analyse()
    fig = exchange_figure(model, analysis, years=1, grid=2)
    record_ax, pay_ax, curve_ax, map_ax, bar_ax = fig.axes
    # per-player payoffs: one tick per player, one bar per player and equilibrium, coloured by equilibrium
    assert [t.get_text() for t in pay_ax.get_xticklabels()] == list(PLAYERS)
    bars = pay_ax.patches
    assert len(bars) == len(PLAYERS) * len(analysis.equilibria)
    colours = {matplotlib.colors.to_hex(b.get_facecolor()) for b in bars}
    assert colours == {EQUILIBRIUM_COLOURS[e.name] for e in analysis.equilibria}
    # the same colour means the same equilibrium in the other panels
    assert matplotlib.colors.to_hex(record_ax.patches[1].get_facecolor()) == EQUILIBRIUM_COLOURS["contained exchange"]
    assert matplotlib.colors.to_hex(curve_ax.lines[0].get_color()) == EQUILIBRIUM_COLOURS["contained exchange"]
    # the colour bar names its horizon and spans exactly the values of the cells where the contained
    # exchange holds; the others are masked (grey) and hatched (a review: the scale ran to 0.41, set by
    # the war risk of play nobody would follow)
    assert "within 26 months" in bar_ax.get_ylabel()
    mesh = map_ax.collections[0]
    data = mesh.get_array()
    shown = data.compressed()
    assert mesh.norm.vmin == pytest.approx(shown.min()) and mesh.norm.vmax == pytest.approx(shown.max())
    hatched = [p for p in map_ax.patches if isinstance(p, Rectangle) and p.get_hatch()]
    assert 0 < len(hatched) == int(np.ma.count_masked(data)) < data.size   # it holds in part of the map only
    risk, holds = war_risk_grid(MODEL, [Fraction(1, 6400), Fraction(1, 1600)], [Fraction(1, 2)], 113)
    assert holds.tolist() == [[False, True]] and risk[0, 0] < risk[0, 1]


@pytest.mark.parametrize("values", [dict(), dict(W_us=1)])
def test_report_figure_the_stars_cell_is_the_report_s_model(values):
    # the map's star (the model's misfire and Israeli strike rate) sits in a cell computed at
    # exactly those values: hatched exactly when the report says the contained exchange fails
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.patches import Rectangle
    from deterrence.plot.report import exchange_figure
    model = us_iran_exchange_model(fitted=False, **values)
    analysis = model.analyse()
    fig = exchange_figure(model, analysis, years=1, grid=2)
    record_ax, map_ax = fig.axes[0], fig.axes[3]      # (a colour bar follows when some cell holds)
    (star,) = [ln for ln in map_ax.lines if ln.get_marker() == "*"]
    x, y = star.get_xdata()[0], star.get_ydata()[0]
    hatched = [p for p in map_ax.patches if isinstance(p, Rectangle) and p.get_hatch()
               and p.get_x() < x < p.get_x() + p.get_width() and p.get_y() < y < p.get_y() + p.get_height()]
    assert bool(hatched) == (analysis.regime != "contained"), (values, analysis.regime)
    # the bar's label names the equilibrium played, on lines short enough not to run into the record's
    label = record_ax.get_xticklabels()[1].get_text()
    assert analysis.selected.name in " ".join(label.split()) and max(map(len, label.splitlines())) <= 28



def test_report_figure_the_maps_legend_covers_no_coloured_cell():
    # the key to the hatching sat in the map's upper left corner, half transparent, over the top
    # cells where the contained exchange holds (their colours are the figure's war risks): it
    # goes below the map, and no coloured cell lies under it
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.transforms import Bbox
    from deterrence.plot.report import exchange_figure
    model = us_iran_exchange_model()
    fig = exchange_figure(model, model.analyse(), years=1, grid=2)
    map_ax = fig.axes[3]
    fig.canvas.draw()
    legend = map_ax.get_legend().get_window_extent()
    mesh = map_ax.collections[0]
    # cell (i, j) has the corners (i, j) and (i + 1, j + 1)
    corners, holds = mesh.get_coordinates(), ~np.ma.getmaskarray(mesh.get_array())
    coloured = [Bbox(map_ax.transData.transform([corners[i, j], corners[i + 1, j + 1]]))
                for i, j in zip(*np.nonzero(holds))]
    assert coloured and not any(legend.overlaps(cell) for cell in coloured)


def test_done_when_of_issue_13(capsys):
    """The issue's "Done when", item by item, through the command a user runs."""
    from deterrence.cli import main
    assert main(["report"]) == 0
    text = capsys.readouterr().out
    # the fitted model's predictions beside the record, with the targets met (or a stated miss)
    section = text[text.index("Predictions of the equilibrium beside the record"):]
    assert "record 83" in section and "Fit to the record (maximum likelihood)" in text
    targets = next(line for line in section.splitlines() if line.startswith("targets:"))
    assert targets.count("met") == 2 and "MISSED" not in targets
    assert main(["report", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    pred = doc["predicted"]
    assert abs(pred["attacks_in_26_months"] - 83) <= 0.25 * 83 and pred["war_probability"]["value"] < 0.10
    # the JSON keys, each calibration value with its unit and source
    assert all({"unit", "source"} <= set(v) for v in doc["calibration"].values())
    assert {"attacks_on_us_personnel", "all_out_wars"} <= set(doc["record"])
    assert isinstance(pred["attacks_per_month"], float) and pred["war_probability"]["horizon_months"] == 26
    # every equilibrium it names is verified under its own noise
    assert doc["equilibrium"]["verified_under_noise"] is True
    assert all(e["verified_under_noise"] is True for e in doc["equilibrium"]["equilibria"])
    for line in text.splitlines():
        if line.startswith("equilibria found:"):
            assert set(line.split(": ", 1)[1].split(", ")) == {e["name"] for e in doc["equilibrium"]["equilibria"]}
    # the six claims, each a section (each has its own test of numbers above: test_claim1 .. test_claim6)
    for key, title in (("contained_violence", "1. Contained violence"), ("tit_for_tat", "2. Tit-for-tat"),
                       ("target_substitution", "3. Proxy target substitution"),
                       ("motives_short_of_war", "4. Motives short of war"), ("miscalculation", "5. Miscalculation"),
                       ("change_of_heart", "6. Stability until a change of heart (or a misfire)")):
        assert key in doc and title in text


def test_round_length_cannot_be_changed_behind_the_weekly_rates(capsys):
    # the rates are per week: a report at round_days=1 would mislabel and mis-time every horizon
    from deterrence.cli import main as cli_main
    assert cli_main(["report", "--set", "round_days=1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "round_days" in err and "per week" in err
    assert err.startswith("deterrence: --set round_days=1: "), err       # the option that gave it (an error review)


def test_the_reports_search_and_the_front_doors_agree_on_what_else_there_is():
    # the report names two equilibria (contained, mutual escalation) and says the front door's wider search
    # finds more, each planning escalation in some states: check that against dt.solve
    import deterrence as dt
    from deterrence.models.us_iran_exchange import SEARCH, TRANSIENT, _name, exchange_model, reached_states
    found = dt.solve(dt.load_game("us_iran_exchange"))
    names, on_path = [], set()
    for eq in found:
        assert eq.verified_under_noise and eq.is_pure
        profile = {s: tuple(eq.action(s, p) for p in ("US", "Iran")) for s in TRANSIENT}
        names.append(_name(profile))
        if _name(profile) not in ("contained exchange", "mutual escalation"):
            assert any("escalate" in a for a in profile.values())
            on_path.add(_name(profile, reached_states(exchange_model(), profile)))
    assert {"contained exchange", "mutual escalation"} <= set(names) and len(names) > 2
    assert "each of those plans escalation in some states" in SEARCH
    # the others are named by their path (a review: restraint and withdrawal read as "escalation")
    assert {"mutual restraint (war threatened if attacked)", "US withdrawal"} <= on_path
    assert all(name in SEARCH for name in on_path), on_path
    description = " ".join(dt.load_game("us_iran_exchange").description.split())
    assert all(f'"{name}"' in description for name in on_path if name != "escalation"), on_path


@pytest.mark.parametrize("values", [dict(), dict(W_us=1), dict(misfire="1/100"), dict(m=1)])
def test_equilibrium_names_read_the_path_the_chain_visits(values):
    # reached_states (a walk over the transitions) against the chain's expected visits over ten
    # years; the names of the equilibria found follow the actions in the states visited
    from deterrence.models.us_iran_exchange import _strategy, exchange_model, markov_perfect_equilibria, \
        reached_states
    from deterrence.solvers.stochastic.markov_chain import expected_visits
    model = exchange_model(**{k: Fraction(v) for k, v in values.items()})
    for eq in markov_perfect_equilibria(model):
        profile = eq.actions
        visits = expected_visits(model.stochastic_game, _strategy(profile), 522, start=START, exact=False)
        visited = {s for s in TRANSIENT if visits[s] > 0}
        assert reached_states(model, profile) == visited, eq.name
        iran_strikes = any(profile[s][1] != "hold" for s in visited)
        assert eq.name.startswith("mutual restraint") == (not iran_strikes and
                                                          all(profile[s] == ("hold", "hold") for s in visited))
        if eq.name.startswith("limited strikes"):
            assert iran_strikes and not any("escalate" in profile[s] for s in visited)


def test_report_without_changes_of_heart_says_the_status_quo_never_changes():
    """``--set change_of_heart_rate=0`` (no switching out of the status quo) made claim 6's text
    divide by the rate: ZeroDivisionError, a traceback instead of a report."""
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    model = us_iran_exchange_model(fitted=False, change_of_heart_rate=0)
    text = render(model.report(model.analyse()), "text")
    line = next(x for x in text.splitlines() if "stance switching: from the status quo" in x)
    assert "with probability 0 a week (never)" in line
    assert "it lasts" in line and "years on average" in line     # the way back still has its rate


def test_a_record_the_model_cannot_produce_is_refused_by_the_fit_with_a_reason(capsys):
    """``--set misfire=1`` (every strike misfires into war) made the likelihood take log(0): a
    traceback (math domain error) instead of a message."""
    from deterrence.cli import main as cli_main
    assert cli_main(["report", "--set", "misfire=1"]) == 2
    err = capsys.readouterr().err
    assert "has probability 0 in this model (misfire=1" in err and "--no-fit" in err
    # unfitted, the same values give a report: war comes at once
    assert cli_main(["report", "--no-fit", "--set", "misfire=1", "--format", "json"]) == 0


def test_a_parameter_the_record_does_not_inform_has_no_standard_error():
    """With an Israeli strike every week the attack count says nothing of the militias' own motive:
    the likelihood is flat in it, and inverting the whole Hessian raised LinAlgError."""
    fit = fit_to_record(israeli_strike_rate=1)
    se = dict(fit.standard_errors)
    assert se["motive_rate"] != se["motive_rate"]            # NaN: not informed
    assert 0 < se["deadly_fraction"] < 1                      # the answers still inform this one
    baseline = dict(fit_to_record().standard_errors)["deadly_fraction"]
    assert se["deadly_fraction"] == pytest.approx(baseline, rel=0.2)


def test_the_case_report_lists_and_sets_only_the_values_its_model_uses(capsys):
    """A words review: the report's calibration listed a_iran, the stage game's audience cost, which the
    case model uses nowhere: --set a_iran=100 was listed as "set for this run" and changed no number.
    Every value the report lists changes the model (or, for the change of heart, claim 6)."""
    from deterrence.cli import main as cli_main
    from deterrence.models.us_iran_calibration import MODEL_CALIBRATION, STAGE_GAME_VALUES
    assert set(STAGE_GAME_VALUES) == {"a_iran"} and "a_iran" in dt.load_game("us_iran_stage").parameters
    assert cli_main(["report", "--no-fit", "--set", "a_iran=100"]) == 2
    err = capsys.readouterr().err
    assert "a_iran is a value of the stage game us_iran_stage" in err and "--set a_iran=100" in err
    assert cli_main(["report", "--no-fit", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)["calibration"]
    assert set(listed) == set(MODEL_CALIBRATION) | {"delta_per_round"}
    model, C = exchange_model(), contained_profile()
    for name in set(MODEL_CALIBRATION) - {"round_days", "change_of_heart_rate"}:
        x = Fraction(CALIBRATION[name].value)
        other = exchange_model(**{name: x / 2 if x else Fraction(1, 1000)})
        assert (other.values_of(C), other.deviation_gains(C)) != (model.values_of(C), model.deviation_gains(C)), name
    # the game file lists the parameters its formulas use (claim 6's change of heart is the report's)
    assert set(dt.load_game("us_iran_exchange").parameters) == set(MODEL_CALIBRATION) - {
        "round_days", "annual_discount_rate", "change_of_heart_rate"}


def test_setting_a_fitted_parameter_asks_for_the_unfitted_model(capsys):
    """``--set deadly_fraction=...`` on the fitted model was silently replaced by the fit (even
    ``-1``, exit 0): now refused, naming the parameter; ``--no-fit`` takes it."""
    from deterrence.cli import main as cli_main
    assert cli_main(["report", "--set", "deadly_fraction=-1"]) == 2
    assert "--set deadly_fraction=-1" in capsys.readouterr().err       # not a probability: refused first
    assert cli_main(["report", "--set", "deadly_fraction=1/50"]) == 2
    assert "deadly_fraction is estimated from the record" in capsys.readouterr().err
    assert cli_main(["report", "--no-fit", "--set", "deadly_fraction=1/50", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert "deadly_fraction" in json.dumps(report) and "1/50" in json.dumps(report)
    assert cli_main(["report", "chicken", "--no-fit"]) == 2
    assert cli_main(["report", "--no-fit", "--record", "x.csv"]) == 2


def test_the_rates_of_the_sections_agree_with_the_formulas_and_each_other(analysis):
    """One rate, one number: the strike rate of claim 4 (its cost, its withdrawal hazard), the
    answers a year of claim 2 and the deadly strikes and misfires a year of claim 5 all come from
    the formulas' s (a helper's review found 0.6723 strikes a week in section 4 beside s = 0.7603
    in the formulas, and US answers a year below the deadly attacks a year they answer); the
    symbols are not reused (lambda named the Israeli strike rate and the withdrawal hazard)."""
    from deterrence.models.us_iran_exchange_report import exchange_report
    formulas = {name: float(value) for name, _, _, value in analysis.formulas}
    s, week_to_year = formulas["s"], 365 / 7
    eps, eta, c_us = (float(MODEL.v[k]) for k in ("deadly_fraction", "misfire", "c_us"))
    claims = analysis.claims
    assert claims["motives_short_of_war"]["us_cost_of_strikes_per_week"] == pytest.approx(s * c_us, abs=0.01)
    assert claims["motives_short_of_war"]["attrition"]["strikes_per_week"] == pytest.approx(s, abs=1e-4)
    answers = claims["tit_for_tat"]["us_answers_per_year"]
    deadly = claims["miscalculation"]["deadly_attacks_per_year"]
    assert answers == pytest.approx(s * eps * week_to_year, abs=1e-3) and deadly == pytest.approx(answers, abs=0.01)
    assert claims["miscalculation"]["misfires_per_year"] == pytest.approx(s * eta * week_to_year, abs=1e-4)
    # the war hazard of claims 4 and 6 is the formula h (claim 6 had the chain's first-year war
    # probability over 52: 0.000461 beside 0.000475 under the same key)
    assert claims["change_of_heart"]["war_hazard_per_week"] == \
        claims["motives_short_of_war"]["attrition"]["war_hazard_per_week"] == pytest.approx(formulas["h"], abs=1e-6)
    text = exchange_report(analysis).to_text()
    assert "λ = s·ε·ρ" not in text and f"κ = s·ε·ρ = {round(s, 4):g}" in text
    assert text.count("λ") == text.count("(λ: israeli_strike_rate") + text.count("q = λ + (1 − λ)") * 2
    assert f"{s:.4f} attacks a week at peace" in text


def test_a_review_of_the_storyline_each_sentence_says_what_the_model_supports():
    """A review of the case report against the brief (stop 39): one number for the uptick
    (claim 3's chord from a rate where the contained exchange is no equilibrium gave 0.454, the
    fit 0.449); the answer rate is a lower bound where it is fitted; a US strike was said to
    "restore deterrence" although the militias answer it; the formula h left out US misfires;
    "spiral" and "containment" were used undefined; "the contained exchange ends" did not say
    that limited strikes go on; a report whose contained exchange fails left the six claims
    out without saying so."""
    from deterrence.models.us_iran_exchange import israeli_strike_response
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    from deterrence.models.us_iran_exchange import war_hazard
    model = us_iran_exchange_model()                   # fitted to the record, as `deterrence report`
    analysis = model.analyse()
    report = model.report(analysis)
    text = report.to_text()
    fitted = exchange_model(**dict(analysis.values))
    uptick = analysis.claims["target_substitution"]["extra_attacks_per_extra_israeli_strike_week"]
    assert uptick == analysis.predicted["attack_response_to_israeli_strikes"]["value"]
    assert uptick == pytest.approx(analysis.fit.prediction("attack_response_to_israeli_strikes"), abs=2e-3)
    assert uptick == pytest.approx(israeli_strike_response(fitted, 113), abs=1e-3)
    assert "those that kill Americans; fitted to the record's one dated answer, a lower bound" in report.summary
    assert "restor" not in text and "containment" not in text
    # "spiral" only where the calibration quotes the brief ("a spiral can follow")
    assert all("spiral" not in line for sec in report.sections if sec.key != "calibration" for line in sec.lines)
    assert "at peace" in report.section("glossary").data and "us_misfire" in report.section("glossary").data["misfire"]
    assert "the record's one dated cycle, 23 to 24 March 2023, took about a day" in text
    # the fixed misfire probability moves the war probability more than the fit's standard errors say
    window = analysis.claims["miscalculation"]["war_probability_over_misfire_window"]
    lo, hi = window["misfire"]
    tip = [t for t in analysis.claims["change_of_heart"]["tipping_points"] if t.parameter == "misfire"]
    assert (lo, hi) == tuple(t.threshold for t in tip) and window["lower"] < analysis.predicted["war_probability"][
        "value"] < window["upper"]
    for end, war in ((lo, window["lower"]), (hi, window["upper"])):
        at = exchange_model(**{**fitted.v, "misfire": end})
        assert war == pytest.approx(play_statistics(at, contained_profile(), 113)["war"], abs=1e-4)
    assert window["upper"] - window["lower"] > 4 * analysis.fit.prediction_se("war_probability_26_months")
    # each end to the digits its bisection fixes, as the tipping points and the JSON give it (the text wrote
    # six decimals, "0.001128", beside the JSON's "0.0011": a notebooks review)
    below, above = sorted(tip, key=lambda t: t.direction != "below")
    assert all(t.digits >= 4 for t in tip), [(t.threshold_text(), t.digits) for t in tip]
    assert (f"from {_percent(window['lower'])} (misfire {below.threshold_text()}) to {_percent(window['upper'])} "
            f"(misfire {above.threshold_text()})") in text
    assert (f"below {below.threshold_text()} per strike the probability of war no longer keeps" in text
            and f"above {above.threshold_text()} per strike it ends too" in text)
    assert (f"misfire below {below.threshold_text()} (Iran would retaliate in state calm/quiet) or above "
            f"{above.threshold_text()} (" in text)
    switches = analysis.claims["change_of_heart"]["stance_switches"]
    gloves = switches["US gloves off"]          # one name a stance (the stance switching's)
    assert set(switches) == {"US gloves off", "Iran hawkish"}
    assert all(name == sw["stance"] for name, sw in switches.items())
    assert not gloves["contained_survives"] and gloves["followed"] == "limited strikes, every attack answered"
    assert (f"'limited strikes, every attack answered' is played instead: "
            f"{round(gloves['attacks_per_month'], 2)} attacks a month") in text
    # US misfires are in the formula h, the war hazards of claims 4 and 6 and the misfires a year
    imprecise = us_iran_exchange_model(fitted=False, us_misfire=Fraction(1, 5000)).analyse()
    h = dict((name, value) for name, _, _, value in imprecise.formulas)["h"]
    v = {k: Fraction(x) for k, x in imprecise.values}
    s = dict((name, value) for name, _, _, value in imprecise.formulas)["s"]
    assert h == war_hazard(v["misfire"], s, v["us_misfire"], s * v["deadly_fraction"])[0] > v["misfire"] * s
    # and the US term brings the formula to the chain: ten years at us_misfire = 1/20
    sloppy = exchange_model(us_misfire=Fraction(1, 20))
    chain = play_statistics(sloppy, contained_profile(), 522)["war"]
    from deterrence.models.us_iran_exchange import peace_rates
    s20 = float(peace_rates(sloppy)[1])          # the formula s (the contained exchange is no equilibrium there)
    eta, eps = float(sloppy.v["misfire"]), float(sloppy.v["deadly_fraction"])
    with_us, without = (1 - (1 - s20 * (eta + eps / 20)) ** 522, 1 - (1 - s20 * eta) ** 522)
    assert abs(with_us - chain) < 0.01 < abs(without - chain)
    claims = imprecise.claims
    assert claims["change_of_heart"]["war_hazard_per_week"] == \
        claims["motives_short_of_war"]["attrition"]["war_hazard_per_week"] == pytest.approx(float(h), abs=1e-6)
    assert claims["miscalculation"]["misfires_per_year"] == pytest.approx(float(h) * 365 / 7, abs=1e-4)
    assert "US strikes 1/5000" in us_iran_exchange_model(fitted=False, us_misfire=Fraction(1, 5000)).report(
        imprecise).summary
    # a contained exchange that fails: the summary says what the US does and why the claims are missing
    hawkish = us_iran_exchange_model(fitted=False, W_iran=20)
    summary = hawkish.report(hawkish.analyse()).summary
    assert "the US withdraws with probability" in summary and "are left out" in summary


def test_the_calibrations_reasons_say_what_the_model_and_the_brief_say():
    # an IR review: (1) a week of war *pays* 2b - 2c - W (negative), it does not cost it; (2) the March 2023
    # steps the round length cites came a day apart, so a week cannot be "one step of an exchange" by that
    # evidence; (3) the brief dates the CENTCOM count to "2023-03" only, and does not place the 23 March
    # drone among the 83 attacks: both are the record's assumptions and must read as such
    model = exchange_model()
    v = model.v
    assert model.payoff("war", "hold", "hold") == (2 * v["b_us"] - 2 * v["c_us"] - v["W_us"],
                                                   2 * v["b_iran"] - 2 * v["c_iran"] - v["W_iran"])
    assert model.payoff("war", "hold", "hold")[0] < 0
    assert "costs 2b - 2c - W" not in CALIBRATION["W_us"].reason and "pays 2b - 2c - W" in CALIBRATION["W_us"].reason
    assert "one step of an exchange" not in CALIBRATION["round_days"].reason
    assert "assumption" in CALIBRATION["round_days"].reason and "a day apart" in CALIBRATION["round_days"].reason
    assert "taken to be among the 83" in CALIBRATION["deadly_fraction"].source
    source = read_aggregate_record()["attacks_on_us_personnel"].source
    assert "given on 23 March" not in source and "assumption" in source


def test_claim_3_stands_beside_its_record_and_says_what_it_leaves_out():
    # an IR review: the brief's evidence for claim 3 is the 22 March strike -> 23 March drone, and its
    # Russia (the airspace) is in no model; the section carried neither
    analysis = analyse_exchange(exchange_model())
    lines = exchange_report(analysis).section("target_substitution").lines
    record = [line for line in lines if line.startswith("record: ")]
    assert len(record) == 1
    assert "2023-03-22 Israel: airstrike -> 2023-03-23 Iran-backed militia" in record[0]
    assert "Russia" in record[0] and "not in the model" in record[0]
    assert ("2023-03-22", "Israel", "third party: airstrike") in analysis.dated_events


def test_the_glossary_gives_escalation_its_one_meaning_and_names_the_quoted_other():
    # an IR review: "escalation" is the action escalate (war at once), the profile "mutual escalation",
    # and, in the Pentagon quote the calibration gives as k_us's source, any step up; the glossary had no entry
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    model = exchange_model()
    assert model.transition("calm/quiet", "escalate", "hold") == {"war": 1}
    assert "escalation" in CALIBRATION["k_us"].source
    entry = GLOSSARY["escalation"]
    assert entry.startswith("the action escalate") and "mutual escalation" in entry
    assert "we do not seek conflict/escalation" in entry and "everyday sense" in entry
    text = exchange_report(analyse_exchange(model, claims=False)).to_text()
    assert "escalation: the action escalate" in text


def test_attrition_compares_values_only_for_the_side_whose_payoffs_the_stance_keeps():
    # an IR review: "us_cost_of_attrition" was -17.76 (the US "better off" when strikes erode its support),
    # because low support lowers the US's own value of presence: its two values rest on two preferences
    from deterrence.models.us_iran_regimes import SUPPORT_LOW, _support_parts, attrition
    changes = _support_parts(None, None)[0]
    assert set(changes[SUPPORT_LOW]) == {"presence_value"}          # a US payoff only
    model = exchange_model()
    assert model.payoff("withdrawn", "hold", "hold")[1] == exchange_model(
        presence_value=changes[SUPPORT_LOW]["presence_value"]).payoff("withdrawn", "hold", "hold")[1]
    out = attrition(model, 0.76)
    assert "us_cost_of_attrition" not in out and out["iran_value_of_attrition"] > 0


def test_every_claim_stands_beside_the_record():
    # an IR review: claims 1, 5 and 6 had no record beside them (claim 3 neither, mended with its own test);
    # each says what the record holds, or that it holds nothing that bears on the claim
    analysis = analyse_exchange(exchange_model())
    report = exchange_report(analysis)
    claims = ("contained_violence", "tit_for_tat", "target_substitution", "motives_short_of_war",
              "miscalculation", "change_of_heart")
    for key in claims:
        assert any("record" in line for line in report.section(key).lines), key
    wars = dict((k, c) for k, c, *_ in analysis.record)["all_out_wars"]
    assert f"and {wars} outbreaks of all-out war" in report.section("contained_violence").lines[-1]
    assert "January 2020" in report.section("miscalculation").lines[-1]
    assert "are assumptions" in report.section("change_of_heart").lines[-1]
    # what the brief says, not what the record holds (a record refitted with --record holds no stances)
    assert "the brief reports no change of political stance in 2021-2023" in report.section("change_of_heart").lines[-1]
    moved = exchange_report(analyse_exchange(exchange_model(misfire="1/1000")))
    assert "(this run: 1/1000)" in moved.section("miscalculation").lines[-1]
    # the brief's January 2020 spiral (a deliberate escalation that stopped short of war) has no path here:
    # every escalation enters war at once, so the section says which model has it
    model = exchange_model()
    assert all(model.transition("crisis/quiet", "escalate", iran) == {"war": 1} for iran in ACTIONS["Iran"])
    assert "the january_2020 tree models it" in report.section("miscalculation").lines[-1]
    assert dt.load_game("january_2020") is not None


def test_report_help_names_the_model_it_reports_by_default(capsys):
    # an IR review: "the built-in US-Iran model" is also how models/us_iran.py names the teaching model;
    # with no GAME the command reports the exchange model (its summary speaks of Markov perfect equilibria)
    from deterrence.cli import main as cli_main
    with pytest.raises(SystemExit):
        cli_main(["report", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "built-in US-Iran model" not in help_text
    assert "the US-Iran case, the stochastic exchange model fitted to the record" in help_text


def test_leaving_the_contained_regime_is_not_the_end_of_contained_violence_when_no_side_escalates_outside_it():
    # an IR review: "the contained regime ... survives ten years with probability 45.9%" read as the odds of
    # contained violence (claim 1); outside the regime the US gloves-off stance plays limited strikes only
    analysis = analyse_exchange(exchange_model())
    rs = analysis.claims["change_of_heart"]["stance_switching"]
    outside = {k: p for k, p in rs["selected"].items() if k not in rs["contained_in"]}
    assert outside and all("escalat" not in p for p in outside.values())
    line = next(x for x in exchange_report(analysis).section("change_of_heart").lines
                if x.startswith("the contained regime"))
    assert "not the contained violence of claim 1" in line
    assert all(f"{k}: '{p}'" in line for k, p in outside.items())


def test_the_record_says_that_a_fuller_count_of_answers_is_read_as_deadly_attacks():
    # an IR review: the fit identifies the answer probability with the deadly fraction, so the record's
    # invitation to enter a full count of US answers would, unannounced, add deadly attacks the brief
    # does not report (it reports one death); the record's note must say so
    from dataclasses import replace
    rec = dict(read_aggregate_record())
    rec["us_answering_strikes"] = replace(rec["us_answering_strikes"], count=5)
    fitted = dict(fit_to_record(rec).estimates)["deadly_fraction"]
    assert 83 * fitted == pytest.approx(5, abs=0.2)
    about = read_aggregate_record()["us_answering_strikes"].about
    assert "raises the fitted deadly fraction" in about and "about 5 deadly attacks in 83" in about


def test_claim_4_names_the_signalling_motive_the_brief_lists_first():
    # an IR review: the brief's claim 4 is signalling, discomfort and pushing the US out; the section spoke of the
    # last two only, while its data held the signalling value (m in motive weeks) unused
    model = exchange_model()
    analysis = analyse_exchange(model)
    report = exchange_report(analysis)
    section = report.section("motives_short_of_war")
    value = Fraction(section.data["iran_signalling_value_per_week"])        # exact, as an exact string
    assert value == Fraction(model.v["m"]) * model.shock_distribution()["motive"]
    assert any(line.startswith("signalling that Iran can destabilise") and f"{round(float(value), 2)} a week" in line
               for line in section.lines)
    assert len(section.latex) == len(section.lines)
    assert "signalling that Iran can destabilise" in render(report, "markdown")


def test_fitted_values_print_as_estimates_not_exact_fractions():
    # an IR review: the fitted deadly fraction printed "22/1809" (limit_denominator's fraction of 0.01216) beside
    # motive_rate "0.5195": an exact-looking value for an estimate whose standard error is as large as itself
    report = dt.explain(dt.us_iran_exchange_model())
    value = Fraction(dict(report.section("calibration").data)["deadly_fraction"]["value"])
    assert value.denominator < 2000          # a fraction _num would have printed as such
    lines = report.section("calibration").lines
    line = next(x for x in lines if x.startswith("deadly_fraction = "))
    assert line.startswith(f"deadly_fraction = {float(value):.4g} ") and str(value) not in line
    hazard = next(x for x in report.section("motives_short_of_war").lines if x.startswith("withdrawal hazard"))
    assert f"· {float(value):.4g} ·" in hazard and str(value) not in hazard
    unfitted = dt.explain(dt.us_iran_exchange_model(fitted=False)).section("calibration").lines
    assert any(x.startswith("deadly_fraction = 1/83 ") for x in unfitted)


def test_a_report_refitted_to_another_record_says_its_horizons_are_the_shipped_records(tmp_path, capsys):
    """Refitted to 41 attacks in 2024 (docs/howto/fit.md's ACLED export), the report still gave war
    "within 26 months" and checked US presence "in March 2023" as if of this record (an IR review):
    the record section now says whose horizons they are."""
    import datetime
    from deterrence.cli import main as cli_main
    days = [datetime.date(2024, 1, 1) + datetime.timedelta(days=9 * k) for k in range(41)]
    rows = ["event_date,actor1,actor2,event_type,sub_event_type,fatalities"]
    rows += [f"{d:%d %B %Y},Islamic Resistance in Iraq,Military Forces of the United States (2021-),"
             "Explosions/Remote violence,Air/drone strike,0" for d in days]
    rows += ["29 January 2024,Military Forces of the United States (2021-),Kataib Hezbollah,"
             "Explosions/Remote violence,Air/drone strike,3"]
    path = tmp_path / "acled_export.csv"
    path.write_text("\n".join(rows) + "\n")
    assert cli_main(["report", "--record", str(path)]) == 0
    text = capsys.readouterr().out
    line = next(x for x in text.splitlines() if x.startswith("horizons:"))
    assert "this record spans 11.8 months" in line and "are the shipped record's" in line
    assert cli_main(["report"]) == 0
    assert "horizons:" not in capsys.readouterr().out       # the shipped record's own horizons


def test_setting_a_stance_value_says_where_it_is_set(capsys):
    """`report --set hawkish_W_iran=10` said "unknown calibration parameter" and listed only the
    exchange's calibration, though claims 4 and 6 rest on the stance values (an IR review)."""
    from deterrence.cli import main as cli_main
    from deterrence.models.us_iran_calibration import STANCE_CALIBRATION
    for name in STANCE_CALIBRATION:
        assert cli_main(["report", "--no-fit", "--set", f"{name}=1/2"]) == 2
        err = capsys.readouterr().err
        assert f"{name} is a value of the stances of claims 4 and 6" in err and f"stance_values({name}=...)" in err
    assert cli_main(["report", "--set", "nonsense=1"]) == 2
    assert "unknown calibration parameter 'nonsense'" in capsys.readouterr().err


def test_credibility_is_said_of_threats_never_of_a_payoff():
    # an IR review: b_us ("credibility: attacks are answered"), a_us ("audience and credibility cost") and
    # r_us were called credibility, while the glossary's "credible" is a property of threats: one meaning
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    for name in ("us_iran_stage", "us_iran_israel", "us_iran_exchange"):
        dt.load_game(name)                     # the files still load
        text = (catalogue_dir() / f"{name}.toml").read_text()
        assert "credibility" not in text.lower(), name
    assert all("credib" not in row.reason.lower() for row in CALIBRATION.values())
    assert "reputation" in CALIBRATION["b_us"].reason and "audience cost" in CALIBRATION["a_us"].reason
    assert GLOSSARY["credible"].startswith("said of a threat") and "called credibility" not in GLOSSARY["credible"]
    assert "never a payoff" in GLOSSARY["credible"]


def test_the_hawkish_stance_cites_claim_6_and_calls_its_doubling_an_assumption():
    # an IR review: hawkish_A cited the brief's "sharpened after Soleimani's death" (January 2020, before
    # the 2021-2023 record the status quo is fitted to) as the source of a future stance
    from deterrence.models.us_iran_calibration import STANCE_CALIBRATION
    row = STANCE_CALIBRATION["hawkish_A"]
    assert "claim 6" in row.source and "Soleimani" not in row.source and "claim 4" not in row.source
    assert row.reason.startswith("assumption, the doubling included")
    assert row.value == 2 * CALIBRATION["A"].value


def test_the_contained_exchange_risk_dominates_every_other_equilibrium_the_front_door_finds():
    # notebook 07 (claim 1) says that, by contained_violence's method (the 2x2 game of the two strategies,
    # values from a calm week), the contained exchange risk-dominates the mutual-restraint and US-withdrawal
    # equilibria the front door finds at the calibration too, not only mutual escalation: check it
    from pathlib import Path
    import nbformat
    from deterrence.models.us_iran_exchange import _name, reached_states
    from deterrence.models.us_iran_exchange_report import _combine
    model, contained, start = exchange_model(), contained_profile(), "calm/quiet"
    rivals = set()
    for eq in dt.solve(dt.load_game("us_iran_exchange")):
        rival = {s: tuple(eq.action(s, p) for p in PLAYERS) for s in TRANSIENT}
        name = _name(rival, reached_states(model, rival))
        if name == "contained exchange":
            continue
        rivals.add(name)
        V = {(a, b): model.values_of(_combine(pa, pb))[start]
             for a, pa in (("C", contained), ("R", rival)) for b, pb in (("C", contained), ("R", rival))}
        nash_contained = (V["C", "C"][0] - V["R", "C"][0]) * (V["C", "C"][1] - V["C", "R"][1])
        nash_rival = (V["R", "R"][0] - V["C", "R"][0]) * (V["R", "R"][1] - V["R", "C"][1])
        assert nash_contained > nash_rival, name
    assert {"mutual restraint (war threatened if attacked)", "US withdrawal", "mutual escalation"} <= rivals
    cells = nbformat.read(Path(__file__).parents[1] / "notebooks" / "07_report_and_maps.ipynb", as_version=4).cells
    text = " ".join(c.source for c in cells)
    assert "risk-dominates each of them too" in text and "weigh these two only" in text


def test_a_parameter_name_the_case_files_share_means_one_quantity():
    """r_us was the US value of answering (the calibration's b_us) in us_iran_israel and the cost to
    Iran of a US answer (c_iran) in proxy_target_selection: us_iran_israel now says b_us."""
    from deterrence.models.us_iran_calibration import SHARED_NAMES
    assert SHARED_NAMES["us_iran_israel"]["b_us"] == "b_us" and "r_us" not in SHARED_NAMES["us_iran_israel"]
    assert SHARED_NAMES["proxy_target_selection"]["r_us"] == "c_iran"
    israel = dt.load_game("us_iran_israel")
    assert "b_us" in israel.parameters and "r_us" not in israel.parameters
    # the US answers an attack when answering's value passes its cost less the audience cost (k_us - a_us = 7/3)
    assert [e.support("US") for e in dt.solve(israel)] == [("hold",)]
    assert [e.support("US") for e in dt.solve(israel.with_parameters(b_us=3))] == [("retaliate",)]


def test_every_case_file_lists_its_names_in_the_naming_table():
    """CASE_PARAMETERS lists every parameter of every case file, and nothing else (so a new name
    must say which quantity it names)."""
    from deterrence.models.us_iran_calibration import CASE_MEANINGS, CASE_PARAMETERS
    from deterrence.io.catalogue import catalogue_names
    us_iran = {n for n in catalogue_names() if {"US", "Iran"} <= set(getattr(dt.load_game(n), "players", ()))}
    assert set(CASE_PARAMETERS) == us_iran
    for name, table in CASE_PARAMETERS.items():
        assert set(table) == set(dt.load_game(name).parameters), name
        assert set(table.values()) <= set(CASE_MEANINGS), name


def test_one_parameter_name_means_one_quantity_in_every_case_file():
    """c_us was the US cost of being hit in us_iran_stage, us_iran_exchange and us_iran_israel and
    the US audience cost of a deadly attack (the calibration's D) in proxy_target_selection; a_iran
    was A in us_iran_israel; a and s meant other things in the proxy tree than in the ladder and
    January 2020."""
    from deterrence.models.us_iran_calibration import CASE_MEANINGS, CASE_PARAMETERS
    meaning = {}
    for file, table in CASE_PARAMETERS.items():
        for name, quantity in table.items():
            assert meaning.setdefault(name, (quantity, file))[0] == quantity, (
                f"{name} names {quantity} in {file} but {meaning[name][0]} in {meaning[name][1]}")
    # a file's own description of a shared name agrees with the table's unit: a chance is a probability
    for file, table in CASE_PARAMETERS.items():
        game = dt.load_game(file).with_defaults()
        for name, quantity in table.items():
            if CASE_MEANINGS[quantity][1].startswith("probability"):
                assert 0 <= Fraction(str(game.parameters[name])) <= 1, (file, name)
    for file in ("us_iran_stage", "us_iran_exchange", "us_iran_israel"):
        assert CASE_PARAMETERS[file]["c_us"] == "c_us"
    proxy = dt.load_game("proxy_target_selection")
    assert "c_us" not in proxy.parameters and CASE_PARAMETERS["proxy_target_selection"]["D"] == "D"
    assert CASE_PARAMETERS["us_iran_israel"]["A"] == "A" and "a_iran" not in dt.load_game("us_iran_israel").parameters


def test_one_stem_names_one_kind_of_quantity_in_every_case_file():
    """A name's stem (before its first "_") says one kind of quantity (CASE_STEMS): January 2020's
    chance of deaths was k beside the strike costs k_us and k_is, its missile cost s beside Israel's
    strike gain s_isr, the proxy tree's audience cost c_is beside the costs of being hit c_us and
    c_iran, and us_iran_israel's escalation risk e_iran (payoff units) beside the chances e_is, e_us."""
    from deterrence.models.us_iran_calibration import CASE_MEANINGS, CASE_PARAMETERS, CASE_STEMS, name_stem
    for file, table in CASE_PARAMETERS.items():
        for name, quantity in table.items():
            stem = name_stem(name)
            if len(stem) > 1:           # a word (motive_rate, us_misfire): its meaning is its own
                continue
            assert stem in CASE_STEMS, (file, name)
            words, unit = CASE_STEMS[stem]
            meaning, its_unit = CASE_MEANINGS[quantity]
            assert re.search(words, meaning) and its_unit.startswith(unit), (
                f"{file}: {name} ({meaning}, {its_unit}) is not a {stem} ({words}, {unit})")
    jan, proxy, israel = (dt.load_game(f).parameters for f in ("january_2020", "proxy_target_selection",
                                                              "us_iran_israel"))
    assert "k" not in jan and jan["p"] == Fraction(1, 5)
    assert "c_is" not in proxy and "a_is" in proxy and {"s_isr", "e_iran"}.isdisjoint(israel)


def test_a_file_describes_a_us_and_D_as_the_calibration_does():
    """The stage file called a_us the audience cost of "not answering an attack", where the calibration
    (and us_iran_israel, us_iran_exchange) says an attack that killed no American: D is the cost for
    one that killed Americans. The symmetric ladder's a (both sides' value) is left out."""
    from deterrence.models.us_iran_calibration import CASE_PARAMETERS
    for file, table in CASE_PARAMETERS.items():
        notes = dt.load_game(file).extra["parameter_notes"]
        for name, quantity in table.items():
            if quantity == "a_us" and name == "a_us":
                assert "killed no American" in notes[name], (file, notes[name])
            if quantity == "D":
                assert any(w in notes[name] for w in ("killed an American", "killed Americans", "US deaths")), (
                    file, notes[name])
    # the stage file's reasons for its defaults (its comment) say so too
    assert "killed\n  no American" in (catalogue_dir() / "us_iran_stage.toml").read_text()


def test_no_case_file_has_two_names_that_differ_only_in_case():
    """The proxy tree had d (damage to Iran) beside D (the US audience cost of a deadly attack)."""
    from deterrence.models.us_iran_calibration import CASE_PARAMETERS
    for file in CASE_PARAMETERS:
        folded = [n.lower() for n in dt.load_game(file).parameters]
        assert len(folded) == len(set(folded)), file


def test_one_quantity_has_one_name_but_for_the_stated_synonyms():
    from deterrence.models.us_iran_calibration import CASE_PARAMETERS, CASE_SYNONYMS
    names = {}
    for table in CASE_PARAMETERS.values():
        for name, quantity in table.items():
            names.setdefault(quantity, set()).add(name)
    several = {q: n for q, n in names.items() if len(n) > 1}
    assert set(several) == set(CASE_SYNONYMS)
    for quantity, others in several.items():
        main = quantity if quantity in others else None
        assert others - {main} == CASE_SYNONYMS[quantity][0], quantity


def test_shared_names_are_read_off_the_naming_table():
    from deterrence.models.us_iran_calibration import CASE_PARAMETERS
    for file, shared in SHARED_NAMES.items():
        assert shared == {n: q for n, q in CASE_PARAMETERS[file].items() if q in CALIBRATION}, file
        assert set(shared.values()) <= set(CALIBRATION), file


def test_the_calibration_page_shows_the_naming_table():
    from pathlib import Path
    from deterrence.models.us_iran_calibration import naming_table
    page = (Path(__file__).parents[1] / "docs" / "explanation" / "models" / "us_iran_calibration.md").read_text()
    assert naming_table() in page
    assert "`c_us` | US cost of being hit by a limited strike |" in naming_table()


def test_the_case_brief_the_code_cites_is_a_page_of_the_documentation():
    # a docs review: the report, the calibration and the notebooks cited "case brief
    # (shared/brief.md)", a file of the project's workspace that no user has
    import subprocess
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    tracked = subprocess.run(["git", "ls-files", "deterrence", "games", "docs", "notebooks", "README.md"],
                             cwd=root, capture_output=True, text=True, check=True).stdout.split()
    citing = [f for f in tracked if (root / f).is_file() and "shared/brief" in (root / f).read_text(errors="ignore")]
    assert citing == []
    page = (root / "docs" / "explanation" / "case-brief.md").read_text()
    assert page.startswith("# The case brief\n")
    assert "case-brief" in (root / "docs" / "explanation" / "index.md").read_text().split("```")[1]
    # its facts are the record's, and its six claims the report's
    assert "83 attacks on US personnel" in page and "21 January 2021" in page and "F-15E" in page
    claims = re.findall(r"^\d\. \*\*(.+?)\.\*\*", page, flags=re.M)
    assert claims == ["Contained violence", "Tit-for-tat", "Proxy target substitution", "Motives short of war",
                      "Miscalculation", "Stability needs a change of heart to break"]
    report = dt.explain(dt.us_iran_exchange_model())
    assert "case brief (docs):" in report.to_text()


def test_a_margin_is_the_loss_from_escalating_and_the_case_names_its_smallest_deviation_losses_otherwise():
    # one word, one meaning (stop 43): "margins" named a stage game's loss from escalating (explain's
    # margins section) and the case's smallest loss from any one-shot deviation; the case's is now
    # deviation_losses, margins its deprecated alias (same values), and the glossary defines both once
    import warnings
    from deterrence.models.us_iran_exchange_report import GLOSSARY, MARGINS_ALIAS, contained_violence
    model = exchange_model()
    eq = verify(model, contained_profile())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert eq.min_margin == eq.min_deviation_loss
    assert [w.category for w in caught] == [DeprecationWarning] and "min_deviation_loss" in str(caught[0].message)
    c = contained_violence(model)
    assert MARGINS_ALIAS == {"margins": "deviation_losses"} and c["margins"] == c["deviation_losses"]
    gains = model.deviation_gains(contained_profile())
    for p in PLAYERS:
        assert Fraction(c["deviation_losses"][p]) == min(-g for (_, q, _), g in gains.items() if q == p)
        # the margin against escalation is one deviation loss among all: never below the smallest
        assert Fraction(c["escalation_margins"][p]) >= Fraction(c["deviation_losses"][p]) > 0
    assert GLOSSARY["margin"].startswith("a side's margin against escalation: what it loses by escalating")
    entry = GLOSSARY["deviation loss"]
    assert "deviation_losses" in entry and "margin against escalation" in entry
    # no other entry gives "margin" a meaning of its own
    assert all("margin" not in t or w in ("margin", "deviation loss") for w, t in GLOSSARY.items())


def test_the_reversal_tipping_points_use_the_one_carrier_of_tipping_points(analysis):
    """reversal_tipping_points kept a shape of its own ({longest_expected_weeks, longest_expected_years,
    reversal_rate_per_week, now_expected_years}) beside every other tipping point's TippingPoint."""
    from deterrence.core.tipping import TippingPoint
    from deterrence.models.us_iran_regimes import IRAN_HAWKISH, reversal_tipping_point, reversal_weeks, stance_values
    rs = analysis.claims["change_of_heart"]["stance_switching"]
    tips = rs["reversal_tipping_points"]
    assert tips and all(isinstance(t, TippingPoint) for t in tips.values())
    tip = reversal_tipping_point(MODEL, IRAN_HAWKISH)
    assert tip == rs["reversal_tipping_points"][IRAN_HAWKISH]
    assert tip.threshold == Fraction(1, reversal_weeks(MODEL, IRAN_HAWKISH))
    assert tip.current == Fraction(stance_values()["stance_reversal_rate"])
    doc = exchange_report(analysis).to_json()
    shape = set(doc["change_of_heart"]["stance_switching"]["hawkish_W_iran_tipping_point"])
    for t in doc["change_of_heart"]["stance_switching"]["reversal_tipping_points"].values():
        assert set(t) == shape and t["parameter"] == "stance_reversal_rate" and t["exact"] is False


def test_the_report_says_margin_and_audience_cost_in_their_one_meaning(analysis):
    # a words review: claim 1's text gave the margins against escalation as "(escalation: US ...)", and the
    # glossary's "credible" called a_us "the cost of not answering", where a_us is the cost of leaving an
    # attack that killed no American unanswered (D: one that killed Americans)
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    report = exchange_report(analysis)
    cv = report.section("contained_violence")
    assert any("(margins against escalation: US " in line for line in cv.lines)
    assert "a_us when the attack killed no American, D when it killed Americans" in GLOSSARY["credible"]
    assert "the cost of not answering (a_us)" not in report.to_text()


def test_the_glossary_defines_the_contained_words_the_report_uses():
    # a words review: section 6 set "the contained violence of claim 1" apart from "the contained exchange, one
    # profile" and spoke of "the contained regime", and the glossary defined only the contained exchange
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    assert "claim 1" in GLOSSARY["contained violence"] and "one such profile" in GLOSSARY["contained violence"]
    assert GLOSSARY["contained regime"].startswith("the stances of the stance-switching game")
    assert {"contained exchange", "contained violence", "contained regime"} <= set(GLOSSARY)


def test_deprecated_keys_keep_their_values_and_a_name_keeps_one_number(analysis):
    # a words review: claim 2's answers_per_attack (22/1809, the long-run rate at peace) beside the predictions'
    # answers_per_attack (0.01205, the chain over the record's span): one name, two numbers
    from deterrence.models.us_iran_exchange_report import DEPRECATED_KEYS
    doc = exchange_report(analysis).to_json()
    for former, new in DEPRECATED_KEYS.items():
        *path, key = former.split(".")
        places = [doc]
        for step in path:
            places = [x for p in places for x in (p.values() if step == "*" else [p[step]])]
        assert places and all(p[key] == p[new] for p in places), former
    # "per year" is a rate a year; the first-year probability from a calm week has its own name (the
    # formulas' "P(war within a year)", 2.45%, is the long-run one; section 5's 2.39% the first year's)
    mc = doc["miscalculation"]
    assert 0 < mc["war_probability_first_year"] < 1 and "war_probability_first_year" in DEPRECATED_KEYS.values()
    text = exchange_report(analysis).to_text()
    assert f"probability of war: {_percent(mc['war_probability_first_year'])} within the first year from a calm week" \
        in text
    at_peace, chain = doc["tit_for_tat"]["answers_per_attack_at_peace"], doc["predicted"]["answers_per_attack"]
    assert Fraction(at_peace) == Fraction(doc["calibration"]["deadly_fraction"]["value"]) != Fraction(chain)
    assert DEPRECATED_KEYS["tit_for_tat.answers_per_attack"] == "answers_per_attack_at_peace"


def _deprecated_paths():
    from deterrence.models.us_iran_exchange_report import DEPRECATED_KEYS
    return {tuple(former.split(".")) for former in DEPRECATED_KEYS}


def _walk(doc, path=()):
    """(path, value) of every key of a JSON document, lists walked by index."""
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for k, v in items:
        yield path + (k,), v
        yield from _walk(v, path + (k,))


def _is_deprecated(path, deprecated):
    return any(len(d) <= len(path) and all(a in ("*", b) for a, b in zip(d, path)) for d in deprecated)


def test_predicted_war_probabilities_keep_the_case_issues_shape():
    # issue 13 fixed the interface: "predicted" carries "war_probability" with "horizon_months". A words review
    # (stop 44) made it a float under a new name and deprecated it; the interface stays, and each probability of
    # war in "predicted" is such an object, its horizon given; the sections that give the 26-month probability as a
    # number call it war_probability_26_months, and it is the same number
    from deterrence.models.us_iran_exchange_report import DEPRECATED_KEYS, us_iran_exchange_model
    model = us_iran_exchange_model()            # the report's default: fitted to the record
    doc = model.report(model.analyse()).to_json()
    predicted = doc["predicted"]
    assert set(predicted["war_probability"]) == {"value", "horizon_months"}
    assert predicted["war_probability"]["horizon_months"] == 26
    assert predicted["war_probability_10_years"]["horizon_months"] == 120
    assert "war_probability_26_months" not in predicted
    assert not [k for k in DEPRECATED_KEYS if k.startswith("predicted.war_probability")]
    war26 = predicted["war_probability"]["value"]
    assert war26 == doc["fit"]["predictions"]["war_probability_26_months"]["value"]
    assert 0 <= war26 < predicted["war_probability_10_years"]["value"] <= 1


def test_risk_is_said_of_risk_dominance_only_and_a_chance_is_a_probability(analysis):
    # a words review: section 5 said "war risk: 2.39% within the first year" and "the misfire risk in a window"
    # beside "probability of war" and "misfire probability" for the same quantities; the glossary defines a war
    # probability, and risk is the word of risk dominance (claim 1)
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    rep = exchange_report(analysis)
    for section in rep.sections:
        if section.key == "glossary":
            continue
        for line in section.lines:
            for m in re.finditer(r"\brisks?\b", line):
                assert line[m.end():].startswith(" dominan"), (section.key, line)
    assert "risk dominance" in GLOSSARY["risk"] and "probability" in GLOSSARY["risk"]
    text = rep.to_text()
    assert "misfire probability in a window" in text and "probability of war: " in text
    deprecated = _deprecated_paths()
    keys = {p[-1] for p, _ in _walk(rep.to_json()) if isinstance(p[-1], str) and p[0] != "glossary"
            and not _is_deprecated(p, deprecated)}
    assert {k for k in keys if "risk" in k} == {"risk_dominant"}, keys
    assert rep.to_json()["miscalculation"]["all_war_from_misfires"] is True


def test_a_regime_is_the_kind_of_equilibrium_played_and_a_stance_a_stance(analysis):
    # a words review: "regime" named the kind of equilibrium played (equilibrium.regime, the contained regime, the
    # maps) and a political stance (claim 6's "regime switching: ... each side changes its stance")
    from deterrence.models.us_iran_exchange_report import DEPRECATED_KEYS, GLOSSARY
    rep = exchange_report(analysis)
    doc = rep.to_json()
    assert "kind of equilibrium played" in GLOSSARY["regime"] and "never a regime" in GLOSSARY["regime"]
    assert "regime-switching" not in GLOSSARY["contained regime"]
    for section in rep.sections:
        if section.key != "glossary":
            for line in section.lines:
                assert not re.search(r"regime[ -]switching", line), (section.key, line)
    assert "stance switching: from the status quo each side changes its stance" in rep.to_text()
    ch = doc["change_of_heart"]
    assert ch["stance_switching"] == ch["regime_switching"] and ch["stance_switching"]["contained_in"]
    assert DEPRECATED_KEYS["change_of_heart.regime_switching"] == "stance_switching"
    assert doc["equilibrium"]["regime"] == "contained"      # the kind of equilibrium played: the glossary's regime


def test_the_words_the_case_brief_page_says_the_glossary_defines_are_in_it():
    # a words review: docs/explanation/case-brief.md says "war, red line, restraint, tit-for-tat, ... are defined
    # once in the glossary", and the glossary had no tit-for-tat (claim 2's cycles beside the strategy tit_for_tat)
    from pathlib import Path
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    page = (Path(__file__).parents[1] / "docs" / "explanation" / "case-brief.md").read_text()
    listed = re.search(r"The words the models use for these ideas \(([^)]*)\)", page.replace("\n", " ")).group(1)
    words = [w.strip() for w in listed.split(",") if w.strip() not in ("", "...")]
    assert "tit-for-tat" in words and all(w in GLOSSARY for w in words), words
    assert "tit_for_tat" in GLOSSARY["tit-for-tat"] and "section 2" in GLOSSARY["tit-for-tat"]


def test_the_reports_claims_made_at_the_calibration_say_so_when_its_values_differ(capsys):
    """The equilibria section said the front door "finds more pure MPE: at the calibration" and the
    tipping points were "of the calibration" whatever --set (or the fit) changed: the search was
    run at the calibration, the tipping points at the report's values. Each says what holds."""
    from deterrence.cli import main
    assert main(["report", "--no-fit"]) == 0
    text = capsys.readouterr().out
    assert "finds more pure MPE: at the calibration, named" in text
    assert "tipping points of the calibration (where" in text
    assert main(["report", "--no-fit", "--set", "W_iran=60"]) == 0
    text = capsys.readouterr().out
    assert "finds more pure MPE: at the calibration (not searched at this report's values of W_iran), named" in text
    assert "tipping points at this report's values (where" in text and "of the calibration (where" not in text
    assert main(["report", "--no-fit", "--set", "W_iran=60", "--json"]) == 0
    search = json.loads(capsys.readouterr().out)["equilibrium"]["search"]["description"]
    assert "not searched at this report's values of W_iran" in search
