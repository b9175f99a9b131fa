"""Benchmark: maximum-likelihood logit QRE fitting (deterrence ``fit_logit_qre``) against
pygambit's ``qre.logit_estimate`` on the same simulated counts.

Games: the seeded random games of ``bench_qre.py`` (integer payoffs 0..9; 2x2, 3x3, 5x5,
2x2x2), seed 2024 + index. For each game, choices are simulated at a known lambda
(``simulate_choices``: ``N`` independent choices a player at the logit QRE, seeded) and
both fits get the same counts. Gambit estimates along the principal branch (the global
maximiser, its default) and gives no standard error; ours gives lambda with its standard
error (observed information).

For each game it prints the true lambda, ours with its standard error, Gambit's, the
difference in units of our standard error, both log-likelihoods at the fitted profiles
(computed here, in one way, from the counts), and the median wall time of each fit (Gambit
in this process, after one warm-up call, as ours). Installs nothing: pygambit is used only
when importable.

Run: ``python benchmarks/bench_qre_fit.py [--repeats N] [--n N]``
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

try:
    import deterrence  # noqa: F401
except ImportError:  # a checkout without an install
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_qre import gambit, gambit_game, seeded_game
from timing import fmt_time as fmt
from timing import median_time

from deterrence import NormalFormGame
from deterrence.solvers.inference.qre_fit import fit_logit_qre, simulate_choices

SHAPES = [(2, 2), (3, 3), (5, 5), (2, 2, 2)]
TRUE_LAMBDA = [0.5, 1.0, 2.0]


def log_likelihood(counts, profile) -> float:
    """sum over players and actions of count * log(probability)."""
    return float(sum(c * math.log(max(p, 1e-300)) for cs, ps in zip(counts, profile) for c, p in zip(cs, ps)))


def gambit_fit(gbt, g, counts):
    """pygambit's estimate on the counts: (lambda, fitted profile)."""
    data = g.mixed_strategy_profile(rational=False)
    for player, cs in zip(g.players, counts):
        for s, c in zip(player.strategies, cs):
            data[s] = float(c)
    fit = gbt.qre.logit_estimate(data)
    profile = [[float(fit.profile[s]) for s in p.strategies] for p in g.players]
    return float(fit.lam), profile


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--n", type=int, default=2000, help="choices a player (default 2000)")
    args = parser.parse_args(argv)
    gbt = gambit()
    print("| shape | true lambda | ours (se) | gambit logit_estimate | |ours - gambit| / se "
          "| loglik ours | loglik gambit | ours time | gambit time | gambit/ours |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    for index, shape in enumerate(SHAPES):
        arrays = seeded_game(shape, index)
        ours_game = NormalFormGame(arrays) if len(shape) > 2 else NormalFormGame.from_arrays(*arrays)
        for lam in TRUE_LAMBDA:
            data = simulate_choices(ours_game, lam, args.n, seed=1000 * index + int(10 * lam))
            counts = [list(data[p].values()) for p in ours_game.players]
            fit = fit_logit_qre(ours_game, counts)
            t_ours = median_time(lambda g=ours_game, c=counts: fit_logit_qre(g, c), args.repeats)
            ll_ours = log_likelihood(counts, fit.fitted)
            row = [f"{'x'.join(map(str, shape))}", f"{lam}", f"{fit.lam:.4f} ({fit.se:.4f})"]
            if gbt is None:
                row += ["-", "-", f"{ll_ours:.2f}", "-", fmt(t_ours), "-", "-"]
            else:
                g = gambit_game(gbt, arrays)
                lam_g, prof_g = gambit_fit(gbt, g, counts)
                t_g = median_time(lambda g=g, c=counts: gambit_fit(gbt, g, c), args.repeats)
                row += [f"{lam_g:.4f}", f"{abs(fit.lam - lam_g) / fit.se:.3f}", f"{ll_ours:.2f}",
                        f"{log_likelihood(counts, prof_g):.2f}", fmt(t_ours), fmt(t_g), f"{t_g / t_ours:.2f}x"]
            print("| " + " | ".join(row) + " |")
    if gbt is None:
        print("pygambit is not installed: our fits only")


if __name__ == "__main__":
    main()
