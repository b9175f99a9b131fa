"""One calibration of the US–Iran case: every value with its unit, source and reason.

Every US–Iran model of the toolkit (the stage game ``us_iran_stage``, the
escalation ladder, the January 2020 tree and the stochastic exchange model
:mod:`deterrence.models.us_iran_exchange`) takes the quantities it shares
with the others from here; ``tests/test_us_iran_case.py`` checks that the
catalogue files agree with :data:`CALIBRATION`. A parameter name means one quantity in every
file of the case: :data:`CASE_PARAMETERS` maps each file's names to the quantities of
:data:`CASE_MEANINGS` (:func:`naming_table` is the table of the documentation's page for this
module), and :data:`SHARED_NAMES` (the names of the calibration's quantities) is read off it.

Units. Time: a **round is one week** (7 days); per-round rates are
probabilities per week. Payoffs: one unit is a fifth of the value to Iran of
a militia strike that shows it can destabilise (``m = 5``); in these units a
limited strike received costs ``c = 3``. ``W`` is a cost of every round of
all-out war: it is charged in the round war breaks out (as in the stage game,
which charges it in the round of an escalation), and each further round of war
pays the stage payoff of mutual escalation, ``2b - 2c - W`` (the war state's
payoff per round), in which it is charged again.

Discounting: an annual rate ``r`` and a round of ``d`` days give
``delta = 1 / (1 + r d / 365)`` (simple interest over the round, exact for
rational ``r`` and ``d``; the rule of :mod:`deterrence.core.stochastic`).

Sources: the case brief (the documentation's page The case brief: the CENTCOM count of 83 attacks
from 21 January 2021 to March 2023, the events of 22–30 March 2023, January
2020, the six expert claims); where the brief gives no number the reason says
which assumption was made.

>>> CALIBRATION["W_iran"].value, CALIBRATION["W_iran"].unit
(50, 'payoff units a round of war (from the round it breaks out)')
>>> delta_per_round()
Fraction(730, 737)
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Calibrated:
    """One calibrated value: the number, its unit, its source in the brief, and why."""

    name: str
    value: object
    unit: str
    source: str
    reason: str

    @property
    def bounds(self):
        """The closed range of the value: ``(0, 1)`` for a probability (its unit says so: it
        starts with "probability"), else ``None`` (payoffs and rates whose only limits are
        checked by :func:`calibration_values`).

        >>> CALIBRATION["misfire"].bounds, CALIBRATION["W_iran"].bounds
        ((0, 1), None)
        """
        return (0, 1) if self.unit.startswith("probability") else None

    def to_json(self) -> dict:
        """The value as JSON (``value`` as an exact string).

        >>> CALIBRATION["a_us"].to_json()["unit"]
        'payoff units'
        """
        return {"value": str(self.value), "unit": self.unit, "source": self.source, "reason": self.reason}


_BRIEF = "case brief (docs)"
_ROWS = [
    ("round_days", 7, "days per round",
     f"{_BRIEF}: 23 March 2023 drone, answered that evening, militia answer the next day",
     "assumption: the record has fewer attacks than weeks (83 in 113), so a week can hold one militia "
     "strike; the steps of the March 2023 exchange came a day apart, so the model's cycles (one step a "
     "week) are longer than the record's (claim 2's section says so)"),
    ("annual_discount_rate", Fraction(1, 2), "per year",
     f"{_BRIEF}: cycles 'span administrations'; the US 'faces China and Russia'",
     "assumption: decision makers weigh the next two years or so (a political horizon, not a "
     "market rate); 1/(1 - delta) is about two years of rounds"),
    ("b_us", 2, "payoff units",
     f"{_BRIEF}: claim 2 (the US answers proxy attacks with limited strikes); the F-15E answer of 23 March 2023",
     "US gain from a limited strike that answers an attack: reputation, being seen to answer attacks "
     "(not deterrence of the next strike: the militias answer it, as on 24 March 2023; stage game value)"),
    ("b_iran", 2, "payoff units",
     f"{_BRIEF}: militia strikes signal and hurt (claim 4)",
     "Iran's gain from a limited strike by its militias (stage game value)"),
    ("c_us", 3, "payoff units",
     f"{_BRIEF}: one contractor killed, five service members wounded on 23 March 2023",
     "cost of being hit by a limited strike, above its gain to the striker: mutual restraint beats "
     "an exchange"),
    ("c_iran", 3, "payoff units",
     f"{_BRIEF}: eight militants killed by the F-15E strikes",
     "cost to Iran when its proxies are hit by a limited strike"),
    ("a_us", 1, "payoff units",
     f"{_BRIEF}: Pentagon, 24 and 30 March 2023, 'will keep taking military action ... in response'",
     "US audience cost of leaving an attack that killed no American unanswered"),
    ("a_iran", 1, "payoff units", f"{_BRIEF}: the militias answer US strikes (claim 2)",
     "Iran's audience cost of not answering in the one-round stage game"),
    ("W_us", 20, "payoff units a round of war (from the round it breaks out)",
     f"{_BRIEF}: war would be 'a costly distraction' for a US facing China and Russia (claim 1)",
     "smaller than Iran's; each further week of war pays 2b - 2c - W (a loss of W + 2c - 2b)"),
    ("W_iran", 50, "payoff units a round of war (from the round it breaks out)",
     f"{_BRIEF}: war would be 'catastrophic for Iran' (claim 1)",
     "larger than the US's"),
    ("m", 5, "payoff units per militia strike",
     f"{_BRIEF}: claim 4, signalling that Iran can destabilise, a 'low bar' with a significant payoff",
     "Iran's value of a militia strike that shows it can destabilise (the escalation ladder's m)"),
    ("A", 4, "payoff units",
     f"{_BRIEF}: claim 3 (Iran cannot answer Israel, so it answers on US forces); January 2020",
     "Iran's audience cost of absorbing a strike on its assets or proxies without any answer "
     "(the January 2020 tree's A)"),
    ("D", 3, "payoff units", f"{_BRIEF}: 23 March 2023, a US contractor killed, answered the same evening",
     "US audience cost of leaving an attack that killed Americans unanswered (the January 2020 tree's D)"),
    ("k_us", Fraction(10, 3), "payoff units per US strike",
     f"{_BRIEF}: 'we do not seek conflict/escalation with Iran' (Pentagon, March 2023)",
     "assumption: the US's cost of carrying out a limited strike (risk to crews, strain with Baghdad); "
     "above a_us + b_us and below D + b_us less the expected cost of the militias' answer, "
     "so that only deadly attacks are answered"),
    ("israeli_strike_rate", Fraction(1, 2), "probability per week",
     f"{_BRIEF}: 22 March 2023 Aleppo strike, 'one of several Israeli strikes ... that month'",
     "several Israeli strikes a month: one in about half of the weeks"),
    ("motive_rate", Fraction(13, 25), "probability per week",
     f"{_BRIEF}: claim 4 (militias strike for their own motives); CENTCOM count of 83 attacks",
     "default near the maximum-likelihood fit to the 83 attacks in about 26 months"),
    ("deadly_fraction", Fraction(1, 83), "probability per militia strike",
     f"{_BRIEF}: claim 5 (a strike can kill more than intended); 23 March 2023, the one attack in the "
     "record's span that the brief reports killing an American (taken to be among the 83: the span ends on 23 March)",
     "one attack in 83 killed an American and was answered (the brief's one reported US answer, "
     "deterrence/data/us_iran_record.toml); the brief gives no total of answers, so this is a lower bound"),
    ("misfire", Fraction(1, 1600), "probability per militia strike",
     f"{_BRIEF}: claim 5 (a strike can go off plan and a spiral can follow; January 2020 came close)",
     "assumption: one near-war crisis (January 2020) in about four years of some 40 attacks a year, "
     "and about one crisis in ten ending in war: 1/160 x 1/10 per strike"),
    ("us_misfire", 0, "probability per US strike",
     f"{_BRIEF}: claim 5 (the Iranian side's strikes are the imprecise ones)",
     "US strikes are precise"),
    ("presence_value", 5, "payoff units per week",
     f"{_BRIEF}: claim 4 (pushing US forces out is Tehran's aim; the US stays)",
     "assumption: the US's loss per week once it has left Iraq and Syria"),
    ("withdrawal_gain", 5, "payoff units per week", f"{_BRIEF}: claim 4",
     "assumption: Iran's gain per week once US forces have left"),
    ("change_of_heart_rate", Fraction(1, 416), "probability per week",
     f"{_BRIEF}: claim 6 (the pattern lasts unless Washington or Tehran changes its stance)",
     "assumption: a change of political stance on one side about once in eight years (two US terms)"),
]
CALIBRATION = {name: Calibrated(name, value, unit, source, reason)
               for name, value, unit, source, reason in _ROWS}
#: Calibrated values that the case model does not use: the stage game's (``us_iran_stage``). In the
#: exchange the militias answer a US strike on the path, and Iran's audience cost of leaving a strike
#: unanswered is ``A``. The case report lists only the values its model uses and refuses to set these
#: (a words review: ``--set a_iran=100`` was listed as "set for this run" and changed no number).
STAGE_GAME_VALUES = {"a_iran": "us_iran_stage"}
#: The calibration of the case model: every value the exchange game or the report's claims use
MODEL_CALIBRATION = {name: c for name, c in CALIBRATION.items() if name not in STAGE_GAME_VALUES}
#: The parameters of ``games/us_iran_exchange.toml``: those its formulas use. The length of a round
#: and the discount rate are its ``[stochastic]`` keys; claim 6's change_of_heart_rate is the
#: regime switching's, not this game's (a words review: the file listed it and a_iran, unused).
EXCHANGE_FILE_PARAMETERS = tuple(name for name in MODEL_CALIBRATION
                                 if name not in ("round_days", "annual_discount_rate", "change_of_heart_rate"))


def per_week(per_year) -> Fraction:
    """A rate per year as a probability per weekly round: ``rate * 7/365`` (exact).

    >>> per_week(Fraction(1, 4))
    Fraction(7, 1460)
    """
    return Fraction(per_year) * Fraction(7, 365)


# The stances of the regime-switching models (claims 4 and 6,
# deterrence.models.us_iran_regimes): payoff values that hold while a stance is in force,
# and the rates at which stances switch. Kept apart from CALIBRATION: the exchange game
# (and its catalogue file) does not use them; each stance is the same game at other values.
_STANCE_ROWS = [
    ("hawkish_W_iran", 20, "payoff units a round of war (from the round it breaks out)",
     f"{_BRIEF}: claim 6 (Tehran 'takes the gloves off'); claim 1 (war 'catastrophic for Iran')",
     "assumption: a hawkish leadership in Tehran fears war less: 20 instead of 50, below the contained "
     "exchange's tipping point for W_iran (about 26.6) in the game without switching"),
    ("hawkish_A", 8, "payoff units",
     f"{_BRIEF}: claim 6 (Tehran 'takes the gloves off')",
     "assumption, the doubling included: a hawkish Tehran pays twice the audience cost (4) for absorbing a "
     "blow without answer (the brief's motives 'sharpened after Soleimani's death', January 2020, come "
     "before the record, so the status quo's A already holds them)"),
    ("gloves_off_k_us", 0, "payoff units per US strike",
     f"{_BRIEF}: claim 6 (Washington 'takes the gloves off')",
     "assumption: a US that takes the gloves off no longer counts the cost of a limited strike (10/3)"),
    ("gloves_off_a_us", 3, "payoff units",
     f"{_BRIEF}: claim 6; Pentagon, 24 and 30 March 2023 ('will keep taking military action')",
     "assumption: it pays the audience cost of a deadly attack (D = 3) for any attack left unanswered"),
    ("stance_reversal_rate", per_week(Fraction(1, 4)), "probability per week",
     f"{_BRIEF}: claim 2 (cycles 'span administrations'); claim 6",
     "assumption: a changed stance lasts one four-year term on average: 1/4 a year = 7/1460 a week "
     "(rate per year x 7/365)"),
    ("low_support_presence_value", 1, "payoff units per week",
     f"{_BRIEF}: claim 4 ('making life uncomfortable for the small US presence', 'slowly pushing US "
     "forces out')",
     "assumption: once US public support has turned, the presence is worth a fifth of its value (1, not 5), "
     "less than the strikes cost the US a week (about 2)"),
    ("support_loss_per_deadly_strike", Fraction(1, 4), "probability per militia strike that kills Americans",
     f"{_BRIEF}: 23 March 2023 (one contractor killed; the US stayed and answered); claim 4",
     "assumption: one deadly attack in four turns US public support against the presence (the one "
     "deadly attack of the record did not); other attacks do not"),
    ("support_recovery_rate", per_week(Fraction(1, 2)), "probability per week",
     f"{_BRIEF}: claim 2 (cycles 'span administrations')",
     "assumption: lost support returns in about two years (an election cycle): 1/2 a year = 7/730 a week"),
]
STANCE_CALIBRATION = {name: Calibrated(name, value, unit, source, reason)
                      for name, value, unit, source, reason in _STANCE_ROWS}


# One word, one meaning across the case. CASE_MEANINGS: every quantity that a parameter of a case
# file names (a calibration name, or a quantity of one file only), with its meaning and unit;
# CASE_PARAMETERS: each case file's parameter names -> the quantity each names. A name means one
# quantity in every file that uses it (tests/test_us_iran_case.py checks it, and that every
# parameter of every case file is listed); a quantity has one name, but for CASE_SYNONYMS.
_PAYOFF, _PROB = "payoff units", "probability"
_CALIBRATED_MEANINGS = {
    "round_days": "length of a round of the exchange model",
    "annual_discount_rate": "annual rate at which the future is discounted",
    "b_us": "US gain from a limited strike that answers an attack: reputation, being seen to answer attacks",
    "b_iran": "Iran's gain from a limited strike by its militias: signalling, pressure on the US presence",
    "c_us": "US cost of being hit by a limited strike",
    "c_iran": "cost to Iran when its proxies are hit by a limited strike",
    "a_us": "US audience cost of leaving unanswered an attack that killed no American",
    "a_iran": "Iran's audience cost of not answering a limited strike",
    "W_us": "US cost of all-out war, charged in the round it breaks out (and each further round)",
    "W_iran": "Iran's cost of all-out war, charged in the round it breaks out (and each further round)",
    "m": "Iran's value of a militia strike that shows it can destabilise",
    "A": "Iran's audience cost of absorbing a strike on its assets or proxies without any answer",
    "D": "US audience cost of leaving unanswered an attack that killed Americans",
    "k_us": "US cost of carrying out a limited strike (risk to crews, strain with Baghdad)",
    "israeli_strike_rate": "chance of an Israeli strike on Iranian assets in a week",
    "motive_rate": "chance that the militias strike for their own motives in a week",
    "deadly_fraction": "chance that a militia strike kills Americans",
    "misfire": "chance that a militia strike goes off plan into escalation (war)",
    "us_misfire": "chance that a US strike goes off plan into escalation (war)",
    "presence_value": "US loss per week once it has left Iraq and Syria",
    "withdrawal_gain": "Iran's gain per week once US forces have left",
    "change_of_heart_rate": "chance of a change of political stance on one side in a week",
}
CASE_MEANINGS = {
    **{name: (_CALIBRATED_MEANINGS[name], c.unit) for name, c in CALIBRATION.items()},
    "ladder_overshoot": ("chance that a militia strike goes a rung further than meant (escalation ladder)", _PROB),
    "jan_strike_value": ("US value of the January 2020 strike (removing a commander, restoring deterrence)",
                         _PAYOFF),
    "jan_harassment": ("US cost of being hit by continued proxy harassment if it restrains (January 2020)",
                       _PAYOFF),
    "jan_answer_value": ("Iran's value of a visible answer, the missiles on US bases (January 2020)", _PAYOFF),
    "jan_missile_hit": ("US cost of being hit by the January 2020 missiles (injuries, no deaths)", _PAYOFF),
    "jan_salvo_kills": ("chance that the calibrated January 2020 salvo kills US troops", _PROB),
    "israeli_strike_damage": ("damage to Iran from the Israeli strike", _PAYOFF),
    "israel_strike_gain": ("Israel's gain from striking Iranian assets in Syria", _PAYOFF),
    "israel_hit_cost": ("Israel's cost of being hit by an Iranian answer", _PAYOFF),
    "israel_answer_cost": ("Israel's cost of carrying out a retaliation", _PAYOFF),
    "israel_audience_cost": ("Israel's audience cost of not answering", _PAYOFF),
    "israel_retaliation_to_iran": ("cost to Iran of Israel's retaliation", _PAYOFF),
    "success_on_israel": ("chance that an Iranian answer against Israel succeeds (air defences)", _PROB),
    "success_on_us": ("chance that an Iranian answer against exposed US forces succeeds", _PROB),
    "iran_israel_answer_gain": ("Iran's gain from answering on Israel directly", _PAYOFF),
    "iran_israel_answer_risk": ("Iran's escalation risk of hitting Israel directly", _PAYOFF),
    "us_posture_cost": ("US cost of a retaliatory posture that is not used (readiness, escalation risk)",
                        _PAYOFF),
}
CASE_PARAMETERS = {
    "us_iran_stage": {n: n for n in ("b_us", "b_iran", "c_us", "c_iran", "a_us", "a_iran", "W_us", "W_iran")},
    "us_iran_exchange": {n: n for n in EXCHANGE_FILE_PARAMETERS},
    # the escalation ladder is symmetric: its b, c and a are both sides' values
    "us_iran_escalation_ladder": {"m": "m", "b": "b_us", "c": "c_us", "a": "a_us", "q": "ladder_overshoot",
                                  "W_us": "W_us", "W_iran": "W_iran"},
    "january_2020": {"v": "jan_strike_value", "h": "jan_harassment", "A": "A", "g": "jan_answer_value",
                     "s": "jan_missile_hit", "p": "jan_salvo_kills", "D": "D", "W_us": "W_us", "W_iran": "W_iran"},
    # the proxy tree (Israel, Iran, US): h_us is the US cost of being hit and r_us the cost to Iran
    # of a US answer, named for the target beside Israel's h_is and r_is; D is the audience cost of
    # leaving an attack that killed an American unanswered (the tree's answer is the 23 March kind)
    "proxy_target_selection": {"d_iran": "israeli_strike_damage", "g_is": "israel_strike_gain", "A": "A",
                               "b_iran": "b_iran", "e_is": "success_on_israel", "e_us": "success_on_us",
                               "r_is": "israel_retaliation_to_iran", "r_us": "c_iran",
                               "k_is": "israel_answer_cost", "k_us": "k_us", "b_us": "b_us",
                               "h_is": "israel_hit_cost", "h_us": "c_us", "a_is": "israel_audience_cost",
                               "D": "D"},
    "us_iran_israel": {"v_isr": "israel_strike_gain", "h_isr": "israel_hit_cost", "b_iran": "b_iran",
                       "g_isr": "iran_israel_answer_gain", "x_iran": "iran_israel_answer_risk",
                       "d_iran": "israeli_strike_damage", "A": "A", "c_iran": "c_iran", "c_us": "c_us",
                       "b_us": "b_us", "k_us": "k_us", "a_us": "a_us", "x_us": "us_posture_cost"},
}
#: One stem, one kind of quantity: a name's stem (the part before its first "_", or the whole name)
#: says what kind of quantity it names in every case file, and every quantity a stem names matches
#: the words given here (a regular expression on its meaning in CASE_MEANINGS) and their unit
#: (tests/test_us_iran_case.py). January 2020's chance of deaths was k beside the strike costs
#: k_us and k_is; its missile cost s beside Israel's strike gain s_isr; Israel's audience cost c_is
#: beside the costs of being hit c_us and c_iran; Iran's escalation risk e_iran (payoff units)
#: beside the chances of success e_is and e_us.
CASE_STEMS = {
    "a": (r"audience cost", _PAYOFF),
    "A": (r"audience cost", _PAYOFF),
    "D": (r"audience cost", _PAYOFF),
    "b": (r"gain from a limited strike", _PAYOFF),
    "c": (r"\bhit\b", _PAYOFF),
    "h": (r"\bhit\b", _PAYOFF),
    "s": (r"\bhit\b", _PAYOFF),
    "d": (r"damage", _PAYOFF),
    "k": (r"cost of carrying out", _PAYOFF),
    "W": (r"cost of all-out war", _PAYOFF),
    "m": (r"value of a militia strike", _PAYOFF),
    "v": (r"(value of the .* strike|gain from striking)", _PAYOFF),
    "g": (r"(gain|value) (from|of) (striking|answering|a visible answer)", _PAYOFF),
    "r": (r"cost to Iran (of .*retaliation|when its proxies are hit)", _PAYOFF),
    "x": (r"(escalation risk|posture)", _PAYOFF),
    "e": (r"chance that .* succeeds", _PROB),
    "p": (r"^chance that", _PROB),
    "q": (r"^chance that", _PROB),
}


def name_stem(name: str) -> str:
    """The stem of a case parameter's name: what comes before its first ``_`` (the whole name when
    it has none), e.g. ``k`` for ``k_us``; a calibration name of several words (``motive_rate``) has
    no stem of the table.

    >>> name_stem("k_us"), name_stem("W_iran"), name_stem("p")
    ('k', 'W', 'p')
    """
    return name.split("_", 1)[0]


#: the quantities that keep a second name, and why (every other quantity has one name in the case)
CASE_SYNONYMS = {
    "b_us": ({"b"}, "the escalation ladder is symmetric: b is both sides' gain (b_us = b_iran)"),
    "a_us": ({"a"}, "the escalation ladder is symmetric: a is both sides' audience cost (a_us = a_iran)"),
    "c_us": ({"c", "h_us"}, "the ladder's symmetric c; the proxy tree's h_us, named beside Israel's h_is"),
    "c_iran": ({"r_us"}, "the proxy tree's r_us, the US retaliation, named beside Israel's r_is"),
    "israel_strike_gain": ({"g_is", "v_isr"}, "two files written apart: the proxy tree's g_is, "
                                              "us_iran_israel's v_isr"),
    "israel_hit_cost": ({"h_is", "h_isr"}, "two files written apart: the proxy tree's h_is, "
                                           "us_iran_israel's h_isr"),
}

# Names that other catalogue files use for the calibration's quantities (file -> {their name:
# calibration name}), read off CASE_PARAMETERS.
SHARED_NAMES = {file: {name: q for name, q in names.items() if q in CALIBRATION}
                for file, names in CASE_PARAMETERS.items() if file != "us_iran_exchange"}


def naming_table() -> str:
    """The case's parameter names as a Markdown table: each name, the quantity it names, its
    unit and the files that use it (the table of the documentation's page for this module).

    >>> naming_table().splitlines()[0]
    '| name | meaning | unit | files |'
    >>> naming_table().splitlines()[2].split(" | ")[:3]
    ['| `A`', "Iran's audience cost of absorbing a strike on its assets or proxies without any answer", 'payoff units']
    """
    names = {}
    for file, table in CASE_PARAMETERS.items():
        for name, q in table.items():
            names.setdefault(name, (q, []))[1].append(file)
    rows = ["| name | meaning | unit | files |", "| --- | --- | --- | --- |"]
    for name in sorted(names, key=lambda n: (n.lower(), n)):
        q, files = names[name]
        meaning, unit = CASE_MEANINGS[q]
        if name in ("a", "b", "c"):         # the symmetric ladder: one value for both sides
            meaning = (f"both sides' value of {q} and {name}_iran, equal in the symmetric escalation ladder; "
                       f"the US's: {meaning}")
        elif name != q and q in CALIBRATION:
            meaning += f" (the calibration's {q})"
        rows.append(f"| `{name}` | {meaning} | {unit} | {', '.join(files)} |")
    return "\n".join(rows)


#: the largest magnitude of a calibration value, ``10**100``: the case model's statistics and its
#: float searches multiply payoffs by probabilities and horizons, well inside the float range
#:
#: :meta hide-value:
MAX_MAGNITUDE = 10**100


def calibration_values(**overrides) -> dict:
    """``{name: exact value}`` of the case model's calibration (:data:`MODEL_CALIBRATION`), with
    ``overrides`` applied (exact numbers).

    >>> calibration_values(W_iran=60)["W_iran"], calibration_values()["misfire"]
    (60, Fraction(1, 1600))
    >>> calibration_values(misfire="3/2")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: misfire = 3/2 is not a probability (probability per militia strike): it must
    be from 0 to 1
    >>> calibration_values(round_days=1)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: round_days is fixed at 7: the calibration's rates (israeli_strike_rate,
    motive_rate, ...) are per week-long round; set those instead
    """
    from deterrence.core.numbers import to_exact
    from deterrence.errors import GameError
    from deterrence.core.numbers import check_probability, format_approx, is_symbolic
    from deterrence.errors import TooLargeError
    values = {k: v.value for k, v in MODEL_CALIBRATION.items()}
    for k, v in overrides.items():
        if k in STANCE_CALIBRATION:
            # claims 4 and 6 rest on these, and `report --set` listed only the others (an IR review)
            raise GameError(f"{k} is a value of the stances of claims 4 and 6, not of the exchange's calibration: "
                            f"the report uses its calibrated value; in Python, stance_values({k}=...) gives "
                            "the values argument of change_of_heart_regimes, support_game and attrition "
                            "(deterrence.models.us_iran_regimes)")
        if k in STAGE_GAME_VALUES:
            raise GameError(f"{k} is a value of the stage game {STAGE_GAME_VALUES[k]}, which the case model does "
                            f"not use (its audience cost for Iran is A): set it on that game, e.g. deterrence solve "
                            f"{STAGE_GAME_VALUES[k]} --set {k}={v}")
        if k not in values:
            raise GameError(f"unknown calibration parameter {k!r}; known: {', '.join(MODEL_CALIBRATION)}")
        values[k] = to_exact(v, k)
        if not is_symbolic(values[k]) and abs(values[k]) > MAX_MAGNITUDE:
            raise TooLargeError(f"{k} = {format_approx(values[k])} is over the limit of 1e+100 for a "
                                "value of the case model")
        if CALIBRATION[k].bounds is not None:
            check_probability(k, values[k], CALIBRATION[k].unit, CALIBRATION[k].bounds)
    rate = values["annual_discount_rate"]
    if not is_symbolic(rate) and rate <= 0:
        raise GameError(f"annual_discount_rate = {rate} must be above 0 (the discount factor per "
                        "round, 1 / (1 + rate * round_days / 365), must be below 1)")
    if values["round_days"] != CALIBRATION["round_days"].value:
        # every rate of the calibration (Israeli strikes, militia motives, answers) is per
        # round of a week: another round length would silently mean other rates
        raise GameError(f"round_days is fixed at {CALIBRATION['round_days'].value}: the calibration's rates "
                        "(israeli_strike_rate, motive_rate, ...) are per week-long round; set those instead")
    return values


def delta_per_round(values=None) -> Fraction:
    """The discount factor per round from the annual rate and the round length.

    >>> delta_per_round({"annual_discount_rate": Fraction(1, 10), "round_days": 7})
    Fraction(3650, 3657)
    """
    v = calibration_values() if values is None else values
    return Fraction(1) / (1 + Fraction(v["annual_discount_rate"]) * Fraction(v["round_days"], 365))


__all__ = ["CALIBRATION", "CASE_MEANINGS", "CASE_PARAMETERS", "CASE_SYNONYMS", "Calibrated", "SHARED_NAMES",
           "STANCE_CALIBRATION", "calibration_values", "delta_per_round", "naming_table", "per_week"]
