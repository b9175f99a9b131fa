"""The independent parts of a tree: what chance alone splits into games that share no information.

When the first moves of a tree are chance's, the branches it reaches before any player moves
are played by the same players but may be separate games. Join two branches when some
information set has nodes in both; each group of joined branches is a *part*. A part is its
own game (the tree without the other parts' branches, chance's probabilities reweighted to
sum to one), and the players' plans in different parts are chosen independently: a plan of
the whole tree is one plan in each part, and its payoff is the chance-weighted sum of the
parts' payoffs. So each player's sequence-form best-response polyhedron is the product of the
parts' polyhedra (joined at the empty sequence, whose value adds up the parts'), and

* a profile is a Nash equilibrium of the tree exactly when its restriction to every part is
  one of that part;
* the extreme equilibria of the tree are the combinations of one extreme equilibrium of each
  part, and its maximal Nash subsets the products of the parts' (``k`` copies of a 2×2
  coordination game under one chance move have ``3**k`` extreme equilibria);

so a tree with hundreds of sequences whose parts are small has every extreme equilibrium
described exactly as one list per part, however many combinations there are.

Sources: the sequence form of D. Koller, N. Megiddo and B. von Stengel (1996), "Efficient
computation of equilibria for extensive two-person games", Games and Economic Behavior 14:
247-259, whose constraints and payoffs are sums over the tree's leaves and information sets,
so over its parts; that the faces and vertices of a product of polyhedra are the products
of theirs is standard (e.g. G. M. Ziegler (1995), *Lectures on Polytopes*, Springer).

Steps of :func:`independent_parts`:

1. walk down from the root through chance nodes only; record each node where a player moves
   first (or a terminal node) with the product of the chance probabilities on its way;
2. join those branches that share an information set (a union-find over the sets' keys);
3. each group becomes a :class:`TreePart`: the whole tree without the other groups'
   branches, each chance probability on the way reweighted by the mass kept below it. Its
   node paths and information sets are the whole tree's, so behaviour found in the part is
   behaviour in the whole.

A tree with a chance move of probability zero on the way, or whose root is not a chance
node, has one part (the tree itself) and is not split: branches that chance never reaches
leave every plan there an equilibrium, and the whole tree's search lists them as it always has.

Two crises that chance draws, each a 2×2 coordination game with its own information sets:

>>> from deterrence.core.tree import GameTree, chance, decision, terminal
>>> win, lose = terminal([1, 1]), terminal([0, 0])
>>> def crisis(s):
...     return decision("A", {"x": decision("B", {"l": win, "r": lose}, f"b{s}"),
...                           "y": decision("B", {"l": lose, "r": win}, f"b{s}")}, f"a{s}")
>>> t = GameTree(chance({"one": ("1/4", crisis(1)), "two": ("3/4", crisis(2))}),
...              players=["A", "B"])
>>> [(p.weight, p.paths) for p in independent_parts(t)]
[(Fraction(1, 4), (('one',),)), (Fraction(3, 4), (('two',),))]
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from deterrence.core.tree import MAX_DEPTH, Chance, GameTree, Terminal, path_name
from deterrence.core.union_find import UnionFind


@dataclass(frozen=True)
class TreePart:
    """One independent part of a tree: ``tree`` is the part as a game of its own (the whole
    tree with the other parts' branches left out, chance's probabilities reweighted to sum to
    one: its node paths and information sets are the whole tree's), ``weight`` the
    probability that chance reaches it, ``paths`` the paths of the nodes where its play
    starts."""

    tree: GameTree
    weight: Fraction
    paths: tuple

    def to_json(self) -> dict:
        """The TreePart as a JSON-ready dict of plain values: ``weight``, ``paths``."""
        return {"weight": str(self.weight), "paths": [path_name(p) for p in self.paths]}


def _first_moves(tree: GameTree):
    """``[(path, probability, node)]``: the nodes reached from the root through chance moves
    only, the first node of each branch that is not a chance node; ``None`` when a move on the
    way has probability zero."""
    out, stack = [], [((), Fraction(1), tree.root)]
    while stack:
        path, prob, node = stack.pop()
        if isinstance(node, Chance):
            for label, q, child in reversed(node.moves):
                if q == 0:
                    return None
                stack.append((path + (label,), prob * q, child))
        else:
            out.append((path, prob, node))
    return out


def _restricted(root, starts):
    """The tree at ``root`` with only the branches that begin at the paths in ``starts`` (first
    moves, below chance nodes only), each chance node's probabilities reweighted by the mass
    kept below its moves: the part as a game of its own, with the whole tree's node paths (so
    that the part's behaviour keys, singleton information sets named by their paths included,
    and its node paths are the whole tree's). Returns ``(mass kept, node)``."""
    def keep(node, path):
        if path in starts:
            return Fraction(1), node
        if not isinstance(node, Chance) or not any(s[:len(path)] == path for s in starts):
            return None
        kept = [(label, q, keep(child, path + (label,))) for label, q, child in node.moves]
        kept = [(label, q * below[0], below[1]) for label, q, below in kept if below is not None]
        mass = sum(q for _, q, _ in kept)
        return mass, Chance([(label, (q / mass, child)) for label, q, child in kept], node.label)
    return keep(root, ())


def independent_parts(tree: GameTree) -> tuple:
    """The parts of ``tree`` that chance alone separates (module docstring), as
    :class:`TreePart` values in the order of their first branches; a tree that does not split
    gives one part, the tree itself. Terminal nodes that chance reaches before anyone moves
    belong to no part: they add the same to every profile's payoffs.

    >>> from deterrence.io import load_game
    >>> len(independent_parts(load_game("kuhn_poker")))       # every deal shares information sets
    1
    """
    whole = (TreePart(tree, Fraction(1), ((),)),)
    if not isinstance(tree.root, Chance):
        return whole
    first = _first_moves(tree)
    if first is None:
        return whole
    branches = [(p, q, n) for p, q, n in first if not isinstance(n, Terminal)]
    joined = UnionFind(range(len(branches)))
    starts = {path: b for b, (path, _, _) in enumerate(branches)}
    depths = sorted({len(path) for path in starts})
    owner = {}                            # information set key -> a branch that has a node of it
    for node_path, key in tree.decision_nodes():
        b = next((starts[node_path[:d]] for d in depths if node_path[:d] in starts), None)
        if b is not None:                 # (every decision node is below one first move)
            joined.union(owner.setdefault(key, b), b)
    groups = joined.groups(range(len(branches)))
    if len(groups) < 2:
        return whole
    parts = []
    for members in sorted(groups):
        chosen = [branches[b] for b in members]
        mass, root = _restricted(tree.root, {p for p, _, _ in chosen})
        # a part is no deeper than the tree: it needs no more room than the tree was given
        deep = tree.depth if tree.depth > MAX_DEPTH else None
        parts.append(TreePart(GameTree(root, tree.players, max_depth=deep), mass,
                              tuple(p for p, _, _ in chosen)))
    return tuple(parts)


__all__ = ["TreePart", "independent_parts"]
