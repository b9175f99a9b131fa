"""Equilibrium payoff sets of repeated games (Abreu-Sannikov) against published values."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deterrence import GameError, NormalFormGame, SolverError, TooLargeError
from deterrence.solvers.repeated.folk import individually_rational_set
from deterrence.solvers.repeated.payoff_set import (equilibrium_payoff_set, hausdorff_distance,
                                           payoff_in_equilibrium_set)
from deterrence.solvers.normal_form.pure import pure_equilibria

try:  # QuantEcon is a test oracle only, never a dependency of the library
    from quantecon.game_theory import NormalFormGame as QEGame, RepeatedGame as QERepeated
except ImportError:  # pragma: no cover
    QEGame = None

# QuantEcon test_repeated_game.py and GameTheory.jl test_repeated_game.jl:
# the prisoner's dilemma [[9, 1], [10, 3]] (symmetric)
PD = NormalFormGame.from_arrays([[9, 1], [10, 3]], [[9, 10], [1, 3]], actions=[["C", "D"]] * 2)
PD_VERTICES = {(3, 3), (Fraction(39, 4), 3), (9, 9), (3, Fraction(39, 4))}

# Abreu and Sannikov (2014) example, as in QuantEcon's tests (delta = 0.3)
AS_BIMATRIX = np.array([[(16, 9), (3, 13), (0, 3)],
                        [(21, 1), (10, 4), (-1, 0)],
                        [(9, 0), (5, -4), (-5, -15)]])
AS_GAME = NormalFormGame.from_arrays(AS_BIMATRIX[..., 0].tolist(), AS_BIMATRIX[..., 1].tolist())
AS_VERTICES = np.array([[7.33770472e+00, 1.09826253e+01], [1.12568240e+00, 2.80000000e+00],
                        [7.33770472e+00, 4.44089210e-16], [7.86308964e+00, 4.44089210e-16],
                        [1.97917977e+01, 2.80000000e+00], [1.55630896e+01, 9.10000000e+00]])


@pytest.mark.parametrize("delta", ["3/4", 0.75, "9/10"])   # GameTheory.jl uses 0.75, QuantEcon 0.9
def test_prisoners_dilemma_matches_quantecon_and_gametheory_jl(delta):
    r = equilibrium_payoff_set(PD, delta)
    assert set(r.vertices) == PD_VERTICES
    assert r.exact and r.inner_certified and r.error_bound == 0
    assert r.method == "abreu-sannikov"
    assert r.contains((9, 9)) and r.contains((6, 6)) and not r.contains((Fraction(5, 2), 9))
    assert r.to_json()["vertices"][1] == ["39/4", "3"]


def test_abreu_sannikov_example_matches_published_vertices():
    r = equilibrium_payoff_set(AS_GAME, "3/10")
    assert not r.exact
    assert len(r.vertices) == 6
    assert hausdorff_distance(r.vertices, AS_VERTICES) < 1e-6
    for v in AS_VERTICES:
        assert np.min(np.abs(r.vertices_float - v).max(axis=1)) < 1e-6
    assert 0 < r.error_bound < 1e-6
    assert r.threat_points[1] == pytest.approx(0, abs=1e-9)


def test_no_pure_spe_gives_empty_set():
    g = NormalFormGame.from_arrays([[1, -1], [-2, 1]], [[-1, 2], [2, 0]])
    r = equilibrium_payoff_set(g, "1/20")
    assert r.is_empty and "no pure-strategy" in r.notes[0]
    assert payoff_in_equilibrium_set((0, 0), g, "1/20", result=r).verdict == "outside"


def test_membership_says_which_side_of_the_bound():
    m = payoff_in_equilibrium_set((Fraction(39, 4), 3), PD, "3/4")
    assert m.verdict == "inside" and m.certain and m
    m = payoff_in_equilibrium_set((Fraction(979, 100), 3), PD, "3/4")
    assert m.verdict == "outside" and m.certain and not m
    r = equilibrium_payoff_set(AS_GAME, "3/10")
    inside = payoff_in_equilibrium_set((10, 5), AS_GAME, "3/10", result=r)
    assert inside.verdict == "inside" and not inside.certain and inside.margin > r.error_bound
    vertex = tuple(r.vertices[0])
    assert payoff_in_equilibrium_set(vertex, AS_GAME, "3/10", result=r).verdict == "undecided"
    far = payoff_in_equilibrium_set((20, 20), AS_GAME, "3/10", result=r)
    assert far.verdict == "outside" and far.certain and far.margin < 0


def test_explicit_failures():
    with pytest.raises(GameError, match="between 0 and 1"):
        equilibrium_payoff_set(PD, 1)
    with pytest.raises(SolverError, match="did not converge in max_iter=2"):
        equilibrium_payoff_set(AS_GAME, "3/10", max_iter=2)
    with pytest.raises(TooLargeError, match="iterations"):
        equilibrium_payoff_set(PD, 1 - 1e-9, tol=1e-12, max_iter=10 ** 12)
    three = NormalFormGame.from_payoff_arrays([np.zeros((2, 2, 2), dtype=int)] * 3)
    with pytest.raises(GameError, match="two-player"):
        equilibrium_payoff_set(three, "1/2")


def test_large_game_refused_before_work():
    big = NormalFormGame.from_arrays(np.ones((120, 120), dtype=int), np.ones((120, 120), dtype=int))
    with pytest.raises(TooLargeError, match="14400 profiles"):
        equilibrium_payoff_set(big, "999/1000", tol=1e-12, max_iter=5000)


def _random_game(rng, n=3, m=3):
    A, B = rng.integers(-10, 11, size=(2, n, m))
    return NormalFormGame.from_arrays(A.tolist(), B.tolist()), np.stack([A, B], axis=-1)


if QEGame is not None:
    def test_cross_check_against_quantecon_random_3x3():
        rng = np.random.default_rng(20140313)
        compared = 0
        for _ in range(8):
            game, bimatrix = _random_game(rng)
            for delta in (0.4, 0.8):
                ours = equilibrium_payoff_set(game, delta)
                try:
                    hull = QERepeated(QEGame(bimatrix), delta).equilibrium_payoffs()
                except (ValueError, RuntimeError) as exc:
                    if "incentive-compatible" in str(exc):   # QuantEcon: no pure-action SPE
                        assert ours.is_empty
                    else:                         # qhull cannot hull a point or a segment
                        assert len(ours.vertices) <= 2
                    continue
                theirs = hull.points[hull.vertices]
                assert hausdorff_distance(ours.vertices, theirs) < 1e-6 + ours.error_bound
                compared += 1
        assert compared >= 8


small = st.integers(-5, 5)


@st.composite
def stage_games(draw):
    n, m = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    A = draw(st.lists(st.lists(small, min_size=m, max_size=m), min_size=n, max_size=n))
    B = draw(st.lists(st.lists(small, min_size=m, max_size=m), min_size=n, max_size=n))
    return NormalFormGame.from_arrays(A, B)


DELTAS = [Fraction(1, 5), Fraction(1, 2), Fraction(4, 5), Fraction(9, 10)]


@settings(max_examples=25, deadline=None)
@given(stage_games(), st.sampled_from(DELTAS[:-1]), st.integers(1, 3))
def test_set_properties(game, delta, k):
    low = equilibrium_payoff_set(game, delta)
    high = equilibrium_payoff_set(game, DELTAS[min(DELTAS.index(delta) + k, len(DELTAS) - 1)])
    slack = 1e-7
    ir = individually_rational_set(game, mixed=False)
    for v in low.vertices:
        # inside the individually rational feasible set (pure minmax: pure-strategy equilibria)
        assert _dist(ir, v) <= slack + low.rounding
        # monotone in delta: a larger delta gives a superset, within the error bounds
        assert high.distance(v) <= low.error_bound + high.error_bound + slack
    for eq in pure_equilibria(game):
        for r in (low, high):
            assert r.contains(eq.payoffs, tol=r.error_bound + slack)


def _dist(poly, v):
    from deterrence.solvers.repeated.payoff_set import _dist_to_polygon
    return float(_dist_to_polygon(poly.as_float(), np.array([[float(v[0]), float(v[1])]]))[0])
