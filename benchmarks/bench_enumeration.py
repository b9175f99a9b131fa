"""Benchmark: all equilibria of random nondegenerate n x n games, ours vs peers.

Usage: ``python benchmarks/bench_enumeration.py [--sizes 8 10 12 15 20] [--games 3]``

Games are seeded random n x n bimatrix games with distinct integer payoffs
(generically nondegenerate). Peers are timed only when already installed
(nothing is installed here): nashpy's ``vertex_enumeration`` (n <= 8),
quantecon's ``vertex_enumeration`` (n <= 15), pygambit's ``enummixed``
(rational, n <= 12), and the ``lrsnash`` binary (n <= 15). Every peer's
equilibrium set is compared with ours after rounding. Prints a table of
median times and ratios, then one 20 x 20 game with its peak memory.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from deterrence import NormalFormGame  # noqa: E402
from deterrence.solvers.enumeration import all_equilibria  # noqa: E402


def random_game(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
    B = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
    return A, B


def key(x, y):
    return tuple(np.round(np.concatenate([np.asarray(x, float), np.asarray(y, float)]), 6))


def keys(profiles):
    """The set of (x, y) profiles rounded to 1e-6, as tuples of floats.

    One vectorised conversion for every solver, so that comparing the sets costs
    each of them the same few microseconds (it is inside the timed call).
    """
    rows = [tuple(x) + tuple(y) for x, y in profiles]
    if not rows:
        return set()
    return set(map(tuple, np.round(np.array(rows, dtype=float), 6).tolist()))


def ours(A, B):
    res = all_equilibria(NormalFormGame.from_arrays(A.tolist(), B.tolist()))
    return keys(e.strategies for e in res)


def peer_nashpy(A, B):
    import nashpy
    return keys(nashpy.Game(A, B).vertex_enumeration())


def peer_quantecon(A, B):
    from quantecon.game_theory import NormalFormGame as QG, vertex_enumeration
    g = QG(np.stack([A, B.T.T], axis=-1).astype(float))
    return keys(vertex_enumeration(g))


def peer_pygambit(A, B):
    import pygambit as gbt
    g = gbt.Game.from_arrays(A.astype(int), B.astype(int))
    p0, p1 = list(g.players)           # pygambit 16.x: players are not indexed by int
    return keys(([float(prof[s]) for s in p0.strategies], [float(prof[s]) for s in p1.strategies])
                for prof in gbt.nash.enummixed_solve(g, rational=True).equilibria)


def peer_lrsnash(A, B):
    n, m = A.shape
    text = f"{n} {m}\n\n" + "\n".join(" ".join(map(str, r)) for r in A) + "\n\n" + \
        "\n".join(" ".join(map(str, r)) for r in B) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".game", delete=False) as fh:
        fh.write(text)
    try:
        out = subprocess.run(["lrsnash", fh.name], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)
    # lrsnash prints blocks: lines "2 y... payoff" (the column player's strategies) followed by
    # lines "1 x... payoff" (the row player's); every x of a block pairs with every y of it.
    eqs, ys, last = [], [], None
    for line in out.splitlines():
        parts = line.split()
        if not parts or parts[0] not in ("1", "2"):
            continue
        probs = [float(Fraction(p)) for p in parts[1:-1]]
        if parts[0] == "2":
            if last == "1":
                ys = []
            ys.append(probs)
        else:
            for y in ys:
                eqs.append((probs, y))
        last = parts[0]
    return keys(eqs)


def available_peers():
    peers = []
    for name, module, fn, max_n in [("nashpy", "nashpy", peer_nashpy, 8),
                                    ("quantecon", "quantecon", peer_quantecon, 15),
                                    ("pygambit", "pygambit", peer_pygambit, 12)]:
        try:
            __import__(module)
            peers.append((name, fn, max_n))
        except Exception:
            pass
    if shutil.which("lrsnash"):
        peers.append(("lrsnash", peer_lrsnash, 15))
    return peers


def timed(fn, *args):
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[8, 10, 12, 15, 20])
    ap.add_argument("--games", type=int, default=3, help="games per size (20x20: one)")
    args = ap.parse_args(argv)
    peers = available_peers()
    print("peers found:", ", ".join(p[0] for p in peers) or "none")
    print(f"{'n':>3} {'games':>5} {'#eq (median)':>12} {'ours (s)':>9}  peers: median s (ratio peer/ours), agree")
    for n in args.sizes:
        count = 1 if n >= 20 else args.games
        times, neq, peer_t, agree = [], [], {}, {}
        for g in range(count):
            A, B = random_game(n, 1000 * n + g)
            t, eq = timed(ours, A, B)
            times.append(t)
            neq.append(len(eq))
            for name, fn, max_n in peers:
                if n > max_n:
                    continue
                tp, eqp = timed(fn, A, B)
                peer_t.setdefault(name, []).append(tp)
                agree[name] = agree.get(name, True) and eqp == eq
        med = statistics.median(times)
        cells = [f"{name} {statistics.median(ts):.3f} ({statistics.median(ts) / med:.1f}x) "
                 f"{'yes' if agree[name] else 'NO'}" for name, ts in peer_t.items()]
        print(f"{n:>3} {count:>5} {statistics.median(neq):>12} {med:>9.3f}  " + "; ".join(cells))

    A, B = random_game(20, 20_000)
    tracemalloc.start()
    t, eq = timed(ours, A, B)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"20x20 (seed 20000): {len(eq)} equilibria in {t:.2f} s (under tracemalloc); "
          f"peak traced memory {peak / 2**20:.0f} MiB; process max RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
