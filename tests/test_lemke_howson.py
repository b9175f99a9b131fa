"""Tests of the Lemke–Howson solver (exact and floating-point paths)."""
from fractions import Fraction

import numpy as np
import nashpy
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from deterrence import NormalFormGame, solve
from deterrence.errors import GameError, SolverError
from deterrence.solvers.certify import regrets
from deterrence.solvers.normal_form.lemke_howson import lemke_howson

SETTINGS = dict(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def games(low, high, max_size=4):
    @st.composite
    def build(draw):
        m = draw(st.integers(1, max_size))
        n = draw(st.integers(1, max_size))
        cell = st.integers(low, high)
        A = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
        B = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
        return NormalFormGame.from_arrays(A, B)
    return build()


def nondegenerate_random(seed, m, n):
    rng = np.random.default_rng(seed)
    # distinct large integers: generic, hence nondegenerate with probability 1
    A = rng.permutation(10 * m * n)[: m * n].reshape(m, n)
    B = rng.permutation(10 * m * n)[: m * n].reshape(m, n)
    return NormalFormGame.from_arrays(A.tolist(), B.tolist())


def float_check_passes(game, eq, tol=1e-9):
    """The float equilibrium property, recomputed independently with NumPy."""
    A, B = game.as_float()
    x, y = (np.array(s, dtype=float) for s in eq.strategies)
    assert x.min() >= 0 and y.min() >= 0
    assert abs(x.sum() - 1) < 1e-12 and abs(y.sum() - 1) < 1e-12
    for M, gains, own, value in ((A, A @ y, x, eq.payoffs[0]), (B, x @ B, y, eq.payoffs[1])):
        allowance = tol * (M.max() - M.min()) + 1e-12 * np.abs(M).max()
        assert gains.max() - own @ gains <= allowance
        assert abs(value - own @ gains) <= allowance + 1e-12 * abs(value)
    return True


def exact_supports(eq):
    return tuple(tuple(i for i, p in enumerate(s) if p != 0) for s in eq.strategies)


@settings(**SETTINGS)
@given(games(0, 2))
def test_zero_regret_every_label_degenerate(game):
    m, n = game.shape
    for label in range(m + n):
        for pivoting in ("float", "integer"):
            res = lemke_howson(game, initial_label=label, pivoting=pivoting)
            assert len(res.equilibria) == 1
            eq = res.equilibria[0]
            assert all(r == 0 for r in regrets(game, eq.strategies))
            assert all(isinstance(p, (int, Fraction)) for s in eq.strategies for p in s)
            assert res.exact and eq.exact and not res.complete and res.method == "lemke_howson"
        res = lemke_howson(game, initial_label=label, exact=False)
        eq = res.equilibria[0]
        if res.exact:   # the float answer failed its check: the exact one, with a note
            assert any("failed its check" in note for note in res.notes)
            assert all(r == 0 for r in regrets(game, eq.strategies))
        else:
            assert not eq.exact and all(type(p) is float for s in eq.strategies for p in s)
            assert float_check_passes(game, eq)


@settings(**SETTINGS)
@given(st.integers(0, 10 ** 6), st.integers(1, 8), st.integers(1, 8))
def test_float_exact_and_integer_agree_on_nondegenerate(seed, m, n):
    game = nondegenerate_random(seed, m, n)
    for label in range(m + n):
        exact = lemke_howson(game, initial_label=label)
        integer = lemke_howson(game, initial_label=label, pivoting="integer")
        flt = lemke_howson(game, initial_label=label, exact=False)
        assert exact[0].strategies == integer[0].strategies
        assert len(exact.notes) == 1 and len(flt.notes) == 1  # no fallback was needed
        assert not flt.exact and not flt[0].exact and float_check_passes(game, flt[0])
        assert exact_supports(flt[0]) == exact_supports(exact[0])
        for f, e in zip(flt[0].strategies + (flt[0].payoffs,), exact[0].strategies + (exact[0].payoffs,)):
            assert np.allclose(np.array(f), np.array(e, dtype=float), rtol=1e-9, atol=1e-12)


def test_matches_nashpy_lemke_howson():
    """Same path as nashpy from the same label on nearly every game.

    nashpy's float tableau sometimes overflows (NaN) or ends elsewhere: on
    ``nondegenerate_random(131071, 3, 3)`` from label 0 it returns
    ((0.475, 0, 0.525), (0.481, 0.519, 0)) where QuantEcon's lemke_howson and ours
    both reach ((0, 1, 0), (1, 0, 0)). So the cross-check is a rate over a fixed
    seeded batch, not an identity; a broken pivot rule would fall far below it.
    """
    agree = total = 0
    for seed in range(40):
        m, n = 2 + seed % 3, 2 + (seed // 3) % 3
        game = nondegenerate_random(seed, m, n)
        A, B = game.as_float()
        ng = nashpy.Game(A, B)
        for label in range(m + n):
            with np.errstate(all="ignore"):
                x, y = ng.lemke_howson(initial_dropped_label=label)
            ours = lemke_howson(game, initial_label=label)[0].strategies
            if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
                continue  # nashpy overflowed (see shared/peers.md)
            total += 1
            agree += (np.allclose(np.array(ours[0], dtype=float), x)
                      and np.allclose(np.array(ours[1], dtype=float), y))
    assert total > 150 and agree / total >= 0.95, (agree, total)


def test_known_games():
    mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    assert lemke_howson(mp)[0].strategies == ((Fraction(1, 2), Fraction(1, 2)),) * 2
    pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=[["C", "D"]] * 2)
    for label in range(4):
        assert lemke_howson(pd, initial_label=label)[0].strategies == ((0, 1), (0, 1))
    # fractional payoffs are scaled exactly
    g = NormalFormGame.from_arrays([["1/3", 0], [0, "2/3"]], [["2/3", 0], [0, "1/3"]])
    eqs = {lemke_howson(g, initial_label=k)[0].strategies for k in range(4)}
    assert ((1, 0), (1, 0)) in eqs and ((0, 1), (0, 1)) in eqs


def test_degenerate_example_von_stengel():
    # von Stengel (2002), degenerate example: column 1 gives two best responses to a pure strategy
    A = [[3, 3], [2, 5], [0, 6]]
    B = [[3, 3], [2, 6], [3, 1]]
    g = NormalFormGame.from_arrays(A, B)
    for label in range(5):
        for pivoting in ("float", "integer"):
            eq = lemke_howson(g, initial_label=label, pivoting=pivoting)[0]
            assert all(r == 0 for r in regrets(g, eq.strategies))
        assert float_check_passes(g, lemke_howson(g, initial_label=label, exact=False)[0])


def test_through_solve_front_door():
    g = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]])
    assert len(solve(g, "lemke_howson", initial_label=2)) == 1
    assert len(solve(g, "lh")) == 1


def test_errors_name_the_problem():
    g = NormalFormGame.from_arrays([[1, 2], [3, 4]], [[1, 0], [0, 1]])
    with pytest.raises(GameError, match=r"initial_label 4 .*0\.\.3"):
        lemke_howson(g, initial_label=4)
    with pytest.raises(GameError, match="initial_label"):
        lemke_howson(g, initial_label=-1)
    with pytest.raises(GameError, match="max_pivots"):
        lemke_howson(g, max_pivots=0)
    with pytest.raises(GameError, match="pivoting must be one of 'float', 'integer'"):
        lemke_howson(g, pivoting="rational")
    with pytest.raises(GameError, match="exact=True"):
        lemke_howson(g, pivoting="integer", exact=False)
    three = NormalFormGame.from_payoff_arrays([np.zeros((2, 2, 2), dtype=int).tolist()] * 3)
    with pytest.raises(GameError, match="two-player"):
        lemke_howson(three)


def test_max_pivots_guard():
    game = nondegenerate_random(3, 8, 8)
    with pytest.raises(SolverError, match="max_pivots=1"):
        lemke_howson(game, max_pivots=1)
    with pytest.raises(SolverError, match="max_pivots=1"):
        lemke_howson(game, max_pivots=1, exact=False)
    with pytest.raises(SolverError, match="max_pivots=1"):
        lemke_howson(game, max_pivots=1, pivoting="integer")


def test_larger_random_game_exact_and_float():
    game = nondegenerate_random(7, 25, 25)
    e = lemke_howson(game)
    i = lemke_howson(game, pivoting="integer")
    f = lemke_howson(game, exact=False)
    assert e[0].strategies == i[0].strategies
    assert all(r == 0 for r in regrets(game, e[0].strategies))
    assert exact_supports(f[0]) == exact_supports(e[0]) and float_check_passes(game, f[0])


@settings(**SETTINGS)
@given(games(0, 2, max_size=5))
def test_python_and_flint_backends_take_the_same_path(game):
    from deterrence.solvers.normal_form.lemke_howson import _exact_path
    m, n = game.shape
    for label in range(m + n):
        assert _exact_path(game, label, 10 ** 6, backend="python") == \
            _exact_path(game, label, 10 ** 6, backend="flint")


def test_float_failure_falls_back_to_exact_with_note(monkeypatch):
    import deterrence.solvers.normal_form.lemke_howson as lh
    game = nondegenerate_random(5, 4, 4)
    expected = lemke_howson(game, pivoting="integer")[0].strategies
    m, n = game.shape

    def wrong_run(game, init, max_pivots):  # the initial bases: not an equilibrium
        return (np.arange(m, m + n), np.arange(m), np.full(m, 0.25), np.full(n, 0.25),
                np.array([0.0, 40.0, 0.0, 40.0]), None)

    monkeypatch.setattr(lh, "_float_run", wrong_run)
    for exact in (True, False):
        res = lemke_howson(game, exact=exact)
        assert res.exact and res[0].strategies == expected
        assert any("exact integer pivoting path was used" in note for note in res.notes)
        assert any("failed its check" in note for note in res.notes) == (not exact)


def test_float_check_failure_returns_the_exact_answer(monkeypatch):
    import deterrence.solvers.normal_form.lemke_howson as lh
    game = nondegenerate_random(5, 4, 4)
    real = lh._float_run

    def skewed_run(game, init, max_pivots):  # right bases, values off by far more than rounding
        basis0, basis1, x, y, ranges, kernels = real(game, init, max_pivots)
        x[x > 0] *= np.linspace(1, 2, int((x > 0).sum()))
        return basis0, basis1, x, y, ranges, kernels

    monkeypatch.setattr(lh, "_float_run", skewed_run)
    res = lemke_howson(game, exact=False)
    want = lemke_howson(game, pivoting="integer")
    if sum(1 for p in want[0].strategies[0] if p) > 1:   # a mixed x: skewing breaks indifference
        assert res.exact and res[0].strategies == want[0].strategies
        assert any("failed its check" in note for note in res.notes)
        assert not any("integer pivoting" in note for note in res.notes)


@settings(**SETTINGS)
@given(st.integers(0, 10 ** 6), st.integers(1, 7), st.integers(1, 7), st.integers(0, 3))
def test_float_checks_agree_and_reject_deviations(seed, m, n, support):
    from deterrence.solvers.normal_form.lemke_howson import FLOAT_TOL, _float_check_kernel, _float_check_numpy
    rng = np.random.default_rng(seed)
    A, B = rng.integers(-50, 50, (m, n)).astype(float), rng.integers(-50, 50, (m, n)).astype(float)
    x, y = rng.random(m), rng.random(n)
    x[rng.random(m) < support / 4] = 0.0
    y[rng.random(n) < support / 4] = 0.0
    ranges = np.array([A.min(), A.max(), B.min(), B.max()])
    outs = []
    for check in (_float_check_kernel, _float_check_numpy):
        out = np.empty(6)
        ok = check(A, B, x.copy(), y.copy(), ranges, FLOAT_TOL, out)
        outs.append((ok, out if ok else None))
    assert outs[0][0] == outs[1][0] == (x.max() > 0 and y.max() > 0)
    if outs[0][0]:
        assert np.allclose(outs[0][1], outs[1][1], rtol=1e-12, atol=1e-12)
        xs, ys = x / x.sum(), y / y.sum()
        assert np.isclose(outs[0][1][2], (A @ ys).max() - xs @ A @ ys, atol=1e-9)
    neg = x.copy()
    neg[0] = -1.0
    assert not _float_check_kernel(A, B, neg, y.copy(), ranges, FLOAT_TOL, np.empty(6))
    assert not _float_check_numpy(A, B, neg, y.copy(), ranges, FLOAT_TOL, np.empty(6))


def test_float_result_reads_like_an_exact_one():
    mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]], actions=[["H", "T"]] * 2)
    res = lemke_howson(mp, exact=False)
    assert not res.exact and "floating point" in res.to_text()
    assert res.to_json()["exact"] is False
    assert [round(float(p), 12) for p in res.to_json()["equilibria"][0]["strategies"][0]] == [0.5, 0.5]
    assert res[0].support(0) == ("H", "T") and not res[0].is_pure


@settings(**SETTINGS)
@given(games(0, 2, max_size=5))
def test_float_backends_take_the_same_path(game):
    # numpy loop, the kernel as plain Python, and the kernel compiled by numba when installed
    from deterrence.solvers.normal_form.lemke_howson import _float_path
    m, n = game.shape
    for label in range(m + n):
        ref = _float_path(game, label, 10 ** 6, backend="numpy")
        assert _float_path(game, label, 10 ** 6, backend="python") == ref
        assert _float_path(game, label, 10 ** 6, backend="numba") == ref


def test_float_kernel_max_pivots_guard():
    from deterrence.solvers.normal_form.lemke_howson import _float_path
    game = nondegenerate_random(3, 8, 8)
    for backend in ("python", "numba", "numpy"):
        with pytest.raises(SolverError, match="max_pivots=1"):
            _float_path(game, 0, 1, backend=backend)


def test_numba_switch(monkeypatch):
    from deterrence.solvers.normal_form.lemke_howson import _numba_kernels
    monkeypatch.setenv("DETERRENCE_NUMBA", "0")
    assert _numba_kernels() is None
    assert _numba_kernels(force=False) is None


def test_fractional_payoffs_large_game_same_equilibrium_as_scaled():
    # a positive affine change of payoffs keeps the path: same strategies, exactly
    game = nondegenerate_random(11, 9, 9)
    A = [[Fraction(int(v), 7) - Fraction(1, 3) for v in row] for row in game.A]
    B = [[Fraction(int(v), 5) + Fraction(2, 9) for v in row] for row in game.B]
    scaled = NormalFormGame.from_arrays(A, B)
    for label in (0, 5, 9, 17):
        want = lemke_howson(game, initial_label=label)[0].strategies
        for pivoting in ("float", "integer"):
            assert lemke_howson(scaled, initial_label=label, pivoting=pivoting)[0].strategies == want
        got = lemke_howson(scaled, initial_label=label, exact=False)[0].strategies
        assert all(np.allclose(g, np.array(w, dtype=float), atol=1e-12) for g, w in zip(got, want))


@pytest.mark.parametrize("numba", ["0", "1"])
def test_with_and_without_numba_the_same_answers(monkeypatch, numba):
    # CI has no numba: the NumPy loop and check must give the same results as the kernels
    monkeypatch.setenv("DETERRENCE_NUMBA", numba)
    for seed, size in ((1, 6), (2, 21), (3, 30)):
        game = nondegenerate_random(seed, size, size)
        for label in (0, size, 2 * size - 1):
            e = lemke_howson(game, initial_label=label)
            f = lemke_howson(game, initial_label=label, exact=False)
            assert e[0].strategies == lemke_howson(game, initial_label=label, pivoting="integer")[0].strategies
            assert not f.exact and exact_supports(f[0]) == exact_supports(e[0])
            assert float_check_passes(game, f[0])


def test_payoffs_floats_cannot_resolve_get_the_exact_answer():
    # 2**70 + small integers: float64 sees one number, so the float answer is not trusted
    big = 2 ** 70
    g = NormalFormGame.from_arrays([[big, big + 1], [big + 1, big]], [[big + 1, big], [big, big + 1]])
    half = (Fraction(1, 2), Fraction(1, 2))
    res = lemke_howson(g, exact=False)
    assert res.exact and res[0].strategies == (half, half)
    assert any("failed its check" in note for note in res.notes)
    assert lemke_howson(g)[0].strategies == (half, half)
    # beyond float range altogether: the float pivots cannot start, integer pivoting decides
    huge = 10 ** 400
    g = NormalFormGame.from_arrays([[huge, huge + 1], [huge + 1, huge]], [[huge + 1, huge], [huge, huge + 1]])
    for kw in ({}, {"exact": False}, {"pivoting": "integer"}):
        res = lemke_howson(g, **kw)
        assert res.exact and res[0].strategies == (half, half)
    # exactly equal payoffs are resolved by floats: any profile is an equilibrium
    one = NormalFormGame.from_arrays([[big]], [[big + 1]])
    res = lemke_howson(one, exact=False)
    assert not res.exact and res[0].strategies == ((1.0,), (1.0,))


@settings(**SETTINGS)
@given(st.integers(0, 10 ** 6), st.integers(2, 12), st.integers(2, 12), st.integers(1, 4))
def test_float_backends_same_path_on_larger_degenerate_games(seed, m, n, high):
    # many ties in the ratio test: the NumPy loop's vectorised tie-break and the kernel's agree
    from deterrence.solvers.normal_form.lemke_howson import _float_path
    rng = np.random.default_rng(seed)
    game = NormalFormGame.from_arrays(rng.integers(0, high + 1, (m, n)).tolist(),
                                      rng.integers(0, high + 1, (m, n)).tolist())
    for label in {0, m - 1, m, m + n - 1}:
        ref = _float_path(game, label, 10 ** 6, backend="numpy")
        assert _float_path(game, label, 10 ** 6, backend="numba") == ref
        assert all(r == 0 for r in regrets(game, lemke_howson(game, initial_label=label)[0].strategies))


def test_payoff_range_beyond_float_range_gets_the_exact_answer():
    big = 10 ** 308     # each payoff is a float, their differences are not (2e308 overflows)
    g = NormalFormGame.from_arrays([[big, -big], [-big, big]], [[-big, big], [big, -big]])
    half = (Fraction(1, 2), Fraction(1, 2))
    for kw in ({}, {"exact": False}, {"pivoting": "integer"}):
        res = lemke_howson(g, **kw)
        assert res.exact and res[0].strategies == (half, half)


try:
    import quantecon.game_theory as quantecon_gt
except ImportError:        # the cross-check below is defined only when QuantEcon is there
    quantecon_gt = None

if quantecon_gt is not None:
    def test_every_path_is_quantecons_lemke_howson():
        """The same path as QuantEcon's ``lemke_howson`` from every initial label: an identity,
        not a rate (nashpy's float tableau ends elsewhere on a few of these games, see
        ``test_matches_nashpy_lemke_howson``; QuantEcon's ends where ours does on all 236 paths,
        seed 131071 included)."""
        total = 0
        for seed in list(range(40)) + [131071]:
            m, n = (2 + seed % 3, 2 + (seed // 3) % 3) if seed < 40 else (3, 3)
            game = nondegenerate_random(seed, m, n)
            A, B = (np.array(M, dtype=float) for M in game.as_float())
            qe = quantecon_gt.NormalFormGame((quantecon_gt.Player(A), quantecon_gt.Player(B.T.copy())))
            for label in range(m + n):
                x, y = quantecon_gt.lemke_howson(qe, init_pivot=label)
                ours = lemke_howson(game, initial_label=label)[0].strategies
                assert np.allclose(np.array(ours[0], dtype=float), x, atol=1e-9), (seed, label)
                assert np.allclose(np.array(ours[1], dtype=float), y, atol=1e-9), (seed, label)
                total += 1
        assert total == 242
