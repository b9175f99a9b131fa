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

Trees (the agent QRE, McKelvey and Palfrey 1998): Kuhn poker and small seeded random
trees (``bench_sequence_form.branching_rounds``), the same ``.efg`` file read by both:
our ``agent_qre`` (trace the agent branch to lambda = 10^6 / payoff range, make its
end exact, certify it as a sequential assessment) and our ``agent_logit_branch`` to
lambda = 100 (tracing alone) against pygambit's ``logit_solve`` on the extensive game
(its agent logit branch, stopped at regret 10^-8 of the payoff range; floats, not
certified). Each call runs in a spawned child process with a time limit
(``timing.in_child``), the time taken inside the child after its imports.

Run: ``python benchmarks/bench_qre.py [--repeats N] [--trees] [--timeout S]``
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
from timing import in_child, median_time

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


#: seeded random trees of the agent QRE comparison (branching_rounds depth; 2: 33 sequences, 3: 65)
TREE_DEPTHS = (2, 3)


def tree_cases(depths=TREE_DEPTHS):
    """``[(name, path of an .efg file)]``: Kuhn poker and seeded random trees written to a temporary folder."""
    import tempfile

    import bench_sequence_form as bs
    from deterrence.io.gambit_efg import write_efg
    root = Path(__file__).resolve().parent.parent
    cases = [("Kuhn poker", root / "games" / "kuhn_poker.efg")]
    tmp = Path(tempfile.mkdtemp())
    for depth in depths:
        path = tmp / f"depth{depth}.efg"
        write_efg(bs.branching_rounds(depth), path)
        cases.append((f"random tree, depth {depth} (seed 7)", path))
    return cases


def ours_agent_qre(path):
    """Our agent QRE limit (trace, make exact, certify): True when an exact assessment came out."""
    from deterrence.io.gambit_efg import read_efg
    from deterrence.solvers.tree.agent_qre import agent_qre
    return agent_qre(read_efg(path)).exact


def ours_agent_branch(path, max_lambda=100.0):
    """Our agent logit branch traced to ``max_lambda`` (floats; no certification): its number of points."""
    from deterrence.io.gambit_efg import read_efg
    from deterrence.solvers.tree.agent_qre import agent_logit_branch
    return len(agent_logit_branch(read_efg(path), max_lambda=max_lambda).lambdas)


def gambit_agent_logit(path):
    """pygambit's logit_solve on the extensive game (agent form): the regret of its answer."""
    import pygambit
    game = pygambit.read_efg(str(path))
    return float(pygambit.nash.logit_solve(game).equilibria[0].max_regret())


def tree_rows(timeout=300.0, cases=None):
    """One row a tree: ``[name, ours agent_qre (s or None), its result, ours branch to 100, gambit (s or None),
    gambit's regret or failure]``; every call in a child process."""
    rows = []
    for name, path in cases or tree_cases():
        t_ours, exact = in_child(ours_agent_qre, path, timeout=timeout)
        t_branch, _ = in_child(ours_agent_branch, path, timeout=timeout)
        t_gb, regret_gb = (in_child(gambit_agent_logit, path, timeout=timeout) if gambit() is not None
                           else (None, "pygambit not installed"))
        rows.append([name, t_ours, exact, t_branch, t_gb, regret_gb])
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--trees", action="store_true", help="the agent QRE on trees instead")
    parser.add_argument("--timeout", type=float, default=300.0, help="time limit of each call on a tree (s)")
    args = parser.parse_args(argv)
    if args.trees:
        print("tree                               ours agent_qre (certified)  ours branch to 100  "
              "gambit logit_solve  gambit/ours")
        for name, t_ours, exact, t_branch, t_gb, regret_gb in tree_rows(args.timeout):
            ratio = f"{t_gb / t_ours:.2f}x" if t_ours and t_gb else "-"
            ours = fmt(t_ours) + ("" if t_ours else f" ({exact})")
            theirs = fmt(t_gb) + (f" (regret {regret_gb:.1e})" if t_gb else f" ({regret_gb})")
            print(f"{name:34} {ours:>26}  {fmt(t_branch):>18}  {theirs:>18}  {ratio}")
        return
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
