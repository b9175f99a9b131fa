"""The one union–find (``core.union_find``) and its users."""
import re
from pathlib import Path

import pytest

from deterrence.core.union_find import UnionFind
from deterrence.solvers.nash_subsets import nash_components
from deterrence.solvers.tree.independent_parts import independent_parts

PACKAGE = Path(__file__).resolve().parent.parent / "deterrence"


def test_groups_follow_the_order_of_the_items_given():
    uf = UnionFind(range(8))
    for a, b in [(7, 1), (1, 3), (4, 6)]:
        uf.union(a, b)
    assert uf.groups(range(8)) == [[0], [1, 3, 7], [2], [4, 6], [5]]
    assert uf.groups([6, 3, 0]) == [[6], [3], [0]]
    assert uf.find(7) == uf.find(3) != uf.find(4)


def test_union_all_joins_a_chain_and_ignores_short_lists():
    uf = UnionFind("abcde")
    uf.union_all([])
    uf.union_all(["e"])
    uf.union_all(iter(["d", "a", "b"]))
    assert uf.groups("abcde") == [["a", "b", "d"], ["c"], ["e"]]
    assert "a" in uf and "z" not in uf
    with pytest.raises(KeyError):
        uf.find("z")


def test_long_chains_are_joined_without_recursion():
    n = 100_000
    uf = UnionFind(range(n))
    for k in range(1, n):
        uf.union(k - 1, k)
    assert len(uf.groups(range(n))) == 1


def test_the_users_give_their_groups():
    assert nash_components(((0, 1), (2, 4), (1, 5), (3,)), 6) == ((0, 1, 5), (2, 4), (3,))
    from deterrence.io import load_game
    assert len(independent_parts(load_game("kuhn_poker"))) == 1


def test_no_module_keeps_its_own_union_find():
    """Union–find was written three times (components of equilibria, a tree's independent parts,
    the branching search's column groups): path halving ``p[x] = p[p[x]]`` lives in one place."""
    halving = re.compile(r"(\w+)\[(\w+)\]\s*=\s*\1\[\1\[\2\]\]")
    owners = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                    if halving.search(path.read_text(encoding="utf-8")))
    assert owners == ["core/union_find.py"]
