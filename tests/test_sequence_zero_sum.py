"""Every extreme equilibrium of a zero-sum tree by the vertices of its two optimal faces
(:mod:`deterrence.solvers.tree.sequence_zero_sum`), against the vertex enumeration of both
sequence-form polyhedra and the branching search (the same plans), pygambit's LCP, the command
line, and its size guards."""
import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from test_sequence_form import kuhn, random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.errors import GameError, SolverError, TooLargeError
from deterrence.models.kuhn_poker import generalised_kuhn_poker
from deterrence.solvers.tree import sequence_zero_sum
from deterrence.solvers.tree.sequence_branching import branching_equilibrium_plans
from deterrence.solvers.tree.sequence_enumeration import (extreme_equilibrium_plans, extreme_of_subsets,
                                                          sequence_form_equilibria)
from deterrence.solvers.tree.sequence_form import certify_plans, plan_from_behaviour, pure_plan, sequence_form
from deterrence.solvers.tree.sequence_zero_sum import (
    certify_optimal_plans,
    is_zero_sum,
    optimal_face_plans,
    zero_sum_equilibrium_plans,
)


def plan_set(plans):
    return {(tuple(Fraction(v) for v in x), tuple(Fraction(v) for v in y)) for x, y in plans}


def same_as_branching(tree, vertex_enumeration=True):
    sf = sequence_form(tree)
    assert is_zero_sum(sf)
    new = zero_sum_equilibrium_plans(sf, 100_000)
    assert len(new) == len(plan_set(new))                       # each pair once
    # the general search's vertex pairs, kept where extreme in their maximal Nash subset (in a
    # zero-sum tree, one: every optimal plan with every optimal plan)
    assert plan_set(new) == plan_set(extreme_of_subsets(branching_equilibrium_plans(sf))[0])
    if vertex_enumeration:
        assert plan_set(new) == plan_set(extreme_of_subsets(extreme_equilibrium_plans(sf))[0])
    for x, y in new:
        certify_plans(sf, x, y)                                  # raises unless an equilibrium, exactly
    return new


@pytest.mark.parametrize("make, count", [(kuhn, 2), (lambda: generalised_kuhn_poker(3), 2),
                                         (lambda: generalised_kuhn_poker(4), 2),
                                         (lambda: generalised_kuhn_poker(5), 20)],
                         ids=["kuhn_efg", "kuhn3", "kuhn4", "kuhn5"])
def test_same_plans_as_the_branching_search_and_the_vertex_enumeration(make, count):
    assert len(same_as_branching(make(), vertex_enumeration=count <= 2)) == count


def test_seven_card_poker_same_plans_as_the_branching_search():
    """58 sequences: 194 optimal plans of player 1 times 2 of player 2."""
    sf = sequence_form(generalised_kuhn_poker(7))
    xs, ys = optimal_face_plans(sf, 100_000)
    assert (len(xs), len(ys)) == (194, 2)
    assert plan_set((x, y) for x in xs for y in ys) == plan_set(branching_equilibrium_plans(sf))


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(zero_sum=True))
def test_random_zero_sum_trees_same_as_vertex_enumeration(tree):
    same_as_branching(tree)


def test_front_door_lists_what_the_support_guard_refused():
    """66 sequences (8 cards): the support-pair estimate (2.5e14) refused it before; now every
    extreme equilibrium, certified, the same as the branching search's (given a limit)."""
    tree = generalised_kuhn_poker(8)
    result = sequence_form_equilibria(tree)
    assert result.complete and result.exact and len(result) == 60
    assert {e.payoffs for e in result} == {(Fraction(-1, 16), Fraction(1, 16))}
    sf = sequence_form(tree)
    listed = set()
    for eq in result:
        x = plan_from_behaviour(sf, 0, {s.name: eq.behaviour[s.key] for s in tree.infosets_of(0)})
        y = plan_from_behaviour(sf, 1, {s.name: eq.behaviour[s.key] for s in tree.infosets_of(1)})
        assert certify_plans(sf, x, y) == eq.payoffs
        listed.add((tuple(x), tuple(y)))
    assert plan_set(listed) == plan_set(zero_sum_equilibrium_plans(sf, 100_000))


def test_front_door_same_equilibria_as_the_branching_path():
    tree = generalised_kuhn_poker(6)
    auto = sequence_form_equilibria(tree)
    branching = sequence_form_equilibria(tree, search="branching", limit=2_000_000)
    assert len(auto) == len(branching) == 16
    assert [e.to_json() for e in auto] == [e.to_json() for e in branching]
    with pytest.raises(GameError, match="search must be"):
        sequence_form_equilibria(tree, search="vertices")


def test_command_line_lists_every_extreme_equilibrium(tmp_path, capsys):
    from deterrence.cli import main
    from deterrence.io.gambit_efg import write_efg
    path = tmp_path / "kuhn8.efg"
    write_efg(generalised_kuhn_poker(8), path)
    assert main(["solve", str(path), "--method", "sequence_form", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] is True and len(out["equilibria"]) == 60
    assert all(e["payoffs"] == ["-1/16", "1/16"] for e in out["equilibria"])
    assert all(set(e["strategies"]) == {"P1", "P2"} for e in out["equilibria"])


def test_guards_name_their_limits(monkeypatch):
    tree = generalised_kuhn_poker(7)
    with pytest.raises(TooLargeError, match="over 5 bases"):
        sequence_form_equilibria(tree, limit=5)
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 100)
    with pytest.raises(TooLargeError, match=r"exactly 388 extreme equilibria: 194 .* times 2 .*limit=200000"):
        sequence_form_equilibria(tree)
    assert len(sequence_form_equilibria(tree, limit=200_000)) == 388


def test_size_guard_refuses_by_its_estimate_before_the_search(monkeypatch):
    """16-card poker (130 sequences; the search takes a minute and finds 1,080,450 extreme
    equilibria) and a zero-sum random tree of 65 sequences (not finished in 250 s) are refused by
    McMullen's bound on their optimal faces before any face is searched; 12-card poker passes."""
    from test_sequence_form import hidden_round_tree
    assert sequence_zero_sum.face_estimate(
        [sequence_zero_sum._Face(sequence_form(generalised_kuhn_poker(12)), k) for k in (0, 1)]
    ) <= sequence_zero_sum.DEFAULT_ESTIMATE

    def no_search(*args):
        raise AssertionError("the guard let the search start")
    monkeypatch.setattr(sequence_zero_sum._Face, "vertices", no_search)
    with pytest.raises(TooLargeError, match=r"130 sequences.*McMullen.*limit="):
        sequence_form_equilibria(generalised_kuhn_poker(16))
    zero_sum_rounds = zero_sum_copy(hidden_round_tree(3))
    assert sum(sequence_form(zero_sum_rounds).sizes) == 65
    with pytest.raises(TooLargeError, match=r"65 sequences.*McMullen"):
        sequence_form_equilibria(zero_sum_rounds)


def zero_sum_copy(tree):
    """The tree with player 2's payoffs replaced by minus player 1's."""
    from deterrence.core.tree import Chance, GameTree, Terminal, chance, decision, terminal

    def copy(node, path):
        if isinstance(node, Terminal):
            return terminal([node.payoffs[0], -node.payoffs[0]])
        if isinstance(node, Chance):
            return chance({m: (p, copy(child, path + (m,))) for m, p, child in node.moves})
        return decision(node.player, {m: copy(child, path + (m,)) for m, child in node.moves},
                        infoset=tree.infoset_of(path).name)
    return GameTree(copy(tree.root, ()), players=tree.players)


def test_certificate_refuses_a_plan_that_is_not_optimal():
    sf = sequence_form(kuhn())
    xs, ys = optimal_face_plans(sf, 10_000)
    always_check = pure_plan(sf, 0, {name: 0 for name, _, _ in sf.infosets[0]})
    with pytest.raises(SolverError, match="not an optimal plan of Player 1"):
        certify_optimal_plans(sf, xs + [always_check], ys)
    with pytest.raises(SolverError, match="not an exact realisation plan"):
        certify_optimal_plans(sf, xs + [[1] + [Fraction(1, 2)] * (len(xs[0]) - 1)], ys)
    with pytest.raises(SolverError, match="zero-sum"):
        certify_optimal_plans(sequence_form(generalised_kuhn_poker(2)).__class__(
            sf.players, sf.sequences, sf.infosets, sf.A, {}), xs, ys)


def test_generalised_kuhn_poker_refuses_too_few_cards():
    with pytest.raises(GameError, match="at least 2 cards"):
        generalised_kuhn_poker(1)
    assert sum(sequence_form(generalised_kuhn_poker(20)).sizes) == 162


try:
    import pygambit
except ImportError:        # the cross-check below is defined only when pygambit is there
    pygambit = None

if pygambit is not None:
    def test_pygambit_lcp_equilibrium_lies_in_the_hull_of_ours(tmp_path):
        """pygambit's LCP equilibrium of 5-card poker, as plans, is a convex combination of our
        extreme optimal plans (a float LP; the set of equilibria is their hull's product)."""
        import numpy as np
        from scipy.optimize import linprog

        from deterrence.io.gambit_efg import read_efg, write_efg
        path = tmp_path / "kuhn5.efg"
        write_efg(generalised_kuhn_poker(5), path)
        tree = read_efg(path)
        sf = sequence_form(tree)
        xs, ys = optimal_face_plans(sf, 100_000)
        res = pygambit.nash.lcp_solve(pygambit.read_efg(str(path)), rational=True)
        profile = res.equilibria[0]
        for i, plans in ((0, xs), (1, ys)):
            player = tree.players[i]
            behaviour = {}
            for s in tree.infosets_of(i):
                gp = next(p for p in profile.game.players if p.label == player)
                gset = next(g for g in gp.infosets if g.label == s.name)
                behaviour[s.name] = {a.label: Fraction(str(profile[a])) for a in gset.actions}
            theirs = np.array([float(v) for v in plan_from_behaviour(sf, i, behaviour)])
            vertices = np.array([[float(v) for v in p] for p in plans]).T
            lp = linprog(np.zeros(len(plans)), A_eq=np.vstack([vertices, np.ones(len(plans))]),
                         b_eq=np.append(theirs, 1.0), bounds=(0, None), method="highs")
            assert lp.status == 0, player


def test_a_poker_with_too_many_cards_is_refused_by_its_size():
    # the error contract's fuzzing asked for 4 x 10^59 cards: a MemoryError before this limit
    from deterrence.errors import TooLargeError
    from deterrence.models.kuhn_poker import MAX_CARDS
    assert len(generalised_kuhn_poker(MAX_CARDS).root.moves) == MAX_CARDS * (MAX_CARDS - 1)
    with pytest.raises(TooLargeError, match=f"at most {MAX_CARDS} cards"):
        generalised_kuhn_poker(4 * 10**59)
