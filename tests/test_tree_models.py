"""Tree models and their catalogue entries: the claims the files make hold."""
from fractions import Fraction

import pytest
import sympy

import deterrence as dt
from deterrence.core.symbolic import parameter_symbol, parse_expression
from deterrence.core.tree import GameTree
from deterrence.io.catalogue import catalogue_names
from deterrence.models.entry_deterrence import entry_deterrence
from deterrence.models.escalation_ladder import escalation_ladder, war_probability
from deterrence.models.january_2020 import january_2020
from deterrence.models.proxy_targets import (PARAMETERS as PROXY, low_hanging_fruit_condition,
                                             lands_on_us_forces, proxy_targets)
from deterrence.models.zagare_kilgour import unilateral_deterrence
from deterrence.solvers.tree.backward_induction import subgame_perfect
from deterrence.solvers.tree.bayesian import credibility_threshold, deterrence_succeeds
from deterrence.solvers.tree.reduced_normal_form import tree_nash
from deterrence.solvers.tree.threats import noncredible_threats
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from tree_helpers import REAL_TREE_TOML  # noqa: E402
from unittest import mock  # noqa: E402

with mock.patch.dict("sys.modules", {"deterrence.io.tree_toml": REAL_TREE_TOML}):
    TREES = [n for n in catalogue_names() if isinstance(dt.load_game(n), GameTree)
             and "num_subgame_perfect" in dt.load_game(n).claims]   # kuhn_poker.efg: see test_sequence_form
MODELS = {"entry_deterrence": entry_deterrence, "unilateral_deterrence": unilateral_deterrence,
          "us_iran_escalation_ladder": lambda **kw: escalation_ladder(4, **kw),
          "january_2020": january_2020, "proxy_target_selection": proxy_targets}


def test_tree_entries_present():
    assert set(MODELS) <= set(TREES)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_entry_matches_its_model(name):
    game = dt.load_game(name)
    assert game.title and game.description.strip() and game.sources and game.claims
    assert game.with_defaults() == MODELS[name]()
    assert game == MODELS[name](symbolic=True)


@pytest.mark.parametrize("name", TREES)
def test_entry_claims_hold(name):
    game = dt.load_game(name)
    claims = game.claims
    result = dt.solve(game)
    assert len(result.equilibria) == claims["num_subgame_perfect"]
    for eq in result.equilibria:
        for node, move in claims.get("spe_actions", {}).items():
            assert eq.actions[node] == move, (node, eq.actions)
        if "spe_payoffs" in claims:
            assert [str(v) for v in eq.payoffs] == claims["spe_payoffs"]
        if "war_probability" in claims:
            assert war_probability(game.with_defaults(), eq) == Fraction(claims["war_probability"])
    if "pure_nash" in claims:
        nash = tree_nash(game.with_defaults(), "pure")
        assert sorted(tuple(e.support(i)[0] for i in range(len(game.players))) for e in nash) == \
            sorted(tuple(p) for p in claims["pure_nash"])
    if "noncredible_threat" in claims:
        threats = [t for e in noncredible_threats(game.with_defaults()) for t in e.threats]
        want = claims["noncredible_threat"]
        assert [(t.node, t.player, t.planned, str(t.gain)) for t in threats] == [
            (want["node"], want["player"], want["planned"], want["gain"])]
    if "credibility_threshold" in claims:
        closed = parse_expression(claims["credibility_threshold"], game.parameters)
        assert sympy.simplify(credibility_threshold(game) - closed) == 0
        assert credibility_threshold(game.with_defaults(), prior=None) == Fraction(claims["threshold_at_defaults"])
        assert deterrence_succeeds(game.with_defaults()) == claims["deterrence_succeeds"]
    if "low_hanging_fruit" in claims:
        assert lands_on_us_forces() == claims["low_hanging_fruit"]


def test_entry_every_spe_is_nash():
    tree = entry_deterrence()
    nash = {e.payoffs for e in tree_nash(tree)}
    assert all(e.payoffs in nash for e in subgame_perfect(tree))


def test_ladder_misfire_risk_makes_the_us_answer_credible():
    (eq,) = subgame_perfect(escalation_ladder(4))
    assert eq.actions["strike/as_meant"] == "strike"
    (eq0,) = subgame_perfect(escalation_ladder(4, q=0))
    assert eq0.actions["strike/as_meant"] == "hold" and eq0.actions["strike/as_meant/strike"] == "strike"
    for rungs in (1, 2, 3, 5):
        assert subgame_perfect(escalation_ladder(rungs)).equilibria


def test_january_2020_war_when_deaths_weigh_more_than_war():
    (eq,) = subgame_perfect(january_2020(D=30))
    assert eq.actions["strike/missiles/deaths"] == "war"


POINTS = [{}, {"e_us": "1/20", "e_is": "3/4", "r_is": 0}, {"k_us": 3}, {"r_us": 5}, {"A": 0, "b_iran": 1},
          {"D": 0, "r_us": 3}, {"e_is": "1/2", "r_is": 1, "k_is": 5}]


@pytest.mark.parametrize("values", POINTS)
def test_low_hanging_fruit_condition_agrees_with_backward_induction(values):
    cond = low_hanging_fruit_condition()
    full = {k: v for k, (v, _) in PROXY.items()}
    full.update(values)
    at = {parameter_symbol(k): sympy.Rational(str(v)) for k, v in full.items()}
    spe = subgame_perfect(proxy_targets(**values))
    some = any(e.actions["strike"] == "answer_us" for e in spe)
    assert bool(cond.xreplace(at)) == some


# r_us = 5: Iran is indifferent between US forces and Israel; k_us = 5: the US is indifferent between
# answering and holding, and with r_us = 6 Iran's best answer depends on which it does
TIES = POINTS + [{"r_us": 5}, {"r_us": 5, "e_us": "1/2", "e_is": "1/4"}, {"k_us": 5, "r_us": 6}, {"k_us": 5},
                 {"A": "7/2", "r_is": 4, "e_is": 0}]


@pytest.mark.parametrize("values", TIES)
def test_lands_on_us_forces_is_the_every_condition_and_the_default_condition_is_some(values):
    """lands_on_us_forces (every SPE) and the condition with every=True agree at every point, ties
    included; the default condition is 'some SPE' (at r_us = 5 it holds and lands_on_us_forces does not)."""
    full = {k: v for k, (v, _) in PROXY.items()}
    full.update(values)
    at = {parameter_symbol(k): sympy.Rational(str(v)) for k, v in full.items()}
    answers = [e.actions["strike"] for e in subgame_perfect(proxy_targets(**values))]
    assert bool(low_hanging_fruit_condition(every=True).xreplace(at)) == lands_on_us_forces(**values) \
        == all(a == "answer_us" for a in answers)
    assert bool(low_hanging_fruit_condition().xreplace(at)) == ("answer_us" in answers)


def test_the_proxy_section_says_which_condition_it_prints():
    from deterrence.models.proxy_targets import proxy_sections
    (section,) = proxy_sections(proxy_targets(symbolic=True, r_us=5))
    assert section.data["answers"] == ["answer_israel", "answer_us"] and section.data["lands_on_us_forces"] is False
    text = " ".join(section.lines)
    assert "does not land on US forces in every subgame-perfect equilibrium" in text
    assert "in some subgame-perfect equilibrium (on its boundary Iran is indifferent" in text


def test_ladder_outcomes_in_text_and_json():
    result = dt.solve(dt.load_game("us_iran_escalation_ladder"))
    (eq,) = result.equilibria
    assert dict(eq.outcomes) == {"strike/as_meant/strike/hold": Fraction(9, 10),
                                 "strike/further/strike/hold": Fraction(1, 10)}
    assert result.to_json()["equilibria"][0]["outcomes"]["strike/further/strike/hold"] == "1/10"
    assert "play ends at: strike/as_meant/strike/hold (9/10)" in result.to_text()
