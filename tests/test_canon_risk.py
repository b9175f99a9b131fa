"""The canon: brinkmanship with a chosen risk (deterrence.models.canon_risk). The closed forms
(who stands firm, A's value of each risk, the thresholds on B's credibility, the risk of
disaster) are checked against three tree solvers at points on both sides of each threshold,
against a brute-force search over a fine grid of risks for the continuous game, and the
file's claims against the formulas; likewise for two-sided brinkmanship, in which the defender
chooses a risk too (``brinkmanship_two_sided``).
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


def defaults(table=R.CHOSEN_RISK, **changes):
    v = {k: F(d) for k, (d, _) in table.items()}
    v.update({k: F(x) for k, x in changes.items()})
    return v


def same(claim, formula, names=NAMES):
    return sympy.simplify(parse_expression(claim, names) - formula) == 0


def probability_of(equilibrium, last_move):
    return sum((q for path, q in equilibrium.outcomes if path.split("/")[-1] == last_move), F(0))


# (entry, builder, the claim naming A's first move, a method whose equilibrium is unique): the
# two-sided game has no proper subgame, so its subgame-perfect equilibria are all its Nash ones
ENTRIES = [(NAME, R.brinkmanship_chosen_risk, "chosen_risk_at_defaults", "subgame_perfect"),
           ("brinkmanship_two_sided", R.brinkmanship_two_sided, "choice_at_defaults", "sequential")]


@pytest.mark.parametrize("name, builder, claim, method", ENTRIES)
def test_entry_is_its_builder_and_is_listed(name, builder, claim, method):
    assert_entry_is_its_builder(name, builder)
    assert name in listed_names()


@pytest.mark.parametrize("name, builder, claim, method", ENTRIES)
def test_cli_shows_and_solves(capsys, name, builder, claim, method):
    game = dt.load_game(name)
    for command in (["show", name], ["solve", name], ["solve", name, "-m", "sequential"]):
        assert main(command) == 0, command
        out = capsys.readouterr().out
        assert game.title in out
    assert main(["solve", name, "-m", method, "--json"]) == 0
    import json
    data = json.loads(capsys.readouterr().out)
    (eq,) = data["equilibria"]
    assert eq["strategies"]["A"]["actions"]["A"] == game.claims[claim]


# points on both sides of each threshold: the small risk (defaults), the large one (pB above
# p_switch), no challenge (A's resolve below rho2 and pB above the critical risk), the small
# risk with A's resolve below rho2, other risks and resolves
POINTS = [{}, {"pB": "1/2"}, {"pB": "3/5"}, {"pB": "9/10"}, {"rA": "2/5", "pB": "1/5"},
          {"rA": "2/5", "pB": "3/5"}, {"rA": "9/10", "pB": "4/5"},
          {"rho1": "3/10", "rho2": "3/5", "rho3": "7/10", "rBL": "1/4", "rBH": "1/2", "rA": "7/10", "pB": "1/4"},
          {"rho1": "1/20", "rho2": "1/4", "rho3": "1/2", "rBL": "1/50", "rBH": "1/5", "rA": "1/3", "pB": "3/4"}]


def pure(eq, player, infoset):
    (move,) = [m for m, p in eq.strategies[player][infoset].items() if p == 1]
    return move


def a_choice(eq):
    return pure(eq, "A", "A")


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


# -- two-sided brinkmanship: the defender chooses a risk too --------------------------------
TWO = "brinkmanship_two_sided"
TWO_NAMES = list(R.TWO_SIDED) + ["s", "rB"]


# points on both sides of each threshold: the defaults (only the resolute B counter-escalates,
# to rho2, and A goes to the brink), pB above the critical risk (status quo), rA between rho2
# and rho3 (B needs rho3: the resolute B counter-escalates or not by rBH against rho3), rA above
# rho3 (no level compels A), both types above the level (status quo), neither (A prevails),
# the rho3 threshold (125/207) straddled by pB = 3/5 and 4/5, rA below rho1 (no challenge)
TWO_POINTS = [{}, {"pB": "2/5"}, {"pB": "1/2"}, {"pB": "9/10"},
              {"rA": "3/5", "rBH": "9/10"}, {"rA": "3/5", "rBH": "9/10", "pB": "4/5"},
              {"rA": "3/5"}, {"rA": "9/10"}, {"rBL": "7/10"}, {"rBH": "2/5", "rBL": "1/5"},
              {"rho1": "1/2", "rho2": "1/2", "rA": "2/5"}, {"rA": "3/5", "rBH": "9/10", "pB": "3/5"},
              {"rA": "1/20", "rBH": "2/5", "rBL": "1/5"}]


@pytest.mark.parametrize("values", TWO_POINTS)
def test_two_sided_solvers_find_the_formula_equilibrium(values):
    tree = R.brinkmanship_two_sided(**values)
    predicted = R.two_sided_equilibrium(values)
    for method in ("sequential", "quasi_perfect"):
        (eq,) = dt.solve(tree, method).equilibria
        assert pure(eq, "A", "A") == predicted["choice"], method
        assert {t: pure(eq, "B", f"B_{t}") for t in ("high", "low")} == predicted["counter"], method
        assert {m: pure(eq, "A", f"A_{m}") == "stand_firm" for m in R.COUNTERS} == predicted["A_stands_firm"]
        assert probability_of(eq, "disaster") == predicted["disaster"], method
        assert eq.payoffs[0] == max(predicted["value"], 0)
        a_wins = sum((q for path, q in eq.outcomes if path.endswith("brink/safe/back_down")
                      or path.endswith("stand_firm/safe")), F(0))
        assert a_wins == predicted["A_prevails"], method
    # the subgame-perfect solver lists every Nash equilibrium (A's last move spans both types,
    # so there is no proper subgame); the sequential one is among them
    assert any(eq.payoffs == e.payoffs and eq.outcomes == e.outcomes
               for e in dt.solve(tree, "subgame_perfect").equilibria)


@pytest.mark.parametrize("values", TWO_POINTS)
def test_two_sided_thresholds_decide_who_backs_down(values):
    # The formulas, independently of the equilibrium function: A stands firm at a level iff
    # rA exceeds it; s is the smallest level above rA; a B type counter-escalates iff its
    # resolve exceeds s; A goes to the brink iff A's value (two_sided_values) is positive,
    # which with only the resolute type counter-escalating is pB below the critical risk.
    v = defaults(R.TWO_SIDED, **values)
    above = [m for m, level in R.COUNTERS.items() if v[level] > v["rA"]]
    s_move = above[0] if above else None
    counter = {t: s_move if s_move and v[f"rB{t[0].upper()}"] > v[R.COUNTERS[s_move]] else "back_down"
               for t in ("high", "low")}
    (eq,) = dt.solve(R.brinkmanship_two_sided(**values), "sequential").equilibria
    assert {t: pure(eq, "B", f"B_{t}") for t in ("high", "low")} == counter
    point = at(v | {"s": v[R.COUNTERS[s_move]] if s_move else F(0)})
    none, resolute, both = (f.subs(point) for f in R.two_sided_values())
    value = {("back_down", "back_down"): none, (s_move, "back_down"): resolute, (s_move, s_move): both}
    brink = value[(counter["high"], counter["low"])] > 0
    assert pure(eq, "A", "A") == ("brink" if brink else "status_quo")
    if counter == {"high": s_move, "low": "back_down"}:
        level = R.COUNTERS[s_move]
        assert brink == (v["pB"] < R.two_sided_threshold(level).subs(at(v)))
        assert probability_of(eq, "disaster") == (R.two_sided_disaster(level).subs(at(v)) if brink else 0)
    if counter == {"high": s_move, "low": s_move}:
        assert not brink   # compelled for sure, A never goes to the brink


def test_two_sided_brute_force_over_continuous_risks():
    # B chooses any risk r2 in [rho1, 1] on a grid and A accepts iff rA > r2 (backs down when
    # indifferent): B's best reply is to counter-escalate exactly to rA iff rB > rA, and A's
    # payoff of the brink changes sign at the continuous critical risk of the file's claims.
    game = dt.load_game(TWO)
    threshold = parse_expression(game.claims["continuous_challenge_threshold"], TWO_NAMES)
    assert sympy.simplify(threshold - R.two_sided_threshold("rA")) == 0
    grid = [F(k, 100) for k in range(101)]
    for rA, rB in (("2/5", "3/5"), ("2/5", "3/10"), ("1/2", "9/10"), ("7/10", "3/5"), ("3/10", "31/100")):
        v = defaults(R.TWO_SIDED, rA=rA)
        rA, rB = F(rA), F(rB)

        def b_value(r2, rA=rA, rB=rB):
            if r2 is None:
                return F(0)
            if rA > r2:    # A accepts: the risk runs twice, then B backs down
                return (r2 + (1 - r2) * r2) * (rB - 1)
            return r2 * (rB - 1) + (1 - r2) * rB
        best = max([None] + [r for r in grid if r >= v["rho1"]], key=b_value)
        assert best == (rA if rB > rA else None), (rA, rB)
        for pB in (F(k, 20) for k in range(1, 20)):
            x = pB   # only the resolute type (rB > rA) counter-escalates
            value = v["rho1"] * (rA - 1) + (1 - v["rho1"]) * ((1 - x) * rA + x * rA * (rA - 1))
            critical = threshold.subs(at(v | {"rA": rA}))
            if pB != critical:
                assert (value > 0) == (pB < critical)


def test_two_sided_claims_are_the_formulas():
    game = dt.load_game(TWO)
    c = game.claims
    none, resolute, both = R.two_sided_values()
    assert same(c["value_none_counter"], none, TWO_NAMES)
    assert same(c["value_resolute_counters"], resolute, TWO_NAMES)
    assert same(c["challenge_threshold"], R.two_sided_threshold("s"), TWO_NAMES)
    assert same(c["disaster_resolute_counters"], R.two_sided_disaster("s"), TWO_NAMES)
    # the value with only the resolute B counter-escalating is positive iff pB is below the threshold
    s, pB = parameter_symbol("s"), parameter_symbol("pB")
    solution = sympy.solve(sympy.Eq(resolute, 0), pB)
    assert len(solution) == 1 and sympy.simplify(solution[0] - R.two_sided_threshold("s")) == 0
    # A's and B's comparisons at level s: accepting is worth rA - s, compelling A rB - s
    rA, rB = parameter_symbol("rA"), parameter_symbol("rB")
    assert c["A_stands_firm_iff"] == "rA > s" and c["B_counter_escalates_iff"] == "rB > s"
    assert sympy.expand(s * (rA - 1) + (1 - s) * rA) == rA - s
    assert sympy.expand(s * (rB - 1) + (1 - s) * rB) == rB - s
    assert str(R.two_sided_threshold("rho2").subs(at(game.parameters))) == c["threshold_at_defaults"]


def test_two_sided_claims_at_defaults_match_the_solver():
    game = dt.load_game(TWO)
    c = game.claims
    (eq,) = dt.solve(game, "sequential").equilibria
    assert pure(eq, "A", "A") == c["choice_at_defaults"]
    assert {f"B_{t}": pure(eq, "B", f"B_{t}") for t in ("high", "low")} == c["counter_at_defaults"]
    assert probability_of(eq, "disaster") == F(c["disaster_probability_at_defaults"])
    a_wins = probability_of(eq, "back_down") - sum(
        (q for path, q in eq.outcomes if path.endswith("escalate_2/safe/back_down")), F(0))
    assert a_wins == F(c["A_prevails_at_defaults"])
    assert 1 - a_wins - probability_of(eq, "disaster") == F(c["B_prevails_at_defaults"])
    v = game.parameters
    assert v["rho1"] < v["rBL"] < v["rA"] < v["rho2"] < v["rBH"] < v["rho3"]


def test_two_sided_refuses_ties_and_bad_names():
    with pytest.raises(GameError, match="rA equals rho2"):
        R.two_sided_equilibrium({"rA": "1/2"})
    with pytest.raises(GameError, match="rBH equals rho2"):
        R.two_sided_equilibrium({"rBH": "1/2"})
    with pytest.raises(GameError, match="rho1 <= rho2 < rho3"):
        R.two_sided_equilibrium({"rho1": "3/5"})
    with pytest.raises(GameError, match="parameter name"):
        R.two_sided_values("1 + x")
    with pytest.raises(GameError, match="parameter name"):
        R.two_sided_disaster("rho 2")


@pytest.mark.parametrize("call, function, argument", [
    (lambda: R.chosen_risk_values("rho + 1"), "chosen_risk_values", "risk"),
    (lambda: R.chosen_risk_thresholds("rho1", 3), "chosen_risk_thresholds", "high"),
    (lambda: R.two_sided_values("1/2"), "two_sided_values", "level"),
    (lambda: R.two_sided_disaster(None), "two_sided_disaster", "level"),
    (lambda: R.two_sided_threshold("x y"), "critical_risk", "then"),
])
def test_a_risk_argument_that_is_no_parameter_name_is_refused_by_name(call, function, argument):
    # these take parameter names, never formulas: the error names the function and its argument
    with pytest.raises(GameError, match=f"{function}: {argument} must be a parameter name"):
        call()
