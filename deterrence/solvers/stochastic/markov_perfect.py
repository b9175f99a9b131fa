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
* T. L. Turocy, "A dynamic homotopy interpretation of the logistic quantal response
  equilibrium correspondence", Games Econ. Behav. 51 (2005) 243-263 (tracing in
  log-probabilities); E. L. Allgower and K. Georg, *Numerical Continuation
  Methods*, Springer 1990, ch. 2 (pseudo-arclength predictor-corrector).
* R. Krawczyk, "Newton-Algorithmen zur Bestimmung von Nullstellen mit
  Fehlerschranken", Computing 4 (1969) 187-201 (the interval existence test).

Steps of :func:`markov_perfect`
-------------------------------
1. **Pure MPE, all of them.** Enumerate every stationary pure profile (above
   ``max_profiles`` profiles, :func:`pure_markov_perfect_search` looks for some
   by alternating best responses instead, and says it is not complete). A
   float screen solves each profile's values and keeps those whose largest
   one-shot gain is below a tolerance far above the rounding error
   (``1e3 * |S| * eps * (1 + delta) / (1 - delta)`` of the payoff scale, and at
   least ``1e-9`` of it): no exact equilibrium is screened out. Every profile
   kept is checked exactly (:func:`verify_markov_perfect`); only those that pass
   are returned. The list is complete.
2. **Mixed MPE** (``mixed=True``). Candidates come from the logit homotopy:
   the logit Markov quantal response equilibrium ``sigma_i(s) ~ prior *
   exp(lambda Q_i(s))`` is traced from ``lambda = 0`` (uniform play, or a random
   prior for each of ``restarts`` further runs) towards ``lambda`` large, in
   log-probabilities, by pseudo-arclength continuation (predictor along the
   tangent, Newton corrector, step control; it passes turning points). It stops
   when ``lambda`` is large or when the supports have settled; its end is an MPE
   in floats. A path longer than ``max_steps`` steps, or lost, gives no candidate
   (games with many equilibria can wind for long; symmetric games have branch
   points where the path may be lost).
3. **Certification.** A float candidate is never returned. Its supports are
   read off; the rationals nearest the candidate with small denominators are
   tried first, then the indifference system on those supports (each supported
   action's ``Q`` equals the value, probabilities sum to 1) is solved by
   Newton's method at 60 digits (mpmath) and rounded to rationals. A rational
   profile that passes the exact check is returned with ``exact=True`` and
   ``verified_under_noise=True``. If the equilibrium is irrational, Krawczyk's
   interval test (python-flint ``arb`` balls, exact derivatives by forward-mode
   differentiation) proves that a box of radius ``1e-40`` around the rational
   point holds exactly one solution of the indifference system, with positive
   probabilities on the supports and every other action strictly worse: an
   exact MPE. It is returned as the rational point with ``exact=False``,
   ``verified_under_noise=True`` and ``radius=1e-40``. When the test fails
   (degenerate supports, ties), the rational profile is returned only as an
   epsilon-equilibrium (``verified_under_noise=False``, ``epsilon`` its exact
   largest one-shot gain, below ``1e-30`` of the payoff scale). Candidates that
   fail all of these are dropped.

The mixed search is not guaranteed to find every mixed MPE, and without it
(``mixed=False``) mixed ones are not sought at all: ``complete`` (every MPE
listed) is therefore False; ``pure_complete`` says that every pure MPE is
listed (the text says "all pure").
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from fractions import Fraction

from deterrence.core.exact import flint, flint_module
from deterrence.core.numbers import float_array, format_approx, format_exact, to_exact
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.result import EquilibriumSequence
from deterrence.solvers.stochastic.markov_chain import (
    _profile_weights,
    markov_strategy,
    markov_values,
)
from deterrence.solvers.result import TextRepr

#: Default limit on the number of stationary pure profiles enumerated.
MAX_PROFILES = 2_000_000


# -- results -------------------------------------------------------------------------
@dataclass(frozen=True)
class Deviation:
    """A profitable one-shot deviation: in ``state``, ``player`` gains ``gain`` by intending ``action``."""

    state: str
    player: str
    action: str
    gain: object

    def describe(self) -> str:
        """The deviation in words: the state, the player, the gain and the action."""
        return f"in {self.state}, {self.player} gains {format_exact(self.gain)} by {self.action}"


@dataclass(frozen=True, eq=True)
class MarkovPerfectEquilibrium(TextRepr):
    """A certified stationary Markov perfect equilibrium.

    ``strategies[state]`` holds one tuple of probabilities per player (in the
    state's action order, exact); ``values[state]`` the discounted value per
    player. ``epsilon`` is 0 for an exact equilibrium, else the exact largest
    one-shot gain of the (rational) profile. An irrational equilibrium proved by the
    interval test has ``exact=False``, ``verified_under_noise=True`` and ``radius``:
    an exact MPE lies within ``radius`` of every listed probability and value.
    """

    strategies: dict
    values: dict
    players: tuple
    states: tuple
    actions: dict
    verified_under_noise: bool
    exact: bool = True
    epsilon: object = 0
    radius: object = 0

    __hash__ = None

    @property
    def is_pure(self) -> bool:
        """Whether every player plays one action with probability 1 in every state."""
        return all(sum(1 for q in d if q > 0) == 1 for s in self.states for d in self.strategies[s])

    def _state(self, state):
        if state not in self.strategies:
            from deterrence.errors import GameError
            raise GameError(f"unknown state {state!r}; states are {', '.join(map(str, self.states))}")
        return state

    def probability(self, state, player, action):
        """Probability that ``player`` intends ``action`` in ``state``."""
        from deterrence.core.validate import action_position, player_position
        i = player_position(self.players, player)
        state = self._state(state)
        return self.strategies[state][i][action_position(self.actions[state][i], self.players[i], action)]

    def support(self, state, player) -> tuple:
        """The actions a player intends with positive probability in a state."""
        from deterrence.core.validate import player_position
        i = player_position(self.players, player)
        state = self._state(state)
        return tuple(a for a, q in zip(self.actions[state][i], self.strategies[state][i]) if q > 0)

    def action(self, state, player) -> str:
        """The one action of a pure strategy in a state."""
        used = self.support(state, player)
        if len(used) != 1:
            from deterrence.errors import GameError
            raise GameError(f"{player} mixes {', '.join(used)} in state {state!r}: "
                            "read probability() or support()")
        return used[0]

    def as_mapping(self) -> dict:
        """``{state: {player: {action: probability}}}`` (actions with probability > 0)."""
        return {s: {p: {a: q for a, q in zip(self.actions[s][i], self.strategies[s][i]) if q > 0}
                    for i, p in enumerate(self.players)} for s in self.states}

    def choice_states(self) -> tuple:
        """The states where some player has a choice (the text and the HTML show only these)."""
        return tuple(s for s in self.states if not all(len(a) == 1 for a in self.actions[s]))

    def state_text(self, state) -> str:
        """What each player intends in one state: ``US hold, Iran 1/2 hold + 1/2 retaliate``."""
        per = []
        for i, p in enumerate(self.players):
            used = [(a, q) for a, q in zip(self.actions[state][i], self.strategies[state][i]) if q > 0]
            per.append(f"{p} {used[0][0]}" if len(used) == 1 else
                       f"{p} " + " + ".join(f"{_short(q)} {a}" for a, q in used))
        return ", ".join(per)

    def values_text(self) -> str:
        """The values in the start state, and how exact the equilibrium is when it is not."""
        return self._values() + self._exactness()

    def _values(self) -> str:
        return f"values in {self.states[0]}: " + ", ".join(_short(v) for v in self.values[self.states[0]])

    def _exactness(self) -> str:
        return ("" if self.exact else
                f"  [an exact MPE lies within {format_approx(self.radius, 0, 'e')} of these numbers]"
                if self.verified_under_noise
                else f"  [epsilon-equilibrium, epsilon = {format_approx(self.epsilon, 3)}]")

    def describe(self) -> str:
        parts = [f"{s}: {self.state_text(s)}" for s in self.choice_states()]
        return "; ".join(parts) + f"  ({self._values()})" + self._exactness()

    def to_json(self) -> dict:
        """The MarkovPerfectEquilibrium as a JSON-ready dict of plain values: ``strategies``,
        ``values``, ``verified_under_noise``, ``exact``, ``epsilon``, ``radius``."""
        return {"strategies": {s: [[format_exact(q) for q in d] for d in self.strategies[s]]
                               for s in self.states},
                "values": {s: [format_exact(v) for v in self.values[s]] for s in self.states},
                "verified_under_noise": self.verified_under_noise, "exact": self.exact,
                "epsilon": format_exact(self.epsilon), "radius": format_exact(self.radius)}


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
    noisy: bool = True          # the game has implementation noise (the text says it was checked under it)
    mixed_searched: bool = True  # the logit homotopy looked for mixed MPE (the text: "some mixed")
    game: object = field(default=None, repr=False, compare=False)
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    options: dict = field(default_factory=dict, hash=False, compare=False)

    __hash__ = None

    def to_json(self) -> dict:
        """The ``--json`` output: exact numbers as strings."""
        out = {"method": self.method, "exact": self.exact, "complete": self.complete, "concept": "Markov perfect",
               "pure_complete": self.pure_complete, "players": list(self.players),
               "states": list(self.states),
               "actions": {s: [list(a) for a in self.actions[s]] for s in self.states},
               "equilibria": [e.to_json() for e in self.equilibria], **self.provenance_json()}
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_text(self) -> str:
        k = len(self.equilibria)
        what = ("all" if self.complete else
                ("all pure, some mixed" if self.mixed_searched else "all pure") if self.pure_complete else "some")
        how = ("exact" if self.exact else "exact where rational; " + ", ".join(
            sorted({"irrational ones proved within a radius" if e.verified_under_noise else
                    "epsilon-equilibria flagged" for e in self.equilibria if not e.exact})))
        lines = [f"{k} Markov perfect equilibri{'um' if k == 1 else 'a'} ({self.method}; {what}; "
                 f"{how}; " + ("checked under the game's noise)" if self.noisy else "checked; the game has no noise)")]
        lines += [f"  [{j}] {e.describe()}" for j, e in enumerate(self.equilibria)]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def _repr_html_(self) -> str:
        """The text listing as a table, in the text's words: the states with a choice, the values
        in the start state, the notes (the HTML wrote ``US: hold 1``, a column of ``True`` and no
        values or notes: a review).

        >>> import deterrence as dt
        >>> html = dt.solve(dt.load_game("stochastic_prisoners_dilemma"))._repr_html_()
        >>> "<td>A C, B C</td>" in html, "values in good: 20, 20" in html, "Note: solved at" in html
        (True, True, True)
        """
        import html
        states = [s for s in self.states if any(s in e.choice_states() for e in self.equilibria)]
        head = "".join(f"<th>{html.escape(s)}</th>" for s in states)
        rows = []
        for j, e in enumerate(self.equilibria):
            cells = "".join(f"<td>{html.escape(e.state_text(s))}</td>" for s in states)
            rows.append(f"<tr><td>{j}</td>{cells}<td>{html.escape(e.values_text())}</td></tr>")
        cap = html.escape(self.to_text().splitlines()[0])
        notes = "".join(f"<p>Note: {html.escape(n)}</p>" for n in self.notes)
        return (f"<table><caption>{cap}</caption><tr><th>#</th>{head}<th>values</th></tr>"
                f"{''.join(rows)}</table>{notes}")


def _short(v) -> str:
    text = format_exact(v)
    return text if len(text) <= 20 else f"{format_approx(v, 6)}"


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
    if flint() is not None and not game.is_symbolic and (values is None or all(isinstance(x, (int, Fraction))
                                                      for v in values.values() for x in v)):
        return _one_shot_gains_flint(game, sigma, values)
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


def _one_shot_gains_flint(game, sigma, values=None) -> dict:
    """:func:`one_shot_gains` in python-flint rationals (the same exact numbers, faster): the
    values (when not given) from one solve of ``(I - delta P) V = r`` with a right-hand side per
    player, the gains from the outcome tables in fmpq (:meth:`StochasticGame.outcome_table_fmpq`)."""
    from deterrence.core.exact import from_fmpq, to_fmpq
    fl = flint()
    fmpq, states, n_players = fl.fmpq, game.states, len(game.players)
    n = len(states)
    delta = to_fmpq(game.delta, fmpq)
    tables = [game.outcome_table_fmpq(s) for s in states]
    weights = [{prof: to_fmpq(w, fmpq) for prof, w in _profile_weights(sigma[s]).items()} for s in states]
    if values is None:
        M = [fmpq(int(a == b)) for a in range(n) for b in range(n)]
        r = [fmpq(0)] * (n * n_players)
        for a in range(n):
            for prof, w in weights[a].items():
                pay, nxt = tables[a][prof]
                for i in range(n_players):
                    r[a * n_players + i] += w * pay[i]
                for t, q in nxt:
                    M[a * n + t] -= delta * w * q
        V = fl.fmpq_mat(n, n, M).solve(fl.fmpq_mat(n, n_players, r)).table()
    else:
        V = [[to_fmpq(values[s][i], fmpq) for i in range(n_players)] for s in states]
    dV = [[delta * v for v in row] for row in V]
    out = {}
    for a, s in enumerate(states):
        table, acts = tables[a], game.actions_in(s)
        for i, p in enumerate(game.players):
            others = [d if j != i else (1,) for j, d in enumerate(sigma[s])]
            base = [(prof, to_fmpq(w, fmpq)) for prof, w in _profile_weights(others).items()]
            for a_index, act in enumerate(acts[i]):
                q = fmpq(0)
                for prof, w in base:
                    pay, nxt = table[prof[:i] + (a_index,) + prof[i + 1:]]
                    q += w * (pay[i] + sum((t * dV[k][i] for k, t in nxt), fmpq(0)))
                out[(s, p, act)] = from_fmpq(q - V[a][i])
    return out


def verify_markov_perfect(game, strategy) -> tuple:
    """``(True, [])`` when no player gains by a one-shot deviation in any state (exactly,
    under the game's noise); else ``(False, deviations)``, the profitable ones.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> verify_markov_perfect(g, {"good": ("C", "D"), "poor": ("D", "D")})[1][0].describe()
    'in good, A gains 1 by D'
    """
    game = at_defaults(game, "verify_markov_perfect", "checked")
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
            pay[prof] = float_array(list(p))     # beyond the float range: a named refusal
            nxt[prof] = [float(v) for v in t]
        tables.append((pay, nxt))
    return tables


def _scale(game, tables) -> float:
    top = max(float(abs(x)) for pay, _ in tables for x in pay.flat) if tables else 0.0
    return (top + 1.0) / (1.0 - float(game.delta))


def pure_profile_count(game) -> int:
    """How many stationary pure profiles the game has (the product, over states, of the
    number of joint actions there).

    >>> from deterrence.io import load_game
    >>> pure_profile_count(load_game("stochastic_prisoners_dilemma"))
    16
    """
    return math.prod(math.prod(len(a) for a in game.actions_in(s)) for s in game.states)


def pure_markov_perfect(game, *, max_profiles: int = MAX_PROFILES) -> list:
    """Every stationary pure MPE (see the module's step 1), each certified exactly.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> [{s: tuple(e.action(s, p) for p in g.players) for s in g.states} for e in pure_markov_perfect(g)]
    [{'good': ('C', 'C'), 'poor': ('C', 'C')}, {'good': ('C', 'C'), 'poor': ('D', 'D')}, {'good': ('D', 'D'), 'poor':
    ('D', 'D')}]
    """
    import numpy as np
    game = at_defaults(game, "pure_markov_perfect")     # as its search and markov_perfect do
    game.require_exact("Markov perfect equilibria")
    count = pure_profile_count(game)
    if count > max_profiles:    # counted before any profile is listed
        raise TooLargeError(f"{count} stationary pure profiles to check, over the limit of {max_profiles} "
                            "(raise max_profiles to go on)")
    per_state = [list(itertools.product(*(range(len(a)) for a in game.actions_in(s)))) for s in game.states]
    tables = _float_tables(game)
    k, n, delta = len(game.states), len(game.players), float(game.delta)
    scale = _scale(game, tables)
    eps = np.finfo(float).eps
    tol = scale * max(1e-9, 1e3 * k * eps * (1 + delta) / (1 - delta))
    # Per state, the joint profiles in a flat order, their payoffs and next states, and
    # for each player the flat index of the profile with that player's action replaced.
    shapes = [tuple(len(a) for a in game.actions_in(s)) for s in game.states]
    pay = [tables[j][0].reshape(-1, n) for j in range(k)]
    nxt = [tables[j][1].reshape(-1, k) for j in range(k)]
    swap = []
    for shape in shapes:
        flat = np.arange(math.prod(shape)).reshape(shape)
        per_player = []
        for i in range(n):
            # moving axis i last lists, for every profile, the profiles differing in i only
            others = np.moveaxis(flat, i, -1)
            per_player.append(np.broadcast_to(np.expand_dims(others, i), shape + (shape[i],))
                              .reshape(-1, shape[i]))
        swap.append(per_player)
    sizes = [len(x) for x in per_state]
    found = []
    eye = np.eye(k)
    chunk = 50_000  # profiles screened together (vectorised)
    for start in range(0, count, chunk):
        index = np.unravel_index(np.arange(start, min(start + chunk, count)), sizes)
        P = np.stack([nxt[j][index[j]] for j in range(k)], axis=1)         # (N, k, k)
        r = np.stack([pay[j][index[j]] for j in range(k)], axis=1)         # (N, k, n)
        V = np.linalg.solve(eye[None] - delta * P, r)                      # (N, k, n)
        ok = np.ones(len(P), dtype=bool)
        for j in range(k):
            for i in range(n):
                alt = swap[j][i][index[j]]                                 # (N, actions of i)
                q = pay[j][alt][..., i] + delta * np.einsum("nas,ns->na", nxt[j][alt], V[:, :, i])
                ok &= q.max(axis=1) - V[:, j, i] <= tol
        for flat_index in np.flatnonzero(ok):
            combo = [per_state[j][index[j][flat_index]] for j in range(k)]
            sigma = {s: tuple(tuple(1 if a == c else 0 for a in range(len(acts)))
                              for c, acts in zip(combo[j], game.actions_in(s)))
                     for j, s in enumerate(game.states)}
            eq = _certified(game, sigma)
            if eq is not None:
                found.append(eq)
    return found


# -- large games: pure profiles by alternating best responses ---------------------------
# When the pure profiles are too many to enumerate (the US-Iran exchange has about 9 * 10^12),
# players take turns replacing their strategy by a best response (Howard's policy iteration
# on the exact one-shot gains: in a finite discounted MDP, switching to any profitable
# one-shot deviation strictly improves the policy, so it ends at an optimal one), from
# every "k-th action everywhere" profile and seeded random ones. A profile no player changes
# is certified and kept; a start that cycles for max_rounds rounds gives nothing. It finds
# equilibria, never all of them for sure: results built on it say pure_complete=False.
# R. A. Howard (1960), *Dynamic Programming and Markov Processes*, MIT Press.
def best_response(game, profile: dict, player: str, *, max_iterations: int = 1000) -> dict:
    """Player ``player``'s best response to the others' pure stationary strategies in
    ``profile`` (``{state: tuple of action labels}``), by policy iteration (exact).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> best_response(g, {"good": ("C", "D"), "poor": ("D", "D")}, "A")
    {'good': ('D', 'D'), 'poor': ('D', 'D')}
    """
    if player not in game.players:
        raise GameError(f"unknown player {player!r}; players are {', '.join(game.players)}")
    k = game.players.index(player)
    current = {s: tuple(profile[s]) for s in game.states}
    for _ in range(max_iterations):
        best = {}       # state -> (largest positive gain, its action): the first one on ties
        for (s, p, a), g in one_shot_gains(game, current).items():
            if p == player and g > best.get(s, (0, None))[0]:
                best[s] = (g, a)
        if not best:
            return current
        for s, (_, a) in best.items():   # Howard: switch wherever a one-shot deviation gains
            current[s] = current[s][:k] + (a,) + current[s][k + 1:]
    raise GameError(f"policy iteration for {player} did not settle in {max_iterations} steps")  # pragma: no cover


def best_response_fixed_point(game, profile: dict, *, max_rounds: int = 50) -> dict | None:
    """The pure profile that alternating best responses (each player in turn, from
    ``profile``) reach and do not leave, or None if none is reached within ``max_rounds``
    rounds. A fixed point is a candidate: every player's strategy is a best response to the
    others' in every state; callers certify it.

    >>> from deterrence.io import load_game
    >>> g = load_game("us_iran_exchange").with_defaults()
    >>> start = {s: tuple(a[0] for a in g.actions_in(s)) for s in g.states}
    >>> best_response_fixed_point(g, start) is not None
    True
    """
    for _ in range(max_rounds):
        new = profile
        for player in game.players:
            new = best_response(game, new, player)
        if new == profile:
            return profile
        profile = new
    return None


def _uniform_starts(game) -> list:
    widest = max(len(a) for s in game.states for a in game.actions_in(s))
    return [{s: tuple(acts[min(k, len(acts) - 1)] for acts in game.actions_in(s)) for s in game.states}
            for k in range(widest)]


def pure_markov_perfect_search(game, *, random_starts: int = 8, seed=0, max_rounds: int = 50) -> list:
    """Pure Markov perfect equilibria found by alternating best responses (see the module's
    steps), each certified exactly under the game's noise; not necessarily all of them.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> [e.action("good", "A") + e.action("poor", "A") for e in pure_markov_perfect_search(g)]
    ['CC', 'DD']

    The complete enumeration (small games only) finds a third, which no start reaches:

    >>> len(pure_markov_perfect(g))
    3
    """
    from deterrence.core.random import rng as make_rng
    game = at_defaults(game, "pure_markov_perfect_search")
    game.require_exact("Markov perfect equilibria")
    generator = make_rng(seed)
    starts = _uniform_starts(game)
    for _ in range(random_starts):
        starts.append({s: tuple(acts[int(generator.integers(len(acts)))] for acts in game.actions_in(s))
                       for s in game.states})
    found, seen = [], set()
    for start in starts:
        profile = best_response_fixed_point(game, start, max_rounds=max_rounds)
        if profile is None:
            continue                      # no fixed point from this start
        key = tuple(sorted(profile.items()))
        if key in seen:
            continue
        seen.add(key)
        eq = _certified(game, markov_strategy(game, profile))
        if eq is not None:
            found.append(eq)
    return found


# -- mixed profiles: the logit homotopy --------------------------------------------------
def _contract(np, T, vector, axis):
    """Contract axis ``axis`` of a batched tensor with a batched vector (rows aligned)."""
    T = np.moveaxis(T, axis, -1)
    return np.einsum("b...k,bk->b...", T, vector)


class _LogitHomotopy:
    """The logit Markov QRE of a prior as a path ``H(y) = 0``, ``y = (z, v, mu)``.

    ``z`` are the logarithms of every probability (state, player, action), ``v`` the
    values ``V[state][player]`` divided by the payoff scale, and ``mu = lambda *
    scale`` the precision. The equations are ``z = log prior + lambda Q - logsumexp(..)``
    and ``v = sigma . Q / scale`` in each state for each player. In logarithms the
    probabilities of actions that lose fall linearly in ``lambda`` (Turocy 2005,
    "A dynamic homotopy interpretation of the logistic quantal response
    equilibrium correspondence", Games Econ. Behav. 51: 243-263), so the path is
    smooth and long steps are safe.
    """

    def __init__(self, game, tables, prior):
        import numpy as np
        self.np = np
        self.tables, self.prior = tables, prior
        self.k, self.n, self.delta = len(game.states), len(game.players), float(game.delta)
        self.sizes = [[len(a) for a in game.actions_in(s)] for s in game.states]
        self.slots, pos = [], 0
        for j in range(self.k):
            row = []
            for i in range(self.n):
                row.append(slice(pos, pos + self.sizes[j][i]))
                pos += self.sizes[j][i]
            self.slots.append(row)
        self.n_sigma = pos
        self.scale = _scale(game, tables)
        self.log_prior = [[np.log(prior[j][i]) for i in range(self.n)] for j in range(self.k)]

    def strategies(self, y):
        np = self.np
        return [[np.exp(y[self.slots[j][i]]) for i in range(self.n)] for j in range(self.k)]

    def residual(self, y):
        return self.residuals(y[None, :])[0]

    def residuals(self, Y):
        """The residual at each row of ``Y`` (a batch: the Jacobian's columns in one call)."""
        with self.np.errstate(all="ignore"):  # a wild Newton trial is rejected by the caller
            return self._residuals(Y)

    def _residuals(self, Y):
        np, n, k = self.np, self.n, self.k
        lam = Y[:, -1:] / self.scale
        V = Y[:, self.n_sigma:-1].reshape(len(Y), k, n) * self.scale
        out = np.empty((len(Y), Y.shape[1] - 1), dtype=Y.dtype)
        self.term_size = 0.0                 # the largest |lambda Q + log prior|: what rounding scales with
        for j in range(k):
            pay, nxt = self.tables[j]
            sig = [np.exp(Y[:, self.slots[j][i]]) for i in range(n)]
            for i in range(n):
                # T[b, profile] = u_i + delta * E[V_i(next)] for each batch row b
                T = pay[..., i][None] + self.delta * np.tensordot(V[:, :, i], nxt, axes=([1], [n]))
                if n == 2:
                    Q = np.einsum("bxy,by->bx", T, sig[1]) if i == 0 else np.einsum("bxy,bx->by", T, sig[0])
                else:
                    Q = T
                    for m in reversed(range(n)):  # higher axes first: lower ones keep their place
                        if m != i:
                            Q = _contract(np, Q, sig[m], m + 1)
                u = self.log_prior[j][i][None] + lam * Q
                top = u.real.max(axis=1, keepdims=True)  # a shift: real, so the complex step passes
                self.term_size = max(self.term_size, float(np.abs(u.real).max()))
                sl = self.slots[j][i]
                out[:, sl] = Y[:, sl] - (u - top - np.log(np.exp(u - top).sum(axis=1, keepdims=True)))
                col = self.n_sigma + j * n + i
                out[:, col] = Y[:, col] - (sig[i] * Q).sum(axis=1) / self.scale
        return out

    def jacobian(self, y, f):
        """Exact to rounding by the complex step (Squire and Trapp, SIAM Review 40 (1998)
        110-112): ``Im H(y + i h e_c) / h``, every column in one batched call."""
        np = self.np
        h = 1e-30
        return (self.residuals(y[None, :] + 1j * h * np.eye(len(y))).imag / h).T

    def start(self):
        """The point at lambda = 0: play the prior; values of the prior."""
        np, n, k = self.np, self.n, self.k
        P, r = np.zeros((k, k)), np.zeros((k, n))
        for j in range(k):
            for prof, w in _profile_weights([self.prior[j][i] for i in range(n)]).items():
                P[j] += w * self.tables[j][1][prof]
                r[j] += w * self.tables[j][0][prof]
        V = np.linalg.solve(np.eye(k) - self.delta * P, r).reshape(-1) / self.scale
        z = np.concatenate([self.log_prior[j][i] for j in range(k) for i in range(n)])
        return np.concatenate([z, V, [0.0]])

    def trace(self, mu_end, max_steps=600):
        """Pseudo-arclength continuation (Allgower and Georg, *Numerical Continuation
        Methods*, 1990, ch. 2): an Euler predictor along the tangent (the null vector of
        the Jacobian) and Newton correctors, with step control; it follows the
        path through turning points, where ``lambda`` goes back for a while. Returns the
        point at ``mu = mu_end`` or where the supports have settled, or None when the
        path is lost or longer than ``max_steps``."""
        np = self.np
        y = self.start()
        step, secant, last, settled = 0.5, None, None, 0
        self.history = []  # (mu, step, corrector iterations) of each step, for diagnosis
        for _ in range(max_steps):
            f = self.residual(y)
            J = self.jacobian(y, f)
            if not (np.all(np.isfinite(f)) and np.all(np.isfinite(J))):
                return None  # the path left the numbers floats can hold
            q, _ = np.linalg.qr(J.T, mode="complete")
            tangent = q[:, -1]
            # orientation: along the last secant (at the start: lambda increasing)
            if (tangent[-1] if secant is None else tangent @ secant) < 0:
                tangent = -tangent
            while True:  # shrink the step until the corrector converges close to the tangent
                z = y + step * tangent
                converged, best, best_size = False, None, np.inf
                for it in range(8):
                    g = self.residual(z)
                    if not np.all(np.isfinite(g)):
                        break
                    size = np.abs(g).max()
                    # Far along the path the terms lambda * Q reach 1e7 and more, and their
                    # rounding leaves a residual that Newton cannot reduce (about 1e-8 on the
                    # US-Iran calibration; which side of 1e-8 it lands on depends on the BLAS,
                    # and halving the step does not help). So the tolerance grows with the
                    # terms, and a corrector that stalls under 1e-7 keeps its best iterate.
                    if size < max(1e-8, 64 * _EPSILON * self.term_size):
                        converged = True
                        break
                    if size < 1e-7 and size > 0.5 * best_size:
                        converged = True
                        if best_size < size:
                            z = best
                        break
                    if size < best_size:
                        best, best_size = z, size
                    # Newton, min-norm (the Jacobian is cheap: one batched evaluation)
                    correction = _least_squares(np, self.jacobian(z, g) if it else J, g)
                    if correction is None:
                        break  # not converged: the step is halved
                    z = z - correction
                moved = z - y
                length = np.linalg.norm(moved)
                if converged and z[-1] > -1e-6 and length > 0 and moved @ tangent > 0.97 * length:
                    break  # converged, and the path did not turn much within the step
                step /= 2
                if step < 1e-10:
                    return None
            secant, y = moved / length, z
            self.history.append((y[-1], step, it))
            if y[-1] >= mu_end:
                return self.finish(y, mu_end)
            # Far along, the supports show: every probability is clearly positive or
            # vanishing (below e^-70). When that pattern has held for a while, the rest
            # of the path only moves the mixtures, which the certification solves for.
            logs = y[:self.n_sigma]
            if y[-1] >= mu_end * 1e-5 and np.all((logs > math.log(1e-4)) | (logs < -70)):
                pattern = tuple(logs > -70)
                settled = settled + 1 if pattern == last else 0
                last = pattern
                if settled >= 25:
                    return y
            step *= 2.0 if it <= 2 else (1.3 if it <= 4 else 0.6)
        return None

    def finish(self, y, mu_end):
        """Newton at ``mu = mu_end`` (the last step may overshoot it). When Newton does not
        settle there (a long last step starts it far away: its iterates left the path and read
        as "probabilities" of 1.5), the path's own point ``y``, at or past ``mu_end``."""
        np = self.np
        z = y.copy()
        z[-1] = mu_end
        for _ in range(30):
            g = self.residual(z)
            if not np.all(np.isfinite(g)):
                break
            if np.abs(g).max() < max(1e-12, 64 * _EPSILON * self.term_size):
                return z
            correction = _least_squares(np, self.jacobian(z, g)[:, :-1], g)
            if correction is None:
                break
            z[:-1] = z[:-1] - correction
        return y


#: the spacing of floats at 1 (numpy.finfo(float).eps), for tolerances that scale with the terms
_EPSILON = 2.0 ** -52


def _least_squares(np, J, g, rcond=None):
    """The min-norm least-squares step ``J^+ g``, or None when the numbers are not finite
    (LAPACK's SVD fails on them)."""
    if not (np.all(np.isfinite(J)) and np.all(np.isfinite(g))):
        return None
    try:
        step = np.linalg.lstsq(J, g, rcond=rcond)[0]
    except np.linalg.LinAlgError:
        return None
    return step if np.all(np.isfinite(step)) else None


def logit_homotopy_candidates(game, restarts, seed, max_steps=600):
    """Float candidates (per state, one float strategy per player) for
    :func:`certify_markov_perfect`: the ends of the logit homotopy from the uniform prior and
    from ``restarts`` random priors (seeded); a prior whose path does not end in ``max_steps``
    steps gives none.

    >>> from deterrence import load_game
    >>> game = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> candidates = list(logit_homotopy_candidates(game, 2, seed=1))
    >>> 1 <= len(candidates) <= 3 and all(len(c) == len(game.states) for c in candidates)
    True
    """
    import numpy as np

    from deterrence.core.random import rng as make_rng
    tables = _float_tables(game)
    per_round = _scale(game, tables) * (1 - float(game.delta))
    # lambda up to 1e8 / (per-round payoff scale): an action that loses by a millionth of
    # a round's payoffs keeps a probability of about exp(-100)
    mu_end = 1e8 * _scale(game, tables) / per_round
    generator = make_rng(seed)
    priors = [[[np.full(len(a), 1 / len(a)) for a in game.actions_in(s)] for s in game.states]]
    for _ in range(restarts):
        priors.append([[generator.dirichlet(np.ones(len(a))) for a in game.actions_in(s)]
                       for s in game.states])
    for prior in priors:
        path = _LogitHomotopy(game, tables, prior)
        y = path.trace(mu_end, max_steps)
        if y is not None:
            yield path.strategies(y)


def certify_markov_perfect(game, candidate, *, interval: bool = True) -> MarkovPerfectEquilibrium | None:
    """An exact (or exactly epsilon-certified) MPE near a float candidate, or None.

    ``candidate`` is ``{state: [probabilities per player]}`` in floats (or any numbers).
    See the module's step 3.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> from deterrence.core.stochastic import StochasticGame
    >>> pennies = StochasticGame.from_stage_game(NormalFormGame.zero_sum([[1, -1], [-1, 1]]), "1/2")
    >>> certify_markov_perfect(pennies, {"stage": [[0.5001, 0.4999], [0.5, 0.5]]}).strategies
    {'stage': ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))}
    """
    game.require_exact("certification")
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
    actions = {s: game.actions_in(s) for s in game.states}
    if interval and system.interval_certificate(sigma, values, radius=40):
        return MarkovPerfectEquilibrium(sigma, values, game.players, game.states, actions, True, False,
                                        max(worst, 0), Fraction(1, 10**40))
    scale = max(abs(v) for s in game.states for (pay, _) in game.outcome_table(s).values() for v in pay) + 1
    if worst > Fraction(scale, 10**30) / (1 - game.delta):
        return None
    return MarkovPerfectEquilibrium(sigma, values, game.players, game.states, actions, False, False, worst)


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


class _Dual:
    """A number with its gradient (a sparse map unknown -> derivative): forward-mode
    differentiation over python-flint balls, for the interval Jacobian."""

    __slots__ = ("grad", "value")

    def __init__(self, value, grad=None):
        self.value, self.grad = value, grad or {}

    @staticmethod
    def lift(other):
        return other if isinstance(other, _Dual) else _Dual(_dual_constant(other).value)

    def __add__(self, other):
        other = _Dual.lift(other)
        grad = dict(self.grad)
        for k, v in other.grad.items():
            grad[k] = grad[k] + v if k in grad else v
        return _Dual(self.value + other.value, grad)

    __radd__ = __add__

    def __neg__(self):
        return _Dual(-self.value, {k: -v for k, v in self.grad.items()})

    def __sub__(self, other):
        return self + (-_Dual.lift(other))

    def __rsub__(self, other):
        return _Dual.lift(other) - self

    def __mul__(self, other):
        other = _Dual.lift(other)
        grad = {k: v * other.value for k, v in self.grad.items()}
        for k, v in other.grad.items():
            grad[k] = grad[k] + self.value * v if k in grad else self.value * v
        return _Dual(self.value * other.value, grad)

    __rmul__ = __mul__

    def __truediv__(self, other):
        other = _Dual.lift(other)
        if other.grad:
            raise TypeError("division by a variable is not needed here")
        return _Dual(self.value / other.value, {k: v / other.value for k, v in self.grad.items()})

    def __eq__(self, other):  # only "is exactly zero", for skipping zero weights
        return not self.grad and other == 0 and self.value == 0

    __hash__ = None


def _dual_constant(v):
    flint = flint_module()
    return _Dual(flint.arb(v))


class _IndifferenceSystem:
    """The equations of an MPE with given supports: every supported action's ``Q`` equals
    the value, and each player's probabilities sum to 1. Unknowns: the supported
    probabilities, then the values ``V[state][player]``."""

    def __init__(self, game, supports):
        self.game, self.supports = game, supports
        self.n, self.k = len(game.players), len(game.states)
        self.layout = [(s, i, a) for s in game.states for i in range(self.n) for a in supports[s][i]]
        self.tables = {s: game.outcome_table(s) for s in game.states}

    def gains(self, x, num, everywhere=False) -> dict:
        """``{(state, player index, action index): Q - V}`` at the point ``x``: for the
        supported actions, or (``everywhere``) for every action."""
        game, n = self.game, self.n
        tables = self._converted(num)
        sig = {s: [[num(0)] * len(a) for a in game.actions_in(s)] for s in game.states}
        for (s, i, a), v in zip(self.layout, x):
            sig[s][i][a] = v
        base = len(self.layout)
        d = tables["delta"]
        out = {}
        for j, s in enumerate(game.states):
            for i in range(n):
                for a in (range(len(game.actions_in(s)[i])) if everywhere else self.supports[s][i]):
                    q = num(0)
                    for prof, (pay, nxt) in tables[s].items():
                        if prof[i] != a:
                            continue
                        w = num(1)
                        for m in range(n):
                            if m != i:
                                w = w * sig[s][m][prof[m]]
                        if w == 0:  # an action off the support: exactly zero weight
                            continue
                        cont = sum((t * x[base + jj * n + i] for jj, t in nxt), num(0))
                        q = q + w * (pay[i] + d * cont)
                    out[(s, i, a)] = q - x[base + j * n + i]
        return out

    def residual(self, x, num):
        gains = self.gains(x, num)
        res = []
        for s in self.game.states:
            for i in range(self.n):
                res += [gains[(s, i, a)] for a in self.supports[s][i]]
                res.append(sum((x[c] for c, (s2, i2, _) in enumerate(self.layout) if (s2, i2) == (s, i)),
                               num(0)) - 1)
        return res

    def interval_certificate(self, sigma, values, radius: int = 40) -> bool:
        """Krawczyk's test (python-flint ``arb`` balls) that the box of radius ``10^-radius``
        around the rational point ``(sigma, values)`` holds exactly one zero of the system,
        that its supported probabilities are positive and that every action off the support
        gains strictly less than the value there: an exact MPE, irrational in general.

        R. Krawczyk, "Newton-Algorithmen zur Bestimmung von Nullstellen mit
        Fehlerschranken", Computing 4 (1969) 187-201; R. E. Moore, "A test for existence
        of solutions to nonlinear systems", SIAM J. Numer. Anal. 14 (1977) 611-615.
        """
        flint = flint_module()
        saved = flint.ctx.prec
        flint.ctx.prec = 64 + int(radius * 3.33) * 2
        try:
            def arb_of(v):
                v = Fraction(v)
                return flint.arb(flint.fmpq(v.numerator, v.denominator))

            center = [sigma[s][i][a] for s, i, a in self.layout]
            center += [values[s][i] for s in self.game.states for i in range(self.n)]
            m = len(center)
            c = [arb_of(v) for v in center]
            width = flint.arb(0, f"1e-{radius}")
            box = [v + width for v in c]
            F = self.residual(c, flint.arb)
            if len(F) != m:
                return False
            Jc = self._jacobian(c)
            JX = self._jacobian(box)
            try:
                Y = flint.arb_mat(m, m, [v for row in Jc for v in row]).mid().inv().mid()
            except (ZeroDivisionError, ValueError):
                return False
            Fc = flint.arb_mat(m, 1, F)
            step = flint.arb_mat(m, 1, [b - v for b, v in zip(box, c)])
            eye = flint.arb_mat(m, m)
            for r in range(m):
                eye[r, r] = 1
            K = flint.arb_mat(m, 1, c) - Y * Fc + (eye - Y * flint.arb_mat(m, m, [v for row in JX for v in row])) * step
            limit = flint.arb(f"1e-{radius}")
            if not all(abs(K[r, 0] - c[r]) < limit for r in range(m)):
                return False
            if not all(box[r] > 0 for r in range(len(self.layout))):
                return False
            off = self.gains(box, flint.arb, everywhere=True)
            return all(g < 0 for key, g in off.items() if key[2] not in self.supports[key[0]][key[1]])
        finally:
            flint.ctx.prec = saved

    def _jacobian(self, point) -> list:
        """Rows of the Jacobian of :meth:`residual` at ``point`` (arb balls), by forward-mode
        differentiation: exact derivatives of the polynomial equations, in ball arithmetic."""
        flint = flint_module()
        x = [_Dual(v, {r: flint.arb(1)}) for r, v in enumerate(point)]
        rows = self.residual(x, _dual_constant)
        return [[f.grad.get(c, flint.arb(0)) for c in range(len(point))] for f in rows]

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
            try:
                V = _float_values(game, numbers)
            except np.linalg.LinAlgError:
                # I - delta P singular in floats (delta = 1 - 10^-6, three players): no float polish;
                # it crashed the whole solve, pure equilibria found included (a solver review)
                return None
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
                correction = _least_squares(np, J, f, rcond=1e-12)
                if correction is None:
                    return None
                x = x - correction
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
def markov_perfect_on_supports(game, supports, *, starts: int = 20, seed=0,
                               interval: bool = True) -> list:
    """Certified MPE whose supports are the given ones: the indifference system on those
    supports is solved by Newton's method from ``starts`` random points (seeded), and
    every solution is certified as in :func:`certify_markov_perfect`.

    ``supports`` maps each state to one list of actions per player (a sequence, or a
    mapping player -> list); states where every player has one action may be left out.
    Use it when the question names the kind of play (Iran mixes hold and retaliate in
    quiet, say) and the homotopy ends elsewhere.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> from deterrence.core.stochastic import StochasticGame
    >>> pennies = StochasticGame.from_stage_game(NormalFormGame.zero_sum([[1, -1], [-1, 1]]), "1/2")
    >>> [e.strategies for e in markov_perfect_on_supports(pennies, {"stage": [["0", "1"], ["0", "1"]]})]
    [{'stage': ((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))}]
    >>> markov_perfect_on_supports(pennies, {"stage": [["0"], ["0", "1"]]})
    []
    """
    import numpy as np

    from deterrence.core.random import rng as make_rng
    game = at_defaults(game, "markov_perfect_on_supports")
    index = {}
    for s in game.states:
        acts = game.actions_in(s)
        entry = supports.get(s) if hasattr(supports, "get") else None
        if entry is None:
            if all(len(a) == 1 for a in acts):
                index[s] = [[0] for _ in acts]
                continue
            raise GameError(f"no supports given for state {s!r}")
        if hasattr(entry, "items"):
            entry = [entry[p] for p in game.players]
        if len(entry) != len(game.players):
            raise GameError(f"supports in state {s!r} need one list per player")
        index[s] = []
        for p, own, labels in zip(game.players, acts, entry):
            if isinstance(labels, str) or not labels:
                raise GameError(f"the support of {p} in state {s!r} must be a non-empty list of actions")
            for a in labels:
                if a not in own:
                    raise GameError(f"unknown action {a!r} of {p} in state {s!r}; actions there are "
                                    f"{', '.join(own)}")
            index[s].append(sorted(own.index(a) for a in set(labels)))
    system = _IndifferenceSystem(game, index)
    generator = make_rng(seed)
    found, seen = [], set()
    for _ in range(starts):
        numbers = {s: [[0.0] * len(a) for a in game.actions_in(s)] for s in game.states}
        for s in game.states:
            for i, sup in enumerate(index[s]):
                for a, q in zip(sup, generator.dirichlet(np.ones(len(sup)))):
                    numbers[s][i][a] = float(q)
        polished = system.polish(numbers, "float")
        if polished is None:
            continue
        eq = certify_markov_perfect(game, polished, interval=interval)
        if eq is not None and _key(eq.strategies) not in seen:
            seen.add(_key(eq.strategies))
            found.append(eq)
    return found


def markov_perfect(game, *, mixed: bool | None = None, restarts: int = 2, seed=0,
                   max_profiles: int = MAX_PROFILES, interval: bool = True,
                   max_steps: int = 600, supports=(), search_when_large: bool = True) -> MarkovPerfectResult:
    """Markov perfect equilibria of a stochastic game: all pure ones, and mixed ones found by
    the logit homotopy (see the module docstring), and ones on each of the given
    ``supports`` (see :func:`markov_perfect_on_supports`), each certified under the
    game's noise. A game with more than ``max_profiles`` pure stationary profiles gets
    a search by alternating best responses instead of the enumeration
    (:func:`pure_markov_perfect_search`; ``pure_complete`` is then
    False), or a :class:`~deterrence.errors.TooLargeError` with ``search_when_large=False``.
    ``mixed`` (default: when the pure profiles could be enumerated) runs the homotopy
    for mixed equilibria; on large games it takes minutes, so it runs there only when
    asked for (``mixed=True``).

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> from deterrence.core.stochastic import StochasticGame
    >>> pennies = StochasticGame.from_stage_game(NormalFormGame.zero_sum([[1, -1], [-1, 1]]), "1/2")
    >>> result = markov_perfect(pennies)
    >>> [e.strategies["stage"] for e in result], result.equilibria[0].values["stage"]
    ([((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))], (0, 0))
    """
    game = at_defaults(game, "markov_perfect")
    if not hasattr(game, "outcome_table"):
        raise GameError(f"markov_perfect needs a StochasticGame, got {type(game).__name__}")
    if mixed is not None and not isinstance(mixed, bool):       # "-o mixed=abc" ran the mixed search
        raise GameError(f"option mixed must be true or false, got {mixed!r}")
    notes = []
    try:
        found = pure_markov_perfect(game, max_profiles=max_profiles)
        pure_complete = True
    except TooLargeError as exc:
        if not search_when_large:
            raise
        # too many pure profiles to enumerate (or payoffs beyond the float range of its
        # tables): search from several starts instead
        found = pure_markov_perfect_search(game, seed=seed)
        pure_complete = False
        if isinstance(exc, OverflowError):
            notes.append("not every pure MPE is listed: payoffs beyond the float range (about 1.8e+308) "
                         "rule out the enumeration, which works in floats; pure ones were searched by "
                         "alternating best responses from several starts")
        else:
            notes.append(f"not every pure MPE is listed: {pure_profile_count(game)} stationary pure profiles "
                         f"are over the limit of {max_profiles}; pure ones were "
                         "searched by alternating best responses from several starts (raise max_profiles "
                         "to enumerate them all)")
    if mixed is None:
        mixed = pure_complete
        if not mixed:
            notes.append("mixed equilibria were not searched (the logit homotopy takes minutes on a game "
                         "this large): pass mixed=True")
    elif not mixed:
        notes.append("mixed equilibria were not searched (mixed=False): there may be some")
    if mixed:
        seen = {_key(e.strategies) for e in found}
        for sig in logit_homotopy_candidates(game, restarts, seed, max_steps):
            candidate = {s: [list(d) for d in sig[j]] for j, s in enumerate(game.states)}
            eq = certify_markov_perfect(game, candidate, interval=interval)
            if eq is not None and _key(eq.strategies) not in seen:
                seen.add(_key(eq.strategies))
                found.append(eq)
        for spec in supports:
            for eq in markov_perfect_on_supports(game, spec, seed=seed, interval=interval):
                if _key(eq.strategies) not in seen:
                    seen.add(_key(eq.strategies))
                    found.append(eq)
        notes.append(("every pure MPE is listed; " if pure_complete else "")
                     + "mixed ones come from the logit homotopy "
                     f"({1 + restarts} runs)" + (f" and {len(supports)} given supports" if supports else "")
                     + " and may not be all")
    if game.has_noise:
        notes.append("deviations are checked in intended actions, under the game's noise")
    return MarkovPerfectResult(tuple(found), "markov_perfect", all(e.exact for e in found),
                               False, game.players, game.states,
                               {s: game.actions_in(s) for s in game.states}, pure_complete, tuple(notes),
                               noisy=bool(game.has_noise), mixed_searched=bool(mixed))


def _key(strategies):
    return tuple(sorted(strategies.items()))


__all__ = [
    "best_response", "best_response_fixed_point", "pure_markov_perfect_search", "pure_profile_count",
    "MAX_PROFILES",
    "Deviation",
    "MarkovPerfectEquilibrium",
    "MarkovPerfectResult",
    "certify_markov_perfect",
    "markov_perfect",
    "markov_perfect_on_supports",
    "one_shot_gains",
    "pure_markov_perfect",
    "verify_markov_perfect",
]
