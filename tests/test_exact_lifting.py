"""The sparse numeric lifting solver (deterrence.core.exact_lifting) against FLINT's exact solve.

Its answer is checked exactly inside (A num = den B), so a wrong answer would be a bug in
the check; these tests hold it to FLINT's ``fmpz_mat.solve`` on random sparse systems of
every kind it meets (well and badly conditioned, several columns, answers of thousands of
bits) and on the 314-state chain of two 20-state automata that the noise analysis solves.
"""
import flint
import numpy as np
from hypothesis import given, settings, strategies as st

from deterrence import load_game
from deterrence.core.automaton import Automaton
from deterrence.core.exact_lifting import solve_sparse_lifting
from deterrence.core.repeated import RepeatedGame
from deterrence.solvers.repeated import _product, _product_exact
from deterrence.solvers.repeated.noise_markov import _stationary


def flint_answer(n, entries, diag, columns):
    A = flint.fmpz_mat(n, n)
    for i, j, v in zip(*entries):
        A[i, j] += v
    for i in range(n):
        A[i, i] += diag
    B = flint.fmpz_mat(n, len(columns), [c[i] for i in range(n) for c in columns])
    return A.solve(B).numer_denom()


@st.composite
def sparse_systems(draw):
    n = draw(st.integers(1, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    per_row = draw(st.integers(0, 6))
    size = draw(st.sampled_from([3, 100, 30000]))
    rows = np.repeat(np.arange(n), per_row)
    cols = rng.integers(0, n, size=rows.size)
    vals = rng.integers(-size, size + 1, size=rows.size)
    # diag: dominant (well conditioned), or small (the general, possibly badly conditioned case)
    diag = draw(st.sampled_from([0, 1, size * per_row + 1]))
    columns = [rng.integers(-50, 51, size=n).tolist() for _ in range(draw(st.integers(1, 3)))]
    return n, (rows.tolist(), cols.tolist(), vals.tolist()), diag, columns


@settings(max_examples=120, deadline=None)
@given(sparse_systems())
def test_lifting_equals_flint_or_declines(system):
    n, entries, diag, columns = system
    try:
        expected = flint_answer(n, entries, diag, columns)
    except ZeroDivisionError:                  # singular: the lifting is only for nonsingular A
        return
    for small_answer in (False, True):         # the early attempts too: the same answer or None
        found = solve_sparse_lifting(n, entries, diag, columns, small_answer=small_answer)
        if found is not None:                  # None: the caller solves by FLINT instead
            assert found == expected
            assert found[1] > 0


def test_early_attempts_answer_a_small_denominator_in_few_steps():
    """``small_answer``: a dominant diagonal of 1,000 and right-hand sides its multiples give an
    integer answer, found at the first early attempt (3 steps) rather than after the Hadamard
    bound's schedule (dozens of steps for 200 unknowns): fewer SuperLU solves."""
    from unittest import mock
    import deterrence.core.exact_lifting as lifting
    n = 200
    rng = np.random.default_rng(3)
    rows = np.repeat(np.arange(n), 3).tolist()
    cols = rng.integers(0, n, size=3 * n).tolist()
    vals = rng.integers(-5, 6, size=3 * n).tolist()
    x = rng.integers(-9, 10, size=n).tolist()
    A = flint.fmpz_mat(n, n)
    for i, j, v in zip(rows, cols, vals):
        A[i, j] += v
    for i in range(n):
        A[i, i] += 1000
    b = (A * flint.fmpz_mat(n, 1, x)).entries()
    for small_answer, most in ((True, 4), (False, None)):
        with mock.patch.object(lifting, "_attempt", wraps=lifting._attempt) as attempt:
            num, den = solve_sparse_lifting(n, (rows, cols, vals), 1000, [[int(v) for v in b]],
                                            small_answer=small_answer)
        assert (num.entries(), den) == (x, 1)
        steps = len(attempt.call_args_list[0].args[2])
        assert steps <= most if most else steps > 4


def test_lifting_solves_the_well_conditioned_systems():
    """Diagonally dominant systems (the discounted chains) never need the fallback."""
    rng = np.random.default_rng(5)
    for n in (5, 50, 200):
        rows = np.repeat(np.arange(n), 4)
        cols = rng.integers(0, n, size=rows.size)
        vals = rng.integers(-1000, 1001, size=rows.size)
        entries = (rows.tolist(), cols.tolist(), vals.tolist())
        found = solve_sparse_lifting(n, entries, 4001, [[1] + [0] * (n - 1), list(range(n))])
        assert found == flint_answer(n, entries, 4001, [[1] + [0] * (n - 1), list(range(n))])


def test_lifting_on_the_chain_of_two_20_state_automata():
    """The systems of goal 4a: the discounted values (3,262-bit answer) and the stationary
    distribution of the 314 reachable states, equal to FLINT's dense solve."""
    us = load_game("us_iran_stage").with_defaults()
    rg = RepeatedGame(us, "9/10", noise={"execution": "1/50"})
    acts = list(us.actions[0])
    chain = _product.Chain(rg, (Automaton.random(20, acts, 1), Automaton.random(20, acts, 2)), "exact")
    ic = chain.integers()
    x0 = chain.start()
    R = _product.reach(ic.successors(), x0)
    idx = np.asarray(R)
    nz = _product.nonzeros(ic.W[idx[:, None], idx])
    n = len(R)
    assert n >= _product_exact.LIFTING_FROM
    entries = _product_exact.scaled_entries(nz, 9, transpose=True)
    start = [[1 if x == x0 else 0 for x in R]]
    found = solve_sparse_lifting(n, entries, 10 * ic.D, start)
    assert found is not None and found == flint_answer(n, entries, 10 * ic.D, start)
    assert int(found[1]).bit_length() > 3000
    # the stationary distribution: the lifting inside, FLINT here
    pi, den = _stationary(n, nz, ic.D)
    rows, cols, vals = nz
    A = flint.fmpz_mat(n, n)
    for i, j, v in zip(rows, cols, vals):
        A[j, i] -= v
    for i in range(n):
        A[i, i] += ic.D
    for j in range(n):
        A[n - 1, j] = 1
    ref_pi, ref_den = A.solve(flint.fmpz_mat(n, 1, [0] * (n - 1) + [1])).numer_denom()
    assert (pi.transpose(), den) == (ref_pi, ref_den)
