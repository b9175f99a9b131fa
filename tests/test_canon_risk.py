"""The canon: brinkmanship with a chosen risk (deterrence.models.canon_risk). The closed forms
(who stands firm, A's value of each risk, the thresholds on B's credibility, the risk of
disaster) are checked against three tree solvers at points on both sides of each threshold,
against a brute-force search over a fine grid of risks for the continuous game, and the
file's claims against the formulas.
"""
from fractions import Fraction as F

import pytest
import sympy
from catalogue_helpers import assert_entry_is_its_builder, listed_names
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

import deterrence as dt
from deterrence.cli import main
from deterrence.core.symbolic import parameter_symbol, parse_expression
from deterrence.errors import GameError
from deterrence.models import canon_risk as R

NAME = "brinkmanship_chosen_risk"
NAMES = list(R.CHOSEN_RISK) + ["rho", "rB"]


def at(values):
    return {parameter_symbol(k): F(v) for k, v in values.items()}


def defaults(**changes):
    v = {k: F(d) for k, (d, _) in R.CHOSEN_RISK.items()}
    v.update({k: F(x) for k, x in changes.items()})
    return v


def same(claim, formula):
    return sympy.simplify(parse_expression(claim, NAMES) - formula) == 0


def probability_of(equilibrium, last_move):
    return sum((q for path, q in equilibrium.outcomes if path.split("/")[-1] == last_move), F(0))


def test_entry_is_its_builder_and_is_listed():
    assert_entry_is_its_builder(NAME, R.brinkmanship_chosen_risk)
    assert NAME in listed_names()


def test_cli_shows_and_solves(capsys):
    game = dt.load_game(NAME)
    for command in (["show", NAME], ["solve", NAME], ["solve", NAME, "-m", "sequential"]):
        assert main(command) == 0, command
        out = capsys.readouterr().out
        assert game.title in out
    assert main(["solve", NAME, "--json"]) == 0
    import json
    data = json.loads(capsys.readouterr().out)
    (eq,) = data["equilibria"]
    assert eq["strategies"]["A"]["actions"]["A"] == game.claims["chosen_risk_at_defaults"]


# points on both sides of each threshold: the small risk (defaults), the large one (pB above
# p_switch), no challenge (A's resolve below rho2 and pB above the critical risk), the small
# risk with A's resolve below rho2, other risks and resolves
POINTS = [{}, {"pB": "1/2"}, {"pB": "3/5"}, {"pB": "9/10"}, {"rA": "2/5", "pB": "1/5"},
          {"rA": "2/5", "pB": "3/5"}, {"rA": "9/10", "pB": "4/5"},
          {"rho1": "3/10", "rho2": "3/5", "rho3": "7/10", "rBL": "1/4", "rBH": "1/2", "rA": "7/10", "pB": "1/4"},
          {"rho1": "1/20", "rho2": "1/4", "rho3": "1/2", "rBL": "1/50", "rBH": "1/5", "rA": "1/3", "pB": "3/4"}]


def a_choice(eq):
    (move,) = [m for m, p in eq.strategies["A"]["A"].items() if p == 1]
    return move


@pytest.mark.parametrize("values", POINTS)
def test_solvers_find_the_formula_equilibrium(values):
    tree = R.brinkmanship_chosen_risk(**values)
    predicted = R.chosen_risk_equilibrium(values)
    for method in ("sequential", "quasi_perfect", "subgame_perfect"):
        (eq,) = dt.solve(tree, method).equilibria
        assert a_choice(eq) == predicted["choice"], method
        firm = {(key.split("_")[1], "_".join(key.split("_")[2:])): p["stand_firm"] == 1
                for key, p in eq.strategies["B"].items()}
        assert firm == predicted["stands_firm"], method
        assert probability_of(eq, "disaster") == predicted["disaster"], method
        assert probability_of(eq, "back_down") == predicted["A_prevails"], method


@pytest.mark.parametrize("values", POINTS)
def test_the_thresholds_decide_the_risk(values):
    # The formulas, independently of the equilibrium function: A runs rho1 (only the
    # irresolute B backs down) iff pB is below both thresholds, rho2 iff pB is above the
    # switch and rA > rho2, else it keeps the status quo. Holds for the ordering
    # rBL < rho1 < rBH < rho2 < rho3 of these points.
    v = defaults(**values)
    assert v["rBL"] < v["rho1"] < v["rBH"] < v["rho2"] < v["rho3"]
    p_challenge, p_switch = (f.subs(at(v)) for f in R.chosen_risk_thresholds())
    if v["pB"] < min(p_challenge, p_switch):
        expected = "risk_1"
    elif v["rA"] > v["rho2"] and v["pB"] > p_switch:
        expected = "risk_2"
    else:
        expected = "status_quo"
    assert R.chosen_risk_equilibrium(values)["choice"] == expected
    (eq,) = dt.solve(R.brinkmanship_chosen_risk(**values), "sequential").equilibria
    assert a_choice(eq) == expected
    both, irresolute = R.chosen_risk_values()
    value = {"status_quo": 0, "risk_1": irresolute.subs(at(v | {"rho": v["rho1"]})),
             "risk_2": both.subs(at(v | {"rho": v["rho2"]})), "risk_3": both.subs(at(v | {"rho": v["rho3"]}))}
    assert eq.payoffs[0] == value[expected] == max(value.values())
    if expected == "risk_1":
        assert probability_of(eq, "disaster") == R.chosen_risk_disaster().subs(at(v | {"rho": v["rho1"]}))


def test_the_resolve_decides_who_backs_down():
    # B stands firm exactly when its resolve exceeds the risk: read from the solver on a
    # tree whose risk levels straddle each resolve
    for rB in ("1/20", "3/20", "1/4", "9/20", "3/5", "17/20"):
        tree = R.brinkmanship_chosen_risk(rBL=rB, rBH="19/20", pB="1/2")
        (eq,) = dt.solve(tree, "sequential").equilibria
        for move, level in R.LEVELS.items():
            firm = eq.strategies["B"][f"B_low_{move}"]["stand_firm"]
            assert firm == int(F(rB) > tree.parameters[level])


def test_continuous_risk_is_the_resolve_of_the_type_compelled():
    # Brute force over a fine grid of risks (B backs down when indifferent): the best risk is
    # the resolve of the irresolute type below the continuous switch threshold, that of the
    # resolute type above it.
    game = dt.load_game(NAME)
    threshold = parse_expression(game.claims["continuous_switch_threshold"], NAMES)
    assert sympy.simplify(threshold - R.chosen_risk_thresholds("rBL", "rBH")[1]) == 0
    grid = [F(k, 200) for k in range(201)]
    for pB in ("1/10", "1/3", "1/2", "3/5", "4/5"):
        v = defaults(pB=pB)

        def value(rho, v=v):
            firm = v["pB"] * (v["rBH"] > rho) + (1 - v["pB"]) * (v["rBL"] > rho)
            disaster = rho + firm * (1 - rho) * rho
            return disaster * (v["rA"] - 1) + (1 - rho) * (1 - firm) * v["rA"]
        best = max(grid, key=value)
        switch = threshold.subs(at(v))
        assert best == (v["rBL"] if v["pB"] < switch else v["rBH"]), pB


def test_claims_are_the_formulas():
    game = dt.load_game(NAME)
    c = game.claims
    both, irresolute = R.chosen_risk_values()
    assert same(c["value_compelling_both"], both) and same(c["value_compelling_irresolute"], irresolute)
    p_challenge, p_switch = R.chosen_risk_thresholds()
    assert same(c["challenge_threshold"], p_challenge) and same(c["switch_threshold"], p_switch)
    assert same(c["disaster_compelling_irresolute"], R.chosen_risk_disaster())
    assert [str(f.subs(at(game.parameters))) for f in (p_challenge, p_switch)] == c["thresholds_at_defaults"]
    # the stand-firm rule is B's comparison: standing firm is worth rB - rho, backing down 0
    rho, rB = parameter_symbol("rho"), parameter_symbol("rB")
    assert c["stands_firm_iff"] == "rB > rho"
    assert sympy.expand(rho * (rB - 1) + (1 - rho) * rB) == rB - rho
    # A's value of compelling the irresolute type is the critical-risk comparison
    point = at(game.parameters | {"rho": game.parameters["rho1"]})
    assert (irresolute.subs(point) > 0) == (game.parameters["pB"] < p_challenge.subs(point))


def test_claims_at_defaults_match_the_solver():
    game = dt.load_game(NAME)
    c = game.claims
    (eq,) = dt.solve(game, "sequential").equilibria
    assert a_choice(eq) == c["chosen_risk_at_defaults"]
    assert probability_of(eq, "disaster") == F(c["disaster_probability_at_defaults"])
    assert probability_of(eq, "back_down") == F(c["A_prevails_at_defaults"])
    move = c["chosen_risk_at_defaults"]
    firm = sorted(f"B_{t}" for t in ("high", "low") if eq.strategies["B"][f"B_{t}_{move}"]["stand_firm"] == 1)
    assert firm == c["stands_firm_at_defaults"]
    assert sorted({"B_high", "B_low"} - set(firm)) == c["backs_down_at_defaults"]
    v = game.parameters
    assert v["rBL"] < v["rho1"] < v["rBH"] < v["rho2"]   # the resolve of each type decides


def test_refuses_ties_and_bad_names():
    with pytest.raises(GameError, match="rBL equals rho1"):
        R.chosen_risk_equilibrium({"rBL": "1/5"})
    with pytest.raises(GameError, match="indifferent between"):
        R.chosen_risk_equilibrium({"rA": "1/2", "pB": "3/5", "rho1": "1/2", "rBL": "1/10", "rBH": "1/5",
                                   "rho2": "3/5", "rho3": "4/5"})
    with pytest.raises(GameError, match="parameter name"):
        R.chosen_risk_values("1 + x")
    with pytest.raises(GameError, match="parameter name"):
        R.chosen_risk_thresholds(high="rho 2")
