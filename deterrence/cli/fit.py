"""``deterrence fit``: estimate a game's error scale (and payoffs) from observed choices.

Two models (:mod:`deterrence.solvers.inference`):

* ``--model qre`` (the default): the logit quantal response equilibrium of GAME
  (the agent QRE for a game tree) fitted by maximum likelihood to the choice counts
  in ``--data`` (columns ``player,action,count`` and, for a tree,
  ``information_set``: :mod:`deterrence.io.choice_data`); it estimates lambda and,
  with ``--parameter NAME`` (repeatable), payoff parameters of a symbolic game
  (:func:`deterrence.solvers.inference.qre_fit.fit_logit_qre`), the others held at their
  defaults or at their ``--set`` values, said in a note.
* ``--model strategic_probit``: Signorino's strategic probit of the crisis game
  ``crisis_resolve`` fitted to crisis outcomes (columns ``x,z,outcome``; without
  ``--data`` the shipped synthetic data set)
  (:func:`deterrence.solvers.inference.strategic_probit.fit_strategic_probit`).

Each estimate is printed with its standard error (the observed information);
``--json`` prints one JSON object for machines.
"""
from __future__ import annotations

MODELS = ("qre", "strategic_probit")
#: the crisis game of the strategic probit: information set -> moves
PROBIT_GAME = {("Challenger", "root"): ("status_quo", "challenge"),
               ("Defender", "challenge"): ("concede", "resist")}


def add_arguments(parser) -> None:
    """Arguments of ``deterrence fit``.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> args = p.parse_args(["chicken", "--data", "c.csv", "--parameter", "crash"])
    >>> args.model, args.parameter
    ('qre', ['crash'])
    """
    parser.add_argument("game", metavar="GAME", help="catalogue name or file (normal-form game or tree)")
    parser.add_argument("--data", metavar="FILE", default=None,
                        help="CSV of observed choices: player,action,count[,information_set] for qre; "
                             "x,z,outcome for strategic_probit (for strategic_probit only, the default is "
                             "the shipped crisis data)")
    parser.add_argument("--model", choices=MODELS, default="qre",
                        help="qre (default): logit QRE / agent QRE; strategic_probit: the crisis game")
    parser.add_argument("--parameter", action="append", default=[], metavar="NAME",
                        help="qre: also estimate this payoff parameter of a symbolic game (repeatable)")
    parser.add_argument("--max-lambda", type=float, default=None, metavar="X",
                        help="qre: the largest lambda searched (default 200 / the payoff spread)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="give a parameter a value before fitting (repeatable); with --parameter, "
                             "the value the parameter is held at while the named ones are fitted")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args) -> int:
    """Run ``deterrence fit``; returns the exit code (0).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> run(p.parse_args(["crisis_resolve", "--model", "strategic_probit"]))  # doctest: +ELLIPSIS
    Crisis ...: strategic probit fitted to 2000 crises (crisis_synthetic.csv)
    b0 = -0.50...  (se 0.05...)
    ...
    0
    """
    from deterrence.cli import _apply_parameters, _parse_sets
    from deterrence.errors import GameError
    from deterrence.io import load_game
    from deterrence.solvers import game_type
    game = load_game(args.game)
    if game_type(game) not in ("normal_form", "tree"):
        raise GameError(f"fit needs a normal-form game or a game tree; {args.game!r} is a {type(game).__name__}")
    sets = _parse_sets(args.set)
    if args.parameter and sets:
        # subs would give every parameter a value, the fitted ones too (nothing left to fit):
        # --set gives the parameters held their values, the game kept symbolic
        both = sorted(set(sets) & set(args.parameter))
        if both:
            raise GameError(f"{', '.join(both)}: both --set and --parameter; a fitted parameter takes no value")
        game = game.with_parameters(sets) if hasattr(game, "with_parameters") else _apply_parameters(game, sets)
    else:
        game = _apply_parameters(game, sets)
    title = getattr(game, "title", "") or args.game
    if args.model == "strategic_probit":
        if args.parameter or args.max_lambda is not None:
            raise GameError("--parameter and --max-lambda are options of --model qre")
        return _probit(game, args, title)
    if args.data is None:
        raise GameError("--data FILE is needed: a CSV with the columns player,action,count "
                        "(and information_set for a game tree)")
    if args.max_lambda is not None and not 0 < args.max_lambda < float("inf"):
        raise GameError(f"--max-lambda must be a finite number above 0, got {args.max_lambda}")
    from deterrence.io.choice_data import read_choice_counts
    from deterrence.solvers.inference.qre_fit import fit_logit_qre
    counts = read_choice_counts(args.data, game)
    if not sum(sum(c.values()) for c in counts.values()) > 0:
        raise GameError(f"{args.data}: every count is 0; there is nothing to fit")
    import warnings

    from deterrence.errors import DefaultValuesWarning
    from deterrence.solvers.inference.qre_fit import held_note
    defaults = ()
    if not args.parameter and getattr(game, "is_symbolic", False):
        # at its defaults, said in a note as solve says it (not a Python warning on the terminal)
        from deterrence.core.validate import defaults_note
        game = game.with_defaults()
        defaults = (defaults_note(game, "fitted"),)
    elif args.parameter and held_note(game, tuple(args.parameter)):
        defaults = (held_note(game, tuple(args.parameter)),)    # the parameters not fitted, in a note too
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DefaultValuesWarning)   # the note says it
        fit = fit_logit_qre(game, counts, parameters=tuple(args.parameter), max_lambda=args.max_lambda)
    keys = list(counts)
    if args.json:
        shown = fit.to_json()
        # the defaults note leads the notes, as in solve --json (and this command's text)
        _print_json({"model": "qre", "game": title, "data": str(args.data),
                     **shown, "notes": list(defaults) + shown["notes"]})
        return 0
    what = "agent QRE" if isinstance(keys[0], tuple) else "logit QRE"
    print(f"{title}: {what} fitted to {fit.n_observations:g} observed choices ({_name(args.data)})")
    _print_estimates(fit.estimates, fit.standard_errors)
    print(f"log-likelihood {fit.log_likelihood:.4f}")
    print("fitted choice probabilities:")
    for k, p in zip(keys, fit.fitted):
        print(f"  {_label(k)}: " + ", ".join(f"{a} {v:.4f}" for a, v in zip(counts[k], p)))
    for note in defaults + fit.notes:
        print(f"note: {note}")
    return 0


def _probit(game, args, title) -> int:
    from deterrence.errors import GameError
    from deterrence.solvers.inference.strategic_probit import DATA_FILE, fit_strategic_probit, load_crisis_data
    shape = {k: tuple(s.actions) for k, s in getattr(game, "infosets", {}).items()}
    if shape != PROBIT_GAME:
        raise GameError(f"--model strategic_probit fits the crisis game crisis_resolve (Challenger: "
                        f"status_quo/challenge, then Defender: concede/resist); {args.game!r} is another game")
    fit = fit_strategic_probit(load_crisis_data(args.data))
    data = args.data if args.data is not None else DATA_FILE
    if args.json:
        _print_json({"model": "strategic_probit", "game": title, "data": str(data),
                     "estimates": fit.estimates, "standard_errors": fit.standard_errors,
                     "log_likelihood": fit.log_likelihood, "n_observations": fit.n,
                     "converged": fit.converged})
        return 0
    print(f"{title}: strategic probit fitted to {fit.n} crises ({_name(data)})")
    _print_estimates(fit.estimates, fit.standard_errors)
    print(f"log-likelihood {fit.log_likelihood:.4f}" + ("" if fit.converged else " (the optimiser did not converge)"))
    return 0


def _print_estimates(estimates, errors):
    width = max(map(len, estimates))
    for name, value in estimates.items():
        se = errors[name]
        # nan: the data do not identify it (printed "(se nan)": a review)
        print(f"{name:>{width}} = {value: .6g}  " + (f"(se {se:.3g})" if se == se else "(not identified by the data)"))


def _print_json(payload):
    import json

    from deterrence.core.numbers import json_float
    # a standard error that cannot be computed (lambda at the end of the range) is null, not NaN
    clean = {k: ({n: json_float(v) for n, v in val.items()} if k == "standard_errors" else val)
             for k, val in payload.items()}
    print(json.dumps(clean, indent=2))


def _label(key) -> str:
    """A player, or ``"player: information set"`` for a tree (the key fit_logit_qre also takes)."""
    return f"{key[0]}: {key[1]}" if isinstance(key, tuple) else key


def _name(path) -> str:
    from pathlib import Path
    return Path(str(path)).name
