"""deterrence: the game theory of strategic deterrence, exact and labelled.

>>> import deterrence as dt
>>> pd = dt.load_game("prisoners_dilemma")
>>> len(dt.solve(pd).equilibria)
1

The core (games, solving, results) is imported at once; everything else is
imported on first use (``dt.explain``, ``dt.GameTree``, ...), so that
``import deterrence`` stays fast and heavy modules (sympy's solvers,
matplotlib, Dask) load only when needed.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from deterrence.errors import (DeterrenceError, ExpressionError, GameError, GameFileError,
                     NotAnEquilibriumError, SolverError, TooLargeError)
from deterrence.core.normal_form import NormalFormGame
from deterrence.io import load_game
from deterrence.solvers import solve
from deterrence.solvers.result import Equilibrium, SolveResult
from deterrence.solvers.certify import certified_equilibrium, is_equilibrium

#: public name -> module that defines it (imported on first access)
_LAZY = {
    # writing games
    "write_game": "deterrence.io",
    # stage-game solvers
    "all_equilibria": "deterrence.solvers.normal_form.enumeration",
    "pure_equilibria": "deterrence.solvers.normal_form.pure",
    "lemke_howson": "deterrence.solvers.normal_form.lemke_howson",
    "zero_sum_equilibrium": "deterrence.solvers.normal_form.zero_sum",
    "game_value": "deterrence.solvers.normal_form.zero_sum",
    "iterated_elimination": "deterrence.solvers.normal_form.dominance",
    "dominated_actions": "deterrence.solvers.normal_form.dominance",
    "pure_equilibrium_conditions": "deterrence.solvers.normal_form.symbolic_conditions",
    "conditions_hold": "deterrence.solvers.normal_form.symbolic_conditions",
    # repeated games
    "Automaton": "deterrence.core.automaton",
    "strategy": "deterrence.core.strategies",
    "STRATEGIES": "deterrence.core.strategies",
    "RepeatedGame": "deterrence.core.repeated",
    "Noise": "deterrence.core.repeated",
    "discounted_values": "deterrence.solvers.repeated.repeated_values",
    "one_shot_deviation": "deterrence.solvers.repeated.one_shot_deviation",
    "critical_delta": "deterrence.solvers.repeated.critical_delta",
    "analyse_noise": "deterrence.solvers.repeated.noise_markov",
    "echo_effect": "deterrence.solvers.repeated.noise_markov",
    "minmax_values": "deterrence.solvers.repeated.folk",
    "feasible_set": "deterrence.solvers.repeated.folk",
    "individually_rational_set": "deterrence.solvers.repeated.folk",
    "Polygon": "deterrence.solvers.repeated.folk",
    "equilibrium_payoff_set": "deterrence.solvers.repeated.payoff_set",
    "payoff_in_equilibrium_set": "deterrence.solvers.repeated.payoff_set",
    # game trees
    "GameTree": "deterrence.core.tree",
    "decision": "deterrence.core.tree",
    "chance": "deterrence.core.tree",
    "terminal": "deterrence.core.tree",
    "subgame_perfect": "deterrence.solvers.tree.backward_induction",
    "reduced_normal_form": "deterrence.solvers.tree.reduced_normal_form",
    "noncredible_threats": "deterrence.solvers.tree.reduced_normal_form",
    "bayesian_nash": "deterrence.solvers.tree.bayesian",
    "perfect_bayesian_equilibria": "deterrence.solvers.tree.bayesian",
    "credibility_threshold": "deterrence.solvers.tree.bayesian",
    # events and strategy inference
    "read_events": "deterrence.io.events_csv",
    "load_example_events": "deterrence.io.events_csv",
    "estimate_strategy_mixture": "deterrence.solvers.inference.sfem",
    # the deterrence analysis
    "explain": "deterrence.analysis.explain",
    "DeterrenceReport": "deterrence.core.report",
    "Section": "deterrence.core.report",
    "red_lines": "deterrence.analysis.redlines",
    "us_iran_model": "deterrence.models.us_iran",
    "regime_map": "deterrence.analysis.maps",
    "sweep": "deterrence.analysis.sweep",
}

# --- classroom block (issue 16): names the notebooks use as dt.NAME; the "frontdoor" branch
# exports the same names, so on merge keep ONE entry per name (this block can go).
_LAZY.update({
    "Chance": "deterrence.core.tree",
    "Decision": "deterrence.core.tree",
    "Terminal": "deterrence.core.tree",
    "grim_trigger": "deterrence.core.strategies",
    "tit_for_tat": "deterrence.core.strategies",
    "profile_from_section": "deterrence.core.strategies",
    "parameter_symbol": "deterrence.core.symbolic",
    "parse_events": "deterrence.io.events_csv",
    "example_events_path": "deterrence.io.events_csv",
    "war_risk": "deterrence.solvers.repeated.noise_markov",
    "simulate": "deterrence.solvers.repeated.simulate",
    "play_match": "deterrence.solvers.repeated.simulate",
    "deterrence_succeeds": "deterrence.solvers.tree.bayesian",
    "simulate_histories": "deterrence.solvers.inference.sfem",
    "entry_deterrence": "deterrence.models.entry_deterrence",
    "unilateral_deterrence": "deterrence.models.zagare_kilgour",
    "credibility_threshold_closed_form": "deterrence.models.zagare_kilgour",
    "escalation_ladder": "deterrence.models.escalation_ladder",
    "war_probability": "deterrence.models.escalation_ladder",
    "january_2020": "deterrence.models.january_2020",
    "proxy_targets": "deterrence.models.proxy_targets",
    "low_hanging_fruit_condition": "deterrence.models.proxy_targets",
    "lands_on_us_forces": "deterrence.models.proxy_targets",
    "regime_at": "deterrence.analysis.maps",
    "REGIMES": "deterrence.analysis.maps",
    "vectorised_map": "deterrence.analysis.sweep",
    "to_latex": "deterrence.core.latex",
})
# --- end of the classroom block

__all__ = [
    "NormalFormGame", "load_game", "solve", "Equilibrium", "SolveResult",
    "certified_equilibrium", "is_equilibrium",
    "DeterrenceError", "GameError", "GameFileError", "ExpressionError", "SolverError",
    "TooLargeError", "NotAnEquilibriumError", "__version__",
] + sorted(_LAZY)


#: documented subpackages reachable as attributes (``dt.plot.payoff_heatmap``)
_SUBPACKAGES = ("plot",)


def __getattr__(name):
    if name in _SUBPACKAGES:
        return importlib.import_module(f"deterrence.{name}")
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'deterrence' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
