"""Stochastic games: the carrier, the [stochastic] file, Markov perfect equilibria, the state chain."""
from fractions import Fraction

import pytest

import deterrence as dt
from deterrence.core.stochastic import StochasticGame, discount_factor_per_round
from deterrence.errors import GameError, GameFileError
from deterrence.io import load_game
from deterrence.io.toml_format import parse_toml_game

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
    assert h.transition("war", ("hold", "hold")) == {"war": 1}
    assert h.noise_in("crisis", "Iran")["retaliate"] == {"retaliate": Fraction(9, 10),
                                                        "escalate": Fraction(1, 10)}
    assert h.noise_in("crisis", "US")["retaliate"] == {"retaliate": 1}
    assert h.round_days == 7 and h.delta == Fraction(9, 10)
    # the outcome table averages over the noise: Iran's intended retaliation misfires
    pay, nxt = h.outcome_table("quiet")[(0, 1)]
    assert pay == (Fraction(9, 10) * -1 + Fraction(1, 10) * -3, Fraction(9, 10) * -1 + Fraction(1, 10) * -2)
    assert nxt == (0, Fraction(9, 10), Fraction(1, 10))


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
     "[stochastic.states.quiet.transitions]", ["sum to"]),
    ('"hold, hold" = { quiet = "1 - s", crisis = "s" }', '"hold, hold" = { quiet = "1 - s", crisis = "s", war = 0 }',
     "[stochastic.states.quiet.transitions]", []),   # a zero probability is fine: no error expected
    ('s = { value = "1/5"', 's = { value = "6/5"', "[stochastic.states.quiet.transitions]", ["not between 0 and 1"]),
    ('retaliate = { retaliate = "1 - m", escalate = "m" }', 'retaliate = { retaliate = "1 - m", nuke = "m" }',
     "[stochastic.noise.Iran]", ["unknown outcome 'nuke'"]),
    ('retaliate = { retaliate', 'strike = { retaliate', "[stochastic.noise.Iran]", ["names no action"]),
    ('start = "quiet"', 'start = "calm"', 'start = "calm"', ["unknown state 'calm'"]),
    ('absorbing = ["war"]', 'absorbing = ["peace"]', "absorbing", ["unknown state 'peace'"]),
    ('delta = "9/10"', 'delta = "1"', "[stochastic]", ["below 1"]),
    ('delta = "9/10"', 'delta = "q"', 'delta = "q"', ["unknown name 'q'"]),
    ('delta = "9/10"', 'delta = "__import__(1)"', 'delta = "__import', ["calls are limited"]),
    ('delta = "9/10"\n', '', "[stochastic]", ["give delta"]),
    ('"*, *" = [-1, -1]\n"*, escalate"', '"*, escalate"', "[stochastic.states.quiet.payoffs]",
     ["no payoffs for profile (hold, retaliate)"]),
    ('"escalate, *" = { war = 1 }\n\n[stochastic.states.crisis.payoffs]',
     '"escalate, *" = { crisis = 1 }\n\n[stochastic.states.crisis.payoffs]',
     "[stochastic.states.quiet.transitions]", ["matched by", "different"]),
    ('[stochastic.states.war.payoffs]\n"*, *" = [-10, -10]\n',
     '[stochastic.states.war.payoffs]\n"*, *" = [-10, -10]\n[stochastic.states.war.transitions]\n"*, *" = { war = 1 }\n',
     "[stochastic.states.war.transitions]", ["absorbing"]),
    ('[stochastic.states.crisis.transitions]\n"*, *" = { quiet = "1/2", crisis = "1/2" }\n"escalate, *" = { war = 1 }\n',
     '', "[stochastic.states.crisis.payoffs]", ["no transitions"]),
    ('Iran = ["hold", "retaliate", "escalate"]', 'Iraq = ["hold"]', "Iraq", ["unknown player 'Iraq'"]),
    ('round_days = 7', 'round_days = 7\nrounds = 3', "rounds = 3", ["unknown key 'rounds'"]),
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
