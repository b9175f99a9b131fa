"""The canon of deterrence and crisis models: published results checked by solving.

Each family's formula (deterrence.models.canon) is checked against the
solvers at several parameter points: the tree is solved by backward
induction (with mixed equilibria in simultaneous subgames) and the outcome
compared with what the formula predicts.
"""
import random
from fractions import Fraction as F

import pytest
import sympy
from catalogue_helpers import assert_entry_is_its_builder, listed_names
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

import deterrence as dt
from deterrence.cli import main
from deterrence.core.symbolic import parameter_symbol, parse_expression
from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.models import canon as C
from deterrence.solvers.tree.backward_induction import subgame_perfect
from deterrence.solvers.tree.bayesian import perfect_bayesian_equilibria

TREES = {"fearon_bargaining": C.fearon_bargaining, "attrition_private_resolve": C.attrition_private_resolve,
         "fearon_risk_return": C.fearon_risk_return,
         "commitment_problem": C.commitment_problem, "audience_costs": C.audience_costs,
         "brinkmanship": C.brinkmanship, "mutual_deterrence": C.mutual_deterrence,
         "asymmetric_escalation": C.asymmetric_escalation, "reassurance_game": C.reassurance_game,
         "chain_store": C.chain_store, "extended_deterrence": C.extended_deterrence}
NORMAL_FORM = ["arms_race", "war_of_attrition"]
OTHER = ["crisis_resolve"]
CANON = sorted(TREES) + NORMAL_FORM + OTHER


def same(claim, formula, game):
    return sympy.simplify(parse_expression(claim, game.parameters) - formula) == 0


def at(values):
    """A sympy substitution for parameter values given by name."""
    return {parameter_symbol(k): F(v) for k, v in values.items()}


def probability_of(equilibrium, last_move):
    """Probability that play ends at a terminal reached by ``last_move``."""
    return sum((q for path, q in equilibrium.outcomes if path.split("/")[-1] == last_move), F(0))


def only(result):
    (eq,) = result.equilibria
    return eq


# -- every entry ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(TREES))
def test_entry_is_its_builder(name):
    assert_entry_is_its_builder(name, TREES[name])


def test_cli_lists_every_entry():
    assert set(CANON) <= listed_names()


@pytest.mark.parametrize("name", CANON)
def test_cli_shows_and_solves(name, capsys):
    title = dt.load_game(name).title
    for command in ("show", "solve"):
        assert main([command, name]) == 0, (name, command)
        assert title in capsys.readouterr().out


# -- 1. Fearon (1995) ----------------------------------------------------------------------
def test_bargaining_range_claim_and_demand():
    game = dt.load_game("fearon_bargaining")
    low, high = C.bargaining_range()
    assert same(game.claims["bargaining_range"][0], low, game)
    assert same(game.claims["bargaining_range"][1], high, game)
    at_defaults = at(game.parameters)
    assert [str(low.subs(at_defaults)), str(high.subs(at_defaults))] == game.claims["bargaining_range_at_defaults"]


@pytest.mark.parametrize("p, cA, cB", [("1/2", "1/7", "1/9"), ("2/3", "1/11", "2/13"),
                                       ("1/3", "1/5", "1/19"), ("3/5", "1/21", "2/9")])
def test_complete_information_demand_is_the_top_of_the_bargaining_range(p, cA, cB):
    grid = 20
    eq = only(dt.solve(C.fearon_bargaining(grid, demands=None, p=p, cA=cA, cB=cB)))
    k = int(eq.actions["root"].split("_")[1])
    low, high = (float(x.subs(at(dict(p=p, cA=cA, cB=cB)))) for x in C.bargaining_range())
    # A takes the largest grid share B still accepts: inside the range, the next one above it.
    assert low < k / grid < high < (k + 1) / grid
    assert probability_of(eq, "war") == 0


@pytest.mark.parametrize("p, cA, cbar", [("1/2", "1/10", "3/10"), ("2/5", "1/20", "7/20"),
                                         ("3/5", "1/8", "1/4"), ("1/2", "1/30", "9/20")])
def test_risk_return_formulas_match_the_solved_tree(p, cA, cbar):
    types, grid = 20, 40   # no B type is indifferent at a grid demand for these cbar
    tree = C.fearon_risk_return(types, grid, demands=None, p=p, cA=cA, cbar=cbar)
    result = subgame_perfect(tree)
    demand_formula, war_formula = C.risk_return_formulas()
    point = at(dict(p=p, cA=cA, cbar=cbar))
    x_star, war_star = float(demand_formula.subs(point)), float(war_formula.subs(point))
    for eq in result.equilibria:
        demand = int(eq.actions["root"].split("_")[1]) / grid
        assert abs(demand - x_star) <= 1 / grid + float(F(cbar)) / types
        assert abs(float(probability_of(eq, "war")) - war_star) <= 2 / types + 1 / (grid * float(F(cbar)))


def test_risk_return_claims_at_defaults():
    game = dt.load_game("fearon_risk_return")
    demand, war = C.risk_return_formulas()
    assert same(game.claims["optimal_demand"], demand, game)
    assert same(game.claims["probability_of_war"], war, game)
    eq = only(dt.solve(game))
    assert probability_of(eq, "war") == F(game.claims["probability_of_war_at_defaults"])
    at_defaults = at(game.parameters)
    assert war.subs(at_defaults) == sympy.Rational(game.claims["probability_of_war_at_defaults"])


@pytest.mark.parametrize("p1, p2, cA, delta", [("4/5", "1/5", "1/10", "9/10"), ("1/2", "1/5", "1/10", "9/10"),
                                               ("9/10", "1/2", "1/20", "4/5"), ("7/10", "3/10", "1/5", "1/2"),
                                               ("19/20", "1/4", "1/3", "19/20")])
def test_preventive_war_iff_the_power_shift_is_large(p1, p2, cA, delta):
    values = dict(p1=p1, p2=p2, cA=cA, delta=delta)
    war_predicted = bool(C.preventive_war_condition().subs(at(values | {"cB": "1/10"})))
    for eq in dt.solve(C.commitment_problem(grid=20, **values)).equilibria:   # grid step below cB
        assert probability_of(eq, "war") == (1 if war_predicted else 0)


def test_commitment_claim():
    game = dt.load_game("commitment_problem")
    condition = C.preventive_war_condition()
    claimed = parse_expression(game.claims["preventive_war_condition"].split(">")[0], game.parameters) > \
        parse_expression(game.claims["preventive_war_condition"].split(">")[1], game.parameters)
    assert sympy.simplify(condition.lhs - condition.rhs - (claimed.lhs - claimed.rhs)) == 0
    at_defaults = at(game.parameters)
    assert bool(condition.subs(at_defaults)) == game.claims["preventive_war_at_defaults"]


# -- 2. Audience costs ---------------------------------------------------------------------
@pytest.mark.parametrize("values", [dict(), dict(a=2), dict(p="1/3", v=2, wB=-5), dict(a="1/2", wR=1)])
def test_audience_cost_semi_separating_equilibrium(values):
    tree = C.audience_costs(**values)
    stand, mu, bluff = (f.subs(at(tree.parameters)) for f in C.audience_cost_formulas())
    eq = only(dt.solve(tree))
    assert eq.strategies["B"]["after_threat"]["stand_firm"] == stand
    assert eq.strategies["A"]["irresolute"]["threaten"] == bluff
    # Bayes' rule after a threat gives B exactly the belief that leaves it indifferent.
    p = tree.parameters["p"]
    assert p / (p + (1 - p) * bluff) == mu
    assert perfect_bayesian_equilibria(tree) == []


def test_audience_costs_pooling_when_the_prior_is_high_and_claims():
    game = dt.load_game("audience_costs")
    stand, mu, bluff = C.audience_cost_formulas()
    for key, formula in [("stand_firm_probability", stand), ("indifference_belief", mu), ("bluff_probability", bluff)]:
        assert same(game.claims[key], formula, game)
    assert len(perfect_bayesian_equilibria(game.with_defaults())) == game.claims["pure_pbe_at_defaults"]
    pbes = perfect_bayesian_equilibria(C.audience_costs(p="4/5"))   # above mu* = 2/3
    assert any(e.moves[("A", "resolved")] == e.moves[("A", "irresolute")] == "threaten"
               and e.moves[("B", "after_threat")] == "back_down" for e in pbes)


def test_audience_costs_above_the_cost_of_war_make_every_threat_credible():
    # a > -wI: even the irresolute type would rather fight than back down in public,
    # so both types threaten and B backs down.
    tree = C.audience_costs(a=4)
    eq = only(dt.solve(tree))
    assert eq.actions["irresolute/threaten/stand_firm"] == "fight"
    assert eq.strategies["B"]["after_threat"]["back_down"] == 1
    assert probability_of(eq, "fight") == 0


# -- 3. Brinkmanship -----------------------------------------------------------------------
@pytest.mark.parametrize("values", [dict(), dict(r="1/2"), dict(r="1/10", vA=1, dA=19), dict(r="1/3", vA=5, dA=5),
                                    dict(r="3/10", vB=9, dB=1)])
def test_brinkmanship_risk_of_disaster_by_resolve(values):
    tree = C.brinkmanship(**values)
    eq = only(dt.solve(tree))
    assert probability_of(eq, "disaster") == C.brinkmanship_disaster_risk(tree.parameters)
    resolve_a = C.brinkmanship_resolve("A").subs(at(tree.parameters))
    assert eq.actions["root"] == ("escalate" if tree.parameters["r"] < resolve_a else "back_down")


def test_brinkmanship_claims():
    game = dt.load_game("brinkmanship")
    assert same(game.claims["resolve_A"], C.brinkmanship_resolve("A"), game)
    assert probability_of(only(dt.solve(game)), "disaster") == F(game.claims["disaster_risk_at_defaults"])


# -- 4. Zagare-Kilgour ---------------------------------------------------------------------
MUTUAL_PATHS = {"defect/concede": "2_concedes", "defect/retaliate": "conflict",
                "cooperate/cooperate": "status_quo", "cooperate/defect/concede": "1_concedes",
                "cooperate/defect/retaliate": "conflict"}
ESCALATION_PATHS = {"status_quo": "status_quo", "initiate/concede": "defender_concedes",
                    "initiate/limited/hold": "limited_conflict",
                    "initiate/limited/escalate/back_down": "challenger_escalates",
                    "initiate/limited/escalate/escalate": "all_out_conflict",
                    "initiate/escalate/back_down": "challenger_backs_down",
                    "initiate/escalate/escalate": "all_out_conflict"}


def ranks(rng, names):
    order = list(range(len(names)))
    rng.shuffle(order)
    return dict(zip(names, order))


@pytest.mark.parametrize("seed", range(40))
def test_mutual_deterrence_regions(seed):
    rng = random.Random(seed)
    values = ranks(rng, ["sq1", "win1", "lose1", "war1"]) | ranks(rng, ["sq2", "win2", "lose2", "war2"])
    # Conflict ends two branches with the same payoffs, so a player may be indifferent
    # between them: every subgame-perfect equilibrium must end in the predicted region.
    for eq in dt.solve(C.mutual_deterrence(**values)).equilibria:
        ((path, _),) = eq.outcomes
        assert MUTUAL_PATHS[path] == C.mutual_deterrence_outcome(values)


@pytest.mark.parametrize("seed", range(60))
def test_asymmetric_escalation_regions(seed):
    rng = random.Random(seed)
    outcomes = ["sq", "dc", "dd", "ed", "de", "ee"]
    values = {k + "C": v for k, v in ranks(rng, outcomes).items()} | \
        {k + "D": v for k, v in ranks(rng, outcomes).items()}
    for eq in dt.solve(C.asymmetric_escalation(**values)).equilibria:
        ((path, _),) = eq.outcomes
        assert ESCALATION_PATHS[path] == C.escalation_outcome(values)


def test_zagare_kilgour_regions_all_occur():
    seen = set()
    rng = random.Random(1)
    for _ in range(300):
        outcomes = ["sq", "dc", "dd", "ed", "de", "ee"]
        values = {k + "C": v for k, v in ranks(rng, outcomes).items()} | \
            {k + "D": v for k, v in ranks(rng, outcomes).items()}
        seen.add(C.escalation_outcome(values))
    assert {"status_quo", "defender_concedes", "limited_conflict", "all_out_conflict"} <= seen


# -- 5. Security dilemma -------------------------------------------------------------------
@pytest.mark.parametrize("r, t, a, s", [(3, 4, 1, 0), (4, 3, 1, 0), (3, 5, 0, 1), (2, 5, 1, 0)])
def test_arms_race_dominance(r, t, a, s):
    game = dt.load_game("arms_race").with_parameters(r=r, t=t, a=a, s=s)
    pure = [tuple(e.support(i)[0] for i in range(2)) for e in dt.solve(game).pure]
    dominant = t > r and a > s
    assert (pure == [("arm", "arm")]) == dominant


@pytest.mark.parametrize("values", [dict(), dict(p="2/3"), dict(kT=4), dict(kU=1), dict(p="3/5", kU=1)])
def test_reassurance_separating_and_trust_threshold(values):
    tree = C.reassurance_game(**values)
    pbes = perfect_bayesian_equilibria(tree)
    separating = any(e.moves[("A", "trustworthy")] == "reassure" and e.moves[("A", "untrustworthy")] == "no_signal"
                     and e.moves[("B", "after_reassure")] == "cooperate" for e in pbes)
    assert separating == C.separating_condition(tree.parameters)
    threshold = C.trust_threshold().subs(at(tree.parameters))
    trusting_pool = any(e.moves[("A", "trustworthy")] == e.moves[("A", "untrustworthy")] == "no_signal"
                        and e.moves[("B", "after_no_signal")] == "cooperate" for e in pbes)
    assert trusting_pool == (tree.parameters["p"] > threshold)


def test_reassurance_claims():
    game = dt.load_game("reassurance_game")
    assert same(game.claims["trust_threshold"], C.trust_threshold(), game)
    assert len(perfect_bayesian_equilibria(game.with_defaults())) == game.claims["pure_pbe_at_defaults"]


# -- 6. War of attrition -------------------------------------------------------------------
@pytest.mark.parametrize("VA, VB, cA, cB", [(4, 2, 1, 1), (3, 7, 2, 1), (10, 10, "1/2", "1/3"), (1, 5, 3, "1/4")])
def test_attrition_quitting_probabilities(VA, VB, cA, cB):
    game = dt.load_game("war_of_attrition").with_parameters(VA=VA, VB=VB, cA=cA, cB=cB)
    (mixed,) = [e for e in dt.solve(game).equilibria if not e.is_pure]
    point = at(dict(VA=VA, VB=VB, cA=cA, cB=cB))
    assert mixed.probability("A", "quit") == C.attrition_quit_probability("A").subs(point)
    assert mixed.probability("B", "quit") == C.attrition_quit_probability("B").subs(point)


def test_attrition_hazard_and_claims():
    game = dt.load_game("war_of_attrition")
    assert same(game.claims["quit_probability_A"], C.attrition_quit_probability("A"), game)
    assert same(game.claims["quit_probability_B"], C.attrition_quit_probability("B"), game)
    (mixed,) = [e for e in dt.solve(game).equilibria if not e.is_pure]
    assert [str(mixed.probability(pl, "quit")) for pl in ("A", "B")] == game.claims["quit_probabilities_at_defaults"]
    # Rounds of length h: the quitting probability per unit time tends to the hazard cB/VB.
    h = F(1, 1000)
    short = game.with_parameters(cA=h, cB=2 * h)
    (mixed,) = [e for e in dt.solve(short).equilibria if not e.is_pure]
    hazard = mixed.probability("A", "quit") / h
    assert abs(hazard - F(2, 2)) < F(1, 100)


# -- 7. Reputation -------------------------------------------------------------------------
def test_chain_store_unravels_with_three_markets():
    eq = only(subgame_perfect(C.chain_store(3)))
    assert eq.outcomes == (("in/accommodate/in/accommodate/in/accommodate", 1),)


@pytest.mark.parametrize("b", [F(1, 2), F(1, 3), F(2, 5)])
@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_kreps_wilson_thresholds(b, k):
    mu = b ** k
    assert C.reputation_threshold(k).subs(parameter_symbol("b"), b) == mu
    beta = C.weak_fight_probability(mu, k, b)
    fight = mu + (1 - mu) * beta
    assert fight == b                                    # the entrant is indifferent at the threshold
    assert mu / fight == b ** (k - 1)                    # Bayes: a fight lifts the reputation to b^(k-1)
    below = mu / 2
    assert below + (1 - below) * C.weak_fight_probability(below, k, b) < b   # below it, entry pays


@pytest.mark.parametrize("mu", [F(1, 5), F(2, 5), F(3, 5), F(9, 10)])
def test_last_market_threshold_by_solving_the_bayesian_tree(mu):
    b = F(1, 2)
    def entrant(incumbent):
        return decision("Entrant", {"out": terminal([2, 0]), "in": incumbent}, infoset="entrant")
    def incumbent(fight):
        return decision("Incumbent", {"fight": terminal([fight, b - 1]), "accommodate": terminal([0, b])})
    tree = GameTree(chance({"tough": (mu, entrant(incumbent(1))), "weak": (1 - mu, entrant(incumbent(-1)))}),
                    players=["Incumbent", "Entrant"])
    eq = only(subgame_perfect(tree))
    threshold = C.reputation_threshold(1).subs(parameter_symbol("b"), b)
    assert eq.strategies["Entrant"]["entrant"]["out"] == (1 if mu > threshold else 0)


# -- 8. Extended deterrence ----------------------------------------------------------------
@pytest.mark.parametrize("seed", range(30))
def test_extended_deterrence_condition(seed):
    rng = random.Random(seed)
    values = {"e": F(2 * rng.randint(0, 4) + 1, 4), "kD": F(2 * rng.randint(0, 6) + 1, 2), "lD": rng.randint(0, 3),
              "rD": rng.randint(0, 3), "lP": rng.randint(0, 3), "wP": F(2 * rng.randint(0, 3) + 1, 2),
              "aP": F(2 * rng.randint(0, 3) + 1, 2), "gC": 1, "wC": rng.choice([4, -1])}
    tree = C.extended_deterrence(**values)
    for eq in dt.solve(tree).equilibria:
        deterred_by_commitment = eq.outcomes == (("commit/status_quo", 1),)
        assert deterred_by_commitment == C.commitment_deters(values), (values, eq.outcomes)


def test_extended_deterrence_claims():
    game = dt.load_game("extended_deterrence")
    assert C.commitment_deters(game.parameters) == game.claims["commitment_deters_at_defaults"]


# -- 9. Strategic probit -------------------------------------------------------------------
def test_outcome_probabilities_match_simulated_shocks():
    # Independent computation: draw a normal shock for every payoff and let each
    # player pick its best move; the Challenger's belief is the Defender's resisting
    # probability (the agent QRE). The frequencies must match the closed form.
    import numpy as np

    from deterrence.solvers.inference.strategic_probit import outcome_probabilities
    rng = np.random.default_rng(3)
    theta = (-0.3, 0.7, 1.2, -0.8, 0.5)
    for x, z in [(0.0, 0.0), (1.0, -0.5), (-1.5, 2.0)]:
        n = 400_000
        war_d = theta[0] + theta[1] * x
        resists = war_d + rng.standard_normal(n) > rng.standard_normal(n)
        q = resists.mean()
        value = q * (theta[3] + theta[4] * z) + (1 - q) * theta[2]
        challenges = value + rng.standard_normal(n) > rng.standard_normal(n)
        freq = [np.mean(~challenges), np.mean(challenges & ~resists), np.mean(challenges & resists)]
        exact = [float(p[0]) for p in outcome_probabilities(theta, np.array([x]), np.array([z]))]
        assert np.allclose(freq, exact, atol=0.005)


def test_fit_recovers_the_shipped_data_parameters():
    from deterrence.solvers.inference.strategic_probit import (
        TRUE_PARAMETERS,
        fit_strategic_probit,
    )
    fit = fit_strategic_probit()
    assert fit.converged and fit.n == 2000
    for name, truth in TRUE_PARAMETERS.items():
        assert abs(fit.estimates[name] - truth) < 3 * fit.standard_errors[name], name
        assert 0 < fit.standard_errors[name] < 0.5
    game = dt.load_game("crisis_resolve")
    assert game.claims["true_parameters"] == TRUE_PARAMETERS
    assert {k: float(v) for k, v in game.parameters.items()} == {k: TRUE_PARAMETERS[k] for k in ("a", "g0", "b0")}


def test_fit_is_consistent_and_errors_are_calibrated():
    import numpy as np

    from deterrence.solvers.inference.strategic_probit import (
        NAMES,
        TRUE_PARAMETERS,
        fit_strategic_probit,
        simulate_crises,
    )
    fits = [fit_strategic_probit(simulate_crises(n=3000, seed=seed)) for seed in range(8)]
    estimates = np.array([[f.estimates[k] for k in NAMES] for f in fits])
    truth = np.array([TRUE_PARAMETERS[k] for k in NAMES])
    spread = estimates.std(axis=0)
    reported = np.array([[f.standard_errors[k] for k in NAMES] for f in fits]).mean(axis=0)
    assert np.all(np.abs(estimates.mean(axis=0) - truth) < 3 * reported / np.sqrt(len(fits)) + 0.05)
    assert np.all((spread > reported / 3) & (spread < reported * 3))


def test_bad_crisis_data_names_the_line(tmp_path):
    from deterrence.errors import GameError
    from deterrence.solvers.inference.strategic_probit import load_crisis_data
    path = tmp_path / "bad.csv"
    path.write_text("x,z,outcome\n0.1,0.2,war\n0.3,0.4,peace\n")
    with pytest.raises(GameError, match=r"bad\.csv:3: column .outcome.: must be one of"):
        load_crisis_data(path)


# -- conditions written in the files, checked against the solved games ----------------------
def holds(condition, game, values=None):
    """Truth of a file's condition ("x > y", "x < y", joined by "and") at the given values."""
    point = at(dict(game.parameters) | dict(values or {}))
    verdicts = []
    for part in condition.split(" and "):
        op = ">" if ">" in part else "<"
        lhs, rhs = (parse_expression(side, game.parameters).subs(point) for side in part.split(op))
        verdicts.append(bool(lhs > rhs) if op == ">" else bool(lhs < rhs))
    return all(verdicts)


def test_reputation_threshold_claim():
    game = dt.load_game("chain_store")
    b = parameter_symbol("b")
    claimed = game.claims["reputation_thresholds_at_defaults"]
    assert claimed == [str(C.reputation_threshold(k).subs(b, game.parameters["b"])) for k in (1, 2, 3)]


@pytest.mark.parametrize("values", [{}, {"a": 4}, {"wR": -2}, {"a": "1/4", "wR": "-1/2"}])
def test_audience_threat_credibility_condition(values):
    game = dt.load_game("audience_costs")
    for eq in dt.solve(game.with_parameters(**values)).equilibria:
        fights = eq.actions["resolved/threaten/stand_firm"] == "fight"
        assert fights == holds(game.claims["threat_credible_for_resolved"], game, values)


def test_zagare_kilgour_file_conditions():
    mutual = dt.load_game("mutual_deterrence")
    assert all(holds(c, mutual) for c in mutual.claims["credibility_conditions"])
    assert C.mutual_deterrence_outcome(mutual.parameters) == mutual.claims["outcome_at_defaults"]
    escalation = dt.load_game("asymmetric_escalation")
    assert C.escalation_outcome(escalation.parameters) == escalation.claims["outcome_at_defaults"]
    for values in [{}, {"eeD": -1}, {"eeD": "1/2", "edD": 1}]:
        eq = only(dt.solve(escalation.with_parameters(**values)))
        assert (eq.actions["initiate/limited/escalate"] == "escalate") == \
            holds(escalation.claims["escalation_credible"], escalation, values)


@pytest.mark.parametrize("values", [{}, {"kT": 4}, {"kU": 1}, {"gU": 5}])
def test_reassurance_file_condition(values):
    game = dt.load_game("reassurance_game")
    claimed = all(holds(c, game, values) for c in game.claims["separating_condition"])
    assert claimed == C.separating_condition(dict(game.parameters) | values)


@pytest.mark.parametrize("seed", range(10))
def test_extended_deterrence_file_conditions(seed):
    rng = random.Random(seed)
    values = {"kD": F(2 * rng.randint(0, 6) + 1, 2), "lD": rng.randint(0, 3), "rD": rng.randint(0, 3)}
    game = dt.load_game("extended_deterrence")
    for eq in dt.solve(game.with_parameters(**values)).equilibria:
        assert (eq.actions["commit/attack/resist"] == "intervene") == \
            holds(game.claims["committed_intervention_credible"], game, values)
        assert (eq.actions["no_commit/attack/resist"] == "intervene") == \
            holds(game.claims["uncommitted_intervention_credible"], game, values)


@pytest.mark.parametrize("r, t, a, s", [(3, 4, 1, 0), (4, 3, 1, 0), (3, 5, 0, 1)])
def test_arms_race_file_condition(r, t, a, s):
    game = dt.load_game("arms_race")
    values = dict(r=r, t=t, a=a, s=s)
    pure = [e.support(0)[0] for e in dt.solve(game.with_parameters(**values)).pure]
    assert (pure == [game.claims["dominant_action"]]) == holds(game.claims["dominance_condition"], game, values)


@pytest.mark.parametrize("values", [{}, {"q": "1/2"}, {"q": "4/5"}, {"q": "9/10", "VA": 20}, {"VA": 5, "cB": 3}])
def test_attrition_with_private_resolve(values):
    tree = C.attrition_private_resolve(**values)
    point = at(tree.parameters)
    threshold, quit_a, quit_normal = (f.subs(point) for f in C.attrition_resolve_formulas())
    equilibria = dt.solve(tree).equilibria
    if tree.parameters["q"] > threshold:
        assert [e.strategies["A"]["A"]["quit"] for e in equilibria] == [1]
    else:
        (mixed,) = [e for e in equilibria if not e.is_pure]
        assert mixed.strategies["A"]["A"]["quit"] == quit_a
        assert mixed.strategies["B"]["B_normal"]["quit"] == quit_normal
        assert mixed.strategies["B"]["B_resolute"]["fight"] == 1


def test_attrition_private_resolve_claims():
    game = dt.load_game("attrition_private_resolve")
    threshold, quit_a, quit_normal = C.attrition_resolve_formulas()
    assert same(game.claims["give_up_threshold"], threshold, game)
    assert same(game.claims["quit_probability_A"], quit_a, game)
    assert same(game.claims["quit_probability_normal_B"], quit_normal, game)
