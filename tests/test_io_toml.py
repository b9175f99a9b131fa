"""The TOML game-file format: reading, writing, round trips, and located errors."""
import sys
import types
from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings, strategies as st

from deterrence import NormalFormGame
from deterrence.errors import ExpressionError, GameError, GameFileError, TooLargeError
from deterrence.io import load_game, write_game
from deterrence.io.catalogue import catalogue_dir
from deterrence.io.toml_format import key_lines, parse_toml_game, read_toml, write_toml

from io_strategies import games, normal_form_catalogue_files

BASE = '''title = "t"
players = ["A", "B"]

[actions]
A = ["x", "y"]
B = ["x", "y"]

[parameters]
c = { value = 2, about = "cost" }

[payoffs]
"x, x" = [0, 0]
"x, y" = ["-c", "c"]
"y, x" = [1, 2]
"y, y" = [3, "1/2"]
'''


def replace_line(number, new, text=BASE):
    lines = text.split("\n")
    lines[number - 1] = new
    return "\n".join(lines)


def same_game(g, h):
    """Equal as values, and equal in everything the file carries."""
    assert g == h
    assert g.kind == h.kind and g.parameters == h.parameters
    assert (g.title, g.description, g.sources) == (h.title, h.description, h.sources)
    assert g.claims == h.claims and g.extra == h.extra


def test_base_reads():
    g = parse_toml_game(BASE)
    assert g.players == ("A", "B") and g.actions == (("x", "y"), ("x", "y"))
    assert g.kind == "symbolic" and g.parameters == {"c": 2}
    assert g.extra == {"parameter_notes": {"c": "cost"}}
    assert g.with_defaults().payoff(("x", "y")) == (-2, 2)
    assert g.payoff(("y", "y"))[1] == Fraction(1, 2)


# (text, line, words the message must contain)
ERRORS = [
    (replace_line(13, '"x, y" = [1 2]'), 13, ["not valid TOML"]),
    # errors tomllib places "at end of document" (a fuzzing review: no line): the line of the
    # multi-line string never closed, the last line's duplicate key
    (replace_line(9, 'c = { value = 2, about = """cost'), 9, ["not valid TOML", "Unterminated string"]),
    (BASE + '"y, y" = [0, 0]', 16, ["not valid TOML", "Cannot overwrite"]),
    (replace_line(2, 'players = "A"'), 2, ["players", "array"]),
    (replace_line(2, 'players = ["A", "A"]'), 2, ["duplicate player"]),
    (replace_line(2, 'players = ["A", 3]'), 2, ["player name", "string"]),
    # a float is "a number", not the reader's own ExactFloat (a fuzzing review)
    (replace_line(2, 'players = ["A", 1.5]'), 2, ["player name", "string in quotes, got a number"]),
    (replace_line(6, 'C = ["x", "y"]'), 6, ["unknown player 'C'"]),
    (replace_line(6, ''), 4, ["no actions for player 'B'"]),
    (replace_line(5, 'A = ["x", "x"]'), 5, ["duplicate action 'x'"]),
    (replace_line(5, 'A = ["x,z", "y"]'), 5, ["comma"]),
    (replace_line(5, 'A = [1, 2]'), 5, ["string"]),
    (replace_line(5, 'A = []'), 5, ["at least one action"]),
    (replace_line(5, 'A = "x"'), 5, ["array"]),
    ('players = ["A"]\nactions = 3\n', 2, ["actions", "table"]),
    (replace_line(14, '"z, x" = [1, 2]'), 14, ["unknown action 'z'", "player 'A'"]),
    (replace_line(14, '"x,x" = [1, 2]'), 14, ["given twice", "line 12"]),
    (replace_line(15, ''), 11, ["no payoffs", '"y, y"']),
    # eight gaps: the first five by name in order, then how many more
    ('players = ["A", "B"]\n[actions]\nA = ["a", "b", "c"]\nB = ["x", "y", "z"]\n[payoffs]\n"a, x" = [1, 2]\n',
     5, ['profile(s) "a, y", "a, z", "b, x", "b, y", "b, z" and 3 more: every profile']),
    (replace_line(14, '"y, x" = [1]'), 14, ["1 payoff(s) given", "2 players"]),
    (replace_line(14, '"y, x" = [1, 2, 3]'), 14, ["3 payoff(s)"]),
    (replace_line(14, '"y, x" = 1'), 14, ["array of 2 payoffs"]),
    (replace_line(14, '"y" = [1, 2]'), 14, ["names 1 action"]),
    (replace_line(14, 'y.x = [1, 2]'), 14, ["quote the profile key"]),
    (replace_line(13, '"x, y" = ["-d", "c"]'), 13, ["unknown name 'd'", "declared parameters: c"]),
    (replace_line(13, '"x, y" = [true, "c"]'), 13, ["boolean"]),
    (replace_line(13, '"x, y" = [[1], "c"]'), 13, ["number or a formula"]),
    (replace_line(13, '"x, y" = ["", "c"]'), 13, ["empty expression"]),
    (replace_line(13, '"x, y" = ["1/0", "c"]'), 13, ["division by zero"]),
    (replace_line(13, '"x, y" = ["log(0)", "c"]'), 13, ["finite"]),
    (replace_line(13, '"x, y" = [nan, "c"]'), 13, ["finite"]),
    (replace_line(9, 'c = { value = "abc" }'), 9, ["not a number"]),
    (replace_line(9, 'c = { value = "c/2" }'), 9, ["formulas are not allowed"]),
    (replace_line(9, 'c = true'), 9, ["parameter value"]),
    (replace_line(9, 'c = [1]'), 9, ["parameter value"]),
    (replace_line(9, 'c = { value = 2, cost = 3 }'), 9, ["unknown key 'cost'"]),
    (replace_line(9, 'c = { value = 2, about = 3 }'), 9, ["about must be a string"]),
    (replace_line(9, 'c = { value = 2, about = 0.5 }'), 9, ["about must be a string, got a number"]),
    (replace_line(9, 'c = { value = 2, about = 2023-03-23 }'), 9, ["about must be a string, got a date or time"]),
    (replace_line(9, 'c = { value = inf }'), 9, ["finite"]),
    (replace_line(9, 'c = { value = "1e999999999" }'), 9, ["about 1000000000 digits", "limit of 4000"]),
    (replace_line(9, 'c = 2\n"2c" = 1'), 10, ["not a name"]),
    (replace_line(9, 'c = 2\nsqrt = 1'), 10, ["function name"]),
    (replace_line(9, 'c = 2\n__class__ = 1'), 10, ["reserved"]),
    ('parameters = 3\nplayers = ["A"]\n[actions]\nA = ["x"]\n', 1, ["parameters", "table"]),
    (replace_line(1, 'tilte = "t"'), 1, ["unknown key 'tilte'"]),
    (replace_line(1, 'title = 3'), 1, ["title", "string"]),
    (replace_line(1, 'sources = ["a", 2]'), 1, ["source must be a string"]),
    (replace_line(1, 'parameter_notes = { c = "x" }'), 1, ["reserved"]),
    (replace_line(2, '#'), 15, ["players", "missing"]),
    (BASE.split("[payoffs]")[0], 10, ["payoffs", "missing"]),
    ('payoffs = 3\nplayers = ["A"]\n[actions]\nA = ["x"]\n', 1, ["payoffs", "table"]),
    (replace_line(1, 'claims = 3'), 1, ["claims", "table"]),
    # a misspelt section was kept in game.extra and ignored ([repeat]: "no discount factor")
    (BASE + '[repeat]\ndelta = "9/10"\n', 16, ["unknown section [repeat]", "did you mean [repeated]?"]),
    (BASE + '[claim]\nnum_equilibria = 1\n', 16, ["did you mean [claims]?"]),
]


@pytest.mark.parametrize("text, line, words", ERRORS, ids=[" ".join(e[2])[:30] for e in ERRORS])
def test_error_names_file_line_and_reason(text, line, words):
    with pytest.raises(GameFileError) as info:
        parse_toml_game(text, file="bad.toml")
    message = str(info.value)
    assert message.startswith(f"bad.toml:{line}: "), message
    assert info.value.line == line
    for word in words:
        assert word in message, message


def test_sections_for_other_layers_are_kept_as_written():
    game = parse_toml_game(BASE + '[repeated]\ndelta = "9/10"\n[teaching]\nlevel = 1\n')
    assert game.extra["repeated"] == {"delta": "9/10"} and game.extra["teaching"] == {"level": 1}


def test_error_from_a_file_names_the_path(tmp_path):
    path = tmp_path / "g.toml"
    path.write_text(replace_line(14, '"y, x" = [1]'))
    with pytest.raises(GameFileError, match=f"^{path}:14: payoffs"):
        read_toml(path)


def test_lines_are_found_past_tricky_strings():
    # Text that looks like keys and tables inside a multi-line string and a
    # multi-line array must not mislead the line finder.
    head = ('description = """\n[payoffs]\n"x, y" = [1, 2]\n"""\n'
            "sources = [\n  \"a = b\",\n  '''[x]''',\n]\n")
    text = head + replace_line(13, '"x, y" = ["-d", "c"]')
    with pytest.raises(ExpressionError) as info:
        parse_toml_game(text, file="g.toml")
    assert info.value.line == 13 + 8


def test_key_lines_understands_headers_dotted_and_quoted_keys():
    text = '[a."b.c"]\nd = 1\n[[e]]\nf = 2\n[g]\nh.i = { j = 3 }\n"k\\"l" = 4\n'
    lines = key_lines(text)
    assert lines[("a", "b.c")] == 1 and lines[("a", "b.c", "d")] == 2
    assert lines[("e",)] == 3 and lines[("g", "h", "i")] == 6 and lines[("g", 'k"l')] == 7


def test_empty_and_blank_files(tmp_path):
    for text in ["", "   \n\n"]:
        with pytest.raises(GameFileError, match="^e.toml: empty file"):
            parse_toml_game(text, file="e.toml")
    path = tmp_path / "empty.toml"
    path.write_bytes(b"")
    with pytest.raises(GameFileError, match="empty file"):
        load_game(path)


def test_non_utf8_bytes_name_the_line(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes(BASE.encode().replace(b'"y, x"', b'"y\xe9, x"'))
    with pytest.raises(GameFileError) as info:
        read_toml(path)
    assert info.value.line == 14 and "not UTF-8" in str(info.value) and str(path) in str(info.value)


def test_byte_order_mark_is_accepted():
    assert parse_toml_game("\ufeff" + BASE) == parse_toml_game(BASE)


def test_missing_file_is_a_game_file_error(tmp_path):
    with pytest.raises(GameFileError, match="cannot read"):
        read_toml(tmp_path / "nope.toml")


def test_claims_extra_and_notes_are_kept():
    text = BASE + '\n[claims]\nnum_equilibria = 1\n\n[repeated]\ndelta = "9/10"\nnoise = { e = 0.5 }\n'
    g = parse_toml_game(text)
    assert g.claims == {"num_equilibria": 1}
    assert g.extra["repeated"] == {"delta": "9/10", "noise": {"e": 0.5}}
    assert g.extra["parameter_notes"] == {"c": "cost"}
    same_game(parse_toml_game(write_toml(g)), g)


def test_parameter_forms():
    text = replace_line(9, 'c = 2\nd = { about = "no default" }\ne = "3/4"\nf = { value = 0.1 }')
    g = parse_toml_game(text)
    assert g.parameters == {"c": 2, "d": None, "e": Fraction(3, 4), "f": Fraction(1, 10)}
    same_game(parse_toml_game(write_toml(g)), g)


def test_three_players():
    text = ('players = ["a", "b", "c"]\n[actions]\na = ["x"]\nb = ["x"]\nc = ["x", "y"]\n'
            '[payoffs]\n"x, x, x" = [1, 2, 3]\n"x, x, y" = [0, 0, "1/3"]\n')
    g = parse_toml_game(text)
    assert g.shape == (1, 1, 2) and g.payoff(("x", "x", "y")) == (0, 0, Fraction(1, 3))
    same_game(parse_toml_game(write_toml(g)), g)


def test_tree_files_go_to_the_tree_reader(monkeypatch, tmp_path):
    seen = []
    fake = types.ModuleType("deterrence.io.tree_toml")
    fake.read_tree_toml = lambda source, file=None: seen.append((source, file)) or "a tree"
    monkeypatch.setitem(sys.modules, "deterrence.io.tree_toml", fake)
    text = '[tree]\nroot = "x"\n'
    assert parse_toml_game(text, file="t.toml") == "a tree"
    assert seen[-1] == (text, "t.toml")
    path = tmp_path / "t.toml"
    path.write_text(text)
    assert read_toml(path) == "a tree" and seen[-1] == (path, str(path))


@pytest.mark.parametrize("path", normal_form_catalogue_files(), ids=lambda p: p.stem)
def test_catalogue_round_trip(path, tmp_path):
    g = read_toml(path)
    out = tmp_path / path.name
    text = write_game(g, out)
    assert out.read_text() == text
    same_game(read_toml(out), g)


def test_writer_refuses_what_the_format_cannot_hold():
    g = NormalFormGame.from_arrays([[1]], actions=[["a,b"], ["c"]])
    with pytest.raises(GameError, match="comma"):
        write_toml(g)
    with pytest.raises(GameError, match="normal-form"):
        write_toml("not a game")
    g = NormalFormGame.from_arrays([[1]], extra={"note": 3})
    with pytest.raises(GameError, match="not a table"):
        write_toml(g)


def test_awkward_strings_survive():
    title = 'quote " backslash \\ tab \t bell \x07 é 😀 """ end'
    description = 'line 1\n  line "2" \\ with """ triple\r\nlast'
    g = NormalFormGame.from_arrays([[1]], title=title, description=description,
                                   players=['P "one"', "P.two"], sources=["a\nb"])
    same_game(parse_toml_game(write_toml(g)), g)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(games())
def test_random_games_round_trip(game):
    same_game(parse_toml_game(write_toml(game)), game)


AWKWARD = ['[x]', 'k = 1', '"""', "'''", "\\", '"', "#", "\n[payoffs]\n", "a\nb = 2"]
toml_values = st.one_of(st.integers(), st.text(max_size=5), st.sampled_from(AWKWARD),
                        st.lists(st.one_of(st.integers(), st.sampled_from(AWKWARD)), max_size=3))


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.dictionaries(st.sampled_from(["a", "b c", "d.e", 'f"g', "h"]), st.one_of(
    toml_values, st.dictionaries(st.sampled_from(["x", "y z"]), toml_values, min_size=1, max_size=2)),
    min_size=1, max_size=5), st.booleans())
def test_key_lines_on_random_documents(doc, multiline):
    """Keys are found on their lines whatever the strings around them hold."""
    import tomllib
    from deterrence.io.toml_format import _key, _long_string, _value
    lines, expected = [], {}

    def emit(text, path):
        expected[path] = sum(t.count("\n") + 1 for t in lines) + 1
        lines.append(text)

    def value(v):
        return _long_string(v + "\n") if multiline and isinstance(v, str) else _value(v)

    tables = {k: v for k, v in doc.items() if isinstance(v, dict)}
    for k, v in doc.items():
        if k not in tables:
            emit(f"{_key(k)} = {value(v)}", (k,))
    for k, table in tables.items():
        emit(f"[{_key(k)}]", (k,))
        for k2, v in table.items():
            emit(f"{_key(k2)} = {value(v)}", (k, k2))
    text = "\n".join(lines) + "\n"
    tomllib.loads(text)  # valid TOML
    found = key_lines(text)
    for path, line in expected.items():
        assert found[path] == line, (path, text)


def test_integers_beyond_64_bits_are_written_in_quotes():
    g = NormalFormGame.from_arrays([[2**63, -2**63]], [[2**63 - 1, 10**40]])
    text = write_toml(g)
    assert '"9223372036854775808"' in text and "-9223372036854775808," in text
    assert parse_toml_game(text) == g
    with pytest.raises(GameError, match="characters"):
        write_toml(NormalFormGame.from_arrays([[10**3000]]))


def test_write_game_sends_trees_to_the_tree_writer(tmp_path):
    import tomllib
    trees = [p for p in sorted(catalogue_dir().glob("*.toml"))
             if "tree" in tomllib.loads(p.read_text(encoding="utf-8"))]
    for path in trees[:1]:
        tree = load_game(path)
        write_game(tree, tmp_path / "tree.toml")
        assert type(load_game(tmp_path / "tree.toml")) is type(tree)


DECIMALS = st.tuples(st.integers(-10**30, 10**30), st.integers(0, 400)).map(
    lambda m_e: (f"{m_e[0]}e-{m_e[1]}", Fraction(m_e[0], 10 ** m_e[1])))


@settings(max_examples=60, deadline=None)
@given(DECIMALS, st.booleans())
def test_a_decimal_in_a_file_is_the_number_written_not_its_nearest_double(decimal, quoted):
    """A bug hunt found "1.00000000000000000001" read as 1 (so a strictly better action tied)
    and "1e-400" read as 0: quoted formulas took Python's float, unquoted TOML numbers tomllib's.
    Both are the number written now, as .nfg files, --set and parameter values already were."""
    text, value = decimal
    shown = f'"{text}"' if quoted else text
    game = parse_toml_game(f'players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l"]\n[payoffs]\n'
                           f'"u, l" = [{shown}, 0]\n"d, l" = [0, 0]\n')
    assert game.payoff(("u", "l"))[0] == value


def test_decimals_in_formulas_and_chance_probabilities_are_exact(tmp_path):
    game = parse_toml_game('players = ["A", "B"]\n[actions]\nA = ["u", "d"]\nB = ["l"]\n[payoffs]\n'
                           '"u, l" = ["1.00000000000000000001 - 1e-400 + 2e308", 0]\n"d, l" = [1, 0]\n')
    assert game.payoff(("u", "l"))[0] == Fraction("1.00000000000000000001") - Fraction(1, 10**400) + 2 * 10**308
    from deterrence import solve
    assert [e.support("A") for e in solve(game)] == [("u",)]         # strictly better: one equilibrium
    with pytest.raises(ExpressionError, match="digits"):
        parse_toml_game('players = ["A", "B"]\n[actions]\nA = ["u"]\nB = ["l"]\n[payoffs]\n'
                        '"u, l" = ["1e99999", 0]\n')
    tree = tmp_path / "t.toml"
    tree.write_text('title = "t"\nplayers = ["P1", "P2"]\n[tree]\nprobabilities = { a = "0.33333333333333333333", '
                    'b = "0.66666666666666666667" }\nmoves.a = [1, 0]\nmoves.b = [0, 1]\n')
    (eq,) = solve(load_game(tree))          # it said: probabilities sum to 9999999999999999/10^16, not 1
    assert eq.payoffs == (Fraction(33333333333333333333, 10**20), Fraction(66666666666666666667, 10**20))


@pytest.mark.parametrize("entry", ["chicken", "entry_deterrence", "stochastic_prisoners_dilemma"])
def test_every_kind_of_game_file_reads_its_extra_sections_by_one_rule(entry, tmp_path):
    """A tree file took a [parameter_notes] table that the others refused, and [[notes]] was
    read in one kind of file and refused in the other (an architecture review)."""
    from pathlib import Path

    import deterrence as dt
    text = (Path(dt.__file__).parent.parent / "games" / f"{entry}.toml").read_text()
    path = tmp_path / "g.toml"
    path.write_text(text + '\n[[notes]]\ntext = "one"\n\n[[notes]]\ntext = "two"\n')
    assert load_game(str(path)).extra["notes"] == [{"text": "one"}, {"text": "two"}]
    path.write_text(text + '\n[parameter_notes]\nf = "smuggled"\n')
    with pytest.raises(GameFileError, match="parameter_notes: this name is reserved"):
        load_game(str(path))
    path.write_text('stray = 3\n' + text)          # at the top: below a table it would be the table's
    with pytest.raises(GameFileError, match="unknown key 'stray'"):
        load_game(str(path))


def test_a_nested_abs_reads_back_as_written():
    """abs(-(abs(a))) was kept as Abs(Abs(a)), written "abs(abs(a))", and read back as Abs(a):
    the round trip gave another game (hypothesis found it)."""
    from deterrence import NormalFormGame
    from deterrence.io._common import payoff_value
    value = payoff_value("abs(-(abs(a)))", ["a"])
    assert value == payoff_value("abs(a)", ["a"])
    game = NormalFormGame.from_arrays([[0, value]], [[0, 0]], parameters={"a": None})
    same_game(parse_toml_game(write_toml(game)), game)



def test_min_max_that_sympy_leaves_half_evaluated_read_back_as_written():
    """sympy factors min(max(a, 0), max(a, 1)) into Max(a, Min(0, 1)) and leaves Min(0, 1)
    unevaluated; it was written "max(a, min(0, 1))" and read back as Max(0, a): a 3-player game
    with a parameter without a value did not come back from its file (hypothesis found it)."""
    from deterrence.io._common import payoff_value
    value = payoff_value("min(max(a, 0), max(a, 1))", ["a"])
    zero = np.zeros((1, 1, 1), dtype=object)
    first = zero.copy()
    first[0, 0, 0] = value
    game = NormalFormGame([first, zero, zero], parameters={"a": None})
    same_game(parse_toml_game(write_toml(game)), game)
    assert value == payoff_value("max(a, 0)", ["a"])
    # the same formula built in Python: the game's constructor makes it whole too
    a = sympy.Symbol("a")
    built = NormalFormGame.from_arrays([[sympy.Max(sympy.Min(a, 0), sympy.Min(a, 1))]], [[0]])
    assert built.payoff((built.actions[0][0], built.actions[1][0]))[0] == payoff_value("min(a, 1)", ["a"])
    same_game(parse_toml_game(write_toml(built)), built)


def test_a_half_evaluated_product_reads_back_as_written():
    """sympy takes sqrt(sqrt(9/2)) to 2**(3/4)*(2*sqrt(3))/4, a product inside a product, written
    "(1/4)*(2^(3/4))*(2*(3^(1/2)))" and read back as 2**(3/4)*sqrt(3)/2: another game."""
    from deterrence.io._common import payoff_value
    game = NormalFormGame.from_arrays([[payoff_value("W + sqrt(sqrt(9/2))", ["W"])]], [[0]],
                                      parameters={"W": None})
    same_game(parse_toml_game(write_toml(game)), game)

ELEMENTS = ['"a, b"', "'x]'", '"""m\n["""', "1", "[1,\n 2]", "{ k = [1,\n2] }", '"#"', "true"]


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(ELEMENTS), st.integers(0, 2), st.booleans()), min_size=1, max_size=6),
       st.sampled_from(["k", '"a b"', "t.u"]))
def test_key_lines_gives_each_element_of_a_multiline_array_its_line(elements, key):
    """An error about an element of a long array names that element's line (it named the
    array's first line: a fuzzing review)."""
    import tomllib
    text, expected = f"x = 1\n[s]\n{key} = [", {}
    for k, (element, blank, comment) in enumerate(elements):
        text += "\n" * (blank + 1) + ("# a note, ]\n" if comment else "")
        expected[k] = text.count("\n") + 1
        text += element + ","
    text += "\n]\ny = 2\n"
    tomllib.loads(text)  # valid TOML
    path = ("s",) + tuple(tomllib.loads(f"{key} = 0").keys()) if "." not in key else ("s", "t", "u")
    found = key_lines(text)
    for k, line in expected.items():
        assert found[path + (k,)] == line, (k, text)
    assert found[("s", "y")] == text.count("\n")


def test_errors_inside_a_multiline_array_name_the_element_line(tmp_path):
    text = CHICKEN_MULTILINE
    path = tmp_path / "g.toml"
    path.write_text(text.replace('"w/2"', '"w/(l-l)"'))
    with pytest.raises(GameFileError) as err:
        load_game(path)
    assert err.value.line == 14 and "division by zero" in str(err.value)
    path.write_text(text.replace('"straight",\n]', '"straight",\n  "swerve",\n]'))
    with pytest.raises(GameFileError) as err:
        load_game(path)
    assert err.value.line == 10 and "duplicate action" in str(err.value)


CHICKEN_MULTILINE = """players = ["Row", "Column"]
[parameters]
w = 1
l = 1
[actions]
Row = ["swerve", "straight"]
Column = [
  "swerve",
  "straight",
]
[payoffs]
"swerve, swerve" = [0, 0]
"swerve, straight" = ["-l",
  "w/2"]
"straight, swerve" = ["w", "-l"]
"straight, straight" = [-9, -9]
"""


@pytest.mark.parametrize("written", ['"1e-99999"', "1e-99999", '"1.5e-5000"'])
@pytest.mark.parametrize("place", ["parameter", "payoff", "set"])
def test_a_tiny_number_is_refused_as_too_small_not_too_large(written, place, tmp_path):
    """1e-99999 is not "too large": its exact fraction's denominator is too long (a fuzzing review)."""
    text = CHICKEN_MULTILINE
    if place == "parameter":
        text = text.replace("w = 1", f"w = {written}")
    elif place == "payoff":
        text = text.replace('"w/2"', written if written[0] == '"' else written)
    path = tmp_path / "g.toml"
    path.write_text(text)
    with pytest.raises((GameError, TooLargeError)) as err:
        game = load_game(path)
        if place == "set":
            game.subs(w=written.strip('"'))
    message = str(err.value)
    assert "too small in magnitude" in message and "over the limit of 4000 digits" in message
    assert "too large" not in message and "formulas are not allowed" not in message


@pytest.mark.parametrize("written, value", [('"1e0001"', 10), ('"1e1000"', 10**1000), ('"2.5e-3"', Fraction(1, 400))],
                         ids=["1e0001", "1e1000", "2.5e-3"])
def test_a_parameter_value_with_a_long_exponent_within_the_limit_is_read(written, value, tmp_path):
    """"1e0001" is 10 and "1e1000" within the digit limit: both were refused as "too large or too long"."""
    path = tmp_path / "g.toml"
    path.write_text(CHICKEN_MULTILINE.replace("w = 1", f"w = {written}"))
    assert load_game(path).parameters["w"] == value


@pytest.mark.parametrize("name, old, new, words", [
    ("brinkmanship", '[tree]\nplayer = "A"\nmoves.back_down = [0, "vB"]',
     '[tree]\nplayer = "A"\nmoves.back_down = [\n  0,\n  "vB/(vA-vA)",\n]',
     "tree.moves.back_down (the payoff of B)"),
    ("stochastic_prisoners_dilemma", '"C, D" = ["-c", "b1"]', '"C, D" = [\n  "-c",\n  "b1/(c-c)",\n]',
     'stochastic.states.good.payoffs."C, D" (the payoff of B)')])
def test_tree_and_stochastic_payoffs_in_a_multiline_array_name_their_line(name, old, new, words, tmp_path):
    """A tree's and a stochastic game's payoff errors named the array's first line too (a fuzzing review)."""
    text = (catalogue_dir() / f"{name}.toml").read_text()
    assert text.count(old) == 1
    path = tmp_path / "g.toml"
    bad = text.replace(old, new)
    path.write_text(bad)
    with pytest.raises(GameFileError) as err:
        load_game(path)
    assert words in str(err.value) and "division by zero" in str(err.value)
    assert "/(" in bad.splitlines()[err.value.line - 1] and "[" not in bad.splitlines()[err.value.line - 1]


@pytest.mark.parametrize("old, new, field", [
    ('players = ["Row", "Column"]', 'players = ["Row", "Row"]', "players (item 2)"),
    ('Column = ["swerve", "straight"]', 'Column = ["swerve", "swerve"]', "actions.Column (item 2)"),
    ('"swerve, straight" = ["-l", "w"]', '"swerve, straight" = ["-l", "zz"]',
     'payoffs."swerve, straight" (the payoff of Column)')])
def test_an_error_in_an_array_counts_from_one_or_names_the_player(old, new, field, tmp_path):
    """One convention for every array (an error review): payoffs were counted from 1 as ``[2]`` and
    other arrays from 0 as ``[1]``; now a position is counted as a person counts, ``(item 2)``,
    and a payoff is named by its player."""
    text = (catalogue_dir() / "chicken.toml").read_text()
    assert text.count(old) == 1, old
    path = tmp_path / "g.toml"
    path.write_text(text.replace(old, new))
    with pytest.raises(GameFileError) as err:
        load_game(path)
    assert f":{err.value.line}: {field}: " in str(err.value), str(err.value)
    assert "[" not in (err.value.field or ""), err.value.field


def test_a_field_with_a_control_character_is_named_on_one_line():
    """A key with a line break (a move "go\\non": labels may hold one, as games made in Python do) was
    named with the line break itself, splitting the one-line message (an error review)."""
    from deterrence.io.tree_toml import read_tree_toml
    tree = 'players = ["A"]\n[tree]\nplayer = "A"\nmoves."go\\non" = ["x"]\nmoves.stop = [0]\n'
    with pytest.raises(GameFileError) as caught:
        read_tree_toml(tree, file="g.toml")
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith('g.toml:4: tree.moves."go\\non" (the payoff of A): ')
