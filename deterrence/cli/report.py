"""``deterrence report``: the deterrence analysis, as text, Markdown or JSON.

With no GAME it analyses the US–Iran case: the stochastic model fitted to the
record (:func:`deterrence.models.us_iran_exchange_report.us_iran_exchange_model`);
``--set NAME=VALUE`` overrides a value of its calibration; ``--record FILE``
refits it to another record (an events CSV, such as ACLED's export, counted by
:func:`deterrence.io.events_csv.aggregate_record`, or a record TOML) and sets the
predictions beside that record.
"""
from __future__ import annotations

#: the catalogue entry whose report is the case report (the file is the model's stochastic game)
CASE_ENTRY = "us_iran_exchange"


def add_arguments(parser) -> None:
    """Arguments of ``deterrence report``.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> p.parse_args([]).format, p.parse_args(["--json"]).format
    ('text', 'json')
    """
    parser.add_argument("game", nargs="?", default=None, metavar="GAME",
                        help="catalogue name or file (default: the US-Iran case, the stochastic exchange model "
                             "fitted to the record, not the teaching model us_iran_model)")
    parser.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    # the other commands take --json: the same word works here (it was "unrecognized arguments")
    parser.add_argument("--json", action="store_const", const="json", dest="format",
                        help="the same as --format json")
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help="also save the report's figures to FILE (PNG, PDF or SVG)")
    parser.add_argument("--force", action="store_true", help="let --plot overwrite an existing file")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="give a parameter a value (repeatable)")
    parser.add_argument("--no-fit", action="store_true",
                        help="the US-Iran model at its calibration, not fitted to the record (then --set may "
                             "give the fitted parameters motive_rate and deadly_fraction)")
    parser.add_argument("--record", metavar="FILE", default=None,
                        help="refit the US-Iran model to this record: an events CSV (ACLED's export, or "
                             "date,actor,event_type) or a record TOML like deterrence/data/us_iran_record.toml; "
                             "the fit's progress goes to stderr")
    from deterrence.cli import SHOW_LIMITS, add_limit_option
    add_limit_option(parser, SHOW_LIMITS)


def run(args) -> int:
    """Run ``deterrence report``; returns the exit code (0).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> run(p.parse_args(["chicken", "--format", "markdown"]))  # doctest: +ELLIPSIS
    # Chicken
    ...
    0
    """
    from deterrence.cli import SHOW_LIMITS, _parse_sets, command_limits
    from deterrence.analysis.explain import explain, is_model
    from deterrence.core.report import render
    values = _parse_sets(args.set)
    limits = command_limits(args.limit, SHOW_LIMITS)       # checked before any work, as --plot
    if args.plot is not None:          # before any work: a bad path is known at once
        from deterrence.plot.report import check_figure_path
        check_figure_path(args.plot, force=args.force)
    if args.game in (None, CASE_ENTRY):     # the case's catalogue entry is the case model's game
        from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
        # a record file is read (and refused) here, before the fit
        if args.no_fit and args.record is not None:
            from deterrence.errors import GameError
            raise GameError("--no-fit and --record: a record is only read to fit the model to it")
        _check_case_sets(args.set)
        subject = (us_iran_exchange_model(record=args.record, progress=True, **values) if args.record is not None
                   else us_iran_exchange_model(fitted=not args.no_fit, **values))
    elif args.no_fit:
        from deterrence.errors import GameError
        raise GameError(f"--no-fit is for the US-Iran case model ({CASE_ENTRY}); {args.game} is not fitted")
    elif args.record is not None:
        from deterrence.errors import GameError
        raise GameError(f"--record refits the US-Iran case model ({CASE_ENTRY}); {args.game} has no record to fit")
    else:
        from deterrence.io import load_game
        subject = load_game(args.game, **limits)
        from deterrence.solvers import game_type
        if game_type(subject) == "stochastic":
            from deterrence.errors import GameError
            raise GameError(f"{args.game}: the report covers stage games, repeated games, trees and the "
                            f"US-Iran case ({CASE_ENTRY}); for a stochastic game run "
                            f"'deterrence solve {args.game}' (its Markov perfect equilibria)")
        if values:
            subject = subject.with_parameters(values)
        if args.plot is not None:
            from deterrence.plot.report import check_figure_subject
            check_figure_subject(subject)
    # only a file's game may have a [repeated] section (and the case's cached report loads no NumPy)
    repeated = _repeated_section(subject, args.game) if args.game not in (None, CASE_ENTRY) else {}
    from deterrence.analysis.model_cache import analyse_model
    analysis = analyse_model(subject) if is_model(subject) else None   # once, for the text and the figure
    report = explain(subject, analysis=analysis, **repeated)
    print(render(report, args.format))
    if args.plot is not None:
        from deterrence.plot.report import save_report_figures
        save_report_figures(subject, report, args.plot, analysis=analysis)
    return 0


def _check_case_sets(pairs):
    """Each ``--set NAME=VALUE`` of the case model checked on its own, so that a refused value is
    named as the option that gave it (``report --set round_days=0`` said "round_days is fixed
    at 7", naming no option: an error review).

    >>> _check_case_sets(["round_days=1"])
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: --set round_days=1: round_days is fixed at 7: the calibration's rates ...
    """
    from deterrence.cli import _parse_sets
    from deterrence.errors import GameError, TooLargeError
    from deterrence.models.us_iran_calibration import calibration_values
    for pair in pairs:
        (name, value), = _parse_sets([pair]).items()
        try:
            calibration_values(**{name: value})
        except (GameError, TooLargeError) as exc:
            shown = pair if len(pair) <= 60 else pair[:60] + "..."
            raise type(exc)(f"--set {shown}: {exc}") from None


def _repeated_section(game, name) -> dict:
    """``{"delta": ...}`` for a stage game whose file's ``[repeated]`` section gives a discount
    factor and a strategy profile, so that the report adds the shadow of the future (the
    critical discount factor, the distance from it, the probability of war under the section's
    noise), as docs/howto/explain.md says; ``{}`` for any other subject. (The report of
    prisoners_dilemma, whose file has such a section, had none of it: a helper's bug hunt.)"""
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.core.repeated import repeated_section
    if not isinstance(game, NormalFormGame) or game.n_players != 2:
        return {}
    from deterrence.cli.repeated import _lines
    from deterrence.core.repeated import RepeatedGame, section_error_in_file
    from deterrence.errors import GameError, TooLargeError
    file, lines = _lines(name)
    try:
        section = repeated_section(game)
    except (GameError, TooLargeError) as exc:     # round_days = 0 named no file (an error review)
        if file is None or getattr(exc, "file", None):
            raise
        raise section_error_in_file(exc, file, lines) from None
    if section.delta is None or section.profile is None:
        return {}
    RepeatedGame.from_game(game, file=file, lines=lines)          # a bad value names its line
    return {"delta": section.delta}
