"""Logit QRE: the traced branch solves the fixed point, its limit is a certified Nash
equilibrium, and maximum likelihood recovers lambda from simulated data."""
import math
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deterrence import NormalFormGame, load_game, solve
from deterrence.errors import DefaultValuesWarning, GameError
from deterrence.solvers.certify import is_equilibrium
from deterrence.solvers.inference.qre_fit import fit_logit_qre, simulate_choices
from deterrence.solvers.normal_form.qre import limit_equilibrium, logit_branch, qre_at


def logit_residual(game, profile, lam):
    """max |pi - logit(lam * u(pi))| computed directly (brute force over profiles)."""
    arrays = game.with_defaults().as_float() if game.is_symbolic else game.as_float()
    worst = 0.0
    for i, arr in enumerate(arrays):
        u = np.zeros(arr.shape[i])
        for cell in np.ndindex(arr.shape):
            p = math.prod(profile[k][cell[k]] for k in range(len(arrays)) if k != i)
            u[cell[i]] += p * arr[cell]
        w = np.exp(lam * (u - u.max()))
        worst = max(worst, float(np.abs(w / w.sum() - np.asarray(profile[i])).max()))
    return worst


def test_mckelvey_palfrey_asymmetric_matching_pennies():
    # McKelvey and Palfrey (1995), section 4: A = [[9, 0], [0, 1]] for Row, matching
    # pennies for Column; Nash has Row mixing 1/2 and Column playing 1/10 on the left, while
    # the QRE has Row playing the top more than half the time at every lambda > 0
    g = NormalFormGame.from_arrays([[9, 0], [0, 1]], [[0, 1], [1, 0]])
    branch = logit_branch(g)
    assert branch.limit.strategies == ((F(1, 2), F(1, 2)), (F(1, 10), F(9, 10)))
    top = branch.probabilities("Row", 0)
    assert top[0] == pytest.approx(0.5) and (top[1:] > 0.5).all()
    for lam, prof in list(zip(branch.lambdas, branch.profiles))[::5]:
        assert logit_residual(g, prof, lam) < 1e-8


def test_limits_of_the_catalogue_games_are_their_equilibria():
    for name in ["chicken", "matching_pennies", "prisoners_dilemma", "stag_hunt", "battle_of_the_sexes",
                 "rock_paper_scissors", "inspection_game", "us_iran_stage"]:
        g = load_game(name)
        res = solve(g, "qre")
        assert res.exact and is_equilibrium(g.with_defaults(), res[0].strategies)
        assert res[0].strategies in [e.strategies for e in solve(g)]


def test_qre_at_and_the_front_door():
    g = load_game("chicken").with_defaults()
    for lam in (0.0, 0.3, 2.0, 17.0):
        prof = qre_at(g, lam)
        assert logit_residual(g, prof, lam) < 1e-9
    res = solve(g, "qre", lam=0.3)
    assert not res.exact and res[0].strategies == qre_at(g, 0.3)
    with pytest.raises(GameError):
        qre_at(g, -1)


def test_three_player_branch():
    rng = np.random.default_rng(5)
    arrays = [rng.integers(-3, 4, size=(2, 2, 2)) for _ in range(3)]
    g = NormalFormGame.from_payoff_arrays(arrays)
    branch = logit_branch(g)
    assert branch.limit is not None and is_equilibrium(g, branch.limit.strategies)
    for lam, prof in list(zip(branch.lambdas, branch.profiles))[::4]:
        assert logit_residual(g, prof, lam) < 1e-8


def _three_player_game(shape, seed, top):
    rng = np.random.default_rng(seed)
    return NormalFormGame.from_payoff_arrays([rng.integers(0, top + 1, size=shape) for _ in shape])


def _among(eq, result) -> bool:
    """``eq`` is one of the n-player method's isolated equilibria, or lies on the supports of one
    of its continua (degenerate games: a segment of equilibria, of which it lists a sample)."""
    supports = tuple(tuple(label for label, p in zip(labels, s) if p != 0)
                     for labels, s in zip(result.actions, eq.strategies))
    return (any(same_point(eq, other) for other in result)
            or any(c.supports == supports for c in result.continua))


def test_an_irrational_limit_of_three_players_is_certified_and_is_one_of_all_the_equilibria():
    """The branch of this 3x3x3 game ends at an equilibrium with irrational probabilities: no
    fraction rounds to it (the front door refused the game before), the box test proves it."""
    from deterrence.solvers.normal_form.box_certify import BoxEquilibrium
    from deterrence.solvers.normal_form.nplayer import AlgebraicEquilibrium, nplayer_equilibria
    game = _three_player_game((3, 3, 3), 94, 9)
    result = solve(game, "qre")
    (limit,) = result
    assert isinstance(limit, BoxEquilibrium) and result.exact
    assert any("certified balls" in note for note in result.notes)
    every = nplayer_equilibria(game)
    assert every.complete and _among(limit, every)
    assert isinstance(next(e for e in every if same_point(e, limit)), AlgebraicEquilibrium)


@settings(max_examples=12, deadline=None)
@given(st.sampled_from([(2, 2, 2), (3, 2, 2), (2, 3, 4), (3, 3, 3)]), st.integers(0, 2**32 - 1),
       st.sampled_from([3, 9, 99]))
def test_the_limit_of_three_players_is_certified_and_is_one_of_all_the_equilibria(shape, seed, top):
    """Random three-player games (about 5% of them have an irrational limit): the branch's end
    is matched to a certified equilibrium, one of the complete list of the n-player method."""
    from deterrence.solvers.normal_form.nplayer import nplayer_equilibria
    game = _three_player_game(shape, seed, top)
    (limit,) = solve(game, "qre")
    every = nplayer_equilibria(game)
    assert _among(limit, every) or not every.complete


def test_nearest_on_supports_takes_the_equilibrium_nearest_the_point():
    """Two equilibria of this 2x2x2 game (payoffs of a seeded random search, 0..9) mix every
    action: each float guess near one gets that one."""
    from deterrence.solvers.normal_form.nplayer import nearest_on_supports, nplayer_equilibria
    game = NormalFormGame.from_payoff_arrays([[[[2, 3], [8, 8]], [[3, 3], [9, 5]]],
                                              [[[1, 7], [9, 4]], [[9, 1], [3, 4]]],
                                              [[[9, 3], [0, 3]], [[4, 6], [2, 1]]]])
    full = [e for e in nplayer_equilibria(game) if all(0 < p < 1 for s in e.strategies for p in s)]
    assert len(full) == 2
    for e in full:
        guess = [[float(p) + 1e-3 * (-1) ** k for k, p in enumerate(s)] for s in e.strategies]
        assert same_point(nearest_on_supports(game, [(0, 1)] * 3, guess), e)
    assert nearest_on_supports(game, [(0, 1)] * 3, guess, max_unknowns=2) is None


def test_limit_equilibrium_refuses_a_non_equilibrium():
    g = load_game("prisoners_dilemma")
    assert limit_equilibrium(g, [(1.0, 0.0), (1.0, 0.0)]) is None


@st.composite
def bimatrix(draw):
    m, n = draw(st.integers(2, 3)), draw(st.integers(2, 3))
    vals = st.integers(-5, 5)
    return NormalFormGame.from_arrays([[draw(vals) for _ in range(n)] for _ in range(m)],
                                      [[draw(vals) for _ in range(n)] for _ in range(m)])


@settings(max_examples=25, deadline=None)
@given(bimatrix(), st.floats(0.05, 5.0))
def test_branch_points_are_qre_and_limit_is_nash(g, lam):
    prof = qre_at(g, lam)
    assert logit_residual(g, prof, lam) < 1e-8
    branch = logit_branch(g)
    if branch.limit is not None:      # degenerate games may end on a continuum
        assert is_equilibrium(g, branch.limit.strategies)


def test_fit_recovers_lambda_within_its_standard_error():
    g = NormalFormGame.from_arrays([[9, 0], [0, 1]], [[0, 1], [1, 0]])
    true = 0.8
    fit = fit_logit_qre(g, simulate_choices(g, true, 3000, seed=11))
    assert abs(fit.lam - true) < 2 * fit.se and fit.se < 0.2 * true
    # coverage: about 68% of 1-SE intervals and 95% of 2-SE intervals hold the truth
    z = []
    for seed in range(30):
        f = fit_logit_qre(g, simulate_choices(g, true, 1500, seed=seed))
        z.append(abs(f.lam - true) / f.se)
    z = np.array(z)
    assert 0.45 <= (z < 1).mean() <= 0.9 and (z < 2).mean() >= 0.8


def test_fit_of_a_payoff_parameter():
    g = load_game("inspection_game")       # parameters g, f, h, l
    data = simulate_choices(g.subs(f=6), 1.0, 20000, seed=2)
    with pytest.warns(DefaultValuesWarning, match=r"f fitted; .* held at their default values \(g=1, h=1, l=4\)"):
        fit = fit_logit_qre(g, data, parameters=("f",))
    assert abs(fit.estimates["f"] - 6) < 3 * fit.standard_errors["f"]
    assert abs(fit.lam - 1.0) < 3 * fit.standard_errors["lambda"]
    with pytest.raises(GameError, match="no parameter"):
        fit_logit_qre(g, data, parameters=("nope",))
    with pytest.raises(GameError, match="payoffs are numbers .*f=.*nothing to fit in f"):
        fit_logit_qre(g.with_defaults(), data, parameters=("f",))      # it "fitted" f = its default
    with pytest.raises(GameError):
        fit_logit_qre(g, {"Inspectee": {"comply": 3}})


def test_agent_qre_of_a_simultaneous_game_is_the_normal_form_qre():
    from deterrence.core.tree import GameTree, decision, terminal
    from deterrence.solvers.tree.agent_qre import agent_logit_branch, agent_qre_at
    A, B = [[9, 0], [0, 1]], [[0, 1], [1, 0]]
    root = decision("Row", {r: decision("Column", {c: terminal([A[i][j], B[i][j]])
                                                   for j, c in enumerate(("L", "R"))}, infoset="c")
                            for i, r in enumerate(("T", "D"))})
    tree = GameTree(root, players=["Row", "Column"])
    g = NormalFormGame.from_arrays(A, B)
    for lam in (0.5, 2.0, 6.0):
        q = agent_qre_at(tree, lam)
        row, col = qre_at(g, lam)
        assert [q[("Row", "root")][a] for a in "TD"] == pytest.approx(row, abs=1e-7)
        assert [q[("Column", "c")][a] for a in "LR"] == pytest.approx(col, abs=1e-7)
    assert len(agent_logit_branch(tree, max_lambda=20)) > 2


def test_agent_qre_in_entry_deterrence_solves_the_logit_equations():
    from deterrence.solvers.tree.agent_qre import agent_qre_at
    tree = load_game("entry_deterrence").with_defaults()  # out: (0, 2); in: fight (-1, -1), accommodate (1, 1)
    lam = 1.3
    q = agent_qre_at(tree, lam)
    fight = 1 / (1 + math.exp(2 * lam))             # the incumbent: -1 against 1
    assert q[("Incumbent", "in")]["fight"] == pytest.approx(fight, abs=1e-8)
    value_in = -fight + (1 - fight)
    enter = 1 / (1 + math.exp(-lam * value_in))
    assert q[("Entrant", "root")]["in"] == pytest.approx(enter, abs=1e-8)
    with pytest.raises(GameError):
        agent_qre_at(load_game("chicken").with_defaults(), 1.0)


# -- pygambit, where installed --------------------------------------------------------------
try:
    import pygambit
except ImportError:        # the cross-check below is defined only when pygambit is there
    pygambit = None

if pygambit is not None:
    @pytest.mark.parametrize("shape, index", [((2, 2), 0), ((3, 3), 1), ((4, 4), 2), ((2, 2, 2), 3)])
    def test_our_logit_branch_is_gambits(shape, index):
        # the same branch: the QRE at fixed lambdas agree with logit_solve_lambda, and the end of
        # Gambit's logit_solve (a float Nash approximation) is our certified limit
        rng = np.random.default_rng(2024 + index)
        arrays = [rng.integers(0, 10, size=shape) for _ in shape]
        game = NormalFormGame.from_payoff_arrays(arrays)
        g = pygambit.Game.from_arrays(*[np.asarray(a) for a in arrays])

        def flat(profile):
            return np.array([float(profile[s]) for p in g.players for s in p.strategies])
        lambdas = [0.5, 2.0, 8.0]
        for lam, theirs in zip(lambdas, pygambit.qre.logit_solve_lambda(g, lam=lambdas)):
            assert np.abs(np.concatenate(qre_at(game, lam)) - flat(theirs.profile)).max() < 1e-5
        limit = logit_branch(game).limit
        assert limit is not None and is_equilibrium(game, limit.strategies)
        end = flat(pygambit.nash.logit_solve(g).equilibria[0])
        # Gambit stops at a large finite lambda: its end is near the limit (3e-4 seen at 2x2x2),
        # ours is the limit itself, certified exactly
        assert np.abs(np.array([float(p) for s in limit.strategies for p in s]) - end).max() < 1e-3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.integers(0, 2**32 - 1))
def test_homotopy_residual_and_jacobian_against_the_definition(shape, seed):
    """H(y, lambda) of the tracer equals the logit equations written out with action_values,
    and its Jacobian equals central differences of H (every player count, both code paths)."""
    from deterrence.solvers.normal_form.qre import _Homotopy, action_values
    rng = np.random.default_rng(seed)
    arrays = [rng.normal(size=shape) for _ in shape]
    H = _Homotopy(arrays)
    z = np.append(rng.normal(size=H.size) - 1.0, rng.uniform(0, 5))
    y, lam = z[:-1], z[-1]
    probs = [np.exp(v) for v in H.split(y)]
    u = action_values(arrays, probs)
    expected = np.concatenate([np.concatenate([[p.sum() - 1.0], v[1:] - v[0] - lam * (w[1:] - w[0])])
                               for p, v, w in zip(probs, H.split(y), u)])
    r, J = H.evaluate(z)
    assert np.allclose(r, expected, atol=1e-12)
    eps = 1e-6
    numeric = np.column_stack([(H.residual(z + eps * e) - H.residual(z - eps * e)) / (2 * eps)
                               for e in np.eye(H.size + 1)])
    assert np.allclose(J, numeric, atol=1e-5)
    assert np.array_equal(H.jacobian(z), J)             # the cached evaluation at the same point


@pytest.mark.parametrize("scale", [10**12, 10**50, 10**300, F(1, 10**9)], ids=["1e12", "1e50", "1e300", "1e-9"])
def test_the_logit_branch_and_the_fit_do_not_depend_on_the_payoffs_units(scale):
    """The logit response depends on lambda times the payoffs only: payoffs times ``scale``
    give the same branch at lambda / scale. The tracer steps in lambda units, so before,
    payoffs spread over 10^12 were fitted wrongly (C 0.3168 for an observed 0.328) and over
    10^50 not at all (the step length fell below 1e-12)."""
    from deterrence.solvers.normal_form.qre import logit_branch, qre_at
    chicken = load_game("chicken").with_defaults()
    A, B = (np.array([[F(v) for v in row] for row in arr.tolist()], dtype=object) for arr in chicken.as_float())
    big = NormalFormGame.from_arrays(A * scale, B * scale, players=chicken.players, actions=chicken.actions)
    for lam in (0.3, 2.0):
        assert np.allclose(qre_at(big, lam / float(scale)), qre_at(chicken, lam), atol=1e-9)
    assert logit_branch(big).limit.strategies == logit_branch(chicken).limit.strategies
    counts = simulate_choices(chicken, 0.5, 4000, seed=1)
    small, large = fit_logit_qre(chicken, counts), fit_logit_qre(big, counts)
    assert large.lam * float(scale) == pytest.approx(small.lam, rel=1e-6)
    assert np.allclose(large.fitted, small.fitted, atol=1e-8)
    if scale < 10**100:                         # the curvature in lambda is a float there
        assert large.se * float(scale) == pytest.approx(small.se, rel=1e-3)


def test_a_branch_that_bends_back_in_lambda_is_followed_to_its_nash_limit():
    # found by hypothesis: the branch turns back near lambda = 9.7; a long step across the bend
    # landed on a branch at negative lambda, which the tracer then followed towards -10^6
    g = NormalFormGame.from_arrays([[-5, 2], [-4, -5], [-5, 3]], [[0, 4], [5, 0], [-4, -5]])
    branch = logit_branch(g)
    assert min(branch.lambdas[1:]) > 0
    assert any(a > b for a, b in zip(branch.lambdas, branch.lambdas[1:]))     # it does bend back
    assert branch.limit.strategies == ((0, 1, 0), (1, 0))
    assert is_equilibrium(g, branch.limit.strategies)


def natural_continuation(arrays, lambdas, increments=2000):
    """The logit branch at each of *lambdas* (increasing) by natural-parameter continuation, an
    oracle independent of the tracer: lambda raised from 0 in *increments* equal steps, each point
    corrected at its fixed lambda from the last. Valid below the branch's first turn in lambda
    (there the branch is a graph over lambda); None past a step whose point moved by more than
    0.05 in probability (a turn, or a jump to another branch)."""
    from deterrence.solvers.normal_form.qre import _correct, _Homotopy
    H = _Homotopy([np.asarray(a, dtype=float) for a in arrays])
    z = np.append(np.concatenate([np.full(m, -np.log(m)) for m in H.shape]), 0.0)
    out, targets = [], list(lambdas)
    for lam in np.linspace(0.0, targets[-1], increments + 1)[1:]:
        w = z.copy()
        w[-1] = lam
        nxt = _correct(H, w, 1e-12, max_iter=30, fixed_lambda=True)
        if nxt is None or np.abs(np.exp(nxt[:-1]) - np.exp(z[:-1])).max() > 0.05:
            return None
        z = nxt
        while targets and lam >= targets[0] - 1e-12:
            out.append(np.exp(z[:-1]))
            targets.pop(0)
    return out


@pytest.mark.parametrize("arrays, lambdas", [
    # an S-shaped double fold near lambda = 0.28: a long step across it landed on the sheet before
    # the folds, traced it back to lambda = 0 and failed there ("step length fell below 1e-12")
    ([[[95, 68], [19, 37], [18, 86]], [[78, 80], [95, 88], [38, 63]]], [0.05, 0.15, 0.25]),
    # a 3x3x3 game (seed 1, payoffs 0..3) whose branch the tracer left at lambda = 0.97 for another
    # branch, which took it to a different Nash limit; qre_at failed at lambda = 1.9 and 2
    (np.random.default_rng(1).integers(0, 4, size=(3, 3, 3, 3)).tolist(), [0.5, 1.0, 1.9, 2.0]),
])
def test_the_tracer_stays_on_the_branch_across_folds(arrays, lambdas, monkeypatch):
    """The side of the branch (the sign of det [J; t]) is kept: at each lambda the tracer's QRE is
    the natural continuation's, with the compiled tracer and without it, and the limit is certified."""
    expected = natural_continuation(arrays, lambdas)
    assert expected is not None
    game = NormalFormGame.from_payoff_arrays([np.array(a) for a in arrays])
    for setting in ("0", "1"):
        monkeypatch.setenv("DETERRENCE_NUMBA", setting)
        for lam, want in zip(lambdas, expected):
            assert np.abs(np.concatenate(qre_at(game, lam)) - want).max() < 1e-8, (setting, lam)
        branch = logit_branch(game)
        assert not branch.stopped and branch.limit is not None
        assert is_equilibrium(game, branch.limit.strategies)


@pytest.mark.parametrize("arrays, lam", [
    # a 2x2x2 game whose trace steps from lambda = 1.04 to 6.03: the straight line's point at
    # 10/3 lay too far from the curve for the fixed-lambda corrector ("the corrector failed")
    ([[[[0, 1], [2, 3]], [[2, 0], [1, 2]]], [[[0, 1], [0, 0]], [[1, 1], [0, 2]]],
      [[[1, 1], [1, 3]], [[1, 1], [3, 2]]]], 10 / 3),
    # payoffs spread over 1.6e6 (traced rescaled): a step from 1.07 to 11.09 across lambda = 10
    ([[[0, 434700, 569688], [418338, 63619, -967352], [632061, -257881, 0]],
      [[461122, 991617, 413322], [389730, -279464, -547063], [0, -559147, 0]]], 10.0),
])
def test_qre_at_lands_on_the_branch_after_a_long_step(arrays, lam):
    """(Found by a helper's fuzz of stop 35: 10 of 190,000 calls.) ``lam`` is in units of the
    spread for the rescaled game: the QRE there against natural-parameter continuation."""
    from deterrence.solvers.normal_form.qre import _scaled_homotopy
    floats = [np.asarray(a, dtype=float) for a in arrays]
    _, scale = _scaled_homotopy(floats)
    expected = natural_continuation([a / scale for a in floats], [lam])
    game = NormalFormGame.from_payoff_arrays([np.array(a) for a in arrays])
    assert np.abs(np.concatenate(qre_at(game, lam / scale)) - expected[0]).max() < 1e-8


# a 4x4 game of a helper's fuzz (stop 36; payoffs spread over 1.9e6, the row player's column 2 all
# zero): past a fold at lambda = 70.4 (in units of the spread) a step of length 42 (lambda 63 ->
# 21.5, probabilities moved by 0.17) landed on a closed loop of QREs off the branch; the trace went
# round it (lambda 17.7 -> 36.9 -> 17.7 ...) until it stalled, and qre refused
_LOOPING = [[[337792, 0, 0, 874740], [0, 791371, 0, 0], [-704136, 992551, 0, 265560], [147175, 0, 0, 0]],
            [[-30886, 167305, 933871, -949404], [297332, -345069, -41338, 0], [-816955, 0, -358768, 618634],
             [531142, 0, -178362, 817422]]]
# a 3x3x2 game of the same fuzz (payoffs 0..99): qre_at(1/9.8) failed, "the corrector failed"
_LONG_STEP = [[[[22, 87], [74, 83], [19, 70]], [[86, 83], [70, 8], [85, 48]], [[53, 41], [76, 37], [77, 61]]],
              [[[22, 52], [85, 89], [26, 68]], [[42, 66], [60, 58], [96, 74]], [[35, 21], [59, 84], [44, 27]]],
              [[[8, 46], [37, 19], [64, 74]], [[82, 45], [65, 59], [99, 1]], [[9, 85], [54, 25], [42, 43]]]]


def test_a_failed_trace_is_traced_again_with_short_steps_in_probability(monkeypatch):
    """A failed trace is traced again with no step moving a probability by more than
    MAX_PROBABILITY_STEP: both games, with the compiled tracer and without it. The looping game's
    branch reaches its target with a certified limit, agrees with natural-parameter continuation
    below its fold, and no step of it moves a probability by more than the cap; qre_at on the
    other game gives a point that solves the logit equations."""
    from deterrence.solvers.normal_form.qre import MAX_PROBABILITY_STEP, _scaled_homotopy
    floats = [np.asarray(a, dtype=float) for a in _LOOPING]
    _, scale = _scaled_homotopy(floats)
    lambdas = [10.0, 40.0, 70.0]                        # in units of the spread, below the fold
    expected = natural_continuation([a / scale for a in floats], lambdas, increments=7000)
    game = NormalFormGame.from_payoff_arrays([np.array(a) for a in _LOOPING])
    other = NormalFormGame.from_payoff_arrays([np.array(a) for a in _LONG_STEP])
    from deterrence.solvers.normal_form.qre import action_values
    other_arrays = [np.asarray(a, dtype=float) for a in _LONG_STEP]
    for setting in ("0", "1"):
        monkeypatch.setenv("DETERRENCE_NUMBA", setting)
        branch = logit_branch(game)
        assert not branch.stopped and branch.limit is not None and is_equilibrium(game, branch.limit.strategies)
        jumps = np.abs(np.diff(np.array([np.concatenate(p) for p in branch.profiles]), axis=0)).max(axis=1)
        assert jumps.max() <= MAX_PROBABILITY_STEP + 1e-12
        for lam, want in zip(lambdas, expected):
            assert np.abs(np.concatenate(qre_at(game, lam / scale)) - want).max() < 1e-8, (setting, lam)
        point = qre_at(other, 0.1)            # past a fold there: the logit equations at lambda = 0.1
        for p, u in zip(point, action_values(other_arrays, point)):
            assert np.abs(np.log(p) - np.log(p[0]) - 0.1 * (u - u[0])).max() < 1e-8


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([(2, 2), (3, 2), (3, 3), (2, 4), (2, 2, 2), (3, 3, 2)]), st.integers(0, 2**32 - 1))
def test_the_branch_below_its_first_turn_is_the_natural_continuation(shape, seed):
    """Random games, payoffs 0..9: the tracer's QRE at lambda = 0.5, 1, 2 (divided by the spread)
    against natural-parameter continuation, wherever the continuation is smooth that far."""
    rng = np.random.default_rng(seed)
    arrays = [rng.integers(0, 10, size=shape) for _ in shape]
    spread = max(float(np.ptp(a)) for a in arrays) or 1.0
    lambdas = [0.5 / spread, 1.0 / spread, 2.0 / spread]
    expected = natural_continuation(arrays, lambdas, increments=1000)
    if expected is None:            # the branch turns (or nearly) below lambda = 2 / spread
        return
    game = NormalFormGame.from_payoff_arrays(arrays)
    for lam, want in zip(lambdas, expected):
        assert np.abs(np.concatenate(qre_at(game, lam)) - want).max() < 1e-7


def test_a_branch_the_corrector_cannot_follow_far_out_ends_with_a_certified_equilibrium(monkeypatch):
    """A degenerate 3x3 game whose equilibria form a continuum: far out (lambda ~ 2e4) the
    bordered system's condition number is 1e15 and the float corrector cannot meet its tolerance,
    so the trace stalls (it crept 20,000 steps, 11 s, and raised before). The branch stops there,
    says so, and its limit is the certified equilibrium found on its last point's support."""
    game = NormalFormGame.from_arrays([[1, 1, 0], [0, 2, 2], [0, 2, 3]], [[1, 1, 3], [3, 2, 1], [2, 3, 2]])
    monkeypatch.setenv("DETERRENCE_NUMBA", "0")
    branch = logit_branch(game)
    result = solve(game, "qre")
    assert branch.stopped.startswith(("it stalled", "it crawled"))     # crawling far out stops it sooner
    assert branch.lambdas[-1] * 3 >= 1e3             # far out: FAR_OUT, in units of the spread
    assert branch.to_json()["stopped"] == branch.stopped
    assert is_equilibrium(game, branch.limit.strategies)
    assert result[0].strategies == branch.limit.strategies
    assert "not proved to be the branch's limit" in result.notes[0]
    last = np.concatenate(branch.profiles[-1])
    assert np.abs(np.concatenate([np.array(s, dtype=float) for s in branch.limit.strategies]) - last).max() < 1e-2


@pytest.mark.parametrize("A, B", [
    # the column player's equilibria on {0, 2, 3} form a segment; the branch ends inside it
    ([[9, 4, 4, 2], [0, 2, 6, 1], [1, 6, 7, 1]], [[1, 1, 7, 4], [1, 8, 2, 2], [7, 6, 1, 4]]),
    ([[1, 0, 3, 1], [2, 0, 3, 0], [2, 2, 0, 1], [3, 2, 2, 2]],
     [[3, 2, 2, 3], [1, 1, 0, 2], [2, 1, 0, 0], [1, 1, 2, 0]]),
])
def test_a_limit_inside_a_continuum_is_certified_near_the_branchs_end(A, B):
    """Degenerate games whose branch ends inside a continuum of equilibria: the indifference
    equations on the limit's support have many solutions, so they were solved with a free
    unknown set to 0 (the value: a negative 'probability'), and rounding missed the continuum;
    qre refused ("no exact equilibrium near it could be certified"). Now: a certified point
    of the continuum within CONTINUUM_DISTANCE of the branch's end, and a note says how far."""
    from deterrence.solvers.normal_form.qre import CONTINUUM_DISTANCE
    game = NormalFormGame.from_arrays(A, B)
    branch = logit_branch(game)
    result = solve(game, "qre")
    assert result[0].strategies == branch.limit.strategies
    assert is_equilibrium(game, branch.limit.strategies)
    apart = max(abs(float(a) - b) for s, t in zip(branch.limit.strategies, branch.profiles[-1]) for a, b in zip(s, t))
    assert apart <= CONTINUUM_DISTANCE
    assert "continuum of equilibria (on the limit's supports)" in result.notes[1]
    assert f"is {apart:.2g} from it" in result.notes[1]
    # alone on its supports
    assert not any("continuum" in n for n in solve(load_game("chicken").with_defaults(), "qre").notes)
    everything = solve(game)                          # the continuum: two extreme equilibria share a support
    assert not any(e.strategies == branch.limit.strategies for e in everything)


# 3x3x2 games of helpers' fuzzes (stop 35, seeds 116,147 and 126,872; stop 36, 775,940), each with
# continua of equilibria: the branch creeps towards the limit, and at its end an action on its way
# to 0 is still above 1e-5 (2.5e-5, 2.4e-5, 0.0036)
_CREEPING = [
    [[[[64, 15], [28, 93], [54, 99]], [[50, 33], [88, 82], [62, 53]], [[64, 41], [28, 62], [55, 91]]],
     [[[37, 13], [85, 53], [80, 55]], [[90, 37], [24, 29], [69, 34]], [[26, 27], [43, 36], [13, 35]]],
     [[[12, 59], [49, 33], [57, 32]], [[52, 6], [97, 71], [55, 26]], [[75, 52], [59, 14], [17, 18]]]],
    [[[[-447511, 0], [0, 0], [0, 0]], [[0, -345141], [0, 0], [77598, 0]],
      [[-741643, -153175], [-49507, -188140], [-862380, 529791]]],
     [[[28818, 0], [0, 0], [575821, 705155]], [[967631, 0], [477409, 718533], [0, -307359]],
      [[81743, 0], [-756174, 663885], [0, 21307]]],
     [[[900679, 0], [964584, 208163], [-133076, 266317]], [[0, 342918], [0, 49482], [0, 119243]],
      [[-861316, 151883], [0, 872265], [-295502, 0]]]],
    # seed 775,940 of the fuzz of stop 36: the action on its way to 0 still at 0.0036
    [[[[3, 2], [1, 3], [1, 1]], [[0, 2], [2, 2], [1, 0]], [[2, 0], [2, 0], [2, 1]]],
     [[[1, 3], [2, 3], [3, 0]], [[2, 3], [2, 0], [1, 3]], [[3, 1], [2, 3], [3, 0]]],
     [[[2, 3], [3, 2], [0, 0]], [[1, 0], [0, 1], [1, 2]], [[2, 0], [2, 3], [1, 2]]]],
]


@pytest.mark.parametrize("index", [0, 1, 2])
def test_a_three_player_branch_creeping_into_a_continuum_ends_at_a_certified_equilibrium(index):
    """The support read at 1e-5 keeps the creeping action, and its equations have no solution near
    the branch's end (qre refused: "no exact equilibrium near it could be certified"). Now the
    coarser thresholds of SUPPORT_TOLERANCES are tried, and every player but one rounded with
    that one solved exactly (_one_free_player): a certified equilibrium that nplayer lists or
    that lies in one of its continua, within CONTINUUM_DISTANCE of the branch's end or within
    the largest probability it drops (0.0036 on the third game), and a note names the actions
    the limit drops."""
    from deterrence.solvers.normal_form.qre import CONTINUUM_DISTANCE, LIMIT_SUPPORT_TOL
    game = NormalFormGame.from_payoff_arrays([np.array(a) for a in _CREEPING[index]])
    branch = logit_branch(game)
    last = branch.profiles[-1]
    result = solve(game, "qre")
    limit = result[0].strategies
    assert limit == branch.limit.strategies and is_equilibrium(game, limit)
    creeping = [(i, j) for i, s in enumerate(last) for j, p in enumerate(s) if LIMIT_SUPPORT_TOL < p < 1e-2]
    assert creeping and all(limit[i][j] == 0 for i, j in creeping)
    apart = max(abs(float(a) - b) for s, t in zip(limit, last) for a, b in zip(s, t))
    assert apart <= max(CONTINUUM_DISTANCE, max(last[i][j] for i, j in creeping))
    assert any("still had probability above 1e-05; the certified equilibrium gives it 0" in n for n in result.notes)
    everything = solve(game, "nplayer")        # the limit is one of nplayer's, or lies in one of its continua
    assert any(e.strategies == limit for e in everything) or any(
        all((limit[i][j] > 0) == (game.actions[i][j] in c.supports[i]) for i in range(3) for j in range(len(limit[i])))
        for c in everything.continua)


def test_a_three_player_limit_on_a_curve_of_equilibria_is_solved_with_one_player_free():
    """(A helper's fuzz, stop 36, seed 450,005.) A 2x2x2 game whose branch creeps towards a curve
    of equilibria on full supports (player 2 at 1/3; nplayer finds the curve but samples no point
    of it); no rounding of every player certifies. Every player but one rounded, that one solved
    exactly: a certified equilibrium within CONTINUUM_DISTANCE of the branch's end."""
    from deterrence.solvers.normal_form.qre import CONTINUUM_DISTANCE, _one_free_player

    arrays = [[[[4, 3], [3, 7]], [[4, 1], [3, 8]]], [[[1, 3], [1, 9]], [[5, 1], [6, 0]]],
              [[[1, 5], [4, 2]], [[6, 4], [0, 1]]]]
    game = NormalFormGame.from_payoff_arrays([np.array(a) for a in arrays])
    branch = logit_branch(game)
    limit = solve(game, "qre")[0].strategies
    assert limit == branch.limit.strategies and is_equilibrium(game, limit)
    assert limit[1] == (F(1, 3), F(2, 3)) and all(0 < p < 1 for s in limit for p in s)
    last = branch.profiles[-1]
    assert max(abs(float(a) - b) for s, t in zip(limit, last) for a, b in zip(s, t)) <= CONTINUUM_DISTANCE
    from deterrence.solvers.normal_form.qre import DENOMINATORS, round_to_support
    assert not any(is_equilibrium(game, round_to_support(last, [[0, 1]] * 3, den)) for den in DENOMINATORS)
    candidates = list(_one_free_player(game, [[0, 1]] * 3, last))    # the path that finds it
    assert any(is_equilibrium(game, c) for c in candidates)


def test_a_continuum_of_three_players_is_told_by_exact_linear_programs():
    """_inside_a_continuum for any number of players: a 3x3x3 game (payoffs 0..3) whose limit
    ((0, 1, 0), (1/2, 1/2, 0), (1, 0)) leaves player 2 free along a segment is a continuum; the
    one equilibrium of Jordan's 2x2x2 game, (1/2, 1/2) each, is not."""
    from deterrence.solvers.normal_form.qre import _inside_a_continuum
    arrays = [[[[0, 2], [0, 3], [3, 3]], [[0, 2], [2, 2], [0, 3]], [[1, 2], [1, 1], [3, 1]]],
              [[[1, 2], [0, 1], [0, 2]], [[2, 1], [2, 3], [2, 3]], [[3, 0], [1, 3], [1, 1]]],
              [[[1, 1], [3, 0], [1, 3]], [[1, 2], [2, 1], [3, 1]], [[3, 2], [0, 2], [0, 3]]]]
    game = NormalFormGame.from_payoff_arrays([np.array(a) for a in arrays])
    result = solve(game, "qre")
    assert result[0].strategies == ((0, 1, 0), (F(1, 2), F(1, 2), 0), (1, 0))
    assert _inside_a_continuum(game, result[0])
    assert any("continuum of equilibria" in n for n in result.notes)
    u = [np.zeros((2, 2, 2), dtype=object) for _ in range(3)]
    for a, b, c in np.ndindex(2, 2, 2):
        u[0][a, b, c], u[1][a, b, c], u[2][a, b, c] = int(a == b), int(b == c), int(c != a)
    jordan = NormalFormGame(u)
    assert not _inside_a_continuum(jordan, solve(jordan, "qre")[0])


def test_no_limit_is_taken_from_another_point_of_a_continuum():
    """(Review of stop 35.) A profile 0.01 from the continuum of the degenerate 3x3 game: the
    roundings to small denominators certify another point of the continuum, (1/5, 2/5, 2/5),
    which is no limit of this profile; now every candidate must lie within CONTINUUM_DISTANCE."""
    game = NormalFormGame.from_arrays([[1, 1, 0], [0, 2, 2], [0, 2, 3]], [[1, 1, 3], [3, 2, 1], [2, 3, 2]])
    assert limit_equilibrium(game, ((0.21, 0.39, 0.40), (0.5, 0.5, 1e-9))) is None
    near = limit_equilibrium(game, ((0.2000001, 0.3999999, 0.4), (0.5, 0.5, 1e-9)))
    assert near.strategies == ((F(1, 5), F(2, 5), F(2, 5)), (F(1, 2), F(1, 2), 0))


def test_a_point_pinned_by_ties_off_its_supports_is_not_called_a_continuum():
    """(Review of stop 35.) ((1/2, 1/2), (1, 0, 0)): its supports' indifference equations have many
    solutions, but the column player's tied actions off the support pin x = 1/2; the continuum
    test asks the exact linear programs, not the equations alone."""
    from deterrence.solvers.normal_form.qre import _inside_a_continuum
    game = NormalFormGame.from_arrays([[1, 1, 0], [1, 0, 1]], [[0, 1, -1], [0, -1, 1]])
    pinned = next(e for e in solve(game) if e.strategies == ((F(1, 2), F(1, 2)), (1, 0, 0)))
    assert not _inside_a_continuum(game, pinned)
    assert not is_equilibrium(game, ((F(49, 100), F(51, 100)), (1, 0, 0)))
    segment = NormalFormGame.from_arrays([[9, 4, 4, 2], [0, 2, 6, 1], [1, 6, 7, 1]],
                                         [[1, 1, 7, 4], [1, 8, 2, 2], [7, 6, 1, 4]])
    assert _inside_a_continuum(segment, logit_branch(segment).limit)


def test_a_branch_that_stops_near_its_start_is_refused():
    from deterrence.errors import SolverError
    game = NormalFormGame.from_arrays([[95, 68], [19, 37], [18, 86]], [[78, 80], [95, 88], [38, 63]])
    with pytest.raises(SolverError, match="did not reach lambda .* in 5 steps"):
        logit_branch(game, max_steps=5)


def test_the_branch_figure_ends_at_the_certified_limit():
    """The traced branch as McKelvey and Palfrey draw it (there was no figure of it): one line
    per player and action from the centroid, ending in a square at the exact Nash limit."""
    import matplotlib
    matplotlib.use("Agg")
    from deterrence.plot import plot_qre_branch
    branch = logit_branch(load_game("chicken").with_defaults())
    ax = plot_qre_branch(branch)
    curves = [line for line in ax.lines if len(line.get_xdata()) > 1]
    assert [line.get_label() for line in curves] == ["Row: swerve", "Row: straight", "Column: swerve",
                                                     "Column: straight"]
    assert all(line.get_ydata()[0] == pytest.approx(0.5) for line in curves)
    ends = sorted(line.get_ydata()[0] for line in ax.lines if len(line.get_xdata()) == 1)
    assert ends == pytest.approx([0.1, 0.1, 0.9, 0.9])
    assert sorted(t.get_text() for t in ax.texts) == ["1/10", "1/10", "9/10", "9/10"]


def _general_path(arrays):
    """The homotopy of ``arrays`` evaluated through the value tensors (any player count), not
    the fixed arrays of two and three players."""
    from deterrence.solvers.normal_form.qre import _Homotopy
    H = _Homotopy(arrays)
    H._small = False
    return H


def _ends(H, lambdas, top):
    """The branch's points at each of ``lambdas`` and its end at ``top``, or the tracer's
    failure (degenerate games can stall or lose the corrector, on either path alike)."""
    from deterrence.errors import SolverError
    from deterrence.solvers.normal_form.qre import trace_branch
    try:
        return [trace_branch(H, lam, stop_at=lam)[-1] for lam in lambdas] + [trace_branch(H, top)[-1]]
    except SolverError as exc:
        return str(exc).split(" at lambda")[0]


def same_point(e, f) -> bool:
    """Two certified equilibria are the same point: equal fractions, or (a limit of three or more
    players may be irrational) enclosures each proved to hold the one equilibrium of its tiny box,
    within 1e-12 of each other."""
    return all(abs(float(a) - float(b)) < 1e-12 for s, t in zip(e.strategies, f.strategies)
               for a, b in zip(s, t))


def _same_branch(arrays, draw_points):
    """The shorter evaluation of two and three players gives H and J of the general path (at
    lambda up to 10^6, where differences are taken first), the same QRE at fixed lambdas, and
    the same certified limit (or the same failure)."""
    from deterrence.solvers.normal_form.qre import _Homotopy
    floats = [np.asarray(a, dtype=float) for a in arrays]
    fast, general = _Homotopy(floats), _general_path(floats)
    assert fast._small and not general._small
    spread = max(float(np.ptp(a)) for a in floats) or 1.0
    for lam, z in draw_points(fast.size):
        (r1, J1), (r0, J0) = fast.evaluate(z), general.evaluate(z)
        scale = 1.0 + lam * spread
        assert np.abs(r1 - r0).max() < 1e-12 * scale and np.abs(J1 - J0).max() < 1e-12 * scale
    ends = [_ends(H, (0.5, 2.0, 8.0), 1e6 / spread) for H in (fast, general)]
    if isinstance(ends[0], str) or isinstance(ends[1], str):
        assert ends[0] == ends[1]
        return
    for e1, e0 in zip(ends[0][:-1], ends[1][:-1]):
        assert np.abs(np.exp(e1[:-1]) - np.exp(e0[:-1])).max() < 1e-8
    game = NormalFormGame.from_payoff_arrays(arrays)
    limits = [limit_equilibrium(game, [tuple(np.exp(v)) for v in H.split(e[-1][:-1])])
              for H, e in zip((fast, general), ends)]
    assert (limits[0] is None) == (limits[1] is None)
    if limits[0] is not None:
        assert same_point(limits[0], limits[1])


@settings(max_examples=30, deadline=None)
@given(st.sampled_from([(2, 2), (3, 3), (2, 4), (5, 3), (2, 2, 2), (3, 2, 2), (3, 3, 3), (2, 3, 4)]),
       st.integers(0, 2**32 - 1), st.sampled_from([3, 9, 99]))
def test_the_two_and_three_player_evaluation_traces_the_branch_of_the_general_one(shape, seed, top):
    rng = np.random.default_rng(seed)
    _same_branch([rng.integers(0, top + 1, size=shape) for _ in shape],
                 lambda size: [(lam, np.append(rng.normal(size=size) - 2.0, lam)) for lam in (0.0, 2.5, 1e3, 1e6)])


@pytest.mark.parametrize("index", range(6))
def test_the_benchmark_games_trace_the_branch_of_the_general_evaluation(index):
    """The seeded games of ``benchmarks/bench_qre.py`` (2x2 ... 3x3x3, payoffs 0..9)."""
    shape = [(2, 2), (3, 3), (5, 5), (8, 8), (2, 2, 2), (3, 3, 3)][index]
    rng = np.random.default_rng(2024 + index)
    arrays = [rng.integers(0, 10, size=shape) for _ in shape]
    _same_branch(arrays, lambda size: [(1e6, np.append(np.full(size, -1.0), 1e6))])


def test_a_two_player_limit_is_not_sought_on_coarser_supports():
    """(Review of stop 36.) With two players a unique solution on a support is taken at any
    distance, so the coarse supports of SUPPORT_TOLERANCES certified ((1, 0, 0), (0, 0, 1)) on a
    3x3 game with one payoff of -3000, 0.008 from the branch's end, where the limit is
    ((1, 0, 0), (1/1001, 0, 1000/1001)) (both max_lambda 5e3 and 5e4 go there). They are for
    three or more players: with two, the limit is refused as before."""
    rng = np.random.default_rng(30)
    arrays = [rng.integers(0, 4, size=(3, 3)).astype(object) for _ in range(2)]
    arrays[0][0, 0] = -3000 + int(rng.integers(0, 3))
    game = NormalFormGame.from_payoff_arrays(arrays)
    branch = logit_branch(game)
    assert branch.limit is None or branch.limit.strategies != ((1, 0, 0), (0, 0, 1))


@pytest.mark.parametrize("options", [{"lam": "abc"}, {"lam": True}, {"lam": -1}, {"lam": F(10) ** 400},
                                     {"max_lambda": "abc"}, {"max_lambda": 0}])
def test_a_bad_lambda_is_refused_naming_the_option(options):
    """From the command line `-o lam=abc` was a traceback (float('abc')), `-o lam=1e400` an
    OverflowError and `-o lam=true` lambda = 1 (a helper's bug hunt)."""
    (name,) = options
    with pytest.raises(GameError, match=f"^{name} must be a finite number"):
        solve(NormalFormGame.from_arrays([[1, 0], [0, 1]], [[1, 0], [0, 1]]), "qre", **options)


def test_a_refusal_on_payoffs_over_sixty_orders_of_magnitude_says_what_to_do():
    """A bug hunt: payoffs near 10^31 and 10^-29 (a game enumerate solves exactly) took the
    branch to lambda ~ 1e-26 and a refusal that suggested nothing."""
    from deterrence.errors import SolverError
    from deterrence.io.gambit_nfg import parse_nfg
    big, tiny = F(10**32 + 1, 3), F(1, 10**29 + 7)
    text = ('NFG 1 R "huge" { "A" "B" } { 2 2 }\n'
            f"{big} {-tiny} {tiny} {big} {-tiny} {tiny} {big} {-big}\n")
    game = parse_nfg(text)
    (exact,) = solve(game).equilibria
    assert is_equilibrium(game, exact.strategies)
    with pytest.raises(SolverError, match="span 61 orders of magnitude.*rescale them.*method enumerate"):
        solve(game, "qre")
    # payoffs below the float range (1e-400): the hint's arithmetic is on the integers (a review:
    # math.log10 of the Fraction went through 0.0 and raised "math domain error")
    tiny = F(1, 10**400 + 7)
    game = parse_nfg('NFG 1 R "huge" { "A" "B" } { 2 2 }\n'
                     f"{big} {-tiny} {tiny} {big} {-tiny} {tiny} {big} {-big}\n")
    with pytest.raises(SolverError, match="span 432 orders of magnitude"):
        solve(game, "qre")
