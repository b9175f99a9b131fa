"""Finite automata (Moore machines) as strategies of two-player repeated games.

An :class:`Automaton` has named states, a start state, an output per state (an
action label, or a probability distribution over action labels for stochastic
strategies such as generous tit-for-tat), and a transition for every state and
every *observed* action profile ``(own action, opponent action)``. The table is
checked complete when the automaton is built: a missing state/profile, an
unknown action or state, or a distribution that does not sum to one is a
:class:`~deterrence.errors.GameError` naming it.

Sources: the automaton representation of repeated-game strategies is due to
A. Rubinstein, "Finite automata play the repeated prisoner's dilemma", J. Econ.
Theory 39 (1986) and D. Abreu and A. Rubinstein, Econometrica 56 (1988); see
also G. Mailath and L. Samuelson, *Repeated Games and Reputations* (OUP 2006),
section 2.3 ("automaton representation").

Text form (as written in a game file's ``[repeated]`` section, under
``[repeated.automata.NAME]``, and named in the profile by ``strategies = ["NAME", ...]``;
``games/us_iran_stage.toml`` defines one)::

    [repeated.automata.my_tft]
    states = ["calm", "punish"]
    start = "calm"
    play = { calm = "hold", punish = { retaliate = "1 - g", hold = "g" } }
    transitions = [
      "*: *, hold -> calm",          # state: own action, opponent action -> next
      "*: *, retaliate -> punish",
      "*: *, escalate -> punish",
    ]

``*`` matches any state or action. When several rules match, the most
specific one (fewest ``*``) wins; two equally specific matching rules with
different targets are an error. Probabilities are exact numbers (``"1/3"``,
``0.1`` read as ``1/10``) or formulas over the game's parameters, parsed by the
safe parser :func:`deterrence.core.symbolic.parse_expression` (never ``eval``).
"""
from __future__ import annotations

import re
from typing import Mapping, Sequence

import numpy as np

from deterrence.errors import GameError, GameFileError, PlacedError, TooLargeError
from deterrence.core.numbers import format_exact, is_symbolic, to_exact
from deterrence.core.random import rng
from deterrence.core.validate import boundary_init

WILDCARD = "*"
#: the most states an automaton may have (a file, a strategy parameter): the analyses
#: work on pairs of states, and refuse more than 100 joint states by default
MAX_STATES = 10_000
_RULE = re.compile(r"^\s*([^:]+?)\s*:\s*([^,]+?)\s*,\s*([^-]+?)\s*->\s*(\S+)\s*$")


def _err(message, where):
    """The error of an automaton's table: a ``GameFileError`` when ``where`` names a file or a
    line, else a :class:`~deterrence.errors.PlacedError`; either carries ``where``'s
    ``place`` (the key path of the fault within the table, ``("transitions", 2)``: an array's
    element counted from 0, as key paths count) as ``places``, from which a reader names the
    file's line (it searched the message and the field's text for a key).

    >>> _err("bad", {"field": "transitions (item 3)", "place": ("transitions", 2)}).places
    (('transitions', 2),)
    """
    where = dict(where or {})
    place = where.pop("place", None)
    places = () if place is None else (tuple(place),)
    if where.get("file") or where.get("line"):
        exc = GameFileError(message, **where)
        exc.places = places
        return exc
    return PlacedError(message, places)


def _field(*path) -> str:
    """A key path of an automaton's table in words, as the file readers name a field: an
    element of an array counted from 1, as a person counts (``transitions[2]`` was the third
    rule, which the message called rule 3: an error review).

    >>> _field("transitions", 2), _field("play", "high alert", "hold")
    ('transitions (item 3)', 'play."high alert".hold')
    """
    out = []
    for part in path:
        if isinstance(part, int):
            out[-1] += f" (item {part + 1})"
        else:       # (a key of a table built in Python may be no string)
            part = str(part)
            out.append(part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else '"' + part.replace('"', '\\"') + '"')
    return ".".join(out)


def _probability(value, what, parameters, where):
    """An exact probability (int/Fraction) or a sympy expression over parameters."""
    if isinstance(value, str) and not re.fullmatch(r"\s*[-+]?[0-9.]+(?:/[0-9]+)?\s*", value):
        from deterrence.core.symbolic import parse_expression
        place = (where or {}).get("place")
        try:
            value = parse_expression(value, parameters, **{k: v for k, v in (where or {}).items()
                                                           if k != "place"})
        except GameError as exc:     # an unknown name in the formula: at the probability's place
            exc.places = () if place is None else (tuple(place),)
            raise
    if is_symbolic(value):
        import sympy
        if not isinstance(value, sympy.Expr):        # a > 1/2, Eq(a, 1): the wrapper said only "TypeError"
            raise _err(f"{what} is {value} ({type(value).__name__}): not a number or a formula", where)
    if is_symbolic(value) and getattr(value, "free_symbols", None):
        from deterrence.core.symbolic import with_parameter_symbols
        try:        # sympy.Symbol("w") means parameter w (subs left it in place: a review)
            return with_parameter_symbols(value, what)
        except GameError as exc:                     # and the file's place, where there is one
            raise _err(str(exc), where) from None
    if is_symbolic(value):
        from deterrence.core.symbolic import real_formula_problem
        problem = real_formula_problem(value)       # zoo (1/0) was shown as "is zoo" (a fuzzing review)
        raise _err(f"{what} {problem}" if problem == "is not finite" else
                   f"{what} is {value}, not a rational number: exact analysis needs rational "
                   "probabilities", where)
    # a number, or a formula without parameters ("sqrt(4)"): checked like any other number
    try:
        p = to_exact(value, what)
    except GameError as exc:
        raise _err(str(exc), where) from None
    if not 0 <= p <= 1:
        raise _err(f"{what} is {format_exact(p)}: probabilities lie in [0, 1]", where)
    return p


@boundary_init
class Automaton:
    """An immutable finite-state strategy of one player in a repeated two-player game.

    ``play`` maps each state to an action label or to ``{label: probability}``;
    ``transitions`` maps ``(state, own, opponent)`` to the next state (``*``
    wildcards allowed) or is a list of rules ``"state: own, opponent -> next"``.

    >>> tft = Automaton(["calm", "punish"], "calm", {"calm": "C", "punish": "D"},
    ...                 ["*: *, C -> calm", "*: *, D -> punish"], actions=["C", "D"])
    >>> tft.next_state("calm", "C", "D"), tft.output("punish")
    ('punish', {'D': 1})
    >>> Automaton(["s"], "s", {"s": "C"}, ["s: C, * -> s"], actions=["C", "D"])
    Traceback (most recent call last):
    ...
    deterrence.errors.PlacedError: automaton: no transition from state 's' on profile (D, C)
    """

    __slots__ = ("_states", "_start", "_actions", "_opp", "_probs", "_next", "_name",
                 "_description", "_symbolic", "_stochastic")

    def __init__(self, states: Sequence[str], start: str, play: Mapping,
                 transitions, actions: Sequence[str], opponent_actions: Sequence[str] | None = None,
                 *, name: str = "", description: str = "", parameters: Sequence[str] = (),
                 where: dict | None = None):
        label = f"automaton {name!r}" if name else "automaton"
        where = dict(where or {})
        base_field = where.get("field")

        def at(*path):
            """``where`` at ``path`` within the table: its field in words and its place."""
            w = dict(where)
            if base_field or path:
                w["field"] = ".".join(x for x in (base_field, _field(*path)) if x) or None
            w["place"] = path
            return w

        if hasattr(states, "__len__") and len(states) > MAX_STATES:
            raise TooLargeError(f"{label}: {len(states)} states, over the limit of {MAX_STATES}")
        states = tuple(str(s) for s in states)
        if not states:
            raise _err(f"{label}: needs at least one state", at("states"))
        if len(set(states)) != len(states):
            dup = next(s for s in states if states.count(s) > 1)
            raise _err(f"{label}: state {dup!r} is listed twice", at("states"))
        if WILDCARD in states:
            raise _err(f"{label}: '*' cannot be a state name", at("states"))
        if start not in states:
            raise _err(f"{label}: start state {start!r} is not one of its states ({', '.join(states)})", at("start"))
        actions = tuple(str(a) for a in actions)
        opp = tuple(str(a) for a in (actions if opponent_actions is None else opponent_actions))
        if not actions or not opp:
            raise _err(f"{label}: needs at least one action", at())

        # outputs
        if not isinstance(play, Mapping):
            raise _err(f"{label}: play must map each state to an action or a distribution", at("play"))
        for s in play:
            if s not in states:
                raise _err(f"{label}: play names unknown state {s!r}", at("play", s))
        probs, symbolic, stochastic = [], False, False
        for s in states:
            if s not in play:
                raise _err(f"{label}: no action given for state {s!r} (play)", at("play"))
            out = play[s]
            row = [0] * len(actions)
            if isinstance(out, str):
                if out not in actions:
                    raise _err(f"{label}: state {s!r} plays unknown action {out!r} "
                               f"(actions: {', '.join(actions)})", at("play", s))
                row[actions.index(out)] = 1
            elif isinstance(out, Mapping):
                for a, p in out.items():
                    if a not in actions:
                        raise _err(f"{label}: state {s!r} plays unknown action {a!r} "
                                   f"(actions: {', '.join(actions)})", at("play", s))
                    row[actions.index(a)] = _probability(
                        p, f"probability of {a!r} in state {s!r}", parameters, at("play", s, a))
                total = sum(row)
                symbolic = symbolic or any(is_symbolic(p) for p in row)
                if is_symbolic(total):
                    symbolic = True
                    import sympy
                    if sympy.simplify(total - 1) != 0:
                        raise _err(f"{label}: probabilities in state {s!r} sum to {total}, not 1", at("play", s))
                elif total != 1:
                    raise _err(f"{label}: probabilities in state {s!r} sum to {format_exact(total)}, not 1",
                               at("play", s))
                if sum(1 for p in row if p != 0) > 1:
                    stochastic = True
            else:
                raise _err(f"{label}: state {s!r} must play an action label or a "
                           f"{{action: probability}} table, got {type(out).__name__}", at("play", s))
            probs.append(tuple(row))

        # transitions
        rules = _rules(transitions, label, at)
        nxt = np.full((len(states), len(actions), len(opp)), -1, dtype=np.int64)
        rank = np.full(nxt.shape, -1, dtype=np.int64)
        by = np.full(nxt.shape, -1, dtype=np.int64)       # the rule that set each next state
        for k, (s, a, b, t, rwhere) in enumerate(rules):
            for value, pool, what in ((s, states, "state"), (a, actions, "own action"),
                                      (b, opp, "opponent action")):
                if value != WILDCARD and value not in pool:
                    raise _err(f"{label}: transition rule {k + 1} names unknown {what} {value!r} "
                               f"(known: {', '.join(pool)})", rwhere)
            if t not in states:
                raise _err(f"{label}: transition rule {k + 1} leads to unknown state {t!r}", rwhere)
            spec = (s != WILDCARD) + (a != WILDCARD) + (b != WILDCARD)
            si = range(len(states)) if s == WILDCARD else [states.index(s)]
            ai = range(len(actions)) if a == WILDCARD else [actions.index(a)]
            bi = range(len(opp)) if b == WILDCARD else [opp.index(b)]
            ti = states.index(t)
            for x in si:
                for y in ai:
                    for z in bi:
                        if rank[x, y, z] < spec:
                            rank[x, y, z], nxt[x, y, z], by[x, y, z] = spec, ti, k
                        elif rank[x, y, z] == spec and nxt[x, y, z] != ti:
                            # both rules by the numbers the message gives every rule (from 1)
                            raise _err(f"{label}: rules {by[x, y, z] + 1} and {k + 1} give two next states "
                                       f"for state {states[x]!r} on profile ({actions[y]}, {opp[z]}): "
                                       f"{states[nxt[x, y, z]]!r} and {t!r}", rwhere)
        missing = np.argwhere(nxt < 0)
        if len(missing):
            x, y, z = missing[0]
            raise _err(f"{label}: no transition from state {states[x]!r} on profile "
                       f"({actions[y]}, {opp[z]})", at("transitions"))
        nxt.setflags(write=False)
        self._states, self._start, self._actions, self._opp = states, start, actions, opp
        self._probs = tuple(probs)
        self._name, self._description = name, description
        self._symbolic, self._stochastic = symbolic, stochastic
        self._next = nxt  # last: the object is frozen from here on

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_spec(cls, spec: Mapping, actions, opponent_actions=None, *, name="",
                  parameters=(), file=None, line=None, field=None) -> "Automaton":
        """Build from the table form of a game file (keys states, start, play, transitions).

        >>> spec = {"states": ["c", "d"], "start": "c", "play": {"c": "C", "d": "D"},
        ...         "transitions": ["*: *, C -> c", "*: *, D -> d"]}
        >>> Automaton.from_spec(spec, ["C", "D"], name="tft").states
        ('c', 'd')
        """
        where = dict(file=file, line=line, field=field, place=())
        label = f"automaton {name!r}" if name else "automaton"
        if not isinstance(spec, Mapping):
            raise _err(f"{label}: expected a table with states, start, play, transitions", where)
        unknown = set(spec) - {"states", "start", "play", "transitions", "description", "about"}
        if unknown:
            raise _err(f"{label}: unknown key(s) {', '.join(sorted(unknown))}; "
                       "known: states, start, play, transitions, description", where)
        for key in ("states", "play", "transitions"):
            if key not in spec:
                raise _err(f"{label}: missing key {key!r}", where)
        states = spec["states"]
        if not isinstance(states, list) or not all(isinstance(s, str) for s in states):
            raise _err(f"{label}: states must be an array of names in quotes",
                       dict(where, field=".".join(x for x in (field, "states") if x), place=("states",)))
        start = spec.get("start", states[0] if states else "")
        where.pop("place")
        return cls(states, start, spec["play"], spec["transitions"], actions, opponent_actions,
                   name=name, description=str(spec.get("description", spec.get("about", ""))),
                   parameters=parameters, where=where)

    @classmethod
    def random(cls, n_states: int, actions, seed=None, *, name=None) -> "Automaton":
        """A random pure automaton (states ``s0..``, start ``s0``): each state plays a random
        action and moves to a random state after each pair of actions. For tournaments,
        benchmarks and tests; the same ``seed`` gives the same automaton.

        >>> a = Automaton.random(3, ["hold", "strike"], seed=1)
        >>> a.n_states, a.start, a == Automaton.random(3, ["hold", "strike"], seed=1)
        (3, 's0', True)
        """
        g = rng(seed)
        actions = list(actions)
        states = [f"s{i}" for i in range(n_states)]
        play = {s: actions[int(g.integers(len(actions)))] for s in states}
        table = {(s, a, b): states[int(g.integers(n_states))]
                 for s in states for a in actions for b in actions}
        return cls(states, "s0", play, table, actions, name=name or f"random{seed}")

    @classmethod
    def from_text(cls, text: str, actions, opponent_actions=None, *, name="", parameters=(),
                  file=None) -> "Automaton":
        r"""Build from the TOML text of one automaton table (as in a game file).

        Errors name the line of the offending key (``file:line:`` when ``file`` is given).

        >>> a = Automaton.from_text('''
        ... states = ["calm", "punish"]
        ... play = { calm = "C", punish = "D" }
        ... transitions = ["*: *, C -> calm", "*: *, D -> punish"]
        ... ''', ["C", "D"], name="tft")
        >>> a.start, a.next_state("calm", "C", "D")
        ('calm', 'punish')
        >>> Automaton.from_text('states = ["s"]\nplay = { s = "C" }\ntransitions = ["s: C, * -> s"]',
        ...                     ["C", "D"], file="a.toml")
        Traceback (most recent call last):
        ...
        deterrence.errors.GameFileError: a.toml:3: transitions: automaton: no transition from state 's' on profile (D,
        C)
        """
        import tomllib
        try:
            spec = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else len(text.rstrip("\n").splitlines()) or 1
            raise GameFileError(f"not valid TOML: {exc}", file=file or "<text>", line=line) from None
        lines = {}
        for k, raw in enumerate(text.splitlines(), start=1):
            m = re.match(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=", raw)
            if m:
                lines.setdefault(m.group(1), k)
        try:
            return cls.from_spec(spec, actions, opponent_actions, name=name, parameters=parameters)
        except GameError as exc:
            # the line of the key the error's place is under (it searched the message for a key)
            place = next(iter(getattr(exc, "places", ())), ())
            if getattr(exc, "file", None) is not None or not isinstance(place, tuple):
                raise
            line = lines.get(place[0]) if place else None
            field = getattr(exc, "field", None) or _field(*place) or None
            raise GameFileError(getattr(exc, "reason", str(exc)), file=file or "<text>", line=line,
                                field=field) from None

    # -- views ----------------------------------------------------------------
    states = property(lambda self: self._states, doc="State names, in order.")
    start = property(lambda self: self._start, doc="The start state.")
    actions = property(lambda self: self._actions, doc="Own action labels.")
    opponent_actions = property(lambda self: self._opp, doc="Opponent's action labels.")
    name = property(lambda self: self._name, doc="The strategy's name.")
    description = property(lambda self: self._description, doc="The strategy's description, in words.")
    is_stochastic = property(lambda self: self._stochastic, doc="Some state randomises.")
    is_symbolic = property(lambda self: self._symbolic, doc="Some probability is a formula.")
    transition_table = property(lambda self: self._next,
                                doc="Read-only int array ``[state, own, opponent] -> next state``.")

    @property
    def n_states(self) -> int:
        """The number of the automaton's states."""
        return len(self._states)

    @property
    def start_index(self) -> int:
        """The index of the start state among the states."""
        return self._states.index(self._start)

    def probabilities(self, state) -> tuple:
        """The probability of each own action (in action order) in a state.

        >>> Automaton(["s"], "s", {"s": {"C": "1/4", "D": "3/4"}}, ["*: *, * -> s"],
        ...           actions=["C", "D"]).probabilities("s")
        (Fraction(1, 4), Fraction(3, 4))
        """
        return self._probs[self._state_index(state)]

    def output(self, state) -> dict:
        """The action distribution of a state, as ``{label: probability}`` (zeros left out).

        >>> ALLD = Automaton(["d"], "d", {"d": "D"}, ["*: *, * -> d"], actions=["C", "D"])
        >>> ALLD.output("d")
        {'D': 1}
        """
        return {a: p for a, p in zip(self._actions, self.probabilities(state)) if p != 0}

    def next_state(self, state, own, opponent) -> str:
        """The state after observing ``(own, opponent)`` in ``state``.

        >>> Automaton(["s"], "s", {"s": "C"}, ["*: *, * -> s"], actions=["C", "D"]).next_state("s", "D", "C")
        's'
        """
        s = self._state_index(state)
        a = _index(self._actions, own, "own action", self._name)
        b = _index(self._opp, opponent, "opponent action", self._name)
        return self._states[self._next[s, a, b]]

    def subs(self, values: Mapping) -> "Automaton":
        """Substitute parameter values in symbolic probabilities.

        >>> import sympy
        >>> g = sympy.Symbol("g", real=True)
        >>> a = Automaton(["s"], "s", {"s": {"C": g, "D": 1 - g}}, ["*: *, * -> s"], actions=["C", "D"])
        >>> a.subs({"g": "1/3"}).probabilities("s")
        (Fraction(1, 3), Fraction(2, 3))
        """
        if not self._symbolic:
            return self
        from deterrence.core.symbolic import parameter_symbol
        import sympy
        mapping = {parameter_symbol(k): sympy.Rational(str(to_exact(v, f"value of {k}")))
                   for k, v in values.items()}
        play, outside = {}, []
        for s, row in zip(self._states, self._probs):
            play[s] = {}
            for a, p in zip(self._actions, row):
                if is_symbolic(p) and not p.xreplace(mapping).free_symbols:
                    value = to_exact(p.xreplace(mapping))
                    if not 0 <= value <= 1:
                        outside.append(p)
                    p = value
                play[s][a] = p
        try:
            return Automaton(self._states, self._start, play, self._rule_table(), self._actions,
                             self._opp, name=self._name, description=self._description)
        except GameError as exc:
            if not outside:
                raise
            # the check names the state and action; the user gave parameter values: name them too
            names = sorted(str(n) for n in outside[0].free_symbols)
            shown = ", ".join(f"{n} = {format_exact(to_exact(values[n]))}" for n in names if n in values)
            raise _err(f"{exc} (the formula {outside[0]} with {shown})", None) from None

    def _rule_table(self) -> dict:
        return {(self._states[x], self._actions[y], self._opp[z]): self._states[self._next[x, y, z]]
                for x, y, z in np.ndindex(*self._next.shape)}

    def to_spec(self) -> dict:
        """The table form (as in a game file), with one explicit rule per entry.

        >>> ALLD = Automaton(["d"], "d", {"d": "D"}, ["*: *, * -> d"], actions=["C", "D"])
        >>> ALLD.to_spec()["transitions"][:2]
        ['d: C, C -> d', 'd: C, D -> d']
        """
        play = {}
        for s, row in zip(self._states, self._probs):
            nz = [(a, p) for a, p in zip(self._actions, row) if p != 0]
            play[s] = nz[0][0] if len(nz) == 1 and nz[0][1] == 1 else {a: format_exact(p) for a, p in nz}
        rules = [f"{s}: {a}, {b} -> {t}" for (s, a, b), t in self._rule_table().items()]
        return {"states": list(self._states), "start": self._start, "play": play, "transitions": rules}

    def _state_index(self, state) -> int:
        if isinstance(state, (int, np.integer)) and not isinstance(state, bool):
            if 0 <= state < len(self._states):
                return int(state)
        elif state in self._states:
            return self._states.index(state)
        raise GameError(f"automaton {self._name!r}: unknown state {state!r} "
                        f"(states: {', '.join(self._states)})")

    # -- comparison / display ---------------------------------------------------
    def _key(self):
        return (self._states, self._start, self._actions, self._opp, self._probs,
                self._next.tobytes())

    def __eq__(self, other):
        return isinstance(other, Automaton) and self._key() == other._key()

    def __hash__(self):
        return hash(self._key())

    def __setattr__(self, key, value):
        if hasattr(self, "_next") and key in self.__slots__:
            raise AttributeError("Automaton is immutable")
        object.__setattr__(self, key, value)

    def _repr_html_(self) -> str:
        """A table: one row per state (start state marked), the action played, and
        the next state for each observed profile (own action, opponent's action)."""
        import html
        esc = html.escape
        profiles = [(a, b) for a in self._actions for b in self._opp]
        head = ("<tr><th>state</th><th>plays</th>"
                + "".join(f"<th>{esc(a)}, {esc(b)}</th>" for a, b in profiles) + "</tr>")
        rows = []
        for state in self._states:
            out = self.output(state)
            plays = ", ".join(f"{esc(a)}" if p == 1 else f"{esc(format_exact(p))} {esc(a)}"
                              for a, p in out.items() if p != 0)
            mark = " (start)" if state == self._start else ""
            rows.append(f"<tr><th>{esc(state)}{mark}</th><td>{plays}</td>"
                        + "".join(f"<td>{esc(self.next_state(state, a, b))}</td>" for a, b in profiles)
                        + "</tr>")
        cap = esc(self._name or "automaton") + (f": {esc(self._description)}" if self._description else "")
        return (f"<table class='deterrence-automaton'><caption>{cap}</caption>"
                f"<tr><th></th><th></th><th colspan='{len(profiles)}'>next state after (own, other)</th></tr>"
                + head + "".join(rows) + "</table>")

    def __repr__(self):
        name = f"{self._name!r}, " if self._name else ""
        return f"Automaton({name}{len(self._states)} states, start {self._start!r})"


def _index(pool, label, what, name):
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool) and 0 <= label < len(pool):
        return int(label)
    if label in pool:
        return pool.index(label)
    raise GameError(f"automaton {name!r}: unknown {what} {label!r} (known: {', '.join(pool)})")


def _rules(transitions, label, at):
    """Normalise transitions into (state, own, opp, next, where) tuples; ``at(*path)`` is the
    ``where`` of a place within the automaton's table (each rule at its own place)."""
    out = []
    if isinstance(transitions, Mapping):
        for key, target in transitions.items():
            if isinstance(key, str):
                parts = [p.strip() for p in key.replace(":", ",").split(",")]
            else:
                parts = [str(p) for p in key]
            w = at("transitions", key) if isinstance(key, str) else at("transitions")
            if len(parts) != 3:
                raise _err(f"{label}: transition key {key!r} must name (state, own action, "
                           "opponent action)", w)
            out.append((*parts, str(target), w))
        return out
    if isinstance(transitions, (list, tuple)):
        for k, rule in enumerate(transitions):
            w = at("transitions", k)
            if isinstance(rule, str):
                m = _RULE.match(rule)
                if not m:
                    raise _err(f"{label}: transition rule {k + 1}, {rule!r}, is not of the form "
                               "'state: own, opponent -> next'", w)
                out.append((*m.groups(), w))
            elif isinstance(rule, (list, tuple)) and len(rule) == 4:
                out.append((*(str(x) for x in rule), w))
            else:
                raise _err(f"{label}: transition rule {k + 1} must be a string "
                           "'state: own, opponent -> next'", w)
        return out
    raise _err(f"{label}: transitions must be a list of rules or a table", at("transitions"))


__all__ = ["Automaton", "WILDCARD"]
