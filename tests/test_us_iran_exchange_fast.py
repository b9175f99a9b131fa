"""The fast path of the US–Iran exchange model against its reference path (issue 18, goal 13a).

The fast path solves each model on its own outcome tables in python-flint rationals, shares
the chain of play between models that differ only in payoffs, and reuses the fit to the
record across payoff values; ``reference_path()`` gives the toolkit's generic exact solvers
on each model's own game, as before. Both are exact: every number must agree.
"""
from __future__ import annotations

import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deterrence.models.us_iran_calibration import CALIBRATION, MODEL_CALIBRATION
from deterrence.models.us_iran_exchange import (ACTIONS, CHAIN_PARAMETERS, STATES, TRANSIENT, _FLAT,
                                                _outcome_tables, contained_profile, exchange_model,
                                                markov_perfect_equilibria, play_statistics, reference_path,
                                                verify, mutual_escalation_profile)

fractions = st.fractions(min_value=0, max_value=1, max_denominator=400)
calibrations = st.fixed_dictionaries({
    "W_iran": st.integers(-5, 120), "W_us": st.integers(0, 60), "A": st.fractions(0, 10, max_denominator=7),
    "k_us": st.fractions(0, 6, max_denominator=9), "misfire": fractions.filter(lambda x: x < 1),
    "deadly_fraction": fractions, "israeli_strike_rate": fractions.filter(lambda x: x < 1),
    "motive_rate": fractions, "annual_discount_rate": st.fractions(Fraction(1, 100), 2, max_denominator=100)})
profiles = st.fixed_dictionaries({s: st.tuples(st.sampled_from(ACTIONS["US"]), st.sampled_from(ACTIONS["Iran"]))
                                  for s in TRANSIENT})


@settings(max_examples=25, deadline=None)
@given(calibrations)
def test_outcome_tables_are_the_games(values):
    """The tables built from the model's rules equal the generic game's (expected over the noise)."""
    model = exchange_model(**values)
    fl, delta, pay, nxt = _outcome_tables(model)
    assert Fraction(int(delta.p), int(delta.q)) == model.delta
    game = model.stochastic_game
    for s in STATES:
        table = game.outcome_table(s)
        for u in ACTIONS["US"]:
            for i in ACTIONS["Iran"]:
                prof = (ACTIONS["US"].index(u), ACTIONS["Iran"].index(i)) if s in TRANSIENT else (0, 0)
                want_pay, want_next = table[prof]
                flat = _FLAT[(s, u, i)]
                assert [Fraction(int(x.p), int(x.q)) for x in pay[flat]] == [Fraction(x) for x in want_pay]
                got_next = [0] * len(STATES)
                for t, q in nxt[flat]:
                    got_next[t] = Fraction(int(q.p), int(q.q))
                assert got_next == [Fraction(x) for x in want_next]


@settings(max_examples=25, deadline=None)
@given(calibrations, profiles)
def test_values_gains_and_verification_agree_with_the_reference_path(values, profile):
    for prof in (profile, contained_profile(), mutual_escalation_profile()):
        model = exchange_model(**values)
        fast = (model.values_of(prof), model.deviation_gains(prof), verify(model, prof))
        with reference_path():
            model = exchange_model(**values)      # a fresh model: no table kept from the fast path
            assert (model.values_of(prof), model.deviation_gains(prof), verify(model, prof)) == fast


@settings(max_examples=10, deadline=None)
@given(calibrations)
def test_equilibrium_search_and_chain_agree_with_the_reference_path(values):
    fast = markov_perfect_equilibria(exchange_model(**values))
    stats = play_statistics(exchange_model(**values), contained_profile(), 113)
    with reference_path():
        assert markov_perfect_equilibria(exchange_model(**values)) == fast
        assert play_statistics(exchange_model(**values), contained_profile(), 113) == stats


@pytest.mark.parametrize("name", sorted(set(MODEL_CALIBRATION) - set(CHAIN_PARAMETERS) - {"round_days"}))
def test_chain_parameters_are_all_the_chain_depends_on(name):
    """Changing any other calibration value leaves every transition and the noise as they are,
    so models with the same chain_key may share the chain of play and the fit to the record."""
    base = exchange_model()
    x = base.v[name]
    # another value in the parameter's range (a probability stays in [0, 1])
    halved = name == "annual_discount_rate" or CALIBRATION[name].bounds is not None
    other = exchange_model(**{name: x / 2 if halved else x + 1})
    assert other.v[name] != x
    for s in STATES:
        for u in ACTIONS["US"]:
            for i in ACTIONS["Iran"]:
                assert other.transition(s, u, i) == base.transition(s, u, i)
    for player in ACTIONS:
        for a in ACTIONS[player]:
            assert other.realised(player, a) == base.realised(player, a)


@pytest.mark.parametrize("overrides", [{"W_iran": 15}, {"W_iran": 61, "m": 7}])
def test_fitted_report_is_the_reference_paths_at_slider_values(overrides):
    """The report of the fitted case model (what ``explain`` prints), at payoff values other than
    the calibration's, with the fit reused: every number and every line as on the reference path."""
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    us_iran_exchange_model().analyse()         # the calibration's fit, which the slider values reuse
    model = us_iran_exchange_model(**overrides)
    fast = model.report(model.analyse())
    with reference_path():
        reference = model.report(model.analyse())
    assert json.dumps(fast.to_json(), sort_keys=True) == json.dumps(reference.to_json(), sort_keys=True)
    assert fast.to_text() == reference.to_text()


def test_fit_is_reused_across_payoffs_but_not_across_the_chain():
    from deterrence.models import us_iran_exchange_fit as fit_module
    first = fit_module.fit_to_record(W_iran=33)
    assert fit_module.fit_to_record(W_iran=34).estimates == first.estimates
    with reference_path():
        reference = fit_module.fit_to_record(W_iran=34)
    assert fit_module.fit_to_record(W_iran=34) == reference
    assert fit_module.fit_to_record(W_iran=34, misfire="1/800").estimates != first.estimates


@pytest.mark.parametrize("override", [{"motive_rate": Fraction(3, 2)}, {"deadly_fraction": 2}, {"misfire": -1}])
def test_fast_path_refuses_probabilities_outside_0_1_as_the_reference_path_does(override):
    """A chain parameter that is no probability is a GameError on both paths (the fast path's own
    tables had given a verification at motive_rate = 3/2)."""
    from deterrence.errors import GameError
    with reference_path(), pytest.raises(GameError) as reference:
        verify(exchange_model(**override), contained_profile())
    with pytest.raises(GameError) as fast:
        verify(exchange_model(**override), contained_profile())
    assert str(fast.value) == str(reference.value)


@pytest.mark.parametrize("acts", [("nuke", "hold"), ("hold",), ("hold", "hold", "hold")])
def test_fast_path_names_a_bad_action_as_the_reference_path_does(acts):
    """An unknown action or a wrong number of them in a profile is the reference path's
    GameError on the fast path too (its tables had raised a bare KeyError)."""
    from deterrence.errors import GameError
    profile = {**contained_profile(), "calm/quiet": acts}
    with reference_path(), pytest.raises(GameError) as reference:
        verify(exchange_model(), profile)
    with pytest.raises(GameError) as fast:
        verify(exchange_model(), profile)
    assert str(fast.value) == str(reference.value)


def test_a_model_built_from_floats_is_the_exact_models_on_both_paths():
    """ExchangeModel built directly with float values holds exact ones (0.1 is 1/10, as
    exchange_model reads it): the fast path's tables had failed on a float (review)."""
    from deterrence.models.us_iran_exchange import ExchangeModel
    exact = exchange_model(misfire=Fraction(1, 10), b_us=3)
    floats = ExchangeModel(tuple((k, 0.1 if k == "misfire" else 3.0 if k == "b_us" else v)
                                 for k, v in reversed(exact.values)))
    assert floats.values == exact.values and floats == exact
    assert all(type(v) is not float for _, v in floats.values)
    fast = floats.values_of(contained_profile())
    with reference_path():
        assert floats.values_of(contained_profile()) == fast == exact.values_of(contained_profile())


# -- claims 4 and 6: the regime-switching products composed from the stances' tables ------------
stance_overrides = st.fixed_dictionaries({
    "hawkish_W_iran": st.integers(-5, 80), "hawkish_A": st.fractions(0, 12, max_denominator=5),
    "gloves_off_k_us": st.fractions(0, 6, max_denominator=7), "stance_reversal_rate": fractions,
    "low_support_presence_value": st.fractions(-3, 8, max_denominator=5),
    "support_loss_per_deadly_strike": fractions, "support_recovery_rate": fractions})


@settings(max_examples=15, deadline=None)
@given(calibrations, stance_overrides, profiles, profiles)
def test_product_gains_are_the_product_games(values, stance, first, second):
    """Every one-shot gain composed from the stances' tables equals ``one_shot_gains`` of the
    product game built by ``regime_switching``, in the same order (claims 6 and 4, any profiles)."""
    from deterrence.models import us_iran_regimes as regimes
    from deterrence.models.us_iran_product import product_gains, switching_rows
    from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
    model = exchange_model(**values)
    sv = regimes.stance_values(**stance)
    rs = regimes.change_of_heart_game(model, sv)
    play = dict(zip(rs.stances, (first, second, contained_profile())))
    changes, switching = regimes._change_of_heart_parts(model, sv, None, None)
    models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
    rows = switching_rows(models, switching)
    fast = product_gains(models, lambda s: rows, play)
    reference = one_shot_gains(rs.game, rs.lift(play))
    assert list(fast.items()) == [(k, g) for k, g in reference.items() if k[0] in {s for s, _, _ in fast}]
    assert len({s for s, _, _ in fast}) == 3 * len(TRANSIENT)
    play = {regimes.SUPPORT_HIGH: first, regimes.SUPPORT_LOW: second}
    fast = regimes._support_gains(model, sv, sv["low_support_presence_value"], play)
    with reference_path():
        assert regimes._support_gains(model, sv, sv["low_support_presence_value"], play) == fast


@settings(max_examples=5, deadline=None)
@given(calibrations, stance_overrides)
def test_regime_tipping_points_agree_with_the_reference_path(values, stance):
    """The reversal and hawkish-cost tipping points (claim 6) and the low-presence continuation
    (claim 4): bisection steps and pieces checked on composed tables, as on the product games."""
    from deterrence.models import us_iran_regimes as regimes
    model = exchange_model(**values)
    sv = regimes.stance_values(**stance)
    withdrawing = {s: ("withdraw", a[1]) for s, a in contained_profile().items()}
    profiles = {regimes.SUPPORT_HIGH: contained_profile(), regimes.SUPPORT_LOW: withdrawing}

    def tips():
        return (regimes.reversal_weeks(model, regimes.IRAN_HAWKISH, sv, longest_weeks=400),
                regimes.hawkish_cost_tipping_point(model, sv),
                regimes.low_presence_tipping_point(model, profiles, sv, pieces=4))
    fast = tips()
    with reference_path():
        assert tips() == fast


@pytest.mark.parametrize("w_iran", [20, 21])
def test_hawkish_tipping_point_where_the_war_states_merge(w_iran):
    """At W_iran = 20 (the hawkish value) the two stances' wars are worth the same and the product
    merges them, at 21 (the second evaluation) it does not: the gains had different keys and the
    crossing raised KeyError ('war', 'US', 'hold'), so the report failed at these slider values."""
    from deterrence.models import us_iran_regimes as regimes
    fast = regimes.hawkish_cost_tipping_point(exchange_model(W_iran=w_iran))
    with reference_path():
        assert regimes.hawkish_cost_tipping_point(exchange_model(W_iran=w_iran)) == fast
    assert fast < 20      # a crossing below the hawkish value (20)


@settings(max_examples=8, deadline=None)
@given(calibrations, stance_overrides, profiles)
def test_product_equilibrium_search_is_the_toolkits(values, stance, other):
    """The equilibrium search of claims 6 and 4 on composed gains finds what
    regime_switching_equilibria finds on the product games, in the same order."""
    from deterrence.models import us_iran_regimes as regimes
    from deterrence.solvers.stochastic.regime_switching import regime_switching_equilibria
    model = exchange_model(**values)
    sv = regimes.stance_values(**stance)
    C = contained_profile()
    rs = regimes.change_of_heart_game(model, sv)
    starts = [{k: C for k in rs.stances}, {k: other for k in rs.stances},
              {regimes.STATUS_QUO: C, regimes.IRAN_HAWKISH: mutual_escalation_profile(), regimes.US_GLOVES_OFF: other}]
    changes, switching = regimes._change_of_heart_parts(model, sv, None, None)
    assert regimes._equilibria(rs, model, changes, switching, {}, starts) == regime_switching_equilibria(rs, starts)
    rs = regimes.support_game(model, sv)
    starts = [{regimes.SUPPORT_HIGH: C, regimes.SUPPORT_LOW: regimes._withdrawing_profile()},
              {regimes.SUPPORT_HIGH: other, regimes.SUPPORT_LOW: C}]
    changes, switching, after_deadly = regimes._support_parts(sv, None)
    assert (regimes._equilibria(rs, model, changes, switching, after_deadly, starts)
            == regime_switching_equilibria(rs, starts))


def test_claims_4_and_6_share_a_product_game_across_payoffs_as_the_reference_path_computes_them():
    """One product game serves every model with the same chain, rows and merged states (payoffs
    read from the stances' tables): claims 6 and 4 at W_iran 40, then 41 (shared), then 20 (the
    wars merge: another structure) equal the reference path's, which builds every product."""
    from deterrence.models import us_iran_regimes as regimes
    for w in (40, 41, 20):
        model = exchange_model(W_iran=w)
        fast = (regimes.change_of_heart_regimes(model), regimes.attrition(model, 0.74))
        with reference_path():
            assert (regimes.change_of_heart_regimes(model), regimes.attrition(model, 0.74)) == fast


@settings(max_examples=6, deadline=None)
@given(calibrations)
def test_misfire_tipping_point_agrees_with_the_reference_path(values):
    """The misfire bisection (about 30 new chains, each checked without a generic game when its
    probabilities are in [0, 1], and without naming the profile) ends where the reference path's does."""
    from deterrence.models.us_iran_exchange_report import misfire_tipping_entry
    model = exchange_model(**values)
    fast = misfire_tipping_entry(model)
    with reference_path():
        assert misfire_tipping_entry(exchange_model(**values)) == fast


@pytest.mark.parametrize("edge", [{"misfire": 1}, {"us_misfire": 1}, {"misfire": 0, "us_misfire": 0},
                                  {"deadly_fraction": 0}, {"deadly_fraction": 1}, {"israeli_strike_rate": 0},
                                  {"israeli_strike_rate": 1}, {"motive_rate": 0}, {"motive_rate": 1},
                                  {"change_of_heart_rate": 1}])
def test_whole_analysis_at_the_ends_of_the_probabilities_is_the_reference_paths(edge):
    """The random calibrations above stop short of misfire 1 (every militia strike escalates:
    retaliate and escalate tie for Iran, the searches' tie rules decide) and rarely reach a
    probability's ends, where states drop out of the chain: the whole analysis, claims included,
    on both paths."""
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    fast = us_iran_exchange_model(fitted=False, **edge).analyse()
    with reference_path():
        assert us_iran_exchange_model(fitted=False, **edge).analyse() == fast


def test_clear_model_caches_empties_every_cache_the_slider_fills():
    from deterrence.models import us_iran_exchange, us_iran_exchange_fit
    from deterrence.models.us_iran_exchange_fit import fit_to_record
    from deterrence.models.us_iran_exchange_report import clear_model_caches
    first = fit_to_record()
    assert us_iran_exchange_fit._FITS and us_iran_exchange._STATISTICS
    clear_model_caches()
    assert not us_iran_exchange_fit._FITS and not us_iran_exchange._STATISTICS and not us_iran_exchange._TABLES
    assert fit_to_record() == first                       # computed again, the same fit


def test_product_gains_do_not_depend_on_the_identity_of_the_rows():
    """``product_solution`` keeps each switching row's parts by the row's ``id()``: rows built
    anew on every call (one freed while the next is built, so CPython may hand a later one the
    same address) give the same gains as shared ones, with rows that differ by state (claim 4's
    support game: other rows after a deadly strike)."""
    import copy
    from deterrence.models import us_iran_regimes as regimes
    from deterrence.models.us_iran_product import product_gains, switching_rows
    model = exchange_model()
    sv = regimes.stance_values()
    changes, switching, after_deadly = regimes._support_parts(sv, sv["low_support_presence_value"])
    models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
    rows = switching_rows(models, switching)
    deadly = {s: switching_rows(models, table) for s, table in after_deadly.items()}
    assert deadly and all(r != rows for r in deadly.values())      # the rows do differ by state
    play = {k: contained_profile() for k in models}
    shared = product_gains(models, lambda s: deadly.get(s, rows), play)
    fresh = product_gains(models, lambda s: copy.deepcopy(deadly.get(s, rows)), play)
    assert fresh == shared


def test_payoffs_read_none_of_the_chains_values():
    """The realised payoffs are kept per payoff values, shared by models whose chains differ (the
    misfire bisection's): that holds only while the payoff rules read no chain value. Read
    without them, every payoff is the model's own."""
    from types import SimpleNamespace

    from deterrence.models.us_iran_exchange import ExchangeModel
    model = exchange_model(W_iran=37, misfire=Fraction(1, 30))
    without_chain = SimpleNamespace(_v={k: x for k, x in model._v.items() if k not in CHAIN_PARAMETERS})
    for s in STATES:
        for u in ACTIONS["US"]:
            for i in ACTIONS["Iran"]:
                assert ExchangeModel.payoff(without_chain, s, u, i) == model.payoff(s, u, i)


@pytest.mark.parametrize("misfire", [Fraction(0), Fraction(1, 7), Fraction(1, 20)])
def test_outcome_tables_of_chains_sharing_their_payoffs_are_the_games(misfire):
    """Models that differ only in the noise share their realised payoffs: each one's tables are
    still its own game's, whichever filled the shared payoffs first (with misfire 0 no retaliation
    misfires, so the later ones ask for realised profiles the first did not)."""
    from deterrence.models import us_iran_exchange
    first = exchange_model(W_iran=41, misfire=Fraction(0))
    _outcome_tables(first)
    model = exchange_model(W_iran=41, misfire=misfire)
    fl, delta, pay, nxt = _outcome_tables(model)
    assert us_iran_exchange._REALISED_PAYOFFS
    game = model.stochastic_game
    for s in TRANSIENT:
        table = game.outcome_table(s)
        for u in ACTIONS["US"]:
            for i in ACTIONS["Iran"]:
                want_pay, _ = table[(ACTIONS["US"].index(u), ACTIONS["Iran"].index(i))]
                assert [Fraction(int(x.p), int(x.q)) for x in pay[_FLAT[(s, u, i)]]] == [Fraction(x) for x in want_pay]
