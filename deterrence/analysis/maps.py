"""Deterrence maps: which regime holds where, over one or two parameters.

The regimes and their classification belong to the model
(:data:`deterrence.models.us_iran.REGIMES`, :meth:`USIranModel.regime`,
:meth:`USIranModel.analyse`); this module only sweeps a model over a grid.
For the US–Iran model: 0 mutual restraint, 1 contained exchange, 2
escalation/war (classified without noise).

The war risk at each point is the probability of war (a round in which either
side escalates) within the model's horizon under its noise: for the contained
tit-for-tat profile in regime 0, for the contained exchange (a limited strike
every round) in regime 1, and 1 in regime 2.

Two paths give the same map (the tests check it on coarse grids):

* ``method="symbolic"``: every one-shot deviation gain (a function of δ and
  the parameters) and the stage conditions come once as formulas (sympy), are
  compiled with ``lambdify``, and are evaluated on the whole grid;
* ``method="solve"``: every point is solved from scratch (all equilibria, the
  one-shot deviation check, the noise chain) through
  :func:`deterrence.analysis.sweep.sweep`, on any ``concurrent.futures`` executor or a
  Dask client.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from deterrence.models.us_iran import REGIMES, contained_exchange  # noqa: F401 - REGIMES re-exported for notebooks


def model_regime(model) -> tuple:
    """``(regime code, profile)`` of a model: the code indexes :data:`REGIMES`; the profile
    is the pair of automata played in that regime (None for war). The model classifies.

    >>> from deterrence.models.us_iran import us_iran_model
    >>> model_regime(us_iran_model())[0], model_regime(us_iran_model(delta="1/2"))[0]
    (0, 1)
    """
    regime = model.regime()
    if regime == 2:
        return 2, None
    if regime == 0:
        return 0, tuple(model.strategies)
    stage = model.stage.with_defaults()
    return 1, (contained_exchange(stage, 0), contained_exchange(stage, 1))


def regime_at(delta, seed=None, **values) -> dict:
    """Regime code and war risk of the US–Iran model at one point, solved from scratch.

    >>> regime_at(0.9), regime_at(0.5)["regime"], regime_at(0.9, W_iran=1)["regime"]
    ({'regime': 0, 'war_risk': 0.0}, 1, 2)

    (No war under mutual restraint: the model's noise misfires only militia strikes, which
    contained tit-for-tat never intends on its path.)
    """
    from deterrence.core.numbers import to_exact
    from deterrence.models.us_iran import us_iran_model
    from deterrence.solvers.repeated.noise_markov import war_risk
    model = us_iran_model(delta=to_exact(delta, "delta"), **values)
    regime, profile = model_regime(model)
    if regime == 2:
        return {"regime": 2, "war_risk": 1.0}
    risk = war_risk(model.stage.with_defaults(), list(profile), noise=model.noise,
                    within=model.within)[0] if model.noise else 0.0
    return {"regime": regime, "war_risk": float(risk)}


@lru_cache(maxsize=16)
def _symbolic_parts(stage, parameter_key, strategies, noise, within):
    """Formulas (every deviation gain, the restraint condition) and the two regime war risks.

    Subgame perfection is tested on the grid by the sign of every one-shot
    deviation gain (a function of δ and the parameters), not by one δ* root:
    which deviation binds can change across the map.
    """
    import sympy
    from deterrence.core.repeated import delta_symbol, escalation_actions
    from deterrence.solvers.repeated.noise_markov import war_risk
    from deterrence.solvers.repeated.one_shot_deviation import deviation_gains
    from deterrence.solvers.normal_form.symbolic_conditions import pure_equilibrium_conditions
    numeric = stage.with_defaults()
    gains = sorted({sympy.cancel(sympy.together(d.gain))
                    for d in deviation_gains(stage, list(strategies), delta=delta_symbol(), noise="none")},
                   key=str)
    esc = escalation_actions(numeric)
    conditions = pure_equilibrium_conditions(stage)
    restraint = sympy.Or(*[c for prof, c in conditions.items()
                           if all(numeric.actions[i].index(a) != esc[i] for i, a in enumerate(prof))])
    exchange = [contained_exchange(numeric, 0), contained_exchange(numeric, 1)]
    risk0 = war_risk(numeric, list(strategies), noise=noise, within=within)[0] if noise else 0.0
    risk1 = war_risk(numeric, exchange, noise=noise, within=within)[0] if noise else 0.0
    return tuple(gains), restraint, float(risk0), float(risk1)


def regime_map(x, y=None, *, method="symbolic", executor=None, max_workers=None, progress=None,
               max_points=None, **values):
    """Regime and war-risk map of the US–Iran model over one or two parameters.

    ``x`` and ``y`` are ``(name, values)`` pairs; names are ``"delta"`` or the
    stage game's parameters. Other ``values`` fix parameters for the whole map.
    Grids over ``max_points`` points (default
    :data:`deterrence.analysis.sweep.MAX_POINTS`) are refused before any work.
    Returns a :class:`deterrence.analysis.sweep.Sweep` with ``values["regime"]`` (codes
    into :data:`REGIMES`) and ``values["war_risk"]``; ``deterrence.plot.sweep_map`` draws it.

    >>> m = regime_map(("delta", [0.5, 0.8, 0.95]), ("W_iran", [1, 50]))
    >>> m.values["regime"].tolist()
    [[2.0, 1.0], [2.0, 0.0], [2.0, 0.0]]
    """
    from deterrence.analysis.sweep import check_grid_size
    axes = check_grid_size(dict([x] + ([y] if y is not None else [])), max_points)
    if "delta" in axes:                  # the one rule for delta, before any work (any method)
        from deterrence.core.repeated import check_delta
        for value in axes["delta"]:
            check_delta(value.item() if hasattr(value, "item") else value)
    if method == "solve":
        from deterrence.analysis.sweep import sweep
        from functools import partial
        func = partial(regime_at, **values) if values else regime_at
        if "delta" not in axes:
            from deterrence.models.us_iran import us_iran_model
            func = partial(regime_at, us_iran_model().delta, **values)
        out = sweep(func, axes, executor=executor, max_workers=max_workers, progress=progress,
                    max_points=max_points)
        return out
    if method != "symbolic":
        from deterrence.errors import GameError
        raise GameError(f"method must be 'symbolic' or 'solve', got {method!r}")
    return _symbolic_map(axes, values)


def _symbolic_map(axes, values):
    import sympy
    from deterrence.core.symbolic import parameter_symbol
    from deterrence.errors import GameError
    from deterrence.models.us_iran import us_iran_model
    from deterrence.analysis.sweep import Sweep
    model = us_iran_model(**values)
    stage = model.stage
    names = list(stage.parameters)
    for name in axes:
        if name != "delta" and name not in names:
            raise GameError(f"unknown map axis {name!r}; use 'delta' or one of {', '.join(names)} "
                            "(for the noise or the proxy parameters use method='solve')")
    # the defaults are part of the key: which deviation binds in delta* may depend on them
    gains, restraint, risk0, risk1 = _symbolic_parts(
        stage, tuple(sorted(stage.parameters.items())), tuple(model.strategies),
        model.noise, model.within)      # the Noise itself (hashable): every field, each player's own noise
    grid_axes = {n: np.asarray(list(v), dtype=float) for n, v in axes.items()}
    grids = np.meshgrid(*grid_axes.values(), indexing="ij")
    env = {n: g for n, g in zip(grid_axes, grids)}
    shape = grids[0].shape
    args, symbols = [], []
    for n in names:
        symbols.append(parameter_symbol(n))
        args.append(env.get(n, np.full(shape, float(stage.parameters[n]))))
    from deterrence.core.repeated import delta_symbol
    delta = env.get("delta", np.full(shape, float(model.delta)))
    gain_f = sympy.lambdify([delta_symbol()] + symbols, list(gains), "numpy")
    spe = np.ones(shape, dtype=bool)
    for g in gain_f(delta, *args):
        spe &= np.broadcast_to(np.asarray(g, dtype=float), shape) <= 1e-12
    restraint_f = np.broadcast_to(np.asarray(sympy.lambdify(symbols, restraint, "numpy")(*args), dtype=bool), shape)
    regime = np.where(~restraint_f, 2, np.where(spe, 0, 1)).astype(float)
    risk = np.where(regime == 2, 1.0, np.where(regime == 0, risk0, risk1))
    for arr in (regime, risk):
        arr.setflags(write=False)
    return Sweep(axes=grid_axes, values={"regime": regime, "war_risk": risk},
                 meta={"deviation_conditions": len(gains), "restraint_condition": str(restraint)})
