"""StochasticGame: an immutable discounted stochastic game with states, noise and absorbing states.

A stochastic game (Shapley 1953) is played in rounds. In each round the game is
in one *state*; every player picks an action (the actions may depend on the
state); each player's *intended* action is turned into a *realised* action by
that player's implementation noise (a militia's limited strike can misfire into
an escalation); the realised profile gives every player a per-round payoff and
a probability distribution over the next round's state. Outside shocks (an
Israeli strike on Iranian assets with probability ``p`` per round) are simply
part of these distributions. An *absorbing* state (``war``) is never left; it
has its own per-round payoff. Payoffs are discounted by ``delta`` per round.

Sources: L. S. Shapley, "Stochastic games", PNAS 39 (1953) 1095-1100;
J. Filar and K. Vrieze, *Competitive Markov Decision Processes*, Springer 1997,
ch. 3 and 4 (discounted stochastic games, stationary strategies);
E. Maskin and J. Tirole, "Markov perfect equilibrium I. Observable actions",
J. Econ. Theory 100 (2001) 191-219.

The carrier holds (all exact: ``int``/``Fraction`` by the rule of
:mod:`deterrence.core.numbers`, or sympy formulas over declared parameters,
read only by :func:`deterrence.core.symbolic.parse_expression`):

* ``players`` (one or more names), ``states`` (names, in order), ``start`` (a
  state; the first by default), ``absorbing`` (states never left);
* the actions of each player in each state (by default the same everywhere,
  except in absorbing states: there each player has the one action ``"none"``
  unless the state lists its own actions);
* ``payoff(state, realised profile)``: one per-round payoff per player;
* ``transition(state, realised profile)``: a distribution over next states
  (absorbing states have none: they stay where they are);
* ``noise_in(state, player)``: intended action -> distribution over realised
  actions (actions not listed are realised as intended);
* ``delta``, the discount factor per round, with ``0 <= delta < 1``.

Discounting from an annual rate (the documented exact rule)
-----------------------------------------------------------
A round of ``d`` days and an annual discount rate ``r`` give
``delta = 1 / (1 + r * d / 365)`` (:func:`discount_factor_per_round`): simple
interest over the round, exact for rational ``r`` and ``d``. The compound rule
``(1 - r)^(d/365)`` is irrational in general; for short rounds the two agree
to first order in ``r*d/365``.

Profile keys and wildcards (most specific wins)
-----------------------------------------------
Payoffs and transitions are given per realised profile by keys ``"a, b"``
(one label per player, in player order) or tuples. A label ``*`` matches every
action of that player. For each profile the matching key with the fewest
``*`` gives the value; two such keys with equal counts must give equal values
(otherwise the profile is ambiguous: give it its own entry). Every profile of
every state must be covered.

Validation: every probability is between 0 and 1 and every distribution sums
to 1 once the game is exact (symbolic sums must simplify to 1); unknown
states, players and actions are named in :class:`~deterrence.errors.GameError`
messages.

>>> g = StochasticGame(
...     ["A", "B"], ["calm", "war"], [["hold", "fight"], ["hold", "fight"]],
...     payoffs={"calm": {"hold, hold": [1, 1], "fight, hold": [2, -1],
...                       "hold, fight": [-1, 2], "fight, fight": [0, 0]},
...              "war": {"*, *": [-5, -5]}},
...     transitions={"calm": {"hold, hold": {"calm": 1}, "*, *": {"war": 1}}},
...     absorbing=["war"], delta="9/10")
>>> g.transition("calm", ("hold", "fight"))
{'war': 1}
>>> g.payoff("war", ("none", "none")), g.actions_in("war")   # no choice in an absorbing state
((-5, -5), (('none',), ('none',)))
"""
from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from fractions import Fraction

from deterrence.core.numbers import format_exact, is_symbolic, to_exact
from deterrence.errors import GameError, PlacedError  # (PlacedError: its home was here)
from deterrence.core.validate import FILE_DOC, boundary_init, in_its_file, file_of, kept_file
from deterrence.core.frozen import FrozenDict, frozen
from deterrence.core.symbolic import parameter_substitution

WILDCARD = "*"
#: The one action of every player in an absorbing state that lists no actions of its own.
NO_CHOICE = "none"


def discount_factor_per_round(annual_rate, round_days):
    """The exact per-round discount factor ``1 / (1 + r * d / 365)``.

    Simple interest over a round of ``d`` days at the annual rate ``r``; exact
    for rational inputs (the compound rule ``(1 - r)^(d/365)`` is irrational).

    >>> discount_factor_per_round("1/10", 7)
    Fraction(3650, 3657)
    >>> discount_factor_per_round(0, 30)
    1
    """
    rate = to_exact(annual_rate, "annual discount rate")
    days = to_exact(round_days, "round length in days")
    if rate < 0:
        raise GameError(f"annual discount rate {format_exact(rate)} is negative")
    if days <= 0:
        raise GameError(f"round length of {format_exact(days)} days is not positive")
    return to_exact(1 / (1 + Fraction(rate) * Fraction(days) / 365))


@boundary_init
class StochasticGame:
    """An immutable discounted stochastic game (see the module docstring).

    Arguments:

    * ``players``: names, in order; ``states``: state names, in order;
    * ``actions``: one list of action labels per player, used in every state
      unless ``state_actions[state]`` gives that state's own lists;
    * ``payoffs``: ``{state: {profile key: [payoff per player]}}`` (wildcards allowed);
    * ``transitions``: ``{state: {profile key: {next state: probability}}}`` for
      every state that is not absorbing;
    * ``delta``: discount factor per round (or give ``annual_discount_rate`` and
      ``round_days``);
    * ``noise``: ``{player: {intended: {realised: probability}}}`` in every state
      where the intended action exists; ``state_noise[state][player]``
      replaces it in one state;
    * ``parameters``: declared parameters and default values (``None``: no
      default); without it the names used in formulas are declared.

    >>> pd = StochasticGame(["A", "B"], ["s"], [["C", "D"], ["C", "D"]],
    ...     payoffs={"s": {"C, C": [3, 3], "C, D": [0, 5], "D, C": [5, 0], "D, D": [1, 1]}},
    ...     transitions={"s": {"*, *": {"s": 1}}}, delta="1/2")
    >>> pd
    StochasticGame(A, B; 1 state; delta=1/2; exact)
    """

    __slots__ = (
        "_absorbing",
        "_actions",
        "_annual_rate",
        "_claims",
        "_declared",
        "_delta",
        "_description",
        "_extra",
        "_noise",
        "_parameters",
        "_payoffs",
        "_players",
        "_round_days",
        "_file",
        "_sources",
        "_spec",
        "_start",
        "_states",
        "_symbolic",
        "_tables",
        "_title",
        "_transitions",
    )

    #: the method :func:`deterrence.solvers.solve` uses for a stochastic game when none is named
    default_method = "markov_perfect"

    def __init__(self, players: Sequence[str], states: Sequence[str], actions: Sequence[Sequence[str]],
                 payoffs: Mapping, transitions: Mapping | None = None, *, delta=None,
                 start: str | None = None, absorbing: Sequence[str] = (),
                 state_actions: Mapping | None = None, noise: Mapping | None = None,
                 state_noise: Mapping | None = None, round_days=None, annual_discount_rate=None,
                 parameters: Mapping | None = None, title: str = "", description: str = "",
                 sources: Sequence[str] = (), claims: Mapping | None = None,
                 extra: Mapping | None = None):
        self._spec = dict(players=players, states=states, actions=actions, payoffs=payoffs,
                          transitions=transitions, delta=delta, start=start, absorbing=absorbing,
                          state_actions=state_actions, noise=noise, state_noise=state_noise,
                          round_days=round_days, annual_discount_rate=annual_discount_rate)
        self._players = _names(players, "player")
        self._states = _names(states, "state")
        self._declared = None if parameters is None else {
            str(k): (None if v is None else to_exact(v, f"value of parameter {k}"))
            for k, v in parameters.items()}
        self._parameters = dict(self._declared or {})
        self._symbolic = False
        self._title, self._description = title or "", description or ""
        self._sources, self._claims, self._extra = tuple(sources), frozen(dict(claims or {})), frozen(dict(extra or {}))
        self._tables = {}
        self._file = None         # the file it was read from: core.validate.with_file

        self._start = self._states[0] if start is None else _placed(self._state, ("stochastic", "start"))(
            start, "start state")
        self._absorbing = tuple(s for s in self._states if s in {
            _placed(self._state, ("stochastic", "absorbing"))(a, "absorbing state") for a in absorbing})
        self._actions = self._read_actions(actions, state_actions or {})
        self._payoffs = {s: _placed(self._read_payoffs, ("stochastic", "states", s, "payoffs"))(
            s, (payoffs or {}).get(s)) for s in self._states}
        for s in payoffs or {}:
            self._state(s, "state in payoffs")
        transitions = dict(transitions or {})
        for s in transitions:
            if self._state(s, "state in transitions") in self._absorbing:
                raise PlacedError(f"state {s!r} is absorbing: it has no transitions (it is never left)",
                                  [("stochastic", "states", s, "transitions")])
        self._transitions = {s: _placed(self._read_transitions, ("stochastic", "states", s, "transitions"))(
            s, transitions.get(s)) for s in self._states}
        self._noise = self._read_noise(noise or {}, state_noise or {})
        self._round_days = None if round_days is None else to_exact(round_days, "round length in days")
        if self._round_days is not None and self._round_days <= 0:
            raise GameError(f"round length of {format_exact(self._round_days)} days is not positive")
        self._annual_rate = (None if annual_discount_rate is None
                             else to_exact(annual_discount_rate, "annual discount rate"))
        if delta is None:
            if self._annual_rate is None or self._round_days is None:
                raise GameError("give the discount factor per round (delta), or an annual discount "
                                "rate together with the round length in days")
            delta = discount_factor_per_round(self._annual_rate, self._round_days)
        elif self._annual_rate is not None:
            raise PlacedError("give either delta or an annual discount rate, not both",
                              [("stochastic", "annual_discount_rate")])
        # the key that gave delta (the rate when delta is computed from it): errors carry its place
        # (the file reader matched its message, and named the [stochastic] header: an error review)
        place = ("stochastic", "delta" if self._annual_rate is None else "annual_discount_rate")
        self._delta = _placed(self._value, place)(delta, "discount factor delta")
        if not is_symbolic(self._delta) and not 0 <= self._delta < 1:
            raise PlacedError(f"discount factor delta = {format_exact(self._delta)} must be at least 0 "
                              "and below 1", [place])

    # -- construction helpers ---------------------------------------------------
    def _state(self, name, what="state"):
        if name not in self._states:
            raise GameError(f"unknown {what} {name!r}; states are {', '.join(self._states)}")
        return name

    def _player(self, name) -> int:
        if isinstance(name, int) and not isinstance(name, bool):
            if 0 <= name < len(self._players):
                return name
            raise GameError(f"player index {name} out of range: the game has {len(self._players)} players")
        if name not in self._players:
            raise GameError(f"unknown player {name!r}; players are {', '.join(self._players)}")
        return self._players.index(name)

    def _value(self, value, what):
        from deterrence.core.symbolic import game_value
        value = game_value(value, what, self._parameters, self._declared is not None)
        if is_symbolic(value):
            self._symbolic = True
        return value

    def _read_actions(self, actions, state_actions):
        for s in state_actions:
            self._state(s, "state in state_actions")
        out = {}
        for s in self._states:
            if s in self._absorbing and s not in state_actions:
                out[s] = tuple((NO_CHOICE,) for _ in self._players)  # play no longer matters
                continue
            # a state's own lists, or the lists of every state: its errors carry that place
            place = ("stochastic", "states", s, "actions") if s in state_actions else ("stochastic", "actions")
            out[s] = _placed(self._state_actions, place)(s, state_actions.get(s, actions), place)
        return out

    def _state_actions(self, s, given, place):
        """The checked action lists of state ``s``; ``place`` is their key path (a player's list is at
        ``place + (player,)``)."""
        n = len(self._players)
        if given is None or len(given) != n:
            raise GameError(f"state {s}: action lists given for {0 if given is None else len(given)} "
                            f"players, the game has {n} ({', '.join(self._players)})")
        acts = tuple(_placed(_names, place + (p,))(a, f"action of {p} in state {s}")
                     for p, a in zip(self._players, given))
        for p, row in zip(self._players, acts):
            for label in row:
                if label == WILDCARD or "," in label:
                    raise PlacedError(f"state {s}: action label {label!r} of {p} may not be '*' or contain a comma",
                                      [place + (p,)])
        return acts

    def _profiles(self, state):
        return itertools.product(*(range(len(a)) for a in self._actions[state]))

    def _resolve(self, state, entries, what, convert):
        """``{index profile: convert(key, raw value, profile label)}`` from keys with wildcards:
        the most specific matching key wins; equally specific ones must agree."""
        acts = self._actions[state]
        n = len(self._players)
        if not isinstance(entries, Mapping) or not entries:
            raise GameError(f"state {state}: no {what} given (a table: profile -> value)")
        keyed = []
        for key, value in entries.items():
            labels = (tuple(x.strip() for x in key.split(",")) if isinstance(key, str)
                      else tuple(key))
            if len(labels) != n:
                raise GameError(f"state {state}: {what} key {key!r} names {len(labels)} action(s); "
                                f"write one per player ({', '.join(self._players)})")
            pattern = tuple(None if lab == WILDCARD else
                            self._action(state, i, lab, f"state {state}: {what} key {key!r}: ")
                            for i, lab in enumerate(labels))
            keyed.append((key, pattern, value))
        out = {}
        exact = {pattern: (key, value) for key, pattern, value in keyed if None not in pattern}
        if len(exact) == len(keyed):     # no wildcard, no profile named twice: each key is its own
            for prof in self._profiles(state):
                label = ", ".join(a[i] for a, i in zip(acts, prof))
                if prof not in exact:
                    raise GameError(f"state {state}: no {what} for profile ({label})")
                key, raw = exact[prof]
                out[prof] = convert(key, raw, label)
            return out
        for prof in self._profiles(state):
            best, chosen = None, []
            for key, pattern, value in keyed:
                if all(q is None or q == i for q, i in zip(pattern, prof)):
                    stars = sum(q is None for q in pattern)
                    if best is None or stars < best:
                        best, chosen = stars, [(key, value)]
                    elif stars == best:
                        chosen.append((key, value))
            label = ", ".join(a[i] for a, i in zip(acts, prof))
            if not chosen:
                raise GameError(f"state {state}: no {what} for profile ({label})")
            values = {convert(key, raw, label) for key, raw in chosen}
            if len(values) > 1:
                raise GameError(f"state {state}: profile ({label}) is matched by "
                                f"{', '.join(repr(k) for k, _ in chosen)} with different {what}; "
                                "give it its own entry")
            out[prof] = values.pop()
        return out

    def _read_payoffs(self, state, entries):
        n = len(self._players)

        def convert(key, raw, label):
            if isinstance(raw, (str, bytes)) or not hasattr(raw, "__len__") or len(raw) != n:
                raise GameError(f"state {state}: payoffs {key!r} need one value per player "
                                f"({', '.join(self._players)})")
            return tuple(self._value(v, f"state {state}: payoff of {p} at ({label})")
                         for p, v in zip(self._players, raw))
        return self._resolve(state, entries, "payoffs", convert)

    def _distribution(self, raw, names, what, place):
        """The checked distribution of ``raw``; ``place`` is its key path in a game file's terms
        (``("stochastic", "states", state, "transitions", key)``), which its errors carry."""
        place = tuple(place)
        if not isinstance(raw, Mapping) or not raw:
            raise PlacedError(f"{what}: expected a table of outcome = probability", [place])
        dist = {}
        for name, p in raw.items():
            if name not in names:
                raise PlacedError(f"{what}: unknown outcome {name!r}; choose from {', '.join(names)}",
                                  [place + (name,), place])
            dist[name] = _placed(self._value, place + (name,))(p, f"{what}: probability of {name!r}")
        _check_distribution(dist, what, place)
        # in the order of the names; zero probabilities dropped
        return tuple((k, dist[k]) for k in names if k in dist and not (not is_symbolic(dist[k]) and dist[k] == 0))

    def _read_transitions(self, state, entries):
        if state in self._absorbing:
            return {prof: ((state, 1),) for prof in self._profiles(state)}
        if entries is None:
            raise GameError(f"state {state}: no transitions given (a state that is never left "
                            "is listed as absorbing)")
        return self._resolve(state, entries, "transitions", lambda key, raw, label: self._distribution(
            raw, self._states, f"state {state}: transition at ({label})",
            ("stochastic", "states", state, "transitions", key)))

    def _read_noise(self, noise, state_noise):
        for p in noise:
            _placed(self._player, ("stochastic", "noise", p))(p)
        for s, table in state_noise.items():
            self._state(s, "state in state_noise")
            for p in table:
                _placed(self._player, ("stochastic", "states", s, "noise", p))(p)
        out = {}
        for s in self._states:
            per_player = []
            for i, p in enumerate(self._players):
                acts = self._actions[s][i]
                own = s in state_noise and p in state_noise[s]
                table = state_noise[s][p] if own else noise.get(p, {})
                rows = []
                for j, a in enumerate(acts):
                    if a in table:
                        what = f"state {s}: noise of {p} when intending {a!r}"
                        place = ("stochastic",) + (("states", s) if own else ()) + ("noise", p, a)
                        rows.append(tuple((acts.index(b), q) for b, q in
                                          self._distribution(table[a], acts, what, place)))
                    else:
                        rows.append(((j, 1),))
                if own:
                    for a in table:
                        if a not in acts:
                            raise PlacedError(f"state {s}: noise of {p} names unknown action {a!r}; "
                                              f"actions there are {', '.join(acts)}",
                                              [("stochastic", "states", s, "noise", p, a)])
                per_player.append(tuple(rows))
            out[s] = tuple(per_player)
        for p, table in noise.items():
            # each intended action: one no state has (a misspelt row among good ones) was left unread
            for a in table:
                if not any(a in self._actions[s][self._player(p)] for s in self._states):
                    raise PlacedError(f"noise of {p} names action {a!r}, which {p} has in no state",
                                      [("stochastic", "noise", p, a), ("stochastic", "noise", p)])
        return out

    # -- named constructors -------------------------------------------------------
    @classmethod
    def from_stage_game(cls, game, delta, *, state: str = "stage", **kwargs) -> StochasticGame:
        """A repeated game as a one-state stochastic game (the stage game every round).

        >>> from deterrence.core.normal_form import NormalFormGame
        >>> pd = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
        ...                                 actions=[["C", "D"], ["C", "D"]])
        >>> StochasticGame.from_stage_game(pd, "9/10").payoff("stage", ("D", "C"))
        (5, 0)
        """
        payoffs = {}
        for prof in itertools.product(*(range(len(a)) for a in game.actions)):
            payoffs[tuple(a[i] for a, i in zip(game.actions, prof))] = game.payoff(prof)
        params = game.parameters if game.is_symbolic else None
        return cls(game.players, [state], game.actions, {state: payoffs},
                   {state: {(WILDCARD,) * len(game.players): {state: 1}}}, delta=delta,
                   parameters=params, title=kwargs.pop("title", game.title), **kwargs)

    # -- properties ---------------------------------------------------------------
    players = property(lambda self: self._players, doc="Player names, in order.")
    states = property(lambda self: self._states, doc="State names, in order.")
    file = property(file_of, doc=FILE_DOC)
    start = property(lambda self: self._start, doc="The state of the first round.")
    absorbing = property(lambda self: self._absorbing, doc="States that are never left.")
    delta = property(lambda self: self._delta, doc="Discount factor per round.")
    round_days = property(lambda self: self._round_days, doc="Length of a round in days (or None).")
    annual_discount_rate = property(lambda self: self._annual_rate,
                                    doc="The annual rate delta was built from (or None).")
    title = property(lambda self: self._title, doc="The game's title.")
    description = property(lambda self: self._description, doc="The game's description, in words.")
    sources = property(lambda self: self._sources, doc="The game's sources (references).")
    claims = property(lambda self: dict(self._claims), doc="Claims a catalogue entry makes (tested).")
    extra = property(lambda self: dict(self._extra), doc="Other sections of the game file.")
    is_symbolic = property(lambda self: self._symbolic,
                           doc='Whether a payoff or a transition is a formula of the parameters.')
    kind = property(lambda self: "symbolic" if self._symbolic else "exact",
                    doc='``"symbolic"`` or ``"exact"`` (see :attr:`is_symbolic`).')

    @property
    def parameters(self) -> dict:
        """Declared parameters and their default values (``None``: no default)."""
        return dict(self._parameters)

    def player_index(self, player) -> int:
        """Index of a player given by name or index.

        >>> StochasticGame.from_stage_game(_demo_stage(), 0).player_index("Column")
        1
        """
        return self._player(player)

    def actions_in(self, state) -> tuple:
        """The action labels of every player in a state (one tuple per player).

        >>> StochasticGame.from_stage_game(_demo_stage(), 0).actions_in("stage")
        (('a', 'b'), ('a', 'b'))
        """
        return self._actions[self._state(state)]

    def _profile_index(self, state, profile) -> tuple:
        if len(profile) != len(self._players):
            raise GameError(f"a profile names one action per player ({len(self._players)}), "
                            f"got {len(profile)}")
        return tuple(self._action(state, i, x) for i, x in enumerate(profile))

    def _action(self, state, i, label, prefix="") -> int:
        """Index of player ``i``'s action (a label or an index) in a state."""
        acts = self._actions[state][i]
        if isinstance(label, int) and not isinstance(label, bool) and 0 <= label < len(acts):
            return label
        if label in acts:
            return acts.index(label)
        raise GameError(f"{prefix}unknown action {label!r} of {self._players[i]} in state {state}; "
                        f"actions there are {', '.join(acts)}")

    def payoff(self, state, profile) -> tuple:
        """Per-round payoffs of a realised profile (labels or indices) in a state."""
        state = self._state(state)
        return self._payoffs[state][self._profile_index(state, profile)]

    def transition(self, state, profile) -> dict:
        """Next-state distribution after a realised profile (zero probabilities left out)."""
        state = self._state(state)
        return dict(self._transitions[state][self._profile_index(state, profile)])

    def noise_in(self, state, player) -> dict:
        """``{intended: {realised: probability}}`` of a player in a state (every action).

        >>> StochasticGame.from_stage_game(_demo_stage(), 0).noise_in("stage", "Row")
        {'a': {'a': 1}, 'b': {'b': 1}}
        """
        state, i = self._state(state), self._player(player)
        acts = self._actions[state][i]
        return {a: {acts[j]: q for j, q in row} for a, row in zip(acts, self._noise[state][i])}

    @property
    def has_noise(self) -> bool:
        """True when some intended action is not always realised as intended."""
        return any(len(row) > 1 or row[0][0] != j for s in self._states for rows in self._noise[s]
                   for j, row in enumerate(rows))

    def realised(self, state, intended) -> dict:
        """``{realised index profile: probability}`` of an intended profile (labels or indices).

        >>> g = StochasticGame(["A"], ["s"], [["x", "y"]], {"s": {"*": [0]}},
        ...                    {"s": {"*": {"s": 1}}}, delta=0, noise={"A": {"x": {"x": "3/4", "y": "1/4"}}})
        >>> g.realised("s", ("x",))
        {(0,): Fraction(3, 4), (1,): Fraction(1, 4)}
        """
        state = self._state(state)
        idx = self._profile_index(state, intended)
        rows = [self._noise[state][i][j] for i, j in enumerate(idx)]
        out = {}
        for combo in itertools.product(*rows):
            prob = 1
            for _, q in combo:
                prob = prob * q
            key = tuple(j for j, _ in combo)
            out[key] = out.get(key, 0) + prob
        return out

    def outcome_table(self, state) -> dict:
        """``{intended index profile: (expected payoffs, expected next-state probabilities)}``.

        The expectation is over the players' noise; the next-state probabilities are a
        tuple in the order of :attr:`states`. Exact games only; cached (the game is
        immutable) and read-only: every later solve of the game reads this table. This is what
        the solvers work on.

        >>> g = StochasticGame.from_stage_game(_demo_stage(), "1/2")
        >>> g.outcome_table("stage")[(1, 0)]
        ((0, 0), (1,))
        """
        state = self._state(state)
        self.require_exact("the outcome table")
        if state not in self._tables:
            n, where = len(self._players), {s: k for k, s in enumerate(self._states)}
            table = {}
            for prof in self._profiles(state):
                pay, nxt = [0] * n, [0] * len(self._states)
                for real, q in self.realised(state, prof).items():
                    for i, v in enumerate(self._payoffs[state][real]):
                        pay[i] += q * v
                    for s2, r in self._transitions[state][real]:
                        nxt[where[s2]] += q * r
                table[prof] = (tuple(to_exact(v) for v in pay), tuple(to_exact(v) for v in nxt))
            # read-only: the one table every later solve of this game reads (a caller's change
            # changed them, while the game still equalled a fresh one)
            self._tables[state] = FrozenDict(table)
        return self._tables[state]

    def outcome_table_fmpq(self, state) -> dict:
        """:meth:`outcome_table` in python-flint rationals, for exact solvers that run on them:
        ``{intended index profile: (payoffs as fmpq, ((next state index, fmpq), ...))}``, the next
        states with a positive probability only. Cached beside the outcome table.

        >>> g = StochasticGame.from_stage_game(_demo_stage(), "1/2")
        >>> g.outcome_table_fmpq("stage")[(1, 0)]
        ((0, 0), ((0, 1),))
        """
        from deterrence.core.exact import flint_module
        key = (self._state(state), "fmpq")
        if key not in self._tables:
            fmpq = flint_module().fmpq

            def q(v):        # the table holds ints and Fractions (to_exact)
                return fmpq(v) if isinstance(v, int) else fmpq(v.numerator, v.denominator)
            self._tables[key] = FrozenDict({
                prof: (tuple(q(v) for v in pay), tuple((k, q(p)) for k, p in enumerate(nxt) if p))
                for prof, (pay, nxt) in self.outcome_table(key[0]).items()})
        return self._tables[key]

    def stage_game(self, state):
        """The per-round payoffs of a state as a :class:`NormalFormGame` (realised actions).

        >>> StochasticGame.from_stage_game(_demo_stage(), 0).stage_game("stage").payoff(("a", "a"))
        (1, 1)
        """
        import numpy as np

        from deterrence.core.normal_form import NormalFormGame
        state = self._state(state)
        acts = self._actions[state]
        shape = tuple(len(a) for a in acts)
        arrays = [np.empty(shape, dtype=object) for _ in self._players]
        for prof, vals in self._payoffs[state].items():
            for arr, v in zip(arrays, vals):
                arr[prof] = v
        return NormalFormGame(arrays, players=self._players, actions=acts,
                              parameters=self._parameters if self._symbolic else None,
                              title=f"{self._title + ': ' if self._title else ''}state {state}")

    # -- parameters ---------------------------------------------------------------
    def _replace(self, mapper=None, probability_mapper=None, **changes):
        spec = dict(self._spec)
        spec.update(changes)
        fields = dict(parameters=self._parameters, title=self._title, description=self._description,
                      sources=self._sources, claims=self._claims, extra=self._extra)
        for k in list(spec):
            if k in fields:
                fields[k] = spec.pop(k)
        if mapper is not None:
            spec = _map_spec(spec, mapper, probability_mapper)
        return StochasticGame(**spec, **fields)

    @in_its_file
    def subs(self, values: Mapping | None = None, **kw) -> StochasticGame:
        """Substitute parameter values (others take their defaults): an exact game.

        Probabilities are checked (between 0 and 1, summing to 1) at the values.

        >>> g = StochasticGame(["A"], ["s"], [["x"]], {"s": {"x": ["-c"]}}, {"s": {"x": {"s": 1}}},
        ...                    delta="1/2", parameters={"c": 2})
        >>> g.subs(c=5).payoff("s", ("x",)), g.with_defaults().payoff("s", ("x",))
        ((-5,), (-2,))
        """
        full, mapping = parameter_substitution(self._parameters, dict(values or {}, **kw), self._symbolic)
        if mapping is None:
            return self._replace(parameters=full)
        from deterrence.core.symbolic import parse_expression
        from deterrence.errors import ParameterValuesError

        def evaluate(v, place):
            if isinstance(v, str):  # the formula as given: its names are declared parameters
                v = parse_expression(v, list(self._parameters))
            if not is_symbolic(v):
                return v
            out = v.xreplace(mapping)
            if not getattr(out, "is_Rational", True):
                from deterrence.core.symbolic import real_formula_problem
                problem = real_formula_problem(out)
                if problem:     # b/(c - 1) at c = 1 was "payoff zoo is symbolic: give values" (a review)
                    used = ", ".join(f"{n} = {format_exact(full[n])}"
                                     for n in sorted(str(x) for x in v.free_symbols) if n in full)
                    raise ParameterValuesError(f"{_place_words(place, self._players)} is {v}, which "
                                               f"{problem} at {used}", [place])
            out = to_exact(out)
            if place == ("stochastic", "delta") and not 0 <= out < 1:
                used = ", ".join(f"{n} = {format_exact(full[n])}" for n in sorted(map(str, v.free_symbols)))
                raise ParameterValuesError(f"discount factor delta = {v} is {format_exact(out)} at {used}; "
                                           "it must be at least 0 and below 1", [place])
            return out

        formulas = {}     # place -> formula of each probability: the error names the one refused

        def probability(v, place):
            formulas[place] = v
            return evaluate(v, place)
        try:
            return self._replace(evaluate, probability, parameters=full)
        except DistributionError as exc:
            # the check names the state and outcome, and carries its place; the user set
            # parameters: name them too (the place was matched from the message: a review)
            formula = next((formulas[p] for p in exc.places if p in formulas), None)
            at = (_at_values(formula, full) if formula is not None
                  else "at " + ", ".join(f"{k} = {format_exact(v)}" for k, v in sorted(full.items())))
            raise ParameterValuesError(f"{exc} ({at})", exc.places) from None

    def with_parameters(self, values: Mapping | None = None, **kw) -> StochasticGame:
        """The same (still symbolic) game with new default values for some parameters.

        >>> g = StochasticGame(["A"], ["s"], [["x"]], {"s": {"x": ["-c"]}}, {"s": {"x": {"s": 1}}},
        ...                    delta="1/2", parameters={"c": 2})
        >>> g.with_parameters(c=3).parameters
        {'c': 3}
        """
        full, _ = parameter_substitution(self._parameters, dict(values or {}, **kw), False)
        return kept_file(self._replace(parameters=full), self)

    def with_defaults(self) -> StochasticGame:
        """The exact game at the parameters' default values."""
        return self.subs()

    def require_exact(self, what):
        """Raise :class:`GameError` if the game still has symbolic parameters; *what* names the caller."""
        if self._symbolic:
            raise GameError(f"{what} needs exact numbers; call .subs(...) or .with_defaults() "
                            f"to give values to {', '.join(sorted(self._parameters))}")

    # -- comparison ---------------------------------------------------------------
    def _canonical(self):
        return (self._players, self._states, self._start, self._absorbing,
                tuple(self._actions[s] for s in self._states),
                tuple(tuple(sorted(self._payoffs[s].items())) for s in self._states),
                tuple(tuple(sorted(self._transitions[s].items())) for s in self._states),
                tuple(self._noise[s] for s in self._states), self._delta,
                tuple(sorted((k, v) for k, v in self._parameters.items())))

    def __eq__(self, other):
        return self._canonical() == other._canonical() if isinstance(other, StochasticGame) \
            else NotImplemented

    def __hash__(self):
        return hash(self._canonical())

    # -- display ------------------------------------------------------------------
    def __repr__(self):
        """``delta=`` as a RepeatedGame writes it (``delta delta`` read twice when the discount
        factor is a parameter named delta: a review).

        >>> from deterrence import load_game
        >>> load_game("stochastic_prisoners_dilemma")        # doctest: +ELLIPSIS
        StochasticGame("Stochastic prisoner's dilemma: ...", A, B; 2 states; delta=delta; symbolic)
        """
        k, named = len(self._states), (repr(self._title) + ", " if self._title else "")
        return (f"StochasticGame({named}{', '.join(self._players)}; "
                f"{k} state{'s' if k != 1 else ''}; delta={format_exact(self._delta)}; {self.kind})")

    def __str__(self):
        return self.to_text()

    def _describe_delta(self) -> str:
        """The discount factor as the game's heading says it: ``delta = 1/2 per round``, or, when it is
        a formula, the formula and the default it takes (``delta = delta per round`` read as a
        tautology: a newcomer's review).

        >>> from deterrence import load_game
        >>> load_game("stochastic_prisoners_dilemma")._describe_delta()
        'discount factor per round: delta (a parameter; default 9/10)'
        """
        if is_symbolic(self._delta):
            formula = str(self._delta)
            default = self._parameters.get(formula) if formula in self._parameters else None
            return (f"discount factor per round: {formula} (a parameter" +
                    (f"; default {format_exact(default)})" if default is not None else ")"))
        text = f"delta = {format_exact(self._delta)} per round"
        if self._round_days is not None:
            text += f" (a round is {format_exact(self._round_days)} days"
            if self._annual_rate is not None:
                text += f"; annual discount rate {format_exact(self._annual_rate)}, " \
                        "delta = 1/(1 + rate*days/365)"
            text += ")"
        return text

    def to_text(self) -> str:
        """A plain-text description: states, payoff tables, transitions and noise.

        >>> print(StochasticGame.from_stage_game(_demo_stage(), "1/2").to_text())
        Players: Row, Column; delta = 1/2 per round
        State stage (start)
          Row \\ Column  a     b
          a             1, 1  0, 0
          b             0, 0  2, 2
          next state: stage always
        """
        lines = [self._title] if self._title else []
        lines.append(f"Players: {', '.join(self._players)}; {self._describe_delta()}")
        for s in self._states:
            tags = [t for t, on in (("start", s == self._start), ("absorbing", s in self._absorbing)) if on]
            lines.append(f"State {s}" + (f" ({', '.join(tags)})" if tags else ""))
            stage = self.stage_game(s).to_text().splitlines()[1:]
            lines += ["  " + line for line in stage]
            lines += self._moves_text(s)
        return "\n".join(lines)

    def _moves_text(self, s) -> list:
        """A state's lines after its payoff table: where play goes next, and its noise."""
        lines = []
        acts = self._actions[s]
        dists = set(self._transitions[s].values())
        if len(dists) == 1:
            lines.append(f"  next state: {_dist_text(next(iter(dists)), always=True)}")
        else:
            lines.append("  next state after (realised actions):")
            for prof, d in self._transitions[s].items():
                label = ", ".join(a[i] for a, i in zip(acts, prof))
                lines.append(f"    ({label}): {_dist_text(d)}")
        for i, p in enumerate(self._players):
            rows = [(acts[i][j], row) for j, row in enumerate(self._noise[s][i])
                    if len(row) > 1 or row[0][0] != j]
            for a, row in rows:
                lines.append(f"  noise: {p} intending {a} does " +
                             ", ".join(f"{acts[i][k]} with {format_exact(q)}" for k, q in row))
        return lines

    def _repr_html_(self) -> str:
        """Each state's table with its own transitions and noise under it (they were gathered in
        one block after the last table, without the states' names: a review).

        >>> html = StochasticGame.from_stage_game(_demo_stage(), "1/2")._repr_html_()
        >>> html.index("State stage") < html.index("next state: stage always")
        True
        """
        import html
        cap = f"<b>{html.escape(self._title)}</b>" if self._title else ""
        parts = [cap, f"<p>{html.escape(self._describe_delta())}</p>"]
        for s in self._states:
            tags = [t for t, on in (("start", s == self._start), ("absorbing", s in self._absorbing)) if on]
            parts.append(f"<h4>State {html.escape(s)}{' (' + ', '.join(tags) + ')' if tags else ''}</h4>")
            parts.append(self.stage_game(s)._repr_html_())
            parts.append(f"<pre>{html.escape(chr(10).join(line[2:] for line in self._moves_text(s)))}</pre>")
        return "<div class='deterrence-stochastic'>" + "".join(parts) + "</div>"


# -- helpers ---------------------------------------------------------------------
def _names(values, what) -> tuple:
    if isinstance(values, (str, bytes)) or not hasattr(values, "__iter__"):
        raise GameError(f"the {what} names must be a list of strings, got {values!r}")
    out = tuple(str(v) for v in values)
    if not out:
        raise GameError(f"at least one {what} is needed")
    seen = set()
    for v in out:
        if not v.strip():
            raise GameError(f"empty {what} name")
        if v in seen:
            raise GameError(f"duplicate {what} name {v!r}")
        seen.add(v)
    return out


class DistributionError(PlacedError):
    """A distribution is not one: a probability outside [0, 1], or a sum other than 1.
    ``places`` are those of the probability (or of the distribution, for a sum):
    :meth:`StochasticGame.subs` and the file reader name the place from them (they matched the
    message with a regular expression)."""


def _placed(read, place):
    """``read`` whose GameError (one that carries no place yet) becomes a :class:`PlacedError` at ``place``.

    >>> _placed(int, ("stochastic",))("1")
    1
    """
    def placed(*args):
        try:
            return read(*args)
        except PlacedError:
            raise
        except GameError as exc:
            if getattr(exc, "file", None) is not None:
                raise
            raise PlacedError(str(exc), [place]) from None
    return placed


def _check_distribution(dist, what, place=()):
    """Every probability of ``dist`` in [0, 1] and their sum 1, else a :class:`DistributionError`
    carrying ``place`` (the distribution's key path) and the outcome's.

    >>> _check_distribution({"a": Fraction(3, 2)}, "x", ("noise", "A", "a"))
    Traceback (most recent call last):
    ...
    deterrence.core.stochastic.DistributionError: x: probability of 'a' is 3/2, not between 0 and 1
    """
    place = tuple(place)
    values = list(dist.values())
    exact = [v for v in values if not is_symbolic(v)]
    for name, v in dist.items():
        if not is_symbolic(v) and not 0 <= v <= 1:
            raise DistributionError(f"{what}: probability of {name!r} is {format_exact(v)}, not between 0 and 1",
                                    [place + (name,), place] if place else ())
    total = sum(values[1:], values[0])
    if len(exact) == len(values):
        if total != 1:
            raise DistributionError(f"{what}: probabilities sum to {format_exact(total)}, not 1",
                                    [place] if place else ())
        return
    import sympy
    if sympy.expand(total - 1) != 0 and sympy.simplify(total - 1) != 0:
        raise DistributionError(f"{what}: probabilities sum to {total}, not 1", [place] if place else ())


def _at_values(formula, values) -> str:
    """``"1 - misfire with misfire = 2"``: a formula and the values of the parameters it uses.

    >>> _at_values("1 - misfire", {"misfire": 2, "c": 1})
    'the probability 1 - misfire with misfire = 2'
    """
    from deterrence.core.symbolic import parse_expression
    expr = parse_expression(formula, list(values)) if isinstance(formula, str) else formula
    names = sorted(str(n) for n in getattr(expr, "free_symbols", ()))
    used = ", ".join(f"{n} = {format_exact(values[n])}" for n in names if n in values)
    return f"the probability {format_exact(expr)}" + (f" with {used}" if used else "")


def _map_spec(spec, fn, probability_fn=None):
    """The constructor arguments with every payoff, probability and delta passed through
    ``fn(value, place)`` (probabilities through ``probability_fn`` when given); ``place`` is the
    value's key path in a game file's terms, e.g. ``("stochastic", "states", s, "payoffs", key, 1)``
    for the payoff of the second player (an array's elements counted from 0, as
    :func:`deterrence.io.toml_reader.key_lines` lists their lines)."""
    spec = dict(spec)

    def dist(d, place):
        return {k: (probability_fn or fn)(v, place + (k,)) for k, v in d.items()}
    states = ("stochastic", "states")
    spec["payoffs"] = {s: {k: [fn(v, states + (s, "payoffs", k, i)) for i, v in enumerate(vals)]
                           for k, vals in t.items()}
                       for s, t in (spec["payoffs"] or {}).items()}
    spec["transitions"] = {s: {k: dist(d, states + (s, "transitions", k)) for k, d in t.items()}
                           for s, t in (spec["transitions"] or {}).items()}
    spec["noise"] = {p: {a: dist(d, ("stochastic", "noise", p, a)) for a, d in t.items()}
                     for p, t in (spec["noise"] or {}).items()}
    spec["state_noise"] = {s: {p: {a: dist(d, states + (s, "noise", p, a)) for a, d in t.items()}
                               for p, t in pt.items()}
                           for s, pt in (spec["state_noise"] or {}).items()}
    if spec["delta"] is not None:
        spec["delta"] = fn(spec["delta"], ("stochastic", "delta"))
    return spec


def _place_words(place, players) -> str:
    """A value's place (as :func:`_map_spec` gives it) in the words of the game's messages.

    >>> _place_words(("stochastic", "states", "calm", "payoffs", "hold, *", 1), ("A", "B"))
    'state calm: the payoff of B at (hold, *)'
    >>> _place_words(("stochastic", "noise", "A", "hold", "fight"), ("A", "B"))
    "noise of A when intending 'hold': probability of 'fight'"
    """
    def key(k):
        return ", ".join(map(str, k)) if isinstance(k, tuple) else str(k)
    if place[1] == "delta":
        return "the discount factor delta"
    state, rest = (f"state {place[2]}: ", place[3:]) if place[1] == "states" else ("", place[1:])
    if rest[0] == "payoffs":
        return f"{state}the payoff of {players[rest[2]]} at ({key(rest[1])})"
    if rest[0] == "transitions":
        return f"{state}transition at ({key(rest[1])}): probability of {rest[2]!r}"
    return f"{state}noise of {rest[1]} when intending {rest[2]!r}: probability of {rest[3]!r}"


def _dist_text(dist, always=False) -> str:
    if len(dist) == 1 and (is_symbolic(dist[0][1]) or dist[0][1] == 1):
        return f"{dist[0][0]}" + (" always" if always else "")
    return ", ".join(f"{s} {format_exact(q)}" for s, q in dist)


def _demo_stage():
    """A 2x2 coordination game for the doctests."""
    from deterrence.core.normal_form import NormalFormGame
    return NormalFormGame.from_arrays([[1, 0], [0, 2]], [[1, 0], [0, 2]],
                                      actions=[["a", "b"], ["a", "b"]])


#: Days in a month and in a year, for converting horizons into rounds (365/12 and 365).
DAYS_PER_MONTH = Fraction(365, 12)
DAYS_PER_YEAR = 365


def rounds_in(game, *, days=0, months=0, years=0):
    """The exact number of rounds in a span of time, from the game's ``round_days``
    (a month is 365/12 days, a year 365). Round it as the question needs.

    >>> g = StochasticGame(["A"], ["s"], [["x"]], {"s": {"x": [0]}}, {"s": {"x": {"s": 1}}},
    ...                    delta="99/100", round_days=7)
    >>> import math
    >>> rounds_in(g, months=26), math.ceil(rounds_in(g, years=10))
    (Fraction(4745, 42), 522)
    """
    if game.round_days is None:
        raise GameError("the game does not say how long a round is (round_days)")
    span = to_exact(days, "days") + to_exact(months, "months") * DAYS_PER_MONTH \
        + to_exact(years, "years") * DAYS_PER_YEAR
    return to_exact(Fraction(span) / Fraction(game.round_days))


__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "rounds_in",
    "NO_CHOICE",
    "WILDCARD",
    "StochasticGame",
    "discount_factor_per_round",
    "parameter_substitution",
]
