"""Games as JSON: a documented shape, exact numbers kept as strings.

The shape (every key but ``players``, ``actions`` and ``payoffs`` optional)::

    {
      "format": "deterrence.normal_form", "version": 1,
      "title": "...", "description": "...", "sources": ["..."],
      "players": ["US", "Iran"],
      "actions": {"US": ["hold", "strike"], "Iran": ["hold", "strike"]},
      "parameters": {"c": "3", "k": null},          # default values as exact strings; null = none
      "profiles": [["hold", "hold"], ["hold", "strike"], ...],
      "payoffs": [["0", "0"], ["-c", "1/2"], ...],  # one list per profile, one payoff per player
      "claims": {...}, "extra": {"parameter_notes": {"c": "..."}, "repeated": {...}}
    }

Payoffs are written as strings: exact numbers (``"1/3"``, ``"-2"``) or
formulas over the declared parameters (``"-W/2 + c"``), read back by the
whitelist parser :func:`deterrence.core.symbolic.parse_expression`. Plain JSON
numbers are accepted too (floats by the rule of :mod:`deterrence.core.numbers`).
``profiles`` gives the profile of each entry of ``payoffs``; without it the
payoffs run over profiles with the last player's action changing fastest.

A game tree has ``"format": "deterrence.tree"`` and, instead of ``actions``,
``profiles`` and ``payoffs``, a ``tree`` object: the root node in the shape
of a TOML ``[tree]`` table (:mod:`deterrence.io.tree_toml`)::

    {"player": "Entrant", "moves": {"out": {"payoffs": ["0", "2"]},
                                    "in": {"player": "Incumbent", "infoset": "...", "moves": {...}}}}
    {"probabilities": {"hard": "p", "soft": "1 - p"}, "moves": {...}}   # a chance node
    {"payoffs": ["-f", "1"], "outcome": "war"}                          # a terminal node

and ``parameters`` as ``{"f": {"value": "1", "about": "..."}}``. It is read
back by the tree reader, so the same checks apply.
"""
from __future__ import annotations

import datetime
import itertools
import json
import math
import re
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path

import numpy as np

from deterrence.core.normal_form import NormalFormGame
from deterrence.core.numbers import is_symbolic
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import (decode_text, read_file_bytes, _type_name, check_parameter_name, format_formula,
                      format_number, parameter_value, payoff_value)
from deterrence.io.toml_reader import field_name

FORMAT = "deterrence.normal_form"
TREE_FORMAT = "deterrence.tree"
VERSION = 1
KEYS = ("format", "version", "title", "description", "sources", "players", "actions",
        "parameters", "profiles", "payoffs", "claims", "extra")


def read_json(path):
    """Read a game from a JSON file in the shape of :func:`game_to_json`.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "g.json")
    >>> _ = write_json(NormalFormGame.from_arrays([[1, 2], [3, 4]]), path)
    >>> read_json(path).A.tolist()
    [[1, 2], [3, 4]]
    """
    raw, file = read_file_bytes(path)
    return parse_json_game(raw, file=file)


def parse_json_game(text, *, file="<string>"):
    """Read a game from JSON text (or bytes).

    >>> text = '{"players": ["A"], "actions": {"A": ["x", "y"]}, "payoffs": [["1"], ["1/2"]]}'
    >>> parse_json_game(text).payoff_array(0).tolist()
    [1, Fraction(1, 2)]
    >>> parse_json_game('{"players": ["A"],\\n "actions": }', file="g.json")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.json:2: not valid JSON: Expecting value (column 13)
    """
    if isinstance(text, (bytes, bytearray)):
        text = decode_text(text, file)
    if not isinstance(text, str):
        raise GameFileError(f"expected JSON text, got {type(text).__name__}", file=file)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise GameFileError("empty file: a game needs players, actions and payoffs", file=file)
    try:
        from deterrence.core.numbers import ExactFloat
        obj = json.loads(text, parse_constant=_no_constant, parse_float=ExactFloat,   # exact later
                         object_pairs_hook=_once_each)
    except _KeyTwice as twice:   # json keeps the last silently: a "players" written twice lost one
        try:
            path, line = json_key_lines(text)[1]
        except Exception:   # a failing line finder must never hide the real error
            path, line = (twice.args[0],), None
        raise GameFileError(f"key {path[-1]!r} is given twice in one object (give each key once)",
                            file=file, line=line, field=field_name(*path)) from None
    except json.JSONDecodeError as exc:
        raise GameFileError(f"not valid JSON: {exc.msg} (column {exc.colno})", file=file,
                            line=exc.lineno) from None
    except (RecursionError, MemoryError):
        raise GameFileError("not valid JSON: nested too deeply", file=file) from None
    except ValueError as exc:  # NaN/Infinity, or an integer of over 4300 digits
        found = re.search(r"-?[0-9]{4300,}", text)
        if found:
            raise GameFileError(f"not valid JSON: an integer of {found.end() - found.start()} digits, "
                                "over the limit of 4300 digits", file=file,
                                line=text.count("\n", 0, found.start()) + 1) from None
        raise GameFileError(f"not valid JSON: {exc}", file=file, line=_constant_line(text)) from None
    # the lines are found only when an error asks for one (the scan costs a tenth of a large file's read)
    return game_from_json(obj, file=file, lines=LazyLines(lambda: json_key_lines(text)[0]))


class _KeyTwice(Exception):
    """A key given twice in one JSON object (its line is found by :func:`json_key_lines`)."""


def _once_each(pairs):
    """``object_pairs_hook`` of the reader: the object, each key given once."""
    out = dict(pairs)
    if len(out) != len(pairs):
        raise _KeyTwice(next(k for i, (k, _) in enumerate(pairs) if k in dict(pairs[:i])))
    return out


class LazyLines(Mapping):
    """The lines of key paths, found by ``find()`` when first asked (``{}`` when it fails: a failing
    line finder must never hide the real error).

    >>> lines = LazyLines(lambda: {("a",): 2})
    >>> lines.get(("a",)), ("b",) in lines
    (2, False)
    """

    def __init__(self, find):
        self._find, self._found = find, None

    def _lines(self):
        if self._found is None:
            try:
                self._found = dict(self._find())
            except Exception:
                self._found = {}
        return self._found

    def __getitem__(self, key):
        return self._lines()[key]

    def __iter__(self):
        return iter(self._lines())

    def __len__(self):
        return len(self._lines())


#: the tokens of valid JSON text: a string, a structural character, a scalar (number, true, false,
#: null), white space (the only place a line break can be)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+|\s+')


def json_key_lines(text: str):
    """``(lines, duplicate)`` of valid JSON text: the line (1-based) of each key path, as
    :func:`deterrence.io.toml_reader.key_lines` gives them for TOML (an object's member at its
    key's line, the last when written twice, as json keeps the last; an array's element at the
    line where it starts, under its index counted from 0), and the first key written twice in
    one object as ``(path, line)``, or None. (The json module
    gives no positions of values, so a JSON file's errors named a field but no line: an error review.)

    >>> lines, duplicate = json_key_lines('{"a": 1,\\n "b": [2,\\n  {"c d": 3}],\\n "a": 4}')
    >>> lines[("a",)], lines[("b",)], lines[("b", 1)], lines[("b", 1, "c d")], duplicate
    (4, 2, 3, 3, (('a',), 4))
    """
    lines: dict = {}
    duplicate = None
    stack: list = []     # open containers: [kind, path, index of the next element, key of the value]
    line = 1
    for found in _JSON_TOKEN.finditer(text):
        tok = found.group()
        c = tok[0]
        if c.isspace():
            line += tok.count("\n")
            continue
        top = stack[-1] if stack else None
        if top is not None and top[0] == "{":
            if top[3] is None:                 # a key, the end, or the comma after a member
                if c == '"':
                    top[3] = json.loads(tok)
                    path = top[1] + (top[3],)
                    if path in lines and duplicate is None:
                        duplicate = (path, line)
                    lines[path] = line
                elif c == "}":
                    stack.pop()
                continue
            if c == ":":
                continue
            path, top[3] = top[1] + (top[3],), None
        elif top is not None:                  # in an array
            if c == "]":
                stack.pop()
                continue
            if c == ",":
                top[2] += 1
                continue
            path = top[1] + (top[2],)
            lines[path] = line
        else:
            path = ()
        if c in "{[":
            stack.append([c, path, 0, None])
    return lines, duplicate


def _constant_line(text):
    """The line of the first NaN or Infinity outside a string (it had none: an error review), or None.

    >>> _constant_line('{"a": "NaN",\\n "b": -Infinity}')
    2
    """
    line = 1
    for found in _JSON_TOKEN.finditer(text):
        tok = found.group()
        if tok[0].isspace():
            line += tok.count("\n")
        elif tok.lstrip("-") in ("NaN", "Infinity"):
            return line
    return None


def _no_constant(name):
    raise ValueError(f"{name} is not a number JSON allows in a game")


def game_to_json(game) -> dict:
    """A JSON-ready dict describing a normal-form game (exact numbers as strings).

    >>> d = game_to_json(NormalFormGame.from_arrays([[1, 0], [0, 1]]))
    >>> d["profiles"][1], d["payoffs"][1]
    (['0', '1'], ['0', '0'])
    >>> game_from_json(d) == NormalFormGame.from_arrays([[1, 0], [0, 1]])
    True
    """
    from deterrence.core.tree import GameTree
    if isinstance(game, GameTree):
        return tree_to_json(game)
    if not isinstance(game, NormalFormGame):
        raise GameError(f"game_to_json describes normal-form games and game trees, not {type(game).__name__}")
    profiles = list(itertools.product(*(range(k) for k in game.shape)))
    out = {
        "format": FORMAT, "version": VERSION,
        "title": game.title, "description": game.description,
        "sources": list(game.sources), "players": list(game.players),
        "actions": {p: list(a) for p, a in zip(game.players, game.actions)},
        "parameters": {k: (None if v is None else format_number(v))
                       for k, v in game.parameters.items()},
        "profiles": [[a[i] for a, i in zip(game.actions, prof)] for prof in profiles],
        "payoffs": [[_payoff(arr[prof]) for arr in game.payoff_arrays] for prof in profiles],
    }
    if game.claims:
        out["claims"] = _jsonable(game.claims)
    if game.extra:
        out["extra"] = _jsonable(game.extra)
    return out


def _payoff(value) -> str:
    return format_formula(value) if is_symbolic(value) else format_number(value)


def tree_to_json(tree) -> dict:
    """A JSON-ready dict describing a game tree (exact numbers and formulas as strings).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> d = tree_to_json(entry_deterrence(symbolic=True))
    >>> d["format"], d["tree"]["moves"]["in"]["moves"]["fight"]
    ('deterrence.tree', {'payoffs': ['-f', '-f']})
    >>> game_from_json(d) == entry_deterrence(symbolic=True)
    True
    """
    from deterrence.core.tree import Decision, fold_tree, require_recursion_room

    # one nested object a move, and Python's json module reads and writes them recursively
    require_recursion_room(tree, "the JSON form of a tree (one nested object a move)")
    notes = tree.extra.get("parameter_notes", {}) or {}

    def leaf(n, path):
        out = {"payoffs": [_payoff(v) for v in n.payoffs]}
        if n.label:
            out["outcome"] = n.label
        return out

    def node(n, path, below, children):
        out = {"label": n.label} if n.label else {}
        if isinstance(n, Decision):
            out["player"] = n.player
            s = tree.infoset_of(path)
            if len(s.paths) > 1 or n.infoset is not None:
                out["infoset"] = s.name
        else:
            out["probabilities"] = {m: _payoff(q) for m, q, _ in n.moves}
        out["moves"] = dict(zip(n.labels, children))
        return out

    params = {}
    for k, v in tree.parameters.items():
        spec = {"value": None if v is None else format_number(v)}
        if k in notes:
            spec["about"] = str(notes[k])
        params[k] = spec
    out = {"format": TREE_FORMAT, "version": VERSION, "title": tree.title,
           "description": tree.description, "sources": list(tree.sources), "players": list(tree.players),
           "parameters": params, "tree": fold_tree(tree.root, leaf, node)}
    if tree.claims:
        out["claims"] = _jsonable(tree.claims)
    extra = {k: v for k, v in tree.extra.items() if k not in ("parameter_notes", "format")}
    if extra:
        out["extra"] = _jsonable(extra)
    return out


def tree_from_json(obj, *, file="<json>", lines=None):
    """Build a game tree from a dict in the shape of :func:`tree_to_json` (the tree reader's checks;
    ``lines``, from :func:`json_key_lines`, lets them name the line of the file).

    >>> data = {"players": ["A"], "tree": {"player": "A", "moves": {"x": {"payoffs": ["1/2"]}}}}
    >>> tree_from_json(data).node("x").payoffs
    (Fraction(1, 2),)
    """
    from deterrence.io.tree_toml import tree_from_data
    given = lines if lines is not None else {}
    data = {k: v for k, v in obj.items() if k not in ("format", "version", "extra")}
    if obj.get("format", TREE_FORMAT) != TREE_FORMAT:
        raise GameFileError(f"format {obj['format']!r} is not {TREE_FORMAT!r}", file=file,
                            line=given.get(("format",)), field="format")
    if "version" in obj and obj["version"] != VERSION:
        raise GameFileError(f"version {obj['version']!r} is not supported (this reader knows version "
                            f"{VERSION})", file=file, line=given.get(("version",)), field="version")
    extra = obj.get("extra", {})
    if not isinstance(extra, dict):
        raise GameFileError("extra must be an object", file=file, line=given.get(("extra",)), field="extra")
    for k, v in extra.items():
        if k in data:
            raise GameFileError(f"extra section {k!r} clashes with a key of the tree format", file=file,
                                line=given.get(("extra", k)), field="extra")
        data[k] = v
    def moved():    # an extra section is read as a key of the file's top: its lines are moved there too
        out = dict(given)
        out.update({path[1:]: line for path, line in given.items() if path[0] == "extra" and len(path) > 1})
        return out
    return tree_from_data(data, file, lines=LazyLines(moved))


def _jsonable(obj):
    # claims and extra come from TOML (dates, Fractions are possible): JSON gets strings.
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, Fraction):
        return str(obj)
    if isinstance(obj, (datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, float) and (obj != obj or obj in (float("inf"), float("-inf"))):
        return repr(obj)  # JSON has no NaN or infinity
    return obj


def write_json(game, path=None) -> str:
    """The JSON text of a game (see :func:`game_to_json`); also written to ``path`` if given.

    >>> print(write_json(NormalFormGame.from_arrays([[1]], [[2]]))[:40])
    {
      "format": "deterrence.normal_form",
    """
    text = json.dumps(game_to_json(game), indent=2, ensure_ascii=False) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def game_from_json(obj, *, file="<json>", lines=None):
    """Build a game from a dict in the shape of :func:`game_to_json`; ``lines`` (from
    :func:`json_key_lines`) lets its errors name the line of the file.

    >>> game_from_json({"players": ["A", "B"], "actions": {"A": ["x"], "B": ["y"]},
    ...                 "parameters": {"c": "2"}, "payoffs": [["c", "-c/2"]]}).with_defaults().payoff((0, 0))
    (2, -1)
    >>> game_from_json({"players": ["A"], "actions": {"A": ["x"]}}, file="g.json")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.json: payoffs: missing: one list of payoffs per profile
    """
    from deterrence.io.toml_reader import TomlReader
    at = TomlReader("", obj, file, lines=lines if lines is not None else {})

    def fail(message, field=None, path=None):
        """Refuse, naming ``field`` (or the field of ``path``) and the line of ``path`` (default: the field's key)."""
        place = path if path is not None else (field,) if field is not None else ()
        raise GameFileError(message, file=file, line=at.line(*place),
                            field=field if field is not None else field_name(*place) or None)

    if not isinstance(obj, dict):
        fail(f"a game is a JSON object {{...}}, not {_type_name(obj, file)}")
    if "tree" in obj or obj.get("format") == TREE_FORMAT:
        return tree_from_json(obj, file=file, lines=lines)
    for key in obj:
        if key not in KEYS:
            fail(f"unknown key {key!r}; known keys are {', '.join(KEYS)}", key)
    if "format" in obj and obj["format"] != FORMAT:
        fail(f"format {obj['format']!r} is not {FORMAT!r}", "format")
    if "version" in obj and obj["version"] != VERSION:
        fail(f"version {obj['version']!r} is not supported (this reader knows version {VERSION})",
             "version")

    def get(key, kind, what, required=False, default=None):
        if key not in obj:
            if required:
                fail(f"missing: {what}", key)
            return default
        if not isinstance(obj[key], kind):
            fail(f"expected {what}, got {_type_name(obj[key], file)}", key)
        return obj[key]

    def strings(value, field, what, path=None):
        for k, item in enumerate(value):
            if not isinstance(item, str):
                fail(f"every {what} must be a string, got {_type_name(item, file)}", field, (path or (field,)) + (k,))
        return value

    title = get("title", str, "a string", default="")
    description = get("description", str, "a string", default="")
    sources = strings(get("sources", list, "a list of strings", default=[]), "sources", "source")
    players = strings(get("players", list, 'a list of player names such as ["Row", "Column"]',
                          required=True), "players", "player name")
    if not players:
        fail("a game needs at least one player", "players")
    if len(set(players)) != len(players):
        fail("player names repeat", "players", ("players", next(k for k, p in enumerate(players) if p in players[:k])))
    table = get("actions", dict, "an object giving each player's list of actions", required=True)
    for p in table:
        if p not in players:
            fail(f"unknown player {p!r}; players are {', '.join(players)}", "actions", ("actions", p))
    actions = []
    for p in players:
        if p not in table:
            fail(f"no actions for player {p!r}", "actions")
        if not isinstance(table[p], list) or not table[p]:
            fail(f"player {p!r} needs a non-empty list of actions", field_name("actions", p), ("actions", p))
        acts = strings(table[p], field_name("actions", p), "action", ("actions", p))
        if len(set(acts)) != len(acts) or not all(a.strip() for a in acts):
            fail(f"actions of player {p!r} must be distinct and not empty", field_name("actions", p),
                 ("actions", p, next(k for k, a in enumerate(acts) if not a.strip() or a in acts[:k])))
        actions.append(list(acts))
    params = {}
    for name, value in get("parameters", dict, "an object of parameter values",
                           default={}).items():
        field = field_name("parameters", name)
        line = at.line("parameters", name)
        check_parameter_name(name, file=file, line=line, field=field)
        params[name] = parameter_value(value, file=file, line=line, field=field)
    n = len(players)
    shape = tuple(len(a) for a in actions)
    size = math.prod(shape)
    payoffs = get("payoffs", list, "one list of payoffs per profile", required=True)
    if size > len(payoffs):  # checked before building anything of the game's size
        fail(f"{len(payoffs)} lists of payoffs for {size} profiles: every profile needs one",
             "payoffs")
    if "profiles" in obj:
        profiles = get("profiles", list, "a list of profiles (lists of action labels)")
        if len(profiles) != len(payoffs):
            fail(f"{len(profiles)} profiles but {len(payoffs)} lists of payoffs", "profiles")
        index = []
        for k, prof in enumerate(profiles):
            field = f"profiles (item {k + 1})"      # counted from 1, as the TOML readers count
            if not isinstance(prof, list) or len(prof) != n:
                fail(f"a profile is a list of {n} action labels, one per player", field, ("profiles", k))
            idx = []
            for i, lab in enumerate(prof):
                if lab not in actions[i]:
                    fail(f"unknown action {lab!r} for player {players[i]!r}; actions are "
                         f"{', '.join(actions[i])}", field, ("profiles", k, i))
                idx.append(actions[i].index(lab))
            index.append(tuple(idx))
    else:
        if len(payoffs) != size:
            fail(f"{len(payoffs)} lists of payoffs for {size} profiles (without \"profiles\", "
                 "the payoffs list every profile, the last player's action changing fastest)",
                 "payoffs")
        index = list(itertools.product(*(range(k) for k in shape)))
    arrays = [np.empty(shape, dtype=object) for _ in range(n)]
    seen = set()
    declared = list(params)
    for k, (idx, values) in enumerate(zip(index, payoffs)):
        if idx in seen:
            fail(f"profile ({', '.join(a[i] for a, i in zip(actions, idx))}) is given twice",
                 f"profiles (item {k + 1})", ("profiles", k))
        seen.add(idx)
        if not isinstance(values, list) or len(values) != n:
            fail(f"expected a list of {n} payoffs (one per player)", f"payoffs (item {k + 1})", ("payoffs", k))
        for i, v in enumerate(values):
            arrays[i][idx] = payoff_value(v, declared, file=file, line=at.line("payoffs", k, i),
                                          field=f"payoffs (item {k + 1}, the payoff of {players[i]})")
    if len(seen) != size:
        missing = next(p for p in itertools.product(*(range(k) for k in shape)) if p not in seen)
        fail(f"no payoffs for profile ({', '.join(a[i] for a, i in zip(actions, missing))})"
             f"{' and others' if size - len(seen) > 1 else ''}", "payoffs")
    claims = get("claims", dict, "an object", default={})
    extra = get("extra", dict, "an object", default={})
    try:
        return NormalFormGame(arrays, players=players, actions=actions, parameters=params,
                              title=title, description=description, sources=sources,
                              claims=claims, extra=extra)
    except GameError as exc:
        raise GameFileError(str(exc), file=file) from None
