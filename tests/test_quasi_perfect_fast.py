"""The fast path of the quasi-perfect equilibrium (fraction-free exact pivots, one integer
solve of each basis, a rejected basis not solved twice) gives exactly the answer of the
reference path (sequence_lcp's ``_run``: rational tableau, ``_solve_basis``): on Kuhn poker,
the catalogue's two-player trees and random trees. The check that every move is a best
reply for all small eps (flint polynomials) against exact values at one tiny eps."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sequence_form import random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.core.tree import GameTree
from deterrence.errors import DeterrenceError
from deterrence.io import load_game
from deterrence.io.catalogue import catalogue_names
from deterrence.solvers.tree import quasi_perfect as qp
from deterrence.solvers.tree import sequence_lcp as sl
from deterrence.solvers.tree.sequence_form import sequence_form, uniform_plan

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


def both_paths(tree):
    """``perturbed_plans`` by the reference and by the fast path (or the error each raised)."""
    out = []
    for run in (sl._run, qp._run_fast):
        try:
            out.append(qp._perturbed_plans(tree, None, run)[1:])
        except DeterrenceError as exc:
            out.append((type(exc), str(exc)))
    return out


def tracing_system(tree, eps):
    sf = sequence_form(tree)
    lower = [[[0] * len(s) + [1] if s else [0] for s in sf.sequences[i]] for i in range(2)]
    prior = (uniform_plan(sf, 0), uniform_plan(sf, 1))
    system = sl._System(sf, prior, lower, eps)
    return system, *system.first_basis(prior)


def exact_paths_agree(tree, eps):
    """The fraction-free pivots end at the rational tableau's final basis, and both exact
    solves of that basis give the same polynomials in eps."""
    system, basis, enter = tracing_system(tree, eps)
    rows = qp._integer_rows(system)
    try:
        reference = sl._lemke(system, basis, enter, True)
    except DeterrenceError as exc:
        with pytest.raises(type(exc)):
            qp._lemke_fraction_free(system, basis, enter, rows)
        return
    final, values = qp._lemke_fraction_free(system, basis, enter, rows)
    assert final == reference
    assert values == qp._basis_polynomials(system, reference, rows) == sl._solve_basis(system, reference)


def test_kuhn_poker_fast_path_is_the_reference():
    tree = load_game("kuhn_poker")
    reference, fast = both_paths(tree)
    assert fast == reference
    # Kuhn poker's float bases are degenerate at eps = 1/10 (a slack 5/9 (eps - 1/10)):
    # the answer comes from the exact pivots, which the fast path does fraction-free
    for eps in qp.EPSILONS[:3]:
        exact_paths_agree(tree, eps)


def test_catalogue_trees_fast_path_is_the_reference():
    checked = 0
    for name in catalogue_names():
        game = load_game(name)
        if not isinstance(game, GameTree) or len(game.players) != 2:
            continue
        tree = game.with_defaults() if game.is_symbolic else game
        reference, fast = both_paths(tree)
        assert fast == reference, name
        exact_paths_agree(tree, Fraction(1, 10))
        checked += 1
    assert checked >= 5


@SETTINGS
@given(random_trees())
def test_random_trees_fast_path_is_the_reference(tree):
    reference, fast = both_paths(tree)
    assert fast == reference


@SETTINGS
@given(random_trees(), st.sampled_from([Fraction(1, 10), Fraction(1, 100), Fraction(3, 1000)]))
def test_random_trees_fraction_free_pivots_are_the_rational_ones(tree, eps):
    most = max([len(ch) for i in range(2) for _, _, ch in sequence_form(tree).infosets[i]] or [1])
    if eps * most < 1:
        exact_paths_agree(tree, eps)


def oracle_sequentially_optimal(sf, player, behaviour, other_plan, eps=Fraction(1, 10**40)):
    """The check by exact values at one tiny eps (the polynomials' coefficients here are far
    smaller than 1/eps, so their order for all small eps is their order at this eps)."""
    at = [sum(Fraction(c) * eps ** k for k, c in enumerate(p)) for p in other_plan]
    g = [Fraction(0)] * len(sf.sequences[player])
    for (r, c), v in (sf.A if player == 0 else sf.B).items():
        own, other = (r, c) if player == 0 else (c, r)
        g[own] += v * at[other]
    sets, seqs = sf.infosets[player], sf.sequences[player]
    value = [None] * len(sets)
    for k in range(len(sets) - 1, -1, -1):
        name, _, children = sets[k]
        vals = [g[c] + sum(value[q] for q, (_, parent, _) in enumerate(sets) if parent == c) for c in children]
        value[k] = max(vals)
        for c, v in zip(children, vals):
            if behaviour[name][seqs[c][-1][1]] > 0 and v < value[k]:
                return False, (name, seqs[c][-1][1])
    return True, None


@SETTINGS
@given(random_trees(), st.randoms(use_true_random=False))
def test_sequentially_optimal_against_exact_values_at_a_tiny_eps(tree, rng):
    """Random behaviour against random polynomials in eps (constant terms often 0, so that
    the order is decided by higher terms), and the limit of the perturbed plans."""
    sf = sequence_form(tree)
    for player in range(2):
        behaviour = {name: {seqs_action: 0 for seqs_action in
                            (sf.sequences[player][c][-1][1] for c in children)}
                     for name, _, children in sf.infosets[player]}
        for moves in behaviour.values():
            moves[rng.choice(sorted(moves))] = 1
        other = [[rng.choice([0, 0, 1, Fraction(1, 2)])] + [rng.randint(-2, 2) for _ in range(rng.randint(0, 2))]
                 for _ in sf.sequences[1 - player]]
        assert qp.sequentially_optimal(sf, player, behaviour, other) == \
            oracle_sequentially_optimal(sf, player, behaviour, other)
    try:
        sf, x, y, limit, *_ = qp.perturbed_plans(tree)
    except DeterrenceError:
        return
    for player, plan in ((0, y), (1, x)):
        assert oracle_sequentially_optimal(sf, player, limit[player], plan) == (True, None)
