"""Gambit extensive-form files (``.efg``, version 2), read and written.

The format (Gambit documentation, "The .efg file format")::

    EFG 2 R "title" { "Player 1" "Player 2" }
    "optional comment"

    p "node" 1 1 "infoset" { "A" "B" } 0
    c "node" 1 "" { "King" 1/2 "Queen" 1/2 } 0
    t "node" 1 "outcome" { 2, -2 }

Nodes are listed in preorder. ``p`` is a personal move: player number,
information-set number (per player), information-set name, the moves (given
at the first node of a set, optional later), then an outcome. ``c`` is a
chance move with a probability after each move. ``t`` is terminal: an outcome
number, a name and payoffs (an outcome used again may omit its payoffs).
Outcomes on non-terminal nodes add to every payoff below them. Numbers are
read exactly (``1/2``, ``0.25`` -> ``1/4``).

Sources: McKelvey, R. D., McLennan, A. M. and Turocy, T. L. Gambit: Software
Tools for Game Theory, https://www.gambit-project.org (file formats).

Steps of :func:`parse_efg`: tokenise (strings, braces, numbers, with line
numbers), read the header, read nodes recursively in preorder, then build a
:class:`~deterrence.core.tree.GameTree` (information sets named by their
Gambit names, or ``"<player number>:<set number>"`` when unnamed). Every error
names the file and line. :func:`write_efg` writes nodes in preorder with
information sets numbered by first appearance.
"""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from deterrence.core.numbers import format_exact, to_exact
from deterrence.core.tree import (Decision, GameTree, NodeError, Terminal, chance, check_depth_limit, decision,
                                  fold_tree, path_name)
from deterrence.errors import GameError, GameFileError, TooLargeError
from deterrence.io._common import decode_text, read_file_bytes
from deterrence.io.gambit_nfg import _unique

_TOKEN = re.compile(r'("(?:[^"\\]|\\.)*")|([{}])|(,)|([^\s{},"]+)|(\s+)|(.)', re.S)


def _tokenize(text, file):
    tokens, line = [], 1
    for m in _TOKEN.finditer(text):
        s = m.group(0)
        if m.group(1) is not None:
            tokens.append(("str", re.sub(r"\\(.)", r"\1", s[1:-1]), line))
        elif m.group(2):
            tokens.append((s, s, line))
        elif m.group(4):
            tokens.append(("word", s, line))
        elif m.group(6):
            raise GameFileError(f"cannot read {s!r} (an unclosed string?)", file=file, line=line)
        line += s.count("\n")
    return tokens


class _Parser:
    def __init__(self, tokens, file, max_depth=None):
        self.tokens, self.k, self.file = tokens, 0, file
        self.max_depth = check_depth_limit(max_depth)
        self.infosets = {}   # (player number, set number) -> (name, actions)
        self.chance_sets = {}
        self.outcomes = {}   # number -> (name, payoffs)
        self.node_lines = {}  # node path -> the line of its p, c or t

    def line(self):
        if self.k < len(self.tokens):
            return self.tokens[self.k][2]
        return self.tokens[-1][2] if self.tokens else 1

    def fail(self, msg):
        raise GameFileError(msg, file=self.file, line=self.line())

    def peek(self):
        return self.tokens[self.k] if self.k < len(self.tokens) else (None, None, None)

    def take(self, kind=None, what="a token"):
        if self.k >= len(self.tokens):
            self.fail(f"unexpected end of file: expected {what}")
        tok = self.tokens[self.k]
        if kind is not None and tok[0] != kind:
            self.fail(f"expected {what}, found {tok[1]!r}")
        self.k += 1
        return tok

    def number(self, what):
        tok = self.take("word", what)
        try:
            return to_exact(tok[1], what)
        except TooLargeError as exc:     # a literal of a billion digits: refused with its line
            self.k -= 1
            self.fail(str(exc))
        except GameError:
            self.k -= 1
            self.fail(f"{what}: {tok[1]!r} is not a number")

    def integer(self, what):
        tok = self.take("word", what)
        if not re.fullmatch(r"\d+", tok[1]):
            self.k -= 1
            self.fail(f"{what}: {tok[1]!r} is not a whole number")
        return int(tok[1])

    def header(self):
        tok = self.take("word", "the header 'EFG 2 R'")
        if tok[1] != "EFG":
            self.k -= 1
            self.fail("not a Gambit .efg file: it must start with 'EFG 2 R' (or 'EFG 2 D')")
        version = self.take("word", "the version 2")[1]
        if version != "2":
            self.k -= 1
            self.fail(f"version {version} is not supported (only EFG version 2)")
        kind = self.take("word", "R or D")[1]
        if kind not in ("R", "D"):
            self.k -= 1
            self.fail(f"expected R (rational) or D (decimal), found {kind!r}")
        title = self.take("str", "the title in quotes")[1]
        self.take("{", "{ and the player names")
        players = []
        while self.peek()[0] == "str":
            players.append(self.take()[1])
        self.take("}", "} after the player names")
        comment = ""
        if self.peek()[0] == "str":
            comment = self.take()[1]
        if not players:
            self.fail("no players named")
        # Gambit allows empty and repeated player names: as in a .nfg file, "Player k" and a suffix
        return title, _unique([p or f"Player {i + 1}" for i, p in enumerate(players)]), comment

    def payoffs(self, n):
        self.take("{", "{ before the payoffs")
        vals = []
        while self.peek()[0] not in ("}", None):
            if self.peek()[0] == ",":
                self.take()
                continue
            vals.append(self.number("payoff"))
        closing = self.take("}", "} after the payoffs")
        if len(vals) != n:      # the line of the payoffs' "}", not of the token after it
            raise GameFileError(f"{len(vals)} payoffs given, the game has {n} players", file=self.file,
                                line=closing[2])
        return tuple(vals)

    def outcome(self, n, allow_missing):
        used = self.line()                      # the outcome number's own line
        num = self.integer("outcome number")
        name, pays = "", None
        if self.peek()[0] == "str":
            name = self.take()[1]
            if self.peek()[0] == "{":
                where = self.line()             # the payoffs' line, for the check below
                pays = self.payoffs(n)
        if num == 0:
            return "", (0,) * n
        if pays is None:
            if num not in self.outcomes:
                # on an interior node too: such an outcome counted as 0, silently, where Gambit refuses
                # it ("Outcome not defined"): an error review
                raise GameFileError(f"outcome {num} is used before its payoffs are given"
                                    + (" (an interior node's outcome 0 means none)" if allow_missing else ""),
                                    file=self.file, line=used)
            return self.outcomes[num]
        if num in self.outcomes and self.outcomes[num][1] != pays:
            # Gambit repeats an outcome's payoffs where it is used again: they must agree (two nodes
            # of one outcome number had different payoffs, silently: a bug hunt)
            raise GameFileError(f"outcome {num} is given payoffs ({', '.join(map(str, pays))}) that differ "
                                f"from its earlier ones ({', '.join(map(str, self.outcomes[num][1]))})",
                                file=self.file, line=where)
        self.outcomes[num] = (name, pays)
        return name, pays

    def check_moves(self, moves, path, line):
        """Refuse an empty move label, and one with '/', which separates the moves of a node path."""
        for m in moves:
            if not m:
                raise GameFileError(f"a move at node {path_name(path)} has an empty label: name every move",
                                    file=self.file, line=line)
            if "/" in m:
                raise GameFileError(f"move label {m!r} at node {path_name(path)} contains '/', which "
                                    "separates the moves of a node path (as in 'in/fight'): rename the move",
                                    file=self.file, line=line)

    def tree(self, players):
        """The nodes, read with an explicit stack (no recursion, whatever the depth): a
        terminal, or ``("p", player, set, moves, children, label)`` /
        ``("c", moves, children, label)``. The payoffs of an outcome on an interior node
        are added to every terminal below it (carried down the path)."""
        n = len(players)
        stack = []            # open nodes: [head, moves, children, path, depth, carried]
        path, depth, carried = (), 0, (0,) * n
        while True:
            value = self.node(players, depth, path, carried)
            if not isinstance(value, Terminal):
                head, moves, opay = value
                total = carried if all(v == 0 for v in opay) else tuple(a + b for a, b in zip(carried, opay))
                stack.append([head, moves, [], path, depth, total])
                path, depth, carried = path + (moves[0],), depth + 1, total
                continue
            while stack:
                frame = stack[-1]
                frame[2].append(value)
                if len(frame[2]) < len(frame[1]):
                    path, depth, carried = frame[3] + (frame[1][len(frame[2])],), frame[4] + 1, frame[5]
                    break
                stack.pop()
                head, children = frame[0], frame[2]
                value = head[:4] + (children,) + head[4:] if head[0] == "p" else (head[0], head[1], children, head[2])
            else:
                return value

    def node(self, players, depth, path, carried):
        """One node: a terminal (with the payoffs ``carried`` from the outcomes above it
        added), or ``(head, move labels, outcome payoffs)`` of a player or chance node."""
        n = len(players)
        if depth > self.max_depth:
            self.fail(f"tree nested too deeply (over {self.max_depth} levels); "
                      "pass max_depth=N (or larger) to try anyway")
        tok = self.take("word", "a node (p, c or t)")
        kind = tok[1]
        self.node_lines[path] = tok[2]
        label = self.take("str", "the node name in quotes")[1]
        if kind == "t":
            name, pays = self.outcome(n, allow_missing=False)
            if not all(v == 0 for v in carried):
                pays = tuple(a + b for a, b in zip(pays, carried))
            return Terminal(pays, name or label)
        if kind == "p":
            pl = self.integer("player number")
            if not 1 <= pl <= n:
                self.k -= 1
                self.fail(f"player {pl} does not exist (the game has {n} players)")
            iset = self.integer("information set number")
            line = self.line()
            iname = self.take("str", "the information set name")[1] if self.peek()[0] == "str" else ""
            key = (pl, iset)
            if self.peek()[0] == "{":
                self.take("{")
                actions = []
                while self.peek()[0] == "str":
                    actions.append(self.take()[1])
                self.take("}", "} after the moves")
                if key in self.infosets and self.infosets[key][1] != tuple(actions):
                    self.fail(f"information set {iset} of player {pl} has moves "
                              f"{', '.join(actions)} here but {', '.join(self.infosets[key][1])} before")
                self.infosets.setdefault(key, (iname, tuple(actions), line))
            elif key not in self.infosets:
                self.fail(f"information set {iset} of player {pl} appears without its moves")
            actions = self.infosets[key][1]
            if not actions:
                self.fail(f"information set {iset} of player {pl} has no moves")
            self.check_moves(actions, path, line)
            oname, opay = self.outcome(n, allow_missing=True)
            return ("p", pl, iset, actions, label), actions, opay
        if kind == "c":
            line = self.line()
            iset = self.integer("information set number")
            iname = self.take("str", "the information set name")[1] if self.peek()[0] == "str" else ""
            if self.peek()[0] == "{":
                self.take("{")
                moves = []
                while self.peek()[0] == "str":
                    act = self.take()[1]
                    prob = self.number(f"probability of {act!r}")
                    moves.append((act, prob))
                self.take("}", "} after the chance moves")
                self.chance_sets[iset] = moves
            elif iset not in self.chance_sets:
                self.fail(f"chance information set {iset} appears without its moves")
            moves = self.chance_sets[iset]
            self.check_moves([m for m, _ in moves], path, line)
            labels = [m for m, _ in moves]
            for k, m in enumerate(labels):
                if m in labels[:k]:     # the second was dropped, and the file refused for "probabilities
                    # sum to 1/2" (an error review); a player's set says "repeats a move label"
                    raise GameFileError(f"chance information set {iset} repeats the move label {m!r}",
                                        file=self.file, line=line)
            total = sum((p for _, p in moves), Fraction(0))
            if total != 1:
                self.fail(f"chance probabilities sum to {format_exact(total)}, not 1")
            oname, opay = self.outcome(n, allow_missing=True)
            return ("c", moves, label), [m for m, _ in moves], opay
        self.k -= 1
        self.fail(f"unknown node type {kind!r} (expected p, c or t)")


def parse_efg(text, file="<string>", *, max_depth=None) -> GameTree:
    """Read a game tree from the text of a Gambit ``.efg`` file.

    ``max_depth`` raises the depth limit (:data:`deterrence.core.tree.MAX_DEPTH`).

    >>> t = parse_efg('''EFG 2 R "Entry" { "Entrant" "Incumbent" }
    ... p "" 1 1 "" { "out" "in" } 0
    ... t "" 1 "" { 0, 2 }
    ... p "" 2 1 "" { "fight" "accommodate" } 0
    ... t "" 2 "" { -1, -1 }
    ... t "" 3 "" { 1, 1 }
    ... ''')
    >>> t.players, t.node("in").labels
    (('Entrant', 'Incumbent'), ('fight', 'accommodate'))
    """
    if isinstance(text, (bytes, bytearray)):
        text = bytes(text).decode("utf-8", errors="replace")
    tokens = _tokenize(text, file)
    if not tokens:
        raise GameFileError("empty file: a .efg file starts with 'EFG 2 R'", file=file, line=1)
    parser = _Parser(tokens, file, max_depth)
    title, players, comment = parser.header()
    raw = parser.tree(players)
    if parser.k < len(tokens):
        parser.fail(f"unexpected {tokens[parser.k][1]!r} after the last node of the tree")
    # information-set names: the Gambit name if it is unique for the player, else p:k
    names = {}
    by_player = {}
    for key, (iname, _, _) in parser.infosets.items():
        by_player.setdefault(key[0], []).append((key, iname))
    for _pl, items in by_player.items():
        counts = {}
        for _, iname in items:
            counts[iname] = counts.get(iname, 0) + 1
        for key, iname in items:
            names[key] = iname if iname and counts[iname] == 1 else f"{key[0]}:{key[1]}"

    def build(node, path, below, children):
        if node[0] == "p":
            _, pl, iset, actions, _, label = node
            if len(set(actions)) != len(actions):
                raise GameFileError(f"information set {iset} of player {pl} repeats a move label", file=file,
                                    line=parser.infosets[(pl, iset)][2])
            return decision(players[pl - 1], dict(zip(actions, children)), infoset=names[(pl, iset)], label=label)
        _, moves, _, label = node
        return chance({m: (p, c) for (m, p), c in zip(moves, children)}, label=label)

    def branches(node, path):      # the parsed nodes' children, by position
        kids = node[4] if node[0] == "p" else node[2]
        return [(str(k), c) for k, c in enumerate(kids)]

    try:
        root = fold_tree(raw, lambda node, path: node, build, branches=branches)
        return GameTree(root, players, title=title, description=comment, extra={"format": "efg"},
                        max_depth=max_depth)
    except GameError as exc:
        if isinstance(exc, GameFileError):
            raise
        # a node's error carries its path (NodeError): the line of that node, never one found from the
        # message (an information set "node x" named the line of the node x: an error review)
        line = parser.node_lines.get(exc.path) if isinstance(exc, NodeError) else None
        raise GameFileError(str(exc), file=file, line=line) from None


def read_efg(path, *, max_depth=None) -> GameTree:
    """Read a Gambit ``.efg`` file (errors name the file and line; ``max_depth``: see
    :func:`parse_efg`).

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "one.efg")
    >>> with open(path, "w") as f:
    ...     for line in ['EFG 2 R "one" { "A" }', 'p "" 1 1 "" { "x" "y" } 0', 't "" 1 "" { 1 }', 't "" 2 "" { 0 }']:
    ...         print(line, file=f)
    >>> read_efg(path).node("x").payoffs
    (1,)
    """
    raw, file = read_file_bytes(path)
    text = decode_text(raw, file, fallback="latin-1")  # older Gambit files are Latin-1
    return parse_efg(text, file=file, max_depth=max_depth)


def _q(s) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_efg(tree: GameTree, path=None) -> str:
    """Write a tree as Gambit ``.efg`` text (and to ``path`` if given).

    Symbolic trees are refused (call ``with_defaults()`` first).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> text = write_efg(entry_deterrence())
    >>> print(text.splitlines()[3])
    p "" 1 1 "" { "out" "in" } 0
    >>> t = entry_deterrence()     # .efg has no parameters: compare with the same tree without them
    >>> parse_efg(text) == GameTree(t.root, t.players)
    True
    """
    tree.require_numeric("writing a .efg file")
    players = tree.players
    numbers = {}
    per_player = {}
    for s in tree.infosets.values():
        per_player[s.player] = per_player.get(s.player, 0) + 1
        numbers[s.key] = per_player[s.player]
    lines = [f"EFG 2 R {_q(tree.title)} {{ " + " ".join(_q(p) for p in players) + " }",
             _q(tree.description), ""]
    outcomes = chances = 0
    for at, node in tree.nodes():          # preorder, as the format lists the nodes
        if isinstance(node, Terminal):
            outcomes += 1
            lines.append(f't "" {outcomes} {_q(node.label)} {{ '
                         + ", ".join(format_exact(v) for v in node.payoffs) + " }")
        elif isinstance(node, Decision):
            s = tree.infoset_of(at)
            name = "" if node.infoset is None or re.fullmatch(r"\d+:\d+", s.name) else s.name
            moves = "{ " + " ".join(_q(m) for m in node.labels) + " } "
            lines.append(f"p {_q(node.label)} {players.index(node.player) + 1} {numbers[s.key]} "
                         f"{_q(name)} {moves}0")
        else:
            chances += 1
            lines.append(f"c {_q(node.label)} {chances} \"\" {{ "
                         + " ".join(f"{_q(m)} {format_exact(p)}" for m, p, _ in node.moves) + " } 0")
    text = "\n".join(lines) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


__all__ = ["read_efg", "parse_efg", "write_efg"]
