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

import itertools
import math
from pathlib import Path

from deterrence.core.normal_form import NormalFormGame
from deterrence.core.numbers import is_symbolic
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import (_type_name, check_label, check_parameter_name, decode_text, format_formula,
                                   parse_toml_text, payoff_value, read_file_bytes)
from deterrence.io.toml_reader import (TomlReader, header_lines, key_lines, toml_key, toml_long_string, toml_number,
                                       toml_string, toml_value)

#: top-level keys the normal-form reader understands; other tables go to ``game.extra``.
KNOWN_KEYS = ("title", "description", "sources", "players", "actions", "parameters",
              "payoffs", "claims")


# -- reading -------------------------------------------------------------------
def read_toml(path, *, max_depth=None):
    """Read a game from a TOML file (a ``[tree]`` file gives a game tree, deeper than
    :data:`deterrence.core.tree.MAX_DEPTH` levels only when ``max_depth`` allows it).

    >>> from deterrence.io.catalogue import catalogue_dir
    >>> read_toml(catalogue_dir() / "chicken.toml").actions[0]
    ('swerve', 'straight')
    """
    raw, file = read_file_bytes(path)
    return _load(decode_text(raw, file), file, tree_source=path, max_depth=max_depth)


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
    deterrence.errors.GameFileError: g.toml:1: actions: missing (not found before the end of the file): the [actions]
    table gives each player's actions
    """
    if isinstance(text, (bytes, bytearray)):
        text = decode_text(bytes(text), file)
    if not isinstance(text, str):
        raise GameFileError(f"expected the text of a TOML file, got {type(text).__name__}", file=file)
    return _load(text, file, tree_source=text)


def _load(text, file, tree_source, max_depth=None):
    if text.startswith("\ufeff"):  # a byte-order mark some editors add
        text = text[1:]
    if not text.strip():
        raise GameFileError("empty file: a game needs players, actions and payoffs", file=file)
    data = parse_toml_text(text, file)
    if "tree" in data:
        # a game tree: the tree reader gets the path (or text) and reads it whole
        return _read_tree(tree_source, file, max_depth)
    if "stochastic" in data:  # a stochastic game: its own reader, on the parsed file
        from deterrence.io.stochastic_toml import stochastic_game
        return stochastic_game(text, data, file)
    return _Reader(text, data, file).game()


def _read_tree(source, file, max_depth=None):
    try:
        from deterrence.io.tree_toml import read_tree_toml
    except ImportError as exc:
        if getattr(exc, "name", None) not in ("deterrence.io.tree_toml", None):
            raise
        raise GameFileError("this file has a [tree] section (a game tree), but the tree "
                            "reader deterrence.io.tree_toml is not available", file=file) from None
    return read_tree_toml(source, file=file, **({} if max_depth is None else {"max_depth": max_depth}))


class _Reader(TomlReader):
    """Checks the parsed TOML document and builds the normal-form game, locating every error."""

    def game(self):
        extra = self.extra_sections(KNOWN_KEYS)      # e.g. [repeated], for other layers
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
            for j, a in enumerate(acts):
                check_label(a, "action", **self.where("actions", p, j))
                if a in seen:
                    self.fail(f"duplicate action {a!r} for player {p!r}", "actions", p, j)
                seen.add(a)
            actions.append(list(acts))
        return actions

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
            entries[idx] = (key, [payoff_value(v, declared, **self.payoff_where(path, i, players))
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



# -- writing -------------------------------------------------------------------
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
        out.append(f"{toml_key(p)} = [" + ", ".join(toml_string(a) for a in acts) + "]")
    extra = game.extra
    notes = extra.pop("parameter_notes", None) or {}
    if game.parameters:
        out += ["", "[parameters]"]
        for name, value in game.parameters.items():
            check_parameter_name(name)
            parts = []
            if value is not None:
                parts.append(f"value = {toml_number(value)}")
            if name in notes:
                parts.append(f"about = {toml_string(str(notes[name]))}")
            if parts == [f"value = {toml_number(value)}"]:
                out.append(f"{name} = {toml_number(value)}")
            else:
                out.append(f"{name} = {{ " + ", ".join(parts) + " }" if parts else f"{name} = {{}}")
    out += ["", "[payoffs]"]
    arrays = game.payoff_arrays
    for prof in itertools.product(*(range(k) for k in game.shape)):
        key = ", ".join(a[i] for a, i in zip(game.actions, prof))
        out.append(f"{toml_string(key)} = [" + ", ".join(_payoff(arr[prof]) for arr in arrays) + "]")
    if game.claims:
        out += ["", "[claims]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in game.claims.items()]
    for name, table in extra.items():
        if not isinstance(name, str) or name in KNOWN_KEYS or name == "tree":
            raise GameError(f"extra section {name!r} clashes with a key of the game format")
        if isinstance(table, dict):
            out += ["", f"[{toml_key(name)}]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in table.items()]
        elif isinstance(table, list) and table and all(isinstance(t, dict) for t in table):
            for t in table:
                out += ["", f"[[{toml_key(name)}]]"] + [f"{toml_key(k)} = {toml_value(v)}" for k, v in t.items()]
        else:
            raise GameError(f"extra section {name!r} is not a table, so it cannot be written to TOML")
    text = "\n".join(out) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _payoff(value) -> str:
    if is_symbolic(value):
        return toml_string(format_formula(value))
    return toml_number(value)


# old private names of the shared writing helpers, kept for old imports
_key, _number, _string, _long_string, _value = toml_key, toml_number, toml_string, toml_long_string, toml_value

__all__ = ["read_toml", "parse_toml_game", "write_toml", "key_lines", "header_lines", "KNOWN_KEYS"]
