"""The JSON the toolkit prints for machines: one concept, one shape (docs/howto/json-output.md)."""
import json

import pytest


def strict_loads(text):
    """``json.loads`` as the JSON standard reads it: ``NaN`` and ``Infinity`` refused."""
    def refuse(constant):
        raise ValueError(f"{constant} is not JSON")
    return json.loads(text, parse_constant=refuse)


def test_a_standard_error_the_data_cannot_give_is_null_in_every_to_json():
    """QREFit and SimulationResult wrote NaN (not JSON: a strict reader refuses the whole
    object); the CLI cleaned it for fit only."""
    from deterrence import load_game
    from deterrence.solvers.inference.qre_fit import fit_logit_qre
    from deterrence.solvers.repeated.simulate import simulate
    fit = fit_logit_qre(load_game("matching_pennies"),
                        {"Row": {"heads": 50, "tails": 50}, "Column": {"heads": 50, "tails": 50}})
    assert fit.standard_errors["lambda"] != fit.standard_errors["lambda"]        # nan in the value
    assert strict_loads(json.dumps(fit.to_json()))["standard_errors"] == {"lambda": None}
    run = simulate(load_game("prisoners_dilemma").with_defaults(), ["tit_for_tat", "tit_for_tat"], matches=1, turns=5,
                   delta="9/10", seed=1)
    assert strict_loads(json.dumps(run.to_json()))["standard_errors"] == [None, None]


def test_the_equilibria_of_a_report_are_the_solve_json(capsys):
    """A stage game's report section "equilibria" was a cut of the solve JSON (no concept, players or
    actions), while a tree's report section "subgame_perfect" is the whole of it: one concept, two shapes."""
    from deterrence.cli import main
    assert main(["solve", "chicken", "--json"]) == 0
    solved = strict_loads(capsys.readouterr().out)
    assert main(["report", "chicken", "--json"]) == 0
    section = strict_loads(capsys.readouterr().out)["equilibria"]
    assert {k: section[k] for k in solved if k not in ("parameters", "notes")} == \
        {k: v for k, v in solved.items() if k not in ("parameters", "notes")}
    assert section["concept"] == "Nash" and section["puts_weight_on_escalation"] is True
    assert main(["report", "entry_deterrence", "--json"]) == 0
    assert strict_loads(capsys.readouterr().out)["subgame_perfect"]["concept"] == "subgame-perfect"


def test_a_deviation_under_noise_has_one_shape_in_the_report_and_in_repeated(capsys):
    """The report's miscalculation section wrote each deviation with a gain_float the repeated
    command's JSON lacks (one concept, two shapes)."""
    from deterrence.analysis.explain import noise_section
    from deterrence.cli import main
    from deterrence.models.us_iran import us_iran_model
    m = us_iran_model(noise={"execution": "1/50"})
    section = noise_section(m.stage.with_defaults(), m.strategies, m.delta, m.noise)
    assert main(["repeated", "us_iran_stage", "--noise", "execution=1/50", "--json"]) == 0
    repeated = strict_loads(capsys.readouterr().out)
    assert section.data["deviations_under_noise"] == repeated["deviations_under_noise"] != []
    assert "(US gains 0.23 by playing hold at states ('gb', 'bg');" in section.lines[-1]    # the text as before


def test_fit_names_its_model_as_the_model_option_does(tmp_path, capsys):
    """fit --model qre printed "model": "logit_qre" (strategic_probit printed its option's own word)."""
    from deterrence.cli import main
    data = tmp_path / "c.csv"
    data.write_text("player,action,count\nRow,swerve,30\nRow,straight,10\nColumn,swerve,25\nColumn,straight,15\n")
    for model, extra in (("qre", ["--data", str(data)]), ("strategic_probit", [])):
        game = "chicken" if model == "qre" else "crisis_resolve"
        assert main(["fit", game, "--model", model, *extra, "--json"]) == 0
        assert strict_loads(capsys.readouterr().out)["model"] == model


ROOT = __import__("pathlib").Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("argv", [["solve", "irrational_three_player"],
                                  ["solve", "irrational_three_player", "-m", "nplayer_logit"],
                                  ["solve", "entry_deterrence", "-m", "quasi_perfect"],
                                  ["solve", "beer_quiche", "-m", "sequential"],
                                  ["solve", "entry_deterrence", "-m", "agent_qre"],
                                  ["list"], ["repeated", "prisoners_dilemma", "--delta", "3/4", "--horizon", "5"]])
def test_the_json_page_names_the_keys_of_each_equilibrium_and_entry(argv, capsys):
    """The page listed top-level keys only: nplayer's algebraic numbers, nplayer_logit's enclosures,
    the beliefs of quasi-perfect, sequential and agent QRE equilibria and list's entries were named nowhere."""
    from deterrence.cli import main
    page = (ROOT / "docs" / "howto" / "json-output.md").read_text()
    assert main([*argv, "--json"]) == 0
    out = strict_loads(capsys.readouterr().out)
    entries = out if isinstance(out, list) else out["equilibria"] if "equilibria" in out else out["deviations"]
    keys = {k for e in entries for k in e}
    assert keys and all(f"`{k}`" in page for k in keys), sorted(k for k in keys if f"`{k}`" not in page)


@pytest.mark.parametrize("argv", [["dynamics", "chicken", "--steps", "2"],
                                  ["dynamics", "prisoners_dilemma", "--rule", "moran", "--intensity", "1/10"],
                                  ["dynamics", "chicken", "--rule", "best_response"], ["solve", "chicken"],
                                  ["repeated", "prisoners_dilemma"], ["report", "chicken"], ["list"]])
def test_every_command_prints_its_json_indented_alike(argv, capsys):
    """dynamics (replicator, fictitious play, moran) printed one line; every other command indents by two."""
    from deterrence.cli import main
    assert main([*argv, "--json"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(("{\n  \"", "[\n  {")), out[:40]


def _irrational_with_escalation(path):
    """irrational_three_player with a third action, escalate, that costs its player 20: the one
    equilibrium (irrational) puts no weight on it, so the report measures its margins."""
    import itertools
    import re
    text = (ROOT / "games" / "irrational_three_player.toml").read_text()
    base = {m.groups()[:3]: [int(m[4]), int(m[5]), int(m[6])]
            for m in re.finditer(r'"(\w+), (\w+), (\w+)"\s*=\s*\[(\d+), (\d+), (\d+)\]', text)}
    acts = {"A": ["top", "bottom", "escalate"], "B": ["left", "right", "escalate"], "C": ["front", "back", "escalate"]}
    lines = ['title = "Irrational, with escalation"', 'players = ["A", "B", "C"]', "[actions]"]
    lines += [f"{p} = {json.dumps(a)}" for p, a in acts.items()] + ["[payoffs]"]
    for prof in itertools.product(*acts.values()):
        pay = base[prof] if "escalate" not in prof else [-20 if a == "escalate" else 0 for a in prof]
        lines.append(f'"{", ".join(prof)}" = {pay}')
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_margins_from_irrational_probabilities_are_not_written_as_exact_fractions(tmp_path, capsys):
    """Margins computed from probabilities rounded to doubles were written as fractions of 30-digit
    numbers, the encoding of exact values, with nothing in the JSON to say they are not."""
    from fractions import Fraction

    from deterrence.cli import main
    assert main(["report", _irrational_with_escalation(tmp_path / "g.toml"), "--json"]) == 0
    margins = strict_loads(capsys.readouterr().out)["margins"]
    assert margins["exact"] is False
    a = margins["players"][0]
    assert "/" not in a["loss"] and "/" not in a["best_alternative_payoff"]
    # A's best alternative earns its equilibrium payoff, (an algebraic number) 4.375188769208187...
    assert abs(Fraction(a["best_alternative_payoff"]) - Fraction("4.375188769208187330877033")) < Fraction(1, 10**10)
    assert main(["report", "chicken", "--json"]) == 0
    assert strict_loads(capsys.readouterr().out)["margins"]["exact"] is True


def test_beliefs_are_nested_by_player_in_every_json():
    """PBE.to_json keyed moves and beliefs "player:set" (flat), the solve JSON of sequential and
    quasi_perfect nests them player -> set: one concept, two shapes."""
    from deterrence import load_game, perfect_bayesian_equilibria, solve
    tree = load_game("beer_quiche")
    pbe = perfect_bayesian_equilibria(tree)[0].to_json()
    sequential = solve(tree, "sequential")[0].to_json()
    assert set(pbe["beliefs"]) == set(sequential["beliefs"]) == {"A", "B"}
    assert set(pbe["beliefs"]["B"]) == set(sequential["beliefs"]["B"]) == {"after_beer", "after_quiche"}
    assert set(pbe["moves"]["B"]) == set(sequential["strategies"]["B"]["actions"])


@pytest.mark.parametrize("game, alone", [("entry_deterrence", False), ("beer_quiche", True)])
def test_which_threats_are_credible_has_one_shape_in_solve_and_report(game, alone, capsys):
    """solve --json printed credibility (a list) without saying what its text says of a tree with no
    proper subgame; the report's section held the same list under "noncredible", credible ones too."""
    from deterrence.cli import main
    assert main(["solve", game, "--json"]) == 0
    solved = strict_loads(capsys.readouterr().out)
    assert main(["report", game, "--json"]) == 0
    section = strict_loads(capsys.readouterr().out)["credibility"]
    assert section == {"credibility": solved["credibility"], "no_proper_subgame": solved["no_proper_subgame"]}
    assert solved["no_proper_subgame"] is alone


def test_the_critical_discount_factor_has_one_shape_in_the_report_and_in_repeated(capsys):
    """The report's shadow_of_the_future gave critical_delta without its _float twin or
    critical_attained, which deterrence repeated --json gives with it."""
    from deterrence.cli import main
    keys = ("critical_delta", "critical_delta_float", "critical_delta_formula", "critical_attained", "delta_set")
    assert main(["repeated", "prisoners_dilemma", "--json"]) == 0
    repeated = strict_loads(capsys.readouterr().out)
    assert main(["report", "prisoners_dilemma", "--json"]) == 0
    shadow = strict_loads(capsys.readouterr().out)["shadow_of_the_future"]
    assert {k: shadow.get(k, "missing") for k in keys} == {k: repeated[k] for k in keys}
    assert shadow["critical_delta_float"] == 0.5 and shadow["critical_attained"] is True


def test_every_fit_names_its_log_likelihood_alike(tmp_path, capsys):
    """The strategy-mixture fit (SFEM) wrote "loglik"; QRE fits, the strategic probit and the case
    report's fit write "log_likelihood"."""
    from deterrence.cli import main
    from deterrence.solvers.inference.sfem import SFEMResult
    sfem = SFEMResult(("tit_for_tat",), (1.0,), (float("nan"),), 0.1, 0.01, True, -3.0, 8.0, 8.0, 1, 5, "US")
    assert strict_loads(json.dumps(sfem.to_json()))["log_likelihood"] == -3.0 and "loglik" not in sfem.to_json()
    assert main(["fit", "crisis_resolve", "--model", "strategic_probit", "--json"]) == 0
    assert "log_likelihood" in strict_loads(capsys.readouterr().out)


def test_fitted_choice_probabilities_have_one_shape_in_the_api_and_the_command(tmp_path, capsys):
    """QREFit.to_json wrote "fitted" as lists, the fit command as player -> action -> probability."""
    from deterrence import load_game
    from deterrence.cli import main
    from deterrence.solvers.inference.qre_fit import fit_logit_qre
    counts = {"Row": {"swerve": 30, "straight": 10}, "Column": {"swerve": 25, "straight": 15}}
    data = tmp_path / "c.csv"
    rows = "".join(f"{p},{a},{n}\n" for p, c in counts.items() for a, n in c.items())
    data.write_text("player,action,count\n" + rows)
    api = strict_loads(json.dumps(fit_logit_qre(load_game("chicken").with_defaults(), counts).to_json()))
    assert main(["fit", "chicken", "--data", str(data), "--json"]) == 0
    command = strict_loads(capsys.readouterr().out)
    assert api["fitted"] == command["fitted"] and set(api["fitted"]["Row"]) == {"swerve", "straight"}
    tree = load_game("entry_deterrence").with_defaults()
    fit = fit_logit_qre(tree, {("Entrant", "root"): {"out": 10, "in": 30}, ("Incumbent", "in"): {"fight": 5,
                                                                                                 "accommodate": 25}})
    assert set(fit.to_json()["fitted"]) == {"Entrant: root", "Incumbent: in"}


def test_the_json_page_names_the_keys_of_a_repeated_games_report_sections(capsys):
    """The page named the sections shadow_of_the_future and miscalculation, not their keys."""
    from deterrence.cli import main
    page = (ROOT / "docs" / "howto" / "json-output.md").read_text()
    assert main(["report", "us_iran_stage", "--json"]) == 0
    out = strict_loads(capsys.readouterr().out)
    keys = set(out["shadow_of_the_future"]) | set(out["miscalculation"])
    assert all(f"`{k}`" in page for k in keys), sorted(k for k in keys if f"`{k}`" not in page)


def test_an_algebraic_critical_discount_factor_has_one_encoding():
    """DeltaConditions.to_json wrote an algebraic δ* as "sqrt(2)/2 ~ 0.707106781187" (its own encoding,
    without the _float twin); the repeated command's JSON wrote the same number "sqrt(2)/2"."""
    from dataclasses import replace

    import sympy

    from deterrence import load_game
    from deterrence.solvers.repeated.analysis import analyse_repeated
    from deterrence.solvers.repeated.critical_delta import critical_delta
    c = critical_delta(load_game("prisoners_dilemma"), "grim_trigger")
    irrational = replace(c, critical=sympy.sqrt(2) / 2, critical_symbolic=sympy.sqrt(2) / 2)
    out = strict_loads(json.dumps(irrational.to_json()))
    assert out["critical_delta"] == "sqrt(2)/2" and abs(out["critical_delta_float"] - 0.7071067811865476) < 1e-15
    analysis = analyse_repeated(load_game("prisoners_dilemma"))
    shown = analysis.to_json()
    assert {k: shown[k] for k in c.to_json() if k != "kind"} == {k: v for k, v in c.to_json().items() if k != "kind"}


def _case_report(capsys):
    """The case report as the command prints it: ``(json, text)``."""
    from deterrence.cli import main
    assert main(["report", "--json"]) == 0
    out = strict_loads(capsys.readouterr().out)
    assert main(["report"]) == 0
    return out, capsys.readouterr().out


def _numbers(doc, path=()):
    """Every number of a JSON document, ``(path, value)``; exact strings read as Fractions."""
    from fractions import Fraction
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from _numbers(v, path + (k,))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from _numbers(v, path + (i,))
    elif isinstance(doc, float) or (isinstance(doc, int) and not isinstance(doc, bool)):
        yield path, doc
    elif isinstance(doc, str):
        try:
            yield path, Fraction(doc)
        except ValueError:
            pass


def test_the_case_report_gives_one_number_for_one_quantity_and_rounds_only_its_text(capsys):
    """The analysis rounded its numbers (each section to its own decimals), so the JSON mixed rounded
    and full-precision twins of one quantity: 3.19 attacks a month in `predicted` beside 3.1895... in
    `fit`, the ten-year war probability 0.2194 in `predicted` and 0.219 in `miscalculation`, k_us
    3.3333333333333335 in the tipping points beside "10/3" in the calibration. Now every section gives
    the number itself (exact where it is exact) and only the sentences round."""
    import re
    from fractions import Fraction
    from deterrence.core.numbers import format_exact

    def _shown(x, digits=3):            # as the text rounds
        return round(float(x), digits)
    out, text = _case_report(capsys)
    pred, cv, tt, ts = out["predicted"], out["contained_violence"], out["tit_for_tat"], out["target_substitution"]
    ms, mc, ch = out["motives_short_of_war"], out["miscalculation"], out["change_of_heart"]
    at, rs, cal = ms["attrition"], ch["stance_switching"], out["calibration"]
    formulas = out["formulas"]["formulas"]
    row = ts["israeli_strike_rate_per_week"].index(cal["israeli_strike_rate"]["value"])
    # one quantity, one number, in every section that gives it
    same = [
        (pred["attacks_per_month"], ts["attacks_per_month"][row]),
        (pred["war_probability_10_years"]["value"], mc["war_probability_10_years"]),
        (pred["withdrawal_probability_10_years"], ms["withdrawal_probability_10_years"]),
        (pred["attack_response_to_israeli_strikes"]["value"], ts["extra_attacks_per_extra_israeli_strike_week"]),
        (out["equilibrium"]["deviation_losses"], cv["deviation_losses"]),
        (ms["us_value_of_staying"], cv["values_from_calm_week"]["CC"][0]),
        (ch["war_hazard_per_week"], at["war_hazard_per_week"], formulas["h"]["value"]),
        (at["strikes_per_week"], formulas["s"]["value"]),
        (ch["expected_contained_years"], rs["expected_contained_years"]),
        (ch["contained_survives_10_years"], rs["contained_survives_10_years"]),
        (tt["answers_per_attack_at_peace"], at["deadly_fraction"], cal["deadly_fraction"]["value"]),
        (tt["us_answers_per_year"], mc["deadly_attacks_per_year"]),
        (mc["misfire_per_strike"], cal["misfire"]["value"]),
    ] + [(sw["war_probability_first_year_now"], mc["war_probability_first_year"])
         for sw in ch["stance_switches"].values()
         ] + [(t["current"], cal[t["parameter"]]["value"]) for t in ch["tipping_points"]]
    for values in same:
        assert all(v == values[0] for v in values), values
    # no rounded twin anywhere: no number is another one rounded (the fit's predictions are at the
    # estimates themselves, not at their fractions: left out)
    numbers = [(p, v) for p, v in _numbers({k: v for k, v in out.items() if k != "fit"})]
    for p, x in numbers:
        if not isinstance(x, float) or x == int(x):
            continue
        for q, y in numbers:
            if float(y) != x and any(x == round(float(y), d) for d in range(1, 7)):
                raise AssertionError(f"{'.'.join(map(str, p))} = {x} is {'.'.join(map(str, q))} = {y} rounded")
    # exact numbers are exact strings (the margins, the payoff parameters' tipping points), floats floats
    assert cv["deviation_losses"]["US"] == "1/3" and isinstance(pred["war_probability"]["value"], float)
    k_us = [t for t in ch["tipping_points"] if t["parameter"] == "k_us"]
    assert Fraction(k_us[0]["threshold"]) == 3 and k_us[0]["current"] == "10/3"
    # the text still rounds, as it did: two decimals for attacks a month, three for margins and tipping points
    assert f"attacks on US forces: {_shown(pred['attacks_per_month'], 2)} a month" in text
    assert "attacks on US forces: 3.19 a month (82.9 in the record's 26 months; record 83)" in text
    assert (f"smallest deviation losses US {_shown(Fraction(cv['deviation_losses']['US']))}, "
            f"Iran {_shown(Fraction(cv['deviation_losses']['Iran']))}") in text
    assert f"each cycle about {_shown(Fraction(tt['mean_cycle_days']), 1)} days" in text
    assert "k_us below 3 (US would retaliate in state hit/israel) or above 3.764" in text
    assert f"within ten years: {_shown(pred['war_probability_10_years']['value'], 4):.1%}" in text
    assert f"lasts {_shown(Fraction(ch['expected_contained_years']), 2)} years" in text
    # no number at full precision: at most six significant digits after the point (a bracketed
    # tipping point, 0.0003503, has four)
    assert not re.search(r"\d\.0*[1-9]\d{6,}", text), re.search(r".{40}\d\.0*[1-9]\d{6,}.{10}", text)
    # every tipping point of the case, in claims 4 and 6 too, in the one shape (TippingPoint.to_json)
    shape = set(ch["tipping_points"][0])
    for point in (ms["presence_value_tipping_point"], at["low_presence_value_tipping_point"],
                  rs["hawkish_W_iran_tipping_point"]):
        assert set(point) == shape and point["exact"] is True
        assert format_exact(Fraction(point["threshold"])) == point["threshold"]
    assert ms["presence_value_tipping_point"]["current"] == ms["presence_value_per_week"]


def test_the_json_page_says_how_the_case_report_writes_its_numbers(capsys):
    """The page's rule (exact strings, full precision) now holds in the case report too; this checks
    what the page says against what the report prints."""
    page = (ROOT / "docs" / "howto" / "json-output.md").read_text()
    assert "The US–Iran case report writes its numbers by this page's rule" in page
    assert "does not follow this page's rule" not in page
    out, _ = _case_report(capsys)
    assert out["calibration"]["k_us"]["value"] == "10/3"                       # inputs: exact strings
    assert out["miscalculation"]["war_probability_10_years"] == out["predicted"]["war_probability_10_years"]["value"]
    fitted = out["fit"]["predictions"]["attacks_per_month"]["value"]
    assert fitted != round(fitted, 6)                                          # the fit: full precision
    assert all(f"`{k}`" in page for k in out["change_of_heart"]["tipping_points"][0])


def test_the_fits_predictions_are_the_reports_numbers_exactly(capsys):
    """The fit predicted at the float estimates and the report followed the estimates as fractions: the
    same quantity differed by about one part in a hundred million between the two sections. Now the
    predictions are computed once, at the fitted model (RecordFit.fractions), and rendered twice."""
    from fractions import Fraction
    out, _ = _case_report(capsys)
    fit, predicted = {k: v["value"] for k, v in out["fit"]["predictions"].items()}, out["predicted"]
    assert fit == {"attacks_per_month": predicted["attacks_per_month"],
                   "attacks_in_span": predicted["attacks_in_record_span"]["value"],
                   "answers_per_attack": predicted["answers_per_attack"],
                   "war_probability_26_months": predicted["war_probability"]["value"],
                   "war_probability_10_years": predicted["war_probability_10_years"]["value"],
                   "attack_response_to_israeli_strikes": predicted["attack_response_to_israeli_strikes"]["value"]}
    # the fitted model is the estimates as fractions, which the calibration section gives
    for name, value in out["fit"]["estimates"].items():
        assert Fraction(out["calibration"][name]["value"]) == Fraction(value).limit_denominator(10_000)


def test_the_distance_from_an_algebraic_critical_discount_factor_is_exact_text_as_the_factor_is():
    """With an irrational δ*, shadow_of_the_future wrote critical_delta as exact text ("sqrt(2)/2") and
    distance as a float's digits in a string ("0.19289321881345243"), which reads as an exact decimal."""
    from dataclasses import replace

    import sympy

    from deterrence import load_game
    from deterrence.analysis.explain import shadow_section
    from deterrence.solvers.repeated.analysis import analyse_repeated
    a = analyse_repeated(load_game("prisoners_dilemma"), delta="9/10")
    root = sympy.sqrt(2) / 2
    irrational = replace(a, critical=replace(a.critical, critical=root, critical_symbolic=root))
    data = shadow_section(irrational).data
    assert data["critical_delta"] == "sqrt(2)/2" and data["distance"] == "9/10 - sqrt(2)/2"
    assert "the future weighs about 0.1929 above the threshold" in " ".join(shadow_section(irrational).lines)
    assert shadow_section(a).data["distance"] == "2/5"                   # a rational δ*: as before


def test_a_critical_delta_formula_in_json_reads_back_with_the_toolkits_parser(capsys):
    """repeated --json and the report wrote sympy's text, Max(...), which parse_expression refuses
    (a JSON review): the formula is in the toolkit's own syntax, and reads back to itself."""
    from deterrence import load_game
    from deterrence.cli import main as cli_main
    from fractions import Fraction
    from deterrence.core.symbolic import parameter_symbol, parse_expression
    game = load_game("us_iran_stage")
    assert cli_main(["repeated", "us_iran_stage", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    text = printed["critical_delta_formula"]
    assert text.startswith("max(")
    formula = parse_expression(text, list(game.parameters))
    at_defaults = formula.subs({parameter_symbol(k): v for k, v in game.parameters.items()})
    assert at_defaults == Fraction(printed["critical_delta"]) == Fraction(3, 4)
    assert cli_main(["report", "us_iran_stage", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["shadow_of_the_future"]["critical_delta_formula"] == text


def _twins_by_the_rule(doc, path="$"):
    """Where ``doc`` breaks the rule of the ``_float`` twins (core.numbers.FLOAT_TWINS): a twin of a
    key not in the list, a listed key without its twin, or a twin that is not its exact value's float."""
    from fractions import Fraction

    from deterrence.core.numbers import FLOAT_TWINS, json_float
    broken = []
    if isinstance(doc, dict):
        for key, value in doc.items():
            if key.endswith("_float") and key[:-len("_float")] not in FLOAT_TWINS:
                broken.append(f"{path}.{key}: a twin of a key without one")
            if key in FLOAT_TWINS and (value is None or isinstance(value, str)):     # (the case's
                # predicted.war_probability is an object of floats, computed in floating point)
                twin = doc.get(key + "_float", "missing")
                if twin == "missing":
                    broken.append(f"{path}.{key}: no twin")
                elif value is None:
                    if twin is not None:
                        broken.append(f"{path}.{key}_float: {twin!r} beside null")
                elif "sqrt" not in value and "(" not in value and twin != json_float(Fraction(value)):
                    broken.append(f"{path}.{key}_float: {twin!r}, not the float of {value[:40]}")
                elif twin is not None and not isinstance(twin, float):
                    broken.append(f"{path}.{key}_float: {twin!r} is not a float")
            broken += _twins_by_the_rule(value, f"{path}.{key}")
    elif isinstance(doc, list):
        for i, item in enumerate(doc):
            broken += _twins_by_the_rule(item, f"{path}[{i}]")
    return broken


@pytest.mark.parametrize("argv", [
    ["report"],                                                   # the US-Iran case
    ["report", "us_iran_stage"], ["report", "prisoners_dilemma"], ["report", "entry_deterrence"],
    ["repeated", "prisoners_dilemma", "-s", "tft,tft", "--noise", "tremble=1/10"],
    ["repeated", "us_iran_stage"], ["solve", "chicken"],
], ids=" ".join)
def test_only_the_listed_quantities_have_a_float_twin_and_each_has_it(argv, capsys):
    """One rule for the _float twins (docs/howto/json-output.md): every exact number is a string that
    Fraction reads, and only critical_delta, war_probability and expected_rounds_to_war, whose exact
    text can be a formula or hundreds of digits, add a float. The report wrote round_days_float
    beside a plain "7" while every other exact string of the case report had no twin."""
    from deterrence.cli import main
    assert main([*argv, "--json"]) == 0
    doc = strict_loads(capsys.readouterr().out)
    assert _twins_by_the_rule(doc) == []
    if argv[0] == "repeated" or argv[1:] == ["us_iran_stage"]:
        assert "war_probability_float" in json.dumps(doc)        # the walk met a twin
