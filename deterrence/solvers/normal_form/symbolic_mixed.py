"""Mixed equilibria of a two-player game with symbolic payoffs, as formulas in its parameters.

Source: the indifference principle (every action a mixed equilibrium strategy uses earns the
same payoff, and no action earns more: J. Nash, "Non-cooperative games", Annals of Mathematics
54, 1951; M. Osborne and A. Rubinstein, "A Course in Game Theory", 1994, Lemma 33.2), applied
support pair by support pair as in support enumeration (B. von Stengel, "Equilibrium
computation for two-player games in strategic and extensive form", in Algorithmic Game Theory,
2007, section 3.4), with the linear systems solved over the field of rational functions in the
parameters instead of over the rationals.

Steps
-----
1. For every pair of supports ``I`` (Row's actions) and ``J`` (Column's) of the same size
   ``k >= 2`` (pure profiles are :func:`~.symbolic_conditions.pure_equilibrium_conditions`'):
2. solve Column's mix ``y`` on ``J`` from Row's indifference, ``A[i, J] y = v`` for ``i`` in
   ``I`` and ``sum(y) = 1``, and Row's mix ``x`` on ``I`` from ``x B[I, j] = u`` for ``j`` in
   ``J`` and ``sum(x) = 1``, exactly in sympy; a system singular for every parameter value has
   no isolated solution and the pair is left out;
3. the pair's condition: every probability on the support positive, every action off the
   support earning at most the support's payoff, for both players; a condition that no value
   of one parameter meets is ``False`` and the pair is dropped.

At values where the condition holds and the systems' determinants are not zero,
:meth:`SymbolicMixedEquilibrium.at` gives the exact equilibrium, and it is one (each formula
is the unique solution of its system there). In a nondegenerate game every equilibrium has
supports of the same size, so with the pure conditions these formulas give every equilibrium
at such values; at degenerate values (ties) a game can have more, e.g. a continuum, which
:func:`deterrence.solve` finds at numbers.

>>> from deterrence import load_game
>>> [eq] = mixed_equilibrium_formulas(load_game("chicken"))     # payoffs in w, l and crash
>>> eq.strategies[0]                                              # Row's swerve, straight
((crash - l)/(crash - l + w), w/(crash - l + w))
>>> eq.payoffs[0]
-l*w/(crash - l + w)
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.normal_form.symbolic_conditions import _impossible_as_false, conditions_hold
from deterrence.solvers.result import TextRepr

MAX_SUPPORT_PAIRS = 2_000


@dataclass(frozen=True)
class SymbolicMixedEquilibrium(TextRepr):
    """One support pair's mixed equilibrium: ``strategies`` (one tuple of sympy formulas per
    player, in the game's action order, 0 off the support), ``payoffs`` (formulas) and the
    ``condition`` (a sympy boolean over the parameters) under which it is an equilibrium."""

    players: tuple
    actions: tuple
    strategies: tuple
    payoffs: tuple
    condition: object

    def at(self, values) -> tuple | None:
        """The exact profile (one tuple of Fractions per player) at parameter ``values``, or
        None where the condition fails or a formula's denominator is zero there.

        >>> from deterrence import load_game
        >>> [eq] = mixed_equilibrium_formulas(load_game("chicken"))
        >>> eq.at({"w": 1, "l": 1, "crash": 10})
        ((Fraction(9, 10), Fraction(1, 10)), (Fraction(9, 10), Fraction(1, 10)))
        >>> eq.at({"w": 1, "l": 10, "crash": 1}) is None         # crash below l: no mixing
        True
        """
        from deterrence.core.numbers import to_exact
        from deterrence.core.symbolic import parameter_symbol
        try:
            values = dict(values)
        except (TypeError, ValueError):
            raise GameError(f"values must map parameter names to numbers, got {type(values).__name__}") from None
        # a parameter without a value made every formula symbolic, and at() said None, "not an
        # equilibrium there" (a fuzzing review): name it
        needed = sorted({str(x) for part in (*self.strategies, self.payoffs) for p in part
                         for x in getattr(p, "free_symbols", ())} |
                        {str(x) for x in getattr(self.condition, "free_symbols", ())})
        missing = [name for name in needed if name not in {str(k) for k in values}]
        if missing:
            raise GameError(f"no value for parameter(s) {', '.join(missing)}: the formulas are in "
                            f"{', '.join(needed)}")
        subs = {parameter_symbol(str(k)): to_exact(v, f"value of parameter {k}") for k, v in values.items()}
        profile = []
        for s in self.strategies:
            row = []
            for p in s:
                q = p.subs(subs) if hasattr(p, "subs") else p
                if not q.is_Rational:          # zoo or nan: a zero denominator at these values
                    return None
                row.append(to_exact(q))        # (str(q) failed past 4300 digits: a fuzzing review)
            profile.append(tuple(row))
        try:
            return tuple(profile) if conditions_hold(self.condition, values) else None
        except (TypeError, ZeroDivisionError):
            return None

    def describe(self) -> str:
        def mix(labels, probs):
            return " + ".join(f"{p} {a}" for a, p in zip(labels, probs) if p != 0)
        who = "; ".join(f"{pl}: {mix(a, s)}" for pl, a, s in zip(self.players, self.actions, self.strategies))
        return f"{who}  (payoffs {', '.join(map(str, self.payoffs))})  when {self.condition}"

    def __str__(self):
        return self.describe()

    def _repr_latex_(self) -> str:
        import sympy
        parts = []
        for pl, labels, probs in zip(self.players, self.actions, self.strategies):
            terms = ", ".join(rf"\text{{{a}}}: {sympy.latex(p)}" for a, p in zip(labels, probs) if p != 0)
            parts.append(rf"\text{{{pl}}}: \left({terms}\right)")
        return "$" + r";\quad ".join(parts) + rf"\quad\text{{when }} {sympy.latex(self.condition)}$"


def mixed_equilibrium_formulas(game) -> tuple:
    """Every support pair's mixed equilibrium of a two-player game, as formulas in the game's
    parameters with the condition under which it is one (module docstring: steps, and what
    the list covers at degenerate values).

    >>> from deterrence import NormalFormGame
    >>> from deterrence.core.symbolic import parameter_symbol
    >>> W = parameter_symbol("W")
    >>> g = NormalFormGame.from_arrays([[0, -1], [1, -W]], [[0, 1], [-1, -W]],
    ...                                actions=[["hold", "strike"], ["hold", "strike"]])
    >>> [eq] = mixed_equilibrium_formulas(g)
    >>> eq.strategies[0], eq.condition
    (((W - 1)/W, 1/W), W > 1)
    """
    from deterrence.core.symbolic import as_sympy
    if len(game.players) != 2:
        raise GameError(f"mixed equilibrium formulas are for two-player games; this one has {len(game.players)}")
    m, n = game.shape
    pairs = sum(_choose(m, k) * _choose(n, k) for k in range(2, min(m, n) + 1))
    if pairs > MAX_SUPPORT_PAIRS:
        raise TooLargeError(f"{pairs:,} support pairs, over the limit of {MAX_SUPPORT_PAIRS:,}")
    # all arithmetic in one field of rational functions of the parameters (sympy's polys
    # domains): formulas stay reduced fractions, where sympy.Matrix's LU and cancel took
    # minutes on a 3x3 game
    from sympy.polys.constructor import construct_domain
    field, entries = construct_domain([as_sympy(v, what="payoff") for arr in game.payoff_arrays
                                       for v in arr.flat], field=True)
    A = [entries[i * n:(i + 1) * n] for i in range(m)]
    B = [entries[m * n + i * n:m * n + (i + 1) * n] for i in range(m)]
    out = []
    for k in range(2, min(m, n) + 1):
        for row_support in itertools.combinations(range(m), k):
            for col_support in itertools.combinations(range(n), k):
                found = _support_pair(field, A, B, row_support, col_support)
                if found is not None:
                    x, y, u, v, condition = found
                    out.append(SymbolicMixedEquilibrium(tuple(game.players), tuple(game.actions),
                                                        (x, y), (v, u), condition))
    return tuple(out)


def _choose(n, k):
    from math import comb
    return comb(n, k)


def _indifferent_mix(field, M, rows, cols):
    """The mix over ``cols`` that makes every row in ``rows`` of ``M`` (a list of rows of
    ``field`` elements) earn the same, and that payoff: ``(mix, value)`` in ``field``, or None
    when the system is singular for every value."""
    from sympy.polys.matrices import DomainMatrix
    k = len(cols)
    one, zero = field.one, field.zero
    system = [[M[i][j] for j in cols] + [-one] for i in rows] + [[one] * k + [zero]]
    system = DomainMatrix(system, (k + 1, k + 1), field)
    if field.is_zero(system.det()):
        return None
    rhs = DomainMatrix([[zero]] * k + [[one]], (k + 1, 1), field)
    solution = [row[0] for row in system.lu_solve(rhs).to_list()]
    return solution[:k], solution[k]


def _support_pair(field, A, B, rows, cols):
    import sympy
    col = _indifferent_mix(field, A, rows, cols)                           # Row indifferent on rows
    row = _indifferent_mix(field, [list(c) for c in zip(*B)], cols, rows)  # Column indifferent on cols
    if col is None or row is None:
        return None
    (yJ, v), (xI, u) = col, row          # Column's mix and Row's payoff; Row's mix and Column's
    m, n = len(A), len(A[0])
    parts = [_sign_condition(field, p, strict=True) for p in xI + yJ]
    parts += [_sign_condition(field, v - sum((A[i][j] * q for j, q in zip(cols, yJ)), field.zero))
              for i in range(m) if i not in rows]
    parts += [_sign_condition(field, u - sum((B[i][j] * p for i, p in zip(rows, xI)), field.zero))
              for j in range(n) if j not in cols]
    condition = _one_parameter_bounds(_impossible_as_false(sympy.And(*parts)))
    if condition is sympy.false:
        return None
    x, y = [sympy.Integer(0)] * m, [sympy.Integer(0)] * n
    for i, p in zip(rows, xI):
        x[i] = field.to_sympy(p)
    for j, q in zip(cols, yJ):
        y[j] = field.to_sympy(q)
    return tuple(x), tuple(y), field.to_sympy(v), field.to_sympy(u), condition


def _one_parameter_bounds(condition):
    """A condition in one parameter as its bounds (``(1/W > 0) & ((W - 1)/W > 0)`` -> ``W > 1``)
    where its solution set is one interval; other conditions as they are."""
    import sympy
    free = getattr(condition, "free_symbols", set())
    if len(free) != 1:
        return condition
    (s,) = free
    try:
        solutions = condition.as_set()
    except (NotImplementedError, TypeError, ValueError):    # sympy cannot solve it: keep it whole
        return condition
    if solutions == sympy.S.EmptySet:
        return sympy.false
    if solutions == sympy.S.Reals:
        return sympy.true
    if not isinstance(solutions, sympy.Interval):
        return condition
    bounds = []
    low, high = solutions.start, solutions.end
    if low.is_finite:
        bounds.append(sympy.StrictGreaterThan(s, low) if solutions.left_open else sympy.GreaterThan(s, low))
    if high.is_finite:
        bounds.append(sympy.StrictLessThan(s, high) if solutions.right_open else sympy.LessThan(s, high))
    return sympy.And(*bounds)


def _sign_condition(field, value, strict=False):
    """``value > 0`` (``strict``) or ``value >= 0``, decided where ``value`` is a number."""
    import sympy
    expr = field.to_sympy(value)
    if expr.is_number:
        return sympy.true if (expr > 0 if strict else expr >= 0) else sympy.false
    return sympy.StrictGreaterThan(expr, 0) if strict else sympy.GreaterThan(expr, 0)


__all__ = ["SymbolicMixedEquilibrium", "mixed_equilibrium_formulas"]
