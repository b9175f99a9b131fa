"""The canon, continued (deterrence.models.canon_beliefs): Powell's brinkmanship with hidden
resolve, Kreps-Wilson reputation, Jervis's spiral. Each closed form is checked against the
solvers (sequence form, quasi-perfect, reduced normal form, agent QRE, the exact Markov chain
of noisy play) at several parameter points, and each file's claims against the formulas.
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
from deterrence.models import canon_beliefs as B
from deterrence.solvers.repeated.noise_markov import analyse_noise
from deterrence.solvers.tree.reduced_normal_form import expected_payoffs

TREES = {"brinkmanship_hidden_resolve": B.brinkmanship_hidden_resolve, "reputation_kwmr": B.reputation_game}
ENTRIES = sorted(TREES) + ["spiral_model"]


def at(values):
    return {parameter_symbol(k): F(v) for k, v in values.items()}


def same(claim, formula, game):
    return sympy.simplify(parse_expression(claim, game.parameters) - formula) == 0


def probability_of(equilibrium, last_move):
    return sum((q for path, q in equilibrium.outcomes if path.split("/")[-1] == last_move), F(0))


# -- every entry ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", sorted(TREES))
def test_entry_is_its_builder(name):
    assert_entry_is_its_builder(name, TREES[name])


def test_cli_lists_the_entries():
    assert set(ENTRIES) <= listed_names()


@pytest.mark.parametrize("name", ENTRIES)
def test_cli_shows_and_solves(name, capsys):
    game = dt.load_game(name)
    for command in ("show", "solve"):
        assert main([command, name]) == 0, (name, command)
        out = capsys.readouterr().out
        assert game.title in out
        if command == "show":
            assert all(k in out for k in game.parameters) and "Sources" in out


# -- 1. Powell: brinkmanship with hidden resolve ---------------------------------------------
# points in each regime: mixed (defaults), irresolute A always bluffs with B firm (pB < q*),
# pooling with B backing down (pA > mu*), both, and other risks and resolves
REGIMES = [{}, {"pB": "1/2"}, {"pA": "3/4"}, {"pA": "3/4", "pB": "1/2"}, {"pB": "9/10", "pA": "1/10"},
           {"rho1": "1/20", "rho2": "1/4", "rho3": "3/5", "rAL": "1/2", "rAH": "9/10", "rBL": "1/5",
            "rBH": "7/10", "pA": "1/3", "pB": "3/4"},
           {"rho1": "1/20", "rho2": "1/4", "rho3": "3/5", "rAL": "1/2", "rAH": "9/10", "rBL": "1/5",
            "rBH": "7/10", "pA": "1/3", "pB": "1/3"}]
SETS = {"A_high": ("A", "A_high"), "A_low": ("A", "A_low"), "B_high": ("B", "B_high"), "B_low": ("B", "B_low"),
        "A_high_last": ("A", "A_high_last"), "A_low_last": ("A", "A_low_last")}


def escalation(eq, name):
    player, infoset = SETS[name]
    return eq.strategies[player][infoset]["escalate"]


@pytest.mark.parametrize("values", REGIMES)
def test_quasi_perfect_equilibrium_is_the_formula(values):
    tree = B.brinkmanship_hidden_resolve(**values)
    predicted = B.hidden_resolve_equilibrium(values)
    (eq,) = dt.solve(tree, "quasi_perfect").equilibria
    assert {name: escalation(eq, name) for name in SETS} == predicted
    outcomes = B.hidden_resolve_outcomes(values)
    assert probability_of(eq, "disaster") == outcomes["total"][0]


@pytest.mark.parametrize("values", REGIMES)
def test_every_equilibrium_with_credible_last_steps_is_the_formula(values):
    # The default solver and the sequence form list every (extreme) Nash equilibrium of the
    # whole game; those in which the unreached last steps are sequentially rational (the
    # resolute A takes it, rho3 < rAH; the irresolute one does not, rAL < rho3) are the
    # equilibrium of the formulas, and there is one.
    tree = B.brinkmanship_hidden_resolve(**values)
    predicted = B.hidden_resolve_equilibrium(values)
    for method in ("subgame_perfect", "sequence_form"):
        credible = [e for e in dt.solve(tree, method).equilibria
                    if escalation(e, "A_high_last") == 1 and escalation(e, "A_low_last") == 0]
        assert credible, method
        for eq in credible:
            assert {name: escalation(eq, name) for name in SETS} == predicted, method


@pytest.mark.parametrize("values", REGIMES)
def test_escalation_is_a_bluff_exactly_below_the_critical_belief(values):
    # Independent of the solvers: the irresolute A's expected payoff from escalating (then
    # backing down if B stands firm) against B's equilibrium play is above 0 exactly when the
    # probability that B stands firm is below q*, and equal to 0 when it mixes.
    tree = B.brinkmanship_hidden_resolve(**values)
    v, e = tree.parameters, B.hidden_resolve_equilibrium(values)
    q_star, mu_star = (f.subs(at(v)) for f in B.hidden_resolve_thresholds())
    firm = v["pB"] * e["B_high"]
    r, r1, r2 = v["rAL"], v["rho1"], v["rho2"]
    bluff_value = r1 * (r - 1) + (1 - r1) * ((1 - firm) * r + firm * r2 * (r - 1))
    assert (bluff_value > 0) == (firm < q_star) and (bluff_value == 0) == (firm == q_star)
    if 0 < e["A_low"] < 1:
        assert bluff_value == 0
        belief = v["pA"] / (v["pA"] + (1 - v["pA"]) * e["A_low"])
        assert belief == mu_star                       # Bayes' rule lands on B's critical belief


def test_hidden_resolve_claims_and_powell_s_finding():
    game = dt.load_game("brinkmanship_hidden_resolve")
    q_star, mu_star = B.hidden_resolve_thresholds()
    assert same(game.claims["critical_belief_bluff"], q_star, game)
    assert same(game.claims["critical_belief_stand_firm"], mu_star, game)
    assert [str(f.subs(at(game.parameters))) for f in (q_star, mu_star)] == game.claims["thresholds_at_defaults"]
    (eq,) = dt.solve(game, "quasi_perfect").equilibria
    assert escalation(eq, "A_low") == F(game.claims["bluff_probability_at_defaults"])
    assert escalation(eq, "B_high") == F(game.claims["stand_firm_probability_at_defaults"])
    assert probability_of(eq, "disaster") == F(game.claims["disaster_probability_at_defaults"])
    # Powell (1987, 1988): the state with less resolve sometimes prevails. Read from the
    # solved tree: the irresolute A (resolve 1/3) against the resolute B (3/5).
    a_prevails = {"A_low/B_high/escalate/safe/back_down", "A_low/B_high/escalate/safe/escalate/safe/escalate/safe"}
    weak_a_wins = sum((q for path, q in eq.outcomes if path in a_prevails), F(0))
    weight = (1 - game.parameters["pA"]) * game.parameters["pB"]
    assert weak_a_wins / weight == F(game.claims["less_resolute_prevails_at_defaults"]) > 0
    assert game.parameters["rAL"] < game.parameters["rBH"]
    assert B.hidden_resolve_outcomes({})[("low", "high")][1] == weak_a_wins / weight


def test_hidden_resolve_equilibrium_refuses_other_orderings():
    with pytest.raises(GameError, match="rho1 < rAL"):
        B.hidden_resolve_equilibrium({"rAL": "3/5"})
    with pytest.raises(GameError, match="escalates at once"):
        B.hidden_resolve_equilibrium({"rho3": "2/5", "rAH": "9/20", "pB": "19/20"})


# -- 2. Kreps-Wilson reputation ----------------------------------------------------------------
def reach_probabilities(tree, behaviour, observed=()):
    """Probability of reaching every node under a behaviour profile (chance included); the
    moves of the ``observed`` players (everyone sees them) count as made."""
    from deterrence.core.tree import Chance, Decision
    reach = {(): F(1)}
    for path, node in tree.nodes():
        p = reach[tuple(path)]
        if isinstance(node, Chance):
            for move, q, _ in node.moves:
                reach[tuple(path) + (move,)] = p * q
        elif isinstance(node, Decision):
            dist = behaviour[(node.player, tree.infoset_of(path).name)]
            for move, _ in node.moves:
                reach[tuple(path) + (move,)] = p * (1 if node.player in observed else dist[move])
    return reach


def sequentially_rational(tree, behaviour) -> bool:
    """Exact check: at every information set that some type of incumbent reaches, every move
    played is a best move given Bayes' beliefs (the entrants' moves are public, so a belief
    weighs the nodes of a set by chance and the incumbent's play only) and everybody's later
    play. Sets that no incumbent play reaches admit any belief and are not checked."""
    reach = reach_probabilities(tree, behaviour, observed=tree.players[1:])
    for key, infoset in tree.infosets.items():
        weights = [reach[tuple(p)] for p in infoset.paths]
        if sum(weights) == 0:
            continue
        i = tree.player_index(key[0])
        values = {}
        for move in infoset.actions:
            forced = dict(behaviour)
            forced[key] = {m: F(int(m == move)) for m in infoset.actions}
            values[move] = sum(w * expected_payoffs(tree, forced, at=tuple(p))[i]
                               for w, p in zip(weights, infoset.paths))
        best = max(values.values())
        if any(prob > 0 and values[move] != best for move, prob in behaviour[key].items()):
            return False
    return True


@pytest.mark.parametrize("delta", ["1/5", "1/10", "1/3", "3/5"])
def test_reputation_equilibrium_in_two_markets_is_found_by_the_solver(delta):
    values = {"delta": delta, "a": 2, "b": "1/2"}
    tree = B.reputation_game(2, delta=delta)
    predicted = B.reputation_equilibrium(2, values)
    assert sequentially_rational(tree, predicted)
    solved = dt.solve(tree).equilibria
    reach = reach_probabilities(tree, predicted)
    on_path = [k for k, s in tree.infosets.items() if any(reach[tuple(p)] > 0 for p in s.paths)]
    if F(delta) < F(1, 4):
        # Entry comes at once and the mixing is on the path. The default solver lists the Nash
        # equilibria of the whole game; those also sequentially rational off the path (others
        # keep the first entrant out by a threat to fight that the weak incumbent would not
        # carry out) are the Kreps-Wilson profile.
        solved = [eq for eq in solved if sequentially_rational(tree, eq.behaviour)]
    else:
        # The first entrant stays out; the weak incumbent's mixing is off the path, where Nash
        # equilibria form a continuum: each one the solver reports plays as the formulas on
        # the path.
        assert predicted[("Entrant1", "E1_start")]["out"] == 1
    assert solved
    for eq in solved:
        assert eq.payoffs == expected_payoffs(tree, predicted)
        for key in on_path:
            assert eq.behaviour[key] == predicted[key], key


@pytest.mark.parametrize("markets, delta, b, a", [(3, "1/10", "1/2", 2), (3, "1/5", "1/2", 3),
                                                  (3, "1/20", "2/5", 2)])
def test_reputation_equilibrium_in_three_markets(markets, delta, b, a):
    values = {"delta": delta, "a": a, "b": b}
    tree = B.reputation_game(markets, **values)
    predicted = B.reputation_equilibrium(markets, values)
    assert sequentially_rational(tree, predicted)
    # a small change of the weak incumbent's mixing breaks it (the check can fail)
    nudged = dict(predicted)
    nudged[("Incumbent", "weak/in")] = {"fight": F(1, 2), "accommodate": F(1, 2)}
    assert not sequentially_rational(tree, nudged)


def test_agent_qre_approaches_the_reputation_equilibrium():
    # The agent logit QRE's limits are sequential equilibria (McKelvey and Palfrey 1998): at a
    # large lambda the branch sits near the Kreps-Wilson profile, with its mixing included.
    from deterrence.solvers.tree.agent_qre import agent_qre_at
    values = {"delta": "1/10", "a": 2, "b": "1/2"}
    tree = B.reputation_game(3, **values)
    predicted = B.reputation_equilibrium(3, values)
    near = agent_qre_at(tree, 100.0)
    for key in [("Incumbent", "weak/in"), ("Incumbent", "weak/in/fight/in"), ("Entrant2", "E2_fight"),
                ("Entrant3", "E3_fight_fight"), ("Entrant1", "E1_start")]:
        for move, p in predicted[key].items():
            assert abs(near[key][move] - float(p)) < 0.02, (key, move, near[key], predicted[key])
    assert predicted[("Incumbent", "weak/in")]["fight"] == F(1, 3)     # lifts 1/10 to b**2 = 1/4
    assert predicted[("Entrant2", "E2_fight")]["out"] == F(1, 2)        # 1/a at the threshold


@pytest.mark.parametrize("k", [1, 2, 3])
@pytest.mark.parametrize("b", [F(1, 2), F(1, 3)])
def test_reputation_thresholds_by_bayes_and_indifference(k, b):
    # Closed forms checked by their defining conditions: at p = b**k a fight (tough, or weak
    # with the formula's probability) lifts the belief to b**(k-1), and the entrant is then
    # indifferent; one market earlier the weak incumbent is indifferent when the entrant stays
    # out with 1/a.
    a = F(3)
    p = b ** k
    fight = B.weak_fight_probability(p, k, b) if k > 1 else F(0)
    if k > 1:
        assert p / (p + (1 - p) * fight) == b ** (k - 1)
        assert (p + (1 - p) * fight) * (b - 1) + (1 - p) * (1 - fight) * b == 0
    stay = B.entrant_stay_out_probability().subs(parameter_symbol("a"), a)
    assert -1 + stay * a == 0


def test_reputation_claims():
    game = dt.load_game("reputation_kwmr")
    b = parameter_symbol("b")
    for k, claim in enumerate(game.claims["reputation_thresholds"], start=1):
        assert same(claim, dt.reputation_threshold(k), game)
    assert [str(F(parse_expression(c, game.parameters).subs(at(game.parameters))))
            for c in game.claims["reputation_thresholds"]] == game.claims["reputation_thresholds_at_defaults"]
    assert same(game.claims["stay_out_probability_at_threshold"], B.entrant_stay_out_probability(), game)
    predicted = B.reputation_equilibrium(2, game.parameters)
    fight = predicted[("Incumbent", "weak/in")]["fight"]
    assert fight == F(game.claims["weak_fight_probability_at_defaults"])
    assert fight == parse_expression(game.claims["weak_fight_probability"], game.parameters).subs(at(game.parameters))
    assert (predicted[("Entrant1", "E1_start")]["in"] == 1) == game.claims["entrant1_enters_at_defaults"]
    assert b in dt.reputation_threshold(2).free_symbols


def test_reputation_game_refuses_bad_market_counts():
    for bad in (0, 7, "2", True):
        with pytest.raises(GameError, match="markets"):
            B.reputation_game(bad)


# -- 3. Jervis's spiral -------------------------------------------------------------------------
def spiral_noise(eps):
    return {"implementation": {"restrain": {"restrain": str(1 - F(eps)), "arm": str(F(eps))}}}


@pytest.mark.parametrize("eps", ["1/20", "1/7", "1/3", "9/10"])
def test_spiral_formulas_match_the_exact_chain(eps):
    game = dt.load_game("spiral_model").with_defaults()
    hazard, locked, expected = B.spiral_formulas()
    point = at({"eps": eps})
    for within in (1, 2, 7):
        a = analyse_noise(game, "tit_for_tat", delta="9/10", noise=spiral_noise(eps), war=[("arm", "arm")],
                          within=within)
        assert a.war_probability == locked.subs(point | {parameter_symbol("t"): within})
    assert a.war_eventually == 1 and a.long_run_payoffs == (game.parameters["P"],) * 2
    assert a.expected_rounds_to_war == expected.subs(point)
    # the hazard: the chance that a round of mutual restraint is followed by anything else
    first = analyse_noise(game, "tit_for_tat", noise=spiral_noise(eps),
                          war=[("arm", "restrain"), ("restrain", "arm"), ("arm", "arm")], within=1)
    assert first.war_probability == hazard.subs(point)
    assert first.expected_rounds_to_war == 1 / hazard.subs(point)


@pytest.mark.parametrize("eps, delta, payoffs", [("1/20", "9/10", (4, 3, 2, 0)), ("1/5", "1/2", (5, 3, 1, 0)),
                                                 ("1/3", "19/20", (3, 2, 1, -1))])
def test_spiral_value_matches_the_discounted_payoffs(eps, delta, payoffs):
    R, T, P, S = payoffs
    game = dt.load_game("spiral_model").with_parameters(R=R, T=T, P=P, S=S).with_defaults()
    a = analyse_noise(game, "tit_for_tat", delta=delta, noise=spiral_noise(eps), war=[("arm", "arm")])
    value = B.spiral_value().subs(at({"R": R, "T": T, "P": P, "S": S, "eps": eps, "delta": delta}))
    assert a.discounted_payoffs == (value, value)


def test_spiral_claims():
    game = dt.load_game("spiral_model")
    hazard, locked, expected = B.spiral_formulas()
    assert same(game.claims["spiral_hazard"], hazard, game)
    assert same(game.claims["expected_round_of_arms_race"], expected, game)
    point = at(game.parameters)
    assert str(hazard.subs(point)) == game.claims["spiral_hazard_at_defaults"]
    assert str(expected.subs(point)) == game.claims["expected_round_at_defaults"]
    # the file's noise is the misreading rate eps at its default
    a = analyse_noise(game.with_defaults(), war=[("arm", "arm")], within=10)
    assert a.war_probability == parse_expression(game.claims["locked_in_by_round_10_at_defaults"], [])
    assert a.war_probability == locked.subs(point | {parameter_symbol("t"): 10})
    assert [str(x) for x in a.long_run_payoffs] == [str(game.parameters[c]) for c in game.claims["long_run_payoffs"]]
    pure = sorted(tuple(e.support(i)[0] for i in range(2)) for e in dt.solve(game).pure)
    assert pure == sorted(tuple(p) for p in game.claims["pure_equilibria"])



@pytest.mark.parametrize("eps", ["1/10", "1/3"])
def test_the_files_noise_is_the_misreading_rate_eps_itself(eps):
    """Noise tables took numbers only, so the file wrote eps's default (1/20) into its noise and a
    new eps left the noise at 1/20. The table's probabilities are formulas in eps now: set on the
    game, eps moves the noise (the same analysis as the table written out at that eps)."""
    game = dt.load_game("spiral_model").with_parameters(eps=eps)
    from_file = analyse_noise(game.with_defaults(), war=[("arm", "arm")], within=10)
    written = analyse_noise(game.with_defaults(), "tit_for_tat", delta="9/10", noise=spiral_noise(eps),
                            war=[("arm", "arm")], within=10)
    assert from_file.war_probability == written.war_probability
    assert from_file.discounted_payoffs == written.discounted_payoffs
    hazard, locked, _ = B.spiral_formulas()
    assert from_file.war_probability == locked.subs(at(dict(game.parameters)) | {parameter_symbol("t"): 10})
    refusal = r"noise implementation restrain -> restrain is -1.*the formula 1 - eps with eps = 2"
    with pytest.raises(dt.GameError, match=refusal):
        analyse_noise(dt.load_game("spiral_model").with_parameters(eps=2).with_defaults(), war=[("arm", "arm")])


def test_the_spiral_files_noise_takes_values_on_every_path():
    """A review of the change above: simulate, play_match and tournament refused the file ("the
    noise is symbolic"), and the discounted values of ``with_defaults()`` were formulas in eps.
    A stage at its values now gives its noise the same values."""
    from deterrence.core.repeated import RepeatedGame
    from deterrence.solvers.repeated.repeated_values import discounted_values
    from deterrence.solvers.repeated.simulate import play_match, simulate, tournament
    game = dt.load_game("spiral_model")
    numeric = game.with_defaults()
    assert RepeatedGame.from_game(numeric).noise.describe() == "restrain -> arm 1/20"
    written = analyse_noise(numeric, "tit_for_tat", delta="9/10", noise=spiral_noise("1/20"), war=[("arm", "arm")])
    assert discounted_values(numeric).payoffs == written.discounted_payoffs
    from deterrence.errors import DefaultValuesWarning
    # the file's game itself (its noise a formula of its parameters), each at its defaults, saying so
    with pytest.warns(DefaultValuesWarning, match="simulate"):
        assert 0 < simulate(game, matches=2000, turns=10, seed=1).war_fraction < 1
    with pytest.warns(DefaultValuesWarning, match="play_match"):
        assert len(play_match(game, turns=5, seed=1).realised) == 5
    with pytest.warns(DefaultValuesWarning, match="tournament"):
        assert not tournament(game, ["tit_for_tat", "grim_trigger"], matches=50, turns=10, seed=1).failures


def test_without_misperception_reciprocity_keeps_the_peace():
    game = dt.load_game("spiral_model").with_defaults()
    a = analyse_noise(game, "tit_for_tat", delta="9/10", noise={"implementation": {}}, war=[("arm", "arm")],
                      within=50)
    assert a.war_probability == 0 and a.discounted_payoffs == (game.parameters["R"],) * 2


def test_contrition_ends_the_spiral_that_reciprocity_locks_in():
    # The file's remedy: contrite tit-for-tat (Boyd 1989) accepts the answer to its own
    # apparent arming, so the arms race no longer lasts for ever: mutual restraint is the
    # most frequent state in the long run and both sides do better than the arms race.
    game = dt.load_game("spiral_model").with_defaults()
    plain = analyse_noise(game, "tit_for_tat", war=[("arm", "arm")])
    contrite = analyse_noise(game, "contrite_tit_for_tat", war=[("arm", "arm")])
    assert plain.profile_frequencies[("arm", "arm")] == 1
    frequencies = contrite.profile_frequencies
    assert frequencies[("restrain", "restrain")] > 1 / 2 > frequencies[("arm", "arm")] > 0
    assert contrite.long_run_payoffs[0] > game.parameters["P"] == plain.long_run_payoffs[0]


def test_subgame_perfect_lists_each_equilibrium_of_the_reputation_game_once():
    """Two reduced-normal-form equilibria of a subgame that differ only in plans the
    behaviour strategies cannot tell apart are one equilibrium, listed once."""
    import deterrence as dt
    result = dt.solve(dt.load_game("reputation_kwmr"), "subgame_perfect")
    shown = [e.describe() for e in result]
    assert len(shown) == len(set(shown)) == 5
