"""The maximal Nash subsets subgame by subgame (deterrence.solvers.tree.subgame_subsets),
checked against the branching search's extreme equilibria: the subsets' pairs of extreme plans are
exactly those equilibria, and the subsets are exactly the maximal bicliques of their graph."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from test_sequence_branching import seeded_rounds, subgame_trees
from test_sequence_form import hidden_round_tree, kuhn, random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.core.extreme_points import extreme_points
from deterrence.solvers.tree.sequence_branching import DEFAULT_NODES, branching_equilibrium_plans
from deterrence.solvers.tree.sequence_enumeration import extreme_of_subsets
from deterrence.solvers.tree.sequence_form import sequence_form
from deterrence.solvers.tree.subgame_subsets import (_face_plans, _face_plans_by_search, _maximal_proper_subgames,
                                                     _subsets, maximal_nash_subsets)


def plan(p):
    return tuple(Fraction(v) for v in p)


def same_as_branching_search(tree):
    """The subsets' pairs of extreme plans are the branching search's extreme equilibria (its
    vertex pairs kept where extreme in their maximal Nash subset), and the subsets are those of
    the search's pairs (the maximal bicliques of their graph)."""
    sf = sequence_form(tree)
    kept, extreme_subsets = extreme_of_subsets(branching_equilibrium_plans(sf))
    reference = {(plan(x), plan(y)) for x, y in kept}
    subsets = maximal_nash_subsets(tree, vertices=True)
    pairs = set()
    mine = set()
    for s in subsets:
        xs, ys = (frozenset(plan(p) for p in side) for side in s.plans)
        assert (plan(s.equilibrium[0]), plan(s.equilibrium[1])) in reference
        pairs |= {(x, y) for x in xs for y in ys}
        mine.add((xs, ys))
    assert pairs == reference
    theirs = {(frozenset(plan(x) for x, _ in s), frozenset(plan(y) for _, y in s)) for s in extreme_subsets}
    assert mine == theirs
    assert len(subsets) == len(mine)                    # each maximal subset once
    return subsets


@pytest.mark.parametrize("make", [kuhn, lambda: hidden_round_tree(1), lambda: hidden_round_tree(2),
                                  lambda: seeded_rounds(3), lambda: seeded_rounds(8)],
                         ids=["kuhn", "rounds1", "rounds2", "seed3", "seed8"])
def test_same_as_the_branching_search(make):
    same_as_branching_search(make())


def test_the_subgames_are_solved_alone_and_entered_by_their_subsets():
    """The hidden-round tree of two rounds has two proper subgames below the first round, each
    solved alone; the answer is the whole search's."""
    tree = hidden_round_tree(2)
    assert len(_maximal_proper_subgames(tree)) == 2
    same_as_branching_search(tree)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(subgame_trees())
def test_trees_with_subgames(tree):
    same_as_branching_search(tree)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(max_depth=3, perfect_information=True))
def test_perfect_information_trees(tree):
    """Every node a subgame of its own: the recursion nests to the leaves."""
    same_as_branching_search(tree)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(max_depth=3))
def test_random_trees(tree):
    same_as_branching_search(tree)


def test_without_highspy_the_scipy_path_agrees(monkeypatch):
    """The float LPs through SciPy's linprog (free_columns' sparse fallback, the probes without
    warm starts) give the same subsets."""
    from deterrence.solvers.tree import sequence_branching
    monkeypatch.setattr(sequence_branching, "_have_highspy", lambda: False)
    same_as_branching_search(hidden_round_tree(2))
    same_as_branching_search(seeded_rounds(8))


def test_a_tree_too_deep_for_the_recursion_over_subgames_is_refused_by_name():
    """One level of the recursion per nested subgame: a chain deeper than the tree module's
    recursive depth is refused before any work, naming the function."""
    from deterrence.core.tree import RECURSIVE_DEPTH, GameTree, decision, terminal
    from deterrence.errors import TooLargeError
    node = terminal([0, 0])
    for k in range(RECURSIVE_DEPTH + 1):
        node = decision("P1" if k % 2 else "P2", {"stop": terminal([1, -1]), "go": node}, infoset=f"n{k}")
    with pytest.raises(TooLargeError, match="maximal_nash_subsets"):
        maximal_nash_subsets(GameTree(node, players=["P1", "P2"], max_depth=RECURSIVE_DEPTH + 10))


# -- the vertex listing of the faces (_face_plans) against the branching face search -------------
def extreme(plans):
    """The extreme points among ``plans`` (sorted lists), all at once
    (:func:`~deterrence.core.extreme_points.extreme_points`, itself checked against brute force in
    ``test_extreme_points.py``; the listing filters each product group of a face alone)."""
    return tuple(plans[i] for i in extreme_points(plans))


def same_face_plans(tree):
    """On every maximal Nash subset's pair of faces, the extreme plans listed by the reverse search
    over the faces' bases are exactly the extreme points (by brute force) of the vertex plans the
    branching face search finds (a vertex missed or one too many fails), each list sorted and
    without repeats."""
    sf, sides, faces = _subsets(tree, DEFAULT_NODES)
    assert faces
    for pair in faces:
        new = _face_plans(sides, pair)
        assert new == tuple(extreme(plans) for plans in _face_plans_by_search(sides, pair))
        for plans in new:
            assert plans and list(plans) == sorted(plans)
            assert len({tuple(p) for p in plans}) == len(plans)


@pytest.mark.parametrize("make", [kuhn, lambda: hidden_round_tree(1), lambda: hidden_round_tree(2),
                                  lambda: seeded_rounds(3), lambda: seeded_rounds(8)],
                         ids=["kuhn", "rounds1", "rounds2", "seed3", "seed8"])
def test_the_face_listing_is_the_face_search(make):
    same_face_plans(make())


@pytest.mark.parametrize("seed", [2, 6, 17, 32])
def test_the_face_listing_takes_out_the_planless_subtrees(seed):
    """Trees whose faces leave opponent's subtrees without a plan (their rows taken out), the top
    value of some able to rise (kept as a column >= 0): the lists are still the face search's."""
    from deterrence.solvers.tree.subgame_subsets import _planless_subtrees
    tree = seeded_rounds(seed)
    sf, sides, faces = _subsets(tree, DEFAULT_NODES)
    found = [_planless_subtrees(sides[k], set(pair[k])) for pair in faces for k in (0, 1)]
    assert any(signed for _, _, signed in found) and any(rows for rows, _, _ in found)
    same_face_plans(tree)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(subgame_trees())
def test_the_face_listing_on_trees_with_subgames(tree):
    same_face_plans(tree)


@settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(max_depth=3, perfect_information=True))
def test_the_face_listing_on_perfect_information_trees(tree):
    same_face_plans(tree)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(max_depth=3))
def test_the_face_listing_on_random_trees(tree):
    same_face_plans(tree)


def test_the_face_listing_without_highspy_finds_its_first_vertex_by_the_face_search(monkeypatch):
    """Without highspy the first vertex of each face comes from the branching face search,
    stopped at its first vertex: the same lists."""
    from deterrence.solvers.tree import sequence_branching
    monkeypatch.setattr(sequence_branching, "_have_highspy", lambda: False)
    same_face_plans(hidden_round_tree(2))


def test_a_face_with_more_bases_than_the_limit_is_refused_naming_the_limit():
    from deterrence.errors import TooLargeError
    tree = hidden_round_tree(2)
    assert maximal_nash_subsets(tree, vertices=True, face_limit=100)       # enough there
    with pytest.raises(TooLargeError, match=r"face of a maximal Nash subset passed 1 bases; pass a larger face_limit="):
        maximal_nash_subsets(tree, vertices=True, face_limit=1)
