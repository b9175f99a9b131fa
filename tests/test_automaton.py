"""Automata, the strategy library, RepeatedGame and Noise."""
from fractions import Fraction

import pytest

from deterrence import load_game
from deterrence.core.automaton import Automaton
from deterrence.core.repeated import Noise, RepeatedGame
from deterrence.core.repeated import read_profile
from deterrence.core.strategies import STRATEGIES, strategy
from deterrence.errors import ExpressionError, GameError, GameFileError

CD = ["C", "D"]
TFT_RULES = ["*: *, C -> calm", "*: *, D -> punish"]


def tft():
    return Automaton(["calm", "punish"], "calm", {"calm": "C", "punish": "D"}, TFT_RULES, actions=CD)


def test_tft_table():
    a = tft()
    assert a.next_state("calm", "C", "D") == "punish"
    assert a.next_state("punish", "D", "C") == "calm"
    assert a.output("punish") == {"D": 1}
    assert a.start == "calm" and a.n_states == 2 and not a.is_stochastic


def test_missing_transition_names_state_and_profile():
    with pytest.raises(GameError, match=r"no transition from state 'punish' on profile \(C, D\)"):
        Automaton(["calm", "punish"], "calm", {"calm": "C", "punish": "D"},
                  ["calm: *, * -> calm", "punish: *, C -> calm", "punish: D, D -> punish"], actions=CD)


@pytest.mark.parametrize("rules, message", [
    (["*: *, X -> calm", "*: *, * -> calm"], "unknown opponent action 'X'"),
    (["*: Y, * -> calm", "*: *, * -> calm"], "unknown own action 'Y'"),
    (["nowhere: *, * -> calm", "*: *, * -> calm"], "unknown state 'nowhere'"),
    (["*: *, * -> nowhere"], "leads to unknown state 'nowhere'"),
    (["calm -> punish"], "not of the form"),
    (["*: C, * -> calm", "*: *, C -> punish", "*: *, * -> calm"], "two next states"),
])
def test_bad_rules(rules, message):
    with pytest.raises(GameError, match=message):
        Automaton(["calm", "punish"], "calm", {"calm": "C", "punish": "D"}, rules, actions=CD)


def test_bad_outputs_and_start():
    with pytest.raises(GameError, match="start state 'x'"):
        Automaton(["s"], "x", {"s": "C"}, ["*: *, * -> s"], actions=CD)
    with pytest.raises(GameError, match="no action given for state 't'"):
        Automaton(["s", "t"], "s", {"s": "C"}, ["*: *, * -> s"], actions=CD)
    with pytest.raises(GameError, match="unknown action 'E'"):
        Automaton(["s"], "s", {"s": "E"}, ["*: *, * -> s"], actions=CD)
    with pytest.raises(GameError, match="sum to 9/10"):
        Automaton(["s"], "s", {"s": {"C": "1/2", "D": "2/5"}}, ["*: *, * -> s"], actions=CD)
    with pytest.raises(GameError, match="state 's' is listed twice"):
        Automaton(["s", "s"], "s", {"s": "C"}, ["*: *, * -> s"], actions=CD)


def test_specific_rule_beats_wildcard_and_tuple_keys():
    a = Automaton(["s", "t"], "s", {"s": "C", "t": "D"},
                  ["*: *, * -> s", "s: *, D -> t", "s: C, D -> s"], actions=CD)
    assert a.next_state("s", "C", "D") == "s"
    assert a.next_state("s", "D", "D") == "t"
    b = Automaton(["s"], "s", {"s": "C"}, {("*", "*", "*"): "s"}, actions=CD)
    assert b.next_state("s", "D", "D") == "s"


def test_probabilities_exact_and_never_eval():
    a = Automaton(["s"], "s", {"s": {"C": 0.1, "D": "9/10"}}, ["*: *, * -> s"], actions=CD)
    assert a.probabilities("s") == (Fraction(1, 10), Fraction(9, 10)) and a.is_stochastic
    with pytest.raises(ExpressionError):
        Automaton(["s"], "s", {"s": {"C": "__import__('os').getcwd()", "D": 0}}, ["*: *, * -> s"],
                  actions=CD)


def test_immutable_and_equal():
    a = tft()
    with pytest.raises(AttributeError):
        a._start = "punish"
    assert a == tft() and hash(a) == hash(tft())
    assert Automaton.from_spec(a.to_spec(), CD) == a


def test_from_spec_error_names_file_line_field():
    spec = {"states": ["s"], "start": "s", "play": {"s": "C"}, "transitions": ["s: C, * -> s"]}
    with pytest.raises(GameFileError) as info:
        Automaton.from_spec(spec, CD, name="mine", file="g.toml", line=7,
                            field="repeated.strategies.mine")
    assert str(info.value).startswith("g.toml:7: repeated.strategies.mine.transitions:")
    assert "(D, C)" in str(info.value)


@pytest.mark.parametrize("name", sorted(STRATEGIES))
@pytest.mark.parametrize("game", ["prisoners_dilemma", "us_iran_stage", "chicken"])
def test_library_is_complete_for_both_players(name, game):
    g = load_game(game)
    for player in (0, 1):
        a = strategy(name, g, player)
        assert a.actions == g.actions[player] and a.opponent_actions == g.actions[1 - player]
        assert a.transition_table.min() >= 0


def test_library_classics_in_pd():
    pd = load_game("prisoners_dilemma")
    grim = strategy("grim", pd)
    assert grim.next_state("calm", "D", "C") == "war" and grim.next_state("war", "C", "C") == "war"
    wsls = strategy("wsls", pd)
    assert [wsls.output(wsls.next_state("calm", a, b)) for a, b in
            [("C", "C"), ("C", "D"), ("D", "C"), ("D", "D")]] == [{"C": 1}, {"D": 1}, {"D": 1}, {"C": 1}]
    ctft = strategy("ctft", pd)
    # after its own mistake CTFT accepts the punishment: it does not strike back
    s = ctft.next_state("gg", "D", "C")
    assert s == "bg" and ctft.output(s) == {"C": 1}
    s = ctft.next_state(s, "C", "D")
    assert s == "gg"
    gtft = strategy("gtft", pd, g="1/4")
    assert gtft.output("strike") == {"C": Fraction(1, 4), "D": Fraction(3, 4)}
    lim = strategy("limited_retaliation", pd, k=2)
    assert [lim.next_state(s, "C", "C") for s in lim.states] == ["calm", "strike2", "calm"]


def test_tit_for_tat_answers_escalation_with_limited_strike():
    g = load_game("us_iran_stage")
    t = strategy("tit_for_tat", g, 1)
    assert t.output(t.next_state("calm", "hold", "escalate")) == {"retaliate": 1}
    m = strategy("tit_for_tat", g, 1, mirror=True)
    assert m.output(m.next_state(m.start, "hold", "escalate")) == {"escalate": 1}


def test_strategy_errors():
    pd = load_game("prisoners_dilemma")
    with pytest.raises(GameError, match="unknown strategy 'nice'"):
        strategy("nice", pd)
    with pytest.raises(GameError, match="k must be"):
        strategy("limited_retaliation", pd, k=0)
    with pytest.raises(GameError, match="role hold: unknown action 'X'"):
        strategy("tft", pd, hold="X")


GAME = '''title = "t"
players = ["US", "Iran"]

[actions]
US = ["hold", "strike"]
Iran = ["hold", "strike"]

[parameters]
g = { value = "1/4", about = "forgiveness" }

[payoffs]
"hold, hold" = [0, 0]
"hold, strike" = [-3, 2]
"strike, hold" = [2, -3]
"strike, strike" = [-1, -1]

[repeated]
delta = "9/10"
profile = ["my_tft", "grim_trigger"]
noise = { tremble = "1/100" }

[repeated.strategies.my_tft]
states = ["calm", "punish"]
start = "calm"
play = { calm = "hold", punish = { strike = "1 - g", hold = "g" } }
transitions = [
  "*: *, hold -> calm",
  "*: *, strike -> punish",
]
'''


def test_automaton_from_game_file(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(GAME)
    game = load_game(path)
    a, b = read_profile(game)
    assert a.name == "my_tft" and b.name == "grim_trigger"
    assert a.is_symbolic
    assert a.subs(game.parameters).probabilities("punish") == (Fraction(1, 4), Fraction(3, 4))
    rg = RepeatedGame.from_game(game)
    assert rg.delta == Fraction(9, 10) and rg.noise.tremble == Fraction(1, 100)


def test_automaton_file_error_has_line(tmp_path):
    from deterrence.io.toml_format import key_lines
    bad = GAME.replace('"*: *, strike -> punish",', '"*: *, strike -> nowhere",')
    path = tmp_path / "g.toml"
    path.write_text(bad)
    game = load_game(path)
    with pytest.raises(GameFileError) as info:
        read_profile(game, file=str(path), lines=key_lines(bad))
    msg = str(info.value)
    assert msg.startswith(f"{path}:") and "unknown state 'nowhere'" in msg
    line = int(msg.split(":")[1])
    assert bad.splitlines()[line - 1].strip() == '"*: *, strike -> nowhere",'     # the rule's own line


def test_repeated_game_checks():
    pd = load_game("prisoners_dilemma")
    with pytest.raises(GameError, match="discount factor must lie"):
        RepeatedGame(pd, 1)
    assert RepeatedGame(pd, 1, horizon=3).delta == 1
    with pytest.raises(GameError, match="horizon"):
        RepeatedGame(pd, "1/2", horizon=0)
    rg = RepeatedGame(pd, 0.9)
    assert rg.delta == Fraction(9, 10)
    with pytest.raises(AttributeError):
        rg._delta = Fraction(1, 2)
    with pytest.raises(GameError, match="unknown noise key"):
        RepeatedGame(pd, "1/2", noise={"typo": 1})


def test_noise_matrices_are_stochastic():
    n = Noise(execution="1/10", tremble="1/20", perception="1/5")
    acts = ("hold", "retaliate", "escalate")
    E, Obs = n.implementation_matrix(acts), n.perception_matrix(acts)
    for M in (E, Obs):
        assert all(sum(row) == 1 for row in M)
    # execution: a limited strike misfires into an escalation
    E1 = Noise(execution="1/10").implementation_matrix(acts)
    assert E1[1].tolist() == [0, Fraction(9, 10), Fraction(1, 10)] and E1[2, 2] == 1


def test_from_text_errors_name_line():
    text = 'states = ["calm"]\nstart = "calm"\nplay = { calm = "C" }\ntransitions = ["calm: *, X -> calm"]\n'
    with pytest.raises(GameFileError) as info:
        Automaton.from_text(text, CD, file="mine.toml")
    assert str(info.value).startswith("mine.toml:4:") and "'X'" in str(info.value)
    with pytest.raises(GameFileError, match=r"mine.toml:2: not valid TOML"):
        Automaton.from_text('states = ["s"]\nplay = {', CD, file="mine.toml")
    with pytest.raises(GameFileError, match=r"mine.toml:3: play"):
        Automaton.from_text(text.replace('"C"', '"Z"'), CD, file="mine.toml")


def test_automaton_html_table():
    from deterrence import load_game
    from deterrence.core.strategies import strategy
    a = strategy("contrite_tit_for_tat", load_game("us_iran_stage").with_defaults())
    html = a._repr_html_()
    assert html.count("<tr>") == 2 + len(a.states)  # two header rows, one row per state
    assert "gg (start)" in html and "<th>retaliate, escalate</th>" in html


def test_probability_formulas_are_checked_after_evaluation():
    """A formula with no parameter is a number like any other: [0, 1] and rational."""
    from deterrence.core.automaton import Automaton
    for C, D in [("sqrt(4)", "-abs(1)"), ("sqrt(2)/2", "1 - sqrt(2)/2"), ("2 - 1", "1 - 1 + 1")]:
        with pytest.raises(GameError):
            Automaton(["s"], "s", {"s": {"C": C, "D": D}}, ["*: *, * -> s"], actions=["C", "D"])
    a = Automaton(["s"], "s", {"s": {"C": "1/4 + 1/4", "D": "sqrt(1/4)"}}, ["*: *, * -> s"],
                  actions=["C", "D"])
    assert a.probabilities("s") == (Fraction(1, 2), Fraction(1, 2))


@pytest.mark.parametrize("seed", ["abc", 1.5, -1, True, [1, 2]])
def test_bad_seeds_are_named(seed):
    from deterrence.core.random import rng
    with pytest.raises(GameError, match="seed"):
        rng(seed)


@pytest.mark.parametrize("rule, words", [("gg: retaliate, hold => bg", "is not of the form"),
                                         ("gg: retaliate, hold -> nowhere", "unknown state 'nowhere'")])
def test_a_bad_rule_in_a_multiline_transitions_array_names_its_own_line(rule, words, tmp_path):
    """The error names the rule's line, not the automaton table's header (a fuzzing review)."""
    from deterrence.io.catalogue import catalogue_dir
    from deterrence.io.toml_format import key_lines
    text = (catalogue_dir() / "us_iran_stage.toml").read_text()
    old = '"gg: retaliate, hold -> bg",'
    assert text.count(old) == 1
    bad = text.replace(old, f'"{rule}",')
    path = tmp_path / "g.toml"
    path.write_text(bad)
    with pytest.raises(GameFileError) as info:
        read_profile(load_game(path), file=str(path), lines=key_lines(bad))
    assert words in str(info.value)
    assert info.value.line == bad.splitlines().index(f'  "{rule}",') + 1


def test_a_noise_probability_that_is_not_finite_at_the_values_says_so(tmp_path, capsys):
    """1/(W_iran - 40) at W_iran = 40 was "is zoo, not a rational number" (a fuzzing review)."""
    from deterrence.cli import main
    from deterrence.io.catalogue import catalogue_dir
    text = (catalogue_dir() / "us_iran_stage.toml").read_text()
    old = 'retaliate = "1599/1600", escalate = "1/1600"'
    assert text.count(old) == 1
    path = tmp_path / "g.toml"
    path.write_text(text.replace(old, 'retaliate = "1 - 1/(W_iran - 40)", escalate = "1/(W_iran - 40)"'))
    assert main(["repeated", str(path), "--set", "W_iran=40"]) == 2
    err = capsys.readouterr().err
    assert f"{path}:" in err and "is not finite" in err and "zoo" not in err, err


def test_a_condition_is_no_probability():
    """A sympy condition as a probability was refused as "Automaton: bad arguments ...: TypeError:"
    with no reason."""
    import sympy
    a = sympy.Symbol("a")
    for value in (a > sympy.Rational(1, 2), sympy.Eq(a, 1)):
        with pytest.raises(GameError, match=r"probability of 'C' in state 's' is .* not a number or a formula"):
            Automaton(["s"], "s", {"s": {"C": value, "D": 1 - a}}, ["*: *, * -> s"], actions=["C", "D"])


def test_automaton_errors_name_rules_as_written_and_the_file_from_python(tmp_path):
    """An automaton's errors named a rule by its 0-based index in the field (``transitions[5]``
    beside "rule 6" in the message), named one of two conflicting rules, found the line by parsing
    the field's text (from_text: by searching the message for a key), and from Python
    (``load_game``, then the repeated game) named no file at all. The error carries its place
    within the table, as the other readers' (PlacedError); the reader finds the line from it."""
    from deterrence.core.repeated import RepeatedGame
    from deterrence.errors import PlacedError
    rules = ['"*: *, hold -> calm",', '"*: *, strike -> punish",']
    bad = GAME.replace("\n  ".join(rules), "\n  ".join(rules + ['"punish: hold, strike -> calm",',
                                                                '"punish: hold, strike -> punish",']))
    assert bad != GAME
    path = tmp_path / "g.toml"
    path.write_text(bad)
    game = load_game(path)
    for call in (lambda: read_profile(game), lambda: RepeatedGame.from_game(game)):
        with pytest.raises(GameFileError) as info:
            call()
        line = bad.splitlines().index('  "punish: hold, strike -> punish",') + 1
        assert (info.value.file, info.value.line) == (str(path), line), str(info.value)
        assert info.value.field == "repeated.strategies.my_tft.transitions (item 4)"
        assert "rules 3 and 4 give two next states for state 'punish'" in str(info.value)
    # built from Python, the error carries its place; from text, the line of the place's key
    spec = {"states": ["s"], "play": {"s": "C"}, "transitions": ["s: C, * -> s", "s: D, * -> nowhere"]}
    with pytest.raises(PlacedError) as info:
        Automaton.from_spec(spec, CD)
    assert info.value.places == (("transitions", 1),)
    text = 'states = ["s"]\nplay = { s = "C" }\n# "start" and "transitions" in a comment\nstart = "s"\n' \
           'transitions = ["s: C, * -> s", "s: D, * -> nowhere"]\n'
    with pytest.raises(GameFileError) as info:
        Automaton.from_text(text, CD, file="a.toml")
    assert str(info.value).startswith("a.toml:5: transitions (item 2): ") and "rule 2" in str(info.value)


def test_a_play_key_that_is_no_state_name_is_named_not_a_type_error():
    """A table built in Python whose play has a key that is no string was refused as "bad arguments
    ...: TypeError: expected string or bytes-like object" (the place's field text was a regex over it)."""
    from deterrence.errors import PlacedError
    with pytest.raises(PlacedError, match=r"play names unknown state \('x',\)") as info:
        Automaton(["s"], "s", {("x",): "C", "s": "C"}, ["*: *, * -> s"], actions=CD)
    assert info.value.places == (("play", ("x",)),)
