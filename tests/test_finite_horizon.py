"""Finitely repeated games: backward induction, cross-checked with nashpy."""
from fractions import Fraction

import pytest
from nashpy.repeated_games import obtain_repeated_game

from deterrence import NormalFormGame
from deterrence.errors import GameError
from deterrence.solvers.repeated.finite_horizon import finite_horizon_spe, finite_one_shot_deviation

PD = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=[["C", "D"]] * 2)
# Benoit-Krishna style game: (M, M) and (B, B) are stage equilibria, (T, T) is not;
# the threat of (B, B) after a deviation sustains (T, T) in early rounds.
BK = NormalFormGame.from_arrays(
    [[4, 0, 0], [5, 3, 0], [0, 0, 1]],
    [[4, 5, 0], [0, 3, 0], [0, 0, 1]],
    actions=[["T", "M", "B"]] * 2)


def pure_nash_payoffs(A, B):
    """Pure equilibrium payoff vectors of a bimatrix game (floats)."""
    out = set()
    best_r = A.max(axis=0)
    best_c = B.max(axis=1)
    for i in range(A.shape[0]):
        for j in range(A.shape[1]):
            if A[i, j] == best_r[j] and B[i, j] == best_c[i]:
                out.add((float(A[i, j]), float(B[i, j])))
    return out


def test_unique_stage_equilibrium_repeated():
    r = finite_horizon_spe(PD, 4)
    assert r.unique_stage_equilibrium
    assert r.spe_payoffs == ((1, 1),)
    assert r.paths[(1, 1)] == (("D", "D"),) * 4


def test_pd_matches_nashpy_twice_repeated():
    rep = obtain_repeated_game(PD.to_nashpy(), repetitions=2)
    A, B = rep.payoff_matrices
    # the twice-repeated PD's pure Nash equilibria all pay (2P, 2P), the SPE payoff
    ne = pure_nash_payoffs(A, B)
    ours = {(2 * float(a), 2 * float(b)) for a, b in finite_horizon_spe(PD, 2).spe_payoffs}
    assert ne == ours == {(2.0, 2.0)}


def test_nash_reversion_sustains_cooperation_and_matches_nashpy():
    r = finite_horizon_spe(BK, 2)
    assert not r.unique_stage_equilibrium
    assert set(r.stage_equilibria) == {("M", "M"), ("B", "B")}
    # (T, T) then (M, M): 4 + 3 = 7 each, average 7/2
    assert (Fraction(7, 2), Fraction(7, 2)) in r.spe_payoffs
    assert r.paths[(Fraction(7, 2), Fraction(7, 2))] == (("T", "T"), ("M", "M"))
    # not (T, T) twice: the last round must be a stage equilibrium
    assert all(path[-1] in r.stage_equilibria for path in r.paths.values())


BOS = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[1, 0], [0, 2]], actions=[["O", "F"]] * 2)


def test_two_equilibria_matches_nashpy_twice_repeated():
    """nashpy's twice-repeated game (32 x 32 strategies): every pure SPE payoff of ours
    is a pure Nash payoff there, and each pair of stage equilibria is an SPE path."""
    r = finite_horizon_spe(BOS, 2)
    rep = obtain_repeated_game(BOS.to_nashpy(), repetitions=2)
    A, B = rep.payoff_matrices
    assert A.shape == (32, 32)
    ne = pure_nash_payoffs(A, B)
    ours = {(2 * float(a), 2 * float(b)) for a, b in r.spe_payoffs}
    assert ours <= ne
    assert ours == {(4.0, 2.0), (3.0, 3.0), (2.0, 4.0)}


def test_discounting_can_break_reversion():
    # with delta = 1/4 the future threat (3 - 1 = 2, discounted to 1/2) is below the
    # one-shot gain 5 - 4 = 1, so (T, T) can no longer be played in round 1
    r = finite_horizon_spe(BK, 2, delta=Fraction(1, 4))
    assert all(path[0] != ("T", "T") for path in r.paths.values())
    r2 = finite_horizon_spe(BK, 2, delta=Fraction(1, 2))
    assert any(path[0] == ("T", "T") for path in r2.paths.values())


def test_finite_one_shot_deviation():
    assert finite_one_shot_deviation(PD, "alld", horizon=5).subgame_perfect
    r = finite_one_shot_deviation(PD, "grim", horizon=5)
    assert not r.subgame_perfect
    assert r.deviations[0][0] == 1     # the last round unravels first
    assert r.payoffs == (3, 3)


def test_errors():
    with pytest.raises(GameError, match="horizon"):
        finite_horizon_spe(PD, 0)
    mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    with pytest.raises(GameError, match="no pure equilibrium"):
        finite_horizon_spe(mp, 2)
    with pytest.raises(GameError, match="finite horizon"):
        finite_one_shot_deviation(PD, "grim")


def test_uniqueness_is_not_claimed_when_the_enumeration_refuses_the_stage_game():
    """A 16x16 degenerate stage game that enumeration refuses (TooLargeError), with one pure
    equilibrium and a mixed one (uniform over the other 15 actions of each side: the column
    player chases the row player round a cycle). The result said "the only one"."""
    from deterrence import NormalFormGame
    from deterrence.errors import TooLargeError
    from deterrence.solvers import solve
    from deterrence.solvers.certify import is_equilibrium
    n = 16
    A = [[int(i == j) for j in range(n)] for i in range(n)]
    B = [[int((i, j) == (0, 0) or (i > 0 and j == 1 + i % (n - 1))) for j in range(n)] for i in range(n)]
    stage = NormalFormGame.from_arrays(A, B)
    with pytest.raises(TooLargeError):
        solve(stage)
    mixed = (0,) + (Fraction(1, n - 1),) * (n - 1)
    assert is_equilibrium(stage, [mixed, mixed]) and len(solve(stage, "pure").equilibria) == 1
    r = finite_horizon_spe(stage, 2)
    assert r.unique_stage_equilibrium is None and r.to_json()["unique_stage_equilibrium"] is None
    assert "the only one" not in repr(r) and "not known" in repr(r)
