"""Correlated and coarse correlated equilibria: Aumann's chicken, brute force, Nash inside."""
from fractions import Fraction
from itertools import combinations, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from peer import EXPECTED, HAVE_PEER_GAMES, PEER_DIR

from deterrence import NormalFormGame, load_game, solve
from deterrence.errors import GameError, NotAnEquilibriumError
from deterrence.solvers.normal_form.correlated import (
    certified_correlated,
    coarse_correlated_equilibria,
    correlated_equilibria,
    incentive_constraints,
    is_correlated_equilibrium,
)

F = Fraction
# Aumann (1974), section 4: chicken with payoffs 6,6 / 2,7 / 7,2 / 0,0 (action 0 = swerve)
AUMANN = NormalFormGame.from_arrays([[6, 2], [7, 0]], [[6, 7], [2, 0]])


def product_distribution(strategies):
    out = []
    for cell in product(*(range(len(s)) for s in strategies)):
        p = F(1)
        for s, j in zip(strategies, cell):
            p *= F(s[j])
        out.append(p)
    return out


def brute_force_vertices(game, coarse=False):
    """Every vertex: n - 1 tight inequalities plus sum = 1, independent, feasible."""
    import flint
    rows, _ = incentive_constraints(game, coarse)
    n = len(rows[0])
    ineqs = [[F(v) for v in r] for r in rows] + [[F(int(j == c)) for j in range(n)] for c in range(n)]
    found = set()
    for tight in combinations(range(len(ineqs)), n - 1):
        M = [ineqs[t] for t in tight] + [[F(1)] * n]
        den = 1
        for r in M:
            for v in r:
                den = den * v.denominator // __import__("math").gcd(den, v.denominator)
        Z = flint.fmpz_mat(n, n, [int(v * den) for r in M for v in r])
        if Z.rank() < n:
            continue
        rhs = flint.fmpz_mat(n, 1, [0] * (n - 1) + [den])
        x = [F(int(v.p), int(v.q)) for v in Z.solve(rhs).entries()]
        if min(x) >= 0 and all(sum(a * b for a, b in zip(r, x)) >= 0 for r in ineqs):
            found.add(tuple(x))
    return found


def as_vector(game, eq):
    return tuple(F(eq.probability(*[game.actions[i][j] for i, j in enumerate(c)]))
                 for c in product(*(range(m) for m in game.shape)))


def test_aumann_chicken_claims():
    # Aumann's correlated equilibrium: 1/3 on each cell but (straight, straight), paying 5 each,
    # outside the convex hull of the Nash payoffs (7,2), (2,7), (14/3, 14/3)
    third = F(1, 3)
    ce = certified_correlated(AUMANN, [third, third, third, 0])
    assert ce.payoffs == (5, 5)
    nash = solve(AUMANN)
    assert sorted(e.payoffs for e in nash) == [(2, 7), (F(14, 3), F(14, 3)), (7, 2)]
    assert max(sum(e.payoffs) for e in nash) < 10
    # the welfare maximum: 1/2, 1/4, 1/4, 0, welfare 21/2
    best = correlated_equilibria(AUMANN)
    assert best.value == F(21, 2)
    assert as_vector(AUMANN, best[0]) == (F(1, 2), F(1, 4), F(1, 4), 0)
    # the polytope has five vertices: two pure equilibria, the mixed one, the welfare
    # maximum and 2/5, 2/5 on the asymmetric cells with 1/5 on the crash
    vertices = {as_vector(AUMANN, e) for e in correlated_equilibria(AUMANN, vertices=True)}
    assert vertices == {(0, 1, 0, 0), (0, 0, 1, 0), (F(4, 9), F(2, 9), F(2, 9), F(1, 9)),
                        (F(1, 2), F(1, 4), F(1, 4), 0), (0, F(2, 5), F(2, 5), F(1, 5))}


def test_catalogue_chicken_is_aumanns_game_shifted():
    g = load_game("chicken").subs(w=1, l=4, crash=6)
    assert correlated_equilibria(g).value == F(21, 2) - 12
    assert {as_vector(g, e) for e in correlated_equilibria(g, vertices=True)} == \
        {as_vector(AUMANN, e) for e in correlated_equilibria(AUMANN, vertices=True)}
    # at the catalogue's defaults a crash is never recommended at the welfare maximum
    default = load_game("chicken").with_defaults()
    best = correlated_equilibria(default)
    assert best.value == 0 and best[0].probability("straight", "straight") == 0


def test_a_player_objective_and_front_door():
    best_row = solve(AUMANN, "correlated", objective="Row")
    assert best_row.value == 7 and best_row[0].probability("1", "0") == 1
    assert solve(AUMANN, "coarse_correlated").value == F(21, 2)
    with pytest.raises(GameError, match="objective"):
        correlated_equilibria(AUMANN, objective="Nobody")
    js = best_row.to_json()
    assert js["value"] == "7" and js["equilibria"][0]["distribution"] == [{"profile": ["1", "0"],
                                                                         "probability": "1"}]


def test_certificate_names_the_deviation():
    with pytest.raises(NotAnEquilibriumError, match="Row gains .* when told '0' by playing '1'"):
        certified_correlated(AUMANN, [1, 0, 0, 0])
    with pytest.raises(GameError):
        certified_correlated(AUMANN, [F(1, 2), 0, 0, 0])


def test_coarse_is_weaker_in_a_three_action_game():
    # Shapley's game: the coarse polytope strictly contains the correlated one
    A = [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    B = [[0, 0, 1], [1, 0, 0], [0, 1, 0]]
    g = NormalFormGame.from_arrays(A, B)
    ce, cce = correlated_equilibria(g), coarse_correlated_equilibria(g)
    assert cce.value >= ce.value
    for e in correlated_equilibria(g, vertices=True):
        assert is_correlated_equilibrium(g, as_vector(g, e), coarse=True)
    assert brute_force_vertices(g, True) == \
        {as_vector(g, e) for e in coarse_correlated_equilibria(g, vertices=True)}


def test_three_players():
    payoffs = [[[[1, 0], [0, 2]], [[0, 3], [1, 0]]], [[[2, 1], [0, 0]], [[1, 0], [0, 3]]],
               [[[0, 1], [2, 0]], [[1, 1], [0, 2]]]]
    import numpy as np
    g = NormalFormGame.from_payoff_arrays([np.array(p) for p in payoffs])
    vertices = {as_vector(g, e) for e in correlated_equilibria(g, vertices=True)}
    assert vertices == brute_force_vertices(g)
    best = correlated_equilibria(g)
    welfare = [sum(e.payoffs) for e in correlated_equilibria(g, vertices=True)]
    assert best.value == max(welfare) == correlated_equilibria(g, warm_start=False).value
    for eq in solve(g, "pure"):
        assert is_correlated_equilibrium(g, product_distribution(eq.strategies))


small = st.integers(-4, 4)


@st.composite
def bimatrix(draw):
    m, n = draw(st.integers(1, 3)), draw(st.integers(2, 3))
    A = [[draw(small) for _ in range(n)] for _ in range(m)]
    B = [[draw(small) for _ in range(n)] for _ in range(m)]
    return NormalFormGame.from_arrays(A, B)


@settings(max_examples=40, deadline=None)
@given(bimatrix())
def test_nash_inside_and_optimum_is_the_best_vertex(g):
    vertices = correlated_equilibria(g, vertices=True)
    for eq in solve(g):
        assert is_correlated_equilibrium(g, product_distribution(eq.strategies))
        assert is_correlated_equilibrium(g, product_distribution(eq.strategies), coarse=True)
    for e in vertices:     # returned equilibria satisfy every constraint exactly
        assert is_correlated_equilibrium(g, as_vector(g, e))
    best = correlated_equilibria(g)
    assert best.value == max(sum(e.payoffs) for e in vertices)
    assert is_correlated_equilibrium(g, as_vector(g, best[0]))
    # from HiGHS's basis made exact, or from phase I: the same exact optimum
    assert correlated_equilibria(g, warm_start=False).value == best.value
    assert coarse_correlated_equilibria(g, objective="Row").value == \
        coarse_correlated_equilibria(g, objective="Row", warm_start=False).value
    if g.shape[0] * g.shape[1] <= 6:
        assert {as_vector(g, e) for e in vertices} == brute_force_vertices(g)


def test_larger_games_warm_start_agrees_with_phase_one():
    import numpy as np
    rng = np.random.default_rng(3)
    for shape in [(6, 6), (3, 3, 3)]:
        g = NormalFormGame.from_payoff_arrays([rng.integers(0, 20, size=shape) for _ in shape])
        for objective in ("welfare", g.players[1]):
            fast = correlated_equilibria(g, objective=objective)
            slow = correlated_equilibria(g, objective=objective, warm_start=False)
            assert fast.value == slow.value
            assert is_correlated_equilibrium(g, as_vector(g, fast[0]))
        # the welfare optimum is at least the best Nash welfare (Nash equilibria are CE)
        nash = solve(g) if len(shape) == 2 else solve(g, "pure")
        assert all(sum(e.payoffs) <= correlated_equilibria(g).value for e in nash)


def test_vertex_search_guard_names_its_limit():
    from deterrence import load_game
    from deterrence.errors import TooLargeError
    from deterrence.solvers.normal_form.correlated import correlated_equilibria
    g = load_game("chicken").subs(w=1, l=4, crash=6)
    with pytest.raises(TooLargeError, match="more than 2 feasible bases"):
        correlated_equilibria(g, vertices=True, max_bases=2)


def test_catalogue_chicken_states_its_correlated_answers_as_claims():
    game = load_game("chicken")
    claims, at_defaults = game.claims, game.with_defaults()
    assert correlated_equilibria(at_defaults).value == F(claims["correlated_welfare_max"])
    assert len(correlated_equilibria(at_defaults, vertices=True)) == claims["correlated_vertices"]


if HAVE_PEER_GAMES:
    @pytest.mark.parametrize("name", sorted(EXPECTED))
    def test_peer_games_every_expected_nash_equilibrium_is_correlated(name):
        """Gambit's example games with their oracle answers (lrsnash and enummixed; the
        3-player game's pure equilibria): each listed Nash equilibrium, as a product
        distribution, passes the exact incentive constraints, and the welfare optimum of the
        correlated (and, larger still, the coarse correlated) equilibria reaches at least the
        best Nash welfare."""
        game = load_game(str(PEER_DIR / name))
        nash = EXPECTED[name]["equilibria"]
        for eq in nash:
            distribution = product_distribution([[F(p) for p in s] for s in eq["strategies"]])
            assert is_correlated_equilibrium(game, distribution), (name, eq)
            assert is_correlated_equilibrium(game, distribution, coarse=True), (name, eq)
        best_nash = max(sum(F(v) for v in eq["payoffs"]) for eq in nash)
        best = correlated_equilibria(game)
        assert best.value >= best_nash and coarse_correlated_equilibria(game).value >= best.value
        assert best.value == sum(best[0].payoffs)


def test_results_show_their_distributions_in_jupyter():
    """The HTML of every vertex of Chicken's correlated polytope: one row per equilibrium, each
    profile with positive probability and its fraction, the payoffs, parsed by the standard
    library's HTML parser (well formed: every opened tag closed)."""
    from html.parser import HTMLParser
    result = solve(load_game("chicken"), "correlated", vertices=True)
    page = result._repr_html_()

    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.open, self.rows = [], 0

        def handle_starttag(self, tag, attrs):
            if tag != "br":
                self.open.append(tag)
            self.rows += tag == "tr"

        def handle_endtag(self, tag):
            assert self.open.pop() == tag
    parser = Tags()
    parser.feed(page)
    assert not parser.open and parser.rows == len(result) + 1
    for eq in result:
        for prof, q in eq.distribution:
            assert f"{q} ({', '.join(prof)})" in page
        assert ", ".join(str(v) for v in eq.payoffs) in page
    assert "Fraction" not in page


@pytest.mark.parametrize("coarse", [False, True])
def test_payoffs_beyond_the_float_range_are_solved_exactly(coarse):
    # a payoff of 1e999 (exact in a game file) made the floating-point warm start raise
    # OverflowError, a traceback on the command line (a fuzzing review): phase I, exact, instead
    from deterrence.solvers.normal_form.correlated import coarse_correlated_equilibria, correlated_equilibria
    huge = 10 ** 999
    game = NormalFormGame.from_arrays([[0, -1], [1, huge]], [[0, 1], [-1, -10]])
    result = (coarse_correlated_equilibria if coarse else correlated_equilibria)(game)
    assert result.exact and result.value == 0
    assert correlated_equilibria(game, warm_start=False).value == 0
