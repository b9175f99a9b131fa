"""Benchmark: noisy tit-for-tat matches, and exact Markov analysis of 20-state automata.

Run: ``python benchmarks/bench_noise.py`` (about half a minute on one core).

1. Turns per second of noisy TFT vs TFT (US-Iran stage game, execution errors
   1/50): ours (:func:`deterrence.solvers.repeated.simulate.simulate`: alias tables on
   the product chain, one random word per turn, each match's turns played by a numba
   kernel; its NumPy path, used without numba, as context) against a plain NumPy loop
   (vectorised across matches, but one draw per player per turn and the state
   machine written out), and against axelrod's ``Match`` when axelrod is
   importable (it is not installed by this project).
2. Exact Markov answers (discounted values; full analysis = values, long-run
   frequencies, 100-round war risk, hitting probability and expected rounds) for
   random automata up to 20 states against TFT and against each other: the
   python-flint integer path against the pure-Fraction path (the "before", kept as
   the fallback without flint) and the float path, with the product-state count
   and the < 1 ms verdict. ``python benchmarks/bench_noise.py --exact`` runs only this part.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deterrence import load_game
from deterrence.core.automaton import Automaton
from deterrence.core.exact import fraction_only
from deterrence.core.repeated import RepeatedGame
from deterrence.solvers.repeated import _product
from deterrence.solvers.repeated.noise_markov import analyse_noise
from deterrence.solvers.repeated.repeated_values import discounted_values
from deterrence.solvers.repeated.simulate import CompiledMatch, simulate
from timing import fmt_time as fmt, median_time

US = load_game("us_iran_stage").with_defaults()
NOISE = {"execution": "1/50"}
E = 1 / 50


def ours(matches, turns, track_war=True, compiled=None):
    """``CompiledMatch.run`` by its own policy (``compiled=None``): the warm-up loads the numba
    kernel, as a first large run (10^8 simulated rounds) or any earlier import of numba does, so
    the timed run plays compiled when numba is installed; ``compiled=False``: the NumPy path."""
    rg = RepeatedGame(US, "9/10", noise=NOISE)
    autos = _product.resolve_profile(rg, "tft")
    cm = CompiledMatch(_product.Chain(rg, autos, "float"))
    gen = np.random.default_rng(1)
    cm.run(1000, 10, gen, compiled=compiled is not False)          # warm up (loads the kernel)
    t0 = time.perf_counter()
    s1, s2, first = cm.run(matches, turns, gen, 1.0, 64, track_war, compiled=compiled)
    dt = time.perf_counter() - t0
    return matches * turns / dt, s1.sum() / (matches * turns)


def plain_numpy(matches, turns):
    """TFT vs TFT with execution errors, vectorised over matches, written the obvious way."""
    gen = np.random.default_rng(2)
    U1 = US.as_float()[0]
    # TFT: state 0 = calm (hold = 0), state 1 = strike (retaliate = 1); next: opponent held?
    play = np.array([0, 1])
    s1 = np.zeros(matches, dtype=np.int64)
    s2 = np.zeros(matches, dtype=np.int64)
    total = np.zeros(matches)
    t0 = time.perf_counter()
    for _ in range(turns):
        a1, a2 = play[s1], play[s2]
        a1 = np.where((gen.random(matches) < E) & (a1 < 2), a1 + 1, a1)
        a2 = np.where((gen.random(matches) < E) & (a2 < 2), a2 + 1, a2)
        total += U1[a1, a2]
        s1 = (a2 != 0).astype(np.int64)
        s2 = (a1 != 0).astype(np.int64)
    dt = time.perf_counter() - t0
    return matches * turns / dt, total.sum() / (matches * turns)


def axelrod_match(turns):
    try:
        import axelrod as axl  # noqa: F401 - optional, not a dependency
    except Exception:  # noqa: BLE001
        return None
    match = axl.Match((axl.TitForTat(), axl.TitForTat()), turns=turns, noise=0.02, seed=1)
    t0 = time.perf_counter()
    match.play()
    return turns / (time.perf_counter() - t0)


def main():
    if "--exact" in sys.argv[1:]:
        exact_table()
        return
    print("== noisy TFT vs TFT, US-Iran game, execution errors 1/50 ==")
    matches, turns = 50_000, 500
    best = lambda f, *a: max((f(*a) for _ in range(3)), key=lambda x: x[0])   # noqa: E731
    r_ours, m_ours = best(ours, matches, turns, False)
    r_war, _ = best(ours, matches, turns, True)
    r_np, m_np = best(plain_numpy, matches, turns)
    r_fallback, _ = best(ours, matches, turns, False, False)
    exact = discounted_values(US, "tft", delta=1, horizon=turns, noise=NOISE, float=True,
                              max_horizon=turns).payoffs[0]
    print(f"ours (alias tables)       : {r_ours / 1e6:8.1f} M turns/s   (mean US payoff {m_ours:.4f})")
    print(f"ours + first-war tracking : {r_war / 1e6:8.1f} M turns/s")
    print(f"ours, NumPy path (no numba): {r_fallback / 1e6:7.1f} M turns/s")
    print(f"plain NumPy loop          : {r_np / 1e6:8.1f} M turns/s   (mean US payoff {m_np:.4f})")
    print(f"exact {turns}-round average : {exact:.4f}   (best of 3 runs each, {matches} matches x {turns})")
    print(f"ratio ours / plain NumPy  : {r_ours / r_np:8.2f}x")
    api = simulate(US, "tft", matches=20_000, turns=500, noise=NOISE, seed=3)
    print(f"simulate() end to end     : {api.turns_per_second / 1e6:8.1f} M turns/s (20k matches x 500)")
    ax = axelrod_match(2000)
    if ax is None:
        print("axelrod                   : not importable (not installed on purpose: it pulls torch)")
    else:
        print(f"axelrod Match             : {ax / 1e6:8.3f} M turns/s; ours/axelrod = {r_ours / ax:.0f}x")

    exact_table()


def exact_cases():
    rg = RepeatedGame(US, "9/10", noise=NOISE)
    acts = list(US.actions[0])
    tft = _product.resolve_profile(rg, "tft")[1]
    cases = [(f"{k}-state vs TFT", (tft if k == 2 else Automaton.random(k, acts, k), tft)) for k in (2, 5, 10, 20)]
    cases.append(("20-state vs 20-state", (Automaton.random(20, acts, 1), Automaton.random(20, acts, 2))))
    return rg, cases


def exact_table(reps=15, fraction_reps=3):
    """Exact Markov answers (same cases as run_all.py goal 4a): flint/integer path against the
    pure-Fraction path and the float path, same inputs, one run."""
    rg, cases = exact_cases()
    print("\n== exact Markov answers, US-Iran game, execution errors 1/50, delta 9/10 (median) ==")
    print("exact = python-flint integer path (exact rationals); Fraction = the same answers in pure")
    print("Python, inside deterrence.core.exact.fraction_only() (the path without python-flint;")
    print("checked equal); float = NumPy.")
    print("exact values = discounted_values() (the start's values; every state's values are")
    print("solved when state_values is first read: 'all states' is the call plus that read).")
    head = (f"{'profile':22s} {'states':>6s} {'exact values':>12s} {'all states':>10s} {'Fraction':>10s} {'ratio':>7s} "
            f"{'exact analyse':>13s} {'Fraction':>10s} {'ratio':>7s} {'float analyse':>13s} {'values<1ms':>10s} "
            f"{'analyse<1ms':>11s}")
    print(head)
    worst = None
    for name, prof in cases:
        N = _product.Chain(rg, prof, "float").N
        big = N > 100
        r = 3 if big else reps
        t_val = median_time(lambda prof=prof: discounted_values(rg, prof), r)
        t_states = median_time(lambda prof=prof: dict(discounted_values(rg, prof).state_values), r)
        t_all = median_time(lambda prof=prof: analyse_noise(rg, prof, within=100), r)
        t_flt = median_time(lambda prof=prof: analyse_noise(rg, prof, within=100, float=True), r)
        t_val_f = t_all_f = None
        if not big:                     # 400 states in pure Fractions: minutes (O(N^3) Fraction ops)
            with fraction_only():
                t_val_f = median_time(lambda prof=prof: discounted_values(rg, prof), fraction_reps)
                t_all_f = median_time(lambda prof=prof: analyse_noise(rg, prof, within=100), fraction_reps)
                same = (discounted_values(rg, prof), analyse_noise(rg, prof, within=100))
            assert same == (discounted_values(rg, prof), analyse_noise(rg, prof, within=100))
        ok_v, ok_a = t_val < 1e-3, t_all < 1e-3
        if N <= 40 and (worst is None or max(t_val, t_all) > worst[1]):
            worst = (name, max(t_val, t_all))
        fv, fa = ("-", "-") if t_val_f is None else (fmt(t_val_f), fmt(t_all_f))
        rv, ra = ("-", "-") if t_val_f is None else (f"{t_val_f / t_val:.0f}x", f"{t_all_f / t_all:.0f}x")
        print(f"{name:22s} {N:6d} {fmt(t_val):>12s} {fmt(t_states):>10s} {fv:>10s} {rv:>7s} "
              f"{fmt(t_all):>13s} {fa:>10s} {ra:>7s} {fmt(t_flt):>13s} "
              f"{'met' if ok_v else 'NOT MET':>10s} {'met' if ok_a else 'NOT MET':>11s}")
    print(f"slowest exact answer up to 40 product states: {fmt(worst[1])} ({worst[0]}): "
          f"{'met' if worst[1] < 1e-3 else 'NOT MET'} (< 1 ms)")
    a, b = cases[-1][1]
    c = _product.Chain(rg, (a, b), "exact")
    x0 = c.start()
    R = _product.reach(c.integers().successors(), x0)
    X, Dr = _product.values_solution(c, states=R)
    v = X[R.index(x0), 0] / Dr
    print(f"400 states: {len(R)} reachable; the US value from the start is a rational of "
          f"{int(v.p).bit_length()}/{int(v.q).bit_length()} bits (numerator/denominator)")


if __name__ == "__main__":
    main()
