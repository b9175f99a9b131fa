"""The maximal Nash subsets of a two-player tree, subgame by subgame.

Every Nash equilibrium of a two-player tree lies in a *Nash subset*: a pair of faces, one of each
sequence-form best-response polyhedron (:mod:`~deterrence.solvers.tree.sequence_branching`),
whose every pair of points is an equilibrium; the maximal ones (Jansen's maximal Nash subsets,
the cliques of the extreme equilibria's graph) are finitely many, and the extreme equilibria are
exactly the pairs of extreme points of their faces' plans (each the plan of a vertex of the face;
not every vertex's plan is one: the polyhedra carry the opponent's values beside the plans, and
a vertex can sit above a mixture of other plans). On the random trees of issue 18's goal 7 the
completely labelled vertex pairs number 107,012 at 65 sequences (9,409 extreme equilibria), and
the branching search over the supports, which meets every vertex, does not end at 137, while the
maximal Nash subsets stay few. This module finds the Nash subsets without meeting every vertex:

* a node of the support search whose faces already make every undecided label tight on one
  side (each proved by a certificate) is a Nash subset holding every equilibrium below it, so it
  is collected and not searched further;
* a proper subgame that both players enter plays one of the subgame's own equilibria (the labels
  of its sequences in the whole tree are the subgame's, scaled by the positive entry
  probabilities), so its labels are not branched on: the search takes each of the subgame's Nash
  subsets, found first and alone (recursively, the deepest subgames first), in turn.

Each equilibrium of the tree lies in a face pair collected at some node; a maximal Nash subset
is collected whole where its relative interior's pair is (a face through a relative-interior
point of another face contains it), so the maximal pairs among those collected, by their closed
sets of tight labels, are the maximal Nash subsets.

Sources: C. Audet, P. Hansen, B. Jaumard and G. Savard (2001), "Enumeration of all extreme
equilibria of bimatrix games", SIAM Journal on Scientific Computing 23: 323-338 (the
branching); M. Jansen (1981), "Maximal Nash subsets for bimatrix games", Naval Research Logistics
Quarterly 28: 147-152; D. Avis, G. Rosenberg, R. Savani and B. von Stengel (2010), "Enumeration
of Nash equilibria for two-player games", Economic Theory 42: 9-37 (cliques of extreme
equilibria); R. Selten (1975) for subgames; R. Freund, R. Roundy and M. Todd (1985),
"Identifying the set of always-active constraints in a system of linear inequalities by a single
linear program" (the float relative interior). No code was copied.

Steps of :func:`maximal_nash_subsets`:

1. find the tree's maximal proper subgames and solve each alone, recursively (step 1 to 4 on
   it), its Nash subsets given in its own sequences;
2. map each subgame's subsets into the whole tree's columns: a sequence of the subgame is the
   player's sequence into the subgame followed by it;
3. run the support search of :func:`~deterrence.solvers.tree.sequence_branching.branching_equilibrium_plans`
   in its collecting mode: the subgames' labels wait until both entries are decided; an entered
   subgame takes each of its subsets in turn; a node whose undecided labels are all one-sided
   (proved) is collected;
4. close each collected pair (every label tight on a face: float candidates, each proved by a
   certificate), keep the maximal pairs, and give each one equilibrium (the plans of a vertex of
   each face, exact) certified by :func:`~deterrence.solvers.tree.sequence_form.certify_plans`;
   with ``vertices=True``, each face's extreme plans listed (:func:`_face_plans`) and the
   equilibrium replaced by an extreme one.

>>> from deterrence.io import load_game
>>> subsets = maximal_nash_subsets(load_game("entry_deterrence").with_defaults())
>>> len(subsets)
2
>>> sorted(s.equilibrium for s in subsets)
[([1, 0, 1], [1, 0, 1]), ([1, 1, 0], [1, Fraction(1, 2), Fraction(1, 2)])]
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from itertools import product

from deterrence.core.tree import Chance, GameTree, Terminal, chance, decision, require_recursion_room, subgame_roots
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.tree.sequence_branching import (DEFAULT_NODES, _plan_labels, _Polyhedron,
                                                         branching_equilibrium_plans)
from deterrence.solvers.tree.sequence_form import certify_plans, sequence_form


#: Most bases the vertex listing of one face visits without an explicit ``limit=``
#: (:func:`_face_plans`): a bound on time (about 2,000 bases a second on the faces of the
#: 137-sequence tree); the reverse search keeps only its current path's tableaux in memory.
DEFAULT_FACE_BASES = 100_000
#: The fewest random objectives a face not listed gets when ``maximal_nash_subsets`` shares its
#: ``directions`` among the faces (:mod:`~deterrence.solvers.tree.face_directions`).
LEAST_FACE_DIRECTIONS = 4


@dataclass(frozen=True)
class NashSubset:
    """One maximal Nash subset of a tree: ``tight`` is, for each player ``k``, the set of
    sequence labels ``(player, sequence)`` that are tight on the face of the polyhedron of player
    ``k``'s plan (``(k, s)``: player ``k`` plays ``s`` with probability 0; ``(1 - k, t)``: the
    other player's sequence ``t`` is a best reply) — the faces are every plan pair with those
    labels at zero; ``equilibrium``: one equilibrium in it, realisation plans ``(x, y)``,
    certified exactly: an extreme one when ``plans`` are listed or ``found``, otherwise the plans
    of a vertex of each face (which may be a mixture of extreme ones); ``plans`` (when asked for): each
    player's extreme plans on their face (the extreme points of the face's plans), so that the
    subset's extreme equilibria are every pair of one plan of each (each pair an equilibrium: the
    faces are complementary)."""

    tight: tuple
    equilibrium: tuple
    plans: tuple | None = None
    #: each player's sequences (``SequenceForm.sequences``): what the plans' entries are
    sequences: tuple = ()
    #: when ``plans`` are not listed: some of each player's extreme plans on their face, each
    #: proved extreme (:func:`~deterrence.solvers.tree.face_directions.certified_extreme_plans`),
    #: so that the subset holds at least ``len(found[0]) * len(found[1])`` extreme equilibria
    found: tuple | None = None

    @property
    def known_plans(self) -> tuple | None:
        """Each player's extreme plans known on the faces: :attr:`plans` when listed (all of
        them), else the :attr:`found` ones (some), else None."""
        return self.plans if self.plans is not None else self.found

    @property
    def count_at_least(self) -> int | None:
        """A lower bound on the subset's extreme equilibria, the pairs of its
        :attr:`known_plans` (:attr:`count` when the plans are listed; None when none is known)."""
        known = self.known_plans
        return None if known is None else len(known[0]) * len(known[1])

    @property
    def count(self) -> int | None:
        """The subset's extreme equilibria (every pair of extreme plans), when they are listed."""
        return None if self.plans is None else len(self.plans[0]) * len(self.plans[1])

    def _by_set(self, labels) -> dict:
        """``{information set: [actions]}`` of sequences (each named by its last move)."""
        out: dict = {}
        for sequence in sorted(labels):
            if sequence:
                infoset, action = sequence[-1]
                out.setdefault(infoset, []).append(action)
        return out

    def to_json(self, players, index: int) -> dict:
        """The subset as ``deterrence solve --json`` gives it: ``"equilibrium"`` (``index``: its
        listed equilibrium), and for each player the sequences (each named by its last move,
        ``{information set: [actions]}``) ``"never_played"`` by every plan of the subset and those
        that are ``"best_replies"`` to every plan of the other's (every sequence is one or both);
        with the plans listed, ``"vertices"``: the vertices of each player's set of plans in the
        subset (its extreme plans) as realisation probabilities
        ``{information set: {action: "p/q"}}`` (positive ones only), and
        ``"extreme_equilibria"``, their number of pairs (an exact integer string); with the plans
        not listed but some found (:attr:`found`), ``"extreme_equilibria_at_least"``, the pairs
        of those (an exact integer string, a lower bound)."""
        from deterrence.core.numbers import format_exact
        never = {p: self._by_set(s for k, s in self.tight[i] if k == i) for i, p in enumerate(players)}
        replies = {p: self._by_set(s for k, s in self.tight[1 - i] if k == i) for i, p in enumerate(players)}
        out = {"equilibrium": index, "never_played": never, "best_replies": replies}
        if self.plans is not None:
            vertices = {}
            for i, p in enumerate(players):
                vertices[p] = []
                for plan in self.plans[i]:
                    realised: dict = {}
                    for sequence, q in zip(self.sequences[i], plan):
                        if sequence and q:
                            infoset, action = sequence[-1]
                            realised.setdefault(infoset, {})[action] = format_exact(q)
                    vertices[p].append(realised)
            out["vertices"] = vertices
            out["extreme_equilibria"] = str(self.count)
        elif self.found is not None:
            out["extreme_equilibria_at_least"] = str(self.count_at_least)
        return out


def _named_subtree(tree: GameTree, path) -> GameTree:
    """The subgame at ``path`` as a tree of its own, each information set keeping the whole
    tree's name (a set left unnamed is named by its path, which the subtree would change)."""
    def build(node, here):
        if isinstance(node, Terminal):
            return node
        if isinstance(node, Chance):
            return chance({m: (p, build(c, here + (m,))) for m, p, c in node.moves}, label=node.label)
        return decision(node.player, {m: build(c, here + (m,)) for m, c in node.moves},
                        infoset=tree.infoset_of(here).name, label=node.label)
    return GameTree(build(tree.node(tuple(path)), tuple(path)), players=list(tree.players))


def _maximal_proper_subgames(tree: GameTree) -> list:
    roots = [r for r in subgame_roots(tree) if r]
    return [r for r in roots if not any(o != r and r[:len(o)] == o for o in roots)]


def _closed(side, tight) -> frozenset:
    """Every labelled column tight on the face with ``tight`` at zero: the float LP's candidates,
    each proved tight by a certificate (a column not proved stays open: the set may then be
    smaller than the closure, never larger)."""
    free = side.free_columns(tight)
    candidates = [c for c in range(side.labelled) if c not in tight and (free is None or c not in free)]
    return frozenset(tight) | {c for c in candidates if not side.probe(set(tight), {c})[0]}


def _subsets(tree: GameTree, limit: int) -> tuple:
    """``(sequence form, polyhedra, closed maximal face pairs in columns)`` of ``tree``."""
    sf = sequence_form(tree)
    n1 = sf.sizes[0]
    sides = (_Polyhedron(sf, 0), _Polyhedron(sf, 1))
    # each label's index in the search (global label: player 1's sequence s, or n1 + player 2's t)
    label_index = {(col if k == 0 else n1 + col): i for i, (k, col, _) in enumerate(_plan_labels(sf, sides))}
    index = [{s: i for i, s in enumerate(sf.sequences[k])} for k in (0, 1)]
    subgames = []
    for path in _maximal_proper_subgames(tree):
        sub_sf, sub_sides, sub_faces = _subsets(_named_subtree(tree, path), limit)
        entry = tuple(tree.own_history(tuple(path), p) for p in tree.players)  # sequences into it
        sub_n1 = sub_sf.sizes[0]

        def whole(label, sub_sf=sub_sf, sub_n1=sub_n1, entry=entry):
            k, s = (0, label) if label < sub_n1 else (1, label - sub_n1)
            return (0 if k == 0 else n1) + index[k][entry[k] + sub_sf.sequences[k][s]]
        global_of = [{col: g for g, col in side.column.items()} for side in sub_sides]
        faces = [tuple(frozenset(sides[k].column[whole(global_of[k][c])] for c in pair[k]) for k in (0, 1))
                 for pair in sub_faces]
        labels = {label_index[whole(g)] for g in range(1, sub_n1)}
        labels |= {label_index[whole(sub_n1 + g)] for g in range(1, sub_sf.sizes[1])}
        subgames.append((labels, index[0][entry[0]], index[1][entry[1]], faces))
    collected: list = []
    branching_equilibrium_plans(sf, limit, progress=False, subsets=collected, subgames=subgames)
    closed = list(dict.fromkeys((_closed(sides[0], t0), _closed(sides[1], t1)) for t0, t1 in collected))
    maximal = [f for f in closed if not any(o != f and f[0] >= o[0] and f[1] >= o[1] for o in closed)]
    return sf, sides, maximal


def maximal_nash_subsets(tree: GameTree, *, limit: int = DEFAULT_NODES, vertices: bool = False,
                         face_limit: int = DEFAULT_FACE_BASES, large_faces: str = "refuse",
                         face_work: int | None = None, directions: int = 0) -> list:
    """The maximal Nash subsets of a two-player tree with perfect recall and exact payoffs, each
    with one certified equilibrium (:class:`NashSubset`); the steps are the module's.
    ``limit``: the search nodes allowed for each subgame's search (a named refusal past it).
    ``vertices``: also list each face's extreme plans (``NashSubset.plans``, by a vertex
    enumeration of each face, the vertices' plans filtered to their extreme points:
    :func:`_face_plans`; on large trees the faces can have thousands of vertices), searching
    at most ``face_limit`` bases of each face (a named refusal past it);
    ``face_work``: also at most ``face_work`` divided by the face's tableau size (rows times
    columns) bases, a bound on time that is the same for small and large faces (a pivot costs
    about the tableau's size).
    ``large_faces="stop"`` instead lists the subsets' faces from the fewest open labels up (by
    each subset's larger face) and stops at the first face past ``face_limit``: that subset and the
    larger ones keep
    ``plans=None`` (the time then goes to the faces that can be listed, and to one that cannot).
    ``directions``: with ``vertices=True``, the faces of the subsets whose plans are not listed
    share that many random objectives evenly (each at least :data:`LEAST_FACE_DIRECTIONS`); the
    plans proved extreme by them are listed as the subset's ``plans`` where a closure proves
    them all the face's extreme plans, on both faces, and are its ``found`` plans otherwise
    (:mod:`~deterrence.solvers.tree.face_directions`; 0: none, the default).

    The list is complete: every equilibrium of the tree lies in one of the subsets. Each subset is
    maximal when every label tight on its faces was proved so (step 4); where a certificate could
    not be rounded, a subset may be listed beside one that contains it (never seen in the tests,
    which compare the subsets with the maximal bicliques of the branching search's equilibria).

    >>> from deterrence.io import load_game
    >>> for s in maximal_nash_subsets(load_game("entry_deterrence").with_defaults(), vertices=True):
    ...     print(s.plans)          # out against fight with probability 1/2 to 1; in, accommodated
    (([1, 1, 0],), ([1, Fraction(1, 2), Fraction(1, 2)], [1, 1, 0]))
    (([1, 0, 1],), ([1, 0, 1],))
    """
    if large_faces not in ("refuse", "stop"):
        raise GameError(f"large_faces must be 'refuse' or 'stop', got {large_faces!r}")
    require_recursion_room(tree, "maximal_nash_subsets")     # one level of _subsets per subgame
    try:
        sf, sides, faces = _subsets(tree, limit)
    except TooLargeError as exc:           # a search past its nodes, or numbers past the float range
        raise TooLargeError(f"finding the maximal Nash subsets of this tree ({sum(sequence_form(tree).sizes)} "
                            f"sequences): {exc}") from None
    n1 = sf.sizes[0]
    # each polyhedron's column -> its label (player, sequence)
    names = [{col: (0, sf.sequences[0][g]) if g < n1 else (1, sf.sequences[1][g - n1])
              for g, col in side.column.items()} for side in sides]
    out, kept = [], []
    for pair in faces:
        plans = []
        for k, side in enumerate(sides):
            vertex = _some_vertex(side, pair[k])
            if vertex is None:
                break
            plans.append(vertex)
        else:
            x, y = plans
            certify_plans(sf, x, y)
            tight = tuple(frozenset(names[k][c] for c in pair[k]) for k in (0, 1))
            out.append(NashSubset(tight, (x, y), None, sf.sequences))
            kept.append(pair)
    if not vertices:
        return out
    # the subsets whose larger face has the fewest open (not tight) labels first: "stop" spends its
    # time on those (a subset is listed only when both faces are, so its larger face decides)
    order = sorted(range(len(out)), key=lambda i: max(side.labelled - len(t) for side, t in zip(sides, kept[i])))
    for i in order:
        try:
            plans = _face_plans(sides, kept[i], face_limit, face_work)
            # the subset's equilibrium: an extreme one, now that the extreme plans are known
            # (a vertex of the faces may sit above a mixture of plans)
            first = (list(plans[0][0]), list(plans[1][0]))
            certify_plans(sf, *first)
            out[i] = replace(out[i], plans=plans, equilibrium=first)
        except TooLargeError:
            if large_faces == "refuse":
                raise
            break
    unlisted = [i for i, subset in enumerate(out) if subset.plans is None]
    if directions > 0 and unlisted:
        each = max(LEAST_FACE_DIRECTIONS, directions // (2 * len(unlisted)))     # two faces a subset
        for i in unlisted:
            out[i] = _by_directions(sf, sides, kept[i], out[i], each, seed=i)
    return out


def _by_directions(sf, sides, pair, subset, directions: int, seed: int):
    """``subset`` (its plans not listed) with each face's extreme plans found by random
    objectives and, where the closure proves them all on both faces, listed
    (:func:`~deterrence.solvers.tree.face_directions.every_extreme_plan`); else kept as its
    ``found`` plans. Either way its equilibrium becomes an extreme one when both faces gave a
    plan (the vertex's plans it had may be a mixture)."""
    from deterrence.solvers.tree.face_directions import every_extreme_plan
    answers = [every_extreme_plan(side, set(pair[k]), directions, seed) for k, side in enumerate(sides)]
    plans = tuple(tuple(sorted(list(p) for p in found)) for found, _ in answers)
    if not (plans[0] and plans[1]):
        return replace(subset, found=plans)
    first = (list(plans[0][0]), list(plans[1][0]))
    certify_plans(sf, *first)
    if all(complete for _, complete in answers):
        return replace(subset, plans=plans, equilibrium=first)
    return replace(subset, found=plans, equilibrium=first)


def _face_plans(sides, pair, limit: int = DEFAULT_FACE_BASES, work: int | None = None) -> tuple:
    """Each player's extreme plans on their face of ``pair`` (exact, sorted): the extreme points
    of the plans at the face's vertices.

    The face, with its tight columns deleted, is a polyhedron in equation form of its own
    (pointed: a face of a pointed polyhedron); its vertices are listed by the reverse search
    over its lexicographically feasible bases (Avis and Fukuda 1992, :func:`_face_vertex_plans`,
    :mod:`~deterrence.core.reverse_search`), from the basis of one vertex: those bases meet every
    vertex, so the list is complete, and the plans are each vertex's own coordinates, exactly (a face that is a product
    is searched group by group, and the opponent's subtrees that hold no plan are taken out
    first: :func:`_planless_subtrees`). ``limit``: the most bases of one search
    (:class:`~deterrence.errors.TooLargeError` past it). The branching face search that listed
    them before (:func:`_face_plans_by_search`, kept for the tests) met every support instead."""
    plans = {}
    # the face with more open labels first: when one passes the limit it is most likely that one
    for k in sorted((0, 1), key=lambda k: len(pair[k]) - sides[k].labelled):
        plans[k] = tuple(sorted(list(p) for p in _face_vertex_plans(sides[k], pair[k], limit, k, work)))
    return plans[0], plans[1]


def _face_vertex_plans(side, tight, limit: int, player: int = 0, work: int | None = None) -> set:
    """The extreme points of the own plans of ``side``'s face with the columns ``tight`` at zero
    (tuples, ints where integral). The face is a product of one polyhedron per group of columns
    that no equation joins (:meth:`_Polyhedron.split`): its vertices are every choice of one
    vertex per group, so each group holding own sequences is searched alone
    (:func:`_vertex_search`), the others held at one vertex's zero labels (which leaves them a
    point); the plans at a group's vertices are filtered to their extreme points
    (:func:`~deterrence.core.extreme_points.extreme_points`: a vertex of the face can sit above
    a mixture of other plans, where the opponent's best-reply value has a kink), and the face's
    are every combination (the extreme points of a product are the products of extreme points);
    a group of the opponent's labels alone adds vertices, never plans, and is not searched."""
    from deterrence.core.extreme_points import extreme_points
    from deterrence.solvers.tree.sequence_branching import _norm
    zero = _vertex_zeros(side, tight)
    if zero is None:
        return set()
    open_columns = [c for c in range(side.labelled) if c not in tight]
    groups, _, _ = side.split(set(tight), open_columns)
    start = side.vertex(zero)
    own_groups = [g for g in groups if any(c < side.n_own for c in g)]
    alternatives = []
    for group in own_groups:
        members = set(group)
        held = set(tight) | {c for c in zero if c not in members}
        own = sorted(c for c in members if c < side.n_own)
        # zero is a vertex of the smaller face with held at zero too: the group's search starts there
        found = list({tuple(plan[c] for c in own) for plan in _vertex_search(side, held, zero, limit, player, work)})
        alternatives.append([found[i] for i in extreme_points(found)])
    plans = set()
    for choice in product(*alternatives):
        plan = list(start)
        for group, values in zip(own_groups, choice):
            for c, v in zip(sorted(c for c in group if c < side.n_own), values):
                plan[c] = v
        plans.add(tuple(_norm(v) for v in plan))
    return plans


def _vertex_search(side, tight, zero, limit: int, player: int, work: int | None = None) -> list:
    """The own plans (lists of Fractions) at the vertices of the face with ``tight`` at zero, from
    its vertex with the labels ``zero`` at zero (:func:`_vertex_zeros`), by
    :func:`~deterrence.solvers.tree._sequence_vertices._vertices` on the face's own equation form
    less the opponent's subtrees that hold no plan (:func:`_planless_subtrees`): the non-tight
    columns, the independent rows (deleting columns can leave rows such as ``0 = 0``), and a first
    basis made of one vertex's positive and free columns completed by others (the free columns,
    the values, stay basic)."""
    from deterrence.core.exact import flint_module
    from deterrence.errors import SolverError
    from deterrence.solvers.tree._sequence_vertices import _vertices
    point = _point(side, zero)
    dropped_rows, dropped_columns, signed = _planless_subtrees(side, tight)
    own = [c for c in range(side.n_own) if c not in tight]
    keep = (own + [c for c in range(side.n_own, side.labelled) if c not in tight and c not in dropped_columns]
            + sorted(signed) + [f for f in range(side.labelled, side.ncols) if f not in dropped_columns
                                and f not in signed])
    labelled = len(keep) - sum(f >= side.labelled and f not in signed for f in keep)
    rows = [[side.M[r][c] for c in keep] for r in range(side.rows) if r not in dropped_rows]
    rhs = [side.b[r] for r in range(side.rows) if r not in dropped_rows]
    flint = flint_module()
    ref, rank = flint.fmpq_mat(len(keep), len(rows), [r[i] for i in range(len(keep)) for r in rows]).rref()
    independent = [next(j for j in range(len(rows)) if ref[i, j] != 0) for i in range(rank)]
    M = [rows[r] for r in independent]
    b = [rhs[r] for r in independent]
    support = [i for i, c in enumerate(keep) if point.get(c, 0) != 0 or (c >= side.labelled and c not in signed)]
    chosen = set(support)
    order = support + [i for i in range(len(keep)) if i not in chosen]
    ref, _ = flint.fmpq_mat(len(M), len(order), [r[i] for r in M for i in order]).rref()
    basis = [order[next(j for j in range(len(order)) if ref[i, j] != 0)] for i in range(rank)]
    if not chosen <= set(basis):
        raise SolverError("internal error: the first vertex of a Nash subset's face is not a vertex")
    if work is not None:                 # a pivot costs about the tableau's size: the same time bound
        limit = min(limit, max(1, work // (len(M) * len(keep))))
    try:
        found = _vertices(M, b, basis, len(own), labelled - len(own), labelled, limit)
    except TooLargeError:
        raise TooLargeError(f"listing the vertices of player {player + 1}'s face of a maximal Nash subset "
                            f"passed {limit:,} bases; pass a larger face_limit= (maximal_nash_subsets) "
                            "to continue") from None
    plans = []
    for values in found.values():
        plan = [Fraction(0)] * side.n_own
        for c, q in zip(own, values):
            plan[c] = q
        plans.append(plan)
    return plans


def _point(side, zero) -> dict:
    """The vertex with the labelled columns ``zero`` at zero (confirmed one by
    :meth:`_Polyhedron.vertex`): ``{column: exact value}`` over the other columns."""
    from deterrence.core.exact import flint_module
    flint = flint_module()
    keep = [c for c in range(side.ncols) if c not in zero]
    aug = flint.fmpq_mat(side.rows, len(keep) + 1,
                         [v for r in range(side.rows) for v in [side.M[r][c] for c in keep] + [side.b[r]]])
    red, rank = aug.rref()
    return {keep[next(j for j in range(len(keep)) if red[i, j] != 0)]: Fraction(int(red[i, len(keep)].p),
                                                                               int(red[i, len(keep)].q))
            for i in range(rank)}


def _planless_subtrees(side, tight) -> tuple:
    """``(rows, columns, signed)``: the opponent's subtrees that the face leaves without a plan,
    to be taken out of its vertex search. A value column ``v_h`` (the opponent's information
    set ``h``; ``M`` gives its action rows, where its entry is negative, and the row of the
    sequence into ``h``, where it is positive) whose action rows and those of every set below
    have all their own columns in ``tight`` holds, with the sets below, a homogeneous system:
    ``v_h' - (the values after each action) = slack >= 0`` (``= 0`` when tight), a cone in
    which every value is at least 0 and which at ``v_h = t`` is ``t`` times its cross-section
    at 1. So a vertex of the face is a vertex of the face with that subtree's rows and columns
    taken out and ``v_h >= 0`` (or ``v_h = 0`` when the cone holds no ``v_h > 0``) with a
    vertex of the cross-section, and each vertex of that face is one, with the same plan: the
    own plans at the vertices are the same, without the cross-sections' vertices, which
    multiply the vertices (a set off the plan's path has one per pattern of tight slacks
    below). ``rows``: the subtrees' action rows; ``columns``: their slacks and values (the top
    value too when it must be 0); ``signed``: the top values kept as columns ``>= 0``."""
    L, C = side.labelled, side.ncols
    slack_of = {r: next((c for c, _ in row if side.n_own <= c < L), None) for r, row in enumerate(side.row_nonzero)}
    actions = {f: [r for r, v in side.nonzero[f] if v < 0] for f in range(L, C)}
    parent = {f: next((r for r, v in side.nonzero[f] if v > 0), None) for f in range(L, C)}
    after = {}                                       # row -> the values of the sets its sequence leads to
    for f in range(L, C):
        if parent[f] is not None:
            after.setdefault(parent[f], []).append(f)
    owner = {r: f for f in range(L, C) for r in actions[f]}
    free, positive = {}, {}

    def planless(f):                                 # below: depth of the opponent's sets, a few
        if f not in free:
            free[f] = all(all(c in tight for c, _ in side.row_nonzero[r] if c < side.n_own)
                          and all(planless(g) for g in after.get(r, ())) for r in actions[f])
        return free[f]

    def can_rise(f):                                 # some point of the cone has v_f > 0
        if f not in positive:
            positive[f] = all(slack_of[r] not in tight or any(can_rise(g) for g in after.get(r, ()))
                              for r in actions[f])
        return positive[f]
    rows, columns, signed = set(), set(), set()
    for f in range(L, C):
        if not planless(f):
            continue
        rows.update(actions[f])
        columns.update(slack_of[r] for r in actions[f])
        if parent[f] is not None and planless(owner[parent[f]]):
            columns.add(f)                          # a set below another planless one
        elif can_rise(f):
            signed.add(f)
        else:
            columns.add(f)
    return rows, columns, signed


def _vertex_zeros(side, tight):
    """The labelled columns zero at one vertex of the face with ``tight`` at zero (a set that
    :meth:`_Polyhedron.vertex` confirmed exactly), or None when the face is empty: a float LP's
    basic optimum (:meth:`_Polyhedron.some_vertex_labels`), else the branching face search,
    stopped at its first vertex (on the faces of the 281-sequence tree that search took minutes
    for one vertex)."""
    from deterrence.solvers.tree.sequence_branching import _Search, _vertex_tights
    labels = side.some_vertex_labels(set(tight), set())
    if labels is not None:
        return labels
    undecided = [c for c in range(side.labelled - 1, -1, -1) if c not in tight]
    found = _vertex_tights(side, set(tight), set(), undecided, _Search(DEFAULT_NODES), first=True)
    return set(found[0]) if found else None


def _face_plans_by_search(sides, pair) -> tuple:
    """:func:`_face_plans` by the branching face search (``_leaf_plans``), which meets every
    support of the face: slow on large faces; kept to check the vertex listing in the tests."""
    from deterrence.solvers.tree.sequence_branching import _leaf_plans, _Search
    out = []
    for side, tight in zip(sides, pair):
        undecided = [c for c in range(side.labelled - 1, -1, -1) if c not in tight]
        plans = _leaf_plans(side, set(tight), set(), undecided, None, _Search(DEFAULT_NODES))
        out.append(tuple(sorted(list(p) for p in plans)))
    return tuple(out)


def _some_vertex(side, tight):
    """The own plan of a vertex of the face with ``tight`` at zero (exact), or None when the face
    is empty (:func:`_vertex_zeros`)."""
    zero = _vertex_zeros(side, tight)
    if zero is None:
        return None
    return [v.numerator if v.denominator == 1 else v for v in side.vertex(zero)]


__all__ = ["NashSubset", "maximal_nash_subsets"]
