"""Entry deterrence: one round of Selten's chain-store game.

An entrant stays out or comes in; if it comes in, the incumbent fights (a
price war, or in the deterrence reading a costly retaliation) or accommodates.
The threat to fight deters entry in one Nash equilibrium, but it is not
credible: once entry has happened, fighting costs the incumbent more than
accommodating. The game has two pure Nash equilibria and one subgame-perfect
equilibrium (enter, accommodate).

Sources: Selten, R. (1978). The chain store paradox. Theory and Decision 9:
127-159. Gibbons, R. (1992). Game Theory for Applied Economists, sec. 2.1.

Steps: build a two-level :class:`~deterrence.core.tree.GameTree` with
symbolic payoffs over the parameters, defaults as in the textbook.
"""
from __future__ import annotations

from deterrence.core.tree import GameTree, decision, terminal

#: parameter -> (default, meaning)
PARAMETERS = {
    "m": (2, "incumbent's profit as a monopolist (entrant stays out)"),
    "d": (1, "each firm's profit when they share the market (accommodation)"),
    "f": (1, "each firm's loss in a fight (price war / retaliation)"),
}


def entry_deterrence(symbolic: bool = False, **values) -> GameTree:
    """The entry-deterrence tree (exact at the given values; ``symbolic=True`` keeps formulas).

    >>> t = entry_deterrence()
    >>> t.players, t.node("in").labels
    (('Entrant', 'Incumbent'), ('fight', 'accommodate'))
    >>> entry_deterrence(symbolic=True).node("in/fight").payoffs
    (-f, -f)
    """
    params = {k: v for k, (v, _) in PARAMETERS.items()}
    params.update(values)
    tree = GameTree(
        decision("Entrant", {
            "out": terminal([0, "m"]),
            "in": decision("Incumbent", {"fight": terminal(["-f", "-f"]),
                                         "accommodate": terminal(["d", "d"])}),
        }),
        players=["Entrant", "Incumbent"], parameters=params, title="Entry deterrence",
        description="One round of the chain-store game: a threat to fight that is not credible.",
        sources=["Selten, R. (1978). The chain store paradox. Theory and Decision 9: 127-159."])
    return tree if symbolic else tree.with_defaults()
