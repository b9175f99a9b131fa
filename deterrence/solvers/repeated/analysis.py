"""The analysis of a repeated game and a strategy profile, computed once.

One frozen value, :class:`RepeatedAnalysis`, holds everything the toolkit says
about a profile of automata in a repeated game; ``explain``, ``deterrence
report``, ``deterrence repeated`` and the report's figures read it and
compute nothing again. Steps of :func:`analyse_repeated`:

1. the carrier: :meth:`deterrence.core.repeated.RepeatedGame.from_game` (δ,
   noise, horizon and profile from the arguments, else the game file's
   ``[repeated]`` section);
2. finite horizon: the backward-induction one-shot deviation check
   (:func:`.finite_horizon.finite_one_shot_deviation`), and nothing else;
3. infinite horizon: the one-shot deviation check of the profile *as
   intended* (no noise; Mailath and Samuelson, *Repeated Games and
   Reputations*, 2006, prop. 2.4.1), the critical discount factor and the
   set of δ where it holds (:func:`.critical_delta.critical_delta`, as a
   formula when the stage game is symbolic);
4. with noise: the same check under the noise (the payoffs are then the
   expected ones) and the probability of war of the noisy chain
   (:func:`.noise_markov.analyse_noise`; war is every profile in which
   either side escalates, :func:`deterrence.core.repeated.war_profiles`).
"""
from __future__ import annotations

from dataclasses import dataclass

from deterrence.core.numbers import format_exact, format_text, json_float
from deterrence.core.repeated import RepeatedGame
from deterrence.core.validate import defaults_note
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.repeated.critical_delta import _num, where_text
from deterrence.solvers.repeated.finite_horizon import check_horizon
from deterrence.solvers.repeated.finite_horizon import MAX_HORIZON  # noqa: F401 - the horizon's default

#: default limits of :func:`analyse_repeated`, each raised by its option: the joint states
#: of the two automata (the exact checks solve systems of that size, for every deviation:
#: 100 take about 10 s), the rounds of the probability of war (exact numbers grow with them); the
#: horizon of a finite game is checked by :func:`.finite_horizon.check_horizon` (``MAX_HORIZON``)
MAX_JOINT_STATES = 100
MAX_WITHIN = 100_000


def check_analysis_size(game, *, within=0, max_states=None, max_within=None, max_horizon=None,
                        options=("max_states", "max_within", "max_horizon")) -> None:
    """Refuse, before any work, an analysis over the limits (``TooLargeError`` naming the
    size, the limit and the option that raises it; ``options`` names the options as the
    caller calls them, e.g. the CLI's ``--max-states``).

    >>> from deterrence import load_game
    >>> g = RepeatedGame.from_game(load_game("us_iran_stage"), strategies="limited_retaliation(k=60), tft")
    >>> check_analysis_size(g)
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: the two automata have 61 x 2 = 122 joint states, over the limit of 100 ...
    """
    for option, given in ((options[0], max_states), (options[1], max_within)):
        # as check_horizon checks max_horizon: --max-states -1 was taken, and the refusal then said
        # "over the limit of -1" (an error review)
        if given is not None and (isinstance(given, bool) or not hasattr(given, "__index__") or given < 1):
            raise GameError(f"{option} must be a whole number >= 1, got {given!r}")
    limit = MAX_JOINT_STATES if max_states is None else max_states
    if game.strategies is not None:
        a, b = (len(x.states) for x in game.strategies)
        if a * b > limit:
            raise TooLargeError(f"the two automata have {a} x {b} = {a * b} joint states, over the "
                                f"limit of {limit} for the exact analysis (the cost grows about as "
                                f"the cube); pass {options[0]}={a * b} (or larger) to try anyway")
    limit = MAX_WITHIN if max_within is None else max_within
    if within > limit:
        raise TooLargeError(f"a probability of war within {within} rounds is over the limit of {limit} rounds "
                            f"(its exact probabilities grow with the rounds); pass "
                            f"{options[1]}={within} (or larger) to try anyway")
    check_horizon(game.horizon, max_horizon, option=options[2])


@dataclass(frozen=True)
class RepeatedAnalysis:
    """Payoffs, subgame perfection (as intended and under noise), δ*, probability of war of one profile."""

    game: RepeatedGame          # the analysed game, at the parameter values, with its profile
    check: object               # DeviationCheck (no noise) or FiniteCheck (finite horizon)
    critical: object = None     # DeltaConditions, or None (finite horizon, not computed)
    critical_note: str | None = None   # why critical is None when it was asked for
    noisy_check: object = None  # DeviationCheck under the game's noise, or None
    noise: object = None        # NoiseAnalysis (probability of war) under the game's noise, or None
    within: int = 100           # rounds for the war probability
    notes: tuple = ()           # what the caller should know: the stage game's defaults taken

    @property
    def players(self) -> tuple:
        """The players of the repeated game."""
        return tuple(self.game.players)

    @property
    def strategies(self) -> tuple:
        """The names of the strategies analysed."""
        return tuple(a.name for a in self.game.strategies)

    @property
    def delta(self):
        """The discount factor δ of the repeated game."""
        return self.game.delta

    @property
    def payoffs(self) -> tuple:
        """Average discounted payoffs from the start (expected ones under noise)."""
        return (self.noisy_check or self.check).payoffs

    @property
    def subgame_perfect(self) -> bool:
        """Subgame perfect as intended (without noise)."""
        return self.check.subgame_perfect

    @property
    def subgame_perfect_under_noise(self) -> bool | None:
        """Whether the profile is subgame perfect under the noise (``None`` without a check under noise)."""
        return getattr(self.noisy_check, "subgame_perfect", None)

    @property
    def critical_delta(self):
        """The critical discount factor δ* (``None`` when not computed)."""
        return getattr(self.critical, "critical", None)

    @property
    def critical_delta_formula(self):
        """δ* as a formula of the parameters (``None`` when not computed)."""
        return getattr(self.critical, "critical_symbolic", None)

    @property
    def war_probability(self):
        """The probability of war within the analysis's horizon under the noise (``None`` without
        the noise analysis)."""
        return getattr(self.noise, "war_probability", None)

    @property
    def expected_rounds_to_war(self):
        """The expected number of rounds before war under the noise (``None`` without the noise analysis)."""
        return getattr(self.noise, "expected_rounds_to_war", None)

    def to_text(self, name: str | None = None) -> str:
        """The analysis in lines, as ``deterrence repeated`` prints it (``name``: the game's, for
        the first line; default its title).

        >>> from deterrence import load_game
        >>> print(analyse_repeated(load_game("prisoners_dilemma"), "grim_trigger, grim_trigger",
        ...                        delta="3/4").to_text())   # doctest: +ELLIPSIS
        Repeated game Prisoner's dilemma: Row plays grim_trigger, Column plays grim_trigger, delta = 3/4
        payoffs (average discounted): Row 3 (~3), Column 3 (~3)
        subgame perfect: yes; Nash: yes
        critical delta: 1/2 = (R - T)/(P - T)
        SPE for delta in: [1/2, 1)
        Note: analysed at the parameters' default values (T=5, R=3, P=1, S=0)
        """
        from deterrence.core.numbers import format_approx
        rg = self.game
        p1, p2 = self.players
        s1, s2 = self.strategies
        title = name if name is not None else (rg.stage.title or "")
        lines = [f"Repeated game{' ' + title if title else ''}: {p1} plays {s1}, {p2} plays {s2}, "
                 f"delta = {format_exact(self.delta)}"
                 + (f", {rg.horizon} rounds" if rg.horizon is not None else "")]
        if rg.noise is not None:
            lines.append(f"noise: {rg.noise.describe()}")
        pay = ", ".join(f"{p} {_exact_and_approx(v)}" for p, v in zip(self.players, self.payoffs))
        lines.append(f"payoffs (average discounted{', expected under noise' if rg.noise else ''}): {pay}")
        label = "subgame perfect (as intended, without noise)" if rg.noise is not None else "subgame perfect"
        nash = getattr(self.check, "nash", None)
        lines.append(f"{label}: {'yes' if self.subgame_perfect else 'no'}"
                     + ("" if nash is None else f"; Nash: {'yes' if nash else 'no'}"))
        if self.critical is not None:
            from deterrence.io._common import formula_text
            crit, formula = self.critical.critical, self.critical.critical_symbolic
            lines.append("critical delta: " + ("none (not SPE for all delta near 1)" if crit is None else _num(crit))
                         + (f" = {formula_text(formula)}" if formula is not None and crit is not None
                            and format_exact(formula) != format_exact(crit) else ""))
            lines.append(f"SPE {where_text(self.critical.delta_set, ': ')}")
        elif self.critical_note:
            lines.append(f"critical delta: {self.critical_note}")
        devs = self.check.to_json()["deviations"]
        for d in devs[:10]:
            rounds = f" with {d['rounds_left']} rounds left" if "rounds_left" in d else ""
            lines.append(f"  profitable deviation: {d['player']} plays {d['action']} at states "
                         f"{tuple(d['states'])}{rounds}: gain {d['gain']}")
        if len(devs) > 10:
            lines.append(f"  ... and {len(devs) - 10} more")
        if self.noisy_check is not None:
            lines.append(f"subgame perfect under noise at delta = {format_exact(self.delta)}: "
                         f"{'yes' if self.noisy_check.subgame_perfect else 'no'}")
            for d in self.noisy_check.deviations[:4]:
                lines.append(f"  under noise, {d.player} would play {d.action} at states {tuple(d.states)}: "
                             f"gain {format_approx(d.gain, 6)}")
        if self.noise is not None:
            n = self.noise
            wp = " or ".join("(" + ", ".join(p) + ")" for p in n.war_profiles)
            lines.append(f"war (a round with {wp}) within {self.within} rounds: probability "
                         f"{format_approx(n.war_probability, 6)}")
            er = n.expected_rounds_to_war
            lines.append(f"expected rounds until war: {n.no_expected_time(6) if er is None else format_approx(er, 6)}")
            lines.append(f"long-run average payoffs: {', '.join(format_approx(v, 6) for v in n.long_run_payoffs)}")
        lines += [f"Note: {note}" for note in self.notes]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        # the dataclass repr ran to 4,000 characters (a 260-digit fraction among them): a review
        return f"<RepeatedAnalysis\n{self.to_text()}\n>"

    def _repr_html_(self) -> str:
        import html
        return f"<pre>{html.escape(self.to_text())}</pre>"

    def to_json(self) -> dict:
        """Exact strings (and ``*_float`` companions for plotting); ``None`` where not computed."""
        g = self.game
        out = {"players": list(self.players), "strategies": list(self.strategies),
               "delta": format_exact(g.delta), "horizon": g.horizon,
               "noise": None if g.noise is None else g.noise.to_dict(),
               "payoffs": [format_exact(v) for v in self.payoffs],
               "subgame_perfect": self.subgame_perfect}
        if self.notes:
            out["notes"] = list(self.notes)
        if g.horizon is not None:
            out["deviations"] = self.check.to_json()["deviations"]
            return out
        out["nash"] = self.check.nash
        out["deviations"] = [d.to_json() for d in self.check.deviations]
        # δ* as its own JSON writes it (one encoding; DeltaConditions.to_json wrote "x ~ 0.707..." alone)
        from deterrence.solvers.repeated.critical_delta import delta_json
        out.update(delta_json(self.critical))
        if self.critical_note:
            out["critical_delta_note"] = self.critical_note
        if self.noisy_check is not None:
            out["subgame_perfect_under_noise"] = self.noisy_check.subgame_perfect
            out["deviations_under_noise"] = [d.to_json() for d in self.noisy_check.deviations]
        if self.noise is not None:
            a = self.noise
            out.update({"within": self.within, "war_profiles": [list(p) for p in a.war_profiles],
                        "war_probability": format_exact(a.war_probability),
                        "war_probability_float": float(a.war_probability),
                        "expected_rounds_to_war": (None if a.expected_rounds_to_war is None
                                                   else format_exact(a.expected_rounds_to_war)),
                        "expected_rounds_to_war_float": (None if a.expected_rounds_to_war is None
                                                         else json_float(a.expected_rounds_to_war)),
                        "long_run_payoffs": [format_exact(v) for v in a.long_run_payoffs]})
        return out


def analyse_repeated(game, profile=None, *, delta=None, noise=None, horizon=None, within: int = 100,
                     critical: bool = True, file=None, lines=None, max_states=None, max_within=None,
                     max_horizon=None, _options=("max_states", "max_within", "max_horizon")) -> RepeatedAnalysis:
    """Analyse a profile in a repeated game, once (module docstring).

    ``game``: a :class:`~deterrence.core.repeated.RepeatedGame` or a stage game
    (symbolic allowed: δ* then comes as a formula; everything else is computed
    at the parameter values); the other arguments override the game's (or its
    file's) values. ``critical=False`` skips δ* (maps, sweeps). ``file`` and
    ``lines`` (key paths to line numbers) let errors in the file's automata name their line.
    ``max_states``, ``max_within``, ``max_horizon`` raise the limits checked before any
    work (:func:`check_analysis_size`; defaults :data:`MAX_JOINT_STATES`,
    :data:`MAX_WITHIN`, :data:`MAX_HORIZON`).

    >>> from deterrence import load_game
    >>> a = analyse_repeated(load_game("us_iran_stage"), within=10)
    >>> a.strategies, a.subgame_perfect, a.critical_delta, a.subgame_perfect_under_noise
    (('contained_tit_for_tat', 'contained_tit_for_tat'), True, 3/4, True)
    >>> a.payoffs == analyse_repeated(load_game("us_iran_stage"), delta="9/10", critical=False).payoffs
    True
    """
    from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        raise GameError(f"within must be a whole number of rounds >= 0, got {within!r}")
    rg = RepeatedGame.from_game(game, delta=delta, noise=noise, horizon=horizon,
                                strategies=profile, file=file, lines=lines)
    if rg.strategies is None:
        raise GameError("no strategy profile: give strategies (or profile = [...] in [repeated])")
    check_analysis_size(rg, within=within, max_states=max_states, max_within=max_within,
                        max_horizon=max_horizon, options=_options)
    numeric = rg.with_defaults()
    # a symbolic stage game is analysed at its defaults, as solve solves it: said in the notes (text
    # and JSON), as solve and fit say it (deterrence repeated said nothing of them: a defaults review)
    notes = ((defaults_note(numeric.stage, "analysed"),) if getattr(rg.stage, "is_symbolic", False) else ())
    if numeric.horizon is not None:
        from deterrence.solvers.repeated.finite_horizon import finite_one_shot_deviation
        return RepeatedAnalysis(game=numeric, check=finite_one_shot_deviation(numeric, max_horizon=max_horizon),
                                within=within, notes=notes)
    check = one_shot_deviation(numeric.with_noise(None))
    crit, note = None, None
    if critical:
        from deterrence.solvers.repeated.critical_delta import critical_delta
        try:
            crit = critical_delta(rg.with_noise(None))
        except GameError:
            raise
        except Exception as exc:  # noqa: BLE001 - sympy could not settle it: say so
            note = f"not computed ({type(exc).__name__})"
    noisy, chain = None, None
    if numeric.noise is not None:
        from deterrence.solvers.repeated.noise_markov import analyse_noise
        noisy = one_shot_deviation(numeric)
        chain = analyse_noise(numeric, within=within)
    return RepeatedAnalysis(game=numeric, check=check, critical=crit, critical_note=note,
                            noisy_check=noisy, noise=chain, within=within, notes=notes)


__all__ = ["RepeatedAnalysis", "analyse_repeated", "check_analysis_size"]


def _exact_and_approx(value) -> str:
    """``"8340/3391 (~2.45945)"``; a number too long for a line as :func:`format_text` shortens it
    (``"~2.45945 (exact: 301/301 digits)"``: the JSON has every digit)."""
    from deterrence.core.numbers import format_approx
    shown = format_text(value)
    return shown if shown.startswith("~") else f"{shown} (~{format_approx(value, 6)})"

