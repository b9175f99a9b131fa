"""Every Nash equilibrium of a two-player game, exactly, degenerate games included.

Source: D. Avis, G. D. Rosenberg, R. Savani and B. von Stengel, "Enumeration
of Nash equilibria for two-player games", Economic Theory 42 (2010) 9-37
(the method of ``lrsnash`` and Gambit's ``enummixed``); B. von Stengel,
"Computing equilibria for two-person games", Handbook of Game Theory vol. 3,
ch. 45 (2002), for the best-response polytopes and integer pivoting. No code
was copied.

Steps
-----
1. Make the payoffs positive integers: scale each matrix by the common
   denominator of its entries and shift so the smallest entry is 1 (each
   player's positive affine transform leaves the equilibria unchanged).
2. Best-response polytopes ``P = {x >= 0 : B^T x <= 1}`` and
   ``Q = {y >= 0 : A y <= 1}`` with labels ``0..m-1`` (row actions: ``x_i = 0``
   or row ``i`` a best response to ``y``) and ``m..m+n-1`` (column actions).
   A vertex's label set is a bitmask.
3. Enumerate ALL vertices of P and Q. Fast path: reverse search (D. Avis and
   K. Fukuda, "A pivoting algorithm for convex hulls and vertex enumeration
   of arrangements and polyhedra", Discrete Comput. Geom. 8 (1992)): the
   parent of a vertex is its neighbour by Bland's rule for minimising a
   generic positive ``c.z`` (root: the origin), so no table of visited
   vertices is needed; dictionaries are pivoted in float64, vectorised over
   chunks of the search tree (bounded memory). It is used only while the
   polytope is visibly simple: a near-tie in any ratio test (a degenerate
   neighbour) or a near-zero reduced cost sends the game to the exact path.
   Exact path: search over the lexicographically feasible bases (vertices of
   the lexicographically perturbed, hence simple, polytope; their graph is
   connected and meets every vertex) with fraction-free (Bareiss) integer
   pivoting and the lexicographic ratio test: compiled by numba in int64 with
   proven-exact handling of large entries
   (:mod:`~deterrence.solvers.normal_form._lex_numba`) when numba is installed,
   else (or when an entry outgrows int64) in Python ints
   (:func:`deterrence.core.exact.bareiss_pivot`,
   :func:`~deterrence.core.exact.lex_min_ratio`). Degenerate vertices have several
   bases and more than ``dim`` labels; they are deduplicated by their label sets,
   each with its exact point (the tableau's right-hand side). A pure strategy
   with two pure best responses (a tie at a row's maximum) marks a polytope
   degenerate at once, so the float search is not tried on it.
4. Extreme equilibria are the completely labelled vertex pairs
   ``L(x) | L(y) == all labels`` other than ``(0, 0)``, found by a vectorised
   superset test on the bitmasks (a sorted complement lookup when the game
   is nondegenerate, whose number of equilibria must then be odd; on the
   exact path a compiled inverted index of the labels when numba is used), then
   recomputed exactly from the tight equations as integer weights
   (:func:`deterrence.core.exact.solve_scaled`: python-flint's ``fmpz_mat.solve``), and all
   certified together in integer arithmetic by
   :func:`~deterrence.solvers.certify.certified_from_weights_many`'s check
   (the one behind :func:`~deterrence.solvers.certify.certified_equilibrium`).
5. Cliques (maximal Nash subsets) are the maximal complete bipartite
   subgraphs of the graph whose edges are the equilibrium vertex pairs: the
   closed pairs ``(X, Y)`` with ``Y`` the common neighbours of ``X`` and vice
   versa, found by closing the neighbourhoods under intersection. Components
   are connected components of the union of the cliques
   (:mod:`~deterrence.solvers.nash_subsets`, shared with the trees' sequence form).
"""
from __future__ import annotations

import math
import sys
from fractions import Fraction

import numpy as np

from deterrence.core.exact import bareiss_pivot, lex_min_ratio, positive_integer_matrix, solve, solve_scaled
from deterrence.errors import GameError, SolverError, TooLargeError
from deterrence.solvers.certify import certify_weights, on_support
from deterrence.solvers._compiled import numba_allowed, numba_loaded, run_compiled
from deterrence.solvers.nash_subsets import maximal_nash_subsets, nash_components
from deterrence.solvers.result import SolveResult

#: Default limit on the estimated number of vertices (McMullen's upper bound,
#: summed over both polytopes). 20x20 games (about 8e7) pass; 24x24 do not.
DEFAULT_LIMIT = 10**9
#: Default limit on the same estimate for degenerate games, which take the exact
#: integer search (about 10 us per basis in Python, and a degenerate game has
#: many bases per vertex): 15x15 games (bound 682,176; ~5 s with 0/1 payoffs)
#: pass, 16x16 (1,961,256; 27 s) and larger (minutes) are refused unless an
#: explicit ``limit=`` is given.
DEFAULT_EXACT_LIMIT = 10**6
#: most actions a player may have when no ``limit`` is given (a 1 x 20,000 game ran out of memory)
MAX_ACTIONS = 1000
_TOL = 1e-11   # relative near-tie test; ~1e-15 rounding after a few dozen pivots
#: Relative near-tie test of the compiled search's ratio tests (near-ties are then
#: decided exactly, so this may be generous).
_TIE_TOL = 1e-11
#: Use the numba-compiled search (when numba is installed) for polytopes whose
#: McMullen bound exceeds this (15x15 games and up): importing numba costs more
#: than the whole search on smaller games ...
_COMPILED_ABOVE = 2 * 10**5
#: ... or this (8x8 games and up) when numba is already imported (by the user,
#: QuantEcon or an earlier large game): then each call is ~15x faster than the
#: NumPy search even at 8x8, and loading the cached compiled search costs ~50 ms
#: once (~0.3 s if numba has not compiled anything yet in this process).
_COMPILED_WHEN_LOADED_ABOVE = 500
#: ... and at every size once the compiled search has run in this process (no load cost left:
#: see _compiled_search_loaded).
#: Vertex counts up to which label sets are matched with Python sets (see _complementary).
_SMALL_POLYTOPE = 4096


def all_equilibria(game, *, limit: int | None = None) -> SolveResult:
    """Every extreme Nash equilibrium of a two-player game, exactly, with cliques and components.

    ``limit`` caps the estimated size of the search (default
    :data:`DEFAULT_LIMIT`): the McMullen upper bound on the number of vertices
    of the two best-response polytopes; a larger game raises
    :class:`~deterrence.errors.TooLargeError`. The searches also stop if they
    visit more than ``limit`` vertices (bases, on the exact path). Degenerate
    games (exact path) have a smaller default, :data:`DEFAULT_EXACT_LIMIT`,
    used when no ``limit`` is given: a 16x16 game with 0/1 payoffs is refused.

    Nondegenerate games take the float64 search (numba-compiled for 15x15
    and larger when numba is installed, and at every size once numba is
    imported); degenerate ones the exact integer search. Either way every
    equilibrium is recomputed and certified exactly.

    >>> from deterrence import NormalFormGame
    >>> bos = NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]],
    ...                                  actions=[["opera", "fight"]] * 2)
    >>> res = all_equilibria(bos)
    >>> [e.describe() for e in res]  # doctest: +NORMALIZE_WHITESPACE
    ['Row: fight; Column: fight  (payoffs 2, 3)',
     'Row: 3/5 opera + 2/5 fight; Column: 2/5 opera + 3/5 fight  (payoffs 6/5, 6/5)',
     'Row: opera; Column: opera  (payoffs 3, 2)']
    >>> res.cliques, res.components
    (((0,), (1,), (2,)), ((0,), (1,), (2,)))
    """
    from deterrence.core.validate import at_defaults
    game = at_defaults(game, "all_equilibria")
    if game.n_players != 2:
        raise GameError(f"all_equilibria (method 'enumerate') needs a two-player game; "
                        f"this one has {game.n_players} players (use method 'pure')")
    explicit = limit is not None
    if limit is None:
        limit = DEFAULT_LIMIT
    if isinstance(limit, bool) or not isinstance(limit, (int, np.integer)) or limit < 1:
        raise GameError(f"limit must be a positive integer, got {limit!r}")
    m, n = game.shape
    if not explicit and max(m, n) > MAX_ACTIONS:
        raise TooLargeError(
            f"this {m}x{n} game has {max(m, n)} actions for one player, over the default limit of "
            f"{MAX_ACTIONS} actions a player for the enumeration (each vertex is a system of "
            f"{m + n} equations); pass limit={vertex_bound(m, m + n) + vertex_bound(n, m + n)} "
            "(any explicit limit lifts this one) to try anyway")
    estimate = vertex_bound(m, m + n) + vertex_bound(n, m + n)
    if estimate > limit:
        raise TooLargeError(
            f"enumerating all equilibria of this {m}x{n} game may visit up to {estimate:,} "
            f"vertices (McMullen's upper bound for its two best-response polytopes), over the "
            f"limit of {limit:,}; pass limit={estimate} (or larger) to try anyway")
    A = positive_integer_matrix(game.payoff_array(0))
    B = positive_integer_matrix(game.payoff_array(1))

    pairs = LP = LQ = None
    if m + n <= 64:                      # label masks fit in uint64
        LP, LQ = _float_polytopes(A, B, limit)
        if LP is not None and LQ is not None:
            pairs = _pairs_of_simple_polytopes(A, B, LP, LQ)
    if pairs is None:
        if not explicit and estimate > DEFAULT_EXACT_LIMIT:
            raise TooLargeError(
                f"this {m}x{n} game is degenerate, so its equilibria need the exact search, "
                f"which may visit up to {estimate:,} vertices (McMullen's upper bound) and "
                f"more bases, over the default limit of {DEFAULT_EXACT_LIMIT:,} for degenerate "
                f"games (minutes or more); pass limit={estimate} (or larger) to try anyway")
        # a simple polytope keeps its float vertices; the exact search runs only on a
        # degenerate one (both, if the pairs of two simple ones failed a safety check)
        one_simple = (LP is None) != (LQ is None)
        pairs = _exact_pairs(A, B, limit, LP=LP if one_simple else None, LQ=LQ if one_simple else None)
    # (x mask, y mask, x, y) with x, y integer weights (over their gcd on the exact path,
    # where degenerate vertices may repeat a profile); the masks name the vertices
    found = {}
    for xi, yi, x, y in pairs:
        found[(tuple(x), tuple(y))] = (xi, yi)
    # the weights are nonnegative ints with positive sums by construction: skip the
    # argument checks of certified_from_weights_many, not the equilibrium check
    wxs, wys = [x for x, _ in found], [y for _, y in found]
    certified = certify_weights(game, wxs, wys)
    order = sorted(range(len(certified)), key=_profile_order(wxs, wys))
    equilibria = tuple(certified[k] for k in order)
    masks = list(found.values())
    edges = [masks[k] for k in order]
    cliques = maximal_nash_subsets(edges)
    components = nash_components(cliques, len(edges))
    return SolveResult(equilibria=equilibria, method="enumerate", exact=True, complete=True,
                       players=game.players, actions=game.actions,
                       cliques=cliques, components=components)


def _profile_order(wxs, wys):
    """Sort key for profile ``k`` given by integer weights: the order of its probabilities
    ``(x, y)`` (as the equilibria's ``strategies`` sort), in integers: each player's weights
    scaled to the least common multiple of the sums, instead of comparing Fractions.

    >>> key = _profile_order([[1, 1], [1, 0]], [[0, 1], [2, 1]])
    >>> key(0), key(1)                 # (1/2, 1/2; 0, 1) and (1, 0; 2/3, 1/3)
    ((1, 1, 0, 3), (2, 0, 2, 1))
    """
    lx = math.lcm(*map(sum, wxs)) if wxs else 1
    ly = math.lcm(*map(sum, wys)) if wys else 1

    def key(k):
        fx, fy = lx // sum(wxs[k]), ly // sum(wys[k])
        return tuple([v * fx for v in wxs[k]] + [v * fy for v in wys[k]])
    return key


def vertex_bound(d: int, f: int) -> int:
    """McMullen's upper bound on the vertices of a ``d``-polytope with ``f`` facets.

    >>> vertex_bound(2, 4), vertex_bound(3, 6)
    (4, 8)
    """
    if f <= d:
        return 1
    return (math.comb(f - (d + 1) // 2, f - d) + math.comb(f - (d + 2) // 2, f - d))


# -- step 1 --------------------------------------------------------------------
# -- step 3, fast path ------------------------------------------------------------
def _float_vertices(M: np.ndarray, limit: int, exact=None):
    """Label masks (bit v: variable v is zero) of all vertices of {z >= 0 : M z <= 1}.

    ``exact``: the integer matrix ``M`` stands for (rows of ints; by default ``M``'s
    values), which decides the compiled search's near-ties: ``M`` itself may be rounded
    (entries beyond 2**53) or scaled (:func:`_scaled_float`).

    Variables are ``z_0..z_{d-1}`` then the slacks. Reverse search (Avis and
    Fukuda 1992): the parent of a vertex is its neighbour by Bland's rule for
    minimising a generic positive ``c.z`` (the origin is the root), so the
    search tree needs no table of visited vertices, and its frontier is
    processed in chunks (bounded memory). Dictionaries are pivoted in float64,
    vectorised. Returns ``None`` if the polytope is not visibly simple (a ratio
    tie, i.e. a degenerate neighbour, or a near-zero reduced cost), so that
    the caller uses the exact path. Large polytopes go to the compiled search
    (:func:`_compiled_vertices`) when numba is installed.
    """
    k, d = M.shape
    nv = d + k
    # generic weights: no reduced cost is zero by accident
    c = 1.0 + np.modf(np.arange(1, d + 1) * 0.6180339887498949)[0]
    bound = vertex_bound(d, nv)
    if numba_allowed(bound > _COMPILED_ABOVE or (numba_loaded() and (bound > _COMPILED_WHEN_LOADED_ABOVE
                                                                    or _compiled_search_loaded()))):
        masks = _compiled_vertices(M, c, limit, exact)
        if masks is not False:
            return masks
    bits = np.uint64(1) << np.arange(nv, dtype=np.uint64)
    stack = [(np.arange(d)[None], np.arange(d, nv)[None], (M / M.max())[None],
              np.ones((1, k)), c[None])]
    masks, count, chunk = [], 0, 1024   # cache-sized batches
    while stack:
        parts = [stack.pop()]
        while stack and sum(len(t[0]) for t in parts) + len(stack[-1][0]) <= chunk:
            parts.append(stack.pop())       # batch small chunks: numpy overhead
        N, Bv, D, rhs, cb = (parts[0] if len(parts) == 1 else
                             [np.concatenate(a) for a in zip(*parts)])
        F = len(N)
        count += F
        if count > limit:
            raise TooLargeError(f"vertex enumeration passed {limit:,} vertices; "
                                f"pass a larger limit= to continue")
        masks.append(np.bitwise_or.reduce(bits[N], axis=1))
        # Only directions that increase c.z can lead to a child (the child's
        # rule must step back), and a degenerate vertex is always reached by
        # such a step from a visited vertex, so ties are looked for there.
        if np.any(np.abs(cb) <= _TOL):
            return None                  # dual degeneracy: rule ambiguous
        fa, ja = np.nonzero(cb > 0)
        if not len(fa):
            continue
        Ca = np.arange(len(fa))
        X = D[fa, :, ja] / rhs[fa]                  # (C, k): 1 / ratio per row
        r = np.argmax(X, axis=1)
        xmax = X[Ca, r]
        if xmax.min() <= 1e-11:
            return None                              # unbounded: cannot happen
        if k > 1:
            X[Ca, r] = -np.inf
            if np.any(X.max(axis=1) * (1.0 + _TOL) >= xmax):
                return None                          # ratio tie: degenerate neighbour
        p = D[fa, r, ja]
        q = cb[fa, ja] / p
        cnew = cb[fa] - q[:, None] * D[fa, r, :]     # the child's reduced costs
        cnew[Ca, ja] = -q
        if np.any(np.abs(cnew) <= _TOL):
            return None                              # dual degeneracy: rule ambiguous
        w = Bv[fa, r]                                # leaving variables
        var = N[fa]
        var[Ca, ja] = w
        bland = np.where(cnew < 0, var, nv).min(axis=1)
        kid = np.nonzero(bland == w)[0]              # edges of the search tree
        if not len(kid):
            continue
        fi, ji = fa[kid], ja[kid]
        ri, pi, wk, cn = r[kid], p[kid], w[kid], cnew[kid]
        C = np.arange(len(fi))
        Dp = D[fi]
        row = Dp[C, ri, :] / pi[:, None]
        row[C, ji] = 1.0 / pi
        col = Dp[C, :, ji]                                              # (C, k)
        Dn = Dp - col[:, :, None] * row[:, None, :]
        Dn[C, :, ji] = -col / pi[:, None]
        Dn[C, ri, :] = row
        rr = rhs[fi, ri] / pi
        rn = rhs[fi] - col * rr[:, None]
        rn[C, ri] = rr
        if rn.min() <= _TOL * 1e-3:
            return None
        Nn = N[fi].copy()
        Nn[C, ji] = wk
        Bn = Bv[fi].copy()
        Bn[C, ri] = N[fi, ji]
        for s in range(0, len(fi), chunk):
            stack.append((Nn[s:s + chunk], Bn[s:s + chunk], Dn[s:s + chunk],
                          rn[s:s + chunk], cn[s:s + chunk]))
    return np.concatenate(masks)


def _compiled_search_loaded() -> bool:
    """Whether the compiled float search has already run in this process (its machine code
    loaded): then it is faster than the NumPy search at every size, with nothing left to load
    (CPU a polytope, numba loaded, 2026-12-04: 15 us against 300 us on 6x6 games with payoffs
    in 0..9; whole nondegenerate 3x3 to 7x7 games 4-6x faster). Below 8x8 the first call
    would pay ~50 ms to load it, more than the NumPy search, so it is not loaded for them.

    >>> isinstance(_compiled_search_loaded(), bool)
    True
    """
    nb = sys.modules.get("deterrence.solvers.normal_form._enum_numba")
    return nb is not None and bool(getattr(nb.reverse_search, "signatures", None))


def _compiled_vertices(M, c, limit, exact=None):
    """The same reverse search compiled by numba (if installed); ``False`` if unavailable.

    A near-tie in a ratio test is decided exactly (:func:`_exact_leaving`, on the integer
    matrix ``exact``, by default ``M``'s values) and the search rerun with that decision;
    an exact tie, or ratios too close for the float search to go on from (a
    near-degenerate neighbour), means the polytope is not visibly simple (``None``).
    """
    try:
        from deterrence.solvers.normal_form import _enum_numba as nb
    except Exception:                # numba cannot compile or cache here
        return False
    if nb.reverse_search is None:    # numba not installed
        return False
    Ms = M / M.max()
    ov_mask, ov_enter, ov_leave = [], [], []
    info = np.zeros(2, dtype=np.uint64)
    for _ in range(8):
        try:
            masks, status = run_compiled(
                nb.reverse_search, Ms, c, _TOL, _TIE_TOL, int(limit), 16 * M.shape[1] + 64,
                np.array(ov_mask, dtype=np.uint64), np.array(ov_enter, dtype=np.int64),
                np.array(ov_leave, dtype=np.int64), info)
        except Exception:            # e.g. numba cannot compile or cache here: use numpy
            return False
        if status == nb.NEAR_TIE:
            leave = _exact_leaving(M if exact is None else exact, int(info[0]), int(info[1]))
            if leave is None:
                return None          # an exact tie or a near-degenerate neighbour
            ov_mask.append(int(info[0]))
            ov_enter.append(int(info[1]))
            ov_leave.append(leave)
            continue
        if status == nb.TOO_LARGE:
            raise TooLargeError(f"vertex enumeration passed {limit:,} vertices; "
                                f"pass a larger limit= to continue")
        if status == nb.DEGENERATE:
            return None
        if status == nb.TOO_DEEP:
            return False
        return masks
    return None


#: Least relative gap between the two smallest exact ratios for which a near-tie of the
#: compiled search is decided and the search goes on. Below it the step leads to a
#: near-degenerate vertex: the runner-up row's slack there is this fraction of its value
#: before, a difference of nearly equal floats, and the later float ratio tests and signs
#: that involve it are no longer reliable (a 3x2 game with payoffs 1 +- 1e-12 lost three
#: of its six vertices, and with them two of its three equilibria): the exact path decides.
_OVERRIDE_GAP = 1e-6


def _exact_leaving(M, nonbasic, enter):
    """Exact ratio test of {z >= 0 : M z <= 1} (M integral) at the basis given by its
    nonbasic mask: the leaving variable, or ``None`` on an exact tie or when the two
    smallest ratios are within :data:`_OVERRIDE_GAP` of each other (relatively).

    >>> M = np.array([[2.0, 1.0], [1.0, 3.0]])
    >>> _exact_leaving(M, 0b0011, 0), _exact_leaving(M, 0b0011, 1)   # from the origin
    (2, 3)
    >>> _exact_leaving([[10**12, 1], [10**12 + 1, 1]], 0b0011, 0) is None   # gap 1e-12
    True
    """
    k, d = len(M), len(M[0])
    Mi = [[int(v) for v in row] for row in M]
    basic = [v for v in range(d + k) if not nonbasic >> v & 1]

    def column(v):
        return [Mi[i][v] for i in range(k)] if v < d else [int(i == v - d) for i in range(k)]

    cols = [column(v) for v in basic]
    Bmat = [[cols[c][i] for c in range(k)] for i in range(k)]
    rhs = solve(Bmat, [1] * k)
    col = solve(Bmat, column(enter))
    ratios = sorted((Fraction(rhs[i]) / col[i], basic[i]) for i in range(k) if col[i] > 0)
    if len(ratios) > 1 and ratios[1][0] - ratios[0][0] <= _OVERRIDE_GAP * ratios[1][0]:
        return None
    return ratios[0][1]


def _float_polytopes(A, B, limit):
    """The label masks of the vertices of P and of Q by the float search; ``None`` for a
    polytope that is not visibly simple (degenerate)."""
    P = None if _tied_best_response(B) else _scaled_float(B)
    Q = None if _tied_best_response(np.transpose(A)) else _scaled_float(A)
    # the exact rows of P's constraints (B transposed) are read only on a near-tie: a view
    return (None if P is None else _float_vertices(P.T, limit, np.transpose(B)),
            None if Q is None else _float_vertices(Q, limit, A))


def _int64_or_object(M) -> np.ndarray:
    """The integer matrix ``M`` as an int64 array, or an object array if an entry is too large.

    >>> _int64_or_object([[1, 2]]).dtype, _int64_or_object([[1, 2**70]]).dtype
    (dtype('int64'), dtype('O'))
    >>> _int64_or_object(np.array([[1.5e19, 1.0]]))[0, 0] == 15 * 10**18
    True
    """
    if isinstance(M, np.ndarray) and M.dtype.kind == "f":
        # a float matrix (integral values) casts to int64 silently wrong beyond 2**63
        if np.all(np.abs(M) < 2.0 ** 63):
            return M.astype(np.int64)
        return np.array([[int(v) for v in row] for row in M.tolist()], dtype=object)
    try:
        return np.array(M, dtype=np.int64)
    except OverflowError:
        return np.array(M, dtype=object)


def _tied_best_response(M) -> bool:
    """Whether some row of the integer matrix ``M`` has its maximum twice: then a pure
    strategy has two pure best responses, so the polytope ``{z >= 0 : M^T z <= 1}`` has
    a vertex (``e_i / max M[i]``) with one label too many and is degenerate. An exact
    test that spares the float search a run that could only end in ``None``.

    >>> _tied_best_response([[1, 3, 3], [2, 1, 0]]), _tied_best_response([[1, 3, 2]])
    (True, False)
    """
    M = _int64_or_object(M)
    top = M.max(axis=1)
    return bool(((M == top[:, None]).sum(axis=1) > 1).any())


#: the largest integer payoff (in bits) the float search takes as it is; above it the
#: matrix is divided by a power of two (the same polytope up to scale: same label masks)
FLOAT_BITS = 1000


def _scaled_float(M):
    """The positive integer matrix ``M`` as float64, divided by a power of two when its
    entries are beyond the float range; ``None`` when scaling would make an entry
    subnormal (then the exact search takes the polytope).

    >>> _scaled_float([[2**2100, 1]]) is None, _scaled_float([[2**1100, 2**1000]]).tolist()
    (True, [[5.357543035931337e+300, 4.226356249085322e+270]])
    """
    bits = max(int(v).bit_length() for row in M for v in row)
    if bits <= FLOAT_BITS:
        return np.array(M, dtype=float)
    shift = bits - FLOAT_BITS
    low = min(int(v).bit_length() for row in M for v in row)
    if low - shift < -1000:          # an entry would lose its precision (subnormal)
        return None
    return np.array([[int(v) / (1 << shift) for v in row] for row in M], dtype=float)


def _pairs_of_simple_polytopes(A, B, LP, LQ):
    """Equilibrium vertex pairs from the vertex masks of two simple polytopes, or ``None``
    if a safety check fails (then the game is treated as degenerate)."""
    m, n = len(A), len(A[0])
    full = (1 << (m + n)) - 1
    rows_only = (1 << m) - 1
    pairs = []
    for lx in _complementary(LP, LQ, m, n):
        if lx == rows_only:
            continue                     # the artificial pair (0, 0)
        ly = full ^ lx
        sol = _solve_pair(A, B, lx, ly, m, n)
        if sol is None:
            return None
        pairs.append((lx, ly) + sol)
    if len(pairs) % 2 == 0:
        return None                      # nondegenerate games have an odd number
    return pairs


def _complementary(LP, LQ, m, n) -> list:
    """The masks ``L(x)`` of P's vertices whose complementary label set is a vertex of Q.

    In a nondegenerate game an equilibrium is a pair with ``L(y)`` the complement
    of ``L(x)``: the complement, in Q's variable order, is looked up in a set of
    Python ints for small polytopes (fewest NumPy calls), by a sorted search
    otherwise (millions of vertices at 20x20: a set would take gigabytes).

    >>> _complementary(np.array([0b01, 0b10], dtype=np.uint64), np.array([0b01], dtype=np.uint64), 1, 1)
    [1]
    """
    nx = ~LP
    want = ((nx >> np.uint64(m)) & np.uint64((1 << n) - 1)) | ((nx & np.uint64((1 << m) - 1)) << np.uint64(n))
    if len(LQ) <= _SMALL_POLYTOPE:
        in_q = set(LQ.tolist())
        return [lx for lx, w in zip(LP.tolist(), want.tolist()) if w in in_q]
    sq = np.sort(LQ)
    pos = np.searchsorted(sq, want)
    pos[pos == len(sq)] = 0
    return LP[sq[pos] == want].tolist()


def _solve_pair(A, B, lx, ly, m, n):
    """Exact x and y (integer weights) from their label sets, or ``None`` if not determined."""
    x = _x_weights(B, lx, m, n)
    y = None if x is None else _y_weights(A, ly, m, n)
    return None if y is None else (x, y)


def _x_weights(B, lx, m, n):
    """The vertex x of P with label set ``lx`` (a simple vertex: its labels determine it)
    as integer weights; ``None`` if not determined, infeasible sign, or the origin."""
    S = _bits(~lx & ((1 << m) - 1))      # support: rows that are not labels
    T = _bits(lx >> m)                   # columns that are best responses
    if len(S) != len(T) or not S:
        return None
    xs = _unit_weights([[B[i][j] for i in S] for j in T])
    if xs is None or min(xs) < 0:
        return None
    return on_support(S, xs, m, 0)


def _y_weights(A, ly, m, n):
    """:func:`_x_weights` for a vertex of Q (``ly`` in the game's label order)."""
    R = _bits(~ly >> m & ((1 << n) - 1))
    U = _bits(ly & ((1 << m) - 1))
    if len(R) != len(U) or not R:
        return None
    ys = _unit_weights([[A[i][j] for j in R] for i in U])
    if ys is None or min(ys) < 0:
        return None
    return on_support(R, ys, n, 0)


_BYTE_BITS = [tuple(i for i in range(8) if b >> i & 1) for b in range(256)]


def _bits(mask: int) -> list:
    """Positions of the set bits of a nonnegative int, in increasing order.

    >>> _bits(0b1000000101)
    [0, 2, 9]
    """
    out = list(_BYTE_BITS[mask & 255])
    mask >>= 8
    offset = 8
    while mask:
        out.extend([offset + i for i in _BYTE_BITS[mask & 255]])
        mask >>= 8
        offset += 8
    return out


def _unit_weights(M):
    """Solution of ``M z = 1`` (``M`` a square integer matrix, as rows) as integers
    ``d z`` (some ``d > 0``), or ``None`` if singular.

    >>> _unit_weights([[2, 0], [0, 3]])
    [3, 2]
    """
    try:
        return solve_scaled(M, [1] * len(M))[0]
    except ZeroDivisionError:
        return None


# -- step 3, exact path -----------------------------------------------------------
def _exact_vertices(M, limit):
    """All vertices of {z >= 0 : M z <= 1} (M positive ints) as ``(masks, points)``:
    their label masks (bit ``v``: variable ``v`` is zero, structural variables first)
    and, in the same order, each vertex ``z`` as the smallest proportional
    nonnegative integers (all zero for the origin).

    The compiled search (:mod:`~deterrence.solvers.normal_form._lex_numba`) runs
    when numba is installed and allowed (:func:`_use_compiled_exact`) and its int64
    arithmetic suffices; otherwise, or if it reports an overflow, the Python-int
    search (:func:`_exact_vertices_python`). Both visit the same lexicographic bases.

    >>> masks, points = _exact_vertices([[2, 1], [1, 3]], 100)
    >>> sorted((int(mask), [int(v) for v in z]) for mask, z in zip(masks, points))
    [(3, [0, 0]), (6, [1, 0]), (9, [0, 1]), (12, [2, 1])]
    """
    k, d = len(M), len(M[0])
    if d + k <= 64 and _use_compiled_exact(vertex_bound(d, d + k)):
        found = _compiled_exact_vertices(M, limit)
        if found is not None:
            return found
    return _exact_vertices_python(M, limit)


#: Use the compiled exact search (numba installed) for polytopes whose McMullen bound
#: exceeds this (12x12 games and up: the Python search takes about a second there,
#: more than importing numba) or, at every size, when numba is already imported.
_COMPILED_EXACT_ABOVE = 20_000


def _use_compiled_exact(size: int) -> bool:
    return numba_allowed(size > _COMPILED_EXACT_ABOVE or numba_loaded())


def _lex_kernels():
    """The compiled kernels module, or ``None`` if numba is missing or cannot compile here."""
    try:
        from deterrence.solvers.normal_form import _lex_numba as nb
    except Exception:                # numba cannot compile or cache here
        return None
    return None if nb.lex_search is None else nb


def _compiled_exact_vertices(M, limit):
    """:func:`_exact_vertices` by the compiled search; ``None`` when numba is missing or
    the int64 arithmetic cannot stay exact (then the Python-int search runs)."""
    M = _int64_or_object(M)
    if M.dtype == object or M.max() >= 1 << 62:
        return None
    nb = _lex_kernels()
    if nb is None:
        return None
    try:
        masks, points, status = run_compiled(nb.lex_search, M, int(limit), 64)
    except Exception:                # e.g. numba cannot compile or cache here
        return None
    if status == nb.TOO_LARGE:
        raise TooLargeError(f"exact vertex enumeration passed {limit:,} bases; "
                            f"pass a larger limit= to continue")
    if status != nb.OK:
        return None                  # an entry beyond int64: the Python ints take over
    return masks, points


def _exact_vertices_python(M, limit):
    """:func:`_exact_vertices` in Python ints.

    Depth-first search over lexicographically feasible bases with
    fraction-free integer pivoting; the slack columns hold det * B^-1, which
    breaks ratio ties (the lexicographic rule), so every step is feasible.
    """
    k, d = len(M), len(M[0])
    nv = d + k
    full = (1 << nv) - 1
    start = [list(row) + [int(i == r) for i in range(k)] + [1] for r, row in enumerate(M)]
    basis = list(range(d, nv))
    key = sum(1 << b for b in basis)
    todo = [(start, basis, key, 1)]
    seen = {key}
    vertices = {}
    while todo:
        T, basis, key, det = todo.pop()
        zero = 0
        for r, b in enumerate(basis):
            if T[r][nv] == 0:
                zero |= 1 << b
        mask = (full ^ key) | zero
        if mask not in vertices:
            z = [0] * d
            for r, b in enumerate(basis):
                if b < d:
                    z[b] = T[r][nv]          # the vertex is (rhs / det): keep the numerators
            g = math.gcd(*z) or 1
            vertices[mask] = [v // g for v in z]
        rhs = [row[nv] for row in T]
        slacks = range(d, nv)              # det * B^-1 columns: the lexicographic tie-break

        def entry(i, t, T=T):
            return T[i][t]
        for c in range(nv):
            if key >> c & 1:
                continue
            r = lex_min_ratio([row[c] for row in T], rhs, slacks, entry)
            if r is None:
                raise SolverError("unbounded best-response polytope (internal error)")
            nkey = key ^ (1 << basis[r]) ^ (1 << c)
            if nkey in seen:
                continue
            seen.add(nkey)
            if len(seen) > limit:
                raise TooLargeError(f"exact vertex enumeration passed {limit:,} bases; "
                                    f"pass a larger limit= to continue")
            nb = basis[:]
            nb[r] = c
            N = T[:]                       # bareiss_pivot replaces rows, so T stays as it is
            p = bareiss_pivot(N, r, c, det)
            todo.append((N, nb, nkey, p))
    return list(vertices), list(vertices.values())


def _exact_pairs(A, B, limit, LP=None, LQ=None):
    """Completely labelled vertex pairs of the exact polytopes.

    ``LP`` / ``LQ``: the float vertex masks of a polytope already known to be simple;
    its vertices are then taken from them (each solved from its labels) instead of
    searched exactly.
    """
    m, n = len(A), len(A[0])
    xs = ys = None
    if LP is None:
        px, xs = _exact_vertices([[B[i][j] for i in range(m)] for j in range(n)], limit)
    else:
        px = LP
    if LQ is None:
        qmasks, ys = _exact_vertices(A, limit)
    else:
        qmasks = LQ
    # Q's masks in the game's label order (rows first)
    if m + n <= 64:
        q = np.asarray(qmasks, dtype=np.uint64)
        qy = ((q & np.uint64((1 << n) - 1)) << np.uint64(m)) | (q >> np.uint64(n))
        px = np.asarray(px, dtype=np.uint64)
    else:
        qy = [((mask & ((1 << n) - 1)) << m) | (mask >> n) for mask in qmasks]
    out = []
    rows, cols = (1 << m) - 1, (1 << n) - 1
    rows_x, rows_y = _complementary_pairs(px, qy, m + n)
    LX, LY = _gather(px, rows_x), _gather(qy, rows_y)            # (one NumPy call each for arrays)
    X = [None] * len(rows_x) if xs is None else _gather(xs, rows_x)
    Y = [None] * len(rows_y) if ys is None else _gather(ys, rows_y)
    for lx, ly, x, y in zip(LX, LY, X, Y):
        if lx & rows == rows or (ly >> m) & cols == cols:
            continue                     # a pair with the origin is no equilibrium
        x = _x_weights(B, lx, m, n) if x is None else x
        y = _y_weights(A, ly, m, n) if y is None else y
        if x is None or y is None:       # a float vertex its labels do not determine:
            return _exact_pairs(A, B, limit)   # search both polytopes exactly after all
        out.append((lx, ly, x, y))
    return out


def _gather(values, index) -> list:
    """``[values[i] for i in index]`` as Python ints (lists of them for rows).

    >>> _gather(np.array([[1, 2], [3, 4]]), [1, 1]), _gather([5, 6], [0])
    ([[3, 4], [3, 4]], [5])
    """
    if isinstance(values, np.ndarray):
        return values[np.asarray(index, dtype=np.int64)].tolist()
    return [values[i] for i in index]


def _complementary_pairs(px, qy, nbits):
    """Index lists ``(I, J)`` of the pairs with ``px[i] | qy[j]`` all ``nbits`` labels (a
    superset test), ``i`` increasing.

    uint64 arrays (``nbits <= 64``): the compiled inverted-index search when numba is
    allowed, else a chunked NumPy test of every pair; lists of Python ints otherwise.

    >>> I, J = _complementary_pairs(np.array([3, 5], dtype=np.uint64), np.array([4, 6], dtype=np.uint64), 3)
    >>> [(int(i), int(j)) for i, j in zip(I, J)]
    [(0, 0), (0, 1), (1, 1)]
    """
    if nbits > 64:
        pairs = [(i, j) for i, lx in enumerate(px) for j, ly in enumerate(qy)
                 if lx | ly == (1 << nbits) - 1]
        return [i for i, _ in pairs], [j for _, j in pairs]
    nb = _lex_kernels() if _use_compiled_exact(len(px) * len(qy) // 1000) else None
    if nb is not None:
        try:
            return nb.complementary(px, qy, nbits)
        except Exception:            # numba cannot compile or cache here: use numpy
            pass
    fu = np.uint64((1 << nbits) - 1)
    rows_x, rows_y = [], []
    for start in range(0, len(px), 4096):       # chunked superset test
        hit = np.nonzero((px[start:start + 4096, None] | qy[None, :]) == fu)
        rows_x.extend((hit[0] + start).tolist())
        rows_y.extend(hit[1].tolist())
    return rows_x, rows_y
