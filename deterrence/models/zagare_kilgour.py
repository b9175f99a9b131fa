"""Unilateral deterrence with a hard or soft defender (Zagare and Kilgour type).

A challenger decides whether to challenge the status quo without knowing the
defender's type. Nature makes the defender *hard* (prefers conflict to
concession: its threat to resist is credible) with prior probability ``p``,
*soft* otherwise. If challenged, the defender resists (conflict) or concedes.
A hard defender resists and a soft one concedes, so the challenger challenges
when ``p*warC + (1-p)*winC > sqC``. Deterrence succeeds when the prior that
the defender is hard exceeds the **credibility threshold**

    p* = (winC - sqC) / (winC - warC).

Sources: Zagare, F. C. and Kilgour, D. M. (2000). Perfect Deterrence.
Cambridge University Press, section 3.4 and appendix 3 (the Rudimentary
Asymmetric Deterrence Game, with incomplete information). Schelling, T. C. (1966). Arms and Influence. Yale UP.

Steps: a chance node draws the type; the challenger's two nodes form one
information set; each type of defender moves at its own (singleton) node.
"""
from __future__ import annotations

from deterrence.core.tree import GameTree, chance, decision, terminal

#: parameter -> (default, meaning)
PARAMETERS = {
    "p": ("1/2", "prior probability that the defender is hard"),
    "sqC": (0, "challenger's payoff from the status quo"),
    "winC": (2, "challenger's payoff when the defender concedes"),
    "warC": (-3, "challenger's payoff from conflict"),
    "sqD": (0, "defender's payoff from the status quo"),
    "loseD": (-2, "defender's payoff from conceding"),
    "warHard": (-1, "hard defender's payoff from conflict (above loseD: resisting is credible)"),
    "warSoft": (-4, "soft defender's payoff from conflict (below loseD)"),
}


def unilateral_deterrence(symbolic: bool = False, **values) -> GameTree:
    """The unilateral deterrence game with incomplete information about the defender.

    >>> t = unilateral_deterrence()
    >>> t.root.labels, t.infoset_of(("hard",)).paths
    (('hard', 'soft'), (('hard',), ('soft',)))
    """
    params = {k: v for k, (v, _) in PARAMETERS.items()}
    params.update(values)

    def branch(war):
        return decision("Challenger", {
            "status_quo": terminal(["sqC", "sqD"]),
            "challenge": decision("Defender", {"concede": terminal(["winC", "loseD"]),
                                               "resist": terminal(["warC", war])}),
        }, infoset="challenger")

    tree = GameTree(chance({"hard": ("p", branch("warHard")), "soft": ("1 - p", branch("warSoft"))}),
                    players=["Challenger", "Defender"], parameters=params,
                    title="Unilateral deterrence (hard or soft defender)",
                    description="Zagare-Kilgour unilateral deterrence with a defender of unknown resolve.",
                    sources=["Zagare, F. C. and Kilgour, D. M. (2000). Perfect Deterrence. Cambridge UP."],
                    extra={"parameter_notes": {k: about for k, (_, about) in PARAMETERS.items()}})
    return tree if symbolic else tree.with_defaults()


def credibility_threshold_closed_form():
    """The closed form ``(winC - sqC)/(winC - warC)`` as a sympy expression.

    >>> credibility_threshold_closed_form()
    (-sqC + winC)/(-warC + winC)
    """
    from deterrence.core.symbolic import parse_expression
    return parse_expression("(winC - sqC)/(winC - warC)", list(PARAMETERS))
