"""The January 2020 episode: a strike, a missile answer, then de-escalation or war.

After a deadly exchange with Iran-backed forces, the US chooses whether to
**strike** (the killing of Qassem Soleimani) or **restrain**. Iran then
**absorbs** the blow (an audience cost), answers with **missiles** on US
positions in Iraq (calibrated: with warning, aimed to avoid deaths), or
**escalates** to war. A calibrated salvo can still kill US troops: a chance
node (probability ``p``). The US then **de-escalates** or goes to **war**;
US deaths add an audience cost ``D`` to de-escalating. At the default values
the subgame-perfect path is strike, missiles, de-escalate (whatever the
missiles did): "the closest the two came to war", and no war.

Sources: the case brief (docs: The case brief; January 2020 events);
Schelling, T. C. (1966). Arms and Influence, ch. 3 (the manipulation of risk).

Steps: a three-stage tree with one chance node, payoffs as formulas.
"""
from __future__ import annotations

from deterrence.core.tree import GameTree, chance, decision, terminal

PARAMETERS = {
    "v": (3, "US value of the strike (removing a commander, restoring deterrence)"),
    "h": (1, "US cost of continued proxy harassment if it restrains"),
    "A": (4, "Iran's audience cost of absorbing the strike without answer"),
    "g": (1, "Iran's value of a visible answer (missiles on US bases)"),
    "s": (1, "US cost of being hit by the missiles"),
    "p": ("1/5", "probability that the calibrated salvo kills US troops"),
    "D": (3, "US audience cost of de-escalating after US deaths"),
    "W_us": (20, "cost of war to the US"),
    "W_iran": (50, "cost of war to Iran"),
}


def january_2020(symbolic: bool = False, **values) -> GameTree:
    """The January 2020 tree (players US, Iran).

    >>> t = january_2020()
    >>> t.node("strike").labels
    ('absorb', 'missiles', 'escalate')
    """
    params = {k: v for k, (v, _) in PARAMETERS.items()}
    params.update(values)
    war = terminal(["-W_us", "-W_iran"], label="war")

    def us_answer(deaths):
        return decision("US", {
            "de_escalate": terminal(["v - s - D" if deaths else "v - s", "g"]),
            "war": war,
        })

    tree = GameTree(decision("US", {
        "restrain": terminal(["-h", 0]),
        "strike": decision("Iran", {
            "absorb": terminal(["v", "-A"]),
            "missiles": chance({"no_deaths": ("1 - p", us_answer(False)), "deaths": ("p", us_answer(True))}),
            "escalate": war,
        }),
    }), players=["US", "Iran"], parameters=params, title="January 2020: strike, missiles, de-escalation",
        description="The Soleimani strike, Iran's missile answer, and the choice between de-escalation and war.",
        sources=["Schelling, T. C. (1966). Arms and Influence. Yale UP."],
        extra={"parameter_notes": {k: about for k, (_, about) in PARAMETERS.items()}})
    return tree if symbolic else tree.with_defaults()
