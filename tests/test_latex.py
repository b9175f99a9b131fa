"""Typeset display (deterrence.core.latex): results, conditions and thresholds read as a person writes them."""
import re
from fractions import Fraction

import sympy

import deterrence as dt
from deterrence.core.latex import conditions_latex, result_latex, to_latex, typeset_text

PYTHON_SPELLINGS = re.compile(r"Interval|Ropen|Lopen|Fraction\(|Max\(|Min\(|EmptySet|Rational\(")


def test_the_critical_delta_of_contained_tit_for_tat_is_an_interval_in_reading_form():
    stage = dt.load_game("us_iran_stage")
    contained = list(dt.read_profile(stage.with_defaults()))
    found = dt.critical_delta(stage, contained, noise="none")     # the threshold as intended
    assert found.critical == Fraction(3, 4)
    shown = to_latex(found.delta_set, variable="delta")
    assert shown == r"\delta \in \left[\frac{3}{4}, 1\right)"
    block = conditions_latex(found)
    assert block.startswith("$\\delta^* = ") and block.endswith("$") and r"\frac{3}{4}" in block
    assert not PYTHON_SPELLINGS.search(block)
    # the empty set of plain tit-for-tat
    assert to_latex(dt.critical_delta(stage, "tit_for_tat", noise="none").delta_set) == r"\emptyset"


def test_numbers_formulas_and_conditions():
    assert to_latex(Fraction(-3, 8)) == r"-\frac{3}{8}"
    assert to_latex(sympy.Rational(7, 2)) == r"\frac{7}{2}"
    W, b = sympy.symbols("W_iran b_iran", real=True)
    assert to_latex(sympy.Max(W, b)).startswith(r"\max")
    # a condition is simplified before display: the redundant bound goes
    shown = to_latex(sympy.And(W > 2, W > 1, b < W))
    assert "1" not in shown and "2" in shown            # W > 1 is implied by W > 2
    assert shown == to_latex(sympy.And(W > 2, b < W))


def test_solve_results_typeset_with_fractions():
    result = dt.solve(dt.load_game("chicken"))
    block = result_latex(result)
    assert r"\frac{9}{10}" in block and r"\frac{1}{10}" in block
    assert block.count(r"\\") - 1 == len(result.equilibria)          # one row per equilibrium, plus the header
    assert not PYTHON_SPELLINGS.search(block)


def test_report_in_jupyter_shows_no_python_spellings():
    report = dt.explain(dt.load_game("prisoners_dilemma"))
    for shown in (report._repr_html_(), report._repr_markdown_()):
        assert not PYTHON_SPELLINGS.search(shown)
    assert typeset_text("delta in Interval.Ropen(3/4, 1)") == r"δ in [$\frac{3}{4}$, 1)"
    assert typeset_text("x < 1 & Fraction(2, 3)", "html") == r"x &lt; 1 &amp; \(\frac{2}{3}\)"


def test_results_and_thresholds_typeset_themselves_in_jupyter():
    chicken = dt.load_game("chicken")
    shown = dt.solve(chicken)._repr_latex_()
    assert shown.startswith("$\\begin{array}") and not PYTHON_SPELLINGS.search(shown)
    assert dt.solve(dt.load_game("entry_deterrence"))._repr_latex_() is None      # trees: HTML
    stage = dt.load_game("us_iran_stage")
    found = dt.critical_delta(stage, list(dt.read_profile(stage.with_defaults())), noise="none")
    assert found._repr_latex_() == conditions_latex(found)


def test_irrational_equilibria_typeset_as_their_certified_digits():
    """Every equilibrium of the catalogue's irrational three-player game (algebraic numbers) and
    the logit limit of a 3x3x3 game (a certified enclosure) typeset in Jupyter: the digits
    their text shows, no Python spelling."""
    import numpy as np
    rng = np.random.default_rng(94)
    boxed = dt.NormalFormGame.from_payoff_arrays([rng.integers(0, 10, size=(3, 3, 3)) for _ in range(3)])
    for result in (dt.solve(dt.load_game("irrational_three_player"), "nplayer"), dt.solve(boxed, "qre")):
        latex = result._repr_latex_()
        first = next(p for s in result[0].strategies for p in s if p != 0 and p != 1)
        assert str(first) in latex and "text{0." not in latex
        assert "Algebraic" not in latex and "Enclosed" not in latex


def test_simplification_falls_back_only_on_what_counting_can_raise(monkeypatch):
    """``_simplified`` caught every exception of ``sympy.count_ops``, which would hide a real
    error; only a condition nested past the recursion limit is let through (shown simplified)."""
    import pytest
    import sympy

    from deterrence.core import latex

    x = sympy.Symbol("x", real=True)
    condition = sympy.And(x > 1, x > 2)

    def too_deep(expr, *args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(sympy, "count_ops", too_deep)
    assert latex._simplified(condition) == (x > 2)

    def broken(expr, *args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr(sympy, "count_ops", broken)
    with pytest.raises(ValueError, match="a bug"):
        latex._simplified(condition)
