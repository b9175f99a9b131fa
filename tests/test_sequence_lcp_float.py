"""The float path of sequence_lcp (sparse or small dense system, revised Lemke pivoting, plans
read as fractions and certified exactly) against the exact system and the old dense path."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from test_sequence_form import hidden_rounds, kuhn, random_trees
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from deterrence.errors import SolverError
from deterrence.solvers.tree import sequence_lcp as module
from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
from deterrence.solvers.tree.sequence_form import (
    best_reply_off_path,
    certify_plans,
    plan_from_behaviour,
    sequence_form,
    uniform_plan,
)

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(params=["dense", "sparse"])
def storage(request, monkeypatch):
    """Run a test with the float system stored dense (explicit inverse) and sparse (SuperLU)."""
    monkeypatch.setattr(module, "DENSE_ROWS", 10**9 if request.param == "dense" else 0)
    return request.param


def _setting(tree):
    sf = sequence_form(tree)
    return sf, (uniform_plan(sf, 0), uniform_plan(sf, 1))


def _plans(sf, prior, **options):
    """The old path's plans (dense system, dense float or exact pivoting)."""
    _, (x, y) = module._run(sf, prior, **options)
    return [module._norm(module._const(p)) for p in x], [module._norm(module._const(p)) for p in y]


def _certified_candidates(sf, prior):
    out = []
    for x, y in module._float_plans(sf, prior):
        try:
            out.append((x, y, certify_plans(sf, x, y)))
        except SolverError:
            pass
    return out


def _check_system(tree):
    """The float system has the exact system's entries, right-hand side and first basis."""
    sf, prior = _setting(tree)
    exact, floats = module._System(sf, prior), module._FloatSystem(sf, prior)
    columns = floats.columns if floats.dense else floats.columns.toarray()
    assert np.array_equal(columns, np.array([[float(v) for v in row] for row in exact.M]))
    assert np.array_equal(floats.rhs, np.array([float(v) for v in exact.rhs_at]))
    assert floats.first_basis(prior, floats.vectors) == exact.first_basis(prior)


def test_float_system_has_the_exact_entries(storage):
    _check_system(kuhn())
    _check_system(hidden_rounds(6))


def test_kuhn_poker_value_on_the_float_path(storage):
    sf, prior = _setting(kuhn())
    x, y, pay = _certified_candidates(sf, prior)[0]     # the float path's first answer is certified
    assert pay == (Fraction(-1, 18), Fraction(1, 18))
    assert (x, y) == _plans(sf, prior, exact=True)      # Kuhn's LCP path: the same end exactly
    one = module.sequence_lcp(kuhn())[0]
    assert one.payoffs == (Fraction(-1, 18), Fraction(1, 18))
    assert [plan_from_behaviour(sf, i, one.strategies[p]) for i, p in enumerate(one.players)] == [x, y]


def test_same_final_basis_as_the_dense_float_path(storage):
    tree = hidden_rounds(12)
    sf, prior = _setting(tree)
    exact, floats = module._System(sf, prior), module._FloatSystem(sf, prior)
    basis, enter = exact.first_basis(prior)
    assert module._lemke_float(floats, basis, enter, 1e-7) == module._lemke(exact, basis, enter, False, 1e-7)


@SLOW
@given(random_trees())
def test_random_trees_float_path_is_certified_and_agrees(tree):
    _check_system(tree)
    sf, prior = _setting(tree)
    found = _certified_candidates(sf, prior)
    assert found                        # the float path answers without the fallback
    x, y, pay = found[0]
    eq = module.sequence_lcp(tree)[0]
    assert eq.payoffs == pay
    assert [plan_from_behaviour(sf, i, eq.strategies[p]) for i, p in enumerate(eq.players)] == [x, y]
    every = sequence_form_equilibria(tree)
    assert pay in {e.payoffs for e in every}
    if len(every) == 1:                 # one equilibrium: every path ends at its plans
        assert (x, y) == _plans(sf, prior, exact=False) == _plans(sf, prior, exact=True)


@SLOW
@given(random_trees())
def test_random_trees_in_sparse_storage(tree):
    sf, prior = _setting(tree)
    dense = _certified_candidates(sf, prior)
    old = module.DENSE_ROWS
    module.DENSE_ROWS = 0
    try:
        _check_system(tree)
        sparse = _certified_candidates(sf, prior)
    finally:
        module.DENSE_ROWS = old
    assert sparse and sparse[0] == dense[0]


def test_a_wrong_float_answer_falls_back_to_the_exact_path(monkeypatch):
    """Plans that fail the exact check are never returned: the dense, then exact, path answers."""
    tree = kuhn()
    sf, prior = _setting(tree)
    wrong = ([1] + [0] * (sf.sizes[0] - 1), [1] + [0] * (sf.sizes[1] - 1))   # not even plans
    monkeypatch.setattr(module, "_float_plans", lambda sf, prior: iter([wrong]))
    one = module.sequence_lcp(tree)[0]
    assert one.payoffs == (Fraction(-1, 18), Fraction(1, 18))
    monkeypatch.setattr(module, "_lemke", _refuse_floats(module._lemke))
    assert module.sequence_lcp(tree)[0].payoffs == (Fraction(-1, 18), Fraction(1, 18))


def _refuse_floats(lemke):
    def only_exact(system, basis, enter, exact, perturb=1e-7):
        if not exact:
            raise SolverError("float pivoting refused by the test")
        return lemke(system, basis, enter, exact, perturb)
    return only_exact


def test_certificate_refuses_what_it_refused_before():
    sf, prior = _setting(kuhn())
    x, y = _plans(sf, prior, exact=True)
    _, parent, children = sf.infosets[0][0]
    for bad in ([2] + x[1:],                                            # x_() != 1
                [v + 1 if k == children[0] else v for k, v in enumerate(x)],  # a set's sum is off
                [-v if k == children[0] else v for k, v in enumerate(x)]):    # negative
        with pytest.raises(SolverError, match="not a realisation plan"):
            certify_plans(sf, bad, y)


def test_certificate_refuses_float_and_misshapen_plans():
    """A plan of floats equal to an equilibrium's (entry deterrence: 1.0, 0.0) had been
    certified with a float payoff; a plan with too many entries had been certified on its
    first ones (review)."""
    from deterrence.models.entry_deterrence import entry_deterrence
    sf = sequence_form(entry_deterrence())
    assert certify_plans(sf, [1, 1, 0], [1, 1, 0]) == (0, 2)
    with pytest.raises(SolverError, match="float"):
        certify_plans(sf, [1.0, 1.0, 0.0], [1, 1, 0])
    with pytest.raises(SolverError, match="float"):
        certify_plans(sf, [1, 1, 0], np.array([1.0, 1.0, 0.0]))
    for x in ([1, 1], [1, 1, 0, 5]):
        with pytest.raises(SolverError, match="entries"):
            certify_plans(sf, x, [1, 1, 0])


@SLOW
@given(random_trees())
def test_best_replies_reused_by_the_certificate(tree):
    """nash_equilibrium_from_plans takes the off-path replies from the certificate: the same
    as best_reply_off_path computes afresh."""
    from deterrence.solvers.tree.sequence_form import _certified, _pure_reply
    sf, prior = _setting(tree)
    x, y = _plans(sf, prior, exact=False)
    pay, choices = _certified(sf, x, y)
    assert pay == sf.expected_payoffs(x, y)
    assert _pure_reply(sf, 0, choices[0]) == best_reply_off_path(sf, 0, y)
    assert _pure_reply(sf, 1, choices[1]) == best_reply_off_path(sf, 1, x)
