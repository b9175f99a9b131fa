"""The product chain of two automata in integers, and its exact solves.

Internal helper of :mod:`._product` (see there for the chain). Noise, delta and
strategy probabilities are rationals with small denominators, so every exact
system of a chain is an integer matrix over one common denominator
(:class:`IntegerChain`: ``W = D * P``). python-flint solves those (fraction-free /
p-adic lifting in C) far faster than elimination in Fractions; the solves
themselves go through :mod:`deterrence.core.exact` (:func:`~deterrence.core.exact.solve_flint`;
from :data:`LIFTING_FROM` states :func:`solve_sparse`, sparse numeric lifting, first),
and the callers take this path only when :func:`deterrence.core.exact.flint` gives the
module (outside :func:`~deterrence.core.exact.fraction_only`), else the pure-Fraction path
of :func:`._product.values`. Graph helpers of the chain's support (reachability, strongly
connected components) live here too: the block-triangular solve needs them.
"""
from __future__ import annotations

from fractions import Fraction
from math import lcm

import numpy as np

from deterrence.core.exact import flint as load_flint, from_fmpq, solve_flint
from deterrence.core.exact_lifting import solve_sparse_lifting
from deterrence.core.numbers import is_symbolic

def _factors(q, T, n, m):
    """The product chain's transition matrix as ``L R`` regrouped (:func:`_regroup`):
    ``L[(s1, s1'), (b1, b2)]`` from player 1's chances ``q[0][s, b]`` times moves
    ``T[0][s, b_own, b_opp, s']``, ``R[(b1, b2), (s2, s2')]`` likewise from player 2's."""
    (n1, n2), (m1, m2) = n, m
    A1 = q[0][:, :, None, None] * T[0]                      # [s1, b1, b2, s1']
    A2 = q[1][:, :, None, None] * T[1]                      # [s2, b2, b1, s2']
    return (A1.transpose(0, 3, 1, 2).reshape(n1 * n1, m1 * m2),
            A2.transpose(2, 1, 0, 3).reshape(m1 * m2, n2 * n2))


def _regroup(L, R, n):
    """``L R`` indexed ``[(s1, s1'), (s2, s2')]`` as the matrix over product states."""
    n1, n2 = n
    return np.dot(L, R).reshape(n1, n1, n2, n2).transpose(0, 2, 1, 3).reshape(n1 * n2, n1 * n2)


# Noise, delta and strategy probabilities are rationals with small denominators, so every
# exact system here is an integer matrix over one common denominator. python-flint solves
# those (fraction-free / p-adic lifting in C) far faster than elimination in Fractions.

_INT64_SAFE = 2 ** 62


def _rational(v):
    if isinstance(v, (int, Fraction)) and not isinstance(v, bool):
        return v
    if isinstance(v, (float, np.floating)) or is_symbolic(v):
        raise TypeError(f"not an exact rational: {v!r}")
    return Fraction(v)


def _over_common_denominator(a):
    """``(D, A)`` with ``A = D * a`` an object array of ints; ``a`` rational."""
    flat = np.asarray(a, dtype=object).ravel().tolist()
    if all(type(v) is int for v in flat):           # nothing to scale (e.g. 0/1 tables)
        A = np.empty(len(flat), dtype=object)
        A[:] = flat
        return 1, A.reshape(np.shape(a))
    vals = [_rational(v) for v in flat]
    D = lcm(*(v.denominator for v in vals)) if vals else 1
    A = np.empty(len(vals), dtype=object)
    A[:] = [v.numerator * (D // v.denominator) for v in vals]
    return D, A.reshape(np.shape(a))


_SCALED_NOISE: dict = {}


def _scaled_noise(chain):
    """``((DE, E), (DO, O))`` per player over common denominators, cached like the noise."""
    def scale():
        return tuple((_over_common_denominator(chain.E[i]), _over_common_denominator(chain.O[i]))
                     for i in range(2))
    return _cached(_SCALED_NOISE, (chain.rg.noise, chain.stage.players, chain.stage.actions), scale)


def _cached(cache: dict, key, build):
    """``cache[key]``, built once by ``build()``; unhashable keys (an implementation
    table as noise) are built every time, and the cache is emptied past 256 entries."""
    try:
        hit = cache.get(key)
    except TypeError:
        return build()
    if hit is None:
        if len(cache) > 256:
            cache.clear()
        hit = cache[key] = build()
    return hit


class IntegerChain:
    """The exact product chain as integers: ``W = D * P``, ``R[k] = Dr * r[k]``, ``F = Df * F``.

    Built from the small per-player tables (intended mixtures, implementation and
    perception matrices, transition tables), never from Fraction matrices: with
    ``Q_i = Dq_i * q_i`` and ``O_i`` scaled likewise, ``W`` is one integer matrix
    product, in ``int64`` whenever ``D`` (which bounds every entry) fits.

    >>> from deterrence import load_game
    >>> from deterrence.core.repeated import RepeatedGame
    >>> rg = RepeatedGame(load_game("prisoners_dilemma").with_defaults(), "1/2", None, {"tremble": "1/10"})
    >>> from deterrence.solvers.repeated._product import Chain, resolve_profile
    >>> ic = Chain(rg, resolve_profile(rg, "tft"), "exact").integers()
    >>> ic.D, ic.W[0].tolist()
    (100, [81, 9, 9, 1])
    """

    def __init__(self, chain):
        n1, n2 = chain.n
        m1, m2 = chain.m
        Dq, Q, DO, obs = [], [], [], []
        noise = _scaled_noise(chain)
        for i in range(2):
            dp, p = _over_common_denominator(chain.p[i])
            (de, e), (do, o) = noise[i]
            Dq.append(dp * de)
            Q.append(np.dot(p, e))
            DO.append(do)
            obs.append(o)
        self.D = Dq[0] * Dq[1] * DO[0] * DO[1]
        dtype = np.int64 if self.D < _INT64_SAFE else object
        Q = [q.astype(dtype) for q in Q]
        T = [self._moves(chain.automata[i], obs[i].astype(dtype), dtype) for i in range(2)]
        self._L, self._R = _factors(Q, T, chain.n, chain.m)
        self.n, self.m, self.N = (n1, n2), (m1, m2), n1 * n2
        self.W = _regroup(self._L, self._R, self.n)
        self.Df = Dq[0] * Dq[1]
        DU, U = _over_common_denominator(np.array([chain.U[0], chain.U[1]], dtype=object))
        self.Dr = self.Df * DU
        U = U.reshape(2, m1 * m2).T
        self.U = U.tolist()          # [profile][player], times DU: R[k] = F U[:, k]
        F = Q[0][:, None, :, None] * Q[1][None, :, None, :]
        if dtype is not object and self.Df * int(np.abs(U).max(initial=0)) * m1 * m2 < _INT64_SAFE:
            F = F.reshape(self.N, m1 * m2)          # int64 products, then Python ints
            self.F = F.astype(object)
            FR = (F @ U.astype(np.int64)).astype(object)
        else:
            self.F = F.astype(object).reshape(self.N, m1 * m2)
            FR = np.dot(self.F, U)
        self.R = (FR[:, 0], FR[:, 1])

    @staticmethod
    def _moves(automaton, obs, dtype):
        nxt = np.asarray(automaton.transition_table)
        n = nxt.shape[0]
        one = np.zeros(nxt.size * n, dtype=dtype)
        one[np.arange(nxt.size) * n + nxt.ravel()] = 1
        one = one.reshape(nxt.shape + (n,))             # one[s, b_own, o, s']: o perceived
        if obs.shape[0] == obs.shape[1] and (obs == np.eye(obs.shape[0], dtype=obs.dtype)).all():
            return one                                   # no perception errors
        return np.einsum("do,sbox->sbdx", obs, one)      # T[s, b_own, b_opp, s'] (times DO)

    def war_weights(self, mask):
        """``D * P`` restricted to realised profiles with ``mask[b1, b2]`` true."""
        keep = np.asarray(mask, dtype=bool).reshape(-1)
        return _regroup(self._L * keep[None, :].astype(self._L.dtype), self._R, self.n)

    def successors(self):
        """Adjacency lists of the support graph of the chain."""
        rows, cols = np.nonzero(self.W)              # row-major: each row's columns in a run
        ends = np.searchsorted(rows, np.arange(self.N + 1)).tolist()
        cols = cols.tolist()
        return [cols[ends[x]:ends[x + 1]] for x in range(self.N)]


def reach(successors, start):
    """States reachable from ``start`` (sorted) in a graph given by adjacency lists."""
    seen, todo = {start}, [start]
    while todo:
        for y in successors[todo.pop()]:
            if y not in seen:
                seen.add(y)
                todo.append(y)
    return sorted(seen)


def strong_components(succ, R):
    """``{state: label}`` of the strongly connected components of the graph on ``R``
    (closed under ``succ``), labelled in topological order (a component only leads to
    components with larger labels): Kosaraju's two passes, iterative.

    >>> strong_components([[1], [0, 2], [2]], [0, 1, 2])
    {0: 0, 1: 0, 2: 1}
    """
    order, seen = [], set()
    for r in R:
        if r in seen:
            continue
        seen.add(r)
        stack = [(r, iter(succ[r]))]
        while stack:
            x, it = stack[-1]
            for y in it:
                if y not in seen:
                    seen.add(y)
                    stack.append((y, iter(succ[y])))
                    break
            else:
                stack.pop()
                order.append(x)
    pred = {x: [] for x in R}
    for x in R:
        for y in succ[x]:
            pred[y].append(x)
    label, count = {}, 0
    for r in reversed(order):
        if r in label:
            continue
        label[r] = count
        stack = [r]
        while stack:
            for y in pred[stack.pop()]:
                if y not in label:
                    label[y] = count
                    stack.append(y)
        count += 1
    return label


def fmpz_system(W, states, diag, scale):
    """flint integer matrix ``diag * I - scale * W[states, states]``."""
    return fmpz_from_nonzeros(len(states), nonzeros(W[np.ix_(states, states)]), diag, scale)


def nonzeros(M):
    """``(rows, cols, values)`` of the nonzero entries of a 2-d array, as Python lists."""
    rows, cols = np.nonzero(M)
    return rows.tolist(), cols.tolist(), M[rows, cols].tolist()


def fmpz_from_nonzeros(n, nz, diag, scale, transpose=False):
    """flint ``diag * I - scale * S`` (or ``S^T``) for the ``n x n`` integer matrix ``S``
    given by :func:`nonzeros` (each state has few successors): one build of the nonzeros
    serves several systems."""
    flint = load_flint()
    rows, cols, vals = nz
    if transpose:
        rows, cols = cols, rows
    A = flint.fmpz_mat(n, n)
    for i, j, v in zip(rows, cols, vals):
        A[i, j] = -scale * v
    if diag:
        for i in range(n):
            A[i, i] += diag
    return A


# from this many states the sparse numeric lifting beats FLINT's dense solve (measured,
# two 20-state automata: 314 states, values 26 ms against 60 ms, the stationary
# distribution 17 ms against 43 ms; 40 states: flint 0.2 ms, about as fast)
LIFTING_FROM = 100


def solve_sparse(n, entries, diag, columns):
    """``(numerators, den)`` of ``(diag I + S) X = B``: ``S`` the ``n x n`` integer matrix
    with the nonzeros ``entries = (rows, cols, values)`` (repeated positions add up), ``B``
    integer columns; ``numerators`` an ``fmpz_mat``, ``den`` the least common denominator.
    Large systems by :func:`~deterrence.core.exact_lifting.solve_sparse_lifting` (its answer
    is checked exactly), the rest, and whatever it cannot do, by FLINT.

    >>> num, den = solve_sparse(2, ([0], [1], [1]), 3, [[1, 1]])
    >>> num.entries(), den
    ([2, 3], 9)
    """
    if n >= LIFTING_FROM:
        found = solve_sparse_lifting(n, entries, diag, columns)
        if found is not None:
            return found
    flint = load_flint()
    A = flint.fmpz_mat(n, n)
    for i, j, v in zip(*entries):
        A[i, j] += v
    if diag:
        for i in range(n):
            A[i, i] += diag
    return solve_flint(A, columns).numer_denom()


def scaled_entries(nz, scale, transpose=False):
    """The entries of ``-scale * S`` (or of ``-scale * S^T``) from :func:`nonzeros` of ``S``."""
    rows, cols, vals = nz
    if transpose:
        rows, cols = cols, rows
    return rows, cols, [-scale * v for v in vals]


def fmpz_rows(M, states):
    """Rows ``states`` of an integer array as a flint ``fmpz_mat``."""
    flint = load_flint()
    sub = np.asarray(M)[states]
    out = flint.fmpz_mat(len(states), sub.shape[1])
    rows, cols = np.nonzero(sub)                # set the nonzeros only: converting to fmpz
    for i, j, v in zip(rows.tolist(), cols.tolist(), sub[rows, cols].tolist()):   # costs
        out[i, j] = int(v)
    return out


def _delta_parts(chain, delta):
    """``(numerator, denominator)`` of ``delta`` (default: the chain's); ``TypeError``
    when it is not an exact rational."""
    d = _rational(chain.delta if delta is None else delta)
    return d.numerator, d.denominator


def exact_values(chain, delta=None, states=None):
    """Exact values ``(V1, V2)`` of a chain in exact mode by one integer solve (flint).

    ``states``: a closed set of product states (e.g. those reachable from the start);
    the values come back for those states only, in that order (default: all).

    >>> from deterrence import load_game
    >>> from deterrence.core.repeated import RepeatedGame
    >>> rg = RepeatedGame(load_game("prisoners_dilemma").with_defaults(), "1/2", None, {"tremble": "1/10"})
    >>> from deterrence.solvers.repeated._product import Chain, resolve_profile
    >>> exact_values(Chain(rg, resolve_profile(rg, "tft"), "exact"))[0].tolist()
    [Fraction(571, 204), Fraction(787, 476), Fraction(1467, 476), Fraction(299, 204)]
    """
    X, divisor = values_solution(chain, delta, states)
    flat = [from_fmpq(v) for v in (X / divisor).entries()]
    return _objects(flat[0::2]), _objects(flat[1::2])


def values_solution(chain, delta=None, states=None):
    """``(X, Dr)``: the values of :func:`exact_values` are ``X / Dr``, ``X`` a flint
    ``fmpq_mat`` with one row per state and one column per player.

    ``(I - delta P) V = (1 - delta) r`` times ``dd * D`` (``delta = dn/dd``) is the
    integer system ``(dd D I - dn W) (Dr V) = (dd - dn) D R``: one solve for both players.
    """
    ic = chain.integers()
    dn, dd = _delta_parts(chain, delta)
    states = list(range(ic.N)) if states is None else list(states)
    c = (dd - dn) * ic.D
    return solve_by_components(ic.W, states, dd * ic.D, dn,
                               [[c * ic.R[k][x] for x in states] for k in range(2)]), ic.Dr


def values_rest(chain, first, X1, delta=None):
    """Every state's values ``(X, Dr)`` as :func:`values_solution`, given ``X1`` (with the
    same ``Dr``) on ``first``, a set closed under successors (e.g. the states reachable from
    the start): the other states solve ``(dd D I - dn W_rr) X_r = c R_r + dn W_rf X1``, an
    integer system once times the common denominator of ``X1`` (measured: 400 product
    states, 314 reachable, 15 ms for the other 86, the whole system by blocks 82 ms)."""
    flint = load_flint()
    ic = chain.integers()
    first = list(first)
    inside = set(first)
    rest = [x for x in range(ic.N) if x not in inside]
    if not rest:
        return X1, ic.Dr
    dn, dd = _delta_parts(chain, delta)
    c = (dd - dn) * ic.D
    N1, den = X1.numer_denom()
    m, k = len(rest), X1.ncols()
    B = flint.fmpz_mat(m, k, [int(c * ic.R[j][x]) for x in rest for j in range(k)])
    G = flint.fmpz_mat(m, len(first), [int(v) for v in np.asarray(ic.W)[np.ix_(rest, first)].ravel().tolist()])
    X2 = solve_flint(fmpz_system(ic.W, rest, dd * ic.D, dn), B * den + G * N1 * dn) / den
    rows = {}
    for x, M, i in [(x, X1, i) for i, x in enumerate(first)] + [(x, X2, i) for i, x in enumerate(rest)]:
        rows[x] = [M[i, j] for j in range(k)]
    return flint.fmpq_mat(ic.N, k, [v for x in range(ic.N) for v in rows[x]]), ic.Dr


# below this many states one dense solve beats the Python bookkeeping of the blocks
# (measured: 40 states 0.49 ms dense, 0.6 ms by blocks; 400 states 116 ms, 87 ms)
_BLOCKS_FROM = 100


def solve_by_components(W, states, diag, scale, columns):
    """Solve ``(diag I - scale W[states, states]) X = B`` (``B``: integer columns) exactly,
    one strongly connected component of ``W`` at a time, last components first: the
    system is block triangular, and a chain under noise is typically one big recurrent
    class plus transient singletons (at 400 product states, 314 + 86), which are then
    solved by one division each. ``states`` must be closed under successors.
    Returns an ``fmpq_mat`` with one row per state (in the order given).
    """
    flint = load_flint()
    pos = {x: i for i, x in enumerate(states)}
    n, k = len(states), len(columns)
    if n < _BLOCKS_FROM:
        return solve_flint(fmpz_system(W, states, diag, scale), columns)
    nz = nonzeros(W[np.ix_(states, states)])
    succ = [[] for _ in range(W.shape[0])]
    weight = {}
    for i, j, v in zip(*nz):
        succ[states[i]].append(states[j])
        weight[states[i], states[j]] = v
    label = strong_components(succ, states)
    comps = {}
    for x in states:
        comps.setdefault(label[x], []).append(x)
    if len(comps) == 1:
        num, den = solve_sparse(n, scaled_entries(nz, scale), diag, columns)
        return flint.fmpq_mat(num) / den
    X = [None] * n
    for lab in sorted(comps, reverse=True):           # sinks first
        comp = comps[lab]
        inside = set(comp)
        rhs = []
        for x in comp:
            r = [flint.fmpq(columns[c][pos[x]]) for c in range(k)]
            for y in succ[x]:
                if y not in inside:                    # already solved: move it to the right
                    w = scale * weight[x, y]
                    for c in range(k):
                        r[c] += w * X[pos[y]][c]
            rhs.append(r)
        if len(comp) == 1:
            x = comp[0]
            a = diag - scale * weight.get((x, x), 0)
            if a == 0:
                raise ZeroDivisionError("singular system")
            X[pos[x]] = [v / a for v in rhs[0]]
            continue
        if all(v.q == 1 for r in rhs for v in r):      # e.g. the recurrent class: nothing after it
            num, den = solve_sparse(len(comp), scaled_entries(nonzeros(W[np.ix_(comp, comp)]), scale), diag,
                                    [[int(r[c].p) for r in rhs] for c in range(k)])
            sol = flint.fmpq_mat(num) / den
        else:
            A = fmpz_system(W, comp, diag, scale)
            sol = solve_flint(flint.fmpq_mat(A), flint.fmpq_mat(len(comp), k, [v for r in rhs for v in r]))
        for i, x in enumerate(comp):
            X[pos[x]] = [sol[i, c] for c in range(k)]
    return flint.fmpq_mat(n, k, [v for r in X for v in r])


def start_values(chain, delta=None, states=None, frows=None, nz=None):
    """Exact values ``(V1, V2)`` at the start only: one solve with one column.

    ``V_k(x0) = e_x0' A^-1 b_k = y' b_k`` with ``A' y = e_x0``: ``y`` (the discounted
    occupation measure from the start, up to scale) serves both players, and
    ``y' b_k = (y' F) U_k``: ``frows``, the rows ``states`` of ``ic.F`` as a flint
    matrix, if the caller has it already; ``nz``, :func:`nonzeros` of ``W[states, states]``.
    """
    flint = load_flint()
    ic = chain.integers()
    dn, dd = _delta_parts(chain, delta)
    states = list(range(ic.N)) if states is None else list(states)
    x0 = chain.start()
    if nz is None:
        nz = nonzeros(ic.W[np.ix_(states, states)])
    y, den = solve_sparse(len(states), scaled_entries(nz, dn, transpose=True), dd * ic.D,
                          [[1 if x == x0 else 0 for x in states]])
    if frows is None:
        frows = fmpz_rows(ic.F, states)
    yF = (y.transpose() * frows).entries()      # integers: y over one denominator
    c = (dd - dn) * ic.D
    return tuple(from_fmpq(flint.fmpq(c * profile_sum(yF, ic.U, k), den * ic.Dr)) for k in range(2))


def profile_sum(weights, U, k):
    """``sum_j weights[j] U[j][k]`` (flint/Python integers)."""
    return sum((int(w) * u[k] for w, u in zip(weights, U) if w), 0)


def _objects(values):
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out
