"""Tests of the zero-sum LP solver: exact value and optimal strategies."""
from fractions import Fraction

import numpy as np
import nashpy
import pytest
from hypothesis import given, settings, strategies as st, HealthCheck

from deterrence import NormalFormGame, solve
from deterrence.errors import GameError
from deterrence.solvers.certify import regrets
from deterrence.solvers.normal_form.zero_sum import game_value, maxmin_lp, zero_sum_equilibrium

SETTINGS = dict(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw, low=-3, high=3, max_size=5):
    m = draw(st.integers(1, max_size))
    n = draw(st.integers(1, max_size))
    return draw(st.lists(st.lists(st.integers(low, high), min_size=n, max_size=n), min_size=m, max_size=m))


@settings(**SETTINGS)
@given(matrices())
def test_exact_optimal_and_value_matches_lp(A):
    game = NormalFormGame.zero_sum(A)
    res = zero_sum_equilibrium(game)
    eq = res.equilibria[0]
    assert all(r == 0 for r in regrets(game, eq.strategies))
    v = game_value(game)
    assert isinstance(v, Fraction) and v == eq.payoffs[0] == -eq.payoffs[1]
    lp_value, _ = maxmin_lp(game)
    assert abs(float(v) - lp_value) < 1e-7
    # the row mix guarantees v against every column; the column mix holds the row to v
    x, y = eq.strategies
    M = np.array(A, dtype=object)
    assert min(sum(x[i] * M[i, j] for i in range(len(x))) for j in range(len(y))) == v
    assert max(sum(M[i, j] * y[j] for j in range(len(y))) for i in range(len(x))) == v
    assert res.notes[0].endswith(str(v))
    # the answer came from the LP's supports, not from the Lemke–Howson fallback
    assert not any("Lemke" in note for note in res.notes), res.notes


@settings(**SETTINGS)
@given(st.integers(0, 10 ** 6), st.integers(2, 4), st.integers(2, 4))
def test_value_equals_nashpy_vertex_enumeration(seed, m, n):
    rng = np.random.default_rng(seed)
    A = (rng.permutation(20 * m * n)[: m * n].reshape(m, n) - 10 * m * n).tolist()  # generic
    game = NormalFormGame.zero_sum(A)
    v = game_value(game)
    eqs = list(nashpy.Game(np.array(A, dtype=float)).vertex_enumeration())
    assert eqs
    Af = np.array(A, dtype=float)
    for x, y in eqs:
        assert abs(x @ Af @ y - float(v)) < 1e-6


def test_examples():
    mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]], actions=[["H", "T"]] * 2)
    assert game_value(mp) == 0
    assert zero_sum_equilibrium(mp)[0].strategies == ((Fraction(1, 2),) * 2,) * 2
    # saddle point
    assert game_value(NormalFormGame.zero_sum([[4, 2, 3], [1, 0, 5]])) == 2
    # rock-paper-scissors
    rps = NormalFormGame.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    assert zero_sum_equilibrium(rps)[0].strategies == ((Fraction(1, 3),) * 3,) * 2
    # fractional payoffs
    assert game_value(NormalFormGame.zero_sum([["1/2", 0], [0, "1/3"]])) == Fraction(1, 5)
    # through the front door
    assert solve(rps, "zero_sum")[0].payoffs == (0, 0)
    assert solve(rps, "lp").method == "zero_sum"


def test_degenerate_game_still_exact():
    # many equal entries: LP supports are not unique
    A = [[1, 1, 0], [1, 1, 0], [0, 0, 1], [1, 1, 0]]
    game = NormalFormGame.zero_sum(A)
    eq = zero_sum_equilibrium(game)[0]
    assert all(r == 0 for r in regrets(game, eq.strategies))
    assert game_value(game) == Fraction(1, 2)
    assert len(zero_sum_equilibrium(game).notes) == 1      # no fallback needed


def test_not_zero_sum_names_profile():
    g = NormalFormGame.from_arrays([[1, 0], [0, 1]], [[-1, 0], [2, -1]], actions=[["a", "b"], ["c", "d"]])
    with pytest.raises(GameError, match=r"at \(b, c\).*0 and 2"):
        zero_sum_equilibrium(g)
    with pytest.raises(GameError, match="zero-sum"):
        game_value(g)
