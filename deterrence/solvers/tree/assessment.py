"""Assessments of a game tree: behaviour with beliefs, and sequential rationality checked exactly.

An *assessment* (Kreps and Wilson 1982) is a behaviour profile ``b`` with a
belief ``mu`` at every information set: a probability over its nodes. It is
*sequentially rational* when at every information set ``h`` of every player
``i`` the continuation of ``b_i`` from ``h`` is a best reply, over all of
``i``'s continuation strategies, to the others' behaviour, the start of play
at ``h`` drawn from ``mu(h)``; it is *consistent* when ``mu`` is the limit of
Bayes' rule along completely mixed profiles converging to ``b``. A
consistent, sequentially rational assessment is a sequential equilibrium.

Sources: D. M. Kreps and R. Wilson (1982), "Sequential equilibria",
Econometrica 50: 863-894; M. Osborne and A. Rubinstein, "A Course in Game
Theory" (MIT Press 1994), ch. 12. No code was copied.

Steps of :func:`sequential_violations` (exact, any number of players, perfect
recall):

1. at an information set ``h`` of player ``i``, start at its nodes with
   weights ``mu(n)``;
2. the value of ``b_i``: walk the subtrees, weights multiplied by chance and by
   every player's behaviour, summing weight times ``i``'s payoff at leaves;
3. the best value: the same walk with the others' behaviour fixed, stopping at
   ``i``'s own nodes; those are grouped by information set (perfect recall:
   all of a set's nodes are met together) and each set takes its best move,
   recursively (the sequence-form best reply, from the leaves up);
4. a gain of the best value over the value of ``b_i`` is a violation.

The Nash check (:func:`best_deviation_gains`) is step 3 from the root with weight 1.
:func:`limit_beliefs` takes the beliefs of a perturbed profile given as
polynomials in ``eps`` (coefficient lists): at each set, the reach
probabilities' lowest common order, normalised; these beliefs are consistent
by construction (the perturbed profiles are completely mixed and converge).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from deterrence.core.numbers import format_exact
from deterrence.core.tree import Chance, Terminal, path_name, require_recursion_room
from deterrence.errors import GameError
from deterrence.solvers.result import TreeEquilibrium

__all__ = ["Assessment", "bayes_beliefs", "continuation_value", "best_deviation_gains", "limit_beliefs",
           "sequential_violations"]


def _exact(v):
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def _exact_tree(tree, what: str, verb: str):
    """The tree checked: a symbolic one at its defaults, saying so once (``at_defaults``); the
    callers inside the package pass the numeric tree on, so a tool that calls another warns once."""
    from deterrence.core.tree import GameTree
    from deterrence.core.validate import at_defaults
    if not isinstance(tree, GameTree):
        raise GameError(f"an assessment needs a GameTree, got {type(tree).__name__}")
    return at_defaults(tree, what, verb)


def _dist(tree, behaviour, path):
    s = tree.infoset_of(path)
    dist = behaviour.get(s.key)
    if dist is None:
        raise GameError(f"no behaviour given at information set {s.name!r} of {s.player}")
    return s, dist


def continuation_value(tree, player, behaviour, start, best: bool = False):
    """``player``'s expected payoff from weighted start nodes, by ``behaviour`` or (``best``) by
    the best continuation strategy against the others' behaviour.

    ``behaviour``: ``{(player, set name): {move: probability}}``; ``start``: pairs
    ``(node path, weight)``. Exact numbers give an exact answer.

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> b = {("Entrant", "root"): {"out": 1, "in": 0}, ("Incumbent", "in"): {"fight": 1, "accommodate": 0}}
    >>> start = [(("in",), 1)]
    >>> continuation_value(t, "Incumbent", b, start), continuation_value(t, "Incumbent", b, start, best=True)
    (-1, 1)
    """
    tree = _exact_tree(tree, "continuation_value", "computed")
    require_recursion_room(tree, "the continuation values of an assessment")
    i = tree.player_index(player)
    name = tree.players[i]
    total = 0
    pending: dict = {}

    def walk(node, path, w):
        nonlocal total
        if not w:
            return
        if isinstance(node, Terminal):
            total += w * node.payoffs[i]
        elif isinstance(node, Chance):
            for m, p, child in node.moves:
                walk(child, path + (m,), w * p)
        elif best and node.player == name:
            pending.setdefault(tree.infoset_of(path).key, []).append((node, path, w))
        else:
            _, dist = _dist(tree, behaviour, path)
            for m, child in node.moves:
                walk(child, path + (m,), w * dist.get(m, 0))

    for path, w in start:
        walk(tree.node(path), tuple(path), w)
    for key, entries in pending.items():
        actions = tree.infosets[key].actions
        total += max(continuation_value(tree, player, behaviour,
                                        [(path + (a,), w) for _, path, w in entries], best=True)
                     for a in actions)
    return _exact(total)


def best_deviation_gains(tree, behaviour) -> tuple:
    """Each player's gain from the best deviation (0 for all: a Nash equilibrium).

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> best_deviation_gains(t, {("Entrant", "root"): {"out": 1, "in": 0},
    ...                     ("Incumbent", "in"): {"fight": 1, "accommodate": 0}})
    (0, 0)
    """
    tree = _exact_tree(tree, "best_deviation_gains", "checked")
    out = []
    for p in tree.players:
        start = [((), 1)]
        out.append(_exact(continuation_value(tree, p, behaviour, start, best=True)
                          - continuation_value(tree, p, behaviour, start)))
    return tuple(out)


def sequential_violations(tree, behaviour, beliefs) -> list:
    """Where an assessment is not sequentially rational: ``[(player, set name, gain)]``.

    ``beliefs``: ``{(player, set name): {node path name: probability}}`` at every
    information set (node paths named as in :func:`~deterrence.core.tree.path_name`).

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> b = {("Entrant", "root"): {"out": 1, "in": 0}, ("Incumbent", "in"): {"fight": 1, "accommodate": 0}}
    >>> mu = {("Entrant", "root"): {"root": 1}, ("Incumbent", "in"): {"in": 1}}
    >>> sequential_violations(t, b, mu)
    [('Incumbent', 'in', 2)]
    """
    tree = _exact_tree(tree, "sequential_violations", "checked")
    out = []
    for key, s in tree.infosets.items():
        if key not in beliefs:
            raise GameError(f"no belief given at information set {s.name!r} of {s.player}")
        mu = beliefs[key]
        start = [(p, mu.get(path_name(p), 0)) for p in s.paths]
        if sum(w for _, w in start) != 1:
            raise GameError(f"the belief at information set {s.name!r} of {s.player} does not sum to 1")
        gain = _exact(continuation_value(tree, s.player, behaviour, start, best=True)
                      - continuation_value(tree, s.player, behaviour, start))
        if gain > 0:
            out.append((s.player, s.name, gain))
    return out


def bayes_beliefs(tree, behaviour) -> dict:
    """Beliefs by Bayes' rule at every information set the profile reaches (others: absent).

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> bayes_beliefs(t, {("Entrant", "root"): {"out": 1, "in": 0},
    ...                   ("Incumbent", "in"): {"fight": 1, "accommodate": 0}})
    {('Entrant', 'root'): {'root': 1}}
    """
    tree = _exact_tree(tree, "bayes_beliefs", "computed")
    reach = tree.reach_probabilities(behaviour)
    out = {}
    for key, s in tree.infosets.items():
        total = sum(reach[p] for p in s.paths)
        if total:
            out[key] = {path_name(p): _exact(reach[p] / Fraction(total) if not isinstance(total, float)
                                             else reach[p] / total) for p in s.paths}
    return out


def _mul(p, q):
    out = [0] * (len(p) + len(q) - 1)
    for a, x in enumerate(p):
        if x:
            for b, y in enumerate(q):
                out[a + b] += x * y
    return out


def limit_beliefs(tree, reach_polynomial) -> dict:
    """Consistent beliefs at every information set from a perturbed profile.

    ``reach_polynomial(path)`` is the probability of reaching a decision node
    under the perturbed (completely mixed) profile, as coefficients of a
    polynomial in ``eps`` (constant first). At each set, the lowest order at
    which some node's reach is nonzero; the beliefs are those coefficients,
    normalised: the limit of Bayes' rule as ``eps -> 0``.

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence")
    >>> limit_beliefs(t, lambda path: [0, 1] if path else [1])
    {('Entrant', 'root'): {'root': 1}, ('Incumbent', 'in'): {'in': 1}}
    """
    out = {}
    for key, s in tree.infosets.items():
        polys = [list(reach_polynomial(p)) for p in s.paths]
        orders = [next((k for k, c in enumerate(q) if c), None) for q in polys]
        low = min((k for k in orders if k is not None), default=None)
        if low is None:
            # every move of the players has positive probability under the perturbation: only
            # chance moves of probability 0 can keep a set unreached
            raise GameError(f"information set {s.name!r} of {s.player} is never reached under the perturbation: "
                            "only chance moves of probability 0 lead to it (remove those moves)")
        coefs = [Fraction(q[low]) if low < len(q) else Fraction(0) for q in polys]
        total = sum(coefs)
        out[key] = {path_name(p): _exact(c / total) for p, c in zip(s.paths, coefs)}
    return out


def reach_product(*factors):
    """The product of polynomials in ``eps`` (coefficient lists), e.g. chance and each player's plan.

    >>> reach_product([1, 1], [0, 2])
    [0, 2, 2]
    """
    out = [1]
    for f in factors:
        out = _mul(out, list(f))
    return out


__all__ += ["reach_product"]


@dataclass(frozen=True)
class Assessment(TreeEquilibrium):
    """A tree equilibrium with beliefs: ``beliefs`` maps ``(player, information set)`` to
    ``{node path name: probability}`` at every information set. ``to_json()`` adds
    ``"beliefs"`` keyed by information set name (as ``"strategies"`` is).

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> b = {("Entrant", "root"): "in", ("Incumbent", "in"): "accommodate"}
    >>> a = Assessment.from_behaviour(t, b).with_beliefs({("Entrant", "root"): {"root": 1},
    ...                                                   ("Incumbent", "in"): {"in": 1}})
    >>> a.to_json()["beliefs"]
    {'Entrant': {'root': {'root': '1'}}, 'Incumbent': {'in': {'in': '1'}}}
    """

    beliefs: dict = field(default_factory=dict, hash=False)

    def with_beliefs(self, beliefs) -> Assessment:
        """A copy of the assessment with ``beliefs`` in place of its own."""
        from dataclasses import replace
        return replace(self, beliefs=dict(beliefs))

    def to_json(self) -> dict:
        """The assessment as a JSON-ready dict: the equilibrium's, and ``beliefs`` (player ->
        information set -> node -> probability, exact)."""
        out = super().to_json()
        per: dict = {p: {} for p in self.players}
        for (player, name), mu in self.beliefs.items():
            per[player][name] = {node: format_exact(q) for node, q in mu.items()}
        out["beliefs"] = per
        return out

    def details(self) -> list:
        lines = super().details()
        shown = [f"{name}: " + ", ".join(f"{format_exact(q)} {node}" for node, q in mu.items() if q)
                 for (_, name), mu in self.beliefs.items() if len(mu) > 1]
        if shown:
            lines.append("beliefs: " + "; ".join(shown))
        return lines
