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
        if isinstance(file, str):        # a name with a line break would split the one-line message
            file = file.replace("\n", "\\n").replace("\r", "\\r")
        where = ""
        if file is not None:
            where = f"{file}:{line}: " if line is not None else f"{file}: "
        elif line is not None:
            where = f"line {line}: "
        if field is not None:
            message = f"{field}: {message}"
        super().__init__(where + message)


class ParameterValuesError(GameError):
    """A game's formulas fail at the parameter values given: a payoff that divides by zero, a
    probability outside [0, 1]. ``places`` are the key paths, in a game file's terms, of the
    formula (``("payoffs", ("hold", "strike"), 1)``: a profile as its labels, a payoff by its
    index); the command line names the file and line of the game it read from them.

    >>> ParameterValuesError("1/(a - 1) is not finite at a = 1", [("payoffs", ("x",), 0)]).places
    (('payoffs', ('x',), 0),)
    """

    def __init__(self, message: str, places=()):
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
