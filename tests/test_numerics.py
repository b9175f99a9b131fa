"""Numerical robustness (tests/README.md, "Numerical robustness").

Huge payoffs with tiny differences, the float rule of ``core/numbers.py`` through every
constructor and reader, near-degenerate float games (the exact path is the reference),
edge shapes, NaN and infinities. ``DETERRENCE_HYPOTHESIS_EXAMPLES`` raises the number
of hypothesis examples (default below) for a one-off long run.
"""
import itertools
import json
import math
import os
from fractions import Fraction
from unittest import mock

import nashpy
import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deterrence import NormalFormGame
from deterrence.core.numbers import to_exact
from deterrence.errors import GameError
from deterrence.io import load_game
from deterrence.solvers.certify import certified_equilibrium, is_equilibrium
from deterrence.solvers.normal_form import enumeration
from deterrence.solvers.normal_form.dominance import dominated_actions, iterated_elimination
from deterrence.solvers.normal_form.enumeration import all_equilibria
from deterrence.solvers.normal_form.lemke_howson import lemke_howson
from deterrence.solvers.normal_form.pure import pure_equilibria
from deterrence.solvers.normal_form.zero_sum import game_value, zero_sum_equilibrium

EXAMPLES = int(os.environ.get("DETERRENCE_HYPOTHESIS_EXAMPLES", "40"))
HYP = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BIG = 2 ** 70


def profiles(result):
    return {e.strategies for e in result.equilibria}


def brute_force_equilibria(game):
    """Every equilibrium with equal-size supports, exactly (the reference for nondegenerate games)."""
    A = [[Fraction(v) for v in row] for row in game.payoff_array(0).tolist()]
    B = [[Fraction(v) for v in row] for row in game.payoff_array(1).tolist()]
    m, n = len(A), len(A[0])
    found = set()
    for k in range(1, min(m, n) + 1):
        for rows_I in itertools.combinations(range(m), k):
            for J in itertools.combinations(range(n), k):
                # column mix y on J makes row's rows_I indifferent; row mix x on rows_I makes column's J indifferent
                y = _indifferent([[A[i][j] for j in J] for i in rows_I])
                x = _indifferent([[B[i][j] for i in rows_I] for j in J])
                if x is None or y is None or min(x) < 0 or min(y) < 0:
                    continue
                xs = tuple(x[rows_I.index(i)] if i in rows_I else Fraction(0) for i in range(m))
                ys = tuple(y[J.index(j)] if j in J else Fraction(0) for j in range(n))
                if is_equilibrium(game, [xs, ys]):
                    found.add((xs, ys))
    return found


def _indifferent(M):
    """p with sum 1 and M p constant, or None when not unique."""
    k = len(M)
    rows = [[M[r][c] for c in range(k)] + [Fraction(-1), Fraction(0)] for r in range(k)]
    rows.append([Fraction(1)] * k + [Fraction(0), Fraction(1)])
    size = k + 1
    for col in range(size):
        piv = next((r for r in range(col, size) if rows[r][col] != 0), None)
        if piv is None:
            return None
        rows[col], rows[piv] = rows[piv], rows[col]
        for r in range(size):
            if r != col and rows[r][col] != 0:
                f = rows[r][col] / rows[col][col]
                rows[r] = [a - f * b for a, b in zip(rows[r], rows[col])]
    return [rows[i][size] / rows[i][i] for i in range(k)]


def norm(strategies):
    return tuple(tuple(Fraction(p) for p in s) for s in strategies)


# -- 1. huge payoffs with tiny differences ----------------------------------------
SMALL = st.integers(-3, 3)


@st.composite
def small_bimatrix(draw, max_side=4):
    m, n = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    A = draw(st.lists(st.lists(SMALL, min_size=n, max_size=n), min_size=m, max_size=m))
    B = draw(st.lists(st.lists(SMALL, min_size=n, max_size=n), min_size=m, max_size=m))
    return A, B


@HYP
@given(small_bimatrix(), st.sampled_from([BIG, 2 ** 80, 3 * 2 ** 100]))
def test_huge_payoffs_give_the_equilibria_of_the_shifted_game(AB, shift):
    A, B = AB
    small = NormalFormGame.from_arrays(A, B)
    big = NormalFormGame.from_arrays([[a + shift for a in r] for r in A], [[b + shift for b in r] for r in B])
    assert profiles(all_equilibria(big)) == profiles(all_equilibria(small))
    assert profiles(pure_equilibria(big)) == profiles(pure_equilibria(small))
    m, n = small.shape
    for label in range(m + n):
        for pivoting in ("float", "integer"):
            eq = lemke_howson(big, initial_label=label, pivoting=pivoting).equilibria[0]
            assert is_equilibrium(big, eq.strategies) and is_equilibrium(small, eq.strategies)
            assert eq.strategies in profiles(all_equilibria(small))
            assert tuple(p - shift for p in eq.payoffs) == certified_equilibrium(small, eq.strategies).payoffs
    for weak in (False, True):
        assert iterated_elimination(big, weak=weak).reduced.actions == \
            iterated_elimination(small, weak=weak).reduced.actions
        assert [dominated_actions(big, p, weak=weak) for p in (0, 1)] == \
            [dominated_actions(small, p, weak=weak) for p in (0, 1)]


@HYP
@given(small_bimatrix())
def test_huge_zero_sum_games_are_solved_exactly(AB):
    A, _ = AB
    small = NormalFormGame.zero_sum(A)
    big = NormalFormGame.zero_sum([[a + BIG for a in r] for r in A])
    eq = zero_sum_equilibrium(big).equilibria[0]
    assert is_equilibrium(big, eq.strategies) and is_equilibrium(small, eq.strategies)
    assert game_value(big) == game_value(small) + BIG
    assert eq.payoffs[0] == game_value(small) + BIG


def test_tiny_difference_between_huge_payoffs_decides_the_game():
    # Row's payoffs differ by 1 in 2^70: floats cannot see it, the exact solvers must
    big = NormalFormGame.from_arrays([[BIG, BIG + 1], [BIG + 1, BIG]], [[BIG + 1, BIG], [BIG, BIG + 1]])
    half = (Fraction(1, 2), Fraction(1, 2))
    assert profiles(all_equilibria(big)) == {(half, half)}
    assert lemke_howson(big, exact=False).equilibria[0].strategies == (half, half)
    assert profiles(pure_equilibria(big)) == set()
    dom = NormalFormGame.from_arrays([[BIG, BIG], [BIG + 1, BIG + 1]], [[0, 0], [0, 0]])
    assert dominated_actions(dom, 0) == [(dom.actions[0][0], dom.actions[0][1])]
    assert iterated_elimination(dom).reduced.shape == (1, 2)
    zs = NormalFormGame.zero_sum([[BIG, BIG + 1], [BIG + 1, BIG]])
    assert game_value(zs) == BIG + Fraction(1, 2)


# -- 2. the float rule through every constructor and reader -----------------------
FLOATS = [0.1, 0.2, 1 / 3, 2.675, 1e-12, 1e-15, -0.3, 1e22, 5e-324, 123456.789, 0.1 + 0.2]
EXPECTED = [Fraction(repr(f)) for f in FLOATS]


def test_to_exact_is_the_shortest_round_trip_decimal():
    for f, q in zip(FLOATS, EXPECTED):
        v = to_exact(f)
        assert Fraction(v) == q and float(v) == f
        assert Fraction(v) == Fraction(str(np.float64(f)))
    assert to_exact(0.1) == Fraction(1, 10) and to_exact(0.1 + 0.2) == Fraction(30000000000000004, 10 ** 17)
    assert to_exact(np.float32(0.1)) == Fraction(repr(float(np.float32(0.1))))


def _values(game, player=0):
    return [Fraction(v) for v in game.payoff_array(player).ravel().tolist()]


@pytest.mark.parametrize("f,q", list(zip(FLOATS, EXPECTED)))
def test_float_rule_through_every_constructor(f, q):
    A = [[f, 1.0], [0.5, f]]
    want = [q, 1, Fraction(1, 2), q]
    games = [
        NormalFormGame.from_arrays(A, A),
        NormalFormGame.from_arrays(np.array(A), np.array(A)),
        NormalFormGame.zero_sum(A),
        NormalFormGame.from_payoff_arrays([A, A]),
        NormalFormGame.from_payoff_arrays(np.array([A, A])),
        NormalFormGame.from_mapping({("a", "a"): (f, f), ("a", "b"): (1.0, 1.0), ("b", "a"): (0.5, 0.5),
                                     ("b", "b"): (f, f)}, players=["R", "C"], actions=[["a", "b"]] * 2),
        NormalFormGame.from_nashpy(nashpy.Game(np.array(A), np.array(A))),
    ]
    for g in games:
        assert _values(g) == want, g
        assert g.kind == "exact"


@pytest.mark.parametrize("f,q", list(zip(FLOATS, EXPECTED)))
def test_float_rule_through_every_reader(tmp_path, f, q):
    r = repr(f)
    toml = (f'players = ["R", "C"]\n[actions]\nR = ["a", "b"]\nC = ["a", "b"]\n[payoffs]\n'
            f'"a, a" = [{r}, {r}]\n"a, b" = [1.0, 1]\n"b, a" = [0.5, 0]\n"b, b" = [0, {r}]\n')
    (tmp_path / "g.toml").write_text(toml)
    doc = {"format": "deterrence.normal_form", "version": 1, "players": ["R", "C"],
           "actions": {"R": ["a", "b"], "C": ["a", "b"]},
           "profiles": [["a", "a"], ["a", "b"], ["b", "a"], ["b", "b"]],
           "payoffs": [[f, f], [1.0, 1], [0.5, 0], [0, f]]}
    (tmp_path / "g.json").write_text(json.dumps(doc))
    nfg = f'NFG 1 R "t" {{ "R" "C" }} {{ 2 2 }}\n{r} {r} 0.5 0 1.0 1 0 {r}\n'
    (tmp_path / "g.nfg").write_text(nfg)
    for name in ("g.toml", "g.json", "g.nfg"):
        g = load_game(tmp_path / name)
        assert [_values(g, 0), _values(g, 1)] == [[q, 1, Fraction(1, 2), 0], [q, 1, 0, q]], name
        assert g.kind == "exact"


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.nan, np.float64("inf")])
def test_nan_and_inf_are_refused_with_a_message(bad, tmp_path):
    for make in (lambda: NormalFormGame.from_arrays([[bad, 0], [0, 0]]),
                 lambda: NormalFormGame.from_arrays([[0, 0], [0, 0]], [[0, 0], [0, bad]]),
                 lambda: NormalFormGame.zero_sum(np.array([[1.0, bad]])),
                 lambda: NormalFormGame.from_payoff_arrays([[[bad]], [[0]]]),
                 lambda: NormalFormGame.from_mapping({("a", "a"): (0, bad)}, players=["R", "C"],
                                                     actions=[["a"], ["a"]])):
        with pytest.raises(GameError, match="finite|nan|inf|number"):
            make()
    for text in ("nan", "inf", "-inf"):
        (tmp_path / "g.toml").write_text(f'players = ["R", "C"]\n[actions]\nR = ["a"]\nC = ["a"]\n'
                                         f'[payoffs]\n"a, a" = [{text}, 0]\n')
        with pytest.raises(GameError, match="g.toml:6"):
            load_game(tmp_path / "g.toml")
    (tmp_path / "g.json").write_text('{"format": "deterrence.normal_form", "version": 1, '
                                     '"players": ["R", "C"], "actions": {"R": ["a"], "C": ["a"]}, '
                                     '"profiles": [["a", "a"]], "payoffs": [[NaN, Infinity]]}')
    with pytest.raises(GameError, match="g.json"):
        load_game(tmp_path / "g.json")


# -- 3. near-degenerate float games: the exact path is the reference ----------------
@st.composite
def near_tie_game(draw):
    m, n = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    base = draw(st.lists(st.integers(0, 2), min_size=2 * m * n, max_size=2 * m * n))
    eps = draw(st.sampled_from([1e-12, 1e-15, 3e-13]))
    signs = draw(st.lists(st.sampled_from([-1, 0, 1]), min_size=2 * m * n, max_size=2 * m * n))
    vals = [b + s * eps * (k + 1) for k, (b, s) in enumerate(zip(base, signs))]
    A = np.array(vals[:m * n], dtype=float).reshape(m, n)
    B = np.array(vals[m * n:], dtype=float).reshape(m, n)
    return A, B


def compiled_search():
    """Enumeration by the compiled float search at every size (when numba is installed), as in
    a process where it has already run (a larger game earlier: the order of the tests decides)."""
    return mock.patch.multiple(enumeration, _COMPILED_ABOVE=0, _COMPILED_WHEN_LOADED_ABOVE=0)


@HYP
@given(near_tie_game())
# found with the compiled search loaded (pytest -n 2): it lost every equilibrium of this game
@example(([[-1e-12, 0.999999999998, 0.999999999997], [0.999999999996, 1.0, 0.999999999994],
           [-7e-12, -8e-12, -9e-12]],
          [[-1e-11, -1.0999999999999999e-11, -1.2e-11], [-1.3e-11, -1.4e-11, 0.999999999985],
           [-1.6e-11, -1.7e-11, -1.8e-11]]))
# ... and every equilibrium of this zero-sum game
@example(([[0.999999999999, -2e-12], [-3e-12, -4e-12], [-5e-12, 0.0]], [[0.0] * 2] * 3))
def test_near_degenerate_games_no_spurious_or_missing_equilibria(AB):
    A, B = AB
    game = NormalFormGame.from_arrays(A, B)
    exact = all_equilibria(game)
    with compiled_search():
        assert all_equilibria(game).equilibria == exact.equilibria
    ref = profiles(exact)
    assert ref and all(is_equilibrium(game, p) for p in ref)
    brute = brute_force_equilibria(game)
    assert brute <= ref                                    # nothing spurious, nothing missed by enumeration
    for x, y in ref:                                       # every enumerated equilibrium whose supports
        rows_I = tuple(i for i, v in enumerate(x) if v)         # determine it is found by brute force
        J = tuple(j for j, v in enumerate(y) if v)
        if len(rows_I) == len(J) and _unique_on(game, rows_I, J):
            assert (x, y) in brute
    # pure equilibria: exactly the pure profiles among the enumerated ones
    pure = {p for p in ref if all(max(s) == 1 for s in p)}
    assert profiles(pure_equilibria(game)) == pure
    m, n = game.shape
    for label in range(m + n):
        for pivoting in ("float", "integer"):
            eq = lemke_howson(game, initial_label=label, pivoting=pivoting).equilibria[0]
            assert is_equilibrium(game, eq.strategies) and eq.strategies in ref
    # the float LP of zero_sum against the exact value from enumeration
    zs = NormalFormGame.zero_sum(A)
    value = {e.payoffs[0] for e in all_equilibria(zs).equilibria}
    assert len(value) == 1
    with compiled_search():
        assert {e.payoffs[0] for e in all_equilibria(zs).equilibria} == value
    z = zero_sum_equilibrium(zs).equilibria[0]
    assert is_equilibrium(zs, z.strategies) and z.payoffs[0] in value and game_value(zs) in value


def _unique_on(game, rows_I, J):
    A, B = game.payoff_array(0), game.payoff_array(1)
    return (_indifferent([[Fraction(A[i, j]) for j in J] for i in rows_I]) is not None
            and _indifferent([[Fraction(B[i, j]) for i in rows_I] for j in J]) is not None)


def test_a_tie_perturbed_by_1e_15_is_a_different_game():
    base = NormalFormGame.from_arrays([[1, 1], [0, 0]], [[1, 1], [0, 0]])
    tiny = NormalFormGame.from_arrays([[1, 1 + 1e-15], [0, 0]], [[1, 1 + 1e-15], [0, 0]])
    assert len(all_equilibria(base).equilibria) == 2 and len(all_equilibria(base).cliques) == 1
    eq = all_equilibria(tiny).equilibria
    assert [e.strategies for e in eq] == [((1, 0), (0, 1))]
    assert lemke_howson(tiny, exact=False).equilibria[0].strategies == ((1, 0), (0, 1))


# -- 4. edge shapes and special games: every solver ------------------------------------
ALL_EQUAL = [NormalFormGame.from_arrays([[c] * n] * m, [[c] * n] * m)
             for m, n, c in [(1, 1, 0), (2, 3, 5), (3, 2, -1), (4, 4, Fraction(1, 3)), (1, 5, 0.1), (5, 1, BIG)]]


@pytest.mark.parametrize("game", ALL_EQUAL, ids=lambda g: "x".join(map(str, g.shape)))
def test_all_equal_payoffs(game):
    m, n = game.shape
    res = all_equilibria(game)
    pure = {e.strategies for e in res.equilibria}
    assert len(pure) == m * n and all(max(s) == 1 for p in pure for s in p)   # the vertices: all pure profiles
    assert len(res.components) == 1
    assert len(pure_equilibria(game).equilibria) == m * n
    for label in range(m + n):
        assert is_equilibrium(game, lemke_howson(game, initial_label=label, exact=False)[0].strategies)
    assert iterated_elimination(game).reduced.shape == (m, n)
    assert iterated_elimination(game, weak=True).reduced.shape == (m, n)
    zs = NormalFormGame.zero_sum([[game.payoff_array(0)[0, 0]] * n] * m)
    assert game_value(zs) == zs.payoff_array(0)[0, 0]
    assert is_equilibrium(zs, zero_sum_equilibrium(zs)[0].strategies)


@HYP
@given(st.integers(1, 6), st.integers(1, 2), st.data())
def test_one_by_n_and_n_by_one_games(k, orient, data):
    row = data.draw(st.lists(st.integers(-5, 5), min_size=k, max_size=k))
    col = data.draw(st.lists(st.integers(-5, 5), min_size=k, max_size=k))
    A, B = ([row], [col]) if orient == 1 else ([[v] for v in row], [[v] for v in col])
    game = NormalFormGame.from_arrays(A, B)
    mover = col if orient == 1 else row             # only one player has a choice
    best = [i for i, v in enumerate(mover) if v == max(mover)]
    res = all_equilibria(game)
    pure = {e.strategies for e in res.equilibria}
    want = {((1,), tuple(int(i == b) for i in range(k))) if orient == 1 else
            (tuple(int(i == b) for i in range(k)), (1,)) for b in best}
    assert pure == want
    assert profiles(pure_equilibria(game)) == want
    for label in range(k + 1):
        for exact in (True, False):
            assert lemke_howson(game, initial_label=label, exact=exact)[0].strategies in want
    reduced = iterated_elimination(game, mixed=True).reduced
    assert reduced.shape == ((1, len(best)) if orient == 1 else (len(best), 1))
    zs = NormalFormGame.zero_sum(A)
    assert is_equilibrium(zs, zero_sum_equilibrium(zs)[0].strategies)


@HYP
@given(st.integers(2, 4), st.integers(2, 4), st.data())
def test_games_with_a_dominant_strategy_for_each_player(m, n, data):
    i0 = data.draw(st.integers(0, m - 1))
    j0 = data.draw(st.integers(0, n - 1))
    A = data.draw(st.lists(st.lists(st.integers(-4, 4), min_size=n, max_size=n), min_size=m, max_size=m))
    B = data.draw(st.lists(st.lists(st.integers(-4, 4), min_size=n, max_size=n), min_size=m, max_size=m))
    for j in range(n):                              # row i0 strictly dominant
        A[i0][j] = max(A[i][j] for i in range(m)) + 1
    for i in range(m):                              # column j0 strictly dominant
        B[i][j0] = max(B[i]) + 1
    game = NormalFormGame.from_arrays(A, B)
    want = (tuple(int(i == i0) for i in range(m)), tuple(int(j == j0) for j in range(n)))
    assert profiles(all_equilibria(game)) == {want}
    assert profiles(pure_equilibria(game)) == {want}
    for label in range(m + n):
        for exact in (True, False):
            assert lemke_howson(game, initial_label=label, exact=exact)[0].strategies == want
    assert iterated_elimination(game).reduced.actions == ((game.actions[0][i0],), (game.actions[1][j0],))
    zs = NormalFormGame.zero_sum(A)
    assert zero_sum_equilibrium(zs)[0].strategies[0] == want[0]
    assert game_value(zs) == min(A[i0])
