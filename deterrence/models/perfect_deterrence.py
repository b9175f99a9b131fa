"""Perfect deterrence under incomplete information: Zagare and Kilgour's games with Hard and Soft types.

Zagare and Kilgour's perfect deterrence theory asks when deterrence is an
equilibrium in which every threat is credible, and finds that it depends on the
probabilities that each side is a *Hard* type (one that prefers conflict to
capitulation, so its threat to retaliate is credible) rather than a *Soft* one:
deterrence holds above credibility thresholds on those probabilities, and
below them the equilibria are conflict or exploitation.

Source for the games and the structure of the results: Zagare, F. C. and
Kilgour, D. M. (2000). Perfect Deterrence. Cambridge University Press (the
generalized mutual deterrence game and the asymmetric escalation game, with
incomplete information). The payoffs here are a small parameterisation of our
own and every threshold below is derived for it (in each docstring), not
copied from the book.

**The generalized mutual deterrence game** (``mutual_deterrence_incomplete``).
Nature makes each player Hard (``p1``, ``p2``) or Soft; each knows its own
type. Player 1 cooperates or defects. After a defection player 2 concedes or
retaliates (conflict); after cooperation 2 cooperates (status quo) or defects,
and 1 then concedes or retaliates. Payoffs: status quo ``sq_i``, winning
``win_i``, conflict ``war_i``, conceding ``lose_iH`` (Hard: below ``war_i``) or
``lose_iS`` (Soft: between ``war_i`` and ``sq_i``). The types differ only in what
conceding is worth, so they differ only at their own last move.

Steps of the analysis (:func:`mutual_deterrence_equilibria`):

1. at its last move a Hard type retaliates and a Soft one concedes;
2. defecting is worth ``V = p2 war1 + (1 - p2) win1`` to either type of 1;
3. player 2 defects after cooperation iff its belief that 1 is Hard is below
   ``tau2 = (win2 - sq2)/(win2 - war2)``;
4. cooperation is worth ``sq1 - d(sq1 - war1)`` to a Hard 1 and ``sq1 - d(sq1 -
   lose1S)`` to a Soft 1 when 2 defects after it with probability ``d``: the Soft
   type gains more from cooperating, so cooperation never raises the belief that 1
   is Hard;
5. hence (thresholds of :func:`mutual_deterrence_thresholds`) the status quo is
   an equilibrium outcome iff ``p2 > tau1 = (win1 - sq1)/(win1 - war1)`` and
   ``p1 > tau2``; below ``tau1`` player 1 attacks; with ``p1 < tau2`` the Hard 1
   attacks and the Soft 1 cooperates and is exploited (if ``p2 > sigma1 =
   (win1 - lose1S)/(win1 - war1)``) or attacks too.
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import chance, decision, terminal
from deterrence.models.canon import _tree
from deterrence.models.canon_beliefs import _values

MUTUAL_INCOMPLETE = {
    "p1": ("2/3", "probability that player 1 is Hard (its threat to retaliate is credible)"),
    "p2": ("2/3", "probability that player 2 is Hard"),
    "sq1": (3, "player 1's payoff from the status quo"),
    "win1": (4, "1's payoff when 2 concedes"),
    "war1": (2, "1's payoff from conflict"),
    "lose1H": (1, "a Hard player 1's payoff from conceding (below conflict)"),
    "lose1S": ("5/2", "a Soft player 1's payoff from conceding (between conflict and the status quo)"),
    "sq2": (3, "player 2's payoff from the status quo"),
    "win2": (4, "2's payoff when 1 concedes"),
    "war2": (2, "2's payoff from conflict"),
    "lose2H": (1, "a Hard player 2's payoff from conceding (below conflict)"),
    "lose2S": ("5/2", "a Soft player 2's payoff from conceding"),
}
TYPES = ("hard", "soft")


def mutual_deterrence_incomplete(symbolic: bool = False, **values):
    """Chance draws both types; 1 cooperates or defects; 2 answers; after (cooperate, defect)
    1 concedes or retaliates. Each side sees its own type only.

    >>> t = mutual_deterrence_incomplete()
    >>> t.infoset_of(("P1_hard", "P2_soft", "cooperate")).name, t.node("P1_soft/P2_hard/defect/concede").payoffs
    ('P2_soft_after_cooperate', (4, 1))
    """
    def game(t1, t2):
        lose1, lose2 = f"lose1{t1[0].upper()}", f"lose2{t2[0].upper()}"
        conflict = terminal(["war1", "war2"])
        after_defect = decision("Player2", {"concede": terminal(["win1", lose2]), "retaliate": conflict},
                                infoset=f"P2_{t2}_after_defect")
        last = decision("Player1", {"concede": terminal([lose1, "win2"]), "retaliate": conflict},
                        infoset=f"P1_{t1}_last")
        after_cooperate = decision("Player2", {"cooperate": terminal(["sq1", "sq2"]), "defect": last},
                                   infoset=f"P2_{t2}_after_cooperate")
        return decision("Player1", {"cooperate": after_cooperate, "defect": after_defect}, infoset=f"P1_{t1}")

    def second(t1):
        return chance({"P2_hard": ("p2", game(t1, "hard")), "P2_soft": ("1 - p2", game(t1, "soft"))})
    root = chance({"P1_hard": ("p1", second("hard")), "P1_soft": ("1 - p1", second("soft"))})
    return _tree(root, ["Player1", "Player2"], MUTUAL_INCOMPLETE, symbolic, values,
                 "Generalized mutual deterrence with Hard and Soft types (Zagare-Kilgour)")


def mutual_deterrence_thresholds():
    """``(tau1, tau2, sigma1)``: the probability that 2 is Hard above which 1 does not defect;
    the belief that 1 is Hard above which 2 does not defect after 1 cooperates; the
    probability that 2 is Hard above which a Soft 1 prefers being exploited to attacking.

    ``tau1`` solves ``p2 war1 + (1 - p2) win1 = sq1``, ``tau2`` solves ``mu war2 + (1 - mu)
    win2 = sq2`` and ``sigma1`` solves ``p2 war1 + (1 - p2) win1 = lose1S``.

    >>> mutual_deterrence_thresholds()
    ((-sq1 + win1)/(-war1 + win1), (-sq2 + win2)/(-war2 + win2), (-lose1S + win1)/(-war1 + win1))
    """
    from deterrence.core.symbolic import parse_expression
    names = list(MUTUAL_INCOMPLETE)
    return tuple(parse_expression(f, names) for f in ("(win1 - sq1)/(win1 - war1)", "(win2 - sq2)/(win2 - war2)",
                                                      "(win1 - lose1S)/(win1 - war1)"))


def mutual_deterrence_mixing():
    """The semi-separating equilibrium (``p1 > tau2``, ``p2 > tau1``): the probability that a
    Hard 1 cooperates, which makes 2's belief after cooperation exactly ``tau2``, and the
    probability that 2 defects after cooperation, which makes the Hard 1 indifferent
    (``sq1 - d(sq1 - war1) = p2 war1 + (1 - p2) win1``); the Soft 1 cooperates.

    >>> mutual_deterrence_mixing()
    ((1 - p1)*(-sq2 + win2)/(p1*(sq2 - war2)), (p2*(-war1 + win1) + sq1 - win1)/(sq1 - war1))
    """
    from deterrence.core.symbolic import parse_expression
    names = list(MUTUAL_INCOMPLETE)
    return (parse_expression("(1 - p1)*(win2 - sq2)/(p1*(sq2 - war2))", names),
            parse_expression("(p2*(win1 - war1) - (win1 - sq1))/(sq1 - war1)", names))


def _profile(coop_hard, coop_soft, defect_after_coop):
    """Behaviour: 1's cooperation probability by type, 2's defection after cooperation (both
    types alike), the dominant last moves."""
    b = {}
    for t, x in (("hard", coop_hard), ("soft", coop_soft)):
        b[("Player1", f"P1_{t}")] = {"cooperate": x, "defect": 1 - x}
        b[("Player2", f"P2_{t}_after_cooperate")] = {"cooperate": 1 - defect_after_coop, "defect": defect_after_coop}
        hard = Fraction(int(t == "hard"))
        b[("Player1", f"P1_{t}_last")] = {"concede": 1 - hard, "retaliate": hard}
        b[("Player2", f"P2_{t}_after_defect")] = {"concede": 1 - hard, "retaliate": hard}
    return b


def mutual_deterrence_equilibria(values: dict) -> dict:
    """Every perfect Bayesian (here also sequential) equilibrium outcome at ``values`` (others at
    their defaults), each as ``{"behaviour": {(player, set): {move: p}}, "belief": mu}`` with
    mu player 2's belief that 1 is Hard after cooperation (on or off the path). Names:

    * ``"status_quo"``: both types cooperate, 2 cooperates (``p2 > tau1``, ``p1 > tau2``);
    * ``"semi_separating"``: the Soft 1 cooperates, the Hard 1 mixes, 2 mixes after
      cooperation (:func:`mutual_deterrence_mixing`; same conditions);
    * ``"separating"``: the Hard 1 attacks, the Soft 1 cooperates and concedes to 2's defection
      (``p2 > sigma1``);
    * ``"attack"``: both types defect, 2 would defect after cooperation (``p2 < sigma1``).

    The derivation is steps 1-5 of the module docstring. Values on a threshold (where the
    equilibria merge or mix in other ways) are refused, as is an ordering other than
    ``lose_iH < war_i < lose_iS < sq_i < win_i``.

    >>> sorted(mutual_deterrence_equilibria({}))
    ['attack', 'semi_separating', 'status_quo']
    >>> sorted(mutual_deterrence_equilibria({"p1": "1/3"})), sorted(mutual_deterrence_equilibria({"p2": "1/3"}))
    (['attack'], ['attack'])
    """
    from deterrence.errors import GameError
    v = _values(values, MUTUAL_INCOMPLETE)
    for i in ("1", "2"):
        if not v[f"lose{i}H"] < v[f"war{i}"] < v[f"lose{i}S"] < v[f"sq{i}"] < v[f"win{i}"]:
            raise GameError(f"mutual_deterrence_equilibria covers lose{i}H < war{i} < lose{i}S < sq{i} < win{i}")
    point = {s: v[s.name] for f in mutual_deterrence_thresholds() for s in f.free_symbols}
    tau1, tau2, sigma1 = (Fraction(str(f.subs(point))) for f in mutual_deterrence_thresholds())
    p1, p2 = v["p1"], v["p2"]
    if p1 == tau2 or p2 in (tau1, sigma1) or not (0 < p1 < 1 and 0 < p2 < 1):
        raise GameError("mutual_deterrence_equilibria covers p1, p2 strictly inside (0, 1) and off the "
                        "thresholds tau2 (for p1), tau1 and sigma1 (for p2)")
    out = {}
    if p2 > tau1 and p1 > tau2:
        out["status_quo"] = {"behaviour": _profile(Fraction(1), Fraction(1), Fraction(0)), "belief": p1}
        x, d = (Fraction(str(f.subs({s: v[s.name] for s in f.free_symbols}))) for f in mutual_deterrence_mixing())
        out["semi_separating"] = {"behaviour": _profile(x, Fraction(1), d), "belief": tau2}
    if p2 > sigma1:
        out["separating"] = {"behaviour": _profile(Fraction(0), Fraction(1), Fraction(1)), "belief": Fraction(0)}
    else:
        out["attack"] = {"behaviour": _profile(Fraction(0), Fraction(0), Fraction(1)), "belief": Fraction(0)}
    return out


# -- the asymmetric escalation game ------------------------------------------------------------
ESCALATION_INCOMPLETE = {
    "pDef": ("2/3", "probability that the Defender is Hard: it resists a challenge rather than concede"),
    "pCh": ("2/3", "probability that the Challenger is Hard: it answers the Defender's escalation in kind"),
    "sqC": (3, "Challenger: status quo"), "dcC": (4, "Challenger: the Defender concedes"),
    "ddC": (2, "Challenger: limited conflict"), "edC": (5, "Challenger escalates, the Defender backs down"),
    "eeC": (0, "Challenger: all-out conflict"),
    "deCH": (-1, "a Hard Challenger backing down after the Defender escalates (below all-out conflict)"),
    "deCS": (1, "a Soft Challenger backing down after the Defender escalates (above all-out conflict)"),
    "sqD": (5, "Defender: status quo"),
    "dcDH": (1, "a Hard Defender's payoff from conceding (below limited and all-out conflict)"),
    "dcDS": ("9/2", "a Soft Defender's payoff from conceding (above every way of resisting)"),
    "ddD": (3, "Defender: limited conflict"), "edD": (0, "Defender backs down after the Challenger escalates"),
    "deD": (4, "Defender escalates and the Challenger backs down"), "eeD": (2, "Defender: all-out conflict"),
}


def asymmetric_escalation_incomplete(symbolic: bool = False, **values):
    """Chance makes the Defender Hard or Soft (it knows, the Challenger does not); the Challenger
    keeps the status quo or initiates; the Defender concedes, responds in kind (limited) or
    escalates; after a limited response the Challenger holds or escalates and the Defender
    answers; after the Defender's escalation chance settles whether the Challenger is Hard (it
    learns it then) and it counter-escalates or backs down.

    >>> t = asymmetric_escalation_incomplete()
    >>> t.infoset_of(("D_soft",)).name, t.node("D_hard/initiate/escalate").labels
    ('C', ('C_hard', 'C_soft'))
    """
    def game(d_type):
        tag = d_type[0].upper()
        c_last = {t: decision("Challenger", {"back_down": terminal([f"deC{t[0].upper()}", "deD"]),
                                             "escalate": terminal(["eeC", "eeD"])}, infoset=f"C_{t}_last")
                  for t in TYPES}
        d_last = decision("Defender", {"back_down": terminal(["edC", "edD"]), "escalate": terminal(["eeC", "eeD"])},
                          infoset=f"D_{d_type}_last")
        limited = decision("Challenger", {"hold": terminal(["ddC", "ddD"]), "escalate": d_last},
                           infoset="C_after_limited")
        response = decision("Defender", {
            "concede": terminal(["dcC", f"dcD{tag}"]), "limited": limited,
            "escalate": chance({"C_hard": ("pCh", c_last["hard"]), "C_soft": ("1 - pCh", c_last["soft"])})},
            infoset=f"D_{d_type}")
        return decision("Challenger", {"status_quo": terminal(["sqC", "sqD"]), "initiate": response}, infoset="C")
    root = chance({"D_hard": ("pDef", game("hard")), "D_soft": ("1 - pDef", game("soft"))})
    return _tree(root, ["Challenger", "Defender"], ESCALATION_INCOMPLETE, symbolic, values,
                 "Asymmetric escalation with Hard and Soft types (Zagare-Kilgour)")


def escalation_thresholds():
    """``(pCh_star, pDef_star_limited, pDef_star_escalation)`` where the Challenger holds after a
    limited response (``eeD > edD``, ``ddC > eeC``: the Defender would answer escalation in kind):

    * the Hard Defender responds in kind iff ``pCh > pCh_star = (deD - ddD)/(deD - eeD)``, else it
      escalates (``pCh eeD + (1 - pCh) deD`` against ``ddD``);
    * the Challenger is deterred iff ``pDef`` exceeds ``(dcC - sqC)/(dcC - W)``, with ``W`` its
      payoff from the Hard Defender's response: ``ddC`` (limited), or
      ``pCh eeC + (1 - pCh) deCS`` (escalation): ``(1 - pDef) dcC + pDef W < sqC``.

    >>> escalation_thresholds()[:2]
    ((-ddD + deD)/(deD - eeD), (dcC - sqC)/(dcC - ddC))
    >>> escalation_thresholds()[2]
    (dcC - sqC)/(dcC - deCS*(1 - pCh) - eeC*pCh)
    """
    from deterrence.core.symbolic import parse_expression
    names = list(ESCALATION_INCOMPLETE)
    return tuple(parse_expression(f, names) for f in (
        "(deD - ddD)/(deD - eeD)", "(dcC - sqC)/(dcC - ddC)", "(dcC - sqC)/(dcC - pCh*eeC - (1 - pCh)*deCS)"))


def _best(options: dict, where: str):
    """The move with the highest value; a tie (several equilibria) is refused."""
    from deterrence.errors import GameError
    best = max(options.values())
    moves = [m for m, x in options.items() if x == best]
    if len(moves) > 1:
        raise GameError(f"escalation_equilibrium: {where} is indifferent between {' and '.join(moves)}")
    return moves[0]


def escalation_equilibrium(values: dict) -> dict:
    """The perfect Bayesian equilibrium by backward induction, exactly: ``{"moves": {set: move},
    "outcomes": {outcome: probability}, "region": name}``.

    Beliefs never change a choice here: after a limited response the Challenger's payoffs do
    not depend on the Defender's type (the types differ only in what conceding is worth), and
    the Challenger learns its own type only when the Defender escalates. Outcomes:
    ``status_quo``, ``defender_concedes``, ``limited_conflict``, ``defender_backs_down``,
    ``all_out_conflict``, ``challenger_backs_down``; the region is ``"status_quo"``,
    ``"all_out_conflict"`` when all-out conflict has positive probability, else
    ``"limited_conflict"`` or the most likely outcome. Refuses values at which some player is
    indifferent, and types that are not Hard and Soft (``deCH < eeC < deCS``; ``dcDH`` below
    limited and all-out conflict, ``dcDS`` above every way of resisting).

    >>> escalation_equilibrium({})["region"], escalation_equilibrium({"pDef": "1/3"})["region"]
    ('status_quo', 'limited_conflict')
    >>> escalation_equilibrium({"pDef": "1/5", "pCh": "1/3"})["outcomes"]["all_out_conflict"]
    Fraction(1, 15)
    """
    from deterrence.errors import GameError
    v = _values(values, ESCALATION_INCOMPLETE)
    resisting = [v["ddD"], v["edD"], v["deD"], v["eeD"]]
    if not (v["deCH"] < v["eeC"] < v["deCS"] and v["dcDS"] > max(resisting) and v["dcDH"] < min(v["ddD"], v["eeD"])):
        raise GameError("escalation_equilibrium covers deCH < eeC < deCS, dcDH < ddD, eeD and dcDS above "
                        "ddD, edD, deD, eeD")
    if not (0 < v["pDef"] < 1 and 0 < v["pCh"] < 1):
        raise GameError("escalation_equilibrium covers pDef and pCh strictly between 0 and 1")
    pCh, pDef = v["pCh"], v["pDef"]
    moves = {"C_hard_last": "escalate", "C_soft_last": "back_down"}
    d_last = _best({"back_down": v["edD"], "escalate": v["eeD"]}, "the Defender after escalation")
    moves["D_hard_last"] = moves["D_soft_last"] = d_last
    after_escalation = {"back_down": (v["edC"], v["edD"], "defender_backs_down"),
                        "escalate": (v["eeC"], v["eeD"], "all_out_conflict")}[d_last]
    c_limited = _best({"hold": v["ddC"], "escalate": after_escalation[0]}, "the Challenger after a limited response")
    moves["C_after_limited"] = c_limited
    limited = (v["ddC"], v["ddD"], {"limited_conflict": 1}) if c_limited == "hold" else \
        (after_escalation[0], after_escalation[1], {after_escalation[2]: 1})
    escalated = (pCh * v["eeC"] + (1 - pCh) * v["deCS"], pCh * v["eeD"] + (1 - pCh) * v["deD"],
                 {"all_out_conflict": pCh, "challenger_backs_down": 1 - pCh})
    responses = {}
    for d_type in TYPES:
        options = {"concede": (v["dcC"], v[f"dcD{d_type[0].upper()}"], {"defender_concedes": 1}),
                   "limited": limited, "escalate": escalated}
        move = _best({m: o[1] for m, o in options.items()}, f"the {d_type} Defender")
        moves[f"D_{d_type}"] = move
        responses[d_type] = options[move]
    initiate = pDef * responses["hard"][0] + (1 - pDef) * responses["soft"][0]
    moves["C"] = _best({"status_quo": v["sqC"], "initiate": initiate}, "the Challenger")
    outcomes = dict.fromkeys(("status_quo", "defender_concedes", "limited_conflict", "defender_backs_down",
                              "all_out_conflict", "challenger_backs_down"), Fraction(0))
    if moves["C"] == "status_quo":
        outcomes["status_quo"] = Fraction(1)
    else:
        for d_type, weight in (("hard", pDef), ("soft", 1 - pDef)):
            for name, q in responses[d_type][2].items():
                outcomes[name] += weight * q
    if outcomes["status_quo"] == 1:
        region = "status_quo"
    elif outcomes["all_out_conflict"] > 0:
        region = "all_out_conflict"
    elif outcomes["limited_conflict"] > 0:
        region = "limited_conflict"
    else:
        region = max(outcomes, key=outcomes.get)
    return {"moves": moves, "outcomes": outcomes, "region": region}
