"""The six expert claims of the US–Iran case as equilibrium results, and the model's own report.

:func:`analyse_exchange` computes everything once (the Markov perfect equilibria
under the noise, the predictions, the six claims, optionally the fit to the
record) into one frozen :class:`ExchangeAnalysis`; :func:`exchange_report`
turns that value into a :class:`~deterrence.core.report.DeterrenceReport` and
computes nothing itself, so no two sections can rest on different numbers.

The claims (the documentation's page The case brief), each a function of the model:

1. :func:`contained_violence` – the deviation losses by which the contained equilibrium
   holds (each side's smallest loss from any one-shot deviation; its margin against escalation,
   the smallest loss from escalating, beside them), the mutual-escalation equilibrium beside
   it, and the selection between them: Harsanyi–Selten risk dominance in the
   2x2 game of the two equilibrium strategies, and the basin of the contained
   equilibrium under best-response learning (the largest belief that the other
   side plays its mutual-escalation strategy at which one still plays contained).
2. :func:`tit_for_tat` – the attack -> answer -> answer cycles on the path.
3. :func:`target_substitution` – attacks on US forces as a function of the
   weekly Israeli strike rate.
4. :func:`motives_short_of_war` – strikes raise the cost of US presence; the
   value of withdrawing, its tipping point and its probability.
5. :func:`miscalculation` – the probability of war from misfiring strikes.
6. :func:`change_of_heart` – tipping points (parameter thresholds where the
   contained equilibrium ends), stance switches, and the expected duration of
   the contained regime.

References: Harsanyi and Selten (1988), *A General Theory of Equilibrium
Selection in Games*, MIT Press (risk dominance); Kandori, Mailath and Rob
(1993), Econometrica 61 (basins of learning dynamics); Maskin and Tirole (2001).

Steps: solve and verify the equilibria; run the chain of play over 26 months
and ten years; compute each claim from the same equilibrium; build the sections.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from fractions import Fraction

from deterrence.core.frozen import frozen
from deterrence.core.tipping import TippingPoint, window_text
from deterrence.solvers.result import TextRepr
from deterrence.models.us_iran_calibration import CALIBRATION, MODEL_CALIBRATION
from deterrence.models.us_iran_exchange import (PLAYERS, TRANSIENT, ExchangeModel, Selection,
                                                contained_profile, exchange_model, horizon_weeks,
                                                israeli_strike_response, markov_perfect_equilibria, peace_rates,
                                                peace_war_hazard, play_statistics, search_starts, search_text, select,
                                                verify,
                                                mutual_escalation_profile, weeks_in)


def _weeks_per_month() -> float:
    return float(weeks_in(months=1))


def _span() -> int:
    return horizon_weeks(months=26)      # the record's span, 21 January 2021 to 23 March 2023


def _ten_years() -> int:
    return horizon_weeks(years=10)


def _shown(x, digits=3):
    """A number as the report's text shows it: rounded to ``digits`` decimals. Only the text rounds:
    the analysis and the JSON keep every number at full precision (exact where it is exact), so that a
    quantity given in two sections is one number, not a rounded twin (a review: 3.19 beside 3.1895...).

    >>> _shown(Fraction(10, 3)), _shown(0.051840822, 4)
    (3.333, 0.0518)
    """
    return round(float(x), digits)


def _as_shown(data, digits: dict) -> dict:
    """A copy of ``data`` (a section's dictionary) with the numbers under the keys of ``digits``
    rounded as the text shows them (:func:`_shown`; into lists and dictionaries under the key):
    the one place a section's numbers are rounded, for its sentences only.

    >>> _as_shown({"a": Fraction(1, 3), "b": [0.123456, None], "c": {"v": 0.25, "n": 26}}, {"a": 2, "b": 3,
    ...                                                                                      "c": {"v": 1}})
    {'a': 0.33, 'b': [0.123, None], 'c': {'v': 0.2, 'n': 26}}
    """
    def rounded(v, d):
        if isinstance(d, dict):
            return v if v is None else _as_shown(v, d)
        if isinstance(v, dict):
            return {k: rounded(x, d) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [rounded(x, d) for x in v]
        return v if v is None or isinstance(v, (bool, str)) else _shown(v, d)
    return {k: rounded(v, digits[k]) if k in digits else v for k, v in data.items()}


def _exact_or_float(x):
    """``x`` kept exact when it is (an int or a Fraction), else a float."""
    return x if isinstance(x, (int, Fraction)) and not isinstance(x, bool) else float(x)


def json_numbers(data):
    """``data`` with every number as the JSON page says: a fraction as its exact string (``"1/3"``,
    ``format_exact``), a float as a float (``json_float``: NaN and infinities are null); integers
    (counts, weeks, horizons), booleans, strings and ``None`` as they are. The case report's sections
    write their data through it.

    >>> json_numbers({"a": [Fraction(1, 3), Fraction(4, 2), 0.25, 2, True, None, "x"]})
    {'a': ['1/3', '2', 0.25, 2, True, None, 'x']}
    """
    from deterrence.core.numbers import format_exact, json_float
    if isinstance(data, dict):
        return {k: json_numbers(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [json_numbers(v) for v in data]
    if isinstance(data, Fraction):
        return format_exact(data)
    if isinstance(data, TippingPoint):
        return data.to_json()
    if isinstance(data, float):
        return json_float(data)
    return data


def _combine(us_profile, iran_profile):
    return {s: (us_profile[s][0], iran_profile[s][1]) for s in TRANSIENT}


def _per_year(rate_per_week):
    """A weekly rate a year (365/7 weeks), exact when the rate is."""
    return _exact_or_float(rate_per_week) * (Fraction(365, 7) if isinstance(rate_per_week, (int, Fraction))
                                             else 365 / 7)


# -- claim 1 -----------------------------------------------------------------------------
def contained_violence(model: ExchangeModel) -> dict:
    """Why the contained equilibrium and not mutual escalation: deviation losses, margins against
    escalation and selection. ``margins`` is the deprecated former name of ``deviation_losses``
    (:data:`MARGINS_ALIAS`).

    >>> c = contained_violence(exchange_model())
    >>> c["contained_is_equilibrium"], c["mutual_escalation_is_equilibrium"], c["risk_dominant"]
    (True, True, 'contained')
    """
    C, W = contained_profile(), mutual_escalation_profile()
    c_eq, w_eq = verify(model, C), verify(model, W)
    start = "calm/quiet"
    V = {(a, b): model.values_of(_combine(pa, pb))[start]
         for a, pa in (("C", C), ("W", W)) for b, pb in (("C", C), ("W", W))}
    # loss of each player from leaving each equilibrium of the 2x2 game of the two strategies
    us_c, iran_c = V[("C", "C")][0] - V[("W", "C")][0], V[("C", "C")][1] - V[("C", "W")][1]
    us_w, iran_w = V[("W", "W")][0] - V[("C", "W")][0], V[("W", "W")][1] - V[("W", "C")][1]
    risk = ("contained" if us_c * iran_c > us_w * iran_w else
            "mutual escalation" if us_c * iran_c < us_w * iran_w else "tie")

    def basin(loss_c, loss_w):   # the belief in the other's mutual-escalation strategy that makes one indifferent
        return loss_c / (loss_c + loss_w) if loss_c + loss_w > 0 else Fraction(0)
    losses = {p: _exact_or_float(m) for p, m in zip(PLAYERS, c_eq.min_deviation_loss)}
    escalate_margins = {p: min(-g for (s, q, a), g in model.deviation_gains(C).items() if q == p and a == "escalate")
                        for p in PLAYERS} if c_eq.verified_under_noise else {}
    return {"contained_is_equilibrium": c_eq.verified_under_noise,
            "mutual_escalation_is_equilibrium": w_eq.verified_under_noise,
            "deviation_losses": losses,
            "escalation_margins": {p: _exact_or_float(m) for p, m in escalate_margins.items()},
            "margins": losses,        # deprecated: the former name of deviation_losses (MARGINS_ALIAS)
            "values_from_calm_week": {f"{a}{b}": [_exact_or_float(x) for x in v] for (a, b), v in V.items()},
            "risk_dominant": risk,
            "nash_products": {"contained": _exact_or_float(us_c * iran_c),
                              "mutual_escalation": _exact_or_float(us_w * iran_w)},
            "basin": {"US": _exact_or_float(basin(us_c, us_w)), "Iran": _exact_or_float(basin(iran_c, iran_w))}}


# -- claim 2 -------------------------------------------------------------------------------
def tit_for_tat_cycles(model: ExchangeModel) -> dict:
    """Attack -> answer -> answer cycles on the contained equilibrium's path, at peace in the
    long run (:func:`peace_rates`).

    A cycle opens with a militia strike that kills Americans; the US answers it the next week;
    the militias strike again the same week where they strike anyway (an Israeli strike or a
    motive of their own: ``same_week``), else the next week (the ``answered`` state: an
    answer); that strike kills Americans with probability ``eps``, and the cycle goes on. So a
    cycle has ``1/(1 - eps)`` US answers and lasts ``(2 - same_week)/(1 - eps)`` weeks on
    average, from the deadly strike to the militias' last strike.

    >>> t = tit_for_tat_cycles(exchange_model())
    >>> t["militias_answer_us_strikes"], t["us_answers_deadly_attacks"], round(float(t["mean_cycle_days"]), 1)
    (True, True, 8.8)
    """
    C = contained_profile()
    eps = Fraction(model.v["deadly_fraction"])
    q, s = peace_rates(model)
    shocks = model.shock_distribution()
    same_week = sum((p for x, p in shocks.items() if C[f"crisis/{x}"][1] == "retaliate"), Fraction(0))
    answered = all(C[f"answered/{x}"][1] == "retaliate" for x in shocks)
    answers_per_year = _per_year(s * eps)           # the US answers every deadly strike
    answers_per_cycle = 1 / (1 - eps)
    return {"us_answers_deadly_attacks": all(C[f"crisis/{x}"][0] == "retaliate" for x in shocks),
            "us_answers_other_attacks": any(C[f"hit/{x}"][0] == "retaliate" for x in shocks),
            "militias_answer_us_strikes": answered,
            "militias_strike_in_the_week_of_a_us_strike": same_week,
            "answers_per_attack_at_peace": eps,
            "answers_per_attack": eps,      # deprecated: the former name of answers_per_attack_at_peace
            "us_answers_per_year": answers_per_year,
            "cycles_per_year": answers_per_year / answers_per_cycle,
            "us_answers_per_cycle": answers_per_cycle,
            "mean_cycle_days": 7 * (2 - same_week) * answers_per_cycle,
            "horizon": "at peace in the long run"}


# -- claim 3 -------------------------------------------------------------------------------
def target_substitution(model: ExchangeModel, rates=(0, Fraction(1, 4), Fraction(1, 2), Fraction(3, 4))) -> dict:
    """Attacks on US forces per month as a function of the weekly Israeli strike rate.

    >>> t = target_substitution(exchange_model())
    >>> t["attacks_per_month"][0] < t["attacks_per_month"][-1], t["strike_after_israeli_strike"]
    (True, True)
    """
    rows = []
    for lam in rates:
        m = exchange_model(**{**model.v, "israeli_strike_rate": lam})
        chosen = select(m)        # the report's choice at each rate (the contained profile when none is found)
        st = play_statistics(m, chosen.followed.actions, _span())
        rows.append((lam, chosen, st["attacks"] / _span() * _weeks_per_month()))
    C = contained_profile()
    return {"israeli_strike_rate_per_week": [str(r) for r, _, _ in rows],
            "israeli_strikes_per_month": [Fraction(r) * weeks_in(months=1) for r, _, _ in rows],
            "equilibrium": [c.followed.name for _, c, _ in rows],     # the report's one name of each choice
            "contained_equilibrium_holds": [c.contained for _, c, _ in rows],
            "attacks_per_month": [a for _, _, a in rows],
            # on the contained exchange's path at the model's rate, as the fit predicts it (a chord
            # over the rows, from a rate where it is no equilibrium, gave 0.454 beside 0.449)
            "extra_attacks_per_extra_israeli_strike_week": israeli_strike_response(model, _span()),
            "strike_after_israeli_strike": all(C[f"{p}/israel"][1] == "retaliate" for p in ("calm", "hit", "crisis")),
            "strike_in_quiet_calm_week": C["calm/quiet"][1] == "retaliate"}


# -- claim 4 -------------------------------------------------------------------------------
def motives_short_of_war(model: ExchangeModel, stats10, values, stats26) -> dict:
    """Strikes as attrition. In the exchange game (US support fixed): the cost strikes add to US
    presence, the value of leaving and its tipping point, and withdrawal's probability there (0)
    within ten years (``stats10``) and within the record's 26 months (``stats26``).
    With US public support as a stance that deadly strikes erode
    (:func:`deterrence.models.us_iran_regimes.attrition`, under ``"attrition"``): the equilibrium,
    the probability of withdrawal within 26 months and ten years, the hazard formula and the record.

    >>> m = exchange_model()
    >>> C = contained_profile()
    >>> r = motives_short_of_war(m, play_statistics(m, C, 522), m.values_of(C), play_statistics(m, C, 113))
    >>> r["withdrawal_probability_10_years"] == 0 and 0 < r["presence_value_tipping_point"].threshold < 5
    True
    >>> 0 < r["attrition"]["withdrawal_probability_10_years"] < 1
    True
    """
    from deterrence.models.us_iran_regimes import attrition
    d = model.delta
    C = contained_profile()
    gains = model.deviation_gains(C)
    ell = Fraction(model.v["presence_value"])
    # a withdrawal leads to the withdrawn state for sure: its gain falls by delta/(1-delta) per unit of ell
    thresholds = {(s, p, a): ell + g * (1 - d) / d for (s, p, a), g in gains.items() if a == "withdraw"}
    # withdrawing pays in some state as soon as ell falls below that state's threshold
    key = max(thresholds, key=thresholds.get)
    tip = TippingPoint("presence_value", ell, thresholds[key], "below", "the US withdraws", _breaking(key))
    attacks_per_week = peace_rates(model)[1]     # at peace in the long run: the formula s (exact)
    return {"us_cost_of_strikes_per_week": attacks_per_week * Fraction(model.v["c_us"]),
            "iran_signalling_value_per_week": Fraction(model.v["m"]) * model.shock_distribution()["motive"],
            "us_value_of_staying": _exact_or_float(values["calm/quiet"][0]),
            "us_value_of_withdrawing": -ell / (1 - d),
            "presence_value_per_week": str(ell),
            "presence_value_tipping_point": tip,
            "withdrawal_probability_10_years": stats10["withdrawn"],
            "withdrawal_probability_26_months": stats26["withdrawn"],
            "withdrawal_on_path": any(a[0] == "withdraw" for a in C.values()),
            "attrition": attrition(model, attacks_per_week)}


# -- claim 5 -------------------------------------------------------------------------------
def misfire_window_war(model: ExchangeModel, window) -> dict | None:
    """The probability of war within the record's 26 months under the contained exchange at the
    two ends of the misfire window (``window``: the misfire :func:`tipping_entry`; each end is the
    bisection's first value beyond the crossing, exact (it was rounded to six decimals first, so the
    probability was the rounded point's), where the contained exchange has just ended: its play is
    followed there as at the edge of the window): the misfire probability is
    fixed, not fitted (the record has no misfire), and the
    war probabilities move with it about in proportion (the formula h), more than the fit's
    standard errors say. None when the window is open at an end.

    >>> w = misfire_window_war(exchange_model(), misfire_tipping_entry(exchange_model(), holds=True))
    >>> [end.threshold_text() for end in misfire_tipping_entry(exchange_model(), holds=True)]
    ['0.0003503', '0.001127']
    >>> w["lower"] < play_statistics(exchange_model(), contained_profile(), 113)["war"] < w["upper"]
    True
    """
    ends = {t.direction: t for t in window}
    if set(ends) != {"below", "above"}:
        return None

    def war(end):
        m = exchange_model(**{**model.v, "misfire": end.threshold})
        return play_statistics(m, contained_profile(), _span())["war"]
    # the points the war probability is computed at: the bisection's first values beyond the crossings
    # (exact), which the tipping points give to the digits the bisection knows
    return {"misfire": [ends[side].threshold for side in ("below", "above")], "lower": war(ends["below"]),
            "upper": war(ends["above"]), "horizon_months": 26}


def miscalculation(model: ExchangeModel, stats1y, stats10, window=None) -> dict:
    """The probability of war from imprecise strikes: in the first year from a
    calm week and in ten years (the chain of play), and, at peace in the long run
    (:func:`peace_rates`), the misfires and the deadly strikes a year.

    >>> m = exchange_model()
    >>> r = miscalculation(m, play_statistics(m, contained_profile(), 52), play_statistics(m, contained_profile(), 522))
    >>> 0 < r["war_probability_first_year"] < 0.05
    True
    """
    s = peace_rates(model)[1]
    return {"misfire_per_strike": str(model.v["misfire"]),
            "us_misfire_per_strike": str(model.v["us_misfire"]),
            # the militias' misfires, and the US's when us_misfire > 0: the formula h, a year
            "misfires_per_year": _per_year(peace_war_hazard(model)[0]),
            "war_probability_first_year": stats1y["war"],
            "war_probability_per_year": stats1y["war"],     # deprecated: war_probability_first_year's former name
            "war_probability_10_years": stats10["war"],
            "deadly_attacks_per_year": _per_year(s * Fraction(model.v["deadly_fraction"])),
            "all_war_from_misfires": True,
            "all_war_risk_from_misfires": True,      # deprecated: all_war_from_misfires's former name
            "war_probability_over_misfire_window": None if window is None else misfire_window_war(model, window)}


# -- claim 6 -------------------------------------------------------------------------------
PAYOFF_TIPPING = ("W_iran", "W_us", "A", "m", "k_us", "D")


def _breaking(key) -> str:
    """A one-shot deviation ``(state, player, action)`` in words."""
    return f"{key[1]} would {key[2]} in state {key[0]}"


#: what changes at each tipping point of the case
ENDS = "the contained exchange stops being an equilibrium"


def tipping_entry(name, value, lower=None, upper=None, *, exact=True) -> tuple:
    """One parameter's tipping points: the ends of the interval around ``value`` where the contained
    exchange holds, each a :class:`~deterrence.core.tipping.TippingPoint` (below first; none for an
    open side), the one carrier of every model's tipping points (a stage game's red lines too).

    ``lower``/``upper``: ``(x, breaking)`` (the crossing and the deviation that pays beyond it,
    ``(state, player, action)``) or ``None`` (no end on that side). ``exact`` false: the ends were
    bracketed by bisection, each ``(x, breaking, digits)``: ``x`` the first value found beyond the
    crossing, known to ``digits`` significant digits.

    >>> lower, = tipping_entry("k_us", Fraction(10, 3), (Fraction(3), ("hit/quiet", "US", "hold")), None)
    >>> lower.threshold, lower.direction, lower.breaks
    (Fraction(3, 1), 'below', 'US would hold in state hit/quiet')
    >>> tipping_entry("k_us", 5)
    ()
    """
    return tuple(TippingPoint(name, Fraction(value), Fraction(end[0]), side, ENDS, _breaking(end[1]),
                              exact=exact, digits=None if exact else end[2])
                 for side, end in (("below", lower), ("above", upper)) if end is not None)


def tipping_points(model: ExchangeModel) -> dict:
    """Exact thresholds of payoff parameters at which the contained equilibrium ends:
    ``{parameter: its tipping points}`` (each a :func:`tipping_entry`).

    Values are linear in payoffs for a fixed profile, so every deviation gain is
    affine in each payoff parameter: two exact evaluations give each crossing.

    >>> lower, upper = tipping_points(exchange_model())["W_iran"]
    >>> lower.direction, lower.threshold < 50 < upper.threshold
    ('below', True)
    """
    C = contained_profile()
    base = model.deviation_gains(C)
    out = {}
    for name in PAYOFF_TIPPING:
        x0 = Fraction(model.v[name])
        step = Fraction(1)
        other = exchange_model(**{**model.v, name: x0 + step}).deviation_gains(C)
        below, above = [], []
        for key, g0 in base.items():
            slope = (other[key] - g0) / step
            if slope == 0:
                continue
            x = x0 - g0 / slope      # where this deviation's gain crosses 0
            (above if slope > 0 else below).append((x, key))
        # contained holds between the nearest crossing below and above the current value
        # (a gain with positive slope becomes profitable above its crossing, and vice versa)
        lower = max((c for c in below if c[0] <= x0), key=lambda c: c[0], default=None)
        upper = min((c for c in above if c[0] >= x0), key=lambda c: c[0], default=None)
        out[name] = tipping_entry(name, x0, lower, upper)
    return out


def _contained_holds(model) -> bool:
    """Whether the contained exchange is an equilibrium under the noise: :func:`verify`'s verdict
    (on the fast path its test, no deviation gains, without naming the profile or keeping its
    values: the misfire bisection asks only this, of about 30 models)."""
    from deterrence.models.us_iran_exchange import _fast
    if not _fast(model):
        return verify(model, contained_profile()).verified_under_noise
    return all(g <= 0 for g in model._deviation_gains(contained_profile()).values())   # exact, unconverted


def _bisect_misfire(model, good, bad, digits=4, most=48):
    """``(x, breaking, width)``: the misfire probability between ``good`` (contained holds) and
    ``bad`` (it fails) where it ends, the deviation that pays beyond it and the width of the last
    bracket. Only the points between are checked: the caller knows both ends. The bracket is
    halved until it fixes ``digits`` significant digits of ``x`` (at most ``most`` halvings): a
    fixed 14 halvings of [1/1600, 1/20] fixed two, "0.0011", beside a text that wrote "0.001128"
    (a notebooks review)."""
    C = contained_profile()
    for _ in range(most):
        if abs(bad - good) * 10 ** digits <= abs(bad):
            break
        mid = ((good + bad) / 2).limit_denominator(10 ** 9)
        if mid in (good, bad):      # no simpler fraction between: the bracket is as fine as it gets
            break
        if _contained_holds(exchange_model(**{**model.v, "misfire": mid})):
            good = mid
        else:
            bad = mid
    gains = exchange_model(**{**model.v, "misfire": bad}).deviation_gains(C)
    return bad, max(gains, key=gains.get), abs(bad - good)


def _misfire_ends(model, hi, holds):
    """``(lower, upper)`` of the misfire window, each ``(x, breaking, width)`` or ``None``."""
    C = contained_profile()
    x0 = Fraction(model.v["misfire"])
    if holds is None:
        holds = verify(model, C).verified_under_noise
    if not holds:
        return None, None
    ends = []
    for edge in (Fraction(0), Fraction(hi)):
        holds_at_edge = _contained_holds(exchange_model(**{**model.v, "misfire": edge}))
        ends.append(None if holds_at_edge else _bisect_misfire(model, x0, edge))
    return tuple(ends)


def misfire_tipping_entry(model: ExchangeModel, hi=Fraction(1, 20), *, holds=None) -> tuple:
    """The misfire tipping points as a :func:`tipping_entry` (the carrier of :func:`tipping_points`),
    bracketed by bisection: not exact, each to the significant digits its last bracket gives.
    ``holds``: whether the contained exchange holds at the model's own misfire, when the caller
    knows it (else it is checked).

    >>> lower, upper = misfire_tipping_entry(exchange_model(), holds=True)
    >>> lower.threshold < lower.current < upper.threshold, lower.exact, lower.direction
    (True, False, 'below')
    """
    import math

    def known(end):         # the significant digits the last bracket fixes
        x, breaking, width = end
        return x, breaking, max(1, math.floor(math.log10(abs(x) / width))) if width else 20
    lower, upper = (None if e is None else known(e) for e in _misfire_ends(model, hi, holds))
    return tipping_entry("misfire", model.v["misfire"], lower, upper, exact=False)


def misfire_tipping_points(model: ExchangeModel, hi=Fraction(1, 20), *, holds=None) -> tuple:
    """``(lower, upper)``: the misfire probabilities (bisection, exact checks) below and above
    which the contained exchange ends (None: it holds all the way to 0, or to ``hi``). Too few
    misfires end it too: the probability of war is what keeps the militias from striking in quiet weeks.

    >>> lower, upper = misfire_tipping_points(exchange_model())
    >>> 0 < lower < 1 / 1600 < upper < 0.05
    True
    """
    return tuple(None if end is None else float(end[0]) for end in _misfire_ends(model, hi, holds))


def misfire_tipping_point(model: ExchangeModel, hi=Fraction(1, 20)) -> float:
    """Smallest misfire probability above the model's at which the contained equilibrium ends
    (the upper end of :func:`misfire_tipping_points`; infinity when there is none).

    >>> 0.001 < misfire_tipping_point(exchange_model()) < 0.05
    True
    """
    upper = misfire_tipping_points(model, hi)[1]
    return float("inf") if upper is None else upper


def _stances():
    """The changes of heart: ``{stance: its changes}``, each under its one name (the stance switching's)."""
    from deterrence.models.us_iran_regimes import IRAN_HAWKISH, US_GLOVES_OFF, stances
    changes = stances()
    return {stance: changes[stance] for stance in (US_GLOVES_OFF, IRAN_HAWKISH)}


def change_of_heart(model: ExchangeModel, stats1y, tips) -> dict:
    """Stance switching: each side's stance may change (rate per week), and the players know it (the
    literature's regime switching, Hamilton 1989; a regime of this report is the kind of equilibrium played).

    ``stance_switching`` is the product game of
    :func:`deterrence.models.us_iran_regimes.change_of_heart_regimes` (the stances as states,
    switches anticipated); ``expected_contained_years`` and ``contained_survives_10_years`` come
    from its equilibrium's chain. ``stance_switches`` solves each stance's own game, as if the
    stance were for ever (no anticipation).

    >>> m = exchange_model()
    >>> r = change_of_heart(m, play_statistics(m, contained_profile(), 52), tipping_points(m))
    >>> 5 < r["expected_contained_years"] < 40
    True
    """
    from deterrence.models.us_iran_regimes import change_of_heart_regimes
    switches, single = {}, {}
    for stance, change in _stances().items():
        m2 = exchange_model(**{**model.v, **change})
        eqs = markov_perfect_equilibria(m2)
        single[stance] = [dict(e.profile) for e in eqs]
        contained = any(e.name == "contained exchange" for e in eqs)
        # the report's one choice (select), so that the text can say what is played instead: a review
        # read "the contained exchange ends" as the end of limited strikes
        followed = select(m2, eqs).followed
        # numbers only for an equilibrium: the contained profile is followed when none is found
        st = play_statistics(m2, followed.actions, 52) if eqs else None
        switches[stance] = {"change": {k: str(v) for k, v in change.items()}, "stance": stance,
                            "equilibria": [e.name for e in eqs], "contained_survives": contained,
                            "followed": followed.name, "followed_is_equilibrium": bool(eqs),
                            "war_probability_first_year": st["war"] if st else None,
                            # beside the first year under the contained exchange (``stats1y``)
                            "war_probability_first_year_now": stats1y["war"],
                            "withdrawal_probability_first_year": st["withdrawn"] if st else None,
                            "attacks_per_month": st["attacks"] / 52 * _weeks_per_month() if st else None}
        _alias(switches[stance], "change_of_heart.stance_switches.*")
    regimes = change_of_heart_regimes(model, single)
    for sw in switches.values():
        sw["contained_survives_with_switching"] = sw["stance"] in regimes.get("contained_in", ())
    return {"change_of_heart_per_week": str(model.v["change_of_heart_rate"]),
            # the formula h, as in claim 4 (the chain's first-year war probability / 52 gave 0.000461
            # here, 0.000475 there: one key, two numbers)
            "war_hazard_per_week": peace_war_hazard(model)[0],
            "expected_contained_years": regimes.get("expected_contained_years"),
            "contained_survives_10_years": regimes.get("contained_survives_10_years"),
            # every parameter's tipping points, one flat list of the carrier, as a stage game's red_lines
            "tipping_points": tuple(t for points in tips.values() for t in points),
            "stance_switches": switches, "stance_switching": regimes,
            "regime_switching": regimes}      # deprecated: stance_switching's former name


# -- the formulas behind the headline ---------------------------------------------------------
def _num(x, digits=4, latex=False) -> str:
    """An exact number as a short fraction when it has one (denominator up to 2000), else a
    decimal; with ``latex``, the fraction typeset."""
    q = Fraction(x)
    if q.denominator > 2_000:
        return f"{float(q):.{digits}g}"
    if latex:
        from deterrence.core.latex import to_latex
        return to_latex(q)
    return str(q)


def headline_formulas(model: ExchangeModel, contained: bool) -> tuple:
    """The formulas behind the headline, at the model's values: ``(name, text, latex, value)``.

    The discount factor per week always; with the contained exchange in play also the chance
    of a reason to strike in a week (``q``), the long-run attack rate at peace (``s``: a
    militia strike comes with a reason, or answers a US strike, which answers a deadly strike
    two weeks before unless a new strike came first) and the war hazard from misfires.

    >>> [f[0] for f in headline_formulas(exchange_model(), True)]
    ['delta', 'q', 's', 'h']
    >>> headline_formulas(exchange_model(), True)[0][3]
    Fraction(730, 737)
    """
    v = model.v
    r, d = Fraction(v["annual_discount_rate"]), Fraction(v["round_days"])
    delta = model.delta
    out = [("delta",
            f"δ = 1/(1 + r·d/365) = 1/(1 + {r} · {d}/365) = {delta} a week (r: annual_discount_rate, d: round_days)",
            rf"$\delta = \frac{{1}}{{1 + r d/365}} = \frac{{1}}{{1 + {_tex(r)} \cdot {_tex(d)}/365}} = {_tex(delta)}$"
            " a week ($r$: annual discount rate, $d$: days per round)", delta)]
    if not contained:
        return tuple(out)
    lam, sig, eta, eta_us, eps = (Fraction(v[k]) for k in ("israeli_strike_rate", "motive_rate", "misfire",
                                                            "us_misfire", "deadly_fraction"))
    q, rate = peace_rates(model)
    hazard, year = peace_war_hazard(model)
    # US strikes misfire too when us_misfire > 0: they come at s·ε a week (the deadly attacks answered)
    us_part = (f" + η_US·ε·s = {_num(eta)} · {float(rate):.4f} + {_num(eta_us)} · {_num(eps)} · {float(rate):.4f}"
               if eta_us else f" = {_num(eta)} · {float(rate):.4f}")
    us_tex = (rf" + \eta_{{US}} \varepsilon s = {_tex(eta)} \cdot {float(rate):.4f} + {_tex(eta_us)} \cdot "
              rf"{_tex(eps)} \cdot {float(rate):.4f}" if eta_us else rf" = {_tex(eta)} \cdot {float(rate):.4f}")
    us_name, us_tex_name = ("; η_US: us_misfire", r"; $\eta_{US}$: US misfire") if eta_us else ("", "")
    per_month = float(rate) * _weeks_per_month()
    out += [
        ("q", f"q = λ + (1 − λ)·σ = {_num(lam)} + (1 − {_num(lam)})·{_num(sig)} = {_num(q)}: the chance that a week "
              "gives the militias a reason to strike (λ: israeli_strike_rate, σ: motive_rate)",
         rf"$q = \lambda + (1 - \lambda)\sigma = {_tex(lam)} + (1 - {_tex(lam)}) \cdot {_tex(sig)} = {_tex(q)}$: "
         r"the chance that a week gives the militias a reason to strike ($\lambda$: Israeli strike rate, "
         r"$\sigma$: motive rate)", q),
        ("s", f"s = q/(1 − (1 − q)²·ε) = {float(rate):.4f} attacks a week at peace in the long run "
              f"({per_month:.2f} a month; ε: deadly_fraction)",
         rf"$s = \frac{{q}}{{1 - (1 - q)^{{2}} \varepsilon}} = {float(rate):.4f}$ attacks a week at peace in the "
         rf"long run ({per_month:.2f} a month; $\varepsilon$: deadly fraction)", rate),
        ("h", f"h = η·s{us_part} = {float(hazard):.6f} a week: the war hazard at peace "
              f"(η: misfire{us_name}); P(war within a year) ≈ 1 − (1 − h)^(365/7) = {year:.2%}",
         rf"$h = \eta s{us_tex} = {float(hazard):.6f}$ a week: the war hazard at "
         rf"peace ($\eta$: misfire{us_tex_name}); $P(\text{{war within a year}}) \approx 1 - (1 - h)^{{365/7}} = "
         rf"{100 * year:.2f}$%", hazard)]
    return tuple(out)


def _fitted_number(x) -> str:
    """A fitted value as a decimal of four significant digits: the estimate is kept as a fraction
    (``limit_denominator(10_000)``), which printed as one (22/1809) looked exact and meaningful.

    >>> _fitted_number(Fraction(22, 1809)), _fitted_number(Fraction(1039, 2000))
    ('0.01216', '0.5195')
    """
    return f"{float(x):.4g}"


def _tex(x) -> str:
    return _num(x, latex=True)


# -- the analysis value ----------------------------------------------------------------------
@dataclass(frozen=True)
class ExchangeAnalysis(TextRepr):
    """Everything the report says, computed once. Its repr is the headline (the dataclass repr ran
    to 24,000 characters: a review); ``model.report(analysis)`` writes it out."""

    values: tuple
    equilibria: tuple            # MarkovPerfect values, verified under noise
    selection: Selection         # the play the predictions follow: chosen once, read by every section
    predicted: dict
    claims: dict
    fit: object = None
    record: tuple = ()           # ((name, count, start, end, source, about), ...): the aggregate record
    dated_events: tuple = ()     # ((date, actor, action), ...): 22-24 March 2023
    formulas: tuple = ()         # headline_formulas: ((name, text, latex, value), ...)

    def __post_init__(self):
        # read-only (core.frozen): the session's cache hands this one analysis to every report of
        # the model, and a changed prediction changed the next report's headline (a review)
        object.__setattr__(self, "predicted", frozen(self.predicted))
        object.__setattr__(self, "claims", frozen(self.claims))

    @property
    def selected(self):
        """The equilibrium the predictions follow (``selection.followed``)."""
        return self.selection.followed

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        p = self.predicted
        war = p.get("war_probability") or {}
        return (f"{self.regime} ({len(self.equilibria)} Markov perfect equilibria found); "
                f"attacks per month {format_short(p.get('attacks_per_month'), 3)}, war within "
                f"{war.get('horizon_months')} months with probability {format_short(war.get('value'), 3)}; "
                "model.report(analysis) writes it out")

    @property
    def regime(self) -> str:
        """``"contained"``, ``"mutual escalation"``, another equilibrium's name, or ``"no pure equilibrium found"``
        (``selection.label``)."""
        return self.selection.label


def analyse_exchange(model: ExchangeModel | None = None, *, fit=None, claims: bool = True,
                     record=None) -> ExchangeAnalysis:
    """Solve, predict and evaluate the six claims once (``fit``: a RecordFit to include;
    ``record``: the aggregate record the predictions stand beside, ``{name: AggregateCount}``
    as :func:`deterrence.io.events_csv.read_record` gives; default: the shipped record).

    >>> a = analyse_exchange(exchange_model(), claims=False)
    >>> a.regime, a.selected.verified_under_noise
    ('contained', True)
    """
    from deterrence.io.events_csv import read_aggregate_record
    model = exchange_model() if model is None else model
    eqs = markov_perfect_equilibria(model)
    selection = select(model, eqs)
    selected = selection.followed
    prof = selected.actions
    rec = read_aggregate_record() if record is None else dict(record)
    span = play_statistics(model, prof, _span())
    record_weeks = horizon_weeks(days=rec["attacks_on_us_personnel"].days)
    on_record = span if record_weeks == _span() else play_statistics(model, prof, record_weeks)
    year = play_statistics(model, prof, 52)
    ten = play_statistics(model, prof, _ten_years())
    predicted = {"attacks_per_month": span["attacks"] / _span() * _weeks_per_month(),
                 "attacks_in_26_months": span["attacks"],
                 "attacks_in_record_span": {"value": on_record["attacks"], "weeks": record_weeks,
                                            "months": weeks_in(days=rec["attacks_on_us_personnel"].days)
                                            / weeks_in(months=1)},
                 "answers_per_attack": span["answers"] / span["attacks"] if span["attacks"] else None,
                 "war_probability": {"value": span["war"], "horizon_months": 26},
                 "war_probability_10_years": {"value": ten["war"], "horizon_months": 120},
                 "withdrawal_probability_10_years": ten["withdrawn"],
                 "equilibrium": selected.name}
    record = tuple((k, c.count, c.start.isoformat(), c.end.isoformat(), c.source, c.about) for k, c in rec.items())
    out = {}
    if claims and selection.contained:
        values = model.values_of(prof)
        tips = tipping_points(model)
        # the contained exchange is the equilibrium selected here: it holds at the model's misfire
        tips["misfire"] = misfire_tipping_entry(model, holds=True)
        out = {"contained_violence": contained_violence(model),
               "tit_for_tat": tit_for_tat_cycles(model),
               "target_substitution": target_substitution(model),
               "motives_short_of_war": motives_short_of_war(model, ten, values, span),
               "miscalculation": miscalculation(model, year, ten, tips["misfire"]),
               "change_of_heart": change_of_heart(model, year, tips)}
    if out:
        predicted["attack_response_to_israeli_strikes"] = {
            "value": out["target_substitution"]["extra_attacks_per_extra_israeli_strike_week"],
            "unit": "extra attacks on US forces a month per extra week a month with an Israeli strike"}
    # the contained exchange's formulas whenever the predictions follow its play (also when no
    # equilibrium was found and the contained profile is followed)
    formulas = headline_formulas(model, prof == contained_profile())
    return ExchangeAnalysis(model.values, eqs, selection, predicted, out, fit, record, _march_2023(), formulas)


def _march_2023() -> tuple:
    """The dated events of 22-24 March 2023 (events_2023.csv): (date, actor, action)."""
    from deterrence.io.events_csv import load_example_events
    h = load_example_events().between("2023-03-22", "2023-03-24")
    return tuple((e.date.isoformat(), e.actor, e.action if e.side else "third party: " + e.event_type)
                 for e in h.events if e.event_type != "statement")


# -- the report ------------------------------------------------------------------------------
#: JSON keys kept under their former names for code that reads them, with the same values as the
#: new ones (``section.former`` -> ``new``); they will be removed in a later release. ``margins`` named
#: the smallest deviation losses (a margin is the loss from escalating: the glossary); claim 2's
#: ``answers_per_attack`` was the long-run rate at peace, beside the predictions' answers per attack
#: over the record's span (the chain of play), another number under the same name.
DEPRECATED_KEYS = {"contained_violence.margins": "deviation_losses", "equilibrium.margins": "deviation_losses",
                   "tit_for_tat.answers_per_attack": "answers_per_attack_at_peace",
                   # a probability within the first 52 weeks from a calm week, not a rate a year (as
                   # misfires_per_year beside it, and the formula h's "P(war within a year)", long-run)
                   "miscalculation.war_probability_per_year": "war_probability_first_year",
                   # "risk" is the word of risk dominance only (the glossary); a chance is a probability
                   "miscalculation.all_war_risk_from_misfires": "all_war_from_misfires",
                   # a regime is the kind of equilibrium played (equilibrium.regime, the contained regime, the maps):
                   # the game whose stances switch is the stance-switching game
                   "change_of_heart.regime_switching": "stance_switching",
                   "change_of_heart.stance_switches.*.war_probability_per_year": "war_probability_first_year",
                   "change_of_heart.stance_switches.*.war_probability_per_year_now": "war_probability_first_year_now",
                   "change_of_heart.stance_switches.*.withdrawal_probability_per_year":
                       "withdrawal_probability_first_year"}


def _alias(data: dict, where: str) -> dict:
    """``data`` (a section's dictionary at ``where``, a path of DEPRECATED_KEYS) with its deprecated
    keys added beside the new ones, the same values."""
    for path, new in DEPRECATED_KEYS.items():
        at, _, former = path.rpartition(".")
        if at == where and new in data:
            data[former] = data[new]
    return data
MARGINS_ALIAS = {"margins": "deviation_losses"}

GLOSSARY = {
    "war": "the absorbing war state of the model: all-out war, entered when either side's realised action "
           "is escalate; every war probability is the chance of reaching it",
    "red line": "the step from a limited strike to escalation (a major attack), which starts all-out war, "
                "whether a side takes it by intent or its strike misfires; whether a side crosses it on purpose "
                "is a property of an equilibrium, not of the line (in mutual escalation both do)",
    "tipping point": "a parameter value at which an equilibrium stops being one",
    "credible": "said of a threat the side would carry out when the time comes (it is part of the "
                "equilibrium's plan in every state, reached or not); never a payoff: the value to the US of "
                "being seen to answer attacks (b_us) is its reputation, the cost of leaving an attack unanswered "
                "an audience cost (a_us when the attack killed no American, D when it killed Americans)",
    "restraint": "holding (no strike) where a strike was possible",
    "limited strike": "the action retaliate: a proportionate strike, whether it answers an attack or opens one",
    "escalation": "the action escalate: a major attack across the red line, which starts all-out war at once; "
                  "mutual escalation is the profile in which both sides escalate in every state. The Pentagon's "
                  "'we do not seek conflict/escalation' (March 2023), which the calibration quotes for the cost of "
                  "a US strike, uses the word in its everyday sense: any step up, a limited strike included",
    "risk": "said only in risk dominance (Harsanyi and Selten's selection between two equilibria, claim 1: the "
            "one whose Nash product, the two sides' losses from leaving it in the 2x2 game of the two strategies, "
            "is larger); a chance is a probability (of war, of a misfire), never a risk",
    "margin": "a side's margin against escalation: what it loses by escalating at an equilibrium without "
              "escalation (the payoff of its best other action minus escalation's, a one-shot deviation); a stage "
              "game's report gives it at one such equilibrium (its margins section), the case the smallest over "
              "the states (escalation_margins)",
    "deviation loss": "what a side loses by a one-shot deviation from an equilibrium, to any action, escalation "
                      "or not; the case gives each side's smallest over every state and action (deviation_losses, "
                      "whose deprecated former name is margins): the margin against escalation is one of them",
    "misfire": "a limited strike that, against intent, crosses the red line (realised escalate): a militia strike "
               "with probability misfire, a US strike with us_misfire (0 at the calibration: US strikes are precise)",
    "at peace": "before war or a US withdrawal ends the exchange of limited strikes; the long-run rates at peace "
                "are those of the formulas",
    "contained exchange": "the one profile of this model with regular limited strikes in which the militias "
                          "strike after Israeli strikes and on motives of their own and strike in the week of "
                          "every US strike or the next, the US answers the "
                          "attacks that kill Americans, and nobody escalates or withdraws (the equilibrium the "
                          "report selects at the calibration, where others exist too); other profiles with limited "
                          "strikes and no intended "
                          "escalation are named by their play, as below",
    "contained violence": "claim 1 of the brief: regular limited strikes that no side means to escalate, "
                          "whichever profile plays them; the contained exchange is one such profile, and leaving it "
                          "need not end contained violence",
    "regime": "the kind of equilibrium played: the report's equilibrium.regime (contained, mutual escalation, "
              "another equilibrium's name), a deterrence map's regions, the contained regime below. A political "
              "stance (status quo, Iran hawkish, US gloves off) is a stance, never a regime: the game whose stances "
              "switch (section 6) is the stance-switching game, the literature's regime switching",
    "contained regime": "the stances of the stance-switching game in which the contained exchange is played "
                        "(section 6); it ends with a switch to a stance that plays another profile, or with war",
    "other equilibria": "named by the play on their path: who strikes and which attacks the US answers (limited "
                        "strikes, ...), mutual restraint (nobody strikes on the path; no escalation planned "
                        "anywhere), mutual restraint (war threatened if attacked) (nobody strikes on the path; "
                        "escalation planned only off it), escalation (a side intends it on the path), US "
                        "withdrawal, and mutual escalation: the profile in which both sides escalate in every "
                        "state, so that its play enters war in the first week",
    "tit-for-tat": "claim 2 of the brief: attacks and answers alternate. In this report, the cycles on the "
                   "contained exchange's path (section 2): an attack that kills Americans, the US answer, the "
                   "militias' answer; in a repeated game, the strategy tit_for_tat (an automaton: hold first, then "
                   "answer a strike with a limited strike and a hold with a hold) and its variants, such as the "
                   "teaching model's contained_tit_for_tat (contrite, and war for ever after an escalation), "
                   "always named by the strategy's own name",
    "week": "one round of the model",
}


def _years(weeks) -> str:
    return f"{float(weeks) / float(weeks_in(years=1)):.1f} years"


def _misfire_ends_text(points) -> dict:
    """``{"below": text, "above": text}``: the misfire tipping points, each to the digits its
    bisection fixes (:meth:`TippingPoint.threshold_text`), as the JSON gives them."""
    return {t.direction: t.threshold_text() for t in points if t.parameter == "misfire"}


def _misfire_window(points) -> tuple:
    """The misfire tipping points in words for the miscalculation section (empty when unknown)."""
    ends = _misfire_ends_text(points)
    lower, upper = ends.get("below"), ends.get("above")
    if lower is None and upper is None:
        return ()
    parts = []
    if lower is not None:
        parts.append(f"below {lower} per strike the probability of war no longer keeps the militias from striking "
                     "in quiet weeks")
    if upper is not None:
        parts.append(f"above {upper} per strike it ends too")
    return ("the contained exchange needs the misfire probability in a window: " + "; ".join(parts),)


def _misfire_window_war(w, points, fit=None) -> tuple:
    """The war probability at the misfire window's ends, in words (empty when unknown), each end
    named as the misfire tipping points (``points``) give it; beside the fit's standard error of
    the 26-month war probability when there is a fit and the range is wider than two of them either
    side (it counts the fitted parameters only)."""
    if not w:
        return ()
    ends = _misfire_ends_text(points)
    se = None
    if fit is not None and "war_probability_26_months" in {n for n, _, _ in fit.predictions}:
        se = fit.prediction_se("war_probability_26_months")
    wider = (f", wider than the fit's standard error ({se:.4f}), which counts the fitted parameters only"
             if se is not None and w["upper"] - w["lower"] > 4 * se else "")
    return (f"the misfire probability is fixed (the record has no misfire), and the war probability moves "
            f"with it: at the window's ends, where the contained exchange ends, from {_percent(_shown(w['lower'], 4))} "
            f"(misfire {ends['below']}) to "
            f"{_percent(_shown(w['upper'], 4))} (misfire {ends['above']}) within 26 months{wider}",)


def _percent(p: float) -> str:
    """A probability as a percentage, written the same way in every section (two decimals
    below 10%, one above), so that the headline and the predictions show the same number.

    >>> _percent(0.0006), _percent(0.0518), _percent(0.43)
    ('0.06%', '5.18%', '43.0%')
    """
    return f"{p:.2%}" if p < 0.10 else f"{p:.1%}"

def _listed(names, sep=", ") -> str:
    """Equilibrium names, each once, with the number of profiles where several share it.

    >>> _listed(["mutual escalation", "limited strikes", "limited strikes"])
    'mutual escalation, limited strikes (2 profiles)'
    """
    return sep.join(f"{n} ({names.count(n)} profiles)" if names.count(n) > 1 else n for n in dict.fromkeys(names))


def _substitution_record(events) -> tuple:
    """Claim 3's record line: the dated Israeli strike and the first militia strike after it
    (``events``: the analysis's ``dated_events``), and what the model leaves out (Russia);
    empty when the events hold no such pair.

    >>> _substitution_record((("2023-03-22", "Israel", "third party: airstrike"),
    ...                       ("2023-03-23", "Iran-backed militia", "retaliate")))[0][:70]
    'record: 2023-03-22 Israel: airstrike -> 2023-03-23 Iran-backed militia'
    """
    israel = next((e for e in events if e[1] == "Israel"), None)
    after = next((e for e in events if israel and e[0] >= israel[0] and "militia" in e[1]
                  and e[2] == "retaliate"), None)
    if israel is None or after is None:
        return ()
    return (f"record: {israel[0]} Israel: {israel[2].removeprefix('third party: ')} -> {after[0]} {after[1]}: "
            "a strike on US forces (events_2023.csv); Russia's part (it lets Israel use the Syrian airspace it "
            "controls) is not in the model, which takes the weekly Israeli strike rate as given",)


def _play_text(play: dict) -> str:
    """``{stance: play}`` in words: ``"status quo: contained exchange; ..."``."""
    return "; ".join(f"{k}: {v}" for k, v in play.items())


#: the decimals claim 4's attrition numbers are shown with
_ATTRITION_DIGITS = {"withdrawal_probability_26_months": 4, "withdrawal_probability_10_years": 4,
                     "war_probability_26_months": 4, "hazard_per_week": 6, "hazard_per_year": 4,
                     "war_hazard_per_week": 6, "withdrawal_probability_10_years_formula": 4, "strikes_per_week": 4,
                     "hazard_per_year_by_strike_rate": 4, "probability_still_present_after_26_months": 4,
                     "iran_value_of_attrition": 2}


def _attrition_lines(ms, war26, fitted=frozenset()) -> tuple:
    """The lines (plain, and LaTeX where a formula is shown) of claim 4's section (``war26``:
    the headline's war probability within 26 months, with support fixed)."""
    lines = [f"with US support fixed (the exchange game): militia strikes cost the US "
             f"{_shown(ms['us_cost_of_strikes_per_week'], 2)} a week; staying is worth "
             f"{_shown(ms['us_value_of_staying'], 1)} to the US, "
             f"withdrawing {_shown(ms['us_value_of_withdrawing'], 1)}",
             f"signalling that Iran can destabilise (the brief's first motive): strikes on the militias' own motives "
             f"are worth {_shown(ms['iran_signalling_value_per_week'], 2)} a week to Iran beyond their gain as "
             "strikes (m in "
             "the weeks with a motive)",
             "the US would withdraw if its value of presence fell below "
             f"{_shown(ms['presence_value_tipping_point'].threshold)} a week "
             f"(a tipping point; now {ms['presence_value_per_week']}); probability of withdrawal within ten years "
             f"with support fixed: {float(ms['withdrawal_probability_10_years']):.2%}"]
    at = _as_shown(ms.get("attrition") or {}, _ATTRITION_DIGITS)
    if not at.get("verified_under_noise"):
        lines.append("attrition (US support eroded by deadly strikes): no Markov perfect equilibrium found")
        return tuple(lines), ()
    high, low = at["stances"]["support high"]["presence_value"], at["stances"]["support low"]["presence_value"]
    lines += [f"attrition, as the model assumes it: a militia strike that kills Americans turns US public support "
              f"low with probability {at['support_loss_per_deadly_strike']}; low support returns with probability "
              f"{at['support_recovery_per_week']} a week ({_years(1 / Fraction(at['support_recovery_per_week']))} on "
              f"average); while support is low the presence is worth {low} a week to the US instead of {high}; both "
              "sides see the support and anticipate its changes",
              "Markov perfect equilibrium of that game (verified under noise in every state): "
              + _play_text(at["selected"])]
    latex = ["", "", "", "", ""]
    if at["withdraws_when_support_is_low"]:
        s, eps, rho = (at["strikes_per_week"], Fraction(at["deadly_fraction"]),
                       Fraction(at["support_loss_per_deadly_strike"]))
        by_rate = at["hazard_per_year_by_strike_rate"]
        # a fitted value is an estimate (its fraction only limit_denominator's): shown as a decimal
        eps_text = _fitted_number(eps) if "deadly_fraction" in fitted else str(eps)
        eps_tex = _fitted_number(eps) if "deadly_fraction" in fitted else _tex(eps)
        lines += [f"in that game, the probability that the US withdraws: "
                  f"{_percent(at['withdrawal_probability_26_months'])} within 26 "
                  f"months, {_percent(at['withdrawal_probability_10_years'])} within ten years (the equilibrium's "
                  "chain)",
                  f"withdrawal hazard κ = s·ε·ρ = {s:g} · {eps_text} · {rho} = {at['hazard_per_week']:g} a week, "
                  f"1 − (1 − κ)^(365/7) = {_percent(at['hazard_per_year'])} a year (s: militia strikes a week at "
                  "peace, as in the formulas; ε: deadly_fraction, ρ: support lost per deadly strike): it rises with "
                  f"the militias' strike rate, {_percent(by_rate['1/2'])} a year at half the rate, "
                  f"{_percent(by_rate['2'])} at double; war (h = {at['war_hazard_per_week']:g} a week) competes "
                  "with it: withdrawal within ten years κ/(κ + h)·(1 − (1 − κ − h)^522) = "
                  f"{_percent(at['withdrawal_probability_10_years_formula'])} (the chain: "
                  f"{_percent(at['withdrawal_probability_10_years'])})",
                  f"record: US forces were still present in March 2023; the attrition game gives that probability "
                  f"{_percent(at['probability_still_present_after_26_months'])} after 26 months (withdrawn "
                  f"{_percent(at['withdrawal_probability_26_months'])}, war "
                  f"{_percent(at['war_probability_26_months'])}; with support fixed, as in the headline: war "
                  f"{_percent(war26)}, withdrawn {_percent(ms['withdrawal_probability_26_months'])}): "
                  + ("consistent" if at["record_consistent"] else "NOT consistent (below 5%)"),
                  f"the prospect of pushing US forces out is worth {at['iran_value_of_attrition']} to Iran (its value "
                  "from a calm week, over the game with support fixed); "
                  + (f"the US stops withdrawing when support is low if its presence is then worth more than "
                     f"{float(at['low_presence_value_tipping_point'].threshold):.3f} a week (a tipping point; "
                     f"now {low})"
                     if at["low_presence_value_tipping_point"] is not None else "no tipping point found for it")]
        latex += ["", rf"withdrawal hazard $\kappa = s \varepsilon \rho = {s:g} \cdot {eps_tex} \cdot {_tex(rho)} = "
                      rf"{at['hazard_per_week']:g}$ a week, $1 - (1 - \kappa)^{{365/7}} = "
                      rf"{_percent(at['hazard_per_year'])[:-1]}$% a year ($s$: militia strikes a week at peace, as "
                      rf"in the formulas; $\varepsilon$: deadly fraction, $\rho$: support lost per deadly strike): "
                      rf"it rises with the militias' strike rate, "
                      rf"{_percent(by_rate['1/2'])} a year at half the rate, {_percent(by_rate['2'])} at double; war "
                      rf"($h = {at['war_hazard_per_week']:g}$ a week) competes with it: withdrawal within ten years "
                      rf"$\frac{{\kappa}}{{\kappa + h}}\left(1 - (1 - \kappa - h)^{{522}}\right) = "
                      rf"{_percent(at['withdrawal_probability_10_years_formula'])[:-1]}$% (the chain: "
                      rf"{_percent(at['withdrawal_probability_10_years'])})",
                  "", ""]
    else:
        lines.append("in that equilibrium the US stays even when support is low: withdrawal has probability 0")
        latex.append("")
    return tuple(lines), tuple(latex)


def _outside_contained_regime(rs) -> str:
    """What is played in the stances outside the contained regime, when no side intends escalation
    there: leaving the regime is then not the end of contained violence (claim 1's sense), only of
    one profile (a review read "survives ten years with probability 45.9%" as the odds of contained violence).

    >>> _outside_contained_regime({"contained_in": ["status quo"], "selected": {"status quo": "contained exchange",
    ...     "US gloves off": "limited strikes, every attack answered"}})
    "; outside it no side intends escalation either (US gloves off: 'limited strikes, every attack answered'): ..."
    """
    others = {k: play for k, play in (rs.get("selected") or {}).items() if k not in rs.get("contained_in", ())}
    if not others or any(play in ("escalation", "mutual escalation") for play in others.values()):
        return ""
    return ("; outside it no side intends escalation either ("
            + "; ".join(f"{k}: '{play}'" for k, play in others.items())
            + "): leaving the regime ends the contained exchange, one profile, not the contained violence of "
            "claim 1; "
            "war still comes only by misfire")


def _regime_lines(ch, changed=()) -> tuple:
    """The lines of claim 6's section; ``changed`` names the report's values that are not the
    calibration's (its tipping points are those of the report's values, not of the calibration)."""
    rs = _as_shown(ch.get("stance_switching") or {}, {"expected_contained_years": 2, "contained_survives_10_years": 4})
    sw = rs.get("switching_per_week", {})
    lines = []
    if rs:
        out, back = Fraction(sw["status quo to each other stance"]), Fraction(sw["back to the status quo"])
        lines.append(f"stance switching: from the status quo each side changes its stance with probability {out} a "
                     f"week ({f'once in {_years(1 / out)}' if out else 'never'}), a changed stance returns with "
                     f"{back} a week ({f'it lasts {_years(1 / back)} on average' if back else 'it never returns'}); "
                     "stances: " + "; ".join(
                         f"{k} ({', '.join(f'{n}={x}' for n, x in c.items())})" for k, c in rs["stances"].items() if c)
                     + f"; the stance is part of the state ({rs['states']} states), so the players anticipate switches")
    if rs.get("verified_under_noise"):
        lines += ["Markov perfect equilibrium of the switching game (verified under noise in every state): "
                  + _play_text(rs["selected"]),
                  f"the contained regime (the contained exchange played: {', '.join(rs['contained_in'])}) lasts "
                  f"{rs['expected_contained_years']} years on average from a calm week (the exact expected time until "
                  f"the chain of play leaves it: a switch to a stance that ends it, or war) and survives ten years "
                  f"with probability {_percent(rs['contained_survives_10_years'])}"
                  + _outside_contained_regime(rs)]
        parts = []
        from deterrence.core.numbers import format_exact
        a_year = weeks_in(years=1)
        for k, tp in rs["reversal_tipping_points"].items():     # TippingPoints of stance_reversal_rate
            parts.append(f"{k} ends it if expected to last more than {_shown(1 / tp.threshold / a_year, 2)} years "
                         f"(now {_shown(1 / Fraction(tp.current) / a_year, 2)}; its reversal rate below "
                         f"≈ {tp.threshold_text(2)} a week, now {format_exact(tp.current)})")
        parts += [f"{k} ends the contained exchange however briefly it lasts"
                  for k in rs.get("ends_at_every_reversal_rate", ())]
        parts += [f"{k} never ends it (up to 100 years)" for k in rs.get("holds_at_every_reversal_rate", ())]
        hawkish = rs.get("hawkish_W_iran_tipping_point")
        w_tip = None if hawkish is None else hawkish.threshold
        if w_tip is not None:
            now = rs["stances"]["Iran hawkish"]["W_iran"]
            parts.append(f"Iran hawkish ends it if its W_iran falls below {float(w_tip):.3f} (now {now})")
        lines.append("tipping points of the switching (where the contained regime ends): " + "; ".join(parts))
    elif rs:
        lines.append("no Markov perfect equilibrium of the switching game found from the starts searched")
    points = ch["tipping_points"]
    of = "of the calibration" if not changed else "at this report's values"
    lines.append(f"tipping points {of} (where the contained exchange ends): " + "; ".join(
        window_text([t for t in points if t.parameter == name])
        for name in dict.fromkeys(t.parameter for t in points)))
    for name, s in ch["stance_switches"].items():
        s = _as_shown(s, {"war_probability_first_year": 4, "war_probability_first_year_now": 4,
                          "withdrawal_probability_first_year": 4, "attacks_per_month": 2})
        listed = _listed(sorted(s["equilibria"]), "; ") or "none found"
        lines.append(f"{name} for ever, without switching ({', '.join(f'{k}={x}' for k, x in s['change'].items())}): "
                     f"equilibria: {listed}; " + ("the contained exchange survives" if s["contained_survives"]
                                                  else "the contained exchange ends")
                     + ("" if s["contained_survives"] or not s.get("followed_is_equilibrium") else
                        f" and '{s['followed']}' is played instead: {s['attacks_per_month']} attacks a month, "
                        + (f"US withdrawal {_percent(s['withdrawal_probability_first_year'])} and "
                           if s["withdrawal_probability_first_year"] >= 0.005 else "")
                        + f"war {_percent(s['war_probability_first_year'])} within the first year from a calm week "
                        f"({_percent(s['war_probability_first_year_now'])} under the contained exchange)")
                     + ("; with switching it survives" if s.get("contained_survives_with_switching") else ""))
    return tuple(lines)


#: the decimals of the predictions in the text (the JSON gives them at full precision)
_PREDICTED_DIGITS = {"attacks_per_month": 2, "attacks_in_26_months": 1,
                     "attacks_in_record_span": {"value": 1, "months": 1}, "answers_per_attack": 3,
                     "war_probability": {"value": 4}, "war_probability_10_years": {"value": 4},
                     "withdrawal_probability_10_years": 4, "attack_response_to_israeli_strikes": {"value": 3}}
#: the decimals of each claim's numbers in the text
_CLAIM_DIGITS = {
    "contained_violence": {"deviation_losses": 3, "margins": 3, "escalation_margins": 3, "values_from_calm_week": 1,
                           "nash_products": 1, "basin": 5},
    "tit_for_tat": {"militias_strike_in_the_week_of_a_us_strike": 3, "answers_per_attack": 3,
                    "answers_per_attack_at_peace": 3,
                    "us_answers_per_year": 3, "cycles_per_year": 3, "us_answers_per_cycle": 3, "mean_cycle_days": 1},
    "target_substitution": {"israeli_strikes_per_month": 2, "attacks_per_month": 2,
                            "extra_attacks_per_extra_israeli_strike_week": 3},
    "motives_short_of_war": {},         # rounded in its own lines (_attrition_lines)
    "miscalculation": {"misfires_per_year": 4, "war_probability_first_year": 4, "war_probability_per_year": 4,
                       "war_probability_10_years": 3,
                       "deadly_attacks_per_year": 2,
                       "war_probability_over_misfire_window": {"lower": 4, "upper": 4}},
    "change_of_heart": {"war_hazard_per_week": 6},
}


def exchange_report(analysis: ExchangeAnalysis):
    """The report of the exchange model, built from one :class:`ExchangeAnalysis` (no computing).

    >>> r = exchange_report(analyse_exchange(claims=False))
    >>> sorted(r.to_json())[:4]
    ['calibration', 'equilibrium', 'formulas', 'glossary']
    """
    from deterrence.core.report import DeterrenceReport, Section
    a = analysis
    v = dict(a.values)
    pred = _as_shown(a.predicted, _PREDICTED_DIGITS)      # the text's numbers; the data keeps a.predicted
    war26 = pred["war_probability"]["value"]
    war10 = pred["war_probability_10_years"]["value"]
    chosen = a.selection
    verified = bool(chosen.followed.verified_under_noise)
    fitted = {n for n, _ in a.fit.estimates} if a.fit is not None else set()
    if chosen.contained:
        # the answer rate is fitted to the one answer the brief dates, which the record calls a lower bound
        answered = ("those that kill Americans; fitted to the record's one dated answer, a lower bound"
                    if "deadly_fraction" in fitted else "those that kill Americans")
        # the title is the selected equilibrium's: the equilibria section lists others, with escalation in some
        title = (f"Why, in the equilibrium the report selects (the {chosen.followed.name}), the US and Iran trade "
                 f"limited strikes and neither chooses all-out war (it comes only by misfire: {_percent(war26)} within "
                 "26 months)")
        others = [e.name for e in a.equilibria if e.name != chosen.followed.name]
        us_noise = f", US strikes {v['us_misfire']}" if Fraction(v["us_misfire"]) else ""
        selected = "the one the report selects (" + (f"the search also finds {_listed(others)}; " if others
                                                     else "") + "it is not complete)"
        summary = (f"Under the model's own noise (militia misfires {v['misfire']} per strike{us_noise}), the contained "
                   f"exchange is a Markov perfect equilibrium, {selected}: the militias strike about "
                   f"{pred['attacks_per_month']} times a month, the US answers about {pred['answers_per_attack']:.1%} "
                   f"of attacks ({answered}), and war has probability {_percent(war26)} within "
                   f"26 months ({_percent(war10)} within ten years).")
    elif chosen.mutual_escalation:
        title = f"At these values the US and Iran go to war: the equilibrium found is {chosen.followed.name}"
        summary = (f"The contained exchange is not an equilibrium at these values; the equilibrium found is "
                   f"'{chosen.followed.name}' (both sides escalate in every state), and war has probability "
                   f"{_percent(war26)} within 26 months.")
    elif not chosen.found:
        title = f"At these values no pure equilibrium was found: the numbers follow the {chosen.followed.name}"
        summary = ("No pure Markov perfect equilibrium was found from the starts searched (mixed ones are not "
                   "searched here: homotopy_selection runs the toolkit's logit homotopy); the numbers below follow "
                   f"the contained profile, which is not an equilibrium here: war has probability {_percent(war26)} "
                   "within 26 months under it.")
    else:
        title = f"At these values the contained exchange is not an equilibrium: {chosen.label}"
        withdrawn = pred["withdrawal_probability_10_years"]
        summary = (f"The contained exchange is not an equilibrium at these values; the equilibrium found is "
                   f"'{chosen.label}' (verified under noise: {verified}): the militias strike about "
                   f"{pred['attacks_per_month']} times a month, "
                   + (f"the US withdraws with probability {_percent(withdrawn)} within ten years, "
                      if withdrawn >= 0.005 else "")
                   + f"and war has probability {_percent(war26)} within 26 months.")
    if not chosen.contained:
        # the formulas and the six claims' sections are the contained exchange's: say why they are missing
        summary += (" The formulas and the sections on the experts' six claims are about the contained exchange, "
                    "and are left out.")
    secs = []
    cal = {}
    for k in MODEL_CALIBRATION:             # the values this model uses (not the stage game's a_iran)
        cal[k] = {**CALIBRATION[k].to_json(), "value": str(v[k])}
        if Fraction(v[k]) != Fraction(CALIBRATION[k].value):     # this run's value is not the calibrated one
            cal[k]["this_run"] = "fitted to the record" if k in fitted else "set for this run"
            cal[k]["calibrated_value"] = str(CALIBRATION[k].value)
    cal["delta_per_round"] = {"value": str(exchange_model(**v).delta), "unit": "per week",
                              "source": "from annual_discount_rate and round_days",
                              "reason": "delta = 1/(1 + r d/365)"}

    def cal_line(k, c):
        shown = (_fitted_number(Fraction(c["value"])) if c.get("this_run") == "fitted to the record"
                 else _num(Fraction(c["value"])))
        run = f" ({c['this_run']}; calibrated value {c['calibrated_value']})" if "this_run" in c else ""
        unit = c["unit"]
        if Fraction(c["value"]) == 1 and unit.startswith("payoff units"):   # "1 payoff units" (a review)
            unit = "payoff unit" + unit[len("payoff units"):]
        return f"{k} = {shown} {unit}{run} — {c['source']}"
    secs.append(Section("calibration", "Calibration (one week per round)",
                        tuple(cal_line(k, c) for k, c in cal.items()), cal))
    # the values of this report that are not the calibration's (set or fitted): a claim made at the
    # calibration says so
    changed = [k for k in MODEL_CALIBRATION if "this_run" in cal[k]]
    rec = {k: {"count": c, "start": s, "end": e, "source": src, "about": about}
           for k, c, s, e, src, about in a.record}
    seq = a.dated_events
    rec_lines = tuple(f"{k}: {r['count']} from {r['start']} to {r['end']}: {r['about']} (source: {r['source']})"
                      for k, r in rec.items())
    if seq:
        rec["march_2023_sequence"] = [{"date": d, "actor": who, "action": act} for d, who, act in seq]
        rec_lines += ("22-24 March 2023 (events_2023.csv): " + "; ".join(f"{d} {who}: {act}" for d, who, act in seq),)
    on_record = pred["attacks_in_record_span"]
    if on_record["weeks"] != _span():
        # refitted to another record, the horizons stay the shipped record's (an IR review read
        # "war within 26 months" and "present in March 2023" as this record's)
        rec_lines += (f"horizons: this record spans {on_record['months']:g} months; the report's horizons of 26 "
                      "months (war, withdrawal) and its presence check in March 2023 are the shipped "
                      "record's (21 January 2021 to 23 March 2023)",)
    secs.append(Section("record", "The record", rec_lines, rec))
    n_att = rec["attacks_on_us_personnel"]["count"]
    n_ans = rec["us_answering_strikes"]["count"]
    pl = [f"attacks on US forces: {pred['attacks_per_month']} a month ({on_record['value']} in the record's "
          f"{on_record['months']:g} months; record {n_att})",
          ("US answers per attack: none (no attacks)" if pred["answers_per_attack"] is None
           else f"US answers per attack: {pred['answers_per_attack']}") + f" (record: {n_ans} of {n_att}"
          + (f" = {n_ans / n_att:.3f}" if n_att else "")
          + (", the answers the brief reports: a lower bound)" if "lower bound" in
             rec["us_answering_strikes"]["about"] else ")"),
          f"probability of war within 26 months: {_percent(war26)}; within ten years: {_percent(war10)}"]
    if "attack_response_to_israeli_strikes" in pred:
        pl.append(f"uptick leads to uptick: each extra week a month with an Israeli strike adds "
                  f"{pred['attack_response_to_israeli_strikes']['value']} attacks on US forces a month")
    # the targets from the numbers themselves, not from the text's rounding
    ok_rate = abs(a.predicted["attacks_in_record_span"]["value"] - n_att) <= 0.25 * n_att
    war_ok = a.predicted["war_probability"]["value"] < 0.10
    targets = {"attacks_within_25_percent": ok_rate, "war_within_26_months_under_10_percent": war_ok}
    why = ""
    if not all(targets.values()):
        why = (" (the contained exchange at these values does not reproduce the record: refit, or see the "
               "tipping points)" if chosen.contained else
               f" (at these values the equilibrium played is '{chosen.followed.name}', not the contained exchange "
               "the record shows)" if chosen.found else
               f" (at these values no pure equilibrium was found: the numbers follow the {chosen.followed.name}, "
               "while the record shows the contained exchange)")
    if not ok_rate and n_att > on_record["weeks"]:
        why += (f" ({n_att} attacks in {on_record['weeks']} weeks: more than the one militia strike a week that "
                "the model's weekly rounds allow)")
    pl.append(f"targets: attacks within 25% of {n_att} in {on_record['months']:g} months: "
              + ("met" if ok_rate else "MISSED") + "; war within 26 months under 10%: "
              + ("met" if war_ok else "MISSED") + why)
    if fitted and chosen.contained:     # the fit assumes the contained exchange is played
        pl.append(f"the fit: {_listed(sorted(fitted), ' and ')} are fitted to these counts (the attacks and the US "
                  "answers), so those two agree with the record by construction; the war probabilities rest on "
                  "the misfire probability, which is fixed, not fitted: they are the model's predictions")
    pred = {**a.predicted, "targets": targets, "fitted_to_the_record": sorted(fitted)}
    played = "the equilibrium" if chosen.found else f"the {chosen.followed.name},"
    secs.append(Section("predicted", f"Predictions of {played} beside the record", tuple(pl), pred))
    if len(a.formulas) > 1:
        note = ("long-run values at peace (the rates of sections 2, 4 and 5 too); the predictions above and the "
                "probabilities of war and withdrawal below follow the chain of play from a calm week over the "
                "stated span, in which war can end the strikes, so they differ a little")
        secs.append(Section("formulas", "How the numbers follow (formulas at these values)",
                            tuple(t for _, t, _, _ in a.formulas) + (note,),
                            {"formulas": {n: {"text": t, "latex": tex, "value": str(x)} for n, t, tex, x in a.formulas},
                             "note": note},
                            latex=tuple(tex for _, _, tex, _ in a.formulas) + ("",)))
    eq_data = {"regime": chosen.label, "name": chosen.followed.name, "verified_under_noise": verified,
               "noise": {"Iran": f"retaliate -> escalate with probability {v['misfire']}", "US": "none (precise)"},
               "deviation_losses": (losses := {p: _exact_or_float(m)
                                               for p, m in zip(PLAYERS, chosen.followed.min_deviation_loss)}),
               "margins": losses,        # deprecated: the former name of deviation_losses (MARGINS_ALIAS)
               "equilibria": [{"name": e.name, "verified_under_noise": e.verified_under_noise} for e in a.equilibria],
               "actions": {s: list(x) for s, x in chosen.followed.profile},
               "search": {"pure": True, "mixed": False, "complete": False, "starts": list(search_starts()),
                          "description": search_text(changed)}}
    secs.append(Section("equilibrium", "Markov perfect equilibria (weekly rounds, verified under the noise)",
                        (f"selected: {chosen.followed.name} (verified under noise: {verified}; smallest deviation "
                         f"losses US {_shown(losses['US'])}, Iran {_shown(losses['Iran'])})",
                         "equilibria found: " + (_listed([e.name for e in a.equilibria]) or "none"),
                         f"searched: {search_text(changed)}"), eq_data))
    if a.fit is not None:
        f = a.fit
        def known(se):        # NaN: an estimate on its bound, or one the record does not inform (JSON null)
            return None if se != se else se
        fit_data = {"estimates": dict(f.estimates), "standard_errors": {n: known(se) for n, se in f.standard_errors},
                    "fixed": {n: {"value": val, "why": why} for n, val, why in f.fixed},
                    "log_likelihood": f.log_likelihood, "identification": f.identification,
                    "predictions": {n: {"value": val, "se": known(se)} for n, val, se in f.predictions},
                    "verified_under_noise": f.verified_under_noise}
        caveat = () if f.verified_under_noise else (
            "the fit assumes the contained exchange is played; at these values it is not an equilibrium under the "
            "noise, so the fitted values describe the record, not the equilibrium this report follows",)
        estimates = tuple(f"{n} = {x:.3f} " + (f"(standard error {s:.3f})" if known(s) is not None else
                                               "(no standard error: on the bound of its range, or not "
                                               "informed by the record)")
                          for (n, x), (_, s) in zip(f.estimates, f.standard_errors))
        secs.append(Section("fit", "Fit to the record (maximum likelihood)",
                            estimates + (f.identification,) + caveat, fit_data))
    c = a.claims
    shown = {k: _as_shown(x, _CLAIM_DIGITS.get(k, {})) for k, x in c.items()}     # the text's numbers
    if c:
        n_war = rec["all_out_wars"]["count"]
        record_line = (f"record: {n_att} attacks on US forces and {n_war} outbreak{'' if n_war == 1 else 's'} of "
                       f"all-out war from {rec['attacks_on_us_personnel']['start']} to "
                       f"{rec['attacks_on_us_personnel']['end']}")
        cv = shown["contained_violence"]
        secs.append(Section("contained_violence", "1. Contained violence", (
            f"contained exchange verified under noise: {cv['contained_is_equilibrium']}; smallest deviation losses "
            f"US {cv['deviation_losses']['US']}, Iran {cv['deviation_losses']['Iran']} "
            f"(margins against escalation: US {cv['escalation_margins'].get('US')}, "
            f"Iran {cv['escalation_margins'].get('Iran')})",
            f"mutual escalation (play enters war at once) is also an equilibrium: "
            f"{cv['mutual_escalation_is_equilibrium']}; risk dominant: {cv['risk_dominant']} "
            f"(Nash products {cv['nash_products']['contained']} vs {cv['nash_products']['mutual_escalation']})",
            "basin under best-response learning: each side keeps to the contained exchange unless it believes the "
            f"other plays mutual escalation with probability above {cv['basin']['US']} (US) or "
            f"{cv['basin']['Iran']} (Iran)", record_line), c["contained_violence"]))
        tt = shown["tit_for_tat"]
        secs.append(Section("tit_for_tat", "2. Tit-for-tat cycles on the equilibrium path", (
            ("the US answers the attacks that kill Americans" if tt["us_answers_deadly_attacks"]
             else "the US does not answer every attack that kills Americans")
            + (" and also other attacks" if tt["us_answers_other_attacks"] else " and leaves the others unanswered")
            + ("; every US strike is followed by a militia strike: in the same week where the militias strike "
               f"anyway (an Israeli strike or a motive of their own: probability "
               f"{tt['militias_strike_in_the_week_of_a_us_strike']}), else the next week (an answer)"
               if tt["militias_answer_us_strikes"]
               else "; not every US strike is followed by a militia strike"),
            f"at peace in the long run: {tt['us_answers_per_year']} US answers a year in "
            f"{tt['cycles_per_year']} attack-answer cycles, {tt['us_answers_per_cycle']} US answers per cycle, "
            f"each cycle about {tt['mean_cycle_days']} days from the deadly strike to the militias' last strike "
            "(a week a step in the model; the record's one dated cycle, 23 to 24 March 2023, took about a day)"),
            c["tit_for_tat"]))
        ts = shown["target_substitution"]
        secs.append(Section("target_substitution", "3. Proxy target substitution", (
            "after an Israeli strike on Iranian assets the militias strike US forces: "
            f"{ts['strike_after_israeli_strike']}",
            "weeks with an Israeli strike a month -> attacks on US forces a month (equilibrium): " + ", ".join(
                f"{x} -> {y} ({e})" for x, y, e in zip(ts["israeli_strikes_per_month"], ts["attacks_per_month"],
                                                       ts["equilibrium"])),
            f"each extra week a month with an Israeli strike adds {ts['extra_attacks_per_extra_israeli_strike_week']} "
            "attacks a month") + _substitution_record(a.dated_events), c["target_substitution"]))
        ms = c["motives_short_of_war"]
        lines4, latex4 = _attrition_lines(ms, war26, fitted)
        secs.append(Section("motives_short_of_war", "4. Motives short of war: attrition and withdrawal",
                            lines4, ms, latex=latex4))
        mc = shown["miscalculation"]
        secs.append(Section("miscalculation", "5. Miscalculation", (
            f"a militia strike misfires across the red line with probability {mc['misfire_per_strike']}; US strikes "
            f"with {mc['us_misfire_per_strike']}",
            f"probability of war: {_percent(mc['war_probability_first_year'])} within the first year from a calm week, "
            f"{_percent(mc['war_probability_10_years'])} within ten years (the chain of play), all of it from "
            f"misfires; at peace in the long run {mc['misfires_per_year']} misfires are expected a year (the "
            "formula h)")
            + _misfire_window(c["change_of_heart"]["tipping_points"])
            + _misfire_window_war(mc.get("war_probability_over_misfire_window"),
                                  c["change_of_heart"]["tipping_points"], a.fit)
            + (f"record: {n_war} outbreak{'' if n_war == 1 else 's'} of all-out war in the span and no misfire "
               "into one, so the misfire probability is not fitted: its calibrated value, "
               f"{CALIBRATION['misfire'].value}, rests on January 2020, the one near-war the brief reports (one "
               "crisis in about 160 strikes), and an assumed one crisis in ten ending in war"
               + ("" if Fraction(v["misfire"]) == Fraction(CALIBRATION["misfire"].value)
                  else f" (this run: {v['misfire']})")
               + "; the January 2020 sequence itself (a deliberate US strike, Iran's missile answer, then "
               "de-escalation) is no path of this model, where any escalation is war at once: the january_2020 "
               "tree models it",), c["miscalculation"]))
        ch = shown["change_of_heart"]
        secs.append(Section("change_of_heart", "6. Stability until a change of heart (or a misfire)",
                            _regime_lines(ch, changed) + (
                                "record: the brief reports no change of political stance in 2021-2023 (a "
                                "record file holds none): the rates of change (change_of_heart_rate) and of "
                                "return (stance_reversal_rate) are assumptions",), c["change_of_heart"]))
    secs.append(Section("glossary", "Glossary", tuple(f"{k}: {t}" for k, t in GLOSSARY.items()), dict(GLOSSARY)))
    # the data as the JSON gives it: exact numbers as exact strings, floats at full precision
    return DeterrenceReport(title, tuple(replace(s, data=json_numbers(s.data)) for s in secs), summary)


@dataclass(frozen=True)
class USIranExchange(TextRepr):
    """The US–Iran case model, following the model protocol of ``deterrence.analysis.explain``:
    ``analyse()`` computes once, ``report(analysis)`` renders.

    ``fitted=True`` first fits the motive rate and the deadly fraction to the record and
    analyses the model at the estimates (the fit is part of the report). ``record``: the
    record's counts (:class:`~deterrence.io.events_csv.AggregateCount` values; empty: the
    shipped record); ``progress``: reports the fit's evaluations (see
    :func:`~deterrence.models.us_iran_exchange_fit.fit_to_record`).

    >>> m = us_iran_exchange_model(fitted=False)
    >>> m.report(m.analyse()).to_json()["equilibrium"]["verified_under_noise"]
    True

    Its repr is one line (the dataclass repr showed ``overrides=()``, not the model: a review);
    Jupyter shows the table of its calibration, the values changed in bold:

    >>> us_iran_exchange_model(W_iran=60)
    <USIranExchange: US–Iran case model, fitted to the record (motive_rate, deadly_fraction); W_iran=60
    (calibration 50); dt.explain(model) for the analysis>
    """

    overrides: tuple = ()
    fitted: bool = True
    record: tuple = ()
    progress: object = field(default=None, compare=False)

    @property
    def model(self) -> ExchangeModel:
        """The exchange model at the calibration with the overrides (before any fit)."""
        return exchange_model(**dict(self.overrides))

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_exact
        from deterrence.models.us_iran_calibration import calibration_values
        from deterrence.models.us_iran_exchange_fit import ESTIMATED
        base = calibration_values()
        how = ("fitted to the record (" + ", ".join(ESTIMATED) + ")" if self.fitted else
               "at its calibration (not fitted)")
        changed = "; ".join(f"{k}={format_exact(v)} (calibration {format_exact(base[k])})" if k in base
                            else f"{k}={format_exact(v)}" for k, v in self.overrides)
        record = f"; its own record ({len(self.record)} counts)" if self.record else ""
        return (f"US–Iran case model, {how}{'; ' + changed if changed else ''}{record}; "
                "dt.explain(model) for the analysis")

    def _repr_html_(self) -> str:
        """The calibration the model starts from, the values changed in bold.

        >>> html = us_iran_exchange_model(W_iran=60)._repr_html_()
        >>> "<td><b>W_iran</b></td><td><b>60</b></td>" in html, "<td>misfire</td><td>1/1600</td>" in html
        (True, True)
        """
        import html

        from deterrence.core.numbers import format_exact
        from deterrence.models.us_iran_calibration import calibration_values
        changed = dict(self.overrides)
        rows = "".join((f"<tr><td><b>{html.escape(k)}</b></td><td><b>{html.escape(format_exact(v))}</b></td></tr>"
                        if k in changed else
                        f"<tr><td>{html.escape(k)}</td><td>{html.escape(format_exact(v))}</td></tr>")
                       for k, v in calibration_values(**changed).items())
        return (f"<table><caption>{html.escape(self.repr_text())}</caption>"
                f"<tr><th>value</th><th></th></tr>{rows}</table>")

    def analyse(self) -> ExchangeAnalysis:
        """The analysis of the model (:func:`analyse_exchange`): fitted to the record first,
        unless the model is unfitted."""
        record = {c.name: c for c in self.record} or None
        if not self.fitted:
            return analyse_exchange(self.model, record=record)
        from deterrence.models.us_iran_exchange_fit import fit_to_record
        fit = fit_to_record(record, progress=self.progress, **dict(self.overrides))
        est = fit.fractions()          # the fitted model, the one the fit's predictions are computed at
        return analyse_exchange(exchange_model(**{**dict(self.overrides), **est}), fit=fit, record=record)

    def cache_key(self):
        """``(key, classes)`` for :func:`deterrence.analysis.model_cache.analyse_model`: a key
        that fixes the analysis (every input: the full calibration after the overrides, whether
        it is fitted, the record) and the dataclasses the analysis is made of (the only classes
        its cache file may name); ``None`` for a subclass, whose analysis may differ.

        >>> key, classes = us_iran_exchange_model(W_iran=60).cache_key()
        >>> "W_iran=60" in key, sorted(c.__name__ for c in classes)
        (True, ['ExchangeAnalysis', 'MarkovPerfect', 'RecordFit', 'Selection', 'TippingPoint'])
        """
        if type(self) is not USIranExchange:
            return None
        from deterrence.models.us_iran_calibration import calibration_values
        from deterrence.models.us_iran_exchange import MarkovPerfect
        from deterrence.models.us_iran_exchange_fit import RecordFit
        values = calibration_values(**dict(self.overrides))
        key = (f"USIranExchange fitted={bool(self.fitted)} "
               + " ".join(f"{k}={v}" for k, v in sorted(values.items()))
               + "".join(f" record.{c.name}={c.count},{c.start},{c.end},{c.source!r},{c.about!r}"
                         for c in self.record))
        return key, (ExchangeAnalysis, MarkovPerfect, RecordFit, Selection, TippingPoint)

    def report(self, analysis=None, sections=None, *, title=None):
        """The model's report (``sections``, the generic section builder, is not needed here)."""
        rep = exchange_report(self.analyse() if analysis is None else analysis)
        if title:
            from deterrence.core.report import DeterrenceReport
            rep = DeterrenceReport(title, rep.sections, rep.summary)
        return rep


def us_iran_exchange_model(*, fitted: bool = True, record=None, progress=None, **overrides) -> USIranExchange:
    """The case model at the calibration with ``overrides`` (e.g. ``W_iran=20``), fitted to
    ``record`` (a file, an events CSV or a record TOML read by
    :func:`deterrence.io.events_csv.read_record`, or its ``{name: AggregateCount}``; default:
    the shipped record).

    >>> us_iran_exchange_model(W_iran=20).model.v["W_iran"]
    20
    >>> from deterrence.io.events_csv import example_events_path
    >>> us_iran_exchange_model(record=example_events_path()).record[0].count
    4
    """
    from deterrence.models.us_iran_exchange_fit import ESTIMATED
    estimated = [n for n in ESTIMATED if n in overrides]
    if fitted and estimated:
        # the fit would replace the value silently (it only started from it); said before the value's
        # own checks, since the fitted model never reads it
        from deterrence.errors import GameError
        raise GameError(f"us_iran_exchange_model: {', '.join(estimated)} "
                        f"{'is' if len(estimated) == 1 else 'are'} estimated from the record in the fitted "
                        f"model; to set {'it' if len(estimated) == 1 else 'them'}, run the model unfitted "
                        f"(fitted=False; deterrence report --no-fit)")
    exchange_model(**overrides)   # unknown names and values out of range fail here, naming the parameter
    if record is not None and not isinstance(record, dict):
        import os
        from deterrence.errors import GameError
        from deterrence.io.events_csv import read_record
        if not isinstance(record, (str, os.PathLike)) or not str(record).strip():
            raise GameError(f"us_iran_exchange_model: record must be the path of an events CSV or a record TOML "
                            f"(or its {{name: AggregateCount}}), got {record!r:.60}")
        record = read_record(record)
    counts = tuple(record.values()) if record else ()
    from deterrence.io.events_csv import AggregateCount
    if not all(isinstance(c, AggregateCount) for c in counts):
        from deterrence.errors import GameError
        raise GameError("us_iran_exchange_model: record must map each count's name to an AggregateCount "
                        "(as read_record gives)")
    return USIranExchange(tuple(sorted(overrides.items())), fitted, counts, progress)


def clear_model_caches() -> None:
    """Empty the case model's in-process caches: the fits to the record, the outcome tables and
    solutions, the chain statistics and the product games (kept so that a slider reuses them;
    bounded, but a long session or a timing of cold work may want them gone).

    >>> clear_model_caches()
    """
    from deterrence.models import us_iran_exchange, us_iran_exchange_fit, us_iran_regimes
    for cache in (us_iran_exchange_fit._FITS, us_iran_exchange._TABLES, us_iran_exchange._CHAIN_GAMES,
                  us_iran_exchange._SOLUTIONS, us_iran_exchange._CHAIN_TABLES,
                  us_iran_exchange._REALISED_PAYOFFS,
                  us_iran_exchange._REACHED, us_iran_exchange._STATISTICS, us_iran_exchange._CHECKED_CHAINS,
                  us_iran_regimes._PRODUCTS, us_iran_regimes._CHAIN_STATISTICS):
        cache.clear()


__all__ = ["USIranExchange", "us_iran_exchange_model", "clear_model_caches",
           "ExchangeAnalysis", "analyse_exchange", "exchange_report",
           "contained_violence", "tit_for_tat_cycles", "target_substitution", "motives_short_of_war", "miscalculation",
           "change_of_heart", "tipping_points", "tipping_entry", "misfire_tipping_point",
           "misfire_tipping_points", "misfire_tipping_entry",
           "GLOSSARY", "headline_formulas"]
