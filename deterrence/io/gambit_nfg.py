"""Gambit's strategic-form files (``.nfg``), read and written.

Two versions of the format exist, both read here:

* the *payoff* version: a header, then one payoff per player for every
  profile, ``NFG 1 R "title" { "P1" "P2" } { 3 3 }`` then ``1 2 0 0 ...``;
* the *outcome* version: strategy labels in braces, a list of outcomes
  ``{ "name" 1, 2 }`` and then, for every profile, the index of its outcome
  (``0`` is the null outcome: every payoff 0).

In both, profiles run with the **first player's strategy changing fastest**.
``NFG 1 R`` (rational) and ``NFG 1 D`` (decimal) files are read exactly:
integers, decimals (``-1.5``, ``2e3``) and fractions (``3/2``). Strings are in
double quotes; ``\\"`` is a quote and ``\\\\`` a backslash inside them. An
optional string after the strategies is the game's description.
"""
from __future__ import annotations

import itertools
import re
from pathlib import Path

import numpy as np

from deterrence.core.normal_form import NormalFormGame
from deterrence.core.numbers import is_symbolic, to_exact
from deterrence.errors import GameError, GameFileError
from deterrence.io._common import decode_text, read_file_bytes

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?(?:/\d+)?\Z", re.ASCII)
#: Largest number of profiles a file may declare (the payoffs must be listed anyway).
MAX_PROFILES = 10_000_000


def read_nfg(path):
    """Read a game from a Gambit ``.nfg`` file.

    >>> import tempfile, os
    >>> path = os.path.join(tempfile.mkdtemp(), "g.nfg")
    >>> _ = open(path, "w").write('NFG 1 R "PD" { "A" "B" } { 2 2 }\\n3 3 5 0 0 5 1 1\\n')
    >>> read_nfg(path).payoff((1, 0))
    (5, 0)
    """
    raw, file = read_file_bytes(path)
    return parse_nfg(raw, file=file)


def parse_nfg(text, *, file="<string>"):
    """Read a game from the text (or bytes) of a Gambit ``.nfg`` file.

    >>> g = parse_nfg('NFG 1 R "PD" { "A" "B" } { 2 2 }\\n3 3 5 0 0 5 1 1')
    >>> g.A.tolist(), g.B.tolist()
    ([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> parse_nfg('NFG 1 R "x" { "A" "B" } { 2 2 }\\n1 2 3', file="g.nfg")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: g.nfg:2: payoffs: the file ends after 3 payoffs; 4 profiles of 2 players need 8
    """
    if isinstance(text, (bytes, bytearray)):
        # Gambit wrote Latin-1 labels in older versions; every byte is valid there.
        text = decode_text(text, file, fallback="latin-1")
    if not isinstance(text, str):
        raise GameFileError(f"expected the text of an .nfg file, got {type(text).__name__}", file=file)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise GameFileError("empty file: an .nfg file starts with NFG 1 R or NFG 1 D", file=file)
    return _Parser(text, file).game()


class _Parser:
    """A token stream with line numbers, and the grammar of the two versions."""

    def __init__(self, text, file):
        self.file = file
        self.tokens = _tokenize(text, file)
        self.pos = 0
        self.last_line = text.count("\n") + 1

    def fail(self, message, line=None, field=None):
        raise GameFileError(message, file=self.file, line=line, field=field)

    def peek(self):
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self, what, field=None):
        tok = self.peek()
        if tok is None:
            self.fail(f"the file ends where {what} should be", self.last_line, field)
        self.pos += 1
        return tok

    def expect(self, kind, what, field=None):
        tok = self.next(what, field)
        if tok[0] != kind:
            self.fail(f"expected {what}, found {_show(tok)}", tok[2], field)
        return tok

    def strings_in_braces(self, what, field):
        self.expect("{", f"'{{' opening the {what}", field)
        out = []
        while True:
            tok = self.next(f"'}}' closing the {what}", field)
            if tok[0] == "}":
                return out
            if tok[0] != "str":
                self.fail(f"expected a {what[:-1] if what.endswith('s') else what} in quotes or '}}', "
                          f"found {_show(tok)}", tok[2], field)
            out.append(tok[1])

    def game(self):
        tok = self.next("the header NFG 1 R")
        if tok[0] != "word" or tok[1] != "NFG":
            self.fail(f"not an .nfg file: it should start with NFG, found {_show(tok)}", tok[2], "header")
        tok = self.next("the version number 1", "header")
        if tok[1] != "1":
            self.fail(f"only version 1 of the .nfg format exists, found {_show(tok)}", tok[2], "header")
        tok = self.next("R or D", "header")
        if tok[0] != "word" or tok[1] not in ("R", "D"):
            self.fail(f"expected R (rational) or D (decimal) after NFG 1, found {_show(tok)}",
                      tok[2], "header")
        title = self.expect("str", "the title in quotes", "title")[1]
        players = self.strings_in_braces("player names", "players")
        if not players:
            self.fail("a game needs at least one player", self.tokens[self.pos - 1][2], "players")
        players = _unique([p or f"Player {i + 1}" for i, p in enumerate(players)])
        n = len(players)
        actions = self.strategies(n)
        shape = tuple(len(a) for a in actions)
        size = 1
        for k in shape:
            size *= k
            if size > MAX_PROFILES:
                self.fail(f"{'x'.join(map(str, shape))} game has more than {MAX_PROFILES} profiles",
                          self.tokens[self.pos - 1][2], "strategies")
        description = ""
        if self.peek() is not None and self.peek()[0] == "str":
            description = self.next("")[1]
        if self.peek() is not None and self.peek()[0] == "{":
            flat = self.outcome_payoffs(n, size)
        else:
            flat = self.plain_payoffs(n, size)
        tok = self.peek()
        if tok is not None:
            self.fail(f"unexpected {_show(tok)} after the last payoff", tok[2], "payoffs")
        arrays = [np.empty(shape, dtype=object) for _ in range(n)]
        # Gambit lists profiles with the first player's strategy changing fastest.
        for k, prof in enumerate(itertools.product(*(range(s) for s in reversed(shape)))):
            idx = prof[::-1]
            for i in range(n):
                arrays[i][idx] = flat[k][i]
        try:
            return NormalFormGame(arrays, players=players, actions=actions,
                                  title=title, description=description)
        except GameError as exc:  # everything is checked above; be safe
            raise GameFileError(str(exc), file=self.file) from None

    def strategies(self, n):
        start = self.expect("{", "'{' opening the strategies", "strategies")
        tok = self.peek()
        if tok is not None and tok[0] == "{":
            actions = []
            for i in range(n):
                labels = self.strings_in_braces("strategy labels", "strategies")
                if not labels:
                    self.fail(f"player {i + 1} has no strategies", self.tokens[self.pos - 1][2],
                              "strategies")
                actions.append(_unique([s or str(j + 1) for j, s in enumerate(labels)]))
            self.expect("}", f"'}}' after the strategy labels of the {n} players", "strategies")
            return actions
        counts = []
        while True:
            tok = self.next("'}' closing the numbers of strategies", "strategies")
            if tok[0] == "}":
                break
            if tok[0] != "word" or not _is_count(tok[1]) or int(tok[1]) < 1 or len(tok[1]) > 8:
                self.fail(f"expected a number of strategies (a positive integer), found {_show(tok)}",
                          tok[2], "strategies")
            counts.append(int(tok[1]))
        if len(counts) != n:
            self.fail(f"{len(counts)} numbers of strategies for {n} players", start[2], "strategies")
        # Gambit names strategies by number when the file gives only counts.
        return [[str(j + 1) for j in range(k)] for k in counts]

    def number(self, what, field):
        tok = self.next(what, field)
        if tok[0] != "word":
            self.fail(f"expected {what}, found {_show(tok)}", tok[2], field)
        return _number(tok, self.file, field)

    def plain_payoffs(self, n, size):
        flat = []
        for k in range(size):
            row = []
            for i in range(n):
                tok = self.peek()
                if tok is None:
                    got = k * n + i
                    self.fail(f"the file ends after {got} payoffs; {size} profiles of {n} players "
                              f"need {size * n}", self.last_line, "payoffs")
                row.append(self.number("a payoff", "payoffs"))
            flat.append(row)
        return flat

    def outcome_payoffs(self, n, size):
        self.expect("{", "'{' opening the outcomes", "outcomes")
        outcomes = []
        while True:
            tok = self.next("'}' closing the outcomes", "outcomes")
            if tok[0] == "}":
                break
            if tok[0] != "{":
                self.fail(f"expected an outcome {{ \"name\" payoffs }} or '}}', found {_show(tok)}",
                          tok[2], "outcomes")
            self.expect("str", "the outcome's name in quotes", "outcomes")
            pays = []
            while True:
                tok = self.peek()
                if tok is not None and tok[0] == "}":
                    self.pos += 1
                    break
                pays.append(self.number("a payoff or '}'", "outcomes"))
            if len(pays) != n:
                self.fail(f"outcome {len(outcomes) + 1} has {len(pays)} payoffs, the game has "
                          f"{n} players", tok[2] if tok else self.last_line, "outcomes")
            outcomes.append(pays)
        flat = []
        for k in range(size):
            tok = self.next(f"the outcome of profile {k + 1} of {size}", "outcomes")
            if tok[0] != "word" or not _is_count(tok[1]) or len(tok[1]) > 12:
                self.fail(f"expected an outcome number, found {_show(tok)}", tok[2], "outcomes")
            j = int(tok[1])
            if j > len(outcomes):
                self.fail(f"outcome {j} does not exist: there are {len(outcomes)} outcomes "
                          "(0 is the null outcome)", tok[2], "outcomes")
            flat.append([0] * n if j == 0 else outcomes[j - 1])
        return flat


def _tokenize(text, file):
    """Tokens (kind, value, line): '{', '}', 'str' (unescaped) and 'word'."""
    tokens, pos, n, line = [], 0, len(text), 1
    while pos < n:
        ch = text[pos]
        if ch == "\n":
            line += 1
            pos += 1
        elif ch.isspace() or ch == ",":  # commas separate payoffs in outcomes; no meaning
            pos += 1
        elif ch in "{}":
            tokens.append((ch, ch, line))
            pos += 1
        elif ch == '"':
            start_line, out, pos = line, [], pos + 1
            while True:
                if pos >= n:
                    raise GameFileError("a string in quotes is not closed before the end of the file",
                                        file=file, line=start_line)
                c = text[pos]
                if c == "\\" and pos + 1 < n:
                    out.append(text[pos + 1])
                    line += text[pos + 1] == "\n"
                    pos += 2
                    continue
                if c == '"':
                    pos += 1
                    break
                line += c == "\n"
                out.append(c)
                pos += 1
            tokens.append(("str", "".join(out), start_line))
        else:
            end = pos + 1
            while end < n and not (text[end].isspace() or text[end] in '{}",'):
                end += 1
            tokens.append(("word", text[pos:end], line))
            pos = end
    return tokens


def _number(tok, file, field):
    text = tok[1]
    if not _NUMBER.match(text):
        raise GameFileError(f"{text[:40]!r} is not a number (integers, decimals and fractions "
                            "such as 3/2 are)", file=file, line=tok[2], field=field)
    if len(text) > 1000:
        raise GameFileError(f"number of {len(text)} characters is too long", file=file,
                            line=tok[2], field=field)
    try:
        return to_exact(text)
    except GameError:  # 1/0
        raise GameFileError(f"{text!r} is not a finite number", file=file, line=tok[2],
                            field=field) from None


def _is_count(text) -> bool:
    # ASCII digits only: str.isdigit() is also true of "²", which int() refuses
    return text.isascii() and text.isdigit()


def _show(tok):
    if tok[0] == "str":
        return f'the string "{tok[1][:40]}"'
    return repr(tok[1][:40])


def _unique(labels):
    """Gambit allows repeated labels; the game needs distinct ones, so repeats get a suffix."""
    seen, out = set(), []
    for lab in labels:
        new, k = lab, 2
        while new in seen:
            new, k = f"{lab} ({k})", k + 1
        seen.add(new)
        out.append(new)
    return out


# -- writing -------------------------------------------------------------------
def write_nfg(game, path=None, *, outcomes=False) -> str:
    """The ``.nfg`` text of an exact game (``NFG 1 R``); also written to ``path`` if given.

    With ``outcomes=True`` the outcome version is written (one outcome per profile).

    >>> g = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], title="PD")
    >>> print(write_nfg(g))
    NFG 1 R "PD" { "Row" "Column" }
    <BLANKLINE>
    { { "0" "1" }
    { "0" "1" }
    }
    ""
    <BLANKLINE>
    3 3 5 0 0 5 1 1
    <BLANKLINE>
    >>> parse_nfg(write_nfg(g, outcomes=True)) == g
    True
    """
    if not isinstance(game, NormalFormGame):
        raise GameError(f"write_nfg writes normal-form games, not {type(game).__name__}")
    if game.is_symbolic:
        raise GameError("an .nfg file holds numbers only: call .subs(...) or .with_defaults() "
                        f"to give values to {', '.join(sorted(game.parameters))} first")
    out = [f"NFG 1 R {_quote(game.title)} {{ " + " ".join(_quote(p) for p in game.players) + " }", ""]
    out.append("{ " + "\n".join("{ " + " ".join(_quote(a) for a in acts) + " }"
                                for acts in game.actions))
    out.append("}")
    out.append(_quote(game.description))
    out.append("")
    profiles = [prof[::-1] for prof in
                itertools.product(*(range(s) for s in reversed(game.shape)))]
    arrays = game.payoff_arrays
    if outcomes:
        out.append("{")
        for prof in profiles:
            out.append('{ "" ' + ", ".join(_num(arr[prof]) for arr in arrays) + " }")
        out.append("}")
        out.append(" ".join(str(k + 1) for k in range(len(profiles))))
    else:
        out.append(" ".join(_num(arr[prof]) for prof in profiles for arr in arrays))
    text = "\n".join(out) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text


def _num(value) -> str:
    if is_symbolic(value):
        raise GameError(f"payoff {value} is symbolic")
    return str(to_exact(value))


def _quote(s) -> str:
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'
