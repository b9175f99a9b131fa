"""Strategy frequency estimation: recovery of known shares from simulated play, the 2023 events,
stochastic candidates, and errors."""
import json
import math

import numpy as np
import pytest

from deterrence import load_game
from deterrence.core.strategies import strategy
from deterrence.errors import GameError
from deterrence.io.events_csv import load_example_events
from deterrence.solvers.inference.sfem import SFEMResult, estimate_strategy_mixture, simulate_histories

GAME = load_game("us_iran_stage")
OPPONENTS = {"always_hold": 0.3, "hawk": 0.3, "tit_for_tat": 0.2, "limited_retaliation": 0.2}


@pytest.fixture(scope="module")
def simulated():
    return simulate_histories(GAME, {"tit_for_tat": 0.6, "grim_trigger": 0.4}, OPPONENTS,
                              matches=300, turns=20, tremble=0.05, seed=2026, return_types=True)


def test_recovers_known_shares(simulated):
    hist, types = simulated
    assert len(hist) == 300 and all(len(o) == len(p) == 20 for o, p in hist)
    r = estimate_strategy_mixture(hist, GAME, ["tit_for_tat", "grim_trigger", "always_hold",
                                               "always_escalate"])
    assert isinstance(r, SFEMResult)
    assert math.isclose(sum(r.shares), 1, abs_tol=1e-9)
    for name, true in (("tit_for_tat", 0.6), ("grim_trigger", 0.4)):
        k = r.strategies.index(name)
        se = r.standard_errors[k]
        assert 0.01 < se < 0.08, (name, se)            # about sqrt(0.24/300) = 0.028
        assert abs(r.shares[k] - true) < 3 * se, (name, r.shares[k], se)
    # the sample's own type frequencies are matched even more closely
    assert abs(r.share("tit_for_tat") - types.count(0) / len(types)) < 0.03
    assert r.share("always_hold") < 0.02 and r.share("always_escalate") < 0.02
    assert r.gamma_estimated and 0.001 < r.gamma_se < 0.02
    assert abs(r.gamma - 0.05) < 3 * r.gamma_se
    # posteriors classify almost every match correctly
    post = np.array(r.posteriors)
    guess = post[:, :2].argmax(axis=1)
    assert (guess == np.array(types)).mean() > 0.9
    assert r.n_matches == 300 and r.n_observations == 6000
    assert r.aic == pytest.approx(2 * 4 - 2 * r.loglik)
    assert r.bic == pytest.approx(4 * math.log(300) - 2 * r.loglik)


def test_fixed_tremble_and_true_model_fits_better(simulated):
    hist, _ = simulated
    fixed = estimate_strategy_mixture(hist, GAME, ["tit_for_tat", "grim_trigger"], tremble=0.05)
    assert not fixed.gamma_estimated and fixed.gamma == 0.05 and math.isnan(fixed.gamma_se)
    assert abs(fixed.share("tit_for_tat") - 0.6) < 3 * fixed.standard_errors[0]
    # standard errors of the two shares agree (one free parameter)
    assert fixed.standard_errors[0] == pytest.approx(fixed.standard_errors[1])
    wrong = estimate_strategy_mixture(hist, GAME, ["always_hold", "always_escalate"], tremble=0.05)
    assert wrong.loglik < fixed.loglik - 100 and wrong.aic > fixed.aic


def test_the_player_side_and_automata_objects():
    # Iran's side (player 1), candidates given as Automaton objects and a file-defined automaton
    hist = simulate_histories(GAME, {"contained_tit_for_tat": 0.7, "always_hold": 0.3},
                              {"hawk": 0.5, "always_hold": 0.5}, player="Iran", matches=200,
                              turns=15, tremble=0.04, seed=5)
    cands = [strategy("always_hold", GAME, 1), "contained_tit_for_tat", strategy("hawk", GAME, 1)]
    r = estimate_strategy_mixture(hist, GAME, cands, player="Iran")
    assert r.player == "Iran" and r.strategies == ("always_hold", "contained_tit_for_tat", "hawk")
    se = r.standard_errors[1]
    assert abs(r.share("contained_tit_for_tat") - 0.7) < 3 * se + 0.01
    with pytest.raises(GameError, match="not built for player"):
        estimate_strategy_mixture(hist, GAME, [strategy("hawk", load_game("prisoners_dilemma"), 1)],
                                  player="Iran")


def test_stochastic_candidate_generous_tft():
    # GTFT forgives (holds after a strike) with probability 1/10
    hist = simulate_histories(GAME, {"generous_tit_for_tat": 1}, {"hawk": 0.5, "tit_for_tat": 0.5},
                              matches=150, turns=20, tremble=0.02, seed=11)
    r = estimate_strategy_mixture(hist, GAME, ["tit_for_tat", "generous_tit_for_tat"])
    assert r.share("generous_tit_for_tat") > 0.8
    # with no tremble at all, the stochastic candidate alone still makes the data possible
    clean = simulate_histories(GAME, {"generous_tit_for_tat": 1}, {"hawk": 1}, matches=20, turns=10, seed=3)
    r0 = estimate_strategy_mixture(clean, GAME, ["generous_tit_for_tat"], tremble=0)
    assert r0.shares == (1.0,) and math.isfinite(r0.loglik)
    with pytest.raises(GameError, match="impossible under every candidate"):
        estimate_strategy_mixture(clean, GAME, ["always_hold"], tremble=0)


def test_2023_events_and_episodes():
    events = load_example_events()
    cands = ["always_hold", "tit_for_tat", "contained_tit_for_tat", "grim_trigger", "hawk"]
    for player in ("US", "Iran"):
        r = estimate_strategy_mixture(events.between("2023-03-22", "2023-03-30"), GAME, cands, player=player)
        assert math.isclose(sum(r.shares), 1, abs_tol=1e-9) and all(s >= 0 for s in r.shares)
        assert r.n_matches == 1 and r.n_observations == 9
        json.dumps(r.to_json())
        assert r.to_text().startswith(f"Strategy frequency estimation for {player}")
        assert "<table>" in r._repr_html_()
    r = estimate_strategy_mixture(events.episodes(), GAME, cands, player="Iran")
    assert r.n_matches == 2 and math.isclose(sum(r.shares), 1, abs_tol=1e-9)
    # Iran's answer on 24 March fits tit-for-tat; its drone of 23 March (after Israel's strike,
    # which is not a US move) is a tremble for every candidate that holds first
    tft = estimate_strategy_mixture(events.between("2023-03-22", "2023-03-30"), GAME, ["tit_for_tat"],
                                    player="Iran")
    assert tft.gamma > 0


def test_reproducible_and_errors():
    a = simulate_histories(GAME, {"tit_for_tat": 1}, OPPONENTS, matches=5, turns=6, tremble=0.1, seed=9)
    b = simulate_histories(GAME, {"tit_for_tat": 1}, OPPONENTS, matches=5, turns=6, tremble=0.1, seed=9)
    assert a == b
    one = [(("hold", "retaliate"), ("retaliate", "hold"))]
    r = estimate_strategy_mixture(one[0], GAME, "tit_for_tat")       # a single pair, a single name
    assert r.n_matches == 1
    with pytest.raises(GameError, match="unknown own action 'bomb'"):
        estimate_strategy_mixture([(("bomb",), ("hold",))], GAME, ["tit_for_tat"])
    with pytest.raises(GameError, match="2 own actions but 1"):
        estimate_strategy_mixture([(("hold", "hold"), ("hold",))], GAME, ["tit_for_tat"])
    with pytest.raises(GameError, match="tremble"):
        estimate_strategy_mixture(one, GAME, ["tit_for_tat"], tremble=0.9)
    with pytest.raises(GameError, match="unknown strategy"):
        estimate_strategy_mixture(one, GAME, ["nice"])
    with pytest.raises(GameError, match="no matches"):
        estimate_strategy_mixture([], GAME, ["tit_for_tat"])
    with pytest.raises(GameError, match="sum to 1"):
        simulate_histories(GAME, {"tit_for_tat": 0.5}, OPPONENTS)
    with pytest.raises(GameError, match="matches"):
        simulate_histories(GAME, {"tit_for_tat": 1}, OPPONENTS, matches=0)
