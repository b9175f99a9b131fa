"""Goal 4 (issue #7): the integer/python-flint Markov path gives exactly the Fraction answers.

The reference is the pure-Fraction path (no python-flint), which the library takes
when python-flint cannot be imported, and inside ``deterrence.core.exact.fraction_only()``.
"""
import copy
import pickle
from fractions import Fraction

import numpy as np
from hypothesis import given, settings, strategies as st

from deterrence import NormalFormGame, load_game
from deterrence.core.automaton import Automaton
from deterrence.core.exact import fraction_only, solve_flint
from deterrence.core.repeated import RepeatedGame
from deterrence.solvers.repeated import _product, _product_exact
from deterrence.solvers.repeated.noise_markov import analyse_noise, war_profiles, war_risk_arrays
from deterrence.solvers.repeated.repeated_values import discounted_values

US = load_game("us_iran_stage").with_defaults()
PD = load_game("prisoners_dilemma").with_defaults()
# Fraction payoffs: the payoff denominator enters the scaling of the right-hand side
HALVES = NormalFormGame.from_arrays([[Fraction(3, 2), 0], [Fraction(7, 3), -1]],
                                    [[Fraction(3, 2), Fraction(7, 3)], [0, Fraction(-1, 4)]],
                                    actions=[["C", "D"]] * 2)


prob = st.fractions(min_value=0, max_value=1, max_denominator=12)


@st.composite
def automata(draw, actions, name):
    n = draw(st.integers(1, 4))
    states = [f"s{i}" for i in range(n)]
    play = {}
    for s in states:
        if draw(st.booleans()):
            play[s] = draw(st.sampled_from(actions))
        else:
            a, b = draw(st.sampled_from(actions)), draw(st.sampled_from(actions))
            p = draw(prob)
            play[s] = {a: p, b: 1 - p} if a != b else a
    table = {(s, a, b): draw(st.sampled_from(states)) for s in states for a in actions for b in actions}
    return Automaton(states, draw(st.sampled_from(states)), play, table, actions, name=name)


@st.composite
def cases(draw):
    game = draw(st.sampled_from([US, PD, HALVES]))
    acts = list(game.actions[0])
    noise = {"execution": draw(st.fractions(0, Fraction(1, 3), max_denominator=50)),
             "tremble": draw(st.fractions(0, Fraction(1, 4), max_denominator=30)),
             "perception": draw(st.fractions(0, Fraction(1, 4), max_denominator=20))}
    delta = draw(st.fractions(0, Fraction(49, 50), max_denominator=50))
    a, b = draw(automata(acts, "a")), draw(automata(acts, "b"))
    war = draw(st.sampled_from([None, "any"]))
    return game, noise, delta, (a, b), war, draw(st.integers(0, 30))


@settings(max_examples=60, deadline=None)
@given(cases())
def test_flint_path_equals_fraction_path(case):
    game, noise, delta, prof, war, within = case
    rg = RepeatedGame(game, delta, None, noise)
    fast = discounted_values(rg, prof)
    fast_noise = analyse_noise(rg, prof, war=war, within=within)
    chain = _product.Chain(rg, prof, "exact")
    fast_war = war_risk_arrays(chain, war_profiles(game, war), within)
    with fraction_only():
        slow = discounted_values(rg, prof)
        slow_noise = analyse_noise(rg, prof, war=war, within=within)
        slow_war = war_risk_arrays(_product.Chain(rg, prof, "exact"), war_profiles(game, war), within)
    assert fast.payoffs == slow.payoffs
    assert fast.state_values == slow.state_values
    assert fast_noise == slow_noise
    assert fast_war == slow_war
    for v in fast.payoffs + fast_noise.long_run_payoffs:       # ints stay ints, like the old path
        assert isinstance(v, (int, Fraction)) and not (isinstance(v, Fraction) and v.denominator == 1)


def test_values_on_reachable_states_match_full_solve():
    rg = RepeatedGame(US, "9/10", None, {"execution": "1/50"})
    chain = _product.Chain(rg, _product.resolve_profile(rg, ["grim", "tft"]), "exact")
    full = _product.exact_values(chain)
    R = _product.reach(chain.integers().successors(), chain.start())
    part = _product.exact_values(chain, states=R)
    assert [list(v) for v in part] == [[full[k][x] for x in R] for k in range(2)]


def test_huge_common_denominator_uses_python_ints():
    # D = (2**40 + 15)**2 > 2**62: the integer tables fall back from int64 to Python ints
    e = Fraction(1, 2 ** 40 + 15)
    rg = RepeatedGame(US, "9/10", None, {"execution": e})
    chain = _product.Chain(rg, _product.resolve_profile(rg, "tft"), "exact")
    assert chain.integers().W.dtype == object
    fast = analyse_noise(rg, "tft", within=7)
    with fraction_only():
        slow = analyse_noise(rg, "tft", within=7)
    assert fast == slow


def test_absorbing_war_and_no_war():
    rg = RepeatedGame(US, "3/4", None, {"execution": "1/10"})
    for names in (["grim", "grim"], ["allc", "allc"], ["alld", "tft"]):
        fast = analyse_noise(rg, names, war="any", within=5)
        with fraction_only():
            slow = analyse_noise(rg, names, war="any", within=5)
        assert fast == slow


def test_singular_system_is_reported():
    # delta = 1 without a horizon: I - P is singular
    chain = _product.Chain(RepeatedGame(PD, "1/2", None, None), _product.resolve_profile(
        RepeatedGame(PD, "1/2", None, None), "tft"), "exact")
    try:
        _product.exact_values(chain, delta=1)
    except ZeroDivisionError as exc:
        assert "singular" in str(exc)
    else:
        raise AssertionError("expected a singular system")


def test_symbolic_still_uses_sympy():
    import sympy
    d = sympy.Symbol("delta", real=True)
    v = discounted_values(PD, ["gtft", "tft"], delta=d, noise={"tremble": "1/20"}).payoffs
    x = discounted_values(PD, ["gtft", "tft"], delta="9/10", noise={"tremble": "1/20"}).payoffs
    assert all(sympy.simplify(s.subs(d, sympy.Rational(9, 10)) - sympy.nsimplify(y)) == 0
               for s, y in zip(v, x))
    assert np.allclose([float(y) for y in x],
                       discounted_values(PD, ["gtft", "tft"], delta="9/10", noise={"tremble": "1/20"},
                                         float=True).payoffs)


@settings(max_examples=30, deadline=None)
@given(cases())
def test_exact_transition_matrix_equals_fraction_products(case):
    game, noise, delta, prof, war, within = case
    rg = RepeatedGame(game, delta, None, noise)
    fast = _product.Chain(rg, prof, "exact").P()
    slow = _product.Chain(rg, prof, "exact")._products()      # the Fraction products, as before
    assert fast.shape == slow.shape and (fast == slow).all()
    assert all(isinstance(v, (int, Fraction)) for v in fast.flat)


@settings(max_examples=40, deadline=None)
@given(cases())
def test_solve_by_components_equals_fraction_path(case):
    """The block-triangular solve (used from 100 states) forced on small chains."""
    game, noise, delta, prof, war, within = case
    rg = RepeatedGame(game, delta, None, noise)
    saved = _product_exact._BLOCKS_FROM
    _product_exact._BLOCKS_FROM = 0
    try:
        fast = discounted_values(rg, prof)
    finally:
        _product_exact._BLOCKS_FROM = saved
    with fraction_only():
        slow = discounted_values(rg, prof)
    assert fast.state_values == slow.state_values


def test_solve_by_components_on_two_12_state_automata():
    # 144 product states: the block path without forcing _BLOCKS_FROM
    g = np.random.default_rng(7)
    acts = list(US.actions[0])
    rg = RepeatedGame(US, "9/10", None, {"execution": "1/50"})
    chain = _product.Chain(rg, (Automaton.random(12, acts, g, name="a"), Automaton.random(12, acts, g, name="b")),
                           "exact")
    ic = chain.integers()
    states = list(range(ic.N))
    cols = [[9 * ic.R[k][x] for x in states] for k in range(2)]
    dense = solve_flint(_product_exact.fmpz_system(ic.W, states, 10 * ic.D, 9), cols)
    assert ic.N >= _product_exact._BLOCKS_FROM
    assert _product_exact.solve_by_components(ic.W, states, 10 * ic.D, 9, cols) == dense


def test_exact_state_values_behave_as_a_dict():
    pd = load_game("prisoners_dilemma").with_defaults()
    rg = RepeatedGame(pd, "9/10", None, {"execution": "1/10"})
    fast = discounted_values(rg, ["tft", "grim"])
    with fraction_only():
        slow = discounted_values(rg, ["tft", "grim"])
    vals = fast.state_values
    assert dict(vals) == slow.state_values and slow.state_values == vals and vals == slow.state_values
    assert len(vals) == len(slow.state_values) and list(vals) == list(slow.state_values)
    assert repr(vals) == repr(slow.state_values) and fast == slow
    assert fast.to_json() == slow.to_json()
    assert pickle.loads(pickle.dumps(fast)) == slow and copy.deepcopy(fast).state_values == slow.state_values


def test_state_values_of_states_not_reachable_from_the_start():
    # without noise TFT vs grim stays in (calm, calm): the other states' values come from
    # the second, smaller solve when state_values is read
    pd = load_game("prisoners_dilemma").with_defaults()
    for noise in (None, {"perception": "1/7"}):
        rg = RepeatedGame(pd, "2/3", None, noise)
        fast = discounted_values(rg, ["tft", "grim"])
        with fraction_only():
            slow = discounted_values(rg, ["tft", "grim"])
        assert fast.payoffs == slow.payoffs and dict(fast.state_values) == slow.state_values
