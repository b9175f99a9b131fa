"""Mixed equilibria as formulas in the parameters (solvers/normal_form/symbolic_mixed.py),
checked at values against the exact solver and against the definition of equilibrium."""
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings, strategies as st

import deterrence as dt
from deterrence import NormalFormGame
from deterrence.core.symbolic import parameter_symbol
from deterrence.errors import GameError
from deterrence.solvers.normal_form.symbolic_mixed import mixed_equilibrium_formulas

a, b = parameter_symbol("a"), parameter_symbol("b")


def _game(entries, shape):
    """A two-player game whose payoffs are c0 + c1*a + c2*b, entries read in order."""
    m, n = shape
    it = iter(entries)
    arrays = [[[sum(c * s for c, s in zip(next(it), (1, a, b))) for _ in range(n)] for _ in range(m)]
              for _ in range(2)]
    return NormalFormGame.from_arrays(*arrays, parameters={"a": 1, "b": 1})


def _is_equilibrium(game, profile):
    """The definition: every action a player uses earns the most against the other's mix."""
    for i, arr in enumerate(game.payoff_arrays):
        other = profile[1 - i]
        earn = [sum((arr[(k, j)] if i == 0 else arr[(j, k)]) * q for j, q in enumerate(other))
                for k in range(game.shape[i])]
        best = max(earn)
        if any(p > 0 and e != best for p, e in zip(profile[i], earn)):
            return False
    return True


coefficients = st.tuples(st.integers(-4, 4), st.integers(-2, 2), st.integers(-2, 2))
values = st.fractions(min_value=-5, max_value=5, max_denominator=7)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([(2, 2), (2, 3), (3, 2)]).flatmap(
    lambda shape: st.tuples(st.just(shape), st.lists(coefficients, min_size=2 * shape[0] * shape[1],
                                                     max_size=2 * shape[0] * shape[1]))),
       values, values)
def test_every_formula_that_holds_at_values_is_an_equilibrium_there(shaped, va, vb):
    shape, entries = shaped
    game = _game(entries, shape)
    at = {"a": va, "b": vb}
    exact = game.subs(at)
    for eq in mixed_equilibrium_formulas(game):
        profile = eq.at(at)
        if profile is not None:
            assert all(sum(s) == 1 and min(s) >= 0 for s in profile)
            assert _is_equilibrium(exact, profile), (eq, at)


def test_at_generic_values_the_formulas_give_every_mixed_equilibrium_the_solver_finds():
    """Random games and values with large denominators: each equilibrium of `solve` whose
    supports have the same size, two or more, is a formula's value (unequal supports need a
    degenerate game, e.g. a payoff the same in two cells whatever the values: the formulas
    leave those out, as their module says)."""
    rng = random.Random(41)
    checked = 0
    for _ in range(40):
        shape = rng.choice([(2, 2), (2, 3), (3, 3)])
        entries = [tuple(rng.randint(-4, 4) for _ in range(3)) for _ in range(2 * shape[0] * shape[1])]
        game = _game(entries, shape)
        at = {"a": Fraction(rng.randint(-999, 999), 997), "b": Fraction(rng.randint(-999, 999), 991)}
        formulas = [eq.at(at) for eq in mixed_equilibrium_formulas(game)]
        for eq in dt.solve(game.subs(at)):
            if not eq.is_pure and len(eq.support(0)) == len(eq.support(1)):
                assert tuple(map(tuple, eq.strategies)) in formulas
                checked += 1
    assert checked >= 10


def test_the_case_stage_game_mixes_as_the_solver_says_at_its_defaults():
    """us_iran_stage at its defaults has one mixed equilibrium (1/25 retaliate + 24/25 escalate
    against 1/10 retaliate + 9/10 escalate): the formula for its supports gives it."""
    game = dt.load_game("us_iran_stage")
    mixed = [e for e in dt.solve(game) if not e.is_pure]
    found = [p for p in (eq.at(game.parameters) for eq in mixed_equilibrium_formulas(game)) if p]
    assert [tuple(map(tuple, e.strategies)) for e in mixed] == found
    assert found[0][0] == (0, Fraction(1, 25), Fraction(24, 25))


def test_one_parameter_conditions_are_written_as_bounds():
    W = parameter_symbol("W")
    g = NormalFormGame.from_arrays([[0, -1], [1, -W]], [[0, 1], [-1, -W]], parameters={"W": 2})
    [eq] = mixed_equilibrium_formulas(g)
    assert str(eq.condition) == "W > 1"
    assert eq.at({"W": 1}) is None and eq.at({"W": 3}) == ((Fraction(2, 3), Fraction(1, 3)),) * 2
    assert "W > 1" in eq._repr_latex_() and "when" in str(eq)


def test_three_players_are_refused_by_name():
    with pytest.raises(GameError, match="two-player games; this one has 3"):
        mixed_equilibrium_formulas(dt.load_game("us_iran_israel"))


def test_at_names_a_parameter_without_a_value_and_reads_any_size():
    """at() said None ("no equilibrium there") when a parameter had no value, raised TypeError
    for values=None and ValueError for a number past 4300 digits (a fuzzing review)."""
    from fractions import Fraction
    from deterrence import load_game
    from deterrence.errors import GameError
    [eq] = mixed_equilibrium_formulas(load_game("chicken"))
    with pytest.raises(GameError, match="no value for parameter.s. crash, l: the formulas are in crash, l, w"):
        eq.at({"w": 1})
    with pytest.raises(GameError, match="values must map parameter names to numbers, got NoneType"):
        eq.at(None)
    huge = 10**5000
    x, y = eq.at({"w": 1, "l": 1, "crash": huge})
    assert x == y == (Fraction(huge - 1, huge), Fraction(1, huge))
    assert eq.at({"w": 0, "l": 10, "crash": 10}) is None       # a zero denominator: no equilibrium there
