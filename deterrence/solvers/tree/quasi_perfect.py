"""A quasi-perfect equilibrium of a two-player tree: off-path play is optimal too.

A Nash equilibrium says nothing about information sets that are reached
with probability 0: Kuhn poker has equilibria in which a player would fold
a King there. A *quasi-perfect* equilibrium (van Damme 1984) is a limit of
completely mixed profiles against which each player's strategy is a best
reply at every information set, own later moves being optimal; it is
sequential (hence subgame perfect) and never plays a weakly dominated
strategy.

Miltersen and Sorensen (2010) compute one by perturbing the sequence form:
every sequence ``s`` must have realisation probability at least ``eps^len(s)``.
The equilibria of the perturbed game are found by Lemke's algorithm
(:mod:`~deterrence.solvers.tree.sequence_lcp`); only the right-hand side of
the LCP depends on ``eps``, so the final basis gives every basic variable as
a polynomial in ``eps``, and the basis is an equilibrium of the perturbed
game for *all* small ``eps`` when each polynomial is lexicographically
non-negative. Its limit ``eps -> 0`` is quasi-perfect.

Sources: E. van Damme (1984), "A relation between perfect equilibria in
extensive form games and proper equilibria in normal form games",
International Journal of Game Theory 13: 1-13; P. B. Miltersen and T. B.
Sorensen (2010), "Computing a quasi-perfect equilibrium of a two-player
game", Economic Theory 42: 175-192; D. Koller, N. Megiddo and B. von
Stengel (1996). No code was copied.

Steps of :func:`quasi_perfect`:

1. the sequence form and the lower bounds ``eps^len(s)`` as polynomials;
2. Lemke's algorithm on the perturbed tracing system at a concrete ``eps``
   (1/10, then smaller when needed): in floats, then, if no float basis
   passes step 3, exactly with the lexicographic rule (fraction-free integer
   pivots in python-flint on small systems, :func:`_lemke_fraction_free`);
3. the final basis solved exactly with polynomial right-hand sides; kept only
   if every basic variable is lexicographically non-negative (valid for all
   small ``eps``), else ``eps`` shrinks and step 2 repeats;
4. the limit plans (constant terms) are certified exactly as a Nash
   equilibrium; the behaviour at every information set, reached or not, is
   the limit of the perturbed behaviour (ratios of polynomials);
5. certified exactly: at every information set, every move played is a best
   reply against the other player's perturbed plan for all small ``eps``
   (payoffs compared as polynomials in ``eps``, own later moves optimal).
"""
from __future__ import annotations

import math
from fractions import Fraction
from functools import partial

from deterrence.core.tree import GameTree
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, SolverError
from deterrence.solvers.tree.sequence_form import (
    SequenceForm,
    SequenceFormResult,
    certify_plans,
    sequence_form,
    tree_equilibrium,
)

#: The perturbation sizes tried, in order.
EPSILONS = tuple(Fraction(1, 10 ** k) for k in (1, 2, 3, 5, 8))

#: Largest tracing system (rows) whose exact pivots are fraction-free (:func:`_lemke_fraction_free`);
#: larger ones use sequence_lcp's rational tableau, whose entries stay small while the minors
#: of the integer tableau grow with the rows (measured: 2x faster at 40 rows, even near 80,
#: 4x slower at 184).
FRACTION_FREE_ROWS = 64


def _add(p, q):
    n = max(len(p), len(q))
    return [(p[k] if k < len(p) else 0) + (q[k] if k < len(q) else 0) for k in range(n)]


def _limit_behaviour(sf: SequenceForm, player: int, plan) -> dict:
    """Limit of ``plan(h, a) / plan(parent of h)`` as eps -> 0 at every set."""
    seqs = sf.sequences[player]
    out = {}
    for name, parent, children in sf.infosets[player]:
        low = next(k for k, c in enumerate(plan[parent]) if c != 0)
        out[name] = {}
        for c in children:
            coef = plan[c][low] if low < len(plan[c]) else 0
            v = Fraction(coef) / plan[parent][low]
            out[name][seqs[c][-1][1]] = v.numerator if v.denominator == 1 else v
    return out


def sequentially_optimal(sf: SequenceForm, player: int, behaviour: dict, other_plan) -> tuple:
    """Check that every move played is a best reply at its information set.

    ``other_plan`` holds the other player's plan as polynomials in ``eps``
    (coefficient lists); values at a set are compared for all small ``eps``,
    the player's own later moves being optimal. Returns ``(True, None)`` or
    ``(False, (set name, action))``.

    >>> from deterrence.io import load_game
    >>> sf = sequence_form(load_game("entry_deterrence").with_defaults())
    >>> fight = {"in": {"fight": 1, "accommodate": 0}}
    >>> sequentially_optimal(sf, 1, fight, [[1], [0, 1], [1, -1]])
    (False, ('in', 'fight'))
    """
    from deterrence.core.exact import flint_module
    fmpq, poly = flint_module().fmpq, flint_module().fmpq_poly     # polynomial sums in C
    other_poly = [poly([fmpq(c.numerator, c.denominator) for c in p]) for p in other_plan]
    g = [poly() for _ in sf.sequences[player]]
    matrix = sf.A if player == 0 else sf.B
    for (r, c), v in matrix.items():
        own, other = (r, c) if player == 0 else (c, r)
        g[own] += fmpq(v.numerator, v.denominator) * other_poly[other]
    sets = sf.infosets[player]
    below = {}
    for k, (_, parent, _) in enumerate(sets):
        below.setdefault(parent, []).append(k)
    value = [None] * len(sets)
    seqs = sf.sequences[player]
    for k in range(len(sets) - 1, -1, -1):
        name, _, children = sets[k]
        vals = []
        for c in children:
            v = g[c]
            for q in below.get(c, ()):
                v = v + value[q]
            vals.append(v)
        best = vals[0]
        for v in vals[1:]:
            if _negative_near_zero(best - v):
                best = v
        value[k] = best
        for c, v in zip(children, vals):
            if behaviour[name][seqs[c][-1][1]] > 0 and _negative_near_zero(v - best):
                return False, (name, seqs[c][-1][1])
    return True, None


def _negative_near_zero(p) -> bool:
    """Whether the flint polynomial ``p`` is negative for every small ``eps > 0``: its
    lowest nonzero coefficient is negative."""
    return next((c for c in p.coeffs() if c != 0), 0) < 0


def _integer_rows(system) -> list:
    """``(den, ints)`` for each row of the tracing matrix: the row times its least common
    denominator ``den``, as ints. ``int`` and ``Fraction`` both have ``numerator`` and
    ``denominator``, so no ``Fraction`` is built."""
    out = []
    for row in system.M:
        den = 1
        for v in row:
            if v.denominator != 1:
                den = math.lcm(den, v.denominator)
        out.append((den, [v.numerator * (den // v.denominator) for v in row]))
    return out


def _scaled(den, ints, extra) -> list:
    """``ints`` (a row over ``den``) and the rationals ``extra`` as one row of ints with the
    same ratios (the row times the least common denominator)."""
    full = den
    for v in extra:
        if v.denominator != 1:
            full = math.lcm(full, v.denominator)
    if full != den:
        k = full // den
        ints = [v * k for v in ints]
    return ints + [v.numerator * (full // v.denominator) for v in extra]


def _lemke_fraction_free(system, basis, enter, integer_rows):
    """The final basis of Lemke's pivoting with the lexicographic rule, and its basic
    solution as polynomials in ``eps`` (:func:`_final_values`): the same path as
    :mod:`~deterrence.solvers.tree.sequence_lcp`'s exact pivoting (``_lemke`` with
    ``exact=True``), in integers and revised form.

    With the rows scaled to integers (and the rhs column by one more constant),
    ``T = adj(B) [rhs | I]`` is kept with the divisor
    ``D = det(B)``: ``T / D`` is ``B^-1 [rhs | I]``. The entering column of the tableau is
    ``T [0; M_e]``, and the lexicographic tie-break columns ``B^-1 B0`` are
    ``T [0; B0]``, computed only for the rows that tie. Each pivot is one fraction-free
    (Bareiss) update ``(p T - column row) / D`` by python-flint's ``fmpz_mat`` in C.
    Ratios are compared by cross-multiplication, signs made positive by the sign of
    ``D`` (:func:`~deterrence.core.exact.lex_min_ratio`: the rhs column, then the
    columns of ``B^-1 B0``), so every choice, and the final basis, are those of the
    rational tableau.
    """
    from deterrence.core.exact import flint_module, lex_min_ratio
    from deterrence.solvers.tree.sequence_lcp import MAX_PIVOTS
    flint = flint_module()
    R = system.nrows
    rows = [ints for _, ints in integer_rows]
    # the rhs column times one positive constant (the ratio test compares ratios of rows)
    rhs = [Fraction(v) * den for v, (den, _) in zip(system.rhs_at, integer_rows)]
    common = math.lcm(*(v.denominator for v in rhs))
    rhs = [v.numerator * (common // v.denominator) for v in rhs]
    B = flint.fmpz_mat(R, R, [row[b] for row in rows for b in basis])
    right = flint.fmpz_mat(R, R + 1, [v for r in range(R) for v in [rhs[r]] + [0] * r + [1] + [0] * (R - 1 - r)])
    num, den = B.solve(right).numer_denom()      # ZeroDivisionError if singular, as the rational solve
    D = B.det()
    T = num * (D // den)                   # adj(B) [rhs | I]: den divides det(B)
    lex = flint.fmpz_mat(R + 1, R, [0] * R + B.entries())      # [0; B0]
    free = system.free
    basis = list(basis)
    first = flint.fmpz_mat(R + 1, 1, [1] + [0] * R)
    for _ in range(MAX_PIVOTS):
        entering = flint.fmpz_mat(R + 1, 1, [0] + [row[enter] for row in rows])
        col = (T * entering).entries()
        sign = 1 if D > 0 else -1
        positive = [0 if basis[r] in free else sign * col[r] for r in range(R)]
        rhs = [sign * v for v in (T * first).entries()]
        best = lex_min_ratio(positive, rhs, range(R), partial(_lex_entry, {}, T, lex, sign))
        if best is None:
            raise SolverError("Lemke's algorithm ended on a ray (the sequence-form LCP has no "
                              "solution on this path; internal error)")
        p = col[best]
        col[best] = p - D                 # the pivot row comes out unchanged: (p - (p - D)) / D = 1
        T = (T * p - flint.fmpz_mat(R, 1, col) * _row(T, best)) / D
        D = p
        leaving = basis[best]
        basis[best] = enter
        if leaving == system.Z:
            return basis, _final_values(system, basis, integer_rows, T, D)
        enter = system.complement[leaving]
    raise SolverError(f"Lemke's algorithm did not finish within {MAX_PIVOTS} pivots")


def _final_values(system, basis, integer_rows, T, D):
    """The basic solution as polynomials in ``eps`` (as :func:`_basis_polynomials`) read
    off the final integer tableau: ``adj(B) (rhs polynomials) / D``, no new solve."""
    flint = type(T)
    R, d = system.nrows, system.degree + 1
    scaled = [Fraction(c) * den for (den, _), poly in zip(integer_rows, system.rhs) for c in poly]
    common = math.lcm(*(v.denominator for v in scaled))
    rhs = flint(R + 1, d, [0] * d + [v.numerator * (common // v.denominator) for v in scaled])
    num = (T * rhs).entries()
    scale = int(D) * common
    return {b: [Fraction(int(v), scale) for v in num[r * d:(r + 1) * d]] for r, b in enumerate(basis)}


def _row(T, r):
    """Row ``r`` of the flint matrix ``T`` as a 1-row matrix (a product in C)."""
    pick = type(T)(1, T.nrows())
    pick[0, r] = 1
    return pick * T


def _lex_entry(cache, T, lex, sign, r, k):
    """Entry ``(r, k)`` of ``sign T lex`` (the tie-break columns), each row computed once."""
    if r not in cache:
        cache[r] = (_row(T, r) * lex).entries()
    return sign * cache[r][k]


def _basis_polynomials(system, basis, integer_rows):
    """The basic solution of ``basis`` exactly, as coefficient lists in ``eps``
    (``{column: [c0, c1, ...]}``), or None when the basis matrix is singular: the values of
    :mod:`~deterrence.solvers.tree.sequence_lcp`'s ``_solve_basis``, from one
    fraction-free solve of the integer-scaled rows (python-flint) with every power of
    ``eps`` a right-hand side."""
    from deterrence.core.exact import flint_module
    flint = flint_module()
    R, d = system.nrows, system.degree + 1
    rows = [_scaled(den, [ints[b] for b in basis], [Fraction(c) for c in system.rhs[r]])
            for r, (den, ints) in enumerate(integer_rows)]
    A = flint.fmpz_mat(R, R, [v for row in rows for v in row[:R]])
    rhs = flint.fmpz_mat(R, d, [v for row in rows for v in row[R:]])
    try:
        num, den = A.solve(rhs).numer_denom()
    except ZeroDivisionError:
        return None
    den = int(den)
    entries = [int(v) for v in num.entries()]
    return {b: [Fraction(v, den) for v in entries[r * d:(r + 1) * d]] for r, b in enumerate(basis)}


def _run_fast(sf: SequenceForm, prior, lower, eps):
    """:mod:`~deterrence.solvers.tree.sequence_lcp`'s ``_run`` on the perturbed tracing
    system, with the same attempts in the same order and so the same answer: float
    pivoting (two perturbations), then exact lexicographic pivoting; each final basis
    solved exactly in ``eps`` and kept when every basic variable is non-negative for all
    small ``eps``. Faster: a basis already rejected is not solved again, the exact
    pivots of a small system are fraction-free in C (:func:`_lemke_fraction_free`, up to
    :data:`FRACTION_FREE_ROWS` rows) and the basis is solved by one integer solve
    (:func:`_basis_polynomials`)."""
    from deterrence.solvers.tree.sequence_lcp import _lemke, _plans_at_zero, _System
    system = _System(sf, prior, lower, eps)
    basis, enter = system.first_basis(prior)
    integer_rows = _integer_rows(system)
    rejected = set()
    for use_exact, perturb in ((False, 1e-7), (False, 1e-10), (True, 0)):
        try:
            values = None
            if use_exact and system.nrows <= FRACTION_FREE_ROWS:
                final, values = _lemke_fraction_free(system, basis, enter, integer_rows)
            else:
                final = _lemke(system, basis, enter, use_exact, perturb)
        except (SolverError, ArithmeticError, ValueError):
            if use_exact:
                raise
            continue
        key = frozenset(final)
        if key in rejected:
            continue
        if values is None:
            values = _basis_polynomials(system, final, integer_rows)
        if values is not None and system.Z not in final:
            plans = _plans_at_zero(system, values)
            if plans is not None:
                return system, plans
        rejected.add(key)
    raise SolverError("Lemke's algorithm on the sequence form found no certified basis")


def perturbed_plans(tree: GameTree, prior=None) -> tuple:
    """The Miltersen-Sorensen perturbed equilibrium of a two-player tree, exact.

    Returns ``(sf, x, y, behaviours, payoffs, eps)``: the sequence form, both
    players' perturbed plans as polynomials in ``eps`` (coefficient lists,
    constant first; completely mixed for every small ``eps > 0``), the limit
    behaviour of each player (certified: a Nash equilibrium, every move a best
    reply to the other's trembles), its payoffs and the ``eps`` at which the
    final basis was found.

    >>> from deterrence.io import load_game
    >>> sf, x, y, beh, pay, eps = perturbed_plans(load_game("entry_deterrence").with_defaults())
    >>> [[int(c) for c in p] for p in y], beh[1], pay
    ([[1, 0], [0, 1], [1, -1]], {'in': {'fight': 0, 'accommodate': 1}}, (1, 1))
    """
    return _perturbed_plans(at_defaults(tree, "perturbed_plans"), prior, _run_fast)


def _perturbed_plans(tree: GameTree, prior, run) -> tuple:
    """:func:`perturbed_plans` with the LCP step ``run(sf, prior, lower, eps)``:
    :func:`_run_fast`, or sequence_lcp's ``_run`` (the reference the tests compare with)."""
    if not isinstance(tree, GameTree):
        raise GameError(f"quasi_perfect needs a GameTree, got {type(tree).__name__}")
    if tree.is_symbolic:
        tree = tree.with_defaults()
    sf = sequence_form(tree)
    lower = [[[0] * len(s) + [1] if s else [0] for s in sf.sequences[i]] for i in range(2)]
    most = max([len(ch) for i in range(2) for _, _, ch in sf.infosets[i]] or [1])
    last = None
    for eps in EPSILONS:
        if eps * most >= 1:
            continue
        # ties in the best replies to the prior can end the path on a ray: then perturbed priors
        from deterrence.solvers.tree.sequence_lcp import tie_breaking_priors
        for start in tie_breaking_priors(sf, prior):
            try:
                _, (xt, yt) = run(sf, start, lower, eps)
                break
            except SolverError as exc:
                last = exc
        else:
            continue
        # full plans as polynomials: lower bound + basic solution (nonbasic: 0)
        x = [_add(lower[0][j], xt[j] if isinstance(xt[j], list) else [xt[j]]) for j in range(len(xt))]
        y = [_add(lower[1][j], yt[j] if isinstance(yt[j], list) else [yt[j]]) for j in range(len(yt))]
        x0 = [_norm(p[0]) for p in x]
        y0 = [_norm(p[0]) for p in y]
        pay = certify_plans(sf, x0, y0)
        beh = [_limit_behaviour(sf, 0, x), _limit_behaviour(sf, 1, y)]
        ok0, bad0 = sequentially_optimal(sf, 0, beh[0], y)
        ok1, bad1 = sequentially_optimal(sf, 1, beh[1], x)
        if not (ok0 and ok1):
            last = SolverError(f"the limit is not sequentially optimal at {bad0 or bad1}")
            continue
        return sf, x, y, beh, pay, eps
    raise SolverError(f"no quasi-perfect equilibrium found for the perturbations tried ({last})")


def perturbed_beliefs(tree: GameTree, sf: SequenceForm, x, y) -> dict:
    """Consistent beliefs at every information set: the limit of Bayes' rule under the
    perturbed plans (:func:`~deterrence.solvers.tree.assessment.limit_beliefs`), a node's
    reach being chance times both players' plans at their sequences to it.

    >>> from deterrence.io import load_game
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> sf, x, y, *_ = perturbed_plans(t)
    >>> perturbed_beliefs(t, sf, x, y)[("Incumbent", "in")]
    {'in': 1}
    """
    from deterrence.core.tree import Chance
    from deterrence.solvers.tree.assessment import limit_beliefs, reach_product
    index = [{s: k for k, s in enumerate(sf.sequences[i])} for i in range(2)]
    info = {(): ((), (), Fraction(1))}           # path -> (sequence of player 0, of player 1, chance)
    for path, node in tree.nodes():
        if path not in info or not hasattr(node, "moves"):
            continue
        s0, s1, c = info[path]
        if isinstance(node, Chance):
            for m, p, _ in node.moves:
                info[path + (m,)] = (s0, s1, c * p)
        else:
            i = tree.player_index(node.player)
            name = tree.infoset_of(path).name
            for m, _ in node.moves:
                seqs = [s0, s1]
                seqs[i] = seqs[i] + ((name, m),)
                info[path + (m,)] = (seqs[0], seqs[1], c)

    def reach(path):
        s0, s1, c = info[path]
        return reach_product([c], x[index[0][s0]], y[index[1][s1]])
    return limit_beliefs(tree, reach)


def quasi_perfect(tree: GameTree, *, prior=None):
    """One quasi-perfect equilibrium of a two-player tree, exact and certified, with beliefs.

    Every information set, on the path of play or off it, shows the limit of
    the perturbed behaviour, which is a best reply there. The equilibrium is an
    :class:`~deterrence.solvers.tree.assessment.Assessment`: its beliefs are the
    limit of Bayes' rule under the perturbation (consistent), and sequential
    rationality given them is checked exactly at every information set, so it
    is a sequential equilibrium.

    >>> from deterrence.io import load_game
    >>> r = quasi_perfect(load_game("entry_deterrence").with_defaults())
    >>> [e.describe() for e in r], r[0].beliefs[("Incumbent", "in")]
    (['Entrant: in; Incumbent: accommodate  (payoffs 1, 1)'], {'in': 1})
    """
    from deterrence.solvers.tree.assessment import Assessment, sequential_violations
    tree = at_defaults(tree, "quasi_perfect")
    sf, x, y, beh, pay, eps = perturbed_plans(tree, prior)
    eq = tree_equilibrium(tree, sf, beh, pay)
    beliefs = perturbed_beliefs(tree, sf, x, y)
    bad = sequential_violations(tree, eq.behaviour, beliefs)
    if bad:
        player, name, gain = bad[0]
        raise SolverError(f"the quasi-perfect limit is not sequentially rational given its limit beliefs "
                          f"at information set {name!r} of {player} (gain {gain})")
    eq = Assessment(eq.players, eq.behaviour, eq.actions, eq.payoffs, eq.outcomes, eq.exact, beliefs)
    note = ("quasi-perfect (Miltersen-Sorensen perturbation, Lemke's algorithm, the final basis "
            f"found at eps = {eps} and valid for every small eps): certified a Nash equilibrium "
            "whose every move, on or off the path, is a best reply to the other player's trembles; "
            "beliefs: the limit of Bayes' rule under the perturbation, sequential rationality "
            "given them checked exactly at every information set")
    return SequenceFormResult((eq,), "quasi_perfect", True, False, tree.players, notes=(note,),
                              kind="quasi-perfect")


def _norm(v):
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else v


__all__ = ["perturbed_beliefs", "perturbed_plans", "quasi_perfect", "sequentially_optimal"]
