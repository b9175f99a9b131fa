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
   ``y_a - y_0 = lambda (v_h(a) - v_h(0))``, divided by ``1 + lambda`` (the
   log-probabilities grow like lambda; unscaled, their rounding errors alone
   exceed the corrector's tolerance far out).
2. ``v_h`` from one pass over the tree: reach probabilities top-down, expected
   payoffs bottom-up; ``v_h(a) = sum_n reach(n) value(n a) / sum_n reach(n)``
   over the nodes ``n`` of ``h`` (perfect recall makes the owner's own moves
   cancel).
3. The same predictor-corrector tracer as the normal form, with the Jacobian
   in the log-probabilities by central differences, all the perturbed points
   evaluated as one numpy batch in one pass over the tree (lambda's column
   exactly). One trace to the top; the ends at 10^2 ... 10^6 over the payoff
   range are read off it.
4. The branch is a :class:`~deterrence.solvers.normal_form.qre.QREBranch`
   whose "players" are the information sets (``"player: set"``) and whose
   profiles are the behaviour strategies; floating point (``limit`` is None).
5. The front-door method :func:`agent_qre`: at a given lambda, the QRE with
   its beliefs (Bayes' rule, every node being reached), in floating point;
   without one, the end of the branch (lambda of 10^6 over the payoff range)
   made exact by :func:`limit_assessment`. Two players (von Stengel 1996's
   sequence form): the support is guessed from the end (moves with
   probability over 10^-5, then also moves whose value is within a gap of the
   best), and the linear equations of an equilibrium on that support (each
   player's plan zero off the support, the other indifferent among the
   support's moves at every one of its sets, by the sequence-form best-reply
   values) are solved exactly, the free unknowns set to the end's values
   rounded to small denominators; the plans give the behaviour, Bayes' rule
   the beliefs wherever the behaviour reaches. On a continuum of equilibria
   (Kuhn poker) this picks an exact point of the face the branch converges to,
   which rounding alone cannot hit. Otherwise (or when that fails): behaviour
   and beliefs rounded to nearby fractions; then, with three or more players,
   the end as a profile of the agent form (:func:`agent_form`, one player per
   information set), whose certified Nash equilibrium near it
   (:func:`~deterrence.solvers.normal_form.qre.limit_equilibrium`, the
   support's equations solved exactly) is the candidate when its
   probabilities are rational: a branch that converges slowly (1e-6 off at
   lambda 10^5) is missed by rounding but not by the equations. Beliefs at sets the behaviour
   does not reach are the end's (from the log reach probabilities, so that
   off-path sets keep their limit beliefs), rounded. Either way the
   assessment is certified exactly before it is returned: within 10^-3 of the
   end (support path), a Nash equilibrium
   (:func:`~deterrence.solvers.tree.assessment.best_deviation_gains`) that is
   sequentially rational at every information set given the beliefs
   (:func:`~deterrence.solvers.tree.assessment.sequential_violations`). The
   beliefs are the limit of Bayes' rule along the branch's completely mixed
   profiles, hence consistent, as far as the floating-point end of the branch
   identifies that limit: a sequential equilibrium (McKelvey and Palfrey 1998).

B. von Stengel (1996), "Efficient computation of behavior strategies", Games
and Economic Behavior 14: 220-246, for the sequence form.
"""
from __future__ import annotations

import math

import numpy as np

from deterrence.core.numbers import float_array
from deterrence.core.validate import at_defaults, check_nonnegative
from deterrence.errors import GameError

__all__ = ["agent_form", "agent_logit_branch", "agent_qre", "agent_qre_at", "limit_assessment"]


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
                self.payoff.append(float_array(list(node.payoffs)))   # a named refusal past 1.8e308
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
        self.set_nodes = [[ids[p] for p in st.paths] for st in self.sets]
        # The tracer's steps are in lambda units (capped), so a tree whose payoffs spread over
        # 10^-9 could not reach lambda = 10^6 / range in its steps, and one over 10^12 was
        # traced in steps far too long for it; as in the normal form, payoffs spread outside
        # SPREAD_BAND are divided by their spread (the branch of payoffs / scale at lambda *
        # scale is the tree's at lambda: the logit response depends on lambda times payoffs).
        from deterrence.solvers.normal_form.qre import SPREAD_BAND
        outcomes = np.array([p for p in self.payoff if p is not None])
        spread = float(np.ptp(outcomes, axis=0).max()) if len(outcomes) else 0.0
        self.scale = spread if spread > 0 and not SPREAD_BAND[0] <= spread <= SPREAD_BAND[1] else 1.0
        self.payoff = [None if p is None else p / self.scale for p in self.payoff]
        #: the largest range of one player's payoffs over the outcomes, in the traced units
        self.spread = spread / self.scale or 1.0

    def split(self, y):
        return [y[..., self.offsets[k]:self.offsets[k + 1]] for k in range(len(self.sets))]

    def set_values(self, probs, logs):
        """v_h(a): the owner's conditional expected payoff of each move at each set, for a
        batch of points (``probs`` and ``logs`` per set of shape ``(batch, moves)``).

        The beliefs come from the log reach probabilities (:meth:`log_beliefs`): at a
        large lambda an off-path set's reach underflows, its beliefs do not.
        """
        count = len(self.kinds)
        batch = probs[0].shape[0]
        value = [None] * count
        for n in reversed(range(count)):
            kind = self.kinds[n]
            if kind == "t":
                value[n] = np.broadcast_to(self.payoff[n], (batch, self.n_players))
            else:
                below = np.stack([value[c] for c in self.children[n]], axis=1)
                weights = self.chance_p[n][None, :] if kind == "c" else probs[self.set_of[n]]
                value[n] = np.einsum("bm,bmp->bp", np.broadcast_to(weights, below.shape[:2]), below)
        out = []
        for s, (nodes, mu) in enumerate(zip(self.set_nodes, self.log_beliefs(logs))):
            i = self.owner[s]
            moves = np.stack([np.stack([value[c][:, i] for c in self.children[n]], axis=1) for n in nodes])
            out.append(np.einsum("kb,kbm->bm", np.exp(mu), moves))
        return out

    def log_beliefs(self, logs):
        """log mu(n) at every node of every set (shape ``(nodes, batch)`` per set): log reach
        probabilities, normalised per set."""
        count = len(self.kinds)
        batch = logs[0].shape[0]
        reach = np.full((count, batch), -np.inf)
        reach[0] = 0.0
        with np.errstate(divide="ignore"):
            for n in range(count):
                if self.kinds[n] == "c":
                    for p, c in zip(self.chance_p[n], self.children[n]):
                        reach[c] = reach[n] + np.log(p)
                elif self.kinds[n] == "d":
                    for j, c in enumerate(self.children[n]):
                        reach[c] = reach[n] + logs[self.set_of[n]][:, j]
        out = []
        for nodes in self.set_nodes:
            r = reach[nodes]
            top = r.max(axis=0)
            out.append(r - top - np.log(np.exp(r - top).sum(axis=0)))
        return out

    def _residuals(self, Z):
        """The residuals at a batch of points ``Z`` (rows ``(y, lambda)``), and their derivatives
        in lambda (its column of the Jacobian).

        The logit rows are divided by ``1 + lambda`` (same zeros, same branch): far out the
        log-probabilities reach -10^4, and unscaled rows carried rounding errors of 10^-12
        each, so that the corrector could not meet its tolerance and the tracer stalled."""
        logs = self.split(Z[:, :-1])
        probs = [np.exp(v) for v in logs]
        lam = Z[:, -1:]
        out, slopes = [], []
        for yi, pi, vi in zip(logs, probs, self.set_values(probs, logs)):
            gap = vi[:, 1:] - vi[:, :1]
            log_ratio = yi[:, 1:] - yi[:, :1]
            out.append(pi.sum(axis=1, keepdims=True) - 1.0)
            out.append((log_ratio - lam * gap) / (1.0 + lam))
            slopes.append(np.zeros((len(Z), 1)))
            slopes.append(-(log_ratio + gap) / (1.0 + lam) ** 2)
        return np.concatenate(out, axis=1), np.concatenate(slopes, axis=1)

    def residual(self, z):
        return self._residuals(z[None, :])[0][0]

    def jacobian(self, z, h=1e-7):
        """By central differences in the log-probabilities, all perturbed points evaluated as one
        batch (one pass over the tree); lambda's column exactly."""
        steps = np.zeros((2 * self.size + 1, self.size + 1))
        eye = np.arange(self.size)
        steps[eye, eye] = h
        steps[self.size + eye, eye] = -h
        values, slopes = self._residuals(z[None, :] + steps)
        J = np.empty((self.size, self.size + 1))
        J[:, :-1] = ((values[:self.size] - values[self.size:2 * self.size]) / (2 * h)).T
        J[:, -1] = slopes[-1]
        return J


def _prepared(tree, what="agent_qre"):
    from deterrence.core.tree import GameTree
    if not isinstance(tree, GameTree):
        raise GameError(f"agent QRE needs a GameTree, got {type(tree).__name__}")
    tree = at_defaults(tree, what)
    if not tree.infosets:
        raise GameError("the tree has no decision node")
    tree.check_perfect_recall("agent QRE")
    _check_reached_by_chance(tree)
    return tree, _TreeHomotopy(tree)


def _check_reached_by_chance(tree):
    """A ``GameError`` naming an information set that only chance moves of probability 0 lead to:
    Bayes' rule gives no belief there at any lambda (every player's moves have positive
    probability on the branch, chance's do not), so the agent QRE is not defined."""
    from deterrence.core.tree import Chance, Decision
    reached, stack = set(), [(tree.root, ())]       # a stack, not recursion: trees may be deep
    while stack:
        node, path = stack.pop()
        if isinstance(node, Decision):
            reached.add(tree.infoset_of(path).key)
            stack.extend((child, path + (m,)) for m, child in node.moves)
        elif isinstance(node, Chance):
            stack.extend((child, path + (m,)) for m, p, child in node.moves if p > 0)
    for key, st in tree.infosets.items():
        if key not in reached:
            raise GameError(f"information set {st.name!r} of {st.player} is reached only through chance "
                            "moves of probability 0: the agent QRE gives it no beliefs (remove those moves)")


def _branch_value(tree, H, points):
    from deterrence.solvers.normal_form.qre import QREBranch
    names = tuple(f"{s.player}: {s.name}" for s in H.sets)
    profiles = tuple(tuple(tuple(float(p) for p in np.exp(v)) for v in H.split(z[:-1])) for z in points)
    return QREBranch(lambdas=tuple(float(z[-1]) / H.scale for z in points), profiles=profiles, players=names,
                     actions=tuple(s.actions for s in H.sets), limit=None)


def agent_logit_branch(tree, max_lambda: float = 100.0, tol: float = 1e-9):
    """The principal branch of the agent logit QRE, from uniform play to ``max_lambda``.

    Its "players" are the information sets (``"player: set"``); each profile is the
    behaviour at every set. In entry deterrence the incumbent's fight dies out and
    the entrant comes in, the subgame-perfect equilibrium:

    >>> from deterrence import load_game
    >>> branch = agent_logit_branch(load_game("entry_deterrence").with_defaults(), max_lambda=50)
    >>> branch.players
    ('Entrant: root', 'Incumbent: in')
    >>> [round(p, 3) for p in branch.profiles[-1][0]], [round(p, 3) for p in branch.profiles[-1][1]]
    ([0.0, 1.0], [0.0, 1.0])
    """
    from deterrence.core.validate import check_positive
    from deterrence.solvers.normal_form.qre import trace_branch
    max_lambda = check_positive("max_lambda", max_lambda)
    tree, H = _prepared(tree, "agent_logit_branch")
    return _branch_value(tree, H, trace_branch(H, max_lambda * H.scale, tol))


def agent_qre_at(tree, lam: float, tol: float = 1e-10) -> dict:
    """The agent logit QRE on the principal branch at ``lam``: ``{(player, set): {move: p}}``.

    >>> from deterrence import load_game
    >>> q = agent_qre_at(load_game("entry_deterrence").with_defaults(), 0.0)
    >>> q[("Incumbent", "in")]
    {'fight': 0.5, 'accommodate': 0.5}
    """
    from deterrence.solvers.normal_form.qre import trace_branch
    lam = check_nonnegative("lambda", lam)
    tree, H = _prepared(tree, "agent_qre_at")
    if lam == 0:
        return {s.key: {a: 1.0 / len(s.actions) for a in s.actions} for s in H.sets}
    z = trace_branch(H, lam * H.scale, tol, stop_at=lam * H.scale)[-1]
    return {s.key: dict(zip(s.actions, (float(p) for p in np.exp(v))))
            for s, v in zip(H.sets, H.split(z[:-1]))}


def _branch_ends(H, max_lambda):
    """Ends of the branch at growing lambdas (the first points past 10^2, 10^3, ... over the
    payoff range, up to ``max_lambda``, default 10^6 over it), last first, as ``(point, steps)``;
    the points' lambdas are in the traced units (times ``H.scale``).

    One trace to the top gives them all (a trace to a smaller target is a prefix of it). Far
    out, where off-path beliefs hang on probabilities below 1e-300, the tracer may stall or
    crawl; then the ends the stopped trace reached are kept (its points are that prefix), or,
    when it failed otherwise, the branch is traced to the growing targets one by one and the
    ends reached before the failure are kept.
    """
    from deterrence.errors import SolverError
    from deterrence.solvers.normal_form.qre import BranchStopped, trace_branch
    spread = H.spread
    top = 1e6 / spread if max_lambda is None else float(max_lambda) * H.scale
    targets = sorted({min(10.0 ** k / spread, top) for k in range(2, 7)} | {top})
    try:
        points = trace_branch(H, top, 1e-10)
    except BranchStopped as stopped:
        reached = [t for t in targets if stopped.points[-1][-1] >= t]
        if not reached:
            raise
        targets, points = reached, stopped.points
    except SolverError:
        points = None
    ends = []
    for target in targets:
        if points is not None:
            k = next(k for k, z in enumerate(points) if z[-1] >= target or k == len(points) - 1)
            ends.append((points[k], k + 1))
            continue
        try:
            part = trace_branch(H, target, 1e-10)
        except SolverError:
            if not ends:
                raise
            break
        ends.append((part[-1], len(part)))
    return ends[::-1]


def _float_point(H, z):
    """Behaviour and beliefs (floats) at a point of the branch, keyed as the tree's sets."""
    from deterrence.core.tree import path_name
    logs = H.split(z[:-1])
    behaviour = {st.key: dict(zip(st.actions, (float(p) for p in np.exp(v)))) for st, v in zip(H.sets, logs)}
    beliefs = {st.key: {path_name(p): float(q) for p, q in zip(st.paths, np.exp(m[:, 0]))}
               for st, m in zip(H.sets, H.log_beliefs([v[None, :] for v in logs]))}
    return behaviour, beliefs


#: largest difference between a certified limit's behaviour and the float end of the branch
LIMIT_TOLERANCE = 1e-3
#: value gaps (times the payoff range) under which a move left out of the support is taken as
#: tied with the support as well (one more guess each); None: the support's moves alone
TIE_GAPS = (None, 1e-6, 1e-4, 1e-3)


def _distance(exact, floats):
    """The largest difference between two tables ``{key: {label: number}}`` with the same keys."""
    return max((abs(float(exact[k][a]) - x) for k, row in floats.items() for a, x in row.items()), default=0.0)


def _float_plans(sf, names, behaviour):
    """Each player's realisation plan of float ``behaviour`` (sequence form order)."""
    plans = []
    for i, sets in enumerate(sf.infosets):
        plan = [0.0] * sf.sizes[i]
        plan[0] = 1.0
        for name, parent, children in sets:
            dist = behaviour[(names[i], name)]
            for c in children:
                plan[c] = plan[parent] * dist[sf.sequences[i][c][-1][1]]
        plans.append(plan)
    return plans


def _support_system(sf, own, names, behaviour, plans, support_tol, tie_gap, spread):
    """The linear equations of an equilibrium on the guessed support, for player ``own``'s
    optimality: unknowns the other player's plan ``p`` and ``own``'s values ``w`` per set.

    Rows: ``p`` is a realisation plan (:meth:`SequenceForm.constraints`), zero on every
    sequence whose last move is outside the support; at each set ``h`` of ``own``, for every
    move ``a`` in the support (or tied within ``tie_gap`` at the float point),
    ``w_h = (payoff of (h, a) against p) + sum of w over the sets after (h, a)`` (the
    sequence-form best reply, von Stengel 1996). Returns the augmented rows (exact) and the
    float guess ``(p, w)`` at the end of the branch.
    """
    opp = 1 - own
    n_opp = sf.sizes[opp]
    sets = sf.infosets[own]
    pay: list = [dict() for _ in range(sf.sizes[own])]
    for (r, c), v in (sf.A if own == 0 else sf.B).items():
        mine, theirs = (r, c) if own == 0 else (c, r)
        pay[mine][theirs] = v
    below: dict = {}
    for k, (_, parent, _) in enumerate(sets):
        below.setdefault(parent, []).append(k)
    width = n_opp + len(sets)
    rows = []
    E, e = sf.constraints(opp)
    for row, rhs in zip(E, e):
        rows.append(list(row) + [0] * len(sets) + [rhs])
    for name, _, children in sf.infosets[opp]:
        dist = behaviour[(names[opp], name)]
        for c in children:
            if dist[sf.sequences[opp][c][-1][1]] <= support_tol:
                row = [0] * (width + 1)
                row[c] = 1
                rows.append(row)
    p = plans[opp]
    w = [0.0] * len(sets)
    exprs = {}
    for k in range(len(sets) - 1, -1, -1):          # bottom-up, as best_response_value
        _, _, children = sets[k]
        for c in children:
            exprs[c] = sum(float(v) * p[t] for t, v in pay[c].items()) + sum(w[q] for q in below.get(c, ()))
        w[k] = max(exprs[c] for c in children)
    for k, (name, _, children) in enumerate(sets):
        dist = behaviour[(names[own], name)]
        for c in children:
            tied = dist[sf.sequences[own][c][-1][1]] > support_tol
            if not tied and tie_gap is not None:
                tied = exprs[c] >= w[k] - tie_gap * spread
            if tied:
                row = [0] * (width + 1)
                row[n_opp + k] = 1
                for t, v in pay[c].items():
                    row[t] -= v
                for q in below.get(c, ()):
                    row[n_opp + q] -= 1
                rows.append(row)
    return rows, list(p) + w


def _near_solution(rows, guess, den):
    """An exact solution of the augmented ``rows`` whose free unknowns are ``guess`` rounded to
    denominators at most ``den`` (the others then follow), or None when there is none."""
    from fractions import Fraction

    from deterrence.core.exact import solve_consistent
    width = len(guess)
    g = [Fraction(x).limit_denominator(den) for x in guess]
    shifted = [row[:width] + [row[width] - sum((a * b for a, b in zip(row[:width], g) if a), 0)] for row in rows]
    d = solve_consistent(shifted, width)
    return None if d is None else [a + b for a, b in zip(g, d)]


def _support_assessment(tree, behaviour, beliefs, support_tol):
    """Two players: an exact sequential assessment on the support of the float end (a sketch
    in :func:`limit_assessment`), or None."""
    from fractions import Fraction

    from deterrence.solvers.normal_form.qre import DENOMINATORS
    from deterrence.solvers.tree.assessment import (Assessment, bayes_beliefs, best_deviation_gains,
                                                    sequential_violations)
    from deterrence.solvers.tree.sequence_form import behaviour_from_plan, sequence_form
    try:
        sf = sequence_form(tree)
    except GameError:
        return None
    names = tuple(tree.players)
    plans = _float_plans(sf, names, behaviour)
    spread = max((abs(float(v)) for v in list(sf.A.values()) + list(sf.B.values())), default=1.0) or 1.0
    belief_keys = list(beliefs)
    tried = set()
    for tie_gap in TIE_GAPS:
        systems = [_support_system(sf, own, names, behaviour, plans, support_tol, tie_gap, spread)
                   for own in (0, 1)]
        signature = tuple(tuple(map(tuple, rows)) for rows, _ in systems)
        if signature in tried:
            continue
        tried.add(signature)
        for den in DENOMINATORS:
            solved = [_near_solution(rows, guess, den) for rows, guess in systems]
            off_path = _rounded_table(behaviour, den, support_tol)
            mu_off = _rounded_table(beliefs, den, support_tol)
            if None in solved or off_path is None or mu_off is None:
                continue
            exact_plans = (solved[1][:sf.sizes[0]], solved[0][:sf.sizes[1]])
            if any(v < 0 for plan in exact_plans for v in plan):
                continue
            beh = {}
            for i, plan in enumerate(exact_plans):
                own_off = {name: off_path[(names[i], name)] for name, _, _ in sf.infosets[i]}
                for name, dist in behaviour_from_plan(sf, i, plan, own_off).items():
                    beh[(names[i], name)] = {a: (v.numerator if isinstance(v, Fraction) and v.denominator == 1 else v)
                                             for a, v in dist.items()}
            if _distance(beh, behaviour) > LIMIT_TOLERANCE:
                continue
            mu = dict(mu_off)
            mu.update(bayes_beliefs(tree, beh))
            if any(best_deviation_gains(tree, beh)) or sequential_violations(tree, beh, mu):
                continue
            return Assessment.from_behaviour(tree, beh).with_beliefs({k: mu[k] for k in belief_keys})
    return None


#: largest agent form (cells: pure profiles of the sets' moves) built for :func:`_agent_form_assessment`
AGENT_FORM_CELLS = 4096


def agent_form(tree):
    """The agent normal form of a tree: one player per information set (named ``"player: set"``),
    its moves as actions, and the owner's expected payoff (exact) under each pure profile; None
    above :data:`AGENT_FORM_CELLS` cells. Its Nash equilibria are the profiles no agent can
    improve on alone (Selten 1975), a superset of the tree's Nash equilibria.

    >>> from deterrence import load_game
    >>> g = agent_form(load_game("entry_deterrence").with_defaults())
    >>> g.players, g.payoff(("in", "accommodate"))
    (('Entrant: root', 'Incumbent: in'), (1, 1))
    """
    import itertools

    from deterrence.core.normal_form import NormalFormGame
    from deterrence.core.tree import GameTree
    from deterrence.solvers.tree.assessment import continuation_value
    if not isinstance(tree, GameTree):
        raise GameError(f"agent_form needs a GameTree, got {type(tree).__name__}")
    tree = at_defaults(tree, "agent_form", "built")      # once, not in each continuation value
    sets = list(tree.infosets.values())
    if math.prod(len(st.actions) for st in sets) > AGENT_FORM_CELLS:
        return None
    payoffs = {}
    for moves in itertools.product(*(st.actions for st in sets)):
        pure = {st.key: {a: int(a == m) for a in st.actions} for st, m in zip(sets, moves)}
        values = [continuation_value(tree, p, pure, [((), 1)]) for p in tree.players]
        payoffs[moves] = tuple(values[tree.player_index(st.player)] for st in sets)
    return NormalFormGame.from_mapping(payoffs, players=[f"{st.player}: {st.name}" for st in sets],
                                       actions=[st.actions for st in sets])


def _agent_form_assessment(tree, behaviour, beliefs, support_tol):
    """Three or more players: the end's behaviour as a profile of the agent form, whose certified
    Nash equilibrium near it (:func:`~deterrence.solvers.normal_form.qre.limit_equilibrium`: the
    support's equations solved exactly, where rounding misses a limit the branch approaches
    slowly, at 1e-6 at lambda 10^5) is the candidate; rational probabilities only (the
    tree's checks are exact in fractions). Certified as in :func:`limit_assessment`; None
    when it does not pass."""
    from fractions import Fraction

    from deterrence.solvers.normal_form.qre import DENOMINATORS, limit_equilibrium
    from deterrence.solvers.tree.assessment import (Assessment, bayes_beliefs, best_deviation_gains,
                                                    sequential_violations)
    game = agent_form(tree)
    if game is None:
        return None
    keys = [st.key for st in tree.infosets.values()]
    found = limit_equilibrium(game, [tuple(behaviour[k].values()) for k in keys])
    if found is None or not found.is_rational:
        return None
    beh = {k: {a: (v.numerator if isinstance(v, Fraction) and v.denominator == 1 else v)
               for a, v in zip(behaviour[k], s)} for k, s in zip(keys, found.strategies)}
    if _distance(beh, behaviour) > LIMIT_TOLERANCE or any(best_deviation_gains(tree, beh)):
        return None
    for den in DENOMINATORS:
        # beliefs at sets the behaviour does not reach: the end's, rounded (as in limit_assessment)
        mu = _rounded_table(beliefs, den, support_tol)
        if mu is None:
            continue
        mu.update(bayes_beliefs(tree, beh))
        if _distance(mu, beliefs) <= LIMIT_TOLERANCE and not sequential_violations(tree, beh, mu):
            return Assessment.from_behaviour(tree, beh).with_beliefs({k: mu[k] for k in beliefs})
    return None


def _rounded_table(table, den, support_tol):
    """A table ``{key: {label: float}}`` rounded row by row to fractions of denominator at most
    ``den`` on the entries above ``support_tol`` (whole numbers as ints); None if a row rounds to 0."""
    from deterrence.solvers.normal_form.qre import round_to_support
    keys = list(table)
    rows = [tuple(table[k].values()) for k in keys]
    exact = round_to_support(rows, [[j for j, p in enumerate(r) if p > support_tol] for r in rows], den)
    if exact is None:
        return None
    return {k: {a: (v.numerator if v.denominator == 1 else v) for a, v in zip(table[k], r)}
            for k, r in zip(keys, exact)}


def limit_assessment(tree, behaviour, beliefs, support_tol: float = 1e-5):
    """An exact assessment near float ``behaviour`` and ``beliefs`` (the end of a QRE branch),
    certified: a Nash equilibrium, sequentially rational given its beliefs at every set.
    Two players: first the equilibrium equations on the guessed support, solved exactly
    (module docstring, step 5); then (and otherwise) the floats rounded to fractions.
    None when no candidate passes.

    >>> from deterrence import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> a = limit_assessment(t, {("Entrant", "root"): {"out": 1e-9, "in": 1.0},
    ...                          ("Incumbent", "in"): {"fight": 2e-9, "accommodate": 1.0}},
    ...                      {("Entrant", "root"): {"root": 1.0}, ("Incumbent", "in"): {"in": 1.0}})
    >>> a.describe(), a.beliefs[("Incumbent", "in")]
    ('Entrant: in; Incumbent: accommodate  (payoffs 1, 1)', {'in': 1})
    """
    from deterrence.solvers.normal_form.qre import DENOMINATORS
    from deterrence.solvers.tree.assessment import Assessment, best_deviation_gains, sequential_violations
    tree = at_defaults(tree, "limit_assessment")
    if len(tree.players) == 2:
        found = _support_assessment(tree, behaviour, beliefs, support_tol)
        if found is not None:
            return found
    for den in DENOMINATORS:
        beh, mu = _rounded_table(behaviour, den, support_tol), _rounded_table(beliefs, den, support_tol)
        if beh is None or mu is None or _distance(beh, behaviour) > LIMIT_TOLERANCE \
                or _distance(mu, beliefs) > LIMIT_TOLERANCE:
            # a coarse rounding (0.37 to 3/8) of a move both sides of which are optimal is
            # certified as well, but is no limit of the branch: a finer one is tried
            continue
        if any(best_deviation_gains(tree, beh)):
            continue
        if sequential_violations(tree, beh, mu):
            continue
        eq = Assessment.from_behaviour(tree, beh)
        return eq.with_beliefs(mu)
    if len(tree.players) > 2:
        return _agent_form_assessment(tree, behaviour, beliefs, support_tol)
    return None


def _float_assessment(tree, behaviour, beliefs):
    from deterrence.core.tree import path_name
    from deterrence.solvers.result import mixture_text
    from deterrence.solvers.tree.assessment import Assessment, continuation_value
    payoffs = tuple(float(continuation_value(tree, p, behaviour, [((), 1.0)])) for p in tree.players)
    actions = {path_name(p): mixture_text(behaviour[tree.infoset_of(p).key])
               for p, node in tree.nodes() if hasattr(node, "player")}
    return Assessment(tuple(tree.players), behaviour, actions, payoffs, (), False, beliefs)


def agent_qre(tree, lam: float | None = None, max_lambda: float | None = None):
    """The agent logit QRE method of :func:`~deterrence.solvers.solve` for game trees.

    With ``lam``: the agent QRE at that lambda on the principal branch, with the
    beliefs Bayes' rule gives (floating point, ``exact=False``). Without: the
    end of the branch as an exact assessment, certified a Nash equilibrium that is
    sequentially rational given its (limit) beliefs at every information set.
    The equilibria are :class:`~deterrence.solvers.tree.assessment.Assessment`
    values (their JSON adds ``"beliefs"``).

    >>> from deterrence import load_game, solve
    >>> r = solve(load_game("entry_deterrence"), "agent_qre")
    >>> r[0].describe(), r.exact, r.concept
    ('Entrant: in; Incumbent: accommodate  (payoffs 1, 1)', True, 'agent QRE limit')
    >>> q = solve(load_game("entry_deterrence"), "agent_qre", lam=0)
    >>> q[0].behaviour[("Incumbent", "in")], q.exact
    ({'fight': 0.5, 'accommodate': 0.5}, False)
    """
    from deterrence.core.numbers import format_short
    from deterrence.core.tree import GameTree
    from deterrence.errors import SolverError
    from deterrence.solvers.result import SolveResult
    from deterrence.core.validate import check_positive
    if lam is not None:
        lam = check_nonnegative("option lam", lam)
    if max_lambda is not None:
        max_lambda = check_positive("option max_lambda", max_lambda)
    tree = at_defaults(tree, "agent_qre")
    if isinstance(tree, GameTree) and not tree.infosets:
        # nobody chooses: the empty profile is the agent QRE at every lambda and its limit (the
        # other tree methods return it too; this one refused "the tree has no decision node")
        concept = "agent QRE limit" if lam is None else f"agent logit QRE (lambda = {format_short(lam)})"
        eq = limit_assessment(tree, {}, {})
        return SolveResult(equilibria=(eq,), method="agent_qre", exact=True, complete=True, players=tree.players,
                           concept=concept, notes=("the tree has no decision node: nobody chooses",))
    tree, H = _prepared(tree, "agent_qre")
    if lam is not None:
        if lam == 0:
            z = np.append(np.concatenate([np.full(m, -np.log(m)) for m in H.shape]), 0.0)
        else:
            from deterrence.solvers.normal_form.qre import trace_branch
            z = trace_branch(H, lam * H.scale, 1e-10, stop_at=lam * H.scale)[-1]
        eq = _float_assessment(tree, *_float_point(H, z))
        return SolveResult(equilibria=(eq,), method="agent_qre", exact=False, complete=False,
                           players=tree.players, concept=f"agent logit QRE (lambda = {format_short(lam)})")
    ends = _branch_ends(H, max_lambda)
    for end in ends:
        eq = limit_assessment(tree, *_float_point(H, end[0]))
        if eq is not None:
            z, steps = end
            break
    else:
        hint = ("; with three or more players its limit may be irrational, which the exact checks of a tree "
                "cannot take: method tree_nash lists every Nash equilibrium, irrational ones included"
                if len(tree.players) > 2 else "")
        raise SolverError(f"the agent logit QRE branch reached lambda = {ends[0][0][-1] / H.scale:.6g}, but no exact "
                          f"assessment near its end could be certified{hint}")
    note = (f"the principal branch traced to lambda = {z[-1] / H.scale:.6g} in {steps} steps; its end made exact "
            "(two players: the equilibrium equations on its guessed support solved near it; else, or "
            "failing that, rounded to fractions; then, three or more players, the agent form's "
            "equations on its support solved exactly) and "
            "certified exactly: a Nash equilibrium, sequentially rational at every "
            "information set given the beliefs (the limit of Bayes' rule along the branch)")
    return SolveResult(equilibria=(eq,), method="agent_qre", exact=True, complete=False,
                       players=tree.players, concept="agent QRE limit", notes=(note,))
