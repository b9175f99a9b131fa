"""Candidate Nash equilibria of an n-player game on small supports, in floats, in the
order of Porter, Nudelman and Shoham's simple search: small and balanced supports first.

Source: R. Porter, E. Nudelman and Y. Shoham, "Simple search methods for finding a
Nash equilibrium", Games Econ. Behav. 63 (2008) 642-662 (support profiles by
total size, then balance; most random games have an equilibrium on very small
supports). Here each size class is solved for all its support profiles at once
in NumPy instead of one feasibility program per profile. No code was copied.

Steps
-----
1. Pure profiles (any number of players): every action a best response, read
   off the payoff arrays at once.
2. Three players, one pure (action ``c``) and the other two mixing over ``m``
   actions each (``m`` = 2, 3): for every pure player, ``c`` and pair of
   supports, each mixing player's indifference is linear in the other's
   probabilities: one batched linear solve for all of them.
3. Three players each mixing over two actions: with ``p, q, r`` the first
   actions' probabilities, the three indifference conditions are bilinear
   (``e1(q, r)``, ``e2(p, r)``, ``e3(p, q)``); ``e1`` and ``e3`` give ``r`` and
   ``p`` as rational functions of ``q``, and ``e2`` becomes a quadratic in ``q``:
   its real roots, for every support profile at once.
4. A candidate is kept when its probabilities are positive and no action off
   its support earns more (float tolerance); candidates are yielded in the
   order above. They are guesses: the caller certifies each
   (:mod:`~deterrence.solvers.normal_form.box_certify`) before use.
"""
from __future__ import annotations

import itertools

import numpy as np

#: Float tolerance of the screening (relative to the payoff range); certification is exact.
TOLERANCE = 1e-9


def candidate_equilibria(arrays):
    """Yield ``(supports, strategies)`` float candidates, smallest supports first.

    ``arrays``: one float payoff array per player (axis ``i`` is player ``i``'s action).

    >>> import numpy as np
    >>> matching = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> a = np.stack([matching, 1 - matching], axis=2)        # player 3 breaks the tie
    >>> arrays = [a, a.transpose(1, 0, 2), np.zeros((2, 2, 2))]
    >>> supports, strategies = next(candidate_equilibria(arrays))
    >>> supports
    ((0,), (0,), (0,))
    """
    arrays = [np.asarray(a, dtype=float) for a in arrays]
    span = max(float(a.max() - a.min()) for a in arrays) or 1.0
    tol = TOLERANCE * span
    yield from _pure(arrays, tol)
    if len(arrays) != 3:
        return
    for m in (2,):
        yield from _one_pure(arrays, m, tol)
    yield from _two_two_two(arrays, tol)
    yield from _one_pure(arrays, 3, tol)


def _pure(arrays, tol):
    mask = np.ones(arrays[0].shape, dtype=bool)
    for i, a in enumerate(arrays):
        mask &= a >= a.max(axis=i, keepdims=True) - tol
    for profile in np.argwhere(mask):
        supports = tuple((int(a),) for a in profile)
        yield supports, tuple(np.eye(k)[a] for k, a in zip(arrays[0].shape, profile))


def _screen(arrays, strategies, tol):
    """The rows of the batched profiles ``strategies`` (one (N, k_i) array per player) that
    are float equilibria: nonnegative, every used action within ``tol`` of the best."""
    keep = np.all([np.all(s > -tol, axis=1) for s in strategies], axis=0)
    rows = np.nonzero(keep)[0]
    x, y, z = (s[rows] for s in strategies)
    a0, a1, a2 = arrays
    # u_i(a) against the others' mixtures, by two contractions each (BLAS, not einsum's loops)
    values = [(np.tensordot(z, a0, axes=([1], [2])) * y[:, None, :]).sum(axis=2),
              (np.tensordot(z, a1, axes=([1], [2])) * x[:, :, None]).sum(axis=1),
              (np.tensordot(y, a2, axes=([1], [1])) * x[:, :, None]).sum(axis=1)]
    ok = np.ones(len(rows), dtype=bool)
    for v, s in zip(values, (x, y, z)):
        ok &= v.max(axis=1) <= (v * s).sum(axis=1) + tol
    return rows[ok]


def _emit(strategies, rows, tol):
    for row in rows:
        profile = tuple(s[row] for s in strategies)
        supports = tuple(tuple(int(a) for a in np.nonzero(p > tol)[0]) for p in profile)
        yield supports, profile


def _one_pure(arrays, m, tol):
    """Player ``k`` pure, the other two mixing over ``m`` actions each."""
    shape = arrays[0].shape
    for k in range(3):
        i, j = (p for p in range(3) if p != k)
        if shape[i] < m or shape[j] < m:
            continue
        pairs_i = list(itertools.combinations(range(shape[i]), m))
        pairs_j = list(itertools.combinations(range(shape[j]), m))
        combos = [(c, si, sj) for c in range(shape[k]) for si in pairs_i for sj in pairs_j]
        c_idx = np.array([c for c, _, _ in combos])
        si_idx = np.array([si for _, si, _ in combos])
        sj_idx = np.array([sj for _, _, sj in combos])
        # B_i[n, a, b]: i's payoff at i's a, j's b, k's c (all actions of i, j's support)
        Ai = np.moveaxis(arrays[i], (i, j, k), (0, 1, 2))
        Aj = np.moveaxis(arrays[j], (j, i, k), (0, 1, 2))
        # x_j makes i indifferent over si: rows a in si: sum_b Ai[a, b, c] y_b - v = 0; sum y = 1
        y = _indifference(Ai[si_idx[:, :, None], sj_idx[:, None, :], c_idx[:, None, None]])
        x = _indifference(Aj[sj_idx[:, :, None], si_idx[:, None, :], c_idx[:, None, None]])
        if y is None or x is None:
            continue
        n = len(combos)
        full = {i: np.zeros((n, shape[i])), j: np.zeros((n, shape[j])), k: np.zeros((n, shape[k]))}
        np.put_along_axis(full[i], si_idx, np.nan_to_num(x), axis=1)
        np.put_along_axis(full[j], sj_idx, np.nan_to_num(y), axis=1)
        full[k][np.arange(n), c_idx] = 1.0
        ok = np.all(x > tol, axis=1) & np.all(y > tol, axis=1)     # false on NaN rows
        strategies = [s[ok] for s in (full[0], full[1], full[2])]
        yield from _emit(strategies, _screen(arrays, strategies, tol), tol)


def _indifference(B):
    """For a batch of ``m x m`` payoff blocks ``B[n, a, b]``, the column mixture ``y``
    (probabilities summing to one) making every row earn the same; NaN rows where
    the system is singular."""
    n, m, _ = B.shape
    M = np.zeros((n, m + 1, m + 1))
    M[:, :m, :m] = B
    M[:, :m, m] = -1.0
    M[:, m, :m] = 1.0
    rhs = np.zeros((n, m + 1))
    rhs[:, m] = 1.0
    det = np.linalg.det(M)
    singular = np.abs(det) < 1e-12 * np.maximum(1.0, np.abs(B).max(axis=(1, 2))) ** m
    M[singular] = np.eye(m + 1)
    out = np.linalg.solve(M, rhs[..., None])[..., 0][:, :m]
    out[singular] = np.nan
    return out


def _bilinear(D):
    """Coefficients ``(alpha, beta, gamma, delta)`` of ``sum D[., b, c] s_b t_c`` with
    ``s = (S, 1 - S)`` and ``t = (T, 1 - T)``: ``alpha + beta S + gamma T + delta S T``."""
    return (D[:, 1, 1], D[:, 0, 1] - D[:, 1, 1], D[:, 1, 0] - D[:, 1, 1],
            D[:, 0, 0] - D[:, 0, 1] - D[:, 1, 0] + D[:, 1, 1])


def _two_two_two(arrays, tol):
    shape = arrays[0].shape
    if min(shape) < 2:
        return
    pairs = [np.array(list(itertools.combinations(range(k), 2))) for k in shape]
    grid = np.array(list(itertools.product(*(range(len(p)) for p in pairs))))
    P1, P2, P3 = (pairs[t][grid[:, t]] for t in range(3))
    a0, a1, a2 = arrays
    b, c = P2[:, :, None], P3[:, None, :]
    D1 = a0[P1[:, 0, None, None], b, c] - a0[P1[:, 1, None, None], b, c]           # (n, b, c)
    a, c = P1[:, :, None], P3[:, None, :]
    D2 = a1[a, P2[:, 0, None, None], c] - a1[a, P2[:, 1, None, None], c]           # (n, a, c)
    a, b = P1[:, :, None], P2[:, None, :]
    D3 = a2[a, b, P3[:, 0, None, None]] - a2[a, b, P3[:, 1, None, None]]           # (n, a, b)
    al1, be1, ga1, de1 = _bilinear(D1)          # e1(q, r)
    al2, be2, ga2, de2 = _bilinear(D2)          # e2(p, r)
    al3, be3, ga3, de3 = _bilinear(D3)          # e3(p, q)
    # p = Pn(q) / Pd(q), r = Rn(q) / Rd(q): linear polynomials as (constant, slope)
    Pn, Pd = (-al3, -ga3), (be3, de3)
    Rn, Rd = (-al1, -be1), (ga1, de1)

    def times(u, v):
        return (u[0] * v[0], u[0] * v[1] + u[1] * v[0], u[1] * v[1])

    terms = [(al2, times(Pd, Rd)), (be2, times(Pn, Rd)), (ga2, times(Pd, Rn)), (de2, times(Pn, Rn))]
    c0, c1, c2 = (sum(w * t[d] for w, t in terms) for d in range(3))
    disc = c1 * c1 - 4 * c2 * c0
    with np.errstate(all="ignore"):
        root = np.sqrt(np.where(disc >= 0, disc, np.nan))
        linear = np.abs(c2) < 1e-12 * np.maximum(np.abs(c1), 1.0)
        roots = [np.where(linear, -c0 / c1, (-c1 + root) / (2 * c2)),
                 np.where(linear, np.nan, (-c1 - root) / (2 * c2))]
        for q in roots:
            p = (Pn[0] + Pn[1] * q) / (Pd[0] + Pd[1] * q)
            r = (Rn[0] + Rn[1] * q) / (Rd[0] + Rd[1] * q)
            ok = np.isfinite(p) & np.isfinite(q) & np.isfinite(r)
            ok &= (p > tol) & (p < 1 - tol) & (q > tol) & (q < 1 - tol) & (r > tol) & (r < 1 - tol)
            if not ok.any():
                continue
            n = int(ok.sum())
            strategies = [np.zeros((n, k)) for k in shape]
            for s, P, prob in zip(strategies, (P1, P2, P3), (p, q, r)):
                s[np.arange(n), P[ok, 0]] = prob[ok]
                s[np.arange(n), P[ok, 1]] = 1 - prob[ok]
            yield from _emit(strategies, _screen(arrays, strategies, tol), tol)


__all__ = ["candidate_equilibria"]
