"""Learning and evolutionary dynamics on normal-form games: replicator dynamics, fictitious
play, best-response dynamics and the Moran process.

References
----------
* P. D. Taylor and L. B. Jonker, "Evolutionary stable strategies and game
  dynamics", Math. Biosci. 40 (1978) 145-156: the replicator equation
  ``x_a' = x_a (u(a, x) - u(x, x))`` of one population; J. Hofbauer and
  K. Sigmund, "Evolutionary Games and Population Dynamics" (CUP 1998), ch. 7
  and 10: the multi-population version for n players,
  ``x_ia' = x_ia (u_i(a, x_-i) - u_i(x))``.
* G. W. Brown, "Iterative solution of games by fictitious play" (1951);
  J. Robinson, "An iterative method of solving a game", Ann. Math. 54 (1951)
  296-301: in zero-sum games the empirical frequencies converge to equilibrium.
* D. Monderer and L. S. Shapley, "Potential games", GEB 14 (1996): best-response
  dynamics (one player at a time switches to a best response) end at a pure
  equilibrium in finite potential games.
* P. A. P. Moran (1958); M. A. Nowak, A. Sasaki, C. Taylor and D. Fudenberg,
  "Emergence of cooperation and evolutionary stability in finite populations",
  Nature 428 (2004) 646-650: the frequency-dependent Moran process with
  fitness ``1 - w + w * payoff`` and the fixation probability
  ``1 / (1 + sum_k prod_{j<=k} g_j / f_j)``; a neutral mutant fixes with
  probability ``1 / N``.
* V. Knight and J. Campbell, "Nashpy: A Python library for the computation of
  Nash equilibria", JOSS 3 (2018): the two-player replicator dynamics used here.

Steps
-----
* Replicator: a symmetric two-player game (``B = A^T``, same actions) with
  ``population="single"`` is one population (nashpy's ``replicator_dynamics``);
  otherwise one population per player: nashpy's ``asymmetric_replicator_dynamics``
  for two players, SciPy's ``solve_ivp`` on the n-player equation otherwise.
* Fictitious play: every round each player plays a best response to the
  empirical frequencies of the others' past play (their product), ties broken
  uniformly at random by the seeded generator (:func:`deterrence.core.random.rng`).
  nashpy's version draws from NumPy's global state, so it is not used.
* Best-response dynamics: from a pure profile, players in turn switch to a best
  response (staying put when the current action is one); stop at a pure
  equilibrium or when a profile repeats (a cycle).
* Moran: a population of ``N`` individuals of two types (a mutant and a resident
  action of a symmetric game, Row's payoffs); each step one individual is chosen
  to reproduce with probability proportional to fitness and replaces one chosen
  uniformly (possibly itself, as in nashpy's process without an interaction graph),
  until one type is fixed.

Every result labels players and actions.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import float_array, to_exact
from deterrence.errors import GameError
from deterrence.core.validate import check_count
from deterrence.solvers.result import TextRepr, profile_text

#: the most rounds of fictitious play (one array row a round)
MAX_ITERATIONS = 10_000_000

__all__ = ["Trajectory", "best_response_dynamics", "fictitious_play", "fixation_probability",
           "moran_process", "replicator_dynamics", "simulate_fixation"]


@dataclass(frozen=True)
class Trajectory(TextRepr):
    """A path of mixed profiles: ``times[k]`` and ``states[k]`` (one tuple of floats per player).

    Its repr is a summary (the dataclass repr printed every point: a review):

    >>> from deterrence import load_game
    >>> fictitious_play(load_game("matching_pennies"), iterations=4, seed=1)   # doctest: +ELLIPSIS
    <Trajectory: fictitious play (empirical frequencies), 4 points, time from 1 to 4; final Row: ...; Column: ...>
    """

    times: tuple
    states: tuple
    players: tuple
    actions: tuple
    kind: str = ""

    def __len__(self):
        return len(self.times)

    @property
    def final(self) -> tuple:
        """The last state of the trajectory."""
        return self.states[-1]

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        if not self.times:
            return f"{self.kind or 'path'}, no points"
        return (f"{self.kind or 'path'}, {len(self.times)} points, time from {format_short(self.times[0])} "
                f"to {format_short(self.times[-1])}; final " + profile_text(self.players, self.actions, self.final))

    def share(self, player, action) -> np.ndarray:
        """One action's share (probability, frequency) along the path."""
        from deterrence.core.validate import action_position, player_position
        i = player_position(self.players, player)
        j = action_position(self.actions[i], self.players[i], action)
        return np.array([s[i][j] for s in self.states])

    def to_json(self) -> dict:
        """The Trajectory as a JSON-ready dict of plain values: ``kind``, ``players``, ``actions``,
        ``times``, ``states``."""
        return {"kind": self.kind, "players": list(self.players), "actions": [list(a) for a in self.actions],
                "times": [float(t) for t in self.times],
                "states": [[list(map(float, s)) for s in st] for st in self.states]}


def _numeric(game, what):
    """The game at its defaults when symbolic, saying so, as every tool does (solve in its notes)."""
    from deterrence.core.validate import at_defaults
    return at_defaults(game, what)


def _start(game, start) -> list:
    if start is None:
        return [np.full(m, 1.0 / m) for m in game.shape]
    if len(start) != game.n_players:
        raise GameError(f"a start needs one strategy per player ({game.n_players}), got {len(start)}")
    out = []
    for i, s in enumerate(start):
        s = np.asarray(s, dtype=float)
        if s.shape != (game.shape[i],) or (s < 0).any() or not np.isclose(s.sum(), 1.0):
            raise GameError(f"start of {game.players[i]} must be {game.shape[i]} probabilities "
                            f"summing to 1, got {list(s)}")
        out.append(s)
    return out


def _is_symmetric(game) -> bool:
    if game.n_players != 2 or game.shape[0] != game.shape[1] or game.actions[0] != game.actions[1]:
        return False
    A, B = game.as_float()
    return bool(np.array_equal(A, B.T))


def replicator_dynamics(game, start=None, t_max: float = 50.0, points: int = 501,
                        population: str = "auto") -> Trajectory:
    """The replicator dynamics from ``start`` (one mixed strategy per player; default uniform).

    ``population``: ``"single"`` (a symmetric two-player game as one population,
    ``start`` then one strategy or the same for both), ``"multi"`` (one per player),
    or ``"auto"`` (single for symmetric games).

    In chicken one population goes to the mixed ESS (9/10 swerve):

    >>> from deterrence import load_game
    >>> t = replicator_dynamics(load_game("chicken").with_defaults(), start=[(0.3, 0.7)] * 2, t_max=200)
    >>> [round(p, 4) for p in t.final[0]]
    [0.9, 0.1]
    """
    game = _numeric(game, "replicator_dynamics")
    single = population == "single" or (population == "auto" and _is_symmetric(game))
    if population not in ("auto", "single", "multi"):
        raise GameError(f"population must be 'auto', 'single' or 'multi', got {population!r}")
    if single and not _is_symmetric(game):
        raise GameError("a single population needs a symmetric two-player game (B = A transposed)")
    if single and start is not None and len(start) == game.shape[0] and np.ndim(start[0]) == 0:
        start = [start, start]
    x0 = _start(game, start)
    if single and any(a != b for a, b in zip(x0[0], x0[1])):
        # one population has one state: the second start was dropped, silently (a new user's review)
        raise GameError("one population (a symmetric game, population='auto' or 'single') starts from one mixed "
                        "strategy, and two different ones were given: pass one, or population='multi' for one "
                        "population per player")
    times = np.linspace(0.0, t_max, points)
    # adding a constant to a player's payoffs leaves the dynamics on the simplex unchanged; with
    # positive payoffs the (invariant) sum of shares is also numerically stable off it
    shifted = [a - a.min() + 1.0 for a in game.as_float()]
    import warnings
    with warnings.catch_warnings(record=True) as caught:      # odeint's warnings: checked below
        warnings.simplefilter("always")
        if single:
            import nashpy
            A = shifted[0]
            xs = nashpy.Game(A, A.T).replicator_dynamics(y0=x0[0], timepoints=times)
            states = tuple((tuple(map(float, x)),) * 2 for x in xs)
            kind = "replicator (one population)"
        elif game.n_players == 2:
            import nashpy
            A, B = shifted
            xs, ys = nashpy.Game(A, B).asymmetric_replicator_dynamics(x0=x0[0], y0=x0[1], timepoints=times)
            states = tuple((tuple(map(float, x)), tuple(map(float, y))) for x, y in zip(xs, ys))
            kind = "replicator (one population per player)"
        else:
            states = _replicator_n(shifted, x0, times)
            kind = "replicator (one population per player)"
    _check_shares(states, shifted, caught)
    return Trajectory(times=tuple(map(float, times)), states=states, players=game.players,
                      actions=game.actions, kind=kind)


def _check_shares(states, arrays, caught):
    """Refuse a path that left the simplex: payoffs of 1e100 made odeint give up ("Excess work
    done", "Illegal input") and the shares came out near 0 for every action, printed as a
    result, with the integrator's raw warning (a fuzzing review)."""
    from deterrence.errors import SolverError
    bad = next((k for k, state in enumerate(states) for x in state
                if not all(np.isfinite(x)) or min(x) < -1e-3 or abs(sum(x) - 1) > 1e-3), None)
    if bad is None:
        return
    spread = max(float(np.ptp(a)) for a in arrays)
    said = "; ".join(sorted({str(w.message).split(".")[0] for w in caught}))[:200]
    raise SolverError(f"the replicator dynamics could not be integrated: the shares left the simplex at "
                      f"step {bad} (the integrator: {said or 'no message'}); the payoffs span {spread:.3g}, "
                      "too wide for the integrator: divide them by a common factor (the paths are the "
                      "same, with time running slower)")


def _replicator_n(arrays, x0, times):
    from scipy.integrate import solve_ivp

    from deterrence.solvers.normal_form.qre import action_values
    shape = arrays[0].shape
    n = len(shape)
    cuts = np.cumsum((0,) + shape)

    def rhs(_t, z):
        xs = [z[cuts[i]:cuts[i + 1]] for i in range(n)]
        u = action_values(arrays, xs)
        # x (u - x.u / sum x): the sum of shares is conserved exactly, not just on the simplex
        return np.concatenate([x * (ui - (x @ ui) / x.sum()) for x, ui in zip(xs, u)])
    sol = solve_ivp(rhs, (times[0], times[-1]), np.concatenate(x0), t_eval=times, rtol=1e-9, atol=1e-12)
    return tuple(tuple(tuple(map(float, sol.y[cuts[i]:cuts[i + 1], k])) for i in range(n))
                 for k in range(len(times)))


def _best_responses(values, tol=1e-12):
    best = values.max()
    return np.flatnonzero(values >= best - tol * max(1.0, abs(best)))


def fictitious_play(game, iterations: int = 1000, seed=None, start_counts=None) -> Trajectory:
    """Fictitious play: the empirical frequencies of each player's actions after each round.

    ``start_counts`` (one list of pseudo-counts per player) are the initial beliefs
    (default: none; the first round is a uniformly random action).

    >>> from deterrence import load_game
    >>> t = fictitious_play(load_game("matching_pennies"), 4000, seed=0)
    >>> [bool(abs(p - 0.5) < 0.05) for p in t.final[0]]
    [True, True]
    """
    iterations = check_count("iterations", iterations, limit=MAX_ITERATIONS, least=0)
    from deterrence.core.random import rng
    from deterrence.solvers.normal_form.qre import action_values
    game = _numeric(game, "fictitious_play")
    gen = rng(seed)
    arrays = game.as_float()
    counts = ([np.zeros(m) for m in game.shape] if start_counts is None
              else [np.asarray(c, dtype=float).copy() for c in start_counts])
    if len(counts) != game.n_players or any(c.shape != (m,) for c, m in zip(counts, game.shape)):
        raise GameError(f"start_counts need one count per action of each player (shape {game.shape})")
    states, times = [], []
    for t in range(1, iterations + 1):
        if all(c.sum() > 0 for c in counts):
            beliefs = [c / c.sum() for c in counts]
            u = action_values(arrays, beliefs)
            moves = [gen.choice(_best_responses(ui)) for ui in u]
        else:
            moves = [gen.integers(m) for m in game.shape]
        for c, a in zip(counts, moves):
            c[a] += 1
        times.append(t)
        states.append(tuple(tuple(map(float, c / c.sum())) for c in counts))
    return Trajectory(times=tuple(times), states=tuple(states), players=game.players,
                      actions=game.actions, kind="fictitious play (empirical frequencies)")


def best_response_dynamics(game, start=None, max_steps: int = 1000, seed=None) -> tuple:
    """Players in turn switch to a best response; returns ``(path, converged)``.

    ``path`` is the list of pure profiles visited (action labels); ``converged`` is
    True when the last is a pure equilibrium, False when a profile repeated (a
    cycle) or ``max_steps`` passed. Ties among best responses are broken by the
    seeded generator; a player whose action is already a best response stays.

    >>> from deterrence import load_game
    >>> best_response_dynamics(load_game("prisoners_dilemma").with_defaults(), start=("C", "C"))
    ([('C', 'C'), ('D', 'C'), ('D', 'D')], True)
    """
    from deterrence.core.random import rng
    game = _numeric(game, "best_response_dynamics")
    gen = rng(seed)
    arrays = game.as_float()
    n = game.n_players
    if start is None:
        profile = [int(gen.integers(m)) for m in game.shape]
    else:
        if isinstance(start, (str, bytes)) or len(start) != n:
            raise GameError(f"start must give one action a player ({n}), got {start!r}")
        profile = [game.action_index(i, a) if isinstance(a, str) else int(a) for i, a in enumerate(start)]
    path = [tuple(profile)]
    seen = {(tuple(profile), 0)}
    still = 0
    for step in range(max_steps):
        i = step % n
        index = tuple(slice(None) if k == i else profile[k] for k in range(n))
        best = _best_responses(arrays[i][index])
        if profile[i] in best:
            still += 1
            if still == n:        # nobody wants to move: a pure equilibrium
                return [tuple(game.actions[k][a] for k, a in enumerate(p)) for p in path], True
            continue
        still = 0
        profile[i] = int(gen.choice(best))
        key = (tuple(profile), (i + 1) % n)
        path.append(tuple(profile))
        if key in seen:
            break
        seen.add(key)
    return [tuple(game.actions[k][a] for k, a in enumerate(p)) for p in path], False


def _moran_payoffs(game, mutant, resident):
    game = game.with_defaults() if game.is_symbolic else game      # the callers said so
    if game.n_players != 2 or game.shape[0] != game.shape[1]:
        raise GameError("the Moran process needs a two-player game with as many actions for each "
                        "(Row's payoffs are the fitness of the types)")
    m = game.action_index(0, mutant)
    r = game.action_index(0, resident)
    if m == r:
        raise GameError("the mutant and the resident must be different actions")
    A = game.payoff_array(0)
    return A[m, m], A[m, r], A[r, m], A[r, r]


def _not_positive(game, mutant, resident, payoffs, j, N, f, w) -> GameError:
    """The error for a fitness at or below 0: whose, with how many mutants, and which intensities
    keep every fitness positive (it said only "lower the intensity": a review, where the
    prisoner's dilemma at the default intensity 1 has a fitness of exactly 0).

    >>> from deterrence import load_game
    >>> fixation_probability(load_game("prisoners_dilemma").with_defaults(), 10)  # doctest: +NORMALIZE_WHITESPACE
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: fitness must be positive: with 1 mutant(s) in 10 the mutant C has fitness 0
    at intensity 1; an intensity below 1 keeps every fitness positive
    """
    from deterrence.core.numbers import format_short
    game = game.with_defaults() if game.is_symbolic else game
    m = game.action_index(0, mutant)
    r = game.action_index(0, resident)
    who = f"mutant {game.actions[0][m]}" if f[0] <= 0 else f"resident {game.actions[0][r]}"
    value = f[0] if f[0] <= 0 else f[1]
    low = min(payoffs)
    bound = ("" if low >= 1 else
             f"; an intensity below {format_short(1 / (1 - low))} keeps every fitness positive")
    return GameError(f"fitness must be positive: with {j} mutant(s) in {N} the {who} has fitness "
                     f"{format_short(value)} at intensity {format_short(w)}{bound}")


def _fitness(a, b, c, d, i, N, w):
    """Fitness of a mutant and a resident with i mutants (no self-interaction)."""
    pm = (a * (i - 1) + b * (N - i)) / (N - 1)
    pr = (c * i + d * (N - i - 1)) / (N - 1)
    return 1 - w + w * pm, 1 - w + w * pr


def fixation_probability(game, population_size: int, mutant=0, resident=1, intensity=1):
    """The exact probability that one mutant takes over a population of residents.

    Nowak et al. (2004): ``1 / (1 + sum_{k=1}^{N-1} prod_{j=1}^k g_j / f_j)`` with
    ``f_j``, ``g_j`` the fitness of mutants and residents when there are ``j``
    mutants. Exact (a Fraction) when the payoffs and ``intensity`` are.

    >>> from deterrence import NormalFormGame
    >>> fixation_probability(NormalFormGame.from_arrays([[1, 1], [1, 1]]), 10)
    Fraction(1, 10)
    """
    game = _numeric(game, "fixation_probability")
    a, b, c, d = (Fraction(v) for v in _moran_payoffs(game, mutant, resident))
    N = int(population_size)
    if N < 2:
        raise GameError(f"population_size must be at least 2, got {population_size}")
    w = Fraction(to_exact(intensity, "intensity"))
    total, prod = Fraction(1), Fraction(1)
    for j in range(1, N):
        f, g = _fitness(a, b, c, d, j, N, w)
        if f <= 0 or g <= 0:
            raise _not_positive(game, mutant, resident, (a, b, c, d), j, N, (f, g), w)
        prod *= g / f
        total += prod
    return 1 / total


def moran_process(game, population_size: int, mutant=0, resident=1, mutants: int = 1,
                  intensity: float = 1.0, seed=None, max_steps: int = 10 ** 7) -> list:
    """One run of the Moran process: the number of mutants after each step, until fixation.
    ``intensity`` is read as :func:`fixation_probability` reads it (``"1/10"`` too).

    >>> from deterrence import NormalFormGame
    >>> run = moran_process(NormalFormGame.from_arrays([[2, 2], [1, 1]]), 5, seed=1)
    >>> run[0], run[-1] in (0, 5)
    (1, True)
    """
    from deterrence.core.random import rng
    game = _numeric(game, "moran_process")
    a, b, c, d = float_array(list(_moran_payoffs(game, mutant, resident))).tolist()   # a named refusal past 1.8e308
    N = int(population_size)
    # the exact function took "1/10"; this one failed on it with an internal TypeError (a review)
    intensity = float(to_exact(intensity, "intensity"))
    if not 0 <= mutants <= N:
        raise GameError(f"mutants must be between 0 and the population size {N}, got {mutants}")
    gen = rng(seed)
    i = mutants
    path = [i]
    for _ in range(max_steps):
        if i in (0, N):
            return path
        f, g = _fitness(a, b, c, d, i, N, intensity)
        if f <= 0 or g <= 0:
            raise _not_positive(game, mutant, resident, (a, b, c, d), i, N, (f, g), intensity)
        born_mutant = gen.random() * (i * f + (N - i) * g) < i * f
        dies_mutant = gen.random() * N < i
        i += int(born_mutant) - int(dies_mutant)
        path.append(i)
    raise GameError(f"no fixation in {max_steps} steps")


def simulate_fixation(game, population_size: int, repetitions: int, mutant=0, resident=1,
                      intensity: float = 1.0, seed=None) -> float:
    """Monte Carlo estimate of :func:`fixation_probability` (share of runs the mutant fixes).

    >>> from deterrence import NormalFormGame
    >>> simulate_fixation(NormalFormGame.from_arrays([[1, 1], [1, 1]]), 4, 400, seed=2) < 0.4
    True
    """
    from deterrence.core.random import rng
    gen = rng(seed)
    N = int(population_size)
    wins = sum(moran_process(game, N, mutant, resident, 1, intensity, seed=gen)[-1] == N
               for _ in range(repetitions))
    return float(wins / repetitions)
