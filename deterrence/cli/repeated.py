"""``deterrence repeated GAME``: analyse a repeated game.

Prints the (average discounted) payoffs of a strategy profile, whether it is
subgame perfect (one-shot deviation principle over every state reached by a
history), the critical discount factor ``delta*`` from which it is, and with
noise the war risk (probability of a war profile within ``--within`` rounds,
expected rounds until one). Defaults come from the game file's ``[repeated]``
section (``delta``, ``strategies`` or ``profile``, ``noise``, ``horizon``).

``--json`` prints one object with exactly the keys ``payoffs``,
``subgame_perfect``, ``critical_delta`` (exact string or null), ``deviations``
and, with noise, ``war_probability`` and ``expected_rounds_to_war``.
"""
from __future__ import annotations

import json
from pathlib import Path

from deterrence.core.numbers import format_exact
from deterrence.errors import GameError


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
    parser.add_argument("--noise", "-e", default=None, metavar="E",
                        help="execution error rate (e.g. 1/50), or key=value pairs "
                             "execution=..,tremble=..,perception=..; 0 for none")
    parser.add_argument("--horizon", "-T", type=int, default=None, help="number of rounds (finite game)")
    parser.add_argument("--within", type=int, default=100, metavar="T",
                        help="rounds for the war probability (default 100)")
    parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                        help="give a stage-game parameter a value (repeatable)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _noise(text):
    if text is None:
        return None
    text = text.strip()
    if "=" not in text:
        return {"execution": text}
    out = {}
    for item in text.split(","):
        k, _, v = item.partition("=")
        k = k.strip()
        if k not in ("execution", "tremble", "perception"):
            raise GameError(f"--noise: unknown key {k!r}; use execution, tremble or perception")
        out[k] = v.strip()
    return out


def _lines(path):
    try:
        p = Path(path)
        if p.suffix.lower() == ".toml" and p.exists():
            from deterrence.io.toml_format import key_lines
            return str(p), key_lines(p.read_text(encoding="utf-8"))
    except Exception:  # noqa: BLE001 - line numbers are a courtesy
        pass
    return None, None


def analyse(args) -> dict:
    """The analysis behind the command, as a dict (the JSON object and a few extras).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> out = analyse(p.parse_args(["prisoners_dilemma", "--delta", "3/4"]))["json"]
    >>> out["payoffs"], out["subgame_perfect"], out["critical_delta"]
    (['3', '3'], True, '1/2')
    """
    from deterrence.cli import _parse_sets
    from deterrence.core.repeated import Noise, RepeatedGame
    from deterrence.core.strategies import profile_from_section
    from deterrence.io import load_game
    from deterrence.solvers.repeated.critical_delta import critical_delta
    from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
    from deterrence.solvers.repeated.repeated_values import discounted_values

    game = load_game(args.game)
    if getattr(game, "n_players", None) != 2:
        raise GameError(f"{args.game}: repeated-game analysis needs a two-player normal-form game")
    values = _parse_sets(args.set)
    symbolic_game = game.with_parameters(values) if (values and game.is_symbolic) else game
    stage = game.subs(values) if (values or game.is_symbolic) else game
    section = game.extra.get("repeated", {}) or {}
    if not isinstance(section, dict):
        raise GameError(f"{args.game}: [repeated] must be a table")
    delta = args.delta if args.delta is not None else section.get("delta")
    if delta is None:
        raise GameError("no discount factor: give --delta (or delta = ... in [repeated])")
    noise_spec = _noise(args.noise) if args.noise is not None else section.get("noise")
    noise = Noise.from_spec(noise_spec)
    if noise is not None and noise.is_zero:
        noise = None
    horizon = args.horizon if args.horizon is not None else section.get("horizon")
    if args.within < 0:
        raise GameError("--within must be >= 0")
    file, lines = _lines(args.game)
    automata = profile_from_section(stage, args.strategies, file=file, lines=lines)
    rg = RepeatedGame(stage, delta, horizon, noise)
    out = {}
    extra = {"strategies": [a.name for a in automata], "delta": format_exact(rg.delta),
             "players": list(stage.players)}
    if horizon is not None:
        from deterrence.solvers.repeated.finite_horizon import finite_one_shot_deviation
        check = finite_one_shot_deviation(rg, automata)
        out["payoffs"] = [format_exact(v) for v in check.payoffs]
        out["subgame_perfect"] = check.subgame_perfect
        out["critical_delta"] = None
        out["deviations"] = check.to_json()["deviations"]
    else:
        # Subgame perfection and delta* are those of the strategies as intended (no
        # noise); with noise, the payoffs are expected ones and the check under
        # noise is reported beside it (a misfire can change who wants to deviate).
        vals = discounted_values(rg, automata)
        intended = RepeatedGame(stage, delta, None, None)
        check = one_shot_deviation(intended, automata)
        out["payoffs"] = [format_exact(v) for v in vals.payoffs]
        out["subgame_perfect"] = check.subgame_perfect
        try:
            crit = critical_delta(symbolic_game if symbolic_game.is_symbolic else stage, list(automata))
            out["critical_delta"] = None if crit.critical is None else str(crit.critical)
            extra["critical_delta_formula"] = (None if crit.critical_symbolic is None
                                               else str(crit.critical_symbolic))
            extra["delta_set"] = _set_text(crit.delta_set)
            extra["critical_attained"] = crit.critical_attained
        except GameError:
            raise
        except Exception as exc:  # noqa: BLE001 - sympy could not settle it: say so
            out["critical_delta"] = None
            extra["critical_delta_note"] = f"not computed ({type(exc).__name__})"
        out["deviations"] = [d.to_json() for d in check.deviations]
        extra["nash"] = check.nash
        if noise is not None:
            noisy = one_shot_deviation(rg, automata)
            out["subgame_perfect_under_noise"] = noisy.subgame_perfect
            out["deviations_under_noise"] = [d.to_json() for d in noisy.deviations]
    if noise is not None:
        from deterrence.solvers.repeated.noise_markov import analyse_noise
        a = analyse_noise(RepeatedGame(stage, delta, None, noise), automata, within=args.within)
        out["war_probability"] = format_exact(a.war_probability)
        out["war_probability_float"] = float(a.war_probability)
        out["expected_rounds_to_war"] = (None if a.expected_rounds_to_war is None
                                         else format_exact(a.expected_rounds_to_war))
        extra["war_probability_float"] = float(a.war_probability)
        extra["expected_rounds_float"] = (None if a.expected_rounds_to_war is None
                                          else float(a.expected_rounds_to_war))
        extra["war_profiles"] = [list(p) for p in a.war_profiles]
        extra["long_run_payoffs"] = [float(v) for v in a.long_run_payoffs]
        extra["noise"] = noise.to_dict()
    return {"json": out, "extra": extra}


def run(args) -> int:
    """Run ``deterrence repeated``; returns the exit code (0).

    >>> import argparse
    >>> p = argparse.ArgumentParser(); add_arguments(p)
    >>> run(p.parse_args(["prisoners_dilemma", "--delta", "3/4", "--json"]))  # doctest: +ELLIPSIS
    {
      "payoffs": [
    ...
    0
    """
    result = analyse(args)
    out, extra = result["json"], result["extra"]
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    p1, p2 = extra["players"]
    print(f"Repeated game {args.game}: {p1} plays {extra['strategies'][0]}, "
          f"{p2} plays {extra['strategies'][1]}, delta = {extra['delta']}")
    if "noise" in extra:
        print(f"noise: {', '.join(f'{k} = {v}' for k, v in extra['noise'].items())}")
    print(f"payoffs (average discounted): {p1} {out['payoffs'][0]} "
          f"(~{_f(out['payoffs'][0])}), {p2} {out['payoffs'][1]} (~{_f(out['payoffs'][1])})")
    label = "subgame perfect (as intended, without noise)" if "noise" in extra else "subgame perfect"
    print(f"{label}: {'yes' if out['subgame_perfect'] else 'no'}"
          + (f"; Nash: {'yes' if extra.get('nash') else 'no'}" if "nash" in extra else ""))
    if "delta_set" in extra:
        crit = out["critical_delta"]
        formula = extra.get("critical_delta_formula")
        print(f"critical delta: {crit if crit is not None else 'none (not SPE for all delta near 1)'}"
              + (f" = {formula}" if formula and formula != crit else ""))
        print(f"SPE for delta in: {extra['delta_set']}")
    for d in out["deviations"][:10]:
        where = d.get("states")
        rounds = f" with {d['rounds_left']} rounds left" if "rounds_left" in d else ""
        print(f"  profitable deviation: {d['player']} plays {d['action']} at states {tuple(where)}"
              f"{rounds}: gain {d['gain']}")
    if len(out["deviations"]) > 10:
        print(f"  ... and {len(out['deviations']) - 10} more")
    if "subgame_perfect_under_noise" in out:
        print(f"subgame perfect under noise at delta = {extra['delta']}: "
              f"{'yes' if out['subgame_perfect_under_noise'] else 'no'}")
        for d in out["deviations_under_noise"][:4]:
            print(f"  under noise, {d['player']} would play {d['action']} at states {tuple(d['states'])}: "
                  f"gain {_f(d['gain'])}")
    if "war_probability" in out:
        wp = " or ".join("(" + ", ".join(p) + ")" for p in extra["war_profiles"])
        print(f"war ({wp}) within {args.within} rounds: probability {extra['war_probability_float']:.6g}")
        er = extra["expected_rounds_float"]
        print(f"expected rounds until war: {'never certain' if er is None else f'{er:.6g}'}")
        print(f"long-run average payoffs: {', '.join(f'{v:.6g}' for v in extra['long_run_payoffs'])}")
    return 0


def _set_text(dset) -> str:
    """A set of discount factors in interval notation, with decimals for algebraic ends."""
    import sympy
    if dset == sympy.EmptySet:
        return "no delta in [0, 1)"
    parts = dset.args if isinstance(dset, sympy.Union) else (dset,)
    out = []
    for part in parts:
        if isinstance(part, sympy.FiniteSet):
            out += ["{" + _num(x) + "}" for x in part]
        elif isinstance(part, sympy.Interval):
            out.append(("(" if part.left_open else "[") + _num(part.start) + ", " + _num(part.end)
                       + (")" if part.right_open else "]"))
        else:
            out.append(str(part))
    return " U ".join(out)


def _num(x) -> str:
    return str(x) if getattr(x, "is_Rational", False) else f"{float(x):.6g}"


def _f(text):
    from fractions import Fraction
    try:
        return f"{float(Fraction(text)):.6g}"
    except (ValueError, ZeroDivisionError):
        return text


__all__ = ["add_arguments", "run", "analyse"]
