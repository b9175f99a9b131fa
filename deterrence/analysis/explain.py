"""``explain``: why both sides stay below all-out conflict, in numbers and formulas.

A :class:`DeterrenceReport` is a list of :class:`Section` values (a title,
sentences, and the data behind them), rendered as text for the command line,
Markdown or HTML for notebooks, and JSON for machines. Each section is built
from solver results only; the report computes nothing the solvers do not.

Stage-game sections:

* **equilibria**: every equilibrium (exact), and whether any puts weight on
  escalation;
* **margins**: at the restraint equilibrium (the one with no weight on
  escalation; the pure one first), how much each side loses by escalating,
  against its best alternative, in payoff units and as a share of that side's
  payoff range in the game;
* **red lines**: for each parameter, the value at which the set of pure
  equilibria changes (:mod:`deterrence.analysis.redlines`), with its formula.

The escalation action of each player is the one labelled ``escalate`` if there
is one, otherwise the last action; pass ``escalation={"US": "strike"}`` to choose.
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.numbers import format_exact
from deterrence.core.report import DeterrenceReport, Section


def escalation_actions(game, escalation=None) -> tuple:
    """The escalation action index of each player (see the module docstring).

    >>> from deterrence import load_game
    >>> escalation_actions(load_game("us_iran_stage"))
    (2, 2)
    """
    escalation = dict(escalation or {})
    out = []
    for i, player in enumerate(game.players):
        if player in escalation:
            out.append(game.action_index(i, escalation[player]))
        elif "escalate" in game.actions[i]:
            out.append(game.actions[i].index("escalate"))
        else:
            out.append(len(game.actions[i]) - 1)
    return tuple(out)


def stage_sections(game, *, escalation=None, red_line_parameters=None) -> list:
    """The equilibrium, margin and red-line sections for a stage game.

    >>> from deterrence import load_game
    >>> [s.key for s in stage_sections(load_game("us_iran_stage"))]
    ['equilibria', 'margins', 'red_lines']
    """
    from deterrence.solvers import solve
    from deterrence.solvers.certify import expected_payoffs_against
    numeric = game.with_defaults() if game.is_symbolic else game
    result = solve(numeric) if numeric.n_players == 2 else solve(numeric, "pure")
    esc = escalation_actions(numeric, escalation)
    weights = [tuple(eq.strategies[i][esc[i]] for i in range(numeric.n_players)) for eq in result.equilibria]
    any_escalation = [k for k, w in enumerate(weights) if any(p > 0 for p in w)]
    restraint = [k for k, w in enumerate(weights) if all(p == 0 for p in w)]

    lines = [f"[{k}] {eq.describe()}" for k, eq in enumerate(result.equilibria)]
    if any_escalation:
        lines.append(f"{len(any_escalation)} of {len(result.equilibria)} equilibria put weight on "
                     f"escalation: {', '.join(map(str, any_escalation))}.")
    else:
        lines.append("No equilibrium puts any weight on escalation.")
    eq_section = Section("equilibria", "Equilibria", tuple(lines), {
        "method": result.method, "complete": result.complete, "exact": result.exact,
        "equilibria": [e.to_json() for e in result.equilibria],
        "escalation_weight": [[format_exact(p) for p in w] for w in weights],
        "puts_weight_on_escalation": bool(any_escalation),
        "restraint_equilibria": restraint,
    })
    sections = [eq_section]

    if restraint:
        pure_first = sorted(restraint, key=lambda k: not result.equilibria[k].is_pure)
        k = pure_first[0]
        eq = result.equilibria[k]
        margin_lines, margin_data = [f"At the restraint equilibrium [{k}] ({eq.describe()}):"], []
        for i, player in enumerate(numeric.players):
            values = expected_payoffs_against(numeric, eq.strategies, i)
            best_alt = max((v, a) for a, v in enumerate(values) if a != esc[i])
            loss = best_alt[0] - values[esc[i]]
            arr = numeric.payoff_arrays[i]
            spread = max(arr.flat) - min(arr.flat)
            share = Fraction(loss) / spread if spread else Fraction(0)
            margin_lines.append(
                f"{player} would lose {format_exact(loss)} by escalating "
                f"({format_exact(values[esc[i]])} against {format_exact(best_alt[0])} for "
                f"'{numeric.actions[i][best_alt[1]]}'), {float(share):.0%} of its payoff range.")
            margin_data.append({"player": player, "escalation_payoff": format_exact(values[esc[i]]),
                                "best_alternative": numeric.actions[i][best_alt[1]],
                                "best_alternative_payoff": format_exact(best_alt[0]),
                                "loss": format_exact(loss), "share_of_range": format_exact(share)})
        sections.append(Section("margins", "Margins against escalation", tuple(margin_lines),
                                {"equilibrium": k, "players": margin_data}))
    else:
        sections.append(Section("margins", "Margins against escalation",
                                ("No equilibrium is free of escalation: there is no restraint to measure.",),
                                {"equilibrium": None, "players": []}))

    if game.is_symbolic:
        from deterrence.analysis.redlines import red_lines
        lines_ = red_lines(game, red_line_parameters)
        text = tuple(l.describe() for l in lines_) or ("No parameter change within reach flips the result.",)
        sections.append(Section("red_lines", "Red lines", text, {"red_lines": [l.to_json() for l in lines_]}))
    return sections


def repeated_sections(stage, strategies, delta, noise=None, *, within=100) -> list:
    """The shadow-of-the-future and miscalculation sections for a repeated game.

    ``stage`` may be symbolic (then δ* comes as a formula in its parameters).

    >>> from deterrence.models.us_iran import us_iran_model
    >>> m = us_iran_model()
    >>> s = repeated_sections(m.stage, m.strategies, m.delta)
    >>> s[0].data["critical_delta"], s[0].data["critical_delta_formula"]
    ('3/4', 'Max((a_iran + b_iran)/(a_iran + c_iran), (a_us + b_us)/(a_us + c_us))')
    """
    from deterrence.solvers.repeated.critical_delta import critical_delta
    from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
    numeric = stage.with_defaults() if stage.is_symbolic else stage
    names = [getattr(a, "name", str(a)) for a in strategies]
    crit = critical_delta(stage, list(strategies))
    check = one_shot_deviation(numeric, list(strategies), delta=delta)
    star = crit.critical
    lines = [f"Profile: {numeric.players[0]} plays {names[0]}, {numeric.players[1]} plays {names[1]}; "
             f"delta = {format_exact(delta)} (average discounted payoffs, (1 - delta) * sum of delta^t u_t)."]
    data = {"strategies": names, "delta": format_exact(delta),
            "subgame_perfect": check.subgame_perfect,
            "payoffs": [format_exact(v) for v in check.payoffs],
            "critical_delta": None if star is None else _fmt_number(star),
            "critical_delta_formula": None if crit.critical_symbolic is None else str(crit.critical_symbolic),
            "delta_set": str(crit.delta_set), "distance": None}
    if star is None:
        lines.append(f"This profile is not subgame perfect for any delta near 1 (the set is {crit.delta_set}).")
    else:
        formula = "" if str(crit.critical_symbolic) == _fmt_number(star) else f" = {crit.critical_symbolic}"
        lines.append(f"Restraint by this profile is subgame perfect from delta* = {_fmt_number(star)}{formula} on.")
        distance = Fraction(delta) - Fraction(str(star)) if _is_rational(star) else float(delta) - float(star)
        data["distance"] = _fmt_number(distance)
        verdict = "holds" if check.subgame_perfect else "fails"
        lines.append(f"At delta = {format_exact(delta)} it {verdict}: the future weighs "
                     f"{_fmt_number(distance)} {'above' if distance >= 0 else 'below'} the threshold. "
                     f"Red line: if delta falls below {_fmt_number(star)}, restraint is no longer credible.")
    for d in check.deviations[:4]:
        lines.append(f"Profitable deviation: {d.player} plays {d.action} at states {d.states} "
                     f"(gain {format_exact(d.gain)}).")
    sections = [Section("shadow_of_the_future", "The shadow of the future", tuple(lines), data)]
    if noise is not None:
        sections.append(noise_section(numeric, strategies, delta, noise, within=within))
    return sections


def noise_section(stage, strategies, delta, noise, *, within=100, note=None) -> Section:
    """The risk of a spiral: war within ``within`` rounds and expected rounds to war, under noise.

    >>> from deterrence.models.us_iran import us_iran_model
    >>> m = us_iran_model()
    >>> noise_section(m.stage.with_defaults(), m.strategies, m.delta, m.noise).data["within"]
    100
    """
    from deterrence.solvers.repeated.noise_markov import analyse_noise
    from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
    a = analyse_noise(stage, list(strategies), delta=delta, noise=noise, within=within)
    noisy = one_shot_deviation(stage, list(strategies), delta=delta, noise=noise)
    rounds = a.expected_rounds_to_war
    war = " or ".join("(" + ", ".join(p) + ")" for p in a.war_profiles)
    names = " and ".join(getattr(x, "name", str(x)) for x in strategies)
    lines = ([note] if note else []) + [
        f"Noise: {', '.join(f'{k} {v}' for k, v in noise.to_dict().items())}; play: {names}.",
        f"Probability of all-out war {war} within {within} rounds: {float(a.war_probability):.4f}.",
        "Expected rounds until war: " + (f"{float(rounds):.1f}" if rounds is not None else "never certain") + ".",
        f"Under this noise the profile is {'still' if noisy.subgame_perfect else 'no longer'} "
        f"subgame perfect at delta = {format_exact(delta)}"
        + ("." if noisy.subgame_perfect else
           ": a limited strike may misfire into war, so the side due to retaliate would rather hold.")]
    return Section("miscalculation", "Miscalculation: the risk of a spiral", tuple(lines), {
        "strategies": [getattr(x, "name", str(x)) for x in strategies],
        "noise": noise.to_dict(), "within": within,
        "war_profiles": [list(p) for p in a.war_profiles],
        "war_probability": format_exact(a.war_probability),
        "war_probability_float": float(a.war_probability),
        "expected_rounds_to_war": None if rounds is None else format_exact(rounds),
        "expected_rounds_to_war_float": None if rounds is None else float(rounds),
        "subgame_perfect_under_noise": noisy.subgame_perfect,
        "long_run_payoffs": [format_exact(v) for v in a.long_run_payoffs]})


def tree_sections(tree) -> list:
    """Subgame-perfect equilibria of a game tree and the threats that are not credible.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> s = tree_sections(entry_deterrence())
    >>> s[1].data["noncredible"][0]["threats"][0]["player"]
    'Incumbent'
    """
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    from deterrence.solvers.tree.reduced_normal_form import noncredible_threats
    numeric = tree.with_defaults() if getattr(tree, "is_symbolic", False) else tree
    spe = subgame_perfect(numeric)
    lines = [str(e.describe() if hasattr(e, "describe") else e) for e in spe.equilibria]
    sections = [Section("subgame_perfect", "Subgame-perfect equilibria", tuple(lines), spe.to_json())]
    if getattr(tree, "is_symbolic", False):
        from deterrence.analysis.redlines import tree_red_lines
        lines_ = tree_red_lines(tree)
        sections.append(Section("red_lines", "Red lines", tuple(l.describe() for l in lines_)
                                or ("No parameter change within reach changes the equilibrium play.",),
                                {"red_lines": [l.to_json() for l in lines_],
                                 "method": "scan and exact bisection; formula from the symbolic conditions"}))
    explanations = noncredible_threats(numeric)
    tl = [e.describe() for e in explanations] or ["No pure Nash equilibrium to compare."]
    sections.append(Section("credibility", "Which threats are credible", tuple(tl), {
        "noncredible": [{"profile": list(e.profile), "subgame_perfect": e.subgame_perfect,
                         "threats": [{"node": t.node, "player": t.player, "planned": t.planned,
                                      "better": t.better, "gain": format_exact(t.gain)}
                                     for t in e.threats]} for e in explanations]}))
    return sections


def proxy_sections(proxy) -> list:
    """Where Iran's answer to an Israeli strike lands, and the condition for the US to be the target.

    >>> from deterrence.models.proxy_targets import proxy_targets
    >>> proxy_sections(proxy_targets(symbolic=True))[0].data["lands_on_us_forces"]
    True
    """
    from deterrence.models.proxy_targets import low_hanging_fruit_condition
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    numeric = proxy.with_defaults()
    spe = subgame_perfect(numeric)
    answers = sorted({e.actions["strike"] for e in spe.equilibria})
    on_us = answers == ["answer_us"]
    condition = low_hanging_fruit_condition(proxy)
    lines = [f"After an Israeli strike, Iran's answer in every subgame-perfect equilibrium: {', '.join(answers)}.",
             ("US forces are the low-hanging fruit: the answer lands on them, not on Israel."
              if on_us else "The answer does not land on US forces at these values."),
             f"Condition for the answer to land on US forces: {condition}."]
    return [Section("proxies", "Proxies and the low-hanging fruit", tuple(lines), {
        "answers": answers, "lands_on_us_forces": on_us, "condition": str(condition),
        "equilibria": spe.to_json()["equilibria"]})]


def _is_rational(x) -> bool:
    return isinstance(x, (int, Fraction)) or getattr(x, "is_Rational", False)


def _fmt_number(x) -> str:
    if isinstance(x, float):
        return f"{x:.6g}"
    if _is_rational(x):
        return format_exact(Fraction(str(x)))
    return f"{float(x):.6g}"


def explain(obj, *, strategies=None, delta=None, noise=None, within=100, escalation=None,
            red_line_parameters=None, title=None) -> DeterrenceReport:
    """The deterrence analysis of a stage game, a repeated game, a game tree or the US–Iran model.

    * :class:`~deterrence.NormalFormGame`: equilibria, margins, red lines; with
      ``strategies`` and ``delta`` (or the game file's ``[repeated]`` section
      when ``delta`` is given) also the repeated-game sections;
    * :class:`~deterrence.core.repeated.RepeatedGame` with ``strategies``;
    * a game tree: subgame-perfect equilibria and non-credible threats;
    * :class:`~deterrence.models.us_iran.USIranModel`: all of it.

    >>> from deterrence import load_game
    >>> report = explain(load_game("us_iran_stage"))
    >>> report.section("margins").data["players"][1]["loss"]
    '48'
    """
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.errors import GameError
    from deterrence.models.us_iran import USIranModel
    if isinstance(obj, USIranModel):
        return _explain_model(obj, escalation, red_line_parameters, title)
    if isinstance(obj, NormalFormGame):
        sections = stage_sections(obj, escalation=escalation, red_line_parameters=red_line_parameters)
        if strategies is not None or delta is not None:
            sections += _repeated_from_game(obj, strategies, delta, noise, within)
        eq = sections[0].data
        summary = ("Restraint is an equilibrium: some equilibria put no weight on escalation."
                   if eq["restraint_equilibria"] else "Every equilibrium puts weight on escalation.")
        return DeterrenceReport(title or obj.title or "Deterrence analysis", tuple(sections), summary)
    from deterrence.core.repeated import RepeatedGame
    if isinstance(obj, RepeatedGame):
        if strategies is None:
            raise GameError("explain(repeated_game) needs strategies=(automaton or name, automaton or name)")
        sections = stage_sections(obj.stage, escalation=escalation)
        sections += repeated_sections(obj.stage, _automata(obj.stage, strategies), obj.delta,
                                      obj.noise, within=within)
        return DeterrenceReport(title or "Deterrence in the repeated game", tuple(sections))
    from deterrence.core.tree import GameTree
    if isinstance(obj, GameTree):
        return DeterrenceReport(title or getattr(obj, "title", "") or "Deterrence in the game tree",
                                tuple(tree_sections(obj)))
    raise GameError(f"explain() takes a game, a repeated game, a game tree or a model; got {type(obj).__name__}")


def _explain_model(model, escalation, red_line_parameters, title) -> DeterrenceReport:
    """The US–Iran report; the war risk follows the regime, as on the deterrence maps."""
    from deterrence.analysis.maps import REGIMES, model_regime
    sections = stage_sections(model.stage, escalation=escalation, red_line_parameters=red_line_parameters)
    sections += repeated_sections(model.stage, model.strategies, model.delta, None, within=model.within)
    regime, profile = model_regime(model)
    stage = model.stage.with_defaults()
    rep = {s.key: s for s in sections}["shadow_of_the_future"].data
    if regime == 2:
        sections.append(Section("miscalculation", "Miscalculation: the risk of a spiral",
                                ("No equilibrium of the round is free of escalation: war is the expected "
                                 "outcome, not a risk.",), {"war_probability": "1", "war_probability_float": 1.0}))
    elif model.noise is not None:
        note = (None if regime == 0 else "Restraint is not credible at this discount factor, so both sides "
                "trade limited strikes every round (the contained exchange), and each strike may misfire.")
        sections.append(noise_section(stage, profile, model.delta, model.noise, within=model.within, note=note))
    sections += proxy_sections(model.proxy)
    summaries = {
        0: (f"Mutual restraint: contained tit-for-tat is subgame perfect from delta* = "
            f"{rep['critical_delta']} on, and delta = {rep['delta']}; escalating costs each side more than "
            f"it gains; proxies answer Israel by hitting the exposed US forces."),
        1: (f"Contained tit-for-tat: restraint is not credible (delta = {rep['delta']} is below delta* = "
            f"{rep['critical_delta']}), but a limited exchange of strikes is an equilibrium of each round, "
            f"so the sides trade limited strikes below all-out war."),
        2: "Escalation/war: no equilibrium of the round is free of escalation.",
    }
    data = {"regime": REGIMES[regime], "code": regime}
    sections.insert(0, Section("regime", "Regime", (summaries[regime],), data))
    return DeterrenceReport(title or model.title, tuple(sections), summaries[regime])


def _automata(stage, strategies):
    from deterrence.core.strategies import strategy
    numeric = stage.with_defaults() if stage.is_symbolic else stage
    return tuple(strategy(s, numeric, player=i) if isinstance(s, str) else s for i, s in enumerate(strategies))


def _repeated_from_game(game, strategies, delta, noise, within):
    from deterrence.core.numbers import to_exact
    from deterrence.core.repeated import Noise
    from deterrence.core.strategies import profile_from_section
    section = game.extra.get("repeated", {})
    delta = to_exact(section.get("delta") if delta is None else delta, "delta")
    automata = (_automata(game, strategies) if strategies is not None
                else tuple(profile_from_section(game.with_defaults() if game.is_symbolic else game)))
    noise = Noise.from_spec(noise) if noise is not None else None
    return repeated_sections(game, automata, delta, noise, within=within)
