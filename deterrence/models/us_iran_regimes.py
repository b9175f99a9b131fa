"""Claims 4 and 6 of the US–Iran case as regime switching: stances that change, anticipated.

Both claims are about play that changes when a side's stance changes; both are
built with the toolkit's regime-switching product
(:func:`deterrence.solvers.stochastic.regime_switching.regime_switching`): the
exchange game of :mod:`deterrence.models.us_iran_exchange` once per stance,
its states paired with the stance in force, so that the players see the stance
and anticipate switches. Markov perfect equilibria of the product are found by
the toolkit's alternating exact best responses from lifted starts and verified
under the noise in every state
(:func:`~deterrence.solvers.stochastic.regime_switching.regime_switching_equilibria`).
The stances' values and rates, with units and sources, are
:data:`deterrence.models.us_iran_calibration.STANCE_CALIBRATION`.

**Claim 6, stability until a change of heart** (:func:`change_of_heart_regimes`).
Stances: the status quo (the calibration), ``Iran hawkish`` (``W_iran`` and ``A``
at their hawkish values) and ``US gloves off`` (``k_us`` and ``a_us``). From the
status quo each side turns at half the ``change_of_heart_rate`` per week; a
changed stance returns to the status quo at ``stance_reversal_rate`` per week.
The *contained regime* is the set of product states of the stances in which the
equilibrium plays the contained exchange; its expected duration from a calm
week is the exact expected hitting time of the other states (the absorbing war
and withdrawal states among them), and its ten-year survival the chance of not
hitting them within 522 weeks. Tipping points: how long a changed stance must be
expected to last for the contained exchange to end in it (a switching rate),
and the hawkish ``W_iran`` below which it ends (a stance parameter), each by
bisection with the exact check of the product profile that plays the contained
exchange in both stances.

**Claim 4, motives short of war: attrition** (:func:`attrition`). US public
support for the presence is a stance: ``support high`` (the calibration) and
``support low`` (the US's presence worth ``low_support_presence_value`` a week
instead of ``presence_value``). A militia strike that kills Americans (the
``crisis`` states) turns support low with probability
``support_loss_per_deadly_strike``; low support returns at
``support_recovery_rate`` per week. Strikes thus raise the cost of the
presence; in equilibrium the US withdraws when support is low, and the
probabilities of withdrawal within 26 months and ten years are absorption
probabilities of the equilibrium's chain. With the long-run strike rate at
peace ``s`` a week, the deadly fraction ``eps`` and the loss probability
``rho``, the US withdrawal hazard is about ``kappa = s * eps * rho`` a week,
``1 - (1 - kappa)^(365/7)`` a year: linear in the militias' strike rate. War
(hazard ``h = eta * s`` a week, from misfires) competes with it: the
probability of withdrawal within ``t`` weeks is about
``kappa/(kappa + h) * (1 - (1 - kappa - h)^t)``.

References: Hamilton (1989), Econometrica 57 (regime switching); Maskin and
Tirole (2001), JET 100 (Markov perfect equilibrium); Fudenberg and Tirole
(1986), "A theory of exit in duopoly", Econometrica 54 (exit when a
player's value of staying turns negative: the war of attrition); the case brief
(docs: The case brief), claims 4 and 6.

Steps: build the product; search its equilibria from the lifted per-stance
equilibria; select the one that plays the contained exchange in the status quo
(resp. high support); compute the chain quantities; bisect the tipping points.
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from deterrence.models.us_iran_calibration import STANCE_CALIBRATION
from deterrence.models.us_iran_exchange import (START, TRANSIENT, ExchangeModel, _name, _remember,
                                                contained_profile, exchange_model, horizon_weeks, war_hazard,
                                                weeks_in, within_a_year)

STATUS_QUO = "status quo"
IRAN_HAWKISH = "Iran hawkish"
US_GLOVES_OFF = "US gloves off"
SUPPORT_HIGH = "support high"
SUPPORT_LOW = "support low"


def stance_values(**overrides) -> dict:
    """``{name: value}`` of :data:`~deterrence.models.us_iran_calibration.STANCE_CALIBRATION`
    with ``overrides``.

    >>> stance_values()["stance_reversal_rate"], stance_values(hawkish_W_iran=10)["hawkish_W_iran"]
    (Fraction(7, 1460), 10)
    """
    from deterrence.core.numbers import to_exact
    from deterrence.errors import GameError
    values = {k: c.value for k, c in STANCE_CALIBRATION.items()}
    for k, v in overrides.items():
        if k not in values:
            raise GameError(f"unknown stance parameter {k!r}; known: {', '.join(values)}")
        values[k] = to_exact(v, k)
    return values


def stances(values=None) -> dict:
    """The changes of heart: ``{stance: {calibration name: value}}`` (the status quo changes nothing).

    >>> stances()[IRAN_HAWKISH]
    {'W_iran': 20, 'A': 8}
    """
    sv = stance_values() if values is None else values
    return {STATUS_QUO: {},
            IRAN_HAWKISH: {"W_iran": sv["hawkish_W_iran"], "A": sv["hawkish_A"]},
            US_GLOVES_OFF: {"k_us": sv["gloves_off_k_us"], "a_us": sv["gloves_off_a_us"]}}


@lru_cache(maxsize=64)
def _game_at(values: tuple):
    """The exchange game at sorted ``(name, value)`` pairs, built once (bisections revisit stances)."""
    return exchange_model(**dict(values)).stochastic_game


def _stance_game(model, changes):
    return _game_at(tuple(sorted({**model.v, **changes}.items())))


def _contained_in(switching, profile) -> list:
    """The stances whose part of ``profile`` is the contained exchange."""
    C = contained_profile()
    return [k for k in switching.stances
            if all(switching.restrict(profile, k).get(s) == C[s] for s in TRANSIENT)]


def play_names(switching, profile) -> dict:
    """``{stance: name of the play}`` of a product profile (names as in the report).

    >>> rs = change_of_heart_game(exchange_model())
    >>> play_names(rs, rs.lift({k: contained_profile() for k in rs.stances}))[IRAN_HAWKISH]
    'contained exchange'
    """
    return {k: _name({s: a for s, a in switching.restrict(profile, k).items() if s in TRANSIENT})
            for k in switching.stances}


def change_of_heart_game(model: ExchangeModel, values=None, *, kept=None, reversal_rate=None):
    """The product game of claim 6: the stances of :func:`stances` (or those in ``kept``),
    switching from the status quo at half the ``change_of_heart_rate`` a week each and back at
    ``reversal_rate`` (default ``stance_reversal_rate``).

    >>> rs = change_of_heart_game(exchange_model())
    >>> rs.stances
    ('status quo', 'Iran hawkish', 'US gloves off')

    A quiet week ((1 - 1/2)(1 - 13/25) = 6/25) and the US's change of heart (1/832):

    >>> after = rs.game.transition("status quo:calm/quiet", ("hold", "hold"))
    >>> after["US gloves off:calm/quiet"] == Fraction(6, 25) / 832
    True
    """
    from deterrence.solvers.stochastic.regime_switching import regime_switching
    changes, switching = _change_of_heart_parts(model, values, kept, reversal_rate)
    games = {k: _stance_game(model, c) for k, c in changes.items()}
    return regime_switching(games, switching, title="The US-Iran exchange with changes of heart")


def _change_of_heart_parts(model, values, kept, reversal_rate):
    """``(changes, switching)`` of :func:`change_of_heart_game`: each kept stance's changes of the
    calibration and the switching table ``{from: {to: probability}}``."""
    sv = stance_values() if values is None else values
    changes = {k: c for k, c in stances(sv).items() if kept is None or k in kept or k == STATUS_QUO}
    h = Fraction(model.v["change_of_heart_rate"])
    r = Fraction(sv["stance_reversal_rate"] if reversal_rate is None else reversal_rate)
    others = [k for k in changes if k != STATUS_QUO]
    return changes, {STATUS_QUO: {k: h / 2 for k in others}, **{k: {STATUS_QUO: r} for k in others}}


def _contained_gains(model, values, kept, reversal_rate=None, *, compared_only=False) -> dict:
    """One-shot gains of the profile that plays the contained exchange in every stance of
    :func:`change_of_heart_game`: composed from the stances' tables
    (:func:`~deterrence.models.us_iran_product.product_gains`) when the model takes the fast path
    and the switching rows are probabilities, else from the product game (its check names a bad
    row); the transient product states only, on both paths. ``compared_only``: the caller only
    compares the gains with 0, so the fast path's exact fmpq gains come unconverted."""
    from deterrence.models.us_iran_product import fast_products, product_gains, product_solution, switching_rows
    changes, switching = _change_of_heart_parts(model, values, kept, reversal_rate)
    models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
    rows = switching_rows(models, switching) if fast_products(*models.values()) else None
    C = contained_profile()
    if rows is not None:
        if compared_only:
            return product_solution(models, lambda s: rows, {k: C for k in models})[1]
        return product_gains(models, lambda s: rows, {k: C for k in models})
    from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
    rs = change_of_heart_game(model, values, kept=kept, reversal_rate=reversal_rate)
    # the transient states only: the absorbing ones (one action, gain 0) are merged at some
    # values and not at others, so their keys differ between two evaluations (_crossing)
    return {(s, p, a): g for (s, p, a), g in one_shot_gains(rs.game, rs.lift({k: C for k in rs.stances})).items()
            if rs.stance_of(s) is not None and rs.base_state(s) in TRANSIENT}


_PRODUCTS: dict = {}       # _shared_key -> a product game with that structure and chain
_CHAIN_STATISTICS: dict = {}


def _shared_key(kind, model, changes, rows, state_rows=None):
    """A key that fixes everything of a product game but its payoffs: the stances, the exchange
    model's chain (:func:`~deterrence.models.us_iran_exchange.chain_key`), the completed switching
    rows and which absorbing states merge (:func:`~deterrence.models.us_iran_product.merged_absorbing`);
    so its states, actions, noise and transitions. ``None`` on the reference path or when a row is
    no probability (the product game is then built, and checked, every time)."""
    from deterrence.models.us_iran_exchange import chain_key
    from deterrence.models.us_iran_product import fast_products, merged_absorbing, switching_rows
    models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
    if not fast_products(*models.values()):
        return None
    default = switching_rows(models, rows)
    by_state = {s: switching_rows(models, table) for s, table in (state_rows or {}).items()}
    if default is None or any(r is None for r in by_state.values()):
        return None

    def frozen(r):
        return tuple((k, tuple(row.items())) for k, row in r.items())
    merged = merged_absorbing(models, lambda s: by_state.get(s, default))
    return (kind, chain_key(model), tuple(models), frozen(default),
            tuple((s, frozen(r)) for s, r in by_state.items()), merged)


def _shared_product(key, build):
    """The product game of a :func:`_shared_key`, built once per key (``build()`` each time when
    the key is ``None``). Its payoffs are those of the first model with that key: read it only
    for its states and its chain of play (the lift, regimes, durations, absorption), never for
    values or gains (those come from the stances' own tables)."""
    if key is None:
        return build()
    return _remember(_PRODUCTS, key, build, 64)


def _chain_statistic(key, compute):
    """A statistic of the chain of play of a shared product game (``key`` starts with its
    :func:`_shared_key`; ``None`` there: computed every time)."""
    if key[0] is None:
        return compute()
    return _remember(_CHAIN_STATISTICS, key, compute)


def _equilibria(switching, model, changes, rows, state_rows, starts) -> list:
    """``regime_switching_equilibria(switching, starts)`` of a product built from ``changes`` of
    the model's values, switching ``rows`` and ``state_rows`` (``{state: rows}``): on the stances'
    composed tables (:func:`~deterrence.models.us_iran_product.product_equilibria`, the same steps)
    when the model takes the fast path, else on the product game."""
    from deterrence.models.us_iran_product import fast_products, product_equilibria, switching_rows
    models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
    if fast_products(*models.values()):
        default = switching_rows(models, rows)
        by_state = {s: switching_rows(models, table) for s, table in state_rows.items()}
        if default is not None and all(r is not None for r in by_state.values()):
            return product_equilibria(switching, models, lambda s: by_state.get(s, default), starts)
    from deterrence.solvers.stochastic.regime_switching import regime_switching_equilibria
    return regime_switching_equilibria(switching, starts)


def _all_contained_holds(model, values, kept, reversal_rate=None) -> bool:
    # verify_markov_perfect's test: no one-shot deviation gains (absorbing states have one action)
    return all(g <= 0 for g in _contained_gains(model, values, kept, reversal_rate, compared_only=True).values())


def reversal_tipping_point(model: ExchangeModel, stance: str, values=None, *, longest_weeks=5200):
    """The reversal rate (``stance_reversal_rate``, per week) below which the contained exchange is no
    longer played in ``stance``, in a switch between the status quo and that stance alone: a
    :class:`~deterrence.core.tipping.TippingPoint` (the one carrier of every model's tipping points;
    its threshold is one over the longest expected duration of the stance, a whole number of weeks,
    at which the exchange still holds, bracketed to within 3%: ``exact`` false). ``None`` when the
    rate has no such value: the exchange ends however short the stance (:func:`reversal_weeks` 0)
    or survives up to ``longest_weeks`` (``None``). Bisection on a log scale with exact checks; the
    condition is taken to be monotone in the duration.

    >>> t = reversal_tipping_point(exchange_model(), IRAN_HAWKISH)
    >>> t.parameter, t.direction, t.exact, 200 < 1 / t.threshold < 416
    ('stance_reversal_rate', 'below', False, True)
    """
    sv = stance_values() if values is None else values
    return _reversal_tip(sv, stance, reversal_weeks(model, stance, sv, longest_weeks=longest_weeks))


def _reversal_tip(values, stance, weeks):
    """The reversal rate's tipping point from :func:`reversal_weeks` (``None`` when it gives none)."""
    return None if not weeks else _tip("stance_reversal_rate", values["stance_reversal_rate"], Fraction(1, weeks),
                                       "below", f"the contained exchange ends in the stance {stance} (switching "
                                       "with the status quo alone): the stance is expected to last too long",
                                       exact=False, digits=2)


def reversal_weeks(model: ExchangeModel, stance: str, values=None, *, longest_weeks=5200):
    """The longest expected duration of ``stance`` (weeks, a whole number) at which the contained
    exchange is still played in it, in a switch between the status quo and that stance alone
    (the reversal rate is one over it); ``0`` if it ends however short the stance, ``None`` if it
    survives up to ``longest_weeks``. Bisection on a log scale (to within 3%) with exact checks.

    >>> 200 < reversal_weeks(exchange_model(), IRAN_HAWKISH) < 416
    True
    """
    sv = stance_values() if values is None else values

    def holds(weeks):
        return _all_contained_holds(model, sv, (stance,), Fraction(1, weeks))
    if not holds(1):
        return 0
    if holds(longest_weeks):
        return None
    good, bad = 1, longest_weeks
    while bad > good * 1.03 and bad - good > 1:     # on a log scale: to within 3%
        mid = round((good * bad) ** 0.5)
        mid = min(max(mid, good + 1), bad - 1)
        good, bad = (mid, bad) if holds(mid) else (good, mid)
    return good


def _crossing(gains_at, x0, x1, side):
    """The nearest value beyond ``x0`` (``side``: "below" or "above") at which some one-shot
    deviation gain, affine in the parameter (values are linear in the payoffs for a fixed
    profile), turns positive; two exact evaluations (at ``x0`` and ``x1``) give every line.
    ``(value, [deviations that turn profitable there])``, or ``(None, [])`` when none does."""
    g0, g1 = gains_at(x0), gains_at(x1)
    found = []
    for key, a in g0.items():
        slope = (g1[key] - a) / (x1 - x0)
        if slope == 0:
            continue
        x = x0 - a / slope
        if side == "below" and slope < 0 and x <= x0 or side == "above" and slope > 0 and x >= x0:
            found.append((x, key))
    if not found:
        return None, []
    x = max(x for x, _ in found) if side == "below" else min(x for x, _ in found)
    return x, [key for y, key in found if y == x]


def hawkish_cost_tipping_point(model: ExchangeModel, values=None):
    """The hawkish ``W_iran`` below which the contained exchange ends in the hawkish stance, with
    switching between the status quo and that stance (``None``: it holds down to minus infinity).
    Exact: the deviation gains of the profile that plays the contained exchange in both stances
    are affine in the hawkish ``W_iran`` (the stage payoffs and the war annuity are).

    >>> 0 < hawkish_cost_tipping_point(exchange_model()) < 20
    True
    """
    sv = stance_values() if values is None else values

    def gains_at(w):
        return _contained_gains(model, {**sv, "hawkish_W_iran": w}, (IRAN_HAWKISH,))
    x0 = Fraction(sv["hawkish_W_iran"])
    x, _ = _crossing(gains_at, x0, x0 + 1, "below")
    return x


def _tip(parameter, current, threshold, direction, change, **known):
    """A tipping point of the regimes (:class:`~deterrence.core.tipping.TippingPoint`, the one carrier
    of every model's), or ``None`` when there is no threshold; ``known``: ``exact``, ``digits``."""
    from deterrence.core.tipping import TippingPoint
    return None if threshold is None else TippingPoint(parameter, Fraction(current), threshold, direction, change,
                                                       **known)


def _sourced(values, names) -> dict:
    """The stance values used, each with its unit, source and reason (as in the report's calibration)."""
    return {n: {**STANCE_CALIBRATION[n].to_json(), "value": str(values[n])} for n in names}


def change_of_heart_regimes(model: ExchangeModel, single_stance: dict | None = None, values=None) -> dict:
    """Claim 6 in the product game (see the module docstring): the equilibria found, the one
    selected, the expected duration of the contained regime, its ten-year survival and the
    tipping points. ``single_stance``: ``{stance: [pure profiles]}``, equilibria of each stance's
    own game, used as further starts.

    >>> r = change_of_heart_regimes(exchange_model())
    >>> r["selected"][STATUS_QUO], r["verified_under_noise"], 5 < r["expected_contained_years"] < 40
    ('contained exchange', True, True)
    """
    from deterrence.solvers.stochastic.regime_switching import regime_duration, regime_survival
    sv = stance_values() if values is None else values
    shared = _shared_key("change of heart", model, *_change_of_heart_parts(model, sv, None, None), {})
    rs = _shared_product(shared, lambda: change_of_heart_game(model, sv))
    C = contained_profile()
    base = {k: C for k in rs.stances}
    starts = [base] + [{**base, k: dict(p)} for k, profiles in (single_stance or {}).items() for p in profiles
                       if k in rs.stances and k != STATUS_QUO]
    changes, switching = _change_of_heart_parts(model, sv, None, None)
    found = _equilibria(rs, model, changes, switching, {}, starts)
    chosen = next((p for p in found if STATUS_QUO in _contained_in(rs, p)), found[0] if found else None)
    weeks_a_year = weeks_in(years=1)
    out = {"calibration": _sourced(sv, ("hawkish_W_iran", "hawkish_A", "gloves_off_k_us", "gloves_off_a_us",
                                        "stance_reversal_rate")),
           "stances": {k: {n: str(x) for n, x in c.items()} for k, c in stances(sv).items()},
           "switching_per_week": {"status quo to each other stance": str(Fraction(model.v["change_of_heart_rate"]) / 2),
                                  "back to the status quo": str(sv["stance_reversal_rate"])},
           "states": len(rs.game.states),
           "equilibria": [play_names(rs, p) for p in found],
           "selected": None if chosen is None else play_names(rs, chosen),
           "verified_under_noise": chosen is not None}
    if chosen is None:
        return out
    contained_in = _contained_in(rs, chosen)
    regime = [s for k in contained_in for s in rs.states_of(k) if rs.base_state(s) in TRANSIENT]
    start = rs.state(STATUS_QUO, START)
    on = (shared, tuple(chosen.items()), tuple(regime), start)
    weeks = _chain_statistic(on + ("duration",), lambda: regime_duration(rs, chosen, regime, start=start))
    survival = _chain_statistic(on + ("survival",), lambda: regime_survival(
        rs, chosen, regime, horizon_weeks(years=10), start=start, exact=False))
    # the reversal rate's tipping points, one TippingPoint a stance (the one carrier of every model's);
    # the stances in which the rate has none, by why (they had a shape of their own, with weeks and years)
    tips, ends_at_every_rate, holds_at_every_rate = {}, [], []
    for k in rs.stances:
        if k == STATUS_QUO:
            continue
        w = reversal_weeks(model, k, sv)
        if w == 0:
            ends_at_every_rate.append(k)
        elif w is None:
            holds_at_every_rate.append(k)
        else:
            tips[k] = _reversal_tip(sv, k, w)
    out.update({"contained_in": contained_in,
                "expected_contained_weeks": str(weeks),
                "expected_contained_years": weeks / weeks_a_year,
                "contained_survives_10_years": survival,
                "reversal_tipping_points": tips,
                "ends_at_every_reversal_rate": ends_at_every_rate,
                "holds_at_every_reversal_rate": holds_at_every_rate,
                "hawkish_W_iran_tipping_point": _tip("hawkish_W_iran", sv["hawkish_W_iran"],
                                                     hawkish_cost_tipping_point(model, sv), "below",
                                                     "the contained exchange ends in the hawkish stance"),
                "profile": {s: list(a) for s, a in chosen.items() if rs.base_state(s) in TRANSIENT}})
    return out


# -- claim 4 -----------------------------------------------------------------------------------
def support_game(model: ExchangeModel, values=None, *, low_presence_value=None):
    """The product game of claim 4: US public support high or low; a deadly strike (the
    ``crisis`` states) turns it low with ``support_loss_per_deadly_strike``; it returns at
    ``support_recovery_rate`` a week.

    >>> rs = support_game(exchange_model())
    >>> rs.game.transition("support high:crisis/quiet", ("retaliate", "hold"))["support low:answered/quiet"]
    Fraction(3, 50)

    (A quiet week, 6/25, times the loss of support, 1/4.)
    """
    from deterrence.solvers.stochastic.regime_switching import regime_switching
    changes, switching, after_deadly = _support_parts(values, low_presence_value)
    games = {k: _stance_game(model, c) for k, c in changes.items()}
    return regime_switching(games, switching, state_switching=after_deadly,
                            title="The US-Iran exchange with US public support that strikes erode")


def _support_parts(values, low_presence_value):
    """``(changes, switching, state_switching)`` of :func:`support_game`."""
    sv = stance_values() if values is None else values
    low = sv["low_support_presence_value"] if low_presence_value is None else low_presence_value
    rho, back = Fraction(sv["support_loss_per_deadly_strike"]), Fraction(sv["support_recovery_rate"])
    after_deadly = {f"crisis/{x}": {SUPPORT_HIGH: {SUPPORT_LOW: rho}, SUPPORT_LOW: {SUPPORT_HIGH: back}}
                    for x in ("quiet", "israel", "motive")}
    return ({SUPPORT_HIGH: {}, SUPPORT_LOW: {"presence_value": low}}, {SUPPORT_LOW: {SUPPORT_HIGH: back}},
            after_deadly)


def _support_gains(model, values, low_presence_value, play) -> dict:
    """``{(stance, state, player, action): gain}`` of ``play`` (``{stance: profile}``) in the
    transient states of :func:`support_game` with that low-support presence value: composed from
    the stances' tables when the model takes the fast path and the rows are probabilities
    (:func:`~deterrence.models.us_iran_product.product_gains`), else from the product game. One key
    per (stance, state): the withdrawn states merge when the two presence values agree."""
    from deterrence.models.us_iran_product import SEPARATOR, fast_products, product_gains, switching_rows
    changes, switching, after_deadly = _support_parts(values, low_presence_value)
    models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
    if fast_products(*models.values()):
        rows = switching_rows(models, switching)
        deadly = {s: switching_rows(models, table) for s, table in after_deadly.items()}
        if rows is not None and all(r is not None for r in deadly.values()):
            gains = product_gains(models, lambda s: deadly.get(s, rows), play)
            return {(*ps.split(SEPARATOR, 1), p, a): g for (ps, p, a), g in gains.items()}
    from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
    rs = support_game(model, values, low_presence_value=low_presence_value)
    gains = one_shot_gains(rs.game, rs.lift(play))
    return {(rs.stance_of(s), rs.base_state(s), p, a): g for (s, p, a), g in gains.items()
            if rs.stance_of(s) is not None and rs.base_state(s) in TRANSIENT}


def _withdrawing_profile():
    C = contained_profile()
    return {s: ("withdraw", C[s][1]) for s in TRANSIENT}


def low_presence_tipping_point(model: ExchangeModel, profiles, values=None, *, pieces=12):
    """The presence value in low support (per week) above which the US no longer withdraws in
    any state of low support, following the equilibrium ``profiles`` (``{stance: profile}``) as
    the value rises (``None``: not within ``pieces`` pieces, or never).

    Exact piecewise continuation: for a fixed profile every one-shot gain is affine in the value
    (it enters only the withdrawn state's annuity), so two exact evaluations give the next value
    at which a deviation turns profitable; there the deviating player switches to it (both are
    equilibria at that value) and the next piece starts.

    >>> m = exchange_model()
    >>> 1 < low_presence_tipping_point(m, {SUPPORT_HIGH: contained_profile(),
    ...                                    SUPPORT_LOW: _withdrawing_profile()}) < 5
    True
    """
    from deterrence.models.us_iran_exchange import PLAYERS
    sv = stance_values() if values is None else values
    present = Fraction(model.v["presence_value"])
    play = {k: dict(p) for k, p in profiles.items()}

    def gains_at(x):
        return _support_gains(model, sv, x, play)
    x = Fraction(sv["low_support_presence_value"])
    for _ in range(pieces):
        if not any(a[0] == "withdraw" for a in play[SUPPORT_LOW].values()):
            return x
        step = 1 if x + 1 != present else Fraction(1, 2)
        crossing, keys = _crossing(gains_at, x, x + step, "above")
        if crossing is None:
            return None
        for stance, state, player, action in keys:
            acts = list(play[stance][state])
            acts[PLAYERS.index(player)] = action
            play[stance][state] = tuple(acts)
        x = crossing
    return None


def withdrawal_hazard(strikes_per_week, deadly_fraction, support_loss) -> tuple:
    """``(per week, per year)``: the US withdrawal hazard when the US leaves as soon as support
    is low, ``kappa = s * eps * rho`` a week and ``1 - (1 - kappa)^(365/7)`` a year.

    >>> withdrawal_hazard(0.7, Fraction(1, 83), Fraction(1, 4))[0] == 0.7 / 83 / 4
    True
    """
    exact = all(isinstance(x, (int, Fraction)) for x in (strikes_per_week, deadly_fraction, support_loss))
    kappa = (Fraction(strikes_per_week) * Fraction(deadly_fraction) * Fraction(support_loss) if exact
             else float(strikes_per_week) * float(deadly_fraction) * float(support_loss))
    return kappa, within_a_year(kappa)


def withdrawal_before_war(kappa, h, weeks) -> float:
    """The probability of withdrawal within ``weeks`` when withdrawal (hazard ``kappa`` a week)
    and war (hazard ``h`` a week) compete and either ends the exchange:
    ``kappa/(kappa + h) * (1 - (1 - kappa - h)^weeks)``.

    >>> round(withdrawal_before_war(0.002, 0.0, 52), 4) == round(1 - 0.998 ** 52, 4)
    True
    """
    both = float(kappa) + float(h)
    return 0.0 if both == 0 else float(kappa) / both * (1 - (1 - both) ** weeks)


def attrition(model: ExchangeModel, strikes_per_week, values=None) -> dict:
    """Claim 4 in the product game of :func:`support_game`: the equilibrium, the probability of
    withdrawal within 26 months and ten years, the hazard formula and its rise with the strike
    rate, the competing war hazard, the record's consistency and the presence-value tipping
    point. ``strikes_per_week``: the long-run militia strike rate at peace (the report's
    formula ``s``); the war hazard is :func:`war_hazard` at that rate (the formula ``h``).

    >>> a = attrition(exchange_model(), 0.74)
    >>> a["selected"][SUPPORT_LOW], 0 < a["withdrawal_probability_26_months"] < a["withdrawal_probability_10_years"]
    ('US withdrawal', True)
    """
    from deterrence.solvers.stochastic.markov_chain import absorption_probability, markov_values
    sv = stance_values() if values is None else values
    shared = _shared_key("support", model, *_support_parts(sv, None))
    rs = _shared_product(shared, lambda: support_game(model, sv))
    C = contained_profile()
    changes, switching, after_deadly = _support_parts(sv, None)
    found = _equilibria(rs, model, changes, switching, after_deadly,
                        [{SUPPORT_HIGH: C, SUPPORT_LOW: _withdrawing_profile()}, {SUPPORT_HIGH: C, SUPPORT_LOW: C}])
    chosen = next((p for p in found if SUPPORT_HIGH in _contained_in(rs, p)), found[0] if found else None)
    out = {"calibration": _sourced(sv, ("low_support_presence_value", "support_loss_per_deadly_strike",
                                        "support_recovery_rate")),
           "stances": {SUPPORT_HIGH: {"presence_value": str(model.v["presence_value"])},
                       SUPPORT_LOW: {"presence_value": str(sv["low_support_presence_value"])}},
           "support_loss_per_deadly_strike": str(sv["support_loss_per_deadly_strike"]),
           "deadly_fraction": str(model.v["deadly_fraction"]),
           "support_recovery_per_week": str(sv["support_recovery_rate"]),
           "equilibria": [play_names(rs, p) for p in found],
           "selected": None if chosen is None else play_names(rs, chosen),
           "verified_under_noise": chosen is not None}
    if chosen is None:
        return out
    start = rs.state(SUPPORT_HIGH, START)
    withdrawn, war = rs.product_states("withdrawn"), rs.product_states("war")

    def absorbed(states, weeks):
        return _chain_statistic((shared, tuple(chosen.items()), tuple(states), start, weeks), lambda: float(
            absorption_probability(rs.game, chosen, weeks, states=states, start=start, exact=False)))
    span, ten = horizon_weeks(months=26), horizon_weeks(years=10)
    w26, w10, war26 = absorbed(withdrawn, span), absorbed(withdrawn, ten), absorbed(war, span)
    eps, rho = model.v["deadly_fraction"], sv["support_loss_per_deadly_strike"]
    kappa, per_year = withdrawal_hazard(strikes_per_week, eps, rho)
    v = model.v       # the war hazard at the same strike rate as kappa (and US answers s * eps of them)
    h = war_hazard(Fraction(v["misfire"]), strikes_per_week, Fraction(v["us_misfire"]),
                   strikes_per_week * Fraction(eps))[0]      # exact when the strike rate is
    withdraws_when_low = any(a[0] == "withdraw" for a in rs.restrict(chosen, SUPPORT_LOW).values())
    present = 1 - w26 - war26
    if shared is None:
        values_support = markov_values(rs.game, chosen)[start]
    else:       # the shared game's payoffs may be another model's: the values from the stances' tables
        from deterrence.core.exact import from_fmpq
        from deterrence.models.us_iran_product import product_solution
        models = {k: exchange_model(**{**model.v, **c}) for k, c in changes.items()}
        by_state = {s: {k: dict(r) for k, r in rows} for s, rows in rs.switching}
        solved = product_solution(models, lambda s: by_state.get(s, by_state[""]),
                                  {k: rs.restrict(chosen, k) for k in rs.stances})[0]
        values_support = tuple(from_fmpq(x) for x in solved[(SUPPORT_HIGH, START)])
    values_fixed = model.values_of(C)[START]
    out.update({
        "withdraws_when_support_is_low": withdraws_when_low,
        "withdrawal_probability_26_months": w26,
        "withdrawal_probability_10_years": w10,
        "war_probability_26_months": war26,
        "hazard_per_week": kappa if withdraws_when_low else 0,
        "hazard_per_year": per_year if withdraws_when_low else 0.0,
        "hazard_formula": "kappa = s * eps * rho a week; 1 - (1 - kappa)^(365/7) a year "
                          "(s: militia strikes a week at peace, eps: deadly_fraction, "
                          "rho: support_loss_per_deadly_strike)",
        "war_hazard_per_week": h,
        "withdrawal_probability_10_years_formula": withdrawal_before_war(kappa, h, ten)
        if withdraws_when_low else 0.0,
        "strikes_per_week": strikes_per_week,
        "hazard_per_year_by_strike_rate": {
            str(k): withdrawal_hazard(k * strikes_per_week, eps, rho)[1] if withdraws_when_low else 0.0
            for k in (Fraction(1, 2), 1, 2)},
        "probability_still_present_after_26_months": present,
        "record_us_present_march_2023": True,
        "record_consistent": present >= 0.05,
        # Iran's payoffs are the same in both stances, so its two values compare; the US's are not (low
        # support lowers its own value of presence), so no "US cost" is given: it came out negative
        "iran_value_of_attrition": values_support[1] - values_fixed[1],
        "low_presence_value_tipping_point": _tip(
            "low_support_presence_value", sv["low_support_presence_value"],
            low_presence_tipping_point(model, {k: rs.restrict(chosen, k) for k in rs.stances}, sv),
            "above", "the US stops withdrawing when support is low") if withdraws_when_low else None})
    return out


__all__ = ["STATUS_QUO", "IRAN_HAWKISH", "US_GLOVES_OFF", "SUPPORT_HIGH", "SUPPORT_LOW", "stance_values", "stances",
           "play_names", "change_of_heart_game", "change_of_heart_regimes", "reversal_tipping_point", "reversal_weeks",
           "hawkish_cost_tipping_point", "support_game", "attrition", "withdrawal_hazard", "withdrawal_before_war",
           "low_presence_tipping_point"]
