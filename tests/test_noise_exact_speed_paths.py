"""The shortcuts of the exact ``analyse_noise`` (issue #7 goal 4) give the pure-Fraction answers.

The integer path reads ``W`` on the reachable states once, takes the stationary distribution
directly when every reachable state leads back to the start, and skips the backward search
for war when the chain is irreducible: each case here takes one of those branches.
"""
from __future__ import annotations

import pytest

from deterrence import load_game
from deterrence.core.automaton import Automaton
from deterrence.core.exact import fraction_only
from deterrence.core.repeated import RepeatedGame
from deterrence.solvers.repeated import _product
from deterrence.solvers.repeated.noise_markov import analyse_noise, war_profiles, war_risk_arrays

US = load_game("us_iran_stage").with_defaults()
PD = load_game("prisoners_dilemma").with_defaults()


def both_paths(rg, prof, war=None, within=12):
    fast = analyse_noise(rg, prof, war=war, within=within)
    fast_war = war_risk_arrays(_product.Chain(rg, _product.resolve_profile(rg, prof), "exact"),
                               war_profiles(rg.stage, war), within)
    with fraction_only():
        slow = analyse_noise(rg, prof, war=war, within=within)
        slow_war = war_risk_arrays(_product.Chain(rg, _product.resolve_profile(rg, prof), "exact"),
                                   war_profiles(rg.stage, war), within)
    assert fast == slow
    assert fast_war == slow_war
    assert (fast.war_probability, fast.war_eventually, fast.expected_rounds_to_war) == fast_war
    return fast


def test_irreducible_chain_where_war_cannot_happen():
    # execution errors only raise by one rung: two doves never reach (escalate, escalate)
    rg = RepeatedGame(US, "9/10", None, {"execution": "1/50"})
    a = both_paths(rg, ["allc", "allc"])
    assert (a.war_probability, a.war_eventually, a.expected_rounds_to_war) == (0, 0, None)


@pytest.mark.parametrize("seed", [1, 3, 7, 20])
def test_random_automata_against_tft(seed):
    rg = RepeatedGame(US, "9/10", None, {"execution": "1/50"})
    tft = _product.resolve_profile(rg, "tft")[1]
    auto = Automaton.random(6, list(US.actions[0]), seed)
    for war in (None, "any"):
        both_paths(rg, (auto, tft), war=war)


def test_not_irreducible_without_noise_and_with_absorbing_states():
    rg = RepeatedGame(PD, "1/2", None, {"tremble": "1/10"})
    for names in (["grim", "tft"], ["grim", "grim"], ["alld", "allc"]):
        both_paths(rg, names, war=[("D", "D")])
    quiet = RepeatedGame(US, "9/10", None, None)
    both_paths(quiet, ["tft", "grim"], war="any")


def test_benchmark_case_20_states_against_tft():
    # the case timed by benchmarks/bench_noise.py --exact (40 product states, 34 reachable)
    rg = RepeatedGame(US, "9/10", None, {"execution": "1/50"})
    tft = _product.resolve_profile(rg, "tft")[1]
    a = both_paths(rg, (Automaton.random(20, list(US.actions[0]), 20), tft), within=100)
    assert a.war_eventually == 1 and a.expected_rounds_to_war > 0
