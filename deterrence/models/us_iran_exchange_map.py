"""Markov perfect equilibria of the US–Iran exchange model on a grid, at array speed, certified exactly.

:func:`~deterrence.models.us_iran_exchange.markov_perfect_equilibria` searches one parameter
point in exact arithmetic (about 0.2 s): a 100 x 100 map point by point takes half an hour.
:func:`markov_perfect_map` gives the same answer at every point of a grid whose first axis
is a **payoff parameter** (``W_iran``, ``c_us``, ``m``, ...: the per-round payoffs are
linear in it and the transitions do not depend on it) and whose second axis is any
calibration value (the annual discount rate, a rate, another payoff).

For a fixed pure stationary profile the values solve ``(I - delta P) V = r`` with ``P``
independent of the payoff parameter ``x`` and ``r = r0 + x r1``, so ``V = V0 + x V1`` and
every one-shot gain is ``g0 + x g1``: linear in ``x``. Hence (Maskin and Tirole 2001: an MPE
is a profile with no profitable one-shot deviation) the set of ``x`` at which a profile is
a Markov perfect equilibrium is an interval, computed exactly once per row and profile.

Steps:

1. Per value of the second axis, the exact outcome tables of the stochastic game
   (:meth:`~deterrence.core.stochastic.StochasticGame.outcome_table`: payoffs and transitions
   of intended actions, expected over the noise) at three values of ``x`` (``c``, ``c + 1``,
   ``c + 2``, ``c`` its calibrated value: linear payoffs and unchanged transitions are checked
   exactly); rows that differ only in the discount rate share them.
2. The search of ``markov_perfect_equilibria`` (alternating policy iteration on the one-shot
   gains from the starts of :func:`~deterrence.models.us_iran_exchange.search_starts`, the
   same rules and tie-breaks) for every grid point and start at once in floating point:
   batched ``numpy.linalg.solve`` for the values and array contractions for the gains. A
   decision that the floats cannot settle (a gain within a tolerance of zero or of another
   action's gain) marks the point undecided.
3. The searches with a doubtful decision run again exactly, each from its start at its point
   (:func:`~deterrence.models.us_iran_exchange.search_end`, as the point-by-point search does).
4. Exact certification: for every row and every profile a search ended at, the values in
   python-flint rationals (``fmpq_mat``), the exact gains ``g0 + x g1`` and the exact interval
   of ``x`` on which none is positive; each grid point is checked against it exactly, and the
   equilibria at a point are listed in the order of the starts that reached them.

So every equilibrium reported is certified in exact arithmetic, and the map equals the
point-by-point search (``tests/test_us_iran_exchange_map.py`` cross-checks a grid).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from deterrence.models.us_iran_exchange import ACTIONS, PLAYERS, STATES, TRANSIENT, exchange_model

#: a float decision (a gain against zero, or against another action's gain) is left to exact
#: arithmetic when the gap is under ROUNDING * scale / (1 - delta), scale = (largest payoff + 1) /
#: (1 - delta) the size of the values; the float gains' error, measured against the exact ones on
#: 100 x 100 grids (annual rates 0.01-0.9), was at most 3.4e-17 * scale / (1 - delta): a margin of 100
ROUNDING = 4e-15
#: the largest grid by default (``max_points=`` raises it); the search keeps every start's
#: profile at every point (6 x 2 x 14 indices: 1.3 KB a point) beside its working chunk
MAX_POINTS = 250_000
#: searches run through the float search at once
CHUNK = 1 << 16
#: rows of one matrix product: OpenBLAS threads larger ones, which on a loaded machine made
#: them 20-400 times slower (measured); blocks this small stay on one thread
BLOCK = 64


@dataclass(frozen=True)
class MarkovPerfectMap:
    """Which pure Markov perfect equilibria the search finds at every point of a grid.

    ``axes``: ``((name, values), (name, values))``, the values exact. ``profiles``: every
    equilibrium found somewhere, each as ``((state, (US action, Iran action)), ...)`` sorted
    by state (the ``profile`` of :class:`~deterrence.models.us_iran_exchange.MarkovPerfect`).
    ``found[i][j]``: indices into ``profiles`` of the equilibria at point ``(i, j)``, in the
    order ``markov_perfect_equilibria`` returns them. ``exact_searches``: how many
    searches (a start at a point) step 3 ran exactly.
    """

    axes: tuple
    profiles: tuple
    found: tuple
    exact_searches: int = 0

    def counts(self):
        """The number of equilibria found at each point, as an integer array.

        >>> markov_perfect_map(("W_iran", [50]), ("annual_discount_rate", ["1/10"])).counts().tolist()
        [[2]]
        """
        import numpy as np
        return np.array([[len(cell) for cell in row] for row in self.found], dtype=int)

    def at(self, i, j) -> tuple:
        """The equilibrium profiles at point ``(i, j)``, as ``{state: (US, Iran)}`` dicts."""
        return tuple(dict(self.profiles[k]) for k in self.found[i][j])


class _Tables:
    """The exact outcome tables of the game (payoffs and transitions of intended actions,
    expected over the noise) as linear functions of the payoff parameter ``x``, flattened
    over ``(state, US action, Iran action)``: ``pay = pay0 + x pay1`` (rows of (US, Iran)) and
    ``nxt`` (rows of next-state probabilities). Absorbing states repeat their one profile."""

    def __init__(self, name, overrides):
        from deterrence.errors import GameError
        model = exchange_model(**overrides)           # bad overrides fail here, with their own message
        c = model.v[name]
        pay_c, nxt = _outcomes(model)
        wrong = GameError(f"{name} is not a payoff parameter of the exchange model (the payoffs must be "
                          "linear in it and the transitions must not depend on it): put it on the second axis")
        try:
            (pay_a, nxt_a), (pay_b, nxt_b) = (_outcomes(exchange_model(**{**overrides, name: c + step}))
                                              for step in (1, 2))
        except GameError:
            raise wrong from None
        pay1 = [tuple(a - b for a, b in zip(r1, r0)) for r1, r0 in zip(pay_a, pay_c)]
        if nxt_a != nxt or nxt_b != nxt or [tuple(a - b for a, b in zip(r2, r1))
                                            for r2, r1 in zip(pay_b, pay_a)] != pay1:
            raise wrong
        # pay(x) = pay(c) + (x - c) pay1 = pay0 + x pay1
        self.pay0 = [tuple(v - c * w for v, w in zip(r, r1)) for r, r1 in zip(pay_c, pay1)]
        self.pay1, self.nxt = pay1, nxt
        self._flint = None

    def floats(self):
        """``(pay0, pay1, nxt)`` as float arrays of shapes (S, U, I, 2), (S, U, I, 2), (S, U, I, S)."""
        import numpy as np
        shape = (len(STATES), len(ACTIONS["US"]), len(ACTIONS["Iran"]))
        return tuple(np.array([[float(v) for v in r] for r in rows]).reshape(shape + (-1,))
                     for rows in (self.pay0, self.pay1, self.nxt))

    def flint(self):
        """``(flint, pay, nxt)`` in python-flint rationals, built once: ``pay[k]`` the four numbers
        (US, x^0), (US, x^1), (Iran, x^0), (Iran, x^1) of flat profile ``k``; ``nxt[k]`` its
        next states as ``(state index, probability)`` pairs (the nonzero ones)."""
        if self._flint is None:
            from deterrence.core.exact import flint_module, to_fmpq
            fl = flint_module()
            pay = [[to_fmpq(v, fl.fmpq) for p in range(2) for v in (r0[p], r1[p])]
                   for r0, r1 in zip(self.pay0, self.pay1)]
            nxt = [[(t, to_fmpq(v, fl.fmpq)) for t, v in enumerate(r) if v] for r in self.nxt]
            self._flint = (fl, pay, nxt)
        return self._flint


def _outcomes(model):
    """``(payoff rows, next-state rows)`` of the game's outcome tables, flattened over
    ``(state, US action, Iran action)``."""
    game = model.stochastic_game
    pay, nxt = [], []
    for s in STATES:
        table = game.outcome_table(s)
        for u in range(len(ACTIONS["US"])):
            for i in range(len(ACTIONS["Iran"])):
                p, t = table[(u, i) if s in TRANSIENT else (0, 0)]
                pay.append(tuple(p))
                nxt.append(tuple(t))
    return pay, nxt


#: the transient states come first in STATES; only they have choices
N_TRANSIENT = len(TRANSIENT)
assert STATES[:N_TRANSIENT] == TRANSIENT


def _keys(codes):
    """One integer per pure profile (``codes[..., 2, S]``): two bits an action, transient states only."""
    import numpy as np
    flat = codes[..., :N_TRANSIENT].reshape(codes.shape[:-2] + (2 * N_TRANSIENT,))
    return flat.astype(np.int64) @ (4 ** np.arange(2 * N_TRANSIENT, dtype=np.int64))


def _flat(s, u, i) -> int:
    s, u, i = int(s), int(u), int(i)
    return (s * len(ACTIONS["US"]) + u) * len(ACTIONS["Iran"]) + i


class _Row:
    """One value of the second axis: its tables (shared by rows that differ only in the
    discount rate) and its discount factor per round."""

    def __init__(self, name, overrides, shared):
        key = tuple(sorted((k, v) for k, v in overrides.items() if k != "annual_discount_rate"))
        if key not in shared:
            shared[key] = _Tables(name, overrides)
        self.tables = shared[key]
        self.table_id = list(shared).index(key)
        self.delta = exchange_model(**overrides).delta


def markov_perfect_map(x, y, *, max_points: int = MAX_POINTS, **overrides) -> MarkovPerfectMap:
    """The pure Markov perfect equilibria that ``markov_perfect_equilibria`` finds, at every
    point of the grid ``x`` (a payoff parameter) by ``y`` (any other calibration value), each
    certified exactly. ``x`` and ``y`` are ``(name, values)``; values are read exactly
    (``0.1`` is ``1/10``); ``overrides`` set other calibration values. The axes are checked
    before any point by the one check of a map's axes,
    :func:`~deterrence.core.map_axes.check_map_axes` (the messages of
    :func:`~deterrence.analysis.maps.regime_map`, starting ``markov_perfect_map:``): a grid of
    more than ``max_points`` points is a :class:`~deterrence.errors.TooLargeError`; a
    probability outside [0, 1] is refused, naming the axis and its first value outside.

    >>> m = markov_perfect_map(("W_iran", [1, 50]), ("annual_discount_rate", ["1/10", "1/2"]))
    >>> m.counts().tolist()
    [[2, 2], [2, 2]]
    >>> from deterrence.models.us_iran_exchange import contained_profile
    >>> m.at(1, 1)[0] == contained_profile()       # at the calibration: the contained exchange first
    True
    """
    import bisect

    import numpy as np

    from deterrence.core.map_axes import check_map_axes
    from deterrence.core.numbers import to_exact
    from deterrence.models.us_iran_exchange import search_end, search_starts
    # the one check of a map's axes (regime_map's): shape, names, size, values and the model's
    # ranges, with the same messages, before any point
    axes = check_map_axes(x, y, overrides, exchange_model, max_points, caller="markov_perfect_map",
                          y_required=True)
    (xname, xs), (yname, ys) = ((name, [to_exact(v.item() if hasattr(v, "item") else v, name) for v in values])
                                for name, values in axes.items())
    shared: dict = {}
    rows = [_Row(xname, {**overrides, yname: yv}, shared) for yv in ys]
    ends, undecided = _float_search(rows, xs)
    # step 3: the searches the floats could not settle, exactly (only those starts at those points)
    starts = list(search_starts().values())
    for k, j, i in zip(*undecided.nonzero()):
        model = exchange_model(**{**overrides, xname: xs[i], yname: ys[j]})
        ends[k, j, i] = _encode_codes(search_end(model, starts[k]))
    # step 4: each row's distinct end profiles, their exact intervals, and the points inside them
    order = sorted(range(len(xs)), key=xs.__getitem__)
    in_order = [xs[i] for i in order]
    rank = np.empty(len(xs), dtype=int)
    rank[order] = np.arange(len(xs))
    profiles, index = [], {}
    found = [[() for _ in ys] for _ in xs]
    for j, row in enumerate(rows):
        flat = ends[:, j].reshape((len(starts) * len(xs),) + ends.shape[3:])
        _, first, inverse = np.unique(_keys(flat), return_index=True, return_inverse=True)
        unique = flat[first]
        inside = np.zeros((len(unique), len(xs)), dtype=bool)
        for u, codes in enumerate(unique):
            interval = _interval(row, codes)
            if interval is None:
                continue
            lo, hi = interval
            low = 0 if lo is None else bisect.bisect_left(in_order, lo)
            high = len(xs) if hi is None else bisect.bisect_right(in_order, hi)
            inside[u] = (rank >= low) & (rank < high)
        inverse = inverse.reshape(len(starts), len(xs))
        for i in range(len(xs)):
            cell = []
            for u in inverse[:, i]:
                if inside[u, i] and u not in cell:
                    cell.append(u)
            for u in cell:
                key = unique[u].astype(np.int8).tobytes()
                if key not in index:
                    index[key] = len(profiles)
                    profiles.append(_profile(unique[u]))
            found[i][j] = tuple(index[unique[u].astype(np.int8).tobytes()] for u in cell)
    return MarkovPerfectMap(((xname, tuple(xs)), (yname, tuple(ys))), tuple(profiles),
                            tuple(tuple(row) for row in found),
                            int(undecided.sum()))


def _encode(profile):
    """A pure profile ``{state: (US, Iran)}`` as the search's array of action indices, as bytes."""
    import numpy as np
    codes = np.zeros((2, len(STATES)), dtype=np.int8)
    for s, (u, i) in profile.items():
        codes[0, STATES.index(s)] = ACTIONS["US"].index(u)
        codes[1, STATES.index(s)] = ACTIONS["Iran"].index(i)
    return codes.tobytes()


def _profile(codes) -> tuple:
    return tuple(sorted((s, (ACTIONS["US"][codes[0, k]], ACTIONS["Iran"][codes[1, k]]))
                        for k, s in enumerate(STATES) if s in TRANSIENT))


def _interval(row, codes):
    """``(lo, hi)``: the exact interval of the payoff parameter on which the pure profile
    ``codes`` has no profitable one-shot deviation (``None``: unbounded), or ``None`` when
    there is no such value. The values are ``V0 + x V1`` (one exact solve, four right-hand
    sides); each one-shot gain is ``g0 + x g1``."""
    from deterrence.core.exact import solve_flint
    fl, pay, nxt = row.tables.flint()
    n, delta = len(STATES), fl.fmpq(row.delta.numerator, row.delta.denominator)
    us, ir = codes
    played = [_flat(s, us[s], ir[s]) for s in range(n)]
    M = [fl.fmpq(int(a == b)) for a in range(n) for b in range(n)]
    for a, k in enumerate(played):
        for t, prob in nxt[k]:
            M[a * n + t] -= delta * prob
    V = solve_flint(fl.fmpq_mat(n, n, M), fl.fmpq_mat(n, 4, [v for k in played for v in pay[k]])).table()
    dV = [[delta * v for v in r] for r in V]
    lo = hi = None
    for s in range(n):
        if STATES[s] not in TRANSIENT:
            continue
        for p, player in enumerate(PLAYERS):
            for a in range(len(ACTIONS[player])):
                if a == (us, ir)[p][s]:
                    continue
                k = _flat(s, a, ir[s]) if p == 0 else _flat(s, us[s], a)
                # the deviation's one-shot value less the profile's, as g0 + x g1
                g0, g1 = (pay[k][c] + sum((prob * dV[t][c] for t, prob in nxt[k]), fl.fmpq()) - V[s][c]
                          for c in (2 * p, 2 * p + 1))
                if g1 == 0:
                    if g0 > 0:
                        return None
                elif g1 > 0:
                    hi = -g0 / g1 if hi is None else min(hi, -g0 / g1)
                else:
                    lo = -g0 / g1 if lo is None else max(lo, -g0 / g1)
    if lo is not None and hi is not None and lo > hi:
        return None
    return tuple(None if b is None else Fraction(int(b.p), int(b.q)) for b in (lo, hi))


# -- step 2: the search in floating point, every point and start at once ------------------------
def _float_search(rows, xs):
    """``(ends, undecided)``: the pure profile each start's search ends at, as action indices
    ``ends[start, row, x] = [[US per state], [Iran per state]]``, and the searches
    (``undecided[start, row, x]``) in which a float decision was too close to call."""
    import numpy as np

    from deterrence.models.us_iran_exchange import search_starts
    n_rows, n_x, n = len(rows), len(xs), len(STATES)
    tables = {}
    for r in rows:
        tables.setdefault(r.table_id, r.tables)
    floats = [tables[t].floats() for t in sorted(tables)]
    pay0, pay1, nxt = (np.array([f[k] for f in floats]) for k in range(3))   # (tables, S, U, I, .)
    delta = np.array([float(r.delta) for r in rows])
    xv = np.array([float(v) for v in xs])
    t_of_row = np.array([r.table_id for r in rows])
    top0, top1 = np.abs(pay0).max(axis=(1, 2, 3, 4)), np.abs(pay1).max(axis=(1, 2, 3, 4))
    scale = (top0[t_of_row][:, None] + top1[t_of_row][:, None] * np.abs(xv)[None, :] + 1.0) / (1.0 - delta[:, None])
    starts = np.array([_encode_codes(p) for p in search_starts().values()])
    # every (start, row, x) is one search: flat arrays of length N
    k_idx, r_idx, x_idx = (a.ravel() for a in np.meshgrid(np.arange(len(starts)), np.arange(n_rows),
                                                          np.arange(n_x), indexing="ij"))
    codes = starts[k_idx]                                 # (N, 2, S)
    undecided = np.zeros(len(codes), dtype=bool)
    search = _Search(pay0, pay1, nxt, t_of_row, delta, r_idx, xv[x_idx],
                     ROUNDING * scale[r_idx, x_idx] / (1.0 - delta[r_idx]))
    for first in range(0, len(codes), CHUNK):             # bounded memory
        active = np.arange(first, min(first + CHUNK, len(codes)))
        for _ in range(20):                               # markov_perfect_equilibria's rounds
            if not active.size:
                break
            before = codes[active]
            after = before
            for player in (0, 1):
                after, flagged = search.best_response(after, active, player)
                undecided[active[flagged]] = True
            codes[active] = after
            active = active[np.any(after != before, axis=(1, 2))]
    return codes.reshape(len(starts), n_rows, n_x, 2, n), undecided.reshape(len(starts), n_rows, n_x)


def _encode_codes(profile):
    import numpy as np
    return np.frombuffer(_encode(profile), dtype=np.int8).reshape(2, len(STATES)).astype(np.intp)


class _Search:
    """Policy iteration for one player (``ExchangeModel.best_response``: switch, in every state
    at once, to the most profitable one-shot deviation, ties to the larger action name, until
    none pays) on a batch of searches, each at its own row and ``x``.

    Searches on the same row at the same profile share their values, which are linear in ``x``:
    one solve with two right-hand sides gives ``V0`` and ``V1``, and every gain is ``G0 + x G1``."""

    def __init__(self, pay0, pay1, nxt, table_of_row, delta_of_row, row, x, tol):
        import numpy as np
        self.np = np
        self.pay0, self.pay1, self.nxt = pay0, pay1, nxt
        n_t, n, n_u, n_i = nxt.shape[:4]
        self.nxt_flat = nxt.reshape(n_t, n * n_u * n_i, n)
        self.table_of_row, self.delta_of_row = table_of_row, delta_of_row
        self.row, self.x, self.tol = row, x, tol
        self.rank = [np.argsort(np.argsort(np.array(ACTIONS[p]))) for p in PLAYERS]
        if len(delta_of_row) >= 1 << (62 - 4 * N_TRANSIENT):
            from deterrence.errors import TooLargeError
            raise TooLargeError(f"{len(delta_of_row)} values on the second axis; at most "
                                f"{(1 << (62 - 4 * N_TRANSIENT)) - 1}")

    def best_response(self, codes, active, player):
        """``(new codes, indices into active of the searches with a doubtful decision)``."""
        np = self.np
        codes = codes.copy()
        flagged = np.zeros(len(active), dtype=bool)
        todo = np.arange(len(active))
        for _ in range(100):
            if not todo.size:
                break
            sub = active[todo]
            gains = self._gains(codes[todo], sub, player)                 # (m, transient states, A)
            own = codes[todo, player, :N_TRANSIENT]
            tol = self.tol[sub][:, None]
            np.put_along_axis(gains, own[..., None], -np.inf, axis=2)     # deviations only
            top = gains.max(axis=2)
            near = gains >= (top - tol)[..., None]                        # within a tie of the best
            choice = np.argmax(np.where(near, self.rank[player], -1), axis=2)
            switch = top > tol
            doubtful = (np.abs(top) <= tol) | ((near.sum(axis=2) > 1) & (top > -tol))
            flagged[todo] |= doubtful.any(axis=1)
            new_own = np.where(switch, choice, own)
            changed = np.any(new_own != own, axis=1)
            codes[todo, player, :N_TRANSIENT] = new_own
            todo = todo[changed]
        return codes, np.nonzero(flagged)[0]

    def _gains(self, codes, sub, player):
        """One-shot gains ``Q - V`` of every action of ``player`` in every transient state."""
        np = self.np
        n = codes.shape[2]
        keys = self.row[sub] * (1 << 2 * 2 * N_TRANSIENT) + _keys(codes)   # one integer per (row, profile)
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        r = self.row[sub][first]
        t, d = self.table_of_row[r], self.delta_of_row[r]
        us, ir = codes[first, 0, :], codes[first, 1, :]
        tt, ss = t[:, None], np.arange(n)[None, :]
        pay = np.stack([self.pay0[tt, ss, us, ir, player], self.pay1[tt, ss, us, ir, player]], axis=2)
        P = self.nxt[tt, ss, us, ir]                                                   # (k, S, S)
        V = np.linalg.solve(np.eye(n) - d[:, None, None] * P, pay)                    # (k, S, 2)
        # the continuation of every intended profile: small matrix products, per table
        cont = np.empty((len(r), 2, self.nxt_flat.shape[1]))
        for k in np.unique(t):
            rows = np.nonzero(t == k)[0]
            for b in range(0, len(rows), BLOCK):
                block = rows[b:b + BLOCK]
                cont[block] = np.swapaxes(V[block], 1, 2) @ self.nxt_flat[k].T
        cont = cont.reshape((len(r), 2) + self.nxt.shape[1:4])                      # (k, 2, S, U, I)
        Q = (np.stack([self.pay0[t][..., player], self.pay1[t][..., player]], axis=1)
             + d[:, None, None, None, None] * cont)
        if player == 0:
            Q = np.take_along_axis(Q, ir[:, None, :, None, None], axis=4)[..., 0]     # (k, 2, S, U)
        else:
            Q = np.take_along_axis(Q, us[:, None, :, None, None], axis=3)[:, :, :, 0, :]  # (k, 2, S, I)
        G = Q - np.swapaxes(V, 1, 2)[..., None]                                       # (k, 2, S, A)
        x = self.x[sub][:, None, None]
        return G[inverse, 0, :N_TRANSIENT] + x * G[inverse, 1, :N_TRANSIENT]


__all__ = ["MarkovPerfectMap", "markov_perfect_map", "ROUNDING"]
