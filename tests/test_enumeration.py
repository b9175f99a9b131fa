"""Tests for deterrence.solvers.normal_form.enumeration (all equilibria of two-player games)."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deterrence import NormalFormGame
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers import solve
from deterrence.solvers.certify import is_equilibrium, regrets
from deterrence.solvers.normal_form.enumeration import all_equilibria, vertex_bound
from deterrence.solvers.normal_form.pure import pure_equilibria
from peer import EXPECTED, HAVE_PEER_GAMES

F = Fraction


def profiles(res):
    return [tuple(tuple(F(p) for p in s) for s in e.strategies) for e in res]


def clique_sets(res):
    """Cliques as a set of frozensets of profiles (independent of the ordering)."""
    profs = profiles(res)
    return {frozenset(profs[i] for i in c) for c in res.cliques}


def component_sets(res):
    profs = profiles(res)
    return {frozenset(profs[i] for i in c) for c in res.components}


# -- unit tests ---------------------------------------------------------------------
def test_matching_pennies():
    res = all_equilibria(NormalFormGame.zero_sum([[1, -1], [-1, 1]]))
    assert profiles(res) == [((F(1, 2), F(1, 2)), (F(1, 2), F(1, 2)))]
    assert res.cliques == ((0,),) and res.components == ((0,),)
    assert res.exact and res.complete and res.method == "enumerate"


def test_prisoners_dilemma():
    res = all_equilibria(NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    assert profiles(res) == [((0, 1), (0, 1))]
    assert res[0].payoffs == (1, 1)


def test_battle_of_the_sexes():
    res = all_equilibria(NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]]))
    assert profiles(res) == [((0, 1), (0, 1)),
                             ((F(3, 5), F(2, 5)), (F(2, 5), F(3, 5))),
                             ((1, 0), (1, 0))]
    assert res.cliques == ((0,), (1,), (2,))
    assert res.components == ((0,), (1,), (2,))


def test_all_zero_game_is_one_clique_of_nine_pure_profiles():
    res = all_equilibria(NormalFormGame.from_arrays([[0] * 3] * 3, [[0] * 3] * 3))
    assert len(res) == 9 and all(e.is_pure for e in res)
    assert res.cliques == (tuple(range(9)),)
    assert res.components == (tuple(range(9)),)


def test_continuum_is_one_clique_with_two_extreme_points():
    # ((p, 1-p), (1, 0)) is an equilibrium exactly for p in [0, 2/7]
    res = all_equilibria(NormalFormGame.from_arrays([[1, 0], [1, 2]], [[0, 5], [2, 0]]))
    assert profiles(res) == [((0, 1), (1, 0)), ((F(2, 7), F(5, 7)), (1, 0))]
    assert res.cliques == ((0, 1),) and res.components == ((0, 1),)


def test_one_by_n_and_n_by_one():
    res = all_equilibria(NormalFormGame.from_arrays([[5, 1, 2]], [[1, 3, 3]]))
    assert profiles(res) == [((1,), (0, 0, 1)), ((1,), (0, 1, 0))]
    assert res.cliques == ((0, 1),)
    res = all_equilibria(NormalFormGame.from_arrays([[1], [4], [2]], [[7], [0], [1]]))
    assert profiles(res) == [((0, 1, 0), (1,))]
    res = all_equilibria(NormalFormGame.from_arrays([[2]], [[3]]))
    assert profiles(res) == [((1,), (1,))] and res.cliques == ((0,),)


def test_fractional_and_negative_payoffs():
    game = NormalFormGame.from_arrays([[F(1, 3), -2], [-1, F(1, 2)]],
                                      [[-F(1, 3), 2], [1, -F(1, 2)]])
    res = all_equilibria(game)
    assert len(res) == 1 and regrets(game, res[0].strategies) == (0, 0)
    assert all(isinstance(p, (int, Fraction)) for s in res[0].strategies for p in s)


def test_front_door_uses_enumerate_for_two_players():
    res = solve(NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]]))
    assert res.method == "enumerate" and len(res) == 3


def test_errors_name_the_problem():
    three = NormalFormGame.from_payoff_arrays([np.zeros((2, 2, 2), dtype=int).tolist()] * 3)
    with pytest.raises(GameError, match="two-player"):
        all_equilibria(three)
    import sympy
    t = sympy.Symbol("t", real=True)
    with pytest.raises(GameError, match="numeric"):
        all_equilibria(NormalFormGame.from_arrays([[t, 0], [0, 1]]))
    with pytest.raises(GameError, match="limit"):
        all_equilibria(NormalFormGame.from_arrays([[1]]), limit=0)
    with pytest.raises(TooLargeError, match="limit="):
        all_equilibria(NormalFormGame.from_arrays(np.eye(6, dtype=int).tolist()), limit=50)


def test_mcmullen_bound_matches_cyclic_polytope_counts():
    # a segment has 2 vertices, a polygon as many vertices as facets
    assert vertex_bound(1, 5) == 2
    assert vertex_bound(2, 7) == 7
    assert vertex_bound(20, 40) > 10**7


def test_float_path_agrees_with_exact_path_on_a_nondegenerate_6x6_game():
    rng = np.random.default_rng(7)
    A = rng.permutation(100)[:36].reshape(6, 6)
    B = rng.permutation(100)[:36].reshape(6, 6)
    from deterrence.solvers.normal_form import enumeration as en
    Ai, Bi = en.positive_integer_matrix(A), en.positive_integer_matrix(B)

    def normalised(pairs):      # both paths give integer weights, maybe scaled differently
        return sorted((tuple(F(v, sum(x)) for v in x), tuple(F(v, sum(y)) for v in y))
                      for _, _, x, y in pairs)

    fast = normalised(en._pairs_of_simple_polytopes(Ai, Bi, *en._float_polytopes(Ai, Bi, 10**6)))
    exact = normalised(en._exact_pairs(Ai, Bi, 10**6))
    assert fast == exact and len(fast) % 2 == 1


def test_solve_gives_integer_weights_or_none():
    from deterrence.solvers.normal_form import enumeration as en
    assert en._unit_weights([[2, 1], [1, 3]]) == [2, 1]    # z = (2/5, 1/5)
    assert en._unit_weights([[1, 2], [2, 4]]) is None      # singular
    assert en._unit_weights([[-1]]) == [-1]                # the sign is kept
    assert en._bits(0) == [] and en._bits((1 << 70) | 1) == [0, 70]


# -- property tests ---------------------------------------------------------------------
@st.composite
def small_games(draw, max_actions=4, max_payoff=3):
    m = draw(st.integers(1, max_actions))
    n = draw(st.integers(1, max_actions))
    cell = st.integers(0, max_payoff)
    A = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    B = draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    return NormalFormGame.from_arrays(A, B)


SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(small_games())
def test_every_equilibrium_has_zero_regret_and_all_pure_ones_are_found(game):
    res = all_equilibria(game)
    assert len(res) >= 1
    for e in res:
        assert regrets(game, e.strategies) == (0, 0)
    assert {e.strategies for e in pure_equilibria(game)} <= {e.strategies for e in res}
    assert profiles(res) == sorted(profiles(res))
    assert len(set(profiles(res))) == len(res)


@SETTINGS
@given(small_games(), st.integers(1, 3), st.integers(-2, 2), st.booleans())
def test_invariant_under_positive_affine_transforms(game, scale, shift, row_player):
    res = all_equilibria(game)
    A, B = game.A, game.B
    if row_player:
        A = A * scale + shift
    else:
        B = B * F(1, scale) + shift
    other = all_equilibria(NormalFormGame.from_arrays(A, B))
    assert profiles(other) == profiles(res)
    assert other.cliques == res.cliques and other.components == res.components


@SETTINGS
@given(small_games(), st.randoms(use_true_random=False))
def test_equivariant_under_permutations_of_actions(game, rnd):
    m, n = game.shape
    rows, cols = list(range(m)), list(range(n))
    rnd.shuffle(rows)
    rnd.shuffle(cols)
    permuted = NormalFormGame.from_arrays(game.A[rows][:, cols], game.B[rows][:, cols])
    res, other = all_equilibria(game), all_equilibria(permuted)

    def relabel(prof):
        x, y = prof
        return (tuple(x[i] for i in rows), tuple(y[j] for j in cols))

    assert {relabel(p) for p in profiles(res)} == set(profiles(other))
    assert {frozenset(map(relabel, c)) for c in clique_sets(res)} == clique_sets(other)
    assert {frozenset(map(relabel, c)) for c in component_sets(res)} == component_sets(other)


@SETTINGS
@given(small_games())
def test_mixtures_within_a_clique_are_equilibria(game):
    res = all_equilibria(game)
    profs = profiles(res)
    covered = set()
    for c in res.cliques:
        covered |= set(c)
        for i in c:
            for j in c:
                mid = [tuple((a + b) / 2 for a, b in zip(s, t)) for s, t in zip(profs[i], profs[j])]
                assert is_equilibrium(game, mid)
        k = len(c)
        centre = [tuple(sum(profs[i][p][a] for i in c) / k for a in range(len(profs[c[0]][p])))
                  for p in range(2)]
        assert is_equilibrium(game, centre)
    assert covered == set(range(len(res)))
    # components partition the equilibria and are unions of cliques
    flat = sorted(i for comp in res.components for i in comp)
    assert flat == list(range(len(res)))
    for c in res.cliques:
        assert any(set(c) <= set(comp) for comp in res.components)


@SETTINGS
@given(small_games(max_actions=3, max_payoff=2))
def test_no_mixture_across_cliques_beyond_them(game):
    # maximality: adding any other extreme equilibrium to a clique breaks it
    res = all_equilibria(game)
    profs = profiles(res)
    for c in res.cliques:
        for k in set(range(len(res))) - set(c):
            xs = {profs[i][0] for i in c} | {profs[k][0]}
            ys = {profs[i][1] for i in c} | {profs[k][1]}
            assert not all(is_equilibrium(game, [x, y]) for x in xs for y in ys)


# -- cross-check against nashpy on nondegenerate games ----------------------------------------
def test_agrees_with_nashpy_vertex_enumeration_on_nondegenerate_games():
    rng = np.random.default_rng(2024)
    for m, n in [(2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (4, 3), (5, 5)] * 3:
        A = rng.permutation(4 * m * n)[:m * n].reshape(m, n)
        B = rng.permutation(4 * m * n)[:m * n].reshape(m, n)
        game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
        ours = {tuple(np.round(np.array([float(p) for s in e.strategies for p in s]), 6))
                for e in all_equilibria(game)}
        theirs = {tuple(np.round(np.concatenate(eq), 6))
                  for eq in game.to_nashpy().vertex_enumeration()}
        assert ours == theirs, (A.tolist(), B.tolist())


# -- peer games (Gambit examples with exact expected answers) ----------------------------------
if HAVE_PEER_GAMES:
    PEER_TWO_PLAYER = sorted(k for k, v in EXPECTED.items()
                             if v.get("players") == 2 and "payoffs" in v)

    @pytest.mark.parametrize("name", PEER_TWO_PLAYER)
    def test_peer_game_equilibria_cliques_and_components(name):
        exp = EXPECTED[name]
        A, B = ([[F(v) for v in row] for row in M] for M in exp["payoffs"])
        res = all_equilibria(NormalFormGame.from_arrays(A, B))
        ours = [tuple(tuple(F(p) for p in s) for s in e.strategies) for e in res]
        theirs = [tuple(tuple(F(p) for p in s) for s in e["strategies"]) for e in exp["equilibria"]]
        assert set(ours) == set(theirs) and len(ours) == len(theirs)
        assert len(res) == exp["num_equilibria"]

        def as_sets(groups, profs):
            return {frozenset(profs[i] for i in g) for g in groups}

        assert as_sets(res.cliques, ours) == as_sets(exp["cliques"], theirs)
        assert as_sets(res.components, ours) == as_sets(exp["components"], theirs)
        for e, t in zip(res, ours):
            exp_payoffs = {tuple(tuple(F(p) for p in s) for s in q["strategies"]):
                           tuple(F(v) for v in q["payoffs"]) for q in exp["equilibria"]}
            assert tuple(F(v) for v in e.payoffs) == exp_payoffs[t]


# -- the compiled (numba) search, used for large games when numba is installed --------------
try:
    import numba  # noqa: F401
    HAVE_NUMBA = True
except ImportError:
    HAVE_NUMBA = False

def use_numpy_search(monkeypatch, en):
    monkeypatch.setattr(en, "_COMPILED_ABOVE", 10**18)
    monkeypatch.setattr(en, "_COMPILED_WHEN_LOADED_ABOVE", 10**18)
    monkeypatch.setattr(en, "_compiled_search_loaded", lambda: False)


def use_compiled_search(monkeypatch, en):
    monkeypatch.delenv("DETERRENCE_NUMBA", raising=False)     # DETERRENCE_NUMBA=0 would overrule the sizes
    monkeypatch.setattr(en, "_COMPILED_ABOVE", 0)
    monkeypatch.setattr(en, "_COMPILED_WHEN_LOADED_ABOVE", 0)


if HAVE_NUMBA:
    def test_games_from_8x8_take_the_compiled_search_once_numba_is_imported(monkeypatch):
        from deterrence.solvers.normal_form import enumeration as en
        monkeypatch.delenv("DETERRENCE_NUMBA", raising=False)   # the default policy
        # as in a process where the compiled search has not run yet (see the test below)
        monkeypatch.setattr(en, "_compiled_search_loaded", lambda: False)
        calls = []
        compiled = en._compiled_vertices
        monkeypatch.setattr(en, "_compiled_vertices", lambda *a: calls.append(a) or compiled(*a))
        defaults = en._COMPILED_ABOVE, en._COMPILED_WHEN_LOADED_ABOVE
        rng = np.random.default_rng(5)
        for n, expected in ((3, 0), (7, 0), (8, 2), (9, 2)):
            A = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
            B = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
            game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
            calls.clear()
            default = all_equilibria(game)        # numba is imported by this module
            assert len(calls) == expected
            use_numpy_search(monkeypatch, en)
            slow = all_equilibria(game)
            use_compiled_search(monkeypatch, en)
            fast = all_equilibria(game)
            monkeypatch.setattr(en, "_COMPILED_ABOVE", defaults[0])
            monkeypatch.setattr(en, "_COMPILED_WHEN_LOADED_ABOVE", defaults[1])
            assert default.equilibria == slow.equilibria == fast.equilibria
            assert default.cliques == slow.cliques == fast.cliques

    def test_small_games_take_the_compiled_search_once_it_has_run(monkeypatch):
        # below 8x8 loading the compiled search costs more than the NumPy one; once it has run in
        # this process it is faster at every size (issue 18, goal 12's 6x6 games), same answers
        from deterrence.solvers.normal_form import enumeration as en
        monkeypatch.delenv("DETERRENCE_NUMBA", raising=False)   # the default policy
        rng = np.random.default_rng(5)
        big = rng.permutation(4 * 64)[:64].reshape(8, 8)
        en._compiled_vertices(np.array(en.positive_integer_matrix(big), dtype=float),
                              np.ones(8), 10**6)                # it has run
        assert en._compiled_search_loaded()
        calls = []
        compiled = en._compiled_vertices
        monkeypatch.setattr(en, "_compiled_vertices", lambda *a: calls.append(a) or compiled(*a))
        for n in (2, 3, 6, 7):
            A = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
            B = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
            game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
            calls.clear()
            default = all_equilibria(game)
            assert len(calls) == 2
            use_numpy_search(monkeypatch, en)
            calls.clear()
            slow = all_equilibria(game)
            assert calls == []
            monkeypatch.undo()
            monkeypatch.delenv("DETERRENCE_NUMBA", raising=False)
            monkeypatch.setattr(en, "_compiled_vertices", lambda *a: calls.append(a) or compiled(*a))
            assert default.equilibria == slow.equilibria and default.cliques == slow.cliques

    def test_compiled_search_matches_numpy_search(monkeypatch):
        from deterrence.solvers.normal_form import enumeration as en
        rng = np.random.default_rng(11)
        for m, n in [(1, 4), (4, 1), (5, 7), (8, 8)]:
            A = rng.permutation(4 * m * n)[:m * n].reshape(m, n)
            M = np.array(en.positive_integer_matrix(A), dtype=float)
            use_numpy_search(monkeypatch, en)
            slow = en._float_vertices(M, 10**6)
            use_compiled_search(monkeypatch, en)
            fast = en._float_vertices(M, 10**6)
            assert np.array_equal(np.sort(slow), np.sort(fast))
        # a degenerate polytope (repeated payoffs) is refused by both
        M = np.ones((3, 3))
        assert en._float_vertices(M, 10**6) is None
        game = NormalFormGame.from_arrays([[0] * 3] * 3, [[0] * 3] * 3)
        assert len(all_equilibria(game)) == 9

    def test_compiled_search_decides_near_ties_exactly(monkeypatch):
        # a generous tie tolerance forces near-ties, which are decided in exact arithmetic
        from deterrence.solvers.normal_form import enumeration as en
        calls = []
        exact = en._exact_leaving
        monkeypatch.setattr(en, "_exact_leaving", lambda *a: calls.append(a) or exact(*a))
        for seed in range(4):
            rng = np.random.default_rng(800 + seed)
            A = rng.permutation(128)[:64].reshape(8, 8)
            M = np.array(en.positive_integer_matrix(A), dtype=float)
            use_numpy_search(monkeypatch, en)
            slow = en._float_vertices(M, 10**6)
            use_compiled_search(monkeypatch, en)
            monkeypatch.setattr(en, "_TIE_TOL", 3e-3)
            fast = en._float_vertices(M, 10**6)
            monkeypatch.setattr(en, "_TIE_TOL", 1e-11)
            assert np.array_equal(np.sort(slow), np.sort(fast))
        assert calls
        # an exact tie is reported as degenerate
        assert en._exact_leaving(np.array([[1.0, 1.0], [1.0, 1.0]]), 0b0011, 0) is None

    # Payoffs 0, 1, 2 moved by multiples of 1e-12 (tests/test_numerics.py's near-tie games).
    # The compiled search decided a near-tie exactly and went on in floats into the
    # near-degenerate vertex behind it, where slacks of 1e-13 made its ratio tests wrong: the
    # first game lost 3 of P's 6 vertices and 2 of its 3 equilibria, the zero-sum game of the
    # second's A every equilibrium; the third kept a vertex that does not exist (certification
    # then raised) once pivot entries below 1e-11 were no longer skipped
    NEAR_TIE_GAMES = [
        ([[1.0, 0.9999999999994], [9e-13, 1.9999999999988], [1.4999999999999999e-12, 2.0]],
         [[1.0000000000021, 0.9999999999976], [2.7e-12, 2.000000000003], [2.0000000000033, 2.0000000000036]]),
        ([[1.000000000001, 2e-12, 2.000000000003], [1.999999999996, 1.000000000005, 1.000000000006],
          [2.000000000007, 1.000000000008, 1.0]],
         [[1e-11, -1.0999999999999999e-11, -1.2e-11], [1.3e-11, 2.000000000014, 2.000000000015],
          [2.0, 0.0, -1.8e-11]]),
        ([[-3e-13, 2.0], [0.9999999999991, -1.2e-12], [0.9999999999985, 0.0]],
         [[0.0, 2.0000000000024], [-2.7e-12, 2.0], [1.0000000000033, 1.0]]),
    ]

    def _near_tie_game(rng):
        m, n = rng.integers(2, 4, size=2)
        eps = rng.choice([1e-12, 1e-15, 3e-13])
        vals = [int(b) + int(s) * eps * (k + 1)
                for k, (b, s) in enumerate(zip(rng.integers(0, 3, 2 * m * n), rng.integers(-1, 2, 2 * m * n)))]
        return np.reshape(vals[:m * n], (m, n)).tolist(), np.reshape(vals[m * n:], (m, n)).tolist()

    def test_compiled_search_on_near_degenerate_games_gives_the_exact_answer(monkeypatch):
        from deterrence.solvers.normal_form import enumeration as en
        monkeypatch.delenv("DETERRENCE_NUMBA", raising=False)
        use_compiled_search(monkeypatch, en)
        rng = np.random.default_rng(101)
        for A, B in NEAR_TIE_GAMES + [_near_tie_game(rng) for _ in range(300)]:
            for game in (NormalFormGame.from_arrays(A, B), NormalFormGame.zero_sum(A)):
                got, ref = all_equilibria(game), _fully_exact(monkeypatch, game)
                assert got.equilibria == ref.equilibria, (A, B)
                assert got.cliques == ref.cliques


def test_both_matchings_of_complementary_labels_agree(monkeypatch):
    from deterrence.solvers.normal_form import enumeration as en
    rng = np.random.default_rng(3)
    for m, n in [(2, 2), (3, 5), (6, 6), (9, 9)]:
        A = rng.permutation(4 * m * n)[:m * n].reshape(m, n)
        B = rng.permutation(4 * m * n)[:m * n].reshape(m, n)
        Ai, Bi = en.positive_integer_matrix(A), en.positive_integer_matrix(B)
        LP = en._float_vertices(np.array(Bi, dtype=float).T, 10**6)
        LQ = en._float_vertices(np.array(Ai, dtype=float), 10**6)
        assert LP is not None and LQ is not None
        small = en._complementary(LP, LQ, m, n)
        monkeypatch.setattr(en, "_SMALL_POLYTOPE", 0)
        large = en._complementary(LP, LQ, m, n)
        monkeypatch.undo()
        assert small == large and len(small) % 2 == 0   # odd count plus the pair (0, 0)


# -- one simple polytope, one degenerate: the exact search runs on the degenerate one only
def _fully_exact(monkeypatch, game):
    from deterrence.solvers.normal_form import enumeration as en
    with monkeypatch.context() as mp:
        mp.setattr(en, "_float_polytopes", lambda A, B, limit: (None, None))
        return all_equilibria(game)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(2, 5), st.integers(2, 5), st.data())
def test_one_degenerate_polytope_gives_the_fully_exact_answer(monkeypatch, m, n, data):
    cell = st.integers(0, 3)                       # small payoffs: degenerate games are common
    A = data.draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    B = data.draw(st.lists(st.lists(cell, min_size=n, max_size=n), min_size=m, max_size=m))
    game = NormalFormGame.from_arrays(A, B)
    got, ref = all_equilibria(game), _fully_exact(monkeypatch, game)
    assert got.equilibria == ref.equilibria
    assert got.cliques == ref.cliques and got.components == ref.components


def test_a_game_with_one_degenerate_polytope_searches_only_that_one_exactly(monkeypatch):
    from deterrence.solvers.normal_form import enumeration as en
    rng = np.random.default_rng(8016)              # 8x8, distinct payoffs, Q degenerate
    A = rng.permutation(256)[:64].reshape(8, 8)
    B = rng.permutation(256)[:64].reshape(8, 8)
    game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
    Ai, Bi = en.positive_integer_matrix(A.tolist()), en.positive_integer_matrix(B.tolist())
    LP, LQ = en._float_polytopes(Ai, Bi, 10**6)
    assert LP is not None and LQ is None
    searched = []
    exact_vertices = en._exact_vertices
    monkeypatch.setattr(en, "_exact_vertices", lambda M, limit: searched.append(len(M)) or exact_vertices(M, limit))
    got = all_equilibria(game)
    assert searched == [8]                         # Q only (A has 8 rows)
    ref = _fully_exact(monkeypatch, game)
    assert searched == [8, 8, 8]                   # the reference searched P and Q
    assert got.equilibria == ref.equilibria and len(got.equilibria) == 5


def test_the_float_search_safety_checks_send_doubtful_vertex_lists_to_the_exact_search():
    """``_pairs_of_simple_polytopes`` trusts the float vertex lists only when each complementary
    pair solves exactly and the number of pairs is odd (a nondegenerate game has an odd number of
    equilibria); otherwise it answers None and the exact search decides. The 3x3 coordination
    game has 7 equilibria; with one of Q's vertices lost (6 pairs), or with a label set added to
    both lists that determines no profile, the lists are refused."""
    from deterrence.core.exact import positive_integer_matrix
    from deterrence.solvers.normal_form import enumeration as en
    g = NormalFormGame.from_arrays([[1, 0, 0], [0, 2, 0], [0, 0, 3]], [[3, 0, 0], [0, 2, 0], [0, 0, 1]])
    A, B = positive_integer_matrix(g.payoff_array(0)), positive_integer_matrix(g.payoff_array(1))
    LP, LQ = en._float_polytopes(A, B, 10**6)
    pairs = en._pairs_of_simple_polytopes(A, B, LP, LQ)
    assert len(pairs) == 7 == len(all_equilibria(g))
    assert en._pairs_of_simple_polytopes(A, B, LP, LQ[LQ != np.uint64(pairs[0][1])]) is None
    m, n = g.shape
    lx = 0b011                           # x0 = x1 = 0 and nothing else: x is not determined
    ly = (((~lx) >> m) & ((1 << n) - 1)) | (((~lx) & ((1 << m) - 1)) << n)
    LP2, LQ2 = np.append(LP, np.uint64(lx)), np.append(LQ, np.uint64(ly))
    assert lx in en._complementary(LP2, LQ2, m, n)
    assert en._pairs_of_simple_polytopes(A, B, LP2, LQ2) is None
