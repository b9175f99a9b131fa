"""What a regime map needs of a model: the protocol, and the carrier of a symbolic classifier.

A regime map (:func:`deterrence.analysis.maps.regime_map`) sweeps a model over
one or two parameters and labels every point with a regime and a probability of war. The
map knows nothing about the case; the model says everything, through this
protocol:

* a **builder**: a callable that takes the values of a point as keywords
  (``delta`` and the model's parameters) and returns the model there, for
  example :func:`deterrence.models.us_iran.us_iran_model` or
  :func:`deterrence.models.us_iran_exchange.exchange_model`;
* the model's ``REGIMES``: the regime names; a regime code indexes them;
* ``model.classify()``: ``(regime code, probability of war)`` at the model's point,
  solved from scratch (the model's own: the probability of war
  within its horizon in the play of the regime);
* optionally ``model.symbolic_classifier()``: a :class:`SymbolicClassifier`,
  the classification as formulas of the parameters, derived once and evaluated
  on a whole grid with ``sympy.lambdify``.
* optionally ``PARAMETER_RANGES`` (a class attribute, like ``REGIMES``):
  ``{name: (low, high)}``, the closed ranges of parameters such as probabilities;
  a map refuses an axis with a value outside before any point
  (:func:`deterrence.core.map_axes.check_map_axes`).

Steps of :meth:`SymbolicClassifier.evaluate`: (1) every variable not on the
grid takes the model's value; (2) each formula is compiled once with
``sympy.lambdify`` (numpy) and evaluated on the grid; (3) the model's
``decide`` turns the evaluated formulas into regime codes and probabilities of war.
Reference: Meurer et al. (2017), "SymPy: symbolic computing in Python",
PeerJ Computer Science 3:e103 (``lambdify``).

>>> import sympy, numpy as np
>>> x = sympy.Symbol("x")
>>> above = SymbolicClassifier(variables=(("x", x, 0.0),), formulas=(("margin", x - 1),),
...                            decide=lambda v, shape: (np.where(v["margin"] > 0, 1.0, 0.0),
...                                                     np.zeros(shape)))
>>> above.evaluate({"x": np.array([0.5, 2.0])})["regime"].tolist()
[0.0, 1.0]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Protocol, runtime_checkable

from deterrence.core.frozen import frozen


@runtime_checkable
class RegimeModel(Protocol):
    """A model a regime map can sweep (built at each point by a builder callable).

    ``symbolic_classifier()`` is optional: without it a map solves point by point.

    >>> class Coin:
    ...     REGIMES = ("heads", "tails")
    ...     def classify(self):
    ...         return 0, 0.0
    >>> isinstance(Coin(), RegimeModel), Coin.REGIMES[Coin().classify()[0]]
    (True, 'heads')
    """

    #: the regime names; a regime code (of :meth:`classify`) indexes them
    REGIMES: tuple

    def classify(self) -> tuple:
        """``(regime code, probability of war)`` at the model's point, solved from scratch."""


#: the lambdified formulas of every :class:`SymbolicClassifier`, by symbols, name and formula
_COMPILED: dict = {}


@dataclass(frozen=True, eq=False)
class SymbolicClassifier:
    """A model's classification as formulas, derived once, and the rule that reads them.

    ``variables``: ``(name, sympy symbol, the model's value)`` triples, every
    name a possible map axis; ``formulas``: ``(name, sympy expression or list of
    expressions)`` pairs in those symbols; ``decide(evaluated, shape)`` takes
    the formulas' values on the grid (a dict of numpy arrays or lists of them,
    by formula name) and returns ``(regime codes, probabilities of war)``, float arrays of
    ``shape``; ``meta``: what the map records about the formulas.

    >>> import sympy, numpy as np
    >>> d = sympy.Symbol("d")
    >>> c = SymbolicClassifier((("d", d, 0.25),), (("gain", 1 - 2 * d),),
    ...                        lambda v, shape: (np.where(v["gain"] <= 0, 0.0, 1.0), np.zeros(shape)))
    >>> c.names, c.evaluate({})["regime"].tolist()
    (('d',), 1.0)
    """

    variables: tuple
    formulas: tuple
    decide: Callable[[dict, tuple], tuple]
    meta: dict = field(default_factory=dict)

    def __post_init__(self):
        # a model hands out the one classifier it derived (cached by its values): its lists of
        # formulas and its meta are read-only, or a caller's change would change every later map
        object.__setattr__(self, "formulas", frozen(tuple(self.formulas)))
        object.__setattr__(self, "meta", frozen(dict(self.meta)))

    @property
    def names(self) -> tuple:
        """The variables' names: the axes a symbolic map may take."""
        return tuple(name for name, _, _ in self.variables)

    @cached_property
    def _compiled(self) -> dict:
        import sympy
        symbols = tuple(symbol for _, symbol, _ in self.variables)
        out = {}
        for name, formula in self.formulas:
            # compiled once per formula and symbols, whatever the values: a model's classifier at new
            # values (the lab's sliders that are not a map's axes) has the same formulas
            key = (symbols, name, tuple(formula) if isinstance(formula, (list, tuple)) else formula)
            try:
                out[name] = _COMPILED[key]
            except KeyError:
                if len(_COMPILED) >= 64:
                    _COMPILED.clear()
                out[name] = _COMPILED[key] = sympy.lambdify(symbols, formula, "numpy")
            except TypeError:        # a formula that does not hash: compiled for this classifier alone
                out[name] = sympy.lambdify(symbols, formula, "numpy")
        return out

    def evaluate(self, grid: dict) -> dict:
        """``{"regime": codes, "war_probability": probabilities}`` on a grid: ``grid`` maps variable
        names to arrays of one shape (``numpy.meshgrid``); the other variables keep their values.
        (``"war_risk"``, the former name of ``"war_probability"``, still reads, deprecated.)

        >>> import sympy, numpy as np
        >>> x, y = sympy.symbols("x y")
        >>> c = SymbolicClassifier((("x", x, 0.0), ("y", y, 1.0)), (("sum", x + y),),
        ...                        lambda v, shape: (np.where(v["sum"] > 1, 1.0, 0.0), np.full(shape, 0.5)))
        >>> c.evaluate({"x": np.array([[0.0, 1.0]])})["regime"].tolist()
        [[0.0, 1.0]]
        """
        import numpy as np
        arrays = [np.asarray(a, dtype=float) for a in grid.values()]
        shape = np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else ()
        args = [np.asarray(grid[name], dtype=float) if name in grid else np.full(shape, float(value))
                for name, _, value in self.variables]
        evaluated: dict[str, Any] = {name: f(*args) for name, f in self._compiled.items()}
        regime, risk = self.decide(evaluated, shape)
        from deterrence.core.frozen import RenamedKeys
        return RenamedKeys({"regime": np.asarray(regime, dtype=float),
                            "war_probability": np.asarray(risk, dtype=float)}, {"war_risk": "war_probability"})


class Regime(int):
    """A regime: its code (it compares, hashes, sorts and converts as the code, so maps,
    sweeps and JSON read a number) that reads as its name (``str``, f-strings, the repr).

    >>> r = Regime(1, "exchange every round")
    >>> r == 1, float(r), str(r), f"{r}", r.name
    (True, 1.0, 'exchange every round', 'exchange every round', 'exchange every round')
    >>> r
    Regime(1, 'exchange every round')
    >>> import json, pickle; json.dumps({"regime": r}), pickle.loads(pickle.dumps(r)).name
    ('{"regime": 1}', 'exchange every round')

    It is a value: its name cannot be reassigned (a map's legend and its cells share it).

    >>> r.name = "other"
    Traceback (most recent call last):
    ...
    AttributeError: Regime is immutable: cannot set 'name'
    """

    def __new__(cls, code, name):
        out = super().__new__(cls, code)
        object.__setattr__(out, "name", str(name))
        return out

    def __setattr__(self, key, value):
        raise AttributeError(f"Regime is immutable: cannot set {key!r}")

    def __delattr__(self, key):
        raise AttributeError(f"Regime is immutable: cannot delete {key!r}")

    def __str__(self) -> str:
        return self.name

    def __format__(self, spec) -> str:
        return format(self.name, spec) if not spec or spec[-1:] == "s" else format(int(self), spec)

    def __repr__(self) -> str:
        return f"Regime({int(self)}, {self.name!r})"

    def __reduce__(self):
        return (Regime, (int(self), self.name))


__all__ = ["Regime", "RegimeModel", "SymbolicClassifier"]
