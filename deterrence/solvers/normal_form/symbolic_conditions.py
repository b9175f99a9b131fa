"""Conditions on the parameters under which each pure profile is a Nash equilibrium.

Source: the definition of Nash equilibrium (J. Nash, "Non-cooperative games",
Annals of Mathematics 54, 1951) applied profile by profile: a pure profile is
an equilibrium iff no player gains by a unilateral pure deviation (Osborne and
Rubinstein, "A Course in Game Theory", 1994, Definition 14.1).

Steps
-----
1. For each pure profile and each player, list the inequalities
   ``u_i(profile) >= u_i(deviation)`` for every other action of that player.
2. Each inequality is simplified cheaply: the difference is expanded; a
   difference that is a number becomes ``True``/``False``; an inequality that
   is linear in one parameter is solved for it (``T <= 3``).
3. The condition of the profile is the ``And`` of its inequalities (sympy
   drops ``True`` and collapses to ``False``). A condition in one parameter
   that no value meets (``w >= 4`` and ``w <= 0``) is ``False``: sympy's
   ``And`` does not see that two bounds contradict each other, its solution
   set does.

Works for any number of players and for exact games too (every condition is
then ``True`` or ``False``). Symbols are made by
:func:`deterrence.core.symbolic.parameter_symbol`, so they match the game's.
"""
from __future__ import annotations

import itertools
from fractions import Fraction

from deterrence.core.numbers import to_exact
from deterrence.errors import GameError


def _sym(value):
    from deterrence.core.symbolic import as_sympy
    return as_sympy(value, what="payoff")


def _inequality(current, deviation):
    """``current >= deviation``, simplified where cheap."""
    import sympy
    diff = sympy.expand(_sym(current) - _sym(deviation))
    if diff.is_number:
        return sympy.true if diff >= 0 else sympy.false
    free = diff.free_symbols
    if len(free) == 1:
        (s,) = free
        poly = sympy.Poly(diff, s) if diff.is_polynomial(s) else None
        if poly is not None and poly.degree() == 1:
            a, b = poly.all_coeffs()        # a*s + b >= 0
            if a.is_number and b.is_number:
                bound = -b / a
                return sympy.Ge(s, bound) if a > 0 else sympy.Le(s, bound)
    return sympy.Ge(diff, 0)


def _impossible_as_false(condition):
    """``False`` for a condition in one parameter whose solution set is empty, else the condition.

    Conditions in two or more parameters are left as they are: deciding them is
    quantifier elimination, not a cheap step.
    """
    import sympy
    if condition in (sympy.true, sympy.false) or len(condition.free_symbols) != 1:
        return condition
    try:
        empty = condition.as_set() is sympy.S.EmptySet
    except (NotImplementedError, TypeError, ValueError):     # an inequality sympy cannot solve
        return condition
    return sympy.false if empty else condition


def pure_equilibrium_conditions(game) -> dict:
    """For each pure profile (a tuple of labels), the condition for it to be an equilibrium.

    Conditions are sympy booleans over the game's parameters.

    >>> import sympy
    >>> from deterrence import NormalFormGame
    >>> from deterrence.core.symbolic import parameter_symbol
    >>> T = parameter_symbol("T")
    >>> pd = NormalFormGame.from_arrays([[3, 0], [T, 1]], [[3, T], [0, 1]],
    ...                                 actions=[["C", "D"], ["C", "D"]])
    >>> cond = pure_equilibrium_conditions(pd)
    >>> cond[("C", "C")]
    T <= 3
    >>> cond[("D", "D")]
    True
    >>> cond[("C", "D")]
    False
    """
    import sympy
    labels = game.actions
    out = {}
    for prof in itertools.product(*(range(k) for k in game.shape)):
        parts = []
        for i, arr in enumerate(game.payoff_arrays):
            current = arr[prof]
            for b in range(game.shape[i]):
                if b == prof[i]:
                    continue
                dev = list(prof)
                dev[i] = b
                parts.append(_inequality(current, arr[tuple(dev)]))
        cond = _impossible_as_false(sympy.And(*parts) if parts else sympy.true)
        out[tuple(labels[i][a] for i, a in enumerate(prof))] = cond
    return out


def conditions_hold(condition, values) -> bool:
    """Whether one condition (a sympy boolean) holds at the given parameter values.

    ``values`` maps parameter names (or symbols) to numbers; they are made
    exact first, and every parameter the condition uses must be given.

    >>> from deterrence.core.symbolic import parameter_symbol
    >>> T = parameter_symbol("T")
    >>> conditions_hold(T <= 3, {"T": 2}), conditions_hold(T <= 3, {"T": "7/2"})
    (True, False)
    """
    import sympy
    from deterrence.core.symbolic import as_sympy, parameter_symbol
    if isinstance(condition, bool):
        return condition
    by_name = {}
    for key, val in dict(values).items():
        name = key if isinstance(key, str) else str(key)
        exact = to_exact(val, f"value of parameter {name}")
        by_name[name] = (sympy.Rational(exact.numerator, exact.denominator)
                         if isinstance(exact, Fraction) else sympy.Integer(exact))
    condition = as_sympy(condition, by_name, what="condition")
    # match symbols by name, so symbols made with other assumptions are replaced too
    mapping = {s: by_name[str(s)] for s in condition.free_symbols if str(s) in by_name}
    mapping.update({parameter_symbol(k): v for k, v in by_name.items()})
    result = condition.xreplace(mapping)
    if result not in (sympy.true, sympy.false):
        result = sympy.simplify(result)
    if result is sympy.true:
        return True
    if result is sympy.false:
        return False
    missing = sorted(str(s) for s in getattr(result, "free_symbols", ()))
    if missing:
        raise GameError(f"no value given for parameter(s) {', '.join(missing)}")
    raise GameError(f"cannot decide the condition {condition} at {dict(values)}")
