"""``deterrence dynamics``: learning and evolutionary dynamics on a normal-form game.

The rules are the library's (:mod:`deterrence.solvers.normal_form.dynamics`):
``replicator`` (the replicator equation from the uniform profile, or ``--start``),
``fictitious_play`` (empirical frequencies of best replies to past play) and
``best_response`` (players in turn switch to a best reply, from ``--start`` or a
seeded random profile) and ``moran`` (a finite population of a symmetric game: the exact
fixation probability of one mutant, against the neutral 1/N, and one seeded run). Text by
default, ``--json`` for machines, ``--plot FILE`` for a figure: the shares over time
(``--figure shares``, the default), the phase portrait or the basins of attraction of a 2x2
game (``phase``, ``basins``), or the path on the triangle of a three-action player
(``simplex``). Symbolic games are played at their default values (``--set NAME=VALUE``
changes them). A game tree is played in its reduced normal form.
"""
from __future__ import annotations

RULES = ("replicator", "fictitious_play", "best_response", "moran")
FIGURES = ("shares", "phase", "basins", "simplex")


def add_arguments(parser) -> None:
    """Arguments of ``deterrence dynamics``.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> p.parse_args(["chicken"]).rule
    'replicator'
    """
    parser.add_argument("game", metavar="GAME", help="normal-form game: catalogue name or file")
    parser.add_argument("--rule", choices=RULES, default="replicator",
                        help="replicator (default), fictitious_play, best_response or moran")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="replicator: time span (default 50); fictitious_play: rounds (default 1000); "
                             "best_response: most switches (default 1000); moran: most steps of the run "
                             "(default 10^6)")
    parser.add_argument("--population", type=int, default=10, metavar="N",
                        help="moran: the population size (default 10)")
    parser.add_argument("--mutant", default=None, metavar="ACTION",
                        help="moran: the mutant's action (default the first)")
    parser.add_argument("--resident", default=None, metavar="ACTION",
                        help="moran: the residents' action (default the second)")
    parser.add_argument("--intensity", default=None, metavar="W",
                        help="moran: intensity of selection, fitness 1 - W + W * payoff (exact, e.g. 1/10; "
                             "default 1 when every payoff the two types meet is positive, else half the "
                             "largest W that keeps every fitness positive)")
    parser.add_argument("--start", default=None, metavar="START",
                        help="replicator: one mixed strategy a player, ';' between players and ',' between "
                             "probabilities (e.g. '1/2,1/2;9/10,1/10'); best_response: one action a player, "
                             "',' between them (e.g. 'swerve,straight')")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random choices (default 0)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="give a parameter a value (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help="also save a figure to FILE (PNG, PDF or SVG): see --figure")
    parser.add_argument("--figure", choices=FIGURES, default="shares",
                        help="with --plot: shares over time (default; moran: the mutants' share), phase "
                             "(2x2: the path on the replicator field), basins (2x2: where the replicator "
                             "dynamics ends from each start) or simplex (the path of a three-action player)")
    parser.add_argument("--force", action="store_true", help="let --plot overwrite an existing file")


def _start(text, game, rule):
    """``--start`` as the rule takes it: mixed strategies (exact fractions) or action labels."""
    from deterrence.core.numbers import to_exact
    from deterrence.errors import GameError
    if text is None:
        return None
    if rule == "best_response":
        labels = [a.strip() for a in text.split(",")]
        if len(labels) != game.n_players:
            raise GameError(f"--start {text!r}: give one action a player ({game.n_players}), separated by ','")
        for i, label in enumerate(labels):
            if label not in game.actions[i]:
                raise GameError(f"--start: {game.players[i]} has no action {label!r}; "
                                f"choose one of {', '.join(game.actions[i])}")
        return tuple(labels)
    parts = text.split(";")
    if len(parts) != game.n_players:
        raise GameError(f"--start {text!r}: give one mixed strategy a player ({game.n_players}), "
                        "separated by ';'")
    start = []
    for i, part in enumerate(parts):
        probs = [to_exact(x.strip(), f"--start ({game.players[i]})") for x in part.split(",")]
        if len(probs) != len(game.actions[i]) or any(p < 0 for p in probs) or sum(probs) != 1:
            raise GameError(f"--start: {game.players[i]} needs {len(game.actions[i])} probabilities "
                            f"(at least 0, adding up to 1), got {part.strip()!r}")
        start.append(tuple(float(p) for p in probs))
    return start


def run(args) -> int:
    """Run ``deterrence dynamics``; returns the exit code (0).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> run(p.parse_args(["prisoners_dilemma", "--rule", "best_response", "--start", "C,C"]))
    Prisoner's dilemma: best-response dynamics
    path: (C, C) -> (D, C) -> (D, D)
    ends at a pure equilibrium: yes
    note: played at the parameters' default values (T=5, R=3, P=1, S=0)
    0
    """
    import json

    from deterrence.cli import _apply_parameters, _parse_sets
    from deterrence.io import load_game
    from deterrence.solvers.normal_form import dynamics
    from deterrence.errors import GameError
    if args.plot is not None:          # before any work: a bad path is known at once
        from deterrence.plot.report import check_figure_path
        check_figure_path(args.plot, force=args.force)
    game = load_game(args.game)
    from deterrence.solvers import game_type
    kind = game_type(game)
    if kind not in ("normal_form", "tree"):
        raise GameError(f"dynamics needs a normal-form game or a game tree; {args.game!r} is a "
                        f"{type(game).__name__}")
    game = _apply_parameters(game, _parse_sets(args.set))     # as `deterrence solve` does
    args.defaults_notes = []
    if game.is_symbolic:
        # at its defaults, said in a note as solve and fit say it (text and --json)
        from deterrence.core.validate import defaults_note
        game = game.with_defaults()
        args.defaults_notes = [defaults_note(game, "played")]
    if kind == "tree":
        # learning is over whole plans: a tree is played in its reduced normal form (as tree_nash)
        from deterrence.solvers.tree.reduced_normal_form import reduced_normal_form
        game = reduced_normal_form(game)
        if not args.json:
            print("(a game tree: played in its reduced normal form, one action a reduced strategy)")
    if args.steps is not None and args.steps < 1:
        raise GameError(f"--steps must be at least 1, got {args.steps}")
    if args.figure != "shares" and args.plot is None:
        # --figure chooses the figure --plot saves: alone it did nothing, silently (a bug hunt)
        raise GameError(f"--figure {args.figure} chooses the figure that --plot FILE saves: give --plot too")
    title = getattr(game, "title", "") or args.game
    if args.rule == "moran":
        return _moran(args, game, title)
    start = _start(args.start, game, args.rule)
    if args.figure == "basins":        # of the game, not of one path: no path needed
        _figure(args, game, None, title)
    if args.rule == "best_response":
        if args.plot is not None and args.figure != "basins":
            raise GameError("--plot draws shares over time: use it with --rule replicator or fictitious_play "
                            "(or --figure basins)")
        path, converged = dynamics.best_response_dynamics(
            game, start=start, seed=args.seed, **({} if args.steps is None else {"max_steps": args.steps}))
        if args.json:
            print(json.dumps({"rule": "best_response", "path": [list(p) for p in path],
                              "converged": converged, "notes": args.defaults_notes}, indent=2))
        else:
            print(f"{title}: best-response dynamics")
            print("path: " + " -> ".join("(" + ", ".join(p) + ")" for p in path))
            print("ends at a pure equilibrium: " + ("yes" if converged else "no (a cycle, or the step limit)"))
            _print_notes(args)
        return 0
    if args.rule == "replicator":
        # players who start apart are two populations, even in a symmetric game
        population = "multi" if start is not None and len(set(start)) > 1 else "auto"
        trajectory = dynamics.replicator_dynamics(
            game, start=start, population=population,
            **({} if args.steps is None else {"t_max": float(args.steps)}))
    else:
        if start is not None:
            raise GameError("--start is for replicator and best_response; fictitious play starts from no counts")
        if args.steps is not None:      # named as the user wrote it (it said "iterations=...")
            from deterrence.core.validate import check_count
            check_count("--steps", args.steps, limit=dynamics.MAX_ITERATIONS)
        trajectory = dynamics.fictitious_play(
            game, seed=args.seed, **({} if args.steps is None else {"iterations": args.steps}))
    if args.json:
        print(json.dumps({"rule": args.rule, **trajectory.to_json(), "notes": args.defaults_notes}, indent=2))
    else:
        print(f"{title}: {trajectory.kind}")
        for player, actions, state in zip(trajectory.players, trajectory.actions, trajectory.final):
            shares = ", ".join(f"{a} {max(p, 0.0):.4f}" for a, p in zip(actions, state))  # no -0.0000
            print(f"{player}: {shares}")
        _print_notes(args)
    _figure(args, game, trajectory, title)
    return 0


def _print_notes(args) -> None:
    for note in getattr(args, "defaults_notes", ()):
        print(f"note: {note}")


def _figure(args, game, trajectory, title) -> None:
    """Save ``--plot FILE`` (once: the basins are drawn before any path is computed)."""
    from deterrence.errors import GameError
    if args.plot is None or (args.figure == "basins") != (trajectory is None):
        return
    from deterrence.plot import dynamics as figures
    if args.figure == "basins":
        ax = figures.plot_basins(game)
    elif args.figure == "phase":
        if game.n_players != 2 or game.shape != (2, 2):
            raise GameError(f"--figure phase needs a 2x2 game; this one has shape {game.shape}")
        ax = figures.plot_phase(game, [trajectory])
    elif args.figure == "simplex":
        three = [i for i, a in enumerate(trajectory.actions) if len(a) == 3]
        if not three:
            raise GameError("--figure simplex needs a player with three actions")
        ax = figures.plot_simplex([trajectory], player=three[0])
        ax.set_title(f"{title}: {ax.get_title()}", pad=16)
    else:
        ax = figures.plot_shares(trajectory)
        ax.set_title(f"{title}: {trajectory.kind}")
    ax.figure.savefig(args.plot, dpi=120, bbox_inches="tight")


def _moran(args, game, title) -> int:
    """``--rule moran``: the exact fixation probability of one mutant and one seeded run."""
    import json
    from fractions import Fraction

    from deterrence.core.numbers import format_exact, format_text, to_exact
    from deterrence.errors import GameError
    from deterrence.solvers.normal_form import dynamics
    if args.start is not None:
        raise GameError("--start is for replicator and best_response; moran starts from one mutant")
    if args.figure != "shares":
        raise GameError("--figure: the Moran process draws the mutants' share over the steps (shares)")
    if game.n_players != 2 or game.shape[0] != game.shape[1]:
        raise GameError("the Moran process needs a two-player game with as many actions for each "
                        "(Row's payoffs are the fitness of the types)")
    if tuple(game.actions[0]) != tuple(game.actions[1]):
        # the types play one another: a type is an action of both players (it said "unknown action
        # 'u' for player B", an action the user never typed)
        raise GameError(f"the Moran process needs the same actions, in the same order, for both players (the "
                        f"types play one another): "
                        f"{game.players[0]} has {', '.join(game.actions[0])}, {game.players[1]} has "
                        f"{', '.join(game.actions[1])}")
    actions = game.actions[0]
    mutant = args.mutant if args.mutant is not None else actions[0]
    resident = args.resident if args.resident is not None else actions[1]
    for option, label in (("--mutant", mutant), ("--resident", resident)):
        if label not in actions:
            raise GameError(f"{option}: {game.players[0]} has no action {label!r}; choose one of {', '.join(actions)}")
    n = args.population
    if not 2 <= n <= 100_000:
        raise GameError(f"--population must be between 2 and 100000, got {n}")
    lowest = min(game.payoff((a, b))[0] for a in (mutant, resident) for b in (mutant, resident))
    lowest = to_exact(lowest)
    if args.intensity is None:
        # the default 1 refused every stage game of the catalogue (each has a payoff of 0 or below):
        # half the largest intensity that keeps every fitness positive (a newcomer's review)
        intensity = Fraction(1) if lowest > 0 else Fraction(1, 2) / (1 - lowest)
        args.intensity = format_exact(intensity)
    intensity = to_exact(args.intensity, "--intensity")
    if not 0 <= intensity <= 1:
        raise GameError(f"--intensity must be between 0 and 1, got {args.intensity}")
    if 1 - intensity + intensity * lowest <= 0:
        # fitness 1 - W + W * payoff must stay positive: say how far to lower W (here lowest < 1)
        raise GameError(f"--intensity {args.intensity}: with a payoff of {format_exact(lowest)} the fitness "
                        f"1 - W + W * payoff is not positive; give --intensity below "
                        f"{format_exact(Fraction(1) / (1 - lowest))}")
    exact = dynamics.fixation_probability(game, n, mutant, resident, intensity)
    run = dynamics.moran_process(game, n, mutant, resident, intensity=float(intensity), seed=args.seed,
                                 **({} if args.steps is None else {"max_steps": args.steps}))
    fixed = run[-1] == n
    if args.json:
        print(json.dumps({"rule": "moran", "population": n, "mutant": mutant, "resident": resident,
                          "intensity": format_exact(intensity), "fixation_probability": format_exact(exact),
                          "neutral": format_exact(to_exact(f"1/{n}")), "run": run, "fixed": fixed,
                          "notes": args.defaults_notes},
                         indent=2))
    else:
        verdict = "favoured by selection" if exact > to_exact(f"1/{n}") else \
            ("neutral" if exact == to_exact(f"1/{n}") else "opposed by selection")
        print(f"{title}: Moran process, {n} individuals, one {mutant} among {n - 1} {resident}, "
              f"intensity of selection {format_exact(intensity)}")
        shown = format_text(exact)      # a fraction of hundreds of digits in a large population: shortened
        print(f"fixation probability of the {mutant} mutant: {shown} "
              f"({'' if shown.startswith('~') else f'~{float(exact):.4f}; '}a neutral mutant's 1/{n}: {verdict})")
        print(f"one run (seed {args.seed}): {'the mutants took over' if fixed else 'the mutants died out'} "
              f"after {len(run) - 1} steps")
        _print_notes(args)
    if args.plot is not None:
        trajectory = dynamics.Trajectory(
            times=tuple(range(len(run))), states=tuple(((i / n, 1 - i / n),) for i in run),
            players=("population",), actions=((mutant, resident),), kind="Moran process (one run)")
        from deterrence.plot.dynamics import plot_shares
        ax = plot_shares(trajectory)
        for line, who in zip(ax.lines, ("mutants", "residents")):
            line.set_label(f"{who} ({line.get_label().split(': ', 1)[1]})")
            line.set_drawstyle("steps-post")       # one individual replaced a step
        ax.legend(fontsize="small")
        ax.set_xlabel("step")
        ax.set_title(f"{title}: Moran process, {n} individuals (one run)")
        ax.figure.savefig(args.plot, dpi=120, bbox_inches="tight")
    return 0
