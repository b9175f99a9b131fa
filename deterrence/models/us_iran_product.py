"""One-shot gains of the US–Iran regime-switching products, composed from the stances' own tables.

Claims 4 and 6 (:mod:`deterrence.models.us_iran_regimes`) check one pure profile of a
regime-switching product game (:func:`deterrence.solvers.stochastic.regime_switching.regime_switching`)
many times: once per bisection step of the reversal tipping points and per piece of the
low-presence continuation. Building the product as a
:class:`~deterrence.core.stochastic.StochasticGame` each time (key resolution, validation and
outcome tables in Fractions) cost most of a slider move. Here the same exact numbers come
straight from the stances' outcome tables in python-flint rationals (the exchange model's
``_outcome_tables``, kept per model), composed with the switching rows:

* the state ``k:s`` of the product plays what ``s`` plays in stance ``k``; after a realised
  profile the next state is ``k':s'`` with probability ``T_k(s' | s, b) R_s[k][k']``, so the
  outcome tables of the product are the stance's tables (already expected over the noise)
  times the switching row of the state;
* an absorbing state ``s`` (``war``, ``withdrawn``) is worth ``V_k = [(I - delta R_s)^(-1) u_s]_k``
  in stance ``k`` (the stance keeps switching while each round pays ``u_s`` of the stance in
  force): the value the product gives it through its annuity ``(1 - delta) V_k``, merged or not;
* the transient values solve ``(I - delta P) V = r + delta A`` (``A``: the absorbing states'
  part of the continuation), one python-flint solve with a right-hand side per player; the gain of a
  one-shot deviation is ``Q - V`` as in
  :func:`~deterrence.solvers.stochastic.markov_perfect.one_shot_gains` (Maskin and Tirole 2001).

References: J. D. Hamilton (1989), Econometrica 57 (regime switching); E. Maskin and J. Tirole
(2001), "Markov perfect equilibrium I", J. Econ. Theory 100 (one-shot deviations).

Steps of :func:`product_gains`: (1) the stances' tables; (2) the absorbing values per stance;
(3) the transient system and its solve; (4) the gains, in the order ``one_shot_gains`` lists them
(product states, then players, then actions), for the transient product states only (the
absorbing ones have a single action and gain 0). Tests compare every gain with
``one_shot_gains`` of the product game on random calibrations.

>>> from deterrence.models.us_iran_exchange import contained_profile, exchange_model
>>> stances = {"calm": exchange_model(), "hawk": exchange_model(W_iran=20)}
>>> rows = switching_rows(stances, {"calm": {"hawk": Fraction(1, 100)}, "hawk": {"calm": Fraction(1, 50)}})
>>> gains = product_gains(stances, lambda s: rows, {k: contained_profile() for k in stances})
>>> max(gains.values()) <= 0, len(gains)
(True, 168)
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.models.us_iran_exchange import (_FLAT, _TABLES, ACTIONS, PLAYERS, STATES, TRANSIENT, _fast, _identity,
                                                _outcome_tables, _remember)
from deterrence.solvers.stochastic.regime_switching import SEPARATOR


def switching_rows(stances, switching) -> dict | None:
    """Completed rows ``{from: {to: probability}}`` (staying is what is left, stances in the order
    of ``stances``), or ``None`` when some probability is outside [0, 1] or a row sums above 1:
    the caller then builds the product game, whose check names the stance.

    >>> switching_rows({"a": 0, "b": 0}, {"a": {"b": Fraction(1, 4)}})
    {'a': {'a': Fraction(3, 4), 'b': Fraction(1, 4)}, 'b': {'b': 1}}
    >>> switching_rows({"a": 0, "b": 0}, {"a": {"b": 2}}) is None
    True
    """
    names = list(stances)
    out = {}
    for k in names:
        given = {k2: Fraction(p) for k2, p in (switching.get(k) or {}).items() if k2 != k}
        if any(k2 not in names or not 0 <= p <= 1 for k2, p in given.items()):
            return None
        stay = 1 - sum(given.values())
        if stay < 0:
            return None
        out[k] = {k2: (stay if k2 == k else given[k2]) for k2 in names
                  if (k2 == k and stay) or given.get(k2)}
    return out


def fast_products(*models) -> bool:
    """Whether the products of these stance models take the composed path (python-flint on, no
    :func:`~deterrence.models.us_iran_exchange.reference_path`, exact values).

    >>> from deterrence.models.us_iran_exchange import exchange_model
    >>> fast_products(exchange_model())
    True
    """
    return all(_fast(m) for m in models)


def product_gains(stances, rows_after, profiles) -> dict:
    """``{(product state, player, action): gain}`` of every one-shot deviation in the transient
    product states of stances that switch (see the module docstring).

    ``stances``: ``{stance: ExchangeModel}`` (one chain and one discount factor: the stances
    change payoffs only); ``rows_after(state)``: the completed switching rows after a round in
    that state of the exchange game (:func:`switching_rows`); ``profiles``: ``{stance: {state:
    (US, Iran)}}``. Product states are named ``"stance:state"`` as in the product game (:data:`SEPARATOR`).

    >>> from deterrence.models.us_iran_exchange import contained_profile, exchange_model
    >>> stances = {"calm": exchange_model(), "hawk": exchange_model(W_iran=20)}
    >>> rows = switching_rows(stances, {"calm": {"hawk": Fraction(1, 100)}, "hawk": {"calm": Fraction(1, 50)}})
    >>> gains = product_gains(stances, lambda s: rows, {k: contained_profile() for k in stances})
    >>> sorted({key[0].split(":")[0] for key in gains}), max(gains.values()) <= 0   # no one-shot gain
    (['calm', 'hawk'], True)
    """
    from deterrence.core.exact import from_fmpq
    return {key: from_fmpq(g) for key, g in product_solution(stances, rows_after, profiles)[1].items()}


def _absorbing_values(tables, rows_after) -> dict:
    """``{state index: [[V_US, V_Iran] per stance]}`` of the absorbing states:
    ``(I - delta R_s) V = u_s`` (the stance keeps switching while each round pays ``u_s``)."""
    from deterrence.core.exact import flint
    fl = flint()
    names = list(tables)
    delta, nk = tables[names[0]][1], len(names)
    out = {}
    for t in range(len(TRANSIENT), len(STATES)):
        s = STATES[t]
        rows = rows_after(s)
        M = [fl.fmpq(int(a == b)) - delta * _q(fl, rows[a].get(b, 0)) for a in names for b in names]
        u = [x for k in names for x in tables[k][2][_FLAT[(s, "hold", "hold")]]]
        out[t] = fl.fmpq_mat(nk, nk, M).solve(fl.fmpq_mat(nk, 2, u)).table()
    return out


def _q(fl, x):
    return fl.fmpq(x.numerator, x.denominator) if isinstance(x, Fraction) else fl.fmpq(x)


def _tables(stances) -> dict:
    return {k: _remember(_TABLES, m.values, lambda m=m: _outcome_tables(m)) for k, m in stances.items()}


def merged_absorbing(stances, rows_after) -> tuple:
    """The absorbing states that the product game keeps as one state: those worth the same in
    every stance (their annuities agree), in the order of the exchange game's states.

    >>> from deterrence.models.us_iran_exchange import exchange_model
    >>> stances = {"calm": exchange_model(), "hawk": exchange_model(W_iran=20)}
    >>> rows = switching_rows(stances, {"calm": {"hawk": Fraction(1, 100)}, "hawk": {"calm": Fraction(1, 50)}})
    >>> merged_absorbing(stances, lambda s: rows)
    ('withdrawn',)
    """
    values = _absorbing_values(_tables(stances), rows_after)
    return tuple(STATES[t] for t, V in values.items() if all(row == V[0] for row in V))


def product_solution(stances, rows_after, profiles) -> tuple:
    """``(values, gains)`` of :func:`product_gains` in python-flint rationals: ``values[(stance,
    state)]`` the pair (US, Iran) of every transient product state, ``gains`` as there (fmpq).

    >>> from deterrence.models.us_iran_exchange import contained_profile, exchange_model
    >>> stances = {"calm": exchange_model(), "hawk": exchange_model(W_iran=20)}
    >>> rows = switching_rows(stances, {"calm": {"hawk": Fraction(1, 100)}})
    >>> values, gains = product_solution(stances, lambda s: rows, {k: contained_profile() for k in stances})
    >>> type(next(iter(values.values()))[0]).__name__, len(values) == 2 * len(TRANSIENT)
    ('fmpq', True)
    """
    from deterrence.core.exact import flint
    fl = flint()
    fmpq = fl.fmpq
    names = list(stances)
    tables = _tables(stances)
    delta = tables[names[0]][1]
    index = {k: i for i, k in enumerate(names)}
    T, nk = len(TRANSIENT), len(names)
    n = nk * T
    zero = fmpq()
    absorbing = _absorbing_values(tables, rows_after)       # (2)
    # (3) the transient system; the switching rows are shared by many states (one table object),
    # so their parts are kept by the row's identity
    row_of, abs_part = {}, {}
    alive = []          # every rows object stays referenced, so no two can share an id() here
    for s in TRANSIENT:
        rows = rows_after(s)
        alive.append(rows)
        row_of[s] = {}
        for k in names:
            key = (id(rows), k)
            if key not in abs_part:
                row = [(index[k2], _q(fl, p)) for k2, p in rows[k].items()]
                abs_part[key] = (row, {t: [sum((p * absorbing[t][k2][i] for k2, p in row), zero) for i in (0, 1)]
                                       for t in absorbing})
            row_of[s][k] = key
    M = list(_identity(fl, n))      # fmpq are immutable: the entries below are rebound, not changed
    r = [zero] * (2 * n)
    for k in names:
        ki = index[k]
        _, _, pay, nxt = tables[k]
        for j, s in enumerate(TRANSIENT):
            a = ki * T + j
            row, ca = abs_part[row_of[s][k]]
            f = _FLAT[(s, *profiles[k][s])]
            r_us, r_iran = pay[f]
            for t, prob in nxt[f]:
                dq = delta * prob
                if t >= T:
                    r_us += dq * ca[t][0]
                    r_iran += dq * ca[t][1]
                    continue
                for k2, p in row:
                    M[a * n + k2 * T + t] -= dq * p
            r[2 * a], r[2 * a + 1] = r_us, r_iran
    V = fl.fmpq_mat(n, n, M).solve(fl.fmpq_mat(n, 2, r)).table()
    # (4) the gains: the discounted continuation of a next-state row, kept by (switching row, next
    # row); what each next state is worth after a switching row is computed once per row (a row
    # serves many next-state rows, and each next state appears in many of them)
    worth, expected = {}, {}

    def continuation(key, nxt_row):
        got = expected.get((key, id(nxt_row)))
        if got is None:
            if key not in worth:
                row, ca = abs_part[key]
                worth[key] = [[sum((p * V[k2 * T + t][i] for k2, p in row), zero) for i in (0, 1)]
                              for t in range(T)] + [ca[t] for t in range(T, len(STATES))]
            w = worth[key]
            got = expected[(key, id(nxt_row))] = (delta * sum((prob * w[t][0] for t, prob in nxt_row), zero),
                                                  delta * sum((prob * w[t][1] for t, prob in nxt_row), zero))
        return got
    gains, values = {}, {}
    for k in names:
        ki = index[k]
        _, _, pay, nxt = tables[k]
        for j, s in enumerate(TRANSIENT):
            a = ki * T + j
            key = row_of[s][k]
            values[(k, s)] = (V[a][0], V[a][1])
            us, iran = profiles[k][s]
            state = f"{k}{SEPARATOR}{s}"
            for i, player in enumerate(PLAYERS):
                v = V[a][i]
                for act in ACTIONS[player]:
                    f = _FLAT[(s, act, iran) if i == 0 else (s, us, act)]
                    gains[(state, player, act)] = pay[f][i] + continuation(key, nxt[f])[i] - v
    return values, gains



def product_equilibria(switching, stances, rows_after, starts, *, max_rounds: int = 50) -> list:
    """What :func:`~deterrence.solvers.stochastic.regime_switching.regime_switching_equilibria`
    finds in ``switching`` (the product game of ``stances`` and ``rows_after``, as for
    :func:`product_gains`), with the same steps on the composed gains: each start lifted, then
    alternating exact best responses (Howard's policy iteration: every state switches to its
    largest positive one-shot gain, the first on ties) until a round changes nothing, each fixed
    point verified (no gain above 0); product profiles without repeats, in the order found.

    >>> from deterrence.models.us_iran_regimes import change_of_heart_game
    >>> from deterrence.models.us_iran_exchange import contained_profile, exchange_model
    >>> rs = change_of_heart_game(exchange_model())
    >>> stances = {k: exchange_model(**c) for k, c in (("status quo", {}), ("Iran hawkish", {"W_iran": 20, "A": 8}),
    ...                                              ("US gloves off", {"k_us": 6, "a_us": 2}))}
    >>> rows = dict(rs.switching)[""]
    >>> rows = {k: dict(r) for k, r in rows}
    >>> found = product_equilibria(rs, stances, lambda s: rows, [{k: contained_profile() for k in stances}])
    >>> len(found), found[0]["status quo:calm/israel"]
    (1, ('hold', 'retaliate'))
    """
    solved = {}

    def gains_of(profile):
        key = tuple(profile.values())
        if key not in solved:
            per_stance = {k: {s: profile[switching.state(k, s)] for s in TRANSIENT} for k in stances}
            solved[key] = product_solution(stances, rows_after, per_stance)[1]
        return solved[key]

    def best_response(profile, player):
        k = PLAYERS.index(player)
        current = dict(profile)
        for _ in range(1000):
            best = {}
            for (s, p, a), g in gains_of(current).items():
                if p == player and g > best.get(s, (0, None))[0]:
                    best[s] = (g, a)
            if not best:
                return current
            for s, (_, a) in best.items():
                current[s] = current[s][:k] + (a,) + current[s][k + 1:]
        from deterrence.errors import GameError
        raise GameError(f"policy iteration for {player} did not settle in 1000 steps")  # pragma: no cover

    found = []
    for start in starts:
        profile = switching.lift(start)
        for _ in range(max_rounds):
            new = profile
            for player in PLAYERS:
                new = best_response(new, player)
            if new == profile:
                break
            profile = new
        else:
            continue                     # no fixed point from this start
        if profile not in found and all(g <= 0 for g in gains_of(profile).values()):
            found.append(profile)
    return found


__all__ = ["product_gains", "product_solution", "product_equilibria", "merged_absorbing", "switching_rows",
           "fast_products"]
