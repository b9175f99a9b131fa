"""deterrence: the game theory of strategic deterrence, exact and labelled.

>>> import deterrence as dt
>>> pd = dt.load_game("prisoners_dilemma")
>>> len(dt.solve(pd).equilibria)
1

Heavy modules (sympy's solvers, matplotlib, Dask) are imported only when used.
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import (DeterrenceError, ExpressionError, GameError, GameFileError,
                     NotAnEquilibriumError, SolverError, TooLargeError)
from .core.normal_form import NormalFormGame
from .io import load_game
from .solvers import solve
from .solvers.result import Equilibrium, SolveResult
from .solvers.certify import certified_equilibrium, is_equilibrium

__all__ = [
    "NormalFormGame", "load_game", "solve", "Equilibrium", "SolveResult",
    "certified_equilibrium", "is_equilibrium",
    "DeterrenceError", "GameError", "GameFileError", "ExpressionError", "SolverError",
    "TooLargeError", "NotAnEquilibriumError", "__version__",
]
