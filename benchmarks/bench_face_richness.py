"""Benchmark (an estimate, not a proof): how many extreme plans the faces of a random tree's
maximal Nash subsets hold, and so how long a list of its extreme equilibria would be.

Goal 7's open point asks for every extreme equilibrium of the random trees of 137-2,000
sequences. ``sequence_form`` answers them by their maximal Nash subsets and a certified lower
bound (``count_at_least``); this script estimates the size of the list it does not give.

Steps, for each face (each player's set of plans in each maximal Nash subset of
``sized_rounds(rounds)``, found as the front door finds them):

1. Maximise ``objectives`` random Gaussian objectives on the player's own open sequences over
   the face with HiGHS (floats; one model kept warm, only the costs change). With probability
   one a continuous random objective has a single maximiser among the face's plans, and a
   single maximiser is an extreme plan.
2. Count the distinct plans met (rounded to 1e-7) and how often each was met: ``f1`` plans met
   once, ``f2`` met twice.
3. Chao's estimator ``D + f1**2 / (2 * f2)`` (``D`` distinct; ``D + f1 (f1 - 1) / 2`` when
   ``f2`` is 0) estimates the number of classes of a population sampled with unequal
   probabilities, and is known to err low (Chao 1984). Where the face's objectives stop
   meeting new plans, ``f1`` is small and the estimate is the plans met.
4. The subsets' extreme equilibria are the pairs of their faces' extreme plans: the sum over
   the subsets of the products of the two estimates estimates their number (pairs shared by
   two subsets counted twice).

Nothing here is certified; the objectives are the same kind that ``face_directions`` proves
exactly, at about 0.5 ms each in floats against 5-250 ms proved.

Reference: Chao, A. (1984). Nonparametric estimation of the number of classes in a
population. Scandinavian Journal of Statistics 11: 265-270.

Run: ``python benchmarks/bench_face_richness.py [--rounds 15] [--objectives 20000]``
(``sized_rounds(15)`` is the 137-sequence tree of goal 7).
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
try:
    import deterrence  # noqa: F401
except ImportError:  # a checkout without an install
    sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402 - after the path is set
from bench_sequence_form import sized_rounds  # noqa: E402 - after the path is set

from deterrence.solvers.tree.face_directions import _FaceModel  # noqa: E402 - after the path is set
from deterrence.solvers.tree.sequence_branching import DEFAULT_NODES  # noqa: E402 - after the path is set
from deterrence.solvers.tree.subgame_subsets import _subsets  # noqa: E402 - after the path is set


def chao1(counts: Counter) -> float:
    """Chao's lower-bound estimator of the number of classes from the times each class met was met.

    >>> chao1(Counter({"a": 1, "b": 1, "c": 2})), chao1(Counter({"a": 3, "b": 5}))
    (5.0, 2.0)
    """
    met = Counter(counts.values())
    f1, f2 = met.get(1, 0), met.get(2, 0)
    return len(counts) + (f1 * f1 / (2 * f2) if f2 else f1 * (f1 - 1) / 2)


def face_plans(side, tight, objectives: int, rng) -> Counter:
    """``{plan: times met}`` over ``objectives`` random objectives maximised over one face."""
    model = _FaceModel(side, tight)
    own = [c for c in range(side.n_own) if c not in tight]
    met: Counter = Counter()
    for _ in range(objectives):
        cost = np.zeros(model.C)
        cost[own] = rng.standard_normal(len(own))
        if model.optimal_basis(cost) is None:
            continue
        met[tuple(np.round(np.array(model.h.getSolution().col_value[:side.n_own]), 7))] += 1
    return met


def richness_rows(rounds: int, objectives: int, seed: int = 11) -> tuple:
    """``(rows, estimated extreme equilibria, distinct pairs met, CPU seconds)`` for ``sized_rounds(rounds)``."""
    start = time.process_time()
    _, sides, faces = _subsets(sized_rounds(rounds), DEFAULT_NODES)
    rng = np.random.default_rng(seed)
    rows, estimate, met_pairs = [], 0.0, 0
    for i, pair in enumerate(faces):
        met = [face_plans(sides[k], set(pair[k]), objectives, rng) for k in (0, 1)]
        guess = [chao1(m) for m in met]
        estimate += guess[0] * guess[1]
        met_pairs += len(met[0]) * len(met[1])
        rows.append([i, len(met[0]), f"{guess[0]:,.0f}", len(met[1]), f"{guess[1]:,.0f}",
                     f"{guess[0] * guess[1]:,.0f}"])
    return rows, estimate, met_pairs, time.process_time() - start


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15, help="sized_rounds(ROUNDS): 9 * ROUNDS + 2 sequences")
    parser.add_argument("--objectives", type=int, default=20_000, help="random objectives a face")
    args = parser.parse_args(argv)
    rows, estimate, met_pairs, cpu = richness_rows(args.rounds, args.objectives)
    print(f"### Extreme plans of the faces, random tree of {9 * args.rounds + 2} sequences "
          f"(sized_rounds({args.rounds}), {args.objectives:,} float objectives a face; an estimate)\n")
    print("| subset | P1 plans met | P1 Chao1 | P2 plans met | P2 Chao1 | pairs (estimate) |")
    print("| --- | --- | --- | --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(str(v) for v in row) + " |")
    print(f"\n{len(rows)} subsets; pairs of the plans met: {met_pairs:,}; estimated extreme equilibria "
          f"(sum of the products of the estimates): {estimate:,.0f}; {cpu:.0f} s CPU")


if __name__ == "__main__":
    main()
