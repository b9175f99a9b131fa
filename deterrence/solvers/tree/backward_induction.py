"""Subgame-perfect equilibria of game trees: backward induction over subgames.

Every subgame-perfect equilibrium in pure strategies of a perfect-information
tree, with ties handled in full: when a player is indifferent between moves,
each tied move starts its own branch of the answer (all combinations are
kept, none is chosen arbitrarily). Trees with imperfect information (e.g.
simultaneous moves) are cut into subgames; a subgame with no proper subgame
left is turned into its reduced normal form and solved by the stage-game
solvers (:func:`deterrence.solvers.solve`: every extreme equilibrium of a
two-player game, the pure equilibria otherwise), and every equilibrium of
every subgame is combined with every solution of the subgames below.

Sources: Kuhn, H. W. (1953). Extensive games and the problem of information.
Selten, R. (1965). Spieltheoretische Behandlung eines Oligopolmodells mit
Nachfragetraegheit. Zeitschrift fuer die gesamte Staatswissenschaft 121.
Osborne and Rubinstein (1994), A Course in Game Theory, sec. 6.2 (Kuhn's
theorem, backward induction) and 11.

Steps:

1. find the subgame roots: nodes whose subtree every information set it
   touches lies wholly inside;
2. solve from the bottom: for a subgame root, solve the subgames just below
   it (recursively), replace each by the payoffs of one of its solutions, and
   solve the truncated game (one decision: every best move; chance: expected
   payoffs; anything else: reduced normal form and the stage solvers, once for
   each set of payoffs at the cut nodes, mixed equilibria turned into behaviour
   strategies by Kuhn's theorem);
3. keep every combination (more than ``max_equilibria`` are refused with
   their count before they are built), and report each equilibrium's move at
   every information set and node, behaviour probabilities and payoffs, exactly.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

from deterrence.core.numbers import to_exact
from deterrence.core.symbolic import as_sympy
from deterrence.core.tree import (Chance, Decision, GameTree, Terminal, fold_tree, path_name, require_recursion_room,
                                  subgame_roots)
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, SolverError, TooLargeError
from deterrence.solvers.result import SolveResult, TreeEquilibrium
from deterrence.solvers.tree.reduced_normal_form import (
    expected_payoffs,
    reduced_normal_form,
)

#: largest number of equilibria kept (combinations multiply quickly).
MAX_EQUILIBRIA = 100_000
#: largest number of move probabilities the tied moves of one node may produce (each tied
#: move is an equilibrium listing every move of the node: t ties of n moves make t * n)
MAX_TIE_ENTRIES = 1_000_000

#: the result type of every solver (kept under its old name for old imports)
TreeSolveResult = SolveResult


# -- subgames ------------------------------------------------------------------
#: The note of a tree whose only subgame is the whole tree (the threat test's line says what
#: that means for credibility: :data:`deterrence.solvers.tree.threats.NO_PROPER_SUBGAME`).
NO_PROPER_SUBGAME_NOTE = ("this tree has no proper subgame, so its subgame-perfect equilibria are its Nash "
                          "equilibria: method sequential (beliefs at every information set) or, for a "
                          "signalling game, signalling_pbe (with the intuitive criterion) refines them")


def has_no_proper_subgame(tree) -> bool:
    """Whether the whole tree is its only subgame.

    >>> from deterrence import load_game
    >>> has_no_proper_subgame(load_game("beer_quiche")), has_no_proper_subgame(load_game("entry_deterrence"))
    (True, False)
    """
    return subgame_roots(tree) == [()]


def _truncate(node, path, cut, names):
    """Copy of the subtree with the nodes in ``cut`` (path -> payoffs) made terminal.

    Decision nodes keep their original information-set names (``names``: path -> name).
    """
    if path in cut:
        return Terminal(cut[path])

    def branches(n, at):       # below a cut node nothing is copied: it is replaced
        return [] if at in cut else zip(n.labels, n.children)

    def combine(n, at, below, children):
        if at in cut:
            return Terminal(cut[at])
        if isinstance(n, Decision):
            return Decision(n.player, list(zip(n.labels, children)), names[at], n.label)
        return Chance([(m, (p, c)) for (m, p, _), c in zip(n.moves, children)], n.label)

    return fold_tree(node, lambda n, at: Terminal(cut[at]) if at in cut else n, combine,
                     branches=branches, path=path)


class _Solver:
    def __init__(self, tree, stage_method, options, max_tie_entries=None, max_equilibria=None):
        self.tree, self.stage_method, self.options = tree, stage_method, options
        self.max_tie_entries = MAX_TIE_ENTRIES if max_tie_entries is None else max_tie_entries
        self.max_equilibria = MAX_EQUILIBRIA if max_equilibria is None else max_equilibria
        self.roots = set(subgame_roots(tree))
        self.notes = []
        self.complete = True
        self.tied = False           # a player of a perfect-information node was indifferent
        # a truncated subgame's solutions depend only on the payoffs put at its cut nodes, and
        # many combinations of the subgames' solutions put the same ones (14 random rounds:
        # 94,176 combinations at the root, far fewer distinct payoffs), so each is solved once
        self._stages: dict = {}

    def frontier(self, x):
        """The subgame roots and terminals just below ``x``, in preorder (without recursion)."""
        out, stack = [], [x]
        while stack:
            path = stack.pop()
            node = self.tree.node(path)
            if path != x and (path in self.roots or isinstance(node, Terminal)):
                out.append(path)
                continue
            stack.extend(path + (m,) for m in reversed(node.labels))
        return out

    def solve(self, x):
        """List of (behaviour, payoffs) for the subgame at ``x``: the subgames below are
        solved first, from the bottom, with an explicit stack (no recursion, whatever the
        depth), in the order of the recursive definition."""
        solved, stack = {}, [(x, None)]
        while stack:
            y, front = stack.pop()
            node = self.tree.node(y)
            if isinstance(node, Terminal):
                solved[y] = [({}, node.payoffs)]
            elif front is None:
                front = self.frontier(y)
                stack.append((y, front))
                stack.extend((z, None) for z in reversed(front))
            else:
                solved[y] = self.combine(y, node, front, [solved.pop(z) for z in front])
        return solved[x]

    def combine(self, x, node, front, below):
        """The solutions of the subgame at ``x`` from those of the subgames at ``front``."""
        count = 1
        for b in below:
            count *= len(b)
        if count > self.max_equilibria:
            raise TooLargeError(f"{count:,} combinations of subgame solutions at node {path_name(x)}, more "
                                f"than the {self.max_equilibria:,} kept (pass max_equilibria={count} to "
                                "list them)")
        results = []
        simple = set(front) == {x + (m,) for m in node.labels}
        if isinstance(node, Decision) and len(self.tree.infoset_of(x).paths) != 1:
            simple = False
        for combo in itertools.product(*below):
            merged = {}
            for beh, _ in combo:
                merged.update(beh)
            values = {y: pay for y, (_, pay) in zip(front, combo)}
            if simple and isinstance(node, Chance):
                n = len(self.tree.players)
                total = [0] * n
                for m, p, _ in node.moves:
                    total = [t + p * v for t, v in zip(total, values[x + (m,)])]
                results.append((merged, tuple(to_exact(v) for v in total)))
            elif simple:
                i = self.tree.player_index(node.player)
                best = max(values[x + (m,)][i] for m in node.labels)
                tied = sum(1 for m in node.labels if values[x + (m,)][i] == best)
                self.tied = self.tied or tied > 1
                entries = (len(results) + tied) * len(node.labels)
                if entries > self.max_tie_entries:
                    raise TooLargeError(
                        f"{tied} tied best moves (of {len(node.labels)}) at node {path_name(x)} give "
                        f"{tied} subgame-perfect equilibria of {len(node.labels)} move probabilities "
                        f"each, over the limit of {self.max_tie_entries:,} (break the ties, or pass "
                        f"max_tie_entries={entries} to try anyway)")
                key = (node.player, self.tree.infoset_of(x).name)
                for m in node.labels:
                    if values[x + (m,)][i] == best:
                        beh = dict(merged)
                        beh[key] = {a: (1 if a == m else 0) for a in node.labels}
                        results.append((beh, values[x + (m,)]))
            else:
                key = (x, tuple(values[y] for y in front))
                if key not in self._stages:
                    # repeats come from the stage alone (two reduced-normal-form equilibria with one
                    # behaviour): the subgames below have disjoint information sets and repeat-free
                    # lists, so the combinations need no second pass
                    self._stages[key] = _distinct(self.stage(x, node, values))
                for beh, pay in self._stages[key]:
                    results.append(({**merged, **beh}, pay))
            if len(results) > self.max_equilibria:
                raise TooLargeError(f"more than {self.max_equilibria:,} equilibria in the subgame at node "
                                    f"{path_name(x)} (pass a larger max_equilibria= to list them)")
        return results

    def stage(self, x, node, values):
        """Solve a subgame without proper subgames through its reduced normal form."""
        from deterrence.solvers import solve
        cut = {y[len(x):]: pay for y, pay in values.items()}
        names = {p[len(x):]: self.tree.infoset_of(p).name for p, n in self.tree.nodes()
                 if isinstance(n, Decision) and p[:len(x)] == x}
        sub = GameTree(_truncate(node, (), cut, names), self.tree.players, max_depth=max(self.tree.depth, 1))
        # the truncated tree names singleton sets by its own paths: map back
        rename = {}
        for s in sub.infosets.values():
            orig = self.tree.infoset_of(x + s.paths[0])
            rename[s.key] = orig.key
        sub.check_perfect_recall(f"solving the subgame at node {path_name(x)}")
        try:
            nf = reduced_normal_form(sub)      # itself too large for a stage of 2**20 plans a player
            result = solve(nf, self.stage_method, **self.options)
        except ImportError:  # the all-equilibria solver is not installed
            result = solve(nf, "pure")
        except TooLargeError:
            # the reduced normal form grows exponentially with the information sets; for two
            # players the sequence form (linear in the tree) gives the same extreme equilibria
            if self.stage_method is not None or len(self.tree.players) != 2:
                raise
            return self.stage_by_sequence_form(x, sub, rename)
        if not result.complete:
            self.complete = False
            self.notes.extend(n for n in result.notes if n not in self.notes)
        self.note_sets_of_equilibria(x, result)
        strategies = nf.extra["strategies"]
        out = []
        for eq in result.equilibria:
            if not all(isinstance(q, (int, float, Fraction)) for mix in eq.strategies for q in mix):
                # an algebraic number has no arithmetic here: its behaviour, its payoffs (carried
                # up as the subgame's value) and the outcome's probabilities cannot be computed
                raise SolverError(f"the subgame at node {path_name(x)} has an equilibrium with irrational "
                                  f"probabilities ({eq.describe()}); subgame_perfect works in fractions and "
                                  "cannot carry it up the tree. Method tree_nash lists every Nash equilibrium "
                                  "of the tree (not only the subgame-perfect ones), irrational ones included, "
                                  "from its reduced normal form (a large one needs its limit= raised)")
            beh = {}
            for i, player in enumerate(self.tree.players):
                # the plans played (most equilibria play few of a player's plans): the sums below skip zeros
                played = [(q, st) for q, st in zip(eq.strategies[i], strategies[i]) if q]
                for s in sub.infosets_of(player):
                    den = sum((q for q, st in played if s.name in st), Fraction(0))
                    if den == 0:
                        dist = {a: (1 if k == 0 else 0) for k, a in enumerate(s.actions)}
                        note = (f"the move of {player} at information set {rename[s.key][1]!r} is not "
                                "pinned down by the equilibrium of its subgame; the first move is shown")
                        if note not in self.notes:
                            self.notes.append(note)
                    else:
                        dist = {a: to_exact(sum((q for q, st in played if st.get(s.name) == a), Fraction(0)) / den)
                                for a in s.actions}
                    beh[rename[s.key]] = dist
            out.append((beh, tuple(eq.payoffs)))
        return out

    def note_sets_of_equilibria(self, x, result):
        """Say that the subgame at ``x`` has sets of equilibria when a clique of ``result`` has more
        than one extreme equilibrium (from its reduced normal form or its sequence form: Kuhn poker's
        default solve listed two equilibria as if they were all, where the sequence form's own result
        said every mixture of them is one; a newcomer's review)."""
        if result.cliques is not None and any(len(c) > 1 for c in result.cliques):
            note = (f"the subgame at node {path_name(x)} has sets of equilibria: its extreme "
                    "equilibria are listed; their mixtures within a clique are equilibria of that "
                    "subgame, and subgame perfect in the tree where every move before it stays a best "
                    "reply (those are not listed)")
            if note not in self.notes:
                self.notes.append(note)

    def stage_by_sequence_form(self, x, sub, rename):
        """Every extreme equilibrium of a two-player subgame by the sequence form
        (:mod:`~deterrence.solvers.tree.sequence_enumeration`); moves at information sets
        the equilibrium does not reach are the player's best reply there."""
        from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
        result = sequence_form_equilibria(sub)
        note = (f"the subgame at node {path_name(x)} is too large for its reduced normal form: its "
                "extreme equilibria come from the sequence form (off the path, best replies)")
        if note not in self.notes:
            self.notes.append(note)
        if result.subsets:        # only its maximal Nash subsets: too many vertices, or too large to list
            many = "" if result.count is None else f"{result.count:,} extreme equilibria in "
            raise TooLargeError(f"the subgame at node {path_name(x)} has {many}{len(result.subsets)} maximal Nash "
                                "subsets, whose extreme equilibria are not listed; solve it with method "
                                "sequence_form")
        if not result.listed:     # only its independent parts' lists: too many combinations
            many = "its" if result.count is None else f"{result.count:,}"
            answers = "lists" if all(r.listed for _, r in result.parts) else "answers"
            raise TooLargeError(f"the subgame at node {path_name(x)} has {many} extreme "
                                f"equilibria (every combination of its {len(result.parts)} independent "
                                f"parts' {answers}), more than are listed; solve it with method sequence_form")
        if not result.complete:
            self.complete = False
        self.note_sets_of_equilibria(x, result)
        return [({rename[key]: dict(dist) for key, dist in eq.behaviour.items()}, tuple(eq.payoffs))
                for eq in result.equilibria]


def _distinct(results):
    """Solutions without repeats: two reduced-normal-form equilibria of a subgame can differ
    only in plans that behaviour strategies do not tell apart, and would print twice."""
    if len(results) < 2:       # nothing to compare (and a deep chain would sort its plan at every level)
        return results
    seen, out = set(), []
    for beh, pay in results:
        key = tuple(sorted((k, tuple(sorted(v.items()))) for k, v in beh.items()))
        if key not in seen:
            seen.add(key)
            out.append((beh, pay))
    return out


def subgame_perfect(tree: GameTree, stage_method: str | None = None, *, max_tie_entries: int | None = None,
                    max_equilibria: int | None = None, **options) -> SolveResult:
    """Every subgame-perfect equilibrium (pure ones in perfect-information trees: one per tied
    move where a player is indifferent, and then the list is not complete, since mixing tied moves
    is subgame perfect where the moves before it stay best replies).

    ``stage_method`` names the solver for subgames with simultaneous moves or
    hidden information (default: as :func:`deterrence.solvers.solve`). Tied moves
    whose equilibria would list more than ``max_tie_entries`` move probabilities
    (default :data:`MAX_TIE_ENTRIES`) are refused with
    :class:`~deterrence.errors.TooLargeError` before they are listed, and so are
    more than ``max_equilibria`` equilibria (default :data:`MAX_EQUILIBRIA`), with
    their count when it is known before they are built.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> r = subgame_perfect(entry_deterrence())
    >>> [e.describe() for e in r]
    ['Entrant: in; Incumbent: accommodate  (payoffs 1, 1)']
    >>> r[0].actions
    {'root': 'in', 'in': 'accommodate'}
    """
    if not isinstance(tree, GameTree):
        raise GameError(f"subgame_perfect needs a GameTree, got {type(tree).__name__}")
    if options or stage_method is not None:
        from deterrence.solvers import ALIASES, check_options, methods_for
        if stage_method is None:
            raise GameError(f"subgame_perfect passes options ({', '.join(options)}) to the method that "
                            "solves subgames with simultaneous moves: name it with stage_method=")
        from deterrence.core.normal_form import NormalFormGame
        # correlated equilibria are distributions over profiles, not a strategy for each player:
        # no behaviour at the subgame's information sets comes from them
        fits = [m for m in methods_for(NormalFormGame.from_arrays([[0]]))
                if m not in ("correlated", "coarse_correlated")]
        if ALIASES.get(stage_method, stage_method) not in fits:
            raise GameError(f"stage_method {stage_method!r} is not a method for the Nash equilibria of "
                            f"normal-form games; choose one of {', '.join(fits)}")
        check_options(stage_method, options, passed_by="subgame_perfect")
    given = tree
    tree = at_defaults(tree, "subgame_perfect")
    for name, value in (("max_tie_entries", max_tie_entries), ("max_equilibria", max_equilibria)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
            raise GameError(f"{name} must be a whole number >= 1, got {value!r}")
    solver = _Solver(tree, stage_method, options, max_tie_entries, max_equilibria)
    solutions = solver.solve(())
    equilibria = tuple(TreeEquilibrium.from_behaviour(tree, beh, tuple(pay)) for beh, pay in solutions)
    notes = list(solver.notes)
    complete = solver.complete
    if tree.is_perfect_information and solver.tied:
        # "mixtures of tied moves are subgame perfect too" was false: B mixing its tied moves can
        # make A's move before it a worse reply (a solver review); the mixed ones are not listed
        complete = False
        notes.insert(0, "perfect information with ties: every pure subgame-perfect equilibrium, one per "
                        "tied move; mixing tied moves is subgame perfect only where every move before "
                        "it stays a best reply, and those mixed equilibria are not listed")
    elif tree.is_perfect_information:
        notes.insert(0, "perfect information and no ties: the subgame-perfect equilibrium is unique "
                        "and pure")
    elif solver.roots == {()}:         # no proper subgame (the solver found its subgames already)
        # a signalling game's chance move is hidden: subgame perfection then refines nothing, and
        # the listing called a pooling threat credible that fails the intuitive criterion (a review)
        notes.insert(0, NO_PROPER_SUBGAME_NOTE)
    return SolveResult(equilibria, "subgame_perfect", True, complete, tree.players,
                       notes=tuple(notes), concept="subgame-perfect", game=given,
                       parameters=tree.parameters,
                       options={**({"stage_method": stage_method} if stage_method else {}), **options})


def is_subgame_perfect(tree: GameTree, behaviour: dict) -> bool:
    """Brute-force check of a pure profile: a Nash equilibrium in every subgame.

    ``behaviour`` maps ``(player, information set)`` to a move. Every pure
    deviation of every player in every subgame is tried (small trees only).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> t = entry_deterrence()
    >>> is_subgame_perfect(t, {("Entrant", "root"): "out", ("Incumbent", "in"): "fight"})
    False
    """
    tree = at_defaults(tree, "is_subgame_perfect", "checked")
    for x in subgame_roots(tree):
        base = expected_payoffs(tree, behaviour, x)
        for i, player in enumerate(tree.players):
            sets = [s for s in tree.infosets_of(player) if any(p[:len(x)] == x for p in s.paths)]
            for moves in itertools.product(*(s.actions for s in sets)):
                dev = dict(behaviour)
                dev.update({s.key: m for s, m in zip(sets, moves)})
                if expected_payoffs(tree, dev, x)[i] > base[i]:
                    return False
    return True


__all__ = ["subgame_perfect", "subgame_roots", "symbolic_regimes", "is_subgame_perfect", "TreeSolveResult",
           "TreeEquilibrium"]


def symbolic_regimes(tree: GameTree, at=()) -> list:
    """Backward induction with formulas: every regime of a perfect-information subgame.

    Returns a list of ``(condition, moves, payoffs)``: under ``condition`` (a
    sympy boolean over the parameters) the subgame at ``at`` has a
    subgame-perfect equilibrium with these ``moves`` (node path -> move) and
    ``payoffs``. Regimes may overlap on their boundaries (ties).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> for cond, moves, pay in symbolic_regimes(entry_deterrence(symbolic=True)):
    ...     print(cond, moves)
    (f >= 0) & (-d - f >= 0) {'root': 'out', 'in': 'fight'}
    (-f >= 0) & (-d - f >= 0) {'root': 'in', 'in': 'fight'}
    (-d >= 0) & (d + f >= 0) {'root': 'out', 'in': 'accommodate'}
    (d >= 0) & (d + f >= 0) {'root': 'in', 'in': 'accommodate'}
    """
    import sympy
    if not tree.is_perfect_information:
        raise GameError("symbolic_regimes needs a perfect-information tree")
    require_recursion_room(tree, "symbolic_regimes")
    at = tuple(at) if not isinstance(at, str) else (() if at in ("", "root") else tuple(at.split("/")))

    def solve(path):
        node = tree.node(path)
        if isinstance(node, Terminal):
            return [(sympy.true, {}, node.payoffs)]
        kids = [(m, solve(path + (m,))) for m in node.labels]
        out = []
        for combo in itertools.product(*(r for _, r in kids)):
            cond = sympy.And(*(c for c, _, _ in combo))
            if cond is sympy.false:
                continue
            moves = {}
            for _, mv, _ in combo:
                moves.update(mv)
            if isinstance(node, Chance):
                pay = tuple(sum(p * u[i] for p, (_, _, u) in zip(node.probabilities, combo))
                            for i in range(len(tree.players)))
                out.append((cond, moves, pay))
                continue
            i = tree.player_index(node.player)
            for k, (m, _) in enumerate(kids):
                mine = combo[k][2][i]
                c = sympy.And(cond, *((as_sympy(mine) - as_sympy(combo[j][2][i])).expand() >= 0
                                     for j in range(len(kids)) if j != k))
                if c is sympy.false:
                    continue
                out.append((c, {path_name(path): m, **moves}, combo[k][2]))
        return out

    return solve(at)
