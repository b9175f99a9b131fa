"""The deterrence report agrees with the solvers, and red lines flip where they say."""
import json
import re
from fractions import Fraction

import pytest

import deterrence as dt
from deterrence.analysis.explain import explain
from deterrence.core.report import render
from deterrence.analysis.redlines import pure_equilibrium_set, red_lines
from deterrence.solvers.certify import expected_payoffs_against


@pytest.fixture(scope="module")
def us_iran():
    return dt.load_game("us_iran_stage")


def test_equilibria_section_matches_solver(us_iran):
    report = explain(us_iran)
    data = report.section("equilibria").data
    solved = dt.solve(us_iran.with_defaults())
    assert data["equilibria"] == [e.to_json() for e in solved.equilibria]
    assert data["puts_weight_on_escalation"] is True  # war, and the mixed equilibrium
    restraint = data["restraint_equilibria"]
    assert [solved.equilibria[k].describe().split("  ")[0] for k in restraint] == \
        ["US: retaliate; Iran: retaliate"]


def test_margins_are_deviation_losses(us_iran):
    game = us_iran.with_defaults()
    report = explain(us_iran)
    margins = report.section("margins").data
    eq = dt.solve(game).equilibria[margins["equilibrium"]]
    for i, row in enumerate(margins["players"]):
        values = expected_payoffs_against(game, eq.strategies, i)
        assert Fraction(row["escalation_payoff"]) == values[2]
        assert Fraction(row["loss"]) == max(values[:2]) - values[2] > 0
    # Iran's war is costlier, so its margin is larger
    assert Fraction(margins["players"][1]["loss"]) > Fraction(margins["players"][0]["loss"])


def test_red_lines_flip_exactly_at_their_thresholds(us_iran):
    lines = red_lines(us_iran)
    assert {line_.parameter for line_ in lines} >= {"W_us", "W_iran"}
    base = pure_equilibrium_set(us_iran.with_defaults())
    for line in lines:
        eps = Fraction(1, 10 ** 6)
        inside = line.threshold + (eps if line.direction == "below" else -eps)
        outside = line.threshold - (eps if line.direction == "below" else -eps)
        assert pure_equilibrium_set(us_iran.subs({line.parameter: inside})) == base
        flipped = pure_equilibrium_set(us_iran.subs({line.parameter: outside}))
        assert flipped != base
        assert set(line.lost) == base - flipped and set(line.gained) == flipped - base
    w_iran = next(line_ for line_ in lines if line_.parameter == "W_iran")
    assert w_iran.threshold == us_iran.parameters["b_iran"] and w_iran.formula == "b_iran"


def test_renderings(us_iran):
    report = explain(us_iran)
    text = render(report, "text")
    assert "Margins against escalation" in text and "Tipping points" in text and "Red lines" not in text
    assert "## Tipping points" in render(report, "markdown")
    assert json.loads(render(report, "json"))["margins"]["players"][0]["player"] == "US"
    assert "<h4>Equilibria</h4>" in report._repr_html_()


def test_no_restraint_game():
    pd = dt.NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
                                       actions=[["hold", "escalate"]] * 2)
    report = explain(pd)
    assert report.section("equilibria").data["restraint_equilibria"] == []
    assert report.section("margins").data["players"] == []


def test_red_lines_keep_costs_non_negative(us_iran):
    assert all(not (line_.direction == "below" and line_.threshold <= 0) for line_ in red_lines(us_iran))
    assert any(line_.threshold < 0 for line_ in red_lines(us_iran, keep_sign=False))


@pytest.fixture(scope="module")
def model_report():
    from deterrence.models.us_iran import us_iran_model
    model = us_iran_model()
    return model, explain(model)


def test_model_report_numbers_come_from_the_solvers(model_report):
    from deterrence.solvers.repeated.critical_delta import critical_delta
    from deterrence.solvers.repeated.noise_markov import analyse_noise
    from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
    model, report = model_report
    shadow = report.section("shadow_of_the_future").data
    crit = critical_delta(model.stage, list(model.strategies), noise="none")   # as intended
    assert shadow["critical_delta"] == str(crit.critical) == "3/4"
    from deterrence.io._common import format_formula
    assert shadow["critical_delta_formula"] == format_formula(crit.critical_symbolic)     # the parser reads it back
    assert Fraction(shadow["distance"]) == model.delta - Fraction(3, 4)
    stage = model.stage.with_defaults()
    # the threshold is a real red line: SPE just above it, not just below
    assert one_shot_deviation(stage, list(model.strategies), delta=Fraction(3, 4) + Fraction(1, 1000),
                              noise="none").subgame_perfect
    assert not one_shot_deviation(stage, list(model.strategies), delta=Fraction(3, 4) - Fraction(1, 1000),
                                  noise="none").subgame_perfect
    noise = report.section("miscalculation").data
    a = analyse_noise(stage, list(model.strategies), delta=model.delta, noise=model.noise, within=model.within)
    assert Fraction(noise["war_probability"]) == a.war_probability
    # the model's noise misfires only militia strikes, which contained tit-for-tat never intends
    # on its path: no war. With execution errors on both sides a spiral has a chance:
    from deterrence.models.us_iran import us_iran_model
    both = us_iran_model(noise={"execution": "1/50"})
    b = analyse_noise(stage, list(both.strategies), delta=both.delta, noise=both.noise, within=both.within)
    assert a.war_probability == 0 and 0 < b.war_probability < 1
    assert Fraction(explain(both).section("miscalculation").data["war_probability"]) == b.war_probability
    assert report.section("proxies").data["lands_on_us_forces"] is True


def test_model_red_line_in_war_cost_flips_the_report():
    from deterrence.models.us_iran import us_iran_model
    cheap_war = explain(us_iran_model(W_iran=1))
    assert cheap_war.section("equilibria").data["restraint_equilibria"] == []


def test_report_command_default_and_json(capsys):
    from deterrence.cli import main
    assert main(["report", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    # the default is the fitted stochastic model of the case, with the keys issue 13 names
    assert {"calibration", "record", "predicted", "equilibrium"} <= set(data)
    assert all({"unit", "source"} <= set(v) for v in data["calibration"].values())
    assert data["predicted"]["war_probability"]["horizon_months"] == 26
    assert 0 <= data["predicted"]["war_probability"]["value"] < 1
    assert data["equilibrium"]["verified_under_noise"] in (True, False)
    # the prediction agrees with the fitted model's own analysis
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    m = us_iran_exchange_model()
    assert m.analyse().predicted["attacks_per_month"] == data["predicted"]["attacks_per_month"]
    assert main(["report", "entry_deterrence"]) == 0
    assert "would not carry out" in capsys.readouterr().out


@pytest.mark.parametrize("game", [None, "chicken", "entry_deterrence"])
def test_report_plot_writes_a_figure(tmp_path, capsys, game):
    from deterrence.cli import main
    path = tmp_path / "report.png"
    assert main(["report"] + ([game] if game else []) + ["--plot", str(path)]) == 0
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 5000


def test_model_report_follows_the_regime():
    from deterrence.analysis.maps import regime_at
    from deterrence.models.us_iran import us_iran_model
    for delta, W, regime in [("9/10", 50, "mutual restraint"), ("1/2", 50, "exchange every round"),
                             ("9/10", 1, "escalation/war")]:
        report = explain(us_iran_model(delta=delta, W_iran=W))
        assert report.section("regime").data["regime"] == regime
        point = regime_at(Fraction(delta), W_iran=W)
        assert report.section("miscalculation").data["war_probability_float"] == pytest.approx(point["war_probability"])
    assert "costs each side" not in explain(us_iran_model(W_iran=1)).summary


@pytest.mark.parametrize("name", ["proxy_target_selection", "us_iran_escalation_ladder", "entry_deterrence"])
def test_tree_red_lines_flip_on_each_side(name):
    import sympy
    from deterrence.core.symbolic import parameter_symbol
    from deterrence.analysis.redlines import _tree_conclusion, tree_red_lines
    tree = dt.load_game(name)
    lines = tree_red_lines(tree, keep_sign=False)     # entry deterrence's one line is at d = 0
    assert lines
    base = _tree_conclusion(tree.with_defaults())
    for line in lines:
        eps = Fraction(1, 10 ** 6)
        inside = line.threshold + (eps if line.direction == "below" else -eps)
        outside = line.threshold - (eps if line.direction == "below" else -eps)
        assert _tree_conclusion(tree.subs({line.parameter: inside})) == base
        assert _tree_conclusion(tree.subs({line.parameter: outside})) != base
        if line.formula:                                # a formula: it gives the threshold at the values
            others = {parameter_symbol(k): sympy.Rational(str(Fraction(v)))
                      for k, v in tree.parameters.items() if k != line.parameter}
            formula = sympy.sympify(line.formula, locals={k: parameter_symbol(k) for k in tree.parameters})
            assert formula.xreplace(others) == sympy.Rational(str(line.threshold))


def test_tree_report_has_red_lines():
    report = explain(dt.load_game("proxy_target_selection"))
    assert report.section("red_lines").data["red_lines"]
    assert report.section("credibility").data["credibility"]


@pytest.mark.parametrize("name", ["entry_deterrence", "us_iran_escalation_ladder", "proxy_target_selection"])
def test_a_noncredible_threat_has_one_json_form_in_the_report_and_the_command(name, capsys):
    # the command and the report wrote their own JSON of a threat and disagreed (issue 12: the
    # command gave payoffs, the report did not; str against format_exact for the gain)
    from deterrence.cli import main
    from deterrence.solvers.tree.threats import noncredible_threats
    tree = dt.load_game(name)
    assert main(["solve", name, "--json"]) == 0
    command = json.loads(capsys.readouterr().out)["credibility"]
    report = explain(tree).section("credibility").data["credibility"]
    assert command == report
    explanations = noncredible_threats(tree.with_defaults())
    assert [e["profile"] for e in report] == [list(e.profile) for e in explanations]
    for entry, e in zip(report, explanations):
        assert entry["payoffs"] == [dt.format_exact(v) for v in e.payoffs]
        for shown, t in zip(entry["threats"], e.threats):
            # the gain is what breaking the threat is worth: the better move's payoff less the planned one's
            assert Fraction(shown["gain"]) == Fraction(str(t.better_payoff)) - Fraction(str(t.planned_payoff)) > 0


def test_explain_us_iran_computes_each_solver_result_once(monkeypatch, tmp_path):
    """One explain(us_iran_model()): the stage game is solved once, each deviation check,
    the critical delta and the noise chain once, and the carrier is not rebuilt from the file."""
    from collections import Counter
    import deterrence.solvers as solvers
    import deterrence.solvers.repeated.critical_delta as cd
    import deterrence.solvers.repeated.noise_markov as nm
    import deterrence.solvers.repeated.one_shot_deviation as osd
    from deterrence.models.us_iran import us_iran_model
    model = us_iran_model()
    calls, keys = Counter(), Counter()
    # critical_delta keeps its symbolic conditions (session and cache folder): start without them
    import deterrence.core.cache as cache
    monkeypatch.setenv("DETERRENCE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(cache, "_SESSION", {})
    monkeypatch.setattr(cd, "_ROOTS", {})

    def counting(module, name):
        original = getattr(module, name)

        def wrapper(game, *args, **kwargs):
            calls[name] += 1
            noise = getattr(game, "noise", None)
            keys[(name, getattr(game, "delta", None), None if noise is None else str(noise.to_dict()))] += 1
            return original(game, *args, **kwargs)
        monkeypatch.setattr(module, name, wrapper)

    counting(solvers, "solve")
    counting(osd, "one_shot_deviation")
    counting(cd, "deviation_gains")
    counting(cd, "critical_delta")
    counting(nm, "analyse_noise")
    import deterrence.core.repeated as core_repeated
    counting(core_repeated, "repeated_section")
    report = explain(model)
    assert report.section("regime").data["regime"] == "mutual restraint"
    keys_of_sections = [s.key for s in report.sections]
    assert len(keys_of_sections) == len(set(keys_of_sections))      # each section once
    assert calls["solve"] == 1
    assert calls["critical_delta"] == 1 and calls["deviation_gains"] == 1
    assert calls["analyse_noise"] == 1
    # one check as intended and one under the model's noise: two distinct results, each once
    assert calls["one_shot_deviation"] == 2
    assert all(n == 1 for n in keys.values()), keys
    # the game file's [repeated] section is not read again: the model carries its RepeatedGame
    assert calls["repeated_section"] == 0


class _TinyModel:
    """A model of the explain protocol that is not the US–Iran model."""

    title = "tiny"

    def analyse(self):
        return {"answer": 42}

    def report(self, analysis, sections, *, title=None):
        from deterrence.core.report import DeterrenceReport, Section
        stage = sections.stage(dt.load_game("chicken"))
        return DeterrenceReport(title or self.title, tuple(stage) + (
            Section("answer", "Answer", (str(analysis["answer"]),), analysis),))


def test_explain_dispatches_on_the_model_protocol_not_on_a_class():
    import inspect
    import deterrence.analysis.explain as ex
    import deterrence.analysis.maps as maps
    report = explain(_TinyModel(), title="T")
    assert report.title == "T" and report.section("answer").data == {"answer": 42}
    assert report.section("equilibria").data["equilibria"]
    source = inspect.getsource(ex) + inspect.getsource(maps)
    for case_code in ("isinstance(obj, USIranModel)", "Israeli strike", '"answer_us"',
                      "from deterrence.analysis.explain import"):
        assert case_code not in source, case_code


# --- one meaning per word: the generic report against the glossary of the case report ---

_GLOSSARY_POINTS = [{}, {"delta": "1/2"}, {"W_iran": 1}, {"delta": "1/2", "W_iran": 1}]
# wording that states a parameter threshold (a tipping point in the glossary)
_THRESHOLD_WORDS = ("rises above", "falls below", "delta*", "threshold", "stops being")


def _model_reports():
    from deterrence.models.us_iran import us_iran_model
    return [dt.explain(us_iran_model(**values)) for values in _GLOSSARY_POINTS]


def _cli_report_text(capsys, *args):
    from deterrence.cli import main
    capsys.readouterr()
    assert main(["report", *args]) == 0
    return capsys.readouterr().out


def _lines(report):
    """Every sentence-bearing line of a report: title, headline, section titles and lines."""
    return [report.title, report.summary or ""] + [t for s in report.sections for t in (s.title, *s.lines)]


def test_the_generic_report_uses_each_glossary_word_in_its_one_meaning(capsys):
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    # the meanings this test holds the old report to are the glossary's
    assert "holding" in GLOSSARY["restraint"]
    # the line itself, not an equilibrium property (mutual escalation crosses it on purpose)
    assert GLOSSARY["red line"].startswith("the step from a limited strike to escalation")
    assert "by intent" in GLOSSARY["red line"] and "does not cross it on purpose" not in GLOSSARY["red line"]
    assert GLOSSARY["tipping point"].startswith("a parameter value at which an equilibrium stops")
    assert "regular limited strikes" in GLOSSARY["contained exchange"]
    texts = [line for report in _model_reports() for line in _lines(report)]
    texts += _cli_report_text(capsys, "us_iran_stage").splitlines()
    texts += _cli_report_text(capsys, "proxy_target_selection").splitlines()
    for line in texts:
        low = line.lower()
        if "restraint" in low:        # restraint is holding, never the exchange of strikes
            assert "retaliate, retaliate" not in low and "us: retaliate; iran: retaliate" not in low, line
        if "red line" in low:         # a red line is a behaviour; parameter thresholds are tipping points
            assert not any(w in low for w in _THRESHOLD_WORDS), line
    # the sections of parameter thresholds carry the glossary's name
    for report in _model_reports() + [explain(dt.load_game("us_iran_stage")),
                                      explain(dt.load_game("proxy_target_selection"))]:
        assert report.section("red_lines").title == "Tipping points"
        assert all("red line" not in s.title.lower() for s in report.sections)


def test_the_model_report_names_regimes_and_headlines_by_what_holds_under_its_noise():
    from deterrence.models.us_iran import REGIMES
    from deterrence.models.us_iran_exchange_report import GLOSSARY
    # the teaching model's regime 1 (both sides strike every round) is not the case report's
    # contained exchange (a Markov profile in which the US answers only deadly attacks): its own name
    assert "tit-for-tat" not in REGIMES[1] and REGIMES[1] not in GLOSSARY
    assert "every round" in REGIMES[1] and "contained exchange" not in REGIMES
    for values, report in zip(_GLOSSARY_POINTS, _model_reports()):
        regime = report.section("regime").data
        shadow = report.section("shadow_of_the_future").data
        noise = report.section("miscalculation").data
        # a regime named after a profile is one where that profile is subgame perfect (without noise)
        if "tit-for-tat" in regime["regime"]:
            assert shadow["subgame_perfect"], values
        if regime["regime"] == REGIMES[1]:
            assert noise["strategies"] == ["exchange_every_round", "exchange_every_round"]
        gains = [d for d in noise.get("deviations_under_noise", []) if Fraction(d["gain"]) > 0]
        assert bool(gains) == (noise.get("subgame_perfect_under_noise") is False), values
        if gains:
            # the headline calls nothing subgame perfect without saying "without noise" ...
            for sentence in report.summary.split(". "):
                if "subgame perfect" in sentence and " not " not in sentence:
                    assert "without noise" in sentence, (values, sentence)
            # ... and gives the gains the miscalculation section reports
            for d in gains:
                best = max(Fraction(e["gain"]) for e in gains if e["player"] == d["player"])
                assert f"{d['player']} +{float(best):.2f}" in report.summary, (values, report.summary)
            assert "stay below all-out war" not in report.title, values
        # the title follows the regime
        if regime["regime"] == "escalation/war":
            assert "war" in report.title and "stay below" not in report.title, values


def test_the_model_report_gives_times_in_days_months_years():
    from deterrence.models.us_iran import us_iran_model
    model = us_iran_model(noise={"execution": "1/50"})     # errors on both sides: war comes in time
    noise = dt.explain(model).section("miscalculation")
    text = " ".join(noise.lines)
    assert "Expected rounds until war" not in text and "years" in text and "months" in text
    rounds = Fraction(noise.data["expected_rounds_to_war"])
    assert noise.data["round_days"] == "7" and Fraction(noise.data["round_days"]) == model.round_days == 7
    # the toolkit's one calendar (core.stochastic): 365 days a year
    assert noise.data["expected_years_to_war"] == pytest.approx(float(rounds) * 7 / 365)
    assert f"{float(rounds) * 7 / 365:.1f} years" in text
    # the stage game's file gives its round the same week ([repeated] round_days = 7) ...
    stage = dt.explain(dt.load_game("us_iran_stage"), delta="9/10").section("miscalculation")
    assert stage.data["round_days"] == "7" and "rounds of 7 days" in " ".join(stage.lines)
    # ... a game that gives a round no length in time says so, and counts rounds
    plain = dt.explain(dt.load_game("spiral_model"), delta="9/10").section("miscalculation")
    assert plain.data["round_days"] is None and "no length in time" in " ".join(plain.lines)


def test_an_irrational_tree_tipping_point_is_given_by_its_formula_not_a_long_fraction():
    import mpmath
    from deterrence.analysis.redlines import _threshold_in, _tree_conclusion, tree_red_lines
    from deterrence.core.tree import GameTree, decision, terminal
    tree = GameTree(decision("A", {"in": terminal(["x**2", "0"]), "out": terminal(["2", "0"])}),
                    players=["A", "B"], parameters={"x": 1})
    line, = tree_red_lines(tree, ["x"])
    assert (line.exact, line.formula, line.direction) == (False, "sqrt(2)", "above")
    with mpmath.workdps(30):
        assert line.to_json()["threshold"] == mpmath.nstr(mpmath.sqrt(2), 20) == "1.4142135623730950488"
    assert "≈ 1.414213562 (= sqrt(2))" in line.describe()
    base = _tree_conclusion(tree.with_defaults())
    eps = Fraction(1, 10 ** 9)
    assert _tree_conclusion(tree.subs({"x": line.threshold - eps})) == base
    assert _tree_conclusion(tree.subs({"x": line.threshold + eps})) != base
    # without a formula (imperfect information), a bracket too narrow for a simple fraction:
    # the midpoint, inexact, shown to the 12 digits the bisection knows
    lo, hi = Fraction(141421356237, 10 ** 11), Fraction(141421356238, 10 ** 11)
    threshold, formula, exact = _threshold_in(lo, hi, [], "x", {"x": 1})
    assert (formula, exact) == ("", False) and lo <= threshold <= hi
    rational, formula, exact = _threshold_in(Fraction(1, 3) - eps, Fraction(1, 3) + eps, [], "x", {"x": 1})
    # exact, but no formula was matched: none is claimed (the JSON's formula was the numeral "1/3")
    assert (rational, formula, exact) == (Fraction(1, 3), "", True)


def _three_player_game(seed, shape=(3, 3, 2)):
    import numpy as np
    rng = np.random.default_rng(seed)
    return dt.NormalFormGame.from_payoff_arrays([rng.integers(0, 10, size=shape).astype(object) for _ in shape])


def test_a_three_player_report_lists_every_equilibrium_and_its_sections_agree():
    """(A helper's review, stop 36.) explain() on three or more players solved for pure equilibria
    only, without saying so: the irrational 2x2x2 game's report said "Every equilibrium puts
    weight on escalation." over an empty list, then "No equilibrium puts any weight on
    escalation."; a 3x3x2 game whose one equilibrium without escalation is mixed was called
    undeterrable. Now every equilibrium (nplayer), and the margins at the mixed restraint one."""
    irrational = dt.load_game("irrational_three_player")
    report = explain(irrational)
    section = report.section("equilibria")
    assert len(section.data["equilibria"]) == len(dt.solve(irrational)) == 1 and section.data["complete"]
    assert report.summary.startswith("Every equilibrium puts weight on escalation. (Escalation here is the last "
                                     "action of each player, as the game names none escalate: A bottom, B right")
    assert "1 of 1 equilibria put weight on escalation: 0." in section.lines
    game = _three_player_game(10203)
    report = explain(game)
    solved = dt.solve(game)
    assert [e["strategies"] for e in report.section("equilibria").data["equilibria"]] == [
        e.to_json()["strategies"] for e in solved]
    assert report.summary.startswith("Escalation can be deterred")
    k = report.section("margins").data["equilibrium"]
    eq = solved[k]
    assert not eq.is_pure and all(s[-1] == 0 for s in eq.strategies)        # mixed, no escalation
    for i, row in enumerate(report.section("margins").data["players"]):      # each loss: the deviation's cost
        values = expected_payoffs_against(game, eq.strategies, i)
        assert Fraction(row["loss"]) == max(v for a, v in enumerate(values) if a != len(values) - 1) - values[-1]


@pytest.mark.parametrize("seed", range(6))
def test_the_summary_and_the_equilibria_section_agree_on_three_player_games(seed):
    """The summary, the equilibria section and the margins section say the same thing about
    escalation (random 3x3x2 and 2x2x2 games, payoffs 0..9)."""
    game = _three_player_game(seed, [(3, 3, 2), (2, 2, 2)][seed % 2])
    report = explain(game)
    data = report.section("equilibria").data
    restraint = data["restraint_equilibria"]
    assert restraint == [k for k, w in enumerate(data["escalation_weight"]) if all(Fraction(p) == 0 for p in w)]
    assert report.summary.startswith("Escalation can be deterred") == bool(restraint)
    assert (report.section("margins").data["equilibrium"] is None) == (not restraint)
    assert bool(data["equilibria"]) and len(data["equilibria"]) == len(dt.solve(game))


def test_a_three_player_game_above_the_size_guard_reports_its_pure_equilibria_and_says_so():
    """A 6x6x6 game (250,047 support profiles, over nplayer's guard of 1,000): the report lists
    the pure equilibria, with the guard's message first, and marks the list incomplete."""
    game = _three_player_game(0, (6, 6, 6))
    report = explain(game)
    section = report.section("equilibria")
    assert section.lines[0].startswith("Pure equilibria only: this 6x6x6 game has 250,047 support profiles")
    assert section.data["method"] == "pure" and not section.data["complete"]
    assert len(section.data["equilibria"]) == len(dt.solve(game, "pure"))


def _two_by_two(payoffs, x):
    rows = "\n".join(f'"{k}" = [{", ".join(v)}]' for k, v in payoffs.items())
    from deterrence.io.toml_format import parse_toml_game
    return parse_toml_game(
        'players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l", "r"]\n'
        f'[parameters]\nx = {{ value = "{x}" }}\n[payoffs]\n{rows}\n')


def test_tipping_points_that_are_irrational_at_the_current_value_or_behind_a_max():
    """A bug hunt: a threshold x = sqrt(3) and one at the current value were left out (the report
    said no change within reach flips the result), and a payoff max(x, 3/2) crashed the report
    ("multiple generators"). Each is now found, and checked by stepping across it."""
    irrational = _two_by_two({"u, l": ['"x^2 - 2"', "1"], "u, r": ["0", "0"], "d, l": ["1", "0"],
                              "d, r": ["0", "1"]}, 2)
    (line,) = red_lines(irrational)
    assert line.direction == "below" and not line.exact and line.formula == "sqrt(3)"
    assert abs(float(line.threshold) - 3 ** 0.5) < 1e-25 and line.lost == (("u", "l"),)
    assert ("u", "l") in pure_equilibrium_set(irrational.subs({"x": Fraction(174, 100)}))
    assert ("u", "l") not in pure_equilibrium_set(irrational.subs({"x": Fraction(173, 100)}))
    assert "≈ 1.732050808 (= sqrt(3))" in explain(irrational).to_text()
    at_current = _two_by_two({"u, l": ["1", "1"], "u, r": ["0", '"x"'], "d, l": ['"x"', "0"],
                              "d, r": ['"1/3"', '"1/3"']}, 1)
    lines = red_lines(at_current)
    assert [(r.direction, r.threshold, r.lost) for r in lines] == [("above", 1, (("u", "l"),))]
    assert ("u", "l") not in pure_equilibrium_set(at_current.subs({"x": Fraction(101, 100)}))
    with_max = _two_by_two({"u, l": ['"max(x, 3/2)"', "1"], "u, r": ["0", '"x"'], "d, l": ['"x"', "0"],
                            "d, r": ['"1/3"', '"1/3"']}, 2)
    text = explain(with_max).to_text()                     # it raised NotImplementedError
    found = red_lines(with_max)
    assert [(r.direction, r.threshold, r.gained) for r in found] == [("below", 1, (("u", "l"),))]
    for r in found:
        beyond = r.threshold + (Fraction(1, 100) if r.direction == "above" else -Fraction(1, 100))
        flipped = pure_equilibrium_set(with_max.subs({"x": beyond}))
        assert set(r.gained) <= flipped and not set(r.lost) & flipped, r
        assert r.describe() in text


def test_tipping_points_of_gaps_sympy_solves_badly_are_found_and_checked():
    """A bug hunt: a gap sympy.solve cannot solve gave no roots, silently (the report said no change
    within reach flips the result): a quintic with another parameter in it (sympy.solve: []), and
    one with abs and max, on which sympy.solve ran for minutes; and a real root that sympy writes
    with complex radicals (Cardano) was dropped as not real. Each is now found: the quintic by
    the scan at the values (inexact), the piecewise gap piece by piece; each is checked by
    stepping across it."""
    from deterrence.analysis.redlines import threshold_formulas
    from deterrence.io.toml_format import parse_toml_game
    quintic = parse_toml_game(
        'players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l", "r"]\n'
        '[parameters]\nx = { value = "2" }\ny = { value = "1" }\n[payoffs]\n'
        '"u, l" = ["x^5 - x - y + 1", 1]\n"u, r" = [0, 0]\n"d, l" = [1, 0]\n"d, r" = [0, 1]\n')
    solved, unsolved = threshold_formulas(quintic, "x")
    assert unsolved and not solved          # the gap and its negative (the deviation the other way)
    (line,) = red_lines(quintic, ["x"])
    assert (line.direction, line.exact, line.formula, line.lost) == ("below", False, "", (("u", "l"),))
    assert abs(float(line.threshold) - 1.1673039782614187) < 1e-12
    for step, holds in ((Fraction(1, 10**9), True), (-Fraction(1, 10**9), False)):
        assert (("u", "l") in pure_equilibrium_set(quintic.subs({"x": line.threshold + step}))) == holds
    assert line.describe().startswith("if x falls below ≈ 1.16730397") and "(= )" not in line.describe()
    assert line.describe() in explain(quintic).to_text()
    cardano = _two_by_two({"u, l": ['"abs(x^3 - 2) - max(x, 1) + 1"', "1"], "u, r": ["0", "0"],
                           "d, l": ["1", "0"], "d, r": ["0", "1"]}, 2)
    (line,) = red_lines(cardano)       # sympy.solve ran for minutes on this gap
    assert (line.direction, line.exact, line.lost) == ("below", False, (("u", "l"),))
    assert abs(float(line.threshold) - 1.5213797068045676) < 1e-12     # x^3 - 2 = x
    for step, holds in ((Fraction(1, 10**9), True), (-Fraction(1, 10**9), False)):
        assert (("u", "l") in pure_equilibrium_set(cardano.subs({"x": line.threshold + step}))) == holds
    # a review: abs around such a quintic was lost (sympy.solve: []), two roots between the scan's
    # grid points were missed (the nearest threshold was then wrong), and a Cardano root that is
    # 1 at the values was flagged inexact; a polynomial at the values has its real roots isolated
    def game(payoff, x, y):
        return parse_toml_game(
            'players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l", "r"]\n'
            f'[parameters]\nx = {{ value = "{x}" }}\ny = {{ value = "{y}" }}\n[payoffs]\n'
            f'"u, l" = ["{payoff}", 1]\n"u, r" = [0, 0]\n"d, l" = [1, 0]\n"d, r" = [0, 1]\n')
    for payoff, x, y, nearest, exact in [("abs(x^5 - x - y)", 0, 0, 1.1673039782614187, False),
                                         ("(x-3)^5 - (x-3) - y + 1", 0, "1/2", 2.230900296822104, False),
                                         ("x^3 + x - y + 1", 3, 2, 1, True)]:
        g = game(payoff, x, y)
        (line,) = red_lines(g, ["x"])
        assert abs(float(line.threshold) - nearest) < 1e-12 and line.exact == exact, payoff
        step = Fraction(1, 10**9) * (1 if line.direction == "above" else -1)
        assert set(line.gained) <= pure_equilibrium_set(g.subs({"x": line.threshold + step})), payoff
        assert not set(line.gained) & pure_equilibrium_set(g.subs({"x": line.threshold - step})), payoff
        assert not set(line.lost) & pure_equilibrium_set(g.subs({"x": line.threshold + step})), payoff
    nested = _two_by_two({"u, l": ['"max(x, min(x^2, 3)) - abs(x - 1)"', "1"], "u, r": ["0", "0"],
                          "d, l": ["1", "0"], "d, r": ["0", "1"]}, 2)
    (line,) = red_lines(nested)
    assert (line.direction, line.threshold, line.exact, line.lost) == ("below", 1, True, (("u", "l"),))
    assert line.describe() == "if x falls below 1 (now 2): (u, l) stops being an equilibrium"


def test_tree_tipping_points_at_a_chance_probabilitys_end_are_not_artefacts(tmp_path):
    """A bug hunt: a chance move of probability p to two nodes of one information set gave "if p
    falls below 0: ... stops being an equilibrium" (at p = 0 a terminal is reached with
    probability 0, the play the same), missed what is lost at p = 2/3, and at p = 1 reported only
    an artefact below 1; entry deterrence's line below d = 0 left out that (in) is lost."""
    from deterrence.analysis.redlines import tree_red_lines
    path = tmp_path / "chance.toml"
    path.write_text('players = ["P1", "P2"]\n[parameters]\np = { value = "1/3" }\n[tree]\n'
                    'probabilities = { hard = "p", soft = "1 - p" }\n'
                    '[tree.moves.hard]\nplayer = "P1"\ninfoset = "I"\nmoves.a = [1, 0]\nmoves.b = [0, 1]\n'
                    '[tree.moves.soft]\nplayer = "P1"\ninfoset = "I"\nmoves.a = [0, 2]\nmoves.b = [2, 0]\n')
    tree = dt.load_game(path)
    a, b = ("play ending at hard/a or soft/a",), ("play ending at hard/b or soft/b",)
    assert [(r.direction, r.threshold, r.gained, r.lost) for r in tree_red_lines(tree)] == \
        [("above", Fraction(2, 3), (a,), (b,))]
    at_one = tree.with_parameters(p=1)
    assert [(r.direction, r.threshold, r.gained, r.lost) for r in tree_red_lines(at_one)] == \
        [("below", Fraction(2, 3), (b,), (a,))]
    (line,) = tree_red_lines(dt.load_game("entry_deterrence"), ["d"], keep_sign=False)
    assert line.lost == (("play ending at in/accommodate",),) and line.gained == (("play ending at out",),)
    # an error review: with keep_sign, a tie at 0 reached from above is no line ("r falls below 0"
    # for brinkmanship's chance probability r; "d falls below 0" needs a negative duopoly profit)
    assert tree_red_lines(dt.load_game("entry_deterrence"), ["d"]) == ()
    brink = tree_red_lines(dt.load_game("brinkmanship"))
    assert brink and all(not (r.direction == "below" and r.threshold <= 0) for r in brink)
    assert all(0 <= r.threshold <= 1 for r in brink if r.parameter == "r")
    # a second threshold close past the first (a review: a fixed step past the tie crossed it and
    # named a, which plays only past 1.00001)
    close = tmp_path / "close.toml"
    close.write_text('players = ["P1", "P2"]\n[parameters]\nx = { value = 0 }\n[tree]\nplayer = "P1"\n'
                     'moves.a = ["x - 1/100000", 0]\nmoves.b = [1, 0]\nmoves.c = ["2 - x", 0]\n')
    (line,) = tree_red_lines(dt.load_game(close))
    assert (line.threshold, line.gained, line.lost) == (1, (("play ending at b",),), (("play ending at c",),))


def test_the_teaching_models_headline_agrees_with_its_war_risk():
    """A review: the headline said "proxies answer Israel by hitting the exposed US forces" beside a
    war probability of exactly 0, and the expected time to war read "never certain"."""
    from deterrence.models.us_iran import us_iran_model
    report = dt.explain(us_iran_model())
    risk = report.section("miscalculation")
    assert risk.data["war_probability"] in ("0", 0) or float(risk.data["war_probability"]) == 0
    assert "war has probability 0" in report.summary and "separate proxy game" in report.summary
    assert any("none: war never comes" in line for line in risk.lines)
    assert "never certain" not in report.to_text()


def test_a_gap_that_changes_sign_at_a_pole_gives_a_tipping_point_there():
    """Noticed at stop 38: a payoff 1/(x - 2) changes sign at x = 2, where its gap has a pole and
    no root; the tipping point there was left out (the report said x could fall as far as it
    liked). The poles are candidates now, in the formulas and at the values (a quintic
    denominator with another parameter in it), each checked by stepping across it."""
    cases = [('"1/(x-2)"', 3, [("below", 2, (), (("u", "l"),))]),
             ('"1/(x-2)"', 1, [("above", 2, (("u", "l"),), ())]),
             ('"(x-5)/(x-2)"', 3, [("below", 2, (("u", "l"),), ()), ("above", 5, (("u", "l"),), ())])]
    for payoff, x, expected in cases:
        g = _two_by_two({"u, l": [payoff, "1"], "u, r": ["0", "0"], "d, l": ["0", "0"], "d, r": ["0", "1"]}, x)
        lines = red_lines(g, keep_sign=False)
        assert [(r.direction, r.threshold, r.gained, r.lost) for r in lines] == expected, payoff
        for r in lines:
            step = Fraction(1, 10**6) * (1 if r.direction == "above" else -1)
            assert set(r.gained) <= pure_equilibrium_set(g.subs({"x": r.threshold + step}))
            assert not set(r.gained) & pure_equilibrium_set(g.subs({"x": r.threshold - step}))
            assert r.describe() in explain(g).to_text()
    from deterrence.io.toml_format import parse_toml_game
    quintic_pole = parse_toml_game(
        'players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l", "r"]\n'
        '[parameters]\nx = { value = "2" }\ny = { value = "1" }\n[payoffs]\n'
        '"u, l" = ["1/(x^5 - x - y)", 1]\n"u, r" = [0, 0]\n"d, l" = [0, 0]\n"d, r" = [0, 1]\n')
    (line,) = red_lines(quintic_pole, ["x"])
    assert (line.direction, line.exact, line.lost) == ("below", False, (("u", "l"),))
    assert abs(float(line.threshold) - 1.1673039782614187) < 1e-12


def test_changing_a_report_changes_no_other_report():
    """A report's data and its JSON are copies: the session's cache shares one analysis between
    every report of a model, and a review that set a war probability in one report's JSON saw the
    next report's headline say 50% (an architecture review)."""
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    first = explain(us_iran_exchange_model(fitted=False))
    before = first.to_json()["predicted"]["war_probability"]["value"]
    first.to_json()["predicted"]["war_probability"]["value"] = 0.999          # an ordinary copy: free to change
    with pytest.raises(TypeError, match="immutable value"):
        first.section("predicted").data["war_probability"]["value"] = 0.5      # the report itself: read-only
    from deterrence.analysis.model_cache import analyse_model
    with pytest.raises(TypeError, match="immutable value"):
        analyse_model(us_iran_exchange_model(fitted=False)).predicted["war_probability"] = 0.5
    assert first.to_json()["predicted"]["war_probability"]["value"] == before
    again = explain(us_iran_exchange_model(fitted=False))
    assert again.to_json()["predicted"]["war_probability"]["value"] == before != 0.5
    assert "50.0%" not in again.to_text()


def test_the_miscalculation_section_says_what_the_noise_changed():
    """spiral_model's tit-for-tat is not subgame perfect with or without its noise: the section
    said "no longer", and blamed misfires (an analyst's review); its war is the file's own (the
    arms race); an exact 0 is printed 0, not 0.0000."""
    from deterrence.io import load_game
    lines = explain(load_game("spiral_model"), delta="9/10").section("miscalculation").lines
    text = "\n".join(lines)
    assert "not subgame perfect at delta = 9/10, as without it" in text
    assert "no longer" not in text and "misfire" not in text
    assert "Probability of war (a round with (arm, arm)) within 100 rounds" in text
    stage = explain(load_game("us_iran_stage").with_parameters(W_iran=1), delta="9/10").section("miscalculation")
    war_line = next(line for line in stage.lines if line.startswith("Probability of war"))
    assert war_line.endswith("(about 23.0 months): 0.") and stage.data["war_probability"] == "0"   # not 0.0000
    again = explain(load_game("us_iran_stage"), delta="9/10").section("miscalculation")
    assert "still subgame perfect" in "\n".join(again.lines)


def test_the_calibration_says_one_payoff_unit():
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    lines = explain(us_iran_exchange_model(fitted=False)).section("calibration").lines
    assert any(line.startswith("a_us = 1 payoff unit —") for line in lines)
    assert any(line.startswith("b_us = 2 payoff units —") for line in lines)


def test_a_red_line_is_judged_before_the_next_threshold():
    """Two thresholds 1/2000 apart (x = 1: Row's u beats d against l; x = 2001/2000: Column's l
    stops beating r against u). Crossing 1 alone makes (u, l) the equilibrium in place of (d, l);
    a step past both (no pure equilibrium left) would misreport what crossing 1 does."""
    from deterrence.io.toml_format import parse_toml_game
    game = parse_toml_game(
        'players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l", "r"]\n[parameters]\nx = 0\n'
        '[payoffs]\n"u, l" = ["x", "1 + 2000*(2001/2000 - x)"]\n"u, r" = [0, 1]\n'
        '"d, l" = [1, 1]\n"d, r" = [1, 0]\n')
    (line,) = red_lines(game, ["x"])
    assert (line.direction, line.threshold) == ("above", 1)
    assert line.gained == (("u", "l"),) and line.lost == (("d", "l"),)
    assert pure_equilibrium_set(game.subs({"x": Fraction(2001, 2000) + Fraction(1, 10**6)})) == set()


def test_the_teaching_report_shows_its_summary_once_in_every_format():
    # a review: the HTML Jupyter shows (and the text and Markdown) gave the summary twice, in bold
    # and again as the line of the Regime section
    from IPython.core.formatters import DisplayFormatter     # as Jupyter formats, with no shell left behind

    from deterrence.models.us_iran import REGIMES, us_iran_model
    for values in ({}, {"delta": "1/2"}, {"W_iran": 1}):
        report = explain(us_iran_model(**values))
        shown = DisplayFormatter().format(report)[0]
        start = report.summary.split(":")[0]          # the first words, unchanged by typesetting
        for form in (shown["text/html"], shown["text/markdown"], report.to_text()):
            assert form.count(start + ":") == 1, (values, form[:300])
        assert report.section("regime").data["regime"] in REGIMES
        assert report.section("regime").lines[0].startswith(report.section("regime").data["regime"])


def test_the_teaching_models_headline_says_when_no_delta_makes_restraint_subgame_perfect():
    """A review of the lab: with b_us = 3 contained tit-for-tat is subgame perfect at no δ (the
    library computes the empty set), but the headline said "delta = 19/20 is below delta* = not
    computed", as if δ* existed and had not been worked out."""
    from deterrence.models.us_iran import us_iran_model
    model = us_iran_model(delta=Fraction(19, 20), noise={"execution": Fraction(21, 1000)}, b_us=3)
    analysis = model.analyse(proxies=False)
    assert analysis.restraint.critical is not None and analysis.restraint.critical.kind == "empty"
    summary = explain(model).summary
    assert "not computed" not in summary and "is below delta*" not in summary, summary
    assert "contained tit-for-tat is not subgame perfect (at no delta in [0, 1), not even without noise)" in summary
    # where delta* exists, the headline still compares it with delta
    assert "delta = 1/2 is below delta* = 3/4" in explain(us_iran_model(delta=Fraction(1, 2))).summary


# --- no sympy text reaches a reader: sets of delta and formulas in the toolkit's own syntax ---

#: sympy's words for sets and its capitalised max/min, which no sentence or JSON value should show
_SYMPY_WORDS = re.compile(r"\b(Interval|Union|FiniteSet|EmptySet|Complement|Intersection|Ropen|Lopen|oo)\b|"
                          r"\b(Max|Min)\(")
#: a sample of the catalogue that explains in about a second each (the whole catalogue takes minutes)
_SCANNED = ("prisoners_dilemma", "chicken", "stag_hunt", "us_iran_stage", "us_iran_israel", "arms_race",
            "spiral_model", "january_2020", "entry_deterrence", "chain_store", "proxy_target_selection",
            "mutual_deterrence", "inspection_game", "deterrence_signalling", "irrational_three_player",
            "fearon_bargaining", "extended_deterrence", "unilateral_deterrence", "kuhn_poker")
_PROFILES = ("grim_trigger", "tit_for_tat", "always_hold", "contrite_tit_for_tat", "win_stay_lose_shift")


def _scanned_reports():
    from deterrence.core.repeated import RepeatedGame
    from deterrence.models.us_iran import us_iran_model
    yield "us_iran_model", explain(us_iran_model())
    for name in _SCANNED:
        yield name, explain(dt.load_game(name))
    for name in ("prisoners_dilemma", "chicken"):
        for s in _PROFILES:
            yield f"{name} {s}", explain(RepeatedGame(dt.load_game(name), "9/10", None, None, (s, s)))


def test_no_sympy_set_text_or_sympy_max_reaches_a_report():
    # a words review: "not subgame perfect for any delta near 1 (the set is EmptySet)", and delta* "= Max(...)"
    # beside the JSON's max(...); the sets are now written as the JSON's delta_set, the formulas by format_formula
    for name, report in _scanned_reports():
        for text in (report.to_text(), render(report, "json")):
            found = _SYMPY_WORDS.search(text)
            assert found is None, (name, found.group(0), text[max(0, found.start() - 120):found.end() + 40])
    # and deterrence repeated's text, which printed "critical delta: 3/4 = Max(...)"
    from deterrence.solvers.repeated.analysis import analyse_repeated
    text = analyse_repeated(dt.load_game("us_iran_stage"), delta="9/10").to_text()
    assert "critical delta: 3/4 = max(" in text and _SYMPY_WORDS.search(text) is None, text


def test_a_profile_subgame_perfect_away_from_delta_1_names_its_set_as_the_json_does():
    from deterrence.core.repeated import RepeatedGame
    from deterrence.solvers.repeated.critical_delta import read_delta_set
    pd = dt.load_game("prisoners_dilemma")
    none = explain(RepeatedGame(pd, "9/10", None, None, ("tit_for_tat", "tit_for_tat")))
    assert "This profile is not subgame perfect for any delta in [0, 1)." in none.section("shadow_of_the_future").lines
    # T - R = P - S: tit-for-tat is subgame perfect at delta = 1/3 alone
    point = dt.NormalFormGame.from_arrays([[3, 0], [4, 1]], [[3, 4], [0, 1]])
    shadow = explain(RepeatedGame(point, "1/3", None, None, ("tit_for_tat", "tit_for_tat"))).section(
        "shadow_of_the_future")
    line = next(t for t in shadow.lines if "not subgame perfect for any delta" in t)
    # one notation for a set of delta in every text (a words review: "[3/4, 1)" in deterrence repeated's text and
    # the typeset sets, "delta == 1/3" here): the interval notation; the JSON's delta_set keeps its syntax
    assert line.endswith("(it is subgame perfect for delta in {1/3}).") and shadow.data["delta_set"] == "delta == 1/3"
    assert read_delta_set(shadow.data["delta_set"]) == read_delta_set("delta == 1/3")
    grim = explain(RepeatedGame(pd, "9/10", None, None, ("grim_trigger", "grim_trigger")))
    from deterrence.cli import main as cli_main
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli_main(["repeated", "prisoners_dilemma", "--strategies", "grim_trigger,grim_trigger"]) == 0
    texts = [t for r in (none, grim) for s in r.sections for t in s.lines]
    texts += [*shadow.lines, *out.getvalue().splitlines()]
    assert "SPE for delta in: [1/2, 1)" in out.getvalue()
    assert not [t for t in texts if re.search(r"<=? delta|delta ==|delta <", t)], texts


def test_hold_is_never_called_escalation():
    """The US–Israel–Iran game names no action escalate, and each player's last action is hold: the
    summary said 'Every equilibrium puts weight on escalation ... Israel hold, Iran hold, US hold'."""
    report = explain(dt.load_game("us_iran_israel"))
    assert "puts weight on escalation" not in report.summary
    assert report.summary.startswith("No action of this game counts as escalation")
    data = report.section("equilibria").data
    assert data["puts_weight_on_escalation"] is None and data["restraint_equilibria"] is None
    assert report.section("margins").data["players"] == []
    # one player whose last action is hold: the others' escalation is still judged
    from deterrence import NormalFormGame
    mixed = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=["US", "Iran"],
                                       actions=[["strike", "hold"], ["hold", "strike"]])
    shown = explain(mixed)
    assert shown.section("equilibria").data["escalation_weight"] == [["1"]]     # (hold, strike): Iran strikes
    assert "US none (its last action, hold, stands down)" in shown.summary
    # a caller's choice is still taken
    chosen = explain(dt.load_game("us_iran_israel"), escalation={"Iran": "hit_israel"})
    assert chosen.section("equilibria").data["restraint_equilibria"] == [0]
