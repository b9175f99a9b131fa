"""The reverse search of :mod:`deterrence.core.reverse_search` against two oracles: every basis
of a small polyhedron checked for lexicographic feasibility by brute force, and a depth-first
walk over the graph of those bases that remembers every basis met (as the vertex listings did
before: the package's ``explore_bases`` until stop 47)."""
from fractions import Fraction
from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deterrence.core.exact import lex_min_ratio
from deterrence.core.reverse_search import reverse_search_bases
from deterrence.errors import TooLargeError


def _inverse(B):
    """The inverse of a square matrix of Fractions (Gauss-Jordan), or None when singular."""
    n = len(B)
    A = [list(map(Fraction, row)) + [Fraction(int(i == j)) for j in range(n)] for i, row in enumerate(B)]
    for col in range(n):
        pivot = next((r for r in range(col, n) if A[r][col] != 0), None)
        if pivot is None:
            return None
        A[col], A[pivot] = A[pivot], A[col]
        A[col] = [v / A[col][col] for v in A[col]]
        for r in range(n):
            if r != col and A[r][col] != 0:
                A[r] = [v - A[r][col] * w for v, w in zip(A[r], A[col])]
    return [row[n:] for row in A]


def _lex_feasible_bases(M, b, first, free_from):
    """Every basis (as a set) with the free columns in it whose rows ``(B^-1 b, B^-1 B_0)`` of
    nonnegative columns are lexicographically positive: by trying every set of columns."""
    R, N = len(M), len(M[0])
    B0 = [[M[r][c] for c in first] for r in range(R)]
    free = set(range(free_from, N))
    out = set()
    for cols in combinations(range(N), R):
        if not free <= set(cols):
            continue
        inv = _inverse([[M[r][c] for c in cols] for r in range(R)])
        if inv is None:
            continue
        values = [sum(inv[i][k] * b[k] for k in range(R)) for i in range(R)]
        keys = [[sum(inv[i][k] * B0[k][j] for k in range(R)) for j in range(R)] for i in range(R)]
        rows = [[values[i]] + keys[i] for i, c in enumerate(cols) if c < free_from]
        if all(next(v for v in row if v != 0) > 0 for row in rows):
            out.add(frozenset(cols))
    return out


@st.composite
def polyhedra(draw):
    """``A x + s + u f = b`` with ``x, s >= 0`` and, sometimes, a free ``f`` in row 0 (``b >= 0``
    with zeros: degenerate): columns ``x``, then ``s``, then ``f``; the first basis is the slacks,
    with ``f`` in place of ``s_0`` when there is one."""
    R = draw(st.integers(1, 3))
    n = draw(st.integers(1, 4))
    A = [[draw(st.integers(-3, 3)) for _ in range(n)] for _ in range(R)]
    b = [draw(st.integers(0, 2)) for _ in range(R)]
    with_free = draw(st.booleans())
    M = [A[r] + [int(r == k) for k in range(R)] for r in range(R)]
    first = list(range(n, n + R))
    if with_free:
        u = draw(st.sampled_from([-2, -1, 1, 3]))
        for r in range(R):
            M[r].append(u if r == 0 else 0)
        first[0] = n + R
    return M, b, first, n + R


@settings(max_examples=300, deadline=None)
@given(polyhedra())
def test_the_reverse_search_meets_every_lexicographically_feasible_basis_once(case):
    M, b, first, free_from = case
    met = [frozenset(basis) for _, basis, _ in reverse_search_bases(M, b, first, free_from, 10_000)]
    assert len(met) == len(set(met))
    assert set(met) == _lex_feasible_bases(M, b, first, free_from)


@settings(max_examples=200, deadline=None)
@given(polyhedra())
def test_each_tableau_is_its_basis_solution(case):
    """The tableau yielded with a basis holds that basis's solution, and the reduced costs row."""
    M, b, first, free_from = case
    N, R = len(M[0]), len(M)
    start = set(first)
    for T, basis, d in reverse_search_bases(M, b, first, free_from, 10_000):
        assert d > 0
        z = [Fraction(0)] * N
        for r, c in enumerate(basis):
            z[c] = Fraction(T[r][N], d)
        assert all(sum(M[r][c] * z[c] for c in range(N)) == b[r] for r in range(R))
        assert all(z[c] >= 0 for c in range(free_from))
        inv = _inverse([[M[r][c] for c in basis] for r in range(R)])
        cost = [int(c < free_from and c not in start) for c in range(N)]
        duals = [sum(cost[basis[i]] * inv[i][k] for i in range(R)) for k in range(R)]
        assert [Fraction(v, d) for v in T[R][:N]] == [cost[j] - sum(duals[k] * M[k][j] for k in range(R))
                                                     for j in range(N)]


def _explored(M, b, first, free_from):
    """The same bases by a depth-first walk over the graph of lexicographic pivots that
    remembers every basis met, in Fractions, with the same ratio test."""
    R, N = len(M), len(M[0])
    inv = _inverse([[M[r][c] for c in first] for r in range(R)])
    tab = [[sum(inv[i][k] * M[k][j] for k in range(R)) for j in range(N)]
           + [sum(inv[i][k] * b[k] for k in range(R))] + [Fraction(int(i == k)) for k in range(R)]
           for i in range(R)]
    seen, todo = {frozenset(first)}, [(tab, tuple(first))]
    while todo:
        T, basis = todo.pop()
        for c in range(free_from):
            if c in basis:
                continue
            column = [T[r][c] if basis[r] < free_from else 0 for r in range(R)]
            r = lex_min_ratio(column, [row[N] for row in T], range(N + 1, N + 1 + R), lambda i, k, T=T: T[i][k])
            if r is not None and frozenset(basis[:r] + (c,) + basis[r + 1:]) not in seen:
                seen.add(frozenset(basis[:r] + (c,) + basis[r + 1:]))
                todo.append(_pivot(T, basis, r, c))
    return seen


def _pivot(T, basis, r, c):
    p = T[r][c]
    row = [v / p for v in T[r]]
    return ([row if i == r else [v - T[i][c] * w for v, w in zip(T[i], row)] for i in range(len(T))],
            basis[:r] + (c,) + basis[r + 1:])


@settings(max_examples=200, deadline=None)
@given(polyhedra())
def test_the_reverse_search_and_the_depth_first_walk_meet_the_same_bases(case):
    M, b, first, free_from = case
    met = {frozenset(basis) for _, basis, _ in reverse_search_bases(M, b, first, free_from, 10_000)}
    assert met == _explored(M, b, first, free_from)


def test_a_search_past_its_limit_is_refused_by_name():
    cube = [[1, 0, 0, 1, 0, 0], [0, 1, 0, 0, 1, 0], [0, 0, 1, 0, 0, 1]]      # the unit cube: 8 bases
    assert len(list(reverse_search_bases(cube, [1, 1, 1], [3, 4, 5], 6, 8))) == 8
    with pytest.raises(TooLargeError, match="passed 7 bases"):
        list(reverse_search_bases(cube, [1, 1, 1], [3, 4, 5], 6, 7))
