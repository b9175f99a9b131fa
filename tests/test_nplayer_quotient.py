"""The quotient-ring path of the n-player solver against the Groebner path it
short-cuts: the same equilibria, profile by profile, on random small games."""
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deterrence as dt
from deterrence.solvers.certify import regrets
from deterrence.solvers.normal_form import nplayer
from deterrence.solvers.normal_form.nplayer_quotient import quotient_solve


def random_game(shape, values):
    size = math.prod(shape)
    return dt.NormalFormGame([np.array(values[i * size:(i + 1) * size], dtype=object).reshape(shape)
                              for i in range(len(shape))])


def same_equilibria(left, right) -> bool:
    def ordered(found):
        return sorted(found, key=lambda e: [float(p) for s in e.strategies for p in s])
    left, right = ordered(left), ordered(right)
    return len(left) == len(right) and all(
        a.strategies == b.strategies and a.payoffs == b.payoffs for a, b in zip(left, right))


def assert_paths_agree(game):
    payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(game.n_players)]
    decided = 0
    for supports in nplayer._support_profiles(game.shape):
        fast, fast_continuum = nplayer._equilibria_on_support(game, payoffs, supports,
                                                              random.Random(0))
        slow, slow_continuum = nplayer._groebner_on_support(game, payoffs, supports,
                                                            random.Random(0))
        assert same_equilibria(fast, slow), supports
        assert (fast_continuum is None) == (slow_continuum is None), supports
        if fast_continuum is not None and fast_continuum != nplayer.EMPTY:
            assert fast_continuum.supports == slow_continuum.supports
            assert fast_continuum.dimension == slow_continuum.dimension
        decided += quotient_solve(game, payoffs, supports) is not None
    return decided


SHAPES = [(2, 2, 2), (2, 2, 3), (2, 3, 2), (3, 2, 2)]


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(SHAPES).flatmap(
    lambda shape: st.tuples(st.just(shape), st.permutations(list(range(3 * math.prod(shape)))))))
def test_quotient_path_agrees_with_groebner_on_generic_games(case):
    shape, values = case
    assert assert_paths_agree(random_game(shape, values)) > 0


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(0, 2), min_size=24, max_size=24))
def test_quotient_path_agrees_with_groebner_on_degenerate_games(values):
    # payoffs 0..2: ties, continua, non-radical and positive-dimensional systems
    assert_paths_agree(random_game((2, 2, 2), values))


@settings(max_examples=6, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-4, 4), min_size=36, max_size=36))
def test_quotient_path_agrees_with_groebner_on_small_range_2x2x3_games(values):
    assert_paths_agree(random_game((2, 2, 3), values))


def test_irrational_candidates_are_decided_exactly():
    # a 2x2x2 game with one equilibrium, irrational (as in tests/test_nplayer.py)
    rng = np.random.default_rng(7)
    for _ in range(40):
        game = dt.NormalFormGame([np.vectorize(int, otypes=[object])(rng.integers(0, 9, (2, 2, 2)))
                                  for _ in range(3)])
        payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(3)]
        decided = quotient_solve(game, payoffs, [(0, 1), (0, 1), (0, 1)])
        if decided and decided[1]:
            found, _ = nplayer._equilibria_on_support(game, payoffs, [(0, 1), (0, 1), (0, 1)],
                                                      random.Random(0))
            slow, _ = nplayer._groebner_on_support(game, payoffs, [(0, 1), (0, 1), (0, 1)],
                                                   random.Random(0))
            assert same_equilibria(found, slow)
            for e in found:
                assert max(float(r) for r in regrets(game, [[float(p) for p in s]
                                                            for s in e.strategies])) < 1e-9
            return
    raise AssertionError("no game with an irrational candidate among the 40 drawn")


@pytest.mark.parametrize("seed", [18, 88])     # 88: also through the elimination path's full support
def test_whole_solver_agrees_with_the_groebner_path_on_2x3x3_and_3x3x3_games(monkeypatch, seed):
    rng = np.random.default_rng(seed)
    games = [dt.NormalFormGame([np.vectorize(int, otypes=[object])(rng.permutation(4 * math.prod(shape))
                                                                   [:math.prod(shape)].reshape(shape))
                                for _ in shape])
             for shape in [(2, 3, 3), (3, 2, 3), (3, 3, 3)]]
    fast = [nplayer.nplayer_equilibria(game) for game in games]
    monkeypatch.setattr(nplayer, "_equilibria_on_support", nplayer._groebner_on_support)
    slow = [nplayer.nplayer_equilibria(game) for game in games]
    for game, a, b in zip(games, fast, slow):
        assert same_equilibria(a.equilibria, b.equilibria)
        assert a.complete and b.complete and not a.continua and not b.continua
        for e in a:
            assert max(float(r) for r in regrets(game, [[float(p) for p in s]
                                                        for s in e.strategies])) < 1e-9


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.integers(-10**6, 10**6).filter(bool), st.integers(-10**6, 10**6),
       st.integers(-10**6, 10**6), st.integers(0, 40))
def test_quadratic_real_roots_by_formula_are_isolated(a, b, c, shift):
    # the formula's balls (a cheaper path than Arb's complex isolation) must each hold exactly
    # one real root, as many balls as real roots; coefficients scaled up to 2^40 test the
    # cancellation-free form
    import flint
    import sympy
    from deterrence.solvers.normal_form.nplayer_quotient import _arb_fraction, _real_root_balls
    poly = flint.fmpz_poly([c, b * 2 ** shift, a])
    x = sympy.Symbol("x")
    roots = sympy.Poly(a * x**2 + b * 2 ** shift * x + c, x).real_roots()
    if len(set(roots)) < len(roots) or any(r.is_rational for r in roots):
        return              # the solver passes irreducible quadratics only
    balls = _real_root_balls(flint, poly)
    assert len(balls) == len(roots)
    for ball in balls:
        mid, rad = _arb_fraction(ball.mid()), _arb_fraction(ball.rad())
        lo, hi = sympy.Rational(mid - rad), sympy.Rational(mid + rad)
        assert sum(1 for r in roots if lo < r < hi) == 1
