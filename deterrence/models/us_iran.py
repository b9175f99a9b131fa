"""The built-in US–Iran model: contained tit-for-tat, proxy targets, miscalculation.

It puts together three catalogue pieces, each a game users can open and edit:

* ``us_iran_stage``: one round of hold / retaliate / escalate, with symbolic
  payoffs whose defaults are argued from the case brief;
* its ``[repeated]`` section: the discount factor (9/10), the contained
  tit-for-tat automaton played by both sides (contrite tit-for-tat on limited
  strikes, all-out war once anyone escalates), and the miscalculation noise
  (1 in 50 intended actions comes out one rung higher);
* the proxy target-selection tree (:mod:`deterrence.models.proxy_targets`):
  Israel strikes, Iran answers against Israel or against the exposed US forces.

:func:`deterrence.analysis.explain.explain` reads a :class:`USIranModel` and reports the
equilibria, margins, critical discount factor, war risk and red lines.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from deterrence.core.numbers import to_exact
from deterrence.errors import GameError


@dataclass(frozen=True)
class USIranModel:
    """The pieces of the US–Iran analysis (all immutable values)."""

    stage: object          # symbolic NormalFormGame (defaults = the model's values)
    delta: Fraction
    strategies: tuple      # two automata
    noise: object          # deterrence.core.repeated.Noise or None
    proxy: object          # symbolic GameTree (defaults = the model's values)
    within: int = 100      # horizon for the war probability
    title: str = "Why the US and Iran stay below all-out war"


@lru_cache(maxsize=1)
def _catalogue_stage():
    """The catalogue's stage game, read once (games are immutable; maps build many models)."""
    from deterrence.io import load_game
    return load_game("us_iran_stage")


def us_iran_model(*, delta=None, noise=None, within: int = 100, **values) -> USIranModel:
    """Build the model; keyword values override parameters of the stage game or the proxy tree.

    Names of the proxy tree that clash with the stage game's take the prefix
    ``proxy_`` (for example ``proxy_c_us``).

    >>> m = us_iran_model()
    >>> m.delta, m.stage.players, [a.name for a in m.strategies]
    (Fraction(9, 10), ('US', 'Iran'), ['contained_tit_for_tat', 'contained_tit_for_tat'])
    >>> us_iran_model(W_iran=10).stage.parameters["W_iran"]
    10
    """
    from deterrence.core.repeated import Noise
    from deterrence.core.strategies import profile_from_section
    from deterrence.models.proxy_targets import PARAMETERS as PROXY_PARAMETERS, proxy_targets

    stage = _catalogue_stage()
    stage_values, proxy_values = {}, {}
    for name, value in values.items():
        if name in stage.parameters:
            stage_values[name] = value
        elif name.startswith("proxy_") and name[6:] in PROXY_PARAMETERS:
            proxy_values[name[6:]] = value
        elif name in PROXY_PARAMETERS:
            proxy_values[name] = value
        else:
            raise GameError(f"unknown parameter {name!r}; the stage game has {', '.join(stage.parameters)}; "
                            f"the proxy tree has {', '.join(PROXY_PARAMETERS)}")
    stage = stage.with_parameters(stage_values) if stage_values else stage
    section = stage.extra.get("repeated", {})
    delta = to_exact(section.get("delta") if delta is None else delta, "delta")
    if not 0 < delta < 1:
        raise GameError(f"delta must lie strictly between 0 and 1, got {delta}")
    noise = Noise.from_spec(section.get("noise") if noise is None else noise)
    if noise is not None and noise.is_zero:
        noise = None
    strategies = tuple(profile_from_section(stage.with_defaults()))
    proxy = proxy_targets(symbolic=True, **proxy_values)
    return USIranModel(stage=stage, delta=delta, strategies=strategies, noise=noise,
                       proxy=proxy, within=int(within))
