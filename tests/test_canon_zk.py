"""The canon: Zagare and Kilgour's perfect deterrence under incomplete information
(deterrence.models.perfect_deterrence). The derived credibility thresholds and equilibrium
regions are checked at points on both sides of every threshold: each predicted equilibrium
is sequentially rational (exact check), the sequential solver's equilibrium is one of them,
and every sequentially rational extreme Nash equilibrium that the sequence form lists has one
of the predicted outcomes; the file's claims are checked against the formulas.
"""
from fractions import Fraction as F

import pytest
import sympy
from catalogue_helpers import assert_entry_is_its_builder, listed_names
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

import deterrence as dt
from deterrence.cli import main
from deterrence.core.symbolic import parameter_symbol, parse_expression
from deterrence.core.tree import Terminal, path_name
from deterrence.errors import GameError
from deterrence.models import perfect_deterrence as Z
from deterrence.solvers.tree.assessment import bayes_beliefs, sequential_violations


def at(values):
    return {parameter_symbol(k): F(v) for k, v in values.items()}


def same(claim, formula, names):
    return sympy.simplify(parse_expression(claim, names) - formula) == 0


def outcome(tree, behaviour):
    """Terminal path -> probability under a behaviour profile."""
    reach = tree.reach_probabilities(behaviour)
    return {path_name(p): F(reach[p]) for p, node in tree.nodes()
            if isinstance(node, Terminal) and reach.get(p, 0)}


def supporting_beliefs(tree, behaviour, off_path):
    """Bayes' rule where the profile reaches, ``off_path(key, set)`` elsewhere."""
    beliefs = bayes_beliefs(tree, behaviour)
    for key, s in tree.infosets.items():
        if key not in beliefs:
            beliefs[key] = off_path(key, s)
    return beliefs


# -- the generalized mutual deterrence game -----------------------------------------------------
MUTUAL = "mutual_deterrence_incomplete"


def mutual_play(tree, behaviour):
    """What identifies an equilibrium outcome: each type of 1's probability of cooperating
    and, if cooperation comes, the probability that 2 defects after it (its two types may split
    that probability in many ways with the same outcome for 1)."""
    p2 = tree.parameters["p2"]
    coop = tuple(behaviour[("Player1", f"P1_{t}")]["cooperate"] for t in ("hard", "soft"))
    d = (p2 * behaviour[("Player2", "P2_hard_after_cooperate")]["defect"]
         + (1 - p2) * behaviour[("Player2", "P2_soft_after_cooperate")]["defect"])
    return coop, (d if any(coop) else None)
# tau1 = tau2 = 1/2, sigma1 = 3/4 at the default payoffs; tau1 = 1/4, tau2 = 5/8, sigma1 = 1/2 in the last three
MUTUAL_POINTS = [{}, {"p1": "1/3"}, {"p2": "1/3"}, {"p2": "9/10"}, {"p1": "1/3", "p2": "9/10"},
                 {"p1": "9/10", "p2": "3/5"}, {"p1": "1/10", "p2": "1/10"},
                 {"sq1": "7/2", "sq2": "11/4", "lose1S": 3, "p1": "7/10", "p2": "2/5"},
                 {"sq1": "7/2", "sq2": "11/4", "lose1S": 3, "p1": "3/10", "p2": "4/5"},
                 {"sq1": "7/2", "sq2": "11/4", "lose1S": 3, "p1": "7/10", "p2": "1/5"}]


def mutual_off_path(mu):
    """Off the path: 2's belief that 1 is Hard after cooperation is mu; elsewhere (after a
    defection, at 1's last move) the payoffs do not depend on the other's type, so any."""
    def belief(key, s):
        paths = [path_name(p) for p in s.paths]
        if key[1].endswith("after_cooperate"):
            return {p: (mu if p.startswith("P1_hard") else 1 - mu) for p in paths}
        return {p: F(1, len(paths)) for p in paths}
    return belief


def test_mutual_entry_is_its_builder_and_is_listed(capsys):
    assert_entry_is_its_builder(MUTUAL, Z.mutual_deterrence_incomplete)
    assert MUTUAL in listed_names()
    game = dt.load_game(MUTUAL)
    for command in (["show", MUTUAL], ["solve", MUTUAL, "-m", "sequential"], ["solve", MUTUAL, "--json"]):
        assert main(command) == 0
        assert game.title in capsys.readouterr().out or command[-1] == "--json"


@pytest.mark.parametrize("values", MUTUAL_POINTS)
def test_mutual_predicted_equilibria_are_sequentially_rational(values):
    tree = Z.mutual_deterrence_incomplete(**values)
    predicted = Z.mutual_deterrence_equilibria(values)
    for name, eq in predicted.items():
        beliefs = supporting_beliefs(tree, eq["behaviour"], mutual_off_path(eq["belief"]))
        assert sequential_violations(tree, eq["behaviour"], beliefs) == [], name
        after = beliefs[("Player2", "P2_hard_after_cooperate")]
        assert sum(q for p, q in after.items() if p.startswith("P1_hard")) == eq["belief"], name
    # the check can fail: a Hard player 1 that cooperates for sure in the separating or
    # attack profile is not optimal
    wrong = dict(next(iter(predicted.values()))["behaviour"])
    wrong[("Player1", "P1_hard_last")] = {"concede": F(1), "retaliate": F(0)}
    beliefs = supporting_beliefs(tree, wrong, mutual_off_path(F(0)))
    assert sequential_violations(tree, wrong, beliefs)


@pytest.mark.parametrize("values", MUTUAL_POINTS)
def test_mutual_solvers_agree_with_the_regions(values):
    tree = Z.mutual_deterrence_incomplete(**values)
    predicted = Z.mutual_deterrence_equilibria(values)
    outcomes = [mutual_play(tree, eq["behaviour"]) for eq in predicted.values()]
    (eq,) = dt.solve(tree, "sequential").equilibria
    assert mutual_play(tree, eq.behaviour) in outcomes
    # every extreme Nash equilibrium that is sequentially rational under some beliefs (2's
    # belief after an unreached cooperation set to tau2 makes any answer optimal there) plays
    # one of the predicted outcomes, and each predicted outcome is found
    v = tree.parameters
    tau2 = Z.mutual_deterrence_thresholds()[1].subs(at(v))
    found = []
    for e in dt.solve(tree, "sequence_form").equilibria:
        beliefs = supporting_beliefs(tree, e.behaviour, mutual_off_path(tau2))
        if not sequential_violations(tree, e.behaviour, beliefs):
            found.append(mutual_play(tree, e.behaviour))
    assert found and all(o in outcomes for o in found)
    assert all(o in found for o in outcomes)
    has_status_quo = ((F(1), F(1)), F(0)) in found
    tau1 = Z.mutual_deterrence_thresholds()[0].subs(at(v))
    assert has_status_quo == (v["p2"] > tau1 and v["p1"] > tau2) == ("status_quo" in predicted)


def test_mutual_regions_cover_both_sides_of_every_threshold():
    tau1, tau2, sigma1 = Z.mutual_deterrence_thresholds()
    sides = set()
    for values in MUTUAL_POINTS:
        v = Z.mutual_deterrence_incomplete(**values).parameters
        point = at(v)
        sides.add((v["p2"] > tau1.subs(point), v["p1"] > tau2.subs(point), v["p2"] > sigma1.subs(point)))
    assert sides >= {(True, True, False), (True, True, True), (True, False, False), (True, False, True),
                     (False, True, False), (False, False, False)}


def test_mutual_claims():
    game = dt.load_game(MUTUAL)
    names = list(game.parameters)
    c = game.claims
    tau1, tau2, sigma1 = Z.mutual_deterrence_thresholds()
    assert same(c["credibility_threshold_on_p2"], tau1, names)
    assert same(c["credibility_threshold_on_p1"], tau2, names)
    assert same(c["exploitation_threshold_on_p2"], sigma1, names)
    x, d = Z.mutual_deterrence_mixing()
    assert same(c["hard_cooperates_semi_separating"], x, names)
    assert same(c["defection_after_cooperation_semi_separating"], d, names)
    point = at(game.parameters)
    assert [str(f.subs(point)) for f in (tau1, tau2, sigma1)] == c["thresholds_at_defaults"]
    assert [str(f.subs(point)) for f in (x, d)] == c["semi_separating_at_defaults"]
    predicted = Z.mutual_deterrence_equilibria({})
    assert sorted(predicted) == c["equilibria_at_defaults"]
    # the conditions, as written, are the thresholds
    lhs = [(parse_expression(s.split(">")[0], names), parse_expression(s.split(">")[1], names))
           for s in c["status_quo_conditions"]]
    assert [str(a) for a, _ in lhs] == ["p2", "p1"]
    assert sympy.simplify(lhs[0][1] - tau1) == 0 and sympy.simplify(lhs[1][1] - tau2) == 0
    # the mixing makes 2's belief tau2 and the Hard 1 indifferent
    behaviour = predicted["semi_separating"]["behaviour"]
    tree = game.with_defaults()
    beliefs = bayes_beliefs(tree, behaviour)[("Player2", "P2_soft_after_cooperate")]
    assert sum(q for p, q in beliefs.items() if p.startswith("P1_hard")) == tau2.subs(point)
    (eq,) = dt.solve(game, "sequential").equilibria
    found = predicted[c["sequential_solver_finds_at_defaults"]]["behaviour"]
    assert outcome(tree, eq.behaviour) == outcome(tree, found)


def test_mutual_refuses_thresholds_and_other_orderings():
    with pytest.raises(GameError, match="thresholds"):
        Z.mutual_deterrence_equilibria({"p2": "1/2"})
    with pytest.raises(GameError, match="lose1H < war1"):
        Z.mutual_deterrence_equilibria({"lose1S": "3/2"})


# -- the asymmetric escalation game -------------------------------------------------------------
ESCALATION = "asymmetric_escalation_incomplete"
# pCh_star = 1/2, pDef_star = 1/2 (limited response) or 1/(4 - (1 - pCh)) (escalation) at the
# default payoffs; points on both sides of each, and with other payoffs
ESCALATION_POINTS = [{}, {"pDef": "1/3"}, {"pDef": "3/5"}, {"pDef": "2/5", "pCh": "9/10"},
                     {"pDef": "1/5", "pCh": "1/3"}, {"pDef": "1/3", "pCh": "1/3"}, {"pDef": "1/4", "pCh": "1/3"},
                     {"pDef": "9/10", "pCh": "1/10"}, {"pDef": "1/10", "pCh": "1/10"},
                     {"edD": 1, "ddD": 4, "deD": "17/4", "eeD": 2, "pDef": "1/3", "pCh": "1/2"},
                     {"edD": 1, "ddD": 4, "deD": "17/4", "eeD": 2, "pDef": "1/2", "pCh": "1/20"},
                     {"dcC": 5, "ddC": "5/2", "pDef": "2/3", "pCh": "3/4"},
                     {"dcC": 5, "ddC": "5/2", "pDef": "9/10", "pCh": "3/4"}]


def escalation_moves(eq):
    return {s: max(d, key=d.get) for player in eq.strategies.values() for s, d in player.items()
            if max(d.values()) == 1}


def region_of(probabilities):
    """The region the outcome probabilities of a solved tree fall in (as escalation_equilibrium)."""
    if probabilities.get("status_quo", 0) == 1:
        return "status_quo"
    if probabilities.get("all_out_conflict", 0) > 0:
        return "all_out_conflict"
    if probabilities.get("limited_conflict", 0) > 0:
        return "limited_conflict"
    return max(probabilities, key=probabilities.get)


NAMED_OUTCOMES = {("status_quo",): "status_quo", ("concede",): "defender_concedes", ("hold",): "limited_conflict",
                  ("limited", "back_down"): "defender_backs_down", ("escalate", "escalate"): "all_out_conflict",
                  ("escalate", "back_down"): "challenger_backs_down", ("limited", "escalate"): "all_out_conflict"}


def solved_outcomes(eq):
    """Outcome name -> probability, read from the terminal paths of a solved tree."""
    out = {}
    for path, q in eq.outcomes:
        moves = [m for m in path.split("/") if m not in ("D_hard", "D_soft", "C_hard", "C_soft", "initiate")]
        key = tuple(moves[-1:]) if moves[-1] in ("status_quo", "concede", "hold") else \
            (moves[0], moves[-1])
        name = NAMED_OUTCOMES[key]
        out[name] = out.get(name, F(0)) + q
    return out


def test_escalation_entry_is_its_builder_and_is_listed(capsys):
    assert_entry_is_its_builder(ESCALATION, Z.asymmetric_escalation_incomplete)
    assert ESCALATION in listed_names()
    game = dt.load_game(ESCALATION)
    for command in (["show", ESCALATION], ["solve", ESCALATION, "-m", "sequential"], ["solve", ESCALATION]):
        assert main(command) == 0
        assert game.title in capsys.readouterr().out
    assert main(["solve", ESCALATION, "-m", "sequential", "--json"]) == 0
    import json
    (eq,) = json.loads(capsys.readouterr().out)["equilibria"]
    assert eq["strategies"]["Challenger"]["actions"]["C"] == "status_quo"


@pytest.mark.parametrize("values", ESCALATION_POINTS)
def test_escalation_solver_is_the_backward_induction(values):
    tree = Z.asymmetric_escalation_incomplete(**values)
    predicted = Z.escalation_equilibrium(values)
    (eq,) = dt.solve(tree, "sequential").equilibria
    assert escalation_moves(eq) == predicted["moves"]
    outcomes = solved_outcomes(eq)
    assert {k: q for k, q in predicted["outcomes"].items() if q} == outcomes
    assert region_of(outcomes) == predicted["region"]
    # the formula's profile passes the exact check of sequential rationality (no payoff after
    # any set depends on the other's type, so any beliefs do), and a changed move fails it
    behaviour = {key: {m: F(int(m == predicted["moves"][key[1]])) for m in s.actions}
                 for key, s in tree.infosets.items()}

    def uniform(key, s):
        return {path_name(p): F(1, len(s.paths)) for p in s.paths}
    assert sequential_violations(tree, behaviour, supporting_beliefs(tree, behaviour, uniform)) == []
    changed = dict(behaviour)
    changed[("Challenger", "C")] = {m: 1 - q for m, q in behaviour[("Challenger", "C")].items()}
    assert sequential_violations(tree, changed, supporting_beliefs(tree, changed, uniform))


@pytest.mark.parametrize("values", ESCALATION_POINTS)
def test_escalation_thresholds_decide_the_region(values):
    # The formulas alone (where the Challenger holds after a limited response, as at these
    # points): deterrence iff pDef exceeds the threshold for the Hard Defender's response;
    # below it, limited or all-out conflict by pCh against pCh_star.
    v = Z.asymmetric_escalation_incomplete(**values).parameters
    point = at(v)
    pch_star, pdef_limited, pdef_escalation = (f.subs(point) for f in Z.escalation_thresholds())
    assert v["eeD"] > v["edD"] and v["ddC"] > v["eeC"]
    responds_in_kind = v["pCh"] > pch_star
    threshold = pdef_limited if responds_in_kind else pdef_escalation
    expected = "status_quo" if v["pDef"] > threshold else (
        "limited_conflict" if responds_in_kind else "all_out_conflict")
    predicted = Z.escalation_equilibrium(values)
    assert predicted["region"] == expected
    if expected == "all_out_conflict":
        assert predicted["outcomes"]["all_out_conflict"] == v["pDef"] * v["pCh"]


def test_escalation_points_sweep_both_sides_of_each_threshold():
    sides = set()
    for values in ESCALATION_POINTS:
        v = Z.asymmetric_escalation_incomplete(**values).parameters
        pch_star, pdef_limited, pdef_escalation = (f.subs(at(v)) for f in Z.escalation_thresholds())
        in_kind = v["pCh"] > pch_star
        sides.add((in_kind, v["pDef"] > (pdef_limited if in_kind else pdef_escalation)))
    assert sides == {(True, True), (True, False), (False, True), (False, False)}


def test_escalation_claims():
    game = dt.load_game(ESCALATION)
    names = list(game.parameters)
    c = game.claims
    pch_star, pdef_limited, pdef_escalation = Z.escalation_thresholds()
    condition = c["hard_defender_responds_in_kind_iff"]
    assert condition.startswith("pCh > ") and same(condition[len("pCh > "):], pch_star, names)
    assert same(c["deterrence_threshold_limited_response"], pdef_limited, names)
    assert same(c["deterrence_threshold_escalation"], pdef_escalation, names)
    point = at(game.parameters)
    assert [str(f.subs(point)) for f in (pch_star, pdef_limited, pdef_escalation)] == c["thresholds_at_defaults"]
    (eq,) = dt.solve(game, "sequential").equilibria
    assert region_of(solved_outcomes(eq)) == c["region_at_defaults"]
    for where, region in c["region_at"].items():
        values = dict(part.split(" = ") for part in where.split(", "))
        (eq,) = dt.solve(game.with_parameters(**values), "sequential").equilibria
        outcomes = solved_outcomes(eq)
        assert region_of(outcomes) == region, where
        if values == {"pDef": "1/3"}:
            assert outcomes["limited_conflict"] == F(c["limited_conflict_probability_at_pDef_1_3"])
        if values == {"pDef": "1/5", "pCh": "1/3"}:
            assert outcomes["all_out_conflict"] == F(c["all_out_conflict_probability_at_pDef_1_5_pCh_1_3"])
            assert outcomes["all_out_conflict"] == parse_expression(
                c["all_out_conflict_probability_when_defender_escalates"], names).subs(at(values))


def test_escalation_refuses_ties_and_other_types():
    with pytest.raises(GameError, match="indifferent"):
        Z.escalation_equilibrium({"pCh": "1/2"})
    with pytest.raises(GameError, match="deCH < eeC < deCS"):
        Z.escalation_equilibrium({"deCH": 1, "deCS": -1})
