"""A tipping point: a parameter's value at which a conclusion changes.

One carrier for every model that finds them: a stage game's or a tree's tipping points
(:func:`deterrence.analysis.redlines.red_lines`, whose :class:`~deterrence.analysis.redlines.RedLine`
is a :class:`TippingPoint` that also lists the equilibria gained and lost) and the US–Iran case's
(:func:`deterrence.models.us_iran_exchange_report.tipping_points`: the two ends of the window of
each parameter in which the contained exchange holds). Its sentence (:meth:`TippingPoint.describe`),
its HTML and its JSON (:meth:`TippingPoint.to_json`) are written here, and a parameter's window in
words (:func:`window_text`); the case's tipping points were a table of rounded floats by parameter
beside the red lines' list of exact strings (a review).
"""
from __future__ import annotations

from dataclasses import dataclass

from deterrence.core.numbers import format_exact


@dataclass(frozen=True, repr=False)
class TippingPoint:
    """A parameter's value at which a conclusion changes.

    ``direction`` is ``"below"`` or ``"above"``: ``change`` happens when the parameter goes past
    ``threshold`` in that direction from ``current``. ``breaks``: the deviation that pays beyond it
    (``""`` when not named). ``formula``: the threshold in terms of the other parameters (``""``:
    none). ``exact`` is False when the threshold was only bracketed (bisection): ``threshold`` is
    then a rational close to it, shown with "≈" and written in JSON as a decimal string of
    ``digits`` significant digits (default: 20 when ``formula`` gives its exact value, 12 when it
    was only bracketed).

    >>> from fractions import Fraction
    >>> t = TippingPoint("W_iran", 50, Fraction(53, 2), "below", "the contained exchange ends",
    ...                  breaks="Iran would retaliate in state calm/quiet")
    >>> t.describe()[:60]
    'if W_iran falls below 53/2 (now 50): the contained exchange '
    >>> t.describe()[60:]
    'ends (Iran would retaliate in state calm/quiet)'
    >>> repr(t).startswith("<TippingPoint: if W_iran falls below 53/2")
    True
    >>> t.to_json()["threshold"], t.to_json()["current"], t.to_json()["exact"]
    ('53/2', '50', True)
    """

    parameter: str
    current: object
    threshold: object
    direction: str
    change: str = ""
    breaks: str = ""
    formula: str = ""
    exact: bool = True
    digits: int | None = None

    def threshold_text(self, digits: int = 20) -> str:
        """The threshold as text: exact, or a decimal of at most ``digits`` significant digits."""
        if self.exact:
            return format_exact(self.threshold)
        import mpmath
        known = self.digits if self.digits is not None else (20 if self.formula else 12)
        with mpmath.workdps(40):
            return mpmath.nstr(mpmath.mpf(self.threshold.numerator) / self.threshold.denominator,
                               min(digits, known))

    def describe(self) -> str:
        """One sentence, e.g. "if W_iran falls below 2 (= b_iran) (now 5): ..."."""
        verb = "falls below" if self.direction == "below" else "rises above"
        shown = self.threshold_text(10) if self.exact else "≈ " + self.threshold_text(10)
        formula = "" if self.formula in ("", format_exact(self.threshold), shown) else f" (= {self.formula})"
        why = f" ({self.breaks})" if self.breaks else ""
        return f"if {self.parameter} {verb} {shown}{formula} (now {format_exact(self.current)}): {self.change}{why}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.describe()}>"

    def _repr_html_(self) -> str:
        """The sentence for Jupyter, its fractions typeset."""
        from deterrence.core.latex import typeset_text
        return typeset_text(self.describe(), "html")

    def to_json(self) -> dict:
        """``parameter``, ``current`` (exact), ``threshold`` (exact, or a decimal string with ``exact``
        false), ``exact``, ``direction``, ``formula`` and ``breaks`` (``null`` when none), ``change``."""
        return {"parameter": self.parameter, "current": format_exact(self.current),
                "threshold": self.threshold_text(20), "exact": self.exact, "direction": self.direction,
                "formula": self.formula or None, "breaks": self.breaks or None, "change": self.change}


def window_text(points, decimals: int = 3) -> str:
    """A parameter's tipping points (``points``: its :class:`TippingPoint` values, one each side at
    most) as the window in which the conclusion holds, each exact end rounded to ``decimals``, each
    bracketed one to the digits its bracket fixes (:meth:`TippingPoint.threshold_text`: six decimals
    of a bisection's point claimed digits its bracket did not fix, a notebooks review).

    The current value is written as everywhere else in a report (exact, as the calibration and
    :meth:`TippingPoint.describe` write it: ``10/3``, not ``3.333``; four significant digits only when
    its fraction has a denominator above a million, a fitted value's).

    >>> from fractions import Fraction
    >>> window_text([TippingPoint("k_us", Fraction(10, 3), 3, "below", breaks="US would retaliate"),
    ...              TippingPoint("k_us", Fraction(10, 3), Fraction(3764, 1000), "above")])
    'k_us below 3 (US would retaliate) or above 3.764 (now 10/3)'
    >>> window_text([TippingPoint("misfire", Fraction(1, 1600), Fraction(1128273, 10**9), "above",
    ...                           exact=False, digits=3)])
    'misfire above 0.00113 (now 1/1600)'
    """
    points = sorted(points, key=lambda t: t.direction != "below")
    sides = [f"{t.direction} {_end_text(t, decimals)}" + (f" ({t.breaks})" if t.breaks else "") for t in points]
    return f"{points[0].parameter} {' or '.join(sides)} (now {_current_text(points[0].current)})"


def _end_text(t: TippingPoint, decimals: int) -> str:
    """An end of a window: exact ones rounded to ``decimals``, bracketed ones to their known digits."""
    return f"{round(float(t.threshold), decimals):g}" if t.exact else t.threshold_text()


def _current_text(x) -> str:
    """A parameter's current value as the report writes it (exact unless its denominator is huge)."""
    from fractions import Fraction
    try:
        q = Fraction(x) if not isinstance(x, float) else None
    except (TypeError, ValueError):
        q = None
    if q is not None and q.denominator <= 10**6:
        return format_exact(q)
    return f"{float(x):.4g}"


__all__ = ["TippingPoint", "window_text"]
