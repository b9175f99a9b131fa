'''Stochastic games in TOML: the ``[stochastic]`` game file.

A stochastic-game file has the usual head (``title``, ``description``,
``sources``, ``players``, ``[parameters]`` with ``about`` texts, ``[claims]``;
see ARCHITECTURE.md) and, instead of ``[actions]`` and ``[payoffs]``, a
``[stochastic]`` table::

    [stochastic]
    start = "quiet"                  # default: the first state
    absorbing = ["war"]              # states never left
    delta = "99/100"                 # per round; or, instead of delta:
    # annual_discount_rate = "1/10"  #   delta = 1/(1 + rate*round_days/365), exact
    round_days = 7                   # the unit of time of a round (optional with delta)

    [stochastic.actions]             # in every state, unless a state gives its own
    US = ["hold", "retaliate", "escalate"]
    Iran = ["hold", "retaliate", "escalate"]

    [stochastic.noise.Iran]          # intended = { realised = probability }
    retaliate = { retaliate = "1 - m", escalate = "m" }

    [stochastic.states.quiet.payoffs]          # realised profile = one payoff per player
    "hold, hold" = [0, 0]
    "*, *" = [-1, -1]                          # wildcards: see below
    [stochastic.states.quiet.transitions]      # realised profile = { next = probability }
    "hold, hold" = { quiet = "1 - s", crisis = "s" }
    "*, escalate" = { war = 1 }

    [stochastic.states.war.payoffs]            # an absorbing state: payoffs only
    "*, *" = ["-W_us", "-W_iran"]

The states are the tables under ``[stochastic.states]``, in the order they
first appear in the file. A state may also hold ``actions = { US = [...] }``
(its own action lists), ``noise = { Iran = { ... } }`` (replacing the player's
noise there) and ``about = "..."`` (a note). In an absorbing state each player
has the one action ``none`` unless the state lists its own actions: play
there no longer matters. Noise given under
``[stochastic.noise]`` applies in every state where the intended action
exists; actions not listed are realised as intended.

Wildcards: a profile key names one action per player, in the order of
``players``; ``*`` matches any action of that player. For each profile the
matching key with the fewest ``*`` wins; keys with equally few ``*`` that
match the same profile must give the same value.

Payoffs, probabilities and ``delta`` are numbers, exact strings (``"1/3"``) or
formulas over the declared parameters, read only by
:func:`deterrence.core.symbolic.parse_expression` (through
:func:`deterrence.io._common.payoff_value`). When every parameter has a
default value, the game is also checked at the defaults (every probability
between 0 and 1, every distribution summing to 1).

Steps of :func:`stochastic_game` (called by :func:`deterrence.io.toml_format.read_toml`
when a file has a ``[stochastic]`` table): read the head with the normal-form
reader's own methods; check every key of ``[stochastic]`` and of each state
(types, labels, states and actions named), converting every value with its
file and line; build the :class:`~deterrence.core.stochastic.StochasticGame`
and turn its errors (which carry their place: a key path) into errors naming the line.
'''
from __future__ import annotations

from deterrence.core.stochastic import NO_CHOICE, WILDCARD, StochasticGame
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import _type_name, check_label, parameter_value, payoff_value

HEAD_KEYS = ("title", "description", "sources", "players", "parameters", "claims", "stochastic")
STOCHASTIC_KEYS = ("start", "absorbing", "delta", "annual_discount_rate", "round_days",
                   "actions", "noise", "states")
STATE_KEYS = ("payoffs", "transitions", "actions", "noise", "about")


def stochastic_game(text, data, file) -> StochasticGame:
    """The game of a parsed ``[stochastic]`` file (``data`` from ``tomllib``, ``text`` for lines).

    >>> import tomllib
    >>> g = stochastic_game(EXAMPLE, tomllib.loads(EXAMPLE), "ex.toml")
    >>> g.delta, g.states, g.transition("calm", ("fight", "hold"))
    (Fraction(9, 10), ('calm', 'war'), {'war': 1})
    >>> from deterrence.io.toml_format import parse_toml_game   # how files reach it
    >>> parse_toml_game(EXAMPLE.replace('war = 1', 'peace = 1'))
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: <string>:12: stochastic.states.calm.transitions."*, *": unknown state 'peace';
    states are calm, war
    """
    return _StochasticReader(text, data, file).game()


class _StochasticReader:
    def __init__(self, text, data, file):
        from deterrence.io.toml_reader import TomlReader
        self.base = TomlReader(text, data, file)
        self.data, self.file = data, file

    def fail(self, message, *path):
        raise GameFileError(message, **self.where(*path))

    def where(self, *path):
        """File, line and field of a key path; a table written only through its sub-tables
        (``[stochastic.states.war.payoffs]``) is found at its first sub-table."""
        where = self.base.where(*path)
        lines = self.base._lines or {}
        keys = tuple(p for p in path if isinstance(p, str))
        if keys not in lines:
            below = [line for k, line in lines.items() if k[:len(keys)] == keys]
            if below:
                where["line"] = min(below)
        return where

    def table(self, value, *path, what=""):
        if not isinstance(value, dict):
            self.fail(f"expected a table{what}, got {_type_name(value)}", *path)
        return value

    def value(self, v, *path, what):
        """A probability or delta (``what`` names it: both were called "payoff" in errors, as in
        "stochastic.delta: payoff is nan": an error review)."""
        return payoff_value(v, self.params, what=what, **self.where(*path))

    def _payoff(self, v, here, i):
        """Payoff ``i`` of a profile: at its element's own line, its player named."""
        where = self.base.payoff_where(here, i, self.players)
        where["line"] = where["line"] or self.where(*here)["line"]
        return payoff_value(v, self.params, **where)

    def game(self):
        b = self.base
        misplaced = {key: f"a stochastic-game file has no [{key}] table: actions and payoffs are in [stochastic]"
                     for key in ("actions", "payoffs", "tree")}
        extra = b.extra_sections(HEAD_KEYS, misplaced)
        head = b.head()
        notes = head.pop("notes")
        if notes:
            extra["parameter_notes"] = notes
        self.players, self.params = head["players"], list(head["parameters"])
        spec = self.stochastic(self.table(self.data["stochastic"], "stochastic"))
        try:
            game = StochasticGame(**head, extra=extra, **spec)
            if all(v is not None for v in head["parameters"].values()):
                game.with_defaults()  # probabilities must be probabilities at the defaults too
        except GameError as exc:
            # every error of the game carries its place (PlacedError, DistributionError,
            # ParameterValuesError): its line is found from it, never from the message (a state
            # "high alert" or an action "go on" was cut by a regular expression: an error review)
            places = getattr(exc, "places", ())
            place = next((p for p in places if self.base.line(*p) is not None), places[0] if places else None)
            raise GameFileError(str(exc), **{**self.where(*(place or ("stochastic",))), "field": None}) from None
        return game

    def stochastic(self, table):
        for key in table:
            if key not in STOCHASTIC_KEYS:
                self.fail(f"unknown key {key!r} in [stochastic]; known keys are "
                          f"{', '.join(STOCHASTIC_KEYS)}", "stochastic", key)
        # no states, or an empty table of them: said so, at [stochastic.states] when it is written
        # (it said "got null" for a missing table, and named the [stochastic] header: an error review)
        if table.get("states") in (None, {}):
            self.fail("no states: give [stochastic.states.NAME.payoffs] for each state",
                      "stochastic", *(("states",) if "states" in table else ()))
        states = self.table(table["states"], "stochastic", "states",
                            what=" of states ([stochastic.states.NAME.payoffs] and .transitions)")
        self.state_names = list(states)
        for s in states:
            check_label(s, "state name", **self.where("stochastic", "states", s))
        spec = {"states": self.state_names}
        if "start" in table:
            spec["start"] = self.state(table["start"], "stochastic", "start")
        absorbing = table.get("absorbing", [])
        if not isinstance(absorbing, list):
            self.fail(f"expected an array of state names, got {_type_name(absorbing)}", "stochastic", "absorbing")
        spec["absorbing"] = [self.state(s, "stochastic", "absorbing", k) for k, s in enumerate(absorbing)]
        for k, s in enumerate(absorbing):
            if s in absorbing[:k]:      # was taken silently (a fuzzing review)
                self.fail(f"state {s!r} is listed twice", "stochastic", "absorbing", k)
        if "delta" in table:
            spec["delta"] = self.value(table["delta"], "stochastic", "delta", what="discount factor delta")
        for key in ("annual_discount_rate", "round_days"):
            if key in table:
                spec[key] = parameter_value(table[key], **self.where("stochastic", key))
                # at its own line (the game's check named the [stochastic] header's: an error review)
                if spec[key] is not None and (spec[key] <= 0 if key == "round_days" else spec[key] < 0):
                    self.fail(f"{'the length of a round in days' if key == 'round_days' else 'a rate'} must be "
                              f"{'positive' if key == 'round_days' else 'at least 0'}, got {table[key]!r}",
                              "stochastic", key)
        if "delta" not in table and not ("annual_discount_rate" in table and "round_days" in table):
            self.fail("give delta (the discount factor per round), or annual_discount_rate and "
                      "round_days", "stochastic")
        if "actions" in table:
            spec["actions"] = self.actions(table["actions"], "stochastic", "actions")
        elif not all(isinstance(t, dict) and "actions" in t for t in states.values()):
            self.fail("no actions: give [stochastic.actions] (every state) or actions in each state",
                      "stochastic")
        else:
            spec["actions"] = None
        spec["noise"] = self.noise(table.get("noise", {}), "stochastic", "noise")
        spec.update(payoffs={}, transitions={}, state_actions={}, state_noise={})
        for s, st in states.items():
            path = ("stochastic", "states", s)
            self.table(st, *path)
            for key in st:
                if key not in STATE_KEYS:
                    self.fail(f"unknown key {key!r} in state {s!r}; state keys are {', '.join(STATE_KEYS)}",
                              *path, key)
            if "about" in st and not isinstance(st["about"], str):
                self.fail(f"about must be a string, got {_type_name(st['about'])}", *path, "about")
            if "actions" in st:
                spec["state_actions"][s] = self.actions(st["actions"], *path, "actions")
            acts = spec["state_actions"].get(s, [[NO_CHOICE]] * len(self.players) if s in spec["absorbing"]
                                             else spec["actions"])
            if "noise" in st:
                spec["state_noise"][s] = self.noise(st["noise"], *path, "noise", actions=acts)
            if "payoffs" not in st:
                self.fail(f"state {s!r} has no payoffs (\"action, action\" = [payoff per player])", *path)
            spec["payoffs"][s] = self.payoffs(st["payoffs"], acts, *path, "payoffs")
            if s in spec["absorbing"]:
                if "transitions" in st:
                    self.fail(f"state {s!r} is absorbing: it has no transitions (it is never left)",
                              *path, "transitions")
            elif "transitions" not in st:
                self.fail(f"state {s!r} has no transitions (list it in absorbing if it is never left)", *path)
            else:
                spec["transitions"][s] = self.transitions(st["transitions"], acts, *path, "transitions")
        if spec["actions"] is None:
            spec["actions"] = next(iter(spec["state_actions"].values()))
        return spec

    def state(self, name, *path):
        if not isinstance(name, str):
            self.fail(f"a state name must be a string, got {_type_name(name)}", *path)
        if name not in self.state_names:
            self.fail(f"unknown state {name!r}; states are {', '.join(self.state_names)}", *path)
        return name

    def actions(self, table, *path):
        self.table(table, *path, what=" of player = [actions]")
        for p in table:
            if p not in self.players:
                self.fail(f"unknown player {p!r}; players are {', '.join(self.players)}", *path, p)
        out = []
        for p in self.players:
            if p not in table:
                self.fail(f"no actions for player {p!r}", *path)
            acts = self.base.strings(table[p], *path, p, what="action")
            if not acts:
                self.fail(f"player {p!r} needs at least one action", *path, p)
            for j, a in enumerate(acts):
                check_label(a, "action", **self.where(*path, p, j))
                if a == WILDCARD:
                    self.fail("'*' is the wildcard, not an action name", *path, p)
            if len(set(acts)) != len(acts):
                self.fail(f"duplicate action for player {p!r}", *path, p)
            out.append(list(acts))
        return out

    def key(self, key, actions, *path):
        labels = [x.strip() for x in key.split(",")]
        if len(labels) != len(self.players):
            self.fail(f"profile {key!r} names {len(labels)} action(s); write one action per player "
                      f"({', '.join(self.players)}) separated by commas, or * for any", *path)
        if actions is not None:
            for p, acts, lab in zip(self.players, actions, labels):
                if lab != WILDCARD and lab not in acts:
                    self.fail(f"unknown action {lab!r} for player {p!r}; actions are {', '.join(acts)} "
                              "(or * for any)", *path)
        return key

    def payoffs(self, table, actions, *path):
        self.table(table, *path, what=' of "action, action" = [payoff per player]')
        out = {}
        n = len(self.players)
        for key, values in table.items():
            here = path + (key,)
            self.key(key, actions, *here)
            if not isinstance(values, list):
                self.fail(f"expected an array of {n} payoffs (one per player), got {_type_name(values)}"
                          + (' (quote the profile key: "a, b" = [...])' if isinstance(values, dict) else ""),
                          *here)
            if len(values) != n:
                self.fail(f"{len(values)} payoff(s) given, the game has {n} players "
                          f"({', '.join(self.players)})", *here)
            out[key] = [self._payoff(v, here, i) for i, v in enumerate(values)]
        return out

    def distribution(self, table, names, what, *path):
        if not isinstance(table, dict) or not table:
            got = "an empty table" if isinstance(table, dict) else _type_name(table)   # was "got a table"
            self.fail(f"expected a table {{ {what} = probability, ... }}, got {got}", *path)
        out = {}
        for name, p in table.items():
            if name not in names:
                self.fail(f"unknown {what} {name!r}; {what}s are {', '.join(names)}", *path)
            out[name] = self.value(p, *path, what=f"probability of {what} {name!r}")
        return out

    def transitions(self, table, actions, *path):
        self.table(table, *path, what=' of "action, action" = { next state = probability }')
        out = {}
        for key, dist in table.items():
            here = path + (key,)
            self.key(key, actions, *here)
            out[key] = self.distribution(dist, self.state_names, "state", *here)
        return out

    def noise(self, table, *path, actions=None):
        self.table(table, *path, what=" of player = { intended = { realised = probability } }")
        out = {}
        for p, rows in table.items():
            if p not in self.players:
                self.fail(f"unknown player {p!r}; players are {', '.join(self.players)}", *path, p)
            self.table(rows, *path, p, what=" of intended = { realised = probability }")
            own = None if actions is None else actions[self.players.index(p)]
            out[p] = {}
            for intended, dist in rows.items():
                if own is not None and intended not in own:
                    self.fail(f"unknown action {intended!r} for player {p!r}; actions are {', '.join(own)}",
                              *path, p, intended)
                names = own if own is not None else list(dist) if isinstance(dist, dict) else []
                out[p][intended] = self.distribution(dist, names, "action", *path, p, intended)
        return out


#: A small file for the doctests.
EXAMPLE = """\
players = ["A", "B"]
[stochastic]
absorbing = ["war"]
delta = "9/10"
[stochastic.actions]
A = ["hold", "fight"]
B = ["hold", "fight"]
[stochastic.states.calm.payoffs]
"hold, hold" = [1, 1]
"*, *" = [0, 0]
[stochastic.states.calm.transitions]
"*, *" = { war = 1 }
"hold, hold" = { calm = 1 }
[stochastic.states.war.payoffs]
"*, *" = [-5, -5]
"""

__all__ = ["stochastic_game"]
