"""Benchmark: deterrence's Lemke–Howson (exact and float) against QuantEcon and pygambit.

Same seeded random games for every solver: integer payoffs in 0..99, sizes
10x10, 50x50 and 100x100, initial label 0. Installs nothing: QuantEcon's
``lemke_howson`` and pygambit's ``lcp_solve`` (rational) are timed only when
importable. Prints the median wall time of each and the ratios.

Run: ``python benchmarks/bench_lemke_howson.py [--repeats N] [--sizes 10 50 100]``
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

os.environ.setdefault("DETERRENCE_NUMBA", "1")  # use the compiled float loop when numba is installed

from deterrence import NormalFormGame
from deterrence.solvers.lemke_howson import _float_path, lemke_howson


def seeded_game(size, seed=2024, high=100):
    rng = np.random.default_rng(seed + size)
    A = rng.integers(0, high, size=(size, size))
    B = rng.integers(0, high, size=(size, size))
    return A, B


def median_time(fn, repeats):
    fn()  # warm-up (numba compilation, imports)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def quantecon_solver(A, B):
    try:
        from quantecon.game_theory import NormalFormGame as QG, Player, lemke_howson as qlh
    except ImportError:
        return None
    g = QG((Player(A.astype(float)), Player(B.T.astype(float))))
    return lambda: qlh(g, init_pivot=0)


def gambit_solver(A, B):
    try:
        import pygambit as gbt
    except ImportError:
        return None
    from fractions import Fraction
    g = gbt.Game.from_arrays(A.astype(object).tolist(), B.astype(object).tolist())
    for outcome in g.outcomes:  # exact rationals
        for p in g.players:
            outcome[p] = Fraction(int(outcome[p]))
    return lambda: gbt.nash.lcp_solve(g, rational=True, stop_after=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100])
    args = parser.parse_args(argv)
    print(f"{'size':>5} {'solver':<31} {'median':>12} {'ratio':>18}")
    for size in args.sizes:
        A, B = seeded_game(size)
        game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
        ours_exact = median_time(lambda: lemke_howson(game, exact=True), args.repeats)
        ours_float = median_time(lambda: lemke_howson(game, exact=False), args.repeats)
        game.as_float()
        pivots_numpy = median_time(lambda: _float_path(game, 0, 10 ** 6, backend="numpy"),
                                   max(args.repeats, 20))
        pivots_only = median_time(lambda: _float_path(game, 0, 10 ** 6, backend="numba"),
                                  max(args.repeats, 20))
        rows = [("deterrence exact (integer)", ours_exact, None),
                ("deterrence float + exact cert", ours_float, None),
                ("deterrence float pivots, numpy", pivots_numpy, None),
                ("deterrence float pivots, numba", pivots_only, None)]
        qe = quantecon_solver(A, B)
        if qe is not None:
            t = median_time(qe, max(args.repeats, 20))
            rows.append(("quantecon lemke_howson", t, ("float", ours_float / t)))
            rows.append(("  (numba pivots vs QE)", None, ("float", pivots_only / t)))
        else:
            rows.append(("quantecon (not installed)", None, None))
        gb = gambit_solver(A, B)
        if gb is not None:
            t = median_time(gb, args.repeats)
            rows.append(("pygambit lcp_solve rational", t, ("exact", t / ours_exact)))
        else:
            rows.append(("pygambit (not installed)", None, None))
        for name, t, ratio in rows:
            ts = "-" if t is None else f"{t * 1e3:10.3f} ms"
            if ratio is None:
                rs = ""
            elif ratio[0] == "float":
                rs = f"ours/QE = {ratio[1]:.1f}x"
            else:
                rs = f"gambit/ours = {ratio[1]:.1f}x"
            print(f"{size:>5} {name:<31} {ts:>12} {rs:>18}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
