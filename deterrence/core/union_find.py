"""Union–find (disjoint sets), the one copy the toolkit keeps.

Items are joined into groups (:meth:`UnionFind.union`), and the groups are read back in the
order of a list of items (:meth:`UnionFind.groups`). Paths are halved on every
:meth:`UnionFind.find` (Tarjan and van Leeuwen 1984), which is enough for the few thousand items
the solvers join: the connected components of extreme equilibria (``solvers.nash_subsets``),
the branches of a tree that share an information set (``solvers.tree.independent_parts``) and the
columns of a sequence-form system that its rows tie together (``solvers.tree.sequence_branching``).

>>> uf = UnionFind(range(5))
>>> uf.union(0, 3); uf.union(4, 1)
>>> uf.groups(range(5))
[[0, 3], [1, 4], [2]]
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable


class UnionFind:
    """Disjoint sets over hashable items, each first alone.

    >>> uf = UnionFind("abc")
    >>> uf.union("a", "c")
    >>> uf.find("c") == uf.find("a"), uf.find("b") == uf.find("a"), "d" in uf
    (True, False, False)
    """

    __slots__ = ("_parent",)

    def __init__(self, items: Iterable[Hashable]):
        self._parent = {x: x for x in items}

    def __contains__(self, item) -> bool:
        return item in self._parent

    def find(self, item):
        """The representative of ``item``'s group (a ``KeyError`` for an item never given)."""
        parent = self._parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, a, b) -> None:
        """Join the groups of ``a`` and ``b``."""
        self._parent[self.find(a)] = self.find(b)

    def union_all(self, items: Iterable[Hashable]) -> None:
        """Join the groups of all ``items`` (none or one: nothing changes).

        >>> uf = UnionFind(range(4))
        >>> uf.union_all([3, 0, 2]); uf.groups(range(4))
        [[0, 2, 3], [1]]
        """
        first = None
        for i, x in enumerate(items):
            if i == 0:
                first = x
            else:
                self.union(x, first)

    def groups(self, items: Iterable[Hashable]) -> list[list]:
        """The groups of ``items``: one list per group, in the order of each group's first item in
        ``items``, its members in their order there (items of a group not in ``items`` left out).

        >>> uf = UnionFind(range(6))
        >>> uf.union(5, 0); uf.union(2, 4)
        >>> uf.groups([4, 5, 1, 0])
        [[4], [5, 0], [1]]
        """
        out: dict = {}
        for x in items:
            out.setdefault(self.find(x), []).append(x)
        return list(out.values())


__all__ = ["UnionFind"]
