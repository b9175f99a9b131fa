"""Strategy frequency estimation (SFEM): which repeated-game strategies explain observed play?

Given observed matches (a player's own actions and the opponent's, round by
round) and a set of candidate strategies written as automata, the **strategy
frequency estimation method** finds by maximum likelihood the shares
``phi_k`` of the candidates in the population and a tremble probability
``gamma`` (P. Dal Bó and G. R. Fréchette, "The evolution of cooperation in
infinitely repeated games: experimental evidence", American Economic Review
101(1), 2011, 411-429, online appendix; D. Fudenberg, D. G. Rand and A. Dreber,
"Slow to anger and fast to forgive: cooperation in an uncertain world",
American Economic Review 102(2), 2012, 720-749).

The model (our choices, stated so results can be compared):

* Each match is played by one candidate ``k``, drawn with probability ``phi_k``.
* The automaton moves on the **observed** history (own and opponent actions as
  they happened, own trembles included), as in Dal Bó and Fréchette.
* In each round the automaton prescribes an action (or, for a stochastic
  automaton such as generous tit-for-tat, a distribution ``p`` over actions);
  the observed action is the prescribed one with probability ``1 - gamma`` and
  otherwise one of the ``m - 1`` other actions, uniformly. For a distribution
  ``p`` the chance of observing ``a`` is ``(1 - gamma) p(a) + gamma (1 - p(a)) /
  (m - 1)``: the tremble of :class:`deterrence.core.repeated.Noise` applied to
  the automaton's own randomisation. (Dal Bó and Fréchette use a logistic
  error ``1 / (1 + exp(-1/beta))`` for two actions; with three actions a uniform
  error over the others is the natural analogue.) ``gamma`` lies in
  ``[0, (m - 1)/m]``, so the prescribed action is never less likely than another.
* The likelihood of the data is ``prod_i sum_k phi_k prod_t P_k(a_it | history)``.

Fitting: for fixed ``gamma`` the log-likelihood is concave in the shares, and
the EM algorithm (A. P. Dempster, N. M. Laird and D. B. Rubin, J. Royal Stat.
Soc. B 39, 1977) reaches its maximum; ``gamma`` is then chosen by maximising
this profile likelihood with :func:`scipy.optimize.minimize_scalar` (bounded
Brent, after a grid). Standard errors come from the inverse of the observed
information (a central-difference Hessian of the log-likelihood in the free
parameters: all shares but the largest, and ``gamma``); a share estimated at
zero lies on the boundary, where this theory does not apply, and gets ``nan``.
AIC = 2p - 2 logL and BIC = p ln(n) - 2 logL with p free parameters and n the
number of matches (the independent units).
"""
from __future__ import annotations

import html
import math
from dataclasses import dataclass

import numpy as np

from deterrence.core.random import rng as make_rng
from deterrence.errors import GameError
from deterrence.solvers.result import TextRepr


@dataclass(frozen=True)
class SFEMResult(TextRepr):
    """Estimated strategy shares, their standard errors, the tremble and fit statistics.

    ``posteriors[i][k]``: probability that match ``i`` was played by candidate ``k``,
    given the estimates (Bayes' rule). Its repr is one line, the shares by size (the
    dataclass repr printed every posterior: a review); Jupyter shows the HTML table.

    >>> SFEMResult(("tit_for_tat", "hawk"), (0.25, 0.75), (0.1, 0.1), 0.1, 0.01, True, -3.0, 8.0, 8.0, 2, 5, "US")
    <SFEMResult: US, 2 matches: hawk 0.750 (s.e. 0.100), tit_for_tat 0.250 (s.e. 0.100); tremble 0.100; AIC 8.00>
    """

    strategies: tuple
    shares: tuple
    standard_errors: tuple
    gamma: float
    gamma_se: float
    gamma_estimated: bool
    loglik: float
    aic: float
    bic: float
    n_matches: int
    n_observations: int
    player: str
    posteriors: tuple = ()
    notes: tuple = ()

    def share(self, name) -> float:
        """The share of a candidate, by name.

        >>> r = SFEMResult(("tit_for_tat",), (1.0,), (0.0,), 0.1, 0.01, True, -3.0, 8.0, 8.0, 1, 5, "US")
        >>> r.share("tit_for_tat")
        1.0
        """
        if name not in self.strategies:
            raise GameError(f"no candidate {name!r}; candidates: {', '.join(self.strategies)}")
        return self.shares[self.strategies.index(name)]

    def repr_text(self) -> str:
        order = sorted(range(len(self.strategies)), key=lambda k: -self.shares[k])
        shares = ", ".join(f"{self.strategies[k]} {self.shares[k]:.3f} (s.e. {_fmt(self.standard_errors[k])})"
                           for k in order)
        return (f"{self.player}, {self.n_matches} match{'' if self.n_matches == 1 else 'es'}: {shares}; "
                f"tremble {self.gamma:.3f}; AIC {self.aic:.2f}")

    def to_text(self) -> str:
        """A plain-text table of the estimates.

        >>> r = SFEMResult(("tit_for_tat",), (1.0,), (0.0,), 0.1, 0.01, True, -3.0, 8.0, 8.0, 1, 5, "US")
        >>> print(r.to_text().splitlines()[0])
        Strategy frequency estimation for US: 1 matches, 5 observed actions
        """
        w = max([len(s) for s in self.strategies] + [8])
        lines = [f"Strategy frequency estimation for {self.player}: {self.n_matches} matches, "
                 f"{self.n_observations} observed actions",
                 f"{'strategy':<{w}}  {'share':>7}  {'s.e.':>7}"]
        for s, p, e in zip(self.strategies, self.shares, self.standard_errors):
            lines.append(f"{s:<{w}}  {p:7.3f}  {_fmt(e):>7}")
        how = "estimated" if self.gamma_estimated else "fixed"
        lines.append(f"{'tremble gamma':<{w}}  {self.gamma:7.3f}  {_fmt(self.gamma_se):>7}  ({how})")
        lines.append(f"log-likelihood {self.loglik:.3f}   AIC {self.aic:.2f}   {self._bic_text()}")
        lines.extend(f"note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def _bic_text(self) -> str:
        """BIC, or why it is not shown: with one match its penalty k·log(1) is zero.

        >>> SFEMResult(("tit_for_tat",), (1.0,), (0.0,), 0.1, 0.01, True, -3.0, 8.0, 8.0, 1, 5, "US")._bic_text()
        'BIC n/a (one match: its penalty k·log 1 is 0; compare fits by AIC)'
        >>> SFEMResult(("tit_for_tat",), (1.0,), (0.0,), 0.1, 0.01, True, -3.0, 8.0, 8.5, 3, 15, "US")._bic_text()
        'BIC 8.50'
        """
        if self.n_matches == 1:
            return "BIC n/a (one match: its penalty k·log 1 is 0; compare fits by AIC)"
        return f"BIC {self.bic:.2f}"

    def to_json(self) -> dict:
        """A JSON-ready dict (``nan`` standard errors become ``None``); the log-likelihood under
        ``log_likelihood``, as every other fit's JSON names it (it was ``loglik``).

        >>> r = SFEMResult(("tit_for_tat",), (1.0,), (float("nan"),), 0.1, 0.01, True, -3.0, 8.0, 8.0, 1, 5, "US")
        >>> r.to_json()["standard_errors"], r.to_json()["log_likelihood"]
        ({'tit_for_tat': None}, -3.0)
        """
        from deterrence.core.numbers import json_float as num      # the one rule: NaN and inf are null
        return {"player": self.player, "strategies": list(self.strategies),
                "shares": {s: num(p) for s, p in zip(self.strategies, self.shares)},
                "standard_errors": {s: num(e) for s, e in zip(self.strategies, self.standard_errors)},
                "gamma": num(self.gamma), "gamma_se": num(self.gamma_se),
                "gamma_estimated": self.gamma_estimated, "log_likelihood": num(self.loglik),
                "aic": num(self.aic), "bic": num(self.bic), "n_matches": self.n_matches,
                "n_observations": self.n_observations,
                "posteriors": [list(map(num, row)) for row in self.posteriors],
                "notes": list(self.notes)}

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(s)}</td><td>{p:.3f}</td><td>{_fmt(e)}</td>"
                       f'<td><div style="background:#4a7ab5;height:0.8em;width:{max(0.0, p) * 120:.0f}px">'
                       "</div></td></tr>"
                       for s, p, e in zip(self.strategies, self.shares, self.standard_errors))
        how = "estimated" if self.gamma_estimated else "fixed"
        notes = "".join(f"<br><i>{html.escape(n)}</i>" for n in self.notes)
        return (f"<div><b>Strategy frequency estimation</b> for {html.escape(self.player)}: "
                f"{self.n_matches} matches, {self.n_observations} observed actions"
                f"<table><tr><th>strategy</th><th>share</th><th>s.e.</th><th></th></tr>{rows}"
                f"<tr><td>tremble &gamma; ({how})</td><td>{self.gamma:.3f}</td><td>{_fmt(self.gamma_se)}"
                f"</td><td></td></tr></table>log-likelihood {self.loglik:.3f}, AIC {self.aic:.2f}, "
                f"{html.escape(self._bic_text())}{notes}</div>")


def _fmt(x):
    return "n/a" if x is None or not math.isfinite(x) else f"{x:.3f}"


# -- inputs -----------------------------------------------------------------------
def _resolve(game, candidates, player):
    from deterrence.core.automaton import Automaton
    from deterrence.core.repeated import read_profile
    if getattr(game, "n_players", None) != 2:
        raise GameError("strategy estimation needs a two-player stage game")
    i = game.player_index(player)
    if isinstance(candidates, (str, Automaton)):
        candidates = [candidates]
    candidates = list(candidates)
    if not candidates:
        raise GameError("give at least one candidate strategy")
    out = []
    for c in candidates:
        if isinstance(c, Automaton):
            a = c
        elif isinstance(c, str):
            a = read_profile(game, [c, c])[i]
            a = _renamed(a, c.strip()) if "(" in c else a   # keep parameters in the label
        else:
            raise GameError(f"a candidate is a strategy name or an Automaton, not {type(c).__name__}")
        if a.actions != tuple(game.actions[i]) or a.opponent_actions != tuple(game.actions[1 - i]):
            raise GameError(f"candidate {a.name or c!r} is not built for player {game.players[i]} of this game "
                            f"(its actions {', '.join(a.actions)})")
        if a.is_symbolic:
            a = a.subs(game.parameters)
            if a.is_symbolic:
                raise GameError(f"candidate {a.name!r} has probabilities with unknown parameters")
        out.append(a)
    names = [a.name or f"candidate_{k}" for k, a in enumerate(out)]
    for k, n in enumerate(names):
        if names.count(n) > 1:
            names[k] = f"{n}#{names[:k].count(n) + 1}"
    return i, out, tuple(names)


def _renamed(a, name):
    # "limited_retaliation(k=3)" keeps the call as its label
    from deterrence.core.automaton import Automaton
    spec = a.to_spec()
    return Automaton.from_spec(spec, a.actions, a.opponent_actions, name=name)


def _as_matches(histories, i, game):
    """List of (own index array, opponent index array)."""
    from deterrence.io.events_csv import EventHistory
    if isinstance(histories, EventHistory):
        histories = [histories]
    if isinstance(histories, tuple) and len(histories) == 2 and all(
            isinstance(x, (list, tuple)) and x and isinstance(x[0], str) for x in histories):
        histories = [histories]          # one match given as a pair
    own_pool, opp_pool = tuple(game.actions[i]), tuple(game.actions[1 - i])
    out = []
    for n, h in enumerate(histories):
        if isinstance(h, EventHistory):
            side = game.players[i]
            own, opp = h.match(side if side in h.players else i)
        else:
            try:
                own, opp = h
            except (TypeError, ValueError):
                raise GameError(f"match {n}: expected a pair (own actions, opponent's actions)") from None
        own, opp = list(own), list(opp)
        if len(own) != len(opp):
            raise GameError(f"match {n}: {len(own)} own actions but {len(opp)} opponent actions")
        out.append((_codes(own, own_pool, n, "own"), _codes(opp, opp_pool, n, "opponent")))
    if not out:
        raise GameError("no matches to estimate from")
    if sum(len(o) for o, _ in out) == 0:
        raise GameError("the matches have no rounds")
    return out


def _codes(seq, pool, n, who):
    codes = np.empty(len(seq), dtype=np.int64)
    for t, a in enumerate(seq):
        if isinstance(a, (int, np.integer)) and not isinstance(a, bool) and 0 <= a < len(pool):
            codes[t] = a
        elif a in pool:
            codes[t] = pool.index(a)
        else:
            raise GameError(f"match {n}, round {t}: unknown {who} action {a!r} (actions: {', '.join(pool)})")
    return codes


def _tables(a):
    probs = np.array([[float(p) for p in a.probabilities(s)] for s in a.states])
    return probs, np.asarray(a.transition_table), a.start_index


def _prescribed_probabilities(a, matches):
    """For each match, the automaton's probability of each observed own action."""
    probs, nxt, s0 = _tables(a)
    out = []
    for own, opp in matches:
        p = np.empty(len(own))
        s = s0
        for t in range(len(own)):
            p[t] = probs[s, own[t]]
            s = nxt[s, own[t], opp[t]]
        out.append(p)
    return out


class _Likelihood:
    """log L_ik(gamma) = sum_u C[i, k, u] log q(p_u, gamma), vectorised."""

    def __init__(self, automata, matches, m):
        per = [_prescribed_probabilities(a, matches) for a in automata]
        values = np.unique(np.round(np.concatenate([np.concatenate(x) for x in per]), 12))
        self.p = values
        self.C = np.zeros((len(matches), len(automata), len(values)))
        for k, lists in enumerate(per):
            for i, arr in enumerate(lists):
                idx = np.searchsorted(values, np.round(arr, 12))
                self.C[i, k] = np.bincount(idx, minlength=len(values))
        self.m = m
        self.gmax = (m - 1) / m

    def log_components(self, gamma):
        m = self.m
        with np.errstate(divide="ignore", invalid="ignore"):
            q = (1 - gamma) * self.p + gamma * (1 - self.p) / (m - 1)
            lq = np.log(q)
            terms = np.where(self.C > 0, self.C * lq, 0.0)
        return terms.sum(axis=2)               # [i, k]

    def loglik(self, shares, gamma, logc=None):
        logc = self.log_components(gamma) if logc is None else logc
        with np.errstate(divide="ignore", invalid="ignore"):
            x = logc + np.log(np.asarray(shares, dtype=float))[None, :]
        x = np.where(np.isnan(x), -np.inf, x)
        top = x.max(axis=1)
        good = np.isfinite(top)
        if not good.all():
            return -np.inf
        return float(np.sum(top + np.log(np.exp(x - top[:, None]).sum(axis=1))))

    def em(self, gamma, shares=None, iters=5000, tol=1e-11):
        logc = self.log_components(gamma)
        K = logc.shape[1]
        phi = np.full(K, 1 / K) if shares is None else np.asarray(shares, float)
        if not np.isfinite(logc.max(axis=1)).all():
            return phi, -np.inf
        prev = -np.inf
        for _ in range(iters):
            with np.errstate(divide="ignore"):
                x = logc + np.log(phi)[None, :]
            top = x.max(axis=1, keepdims=True)
            w = np.exp(x - top)
            tot = w.sum(axis=1, keepdims=True)
            ll = float(np.sum(top[:, 0] + np.log(tot[:, 0])))
            post = w / tot
            phi = post.mean(axis=0)
            if ll - prev < tol * (1 + abs(ll)):
                break
            prev = ll
        return phi, self.loglik(phi, gamma, logc)

    def posteriors(self, shares, gamma):
        logc = self.log_components(gamma)
        with np.errstate(divide="ignore"):
            x = logc + np.log(np.asarray(shares, float))[None, :]
        top = x.max(axis=1, keepdims=True)
        w = np.exp(x - top)
        return w / w.sum(axis=1, keepdims=True)


def estimate_strategy_mixture(histories, game, candidates, *, player=0, tremble=None) -> SFEMResult:
    """Maximum-likelihood shares of ``candidates`` (names or automata) in ``histories``.

    ``histories``: a list of matches, each a pair ``(own actions, opponent's actions)``
    of ``player`` (labels or indices), or an :class:`~deterrence.io.events_csv.EventHistory`
    (or a list of them, e.g. ``history.episodes()``). ``tremble``: a fixed ``gamma``, or
    ``None`` to estimate it.

    >>> from deterrence import load_game
    >>> g = load_game("us_iran_stage")
    >>> h = simulate_histories(g, {"tit_for_tat": 0.5, "always_hold": 0.5}, {"hawk": 1},
    ...                        matches=200, turns=10, tremble=0.05, seed=1)
    >>> r = estimate_strategy_mixture(h, g, ["tit_for_tat", "always_hold"])
    >>> abs(r.share("tit_for_tat") - 0.5) < 4 * r.standard_errors[0], round(sum(r.shares), 9)
    (True, 1.0)
    """
    i, automata, names = _resolve(game, candidates, player)
    matches = _as_matches(histories, i, game)
    m = len(game.actions[i])
    if m < 2:
        raise GameError("the player has one action: nothing to estimate")
    lik = _Likelihood(automata, matches, m)
    K = len(automata)
    notes = []
    if tremble is not None:
        try:
            gamma = float(tremble)
        except (TypeError, ValueError):
            raise GameError(f"tremble must be a number in [0, {lik.gmax:.3g}], got {tremble!r}") from None
        if not 0 <= gamma <= lik.gmax:
            raise GameError(f"tremble {gamma} outside [0, (m-1)/m] = [0, {lik.gmax:.3g}]")
        phi, ll = lik.em(gamma)
        if not math.isfinite(ll):
            raise GameError(f"with tremble {gamma}, some match is impossible under every candidate: "
                            "give tremble > 0 or estimate it (tremble=None)")
        estimated = False
    else:
        gamma, phi, ll = _fit_gamma(lik)
        estimated = True
    phi = np.clip(phi, 0, None)
    phi = phi / phi.sum()
    ses, gse = _standard_errors(lik, phi, gamma, estimated)
    if any(not math.isfinite(s) for s in ses):
        notes.append("shares on the boundary (near 0) have no standard error from the information matrix")
    n_par = (K - 1) + (1 if estimated else 0)
    n = len(matches)
    post = lik.posteriors(phi, gamma)
    return SFEMResult(strategies=names, shares=tuple(float(x) for x in phi),
                      standard_errors=tuple(float(x) for x in ses), gamma=float(gamma),
                      gamma_se=float(gse), gamma_estimated=estimated, loglik=float(ll),
                      aic=float(2 * n_par - 2 * ll), bic=float(n_par * math.log(n) - 2 * ll),
                      n_matches=n, n_observations=int(sum(len(o) for o, _ in matches)),
                      player=str(game.players[i]),
                      posteriors=tuple(tuple(float(x) for x in row) for row in post),
                      notes=tuple(notes))


def _fit_gamma(lik):
    from scipy.optimize import minimize_scalar
    gmax = lik.gmax
    grid = np.concatenate([[0.0], np.geomspace(1e-4, gmax * 0.999, 24)])
    best = None
    vals = []
    for g in grid:
        phi, ll = lik.em(g, iters=400, tol=1e-8)
        vals.append(ll)
        if best is None or ll > best[2]:
            best = (g, phi, ll)
    j = int(np.argmax(vals))
    if not math.isfinite(vals[j]):
        raise GameError("no tremble makes the data possible")  # cannot happen for gamma > 0
    if j == 0 and vals[0] >= vals[1]:
        g = 0.0
    else:
        lo = grid[max(j - 1, 0)]
        hi = grid[min(j + 1, len(grid) - 1)]
        res = minimize_scalar(lambda g: -lik.em(g, iters=400, tol=1e-8)[1], bounds=(lo, hi),
                              method="bounded", options={"xatol": 1e-7})
        g = float(res.x) if -res.fun >= vals[j] else float(grid[j])
    phi, ll = lik.em(g)
    return g, phi, ll


def _standard_errors(lik, phi, gamma, estimated):
    """Inverse observed information over the free parameters (shares but the largest, gamma)."""
    K = len(phi)
    interior = [k for k in range(K) if phi[k] > 1e-6]
    ref = max(interior, key=lambda k: phi[k])
    free = [k for k in interior if k != ref]
    ses = np.full(K, np.nan)
    gse = np.nan
    n_free = len(free) + (1 if estimated and gamma > 1e-8 else 0)
    if n_free == 0:
        if K == 1:
            ses[ref] = 0.0
        return ses, gse

    def f(x):
        p = phi.copy()
        for j, k in enumerate(free):
            p[k] = x[j]
        p[ref] = 1 - sum(p[k] for k in range(K) if k != ref)
        g = x[len(free)] if n_free > len(free) else gamma
        if np.any(p < 0) or not 0 <= g <= lik.gmax:
            return np.nan
        return lik.loglik(p, g)

    x0 = np.array([phi[k] for k in free] + ([gamma] if n_free > len(free) else []))
    h = np.array([min(1e-5, x0[j] / 4, (1 - x0[j]) / 4) if j < len(free) else
                  min(1e-5, gamma / 4, (lik.gmax - gamma) / 4) for j in range(n_free)])
    from deterrence.solvers.inference._information import log_likelihood_hessian
    H = log_likelihood_hessian(f, x0, h)      # the whole covariance is needed: the reference share's is a sum
    try:
        cov = np.linalg.inv(-H)
    except np.linalg.LinAlgError:
        return ses, gse
    if not np.all(np.isfinite(cov)):
        return ses, gse
    var = np.diag(cov)
    for j, k in enumerate(free):
        ses[k] = math.sqrt(var[j]) if var[j] > 0 else np.nan
    cs = cov[:len(free), :len(free)]
    if free:
        vref = float(cs.sum())
        ses[ref] = math.sqrt(vref) if vref >= 0 else np.nan
    elif K == 1:
        ses[ref] = 0.0
    if n_free > len(free):
        gse = math.sqrt(var[-1]) if var[-1] > 0 else np.nan
    return ses, gse


# -- simulated data ------------------------------------------------------------------
def simulate_histories(game, mixture, opponents, *, matches: int = 100, turns: int = 20,
                       tremble=0.0, player=0, seed=None, return_types: bool = False):
    """Simulate matches for testing and teaching: in each match ``player`` follows a
    strategy drawn from ``mixture`` (``{name or Automaton: share}``) and the opponent one
    drawn from ``opponents``; each realised action trembles to a uniformly chosen other
    action with probability ``tremble``, and both automata move on the realised actions.

    Returns a list of ``(own actions, opponent's actions)`` label tuples (and the
    index of each match's strategy in ``mixture`` when ``return_types``).

    >>> from deterrence import load_game
    >>> g = load_game("us_iran_stage")
    >>> simulate_histories(g, {"tit_for_tat": 1}, {"hawk": 1}, matches=1, turns=4, seed=0)
    [(('hold', 'retaliate', 'retaliate', 'retaliate'), ('retaliate', 'retaliate', 'escalate', 'escalate'))]
    """
    for name, v in (("matches", matches), ("turns", turns)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise GameError(f"{name} must be a whole number >= 1, got {v!r}")
    i, own_auto, own_p = _mixture(game, mixture, player, "mixture")
    _, opp_auto, opp_p = _mixture(game, opponents, 1 - i, "opponents")
    try:
        e = float(tremble)
    except (TypeError, ValueError):
        raise GameError(f"tremble must be a probability, got {tremble!r}") from None
    if not 0 <= e <= 1:
        raise GameError(f"tremble {e} is not a probability")
    gen = make_rng(seed)
    n = int(matches)
    ko = gen.choice(len(own_auto), size=n, p=own_p)
    kp = gen.choice(len(opp_auto), size=n, p=opp_p)
    sides = []
    for autos, ks in ((own_auto, ko), (opp_auto, kp)):
        S = max(a.n_states for a in autos)
        m = len(autos[0].actions)
        mo = len(autos[0].opponent_actions)
        P = np.zeros((len(autos), S, m))
        T = np.zeros((len(autos), S, m, mo), dtype=np.int64)
        for k, a in enumerate(autos):
            probs, nxt, _ = _tables(a)
            P[k, :a.n_states] = probs
            T[k, :a.n_states] = nxt
        start = np.array([autos[k].start_index for k in ks])
        sides.append((P, T, ks, start, m))
    out = np.zeros((2, n, int(turns)), dtype=np.int64)
    state = [sides[0][3].copy(), sides[1][3].copy()]
    for t in range(int(turns)):
        acts = []
        for s in (0, 1):
            P, T, ks, _, m = sides[s]
            cum = np.cumsum(P[ks, state[s]], axis=1)
            a = np.minimum((gen.random(n)[:, None] > cum).sum(axis=1), m - 1)
            flip = gen.random(n) < e
            if m > 1:
                shift = gen.integers(1, m, size=n)
                a = np.where(flip, (a + shift) % m, a)
            acts.append(a)
        for s in (0, 1):
            P, T, ks, _, m = sides[s]
            state[s] = T[ks, state[s], acts[s], acts[1 - s]]
            out[s, :, t] = acts[s]
    la, lb = game.actions[i], game.actions[1 - i]
    hist = [(tuple(la[x] for x in out[0, j]), tuple(lb[x] for x in out[1, j])) for j in range(n)]
    return (hist, [int(k) for k in ko]) if return_types else hist


def _mixture(game, mix, player, what):
    from deterrence.core.automaton import Automaton
    if isinstance(mix, (str, Automaton)):
        mix = {mix: 1}
    items = list(mix.items()) if isinstance(mix, dict) else list(mix)
    if not items:
        raise GameError(f"{what}: give at least one strategy")
    try:
        keys = [k for k, _ in items]
        p = np.array([float(v) for _, v in items])
    except (TypeError, ValueError):
        raise GameError(f"{what}: expected {{strategy: share}}") from None
    if np.any(p < 0) or not np.isclose(p.sum(), 1):
        raise GameError(f"{what}: shares must be >= 0 and sum to 1, got {p.tolist()}")
    i, autos, _ = _resolve(game, keys, player)
    return i, autos, p / p.sum()


__all__ = ["estimate_strategy_mixture", "SFEMResult", "simulate_histories"]
