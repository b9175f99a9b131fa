"""Gambit .nfg files: both versions, exact numbers, located errors, round trips."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from deterrence import NormalFormGame
from deterrence.errors import GameError, GameFileError
from deterrence.io import load_game, write_game
from deterrence.io.gambit_nfg import parse_nfg, read_nfg, write_nfg

from io_strategies import games
from peer import EXPECTED, HAVE_PEER_GAMES, PEER_DIR

# Written for these tests (not Gambit's files): a 2x3 game in each version.
PAYOFF_VERSION = '''NFG 1 R "A \\"quoted\\" title" { "Alice" "Bob" } { 2 3 }
"a description
on two lines"

1 -1  3/2 0  0.25 2
4 4   -7 1   1e2 5
'''

OUTCOME_VERSION = '''NFG 1 R "two by three" { "Alice" "Bob" }

{ { "up" "down" }
{ "left" "mid" "right" }
}
""

{
{ "first" 1, -1 }
{ "second" 3/2 0 }
{ "" -7, 1 }
}
1 2 0 3 3 0
'''


def test_payoff_version():
    g = parse_nfg(PAYOFF_VERSION)
    assert g.title == 'A "quoted" title' and g.description == "a description\non two lines"
    assert g.players == ("Alice", "Bob") and g.actions == (("1", "2"), ("1", "2", "3"))
    # first player's strategy changes fastest
    assert g.A.tolist() == [[1, Fraction(1, 4), -7], [Fraction(3, 2), 4, 100]]
    assert g.B.tolist() == [[-1, 2, 1], [0, 4, 5]]


def test_outcome_version():
    g = parse_nfg(OUTCOME_VERSION)
    assert g.actions == (("up", "down"), ("left", "mid", "right"))
    assert g.A.tolist() == [[1, 0, -7], [Fraction(3, 2), -7, 0]]
    assert g.B.tolist() == [[-1, 0, 1], [0, 1, 0]]


def test_decimal_version_is_exact():
    g = parse_nfg('NFG 1 D "d" { "1" "2" } { 1 2 } 0.1 -0.000000 2.500000 1e-3')
    assert g.A.tolist() == [[Fraction(1, 10), Fraction(5, 2)]]
    assert g.B.tolist() == [[0, Fraction(1, 1000)]]


def test_three_players_and_labels_without_outcomes():
    text = ('NFG 1 R "3p" { "a" "b" "c" }\n{ { "x" "y" }\n{ "x" "y" }\n{ "x" "y" }\n}\n'
            + " ".join(f"{k} {k + 10} {k + 20}" for k in range(8)))
    g = parse_nfg(text)
    assert g.shape == (2, 2, 2)
    assert g.payoff(("y", "x", "x")) == (1, 11, 21)   # profile 2: player 1 moved first
    assert g.payoff(("x", "y", "x")) == (2, 12, 22)
    assert g.payoff(("x", "x", "y")) == (4, 14, 24)


def test_empty_and_repeated_labels_are_made_usable():
    g = parse_nfg('NFG 1 R "" { "" "" } { { "" "s" "s" } { "t" } } 1 1 2 2 3 3')
    assert g.players == ("Player 1", "Player 2")
    assert g.actions == (("1", "s", "s (2)"), ("t",))


def test_latin1_labels_are_read():
    g = parse_nfg('NFG 1 R "caf\xe9" { "A" "B" } { 1 1 } 1 2'.encode("latin-1"))
    assert g.title == "café"


ERRORS = [
    ("", None, "empty file"),
    ("NFG 1 R", 1, "title"),
    ("EFG 2 R \"x\"", 1, "should start with NFG"),
    ("NFG 2 R \"x\"", 1, "version"),
    ("NFG 1 X \"x\"", 1, "R (rational) or D"),
    ('NFG 1 R "x" { "A" "B" }\n{ 2 }\n1 2', 2, "1 numbers of strategies for 2 players"),
    ('NFG 1 R "x" { "A" "B" }\n{ 2 1 3 }\n1 2 3 4', 2, "3 numbers of strategies for 2 players"),
    ('NFG 1 R "x" { "A" "B" }\n{ 2 0 }', 2, "positive integer"),
    ('NFG 1 R "x" { "A" "B" }\n{ 2 two }', 2, "positive integer"),
    ('NFG 1 R "x" { }\n{ }', 1, "at least one player"),
    ('NFG 1 R "x" { "A" "B" } { 2 2 }\n1 2 3', 2, "ends after 3 payoffs"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 }\n1 2\n3', 3, "unexpected '3'"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 }\n1 abc', 2, "'abc' is not a number"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 }\n1 1/0', 2, "not a finite number"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 }\n1 1e99999', 2, "not a number"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 }\n"unclosed', 2, "not closed"),
    # line breaks inside a quoted string (plain, and escaped with a backslash) still count
    ('NFG 1 R "multi\nline\ntitle" { "A" "B" } { 1 1 }\n1 abc', 4, "'abc' is not a number"),
    ('NFG 1 R "esc\\\nline" { "A" "B" } { 1 1 }\n1 abc', 3, "'abc' is not a number"),
    ('NFG 1 R "x" { "A" "B" }\n{ { "a" } { } }', 2, "player 2 has no strategies"),
    ('NFG 1 R "x" { "A" "B" }\n{ { "a" } { "b" }\n{ "a" 1 1 } }\n1', 3, "expected '}' after the strategy labels"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 } ""\n{ { "o" 1 } }\n1', 2, "outcome 1 has 1 payoffs"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 } ""\n{ { "o" 1 2 } }\n2', 3, "outcome 2 does not exist"),
    ('NFG 1 R "x" { "A" "B" } { 2 1 } ""\n{ { "o" 1 2 } }\n1', 3, "outcome of profile 2"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 } ""\n{ { "o" 1 2 } }\n-1', 3, "outcome number"),
    ('NFG 1 R "x" { "A" "B" } { 1 1 } ""\n{ 1 }', 2, "expected an outcome"),
    # found by atheris: "²" passes str.isdigit() but not int()
    ('NFG 1 R "x" { "A" "B" } { 1 1 } ""\n{ { "o" 1 2 } }\n\u00b2', 3, "outcome number"),
    ('NFG 1 R "x" { "A" "B" }\n{ 1 \u00b2 }', 2, "positive integer"),
    ('NFG 1 R "x" { "A" "B" "C" } { 100000 100000 1000 }', 1, "more than"),
]


@pytest.mark.parametrize("text, line, words", ERRORS, ids=[e[2][:30] for e in ERRORS])
def test_errors_name_file_and_line(text, line, words):
    with pytest.raises(GameFileError) as info:
        parse_nfg(text, file="bad.nfg")
    message = str(info.value)
    assert message.startswith(f"bad.nfg:{line}: " if line else "bad.nfg: "), message
    assert words in message, message


def test_read_from_disk_and_load_game(tmp_path):
    path = tmp_path / "g.nfg"
    path.write_text(OUTCOME_VERSION)
    assert read_nfg(path) == load_game(path) == parse_nfg(OUTCOME_VERSION)
    with pytest.raises(GameFileError, match="cannot read"):
        read_nfg(tmp_path / "missing.nfg")


@pytest.mark.parametrize("outcomes", [False, True])
def test_write_read_round_trip(outcomes, tmp_path):
    g = parse_nfg(PAYOFF_VERSION)
    path = tmp_path / "g.nfg"
    text = write_nfg(g, path, outcomes=outcomes)
    assert path.read_text() == text
    h = read_nfg(path)
    assert h == g and h.title == g.title and h.description == g.description


def test_write_game_dispatch(tmp_path):
    g = parse_nfg(OUTCOME_VERSION)
    write_game(g, tmp_path / "g.nfg")
    assert load_game(tmp_path / "g.nfg") == g


def test_symbolic_games_are_refused():
    with pytest.raises(GameError, match="with_defaults"):
        write_nfg(load_game("chicken"))
    exact = load_game("chicken").with_defaults()     # .nfg keeps no parameters: compare payoffs alone
    assert parse_nfg(write_nfg(exact)) == NormalFormGame(exact.payoff_arrays, players=exact.players,
                                                         actions=exact.actions)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(games(symbolic=False))
def test_random_games_round_trip(game):
    for outcomes in (False, True):
        back = parse_nfg(write_nfg(game, outcomes=outcomes))
        assert back == game and back.title == game.title and back.description == game.description


if HAVE_PEER_GAMES:
    NFG_FILES = sorted(k for k in EXPECTED if k.endswith(".nfg"))

    @pytest.mark.parametrize("name", NFG_FILES)
    def test_peer_games_match_expected_payoffs(name):
        g = read_nfg(PEER_DIR / name)
        expected = EXPECTED[name]
        assert list(g.shape) == list(expected["shape"])
        assert g.n_players == expected.get("players", g.n_players)
        for i, table in enumerate(expected["payoffs"]):
            want = np.array([Fraction(x) for x in np.ravel(np.array(table, dtype=object))], dtype=object)
            # expected lists 2-player tables with the row player's strategies as rows and
            # n-player tables flattened with the last player fastest: numpy's C order.
            assert np.array_equal(g.payoff_arrays[i].reshape(-1), want), (name, i)

    @pytest.mark.parametrize("name", NFG_FILES)
    def test_peer_games_round_trip(name):
        g = read_nfg(PEER_DIR / name)
        for outcomes in (False, True):
            back = parse_nfg(write_nfg(g, outcomes=outcomes))
            assert back == g and back.title == g.title and back.description == g.description

    def test_all_peer_nfg_files_read():
        for path in sorted((PEER_DIR / "gambit").glob("*.nfg")):
            assert read_nfg(path).n_players >= 2
