"""The one result shape every solver returns: :class:`SolveResult`.

A :class:`SolveResult` is a frozen sequence of equilibria with the method
that found them, whether the numbers are exact and the set complete, and its
provenance: the ``game`` as given, the ``parameters`` it was solved at (a
symbolic game's default values, or the values given) and the method's
``options``. ``to_json()`` is the ``--json`` contract of ``deterrence solve``;
text (``to_text()``, ``describe()``, ``str``) is only a rendering of the data.

Two kinds of equilibrium, one interface (``strategies`` as data, ``payoffs``,
``players``, ``is_pure``, ``exact``, ``to_json()``, ``describe()``):

* :class:`Equilibrium` (normal form): ``strategies`` is one tuple of
  probabilities per player, in the game's action order. An exact one is only
  made by :func:`~deterrence.solvers.certify.certified_equilibrium`, which
  checks exactly that no player has a profitable deviation; the one float
  answer, ``lemke_howson(game, exact=False)``, is checked in floating point and
  carries ``exact=False``.
* :class:`TreeEquilibrium` (game trees): behaviour strategies. ``strategies``
  maps each player to ``{information set name: {move: probability}}``;
  ``behaviour`` holds the same data keyed ``(player, information set name)``;
  ``actions`` names each decision node's move (node path -> move label, a
  mixed move written as its mixture); ``outcomes`` the terminal nodes reached.

How a tree solver (backward induction, sequence form, ...) builds its result::

    eq = TreeEquilibrium.from_behaviour(tree, behaviour)   # exact tree; certify first
    SolveResult(equilibria=(eq, ...), method="sequence_form", exact=True,
                complete=True, players=tree.players, game=tree)

``behaviour`` maps ``(player, information set name)`` (or an
:class:`~deterrence.core.tree.Infoset`) to ``{move: probability}`` (or to
one move label), for every information set of the tree (a set the profile
never reaches still needs one: a sequence-form solution leaves it free, so
give it a best response or the first move and say so in ``notes``); the
payoffs, the move at every node and the outcomes are computed from it. The JSON of a tree equilibrium is then the one
``subgame_perfect`` prints: ``{"strategies": {player: {"behaviour":
{information set: {move: "p"}}, "actions": {information set: move}}},
"payoffs": ["u1", ...], "actions": {node path: move}, "outcomes": {...}}``,
information sets named as in the tree (``.efg`` sets without a unique name
are ``"P:I"``: player number and information-set number).

A normal-form result (``enumerate``, ``pure``, ...) is made with
``SolveResult(equilibria=..., method=..., exact=..., complete=...,
players=game.players, actions=game.actions)``; the front door
:func:`deterrence.solvers.solve` records ``game`` (as the caller gave it),
``parameters`` and ``options`` on every result it returns.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from deterrence.core.numbers import format_exact, format_text, to_exact


class TextRepr:
    """The repr of a result or an equilibrium: ``<Type: text>``, its :meth:`repr_text` (an
    equilibrium's one-line ``describe()``, a result's listing), not the dataclass fields (a
    terminal printed ``SolveResult(equilibria=(Equilibrium(strategies=...``: a review). A
    subclass that is a dataclass keeps it: the decorator would generate the field repr again.

    >>> from deterrence import load_game, solve
    >>> solve(load_game("prisoners_dilemma")).equilibria[0]
    <Equilibrium: Row: D; Column: D  (payoffs 1, 1)>
    """

    def describe(self) -> str:
        """The one-line description: each equilibrium type writes its own (an abstract method)."""
        raise NotImplementedError(f"{type(self).__name__} has no description")

    def repr_text(self) -> str:
        """The text inside the repr ``<Type: text>``: an equilibrium's one-line :meth:`describe`,
        a result's listing."""
        return self.describe()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.repr_text()}>"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "__repr__" not in cls.__dict__:        # before @dataclass, which then keeps it
            cls.__repr__ = TextRepr.__repr__


@dataclass(frozen=True)
class Equilibrium(TextRepr):
    """A mixed-strategy profile of a normal-form game that has passed the equilibrium check.

    ``strategies`` holds one tuple of probabilities per player, in the game's
    action order; ``payoffs`` the expected payoff of each player.

    >>> from deterrence import NormalFormGame, solve
    >>> eq = solve(NormalFormGame.zero_sum([[1, -1], [-1, 1]]))[0]
    >>> eq.strategies[0], eq.support("Row"), eq.to_json()["payoffs"]
    ((Fraction(1, 2), Fraction(1, 2)), ('0', '1'), ['0', '0'])
    """

    strategies: tuple
    payoffs: tuple
    players: tuple
    actions: tuple
    exact: bool = True

    def support(self, player) -> tuple:
        """Labels of the actions a player uses with positive probability."""
        from deterrence.core.validate import player_position
        i = player_position(self.players, player)
        return tuple(a for a, p in zip(self.actions[i], self.strategies[i]) if p > 0)

    @property
    def is_pure(self) -> bool:
        """Whether every player plays one action with probability 1."""
        return all(sum(1 for p in s if p > 0) == 1 for s in self.strategies)

    @property
    def is_rational(self) -> bool:
        """Every probability an exact fraction: not a float, not an irrational algebraic number.

        >>> from deterrence import NormalFormGame, solve
        >>> solve(NormalFormGame.zero_sum([[1, -1], [-1, 1]]))[0].is_rational
        True
        """
        return all(isinstance(p, (int, Fraction)) for s in self.strategies for p in s)

    def probability(self, player, action):
        """Probability a player puts on an action (by label)."""
        from deterrence.core.validate import action_position, player_position
        i = player_position(self.players, player)
        return self.strategies[i][action_position(self.actions[i], self.players[i], action)]

    def to_json(self) -> dict:
        """``{"strategies": [[...], ...], "payoffs": [...]}`` with exact strings."""
        return {"strategies": [[format_exact(p) for p in s] for s in self.strategies],
                "payoffs": [format_exact(v) for v in self.payoffs]}

    def _json_with(self, kind, key) -> dict:
        """:meth:`to_json` plus, under ``key`` and ``"payoffs_" + key``, the JSON of each
        probability and payoff that is a ``kind`` number (``None`` for the exact rationals):
        how equilibria with irrational numbers say what those numbers are."""
        out = Equilibrium.to_json(self)
        out[key] = [[p.to_json() if isinstance(p, kind) else None for p in s] for s in self.strategies]
        out["payoffs_" + key] = [v.to_json() if isinstance(v, kind) else None for v in self.payoffs]
        return out

    def player_text(self) -> dict:
        """Player -> the strategy as text (``"1/3 hold + 2/3 retaliate"``): a rendering."""
        out = {}
        for player, acts, probs in zip(self.players, self.actions, self.strategies):
            used = [(a, p) for a, p in zip(acts, probs) if p > 0]
            out[player] = used[0][0] if len(used) == 1 else " + ".join(f"{format_text(p)} {a}"
                                                                      for a, p in used)
        return out

    def details(self) -> list:
        """Further lines of the text listing (none for a normal-form equilibrium)."""
        return []

    def describe(self) -> str:
        """One line such as ``US: hold; Iran: 1/3 hold + 2/3 retaliate``."""
        parts = [f"{player}: {text}" for player, text in self.player_text().items()]
        pay = ", ".join(format_text(v) for v in self.payoffs)
        return "; ".join(parts) + f"  (payoffs {pay})"

    def __str__(self):
        return self.describe()


def mixture_text(dist) -> str:
    """A behaviour at one information set as text: the move, or ``"1/2 a + 1/2 b"``.

    >>> mixture_text({"a": 1, "b": 0}), mixture_text({"a": Fraction(1, 2), "b": Fraction(1, 2)})
    ('a', '1/2 a + 1/2 b')
    """
    used = [(a, q) for a, q in dist.items() if q > 0]
    if len(used) == 1:
        return used[0][0]
    return " + ".join(f"{format_text(q)} {a}" for a, q in used)


def profile_text(players, actions, profile, digits: int = 4) -> str:
    """A profile of float (or exact) mixed strategies as one short line, each probability with
    ``digits`` significant digits, the actions that round to 0 left out: the reprs of the
    traced and simulated paths (a QRE branch, a trajectory), whose dataclass repr listed every
    point of the path (a review).

    >>> profile_text(("Row", "Column"), (("a", "b"), ("a", "b")), ((0.8999999, 0.1000001), (1.0, 0.0)))
    'Row: 0.9 a + 0.1 b; Column: a'
    """
    from deterrence.core.numbers import format_short
    parts = []
    for player, acts, probs in zip(players, actions, profile):
        shown = [(a, format_short(p, digits)) for a, p in zip(acts, probs)]
        used = [(a, t) for a, t in shown if t not in ("0", "-0")]
        text = used[0][0] if len(used) == 1 and used[0][1] == "1" else " + ".join(f"{t} {a}" for a, t in used)
        parts.append(f"{player}: {text}")
    return "; ".join(parts)


@dataclass(frozen=True)
class TreeEquilibrium(TextRepr):
    """An equilibrium of a game tree in behaviour strategies (data; text is a rendering).

    ``behaviour`` maps ``(player, information set)`` to ``{move: probability}``;
    ``strategies`` is the same per player; ``actions`` maps every decision
    node's path to its move (a mixed move written ``"1/2 a + 1/2 b"``);
    ``payoffs`` has one entry per player; ``outcomes`` lists the terminal
    nodes reached, with their probabilities. Build one with
    :meth:`from_behaviour`.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> eq = TreeEquilibrium.from_behaviour(entry_deterrence(),
    ...                                     {("Entrant", "root"): "in", ("Incumbent", "in"): "accommodate"})
    >>> eq.strategies["Incumbent"], eq.payoffs, eq.actions
    ({'in': {'fight': 0, 'accommodate': 1}}, (1, 1), {'root': 'in', 'in': 'accommodate'})
    >>> print(eq)
    Entrant: in; Incumbent: accommodate  (payoffs 1, 1)
    """

    players: tuple
    behaviour: dict
    actions: dict
    payoffs: tuple
    outcomes: tuple = ()
    exact: bool = True

    def __post_init__(self):
        # an equilibrium is an immutable value: its tables are read-only (core.frozen), or
        # eq.behaviour[key]["fight"] = 1 changed a certified equilibrium in place
        from deterrence.core.frozen import frozen
        for name in ("behaviour", "actions"):
            object.__setattr__(self, name, frozen(getattr(self, name)))

    @classmethod
    def from_behaviour(cls, tree, behaviour, payoffs=None, *, exact: bool = True) -> TreeEquilibrium:
        """The equilibrium given by a behaviour profile of an exact tree.

        ``behaviour`` maps ``(player, information set name)`` (or an ``Infoset``)
        to ``{move: probability}`` or to one move label; every information set
        of the tree needs an entry. ``payoffs`` (one per player) default to the
        expected payoffs of the profile. The caller certifies the profile.
        """
        from deterrence.core.tree import Chance, Terminal, path_name
        from deterrence.errors import GameError
        if tree.is_symbolic:
            raise GameError("TreeEquilibrium.from_behaviour needs an exact tree: call .with_defaults() first")
        norm = {}
        for key, dist in behaviour.items():
            key = getattr(key, "key", key)
            if key not in tree.infosets:
                raise GameError(f"no information set {key!r} in the tree")
            actions = tree.infosets[key].actions
            if isinstance(dist, str):
                dist = {a: (1 if a == dist else 0) for a in actions}
            unknown = set(dist) - set(actions)
            if unknown:
                raise GameError(f"information set {key[1]!r} of {key[0]} has no move(s) "
                                f"{', '.join(map(repr, sorted(unknown)))}; its moves are {', '.join(actions)}")
            norm[key] = {a: to_exact(dist.get(a, 0)) for a in actions}
        missing = [k for k in tree.infosets if k not in norm]
        if missing:
            raise GameError(f"no behaviour given at information set {missing[0][1]!r} of {missing[0][0]}")
        ordered = {k: norm[k] for k in tree.infosets}
        texts = {key: mixture_text(dist) for key, dist in ordered.items()}
        node_moves = {path_name(path): texts[key] for path, key in tree.decision_nodes()}
        outcomes = []
        totals = [Fraction(0)] * len(tree.players)

        # preorder without recursion, over the reached nodes only (subgame_perfect builds 10^5
        # equilibria of a large tree, most of whose nodes each leaves unreached)
        stack: list = [(tree.root, (), Fraction(1))]
        while stack:
            node, path, prob = stack.pop()
            if isinstance(node, Terminal):
                outcomes.append((path_name(path), to_exact(Fraction(prob))))
                for i, v in enumerate(node.payoffs):
                    totals[i] += prob * v
                continue
            if isinstance(node, Chance):
                moves = list(node.moves)
            else:
                dist = ordered[(node.player, tree.infoset_of(path).name)]
                moves = [(m, dist[m], c) for m, c in node.moves]
            stack.extend((c, path + (m,), prob * p if p != 1 else prob) for m, p, c in reversed(moves) if p)
        if payoffs is None:
            payoffs = tuple(to_exact(v) for v in totals)
        return cls(tuple(tree.players), ordered, node_moves, tuple(payoffs), tuple(outcomes), exact)

    @property
    def strategies(self) -> dict:
        """Per player: information set name -> {move: probability} (behaviour strategies)."""
        out: dict = {p: {} for p in self.players}
        for (player, name), dist in self.behaviour.items():
            out[player][name] = dict(dist)
        return out

    @property
    def is_pure(self) -> bool:
        """Whether the behaviour at every information set puts probability 1 on one move."""
        return all(sum(1 for p in d.values() if p > 0) == 1 for d in self.behaviour.values())

    def move(self, player, infoset):
        """The move (or mixture text) of ``player`` at an information set."""
        if (player, infoset) not in self.behaviour:
            from deterrence.core.validate import player_position
            from deterrence.errors import GameError
            player_position(self.players, player)
            sets = [name for (p, name) in self.behaviour if p == player]
            raise GameError(f"{player} has no information set {infoset!r}; its information sets are "
                            + (", ".join(map(str, sets)) or "none"))
        return mixture_text(self.behaviour[(player, infoset)])

    def player_text(self) -> dict:
        """Player -> the strategy as text (a move, or ``"m at set, ..."``): a rendering."""
        out = {}
        for p in self.players:
            moves = {name: mixture_text(d) for (q, name), d in self.behaviour.items() if q == p}
            if len(moves) == 1:
                out[p] = next(iter(moves.values()))
            elif moves:
                out[p] = ", ".join(f"{m} at {k}" for k, m in moves.items())
        return out

    def to_json(self) -> dict:
        """The TreeEquilibrium as a JSON-ready dict of plain values: ``strategies``, ``payoffs``,
        ``actions``, ``outcomes``."""
        strategies: dict = {p: {"actions": {}, "behaviour": {}} for p in self.players}
        for (player, name), dist in self.behaviour.items():
            strategies[player]["actions"][name] = mixture_text(dist)
            strategies[player]["behaviour"][name] = {a: format_exact(q) for a, q in dist.items()}
        return {"strategies": strategies,
                "payoffs": [format_exact(v) for v in self.payoffs],
                "actions": dict(self.actions),
                "outcomes": {path: format_exact(q) for path, q in self.outcomes}}

    def details(self) -> list:
        """Further lines of the text listing: where play ends, the move at every node."""
        lines = []
        if self.outcomes:
            lines.append("play ends at: " + ", ".join(
                path if q == 1 else f"{path} ({format_text(q)})" for path, q in self.outcomes))
        lines.append("move at each node: " + ", ".join(f"{node}: {a}" for node, a in self.actions.items()))
        return lines

    def describe(self) -> str:
        """One line: each player's moves, then the payoffs (a tree where nobody moves: "(no move)",
        as tree_nash says; it was an empty string: a review).

        >>> from deterrence.core.tree import GameTree, terminal
        >>> TreeEquilibrium.from_behaviour(GameTree(terminal([1, 2]), players=["A", "B"]), {}, (1, 2)).describe()
        '(no move)  (payoffs 1, 2)'
        """
        parts = [f"{p}: {text}" for p, text in self.player_text().items()]
        payoffs = ", ".join(format_text(v) for v in self.payoffs)
        return ("; ".join(parts) or "(no move)") + f"  (payoffs {payoffs})"

    def __str__(self):
        return self.describe()


class EquilibriumSequence(TextRepr):
    """What every solve result shares: it is a sequence of its ``equilibria``, and it records
    what was solved (``game``, the ``parameters`` values, the method's ``options``; filled in by
    :func:`deterrence.solvers.solve`), shown in its JSON by :meth:`provenance_json`."""

    #: the equilibria found, in the method's order (the result is a sequence of them)
    equilibria: tuple
    #: the game solved (filled in by :func:`deterrence.solvers.solve`)
    game: object
    #: the parameter values the game was solved at (name -> value)
    parameters: dict
    #: the method's options, as given to :func:`deterrence.solvers.solve`
    options: dict

    def __post_init__(self):
        # the record of what was solved is read-only (core.frozen), however the result was built:
        # the front door's copy was, a solver called directly handed out changeable dicts (a review)
        from deterrence.core.frozen import frozen
        for name in ("parameters", "options"):
            if isinstance(getattr(self, name, None), dict):
                object.__setattr__(self, name, frozen(getattr(self, name)))

    def to_text(self) -> str:
        """The readable listing: each result type writes its own (an abstract method)."""
        raise NotImplementedError(f"{type(self).__name__} has no listing")

    def repr_text(self) -> str:
        return self.to_text()

    def provenance_json(self) -> dict:
        """The ``"parameters"`` and ``"options"`` entries of the JSON form (when not empty)."""
        out: dict[str, dict] = {}
        if self.parameters:
            out["parameters"] = {k: (None if v is None else format_exact(v)) for k, v in self.parameters.items()}
        if self.options:
            out["options"] = {k: (v if isinstance(v, (bool, int, str, type(None))) else str(v))
                              for k, v in self.options.items()}
        return out

    def __len__(self):
        return len(self.equilibria)

    def __iter__(self):
        return iter(self.equilibria)

    def __getitem__(self, i):
        return self.equilibria[i]

    @property
    def pure(self) -> tuple:
        """The equilibria in pure strategies."""
        return tuple(e for e in self.equilibria if e.is_pure)


_SUBSETS_HEAD = "Maximal Nash subsets (every mixture of the listed extreme equilibria is one):"


def _index_set(indices) -> str:
    """A set of equilibrium indices as text, runs of four or more written ``first-last`` (a
    zero-sum tree's one clique holds every equilibrium).

    >>> _index_set((0, 1, 2)), _index_set((0, 1, 2, 3, 4, 7, 9, 10, 11, 12))
    ('{0, 1, 2}', '{0-4, 7, 9-12}')
    """
    parts, start = [], 0
    indices = list(indices)
    for k in range(1, len(indices) + 1):
        if k == len(indices) or indices[k] != indices[k - 1] + 1:
            run = indices[start:k]
            parts += [f"{run[0]}-{run[-1]}"] if len(run) >= 4 else [str(i) for i in run]
            start = k
    return "{" + ", ".join(parts) + "}"


@dataclass(frozen=True)
class SolveResult(EquilibriumSequence):
    """What every solver returns: the equilibria, how they were found, and of what.

    ``cliques`` and ``components`` (lists of index tuples into
    ``equilibria``: :mod:`~deterrence.solvers.nash_subsets`) are set by the
    methods that find every extreme equilibrium of a two-player game
    (``enumerate``, and ``sequence_form`` on trees); ``None`` otherwise. ``actions`` holds the action labels
    of a normal-form game (empty for trees). ``concept`` names the
    refinement (``"subgame-perfect"``; empty for Nash equilibria).
    ``game`` is the game as given, ``parameters`` the parameter values it was
    solved at, ``options`` the options of the method.

    >>> import deterrence as dt
    >>> r = dt.solve(dt.load_game("entry_deterrence"))
    >>> r.method, r.game.title, r.parameters, r[0].strategies["Entrant"]
    ('subgame_perfect', 'Entry deterrence', {'m': 2, 'd': 1, 'f': 1}, {'root': {'out': 0, 'in': 1}})
    >>> r.to_json()["equilibria"][0]["strategies"]["Entrant"]["behaviour"]
    {'root': {'out': '0', 'in': '1'}}
    """

    equilibria: tuple
    method: str
    exact: bool
    complete: bool
    players: tuple
    actions: tuple = ()
    cliques: tuple | None = None
    components: tuple | None = None
    notes: tuple = field(default_factory=tuple)
    concept: str = ""
    game: object = field(default=None, repr=False)
    parameters: dict = field(default_factory=dict, hash=False)
    options: dict = field(default_factory=dict, hash=False)

    def to_json(self) -> dict:
        """The ``--json`` contract of ``deterrence solve``."""
        out = {"method": self.method, "exact": self.exact, "complete": self.complete,
               "players": list(self.players)}
        out["concept"] = self.concept or "Nash"      # every result's JSON names its solution concept
        if self.actions:
            out["actions"] = [list(a) for a in self.actions]
        out["equilibria"] = [e.to_json() for e in self.equilibria]
        if self.cliques is not None:
            out["cliques"] = [list(c) for c in self.cliques]
        if self.components is not None:
            out["components"] = [list(c) for c in self.components]
        out.update(self.provenance_json())
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_text(self) -> str:
        """A readable listing, used by the command line."""
        what = "all" if self.complete else "some"
        n = len(self.equilibria)
        concept = f"{self.concept} " if self.concept else ""
        head = (f"{n} {concept}equilibri{'um' if n == 1 else 'a'} "
                f"({self.method}; {what}; {'exact' if self.exact else 'floating point'})")
        lines = [head]
        for k, eq in enumerate(self.equilibria):
            lines.append(f"  [{k}] {eq.describe()}")
            lines += [f"      {line}" for line in eq.details()]
        cliques, components = self._nash_subsets()
        if cliques:
            lines.append(_SUBSETS_HEAD)
            lines += [f"  {c}" for c in cliques]
        if components:
            lines.append(f"Connected components: {components}")
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _nash_subsets(self) -> tuple:
        """``(cliques, components)`` as the text and the HTML say them: the maximal Nash subsets
        when one holds more than one extreme equilibrium (their mixtures are equilibria too), else
        none; the connected components when they are not the equilibria one by one, else ``""``."""
        cliques = ([_index_set(c) for c in self.cliques]
                   if self.cliques is not None and any(len(c) > 1 for c in self.cliques) else [])
        components = ("; ".join(_index_set(c) for c in self.components)
                      if self.components is not None and len(self.components) != len(self.equilibria) else "")
        return cliques, components

    def __str__(self):
        return self.to_text()


    def _repr_latex_(self):
        """Typeset equilibria of normal-form games in Jupyter (fractions, not ``Fraction(1, 2)``)."""
        if not self.actions or not all(isinstance(e, Equilibrium) for e in self.equilibria):
            return None                   # trees and other shapes: the HTML table
        from deterrence.core.latex import result_latex
        return result_latex(self)

    def _repr_html_(self) -> str:
        """The text listing as a table: every line of it is here (an equilibrium's further lines,
        such as a sequential equilibrium's beliefs, under its row; the maximal Nash subsets and
        components after the table: a notebook showed neither, a review).

        >>> import deterrence as dt
        >>> html = dt.solve(dt.load_game("entry_deterrence"), method="tree_nash")._repr_html_()
        >>> "Maximal Nash subsets" in html, "{1, 2}" in html
        (True, True)
        """
        import html
        head = "".join(f"<th>{html.escape(p)}</th>" for p in self.players) + "<th>payoffs</th>"
        rows = []
        for k, eq in enumerate(self.equilibria):
            text = eq.player_text()
            cells = "".join("<td>" + html.escape(text.get(p, "")) + "</td>" for p in self.players)
            rows.append(f"<tr><td>{k}</td>{cells}<td>{html.escape(', '.join(map(format_exact, eq.payoffs)))}</td></tr>")
            details = eq.details()
            if details:
                rows.append(f"<tr><td></td><td colspan='{len(self.players) + 1}'><small>"
                            + "<br>".join(html.escape(line) for line in details) + "</small></td></tr>")
        cap = html.escape(self.to_text().splitlines()[0])
        cliques, components = self._nash_subsets()
        after = (f"<p>{html.escape(_SUBSETS_HEAD)} {html.escape(', '.join(cliques))}</p>" if cliques else "")
        after += f"<p>Connected components: {html.escape(components)}</p>" if components else ""
        notes = "".join(f"<p>Note: {html.escape(n)}</p>" for n in self.notes)      # as in the text listing
        return f"<table><caption>{cap}</caption><tr><th>#</th>{head}</tr>{''.join(rows)}</table>{after}{notes}"


__all__ = ["Equilibrium", "SolveResult", "TreeEquilibrium", "mixture_text", "profile_text"]
