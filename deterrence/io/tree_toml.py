'''Game trees in TOML: the ``[tree]`` game file, read and written.

A tree file has the same head as a normal-form file (``title``,
``description``, ``sources``, ``players``, ``[parameters]``, ``[claims]``;
see ARCHITECTURE.md) and, instead of ``[actions]`` and ``[payoffs]``, a
``[tree]`` table: the root node. Every node is a table of one of three kinds:

* **decision**: ``player = "US"``, ``moves = { label = node, ... }`` (moves
  in the order written), optional ``infoset = "name"``: decision nodes of one
  player with the same ``infoset`` form an information set (the player does
  not know which was reached: simultaneous moves, hidden types);
* **chance**: ``probabilities = { hard = "p", soft = "1 - p" }`` and
  ``moves`` with the same labels;
* **terminal**: ``payoffs = [1, "-c"]`` (one per player, in order) or
  ``payoffs = { US = 1, Iran = "-c" }``; optional ``outcome = "war"``.
  A move whose value is an array is a terminal with those payoffs:
  ``moves.out = [0, "m"]``.

Any node may carry ``label = "..."`` (a note shown in outlines). Payoffs and
probabilities are numbers, exact strings (``"1/3"``) or formulas over the
declared parameters, read only by
:func:`deterrence.core.symbolic.parse_expression` (never ``eval``)::

    title = "Entry deterrence"
    players = ["Entrant", "Incumbent"]

    [parameters]
    f = { value = 1, about = "loss in a fight" }

    [tree]
    player = "Entrant"
    moves.out = [0, 2]

    [tree.moves.in]
    player = "Incumbent"
    moves.fight = ["-f", "-f"]
    moves.accommodate = [1, 1]

Nested tables (``[tree.moves.in]``) and inline tables
(``moves.in = { player = "Incumbent", moves = { ... } }``) may be mixed.

Sources: TOML v1.0.0 (https://toml.io); the node kinds follow Kuhn (1953)
and Gambit's .efg format.

Steps of :func:`read_tree_toml`: parse with ``tomllib``; find the line of every
key (:func:`deterrence.io.toml_reader.key_lines`); read the head with the
reader every game file shares (:class:`deterrence.io.toml_reader.TomlReader`); walk the ``[tree]`` table building
nodes and
checking keys; build the :class:`~deterrence.core.tree.GameTree`, turning its
validation errors (which name a node path) into errors naming file and line.
'''
from __future__ import annotations

from pathlib import Path

from deterrence.core.numbers import is_symbolic
from deterrence.core.tree import (Chance, Decision, GameTree, NodeError, Terminal, check_depth_limit, fold_tree,
                                  path_name)
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import (_type_name, a_table, check_label, is_json_file, decode_text, format_formula,
                                   parse_toml_text, payoff_value, read_file_bytes)
from deterrence.io.toml_reader import TomlReader, header_lines, toml_key, toml_number, toml_string, toml_value

NODE_KEYS = ("player", "moves", "infoset", "probabilities", "payoffs", "outcome", "label")
#: the deepest TOML tree read by default (each level costs the reader more frames than the
#: tree algorithms); ``max_depth`` raises it
TOML_MAX_DEPTH = 200
HEAD_KEYS = ("title", "description", "sources", "players", "parameters", "tree", "claims")


def read_tree_toml(path_or_text, file=None, *, max_depth=None) -> GameTree:
    """Read a tree game file (a path, or the text of the file); ``max_depth`` raises the
    depth limit (:data:`deterrence.core.tree.MAX_DEPTH`).

    >>> t = read_tree_toml(\'\'\'
    ... players = ["Entrant", "Incumbent"]
    ... [tree]
    ... player = "Entrant"
    ... moves.out = [0, 2]
    ... [tree.moves.in]
    ... player = "Incumbent"
    ... moves.fight = [-1, -1]
    ... moves.accommodate = [1, 1]
    ... \'\'\')
    >>> t.node("in/fight").payoffs
    (-1, -1)
    >>> read_tree_toml(\'players = ["A"]\\n[tree]\\nplayer = "B"\\nmoves.x = [1]\\n\', file="g.toml")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.toml:3: tree.player: unknown player 'B'; players are A
    """
    if isinstance(path_or_text, Path) or (isinstance(path_or_text, str) and "\n" not in path_or_text
                                          and (path_or_text.endswith(".toml") or _is_file(path_or_text))):
        raw, name = read_file_bytes(path_or_text)
        file = file or name
        text = decode_text(raw, file)
    elif isinstance(path_or_text, (bytes, bytearray)):
        file = file or "<string>"
        text = decode_text(bytes(path_or_text), file)
    else:
        file = file or "<string>"
        text = path_or_text
    if text.startswith("\ufeff"):
        text = text[1:]
    data = parse_toml_text(text, file)
    return _TreeReader(text, data, file, max_depth).tree()


def tree_from_data(data: dict, file: str = "<data>", *, lines=None) -> GameTree:
    """A game tree from the parsed data of a tree file (as TOML or JSON gives it), with every check;
    ``lines`` maps key paths to the lines of the file (:func:`deterrence.io.json_format.json_key_lines`).

    >>> tree_from_data({"players": ["A"], "tree": {"player": "A", "moves": {"x": [1], "y": [0]}}}).node("x").payoffs
    (1,)
    """
    if not isinstance(data, dict):
        raise GameFileError(f"a tree file is {a_table(file)} of keys, not {_type_name(data, file)}", file=file)
    return _TreeReader("", data, file, lines=lines).tree()


def _is_file(text: str) -> bool:
    """Whether a one-line string names an existing file (a long or odd string does not)."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # name too long, NUL byte, ...
        return False


class _TreeReader:
    def __init__(self, text, data, file, max_depth=None, lines=None):
        self.max_depth = TOML_MAX_DEPTH if max_depth is None else check_depth_limit(max_depth)
        self.asked_depth = max_depth
        self.base = TomlReader(text, data, file, lines=lines)
        self.data, self.file = data, file
        self.node_keys = {}

    def fail(self, message, *path):
        self.base.fail(message, *path)

    def tree(self):
        b = self.base
        extra = b.extra_sections(HEAD_KEYS, {key: f"a tree file has no [{key}] table: the moves and payoffs "
                                                  "are in [tree]" for key in ("actions", "payoffs")})
        title = b.get("title", str, "", default="")
        description = b.get("description", str, "", default="")
        sources = b.strings(b.get("sources", list, "", default=[]), "sources", what="source")
        players = b.players()
        params, notes = b.parameters()
        if notes:
            extra["parameter_notes"] = notes
        claims = b.get("claims", dict, "", default={})
        root_table = b.get("tree", dict, "the tree object is the root node" if is_json_file(self.file)
                           else "the [tree] table is the root node")
        self.players, self.params = players, list(params)
        root = self.nodes(root_table)
        try:
            return GameTree(root, players, parameters=params, title=title, description=description,
                            sources=sources, claims=claims, extra=extra, max_depth=self.asked_depth)
        except GameError as exc:
            # a node's error carries its path (NodeError): its own line, never one found from the
            # message (an information set "US: after strike" named the [tree] header: an error review)
            keys = ("tree",)
            if isinstance(exc, NodeError):
                keys = self.node_keys.get(path_name(exc.path), keys) + ((exc.key,) if exc.key else ())
            raise GameFileError(str(exc), **{**b.where(*keys), "field": None}) from None

    def _payoff(self, v, at, i):
        """Payoff ``i`` of an array, as the normal-form reader names it: its player in the field,
        at its element's own line."""
        return payoff_value(v, self.params, what="payoff", **self.base.payoff_where(at, i, self.players))

    def value(self, v, *keys):
        what = "probability" if "probabilities" in keys else "payoff"
        return payoff_value(v, self.params, what=what, **self.base.where(*keys))

    def nodes(self, root_table):
        """The tree under ``[tree]``, read with an explicit stack (no recursion): each table
        is checked before its moves are read, and its node is made after them."""
        made = {}     # path -> the terminal, or the checked (kind, detail, label) of the node

        def keys_of(path):
            return ("tree",) + tuple(k for m in path for k in ("moves", m))

        def branches(table, path):
            made[path] = checked = self.node(table, keys_of(path), path, len(path))
            if isinstance(checked, Terminal):
                return []
            return list(checked[3].items())

        def combine(table, path, below, children):
            checked = made.pop(path)
            if isinstance(checked, Terminal):
                return checked
            kind, detail, label, _ = checked
            pairs = [m for m, _ in below]
            if kind == "chance":
                keys = keys_of(path)
                return Chance([(m, (self.value(detail[m], *keys, "probabilities", m), c))
                               for m, c in zip(pairs, children)], label)
            player, infoset = detail
            return Decision(player, list(zip(pairs, children)), infoset, label)

        return fold_tree(root_table, None, combine, branches=branches)

    def node(self, table, keys, path, depth):
        """Check one node's table: a :class:`Terminal`, or ``(kind, detail, label, moves)``
        of a chance node (detail: the probabilities) or a decision node (player, infoset)."""
        if depth > self.max_depth:
            self.fail(f"tree nested too deeply (over {self.max_depth} levels); "
                      "pass max_depth=N (or larger) to try anyway", *keys)
        self.node_keys[path_name(path)] = keys
        shorthand = isinstance(table, list)     # moves.x = [payoffs]: its elements are keys + (i,)
        if shorthand:
            table = {"payoffs": table}
        if not isinstance(table, dict):
            self.fail(f"a node must be {a_table(self.file)} (or an array of payoffs), got "
                      f"{_type_name(table, self.file)}", *keys)
        for k in table:
            if k not in NODE_KEYS:
                self.fail(f"unknown key {k!r} in a node; node keys are {', '.join(NODE_KEYS)}", *keys, k)
        label = table.get("label", "")
        if not isinstance(label, str):
            self.fail(f"label must be a string, got {_type_name(label, self.file)}", *keys, "label")
        if "payoffs" in table:
            for k in ("player", "moves", "probabilities", "infoset"):
                if k in table:
                    self.fail(f"a terminal node (with payoffs) cannot have {k!r}", *keys, k)
            pay = table["payoffs"]
            if isinstance(pay, dict):
                for p in pay:
                    if p not in self.players:
                        self.fail(f"payoff for unknown player {p!r}; players are "
                                  f"{', '.join(self.players)}", *keys, "payoffs", p)
                missing = [p for p in self.players if p not in pay]
                if missing:
                    self.fail(f"no payoff for {', '.join(missing)}", *keys, "payoffs")
                vals = [self.value(pay[p], *keys, "payoffs", p) for p in self.players]
            elif isinstance(pay, list):
                if len(pay) != len(self.players):
                    self.fail(f"{len(pay)} payoffs given, the game has {len(self.players)} players "
                              f"({', '.join(self.players)})", *keys, "payoffs")
                # each payoff at its own line (an element of a multi-line array: a fuzzing review)
                at = keys + (() if shorthand else ("payoffs",))
                vals = [self._payoff(v, at, i) for i, v in enumerate(pay)]
            else:
                self.fail(f"payoffs must be an array or {a_table(self.file)}, got {_type_name(pay, self.file)}",
                          *keys, "payoffs")
            outcome = table.get("outcome", label)
            if not isinstance(outcome, str):
                self.fail("outcome must be a string", *keys, "outcome")
            return Terminal(vals, outcome)
        if "outcome" in table:
            self.fail("only terminal nodes (with payoffs) have an outcome", *keys, "outcome")
        moves = table.get("moves")
        if moves is None:
            self.fail("a node needs payoffs (terminal) or moves (decision or chance)", *keys)
        if not isinstance(moves, dict) or not moves:
            pair = '"label": node' if is_json_file(self.file) else "label = node"
            self.fail(f"moves must be {a_table(self.file)} of at least one move: {pair}", *keys, "moves")
        for m in moves:
            check_label(m, "move", **self.base.where(*keys, "moves", m))
            if "/" in m:
                self.fail(f"move label {m!r} may not contain '/' (it separates node paths)", *keys, "moves", m)
        if "probabilities" in table:
            if "player" in table or "infoset" in table:
                self.fail("a chance node (with probabilities) has no player or infoset", *keys, "probabilities")
            probs = table["probabilities"]
            if not isinstance(probs, dict):
                pair = '"move": probability' if is_json_file(self.file) else "move = probability"
                self.fail(f"probabilities must be {a_table(self.file)}: {pair}", *keys, "probabilities")
            if set(probs) != set(moves):
                self.fail(f"probabilities are given for {', '.join(probs)} but the moves are "
                          f"{', '.join(moves)}", *keys, "probabilities")
            return ("chance", probs, label, moves)
        player = table.get("player")
        if not isinstance(player, str):
            self.fail("a decision node needs player = \"name\" (or probabilities for a chance node)",
                      *keys, *(("player",) if "player" in table else ()))
        if player not in self.players:
            self.fail(f"unknown player {player!r}; players are {', '.join(self.players)}", *keys, "player")
        infoset = table.get("infoset")
        if infoset is not None and not isinstance(infoset, str):
            self.fail(f"infoset must be a string, got {_type_name(infoset, self.file)}", *keys, "infoset")
        return ("decision", (player, infoset), label, moves)


# -- writing -------------------------------------------------------------------
def write_tree_toml(tree: GameTree, path=None) -> str:
    """The TOML text of a game tree (and written to ``path`` if given).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> t = entry_deterrence(symbolic=True)
    >>> read_tree_toml(write_tree_toml(t)) == t
    True
    """
    out = header_lines(tree)
    extra = tree.extra
    notes = extra.pop("parameter_notes", None) or {}
    extra.pop("format", None)
    if tree.parameters:
        out += ["", "[parameters]"]
        for name, value in tree.parameters.items():
            parts = [f"value = {toml_number(value)}"] if value is not None else []
            if name in notes:
                parts.append(f"about = {toml_string(str(notes[name]))}")
            out.append(f"{name} = {{ " + ", ".join(parts) + " }")

    def val(v):
        return toml_string(format_formula(v)) if is_symbolic(v) else toml_number(v)

    def table(node, keys, p):
        """The lines of one node's table; returns the subtrees that get tables of their own."""
        out.extend(["", "[" + ".".join(toml_key(k) for k in keys) + "]"])
        if node.label:
            out.append(f"label = {toml_string(node.label)}")
        if isinstance(node, Decision):
            out.append(f"player = {toml_string(node.player)}")
            s = tree.infoset_of(p)
            if len(s.paths) > 1 or node.infoset is not None:
                out.append(f"infoset = {toml_string(s.name)}")
            items = node.moves
        else:
            out.append("probabilities = { " + ", ".join(f"{toml_key(m)} = {val(q)}" for m, q, _ in node.moves) + " }")
            items = [(m, c) for m, _, c in node.moves]
        later = []
        for m, c in items:
            if isinstance(c, Terminal) and not later:
                pays = "[" + ", ".join(val(v) for v in c.payoffs) + "]"
                if c.label:
                    out.append(f"moves.{toml_key(m)} = {{ payoffs = {pays}, outcome = {toml_string(c.label)} }}")
                else:
                    out.append(f"moves.{toml_key(m)} = {pays}")
            else:
                later.append((m, c))
        return [(c, keys + ("moves", m), p + (m,)) for m, c in later]

    def tables(root):
        """Every table, in order (a node, then its later moves' subtrees), without recursion."""
        stack = [(root, ("tree",), ())]
        while stack:
            node, keys, p = stack.pop()
            if isinstance(node, Terminal):   # a terminal after a subtree gets its own table
                out.extend(["", "[" + ".".join(toml_key(k) for k in keys) + "]",
                            "payoffs = [" + ", ".join(val(v) for v in node.payoffs) + "]"])
                if node.label:
                    out.append(f"outcome = {toml_string(node.label)}")
            else:
                stack.extend(reversed(table(node, keys, p)))

    root = tree.root
    if isinstance(root, Terminal):
        out += ["", "[tree]", "payoffs = [" + ", ".join(val(v) for v in root.payoffs) + "]"]
    else:
        tables(root)
    if tree.claims:
        out += ["", "[claims]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in tree.claims.items()]
    for name, t in extra.items():
        if isinstance(t, dict):
            out += ["", f"[{toml_key(name)}]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in t.items()]
    text = "\n".join(out) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


__all__ = ["read_tree_toml", "write_tree_toml", "tree_from_data"]
