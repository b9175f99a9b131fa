"""The built-in US–Iran model: contained tit-for-tat, proxy targets, miscalculation.

It puts together three catalogue pieces, each a game users can open and edit:

* ``us_iran_stage``: one round of hold / retaliate / escalate, with symbolic
  payoffs whose defaults are argued from the case brief;
* its ``[repeated]`` section: the discount factor (9/10 a week), the contained
  tit-for-tat automaton played by both sides (contrite tit-for-tat on limited
  strikes, all-out war once anyone escalates), and the miscalculation noise,
  the calibration's: a militia strike misfires into an escalation 1 time in
  1600, US strikes are precise (noise per player,
  :class:`deterrence.core.repeated.Noise`). δ is a teaching value, not the
  case's calibration (730/737 a week): the file's description says why; the
  calibrated model of the case is :mod:`deterrence.models.us_iran_exchange`;
* the proxy target-selection tree (:mod:`deterrence.models.proxy_targets`):
  Israel strikes, Iran answers against Israel or against the exposed US forces.

The model owns its analysis and its report (the protocol of
:func:`deterrence.analysis.explain.explain`): :meth:`USIranModel.analyse`
computes, once, the stage equilibria, the regime, the repeated-game analysis
of the profile in play and the proxy equilibria (a frozen
:class:`USIranAnalysis`); :meth:`USIranModel.report` renders them, with the
case's wording, around the generic sections ``explain`` hands it. It is also a
regime model (the protocol of :mod:`deterrence.core.regime_model`, which
:func:`deterrence.analysis.maps.regime_map` sweeps): :meth:`USIranModel.classify`
at a point, and :meth:`USIranModel.symbolic_classifier`, the same
classification as formulas derived once.

Regimes (codes index :data:`REGIMES`), classified without noise:

0. **mutual restraint**: contained tit-for-tat is subgame perfect without noise
   (δ ≥ δ*), so both hold, and strikes are answered in kind and then forgiven;
1. **exchange every round**: contained tit-for-tat is not subgame perfect
   (δ < δ*), but a limited exchange (retaliate, retaliate) is still a stage
   equilibrium, so the profile in play is :func:`exchange_every_round` (a limited
   strike every round by both sides, war after any escalation), which is
   subgame perfect: regular limited strikes. It is not the stochastic case
   model's *contained exchange* (the glossary of
   :mod:`deterrence.models.us_iran_exchange_report`), a Markov profile in which
   the militias strike after Israeli strikes, on motives of their own and in
   answer to US strikes, and the US answers only the attacks that kill
   Americans; here both sides strike every round, hence the other name;
2. **escalation/war**: no stage equilibrium is free of escalation.

The report says, besides, whether the profile in play stays subgame perfect
under the model's own noise: its title and headline claim only what holds
there. Under the file's noise mutual restraint does (contained tit-for-tat
never intends a militia strike on its path, so nothing misfires); with
execution errors on both sides (``noise={"execution": "1/50"}``) it does not:
the side due to answer gains by holding, since its answer may misfire into war.

War is one outcome everywhere: a round in which either side escalates
(:func:`deterrence.core.repeated.war_profiles`).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from deterrence.core.frozen import frozen
from deterrence.core.numbers import format_approx, to_exact
from deterrence.errors import GameError
from deterrence.models.proxy_targets import RANGES as _PROXY_RANGES
from deterrence.solvers.result import TextRepr


REGIMES = ("mutual restraint", "exchange every round", "escalation/war")


def exchange_every_round(game, player=0):
    """Automaton that strikes (limited) every round, and goes to war once anyone escalates.

    >>> from deterrence import load_game
    >>> a = exchange_every_round(load_game("us_iran_stage").with_defaults())
    >>> a.next_state("exchange", "retaliate", "escalate")
    'war'
    """
    from deterrence.core.automaton import Automaton
    own, opp = game.actions[player], game.actions[1 - player]
    rules = ["*: *, * -> exchange", "*: escalate, * -> war", "*: *, escalate -> war", "war: *, * -> war"]
    return Automaton(["exchange", "war"], "exchange", {"exchange": "retaliate", "war": "escalate"},
                     rules, own, opp, name="exchange_every_round",
                     description="limited strikes every round; war after any escalation")


@dataclass(frozen=True)
class USIranAnalysis(TextRepr):
    """Everything the US–Iran report says, computed once by :meth:`USIranModel.analyse`. Its repr
    is the headline (the dataclass repr ran to 3,500 characters of nested games and results: a
    review):

    >>> us_iran_model().analyse()    # doctest: +NORMALIZE_WHITESPACE
    <USIranAnalysis: mutual restraint; war within 100 rounds with probability 0; 3 equilibria of the round;
     model.report(analysis) writes it out>
    """

    model: object
    stage_result: object        # SolveResult: every equilibrium of the round (at the defaults)
    regime: int                 # index into REGIMES
    restraint: object           # RepeatedAnalysis of the model's profile, as intended (+ δ*)
    played: object              # RepeatedAnalysis (with noise) of the profile in play; None in war
    proxy_equilibria: object    # subgame-perfect equilibria of the proxy tree (at its defaults)
    proxy_condition: object     # sympy condition for the answer to land on US forces

    @property
    def regime_name(self) -> str:
        """The regime's name (``REGIMES[regime]``)."""
        return REGIMES[self.regime]

    def repr_text(self) -> str:
        within = getattr(self.model, "within", None)
        return (f"{self.regime_name}; war{f' within {within} rounds' if within else ''} with probability "
                f"{format_approx(self.war_risk, 6)}; {len(self.stage_result)} equilibria of the round; "
                "model.report(analysis) writes it out")

    @property
    def war_risk(self) -> float:
        """P(war within ``model.within`` rounds) in the regime's play (1 in war, 0 without noise)."""
        if self.regime == 2:
            return 1.0
        if self.played is None or self.played.noise is None:
            return 0.0
        return float(self.played.noise.war_probability)


@dataclass(frozen=True)
class USIranModel(TextRepr):
    """The pieces of the US–Iran analysis (all immutable values).

    It is a regime model (:class:`deterrence.core.regime_model.RegimeModel`): ``REGIMES``,
    :meth:`classify` and :meth:`symbolic_classifier`, built at each point of a map by
    :func:`us_iran_model`. Its repr is one line (the dataclass repr printed the stage game, both
    automata and the proxy tree: a review); Jupyter shows a table of its values.

    >>> us_iran_model(W_iran=60)                      # doctest: +ELLIPSIS
    <USIranModel: delta 9/10; contained_tit_for_tat vs contained_tit_for_tat; noise Iran: ...; probability of war ...>
    """

    #: the regime names (a class attribute, not a field); a regime code indexes them
    REGIMES = REGIMES
    #: the closed ranges a map's axis must keep to: the proxy tree's chances, under their own names
    #: and with the prefix ``proxy_`` (:func:`us_iran_model` takes both)
    PARAMETER_RANGES = frozen({**_PROXY_RANGES, **{f"proxy_{k}": r for k, r in _PROXY_RANGES.items()}})

    stage: object          # symbolic NormalFormGame (defaults = the model's values)
    delta: Fraction
    strategies: tuple      # two automata
    noise: object          # deterrence.core.repeated.Noise or None
    proxy: object          # symbolic GameTree (defaults = the model's values)
    within: int = 100      # horizon for the war probability
    title: object = None   # None: the title follows the regime (see :func:`regime_headline`)
    round_days: int = 7    # a round is one week (the file's description; the calibration's round_days)

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_exact
        values = ", ".join(f"{k}={format_exact(v)}" for k, v in self.stage.parameters.items())
        noise = self.noise.describe() if self.noise is not None else "none"
        return (f"delta {format_exact(self.delta)}; {' vs '.join(a.name for a in self.strategies)}; "
                f"noise {noise}; {values}; probability of war within {self.within} rounds of {self.round_days} days "
                "(dt.explain(model) for the analysis)")

    def _repr_html_(self) -> str:
        """The model's values as a table: δ, the profile, the noise, the round's and the proxy game's
        parameters (the proxy game's under its own title).

        >>> html = us_iran_model(W_iran=60)._repr_html_()
        >>> "<td>W_iran</td><td>60</td>" in html, "<td>delta</td><td>9/10</td>" in html
        (True, True)
        """
        import html

        from deterrence.core.numbers import format_exact

        def rows(items):
            return "".join(f"<tr><td>{html.escape(str(k))}</td>"
                           f"<td>{html.escape(v if isinstance(v, str) else format_exact(v))}</td></tr>"
                           for k, v in items)
        head = [("delta", self.delta), ("profile", " vs ".join(a.name for a in self.strategies)),
                ("noise", self.noise.describe() if self.noise is not None else "none"),
                ("probability of war within", f"{self.within} rounds"), ("round", f"{self.round_days} days")]
        return (f"<table><caption>US–Iran teaching model (dt.explain(model) for the analysis)</caption>"
                f"<tr><th>value</th><th></th></tr>{rows(head)}"
                f"<tr><th colspan='2'>{html.escape(self.stage.title)}</th></tr>{rows(self.stage.parameters.items())}"
                f"<tr><th colspan='2'>{html.escape(self.proxy.title)}</th></tr>{rows(self.proxy.parameters.items())}"
                "</table>")

    def repeated_game(self):
        """The carrier: stage game, δ, noise and the model's profile (no horizon).

        >>> us_iran_model().repeated_game().strategies[0].name
        'contained_tit_for_tat'
        """
        from deterrence.core.repeated import RepeatedGame
        return RepeatedGame(self.stage, self.delta, None, self.noise, self.strategies)

    def regime(self) -> int:
        """The regime code (index into :data:`REGIMES`), without δ* or the proxies.

        >>> us_iran_model().regime(), us_iran_model(delta="1/2").regime(), us_iran_model(W_iran=1).regime()
        (0, 1, 2)
        """
        return self.analyse(critical=False, proxies=False, noise=False).regime

    def classify(self) -> tuple:
        """``(regime code, probability of war)``, solved from scratch: the regime map's protocol
        (:class:`deterrence.core.regime_model.RegimeModel`). The probability of war is P(war within
        ``within`` rounds) under the noise in the regime's play: the profile in regime 0, the
        exchange every round in regime 1, and 1 in war.

        >>> us_iran_model().classify()         # only militia strikes misfire: none on this path
        (0, 0.0)
        >>> us_iran_model(noise={"execution": "1/50"}).classify()  # doctest: +ELLIPSIS
        (0, 0.07339...)
        >>> us_iran_model(W_iran=1).classify(), us_iran_model(delta="1/2", noise="none").classify()
        ((2, 1.0), (1, 0.0))
        """
        regime = self.regime()
        if regime == 2:
            return 2, 1.0
        if not self.noise:
            return regime, 0.0
        from deterrence.solvers.repeated.noise_markov import war_risk
        stage = self.stage.with_defaults()
        profile = _profile_in_play(stage, regime, self.strategies)
        return regime, float(war_risk(stage, list(profile), noise=self.noise, within=self.within)[0])

    def symbolic_classifier(self):
        """The regimes as formulas of δ and the stage game's parameters, derived once (cached by
        the model's values): the regime map's fast path
        (:class:`deterrence.core.regime_model.SymbolicClassifier`).

        Subgame perfection of the profile is the sign of every one-shot deviation gain (a
        function of δ and the parameters) without noise, not one δ* root: which deviation binds
        can change across a map. Restraint is the stage condition that some pure equilibrium is
        free of escalation. The probabilities of war of regimes 0 and 1 do not depend on the payoffs or δ
        (the noise chain's probability of reaching war), so each is one number.

        >>> c = us_iran_model().symbolic_classifier()
        >>> c.names[0], "W_iran" in c.names, c.meta["deviation_conditions"] > 0
        ('delta', True, True)
        >>> import numpy as np
        >>> c.evaluate({"delta": np.array([0.5, 0.9])})["regime"].tolist()
        [1.0, 0.0]
        """
        # the defaults are part of the key: which deviation binds may depend on them; the Noise
        # itself (hashable: every field, each player's own noise) keys the probabilities of war
        return _symbolic_classifier(self.stage, tuple(sorted(self.stage.parameters.items())), self.delta,
                                    tuple(self.strategies), self.noise, self.within)

    def analyse(self, *, critical: bool = True, proxies: bool = True, noise: bool = True) -> USIranAnalysis:
        """Solve every piece once: stage equilibria, regime, repeated game, noise, proxies.

        ``critical=False`` skips δ* (a formula; the maps do not need it),
        ``proxies=False`` the proxy tree, ``noise=False`` the play under noise
        (then ``played`` is ``None``).

        >>> a = us_iran_model().analyse()
        >>> a.regime_name, a.restraint.critical_delta, a.played.subgame_perfect_under_noise
        ('mutual restraint', 3/4, True)
        """
        from deterrence.core.repeated import escalation_actions
        from deterrence.solvers import solve
        from deterrence.solvers.repeated.analysis import RepeatedAnalysis, analyse_repeated
        from deterrence.solvers.repeated.one_shot_deviation import one_shot_deviation
        rg = self.repeated_game()
        numeric = rg.with_defaults()
        stage = numeric.stage
        result = solve(stage)
        esc = escalation_actions(stage)
        escalation_free = any(all(eq.strategies[i][esc[i]] == 0 for i in range(2))
                               for eq in result.equilibria)
        check = one_shot_deviation(numeric.with_noise(None))
        crit = None
        if critical:
            from deterrence.solvers.repeated.critical_delta import critical_delta
            crit = critical_delta(rg.with_noise(None))
        regime = 2 if not escalation_free else (0 if check.subgame_perfect else 1)
        restraint = RepeatedAnalysis(game=numeric.with_noise(None), check=check, critical=crit,
                                     within=self.within)
        played = None
        if not noise:
            pass
        elif regime == 0:
            played = restraint
            if numeric.noise is not None:
                from deterrence.solvers.repeated.noise_markov import analyse_noise
                played = RepeatedAnalysis(game=numeric, check=check, critical=crit,
                                          noisy_check=one_shot_deviation(numeric),
                                          noise=analyse_noise(numeric, within=self.within),
                                          within=self.within)
                restraint = played
        elif regime == 1:
            played = analyse_repeated(numeric.with_strategies(_profile_in_play(stage, 1, self.strategies)),
                                      within=self.within, critical=False)
        spe = condition = None
        if proxies:
            from deterrence.models.proxy_targets import low_hanging_fruit_condition
            from deterrence.solvers.tree.backward_induction import subgame_perfect
            spe = subgame_perfect(self.proxy.with_defaults())
            condition = low_hanging_fruit_condition(self.proxy)
        return USIranAnalysis(model=self, stage_result=result, regime=regime, restraint=restraint,
                              played=played, proxy_equilibria=spe, proxy_condition=condition)

    def report(self, analysis: USIranAnalysis, sections, *, title=None):
        """The US–Iran report from its analysis: ``sections`` builds the generic sections.

        ``sections`` is the section builder :func:`deterrence.analysis.explain.explain`
        hands over (methods ``stage(game, result=)``, ``shadow(analysis)`` and
        ``noise(analysis, note=)``), so that this model reaches no analysis module.
        """
        from deterrence.core.report import DeterrenceReport, Section
        from deterrence.models.proxy_targets import proxy_sections
        parts = list(sections.stage(self.stage, result=analysis.stage_result))
        parts.append(sections.shadow(analysis.restraint))
        regime = analysis.regime
        if regime == 2:
            parts.append(Section("miscalculation", "Miscalculation: the probability of war under noise",
                                 ("No equilibrium of the round is free of escalation: war is the expected "
                                  "outcome (probability 1).",), {"war_probability": "1", "war_probability_float": 1.0}))
        elif analysis.played is not None and analysis.played.noise is not None:
            note = (None if regime == 0 else "Contained tit-for-tat is not subgame perfect at this discount "
                    "factor, so both sides trade limited strikes every round (the exchange every round), and "
                    "each strike may misfire.")
            parts.append(sections.noise(analysis.played, note=note, round_days=self.round_days))
        if analysis.proxy_equilibria is not None:
            parts += proxy_sections(self.proxy, analysis.proxy_equilibria, analysis.proxy_condition)
        heading, summary = regime_headline(analysis)
        # the summary is the report's own (shown first): the section names the regime, not the
        # summary again (a review: the notebook's HTML showed it twice, bold and as this line)
        parts.insert(0, Section("regime", "Regime", (f"{REGIMES[regime]} (regime {regime} of "
                                                     f"{len(REGIMES)}: {', '.join(REGIMES)})",),
                                {"regime": REGIMES[regime], "code": regime,
                                 "subgame_perfect_under_noise": _holds_under_noise(analysis)}))
        return DeterrenceReport(title or self.title or heading, tuple(parts), summary)


def _profile_in_play(stage, regime, strategies) -> tuple:
    """The pair of automata played in a regime below war: the model's profile in regime 0,
    the exchange every round in regime 1 (``stage`` at numeric values)."""
    if regime == 0:
        return tuple(strategies)
    return exchange_every_round(stage, 0), exchange_every_round(stage, 1)


#: the formulas of :func:`_structure_formulas` by the text of the stage game's structure and the profile
_FORMULAS: dict = {}


def _structure_formulas(stage, strategies) -> tuple:
    """``(deviation gains, restraint condition)`` of a symbolic stage game and profile: formulas in
    δ and the parameters that do not depend on the parameters' values, so derived once per structure
    (:func:`deterrence.core.cache.structure_text`). The lab's map re-derived them (0.17 s) whenever a
    slider that is not an axis of the map moved, as each new value was a new classifier's key."""
    from deterrence.core.cache import structure_text
    key = structure_text(stage, *strategies)
    if key not in _FORMULAS:
        import sympy
        from deterrence.core.repeated import delta_symbol, escalation_actions
        from deterrence.solvers.normal_form.symbolic_conditions import pure_equilibrium_conditions
        from deterrence.solvers.repeated.one_shot_deviation import deviation_gains
        gains = sorted({sympy.cancel(sympy.together(d.gain))
                        for d in deviation_gains(stage, list(strategies), delta=delta_symbol(), noise="none")},
                       key=str)
        actions = stage.actions
        esc = escalation_actions(stage.with_defaults())
        conditions = pure_equilibrium_conditions(stage)
        restraint = sympy.Or(*[c for prof, c in conditions.items()
                               if all(actions[i].index(a) != esc[i] for i, a in enumerate(prof))])
        if len(_FORMULAS) >= 16:
            _FORMULAS.clear()
        _FORMULAS[key] = (tuple(gains), restraint)
    return _FORMULAS[key]


@lru_cache(maxsize=16)
def _symbolic_classifier(stage, parameter_key, delta, strategies, noise, within):
    """The classifier of :meth:`USIranModel.symbolic_classifier` (one derivation per key)."""
    import numpy as np
    from deterrence.core.regime_model import SymbolicClassifier
    from deterrence.core.repeated import delta_symbol
    from deterrence.core.symbolic import parameter_symbol
    from deterrence.solvers.repeated.noise_markov import war_risk
    numeric = stage.with_defaults()
    gains, restraint = _structure_formulas(stage, strategies)
    risks = [float(war_risk(numeric, list(_profile_in_play(numeric, regime, strategies)), noise=noise,
                            within=within)[0]) if noise else 0.0 for regime in (0, 1)]

    def decide(evaluated, shape):
        spe = np.ones(shape, dtype=bool)
        for gain in evaluated["gains"]:
            spe &= np.broadcast_to(np.asarray(gain, dtype=float), shape) <= 1e-12
        holds = np.broadcast_to(np.asarray(evaluated["restraint"], dtype=bool), shape)
        regime = np.where(~holds, 2, np.where(spe, 0, 1)).astype(float)
        return regime, np.where(regime == 2, 1.0, np.where(regime == 0, risks[0], risks[1]))

    variables = (("delta", delta_symbol(), delta),) + tuple(
        (name, parameter_symbol(name), value) for name, value in stage.parameters.items())
    # the probabilities of war are taken once, at the defaults: a noise with formulas in a parameter would
    # freeze them there (the map refuses such an axis on this path: noise_parameters)
    return SymbolicClassifier(variables=variables, formulas=(("gains", list(gains)), ("restraint", restraint)),
                              decide=decide, meta={"deviation_conditions": len(gains),
                                                   "restraint_condition": str(restraint),
                                                   "noise_parameters": sorted(noise.parameter_names) if noise else []})


def _holds_under_noise(analysis):
    """Whether the profile in play is subgame perfect under the model's noise (``None``: not computed)."""
    played = analysis.played
    if analysis.regime == 2 or played is None:
        return None
    if played.noise is None:
        return bool(played.check.subgame_perfect)
    return bool(played.noisy_check.subgame_perfect)


def _gains_text(played) -> str:
    """The profitable deviations under noise, e.g. ``US +0.23, Iran +0.83``."""
    best = {}
    for d in played.noisy_check.deviations:
        best[d.player] = max(best.get(d.player, 0), d.gain)
    return ", ".join(f"{player} +{format_approx(gain, 2, 'f')}" for player, gain in best.items())


def regime_headline(analysis: USIranAnalysis) -> tuple:
    """``(title, headline)`` of the report: both follow the regime and claim only what holds
    under the model's own noise.

    >>> print(regime_headline(us_iran_model().analyse(proxies=False))[0])
    Why the US and Iran stay below all-out war
    >>> both = us_iran_model(noise={"execution": "1/50"})     # execution errors on both sides
    >>> title, headline = regime_headline(both.analyse(proxies=False))
    >>> print(title)
    US and Iran: mutual restraint is an equilibrium without noise, not under the model's noise
    >>> "the side due to answer gains by holding (US +0.23, Iran +0.83)" in headline
    True
    """
    from deterrence.core.numbers import format_exact
    model, regime, played = analysis.model, analysis.regime, analysis.played
    star = analysis.restraint.critical_delta
    conditions = analysis.restraint.critical
    # no delta*: either none was computed, or it was and no delta makes the profile subgame perfect
    no_delta = star is None and conditions is not None and conditions.kind == "empty"
    star_text = "not computed" if star is None else format_exact(star)
    delta = format_exact(model.delta)
    holds = _holds_under_noise(analysis)
    noise = model.noise.describe() if model.noise is not None else None
    if regime == 2:
        headline = "Escalation/war: no equilibrium of the round is free of escalation."
        if analysis.restraint.check.subgame_perfect:
            # the regime counts the round's equilibria; the repeated game may still hold without noise
            headline += (f" Contained tit-for-tat is still subgame perfect without noise at delta = {delta} "
                         f"(delta* = {star_text}): holding rests on the shadow of the future alone.")
        return "At these values every equilibrium of the round escalates to war", headline
    if holds is None:
        under_noise = "Its play under the model's noise was not computed."
    elif noise is None:
        under_noise = "The model has no noise."
    elif holds:
        under_noise = f"Under the model's noise ({noise}) it stays subgame perfect."
    else:
        under_noise = (f"Under the model's noise ({noise}) it is not: a limited strike may misfire into war, "
                       f"so the side due to answer gains by holding ({_gains_text(played)}).")
    if regime == 0:
        title = ("Why the US and Iran stay below all-out war" if holds or noise is None else
                 "US and Iran: mutual restraint is an equilibrium without noise, not under the model's noise")
        # what the play does, so that the headline and the miscalculation section agree (a review:
        # "proxies answer Israel by hitting US forces" beside a war probability of exactly 0)
        quiet = (played is not None and played.noise is not None and played.noise.war_eventually == 0)
        path = (" On its path the noise never turns an action into escalation (contained tit-for-tat "
                "holds until struck): war has probability 0." if quiet else "")
        proxies = (" In the separate proxy game (its own section), Iran answers an Israeli strike by hitting "
                   "the exposed US forces." if analysis.proxy_equilibria is not None else "")
        headline = (f"Mutual restraint: contained tit-for-tat is subgame perfect without noise from "
                    f"delta* = {star_text} on, and delta = {delta}. {under_noise}{path} In the round, escalating "
                    f"costs each side more than it gains.{proxies} (A teaching model of one round a week; the "
                    f"calibrated exchange of strikes of the case is 'deterrence report', in Python "
                    "dt.explain(dt.us_iran_exchange_model()).)")
        return title, headline
    title = ("Why the US and Iran trade limited strikes below all-out war" if holds or noise is None else
             "US and Iran trade limited strikes, but not as an equilibrium under the model's noise")
    intended = ("is" if played is not None and played.check.subgame_perfect else "is not")
    why = ("at no delta in [0, 1), not even without noise" if no_delta else
           f"delta = {delta} is below delta* = {star_text}")
    headline = (f"Exchange every round: contained tit-for-tat is not subgame perfect ({why}), but a limited "
                "exchange of strikes (retaliate, retaliate) is an "
                f"equilibrium of each round, and the exchange every round (a limited strike every round, war "
                f"after any escalation) {intended} subgame perfect without noise. {under_noise}")
    return title, headline


@lru_cache(maxsize=1)
def _catalogue_stage():
    """The catalogue's stage game, read once (games are immutable; maps build many models)."""
    from deterrence.io import load_game
    return load_game("us_iran_stage")


def us_iran_model(*, delta=None, noise=None, within: int = 100, **values) -> USIranModel:
    """Build the model; keyword values override parameters of the stage game or the proxy tree.

    Names of the proxy tree that clash with the stage game's take the prefix
    ``proxy_`` (for example ``proxy_b_us``). δ, the noise and the profile come
    from the stage game's ``[repeated]`` section unless given (read by
    :meth:`deterrence.core.repeated.RepeatedGame.from_game`, which checks δ).

    >>> m = us_iran_model()
    >>> m.delta, m.stage.players, [a.name for a in m.strategies]
    (Fraction(9, 10), ('US', 'Iran'), ['contained_tit_for_tat', 'contained_tit_for_tat'])
    >>> us_iran_model(W_iran=10).stage.parameters["W_iran"]
    10
    """
    from deterrence.core.repeated import RepeatedGame
    from deterrence.models.proxy_targets import PARAMETERS as PROXY_PARAMETERS, proxy_targets

    stage = _catalogue_stage()
    stage_values, proxy_values = {}, {}
    for name, value in values.items():
        if name in stage.parameters:
            stage_values[name] = value
        elif name.startswith("proxy_") and name[6:] in PROXY_PARAMETERS:
            proxy_values[name[6:]] = value
        elif name in PROXY_PARAMETERS:
            proxy_values[name] = value
        else:
            raise GameError(f"unknown parameter {name!r}; the stage game has {', '.join(stage.parameters)}; "
                            f"the proxy tree has {', '.join(PROXY_PARAMETERS)}")
    stage = stage.with_parameters(stage_values) if stage_values else stage
    rg = RepeatedGame.from_game(stage, delta=to_exact(delta, "delta") if delta is not None else None,
                                noise=noise)
    if rg.strategies is None:
        raise GameError("us_iran_stage: [repeated] names no strategy profile")
    strategies = tuple(a.subs(stage.with_defaults().parameters) for a in rg.strategies)
    proxy = proxy_targets(symbolic=True, **proxy_values)
    return USIranModel(stage=stage, delta=rg.delta, strategies=strategies, noise=rg.noise,
                       proxy=proxy, within=int(within))
