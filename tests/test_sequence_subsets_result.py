"""The sequence_form method's answer by maximal Nash subsets (sequence_enumeration._subset_equilibria):
the route of trees whose branching search is too large, and of search="subsets". Checked against
the branching search's listing of every extreme equilibrium: listed, the two answers are the same;
not listed (more extreme equilibria than the cap, or faces too large to list), each subset's faces
name the branching search's cliques, its listed equilibrium lies in it, and the JSON says so."""
import json
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_sequence_branching import seeded_rounds
from test_sequence_form import hidden_round_tree
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

import deterrence as dt
from deterrence.cli import main
from deterrence.errors import GameError
from deterrence.io.gambit_efg import write_efg
from deterrence.solvers.tree import sequence_enumeration, sequence_zero_sum
from deterrence.solvers.tree.sequence_form import plan_from_behaviour, sequence_form

TREES = {"rounds2": lambda: hidden_round_tree(2), "seed3": lambda: seeded_rounds(3),
         "seed8": lambda: seeded_rounds(8)}


def listing(result):
    return [(e.describe(), e.payoffs) for e in result.equilibria]


def plans_of(result, sf):
    """Each listed equilibrium's realisation plans, exact."""
    out = []
    for e in result.equilibria:
        moves = [{name: d for (who, name), d in e.behaviour.items() if who == p} for p in result.players]
        out.append(tuple(tuple(Fraction(v) for v in plan_from_behaviour(sf, i, moves[i])) for i in (0, 1)))
    return out


def realised(subset_json_vertex, sf, player):
    """A vertex plan of the JSON (positive realisation probabilities by last move) as a plan."""
    plan = []
    for sequence in sf.sequences[player]:
        if not sequence:
            plan.append(Fraction(1))
            continue
        infoset, action = sequence[-1]
        plan.append(Fraction(subset_json_vertex.get(infoset, {}).get(action, "0")))
    return tuple(plan)


@pytest.mark.parametrize("make", list(TREES.values()), ids=list(TREES))
def test_listed_by_subsets_is_the_branching_listing(make):
    tree = make()
    branching = dt.solve(tree, method="sequence_form", search="branching")
    subsets = dt.solve(tree, method="sequence_form", search="subsets")
    assert subsets.listed and subsets.complete and not subsets.subsets
    assert listing(subsets) == listing(branching)
    assert subsets.cliques == branching.cliques and subsets.components == branching.components
    assert "maximal Nash subsets" in subsets.notes[0]


@pytest.mark.parametrize("make", list(TREES.values()), ids=list(TREES))
def test_too_many_to_list_gives_the_subsets_with_their_faces(make, monkeypatch):
    tree = make()
    sf = sequence_form(tree)
    branching = dt.solve(tree, method="sequence_form", search="branching")
    extreme = set(plans_of(branching, sf))
    cliques = {frozenset(plans_of(branching, sf)[k] for k in c) for c in branching.cliques}
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)       # the cap on listed equilibria
    result = dt.solve(tree, method="sequence_form", search="subsets")
    assert not result.listed and result.complete and result
    assert result.count == len(extreme) and len(result.subsets) == len(cliques) == len(result.equilibria)
    out = json.loads(json.dumps(result.to_json()))
    assert out["listed"] is False and out["complete"] is True and out["count"] == str(len(extreme))
    mine = set()
    for k, (subset, listed) in enumerate(zip(out["subsets"], plans_of(result, sf))):
        assert subset["equilibrium"] == k
        xs, ys = ({realised(v, sf, i) for v in subset["vertices"][p]} for i, p in enumerate(result.players))
        pairs = frozenset((x, y) for x in xs for y in ys)
        assert subset["extreme_equilibria"] == str(len(pairs))
        assert listed in pairs                   # the listed equilibrium is one of the subset's
        mine.add(pairs)
        for i, p in enumerate(result.players):   # every sequence: never played, or a best reply, or both
            named = {(s, a) for part in ("never_played", "best_replies") for s, acts in subset[part][p].items()
                     for a in acts}
            assert named == {seq[-1] for seq in sf.sequences[i] if seq}
            for x in (xs if i == 0 else ys):     # the never-played sequences have probability 0
                assert all(x[j] == 0 for j, seq in enumerate(sf.sequences[i])
                           if seq and seq[-1][1] in subset["never_played"][p].get(seq[-1][0], ()))
    assert mine == cliques
    text = result.to_text()
    assert text.startswith(f"{len(cliques)} maximal Nash subset")
    assert f"{len(extreme)} extreme equilibria in all" in text
    assert f"pass limit={len(extreme)} to list them" in text
    if len(extreme) < 300:                       # and that limit lists them, by either route
        for search in ("subsets", "auto"):
            monkeypatch.setattr(sequence_enumeration, "DEFAULT_ESTIMATE", 1 if search == "auto" else 10**11)
            again = dt.solve(tree, method="sequence_form", search=search, limit=len(extreme))
            assert again.listed and listing(again) == listing(branching)


def test_faces_too_large_to_list_are_said_so(monkeypatch):
    tree = seeded_rounds(8)
    monkeypatch.setattr(sequence_enumeration, "FACE_STEPS", 1)
    result = dt.solve(tree, method="sequence_form", search="subsets")
    assert not result.listed and result.count is None
    unlisted = [k for k, s in enumerate(result.subsets) if s.plans is None]
    assert unlisted                              # one step lists a face of one vertex at most
    out = result.to_json()
    assert out["count"] is None
    assert [k for k, s in enumerate(out["subsets"]) if "vertices" not in s] == unlisted
    assert f"the extreme plans of {len(unlisted)} of the {len(result.subsets)} subsets' faces are not listed" \
        in result.to_text()
    page = result._repr_html_()
    assert "not listed" in page and page.index("not listed") < page.index("<p>Note: ")   # counts before notes
    for e in result.equilibria:                  # still each a certified equilibrium of the tree
        assert e.payoffs


def test_a_tree_over_the_estimate_takes_the_subsets_route(monkeypatch):
    """Without a limit, a tree whose estimated branching search is over DEFAULT_ESTIMATE is answered
    by its subsets (it was refused, or given a trial that usually ended in a refusal)."""
    tree = seeded_rounds(3)
    reference = dt.solve(tree, method="sequence_form", search="branching")
    monkeypatch.setattr(sequence_enumeration, "DEFAULT_ESTIMATE", 1)
    monkeypatch.setattr(sequence_enumeration, "TRIAL_ESTIMATE", 1)        # over both: no trial
    result = dt.solve(tree, method="sequence_form")
    assert "maximal Nash subsets" in result.notes[0]
    assert listing(result) == listing(reference)


def test_a_trial_first_then_the_subsets(monkeypatch):
    """Between the two estimates the branching search's trial comes first (it lists trees whose
    faces are too degenerate to list, such as the 56-sequence random tree); when the trial does
    not finish, the subsets answer."""
    tree = seeded_rounds(3)
    reference = listing(dt.solve(tree, method="sequence_form", search="branching"))
    monkeypatch.setattr(sequence_enumeration, "DEFAULT_ESTIMATE", 1)
    tried = dt.solve(tree, method="sequence_form")
    assert "found by branching" in tried.notes[0] and listing(tried) == reference
    monkeypatch.setattr(sequence_enumeration, "TRIAL_NODES", 5)
    fallen = dt.solve(tree, method="sequence_form")
    assert "maximal Nash subsets" in fallen.notes[0] and listing(fallen) == reference


def test_the_command_line_gives_the_subsets_json(tmp_path, capsys, monkeypatch):
    path = tmp_path / "rounds.efg"
    write_efg(seeded_rounds(8), path)
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)
    assert main(["solve", str(path), "--method", "sequence_form", "--json", "-o", "search=subsets"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["complete"] is True and out["listed"] is False
    assert len(out["subsets"]) == len(out["equilibria"]) > 1
    sf = sequence_form(seeded_rounds(8))
    for e in out["equilibria"]:                  # behaviour keyed by the file's information sets
        for i, p in enumerate(("P1", "P2")):
            assert set(e["strategies"][p]["behaviour"]) == {name for name, _, _ in sf.infosets[i]}


def test_an_unknown_search_is_named():
    with pytest.raises(GameError, match="'auto', 'branching' or 'subsets'"):
        dt.solve(seeded_rounds(3), method="sequence_form", search="vertices")


def test_independent_parts_answered_by_their_subsets(monkeypatch):
    """Chance splits the tree into parts; each part, over the estimate, is answered by its subsets
    (forced here: every estimate over, one equilibrium listed at most): the tree's answer is the
    parts' answers, not listed, with the count of every combination."""
    from tree_helpers import coordination_copies
    monkeypatch.setattr(sequence_enumeration, "DEFAULT_ESTIMATE", 1)
    monkeypatch.setattr(sequence_enumeration, "TRIAL_ESTIMATE", 1)        # no trial first
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)
    result = dt.solve(coordination_copies(2), method="sequence_form")
    assert not result.listed and result.equilibria == () and result.count == 9     # 3 x 3
    assert all(r.subsets for _, r in result.parts)
    assert result.to_text().startswith("9 extreme Nash equilibria: every combination of one from each of 2 "
                                       "independent parts' answers")
    assert "parts 1, 2 are answered by their maximal Nash subsets" in result.notes[0]   # not "by its"
    out = result.to_json()
    assert out["listed"] is False and out["count"] == "9"
    assert [len(p["subsets"]) for p in out["parts"]] == [3, 3]   # a nondegenerate game: each equilibrium alone


def test_face_work_bounds_each_face_by_its_tableau_size():
    """face_work: a face's search gets at most face_work / (rows x columns) bases. On the
    29-sequence tree (3 subsets), 10,000 entries' worth lists the two smaller subsets and stops at
    the third, whose face needs more bases than its share, though fewer than face_limit; 10**5
    lists all three, as without the bound; the refusal names the face's own bound."""
    from deterrence.errors import TooLargeError
    from deterrence.solvers.tree.subgame_subsets import maximal_nash_subsets
    tree = seeded_rounds(8)
    full = maximal_nash_subsets(tree, vertices=True)
    roomy = maximal_nash_subsets(tree, vertices=True, face_work=10**5, large_faces="stop")
    assert [s.plans for s in roomy] == [s.plans for s in full]
    tight = maximal_nash_subsets(tree, vertices=True, face_work=10**4, large_faces="stop")
    assert sum(s.plans is not None for s in tight) == len(full) - 1
    assert all(s.plans == f.plans for s, f in zip(tight, full) if s.plans is not None)
    with pytest.raises(TooLargeError, match=r"passed \d+ bases") as refused:
        maximal_nash_subsets(tree, vertices=True, face_work=10**4)
    assert int(str(refused.value).split("passed ")[1].split(" ")[0].replace(",", "")) < 10**4


def test_large_faces_stop_lists_the_small_faces_first():
    """large_faces="stop": the faces are listed from the fewest open labels up, and the first one
    past face_limit leaves it and every larger one unlisted; "refuse" names the refusal."""
    from deterrence.errors import TooLargeError
    from deterrence.solvers.tree.subgame_subsets import maximal_nash_subsets
    tree = seeded_rounds(8)
    full = maximal_nash_subsets(tree, vertices=True)
    sizes = sorted(len(s.plans[0]) + len(s.plans[1]) for s in full)
    assert sizes[0] < sizes[-1]                       # faces of different sizes
    stopped = maximal_nash_subsets(tree, vertices=True, face_limit=8, large_faces="stop")
    assert [s.tight for s in stopped] == [s.tight for s in full]
    listed = [s for s in stopped if s.plans is not None]
    assert listed and len(listed) < len(full)
    assert all(s.plans == f.plans for s, f in zip(stopped, full) if s.plans is not None)
    with pytest.raises(TooLargeError, match="passed 8 bases"):
        maximal_nash_subsets(tree, vertices=True, face_limit=8)
    with pytest.raises(GameError, match="large_faces must be 'refuse' or 'stop'"):
        maximal_nash_subsets(tree, vertices=True, large_faces="skip")


def test_the_count_over_the_cap_is_the_distinct_pairs_of_every_subset(monkeypatch):
    """Over the cap on listed equilibria, the count is that of the distinct vertex-plan pairs over
    every subset (counted without gathering the pairs), the number the listing gives under it."""
    tree = seeded_rounds(8)
    listed = dt.solve(tree, method="sequence_form", search="subsets")
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)
    counted = dt.solve(tree, method="sequence_form", search="subsets")
    assert listed.listed and not counted.listed
    assert counted.count == len(listed.equilibria) > 1
    pairs = {(tuple(x), tuple(y)) for s in counted.subsets for x in s.plans[0] for y in s.plans[1]}
    assert counted.count == len(pairs)
    assert counted.to_json()["count"] == str(len(pairs))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sets(st.integers(0, 5), min_size=1), st.sets(st.integers(0, 5), min_size=1)),
                min_size=1, max_size=5))
def test_distinct_extreme_equilibria_is_the_size_of_the_union_of_products(faces):
    from deterrence.solvers.tree.subgame_subsets import NashSubset
    subsets = [NashSubset((), (), (tuple([x] for x in xs), tuple([y] for y in ys))) for xs, ys in faces]
    union = {(x, y) for xs, ys in faces for x in xs for y in ys}
    assert sequence_enumeration.distinct_extreme_equilibria(subsets) == len(union)


def test_the_subsets_vertex_counts_say_when_they_share(monkeypatch):
    """Maximal Nash subsets can share extreme equilibria: the per-subset counts then add up to more
    than the count, and the text and the HTML say so (they gave the counts without a word)."""
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)
    result = dt.solve(seeded_rounds(2), method="sequence_form", search="subsets")
    total = sum(s.count for s in result.subsets)
    assert total > result.count
    said = f"two subsets can share one, so these add up to {total}, not {result.count}"
    assert said in result.to_text() and said in result._repr_html_()
    alone = dt.solve(seeded_rounds(3), method="sequence_form", search="subsets")
    assert sum(s.count for s in alone.subsets) == alone.count and "can share" not in alone.to_text()


def test_the_subsets_vertex_counts_have_thousands_separators():
    """As the heading's count does ("107,012"), not "1506 plans ... = 106926"."""
    from deterrence.solvers.tree.sequence_form import _subset_size
    from deterrence.solvers.tree.subgame_subsets import NashSubset
    subset = NashSubset(tight=((), ()), equilibrium=((), ()), plans=(((1,),) * 1506, ((1,),) * 71))
    assert _subset_size(subset, ("P1", "P2")) == "1,506 plans of P1 × 71 of P2 = 106,926 extreme equilibria"


def test_a_smaller_limit_is_not_called_the_cap(monkeypatch):
    """An explicit limit under the default cap on listed equilibria leaves the default cap: the note
    says "by default", not "with this limit" (as it said for limit=1 under a cap of 2)."""
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 2)
    tree = seeded_rounds(3)
    for limit, words in ((1, "over the 2 certified and listed by default"),
                         (3, "over the 3 certified and listed with this limit")):
        result = dt.solve(tree, method="sequence_form", search="subsets", limit=limit)
        assert not result.listed and any(words in note for note in result.notes), result.notes


def test_the_subsets_note_says_what_unreached_sets_show(monkeypatch):
    """The listed equilibria fill the sets a plan does not reach with a best reply (as on the other
    routes, whose note says so); the subsets route's note said nothing of it."""
    monkeypatch.setattr(sequence_zero_sum, "DEFAULT_PAIRS", 1)
    result = dt.solve(seeded_rounds(3), method="sequence_form", search="subsets")
    assert result.subsets
    assert "information sets not reached by a player's own plan show that player's best reply" in result.notes[0]


def test_the_node_limit_of_the_subsets_search_is_named(monkeypatch):
    from deterrence.errors import TooLargeError
    from deterrence.solvers.tree import sequence_branching
    monkeypatch.setattr(sequence_enumeration, "DEFAULT_NODES", 3)
    monkeypatch.setattr(sequence_branching, "DEFAULT_NODES", 3)
    with pytest.raises(TooLargeError, match=r"maximal Nash subsets of this tree \(29 sequences\).*passed 3 nodes"):
        dt.solve(seeded_rounds(3), method="sequence_form", search="subsets")
