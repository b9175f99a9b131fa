"""The JSON game format: shape, exact strings, round trips, errors."""
import json
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings

from deterrence import NormalFormGame
from deterrence.errors import GameError, GameFileError
from deterrence.io import load_game, write_game
from deterrence.io.json_format import (game_from_json, game_to_json, parse_json_game, read_json,
                                       write_json)

from io_strategies import games, normal_form_catalogue_files


def same_game(g, h):
    assert g == h
    assert g.kind == h.kind and g.parameters == h.parameters
    assert (g.title, g.description, g.sources) == (h.title, h.description, h.sources)
    assert g.claims == h.claims and g.extra == h.extra


def test_shape_of_a_symbolic_game():
    d = game_to_json(load_game("chicken"))
    assert d["format"] == "deterrence.normal_form" and d["version"] == 1
    assert d["players"] == ["Row", "Column"]
    assert d["actions"] == {"Row": ["swerve", "straight"], "Column": ["swerve", "straight"]}
    assert d["parameters"] == {"w": "1", "l": "1", "crash": "10"}
    assert d["profiles"][1] == ["swerve", "straight"] and d["payoffs"][1] == ["-l", "w"]
    assert d["claims"]["num_equilibria"] == 3
    assert d["extra"]["parameter_notes"]["crash"] == "cost of a crash"
    json.dumps(d)  # JSON-ready as is


def test_exact_numbers_are_strings():
    g = NormalFormGame.from_arrays([[Fraction(1, 3), 2]], [[0.1, -5]])
    d = game_to_json(g)
    assert d["payoffs"] == [["1/3", "1/10"], ["2", "-5"]]
    assert game_from_json(d) == g


@pytest.mark.parametrize("name", [p.stem for p in normal_form_catalogue_files()])
def test_catalogue_round_trip(name, tmp_path):
    g = load_game(name)
    path = tmp_path / f"{name}.json"
    text = write_game(g, path)
    assert path.read_text() == text
    same_game(read_json(path), g)


def test_without_profiles_payoffs_run_last_player_fastest():
    g = game_from_json({"players": ["A", "B"], "actions": {"A": ["x", "y"], "B": ["u", "v"]},
                        "payoffs": [[1, 0], [2, 0], [3, 0], [4.5, 0]]})
    assert g.A.tolist() == [[1, 2], [3, Fraction(9, 2)]]


def test_profiles_in_any_order():
    g = game_from_json({"players": ["A", "B"], "actions": {"A": ["x"], "B": ["u", "v"]},
                        "profiles": [["x", "v"], ["x", "u"]], "payoffs": [["1", "2"], ["3", "4"]]})
    assert g.payoff(("x", "u")) == (3, 4)


GOOD = {"players": ["A", "B"], "actions": {"A": ["x"], "B": ["u", "v"]},
        "parameters": {"c": "2"}, "profiles": [["x", "u"], ["x", "v"]],
        "payoffs": [["c", "1"], ["0", "0"]]}

ERRORS = [
    ([], None, "JSON object"),
    ({**GOOD, "colour": 1}, "colour", "unknown key"),
    ({**GOOD, "format": "other"}, "format", "is not"),
    ({**GOOD, "version": 2}, "version", "not supported"),
    ({k: v for k, v in GOOD.items() if k != "players"}, "players", "missing"),
    ({**GOOD, "players": "A"}, "players", "expected"),
    ({**GOOD, "players": ["A", "A"]}, "players", "repeat"),
    ({**GOOD, "players": []}, "players", "at least one player"),
    ({**GOOD, "actions": {"A": ["x"], "B": ["u", "v"], "C": []}}, "actions", "unknown player"),
    ({**GOOD, "actions": {"A": ["x"]}}, "actions", "no actions for player 'B'"),
    ({**GOOD, "actions": {"A": ["x"], "B": ["u", "u"]}}, "actions.B", "distinct"),
    ({**GOOD, "actions": {"A": ["x"], "B": []}}, "actions.B", "non-empty"),
    ({**GOOD, "actions": {"A": ["x"], "B": [1, 2]}}, "actions.B", "string"),
    ({**GOOD, "parameters": {"c": "x"}}, "parameters.c", "not a number"),
    ({**GOOD, "parameters": {"1c": "2"}}, "parameters.1c", "not a name"),
    ({**GOOD, "parameters": {}}, "payoffs (item 1, the payoff of A)", "unknown name 'c'"),
    ({**GOOD, "payoffs": [["c", "1"]]}, "payoffs", "1 lists of payoffs for 2 profiles"),
    ({**GOOD, "payoffs": [["c", "1"], ["0", "0"], ["0", "0"]]}, "profiles", "2 profiles but 3"),
    ({**GOOD, "profiles": [["x", "u"], ["x", "w"]]}, "profiles (item 2)", "unknown action 'w'"),
    ({**GOOD, "profiles": [["x", "u"], ["x"]]}, "profiles (item 2)", "list of 2 action labels"),
    ({**GOOD, "profiles": [["x", "u"], ["x", "u"]]}, "profiles (item 2)", "given twice"),
    ({**GOOD, "payoffs": [["c", "1"], ["0"]]}, "payoffs (item 2)", "list of 2 payoffs"),
    ({**GOOD, "payoffs": [["c", "1"], ["0", True]]}, "payoffs (item 2, the payoff of B)", "boolean"),
    ({**GOOD, "payoffs": [["c", "1"], ["0", None]]}, "payoffs (item 2, the payoff of B)", "number or a formula"),
    ({k: v for k, v in GOOD.items() if k != "profiles"} | {"payoffs": [[1, 2]]}, "payoffs", "1 lists of payoffs for 2"),
    ({**GOOD, "claims": []}, "claims", "expected"),
    ({**GOOD, "extra": 3}, "extra", "expected"),
    ({**GOOD, "payoffs": [["__import__('os')", "1"], ["0", "0"]]}, "payoffs (item 1, the payoff of A)",
     "calls are limited"),
]


@pytest.mark.parametrize("obj, field, words", ERRORS, ids=[e[2][:30] for e in ERRORS])
def test_errors_name_file_and_field(obj, field, words):
    with pytest.raises(GameFileError) as info:
        game_from_json(obj, file="bad.json")
    message = str(info.value)
    assert message.startswith("bad.json: " + (f"{field}: " if field else "")), message
    assert words in message


@pytest.mark.parametrize("value, kind", [("1.5", "a number"), ("null", "null")])
def test_a_value_of_the_wrong_type_is_named_in_json_words(value, kind):
    # a float read from the file is an ExactFloat, null is None: the message said
    # "got ExactFloat" and "got NoneType" (a fuzzing review)
    text = json.dumps({**GOOD, "sources": ["a"]}).replace('["a"]', f'["a", {value}]')
    with pytest.raises(GameFileError, match=f"^bad.json:1: sources: every source must be a string, got {kind}$"):
        parse_json_game(text, file="bad.json")


def test_syntax_errors_name_the_line():
    with pytest.raises(GameFileError, match=r"^g\.json:3: not valid JSON"):
        parse_json_game('{\n "players": ["A"],\n "actions": }', file="g.json")
    with pytest.raises(GameFileError, match="not valid JSON"):
        parse_json_game('{"players": NaN}', file="g.json")
    # NaN and Infinity at their line (no line was named: an error review); "NaN" in a string is no number
    with pytest.raises(GameFileError, match=r"^g\.json:3: not valid JSON: -Infinity is not a number"):
        parse_json_game('{"title": "NaN",\n "players": ["A"],\n "payoffs": [[-Infinity]]}', file="g.json")
    with pytest.raises(GameFileError, match="^g.json: empty file"):
        parse_json_game(" ", file="g.json")
    with pytest.raises(GameFileError, match=r"^g\.json:2: not UTF-8"):
        parse_json_game(b'{\n"\xff"}', file="g.json")


def test_read_json_missing_file(tmp_path):
    with pytest.raises(GameFileError, match="cannot read"):
        read_json(tmp_path / "nope.json")


def test_write_game_refuses_unknown_suffix(tmp_path):
    with pytest.raises(GameFileError, match="cannot write .txt"):
        write_game(load_game("chicken"), tmp_path / "g.txt")
    with pytest.raises(GameError, match="normal-form"):
        game_to_json("not a game")


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(games())
def test_random_games_round_trip(game):
    same_game(parse_json_game(write_json(game)), game)
    same_game(game_from_json(json.loads(json.dumps(game_to_json(game)))), game)


# -- game trees as JSON -------------------------------------------------------------
from hypothesis import strategies as st  # noqa: E402

from deterrence.core.tree import GameTree, chance, decision, terminal  # noqa: E402
from io_strategies import PARAMETER_NAMES, formula, label, number  # noqa: E402


@st.composite
def trees(draw):
    """Random trees: decisions (some in shared information sets), chance nodes, exact or formula payoffs."""
    players = ["A", "B"]
    names = PARAMETER_NAMES[:2]
    symbolic = draw(st.booleans())
    payoff = st.one_of(number, formula(names)) if symbolic else number
    move = label.filter(lambda s: "/" not in s)

    def node(depth):
        kind = draw(st.sampled_from(["terminal"] if depth >= 3 else ["terminal", "decision", "chance"]))
        if kind == "terminal":
            return terminal([draw(payoff) for _ in players], draw(st.sampled_from(["", "war"])))
        moves = draw(st.lists(move, min_size=1, max_size=3, unique=True))
        if kind == "decision":
            return decision(draw(st.sampled_from(players)), {m: node(depth + 1) for m in moves},
                            label=draw(st.sampled_from(["", "note"])))
        weights = [draw(st.integers(1, 4)) for _ in moves]
        return chance({m: (Fraction(w, sum(weights)), node(depth + 1)) for m, w in zip(moves, weights)})

    params = {n: draw(st.one_of(st.none(), number)) for n in names} if symbolic else None
    try:
        return GameTree(node(0), players, parameters=params, title=draw(st.sampled_from(["", "t"])))
    except GameError:           # e.g. a formula that is not a payoff (0^-1)
        return None


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees())
def test_trees_round_trip_through_json(tree):
    if tree is None:
        return
    data = json.loads(json.dumps(game_to_json(tree)))
    assert data["format"] == "deterrence.tree"
    assert game_from_json(data) == tree


def test_a_tree_json_with_a_bad_node_names_the_field():
    data = game_to_json(load_game("entry_deterrence"))
    data["tree"]["moves"]["in"]["player"] = "Nobody"
    with pytest.raises(GameFileError, match="unknown player 'Nobody'"):
        game_from_json(data, file="t.json")
    data["format"] = "deterrence.other"
    with pytest.raises(GameFileError, match="format"):
        game_from_json(data, file="t.json")


def test_a_formula_the_parser_would_rewrite_round_trips_unchanged():
    # 1/(2*(a + 1)) prints that way but parses to 1/(2*a + 2): it is written out in parentheses
    from deterrence.core.symbolic import parse_expression
    half = parse_expression("(1/2) * (a + 1)^(-1)", ["a"])
    g = NormalFormGame.from_arrays([[half, 0]], [[0, 1]], parameters={"a": None})
    back = parse_json_game(write_json(g))
    assert back.payoff_arrays[0][0, 0] == half
    same_game(back, g)


def test_a_decimal_in_a_json_game_is_the_number_written():
    """JSON numbers were read as doubles (1.00000000000000000001 as 1); now as written."""
    game = parse_json_game('{"players": ["A", "B"], "actions": {"A": ["u", "d"], "B": ["l"]}, '
                           '"payoffs": [[1.00000000000000000001, 1e-400], [1, 0]]}')
    assert game.payoff(("u", "l")) == (Fraction("1.00000000000000000001"), Fraction(1, 10**400))


@pytest.mark.parametrize("obj, field, words", [e for e in ERRORS if isinstance(e[0], dict) and e[2] != "missing"],
                         ids=[e[2][:30] for e in ERRORS if isinstance(e[0], dict) and e[2] != "missing"])
def test_an_error_in_a_json_file_names_a_line_of_its_key(obj, field, words):
    """A JSON file's errors named the field but no line (the json module gives no positions of
    values: an error review); each names a line now, within the block of the top-level key."""
    text = json.dumps(obj, indent=2)
    with pytest.raises(GameFileError) as info:
        parse_json_game(text, file="bad.json")
    assert info.value.line is not None, str(info.value)
    key = field.split(" ")[0].split(".")[0]
    rows = text.split("\n")
    starts = [k + 1 for k, row in enumerate(rows) if row.startswith('  "')]
    first = next(k for k in starts if rows[k - 1].startswith(f'  "{key}"'))
    end = next((k for k in starts if k > first), len(rows))
    assert first <= info.value.line < end, (str(info.value), text)
    assert words in str(info.value)


def test_json_errors_name_the_line_of_the_value_or_key_at_fault(tmp_path):
    """The line of an array's element, a nested tree node's payoff, a parameter and a key written twice
    (json kept the last silently: a "players" given twice lost one), from Python and the command line."""
    nf = ('{\n  "players": ["US", "Iran"],\n  "actions": {\n    "US": ["hold", "strike"],\n'
          '    "Iran": ["hold", "go on"]\n  },\n  "parameters": {"c": "2",\n    "d d": "1"},\n  "payoffs": [\n'
          '    ["0", "0"], ["1", "c"],\n    ["2",\n     "__import__(\'os\')"],\n    ["3", "3"]\n  ]\n}\n')
    tree = ('{\n  "format": "deterrence.tree",\n  "players": ["US", "Iran"],\n  "tree": {\n    "player": "US",\n'
            '    "moves": {\n      "go on": {\n        "player": "Iran",\n'
            '        "moves": {"a": {"payoffs": ["1", "2"]},\n                  "b": {"payoffs": ["1", "bad)"]}}\n'
            '      },\n      "stop": {"payoffs": ["0", "0"]}\n    }\n  }\n}\n')
    twice = '{\n  "players": ["US", "Iran"],\n  "actions": {"US": ["a"], "Iran": ["b"]},\n  "players": ["A", "B"]\n}\n'
    cases = [(nf, 8, 'parameters."d d": '), (nf.replace('"d d"', '"d"'), 12, "payoffs (item 3, the payoff of Iran)"),
             (nf.replace('"d d"', '"d"').replace('"go on"', '"hold"'), 5, "actions.Iran: "),
             (tree, 10, 'tree.moves."go on".moves.b.payoffs (the payoff of Iran)'),
             (twice, 4, "players: key 'players' is given twice")]
    for text, line, words in cases:
        path = tmp_path / "g.json"
        path.write_text(text)
        with pytest.raises(GameFileError) as info:
            load_game(str(path))
        assert str(info.value).startswith(f"{path}:{line}: {words}"), str(info.value)


def _paths(value, path=()):
    """Every key path of a JSON value (object members and array elements), as json_key_lines lists them."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        yield path + (k,)
        yield from _paths(v, path + (k,))


_JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                            lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                        max_size=3),
                            max_leaves=15)


@settings(max_examples=150, deadline=None)
@given(_JSON_VALUES)
def test_json_key_lines_finds_every_key_and_element_at_its_line(value):
    """The scanner of a JSON file's lines: every key path, each at the line that holds its key (an
    object's member) or where its element starts (an array's), escapes and unicode keys included."""
    from deterrence.io.json_format import json_key_lines
    text = json.dumps(value, indent=2)
    lines, duplicate = json_key_lines(text)
    assert duplicate is None
    assert set(lines) == set(_paths(value))
    rows = text.split("\n")
    for path, line in lines.items():
        row = rows[line - 1].strip()
        if isinstance(path[-1], str):
            assert row.startswith(json.dumps(path[-1]) + ":"), (path, row)
        else:
            assert row and row[0] not in "]},", (path, row)


@pytest.mark.parametrize("obj, words", [
    ({"players": ["A", "B"], "actions": {"A": ["x"], "B": ["y"]}, "parameters": {"c": {"valu": 1}},
      "payoffs": [["1", "1"]]}, "not an object"),
    ({"players": ["A"], "tree": {"player": "A", "moves": [1]}},
     'moves must be an object of at least one move: "label": node'),
    ({"players": ["A"], "tree": [1]}, "tree: expected an object, got an array"),
    ({"players": ["A"], "tree": {"player": "A", "moves": {"x": [1]}}, "parameters": [1]},
     "parameters: expected an object, got an array"),
    ({"players": ["A"], "tree": {"player": "A", "moves": {"x": {"payoffs": True}}}},
     "payoffs must be an array or an object, got a boolean"),
])
def test_json_file_errors_say_object_not_table(obj, words, tmp_path):
    """A JSON file's errors said "table" (TOML's word) for a JSON object: the JSON reader shares the
    TOML readers' checks; they now say what the file calls it."""
    path = tmp_path / "g.json"
    path.write_text(json.dumps(obj))
    with pytest.raises(GameFileError) as caught:
        load_game(path)
    assert words in str(caught.value) and "table" not in str(caught.value), str(caught.value)


def test_a_json_repeated_section_that_is_no_object_says_object(tmp_path):
    from deterrence.core.repeated import repeated_section
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"players": ["A", "B"], "actions": {"A": ["x"], "B": ["y"]},
                                "payoffs": [["1", "1"]], "extra": {"repeated": [1]}}))
    with pytest.raises(GameError, match=r"\[repeated\] must be an object"):
        repeated_section(load_game(path))
