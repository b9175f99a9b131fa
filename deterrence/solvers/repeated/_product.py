"""The product chain of two automata playing a (noisy) repeated game.

Internal helper shared by the repeated-game solvers. Product state
``x = s1 * n2 + s2``. With ``q_i[s, b]`` the chance player ``i`` in state
``s`` *realises* action ``b`` (its intended mixture times the implementation
matrix) and ``T_i[s, b_own, b_opp, s']`` the chance its automaton moves to
``s'`` (summing over what it perceives of ``b_opp``)::

    P[(s1,s2), (s1',s2')] = sum_{b1,b2} q1[s1,b1] q2[s2,b2] T1[s1,b1,b2,s1'] T2[s2,b2,b1,s2']

Three arithmetic modes: ``"exact"`` (``int``/``Fraction``), ``"symbolic"``
(sympy) and ``"float"`` (NumPy ``float64``). The exact chain in integers and its
solves (python-flint) are in :mod:`._product_exact`; every exact solve goes
through :mod:`deterrence.core.exact`.
"""
from __future__ import annotations

from fractions import Fraction
from functools import cached_property

import numpy as np

from deterrence.core.automaton import Automaton
from deterrence.core.exact import flint as load_flint, solve as solve_exactly
from deterrence.core.numbers import float_array, is_symbolic
from deterrence.errors import GameError
from deterrence.solvers.repeated._product_exact import (  # noqa: F401 (the integer path, re-exported)
    IntegerChain, _cached, _factors, _regroup, exact_values, fmpz_from_nonzeros, fmpz_rows,
    fmpz_system, nonzeros, profile_sum, reach, solve_sparse, start_values, strong_components,
    values_rest, values_solution)


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
        from deterrence.core.symbolic import as_sympy
        return as_sympy(x)
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


def arr(a, mode):
    a = np.asarray(a, dtype=object)
    if mode == "float":                # exact numbers beyond the float range: a named refusal
        return float_array(a, "numbers")
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
    if isinstance(profile, (bytes, bytearray)) or not hasattr(profile, "__iter__"):
        raise GameError(f"profile must name two strategies (names or Automaton objects), got {profile!r}")
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
        self.noisy_perception = rg.noise is not None and rg.noise.has_perception
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
        row = (np.einsum("b,d,bdx,dby->xy", qi, qj, Ti, Tj) if self.mode == "float"
               else _exact_row(qi, qj, Ti, Tj))
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
    return _cached(_NOISE_CACHE, (rg.noise, rg.stage.players, rg.stage.actions, mode), build)


def _noise_matrices(rg):
    return _cached(_NOISE_CACHE, (rg.noise, rg.stage.players, rg.stage.actions), rg.noise_matrices)


def _mm(A, B, mode):
    if mode == "float":
        return A @ B
    n, k = A.shape
    out = np.empty((n, B.shape[1]), dtype=object)
    for i in range(n):
        for j in range(B.shape[1]):
            out[i, j] = _norm(sum((A[i, t] * B[t, j] for t in range(k)), 0), mode)
    return out


def _exact_row(qi, qj, Ti, Tj):
    """``einsum("b,d,bdx,dby->xy", qi, qj, Ti, Tj)`` for exact (or symbolic) entries, over the
    non-zero terms only: the tables are mostly zeros, and an object-array einsum multiplies
    every one of them."""
    nx, ny = Ti.shape[2], Tj.shape[2]
    row = np.zeros((nx, ny), dtype=object)
    for b, pb in enumerate(qi):
        if pb == 0:
            continue
        for d, pd in enumerate(qj):
            if pd == 0:
                continue
            w = pb * pd
            tx, ty = Ti[b, d], Tj[d, b]
            ys = [(y, ty[y]) for y in range(ny) if ty[y] != 0]
            for x in range(nx):
                if tx[x] != 0:
                    wx = w * tx[x]
                    for y, c in ys:
                        row[x, y] += wx * c
    return row


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
    """Solve ``M x = b`` (square) exactly (:func:`deterrence.core.exact.solve`), symbolically
    (sympy) or in floats; ``ZeroDivisionError`` when ``M`` is singular."""
    if mode == "float":
        return np.linalg.solve(np.asarray(M, dtype=float), np.asarray(b, dtype=float))
    n = len(b)
    if mode == "symbolic":
        sp = _sp()
        from sympy.polys.matrices import DomainMatrix
        from deterrence.core.symbolic import as_sympy
        A = DomainMatrix.from_list_sympy(n, n, [[as_sympy(M[i][j]) for j in range(n)] for i in range(n)])
        B = DomainMatrix.from_list_sympy(n, 1, [[as_sympy(b[i])] for i in range(n)])
        A, B = A.unify(B)
        A, B = A.to_field(), B.to_field()
        sol = A.lu_solve(B).to_Matrix()
        return np.array([sp.factor(sol[i, 0]) for i in range(n)], dtype=object)
    out = np.empty(n, dtype=object)
    out[:] = solve_exactly([[M[i][j] for j in range(n)] for i in range(n)], [b[i] for i in range(n)])
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
    if horizon is None and mode == "exact" and load_flint() is not None:
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
