"""The basic solution of the sequence-form LCP: the float guess checked exactly equals an
exact dense solve (python-flint), and a guess that fails the exact check is refused."""
from fractions import Fraction
from pathlib import Path

from deterrence.io.gambit_efg import read_efg
from deterrence.solvers.tree import sequence_lcp as module
from deterrence.solvers.tree.sequence_form import sequence_form, uniform_plan

KUHN = Path(__file__).resolve().parents[1] / "games" / "kuhn_poker.efg"


def _final_basis(tree):
    sf = sequence_form(tree)
    prior = (uniform_plan(sf, 0), uniform_plan(sf, 1))
    system = module._System(sf, prior)
    basis, enter = system.first_basis(prior)
    return system, module._lemke(system, basis, enter, exact=False)


def test_basic_solution_equals_an_exact_dense_solve():
    import flint
    system, basis = _final_basis(read_efg(KUHN))
    R = system.nrows
    def q(v):
        v = Fraction(v)
        return flint.fmpq(v.numerator, v.denominator)
    dense = flint.fmpq_mat(R, R, [q(system.M[r][b]) for r in range(R) for b in basis])
    rhs = flint.fmpq_mat(R, 1, [q(system.rhs[r][0]) for r in range(R)])
    exact = dense.solve(rhs)
    got = module._solve_basis(system, basis)
    assert [got[b][0] for b in basis] == [Fraction(int(exact[r, 0].p), int(exact[r, 0].q)) for r in range(R)]
    assert any(got[b][0].denominator > 1 for b in basis)     # not a trivial all-integer basis


def test_a_guess_with_too_small_denominators_is_refused():
    system, basis = _final_basis(read_efg(KUHN))
    R = system.nrows
    entries = [[(k, Fraction(system.M[r][b])) for k, b in enumerate(basis) if system.M[r][b]] for r in range(R)]
    rhs = [[Fraction(c) for c in system.rhs[r]] for r in range(R)]
    assert module._rational_guess(entries, rhs, R, 0, max_denominator=1) is None
    assert module._rational_guess(entries, rhs, R, 0) is not None
