"""Benchmark: deterrence's equilibrium payoff sets (Abreu-Sannikov) against QuantEcon.

Games: the prisoner's dilemma of QuantEcon's and GameTheory.jl's tests
([[9, 1], [10, 3]], delta = 3/4 and 9/10); the Abreu-Sannikov (2014) example
(delta = 0.3); the US-Iran hold/retaliate/escalate stage game of the
catalogue (``us_iran_stage``: hold/hold 0,0; escalation mutually
catastrophic) at delta 1/2 and 9/10; and seeded random 10x10 games (integer
payoffs in -10..10). Installs nothing: QuantEcon's
``RepeatedGame(...).equilibrium_payoffs()`` is timed only when importable
(after a warm-up call, so numba compilation is not counted). Prints medians,
the ratio ours/QuantEcon (< 1: we are faster) and the Hausdorff distance
between the two computed sets.

Ours runs with ``DETERRENCE_NUMBA=1`` (as in ``run_all.py``): the float
iteration and the float half of the exact certificate are then compiled
(numba, the ``fast`` extra); without numba the same code runs in NumPy and
plain Python.

Run: ``python benchmarks/bench_payoff_set.py [--repeats N]``
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # run from a checkout

from deterrence import NormalFormGame, load_game
from deterrence.solvers.repeated.payoff_set import equilibrium_payoff_set, hausdorff_distance
from timing import median_time


def quantecon_runner(A, B, delta):
    try:
        from quantecon.game_theory import NormalFormGame as QG, RepeatedGame
    except ImportError:
        return None
    bimatrix = np.stack([np.asarray(A, dtype=float), np.asarray(B, dtype=float)], axis=-1)
    rpg = RepeatedGame(QG(bimatrix), float(delta))

    def run():
        hull = rpg.equilibrium_payoffs()
        return hull.points[hull.vertices]
    return run


def cases():
    pd = ([[9, 1], [10, 3]], [[9, 10], [1, 3]])
    yield "PD [[9,1],[10,3]] d=3/4", pd, "3/4"
    yield "PD [[9,1],[10,3]] d=9/10", pd, "9/10"
    asg = np.array([[(16, 9), (3, 13), (0, 3)], [(21, 1), (10, 4), (-1, 0)], [(9, 0), (5, -4), (-5, -15)]])
    yield "Abreu-Sannikov 3x3 d=0.3", (asg[..., 0].tolist(), asg[..., 1].tolist()), "3/10"
    us_iran = load_game("us_iran_stage").with_defaults()
    ui = ([[int(x) for x in row] for row in us_iran.A], [[int(x) for x in row] for row in us_iran.B])
    yield "US-Iran 3x3 d=1/2", ui, "1/2"
    yield "US-Iran 3x3 d=9/10", ui, "9/10"
    for seed in (0, 1, 2):
        rng = np.random.default_rng(seed)
        A, B = rng.integers(-10, 11, size=(2, 10, 10))
        yield f"random 10x10 seed={seed} d=0.9", (A.tolist(), B.tolist()), "9/10"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args(argv)
    os.environ.setdefault("DETERRENCE_NUMBA", "1")   # compiled loops when numba is installed (as run_all.py)
    head = f"{'game':32s} {'ours ms':>9s} {'QE ms':>9s} {'ratio':>7s} {'Hausdorff':>10s}  iters exact bound"
    print(head)
    print("-" * len(head))
    for name, (A, B), delta in cases():
        game = NormalFormGame.from_arrays(A, B)
        ours = equilibrium_payoff_set(game, delta)
        t_ours = median_time(lambda delta=delta, game=game: equilibrium_payoff_set(game, delta), args.repeats)
        qe = quantecon_runner(A, B, float(ours.delta))
        t_qe = ratio = dist = None
        if qe is not None:
            try:
                verts = qe()
                t_qe = median_time(qe, args.repeats)
                ratio = t_ours / t_qe
                dist = hausdorff_distance(ours.vertices, verts)
            except Exception as exc:  # QuantEcon refuses empty or degenerate sets
                print(f"   (QuantEcon failed: {type(exc).__name__}: {str(exc).splitlines()[0][:60]})")
        fmt = lambda x, spec: "-" if x is None else format(x, spec)  # noqa: E731
        print(f"{name:32s} {t_ours * 1e3:9.2f} {fmt(t_qe and t_qe * 1e3, '9.2f'):>9s} "
              f"{fmt(ratio, '7.2f'):>7s} {fmt(dist, '10.1e'):>10s}  "
              f"{ours.iterations:5d} {str(ours.exact):5s} {ours.error_bound:.1e}")


if __name__ == "__main__":
    main()
