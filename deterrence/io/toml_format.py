"""Game files in TOML: the format of ARCHITECTURE.md, read and written.

A file names its players, each player's actions, optional parameters and one
payoff entry per profile::

    players = ["US", "Iran"]
    [actions]
    US = ["hold", "strike"]
    Iran = ["hold", "strike"]
    [parameters]
    c = { value = 3, about = "cost of being hit" }
    [payoffs]
    "hold, hold" = [0, 0]
    "strike, hold" = [1, "-c"]
    ...

Payoff strings are read only by the whitelist parser
:func:`deterrence.core.symbolic.parse_expression`. ``tomllib`` reports no line
numbers for values, so the reader finds the line of each key in the raw text
itself (:func:`key_lines`): every error names the file, the line and the field.
A file with a ``[tree]`` section is a game tree, read by
:mod:`deterrence.io.tree_toml`.
"""
from __future__ import annotations

import datetime
import itertools
import math
import re
import tomllib
from fractions import Fraction
from pathlib import Path

from deterrence.core.normal_form import NormalFormGame
from deterrence.core.numbers import is_symbolic
from deterrence.core.symbolic import MAX_LENGTH
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import (decode_text, parse_toml_text, _type_name, check_label, check_parameter_name,
                      format_formula, parameter_value, payoff_value)

#: top-level keys the normal-form reader understands; other tables go to ``game.extra``.
KNOWN_KEYS = ("title", "description", "sources", "players", "actions", "parameters",
              "payoffs", "claims")


# -- reading -------------------------------------------------------------------
def read_toml(path):
    """Read a game from a TOML file (a ``[tree]`` file gives a game tree).

    >>> from deterrence.io.catalogue import catalogue_dir
    >>> read_toml(catalogue_dir() / "chicken.toml").actions[0]
    ('swerve', 'straight')
    """
    file = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise GameFileError(f"cannot read: {exc.strerror or exc}", file=file) from None
    return _load(decode_text(raw, file), file, tree_source=path)


def parse_toml_game(text, *, file="<string>"):
    """Read a game from the text of a TOML game file.

    >>> g = parse_toml_game('''
    ... players = ["A", "B"]
    ... [actions]
    ... A = ["x"]
    ... B = ["y", "z"]
    ... [payoffs]
    ... "x, y" = [1, "1/2"]
    ... "x, z" = [0, 0]
    ... ''')
    >>> g.payoff(("x", "y"))
    (1, Fraction(1, 2))
    >>> parse_toml_game('players = ["A"]', file="g.toml")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.toml:1: actions: missing (not found before the end of the file): the [actions] table gives each player's actions
    """
    if isinstance(text, (bytes, bytearray)):
        text = decode_text(bytes(text), file)
    if not isinstance(text, str):
        raise GameFileError(f"expected the text of a TOML file, got {type(text).__name__}", file=file)
    return _load(text, file, tree_source=text)


def _load(text, file, tree_source):
    if text.startswith("\ufeff"):  # a byte-order mark some editors add
        text = text[1:]
    if not text.strip():
        raise GameFileError("empty file: a game needs players, actions and payoffs", file=file)
    data = parse_toml_text(text, file)
    if "tree" in data:
        # a game tree: the tree reader gets the path (or text) and reads it whole
        return _read_tree(tree_source, file)
    if "stochastic" in data:  # a stochastic game: its own reader, on the parsed file
        from deterrence.io.stochastic_toml import stochastic_game
        return stochastic_game(text, data, file)
    return _Reader(text, data, file).game()


def _read_tree(source, file):
    try:
        from deterrence.io.tree_toml import read_tree_toml
    except ImportError as exc:
        if getattr(exc, "name", None) not in ("deterrence.io.tree_toml", None):
            raise
        raise GameFileError("this file has a [tree] section (a game tree), but the tree "
                            "reader deterrence.io.tree_toml is not available", file=file) from None
    return read_tree_toml(source, file=file)


def key_lines(text: str) -> dict:
    """Line (1-based) where each key path of a valid TOML text is first defined.

    Keys in inline tables are not listed: they sit on their parent key's line.

    >>> lines = key_lines('a = 1\\n[b]\\n"c d" = [1,\\n 2]\\ne.f = 3\\n')
    >>> lines[("a",)], lines[("b",)], lines[("b", "c d")], lines[("b", "e", "f")]
    (1, 2, 3, 5)
    """
    lines: dict = {}
    pos, n, line, prefix, depth, expect_key = 0, len(text), 1, (), 0, True
    while pos < n:
        c = text[pos]
        if c == "\n":
            line += 1
            pos += 1
            expect_key = expect_key or depth == 0
            continue
        if c in " \t\r":
            pos += 1
            continue
        if c == "#":
            end = text.find("\n", pos)
            pos = n if end < 0 else end
            continue
        if expect_key and depth == 0:
            end = _key_end(text, pos)
            raw = text[pos:end]
            if c == "[":
                inner = raw.strip().strip("[]")
                path = _dotted(f"[{inner}]")
                if path is not None:
                    prefix = path
                    lines.setdefault(prefix, line)
            else:
                path = _dotted(f"{raw} = 0")
                if path is not None:
                    for k in range(1, len(path) + 1):
                        lines.setdefault(prefix + path[:k], line)
            pos = end + (0 if c == "[" else 1)
            expect_key = False
            continue
        if c in "\"'":
            pos, line = _skip_string(text, pos, line)
            continue
        if c in "[{":
            depth += 1
        elif c in "]}":
            depth = max(0, depth - 1)
        pos += 1
    return lines


def _key_end(text, pos):
    """End of a key (at '=') or of a table header (after its ']'), outside quotes."""
    n = len(text)
    header = text[pos] == "["
    i = pos
    while i < n and text[i] != "\n":
        ch = text[i]
        if ch in "\"'":
            j = text.find(ch, i + 1) if ch == "'" else _basic_end(text, i + 1)
            i = (n if j < 0 else j) + 1
            continue
        if ch == "=" and not header:
            return i
        if ch == "]" and header:
            while i + 1 < n and text[i + 1] == "]":
                i += 1
            return i + 1
        i += 1
    return i


def _basic_end(text, i):
    n = len(text)
    while i < n and text[i] != '"':
        i += 2 if text[i] == "\\" else 1
    return i if i < n else -1


def _skip_string(text, pos, line):
    quote = text[pos]
    if text.startswith(quote * 3, pos):
        end = pos + 3
        while True:
            j = text.find(quote * 3, end)
            if j < 0:
                return len(text), line + text.count("\n", pos)
            if quote == '"' and _escaped(text, j):
                end = j + 1
                continue
            # a closing delimiter may carry up to two extra quotes ("""a"""")
            k = j + 3
            while k < len(text) and text[k] == quote and k < j + 5:
                k += 1
            return k, line + text.count("\n", pos, k)
    end = text.find("'", pos + 1) if quote == "'" else _basic_end(text, pos + 1)
    return (len(text) if end < 0 else end + 1), line


def _escaped(text, j):
    back = 0
    while j - back - 1 >= 0 and text[j - back - 1] == "\\":
        back += 1
    return back % 2 == 1


def _dotted(snippet):
    """Key path of ``a."b".c = 0`` or ``[a.b]``, read by tomllib itself (exact quoting)."""
    try:
        node = tomllib.loads(snippet)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
    path = []
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        path.append(key)
    return tuple(path) if path else None


def _field(*path) -> str:
    out = []
    for p in path:
        if isinstance(p, int):
            out[-1] += f"[{p}]"
        elif re.fullmatch(r"[A-Za-z0-9_-]+", p):
            out.append(p)
        else:
            out.append('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"')
    return ".".join(out)


class _Reader:
    """Checks the parsed TOML document and builds the game, locating every error."""

    def __init__(self, text, data, file):
        self.text, self.data, self.file = text, data, file
        self._lines = None

    def line(self, *path):
        if self._lines is None:
            try:
                self._lines = key_lines(self.text)
            except Exception:  # a failing line finder must never hide the real error
                self._lines = {}
        path = tuple(p for p in path if isinstance(p, str))
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None

    def where(self, *path):
        return dict(file=self.file, line=self.line(*path), field=_field(*path) or None)

    def fail(self, message, *path):
        raise GameFileError(message, **self.where(*path))

    def get(self, key, kind, what, required=False, default=None):
        if key not in self.data:
            if required:
                # nothing to point at: name the end of the file, where the reader gave up
                last = self.text.count("\n") + (0 if self.text.endswith("\n") else 1)
                raise GameFileError(f"missing (not found before the end of the file): {what}",
                                    file=self.file, line=max(last, 1), field=key)
            return default
        value = self.data[key]
        if not isinstance(value, kind):
            self.fail(f"expected {_kind_name(kind)}, got {_type_name(value)}", key)
        return value

    def strings(self, value, *path, what="entry"):
        if not isinstance(value, list):
            self.fail(f"expected an array of strings, got {_type_name(value)}", *path)
        for item in value:
            if not isinstance(item, str):
                self.fail(f"every {what} must be a string in quotes, got {_type_name(item)}", *path)
        return value

    def game(self):
        data = self.data
        extra = {}
        for key, value in data.items():
            if key in KNOWN_KEYS:
                continue
            if key == "parameter_notes":
                self.fail("this name is reserved (parameter notes go in [parameters] as about = ...)", key)
            if isinstance(value, dict) or (isinstance(value, list) and value
                                           and all(isinstance(v, dict) for v in value)):
                extra[key] = value  # e.g. [repeated], for other layers
            else:
                self.fail(f"unknown key {key!r}; known keys are {', '.join(KNOWN_KEYS)} "
                          "(other sections must be tables)", key)
        title = self.get("title", str, "")
        description = self.get("description", str, "", default="")
        sources = self.strings(self.get("sources", list, "", default=[]), "sources", what="source")
        players = self.players()
        actions = self.actions(players)
        params, notes = self.parameters()
        arrays = self.payoffs(players, actions, params)
        claims = self.get("claims", dict, "")
        if notes:
            extra["parameter_notes"] = notes
        try:
            return NormalFormGame(arrays, players=players, actions=actions, parameters=params,
                                  title=title or "", description=description, sources=sources,
                                  claims=claims, extra=extra)
        except GameError as exc:  # the checks above should catch everything; be safe
            raise GameFileError(str(exc), file=self.file) from None

    def head(self) -> dict:
        """The head every game file shares: title, description, sources, players,
        parameters (with ``parameter_notes``) and claims, as keyword arguments."""
        params, notes = self.parameters()
        return dict(title=self.get("title", str, "", default=""),
                    description=self.get("description", str, "", default=""),
                    sources=self.strings(self.get("sources", list, "", default=[]), "sources", what="source"),
                    players=self.players(), parameters=params, notes=notes,
                    claims=self.get("claims", dict, "", default={}))

    def players(self):
        players = self.get("players", list, 'players = ["Row", "Column"] names the players',
                           required=True)
        self.strings(players, "players", what="player name")
        if not players:
            self.fail("a game needs at least one player", "players")
        seen = set()
        for p in players:
            if not p.strip():
                self.fail("empty player name", "players")
            if p in seen:
                self.fail(f"duplicate player name {p!r}", "players")
            seen.add(p)
        return players

    def actions(self, players):
        table = self.get("actions", dict, "the [actions] table gives each player's actions",
                         required=True)
        for key in table:
            if key not in players:
                self.fail(f"unknown player {key!r}; players are {', '.join(players)}", "actions", key)
        actions = []
        for p in players:
            if p not in table:
                self.fail(f"no actions for player {p!r}", "actions")
            acts = self.strings(table[p], "actions", p, what="action")
            if not acts:
                self.fail(f"player {p!r} needs at least one action", "actions", p)
            seen = set()
            for a in acts:
                check_label(a, "action", **self.where("actions", p))
                if a in seen:
                    self.fail(f"duplicate action {a!r} for player {p!r}", "actions", p)
                seen.add(a)
            actions.append(list(acts))
        return actions

    def parameters(self):
        table = self.get("parameters", dict, "")
        params, notes = {}, {}
        for name, spec in (table or {}).items():
            where = self.where("parameters", name)
            check_parameter_name(name, **where)
            value = spec
            if isinstance(spec, dict):
                for key in spec:
                    if key not in ("value", "about"):
                        self.fail(f"unknown key {key!r} (a parameter has value and about)",
                                  "parameters", name, key)
                value = spec.get("value")
                if "about" in spec:
                    if not isinstance(spec["about"], str):
                        self.fail(f"about must be a string, got {_type_name(spec['about'])}",
                                  "parameters", name, "about")
                    notes[name] = spec["about"]
                if "value" in spec:
                    where = self.where("parameters", name, "value")
            params[name] = parameter_value(value, **where)
        return params, notes

    def payoffs(self, players, actions, params):
        import numpy as np
        table = self.get("payoffs", dict,
                         'the [payoffs] table gives "action 1, action 2" = [payoff 1, payoff 2]',
                         required=True)
        n = len(players)
        shape = tuple(len(a) for a in actions)
        entries = {}
        declared = list(params)
        for key, values in table.items():
            path = ("payoffs", key)
            if not isinstance(values, list):
                # y.x = [..] is a dotted key (a table), not the profile "y, x"
                self.fail(f"expected an array of {n} payoffs (one per player), got "
                          f"{_type_name(values)}" + (' (quote the profile key: "a, b" = [...])'
                                                     if isinstance(values, dict) else ""), *path)
            labels = [s.strip() for s in key.split(",")]
            if len(labels) != n:
                self.fail(f"profile {key!r} names {len(labels)} action(s); write one action per "
                          f"player ({', '.join(players)}) separated by commas", *path)
            idx = []
            for i, lab in enumerate(labels):
                if lab not in actions[i]:
                    self.fail(f"unknown action {lab!r} for player {players[i]!r}; actions are "
                              f"{', '.join(actions[i])}", *path)
                idx.append(actions[i].index(lab))
            idx = tuple(idx)
            if idx in entries:
                first = entries[idx][0]
                self.fail(f"profile {key!r} is given twice (first as {first!r} on line "
                          f"{self.line('payoffs', first)})", *path)
            if len(values) != n:
                self.fail(f"{len(values)} payoff(s) given, the game has {n} players "
                          f"({', '.join(players)})", *path)
            entries[idx] = (key, [payoff_value(v, declared, **self.where(*path, i + 1))
                                  for i, v in enumerate(values)])
        if math.prod(shape) != len(entries):
            # Some profile is missing (there are no extras: every key was checked).
            # The product is walked lazily: the first few gaps appear early.
            missing = itertools.islice((prof for prof in itertools.product(*(range(k) for k in shape))
                                        if prof not in entries), 5)
            names = ", ".join('"' + ", ".join(actions[i][j] for i, j in enumerate(m)) + '"'
                              for m in missing)
            gap = math.prod(shape) - len(entries)
            more = f" and {gap - 5} more" if gap > 5 else ""
            self.fail(f"no payoffs for profile(s) {names}{more}: every profile must be listed once",
                      "payoffs")
        # Only now allocate: the arrays are no larger than the file's own list.
        arrays = [np.empty(shape, dtype=object) for _ in range(n)]
        for idx, (_, values) in entries.items():
            for i, v in enumerate(values):
                arrays[i][idx] = v
        return arrays


def _kind_name(kind):
    return {str: "a string", list: "an array", dict: "a table"}.get(kind, kind.__name__)


# -- writing -------------------------------------------------------------------
def header_lines(game) -> list:
    """The head every game file shares: title, description, sources, players.

    >>> from deterrence import NormalFormGame
    >>> header_lines(NormalFormGame.from_arrays([[1]], title="t"))
    ['title = "t"', 'players = ["Row", "Column"]']
    """
    out = []
    if game.title:
        out.append(f"title = {_string(game.title)}")
    if game.description:
        out.append(f"description = {_long_string(game.description)}")
    if game.sources:
        out.append("sources = [" + ", ".join(_string(s) for s in game.sources) + "]")
    out.append("players = [" + ", ".join(_string(p) for p in game.players) + "]")
    return out


def write_toml(game, path=None) -> str:
    """The TOML text of a normal-form game; also written to ``path`` if given.

    >>> g = NormalFormGame.from_arrays([[1, 0], [0, 1]], actions=[["a", "b"], ["a", "b"]])
    >>> print(write_toml(g))
    players = ["Row", "Column"]
    <BLANKLINE>
    [actions]
    Row = ["a", "b"]
    Column = ["a", "b"]
    <BLANKLINE>
    [payoffs]
    "a, a" = [1, -1]
    "a, b" = [0, 0]
    "b, a" = [0, 0]
    "b, b" = [1, -1]
    <BLANKLINE>
    >>> parse_toml_game(write_toml(g)) == g
    True
    """
    if not isinstance(game, NormalFormGame):
        raise GameError(f"write_toml writes normal-form games, not {type(game).__name__}")
    out = header_lines(game)
    out += ["", "[actions]"]
    for p, acts in zip(game.players, game.actions):
        for a in acts:
            check_label(a, f"action of {p}")
        out.append(f"{_key(p)} = [" + ", ".join(_string(a) for a in acts) + "]")
    extra = game.extra
    notes = extra.pop("parameter_notes", None) or {}
    if game.parameters:
        out += ["", "[parameters]"]
        for name, value in game.parameters.items():
            check_parameter_name(name)
            parts = []
            if value is not None:
                parts.append(f"value = {_number(value)}")
            if name in notes:
                parts.append(f"about = {_string(str(notes[name]))}")
            if parts == [f"value = {_number(value)}"]:
                out.append(f"{name} = {_number(value)}")
            else:
                out.append(f"{name} = {{ " + ", ".join(parts) + " }" if parts else f"{name} = {{}}")
    out += ["", "[payoffs]"]
    arrays = game.payoff_arrays
    for prof in itertools.product(*(range(k) for k in game.shape)):
        key = ", ".join(a[i] for a, i in zip(game.actions, prof))
        out.append(f"{_string(key)} = [" + ", ".join(_payoff(arr[prof]) for arr in arrays) + "]")
    if game.claims:
        out += ["", "[claims]"] + [f"{_key(k)} = {_value(v)}" for k, v in game.claims.items()]
    for name, table in extra.items():
        if not isinstance(name, str) or name in KNOWN_KEYS or name == "tree":
            raise GameError(f"extra section {name!r} clashes with a key of the game format")
        if isinstance(table, dict):
            out += ["", f"[{_key(name)}]"] + [f"{_key(k)} = {_value(v)}" for k, v in table.items()]
        elif isinstance(table, list) and table and all(isinstance(t, dict) for t in table):
            for t in table:
                out += ["", f"[[{_key(name)}]]"] + [f"{_key(k)} = {_value(v)}" for k, v in t.items()]
        else:
            raise GameError(f"extra section {name!r} is not a table, so it cannot be written to TOML")
    text = "\n".join(out) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _payoff(value) -> str:
    if is_symbolic(value):
        return _string(format_formula(value))
    return _number(value)


def _number(value) -> str:
    # Fractions go in quotes ("1/3"): TOML has no rationals, and floats would lose exactness.
    # Integers beyond TOML's 64 bits go in quotes too, so that any TOML reader accepts the file.
    if isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63:
        return str(value)
    text = str(value)
    if len(text) > MAX_LENGTH:
        raise GameError(f"number {text[:20]}... has {len(text)} characters: a game file holds "
                        f"numbers of up to {MAX_LENGTH}")
    return _string(text)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def _string(s: str) -> str:
    return '"' + "".join(_ESCAPES.get(ch, ch) if ch in _ESCAPES else
                         (f"\\u{ord(ch):04x}" if ord(ch) < 32 or ord(ch) == 127 else ch)
                         for ch in s) + '"'


def _long_string(s: str) -> str:
    if not s.endswith("\n") and "\n" not in s:
        return _string(s)
    body = "".join(ch if ch in "\n\t" else _ESCAPES.get(ch) or
                   (f"\\u{ord(ch):04x}" if ord(ch) < 32 or ord(ch) == 127 else ch) for ch in s)
    # The newline after the opening quotes is dropped by TOML; it keeps the text readable.
    return '"""\n' + body + '"""'


def _key(k) -> str:
    k = str(k)
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else _string(k)


def _value(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return repr(v)
    if isinstance(v, Fraction):
        return _string(str(v))
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    raise GameError(f"value {v!r} of type {type(v).__name__} cannot be written to TOML")
