"""Solvers: one front door, :func:`solve`, over a registry of methods.

Each method lives in its own module and is imported only when used.

==================  =====================================================
method              what it returns
==================  =====================================================
``"enumerate"``     every Nash equilibrium of a two-player game, exactly:
                    extreme equilibria, cliques and components (default
                    for two players)
``"pure"``          every pure equilibrium, n players (default for n > 2)
``"lemke_howson"``  one equilibrium, exact, lexicographic pivoting
``"zero_sum"``      the value and optimal strategies of a zero-sum game
==================  =====================================================
"""
from __future__ import annotations

import importlib

from deterrence.errors import GameError
from deterrence.solvers.result import Equilibrium, SolveResult

#: method name -> (module, function); the function takes (game, **options).
METHODS = {
    "enumerate": ("deterrence.solvers.normal_form.enumeration", "all_equilibria"),
    "pure": ("deterrence.solvers.normal_form.pure", "pure_equilibria"),
    "lemke_howson": ("deterrence.solvers.normal_form.lemke_howson", "lemke_howson"),
    "zero_sum": ("deterrence.solvers.normal_form.zero_sum", "zero_sum_equilibrium"),
    "subgame_perfect": ("deterrence.solvers.tree.backward_induction", "subgame_perfect"),
    "tree_nash": ("deterrence.solvers.tree.reduced_normal_form", "tree_nash"),
    "sequence_form": ("deterrence.solvers.tree.sequence_enumeration", "sequence_form_equilibria"),
    "sequence_lcp": ("deterrence.solvers.tree.sequence_lcp", "sequence_lcp"),
    "quasi_perfect": ("deterrence.solvers.tree.quasi_perfect", "quasi_perfect"),
    "signalling_pbe": ("deterrence.solvers.tree.signalling", "signalling_pbe"),
}
ALIASES = {"spe": "subgame_perfect", "backward_induction": "subgame_perfect", "all": "enumerate", "vertex": "enumerate", "lh": "lemke_howson", "lp": "zero_sum"}
#: game type name -> method used when none is given (normal-form: see default_method)
TREE_METHODS = {}


def register_method(name: str, module: str, function: str) -> None:
    """Add a solver method to the registry (used by the tree and model modules).

    >>> register_method("pure_again", "deterrence.solvers.normal_form.pure", "pure_equilibria")
    >>> METHODS.pop("pure_again")
    ('deterrence.solvers.normal_form.pure', 'pure_equilibria')
    """
    METHODS[name] = (module, function)


def default_method(game) -> str:
    """``"enumerate"`` for two-player games, ``"pure"`` otherwise; a tree's own default.

    >>> from deterrence import load_game
    >>> default_method(load_game("chicken")), default_method(load_game("entry_deterrence"))
    ('enumerate', 'subgame_perfect')
    """
    if hasattr(game, "n_players") and game.n_players == 2:
        return "enumerate"
    if hasattr(game, "n_players"):
        return "pure"
    return getattr(game, "default_method", "enumerate")


def solve(game, method: str | None = None, **options) -> SolveResult:
    """Solve a game by the named method (default: see :func:`default_method`).

    Symbolic games are solved at their parameters' default values.

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> [e.strategies for e in solve(mp)]
    [((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))]
    """
    method = method or default_method(game)
    method = ALIASES.get(method, method)
    if method not in METHODS:
        raise GameError(f"unknown method {method!r}; choose one of {', '.join(sorted(METHODS))}")
    if not hasattr(game, "players"):
        raise GameError(f"solve needs a game (a NormalFormGame or a GameTree), got {type(game).__name__}")
    if getattr(game, "is_symbolic", False):
        game = game.with_defaults()
    module, function = METHODS[method]
    return getattr(importlib.import_module(module), function)(game, **options)


__all__ = ["solve", "register_method", "METHODS", "Equilibrium", "SolveResult", "default_method"]
