"""Extreme plans of a face by random objectives (deterrence.solvers.tree.face_directions), checked
against the faces' extreme plans by brute force (the branching face search's vertex plans, filtered
to their extreme points): every plan it proves extreme is one, a closure that says "complete" has
them all, a tie between plans is never taken for an extreme one, and the front door lists by it
or states its lower bound."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from test_sequence_branching import seeded_rounds
from test_sequence_form import hidden_round_tree, kuhn, random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

import deterrence as dt
from deterrence.core.extreme_points import extreme_points
from deterrence.solvers.tree import face_directions, sequence_enumeration, sequence_zero_sum
from deterrence.solvers.tree.face_directions import certified_extreme_plans, every_extreme_plan
from deterrence.solvers.tree.sequence_branching import DEFAULT_NODES
from deterrence.solvers.tree.subgame_subsets import _face_plans_by_search, _subsets

pytest.importorskip("highspy")      # the method needs it (the "fast" and "test" extras hold it)


def brute_force_faces(tree):
    """``(sides, pair, k, extreme plans)`` of every face of every maximal Nash subset: the
    extreme points of the branching face search's vertex plans (which meets every vertex)."""
    sf, sides, faces = _subsets(tree, DEFAULT_NODES)
    for pair in faces:
        for k, plans in enumerate(_face_plans_by_search(sides, pair)):
            yield sides[k], set(pair[k]), {tuple(Fraction(v) for v in plans[i]) for i in extreme_points(plans)}


def exact(plans):
    return {tuple(Fraction(v) for v in p) for p in plans}


def agrees_with_brute_force(tree, directions=24):
    """Every plan proved extreme is an extreme plan of its face; "complete" means all of them.
    Returns how many faces the closure proved complete and how many plans were proved."""
    complete_faces = proved = 0
    for side, tight, extreme in brute_force_faces(tree):
        found = exact(certified_extreme_plans(side, tight, directions, seed=1))
        assert found <= extreme
        plans, complete = every_extreme_plan(side, tight, directions, seed=1)
        assert exact(plans) <= extreme
        if complete:
            assert exact(plans) == extreme
            complete_faces += 1
        proved += len(found)
    return complete_faces, proved


@pytest.mark.parametrize("make", [kuhn, lambda: hidden_round_tree(1), lambda: hidden_round_tree(2),
                                  lambda: seeded_rounds(3), lambda: seeded_rounds(8)],
                         ids=["kuhn", "rounds1", "rounds2", "seed3", "seed8"])
def test_proved_plans_are_extreme_and_a_complete_closure_has_them_all(make):
    complete_faces, proved = agrees_with_brute_force(make())
    assert complete_faces and proved              # the checks above were not vacuous


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(max_depth=3))
def test_on_random_trees(tree):
    agrees_with_brute_force(tree, directions=8)


def test_a_tie_is_never_taken_for_an_extreme_plan(monkeypatch):
    """With every objective zero, every plan of a face maximises it: a plan may then be claimed only
    where the face holds one plan alone (the check of step 4, the plan fixed on the optimal face)."""
    monkeypatch.setattr(face_directions, "_SPREAD", 0)
    seen_single = seen_wide = False
    for side, tight, extreme in brute_force_faces(seeded_rounds(8)):
        found = exact(certified_extreme_plans(side, tight, 4))
        if len(extreme) == 1:
            assert found == extreme
            seen_single = True
        else:
            assert not found
            seen_wide = True
    assert seen_single and seen_wide


def test_the_same_seed_gives_the_same_plans():
    side, tight, _ = next(f for f in brute_force_faces(seeded_rounds(8)) if len(f[2]) > 2)
    assert certified_extreme_plans(side, tight, 16, seed=5) == certified_extreme_plans(side, tight, 16, seed=5)


def test_without_highspy_nothing_is_claimed(monkeypatch):
    from deterrence.core import highs
    side, tight, _ = next(brute_force_faces(seeded_rounds(8)))
    monkeypatch.setattr(highs, "have_highspy", lambda: False)
    assert certified_extreme_plans(side, tight, 16) == set()
    assert every_extreme_plan(side, tight, 16) == (set(), False)


def listing(result):
    return sorted((e.describe(), e.payoffs) for e in result.equilibria)


@pytest.mark.parametrize("make", [lambda: seeded_rounds(3), lambda: seeded_rounds(8), lambda: hidden_round_tree(2)],
                         ids=["seed3", "seed8", "rounds2"])
def test_the_front_door_lists_by_the_closure_when_the_vertex_listing_stops(monkeypatch, make):
    """With the faces' vertex listing stopped at once (one basis), the closure proves the faces'
    extreme plans where it can; when it proves them all, the listing is the branching search's."""
    tree = make()
    reference = dt.solve(tree, method="sequence_form", search="branching")
    monkeypatch.setattr(sequence_enumeration, "FACE_STEPS", 1)
    result = dt.solve(tree, method="sequence_form", search="subsets")
    if result.listed:
        assert listing(result) == listing(reference)
    else:                                        # the lower bound holds
        assert result.count_at_least <= len(reference.equilibria)


def test_the_front_door_lists_seed3_by_the_closure(monkeypatch):
    """On seeded_rounds(3) the closure proves every face: the listing is complete without the
    vertex listing (so the test above is not vacuous)."""
    monkeypatch.setattr(sequence_enumeration, "FACE_STEPS", 1)
    result = dt.solve(seeded_rounds(3), method="sequence_form", search="subsets")
    assert result.listed and "found as the extreme plans of the faces" in result.notes[0]


def test_a_lower_bound_where_the_closure_cannot_prove(monkeypatch):
    """No facet may be tried (so no closure is proved): the subsets stay unlisted, each with the
    plans proved extreme, and the result states at least as many extreme equilibria as they make,
    never more than there are; text, HTML and JSON say so."""
    tree = seeded_rounds(8)
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 10**6)
    reference = dt.solve(tree, method="sequence_form", search="branching")
    monkeypatch.setattr(sequence_enumeration, "FACE_STEPS", 1)
    monkeypatch.setattr(face_directions, "MOST_FACET_TRIALS", 0)
    result = dt.solve(tree, method="sequence_form", search="subsets")
    assert not result.listed and result.count is None
    unlisted = [s for s in result.subsets if s.plans is None]
    assert unlisted and all(s.found for s in unlisted)
    assert 0 < result.count_at_least <= len(reference.equilibria)
    assert result.count_at_least >= max(s.count_at_least for s in result.subsets)
    text = result.to_text()
    assert f"at least {result.count_at_least:,} extreme equilibria" in text.splitlines()[0]
    assert f"at least {result.count_at_least:,} distinct extreme equilibria" in text
    assert "proved extreme by random objectives" in result._repr_html_()
    out = result.to_json()
    assert out["count"] is None and out["count_at_least"] == str(result.count_at_least)
    assert all(s["extreme_equilibria_at_least"] == str(r.count_at_least)
               for s, r in zip(out["subsets"], result.subsets) if r.plans is None)
    # each subset's listed equilibrium is now an extreme one: a pair of its proved plans
    for subset in unlisted:
        x, y = subset.equilibrium
        assert tuple(x) in {tuple(p) for p in subset.found[0]} and tuple(y) in {tuple(p) for p in subset.found[1]}


def test_without_highspy_the_front_door_states_no_bound(monkeypatch):
    from deterrence.core import highs
    monkeypatch.setattr(highs, "have_highspy", lambda: False)
    monkeypatch.setattr(sequence_enumeration, "FACE_STEPS", 1)
    result = dt.solve(seeded_rounds(8), method="sequence_form", search="subsets")
    assert result.count_at_least is None and "count_at_least" not in result.to_json()
    assert not any("at least" in note for note in result.notes)
