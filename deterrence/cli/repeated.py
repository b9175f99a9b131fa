"""``deterrence repeated GAME``: analyse a repeated game.

Prints the (average discounted) payoffs of a strategy profile, whether it is
subgame perfect (one-shot deviation principle over every state reached by a
history), the critical discount factor ``delta*`` from which it is, and with
noise the probability of war (of a war profile within ``--within`` rounds,
expected rounds until one). Defaults come from the game file's ``[repeated]``
section (``delta``, ``strategies`` or ``profile``, ``noise``, ``horizon``, ``war``).

``--json`` prints the analysis's whole JSON object
(:meth:`~deterrence.solvers.repeated.analysis.RepeatedAnalysis.to_json`): what was analysed
(``players``, ``strategies``, ``delta``, ``horizon``, ``noise``), ``payoffs`` (average discounted;
expected under the noise when there is noise), ``subgame_perfect``, ``nash``, ``deviations``,
``critical_delta`` (exact string or null) with its ``_float``, ``_formula``, ``critical_attained``
and ``delta_set``, and, with noise, ``subgame_perfect_under_noise``, ``deviations_under_noise``,
``within`` (the rounds of the war probability), ``war_profiles`` (the action profiles counted
as war), ``war_probability`` (exact) and its ``_float``, ``expected_rounds_to_war`` (and
``_float``) and ``long_run_payoffs``. Every text line has its number here.
"""
from __future__ import annotations

import json
from pathlib import Path

from deterrence.errors import GameError


#: the size limits of ``deterrence repeated`` (``--limit NAME=N``, or ``--max-states`` etc.)
REPEATED_LIMITS = {"max_states": "joint states of the two automata", "max_within": "--within",
                   "max_horizon": "--horizon"}


def add_arguments(parser) -> None:
    """Arguments of ``deterrence repeated``.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> p.parse_args(["prisoners_dilemma", "--delta", "3/4"]).delta
    '3/4'
    """
    parser.add_argument("game", metavar="GAME", help="file (TOML, JSON, ...) or catalogue name")
    parser.add_argument("--delta", "-d", default=None,
                        help="discount factor, exact (e.g. 9/10); default: [repeated] delta")
    parser.add_argument("--strategies", "-s", default=None, metavar="S1,S2",
                        help="strategy of each player (library name, name(k=..), or an automaton "
                             "defined in the file); default: [repeated] strategies")
    parser.add_argument("--noise", "-e", action="append", default=None, metavar="KIND=E",
                        help="key=value pairs execution=..,tremble=..,perception=.. "
                             "(e.g. execution=1/50), PLAYER.execution=.. for one player's own noise "
                             "(e.g. Iran.execution=1/50); 0 or none for none; repeatable (the pairs "
                             "add up); default: [repeated] noise")
    parser.add_argument("--horizon", "-T", type=int, default=None, help="number of rounds (finite game)")
    parser.add_argument("--within", type=int, default=100, metavar="T",
                        help="rounds for the war probability (default 100)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="give a stage-game parameter a value (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--max-states", type=int, default=None, metavar="N",
                        help="raise the limit on the joint states of the two automata (default 100)")
    parser.add_argument("--max-within", type=int, default=None, metavar="T",
                        help="raise the limit on --within (default 100000)")
    parser.add_argument("--max-horizon", type=int, default=None, metavar="T",
                        help="raise the limit on --horizon (default 200)")
    from deterrence.cli import add_limit_option
    add_limit_option(parser, REPEATED_LIMITS)


def _noise(text):
    """``--noise``: ``key=value`` pairs (execution, tremble, perception), or ``0``/``none``.

    >>> _noise("execution=1/50, perception=1/100")
    {'execution': '1/50', 'perception': '1/100'}
    >>> _noise("Iran.execution=1/50")        # one player's own noise
    {'Iran': {'execution': '1/50'}}
    >>> _noise("1/50")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: --noise 1/50: name the kind of error: execution=1/50 (one rung up), tremble=1/50 (a
    uniformly chosen other action) or perception=1/50 (the opponent's action misread); 0 or none for no noise
    """
    if text is None:
        return None
    if not isinstance(text, str):       # --noise given more than once: the pairs add up
        parts = [t.strip() for t in text]
        nothing = [t for t in parts if t.lower() in ("0", "none")]
        if len(parts) > 1 and nothing:
            raise GameError(f"--noise given {len(parts)} times, one of them {nothing[0]}: no noise and some "
                            "noise at once")
        text = ",".join(parts)
    text = text.strip()
    if text.lower() in ("0", "none"):
        return "none"
    if "=" not in text:
        raise GameError(f"--noise {text}: name the kind of error: execution={text} (one rung up), "
                        f"tremble={text} (a uniformly chosen other action) or perception={text} "
                        "(the opponent's action misread); 0 or none for no noise")
    out = {}
    for item in text.split(","):
        k, _, v = item.partition("=")
        k = k.strip()
        player, dot, kind = k.rpartition(".")
        if dot and player.strip() and kind.strip() in ("execution", "tremble", "perception"):
            # PLAYER.kind=E: that player's own noise (the others keep the common part, if any)
            own = out.setdefault(player.strip(), {})
            _once(own, kind.strip(), v.strip(), f"{player.strip()}.{kind.strip()}")
            continue
        if k not in ("execution", "tremble", "perception"):
            raise GameError(f"--noise: unknown key {k!r}; use execution, tremble or perception, or "
                            "PLAYER.execution (and so on) for one player's own noise")
        _once(out, k, v.strip(), k)
    return out


def _once(table, key, value, shown):
    """``table[key] = value``, refusing a key given twice (the last one won, silently: an error
    review found --noise execution=1/2,execution=1/3 run with 1/3)."""
    if key in table:
        raise GameError(f"--noise: {shown} given twice ({table[key]} and {value})")
    table[key] = value


def _lines(path):
    try:
        p = Path(path)
        if p.suffix.lower() == ".toml" and p.exists():
            from deterrence.io._common import read_file_bytes
            from deterrence.io.toml_format import key_lines
            return str(p), key_lines(read_file_bytes(p)[0].decode("utf-8"))
    except Exception:  # noqa: BLE001 - line numbers are a courtesy
        pass
    return None, None


def analyse(args):
    """The :class:`~deterrence.solvers.repeated.analysis.RepeatedAnalysis` behind the command.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> a = analyse(p.parse_args(["prisoners_dilemma", "--delta", "3/4"]))
    >>> a.payoffs, a.subgame_perfect, a.critical_delta
    ((3, 3), True, 1/2)
    """
    from deterrence.cli import _parse_sets
    from deterrence.io import load_game
    from deterrence.solvers.repeated.analysis import analyse_repeated

    from deterrence.cli import command_limits
    # --limit max_states=N is --max-states N (one spelling for every command's limits)
    limits = {name: getattr(args, name, None) for name in REPEATED_LIMITS}
    limits.update(command_limits(getattr(args, "limit", []), REPEATED_LIMITS))
    game = load_game(args.game)
    if getattr(game, "n_players", None) != 2:
        raise GameError(f"{args.game}: repeated-game analysis needs a two-player normal-form game")
    if args.within < 0:
        raise GameError("--within must be >= 0")
    values = _parse_sets(args.set)
    if values:
        game = game.with_parameters(values) if game.is_symbolic else game.subs(values)
    file, lines = _lines(args.game)
    analysis = analyse_repeated(game, args.strategies, delta=args.delta, noise=_noise(args.noise),
                                horizon=args.horizon, within=args.within, file=file, lines=lines,
                                **limits,
                                _options=("--max-states", "--max-within", "--max-horizon"))
    if values and analysis.notes:
        # the values --set gave are no defaults: the note says which were set (as solve --set does)
        import dataclasses

        from deterrence.cli import set_values_note
        analysis = dataclasses.replace(analysis, notes=(
            set_values_note(analysis.game.stage.parameters, values, "analysed"),))
    return analysis


def json_object(analysis) -> dict:
    """The ``--json`` object (module docstring) from the analysis.

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> pd = analyse(p.parse_args(["prisoners_dilemma", "--delta", "3/4"]))
    >>> sorted(json_object(pd))  # doctest: +NORMALIZE_WHITESPACE
    ['critical_attained', 'critical_delta', 'critical_delta_float', 'critical_delta_formula', 'delta', 'delta_set',
     'deviations', 'horizon', 'nash', 'noise', 'notes', 'payoffs', 'players', 'strategies', 'subgame_perfect']
    """
    # the whole analysis (it was cut to nine keys, which left a saved result without its delta,
    # profile, noise or the rounds of its war probability: an analyst's review)
    out = analysis.to_json()
    out.setdefault("critical_delta", None)
    return out


def run(args) -> int:
    """Run ``deterrence repeated``; returns the exit code (0).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> run(p.parse_args(["prisoners_dilemma", "--delta", "3/4", "--json"]))  # doctest: +ELLIPSIS
    {
      "players": [
    ...
    0
    """
    a = analyse(args)
    if args.json:
        print(json.dumps(json_object(a), indent=2))
        return 0
    print(a.to_text(args.game))
    return 0


__all__ = ["add_arguments", "run", "analyse", "json_object"]
