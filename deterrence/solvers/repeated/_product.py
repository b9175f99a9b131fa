"""The product chain of two automata playing a (noisy) repeated game.

Internal helper shared by the repeated-game solvers. Product state
``x = s1 * n2 + s2``. With ``q_i[s, b]`` the chance player ``i`` in state
``s`` *realises* action ``b`` (its intended mixture times the implementation
matrix) and ``T_i[s, b_own, b_opp, s']`` the chance its automaton moves to
``s'`` (summing over what it perceives of ``b_opp``)::

    P[(s1,s2), (s1',s2')] = sum_{b1,b2} q1[s1,b1] q2[s2,b2] T1[s1,b1,b2,s1'] T2[s2,b2,b1,s2']

Three arithmetic modes: ``"exact"`` (``int``/``Fraction``), ``"symbolic"``
(sympy) and ``"float"`` (NumPy ``float64``).
"""
from __future__ import annotations

from fractions import Fraction
from contextlib import contextmanager
from functools import cached_property
from math import lcm

import numpy as np

from deterrence.core.automaton import Automaton
from deterrence.core.numbers import from_fmpq, is_symbolic
from deterrence.errors import GameError


def _sp():
    import sympy
    return sympy


def to_mode(x, mode):
    if mode == "float":
        return float(x)
    if mode == "symbolic":
        sp = _sp()
        if isinstance(x, Fraction):
            return sp.Rational(x.numerator, x.denominator)
        return sp.sympify(x)
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


def arr(a, mode):
    a = np.asarray(a, dtype=object)
    if mode == "float":
        return np.array([float(v) for v in a.flat], dtype=float).reshape(a.shape)
    out = np.empty(a.size, dtype=object)
    if mode == "exact":     # ints (payoffs, 0/1 probabilities) pass through unchanged
        out[:] = [v if type(v) is int else to_mode(v, mode) for v in a.ravel().tolist()]
    else:
        out[:] = [to_mode(v, mode) for v in a.ravel().tolist()]
    return out.reshape(a.shape)


_PLAIN = (int, Fraction, float)


def _maybe_symbolic(values):
    """Whether some entry of a (nested) table is symbolic; plain numbers are skipped fast."""
    flat = np.asarray(values, dtype=object).ravel().tolist()
    return any(type(v) not in _PLAIN and is_symbolic(v) for v in flat)


def resolve_profile(rg, profile):
    """Two automata for the repeated game: Automaton objects or strategy names."""
    from deterrence.core.strategies import strategy
    if isinstance(profile, str):
        profile = [p.strip() for p in profile.split(",")]
    profile = list(profile)
    if len(profile) == 1:
        profile = profile * 2
    if len(profile) != 2:
        raise GameError(f"a profile names two strategies (one per player), got {len(profile)}")
    stage = rg.stage
    out = []
    for i, s in enumerate(profile):
        if isinstance(s, str):
            s = strategy(s, stage, i)
        if not isinstance(s, Automaton):
            raise GameError(f"strategy of player {stage.players[i]} must be an Automaton or a name, "
                            f"got {type(s).__name__}")
        own, opp = stage.actions[i], stage.actions[1 - i]
        if tuple(s.actions) != tuple(own) or tuple(s.opponent_actions) != tuple(opp):
            raise GameError(f"automaton {s.name!r} of player {stage.players[i]} is built for actions "
                            f"{list(s.actions)} vs {list(s.opponent_actions)}, but the stage game has "
                            f"{list(own)} vs {list(opp)}")
        out.append(s)
    return tuple(out)


def mode_of(rg, automata, want_float=False):
    if want_float:
        return "float"
    if rg.is_symbolic or any(a.is_symbolic for a in automata):
        return "symbolic"
    return "exact"


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


class Chain:
    """Compiled arrays of a profile of automata in a repeated game."""

    def __init__(self, rg, automata, mode, stage=None, delta=None):
        self.rg, self.automata, self.mode = rg, automata, mode
        stage = rg.stage if stage is None else stage
        if mode != "symbolic" and stage.is_symbolic:
            stage = stage.with_defaults()
        self.stage = stage
        a1, a2 = automata
        self.n = (a1.n_states, a2.n_states)
        self.m = (len(stage.actions[0]), len(stage.actions[1]))
        self.E, self.O = _noise_in_mode(rg, mode)
        self.U = (arr(stage.payoff_arrays[0], mode), arr(stage.payoff_arrays[1], mode))
        probs = []
        for a in automata:
            rows = [a.probabilities(s) for s in a.states]
            if mode != "symbolic" and _maybe_symbolic(rows):
                raise GameError(f"automaton {a.name!r} has symbolic probabilities: give values first")
            probs.append(arr(rows, mode))
        self.p = tuple(probs)
        self.delta = to_mode(rg.delta if delta is None else delta, mode)
        self.noisy_perception = rg.noise is not None and rg.noise.perception != 0
        self._P = None
        self._r = None
        self._ints = None

    # q, T and U_own are built on first use: the exact integer path (`integers`) needs none
    # of them, and building them in Fractions costs more than its whole solve.
    @cached_property
    def q(self):
        """``q[i][s, b]``: chance player i in state s realises action b."""
        return tuple(_mm(self.p[i], self.E[i], self.mode) for i in range(2))

    @cached_property
    def T(self):
        """``T[i][s, b_own, b_opp, s']``: chance player i's automaton moves from s to s'."""
        return tuple(self._moves(i) for i in range(2))

    @cached_property
    def U_own(self):
        """Stage payoffs of each player indexed ``[own action, opponent's action]``."""
        return (self.U[0], self.U[1].T.copy())

    def integers(self):
        """The exact chain in integers (:class:`IntegerChain`); exact mode only."""
        if self._ints is None:
            self._ints = IntegerChain(self)
        return self._ints

    def _moves(self, i):
        a = self.automata[i]
        n = self.n[i]
        nxt = np.asarray(a.transition_table)
        one = np.zeros(nxt.shape + (n,), dtype=float if self.mode == "float" else object)
        if self.mode != "float":
            one[...] = 0
        for idx in np.ndindex(*nxt.shape):
            one[idx + (nxt[idx],)] = 1
        # T[s, b_own, b_opp, s'] = sum_o O[b_opp, o] one[s, b_own, o, s']
        if self.mode == "float":
            return np.einsum("do,sbox->sbdx", self.O[i], one, optimize=False)
        return np.einsum("do,sbox->sbdx", self.O[i], one)

    @property
    def N(self):
        return self.n[0] * self.n[1]

    def index(self, s1, s2):
        return s1 * self.n[1] + s2

    def names(self, x):
        s1, s2 = divmod(x, self.n[1])
        return (self.automata[0].states[s1], self.automata[1].states[s2])

    def start(self):
        return self.index(self.automata[0].start_index, self.automata[1].start_index)

    def P(self, mask=None):
        """Transition matrix over product states; with ``mask[b1, b2]``, only those profiles."""
        if mask is None and self._P is not None:
            return self._P
        if mask is None and self.mode == "exact":
            try:
                self._P = self._exact_P()
                return self._P
            except TypeError:          # some number is not an exact rational: the general path
                pass
        P = self._products(mask)
        if mask is None:
            self._P = P
        return P

    def _products(self, mask=None):
        L, R = _factors(self.q, self.T, self.n, self.m)
        if mask is not None:
            L = L * np.reshape(mask, (1, -1))
        return _regroup(L, R, self.n)

    def _exact_P(self):
        # W / D entry by entry from the integer chain: the same rationals as the Fraction
        # products below, without building them through N^2 (actions)^2 Fraction operations
        ic = self.integers()
        P = np.zeros((self.N, self.N), dtype=object)
        rows, cols = np.nonzero(ic.W)
        D = ic.D
        for x, y, w in zip(rows.tolist(), cols.tolist(), ic.W[rows, cols].tolist()):
            q = Fraction(w, D)
            P[x, y] = q.numerator if q.denominator == 1 else q
        return P

    def r(self):
        if self._r is None:
            self._r = tuple(np.dot(np.dot(self.q[0], self.U[k]), self.q[1].T).reshape(self.N)
                            for k in range(2))
        return self._r

    def profile_probs(self):
        """``F[x, b1, b2]``: chance of realised profile (b1, b2) in product state x."""
        return np.einsum("ab,cd->acbd", self.q[0], self.q[1]).reshape(self.N, self.m[0], self.m[1])

    def deviation(self, i, x, action):
        """(reward of player i, transition row) when i intends ``action`` once at state x."""
        s = divmod(x, self.n[1])
        si, sj = s[i], s[1 - i]
        qi = self.E[i][action]                       # realised distribution of the deviation
        qj = self.q[1 - i][sj]
        reward = _dot(qi, self.U_own[i] @ qj if self.mode == "float" else _matvec(self.U_own[i], qj))
        Ti, Tj = self.T[i][si], self.T[1 - i][sj]   # [b_own, b_opp, s']
        # row[s_i', s_j'] = sum_{b,d} qi[b] qj[d] Ti[b,d,s_i'] Tj[d,b,s_j']
        row = np.einsum("b,d,bdx,dby->xy", qi, qj, Ti, Tj)
        if i == 1:
            row = row.T
        return reward, row.reshape(self.N)

    def reachable(self):
        """Product states reachable from the start by some history (any realised actions)."""
        a1, a2 = self.automata
        nx1, nx2 = np.asarray(a1.transition_table), np.asarray(a2.transition_table)
        start = (a1.start_index, a2.start_index)
        seen, todo = {start}, [start]
        m1, m2 = self.m
        while todo:
            s1, s2 = todo.pop()
            for b1 in range(m1):
                for b2 in range(m2):
                    o1s = range(m2) if self.noisy_perception else (b2,)
                    o2s = range(m1) if self.noisy_perception else (b1,)
                    for o1 in o1s:
                        for o2 in o2s:
                            y = (int(nx1[s1, b1, o1]), int(nx2[s2, b2, o2]))
                            if y not in seen:
                                seen.add(y)
                                todo.append(y)
        return sorted(self.index(*s) for s in seen)



# --------------------------------------------------------------------------- exact, in integers
# Noise, delta and strategy probabilities are rationals with small denominators, so every
# exact system here is an integer matrix over one common denominator. python-flint solves
# those (fraction-free / p-adic lifting in C) far faster than Gauss-Jordan in Fractions.

_INT64_SAFE = 2 ** 62


@contextmanager
def pure_fraction_path():
    """Within the block, exact answers take the pure-Fraction path (the fallback without
    python-flint): for cross-checks and benchmarks of the integer path.

    >>> from deterrence.solvers.repeated import _product
    >>> with _product.pure_fraction_path():
    ...     _product._flint() is None
    True
    >>> _product._flint() is None
    False
    """
    global _flint
    saved = _flint
    _flint = _no_flint
    try:
        yield
    finally:
        _flint = saved


def _no_flint():
    return None


def _flint():
    try:
        import flint
    except ImportError:        # a required dependency; the Fraction path is kept for safety
        return None
    return flint


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
    return _cached(_SCALED_NOISE, (chain.rg.noise, chain.stage.actions), scale)


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
    >>> ic = Chain(rg, resolve_profile(rg, "tft"), "exact").integers()
    >>> ic.D, ic.W[0].tolist()
    (100, [81, 9, 9, 1])
    """

    def __init__(self, chain):
        n1, n2 = chain.n
        m1, m2 = chain.m
        Dq, Q, DO, O = [], [], [], []
        noise = _scaled_noise(chain)
        for i in range(2):
            dp, p = _over_common_denominator(chain.p[i])
            (de, e), (do, o) = noise[i]
            Dq.append(dp * de)
            Q.append(np.dot(p, e))
            DO.append(do)
            O.append(o)
        self.D = Dq[0] * Dq[1] * DO[0] * DO[1]
        dtype = np.int64 if self.D < _INT64_SAFE else object
        Q = [q.astype(dtype) for q in Q]
        T = [self._moves(chain.automata[i], O[i].astype(dtype), dtype) for i in range(2)]
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
    def _moves(automaton, O, dtype):
        nxt = np.asarray(automaton.transition_table)
        n = nxt.shape[0]
        one = np.zeros(nxt.size * n, dtype=dtype)
        one[np.arange(nxt.size) * n + nxt.ravel()] = 1
        one = one.reshape(nxt.shape + (n,))             # one[s, b_own, o, s']: o perceived
        if O.shape[0] == O.shape[1] and (O == np.eye(O.shape[0], dtype=O.dtype)).all():
            return one                                   # no perception errors
        return np.einsum("do,sbox->sbdx", O, one)      # T[s, b_own, b_opp, s'] (times DO)

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
    flint = _flint()
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


def fmpz_rows(M, states):
    """Rows ``states`` of an integer array as a flint ``fmpz_mat``."""
    flint = _flint()
    sub = np.asarray(M)[states]
    out = flint.fmpz_mat(len(states), sub.shape[1])
    rows, cols = np.nonzero(sub)                # set the nonzeros only: converting to fmpz
    for i, j, v in zip(rows.tolist(), cols.tolist(), sub[rows, cols].tolist()):   # costs
        out[i, j] = int(v)
    return out


def fmpz_solve_mat(A, columns):
    """Solve ``A X = B`` exactly (``B`` given as a list of integer columns): ``X`` as a
    flint ``fmpq_mat``; ``ZeroDivisionError`` when ``A`` is singular."""
    flint = _flint()
    n = A.nrows()
    B = flint.fmpz_mat(n, len(columns), [int(c[i]) for i in range(n) for c in columns])
    try:
        return A.solve(B)
    except ZeroDivisionError:
        raise ZeroDivisionError("singular system") from None


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
    flint = _flint()
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
    try:
        X2 = fmpz_system(ic.W, rest, dd * ic.D, dn).solve(B * den + G * N1 * dn) / den
    except ZeroDivisionError:
        raise ZeroDivisionError("singular system") from None
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
    flint = _flint()
    pos = {x: i for i, x in enumerate(states)}
    n, k = len(states), len(columns)
    if n < _BLOCKS_FROM:
        return fmpz_solve_mat(fmpz_system(W, states, diag, scale), columns)
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
        return fmpz_solve_mat(fmpz_from_nonzeros(n, nz, diag, scale), columns)
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
        A = fmpz_system(W, comp, diag, scale)
        if all(v.q == 1 for r in rhs for v in r):      # e.g. the recurrent class: nothing after it
            sol = fmpz_solve_mat(A, [[int(r[c].p) for r in rhs] for c in range(k)])
        else:
            try:
                sol = flint.fmpq_mat(A).solve(flint.fmpq_mat(len(comp), k, [v for r in rhs for v in r]))
            except ZeroDivisionError:
                raise ZeroDivisionError("singular system") from None
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
    flint = _flint()
    ic = chain.integers()
    dn, dd = _delta_parts(chain, delta)
    states = list(range(ic.N)) if states is None else list(states)
    x0 = chain.start()
    if nz is None:
        nz = nonzeros(ic.W[np.ix_(states, states)])
    A = fmpz_from_nonzeros(len(states), nz, dd * ic.D, dn, transpose=True)
    y, den = fmpz_solve_mat(A, [[1 if x == x0 else 0 for x in states]]).numer_denom()
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

_NOISE_CACHE: dict = {}


def _noise_in_mode(rg, mode):
    """``((E1, E2), (O1, O2))`` in the arithmetic mode (read-only arrays, cached with the noise)."""
    def build():
        E1, E2, O1, O2 = _noise_matrices(rg)
        if mode != "symbolic" and any(_maybe_symbolic(M) for M in (E1, E2, O1, O2)):
            raise GameError("the noise is symbolic: give its parameters values first")
        out = ((arr(E1, mode), arr(E2, mode)), (arr(O1, mode), arr(O2, mode)))
        for pair in out:
            for M in pair:
                M.setflags(write=False)
        return out
    return _cached(_NOISE_CACHE, (rg.noise, rg.stage.actions, mode), build)


def _noise_matrices(rg):
    return _cached(_NOISE_CACHE, (rg.noise, rg.stage.actions), rg.noise_matrices)


def _mm(A, B, mode):
    if mode == "float":
        return A @ B
    n, k = A.shape
    out = np.empty((n, B.shape[1]), dtype=object)
    for i in range(n):
        for j in range(B.shape[1]):
            out[i, j] = _norm(sum((A[i, t] * B[t, j] for t in range(k)), 0), mode)
    return out


def _matvec(A, v):
    return np.array([sum((A[i, t] * v[t] for t in range(len(v))), 0) for i in range(A.shape[0])],
                    dtype=object)


def _dot(a, b):
    return sum((x * y for x, y in zip(a, b)), 0)


def _norm(x, mode):
    if mode == "symbolic":
        return x
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


def solve_linear(M, b, mode):
    """Solve ``M x = b`` (square) exactly (Fractions), symbolically (sympy) or in floats."""
    if mode == "float":
        return np.linalg.solve(np.asarray(M, dtype=float), np.asarray(b, dtype=float))
    n = len(b)
    if mode == "symbolic":
        sp = _sp()
        from sympy.polys.matrices import DomainMatrix
        A = DomainMatrix.from_list_sympy(n, n, [[sp.sympify(M[i][j]) for j in range(n)] for i in range(n)])
        B = DomainMatrix.from_list_sympy(n, 1, [[sp.sympify(b[i])] for i in range(n)])
        A, B = A.unify(B)
        A, B = A.to_field(), B.to_field()
        sol = A.lu_solve(B).to_Matrix()
        return np.array([sp.factor(sol[i, 0]) for i in range(n)], dtype=object)
    flint = _flint()
    if flint is not None:                  # python-flint: fast exact rational solve
        def q(v):
            v = Fraction(v)
            return flint.fmpq(v.numerator, v.denominator)
        A = flint.fmpq_mat(n, n, [q(M[i][j]) for i in range(n) for j in range(n)])
        B = flint.fmpq_mat(n, 1, [q(b[i]) for i in range(n)])
        try:
            X = A.solve(B)
        except ZeroDivisionError:
            raise ZeroDivisionError("singular system") from None
        out = np.empty(n, dtype=object)
        for i in range(n):
            v = X[i, 0]
            num, den = int(v.p), int(v.q)
            out[i] = num if den == 1 else Fraction(num, den)
        return out
    # exact rational Gauss-Jordan elimination
    rows = [[Fraction(M[i][j]) for j in range(n)] + [Fraction(b[i])] for i in range(n)]
    for c in range(n):
        p = next((r for r in range(c, n) if rows[r][c] != 0), None)
        if p is None:
            raise ZeroDivisionError("singular system")
        rows[c], rows[p] = rows[p], rows[c]
        piv = rows[c]
        inv = 1 / piv[c]
        if inv != 1:
            piv = rows[c] = [v * inv for v in piv]
        for r in range(n):
            if r != c:
                f = rows[r][c]
                if f != 0:
                    rr = rows[r]
                    rows[r] = [a - f * q if q else a for a, q in zip(rr, piv)]
    out = np.empty(n, dtype=object)
    for i in range(n):
        v = rows[i][n]
        out[i] = v.numerator if v.denominator == 1 else v
    return out


def identity_minus(P, scale, mode):
    N = P.shape[0]
    if mode == "float":
        return np.eye(N) - scale * P
    M = np.empty((N, N), dtype=object)
    for i in range(N):
        for j in range(N):
            M[i, j] = (1 if i == j else 0) - scale * P[i, j]
    return M


def values(chain, delta=None, horizon=None):
    """State values ``(V1, V2)`` (arrays over product states), average discounted."""
    mode = chain.mode
    d = chain.delta if delta is None else delta
    if horizon is None and mode == "exact" and _flint() is not None:
        try:
            return exact_values(chain, d)
        except TypeError:          # some number is not an exact rational: the general path
            pass
    P, r = chain.P(), chain.r()
    if horizon is None:
        M = identity_minus(P, d, mode)
        one = 1.0 if mode == "float" else 1
        return tuple(solve_linear(M, (one - d) * r[k], mode) for k in range(2))
    out = []
    weight = sum(d ** t for t in range(horizon))
    for k in range(2):
        W = r[k] * 0
        for _ in range(horizon):
            W = r[k] + d * (P @ W if mode == "float" else _matvec(P, W))
        out.append(W / weight if mode == "float" else np.array([_div(w, weight) for w in W], dtype=object))
    return tuple(out)


def _div(a, b):
    if is_symbolic(a) or is_symbolic(b):
        return _sp().cancel(a / b)
    q = Fraction(a) / Fraction(b)
    return q.numerator if q.denominator == 1 else q


def simplify(x, mode):
    if mode == "symbolic":
        return _sp().factor(_sp().cancel(x))
    if mode == "exact" and isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x
