"""Every lexicographically feasible basis of a polyhedron by reverse search, in little memory.

The vertex enumerations of the sequence form walk the graph of a polyhedron's feasible bases.
A depth-first walk over that graph (the package's ``explore_bases`` until stop 47) must remember
every basis it has met and keeps a tableau for each waiting branch: about 10 KB a basis on the
faces of the 137-sequence random tree, 1.1 GB at 100,000 bases. Reverse search walks a spanning
tree of the same graph instead, defined by a pivoting rule, so that it remembers nothing but
the tableaux on its current path: each basis is met exactly once, and memory does not grow with
the number of bases.

Reference: D. Avis and K. Fukuda (1992), "A pivoting algorithm for convex hulls and vertex
enumeration of arrangements and polyhedra", Discrete and Computational Geometry 8: 295-313; D.
Avis (2000), "lrs: a revised implementation of the reverse search vertex enumeration algorithm",
in Polytopes: Combinatorics and Computation, Birkhauser, 177-198 (the lexicographic rule and
the reverse pivot test used here). No code was copied.

Steps of :func:`reverse_search_bases` (the polyhedron ``{z : M z = b, z_j >= 0 for j <
free_from}``, the columns from ``free_from`` on free and basic in the first basis):

1. Perturb ``b`` by the first basis (the lexicographic rule: ties in the minimum ratio broken by
   the columns of ``d B^-1 B_0`` carried in the tableau), so that the perturbed polyhedron is
   simple: each lexicographically feasible basis is one of its vertices, and each vertex of the
   polyhedron is met by at least one of them.
2. Take the objective "minimise the sum of the first basis's nonbasic columns": the first basis
   is its one optimum (it is 0 there, and positive at every other perturbed vertex). The tableau
   carries the objective's reduced costs as an extra row.
3. The *parent* of a basis is the one reached by a simplex step on that objective: the least
   nonbasic column with a negative reduced cost enters (Bland's rule), the lexicographic minimum
   ratio picks the row it leaves. The objective falls strictly at each step (the perturbed
   polyhedron is simple), so the steps end at the first basis, and the parent links form a tree.
4. Walk that tree depth first from its root. The children of a basis ``B`` are its neighbours
   ``B'`` (a column ``c`` enters, the lexicographic ratio test picks the row ``r``, whose column
   ``l`` leaves) whose parent is ``B``. With ``rc`` the reduced costs at ``B`` and ``T[r]`` the
   pivot row, ``B`` is the parent of ``B'`` exactly when ``rc[c] > 0`` (so ``l`` has a negative
   reduced cost at ``B'``) and no nonbasic column ``j < l`` other than ``c`` has
   ``rc[j] T[r][c] - rc[c] T[r][j] < 0`` (a negative reduced cost at ``B'``): the ratio test
   back from ``B'`` picks row ``r`` by itself (every other row's ratio exceeds it by a
   lexicographically positive amount), so the test reads ``B``'s tableau alone and a pivot is
   made only to a child.

>>> from fractions import Fraction
>>> M = [[1, 1, 1, 0], [1, -1, 0, 1]]     # x + y + s = 1, y - x = t: the triangle (0, 0), (0, 1), (1/2, 1/2)
>>> for T, basis, d in reverse_search_bases(M, [1, 0], [2, 3], 4, 100):
...     point = [Fraction(0), Fraction(0)]
...     for r, c in enumerate(basis):
...         if c < 2:
...             point[c] = Fraction(T[r][4], d)
...     print(basis, *point)                  # two bases meet at the degenerate vertex (0, 0)
[2, 3] 0 0
[2, 0] 0 0
[1, 0] 1/2 1/2
[1, 3] 0 1
"""
from __future__ import annotations

from deterrence.core.exact import bareiss_pivot, flint_module, lex_min_ratio
from deterrence.errors import GameError, TooLargeError


def first_tableau(M, b, basis, free_from: int) -> tuple:
    """``(T, d)``: the fraction-free tableau of ``basis`` (its columns, in row order) with
    ``d = |det B| > 0``: rows ``d B^-1 [M | b | B_0]`` (``B_0``: this first basis, so the last
    ``len(M)`` columns start as ``d`` times the identity: the lexicographic keys) and a last row of
    ``d`` times the reduced costs of the objective of step 2 (the columns below ``free_from`` not
    in ``basis`` cost 1).

    >>> first_tableau([[1, 1, 1]], [1], [2], 3)       # x + y + s = 1 from the slack: x and y cost 1
    ([[1, 1, 1, 1, 1], [1, 1, 0, 0, 0]], 1)
    """
    flint = flint_module()
    R, ncols = len(M), len(M[0])
    Bm = flint.fmpz_mat(R, R, [M[r][c] for r in range(R) for c in basis])
    det = int(Bm.det())
    if det == 0:
        raise GameError("internal error: the first basis of a reverse search is singular")
    aug = flint.fmpq_mat(R, ncols + 1, [v for r in range(R) for v in list(M[r]) + [b[r]]])
    S = flint.fmpq_mat(Bm).solve(aug) * abs(det)
    T = [[int(S[r, c].p) for c in range(ncols + 1)] + [abs(det) * (r == k) for k in range(R)]
         for r in range(R)]
    in_basis = set(basis)
    T.append([abs(det) * (c < free_from and c not in in_basis) for c in range(ncols)] + [0] * (R + 1))
    return T, abs(det)


def reverse_search_bases(M, b, basis, free_from: int, limit: int,
                         too_large: str = "the reverse search passed {limit:,} bases"):
    """Every lexicographically feasible basis of ``{z : M z = b, z_j >= 0 for j < free_from}``
    reachable from the feasible ``basis``, once each: yields ``(T, basis, d)``, the tableau of
    :func:`first_tableau`'s shape (``T[r][len(M[0])]`` is ``d`` times the value of the column
    ``basis[r]``). The steps are the module's. The free columns (``free_from`` on) must all be in
    ``basis``; they stay basic. More than ``limit`` bases raise
    :class:`~deterrence.errors.TooLargeError` with ``too_large`` (formatted with ``limit``).
    The yielded tableaux are the search's own: read them, do not change them.

    >>> M = [[1, 1, 1]]                           # the triangle x + y + s = 1 in the plane s = 1 - x - y
    >>> [(basis, T[0][3], d) for T, basis, d in reverse_search_bases(M, [1], [2], 3, 10)]
    [([2], 1, 1), ([0], 1, 1), ([1], 1, 1)]
    """
    if any(c not in basis for c in range(free_from, len(M[0]))):
        raise GameError("internal error: a free column is not in the first basis of a reverse search")
    R, ncols = len(M), len(M[0])
    rhs, keys = ncols, list(range(ncols + 1, ncols + 1 + R))
    T, d = first_tableau(M, b, basis, free_from)
    basis = list(basis)
    found = 1
    yield T, basis, d
    # the path from the root: each entry a basis's tableau, basis, d and its children still to walk
    path = [(T, basis, d, _children(T, basis, free_from, R, rhs, keys))]
    while path:
        T, basis, d, children = path[-1]
        child = next(children, None)
        if child is None:
            path.pop()                        # every child of this basis is walked: back to its parent
            continue
        found += 1
        if found > limit:
            raise TooLargeError(too_large.format(limit=limit))
        c, r = child
        T = T[:]
        d = bareiss_pivot(T, r, c, d)         # the pivot entry is positive, so d stays positive
        basis = basis[:r] + [c] + basis[r + 1:]
        yield T, basis, d
        path.append((T, basis, d, _children(T, basis, free_from, R, rhs, keys)))


def _children(T, basis, free_from, R, rhs, keys):
    """Each ``(c, r)``, by increasing column ``c``, whose pivot from ``basis`` (leaving row ``r``)
    leads to a child of ``basis`` in the reverse-search tree (step 4)."""
    cost = T[R]
    in_basis = set(basis)
    nonbasic = [j for j in range(free_from) if j not in in_basis]
    free_rows = [r for r in range(R) if basis[r] >= free_from]
    values = [row[rhs] for row in T[:R]]
    for c in nonbasic:
        if cost[c] <= 0:                      # the objective must rise from basis to child
            continue
        column = [T[r][c] for r in range(R)]
        for r in free_rows:                   # a free column never leaves
            column[r] = 0
        r = lex_min_ratio(column, values, keys, lambda i, key: T[i][key])
        if r is None:                         # an unbounded edge: no basis there
            continue
        leaving, p, row, rc = basis[r], T[r][c], T[r], cost[c]
        if all(j == c or j >= leaving or cost[j] * p - rc * row[j] >= 0 for j in nonbasic):
            yield c, r


__all__ = ["first_tableau", "reverse_search_bases"]
