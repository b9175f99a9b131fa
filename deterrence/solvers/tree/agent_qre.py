"""Agent logit quantal response equilibrium of a game tree: the principal branch in behaviour
strategies.

References
----------
* R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for extensive
  form games", Experimental Economics 1 (1998) 9-41: the agent QRE, where at
  every information set ``h`` the owner plays ``b_h(a) ∝ exp(lambda v_h(a; b))``
  with ``v_h(a; b)`` the expected payoff of move ``a`` given that ``h`` is
  reached (beliefs by Bayes' rule, well defined since every move has positive
  probability); its principal branch starts at uniform play and its limits are
  sequential equilibria.
* T. L. Turocy (2005) for the path following, shared with the normal-form
  module :mod:`deterrence.solvers.normal_form.qre`.

Steps
-----
1. Unknowns: the log-probability of every move at every information set, and
   lambda. Equations per information set: the probabilities sum to 1, and
   ``y_a - y_0 = lambda (v_h(a) - v_h(0))``.
2. ``v_h`` from one pass over the tree: reach probabilities top-down, expected
   payoffs bottom-up; ``v_h(a) = sum_n reach(n) value(n a) / sum_n reach(n)``
   over the nodes ``n`` of ``h`` (perfect recall makes the owner's own moves
   cancel).
3. The same predictor-corrector tracer as the normal form, with the Jacobian
   in the log-probabilities by central differences (lambda's column exactly).
4. The result is a :class:`~deterrence.solvers.normal_form.qre.QREBranch`
   whose "players" are the information sets (``"player: set"``) and whose
   profiles are the behaviour strategies; floating point, not certified
   (``limit`` is None).
"""
from __future__ import annotations

import numpy as np

from deterrence.errors import GameError

__all__ = ["agent_logit_branch", "agent_qre_at"]


class _TreeHomotopy:
    def __init__(self, tree):
        from deterrence.core.tree import Chance, Decision, Terminal
        self.tree = tree
        self.sets = list(tree.infosets.values())
        self.index = {s.key: k for k, s in enumerate(self.sets)}
        self.shape = tuple(len(s.actions) for s in self.sets)
        self.offsets = np.cumsum((0,) + self.shape)
        self.owner = [tree.player_index(s.player) for s in self.sets]
        self.n_players = len(tree.players)
        # the tree as flat lists, children before parents reversed: preorder
        self.kinds, self.children, self.payoff, self.set_of, self.chance_p = [], [], [], [], []
        ids = {}
        for path, _node in tree.nodes():
            ids[path] = len(ids)
        for path, node in tree.nodes():
            if isinstance(node, Terminal):
                self.kinds.append("t")
                self.payoff.append(np.array([float(v) for v in node.payoffs]))
                self.children.append(())
                self.set_of.append(None)
                self.chance_p.append(None)
            elif isinstance(node, Chance):
                self.kinds.append("c")
                self.children.append(tuple(ids[path + (m,)] for m in node.labels))
                self.chance_p.append(np.array([float(p) for p in node.probabilities]))
                self.payoff.append(None)
                self.set_of.append(None)
            elif isinstance(node, Decision):
                self.kinds.append("d")
                s = self.index[tree.infoset_of(path).key]
                self.children.append(tuple(ids[path + (m,)] for m in self.sets[s].actions))
                self.set_of.append(s)
                self.payoff.append(None)
                self.chance_p.append(None)
        self.size = int(self.offsets[-1])

    def split(self, y):
        return [y[self.offsets[k]:self.offsets[k + 1]] for k in range(len(self.sets))]

    def set_values(self, probs):
        """v_h(a): the owner's conditional expected payoff of each move at each set."""
        count = len(self.kinds)
        value = [None] * count
        for n in reversed(range(count)):
            kind = self.kinds[n]
            if kind == "t":
                value[n] = self.payoff[n]
            elif kind == "c":
                value[n] = sum(p * value[c] for p, c in zip(self.chance_p[n], self.children[n]))
            else:
                b = probs[self.set_of[n]]
                value[n] = sum(p * value[c] for p, c in zip(b, self.children[n]))
        reach = [0.0] * count
        reach[0] = 1.0
        num = [np.zeros(m) for m in self.shape]
        den = np.zeros(len(self.sets))
        for n in range(count):
            kind = self.kinds[n]
            if kind == "c":
                for p, c in zip(self.chance_p[n], self.children[n]):
                    reach[c] = reach[n] * p
            elif kind == "d":
                s = self.set_of[n]
                b = probs[s]
                i = self.owner[s]
                den[s] += reach[n]
                for j, c in enumerate(self.children[n]):
                    reach[c] = reach[n] * b[j]
                    num[s][j] += reach[n] * value[c][i]
        return [nm / max(d, 1e-300) for nm, d in zip(num, den)]

    def residual(self, z):
        y, lam = z[:-1], z[-1]
        logs = self.split(y)
        probs = [np.exp(v) for v in logs]
        v = self.set_values(probs)
        out = []
        for yi, pi, vi in zip(logs, probs, v):
            out.append([pi.sum() - 1.0])
            out.append(yi[1:] - yi[0] - lam * (vi[1:] - vi[0]))
        return np.concatenate(out)

    def jacobian(self, z, h=1e-7):
        J = np.zeros((self.size, self.size + 1))
        for k in range(self.size):
            e = np.zeros_like(z)
            e[k] = h
            J[:, k] = (self.residual(z + e) - self.residual(z - e)) / (2 * h)
        probs = [np.exp(v) for v in self.split(z[:-1])]
        v = self.set_values(probs)
        col = []
        for vi in v:
            col.append([0.0])
            col.append(-(vi[1:] - vi[0]))
        J[:, -1] = np.concatenate(col)
        return J


def _prepared(tree):
    from deterrence.core.tree import GameTree
    if not isinstance(tree, GameTree):
        raise GameError(f"agent QRE needs a GameTree, got {type(tree).__name__}")
    tree = tree.with_defaults() if tree.is_symbolic else tree
    if not tree.infosets:
        raise GameError("the tree has no decision node")
    tree.check_perfect_recall("agent QRE")
    return tree, _TreeHomotopy(tree)


def _branch_value(tree, H, points):
    from deterrence.solvers.normal_form.qre import QREBranch
    names = tuple(f"{s.player}: {s.name}" for s in H.sets)
    profiles = tuple(tuple(tuple(float(p) for p in np.exp(v)) for v in H.split(z[:-1])) for z in points)
    return QREBranch(lambdas=tuple(float(z[-1]) for z in points), profiles=profiles, players=names,
                     actions=tuple(s.actions for s in H.sets), limit=None)


def agent_logit_branch(tree, max_lambda: float = 100.0, tol: float = 1e-9):
    """The principal branch of the agent logit QRE, from uniform play to ``max_lambda``.

    Its "players" are the information sets (``"player: set"``); each profile is the
    behaviour at every set. In entry deterrence the incumbent's fight dies out and
    the entrant comes in, the subgame-perfect equilibrium:

    >>> from deterrence import load_game
    >>> branch = agent_logit_branch(load_game("entry_deterrence"), max_lambda=50)
    >>> branch.players
    ('Entrant: root', 'Incumbent: in')
    >>> [round(p, 3) for p in branch.profiles[-1][0]], [round(p, 3) for p in branch.profiles[-1][1]]
    ([0.0, 1.0], [0.0, 1.0])
    """
    from deterrence.solvers.normal_form.qre import trace_branch
    tree, H = _prepared(tree)
    return _branch_value(tree, H, trace_branch(H, max_lambda, tol))


def agent_qre_at(tree, lam: float, tol: float = 1e-10) -> dict:
    """The agent logit QRE on the principal branch at ``lam``: ``{(player, set): {move: p}}``.

    >>> from deterrence import load_game
    >>> q = agent_qre_at(load_game("entry_deterrence"), 0.0)
    >>> q[("Incumbent", "in")]
    {'fight': 0.5, 'accommodate': 0.5}
    """
    from deterrence.solvers.normal_form.qre import trace_branch
    if lam < 0:
        raise GameError(f"lambda must be >= 0, got {lam}")
    tree, H = _prepared(tree)
    if lam == 0:
        return {s.key: {a: 1.0 / len(s.actions) for a in s.actions} for s in H.sets}
    z = trace_branch(H, lam, tol, stop_at=lam)[-1]
    return {s.key: dict(zip(s.actions, (float(p) for p in np.exp(v))))
            for s, v in zip(H.sets, H.split(z[:-1]))}
