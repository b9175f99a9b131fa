"""Regime switching: a stochastic game whose players' stances change, as states of a product game.

A *stance* is one version of a stochastic game (the same players, states and
actions, other payoffs: a hawkish turn in Tehran, a US public that has tired of
its presence). Stances switch exogenously: from stance ``k`` the next round's
stance is ``k'`` with probability ``R_s[k][k']`` per round, which may depend on
the state ``s`` the round was played in (support for a US presence erodes after
a deadly strike, recovers at a rate otherwise). Because the stance is part of
the state, the players know the stance in force and *anticipate* switches: a
Markov perfect equilibrium of the product game prices in what each stance will
bring (Hamilton 1989 for regime switching in time series; Filar and Vrieze 1997
for stochastic games; Maskin and Tirole 2001 for Markov perfect equilibrium).

The product game (:func:`regime_switching`):

* states ``"k:s"`` for every stance ``k`` and every state ``s`` that is not
  absorbing; payoffs, actions and noise of ``"k:s"`` are those of ``s`` in stance ``k``;
* the next state after a realised profile ``b`` in ``"k:s"`` is ``"k':s'"`` with
  probability ``T_k(s' | s, b) * R_s[k][k']`` (the stance switches
  independently of the play);
* an absorbing state ``s`` stays absorbing. Nothing is chosen there, so only its
  value matters: in stance ``k`` it is ``V_k = [(I - delta R_s)^(-1) u_s]_k``
  (the stance keeps switching, each round paying ``u_s`` of the stance in
  force), and ``"k:s"`` pays the annuity ``(1 - delta) V_k`` every round, which
  gives it exactly that value. When the annuity is the same in every stance
  the states are merged into one state ``s`` (a war is a war whatever the stance).

The equilibrium search (:func:`regime_switching_equilibria`) lifts per-stance
pure profiles into the product and alternates the toolkit's exact best
responses (:func:`deterrence.solvers.stochastic.markov_perfect.best_response`,
Howard's policy iteration) until no player changes; every fixed point is
verified with :func:`~deterrence.solvers.stochastic.markov_perfect.verify_markov_perfect`
under the game's own noise in every state. The list is not claimed complete.

Time in a regime (:func:`regime_duration`, :func:`regime_survival`): a *regime*
is a set of product states; the expected number of rounds before play first
leaves it is the exact expected hitting time of its complement
(:func:`~deterrence.solvers.stochastic.markov_chain.expected_rounds_to_absorption`
with the complement as the targets: Kemeny and Snell 1960, ch. 3), and the
chance that it lasts ``T`` rounds is one minus the chance of hitting the
complement within ``T`` rounds
(:func:`~deterrence.solvers.stochastic.markov_chain.hitting_probability`).

References: J. D. Hamilton, "A new approach to the economic analysis of
nonstationary time series and the business cycle", Econometrica 57 (1989)
357-384; J. Filar and K. Vrieze, *Competitive Markov Decision Processes*,
Springer 1997; E. Maskin and J. Tirole, "Markov perfect equilibrium I",
J. Econ. Theory 100 (2001) 191-219; J. G. Kemeny and J. L. Snell, *Finite
Markov Chains*, Van Nostrand 1960.

Steps of :func:`regime_switching`: (1) make every stance an exact game (a
mapping of parameter values is applied to ``base`` with ``subs``); (2) check
that the stances share players, states, actions, start, absorbing states and
delta; (3) complete each switching row (the probability of staying is what is
left); (4) value each absorbing state's payoff stream under switching and merge
the states whose annuities agree; (5) build the product's payoffs, transitions
and noise state by state.

>>> from deterrence.core.stochastic import StochasticGame
>>> def calm_war(cost):   # hold keeps the calm; fight starts a war that costs ``cost`` a round
...     return StochasticGame(["A"], ["calm", "war"], [["hold", "fight"]],
...         {"calm": {"hold": [1], "fight": [2]}, "war": {"*": [-cost]}},
...         {"calm": {"hold": {"calm": 1}, "fight": {"war": 1}}}, absorbing=["war"], delta="1/2")
>>> rs = regime_switching({"dove": calm_war(10), "hawk": calm_war(0)}, {"dove": {"hawk": "1/4"}})
>>> rs.game.states
('dove:calm', 'hawk:calm', 'dove:war', 'hawk:war')
>>> rs.game.transition("dove:calm", ("hold",))
{'dove:calm': Fraction(3, 4), 'hawk:calm': Fraction(1, 4)}
>>> [p for p in regime_switching_equilibria(rs, [{"dove": {"calm": ("hold",)}, "hawk": {"calm": ("fight",)}}])]
[{'dove:calm': ('hold',), 'hawk:calm': ('fight',), 'dove:war': ('none',), 'hawk:war': ('none',)}]
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from deterrence.core.numbers import format_exact, to_exact
from deterrence.core.stochastic import StochasticGame
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError

#: Between the stance and the state in a product state's name (``"hawkish:calm/quiet"``).
SEPARATOR = ":"


@dataclass(frozen=True)
class RegimeSwitching:
    """The product game of :func:`regime_switching` and the map between its states and the stances'.

    ``game`` is the product :class:`~deterrence.core.stochastic.StochasticGame`;
    ``stances`` the stance names in order; ``base_states`` the states of each stance's
    game; ``merged`` the absorbing states kept as one state for every stance;
    ``switching`` the completed rows ``((state or "", ((from, ((to, p), ...)), ...)), ...)``
    (``""``: the rows for every state without its own).
    """

    game: StochasticGame
    stances: tuple
    base_states: tuple
    merged: tuple
    switching: tuple
    separator: str = SEPARATOR

    def state(self, stance: str, state: str) -> str:
        """The product state of a stance and a state of its game.

        >>> _demo().state("hawk", "war"), _demo().state("hawk", "calm")
        ('hawk:war', 'hawk:calm')
        """
        if stance not in self.stances:
            raise GameError(f"unknown stance {stance!r}; stances are {', '.join(self.stances)}")
        if state not in self.base_states:
            raise GameError(f"unknown state {state!r}; states are {', '.join(self.base_states)}")
        return state if state in self.merged else f"{stance}{self.separator}{state}"

    def stance_of(self, product_state: str):
        """The stance of a product state (``None`` for a merged absorbing state).

        >>> _demo().stance_of("dove:calm")
        'dove'
        """
        if product_state in self.merged:
            return None
        return product_state.split(self.separator, 1)[0]

    def base_state(self, product_state: str) -> str:
        """The state of the stance's game that a product state stands for.

        >>> _demo().base_state("dove:calm")
        'calm'
        """
        return product_state if product_state in self.merged else product_state.split(self.separator, 1)[1]

    def states_of(self, stance: str) -> tuple:
        """The product states of one stance (its merged absorbing states left out).

        >>> _demo().states_of("hawk")
        ('hawk:calm', 'hawk:war')
        """
        return tuple(s for s in self.game.states if self.stance_of(s) == stance)

    def product_states(self, state: str) -> tuple:
        """Every product state that stands for ``state`` of the stances' game (one per stance,
        or the one merged state).

        >>> _demo().product_states("war")
        ('dove:war', 'hawk:war')
        """
        return tuple(dict.fromkeys(self.state(k, state) for k in self.stances))

    def switch_rows(self, state: str) -> dict:
        """``{from: {to: probability}}``: the completed switching rows after a round in ``state``
        (a state of the stances' game).

        >>> _demo().switch_rows("calm")["dove"]
        {'dove': Fraction(3, 4), 'hawk': Fraction(1, 4)}
        """
        rows = dict(self.switching)
        chosen = rows.get(state, rows[""])
        return {k: dict(row) for k, row in chosen}

    def lift(self, profiles: Mapping) -> dict:
        """A product profile ``{product state: intended actions}`` from one pure profile per
        stance (``{stance: {state: actions}}``); states with one action per player may be left out.

        >>> _demo().lift({"dove": {"calm": ("hold",)}, "hawk": {"calm": ("fight",)}})["hawk:calm"]
        ('fight',)
        """
        out = {}
        for s in self.game.states:
            acts = self.game.actions_in(s)
            k = self.stance_of(s)
            given = None if k is None else profiles.get(k, {}).get(self.base_state(s))
            if given is None:
                if all(len(a) == 1 for a in acts):
                    given = tuple(a[0] for a in acts)
                else:
                    raise GameError(f"no actions given for stance {k!r} in state {self.base_state(s)!r}")
            out[s] = tuple(given)
        return out

    def restrict(self, profile: Mapping, stance: str) -> dict:
        """One stance's part of a product profile, as ``{state: actions}`` over its states.

        >>> rs = _demo()
        >>> rs.restrict(rs.lift({"dove": {"calm": ("hold",)}, "hawk": {"calm": ("fight",)}}), "dove")
        {'calm': ('hold',), 'war': ('none',)}
        """
        return {self.base_state(s): tuple(profile[s]) for s in self.states_of(stance)}


def _exact_game(name, game, base):
    if isinstance(game, Mapping):
        if base is None:
            raise GameError(f"stance {name!r} gives parameter values: pass the game they apply to as base=")
        return base.subs(game)
    if not isinstance(game, StochasticGame):
        raise GameError(f"stance {name!r} must be a StochasticGame or a mapping of parameter values, "
                        f"got {type(game).__name__}")
    return at_defaults(game, f"regime_switching (stance {name!r})", "taken")


def _check_same(names, games):
    first_name, first = names[0], games[names[0]]
    for name in names[1:]:
        g = games[name]
        for what, mine, theirs in (("players", g.players, first.players), ("states", g.states, first.states),
                                   ("start state", g.start, first.start),
                                   ("absorbing states", g.absorbing, first.absorbing),
                                   ("discount factor", g.delta, first.delta)):
            if mine != theirs:
                raise GameError(f"stance {name!r} has other {what} than stance {first_name!r}: "
                                f"{mine} vs {theirs}")
        for s in first.states:
            if g.actions_in(s) != first.actions_in(s):
                raise GameError(f"stance {name!r} has other actions in state {s!r} than stance {first_name!r}")


def _rows(names, table, what) -> dict:
    """Completed switching rows ``{from: {to: p}}``: the probability of staying is what is left."""
    if not isinstance(table, Mapping):
        raise GameError(f"{what}: give {{from stance: {{to stance: probability per round}}}}")
    out = {}
    for k in table:
        if k not in names:
            raise GameError(f"{what}: unknown stance {k!r}; stances are {', '.join(names)}")
    for k in names:
        given = table.get(k, {}) or {}
        row = {}
        for k2, p in given.items():
            if k2 not in names:
                raise GameError(f"{what}: unknown stance {k2!r} (switching from {k!r}); "
                                f"stances are {', '.join(names)}")
            if k2 == k:
                continue      # staying is what is left
            p = to_exact(p, f"{what}: probability of switching from {k!r} to {k2!r}")
            if not 0 <= p <= 1:
                raise GameError(f"{what}: probability of switching from {k!r} to {k2!r} is {format_exact(p)}, "
                                "not between 0 and 1")
            if p:
                row[k2] = p
        stay = 1 - sum(row.values())
        if stay < 0:
            raise GameError(f"{what}: the probabilities of switching from {k!r} sum to "
                            f"{format_exact(1 - stay)}, above 1")
        out[k] = {k2: to_exact(row[k2]) if k2 != k else to_exact(stay) for k2 in names
                  if (k2 == k and stay) or k2 in row}
    return out


def _annuities(names, payoffs, rows, delta, players) -> dict:
    """``{stance: per-round payoffs}`` worth, under switching, what the stream of payoffs is worth."""
    from deterrence.core.exact import solve
    d = Fraction(delta)
    M = [[(1 if a == b else 0) - d * rows[a].get(b, 0) for b in names] for a in names]
    columns = [solve(M, [payoffs[k][i] for k in names]) for i in range(len(players))]
    return {k: tuple(to_exact((1 - d) * Fraction(col[j])) for col in columns) for j, k in enumerate(names)}


def regime_switching(stances: Mapping, switching: Mapping, *, state_switching: Mapping | None = None,
                     base: StochasticGame | None = None, start_stance: str | None = None,
                     separator: str = SEPARATOR, title: str = "") -> RegimeSwitching:
    """The product game of stances that switch (see the module docstring).

    * ``stances``: ``{name: game}``, each an exact (or defaulted) :class:`StochasticGame`,
      or ``{name: {parameter: value}}`` applied to ``base`` (a symbolic game) with ``subs``;
    * ``switching``: ``{from: {to: probability per round}}``; stances not listed stay;
    * ``state_switching``: ``{state: {from: {to: probability}}}``, the rows after a round
      in that state of the stances' game (e.g. after a deadly strike), instead of ``switching``;
    * ``start_stance``: the stance of the first round (the first by default).

    >>> rs = _demo()
    >>> rs.game.payoff("hawk:war", ("none",)), rs.game.payoff("dove:war", ("none",))
    ((0,), (-8,))

    (The dove's war is worth ``V = -10 + (1/2)(3/4)V``, so ``V = -16``, an annuity of
    ``(1 - 1/2)(-16) = -8`` a round; the hawk's stays at 0.)
    """
    names = tuple(str(k) for k in stances)
    if not names:
        raise GameError("give at least one stance")
    for k in names:
        if separator in k:
            raise GameError(f"stance name {k!r} may not contain {separator!r}")
    games = {str(k): _exact_game(str(k), g, base) for k, g in stances.items()}
    _check_same(names, games)
    first = games[names[0]]
    start_stance = names[0] if start_stance is None else start_stance
    if start_stance not in names:
        raise GameError(f"unknown start stance {start_stance!r}; stances are {', '.join(names)}")
    rows = {"": _rows(names, switching, "switching")}
    for s, table in (state_switching or {}).items():
        if s not in first.states:
            raise GameError(f"state_switching: unknown state {s!r}; states are {', '.join(first.states)}")
        rows[s] = _rows(names, table, f"state_switching of state {s!r}")

    def row(s):
        return rows.get(s, rows[""])

    absorbing_pay, merged = {}, []
    for s in first.absorbing:
        none = tuple(a[0] for a in first.actions_in(s))
        pays = {k: games[k].payoff(s, none) for k in names}
        absorbing_pay[s] = _annuities(names, pays, row(s), first.delta, first.players)
        if len(set(absorbing_pay[s].values())) == 1:
            merged.append(s)

    def name(k, s):
        return s if s in merged else f"{k}{separator}{s}"
    transient = [s for s in first.states if s not in first.absorbing]
    states = [name(k, s) for k in names for s in transient]
    states += [name(k, s) for s in first.absorbing if s not in merged for k in names]
    states += merged
    payoffs, transitions, state_actions, state_noise = {}, {}, {}, {}
    for k in names:
        g = games[k]
        for s in first.states:
            if s in merged and k != names[0]:
                continue
            ps = name(k, s)
            acts = g.actions_in(s)
            state_actions[ps] = [list(a) for a in acts]
            if s in first.absorbing:
                payoffs[ps] = {tuple("*" for _ in acts): list(absorbing_pay[s][k])}
                continue
            payoffs[ps], transitions[ps] = {}, {}
            for prof in itertools.product(*acts):
                payoffs[ps][prof] = list(g.payoff(s, prof))
                nxt = {}
                for s2, p in g.transition(s, prof).items():
                    if s2 in merged:
                        nxt[s2] = nxt.get(s2, 0) + p
                        continue
                    for k2, r in row(s)[k].items():
                        nxt[name(k2, s2)] = nxt.get(name(k2, s2), 0) + p * r
                transitions[ps][prof] = nxt
            noise = {}
            for p in g.players:
                own = {a: dist for a, dist in g.noise_in(s, p).items() if dist != {a: 1}}
                if own:
                    noise[p] = own
            if noise:
                state_noise[ps] = noise
    timing = ({"annual_discount_rate": first.annual_discount_rate, "round_days": first.round_days}
              if first.annual_discount_rate is not None and first.round_days is not None
              else {"delta": first.delta, "round_days": first.round_days})
    game = StochasticGame(list(first.players), states, [list(a) for a in first.actions_in(first.start)],
                          payoffs, transitions, start=name(start_stance, first.start),
                          absorbing=[s for s in states if s in merged
                                     or s.split(separator, 1)[1] in first.absorbing],
                          state_actions=state_actions, state_noise=state_noise,
                          title=title or (f"{first.title} " if first.title else "")
                          + f"with regime switching ({', '.join(names)})", **timing)
    table = tuple((s, tuple((k, tuple(r.items())) for k, r in rs.items())) for s, rs in rows.items())
    return RegimeSwitching(game, names, tuple(first.states), tuple(merged), table, separator)


def regime_switching_equilibria(switching: RegimeSwitching, starts: Sequence[Mapping], *,
                                max_rounds: int = 50) -> list:
    """Pure Markov perfect equilibria of the product game reached by alternating exact best
    responses from each start (``{stance: {state: actions}}``, lifted with
    :meth:`RegimeSwitching.lift`), each verified under the noise in every state; as product
    profiles ``{product state: actions}``, without repeats, in the order found. Not claimed complete.

    >>> rs = _demo()
    >>> regime_switching_equilibria(rs, [{"dove": {"calm": ("fight",)}, "hawk": {"calm": ("hold",)}}])[0]["dove:calm"]
    ('hold',)
    """
    from deterrence.solvers.stochastic.markov_perfect import best_response_fixed_point, verify_markov_perfect
    game = switching.game
    found = []
    for start in starts:
        profile = best_response_fixed_point(game, switching.lift(start), max_rounds=max_rounds)
        if profile is None:
            continue                     # no fixed point from this start
        if profile not in found and verify_markov_perfect(game, profile)[0]:
            found.append(profile)
    return found


def _complement(switching, states):
    states = set(states)
    for s in states:
        if s not in switching.game.states:
            raise GameError(f"unknown product state {s!r}")
    return [s for s in switching.game.states if s not in states]


def regime_duration(switching: RegimeSwitching, profile: Mapping, regime: Sequence[str], *, start=None):
    """Exact expected number of rounds before play under ``profile`` first leaves the product
    states ``regime`` (from ``start``, the game's start by default; ``inf`` if it may never leave).

    >>> rs = _demo()
    >>> eq = rs.lift({"dove": {"calm": ("hold",)}, "hawk": {"calm": ("fight",)}})
    >>> regime_duration(rs, eq, ["dove:calm"])    # leaves at the switch to the hawk, 1/4 a round
    4
    """
    from deterrence.solvers.stochastic.markov_chain import expected_rounds_to_absorption
    outside = _complement(switching, regime)
    if not outside:
        import math
        return math.inf
    return expected_rounds_to_absorption(switching.game, profile, states=outside, start=start)


def regime_survival(switching: RegimeSwitching, profile: Mapping, regime: Sequence[str], rounds: int, *,
                    start=None, exact=None):
    """Probability that play under ``profile`` stays in the product states ``regime`` for the
    first ``rounds`` rounds (exact up to the chain's exact horizon, else a float).

    >>> rs = _demo()
    >>> eq = rs.lift({"dove": {"calm": ("hold",)}, "hawk": {"calm": ("fight",)}})
    >>> regime_survival(rs, eq, ["dove:calm"], 2)    # (3/4)^2
    Fraction(9, 16)
    """
    from deterrence.solvers.stochastic.markov_chain import hitting_probability
    outside = _complement(switching, regime)
    if not outside:
        return 1
    return 1 - hitting_probability(switching.game, profile, rounds, states=outside, start=start, exact=exact)


def _demo() -> RegimeSwitching:
    """Two stances of a calm/war game: the dove's war costs 10 a round, the hawk's 0."""
    def calm_war(cost):
        return StochasticGame(["A"], ["calm", "war"], [["hold", "fight"]],
                              {"calm": {"hold": [1], "fight": [2]}, "war": {"*": [-cost]}},
                              {"calm": {"hold": {"calm": 1}, "fight": {"war": 1}}}, absorbing=["war"],
                              delta="1/2")
    return regime_switching({"dove": calm_war(10), "hawk": calm_war(0)}, {"dove": {"hawk": "1/4"}})


__all__ = ["SEPARATOR", "RegimeSwitching", "regime_duration", "regime_survival", "regime_switching",
           "regime_switching_equilibria"]
