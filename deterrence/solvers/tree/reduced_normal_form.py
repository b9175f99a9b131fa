"""The reduced normal form of a game tree, and non-credible threats.

A pure strategy of a player names a move at each of the player's information
sets; the *reduced* strategy leaves out (writes ``*`` for) the sets that the
player's own earlier moves rule out. The reduced normal form has one row or
column per reduced strategy, labelled ``"hold/retaliate"`` (moves in order
of the information sets), and expected payoffs (chance moves averaged).

Its Nash equilibria are the Nash equilibria of the tree; those that are not
subgame perfect rest on *non-credible threats*: a move that a player plans
at a node off the path of play but would not carry out if the node were
reached. :func:`noncredible_threats` names the node (or, for an information
set with several nodes, the set and the smallest subgame that holds it), the
move, the better move and the gain from breaking the threat.

Sources: Kuhn (1953); Selten (1965, 1975); Gibbons, R. (1992). Game Theory
for Applied Economists, sec. 2.1-2.4. Princeton UP. Osborne and Rubinstein
(1994), ch. 6; von Stengel, B. (2022). Game Theory Basics, ch. 4.

Steps:

1. enumerate each player's reduced strategies (information sets in preorder;
   a set is given a move only when some node of it is reachable given the
   player's own earlier moves);
2. evaluate every profile by walking the tree (exact or symbolic arithmetic);
3. for threats: solve the reduced normal form for pure equilibria, compare
   each with the subgame-perfect equilibria, and at every decision node
   compare the planned move with the best move given the rest of the profile.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from deterrence.core.numbers import format_exact, is_symbolic
from deterrence.core.tree import Chance, GameTree, Terminal, path_name
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

    def value(node, path):
        if isinstance(node, Terminal):
            return node.payoffs
        if isinstance(node, Chance):
            moves = [(p, path + (m,), c) for m, p, c in node.moves]
        else:
            key = (node.player, tree.infoset_of(path).name)
            if key not in behaviour:
                raise GameError(f"no move given for {node.player} at node {path_name(path)} "
                                f"(information set {key[1]!r})")
            b = behaviour[key]
            dist = {b: 1} if isinstance(b, str) else b
            moves = [(dist.get(m, 0), path + (m,), c) for m, c in node.moves]
        total = [0] * n
        for p, cpath, child in moves:
            if (not is_symbolic(p)) and p == 0:
                continue
            vals = value(child, cpath)
            total = [t + p * v for t, v in zip(total, vals)]
        return tuple(_simplify(v) for v in total)

    return value(tree.node(at), tuple(at) if not isinstance(at, str) else
                 (() if at in ("", "root") else tuple(at.split("/"))))


def _simplify(v):
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def _pure_behaviour(tree, player, strategy):
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
    for p, labs in zip(tree.players, labels):
        if len(set(labs)) != len(labs):  # labels with '/' inside moves could collide
            labs[:] = [f"{k}:{lab}" for k, lab in enumerate(labs)]
    shape = tuple(len(s) for s in strategies)
    import numpy as np
    arrays = [np.empty(shape, dtype=object) for _ in tree.players]
    for idx in itertools.product(*(range(k) for k in shape)):
        beh = {}
        for p, strats, j in zip(tree.players, strategies, idx):
            beh.update(_pure_behaviour(tree, p, strats[j]))
        for arr, v in zip(arrays, expected_payoffs(tree, beh)):
            arr[idx] = v
    params = tree.parameters if tree.is_symbolic else None
    return NormalFormGame(arrays, players=tree.players, actions=labels, parameters=params,
                          title=(tree.title + " (reduced normal form)") if tree.title else "",
                          extra={"strategies": tuple(tuple(s) for s in strategies)})


def tree_nash(tree: GameTree, method: str | None = None, **options):
    """Nash equilibria of a tree through its reduced normal form (a SolveResult).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> [e.describe() for e in tree_nash(entry_deterrence(), "pure")]
    ['Entrant: out; Incumbent: fight  (payoffs 0, 2)', 'Entrant: in; Incumbent: accommodate  (payoffs 1, 1)']
    """
    from deterrence.solvers import solve
    if not isinstance(tree, GameTree):
        raise GameError(f"tree_nash needs a GameTree, got {type(tree).__name__}")
    if tree.is_symbolic:
        tree = tree.with_defaults()
    return solve(reduced_normal_form(tree), method, **options)


@dataclass(frozen=True)
class Threat:
    """A move planned at ``node`` that ``player`` would not carry out."""

    node: str
    player: str
    planned: str
    better: str
    gain: object
    planned_payoff: object
    better_payoff: object

    def describe(self) -> str:
        where = self.node if self.node.startswith("information set") else f"node {self.node}"
        return (f"at {where}, {self.player} would not carry out {self.planned!r}: "
                f"{self.better!r} gives {format_exact(self.better_payoff)} instead of "
                f"{format_exact(self.planned_payoff)} (gain {format_exact(self.gain)})")


@dataclass(frozen=True)
class NashExplanation:
    """A pure Nash equilibrium of the reduced normal form and why it is or is not subgame perfect."""

    profile: tuple
    payoffs: tuple
    subgame_perfect: bool
    threats: tuple

    def describe(self) -> str:
        head = "(" + ", ".join(self.profile) + ")"
        if self.subgame_perfect:
            return f"{head}: subgame perfect"
        return f"{head}: not subgame perfect; " + "; ".join(t.describe() for t in self.threats)


def noncredible_threats(tree: GameTree) -> list:
    """Each pure Nash equilibrium of the reduced normal form, with its non-credible threats.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> for e in noncredible_threats(entry_deterrence()):
    ...     print(e.describe())
    (out, fight): not subgame perfect; at node in, Incumbent would not carry out 'fight': 'accommodate' gives 1 instead of -1 (gain 2)
    (in, accommodate): subgame perfect
    """
    from deterrence.solvers.tree.backward_induction import subgame_perfect, subgame_roots
    from deterrence.solvers import solve
    if tree.is_symbolic:
        tree = tree.with_defaults()
    nf = reduced_normal_form(tree)
    strategies = nf.extra["strategies"]
    spe = subgame_perfect(tree)
    spe_beh = [e.behaviour for e in spe.equilibria]
    out = []
    for eq in solve(nf, "pure").equilibria:
        idx = [s.index(1) for s in eq.strategies]
        beh = {}
        for p, strats, j in zip(tree.players, strategies, idx):
            beh.update(_pure_behaviour(tree, p, strats[j]))
        perfect = any(all(b.get(k, {}).get(v) == 1 for k, v in beh.items()) for b in spe_beh)
        threats = []
        if not perfect:
            # complete the unassigned information sets with a subgame-perfect choice
            full = dict(beh)
            if spe_beh:
                for k, v in spe_beh[0].items():
                    full.setdefault(k, dict(v))
            roots = subgame_roots(tree)
            for s in tree.infosets.values():
                planned = beh.get(s.key)
                if not isinstance(planned, str):
                    continue
                i = tree.player_index(s.player)
                if len(s.paths) == 1:   # a singleton: compare moves at the node itself
                    path = s.paths[0]
                    vals = {m: expected_payoffs(tree, full, path + (m,))[i] for m in s.actions}
                    where = path_name(path)
                else:                   # evaluate in the smallest subgame holding the set
                    root = max((r for r in roots if all(p[:len(r)] == r for p in s.paths)), key=len)
                    vals = {m: expected_payoffs(tree, {**full, s.key: m}, root)[i] for m in s.actions}
                    where = f"information set {s.name!r} (subgame at {path_name(root)})"
                best = max(vals.values())
                if best > vals[planned]:
                    better = next(m for m in s.actions if vals[m] == best)
                    threats.append(Threat(where, s.player, planned, better,
                                          best - vals[planned], vals[planned], best))
        out.append(NashExplanation(tuple(nf.actions[i][j] for i, j in enumerate(idx)),
                                   eq.payoffs, perfect, tuple(threats)))
    return out


def threats_report(tree: GameTree) -> str:
    """A text report: the pure Nash equilibria and the threats that are not credible.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> print(threats_report(entry_deterrence()))
    2 pure Nash equilibria in the reduced normal form, 1 subgame perfect:
      (out, fight): not subgame perfect; at node in, Incumbent would not carry out 'fight': 'accommodate' gives 1 instead of -1 (gain 2)
      (in, accommodate): subgame perfect
    """
    found = noncredible_threats(tree)
    good = sum(1 for e in found if e.subgame_perfect)
    lines = [f"{len(found)} pure Nash equilibri{'um' if len(found) == 1 else 'a'} in the reduced "
             f"normal form, {good} subgame perfect:"]
    lines += ["  " + e.describe() for e in found]
    return "\n".join(lines)


__all__ = ["threats_report", "reduced_strategies", "strategy_label", "expected_payoffs", "reduced_normal_form",
           "tree_nash", "noncredible_threats", "Threat", "NashExplanation"]
