"""GameTree: an immutable finite game in extensive form.

A tree is built from three kinds of node:

* :func:`decision` -- a player moves; moves are labelled; nodes that share an
  ``infoset`` name (for that player) form one information set: the player does
  not know which of them was reached (simultaneous moves, hidden information);
* :func:`chance` -- nature moves with given probabilities (exact numbers, or
  sympy formulas over declared parameters, e.g. the prior ``p`` that a
  defender is "hard");
* :func:`terminal` -- the payoffs, one per player (exact numbers by
  :func:`deterrence.core.numbers.to_exact`, or formulas).

Sources: Kuhn, H. W. (1953). Extensive games and the problem of information.
Contributions to the Theory of Games II, 193-216. Selten, R. (1975).
Reexamination of the perfectness concept for equilibrium points in extensive
games. International Journal of Game Theory 4: 25-55. Osborne, M. J. and
Rubinstein, A. (1994). A Course in Game Theory, ch. 6 and 11. MIT Press.

Steps of :class:`GameTree` construction:

1. walk the nodes from the root, giving each its *path* (the move labels from
   the root, written ``"root"``, ``"in"``, ``"in/fight"``);
2. check players, move labels, payoffs (one per player) and probabilities
   (between 0 and 1, summing exactly to 1, symbolically when they are formulas);
3. group decision nodes into information sets and check that each set has
   one player and the same moves at every node, and does not contain a node
   and its descendant;
4. perfect recall is checked on request (:meth:`GameTree.check_perfect_recall`)
   by the algorithms that need it.

Every error is a :class:`~deterrence.errors.GameError` naming the node path.

>>> t = GameTree(decision("Entrant", {
...         "out": terminal([0, 2]),
...         "in": decision("Incumbent", {"fight": terminal([-1, -1]),
...                                      "accommodate": terminal([1, 1])})}),
...     players=["Entrant", "Incumbent"])
>>> print(t.to_text())
Entrant (root)
  out: (0, 2)
  in: Incumbent (in)
    fight: (-1, -1)
    accommodate: (1, 1)
"""
from __future__ import annotations

from fractions import Fraction
from typing import Mapping, Sequence

from deterrence.core.numbers import format_exact, is_symbolic, to_exact
from deterrence.errors import GameError, GameFileError, TooLargeError
from deterrence.core.validate import FILE_DOC, boundary_init, how_to_give_values, in_its_file, file_of, kept_file
from deterrence.core.frozen import frozen

#: the deepest tree the toolkit takes by default (the readers of ``.efg`` and TOML trees refuse
#: deeper files themselves, with the line). Raised by the option ``max_depth`` of
#: :class:`GameTree`, of the tree readers and of :func:`~deterrence.io.load_game` (on the
#: command line ``--limit max_depth=N``), up to :data:`DEEPEST_ALLOWED`.
MAX_DEPTH = 300


class NodeError(GameError):
    """A game tree refused at a node: ``path`` is the node's path (its move labels from the root),
    ``key`` what of it is wrong (``"probabilities"``, or None: the node itself). A file reader
    names the node's line from them (it matched ``node (\\S+)`` in the message, which cut a move
    label with a space, "go on", and named the [tree] header's line: an error review).

    >>> NodeError("node go on: probabilities sum to 5/6, not 1", ("go on",), "probabilities").path
    ('go on',)
    """

    def __init__(self, message, path, key=None):
        super().__init__(message)
        self.path, self.key = tuple(path), key


def _at_node(read, path, key=None):
    """``read`` whose GameError becomes a :class:`NodeError` at ``path`` (``key``).

    >>> _at_node(int, ("x",))("1")
    1
    """
    def at_node(*args):
        try:
            return read(*args)
        except NodeError:
            raise
        except GameError as exc:
            if isinstance(exc, GameFileError):       # an expression's own error: keep its kind
                raise
            raise NodeError(str(exc), path, key) from None
    return at_node


# -- nodes ---------------------------------------------------------------------
class Node:
    """Base class of tree nodes (immutable)."""

    __slots__ = ()
    #: the node's kind, as the tree's JSON and the solvers name it
    kind = "node"

    def __setattr__(self, name, value):
        raise AttributeError("tree nodes are immutable")

    def _set(self, **kw):
        for k, v in kw.items():
            object.__setattr__(self, k, v)

    def __reduce__(self):
        """Pickle and deepcopy rebuild a node from its slots (the default restores them with
        ``setattr``, which a node refuses: a GameTree could be neither pickled nor deep-copied)."""
        return _node_from_slots, (type(self), tuple((k, getattr(self, k)) for k in type(self).__slots__))


def _node_from_slots(cls, items):
    """A node of class ``cls`` with the slot values ``items`` (pickle's way back: no checks to redo).

    >>> import pickle
    >>> pickle.loads(pickle.dumps(Terminal([1, 2], "end"))).payoffs
    (1, 2)
    """
    node = object.__new__(cls)
    node._set(**dict(items))
    return node


@boundary_init
class Terminal(Node):
    """An end of play: ``payoffs`` (tuple, or mapping player -> payoff), ``label``."""

    __slots__ = ("payoffs", "label")
    #: the node's kind, as the tree's JSON and the solvers name it
    kind = "terminal"
    payoffs: tuple | dict       # a mapping player -> payoff until the tree reads it
    label: str

    def __init__(self, payoffs, label: str = ""):
        if isinstance(payoffs, Mapping):
            payoffs = dict(payoffs)
        elif isinstance(payoffs, (str, bytes)) or not hasattr(payoffs, "__iter__"):
            raise GameError(f"terminal payoffs must be a list (one per player) or a mapping, "
                            f"got {payoffs!r}")
        else:
            payoffs = tuple(payoffs)
        self._set(payoffs=payoffs, label=str(label or ""))

    @property
    def children(self):
        """An end of play has no children: an empty tuple."""
        return ()

    def __repr__(self):
        return f"terminal({self.payoffs!r})"


@boundary_init
class Decision(Node):
    """A move by ``player``: ``moves`` is a tuple of (label, child)."""

    __slots__ = ("player", "moves", "infoset", "label")
    #: the node's kind, as the tree's JSON and the solvers name it
    kind = "decision"
    player: str
    moves: tuple
    infoset: str | None
    label: str

    def __init__(self, player, moves, infoset=None, label: str = ""):
        moves = _move_items(moves, "decision", lambda items: _node_name(f"decision node of {player}", label, items))
        for lab, child in moves:
            if not isinstance(child, Node):
                raise GameError(f"move {lab!r} of {player}: the subtree must be a node "
                                f"(decision, chance or terminal), got {type(child).__name__}")
        self._set(player=str(player), moves=tuple(moves),
                  infoset=None if infoset is None else str(infoset), label=str(label or ""))

    @property
    def children(self):
        """The nodes the moves lead to, in the moves' order."""
        return tuple(c for _, c in self.moves)

    @property
    def labels(self):
        """The moves' names, in order."""
        return tuple(m for m, _ in self.moves)

    def __repr__(self):
        return f"decision({self.player!r}, {dict(self.moves)!r})"


@boundary_init
class Chance(Node):
    """A move by nature: ``moves`` is a tuple of (label, probability, child)."""

    __slots__ = ("moves", "label")
    #: the node's kind, as the tree's JSON and the solvers name it
    kind = "chance"
    moves: tuple
    label: str

    def __init__(self, moves, label: str = ""):
        items = _move_items(moves, "chance", lambda items: _node_name("chance node", label, items))
        out = []
        for lab, pair in items:
            if not (isinstance(pair, tuple) and len(pair) == 2 and isinstance(pair[1], Node)):
                raise GameError(f"chance move {lab!r}: give (probability, subtree), got {pair!r}")
            out.append((lab, pair[0], pair[1]))
        self._set(moves=tuple(out), label=str(label or ""))

    @property
    def children(self):
        """The nodes the moves lead to, in the moves' order."""
        return tuple(c for _, _, c in self.moves)

    @property
    def labels(self):
        """The moves' names, in order."""
        return tuple(m for m, _, _ in self.moves)

    @property
    def probabilities(self):
        """The moves' probabilities, in order."""
        return tuple(p for _, p, _ in self.moves)

    def __repr__(self):
        return f"chance({ {m: (p, c) for m, p, c in self.moves}!r})"


def _move_items(moves, what, node=None):
    """The (label, subtree) pairs of a node; ``node(items)`` names it in errors."""
    if isinstance(moves, Mapping):
        items = list(moves.items())
    else:
        items = [tuple(m) for m in moves]
        if any(len(m) != 2 for m in items):
            raise GameError(f"{what} moves must be a mapping label -> subtree or (label, subtree) pairs")
    if not items:
        raise GameError(f"a {what} node needs at least one move")
    seen = set()
    for lab, _ in items:
        if not isinstance(lab, str) or not lab.strip():
            raise GameError(f"move labels must be non-empty strings, got {lab!r}")
        if lab in seen:
            raise GameError(f"duplicate move label {lab!r}")
        if "/" in lab:
            # '/' separates the moves of a node path ("in/fight"): such a label
            # would make node lookup and the tree's TOML file ambiguous
            raise GameError(f"move label {lab!r} of the {node(items) if node else what + ' node'} contains '/', which "
                            "separates the moves of a node path (as in 'in/fight'): rename the move")
        seen.add(lab)
    return items


def _node_name(what, label, items) -> str:
    """How an error names a node before it has a path: its kind, label and moves."""
    labels = [m for m, _ in items]
    shown = f" {label!r}" if label else ""
    more = f", ... ({len(labels)} moves)" if len(labels) > 6 else ""
    return f"{what}{shown} (moves {', '.join(map(str, labels[:6]))}{more})"


def decision(player, moves, infoset=None, label: str = "") -> Decision:
    """A decision node of ``player`` with moves ``{"label": subtree}``.

    Nodes of one player with the same ``infoset`` name form an information set.

    >>> decision("US", {"hold": terminal([0, 0]), "strike": terminal([1, -1])}).labels
    ('hold', 'strike')
    """
    return Decision(player, moves, infoset, label)


def chance(moves, label: str = "") -> Chance:
    """A chance node with moves ``{"label": (probability, subtree)}``.

    >>> chance({"hard": ("1/3", terminal([1])), "soft": ("2/3", terminal([0]))}).labels
    ('hard', 'soft')
    """
    return Chance(moves, label)


def terminal(payoffs, label: str = "") -> Terminal:
    """A terminal node: one payoff per player (list in player order, or mapping).

    >>> terminal({"US": 1, "Iran": "-c"}).payoffs
    {'US': 1, 'Iran': '-c'}
    """
    return Terminal(payoffs, label)


#: the largest ``max_depth`` accepted. The tree algorithms walk the tree with explicit stacks
#: (no recursion), but every node keeps its path from the root, so memory and work grow about
#: as the square of the depth: a chain of 10,000 levels (20,001 nodes) holds about 10^8 path
#: entries (about 1.8 GB measured, solved in under a minute)
DEEPEST_ALLOWED = 10_000
#: the depth up to which the few algorithms that still recurse (tree figures, assessments'
#: continuation values, ``symbolic_regimes``, ``war_probability``, the JSON text of a tree)
#: run: Python's default recursion limit (1,000 frames) leaves room for about three frames a
#: level; deeper trees are refused by :func:`require_recursion_room` before they start
RECURSIVE_DEPTH = MAX_DEPTH


def check_depth_limit(max_depth) -> int:
    """The depth limit that ``max_depth`` asks for: :data:`MAX_DEPTH` when ``None``.

    >>> check_depth_limit(None), check_depth_limit(1000)
    (300, 1000)
    >>> check_depth_limit(10**9)
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: max_depth=1000000000 is over 10,000 levels, the deepest tree the toolkit
    takes (every node keeps its path, so memory grows as the square of the depth)
    """
    if max_depth is None:
        return MAX_DEPTH
    if isinstance(max_depth, bool) or not hasattr(max_depth, "__index__") or max_depth < 1:
        raise GameError(f"max_depth must be a whole number of levels >= 1, got {max_depth!r}")
    if max_depth > DEEPEST_ALLOWED:
        raise TooLargeError(f"max_depth={max_depth} is over {DEEPEST_ALLOWED:,} levels, the deepest tree "
                            "the toolkit takes (every node keeps its path, so memory grows as the square "
                            "of the depth)")
    return int(max_depth.__index__())


def _check_depth(root, max_depth=None) -> int:
    """The depth of the tree at ``root``, walked without recursion; a tree deeper than the
    limit (:data:`MAX_DEPTH` or ``max_depth``) is refused."""
    limit = check_depth_limit(max_depth)
    deepest, stack = 0, [(root, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > limit:
            raise TooLargeError(f"the tree is deeper than {limit} levels, the limit of the toolkit's "
                                "tree algorithms (every node keeps its path, so the work grows about "
                                "as the square of the depth); pass max_depth=N (or larger) to try anyway")
        stack.extend((child, depth + 1) for child in getattr(node, "children", ()) or ()
                     if isinstance(child, Node))
    return deepest


def require_recursion_room(tree, what: str) -> None:
    """Refuse, before it starts, an algorithm that follows the tree's paths recursively on a
    tree deeper than :data:`RECURSIVE_DEPTH` levels (Python's stack would run out).

    >>> require_recursion_room(GameTree(terminal([1]), players=["A"]), "a figure")
    """
    if tree.depth > RECURSIVE_DEPTH:
        raise TooLargeError(f"{what} follows the tree recursively and takes trees of at most "
                            f"{RECURSIVE_DEPTH} levels; this one has {tree.depth}")


def preorder(root, path=()):
    """Pairs (path, node) of the subtree at ``root`` in preorder (moves in order), without
    recursion; ``path`` is the root's own path.

    >>> [p for p, _ in preorder(decision("A", {"x": terminal([1]), "y": decision("B", {"z": terminal([0])})}))]
    [(), ('x',), ('y',), ('y', 'z')]
    """
    stack = [(tuple(path), root)]
    while stack:
        at, node = stack.pop()
        yield at, node
        labels = getattr(node, "labels", ())
        stack.extend((at + (m,), c) for m, c in zip(reversed(labels), reversed(node.children)))


def fold_tree(root, leaf, combine, *, enter=None, branches=None, path=()):
    """Fold the subtree at ``root`` from the leaves up, without recursion.

    ``leaf(node, path)`` gives the value of a terminal node; ``combine(node, path, below,
    values)`` the value of another node from ``below`` (the ``(label, child)`` pairs
    descended into, by default every move: ``branches(node, path)`` may choose fewer) and
    their ``values``, in order. ``enter(node, path)``, when given, is called when a node
    other than a terminal is first reached (to check it before its subtree). Children are
    visited in move order, so the calls come in the order of the recursive definition.

    >>> t = decision("A", {"x": terminal([1]), "y": chance({"h": ("1/2", terminal([4])), "t": ("1/2", terminal([0]))})})
    >>> fold_tree(t, lambda n, p: 1, lambda n, p, below, values: sum(values))   # count the leaves
    3
    """
    branches = branches or _moves
    values, stack = [], [(root, tuple(path), None)]
    while stack:
        node, at, below = stack.pop()
        if below is not None:                  # second visit: the children's values are on top
            k = len(below)
            mine = values[len(values) - k:] if k else []
            if k:
                del values[len(values) - k:]
            values.append(combine(node, at, below, mine))
        elif isinstance(node, Terminal):
            values.append(leaf(node, at))
        else:
            if enter is not None:
                enter(node, at)
            below = list(branches(node, at))
            stack.append((node, at, below))
            stack.extend((c, at + (m,), None) for m, c in reversed(below))
    return values[0]


def _moves(node, path):
    return zip(node.labels, node.children)


def path_name(path) -> str:
    """The display name of a node path: ``"root"`` or ``"in/fight"``.

    >>> path_name(()), path_name(("in", "fight"))
    ('root', 'in/fight')
    """
    return "/".join(path) if path else "root"


class Infoset:
    """An information set: ``player``, ``name``, ``actions``, ``paths`` of its nodes."""

    __slots__ = ("player", "name", "actions", "paths")

    def __init__(self, player, name, actions, paths):
        self.player, self.name, self.actions, self.paths = player, name, tuple(actions), tuple(paths)

    @property
    def key(self):
        """``(player, name)``: the information set's key."""
        return (self.player, self.name)

    def __repr__(self):
        return f"Infoset({self.player!r}, {self.name!r}, {self.actions!r}, {len(self.paths)} node(s))"


# -- the tree ------------------------------------------------------------------
@boundary_init
class GameTree:
    """An immutable game tree with named players and declared parameters.

    ``parameters`` maps names to default values (``None``: no default).
    String payoffs and probabilities are read with
    :func:`deterrence.core.symbolic.parse_expression` over those names.
    A tree deeper than :data:`MAX_DEPTH` levels is refused (``TooLargeError``) unless
    ``max_depth`` allows it; trees made from this one keep its ``max_depth``.

    >>> t = GameTree(chance({"hard": ("p", terminal([1, 2])), "soft": ("1 - p", terminal([0, 1]))}),
    ...              players=["C", "D"], parameters={"p": "1/3"})
    >>> t.is_symbolic, t.with_defaults().node("soft").payoffs
    (True, (0, 1))
    """

    #: the method :func:`deterrence.solvers.solve` uses for a tree when none is named
    default_method = "subgame_perfect"

    def __init__(self, root: Node, players: Sequence[str], *, parameters: Mapping | None = None,
                 title: str = "", description: str = "", sources: Sequence[str] = (),
                 claims: Mapping | None = None, extra: Mapping | None = None, max_depth=None):
        if not isinstance(root, Node):
            raise GameError(f"the root must be a node (decision, chance or terminal), got {type(root).__name__}")
        players = tuple(str(p) for p in players)
        if not players:
            raise GameError("a game tree needs at least one player")
        if len(set(players)) != len(players):
            raise GameError(f"duplicate player name in {players}")
        if any(not p.strip() for p in players):
            raise GameError("empty player name")
        self._players = players
        self._declared = None if parameters is None else {
            k: (None if v is None else to_exact(v, f"value of parameter {k}")) for k, v in parameters.items()}
        self._params = dict(self._declared or {})
        self._title, self._description = title or "", description or ""
        self._sources, self._claims, self._extra = tuple(sources), frozen(dict(claims or {})), frozen(dict(extra or {}))
        self._symbolic = False
        self._depth = _check_depth(root, max_depth)
        self._max_depth = max_depth
        self._file = None         # the file it was read from: core.validate.with_file
        self._root = self._convert(root, ())
        self._index()

    # -- construction ---------------------------------------------------------
    def _value(self, value, what):
        from deterrence.core.symbolic import game_value
        value = game_value(value, what, self._params, self._declared is not None)
        if is_symbolic(value):
            self._symbolic = True
        return value

    def _convert(self, root, path):
        """The tree at ``root`` with values read and checked (one pass from the leaves up,
        without recursion; a chance node's probabilities are checked before its subtrees)."""
        probabilities = {}

        def enter(node, at):
            where = path_name(at)
            if isinstance(node, Decision):
                if node.player not in self._players:
                    raise NodeError(f"node {where}: unknown player {node.player!r}; players are "
                                    f"{', '.join(self._players)}", at)
            elif isinstance(node, Chance):
                probs = []
                for m, p, _ in node.moves:
                    q = _at_node(self._value, at, "probabilities")(p, f"node {where}: probability of {m!r}")
                    if not is_symbolic(q) and not 0 <= q <= 1:
                        raise NodeError(f"node {where}: probability of {m!r} is {format_exact(q)}, "
                                        "not between 0 and 1", at, "probabilities")
                    probs.append(q)
                probabilities[at] = probs
            else:
                raise NodeError(f"node {where}: not a tree node: {node!r}", at)

        def combine(node, at, below, children):
            if isinstance(node, Decision):
                return Decision(node.player, list(zip(node.labels, children)), node.infoset, node.label)
            where = path_name(at)
            probs = probabilities.pop(at)
            total = sum(probs[1:], probs[0])
            if any(is_symbolic(q) for q in probs):
                import sympy
                if sympy.simplify(total - 1) != 0:
                    raise NodeError(f"node {where}: probabilities sum to {total}, not 1", at, "probabilities")
            elif total != 1:
                raise NodeError(f"node {where}: probabilities sum to {format_exact(total)}, not 1", at,
                                "probabilities")
            return Chance([(m, (q, c)) for m, q, c in zip(node.labels, probs, children)], node.label)

        return fold_tree(root, self._terminal, combine, enter=enter, path=path)

    def _terminal(self, node, path):
        where = path_name(path)
        pay = node.payoffs
        if isinstance(pay, dict):
            unknown = set(pay) - set(self._players)
            if unknown:
                names = ", ".join(map(str, sorted(unknown)))
                raise NodeError(f"node {where}: payoff for unknown player(s) {names}", path)
            missing = [p for p in self._players if p not in pay]
            if missing:
                raise NodeError(f"node {where}: no payoff for {', '.join(missing)}", path)
            pay = tuple(pay[p] for p in self._players)
        if len(pay) != len(self._players):
            raise NodeError(f"node {where}: {len(pay)} payoffs given, the game has "
                            f"{len(self._players)} players ({', '.join(self._players)})", path)
        value = _at_node(self._value, path)
        vals = tuple(value(v, f"node {where}: payoff of {p}") for p, v in zip(self._players, pay))
        return Terminal(vals, node.label)

    def _index(self):
        nodes, order = {}, []
        members = {}

        for path, node in preorder(self._root):
            if path in nodes:
                raise GameError(f"node {path_name(path)} appears twice")
            nodes[path] = node
            order.append(path)
            if isinstance(node, Decision):
                key = (node.player, node.infoset if node.infoset is not None else path_name(path))
                members.setdefault(key, []).append(path)
        infosets = {}
        for key, paths in members.items():
            first = nodes[paths[0]]
            # at the later node, by its path (the file reader matched ``node (\S+)`` in the message,
            # which an information set "node a" or a move "go on" defeated: an error review)
            for p in paths[1:]:
                if nodes[p].labels != first.labels:
                    raise NodeError(
                        f"information set {key[1]!r} of {key[0]}: node {path_name(p)} has moves "
                        f"{', '.join(nodes[p].labels)} but node {path_name(paths[0])} has "
                        f"{', '.join(first.labels)}: moves must be the same within an information set",
                        p, "moves")
            for a in paths:
                for b in paths:
                    if a != b and b[:len(a)] == a:
                        raise NodeError(f"information set {key[1]!r} of {key[0]}: node {path_name(b)} "
                                        f"follows node {path_name(a)} of the same set (absent-mindedness)",
                                        b, "infoset" if nodes[b].infoset is not None else None)
            infosets[key] = Infoset(key[0], key[1], first.labels, paths)
        self._nodes, self._order, self._infosets = nodes, tuple(order), infosets
        self._node_infoset = {p: k for k, s in infosets.items() for p in s.paths}
        self._decision_nodes = tuple((p, self._node_infoset[p]) for p in self._order if p in self._node_infoset)

    # -- properties -------------------------------------------------------------
    players = property(lambda self: self._players, doc="Player names, in order.")
    file = property(file_of, doc=FILE_DOC)
    root = property(lambda self: self._root, doc='The root node.')
    title = property(lambda self: self._title, doc="The tree's title.")
    description = property(lambda self: self._description, doc="The tree's description, in words.")
    sources = property(lambda self: self._sources, doc="The tree's sources (references).")
    claims = property(lambda self: dict(self._claims),
                      doc="The game file's claims about the tree (name -> claim), a copy.")
    extra = property(lambda self: dict(self._extra), doc="The game file's other tables, kept as read (a copy).")
    kind = property(lambda self: "symbolic" if self._symbolic else "exact",
                    doc='``"symbolic"`` or ``"exact"`` (see :attr:`is_symbolic`).')
    is_symbolic = property(lambda self: self._symbolic,
                           doc='Whether a payoff or a probability is a formula of the parameters.')
    depth = property(lambda self: self._depth, doc="The number of moves on the longest path from the root.")

    @property
    def parameters(self) -> dict:
        """Declared parameters and their default values (``None``: no default)."""
        return dict(self._params)

    def player_index(self, player) -> int:
        """Index of a player by name or index.

        >>> GameTree(terminal([1, 2]), players=["A", "B"]).player_index("B")
        1
        """
        if isinstance(player, int) and 0 <= player < len(self._players):
            return player
        if player in self._players:
            return self._players.index(player)
        raise GameError(f"unknown player {player!r}; players are {', '.join(self._players)}")

    def paths(self) -> tuple:
        """Every node path, in preorder (root first).

        >>> GameTree(decision("A", {"x": terminal([1])}), players=["A"]).paths()
        ((), ('x',))
        """
        return self._order

    def node(self, path):
        """The node at a path (tuple of move labels, or ``"in/fight"``; ``"root"``).

        >>> GameTree(decision("A", {"x": terminal([1])}), players=["A"]).node("x").payoffs
        (1,)
        """
        if isinstance(path, str):
            path = () if path in ("", "root") else tuple(path.split("/"))
        try:
            return self._nodes[tuple(path)]
        except KeyError:
            raise GameError(f"no node at path {path_name(tuple(path))}") from None

    def nodes(self):
        """Pairs (path, node) in preorder.

        >>> [p for p, n in GameTree(decision("A", {"x": terminal([1])}), players=["A"]).nodes()]
        [(), ('x',)]
        """
        return [(p, self._nodes[p]) for p in self._order]

    def decision_nodes(self) -> tuple:
        """``(path, information set key)`` of every decision node, in preorder (made with the
        tree's index: a solver that lists 10^5 equilibria names a move at each node).

        >>> GameTree(decision("A", {"x": terminal([1])}, infoset="h"), players=["A"]).decision_nodes()
        (((), ('A', 'h')),)
        """
        return self._decision_nodes

    @property
    def infosets(self) -> dict:
        """Information sets keyed by (player, name); singletons are named by node path."""
        return dict(self._infosets)

    def infosets_of(self, player) -> list:
        """The information sets of one player, in order of first appearance.

        >>> [s.name for s in GameTree(decision("A", {"x": terminal([1])}), players=["A"]).infosets_of("A")]
        ['root']
        """
        name = self._players[self.player_index(player)]
        return [s for s in self._infosets.values() if s.player == name]

    def infoset_of(self, path) -> Infoset:
        """The information set a decision node belongs to.

        >>> GameTree(decision("A", {"x": terminal([1])}, infoset="h"), players=["A"]).infoset_of(()).name
        'h'
        """
        return self._infosets[self._node_infoset[tuple(path)]]

    def reach_probabilities(self, behaviour) -> dict:
        """``path -> probability`` that play reaches each node: chance moves by its own
        probabilities, the players by ``behaviour`` (``{information set key: {move: probability}}``,
        a move left out has probability 0). Exact numbers give exact answers. The one walk that
        drawings, Bayes' rule and the pure-profile PBE search read.

        >>> t = GameTree(chance({"h": ("1/4", decision("A", {"x": terminal([1]), "y": terminal([0])}, infoset="s")),
        ...                      "t": ("3/4", decision("A", {"x": terminal([0]), "y": terminal([1])}, infoset="s"))}),
        ...              players=["A"])
        >>> r = t.reach_probabilities({("A", "s"): {"x": 1}})
        >>> r[("h", "x")], r[("t", "y")]
        (Fraction(1, 4), Fraction(0, 1))
        """
        reach = {(): Fraction(1)}
        for path, node in self.nodes():
            here = reach[path]
            if isinstance(node, Chance):
                for move, p, _ in node.moves:
                    reach[path + (move,)] = here * p
            elif isinstance(node, Decision):
                s = self.infoset_of(path)
                dist = behaviour.get(s.key)
                if dist is None:
                    raise GameError(f"no behaviour given at information set {s.name!r} of {s.player}")
                for move in node.labels:
                    reach[path + (move,)] = here * dist.get(move, 0)
        return reach

    @property
    def is_perfect_information(self) -> bool:
        """Whether every information set holds one node."""
        return all(len(s.paths) == 1 for s in self._infosets.values())

    def own_history(self, path, player):
        """The sequence of (infoset name, action) of ``player`` on the way to ``path``.

        >>> GameTree(decision("A", {"x": terminal([1])}), players=["A"]).own_history(("x",), "A")
        (('root', 'x'),)
        """
        out = []
        for k in range(len(path)):
            node = self._nodes[path[:k]]
            if isinstance(node, Decision) and node.player == player:
                out.append((self._node_infoset[path[:k]][1], path[k]))
        return tuple(out)

    def has_perfect_recall(self) -> bool:
        """True when every player remembers their own past moves and information.

        >>> GameTree(decision("A", {"x": terminal([1])}), players=["A"]).has_perfect_recall()
        True
        """
        try:
            self.check_perfect_recall()
        except GameError:
            return False
        return True

    def check_perfect_recall(self, what: str = "this algorithm"):
        """Raise GameError naming the node where a player forgets (imperfect recall).

        >>> t = GameTree(decision("A", {"l": decision("A", {"x": terminal([1]), "y": terminal([0])}, "h"),
        ...                             "r": decision("A", {"x": terminal([0]), "y": terminal([1])}, "h")}),
        ...              players=["A"])
        >>> t.check_perfect_recall("backward induction")
        Traceback (most recent call last):
        ...
        deterrence.errors.GameError: backward induction needs perfect recall: at node r, A has forgotten what was
        known at node l (information set 'h')
        """
        for s in self._infosets.values():
            first = self.own_history(s.paths[0], s.player)
            for p in s.paths[1:]:
                if self.own_history(p, s.player) != first:
                    raise GameError(f"{what} needs perfect recall: at node {path_name(p)}, {s.player} "
                                    f"has forgotten what was known at node {path_name(s.paths[0])} "
                                    f"(information set {s.name!r})")

    # -- parameters ---------------------------------------------------------------
    def _map(self, fn):
        """The tree with ``fn(value, where)`` for each payoff and probability; ``where`` is
        ``(node path, "payoff", player index)`` or ``(node path, "probability", move)``."""
        def combine(node, path, below, children):
            if isinstance(node, Decision):
                return Decision(node.player, list(zip(node.labels, children)), node.infoset, node.label)
            return Chance([(m, (fn(p, (path, "probability", m)), c)) for (m, p, _), c in zip(node.moves, children)],
                          node.label)
        return fold_tree(self._root, lambda node, path: Terminal(tuple(fn(v, (path, "payoff", i))
                                                                       for i, v in enumerate(node.payoffs)),
                                                                 node.label),
                         combine)

    def _replace(self, root=None, **changes):
        fields = dict(players=self._players, parameters=self._params, title=self._title,
                      description=self._description, sources=self._sources,
                      claims=self._claims, extra=self._extra, max_depth=self._max_depth)
        fields.update(changes)
        return GameTree(self._root if root is None else root, fields.pop("players"), **fields)

    @in_its_file
    def subs(self, values: Mapping | None = None, **kw) -> "GameTree":
        """Substitute parameter values (others take their defaults): an exact tree.

        >>> t = GameTree(terminal(["-c"]), players=["A"], parameters={"c": 2})
        >>> t.subs(c=5).root.payoffs
        (-5,)
        """
        from deterrence.core.symbolic import parameter_substitution
        full, mapping = parameter_substitution(self._params, dict(values or {}, **kw), self._symbolic)
        if not self._symbolic:
            return self._replace(parameters=full)
        from deterrence.errors import ParameterValuesError
        shown = ", ".join(f"{k} = {format_exact(to_exact(v))}" for k, v in full.items())

        def places(where):
            path, kind, key = where
            node = ("tree",) + tuple(x for m in path for x in ("moves", m))
            if kind == "payoff":
                return [node + ("payoffs", key), node + (key,), node + ("payoffs",), node]
            return [node + ("probabilities", key), node + ("probabilities",), node]

        def fill(v, where):
            if not is_symbolic(v):
                return v
            out = v.xreplace(mapping)
            if not getattr(out, "is_Rational", True):
                from deterrence.core.symbolic import real_formula_problem
                problem = real_formula_problem(out)
                if problem:       # 1/(a - 2) at a = 2 was "payoff zoo is symbolic: give values" (a review)
                    path, kind, key = where
                    # named by its player, as the file readers name a payoff (not counted: an error review)
                    what = (f"the payoff of {self._players[key]}" if kind == "payoff" and
                            key < len(self._players) else f"{kind} of {key!r}" if kind == "probability"
                            else f"payoff {key + 1}")
                    raise ParameterValuesError(f"node {path_name(path)}: {what} is {v}, which {problem} "
                                               f"(at {shown})", places(where))
            q = to_exact(out)
            if where[1] == "probability" and not 0 <= q <= 1:
                outside.append((where, q))
            return q

        outside = []      # probabilities out of [0, 1]: the one nearest the root is reported
        try:
            mapped = self._map(fill)
            if outside:
                # (named no parameter: an error review; nor its file: a fuzzing review)
                where, q = min(outside, key=lambda found: len(found[0][0]))
                raise ParameterValuesError(f"node {path_name(where[0])}: probability of {where[2]!r} is "
                                           f"{format_exact(q)}, not between 0 and 1 (at {shown})", places(where))
            return self._replace(root=mapped, parameters=full)
        except ParameterValuesError:
            raise
        except GameError as exc:
            raise ParameterValuesError(f"{exc} (at {shown})") from None

    def with_parameters(self, values: Mapping | None = None, **kw) -> "GameTree":
        """The same tree with new default values for some parameters.

        >>> GameTree(terminal(["-c"]), players=["A"], parameters={"c": 2}).with_parameters(c=3).parameters
        {'c': 3}
        """
        values = dict(values or {}, **kw)
        unknown = set(values) - set(self._params)
        if unknown:
            raise GameError(f"unknown parameter(s) {', '.join(sorted(unknown))}")
        return kept_file(self._replace(parameters={**self._params, **values}), self)

    def with_defaults(self) -> "GameTree":
        """The exact tree at the parameters' default values.

        >>> GameTree(terminal(["-c"]), players=["A"], parameters={"c": 2}).with_defaults().root.payoffs
        (-2,)
        """
        return self.subs()

    def require_numeric(self, what):
        """Raise :class:`GameError` if the tree still has symbolic payoffs; *what* names the caller."""
        if self._symbolic:
            names = sorted(self._params)
            raise GameError(f"{what} needs numeric payoffs; give values to {', '.join(names)} "
                            f"({how_to_give_values(names, self._params)})")

    # -- comparison -------------------------------------------------------------
    def _canonical(self):
        """The tree as a flat tuple (nodes in preorder, each with its moves, so the shape is
        determined): flat, so that comparing and hashing deep trees needs no deep recursion."""
        names, out = {}, []
        for path in self._order:
            node = self._nodes[path]
            if isinstance(node, Terminal):
                out.append(("t", node.payoffs))
            elif isinstance(node, Decision):
                key = self._node_infoset[path]
                own = names.setdefault(node.player, {})
                idx = own.setdefault(key, len(own))
                out.append(("d", node.player, idx, node.labels))
            else:
                out.append(("c", tuple((m, p) for m, p, _ in node.moves)))
        return (self._players, tuple(out))

    def __eq__(self, other):
        """Same players, nodes, information sets and parameter values (defaults included).

        >>> t = GameTree(terminal(["-c"]), players=["A"], parameters={"c": 2})
        >>> t == t.with_parameters(c=2), t == t.with_parameters(c=3)
        (True, False)
        """
        if not isinstance(other, GameTree):
            return NotImplemented
        return self._params == other._params and self._canonical() == other._canonical()

    def __hash__(self):
        return hash((tuple(sorted(self._params.items())), self._canonical()))

    # -- display ------------------------------------------------------------------
    def __repr__(self):
        title = f"{self._title!r}, " if self._title else ""
        return (f"GameTree({title}{', '.join(self._players)}; {len(self._order)} nodes, "
                f"{len(self._infosets)} information sets; {self.kind})")

    def __str__(self):
        return self.to_text()

    def _describe(self, path, node):
        if isinstance(node, Terminal):
            pay = "(" + ", ".join(str(v) for v in node.payoffs) + ")"
            return pay + (f" [{node.label}]" if node.label else "")
        if isinstance(node, Decision):
            s = self._infosets[self._node_infoset[path]]
            extra = f", information set {s.name!r}" if len(s.paths) > 1 else ""
            return f"{node.player} ({path_name(path)}{extra})"
        return f"chance ({path_name(path)})"

    def to_text(self) -> str:
        """An indented outline: one line per node, moves before their subtrees.

        >>> print(GameTree(chance({"a": ("1/2", terminal([1])), "b": ("1/2", terminal([0]))}),
        ...                players=["A"]).to_text())
        chance (root)
          a [1/2]: (1)
          b [1/2]: (0)
        """
        return "\n".join(([self._title] if self._title else []) + self._outline())

    def _outline(self) -> list:
        """The outline's lines, one per node (the text without its title)."""
        lines: list = []
        # preorder without recursion: a move's line, then its subtree
        stack = [((), self._root, "")]
        while stack:
            path, node, head = stack.pop()
            lines.append(head + self._describe(path, node))
            if isinstance(node, Decision):
                heads = [f"{m}: " for m in node.labels]
            elif isinstance(node, Chance):
                heads = [f"{m} [{q}]: " for m, q, _ in node.moves]
            else:
                continue
            indent = "  " * (len(path) + 1)
            stack.extend((path + (m,), c, indent + h)
                         for m, h, c in zip(reversed(node.labels), reversed(heads), reversed(node.children)))
        return lines

    def _repr_html_(self) -> str:
        """The title in bold over the outline (the outline repeated the title: a review).

        >>> from deterrence import load_game
        >>> load_game("entry_deterrence")._repr_html_().count("Entry deterrence")
        1
        """
        import html
        cap = f"<b>{html.escape(self._title)}</b>" if self._title else ""
        return f"<div class='deterrence-tree'>{cap}<pre>{html.escape(chr(10).join(self._outline()))}</pre></div>"


def subgame_roots(tree: GameTree) -> list:
    """Paths of the non-terminal nodes that start a subgame, in preorder.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> subgame_roots(entry_deterrence())
    [(), ('in',)]
    """
    spans = []
    for s in tree.infosets.values():
        lcp = s.paths[0]
        for p in s.paths[1:]:
            k = 0
            while k < min(len(lcp), len(p)) and lcp[k] == p[k]:
                k += 1
            lcp = lcp[:k]
        if len(s.paths) > 1:
            spans.append((lcp, s.paths))
    roots = []
    for path, node in tree.nodes():
        if isinstance(node, Terminal):
            continue
        ok = True
        for lcp, paths in spans:
            if len(lcp) < len(path) and any(p[:len(path)] == path for p in paths):
                ok = False
                break
        if ok:
            roots.append(path)
    return roots


__all__ = ["GameTree", "Node", "Decision", "Chance", "Terminal", "Infoset",
           "decision", "chance", "terminal", "path_name", "preorder", "fold_tree", "subgame_roots"]
