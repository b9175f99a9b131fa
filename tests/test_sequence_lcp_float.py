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


def _tied_signalling_tree():
    """A sender of three types (prior 1/2, 1/6, 1/3), two messages, a receiver of three replies
    (payoffs 0..9, found by fuzzing the front door): against the uniform prior type t0's two
    messages tie, and so do the receiver's r1 and r2 after s0."""
    from deterrence.core.tree import GameTree, chance, decision, terminal
    pay = {"t0": {"s0": [(5, 4), (8, 7), (2, 3)], "s1": [(3, 5), (6, 3), (6, 9)]},
           "t1": {"s0": [(0, 3), (6, 9), (1, 7)], "s1": [(6, 6), (3, 1), (9, 9)]},
           "t2": {"s0": [(5, 7), (9, 0), (5, 7)], "s1": [(0, 0), (1, 3), (0, 3)]}}
    prob = {"t0": Fraction(1, 2), "t1": Fraction(1, 6), "t2": Fraction(1, 3)}
    return GameTree(chance({t: (prob[t], decision("S", {
        s: decision("R", {f"r{k}": terminal(list(v)) for k, v in enumerate(pay[t][s])}, infoset=f"after_{s}")
        for s in ("s0", "s1")}, infoset=f"type_{t}")) for t in pay}), players=["S", "R"])


@pytest.mark.parametrize("exact", [None, True, False])
def test_ties_against_the_uniform_prior_are_broken_by_a_perturbed_prior(exact):
    """From the uniform prior the path of this tree ends on a ray (a degenerate start), in floats
    and in exact lexicographic pivoting; a perturbed prior gives a certified equilibrium, one of
    the tree's (sequence_form lists every extreme one), and the notes say which prior did."""
    from deterrence import solve
    tree = _tied_signalling_tree()
    sf = sequence_form(tree)
    with pytest.raises(SolverError):
        module._equilibrium_from(tree, sf, (uniform_plan(sf, 0), uniform_plan(sf, 1)), exact)
    result = module.sequence_lcp(tree, exact=exact)
    assert any("perturbed prior" in note for note in result.notes)
    assert _no_pure_plan_gains(tree, sf, result[0])
    for method in ("quasi_perfect", "sequential"):
        assert _no_pure_plan_gains(tree, sf, solve(tree, method)[0])


def _no_pure_plan_gains(tree, sf, eq) -> bool:
    """Brute force: no pure behaviour strategy of either player earns more against the other's
    plan than the equilibrium does (every pure plan enumerated, payoffs from the dense matrices)."""
    import itertools
    plans = [plan_from_behaviour(sf, i, {name: eq.behaviour[(tree.players[i], name)]
                                         for name, _, _ in sf.infosets[i]}) for i in range(2)]
    def payoff(i, x, y):          # x' A y or x' B y (both indexed by player 1's sequences first)
        matrix = sf.dense(i)
        return sum(x[r] * matrix[r][c] * y[c] for r in range(len(x)) for c in range(len(y)))
    for i in range(2):
        value = payoff(i, *plans)
        sets = sf.infosets[i]
        for choice in itertools.product(*[range(len(children)) for _, _, children in sets]):
            pure = {name: {sf.sequences[i][c][-1][1]: int(k == pick) for k, c in enumerate(children)}
                    for (name, _, children), pick in zip(sets, choice)}
            deviation = list(plans)
            deviation[i] = plan_from_behaviour(sf, i, pure)
            if payoff(i, *deviation) > value:
                return False
    return True
