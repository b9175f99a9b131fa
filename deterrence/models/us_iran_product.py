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

from deterrence.models.us_iran_exchange import (_FLAT, _TABLES, ACTIONS, PLAYERS, STATES, TRANSIENT, _fast,
                                                _outcome_tables, _remember)
from deterrence.solvers.stochastic.regime_switching import SEPARATOR


def switching_rows(stances, switching) -> dict | None:
    """Completed rows ``{from: {to: probability}}`` (staying is what is left, stances in the order
    of ``stances``), or ``None`` when some probability is outside [0, 1] or a row sums above 1:
    the caller then builds the product game, whose check names the stance.

    >>> switching_rows({"a": 0, "b": 0}, {"a": {"b": Fraction(1, 4)}})
    {'a': {'a': Fraction(3, 4), 'b': Fraction(1, 4)}, 'b': {'b': Fraction(1, 1)}}
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
    """
    from deterrence.core.exact import flint, from_fmpq
    fl = flint()
    fmpq = fl.fmpq
    names = list(stances)
    tables = {k: _remember(_TABLES, m.values, lambda m=m: _outcome_tables(m)) for k, m in stances.items()}
    delta = tables[names[0]][1]
    index = {k: i for i, k in enumerate(names)}
    T, nk = len(TRANSIENT), len(names)
    n = nk * T

    def q(x):
        return fmpq(x.numerator, x.denominator) if isinstance(x, Fraction) else fmpq(x)
    # (2) the absorbing states' values per stance: (I - delta R_s) V = u_s
    absorbing = {}
    for t in range(T, len(STATES)):
        s = STATES[t]
        rows = rows_after(s)
        M = [fmpq(int(a == b)) - delta * q(rows[a].get(b, 0)) for a in names for b in names]
        u = [x for k in names for x in tables[k][2][_FLAT[(s, "hold", "hold")]]]
        V = fl.fmpq_mat(nk, nk, M).solve(fl.fmpq_mat(nk, 2, u)).table()
        absorbing[t] = V
    # (3) the transient system
    row_of = {}
    for s in TRANSIENT:
        rows = rows_after(s)
        row_of[s] = {k: [(index[k2], q(p)) for k2, p in rows[k].items()] for k in names}
    M = [fmpq(int(a == b)) for a in range(n) for b in range(n)]
    r = [fmpq(0)] * (2 * n)
    cont_abs = {}       # (stance, state) -> {absorbing index: (US, Iran) expected over the switch}
    for k in names:
        ki = index[k]
        _, _, pay, nxt = tables[k]
        for j, s in enumerate(TRANSIENT):
            a = ki * T + j
            row = row_of[s][k]
            cont_abs[(k, s)] = {t: [sum((p * absorbing[t][k2][i] for k2, p in row), fmpq(0)) for i in (0, 1)]
                                for t in absorbing}
            f = _FLAT[(s, *profiles[k][s])]
            r[2 * a], r[2 * a + 1] = pay[f]
            for t, prob in nxt[f]:
                dq = delta * prob
                if t >= T:
                    ca = cont_abs[(k, s)][t]
                    r[2 * a] += dq * ca[0]
                    r[2 * a + 1] += dq * ca[1]
                    continue
                for k2, p in row:
                    M[a * n + k2 * T + t] -= dq * p
    V = fl.fmpq_mat(n, n, M).solve(fl.fmpq_mat(n, 2, r)).table()
    # (4) the gains
    gains = {}
    for k in names:
        ki = index[k]
        _, _, pay, nxt = tables[k]
        for j, s in enumerate(TRANSIENT):
            a = ki * T + j
            row = row_of[s][k]
            ca = cont_abs[(k, s)]
            cont = {}

            def continuation(t, i):
                if t >= T:
                    return ca[t][i]
                if (t, i) not in cont:
                    cont[(t, i)] = sum((p * V[k2 * T + t][i] for k2, p in row), fmpq(0))
                return cont[(t, i)]
            us, iran = profiles[k][s]
            for i, player in enumerate(PLAYERS):
                for act in ACTIONS[player]:
                    f = _FLAT[(s, act, iran) if i == 0 else (s, us, act)]
                    value = pay[f][i] + delta * sum((prob * continuation(t, i) for t, prob in nxt[f]), fmpq(0))
                    gains[(f"{k}{SEPARATOR}{s}", player, act)] = from_fmpq(value - V[a][i])
    return gains


__all__ = ["product_gains", "switching_rows", "fast_products"]
