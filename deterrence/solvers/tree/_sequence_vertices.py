"""The lexicographic vertex search of a sequence-form best-response polyhedron (private).

Shared by the vertex enumeration of both polyhedra
(:func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`) and the
search of the optimal faces of zero-sum trees
(:mod:`~deterrence.solvers.tree.sequence_zero_sum`): a first vertex from a pure plan and
the other player's best reply (:func:`_first_basis`), the fraction-free tableau of a basis
(:func:`_tableau`) and its pivots (:func:`_pivoted`), and every vertex by a depth-first search
over the lexicographically feasible bases (:func:`_vertices`; Avis and Fukuda 1992: their
graph is connected and covers every vertex). No code was copied.
"""
from __future__ import annotations

from fractions import Fraction
from functools import partial

from deterrence.errors import GameError
from deterrence.solvers.tree.sequence_form import best_response_value, pure_plan


def _first_basis(sf, own, n_own, n_opp, k_opp):
    opp = 1 - own
    plan = pure_plan(sf, own, {name: 0 for name, _, _ in sf.infosets[own]})
    _, choice = best_response_value(sf, opp, sf.payoff_vector(opp, plan))
    tight = {0} | {ch[choice[name]] for name, _, ch in sf.infosets[opp]}
    basis = [0] + [ch[0] for _, _, ch in sf.infosets[own]]
    duals = iter(range(n_own + n_opp, n_own + n_opp + k_opp))
    basis += [next(duals) if t in tight else n_own + t for t in range(n_opp)]
    return basis


def _vertices(M, b, basis, n_own, n_opp, free_from, limit):
    """All vertices: ``{label mask: own plan}`` (labels: own zero sequences, then
    tight opponent sequences). Depth-first search over lexicographically
    feasible bases, fraction-free integer pivoting (the module's one pivoting
    routine)."""
    from deterrence.core.exact import explore_bases, lex_min_ratio
    R, ncols = len(M), len(M[0])
    T0, det = _tableau(M, b, basis)
    rhs = ncols
    identity = list(range(ncols + 1, ncols + 1 + R))      # d * B^-1 of the start: the lex keys
    labelled = n_own + n_opp

    def neighbours(state):
        T, bas, d = state
        sign = 1 if d > 0 else -1                # ratios are compared with a positive pivot
        inbasis = set(bas)
        for c in range(labelled):
            if c in inbasis:
                continue
            column = [T[r][c] * sign if bas[r] < free_from else 0 for r in range(R)]
            best = lex_min_ratio(column, lambda r: T[r][rhs] * sign, identity,
                                 lambda r, k: T[r][k] * sign)
            if best is not None:                 # None: an unbounded edge
                yield bas[:best] + [c] + bas[best + 1:], partial(_pivoted, T, bas, d, best, c)

    message = f"the sequence-form vertex search passed {limit:,} bases; pass a larger limit= to continue"
    vertices = {}
    for T, bas, d in explore_bases((T0, list(basis), det), lambda state: state[1], neighbours,
                                   limit, message):
        mask = (1 << labelled) - 1
        for r, col in enumerate(bas):
            if col < labelled and T[r][rhs] != 0:
                mask &= ~(1 << col)
        if mask not in vertices:
            plan = [Fraction(0)] * n_own
            for r, col in enumerate(bas):
                if col < n_own:
                    plan[col] = Fraction(T[r][rhs], d)
            vertices[mask] = plan
    return vertices


def _tableau(M, b, basis):
    """``(T, d)``: the fraction-free tableau ``d [B^-1 M | B^-1 b | B^-1]`` of a basis (its
    columns ``basis``, in row order) and ``d = det B``; the last ``len(M)`` columns (``d`` times
    the start's inverse) are the keys of the lexicographic ratio test."""
    from deterrence.core.exact import flint_module
    flint = flint_module()
    R, ncols = len(M), len(M[0])
    Bm = flint.fmpz_mat(R, R, [M[r][c] for r in range(R) for c in basis])
    det = int(Bm.det())
    if det == 0:
        raise GameError("internal error: the first basis of the sequence-form polyhedron is singular")
    aug = flint.fmpq_mat(R, ncols + 1, [v for r in range(R) for v in M[r] + [b[r]]])
    S = flint.fmpq_mat(Bm).solve(aug) * det
    T0 = [[int(S[r, c].p) for c in range(ncols + 1)] + [det * (r == k) for k in range(R)]
          for r in range(R)]
    return T0, det


def _pivoted(T, bas, d, best, c):
    """The tableau after a fraction-free pivot on (best, c); its determinant is the pivot."""
    p = T[best][c]
    prow = T[best]
    N = [prow if r == best else
         [(x * p - row[c] * y) // d for x, y in zip(row, prow)] if row[c] else [(x * p) // d for x in row]
         for r, row in enumerate(T)]
    nb = bas[:]
    nb[best] = c
    return N, nb, p
