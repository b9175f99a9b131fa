"""Backward induction: every subgame-perfect equilibrium, ties included, checked by brute force."""
import itertools
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

import deterrence as dt
from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.errors import GameError, TooLargeError
from deterrence.models.entry_deterrence import entry_deterrence
from deterrence.solvers.tree.backward_induction import (TreeSolveResult, is_subgame_perfect,
                                                    subgame_perfect, subgame_roots)
from deterrence.solvers.tree.reduced_normal_form import reduced_normal_form, strategy_label, tree_nash
from deterrence.solvers.tree.threats import noncredible_threats
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)


def test_entry_deterrence_two_nash_one_spe():
    tree = entry_deterrence()
    nash = tree_nash(tree, "pure")
    assert sorted(tuple(e.support(i)[0] for i in range(2)) for e in nash) == [
        ("in", "accommodate"), ("out", "fight")]
    spe = dt.solve(tree)
    assert isinstance(spe, TreeSolveResult) and len(spe) == 1
    assert spe[0].actions == {"root": "in", "in": "accommodate"}
    assert spe[0].payoffs == (1, 1)


def test_every_spe_is_a_nash_equilibrium_of_the_reduced_normal_form():
    for tree in (entry_deterrence(), entry_deterrence(f=0), entry_deterrence(d=3)):
        nf = reduced_normal_form(tree)
        nash = {tuple(e.support(i)[0] for i in range(2)) for e in dt.solve(nf, "pure")}
        for eq in subgame_perfect(tree):
            labels = tuple(strategy_label(tree, p, {s: m for (q, s), d in eq.behaviour.items()
                                                   if q == p for m, x in d.items() if x == 1})
                           for p in tree.players)
            assert labels in nash


def test_ties_give_every_combination():
    # f = 0... the incumbent is indifferent when fighting pays as much as accommodating
    tree = entry_deterrence(f=-1)          # fight gives (1, 1), the same as accommodate
    result = subgame_perfect(tree)
    assert sorted(tuple(e.actions.values()) for e in result) == [("in", "accommodate"), ("in", "fight")]


def test_noncredible_threat_explained():
    (bad, good) = sorted(noncredible_threats(entry_deterrence()), key=lambda e: e.subgame_perfect)
    assert bad.profile == ("out", "fight") and not bad.subgame_perfect
    (threat,) = bad.threats
    assert (threat.node, threat.player, threat.planned, threat.better, threat.gain) == (
        "in", "Incumbent", "fight", "accommodate", 2)
    assert good.subgame_perfect and good.threats == ()


def test_simultaneous_subgame_solved_as_normal_form():
    # A chooses to play matching pennies or take 0; the subgame is solved by the stage solvers
    pennies = decision("A", {"h": decision("B", {"h": terminal([1, -1]), "t": terminal([-1, 1])}, "b"),
                             "t": decision("B", {"h": terminal([-1, 1]), "t": terminal([1, -1])}, "b")}, "a")
    tree = GameTree(decision("A", {"play": pennies, "quit": terminal(["-1/2", "1/2"])}), players=["A", "B"])
    assert subgame_roots(tree) == [(), ("play",)]
    (eq,) = subgame_perfect(tree).equilibria
    assert eq.behaviour[("A", "a")] == {"h": Fraction(1, 2), "t": Fraction(1, 2)}
    assert eq.actions["root"] == "play" and eq.payoffs == (0, 0)
    data = json.loads(json.dumps(subgame_perfect(tree).to_json()))
    assert data["equilibria"][0]["strategies"]["B"]["behaviour"]["b"] == {"h": "1/2", "t": "1/2"}
    assert data["equilibria"][0]["payoffs"] == ["0", "0"]
    assert "1/2 h + 1/2 t" in subgame_perfect(tree).to_text()


def test_chance_and_three_players():
    tree = GameTree(chance({"a": ("1/4", decision("P", {"x": terminal([1, 0, 0]), "y": terminal([0, 1, 0])})),
                            "b": ("3/4", decision("Q", {"x": terminal([0, 0, 1]), "y": terminal([0, 4, 0])}))}),
                    players=["P", "Q", "R"])
    (eq,) = subgame_perfect(tree)
    assert eq.payoffs == (Fraction(1, 4), 3, 0)
    assert "<table>" in subgame_perfect(tree)._repr_html_()


def test_cli_contract_through_load_game(tmp_path):
    from deterrence.io.tree_toml import write_tree_toml
    path = tmp_path / "entry.toml"
    path.write_text(write_tree_toml(entry_deterrence(symbolic=True)))
    result = dt.solve(dt.load_game(path))
    data = json.loads(json.dumps(result.to_json()))
    (eq,) = data["equilibria"]
    assert eq["strategies"]["Incumbent"]["actions"] == {"in": "accommodate"}
    assert eq["strategies"]["Entrant"]["behaviour"] == {"root": {"out": "0", "in": "1"}}
    assert eq["payoffs"] == ["1", "1"] and eq["actions"] == {"root": "in", "in": "accommodate"}
    assert "subgame-perfect" in result.to_text()


# -- property: backward induction = brute force on random perfect-information trees --------
@st.composite
def pi_trees(draw):
    n = draw(st.integers(2, 3))
    players = [f"P{i}" for i in range(n)]
    counter = [0]

    def node(depth):
        if depth >= 3 or counter[0] >= 6 or draw(st.integers(0, 3)) == 0:
            return terminal([draw(st.integers(0, 1)) for _ in players])
        counter[0] += 1
        k = draw(st.integers(1, 2 if counter[0] > 3 else 3))
        if draw(st.integers(0, 5)) == 0:
            return chance({f"c{j}": (Fraction(1, k), node(depth + 1)) for j in range(k)})
        return decision(draw(st.sampled_from(players)), {f"m{j}": node(depth + 1) for j in range(k)})

    return GameTree(node(0), players)


def brute_force_spe(tree):
    sets = list(tree.infosets.values())
    found = set()
    for moves in itertools.product(*(s.actions for s in sets)):
        profile = {s.key: m for s, m in zip(sets, moves)}
        if is_subgame_perfect(tree, profile):
            found.add(frozenset(profile.items()))
    return found


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pi_trees())
def test_backward_induction_matches_brute_force(tree):
    result = subgame_perfect(tree)
    got = set()
    for eq in result:
        got.add(frozenset((k, next(a for a, p in d.items() if p == 1)) for k, d in eq.behaviour.items()))
    assert len(got) == len(result.equilibria)        # no duplicates
    assert got == brute_force_spe(tree)


# -- property: trees with simultaneous-move stages, pure SPE = brute force -----------------
@st.composite
def stage_trees(draw):
    players = ["P0", "P1"]
    counter = [0]

    def node(depth):
        if depth >= 2 or counter[0] >= 3 or draw(st.integers(0, 2)) == 0:
            return terminal([draw(st.integers(0, 2)) for _ in players])
        counter[0] += 1
        name = f"s{counter[0]}"
        ka, kb = draw(st.integers(1, 2)), draw(st.integers(1, 2))
        first, second = draw(st.permutations(players))
        b_moves = [f"b{j}" for j in range(kb)]
        return decision(first, {f"a{i}": decision(second, {b: node(depth + 1) for b in b_moves}, infoset=name)
                                for i in range(ka)})

    return GameTree(node(0), players)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(stage_trees())
def test_pure_spe_of_simultaneous_stages_match_brute_force(tree):
    result = subgame_perfect(tree, stage_method="pure")
    got = {frozenset((k, next(a for a, p in d.items() if p == 1)) for k, d in eq.behaviour.items())
           for eq in result}
    assert len(got) == len(result.equilibria)
    assert got == brute_force_spe(tree)
    full = subgame_perfect(tree)                      # all extreme equilibria of every stage
    assert all(is_subgame_perfect(tree, eq.behaviour) for eq in full)
    pure = {frozenset((k, next(a for a, p in d.items() if p == 1)) for k, d in eq.behaviour.items())
            for eq in full if eq.is_pure}
    assert pure == got


def test_noncredible_threat_in_a_simultaneous_subgame():
    war = decision("Entrant", {
        "soft": decision("Incumbent", {"soft": terminal([2, 2]), "hard": terminal([-1, -1])}, "i"),
        "hard": decision("Incumbent", {"soft": terminal([-1, -1]), "hard": terminal([-2, -2])}, "i")}, "e")
    tree = GameTree(decision("Entrant", {"out": terminal([0, 5]), "in": war}), players=["Entrant", "Incumbent"])
    found = {e.profile: e for e in noncredible_threats(tree)}
    assert found[("in/soft", "soft")].subgame_perfect
    (threat,) = found[("out/*", "hard")].threats
    assert (threat.player, threat.planned, threat.better, threat.gain) == ("Incumbent", "hard", "soft", 3)
    assert threat.describe().startswith("at information set 'i' (subgame at in), Incumbent would not carry out 'hard'")


def _coordination_rounds(k):
    """Chance picks one of ``k`` coordination games (each with two pure equilibria and a mixed
    one), each a subgame: 3**k subgame-perfect equilibria, most subgames' stages alike."""
    def stage(i):
        return decision("A", {a: decision("B", {b: terminal([2 if a == b == "x" else 1 if a == b else 0] * 2)
                                                 for b in ("x", "y")}, infoset=f"b{i}")
                              for a in ("x", "y")}, infoset=f"a{i}")
    return GameTree(chance({f"g{i}": (Fraction(1, k), stage(i)) for i in range(k)}), players=["A", "B"])


def test_every_combination_of_subgame_solutions_is_listed_once():
    tree = _coordination_rounds(4)
    result = subgame_perfect(tree)
    assert len(result.equilibria) == 3 ** 4
    keys = {tuple(sorted((k, tuple(sorted(d.items()))) for k, d in eq.behaviour.items())) for eq in result}
    assert len(keys) == 3 ** 4
    assert all(is_subgame_perfect(tree, eq.behaviour) for eq in result if eq.is_pure)
    for eq in result:                    # a move named at every decision node, reached or not
        assert set(eq.actions) == {f"g{i}" for i in range(4)} | {f"g{i}/{a}" for i in range(4) for a in "xy"}
        reached = [name for name, _ in eq.outcomes]
        assert all(p > 0 for _, p in eq.outcomes) and len(reached) == len(set(reached))
        assert sum(p for _, p in eq.outcomes) == 1


def test_too_many_combinations_are_refused_with_their_count():
    tree = _coordination_rounds(4)
    with pytest.raises(TooLargeError, match=r"^81 combinations of subgame solutions at node root, more than the "
                                            r"80 kept \(pass max_equilibria=81 to list them\)"):
        subgame_perfect(tree, max_equilibria=80)
    assert len(subgame_perfect(tree, max_equilibria=81).equilibria) == 81
    assert len(dt.solve(tree, "subgame_perfect", max_equilibria=81).equilibria) == 81
    with pytest.raises(GameError, match="max_equilibria must be a whole number >= 1, got 0"):
        subgame_perfect(tree, max_equilibria=0)


def _irrational_three_player_tree():
    """The catalogue's 2x2x2 game whose one equilibrium is irrational, as a tree of simultaneous
    moves (each player's one information set hides the earlier moves)."""
    A = dt.load_game("irrational_three_player").payoff_arrays
    root = decision("P1", {f"a{i}": decision("P2", {f"b{j}": decision("P3", {
        f"c{k}": terminal([A[0][i, j, k], A[1][i, j, k], A[2][i, j, k]]) for k in range(2)}, infoset="p3")
        for j in range(2)}, infoset="p2") for i in range(2)}, infoset="p1")
    return GameTree(root, players=["P1", "P2", "P3"])


def test_an_irrational_stage_equilibrium_is_refused_clearly_and_tree_nash_gives_it():
    """(Stop 36.) subgame_perfect adds and divides the stage's probabilities in fractions: an
    irrational equilibrium of a three-player stage made it fail with "bad argument game=...:
    TypeError: unsupported operand type(s) for +: 'Fraction' and 'RealAlgebraic'", as if the
    tree were wrong. Now a SolverError names the subgame and the method that lists it."""
    from deterrence.errors import SolverError
    tree = _irrational_three_player_tree()
    for method in ("subgame_perfect", None):
        with pytest.raises(SolverError, match=r"the subgame at node root has an equilibrium with irrational "
                                              r"probabilities .*Method tree_nash lists every Nash equilibrium "
                                              r"of the tree \(not only the subgame-perfect ones\)"):
            dt.solve(tree, method) if method else dt.solve(tree)
    with pytest.raises(SolverError, match="may be irrational.*method tree_nash"):
        dt.solve(tree, "agent_qre")
    nash = dt.solve(tree, "tree_nash")
    game = dt.solve(dt.load_game("irrational_three_player"))
    assert nash.complete and len(nash) == len(game) == 1
    assert [str(p) for s in nash[0].strategies for p in s] == [str(p) for s in game[0].strategies for p in s]


def test_a_correlated_stage_method_is_refused_before_it_runs():
    """(A helper's review, stop 36.) Correlated equilibria are distributions over profiles, with no
    behaviour for the subgame's sets: stage_method="correlated" failed inside the stage as "bad
    arguments ...: AttributeError: 'CorrelatedResult' object has no attribute 'cliques'"."""
    tree = _irrational_three_player_tree()
    for method in ("correlated", "coarse_correlated"):
        with pytest.raises(GameError, match=f"stage_method '{method}' is not a method for the Nash equilibria"):
            dt.solve(tree, "subgame_perfect", stage_method=method)
    assert dt.solve(entry_deterrence(), "subgame_perfect", stage_method="enumerate")[0].actions == {
        "root": "in", "in": "accommodate"}


def test_a_float_stage_is_not_called_irrational():
    """(Review of stop 36.) stage_method="qre" with lam gives float strategies, which subgame_perfect
    combined before; the refusal of irrational stages caught them too."""
    result = dt.solve(_irrational_three_player_tree(), "subgame_perfect", stage_method="qre", lam=1.0)
    qre = dt.solve(dt.load_game("irrational_three_player"), "qre", lam=1.0)[0].strategies
    assert len(result) == 1
    assert abs(float(result[0].behaviour[("P1", "p1")]["a0"]) - qre[0][0]) < 1e-12


def test_a_tie_leaves_the_pure_list_incomplete_and_says_why():
    """'Mixtures of tied moves are subgame perfect too' was false (a solver review): here B is
    indifferent after in, and with B at 1/4 l, 3/4 r, A loses by coming in (1/2 < 1)."""
    from fractions import Fraction

    from deterrence.core.tree import GameTree, decision, terminal
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    from deterrence.solvers.tree.reduced_normal_form import expected_payoffs
    tree = GameTree(decision("A", {"out": terminal([1, 0]), "in": decision("B", {"l": terminal([2, 1]),
                                                                                 "r": terminal([0, 1])})}),
                    players=["A", "B"])
    result = subgame_perfect(tree)
    assert len(result) == 2 and not result.complete
    assert any("only where every move before it stays a best reply" in n for n in result.notes)
    mixed = {("A", "root"): {"out": 0, "in": 1}, ("B", "in"): {"l": Fraction(1, 4), "r": Fraction(3, 4)}}
    assert expected_payoffs(tree, mixed)[0] == Fraction(1, 2) < 1          # out pays A 1: not Nash
    untied = GameTree(decision("A", {"out": terminal([1, 0]), "in": decision("B", {"l": terminal([2, 1]),
                                                                                   "r": terminal([0, 0])})}),
                      players=["A", "B"])
    assert subgame_perfect(untied).complete and len(subgame_perfect(untied)) == 1


def test_threats_report_is_a_result_with_text_html_and_json():
    # a review: threats_report returned a plain str, where every other result shows as a table in
    # Jupyter and has to_json()
    from IPython.core.formatters import DisplayFormatter     # as Jupyter formats, with no shell left behind

    import deterrence as dt
    report = dt.threats_report(dt.load_game("entry_deterrence").with_defaults())
    shown = DisplayFormatter().format(report)[0]
    assert shown["text/plain"].startswith("<ThreatsReport: 2 pure Nash equilibria")
    assert "<th>Incumbent</th>" in shown["text/html"] and "would not carry out &#x27;fight&#x27;" in shown["text/html"]
    assert str(report).splitlines()[0] == "2 pure Nash equilibria in the reduced normal form, 1 subgame perfect:"
    data = report.to_json()
    assert (data["pure_equilibria"], data["subgame_perfect"]) == (2, 1)
    assert data["equilibria"][0]["threats"][0]["better"] == "accommodate"
    assert report.equilibria == tuple(dt.noncredible_threats(dt.load_game("entry_deterrence").with_defaults()))


def test_a_subgame_solved_by_the_sequence_form_says_it_has_sets_of_equilibria():
    """Kuhn poker has no proper subgame and a segment of equilibria (Player 1 bluffs with the jack
    with any probability from 0 to 1/3): the default solve listed its two ends with no word that
    their mixtures are equilibria too, as its reduced normal form's path says."""
    import deterrence as dt
    result = dt.solve(dt.load_game("kuhn_poker"))
    assert len(result.equilibria) == 2 and result.complete
    assert any("the subgame at node root has sets of equilibria" in n for n in result.notes)
    assert "has sets of equilibria" in str(result)
    alone = dt.solve(dt.load_game("entry_deterrence"))       # one equilibrium a subgame: no such note
    assert not any("sets of equilibria" in n for n in alone.notes)
