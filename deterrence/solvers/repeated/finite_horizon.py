"""Finitely repeated games: subgame-perfect equilibria by backward induction.

* In the last round any subgame-perfect equilibrium (SPE) plays a Nash
  equilibrium of the stage game, whatever happened before. If the stage game
  has a **unique** Nash equilibrium, backward induction makes every round's
  play that equilibrium: the only SPE repeats it T times (R. Selten's
  chain-store argument, Theory and Decision 9, 1978; Fudenberg and Tirole,
  *Game Theory*, 1991, section 5.1; e.g. mutual defection in the finitely
  repeated prisoner's dilemma).
* With several stage equilibria, a threat to revert to a worse one in later
  rounds ("Nash reversion", J.-P. Benoit and V. Krishna, "Finitely repeated
  games", Econometrica 53, 1985) can sustain other play earlier.
  :func:`finite_horizon_spe` computes **every pure-strategy SPE payoff vector**
  exactly by the recursion (a finite-horizon version of D. Abreu, D. Pearce and
  E. Stacchetti, Econometrica 58, 1990)::

      W_1 = { u(a) : a a pure stage equilibrium }
      W_t = { u(a) + delta w : w in W_{t-1}, and for each player i
              u_i(a) + delta w_i >= max_b u_i(b, a_-i) + delta min_{w' in W_{t-1}} w'_i }

  keeping for each payoff vector one equilibrium path. Payoffs are reported
  normalised, ``sum_t delta**t u_t / sum_t delta**t`` (plain averages when
  ``delta = 1``).
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import format_exact
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.result import TextRepr

MAX_PAYOFF_VECTORS = 200_000
#: the longest finite horizon worked through by default, raised by ``max_horizon``: backward
#: induction and value iteration go round by round, with exact numbers that grow with the rounds
MAX_HORIZON = 200
#: the same for values left as formulas (parameters without values, a symbolic δ): the
#: formulas grow much faster (60 rounds of ``us_iran_stage`` take about 100 s)
MAX_SYMBOLIC_HORIZON = 20


def check_horizon(horizon, max_horizon=None, *, option: str = "max_horizon", symbolic: bool = False,
                  work: str = "backward induction") -> None:
    """Refuse, before any work, a finite ``horizon`` over the limit (``TooLargeError`` naming
    the horizon, the limit and ``option``, which raises it): ``max_horizon`` if given, else
    :data:`MAX_HORIZON` (:data:`MAX_SYMBOLIC_HORIZON` when the values are formulas).

    >>> check_horizon(150)
    >>> check_horizon(10**6)
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: a horizon of 1000000 rounds is over the limit of 200 for backward induction;
    pass max_horizon=1000000 (or larger) to try anyway
    >>> check_horizon(10**60, 10**60)
    """
    if max_horizon is not None and (isinstance(max_horizon, bool) or not hasattr(max_horizon, "__index__")
                                    or max_horizon < 1):
        raise GameError(f"{option} must be a whole number of rounds >= 1, got {max_horizon!r}")
    limit = (MAX_SYMBOLIC_HORIZON if symbolic else MAX_HORIZON) if max_horizon is None else max_horizon
    if horizon is not None and horizon > limit:
        shown = format_exact(horizon)
        if len(shown) > 40:
            shown = f"{shown[:4]}...{shown[-3:]} ({len(shown)} digits)"
        formulas = symbolic and max_horizon is None
        raise TooLargeError(f"a horizon of {shown} rounds is over the limit of {limit} for {work}"
                            f"{' with values left as formulas' if formulas else ''}; "
                            f"{'give the parameters values first, or ' if formulas else ''}"
                            f"pass {option}={horizon if len(str(horizon)) <= 40 else 'N'} "
                            "(or larger) to try anyway")


@dataclass(frozen=True)
class FiniteHorizonResult(TextRepr):
    """Pure-strategy SPE of the T-fold repeated game. Its repr (the dataclass repr printed every
    path as tuples: a review):

    >>> from deterrence import load_game
    >>> finite_horizon_spe(load_game("prisoners_dilemma").with_defaults(), horizon=3)
    <FiniteHorizonResult: 3 rounds, delta 9/10; stage equilibria (D, D), the only one; 1 pure SPE payoff: (1, 1)>
    """

    horizon: int
    delta: object
    stage_equilibria: tuple          # pure stage equilibria (label pairs)
    unique_stage_equilibrium: bool | None   # the stage game has exactly one Nash equilibrium (mixed
    #                                         included); None: not known (the enumeration refused the game)
    spe_payoffs: tuple               # every pure SPE payoff vector (normalised), sorted
    paths: dict                      # payoff vector -> one equilibrium path (tuple of label pairs)
    players: tuple

    def repr_text(self) -> str:
        stage = ", ".join("(" + ", ".join(p) + ")" for p in self.stage_equilibria) or "none pure"
        n = len(self.spe_payoffs)
        pays = "; ".join("(" + ", ".join(format_exact(v) for v in w) + ")" for w in self.spe_payoffs[:6])
        return (f"{self.horizon} rounds, delta {format_exact(self.delta)}; stage equilibria {stage}"
                + {True: ", the only one", False: "",
                   None: ", whether mixed ones exist not known (too large to enumerate)"}[self.unique_stage_equilibrium]
                + f"; {n} pure SPE payoff{'s' if n != 1 else ''}: {pays}" + ("; ..." if n > 6 else ""))

    def to_json(self) -> dict:
        """The FiniteHorizonResult as a JSON-ready dict of plain values: ``horizon``, ``delta``,
        ``stage_equilibria``, ``unique_stage_equilibrium``, ``spe_payoffs``, ``paths``."""
        return {"horizon": self.horizon, "delta": format_exact(self.delta),
                "stage_equilibria": [list(p) for p in self.stage_equilibria],
                "unique_stage_equilibrium": self.unique_stage_equilibrium,
                "spe_payoffs": [[format_exact(v) for v in w] for w in self.spe_payoffs],
                "paths": {", ".join(format_exact(v) for v in w): [list(p) for p in path]
                          for w, path in self.paths.items()}}


def _stage_equilibria(stage):
    from deterrence.solvers.normal_form.pure import best_response_mask
    m1 = best_response_mask(stage, 0)
    m2 = best_response_mask(stage, 1)
    return [tuple(idx) for idx in zip(*np.nonzero(m1 & m2))]


def _count_all_equilibria(stage):
    """How many equilibria (mixed included) the stage game has, or ``None`` when the complete
    enumeration refuses it (too large): then nobody knows, and the result says so. (Counting the
    pure ones instead called a 16x16 game with one pure and a mixed equilibrium "the only one".)"""
    from deterrence.errors import SolverError, TooLargeError
    from deterrence.solvers import solve
    try:
        return len(solve(stage).equilibria)
    except (TooLargeError, SolverError):
        return None


def finite_horizon_spe(game, horizon: int | None = None, delta=None) -> FiniteHorizonResult:
    """Every pure-strategy SPE payoff of the finitely repeated game, with one path each.

    ``game``: a stage game (with ``horizon``) or a RepeatedGame with a horizon.
    ``delta``: given, else the game's (or its file's), else 1 (plain sums).

    >>> from deterrence import load_game
    >>> r = finite_horizon_spe(load_game("prisoners_dilemma").with_defaults(), 3)
    >>> r.spe_payoffs, r.paths[r.spe_payoffs[0]]
    (((1, 1),), (('D', 'D'), ('D', 'D'), ('D', 'D')))
    """
    from deterrence.core.repeated import RepeatedGame
    if horizon is not None and (isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer))
                                or horizon < 1):
        raise GameError(f"horizon must be a whole number of rounds >= 1, got {horizon!r}")
    if getattr(game, "n_players", 2) != 2:
        raise GameError("finite-horizon analysis is for two-player stage games")
    rg = RepeatedGame.from_game(game, delta=delta, horizon=horizon, default_delta=1)
    if rg.horizon is None:
        raise GameError("horizon must be a whole number of rounds >= 1, got None")
    horizon, d = rg.horizon, rg.delta
    stage = at_defaults(rg.stage, "finite_horizon_spe")
    U = [stage.payoff_arrays[0], stage.payoff_arrays[1]]
    m1, m2 = stage.shape
    best1 = [max(U[0][b, a2] for b in range(m1)) for a2 in range(m2)]
    best2 = [max(U[1][a1, b] for b in range(m2)) for a1 in range(m1)]
    ne = _stage_equilibria(stage)
    if not ne:
        raise GameError("the stage game has no pure equilibrium: no pure-strategy SPE exists")
    W = {}
    for a in ne:
        W.setdefault((U[0][a], U[1][a]), (a,))
    for _ in range(horizon - 1):
        low = (min(w[0] for w in W), min(w[1] for w in W))
        new = {}
        for a1 in range(m1):
            for a2 in range(m2):
                u1, u2 = U[0][a1, a2], U[1][a1, a2]
                for w, path in W.items():
                    if u1 + d * w[0] >= best1[a2] + d * low[0] and u2 + d * w[1] >= best2[a1] + d * low[1]:
                        key = (_n(u1 + d * w[0]), _n(u2 + d * w[1]))
                        if key not in new:
                            new[key] = ((a1, a2),) + path
        if len(new) > MAX_PAYOFF_VECTORS:
            raise TooLargeError(f"over {MAX_PAYOFF_VECTORS} SPE payoff vectors: shorten the horizon")
        W = new
    norm = sum(Fraction(d) ** t for t in range(horizon))
    a1l, a2l = stage.actions
    out = {}
    for w, path in W.items():
        key = (_n(Fraction(w[0]) / norm), _n(Fraction(w[1]) / norm))
        out.setdefault(key, tuple((a1l[x], a2l[y]) for x, y in path))
    payoffs = tuple(sorted(out))
    count = _count_all_equilibria(stage)
    unique = (count == 1) if count is not None else (False if len(ne) > 1 else None)
    return FiniteHorizonResult(horizon=int(horizon), delta=d,
                               stage_equilibria=tuple((a1l[x], a2l[y]) for x, y in ne),
                               unique_stage_equilibrium=unique, spe_payoffs=payoffs,
                               paths={w: out[w] for w in payoffs}, players=stage.players)


def _history_layers(chain, T) -> list:
    """``layers[t]``: the product states some history of exactly ``t`` rounds reaches (any
    realised actions, any observation when perception is noisy). With ``k`` rounds left,
    ``T - k`` rounds have been played, so only ``layers[T - k]`` can occur."""
    a1, a2 = chain.automata
    nx1, nx2 = np.asarray(a1.transition_table), np.asarray(a2.transition_table)
    m1, m2 = chain.m
    layers = [{(a1.start_index, a2.start_index)}]
    for _ in range(T - 1):
        nxt = set()
        for s1, s2 in layers[-1]:
            for b1 in range(m1):
                for b2 in range(m2):
                    seen1 = range(m2) if chain.noisy_perception else (b2,)
                    seen2 = range(m1) if chain.noisy_perception else (b1,)
                    nxt |= {(int(nx1[s1, b1, o1]), int(nx2[s2, b2, o2])) for o1 in seen1 for o2 in seen2}
        layers.append(nxt)
    return [sorted(chain.index(*s) for s in layer) for layer in layers]


def _n(x):
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


__all__ = ["finite_horizon_spe", "FiniteHorizonResult", "check_horizon", "MAX_HORIZON"]


@dataclass(frozen=True)
class FiniteCheck:
    """One-shot deviation check of an automaton profile in the T-round game."""

    subgame_perfect: bool
    payoffs: tuple
    deviations: tuple      # (rounds left, (state1, state2), player, action, gain)

    def to_json(self) -> dict:
        """The FiniteCheck as a JSON-ready dict of plain values: ``payoffs``, ``subgame_perfect``,
        ``deviations``."""
        return {"payoffs": [format_exact(v) for v in self.payoffs],
                "subgame_perfect": self.subgame_perfect,
                "deviations": [{"rounds_left": k, "states": list(s), "player": p, "action": a,
                                "gain": format_exact(g)} for k, s, p, a, g in self.deviations]}


def finite_one_shot_deviation(game, profile=None, horizon=None, delta=None, noise=None, *,
                              max_horizon=None) -> FiniteCheck:
    """SPE check of two automata in the finitely repeated game, by backward induction.

    Values to go ``W_k`` (k rounds left) and, at every k, every one-round deviation
    at every product state that a history of exactly ``T - k`` rounds reaches
    (the state pairs that can occur with k rounds left). Gains are in the
    normalised units of :class:`~deterrence.core.repeated.RepeatedGame`.
    A horizon over :data:`MAX_HORIZON` is refused before the work unless ``max_horizon``
    allows it (:func:`check_horizon`).

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma").with_defaults()
    >>> r = finite_one_shot_deviation(pd, "grim_trigger", horizon=3, delta=1)
    >>> r.subgame_perfect, r.deviations[0][:4]
    (False, (1, ('calm', 'calm'), 'Row', 'D'))
    >>> finite_one_shot_deviation(pd, "alld", horizon=3, delta=1).subgame_perfect
    True
    """
    from deterrence.core.repeated import RepeatedGame
    from deterrence.solvers.repeated import _product
    rg = RepeatedGame.from_game(game, delta=delta, horizon=horizon, noise=noise, default_delta=1)
    if rg.horizon is None:
        raise GameError("give a finite horizon")
    check_horizon(rg.horizon, max_horizon)
    automata = rg.profile(profile)
    rg = rg.with_strategies(None)
    if rg.stage.is_symbolic:
        at_defaults(rg.stage, "finite_one_shot_deviation", "checked")
        rg = rg.with_defaults()
    automata = tuple(a.subs(rg.stage.parameters) for a in automata)
    mode = _product.mode_of(rg, automata)
    if mode == "symbolic":
        raise GameError("finite-horizon check needs numbers: give delta and probabilities values")
    chain = _product.Chain(rg, automata, mode)
    P, r = chain.P(), chain.r()
    d = chain.delta
    T = rg.horizon
    norm = sum(Fraction(d) ** t for t in range(T))
    layers = _history_layers(chain, T)
    W = [np.array([0] * chain.N, dtype=object) for _ in range(2)]
    devs = []
    st = rg.stage
    for k in range(1, T + 1):
        newW = [r[i] + d * _product._matvec(P, W[i]) for i in range(2)]
        for x in layers[T - k]:
            for i in range(2):
                for a in range(chain.m[i]):
                    reward, row = chain.deviation(i, x, a)
                    gain = reward + d * _product._dot(row, W[i]) - newW[i][x]
                    if gain > 0:
                        devs.append((k, chain.names(x), st.players[i], st.actions[i][a],
                                     _n(Fraction(gain) / norm)))
        W = newW
    x0 = chain.start()
    return FiniteCheck(subgame_perfect=not devs,
                       payoffs=tuple(_n(Fraction(W[i][x0]) / norm) for i in range(2)),
                       deviations=tuple(devs))


__all__ += ["finite_one_shot_deviation", "FiniteCheck"]
