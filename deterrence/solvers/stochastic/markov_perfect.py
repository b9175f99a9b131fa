"""Markov perfect equilibria of discounted stochastic games, each certified exactly.

A *stationary Markov strategy* gives each player, in each state, one mixed
action; a profile of them is a *Markov perfect equilibrium* (MPE) when no
player gains by deviating in any state. Because the game is discounted, the
one-shot deviation principle holds: it is enough that in every state ``s`` and
for every player ``i`` and intended action ``a``,

    Q_i(s, a) = E[ u_i(s, b) + delta * sum_s' T_s(s' | b) V_i(s') ]  <=  V_i(s),

where ``b`` is the realised profile (player ``i`` intends ``a``, the others
follow the profile, and everyone's noise acts) and ``V = (I - delta P)^(-1) r``
are the profile's own values (Shapley 1953; Filar and Vrieze 1997, sec. 4.6;
Maskin and Tirole 2001). Deviations are in *intended* actions: the check is
made under the game's own noise.

References
----------
* E. Maskin and J. Tirole, "Markov perfect equilibrium I. Observable
  actions", J. Econ. Theory 100 (2001) 191-219.
* J. Filar and K. Vrieze, *Competitive Markov Decision Processes*, Springer
  1997, ch. 4 (stationary equilibria of discounted stochastic games exist,
  Fink 1964 and Takahashi 1964).
* P. J.-J. Herings and R. J. A. P. Peeters, "Stationary equilibria in
  stochastic games: structure, selection, and computation", J. Econ. Theory
  118 (2004) 32-60 (the logarithmic-tracing homotopy to a stationary equilibrium).
* S. Eibelshaeuser and D. Poensgen, "Markov quantal response equilibrium and a
  homotopy method for computing and selecting Markov perfect equilibria of
  dynamic stochastic games" (2019), arXiv:1905.03330 (the logit homotopy used here).

Steps of :func:`markov_perfect`
-------------------------------
1. **Pure MPE, all of them.** Enumerate every stationary pure profile (refused
   with :class:`~deterrence.errors.TooLargeError` above ``max_profiles``). A
   float screen solves each profile's values and keeps those whose largest
   one-shot gain is below a tolerance far above the rounding error
   (``1e3 * |S| * eps * (1 + delta) / (1 - delta)`` of the payoff scale, and at
   least ``1e-9`` of it): no exact equilibrium is screened out. Every profile
   kept is checked exactly (:func:`verify_markov_perfect`); only those that pass
   are returned. The list is complete.
2. **Mixed MPE** (``mixed=True``). Candidates come from the logit homotopy:
   the logit Markov quantal response equilibrium ``sigma_i(s) ~ prior *
   exp(lambda Q_i(s))`` is traced from ``lambda = 0`` (uniform play, or a random
   prior for each of ``restarts`` further runs) to ``lambda`` large, solving the
   fixed point with scipy's ``root`` at each step from the previous one. Its
   limit is an MPE (in floats).
3. **Certification.** A float candidate is never returned. Its supports are
   read off; the rationals nearest the candidate with small denominators are
   tried first, then the indifference system on those supports (each supported
   action's ``Q`` equals the value, probabilities sum to 1) is solved by
   Newton's method at 60 digits (mpmath) and rounded to rationals. A rational
   profile that passes the exact check is returned with ``exact=True`` and
   ``verified_under_noise=True``. If the equilibrium is irrational, the rational
   profile within ``1e-40`` of it is returned with ``exact=False``,
   ``verified_under_noise=False`` and ``epsilon``: the exact largest one-shot
   gain of that rational profile (an exact epsilon-equilibrium certificate).
   Candidates that fail both are dropped.

The mixed search is not guaranteed to find every mixed MPE: ``complete`` is
True only when the search is the pure one (``mixed=False``); ``pure_complete``
says that every pure MPE is listed.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from deterrence.core.numbers import format_exact, to_exact
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.result import EquilibriumSequence
from deterrence.solvers.stochastic.markov_chain import (_profile_weights, markov_strategy,
                                                        markov_values)

#: Default limit on the number of stationary pure profiles enumerated.
MAX_PROFILES = 200_000


# -- results -------------------------------------------------------------------------
@dataclass(frozen=True)
class Deviation:
    """A profitable one-shot deviation: in ``state``, ``player`` gains ``gain`` by intending ``action``."""

    state: str
    player: str
    action: str
    gain: object

    def describe(self) -> str:
        return f"in {self.state}, {self.player} gains {format_exact(self.gain)} by {self.action}"


@dataclass(frozen=True, eq=True)
class MarkovPerfectEquilibrium:
    """A certified stationary Markov perfect equilibrium.

    ``strategies[state]`` holds one tuple of probabilities per player (in the
    state's action order, exact); ``values[state]`` the discounted value per
    player. ``epsilon`` is 0 for an exact equilibrium, else the exact largest
    one-shot gain of the (rational) profile.
    """

    strategies: dict
    values: dict
    players: tuple
    states: tuple
    actions: dict
    verified_under_noise: bool
    exact: bool = True
    epsilon: object = 0

    __hash__ = None

    @property
    def is_pure(self) -> bool:
        return all(sum(1 for q in d if q > 0) == 1 for s in self.states for d in self.strategies[s])

    def probability(self, state, player, action):
        """Probability that ``player`` intends ``action`` in ``state``."""
        i = self.players.index(player)
        return self.strategies[state][i][self.actions[state][i].index(action)]

    def support(self, state, player) -> tuple:
        """The actions a player intends with positive probability in a state."""
        i = self.players.index(player)
        return tuple(a for a, q in zip(self.actions[state][i], self.strategies[state][i]) if q > 0)

    def action(self, state, player) -> str:
        """The one action of a pure strategy in a state."""
        (a,) = self.support(state, player)
        return a

    def as_mapping(self) -> dict:
        """``{state: {player: {action: probability}}}`` (actions with probability > 0)."""
        return {s: {p: {a: q for a, q in zip(self.actions[s][i], self.strategies[s][i]) if q > 0}
                    for i, p in enumerate(self.players)} for s in self.states}

    def describe(self) -> str:
        parts = []
        for s in self.states:
            per = []
            for i, p in enumerate(self.players):
                used = [(a, q) for a, q in zip(self.actions[s][i], self.strategies[s][i]) if q > 0]
                per.append(f"{p} {used[0][0]}" if len(used) == 1 else
                           f"{p} " + " + ".join(f"{_short(q)} {a}" for a, q in used))
            parts.append(f"{s}: " + ", ".join(per))
        start = self.values[self.states[0]]
        tag = "" if self.exact else f"  [epsilon-equilibrium, epsilon = {float(self.epsilon):.3g}]"
        return "; ".join(parts) + f"  (values in {self.states[0]}: " + \
            ", ".join(_short(v) for v in start) + ")" + tag

    def to_json(self) -> dict:
        return {"strategies": {s: [[format_exact(q) for q in d] for d in self.strategies[s]]
                               for s in self.states},
                "values": {s: [format_exact(v) for v in self.values[s]] for s in self.states},
                "verified_under_noise": self.verified_under_noise, "exact": self.exact,
                "epsilon": format_exact(self.epsilon)}


@dataclass(frozen=True)
class MarkovPerfectResult(EquilibriumSequence):
    """What :func:`markov_perfect` returns: the certified equilibria and how they were found."""

    equilibria: tuple
    method: str
    exact: bool
    complete: bool
    players: tuple
    states: tuple
    actions: dict
    pure_complete: bool = True
    notes: tuple = field(default_factory=tuple)

    __hash__ = None

    def to_json(self) -> dict:
        """The ``--json`` output: exact numbers as strings."""
        out = {"method": self.method, "exact": self.exact, "complete": self.complete,
               "pure_complete": self.pure_complete, "players": list(self.players),
               "states": list(self.states),
               "actions": {s: [list(a) for a in self.actions[s]] for s in self.states},
               "equilibria": [e.to_json() for e in self.equilibria]}
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_text(self) -> str:
        k = len(self.equilibria)
        what = "all" if self.complete else ("all pure, some mixed" if self.pure_complete else "some")
        lines = [f"{k} Markov perfect equilibri{'um' if k == 1 else 'a'} ({self.method}; {what}; "
                 f"{'exact' if self.exact else 'some epsilon-certified'}; checked under the game's noise)"]
        lines += [f"  [{j}] {e.describe()}" for j, e in enumerate(self.equilibria)]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def _repr_html_(self) -> str:
        import html
        head = "".join(f"<th>{html.escape(s)}</th>" for s in self.states)
        rows = []
        for j, e in enumerate(self.equilibria):
            cells = []
            for s in self.states:
                per = "; ".join(f"{p}: " + ", ".join(f"{a} {format_exact(q)}" for a, q in d.items())
                                for p, d in e.as_mapping()[s].items())
                cells.append(f"<td>{html.escape(per)}</td>")
            rows.append(f"<tr><td>{j}</td>{''.join(cells)}<td>{e.verified_under_noise}</td></tr>")
        cap = html.escape(self.to_text().splitlines()[0])
        return (f"<table><caption>{cap}</caption><tr><th>#</th>{head}<th>verified</th></tr>"
                f"{''.join(rows)}</table>")


def _short(v) -> str:
    text = format_exact(v)
    return text if len(text) <= 20 else f"{float(v):.6g}"


# -- the exact check -------------------------------------------------------------------
def one_shot_gains(game, strategy, values=None) -> dict:
    """``{(state, player, action): Q - V}``: the exact gain of every one-shot deviation.

    ``values`` default to the profile's own (:func:`markov_values`).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> gains = one_shot_gains(g, {"good": ("C", "C"), "poor": ("D", "D")})
    >>> gains[("good", "A", "D")]   # 3 + (9/10)*0 - 20
    -17
    """
    sigma = markov_strategy(game, strategy)
    values = markov_values(game, sigma) if values is None else values
    delta = game.delta
    out = {}
    for s in game.states:
        table, acts = game.outcome_table(s), game.actions_in(s)
        for i, p in enumerate(game.players):
            others = [d if j != i else (1,) for j, d in enumerate(sigma[s])]
            base = _profile_weights(others)   # player i's slot holds index 0, replaced below
            for a_index, a in enumerate(acts[i]):
                q = 0
                for prof, w in base.items():
                    prof = prof[:i] + (a_index,) + prof[i + 1:]
                    pay, nxt = table[prof]
                    q += w * (pay[i] + delta * sum(t * values[s2][i] for s2, t in zip(game.states, nxt) if t))
                out[(s, p, a)] = to_exact(q - values[s][i])
    return out


def verify_markov_perfect(game, strategy) -> tuple:
    """``(True, [])`` when no player gains by a one-shot deviation in any state (exactly,
    under the game's noise); else ``(False, deviations)``, the profitable ones.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> verify_markov_perfect(g, {"good": ("C", "D"), "poor": ("D", "D")})[1][0].describe()
    'in good, A gains 1 by D'
    """
    if getattr(game, "is_symbolic", False):
        game = game.with_defaults()
    gains = one_shot_gains(game, strategy)
    bad = [Deviation(s, p, a, g) for (s, p, a), g in gains.items() if g > 0]
    return (not bad, bad)


def _certified(game, sigma) -> MarkovPerfectEquilibrium | None:
    """The equilibrium record of an exact profile, or None when some deviation gains."""
    values = markov_values(game, sigma)
    gains = one_shot_gains(game, sigma, values)
    worst = max(gains.values())
    actions = {s: game.actions_in(s) for s in game.states}
    if worst <= 0:
        return MarkovPerfectEquilibrium(sigma, values, game.players, game.states, actions, True, True, 0)
    return None


# -- pure profiles ---------------------------------------------------------------------
def _float_tables(game):
    import numpy as np
    tables = []
    for s in game.states:
        shape = tuple(len(a) for a in game.actions_in(s))
        pay = np.zeros(shape + (len(game.players),))
        nxt = np.zeros(shape + (len(game.states),))
        for prof, (p, t) in game.outcome_table(s).items():
            pay[prof] = [float(v) for v in p]
            nxt[prof] = [float(v) for v in t]
        tables.append((pay, nxt))
    return tables


def _scale(game, tables) -> float:
    top = max(float(abs(x)) for pay, _ in tables for x in pay.flat) if tables else 0.0
    return (top + 1.0) / (1.0 - float(game.delta))


def pure_markov_perfect(game, *, max_profiles: int = MAX_PROFILES) -> list:
    """Every stationary pure MPE (see the module's step 1), each certified exactly.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> [{s: tuple(e.action(s, p) for p in g.players) for s in g.states} for e in pure_markov_perfect(g)]
    [{'good': ('C', 'C'), 'poor': ('C', 'C')}, {'good': ('C', 'C'), 'poor': ('D', 'D')}, {'good': ('D', 'D'), 'poor': ('D', 'D')}]
    """
    import numpy as np
    game._need_exact("Markov perfect equilibria")
    per_state = [list(itertools.product(*(range(len(a)) for a in game.actions_in(s)))) for s in game.states]
    count = math.prod(len(x) for x in per_state)
    if count > max_profiles:
        raise TooLargeError(f"{count} stationary pure profiles to check, over the limit of {max_profiles} "
                            "(raise max_profiles to go on)")
    tables = _float_tables(game)
    k, n, delta = len(game.states), len(game.players), float(game.delta)
    scale = _scale(game, tables)
    eps = np.finfo(float).eps
    tol = scale * max(1e-9, 1e3 * k * eps * (1 + delta) / (1 - delta))
    found = []
    eye = np.eye(k)
    for combo in itertools.product(*per_state):
        P = np.array([tables[j][1][combo[j]] for j in range(k)])
        r = np.array([tables[j][0][combo[j]] for j in range(k)])
        V = np.linalg.solve(eye - delta * P, r)
        ok = True
        for j in range(k):
            pay, nxt = tables[j]
            for i in range(n):
                index = list(combo[j])
                index[i] = slice(None)
                q = pay[tuple(index)][:, i] + delta * nxt[tuple(index)] @ V[:, i]
                if q.max() - V[j, i] > tol:
                    ok = False
                    break
            if not ok:
                break
        if ok:
            sigma = {s: tuple(tuple(1 if a == c else 0 for a in range(len(acts)))
                              for c, acts in zip(combo[j], game.actions_in(s)))
                     for j, s in enumerate(game.states)}
            eq = _certified(game, sigma)
            if eq is not None:
                found.append(eq)
    return found


# -- mixed profiles: the logit homotopy --------------------------------------------------
def _logit_path(game, tables, prior, lambdas):
    """Trace the logit Markov QRE from lambda = 0 along ``lambdas``; the last point (floats)."""
    import numpy as np
    from scipy.optimize import root
    k, n, delta = len(game.states), len(game.players), float(game.delta)
    sizes = [[len(a) for a in game.actions_in(s)] for s in game.states]
    slots = []
    pos = 0
    for j in range(k):
        row = []
        for i in range(n):
            row.append(slice(pos, pos + sizes[j][i]))
            pos += sizes[j][i]
        slots.append(row)
    n_sigma = pos

    def unpack(x):
        return [[x[slots[j][i]] for i in range(n)] for j in range(k)], x[n_sigma:].reshape(k, n)

    def q_values(sig, V):
        out = []
        for j in range(k):
            pay, nxt = tables[j]
            row = []
            for i in range(n):
                T = pay[..., i] + delta * nxt @ V[:, i]
                for m in reversed(range(n)):
                    if m != i:
                        T = np.tensordot(T, sig[j][m], axes=([m], [0]))
                row.append(T)
            out.append(row)
        return out

    def equations(x, lam):
        sig, V = unpack(x)
        Q = q_values(sig, V)
        res = np.empty_like(x)
        for j in range(k):
            for i in range(n):
                z = lam * Q[j][i] + np.log(prior[j][i])
                z = np.exp(z - z.max())
                res[slots[j][i]] = sig[j][i] - z / z.sum()
                res[n_sigma + j * n + i] = V[j, i] - sig[j][i] @ Q[j][i]
        return res

    x = np.concatenate([prior[j][i] for j in range(k) for i in range(n)] + [np.zeros(k * n)])
    sig, _ = unpack(x)
    # the values of the starting profile
    P = np.array([np.einsum(tables[j][1], list(range(n + 1)), *sum(([sig[j][i], [i]] for i in range(n)), []), [n])
                  for j in range(k)])
    r = np.array([np.einsum(tables[j][0], list(range(n + 1)), *sum(([sig[j][i], [i]] for i in range(n)), []), [n])
                  for j in range(k)])
    x[n_sigma:] = np.linalg.solve(np.eye(k) - delta * P, r).reshape(-1)
    done = 0.0
    for lam in lambdas:
        step, current = lam, done
        for _ in range(12):  # halve the step when the solver loses the path
            sol = root(equations, x, args=(step,), method="hybr")
            if sol.success and np.all(np.isfinite(sol.x)):
                break
            step = (current + step) / 2
        else:
            break
        x, done = sol.x, step
        if step < lam:
            break
    sig, V = unpack(x)
    return sig, V, done


def _candidates(game, restarts, seed):
    import numpy as np
    from deterrence.core.random import rng as make_rng
    tables = _float_tables(game)
    scale = _scale(game, tables) * (1 - float(game.delta))  # per-round payoff scale
    lambdas = [10 ** (e / 6) / scale for e in range(-12, 43)]  # 1e-2 .. 1e7 per unit of payoff
    generator = make_rng(seed)
    priors = [[[np.full(len(a), 1 / len(a)) for a in game.actions_in(s)] for s in game.states]]
    for _ in range(restarts):
        priors.append([[generator.dirichlet(np.ones(len(a))) for a in game.actions_in(s)]
                       for s in game.states])
    for prior in priors:
        sig, V, lam = _logit_path(game, tables, prior, lambdas)
        yield sig, V


def certify_markov_perfect(game, candidate) -> MarkovPerfectEquilibrium | None:
    """An exact (or exactly epsilon-certified) MPE near a float candidate, or None.

    ``candidate`` is ``{state: [probabilities per player]}`` in floats (or any numbers).
    See the module's step 3.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> from deterrence.core.stochastic import StochasticGame
    >>> pennies = StochasticGame.from_stage_game(NormalFormGame.zero_sum([[1, -1], [-1, 1]]), "1/2")
    >>> certify_markov_perfect(pennies, {"stage": [[0.5001, 0.4999], [0.5, 0.5]]}).strategies
    {'stage': ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))}
    """
    game._need_exact("certification")
    numbers = {s: [[float(q) for q in d] for d in candidate[s]] for s in game.states}
    supports = {s: [[a for a, q in enumerate(d) if q > 1e-6] for d in numbers[s]] for s in game.states}
    if any(not sup for s in game.states for sup in supports[s]):
        return None
    system = _IndifferenceSystem(game, supports)
    stages = ((None, (10, 100, 10**4)), ("float", (10**6, 10**9)), ("mp", (10**12, 10**18, 10**25)))
    for how, bounds in stages:
        if how is not None:
            numbers = system.polish(numbers, how)
            if numbers is None:
                return None
        for bound in bounds:
            sigma = _rounded(game, numbers, supports, bound)
            eq = _certified(game, sigma) if sigma is not None else None
            if eq is not None:
                return eq
    sigma = _rounded(game, numbers, supports, 10**45)
    if sigma is None:
        return None
    values = markov_values(game, sigma)
    worst = max(one_shot_gains(game, sigma, values).values())
    scale = max(abs(v) for s in game.states for (pay, _) in game.outcome_table(s).values() for v in pay) + 1
    if worst > Fraction(scale, 10**30) / (1 - game.delta):
        return None
    return MarkovPerfectEquilibrium(sigma, values, game.players, game.states,
                                    {s: game.actions_in(s) for s in game.states}, False, False, worst)


def _rounded(game, numbers, supports, bound):
    """Rationals with denominators up to ``bound`` on the supports, summing exactly to 1."""
    out = {}
    for s in game.states:
        per = []
        for d, sup in zip(numbers[s], supports[s]):
            probs = [0] * len(d)
            for a in sup[:-1]:
                probs[a] = Fraction(str(d[a])).limit_denominator(bound)
            probs[sup[-1]] = 1 - sum(probs)
            if any(q < 0 for q in probs) or any(probs[a] == 0 for a in sup):
                return None
            per.append(tuple(to_exact(q) for q in probs))
        out[s] = tuple(per)
    return out


class _IndifferenceSystem:
    """The equations of an MPE with given supports: every supported action's ``Q`` equals
    the value, and each player's probabilities sum to 1. Unknowns: the supported
    probabilities, then the values ``V[state][player]``."""

    def __init__(self, game, supports):
        self.game, self.supports = game, supports
        self.n, self.k = len(game.players), len(game.states)
        self.layout = [(s, i, a) for s in game.states for i in range(self.n) for a in supports[s][i]]
        self.tables = {s: game.outcome_table(s) for s in game.states}

    def residual(self, x, num):
        game, n = self.game, self.n
        tables = self._converted(num)
        sig = {s: [[num(0)] * len(a) for a in game.actions_in(s)] for s in game.states}
        for (s, i, a), v in zip(self.layout, x):
            sig[s][i][a] = v
        base = len(self.layout)
        d = tables["delta"]
        res = []
        for j, s in enumerate(game.states):
            for i in range(n):
                for a in self.supports[s][i]:
                    q = num(0)
                    for prof, (pay, nxt) in tables[s].items():
                        if prof[i] != a:
                            continue
                        w = num(1)
                        for m in range(n):
                            if m != i:
                                w = w * sig[s][m][prof[m]]
                        if w == 0:
                            continue
                        cont = sum((t * x[base + jj * n + i] for jj, t in nxt), num(0))
                        q = q + w * (pay[i] + d * cont)
                    res.append(q - x[base + j * n + i])
                res.append(sum(sig[s][i], num(0)) - 1)
        return res

    def _converted(self, num):
        cache = self.__dict__.setdefault("_cache", {})
        if num not in cache:
            def c(v):
                v = Fraction(v)
                return num(v.numerator) / num(v.denominator)
            cache[num] = {s: {prof: ([c(v) for v in pay], [(jj, c(t)) for jj, t in enumerate(nxt) if t])
                              for prof, (pay, nxt) in self.tables[s].items()} for s in self.game.states}
            cache[num]["delta"] = c(self.game.delta)
        return cache[num]

    def polish(self, numbers, how):
        """Newton's method from ``numbers``: float (least squares, numpy), or at 60 digits
        (mpmath, with a tiny Levenberg-Marquardt damping so that directions the equations
        leave free, e.g. play in a state where nothing depends on it, stay put)."""
        import numpy as np
        game, n, k = self.game, self.n, self.k
        if how == "float":
            x = [float(numbers[s][i][a]) for s, i, a in self.layout]
            V = _float_values(game, numbers)
            x += [float(V[j][i]) for j in range(k) for i in range(n)]
            x = np.array(x)
            scale = 1 + float(np.abs(x).max())
            for _ in range(60):
                f = np.array(self.residual(list(x), float))
                if len(f) != len(x):
                    return None
                if np.abs(f).max() < 1e-14 * scale:
                    break
                J = np.empty((len(f), len(x)))
                for c in range(len(x)):
                    y = x.copy()
                    h = 1e-7 * (1 + abs(x[c]))
                    y[c] += h
                    J[:, c] = (np.array(self.residual(list(y), float)) - f) / h
                x = x - np.linalg.lstsq(J, f, rcond=1e-12)[0]
            else:
                return None
            out = [repr(float(v)) for v in x]
        else:
            import mpmath
            digits = 60
            with mpmath.workdps(digits + 20):
                mpf = mpmath.mpf
                x = [mpf(numbers[s][i][a]) for s, i, a in self.layout]
                V = _float_values(game, numbers)
                x += [mpf(float(V[j][i])) for j in range(k) for i in range(n)]
                m = len(x)
                h = mpf(10) ** (-(digits // 2 + 10))
                damping = mpf(10) ** (-(digits + 10))
                for _ in range(12):
                    f = self.residual(x, mpf)
                    if len(f) != m:
                        return None
                    if max(abs(v) for v in f) < mpf(10) ** (-digits):
                        break
                    J = mpmath.matrix(m, m)
                    for c in range(m):
                        y = list(x)
                        y[c] += h
                        fc = self.residual(y, mpf)
                        for r in range(m):
                            J[r, c] = (fc[r] - f[r]) / h
                    JT = J.T
                    A = JT * J + damping * mpmath.eye(m)
                    try:
                        step = mpmath.lu_solve(A, JT * mpmath.matrix(f))
                    except (ZeroDivisionError, ValueError, TypeError):
                        return None
                    x = [x[c] - step[c] for c in range(m)]
                else:
                    return None
                out = [mpmath.nstr(v, digits, strip_zeros=False, min_fixed=-mpmath.inf,
                                   max_fixed=mpmath.inf) for v in x]
        result = {s: [[0.0] * len(a) for a in game.actions_in(s)] for s in game.states}
        for (s, i, a), v in zip(self.layout, out):
            if float(v) < 0:
                return None
            result[s][i][a] = v
        return result


def _float_values(game, numbers):
    import numpy as np
    tables = _float_tables(game)
    k, n = len(game.states), len(game.players)
    P, r = np.zeros((k, k)), np.zeros((k, n))
    for j, s in enumerate(game.states):
        for prof, w in _profile_weights([np.array([float(q) for q in d]) for d in numbers[s]]).items():
            P[j] += w * tables[j][1][prof]
            r[j] += w * tables[j][0][prof]
    return np.linalg.solve(np.eye(k) - float(game.delta) * P, r)


# -- the method ----------------------------------------------------------------------------
def markov_perfect(game, *, mixed: bool = True, restarts: int = 4, seed=0,
                   max_profiles: int = MAX_PROFILES) -> MarkovPerfectResult:
    """Markov perfect equilibria of a stochastic game: all pure ones, and mixed ones found by
    the logit homotopy (see the module docstring), each certified under the game's noise.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> from deterrence.core.stochastic import StochasticGame
    >>> pennies = StochasticGame.from_stage_game(NormalFormGame.zero_sum([[1, -1], [-1, 1]]), "1/2")
    >>> result = markov_perfect(pennies)
    >>> [e.strategies["stage"] for e in result], result.equilibria[0].values["stage"]
    ([((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))], (0, 0))
    """
    if getattr(game, "is_symbolic", False):
        game = game.with_defaults()
    if not hasattr(game, "outcome_table"):
        raise GameError(f"markov_perfect needs a StochasticGame, got {type(game).__name__}")
    found = pure_markov_perfect(game, max_profiles=max_profiles)
    notes = []
    if mixed:
        seen = {_key(e.strategies) for e in found}
        for sig, _ in _candidates(game, restarts, seed):
            candidate = {s: [list(d) for d in sig[j]] for j, s in enumerate(game.states)}
            eq = certify_markov_perfect(game, candidate)
            if eq is not None and _key(eq.strategies) not in seen:
                seen.add(_key(eq.strategies))
                found.append(eq)
        notes.append(f"every pure MPE is listed; mixed ones come from the logit homotopy "
                     f"({1 + restarts} runs) and may not be all")
    if game.has_noise:
        notes.append("deviations are checked in intended actions, under the game's noise")
    return MarkovPerfectResult(tuple(found), "markov_perfect", all(e.exact for e in found),
                               not mixed, game.players, game.states,
                               {s: game.actions_in(s) for s in game.states}, True, tuple(notes))


def _key(strategies):
    return tuple(sorted(strategies.items()))


__all__ = ["markov_perfect", "pure_markov_perfect", "verify_markov_perfect", "one_shot_gains",
           "certify_markov_perfect", "MarkovPerfectEquilibrium", "MarkovPerfectResult", "Deviation",
           "MAX_PROFILES"]
