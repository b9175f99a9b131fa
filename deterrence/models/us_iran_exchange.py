"""The US–Iran exchange of fire as a stochastic game: regular limited strikes that stay limited.

Players US and Iran (acting through its militias). A round is one week
(:mod:`deterrence.models.us_iran_calibration`). The state of a round has two
parts:

* what is **pending** from last week: ``calm`` (nothing), ``hit`` (a militia
  strike hit US forces and killed no American), ``crisis`` (a militia strike
  killed Americans), ``answered`` (the US struck the militias);
* the week's **outside shock**, drawn afresh each week: ``israel`` (Israel struck
  Iranian assets in Syria, probability ``israeli_strike_rate``), ``motive`` (the
  militias have a motive of their own to strike, probability ``motive_rate`` in
  the other weeks), or ``quiet``;

plus two absorbing states, ``war`` (all-out war) and ``withdrawn`` (US forces
have left Iraq and Syria). Actions: **hold**, **retaliate** (a limited strike,
whether it answers an attack or opens one), **escalate** (a major attack across
the red lines) and, for the US, **withdraw**.

Noise (intended -> realised): a militia strike misfires into an escalation with
probability ``misfire`` (claim 5: the militias' strikes are imprecise); US
strikes are precise (``us_misfire = 0``). A realised militia strike kills
Americans with probability ``deadly_fraction`` (the next state is ``crisis``).

Transitions on the *realised* profile: any escalation -> ``war``; a US
withdrawal -> ``withdrawn``; a militia strike -> ``crisis`` or ``hit``; else a
US strike -> ``answered``; else ``calm``; the shock is drawn independently.

Payoffs per round (realised actions), the stage game's ingredients: a limited
strike gains its author ``b`` (the US only when it answers an attack: its value
is reputation, being seen to answer attacks) and costs its target ``c``; an escalation gains ``2b``,
costs the target ``2c`` and costs both sides ``W`` (the round war breaks out);
each US strike costs the US ``k_us``; a militia strike in a ``motive`` week is
worth ``m`` more to Iran; holding costs Iran ``A`` in an ``israel`` week or
after a US strike (absorbing a blow without answer), and costs the US ``a_us``
after a ``hit`` and ``D`` after a ``crisis``. In ``war`` each round pays the
stage payoff of mutual escalation, ``2b - 2c - W``; in ``withdrawn`` the US
loses ``presence_value`` and Iran gains ``withdrawal_gain`` per round.

**War** means one thing here: the absorbing ``war`` state; every war probability
is the chance of reaching it.

Sources: Shapley (1953), "Stochastic games", PNAS 39; Maskin and Tirole (2001),
"Markov perfect equilibrium I", JET 100 (Markov perfect equilibrium: no
profitable one-shot deviation in any state, given the continuation values);
the case brief (docs).

Steps: (1) build the states, payoffs, transitions and noise from the
calibration into a :class:`~deterrence.core.stochastic.StochasticGame` (the
catalogue file ``games/us_iran_exchange.toml`` is the same game with formulas);
(2) value a stationary profile exactly with the toolkit
(:func:`deterrence.solvers.stochastic.markov_chain.markov_values`); (3) check
every one-shot deviation in every state under the model's noise
(:func:`deterrence.solvers.stochastic.markov_perfect.verify_markov_perfect`);
(4) find Markov perfect equilibria by alternating best responses (policy
iteration on the exact one-shot gains) from six pure starts
(:func:`search_starts`), keeping only verified fixed points; (5) optionally
(:func:`homotopy_selection`, slow) trace the toolkit's logit homotopy from
uniform play to a certified, possibly mixed, equilibrium. The toolkit's complete
enumeration of pure profiles (``markov_perfect``) is out of reach here: the
game has 4^12 * 3^12 (about 9 * 10^12) pure stationary profiles; so the list
found is not claimed complete.
"""
from __future__ import annotations

import functools
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from deterrence.core.frozen import frozen
from deterrence.models.us_iran_calibration import (CALIBRATION, EXCHANGE_FILE_PARAMETERS, calibration_values,
                                                   delta_per_round)

PLAYERS = ("US", "Iran")
PENDING = ("calm", "hit", "crisis", "answered")
SHOCKS = ("quiet", "israel", "motive")
TRANSIENT = tuple(f"{p}/{s}" for p in PENDING for s in SHOCKS)
STATES = TRANSIENT + ("war", "withdrawn")
ACTIONS = {"US": ("hold", "retaliate", "escalate", "withdraw"), "Iran": ("hold", "retaliate", "escalate")}
START = "calm/quiet"


def _q(x):
    """An exact fraction, or a sympy formula left as it is (for writing the game file)."""
    return x if hasattr(x, "free_symbols") else Fraction(x)


def _split(state):
    pending, shock = state.split("/")
    return pending, shock


def _strategy(profile) -> dict:
    """A pure profile ``{state: (US, Iran)}`` as the solvers' Markov strategy (absorbing states: hold)."""
    return {s: tuple(profile.get(s, ("hold", "hold"))) for s in TRANSIENT}


def contained_profile() -> dict:
    """The contained profile: the militias strike in Israeli and motive weeks and answer US
    strikes; the US answers attacks that killed Americans; nobody escalates or withdraws.

    >>> contained_profile()["crisis/quiet"], contained_profile()["calm/israel"]
    (('retaliate', 'hold'), ('hold', 'retaliate'))
    """
    out = {}
    for s in TRANSIENT:
        pending, shock = _split(s)
        iran = "retaliate" if shock != "quiet" or pending == "answered" else "hold"
        us = "retaliate" if pending == "crisis" else "hold"
        out[s] = (us, iran)
    return out


def mutual_escalation_profile() -> dict:
    """Both sides escalate in every state: the profile named "mutual escalation" (its play
    enters war, the absorbing state, in the first week).

    >>> set(mutual_escalation_profile().values())
    {('escalate', 'escalate')}
    """
    return {s: ("escalate", "escalate") for s in TRANSIENT}

#: The regimes of :meth:`ExchangeModel.classify`: the selected Markov perfect equilibrium is the
#: contained exchange, another pure equilibrium short of war, or mutual escalation (no other one
#: was found: both sides escalate in every state, so that play enters war at once);
#: or the search found no pure equilibrium (then the war probability is the contained profile's, as in the
#: report).
REGIMES = ("contained exchange", "another equilibrium short of war", "mutual escalation", "no pure equilibrium found")

#: The name of the play the predictions follow when the search finds no pure equilibrium
#: (:func:`select`): the contained profile, checked and not an equilibrium. Never "contained
#: exchange", which names the equilibrium: one word, one meaning in every section and JSON key.
NOT_AN_EQUILIBRIUM = "contained profile, not an equilibrium"


@dataclass(frozen=True)
class ExchangeModel:
    """The stochastic game of the exchange at given (exact) parameter values.

    It is a regime model (:class:`deterrence.core.regime_model.RegimeModel`, built at
    each point of a map by :func:`exchange_model`): :data:`REGIMES` and :meth:`classify`.
    """

    values: tuple  # sorted (name, value) pairs

    #: the regime names of :meth:`classify` (a class attribute, not a field); a regime code indexes them
    REGIMES = REGIMES
    #: the closed ranges a map's axis must keep to (the calibration's probabilities, [0, 1]):
    #: a map refuses a value outside before any point (:func:`deterrence.core.map_axes.check_map_axes`)
    PARAMETER_RANGES = frozen({name: c.bounds for name, c in CALIBRATION.items() if c.bounds is not None})

    def __post_init__(self):
        # exact numbers, as exchange_model gives: the fast path's tables and caches take
        # ints and Fractions (a float 0.1 is 1/10 on both paths, and one cache entry)
        from deterrence.core.numbers import is_symbolic, to_exact
        exact = tuple(sorted(((k, v if is_symbolic(v) else to_exact(v, k)) for k, v in self.values),
                             key=lambda kv: kv[0]))
        object.__setattr__(self, "values", exact)

    def name_of(self, profile) -> str:
        """The name of a pure profile (``{state: (US action, Iran action)}``) by the play on its path
        from a calm week under this model's noise, as the report's equilibrium section and the
        glossary's "other equilibria" name the equilibria: "contained exchange", "mutual escalation",
        "escalation" (a side intends it on the path), "US withdrawal", "mutual restraint (war
        threatened if attacked)", "limited strikes, ...".

        >>> m = exchange_model()
        >>> m.name_of(contained_profile()), m.name_of({s: ("hold", "hold") for s in TRANSIENT})
        ('contained exchange', 'mutual restraint')
        """
        profile = {s: tuple(profile[s]) for s in TRANSIENT}
        return _name(profile, reached_states(self, profile))

    def classify(self) -> tuple:
        """``(regime code, war probability)``: the regime of the play the predictions follow (the report's
        one choice, :func:`select`; codes index :data:`REGIMES`), and its P(war) from calm within
        26 months (113 weeks: the record's span, as in the report).

        >>> code, war = exchange_model().classify()
        >>> REGIMES[code], 0 < war < 0.1
        ('contained exchange', True)
        """
        chosen = select(self)
        return chosen.regime, float(play_statistics(self, chosen.followed.actions, horizon_weeks(months=26))["war"])

    @property
    def v(self) -> dict:
        """The model's values as a dict (name -> value)."""
        return dict(self.values)

    @cached_property
    def _v(self) -> dict:
        """:attr:`v`, made once, for the game's rules (read only: :attr:`v` gives a copy to change)."""
        return dict(self.values)

    @property
    def delta(self) -> Fraction:
        """The discount factor per round, from the annual discount rate and the round's days."""
        return delta_per_round(self.v)

    # -- the game ---------------------------------------------------------------
    def realised(self, player, action) -> dict:
        """Noise: intended action -> {realised action: probability}.

        >>> exchange_model().realised("Iran", "retaliate")
        {'retaliate': Fraction(1599, 1600), 'escalate': Fraction(1, 1600)}
        """
        eta = self._v["misfire"] if player == "Iran" else self._v["us_misfire"]
        if action == "retaliate" and (hasattr(eta, "free_symbols") or eta):
            return {"retaliate": 1 - _q(eta), "escalate": _q(eta)}
        return {action: Fraction(1)}

    def payoff(self, state, us, iran) -> tuple:
        """Per-round payoffs (US, Iran) of a realised profile in a state.

        >>> exchange_model().payoff("crisis/quiet", "retaliate", "hold")
        (Fraction(-4, 3), -3)
        >>> exchange_model().payoff("war", "hold", "hold")
        (-22, -52)
        """
        v = self._v
        if state == "war":
            return (2 * v["b_us"] - 2 * v["c_us"] - v["W_us"], 2 * v["b_iran"] - 2 * v["c_iran"] - v["W_iran"])
        if state == "withdrawn":
            return (-v["presence_value"], v["withdrawal_gain"])
        pending, shock = _split(state)
        u = i = 0
        answering = pending in ("hit", "crisis")
        if us == "retaliate":
            u += (v["b_us"] if answering else 0) - v["k_us"]
            i -= v["c_iran"]
        elif us == "escalate":
            u += 2 * v["b_us"] - v["k_us"]
            i -= 2 * v["c_iran"]
        if iran == "retaliate":
            i += v["b_iran"] + (v["m"] if shock == "motive" else 0)
            u -= v["c_us"]
        elif iran == "escalate":
            i += 2 * v["b_iran"] + (v["m"] if shock == "motive" else 0)
            u -= 2 * v["c_us"]
        if "escalate" in (us, iran):
            u -= v["W_us"]
            i -= v["W_iran"]
        if iran == "hold" and (shock == "israel" or pending == "answered"):
            i -= v["A"]
        if us in ("hold", "withdraw"):
            u -= {"hit": v["a_us"], "crisis": v["D"]}.get(pending, 0)
        return (u, i)

    def shock_distribution(self) -> dict:
        """The week's shock: ``{"israel": λ, "motive": (1 − λ)σ, "quiet": (1 − λ)(1 − σ)}``."""
        lam, sig = _q(self._v["israeli_strike_rate"]), _q(self._v["motive_rate"])
        return {"israel": lam, "motive": (1 - lam) * sig, "quiet": (1 - lam) * (1 - sig)}

    def transition(self, state, us, iran) -> dict:
        """Next-state distribution after a realised profile.

        >>> exchange_model().transition("calm/quiet", "hold", "retaliate")["crisis/israel"]
        Fraction(1, 166)
        """
        if state in ("war", "withdrawn"):
            return {state: Fraction(1)}
        if "escalate" in (us, iran):
            return {"war": Fraction(1)}
        if us == "withdraw":
            return {"withdrawn": Fraction(1)}
        if iran == "retaliate":
            eps = _q(self._v["deadly_fraction"])
            pending = {"crisis": eps, "hit": 1 - eps}
        elif us == "retaliate":
            pending = {"answered": Fraction(1)}
        else:
            pending = {"calm": Fraction(1)}
        out = {}
        for p, pp in pending.items():
            for s, ps in self.shock_distribution().items():
                if hasattr(pp * ps, "free_symbols") or pp * ps:
                    out[f"{p}/{s}"] = out.get(f"{p}/{s}", 0) + pp * ps
        return out

    def game(self):
        """The model as a :class:`~deterrence.core.stochastic.StochasticGame` (exact, at its values);
        the catalogue file ``games/us_iran_exchange.toml`` is the same game with formulas.

        >>> exchange_model().game().transition("calm/quiet", ("escalate", "hold"))
        {'war': 1}
        """
        from deterrence.core.stochastic import StochasticGame
        payoffs, transitions = {}, {}
        for s in STATES:
            if s in TRANSIENT:
                payoffs[s] = {f"{u}, {i}": list(self.payoff(s, u, i))
                              for u in ACTIONS["US"] for i in ACTIONS["Iran"]}
                transitions[s] = {f"{u}, {i}": self.transition(s, u, i)
                                  for u in ACTIONS["US"] for i in ACTIONS["Iran"]}
            else:
                payoffs[s] = {"*, *": list(self.payoff(s, "hold", "hold"))}
        v = self.v
        return StochasticGame(list(PLAYERS), list(STATES), [list(ACTIONS["US"]), list(ACTIONS["Iran"])],
                              payoffs, transitions, start=START, absorbing=["war", "withdrawn"],
                              state_actions={s: [["hold"], ["hold"]] for s in ("war", "withdrawn")},
                              noise={"US": {"retaliate": self.realised("US", "retaliate")},
                                     "Iran": {"retaliate": self.realised("Iran", "retaliate")}},
                              annual_discount_rate=v["annual_discount_rate"], round_days=v["round_days"],
                              title="The US-Iran exchange of fire (weekly rounds)")

    @cached_property
    def stochastic_game(self):
        """:meth:`game`, built once for this value (the solvers cache their tables on it)."""
        return self.game()

    def values_of(self, profile) -> dict:
        """Exact discounted values ``{state: (V_US, V_Iran)}`` of a pure stationary profile
        (:func:`deterrence.solvers.stochastic.markov_chain.markov_values`).

        >>> vals = exchange_model().values_of(contained_profile())
        >>> vals["war"] == (Fraction(-22 * 737, 7), Fraction(-52 * 737, 7))
        True
        """
        if _fast(self):
            return _exact_solution(self, profile)[0]
        from deterrence.solvers.stochastic.markov_chain import markov_values
        return markov_values(self.stochastic_game, _strategy(profile))

    def deviation_gains(self, profile) -> dict:
        """``{(state, player, action): gain}`` of every one-shot deviation from a pure profile
        (exact, under the noise; :func:`deterrence.solvers.stochastic.markov_perfect.one_shot_gains`).

        >>> max(exchange_model().deviation_gains(contained_profile()).values()) < 0
        True
        """
        gains = self._deviation_gains(profile)
        if not _fast(self):
            return gains
        from deterrence.core.exact import from_fmpq
        return {key: from_fmpq(g) for key, g in gains.items()}

    def _deviation_gains(self, profile) -> dict:
        """:meth:`deviation_gains` with the gains as computed: python-flint ``fmpq`` on the fast
        path (exact; the searches only compare them, at C speed, and convert what they report)."""
        if _fast(self):     # already the deviations in the transient states
            return _exact_solution(self, profile)[1]
        from deterrence.solvers.stochastic.markov_perfect import one_shot_gains
        gains = one_shot_gains(self.stochastic_game, _strategy(profile))
        return {(s, p, a): g for (s, p, a), g in gains.items()
                if s in TRANSIENT and a != profile[s][PLAYERS.index(p)]}

    def best_response(self, profile, player) -> dict:
        """Policy iteration for one player against the other's fixed pure profile (exact):
        switch to the most profitable one-shot deviation in every state until none pays.

        >>> exchange_model().best_response(contained_profile(), "US") == contained_profile()
        True
        """
        k = PLAYERS.index(player)
        current = dict(profile)
        for _ in range(100):
            options = {}        # state -> [(gain, action)] of this player's deviations there
            for (t, p, a), g in self._deviation_gains(current).items():
                if p == player:
                    options.setdefault(t, []).append((g, a))
            changed = False
            for s in TRANSIENT:
                best = max(options.get(s, ()), default=(0, None))
                if best[0] > 0:
                    acts = list(current[s])
                    acts[k] = best[1]
                    current[s] = tuple(acts)
                    changed = True
            if not changed:
                return current
        raise RuntimeError("policy iteration did not converge")  # pragma: no cover (finite MDP)



# -- the exact check at speed: the model's outcome tables in python-flint rationals ------------
#: the calibration values the chain of play depends on (its transitions and noise); the payoffs
#: and the discount rate do not enter it (a test perturbs every other value and checks it)
CHAIN_PARAMETERS = ("deadly_fraction", "israeli_strike_rate", "misfire", "motive_rate", "round_days", "us_misfire")

_REFERENCE = [0]        # depth of nested reference_path() blocks
_TABLES: dict = {}      # model values -> flint outcome tables (oldest dropped first)
_CHAIN_GAMES: dict = {}  # chain_key -> a StochasticGame with that chain
_SOLUTIONS: dict = {}   # (model values, profile) -> (values, gains)
_CHAIN_TABLES: dict = {}  # chain_key -> the noise's realised profiles and the next states
_REALISED_PAYOFFS: dict = {}  # the values but the chain's -> {(state, US, Iran): realised payoffs in fmpq}
_REACHED: dict = {}     # (chain_key, profile) -> reached_states
_STATISTICS: dict = {}  # (chain_key, profile, rounds, start) -> play_statistics
CACHE_SIZE = 512


@contextmanager
def reference_path():
    """Within the block the model takes its reference path, as before the fast one: every model
    builds its own :class:`~deterrence.core.stochastic.StochasticGame`, values and one-shot gains
    come from the toolkit's generic exact solvers
    (:func:`~deterrence.solvers.stochastic.markov_chain.markov_values`,
    :func:`~deterrence.solvers.stochastic.markov_perfect.one_shot_gains`,
    :func:`~deterrence.solvers.stochastic.markov_perfect.verify_markov_perfect`), and the fit to the
    record is not reused. Both paths are exact and give the same numbers (tests compare them).

    >>> with reference_path():
    ...     verify(exchange_model(), contained_profile()).verified_under_noise
    True
    """
    _REFERENCE[0] += 1
    try:
        yield
    finally:
        _REFERENCE[0] -= 1


def reference_path_on() -> bool:
    """Whether :func:`reference_path` is on (or python-flint is switched off: ``fraction_only``).

    >>> reference_path_on()
    False
    """
    from deterrence.core.exact import flint
    return bool(_REFERENCE[0]) or flint() is None


def chain_key(values) -> tuple:
    """The values of :data:`CHAIN_PARAMETERS` (of a model or a ``{name: value}`` dict): two models
    with the same key have the same chain of play under every profile.

    >>> chain_key(exchange_model(W_iran=60)) == chain_key(exchange_model())
    True
    """
    v = values.v if isinstance(values, ExchangeModel) else values
    return tuple((k, v[k]) for k in CHAIN_PARAMETERS)


_EVICTING = threading.Lock()


def _remember(store, key, make, size=CACHE_SIZE):
    """``store[key]``, made by ``make()`` when missing; the oldest entries go past ``size``."""
    value = store.get(key)
    if value is None:
        value = store[key] = make()
        with _EVICTING:       # the lab's callbacks run in threads: one eviction at a time
            while len(store) > size:
                try:
                    store.pop(next(iter(store)), None)
                except RuntimeError:      # another thread added an entry meanwhile: next call
                    break
    return value


def _chain_game(model):
    """A stochastic game with the model's chain of play (transitions and noise), shared by the
    models that differ only in payoffs (the chain statistics need no payoffs)."""
    if reference_path_on() or not _fast(model):
        return model.stochastic_game
    return _remember(_CHAIN_GAMES, chain_key(model), lambda: model.stochastic_game)


def _fast(model) -> bool:
    return not reference_path_on() and not any(hasattr(x, "free_symbols") for _, x in model.values)


_FLAT = {(s, u, i): (k * len(ACTIONS["US"]) + a) * len(ACTIONS["Iran"]) + b
         for k, s in enumerate(STATES) for a, u in enumerate(ACTIONS["US"]) for b, i in enumerate(ACTIONS["Iran"])}


def _outcome_tables(model):
    """``(flint, delta, pay, nxt)``: the outcome tables of the model's game (payoffs and next-state
    probabilities of intended actions, expected over the noise: what
    :meth:`~deterrence.core.stochastic.StochasticGame.outcome_table` gives), flattened over
    ``(state, US action, Iran action)`` (:data:`_FLAT`), in python-flint rationals: ``pay[k]`` is
    ``(US, Iran)``, ``nxt[k]`` the ``(state index, probability)`` pairs with a probability. An
    absorbing state repeats its one outcome. Built from the model's own rules, without the
    generic game (a test checks them against the game's tables); the next states, which depend
    only on :data:`CHAIN_PARAMETERS`, are shared by the models with the same chain."""
    from types import SimpleNamespace

    from deterrence.core.exact import flint
    # the tables below would solve a chain with probabilities outside [0, 1]: checked first
    _check_chain(model)
    fl = flint()

    def q(x):
        return fl.fmpq(x) if isinstance(x, int) else fl.fmpq(x.numerator, x.denominator)
    # the noise and the next states depend on the chain only (a slider on a payoff keeps them)
    mixes, weights, nxt = _remember(_CHAIN_TABLES, chain_key(model), lambda: _chain_tables(model, q))
    # the model's own payoff rules, read on its values in fmpq (they read nothing but ``_v``, and
    # none of the chain's values: a test checks it), so the realised payoffs are kept per payoff
    # values, shared by the chains of the misfire bisection; filled as the noise asks for them
    key = tuple((k, x) for k, x in model.values if k not in CHAIN_PARAMETERS)
    realised = _remember(_REALISED_PAYOFFS, key, dict)
    in_fmpq = None

    def realised_payoff(s, us, iran):
        nonlocal in_fmpq
        if (s, us, iran) not in realised:
            in_fmpq = in_fmpq or SimpleNamespace(_v={k: q(x) for k, x in model._v.items()})
            realised[(s, us, iran)] = tuple(ExchangeModel.payoff(in_fmpq, s, us, iran))
        return realised[(s, us, iran)]
    pay = []
    for s in STATES:
        if s not in TRANSIENT:
            pay += [realised_payoff(s, "hold", "hold")] * len(mixes)
            continue
        for mix in weights.values():
            p_us = p_iran = fl.fmpq()
            for ru, ri, w in mix:
                a, b = realised_payoff(s, ru, ri)
                p_us, p_iran = p_us + w * a, p_iran + w * b
            pay.append((p_us, p_iran))
    return fl, q(model.delta), pay, nxt


#: the chain parameters that are probabilities (all but the round length)
PROBABILITY_PARAMETERS = tuple(k for k in CHAIN_PARAMETERS if k != "round_days")
_CHECKED_CHAINS: dict = {}   # chain_key -> True: chains known to be chains of probabilities


def _check_chain(model):
    """Refuse a chain whose transitions or noise are not probabilities, as the model's generic
    game does (its GameError names the state and profile). The generic game is built once per
    chain, except for a chain that differs from one already checked only in its probabilities,
    each in [0, 1]: every transition and noise is then a product of these numbers and their
    complements, a probability (the misfire tipping bisection builds about 30 such chains)."""
    key = chain_key(model)
    if key in _CHECKED_CHAINS:
        return
    v = model._v
    if not (all(0 <= v[k] <= 1 for k in PROBABILITY_PARAMETERS)
            and any(dict(k)["round_days"] == v["round_days"] for k in list(_CHECKED_CHAINS))):
        _chain_game(model)
    _remember(_CHECKED_CHAINS, key, lambda: True)


def _chain_tables(model, q) -> tuple:
    """``(mixes, weights, nxt)`` of :func:`_outcome_tables`: what depends on the chain only
    (:func:`_noise_mixes`, :func:`_next_states`), kept per chain."""
    mixes, weights = _noise_mixes(model, q)
    return mixes, weights, _next_states(model, mixes, q)


def _noise_mixes(model, q) -> tuple:
    """``(mixes, weights)`` of :func:`_outcome_tables`: for each intended profile the realised
    profiles with their probabilities under the noise, as ``Fraction`` and as ``fmpq`` (the
    noise reads only :data:`CHAIN_PARAMETERS`)."""
    mixes = {(u, i): [(ru, ri, pu * pi) for ru, pu in model.realised("US", u).items()
                      for ri, pi in model.realised("Iran", i).items() if pu * pi]
             for u in ACTIONS["US"] for i in ACTIONS["Iran"]}
    weights = {(u, i): [(ru, ri, q(w)) for ru, ri, w in mix] for (u, i), mix in mixes.items()}
    return mixes, weights


def _next_states(model, mixes, q) -> list:
    """The ``nxt`` part of :func:`_outcome_tables` (it depends on the chain parameters only)."""
    index = {s: k for k, s in enumerate(STATES)}
    nxt = []
    # from a transient state the next state depends on the realised profile only (the module
    # docstring: what is pending comes from this week's actions, the shock is drawn afresh), so
    # one row per intended profile serves every transient state
    realised, rows = {}, []
    for mix in mixes.values():
        moves = {}
        for ru, ri, w in mix:
            if (ru, ri) not in realised:
                realised[(ru, ri)] = model.transition(TRANSIENT[0], ru, ri)
            for t, r in realised[(ru, ri)].items():
                moves[index[t]] = moves.get(index[t], 0) + w * r
        rows.append(tuple((t, q(Fraction(r))) for t, r in sorted(moves.items()) if r))
    for s in STATES:
        nxt += rows if s in TRANSIENT else [((index[s], q(1)),)] * len(mixes)
    return nxt


def _exact_solution(model, profile) -> tuple:
    """``(values, gains)`` of a pure profile, exact: ``{state: (V_US, V_Iran)}`` from
    ``(I - delta P) V = r`` (one python-flint solve, two right-hand sides) and
    ``{(state, player, action): Q - V}`` for every other action of each player in every transient
    state (the one-shot deviations, in python-flint rationals; the action played gains 0)
    (what :func:`~deterrence.solvers.stochastic.markov_chain.markov_values` and
    :func:`~deterrence.solvers.stochastic.markov_perfect.one_shot_gains` give on the game)."""
    profile = _strategy(profile)

    def checked_and_solved():
        # checked only when not yet solved: the key holds every state's actions in a fixed order,
        # so a profile with a bad action never matches a solved one
        if any(len(acts) != len(PLAYERS) or any(a not in ACTIONS[p] for p, a in zip(PLAYERS, acts))
               for acts in profile.values()):
            # the game's own check names the state, player and action (the tables would raise KeyError)
            from deterrence.solvers.stochastic.markov_perfect import markov_strategy
            markov_strategy(_chain_game(model), profile)
        return _solve_exactly(model, profile)
    # the search asks again for profiles it has solved (a best response's last round is the next
    # one's first; the end is verified): solutions are kept by values and profile (fresh dicts out)
    values, gains = _remember(_SOLUTIONS, (model.values, tuple(profile.values())), checked_and_solved,
                              8 * CACHE_SIZE)
    return dict(values), dict(gains)     # gains in fmpq (immutable): converted by whoever reports them


_IDENTITIES: dict = {}      # n -> the n x n identity as a flat tuple of fmpq


def _identity(fl, n) -> tuple:
    """The ``n x n`` identity matrix, row by row, in python-flint rationals (made once per size)."""
    if n not in _IDENTITIES:
        one, zero = fl.fmpq(1), fl.fmpq()
        _IDENTITIES[n] = tuple(one if a == b else zero for a in range(n) for b in range(n))
    return _IDENTITIES[n]


def _solve_exactly(model, profile) -> tuple:
    """:func:`_exact_solution`, computed."""
    from deterrence.core.exact import from_fmpq
    fl, delta, pay, nxt = _remember(_TABLES, model.values, lambda: _outcome_tables(model))
    n = len(STATES)
    played = [_FLAT[(s, *profile[s])] if s in TRANSIENT else _FLAT[(s, "hold", "hold")] for s in STATES]
    M = list(_identity(fl, n))      # fmpq are immutable: the entries below are rebound, not changed
    for a, k in enumerate(played):
        for t, prob in nxt[k]:
            M[a * n + t] -= delta * prob
    V = fl.fmpq_mat(n, n, M).solve(fl.fmpq_mat(n, 2, [v for k in played for v in pay[k]])).table()
    dV = [[delta * v for v in row] for row in V]
    gains, expected = {}, {}
    for j, s in enumerate(STATES[:len(TRANSIENT)]):
        us, iran = profile[s]
        for p, player in enumerate(PLAYERS):
            own = profile[s][p]
            for a in ACTIONS[player]:
                if a == own:        # not a deviation (its gain is 0): left out, as deviation_gains does
                    continue
                k = _FLAT[(s, a, iran) if p == 0 else (s, us, a)]
                # the transient states share their next-state rows (one tuple per intended profile)
                key = (id(nxt[k]), p)
                if key not in expected:
                    expected[key] = sum((prob * dV[t][p] for t, prob in nxt[k]), fl.fmpq())
                gains[(s, player, a)] = pay[k][p] + expected[key] - V[j][p]
    values = {s: (from_fmpq(V[j][0]), from_fmpq(V[j][1])) for j, s in enumerate(STATES)}
    return values, gains


FILE_HEAD = '''title = "The US-Iran exchange of fire: regular limited strikes that stay limited"
description = """
A stochastic game of the exchange between US forces in Iraq and Syria and
Iran-backed militias, one round a week; payoffs are listed (US, Iran) (written by
deterrence.models.us_iran_exchange.exchange_game_toml from the calibration in
deterrence/models/us_iran_calibration.py: do not edit by hand).

A state is what is pending from last week (calm; hit: a militia strike that
killed no American; crisis: one that did; answered: the US struck the
militias) and this week's outside shock (quiet; israel: Israel struck Iranian
assets; motive: the militias have a motive of their own), plus the absorbing
states war and withdrawn. A militia strike misfires across the red line
(realised escalate) with probability misfire; US strikes are precise. Any
realised escalation is war.

At the calibration the contained exchange is a Markov perfect equilibrium
under this noise: the militias strike after Israeli strikes and on their own
motives and answer US strikes; the US answers the attacks that kill
Americans; nobody escalates or withdraws. Mutual escalation (both sides
escalate in every state, so play enters war at once) is an equilibrium too;
the contained one risk-dominates it. So are, among others, "mutual restraint
(war threatened if attacked)" and "US withdrawal", named by their path
(deterrence solve us_iran_exchange finds them).
"""
sources = [
  "Case brief (docs): 83 attacks on US personnel, 21 January 2021 to March 2023 (US Central Command).",
  "Case brief (docs): 22-30 March 2023; January 2020; the six expert claims.",
  "Shapley, L. S. (1953). Stochastic games. PNAS 39, 1095-1100.",
  "Maskin, E. and Tirole, J. (2001). Markov perfect equilibrium I. Observable actions. J. Econ. Theory 100, 191-219.",
]
players = ["US", "Iran"]
'''


def exchange_game_toml() -> str:
    """The text of ``games/us_iran_exchange.toml``: the game with formulas over the calibration.

    >>> '[stochastic.states."war".payoffs]' in exchange_game_toml()
    True
    """
    import sympy
    from deterrence.core.symbolic import as_sympy
    time_keys = ("annual_discount_rate", "round_days")
    names = [k for k in CALIBRATION if k not in time_keys]
    sym = ExchangeModel(tuple(sorted({**{k: sympy.Symbol(k) for k in names},
                                      **{k: CALIBRATION[k].value for k in time_keys}}.items())))

    def fmt(x):
        x = as_sympy(x)
        return str(x) if x.free_symbols else f'"{x}"' if not x.is_Integer else str(x)

    def quoted(x):
        x = as_sympy(x)
        return f'"{x}"' if (x.free_symbols or not x.is_Integer) else str(x)

    out = [FILE_HEAD, "[parameters]"]
    for k in EXCHANGE_FILE_PARAMETERS:
        c = CALIBRATION[k]
        value = c.value if isinstance(c.value, int) else f'"{c.value}"'
        out.append(f'{k} = {{ value = {value}, about = "{c.reason.replace(chr(34), chr(39))}; unit: {c.unit}" }}')
    out += ["", "[stochastic]", f'start = "{START}"', 'absorbing = ["war", "withdrawn"]',
            f'annual_discount_rate = "{CALIBRATION["annual_discount_rate"].value}"',
            f'round_days = {CALIBRATION["round_days"].value}', "", "[stochastic.actions]"]
    out += [f"{p} = [{', '.join(chr(34) + a + chr(34) for a in ACTIONS[p])}]" for p in PLAYERS]
    for p in PLAYERS:
        dist = sym.realised(p, "retaliate")
        out += ["", f"[stochastic.noise.{p}]",
                "retaliate = { " + ", ".join(f"{r} = {quoted(q)}" for r, q in dist.items()) + " }"]
    for s in STATES:
        out += ["", f'[stochastic.states."{s}"]']
        if s not in TRANSIENT:
            out += ['actions = { US = ["hold"], Iran = ["hold"] }', "", f'[stochastic.states."{s}".payoffs]',
                    f'"*, *" = [{", ".join(quoted(x) for x in sym.payoff(s, "hold", "hold"))}]']
            continue
        out += [f'[stochastic.states."{s}".payoffs]']
        for u in ACTIONS["US"]:
            for i in ACTIONS["Iran"]:
                out.append(f'"{u}, {i}" = [{", ".join(quoted(sympy.expand(x)) for x in sym.payoff(s, u, i))}]')
        out += [f'[stochastic.states."{s}".transitions]']
        for u in ACTIONS["US"]:
            for i in ACTIONS["Iran"]:
                dist = sym.transition(s, u, i)
                out.append(f'"{u}, {i}" = {{ ' + ", ".join(f'"{t}" = {quoted(q)}'
                                                             for t, q in dist.items()) + " }")
    out += ["", "[claims]",
            "# the contained exchange, (US, Iran) intended actions per state: a Markov perfect equilibrium",
            "# under the noise at the defaults; so is mutual escalation (its play enters war at once);",
            "# the contained exchange risk-dominates mutual escalation",
            "contained_markov_perfect = { " + ", ".join(f'"{s}" = ["{a}", "{b}"]'
                                                      for s, (a, b) in contained_profile().items()) + " }",
            "mutual_escalation_markov_perfect = true", 'risk_dominant = "contained"']
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class MarkovPerfect:
    """A pure Markov perfect equilibrium, verified under the model's noise."""

    name: str
    profile: tuple          # ((state, (US action, Iran action)), ...)
    values: tuple           # ((state, (V_US, V_Iran)), ...)
    min_deviation_loss: tuple   # (US, Iran): smallest loss from any one-shot deviation
    verified_under_noise: bool

    @property
    def actions(self) -> dict:
        """The profile as a dict: state -> (the US's action, Iran's action)."""
        return dict(self.profile)

    @property
    def min_margin(self) -> tuple:
        """Deprecated: the former name of :attr:`min_deviation_loss` (a *margin* is the loss from
        escalating, one deviation among all; see the glossary)."""
        import warnings
        warnings.warn("MarkovPerfect.min_margin is deprecated and will be removed in a later release; "
                      "use min_deviation_loss", DeprecationWarning, stacklevel=2)
        return self.min_deviation_loss


def exchange_model(**overrides) -> ExchangeModel:
    """The model at the calibration, with ``overrides`` (e.g. ``W_iran=60``).

    >>> exchange_model().delta
    Fraction(730, 737)
    """
    return ExchangeModel(tuple(sorted(calibration_values(**overrides).items())))


def verify(model: ExchangeModel, profile: dict) -> MarkovPerfect:
    """Check a pure stationary profile with the toolkit's exact check
    (:func:`deterrence.solvers.stochastic.markov_perfect.verify_markov_perfect`): no profitable
    one-shot deviation in any state, under the model's noise; also the smallest deviation losses.

    >>> verify(exchange_model(), contained_profile()).verified_under_noise
    True
    """
    from deterrence.core.exact import from_fmpq
    gains = model._deviation_gains(profile)      # exact (fmpq on the fast path): compared, 2 converted
    fast = _fast(model)
    if fast:     # the same exact check on the model's own tables (see _exact_solution)
        ok = all(g <= 0 for g in gains.values())
    else:
        from deterrence.solvers.stochastic.markov_perfect import verify_markov_perfect
        ok, _ = verify_markov_perfect(model.stochastic_game, _strategy(profile))
    losses = tuple(-max(g for (s, p, a), g in gains.items() if p == player) for player in PLAYERS)
    if fast:
        losses = tuple(from_fmpq(m) for m in losses)
    vals = model.values_of(profile)
    return MarkovPerfect(_name(profile, reached_states(model, profile)), tuple(sorted(profile.items())),
                         tuple(sorted(vals.items())), losses, ok)


def reached_states(model: ExchangeModel, profile: dict) -> frozenset:
    """The transient states that play reaches with positive probability from :data:`START`
    under a pure profile and the model's noise (exact; the rest of the profile is off the path).

    >>> sorted(reached_states(exchange_model(), {s: ("hold", "hold") for s in TRANSIENT}))
    ['calm/israel', 'calm/motive', 'calm/quiet']
    >>> len(reached_states(exchange_model(), contained_profile())) == len(TRANSIENT)
    True
    """
    if _fast(model):     # the noise and transitions are the chain's: kept per chain and profile
        key = (chain_key(model), tuple((s, tuple(a)) for s, a in profile.items()))
        return _remember(_REACHED, key, lambda: _reached_states(model, profile))
    return _reached_states(model, profile)


def _reached_states(model, profile) -> frozenset:
    """:func:`reached_states`, computed."""
    seen, todo = {START}, [START]
    while todo:
        s = todo.pop()
        us, iran = profile[s]
        for ru, pu in model.realised("US", us).items():
            for ri, pi in model.realised("Iran", iran).items():
                if not pu * pi:
                    continue
                for t, q in model.transition(s, ru, ri).items():
                    if q and t in TRANSIENT and t not in seen:
                        seen.add(t)
                        todo.append(t)
    return frozenset(seen)


def _name(profile, reached=None) -> str:
    """The name of a pure profile, from what it plays in the ``reached`` states (all, when
    None): a name never promises strikes, answers or escalation that the path of play does
    not hold; a threat of war kept off the path is named as such."""
    if profile == contained_profile():
        return "contained exchange"
    if all(a == ("escalate", "escalate") for a in profile.values()):
        return "mutual escalation"
    on_path = {s: a for s, a in profile.items() if reached is None or s in reached}
    if any("escalate" in a for a in on_path.values()):
        return "escalation"
    if any("withdraw" in a for a in on_path.values()):
        return "US withdrawal"
    if all(a == ("hold", "hold") for a in on_path.values()):
        threat = any("escalate" in a for a in profile.values())
        return "mutual restraint (war threatened if attacked)" if threat else "mutual restraint"
    if all(a[1] == "hold" for a in on_path.values()):
        return "limited US strikes, no militia attacks"
    answered = {s for s, a in on_path.items() if a[0] == "retaliate" and _split(s)[0] in ("hit", "crisis")}
    attacked = {s for s in on_path if _split(s)[0] in ("hit", "crisis")}
    if not answered:
        return "limited strikes, none answered"
    if answered == attacked:
        return "limited strikes, every attack answered"
    return "limited strikes, some attacks answered"


#: the names of the search's starting profiles, in order (:func:`search_starts`)
START_NAMES = ("contained exchange", "mutual escalation", "mutual restraint", "every attack answered",
               "no attack answered",
               "US withdrawal")


def search_starts() -> dict:
    """The pure profiles the equilibrium search starts from (:func:`markov_perfect_equilibria`).

    >>> list(search_starts()) == list(START_NAMES)
    True
    """
    contained = contained_profile()

    def with_us(rule):
        return {s: (rule(s), contained[s][1]) for s in TRANSIENT}
    profiles = (contained, mutual_escalation_profile(), {s: ("hold", "hold") for s in TRANSIENT},
                with_us(lambda s: "retaliate" if _split(s)[0] in ("hit", "crisis") else "hold"),
                with_us(lambda s: "hold"), with_us(lambda s: "withdraw"))
    return dict(zip(START_NAMES, profiles))


def search_text(changed=()) -> str:
    """What :func:`markov_perfect_equilibria` searches, for the report (it is not a complete search),
    and what the front door's wider search finds at the calibration. ``changed`` names the values
    of the report that are not the calibration's (set with ``--set``, or fitted): the front door's
    search was not run at them, which the text says (it said "at the calibration" as if of the
    report's values: an error review).

    >>> search_text() == SEARCH and "at the calibration, named" in SEARCH
    True
    >>> "at the calibration (not searched at this report's values of W_iran)" in search_text(["W_iran"])
    True
    """
    at = ("at the calibration" if not changed else
          f"at the calibration (not searched at this report's values of {', '.join(changed)})")
    return ("pure stationary profiles only, reached by alternating exact best responses (policy iteration on "
            f"the one-shot gains under the noise) from {len(START_NAMES)} starts: " + ", ".join(START_NAMES) + "; "
            "mixed profiles are not searched here (homotopy_selection runs the toolkit's logit homotopy); "
            "the list is not claimed complete: the game has about 9 * 10^12 pure stationary profiles; "
            "the front door's search from random starts too (deterrence solve us_iran_exchange) finds more "
            f"pure MPE: {at}, named by their path, mutual restraint (war threatened if attacked), "
            "US withdrawal and escalation; each of those plans escalation in some states, on its path or off it "
            "(a threat), and the selection of claim 1 weighs the contained exchange against mutual escalation only")


#: What :func:`markov_perfect_equilibria` searches, for the report at the calibration (:func:`search_text`).
SEARCH = search_text()


def search_end(model: ExchangeModel, profile: dict) -> dict:
    """Where the search of :func:`markov_perfect_equilibria` goes from one start: alternating
    exact best responses, the US's then Iran's, until a round changes nothing (at most 20 rounds).

    >>> search_end(exchange_model(), contained_profile()) == contained_profile()
    True
    """
    for _ in range(20):
        new = model.best_response(profile, "US")
        new = model.best_response(new, "Iran")
        if new == profile:
            break
        profile = new
    return profile


def markov_perfect_equilibria(model: ExchangeModel) -> tuple:
    """Pure Markov perfect equilibria found by alternating best responses from the starts of
    :func:`search_starts` (see :data:`SEARCH`); each returned one is verified under the noise.

    >>> [e.name for e in markov_perfect_equilibria(exchange_model())]
    ['contained exchange', 'mutual escalation']
    """
    found = []
    for start in search_starts().values():
        eq = verify(model, search_end(model, start))
        if eq.verified_under_noise and eq.profile not in [e.profile for e in found]:
            found.append(eq)
    return tuple(found)


def selected_equilibrium(equilibria):
    """The rule of :func:`select` (the one choice the predictions follow) among equilibria
    found: the contained exchange if it is one, else the first found that is not mutual escalation,
    else the first.

    >>> selected_equilibrium(markov_perfect_equilibria(exchange_model())).name
    'contained exchange'
    """
    contained = [e for e in equilibria if e.name == "contained exchange"]
    others = [e for e in equilibria if e.name != "mutual escalation"]
    return (contained or others or list(equilibria))[0]


@dataclass(frozen=True)
class Selection:
    """The play the predictions of the case follow, chosen once (:func:`select`) and read by
    everything that speaks of it: the map's regime (:meth:`ExchangeModel.classify`), the
    analysis and every section and JSON key of the report.

    ``followed``: the selected Markov perfect equilibrium; when the search found none, the
    contained profile, checked (``verified_under_noise`` is false: it is not an equilibrium)
    and named :data:`NOT_AN_EQUILIBRIUM`, so that no reader calls it the contained exchange.
    ``regime``: its index in :data:`REGIMES`.
    """

    followed: MarkovPerfect
    regime: int

    @property
    def found(self) -> bool:
        """Whether the search found an equilibrium (else the contained profile is followed)."""
        return REGIMES[self.regime] != "no pure equilibrium found"

    @property
    def contained(self) -> bool:
        """Whether the contained exchange is the equilibrium followed."""
        return REGIMES[self.regime] == "contained exchange"

    @property
    def mutual_escalation(self) -> bool:
        """Whether mutual escalation is the equilibrium followed (no other was found)."""
        return REGIMES[self.regime] == "mutual escalation"

    @property
    def label(self) -> str:
        """The report's word for the regime: ``"contained"``, ``"mutual escalation"``, the name of another
        equilibrium followed, or ``"no pure equilibrium found"``."""
        if self.contained:
            return "contained"
        return self.followed.name if self.found else REGIMES[self.regime]


def select(model: ExchangeModel, equilibria=None) -> Selection:
    """The one choice of the play the predictions follow: :func:`selected_equilibrium` among
    ``equilibria`` (default :func:`markov_perfect_equilibria`), or, when there is none, the
    contained profile (checked, and not an equilibrium), with its regime in :data:`REGIMES`.

    >>> chosen = select(exchange_model())
    >>> chosen.followed.name, REGIMES[chosen.regime], chosen.label
    ('contained exchange', 'contained exchange', 'contained')
    >>> select(exchange_model(W_iran=1000)).label
    'mutual restraint'
    >>> none = select(exchange_model(b_us=20, c_iran=2, k_us=80, israeli_strike_rate=0))
    >>> none.label, none.followed.name, none.followed.verified_under_noise
    ('no pure equilibrium found', 'contained profile, not an equilibrium', False)
    """
    from dataclasses import replace
    found = markov_perfect_equilibria(model) if equilibria is None else tuple(equilibria)
    if not found:
        checked = verify(model, contained_profile())
        return Selection(replace(checked, name=NOT_AN_EQUILIBRIUM), REGIMES.index("no pure equilibrium found"))
    chosen = selected_equilibrium(found)
    regime = ("contained exchange" if chosen.name == "contained exchange" else
              "mutual escalation" if chosen.name == "mutual escalation" else "another equilibrium short of war")
    return Selection(chosen, REGIMES.index(regime))


def homotopy_selection(model: ExchangeModel, *, max_steps: int = 600):
    """The Markov perfect equilibrium at the end of the toolkit's logit homotopy from uniform
    play (an equilibrium selection: Herings and Peeters 2004; Eibelshaeuser and Poensgen 2019),
    certified exactly under the noise, as ``(name, equilibrium)``; ``(None, None)`` when the
    path is lost or its end fails the certificate. Mixed profiles can be its end; a pure end is
    named as in the report. Slow (a few seconds at the calibration): the report does not run it.

    At the calibration the path ends at the contained exchange (a test checks it: a few
    seconds); a path cut short after ``max_steps`` steps gives no equilibrium:

    >>> homotopy_selection(exchange_model(), max_steps=1)
    (None, None)
    """
    from deterrence.solvers.stochastic.markov_perfect import (certify_markov_perfect,
                                                             logit_homotopy_candidates)
    game = model.stochastic_game
    for sig in logit_homotopy_candidates(game, 0, 0, max_steps):
        candidate = {s: [list(d) for d in sig[j]] for j, s in enumerate(game.states)}
        eq = certify_markov_perfect(game, candidate)
        if eq is None:
            return None, None
        pure = all(all(x in (0, 1) for x in d) for s in TRANSIENT for d in eq.strategies[s])
        if not pure:
            return "mixed", eq
        profile = {s: tuple(ACTIONS[p][list(d).index(1)] for p, d in zip(PLAYERS, eq.strategies[s]))
                   for s in TRANSIENT}
        return _name(profile, reached_states(model, profile)), eq
    return None, None


# -- time: weeks in a span, from the game's round length (core.stochastic.rounds_in) -----------------
def weeks_in(*, days=0, months=0, years=0) -> Fraction:
    """Exact number of weekly rounds in a span (a month is 365/12 days, a year 365).

    >>> weeks_in(months=26), weeks_in(years=1)
    (Fraction(4745, 42), Fraction(365, 7))
    """
    from deterrence.core.stochastic import rounds_in
    return rounds_in(_calibration_round(), days=days, months=months, years=years)


def horizon_weeks(*, days=0, months=0, years=0) -> int:
    """The smallest whole number of weeks that covers a span.

    >>> horizon_weeks(months=26), horizon_weeks(years=10)
    (113, 522)
    """
    import math
    return math.ceil(weeks_in(days=days, months=months, years=years))


@functools.cache
def _calibration_round():
    """The round length of the calibrated game, all that ``rounds_in`` reads of a game: building
    the whole stochastic game for it cost a cached ``deterrence report`` NumPy and SciPy."""
    from types import SimpleNamespace
    return SimpleNamespace(round_days=dict(exchange_model().values)["round_days"])


# -- the chain of play (deterrence.solvers.stochastic.markov_chain) -------------------------
def play_statistics(model: ExchangeModel, profile: dict, rounds: int, start: str = START) -> dict:
    """Expected attacks and US answers in the first ``rounds`` weeks, and P(war), P(withdrawal)
    by then, from the toolkit's chain (floats: horizons of hundreds of weeks).

    An attack is a realised militia strike (limited or misfired); an answer is a US strike in
    a week after an attack.

    >>> st = play_statistics(exchange_model(), contained_profile(), 113)
    >>> 0.6 < st["attacks"] / 113 < 0.9 and st["war"] < 0.1
    True
    """
    if _fast(model):     # the chain game is the chain's (payoffs do not enter): kept per chain
        key = (chain_key(model), tuple(_strategy(profile).items()), rounds, start)
        return dict(_remember(_STATISTICS, key, lambda: _play_statistics(model, profile, rounds, start)))
    return _play_statistics(model, profile, rounds, start)


def _play_statistics(model, profile, rounds, start) -> dict:
    """:func:`play_statistics`, computed."""
    from deterrence.solvers.stochastic.markov_chain import (absorption_probability, expected_visits,
                                                            realised_action_probabilities)
    game, strategy = _chain_game(model), _strategy(profile)
    visits = expected_visits(game, strategy, rounds, start=start, exact=False)
    seen = realised_action_probabilities(game, strategy)
    attacks = sum(visits[s] * float(seen[s]["Iran"]["retaliate"] + seen[s]["Iran"]["escalate"]) for s in TRANSIENT)
    answers = sum(visits[s] * float(seen[s]["US"]["retaliate"]) for s in TRANSIENT
                  if _split(s)[0] in ("hit", "crisis"))
    war, withdrawn = (float(absorption_probability(game, strategy, rounds, states=[x], start=start, exact=False))
                      for x in ("war", "withdrawn"))
    return {"attacks": attacks, "answers": answers, "war": war, "withdrawn": withdrawn, "rounds": rounds}


def peace_rates(model: ExchangeModel) -> tuple:
    """``(q, s)``, exact: the chance that a week gives the militias a reason to strike, and the
    long-run militia strike rate a week at peace on the contained exchange's path (a strike
    comes with a reason, or answers a US strike, which answers a deadly strike two weeks before
    unless a new strike came first): the formulas ``q`` and ``s`` of the report's
    :func:`~deterrence.models.us_iran_exchange_report.headline_formulas`.
    Every "a week" and "a year" rate of claims 2, 4 and 5 is taken from ``s``, so that they
    agree with the formulas and with each other (a rate averaged over ten years of the chain
    would count the weeks after a war as weeks without strikes).

    >>> q, s = peace_rates(exchange_model())
    >>> q, round(float(s), 4)
    (Fraction(19, 25), 0.7605)
    """
    v = model.v
    lam, sig, eps = (Fraction(v[k]) for k in ("israeli_strike_rate", "motive_rate", "deadly_fraction"))
    q = lam + (1 - lam) * sig
    return q, q / (1 - (1 - q) ** 2 * eps)


def war_hazard(misfire, strikes_per_week, us_misfire=0, us_strikes_per_week=0) -> tuple:
    """``(per week, per year)``: the war hazard at peace, ``h = eta * s + eta_US * s_US`` a week
    (each militia strike misfires into war with probability ``eta``, each US strike with
    ``eta_US``; exact when all are) and ``1 - (1 - h)^(365/7)`` a year. The report's formula
    ``h`` and claims 4 and 6's war hazard are this one function.

    >>> h, per_year = war_hazard(Fraction(1, 1600), Fraction(3, 4)); h, round(per_year, 4)
    (Fraction(3, 6400), 0.0242)
    """
    h = misfire * strikes_per_week + us_misfire * us_strikes_per_week
    return h, within_a_year(h)


def within_a_year(hazard) -> float:
    """The probability that an event of weekly ``hazard`` happens within a year, ``1 - (1 - h)^(365/7)``
    (war here, the US's withdrawal in :func:`deterrence.models.us_iran_regimes.withdrawal_hazard`).

    >>> round(within_a_year(0.01), 4)
    0.4079
    """
    return 1 - (1 - float(hazard)) ** (365 / 7)


def peace_war_hazard(model) -> tuple:
    """:func:`war_hazard` of the exchange ``model`` at peace on the contained exchange's path:
    the militias strike ``s`` times a week (the report's formula ``s``) and the US answers the
    deadly ones, ``s * deadly_fraction`` a week.

    >>> round(float(peace_war_hazard(exchange_model())[0]), 6)
    0.000475
    """
    v = model.v
    s = peace_rates(model)[1]
    return war_hazard(Fraction(v["misfire"]), s, Fraction(v["us_misfire"]), s * Fraction(v["deadly_fraction"]))


def israeli_strike_response(model: ExchangeModel, rounds: int, step=Fraction(1, 10)) -> float:
    """The brief's "uptick leads to uptick" in numbers: extra attacks on US forces a month per
    extra week a month with an Israeli strike, on the contained exchange's path over the first
    ``rounds`` weeks: the difference of the attacks when the weekly Israeli strike rate rises
    by ``step`` (forward; backward where the rate would pass 1). The report's claim 3 and the
    fit's prediction (with its standard error) are this one number; a chord from a rate of 0,
    where the contained exchange is no equilibrium, gave 0.454 beside the fit's 0.449.

    >>> 0.3 < israeli_strike_response(exchange_model(), 113) < 0.6
    True
    >>> 0.3 < israeli_strike_response(exchange_model(israeli_strike_rate=1), 113) < 1
    True
    """
    lam = Fraction(model.v["israeli_strike_rate"])
    # forward, or backward near 1 (a step capped at 99/100 was 0 there: a ZeroDivisionError)
    other = lam + step if lam + step <= 1 else lam - step
    moved = exchange_model(**{**model.v, "israeli_strike_rate": other})
    attacks = [play_statistics(m, contained_profile(), rounds)["attacks"] for m in (model, moved)]
    # attacks a week per unit of the weekly rate: the months cancel
    return (attacks[1] - attacks[0]) / rounds / float(other - lam)


__all__ = ["exchange_game_toml", "CHAIN_PARAMETERS", "chain_key", "reference_path", "reference_path_on",
           "ExchangeModel", "MarkovPerfect", "exchange_model", "contained_profile", "mutual_escalation_profile",
           "verify", "reached_states", "markov_perfect_equilibria", "search_end",
           "selected_equilibrium", "Selection", "select", "REGIMES", "NOT_AN_EQUILIBRIUM", "search_starts",
           "START_NAMES", "SEARCH", "search_text",
           "homotopy_selection", "play_statistics", "israeli_strike_response", "peace_rates",
           "war_hazard", "peace_war_hazard", "within_a_year",
           "weeks_in", "horizon_weeks", "STATES", "TRANSIENT", "PLAYERS", "ACTIONS", "START"]
