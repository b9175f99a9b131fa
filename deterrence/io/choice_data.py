"""Observed choices as CSV: the files that ``deterrence fit`` reads.

Two layouts, each a header line and then one row per record (blank lines and lines
starting with ``#`` are skipped; the columns may come in any order):

* **Choice counts** (:func:`read_choice_counts`, for the logit QRE fit): columns
  ``player,action,count`` and, for a game tree, ``information_set`` (the set's
  name as ``deterrence show`` prints it, e.g. ``1:1`` in a Gambit ``.efg`` file; it
  may be left empty for a player with one information set). ``count`` is a number
  at least 0: how often the player chose the action (at that set). Rows for the same
  action add up and actions not listed count 0, so a log with one row per observed
  choice and ``count`` 1 works as well as a table of totals. Frequencies (shares)
  may be given instead of counts, but then the standard errors are those of one
  observation per unit of frequency: give counts when you want standard errors.
* **Crisis outcomes** (:func:`csv_records` with columns ``x,z,outcome``, read by
  :func:`deterrence.solvers.inference.strategic_probit.load_crisis_data`): one row per
  crisis, its covariates and its outcome.

Every error names the file, the line and the column (``counts.csv:4: column
'action': ...``).
"""
from __future__ import annotations

import math
import sys

from deterrence.errors import GameError, GameFileError
from deterrence.io._common import csv_rows

__all__ = ["COUNT_COLUMNS", "csv_records", "parse_choice_counts", "read_choice_counts"]

#: the columns of a choice-count file (``information_set`` only for game trees)
COUNT_COLUMNS = ("player", "action", "count", "information_set")


def csv_records(text: str, *, file: str, required, optional=()) -> list:
    """``[(line, {column: text})]`` of a CSV text whose header has every ``required``
    column and no column outside ``required`` and ``optional``.

    >>> csv_records("a,b\\n# a comment\\n1,2\\n", file="d.csv", required=("a", "b"))
    [(3, {'a': '1', 'b': '2'})]
    >>> csv_records("a\\n1\\n", file="d.csv", required=("a", "b"))
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: d.csv:1: no column 'b' in the header (it needs a, b)
    """
    def header(record, line):
        columns = [c.strip() for c in record]
        _check_header(columns, required, optional, file, line)
        return columns

    columns, rows = csv_rows(text, file=file, header=header)
    records = [(line, {c: v.strip() for c, v in row.items()}) for line, row in rows]
    if columns is None:
        raise GameFileError(f"no header line (expected the columns {', '.join(required)})", file=file, line=1)
    if not records:
        raise GameFileError("no data after the header", file=file)
    return records


def _check_header(columns, required, optional, file, line):
    allowed = tuple(required) + tuple(optional)
    for c in columns:
        if c not in allowed:
            raise GameFileError(f"unknown column {c[:40]!r} (the columns are {', '.join(allowed)})",
                                file=file, line=line)
    if len(set(columns)) != len(columns):
        raise GameFileError("a column appears twice in the header", file=file, line=line)
    for c in required:
        if c not in columns:
            raise GameFileError(f"no column {c!r} in the header (it needs {', '.join(required)})",
                                file=file, line=line)


def parse_count(text: str, *, file: str, line: int, column: str = "count") -> float:
    """A count (or frequency): a finite number at least 0.

    >>> parse_count("12", file="d.csv", line=2)
    12.0
    >>> parse_count("9" * 400, file="d.csv", line=3)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: d.csv:3: column 'count': a count of 400 characters is beyond the float range ...
    >>> parse_count("-3", file="d.csv", line=4)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: d.csv:4: column 'count': must be a number at least 0, got '-3'
    """
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isinf(value) and value > 0 and text.strip().lstrip("+").lower() not in ("inf", "infinity"):
        shown = text.strip()
        raise GameFileError(f"a count of {len(shown)} characters is beyond the float range "
                            f"(counts are at most {sys.float_info.max:.3g}), got {shown[:40]!r}...",
                            file=file, line=line, field=f"column {column!r}")
    if not math.isfinite(value) or value < 0:
        raise GameFileError(f"must be a number at least 0, got {text[:40]!r}", file=file, line=line,
                            field=f"column {column!r}")
    return value


def parse_choice_counts(text: str, game, *, file: str = "<counts>") -> dict:
    """The counts in a choice-count CSV text, checked against ``game``: ``{player: {action:
    count}}`` for a normal-form game, ``{(player, information set): {action: count}}`` for a
    game tree (the forms :func:`deterrence.solvers.inference.qre_fit.fit_logit_qre` takes).

    >>> from deterrence.io import load_game
    >>> chicken = load_game("chicken")
    >>> parse_choice_counts("player,action,count\\nRow,swerve,30\\nRow,straight,10\\n"
    ...                     "Column,swerve,25\\nRow,swerve,2\\n", chicken)
    {'Row': {'swerve': 32.0, 'straight': 10.0}, 'Column': {'swerve': 25.0, 'straight': 0.0}}
    >>> parse_choice_counts("player,action,count\\nRow,dive,3\\n", chicken, file="c.csv")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameFileError: c.csv:2: column 'action': Row has no action 'dive' (its actions: swerve, straight)
    """
    from deterrence.core.tree import GameTree
    if isinstance(game, GameTree):
        return _tree_counts(text, game, file)
    records = csv_records(text, file=file, required=COUNT_COLUMNS[:3])
    counts = {p: dict.fromkeys(acts, 0.0) for p, acts in zip(game.players, game.actions)}
    for line, row in records:
        player = _known(row["player"], counts, "player", "the game has no player", file, line)
        action = _known(row["action"], counts[player], "action", f"{player} has no action", file, line,
                        "its actions")
        counts[player][action] += parse_count(row["count"], file=file, line=line)
    return counts


def _tree_counts(text, tree, file):
    records = csv_records(text, file=file, required=COUNT_COLUMNS[:3], optional=COUNT_COLUMNS[3:])
    counts = {key: dict.fromkeys(st.actions, 0.0) for key, st in tree.infosets.items()}
    sets_of: dict = {}
    for player, name in counts:
        sets_of.setdefault(player, []).append(name)
    for line, row in records:
        player = _known(row["player"], sets_of, "player", "the game has no player", file, line)
        name = row.get("information_set", "")
        if not name:
            if len(sets_of[player]) != 1:
                raise GameFileError(f"{player} has {len(sets_of[player])} information sets: name one "
                                    f"({', '.join(sets_of[player])})", file=file, line=line,
                                    field="column 'information_set'")
            name = sets_of[player][0]
        name = _known(name, dict.fromkeys(sets_of[player]), "information_set",
                      f"{player} has no information set", file, line, "its sets")
        moves = counts[(player, name)]
        action = _known(row["action"], moves, "action", f"{player} has no action", file, line,
                        f"its actions at {name}")
        moves[action] += parse_count(row["count"], file=file, line=line)
    return counts


def _known(value, known, column, what, file, line, listing="its players"):
    if value not in known:
        raise GameFileError(f"{what} {value[:60]!r} ({listing}: {', '.join(known)})", file=file, line=line,
                            field=f"column {column!r}")
    return value


def read_choice_counts(path, game) -> dict:
    """The choice counts in the CSV file at ``path`` (see :func:`parse_choice_counts`).

    >>> import os, tempfile
    >>> from deterrence.io import load_game
    >>> path = os.path.join(tempfile.mkdtemp(), "entry.csv")
    >>> with open(path, "w") as f:
    ...     _ = f.write("player,information_set,action,count\\nEntrant,,in,7\\nIncumbent,in,fight,2\\n")
    >>> read_choice_counts(path, load_game("entry_deterrence"))[("Incumbent", "in")]
    {'fight': 2.0, 'accommodate': 0.0}
    """
    from deterrence.io._common import decode_text, read_file_bytes
    raw, file = read_file_bytes(path, what="choice-count file")
    if not hasattr(game, "players"):
        raise GameError(f"choice counts need a normal-form game or a game tree, not a {type(game).__name__}")
    return parse_choice_counts(decode_text(raw, file), game, file=file)
