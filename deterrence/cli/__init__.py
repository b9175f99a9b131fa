"""The ``deterrence`` command.

``deterrence solve GAME``, ``show GAME``, ``list``, and the subcommands in
:data:`SUBCOMMANDS` (each a module ``cli_<name>.py`` with ``add_arguments`` and
``run``). GAME is a file path (TOML, JSON, ``.nfg``, ``.efg``) or a catalogue
name. A bad file or argument prints one line, ``deterrence: <problem>``, and
exits with code 2; never a traceback. Ctrl-C anywhere in :func:`main` prints
``deterrence: interrupted`` and exits with code 130 (a Ctrl-C while the console
script is still importing this module, before :func:`main` runs, is Python's).
"""
from __future__ import annotations

import argparse
import importlib
import json
import re
import sys

#: subcommand -> (module, one-line help); modules are imported only when needed.
SUBCOMMANDS = {
    "repeated": ("deterrence.cli.repeated",
                 "analyse a repeated game: payoffs, subgame perfection, critical delta, probability of war"),
    "report": ("deterrence.cli.report",
               "the deterrence report: why both sides stay below all-out war"),
    "lab": ("deterrence.cli.lab", "the lab in the browser: pick a game, move sliders, see the equilibria"),
    "dynamics": ("deterrence.cli.dynamics",
                 "learning dynamics on a normal-form game: replicator, fictitious play, best responses, "
                 "Moran process; figures of paths and basins"),
    "fit": ("deterrence.cli.fit",
            "estimate the logit QRE's lambda (and payoffs) from observed choices, with standard errors"),
}

EXIT_OK, EXIT_USAGE, EXIT_INTERRUPTED = 0, 2, 130


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line and exit code 2."""

    def error(self, message):
        raise _UsageError(message)


class _UsageError(Exception):
    pass


def build_parser(with_subcommand: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; ``with_subcommand`` imports that subcommand's module.

    >>> build_parser().prog
    'deterrence'
    """
    from deterrence import __version__
    # solve on a tree explains which threats are credible up to this many nodes, or with --threats
    from deterrence.solvers.tree import THREAT_NODES
    parser = _Parser(prog="deterrence",
                     description="Game theory of strategic deterrence: exact equilibria, "
                                 "repeated games, game trees and deterrence reports.")
    parser.add_argument("--version", action="version", version=f"deterrence {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("solve", help="compute the equilibria of a game")
    p.add_argument("game", metavar="GAME", help="file (TOML, JSON, .nfg, .efg) or catalogue name")
    p.add_argument("--method", "-m", default=None, help=_method_help())
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="give a parameter a value (repeatable)")
    p.add_argument("--limit", action="append", default=[], metavar="[NAME=]N",
                   help="raise a size limit of the method: N alone is its limit (enumerate, nplayer, "
                        "sequence_form); NAME=N any of its max_ options (lemke_howson max_pivots, "
                        "correlated max_bases, markov_perfect max_profiles, max_steps), or max_depth of "
                        "a game tree (read from a file); repeatable")
    p.add_argument("--option", "-o", action="append", default=[], metavar="NAME=VALUE",
                   help="an option of the method (repeatable): e.g. correlated vertices=true (every "
                        "vertex of the polytope) or objective=PLAYER, qre / agent_qre lam=2, "
                        "lemke_howson initial_label=3; true/false, exact numbers (1/3) or text")
    p.add_argument("--threats", action="store_true",
                   help=f"trees: which threats are credible, also for trees of more than "
                        f"{THREAT_NODES} nodes (smaller trees get it anyway; the cost grows fast)")

    p = sub.add_parser("show", help="print a game: payoffs, parameters, description")
    p.add_argument("game", metavar="GAME", help="file (TOML, JSON, .nfg, .efg) or catalogue name")
    p.add_argument("--json", action="store_true", help="print the game as JSON (normal-form games and trees)")
    add_limit_option(p, SHOW_LIMITS)

    p = sub.add_parser("list", help="list the catalogue of ready games: name, kind, title")
    p.add_argument("--json", action="store_true", help="print one JSON list (name, kind, title)")

    for name, (module, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text)
        if name == with_subcommand:
            _load(module).add_arguments(p)
        else:  # listed in --help; its own module adds the arguments when it is the command
            p.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return parser


def _load(module):
    return importlib.import_module(module)


def _parse_sets(pairs):
    """``["W=3", "b=1/2"]`` -> ``{"W": "3", "b": "1/2"}``; a malformed pair is a GameError."""
    from deterrence.errors import GameError
    values = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise GameError(f"--set expects NAME=VALUE, got {pair!r}")
        values[name.strip()] = value.strip()
    return values


def _method_help() -> str:
    """The methods of ``solve --method`` by game type, from the solver registry (defaults marked).

    >>> print(_method_help())  # doctest: +ELLIPSIS
    normal-form games: enumerate (default, two players), pure, ...; game trees: subgame_perfect (default), ...
    """
    from deterrence.solvers import DEFAULT_METHODS, GAME_TYPES, METHODS
    defaults = {"normal_form": {"enumerate": "default, two players", "nplayer": "default, more players"}}
    parts = []
    for kind, (_, called) in GAME_TYPES.items():
        names = [n for n, m in METHODS.items() if kind in getattr(m, "games", ("normal_form",))]
        if not names:
            continue
        marks = defaults.get(kind) or {DEFAULT_METHODS.get(kind): "default"}
        shown = [f"{n} ({marks[n]})" if n in marks else n for n in names]
        parts.append(f"{called}: {', '.join(shown)}")
    return "; ".join(parts)


def _parse_limits(pairs):
    """``--limit`` values: ``["5000", "max_pivots=10"]`` -> ``{"limit": 5000, "max_pivots": 10}``.

    >>> _parse_limits(["5000", "max_pivots=10"])
    {'limit': 5000, 'max_pivots': 10}
    """
    from deterrence.errors import GameError
    limits = {}
    for pair in pairs:
        name, sep, value = pair.rpartition("=")
        name = name.strip() if sep else "limit"
        if name != "limit" and not name.startswith("max_"):
            raise GameError(f"--limit {pair}: NAME must be limit or a max_ option of the method, got {name!r}")
        value = value.strip()
        if not value.isascii() or not value.isdigit() or len(value) > 30:
            raise GameError(f"--limit {pair}: the limit must be a whole number (at most 30 digits)")
        limits[name] = int(value)
    return limits


#: the ``--limit`` names of ``show`` (``solve`` takes its method's too; see :func:`command_limits`)
SHOW_LIMITS = {"max_depth": "the depth of a game tree read from a file"}


def add_limit_option(parser, names: dict) -> None:
    """The ``--limit NAME=N`` option of a subcommand that takes the size limits ``names``
    (name -> what it limits): one spelling for every command's limits.

    >>> p = argparse.ArgumentParser(); add_limit_option(p, SHOW_LIMITS)
    >>> p.parse_args(["--limit", "max_depth=500"]).limit
    ['max_depth=500']
    """
    listed = "; ".join(f"{n}=N: {what}" for n, what in names.items())
    parser.add_argument("--limit", action="append", default=[], metavar="NAME=N",
                        help=f"raise a size limit ({listed}); repeatable")


def command_limits(pairs, names) -> dict:
    """The ``--limit`` values of a subcommand that takes only the limits ``names``.

    >>> command_limits(["max_depth=500"], SHOW_LIMITS)
    {'max_depth': 500}
    >>> command_limits(["max_pivots=5"], SHOW_LIMITS)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: --limit max_pivots=5: this command's limits are max_depth=N
    """
    from deterrence.errors import GameError
    limits = _parse_limits(pairs)
    for name, value in limits.items():
        if name not in names:
            shown = f"{name}={value}" if name != "limit" else str(value)
            raise GameError(f"--limit {shown}: this command's limits are "
                            f"{', '.join(n + '=N' for n in names)}")
    return limits


def _cli_terms(message: str) -> str:
    """A library message in the CLI's terms: limits are raised by ``--limit``, not by keywords.

    >>> _cli_terms("over the limit; pass limit=5000 (or larger)")
    'over the limit; pass --limit 5000 (or larger)'
    >>> _cli_terms("more than 100 bases; raise max_bases")
    'more than 100 bases; raise it with --limit max_bases=N'
    """
    message = message.replace("pass limit=", "pass --limit ")
    message = re.sub(r"\bpass (max_[a-z_]+)=", r"pass --limit \1=", message)
    return re.sub(r"\braise (max_[a-z_]+)\b", r"raise it with --limit \1=N", message)


#: options that take Python values (plans, callables), not text: the library's, not the command line's
_NOT_ON_THE_COMMAND_LINE = ("prior", "start_counts")


def _parse_options(pairs, method: str) -> dict:
    """``--option`` values for ``method``, typed by the option's default: text where the
    default is text (``objective=1`` names a player ``1``), ``true``/``false`` as booleans,
    numbers exact (``lam=1/2``); the front door then refuses an option the method lacks.

    >>> _parse_options(["vertices=true", "objective=Row"], "correlated")
    {'vertices': True, 'objective': 'Row'}
    >>> _parse_options(["lam=1/2"], "qre")
    {'lam': Fraction(1, 2)}
    >>> _parse_options(["vertices"], "correlated")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: --option expects NAME=VALUE, got 'vertices'
    """
    from deterrence.core.numbers import to_exact
    from deterrence.errors import GameError
    from deterrence.solvers import METHODS, option_default
    options = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name, text = name.strip(), text.strip()
        if not sep or not name or not text:
            raise GameError(f"--option expects NAME=VALUE, got {pair!r}")
        if name in _NOT_ON_THE_COMMAND_LINE:
            raise GameError(f"--option {name}: this option takes a Python value; use the library's solve()")
        default = option_default(method, name) if method in METHODS else None
        if isinstance(default, str):
            options[name] = text
        elif text.lower() in ("true", "false"):
            options[name] = text.lower() == "true"
        elif isinstance(default, bool):
            raise GameError(f"--option {name}: must be true or false, got {text!r}")
        else:
            try:
                options[name] = to_exact(text, f"--option {name}")
            except GameError:
                if default is not None:       # a number by default: text will not do
                    raise
                options[name] = text
    return options


def _apply_parameters(game, values):
    from deterrence.errors import GameError
    if not values:
        return game
    if not hasattr(game, "subs"):
        raise GameError("this game has no parameters to set")
    return game.subs(values)


def _cmd_solve(args) -> int:
    from deterrence.errors import GameError
    from deterrence.io import load_game
    from deterrence.solvers import solve
    from deterrence.solvers.tree import THREAT_NODES
    limits = _parse_limits(args.limit)
    # the depth of a tree is checked as the file is read: --limit max_depth=N goes to the reader
    depth = {"max_depth": limits.pop("max_depth")} if "max_depth" in limits else {}
    sets = _parse_sets(args.set)
    game = _apply_parameters(load_game(args.game, **depth), sets)
    from deterrence.solvers import default_method, game_type
    # options for game trees, on another game: said, not ignored (an error review)
    if game_type(game) != "tree" and (args.threats or depth):
        what = "--threats" if args.threats else "--limit max_depth"
        raise GameError(f"{what} is for game trees; {args.game} is a {type(game).__name__}")
    method = args.method or default_method(game)
    options = _parse_options(args.option, method)
    for name in set(options) & set(limits):
        raise GameError(f"{name} is given twice, by --option and by --limit")
    # the result notes the parameter values it was solved at
    result = solve(game, method, **limits, **options)
    threats = skipped = None
    if _wants_credibility(game, result):
        nodes = len(game.paths())
        if nodes <= THREAT_NODES or args.threats:
            threats = _credibility(game, result)
        else:
            skipped = (f"which threats are credible: not analysed for a tree of {nodes} nodes "
                       f"(over {THREAT_NODES}; the cost grows fast); add --threats to run it")
    if args.json:
        out = result.to_json()
        if sets:        # what the text's note says: which values were set, which were defaults
            out["notes"] = [*out.get("notes", []), set_values_note(result.parameters, sets)]
        if skipped:
            out["credibility_note"] = skipped
        if threats is not None:
            from deterrence.solvers.tree.backward_induction import has_no_proper_subgame
            out["credibility"] = [e.to_json() for e in threats]
            # what the text says of a tree with no proper subgame (the report's section has it too)
            out["no_proper_subgame"] = has_no_proper_subgame(game)
        print(json.dumps(out, indent=2))
    else:
        if getattr(game, "title", ""):
            print(game.title)
        print(_cli_terms(result.to_text()))
        if sets:
            print(f"Note: {set_values_note(result.parameters, sets)}")
        if threats is not None:
            good = sum(1 for e in threats if e.subgame_perfect)
            print(f"Which threats are credible: {len(threats)} pure Nash equilibri"
                  f"{'um' if len(threats) == 1 else 'a'} of the reduced normal form, {good} subgame perfect:")
            for e in threats:
                print(f"  {e.describe()}")
            from deterrence.solvers.tree.backward_induction import has_no_proper_subgame
            from deterrence.solvers.tree.threats import NO_PROPER_SUBGAME
            if threats and has_no_proper_subgame(game):      # what the credibility test cannot tell here
                print(f"  ({NO_PROPER_SUBGAME})")
        if skipped:
            print(skipped[0].upper() + skipped[1:])
    return EXIT_OK


def set_values_note(parameters, sets, verb: str = "solved") -> str:
    """The values a game was solved at when ``--set`` gave some: the text said nothing, where a run
    without ``--set`` notes every default (a newcomer's review).

    >>> set_values_note({"b": 2, "c": 3, "W": 1}, {"W": "1"})
    'solved at W=1 (set); b=2, c=3 at their default values'
    >>> set_values_note({"W": 1}, {"W": "1"})
    'solved at W=1 (set)'
    """
    from deterrence.core.numbers import format_exact
    given = ", ".join(f"{k}={format_exact(v)}" for k, v in parameters.items() if k in sets)
    rest = ", ".join(f"{k}={format_exact(v)}" for k, v in parameters.items() if k not in sets)
    return f"{verb} at {given} (set)" + (f"; {rest} at their default values" if rest else "")


def _wants_credibility(game, result) -> bool:
    from deterrence.core.tree import GameTree
    return isinstance(game, GameTree) and result.method == "subgame_perfect"


def _credibility(game, result):
    """For game trees solved for subgame perfection: each pure Nash equilibrium of the
    reduced normal form, and the threats in it that would not be carried out."""
    if not _wants_credibility(game, result):
        return None
    from deterrence.solvers.tree.threats import noncredible_threats
    # at the defaults solve took (its result says so: no warning on top)
    return noncredible_threats(game.with_defaults() if game.is_symbolic else game)


def _cmd_show(args) -> int:
    from deterrence.io import load_game
    game = load_game(args.game, **command_limits(args.limit, SHOW_LIMITS))
    if args.json:
        from deterrence.io.json_format import game_to_json
        print(json.dumps(game_to_json(game), indent=2))
        return EXIT_OK
    print(game.to_text())
    if getattr(game, "description", ""):
        print("\n" + game.description.strip())
    params = getattr(game, "parameters", {})
    if params:
        notes = getattr(game, "extra", {}).get("parameter_notes", {})
        print("\nParameters:")
        for k, v in params.items():
            about = f"  ({notes[k]})" if k in notes else ""
            print(f"  {k} = {'(no default)' if v is None else v}{about}")
    if getattr(game, "sources", ()):
        print("\nSources:")
        for s in game.sources:
            print(f"  - {s}")
    return EXIT_OK


def _cmd_list(args) -> int:
    from deterrence.io import load_game
    from deterrence.io.catalogue import catalogue_names
    rows = []
    for name in catalogue_names():
        try:
            game = load_game(name)
            title, kind = getattr(game, "title", "") or "", game_kind(game)
        except Exception as exc:  # a broken entry must not hide the others
            title, kind = f"(cannot be read: {exc})", ""
        rows.append((name, kind, title))
    if args.json:
        print(json.dumps([{"name": n, "kind": k, "title": t} for n, k, t in rows], indent=2))
    else:
        width = max((len(n) for n, _, _ in rows), default=0)
        kinds = max((len(k) for _, k, _ in rows), default=0)
        for n, k, t in rows:
            print(f"{n.ljust(width)}  {k.ljust(kinds)}  {t}")
    return EXIT_OK


def game_kind(game) -> str:
    """What kind of game a catalogue entry is, for ``deterrence list``: the list gave names and
    titles only, so a reader looking for a tree with information sets or a three-player game had to
    open every entry (a newcomer's review).

    >>> from deterrence.io import load_game
    >>> [game_kind(load_game(n)) for n in ("us_iran_stage", "us_iran_israel", "entry_deterrence", "kuhn_poker")]
    ['stage game, 2 players, repeated', 'stage game, 3 players', 'tree, 2 players', 'tree, 2 players, information sets']
    >>> game_kind(load_game("us_iran_exchange"))
    'stochastic game, 2 players, 14 states'
    """
    players = f"{len(game.players)} players"
    kind = type(game).__name__
    if kind == "NormalFormGame":
        return "stage game, " + players + (", repeated" if "repeated" in game.extra else "")
    if kind == "GameTree":
        return "tree, " + players + ("" if game.is_perfect_information else ", information sets")
    if kind == "StochasticGame":
        return f"stochastic game, {players}, {len(game.states)} states"
    return kind


COMMANDS = {"solve": _cmd_solve, "show": _cmd_show, "list": _cmd_list}


def main(argv=None) -> int:
    """Entry point of the console script; returns the exit code.

    >>> main(["show", "matching_pennies"])  # doctest: +ELLIPSIS
    Matching pennies
    Row \\ Column  heads  tails
    heads         1, -1  -1, 1
    tails         -1, 1  1, -1
    ...
    0
    """
    stdout, stderr = sys.stdout, sys.stderr
    try:
        from deterrence.errors import DeterrenceError
        argv = list(sys.argv[1:] if argv is None else argv)
        sys.stdout, sys.stderr = _EscapingWriter(stdout), _EscapingWriter(stderr)
        return _main(argv, DeterrenceError)
    except KeyboardInterrupt:      # anywhere: the imports, the streams, the command, its error messages
        sys.stdout, sys.stderr = stdout, stderr
        print("deterrence: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def terminal_safe(text: str) -> str:
    r"""``text`` with control characters (other than newline and tab) and bidirectional
    overrides written as escapes, so that a title or label from a file cannot move the
    cursor, clear the screen or reorder the line.

    >>> print(terminal_safe("war\x1b[2J\u202e!\tok"))
    war\x1b[2J\u202e!	ok
    """
    return "".join(_escape(ch) for ch in text) if _UNSAFE.search(text) else text


def _escape(ch):
    if not _UNSAFE.match(ch):
        return ch
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class _EscapingWriter:
    """A stream that passes text through :func:`terminal_safe` (JSON escapes them already)."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        return self._stream.write(terminal_safe(text))

    @property
    def unescaped(self):
        """The stream itself, for progress bars (their carriage returns redraw the bar)."""
        return self._stream

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _main(argv, DeterrenceError) -> int:
    args = None
    try:
        first = next((a for a in argv if not a.startswith("-")), None)
        parser = build_parser(first if first in SUBCOMMANDS else None)
        args = parser.parse_args(argv)
        if args.command is None:     # a usage error, as argparse's required subcommands make it
            print(parser.format_usage(), end="", file=sys.stderr)
            print(f"deterrence: a command is needed, one of {', '.join(_command_names())} "
                  "(deterrence --help says what each does)", file=sys.stderr)
            return EXIT_USAGE
        if args.command in SUBCOMMANDS:
            return _load(SUBCOMMANDS[args.command][0]).run(args) or EXIT_OK
        return COMMANDS[args.command](args)
    except _UsageError as exc:
        print(f"deterrence: {_one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except DeterrenceError as exc:
        # limits are raised on the command line by options, not by Python keywords
        message = _cli_terms(str(_in_game_file(exc, getattr(args, "game", None))))
        print(f"deterrence: {_one_line(message)}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:          # the reader went away (`| head`): end quietly
        _quiet_stdout()
        return EXIT_OK
    except (OSError, UnicodeError) as exc:
        print(f"deterrence: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _command_names():
    """The commands, in the order the help lists them.

    >>> _command_names()[:4]
    ['solve', 'show', 'list', 'repeated']
    """
    return [*COMMANDS, *SUBCOMMANDS]


def _in_game_file(exc, source):
    """``exc`` naming the file of the game (and the line of the formula, in a TOML file) when the
    game's formulas failed at the parameter values (--set or the defaults) and the error names no
    file yet: a game read by ``load_game`` names its file itself (its ``file``), but a game
    made from it by other means (a stage game made a stochastic one) does not; the command that
    read it names it, as the reader's other errors do (they named no file: a fuzzing review)."""
    from deterrence.errors import ParameterValuesError
    if not isinstance(exc, ParameterValuesError) or exc.file is not None or not isinstance(source, str):
        return exc
    from pathlib import Path
    path = Path(source)
    try:
        if not path.is_file():
            from deterrence.io.catalogue import find_entry
            path = find_entry(source)
    except (OSError, ValueError):
        path = None
    if path is None:
        return exc
    from deterrence.io import GameFile
    return GameFile(path).locate(exc)


def _one_line(message: str) -> str:
    r"""The message on one line: line breaks (from an argument or a file name) written as ``\n``.

    >>> _one_line("no such file 'a\nb'\n")
    "no such file 'a\\nb'"
    """
    return message.rstrip("\n").replace("\r", "\\r").replace("\n", "\\n")


def _quiet_stdout():
    """Point stdout at /dev/null, so that the interpreter's last flush into a closed pipe
    prints nothing (the recipe of the Python docs, "Note on SIGPIPE")."""
    import os
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):   # no real stdout (tests capture it)
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
