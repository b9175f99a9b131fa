"""Repeated two-player games: a stage game, a discount factor, a horizon, noise.

Normalisation (the default everywhere in the toolkit): payoffs are **average
discounted payoffs** ``(1 - delta) * sum_t delta**t * u_t`` for the infinite
game, so they are on the scale of the stage payoffs (Mailath and Samuelson,
*Repeated Games and Reputations*, OUP 2006, section 2.1; Fudenberg and Tirole,
*Game Theory*, MIT Press 1991, section 5.1). With a finite horizon ``T`` the
discounted sum is divided by ``sum_{t<T} delta**t``, so ``delta = 1`` (plain
averages) is allowed there.

Noise (errors of the kind discussed by R. Boyd, "Mistakes allow evolutionary
stability in the repeated prisoner's dilemma game", J. Theor. Biol. 136, 1989;
J. Wu and R. Axelrod, "How to cope with noise in the iterated prisoner's
dilemma", J. Conflict Resolution 39, 1995):

* implementation errors: the intended action comes out as another one.
  ``execution = e``: with probability ``e`` an action comes out one rung higher
  on the ladder of actions (a limited strike that kills more than intended
  becomes an escalation; the top rung cannot go higher). ``tremble = e``: with
  probability ``e`` the action is replaced by another action chosen uniformly.
  ``implementation = {intended: {realised: p}}`` gives the matrix in full.
* perception errors: ``perception = e``: each player misreads the opponent's
  realised action, as a uniformly chosen other action, with probability ``e``.
  Each player sees its own realised action correctly.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping

import numpy as np

from deterrence.errors import GameError
from deterrence.core.numbers import format_exact, is_symbolic, to_exact


def _prob(value, what, parameters=()):
    if is_symbolic(value):
        return value
    if isinstance(value, str):
        import re
        if re.search(r"[A-Za-z_]", value):
            from deterrence.core.symbolic import parse_expression
            expr = parse_expression(value, parameters, field=what)
            return expr if is_symbolic(expr) else to_exact(expr, what)
    p = to_exact(value, what)
    if not 0 <= p <= 1:
        raise GameError(f"{what} is {format_exact(p)}: a probability lies in [0, 1]")
    return p


@dataclass(frozen=True)
class Noise:
    """Implementation and perception errors (see the module docstring).

    >>> n = Noise(execution="1/50")
    >>> n.implementation_matrix(("hold", "retaliate", "escalate"))[1].tolist()
    [0, Fraction(49, 50), Fraction(1, 50)]
    """

    execution: object = 0
    tremble: object = 0
    perception: object = 0
    implementation: Mapping | None = None

    def __post_init__(self):
        for name in ("execution", "tremble", "perception"):
            object.__setattr__(self, name, _prob(getattr(self, name), f"noise {name}"))

    @classmethod
    def from_spec(cls, spec, parameters=()) -> "Noise | None":
        """From a number (read as ``execution``) or a table ``{execution=, tremble=, perception=}``.

        >>> Noise.from_spec({"tremble": 0.1}).tremble
        Fraction(1, 10)
        """
        if spec is None or isinstance(spec, Noise):
            return spec
        if isinstance(spec, Mapping):
            unknown = set(spec) - {"execution", "tremble", "perception", "implementation"}
            if unknown:
                raise GameError(f"unknown noise key(s) {', '.join(sorted(unknown))}; "
                                "known: execution, tremble, perception, implementation")
            kw = {k: _prob(v, f"noise {k}", parameters) for k, v in spec.items() if k != "implementation"}
            return cls(implementation=spec.get("implementation"), **kw)
        return cls(execution=_prob(spec, "noise execution", parameters))

    @property
    def is_zero(self) -> bool:
        return (self.execution == 0 and self.tremble == 0 and self.perception == 0
                and not self.implementation)

    @property
    def is_symbolic(self) -> bool:
        return any(is_symbolic(getattr(self, k)) for k in ("execution", "tremble", "perception"))

    def implementation_matrix(self, actions) -> np.ndarray:
        """``E[intended, realised]`` over an action ladder (object array, rows sum to 1)."""
        k = len(actions)
        E = np.empty((k, k), dtype=object)
        E[...] = 0
        for i in range(k):
            E[i, i] = 1
        if self.implementation:
            E[...] = 0
            for a in actions:
                row = self.implementation.get(a, {a: 1})
                for b, p in row.items():
                    if b not in actions:
                        raise GameError(f"noise implementation: unknown action {b!r} (actions: {', '.join(actions)})")
                    E[actions.index(a), actions.index(b)] = _prob(p, f"noise implementation {a} -> {b}")
                total = sum(E[actions.index(a)])
                if not is_symbolic(total) and total != 1:
                    raise GameError(f"noise implementation: row {a!r} sums to {format_exact(total)}, not 1")
        e = self.execution
        if e != 0:
            up = np.zeros((k, k), dtype=object)
            for i in range(k):
                up[i, min(i + 1, k - 1)] += e
                up[i, i] += 1 - e
            E = _matmul(E, up)
        t = self.tremble
        if t != 0 and k > 1:
            tr = np.empty((k, k), dtype=object)
            for i in range(k):
                for j in range(k):
                    tr[i, j] = 1 - t if i == j else _div(t, k - 1)
            E = _matmul(E, tr)
        return E

    def perception_matrix(self, actions) -> np.ndarray:
        """``O[realised, observed]`` for the actions of the player being watched."""
        k = len(actions)
        O = np.empty((k, k), dtype=object)
        p = self.perception
        for i in range(k):
            for j in range(k):
                O[i, j] = (1 if i == j else 0) if (p == 0 or k == 1) else (
                    1 - p if i == j else _div(p, k - 1))
        return O

    def to_dict(self) -> dict:
        return {k: format_exact(getattr(self, k)) for k in ("execution", "tremble", "perception")
                if getattr(self, k) != 0}


def _div(x, n):
    return x / n if is_symbolic(x) else Fraction(x) / n


def _matmul(A, B):
    n, m = A.shape[0], B.shape[1]
    out = np.empty((n, m), dtype=object)
    for i in range(n):
        for j in range(m):
            out[i, j] = _clean(sum(A[i, k] * B[k, j] for k in range(A.shape[1])))
    return out


def _clean(x):
    if isinstance(x, Fraction) and x.denominator == 1:
        return x.numerator
    return x


class RepeatedGame:
    """An immutable repeated game: ``RepeatedGame(stage, delta, horizon=None, noise=None)``.

    ``delta`` is exact (``"9/10"``, ``Fraction``, ``0.9`` read as ``9/10``) or a
    sympy expression/symbol; ``horizon`` is ``None`` (infinitely repeated,
    ``0 <= delta < 1``) or a number of rounds (then ``delta = 1`` is allowed).
    Payoffs are average discounted payoffs (module docstring).

    >>> from deterrence import load_game
    >>> rg = RepeatedGame(load_game("prisoners_dilemma"), "9/10")
    >>> rg
    RepeatedGame(Row: C, D; Column: C, D; delta=9/10)
    >>> RepeatedGame.from_game(load_game("us_iran_stage")).noise.execution
    Fraction(1, 50)
    """

    __slots__ = ("_stage", "_delta", "_horizon", "_noise", "_frozen")

    def __init__(self, stage, delta, horizon: int | None = None, noise=None):
        if getattr(stage, "n_players", None) != 2:
            raise GameError("a repeated game needs a two-player normal-form stage game")
        delta = _delta(delta, stage)
        if horizon is not None:
            if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 1:
                raise GameError(f"horizon must be a whole number of rounds >= 1, got {horizon!r}")
            horizon = int(horizon)
        if not is_symbolic(delta):
            if delta < 0 or delta > 1 or (delta == 1 and horizon is None):
                raise GameError(f"delta = {format_exact(delta)}: the discount factor must lie in "
                                "[0, 1) (or [0, 1] with a finite horizon)")
        self._stage, self._delta, self._horizon = stage, delta, horizon
        self._noise = Noise.from_spec(noise, tuple(stage.parameters))
        self._frozen = True

    def __setattr__(self, key, value):
        if getattr(self, "_frozen", False):
            raise AttributeError("RepeatedGame is immutable")
        object.__setattr__(self, key, value)

    @classmethod
    def from_game(cls, game, delta=None, horizon=None, noise=None) -> "RepeatedGame":
        """From a stage game whose file has a ``[repeated]`` section (``delta``, ``horizon``, ``noise``).

        Arguments given here override the file's values.
        """
        section = game.extra.get("repeated", {}) or {}
        if not isinstance(section, Mapping):
            raise GameError("[repeated] must be a table")
        if delta is None:
            delta = section.get("delta")
        if delta is None:
            raise GameError("no discount factor: give delta (or delta = ... in [repeated])")
        horizon = section.get("horizon") if horizon is None else horizon
        noise = section.get("noise") if noise is None else noise
        return cls(game, delta, horizon, noise)

    stage = property(lambda self: self._stage)
    delta = property(lambda self: self._delta)
    horizon = property(lambda self: self._horizon)
    noise = property(lambda self: self._noise, doc="A :class:`Noise` or ``None``.")
    players = property(lambda self: self._stage.players)
    actions = property(lambda self: self._stage.actions)

    @property
    def is_symbolic(self) -> bool:
        return (self._stage.is_symbolic or is_symbolic(self._delta)
                or (self._noise is not None and self._noise.is_symbolic))

    def with_delta(self, delta) -> "RepeatedGame":
        """The same game with another discount factor.

        >>> from deterrence import load_game
        >>> RepeatedGame(load_game("chicken"), "1/2").with_delta("3/4").delta
        Fraction(3, 4)
        """
        return RepeatedGame(self._stage, delta, self._horizon, self._noise)

    def with_noise(self, noise) -> "RepeatedGame":
        """The same game with other noise (``None``: none)."""
        return RepeatedGame(self._stage, self._delta, self._horizon, noise)

    def noise_matrices(self):
        """``(E1, E2, O1, O2)``: implementation matrices and perception matrices.

        ``O1[b, o]`` is the chance player 1 observes player 2's action ``b`` as ``o``.
        """
        a1, a2 = self._stage.actions
        noise = self._noise or Noise()
        return (noise.implementation_matrix(a1), noise.implementation_matrix(a2),
                noise.perception_matrix(a2), noise.perception_matrix(a1))

    def __repr__(self):
        body = "; ".join(f"{p}: {', '.join(a)}" for p, a in zip(self.players, self.actions))
        extra = f", horizon={self._horizon}" if self._horizon else ""
        if self._noise is not None and not self._noise.is_zero:
            extra += f", noise={self._noise.to_dict()}"
        return f"RepeatedGame({body}; delta={format_exact(self._delta)}{extra})"


def _delta(delta, stage):
    if is_symbolic(delta):
        return delta
    if isinstance(delta, str):
        import re
        if re.search(r"[A-Za-z_]", delta):
            from deterrence.core.symbolic import parse_expression
            expr = parse_expression(delta, tuple(stage.parameters) + ("delta",), field="delta")
            return expr if is_symbolic(expr) else to_exact(expr, "delta")
    return to_exact(delta, "delta")


def delta_symbol():
    """The sympy symbol used for the discount factor (``delta``, real).

    >>> delta_symbol()
    delta
    """
    from deterrence.core.symbolic import parameter_symbol
    return parameter_symbol("delta")


__all__ = ["RepeatedGame", "Noise", "delta_symbol"]
