"""One equilibrium of n-player games by the small-support search and box certification
(method "nplayer_logit"): every answer checked independently, exactly against the full
set of method "nplayer" on small games, and by a rigorous regret bound in ball
arithmetic (written here, not the solver's) on larger ones; irrational equilibria
against the exact algebraic numbers; degenerate supports that the box test must refuse."""
import itertools
import json
from fractions import Fraction

import numpy as np
import pytest
from flint import arb, ctx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import deterrence as dt
from deterrence.solvers.normal_form.box_certify import BoxEquilibrium, EnclosedReal, certify_on_support
from deterrence.solvers.normal_form.nplayer import RealAlgebraic, equilibria_on_supports, nplayer_equilibria
from deterrence.solvers.normal_form.nplayer_logit import logit_path_equilibrium
from deterrence.solvers.normal_form.support_search import candidate_equilibria
from deterrence.solvers.result import Equilibrium


def game_of(arrays):
    return dt.NormalFormGame([np.vectorize(int, otypes=[object])(np.asarray(a)) for a in arrays])


def ball(p):
    """An arb ball holding the probability ``p`` (exact zero, a Fraction or an enclosure)."""
    if isinstance(p, EnclosedReal):
        lo, hi = p.bounds()
    else:
        lo = hi = Fraction(p)
    mid, rad = (lo + hi) / 2, (hi - lo) / 2
    return arb(mid.numerator) / mid.denominator + arb(0, float(rad) * 2 + 1e-300 if rad else 0)


def regret_bounds(game, eq):
    """Upper bounds of each player's regret over the equilibrium's enclosures (ball arithmetic)."""
    with ctx.workprec(300):
        boxes = [[ball(p) for p in s] for s in eq.strategies]
        out = []
        for i in range(game.n_players):
            arr = game.payoff_array(i)
            values = []
            for a in range(game.shape[i]):
                total = arb(0)
                ranges = [range(k) if j != i else [a] for j, k in enumerate(game.shape)]
                for prof in itertools.product(*ranges):
                    w = arb(int(arr[prof]))
                    for j, b in enumerate(prof):
                        if j != i:
                            w = w * boxes[j][b]
                    total = total + w
                values.append(total)
            current = sum((v * x for v, x in zip(values, boxes[i])), arb(0))
            out.append(max(float((v - current).upper()) for v in values))
        return out


def as_floats(eq):
    return [[float(p) for p in s] for s in eq.strategies]


def supports_of(eq):
    return [tuple(a for a, p in enumerate(s) if p != 0) for s in eq.strategies]


def distinct_payoffs(shape, seed):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    return [rng.permutation(4 * size)[:size].reshape(shape) for _ in shape]


# ------------------------------------------------------------ small games: in the full set
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=st.sampled_from([(2, 2, 2), (2, 2, 3), (2, 3, 3), (3, 3, 2)]), seed=st.integers(0, 10**6))
def test_the_one_equilibrium_is_among_all_equilibria_of_generic_games(shape, seed):
    game = game_of(distinct_payoffs(shape, seed))
    (eq,) = logit_path_equilibrium(game)
    every = nplayer_equilibria(game)
    assert every.complete
    if isinstance(eq, BoxEquilibrium):
        matches = [e for e in every if supports_of(e) == supports_of(eq)
                   and np.allclose(sum(as_floats(e), []), sum(as_floats(eq), []), atol=1e-12)]
        assert len(matches) == 1
        # the exact numbers lie in the enclosures
        for s_exact, s_box in zip(matches[0].strategies, eq.strategies):
            for p, q in zip(s_exact, s_box):
                if isinstance(q, EnclosedReal):
                    lo, hi = q.bounds()
                    assert lo <= p <= hi
                else:
                    assert p == q == 0
    else:
        assert type(eq) is Equilibrium
        assert eq.strategies in {e.strategies for e in every}
    assert max(regret_bounds(game, eq)) < 1e-30


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shape=st.sampled_from([(2, 2, 2), (2, 3, 2), (3, 3, 3)]), high=st.sampled_from([1, 2, 3]),
       seed=st.integers(0, 10**6))
def test_degenerate_games_give_a_certified_equilibrium(shape, high, seed):
    """Small integer payoffs (ties, continua, singular support systems): the answer is
    still a true equilibrium, exactly when its numbers are rational."""
    rng = np.random.default_rng(seed)
    game = game_of([rng.integers(0, high + 1, size=shape) for _ in shape])
    (eq,) = dt.solve(game, "nplayer_logit")
    assert max(regret_bounds(game, eq)) < 1e-30
    if type(eq) is Equilibrium:
        assert all(r == 0 for r in dt.solvers.certify.regrets(game, eq.strategies))


@pytest.mark.parametrize("shape,start", [((4, 4, 4), 0), ((5, 5, 5), 0), ((5, 5, 5), 20), ((4, 5, 3), 0)])
def test_larger_games_without_pure_equilibria(shape, start):
    seed = next(s for s in itertools.count(start)
                if not len(dt.solve(game_of(distinct_payoffs(shape, s)), "pure")))
    game = game_of(distinct_payoffs(shape, seed))
    (eq,) = logit_path_equilibrium(game)
    assert not all(len(s) == 1 for s in supports_of(eq))
    assert max(regret_bounds(game, eq)) < 1e-30


# ------------------------------------------------------------ irrational equilibria
def test_irrational_equilibrium_enclosed_to_25_digits():
    game = dt.load_game("irrational_three_player")
    (exact,) = [e for e in nplayer_equilibria(game) if any(isinstance(p, RealAlgebraic) for s in
                                                            e.strategies for p in s)]
    rough = [[round(float(p), 3) for p in s] for s in exact.strategies]
    box = certify_on_support(game, supports_of(exact), rough)
    assert isinstance(box, BoxEquilibrium)
    for s_exact, s_box in zip(exact.strategies, box.strategies):
        for p, q in zip(s_exact, s_box):
            lo, hi = q.bounds()
            assert lo < p < hi and hi - lo < Fraction(1, 10**38)
            assert str(q)[:22] == p.decimal()[:22]
    data = json.loads(json.dumps(box.to_json()))
    digits = [len(x.replace("0.", "", 1).lstrip("0").replace(".", "")) for s in data["strategies"] for x in s]
    assert min(digits) >= 20
    assert data["enclosures"][0][0]["lower"].count("/") == 1


def test_front_door_json_of_an_irrational_answer():
    game = game_of(distinct_payoffs((5, 5, 5), 1))      # no pure equilibrium; 2x2x2 irrational one
    result = dt.solve(game, "nplayer_logit")
    (eq,) = result
    assert isinstance(eq, BoxEquilibrium)
    out = json.loads(json.dumps(result.to_json()))
    probabilities = [x for s in out["equilibria"][0]["strategies"] for x in s if x != "0"]
    assert all(len(x.replace("0.", "", 1).lstrip("0").replace(".", "")) >= 20 for x in probabilities)
    assert "enclosed" in result.to_text() or "enclosed" in " ".join(result.notes)


# ------------------------------------------------------------ the box test refuses
def test_box_refuses_a_singular_support_system():
    """Player 3 a dummy, players 1 and 2 in matching pennies: a continuum on the full
    supports, whose square system is singular; the box test returns None (the caller
    falls back to the exact Groebner path) and the method still answers, exactly."""
    pennies = np.array([[1, -1], [-1, 1]])
    arrays = [np.stack([pennies, pennies], axis=2), np.stack([-pennies, -pennies], axis=2),
              np.zeros((2, 2, 2), dtype=int)]
    game = game_of(arrays)
    assert certify_on_support(game, [(0, 1), (0, 1), (0, 1)], [(0.5, 0.5)] * 3) is None
    (eq,) = logit_path_equilibrium(game)
    assert type(eq) is Equilibrium and eq.strategies[:2] == ((Fraction(1, 2),) * 2,) * 2


def test_box_refuses_a_profile_that_is_no_equilibrium():
    game = game_of(distinct_payoffs((3, 3, 3), 5))
    every = nplayer_equilibria(game)
    used = {tuple(supports_of(e)) for e in every}
    for supports in itertools.product(*[[(0, 1), (1, 2), (0, 2)]] * 3):
        if supports in used:
            continue
        assert certify_on_support(game, supports, [[1 / 3] * 3] * 3) is None


def test_candidates_screen_correctly():
    """Every float candidate of the search is within 1e-6 of an exact equilibrium."""
    game = game_of(distinct_payoffs((3, 3, 3), 9))
    exact = [sum(as_floats(e), []) for e in nplayer_equilibria(game)]
    arrays = [np.asarray(game.payoff_array(i), dtype=float) for i in range(3)]
    for _, strategies in candidate_equilibria(arrays):
        point = np.concatenate(strategies)
        assert any(np.allclose(point, e, atol=1e-6) for e in exact)


# ------------------------------------------------------------ the path as fallback
def test_a_game_beyond_the_small_supports_goes_to_the_path_and_its_box():
    """A 5x5x5 game (seed found by scanning the benchmark's games) whose small supports hold
    no equilibrium: the logit path guesses a larger support, the box certifies it, and the
    enclosures hold the exact algebraic solution of that support found by Groebner bases."""
    game = game_of(distinct_payoffs((5, 5, 5), 8537))
    arrays = [np.asarray(game.payoff_array(i), dtype=float) for i in range(3)]
    small = [s for s, _ in candidate_equilibria(arrays)]
    result = logit_path_equilibrium(game)
    (eq,) = result
    assert "logit path" in result.notes[0] and isinstance(eq, BoxEquilibrium)
    assert tuple(supports_of(eq)) not in {tuple(s) for s in small}
    assert max(regret_bounds(game, eq)) < 1e-30
    exact, _ = equilibria_on_supports(game, supports_of(eq))
    inside = [e for e in exact if all(q == 0 and p == 0 or isinstance(q, EnclosedReal)
                                      and q.bounds()[0] < p < q.bounds()[1]
                                      for s, t in zip(e.strategies, eq.strategies) for p, q in zip(s, t))]
    assert len(inside) == 1


def test_an_enclosure_around_zero_prints_its_known_digits():
    # a payoff of 0 in an irrational equilibrium printed as arb's "0e-59" before
    from flint import arb
    assert str(EnclosedReal(arb(0, 1e-45))) == "0." + "0" * 25
    assert EnclosedReal(arb(0, 1e-45)).to_json()["decimal"] == "0." + "0" * 25
    # a small number known to be nonzero keeps its significant digits
    assert str(EnclosedReal(arb("1e-30"))).startswith("1.0000")
    # a wide ball around 0 is not written as 25 known zeros
    assert str(EnclosedReal(arb(0, 1e-3))) != "0." + "0" * 25
