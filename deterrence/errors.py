"""Exceptions of the toolkit.

Every message names what is wrong: the file and line, the player, the action,
or the parameter. Callers (the CLI above all) print ``str(error)`` as is.
"""
from __future__ import annotations


class DeterrenceError(Exception):
    """Base class of every error raised on purpose by ``deterrence``."""


class DefaultValuesWarning(UserWarning):
    """A symbolic game was solved at its parameters' default values, as ``solve`` solves it
    (a tool called directly says so here; ``solve`` in its result's notes)."""


class GameError(DeterrenceError, ValueError):
    """A game (or a strategy, or a parameter value) is not well formed."""


class GameFileError(GameError):
    """A game file cannot be read.

    The message starts with ``file:line:`` (or ``file:`` when no line applies),
    like a compiler's, so editors and people find the place at once.

    >>> str(GameFileError("unknown action 'nuke'", file="g.toml", line=12))
    "g.toml:12: unknown action 'nuke'"
    """

    def __init__(self, message: str, *, file: str | None = None,
                 line: int | None = None, field: str | None = None):
        self.file, self.line, self.field, self.reason = file, line, field, message
        if field is not None:
            message = f"{field}: {message}"
        super().__init__(_where(file, line) + message)


def _where(file, line) -> str:
    """``"file:line: "`` (or ``"file: "``, ``"line N: "``, ``""``): the head of a located message."""
    if isinstance(file, str):        # a name with a line break would split the one-line message
        file = file.replace("\n", "\\n").replace("\r", "\\r")
    if file is not None:
        return f"{file}:{line}: " if line is not None else f"{file}: "
    return f"line {line}: " if line is not None else ""


class ParameterValuesError(GameError):
    """A game's formulas fail at the parameter values given: a payoff that divides by zero, a
    probability outside [0, 1]. ``places`` are the key paths, in a game file's terms, of the
    formula (``("payoffs", ("hold", "strike"), 1)``: a profile as its labels, a payoff by its
    index, counted from 0); a game read by :func:`deterrence.load_game` knows its file (its
    ``file``), and its ``subs`` names the file and the line found from them, as ``file`` and
    ``line`` (``reason`` is the message without them).

    >>> ParameterValuesError("1/(a - 1) is not finite at a = 1", [("payoffs", ("x",), 0)]).places
    (('payoffs', ('x',), 0),)
    >>> str(ParameterValuesError("1/(a - 1) is not finite at a = 1", file="g.toml", line=7))
    'g.toml:7: 1/(a - 1) is not finite at a = 1'
    """

    def __init__(self, message: str, places=(), *, file: str | None = None, line: int | None = None):
        super().__init__(_where(file, line) + message)
        self.places, self.file, self.line, self.reason = tuple(places), file, line, message


class PlacedError(GameError):
    """A game (or an automaton's table) refused at a place: ``places`` are key paths, in a game
    file's terms (``("stochastic", "states", state, "payoffs")``; ``("transitions", 2)`` within an
    automaton's table, an array's element counted from 0), most precise first; the file reader
    names the line from them (it matched ``state (\\S+?):`` in the message, which cut a state name
    with a space, "high alert", and named the [stochastic] header's line: an error review).

    >>> PlacedError("bad rule", [("transitions", 2)]).places
    (('transitions', 2),)
    """

    def __init__(self, message, places=()):
        super().__init__(message)
        self.places = tuple(places)


class ExpressionError(GameFileError):
    """An expression in a game file is outside the safe grammar."""


class SolverError(DeterrenceError, RuntimeError):
    """A solver cannot handle this game (or failed in a way it can explain)."""


class TooLargeError(SolverError):
    """A computation was refused because its estimated cost is over the limit."""


class NotAnEquilibriumError(SolverError):
    """A profile failed the exact no-profitable-deviation check."""
