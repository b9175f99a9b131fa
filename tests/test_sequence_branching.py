"""The branching search for every extreme equilibrium of a tree
(:mod:`deterrence.solvers.tree.sequence_branching`) against the vertex enumeration of both
sequence-form polyhedra (:func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`,
the previous method), with every equilibrium certified exactly."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extreme_points import _is_mixture
from test_sequence_form import hidden_round_tree, kuhn, random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.errors import TooLargeError
from deterrence.solvers.nash_subsets import maximal_nash_subsets
from deterrence.solvers.tree import sequence_branching
from deterrence.solvers.tree.sequence_branching import branching_equilibrium_plans
from deterrence.solvers.tree.sequence_enumeration import (
    extreme_equilibrium_plans,
    extreme_of_subsets,
    sequence_form_equilibria,
)
from deterrence.solvers.tree.sequence_form import certify_plans, plan_from_behaviour, sequence_form


def plan_set(plans):
    return {(tuple(Fraction(v) for v in x), tuple(Fraction(v) for v in y)) for x, y in plans}


def seeded_rounds(seed, bound=5):
    """``hidden_round_tree(2)`` (29 sequences) with payoffs drawn in ``-bound..bound`` by
    ``random.Random(seed)`` (seed 7, bound 5: the benchmark's ``branching_rounds(2)``)."""
    import random
    rng = random.Random(seed)
    return hidden_round_tree(2, payoff=lambda: [rng.randint(-bound, bound), rng.randint(-bound, bound)])


def same_as_vertex_enumeration(tree):
    sf = sequence_form(tree)
    new = branching_equilibrium_plans(sf)
    old = extreme_equilibrium_plans(sf)
    assert len(new) == len(plan_set(new))                 # each pair once
    assert plan_set(new) == plan_set(old)
    for x, y in new:
        certify_plans(sf, x, y)                           # raises unless an equilibrium, exactly
    return new


@pytest.mark.parametrize("make", [kuhn, lambda: hidden_round_tree(1), lambda: hidden_round_tree(2)],
                         ids=["kuhn", "rounds1", "rounds2"])
def test_same_extreme_equilibria_as_the_vertex_enumeration(make):
    """The listed equilibria are the extreme points of the maximal Nash subsets among the
    completely labelled vertex pairs, the same plans as the vertex enumeration's; every vertex
    pair left out is, exactly, a mixture of the kept plans of a subset it lies in."""
    tree = make()
    plans = same_as_vertex_enumeration(tree)
    kept, subsets = extreme_of_subsets(plans)
    every = sequence_form_equilibria(tree, search="branching")
    assert every.complete and len(every) == len(kept)
    sf = sequence_form(tree)
    listed = plan_set((plan_from_behaviour(sf, 0, moves(tree, e, 0)), plan_from_behaviour(sf, 1, moves(tree, e, 1)))
                      for e in every)
    assert listed == plan_set(kept)
    assert sorted(map(len, every.cliques)) == sorted(map(len, subsets))
    # by brute force (the exact simplex method): a pair is kept exactly when, in some maximal
    # Nash subset holding it, neither plan is a mixture of the subset's other plans
    pairs = sorted(plan_set(plans))
    cliques = [[pairs[i] for i in c] for c in maximal_nash_subsets(pairs)]

    def extreme_in(xy, clique):
        return all(not _is_mixture(xy[k], [o for o in {p[k] for p in clique} if o != xy[k]]) for k in (0, 1))
    assert plan_set(kept) == {xy for xy in pairs if any(xy in c and extreme_in(xy, c) for c in cliques)}


def moves(tree, e, player):
    return {s.name: e.behaviour[s.key] for s in tree.infosets_of(player)}


def test_without_highspy_the_scipy_path_agrees(monkeypatch):
    """The float LP through SciPy's linprog (no warm start) prunes the same branches."""
    monkeypatch.setattr(sequence_branching, "_have_highspy", lambda: False)
    same_as_vertex_enumeration(kuhn())
    same_as_vertex_enumeration(hidden_round_tree(1))


def test_kuhn_poker_value_and_node_limit():
    every = sequence_form_equilibria(kuhn())
    assert {e.payoffs for e in every} == {(Fraction(-1, 18), Fraction(1, 18))}
    with pytest.raises(TooLargeError, match="passed 3 nodes"):
        sequence_form_equilibria(kuhn(), limit=3, search="branching")


def test_certificates_are_checked_exactly():
    """A rounded dual that is not a Motzkin certificate never prunes: the exact check refuses
    the zero vector, a vector with the wrong sign and one that is not zero on the free values."""
    sf = sequence_form(kuhn())
    side = sequence_branching._Polyhedron(sf, 0)
    zero = [0] * side.rows
    assert not side._is_certificate(zero, set(), {0})
    feasible_face = side.probe(set(), set())
    assert feasible_face[0]                                # Kuhn poker's polyhedron is not empty
    # the root sequence's plan row (x_root = 1): w = -e_0 gives w b = -1 < 0 but w M is
    # -1 on the root column, negative on a label not tight: not a certificate
    root_row = [-1 if r == 0 else 0 for r in range(side.rows)]
    assert not side._is_certificate(root_row, set(), set())
    # with the root sequence tight (x_root = 0, impossible) it is one
    assert side._is_certificate(root_row, {0}, set())
    assert side.probe({0}, set()) == (False, None)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees())
def test_random_trees_same_as_vertex_enumeration(tree):
    same_as_vertex_enumeration(tree)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-50, 50), min_size=1, max_size=12).filter(any),
       st.sampled_from([1, 2, 3, 6, 7, 12, 360]), st.floats(0.01, 100))
def test_rounded_duals_recover_the_integer_direction(w, denominator, scale):
    """Float duals that are a multiple of an integer vector (as LP duals of integer data are)
    give, among the candidates tried as certificates, a positive multiple of that vector; every
    candidate is an integer vector, so the certificate check stays exact."""
    from math import gcd
    duals = [scale * v / denominator for v in w]
    g = 0
    for v in w:
        g = gcd(g, v)
    primitive = [v // g for v in w]
    candidates = list(sequence_branching._integer_candidates(duals))
    assert all(isinstance(v, int) for c in candidates for v in c)

    def direction(c):
        h = 0
        for v in c:
            h = gcd(h, v)
        return [v // h for v in c] if h else c
    assert primitive in [direction(c) for c in candidates]


# -- the covering rules and the product faces (2026-12-05) ---------------------------------
@st.composite
def subgame_trees(draw):
    """Trees of hidden rounds with proper subgames below some outcomes (as the benchmark's
    random trees, smaller): each round chance deals H or L to P1, who moves a0/a1; P2 answers
    b0/b1 without seeing the card; play goes on after the outcomes drawn. Payoffs in -2..2,
    so ties (degenerate polyhedra) are common. At most six rounds (38 sequences): the
    reference, the vertex enumeration of both polyhedra, took 215 s on one drawn tree of seven
    (44 sequences) and at most 17 s on those of six."""
    names = iter(range(10**6))
    rounds_left = [6]

    def pay():
        return terminal([draw(st.integers(-2, 2)), draw(st.integers(-2, 2))])

    def build(k):
        if k == 0 or not rounds_left[0]:
            return pay()
        rounds_left[0] -= 1
        node = next(names)
        on = set(draw(st.lists(st.sampled_from([(h, a, b) for h in "HL" for a in ("a0", "a1")
                                                 for b in ("b0", "b1")]), max_size=2)))
        return chance({h: (Fraction(1, 2), decision("P1", {
            a: decision("P2", {b: (build(k - 1) if (h, a, b) in on else pay()) for b in ("b0", "b1")},
                        infoset=f"n{node}")
            for a in ("a0", "a1")}, infoset=f"n{node}{h}")) for h in "HL"})
    return GameTree(build(draw(st.integers(1, 3))), players=["P1", "P2"])


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(subgame_trees())
def test_trees_with_subgames_same_as_vertex_enumeration(tree):
    """Off-path subgames are where the covering rules and the product faces act."""
    same_as_vertex_enumeration(tree)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(max_depth=3, perfect_information=True))
def test_perfect_information_trees_same_as_vertex_enumeration(tree):
    """Every node a subgame of its own: the covering rules nest."""
    same_as_vertex_enumeration(tree)


def count_nodes(monkeypatch, sf, **options):
    """The plan set of ``branching_equilibrium_plans(sf, **options)`` and its search's nodes."""
    nodes = []
    real = sequence_branching._Search.count

    def count(self):
        real(self)
        nodes.append(1)
    monkeypatch.setattr(sequence_branching._Search, "count", count)
    plans = branching_equilibrium_plans(sf, **options)
    monkeypatch.setattr(sequence_branching._Search, "count", real)
    return plan_set(plans), len(nodes)


def test_covering_rules_spare_the_search_without_changing_its_answer(monkeypatch):
    """On a tree of three hidden rounds (29 sequences) the search without the covering rules
    and the product faces finds the same plans (those of the vertex enumeration) with more
    nodes."""
    sf = sequence_form(hidden_round_tree(2))
    with_rules, n_with = count_nodes(monkeypatch, sf)
    monkeypatch.setattr(sequence_branching, "_covering_rules", lambda sf: [])
    monkeypatch.setattr(sequence_branching._Polyhedron, "split",
                        lambda self, tight, columns: ([list(columns)], set(), set()))
    without, n_without = count_nodes(monkeypatch, sf)
    assert with_rules == without == plan_set(extreme_equilibrium_plans(sf))
    assert n_with < n_without


def test_product_faces_have_the_vertices_of_the_whole_face(monkeypatch):
    """Every leaf face that the search takes apart into groups (:meth:`_Polyhedron.split`)
    gives the same vertex plans as the branching over all its open columns at once, and no
    equation of the face joins two of its groups."""
    sf = sequence_form(seeded_rounds(7))
    leaves = []
    real = sequence_branching._leaf_plans

    def record(side, tight, strict, undecided, point, search):
        leaves.append((side, set(tight), set(strict), list(undecided)))
        return real(side, tight, strict, undecided, point, search)
    monkeypatch.setattr(sequence_branching, "_leaf_plans", record)
    branching_equilibrium_plans(sf)
    taken_apart = 0
    for side, tight, strict, undecided in leaves:
        split = side.split(tight, undecided)
        if split is None or len(split[0]) < 2:
            continue
        taken_apart += 1
        groups, zero, positive = split
        where = {c: g for g, group in enumerate(groups) for c in group}
        for row in side.row_nonzero:
            assert len({where[c] for c, _ in row if c in where and c not in zero | positive}) <= 1
        search = sequence_branching._Search(10**6)
        assert real(side, tight, strict, undecided, None, search) == sequence_branching._vertex_plans(
            side, set(tight), set(strict), undecided, None, search)
    assert taken_apart > 0


# -- values raised above the best reply are not searched (2026-12-05, stop 29) --------------------
def test_raised_value_rules_name_each_set_and_the_sequence_before_it():
    """In each polyhedron, the rule of each opponent information set below the root holds the
    slacks of the set's actions and the slack of the opponent's sequence leading to the set."""
    sf = sequence_form(kuhn())
    for own in (0, 1):
        side = sequence_branching._Polyhedron(sf, own)
        expected = {}
        for _, parent, children in sf.infosets[1 - own]:
            actions = frozenset(side.n_own + c for c in children)
            for c in children:
                expected[side.n_own + c] = (actions, side.n_own + parent)
        assert {col: (frozenset(actions), before) for col, (actions, before) in side.raised.items()} \
            == expected


@pytest.mark.parametrize("seed", [0, 4])
def test_raised_values_are_left_out_without_losing_a_plan(monkeypatch, seed):
    """A leaf face's vertices whose opponent value at a set is raised above every action there
    (held only by the sequence before it) are not searched: every leaf face of a 29-sequence
    tree of hidden rounds (payoffs in -5..5) gives the same own plans with the rule as without
    it, the rule leaves out some patterns, and the answer is the vertex enumeration's."""
    sf = sequence_form(seeded_rounds(seed))
    leaves, left_out = [], []
    real_leaf, real_take = sequence_branching._leaf_plans, sequence_branching._can_take

    def record(side, tight, strict, undecided, point, search):
        leaves.append((side, set(tight), set(strict), list(undecided)))
        return real_leaf(side, tight, strict, undecided, point, search)

    def take(side, tight, strict, col, make_tight, point):
        answer = real_take(side, tight, strict, col, make_tight, point)
        if not answer[0] and not make_tight and side.open is not None and col in side.raised:
            rules = side.raised
            side.raised = {}                     # the same question without the rule
            if real_take(side, tight, strict, col, make_tight, point)[0]:
                left_out.append(col)
            side.raised = rules
        return answer
    monkeypatch.setattr(sequence_branching, "_leaf_plans", record)
    monkeypatch.setattr(sequence_branching, "_can_take", take)
    plans = branching_equilibrium_plans(sf)
    assert plan_set(plans) == plan_set(extreme_equilibrium_plans(sf))
    assert left_out
    monkeypatch.setattr(sequence_branching, "_can_take", real_take)
    for side, tight, strict, undecided in leaves:
        with_rule = real_leaf(side, set(tight), set(strict), list(undecided), None,
                              sequence_branching._Search(10**6))
        rules, side.raised = side.raised, {}
        without = real_leaf(side, set(tight), set(strict), list(undecided), None,
                            sequence_branching._Search(10**6))
        side.raised = rules
        assert with_rule == without


# -- conflict-directed backjumping (2026-12-05) ------------------------------------------------
def test_a_refusal_rests_on_its_culprits_alone(monkeypatch):
    """Every certificate the search finds (29-sequence tree of hidden rounds, payoffs in -5..5)
    still proves its face empty with only its culprits kept: the tight labels outside them
    opened, the strict ones outside them dropped; and no tight culprit can be opened (the
    certificate needs it). Some certificates have ``w b = 0`` and so rest on strict labels."""
    sf = sequence_form(seeded_rounds(5))
    records = []
    real = sequence_branching._Polyhedron._rests_on

    def record(self, w, tight, strict, products=None):
        culprits = real(self, w, tight, strict, products)
        records.append((self, w, set(tight), set(strict), culprits))
        return culprits
    monkeypatch.setattr(sequence_branching._Polyhedron, "_rests_on", record)
    branching_equilibrium_plans(sf)
    assert len(records) > 10
    assert any(len(culprits) < len(tight) for _, _, tight, _, culprits in records)
    assert any(culprits & strict for _, _, _, strict, culprits in records)
    for side, w, tight, strict, culprits in records:
        assert culprits <= tight | strict
        assert side._is_certificate(w, tight & culprits, strict & culprits)
        for c in culprits & tight:
            assert not side._is_certificate(w, (tight & culprits) - {c}, strict & culprits)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_certificate_products_are_exact_in_int64_and_in_python_integers(data):
    """``w M`` and ``w b``, as the certificate checks read them, equal the sums in Python
    integers: by int64 NumPy when no sum can overflow, by Python integers when the entries are
    large (up to 2**80 here), on both polyhedra of a 29-sequence tree."""
    sf = sequence_form(seeded_rounds(5))
    side = sequence_branching._Polyhedron(sf, data.draw(st.sampled_from([0, 1])))
    bound = data.draw(st.sampled_from([3, 10**6, 2**40, 2**80]))
    w = data.draw(st.lists(st.integers(-bound, bound), min_size=side.rows, max_size=side.rows))
    wm, wb = side._products(w)
    assert wm == [sum(w[r] * side.M[r][c] for r in range(side.rows)) for c in range(side.ncols)]
    assert wb == sum(w[r] * side.b[r] for r in range(side.rows))
    assert all(type(v) is int for v in wm) and type(wb) is int


@pytest.mark.parametrize("seed", [0, 5])
def test_backjumping_skips_branches_without_losing_a_plan(monkeypatch, seed):
    """A branch whose emptiness rests on earlier decisions only is not followed by its sibling
    (Prosser's conflict-directed backjumping, in the support search and the leaf faces). On
    29-sequence trees of hidden rounds (payoffs in -5..5) the search skips branches and finds the
    plans of the search without backjumping and of the vertex enumeration."""
    sf = sequence_form(seeded_rounds(seed))
    searches = []

    class Recording(sequence_branching._Search):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            searches.append(self)
    monkeypatch.setattr(sequence_branching, "_Search", Recording)
    with_jumps = plan_set(branching_equilibrium_plans(sf))
    assert searches[-1].jumps > 0
    # no refusal names its culprits: every branch rests on every decision, and none is skipped
    monkeypatch.setattr(sequence_branching._Polyhedron, "culprits",
                        property(lambda self: None, lambda self, value: None), raising=False)
    without = plan_set(branching_equilibrium_plans(sf))
    assert searches[-1].jumps == 0
    assert with_jumps == without == plan_set(extreme_equilibrium_plans(sf))


@pytest.mark.parametrize("bound, seed", [(1, 1), (2, 3), (5, 5)])
def test_every_face_conflict_holds_no_vertex(monkeypatch, bound, seed):
    """Each set of decisions a leaf face search returns as the reason a branch is empty (the
    given columns and the decisions at the returned levels) is met by no vertex of the
    polyhedron: every vertex, listed exactly (the lexicographic search of both polyhedra),
    breaks it. A conflict set that left out a needed decision would name a pattern that some
    vertex meets. 29-sequence trees of hidden rounds, payoffs in -bound..bound."""
    from deterrence.solvers.tree._sequence_vertices import _first_basis, _vertices
    from deterrence.solvers.tree.sequence_form import best_response_polyhedron
    sf = sequence_form(seeded_rounds(seed, bound))
    conflicts = []

    def recording(real):
        def search(*args):              # (side, tight, strict, ..., at): every face search
            side, tight, strict, at = args[0], set(args[1]), set(args[2]), dict(args[-1])
            found, levels = real(*args)
            if levels is not None:
                kept = {c for c, decided in at.items() if levels.intersection(decided)}
                conflicts.append((side.n_own, {c for c in tight if c not in at or c in kept},
                                  {c for c in strict if c not in at or c in kept}))
            return found, levels
        return search
    monkeypatch.setattr(sequence_branching, "_face_search", recording(sequence_branching._face_search))
    branching_equilibrium_plans(sf)
    assert len(conflicts) > 100
    masks = {}
    for own in (0, 1):
        M, b, n_own, n_opp, k_opp, _ = best_response_polyhedron(sf, own)
        basis = _first_basis(sf, own, n_own, n_opp, k_opp)
        masks[n_own] = list(_vertices(M, b, basis, n_own, n_opp, n_own + n_opp, 10**7))
    assert sf.sizes[0] != sf.sizes[1]           # the polyhedra told apart by their own sizes
    for n_own, tight, strict in conflicts:
        for mask in masks[n_own]:                # bit c: label c tight at the vertex
            assert not (all(mask >> c & 1 for c in tight) and not any(mask >> c & 1 for c in strict))


# -- payoffs in the thousands: the certificates from the LP's basis (2026-12-05) ---------------
def uncertified_probes(monkeypatch):
    """A list that gets one entry for every probe that found no witness point and no
    certificate either (its branch kept: slower, never wrong)."""
    kept = []
    real = sequence_branching._Polyhedron.probe

    def probe(self, tight, strict):
        answer = real(self, tight, strict)
        if answer[0] and answer[1] is None:
            kept.append((frozenset(tight), frozenset(strict)))
        return answer
    monkeypatch.setattr(sequence_branching._Polyhedron, "probe", probe)
    return kept


@pytest.mark.parametrize("highspy", [True, False], ids=["highspy", "scipy"])
def test_prunes_are_certified_with_payoffs_in_the_thousands(monkeypatch, highspy):
    """Payoffs in -1000..1000 make certificates with large denominators, which the roundings
    of the float duals miss (each entry rounded alone breaks ``w M = 0`` by a little): before
    the exact duals, 28,802 of the 29-sequence tree's probes kept their branch and the search
    passed 30,000 nodes. Now every probe without a witness point is certified, with HiGHS's
    duals and with SciPy's alike, and the answer is the vertex enumeration's."""
    if not highspy:
        monkeypatch.setattr(sequence_branching, "_have_highspy", lambda: False)
    sf = sequence_form(seeded_rounds(7, 1000))
    kept = uncertified_probes(monkeypatch)
    plans, nodes = count_nodes(monkeypatch, sf)
    assert kept == []
    assert plans == plan_set(extreme_equilibrium_plans(sf))
    assert nodes < 3_000


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(random_trees(bound=1000))
def test_random_trees_with_large_payoffs_same_as_vertex_enumeration(tree):
    same_as_vertex_enumeration(tree)


@pytest.mark.parametrize("highspy", [True, False], ids=["highspy", "scipy"])
def test_exact_duals_are_the_float_duals_exactly(monkeypatch, highspy):
    """At an infeasible probe, the exact duals are (up to a positive factor) the float row
    duals of the LP, and they are a Motzkin certificate."""
    import numpy as np
    if not highspy:
        monkeypatch.setattr(sequence_branching, "_have_highspy", lambda: False)
    sf = sequence_form(kuhn())
    side = sequence_branching._Polyhedron(sf, 0)
    assert side.probe({0}, {5}) == (False, None)            # x_root = 0: no point at all
    solve = side._highs.solve if side._highs else side._linprog
    z, tau, violation, duals, strict_duals = solve({0}, {5})
    exact = side.exact_duals(duals, strict_duals)
    assert exact is not None and any(side._is_certificate([sign * v for v in exact], {0}, {5})
                                     for sign in (1, -1))
    d = np.array(duals, dtype=float)
    w = np.array(exact, dtype=float)
    factor = float(d @ w) / float(w @ w)
    assert factor > 0 and np.allclose(factor * w, d, atol=1e-9 * float(np.max(np.abs(d))))


@settings(max_examples=300, deadline=None)
@given(st.floats(-1, 1, allow_nan=False), st.sampled_from([1, 7, 10**4, 10**6, 10**9]))
def test_closest_fraction_is_limit_denominator(v, denominator):
    """The integer continued fraction of the certificates' candidates gives what
    ``Fraction.limit_denominator`` gives, for any float (the candidates must not change)."""
    n, d = v.as_integer_ratio()
    expected = Fraction(n, d).limit_denominator(denominator)
    assert sequence_branching._closest_fraction(n, d, denominator) == (expected.numerator, expected.denominator)


# -- maximal Nash subsets (cliques) and components of a tree's extreme equilibria ---------------
def test_entry_deterrence_cliques_and_components():
    """The entrant stays out against fight, or against a mix with fight at least 1/2: one
    maximal Nash subset of two extreme equilibria; entry with accommodation is alone."""
    from deterrence.io import load_game
    every = sequence_form_equilibria(load_game("entry_deterrence").with_defaults())
    outs = tuple(k for k, e in enumerate(every) if e.payoffs == (0, 2))
    assert len(outs) == 2
    assert set(every.cliques) == {outs, tuple(k for k in range(3) if k not in outs)}
    assert every.components == tuple(sorted(every.cliques))
    assert every.to_json()["cliques"] == [list(c) for c in every.cliques]
    assert "Maximal Nash subsets" in every.to_text()


CLIQUE_TREES = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@CLIQUE_TREES
@given(random_trees(), st.randoms(use_true_random=False))
def test_cliques_mix_maximal_and_as_many_as_the_reduced_normal_form(tree, rnd):
    check_cliques(tree, rnd)


@CLIQUE_TREES
@given(random_trees(zero_sum=True), st.randoms(use_true_random=False))
def test_zero_sum_trees_have_one_clique(tree, rnd):
    """A zero-sum tree's equilibria are the pairs of optimal plans: one clique, one component
    (the zero-sum path sets them without the graph)."""
    every = check_cliques(tree, rnd)
    assert every.cliques == every.components == (tuple(range(len(every))),)


def check_cliques(tree, rnd):
    """Every mixture of a clique's plans is an equilibrium (exact); no other extreme
    equilibrium's plans can join a clique; and the maximal Nash subsets and components are as
    many as those of the reduced normal form (the map from mixed strategies to plans is linear
    and onto, and an equilibrium depends on the plans only, so each maximal Nash subset of the
    normal form is the preimage of one of the tree's)."""
    from deterrence.solvers import solve
    from deterrence.solvers.tree.reduced_normal_form import reduced_normal_form
    every = sequence_form_equilibria(tree)
    sf = sequence_form(tree)
    plans = branching_equilibrium_plans(sf)
    key = {(tuple(Fraction(v) for v in x), tuple(Fraction(v) for v in y)) for x, y in plans}
    as_plans = []
    for e in every:                         # each equilibrium's plans, read back from its behaviour
        x, y = (tuple(Fraction(v) for v in plan_from_behaviour(sf, i, e.strategies[p]))
                for i, p in enumerate(tree.players))
        assert (x, y) in key
        as_plans.append((x, y))
    for clique in every.cliques:
        xs = sorted({as_plans[k][0] for k in clique})
        ys = sorted({as_plans[k][1] for k in clique})
        assert len(xs) * len(ys) == len(clique)
        weights = [Fraction(rnd.randint(0, 3)) for _ in xs], [Fraction(rnd.randint(0, 3)) for _ in ys]
        for w in weights:
            w[0] += 1                           # weights not all zero
        x = [sum(w * p[s] for w, p in zip(weights[0], xs)) / sum(weights[0]) for s in range(len(xs[0]))]
        y = [sum(w * p[s] for w, p in zip(weights[1], ys)) / sum(weights[1]) for s in range(len(ys[0]))]
        certify_plans(sf, x, y)                 # raises unless an equilibrium, exactly
        for k in set(range(len(every))) - set(clique):
            bigger_xs, bigger_ys = set(xs) | {as_plans[k][0]}, set(ys) | {as_plans[k][1]}
            assert not all((a, b) in key for a in bigger_xs for b in bigger_ys)
    nf = reduced_normal_form(tree)
    if len(nf.actions[0]) * len(nf.actions[1]) <= 64:
        theirs = solve(nf, "enumerate")
        assert len(every.cliques) == len(theirs.cliques)
        assert len(every.components) == len(theirs.components)
    return every


def test_the_tutorials_cliques():
    """What notebook 11 says of the cliques: Kuhn poker's two extreme equilibria are one maximal
    Nash subset; in the deterrence signalling game the two where no defender mobilises are one,
    the challenger's answer to a mobilisation anywhere from a coin toss to a sure challenge."""
    from deterrence.io import load_game
    assert sequence_form_equilibria(kuhn()).cliques == ((0, 1),)
    signalling = sequence_form_equilibria(load_game("deterrence_signalling"))
    assert signalling.cliques == ((0,), (1, 2))
    assert {e.payoffs for e in (signalling[1], signalling[2])} == {(Fraction(-3, 4), Fraction(1, 4))}


# -- progress on long searches (stop 29) -------------------------------------------------------
def test_the_search_shows_its_nodes_and_equilibria_when_asked(capsys, monkeypatch):
    """``progress=True`` counts the search's nodes (its limit in the label) with the equilibria
    found so far: every node is counted once and the last figure is the number of equilibria
    (a recording bar, so no timing is involved); a real bar writes its label to standard error;
    ``False`` writes nothing, the answers are the same, and a bad value is refused."""
    from deterrence.core import progress as progress_module
    tree = seeded_rounds(4)
    shown = sequence_form_equilibria(tree, progress=True)
    err = capsys.readouterr().err
    assert "sequence_form: search nodes (limit 2,000,000)" in err        # the default node limit
    quiet = sequence_form_equilibria(tree, progress=False)
    assert capsys.readouterr().err == ""
    assert [e.to_json() for e in shown] == [e.to_json() for e in quiet]

    class Recording(progress_module.SilentBar):
        def __init__(self, *args, **kwargs):
            self.steps, self.postfixes = [], []

        def update(self, n=1):
            self.steps.append(n)

        def set_postfix_str(self, s="", refresh=True):
            self.postfixes.append(s)
    bars = []

    def record(*args, **kwargs):
        bars.append(Recording())
        return bars[-1]
    monkeypatch.setattr(progress_module, "progress_bar", record)
    plans, nodes = count_nodes(monkeypatch, sequence_form(tree), progress=True)
    assert plans == plan_set(extreme_equilibrium_plans(sequence_form(tree)))
    assert sum(bars[0].steps) == nodes > sequence_branching._BAR_STEP
    assert bars[0].postfixes[0].endswith("equilibria so far")
    # the search counts the equilibria it finds (its vertex pairs); the extreme ones are listed
    assert bars[0].postfixes[-1] == f"{len(plans)} equilibria" and len(shown) < len(plans)
    with pytest.raises(Exception, match="progress must be True, False or None"):
        sequence_form_equilibria(tree, progress="yes")


def test_exact_duals_by_the_sparse_lifting_certify_as_the_dense_solve_does(monkeypatch):
    """With every square system of exact duals (HiGHS's basis makes them square; SciPy's
    stand-ins do not) sent to the sparse numeric lifting first (``LIFT_FROM`` 1; by default from
    60 unknowns: the large trees'), the probes of the large-payoff tree are all certified and the
    answer is the vertex enumeration's, as with the dense exact solve; the lifting answered some
    systems (not all declined to the dense one)."""
    monkeypatch.setattr(sequence_branching, "LIFT_FROM", 1)
    answered = []
    real = sequence_branching._lifted

    def lifted(rows, n):
        found = real(rows, n)
        answered.append(found is not None)
        return found
    monkeypatch.setattr(sequence_branching, "_lifted", lifted)
    sf = sequence_form(seeded_rounds(7, 1000))
    kept = uncertified_probes(monkeypatch)
    plans, nodes = count_nodes(monkeypatch, sf)
    assert kept == []
    assert plans == plan_set(extreme_equilibrium_plans(sf))
    assert any(answered)


@settings(max_examples=60, deadline=None)
@given(st.integers(2, 12).flatmap(lambda n: st.tuples(
    st.just(n), st.lists(st.lists(st.integers(-6, 6), min_size=n + 1, max_size=n + 1), min_size=n, max_size=n))))
def test_the_lifted_solution_solves_the_system_exactly(case):
    """``_lifted`` gives an exact solution of the square system or None (then the dense exact
    solve decides); nonsingular, it is the dense solve's one solution."""
    from deterrence.core.exact import solve_consistent
    n, dense = case
    rows = [({c: v for c, v in enumerate(row[:n]) if v}, row[n]) for row in dense]
    found = sequence_branching._lifted(rows, n)
    if found is not None:
        assert all(sum(c * found[i] for i, c in coefficients.items()) == value for coefficients, value in rows)
    unique = solve_consistent(dense, n, unique=True)
    if unique is not None and found is not None:
        assert found == [Fraction(v) for v in unique]
