"""Compiled (numba) reverse search over the vertices of {z >= 0 : M z <= 1}.

The same search as :func:`deterrence.solvers.normal_form.enumeration._float_vertices`
(Avis-Fukuda reverse search, Bland's rule for a generic positive objective,
float64 dictionaries, the same degeneracy tests), written as one sequential
depth-first loop for numba. Imported only by ``enumeration`` for large games
and only when numba is installed; ``import deterrence`` never loads it.
"""
import numpy as np

from deterrence.solvers._compiled import jit

OK, DEGENERATE, TOO_LARGE, TOO_DEEP, NEAR_TIE = 0, 1, 2, 3, 4


def _reverse_search(M, c, tol, tie, limit, maxdepth, ov_mask, ov_enter, ov_leave, info):
    """Label masks of all vertices (bit v set: variable v is zero) and a status code.

    A near-tie in a ratio test is looked up in the overrides (nonbasic mask,
    entering variable -> leaving variable, decided exactly by the caller);
    an unknown one stops the search with ``NEAR_TIE`` and its mask and
    entering variable in ``info``.

    Plain Python when numba is missing (used only by tests then: slow).

    >>> none = np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    >>> masks, status = _reverse_search(np.array([[1.0, 0.5]]), np.array([1.0, 1.5]), 1e-11, 1e-11, 10, 8,
    ...                                 *none, np.zeros(2, dtype=np.uint64))
    >>> sorted(int(v) for v in masks), status == OK    # z = 0, z = (1, 0), z = (0, 2)
    ([3, 5, 6], True)
    """
    k, d = M.shape
    D = np.empty((maxdepth, k, d))
    rhs = np.empty((maxdepth, k))
    inv = np.empty((maxdepth, k))          # 1 / rhs: multiplications in the ratio tests
    cb = np.empty((maxdepth, d))
    N = np.empty((maxdepth, d), dtype=np.int64)
    Bv = np.empty((maxdepth, k), dtype=np.int64)
    nxt = np.zeros(maxdepth, dtype=np.int64)
    mk = np.zeros(maxdepth, dtype=np.uint64)
    cnew = np.empty(d)
    masks = np.empty(1 << 14, dtype=np.uint64)
    one = np.uint64(1)
    for i in range(k):
        for j in range(d):
            D[0, i, j] = M[i, j]
        rhs[0, i] = 1.0
        inv[0, i] = 1.0
        Bv[0, i] = d + i
    m0 = np.uint64(0)
    for j in range(d):
        cb[0, j] = c[j]
        N[0, j] = j
        m0 |= one << np.uint64(j)
    mk[0] = m0
    masks[0] = m0
    count = 1
    depth = 0
    while depth >= 0:
        j = nxt[depth]
        if j == d:
            depth -= 1
            continue
        nxt[depth] = j + 1
        cj = cb[depth, j]
        if abs(cj) <= tol:
            return masks[:count], DEGENERATE     # dual degeneracy
        if cj < 0.0:
            continue                     # only steps that increase c.z lead to children
        best, second, r = -1.0, -1.0, -1
        for i in range(k):
            a = D[depth, i, j]
            # every positive entry is a candidate, as in the NumPy twin: a tiny entry over a
            # tiny right-hand side (a near-degenerate vertex) can be the nearest blocking row
            x = a * inv[depth, i] if a > 0.0 else -1.0     # a select, not a branch
            if x > second:                                # rarely true: predictable
                if x > best:
                    second = best
                    best = x
                    r = i
                else:
                    second = x
        if r < 0 or best <= 1e-11:
            return masks[:count], DEGENERATE     # unbounded: cannot happen
        if second * (1.0 + tie) >= best:        # ratio (near-)tie
            e = N[depth, j]
            found = False
            for o in range(ov_mask.shape[0]):
                if ov_mask[o] == mk[depth] and ov_enter[o] == e:
                    for i in range(k):
                        if Bv[depth, i] == ov_leave[o]:
                            r = i
                            found = True
            if not found:
                info[0] = mk[depth]
                info[1] = np.uint64(e)
                return masks[:count], NEAR_TIE
        p = D[depth, r, j]
        q = cj / p
        w = Bv[depth, r]
        # The child's Bland rule must choose w: no variable with a smaller
        # index may have a negative reduced cost there (only those matter).
        child = True
        for col in range(d):
            if col == j or N[depth, col] > w:
                continue
            v = cb[depth, col] - q * D[depth, r, col]
            if abs(v) <= tol:
                return masks[:count], DEGENERATE  # dual degeneracy
            if v < 0.0:
                child = False
                break
        if not child:
            continue                     # not an edge of the search tree
        for col in range(d):
            cnew[col] = cb[depth, col] - q * D[depth, r, col]
        cnew[j] = -q
        if depth + 1 >= maxdepth:
            return masks[:count], TOO_DEEP
        t = depth + 1
        rr = rhs[depth, r] / p
        for col in range(d):
            D[t, r, col] = D[depth, r, col] / p
        D[t, r, j] = 1.0 / p
        for i in range(k):
            if i == r:
                continue
            a = D[depth, i, j]
            for col in range(d):
                D[t, i, col] = D[depth, i, col] - a * D[t, r, col]
            D[t, i, j] = -a / p
            v = rhs[depth, i] - a * rr
            if v <= tol * 1e-3:
                return masks[:count], DEGENERATE
            rhs[t, i] = v
            inv[t, i] = 1.0 / v
        rhs[t, r] = rr
        inv[t, r] = 1.0 / rr
        for col in range(d):
            cb[t, col] = cnew[col]
            N[t, col] = N[depth, col]
        N[t, j] = w
        for i in range(k):
            Bv[t, i] = Bv[depth, i]
        Bv[t, r] = N[depth, j]
        mk[t] = mk[depth] ^ (one << np.uint64(N[depth, j])) ^ (one << np.uint64(w))
        nxt[t] = 0
        if count == masks.shape[0]:
            bigger = np.empty(2 * count, dtype=np.uint64)
            bigger[:count] = masks
            masks = bigger
        masks[count] = mk[t]
        count += 1
        if count > limit:
            return masks[:count], TOO_LARGE
        depth = t
    return masks[:count], OK


reverse_search = jit(_reverse_search)     # None without numba
