"""Pure Markov perfect equilibria of a large stochastic game by alternating best responses.

When a game has too many stationary pure profiles to enumerate (the US–Iran
exchange has about 9 * 10^12), :func:`pure_markov_perfect_search` looks for
pure Markov perfect equilibria from several starting profiles instead. It
finds equilibria, each certified exactly, but it cannot promise to find all
of them: results built on it say so (``pure_complete=False``).

References: L. S. Shapley (1953), "Stochastic games", PNAS 39: 1095-1100;
R. A. Howard (1960), *Dynamic Programming and Markov Processes*, MIT Press
(policy iteration: in a finite discounted Markov decision problem, switching
to any profitable one-shot deviation strictly improves the policy, so the
iteration ends at an optimal policy); E. Maskin and J. Tirole (2001), "Markov
perfect equilibrium I", JET 100 (a profile is a Markov perfect equilibrium
exactly when no one-shot deviation gains in any state).

Steps of :func:`pure_markov_perfect_search`:

1. starts: for each action index ``k``, every player plays its ``k``-th action
   (or its last, if it has fewer) in every state; then ``random_starts`` seeded
   random pure profiles;
2. from each start, players take turns: the player to move replaces its
   strategy by a best response to the others' (Howard's policy iteration on
   the exact one-shot gains of
   :func:`~deterrence.solvers.stochastic.markov_perfect.one_shot_gains`,
   under the game's noise);
3. a profile that no player changes is a fixed point: it is certified (no
   profitable one-shot deviation, exactly) and kept; a start that cycles for
   ``max_rounds`` rounds gives nothing.
"""
from __future__ import annotations

from deterrence.errors import GameError


def best_response(game, profile: dict, player: str, *, max_iterations: int = 1000) -> dict:
    """Player ``player``'s best response to the others' pure stationary strategies in
    ``profile`` (``{state: tuple of action labels}``), by policy iteration (exact).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> best_response(g, {"good": ("C", "D"), "poor": ("D", "D")}, "A")
    {'good': ('D', 'D'), 'poor': ('D', 'D')}
    """
    from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
    if player not in game.players:
        raise GameError(f"unknown player {player!r}; players are {', '.join(game.players)}")
    k = game.players.index(player)
    current = {s: tuple(profile[s]) for s in game.states}
    for _ in range(max_iterations):
        gains = one_shot_gains(game, current)
        changed = False
        for s in game.states:
            best = max(((g, a) for (t, p, a), g in gains.items() if t == s and p == player),
                       key=lambda item: item[0])
            if best[0] > 0:      # Howard: switch wherever a one-shot deviation gains
                current[s] = current[s][:k] + (best[1],) + current[s][k + 1:]
                changed = True
        if not changed:
            return current
    raise GameError(f"policy iteration for {player} did not settle in {max_iterations} steps")  # pragma: no cover


def _uniform_starts(game) -> list:
    widest = max(len(a) for s in game.states for a in game.actions_in(s))
    return [{s: tuple(acts[min(k, len(acts) - 1)] for acts in game.actions_in(s)) for s in game.states}
            for k in range(widest)]


def pure_markov_perfect_search(game, *, random_starts: int = 8, seed=0, max_rounds: int = 50) -> list:
    """Pure Markov perfect equilibria found by alternating best responses (see the module's
    steps), each certified exactly under the game's noise; not necessarily all of them.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> [e.action("good", "A") + e.action("poor", "A") for e in pure_markov_perfect_search(g)]
    ['CC', 'DD']

    The complete enumeration (small games only) finds a third, which no start reaches:

    >>> from deterrence.solvers.stochastic.markov_perfect import pure_markov_perfect
    >>> len(pure_markov_perfect(g))
    3
    """
    from deterrence.core.random import rng as make_rng
    from deterrence.solvers.stochastic.markov_perfect import _certified, markov_strategy
    if getattr(game, "is_symbolic", False):
        game = game.with_defaults()
    game.require_exact("Markov perfect equilibria")
    generator = make_rng(seed)
    starts = _uniform_starts(game)
    for _ in range(random_starts):
        starts.append({s: tuple(acts[int(generator.integers(len(acts)))] for acts in game.actions_in(s))
                       for s in game.states})
    found, seen = [], set()
    for profile in starts:
        for _ in range(max_rounds):
            new = profile
            for player in game.players:
                new = best_response(game, new, player)
            if new == profile:
                break
            profile = new
        else:
            continue                      # no fixed point from this start
        key = tuple(sorted(profile.items()))
        if key in seen:
            continue
        seen.add(key)
        eq = _certified(game, markov_strategy(game, profile))
        if eq is not None:
            found.append(eq)
    return found


__all__ = ["best_response", "pure_markov_perfect_search"]
