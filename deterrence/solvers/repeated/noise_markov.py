"""Noisy play as a Markov chain over product states: payoffs, frequencies, probability of war.

With implementation or perception errors two automata drive a finite Markov
chain over their product states (J. G. Kemeny and J. L. Snell, *Finite Markov
Chains*, 1960). This module computes, exactly with ``Fraction`` for rational
noise (or in floats with ``float=True``):

* discounted payoffs (as :mod:`.repeated_values`) and **long-run average**
  payoffs (the Cesaro limit: recurrent classes found from the support graph,
  their stationary distributions, and the absorption probabilities from the
  start state through the fundamental matrix ``N = (I - Q)^-1``);
* long-run frequency of every action profile;
* the **probability of war**: with ``war`` a set of action profiles (default: both sides
  on their top rung, e.g. (escalate, escalate)), the probability that war
  breaks out within ``T`` rounds, the probability it ever does, and the
  expected number of rounds until it does (fundamental matrix of the chain
  with war made absorbing; ``None`` when war is not certain).

The echo effect of tit-for-tat under noise (one error sets off an alternation
of strikes, and a second error a mutual feud) and its cure by generosity or
contrition: R. Boyd (1989), J. Theor. Biol. 136; M. Nowak and K. Sigmund
(1992), Nature 355; J. Wu and R. Axelrod (1995), J. Conflict Resolut. 39;
P. Molander (1985), J. Conflict Resolut. 29. Classic check: noisy TFT against
TFT has long-run average ``(R + S + T + P)/4`` for any symmetric error rate in (0, 1).

Exact answers are computed in integers: the chain is ``W / D`` with ``W`` an integer
matrix (:class:`._product.IntegerChain`), every linear system is scaled to integers
and solved exactly on the states reachable from the start only: by python-flint, and
from 100 states by sparse numeric lifting with an exact check
(:mod:`deterrence.core.exact_lifting`). The
``Fraction`` path below is the fallback when flint cannot be imported, and the
reference the tests hold the integer path to (``tests/test_exact_markov.py``).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from deterrence.core.exact import flint as load_flint, from_fmpq, solve_flint
from deterrence.core.numbers import format_exact, plain_number as _num
from deterrence.core.progress import check_progress, progress_bar
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers.repeated import _product
from deterrence.core.repeated import war_profiles
from deterrence.solvers.repeated.repeated_values import repeated_game_and_profile
from deterrence.solvers.result import TextRepr


@dataclass(frozen=True)
class NoiseAnalysis(TextRepr):
    """Result of :func:`analyse_noise`. Its repr is the probability of war in one line (the dataclass repr
    listed every profile's frequency: a review):

    >>> from deterrence import load_game
    >>> analyse_noise(load_game("prisoners_dilemma").with_defaults(), "tft", noise={"tremble": "1/10"}, within=10)
    ... # doctest: +NORMALIZE_WHITESPACE
    <NoiseAnalysis: tit_for_tat vs tit_for_tat: war (a round with (C, D) or (D, C) or (D, D)) within 10 rounds
     with probability 0.878423; expected rounds until war: 5.26316; long-run payoffs 2.25, 2.25>
    """

    players: tuple
    strategies: tuple
    discounted_payoffs: tuple | None
    long_run_payoffs: tuple
    profile_frequencies: dict
    war_profiles: tuple
    within: int
    war_probability: object
    war_eventually: object
    expected_rounds_to_war: object
    exact: bool

    def __post_init__(self):
        # read-only (core.frozen): this value is part of RepeatedAnalysis, rendered many times
        from deterrence.core.frozen import frozen
        object.__setattr__(self, "profile_frequencies", frozen(dict(self.profile_frequencies)))

    def no_expected_time(self, digits: int = 4) -> str:
        """Why the expected time until war has no value (it has none unless war is certain):
        war never comes, or it may never come, with its probability over all rounds (not
        "never certain", which a review read as a probability of exactly 0).

        >>> from deterrence import load_game
        >>> analyse_noise(load_game("us_iran_stage").with_defaults()).no_expected_time()
        'none: war never comes under this play and noise (its probability over all rounds is 0)'
        """
        from deterrence.core.numbers import format_approx
        if self.war_eventually == 0:
            return "none: war never comes under this play and noise (its probability over all rounds is 0)"
        return (f"infinite: war may never come (its probability over all rounds is "
                f"{format_approx(self.war_eventually, digits, 'f')})")

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_approx
        war = " or ".join("(" + ", ".join(p) + ")" for p in self.war_profiles) or "none"
        rounds = (self.no_expected_time() if self.expected_rounds_to_war is None
                  else format_approx(self.expected_rounds_to_war, 6))
        return (f"{' vs '.join(self.strategies)}: war (a round with {war}) within {self.within} rounds "
                f"with probability {format_approx(self.war_probability, 6)}; expected rounds until war: {rounds}; "
                "long-run payoffs "
                + ", ".join(format_approx(v, 6) for v in self.long_run_payoffs))

    def to_json(self) -> dict:
        """The NoiseAnalysis as a JSON-ready dict of plain values: ``discounted_payoffs``,
        ``long_run_payoffs``, ``profile_frequencies``, ``war_profiles``, ``within``,
        ``war_probability``, and more."""
        f = format_exact
        return {"discounted_payoffs": None if self.discounted_payoffs is None else
                [f(v) for v in self.discounted_payoffs],
                "long_run_payoffs": [f(v) for v in self.long_run_payoffs],
                "profile_frequencies": {f"{a}, {b}": f(v) for (a, b), v in self.profile_frequencies.items()},
                "war_profiles": [list(p) for p in self.war_profiles], "within": self.within,
                "war_probability": f(self.war_probability),
                "war_eventually": f(self.war_eventually),
                "expected_rounds_to_war": None if self.expected_rounds_to_war is None
                else f(self.expected_rounds_to_war)}


def _support_reach(P, start, mode):
    N = P.shape[0]
    seen, todo = {start}, [start]
    while todo:
        x = todo.pop()
        for y in range(N):
            if P[x, y] != 0 and y not in seen:
                seen.add(y)
                todo.append(y)
    return sorted(seen)


def _long_run_distribution(P, start, mode):
    """Cesaro-limit distribution over product states from ``start``."""
    from scipy.sparse.csgraph import connected_components
    R = _support_reach(P, start, mode)
    {x: k for k, x in enumerate(R)}
    sub = np.array([[1 if P[x, y] != 0 else 0 for y in R] for x in R])
    _, labels = connected_components(sub, directed=True, connection="strong")
    classes = {}
    for k, lab in enumerate(labels):
        classes.setdefault(lab, []).append(R[k])
    closed = [c for c in classes.values()
              if all(P[x, y] == 0 or y in c for x in c for y in R)]
    in_closed = {x for c in closed for x in c}
    transient = [x for x in R if x not in in_closed]
    zero = 0.0 if mode == "float" else 0
    one = 1.0 if mode == "float" else 1
    mu = {x: zero for x in R}
    # absorption probabilities from start into each closed class
    if start in in_closed:
        weights = [one if start in c else zero for c in closed]
    else:
        n = len(transient)
        tpos = {x: k for k, x in enumerate(transient)}
        # z = e_start (I - Q)^-1  <=>  (I - Q)^T z = e_start
        M = [[(one if i == j else zero) - P[transient[j], transient[i]] for j in range(n)] for i in range(n)]
        b = [one if transient[i] == start else zero for i in range(n)]
        z = _product.solve_linear(M, b, mode)
        weights = [sum((z[tpos[x]] * P[x, y] for x in transient for y in c if P[x, y] != 0), zero)
                   for c in closed]
    for c, w in zip(closed, weights):
        if w == 0:
            continue
        n = len(c)
        # pi (I - P_C) = 0, sum pi = 1: replace the last equation by the sum
        M = [[(one if i == j else zero) - P[c[j], c[i]] for j in range(n)] for i in range(n - 1)]
        M.append([one] * n)
        b = [zero] * (n - 1) + [one]
        pi = _product.solve_linear(M, b, mode)
        for x, p in zip(c, pi):
            mu[x] = mu[x] + w * p
    return mu


#: horizons (rounds) from which the analysis of the probability of war shows its progress unasked
LONG_HORIZON = 10_000


def analyse_noise(game, profile=None, *, delta=None, noise=None, war=None, within: int = 100,
                  float: bool = False, progress=None) -> NoiseAnalysis:
    """Exact analysis of a (noisy) match between two automata.

    ``game``: a RepeatedGame, or a stage game with ``delta`` (optional here:
    without it only long-run figures are given) and ``noise``. ``progress``: a bar of
    the rounds of ``within`` (:func:`~deterrence.core.progress.progress_bar`; by default
    from :data:`LONG_HORIZON` rounds when standard error is a terminal). ``war``: the profiles
    that count as war (:func:`~deterrence.core.repeated.war_profiles`); by default the game
    file's ``[repeated] war``, else every profile in which a side escalates.

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma").with_defaults()
    >>> a = analyse_noise(pd, "tft", noise={"tremble": "1/10"}, war=[("D", "D")], within=2)
    >>> a.long_run_payoffs, a.war_probability, a.expected_rounds_to_war
    ((Fraction(9, 4), Fraction(9, 4)), Fraction(343, 10000), 20)
    """
    from deterrence.core.repeated import RepeatedGame, repeated_section
    # delta 0 stands in when none is given: only the long-run figures use no discounting
    has_delta = (delta is not None or isinstance(game, RepeatedGame)
                 or repeated_section(game).delta is not None)
    rg, automata = repeated_game_and_profile(game, profile, delta=delta, noise=noise, default_delta=0)
    at_defaults(rg.stage, "analyse_noise", "computed")    # says so (the noise follows the stage)
    rg = rg.with_horizon(None).with_strategies(None).with_defaults()
    if isinstance(within, bool) or not isinstance(within, (int, np.integer)) or within < 0:
        raise GameError(f"within must be a whole number of rounds >= 0, got {within!r}")
    check_progress(progress)
    automata = tuple(a.subs(rg.stage.parameters) for a in automata)
    mode = _product.mode_of(rg, automata, float)
    if mode == "symbolic":
        raise GameError("noise analysis needs numbers: give delta, noise and probabilities values")
    chain = _product.Chain(rg, automata, mode)
    bar = progress_bar(int(within), "probability of war", progress, large=within >= LONG_HORIZON, unit="round")
    try:
        if mode == "exact" and load_flint() is not None:
            try:
                return _analyse_exact(chain, rg, automata, war, int(within), has_delta, bar)
            except TypeError:          # some number is not an exact rational: the general path
                pass
        disc = None
        if has_delta:
            V = _product.values(chain)
            disc = (_num(V[0][chain.start()]), _num(V[1][chain.start()]))
        return _analyse(chain, rg, automata, mode, war, int(within), disc, bar)
    finally:
        bar.close()


def _analyse(chain, rg, automata, mode, war, within, disc, bar=None):
    stage = rg.stage
    P, r = chain.P(), chain.r()
    x0 = chain.start()
    zero = 0.0 if mode == "float" else 0
    mu = _long_run_distribution(P, x0, mode)
    F = chain.profile_probs()
    a1, a2 = stage.actions
    freq = {}
    for b1 in range(len(a1)):
        for b2 in range(len(a2)):
            freq[(a1[b1], a2[b2])] = _num(sum((mu[x] * F[x, b1, b2] for x in mu), zero))
    lr = tuple(_num(sum((mu[x] * r[k][x] for x in mu), zero)) for k in range(2))
    wp = war_profiles(stage, war)
    prob, ever, rounds = war_risk_arrays(chain, wp, within, bar)
    return NoiseAnalysis(players=stage.players, strategies=tuple(a.name for a in automata),
                         discounted_payoffs=disc, long_run_payoffs=lr, profile_frequencies=freq,
                         war_profiles=wp, within=within, war_probability=_num(prob),
                         war_eventually=_num(ever), expected_rounds_to_war=_num(rounds),
                         exact=mode != "float")


def _analyse_exact(chain, rg, automata, war, within, has_delta, bar=None):
    """:func:`analyse_noise` in integers (python-flint), on the states reachable from the start.

    ``W`` on the reachable states is read once (its nonzeros): the discounted system, the
    long-run system and the war chain are all set from it.
    """
    flint = load_flint()
    stage = rg.stage
    ic = chain.integers()
    x0 = chain.start()
    succ = ic.successors()
    R = _product.reach(succ, x0)
    idx = np.asarray(R)
    WR = ic.W[idx[:, None], idx]
    nz = _product.nonzeros(WR)
    # per reachable state, the chance of each realised profile (times Df): rewards are
    # F U (times Dr), so frequencies and payoffs both come from mu F
    G = _product.fmpz_rows(ic.F, R)
    disc = None
    if has_delta:                                 # only the start's values are wanted
        disc = _product.start_values(chain, states=R, frows=G, nz=nz)
    n = len(R)
    pred = [[] for _ in range(n)]
    for i, j in zip(nz[0], nz[1]):
        pred[j].append(i)
    k0 = R.index(x0)
    irreducible = len(_product.reach(pred, k0)) == n      # every reachable state leads back
    if irreducible:
        mu, den = _stationary(n, nz, ic.D)
    else:
        mu, den = _long_run_exact(ic, succ, R, x0)
    S = (mu * G).entries()
    a1, a2 = stage.actions

    def ratio(p, scale):
        return from_fmpq(flint.fmpq(p, den * scale))
    freq = {(a1[b1], a2[b2]): ratio(S[b1 * len(a2) + b2], ic.Df)
            for b1 in range(len(a1)) for b2 in range(len(a2))}
    lr = tuple(ratio(_product.profile_sum(S, ic.U, k), ic.Dr) for k in range(2))
    wp = war_profiles(stage, war)
    Ww = ic.war_weights(_war_mask(stage, wp))[idx[:, None], idx]
    prob, ever, rounds = _war_core(WR - Ww, Ww.sum(axis=1), k0, ic.D, within, irreducible, bar)
    return NoiseAnalysis(players=stage.players, strategies=tuple(a.name for a in automata),
                         discounted_payoffs=disc, long_run_payoffs=lr, profile_frequencies=freq,
                         war_profiles=wp, within=within, war_probability=prob,
                         war_eventually=ever, expected_rounds_to_war=rounds, exact=True)


def _stationary(n, nz, D):
    """Stationary distribution of an irreducible chain ``W / D`` (``nz``: the nonzeros of
    ``W``) as ``(mu, den)``: ``(D I - W)^T pi = 0`` with the last equation replaced by
    ``sum(pi) = 1``."""
    rows, cols, vals = nz
    keep = [k for k, j in enumerate(cols) if j != n - 1]      # transposed; row n - 1 is the sum
    entries = ([cols[k] for k in keep] + [n - 1] * n + list(range(n - 1)),
               [rows[k] for k in keep] + list(range(n)) + list(range(n - 1)),
               [-vals[k] for k in keep] + [1] * n + [D] * (n - 1))
    pi, den = _product.solve_sparse(n, entries, 0, [[0] * (n - 1) + [1]])
    return pi.transpose(), den


def _long_run_exact(ic, succ, R, start):
    """Cesaro-limit distribution over the reachable states ``R`` when they do not all lead
    back to ``start`` (otherwise :func:`_stationary` alone): ``(mu, den)``, ``mu`` a
    1 x len(R) integer ``fmpz_mat``, the distribution being ``mu / den``.

    As :func:`_long_run_distribution`, in integers: with ``P = W / D``, the chance of
    ending in each closed class (:func:`_absorption`) times its stationary distribution.
    """
    flint = load_flint()
    mu = [flint.fmpq(0)] * len(R)
    for c, w in zip(*_absorption(ic, succ, R, start)):
        if w == 0:
            continue
        states = [R[k] for k in c]
        pi, den = _stationary(len(c), _product.nonzeros(ic.W[np.ix_(states, states)]), ic.D)
        for i, k in enumerate(c):
            mu[k] = w * flint.fmpq(pi[0, i], den)
    return flint.fmpq_mat(1, len(R), mu).numer_denom()


def _absorption(ic, succ, R, start):
    """Closed classes of the reachable states ``R`` (positions in ``R``) and the chance
    of ending in each from ``start``."""
    W, D = ic.W, ic.D
    label = _product.strong_components(succ, R)
    leaving = {label[x] for x in R for y in succ[x] if label[y] != label[x]}
    labels = [label[x] for x in R]
    classes = {}
    for k, lab in enumerate(labels):
        classes.setdefault(lab, []).append(k)            # positions in R
    closed = [c for lab, c in classes.items() if lab not in leaving]
    s0 = R.index(start)
    if labels[s0] not in leaving:
        return closed, [1 if s0 in c else 0 for c in closed]
    transient = [k for k in range(len(R)) if labels[k] in leaving]
    states = [R[k] for k in transient]
    A = _product.fmpz_system(W.T, states, D, 1)
    z = solve_flint(A, [[D if k == s0 else 0 for k in transient]])
    # weight of class C: sum over transient x, y in C of z[x] P[x, y]
    G = np.column_stack([W[np.ix_(states, [R[k] for k in c])].sum(axis=1) for c in closed])
    zw = z.transpose() * _product.fmpz_rows(G, list(range(len(states))))
    return closed, [zw[0, j] / D for j in range(len(closed))]


def _war_mask(stage, wp):
    a1, a2 = stage.actions
    mask = np.zeros((len(a1), len(a2)), dtype=bool)
    for p in wp:
        mask[a1.index(p[0]), a2.index(p[1])] = True
    return mask


def _war_risk_exact(chain, wp, within, bar=None):
    """:func:`war_risk_arrays` in integers (python-flint); exact mode only."""
    ic = chain.integers()
    Ww = ic.war_weights(_war_mask(chain.stage, wp))
    return _war_core(ic.W - Ww, Ww.sum(axis=1), chain.start(), ic.D, within, bar=bar)


#: the largest numbers the exact chance of war within T rounds may reach (digits): a
#: denominator's digits times T (a noise of 1e-400 on both sides, 801 digits, over 500 rounds: 400,000
#: digits, about 5 s of CPU; the time grows with the square of T)
MAX_WAR_DIGITS = 800_000


def _war_core(Q, w, x0, D, within, irreducible=False, bar=None):
    """Probability of war from state ``x0`` of an integer chain ``W / D`` (rows closed under its
    successors) split as ``W = Q + W_war``, ``w`` the row sums of ``W_war``.

    ``Q`` is ``D`` times the chain with war made absorbing. Only the states
    reachable from the start that can still reach war (``K``) matter: mass that leaves
    ``K`` never comes back. The chance of war within ``T`` rounds is the last entry of
    ``e_start A^T / D^T`` with ``A = [[Q_KK, w_K], [0, D]]`` (the war state keeps
    ``D^t`` times what it absorbed: Horner's rule, one matrix-vector product a round).
    War is certain exactly when every state reachable from the start can still reach it
    (``K`` is all of them): then only the expected rounds are solved for, otherwise only
    the hitting probability, with ``(D I - Q_KK)``. ``irreducible``: every state of the
    chain leads to every other, so each reaches war if any state has war weight (the
    first war on a shortest path is taken from a state whose whole row is in ``Q``).
    """
    digits = int(within * int(D).bit_length() * 0.30103)
    if digits > MAX_WAR_DIGITS:
        # the numbers of the exact chance of war grow by D's digits a round: --within 10000 with a
        # noise of 1e-400 ran past 100 s, unbounded (a fuzzing review)
        raise TooLargeError(f"the exact probability of war within {within} rounds needs numbers of about "
                            f"{digits:,} digits (the noise's probabilities share a denominator of "
                            f"{len(str(int(D)))} digits, raised to the power {within}), over the limit of "
                            f"{MAX_WAR_DIGITS:,}: lower --within, or give the noise as fewer digits")
    flint = load_flint()
    qrows, qcols, qvals = _product.nonzeros(Q)
    N = len(w)
    succ = [[] for _ in range(N)]
    for i, j in zip(qrows, qcols):
        succ[i].append(j)
    S = _product.reach(succ, x0)
    w = [int(v) for v in w]
    if irreducible and any(w):
        K = S
    else:
        inS = set(S)
        K = {x for x in S if w[x] != 0}
        pred = [[] for _ in range(N)]
        for i, j in zip(qrows, qcols):
            pred[j].append(i)
        todo = list(K)
        while todo:                                  # back from war, inside S
            for x in pred[todo.pop()]:
                if x not in K and x in inS:
                    K.add(x)
                    todo.append(x)
        if x0 not in K:
            return 0, 0, None
        K = sorted(K)
    n = len(K)
    # Q_KK once: A = [[Q_KK, w_K], [0, D]] for the rounds, M = D I - Q_KK for the solve
    A, M = flint.fmpz_mat(n + 1, n + 1), flint.fmpz_mat(n, n)
    if n == N:                                   # K is every state (the usual case)
        k0 = x0
        for i, j, q in zip(qrows, qcols, qvals):
            A[i, j] = q
            M[i, j] = -q
    else:
        pos = {x: i for i, x in enumerate(K)}
        k0 = pos[x0]
        for x, y, q in zip(qrows, qcols, qvals):
            i, j = pos.get(x), pos.get(y)
            if i is not None and j is not None:
                A[i, j] = q
                M[i, j] = -q
    for i, x in enumerate(K):
        if w[x]:
            A[i, n] = w[x]
        M[i, i] += D
    A[n, n] = D
    u, v = flint.fmpz_mat(1, n + 1), flint.fmpz_mat(1, n + 1)
    u[0, k0] = v[0, n] = 1
    # e_start A^T e_war = (e_start A^a) (A^b e_war), a + b = T: two vectors of half the
    # size (numbers grow by log2(D) bits a round) cost about half of one to round T
    a = within // 2 if n <= 64 else within      # at 400 states the halves measured no faster
    # a few rounds a product, the same power of A for both halves: A^4 while the matrix
    # is small (about 30% faster at 20-40 states), A^2 at 400 (squaring costs more)
    k = 4 if n <= 64 else 2
    Ak = None
    if within >= 4 * k:
        Ak = A * A
        if k == 4:
            Ak = Ak * Ak
    u = _vector_power(u, A, a, Ak, k, bar)
    v = _vector_power(v, A.transpose(), within - a, None if Ak is None else Ak.transpose(), k, bar)
    top = (u * v.transpose())[0, 0]
    prob = from_fmpq(flint.fmpq(top, flint.fmpz(D) ** within))
    if n < len(S):
        # some state reachable from the start cannot reach war: P(war ever) < 1, no mean time
        X = solve_flint(M, [[w[x] for x in K]])
        return prob, from_fmpq(X[k0, 0]), None
    # every reachable state is transient and war the only way out: war is certain
    X = solve_flint(M, [[D] * n])
    return prob, 1, from_fmpq(X[k0, 0])


def _vector_power(v, A, t, Ak=None, k=1, bar=None):
    """The row vector ``v A^t`` (flint ``fmpz_mat``), ``k`` rounds a product when
    ``Ak = A^k`` is given; ``bar`` (a progress bar) is moved on by the rounds."""
    if Ak is not None:
        for _ in range(t // k):
            v = v * Ak
            if bar is not None:
                bar.update(k)
        t %= k
    for _ in range(t):
        v = v * A
        if bar is not None:
            bar.update()
    return v


def war_risk_arrays(chain, wp, within, bar=None):
    """(P(war within `within` rounds), P(war ever), expected rounds to war or None).

    ``chain`` is a product chain (``deterrence.solvers.repeated._product.Chain``); most
    callers want :func:`war_risk`, which builds it.

    >>> from deterrence import load_game
    >>> from deterrence.core.repeated import RepeatedGame
    >>> from deterrence.solvers.repeated import _product
    >>> rg = RepeatedGame(load_game("prisoners_dilemma").with_defaults(), 0, None, {"tremble": "1/10"})
    >>> chain = _product.Chain(rg, _product.resolve_profile(rg, "tft"), "exact")
    >>> war_risk_arrays(chain, [("D", "D")], 2)[0]
    Fraction(343, 10000)
    """
    mode = chain.mode
    if mode == "exact" and load_flint() is not None:
        try:
            return _war_risk_exact(chain, wp, within, bar)
        except TypeError:          # some number is not an exact rational: the general path
            pass
    mask = _war_mask(chain.stage, wp).astype(float if mode == "float" else int)
    if mode != "float":
        mask = mask.astype(object)          # Python ints 0/1
    q1, q2 = chain.q[0], chain.q[1]
    Pw = chain.P(mask)
    w = np.dot(np.dot(q1, mask), q2.T).reshape(chain.N)
    Q = chain.P() - Pw
    x0 = chain.start()
    zero = 0.0 if mode == "float" else 0
    one = 1.0 if mode == "float" else 1
    # within T rounds: war made absorbing, T steps of the chain
    if mode == "float":
        if chain.N <= 64:       # few states: repeated squaring of the absorbing chain
            A = np.zeros((chain.N + 1, chain.N + 1))
            A[:-1, :-1], A[:-1, -1], A[-1, -1] = Q, w, 1.0
            prob = np.linalg.matrix_power(A, within)[x0, -1] if within else 0.0
        else:                   # many states: `within` vector-matrix products
            v = np.zeros(chain.N)
            v[x0] = 1.0
            prob = 0.0
            for _ in range(within):
                prob += v @ w
                v = v @ Q
    else:
        v = np.array([zero] * chain.N, dtype=object)
        v[x0] = one
        prob = zero
        for _ in range(within):
            if bar is not None:
                bar.update()
            prob = prob + _product._dot(v, w)
            v = np.array([sum((v[x] * Q[x, y] for x in range(chain.N) if v[x] != 0 and Q[x, y] != 0), zero)
                          for y in range(chain.N)], dtype=object)
    # states that can reach war
    K = {x for x in range(chain.N) if w[x] != 0}
    changed = True
    while changed:
        changed = False
        for x in range(chain.N):
            if x not in K and any(Q[x, y] != 0 for y in K):
                K.add(x)
                changed = True
    if x0 not in K:
        return (float(prob) if mode == "float" else prob), zero, None
    K = sorted(K)
    n = len(K)
    if mode == "float":
        M = np.eye(n) - Q[np.ix_(K, K)]
        sol = np.linalg.solve(M, np.column_stack([w[K], np.ones(n)]))
        h, t = sol[:, 0], sol[:, 1]
        k0 = K.index(x0)
        ever = float(h[k0])
        return float(prob), ever, (float(t[k0]) if abs(ever - 1) < 1e-9 else None)
    M = [[(1 if i == j else 0) - Q[K[i], K[j]] for j in range(n)] for i in range(n)]
    h = _product.solve_linear(M, [w[x] for x in K], mode)
    k0 = K.index(x0)
    ever = h[k0]
    if ever != 1:
        return prob, ever, None
    t = _product.solve_linear(M, [1] * n, mode)
    return prob, ever, t[k0]


def war_risk(game, profile=None, *, noise=None, war=None, within: int = 100) -> tuple:
    """Fast float path: ``(P(war within T), P(war ever), expected rounds or None)``.

    >>> from deterrence import load_game
    >>> g = load_game("us_iran_stage").with_defaults()
    >>> p, ever, t = war_risk(g, "tft", noise={"execution": "1/50"}, within=10)
    >>> round(p, 6), round(ever, 6)
    (0.032094, 1.0)
    """
    rg, automata = repeated_game_and_profile(game, profile, noise=noise, default_delta=0)
    at_defaults(rg.stage, "war_risk", "computed")
    rg = rg.with_horizon(None).with_strategies(None).with_defaults()
    automata = tuple(a.subs(rg.stage.parameters) for a in automata)
    chain = _product.Chain(rg, automata, "float")
    return war_risk_arrays(chain, war_profiles(rg.stage, war), within)


def echo_effect(game, noise, strategies=("tit_for_tat", "generous_tit_for_tat",
                                         "contrite_tit_for_tat", "win_stay_lose_shift")) -> dict:
    """Long-run average payoffs of each strategy against itself under noise (echo effect).

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma").with_defaults()
    >>> e = echo_effect(pd, {"tremble": "1/100"})
    >>> e["tit_for_tat"][0], e["contrite_tit_for_tat"][0] > e["tit_for_tat"][0]
    (Fraction(9, 4), True)
    """
    from deterrence.core.repeated import RepeatedGame
    if isinstance(game, RepeatedGame):      # the defaults said once here, not once per strategy
        if game.stage.is_symbolic:
            at_defaults(game.stage, "echo_effect", "computed")
            game = game.with_defaults()
    else:
        game = at_defaults(game, "echo_effect", "computed")
    return {s: analyse_noise(game, [s, s], noise=noise, within=0).long_run_payoffs for s in strategies}


__all__ = ["analyse_noise", "NoiseAnalysis", "war_risk", "war_profiles", "echo_effect",
           "war_risk_arrays"]
