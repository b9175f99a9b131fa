"""``deterrence dynamics``: learning and evolutionary dynamics on a normal-form game.

The rules are the library's (:mod:`deterrence.solvers.normal_form.dynamics`):
``replicator`` (the replicator equation from the uniform profile, or ``--start``),
``fictitious_play`` (empirical frequencies of best replies to past play) and
``best_response`` (players in turn switch to a best reply, from ``--start`` or a
seeded random profile). Text by default, ``--json`` for machines, ``--plot FILE``
for the shares over time. Symbolic games are played at their default values
(``--set NAME=VALUE`` changes them).
"""
from __future__ import annotations

RULES = ("replicator", "fictitious_play", "best_response")


def add_arguments(parser) -> None:
    """Arguments of ``deterrence dynamics``.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> p.parse_args(["chicken"]).rule
    'replicator'
    """
    parser.add_argument("game", metavar="GAME", help="normal-form game: catalogue name or file")
    parser.add_argument("--rule", choices=RULES, default="replicator",
                        help="replicator (default), fictitious_play or best_response")
    parser.add_argument("--steps", type=int, default=None, metavar="N",
                        help="replicator: time span (default 50); fictitious_play: rounds (default 1000); "
                             "best_response: most switches (default 1000)")
    parser.add_argument("--start", default=None, metavar="START",
                        help="replicator: one mixed strategy a player, ';' between players and ',' between "
                             "probabilities (e.g. '1/2,1/2;9/10,1/10'); best_response: one action a player, "
                             "',' between them (e.g. 'swerve,straight')")
    parser.add_argument("--seed", type=int, default=0, help="seed of the random choices (default 0)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="give a parameter a value (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--plot", metavar="FILE", default=None,
                        help="also save the shares over time to FILE (PNG, PDF or SVG)")
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
    if game_type(game) != "normal_form":
        raise GameError(f"dynamics needs a normal-form game; {args.game!r} is a {type(game).__name__}")
    game = _apply_parameters(game, _parse_sets(args.set))     # as `deterrence solve` does
    if game.is_symbolic:
        game = game.with_defaults()
    if args.steps is not None and args.steps < 1:
        raise GameError(f"--steps must be at least 1, got {args.steps}")
    start = _start(args.start, game, args.rule)
    title = getattr(game, "title", "") or args.game
    if args.rule == "best_response":
        if args.plot is not None:
            raise GameError("--plot draws shares over time: use it with --rule replicator or fictitious_play")
        path, converged = dynamics.best_response_dynamics(
            game, start=start, seed=args.seed, **({} if args.steps is None else {"max_steps": args.steps}))
        if args.json:
            print(json.dumps({"rule": "best_response", "path": [list(p) for p in path],
                              "converged": converged}, indent=2))
        else:
            print(f"{title}: best-response dynamics")
            print("path: " + " -> ".join("(" + ", ".join(p) + ")" for p in path))
            print("ends at a pure equilibrium: " + ("yes" if converged else "no (a cycle, or the step limit)"))
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
        trajectory = dynamics.fictitious_play(
            game, seed=args.seed, **({} if args.steps is None else {"iterations": args.steps}))
    if args.json:
        print(json.dumps({"rule": args.rule, **trajectory.to_json()}))
    else:
        print(f"{title}: {trajectory.kind}")
        for player, actions, state in zip(trajectory.players, trajectory.actions, trajectory.final):
            shares = ", ".join(f"{a} {max(p, 0.0):.4f}" for a, p in zip(actions, state))  # no -0.0000
            print(f"{player}: {shares}")
    if args.plot is not None:
        from deterrence.plot.dynamics import plot_shares
        ax = plot_shares(trajectory)
        ax.set_title(f"{title}: {trajectory.kind}")
        ax.figure.savefig(args.plot, dpi=120)
    return 0
