"""Generalised Kuhn poker: Kuhn's three-card poker with any number of cards.

Each player antes 1 and is dealt one of ``cards`` cards (ranked 0 < 1 < ...;
no two alike, every deal equally likely); player 1 checks or bets 1; after a
check player 2 checks (showdown for 1) or bets 1, and player 1 then folds or
calls (showdown for 2); after a bet player 2 folds or calls (showdown for 2).
The higher card wins a showdown. A zero-sum tree with ``8 cards + 2``
sequences (162 with 20 cards) whose reduced normal form has ``3**cards``
strategies for player 1 and ``4**cards`` for player 2: the sequence form's reach, where a normal form is
hopeless. Its optimal plans are many (a set of equilibria with
``|X*| * |Y*|`` extreme points: 388 with 7 cards, 1,296 with 10, 13,440 with
12), which the zero-sum search of
:mod:`~deterrence.solvers.tree.sequence_zero_sum` lists.

Sources: H. W. Kuhn (1950), "A simplified two-person poker", Contributions to
the Theory of Games 1: 97-103 (three cards, value -1/18 for player 1);
generalisations to n cards as in the computational game-theory literature
(e.g. the benchmarks of Hoda, Gilpin, Pena and Sandholm 2010).

Steps: one chance node over the ``cards * (cards - 1)`` deals; each
player's information sets are named by the player's own card and the
history (``"1:c3"``, ``"1:c3:check-bet"``; ``"2:c5:bet"``, ``"2:c5:check"``).
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import GameTree, chance, decision, terminal
from deterrence.errors import GameError, TooLargeError

#: most cards: the tree has ``cards * (cards - 1)`` deals of 9 nodes each (100 cards: 89,100
#: nodes, 802 sequences, about 2 s to build), far past what the sequence-form search can list
#: (16 cards are refused by its guard); one equilibrium (sequence_lcp) still runs there
MAX_CARDS = 100


def generalised_kuhn_poker(cards: int = 3) -> GameTree:
    """Kuhn poker with ``cards`` cards (at least 2), exact payoffs; players ``"P1"``, ``"P2"``.

    >>> from deterrence.solvers import solve
    >>> result = solve(generalised_kuhn_poker(3), "sequence_form")
    >>> len(result), result[0].payoffs
    (2, (Fraction(-1, 18), Fraction(1, 18)))
    """
    if isinstance(cards, bool) or not isinstance(cards, int) or cards < 2:
        raise GameError(f"generalised Kuhn poker needs at least 2 cards (an integer), got {cards!r}")
    if cards > MAX_CARDS:
        raise TooLargeError(f"generalised Kuhn poker with {cards} cards has {cards * (cards - 1):,} deals; "
                            f"at most {MAX_CARDS} cards are built")
    deal = Fraction(1, cards * (cards - 1))
    deals = {}
    for mine in range(cards):
        for theirs in range(cards):
            if mine == theirs:
                continue
            sign = 1 if mine > theirs else -1

            def showdown(stake, sign=sign):
                return terminal([sign * stake, -sign * stake])
            deals[f"c{mine}-c{theirs}"] = (deal, decision("P1", {
                "check": decision("P2", {
                    "check": showdown(1),
                    "bet": decision("P1", {"fold": terminal([-1, 1]), "call": showdown(2)},
                                    infoset=f"1:c{mine}:check-bet"),
                }, infoset=f"2:c{theirs}:check"),
                "bet": decision("P2", {"fold": terminal([1, -1]), "call": showdown(2)}, infoset=f"2:c{theirs}:bet"),
            }, infoset=f"1:c{mine}"))
    return GameTree(chance(deals), players=["P1", "P2"],
                    title=f"Generalised Kuhn poker, {cards} cards")


__all__ = ["generalised_kuhn_poker", "MAX_CARDS"]
