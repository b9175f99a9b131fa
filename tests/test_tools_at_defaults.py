"""Every public tool that takes a symbolic game at its parameters' defaults says so, once.

A review found tools that took a catalogue game's defaults silently (subgame_perfect, the
other tree solvers, simulate, play_match, tournament, one_shot_deviation, fit_logit_qre,
markov_perfect, regime_switching): each now goes through ``at_defaults`` and warns exactly
once (no second warning from a tool it calls inside), with the result it gives on
``game.with_defaults()``, where it warns nothing. ``solve`` warns nothing: its notes say it.
"""
import warnings

import pytest

from deterrence import load_game
from deterrence.errors import DefaultValuesWarning


def _tree_tools():
    from deterrence.solvers.tree.agent_qre import agent_logit_branch, agent_qre, agent_qre_at
    from deterrence.solvers.tree.backward_induction import is_subgame_perfect, subgame_perfect
    from deterrence.solvers.tree.bayesian import bayesian_nash, deterrence_succeeds, perfect_bayesian_equilibria
    from deterrence.solvers.tree.quasi_perfect import perturbed_plans, quasi_perfect
    from deterrence.solvers.tree.reduced_normal_form import tree_nash
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    from deterrence.solvers.tree.sequence_lcp import sequence_lcp
    from deterrence.solvers.tree.sequential import sequential_equilibrium
    from deterrence.solvers.tree.threats import noncredible_threats, threats_report
    entry = "entry_deterrence"
    return [
        ("subgame_perfect", entry, subgame_perfect),
        ("is_subgame_perfect", entry,
         lambda t: is_subgame_perfect(t, {("Entrant", "root"): "in", ("Incumbent", "in"): "accommodate"})),
        ("sequence_lcp", entry, sequence_lcp),
        ("quasi_perfect", entry, quasi_perfect),
        ("perturbed_plans", entry, lambda t: perturbed_plans(t)[3:5]),
        ("sequential_equilibrium", entry, sequential_equilibrium),
        ("perfect_bayesian_equilibria", "unilateral_deterrence", perfect_bayesian_equilibria),
        ("deterrence_succeeds", "unilateral_deterrence", deterrence_succeeds),
        ("bayesian_nash", "unilateral_deterrence", lambda t: bayesian_nash(t, "pure")),
        ("tree_nash", entry, lambda t: tree_nash(t, "pure")),
        ("noncredible_threats", entry, noncredible_threats),
        ("threats_report", entry, lambda t: str(threats_report(t))),
        ("sequence_form_equilibria", entry, sequence_form_equilibria),
        ("agent_qre", entry, agent_qre),
        ("agent_qre_at", entry, lambda t: agent_qre_at(t, 1.0)),
        ("agent_logit_branch", entry, lambda t: agent_logit_branch(t, max_lambda=5.0).lambdas),
    ]


def _other_tools():
    from deterrence.solvers.inference.qre_fit import fit_logit_qre, simulate_choices
    from deterrence.solvers.repeated.one_shot_deviation import deviation_gains, one_shot_deviation
    from deterrence.solvers.repeated.simulate import play_match, simulate, tournament
    from deterrence.solvers.stochastic.markov_perfect import markov_perfect, verify_markov_perfect
    from deterrence.solvers.stochastic.regime_switching import regime_switching
    pd, spd = "prisoners_dilemma", "stochastic_prisoners_dilemma"
    counts = {"Row": {"swerve": 30, "straight": 20}, "Column": {"swerve": 25, "straight": 25}}
    return [
        ("simulate", pd, lambda g: simulate(g, ["tft", "alld"], matches=20, turns=10, seed=1,
                                            noise={"tremble": "1/10"}).payoffs),
        ("play_match", pd, lambda g: play_match(g, ["tft", "alld"], turns=5, seed=1).payoffs),
        ("tournament", pd, lambda g: tournament(g, ["tft", "alld", "allc"], matches=5, turns=10, seed=1,
                                                progress=False).scores),
        ("one_shot_deviation", pd, lambda g: one_shot_deviation(g, "grim_trigger", delta="1/2")),
        ("one_shot_deviation", pd, lambda g: one_shot_deviation(g, "grim_trigger", delta="1/2",
                                                                float=True).subgame_perfect),
        ("deviation_gains", pd, lambda g: [d.gain for d in deviation_gains(g, "grim_trigger", delta="1/2",
                                                                           float=True)]),
        ("fit_logit_qre", "chicken", lambda g: fit_logit_qre(g, counts).estimates),
        ("simulate_choices", "chicken", lambda g: simulate_choices(g, 1.0, 10, seed=3)),
        ("markov_perfect", spd, markov_perfect),
        ("verify_markov_perfect", spd,
         lambda g: verify_markov_perfect(g, {"good": ("C", "D"), "poor": ("D", "D")})[0]),
        ("regime_switching", spd,
         lambda g: regime_switching({"a": g, "b": load_game(spd).with_defaults()}, {"a": {"b": "1/4"}}).game),
    ]


def _builders():
    """Low-level builders and the assessment checks, called directly (a review found them silent)."""
    from deterrence.solvers.stochastic.markov_perfect import pure_markov_perfect
    from deterrence.solvers.tree.agent_qre import agent_form
    from deterrence.solvers.tree.assessment import (bayes_beliefs, best_deviation_gains, continuation_value,
                                                    sequential_violations)
    from deterrence.solvers.tree.sequence_form import sequence_form
    entry = "entry_deterrence"
    fight = {("Entrant", "root"): {"out": 1, "in": 0}, ("Incumbent", "in"): {"fight": 1, "accommodate": 0}}
    mu = {("Entrant", "root"): {"root": 1}, ("Incumbent", "in"): {"in": 1}}
    return [
        ("sequence_form", entry, lambda t: (lambda sf: (sf.sequences, sf.A, sf.B))(sequence_form(t))),
        ("agent_form", entry, lambda t: (lambda g: [g.payoff(p) for p in (("in", "fight"), ("in", "accommodate"))])(
            agent_form(t))),
        ("continuation_value", entry, lambda t: continuation_value(t, "Incumbent", fight, [(("in",), 1)], best=True)),
        ("best_deviation_gains", entry, lambda t: best_deviation_gains(t, fight)),
        ("sequential_violations", entry, lambda t: sequential_violations(t, fight, mu)),
        ("bayes_beliefs", entry, lambda t: bayes_beliefs(t, fight)),
        ("pure_markov_perfect", "stochastic_prisoners_dilemma",
         lambda g: [e.action("poor", "A") for e in pure_markov_perfect(g)]),
    ]


def _repeated_tools():
    """Repeated-game tools a later review found silent (the noise chain, the finite horizon)."""
    from deterrence.solvers.repeated.finite_horizon import finite_horizon_spe, finite_one_shot_deviation
    from deterrence.solvers.repeated.noise_markov import analyse_noise, echo_effect, war_risk
    pd, tremble = "prisoners_dilemma", {"tremble": "1/10"}
    return [
        ("analyse_noise", pd, lambda g: analyse_noise(g, "tft", noise=tremble, within=5).long_run_payoffs),
        ("war_risk", pd, lambda g: war_risk(g, "tft", noise=tremble, within=5)),
        ("echo_effect", pd, lambda g: echo_effect(g, tremble, strategies=("tit_for_tat", "win_stay_lose_shift"))),
        ("finite_horizon_spe", pd, lambda g: finite_horizon_spe(g, 3).spe_payoffs),
        ("finite_one_shot_deviation", pd,
         lambda g: finite_one_shot_deviation(g, "grim_trigger", horizon=3, delta=1).deviations),
    ]


def _key(value):
    """What two runs must share: the equilibria (a result records the game it was given)."""
    if hasattr(value, "equilibria"):
        return [getattr(e, "describe", lambda e=e: e)() for e in value.equilibria]
    if isinstance(value, list) and value and hasattr(value[0], "describe"):
        return [e.describe() for e in value]
    return value


TOOLS = _tree_tools() + _other_tools() + _builders() + _repeated_tools()


@pytest.mark.parametrize("what, name, tool", TOOLS, ids=[f"{w}-{k}" for k, (w, _, _) in enumerate(TOOLS)])
def test_a_tool_warns_once_on_a_symbolic_game_and_solves_its_defaults(what, name, tool):
    game = load_game(name)
    assert game.is_symbolic
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        given = tool(game)
    said = [w for w in caught if issubclass(w.category, DefaultValuesWarning)]
    assert len(said) == 1, [str(w.message) for w in said]
    assert str(said[0].message).startswith(f"{what}") and "default values" in str(said[0].message)
    assert said[0].filename == __file__           # it points at the caller's line
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        at_defaults = tool(game.with_defaults())
    assert _key(given) == _key(at_defaults)


@pytest.mark.parametrize("name, method", [("entry_deterrence", m) for m in (
    "subgame_perfect", "sequence_lcp", "quasi_perfect", "sequential", "sequence_form", "tree_nash", "agent_qre")]
    + [("stochastic_prisoners_dilemma", "markov_perfect")])
def test_solve_says_it_in_its_notes_not_a_warning(name, method):
    from deterrence.solvers import solve
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        result = solve(load_game(name), method=method)
    assert any("default values" in n for n in result.notes)


def test_the_cli_solve_prints_no_warning(capsys):
    from deterrence.cli import main
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        main(["solve", "entry_deterrence"])
    out = capsys.readouterr()
    assert "DefaultValuesWarning" not in out.out + out.err and "default values" in out.out


def test_exact_deviation_gains_keep_the_parameters_and_say_nothing():
    """Only ``float=True`` takes the defaults: the exact gains of a symbolic stage game are formulas."""
    from deterrence.solvers.repeated.one_shot_deviation import deviation_gains
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        gains = deviation_gains(load_game("prisoners_dilemma"), "grim_trigger", delta="1/2")
    assert any(str(s) in ("T", "R", "P", "S") for d in gains for s in getattr(d.gain, "free_symbols", ()))


def test_fit_logit_qre_names_the_parameters_it_holds_at_their_defaults():
    """Fitting some payoff parameters holds the others at their defaults: said once, naming them."""
    from deterrence.solvers.inference.qre_fit import fit_logit_qre
    counts = {"Row": {"swerve": 30, "straight": 20}, "Column": {"swerve": 25, "straight": 25}}
    chicken = load_game("chicken")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fit_logit_qre(chicken, counts, parameters=("w",))
    said = [str(w.message) for w in caught if issubclass(w.category, DefaultValuesWarning)]
    assert len(said) == 1 and caught[0].filename == __file__, said
    assert said[0].startswith("fit_logit_qre: w fitted;") and "(l=1, crash=10)" in said[0]
    assert "with_parameters" in said[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        fit_logit_qre(chicken, counts, parameters=("w", "l", "crash"))      # nothing held: nothing said


@pytest.mark.parametrize("name, key", [("chicken", "equilibria"), ("entry_deterrence", "subgame_perfect")])
def test_the_report_says_the_defaults_in_its_text_and_json(name, key):
    """explain (deterrence report) solved a symbolic game at its defaults and said nothing: it says it
    as solve does, first in the section's lines and notes, and nothing for a game with values."""
    from deterrence import explain
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        report, exact = explain(load_game(name)), explain(load_game(name).with_defaults())
    section = next(s for s in report.sections if s.key == key)
    assert section.lines[0].startswith("Solved at the parameters' default values (")
    assert section.data["notes"][0].startswith("solved at the parameters' default values (")
    section = next(s for s in exact.sections if s.key == key)
    assert "default values" not in section.lines[0] + " ".join(section.data.get("notes", []))


def test_a_models_report_names_the_models_values_not_defaults():
    """A model's stage game holds the model's values as its defaults: explain(us_iran_model(W_iran=60))
    said 'Solved at the parameters' default values (..., W_iran=60)' of a value the caller set."""
    from deterrence import explain, us_iran_model
    section = explain(us_iran_model(W_iran=60)).section("equilibria")
    assert section.lines[0].startswith("Solved at the model's values (") and "W_iran=60" in section.lines[0]
    assert "default" not in section.lines[0] + " ".join(section.data["notes"])


def test_the_repeated_analysis_says_the_defaults_it_takes(capsys):
    """analyse_repeated (and deterrence repeated) analysed a symbolic stage game at its defaults and
    said nothing, where solve, fit and dynamics note them (a defaults review): a note in the text and
    notes in the JSON; values --set are named as set; a game with values has no note."""
    import json

    from deterrence import analyse_repeated
    from deterrence.cli import main
    pd = load_game("prisoners_dilemma")
    with warnings.catch_warnings():
        warnings.simplefilter("error", DefaultValuesWarning)
        symbolic, numeric = analyse_repeated(pd, delta="3/4"), analyse_repeated(pd.with_defaults(), delta="3/4")
    assert symbolic.notes == ("analysed at the parameters' default values (T=5, R=3, P=1, S=0)",)
    assert numeric.notes == () and "notes" not in numeric.to_json() and "Note:" not in numeric.to_text()
    assert symbolic.payoffs == numeric.payoffs
    assert main(["repeated", "prisoners_dilemma", "--delta", "3/4"]) == 0
    assert capsys.readouterr().out.rstrip().endswith(f"Note: {symbolic.notes[0]}")
    assert main(["repeated", "prisoners_dilemma", "--delta", "3/4", "--set", "T=6", "--json"]) == 0
    set_note = "analysed at T=6 (set); R=3, P=1, S=0 at their default values"
    assert json.loads(capsys.readouterr().out)["notes"] == [set_note]
