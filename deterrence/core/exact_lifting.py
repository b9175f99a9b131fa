"""Exact solution of a sparse integer linear system by numeric lifting.

The answers of the larger noisy-chain systems (hundreds of states) are rationals of
thousands of bits, while the matrices are sparse with small entries. A dense exact
solver (FLINT's p-adic ``fmpz_mat.solve``) multiplies the dense matrix into every
lifted digit; here the digits come from one floating-point LU factorisation and the
exact work is a sparse integer residual a step.

References
----------
* Z. Wan, "An algorithm to solve integer linear systems exactly using numerical
  methods", J. Symbolic Comput. 41 (2006) 621-632: numeric iterative refinement
  with exact residuals ("numeric-symbolic lifting").
* B. D. Saunders, D. H. Wood and B. S. Youse, "Numeric-symbolic exact rational
  linear system solver", Proc. ISSAC 2011, 305-312: the same with early
  termination by rational reconstruction and a final exact check.
* J. D. Dixon, "Exact solution of linear equations using p-adic expansions",
  Numer. Math. 40 (1982) 137-141: the p-adic analogue, and the Hadamard bound
  that limits the digits needed.

Steps (``A X = B``, ``A`` an ``n x n`` integer matrix given by its nonzeros, ``B``
integer columns; ``alpha = 2**32``):

1. Factor ``A`` once in floating point (SuperLU, sparse).
2. The integer part first: ``d_0 = round(A^-1 B)``, ``r_1 = B - A d_0``. Then
   ``d_k = round(alpha A^-1 r_k)`` from the factorisation, and the exact residual
   ``r_{k+1} = alpha r_k - A d_k`` (sparse, in int64; the sizes are checked so that
   nothing overflows). So ``alpha^k X = N_k + A^-1 r_{k+1}`` with
   ``N_k = sum_j d_j alpha^(k-j)``: every step adds about 32 correct bits, as long as
   the residual stays small (it is ``A e`` with ``e`` the rounding error).
3. Every few steps: the common denominator from a random combination of the
   components (the short vector of a two-dimensional lattice, FLINT's LLL), the
   numerators by rounding, and the exact check ``A N = den B`` in Python integers
   over the nonzeros. The first answer that passes is returned: the check, not
   the numerics, makes it exact.
4. When the residual grows (an ill-conditioned matrix), an entry does not fit,
   or no answer passes within twice the Hadamard bound of digits, the caller is
   told (``None``) and solves by FLINT instead.
"""
from __future__ import annotations

import math

import numpy as np

__all__ = ["solve_sparse_lifting"]

#: bits a lifting step adds (the digit base is ``2**DIGIT_BITS``)
DIGIT_BITS = 32
#: least steps between two attempts at the answer, and the growth of the digits between two
ATTEMPT_EVERY = 4
ATTEMPT_GROWTH = 1.06


def solve_sparse_lifting(n, nonzeros, diag, B, small_answer: bool = False):
    """Exact solution of ``A X = B`` with ``A = diag * I + S``, ``S`` the ``n x n`` integer
    matrix with the given nonzeros ``(rows, cols, values)`` (repeated positions add
    up) and ``B`` a list of integer columns. ``A`` must be nonsingular (the caller knows
    it). Returns ``(numerators, den)``, a python-flint ``fmpz_mat`` (``n x len(B)``) and a
    positive integer, the least common denominator, with ``A numerators = den B``
    checked exactly; or ``None`` when the lifting cannot give it (entries too large
    for int64, an ill-conditioned ``A``): then solve by FLINT. ``small_answer``: the
    answer's denominator is expected far below ``det A`` (the duals of a certificate):
    attempts start after 3 steps and grow by half each time, up to the usual schedule.

    >>> num, den = solve_sparse_lifting(2, ([0, 1], [1, 0], [1, 1]), 2, [[1, 2]])
    >>> num.entries(), den                      # [[2, 1], [1, 2]] X = [1, 2]: X = [0, 1]
    ([0, 1], 1)
    >>> num, den = solve_sparse_lifting(2, ([0], [1], [1]), 3, [[1, 1]])
    >>> num.entries(), den                      # [[3, 1], [0, 3]] X = [1, 1]: X = [2/9, 1/3]
    ([2, 3], 9)
    """
    import scipy.sparse
    import scipy.sparse.linalg

    from deterrence.core.exact import flint as load_flint

    flint = load_flint()
    rows, cols, vals = (list(x) for x in nonzeros)
    m = len(B)
    if flint is None or n == 0 or m == 0:
        return None
    if not _fits(vals, 31) or not _fits([diag], 31) or not all(_fits(c, 52) for c in B):
        return None
    rows += list(range(n))
    cols += list(range(n))
    vals += [int(diag)] * n
    A = scipy.sparse.csr_matrix((np.array(vals, dtype=np.int64), (rows, cols)), shape=(n, n))
    A.sum_duplicates()
    row_norm = int(abs(A).sum(axis=1).max())          # ||A||_inf
    # residual bound: r = A e with the rounding error |e| <= 2**8 (else: no progress)
    r_bound = row_norm << 8
    if DIGIT_BITS + r_bound.bit_length() > 61:
        return None
    try:                  # sparse LU (SuperLU): no multithreaded dense BLAS on a shared machine
        lu = scipy.sparse.linalg.splu(A.astype(float).tocsc())
    except RuntimeError:                      # exactly singular in floating point
        return None
    r = np.array(B, dtype=np.int64).T.copy()            # n x m
    # Hadamard: |det A| and every Cramer numerator <= prod of column norms * |B|
    col_norms = np.sqrt((A.multiply(A)).sum(axis=0)).A1.astype(float)
    log_h = float(np.sum(np.log2(np.maximum(col_norms, 1.0)))) + math.log2(
        max(1.0, float(np.max(np.sqrt((r.astype(float) ** 2).sum(axis=0))))))
    max_steps = int((2 * log_h + 64) // DIGIT_BITS) + 2
    alpha = 1 << DIGIT_BITS
    digit_limit = float(1 << 52) / row_norm            # |A d| stays below 2**62
    steps = []
    csr = A.tocsr()
    exact_rows = _exact_rows(csr)
    B_cols = [[int(v) for v in c] for c in B]
    weights = np.random.default_rng(0).integers(1, 256, size=n * m)
    combined = 0                      # sum_i weights_i N_i, kept step by step
    # first attempt at 0.8 of the Hadamard bound (the denominator is usually a large part
    # of det A, and needs twice its bits), then 6% more digits each time
    usual = max(ATTEMPT_EVERY, int(0.8 * log_h) // DIGIT_BITS)
    next_attempt = min(3, usual) if small_answer else usual
    for k in range(max_steps + 1):
        # step 0: the integer part (scale 1), so that large right-hand sides leave a small
        # residual; then 32 bits a step
        x = lu.solve(r.astype(float))
        d = np.rint(x * alpha) if k else np.rint(x)
        if not np.all(np.abs(d) < digit_limit):      # also catches inf and nan
            return None
        d = d.astype(np.int64)
        r = (alpha * r if k else r) - csr @ d
        if np.abs(r).max(initial=0) > r_bound:
            return None
        flat = d.reshape(-1)
        steps.append(flat)
        high = flat >> 26                 # two int64 dots that cannot overflow
        combined = (combined << DIGIT_BITS) + (int(high @ weights) << 26) + int((flat - (high << 26)) @ weights)
        if k >= next_attempt or k == max_steps:
            next_attempt = max(k + ATTEMPT_EVERY, int(k * ATTEMPT_GROWTH))
            if small_answer and k < usual:    # early attempts: 3, 4, 6, 9, ... then the usual ones
                next_attempt = min(max(k + 1, k * 3 // 2), usual)
            found = _attempt(flint, combined, steps, exact_rows, B_cols)
            if found is not None:
                num, den = found
                return flint.fmpz_mat(n, m, num), den
    return None


def _fits(values, bits):
    return all(abs(int(v)) < (1 << bits) for v in values)


def _exact_rows(csr):
    """Per row, its ``(column, value)`` pairs as Python integers (for the exact check)."""
    indptr, indices, data = csr.indptr.tolist(), csr.indices.tolist(), csr.data.tolist()
    return [list(zip(indices[indptr[i]:indptr[i + 1]], data[indptr[i]:indptr[i + 1]]))
            for i in range(len(indptr) - 1)]


def _integers(G):
    """The integers ``sum_j G[j] 2**(32 (k - 1 - j))``, one per column of the ``k x c``
    int64 array ``G`` (carries normalised first, then read as big-endian bytes)."""
    G = G.copy()
    k = G.shape[0]
    for j in range(k - 1, 0, -1):
        carry = G[j] >> DIGIT_BITS
        G[j] -= carry << DIGIT_BITS
        G[j - 1] += carry
    low = np.ascontiguousarray(G[1:].T).astype(">u4")
    shift = DIGIT_BITS * (k - 1)
    return [(int(top) << shift) + int.from_bytes(low[i].tobytes(), "big")
            for i, top in enumerate(G[0].tolist())]


def _denominator(flint, value, T):
    """The least ``q`` with ``q value / 2**T`` within ``2**(T/2)`` of an integer (the short
    vector of the lattice spanned by ``(1, value)`` and ``(0, 2**T)``), or ``None``."""
    lattice = flint.fmpz_mat([[1, value], [0, 1 << T]]).lll()
    q = abs(int(lattice[0, 0]))
    return q if 0 < q and q.bit_length() <= T // 2 else None


def _attempt(flint, combined, steps, exact_rows, B_cols):
    """``(numerators row-major, den)`` from the digits ``steps`` (one int64 array of the
    ``n * m`` components a step; ``combined``: their weighted sum as an integer) when
    they pass the exact check, else ``None``."""
    T = DIGIT_BITS * (len(steps) - 1)        # the first step is the integer part
    m = len(B_cols)
    den = _denominator(flint, combined, T)
    if den is None or den.bit_length() > T // 2 - 20:
        return None                   # with too few digits the short vector is ~2**(T/2)
    G = np.array(steps)
    # a combination can cancel a factor of some component's denominator: complete the
    # least common denominator component by component (the error of den * x_i is at
    # most den * 2**8 when den is right, and about 2**T when a factor is missing)
    N = _integers(G)
    mask, tol = (1 << T) - 1, 1 << (T // 2 + 16)
    for v in N:
        rem = (den * v) & mask
        if min(rem, (1 << T) - rem) > tol:
            extra = _denominator(flint, den * v, T)
            if extra is None or (den * extra).bit_length() > T // 2:
                return None           # not enough digits yet
            den *= extra
    half = 1 << (T - 1)
    num = [(den * v + half) >> T for v in N]
    # A num == den B, exactly: the numerics only proposed the answer
    for c in range(m):
        col = num[c::m]
        rhs = B_cols[c]
        for i, row in enumerate(exact_rows):
            if sum(v * col[j] for j, v in row) != den * rhs[i]:
                return None
    g = den
    for v in num:
        g = math.gcd(g, v)
        if g == 1:
            break
    if g != 1:                        # only the least common denominator is returned
        den //= g
        num = [v // g for v in num]
    return num, den
