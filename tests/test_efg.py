"""Gambit .efg files: reading, writing, round trips, errors; the Gambit peer files."""
from fractions import Fraction

import pytest

import deterrence as dt
from deterrence.errors import GameFileError
from deterrence.io.gambit_efg import parse_efg, read_efg, write_efg
from deterrence.core.tree import GameTree
from deterrence.models.entry_deterrence import entry_deterrence
from deterrence.solvers.tree.backward_induction import subgame_perfect
from deterrence.solvers.tree.reduced_normal_form import expected_payoffs
from tree_helpers import real_tree_reader  # noqa: F401 (autouse fixture)

from peer import HAVE_PEER_GAMES, PEER_DIR

CARDS = '''EFG 2 R "cards" { "Alice" "Bob" }
"a small game with a chance move and hidden information"

c "deal" 1 "" { "high" 1/3 "low" 2/3 } 0
p "" 1 1 "" { "bet" "check" } 0
p "" 2 1 "Bob" { "call" "fold" } 0
t "" 1 "win big" { 2, -2 }
t "" 2 "win" { 1, -1 }
t "" 3 "" { 1, -1 }
p "" 1 2 "" { "bet" "check" } 0
p "" 2 1 "Bob" 0
t "" 4 "" { -2, 2 }
t "" 2 "win"
t "" 5 "" { -1, 1 }
'''


def test_parse_chance_infosets_outcomes():
    t = parse_efg(CARDS)
    assert t.players == ("Alice", "Bob") and t.description.startswith("a small game")
    assert t.root.probabilities == (Fraction(1, 3), Fraction(2, 3))
    assert t.infoset_of(("high", "bet")).paths == (("high", "bet"), ("low", "bet"))
    assert t.node("low/bet/fold").payoffs == (1, -1)        # outcome 2 used again without payoffs
    assert parse_efg(write_efg(t)) == t


def test_interior_outcomes_add_to_payoffs():
    t = parse_efg('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" "y" } 1 "bonus" { 10 }\nt "" 2 "" { 1 }\nt "" 3 "" { 2 }\n')
    assert t.node("x").payoffs == (11,) and t.node("y").payoffs == (12,)


def test_write_to_path_and_load(tmp_path):
    path = tmp_path / "entry.efg"
    write_efg(entry_deterrence(), path)
    model = entry_deterrence()                # .efg keeps no parameters: compare the trees alone
    assert dt.load_game(path) == GameTree(model.root, model.players)
    with pytest.raises(dt.GameError, match="needs numeric payoffs"):
        write_efg(entry_deterrence(symbolic=True))


@pytest.mark.parametrize("text, message", [
    ("NFG 1 R", "f.efg:1: not a Gambit .efg file"),
    ('EFG 2 R "" { "A" }\np "" 2 1 "" { "x" } 0\nt "" 1 "" { 1 }\n', "f.efg:2: player 2 does not exist"),
    ('EFG 2 R "" { "A" }\nc "" 1 "" { "x" 1/2 "y" 1/3 } 0\nt "" 1 "" { 1 }\nt "" 2 "" { 1 }\n',
     "f.efg:2: chance probabilities sum to 5/6"),
    ('EFG 2 R "" { "A" "B" }\np "" 1 1 "" { "x" } 0\nt "" 1 "" { 1 }\n', "f.efg:3: 1 payoffs given"),
    # an outcome number used again with other payoffs (a bug hunt: accepted, the nodes differing)
    ('EFG 2 R "" { "A" "B" }\np "" 1 1 "" { "x" "y" } 0\nt "" 1 "w" { 1, 0 }\nt "" 1 "w" { 7, 7 }\n'
     't "" 2 "" { 0, 0 }\n',
     "f.efg:4: outcome 1 is given payoffs (7, 7) that differ from its earlier ones (1, 0)"),
    # the payoffs' own line, not the next node's (a bug hunt: it said 4)
    ('EFG 2 R "" { "A" "B" }\np "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1 }\nt "" 2 "" { 0, 1 }\n',
     "f.efg:3: 1 payoffs given"),
    ('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1 }\n', "f.efg:3: unexpected end of file"),
    ('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" } 0\nt "" 1 "" { 1 }\nt "" 2 "" { 1 }\n', "f.efg:4: unexpected 't'"),
    ('EFG 2 R "" { "A" }\nq "" 1 1 "" { "x" } 0\n', "f.efg:2: unknown node type 'q'"),
    # an interior node's outcome that is never defined (an error review: it counted as 0; Gambit refuses it)
    ('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" } 999\nt "" 1 "" { 1 }\n',
     "f.efg:2: outcome 999 is used before its payoffs are given (an interior node's outcome 0 means none)"),
    ('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" } 0\nt "" 1 "" { one }\n', "f.efg:3: payoff: 'one' is not a number"),
    ('EFG 2 R "" { "A" }\np "" 1 1 "" { "x" } 0\nt "" 1 "\n', "f.efg:3: cannot read"),
    # line breaks inside a quoted title and comment still count
    ('EFG 2 R "a title\nover two lines" { "A" }\n"a comment\nof\nthree lines"\np "" 1 1 "" { "x" } 0\n'
     't "" 1 "" { one }\n', "f.efg:7: payoff: 'one' is not a number"),
    # a repeated move label: the information set's line (a bug hunt: no line was given)
    ('EFG 2 R "" { "A" "B" }\n""\np "" 1 1 "" { "x" "x" } 0\nt "" 1 "" { 1, 0 }\nt "" 2 "" { 2, 5 }\n',
     "f.efg:3: information set 1 of player 1 repeats a move label"),
    # a chance node's label given twice: said so at its line (the second was dropped, and the file
    # refused for "probabilities sum to 1/2": an error review)
    ('EFG 2 R "" { "A" "B" }\n""\nc "" 1 "" { "l" 1/2 "l" 1/2 } 0\nt "" 1 "" { 1, 0 }\nt "" 2 "" { 2, 5 }\n',
     "f.efg:3: chance information set 1 repeats the move label 'l'"),
    # a set whose node follows another of its nodes: the later node's line (a fuzzing review: no line)
    ('EFG 2 R "" { "A" "B" }\np "" 1 1 "s" { "x" "y" } 0\np "" 1 1 "s" { "x" "y" } 0\n'
     't "" 1 "" { 1, 2 }\nt "" 2 "" { 0, 0 }\nt "" 3 "" { 2, 1 }\n',
     "f.efg:3: information set 's' of A: node x follows node root of the same set (absent-mindedness)"),
    # the same below a move label with a space (a node name is not one word)
    ('EFG 2 R "" { "A" "B" }\nc "" 1 "" { "l r" 1/2 "m" 1/2 } 0\np "" 1 1 "s" { "x" "y" } 0\n'
     'p "" 1 1 "s" { "x" "y" } 0\nt "" 1 "" { 1, 2 }\nt "" 2 "" { 0, 0 }\nt "" 3 "" { 2, 1 }\n'
     't "" 4 "" { 2, 1 }\n',
     "f.efg:4: information set 's' of A: node l r/x follows node l r of the same set"),
    # an information set named "node x" (where a node x is): the line of the node refused, not of the
    # node x its name matched in the message (an error review: the line was found from the message)
    ('EFG 2 R "" { "A" "B" }\np "" 1 1 "node x" { "x" "y" } 0\nt "" 2 "" { 0, 0 }\n'
     'p "" 1 1 "node x" { "x" "y" } 0\nt "" 3 "" { 1, 1 }\nt "" 4 "" { 0, 0 }\n',
     "f.efg:4: information set 'node x' of A: node y follows node root of the same set (absent-mindedness)"),
    # an empty move label (a fuzzing review: refused without a line)
    ('EFG 2 R "" { "A" "B" }\np "" 1 1 "" { "" "y" } 0\nt "" 1 "" { 1, 2 }\nt "" 2 "" { 2, 1 }\n',
     "f.efg:2: a move at node root has an empty label"),
    ('EFG 2 R "" { "A" "B" }\nc "" 1 "" { "" 1/2 "y" 1/2 } 0\nt "" 1 "" { 1, 2 }\nt "" 2 "" { 2, 1 }\n',
     "f.efg:2: a move at node root has an empty label"),
])
def test_errors_name_file_and_line(text, message):
    with pytest.raises(GameFileError) as err:
        parse_efg(text, file="f.efg")
    assert str(err.value).startswith(message), str(err.value)


def test_empty_and_repeated_player_names_are_named_as_in_an_nfg_file():
    # Gambit allows them; the .efg reader refused both as "duplicate player name in ('', '')",
    # without a line, where the .nfg reader names them (a fuzzing review)
    body = 'p "" 1 1 "" { "x" "y" } 0\nt "" 1 "" { 1, 2, 3 }\nt "" 2 "" { 2, 1, 0 }\n'
    assert parse_efg('EFG 2 R "" { "" "" "B" }\n' + body).players == ("Player 1", "Player 2", "B")
    assert parse_efg('EFG 2 R "" { "A" "A" "B" }\n' + body).players == ("A", "A (2)", "B")


def test_missing_file():
    with pytest.raises(GameFileError, match="nope.efg: cannot read"):
        read_efg("nope.efg")


if HAVE_PEER_GAMES:
    PEERS = ["poker.efg", "sww1.efg", "fig4_2.efg", "e04.efg", "entry_accommodation.efg"]

    @pytest.mark.parametrize("name", PEERS)
    def test_peer_efg_round_trips_and_solves(name, tmp_path):
        tree = read_efg(PEER_DIR / "gambit" / name)
        text = write_efg(tree)
        assert parse_efg(text) == tree
        (tmp_path / name).write_text(text)
        assert dt.load_game(tmp_path / name) == tree
        result = dt.solve(tree)
        assert result.equilibria and result.exact
        for eq in result.equilibria:   # payoffs agree with the behaviour strategies
            assert expected_payoffs(tree, eq.behaviour) == eq.payoffs
            assert set(eq.to_json()) == {"strategies", "payoffs", "actions", "outcomes"}

    def test_peer_sww1_backward_induction():
        result = subgame_perfect(read_efg(PEER_DIR / "gambit" / "sww1.efg"))
        assert [e.actions for e in result] == [{"root": "R", "R": "R"}]
        assert result[0].payoffs == (6, 3)

    def test_peer_poker_value():
        tree = read_efg(PEER_DIR / "gambit" / "poker.efg")
        (eq,) = subgame_perfect(tree).equilibria
        assert eq.payoffs == (Fraction(1, 3), Fraction(-1, 3))
        assert eq.behaviour[("Bob", "2:1")] == {"Meet": Fraction(2, 3), "Pass": Fraction(1, 3)}

    def test_peer_e04_matches_nfg_version():
        tree = read_efg(PEER_DIR / "gambit" / "e04.efg")
        from deterrence.solvers.tree.reduced_normal_form import reduced_normal_form
        nf = reduced_normal_form(tree)
        assert nf.shape == (3, 2)


@pytest.mark.parametrize("body, label, node, line", [
    ('p "" 1 1 "" { "out" "in" } 0\nt "" 1 "" { 0, 2 }\np "" 2 1 "" { "fight/x" "acc" } 0\n'
     't "" 2 "" { -1, -1 }\nt "" 3 "" { 1, 1 }\n', "fight/x", "in", 4),
    ('c "" 1 "" { "up/down" 1/2 "flat" 1/2 } 0\nt "" 1 "" { 1, 0 }\nt "" 2 "" { 0, 1 }\n', "up/down", "root", 2),
])
def test_a_slash_in_a_move_label_is_refused_naming_label_node_and_line(body, label, node, line):
    # such a file used to load, and then two nodes printed as "a/b" and lookups failed
    with pytest.raises(GameFileError) as err:
        parse_efg('EFG 2 R "" { "A" "B" }\n' + body, file="g.efg")
    assert str(err.value).startswith(f"g.efg:{line}: move label {label!r} at node {node} contains '/'")
