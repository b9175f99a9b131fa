"""Games of incomplete information: types drawn by chance (Harsanyi).

A defender may be *hard* (its threat to resist is credible) or *soft*; nature
draws the type, the defender knows it, the challenger holds a prior. This
module finds

* Bayesian Nash equilibria, through the reduced normal form (a strategy of
  the informed player is a plan per type, labelled ``"resist/concede"``);
* (weak) perfect Bayesian equilibria in pure strategies: a strategy profile
  and beliefs at every information set such that beliefs follow Bayes' rule
  where it applies and every move is optimal given the beliefs;
* the **credibility threshold**: the prior on the defender being hard above
  which the challenger is deterred, exactly and as a sympy closed form.

Sources: Harsanyi, J. C. (1967-68). Games with incomplete information played
by "Bayesian" players, I-III. Management Science 14. Fudenberg, D. and
Tirole, J. (1991). Perfect Bayesian equilibrium and sequential equilibrium.
Journal of Economic Theory 53: 236-260. Zagare, F. C. and Kilgour, D. M.
(2000). Perfect Deterrence. Cambridge UP.

Steps of :func:`perfect_bayesian_equilibria`: enumerate pure profiles (one
move per information set); compute the probability of reaching each node;
set beliefs by Bayes' rule on the path; off the path, look for beliefs that
make the chosen move optimal (exactly, over the vertices of the polytope of
supporting beliefs); keep profiles in which every move is optimal. Steps of :func:`credibility_threshold`: fix the later
movers' sequentially rational moves (backward induction at the default
values), write the uninformed player's expected payoff of each move as a
formula in the prior, and solve the indifference equation with sympy.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from deterrence.core.exact import solve as solve_exactly
from deterrence.core.numbers import format_exact
from deterrence.core.symbolic import as_sympy
from deterrence.core.tree import Chance, GameTree, path_name
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.result import TextRepr
from deterrence.solvers.tree.reduced_normal_form import _tree_nash, expected_payoffs

MAX_PROFILES = 100_000


def bayesian_nash(tree: GameTree, method: str | None = None, **options):
    """Bayesian Nash equilibria: the Nash equilibria of the reduced normal form.

    >>> from deterrence.models.zagare_kilgour import unilateral_deterrence
    >>> [e.describe() for e in bayesian_nash(unilateral_deterrence(), "pure")]
    ['Challenger: status_quo; Defender: concede/resist  (payoffs 0, 0)', 'Challenger: status_quo; Defender:
    resist/concede  (payoffs 0, 0)', 'Challenger: status_quo; Defender: resist/resist  (payoffs 0, 0)']
    """
    return _tree_nash("bayesian_nash", tree, method, options)


@dataclass(frozen=True)
class PBE(TextRepr):
    """A perfect Bayesian equilibrium: moves per information set, beliefs, payoffs."""

    moves: dict
    beliefs: dict
    payoffs: tuple

    def describe(self) -> str:
        moves = ", ".join(f"{p} {m} at {s}" for (p, s), m in self.moves.items())
        beliefs = "; ".join(f"{s}: " + ", ".join(f"{format_exact(q)} at {n}" for n, q in b.items())
                            for (_, s), b in self.beliefs.items() if len(b) > 1)
        return moves + (f"  [beliefs {beliefs}]" if beliefs else "") + \
            "  (payoffs " + ", ".join(map(format_exact, self.payoffs)) + ")"

    def to_json(self) -> dict:
        """Player -> information set -> move (``moves``) and -> node -> probability (``beliefs``), as the
        solve JSON of ``sequential`` and ``quasi_perfect`` nests them (they were keyed ``"player:set"``,
        which reads as a Gambit ``"P:I"`` name).

        >>> from deterrence import load_game
        >>> perfect_bayesian_equilibria(load_game("beer_quiche"))[0].to_json()["beliefs"]["B"]["after_beer"]
        {'weak/beer': '1/10', 'strong/beer': '9/10'}
        """
        moves: dict = {}
        beliefs: dict = {}
        for (p, s), m in self.moves.items():
            moves.setdefault(p, {})[s] = m
        for (p, s), b in self.beliefs.items():
            beliefs.setdefault(p, {})[s] = {n: format_exact(q) for n, q in b.items()}
        return {"moves": moves, "beliefs": beliefs, "payoffs": [format_exact(v) for v in self.payoffs]}


def supporting_belief(values: dict, chosen: str):
    """An exact belief (over the nodes of a set) under which ``chosen`` is optimal, or None.

    ``values[a][j]`` is the payoff of move ``a`` at node ``j``. The beliefs that
    support ``chosen`` form a polytope; its vertices are found by solving every
    system of tight constraints exactly.

    >>> supporting_belief({"punish": [1, -1], "ignore": [0, 0]}, "punish")
    (Fraction(1, 1), Fraction(0, 1))
    >>> supporting_belief({"a": [0, 0], "b": [1, 1]}, "a") is None
    True
    """
    k = len(values[chosen])
    diffs = [[x - y for x, y in zip(values[chosen], v)] for a, v in values.items() if a != chosen]
    cons = [[1 if j == i else 0 for j in range(k)] for i in range(k)] + diffs   # each row . b >= 0
    for tight in itertools.combinations(range(len(cons)), k - 1):
        rows = [cons[t] for t in tight] + [[1] * k]
        try:
            b = [Fraction(x) for x in solve_exactly(rows, [0] * (k - 1) + [1])]
        except ZeroDivisionError:
            continue
        if all(sum(Fraction(c) * x for c, x in zip(row, b)) >= 0 for row in cons):
            return tuple(b)
    return None


def perfect_bayesian_equilibria(tree: GameTree) -> list:
    """Pure-strategy (weak) perfect Bayesian equilibria with beliefs.

    On the path, beliefs follow Bayes' rule exactly. Off the path, a move is
    accepted when some belief supports it; that belief (a vertex of the set
    of supporting beliefs) is found exactly by :func:`supporting_belief`.

    >>> from deterrence.models.zagare_kilgour import unilateral_deterrence
    >>> for e in perfect_bayesian_equilibria(unilateral_deterrence()):
    ...     print(e.describe())
    Challenger status_quo at challenger, Defender resist at hard/challenge, Defender concede at soft/challenge
    [beliefs challenger: 1/2 at hard, 1/2 at soft]  (payoffs 0, 0)
    """
    tree = at_defaults(tree, "perfect_bayesian_equilibria")
    tree.check_perfect_recall("perfect Bayesian equilibrium")
    sets = list(tree.infosets.values())
    size = 1
    for s in sets:
        size *= len(s.actions)
    if size > MAX_PROFILES:
        raise TooLargeError(f"{size} pure profiles, over the limit of {MAX_PROFILES}")
    out = []
    for moves in itertools.product(*(s.actions for s in sets)):
        profile = {s.key: m for s, m in zip(sets, moves)}
        reach = tree.reach_probabilities({key: {move: 1} for key, move in profile.items()})
        beliefs, ok = {}, True
        for s in sets:
            i = tree.player_index(s.player)
            total = sum(reach[p] for p in s.paths)
            values = {a: [expected_payoffs(tree, profile, p + (a,))[i] for p in s.paths] for a in s.actions}
            chosen = profile[s.key]
            if total > 0:
                b = tuple(reach[p] / total for p in s.paths)
                ev = {a: sum(q * v for q, v in zip(b, vals)) for a, vals in values.items()}
                found = b if ev[chosen] == max(ev.values()) else None
            else:   # off the path: any belief that supports the move
                found = supporting_belief(values, chosen)
            if found is None:
                ok = False
                break
            beliefs[s.key] = {path_name(p): _n(q) for p, q in zip(s.paths, found)}
        if ok:
            out.append(PBE(profile, beliefs, expected_payoffs(tree, profile)))
    return out


def _n(q):
    return q.numerator if isinstance(q, Fraction) and q.denominator == 1 else q


def credibility_threshold(tree: GameTree, prior: str = "p", player: str = "Challenger",
                          infoset: str = "challenger", deterred: str = "status_quo"):
    """The prior value at which ``player`` is indifferent between being deterred and not.

    Later movers play their subgame-perfect moves at the parameters' default
    values; the uninformed player's expected payoffs are then formulas in all
    parameters, and the indifference equation is solved for ``prior``.
    Deterrence succeeds when the prior on a resolute defender is above it. With
    ``prior=None`` the threshold is a number, on the probability of the root's first
    chance move: a symbolic tree is taken at its parameters' default values, which a
    :class:`~deterrence.errors.DefaultValuesWarning` says (it was silent).

    >>> from deterrence.models.zagare_kilgour import unilateral_deterrence
    >>> credibility_threshold(unilateral_deterrence(symbolic=True))
    (sqC - winC)/(warC - winC)
    >>> credibility_threshold(unilateral_deterrence(), prior=None)
    Fraction(2, 5)
    """
    import sympy

    from deterrence.core.symbolic import parameter_symbol
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    if prior is None:      # a number at the defaults: said, as the other tools say it
        numeric = at_defaults(tree, "credibility_threshold", "computed")
    else:
        numeric = tree.with_defaults() if tree.is_symbolic else tree
    s = [x for x in tree.infosets_of(player) if x.name == infoset]
    if not s:
        raise GameError(f"{player} has no information set {infoset!r}")
    s = s[0]
    if deterred not in s.actions:
        raise GameError(f"{deterred!r} is not a move at {infoset!r}; moves are {', '.join(s.actions)}")
    later = {}
    # later movers: backward induction in the subgames after the information set
    for eq in subgame_perfect(numeric).equilibria[:1]:
        for key, dist in eq.behaviour.items():
            if key != s.key:
                later[key] = next(a for a, q in dist.items() if q == 1) if any(q == 1 for q in dist.values()) else dist
    i = tree.player_index(player)
    sym = tree.is_symbolic

    def weight(path):
        w = 1
        for k in range(len(path)):
            node = tree.node(path[:k])
            if isinstance(node, Chance):
                w = w * dict((m, p) for m, p, _ in node.moves)[path[k]]
        return w

    def eu(action):
        total = 0
        for p in s.paths:
            total += weight(p) * expected_payoffs(tree, later, p + (action,))[i]
        return total

    others = [a for a in s.actions if a != deterred]
    diffs = [eu(a) - eu(deterred) for a in others]
    if prior is None or not sym:
        # numeric tree: solve for the prior on the first chance move of the root
        root = numeric.root
        if not isinstance(root, Chance):
            raise GameError("a numeric threshold needs types drawn at the root")
        q = sympy.Symbol("q", real=True)
        first = root.labels[0]
        probs = {first: q, **{m: (1 - q) * pr / (1 - root.probabilities[0]) for m, pr, _ in root.moves[1:]}} \
            if root.probabilities[0] != 1 else {first: q}
        total = 0
        for p in s.paths:
            w = probs[p[0]]
            for k in range(1, len(p)):
                node = numeric.node(p[:k])
                if isinstance(node, Chance):
                    w = w * dict((m, pr) for m, pr, _ in node.moves)[p[k]]
            total += w * (expected_payoffs(numeric, later, p + (others[0],))[i]
                          - expected_payoffs(numeric, later, p + (deterred,))[i])
        sol = sympy.solve(as_sympy(total), q)
        if not sol:
            raise GameError("the challenger is never indifferent: no threshold")
        from deterrence.core.numbers import to_exact
        return Fraction(to_exact(sol[0]))
    sol = sympy.solve(diffs[0], parameter_symbol(prior))
    if not sol:
        raise GameError(f"no value of {prior} makes {player} indifferent")
    return sympy.simplify(sol[0])


def deterrence_succeeds(tree: GameTree, **kw) -> bool:
    """True when, at the default values, the prior is above the credibility threshold.

    >>> from deterrence.models.zagare_kilgour import unilateral_deterrence
    >>> deterrence_succeeds(unilateral_deterrence(p="1/3"))
    False
    """
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    player = kw.get("player", "Challenger")
    infoset = kw.get("infoset", "challenger")
    deterred = kw.get("deterred", "status_quo")
    tree = at_defaults(tree, "deterrence_succeeds", "checked")
    return all(e.behaviour[(player, infoset)].get(deterred) == 1 for e in subgame_perfect(tree))


__all__ = ["bayesian_nash", "perfect_bayesian_equilibria", "supporting_belief", "credibility_threshold",
           "deterrence_succeeds", "PBE"]
