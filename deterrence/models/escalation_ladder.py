"""A US-Iran escalation ladder with red lines and strikes that go further than meant.

Iran (through its militias) and the US take turns, Iran first. At each turn
the side to move **holds** (the exchange stops where it is) or **strikes**
(one rung up). Crossing the red line (reaching rung ``R``) means all-out war.
Militia strikes are imprecise: with probability ``q`` a strike goes further
than meant (kills more than intended) and climbs two rungs instead of one: a
chance node stands for that miscalculation. US strikes are precise.

Payoffs are listed (US, Iran), the order of every US-Iran model; the values
shared with the other models come from :mod:`deterrence.models.us_iran_calibration`
(b, c, a are both sides' values there). Payoffs when the exchange stops: the side that struck last gets ``b`` (the
value of hurting or signalling to the adversary, "the last word"); every
strike received costs ``c``; the side that stops after being hit pays the
audience cost ``a`` of not answering; Iran values showing that it can
destabilize at ``m`` once its militias have struck (the "low bar"). War costs ``W_us`` and ``W_iran``
(larger for Iran). At the default values the subgame-perfect path is
contained tit-for-tat: the militias strike, the US answers once, and the
militias hold below the red line (war has probability 0 on the path);
a second militia strike is deterred by the chance that it goes further than
meant and crosses the red line.

Sources: the situation brief (docs: The case brief; CENTCOM figures, March
2023 exchange). Kahn, H. (1965). On Escalation: Metaphors and Scenarios.
Praeger. Schelling, T. C. (1960). The Strategy of Conflict, ch. 8 (the
threat that leaves something to chance). Harvard UP.

Steps: build the tree recursively over (rung, side to move, strikes received
by each side), with symbolic payoffs; a chance node after every militia strike.
"""
from __future__ import annotations

from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.errors import GameError, TooLargeError

PARAMETERS = {
    "m": (5, "Iran's value of showing it can destabilize (once its militias have struck)"),
    "b": (2, "value of having struck last (hurting or signalling to the adversary)"),
    "c": (3, "cost of each strike received"),
    "a": (1, "audience cost of not answering a strike"),
    "q": ("1/10", "probability that a militia strike goes further than meant (two rungs)"),
    "W_us": (20, "cost of all-out war to the US"),
    "W_iran": (50, "cost of all-out war to Iran"),
}
#: Payoff order (US, Iran), as in every US-Iran model of the toolkit; Iran moves first.
PLAYERS = ("US", "Iran")


def _stop(last, hits, mover):
    pay = []
    for k, side in enumerate(PLAYERS):
        terms = ["m"] if side == "Iran" and hits[PLAYERS.index("US")] else []
        if last == side:
            terms.append("b")
        if hits[k]:
            terms.append(f"-{hits[k]}*c")
        if mover == side and last is not None and last != side:
            terms.append("-a")
        pay.append(" + ".join(terms).replace("+ -", "- ") if terms else "0")
    return terminal(pay)


#: the most rungs :func:`escalation_ladder` builds (the tree then has about 40,000 nodes)
MAX_RUNGS = 30


def escalation_ladder(rungs: int = 4, symbolic: bool = False, **values) -> GameTree:
    """The escalation ladder with ``rungs`` rungs below the red line.

    Node paths read like a history: ``"strike/as_meant/strike"``.

    >>> t = escalation_ladder(3)
    >>> t.root.labels, t.node("strike").labels
    (('hold', 'strike'), ('as_meant', 'further'))
    >>> t.node("strike/further/strike").payoffs   # the US crosses the red line: (US, Iran)
    (-20, -50)
    """
    if isinstance(rungs, bool) or not isinstance(rungs, int):
        raise GameError(f"rungs must be a whole number of rungs, got {rungs!r}")
    if rungs < 1:
        raise GameError(f"rungs={rungs}: an escalation ladder needs at least one rung")
    if rungs > MAX_RUNGS:            # the tree grows about 1.33 times a rung (565 nodes at 15)
        raise TooLargeError(f"rungs={rungs}: a ladder of more than {MAX_RUNGS} rungs has over 40,000 "
                            f"nodes (about 1.33 times more for each rung)")
    params = {k: v for k, (v, _) in PARAMETERS.items()}
    params.update(values)
    war = terminal(["-W_us", "-W_iran"], label="war")

    def turn(rung, mover, hits, last):
        if rung >= rungs:
            return war
        other = "US" if mover == "Iran" else "Iran"
        k = PLAYERS.index(other)

        def after(step):
            h = list(hits)
            h[k] += step
            return turn(rung + step, other, tuple(h), mover)

        if mover == "Iran":
            strike = chance({"as_meant": ("1 - q", after(1)), "further": ("q", after(2))})
        else:
            strike = after(1)
        return decision(mover, {"hold": _stop(last, hits, mover), "strike": strike})

    tree = GameTree(turn(0, "Iran", (0, 0), None), players=PLAYERS, parameters=params,
                    title=f"US-Iran escalation ladder ({rungs} rungs)",
                    description="Alternating limited strikes under a red line, with militia misfires.",
                    sources=["Kahn, H. (1965). On Escalation. Praeger.",
                             "Schelling, T. C. (1960). The Strategy of Conflict. Harvard UP."],
                    extra={"parameter_notes": {k: about for k, (_, about) in PARAMETERS.items()}})
    return tree if symbolic else tree.with_defaults()


def war_probability(tree: GameTree, equilibrium) -> object:
    """Probability that play under a (tree) equilibrium ends in war (terminal label ``war``).

    >>> from deterrence.solvers.tree.backward_induction import subgame_perfect
    >>> t = escalation_ladder(4)
    >>> war_probability(t, subgame_perfect(t)[0])
    0
    """
    from fractions import Fraction
    from deterrence.core.tree import Chance, Terminal, require_recursion_room
    require_recursion_room(tree, "war_probability")

    def walk(node, path):
        if isinstance(node, Terminal):
            return Fraction(1 if node.label == "war" else 0)
        if isinstance(node, Chance):
            return sum((p * walk(c, path + (m,)) for m, p, c in node.moves), Fraction(0))
        dist = equilibrium.behaviour[(node.player, tree.infoset_of(path).name)]
        return sum((dist[m] * walk(c, path + (m,)) for m, c in node.moves if dist[m]), Fraction(0))

    v = walk(tree.root, ())
    return v.numerator if v.denominator == 1 else v
