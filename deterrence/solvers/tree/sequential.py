"""A sequential equilibrium of a game tree: behaviour with consistent beliefs, checked exactly.

A sequential equilibrium (Kreps and Wilson 1982) is an assessment: behaviour
at every information set and a belief over its nodes, the beliefs the limit
of Bayes' rule along completely mixed profiles that converge to the behaviour
(consistency), every player's continuation optimal at every information set
given the beliefs (sequential rationality).

Sources: D. M. Kreps and R. Wilson (1982), "Sequential equilibria",
Econometrica 50: 863-894; E. van Damme (1984) (quasi-perfect equilibria are
sequential); R. D. McKelvey and T. R. Palfrey (1998), "Quantal response
equilibria for extensive form games", Experimental Economics 1: 9-41 (limits
of agent QREs are sequential).

Steps of :func:`sequential_equilibrium`:

1. two players: the quasi-perfect equilibrium of the perturbed sequence form
   (:func:`~deterrence.solvers.tree.quasi_perfect.quasi_perfect`); the
   perturbed plans are polynomials in ``eps``, completely mixed, so the limit
   of Bayes' rule under them (exact, from the lowest-order terms) is a
   consistent belief at every information set;
2. any other number of players (or if step 1 fails): the end of the agent
   logit QRE branch (:func:`~deterrence.solvers.tree.agent_qre.agent_qre`),
   its beliefs the limit of Bayes' rule along the branch, made exact;
3. either way, sequential rationality given the beliefs is checked exactly at
   every information set against every continuation strategy
   (:func:`~deterrence.solvers.tree.assessment.sequential_violations`) before
   the assessment is returned.
"""
from __future__ import annotations

from dataclasses import replace

from deterrence.core.tree import GameTree
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, SolverError

__all__ = ["sequential_equilibrium"]


def sequential_equilibrium(tree: GameTree):
    """One sequential equilibrium with its beliefs (an
    :class:`~deterrence.solvers.tree.assessment.Assessment`), exact and checked.

    In Beer-Quiche both types drink beer; after the unsent quiche the receiver
    believes the sender weak with probability 1/2 and mixes:

    >>> from deterrence import load_game
    >>> r = sequential_equilibrium(load_game("beer_quiche"))
    >>> r[0].beliefs[("B", "after_quiche")], r.method, r.concept
    ({'weak/quiche': Fraction(1, 2), 'strong/quiche': Fraction(1, 2)}, 'sequential', 'sequential')
    """
    from deterrence.solvers.tree.quasi_perfect import quasi_perfect
    if not isinstance(tree, GameTree):
        raise GameError(f"a sequential equilibrium needs a GameTree, got {type(tree).__name__}")
    tree = at_defaults(tree, "sequential_equilibrium")
    notes = ()
    if len(tree.players) == 2:
        try:
            res = quasi_perfect(tree)
            how = "two players: the quasi-perfect equilibrium of the perturbed sequence form"
            return replace(res, method="sequential", concept="sequential", kind="sequential",
                           notes=(how,) + tuple(res.notes))
        except SolverError as exc:
            notes = (f"the quasi-perfect perturbation failed ({exc}); the agent QRE limit instead",)
    from deterrence.solvers.tree.agent_qre import agent_qre   # only here: its import is not free
    res = agent_qre(tree)
    return replace(res, method="sequential", concept="sequential",
                   notes=notes + ("the end of the agent logit QRE branch",) + tuple(res.notes))
