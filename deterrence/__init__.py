"""deterrence: the game theory of strategic deterrence, exact and labelled.

>>> import deterrence as dt
>>> pd = dt.load_game("prisoners_dilemma")
>>> len(dt.solve(pd).equilibria)
1

Every name is imported on first use (``dt.solve``, ``dt.explain``, ``dt.GameTree``,
...), so that ``import deterrence`` stays fast: it loads neither numpy nor the
heavy modules (sympy, scipy, matplotlib, python-flint, Dask) until a name needs them.

The public API is ``__all__`` (every name a class, a function or a constant;
none is also the name of a submodule) and the documented subpackage
``deterrence.plot`` (figures). Adding a public name is one entry in
``_LAZY``: name -> the module that defines it.
"""
from __future__ import annotations

import importlib

__version__ = "0.1.0"

from deterrence.errors import (DefaultValuesWarning, DeterrenceError, ExpressionError, GameError, GameFileError,
                     NotAnEquilibriumError, SolverError, TooLargeError)

TYPE_CHECKING = False      # without importing typing; type checkers take it as True
if TYPE_CHECKING:          # type checkers and editors see the core's real signatures
    from deterrence.core.normal_form import NormalFormGame as NormalFormGame
    from deterrence.io import load_game as load_game
    from deterrence.solvers import solve as solve
    from deterrence.solvers.certify import certified_equilibrium as certified_equilibrium
    from deterrence.solvers.certify import is_equilibrium as is_equilibrium
    from deterrence.solvers.result import Equilibrium as Equilibrium
    from deterrence.solvers.result import SolveResult as SolveResult
del TYPE_CHECKING

#: public name -> module that defines it (imported on first access)
_LAZY = {
    # the core: games, solving, results (lazy too: they import numpy)
    "NormalFormGame": "deterrence.core.normal_form",
    "load_game": "deterrence.io",
    "solve": "deterrence.solvers",
    "Equilibrium": "deterrence.solvers.result",
    "SolveResult": "deterrence.solvers.result",
    "certified_equilibrium": "deterrence.solvers.certify",
    "is_equilibrium": "deterrence.solvers.certify",
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
    "mixed_equilibrium_formulas": "deterrence.solvers.normal_form.symbolic_mixed",
    "TreeEquilibrium": "deterrence.solvers.result",
    # numbers and formulas
    "format_exact": "deterrence.core.numbers",
    "parse_expression": "deterrence.core.symbolic",
    "parameter_symbol": "deterrence.core.symbolic",
    "conditions_hold": "deterrence.solvers.normal_form.symbolic_conditions",
    # repeated games
    "Automaton": "deterrence.core.automaton",
    "strategy": "deterrence.core.strategies",
    "STRATEGIES": "deterrence.core.strategies",
    "tit_for_tat": "deterrence.core.strategies",
    "grim_trigger": "deterrence.core.strategies",
    "read_profile": "deterrence.core.repeated",
    "to_latex": "deterrence.core.latex",
    # correlated equilibria, quantal response, learning
    "correlated_equilibria": "deterrence.solvers.normal_form.correlated",
    "coarse_correlated_equilibria": "deterrence.solvers.normal_form.correlated",
    "logit_branch": "deterrence.solvers.normal_form.qre",
    "qre_at": "deterrence.solvers.normal_form.qre",
    "fit_logit_qre": "deterrence.solvers.inference.qre_fit",
    "replicator_dynamics": "deterrence.solvers.normal_form.dynamics",
    "fictitious_play": "deterrence.solvers.normal_form.dynamics",
    "best_response_dynamics": "deterrence.solvers.normal_form.dynamics",
    "moran_process": "deterrence.solvers.normal_form.dynamics",
    "fixation_probability": "deterrence.solvers.normal_form.dynamics",
    # two-player trees with imperfect information, signalling
    "sequence_form_equilibria": "deterrence.solvers.tree.sequence_enumeration",
    "sequence_lcp": "deterrence.solvers.tree.sequence_lcp",
    "quasi_perfect": "deterrence.solvers.tree.quasi_perfect",
    "signalling_pbe": "deterrence.solvers.tree.signalling",
    # n-player games
    "nplayer_equilibria": "deterrence.solvers.normal_form.nplayer",
    "RealAlgebraic": "deterrence.solvers.normal_form.nplayer",
    "EnclosedReal": "deterrence.solvers.normal_form.box_certify",
    "logit_path_equilibrium": "deterrence.solvers.normal_form.nplayer_logit",
    # stochastic games
    "StochasticGame": "deterrence.core.stochastic",
    "discount_factor_per_round": "deterrence.core.stochastic",
    "markov_perfect": "deterrence.solvers.stochastic.markov_perfect",
    "markov_perfect_on_supports": "deterrence.solvers.stochastic.markov_perfect",
    "verify_markov_perfect": "deterrence.solvers.stochastic.markov_perfect",
    "regime_switching": "deterrence.solvers.stochastic.regime_switching",
    "regime_switching_equilibria": "deterrence.solvers.stochastic.regime_switching",
    "rounds_in": "deterrence.core.stochastic",
    "absorption_probability": "deterrence.solvers.stochastic.markov_chain",
    "expected_rounds_to_absorption": "deterrence.solvers.stochastic.markov_chain",
    "expected_action_counts": "deterrence.solvers.stochastic.markov_chain",
    "war_profiles": "deterrence.core.repeated",
    "RepeatedAnalysis": "deterrence.solvers.repeated.analysis",
    "analyse_repeated": "deterrence.solvers.repeated.analysis",
    "RepeatedGame": "deterrence.core.repeated",
    "Noise": "deterrence.core.repeated",
    "discounted_values": "deterrence.solvers.repeated.repeated_values",
    "one_shot_deviation": "deterrence.solvers.repeated.one_shot_deviation",
    "critical_delta": "deterrence.solvers.repeated.critical_delta",
    "analyse_noise": "deterrence.solvers.repeated.noise_markov",
    "echo_effect": "deterrence.solvers.repeated.noise_markov",
    "war_risk": "deterrence.solvers.repeated.noise_markov",
    "simulate": "deterrence.solvers.repeated.simulate",
    "play_match": "deterrence.solvers.repeated.simulate",
    "tournament": "deterrence.solvers.repeated.simulate",
    "finite_horizon_spe": "deterrence.solvers.repeated.finite_horizon",
    "finite_one_shot_deviation": "deterrence.solvers.repeated.finite_horizon",
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
    "Decision": "deterrence.core.tree",
    "Chance": "deterrence.core.tree",
    "Terminal": "deterrence.core.tree",
    "subgame_perfect": "deterrence.solvers.tree.backward_induction",
    "is_subgame_perfect": "deterrence.solvers.tree.backward_induction",
    "symbolic_regimes": "deterrence.solvers.tree.backward_induction",
    "reduced_normal_form": "deterrence.solvers.tree.reduced_normal_form",
    "tree_nash": "deterrence.solvers.tree.reduced_normal_form",
    "noncredible_threats": "deterrence.solvers.tree.threats",
    "threats_report": "deterrence.solvers.tree.threats",
    "bayesian_nash": "deterrence.solvers.tree.bayesian",
    "perfect_bayesian_equilibria": "deterrence.solvers.tree.bayesian",
    "credibility_threshold": "deterrence.solvers.tree.bayesian",
    "deterrence_succeeds": "deterrence.solvers.tree.bayesian",
    # events and strategy inference
    "read_events": "deterrence.io.events_csv",
    "load_example_events": "deterrence.io.events_csv",
    "parse_events": "deterrence.io.events_csv",
    "example_events_path": "deterrence.io.events_csv",
    "estimate_strategy_mixture": "deterrence.solvers.inference.sfem",
    "simulate_histories": "deterrence.solvers.inference.sfem",
    # models
    "entry_deterrence": "deterrence.models.entry_deterrence",
    "generalised_kuhn_poker": "deterrence.models.kuhn_poker",
    "unilateral_deterrence": "deterrence.models.zagare_kilgour",
    "credibility_threshold_closed_form": "deterrence.models.zagare_kilgour",
    "escalation_ladder": "deterrence.models.escalation_ladder",
    "war_probability": "deterrence.models.escalation_ladder",
    "proxy_targets": "deterrence.models.proxy_targets",
    "low_hanging_fruit_condition": "deterrence.models.proxy_targets",
    "lands_on_us_forces": "deterrence.models.proxy_targets",
    "january_2020": "deterrence.models.january_2020",
    # the canon of deterrence and crisis models (issue 15)
    "fearon_bargaining": "deterrence.models.canon",
    "bargaining_range": "deterrence.models.canon",
    "fearon_risk_return": "deterrence.models.canon",
    "risk_return_formulas": "deterrence.models.canon",
    "commitment_problem": "deterrence.models.canon",
    "preventive_war_condition": "deterrence.models.canon",
    "audience_costs": "deterrence.models.canon",
    "audience_cost_formulas": "deterrence.models.canon",
    "brinkmanship": "deterrence.models.canon",
    "brinkmanship_resolve": "deterrence.models.canon",
    "brinkmanship_disaster_risk": "deterrence.models.canon",
    "mutual_deterrence": "deterrence.models.canon",
    "mutual_deterrence_outcome": "deterrence.models.canon",
    "asymmetric_escalation": "deterrence.models.canon",
    "escalation_outcome": "deterrence.models.canon",
    "reassurance_game": "deterrence.models.canon",
    "trust_threshold": "deterrence.models.canon",
    "separating_condition": "deterrence.models.canon",
    "attrition_quit_probability": "deterrence.models.canon",
    "attrition_private_resolve": "deterrence.models.canon",
    "attrition_resolve_formulas": "deterrence.models.canon",
    "chain_store": "deterrence.models.canon",
    "reputation_threshold": "deterrence.models.canon",
    "weak_fight_probability": "deterrence.models.canon",
    "extended_deterrence": "deterrence.models.canon",
    "commitment_deters": "deterrence.models.canon",
    "brinkmanship_hidden_resolve": "deterrence.models.canon_beliefs",
    "critical_risk": "deterrence.models.canon_beliefs",
    "hidden_resolve_thresholds": "deterrence.models.canon_beliefs",
    "hidden_resolve_equilibrium": "deterrence.models.canon_beliefs",
    "hidden_resolve_outcomes": "deterrence.models.canon_beliefs",
    "reputation_game": "deterrence.models.canon_beliefs",
    "reputation_equilibrium": "deterrence.models.canon_beliefs",
    "entrant_stay_out_probability": "deterrence.models.canon_beliefs",
    "spiral_formulas": "deterrence.models.canon_beliefs",
    "spiral_value": "deterrence.models.canon_beliefs",
    "brinkmanship_chosen_risk": "deterrence.models.canon_risk",
    "chosen_risk_values": "deterrence.models.canon_risk",
    "chosen_risk_thresholds": "deterrence.models.canon_risk",
    "chosen_risk_equilibrium": "deterrence.models.canon_risk",
    "chosen_risk_disaster": "deterrence.models.canon_risk",
    "brinkmanship_two_sided": "deterrence.models.canon_risk",
    "two_sided_values": "deterrence.models.canon_risk",
    "two_sided_threshold": "deterrence.models.canon_risk",
    "two_sided_equilibrium": "deterrence.models.canon_risk",
    "two_sided_disaster": "deterrence.models.canon_risk",
    "mutual_deterrence_incomplete": "deterrence.models.perfect_deterrence",
    "mutual_deterrence_thresholds": "deterrence.models.perfect_deterrence",
    "mutual_deterrence_mixing": "deterrence.models.perfect_deterrence",
    "mutual_deterrence_equilibria": "deterrence.models.perfect_deterrence",
    "asymmetric_escalation_incomplete": "deterrence.models.perfect_deterrence",
    "escalation_thresholds": "deterrence.models.perfect_deterrence",
    "escalation_equilibrium": "deterrence.models.perfect_deterrence",
    "fit_strategic_probit": "deterrence.solvers.inference.strategic_probit",
    "load_crisis_data": "deterrence.solvers.inference.strategic_probit",
    "simulate_crises": "deterrence.solvers.inference.strategic_probit",
    "outcome_probabilities": "deterrence.solvers.inference.strategic_probit",
    # the deterrence analysis
    "explain": "deterrence.analysis.explain",
    "DeterrenceReport": "deterrence.core.report",
    "Section": "deterrence.core.report",
    "red_lines": "deterrence.analysis.redlines",
    "us_iran_model": "deterrence.models.us_iran",
    # the US-Iran case as a stochastic game (calibration, fit, claims, report)
    "us_iran_exchange_model": "deterrence.models.us_iran_exchange_report",
    "read_aggregate_record": "deterrence.io.events_csv",
    "read_record": "deterrence.io.events_csv",
    "aggregate_record": "deterrence.io.events_csv",
    "fit_to_record": "deterrence.models.us_iran_exchange_fit",
    "regime_map": "deterrence.analysis.maps",
    "regime_at": "deterrence.analysis.maps",
    "exchange_every_round": "deterrence.models.us_iran",
    "REGIMES": "deterrence.models.us_iran",
    "sweep": "deterrence.analysis.sweep",
    "vectorised_map": "deterrence.analysis.sweep",
}


__all__ = [
    "DeterrenceError", "GameError", "GameFileError", "ExpressionError", "SolverError",
    "TooLargeError", "NotAnEquilibriumError", "DefaultValuesWarning", "__version__",
] + sorted(_LAZY)


def _public(value, name):
    """Functions of the public API keep the error contract (core/validate.py): a bad
    argument is a ``GameError`` naming it, never a stray ``TypeError``."""
    import inspect

    from deterrence.core.validate import public_boundary
    return public_boundary(value, name) if inspect.isfunction(value) else value


#: documented subpackages reachable as attributes (``dt.plot.payoff_heatmap``,
#: ``dt.solvers.methods_for``), imported when first asked for
_SUBPACKAGES = ("plot", "solvers")


#: old public name -> (its new name, the release that renamed it): each still works for one
#: release and warns (DeprecationWarning naming the new name); not in ``__all__``
_DEPRECATED = {
    "contained_exchange": ("exchange_every_round", "0.1.0"),
}


def __getattr__(name):
    if name in _DEPRECATED:
        import warnings
        new, since = _DEPRECATED[name]
        warnings.warn(f"deterrence.{name} is deprecated since {since} and will be removed in the next release: "
                      f"use deterrence.{new}", DeprecationWarning, stacklevel=2)
        return __getattr__(new)
    if name in _SUBPACKAGES:
        return importlib.import_module(f"deterrence.{name}")
    if name in _LAZY:
        value = _public(getattr(importlib.import_module(_LAZY[name]), name), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'deterrence' has no attribute {name!r}")


def __dir__():
    """What tab completion offers: the public API, the subpackages and the module's own dunders, not
    the names its code uses (``importlib``, ``annotations``: a newcomer's review)."""
    own = {n for n, v in globals().items() if (n.startswith("__") and n.endswith("__"))
           or getattr(v, "__name__", "").startswith("deterrence.") and type(v) is type(importlib)}
    return sorted(set(__all__) | set(_LAZY) | set(_SUBPACKAGES) | own)
