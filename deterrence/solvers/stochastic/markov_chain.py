"""The state chain of a stationary Markov strategy profile, and what a report needs from it.

Under a stationary profile ``sigma`` (state -> one mixed action per player) a
:class:`~deterrence.core.stochastic.StochasticGame` is a finite Markov chain on
its states. With the players' implementation noise,

    P[s][s'] = sum over intended profiles a of prod_i sigma_i(s)(a_i)
               * sum over realised profiles b of N_s(b | a) * T_s(s' | b),

and the expected per-round payoffs ``r[s]`` are formed the same way
(:meth:`StochasticGame.outcome_table` holds the noise-averaged terms).

Quantities (Kemeny and Snell, *Finite Markov Chains*, 1960, ch. 3-4; Norris,
*Markov Chains*, 1997, sections 1.3-1.4 and 1.7):

1. values: ``V = (I - delta P)^(-1) r`` (Filar and Vrieze 1997, sec. 4.2), an
   exact linear solve;
2. the state after ``T`` rounds: row ``start`` of ``P^T`` (repeated squaring);
3. absorption within ``T`` rounds: the mass of ``P^T`` on the absorbing
   states (they are never left); absorption ever: hitting probabilities, the
   least solution of ``h = P h`` with ``h = 1`` on the targets, solved on the
   states that can reach a target;
4. expected rounds to absorption and expected visits before it: the
   fundamental matrix ``(I - Q)^(-1)`` over the transient states (infinite when
   absorption is not certain);
5. expected rounds in each state over the first ``T`` rounds: row ``start`` of
   ``sum_{t<T} P^t`` (doubling: ``S(2k) = S(k) + P^k S(k)``);
6. long-run frequencies (the Cesaro limit of the state distribution): for each
   closed class its stationary distribution, weighted by the probability of
   reaching that class;
7. realised actions: in state ``s`` player ``i`` is seen doing ``b`` with
   probability ``sum_a sigma_i(s)(a) N_{i,s}(b | a)``; expected counts are these
   weighted by the expected visits (or by the long-run frequencies, per round).

Everything is exact (``int``/``Fraction``, python-flint ``fmpq_mat``) up to
:data:`EXACT_ROUNDS` rounds; longer horizons take a float fast path (numpy,
``float64``; relative error about ``T * 1e-16``), or pass ``exact=True`` to
insist (the numbers grow with ``T``: denominators of ``P^T`` have about ``T``
times the digits of those of ``P``).
"""
from __future__ import annotations

import math
from fractions import Fraction

from deterrence.core.exact import flint as load_flint, from_fmpq, solve as exact_solve, to_fmpq
from deterrence.core.numbers import format_exact, to_exact
from deterrence.errors import GameError

#: Horizons (rounds) up to which chain quantities are computed exactly by default.
EXACT_ROUNDS = 5000


# the time conversion lives with the game's round length (core.stochastic); kept importable here
from deterrence.core.stochastic import DAYS_PER_MONTH, DAYS_PER_YEAR, rounds_in  # noqa: E402,F401


# -- strategies ---------------------------------------------------------------------
def markov_strategy(game, strategy) -> dict:
    """The canonical form of a stationary strategy profile: ``{state: (dist per player)}``.

    Each state's entry is one item per player (a sequence, or a mapping player ->
    item); an item is an action label (pure), ``{label: probability}`` or a list of
    probabilities in the state's action order. States where every player has one
    action may be left out. Probabilities are exact and must sum to 1.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> markov_strategy(g, {"good": ("C", "C"), "poor": {"A": "D", "B": {"C": "1/2", "D": "1/2"}}})["poor"]
    ((0, 1), (Fraction(1, 2), Fraction(1, 2)))
    """
    if not hasattr(strategy, "items"):
        raise GameError(f"a Markov strategy is a mapping state -> actions, got {type(strategy).__name__}")
    for s in strategy:
        if s not in game.states:
            raise GameError(f"strategy names unknown state {s!r}; states are {', '.join(game.states)}")
    out = {}
    for s in game.states:
        acts = game.actions_in(s)
        if s not in strategy:
            if all(len(a) == 1 for a in acts):
                out[s] = tuple((1,) for _ in acts)
                continue
            raise GameError(f"strategy gives no actions for state {s!r}")
        entry = strategy[s]
        if hasattr(entry, "items"):
            for p in entry:
                game.player_index(p)
            missing = [p for p in game.players if p not in entry]
            if missing:
                raise GameError(f"strategy in state {s!r} gives nothing for {', '.join(missing)}")
            entry = [entry[p] for p in game.players]
        entry = list(entry)
        if len(entry) != len(game.players):
            raise GameError(f"strategy in state {s!r} has {len(entry)} entries; the game has "
                            f"{len(game.players)} players")
        out[s] = tuple(_distribution(game, s, p, a, x) for p, a, x in zip(game.players, acts, entry))
    return out


def _distribution(game, state, player, actions, item) -> tuple:
    where = f"strategy of {player} in state {state!r}"
    if isinstance(item, str):
        if item not in actions:
            raise GameError(f"{where}: unknown action {item!r}; actions there are {', '.join(actions)}")
        return tuple(1 if a == item else 0 for a in actions)
    if hasattr(item, "items"):
        for a in item:
            if a not in actions:
                raise GameError(f"{where}: unknown action {a!r}; actions there are {', '.join(actions)}")
        probs = [to_exact(item.get(a, 0), f"{where}: probability of {a}") for a in actions]
    else:
        probs = [to_exact(q, f"{where}: probability") for q in item]
        if len(probs) != len(actions):
            raise GameError(f"{where}: {len(probs)} probabilities for {len(actions)} actions")
    if any(q < 0 for q in probs) or sum(probs) != 1:
        raise GameError(f"{where}: probabilities must be at least 0 and sum to 1, got "
                        + ", ".join(map(format_exact, probs)))
    return tuple(probs)


def _profile_weights(dists):
    """``{intended index profile: probability}`` of independent per-player distributions."""
    out = {(): 1}
    for dist in dists:
        out = {prof + (j,): w * q for prof, w in out.items() for j, q in enumerate(dist) if q}
    return out


# -- the chain ----------------------------------------------------------------------
def transition_matrix(game, strategy) -> tuple:
    """The exact state-transition matrix under a profile (rows and columns in state order).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> transition_matrix(g, {"good": ("C", "C"), "poor": ("D", "D")})
    ((1, 0), (0, 1))
    """
    game.require_exact("the state chain")
    sigma = markov_strategy(game, strategy)
    rows = []
    for s in game.states:
        table, row = game.outcome_table(s), [0] * len(game.states)
        for prof, w in _profile_weights(sigma[s]).items():
            for k, q in enumerate(table[prof][1]):
                row[k] += w * q
        rows.append(tuple(to_exact(v) for v in row))
    return tuple(rows)


def stage_payoffs(game, strategy) -> dict:
    """Expected per-round payoffs in each state under a profile (noise included).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> stage_payoffs(g, {"good": ("C", "D"), "poor": ("D", "D")})["good"]
    (-1, 3)
    """
    game.require_exact("the stage payoffs")
    sigma = markov_strategy(game, strategy)
    out = {}
    for s in game.states:
        table, pay = game.outcome_table(s), [0] * len(game.players)
        for prof, w in _profile_weights(sigma[s]).items():
            for i, v in enumerate(table[prof][0]):
                pay[i] += w * v
        out[s] = tuple(to_exact(v) for v in pay)
    return out


def markov_values(game, strategy) -> dict:
    """Discounted values ``V = (I - delta P)^(-1) r``, per state and player, exact.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> markov_values(g, {"good": ("C", "C"), "poor": ("D", "D")})["good"]   # (3 - 1) / (1 - 9/10)
    (20, 20)
    """
    P, r = transition_matrix(game, strategy), stage_payoffs(game, strategy)
    k, delta = len(game.states), Fraction(game.delta)
    M = [[(1 if a == b else 0) - delta * P[a][b] for b in range(k)] for a in range(k)]
    columns = [exact_solve(M, [r[s][i] for s in game.states]) for i in range(len(game.players))]
    return {s: tuple(col[j] for col in columns) for j, s in enumerate(game.states)}




def _fmpq(v):
    return to_fmpq(Fraction(v))


def _start(game, start):
    return game.states.index(game.start if start is None else _state(game, start))


def _state(game, s):
    if s not in game.states:
        raise GameError(f"unknown state {s!r}; states are {', '.join(game.states)}")
    return s


def _targets(game, states):
    names = game.absorbing if states is None else tuple(_state(game, s) for s in states)
    if not names:
        raise GameError("the game has no absorbing state: name the target states")
    return [game.states.index(s) for s in names]


def _use_exact(rounds, exact):
    if not isinstance(rounds, int) or isinstance(rounds, bool) or rounds < 0:
        raise GameError(f"rounds must be a whole number at least 0, got {rounds!r}")
    return rounds <= EXACT_ROUNDS if exact is None else bool(exact)


def _power_and_sum(P, rounds, exact):
    """``(P^T, sum_{t<T} P^t)`` by repeated squaring (exact: flint; else numpy float)."""
    k = len(P)
    flint = load_flint() if exact else None
    if exact and flint is None:         # within fraction_only(): Fraction matrices
        return _power_and_sum_fractions(P, rounds)
    if exact:
        M = flint.fmpq_mat(k, k, [_fmpq(v) for row in P for v in row])
        one, zero = flint.fmpq_mat(k, k), flint.fmpq_mat(k, k)
        for i in range(k):
            one[i, i] = 1
    else:
        import numpy as np
        M = np.array(P, dtype=float)
        one, zero = np.eye(k), np.zeros((k, k))

    def rec(T):
        if T == 0:
            return one, zero
        if T % 2:
            A, B = rec(T - 1)
            return A * M if exact else A @ M, B + A
        A, B = rec(T // 2)
        return (A * A, B + A * B) if exact else (A @ A, B + A @ B)
    return rec(rounds)


def _power_and_sum_fractions(P, rounds):
    """``(P^T, sum_{t<T} P^t)`` as lists of Fractions (the path without python-flint)."""
    k = len(P)
    M = [[Fraction(v) for v in row] for row in P]

    def mul(A, B):
        return [[sum(A[i][t] * B[t][j] for t in range(k)) for j in range(k)] for i in range(k)]

    def add(A, B):
        return [[A[i][j] + B[i][j] for j in range(k)] for i in range(k)]
    one = [[Fraction(int(i == j)) for j in range(k)] for i in range(k)]
    power, total = one, [[Fraction(0)] * k for _ in range(k)]
    for _ in range(rounds):             # the fallback is for small cross-checks only
        total = add(total, power)
        power = mul(power, M)
    return _FractionMatrix(power), _FractionMatrix(total)


class _FractionMatrix(list):
    """A list-of-rows matrix answering ``m[i, j]`` and ``ncols()`` like ``fmpq_mat``."""

    def __getitem__(self, key):
        if isinstance(key, tuple):
            i, j = key
            return list.__getitem__(self, i)[j]
        return list.__getitem__(self, key)

    def ncols(self):
        return len(list.__getitem__(self, 0))


def _row(matrix, i, exact):
    if exact:
        return [from_fmpq(matrix[i, j]) for j in range(matrix.ncols())]
    return [float(v) for v in matrix[i]]


def state_distribution(game, strategy, rounds: int, *, start=None, exact=None) -> dict:
    """Distribution of the state after ``rounds`` rounds of play (round ``rounds + 1``'s state).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> state_distribution(g, {"good": {"A": "C", "B": [Fraction(1, 2)] * 2}, "poor": ("C", "C")}, 2)
    {'good': Fraction(3, 4), 'poor': Fraction(1, 4)}
    """
    exact = _use_exact(rounds, exact)
    power, _ = _power_and_sum(transition_matrix(game, strategy), rounds, exact)
    return dict(zip(game.states, _row(power, _start(game, start), exact)))


def absorption_probability(game, strategy, rounds: int | None = None, *, states=None, start=None,
                           exact=None):
    """Probability that play reaches the absorbing ``states`` (default: the game's) within
    ``rounds`` rounds, or ever (``rounds=None``).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> half = {"good": {"A": "C", "B": ["1/2", "1/2"]}, "poor": ("D", "D")}
    >>> absorption_probability(g, half, 3, states=["poor"]), absorption_probability(g, half, states=["poor"])
    (Fraction(7, 8), 1)
    """
    targets = _targets(game, states)
    if rounds is not None and states is not None:
        P = transition_matrix(game, strategy)
        for t in targets:
            if P[t][t] != 1:
                raise GameError(f"state {game.states[t]!r} is left again under this profile: "
                                "within-T probabilities need absorbing target states")
    # absorbing targets: reaching them is entering them (the first entry is what is counted)
    return hitting_probability(game, strategy, rounds, states=[game.states[t] for t in targets],
                               start=start, exact=exact)


def hitting_probability(game, strategy, rounds: int | None = None, *, states, start=None, exact=None):
    """Probability that play enters one of ``states`` within ``rounds`` rounds (or ever, with
    ``rounds=None``); unlike :func:`absorption_probability` the targets need not be absorbing
    (they are made absorbing for the count: the first entry is what is counted).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> half = {"good": {"A": "C", "B": ["1/2", "1/2"]}, "poor": ("C", "C")}   # poor is left again
    >>> hitting_probability(g, half, 2, states=["poor"]), hitting_probability(g, half, states=["poor"])
    (Fraction(3, 4), 1)
    """
    P = transition_matrix(game, strategy)
    targets = _targets(game, states)
    i = _start(game, start)
    if rounds is None:
        return _hitting(P, targets)[i]
    exact = _use_exact(rounds, exact)
    stopped = [tuple(int(a == b) for b in range(len(P))) if a in targets else row for a, row in enumerate(P)]
    power, _ = _power_and_sum(stopped, rounds, exact)
    row = _row(power, i, exact)
    return to_exact(sum(row[t] for t in targets)) if exact else sum(row[t] for t in targets)


def _reach(P, targets):
    """States from which some target can be reached (targets included)."""
    k = len(P)
    can = set(targets)
    changed = True
    while changed:
        changed = False
        for a in range(k):
            if a not in can and any(P[a][b] != 0 for b in can):
                can.add(a)
                changed = True
    return can


def _hitting(P, targets) -> list:
    """Exact probabilities of ever hitting ``targets`` from each state."""
    k = len(P)
    can = _reach(P, targets)
    free = [a for a in range(k) if a in can and a not in targets]
    h = [1 if a in targets else 0 for a in range(k)]
    if free:
        M = [[(1 if a == b else 0) - P[a][b] for b in free] for a in free]
        rhs = [sum(P[a][t] for t in targets) for a in free]
        for a, v in zip(free, exact_solve(M, rhs)):
            h[a] = v
    return h


def expected_rounds_to_absorption(game, strategy, *, states=None, start=None):
    """Expected number of rounds played before play enters an absorbing state (``inf``
    when absorption is not certain).

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> expected_rounds_to_absorption(g, {"good": {"A": "C", "B": ["1/2", "1/2"]}, "poor": ("D", "D")},
    ...                               states=["poor"])
    2
    """
    P = transition_matrix(game, strategy)
    targets = _targets(game, states)
    i = _start(game, start)
    if _hitting(P, targets)[i] != 1:
        return math.inf
    visits = _visits_before(P, targets, i)
    return sum(visits.values())


def _visits_before(P, targets, i) -> dict:
    """Expected rounds in each non-target state before the targets (absorption certain)."""
    transient = [a for a in sorted(_reach(P, targets)) if a not in targets]
    if i not in transient:
        return {}
    # row i of (I - Q)^(-1): solve (I - Q)^T x = e_i
    M = [[(1 if a == b else 0) - P[b][a] for b in transient] for a in transient]
    x = exact_solve(M, [1 if a == i else 0 for a in transient])
    return dict(zip(transient, x))


def expected_visits(game, strategy, rounds: int | None = None, *, start=None, exact=None) -> dict:
    """Expected number of rounds spent in each state: over the first ``rounds`` rounds, or
    (``rounds=None``) before absorption, which must then be certain.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> half = {"good": {"A": "C", "B": ["1/2", "1/2"]}, "poor": ("D", "D")}
    >>> expected_visits(g, half, 3)
    {'good': Fraction(7, 4), 'poor': Fraction(5, 4)}
    """
    P = transition_matrix(game, strategy)
    i = _start(game, start)
    if rounds is not None:
        exact = _use_exact(rounds, exact)
        _, total = _power_and_sum(P, rounds, exact)
        return dict(zip(game.states, _row(total, i, exact)))
    targets = _targets(game, None)
    if _hitting(P, targets)[i] != 1:
        raise GameError("absorption is not certain under this profile, so some states are visited "
                        "for ever: give a number of rounds")
    visits = _visits_before(P, targets, i)
    return {s: visits.get(k, 0) for k, s in enumerate(game.states) if k not in targets}


def long_run_frequencies(game, strategy, *, start=None) -> dict:
    """Long-run share of rounds in each state (the Cesaro limit), exact.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> long_run_frequencies(g, {"good": ("D", "D"), "poor": {"A": "C", "B": ["1/2", "1/2"]}})
    {'good': Fraction(1, 3), 'poor': Fraction(2, 3)}
    """
    P = transition_matrix(game, strategy)
    k = len(P)
    i = _start(game, start)
    freq = [0] * k
    for cls in _closed_classes(P):
        reach = _hitting(P, sorted(cls))[i]
        if reach == 0:
            continue
        members = sorted(cls)
        # pi (P_C - I) = 0 with sum pi = 1: replace one equation by the sum
        M = [[P[b][a] - (1 if a == b else 0) for b in members] for a in members]
        M[-1] = [1] * len(members)
        pi = exact_solve(M, [0] * (len(members) - 1) + [1])
        for a, v in zip(members, pi):
            freq[a] += reach * v
    return dict(zip(game.states, (to_exact(v) for v in freq)))


def _closed_classes(P) -> list:
    """The closed communicating classes (recurrent classes) of a finite chain."""
    k = len(P)
    reach = [{a} | {b for b in range(k) if P[a][b] != 0} for a in range(k)]
    changed = True
    while changed:  # transitive closure; k is small
        changed = False
        for a in range(k):
            more = set().union(*(reach[b] for b in reach[a]))
            if not more <= reach[a]:
                reach[a] |= more
                changed = True
    classes = []
    for a in range(k):
        cls = {b for b in reach[a] if a in reach[b]}
        if cls == reach[a] and cls not in classes:  # nothing outside the class is reachable
            classes.append(cls)
    return classes


def realised_action_probabilities(game, strategy) -> dict:
    """``{state: {player: {action: probability}}}`` of the actions actually carried out.

    >>> from deterrence.core.stochastic import StochasticGame
    >>> g = StochasticGame(["A"], ["s"], [["x", "y"]], {"s": {"*": [0]}}, {"s": {"*": {"s": 1}}},
    ...                    delta=0, noise={"A": {"x": {"x": "3/4", "y": "1/4"}}})
    >>> realised_action_probabilities(g, {"s": ["x"]})
    {'s': {'A': {'x': Fraction(3, 4), 'y': Fraction(1, 4)}}}
    """
    game.require_exact("realised actions")
    sigma = markov_strategy(game, strategy)
    out = {}
    for s in game.states:
        out[s] = {}
        for i, p in enumerate(game.players):
            acts = game.actions_in(s)[i]
            noise = game.noise_in(s, p)
            seen = dict.fromkeys(acts, 0)
            for a, q in zip(acts, sigma[s][i]):
                for b, r in noise[a].items():
                    seen[b] += q * r
            out[s][p] = {a: to_exact(v) for a, v in seen.items()}
    return out


def expected_action_counts(game, strategy, rounds: int | None = None, *, start=None, exact=None) -> dict:
    """Expected number of times each player is seen doing each action: over the first
    ``rounds`` rounds, or (``rounds=None``) per round in the long run.

    >>> from deterrence.io import load_game
    >>> g = load_game("stochastic_prisoners_dilemma").with_defaults()
    >>> expected_action_counts(g, {"good": ("D", "D"), "poor": {"A": "C", "B": ["1/2", "1/2"]}})["B"]
    {'C': Fraction(1, 3), 'D': Fraction(2, 3)}
    """
    weights = (long_run_frequencies(game, strategy, start=start) if rounds is None
               else expected_visits(game, strategy, rounds, start=start, exact=exact))
    seen = realised_action_probabilities(game, strategy)
    out = {}
    for p in game.players:
        counts = {}
        for s, w in weights.items():
            for a, q in seen[s][p].items():
                counts[a] = counts.get(a, 0) + w * (q if isinstance(w, (int, Fraction)) else float(q))
        out[p] = {a: (to_exact(v) if isinstance(v, (int, Fraction)) else v) for a, v in counts.items()}
    return out


__all__ = [
    "DAYS_PER_MONTH",
    "DAYS_PER_YEAR",
    "EXACT_ROUNDS",
    "absorption_probability",
    "expected_action_counts",
    "expected_rounds_to_absorption",
    "expected_visits",
    "hitting_probability",
    "long_run_frequencies",
    "markov_strategy",
    "markov_values",
    "realised_action_probabilities",
    "rounds_in",
    "stage_payoffs",
    "state_distribution",
    "transition_matrix",
]
