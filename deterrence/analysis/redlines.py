"""Tipping points: the parameter values at which the equilibrium conclusion flips.

The API keeps the name the first wave gave them (``red_lines``, ``RedLine``, the report
section ``"red_lines"``, titled "Tipping points"); in the reports and the glossary a *red
line* is a behaviour that, once crossed, starts all-out war, by intent or by misfire (in the
US–Iran case the step from a limited strike to escalation), and a parameter threshold is a
*tipping point*.

For a symbolic stage game the pure profile ``p`` is an equilibrium exactly when
every deviation difference ``u_i(p) - u_i(a_i, p_-i)`` is non-negative. Each
difference is a formula in the parameters. For one parameter ``θ`` (the others
kept symbolic for the formula, at their values for the number):

1. solve each difference ``= 0`` for ``θ`` (sympy), giving candidate thresholds; a
   difference sympy cannot solve (``exp(θ) + θ^3 = 5``) is scanned at the values for
   its sign changes, each bracketed by bisection (inexact, no formula);
2. keep the real roots, and for each side of the current value the nearest one;
3. solve the game just on each side of it (exactly) to say what changes.

The result states, for example, "(retaliate, retaliate) stops being an
equilibrium if W_iran falls below 2, i.e. below b_iran". For models that are
not symbolic, :func:`find_flip` finds a threshold numerically by bisection.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from fractions import Fraction

from deterrence.core.numbers import is_symbolic, to_exact
from deterrence.core.symbolic import parameter_symbol
from deterrence.core.tipping import TippingPoint


@dataclass(frozen=True, repr=False)
class RedLine(TippingPoint):
    """A tipping point (:class:`~deterrence.core.tipping.TippingPoint`, the one carrier of every
    model's tipping points: its sentence, HTML and JSON) at which the set of pure equilibria
    changes: ``gained`` lists the pure profiles (labels) that become equilibria past the line,
    ``lost`` those that stop being equilibria; ``change`` says both in words. ``formula`` is the
    threshold in terms of the other parameters (``""``, ``null`` in JSON, when no formula was
    matched: a tree whose symbolic conditions give none, the threshold then from bisection alone);
    ``exact`` is False when the threshold was only bracketed (an irrational value found by
    bisection), written as a decimal string: 20 digits when ``formula`` gives its exact value, 12
    when it was only bracketed by bisection. Its repr is :meth:`describe` (the dataclass repr: a review):

    >>> from deterrence import load_game
    >>> red_lines(load_game("chicken"))[0]   # doctest: +NORMALIZE_WHITESPACE
    <RedLine: if l rises above 10 (= crash) (now 1): (straight, swerve) and (swerve, straight) stop
     being an equilibrium; (straight, straight) becomes an equilibrium>
    """

    gained: tuple = ()  # pure profiles (labels) that become equilibria past the line
    lost: tuple = ()    # pure profiles that stop being equilibria past the line

    def __post_init__(self):
        if not self.change:
            changes = []
            if self.lost:
                changes.append(" and ".join(_profile(p) for p in self.lost) + " stop"
                               + ("s" if len(self.lost) == 1 else "") + " being an equilibrium")
            if self.gained:
                changes.append(" and ".join(_profile(p) for p in self.gained) + " become"
                               + ("s" if len(self.gained) == 1 else "") + " an equilibrium")
            object.__setattr__(self, "change", "; ".join(changes))

    def to_json(self) -> dict:
        """The tipping point's keys (:meth:`TippingPoint.to_json`) and ``gained``, ``lost``."""
        return {**super().to_json(), "gained": [list(p) for p in self.gained], "lost": [list(p) for p in self.lost]}


def _profile(labels) -> str:
    return "(" + ", ".join(labels) + ")"


def deviation_gaps(game) -> dict:
    """For every pure profile, the list of its deviation differences ``u_i(p) - u_i(dev)``.

    >>> from deterrence import load_game
    >>> gaps = deviation_gaps(load_game("prisoners_dilemma"))
    >>> sorted(str(g) for g in gaps[("C", "C")])
    ['R - T', 'R - T']
    """
    out = {}
    for prof in itertools.product(*(range(k) for k in game.shape)):
        gaps = []
        for i, arr in enumerate(game.payoff_arrays):
            for a in range(game.shape[i]):
                if a != prof[i]:
                    dev = list(prof)
                    dev[i] = a
                    gaps.append(arr[prof] - arr[tuple(dev)])
        out[tuple(game.actions[i][j] for i, j in enumerate(prof))] = gaps
    return out


def pure_equilibrium_set(game) -> frozenset:
    """The pure equilibria of a numeric game, as label tuples.

    >>> from deterrence import load_game
    >>> sorted(pure_equilibrium_set(load_game("chicken").with_defaults()))
    [('straight', 'swerve'), ('swerve', 'straight')]
    """
    from deterrence.solvers.normal_form.pure import pure_equilibria
    return frozenset(tuple(e.support(i)[0] for i in range(game.n_players))
                     for e in pure_equilibria(game))


def red_lines(game, parameters=None, *, keep_sign=True) -> tuple:
    """Every red line of a symbolic game, for each parameter and each direction.

    With ``keep_sign`` (the default) a parameter whose current value is
    non-negative (a cost, a gain, a probability) is not taken below zero:
    red lines that need a negative cost or gain are left out.

    >>> from deterrence import load_game
    >>> lines = red_lines(load_game("prisoners_dilemma"), ["R"])
    >>> lines[0].describe()
    'if R rises above 5 (= T) (now 3): (C, C) becomes an equilibrium'
    """
    import sympy
    if not game.is_symbolic:
        return ()
    values = game.parameters
    missing = [k for k, v in values.items() if v is None]
    if missing:
        from deterrence.errors import GameError
        raise GameError(f"red lines need values for parameter(s) {', '.join(missing)}")
    names = list(parameters) if parameters is not None else list(values)
    base = game.with_defaults()
    base_set = pure_equilibrium_set(base)
    subs_all = {parameter_symbol(k): sympy.Rational(str(Fraction(v))) for k, v in values.items()}
    lines = []
    for name in names:
        theta = parameter_symbol(name)
        current = Fraction(values[name])
        others = {s: v for s, v in subs_all.items() if s != theta}
        candidates = {}          # threshold -> (its formula, whether the threshold is exact)
        solved, unsolved = threshold_formulas(game, name)
        for root, formula in solved:
            # a rational threshold exactly; an irrational one (x = sqrt(3), a bug hunt found them
            # left out) as a rational within 10^-30, flagged inexact, its formula exact; a real
            # root that sympy writes with complex radicals (Cardano) has is_real None
            found = _exact_or_close(root.xreplace(others))
            if found is not None and found[0] not in candidates:
                candidates[found[0]] = (formula, found[1])
        near = list(candidates)
        for q, exact in numeric_roots(unsolved, theta, others, current):
            # a root a formula already gives, found again at the values, is that root
            if not any(abs(q - r) <= abs(r) / 10**12 + Fraction(1, 10**24) for r in near):
                candidates.setdefault(q, ("", exact))
        for direction in ("below", "above"):
            # a threshold at the current value counts on both sides: the current profile is a
            # tie there, and a step either way may break it (it was left out: "no change")
            side = [q for q in candidates if (q <= current if direction == "below" else q >= current)
                    and not (keep_sign and current >= 0 and direction == "below" and q <= 0)]
            if direction == "below":
                side.sort(reverse=True)
            else:
                side.sort()
            for q in side:
                beyond = _just_beyond(q, side, direction, current)
                flipped = pure_equilibrium_set(game.subs({name: beyond}))
                if flipped != base_set:
                    lines.append(RedLine(parameter=name, current=to_exact(current),
                                         threshold=to_exact(q), direction=direction,
                                         formula=str(candidates[q][0]),
                                         gained=tuple(sorted(flipped - base_set)),
                                         lost=tuple(sorted(base_set - flipped)), exact=candidates[q][1]))
                    break
    return tuple(lines)


def threshold_formulas(game, name) -> tuple:
    """``(solved, unsolved)``: ``solved`` holds ``(root, simplified root)`` of every deviation
    difference of ``game`` that involves parameter ``name``, solved for it (the others kept
    symbolic), in the order of :func:`deviation_gaps`; ``unsolved`` the differences whose
    roots sympy may not all give (:func:`numeric_roots` looks at them at the parameters'
    values).

    They depend on the game's formulas, not on its parameter values: derived once per
    structure and kept (:func:`deterrence.core.cache.remember`; in the cache folder too),
    so that red lines at other values only substitute numbers.

    >>> from deterrence import load_game
    >>> solved, unsolved = threshold_formulas(load_game("prisoners_dilemma"), "R")
    >>> [str(f) for _, f in solved], unsolved
    (['T', 'T'], ())
    """
    from deterrence.core.cache import remember, structure_text

    def derive():
        import sympy
        theta = parameter_symbol(name)
        gaps = list(dict.fromkeys(g for gs in deviation_gaps(game).values() for g in gs if is_symbolic(g)))
        roots = [(gap, *_roots(gap, theta)) for gap in gaps if theta in gap.free_symbols]
        return (tuple((root, sympy.simplify(root)) for _, found, _ in roots for root in found),
                tuple(gap for gap, _, complete in roots if not complete))
    return remember("red-line-formulas", f"{name} in {structure_text(game)}", derive)


def _real_part(value):
    """A rational within 10^-30 of a number sympy wrote with complex radicals, when its
    imaginary part vanishes to 45 digits; else None.

    >>> import sympy
    >>> _real_part(sympy.sqrt(3)) == Fraction(str(sympy.N(sympy.sqrt(3), 40)))
    True
    >>> _real_part(1 + sympy.I) is None
    True
    """
    import sympy
    re, im = sympy.N(value, 50).as_real_imag()
    return Fraction(str(sympy.N(re, 40))) if abs(im) < sympy.Float("1e-45") else None


def _pieces(expr):
    """The pieces of ``expr`` as the piecewise function it is when it has ``min``, ``max`` or
    ``abs`` (each piece free of them), ``[expr]`` when it has none, ``None`` when folding
    leaves one inside a piece.

    >>> from deterrence.core.symbolic import parameter_symbol, parse_expression
    >>> sorted(map(str, _pieces(parse_expression("max(x, 1) - 2", ["x"]))))
    ['-1', 'x - 2']
    """
    import sympy
    kinds = (sympy.Max, sympy.Min, sympy.Abs, sympy.Piecewise)
    if not expr.has(*kinds):
        return [expr]
    folded = sympy.piecewise_fold(expr.rewrite(sympy.Piecewise))
    pieces = [e for e, _ in folded.args] if isinstance(folded, sympy.Piecewise) else [folded]
    return None if any(p.has(*kinds) for p in pieces) else pieces


def _roots(gap, theta) -> tuple:
    """``(roots, complete)``: the roots of ``gap = 0`` in ``theta`` as formulas in the other
    parameters, and whether they are all of them; a gap that is a fraction changes sign at
    the roots of its denominator too, which are among them. Read off when ``gap`` is linear in ``theta``
    (payoff gaps usually are); the roots of its numerator by ``sympy.solve`` when that is a
    polynomial of degree at most 4, or in ``theta`` alone (complete: sympy has formulas, or
    ``CRootOf``, for every root). A gap with ``min``, ``max`` or ``abs`` is solved piece by
    piece (sympy.solve refuses ``max``, "multiple generators", and took minutes on
    ``abs(x^3 - 2) - max(x, 1)``): the roots of every piece, its conditions ignored (a root
    outside them is a candidate :func:`red_lines` checks by stepping across it and drops; the
    functions are continuous, so the ends of a stretch where a piece is zero are roots of a
    neighbouring piece). Anything else (a quintic with other parameters in it, ``exp``,
    ``log``) is not complete: ``sympy.solve`` can return ``[]`` for a gap with roots, so
    :func:`numeric_roots` looks at the values too (it was dropped silently).

    >>> from deterrence.core.symbolic import parameter_symbol, parse_expression
    >>> x = parameter_symbol("x")
    >>> _roots(parse_expression("max(x, 3/2) - 2", ["x"]), x), _roots(parse_expression("x^2 - 3", ["x"]), x)
    (([2], True), ([-sqrt(3), sqrt(3)], True))
    >>> _roots(parse_expression("abs(x - 1) - max(x, 2)", ["x"]), x)    # -1, and candidates 3 and 1/2
    ([3, -1, 1/2], True)
    >>> _roots(parse_expression("abs(x^5 - x - y) - 1", ["x", "y"]), x)  # sympy.solve: []
    ([], False)
    >>> _roots(parse_expression("exp(x) + x^3 - 5", ["x"]), x)
    ([], False)
    >>> _roots(parse_expression("(x - 5) / (x - 2)", ["x"]), x)        # a root and a pole
    ([5, 2], True)
    """
    import sympy
    pieces = _pieces(gap)
    if pieces is None:
        return [], False
    if len(pieces) > 1:
        found = [_roots(p, theta) for p in pieces if theta in p.free_symbols]
        return (list(dict.fromkeys(r for roots, _ in found for r in roots)),
                all(complete for _, complete in found))
    gap = pieces[0]                  # the gap itself, or its one piece
    numerator, denominator = sympy.together(gap).as_numer_denom()
    if theta in denominator.free_symbols:
        # a gap changes sign at a pole as well as at a root (1/(x - 2) at 2; poles were left
        # out, and so was the tipping point there): the roots of both are candidates
        found = [_roots(numerator, theta), _roots(denominator, theta)]
        return (list(dict.fromkeys(r for roots, _ in found for r in roots)),
                all(complete for _, complete in found))
    polynomial = numerator.is_polynomial(theta)
    if polynomial:
        poly = sympy.Poly(numerator, theta)
        if poly.degree() < 1:
            return [], True
        if poly.degree() == 1:
            slope, intercept = poly.all_coeffs()
            return [-intercept / slope], True
        if poly.degree() >= 5 and numerator.free_symbols - {theta}:
            return [], False         # no formula in radicals; sympy.solve returns [] as if there were no root
    try:
        return sympy.solve(sympy.Eq(numerator if polynomial else gap, 0), theta), polynomial
    except (NotImplementedError, ValueError, TypeError):
        # sympy's refusals of what it cannot solve: no formula, and the values are looked at
        return [], False


def _exact_or_close(value):
    """``(q, exact)`` for a real root ``value`` (a sympy number): the rational itself, or the
    simplest fraction (denominator up to 10^6) when ``value`` equals it exactly (a Cardano
    formula whose value is 1), else a rational within 10^-30 of it, inexact; None when
    ``value`` is not real.

    >>> import sympy
    >>> _exact_or_close(sympy.Rational(3, 2)), _exact_or_close(1 + sympy.I)
    ((Fraction(3, 2), True), None)
    >>> q, exact = _exact_or_close(sympy.sqrt(3)); round(float(q), 12), exact
    (1.732050807569, False)
    """
    import sympy
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q)), True
    if not value.is_number or value.is_real is False:
        return None
    q = _real_part(value)
    if q is None:
        return None
    simple = q.limit_denominator(10**6)
    exactly = sympy.Rational(simple.numerator, simple.denominator)
    if abs(q - simple) < Fraction(1, 10**25) and (value - exactly).equals(0):
        return simple, True
    return q, False


def _polynomial_real_roots(f, theta):
    """Every real root and pole of ``f`` (numbers only but ``theta``), exactly and completely,
    when its numerator and denominator, or each piece's (min, max, abs), are polynomials in
    ``theta``: a list of ``(q, exact)`` as :func:`_exact_or_close` gives; None otherwise."""
    import sympy
    pieces = _pieces(f)
    if pieces is None:
        return None
    if len(pieces) > 1:
        found = [_polynomial_real_roots(p, theta) for p in pieces]
        return None if any(r is None for r in found) else [r for rs in found for r in rs]
    parts = sympy.together(pieces[0]).as_numer_denom()     # its roots, and its poles
    if any(not p.is_polynomial(theta) or p.free_symbols - {theta} for p in parts):
        return None
    return [pair for p in parts if theta in p.free_symbols for root in sympy.Poly(p, theta).real_roots()
            if (pair := _exact_or_close(root)) is not None]


#: Where :func:`numeric_roots` looks: the current value plus or minus these multiples of
#: ``max(1, |current|)`` (a geometric grid, 1/1000 to about 1000), and the current value itself.
_SCAN = tuple(sorted({s * Fraction(2) ** k / 1000 for k in range(21) for s in (-1, 1)}))


def numeric_roots(gaps, theta, others, current) -> list:
    """The real roots of each of ``gaps`` (formulas whose roots :func:`_roots` could not all
    give) with the other parameters at ``others``, as ``(threshold, exact)``. Where the gap
    (or each of its pieces) is then a polynomial in ``theta``: all of them, by sympy's real
    root isolation (exact where rational, else a rational within 10^-30, inexact). Otherwise
    its sign changes on a grid around ``current`` (:data:`_SCAN`), each bracketed by bisection
    to 10^-15 relative: the simplest fraction in the bracket (denominator up to 10^6) when the
    gap is exactly zero there, else a rational close to the threshold, inexact; the ends of a
    stretch where the gap is zero count too. The scan can miss a root where the gap touches
    zero without changing sign, two roots between neighbouring grid points, and roots beyond
    the grid.

    >>> import sympy
    >>> from deterrence.core.symbolic import parameter_symbol, parse_expression
    >>> x, y = parameter_symbol("x"), parameter_symbol("y")
    >>> gap = parse_expression("exp(x) + x^3 - 5", ["x"])
    >>> [(round(float(q), 9), exact) for q, exact in numeric_roots([gap], x, {}, 1)]
    [(1.193674575, False)]
    >>> [(str(q), exact) for q, exact in numeric_roots(
    ...     [parse_expression("max(x, min(x^2, 3)) - abs(x - 1) - 1", ["x"])], x, {}, 2)]
    [('-2', True), ('-1', True), ('0', True), ('1', True), ('3', True)]
    >>> [round(float(q), 4) for q, _ in numeric_roots([parse_expression("(x-3)^5 - (x-3) - y", ["x", "y"])],
    ...                                               x, {y: sympy.Rational(1, 2)}, 0)]
    [2.2309, 2.4494, 4.0983]
    """
    import sympy
    scale = max(Fraction(1), abs(Fraction(current)))
    grid = sorted({Fraction(current) + step * scale for step in _SCAN} | {Fraction(current)})
    found = {}
    for gap in gaps:
        f = gap.xreplace(others)
        exact_roots = _polynomial_real_roots(f, theta)
        if exact_roots is not None:
            for q, exact in exact_roots:
                found[q] = exact or found.get(q, False)
            continue

        def is_root(q, f=f):
            return f.xreplace({theta: sympy.Rational(q.numerator, q.denominator)}).is_zero is True

        def sign(x, f=f):
            value = f.xreplace({theta: sympy.Rational(x.numerator, x.denominator)}).evalf(30)
            if not (value.is_number and value.is_real):
                return None                  # outside the formula's domain (log of a negative)
            return 0 if value == 0 else 1 if value > 0 else -1
        signs = [sign(x) for x in grid]
        for a, b, sa, sb in zip(grid, grid[1:], signs, signs[1:]):
            # a change of sign, or the end of a stretch where the gap is zero (a tie)
            if sa is None or sb is None or sa == sb:
                continue
            while b - a > abs(a) / 10**15 + Fraction(1, 10**30):
                mid = (a + b) / 2
                sm = sign(mid)
                if sm is None:               # outside the formula's domain
                    break
                a, b = (mid, b) if sm == sa else (a, mid)
            simplest = next((q for q in (((a + b) / 2).limit_denominator(10**k) for k in range(7))
                             if a <= q <= b and is_root(q)), None)
            q = simplest if simplest is not None else ((a + b) / 2).limit_denominator(10**18)
            found[q] = simplest is not None or found.get(q, False)
    return sorted(found.items())


def _just_beyond(q, others, direction, current):
    """A value just past ``q``, before the next candidate threshold."""
    step = Fraction(1, 1000) * max(1, abs(q))
    farther = [o for o in others if (o < q if direction == "below" else o > q)]
    if farther:
        nxt = max(farther) if direction == "below" else min(farther)
        step = min(step, abs(q - nxt) / 2)
    return q - step if direction == "below" else q + step


def find_flip(conclusion, lo, hi, *, tol=1e-9, max_iter=200):
    """Bisection for the point in ``[lo, hi]`` where a boolean ``conclusion(x)`` changes.

    Used for models whose red lines are not available as formulas.

    >>> round(find_flip(lambda x: x * x < 2, 0.0, 2.0), 6)
    1.414214
    """
    from deterrence.errors import SolverError
    a, b = lo, hi
    fa = conclusion(a)
    if conclusion(b) == fa:
        raise SolverError(f"the conclusion is the same at {lo} and {hi}: no red line in between")
    for _ in range(max_iter):
        mid = (a + b) / 2
        if conclusion(mid) == fa:
            a = mid
        else:
            b = mid
        if abs(b - a) <= tol:
            break
    return (a + b) / 2


def _tree_conclusion(tree):
    """Where play can end in each subgame-perfect equilibrium: a set of sets of terminals.

    Probabilities are left out on purpose: a chance probability moves them
    continuously, while a red line is where the equilibrium play itself changes. So the
    terminals are those the players' moves reach, following every chance move, also one of
    probability 0: counting only terminals reached with positive probability made a chance
    probability's end (p = 0 or 1) look like a tipping point, where the players' play is the
    same as next to it (a helper's bug hunt).
    """
    from deterrence.core.tree import Chance, Terminal, path_name
    from deterrence.solvers.tree.backward_induction import subgame_perfect
    out = set()
    for eq in subgame_perfect(tree).equilibria:
        ends, stack = set(), [(tree.root, ())]
        while stack:
            node, path = stack.pop()
            if isinstance(node, Terminal):
                ends.add(path_name(path))
            elif isinstance(node, Chance):
                stack.extend((child, path + (m,)) for m, _, child in node.moves)
            else:
                dist = eq.behaviour[(node.player, tree.infoset_of(path).name)]
                stack.extend((child, path + (m,)) for m, child in node.moves if dist[m] != 0)
        out.add(frozenset(ends))
    return frozenset(out)


def _outcome_text(conclusion) -> tuple:
    return tuple(sorted(" or ".join(sorted(o)) for o in conclusion))


def tree_red_lines(tree, parameters=None, *, span=4, steps=12, iterations=40, keep_sign=True,
                   progress=None) -> tuple:
    """Red lines of a symbolic game tree: where the subgame-perfect outcome changes.

    For each parameter, values are scanned away from the current one (down to
    zero, and up to ``span`` times it), the first change is bracketed and
    bisected in exact arithmetic, and the threshold is snapped to the simplest
    rational that still separates the two outcomes. When the tree has perfect
    information, the threshold is matched to a formula from the symbolic
    backward-induction conditions. ``gained``/``lost`` hold the outcomes (where
    play ends) that appear or vanish past the line. Every step solves the tree again (a value
    once per parameter; a bisection stops early where :func:`_bisect` can settle it), a
    minute on the larger canon trees: ``progress`` shows a bar of the parameters and
    directions scanned (:func:`~deterrence.core.progress.progress_bar`; by default on a
    terminal once the scan has run two seconds). With ``keep_sign`` (the default), as in
    :func:`red_lines`, a non-negative parameter is not taken below zero, and a tie at zero or at
    the end of a probability's range, beyond which the parameter cannot go, is no line.

    >>> from deterrence import load_game
    >>> tree_red_lines(load_game("entry_deterrence"), ["d"])
    ()
    >>> [l.describe() for l in tree_red_lines(load_game("entry_deterrence"), ["d"],
    ...                                       keep_sign=False)]  # doctest: +NORMALIZE_WHITESPACE
    ['if d falls below 0 (now 1): (play ending at in/accommodate) stops being an equilibrium;
      (play ending at out) becomes an equilibrium']
    """
    import sympy
    values = tree.parameters
    names = list(parameters) if parameters is not None else [k for k, v in values.items() if v is not None]
    base = _tree_conclusion(tree.with_defaults())
    atoms = []
    if getattr(tree, "is_perfect_information", False):
        from deterrence.solvers.tree.backward_induction import symbolic_regimes
        for cond, _, _ in symbolic_regimes(tree):
            # in a fixed order (a set's order varies with the hash seed: a threshold where two
            # conditions tie, fearon_risk_return's p = 11/20, took either one's formula, run to run)
            atoms += sorted((a.lhs - a.rhs for a in cond.atoms(sympy.core.relational.Relational)),
                            key=sympy.default_sort_key)
    from deterrence.core.progress import progress_bar
    with progress_bar(2 * len(names), "tipping points", progress, large=True, unit="scan",
                      delay=2 if progress is None else 0) as bar:
        return tuple(_scan(tree, names, base, atoms, values, span, steps, iterations, keep_sign, bar))


#: The bracket width below which :func:`_bisect` looks for the rational a tree's flip is at:
#: :func:`_threshold_in` takes the simplest rational (denominator at most 10,000) in the final bracket.
_SETTLE_WIDTH = Fraction(1, 10**4)


def _bisect(conclusion, base, same, changed, iterations, atoms):
    """``(same, changed)`` after ``iterations`` bisection steps between a value whose conclusion is
    ``base`` and one whose conclusion is not, as plain bisection gives them.

    Each step solves the tree. When the tree has no symbolic conditions (``atoms`` empty: the
    threshold then is the simplest rational in the final bracket, denominator at most 10,000) and
    the bracket, narrower than :data:`_SETTLE_WIDTH`, holds such a rational ``c`` and no other
    (it is narrower than ``1 / (10,000 * denominator of c)``, and two such rationals ``p/q`` and
    ``c`` lie at least ``1 / (q * denominator of c)`` apart), the remaining steps are played
    out on the assumption that the flip is at ``c`` (a midpoint on the base side of ``c`` keeps
    the base, one past it does not; a midpoint at ``c`` itself is solved), and the two ends of
    that final bracket are solved to check it: the base at one, another conclusion at the other.
    If the conclusion changes only once in the bracket (wherever), the check passes exactly when
    every played-out step went as the solve would have gone (a midpoint misjudged lies between
    ``c`` and the flip, and so does the final end on its side), so the final bracket is the full
    bisection's. If the check fails, or no such ``c`` is in the bracket (the threshold is then the
    final bracket's midpoint, inexact), the bisection goes on as before. Once: a failed check is
    not tried again.

    Earlier, after :data:`_END_STEPS` steps, the same is tried when the simplest rational in the
    bracket is one of its ends (a value already solved: the current value or a grid point, where
    most thresholds of the catalogue's trees lie): the check then solves one new value, and a flip
    there is settled some ten steps sooner (a failed check costs that one solve; each end once).

    >>> solved = []      # a flip at 2/7: 15 steps and two checks, not 40 steps
    >>> same, changed = _bisect(lambda x: solved.append(x) or x < Fraction(2, 7), True,
    ...                         Fraction(0), Fraction(1, 3), 40, [])
    >>> same < Fraction(2, 7) < changed, changed - same == Fraction(1, 3 * 2**40), len(solved)
    (True, True, 17)
    >>> solved = []      # a flip at an end, 1/3: four steps and two checks
    >>> _ = _bisect(lambda x: solved.append(x) or x < Fraction(1, 3), True, Fraction(0), Fraction(1, 3), 40, [])
    >>> len(solved)
    6
    """
    settle = not atoms
    tried = set()
    for step in range(iterations):
        if settle and _SETTLE_WIDTH and step >= _END_STEPS:
            c = _simplest_between(min(same, changed), max(same, changed))
            if c is not None and c in (same, changed) and c not in tried:
                tried.add(c)
                found = _played_out(conclusion, base, same, changed, c, iterations - step)
                if found is not None:
                    return found
        if settle and abs(changed - same) < _SETTLE_WIDTH:
            c = _simplest_between(min(same, changed), max(same, changed))
            settle = c is not None    # none now, none in any narrower bracket
            if c is not None and abs(changed - same) * 10_000 * c.denominator < 1:
                settle = False
                if c not in tried:
                    found = _played_out(conclusion, base, same, changed, c, iterations - step)
                    if found is not None:
                        return found
        mid = (same + changed) / 2
        if conclusion(mid) == base:
            same = mid
        else:
            changed = mid
    return same, changed


#: Plain bisection steps before :func:`_bisect` tries a flip at an end of the bracket (a coarser
#: bracket is likelier to hold more than one change of the conclusion).
_END_STEPS = 4


def _played_out(conclusion, base, same, changed, c, steps):
    """The final bracket of ``steps`` bisection steps played out on the assumption that the flip is
    at ``c`` (see :func:`_bisect`), if its ends check (the base at one, another conclusion at the
    other); else ``None``."""
    s, ch = same, changed
    for _ in range(steps):
        mid = (s + ch) / 2
        on_base_side = (conclusion(mid) == base if mid == c
                        else (mid < c) == (s < ch))
        s, ch = (mid, ch) if on_base_side else (s, mid)
    if conclusion(s) == base and conclusion(ch) != base:
        return s, ch
    return None


def _scan(tree, names, base, atoms, values, span, steps, iterations, keep_sign, bar):
    """The red lines of :func:`tree_red_lines`, one parameter and direction at a time. A value
    solved once is not solved again for the same parameter (the conclusion at a grid point or a
    bisection step is remembered: the value past a threshold is often one of them)."""
    lines = []
    for name in names:
        current = Fraction(values[name])
        # the current value's conclusion is the base (solved once for every parameter: a threshold at
        # the current value, as most of mutual_deterrence_incomplete's are, solved it again per parameter)
        solved = {current: base}

        def conclusion(value, name=name, solved=solved):
            if value not in solved:
                solved[value] = _tree_conclusion(tree.subs({name: value}))
            return solved[value]
        scale = max(abs(current), Fraction(1))
        for direction in ("below", "above"):
            bar.update()
            if direction == "below":
                if keep_sign and current <= 0:
                    continue
                targets = [current - (current if keep_sign else scale * span) * Fraction(k, steps)
                           for k in range(1, steps + 1)]
            else:
                targets = [current + scale * span * Fraction(k, steps) for k in range(1, steps + 1)]
            same, changed, flipped = current, None, None
            from deterrence.errors import GameError
            for t in targets:
                try:
                    outcome = conclusion(t)
                except GameError:  # past the valid range (a probability above 1, say)
                    break
                if outcome != base:
                    changed, flipped = t, outcome
                    break
                same = t
            if changed is None:
                continue
            same, changed = _bisect(conclusion, base, same, changed, iterations, atoms)
            threshold, formula, exact = _threshold_in(same, changed, atoms, name, values)
            if keep_sign and direction == "below" and threshold <= 0:
                # as red_lines: a tie at 0 reached from above is no line ("r falls below 0" for a
                # chance probability r, "d falls below 0" for a profit kept non-negative: an error review)
                continue
            # what changes past the threshold, not at the grid point that found the change: that
            # point can be the tie itself, where the old play is still an equilibrium too
            # (past it by as much as the bisection's last bracket, so as not to cross another threshold)
            past = changed if changed != threshold else 2 * threshold - same
            try:
                flipped = conclusion(past)
            except GameError:       # past the valid range (a probability above 1): a tie at its end,
                continue            # which no value of the parameter goes beyond
            lines.append(RedLine(parameter=name, current=to_exact(current), threshold=to_exact(threshold),
                                 direction=direction, formula=formula, exact=exact,
                                 gained=tuple((f"play ending at {o}",) for o in _outcome_text(flipped - base)),
                                 lost=tuple((f"play ending at {o}",) for o in _outcome_text(base - flipped))))
    return tuple(lines)


def _threshold_in(same, changed, atoms, name, values):
    """``(threshold, formula, exact)`` for the flip bracketed between ``same`` and ``changed``.

    A root of a backward-induction condition inside the bracket gives the formula and, when
    it is rational, the exact value; otherwise the simplest rational in the bracket (a
    denominator up to 10,000) is taken as exact. Failing both, the flip is irrational (or of
    a larger denominator than any tree payoff suggests): the bracket's midpoint, marked inexact.
    """
    lo, hi = min(same, changed), max(same, changed)
    root = _root_in(atoms, name, lo, hi, values)
    if root is not None:
        value = root[1]
        if value.is_Rational:
            return Fraction(int(value.p), int(value.q)), root[0], True
        return Fraction(str(value.evalf(30))), root[0], False
    simplest = _simplest_between(lo, hi)
    if simplest is not None:        # no formula: the JSON's formula had been this numeral (a review)
        return simplest, "", True
    return (lo + hi) / 2, "", False


def _simplest_between(lo, hi):
    """The rational with the smallest denominator (at most 10,000) in ``[lo, hi]``, or None."""
    for den in range(1, 10_001):
        num = -((-lo * den).__floor__())  # ceil(lo * den)
        if Fraction(num, den) <= hi:
            return Fraction(num, den)
    return None


def _root_in(atoms, name, lo, hi, values):
    """``(formula, value)`` of a root of a condition ``atom = 0`` in ``name`` lying in ``[lo, hi]``."""
    import sympy
    theta = parameter_symbol(name)
    others = {parameter_symbol(k): sympy.Rational(str(Fraction(v))) for k, v in values.items()
              if k != name and v is not None}
    low, high = sympy.Rational(lo.numerator, lo.denominator), sympy.Rational(hi.numerator, hi.denominator)
    for atom in atoms:
        if theta not in atom.free_symbols:
            continue
        for root in sympy.solve(sympy.Eq(atom, 0), theta):
            value = root.xreplace(others)
            try:
                inside = value.is_real and bool(low <= value) and bool(value <= high)
            except TypeError:                # a comparison sympy cannot decide: not this root
                inside = False
            if inside:
                return str(sympy.simplify(root)), value
    return None
