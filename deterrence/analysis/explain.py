"""``explain``: why both sides stay below all-out conflict, in numbers and formulas.

A :class:`DeterrenceReport` is a list of :class:`Section` values (a title,
sentences, and the data behind them), rendered as text for the command line,
Markdown or HTML for notebooks, and JSON for machines. Each section renders an
analysis value computed by the solvers; the report computes nothing itself.

Stage-game sections:

* **equilibria**: every equilibrium (exact), and whether any puts weight on
  escalation;
* **margins**: at the equilibrium without escalation (the one with no weight on
  escalation; the pure one first), how much each side loses by escalating,
  against its best alternative, in payoff units and as a share of that side's
  payoff range in the game;
* **tipping points** (section key ``red_lines``, kept for the code that reads it):
  for each parameter, the value at which the set of pure equilibria changes
  (:mod:`deterrence.analysis.redlines`), with its formula. The words follow the
  glossary of the US–Iran case report: a *tipping point* is a parameter value at
  which an equilibrium stops being one; a *red line* is the step from a
  limited strike to escalation, which starts all-out war, by intent or by misfire;
  *restraint* is holding where a strike was possible.

Repeated-game sections render one
:class:`~deterrence.solvers.repeated.analysis.RepeatedAnalysis` (computed once by
:func:`~deterrence.solvers.repeated.analysis.analyse_repeated`, shared with
``deterrence repeated`` and the plots): **the shadow of the future** (payoffs,
subgame perfection without noise, δ* and its formula) and, with noise,
**miscalculation** (the probability of war, expected time to war in rounds, or in days and
years when the model says how long a round is, and subgame perfection under
noise with the gain of each profitable deviation).

The escalation action of each player is the one labelled ``escalate`` if there
is one, otherwise the last action unless that is ``hold`` (no attack is never escalation: such a
player has none, and a game in which every player has none is said to have no escalation); pass
``escalation={"US": "strike"}`` to choose.

**The model protocol.** :func:`explain` dispatches on behaviour, not on a class:
any object with the two methods

* ``analyse()`` -> a frozen analysis value, computed once with the solvers
  (models may import ``core`` and ``solvers``, never ``analysis``);
* ``report(analysis, sections, *, title=None)`` -> a
  :class:`~deterrence.core.report.DeterrenceReport`, rendering the analysis;

is a *model*, and ``explain(model)`` returns
``model.report(model.analyse(), sections, title=title)``. ``sections`` is a
:class:`GenericSections` bound to ``explain``'s options, with which a model
builds the generic parts of its report without importing this module:
``sections.stage(game, result=None)`` (equilibria, margins, tipping points; pass the
stage :class:`~deterrence.solvers.result.SolveResult` already in the analysis
so that it is not solved again), ``sections.repeated(repeated_analysis)``
(the shadow of the future, plus miscalculation when it has noise),
``sections.shadow(repeated_analysis)`` and
``sections.noise(repeated_analysis, note=None, round_days=None)`` (one section each). The case's own wording
(regimes, summaries, proxies) stays in the model's module:
:class:`deterrence.models.us_iran.USIranModel` is the reference example.
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.numbers import format_approx, format_exact, format_text, json_float
from deterrence.core.repeated import escalation_actions
from deterrence.core.report import DeterrenceReport, Section
from deterrence.errors import TooLargeError


#: What the tipping points leave out (an analyst found thresholds at 0 missing without a word).
KEEP_SIGN = ("Each parameter keeps its sign (a gain stays a gain, a cost a cost): a change that needs one to "
             "reach 0 or cross it is not listed (red_lines or tree_red_lines with keep_sign=False lists "
             "those too).")


def _defaults_taken(game, numeric, model=False) -> list:
    """The note of a symbolic game solved at its defaults (``[]`` for a game with values), as
    ``solve`` puts it in its notes: the report says it in its text and its JSON. A model's stage
    game holds the model's values as its defaults (``us_iran_model(W_iran=60)``): those are the
    model's values, not defaults the caller left.

    >>> from deterrence import load_game
    >>> chicken = load_game("chicken")
    >>> _defaults_taken(chicken, chicken.with_defaults(), model=True)
    ["solved at the model's values (w=1, l=1, crash=10)"]
    """
    from deterrence.core.validate import defaults_note
    if not getattr(game, "is_symbolic", False):
        return []
    return [defaults_note(numeric, values="the model's values") if model else defaults_note(numeric)]


def _as_sentences(notes) -> list:
    """Each note as a line of the report's text: capitalised, with its full stop."""
    return [note[0].upper() + note[1:] + "." for note in notes]


def _notes_with(taken, result) -> dict:
    """``{"notes": [...]}`` with the defaults note first (once), or nothing to add."""
    notes = list(getattr(result, "notes", ()) or ())
    return {"notes": taken + [n for n in notes if n not in taken]} if taken else {}


def stage_sections(game, *, escalation=None, red_line_parameters=None, result=None, model=False) -> list:
    """The equilibrium, margin and tipping-point sections for a stage game.

    ``result``: the game's equilibria (at its defaults) when already solved.

    >>> from deterrence import load_game
    >>> [s.key for s in stage_sections(load_game("us_iran_stage"))]
    ['equilibria', 'margins', 'red_lines']
    """
    from deterrence.solvers import solve
    from deterrence.solvers.certify import expected_payoffs_against
    numeric = game.with_defaults() if game.is_symbolic else game
    pure_only = ""
    if result is None:
        try:
            result = solve(numeric)          # every equilibrium, exact (two players, and three or more)
        except TooLargeError as exc:
            # above the n-player solver's size guard: the pure equilibria, said so
            result = solve(numeric, "pure")
            pure_only = (f"Pure equilibria only: {exc} (explain solves with the defaults: every "
                         "equilibrium comes from solve(game, limit=...) itself)")
    esc = escalation_actions(numeric, escalation)
    stand_down = _stand_down_players(numeric, escalation)
    escalating = [i for i in range(numeric.n_players) if i not in stand_down]
    weights = [tuple(eq.strategies[i][esc[i]] for i in escalating) for eq in result.equilibria]
    any_escalation = [k for k, w in enumerate(weights) if any(p > 0 for p in w)]
    restraint = [k for k, w in enumerate(weights) if all(p == 0 for p in w)]

    taken = _defaults_taken(game, numeric, model)
    lines = _as_sentences(taken) + ([pure_only] if pure_only else []) + [
        f"[{k}] {eq.describe()}" for k, eq in enumerate(result.equilibria)]
    if not escalating:
        lines.append(NO_ESCALATION)
    elif not result.equilibria:
        lines.append("No equilibrium was found.")
    elif any_escalation:
        lines.append(f"{len(any_escalation)} of {len(result.equilibria)} equilibria put weight on "
                     f"escalation: {', '.join(map(str, any_escalation))}.")
    else:
        lines.append("No equilibrium puts any weight on escalation.")
    if result.equilibria and not result.complete:
        lines.append("The list is not complete (see the solver's notes): these sentences speak of the "
                     "equilibria listed.")
    # the solve result's own JSON (as a tree's subgame_perfect section and solve --json), plus the escalation
    eq_section = Section("equilibria", "Equilibria", tuple(lines), {
        **result.to_json(), **_notes_with(taken, result),
        "escalation_weight": [[format_exact(p) for p in w] for w in weights] if escalating else None,
        "puts_weight_on_escalation": bool(any_escalation) if escalating else None,
        "restraint_equilibria": restraint if escalating else None,
    })
    sections = [eq_section]

    if not escalating:
        sections.append(Section("margins", "Margins against escalation",
                                ("No action of this game counts as escalation: there is no margin to measure.",),
                                {"equilibrium": None, "exact": True, "players": []}))
    elif restraint:
        # pure first, then rational ones: an irrational equilibrium's margins are floats
        pure_first = sorted(restraint, key=lambda k: (not result.equilibria[k].is_pure,
                                                      not result.equilibria[k].is_rational))
        k = pure_first[0]
        eq = result.equilibria[k]
        margin_lines, margin_data = [f"At the equilibrium without escalation [{k}] ({eq.describe()}):"], []
        strategies = eq.strategies if eq.is_rational else tuple(
            tuple(Fraction(float(p)) for p in s) for s in eq.strategies)
        if strategies is not eq.strategies:
            margin_lines.append("(Its probabilities are irrational: the margins below are computed from them "
                                "rounded to double precision.)")
        # margins from probabilities rounded to doubles are not exact: decimal strings of the 12 digits they
        # are good for, as a bracketed tipping point's threshold (they were written as fractions of 30 digits)
        number = format_exact if strategies is eq.strategies else (lambda v: format_approx(v, 12))
        # the text's numbers: the JSON's, an exact one too long for a line shortened (review 45: 10**300)
        shown = format_text if strategies is eq.strategies else number
        for i, player in enumerate(numeric.players):
            if i in stand_down:
                margin_lines.append(f"{player} has no escalation: its last action, hold, stands down.")
                continue
            values = expected_payoffs_against(numeric, strategies, i)
            best_alt = max((v, a) for a, v in enumerate(values) if a != esc[i])
            loss = best_alt[0] - values[esc[i]]
            arr = numeric.payoff_arrays[i]
            spread = max(arr.flat) - min(arr.flat)
            share = Fraction(loss) / spread if spread else Fraction(0)
            margin_lines.append(
                f"{player} would lose {shown(loss)} by escalating "
                f"({shown(values[esc[i]])} against {shown(best_alt[0])} for "
                f"'{numeric.actions[i][best_alt[1]]}'), {float(share):.0%} of its payoff range.")
            margin_data.append({"player": player, "escalation_payoff": number(values[esc[i]]),
                                "best_alternative": numeric.actions[i][best_alt[1]],
                                "best_alternative_payoff": number(best_alt[0]),
                                "loss": number(loss), "share_of_range": number(share)})
        sections.append(Section("margins", "Margins against escalation", tuple(margin_lines),
                                {"equilibrium": k, "exact": strategies is eq.strategies, "players": margin_data}))
    else:
        sections.append(Section("margins", "Margins against escalation",
                                ("No equilibrium is free of escalation: there is no margin to measure.",),
                                {"equilibrium": None, "exact": True, "players": []}))

    if game.is_symbolic:
        from deterrence.analysis.redlines import red_lines
        lines_ = red_lines(game, red_line_parameters)
        text = tuple(line_.describe() for line_ in lines_) or ("No parameter change within reach flips the result.",)
        sections.append(Section("red_lines", "Tipping points", text + (KEEP_SIGN,),
                                {"red_lines": [line_.to_json() for line_ in lines_], "keep_sign": True}))
    return sections


def repeated_sections(analysis, strategies=None, delta=None, noise=None, *, within=100) -> list:
    """The shadow-of-the-future section (and miscalculation, with noise) of a repeated-game analysis.

    ``analysis`` is a :class:`~deterrence.solvers.repeated.analysis.RepeatedAnalysis`;
    the old form ``repeated_sections(stage, strategies, delta, noise=None)`` builds
    one first (``stage`` may be symbolic: δ* then comes as a formula).

    >>> from deterrence.models.us_iran import us_iran_model
    >>> m = us_iran_model()
    >>> s = repeated_sections(m.stage, m.strategies, m.delta)
    >>> s[0].data["critical_delta"], s[0].data["critical_delta_formula"]
    ('3/4', 'max((a_iran + b_iran)/(a_iran + c_iran), (a_us + b_us)/(a_us + c_us))')
    """
    from deterrence.solvers.repeated.analysis import RepeatedAnalysis, analyse_repeated
    if not isinstance(analysis, RepeatedAnalysis):
        from deterrence.core.repeated import RepeatedGame
        analysis = analyse_repeated(RepeatedGame(analysis, delta, None, noise, strategies), within=within)
    sections = [shadow_section(analysis)]
    if analysis.noise is not None:
        sections.append(noise_section(analysis))
    return sections


def shadow_section(analysis) -> Section:
    """The shadow of the future: payoffs, subgame perfection and δ* of a profile, as intended.

    >>> from deterrence.solvers.repeated.analysis import analyse_repeated
    >>> from deterrence import load_game
    >>> shadow_section(analyse_repeated(load_game("prisoners_dilemma"))).data["critical_delta"]
    '1/2'
    """
    from deterrence.solvers.repeated.critical_delta import delta_json
    check, crit = analysis.check, analysis.critical
    stage, delta = analysis.game.stage, analysis.delta
    names = analysis.strategies
    lines = [f"Profile: {stage.players[0]} plays {names[0]}, {stage.players[1]} plays {names[1]}; "
             f"delta = {format_exact(delta)} (average discounted payoffs, (1 - delta) * sum of delta^t u_t)."]
    star = None if crit is None else crit.critical
    data = {"strategies": list(names), "delta": format_exact(delta),
            "subgame_perfect": check.subgame_perfect,
            "payoffs": [format_exact(v) for v in check.payoffs],
            # the critical discount factor as deterrence repeated --json gives it
            **delta_json(crit), "distance": None}
    if crit is None:
        lines.append(f"The critical discount factor was {analysis.critical_note or 'not computed'}.")
    elif star is None:
        # the set in interval notation, as every text writes a set of delta (deterrence repeated's "SPE for
        # delta in: [3/4, 1)", the typeset delta in [3/4, 1)); the JSON's delta_set keeps its syntax, which
        # parse_condition reads back (sympy's text, then the JSON's, reached the sentence: words reviews)
        import sympy

        from deterrence.solvers.repeated.critical_delta import where_text
        lines.append("This profile is not subgame perfect for any delta in [0, 1)." if crit.delta_set == sympy.EmptySet
                     else "This profile is not subgame perfect for any delta near 1 (it is subgame perfect "
                          f"{where_text(crit.delta_set)}).")
    else:
        from deterrence.io._common import formula_text
        approx = "" if _is_rational(star) else f" (about {format_approx(star, 4, 'f')})"
        formula = ("" if format_exact(crit.critical_symbolic) == format_exact(star)
                   else f" = {formula_text(crit.critical_symbolic)}")
        lines.append(f"Without noise, this profile is subgame perfect from delta* = {format_exact(star)}"
                     f"{approx}{formula} on.")
        if _is_rational(star):
            distance = Fraction(delta) - Fraction(str(star))
            data["distance"] = shown = format_exact(distance)
        else:
            # exact, as critical_delta is ("9/10 - sqrt(2)/2"; it was a float's digits in a string, "0.19289...")
            import sympy
            q = Fraction(delta)
            data["distance"] = format_exact(sympy.Rational(q.numerator, q.denominator) - star)
            distance = float(delta) - float(star)
            shown = f"about {format_approx(distance, 4, 'f')}"
        verdict = "is" if check.subgame_perfect else "is not"
        lines.append(f"At delta = {format_exact(delta)} it {verdict} (without noise): the future weighs "
                     f"{shown} {'above' if distance >= 0 else 'below'} the threshold. "
                     f"Tipping point: below delta = {format_exact(star)} this profile stops being "
                     "subgame perfect.")
    for d in check.deviations[:4]:
        lines.append(f"Profitable deviation (without noise): {d.player} plays {d.action} at states {d.states} "
                     f"(gain {format_exact(d.gain)}).")
    return Section("shadow_of_the_future", "The shadow of the future", tuple(lines), data)


def noise_section(analysis, strategies=None, delta=None, noise=None, *, within=100, note=None,
                  round_days=None) -> Section:
    """The probability of war under noise: war within ``within`` rounds and the expected time to war, under noise.

    ``analysis``: a :class:`~deterrence.solvers.repeated.analysis.RepeatedAnalysis`
    with noise (or, old form, ``stage, strategies, delta, noise``). War is a round in which
    either side escalates, or the profiles the game file's ``[repeated] war`` names.
    ``round_days``, the length of a round
    in days when the model has one (default: the game file's ``[repeated] round_days``), puts
    the times in weeks, days and years;
    without it they stay in rounds, and the section says what a round is. When
    the profile is not subgame perfect under the noise, the section gives each
    profitable deviation and its gain.

    >>> from deterrence.models.us_iran import us_iran_model
    >>> m = us_iran_model(noise={"execution": "1/50"})     # execution errors on both sides
    >>> s = noise_section(m.stage.with_defaults(), m.strategies, m.delta, m.noise, round_days=7)
    >>> s.data["within"], s.data["round_days"], [d["player"] for d in s.data["deviations_under_noise"]]
    (100, '7', ['US', 'Iran'])
    """
    from deterrence.solvers.repeated.analysis import RepeatedAnalysis, analyse_repeated
    if not isinstance(analysis, RepeatedAnalysis):
        from deterrence.core.repeated import RepeatedGame
        analysis = analyse_repeated(RepeatedGame(analysis, delta, None, noise, strategies),
                                    within=within, critical=False)
    a, noisy, within = analysis.noise, analysis.noisy_check, analysis.within
    if round_days is None:      # the game file's [repeated] round_days, when it gives one
        from deterrence.core.repeated import section_round_days
        round_days = section_round_days(analysis.game.stage)
    rounds = a.expected_rounds_to_war
    no_time = a.no_expected_time()
    names = " and ".join(analysis.strategies)
    noise_text = analysis.game.noise.describe()
    if round_days is None:
        horizon = f"{within} rounds"
        expected = ("Expected number of rounds until the first round of war: "
                    + (f"{format_approx(rounds, 1, 'f')}" if rounds is not None else no_time)
                    + " (a round is one play of the stage game; the game gives it no length in time).")
    else:
        # a round of 1/3 day or of 1e300 days: exact and short, never a float's 300 digits (a fuzzing review)
        days = format_exact(round_days) if len(format_exact(round_days)) <= 12 else format_approx(round_days, 4)
        horizon = f"{within} rounds of {days} days ({_span(within, round_days)})"
        expected = ("Expected time until the first round of war: "
                    + (f"{format_approx(rounds, 1, 'f')} rounds of {days} days ({_span(rounds, round_days)})"
                       if rounds is not None else no_time) + ".")
    # each deviation as deterrence repeated --json writes it (this section had its own shape, with gain_float)
    deviations = [d.to_json() for d in noisy.deviations]
    # 'no longer' and a misfire story only for a profile that was subgame perfect without the noise
    # (a review read "no longer" of a profile that never was, its deviations blamed on misfires)
    was = analysis.subgame_perfect
    state = ("still" if was else "now") if noisy.subgame_perfect else ("no longer" if was else "not")
    verdict = (f"Under this noise the profile is {state} subgame perfect at delta = {format_exact(analysis.delta)}"
               + ("" if was or noisy.subgame_perfect else ", as without it"))
    if not noisy.subgame_perfect:
        # a gain beyond the float range in exponent form ('f' wrote its hundreds of digits: a fuzzing review)
        gains = "; ".join(f"{d.player} gains {format_approx(d.gain, 2, 'f' if json_float(d.gain) is not None else 'g')}"
                          f" by playing {d.action} at states {tuple(d.states)}" for d in noisy.deviations[:4])
        misfire = was and any(d["action"] == "hold" for d in deviations)
        verdict += ((": a limited strike may misfire into war, so the side due to answer gains by holding"
                     if misfire else "") + (f" ({gains})" if gains else ""))
    from deterrence.core.repeated import war_profiles
    if set(a.war_profiles) == set(war_profiles(analysis.game.stage, "any")):
        war = "a round in which either side escalates"
    else:                       # the game file's own war ([repeated] war)
        war = "a round with " + " or ".join("(" + ", ".join(p) + ")" for p in a.war_profiles)
    chance = "0" if a.war_probability == 0 else format_approx(a.war_probability, 4, "f")
    lines = ([note] if note else []) + [
        f"Noise: {noise_text}; play: {names}.",
        f"Probability of war ({war}) within {horizon}: {chance}.",
        expected, verdict + "."]
    from deterrence.core.stochastic import DAYS_PER_YEAR      # the toolkit's one calendar
    return Section("miscalculation", "Miscalculation: the probability of war under noise", tuple(lines), {
        "strategies": list(analysis.strategies),
        # round_days as every exact quantity of the JSON: its text ("7", "1/3"; a Fraction crashed
        # json.dumps), one type whatever the value; no _float twin (core.numbers.FLOAT_TWINS)
        "noise": analysis.game.noise.to_dict(), "within": within,
        "round_days": None if round_days is None else format_exact(round_days),
        "war_profiles": [list(p) for p in a.war_profiles],
        "war_probability": format_exact(a.war_probability),
        "war_probability_float": float(a.war_probability),
        "expected_rounds_to_war": None if rounds is None else format_exact(rounds),
        "expected_rounds_to_war_float": None if rounds is None else json_float(rounds),
        "expected_years_to_war": (None if rounds is None or round_days is None
                                  else json_float(Fraction(rounds) * Fraction(round_days) / Fraction(DAYS_PER_YEAR))),
        "subgame_perfect_under_noise": noisy.subgame_perfect,
        "deviations_under_noise": deviations,
        "long_run_payoffs": [format_exact(v) for v in a.long_run_payoffs]})


def _span(rounds, round_days) -> str:
    """A number of rounds of ``round_days`` days in the largest unit that reads well.

    >>> _span(1000, 7), _span(100, 7), _span(2, 7)
    ('about 19.2 years', 'about 23.0 months', '14 days')
    """
    from deterrence.core.stochastic import DAYS_PER_MONTH, DAYS_PER_YEAR    # the toolkit's one calendar
    exact = Fraction(rounds) * Fraction(round_days)
    if json_float(exact) is None:      # beyond the float range (a noise of 1e-400, a round of 1e400 days)
        return f"about {format_approx(exact / Fraction(DAYS_PER_YEAR))} years"
    days = float(exact)
    if days / DAYS_PER_YEAR >= 1e6:    # "about 2739726...0.0 years" wrote a float's 300 digits
        return f"about {format_approx(exact / Fraction(DAYS_PER_YEAR), 3)} years"
    if days < 60:
        return f"{format_approx(exact)} days"      # (1e-3000 days is not "0 days")
    if days < 730:
        return f"about {days / float(DAYS_PER_MONTH):.1f} months"
    return f"about {days / DAYS_PER_YEAR:.1f} years"


def tree_sections(tree) -> list:
    """Subgame-perfect equilibria of a game tree and the threats that are not credible.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> s = tree_sections(entry_deterrence())
    >>> s[1].data["credibility"][0]["threats"][0]["player"]
    'Incumbent'
    """
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    from deterrence.solvers.tree import THREAT_NODES
    from deterrence.solvers.tree.threats import noncredible_threats
    numeric = tree.with_defaults() if getattr(tree, "is_symbolic", False) else tree
    spe = subgame_perfect(numeric)
    taken = _defaults_taken(tree, numeric)
    lines = _as_sentences(taken) + [
        str(e.describe() if hasattr(e, "describe") else e) for e in spe.equilibria]
    sections = [Section("subgame_perfect", "Subgame-perfect equilibria", tuple(lines),
                        {**spe.to_json(), **_notes_with(taken, spe)})]
    if getattr(tree, "is_symbolic", False):
        from deterrence.analysis.redlines import tree_red_lines
        lines_ = tree_red_lines(tree)
        sections.append(Section("red_lines", "Tipping points", (tuple(line_.describe() for line_ in lines_)
                                or ("No parameter change within reach changes the equilibrium play.",))
                                + (KEEP_SIGN,),
                                {"red_lines": [line_.to_json() for line_ in lines_], "keep_sign": True,
                                 "method": "scan and exact bisection; formula from the symbolic conditions"}))
    nodes = len(numeric.paths())
    if nodes > THREAT_NODES:       # the analysis grows about as nodes^3.8: asked for, not always run
        note = (f"Not analysed for a tree of {nodes} nodes (over {THREAT_NODES}; the cost grows fast): "
                "noncredible_threats(tree) runs it, or 'deterrence solve GAME --threats'.")
        sections.append(Section("credibility", "Which threats are credible", (note,),
                                {"credibility": None, "credibility_note": note}))
        return sections
    explanations = noncredible_threats(numeric)
    from deterrence.solvers.tree.backward_induction import has_no_proper_subgame
    from deterrence.solvers.tree.threats import NO_PROPER_SUBGAME
    tl = [e.describe() for e in explanations] or ["No pure Nash equilibrium to compare."]
    alone = has_no_proper_subgame(numeric)
    if alone:
        tl.append(NO_PROPER_SUBGAME[0].upper() + NO_PROPER_SUBGAME[1:] + ".")
    sections.append(Section("credibility", "Which threats are credible", tuple(tl), {
        # the keys deterrence solve --json prints (it said noncredible, for every pure equilibrium: a review)
        "credibility": [e.to_json() for e in explanations], "no_proper_subgame": alone}))
    return sections


NO_ESCALATION = ("No action of this game counts as escalation: none is named escalate, and the last action of "
                 "each player is hold, which stands down (explain(game, escalation={player: action}) names one).")


def _stand_down_players(game, escalation) -> frozenset:
    """The players whose escalation would fall back on an action named ``hold``: the last action
    stands for escalation only in a ladder, and ``hold`` (no attack) is never escalation. The
    US–Israel–Iran game's summary called (strike, hit_us, hold) escalation because the US's last
    action is hold (a newcomer's review).

    >>> from deterrence import load_game
    >>> sorted(_stand_down_players(load_game("us_iran_israel"), None)), _stand_down_players(load_game("chicken"), None)
    ([0, 1, 2], frozenset())
    >>> sorted(_stand_down_players(load_game("us_iran_israel"), {"US": "hold"}))
    [0, 1]
    """
    chosen = dict(escalation or {})
    return frozenset(i for i, (p, acts) in enumerate(zip(game.players, game.actions))
                     if p not in chosen and "escalate" not in acts and acts[-1] == "hold")


def _escalation_note(game, escalation) -> str:
    """Which action the summary calls escalation, when the game names none ``escalate``: the last
    action of each player (or the caller's choice). Matching pennies' summary spoke of escalation
    without saying that it meant 'tails' (a review of the lab).

    >>> from deterrence import load_game
    >>> _escalation_note(load_game("matching_pennies"), None)
    ' (Escalation here is the last action of each player, as the game names none escalate: Row tails, Column tails.)'
    >>> _escalation_note(load_game("us_iran_stage"), None)
    ''
    """
    from deterrence.core.repeated import escalation_actions
    chosen = dict(escalation or {})
    if all(p in chosen or "escalate" in acts for p, acts in zip(game.players, game.actions)):
        return ""
    idx = escalation_actions(game, chosen)
    down = _stand_down_players(game, chosen)
    which = ", ".join(f"{p} none (its last action, hold, stands down)" if k in down else f"{p} {acts[i]}"
                      for k, (p, acts, i) in enumerate(zip(game.players, game.actions, idx)))
    named = any("escalate" in acts for acts in game.actions)
    how = ("as chosen" if chosen else
           "the action named escalate where a player has one, else its last" if named else
           "the last action of each player, as the game names none escalate")
    return f" (Escalation here is {how}: {which}.)"


def _is_rational(x) -> bool:
    return isinstance(x, (int, Fraction)) or getattr(x, "is_Rational", False)


class GenericSections:
    """The generic section builders ``explain`` hands a model (see the module docstring).

    >>> from deterrence import load_game
    >>> [s.key for s in GenericSections().stage(load_game("chicken"))]
    ['equilibria', 'margins', 'red_lines']
    """

    def __init__(self, escalation=None, red_line_parameters=None, model=False):
        # model: the stage game holds a model's values as its defaults, and the report says so
        self.escalation, self.red_line_parameters, self.model = escalation, red_line_parameters, model

    def stage(self, game, result=None) -> list:
        """The stage game's sections: equilibria, margins and tipping points (:func:`stage_sections`)."""
        return stage_sections(game, escalation=self.escalation,
                              red_line_parameters=self.red_line_parameters, result=result, model=self.model)

    def repeated(self, analysis) -> list:
        """The repeated game's sections: the shadow of the future and, with noise, miscalculation
        (:func:`repeated_sections`)."""
        return repeated_sections(analysis)

    def shadow(self, analysis) -> Section:
        """The shadow-of-the-future section alone (:func:`shadow_section`)."""
        return shadow_section(analysis)

    def noise(self, analysis, note=None, round_days=None) -> Section:
        """The miscalculation section alone (:func:`noise_section`)."""
        return noise_section(analysis, note=note, round_days=round_days)


def is_model(obj) -> bool:
    """Whether ``obj`` follows the model protocol (``analyse()`` and ``report(analysis, sections)``).

    >>> from deterrence.models.us_iran import us_iran_model
    >>> from deterrence import load_game
    >>> is_model(us_iran_model()), is_model(load_game("chicken"))
    (True, False)
    """
    return callable(getattr(obj, "analyse", None)) and callable(getattr(obj, "report", None))


def explain(obj, *, strategies=None, delta=None, noise=None, within=100, escalation=None,
            red_line_parameters=None, title=None, analysis=None) -> DeterrenceReport:
    """The deterrence analysis of a stage game, a repeated game, a game tree or a model.

    * :class:`~deterrence.NormalFormGame`: equilibria, margins, red lines; with
      ``strategies``, ``delta`` or ``noise`` also the repeated-game sections, for
      the repeated game :meth:`~deterrence.core.repeated.RepeatedGame.from_game`
      reads (the file's ``[repeated]`` section fills in what is not given);
    * :class:`~deterrence.core.repeated.RepeatedGame` (with its profile, or ``strategies``);
    * a game tree: subgame-perfect equilibria and non-credible threats;
    * a model (the protocol in the module docstring), such as
      :class:`~deterrence.models.us_iran.USIranModel`: its own report (``analysis``:
      the model's ``analyse()`` value when the caller already has it).

    >>> from deterrence import load_game
    >>> report = explain(load_game("us_iran_stage"))
    >>> report.section("margins").data["players"][1]["loss"]
    '48'
    >>> "miscalculation" in [s.key for s in explain(load_game("us_iran_stage"), delta="9/10").sections]
    True
    """
    from deterrence.errors import GameError
    if is_model(obj):    # before the game classes: a model's cached report needs no NumPy
        sections = GenericSections(escalation, red_line_parameters, model=True)
        if analysis is None:
            from deterrence.analysis.model_cache import analyse_model
            analysis = analyse_model(obj)
        return obj.report(analysis, sections, title=title)
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.core.repeated import RepeatedGame
    if isinstance(obj, NormalFormGame):
        sections = stage_sections(obj, escalation=escalation, red_line_parameters=red_line_parameters)
        if strategies is not None or delta is not None or noise is not None:
            from deterrence.solvers.repeated.analysis import analyse_repeated
            sections += repeated_sections(analyse_repeated(obj, strategies, delta=delta, noise=noise,
                                                           within=within))
        eq = sections[0].data
        if eq["puts_weight_on_escalation"] is None:
            summary = NO_ESCALATION
        elif not eq["equilibria"]:
            summary = "No equilibrium was found: nothing to say about escalation."
        elif eq["restraint_equilibria"]:
            summary = "Escalation can be deterred: some equilibria put no weight on escalation."
        else:
            summary = "Every equilibrium puts weight on escalation."
        if eq["equilibria"] and not eq["complete"]:
            summary += " (Of the equilibria listed: the list is not complete.)"
        if eq["puts_weight_on_escalation"] is not None:
            summary += _escalation_note(obj, escalation)
        return DeterrenceReport(title or obj.title or "Deterrence analysis", tuple(sections), summary)
    if isinstance(obj, RepeatedGame):
        from deterrence.solvers.repeated.analysis import analyse_repeated
        if strategies is None and obj.strategies is None:
            raise GameError("explain(repeated_game) needs strategies=(automaton or name, automaton or name)")
        sections = stage_sections(obj.stage, escalation=escalation)
        sections += repeated_sections(analyse_repeated(obj, strategies, delta=delta, noise=noise,
                                                       within=within))
        return DeterrenceReport(title or "Deterrence in the repeated game", tuple(sections))
    from deterrence.core.tree import GameTree
    if isinstance(obj, GameTree):
        return DeterrenceReport(title or getattr(obj, "title", "") or "Deterrence in the game tree",
                                tuple(tree_sections(obj)))
    if type(obj).__name__ == "StochasticGame":      # a game it cannot report (it said "takes a game; got ...")
        raise GameError("explain() covers normal-form games, repeated games, game trees and models, not a stochastic "
                        "game: dt.solve(game) gives its Markov perfect equilibria (the US-Iran case's report: "
                        "dt.explain(dt.us_iran_exchange_model()))")
    raise GameError(f"explain() takes a game, a repeated game, a game tree or a model; got {type(obj).__name__}")
