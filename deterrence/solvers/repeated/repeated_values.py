"""Exact discounted values of a pair of automata in a (noisy) repeated game.

Two automata playing each other form a Markov chain over product states
``(s1, s2)`` (deterministic without noise or randomisation). The average
discounted value ``V = (1 - delta) * sum_t delta**t * E[u_t]`` solves the
linear system ``(I - delta P) V = (1 - delta) r`` (Bellman's equation for a
fixed policy: R. Bellman, *Dynamic Programming*, 1957; for automata, Mailath
and Samuelson, *Repeated Games and Reputations*, 2006, section 2.3). The system
is solved

* exactly in rationals when ``delta``, payoffs, strategy probabilities and
  noise are rational: scaled to integers over one common denominator and solved by
  python-flint (the pure-Python path of :mod:`deterrence.core.exact` if flint cannot be imported): one
  solve on the states reachable from the start; the other states' values (a smaller
  solve) when ``state_values`` is first read;
* symbolically when the stage game or ``delta`` is symbolic: the values come
  back as sympy rational functions of ``delta`` and the payoff parameters
  (sympy's ``DomainMatrix`` over the field of fractions ``QQ(delta, ...)``);
* in floats (``float=True``), with NumPy.

With a finite horizon ``T`` the value is ``sum_{t<T} delta**t E[u_t] / sum_{t<T} delta**t``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from deterrence.core.exact import flint as load_flint, from_fmpq
from deterrence.core.numbers import format_exact
from deterrence.core.repeated import RepeatedGame
from deterrence.errors import GameError
from deterrence.solvers.result import TextRepr
from deterrence.solvers.repeated import _product
from deterrence.solvers.repeated.finite_horizon import check_horizon


@dataclass(frozen=True)
class RepeatedValues(TextRepr):
    """Values of a profile of automata: ``payoffs`` from the start, and per product state.

    Its repr is one line (the dataclass repr printed every state's values: a review); Jupyter
    shows the HTML table of the values in each pair of states.

    >>> from deterrence import load_game
    >>> discounted_values(load_game("prisoners_dilemma").with_defaults(), ["tit_for_tat", "grim_trigger"],
    ...                   delta="1/2")
    <RepeatedValues: Row tit_for_tat vs Column grim_trigger, delta 1/2 (exact): payoffs 3, 3 from the start;
    4 pairs of states>
    """

    payoffs: tuple
    state_values: dict
    players: tuple
    strategies: tuple
    delta: object
    mode: str

    @property
    def exact(self) -> bool:
        """Whether the values are exact (not computed in floats)."""
        return self.mode != "float"

    def repr_text(self) -> str:
        pair = " vs ".join(f"{p} {s}" for p, s in zip(self.players, self.strategies))
        n = len(self.state_values)
        return (f"{pair}, delta {format_exact(self.delta)} ({self.mode}): payoffs "
                f"{', '.join(format_exact(v) for v in self.payoffs)} from the start; "
                f"{n} pair{'' if n == 1 else 's'} of states")

    def _repr_html_(self) -> str:
        """The values in each pair of states, one column per player.

        >>> from deterrence import load_game
        >>> v = discounted_values(load_game("prisoners_dilemma"), ["tit_for_tat", "always_escalate"], delta="1/2")
        >>> "<td>calm, war</td><td>(P + S)/2</td>" in v._repr_html_()
        True
        """
        import html
        head = "".join(f"<th>{html.escape(p)}</th>" for p in self.players)
        rows = "".join(f"<tr><td>{html.escape(', '.join(map(str, states)))}</td>"
                       + "".join(f"<td>{html.escape(format_exact(v))}</td>" for v in values) + "</tr>"
                       for states, values in self.state_values.items())
        return (f"<table><caption>{html.escape(self.repr_text())}</caption><tr><th>states</th>{head}</tr>"
                f"{rows}</table>")

    def to_json(self) -> dict:
        """The RepeatedValues as a JSON-ready dict of plain values: ``payoffs``, ``strategies``,
        ``delta``, ``state_values``."""
        return {"payoffs": [format_exact(v) for v in self.payoffs],
                "strategies": list(self.strategies), "delta": format_exact(self.delta),
                "state_values": {f"{a}|{b}": [format_exact(v) for v in vs]
                                 for (a, b), vs in self.state_values.items()}}


def repeated_game_and_profile(game, profile=None, *, delta=None, horizon=None, noise=None,
                              default_delta=None):
    """``(RepeatedGame, two automata)`` for every repeated-game function: one path in.

    ``game`` is a :class:`~deterrence.core.repeated.RepeatedGame` or a stage game
    (its file's ``[repeated]`` section supplies what the arguments leave out,
    through :meth:`RepeatedGame.from_game`); ``profile=None`` takes the game's own.

    >>> from deterrence import load_game
    >>> rg, prof = repeated_game_and_profile(load_game("us_iran_stage"), delta="9/10")
    >>> rg.noise.describe(), prof[0].name
    ('Iran: retaliate -> escalate 1/1600', 'contained_tit_for_tat')
    """
    rg = RepeatedGame.from_game(game, delta=delta, horizon=horizon, noise=noise,
                                default_delta=default_delta)
    return rg, rg.profile(profile)


def discounted_values(game, profile=None, *, delta=None, horizon=None, noise=None,
                      float: bool = False, max_horizon=None) -> RepeatedValues:
    """Average discounted payoffs of two automata (objects or strategy names).

    ``game`` is a :class:`~deterrence.core.repeated.RepeatedGame`, or a stage
    game plus ``delta`` (``horizon`` and ``noise`` optional); what is not given
    comes from the game file's ``[repeated]`` section, the profile too.
    A finite horizon goes round by round: one over
    :data:`~deterrence.solvers.repeated.finite_horizon.MAX_HORIZON` (over
    :data:`~deterrence.solvers.repeated.finite_horizon.MAX_SYMBOLIC_HORIZON` when the values
    are formulas) is refused before the work unless ``max_horizon`` allows it.

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma")
    >>> discounted_values(pd.with_defaults(), ["tit_for_tat", "always_escalate"], delta="1/2").payoffs
    (Fraction(1, 2), 3)
    >>> discounted_values(pd, ["tit_for_tat", "always_escalate"], delta="1/2").payoffs
    ((P + S)/2, (P + T)/2)
    >>> import sympy
    >>> d = sympy.Symbol("delta", real=True)
    >>> discounted_values(pd.with_defaults(), ["tft", "alld"], delta=d).payoffs[1]
    5 - 4*delta
    """
    rg, automata = repeated_game_and_profile(game, profile, delta=delta, horizon=horizon, noise=noise)
    mode = _product.mode_of(rg, automata, float)
    check_horizon(rg.horizon, max_horizon, symbolic=mode == "symbolic", work="computing the values round by round")
    if rg.horizon is None and mode != "symbolic" and rg.delta == 1:
        raise GameError("delta = 1 needs a finite horizon")
    chain = _product.Chain(rg, automata, mode)
    x0 = chain.start()
    if rg.horizon is None and mode == "exact" and load_flint() is not None:
        try:               # one solve on the states reachable from the start
            R = _product.reach(chain.integers().successors(), x0)
            X, divisor = _product.values_solution(chain, states=R)
        except TypeError:          # some number is not an exact rational: the general path
            pass
        else:
            i0 = R.index(x0)
            payoffs = tuple(from_fmpq(X[i0, k] / divisor) for k in range(2))
            return RepeatedValues(payoffs=payoffs, state_values=ExactStateValues(chain, R, X),
                                  players=rg.players, strategies=tuple(a.name for a in automata),
                                  delta=rg.delta, mode=mode)
    V = _product.values(chain, horizon=rg.horizon)
    if mode != "exact":            # exact values come back normalised (int when whole)
        V = tuple([_product.simplify(v, mode) for v in Vk] for Vk in V)
    states = {chain.names(x): (V[0][x], V[1][x]) for x in range(chain.N)}
    return RepeatedValues(payoffs=(_num(V[0][x0]), _num(V[1][x0])), state_values=states,
                          players=rg.players, strategies=tuple(a.name for a in automata),
                          delta=rg.delta, mode=mode)


class ExactStateValues(Mapping):
    """``{(state 1, state 2): (V1, V2)}`` of an exact chain, finished on first use: the
    values of the states reachable from the start come from the solve that gave the
    payoffs; the other states' values (a smaller solve) and the conversion of ~400-bit
    rationals into Fractions wait until the mapping is read. A read-only mapping equal to
    the plain dict of the same values.

    >>> from deterrence import load_game
    >>> vals = discounted_values(load_game("prisoners_dilemma").with_defaults(), "tft", delta="1/2",
    ...                          noise={"tremble": "1/10"}).state_values
    >>> vals[("calm", "calm")]
    (Fraction(571, 204), Fraction(571, 204))
    >>> vals == dict(vals), len(vals)
    (True, 4)
    """

    def __init__(self, chain, reachable, X):
        self._args = (chain, reachable, X)
        self._dict = None

    def _values(self):
        if self._dict is None:
            chain, reachable, X1 = self._args
            X, divisor = _product.values_rest(chain, reachable, X1)
            k = X.ncols()
            flat = [from_fmpq(v) for v in (X / divisor).entries()]
            self._dict = {chain.names(x): tuple(flat[x * k:(x + 1) * k]) for x in range(chain.N)}
            self._args = None
        return self._dict

    def __getitem__(self, key):
        return self._values()[key]

    def __iter__(self):
        return iter(self._values())

    def __len__(self):
        return len(self._values())

    def __eq__(self, other):
        return self._values() == (other._values() if isinstance(other, ExactStateValues) else other)

    __hash__ = None

    def __reduce__(self):            # pickles (and deep-copies) as the plain dict
        return dict, (self._values(),)

    def __repr__(self):
        return repr(self._values())


def _num(v):
    import numpy as np
    return float(v) if isinstance(v, np.floating) else v


__all__ = ["discounted_values", "RepeatedValues"]
