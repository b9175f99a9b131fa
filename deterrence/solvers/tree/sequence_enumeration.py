"""Every extreme Nash equilibrium of a two-player tree, by the sequence form.

The analogue, for trees, of enumerating the vertices of the best-response
polytopes of a bimatrix game
(:mod:`~deterrence.solvers.normal_form.enumeration`). In the sequence form
(:mod:`~deterrence.solvers.tree.sequence_form`) the best-response polyhedra
are

    P = {(x, v) : E x = e, x >= 0, F^T v >= B^T x},
    Q = {(y, u) : F y = f, y >= 0, E^T u >= A y},

with ``u, v`` free. Label the sequences of both players. A point of ``P``
has label ``s`` (a sequence of player 1) if ``x_s = 0`` and label ``t`` (of
player 2) if ``(F^T v - B^T x)_t = 0``; symmetrically for ``Q``. A pair is a
Nash equilibrium exactly when every label appears (complementarity of the
sequence-form LCP, Koller, Megiddo and von Stengel 1996). Both polyhedra are
pointed (``F^T`` and ``E^T`` have full column rank), and each maximal set of
equilibria (maximal Nash subset) is the product of the plans of two faces.
An *extreme equilibrium* is an extreme point of a maximal Nash subset. Each
is the plan pair of a completely labelled vertex pair, but not every such
pair's plans are extreme: the polyhedra carry the values ``u, v`` beside the
plans, and a vertex can sit above a mixture of other plans of its face
(where the opponent's best-reply value, a maximum of linear functions, has a
kink; on the 29-sequence random tree 180 vertex pairs hold 36 extreme
equilibria). So the vertex pairs' plans are grouped into the maximal Nash
subsets and each side's plans there filtered to their extreme points
(:func:`extreme_of_subsets`; Audet, Belhaiza and Hansen 2009 likewise filter
the extreme points of a lifted program to the extreme equilibria).

Sources: D. Koller, N. Megiddo and B. von Stengel (1996), "Efficient
computation of equilibria for extensive two-person games", Games and
Economic Behavior 14: 247-259; B. von Stengel (2002), "Computing equilibria
for two-person games", Handbook of Game Theory 3, ch. 45; C. Audet, S.
Belhaiza and P. Hansen (2009), "A new sequence form approach for the
enumeration and refinement of all extreme Nash equilibria for extensive form
games", International Game Theory Review 11: 437-451; D. Avis and K. Fukuda
(1992) for lexicographic pivoting over bases. No code was copied.

Steps of :func:`sequence_form_equilibria`: a tree that chance's first moves split into
parts sharing no information set is solved part by part
(:mod:`~deterrence.solvers.tree.independent_parts`: its extreme equilibria are every
combination of the parts'); otherwise a size guard (before any work,
:func:`search_estimate` counts the pairs of supports the two plans can have;
without an explicit ``limit`` an estimate up to :data:`DEFAULT_ESTIMATE` is
searched with the default node limit, one up to :data:`TRIAL_ESTIMATE` is tried
with :data:`TRIAL_NODES` nodes, and a larger one, or one whose trial does not finish, is
answered by the maximal Nash subsets, :mod:`~deterrence.solvers.tree.subgame_subsets`,
listing every extreme equilibrium only when their faces' vertices are listed and few enough;
with ``search="branching"`` such trees are refused with
:class:`~deterrence.errors.TooLargeError` instead), then the branching
search of :mod:`~deterrence.solvers.tree.sequence_branching` (the
completely labelled vertex pairs without enumerating every vertex: their
number grows exponentially with the sequences, 2,716 and 225 vertices for
21 completely labelled pairs on a 29-sequence tree), then the pairs grouped
into maximal Nash subsets (cliques, :mod:`~deterrence.solvers.nash_subsets`)
and kept where extreme (:func:`extreme_of_subsets`), each kept pair certified
exactly and read as behaviour strategies (sets a plan does not reach: the
player's best reply), with the subsets and components.

Steps of :func:`extreme_equilibrium_plans`, the vertex enumeration kept as
the branching search's cross-check:

1. build the sequence form; write each polyhedron in equation form with
   slack columns, rows scaled to integers;
2. a first vertex: a pure plan (the first action everywhere) and the other
   player's best-reply values ``v``; its basis holds every ``v`` (free
   variables never leave), the plan's sequences and the other slacks;
3. search all lexicographically feasible bases (the vertices of the
   perturbed, simple polyhedron, which cover every vertex) by reverse search
   (:mod:`~deterrence.core.reverse_search`: the tree of the simplex method's
   steps back to the first basis, walked with the tableaux of one path in
   memory), pivoting fraction-free in Python integers (Bareiss); each vertex
   is keyed by its label set;
4. completely labelled pairs (a bitmask superset test, vectorised with
   NumPy), their plans deduplicated.
"""
from __future__ import annotations

from deterrence.core.numbers import COUNT_IN_FULL, format_count
from deterrence.core.tree import GameTree
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.nash_subsets import maximal_nash_subsets, nash_components
from deterrence.solvers.tree._sequence_vertices import _first_basis, _vertices
from deterrence.solvers.tree.sequence_branching import DEFAULT_NODES
from deterrence.solvers.tree.sequence_form import (
    best_response_polyhedron,
    SequenceForm,
    SequenceFormResult,
    nash_equilibrium_from_plans,
    plan_from_behaviour,
    sequence_form,
)

#: Largest number of bases searched in one polyhedron by :func:`extreme_equilibrium_plans`.
DEFAULT_LIMIT = 2_000_000
#: Largest estimated search (:func:`search_estimate`: the pairs of supports the branching search
#: may meet) tried without an explicit ``limit=``: Kuhn poker (2.5e5, under a second) and the
#: benchmark's random trees of hidden rounds up to 47 sequences pass (29: 5.0e6, 0.2 s; 38:
#: 5.7e8, 2 s; 47: 6.4e10, 6 s of CPU since raised values are left out of the leaf faces, stop
#: 29; 1e7 before the covering rules and product faces of 2026-12-05, when the 38-sequence tree
#: took 275 s); above it, the trial of :data:`TRIAL_NODES` (56 sequences: 7.2e12, 8 s; the
#: 65-sequence tree, 8.2e14, needs 138,021 nodes, 72 s, for 107,012 vertex pairs, and is refused
#: when the trial ends: its maximal Nash subsets list its 9,409 extreme equilibria). The estimate
#: ignores how the equilibria multiply: the chain
#: of five rounds, ``hidden_rounds(5)`` (47 sequences, 6.3e10), passes and takes about 15
#: minutes of CPU (16,781 vertex pairs, 347 extreme equilibria, in 1,998,125 nodes, just inside the node limit; its four
#: rounds have 1,109, which hold 23 extreme equilibria), so the node limit stays the backstop.
DEFAULT_ESTIMATE = 10**11
#: Largest estimated search the branching search tries without an explicit ``limit=`` at all
#: (a larger one, or one whose trial does not finish, goes to the maximal Nash subsets, or with
#: ``search="branching"`` is refused): an estimate between
#: :data:`DEFAULT_ESTIMATE` and this one gets a trial of :data:`TRIAL_NODES` nodes, since the
#: estimate misjudges both ways (it ignores the covering rules, the product faces and how the
#: equilibria multiply). Measured (CPU, 2026-12-05): the random tree of 56 sequences (7.2e12)
#: lists its 22 extreme equilibria (156 vertex pairs) in 15,618 nodes, 8 s; the chain of six rounds (56
#: sequences, 7.0e12) is refused when the trial ends, about 20 s; the random trees of 74+
#: sequences (9.2e16 and up; 137 sequences: about 1e31) are refused at once.
TRIAL_ESTIMATE = 10**16
#: The node limit of that trial (about 2,000 nodes a second of CPU at 56-65 sequences).
TRIAL_NODES = 50_000


#: The end of every refusal of the branching search: what to do instead (the CLI reads
#: ``limit=N`` as ``--limit N``).
_OTHERWISE = ("use method sequence_lcp for one equilibrium, or pass limit={limit} (the most nodes to search; "
              "any positive number) to {then}")


def search_estimate(sf: SequenceForm) -> int:
    """The size guard's estimate: how many pairs of supports (which sequences each plan plays
    with positive probability) the two players' plans can have. The branching search decides
    the supports first, so its leaves are at most this many; each information set a support
    reaches plays a nonempty subset of its actions.

    >>> from deterrence.io import load_game
    >>> search_estimate(sequence_form(load_game("entry_deterrence").with_defaults()))   # 3 supports each
    9
    """
    total = 1
    for player in (0, 1):
        following: dict = {}
        for _, parent, children in sf.infosets[player]:
            following.setdefault(parent, []).append(children)

        def supports(seq, following=following):
            count = 1
            for children in following.get(seq, ()):
                subsets = 1
                for child in children:
                    subsets *= 1 + supports(child)
                count *= subsets - 1            # a nonempty subset of the set's actions
            return count
        total *= supports(0)
    return total


def _complete_pairs(P, Q, n1, n2):
    """Pairs of masks (global labels) whose union is every label."""
    import numpy as np
    full = (1 << (n1 + n2)) - 1
    pk, qk = list(P), list(Q)
    words = (n1 + n2 + 63) // 64

    def split(masks):
        arr = np.zeros((len(masks), words), dtype=np.uint64)
        for i, m in enumerate(masks):
            for w in range(words):
                arr[i, w] = (m >> (64 * w)) & 0xFFFFFFFFFFFFFFFF
        return arr

    ap, aq = split(pk), split(qk)
    fu = split([full])[0]
    out = []
    chunk = max(1, 2_000_000 // max(1, len(qk) * words))
    for s in range(0, len(pk), chunk):
        hit = np.all((ap[s:s + chunk, None, :] | aq[None, :, :]) == fu, axis=2)
        for i, j in zip(*np.nonzero(hit)):
            out.append((pk[s + i], qk[j]))
    return out


def extreme_equilibrium_plans(sf: SequenceForm, limit: int = DEFAULT_LIMIT) -> list:
    """The realisation plans ``(x, y)`` of every completely labelled vertex pair (not yet
    certified): every extreme equilibrium is one (:func:`extreme_of_subsets` keeps those).

    >>> from deterrence.io import load_game
    >>> sf = sequence_form(load_game("entry_deterrence").with_defaults())
    >>> sorted(extreme_equilibrium_plans(sf))
    [([1, 0, 1], [1, 0, 1]), ([1, 1, 0], [1, Fraction(1, 2), Fraction(1, 2)]), ([1, 1, 0], [1, 1, 0])]
    """
    n1, n2 = sf.sizes
    vert = []
    for own in (0, 1):
        M, b, n_own, n_opp, k_opp, _ = best_response_polyhedron(sf, own)
        basis = _first_basis(sf, own, n_own, n_opp, k_opp)
        vert.append(_vertices(M, b, basis, n_own, n_opp, n_own + n_opp, limit))
    P = vert[0]                                   # global labels: player 1's sequences, then 2's
    Q = {}
    for mask, plan in vert[1].items():
        own_bits, opp_bits = mask & ((1 << n2) - 1), mask >> n2
        Q[(own_bits << n1) | opp_bits] = plan
    found = {}
    for mp, mq in _complete_pairs(P, Q, n1, n2):
        x = tuple(_norm(v) for v in P[mp])
        y = tuple(_norm(v) for v in Q[mq])
        found[(x, y)] = None
    return [(list(x), list(y)) for x, y in found]


def _norm(v):
    return v.numerator if v.denominator == 1 else v


def sequence_form_equilibria(tree: GameTree, *, limit: int | None = None, search: str = "auto", progress=None):
    """Every extreme Nash equilibrium of a two-player tree, exact and certified.

    Each equilibrium gives behaviour strategies; information sets that a
    player's own plan does not reach show the player's best reply there. The
    result's ``cliques`` and ``components`` group the equilibria
    (:mod:`~deterrence.solvers.nash_subsets`): every mixture of the plans of a
    clique is an equilibrium.
    A tree that chance splits into independent parts
    (:mod:`~deterrence.solvers.tree.independent_parts`, ``search="auto"``) is solved part by
    part: the result's ``parts`` hold each part's list and ``count`` the number of
    combinations, each an extreme equilibrium of the tree; they are listed, certified on the
    whole tree, only when there are no more than the cap below (otherwise ``equilibria`` is
    empty and the parts' lists are the answer).
    The search is :func:`~deterrence.solvers.tree.sequence_branching.branching_equilibrium_plans`
    (it finds the same plans as :func:`extreme_equilibrium_plans`, without visiting every
    vertex). A zero-sum tree (``search="auto"``) is solved instead by
    :func:`~deterrence.solvers.tree.sequence_zero_sum.optimal_face_plans`: its equilibria
    are the pairs of optimal plans, so only the vertices of two optimal faces are searched
    (a size guard first: :func:`~deterrence.solvers.tree.sequence_zero_sum.face_estimate` over
    :data:`~deterrence.solvers.tree.sequence_zero_sum.DEFAULT_ESTIMATE` is refused without an
    explicit ``limit``; ``limit``: the most bases in a face, default
    :data:`~deterrence.solvers.tree.sequence_zero_sum.DEFAULT_FACE_BASES`; more pairs than
    :data:`~deterrence.solvers.tree.sequence_zero_sum.DEFAULT_PAIRS`, or than an explicit
    larger ``limit``, are refused with their exact count); ``search="branching"`` takes the
    branching search for every tree (the cross-check), ``search="subsets"`` the maximal Nash
    subsets (:func:`_subset_equilibria`) for every tree. ``limit`` caps its nodes and the
    equilibria listed; without it, a tree whose estimated search (:func:`search_estimate`)
    is at most :data:`DEFAULT_ESTIMATE` is searched up to :data:`DEFAULT_NODES` nodes, one up
    to :data:`TRIAL_ESTIMATE` up to :data:`TRIAL_NODES`, and a larger one, or one whose trial
    does not finish, is answered by its maximal Nash subsets (``search="auto"``; the result's
    ``subsets`` when its extreme equilibria are not listed) or, with ``search="branching"``,
    refused (before any work when the estimate is over :data:`TRIAL_ESTIMATE`); with an
    explicit ``limit`` an estimate over :data:`DEFAULT_ESTIMATE` goes to the subsets at once; more than
    :data:`~deterrence.solvers.tree.sequence_zero_sum.DEFAULT_PAIRS` equilibria are refused
    with their count before they are certified,
    each with :class:`~deterrence.errors.TooLargeError` (an explicit ``limit`` lifts the
    guard and raises the count to ``limit``). ``progress``: a count of the branching search's nodes (its
    limit in the label), with the equilibria found so far (``True``, ``False``, or ``None``: shown on a
    terminal once the search has run for two seconds; the zero-sum path shows none).

    >>> from deterrence.io import load_game
    >>> r = sequence_form_equilibria(load_game("entry_deterrence").with_defaults())
    >>> for e in r: print(e.describe())
    Entrant: in; Incumbent: accommodate  (payoffs 1, 1)
    Entrant: out; Incumbent: fight  (payoffs 0, 2)
    Entrant: out; Incumbent: 1/2 fight + 1/2 accommodate  (payoffs 0, 2)
    >>> r.cliques          # out, against a fight with any probability from 1/2 to 1: one clique
    ((0,), (1, 2))
    """
    if not isinstance(tree, GameTree):
        raise GameError(f"the sequence_form method needs a GameTree, got {type(tree).__name__}")
    tree = at_defaults(tree, "sequence_form_equilibria")
    sf = sequence_form(tree)
    if search not in ("auto", "branching", "subsets"):
        raise GameError(f"search must be 'auto', 'branching' or 'subsets', got {search!r}")
    from deterrence.core.progress import check_progress
    check_progress(progress)
    # DEFAULT_PAIRS: the most extreme equilibria certified and listed without an explicit limit,
    # on both paths (read here, when called, as the zero-sum path does)
    from deterrence.solvers.tree.sequence_zero_sum import DEFAULT_PAIRS, is_zero_sum
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise GameError(f"limit must be a positive integer, got {limit!r}")
    if search == "subsets":
        return _subset_equilibria(tree, sf, limit)
    if search == "auto":
        from deterrence.solvers.tree.independent_parts import independent_parts
        parts = independent_parts(tree)
        if len(parts) > 1:
            return _equilibria_by_parts(tree, sf, parts, limit, progress)
    if search == "auto" and is_zero_sum(sf):
        return _zero_sum_equilibria(tree, sf, limit)
    explicit = limit is not None
    trial = False
    estimate = search_estimate(sf)
    # over the estimate: the subsets, after the trial below when the estimate leaves room for one
    # (it lists trees like the 56-sequence random tree, whose faces are too degenerate to list)
    if estimate > DEFAULT_ESTIMATE and search == "auto" and (explicit or estimate > TRIAL_ESTIMATE):
        return _subset_equilibria(tree, sf, limit)
    if limit is None:
        if estimate > TRIAL_ESTIMATE:
            raise TooLargeError(
                f"enumerating every extreme equilibrium of this tree ({sum(sf.sizes)} sequences) may meet "
                f"up to {format_count(estimate)} pairs of supports in the branching search (the search grows "
                f"exponentially with the sequences), over the default limit of {TRIAL_ESTIMATE:,}; "
                + _OTHERWISE.format(limit=100 * DEFAULT_NODES, then="try anyway"))
        trial = estimate > DEFAULT_ESTIMATE
        limit = TRIAL_NODES if trial else DEFAULT_NODES
    from deterrence.solvers.tree.sequence_branching import branching_equilibrium_plans
    try:
        plans = branching_equilibrium_plans(sf, limit, progress)
    except TooLargeError:
        if not trial:
            raise
        if search == "auto":
            return _subset_equilibria(tree, sf, None)
        raise TooLargeError(
            f"enumerating every extreme equilibrium of this tree ({sum(sf.sizes)} sequences): its "
            f"estimated search, up to {format_count(estimate)} pairs of supports, is over {DEFAULT_ESTIMATE:,}, "
            f"and the trial of {TRIAL_NODES:,} nodes of the branching search given such trees by default did not "
            "finish; " + _OTHERWISE.format(limit=100 * DEFAULT_NODES, then="search further")) from None
    kept, subsets = extreme_of_subsets(plans)
    # a count to certify and list (each takes memory: 107,012 took 100 s and 2.5 GB, when the
    # 65-sequence tree's vertex pairs were listed) within what the default, or the explicit limit, allows
    most = max(DEFAULT_PAIRS, limit) if explicit else DEFAULT_PAIRS
    if len(kept) > most:
        raise TooLargeError(
            f"this tree ({sum(sf.sizes)} sequences) has {len(kept):,} extreme equilibria (of the branching "
            f"search's {len(plans):,} pairs of plans, not yet certified), over the {most:,} certified and listed "
            f"{'with this limit' if explicit else 'by default'}; use method sequence_lcp for one "
            f"equilibrium, or pass limit={max(len(kept), limit)} to list them")
    return _listed(tree, sf, kept, subsets, "found by branching on complementarity")


def extreme_of_subsets(pairs) -> tuple:
    """``(extreme pairs, subsets)``: of the plan pairs of completely labelled vertex pairs, those
    that are extreme equilibria, and the maximal Nash subsets as sets of them.

    The pairs' maximal bicliques (:func:`~deterrence.solvers.nash_subsets.maximal_nash_subsets`)
    are the maximal Nash subsets, each the product of two convex sets of plans spanned by its
    plans; their extreme points are each side's plans that no mixture of the others gives
    (:func:`~deterrence.core.extreme_points.extreme_points`): the polyhedra carry the opponent's
    values beside the plans, and a vertex can sit above a mixture of other plans. An extreme
    equilibrium is an extreme point of some maximal Nash subset.

    >>> from fractions import Fraction
    >>> pairs = [((1, 0), (1,)), ((0, 1), (1,)), ((Fraction(1, 2), Fraction(1, 2)), (1,))]
    >>> extreme_of_subsets(pairs)[0]          # the midpoint is a mixture of the two others
    [((1, 0), (1,)), ((0, 1), (1,))]
    """
    from deterrence.core.extreme_points import extreme_points
    pairs = [(tuple(x), tuple(y)) for x, y in pairs]
    subsets = []
    for clique in maximal_nash_subsets(pairs):
        sides = []
        for k in (0, 1):
            plans = list(dict.fromkeys(pairs[i][k] for i in clique))
            sides.append({plans[i] for i in extreme_points(plans)})
        subsets.append({pairs[i] for i in clique if pairs[i][0] in sides[0] and pairs[i][1] in sides[1]})
    union = set().union(*subsets)
    kept = [xy for xy in dict.fromkeys(pairs) if xy in union]
    return kept, subsets


def _listed(tree, sf, kept, subsets, how):
    """The result listing every extreme equilibrium: ``kept`` (plan pairs, found ``how``), the
    extreme points of the maximal Nash subsets ``subsets`` (sets of those pairs:
    :func:`extreme_of_subsets`), certified, ordered, and grouped into the subsets (cliques) and
    components."""
    found = sorted(((nash_equilibrium_from_plans(tree, sf, list(x), list(y)), (x, y)) for x, y in kept),
                   key=lambda item: _equilibrium_order(item[0]))
    index = {xy: i for i, (_, xy) in enumerate(found)}
    cliques = tuple(sorted({tuple(sorted(index[xy] for xy in s)) for s in subsets}))
    notes = ((f"every extreme Nash equilibrium (the extreme points of the maximal Nash subsets, among the "
              f"complementary vertex pairs of the sequence-form best-response polyhedra, {how}), certified "
              "exactly; every mixture of the realisation plans of a maximal Nash subset (a clique: each player's "
              "plans there paired with every plan of the other's) is one too; information sets not reached "
              "by a player's own plan show that player's best reply"),)
    return SequenceFormResult(tuple(e for e, _ in found), "sequence_form", True, True, tree.players,
                              cliques=cliques, components=nash_components(cliques, len(found)), notes=notes)


#: The most bases the vertex search of one face of a maximal Nash subset meets
#: (:func:`_subset_equilibria`) before that subset, and those with larger faces, are given
#: without their vertices (the 65-sequence random tree's largest face needs 40,430 bases, 11 s;
#: faces of the 137-sequence tree pass 1,000,000, at about 2,000 bases a second: the reverse
#: search keeps one path's tableaux, so the bound is time, not memory).
FACE_STEPS = 50_000
#: And at most this many tableau entries' worth of pivots in one face's search without an
#: explicit limit: ``FACE_WORK / (rows x columns)`` bases, about 20 s a face whatever its size (a
#: pivot costs about the tableau's size). The 65-sequence tree's largest face (29 x 44) takes
#: 40,430 bases, 5.2e7 of it; with a bound on bases alone, the faces of the 569-sequence tree
#: took 238 s before the first was given up.
FACE_WORK = 100_000_000
#: Random objectives that the faces not listed share (:mod:`~deterrence.solvers.tree.face_directions`;
#: each face at least ``subgame_subsets.LEAST_FACE_DIRECTIONS``): the extreme plans they prove
#: list a subset where a closure proves them all, else give a lower bound on the extreme
#: equilibria. Each costs a float LP and exact solves of its basis: 5-30 ms on the faces of the
#: random trees of 137-569 sequences. Shared, so that a tree with many subsets (80 at 281
#: sequences) does not pay for each: 32 a face took 254 s there, against 44 s without.
FACE_DIRECTIONS = 1_024
def distinct_extreme_equilibria(subsets) -> int:
    """How many distinct extreme equilibria the maximal Nash subsets hold (each with its faces'
    extreme plans listed; with some only found, ``NashSubset.known_plans``, how many those make:
    a lower bound), without gathering their pairs: a subset's extreme equilibria are every
    pair of its two faces' plans, and a pair can lie in two subsets (the union of products
    ``X_k x Y_k``). Steps: group player 1's plans by the subsets they lie in; a group in the
    subsets ``K`` pairs with the union of the ``Y_k``, ``k`` in ``K``; the count is the sum, over
    the groups, of the group's size times that union's. It costs the plans, not their pairs
    (on the 137-sequence random tree one subset alone has 3,012 x 10,934 pairs).

    >>> from deterrence.solvers.tree.subgame_subsets import NashSubset
    >>> a = NashSubset((), (), (([1, 0], [0, 1]), ([1], [2])))     # 2 x 2 pairs
    >>> b = NashSubset((), (), (([0, 1],), ([2], [3])))            # 1 x 2, one pair also in a
    >>> distinct_extreme_equilibria([a, b])
    5
    """
    from collections import Counter
    lies_in: dict = {}
    for k, subset in enumerate(subsets):
        for x in subset.known_plans[0]:
            lies_in.setdefault(tuple(x), set()).add(k)
    replies = [{tuple(y) for y in subset.known_plans[1]} for subset in subsets]
    groups = Counter(frozenset(ks) for ks in lies_in.values())
    return sum(size * len(set().union(*(replies[k] for k in ks))) for ks, size in groups.items())


def _subset_equilibria(tree, sf, limit):
    """:func:`sequence_form_equilibria` by the maximal Nash subsets
    (:func:`~deterrence.solvers.tree.subgame_subsets.maximal_nash_subsets`, subgame by subgame):
    the route of trees whose branching search is too large (estimate over :data:`DEFAULT_ESTIMATE`)
    or ``search="subsets"``. When every face's vertices are listed (:data:`FACE_STEPS` each) and
    the extreme equilibria they make are within the cap on listed equilibria, every one is listed
    and certified as on the other routes; otherwise the result holds the subsets, one certified
    extreme equilibrium each, and their count when known."""
    from deterrence.solvers.tree.sequence_zero_sum import DEFAULT_PAIRS
    from deterrence.solvers.tree.subgame_subsets import maximal_nash_subsets as subsets_of
    explicit = limit is not None
    # an explicit limit is a number of equilibria to list (the advice below passes the count) and
    # a budget: the searches take at least their defaults with it (as the parts do)
    subsets = subsets_of(tree, limit=max(DEFAULT_NODES, limit or 0), vertices=True,
                         face_limit=max(FACE_STEPS, limit or 0), large_faces="stop",
                         face_work=None if explicit else FACE_WORK, directions=FACE_DIRECTIONS)
    most = max(DEFAULT_PAIRS, limit) if explicit else DEFAULT_PAIRS
    count = at_least = None
    if all(s.plans is not None for s in subsets):
        count = distinct_extreme_equilibria(subsets)
        if count <= most:
            products = [{(tuple(x), tuple(y)) for x in s.plans[0] for y in s.plans[1]} for s in subsets]
            kept = list(dict.fromkeys(xy for s in products for xy in sorted(s)))
            return _listed(tree, sf, kept, products, "found as the extreme plans of the faces of the maximal "
                           "Nash subsets, subgame by subgame")
    equilibria = tuple(nash_equilibrium_from_plans(tree, sf, *s.equilibrium) for s in subsets)
    unlisted = sum(s.plans is None for s in subsets)
    notes = ((f"every maximal Nash subset of this tree ({sum(sf.sizes)} sequences), found subgame by subgame: a "
              "pair of faces of the sequence-form best-response polyhedra, every pair of plans from which is a "
              "Nash equilibrium; every equilibrium of the tree lies in one, and the extreme equilibria are the "
              "pairs of extreme plans of one subset's faces; one equilibrium of each subset is listed, "
              "certified exactly (an extreme one where the subset's plans are listed or some are proved "
              "extreme, otherwise the plans of a vertex of each face); information sets not reached by a "
              "player's own plan show that player's best reply"),)
    if count is not None:
        notes += (f"the {format_count(count)} extreme equilibria are over the {most:,} certified and listed "
                  f"{'with this limit' if most > DEFAULT_PAIRS else 'by default'} (pass limit={count} to list them)",)
    else:
        notes += (f"the extreme plans of {unlisted} of the {len(subsets)} subsets' faces are not listed: the faces are "
                  f"listed from the smallest up, and one passed its limit ({max(FACE_STEPS, limit or 0):,} bases"
                  f"{'' if explicit else f', fewer on a larger face: {FACE_WORK:,} tableau entries of pivots'}; pass "
                  "a larger limit to search further); on the faces after it, random objectives and the hull of the "
                  "plans they proved extreme did not prove every extreme plan either",)
        if any(s.plans is None and s.count_at_least for s in subsets):        # none without highspy
            at_least = distinct_extreme_equilibria([s for s in subsets if s.count_at_least])
            notes += (f"at least {format_count(at_least)} distinct extreme equilibria: the listed subsets' and, "
                      f"on the faces not listed, the plans that random linear objectives ({FACE_DIRECTIONS:,} "
                      "shared by those faces) each have as their one maximiser (each proved extreme exactly: an "
                      "optimal basis checked in rationals); a lower bound, not a count",)
    return SequenceFormResult(equilibria, "sequence_form", True, True, tree.players, notes=notes,
                              subsets=tuple(subsets), count=count, count_at_least=at_least)


def _equilibria_by_parts(tree, sf, parts, limit, progress):
    """:func:`sequence_form_equilibria` of a tree that chance splits into independent parts
    (:mod:`~deterrence.solvers.tree.independent_parts`): every extreme equilibrium of each
    part, then, when their number of combinations is within the cap on listed equilibria,
    every combination made into a plan pair of the whole tree and certified there."""
    from math import prod
    from deterrence.core.tree import path_name
    from deterrence.solvers.tree.sequence_zero_sum import DEFAULT_PAIRS
    found_parts = []
    # an explicit limit is a number of equilibria to list (the advice below passes the count of
    # combinations) and a search budget: the parts search at least their default budget with it
    part_limit = None if limit is None else max(limit, DEFAULT_NODES)
    for k, part in enumerate(parts, 1):
        try:
            found_parts.append(sequence_form_equilibria(part.tree, limit=part_limit, progress=progress))
        except TooLargeError as exc:
            where = ", ".join(path_name(p) for p in part.paths)
            raise TooLargeError(f"part {k} of the {len(parts)} independent parts of this tree (the play "
                                f"from node {where}): {exc}") from None
    by_subsets = [k for k, r in enumerate(found_parts, 1) if r.subsets]
    if by_subsets:
        # a part answered by its maximal Nash subsets: the tree's are every combination of one subset
        # of each part (products of faces), and its extreme equilibria are not listed
        known = [r.count if r.subsets else len(r.equilibria) for r in found_parts]
        count = None if None in known else prod(known)
        notes = ((f"chance splits this tree into {len(parts)} independent parts (no information set spans "
                  f"two); part{'s' if len(by_subsets) > 1 else ''} {', '.join(map(str, by_subsets))} "
                  f"{'are answered by their' if len(by_subsets) > 1 else 'is answered by its'} maximal Nash "
                  "subsets: every maximal Nash subset of the tree is one of each part (the others' extreme "
                  "equilibria count as subsets of one), and every extreme equilibrium one of each part's"
                  + ("" if count is None else f", {format_count(count)} in all") + "; none is listed here"),)
        return SequenceFormResult((), "sequence_form", True, True, tree.players, notes=notes,
                                  parts=tuple(zip(parts, found_parts)), count=count)
    count = prod(len(r.equilibria) for r in found_parts)
    most = DEFAULT_PAIRS if limit is None else max(DEFAULT_PAIRS, limit)
    counts = [len(r.equilibria) for r in found_parts]
    product_text = (" × ".join(map(str, counts)) if len(counts) <= 6 else
                    " × ".join(f"{c}^{counts.count(c)}" if counts.count(c) > 1 else str(c)
                               for c in sorted(set(counts), reverse=True)))
    notes = ((f"chance splits this tree into {len(parts)} independent parts (no information set "
              "spans two): every extreme Nash equilibrium is one extreme equilibrium of each part, "
              f"{product_text} = {format_count(count)} combinations, and each maximal Nash subset is a product "
              "of the parts' (the result's parts hold each part's own list: a part's payoffs are its "
              "own, and the tree's add each part's weighted by the probability that chance reaches it, "
              "and what any terminal node that chance reaches before anyone moves gives)"),)
    if count > most:
        advice = f"pass limit={count} to list them" if count < COUNT_IN_FULL else "far too many to list"
        notes += (f"{'the ' if count < COUNT_IN_FULL else ''}{format_count(count)} combinations are not listed "
                  f"(over the {most:,} certified and listed "
                  f"{'with this limit' if limit is not None else 'by default'}; {advice}): each part's extreme "
                  "equilibria are listed and certified",)
        return SequenceFormResult((), "sequence_form", True, True, tree.players, notes=notes,
                                  parts=tuple(zip(parts, found_parts)), count=count)
    from itertools import product
    found = []
    for combination in product(*(r.equilibria for r in found_parts)):
        moves = [{name: dist for e in combination for (who, name), dist in e.behaviour.items() if who == player}
                 for player in tree.players]
        x, y = (plan_from_behaviour(sf, i, moves[i]) for i in (0, 1))
        found.append((nash_equilibrium_from_plans(tree, sf, x, y), (tuple(x), tuple(y))))
    found.sort(key=lambda item: _equilibrium_order(item[0]))
    cliques = maximal_nash_subsets([xy for _, xy in found])
    return SequenceFormResult(tuple(e for e, _ in found), "sequence_form", True, True, tree.players,
                              cliques=cliques, components=nash_components(cliques, len(found)),
                              notes=notes, parts=tuple(zip(parts, found_parts)), count=count)


def _equilibrium_order(e):
    """The listing order of tree equilibria: payoffs high to low, then the behaviour."""
    return tuple(-v for v in e.payoffs), [sorted(d.items()) for d in e.behaviour.values()]


def _zero_sum_equilibria(tree, sf, limit):
    """The zero-sum path of :func:`sequence_form_equilibria`: the vertex plans of the two
    optimal faces (:mod:`~deterrence.solvers.tree.sequence_zero_sum`), every pair certified."""
    from deterrence.solvers.tree.sequence_form import _pure_reply, behaviour_from_plan, tree_equilibrium
    from deterrence.solvers.tree.sequence_zero_sum import (
        DEFAULT_ESTIMATE as ZERO_SUM_ESTIMATE,
        DEFAULT_FACE_BASES,
        DEFAULT_PAIRS,
        certify_optimal_plans,
        extreme_optimal_plans,
    )
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise GameError(f"limit must be a positive integer, got {limit!r}")
    xs, ys = extreme_optimal_plans(sf, DEFAULT_FACE_BASES if limit is None else limit,
                                   max_estimate=ZERO_SUM_ESTIMATE if limit is None else None)
    pairs = len(xs) * len(ys)
    if pairs > (DEFAULT_PAIRS if limit is None else max(limit, DEFAULT_PAIRS)):
        raise TooLargeError(
            f"this zero-sum tree ({sum(sf.sizes)} sequences) has exactly {pairs:,} extreme equilibria: "
            f"{len(xs):,} extreme optimal plans of {tree.players[0]} times {len(ys):,} of "
            f"{tree.players[1]} (every pair is an equilibrium), over the {DEFAULT_PAIRS:,} listed by "
            f"default; use method sequence_lcp for one equilibrium, or pass limit={max(pairs, DEFAULT_FACE_BASES)} "
            "to list them")
    payoffs, (replies_1, replies_2) = certify_optimal_plans(sf, xs, ys)
    off_1 = [_pure_reply(sf, 0, choice) for choice in replies_1]      # player 1's reply to each y
    off_2 = [_pure_reply(sf, 1, choice) for choice in replies_2]      # player 2's reply to each x
    equilibria = [tree_equilibrium(tree, sf, [behaviour_from_plan(sf, 0, x, off_1[j]),
                                              behaviour_from_plan(sf, 1, y, off_2[i])], payoffs)
                  for i, x in enumerate(xs) for j, y in enumerate(ys)]
    equilibria.sort(key=_equilibrium_order)
    # every optimal plan of one player with every optimal plan of the other: one clique
    everything = (tuple(range(len(equilibria))),) if equilibria else ()
    notes = ((f"every extreme Nash equilibrium of a zero-sum tree: each of the {len(xs)} extreme optimal plans "
              f"of {tree.players[0]} (the extreme points of the plans of the vertices of the optimal face) with "
              f"each of the {len(ys)} of {tree.players[1]}'s (the equilibria are the pairs of optimal plans), "
              "certified exactly; every mixture of them is an equilibrium too; information sets not reached by "
              "a player's own plan show that player's best reply"),)
    return SequenceFormResult(tuple(equilibria), "sequence_form", True, True, tree.players,
                              cliques=everything, components=everything, notes=notes)


__all__ = ["extreme_equilibrium_plans", "extreme_of_subsets", "search_estimate", "sequence_form_equilibria"]
