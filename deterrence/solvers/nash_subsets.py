"""Maximal Nash subsets and components of a two-player game's extreme equilibria.

The extreme equilibria of a two-player game are pairs ``(x, y)`` of extreme
strategies (vertices of the best-response polytopes, or realisation plans in
the sequence form of a tree). Join ``x`` and ``y`` by an edge when the pair is
an equilibrium. A clique is a maximal complete bipartite subgraph ``(X, Y)``:
every ``x`` of ``X`` with every ``y`` of ``Y`` is an equilibrium, and no
extreme strategy can be added to either side. Every mixture of a clique is an
equilibrium too (a player's best replies to the other's strategy form a convex
set, and the set of strategies to which a given strategy is a best reply is
convex, because the payoff is bilinear), and the convex hulls of the cliques are
the maximal Nash subsets (Winkels 1979; Jansen 1981). The connected components
of the equilibrium set are the connected components of the union of the cliques.

Sources: H.-M. Winkels (1979), "An algorithm to determine all equilibrium points
of a bimatrix game", in Game Theory and Related Topics, 137-148; M. J. M. Jansen
(1981), "Maximal Nash subsets for bimatrix games", Naval Research Logistics
Quarterly 28: 147-152; D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel
(2010), "Enumeration of Nash equilibria for two-player games", Economic Theory
42: 9-37 (the cliques of ``lrsnash`` and Gambit's ``enummixed``). No code was
copied.

Steps of :func:`maximal_nash_subsets`: number the strategies of each side; give
each ``x`` its neighbourhood, the set of ``y`` it is an equilibrium with, as a
bitmask; close the neighbourhoods under intersection (every nonempty
intersection of neighbourhoods is a closed ``Y``); for each closed ``Y``, ``X``
is every ``x`` whose neighbourhood contains ``Y``: the pair is a clique.
:func:`nash_components` joins the equilibria of each clique (union-find: ``core.union_find``).
"""
from __future__ import annotations

from deterrence.core.union_find import UnionFind


def maximal_nash_subsets(edges) -> tuple:
    """Maximal bicliques of the bipartite graph with the given ``(x, y)`` edges (edge ``k`` is
    equilibrium ``k``; ``x`` and ``y`` hashable and sortable names of each side's extreme
    strategies): sorted tuples of edge indices.

    >>> maximal_nash_subsets([(1, 5), (2, 5), (1, 6), (3, 7)])
    ((0, 1), (0, 2), (3,))
    """
    if len({x for x, _ in edges}) == len(edges) == len({y for _, y in edges}):
        return tuple((k,) for k in range(len(edges)))   # a matching (any nondegenerate game)
    xs = sorted({x for x, _ in edges})
    ys = sorted({y for _, y in edges})
    xi = {x: i for i, x in enumerate(xs)}
    yi = {y: i for i, y in enumerate(ys)}
    nbr = [0] * len(xs)
    for x, y in edges:
        nbr[xi[x]] |= 1 << yi[y]
    # closed Y-sets: all nonempty intersections of neighbourhoods
    closed = set()
    for nb in nbr:
        closed |= {s & nb for s in closed if s & nb}
        closed.add(nb)
    edge_index = {(xi[x], yi[y]): k for k, (x, y) in enumerate(edges)}
    out = []
    for Y in closed:
        X = [i for i, nb in enumerate(nbr) if nb & Y == Y]
        in_Y = [j for j in range(len(ys)) if Y >> j & 1]
        out.append(tuple(sorted(edge_index[(i, j)] for i in X for j in in_Y)))
    return tuple(sorted(set(out)))


def nash_components(cliques, count) -> tuple:
    """Connected components of the union of ``cliques`` over equilibria ``0..count-1`` (sorted
    index tuples).

    >>> nash_components(((0, 1), (0, 2), (3,)), 4)
    ((0, 1, 2), (3,))
    """
    if len(cliques) == count and all(len(c) == 1 for c in cliques):
        return cliques                  # isolated equilibria (any nondegenerate game)
    joined = UnionFind(range(count))
    for c in cliques:
        joined.union_all(c)
    return tuple(sorted(tuple(g) for g in joined.groups(range(count))))


__all__ = ["maximal_nash_subsets", "nash_components"]
