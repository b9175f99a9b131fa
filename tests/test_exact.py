"""deterrence.core.exact: the exact solves, the fraction-free pivot and the lexicographic ratio
test, against Fraction references and sympy; the fraction_only() switch gives the same answers."""
import math
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings, strategies as st

from deterrence import NormalFormGame
from deterrence.core import exact
from deterrence.core.exact import (bareiss_pivot, bareiss_solve, flint as load_flint, fraction_only,
                                   from_fmpq, lex_min_ratio, positive_integer_matrix, solve,
                                   solve_consistent, solve_flint, solve_scaled, to_fmpq)
from deterrence.solvers.normal_form.enumeration import all_equilibria
from deterrence.solvers.normal_form.lemke_howson import lemke_howson
from deterrence.solvers.normal_form.zero_sum import zero_sum_equilibrium
from deterrence.solvers.repeated.folk import minmax_values
from deterrence.solvers.repeated.payoff_set import equilibrium_payoff_set

SETTINGS = dict(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

rationals = st.one_of(st.integers(-6, 6), st.fractions(min_value=-5, max_value=5, max_denominator=7))


@st.composite
def square_systems(draw, entries=rationals, max_size=5):
    k = draw(st.integers(1, max_size))
    M = [[draw(entries) for _ in range(k)] for _ in range(k)]
    b = [draw(entries) for _ in range(k)]
    return M, b


def sympy_solution(M, b):
    """sympy's exact solve, or None when M is singular."""
    A = sympy.Matrix([[sympy.Rational(Fraction(v).numerator, Fraction(v).denominator) for v in row] for row in M])
    if A.det() == 0:
        return None
    x = A.LUsolve(sympy.Matrix([sympy.Rational(Fraction(v).numerator, Fraction(v).denominator) for v in b]))
    return [Fraction(int(v.p), int(v.q)) for v in x]


def fraction_reference(M, b):
    """Gauss-Jordan in Fractions, written here as the plain textbook reference."""
    k = len(b)
    rows = [[Fraction(v) for v in M[i]] + [Fraction(b[i])] for i in range(k)]
    for c in range(k):
        p = next((r for r in range(c, k) if rows[r][c] != 0), None)
        if p is None:
            return None
        rows[c], rows[p] = rows[p], rows[c]
        rows[c] = [v / rows[c][c] for v in rows[c]]
        for r in range(k):
            if r != c:
                rows[r] = [a - rows[r][c] * q for a, q in zip(rows[r], rows[c])]
    return [row[k] for row in rows]


def try_solve(M, b):
    try:
        return solve(M, b)
    except ZeroDivisionError:
        return None


@settings(**SETTINGS)
@given(square_systems())
def test_solve_agrees_with_sympy_and_the_fraction_reference_on_both_paths(system):
    M, b = system
    ref = sympy_solution(M, b)
    assert fraction_reference(M, b) == ref
    fast = try_solve(M, b)
    with fraction_only():
        slow = try_solve(M, b)
    assert fast == slow == ref
    assert bareiss_solve([list(row) + [v] for row, v in zip(M, b)]) == ref
    if ref is not None:     # whole numbers come back as ints, others as Fractions
        assert all(type(v) is int or (type(v) is Fraction and v.denominator > 1) for v in fast)


@settings(**SETTINGS)
@given(square_systems(entries=st.integers(-5, 5), max_size=4))
def test_solve_scaled_is_the_solution_over_its_least_denominator(system):
    M, b = system
    ref = sympy_solution(M, b)
    answers = []
    for forced in (False, True):
        if forced:
            with fraction_only():
                got = _scaled_or_none(M, b)
        else:
            got = _scaled_or_none(M, b)
        answers.append(got)
        if ref is None:
            assert got is None
            continue
        z, den = got
        assert den > 0 and [Fraction(v, den) for v in z] == ref
        assert math.gcd(den, *z) == 1           # the least common denominator
    assert answers[0] == answers[1]


def _scaled_or_none(M, b):
    try:
        return solve_scaled(M, b)
    except ZeroDivisionError:
        return None


@st.composite
def general_systems(draw):
    rows, k = draw(st.integers(1, 5)), draw(st.integers(1, 4))
    vals = st.integers(-3, 3)
    aug = [[draw(vals) for _ in range(k + 1)] for _ in range(rows)]
    if draw(st.booleans()) and rows > 1:      # a dependent row makes singular systems common
        aug[-1] = [2 * v for v in aug[0]]
    return aug, k


@settings(**SETTINGS)
@given(general_systems())
def test_solve_consistent_against_sympy_gauss_jordan(system):
    aug, k = system
    A = sympy.Matrix([row[:k] for row in aug])
    rhs = sympy.Matrix([row[k] for row in aug])
    try:
        sol, params = A.gauss_jordan_solve(rhs)
        ref = [Fraction(str(v)) for v in sol.subs({p: 0 for p in params})]   # free unknowns 0
    except ValueError:                        # inconsistent
        ref, params = None, ()
    got = solve_consistent(aug, k)
    with fraction_only():
        slow = solve_consistent(aug, k)
    assert got == slow == ref
    # unique=True: the same answer when no unknown is free, else None (flint's rref and the
    # Fractions' Gauss-Jordan alike)
    one = ref if ref is not None and len(params) == 0 else None
    with fraction_only():
        slow_one = solve_consistent(aug, k, unique=True)
    assert solve_consistent(aug, k, unique=True) == slow_one == one


def lex_reference(column, rhs, keys, entry):
    """The lexicographically least ratio vector, by building the vectors in Fractions."""
    rows = [i for i, v in enumerate(column) if v > 0]
    if not rows:
        return None
    vec = {i: [Fraction(rhs[i], column[i])] + [Fraction(entry(i, t), column[i]) for t in keys] for i in rows}
    return min(rows, key=lambda i: (vec[i], i))


@settings(**SETTINGS)
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-2, 3), min_size=n, max_size=n),
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.lists(st.integers(-2, 2), min_size=3, max_size=3), min_size=n, max_size=n))))
def test_lex_min_ratio_against_the_fraction_reference(data):
    column, rhs, table = data
    entry = lambda i, t: table[i][t]       # noqa: E731
    ref = lex_reference(column, rhs, range(3), entry)
    got = lex_min_ratio(column, rhs, range(3), entry)
    if ref is None:
        assert got is None
        return
    # the rule decides up to rows whose whole ratio vectors tie; then the first is taken
    assert got == ref
    # flint integers (the dictionary tableaux of Lemke-Howson) give the same row
    fz = [flint.fmpz(v) for v in column]
    assert lex_min_ratio(fz, lambda i: flint.fmpz(rhs[i]), range(3),
                         lambda i, t: flint.fmpz(table[i][t])) == ref


def test_lex_min_ratio_with_basis_inverse_keys_leaves_one_row():
    # two rows tie on the right-hand side; the slack columns (rows of B^-1) break the tie
    T = [[1, 0, 1, 2], [0, 1, 1, 2]]
    assert lex_min_ratio([1, 1], [2, 2], [0, 1], lambda i, t: T[i][t]) == 1
    assert lex_min_ratio([1, 1], [2, 2], [1, 0], lambda i, t: T[i][t]) == 0


@settings(**SETTINGS)
@given(square_systems(entries=st.integers(-6, 6), max_size=4))
def test_bareiss_pivots_end_at_det_times_identity(system):
    M, b = system
    det = sympy.Matrix(M).det()
    T = [list(row) + [v] for row, v in zip(M, b)]
    k, d, used = len(M), 1, set()
    for c in range(k):
        r = next((i for i in range(k) if i not in used and T[i][c] != 0), None)
        if r is None:
            assert det == 0
            return
        used.add(r)
        d = bareiss_pivot(T, r, c, d)
        assert all(type(v) is int for row in T for v in row)   # every division was exact
    assert abs(d) == abs(det) != 0
    for c in range(k):
        row = next(T[i] for i in range(k) if T[i][c] != 0)
        assert row[:k] == [d if j == c else 0 for j in range(k)]
    assert [Fraction(next(T[i] for i in range(k) if T[i][c] != 0)[k], d) for c in range(k)] \
        == sympy_solution(M, b)


def test_bareiss_solve_examples():
    assert bareiss_solve([[Fraction(1, 2), 1, Fraction(3, 2)], [1, -1, 0]]) == [1, 1]
    assert bareiss_solve([[1, 2, 3], [2, 4, 6]]) is None
    assert bareiss_solve([[0, 1, 2], [1, 0, 3]]) == [3, 2]


def test_singular_systems_raise_on_both_paths():
    for forced in (False, True):
        with (fraction_only() if forced else _nothing()):
            with pytest.raises(ZeroDivisionError, match="singular"):
                solve([[1, 2], [2, 4]], [1, 1])
            with pytest.raises(ZeroDivisionError, match="singular"):
                solve_scaled([[0]], [1])
    with pytest.raises(ZeroDivisionError, match="singular"):
        solve_flint(flint.fmpz_mat(2, 2, [1, 2, 2, 4]), [[1, 1]])


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def test_fraction_only_nests_and_restores_after_an_error():
    assert load_flint() is flint
    with fraction_only():
        with fraction_only():
            assert load_flint() is None
        assert load_flint() is None
    assert load_flint() is flint
    with pytest.raises(RuntimeError):
        with fraction_only():
            raise RuntimeError
    assert load_flint() is flint


def test_conversions():
    assert from_fmpq(flint.fmpq(-6, 4)) == Fraction(-3, 2) and type(from_fmpq(flint.fmpq(4, 2))) is int
    assert from_fmpq(to_fmpq(Fraction(7, 3))) == Fraction(7, 3)
    assert to_fmpq("0.25", Fraction) == Fraction(1, 4)
    payoffs = [[Fraction(1, 3), -2], [0, 5]]
    M = positive_integer_matrix(np.array(payoffs, dtype=object))
    # times the common denominator 3, shifted so that the least entry (3 * -2 = -6) becomes 1
    assert M == [[3 * v + 7 for v in row] for row in payoffs]
    assert all(type(v) is int for r in M for v in r)


# -- the switch on whole solvers: identical answers -------------------------------------
def _random_game(seed, m, n, high=4):
    rng = np.random.default_rng(seed)
    return NormalFormGame.from_arrays(rng.integers(0, high, (m, n)).tolist(),
                                      rng.integers(0, high, (m, n)).tolist())


@pytest.mark.parametrize("seed", range(4))
def test_fraction_only_gives_identical_equilibria(seed):
    game = _random_game(seed, 4, 4)       # small integer payoffs: often degenerate (exact search)
    zs = NormalFormGame.zero_sum(np.random.default_rng(seed).integers(-3, 4, (3, 4)).tolist())
    runs = []
    for forced in (False, True):
        with (fraction_only() if forced else _nothing()):
            runs.append((all_equilibria(game).equilibria,
                         [lemke_howson(game, initial_label=k).equilibria for k in range(8)],
                         [lemke_howson(game, initial_label=k, pivoting="integer").equilibria for k in range(8)],
                         zero_sum_equilibrium(zs).equilibria,
                         minmax_values(game)))
    assert runs[0] == runs[1]


def test_fraction_only_gives_the_same_payoff_set():
    pd = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    fast = equilibrium_payoff_set(pd, "3/4")
    with fraction_only():
        slow = equilibrium_payoff_set(pd, "3/4")
    assert fast.exact and slow.exact and fast.vertices == slow.vertices
    assert fast.threat_points == slow.threat_points


def test_exact_is_the_only_flint_loader():
    import pathlib
    import re
    root = pathlib.Path(exact.__file__).parents[1]
    code_import = re.compile(r"^\s*(import flint\b|from flint\b)", re.MULTILINE)   # not doctests (>>>)
    loaders = [p.relative_to(root).as_posix() for p in root.rglob("*.py")
               if code_import.search(p.read_text(encoding="utf-8"))]
    assert loaders == ["core/exact.py"]


# ------------------------------------------------------------------ the exact simplex method
@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(st.integers(-3, 3), min_size=n, max_size=n),
    st.lists(st.tuples(st.lists(st.integers(-3, 3), min_size=n, max_size=n), st.integers(-3, 3)),
             min_size=1, max_size=8),
    st.booleans())))
def test_maximise_exactly_against_highs(program):
    """Small, often degenerate programs (entries -3..3, ties everywhere): the same verdict as
    SciPy's HiGHS (infeasible, unbounded or optimal), the same optimum, and an exactly feasible
    optimal point. A box |x| <= 5 on half of them keeps those bounded."""
    from scipy.optimize import linprog

    from deterrence.core.exact import maximise_exactly
    cost, rows, boxed = program
    n = len(cost)
    A, b = [row for row, _ in rows], [rhs for _, rhs in rows]
    if boxed:
        A += [[s * int(i == j) for j in range(n)] for i in range(n) for s in (1, -1)]
        b += [5] * (2 * n)
    highs = linprog([-c for c in cost], A_ub=A, b_ub=b, bounds=(None, None), method="highs")
    try:
        found = maximise_exactly(cost, A, b)
    except ValueError:
        assert highs.status == 3               # unbounded
        return
    if found is None:
        assert highs.status == 2               # infeasible
        return
    value, x = found
    assert highs.status == 0 and abs(float(value) + highs.fun) < 1e-9
    assert all(sum(Fraction(a) * v for a, v in zip(row, x)) <= rhs for row, rhs in zip(A, b))
    assert value == sum(c * v for c, v in zip(cost, x))


def test_maximise_exactly_ends_on_the_degenerate_program_that_sympy_cycled_on():
    """The program of a continuum of one 3x3x3 game (payoffs 0..3, seed 3) that sympy 1.14's
    ``linprog`` pivoted on for ever: maximise the slack e over (x, e)."""
    from deterrence.core.exact import maximise_exactly
    A = [[1, 1], [-1, 1], [0, 1], [0, 1], [0, 1], [0, 0], [0, 0], [-2, 0], [-3, 0], [0, 1]]
    b = [1, 0, 1, 1, 0, 1, 1, -2, -1, 1]
    assert maximise_exactly([0, 1], A, b) == (0, [1, 0])


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 4), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_solution_space_spans_every_solution_and_no_other(rows, k, seed):
    """solution_space against numpy's rank: the basis has k - rank vectors, independent; the
    particular point and every combination solve the system exactly; None exactly when the
    augmented rank exceeds the rank (small integer systems, many of them degenerate)."""
    from deterrence.core.exact import solution_space
    rng = np.random.default_rng(seed)
    aug = rng.integers(-2, 3, size=(rows, k + 1)).tolist()
    if rows > 1 and rng.random() < 0.5:                 # a dependent row
        aug[-1] = [a + b for a, b in zip(aug[0], aug[1 % rows])]
    M = np.array([r[:k] for r in aug], dtype=float)
    rank, full = np.linalg.matrix_rank(M), np.linalg.matrix_rank(np.array(aug, dtype=float))
    space = solution_space(aug, k)
    with fraction_only():                              # the Fractions path: the same form, the same answer
        assert solution_space(aug, k) == space
    if full > rank:
        assert space is None
        return
    point, basis = space
    assert len(basis) == k - rank
    if basis:
        assert np.linalg.matrix_rank(np.array(basis, dtype=float)) == len(basis)
    for c in ([0] * len(basis), [Fraction(j + 1, 3) for j in range(len(basis))]):
        x = [p + sum(cj * v[i] for cj, v in zip(c, basis)) for i, p in enumerate(point)]
        assert all(sum(Fraction(r[i]) * x[i] for i in range(k)) == r[k] for r in aug)
