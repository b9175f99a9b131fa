"""Benchmark: logit QRE tracing (deterrence) against pygambit's ``logit_solve`` and
``qre.logit_solve_lambda``, on the same seeded random games.

Games: integer payoffs in 0..9, two players (2x2, 3x3, 5x5, 8x8) and three players
(2x2x2, 3x3x3), seed 2024 + index. Installs nothing: pygambit is used only when it is
importable (``pip install pygambit``; never a dependency of the package).

For each game it prints
* the median wall time of our whole ``logit_branch`` (trace to lambda = 10^6 / payoff
  range, then the exact limit equilibrium certified) and of gambit's ``logit_solve``;
* whether our limit was certified, and gambit's regret at its answer (float; its
  answer is not certified);
* the largest difference between our QRE and gambit's at lambda = 0.5, 2 and 8
  (both follow the principal branch, so they should agree to the tolerances).

Run: ``python benchmarks/bench_qre.py [--repeats N]``
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

try:
    import deterrence  # noqa: F401
except ImportError:  # a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from timing import fmt_time as fmt
from timing import median_time

from deterrence import NormalFormGame
from deterrence.solvers.normal_form.qre import action_values, logit_branch, qre_at

SHAPES = [(2, 2), (3, 3), (5, 5), (8, 8), (2, 2, 2), (3, 3, 3)]
LAMBDAS = [0.5, 2.0, 8.0]


def seeded_game(shape, index, seed=2024):
    rng = np.random.default_rng(seed + index)
    return [rng.integers(0, 10, size=shape) for _ in shape]


def gambit():
    try:
        import pygambit
    except ImportError:
        return None
    return pygambit


def gambit_game(gbt, arrays):
    return gbt.Game.from_arrays(*[np.asarray(a) for a in arrays])


def gambit_profile(g, eq):
    return [[float(eq[s]) for s in p.strategies] for p in g.players]


def regret(arrays, profile):
    u = action_values([np.asarray(a, dtype=float) for a in arrays], profile)
    return max(float(ui.max() - ui @ np.asarray(p)) for ui, p in zip(u, profile))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    gbt = gambit()
    print("shape      ours (trace+certify)  gambit logit_solve  certified  gambit regret  "
          "max |ours - gambit| at lambda " + ", ".join(map(str, LAMBDAS)))
    for k, shape in enumerate(SHAPES):
        arrays = seeded_game(shape, k)
        game = NormalFormGame.from_payoff_arrays(arrays)
        ours = median_time(lambda game=game: logit_branch(game), args.repeats)
        branch = logit_branch(game)
        theirs = gregret = diff = None
        if gbt is not None:
            g = gambit_game(gbt, arrays)
            theirs = median_time(lambda g=g: gbt.nash.logit_solve(g), args.repeats)
            prof = gambit_profile(g, gbt.nash.logit_solve(g).equilibria[0])
            gregret = regret(arrays, prof)
            qres = gbt.qre.logit_solve_lambda(g, lam=LAMBDAS)
            ours_q = [np.concatenate(qre_at(game, lam)) for lam in LAMBDAS]
            theirs_q = [np.concatenate(gambit_profile(g, q.profile)) for q in qres]
            diff = max(float(np.abs(a - b).max()) for a, b in zip(ours_q, theirs_q))
        print(f"{'x'.join(map(str, shape)):10} {fmt(ours):>20}  {fmt(theirs):>18}  "
              f"{branch.limit is not None!s:>9}  "
              f"{'-' if gregret is None else f'{gregret:.1e}':>13}  {'-' if diff is None else f'{diff:.1e}'}")
    if gbt is None:
        print("pygambit is not installed: timing of ours only")


if __name__ == "__main__":
    main()
