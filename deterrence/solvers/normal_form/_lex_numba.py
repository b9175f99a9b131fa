"""Compiled (numba) exact search over the lexicographically feasible bases of {z >= 0 : M z <= 1}.

The compiled twin of :func:`deterrence.solvers.normal_form.enumeration._exact_vertices`
(the exact path for degenerate best-response polytopes; same source: D. Avis,
G. D. Rosenberg, R. Savani and B. von Stengel, Economic Theory 42 (2010) 9-37,
and B. von Stengel, Handbook of Game Theory vol. 3, ch. 45 (2002), for the
lexicographic rule and integer pivoting). No code was copied.

Steps
-----
1. The tableau is ``det * B^-1 [M | I | 1]`` in int64 (fraction-free, Bareiss):
   its entries are minors of the input, so they stay integers; the slack
   columns hold ``det * B^-1``, which breaks ratio ties (the lexicographic
   rule, the perturbation ``1 + (eps, eps^2, ...)`` without an epsilon), so
   every basis visited is lexicographically feasible and every pivot exact.
2. Depth-first search over the bases with an open-addressing hash set of the
   visited bases (bitmasks); a step back is the reverse pivot (Bareiss pivots
   are exactly reversible), so only the current tableau is stored. The loop stops to let
   its caller double a full array (visited bases, vertices, stack) and resumes.
3. Arithmetic is exact or the search stops: while every entry is below
   ``2**31`` the products fit in int64; above, each new entry
   ``(p v - f w) / det`` is taken from float64 only when a rigorous error bound
   proves the rounding exact, and ratio comparisons fall back to 128-bit
   products. Anything beyond (an entry near ``2**62``) returns ``OVERFLOW`` and
   the caller uses the Python-int search.
4. A vertex is the label mask of a basis: its nonbasic variables and its basic
   variables at zero; each new mask is returned with the vertex, exactly, as
   integer weights (the tableau's right-hand side over the gcd).
5. :func:`complementary`: the completely labelled pairs ``L(x) | L(y) == all``
   from an inverted index (for each label, the bitset of the vertices of Q that
   have it), intersecting the rarest labels first.

Imported only by ``enumeration`` for degenerate games and only when numba is
installed; ``import deterrence`` never loads it.
"""
import numpy as np

from deterrence.solvers._compiled import jit

OK, TOO_LARGE, OVERFLOW = 0, 1, 2

_EXACT_FLOAT = float(1 << 26)   # entries below this: float64 pivots are exact
_SMALL = float(1 << 31)    # entries below this: products and their differences fit in int64
_HUGE = float(1 << 62)     # entries at or above this: OVERFLOW
_ERR = 2.0 ** -49          # float error bound factor (about 5 roundings of 2**-53, with margin)
_M32 = 0xFFFFFFFF
_SIGN = 0x8000000000000000
_GOLDEN = 0x9E3779B97F4A7C15


def _mul128(a, b):
    """``a * b`` (int64) as a 128-bit two's-complement pair ``(hi, lo)`` of uint64, the
    high word with its sign bit flipped (so that pairs compare as unsigned)."""
    neg = (a < 0) != (b < 0)
    ua = np.uint64(abs(a))
    ub = np.uint64(abs(b))
    m32 = np.uint64(_M32)
    s = np.uint64(32)
    a0 = ua & m32
    a1 = ua >> s
    b0 = ub & m32
    b1 = ub >> s
    ll = a0 * b0
    lh = a0 * b1
    hl = a1 * b0
    hh = a1 * b1
    mid = (ll >> s) + (lh & m32) + (hl & m32)
    lo = (ll & m32) | (mid << s)
    hi = hh + (lh >> s) + (hl >> s) + (mid >> s)
    if neg:
        lo = ~lo + np.uint64(1)
        hi = ~hi
        if lo == np.uint64(0):
            hi = hi + np.uint64(1)
    return hi ^ np.uint64(_SIGN), lo


def _cmp_products(a, b, c, d, small):
    """Sign of ``a*b - c*d`` exactly (int64 inputs below ``2**62``)."""
    if small:
        x = a * b - c * d
        return 1 if x > 0 else (-1 if x < 0 else 0)
    x = float(a) * float(b)
    y = float(c) * float(d)
    err = (abs(x) + abs(y)) * _ERR
    if x - y > err:
        return 1
    if y - x > err:
        return -1
    h1, l1 = mul128(a, b)
    h2, l2 = mul128(c, d)
    if h1 != h2:
        return 1 if h1 > h2 else -1
    if l1 != l2:
        return 1 if l1 > l2 else -1
    return 0


def _lex_leaving(T, c, d, nv, small):
    """Row of the lexicographic minimum ratio for entering column ``c`` (``-1``: none)."""
    k = T.shape[0]
    best = -1
    for i in range(k):
        if T[i, c] <= 0:
            continue
        if best < 0:
            best = i
            continue
        # compare rhs, then the slack columns in order: the first difference decides
        s = cmp_products(T[i, nv], T[best, c], T[best, nv], T[i, c], small)
        col = d
        while s == 0 and col < nv:
            s = cmp_products(T[i, col], T[best, c], T[best, col], T[i, c], small)
            col += 1
        if s < 0:
            best = i
    return best


def _pivot(T, r, c, det, top, cols, basis):
    """Bareiss pivot of ``T`` in place on ``(r, c)``; ``top`` bounds the absolute
    entries. ``cols``: the columns that are nonbasic after the pivot, then the
    right-hand side; ``basis``: the basic variable of each row after the pivot.
    Returns the largest absolute entry afterwards, or ``-1.0`` if an entry could not
    be computed exactly in int64.

    Only the ``cols`` are computed: a basic column is ``p`` times a unit vector
    (``p`` the new determinant), so it is written, not computed (half the work).
    """
    k = T.shape[0]
    ncols = cols.shape[0]
    p = T[r, c]
    fp = float(p)
    fd = float(det)
    new_top = abs(fp)
    for t in range(ncols):
        new_top = max(new_top, abs(float(T[r, cols[t]])))
    for i in range(k):
        if i == r:
            continue
        f = T[i, c]
        if f == 0 and p == det:
            for t in range(ncols):          # the row stays as it is
                new_top = max(new_top, abs(float(T[i, cols[t]])))
            continue
        ff = float(f)
        if top < _EXACT_FLOAT:
            # products below 2**52 and an integer quotient: every float step is exact
            for t in range(ncols):
                j = cols[t]
                q = (fp * float(T[i, j]) - ff * float(T[r, j])) / fd
                T[i, j] = np.int64(q)
                new_top = max(new_top, abs(q))
        elif top < _SMALL:
            for t in range(ncols):
                j = cols[t]
                q = (p * T[i, j] - f * T[r, j]) // det
                T[i, j] = q
                new_top = max(new_top, abs(float(q)))
        else:
            for t in range(ncols):
                j = cols[t]
                x = fp * float(T[i, j])
                y = ff * float(T[r, j])
                qf = (x - y) / fd
                err = (abs(x) + abs(y)) * _ERR / abs(fd)
                if err >= 0.25 or abs(qf) >= _HUGE:
                    return -1.0      # not provably exact in float64: the caller falls back
                q = np.int64(round(qf))
                T[i, j] = q
                new_top = max(new_top, abs(float(q)))
        T[i, c] = 0
        T[i, basis[i]] = p
    return new_top


def _nonbasic_columns(key, nv, cols):
    """Fill ``cols`` with the variables not in the basis bitmask ``key``, then ``nv``
    (the right-hand side column)."""
    t = 0
    one = np.uint64(1)
    for v in range(nv):
        if not key >> np.uint64(v) & one:
            cols[t] = v
            t += 1
    cols[t] = nv


def _insert(table, key):
    """Insert a nonzero uint64 ``key`` into the open-addressing ``table`` (0 = empty,
    length a power of two); returns ``True`` if it was not there."""
    size = table.shape[0]
    h = (key * np.uint64(_GOLDEN)) >> np.uint64(32)
    i = np.int64(h) & (size - 1)
    while True:
        v = table[i]
        if v == key:
            return False
        if v == np.uint64(0):
            table[i] = key
            return True
        i = (i + 1) & (size - 1)


def _grown(table, count):
    """``table`` doubled (rehashed) when more than half full."""
    if 2 * count < table.shape[0]:
        return table
    bigger = np.zeros(2 * table.shape[0], dtype=np.uint64)
    for v in table:
        if v != np.uint64(0):
            insert(bigger, v)
    return bigger


def _lex_search(M, limit, maxdepth):
    """``(masks, points, status)``: the label masks of all vertices of {z >= 0 : M z <= 1}
    (``M`` positive int64, ``k x d``; bit ``v``: variable ``v`` is zero, structural
    variables first), each vertex ``z`` as the smallest proportional nonnegative
    integers (a row of ``points``; zeros for the origin), and a status code: ``OK``,
    ``TOO_LARGE`` (more than ``limit`` bases) or ``OVERFLOW``. ``maxdepth``: the
    initial size of the search stack (it grows).

    The search runs in :func:`_search_steps`, which stops whenever an array is full;
    here the array is doubled and the search resumed. Why: the arrays that grow were
    reassigned inside the search loop, so numba took and dropped references to them
    (atomic operations) on every step: half of a profile's samples; the split search
    takes 20% less CPU time on the degenerate 10x10 games of ``bench_degenerate.py``
    (3.5 to 2.8 ms for both polytopes, 2026-12-05).

    >>> M = np.array([[2, 1], [1, 3]], dtype=np.int64)   # vertices 0, (1/2, 0), (0, 1/3), (2/5, 1/5)
    >>> lex_search is None or sorted(zip(lex_search(M, 100, 4)[0].tolist(),
    ...                                  lex_search(M, 100, 4)[1].tolist())) == [
    ...     (3, [0, 0]), (6, [1, 0]), (9, [0, 1]), (12, [2, 1])]
    True
    """
    k, d = M.shape
    nv = d + k
    one = np.uint64(1)
    T = np.zeros((k, nv + 1), dtype=np.int64)
    top = 1.0
    for i in range(k):
        for j in range(d):
            T[i, j] = M[i, j]
            top = max(top, float(M[i, j]))
        T[i, d + i] = 1
        T[i, nv] = 1
    basis = np.empty(k, dtype=np.int64)
    for i in range(k):
        basis[i] = d + i
    cols = np.empty(d + 1, dtype=np.int64)
    key = np.uint64(0)
    for i in range(k):
        key |= one << np.uint64(d + i)
    seen = np.zeros(1 << 8, dtype=np.uint64)
    vset = np.zeros(1 << 8, dtype=np.uint64)
    masks = np.empty(1 << 7, dtype=np.uint64)
    points = np.zeros((1 << 7, d), dtype=np.int64)
    maxdepth = max(maxdepth, 2)
    keys = np.empty(maxdepth, dtype=np.uint64)
    nxt = np.zeros(maxdepth, dtype=np.int64)
    prow = np.zeros(maxdepth, dtype=np.int64)      # pivot row that led here
    pleave = np.zeros(maxdepth, dtype=np.int64)    # the variable that left then
    pdet = np.zeros(maxdepth, dtype=np.int64)      # det before that pivot
    insert(seen, key)
    keys[0] = key
    # the scalars of the search, kept across its resumptions: depth, bases seen, vertices
    # found, det, whether this basis's vertex is still to be recorded; and the entry bound
    state = np.zeros(_STATE, dtype=np.int64)
    state[_NSEEN] = 1
    state[_DET] = 1
    state[_FRESH] = 1
    bound = np.empty(1)
    bound[0] = top
    while True:
        status = search_steps(T, basis, cols, seen, vset, masks, points, keys, nxt, prow,
                              pleave, pdet, state, bound, limit)
        if status == _GROW_SEEN:
            seen = grown(seen, state[_NSEEN] + 1)
        elif status == _GROW_VERTICES:
            vset = grown(vset, state[_NVERT] + 1)
            if state[_NVERT] == masks.shape[0]:
                nvert = state[_NVERT]
                m2 = np.empty(2 * nvert, dtype=np.uint64)
                p2 = np.zeros((2 * nvert, d), dtype=np.int64)
                m2[:nvert] = masks
                p2[:nvert] = points
                masks, points = m2, p2
        elif status == _GROW_STACK:                  # a deeper search: double the stack
            keys = np.concatenate((keys, np.empty_like(keys)))
            nxt = np.concatenate((nxt, np.zeros_like(nxt)))
            prow = np.concatenate((prow, np.zeros_like(prow)))
            pleave = np.concatenate((pleave, np.zeros_like(pleave)))
            pdet = np.concatenate((pdet, np.zeros_like(pdet)))
        else:
            return masks[:state[_NVERT]], points[:state[_NVERT]], status


# slots of _lex_search's ``state``, and the statuses of _search_steps that ask for room
_DEPTH, _NSEEN, _NVERT, _DET, _FRESH, _STATE = 0, 1, 2, 3, 4, 5
_GROW_SEEN, _GROW_VERTICES, _GROW_STACK = 10, 11, 12


def _search_steps(T, basis, cols, seen, vset, masks, points, keys, nxt, prow, pleave, pdet,
                  state, bound, limit):
    """Run :func:`_lex_search`'s depth-first search from ``state`` (and the arrays, all
    updated in place) until it ends (``OK``, ``TOO_LARGE``, ``OVERFLOW``) or an array is
    full: then the status names it (``_GROW_*``), nothing of the step that needs the room
    has been done yet, and the caller grows the array and calls again. No array variable
    is reassigned here (see :func:`_lex_search`)."""
    k = T.shape[0]
    nv = T.shape[1] - 1
    d = nv - k
    one = np.uint64(1)
    full = (one << np.uint64(nv)) - one if nv < 64 else ~np.uint64(0)
    depth = state[_DEPTH]
    nseen = state[_NSEEN]
    nvert = state[_NVERT]
    det = state[_DET]
    fresh = state[_FRESH] != 0
    top = bound[0]
    key = keys[depth]
    status = OK
    while True:
        if fresh:                                    # record the vertex of this basis
            if nvert == masks.shape[0] or 2 * (nvert + 1) >= vset.shape[0]:
                status = _GROW_VERTICES
                break
            fresh = False
            mask = full ^ key
            for i in range(k):
                if T[i, nv] == 0:
                    mask |= one << np.uint64(basis[i])
            if insert(vset, mask):
                masks[nvert] = mask
                # the vertex is (rhs / det) on the structural basic variables: keep the
                # numerators over their gcd (the smallest proportional integers)
                g = np.int64(0)
                for i in range(k):
                    if basis[i] < d:
                        points[nvert, basis[i]] = T[i, nv]
                        a, b = g, T[i, nv]
                        while b != 0:
                            a, b = b, a % b
                        g = a
                if g > 1:
                    for j in range(d):
                        points[nvert, j] //= g
                nvert += 1
        c = nxt[depth]
        if c == nv:                                  # every neighbour tried: step back
            if depth == 0:
                break
            r = prow[depth]
            basis[r] = pleave[depth]
            nonbasic_columns(keys[depth - 1], nv, cols)
            top = pivot(T, r, pleave[depth], det, top, cols, basis)
            if top < 0.0:
                status = OVERFLOW
                break
            det = pdet[depth]
            depth -= 1
            key = keys[depth]
            continue
        if 2 * (nseen + 1) >= seen.shape[0]:
            status = _GROW_SEEN
            break
        if depth + 1 == keys.shape[0]:
            status = _GROW_STACK
            break
        nxt[depth] = c + 1
        if key >> np.uint64(c) & one:
            continue                                 # basic
        small = top < _SMALL
        r = lex_leaving(T, c, d, nv, small)
        if r < 0:
            status = OVERFLOW                        # unbounded: cannot happen
            break
        nkey = key ^ (one << np.uint64(basis[r])) ^ (one << np.uint64(c))
        if not insert(seen, nkey):
            continue
        nseen += 1
        if nseen > limit:
            status = TOO_LARGE
            break
        newdet = T[r, c]
        leaving = basis[r]
        basis[r] = c
        nonbasic_columns(nkey, nv, cols)
        top = pivot(T, r, c, det, top, cols, basis)
        if top < 0.0:
            status = OVERFLOW
            break
        depth += 1
        prow[depth] = r
        pleave[depth] = leaving
        pdet[depth] = det
        det = newdet
        key = nkey
        keys[depth] = key
        nxt[depth] = 0
        fresh = True
    state[_DEPTH] = depth
    state[_NSEEN] = nseen
    state[_NVERT] = nvert
    state[_DET] = det
    state[_FRESH] = 1 if fresh else 0
    bound[0] = top
    return status


def _complementary(px, qy, nbits):
    """Index pairs ``(i, j)`` with ``px[i] | qy[j]`` all of the ``nbits`` low bits.

    Inverted index: for each label, the bitset of the ``qy`` having it; a mask of
    ``px`` needs every label it lacks, so the bitsets of those labels are
    intersected, the rarest first, over the words still nonzero.
    """
    nq = qy.shape[0]
    words = (nq + 63) // 64
    one = np.uint64(1)
    index = np.zeros((nbits, words), dtype=np.uint64)
    count = np.zeros(nbits, dtype=np.int64)
    for j in range(nq):
        v = qy[j]
        for b in range(nbits):
            if v >> np.uint64(b) & one:
                index[b, j >> 6] |= one << np.uint64(j & 63)
                count[b] += 1
    out_i = np.empty(64, dtype=np.int64)
    out_j = np.empty(64, dtype=np.int64)
    # rows done and pairs found, kept across resumptions (see _complementary_rows)
    state = np.zeros(2, dtype=np.int64)
    while not complementary_rows(px, qy.shape[0], nbits, index, count, out_i, out_j, state):
        out_i = np.concatenate((out_i, np.empty_like(out_i)))
        out_j = np.concatenate((out_j, np.empty_like(out_j)))
    return out_i[:state[1]], out_j[:state[1]]


def _complementary_rows(px, nq, nbits, index, count, out_i, out_j, state):
    """The search of :func:`_complementary` from row ``state[0]`` with ``state[1]`` pairs
    found; ``False`` when ``out_i`` / ``out_j`` are full (``state`` then names the row to
    redo, its pairs dropped), ``True`` when every row is done. Why a separate function: out
    arrays reassigned in the loop made numba take and drop references (atomic operations)
    on every row (see :func:`_lex_search`)."""
    words = index.shape[1]
    one = np.uint64(1)
    full = (one << np.uint64(nbits)) - one if nbits < 64 else ~np.uint64(0)
    n_out = state[1]
    need = np.empty(nbits, dtype=np.int64)
    order = np.empty(nbits, dtype=np.int64)
    acc = np.empty(words, dtype=np.uint64)
    live = np.empty(words, dtype=np.int64)
    for i in range(state[0], px.shape[0]):
        row_start = n_out
        lack = full ^ px[i]
        nn = 0
        for b in range(nbits):
            if lack >> np.uint64(b) & one:
                need[nn] = b
                nn += 1
        # rarest labels first: few candidates survive the first intersection (an insertion
        # sort into a preallocated array: np.argsort allocated two arrays per row)
        for t in range(nn):
            b = need[t]
            u = t
            while u > 0 and count[need[order[u - 1]]] > count[b]:
                order[u] = order[u - 1]
                u -= 1
            order[u] = t
        nl = 0
        if nn == 0:
            for w in range(words):
                acc[w] = ~np.uint64(0)
                live[nl] = w
                nl += 1
        else:
            b0 = need[order[0]]
            for w in range(words):
                if index[b0, w] != np.uint64(0):
                    acc[w] = index[b0, w]
                    live[nl] = w
                    nl += 1
        for t in range(1, nn):
            if nl == 0:
                break
            b = need[order[t]]
            kept = 0
            for u in range(nl):
                w = live[u]
                a = acc[w] & index[b, w]
                if a != np.uint64(0):
                    acc[w] = a
                    live[kept] = w
                    kept += 1
            nl = kept
        for u in range(nl):
            w = live[u]
            a = acc[w]
            for bit in range(64):
                if a >> np.uint64(bit) & one:
                    j = w * 64 + bit
                    if j >= nq:
                        break
                    if n_out == out_i.shape[0]:
                        state[0] = i
                        state[1] = row_start
                        return False
                    out_i[n_out] = i
                    out_j[n_out] = j
                    n_out += 1
    state[0] = px.shape[0]
    state[1] = n_out
    return True


mul128 = jit(_mul128)
cmp_products = None if mul128 is None else jit(_cmp_products)
lex_leaving = None if cmp_products is None else jit(_lex_leaving)
pivot = jit(_pivot)
nonbasic_columns = jit(_nonbasic_columns)
insert = jit(_insert)
grown = None if insert is None else jit(_grown)
complementary_rows = jit(_complementary_rows)
complementary = None if complementary_rows is None else jit(_complementary)
search_steps = None if None in (lex_leaving, pivot, grown) else jit(_search_steps)
lex_search = None if search_steps is None else jit(_lex_search)
