"""Benchmark: noisy tit-for-tat matches, and exact Markov analysis of 20-state automata.

Run: ``python benchmarks/bench_noise.py`` (about half a minute on one core).

1. Turns per second of noisy TFT vs TFT (US-Iran stage game, execution errors
   1/50): ours (:func:`deterrence.solvers.simulate.simulate`: alias tables on
   the product chain, one random word per turn) against a plain NumPy loop
   (vectorised across matches, but one draw per player per turn and the state
   machine written out), and against axelrod's ``Match`` when axelrod is
   importable (it is not installed by this project).
2. Exact (Fraction) and float Markov analysis (values, long-run frequencies,
   war risk) for random 20-state automata.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from deterrence import load_game
from deterrence.core.automaton import Automaton
from deterrence.core.repeated import RepeatedGame
from deterrence.solvers import _product
from deterrence.solvers.noise_markov import analyse_noise, war_profiles, war_risk_arrays
from deterrence.solvers.repeated_values import discounted_values
from deterrence.solvers.simulate import CompiledMatch, simulate

US = load_game("us_iran_stage").with_defaults()
NOISE = {"execution": "1/50"}
E = 1 / 50


def ours(matches, turns, track_war=True):
    rg = RepeatedGame(US, "9/10", noise=NOISE)
    autos = _product.resolve_profile(rg, "tft")
    cm = CompiledMatch(_product.Chain(rg, autos, "float"))
    gen = np.random.default_rng(1)
    cm.run(1000, 10, gen)                        # warm up
    t0 = time.perf_counter()
    s1, s2, first = cm.run(matches, turns, gen, 1.0, 64, track_war)
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


def random_automaton(n, actions, seed):
    g = np.random.default_rng(seed)
    states = [f"s{i}" for i in range(n)]
    play = {s: actions[int(g.integers(len(actions)))] for s in states}
    table = {(s, a, b): states[int(g.integers(n))] for s in states for a in actions for b in actions}
    return Automaton(states, "s0", play, table, actions, name=f"random{seed}")


def main():
    print("== noisy TFT vs TFT, US-Iran game, execution errors 1/50 ==")
    matches, turns = 50_000, 500
    best = lambda f, *a: max((f(*a) for _ in range(3)), key=lambda x: x[0])   # noqa: E731
    r_ours, m_ours = best(ours, matches, turns, False)
    r_war, _ = best(ours, matches, turns, True)
    r_np, m_np = best(plain_numpy, matches, turns)
    exact = discounted_values(US, "tft", delta=1, horizon=turns, noise=NOISE, float=True).payoffs[0]
    print(f"ours (alias tables)       : {r_ours / 1e6:8.1f} M turns/s   (mean US payoff {m_ours:.4f})")
    print(f"ours + first-war tracking : {r_war / 1e6:8.1f} M turns/s")
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

    print("\n== exact Markov analysis, random 20-state automata (3 actions) ==")
    acts = list(US.actions[0])
    a = random_automaton(20, acts, 1)
    b = random_automaton(20, acts, 2)
    rg = RepeatedGame(US, "9/10", noise=NOISE)
    chain = _product.Chain(rg, (a, b), "float")
    print(f"product states: {chain.N}; reachable by histories: {len(chain.reachable())}")
    reps = 50
    t0 = time.perf_counter()
    for _ in range(reps):
        c = _product.Chain(rg, (a, b), "float")
        war_risk_arrays(c, war_profiles(US), 100)
    print(f"float war risk (build + solve, 400 states): {(time.perf_counter() - t0) / reps * 1e3:.2f} ms")
    t0 = time.perf_counter()
    for _ in range(reps):
        discounted_values(rg, (a, b), float=True)
    print(f"float discounted values (400 states):       {(time.perf_counter() - t0) / reps * 1e3:.2f} ms")
    tft = _product.resolve_profile(rg, "tft")[1]
    t0 = time.perf_counter()
    for _ in range(reps):
        c = _product.Chain(rg, (a, tft), "float")
        war_risk_arrays(c, war_profiles(US), 100)
    print(f"float war risk, 20-state vs TFT (40 states): {(time.perf_counter() - t0) / reps * 1e3:.3f} ms")
    t0 = time.perf_counter()
    res = analyse_noise(rg, (a, tft), within=100)
    print(f"exact (Fraction) full analysis, 40 states:  {(time.perf_counter() - t0) * 1e3:.0f} ms "
          f"(war within 100 rounds: {float(res.war_probability):.6f})")
    t0 = time.perf_counter()
    discounted_values(rg, (a, b))
    print(f"exact (Fraction) discounted values, 400 states: {(time.perf_counter() - t0):.2f} s")


if __name__ == "__main__":
    main()
