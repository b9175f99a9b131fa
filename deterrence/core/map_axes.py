"""The one check of a map's axes, before any point is computed.

Every map of the toolkit over one or two parameters (the regime map
:func:`deterrence.analysis.maps.regime_map` of any regime model, the exchange model's
:func:`deterrence.models.us_iran_exchange_map.markov_perfect_map`) checks its axes here,
so that a bad axis gives the same message whichever map is drawn, names the axis, and
costs no point. The map knows no case: the model is reached through its builder (a
callable taking the values of a point as keywords, as in
:mod:`deterrence.core.regime_model`).

Steps of :func:`check_map_axes`. (1) The shape: each axis a pair (parameter name,
values), two different names, neither also a fixed value. (2) The grid's size from the
axes' lengths (:func:`check_grid_size`; a lazy axis is read no further than the limit).
(3) Every value and fixed value: a finite number in the float range (maps compute war
risks and searches in floats) or something the model reads itself (a noise table),
``delta`` by the one rule of :func:`deterrence.core.repeated.check_delta`. (4) The
ranges the model declares (``PARAMETER_RANGES`` of the model built at the fixed values,
``{name: (low, high)}``, closed): every value of an axis in its range, else the axis and
its first value outside are named. (5) The model's own names and ranges: the model
built at the corner of the smallest values and at the corner of the largest (a model's
ranges are intervals, so the values between pass too), and at each value that is not a
number.

>>> class Coin:
...     REGIMES = ("heads", "tails")
...     PARAMETER_RANGES = {"p": (0, 1)}
...     def __init__(self, p=0.5, bias=0):
...         self.p = p
...     def classify(self):
...         return 0, 0.0
>>> check_map_axes(("p", [0.25, 0.75]), ("bias", [0, 1]), {}, Coin)
{'p': [0.25, 0.75], 'bias': [0, 1]}
>>> check_map_axes(("p", [0.5, 2, 3]), None, {}, Coin)
Traceback (most recent call last):
...
deterrence.errors.GameError: regime_map: x (p) = 2 is outside the range of p, [0, 1]; no point was computed
"""
from __future__ import annotations

import itertools
import math

#: the most grid points a sweep or a vectorised map evaluates unless ``max_points`` is given
MAX_POINTS = 1_000_000


def check_grid_size(axes: dict, max_points=None, option="max_points") -> dict:
    """Refuse a grid of more than ``max_points`` points (default :data:`MAX_POINTS`) from the
    lengths of its axes, before any grid is built; returns the axes (sized ones as given).

    >>> check_grid_size({"a": range(10**4), "b": range(10**4)})
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: a grid of 10000 x 10000 = 100,000,000 points, over the limit of
    1,000,000; pass max_points=100000000 to try anyway
    """
    from deterrence.errors import GameError, TooLargeError
    if not isinstance(axes, dict) or not axes:
        raise GameError(f"axes must be a non-empty dict of name -> values, got {type(axes).__name__}")
    limit = MAX_POINTS if max_points is None else max_points
    sized = {}
    for name, values in axes.items():
        if not hasattr(values, "__len__"):
            values = list(itertools.islice(iter(values), limit + 1))
        sized[name] = values
    lengths = [len(v) for v in sized.values()]
    points = math.prod(lengths)
    if points > limit:
        raise TooLargeError(f"a grid of {' x '.join(str(n) for n in lengths)} = {points:,} points, over "
                            f"the limit of {limit:,}; pass {option}={points} to try anyway")
    return sized


def check_map_axes(x, y, values: dict, build, max_points=None, *, caller: str = "regime_map",
                   y_required: bool = False) -> dict:
    """The axes of a map, ``{name: values}``, checked once before any work (the steps of the
    module): ``x`` and ``y`` are ``(parameter name, values)`` pairs (``y`` may be ``None``
    unless ``y_required``), ``values`` the fixed keyword values, ``build`` the model's builder,
    ``max_points`` the grid's limit (default :data:`MAX_POINTS`). Each error is a
    :class:`~deterrence.errors.GameError` (a :class:`~deterrence.errors.TooLargeError` for
    sizes) that names the option (``x``, ``y``) or the parameter; the map's own errors start
    with ``caller``.

    >>> class Line:
    ...     def __init__(self, a=0, b=1):
    ...         pass
    >>> check_map_axes(("a", [1, 2]), None, {}, Line)
    {'a': [1, 2]}
    >>> check_map_axes(("a", [1]), ("a", [2]), {}, Line, caller="markov_perfect_map")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: markov_perfect_map: x and y are both 'a': give two different parameters
    >>> check_map_axes(("b", []), None, {}, Line)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: regime_map: x (b) has no values
    """
    from deterrence.errors import GameError
    named = {}
    for option, axis in (("x", x), ("y", y)):
        if axis is None and option == "y" and not y_required:
            continue
        if not (isinstance(axis, (tuple, list)) and len(axis) == 2 and isinstance(axis[0], str)
                and axis[0].strip()):
            raise GameError(f"{caller}: {option} must be a pair (parameter name, values), got {axis!r:.80}")
        name, points = axis
        if isinstance(points, (str, bytes, dict)) or not hasattr(points, "__iter__"):
            raise GameError(f"{caller}: {option} ({name}): the values must be a list, a range or an array, "
                            f"got {type(points).__name__} {points!r:.40}")
        if name in named.values():
            raise GameError(f"{caller}: x and y are both {name!r}: give two different parameters")
        if name in values:
            raise GameError(f"{caller}: {name} is the {option} axis and a fixed value ({name}={values[name]!r:.40}): "
                            "give it once")
        named[option] = name
    axes = check_grid_size({named[o]: a[1] for o, a in (("x", x), ("y", y)) if o in named}, max_points)
    for option, name in named.items():
        if not len(axes[name]):
            raise GameError(f"{caller}: {option} ({name}) has no values")
        axes[name] = [_checked_number(name, value) for value in axes[name]]   # finite, in float range
    for name, value in values.items():
        _checked_number(name, value)     # refuses a bad fixed value; the caller's dict is left as it is
    if "delta" in axes:                  # the one rule for delta
        from deterrence.core.repeated import check_delta
        for value in axes["delta"]:
            check_delta(value.item() if hasattr(value, "item") else value)
    # the ranges the model declares, value by value: the first value outside is named
    ranges = _declared_ranges(build, values, named, caller)
    for option, name in named.items():
        if name in ranges:
            _check_range(caller, option, name, axes[name], ranges[name])
    ends = {name: _extremes(axes[name], name) for name in named.values()}
    # the model's own names and ranges: built at the corner of the smallest values and the corner of
    # the largest (two builds, whatever the axes), and at each value that is not a number
    points = [{n: low for n, (low, _, _) in ends.items()}, {n: high for n, (_, high, _) in ends.items()}]
    points += [{n: v} for n, (_, _, others) in ends.items() for v in others]
    checked = []
    for point in ({n: v for n, v in p.items() if v is not None} for p in points):
        if not point or point in checked:
            continue
        checked.append(point)
        try:
            build(**values, **point)
        except TypeError as exc:         # a builder without that keyword
            raise _no_such_parameter(exc, caller, named, {**values, **point}) from None
    return axes


def _no_such_parameter(exc, caller, named, keywords):
    """The error for a builder that takes no keyword among ``keywords`` (a ``TypeError`` of the
    call), naming the option (when the keyword is an axis) and the parameter; any other
    ``TypeError`` as it was."""
    from deterrence.errors import GameError
    if "keyword" not in str(exc):
        return exc
    name = next((n for n in keywords if repr(n) in str(exc)), "")
    option = next((f"{o}: " for o, n in named.items() if n == name), "" if name else "x or y: ")
    return GameError(f"{caller}: {option}the model takes no parameter {name!r} ({exc})")


def _declared_ranges(build, values, named, caller) -> dict:
    """``{name: (low, high)}``: the closed ranges the model declares (``PARAMETER_RANGES``, a
    class attribute like ``REGIMES``; none when it declares none), read from the model built at
    the fixed values."""
    try:
        model = build(**values)
    except TypeError as exc:
        raise _no_such_parameter(exc, caller, named, values) from None
    return dict(getattr(type(model), "PARAMETER_RANGES", None) or {})


def _check_range(caller, option, name, points, bounds) -> None:
    """Refuse the first value of an axis outside its declared closed range ``bounds``."""
    from deterrence.core.numbers import format_exact
    from deterrence.errors import GameError
    low, high = bounds
    for value in points:
        exact = _exact_number(value, name)
        if exact is not None and not (low <= exact <= high):
            shown = value.item() if hasattr(value, "item") and getattr(value, "ndim", None) == 0 else value
            raise GameError(f"{caller}: {option} ({name}) = {shown} is outside the range of {name}, "
                            f"[{format_exact(low)}, {format_exact(high)}]; no point was computed")


def _exact_number(value, name):
    """The exact number of an axis value, or ``None`` when it is not a number (a noise table)."""
    from fractions import Fraction

    from deterrence.core.numbers import to_exact
    from deterrence.errors import GameError
    plain = value.item() if hasattr(value, "item") and getattr(value, "ndim", None) == 0 else value
    if isinstance(plain, bool) or not isinstance(plain, (int, float, Fraction, str)):
        return None
    try:
        return to_exact(plain, name)
    except GameError:
        return None


def _extremes(points, name) -> tuple:
    """``(smallest, largest, others)`` of an axis, for checking its range: the values of the
    smallest and the largest number (exactly compared; ``None`` when there is no number) and
    every value that is not a number."""
    numbers, others = [], []
    for value in points:
        exact = _exact_number(value, name)
        if exact is None:
            others.append(value)
        else:
            numbers.append((exact, value))
    if not numbers:
        return None, None, others
    return min(numbers, key=lambda p: p[0])[1], max(numbers, key=lambda p: p[0])[1], others


def _checked_number(name, value):
    """``value`` (a map's axis value or fixed value) when it is fine: NaN, infinities, literals
    over the size limit and numbers beyond the float range (the maps' probabilities of war and the
    symbolic classifier are computed in floats) are refused naming ``name``; what is not a
    number (a noise table, say) is left to the model.

    >>> _checked_number("W_iran", "1/2"), _checked_number("noise", {"execution": "1/50"})
    ('1/2', {'execution': '1/50'})
    >>> _checked_number("W_iran", 10**400)
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: W_iran = 1e+400 is beyond the float range of maps (about 1.8e+308)
    """
    import sys
    from fractions import Fraction

    from deterrence.core.numbers import to_exact
    from deterrence.errors import GameError, TooLargeError
    number = value.item() if hasattr(value, "item") and getattr(value, "ndim", None) == 0 else value
    if isinstance(number, str):
        try:
            number = to_exact(number, name)
        except TooLargeError:
            raise
        except GameError:                    # text that is not a number: the model reads it
            return value
    if isinstance(number, bool) or not isinstance(number, (int, float, Fraction)):
        return value
    number = to_exact(number, name)          # NaN and infinities refused, naming the value
    if abs(number) > sys.float_info.max:
        from deterrence.core.numbers import format_approx
        raise TooLargeError(f"{name} = {format_approx(number)} is beyond the float range of maps (about 1.8e+308)")
    return value


__all__ = ["MAX_POINTS", "check_grid_size", "check_map_axes"]
