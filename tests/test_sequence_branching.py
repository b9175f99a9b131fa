"""The branching search for every extreme equilibrium of a tree
(:mod:`deterrence.solvers.tree.sequence_branching`) against the vertex enumeration of both
sequence-form polyhedra (:func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`,
the previous method), with every equilibrium certified exactly."""
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_sequence_form import hidden_round_tree, kuhn, random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.errors import TooLargeError
from deterrence.solvers.tree import sequence_branching
from deterrence.solvers.tree.sequence_branching import branching_equilibrium_plans
from deterrence.solvers.tree.sequence_enumeration import (
    extreme_equilibrium_plans,
    sequence_form_equilibria,
)
from deterrence.solvers.tree.sequence_form import certify_plans, sequence_form


def plan_set(plans):
    return {(tuple(Fraction(v) for v in x), tuple(Fraction(v) for v in y)) for x, y in plans}


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
    tree = make()
    plans = same_as_vertex_enumeration(tree)
    every = sequence_form_equilibria(tree, search="branching")
    assert every.complete and len(every) == len(plans)


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
