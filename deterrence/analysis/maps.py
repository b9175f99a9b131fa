"""Deterrence maps: which regime holds where, over one or two parameters, for any regime model.

The map knows no case. A model says everything through the protocol of
:mod:`deterrence.core.regime_model`: a builder callable makes the model at a
point from keyword values; the model names its regimes (``REGIMES``; a regime
code indexes them), classifies itself (``classify()``: regime code and war
risk) and may give the same classification as formulas
(``symbolic_classifier()``). The default model is the one
:func:`deterrence.models.default_map_model` names, the US–Iran repeated model
(:func:`deterrence.models.us_iran.us_iran_model`: 0 mutual restraint, 1
exchange every round, 2 escalation/war); the stochastic exchange model
(:func:`deterrence.models.us_iran_exchange.exchange_model`) is another.

The probability of war at each point is the model's: for the US–Iran repeated model the
probability of war within its horizon under its noise in the regime's play.

Steps. (1) Check the axes once, before any work, by the toolkit's one check of a
map's axes (:func:`deterrence.core.map_axes.check_map_axes`, which the exchange
model's Markov perfect map uses too): their shape, names and grid size, every
value (δ on a ``delta`` axis by the one rule of
:func:`deterrence.core.repeated.check_delta`), every value within the ranges the
model declares (``PARAMETER_RANGES``), and the model's own names and ranges at
each axis's extremes.
(2) Then one of two paths, which give the same map (the tests check it on
coarse grids):

* ``method="symbolic"`` (the default when the model has a symbolic classifier and
  its noise has no formula in an axis: its probabilities of war are taken once, at the defaults):
  the model derives its classification once as formulas (for the US–Iran model
  every one-shot deviation gain, a function of δ and the parameters, and the
  stage condition of restraint), which are compiled with ``sympy.lambdify`` and
  evaluated on the whole grid;
* ``method="solve"`` (the default otherwise): the model is built and classified
  from scratch at every point, through :func:`deterrence.analysis.sweep.sweep`,
  on any ``concurrent.futures`` executor or a Dask client.

Reference: Meurer et al. (2017), "SymPy: symbolic computing in Python", PeerJ
Computer Science 3:e103 (``lambdify``).

>>> m = regime_map(("delta", [0.5, 0.9]))
>>> [m.meta["regimes"][int(code)] for code in m.values["regime"]]
['exchange every round', 'mutual restraint']
"""
from __future__ import annotations

import numpy as np

from deterrence.core.frozen import RenamedKeys
from deterrence.models import default_map_model

#: the maps' former key names (deprecated, still read) -> the glossary's
_RENAMED = {"war_risk": "war_probability"}


def __getattr__(name):
    # ``REGIMES`` here is the default model's regime names (kept for notebooks that read it here)
    if name == "REGIMES":
        return type(default_map_model()).REGIMES
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def regime_at(delta=None, seed=None, *, model=None, **values) -> dict:
    """The regime and probability of war of a model at one point, solved from scratch.

    ``model`` is the model's builder (default :func:`deterrence.models.default_map_model`);
    ``delta`` (if given) and ``values`` are its keywords. ``seed`` is unused (the models
    are exact); :func:`deterrence.analysis.sweep.sweep` passes one to functions that take it.
    The regime is a :class:`~deterrence.core.regime_model.Regime`: it prints as its name
    and compares as its code (the index into the model's ``REGIMES``, which a map stores).
    The key ``"war_risk"``, the former name of ``"war_probability"``, still reads (deprecated).

    >>> regime_at(0.9)
    {'regime': Regime(0, 'mutual restraint'), 'war_probability': 0.0}
    >>> str(regime_at(0.5)["regime"]), regime_at(0.9, W_iran=1)["regime"] == 2
    ('exchange every round', True)

    (No war under mutual restraint: the model's noise misfires only militia strikes, which
    contained tit-for-tat never intends on its path.)
    """
    if delta is not None:
        values["delta"] = delta
    from deterrence.core.regime_model import Regime
    at = (default_map_model if model is None else model)(**values)
    regime, probability = at.classify()
    return RenamedKeys({"regime": Regime(int(regime), type(at).REGIMES[int(regime)]),
                        "war_probability": float(probability)}, _RENAMED)


def regime_map(x, y=None, *, model=None, method=None, executor=None, max_workers=None, progress=None,
               max_points=None, checkpoint=None, **values):
    """Regime and map of the probability of war of a model over one or two parameters.

    ``x`` and ``y`` are ``(name, values)`` pairs; names are keywords of the
    model's builder (for the default model ``"delta"`` or the stage game's
    parameters). Other ``values`` fix keywords for the whole map. ``model``:
    the builder, a callable taking keyword values and returning a model with
    ``REGIMES`` and ``classify()`` (:class:`deterrence.core.regime_model.RegimeModel`);
    default :func:`deterrence.models.default_map_model`. ``method``:
    ``"symbolic"`` or ``"solve"`` (see the module); by default symbolic when
    the model has ``symbolic_classifier()``. Grids over ``max_points`` points
    (default :data:`deterrence.analysis.sweep.MAX_POINTS`) are refused before
    any work. Returns a :class:`deterrence.analysis.sweep.Sweep` with
    ``values["regime"]`` (codes into ``meta["regimes"]``, the model's
    ``REGIMES``) and ``values["war_probability"]`` (former name ``"war_risk"``, deprecated, still
    read); ``deterrence.plot.sweep_map``
    draws it. ``checkpoint`` (a file path, ``method="solve"``): the points solved are kept
    there as they come (:func:`deterrence.analysis.sweep.sweep`); a map stopped by Ctrl-C
    (returned with ``interrupted=True``) or killed is finished by the same call with the same
    file, in this process or another (the symbolic map is computed at once and keeps none).

    >>> m = regime_map(("delta", [0.5, 0.8, 0.95]), ("W_iran", [1, 50]))
    >>> m.values["regime"].tolist()
    [[2.0, 1.0], [2.0, 0.0], [2.0, 0.0]]
    >>> m.meta["regimes"]
    ('mutual restraint', 'exchange every round', 'escalation/war')
    """
    from deterrence.errors import GameError
    if method not in (None, "symbolic", "solve"):
        raise GameError(f"method must be 'symbolic' or 'solve', got {method!r}")
    build = default_map_model if model is None else model
    from deterrence.core.map_axes import check_map_axes
    axes = check_map_axes(x, y, values, build, max_points)     # the one check of the axes, before any work
    at_values = build(**values)
    regimes = tuple(type(at_values).REGIMES)
    chosen = method
    if method is None:
        method = "symbolic" if hasattr(at_values, "symbolic_classifier") else "solve"
    if method == "symbolic":
        if not hasattr(at_values, "symbolic_classifier"):
            raise GameError(f"method='symbolic': the model {type(at_values).__name__} has no "
                            "symbolic_classifier(); use method='solve'")
        classifier = at_values.symbolic_classifier()
        # the symbolic path takes the probabilities of war once, at the defaults: an axis the noise's
        # formulas use would leave them there (a review: 0.332 in every cell, against 0.642,
        # 0.332, 0.095 solved); by default such a map is solved point by point
        frozen = sorted(set(classifier.meta.get("noise_parameters", ())) & set(axes))
        if not frozen:
            return _symbolic_map(classifier, axes, regimes)
        if chosen == "symbolic":
            raise GameError(f"method='symbolic' takes the probability of war once, at the default values, "
                            f"but the noise has formulas in {', '.join(frozen)}: use method='solve'")
        method = "solve"
    from dataclasses import replace
    from functools import partial
    from deterrence.analysis.sweep import sweep
    fixed = dict(values, model=model) if model is not None else values
    func = partial(regime_at, **fixed) if fixed else regime_at
    if checkpoint is not None:
        _renamed_in_checkpoint(checkpoint)
    out = sweep(func, axes, executor=executor, max_workers=max_workers, progress=progress,
                max_points=max_points, checkpoint=checkpoint)
    return replace(out, values=RenamedKeys(out.values, _RENAMED), meta={**out.meta, "regimes": regimes})


def _renamed_in_checkpoint(path):
    """A checkpoint written before ``war_risk`` was renamed ``war_probability`` (a map stopped
    then and finished now): its values renamed in place, so the points it holds are not solved
    again into a second key (``sweep`` resumes a file's keys as they are)."""
    import json
    import os
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
        values = data["values"]
    except (OSError, ValueError, KeyError, TypeError):
        return                        # no file, or not a checkpoint: sweep says which
    if isinstance(values, dict) and any(old in values for old in _RENAMED):
        data["values"] = {_RENAMED.get(k, k): v for k, v in values.items()}
        tmp = f"{os.fspath(path)}.tmp"
        with open(tmp, "w", encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(tmp, path)


def _symbolic_map(classifier, axes, regimes):
    """The map from a model's symbolic classifier, evaluated on the whole grid at once."""
    from deterrence.analysis.sweep import Sweep
    from deterrence.errors import GameError
    for name in axes:
        if name not in classifier.names:
            raise GameError(f"unknown map axis {name!r}; the symbolic path takes one of "
                            f"{', '.join(classifier.names)} (for other parameters use method='solve')")
    from deterrence.core.numbers import to_exact
    grid_axes = {n: np.asarray([float(to_exact(x.item() if hasattr(x, "item") else x, n)) for x in v],
                               dtype=float) for n, v in axes.items()}
    grids = np.meshgrid(*grid_axes.values(), indexing="ij")
    out = classifier.evaluate(dict(zip(grid_axes, grids)))
    shape = grids[0].shape
    regime, probability = (np.array(np.broadcast_to(out[k], shape), dtype=float)
                           for k in ("regime", "war_probability"))
    for arr in (regime, probability):
        arr.setflags(write=False)
    return Sweep(axes=grid_axes, values=RenamedKeys({"regime": regime, "war_probability": probability}, _RENAMED),
                 meta={**classifier.meta, "regimes": regimes})
