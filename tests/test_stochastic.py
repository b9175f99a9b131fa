"""Stochastic games: the carrier, the [stochastic] file, Markov perfect equilibria, the state chain."""
from fractions import Fraction

import pytest

import deterrence as dt
from deterrence.core.stochastic import StochasticGame, discount_factor_per_round
from deterrence.errors import GameError, GameFileError
from deterrence.io import load_game
from deterrence.io.toml_format import parse_toml_game
import itertools
import random

import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deterrence.core.normal_form import NormalFormGame
from deterrence.errors import TooLargeError
from deterrence.solvers import solve
from deterrence.solvers.stochastic import markov_chain as mc
from deterrence.solvers.stochastic.markov_perfect import (
    markov_perfect,
    pure_markov_perfect,
    verify_markov_perfect,
)

BASE = """\
title = "Test"
players = ["US", "Iran"]

[parameters]
m = { value = "1/10", about = "misfire probability" }
s = { value = "1/5", about = "shock probability" }

[stochastic]
start = "quiet"
absorbing = ["war"]
delta = "9/10"
round_days = 7

[stochastic.actions]
US = ["hold", "retaliate", "escalate"]
Iran = ["hold", "retaliate", "escalate"]

[stochastic.noise.Iran]
retaliate = { retaliate = "1 - m", escalate = "m" }

[stochastic.states.quiet.payoffs]
"hold, hold" = [0, 0]
"*, *" = [-1, -1]
"*, escalate" = [-3, -2]

[stochastic.states.quiet.transitions]
"hold, hold" = { quiet = "1 - s", crisis = "s" }
"*, *" = { crisis = 1 }
"*, escalate" = { war = 1 }
"escalate, *" = { war = 1 }

[stochastic.states.crisis.payoffs]
"*, *" = [-1, -1]

[stochastic.states.crisis.transitions]
"*, *" = { quiet = "1/2", crisis = "1/2" }
"escalate, *" = { war = 1 }

[stochastic.states.war.payoffs]
"*, *" = [-10, -10]
"""


def replace(old, new, text=BASE):
    assert old in text, old
    return text.replace(old, new, 1)


def line_of(text, fragment):
    return text[:text.index(fragment)].count("\n") + 1


# -- the carrier and the reader ---------------------------------------------------------
def test_good_file_reads_with_wildcards_noise_and_absorbing_state():
    g = parse_toml_game(BASE)
    assert isinstance(g, StochasticGame)
    assert g.states == ("quiet", "crisis", "war") and g.start == "quiet" and g.absorbing == ("war",)
    assert g.is_symbolic and g.parameters == {"m": Fraction(1, 10), "s": Fraction(1, 5)}
    assert g.extra["parameter_notes"]["m"] == "misfire probability"
    h = g.with_defaults()
    # most specific key wins: (hold, hold) has its own entry; (hold, escalate) has one star
    assert h.payoff("quiet", ("hold", "hold")) == (0, 0)
    assert h.payoff("quiet", ("retaliate", "escalate")) == (-3, -2)
    assert h.payoff("quiet", ("retaliate", "hold")) == (-1, -1)
    assert h.transition("quiet", ("hold", "hold")) == {"quiet": Fraction(4, 5), "crisis": Fraction(1, 5)}
    # (escalate, escalate) matches "*, escalate" and "escalate, *" equally: they agree
    assert h.transition("quiet", ("escalate", "escalate")) == {"war": 1}
    assert h.transition("war", ("none", "none")) == {"war": 1}
    assert h.actions_in("war") == (("none",), ("none",))  # no choice in an absorbing state
    assert h.noise_in("crisis", "Iran")["retaliate"] == {"retaliate": Fraction(9, 10),
                                                        "escalate": Fraction(1, 10)}
    assert h.noise_in("crisis", "US")["retaliate"] == {"retaliate": 1}
    assert h.round_days == 7 and h.delta == Fraction(9, 10)
    # the outcome table averages over the noise: Iran's intended retaliation misfires
    pay, nxt = h.outcome_table("quiet")[(0, 1)]
    assert pay == (Fraction(9, 10) * -1 + Fraction(1, 10) * -3, Fraction(9, 10) * -1 + Fraction(1, 10) * -2)
    assert nxt == (0, Fraction(9, 10), Fraction(1, 10))


def test_the_outcome_tables_a_game_hands_out_are_read_only():
    """``outcome_table`` is public and hands out the table the game keeps for every later solve:
    writing into it changed the game's equilibria (3 pure Markov perfect ones, then 1) while the
    game still compared equal to a fresh load."""
    from deterrence import load_game, solve
    g = load_game("stochastic_prisoners_dilemma").with_defaults()
    before = solve(g).equilibria
    assert len(before) == 3
    table = g.outcome_table("good")
    with pytest.raises(TypeError, match="immutable value"):
        table[(0, 0)] = ((-50, -50), table[(0, 0)][1])
    with pytest.raises(TypeError, match="immutable value"):
        g.outcome_table_fmpq("good").clear()
    assert solve(g).equilibria == before


def test_equality_and_hash_include_parameter_values():
    g = parse_toml_game(BASE)
    assert g == parse_toml_game(BASE) and hash(g) == hash(parse_toml_game(BASE))
    assert g != g.with_parameters(m="1/20")
    assert g.with_parameters(m="1/20").with_defaults() == g.subs(m="1/20")
    assert g.subs(m="1/20").noise_in("quiet", "Iran")["retaliate"]["escalate"] == Fraction(1, 20)


def test_text_and_html_show_states_noise_and_time():
    g = parse_toml_game(BASE)
    text = g.to_text()
    assert "State war (absorbing)" in text and "a round is 7 days" in text
    assert "noise: Iran intending retaliate does retaliate with 1 - m, escalate with m" in text
    assert "<h4>State quiet (start)</h4>" in g._repr_html_()


def test_delta_from_an_annual_rate_is_exact():
    text = replace('delta = "9/10"', 'annual_discount_rate = "1/10"')
    g = parse_toml_game(text)
    assert g.delta == discount_factor_per_round(Fraction(1, 10), 7) == Fraction(1, 1 + Fraction(7, 3650))
    with pytest.raises(GameFileError, match="either delta or an annual"):
        parse_toml_game(replace('delta = "9/10"', 'delta = "9/10"\nannual_discount_rate = "1/10"'))


def test_catalogue_example_loads():
    g = load_game("stochastic_prisoners_dilemma")
    assert isinstance(g, StochasticGame) and g.title and g.sources and g.claims
    assert dt.solvers.default_method(g) == "markov_perfect"


BAD = [
    # (old, new, fragment whose line is expected, words in the message)
    ('"hold, hold" = [0, 0]', '"hold, nuke" = [0, 0]', '"hold, nuke"', ["unknown action 'nuke'"]),
    ('"hold, hold" = [0, 0]', '"hold" = [0, 0]', '"hold" = [0, 0]', ["names 1 action"]),
    ('"hold, hold" = [0, 0]', '"hold, hold" = [0]', '"hold, hold" = [0]', ["1 payoff(s) given"]),
    ('"hold, hold" = { quiet = "1 - s", crisis = "s" }', '"hold, hold" = { quiet = "1 - s", peace = "s" }',
     '"hold, hold" = { quiet', ["unknown state 'peace'"]),
    ('"hold, hold" = { quiet = "1 - s", crisis = "s" }', '"hold, hold" = { quiet = "1/2", crisis = "s" }',
     '"hold, hold" = { quiet = "1/2"', ["sum to"]),   # the line of the distribution, not of its table
    ('"hold, hold" = { quiet = "1 - s", crisis = "s" }', '"hold, hold" = { quiet = "1 - s", crisis = "s", war = 0 }',
     "[stochastic.states.quiet.transitions]", []),   # a zero probability is fine: no error expected
    ('s = { value = "1/5"', 's = { value = "6/5"', '"hold, hold" = { quiet = "1 - s"', ["not between 0 and 1"]),
    # a probability and delta named as such, not "payoff is nan"; an empty table not "got a table" (an error review)
    ('"hold, hold" = { quiet = "1 - s", crisis = "s" }', '"hold, hold" = { quiet = nan, crisis = "s" }',
     '"hold, hold" = { quiet = nan', ["transitions.\"hold, hold\": probability of state 'quiet' is nan"]),
    ('"hold, hold" = { quiet = "1 - s", crisis = "s" }', '"hold, hold" = {}', '"hold, hold" = {}',
     ["got an empty table"]),
    ('delta = "9/10"', 'delta = nan', 'delta = nan', ["stochastic.delta: discount factor delta is nan"]),
    ('delta = "9/10"', 'delta = [1]', 'delta = [1]', ["a discount factor delta must be a number"]),
    ('retaliate = { retaliate = "1 - m", escalate = "m" }', 'retaliate = { retaliate = "1 - m", nuke = "m" }',
     'retaliate = { retaliate = "1 - m", nuke', ["unknown outcome 'nuke'"]),
    ('retaliate = { retaliate', 'strike = { retaliate', 'strike = { retaliate',
     ["'strike', which Iran has in no state"]),
    ('start = "quiet"', 'start = "calm"', 'start = "calm"', ["unknown state 'calm'"]),
    ('absorbing = ["war"]', 'absorbing = ["peace"]', "absorbing", ["unknown state 'peace'"]),
    ('absorbing = ["war"]', 'absorbing = ["war", "war"]', "absorbing", ["state 'war' is listed twice"]),
    ('delta = "9/10"', 'delta = "1"', 'delta = "1"', ["below 1"]),
    ('delta = "9/10"', 'delta = "q"', 'delta = "q"', ["unknown name 'q'"]),
    ('delta = "9/10"', 'delta = "__import__(1)"', 'delta = "__import', ["calls are limited"]),
    ('delta = "9/10"\n', '', "[stochastic]", ["give delta"]),
    ('"*, *" = [-1, -1]\n"*, escalate"', '"*, escalate"', "[stochastic.states.quiet.payoffs]",
     ["no payoffs for profile (hold, retaliate)"]),
    ('"escalate, *" = { war = 1 }\n\n[stochastic.states.crisis.payoffs]',
     '"escalate, *" = { crisis = 1 }\n\n[stochastic.states.crisis.payoffs]',
     "[stochastic.states.quiet.transitions]", ["matched by", "different"]),
    ('[stochastic.states.war.payoffs]\n"*, *" = [-10, -10]\n',
     '[stochastic.states.war.payoffs]\n"*, *" = [-10, -10]\n[stochastic.states.war.transitions]\n'
     '"*, *" = { war = 1 }\n',
     "[stochastic.states.war.transitions]", ["absorbing"]),
    ('[stochastic.states.crisis.transitions]\n"*, *" = { quiet = "1/2", crisis = "1/2" }\n'
     '"escalate, *" = { war = 1 }\n',
     '', "[stochastic.states.crisis.payoffs]", ["no transitions"]),
    ('Iran = ["hold", "retaliate", "escalate"]', 'Iraq = ["hold"]', "Iraq", ["unknown player 'Iraq'"]),
    ('round_days = 7', 'round_days = 7\nrounds = 3', "rounds = 3", ["unknown key 'rounds'"]),
    ('round_days = 7', 'round_days = 0', "round_days = 0", ["must be positive"]),   # (was [stochastic]'s line)
    ('[stochastic.states.war.payoffs]', '[stochastic.states.war.payoff]', "[stochastic.states.war.payoff]",
     ["unknown key 'payoff'"]),
    ('"*, *" = [-10, -10]', '"*, *" = ["-10", "sqrt(-1)"]', '"*, *" = ["-10"', ["not a real number"]),
]


@pytest.mark.parametrize("old,new,fragment,words", BAD)
def test_bad_file_names_the_line(old, new, fragment, words):
    text = replace(old, new)
    if not words:
        parse_toml_game(text)  # valid
        return
    with pytest.raises(GameFileError) as info:
        parse_toml_game(text, file="g.toml")
    message = str(info.value)
    assert message.startswith(f"g.toml:{line_of(text, fragment)}:"), message
    for word in words:
        assert word in message, message


def test_constructor_errors_name_state_player_and_action():
    args = dict(players=["A", "B"], states=["s", "t"], actions=[["x", "y"], ["x"]],
                payoffs={"s": {"*, *": [0, 0]}, "t": {"*, *": [0, 0]}},
                transitions={"s": {"*, *": {"t": 1}}, "t": {"*, *": {"s": 1}}}, delta="1/2")
    StochasticGame(**args)
    with pytest.raises(GameError, match="state t: no transitions"):
        StochasticGame(**{**args, "transitions": {"s": {"*, *": {"t": 1}}}})
    with pytest.raises(GameError, match="unknown action 'z' of A"):
        StochasticGame(**{**args, "payoffs": {"s": {"z, x": [0, 0]}, "t": {"*, *": [0, 0]}}})
    with pytest.raises(GameError, match="unknown player 'C'"):
        StochasticGame(**args, noise={"C": {"x": {"y": 1}}})
    with pytest.raises(GameError, match="unknown start state 'u'"):
        StochasticGame(**{**args, "start": "u"})
    with pytest.raises(GameError, match="state s: noise of A when intending 'x': probability of 'x' is -1/2"):
        StochasticGame(**args, noise={"A": {"x": {"x": "-1/2", "y": "3/2"}}})
    with pytest.raises(GameError, match="sum to 1/2"):
        StochasticGame(**args, state_noise={"t": {"A": {"x": {"y": "1/2"}}}})


# -- an independent check: best responses in each player's Markov decision problem -------------


def noisy(game, state, intended):
    """{realised profile: probability} from the carrier's own tables (no solver code)."""
    rows = [game.noise_in(state, p)[a] for p, a in zip(game.players, intended)]
    out = {}
    for combo in itertools.product(*(list(r.items()) for r in rows)):
        prob = 1
        for _, q in combo:
            prob *= q
        key = tuple(b for b, _ in combo)
        out[key] = out.get(key, 0) + prob
    return out


def mixed_step(game, state, sigma):
    """Expected payoffs and next-state probabilities in a state under a profile {state: [dict]}."""
    pay = [sympy.Integer(0)] * len(game.players)
    nxt = {s: sympy.Integer(0) for s in game.states}
    dists = [list(d.items()) for d in sigma[state]]
    for combo in itertools.product(*dists):
        w = sympy.Integer(1)
        for _, q in combo:
            w *= sympy.Rational(q)
        if w == 0:
            continue
        for real, q in noisy(game, state, tuple(a for a, _ in combo)).items():
            u = game.payoff(state, real)
            for i in range(len(pay)):
                pay[i] += w * sympy.Rational(q) * sympy.Rational(u[i])
            for s2, t in game.transition(state, real).items():
                nxt[s2] += w * sympy.Rational(q) * sympy.Rational(t)
    return pay, nxt


def values_by_sympy(game, sigma):
    k = len(game.states)
    d = sympy.Rational(game.delta)
    steps = [mixed_step(game, s, sigma) for s in game.states]
    P = sympy.Matrix(k, k, lambda a, b: steps[a][1][game.states[b]])
    cols = []
    for i in range(len(game.players)):
        r = sympy.Matrix(k, 1, lambda a, _, i=i: steps[a][0][i])
        cols.append((sympy.eye(k) - d * P).LUsolve(r))
    return {s: [cols[i][j] for i in range(len(game.players))] for j, s in enumerate(game.states)}


def as_dicts(game, eq):
    return {s: [dict(zip(game.actions_in(s)[i], eq.strategies[s][i])) for i in range(len(game.players))]
            for s in game.states}


def best_response_gain(game, sigma):
    """Largest gain, over players, states and ALL pure stationary policies of a deviator."""
    base = values_by_sympy(game, sigma)
    worst = sympy.Integer(-1)
    for i, _p in enumerate(game.players):
        for policy in itertools.product(*(game.actions_in(s)[i] for s in game.states)):
            dev = {s: [({a: 1} if j == i else sigma[s][j]) for j in range(len(game.players))]
                   for s, a in zip(game.states, policy)}
            v = values_by_sympy(game, dev)
            worst = max(worst, max(v[s][i] - base[s][i] for s in game.states))
    return worst


def pure_profiles(game):
    per_state = [list(itertools.product(*game.actions_in(s))) for s in game.states]
    for combo in itertools.product(*per_state):
        yield {s: [{a: 1} for a in prof] for s, prof in zip(game.states, combo)}


def pure_key(game, sigma):
    return tuple(tuple(next(a for a, q in d.items() if q) for d in sigma[s]) for s in game.states)


@st.composite
def small_games(draw, max_states=2, max_actions=2, with_noise=True):
    n_states = draw(st.integers(1, max_states))
    states = [f"s{j}" for j in range(n_states)]
    sizes = [draw(st.integers(1, max_actions)) for _ in range(2)]
    actions = [[f"a{k}" for k in range(m)] for m in sizes]
    absorbing = [states[-1]] if n_states > 1 and draw(st.booleans()) else []
    pays, trans = {}, {}
    small = st.integers(-3, 3)
    probs = st.sampled_from([0, Fraction(1, 4), Fraction(1, 3), Fraction(1, 2), 1])
    for s in states:
        if s in absorbing:  # no choice there: one payoff per player
            pays[s] = {("*", "*"): [draw(small), draw(small)]}
            continue
        pays[s] = {(a, b): [draw(small), draw(small)] for a in actions[0] for b in actions[1]}
        trans[s] = {}
        for a in actions[0]:
            for b in actions[1]:
                first = draw(probs)
                target = draw(st.sampled_from(states))
                other = draw(st.sampled_from(states))
                dist = {target: first}
                dist[other] = dist.get(other, 0) + 1 - first
                trans[s][(a, b)] = dist
    noise = None
    if with_noise and sizes[0] > 1 and draw(st.booleans()):
        m = draw(st.sampled_from([Fraction(1, 10), Fraction(1, 3)]))
        noise = {"A": {"a0": {"a0": 1 - m, "a1": m}}}
    delta = draw(st.sampled_from([0, Fraction(1, 3), Fraction(1, 2), Fraction(4, 5)]))
    return StochasticGame(["A", "B"], states, actions, pays, trans, absorbing=absorbing,
                          noise=noise, delta=delta)


SLOW = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@SLOW
@given(small_games())
def test_pure_markov_perfect_equilibria_are_exactly_those_brute_force_finds(game):
    found = {pure_key(game, as_dicts(game, e)) for e in pure_markov_perfect(game)}
    brute = {pure_key(game, sigma) for sigma in pure_profiles(game) if best_response_gain(game, sigma) <= 0}
    assert found == brute


@settings(max_examples=15, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(small_games(max_actions=3))
def test_every_returned_equilibrium_passes_the_independent_check(game):
    result = markov_perfect(game, restarts=1, seed=1)
    assert result.pure_complete and not result.complete
    for eq in result:
        gain = best_response_gain(game, as_dicts(game, eq))
        if eq.exact:
            assert gain <= 0 and eq.verified_under_noise and eq.epsilon == 0
            assert verify_markov_perfect(game, as_dicts(game, eq)) == (True, [])
        else:  # the rational point of an irrational MPE (or an epsilon-equilibrium):
            # no policy gains more than epsilon / (1 - delta)
            assert eq.radius > 0 if eq.verified_under_noise else eq.epsilon > 0
            assert gain <= sympy.Rational(eq.epsilon) / (1 - sympy.Rational(game.delta))
        values = values_by_sympy(game, as_dicts(game, eq))
        assert all(values[s] == [sympy.Rational(v) for v in eq.values[s]] for s in game.states)


@SLOW
@given(st.integers(1, 3), st.integers(1, 3), st.randoms(use_true_random=False))
def test_a_repeated_game_with_delta_zero_has_the_stage_games_pure_equilibria(rows, cols, rnd):
    A = [[rnd.randint(-3, 3) for _ in range(cols)] for _ in range(rows)]
    B = [[rnd.randint(-3, 3) for _ in range(cols)] for _ in range(rows)]
    stage = NormalFormGame.from_arrays(A, B, actions=[[f"r{i}" for i in range(rows)],
                                                      [f"c{j}" for j in range(cols)]])
    game = StochasticGame.from_stage_game(stage, 0)
    mpe = {tuple(e.action("stage", p) for p in game.players) for e in pure_markov_perfect(game)}
    nash = {(e.support(0)[0], e.support(1)[0]) for e in solve(stage, "pure")}
    assert mpe == nash


def test_catalogue_claims_hold():
    game = load_game("stochastic_prisoners_dilemma")
    result = dt.solve(game)
    assert result.method == "markov_perfect" and result.exact and result.pure_complete
    pure = [{p: [e.action(s, p) for s in game.states] for p in game.players} for e in result.pure]
    assert sorted(map(str, pure)) == sorted(map(str, game.claims["pure_markov_perfect"]))
    from deterrence.core.symbolic import parameter_symbol, parse_expression
    names = list(game.parameters)
    conditional = parse_expression(game.claims["conditional_cooperation_from_delta"], names)
    full = parse_expression(game.claims["full_cooperation_from_delta"], names)
    for b1, b2, c in [(3, Fraction(3, 2), 1), (4, 1, 1), (5, 4, 2)]:
        point = {parameter_symbol("b1"): b1, parameter_symbol("b2"): b2, parameter_symbol("c"): c}
        t_cond, t_full = conditional.subs(point), full.subs(point)
        for delta in [Fraction(1, 10), Fraction(1, 3), Fraction(1, 2), Fraction(2, 3), Fraction(9, 10)]:
            g = game.subs(b1=b1, b2=b2, c=c, delta=delta)
            keys = {tuple(tuple(e.action(s, p) for p in g.players) for s in g.states)
                    for e in pure_markov_perfect(g)}
            assert ((("C", "C"), ("D", "D")) in keys) == (delta >= t_cond)
            assert ((("C", "C"), ("C", "C")) in keys) == (0 < t_full <= delta)
            assert (("D", "D"), ("D", "D")) in keys


def pennies(stakes):
    return {"H, H": [stakes, -stakes], "T, T": [stakes, -stakes],
            "H, T": [-stakes, stakes], "T, H": [-stakes, stakes]}


def test_a_game_with_only_a_mixed_equilibrium_is_certified_exactly():
    # zero-sum: matching pennies in two states; matching on heads moves the game
    g = StochasticGame(["Row", "Col"], ["a", "b"], [["H", "T"], ["H", "T"]],
                       payoffs={"a": pennies(1), "b": pennies(2)},
                       transitions={"a": {"H, H": {"b": 1}, "*, *": {"a": 1}},
                                    "b": {"H, H": {"a": 1}, "*, *": {"b": 1}}}, delta="1/2")
    result = markov_perfect(g)
    assert len(result) == 1 and not result.pure and result.exact
    (eq,) = result
    assert eq.verified_under_noise and best_response_gain(g, as_dicts(g, eq)) <= 0
    assert not any(best_response_gain(g, sigma) <= 0 for sigma in pure_profiles(g))


def test_an_irrational_equilibrium_is_proved_in_a_small_box_or_flagged_with_an_exact_epsilon():
    g = StochasticGame(["Row", "Col"], ["a", "b"], [["H", "T"], ["H", "T"]],
                       payoffs={"a": pennies(1), "b": {"H, H": [3, -1], "T, T": [1, -1],
                                                       "H, T": [-1, 1], "T, H": [-1, 1]}},
                       transitions={"a": {"H, H": {"b": 1}, "*, *": {"a": 1}},
                                    "b": {"H, H": {"a": 1}, "*, *": {"b": 1}}}, delta="1/2")
    result = markov_perfect(g)
    assert len(result) >= 1 and not result.exact and "proved within a radius" in result.to_text()
    for eq in result:
        # Krawczyk's test: an exact MPE within 1e-40 of the listed (rational) numbers
        assert not eq.exact and eq.verified_under_noise and eq.radius == Fraction(1, 10**40)
        assert 0 <= eq.epsilon < Fraction(1, 10**40)
        assert best_response_gain(g, as_dicts(g, eq)) <= sympy.Rational(eq.epsilon) * 2
        assert eq.to_json()["radius"] == "1/" + "1" + "0" * 40
    # without the interval test the same point is only an epsilon-equilibrium, flagged
    flagged = markov_perfect(g, interval=False)
    assert [e.strategies for e in flagged] == [e.strategies for e in result]
    for eq in flagged:
        assert not eq.exact and not eq.verified_under_noise and 0 < eq.epsilon < Fraction(1, 10**40)
    # no rational with a small denominator solves the indifference system: the certified
    # profile is the rational within 1e-45 of the solution
    q = result[0].probability("b", "Col", "H")
    assert Fraction(q).denominator > 10**20


def retaliation_game(m):
    """Iran gains 1 a round by retaliating or escalating; escalation means war (-10 a round)."""
    return StochasticGame(
        ["US", "Iran"], ["quiet", "war"], [["hold"], ["hold", "retaliate", "escalate"]],
        payoffs={"quiet": {"hold, hold": [0, 0], "*, *": [0, 1]}, "war": {"*, *": [-10, -10]}},
        transitions={"quiet": {"*, escalate": {"war": 1}, "*, *": {"quiet": 1}}},
        absorbing=["war"], delta="1/2", noise={"Iran": {"retaliate": {"retaliate": 1 - m, "escalate": m}}})


def test_verification_is_made_under_the_games_own_noise():
    plan = {"quiet": ("hold", "retaliate")}  # no choice in war: it may be left out
    assert verify_markov_perfect(retaliation_game(0), plan) == (True, [])
    ok, deviations = verify_markov_perfect(retaliation_game(Fraction(1, 2)), plan)
    # by hand: V = 1 + 1/2 (1/2 V + 1/2 (-20)), so V = -16/3; holding gives 1/2 V = -8/3
    assert not ok and [(d.state, d.player, d.action, d.gain) for d in deviations] == \
        [("quiet", "Iran", "hold", Fraction(8, 3))]
    result = markov_perfect(retaliation_game(Fraction(1, 2)), mixed=False)
    assert [e.action("quiet", "Iran") for e in result] == ["hold"]
    assert all(e.values["quiet"] == (0, 0) for e in result)


def test_too_many_profiles_are_refused_with_the_count():
    g = StochasticGame(["A", "B"], [f"s{j}" for j in range(8)], [["x", "y", "z"]] * 2,
                       payoffs={f"s{j}": {"*, *": [0, 0]} for j in range(8)},
                       transitions={f"s{j}": {"*, *": {"s0": 1}} for j in range(8)}, delta="1/2")
    with pytest.raises(TooLargeError, match="43046721 stationary pure profiles.*limit of 2000000"):
        pure_markov_perfect(g)


def test_json_and_text_of_a_result():
    result = dt.solve(load_game("stochastic_prisoners_dilemma"))
    out = result.to_json()
    assert out["equilibria"][0]["strategies"]["good"] == [["1", "0"], ["1", "0"]]
    assert out["equilibria"][0]["values"]["good"] == ["20", "20"]
    assert out["equilibria"][0]["verified_under_noise"] is True
    assert "3 Markov perfect equilibria" in result.to_text()
    assert "<table>" in result._repr_html_()


def test_command_line_solves_a_stochastic_game(capsys):
    from deterrence.cli import main
    assert main(["solve", "stochastic_prisoners_dilemma"]) == 0
    out = capsys.readouterr().out
    assert "Markov perfect equilibria" in out and "good: A C, B C; poor: A D, B D" in out


# -- the state chain ---------------------------------------------------------------------
def test_chain_quantities_by_hand():
    # absorption with probability 1/4 a round; Iran's limited strikes misfire with 1/10
    p, m = Fraction(1, 4), Fraction(1, 10)
    g = StochasticGame(["US", "Iran"], ["quiet", "war"], [["hold"], ["hold", "retaliate"]],
                       payoffs={"quiet": {"*, *": [0, 0]}, "war": {"*, *": [0, 0]}},
                       transitions={"quiet": {"*, *": {"quiet": 1 - p, "war": p}}},
                       absorbing=["war"], delta="1/2",
                       noise={"Iran": {"retaliate": {"retaliate": 1 - m, "hold": m}}})
    plan = {"quiet": ("hold", "retaliate"), "war": ("none", "none")}
    for T in (0, 1, 5, 26):
        assert mc.absorption_probability(g, plan, T) == 1 - (1 - p) ** T
        assert mc.expected_visits(g, plan, T)["quiet"] == sum((1 - p) ** t for t in range(T))
        assert mc.expected_action_counts(g, plan, T)["Iran"]["retaliate"] == \
            (1 - m) * sum((1 - p) ** t for t in range(T))
    assert mc.absorption_probability(g, plan) == 1
    assert mc.expected_rounds_to_absorption(g, plan) == 1 / p
    assert mc.expected_visits(g, plan) == {"quiet": 1 / p}
    assert mc.long_run_frequencies(g, plan) == {"quiet": 0, "war": 1}
    # the float path for long horizons agrees with the exact one
    exact = mc.absorption_probability(g, plan, 300)
    assert abs(mc.absorption_probability(g, plan, 300, exact=False) - float(exact)) < 1e-12


def simulate(game, plan, rounds, rnd):
    """Monte Carlo play of a pure profile: (absorbed?, {player: {action: count}})."""
    state = game.start
    counts = {p: {} for p in game.players}
    for _ in range(rounds):
        if state in game.absorbing:
            return True, counts
        realised = []
        for p, a in zip(game.players, plan[state]):
            dist = game.noise_in(state, p)[a]
            b = rnd.choices(list(dist), [float(q) for q in dist.values()])[0]
            realised.append(b)
            counts[p][b] = counts[p].get(b, 0) + 1
        nxt = game.transition(state, tuple(realised))
        state = rnd.choices(list(nxt), [float(q) for q in nxt.values()])[0]
    return state in game.absorbing, counts


def test_chain_quantities_match_a_monte_carlo_simulation():
    g = parse_toml_game(BASE).with_defaults()
    plan = {"quiet": ("hold", "retaliate"), "crisis": ("hold", "retaliate"), "war": ("none", "none")}
    rounds, runs, rnd = 12, 4000, random.Random(7)
    wars, strikes = 0, 0
    for _ in range(runs):
        war, counts = simulate(g, plan, rounds, rnd)
        wars += war
        strikes += counts["Iran"].get("retaliate", 0)
    p = float(mc.absorption_probability(g, plan, rounds))
    assert abs(wars / runs - p) < 4 * (p * (1 - p) / runs) ** 0.5 + 1e-9
    expected = float(mc.expected_action_counts(g, plan, rounds)["Iran"]["retaliate"])
    assert abs(strikes / runs - expected) < 0.05 * expected
    # the values solve the Bellman equations of the profile
    values = mc.markov_values(g, plan)
    sympy_values = values_by_sympy(g, {s: [{a: 1} for a in plan[s]] for s in g.states})
    assert all([sympy.Rational(v) for v in values[s]] == sympy_values[s] for s in g.states)


def test_long_run_frequencies_of_a_periodic_chain():
    g = StochasticGame(["A"], ["x", "y", "z"], [["go"]], payoffs={s: {"*": [0]} for s in "xyz"},
                       transitions={"x": {"*": {"y": 1}}, "y": {"*": {"x": "1/2", "z": "1/2"}},
                                    "z": {"*": {"y": 1}}}, delta=0)
    # y is every other round; x and z share the rest equally
    assert mc.long_run_frequencies(g, {}) == {"x": Fraction(1, 4), "y": Fraction(1, 2), "z": Fraction(1, 4)}
    assert mc.state_distribution(g, {}, 2) == {"x": Fraction(1, 2), "y": 0, "z": Fraction(1, 2)}
    assert mc.expected_rounds_to_absorption(g, {}, states=["z"]) == 4  # x->y, then 1/2 each pass


def test_equilibria_on_named_supports_match_the_homotopy_and_are_certified():
    from deterrence.solvers.stochastic.markov_perfect import markov_perfect_on_supports
    g = StochasticGame(["Row", "Col"], ["a", "b"], [["H", "T"], ["H", "T"]],
                       payoffs={"a": pennies(1), "b": {"H, H": [3, -1], "T, T": [1, -1],
                                                       "H, T": [-1, 1], "T, H": [-1, 1]}},
                       transitions={"a": {"H, H": {"b": 1}, "*, *": {"a": 1}},
                                    "b": {"H, H": {"a": 1}, "*, *": {"b": 1}}}, delta="1/2")
    full = {"a": {"Row": ["H", "T"], "Col": ["H", "T"]}, "b": [["H", "T"], ["H", "T"]]}
    on_supports = markov_perfect_on_supports(g, full, starts=5)
    assert [e.strategies for e in on_supports] == [e.strategies for e in markov_perfect(g)]
    assert all(e.verified_under_noise for e in on_supports)
    # Row pure in a: then Col would not mix there, so no equilibrium has these supports
    assert markov_perfect_on_supports(g, {"a": [["H"], ["H", "T"]], "b": [["H", "T"], ["H", "T"]]},
                                      starts=5) == []
    with pytest.raises(GameError, match="unknown action 'X' of Col in state 'b'"):
        markov_perfect_on_supports(g, {"a": [["H"], ["H"]], "b": [["H"], ["X"]]})
    with pytest.raises(GameError, match="no supports given for state 'b'"):
        markov_perfect_on_supports(g, {"a": [["H"], ["H"]]})
    # the method takes supports too, and finds nothing new here
    assert len(markov_perfect(g, restarts=0, supports=[full])) == 1


# -- large games: the search by alternating best responses --------------------------------
@SLOW
@given(small_games(max_states=3, max_actions=3))
def test_best_response_search_finds_only_true_pure_equilibria(game):
    """Everything the search returns is among the complete enumeration's equilibria."""
    from deterrence.solvers.stochastic.markov_perfect import pure_markov_perfect_search
    every = {pure_key(game, as_dicts(game, e)) for e in pure_markov_perfect(game)}
    found = [pure_key(game, as_dicts(game, e)) for e in pure_markov_perfect_search(game, random_starts=3)]
    assert len(found) == len(set(found)) and set(found) <= every


@SLOW
@given(small_games(max_states=3, max_actions=3), st.sampled_from(["A", "B"]))
def test_best_response_is_optimal_against_the_others(game, player):
    """Policy iteration ends where no one-shot deviation of the player gains (Howard)."""
    from deterrence.solvers.stochastic.markov_perfect import best_response
    from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
    start = {s: tuple(acts[0] for acts in game.actions_in(s)) for s in game.states}
    reply = best_response(game, start, player)
    k = game.players.index(player)
    assert all(reply[s][1 - k] == start[s][1 - k] for s in game.states)   # the other is untouched
    gains = one_shot_gains(game, reply)
    assert max(g for (_, p, _), g in gains.items() if p == player) <= 0


def test_markov_perfect_searches_when_the_pure_profiles_are_too_many():
    game = dt.load_game("stochastic_prisoners_dilemma").with_defaults()
    complete = markov_perfect(game, mixed=False)
    searched = markov_perfect(game, max_profiles=3)          # 16 pure profiles: past the limit
    assert complete.pure_complete and not searched.pure_complete and not searched.complete
    assert {repr(e.strategies) for e in searched} < {repr(e.strategies) for e in complete}
    assert any("alternating best responses" in n for n in searched.notes)
    assert any("mixed equilibria were not searched" in n for n in searched.notes)
    with pytest.raises(TooLargeError, match="over the limit of 3"):
        markov_perfect(game, max_profiles=3, search_when_large=False)


def test_one_shot_gains_of_a_symbolic_game_is_a_clear_error():
    """The python-flint path had raised a bare TypeError on a symbolic discount factor (review):
    the message names the parameter to give a value to, as the reference path's does."""
    from deterrence.core.stochastic import _demo_stage
    from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
    game = StochasticGame.from_stage_game(_demo_stage(), "d")
    with pytest.raises(GameError, match="give values to d"):
        one_shot_gains(game, {"stage": ((1, 0), (1, 0))})
    numeric = one_shot_gains(game.subs({"d": Fraction(1, 2)}), {"stage": ((1, 0), (1, 0))})
    assert all(isinstance(g, (int, Fraction)) for g in numeric.values())


def _two_state(pay):
    return StochasticGame(["Row", "Col"], ["a", "b"], [["H", "T"], ["H", "T"]],
                          payoffs={"a": pay(1), "b": pay(2)},
                          transitions={"a": {"H, H": {"b": 1}, "*, *": {"a": 1}},
                                       "b": {"H, H": {"a": 1}, "*, *": {"b": 1}}}, delta="1/2")


def _coordination(s):
    return {"H, H": [2 * s, 2 * s], "T, T": [s, s], "H, T": [0, 0], "T, H": [0, 0]}


def _trace(game, prior_h, residual_noise=None):
    """The end of the logit path from a prior (``prior_h`` on H everywhere), with
    ``residual_noise(path, shape)`` added to every residual evaluation (real part only)."""
    import numpy as np
    from deterrence.solvers.stochastic import markov_perfect as mp
    tables = mp._float_tables(game)
    prior = [[np.array([prior_h, 1 - prior_h])] * 2 for _ in game.states]

    class Rounded(mp._LogitHomotopy):
        def residuals(self, Y):
            out = super().residuals(Y)
            return out if residual_noise is None else out + residual_noise(self, out.shape)

    path = Rounded(game, tables, prior)
    scale = mp._scale(game, tables)
    y = path.trace(1e8 * scale / (scale * (1 - float(game.delta))), 600)
    return None if y is None else path.strategies(y)


def test_the_logit_path_goes_on_when_rounding_leaves_a_residual_just_over_the_tolerance():
    """Far along the path the terms lambda * Q are large and their rounding leaves a residual
    that Newton cannot reduce (the US-Iran calibration stalled at about 1e-8 with one BLAS).
    Noise added to every residual evaluation stands in for it: 2e-8 absolute, and 32 float
    spacings of the largest term; the path must still end where the noise-free path ends (on
    a coordination game with several equilibria, from two priors that end at different ones)."""
    import numpy as np
    from deterrence.solvers.stochastic import markov_perfect as mp
    noise = np.random.default_rng(3)
    flat = _trace(_two_state(pennies), 0.5, lambda path, shape: 2e-8 * noise.choice([-1.0, 1.0], size=shape))
    assert flat is not None
    exact = mp.certify_markov_perfect(_two_state(pennies), {s: [list(d) for d in flat[j]]
                                                             for j, s in enumerate(["a", "b"])})
    assert exact is not None and exact.verified_under_noise
    ends = set()
    for prior_h in (0.5, 0.3):
        clean = _trace(_two_state(_coordination), prior_h)
        rounded = _trace(_two_state(_coordination), prior_h, lambda path, shape: 32 * 2.0 ** -52 * path.term_size
                         * noise.choice([-1.0, 1.0], size=shape))
        assert rounded is not None
        support = [[tuple(p > 0.5 for p in d) for d in state] for state in clean]
        assert [[tuple(p > 0.5 for p in d) for d in state] for state in rounded] == support
        ends.add(str(support))
    assert len(ends) == 2


def test_the_logit_paths_ends_are_probabilities():
    """A long last step can overshoot the path's end far; Newton back at the end then left the
    path (a "probability" of 1.5 on a coordination game). The end is now on the path."""
    from deterrence.solvers.stochastic.markov_perfect import logit_homotopy_candidates
    game = _two_state(_coordination)
    (candidate,) = logit_homotopy_candidates(game, 0, 0)
    for state in candidate:
        for dist in state:
            assert all(-1e-9 <= p <= 1 + 1e-9 for p in dist) and abs(sum(dist) - 1) < 1e-6


def test_without_the_mixed_search_the_result_is_not_called_complete():
    """A bug hunt: matching pennies as a one-state stochastic game with mixed=False gave
    "0 Markov perfect equilibria (markov_perfect; all; ...)" and "complete": true, while its one
    MPE is mixed; "-o mixed=abc" ran the mixed search."""
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.core.stochastic import StochasticGame
    from deterrence.errors import GameError
    pennies = StochasticGame.from_stage_game(NormalFormGame.zero_sum([[1, -1], [-1, 1]]), "1/2")
    pure = markov_perfect(pennies, mixed=False)
    assert len(pure) == 0 and pure.pure_complete and not pure.complete
    assert "(markov_perfect; all pure;" in pure.to_text() and "mixed=False" in " ".join(pure.notes)
    assert pure.to_json()["complete"] is False
    both = markov_perfect(pennies)
    assert len(both) == 1 and not both.complete and "all pure, some mixed" in both.to_text()
    with pytest.raises(GameError, match="mixed must be true or false, got 'abc'"):
        markov_perfect(pennies, mixed="abc")


def test_a_game_without_noise_is_not_said_to_be_checked_under_it():
    """A bug hunt: every result said "checked under the game's noise", also without noise."""
    quiet = markov_perfect(dt.load_game("stochastic_prisoners_dilemma").with_defaults())
    assert "checked; the game has no noise)" in quiet.to_text() and "under the game's noise" not in quiet.to_text()
    noisy = dt.solve(dt.load_game("us_iran_exchange"))
    assert "checked under the game's noise)" in noisy.to_text()


def test_three_players_with_delta_near_one_keep_their_pure_equilibrium():
    """A solver review (stop 39): at delta = 1 - 10^-6 a three-player one-state game crashed the
    solve ("bad arguments ... LinAlgError: Singular matrix", in the float polish of the mixed
    search), and the pure MPE already found was lost. B's y is strictly dominant: the MPE."""
    g = StochasticGame(["A", "B", "C"], ["s"], [["x"], ["x", "y"], ["x"]],
                       {"s": {"x, x, x": [2, 0, 2], "x, y, x": [2, 1, 0]}},
                       {"s": {"*, *, *": {"s": 1}}}, delta="999999/1000000")
    (eq,) = dt.solve(g, "markov_perfect").equilibria
    assert eq.is_pure and [eq.action("s", p) for p in ("A", "B", "C")] == ["x", "y", "x"]


def test_an_error_in_a_state_whose_name_has_a_space_names_its_line(tmp_path):
    """The reader found the state of a game's error by matching ``state (\\S+?):`` in its message,
    which fails on "high alert" and named the [stochastic] header's line (2); the error carries
    its place (PlacedError) and the line is the state's table's (an error review)."""
    from deterrence.core.stochastic import PlacedError
    text = ('players = ["A", "B"]\n[stochastic]\nabsorbing = ["war"]\ndelta = "9/10"\n[stochastic.actions]\n'
            'A = ["hold", "fight"]\nB = ["hold", "fight"]\n[stochastic.states."high alert".payoffs]\n'
            '"hold, hold" = [1, 1]\n"fight, *" = [0, 0]\n[stochastic.states."high alert".transitions]\n'
            '"*, *" = { war = 1 }\n[stochastic.states.war.payoffs]\n"*, *" = [-5, -5]\n')
    path = tmp_path / "g.toml"
    path.write_text(text)
    with pytest.raises(GameFileError) as caught:
        dt.load_game(path)
    assert str(caught.value) == f"{path}:8: state high alert: no payoffs for profile (hold, fight)"
    with pytest.raises(PlacedError) as caught:
        StochasticGame(["A"], ["high alert"], [["x", "y"]], {"high alert": {"x": [1]}},
                       {"high alert": {"*": {"high alert": 1}}}, delta="1/2")
    assert caught.value.places == (("stochastic", "states", "high alert", "payoffs"),)


def test_a_discount_factor_that_is_a_parameter_is_named_with_its_default():
    """The heading of a game whose delta is a parameter read 'delta = delta per round'."""
    game = load_game("stochastic_prisoners_dilemma")
    for shown in (str(game), game._repr_html_()):
        assert "delta = delta" not in shown
        assert "discount factor per round: delta (a parameter; default 9/10)" in shown
    assert "delta = 9/10 per round" in str(game.with_defaults())


def test_errors_of_actions_noise_and_delta_carry_their_place_and_name_their_line(tmp_path):
    """The reader found the place of an error outside a state's payoffs and transitions by matching
    its message (``state (\\S+?):``, ``noise of``), and named the [stochastic] header's line (2) for
    delta out of range or given twice, and the noise table's header for a noise row naming an outcome
    that a state "high alert" lacks; every such error carries its place (an error review)."""
    from deterrence.core.stochastic import PlacedError
    head = 'players = ["A", "B"]\n[stochastic]\nabsorbing = ["war"]\n'
    body = ('[stochastic.actions]\nA = ["hold", "fight"]\nB = ["hold", "fight"]\n'
            '[stochastic.states."high alert".payoffs]\n"*, *" = [0, 0]\n'
            '[stochastic.states."high alert".transitions]\n"*, *" = { war = 1 }\n'
            '[stochastic.states.war.payoffs]\n"*, *" = [-5, -5]\n')
    cases = [
        ('delta = 2\n', "", 4, "discount factor delta = 2 must be at least 0 and below 1"),
        ('delta = "9/10"\nannual_discount_rate = "1/10"\nround_days = 7\n', "", 5,
         "give either delta or an annual discount rate, not both"),
        ('delta = "9/10"\n', '[stochastic.noise.B]\nhold = { hold = 1 }\nfight = { hold = "1/2", "go on" = "1/2" }\n',
         16, "state high alert: noise of B when intending 'fight': unknown outcome 'go on'; choose from hold, fight"),
        ('delta = "9/10"\n', '[stochastic.noise.B]\nhold = { hold = 1 }\nnuke = { nuke = 1 }\n', 16,
         "noise of B names action 'nuke', which B has in no state"),
    ]
    for delta, noise, line, message in cases:
        path = tmp_path / "g.toml"
        path.write_text(head + delta + body + noise)
        with pytest.raises(GameFileError) as caught:
            dt.load_game(path)
        assert str(caught.value) == f"{path}:{line}: {message}", path.read_text()
    acts = [["hold", "go on"], ["x"]]
    with pytest.raises(PlacedError) as caught:      # from Python: the place of a state's own lists
        StochasticGame(["A", "B"], ["high alert"], acts, {"high alert": {"*, *": [1, 1]}},
                       {"high alert": {"*, *": {"high alert": 1}}}, delta="1/2",
                       state_actions={"high alert": [["hold", "hold"], ["x"]]})
    assert caught.value.places == (("stochastic", "states", "high alert", "actions", "A"),)
    with pytest.raises(PlacedError) as caught:
        StochasticGame(["A", "B"], ["high alert"], acts, {"high alert": {"*, *": [1, 1]}},
                       {"high alert": {"*, *": {"high alert": 1}}}, delta="1/2",
                       state_noise={"high alert": {"A": {"go on": {"hold": "1/2", "run": "1/2"}}}})
    assert caught.value.places[0] == ("stochastic", "states", "high alert", "noise", "A", "go on", "run")


def test_no_states_is_said_so_at_the_states_table():
    """An empty [stochastic.states] named the [stochastic] header's line, and a file with none said
    "expected a table of states ..., got null" (TOML has no null: an error review)."""
    head = 'players = ["A", "B"]\n[stochastic]\ndelta = "1/2"\n[stochastic.actions]\nA = ["x"]\nB = ["y"]\n'
    for tail, line, field in (("[stochastic.states]\n", 7, "stochastic.states"), ("", 2, "stochastic")):
        with pytest.raises(GameFileError) as caught:
            parse_toml_game(head + tail, file="g.toml")
        assert str(caught.value) == (f"g.toml:{line}: {field}: no states: give [stochastic.states.NAME.payoffs] "
                                     "for each state")


def _toml_name(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


_NAMES = st.text(st.sampled_from("ab Z:'\"./-é?!()"), min_size=1, max_size=8).filter(
    lambda s: s == s.strip() and s != "*")


@settings(max_examples=40, deadline=None)
@given(_NAMES, _NAMES, st.sampled_from(["sum", "noise", "profile"]))
def test_an_error_names_its_line_whatever_the_names_of_states_and_actions(state, action, case):
    """Names with spaces and punctuation (a state "high alert", an action "go on", quotes, colons)
    cut the regular expressions that once found an error's place in its message; the places are
    carried as data, so the line is right whatever the names (an error review)."""
    if action in ("hold", "x") or state == "war":
        return
    lines = ['players = ["A", "B"]', "[stochastic]", 'absorbing = ["war"]', 'delta = "1/2"',
             "[stochastic.actions]", f'A = ["hold", {_toml_name(action)}]', 'B = ["x"]',
             f"[stochastic.states.{_toml_name(state)}.payoffs]",
             '"*, *" = [0, 0]' if case != "profile" else '"hold, x" = [0, 0]',
             f"[stochastic.states.{_toml_name(state)}.transitions]",
             '"*, *" = { war = "1/2" }' if case == "sum" else '"*, *" = { war = 1 }',
             "[stochastic.states.war.payoffs]", '"*, *" = [1, 1]']
    if case == "noise":
        lines += ["[stochastic.noise.A]", 'hold = { hold = "1/2", nowhere = "1/2" }']
    expected = {"sum": 11, "noise": 15, "profile": 8}[case]
    with pytest.raises(GameFileError) as caught:
        parse_toml_game("\n".join(lines) + "\n", file="g.toml")
    assert caught.value.line == expected, (str(caught.value), lines)
