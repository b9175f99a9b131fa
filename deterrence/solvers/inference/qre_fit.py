"""Maximum-likelihood fitting of the logit QRE to observed choice frequencies.

References
----------
* R. D. McKelvey and T. R. Palfrey, "Quantal response equilibria for normal
  form games", Games Econ. Behav. 10 (1995) 6-38, section 5: lambda estimated by
  maximum likelihood from experimental choice frequencies, the QRE taken on the
  principal branch.
* C. Signorino, "Strategic interaction and the statistical analysis of
  international conflict", Am. Polit. Sci. Rev. 93 (1999) 279-297: payoff
  parameters of a crisis game estimated jointly with the error scale, the
  practice this follows for symbolic games.
* Standard errors from the observed Fisher information (the negative Hessian of
  the log-likelihood at the estimate), e.g. Y. Pawitan, "In All Likelihood"
  (OUP 2001), ch. 2-3.

Steps
-----
1. Data: for each player, how often each action was observed (independent
   draws from that player's QRE strategy). The log-likelihood of lambda (and of
   the game's parameters ``theta``) is ``sum_ij n_ij log pi_ij(lambda, theta)``,
   ``pi`` the logit QRE on the principal branch
   (:func:`deterrence.solvers.normal_form.qre.qre_at`).
2. lambda alone: the branch is traced once; the best of its points brackets the
   maximum, which bounded Brent search (:func:`scipy.optimize.minimize_scalar`)
   refines.
3. With parameters: Nelder-Mead (:func:`scipy.optimize.minimize`) over
   ``(lambda, theta)`` from the lambda-only fit and the parameters' defaults.
4. Standard errors: the inverse of the observed information, the Hessian by
   central differences (:mod:`._information`). A lambda at the end of the searched
   range (the data lie nearest the branch's Nash limit) gets ``nan``.

Game trees (McKelvey and Palfrey 1998, the agent QRE): the data are how often
each move was observed at each information set, e.g. counted along observed
plays (:func:`simulate_choices` draws plays); the likelihood is the same sum
over information sets, ``pi`` the agent QRE in behaviour strategies
(:func:`deterrence.solvers.tree.agent_qre.agent_qre_at`); payoff parameters of a
symbolic tree are fitted as in Signorino's strategic probit (with logit errors).

Note that lambda and a common scale of all payoffs are not separately
identified: fit the scale of at most a subset of payoffs.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from deterrence.core.validate import at_defaults, warn_defaults
from deterrence.errors import GameError
from deterrence.solvers.result import TextRepr

__all__ = ["QREFit", "fit_logit_qre", "simulate_choices"]


@dataclass(frozen=True)
class QREFit(TextRepr):
    """A fitted logit QRE: estimates and standard errors (``"lambda"`` and each fitted
    parameter), the log-likelihood at the estimate, the number of observations and
    the fitted choice probabilities (one tuple per player; for a tree, per information set).

    Its repr gives each estimate with its standard error, or says the data do not identify it
    (the dataclass repr showed matching pennies' lambda as 0.0999999984912411 with ``nan``: a
    review; that game's logit QRE is the same at every lambda):

    >>> from deterrence import load_game
    >>> fit_logit_qre(load_game("matching_pennies").with_defaults(), [[30, 20], [25, 25]])
    ... # doctest: +ELLIPSIS +NORMALIZE_WHITESPACE
    <QREFit: lambda = ... (not identified by the data); log-likelihood -69.3147, n = 100;
     note: the likelihood is the same ...>
    """

    estimates: dict = field(hash=False)
    standard_errors: dict = field(hash=False)
    log_likelihood: float = 0.0
    n_observations: int = 0
    fitted: tuple = ()
    notes: tuple = ()
    #: ``((player or "player: information set", action labels), ...)`` in the order of ``fitted``: its JSON
    #: keys (without them ``fitted`` is written as lists)
    labels: tuple = field(default=(), hash=False)

    @property
    def lam(self) -> float:
        """The estimate of the quantal response's λ."""
        return self.estimates["lambda"]

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        parts = [f"{k} = {format_short(v)} " + (f"(se {format_short(self.standard_errors[k], 3)})"
                                                if self.standard_errors[k] == self.standard_errors[k]
                                                else "(not identified by the data)")
                 for k, v in self.estimates.items()]
        text = "; ".join(parts) + f"; log-likelihood {format_short(self.log_likelihood)}, n = {self.n_observations}"
        return text + "".join(f"; note: {n}" for n in self.notes)

    @property
    def se(self) -> float:
        """The standard error of λ's estimate."""
        return self.standard_errors["lambda"]

    def to_json(self) -> dict:
        """The QREFit as a JSON-ready dict of plain values: ``estimates``, ``standard_errors``,
        ``log_likelihood``, ``n_observations``, ``fitted``, ``notes``."""
        # a standard error the data cannot give (nan) is null: NaN is not JSON
        from deterrence.core.numbers import json_float
        return {"estimates": dict(self.estimates),
                "standard_errors": {k: json_float(v) for k, v in self.standard_errors.items()},
                "log_likelihood": self.log_likelihood, "n_observations": self.n_observations,
                # player (or "player: set") -> action -> probability, as deterrence fit --json prints it
                "fitted": ({name: dict(zip(actions, map(float, s)))
                            for (name, actions), s in zip(self.labels, self.fitted)}
                           if self.labels else [list(s) for s in self.fitted]),
                "notes": list(self.notes)}


def _is_tree(game) -> bool:
    from deterrence.core.tree import GameTree
    return isinstance(game, GameTree)


def _tree_counts(tree, counts) -> list:
    """Counts per information set (the tree's order); keys ``(player, set)``, ``"player: set"``
    or a set name that only one player uses; sets not given count 0."""
    sets = list(tree.infosets.values())
    names: dict = {}
    for st in sets:
        names.setdefault(st.name, []).append(st.key)
    out = {st.key: np.zeros(len(st.actions)) for st in sets}
    for key, c in counts.items():
        if isinstance(key, str) and ": " in key and tuple(key.split(": ", 1)) in out:
            key = tuple(key.split(": ", 1))
        elif isinstance(key, str) and len(names.get(key, ())) == 1:
            key = names[key][0]
        if key not in out:
            raise GameError(f"no information set {key!r} in the tree; its sets: "
                            f"{', '.join(f'{p}: {n}' for p, n in out)}")
        actions = tree.infosets[key].actions
        if isinstance(c, dict):
            unknown = set(c) - set(actions)
            if unknown:
                raise GameError(f"information set {key[1]!r} of {key[0]} has no move(s) "
                                f"{', '.join(map(repr, sorted(unknown)))}")
            c = [c.get(a, 0) for a in actions]
        c = np.asarray(c, dtype=float)
        if c.shape != (len(actions),):
            raise GameError(f"information set {key[1]!r} of {key[0]} needs one count per move ({len(actions)})")
        out[key] = c
    if any((c < 0).any() for c in out.values()):
        raise GameError("counts must be >= 0")
    return list(out.values())


def _model(game):
    """``(exact game at defaults, qre_at(game, lam) -> profile, branch(game, max_lambda), payoff spread)``:
    the logit QRE of a normal-form game, or the agent QRE of a tree (one entry per information set)."""
    if _is_tree(game):
        from deterrence.solvers.tree.agent_qre import agent_logit_branch, agent_qre_at
        base = game.with_defaults() if game.is_symbolic else game
        leaves = [float(v) for _, n in base.nodes() if not hasattr(n, "moves") for v in n.payoffs]
        spread = (max(leaves) - min(leaves)) if leaves else 1.0

        def at(g, lam):
            return tuple(tuple(d.values()) for d in agent_qre_at(g, lam).values())
        return base, at, agent_logit_branch, spread or 1.0
    from deterrence.solvers.normal_form.qre import logit_branch, qre_at
    base = game.with_defaults() if game.is_symbolic else game
    spread = max(float(np.ptp(a)) for a in base.as_float()) or 1.0
    return base, qre_at, logit_branch, spread


def _counts(game, counts) -> list:
    if _is_tree(game):
        return _tree_counts(game, counts)
    out = []
    if isinstance(counts, dict):
        for i, player in enumerate(game.players):
            if player not in counts:
                raise GameError(f"no observed counts for player {player}")
            c = counts[player]
            if isinstance(c, dict):
                unknown = set(c) - set(game.actions[i])
                if unknown:
                    raise GameError(f"{player} has no action(s) {', '.join(map(repr, sorted(unknown)))}")
                c = [c.get(a, 0) for a in game.actions[i]]
            out.append(np.asarray(c, dtype=float))
    else:
        out = [np.asarray(c, dtype=float) for c in counts]
    if len(out) != game.n_players or any(len(c) != m for c, m in zip(out, game.shape)):
        raise GameError(f"counts need one entry per action of each player (shape {game.shape})")
    if any((c < 0).any() for c in out):
        raise GameError("counts must be >= 0")
    return out


def _log_likelihood(profile, counts) -> float:
    total = 0.0
    for s, c in zip(profile, counts):
        for p, n in zip(s, c):
            if n:
                total += n * math.log(max(p, 1e-300))
    return total


def simulate_choices(game, lam: float, n: int, seed=None) -> dict:
    """Observed counts at the logit QRE at ``lam``: ``n`` independent choices per player of a
    normal-form game, or, for a tree, the moves seen along ``n`` independent plays of the agent
    QRE, ``{(player, information set): {move: count}}``.

    >>> from deterrence import load_game
    >>> pennies = load_game("matching_pennies").with_defaults()
    >>> data = simulate_choices(pennies, 1.0, 10, seed=3)
    >>> sum(data["Row"].values()), data == simulate_choices(pennies, 1.0, 10, seed=3)
    (10, True)
    >>> plays = simulate_choices(load_game("entry_deterrence").with_defaults(), 1.0, 50, seed=3)
    >>> sum(plays[("Entrant", "root")].values()), sorted(plays)
    (50, [('Entrant', 'root'), ('Incumbent', 'in')])
    """
    from deterrence.core.random import rng
    gen = rng(seed)
    game = at_defaults(game, "simulate_choices", "simulated")
    if _is_tree(game):
        return _simulate_plays(game, lam, n, gen)
    from deterrence.solvers.normal_form.qre import qre_at
    profile = qre_at(game, lam)
    out = {}
    for player, acts, s in zip(game.players, game.actions, profile):
        p = np.asarray(s) / sum(s)
        out[player] = dict(zip(acts, (int(v) for v in gen.multinomial(n, p))))
    return out


def _simulate_plays(tree, lam, n, gen) -> dict:
    from deterrence.core.tree import Chance
    from deterrence.solvers.tree.agent_qre import agent_qre_at
    behaviour = agent_qre_at(tree, lam)
    out = {key: dict.fromkeys(st.actions, 0) for key, st in tree.infosets.items()}

    def play(node, path, count):
        """Send ``count`` plays through ``node``: the moves split multinomially."""
        if count == 0 or not hasattr(node, "moves"):
            return
        if isinstance(node, Chance):
            labels = [m for m, _, _ in node.moves]
            probs = np.array([float(p) for _, p, _ in node.moves])
            children = [c for _, _, c in node.moves]
        else:
            key = tree.infoset_of(path).key
            labels = [m for m, _ in node.moves]
            probs = np.array([behaviour[key][m] for m in labels])
            children = [c for _, c in node.moves]
        split = gen.multinomial(count, probs / probs.sum())
        for m, c, k in zip(labels, children, split):
            if not isinstance(node, Chance):
                out[key][m] += int(k)
            play(c, path + (m,), int(k))
    play(tree.root, (), int(n))
    return out



def fit_logit_qre(game, counts, parameters=(), max_lambda: float | None = None) -> QREFit:
    """Maximum-likelihood lambda (and ``parameters`` of a symbolic game) from choice counts.

    ``counts``: ``{player: {action: count}}`` or one sequence of counts per player; for a
    game tree, ``{(player, information set): {move: count}}`` (the agent QRE).

    A symbolic game's parameters not fitted are held at their default values, said in a
    :class:`~deterrence.errors.DefaultValuesWarning` naming them; other values go in with
    ``game.with_parameters(NAME=VALUE)`` (new defaults, the game still symbolic).

    >>> from deterrence import load_game
    >>> g = load_game("chicken").with_defaults()
    >>> fit = fit_logit_qre(g, simulate_choices(g, 0.5, 4000, seed=1))
    >>> abs(fit.lam - 0.5) < 3 * fit.se
    True
    >>> t = load_game("entry_deterrence").with_defaults()
    >>> fit = fit_logit_qre(t, simulate_choices(t, 1.5, 3000, seed=2))
    >>> abs(fit.lam - 1.5) < 3 * fit.se
    True
    """
    from scipy.optimize import minimize, minimize_scalar

    data = _counts(game, counts)
    total = int(sum(c.sum() for c in data))
    parameters = tuple(parameters)
    unknown = [p for p in parameters if p not in game.parameters]
    if unknown:
        raise GameError(f"the game has no parameter(s) {', '.join(unknown)}; "
                        f"its parameters: {', '.join(game.parameters) or 'none'}")
    twice = sorted({p for p in parameters if parameters.count(p) > 1})
    if twice:       # estimated as two, the fit had no standard errors (nan), unexplained: an error review
        raise GameError(f"parameter(s) {', '.join(twice)} named twice among those to estimate")
    if parameters and not getattr(game, "is_symbolic", False):
        # subs/with_defaults put numbers in every payoff: w "fitted" stayed at its value, "not identified"
        raise GameError(f"the game's payoffs are numbers (its parameters have their values: "
                        f"{', '.join(f'{p}={game.parameters[p]}' for p in parameters)}), so there is nothing "
                        f"to fit in {', '.join(parameters)}: fit them on the symbolic game (other parameters "
                        "at other values: game.with_parameters(NAME=VALUE), which keeps it symbolic)")
    if not parameters:      # lambda alone: fitted at the parameters' defaults, saying so
        game = at_defaults(game, "fit_logit_qre", "fitted")
    else:                   # the others are held at their defaults (subs fills them): say which
        held = held_note(game, parameters)
        if held:
            # not subs, which gives every parameter a value (nothing left to fit)
            warn_defaults(f"fit_logit_qre: {held}; for other values pass game.with_parameters(NAME=VALUE)")
    base, qre_at, logit_branch, spread = _model(game)
    if max_lambda is None:
        max_lambda = 200.0 / spread

    def loglik(lam, g=base):
        return _log_likelihood(qre_at(g, max(lam, 0.0)), data)

    branch = logit_branch(base, max_lambda=max_lambda)
    values = [_log_likelihood(p, data) for p in branch.profiles]
    k = int(np.argmax(values))
    notes = []
    if max(values) - min(values) <= 1e-12 * max(1.0, abs(max(values))):
        notes.append("the likelihood is the same at every point of the logit branch: the choices say "
                     "nothing about lambda (this game's logit QRE does not move with lambda)")
    lo = branch.lambdas[max(k - 1, 0)]
    hi = branch.lambdas[min(k + 1, len(branch.lambdas) - 1)]
    if k == len(values) - 1 and not notes:
        # not "the data look like Nash play": all-swerve choices in Chicken are no equilibrium play,
        # yet its likelihood rises along the branch towards the mixed limit (an analyst's review)
        notes.append(f"the likelihood still rises at lambda = {hi:.6g}, the end of the searched range: "
                     "the data lie nearest the branch's Nash limit, and lambda is at that end")
    # the tolerance is relative: lambda scales as 1/payoffs
    lam = float(minimize_scalar(lambda v: -loglik(v), bounds=(lo, hi), method="bounded",
                                options={"xatol": 1e-10 * hi}).x) if hi > lo else lo
    names = ("lambda",) + parameters
    x = np.array([lam])
    if parameters:
        defaults = base.parameters

        def neg(v):
            if v[0] < 0:
                return 1e300
            g = game.subs({p: float(t) for p, t in zip(parameters, v[1:])})
            return -loglik(v[0], g)
        x0 = np.array([lam] + [float(defaults[p]) for p in parameters])
        x = minimize(neg, x0, method="Nelder-Mead",
                     options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000}).x

        def f(v):
            return -neg(v)
    else:
        def f(v):
            return loglik(v[0])
    steps = [1e-4 * (abs(v) if v else 1.0) for v in x]      # relative, as lambda scales as 1/payoffs
    if x[0] - steps[0] < 0 or k == len(values) - 1:
        ses = [float("nan")] * len(x)
    else:
        from deterrence.solvers.inference._information import observed_information_errors
        # a lambda near 1e-300 (payoffs near 1e300): no curvature in floats, nan errors
        ses = observed_information_errors(f, np.asarray(x, dtype=float), steps)
    g = game.subs({p: float(t) for p, t in zip(parameters, x[1:])}) if parameters else base
    fitted = qre_at(g, float(x[0]))
    return QREFit(estimates={n: float(v) for n, v in zip(names, x)},
                  standard_errors=dict(zip(names, ses)), log_likelihood=_log_likelihood(fitted, data),
                  n_observations=total, fitted=fitted, notes=tuple(notes), labels=_labels(game))


def held_note(game, parameters) -> str | None:
    """What fitting ``parameters`` of a symbolic game holds at the defaults: the other parameters
    with their values (None when there is none), as ``fit_logit_qre`` warns it and ``deterrence fit``
    notes it.

    >>> from deterrence import load_game
    >>> held_note(load_game("chicken"), ("w",))
    'w fitted; the other parameters held at their default values (l=1, crash=10)'
    """
    if not getattr(game, "is_symbolic", False):
        return None
    held = {k: v for k, v in game.with_defaults().parameters.items() if k not in parameters}
    if not held:
        return None
    shown = ", ".join(f"{k}={v}" for k, v in held.items())
    return f"{', '.join(parameters)} fitted; the other parameters held at their default values ({shown})"


def _labels(game) -> tuple:
    """The names of ``QREFit.fitted``'s entries and their actions: players, or ``"player: set"``."""
    if _is_tree(game):
        return tuple((f"{st.player}: {st.name}", tuple(st.actions)) for st in game.infosets.values())
    return tuple((p, tuple(a)) for p, a in zip(game.players, game.actions))
