"""Subgame perfection and Nash equilibrium of automaton profiles, checked exactly.

**One-shot deviation principle** (D. Blackwell, "Discounted dynamic
programming", Ann. Math. Stat. 36, 1965; for repeated games, Fudenberg and
Tirole, *Game Theory*, 1991, Theorem 4.2; Mailath and Samuelson, *Repeated
Games and Reputations*, 2006, Proposition 2.2.1 and section 2.4.2 for
automata): a profile of automata is a subgame-perfect equilibrium of the
discounted repeated game iff at every product state ``(s1, s2)`` that some
history leads to, no player gains by changing its action for one round and
then following its automaton again. The check here runs over **every** such
state, on and off the path of play (``states="histories"``, the default), or
over every pair of states (``states="all"``, stricter: pairs that no history
reaches are not subgames). The gain of a deviation, in average discounted
units, is ``(1-delta) u_i(dev) + delta E[V_i(next)] - V_i(s)``.

Nash equilibrium only asks for optimality from the start state. It is checked
by exact policy iteration (R. Howard, *Dynamic Programming and Markov
Processes*, 1960) on the Markov decision problem each player faces against the
other's automaton: the profile is Nash iff neither player's best value from the
start exceeds its value in the profile.

With noise the same checks run on the noisy chain (a deviation is an intended
action, itself subject to implementation errors). With perception errors the
product state is no longer common knowledge; the check is then the one-shot
condition in the product-state decision problem, as in the literature on
"belief-free" analysis of automata.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deterrence.core.numbers import format_exact
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError
from deterrence.solvers.repeated import _product
from deterrence.solvers.repeated.repeated_values import repeated_game_and_profile
from deterrence.solvers.result import TextRepr


@dataclass(frozen=True)
class Deviation:
    """A one-round deviation: at product ``states``, ``player`` intends ``action``; its ``gain``."""

    states: tuple
    player: str
    action: str
    gain: object

    def to_json(self) -> dict:
        """The Deviation as a JSON-ready dict of plain values: ``states``, ``player``, ``action``,
        ``gain``."""
        return {"states": list(self.states), "player": self.player, "action": self.action,
                "gain": format_exact(self.gain)}


@dataclass(frozen=True)
class DeviationCheck(TextRepr):
    """Result of :func:`one_shot_deviation`. Its repr is the verdict in one line (the dataclass
    repr listed every checked state: a review):

    >>> from deterrence import load_game
    >>> one_shot_deviation(load_game("prisoners_dilemma").with_defaults(), "tft, tft", delta="1/4")
    ... # doctest: +NORMALIZE_WHITESPACE
    <DeviationCheck: Row tit_for_tat, Column tit_for_tat at delta 1/4: not subgame perfect, not Nash;
     payoffs 3, 3; 2 profitable deviations, e.g. Row plays D at states (calm, calm): gain 1>
    """

    subgame_perfect: bool
    nash: bool
    deviations: tuple          # the profitable one-shot deviations
    payoffs: tuple             # values of the profile from the start
    nash_gains: tuple          # per player: best value from the start minus profile value
    checked_states: tuple      # product states checked (pairs of state names)
    players: tuple
    strategies: tuple
    delta: object
    exact: bool

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        who = ", ".join(f"{p} {s}" for p, s in zip(self.players, self.strategies))
        verdict = (f"{'' if self.subgame_perfect else 'not '}subgame perfect, {'' if self.nash else 'not '}Nash")
        text = (f"{who} at delta {format_short(self.delta)}: {verdict}; payoffs "
                + ", ".join(format_short(v) for v in self.payoffs))
        if self.deviations:
            d = self.deviations[0]
            text += (f"; {len(self.deviations)} profitable deviation{'s' if len(self.deviations) > 1 else ''}, "
                     f"e.g. {d.player} plays {d.action} at states ({', '.join(d.states)}): gain {format_short(d.gain)}")
        return text

    def to_json(self) -> dict:
        """The DeviationCheck as a JSON-ready dict of plain values: ``payoffs``, ``subgame_perfect``,
        ``nash``, ``deviations``, ``nash_gains``, ``delta``."""
        return {"payoffs": [format_exact(v) for v in self.payoffs],
                "subgame_perfect": self.subgame_perfect, "nash": self.nash,
                "deviations": [d.to_json() for d in self.deviations],
                "nash_gains": [format_exact(v) for v in self.nash_gains],
                "delta": format_exact(self.delta)}


def _setup(game, profile, delta, noise, float_):
    rg, automata = repeated_game_and_profile(game, profile, delta=delta, noise=noise)
    if rg.horizon is not None:
        raise GameError("the one-shot deviation check here is for infinitely repeated games; "
                        "use deterrence.solvers.repeated.finite_horizon for a finite horizon")
    mode = _product.mode_of(rg, automata, float_)
    return rg, automata, mode


def _states(chain, states):
    if states == "histories":
        return chain.reachable()
    if states == "all":
        return list(range(chain.N))
    raise GameError(f"states must be 'histories' or 'all', got {states!r}")


def _gains(chain, V, checked, simplify=True):
    mode, d = chain.mode, chain.delta
    one = 1.0 if mode == "float" else 1
    out = []
    for x in checked:
        for i in range(2):
            for a in range(chain.m[i]):
                reward, row = chain.deviation(i, x, a)
                cont = row @ V[i] if mode == "float" else _product._dot(row, V[i])
                gain = (one - d) * reward + d * cont - V[i][x]
                out.append((x, i, a, _product.simplify(gain, mode) if simplify else gain))
    return out


def deviation_gains(game, profile=None, *, delta=None, noise=None, states="histories",
                    float: bool = False, simplify: bool = True) -> tuple:
    """Every one-shot deviation and its gain (profitable or not); symbolic games allowed.

    ``simplify=False`` leaves symbolic gains unsimplified (for callers that put
    numbers in first and simplify only what they keep, as ``critical_delta`` does).

    >>> from deterrence import load_game
    >>> import sympy
    >>> pd = load_game("prisoners_dilemma")
    >>> gains = deviation_gains(pd, "grim_trigger", delta=sympy.Symbol("delta", real=True))
    >>> [d.gain for d in gains if d.states == ("calm", "calm") and d.player == "Row" and d.action == "D"]
    [P*delta - R - T*delta + T]

    ``float=True`` computes in floats, a symbolic stage game at its parameters' default values
    (saying so, :func:`~deterrence.core.validate.at_defaults`); the exact gains keep the parameters.
    """
    rg, automata, mode = _setup(game, profile, delta, noise, float)
    if mode == "float":         # the chain takes a symbolic stage game at its defaults: say so
        at_defaults(rg.stage, "deviation_gains", "checked")
    chain = _product.Chain(rg, automata, mode)
    V = _product.values(chain)
    checked = _states(chain, states)
    st = rg.stage
    return tuple(Deviation(chain.names(x), st.players[i], st.actions[i][a], g)
                 for x, i, a, g in _gains(chain, V, checked, simplify))


def one_shot_deviation(game, profile=None, *, delta=None, noise=None, states="histories",
                       float: bool = False, tol: float = 1e-9) -> DeviationCheck:
    """Check subgame perfection (one-shot deviations at every state) and Nash (from the start).

    Symbolic stage games are checked at their parameters' default values;
    for conditions on ``delta`` use :func:`deterrence.solvers.repeated.critical_delta.critical_delta`.

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma").with_defaults()
    >>> one_shot_deviation(pd, "grim_trigger", delta="1/2").subgame_perfect
    True
    >>> r = one_shot_deviation(pd, "grim_trigger", delta="1/3")
    >>> r.subgame_perfect, r.deviations[0].gain
    (False, Fraction(2, 3))
    """
    rg, automata, mode = _setup(game, profile, delta, noise, float)
    if mode == "symbolic":
        from deterrence.core.numbers import is_symbolic
        if is_symbolic(rg.delta):
            raise GameError(f"delta = {rg.delta} is a formula, not a number: give the discount factor "
                            "a value (e.g. 9/10; --delta on the command line); for the conditions on "
                            "delta use critical_delta() (the critical delta of `deterrence repeated`)")
        at_defaults(rg.stage, "one_shot_deviation", "checked")    # says so (the noise follows the stage)
        rg = rg.with_strategies(None).with_defaults()
        automata = tuple(a.subs(rg.stage.parameters) for a in automata)
        mode = _product.mode_of(rg, automata, float)
        if mode == "symbolic":
            raise GameError("some probability is symbolic: give its parameters values first")
    else:       # float=True: the chain takes a symbolic stage game at its defaults
        at_defaults(rg.stage, "one_shot_deviation", "checked")
    chain = _product.Chain(rg, automata, mode)
    V = _product.values(chain)
    checked = _states(chain, states)
    gains = _gains(chain, V, checked)
    eps = tol if mode == "float" else 0
    st = rg.stage
    devs = tuple(Deviation(chain.names(x), st.players[i], st.actions[i][a], _num(g))
                 for x, i, a, g in gains if g > eps)
    x0 = chain.start()
    reach = chain.reachable()
    nash_gains = tuple(_num(_best_value(chain, V, i, reach, eps) - V[i][x0]) for i in range(2))
    nash = all(g <= eps for g in nash_gains)
    return DeviationCheck(subgame_perfect=not devs, nash=nash, deviations=devs,
                          payoffs=(_num(V[0][x0]), _num(V[1][x0])), nash_gains=nash_gains,
                          checked_states=tuple(chain.names(x) for x in checked),
                          players=st.players, strategies=tuple(a.name for a in automata),
                          delta=rg.delta, exact=mode != "float")


def _num(v):
    return float(v) if isinstance(v, np.floating) else v


def _best_value(chain, V, i, states, eps):
    """Player i's optimal value from the start against the other's automaton (policy iteration)."""
    mode, d = chain.mode, chain.delta
    one = 1.0 if mode == "float" else 1
    pos = {x: k for k, x in enumerate(states)}
    options = {x: [chain.deviation(i, x, a) for a in range(chain.m[i])] for x in states}
    value = {x: V[i][x] for x in states}
    policy = {x: None for x in states}     # None: the automaton's own (mixed) action
    for _ in range(200):
        changed = False
        for x in states:
            best, best_q = policy[x], value[x]
            for a, (reward, row) in enumerate(options[x]):
                q = (one - d) * reward + d * sum((row[y] * value[y] for y in states if row[y] != 0), 0)
                if q > best_q + eps:
                    best, best_q = a, q
            if best != policy[x]:
                policy[x], changed = best, True
        if not changed:
            return value[chain.start()]
        # evaluate the new policy
        n = len(states)
        M = [[0] * n for _ in range(n)]
        b = [0] * n
        P, r = chain.P(), chain.r()
        for x in states:
            k = pos[x]
            if policy[x] is None:
                reward, row = r[i][x], P[x]
            else:
                reward, row = options[x][policy[x]]
            b[k] = (one - d) * reward
            for y in states:
                M[k][pos[y]] = (one if y == x else 0) - d * row[y]
        sol = _product.solve_linear(M, b, mode)
        value = {x: sol[pos[x]] for x in states}
    raise GameError("policy iteration did not converge in 200 rounds")


__all__ = ["one_shot_deviation", "deviation_gains", "Deviation", "DeviationCheck"]
