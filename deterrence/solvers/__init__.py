"""Solvers: one front door, :func:`solve`, over a registry of methods.

Each method lives in its own module and is imported only when used. Every
method returns a :class:`~deterrence.solvers.result.SolveResult` that records
the game, the parameter values it was solved at and the options.

Methods (the game types each accepts; :data:`METHODS` is the full list):

* ``"enumerate"`` (normal form): every Nash equilibrium of a two-player game,
  exactly: extreme equilibria, cliques and components (default for two players);
* ``"pure"`` (normal form): every pure equilibrium, n players;
* ``"nplayer"`` (normal form): every Nash equilibrium of a small n-player game,
  exact or algebraic (default for three or more players);
* ``"nplayer_logit"`` (normal form): one equilibrium of a larger n-player game (small
  supports first, then the logit path; certified exactly);
* ``"lemke_howson"`` (normal form): one equilibrium, exact, lexicographic pivoting;
* ``"zero_sum"`` (normal form): the value and optimal strategies of a zero-sum game;
* ``"subgame_perfect"`` (tree): every subgame-perfect equilibrium (default for trees);
* ``"tree_nash"`` (tree): Nash equilibria of the reduced normal form;
* ``"sequence_form"`` (tree, two players): every extreme Nash equilibrium by the sequence
  form, exact and certified (zero-sum trees: the vertices of the two optimal faces; trees too
  large for its branching search: every maximal Nash subset, one extreme equilibrium each, and
  the others listed when the subsets' faces can be);
  ``"sequence_lcp"``: one, by Lemke's algorithm on the
  sequence-form LCP; ``"quasi_perfect"``: a quasi-perfect equilibrium (sensible off-path play);
* ``"agent_qre"`` (tree): the limit of the agent logit QRE branch as an exact assessment
  (behaviour and beliefs, certified), or the agent QRE at ``lam`` (floating point);
* ``"sequential"`` (tree): a sequential equilibrium with its consistent beliefs (two players:
  the quasi-perfect perturbation; more: the agent QRE limit), checked exactly;
* ``"signalling_pbe"`` (signalling trees): every perfect Bayesian equilibrium with beliefs,
  named pooling / separating / semi-separating, with the intuitive criterion's verdict;
* ``"correlated"`` (normal form): a correlated equilibrium maximising an objective, or
  every vertex, exactly (its own result type, ``CorrelatedResult``);
* ``"coarse_correlated"`` (normal form): the same for coarse correlated equilibria;
* ``"qre"`` (normal form): the limit of the logit QRE branch (certified), or the QRE at
  ``lam`` (floating point);
* ``"markov_perfect"`` (stochastic): Markov perfect equilibria, certified under the
  game's noise (default for stochastic games).

Adding a method is one entry in :data:`METHODS` (or a call to
:func:`register_method`): its name, the module and function (which takes the
game first, then keyword options) and the game types it accepts, by their
keys in :data:`GAME_TYPES` (the example named ``tree.sequence_form.sequence_form``, which builds
the sequence form and solves nothing: a review; this one is checked)::

    "sequence_form": Method("deterrence.solvers.tree.sequence_enumeration", "sequence_form_equilibria",
                            ("tree",)),

>>> METHODS["sequence_form"] == Method("deterrence.solvers.tree.sequence_enumeration",
...                                    "sequence_form_equilibria", ("tree",))
True

The front door then checks the game's type, the options (against the
function's signature, once) and the parameters, and fills in the result's
provenance. A new game type is one entry in :data:`GAME_TYPES` (key ->
dotted class name, plural name for messages); its default method, if any,
one entry in :data:`DEFAULT_METHODS`. A method that wraps a stage method and
takes ``**options`` checks them with :func:`check_options`.
"""
from __future__ import annotations

import dataclasses
import importlib
import inspect
from typing import NamedTuple

from deterrence.errors import GameError
from deterrence.solvers.result import Equilibrium, EquilibriumSequence, SolveResult


class Method(NamedTuple):
    """A registry entry: ``module.function(game, **options)`` solves ``games`` (keys of GAME_TYPES)."""

    module: str
    function: str
    games: tuple = ("normal_form",)


#: game type key -> (dotted class name, what such games are called in messages). Matching is by
#: isinstance over the class's MRO (by name, so that no game module is imported to check).
GAME_TYPES = {
    "normal_form": ("deterrence.core.normal_form.NormalFormGame", "normal-form games"),
    "tree": ("deterrence.core.tree.GameTree", "game trees"),
    "repeated": ("deterrence.core.repeated.RepeatedGame", "repeated games"),
    "stochastic": ("deterrence.core.stochastic.StochasticGame", "stochastic games"),
}

#: method name -> Method(module, function, game types it accepts)
METHODS = {
    "enumerate": Method("deterrence.solvers.normal_form.enumeration", "all_equilibria", ("normal_form",)),
    "pure": Method("deterrence.solvers.normal_form.pure", "pure_equilibria", ("normal_form",)),
    "lemke_howson": Method("deterrence.solvers.normal_form.lemke_howson", "lemke_howson", ("normal_form",)),
    "zero_sum": Method("deterrence.solvers.normal_form.zero_sum", "zero_sum_equilibrium", ("normal_form",)),
    "correlated": Method("deterrence.solvers.normal_form.correlated", "correlated_equilibria", ("normal_form",)),
    "coarse_correlated": Method("deterrence.solvers.normal_form.correlated", "coarse_correlated_equilibria",
                                ("normal_form",)),
    "qre": Method("deterrence.solvers.normal_form.qre", "logit_qre", ("normal_form",)),
    "nplayer": Method("deterrence.solvers.normal_form.nplayer", "nplayer_equilibria", ("normal_form",)),
    "nplayer_logit": Method("deterrence.solvers.normal_form.nplayer_logit", "logit_path_equilibrium",
                            ("normal_form",)),
    "subgame_perfect": Method("deterrence.solvers.tree.backward_induction", "subgame_perfect", ("tree",)),
    "tree_nash": Method("deterrence.solvers.tree.reduced_normal_form", "tree_nash", ("tree",)),
    "sequence_form": Method("deterrence.solvers.tree.sequence_enumeration", "sequence_form_equilibria", ("tree",)),
    "sequence_lcp": Method("deterrence.solvers.tree.sequence_lcp", "sequence_lcp", ("tree",)),
    "quasi_perfect": Method("deterrence.solvers.tree.quasi_perfect", "quasi_perfect", ("tree",)),
    "signalling_pbe": Method("deterrence.solvers.tree.signalling", "signalling_pbe", ("tree",)),
    "agent_qre": Method("deterrence.solvers.tree.agent_qre", "agent_qre", ("tree",)),
    "sequential": Method("deterrence.solvers.tree.sequential", "sequential_equilibrium", ("tree",)),
    "markov_perfect": Method("deterrence.solvers.stochastic.markov_perfect", "markov_perfect", ("stochastic",)),
}
ALIASES = {"spe": "subgame_perfect", "backward_induction": "subgame_perfect", "all": "enumerate",
           "vertex": "enumerate", "lh": "lemke_howson", "lp": "zero_sum"}


def _normal_form_default(game) -> str:
    return "enumerate" if game.n_players == 2 else "nplayer"


#: game type key -> where to turn for a game type that solve has no method for
ANALYSES = {
    "repeated": "analyse it with analyse_repeated(game) (the check as intended, the critical "
                "delta, the check and the probability of war under noise), or one_shot_deviation(game), "
                "critical_delta(game), finite_horizon_spe(game)",
}

#: game type key -> the default method's name, or a function of the game giving it
DEFAULT_METHODS = {
    "normal_form": _normal_form_default,
    "tree": "subgame_perfect",
    "stochastic": "markov_perfect",
}


def register_method(name: str, module: str, function: str, games=("normal_form",)) -> None:
    """Add a solver method to the registry, for the game types ``games`` (keys of GAME_TYPES).

    >>> register_method("pure_again", "deterrence.solvers.normal_form.pure", "pure_equilibria")
    >>> METHODS.pop("pure_again")
    Method(module='deterrence.solvers.normal_form.pure', function='pure_equilibria', games=('normal_form',))
    """
    games = (games,) if isinstance(games, str) else tuple(games)
    unknown = [g for g in games if g not in GAME_TYPES]
    if unknown:
        raise GameError(f"unknown game type(s) {', '.join(unknown)}; known: {', '.join(GAME_TYPES)}")
    METHODS[name] = Method(module, function, games)


def game_type(game) -> str | None:
    """The key in :data:`GAME_TYPES` of a game's type (by isinstance), or None.

    >>> from deterrence import load_game
    >>> game_type(load_game("chicken")), game_type(load_game("entry_deterrence")), game_type(3)
    ('normal_form', 'tree', None)
    """
    names = {f"{c.__module__}.{c.__qualname__}" for c in type(game).__mro__}
    for key, (cls, _) in GAME_TYPES.items():
        if cls in names:
            return key
    return None


def _entry(name) -> Method:
    entry = METHODS[name]
    # an entry added as a bare (module, function) pair solves normal-form games
    return entry if isinstance(entry, Method) else Method(*entry)


def methods_for(game) -> list:
    """The names of the methods that accept a game's type.

    >>> from deterrence import load_game
    >>> methods_for(load_game("entry_deterrence"))
    ['agent_qre', 'quasi_perfect', 'sequence_form', 'sequence_lcp', 'sequential', 'signalling_pbe', 'subgame_perfect',
     'tree_nash']
    """
    kind = game_type(game)
    return sorted(m for m in METHODS if kind in _entry(m).games)


def default_method(game) -> str:
    """The method used when none is given, chosen by the game's type.

    ``"enumerate"`` for two-player normal-form games, ``"nplayer"`` for more
    players, ``"subgame_perfect"`` for trees, ``"markov_perfect"`` for stochastic games.

    >>> from deterrence import load_game
    >>> default_method(load_game("chicken")), default_method(load_game("entry_deterrence"))
    ('enumerate', 'subgame_perfect')
    """
    kind = game_type(game)
    if kind is None:
        raise GameError(f"solve needs a game ({_known_types()}), got {type(game).__name__}")
    choice = DEFAULT_METHODS.get(kind)
    if choice is None:
        methods = methods_for(game)
        if not methods:
            raise GameError(f"solve has no method for {GAME_TYPES[kind][1]}"
                            + (f"; {ANALYSES[kind]}" if kind in ANALYSES else ""))
        raise GameError(f"{GAME_TYPES[kind][1]} have no default method: choose one of {', '.join(methods)}")
    return str(choice(game) if callable(choice) else choice)


def _known_types() -> str:
    return ", ".join(cls.rsplit(".", 1)[1] for cls, _ in GAME_TYPES.values())


_OPTIONS: dict = {}


def method_options(name: str):
    """The options a method takes (from its function's signature), or None if it passes any on.

    >>> method_options("lemke_howson")
    ('initial_label', 'exact', 'pivoting', 'max_pivots')
    """
    name = ALIASES.get(name, name)
    if name not in _OPTIONS:
        entry = _entry(name)
        fn = getattr(importlib.import_module(entry.module), entry.function)
        params = list(inspect.signature(fn).parameters.values())[1:]   # the first is the game
        if any(p.kind is p.VAR_KEYWORD for p in params):
            _OPTIONS[name] = None    # a wrapper: it passes options on to a stage method (checked there)
        else:
            _OPTIONS[name] = tuple(p.name for p in params
                                   if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY))
    return _OPTIONS[name]


def option_default(name: str, option: str):
    """The default value of one option of a method (from its function's signature; None when
    it has none), so that a command line can read ``objective=1`` as text where the default is
    text and as a number where it is a number.

    >>> option_default("correlated", "objective"), option_default("correlated", "vertices")
    ('welfare', False)
    """
    entry = _entry(ALIASES.get(name, name))
    fn = getattr(importlib.import_module(entry.module), entry.function)
    param = inspect.signature(fn).parameters.get(option)
    return None if param is None or param.default is param.empty else param.default


def check_options(name: str, options, passed_by: str = "") -> None:
    """Refuse options that method ``name`` does not take, naming the ones it does.

    ``passed_by`` names a wrapper method that hands the options on.

    >>> check_options("enumerate", {"limit": 10})
    >>> check_options("pure", {"limit": 10}, passed_by="subgame_perfect")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: method 'pure' (the stage method of 'subgame_perfect') has no option 'limit'; it takes
    no options
    """
    name = ALIASES.get(name, name)
    if name not in METHODS:
        raise GameError(f"unknown method {name!r}; choose one of {', '.join(sorted(METHODS))}")
    accepted = method_options(name)
    if accepted is None:
        return
    unknown = [k for k in options if k not in accepted]
    if unknown:
        what = f"its options are {', '.join(accepted)}" if accepted else "it takes no options"
        via = f" (the stage method of {passed_by!r})" if passed_by else ""
        raise GameError(f"method {name!r}{via} has no option{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(map(repr, unknown))}; {what}")
    from deterrence.core.validate import is_switch_value
    for key, value in options.items():
        # a switch takes True or False: exact="no" was true, and solved exactly (an error review)
        if isinstance(option_default(name, key), bool) and not is_switch_value(value):
            raise GameError(f"method {name!r}: option {key} is a switch, True or False; got {value!r}")


def solve(game, /, *method, **options) -> SolveResult:
    """Solve a game by the named method (default: chosen by the game's type, see :func:`default_method`).

    ``solve(game, method=None, **options)``. Symbolic games are solved at
    their parameters' default values; the result records the game, those
    values, the method and the options. An unknown method or option, or a
    method that does not solve games of this type, is a :class:`GameError`
    that names what does fit. A wrapper method's own ``method`` option may
    follow a positional method: ``solve(tree, "tree_nash", method="pure")``.

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> [e.strategies for e in solve(mp)]
    [((Fraction(1, 2), Fraction(1, 2)), (Fraction(1, 2), Fraction(1, 2)))]
    >>> solve(mp, "lemke_howson", start=1)
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: method 'lemke_howson' has no option 'start'; its options are initial_label, exact,
    pivoting, max_pivots
    """
    if len(method) > 1:
        raise GameError(f"solve takes the game and at most one method name, got {len(method) + 1} positional "
                        "arguments (give options by name: solve(game, 'enumerate', limit=10))")
    name = method[0] if method else options.pop("method", None)
    if name is not None and not isinstance(name, str):
        raise GameError(f"method must be a name such as 'enumerate', got {type(name).__name__}")
    kind = game_type(game)
    if kind is None:
        raise GameError(f"solve needs a game ({_known_types()}), got {type(game).__name__}")
    name = ALIASES.get(name, name) if name is not None else default_method(game)
    if name not in METHODS:
        raise GameError(f"unknown method {name!r}; choose one of {', '.join(sorted(METHODS))} "
                        f"(for {GAME_TYPES[kind][1]}: {', '.join(methods_for(game)) or 'none'})")
    entry = _entry(name)
    if kind not in entry.games:
        solves = " or ".join(GAME_TYPES[g][1] for g in entry.games if g in GAME_TYPES) or "other games"
        raise GameError(f"method {name!r} solves {solves}, not {GAME_TYPES[kind][1]} "
                        f"({type(game).__name__}); methods for {GAME_TYPES[kind][1]}: "
                        f"{', '.join(methods_for(game)) or 'none'}"
                        + (f"; {ANALYSES[kind]}" if kind in ANALYSES and not methods_for(game) else ""))
    try:
        check_options(name, options)
    except GameError as exc:
        # solve(chicken, crash=3): a parameter given as an option (a notebook review); say how
        given = [k for k in options if k in (getattr(game, "parameters", None) or {})]
        if not given and isinstance(options.get("parameters"), dict) and getattr(game, "parameters", None):
            # solve(game, parameters={...}), as a game's constructor takes them (a newcomer's review)
            raise GameError(f"{exc}. Parameter values go to the game: "
                            f"solve(game.subs({dict(options['parameters'])!r}))") from None
        if not given:
            raise
        values = ", ".join(f"{k}={options[k]!r}" for k in given)
        raise GameError(f"{exc}. {', '.join(given)} {'is a parameter' if len(given) == 1 else 'are parameters'} "
                        f"of the game: solve(game.subs({values}){', ' + repr(name) if method else ''})") from None
    notes: tuple = ()
    solved = game
    if getattr(game, "is_symbolic", False):
        from deterrence.core.validate import defaults_note
        solved = game.with_defaults()
        notes = (defaults_note(solved),)
    result = getattr(importlib.import_module(entry.module), entry.function)(solved, **options)
    if not (isinstance(result, EquilibriumSequence) and dataclasses.is_dataclass(result)):
        return result     # a method with its own result type (registered by another layer)
    return dataclasses.replace(     # (the result freezes its record of what was solved)
        result, game=game, parameters=dict(getattr(solved, "parameters", {}) or {}),
        options={**options, **(result.options or {})},
        notes=notes + tuple(n for n in result.notes if n not in notes))



# what help() and editors show: the call as documented (the method may come by name or position)
solve.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # functions take __signature__
    [inspect.Parameter("game", inspect.Parameter.POSITIONAL_ONLY),
     inspect.Parameter("method", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
     inspect.Parameter("options", inspect.Parameter.VAR_KEYWORD)],
    return_annotation="SolveResult")

__all__ = [
    "ANALYSES",
    "DEFAULT_METHODS",
    "GAME_TYPES",
    "METHODS",
    "Equilibrium",
    "Method",
    "SolveResult",
    "check_options",
    "default_method",
    "game_type",
    "method_options",
    "methods_for",
    "option_default",
    "register_method",
    "solve",
]
