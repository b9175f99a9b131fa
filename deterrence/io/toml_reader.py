"""What every TOML game file shares: the reader of the head, key lines, TOML writing.

``tomllib`` reports no line numbers for values, so :func:`key_lines` finds
the line of each key in the raw text; :class:`TomlReader` checks the head
every game file has (``title``, ``description``, ``sources``, ``players``,
``[parameters]``) and turns every problem into a
:class:`~deterrence.errors.GameFileError` naming the file, the line and the
field. The normal-form reader (:mod:`deterrence.io.toml_format`) and the tree
reader (:mod:`deterrence.io.tree_toml`) build on it; the writing helpers
(:func:`toml_string`, :func:`toml_key`, :func:`toml_number`,
:func:`toml_value`, :func:`header_lines`) are shared by their writers.

Sources: TOML v1.0.0 (https://toml.io).
"""
from __future__ import annotations

import datetime
import difflib
import math
import re
import tomllib
from fractions import Fraction

from deterrence.core.symbolic import MAX_LENGTH
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import _type_name, a_table, check_parameter_name, parameter_value

#: the sections some game file has: an unknown table whose name is close to one is a misspelling
SECTION_NAMES = ("actions", "parameters", "payoffs", "claims", "repeated", "tree", "stochastic")


# -- where each key is ---------------------------------------------------------
def key_lines(text: str) -> dict:
    """Line (1-based) where each key path of a valid TOML text is first defined.

    Keys in inline tables are not listed: they sit on their parent key's line. The elements
    of an array are listed under its key path and their index (an error about the third
    rule of a long array names that rule's line, not the array's first):

    >>> lines = key_lines('a = 1\\n[b]\\n"c d" = [1,\\n 2]\\ne.f = 3\\n')
    >>> lines[("a",)], lines[("b",)], lines[("b", "c d")], lines[("b", "c d", 1)], lines[("b", "e", "f")]
    (1, 2, 3, 4, 5)

    A table that only a header of its subtable defines is at that header:

    >>> key_lines('x = 1\\n[t.moves.a]\\np = 2\\n')[("t",)]
    2
    """
    lines: dict = {}
    pos, n, line, prefix, depth, expect_key = 0, len(text), 1, (), 0, True
    value_path = None
    # the open arrays and inline tables of a value: [kind, key path or None, element index,
    # waiting for an element]; an element of an array (not inside an inline table) is listed
    # under its key path and index, so an error about it names its own line
    stack: list = []
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
        if stack and stack[-1][0] == "[" and stack[-1][3] and c not in ",]":
            top = stack[-1]
            if top[1] is not None:
                lines.setdefault(top[1] + (top[2],), line)
            top[3] = False
        if expect_key and depth == 0:
            end = _key_end(text, pos)
            raw = text[pos:end]
            if c == "[":
                inner = raw.strip().strip("[]")
                path = _dotted(f"[{inner}]")
                if path is not None:
                    prefix = path
                    for k in range(1, len(path) + 1):   # [a.b] defines the table a too
                        lines.setdefault(path[:k], line)
            else:
                path = _dotted(f"{raw} = 0")
                if path is not None:
                    for k in range(1, len(path) + 1):
                        lines.setdefault(prefix + path[:k], line)
                value_path = None if path is None else prefix + path
            pos = end + (0 if c == "[" else 1)
            expect_key = False
            continue
        if c in "\"'":
            pos, line = _skip_string(text, pos, line)
            continue
        if c in "[{":
            if not stack:
                path = value_path if c == "[" else None
            else:
                top = stack[-1]
                path = top[1] + (top[2],) if top[0] == "[" and top[1] is not None and c == "[" else None
            stack.append([c, path, 0, True])
            depth += 1
        elif c in "]}":
            if stack:
                stack.pop()
            depth = max(0, depth - 1)
        elif c == "," and stack and stack[-1][0] == "[":
            stack[-1][2] += 1
            stack[-1][3] = True
        pos += 1
    return lines


def place_line(lines: dict, places) -> int | None:
    """The line of the first of ``places`` (key paths, most precise first) found in ``lines``
    (from :func:`key_lines`), else of the longest key prefix of one. A profile may be given as
    its labels, and is matched however its key spaces the commas.

    >>> place_line(key_lines('[payoffs]\\n"a,b" = [1,\\n 2]\\n'), [("payoffs", ("a", "b"), 1)])
    3
    """
    def norm(part):
        if isinstance(part, tuple):
            return ", ".join(str(p).strip() for p in part)
        if isinstance(part, str) and "," in part:
            return ", ".join(p.strip() for p in part.split(","))
        return part
    normal: dict = {}
    for path, line in lines.items():
        normal.setdefault(tuple(norm(p) for p in path), line)
    places = [tuple(norm(p) for p in place) for place in places]
    for place in places:
        if place in normal:
            return normal[place]
    for place in places:
        for k in range(len(place) - 1, 0, -1):
            if place[:k] in normal:
                return normal[place[:k]]
    return None


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


def field_name(*path) -> str:
    """A key path as written in TOML (quoted where needed); a position in an array (an index,
    counted from 0 in key paths) is named as a person counts, from 1: ``(item 2)``. (Payoffs
    counted from 1 and every other array from 0, each as ``[n]``: an error review; a payoff is
    named by its player instead, :meth:`TomlReader.payoff_where`.)

    >>> field_name("payoffs", "a, b"), field_name("actions", "Row", 1), field_name("x", 0, 2)
    ('payoffs."a, b"', 'actions.Row (item 2)', 'x (item 1, item 3)')
    """
    out, items = [], []
    for p in path:
        if isinstance(p, int):
            items.append(f"item {p + 1}")
            continue
        if items:
            out[-1] += f" ({', '.join(items)})"
            items = []
        out.append(toml_key(p))     # quoted as in the file, control characters escaped (one line)
    if items and out:
        out[-1] += f" ({', '.join(items)})"
    return ".".join(out)


class TomlReader:
    """Checks a parsed TOML game file, locating every error (file, line, field).

    Reads what every game file shares (title, sources, players, parameters);
    the normal-form and tree readers add their own sections.

    >>> r = TomlReader('players = ["A", "B"]\\n', {"players": ["A", "B"]}, "g.toml")
    >>> r.players(), r.parameters()
    (['A', 'B'], ({}, {}))
    """

    def __init__(self, text, data, file, *, lines=None):
        """``lines``: the line of each key path when they are known already (a JSON file's:
        :func:`deterrence.io.json_format.json_key_lines`); else found in ``text`` when first asked."""
        self.text, self.data, self.file = text, data, file
        self._lines = lines         # (a mapping, perhaps one that finds them only when first asked)

    def line(self, *path):
        """The line of the file where the key at ``path`` (keys and array indices) is written, or
        of the nearest enclosing key that has one; ``None`` when none is found."""
        if self._lines is None:
            try:
                self._lines = key_lines(self.text)
            except Exception:  # a failing line finder must never hide the real error
                self._lines = {}
        full = tuple(path)
        while full and any(isinstance(p, int) for p in full):    # an element of an array: its own line
            if full in self._lines:
                return self._lines[full]
            full = full[:-1]
        path = tuple(p for p in path if isinstance(p, str))
        while path:
            if path in self._lines:
                return self._lines[path]
            path = path[:-1]
        return None

    def where(self, *path):
        """``{file, line, field}`` for an error about the entry at ``path``."""
        return dict(file=self.file, line=self.line(*path), field=field_name(*path) or None)

    def fail(self, message, *path):
        """Raise a :class:`GameFileError` with ``message``, naming the file, line and field of ``path``."""
        raise GameFileError(message, **self.where(*path))

    def payoff_where(self, path, i, players) -> dict:
        """Where payoff ``i`` of the array at ``path`` is: its element's own line, and a field that
        names its player (the readers of every kind of file share it: they counted from 1 in
        ``[n]`` where other arrays counted from 0, and one named no player: an error review).

        >>> r = TomlReader('[payoffs]\\n"a" = [1,\\n  "x"]\\n', {}, "g.toml")
        >>> r.payoff_where(("payoffs", "a"), 1, ["Row", "Column"])
        {'file': 'g.toml', 'line': 3, 'field': 'payoffs.a (the payoff of Column)'}
        """
        where = self.where(*path)
        where["line"] = self.line(*path, i) or where["line"]        # the lines of an array's elements
        where["field"] = f"{where['field']} (the payoff of {players[i]})"
        return where

    def get(self, key, kind, what, required=False, default=None):
        """The top-level ``key``'s value, checked to be of ``kind``; ``default`` when it is missing,
        or an error (``what`` says what it is) when it is ``required``."""
        if key not in self.data:
            if required:
                # nothing to point at: name the end of the file, where the reader gave up
                last = self.text.count("\n") + (0 if self.text.endswith("\n") else 1)
                raise GameFileError(f"missing (not found before the end of the file): {what}",
                                    file=self.file, line=max(last, 1), field=key)
            return default
        value = self.data[key]
        if not isinstance(value, kind):
            self.fail(f"expected {kind_name(kind, self.file)}, got {_type_name(value, self.file)}", key)
        return value

    def strings(self, value, *path, what="entry"):
        """``value``, checked to be an array of strings (``what`` names an item in the error)."""
        if not isinstance(value, list):
            self.fail(f"expected an array of strings, got {_type_name(value, self.file)}", *path)
        for k, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"every {what} must be a string in quotes, got {_type_name(item, self.file)}", *path, k)
        return value

    def extra_sections(self, known, misplaced=None) -> dict:
        """The sections a game file adds for other layers (``[repeated]``, ...), by one rule for
        every kind of file: each is a table or an array of tables; ``parameter_notes`` is reserved
        (the notes go in ``[parameters]``); a key of ``misplaced`` gets its own message. (Three
        readers had three rules: a tree file took a ``[parameter_notes]`` table that the others
        refused, and ``[[notes]]`` was read in one kind and refused in the other: a review.)

        >>> r = TomlReader("", {"title": "t", "repeated": {"delta": "1/2"}, "notes": [{"a": 1}]}, "g.toml")
        >>> r.extra_sections(("title",))
        {'repeated': {'delta': '1/2'}, 'notes': [{'a': 1}]}
        >>> TomlReader("", {"title": "t", "repeat": {"delta": "1/2"}}, "g.toml").extra_sections(("title",))
        Traceback (most recent call last):
        ...
        deterrence.errors.GameFileError: g.toml: repeat: unknown section [repeat]: did you mean [repeated]? ...
        >>> r.extra_sections(("title", "repeated"), {"notes": "a tree file has no [notes]"})
        Traceback (most recent call last):
        ...
        deterrence.errors.GameFileError: g.toml: notes: a tree file has no [notes]
        """
        extra = {}
        for key, value in self.data.items():
            if key in known:
                continue
            if misplaced and key in misplaced:
                self.fail(misplaced[key], key)
            if key == "parameter_notes":
                self.fail("this name is reserved (parameter notes go in [parameters] as about = ...)", key)
            if isinstance(value, dict) or (isinstance(value, list) and value
                                           and all(isinstance(v, dict) for v in value)):
                near = difflib.get_close_matches(key, (*known, *SECTION_NAMES), n=1, cutoff=0.8)
                if near and key not in SECTION_NAMES:
                    self.fail(f"unknown section [{key}]: did you mean [{near[0]}]? (a section the reader does "
                              "not know is kept for other layers as written, so a misspelt one would be ignored)",
                              key)
                extra[key] = value
            else:
                self.fail(f"unknown key {key!r}; known keys are {', '.join(known)} "
                          "(other sections must be tables)", key)
        return extra

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
        """The ``players`` array: required, at least one name, no empty or repeated name."""
        players = self.get("players", list, 'players = ["Row", "Column"] names the players',
                           required=True)
        self.strings(players, "players", what="player name")
        if not players:
            self.fail("a game needs at least one player", "players")
        seen = set()
        for k, p in enumerate(players):
            if not p.strip():
                self.fail("empty player name", "players", k)
            if p in seen:
                self.fail(f"duplicate player name {p!r}", "players", k)
            seen.add(p)
        return players

    def parameters(self):
        """The ``[parameters]`` table read: ``(values, notes)``, each by parameter name."""
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
                        self.fail(f"about must be a string, got {_type_name(spec['about'], self.file)}",
                                  "parameters", name, "about")
                    notes[name] = spec["about"]
                if "value" in spec:
                    where = self.where("parameters", name, "value")
            params[name] = parameter_value(value, **where)
        return params, notes


def kind_name(kind, file=None) -> str:
    """How a kind is named in the messages of ``file`` (a mapping: :func:`~deterrence.io._common.a_table`).

    >>> kind_name(dict), kind_name(dict, "g.json")
    ('a table', 'an object')
    """
    return {str: "a string", list: "an array", dict: a_table(file)}.get(kind, kind.__name__)



# -- writing -------------------------------------------------------------------
def header_lines(game) -> list:
    """The head every game file shares: title, description, sources, players.

    >>> from deterrence import NormalFormGame
    >>> header_lines(NormalFormGame.from_arrays([[1]], title="t"))
    ['title = "t"', 'players = ["Row", "Column"]']
    """
    out = []
    if game.title:
        out.append(f"title = {toml_string(game.title)}")
    if game.description:
        out.append(f"description = {toml_long_string(game.description)}")
    if game.sources:
        out.append("sources = [" + ", ".join(toml_string(s) for s in game.sources) + "]")
    out.append("players = [" + ", ".join(toml_string(p) for p in game.players) + "]")
    return out


def toml_number(value) -> str:
    """A number as TOML text: an integer as it is, a fraction (or a huge integer) in quotes.

    >>> toml_number(3), toml_number(Fraction(1, 3)), toml_number(2**70)
    ('3', '"1/3"', '"1180591620717411303424"')
    """
    # Fractions go in quotes ("1/3"): TOML has no rationals, and floats would lose exactness.
    # Integers beyond TOML's 64 bits go in quotes too, so that any TOML reader accepts the file.
    if isinstance(value, int) and not isinstance(value, bool) and -2**63 <= value < 2**63:
        return str(value)
    text = str(value)
    if len(text) > MAX_LENGTH:
        raise GameError(f"number {text[:20]}... has {len(text)} characters: a game file holds "
                        f"numbers of up to {MAX_LENGTH}")
    return toml_string(text)


_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\b": "\\b", "\f": "\\f"}


def toml_string(s: str) -> str:
    r"""A TOML basic string, quotes and control characters escaped.

    >>> print(toml_string('say "hold"\tnow'))
    "say \"hold\"\tnow"
    """
    return '"' + "".join(_ESCAPES.get(ch, ch) if ch in _ESCAPES else
                         (f"\\u{ord(ch):04x}" if ord(ch) < 32 or ord(ch) == 127 else ch)
                         for ch in s) + '"'


def toml_long_string(s: str) -> str:
    r"""A TOML multi-line string for text with line breaks (a description); one line stays basic.

    >>> toml_long_string("two\nlines\n").split("\n")[1:3], toml_long_string("one line")
    (['two', 'lines'], '"one line"')
    """
    if not s.endswith("\n") and "\n" not in s:
        return toml_string(s)
    body = "".join(ch if ch in "\n\t" else _ESCAPES.get(ch) or
                   (f"\\u{ord(ch):04x}" if ord(ch) < 32 or ord(ch) == 127 else ch) for ch in s)
    # The newline after the opening quotes is dropped by TOML; it keeps the text readable.
    return '"""\n' + body + '"""'


def toml_key(k) -> str:
    """A bare key when TOML allows one, else a quoted one.

    >>> toml_key("W_iran"), toml_key("hold, retaliate")
    ('W_iran', '"hold, retaliate"')
    """
    k = str(k)
    return k if re.fullmatch(r"[A-Za-z0-9_-]+", k) else toml_string(k)


def toml_value(v) -> str:
    """Any value of a game's extra sections as TOML text.

    >>> toml_value(True), toml_value(0.5), toml_value(["a", 1])
    ('true', '0.5', '["a", 1]')
    """
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
        return toml_string(str(v))
    if isinstance(v, str):
        return toml_string(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(x)}" for k, x in v.items()) + " }" if v else "{}"
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return v.isoformat()
    raise GameError(f"value {v!r} of type {type(v).__name__} cannot be written to TOML")


__all__ = [
    "TomlReader",
    "field_name",
    "header_lines",
    "key_lines",
    "kind_name",
    "place_line",
    "toml_key",
    "toml_long_string",
    "toml_number",
    "toml_string",
    "toml_value",
]
