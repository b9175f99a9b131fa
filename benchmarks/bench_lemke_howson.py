"""Benchmark: deterrence's Lemke–Howson (exact and float) against QuantEcon and pygambit.

Same seeded random games for every solver: integer payoffs in 0..99, sizes
10x10, 50x50 and 100x100, initial label 0. Installs nothing: QuantEcon's
``lemke_howson`` (float, numba) and pygambit's ``lcp_solve`` (rational) are
timed only when importable. Ours, each a whole ``lemke_howson`` call:

* ``exact=True`` (default): float pivots, exact recovery from the final bases,
  exact certification (integer pivoting only if that fails);
* ``exact=True`` with ``DETERRENCE_NUMBA=0``: the same with the NumPy loop (CI has no numba);
* ``pivoting="integer"``: exact integer (flint) pivoting throughout;
* ``exact=False``: float pivots and the float equilibrium check, float answer.

Prints the median wall time of each, the ratios (gambit/ours for the exact
answers, ours/QuantEcon for the float one) and whether the answers agree
(ours exact == ours integer; ours float ~ ours exact; ours float ~ QuantEcon;
ours exact == gambit's).

Run: ``python benchmarks/bench_lemke_howson.py [--repeats N] [--sizes 10 50 100]``
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("DETERRENCE_NUMBA", "1")  # use the compiled float loop when numba is installed
try:
    import deterrence  # noqa: F401
except ImportError:  # a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deterrence import NormalFormGame
from deterrence.solvers.normal_form.lemke_howson import _float_run, lemke_howson
from timing import fmt_time as fmt, median_time


def seeded_game(size, seed=2024, high=100):
    rng = np.random.default_rng(seed + size)
    A = rng.integers(0, high, size=(size, size))
    B = rng.integers(0, high, size=(size, size))
    return A, B


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


def gambit_profile(result):
    from fractions import Fraction
    eq = result.equilibria[0]
    return tuple(tuple(Fraction(eq[s]) for s in p.strategies) for p in eq.game.players)


def without_numba(fn):
    def run():
        old = os.environ.get("DETERRENCE_NUMBA")
        os.environ["DETERRENCE_NUMBA"] = "0"
        try:
            return fn()
        finally:
            if old is None:
                del os.environ["DETERRENCE_NUMBA"]
            else:
                os.environ["DETERRENCE_NUMBA"] = old
    return run


def close(a, b):
    return all(np.allclose(np.array(x, dtype=float), np.array(y, dtype=float), atol=1e-9) for x, y in zip(a, b))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 100])
    args = parser.parse_args(argv)
    reps, fast_reps = args.repeats, max(args.repeats, 50)
    if os.path.exists("/proc/loadavg"):
        print("load average:", Path("/proc/loadavg").read_text().split()[:3])
    print(f"{'size':>5}  {'solver':<44} {'median':>12}  ratio")
    for size in args.sizes:
        A, B = seeded_game(size)
        game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
        t_exact = median_time(lambda g=game: lemke_howson(g), fast_reps if size <= 10 else reps * 3)
        t_exact_np = median_time(without_numba(lambda g=game: lemke_howson(g)), reps)
        t_integer = median_time(lambda g=game: lemke_howson(g, pivoting="integer"), reps)
        t_float = median_time(lambda g=game: lemke_howson(g, exact=False), fast_reps)
        t_piv = median_time(lambda g=game: _float_run(g, 0, 10 ** 6), fast_reps)
        exact = lemke_howson(game)
        flt = lemke_howson(game, exact=False)
        integer = lemke_howson(game, pivoting="integer")
        rows = [("ours exact=True (float pivots + exact recovery)", t_exact, ""),
                ("ours exact=True, NumPy loop (no numba)", t_exact_np, ""),
                ("ours pivoting='integer' (exact throughout)", t_integer, ""),
                ("ours exact=False (float, float-checked)", t_float, ""),
                ("  of which float pivots only", t_piv, "")]
        qe = quantecon_solver(A, B)
        t_qe = median_time(qe, fast_reps) if qe else None
        gb = gambit_solver(A, B)
        t_gb = median_time(gb, reps) if gb else None
        if t_qe:
            rows.append(("QuantEcon lemke_howson (float, numba)", t_qe,
                         f"ours float/QE = {t_float / t_qe:.2f} (goal <= 2); pivots only/QE = {t_piv / t_qe:.2f}"))
        if t_gb:
            rows.append(("pygambit lcp_solve rational", t_gb,
                         f"gambit/ours exact = {t_gb / t_exact:.1f}x (goal >= 10); "
                         f"gambit/ours integer = {t_gb / t_integer:.1f}x; "
                         f"gambit/ours no-numba = {t_gb / t_exact_np:.1f}x"))
        for name, t, ratio in rows:
            print(f"{size:>5}  {name:<44} {fmt(t):>12}  {ratio}")
        agree = [f"exact==integer: {exact[0].strategies == integer[0].strategies}",
                 f"float~exact: {close(flt[0].strategies, exact[0].strategies)}",
                 f"float result exact flag: {flt.exact}"]
        if qe:
            agree.append(f"float~QE: {close(flt[0].strategies, qe())}")
        if gb:
            # gambit's lcp_solve runs Lemke's algorithm on an LCP, not Lemke-Howson from label 0,
            # so it may end at another (equally certified) equilibrium
            agree.append(f"same eq. as gambit: {gambit_profile(gb()) == exact[0].strategies}")
        print(f"{size:>5}  agree: " + "; ".join(agree))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
