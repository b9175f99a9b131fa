"""Seeded, vectorised Monte Carlo of noisy repeated matches, and round-robin tournaments.

Design, for speed (hundreds of millions of turns per second on one core with
numba, tens of millions without): the two automata and the noise are compiled
into ONE table over product states. For a product state ``x`` every outcome
``(realised profile, next product state)`` of positive probability is listed,
and Walker's alias method (A. J. Walker, "An efficient method for generating
discrete random variables with general distributions", ACM TOMS 3, 1977;
M. D. Vose, IEEE TSE 17, 1991) draws one of them from a single 32-bit random
word (half of a 64-bit draw): its low bits choose a column, and the whole
word, compared with the column's threshold, accepts it or takes its alias (a
bias below K / 2**32 for K columns). With numba (the ``fast`` extra; policy in
:mod:`deterrence.solvers.repeated._simulate_kernel`) a compiled loop plays the
turns of blocks of matches whose states and sums stay in the first-level cache;
without it each turn is a handful of NumPy integer operations over all matches
at once (table look-ups on integer codes), payoffs summed afterwards, chunk by
chunk, with one matrix-vector product. Randomness comes from
:func:`deterrence.core.random.rng` (PCG64 by default), and both paths draw the
same words in the same order, so results are reproducible from ``seed`` and do
not depend on whether numba is used (the payoff sums up to the last bits of
float rounding).

The tournament is the round robin of R. Axelrod, *The Evolution of
Cooperation* (1984): every strategy meets every strategy (itself included) in
both roles.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from deterrence.core.progress import check_progress, progress_bar
from deterrence.core.random import rng as make_rng
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, TooLargeError
from deterrence.solvers._compiled import run_compiled
from deterrence.solvers.repeated import _product, _simulate_kernel
from deterrence.core.repeated import war_profiles
from deterrence.solvers.result import TextRepr


@dataclass(frozen=True)
class SimulationResult(TextRepr):
    """Means over matches of the normalised discounted payoff, with standard errors.

    Its repr is one line (the dataclass repr printed every field, the speed among them: a review):

    >>> from deterrence import load_game
    >>> simulate(load_game("prisoners_dilemma").with_defaults(), "tft, grim", matches=10, turns=10, seed=1)
    ... # doctest: +NORMALIZE_WHITESPACE
    <SimulationResult: tit_for_tat vs grim_trigger, 10 matches of 10 turns, delta 1:
     payoffs 3 (se 0), 3 (se 0); war in 0% of matches>
    """

    payoffs: tuple
    standard_errors: tuple
    matches: int
    turns: int
    delta: float
    war_fraction: float           # share of matches with a war profile within `turns`
    mean_rounds_to_war: float | None  # mean round (1-based) of the first war, among those
    turns_per_second: float
    seed: object
    strategies: tuple

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        pay = ", ".join(f"{format_short(p, 4)} (se {format_short(e, 2)})"
                        for p, e in zip(self.payoffs, self.standard_errors))
        war = f"war in {format_short(100 * self.war_fraction, 3)}% of matches"
        if self.mean_rounds_to_war is not None:
            war += f" (first in round {format_short(self.mean_rounds_to_war, 4)} on average)"
        return (f"{' vs '.join(self.strategies)}, {self.matches} matches of {self.turns} turns, "
                f"delta {format_short(self.delta)}: payoffs {pay}; {war}")

    def to_json(self) -> dict:
        """The SimulationResult as a JSON-ready dict of plain values: ``payoffs``, ``standard_errors``,
        ``matches``, ``turns``, ``delta``, ``war_fraction``, and more."""
        # one match has no standard error (nan): null, since NaN is not JSON
        from deterrence.core.numbers import json_float
        return {"payoffs": list(self.payoffs), "standard_errors": [json_float(e) for e in self.standard_errors],
                "matches": self.matches, "turns": self.turns, "delta": self.delta,
                "war_fraction": self.war_fraction, "mean_rounds_to_war": self.mean_rounds_to_war,
                "turns_per_second": self.turns_per_second}


class CompiledMatch:
    """Alias tables of a profile's product chain (float), ready for vectorised sampling."""

    def __init__(self, chain, war=None):
        P = chain.P()
        n1, n2 = chain.n
        m1, m2 = chain.m
        # outcome probabilities [x, b1, b2, y]
        A1 = chain.q[0][:, :, None, None] * chain.T[0]            # [s1, b1, b2, s1']
        A2 = chain.q[1][:, :, None, None] * chain.T[1]            # [s2, b2, b1, s2']
        full = np.einsum("abdx,cdby->acbdxy", A1, A2, optimize=True).reshape(
            chain.N, m1 * m2, chain.N)
        del P
        nz = [np.flatnonzero(full[x].ravel() > 0) for x in range(chain.N)]
        K = max(1, max(len(z) for z in nz))
        K = 1 << (K - 1).bit_length()          # a power of two: the column is r & (K - 1)
        N = chain.N
        thr = np.zeros(N * K, dtype=np.int64)
        alias = np.zeros(N * K, dtype=np.int64)
        outcome = np.zeros(N * K, dtype=np.int64)     # (b1*m2 + b2) * N + y
        for x in range(N):
            idx = nz[x]
            p = full[x].ravel()[idx]
            p = p / p.sum()
            k = len(idx)
            prob = np.zeros(K)
            prob[:k] = p * K
            out = np.zeros(K, dtype=np.int64)
            out[:k] = idx
            out[k:] = idx[0]
            al = np.arange(K)
            small = [j for j in range(K) if prob[j] < 1.0]
            large = [j for j in range(K) if prob[j] >= 1.0]
            while small and large:
                small_j, large_j = small.pop(), large.pop()
                al[small_j] = large_j
                prob[large_j] -= 1.0 - prob[small_j]
                (small if prob[large_j] < 1.0 else large).append(large_j)
            for j in large + small:
                prob[j] = 1.0
            # accept column j when the 32-bit random word h < thr[j] (whose low bits chose
            # the column: the bias this adds is below K / 2**32)
            # (a certain column gets 2**32 - 1 and, never accepted on the top word, its
            # alias is itself)
            thr[x * K:(x + 1) * K] = np.minimum(np.round(prob * 2 ** 32), 2 ** 32 - 1).astype(np.int64)
            alias[x * K:(x + 1) * K] = x * K + al
            outcome[x * K:(x + 1) * K] = out
        self.K, self.N = K, N
        # codes written per turn are ``2 * column_code + accepted``: one table look-up
        # then gives the outcome (the column itself, or its alias)
        chosen = np.empty(2 * N * K, dtype=np.int64)
        chosen[0::2] = alias
        chosen[1::2] = np.arange(N * K)
        if 2 * N * K >= 2 ** 31:
            raise GameError(f"{N} product states are too many to simulate with 32-bit codes")
        self.thr = thr.astype(np.uint32)
        outcome = outcome[chosen]
        y = outcome % N
        prof = outcome // N
        self.next_base = (y * K).astype(np.uint32)
        self.profile = prof
        U1, U2 = chain.U
        self.pay = (U1.ravel()[prof].astype(float), U2.ravel()[prof].astype(float))
        wp = war_profiles(chain.stage, war)
        a1, a2 = chain.stage.actions
        war_codes = {a1.index(p[0]) * m2 + a2.index(p[1]) for p in wp}
        self.war = np.isin(prof, list(war_codes))
        self.start_base = chain.start() * K
        self.deterministic = K == 1

    def run(self, matches, turns, generator, delta=1.0, chunk=64, track_war=True, bar=None, compiled=None):
        """Simulate; returns (payoff sums per match (2 arrays), first war round or -1 per match);
        ``bar`` (a progress bar) is moved on by the turns played, ``chunk`` turns at a time.

        ``compiled``: play with the numba kernel
        (:mod:`deterrence.solvers.repeated._simulate_kernel`) when ``True``, with NumPy
        when ``False``, by that module's policy when ``None``. Both draw the same
        random words from ``generator``, so they play the same matches; only the payoff
        sums may differ in the last bits (the order of float additions).

        >>> from deterrence import load_game
        >>> from deterrence.core.repeated import RepeatedGame
        >>> rg = RepeatedGame(load_game("prisoners_dilemma"), 0, noise={"tremble": "1/10"})
        >>> m = CompiledMatch(_product.Chain(rg, _product.resolve_profile(rg, "tft"), "float"))
        >>> plays = [m.run(7, 30, np.random.default_rng(1), 0.9, compiled=c) for c in (False, True)]
        >>> all(np.allclose(a, b, rtol=1e-12) for a, b in zip(*plays))
        True
        """
        kernel = None if compiled is False else _simulate_kernel.compiled_turns(
            matches * turns, force=bool(compiled))
        if kernel is not None:
            return self._run_compiled(kernel, matches, turns, generator, delta, chunk, track_war, bar)
        # every per-turn array is uint32: no casting in the inner loop
        base = np.full(matches, self.start_base, dtype=np.uint32)
        s1 = np.zeros(matches)
        s2 = np.zeros(matches)
        first = np.full(matches, -1, dtype=np.int64)
        buf = np.empty((chunk, matches), dtype=np.uint32)
        kmask = np.uint32(self.K - 1)
        half = (matches + 1) // 2
        one = np.uint32(1)
        bitgen = generator.bit_generator
        code = np.empty(matches, dtype=np.uint32)
        thr = np.empty(matches, dtype=np.uint32)
        keep = np.empty(matches, dtype=np.uint32)
        take = np.take
        t = 0
        while t < turns:
            c = min(chunk, turns - t)
            for j in range(c):
                out = buf[j]
                if self.deterministic:
                    np.left_shift(base, one, out=out)
                    out |= one
                else:
                    # one 64-bit word gives two 32-bit uniforms
                    r = bitgen.random_raw(half).view(np.uint32)[:matches]
                    np.bitwise_and(r, kmask, out=code)
                    code += base
                    take(self.thr, code, out=thr)
                    np.less(r, thr, out=keep, casting="unsafe")
                    np.left_shift(code, one, out=out)
                    out |= keep
                take(self.next_base, out, out=base)
            codes = buf[:c]
            if bar is not None:
                bar.update(c)
            w = (delta ** np.arange(t, t + c)) if delta != 1.0 else np.ones(c)
            s1 += w @ take(self.pay[0], codes)
            s2 += w @ take(self.pay[1], codes)
            if track_war:
                hits = np.flatnonzero(take(self.war, codes))
                if hits.size:
                    cols, firsts = np.unique(hits % matches, return_index=True)
                    rows = hits[firsts] // matches
                    new = first[cols] < 0
                    first[cols[new]] = t + rows[new] + 1
            t += c
        return s1, s2, first

    def _run_compiled(self, kernel, matches, turns, generator, delta, chunk, track_war, bar):
        """:meth:`run` with the compiled kernel: the same random words as the NumPy path, drawn
        a few turns at a time (about :data:`WORDS_AT_ONCE` words, or 8 turns' worth) and played by
        ``kernel`` (each call through ``run_compiled``, so Ctrl-C waits for one short call)."""
        base = np.full(matches, self.start_base, dtype=np.uint32)
        s1 = np.zeros(matches)
        s2 = np.zeros(matches)
        first = np.full(matches, -1, dtype=np.int64)
        half = (matches + 1) // 2
        # turns drawn at once: the words fit in cache, and at least 8 so that the state arrays
        # (28 bytes a match) are read and written once for 8 turns when the matches are many
        step = max(8, WORDS_AT_ONCE // (2 * half))
        bitgen = generator.bit_generator
        no_words = np.zeros((0, 0), dtype=np.uint32)
        kmask = self.K - 1
        t = 0
        while t < turns:
            c = min(chunk, turns - t)
            for u in range(t, t + c, step):
                s = min(step, t + c - u)
                # the NumPy path's draws exactly: half 64-bit words a turn, read as 2 * half
                # 32-bit words of which the first `matches` are used
                words = no_words if self.deterministic else \
                    bitgen.random_raw(s * half).view(np.uint32).reshape(s, 2 * half)
                w = (delta ** np.arange(u, u + s)) if delta != 1.0 else np.ones(s)
                run_compiled(kernel, words, self.deterministic, base, s1, s2, first, w, u, self.thr,
                             self.next_base, self.pay[0], self.pay[1], self.war, kmask, bool(track_war))
            if bar is not None:
                bar.update(c)
            t += c
        return s1, s2, first


#: random 32-bit words the compiled path holds at once (1 MiB: they stay in cache)
WORDS_AT_ONCE = 2 ** 18


def _setup(game, profile, delta, noise, what, verb):
    """The repeated game (through :meth:`RepeatedGame.from_game`: the file's noise and
    profile when not given), its automata and the float δ of a finite match: ``delta``,
    else a RepeatedGame's own, else 1 (plain averages) for a stage game. A symbolic stage game
    is taken at its defaults, saying so as the tool ``what`` that ``verb`` it."""
    from deterrence.core.repeated import RepeatedGame
    from deterrence.core.numbers import to_exact
    from deterrence.solvers.repeated.repeated_values import repeated_game_and_profile
    own = game.delta if isinstance(game, RepeatedGame) else None
    rg, automata = repeated_game_and_profile(game, profile, noise=noise, default_delta=0)
    rg = RepeatedGame(at_defaults(rg.stage, what, verb), 0, None, rg.noise)
    d = delta if delta is not None else (own if own is not None else 1)
    d = float(to_exact(d, "delta"))
    if not 0 < d <= 1:
        raise GameError(f"delta = {d}: simulation needs 0 < delta <= 1")
    automata = tuple(a.subs(rg.stage.parameters) for a in automata)
    return rg, automata, d


#: simulated rounds over which :func:`simulate` and :func:`tournament` show progress unasked
LONG_WORK = 10 ** 8
#: default limits of :func:`simulate` (``max_rounds=`` raises both): simulated rounds
#: (matches x turns), and matches (arrays hold one entry a match)
MAX_ROUNDS = 10**9
MAX_MATCHES = 10**7
#: default limit of :func:`tournament` on ordered pairs (each has its own seed and result;
#: ``max_rounds=`` raises it with the rounds)
MAX_PAIRS = 10**5


def simulate(game, profile=None, *, matches: int = 10_000, turns: int = 200, delta=None, noise=None,
             seed=None, war=None, chunk: int = 64, max_rounds: int | None = None,
             progress=None) -> SimulationResult:
    """Monte Carlo of ``matches`` independent noisy matches of ``turns`` rounds.

    Each match's payoff is ``sum_{t<turns} delta**t u_t / sum_{t<turns} delta**t``
    (plain average when ``delta`` is 1, the default for a stage game; a
    RepeatedGame's own delta otherwise). ``progress``: a bar of the turns played, on
    standard error (:func:`~deterrence.core.progress.progress_bar`; by default for over
    10^8 simulated rounds when standard error is a terminal).

    >>> from deterrence import load_game
    >>> pd = load_game("prisoners_dilemma").with_defaults()
    >>> r = simulate(pd, "tft", matches=2000, turns=100, noise={"tremble": "1/10"}, seed=1)
    >>> abs(r.payoffs[0] - 2.25) < 5 * r.standard_errors[0] + 0.05
    True
    """
    _check_counts(matches=matches, turns=turns, chunk=chunk)
    limit = MAX_ROUNDS if max_rounds is None else max_rounds
    if matches * turns > limit:
        raise TooLargeError(f"{matches} matches of {turns} turns are {matches * turns:,} simulated rounds, "
                            f"over the limit of {limit:,}; pass max_rounds={matches * turns} to try anyway")
    if max_rounds is None and matches > MAX_MATCHES:
        raise TooLargeError(f"{matches:,} matches need arrays of {matches:,} entries (several GB), over "
                            f"the limit of {MAX_MATCHES:,} matches; pass max_rounds={matches * turns} "
                            "to try anyway")
    check_progress(progress)
    rg, automata, d = _setup(game, profile, delta, noise, "simulate", "simulated")
    chain = _product.Chain(rg, automata, "float")
    compiled = CompiledMatch(chain, war)
    gen = make_rng(seed)
    t0 = time.perf_counter()
    bar = progress_bar(int(turns), "simulate", progress, large=matches * turns > LONG_WORK, unit="turn")
    try:
        s1, s2, first = compiled.run(int(matches), int(turns), gen, d, int(chunk), bar=bar)
    finally:
        bar.close()
    elapsed = time.perf_counter() - t0
    norm = turns if d == 1 else (1 - d ** turns) / (1 - d)
    p1, p2 = s1 / norm, s2 / norm
    se = tuple(float(p.std(ddof=1) / np.sqrt(matches)) if matches > 1 else float("nan") for p in (p1, p2))
    hit = first >= 0
    return SimulationResult(payoffs=(float(p1.mean()), float(p2.mean())), standard_errors=se,
                            matches=int(matches), turns=int(turns), delta=d,
                            war_fraction=float(hit.mean()),
                            mean_rounds_to_war=float(first[hit].mean()) if hit.any() else None,
                            turns_per_second=matches * turns / max(elapsed, 1e-12), seed=seed,
                            strategies=tuple(a.name for a in automata))


@dataclass(frozen=True)
class MatchHistory(TextRepr):
    """One noisy match, round by round (from :func:`play_match`).

    Every per-round field is a tuple over rounds of a pair (first player, second
    player): ``intended`` is what each automaton meant to play, ``realised`` what
    came out after implementation noise, ``observed`` what each side saw of the
    *other* side's realised action (perception noise), ``states`` the automaton
    states in which the round was played and ``payoffs`` the stage payoffs (exact).
    ``final_states`` are the states after the last round.
    """

    players: tuple
    actions: tuple
    strategies: tuple
    intended: tuple
    realised: tuple
    observed: tuple
    states: tuple
    final_states: tuple
    payoffs: tuple
    noise: dict
    seed: object

    @property
    def turns(self) -> int:
        """The number of rounds played."""
        return len(self.realised)

    def repr_text(self) -> str:
        """The match in one line: who played, the realised rounds (runs of one profile counted),
        the mistakes and misreadings, the total payoffs (the dataclass repr printed every
        round five times over: a review).

        >>> from deterrence import load_game
        >>> print(play_match(load_game("prisoners_dilemma").with_defaults(), "tft, alld", turns=4, seed=1).repr_text())
        ... # doctest: +NORMALIZE_WHITESPACE
        Row tit_for_tat vs Column always_D, 4 rounds: (C, D), (D, D) x3; 0 mistakes,
        0 misreadings; total payoffs 3, 8
        """
        from deterrence.core.numbers import format_exact
        runs: list = []
        for profile in self.realised:
            if runs and runs[-1][0] == profile:
                runs[-1][1] += 1
            else:
                runs.append([profile, 1])
        shown = [f"({', '.join(p)})" + (f" x{n}" if n > 1 else "") for p, n in runs[:8]]
        if len(runs) > 8:
            shown.append("...")
        totals = [sum(u[i] for u in self.payoffs) for i in range(len(self.players))]
        mistakes = sum(sum(m) for m in self.mistakes)
        misread = sum(sum(m) for m in self.misperceptions)
        who = " vs ".join(f"{p} {s}" for p, s in zip(self.players, self.strategies))
        return (f"{who}, {self.turns} rounds: {', '.join(shown) or 'none'}; {mistakes} mistakes, "
                f"{misread} misreadings; total payoffs {', '.join(format_exact(v) for v in totals)}")

    @property
    def mistakes(self) -> tuple:
        """Per round, per player: did implementation noise change the intended action?"""
        return tuple(tuple(a != b for a, b in zip(i, r)) for i, r in zip(self.intended, self.realised))

    @property
    def misperceptions(self) -> tuple:
        """Per round, per player: did it misread the other side's action?"""
        return tuple((o[0] != r[1], o[1] != r[0]) for o, r in zip(self.observed, self.realised))

    def to_json(self) -> dict:
        """The MatchHistory as a JSON-ready dict of plain values: ``players``, ``strategies``,
        ``turns``, ``noise``, ``seed``, ``rounds``, and more."""
        from deterrence.core.numbers import format_exact
        return {"players": list(self.players), "strategies": list(self.strategies),
                "turns": self.turns, "noise": dict(self.noise),
                "seed": self.seed if isinstance(self.seed, (int, type(None))) else str(self.seed),
                "rounds": [{"round": t + 1, "states": list(s), "intended": list(i),
                            "realised": list(r), "observed": list(o),
                            "payoffs": [format_exact(v) for v in u]}
                           for t, (s, i, r, o, u) in enumerate(zip(self.states, self.intended, self.realised,
                                                                   self.observed, self.payoffs))],
                "final_states": list(self.final_states)}


def play_match(game, profile=None, *, turns: int = 50, noise=None, seed=None) -> MatchHistory:
    """Play ONE noisy match of ``turns`` rounds between two automata, round by round.

    ``game`` is a stage game or a RepeatedGame (its own noise, or its file's,
    unless ``noise`` is given); ``profile`` is two automata or
    strategy names, as for :func:`simulate`. Each round, each automaton draws its
    intended action from its state, implementation noise may change it into the
    realised action, each side observes the other's realised action (through
    perception noise) and both automata move on. Every round uses six uniform
    numbers from ``deterrence.core.random.rng(seed)`` whatever happens, so two
    profiles played with one seed meet the same random numbers.

    >>> from deterrence import load_game
    >>> stage = load_game("us_iran_stage").with_defaults()
    >>> m = play_match(stage, "tit_for_tat", turns=3, noise={"execution": "1/20"}, seed=7)
    >>> m.turns, m.realised[0], m.states[0]
    (3, ('hold', 'hold'), ('calm', 'calm'))
    >>> play_match(stage, "tit_for_tat", turns=3, seed=1).to_json()["rounds"][2]["realised"]
    ['hold', 'hold']
    """
    if isinstance(turns, bool) or not isinstance(turns, (int, np.integer)) or turns < 1:
        raise GameError(f"turns must be a whole number >= 1, got {turns!r}")
    rg, automata, _ = _setup(game, profile, None, noise, "play_match", "played")
    stage = rg.stage
    chain = _product.Chain(rg, automata, "float")
    cum = lambda M: np.cumsum(np.asarray(M, dtype=float), axis=-1)   # noqa: E731
    intend = [cum(chain.p[i]) for i in range(2)]       # [state, action]
    execute = [cum(chain.E[i]) for i in range(2)]      # [intended, realised]
    perceive = [cum(chain.O[i]) for i in range(2)]     # [other's realised, observed]
    nxt = [np.asarray(a.transition_table) for a in automata]
    acts = stage.actions
    U = stage.payoff_arrays

    def draw(c, u):
        return min(int(np.searchsorted(c, u, side="right")), len(c) - 1)

    u = make_rng(seed).random((int(turns), 6))
    s = [automata[0].start_index, automata[1].start_index]
    states, intended, realised, observed, payoffs = [], [], [], [], []
    for t in range(int(turns)):
        states.append((automata[0].states[s[0]], automata[1].states[s[1]]))
        a = [draw(intend[i][s[i]], u[t, i]) for i in range(2)]
        b = [draw(execute[i][a[i]], u[t, 2 + i]) for i in range(2)]
        o = [draw(perceive[i][b[1 - i]], u[t, 4 + i]) for i in range(2)]   # o[i]: i's view of the other
        intended.append((acts[0][a[0]], acts[1][a[1]]))
        realised.append((acts[0][b[0]], acts[1][b[1]]))
        observed.append((acts[1][o[0]], acts[0][o[1]]))
        payoffs.append((U[0][b[0], b[1]], U[1][b[0], b[1]]))
        s = [int(nxt[i][s[i], b[i], o[i]]) for i in range(2)]
    return MatchHistory(players=tuple(stage.players), actions=tuple(tuple(x) for x in acts),
                        strategies=tuple(a.name for a in automata), intended=tuple(intended),
                        realised=tuple(realised), observed=tuple(observed), states=tuple(states),
                        final_states=(automata[0].states[s[0]], automata[1].states[s[1]]),
                        payoffs=tuple(payoffs), noise=rg.noise.to_dict() if rg.noise else {},
                        seed=seed)


@dataclass(frozen=True)
class TournamentResult(TextRepr):
    """Round-robin scores: ``row_scores[i][j]`` is strategy i's mean payoff as the first
    player against j as the second; ``scores[i]`` averages both roles over all opponents.

    Its repr is the ranking with the scores, its HTML the table of scores (the dataclass repr
    printed every score unrounded: a review):

    >>> from deterrence import load_game
    >>> tournament(load_game("prisoners_dilemma").with_defaults(), ["tft", "alld"], matches=4, turns=4, seed=1)
    <TournamentResult: 2 strategies, ranking tit_for_tat 1.875, always_D 1.5>
    """

    strategies: tuple
    row_scores: tuple
    column_scores: tuple
    scores: tuple
    ranking: tuple
    interrupted: bool = False
    failures: tuple = ()          # ((row strategy, column strategy), reason)

    @property
    def complete(self) -> bool:
        """Every pair played (after an interruption or a failure, resume to finish)."""
        return not any(v != v for r in self.row_scores for v in r)  # NaN marks a pair not played

    def repr_text(self) -> str:
        from deterrence.core.numbers import format_short
        score = dict(zip(self.strategies, self.scores))
        text = (f"{len(self.strategies)} strategies, ranking "
                + ", ".join(f"{s} {format_short(score[s], 4)}" for s in self.ranking))
        if not self.complete:
            missing = sum(1 for r in self.row_scores for v in r if v != v)
            text += f"; {missing} pair(s) not played" + (" (interrupted: pass resume=)" if self.interrupted else "")
        return text + "".join(f"; {a} vs {b} failed: {why}" for (a, b), why in self.failures)

    def _repr_html_(self) -> str:
        import html

        from deterrence.core.numbers import format_short
        order = [self.strategies.index(s) for s in self.ranking]
        head = "".join(f"<th>{html.escape(self.strategies[j])}</th>" for j in order)
        rows = "".join(
            f"<tr><th>{html.escape(self.strategies[i])}</th><td>{format_short(self.scores[i], 4)}</td>"
            + "".join(f"<td>{format_short(self.row_scores[i][j], 4)}</td>" for j in order) + "</tr>"
            for i in order)
        cap = html.escape(self.repr_text())
        return (f"<table><caption>{cap}</caption><tr><th>strategy (first player)</th><th>score</th>"
                f"{head}</tr>{rows}</table><p>A row's cells: its mean payoff as the first player against "
                "each strategy as the second.</p>")

    def to_json(self) -> dict:
        """The TournamentResult as a JSON-ready dict of plain values: ``strategies``, ``scores``,
        ``ranking``, ``row_scores``, ``column_scores``, ``interrupted``, and more."""
        return {"strategies": list(self.strategies), "scores": list(self.scores),
                "ranking": list(self.ranking), "row_scores": [list(r) for r in self.row_scores],
                "column_scores": [list(r) for r in self.column_scores],
                "interrupted": self.interrupted,
                "failures": [{"pair": list(p), "reason": r} for p, r in self.failures]}


def tournament(game, strategies, *, matches: int = 200, turns: int = 200, delta=None, noise=None,
               seed=None, progress=None, resume: TournamentResult | None = None,
               max_rounds: int | None = None) -> TournamentResult:
    """Round robin (Axelrod 1984): every ordered pair of strategies, self-play included.

    A tournament of more than ``max_rounds`` simulated rounds in all (pairs x matches x
    turns; default :data:`MAX_ROUNDS`) or, unless ``max_rounds`` is given, more than
    :data:`MAX_PAIRS` pairs is refused (:class:`~deterrence.errors.TooLargeError`) before
    any pair is played.

    ``progress``: a bar of the pairs played (:func:`~deterrence.core.progress.progress_bar`;
    by default for over 10^8 turns when standard error is a terminal).
    Ctrl-C stops after the pair being played and returns what was played
    (``interrupted=True``); a pair that fails is recorded with the reason. Pass
    the partial result as ``resume=`` (same arguments) to play only the missing
    pairs: each pair has its own seed, so the finished tournament is the same
    as one played without a stop.

    >>> from deterrence import load_game
    >>> t = tournament(load_game("prisoners_dilemma").with_defaults(), ["tft", "alld", "allc"], matches=50,
    ...                turns=50, noise={"tremble": "1/100"}, seed=3)
    >>> t.ranking[-1]
    'always_C'
    """
    from deterrence.core.strategies import strategy
    from deterrence.core.repeated import RepeatedGame
    stage = game.stage if isinstance(game, RepeatedGame) else game
    stage = at_defaults(stage, "tournament", "played")
    # each pair's simulate gets the game at its defaults (it says nothing more)
    game = (RepeatedGame(stage, game.delta, game.horizon, game.noise, game.strategies)
            if isinstance(game, RepeatedGame) else stage)
    strategies = list(strategies)
    if len(strategies) < 2:
        raise GameError("a tournament needs at least two strategies")
    _check_counts(matches=matches, turns=turns)
    _check_match_arguments(stage, delta, noise)
    pairs_count = len(strategies) ** 2
    total = pairs_count * matches * turns
    limit = MAX_ROUNDS if max_rounds is None else max_rounds
    if total > limit or (max_rounds is None and pairs_count > MAX_PAIRS):
        over = (f"over the limit of {limit:,}" if total > limit else
                f"over the limit of {MAX_PAIRS:,} pairs")
        raise TooLargeError(f"a tournament of {len(strategies)} strategies is {pairs_count:,} pairs of {matches} "
                            f"matches of {turns} turns, {total:,} simulated rounds, {over}; pass "
                            f"max_rounds={total} to try anyway")
    # each strategy under its own name, checked before any pair is played: "alld" and
    # "always_D" are one strategy, and were ranked as two with one name
    names = [strategy(s, stage, 0).name if isinstance(s, str) else s.name for s in strategies]
    from collections import Counter
    twice = sorted(name for name, count in Counter(names).items() if count > 1)
    if twice:
        given = {name: [str(s if isinstance(s, str) else s.name) for s, n in zip(strategies, names) if n == name]
                 for name in twice}
        raise GameError("a tournament plays each strategy once; "
                        + "; ".join(f"{' and '.join(map(repr, given[name]))} are both {name}" for name in twice))
    seeds = _seed_sequence(seed).spawn(pairs_count)
    # a long tournament loads the compiled kernel once (each pair's run then finds numba loaded)
    _simulate_kernel.compiled_turns(total)
    pairs = [(i, j) for i in range(len(names)) for j in range(len(names))]
    bar = progress_bar(len(pairs), "tournament", progress, large=total > LONG_WORK, unit="pair")
    n = len(names)
    nan = float("nan")
    row = [list(r) for r in resume.row_scores] if resume else [[nan] * n for _ in range(n)]
    colsc = [list(r) for r in resume.column_scores] if resume else [[nan] * n for _ in range(n)]
    failures, interrupted = [], False
    try:
        for k, (i, j) in enumerate(pairs):
            bar.update()
            if row[i][j] == row[i][j]:  # played before the stop
                continue
            try:
                a = strategies[i] if not isinstance(strategies[i], str) else strategy(strategies[i], stage, 0)
                b = strategies[j] if not isinstance(strategies[j], str) else strategy(strategies[j], stage, 1)
                r = simulate(game, [a, b], matches=matches, turns=turns, delta=delta, noise=noise,
                             seed=seeds[k], progress=False)
            except GameError as exc:  # a strategy that does not fit: keep the rest
                failures.append(((names[i], names[j]), str(exc)))
                continue
            row[i][j], colsc[i][j] = r.payoffs
    except KeyboardInterrupt:
        interrupted = True
    finally:
        bar.close()
    scores = tuple(sum(row[i][j] + colsc[j][i] for j in range(n)) / (2 * n) for i in range(n))
    ranking = tuple(names[i] for i in sorted(range(n), key=lambda i: -scores[i]))
    return TournamentResult(strategies=tuple(names), row_scores=tuple(map(tuple, row)),
                            column_scores=tuple(map(tuple, colsc)), scores=scores, ranking=ranking,
                            interrupted=interrupted, failures=tuple(failures))


__all__ = ["simulate", "SimulationResult", "play_match", "MatchHistory", "tournament", "TournamentResult",
           "CompiledMatch"]


def _check_match_arguments(stage, delta, noise) -> None:
    """A tournament's noise and delta, checked once before any pair is played: a misspelt noise
    key failed every pair, one by one, and the tournament returned NaN scores ranked (a review).

    >>> from deterrence import load_game
    >>> tournament(load_game("prisoners_dilemma").with_defaults(), ["tft", "alld"], noise={"tremb": "1/10"})
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: unknown noise key(s) tremb; ...
    """
    from deterrence.core.numbers import to_exact
    from deterrence.core.repeated import Noise
    spec = Noise.from_spec(noise, stage.parameters) if noise is not None else None
    if spec is not None:
        spec.check_players(stage.players)
    if delta is not None and not 0 < float(to_exact(delta, "delta")) <= 1:
        raise GameError(f"delta = {delta}: simulation needs 0 < delta <= 1")


def _check_counts(**counts):
    """Refuse a count (matches, turns, chunk) that is not a whole number >= 1, naming it."""
    for name, v in counts.items():
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise GameError(f"{name} must be a whole number >= 1, got {v!r}")


def _seed_sequence(seed) -> np.random.SeedSequence:
    """A SeedSequence from an int (numpy ints too), a SeedSequence, a Generator or None.

    >>> int(_seed_sequence(np.int64(5)).generate_state(1)[0]) == int(_seed_sequence(5).generate_state(1)[0])
    True
    """
    if isinstance(seed, np.random.SeedSequence):
        # a copy: spawn() advances the caller's sequence, and the same seed must repeat
        return np.random.SeedSequence(seed.entropy, spawn_key=seed.spawn_key, pool_size=seed.pool_size)
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(int(seed.integers(2 ** 63)))
    if isinstance(seed, (int, np.integer)):
        return np.random.SeedSequence(int(seed))
    if seed is None:
        return np.random.SeedSequence()
    from deterrence.errors import GameError
    raise GameError(f"seed must be an integer, a numpy SeedSequence or Generator, got {type(seed).__name__}")
