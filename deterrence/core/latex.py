"""Typeset values for Jupyter and the documentation: exact numbers, formulas, conditions, sets.

One display module for the whole toolkit: results, conditions and thresholds
are shown as a reader writes them (δ ∈ [3/4, 1), ½, max(a, b)), never as the
Python objects behind them (``Interval.Ropen(3/4, 1)``, ``Fraction(1, 2)``,
``Max(a, b)``). Two entry points:

* :func:`to_latex` turns one value (an int, a Fraction, a float, a string, a
  sympy expression, relation, boolean condition or set, or a tuple of them)
  into LaTeX math, without the dollar signs. Symbolic conditions are
  simplified first (``sympy.simplify``, kept only when it is not longer).
* :func:`typeset_text` turns a sentence that mentions such values in their
  printed Python form into Markdown or HTML with inline math, for report
  lines written as plain text.

The ``_repr_latex_`` / ``_repr_html_`` / ``_repr_markdown_`` methods of the
carriers call these functions. sympy is imported inside the functions that
need it, so ``import deterrence`` stays fast.

Steps: exact numbers by hand (``\\frac``); everything symbolic through
``sympy.latex`` after simplification, with sets written in interval notation
and a named variable (``\\delta \\in [\\frac{3}{4}, 1)``).

>>> from fractions import Fraction
>>> to_latex(Fraction(-1, 2))
'-\\\\frac{1}{2}'
>>> import sympy
>>> to_latex(sympy.Interval.Ropen(sympy.Rational(3, 4), 1), variable="delta")
'\\\\delta \\\\in \\\\left[\\\\frac{3}{4}, 1\\\\right)'
"""
from __future__ import annotations

import html
import re
from fractions import Fraction

__all__ = ["conditions_latex", "result_latex", "to_latex", "typeset_text"]

_GREEK = {"delta", "gamma", "alpha", "beta", "epsilon", "theta", "lambda", "mu", "pi", "sigma"}


def _variable(name: str) -> str:
    """A variable name in LaTeX: Greek letters by name, subscripts after an underscore.

    >>> _variable("delta"), _variable("W_iran"), _variable("p")
    ('\\\\delta', 'W_{\\\\mathrm{iran}}', 'p')
    """
    head, _, sub = name.partition("_")
    head = "\\" + head if head in _GREEK else head
    return f"{head}_{{\\mathrm{{{sub}}}}}" if sub else head


def _number(value) -> str:
    """An exact number: an integer, or a fraction as ``\\frac``.

    >>> _number(3), _number(Fraction(3, 4)), _number(Fraction(-5, 2))
    ('3', '\\\\frac{3}{4}', '-\\\\frac{5}{2}')
    """
    q = Fraction(value)
    if q.denominator == 1:
        return str(q.numerator)
    sign = "-" if q < 0 else ""
    return f"{sign}\\frac{{{abs(q.numerator)}}}{{{q.denominator}}}"


def _simplified(expr):
    """``sympy.simplify(expr)`` when that is no longer than ``expr`` (and does not fail).

    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> _simplified(sympy.And(x > 1, x > 2))
    x > 2
    """
    import sympy

    try:
        simple = sympy.simplify(expr)
    except Exception:   # simplification is a nicety: never let it break a display
        return expr
    try:
        return simple if sympy.count_ops(simple) <= sympy.count_ops(expr) else expr
    except RecursionError:      # count_ops recurses into nested conditions; any sympy value has a count
        return simple


def _sympy_latex(expr) -> str:
    import sympy

    names = {s: _variable(s.name) for s in getattr(expr, "free_symbols", ())}
    return sympy.latex(expr, symbol_names=names)


def _set_latex(value, variable=None) -> str:
    """A sympy set in interval notation, optionally as ``variable \\in set``.

    >>> import sympy
    >>> _set_latex(sympy.EmptySet), _set_latex(sympy.FiniteSet(sympy.Rational(1, 2)), "delta")
    ('\\\\emptyset', '\\\\delta \\\\in \\\\left\\\\{\\\\frac{1}{2}\\\\right\\\\}')
    """
    import sympy

    def part(s):
        if s is sympy.EmptySet:
            return r"\emptyset"
        if isinstance(s, sympy.Interval):
            left = r"\left(" if s.left_open else r"\left["
            right = r"\right)" if s.right_open else r"\right]"
            return f"{left}{to_latex(s.start)}, {to_latex(s.end)}{right}"
        if isinstance(s, sympy.FiniteSet):
            return r"\left\{" + ", ".join(to_latex(v) for v in sorted(s, key=sympy.default_sort_key)) + r"\right\}"
        if isinstance(s, sympy.Union):
            return r" \cup ".join(part(a) for a in s.args)
        return _sympy_latex(s)

    body = part(value)
    return f"{_variable(variable)} \\in {body}" if variable else body


def to_latex(value, *, variable: str | None = None) -> str:
    """LaTeX math (no dollar signs) for a number, formula, condition, set or tuple of them.

    ``variable`` names the unknown of a set (``delta`` gives ``\\delta \\in ...``).
    Conditions (relations, And/Or) are simplified before display.

    >>> from fractions import Fraction
    >>> to_latex(7), to_latex(Fraction(1, 3)), to_latex(None)
    ('7', '\\\\frac{1}{3}', '\\\\text{none}')
    >>> import sympy
    >>> a, b = sympy.symbols("a_iran b_iran", real=True)
    >>> to_latex(sympy.Max(a, b))
    '\\\\max\\\\left(a_{\\\\mathrm{iran}}, b_{\\\\mathrm{iran}}\\\\right)'
    >>> to_latex((a + b) / (a + 3))
    '\\\\frac{a_{\\\\mathrm{iran}} + b_{\\\\mathrm{iran}}}{a_{\\\\mathrm{iran}} + 3}'
    >>> to_latex(sympy.And(a > 1, a > 2))
    'a_{\\\\mathrm{iran}} > 2'
    >>> to_latex((Fraction(1, 2), 3))
    '\\\\left(\\\\frac{1}{2}, 3\\\\right)'
    >>> import numpy as np
    >>> to_latex(np.array([[Fraction(49, 50), Fraction(1, 50)], [0, 1]], dtype=object))
    '\\\\begin{pmatrix}\\\\frac{49}{50} & \\\\frac{1}{50} \\\\\\\\ 0 & 1\\\\end{pmatrix}'
    >>> to_latex("hold & strike")
    '\\\\text{hold \\\\& strike}'

    Irrational numbers of the exact solvers (algebraic numbers, certified enclosures) are
    written as the digits their ``str`` gives. A value that typesets itself in Jupyter (a game, a
    result: ``_repr_latex_``) gives that math; anything else its text, escaped for LaTeX (it was
    escaped for HTML: ``to_latex(result)`` wrote ``parameters&#x27; default values``, a review):

    >>> from deterrence import load_game, solve
    >>> to_latex(solve(load_game("chicken").with_defaults(), "pure")).startswith("\\\\begin{array}")
    True
    >>> to_latex(load_game("entry_deterrence")).startswith("\\\\text{Entry deterrence")
    True
    """
    if value is None:
        return r"\text{none}"
    if isinstance(value, bool):
        return rf"\text{{{value}}}"
    if isinstance(value, (int, Fraction)):
        return _number(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return r"\text{" + re.sub(r"([&%$#_{}])", r"\\\1", value) + "}"
    if getattr(value, "ndim", None) == 2:          # a numpy matrix (exact entries stay exact)
        rows = [" & ".join(to_latex(v) for v in row) for row in value.tolist()]
        return r"\begin{pmatrix}" + r" \\ ".join(rows) + r"\end{pmatrix}"
    if getattr(value, "ndim", None) == 1:
        value = tuple(value.tolist())
    if isinstance(value, (tuple, list)):
        return r"\left(" + ", ".join(to_latex(v) for v in value) + r"\right)"
    import sympy

    if isinstance(value, sympy.Set):
        return _set_latex(value, variable)
    if isinstance(value, sympy.Basic):
        if isinstance(value, sympy.Rational):
            return _number(Fraction(int(value.p), int(value.q)))
        if value.free_symbols:
            value = _simplified(value)
        return _sympy_latex(value)
    numerator, denominator = getattr(value, "numerator", None), getattr(value, "denominator", None)
    if numerator is not None and denominator is not None:    # python-flint fmpq and friends
        return _number(Fraction(int(numerator), int(denominator)))
    if hasattr(value, "__float__") and _DECIMAL.fullmatch(str(value)):
        return str(value)       # an irrational number printed as its certified digits
    own = getattr(value, "_repr_latex_", None)
    math = own() if callable(own) else None
    if isinstance(math, str) and math.strip():
        return math.strip().removeprefix("$$").removesuffix("$$").strip("$").strip()
    return to_latex(str(value))


_DECIMAL = re.compile(r"-?\d+(\.\d+)?(e[-+]?\d+)?")
_INTERVALS = {"Ropen": ("[", ")"), "Lopen": ("(", "]"), "open": ("(", ")"), "": ("[", "]")}
_INTERVAL = re.compile(r"Interval(?:\.(Ropen|Lopen|open))?\(([^(),]+), ([^(),]+)\)")
_FRACTION_CALL = re.compile(r"Fraction\((-?\d+), (\d+)\)")
_FRACTION = re.compile(r"(?<![\w./])(-?\d+)/(\d+)(?![\w/])")


def typeset_text(text: str, fmt: str = "markdown") -> str:
    """A sentence with inline math: Python spellings of sets and numbers in reading form.

    ``Interval.Ropen(3/4, 1)`` becomes [3/4, 1), ``Fraction(1, 2)`` becomes 1/2,
    ``Max(``/``Min(`` become max/min, ``EmptySet`` the empty set, and every
    fraction is typeset (``$\\frac{3}{4}$`` in Markdown, ``\\(\\frac{3}{4}\\)``
    in HTML, whose text is escaped).

    >>> typeset_text("subgame perfect for delta in Interval.Ropen(3/4, 1)")
    'subgame perfect for δ in [$\\\\frac{3}{4}$, 1)'
    >>> typeset_text("gain Max(a, 2) < 1 & Fraction(1, 2)", "html")
    'gain max(a, 2) &lt; 1 &amp; \\\\(\\\\frac{1}{2}\\\\)'
    """
    text = _INTERVAL.sub(lambda m: _INTERVALS[m.group(1) or ""][0] + f"{m.group(2)}, {m.group(3)}"
                         + _INTERVALS[m.group(1) or ""][1], text)
    text = _FRACTION_CALL.sub(lambda m: f"{m.group(1)}/{m.group(2)}", text)
    text = re.sub(r"\bMax\(", "max(", text)
    text = re.sub(r"\bMin\(", "min(", text)
    text = re.sub(r"\bEmptySet\b", "∅", text)
    text = re.sub(r"\bdelta\b", "δ", text)
    if fmt == "html":
        text = html.escape(text)
        open_math, close_math = r"\(", r"\)"
    else:
        open_math = close_math = "$"
    return _FRACTION.sub(lambda m: open_math + _number(Fraction(int(m.group(1)), int(m.group(2)))) + close_math, text)


def result_latex(result) -> str:
    """Display math for a solve result (duck-typed: ``players``, ``actions``, ``equilibria``
    with ``strategies`` and ``payoffs``): one row per equilibrium, probabilities as fractions.

    >>> from types import SimpleNamespace as NS
    >>> r = NS(players=("US", "Iran"), actions=(("hold", "strike"), ("hold", "strike")),
    ...        equilibria=(NS(strategies=((Fraction(1, 3), Fraction(2, 3)), (0, 1)), payoffs=(1, Fraction(-1, 2))),))
    >>> print(result_latex(r))  # doctest: +NORMALIZE_WHITESPACE
    $\\begin{array}{r|l|l|l} & \\text{US} & \\text{Iran} & \\text{payoffs} \\\\ \\hline
    0 & \\frac{1}{3}\\,\\text{hold} + \\frac{2}{3}\\,\\text{strike} & \\text{strike}
      & \\left(1, -\\frac{1}{2}\\right) \\\\
    \\end{array}$
    """
    def mixture(actions, probabilities):
        used = [(a, p) for a, p in zip(actions, probabilities) if p != 0]
        if len(used) == 1:
            return to_latex(used[0][0])
        return " + ".join(f"{to_latex(p)}\\,{to_latex(a)}" for a, p in used)

    players = list(result.players)
    head = " & ".join(to_latex(str(p)) for p in players)
    rows = [f"{k} & " + " & ".join(mixture(acts, s) for acts, s in zip(result.actions, eq.strategies))
            + f" & {to_latex(tuple(eq.payoffs))} \\\\" for k, eq in enumerate(result.equilibria)]   # as text and HTML
    return ("$\\begin{array}{r|" + "l|" * len(players) + "l} & " + head + " & \\text{payoffs} \\\\ \\hline\n"
            + "\n".join(rows) + "\n\\end{array}$")


def conditions_latex(conditions) -> str:
    """Display math for a critical-δ result (duck-typed: ``critical``, ``critical_symbolic``,
    ``delta_set``): the threshold as a formula and a number, and the set of δ.

    >>> import sympy
    >>> from types import SimpleNamespace as NS
    >>> a, b, c = sympy.symbols("a b c", positive=True)
    >>> print(conditions_latex(NS(critical=Fraction(3, 4), critical_symbolic=(a + b) / (a + c),
    ...                           delta_set=sympy.Interval.Ropen(sympy.Rational(3, 4), 1))))
    $\\delta^* = \\frac{a + b}{a + c} = \\frac{3}{4}, \\quad \\delta \\in \\left[\\frac{3}{4}, 1\\right)$
    """
    parts = []
    critical, formula = getattr(conditions, "critical", None), getattr(conditions, "critical_symbolic", None)
    if critical is not None:
        shown = to_latex(formula) if formula is not None and getattr(formula, "free_symbols", None) else None
        parts.append("\\delta^* = " + (f"{shown} = " if shown else "") + to_latex(critical))
    parts.append(to_latex(conditions.delta_set, variable="delta"))
    return "$" + ", \\quad ".join(parts) + "$"
