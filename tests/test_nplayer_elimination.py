"""The linear-elimination path of the three-player solver against the Groebner path,
profile by profile: the same equilibria wherever it decides, on random games
(generic, with ties, with irrational equilibria)."""
import math
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deterrence as dt
from deterrence.solvers.certify import expected_payoffs_against
from deterrence.solvers.normal_form import nplayer
from deterrence.solvers.normal_form.nplayer_elimination import elimination_solve
from deterrence.solvers.normal_form.nplayer_quotient import quotient_solve
from test_nplayer_quotient import random_game, same_equilibria  # degenerate 2x2x2 games: tested there


def decided_by_elimination(game, payoffs, supports):
    """The equilibria of the elimination path with its candidates decided exactly, or None."""
    decided = elimination_solve(game, payoffs, supports)
    if decided is None:
        return None
    found, candidates = decided
    for factor, interval, coordinates in candidates:
        found = found + nplayer._candidate_point(game, payoffs, supports, factor, interval, coordinates)
    return found


def assert_agrees_with_groebner(game) -> dict:
    """Every profile elimination decides has the Groebner path's equilibria (and no continuum);
    returns how many profiles it decided and how many equilibria were irrational."""
    payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(game.n_players)]
    counts = {"decided": 0, "irrational": 0}
    for supports in nplayer._support_profiles(game.shape):
        fast = decided_by_elimination(game, payoffs, supports)
        if fast is None:
            continue
        slow, continuum = nplayer._groebner_on_support(game, payoffs, supports, random.Random(0))
        assert continuum is None or continuum == nplayer.EMPTY, supports
        assert same_equilibria(fast, slow), supports
        counts["decided"] += 1
        counts["irrational"] += sum(isinstance(e, nplayer.AlgebraicEquilibrium) for e in fast)
    return counts


@settings(max_examples=10, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([(2, 2, 2), (2, 3, 3), (3, 2, 3), (3, 3, 2)]).flatmap(
    lambda shape: st.tuples(st.just(shape), st.permutations(list(range(3 * math.prod(shape)))))))
def test_elimination_agrees_with_groebner_on_generic_games(case):
    shape, values = case
    counts = assert_agrees_with_groebner(random_game(shape, values))
    # generic: every (1, m, m) and (2, m, m) profile in any order is decided here
    assert counts["decided"] >= 7


@settings(max_examples=5, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(-3, 3), min_size=54, max_size=54))
def test_elimination_agrees_with_groebner_on_small_range_2x3x3_games(values):
    assert_agrees_with_groebner(random_game((2, 3, 3), values))


def test_irrational_equilibria_from_elimination_are_exact():
    rng = np.random.default_rng(7)
    irrational = 0
    for _ in range(40):
        game = dt.NormalFormGame([np.vectorize(int, otypes=[object])(rng.integers(0, 9, (2, 3, 3)))
                                  for _ in range(3)])
        irrational += assert_agrees_with_groebner(game)["irrational"]
        if irrational >= 2:
            break
    assert irrational >= 2


def test_a_kernel_that_drops_rank_is_handed_back():
    # player 2's payoffs do not depend on player 3's action: with player 1 mixing over
    # (1 - t, t), player 2's condition on player 3's mixture vanishes at one t for every mixture
    u = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    for a, b, c in np.ndindex(2, 2, 2):
        u[0][a, b, c], u[1][a, b, c], u[2][a, b, c] = 3 * (a == b) + c, 2 * (a == b), 5 * (c == a) + b
    game = dt.NormalFormGame(u)
    payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(3)]
    assert elimination_solve(game, payoffs, [(0, 1), (0, 1), (0, 1)]) is None
    found, _ = nplayer.equilibria_on_supports(game, [(0, 1), (0, 1), (0, 1)])
    slow, _ = nplayer._groebner_on_support(game, payoffs, [(0, 1), (0, 1), (0, 1)], random.Random(0))
    assert same_equilibria(found, slow)


@settings(max_examples=8, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.permutations(list(range(81))), st.lists(st.integers(-2, 2), min_size=81, max_size=81)))
def test_full_support_rejection_agrees_with_the_quotient_path(values):
    # the 3x3x3 full support: balls reject every root pair only when the exact path finds nothing
    game = random_game((3, 3, 3), values)
    payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(3)]
    full = [(0, 1, 2)] * 3
    exact = quotient_solve(game, payoffs, full)
    exact_found = None if exact is None else exact[0] + [
        e for c in exact[1] for e in nplayer._candidate_point(game, payoffs, full, *c)]
    if elimination_solve(game, payoffs, full) is not None:
        assert exact_found == [] or (exact is None and not nplayer._groebner_on_support(
            game, payoffs, full, random.Random(0))[0])


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.integers(-3, 3), min_size=54, max_size=54),
       st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5)), min_size=3, max_size=3))
def test_integer_deviation_test_agrees_with_the_certificate(values, weights):
    from fractions import Fraction

    from deterrence.solvers.normal_form.nplayer_quotient import _deviation_pays, certified_or_nothing
    game = random_game((2, 3, 3), values)
    payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(3)]
    profile = [[Fraction(w, sum(row[:k])) for w in row[:k]] for row, k in zip(weights, game.shape)]
    # every player's first action is in its support; the support is every action
    supports = [tuple(range(k)) for k in game.shape]
    pays = _deviation_pays(payoffs, supports, profile)
    certified = certified_or_nothing(game, profile)
    if certified:
        assert not pays
    if not pays:
        # no action beats the first: the certificate fails only when the support is not tied
        values_of = [expected_payoffs_against(game, profile, i) for i in range(3)]
        assert bool(certified) == all(len(set(v)) == 1 for v in values_of)


@settings(max_examples=20, deadline=None, derandomize=True)
@given(st.lists(st.integers(0, 3), min_size=54, max_size=54))
def test_conditional_dominance_matches_its_definition(values):
    game = random_game((2, 3, 3), values)
    payoffs = [nplayer._integer_payoffs(game.payoff_array(i)) for i in range(3)]
    kept = [supports for supports in nplayer._support_profiles(game.shape)
            if not dominated_by_definition(payoffs, supports)]
    assert nplayer._undominated_profiles(payoffs) == kept


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 3), min_size=2, max_size=4).flatmap(
    lambda shape: st.tuples(st.just(tuple(shape)),
                            st.lists(st.integers(-2, 2), min_size=len(shape) * int(np.prod(shape)),
                                     max_size=len(shape) * int(np.prod(shape))))))
def test_conditional_dominance_matches_its_definition_for_any_number_of_players(case):
    # the test runs on all profiles at once (arrays contracted player by player): every
    # shape, ties included, against the definition profile by profile
    shape, values = case
    size = int(np.prod(shape))
    payoffs = [np.array(values[i * size:(i + 1) * size], dtype=object).reshape(shape)
               for i in range(len(shape))]
    kept = [supports for supports in nplayer._support_profiles(shape)
            if not dominated_by_definition(payoffs, supports)]
    assert nplayer._undominated_profiles(payoffs) == kept


def dominated_by_definition(payoffs, supports) -> bool:
    """Some action of some support strictly dominated by another of its player's actions against
    every pure profile of the others' supports."""
    import itertools
    n = len(supports)
    for i in range(n):
        others = [supports[j] for j in range(n) if j != i]
        for a in supports[i]:
            for b in range(payoffs[i].shape[i]):
                if all(payoff_at(payoffs, i, b, c) > payoff_at(payoffs, i, a, c)
                       for c in itertools.product(*others)):
                    return True
    return False


def payoff_at(payoffs, i, action, combo):
    idx = list(combo)
    idx.insert(i, action)
    return payoffs[i][tuple(idx)]


def test_float_of_an_algebraic_number_from_arb_matches_the_exact_enclosure():
    import sympy
    from fractions import Fraction
    t = sympy.Symbol("t")
    rng = np.random.default_rng(3)
    checked = 0
    for _ in range(30):
        f = sympy.Poly(list(map(int, rng.integers(-9, 10, 4))) + [int(rng.integers(1, 9)) * (-1) ** checked], t,
                       domain="QQ")
        if f.degree() < 2 or not f.is_irreducible:
            continue
        g = sympy.Poly(list(map(int, rng.integers(-5, 6, 3))), t, domain="QQ")
        if g.degree() < 1:
            continue
        for (a, b), _ in f.intervals():
            number = nplayer.RealAlgebraic(f, (Fraction(int(a.p), int(a.q)), Fraction(int(b.p), int(b.q))), g)
            lo, hi = number.enclosure(Fraction(1, 10**30))
            exact = float((lo + hi) / 2)
            assert abs(float(number) - exact) <= 4e-16 * max(1.0, abs(exact))
            checked += 1
    assert checked >= 10


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.integers(-20, 20), min_size=2, max_size=8).filter(lambda c: any(c[1:])))
def test_no_root_in_the_unit_interval_is_never_claimed_wrongly(coeffs):
    from deterrence.core.exact import flint_module
    from deterrence.solvers.normal_form.nplayer_elimination import _no_root_in_unit_interval
    flint = flint_module()
    p = flint.fmpz_poly(coeffs)
    if _no_root_in_unit_interval(flint, p):
        for root, _ in p.complex_roots():
            assert not (root.imag == 0 and root.real > 0 and root.real < 1), (coeffs, root)
    # a root inside is never missed, and one clear case is claimed
    assert not _no_root_in_unit_interval(flint, flint.fmpz_poly([-1, 3]))       # 3t - 1
    assert _no_root_in_unit_interval(flint, flint.fmpz_poly([2, -3, 1]))         # (t - 1)(t - 2)


def test_a_root_of_an_eliminant_just_below_one_is_kept():
    # Arb isolates roots to a relative precision: the root 1 - 10^-40 (a probability in a
    # game with payoffs near 10^40) comes as a ball touching 1, and had been dropped as
    # outside (0, 1), so a full support with that equilibrium was declared empty
    import flint

    from deterrence.solvers.normal_form.nplayer_elimination import (
        _real_roots_not_outside_unit_interval,
    )
    near_one = flint.fmpz_poly([-(10**40 - 1), 10**40]) * flint.fmpz_poly([-3, 1])
    (root,) = _real_roots_not_outside_unit_interval(near_one)
    assert root.overlaps(flint.arb(flint.fmpq(10**40 - 1, 10**40))) and root < 2
    # roots exactly at the ends, or provably outside, are not kept
    ends = flint.fmpz_poly([0, 1]) * flint.fmpz_poly([-1, 1]) ** 2 * flint.fmpz_poly([-1, 2])
    (half,) = _real_roots_not_outside_unit_interval(ends * flint.fmpz_poly([2, 1]))
    assert half.overlaps(flint.arb(flint.fmpq(1, 2)))
