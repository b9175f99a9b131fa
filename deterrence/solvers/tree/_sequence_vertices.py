"""The lexicographic vertex search of a sequence-form best-response polyhedron (private).

Shared by the vertex enumeration of both polyhedra
(:func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`) and the
search of the optimal faces of zero-sum trees
(:mod:`~deterrence.solvers.tree.sequence_zero_sum`): a first vertex from a pure plan and
the other player's best reply (:func:`_first_basis`), the pivots of a fraction-free tableau
(:func:`_pivoted`; the tableau of a first basis is
:func:`~deterrence.core.reverse_search.first_tableau`'s), and every vertex by the reverse search
over the lexicographically feasible bases (:func:`_vertices`, by
:func:`~deterrence.core.reverse_search.reverse_search_bases`; Avis and Fukuda 1992: each
basis met once, memory for the current path only). No code was copied.
"""
from __future__ import annotations

from fractions import Fraction

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
    tight opponent sequences), from the feasible ``basis``: every lexicographically
    feasible basis once, by reverse search
    (:func:`~deterrence.core.reverse_search.reverse_search_bases`: memory for the
    current path only), each basis's vertex kept by its zero labels."""
    from deterrence.core.reverse_search import reverse_search_bases
    rhs = len(M[0])
    labelled = n_own + n_opp
    message = "the sequence-form vertex search passed {limit:,} bases; pass a larger limit= to continue"
    vertices = {}
    for T, bas, d in reverse_search_bases(M, b, basis, free_from, limit, message):
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
