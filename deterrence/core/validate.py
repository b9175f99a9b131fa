"""The error contract at the public boundary: a bad argument is a ``GameError`` that names it.

Every public function and class of ``deterrence`` (``deterrence.__all__``, the figures of
``deterrence.plot``) is wrapped by :func:`public_boundary` (issue 17, deliver 6). The
functions check what they know how to check and raise
:class:`~deterrence.errors.DeterrenceError` subclasses; the boundary makes sure that
nothing else leaves the library when an argument is of the wrong kind: an exception that
Python, numpy or sympy raise on a value they cannot use (``TypeError``, ``AttributeError``,
``ValueError``, ``IndexError``, ``KeyError``, ``OverflowError``, ``ZeroDivisionError``,
numpy's ``LinAlgError``) becomes a :class:`~deterrence.errors.GameError` whose one-line
message names the function, the argument (the one whose value the reason mentions, else
every argument the caller gave) and the reason. The original exception stays attached
(``__cause__``) for whoever debugs.

A path that cannot be read or written (an ``OSError`` other than a broken pipe) becomes a
:class:`~deterrence.errors.GameFileError` naming the argument and the file.

Steps: (1) bind the call to the signature (a call that does not fit it is refused with
Python's own reason, naming the function); (2) switches (arguments whose default is
``True`` or ``False``) take only a bool or None; (3) run the function; (4) translate the
stray exceptions above, leaving ``DeterrenceError``, ``KeyboardInterrupt``, ``MemoryError``
and ``RecursionError`` as they are. Wrapping is idempotent.
"""
from __future__ import annotations

import functools
import inspect

from deterrence.errors import DeterrenceError, GameError, GameFileError

#: exceptions that mean "an argument was of a kind this code cannot use"
_STRAY = (TypeError, AttributeError, ValueError, IndexError, KeyError, OverflowError, ZeroDivisionError,
          ArithmeticError, LookupError)


def _short(value) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a value whose repr fails is named by its type
        text = f"<{type(value).__name__}>"
    text = text.replace("\n", " ")
    return text if len(text) <= 60 else text[:57] + "..."


def _blame(bound, reason: str) -> list:
    """The arguments to name: those whose value or type the reason mentions, else every one given."""
    given = [(k, v) for k, v in bound.arguments.items() if k not in ("self", "cls")]
    named = [(k, v) for k, v in given
             if (_short(v) in reason and len(_short(v)) > 2) or f"'{type(v).__name__}'" in reason]
    return named if len(named) == 1 else given


def is_switch_value(value) -> bool:
    """True, False, None, or numpy's booleans (``numpy.bool_``, named ``bool`` in numpy 2: a
    review found ``np.True_`` refused).

    >>> import numpy
    >>> is_switch_value(numpy.True_), is_switch_value(None), is_switch_value("no"), is_switch_value(1)
    (True, True, False, False)
    """
    return value is None or isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__ in ("bool", "bool_"))


def _check_switches(title, signature, bound) -> None:
    """Arguments whose default is ``True`` or ``False`` are switches: only a bool (or None) turns them."""
    for key, value in bound.arguments.items():
        parameter = signature.parameters[key]
        if isinstance(parameter.default, bool) and not is_switch_value(value):
            raise GameError(f"{title}: {key} must be True or False, got {_short(value)}")


def _binding_signature(function):
    """The signature Python binds a call of ``function`` to.

    A function may show help() a simpler signature through ``__signature__``
    (``solve(game, method=None, **options)``, whose real form ``solve(game, /, *method,
    **options)`` also takes ``solve(tree, "tree_nash", method="pure")``); binding to the
    shown one would refuse calls the function accepts, so the boundary reads the code's own.

    >>> def f(game, /, *method, **options):
    ...     return method, options
    >>> f.__signature__ = inspect.signature(lambda game, method=None, **options: None)
    >>> str(_binding_signature(f)), str(inspect.signature(f))
    ('(game, /, *method, **options)', '(game, method=None, **options)')
    """
    if not (inspect.isfunction(function) and "__signature__" in function.__dict__):
        return inspect.signature(function)
    import types
    bare = types.FunctionType(function.__code__, function.__globals__, function.__name__,
                              function.__defaults__, function.__closure__)
    bare.__kwdefaults__ = function.__kwdefaults__
    return inspect.signature(bare)


def public_boundary(function, name: str | None = None):
    """``function`` with the error contract above (``name``: how the message calls it).

    >>> def halve(n):
    ...     return n // 2
    >>> public_boundary(halve)(None)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: halve: bad argument n=None: TypeError: unsupported operand type(s) for //: ...
    >>> public_boundary(halve)(7)
    3
    """
    if getattr(function, "__deterrence_boundary__", False):
        return function
    title = name or getattr(function, "__qualname__", getattr(function, "__name__", "function"))
    try:
        signature = _binding_signature(function)
    except (TypeError, ValueError):
        signature = None

    @functools.wraps(function)
    def checked(*args, **kwargs):
        bound = None
        if signature is not None:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError as exc:
                raise GameError(f"{title}: {exc}") from None
            _check_switches(title, signature, bound)
        try:
            return function(*args, **kwargs)
        except DeterrenceError:
            raise
        except BrokenPipeError:           # the reader went away: the caller's business (the CLI)
            raise
        except OSError as exc:            # a path that cannot be read or written
            blamed = _blame(bound, str(exc)) if bound is not None else []
            what = ", ".join(f"{k}={_short(v)}" for k, v in blamed) or "(a path)"
            reason = exc.strerror or type(exc).__name__
            raise GameFileError(f"{title}: {what}: {reason}",
                                file=None if exc.filename is None else str(exc.filename)) from exc
        except _STRAY as exc:
            if isinstance(exc, (RecursionError, MemoryError)):
                raise
            reason = " ".join(f"{type(exc).__name__}: {exc}".split())
            if len(reason) > 300:
                reason = reason[:297] + "..."
            blamed = _blame(bound, reason) if bound is not None else []
            what = ", ".join(f"{k}={_short(v)}" for k, v in blamed) or "(the arguments)"
            plural = "s" if len(blamed) > 1 else ""
            raise GameError(f"{title}: bad argument{plural} {what}: {reason}") from exc

    checked.__deterrence_boundary__ = True
    return checked


def boundary_init(cls):
    """Class decorator: the class's ``__init__`` keeps the error contract (messages name the class).

    >>> @boundary_init
    ... class Pair:
    ...     def __init__(self, a):
    ...         self.a = a + 1
    >>> Pair("x")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: Pair: bad argument a='x': TypeError: can only concatenate str (not "int") to str
    """
    cls.__init__ = public_boundary(cls.__init__, cls.__name__)
    return cls


def in_its_file(method):
    """Decorator of a game's ``subs``: a :class:`~deterrence.errors.ParameterValuesError` (a
    formula of the game fails at the values) names the file the game was read from, and the
    formula's line, when the game has one (:func:`deterrence.load_game` gives it a
    ``deterrence.io.GameFile``, which locates the error: this layer reads no files). From Python
    it named no file, since a game did not keep its path; only the command line named it (an
    error review).

    >>> class Place:
    ...     def locate(self, exc):
    ...         return type(exc)(exc.reason, exc.places, file="g.toml", line=3)
    >>> class Game:
    ...     _file = Place()
    ...     @in_its_file
    ...     def subs(self):
    ...         from deterrence.errors import ParameterValuesError
    ...         raise ParameterValuesError("1/(a - 1) is not finite at a = 1")
    >>> Game().subs()
    Traceback (most recent call last):
    ...
    deterrence.errors.ParameterValuesError: g.toml:3: 1/(a - 1) is not finite at a = 1

    A game that ``subs`` returns keeps the file, so that a solver's refusal of it (its
    ``require_numeric``, also decorated) names the file too.
    """
    from deterrence.errors import ParameterValuesError

    @functools.wraps(method)
    def located(self, *args, **kwargs):
        try:
            result = method(self, *args, **kwargs)
        except ParameterValuesError as exc:
            file = getattr(self, "_file", None)
            if file is None or exc.file is not None:
                raise
            raise file.locate(exc) from None
        # the game at the values keeps the file: a solver's refusal of it (an irrational payoff
        # at the defaults) named no file from Python, since subs and with_defaults dropped it
        return kept_file(result, self) if isinstance(result, type(self)) else result
    return located


def with_file(game, file):
    """A copy of ``game`` that keeps ``file`` (a ``deterrence.io.GameFile``), the file it was read
    from (provenance: not part of the game's value, so not of its equality or hash;
    :func:`in_its_file` uses it). Only :func:`deterrence.load_game` calls it, on the game it has
    just read.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> class File:
    ...     path = "g.toml"
    >>> g = NormalFormGame.from_arrays([[1]])
    >>> h = with_file(g, File())
    >>> (h.file, g.file, h == g, hash(h) == hash(g))
    ('g.toml', None, True, True)
    """
    import copy
    new = copy.copy(game)
    object.__setattr__(new, "_file", file)
    return new


def kept_file(new, old):
    """``new`` (a game made from ``old`` with other parameter values) keeping ``old``'s file.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> class File:
    ...     path = "g.toml"
    >>> kept_file(NormalFormGame.from_arrays([[2]]), with_file(NormalFormGame.from_arrays([[1]]), File())).file
    'g.toml'
    """
    file = getattr(old, "_file", None)
    return new if file is None else with_file(new, file)


def file_of(game):
    """The path of the file ``game`` was read from (its ``file`` property), or None.

    >>> from deterrence.core.normal_form import NormalFormGame
    >>> file_of(NormalFormGame.from_arrays([[1]])) is None
    True
    """
    file = getattr(game, "_file", None)
    return None if file is None else file.path


def is_json_file(file) -> bool:
    """Whether ``file`` (the name errors give a file) is a JSON game file (load_game reads a file
    by its suffix; ``"<json>"``: JSON text given in memory). Its readers share the TOML readers'
    checks, and so their words: a key-value mapping is an object there, not a table.

    >>> is_json_file("g.json"), is_json_file("<json>"), is_json_file("g.toml"), is_json_file(None)
    (True, True, False, False)
    """
    return isinstance(file, str) and (file == "<json>" or file.lower().endswith(".json"))


def a_table(file=None) -> str:
    """A key-value mapping of ``file``, with its article, in the file's own word: ``"a table"``
    (TOML) or ``"an object"`` (JSON, :func:`is_json_file`): a JSON file's errors said "table", a
    word of TOML (an error review).

    >>> a_table("g.toml"), a_table("g.json")
    ('a table', 'an object')
    """
    return "an object" if is_json_file(file) else "a table"


#: The doc of the games' ``file`` property.
FILE_DOC = ("The path of the file the game was read from by :func:`deterrence.load_game` (kept by "
            "``with_parameters``, ``subs`` and ``with_defaults``), else None: errors of its formulas at "
            "other values name it. Provenance, not part of the game's value: equal games from two files "
            "are equal, and hash alike.")


def check_count(name: str, value, *, limit: int, option: str | None = None, least: int = 1) -> int:
    """``value`` as a whole number from ``least`` to ``limit``; else a ``GameError`` naming
    ``name`` (or ``TooLargeError`` naming the limit and ``option``, which raises it).

    >>> check_count("grid", 10, limit=1000)
    10
    >>> check_count("grid", 10**6, limit=1000, option="max_grid")
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: grid=1000000 is over the limit of 1000 (pass max_grid= to raise it)
    """
    from deterrence.errors import TooLargeError
    if isinstance(value, bool) or not hasattr(value, "__index__"):
        raise GameError(f"{name} must be a whole number, got {_short(value)}")
    value = int(value.__index__())
    if value < least:
        raise GameError(f"{name} must be at least {least}, got {value}")
    if value > limit:
        raise TooLargeError(f"{name}={value} is over the limit of {limit}"
                            + (f" (pass {option}= to raise it)" if option else ""))
    return value


def _real(value) -> float:
    """``value`` as a float, NaN when it is no real number (text, a boolean, complex)."""
    import math
    try:
        return float(value) if not isinstance(value, (bool, str, bytes, complex)) else math.nan
    except (TypeError, ValueError, OverflowError):
        return math.nan


def check_positive(name: str, value) -> float:
    """``value`` as a finite real number above 0 (a tolerance, a time span); else a ``GameError``.

    >>> check_positive("tol", 1e-9)
    1e-09
    >>> check_positive("tol", 1j)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: tol must be a finite number above 0, got 1j
    """
    import math
    number = _real(value)
    if not (math.isfinite(number) and number > 0):
        raise GameError(f"{name} must be a finite number above 0, got {_short(value)}")
    return number


def check_nonnegative(name: str, value) -> float:
    """``value`` as a finite real number at least 0 (a logit lambda); else a ``GameError``.

    >>> check_nonnegative("lam", 0)
    0.0
    >>> check_nonnegative("lam", "abc")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: lam must be a finite number >= 0, got 'abc'
    """
    import math
    number = _real(value)
    if not (math.isfinite(number) and number >= 0):
        raise GameError(f"{name} must be a finite number >= 0, got {_short(value)}")
    return number


def player_position(players, player) -> int:
    """Where a player (a name, or an index) stands in ``players``; else a ``GameError`` naming
    the players (the methods of results that take a player said ``tuple.index(x): x not in
    tuple``: a review).

    >>> player_position(("US", "Iran"), "Iran"), player_position(("US", "Iran"), 0)
    (1, 0)
    >>> player_position(("US", "Iran"), "Irn")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: unknown player 'Irn'; players are US, Iran
    """
    return _position(tuple(players), player, "player", "", "players")


def action_position(actions, player, action) -> int:
    """Where an action (a label, or an index) stands in one player's ``actions``; else a
    ``GameError`` naming the player and its actions.

    >>> action_position(("hold", "strike"), "US", "strike")
    1
    >>> action_position(("hold", "strike"), "US", "stirke")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: unknown action 'stirke' for player US; actions are hold, strike
    """
    return _position(tuple(actions), action, "action", f" for player {player}", "actions")


def _position(items: tuple, item, kind: str, whose: str, plural: str) -> int:
    """An index or a label to its position in ``items``; else the error the two callers share."""
    if isinstance(item, int) and not isinstance(item, bool):
        if 0 <= item < len(items):
            return item
        raise GameError(f"{kind} index {item} out of range{whose}: there are {len(items)} {plural}")
    if item in items:
        return items.index(item)
    raise GameError(f"unknown {kind} {item!r}{whose}; {plural} are {', '.join(map(str, items))}")


__all__ = ["a_table", "at_defaults", "warn_defaults", "is_json_file", "defaults_note", "how_to_give_values",
           "in_its_file", "public_boundary",
           "boundary_init", "with_file", "kept_file", "file_of", "check_count",
           "check_positive", "check_nonnegative", "player_position", "action_position"]


def defaults_note(solved, verb: str = "solved", values: str = "the parameters' default values") -> str:
    """What taking a symbolic game at its parameters' defaults says: ``solve`` puts it in the
    result's notes, a tool called directly in a :class:`~deterrence.errors.DefaultValuesWarning`.
    ``verb`` is what the tool did with the game (a check of a profile says ``"checked"``);
    ``values`` whose values they are (a model's stage game holds the model's values as defaults).

    >>> from deterrence import load_game
    >>> defaults_note(load_game("prisoners_dilemma").with_defaults())
    "solved at the parameters' default values (T=5, R=3, P=1, S=0)"
    >>> defaults_note(load_game("prisoners_dilemma").with_defaults(), "checked")
    "checked at the parameters' default values (T=5, R=3, P=1, S=0)"
    """
    shown = ", ".join(f"{k}={v}" for k, v in solved.parameters.items())
    return f"{verb} at {values} ({shown})"


def at_defaults(game, what: str, verb: str = "solved"):
    """The game a tool called directly solves, the one :func:`deterrence.solve` solves: the game
    itself when numeric (or not a game: the tool's own checks refuse it); a symbolic game at its
    parameters' default values, saying so in a :class:`~deterrence.errors.DefaultValuesWarning`
    (``solve`` says it in its notes); a game whose parameters lack a value is refused as its
    ``require_numeric`` refuses it, naming them. ``what`` names the tool and ``verb`` says what
    it did with the game (:func:`defaults_note`).

    >>> import warnings
    >>> from deterrence import load_game
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     at_defaults(load_game("prisoners_dilemma"), "pure_equilibria").is_symbolic
    False
    >>> print(caught[0].message)
    pure_equilibria: solved at the parameters' default values (T=5, R=3, P=1, S=0), as solve solves it;
    for other values pass game.subs(NAME=VALUE)
    """
    if not getattr(game, "is_symbolic", False) or not hasattr(game, "with_defaults"):
        return game
    # (a game without require_numeric, a stochastic game, refuses in its with_defaults)
    if any(v is None for v in (game.parameters or {}).values()) and hasattr(game, "require_numeric"):
        game.require_numeric(what)          # names the parameters without a value
    solved = game.with_defaults()
    if solved.is_symbolic and hasattr(solved, "require_numeric"):
        solved.require_numeric(what)        # a payoff that is not a rational number
    warn_defaults(f"{what}: {defaults_note(solved, verb)}, as solve solves it; for other values pass "
                  "game.subs(NAME=VALUE)")
    return solved


def warn_defaults(message: str) -> None:
    """Say ``message`` in a :class:`~deterrence.errors.DefaultValuesWarning` pointing at the caller's
    line (the notebook cell), past the tool and the public boundary's wrapper: the first frame outside
    the package. :func:`at_defaults` says its note through it; a tool that holds only some parameters
    at their defaults (``fit_logit_qre``) says which.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_defaults("a_tool: l=1 held at its default value")
    >>> caught[0].category.__name__, str(caught[0].message)
    ('DefaultValuesWarning', 'a_tool: l=1 held at its default value')
    """
    import os
    import sys
    import warnings

    from deterrence.errors import DefaultValuesWarning
    package, frame, level = os.path.dirname(os.path.dirname(os.path.abspath(__file__))), sys._getframe(0), 1
    while frame.f_back is not None and os.path.abspath(frame.f_code.co_filename).startswith(package + os.sep):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DefaultValuesWarning, stacklevel=level)


def how_to_give_values(names, parameters) -> str:
    """How to give the parameters ``names`` values, for an error that refuses a symbolic game:
    ``.with_defaults()`` only when each has a default (``parameters`` maps a name to its default
    or ``None``; it cannot help the others).

    >>> how_to_give_values(["T"], {"T": 5})
    '.subs(...) or .with_defaults()'
    >>> how_to_give_values(["a", "T"], {"T": 5, "a": None})
    '.subs(NAME=VALUE): a has no default value'
    """
    lacking = [n for n in names if parameters.get(n) is None]
    if not lacking:
        return ".subs(...) or .with_defaults()"
    return (f".subs(NAME=VALUE): {', '.join(lacking)} "
            f"{'has' if len(lacking) == 1 else 'have'} no default value")
