"""The sequence form of a two-player game tree with perfect recall.

A *sequence* of a player is the list of that player's own moves on the way to
a node; by perfect recall it is named by its last move ``(information set,
action)``, and the empty sequence ``()`` starts it. A *realisation plan*
``x`` gives each sequence the probability that the player's own moves follow
it; it is characterised by linear constraints ``E x = e, x >= 0`` (one row for
the empty sequence, ``x_() = 1``, and one per information set ``h``:
``x_(parent of h) = sum_a x_(h, a)``). The payoff matrices ``A`` and ``B``
have one row per sequence of player 1 and one column per sequence of player
2: entry ``(s, t)`` adds, over the leaves where the players' sequences are
``s`` and ``t``, the chance probability of the leaf times the payoff. The
expected payoffs of plans ``x, y`` are ``x^T A y`` and ``x^T B y``. Sizes are
linear in the tree (the reduced normal form is exponential).

Sources: D. Koller, N. Megiddo and B. von Stengel (1996), "Efficient
computation of equilibria for extensive two-person games", Games and
Economic Behavior 14: 247-259; B. von Stengel (1996), "Efficient computation
of behavior strategies", Games and Economic Behavior 14: 220-246.

Steps of :func:`sequence_form`:

1. check the tree: two players, exact payoffs, perfect recall;
2. walk the tree from the root carrying each player's current sequence and
   the chance probability; at a decision node of information set ``h`` the
   child's sequence is ``(h, a)`` (the set's parent sequence is recorded and
   must be the same at every node of ``h``: perfect recall);
3. at a leaf add ``chance * payoff`` to ``A`` and ``B`` at the pair of
   sequences (kept sparse: one entry per leaf at most);
4. write ``E, e`` and ``F, f`` from the information sets' parent sequences.

:func:`behaviour_from_plan` turns a plan back into behaviour probabilities
(``x_(h,a) / x_(parent of h)``), and :func:`best_response_value` computes a
player's best payoff against a fixed plan of the other player by dynamic
programming over the information sets (the sequence-form best-response
linear program, solved exactly from the leaves up).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

from deterrence.core.tree import Chance, GameTree, Terminal
from deterrence.errors import GameError
from deterrence.solvers.result import SolveResult


@dataclass(frozen=True)
class SequenceForm:
    """The sequence form of a two-player tree (immutable).

    ``sequences[i]``: player ``i``'s sequences, ``()`` first, then tuples of
    ``(information set name, action)`` pairs (the player's own history).
    ``infosets[i]``: tuples ``(name, parent sequence index, child sequence
    indices)`` in order of first appearance. ``A`` and ``B``: sparse payoff
    matrices, dicts ``(row, column) -> exact number``.
    """

    players: tuple
    sequences: tuple
    infosets: tuple
    A: dict
    B: dict

    @property
    def sizes(self) -> tuple:
        """Number of sequences of each player."""
        return tuple(len(s) for s in self.sequences)

    def constraints(self, player: int) -> tuple:
        """``(E, e)``: the realisation-plan constraints of a player (dense ints).

        >>> from deterrence.models.entry_deterrence import entry_deterrence
        >>> sequence_form(entry_deterrence()).constraints(0)
        ([[1, 0, 0], [-1, 1, 1]], [1, 0])
        """
        n = len(self.sequences[player])
        rows, rhs = [[1] + [0] * (n - 1)], [1]
        for _, parent, children in self.infosets[player]:
            row = [0] * n
            row[parent] = -1
            for c in children:
                row[c] = 1
            rows.append(row)
            rhs.append(0)
        return rows, rhs

    def payoff_vector(self, player: int, plan) -> list:
        """Player ``player``'s payoff per own sequence against the other's plan (``A y`` or ``B^T x``).

        >>> from deterrence.models.entry_deterrence import entry_deterrence
        >>> sf = sequence_form(entry_deterrence())
        >>> sf.payoff_vector(0, [1, 0, 1])
        [0, 0, 1]
        """
        out = [0] * len(self.sequences[player])
        matrix = self.A if player == 0 else self.B
        for (r, c), v in matrix.items():
            own, other = (r, c) if player == 0 else (c, r)
            if plan[other]:
                out[own] += v * plan[other]
        return out

    def expected_payoffs(self, x, y) -> tuple:
        """``(x^T A y, x^T B y)``.

        >>> from deterrence.models.entry_deterrence import entry_deterrence
        >>> sequence_form(entry_deterrence()).expected_payoffs([1, 0, 1], [1, 0, 1])
        (1, 1)
        """
        a = sum((v * x[r] * y[c] for (r, c), v in self.A.items()), 0)
        b = sum((v * x[r] * y[c] for (r, c), v in self.B.items()), 0)
        return _norm(a), _norm(b)

    def dense(self, player: int) -> list:
        """The payoff matrix ``A`` (player 0) or ``B`` as dense lists of lists."""
        n1, n2 = self.sizes
        out = [[0] * n2 for _ in range(n1)]
        for (r, c), v in (self.A if player == 0 else self.B).items():
            out[r][c] = v
        return out


def _norm(v):
    if isinstance(v, Fraction) and v.denominator == 1:
        return v.numerator
    return v


def sequence_form(tree: GameTree) -> SequenceForm:
    """The sequence form of a two-player tree with perfect recall and exact payoffs.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> sf = sequence_form(entry_deterrence())
    >>> sf.sequences[1]
    ((), (('in', 'fight'),), (('in', 'accommodate'),))
    >>> sorted(sf.A.items())
    [((2, 1), -1), ((2, 2), 1)]
    """
    if not isinstance(tree, GameTree):
        raise GameError(f"the sequence form needs a GameTree, got {type(tree).__name__}")
    from deterrence.core.validate import at_defaults
    tree = at_defaults(tree, "sequence_form", "built")     # a symbolic tree at its defaults, saying so
    if len(tree.players) != 2:
        raise GameError(f"the sequence form is for two-player trees; this one has "
                        f"{len(tree.players)} players ({', '.join(tree.players)})")
    tree.check_perfect_recall("the sequence form")
    players = tree.players
    seqs = [[()], [()]]
    index = [{(): 0}, {(): 0}]
    sets = [{}, {}]                         # name -> [parent index, children]
    A, B = {}, {}

    stack = [(tree.root, (), (0, 0), Fraction(1))]    # preorder without recursion
    while stack:
        node, path, cur, prob = stack.pop()
        if isinstance(node, Terminal):
            if prob:
                key = (cur[0], cur[1])
                for mat, v in ((A, node.payoffs[0]), (B, node.payoffs[1])):
                    mat[key] = _norm(mat.get(key, 0) + prob * v)
            continue
        if isinstance(node, Chance):
            stack.extend((child, path + (m,), cur, prob * p) for m, p, child in reversed(node.moves))
            continue
        i = players.index(node.player)
        name = tree.infoset_of(path).name
        parent_seq = seqs[i][cur[i]]
        entry = sets[i].get(name)
        if entry is None:
            children = []
            for a in node.labels:
                s = parent_seq + ((name, a),)
                index[i][s] = len(seqs[i])
                seqs[i].append(s)
                children.append(index[i][s])
            entry = sets[i][name] = (cur[i], children)
        elif entry[0] != cur[i]:   # check_perfect_recall makes this unreachable
            raise GameError(f"information set {name!r} of {node.player}: perfect recall fails")
        below = []
        for k, (a, child) in enumerate(node.moves):
            nxt = list(cur)
            nxt[i] = entry[1][k]
            below.append((child, path + (a,), tuple(nxt), prob))
        stack.extend(reversed(below))
    A = {k: v for k, v in A.items() if v != 0}
    B = {k: v for k, v in B.items() if v != 0}
    infosets = tuple(tuple((name, p, tuple(ch)) for name, (p, ch) in sets[i].items()) for i in range(2))
    return SequenceForm(players, (tuple(seqs[0]), tuple(seqs[1])), infosets, A, B)


def best_response_value(sf: SequenceForm, player: int, payoff_vector) -> tuple:
    """A player's best payoff against a fixed plan, and a pure best-response plan.

    ``payoff_vector`` is :meth:`SequenceForm.payoff_vector` of the player
    against the other's plan. Information sets are solved from the last to
    the first: the value of a set is the best, over its actions ``a``, of the
    payoff at sequence ``(h, a)`` plus the values of the sets that follow it.
    Returns ``(value, {information set name: best action index})`` (ties:
    the first best action).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> sf = sequence_form(entry_deterrence())
    >>> best_response_value(sf, 1, sf.payoff_vector(1, [1, 0, 1]))
    (1, {'in': 1})
    """
    sets = sf.infosets[player]
    below = {}                                      # sequence index -> sets that follow it
    for k, (_, parent, _) in enumerate(sets):
        below.setdefault(parent, []).append(k)
    value = [None] * len(sets)
    choice = {}
    # a set's children sequences were numbered after the set's parent: reverse order is bottom-up
    for k in range(len(sets) - 1, -1, -1):
        name, _, children = sets[k]
        best, arg = None, 0
        for j, c in enumerate(children):
            v = payoff_vector[c] + sum((value[q] for q in below.get(c, ())), 0)
            if best is None or v > best:
                best, arg = v, j
        value[k], choice[name] = best, arg
    total = payoff_vector[0] + sum((value[q] for q in below.get(0, ())), 0)
    return _norm(total), dict(reversed(list(choice.items())))


def pure_plan(sf: SequenceForm, player: int, choice: dict) -> list:
    """The realisation plan of a pure strategy ``{information set name: action index}``.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> pure_plan(sequence_form(entry_deterrence()), 1, {"in": 1})
    [1, 0, 1]
    """
    plan = [0] * len(sf.sequences[player])
    plan[0] = 1
    for name, parent, children in sf.infosets[player]:   # parents come before their sets
        plan[children[choice[name]]] = plan[parent]
    return plan


def uniform_plan(sf: SequenceForm, player: int) -> list:
    """The realisation plan of the behaviour strategy that mixes uniformly everywhere.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> uniform_plan(sequence_form(entry_deterrence()), 0)
    [1, Fraction(1, 2), Fraction(1, 2)]
    """
    plan = [0] * len(sf.sequences[player])
    plan[0] = 1
    for _, parent, children in sf.infosets[player]:
        for c in children:
            plan[c] = Fraction(plan[parent]) / len(children)
    return plan


def behaviour_from_plan(sf: SequenceForm, player: int, plan, off_path: dict | None = None) -> dict:
    """Behaviour probabilities ``{information set name: {action: probability}}``.

    Where the plan does not reach a set (its parent sequence has probability
    0), the distribution is taken from ``off_path`` (``{name: {action:
    probability}}``), or else is the first action.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> sf = sequence_form(entry_deterrence())
    >>> behaviour_from_plan(sf, 1, [1, Fraction(1, 3), Fraction(2, 3)])
    {'in': {'fight': Fraction(1, 3), 'accommodate': Fraction(2, 3)}}
    """
    out = {}
    seqs = sf.sequences[player]
    for name, parent, children in sf.infosets[player]:
        actions = [seqs[c][-1][1] for c in children]
        if plan[parent]:
            out[name] = {a: _norm(Fraction(plan[c]) / plan[parent]) for a, c in zip(actions, children)}
        elif off_path is not None and name in off_path:
            out[name] = dict(off_path[name])
        else:
            out[name] = {a: int(k == 0) for k, a in enumerate(actions)}
    return out


def plan_from_behaviour(sf: SequenceForm, player: int, behaviour: dict) -> list:
    """The realisation plan of behaviour probabilities (Kuhn's theorem, sequence form).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> sf = sequence_form(entry_deterrence())
    >>> plan_from_behaviour(sf, 0, {"root": {"out": 0, "in": 1}})
    [1, 0, 1]
    """
    plan = [0] * len(sf.sequences[player])
    plan[0] = 1
    seqs = sf.sequences[player]
    for name, parent, children in sf.infosets[player]:
        for c in children:
            plan[c] = _norm(plan[parent] * Fraction(behaviour[name][seqs[c][-1][1]]))
    return plan


def best_response_polyhedron(sf: SequenceForm, own: int):
    """Equation form of the best-response polyhedron of player ``own`` (von Stengel 1996):
    integer rows ``M`` (columns: own plan, slacks, free duals), rhs ``b``; returns
    ``(M, b, n_own, n_opp, k_opp, ncols)``. Shared by the vertex enumeration and the
    branching search.

    >>> from deterrence import load_game
    >>> M, b, n_own, n_opp, k_opp, ncols = best_response_polyhedron(sequence_form(load_game("kuhn_poker")), 0)
    >>> ncols == n_own + n_opp + k_opp and len(M) == len(b)
    True
    """
    opp = 1 - own
    n_own, n_opp = sf.sizes[own], sf.sizes[opp]
    C, c = sf.constraints(own)
    D, _ = sf.constraints(opp)
    k_opp = len(D)
    ncols = n_own + n_opp + k_opp
    M, b = [], []
    for row, rhs in zip(C, c):
        M.append(list(row) + [0] * (n_opp + k_opp))
        b.append(rhs)
    pay = [[Fraction(0)] * n_own for _ in range(n_opp)]    # the opponent's payoff, opp x own
    for (r, col), v in (sf.B if own == 0 else sf.A).items():
        i, j = (col, r) if own == 0 else (r, col)           # (opp seq, own seq)
        pay[i][j] = Fraction(v)
    for t in range(n_opp):
        scale = lcm(*(q.denominator for q in pay[t])) if n_own else 1
        row = [int(q * scale) for q in pay[t]] + [0] * (n_opp + k_opp)
        row[n_own + t] = scale
        for h in range(k_opp):
            if D[h][t]:
                row[n_own + n_opp + h] = -D[h][t] * scale
        M.append(row)
        b.append(0)
    return M, b, n_own, n_opp, k_opp, ncols


__all__ = [
    "best_response_polyhedron",
    "SequenceForm",
    "behaviour_from_plan",
    "best_response_value",
    "plan_from_behaviour",
    "pure_plan",
    "sequence_form",
    "uniform_plan",
]


# -- certification and results (shared by the sequence-form solvers) -----------------
def certify_plans(sf: SequenceForm, x, y) -> tuple:
    """Check exactly that plans ``x, y`` are a Nash equilibrium; return the payoffs.

    Each plan must satisfy its constraints exactly, and each player's payoff
    must equal the best payoff against the other's plan
    (:func:`best_response_value`): no deviation, pure or mixed, gains.
    Raises :class:`~deterrence.errors.SolverError` otherwise.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> sf = sequence_form(entry_deterrence())
    >>> certify_plans(sf, [1, 0, 1], [1, 0, 1])
    (1, 1)
    >>> certify_plans(sf, [1, 1, 0], [1, 0, 1])
    Traceback (most recent call last):
    ...
    deterrence.errors.SolverError: not an equilibrium: Entrant gains 1 by deviating
    """
    return _certified(sf, x, y)[0]


def _certified(sf: SequenceForm, x, y) -> tuple:
    """:func:`certify_plans`, and each player's pure best reply to the other's plan
    (the choices of :func:`best_response_value`), computed on the way."""
    from deterrence.errors import SolverError
    for i, plan in enumerate((x, y)):
        if len(plan) != len(sf.sequences[i]):
            raise SolverError(f"the plan of {sf.players[i]} has {len(plan)} entries, not one for each of "
                              f"its {len(sf.sequences[i])} sequences")
        if any(isinstance(q, float) or hasattr(q, "dtype") and q.dtype.kind in "fc" for q in plan):
            # a float passing the exact checks would make float payoffs look certified
            raise SolverError(f"the plan of {sf.players[i]} has a float entry: an exact certificate "
                              "needs ints or Fractions")
        # the rows of E x = e (constraints): x_() = 1 and x_(parent of h) = sum_a x_(h, a)
        if any(q < 0 for q in plan) or plan[0] != 1 or any(
                sum((plan[c] for c in children), 0) != plan[parent] for _, parent, children in sf.infosets[i]):
            raise SolverError(f"the plan of {sf.players[i]} is not a realisation plan")
    vectors = (sf.payoff_vector(0, y), sf.payoff_vector(1, x))
    # x^T A y = x . (A y) and x^T B y = y . (B^T x)
    pay = tuple(_norm(sum((q * v for q, v in zip(plan, vector) if q and v), 0))
                for plan, vector in ((x, vectors[0]), (y, vectors[1])))
    choices = []
    for i in range(2):
        best, choice = best_response_value(sf, i, vectors[i])
        if best != pay[i]:
            from deterrence.core.numbers import format_exact
            raise SolverError(f"not an equilibrium: {sf.players[i]} gains "
                              f"{format_exact(_norm(best - pay[i]))} by deviating")
        choices.append(choice)
    return pay, choices


def best_reply_off_path(sf: SequenceForm, player: int, other_plan) -> dict:
    """At every information set, the pure best reply against the other's plan.

    These are the moves of a best-response plan computed from the last set
    to the first: at a set the player's own plan does not reach, the move a
    best reply would make if the player deviated to reach it.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> best_reply_off_path(sequence_form(entry_deterrence()), 1, [1, 0, 1])
    {'in': {'fight': 0, 'accommodate': 1}}
    """
    _, choice = best_response_value(sf, player, sf.payoff_vector(player, other_plan))
    return _pure_reply(sf, player, choice)


def _pure_reply(sf: SequenceForm, player: int, choice: dict) -> dict:
    """The behaviour of a pure choice ``{information set name: action index}``."""
    seqs = sf.sequences[player]
    return {name: {seqs[c][-1][1]: int(k == choice[name]) for k, c in enumerate(children)}
            for name, _, children in sf.infosets[player]}


def tree_equilibrium(tree: GameTree, sf: SequenceForm, behaviours, payoffs):
    """A :class:`~deterrence.solvers.tree.backward_induction.TreeEquilibrium` from
    per-player behaviour dicts ``{information set name: {action: probability}}``.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> t = entry_deterrence()
    >>> sf = sequence_form(t)
    >>> e = tree_equilibrium(t, sf, [{"root": {"out": 0, "in": 1}},
    ...                              {"in": {"fight": 0, "accommodate": 1}}], (1, 1))
    >>> e.describe()
    'Entrant: in; Incumbent: accommodate  (payoffs 1, 1)'
    """
    from deterrence.solvers.result import TreeEquilibrium
    beh = {}
    for s in tree.infosets.values():          # the tree's own order of information sets
        beh[s.key] = behaviours[tree.player_index(s.player)][s.name]
    return TreeEquilibrium.from_behaviour(tree, beh, tuple(payoffs))


def nash_equilibrium_from_plans(tree: GameTree, sf: SequenceForm, x, y):
    """Certify plans ``x, y`` exactly and make the tree equilibrium; sets a plan does not
    reach get the player's best reply (:func:`best_reply_off_path`).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> t = entry_deterrence()
    >>> nash_equilibrium_from_plans(t, sequence_form(t), [1, 1, 0], [1, 1, 0]).describe()
    'Entrant: out; Incumbent: fight  (payoffs 0, 2)'
    """
    pay, choices = _certified(sf, x, y)          # the best replies of best_reply_off_path
    beh = [behaviour_from_plan(sf, 0, x, _pure_reply(sf, 0, choices[0])),
           behaviour_from_plan(sf, 1, y, _pure_reply(sf, 1, choices[1]))]
    return tree_equilibrium(tree, sf, beh, pay)


def _subset_size(subset, players) -> str:
    """How many vertex plans each face of a maximal Nash subset has, as text."""
    if subset.plans is None:
        found = ("" if not subset.count_at_least else
                 f"; {len(subset.found[0]):,} × {len(subset.found[1]):,} proved extreme by random objectives, "
                 f"so at least {subset.count_at_least:,} extreme equilibria")
        return ("not listed (a face's vertex search, this one's or a smaller one's, passed its limit, and the "
                f"random objectives did not prove every extreme plan){found}")
    a, b = (len(p) for p in subset.plans)
    return (f"{a:,} plan{'' if a == 1 else 's'} of {players[0]} × {b:,} of {players[1]} = "
            f"{a * b:,} extreme equilibri{'um' if a * b == 1 else 'a'}")


def _subsets_heading(result) -> str:
    """The heading of the subsets' vertex counts: what the counts are, and that they add up to more
    than ``count`` when two subsets share an extreme equilibrium (maximal Nash subsets can)."""
    from deterrence.core.numbers import format_count
    counts = [s.count for s in result.subsets]
    shared = ("" if result.count is None or None in counts or sum(counts) == result.count else
              f"; two subsets can share one, so these add up to {sum(counts):,}, not {format_count(result.count)}")
    return (f"Extreme plans of each subset's faces (the extreme equilibria are the pairs{shared}; "
            "JSON \"subsets\" names the faces):")


@dataclass(frozen=True)
class SequenceFormResult(SolveResult):
    """A :class:`~deterrence.solvers.result.SolveResult` whose
    text names the kind of equilibrium (``kind``: "Nash", "quasi-perfect", ...);
    ``to_json()`` is the parent's, plus ``"kind"``, and the kind as ``"concept"`` when the result
    names no other (every solve's JSON names its solution concept under ``"concept"``; some
    had it only as ``"kind"``: a review).

    A tree that chance splits into independent parts
    (:mod:`~deterrence.solvers.tree.independent_parts`) also has ``parts``: pairs
    ``(part, result)`` of each :class:`~deterrence.solvers.tree.independent_parts.TreePart` and
    its own result, and ``count``, the number of the tree's extreme equilibria (every
    combination of one per part). When that number is over the cap on listed equilibria,
    ``equilibria`` is empty (``listed`` is False; the result is still true as a boolean) and
    the parts' lists are the answer: JSON ``"listed"``, ``"count"`` (an exact integer string)
    and ``"parts"`` (each with ``"weight"``, ``"paths"`` and its own ``"equilibria"``,
    ``"cliques"`` and ``"components"``).

    A tree whose extreme equilibria are too many to list, or whose search over them is too large,
    is answered by its maximal Nash subsets (:mod:`~deterrence.solvers.tree.subgame_subsets`):
    ``subsets`` holds each :class:`~deterrence.solvers.tree.subgame_subsets.NashSubset` (a pair of
    faces; every pair of plans from them is an equilibrium, and every equilibrium of the tree lies
    in one), ``equilibria`` one certified equilibrium of each, in the same order (an extreme one
    where the subset's plans are listed), and
    ``count`` the number of extreme equilibria when every face's extreme plans were listed and their
    pairs counted (else None; a note says why, and ``count_at_least`` is a certified lower bound:
    JSON ``"count_at_least"``, an exact integer string). ``listed`` is False; ``complete`` stays True
    (every equilibrium is in a listed subset); JSON ``"subsets"``
    (:meth:`~deterrence.solvers.tree.subgame_subsets.NashSubset.to_json`).

    >>> SequenceFormResult((), "sequence_form", True, True, ("A", "B"), kind="Nash").to_text()
    '0 Nash equilibria (sequence_form; all; exact)'
    """

    kind: str = "Nash"
    parts: tuple = ()
    count: int | None = None
    subsets: tuple = ()
    #: when the subsets' extreme equilibria are not all listed (``count`` None): how many distinct
    #: ones the listed faces and the plans proved extreme on the others make (a lower bound)
    count_at_least: int | None = None

    @property
    def listed(self) -> bool:
        """Whether ``equilibria`` lists every extreme equilibrium found (not so when only the parts'
        lists are given: ``count`` combinations are too many; nor when the answer is the maximal
        Nash subsets, each with one of its equilibria)."""
        if self.subsets or any(not result.listed for _, result in self.parts):
            return False
        return self.count is None or self.count == len(self.equilibria)

    def __bool__(self):
        """True when there are equilibria, listed or not (an unlisted result is empty as a
        sequence, but its parts' lists combine into ``count`` equilibria)."""
        return bool(self.equilibria) or bool(self.count)

    def to_json(self) -> dict:
        out = {**super().to_json(), "kind": self.kind}
        if not self.concept:
            out["concept"] = self.kind
        if self.subsets:
            out["listed"] = False
            out["count"] = None if self.count is None else str(self.count)
            if self.count_at_least is not None:
                out["count_at_least"] = str(self.count_at_least)
            out["subsets"] = [subset.to_json(self.players, k) for k, subset in enumerate(self.subsets)]
        if self.parts:
            out["listed"] = self.listed
            out["count"] = None if self.count is None else str(self.count)
            out["parts"] = [{**part.to_json(), **{k: v for k, v in result.to_json().items()
                                                  if k in ("equilibria", "cliques", "components", "subsets",
                                                           "listed", "count")}}
                            for part, result in self.parts]
        return out

    def to_text(self) -> str:
        lines = super().to_text().splitlines()
        n = len(self.equilibria)
        how = f"{'all' if self.complete else 'some'}; {'exact' if self.exact else 'floating point'}"
        if self.subsets:
            from deterrence.core.numbers import format_count
            extreme = (f", {format_count(self.count)} extreme equilibria in all (each a pair of extreme plans of "
                       "one's faces)" if self.count is not None else
                       f", at least {format_count(self.count_at_least)} extreme "
                       f"equilibri{'um' if self.count_at_least == 1 else 'a'}"
                       if self.count_at_least is not None else "")
            head = (f"{len(self.subsets)} maximal Nash subset{'' if len(self.subsets) == 1 else 's'}, each with one "
                    f"of its {self.kind} equilibria{extreme} ({self.method}; {how})")
        elif self.listed:
            head = f"{n} {self.kind} equilibri{'um' if n == 1 else 'a'} ({self.method}; {how})"
        else:
            from deterrence.core.numbers import format_count
            many = "Extreme" if self.count is None else f"{format_count(self.count)} extreme"
            head = (f"{many} {self.kind} equilibria: every combination of one from each of "
                    f"{len(self.parts)} independent parts' "
                    f"{'lists' if all(r.listed for _, r in self.parts) else 'answers'} ({self.method}; {how})")
        lines = [head] + lines[1:]
        if self.subsets:                 # before the notes, after the equilibria they count
            at = next((i for i, line in enumerate(lines) if line.startswith("Note: ")), len(lines))
            lines[at:at] = ([_subsets_heading(self)]
                            + [f"  [{k}] " + _subset_size(subset, self.players)
                               for k, subset in enumerate(self.subsets)])
        elif not self.listed:
            from deterrence.core.tree import path_name
            for k, (part, result) in enumerate(self.parts, 1):
                where = ", ".join(path_name(p) for p in part.paths)
                lines.append(f"Part {k} (chance reaches it with probability {part.weight}; "
                             f"play from node {where}):")
                lines += [f"  {line}" for line in result.to_text().splitlines()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        if self.subsets:
            import html
            sizes = "".join(f"<li>[{k}] {html.escape(_subset_size(s, self.players))}</li>"
                            for k, s in enumerate(self.subsets))
            table = super()._repr_html_()
            at = table.find("<p>Note: ")                  # before the notes, as in the text
            at = len(table) if at < 0 else at
            return table[:at] + f"<p>{html.escape(_subsets_heading(self))}</p><ul>{sizes}</ul>" + table[at:]
        if self.listed:
            return super()._repr_html_()
        import html
        from deterrence.core.tree import path_name
        out = [f"<p>{html.escape(self.to_text().splitlines()[0])}</p>"]
        out += [f"<p>Note: {html.escape(note)}</p>" for note in self.notes]
        for k, (part, result) in enumerate(self.parts, 1):
            where = ", ".join(path_name(p) for p in part.paths)
            out.append(f"<p>Part {k} (chance reaches it with probability {html.escape(str(part.weight))}; "
                       f"play from node {html.escape(where)})</p>{result._repr_html_()}")
        return "".join(out)


__all__ += ["SequenceFormResult", "best_reply_off_path", "certify_plans", "nash_equilibrium_from_plans",
            "tree_equilibrium"]
