"""Deep game trees: built, read, solved, shown and written with explicit stacks, not recursion.

The chains here are deeper than Python's recursion limit allows a recursive walk to go (the
limit is set low around the work, and ``sys.setrecursionlimit`` may not be called by the
library): before issue 17 these raised ``RecursionError`` or needed the limit raised.
"""
import inspect
import json
import sys
from fractions import Fraction

import pytest

from test_size_guards import _backward_induction_by_loop, _chain, _efg_chain

from deterrence import GameTree, decision, load_game, solve, terminal
from deterrence.errors import TooLargeError

#: the recursion room a test leaves the library: far less than the trees are deep
ROOM = 250
DEPTH = 600


@pytest.fixture
def little_recursion(monkeypatch):
    """Python's recursion limit set to ROOM frames above the test, and the library forbidden
    to raise it, for the duration of the test."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack(0)) + ROOM)

    def refuse(_):
        raise AssertionError("the library called sys.setrecursionlimit")

    monkeypatch.setattr(sys, "setrecursionlimit", refuse)
    yield
    monkeypatch.undo()
    sys.setrecursionlimit(before)


def test_a_deep_chain_is_built_solved_and_evaluated_without_recursion(little_recursion):
    from deterrence.solvers.tree.reduced_normal_form import expected_payoffs
    from deterrence.solvers.tree.sequence_form import sequence_form
    with pytest.raises(TooLargeError, match="max_depth="):
        GameTree(_chain(DEPTH), players=["A", "B"])
    tree = GameTree(_chain(DEPTH), players=["A", "B"], max_depth=DEPTH)
    assert tree.depth == DEPTH and len(tree.paths()) == 2 * DEPTH + 1
    (spe,) = solve(tree).equilibria
    assert spe.payoffs == _backward_induction_by_loop(DEPTH)
    assert expected_payoffs(tree, spe.behaviour) == spe.payoffs
    # a parameter's value is put in by rebuilding the tree; comparing and hashing deep trees work
    symbolic = GameTree(_chain(DEPTH, end=("c", 1)), players=["A", "B"], parameters={"c": 1}, max_depth=DEPTH)
    valued = GameTree(symbolic.with_defaults().root, players=["A", "B"], max_depth=DEPTH)   # no parameters
    assert valued == tree and hash(valued) == hash(tree)
    assert GameTree(symbolic.subs(c=2).root, players=["A", "B"], max_depth=DEPTH) != tree
    lines = tree.to_text().splitlines()
    assert len(lines) == 2 * DEPTH + 1 and lines[-1] == "  " * DEPTH + "go: (1, 1)"
    # the sequence form: the empty sequence and two moves at each of a player's nodes
    sf = sequence_form(tree)
    assert [len(s) for s in sf.sequences] == [1 + 2 * (DEPTH // 2), 1 + 2 * (DEPTH - DEPTH // 2)]


def test_a_deep_chain_is_written_and_read_back_without_recursion(little_recursion, tmp_path):
    from deterrence.io.gambit_efg import parse_efg, write_efg
    from deterrence.io.tree_toml import read_tree_toml, write_tree_toml
    tree = GameTree(_chain(DEPTH), players=["A", "B"], max_depth=DEPTH)
    assert parse_efg(write_efg(tree), max_depth=DEPTH) == tree
    read = load_game(_efg_chain(DEPTH, tmp_path / "chain.efg"), max_depth=DEPTH)
    assert solve(read).equilibria[0].payoffs == _backward_induction_by_loop(DEPTH)
    # TOML names every table by its whole path, so the text grows as the square of the depth:
    # a shallower chain, still deeper than the recursion room
    shallower = GameTree(_chain(ROOM + 150), players=["A", "B"], max_depth=ROOM + 150)
    assert read_tree_toml(write_tree_toml(shallower), max_depth=ROOM + 150) == shallower


def test_outcomes_on_interior_efg_nodes_reach_every_terminal_below():
    from deterrence.io.gambit_efg import parse_efg
    text = """EFG 2 R "outcomes" { "A" "B" }
p "" 1 1 "" { "l" "r" } 1 "bonus" { 1, 1/2 }
p "" 2 1 "" { "x" "y" } 2 "more" { 10, 0 }
t "" 3 "" { 1, 1 }
t "" 4 "" { 2, 2 }
t "" 5 "" { 3, 3 }
"""
    tree = parse_efg(text)
    assert tree.node("l/x").payoffs == (12, Fraction(3, 2))
    assert tree.node("l/y").payoffs == (13, Fraction(5, 2))
    assert tree.node("r").payoffs == (4, Fraction(7, 2))


def test_credible_threats_below_a_deep_chain_of_forced_moves(little_recursion):
    from deterrence.models.entry_deterrence import entry_deterrence
    from deterrence.solvers.tree.threats import noncredible_threats
    entry = entry_deterrence()
    node = entry.root
    for k in range(DEPTH):
        node = decision(entry.players[k % 2], {"go": node})
    deep = GameTree(node, players=entry.players, max_depth=DEPTH + 2)
    shallow, found = noncredible_threats(entry), noncredible_threats(deep)

    def plans(e):      # the forced moves ("go" at each of a player's sets) left out of the labels
        return tuple("/".join(m for m in label.split("/") if m != "go") for label in e.profile)

    assert [(plans(e), e.payoffs, e.subgame_perfect) for e in found] == \
        [(e.profile, e.payoffs, e.subgame_perfect) for e in shallow]
    prefix = "/".join(["go"] * DEPTH) + "/"
    assert [[(prefix + t.node, t.player, t.planned, t.better, t.gain) for t in e.threats] for e in shallow] == \
        [[(t.node, t.player, t.planned, t.better, t.gain) for t in e.threats] for e in found]


def test_the_command_line_solves_and_shows_a_chain_of_thousands_of_nodes(tmp_path, capsys):
    """3,000 levels (6,001 nodes): three times Python's default recursion limit."""
    from deterrence.cli import main
    depth = 3000
    path = _efg_chain(depth, tmp_path / "chain.efg")
    assert main(["solve", str(path), "--limit", f"max_depth={depth}", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert tuple(int(v) for v in out["equilibria"][0]["payoffs"]) == _backward_induction_by_loop(depth)
    assert "credibility_note" in out     # the threat analysis is skipped for large trees
    assert main(["show", str(path)]) == 2
    assert "--limit max_depth=N" in capsys.readouterr().err
    assert main(["show", str(path), "--limit", f"max_depth={depth}"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2 * depth + 2      # the title, then the nodes
    # the report: the same limit; the credibility analysis is not run unasked on a large tree
    assert main(["report", str(path), "--limit", f"max_depth={depth}", "--format", "json"]) == 0
    credibility = json.loads(capsys.readouterr().out)["credibility"]
    assert credibility["credibility"] is None
    assert "Not analysed for a tree of 6001 nodes" in credibility["credibility_note"]
    # a command refuses a limit it does not have, naming the ones it has
    assert main(["show", str(path), "--limit", "max_points=5"]) == 2
    assert "--limit max_points=5: this command's limits are max_depth=N" in capsys.readouterr().err


@pytest.mark.parametrize("what", ["json", "figure", "regimes"])
def test_algorithms_that_still_recurse_refuse_deep_trees_first(what):
    from deterrence.core.tree import RECURSIVE_DEPTH
    tree = GameTree(_chain(RECURSIVE_DEPTH + 1), players=["A", "B"], max_depth=RECURSIVE_DEPTH + 1)
    if what == "json":
        from deterrence.io.json_format import write_json
        call = lambda: write_json(tree)                                     # noqa: E731
    elif what == "figure":
        from deterrence.plot.tree import tree_layout
        call = lambda: tree_layout(tree)                                    # noqa: E731
    else:
        from deterrence.solvers.tree.backward_induction import symbolic_regimes
        call = lambda: symbolic_regimes(tree)                               # noqa: E731
    with pytest.raises(TooLargeError, match=rf"at most {RECURSIVE_DEPTH} levels; this one has {RECURSIVE_DEPTH + 1}"):
        call()
    shallow = GameTree(_chain(5), players=["A", "B"])
    assert terminal([0, 0]) and shallow.depth == 5
