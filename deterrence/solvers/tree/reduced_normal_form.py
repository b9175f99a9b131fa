"""The reduced normal form of a game tree, and non-credible threats.

A pure strategy of a player names a move at each of the player's information
sets; the *reduced* strategy leaves out (writes ``*`` for) the sets that the
player's own earlier moves rule out. The reduced normal form has one row or
column per reduced strategy, labelled ``"hold/retaliate"`` (moves in order
of the information sets), and expected payoffs (chance moves averaged).

Its Nash equilibria are the Nash equilibria of the tree (:func:`tree_nash`);
those that are not subgame perfect rest on non-credible threats
(:mod:`deterrence.solvers.tree.threats`).

Sources: Kuhn (1953); Selten (1965, 1975); Gibbons, R. (1992). Game Theory
for Applied Economists, sec. 2.1-2.4. Princeton UP. Osborne and Rubinstein
(1994), ch. 6; von Stengel, B. (2022). Game Theory Basics, ch. 4.

Steps:

1. enumerate each player's reduced strategies (information sets in preorder;
   a set is given a move only when some node of it is reachable given the
   player's own earlier moves);
2. evaluate every profile by walking the tree (exact or symbolic arithmetic);
3. (``tree_nash``) solve the reduced normal form by a stage-game method.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

from deterrence.core.numbers import is_symbolic
from deterrence.core.tree import Chance, GameTree, fold_tree, path_name
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError

#: largest number of profiles (cells) a reduced normal form may have.
MAX_PROFILES = 200_000


def reduced_strategies(tree: GameTree, player) -> list:
    """A player's reduced pure strategies: dicts information-set name -> move.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> reduced_strategies(entry_deterrence(), "Incumbent")
    [{'in': 'fight'}, {'in': 'accommodate'}]
    """
    name = tree.players[tree.player_index(player)]
    sets = tree.infosets_of(name)
    results = [{}]
    for s in sets:
        histories = [tree.own_history(p, name) for p in s.paths]
        new = []
        for strat in results:
            if any(all(strat.get(h) == a for h, a in hist) for hist in histories):
                new.extend({**strat, s.name: a} for a in s.actions)
            else:
                new.append(strat)
            if len(new) > MAX_PROFILES:
                raise TooLargeError(f"{name} has more than {MAX_PROFILES} reduced strategies")
        results = new
    return results


def strategy_label(tree: GameTree, player, strategy: dict) -> str:
    """The label of a reduced strategy: moves joined by ``/``, ``*`` where none.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> strategy_label(entry_deterrence(), "Entrant", {"root": "in"})
    'in'
    """
    sets = tree.infosets_of(player)
    if not sets:
        return "(no move)"
    return "/".join(strategy.get(s.name, "*") for s in sets)


def expected_payoffs(tree: GameTree, behaviour: dict, at=()) -> tuple:
    """Expected payoffs from node ``at`` when play follows ``behaviour``.

    ``behaviour`` maps ``(player, information set name)`` to a move label or
    to a mapping move -> probability.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> t = entry_deterrence()
    >>> expected_payoffs(t, {("Entrant", "root"): "in", ("Incumbent", "in"): "fight"})
    (-1, -1)
    """
    n = len(tree.players)
    weights = {}              # path -> the probabilities of the moves played there

    def branches(node, path):
        """The moves play can take (probability not 0), with their probabilities kept."""
        if isinstance(node, Chance):
            probs = node.probabilities
        else:
            key = (node.player, tree.infoset_of(path).name)
            if key not in behaviour:
                raise GameError(f"no move given for {node.player} at node {path_name(path)} "
                                f"(information set {key[1]!r})")
            b = behaviour[key]
            dist = {b: 1} if isinstance(b, str) else b
            probs = [dist.get(m, 0) for m in node.labels]
        kept = [(p, m, c) for p, m, c in zip(probs, node.labels, node.children) if is_symbolic(p) or p != 0]
        weights[path] = [p for p, _, _ in kept]
        return [(m, c) for _, m, c in kept]

    def combine(node, path, below, values):
        total = [0] * n
        for p, vals in zip(weights.pop(path), values):
            total = [t + p * v for t, v in zip(total, vals)]
        return tuple(_simplify(v) for v in total)

    at = tuple(at) if not isinstance(at, str) else (() if at in ("", "root") else tuple(at.split("/")))
    return fold_tree(tree.node(at), lambda node, path: node.payoffs, combine, branches=branches, path=at)


def _simplify(v):
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def pure_behaviour(tree, player, strategy):
    """A reduced strategy (information set -> move) as a behaviour mapping of ``player``.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> pure_behaviour(entry_deterrence(), "Incumbent", {"in": "fight"})
    {('Incumbent', 'in'): 'fight'}
    """
    return {(player, k): v for k, v in strategy.items()}


def reduced_normal_form(tree: GameTree):
    """The reduced normal form as a :class:`~deterrence.NormalFormGame`.

    ``game.extra["strategies"]`` holds, per player, the reduced strategies
    (dicts information-set name -> move) in the order of the labels.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> g = reduced_normal_form(entry_deterrence())
    >>> g.actions
    (('out', 'in'), ('fight', 'accommodate'))
    >>> g.payoff(("in", "fight"))
    (-1, -1)
    """
    from deterrence.core.normal_form import NormalFormGame
    strategies = [reduced_strategies(tree, p) for p in tree.players]
    size = 1
    for s in strategies:
        size *= len(s)
    if size > MAX_PROFILES:
        raise TooLargeError(f"the reduced normal form would have {size} profiles, over the limit of {MAX_PROFILES}")
    labels = [[strategy_label(tree, p, s) for s in strats] for p, strats in zip(tree.players, strategies)]
    for labs in labels:
        if len(set(labs)) != len(labs):  # labels with '/' inside moves could collide
            labs[:] = [f"{k}:{lab}" for k, lab in enumerate(labs)]
    shape = tuple(len(s) for s in strategies)
    import numpy as np
    arrays = [np.empty(shape, dtype=object) for _ in tree.players]
    for idx in itertools.product(*(range(k) for k in shape)):
        beh = {}
        for p, strats, j in zip(tree.players, strategies, idx):
            beh.update(pure_behaviour(tree, p, strats[j]))
        for arr, v in zip(arrays, expected_payoffs(tree, beh)):
            arr[idx] = v
    params = tree.parameters if tree.is_symbolic else None
    return NormalFormGame(arrays, players=tree.players, actions=labels, parameters=params,
                          title=(tree.title + " (reduced normal form)") if tree.title else "",
                          extra={"strategies": tuple(tuple(s) for s in strategies)})


def tree_nash(tree: GameTree, method: str | None = None, **options):
    """Nash equilibria of a tree through its reduced normal form.

    ``method`` (and ``options``) name the stage-game method that solves the
    reduced normal form (default: as :func:`deterrence.solvers.solve`). The
    result's equilibria are mixtures of reduced strategies, labelled as in
    :func:`strategy_label`.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> r = tree_nash(entry_deterrence(), "pure")
    >>> [e.describe() for e in r], r.method, r.options
    (['Entrant: out; Incumbent: fight  (payoffs 0, 2)', 'Entrant: in; Incumbent: accommodate  (payoffs 1, 1)'],
    'tree_nash', {'method': 'pure'})
    """
    return _tree_nash("tree_nash", tree, method, options)


def _tree_nash(what: str, tree, method, options):
    """:func:`tree_nash` as the tool ``what`` (tree_nash, bayesian_nash) calls it: a symbolic
    tree at its defaults, saying so under that name."""
    import dataclasses

    from deterrence.solvers import solve
    if not isinstance(tree, GameTree):
        raise GameError(f"{what} needs a GameTree, got {type(tree).__name__}")
    given = tree
    tree = at_defaults(tree, what)
    if method is not None:
        from deterrence.solvers import check_options
        check_options(method, options, passed_by="tree_nash")
    result = solve(reduced_normal_form(tree), method, **options)
    return dataclasses.replace(result, method="tree_nash", game=given, parameters=tree.parameters,
                               options={"method": result.method, **options})


__all__ = ["reduced_strategies", "strategy_label", "expected_payoffs", "pure_behaviour", "reduced_normal_form",
           "tree_nash"]
