"""Benchmark: all equilibria of random nondegenerate n x n games, ours vs peers.

Usage: ``python benchmarks/bench_enumeration.py [--sizes 8 9 10] [--games 3] [--repeat 3]``

Games are seeded random n x n bimatrix games with distinct integer payoffs
(generically nondegenerate), seeds ``1000 n + g``. Peers are timed only when
already installed (nothing is installed here): QuantEcon's
``vertex_enumeration`` (float; solved ``--repeat`` times per game, interleaved
with ours), nashpy's ``vertex_enumeration`` (n <= 8), pygambit's
``enummixed`` (rational, n <= ``--gambit-max``) and the ``lrsnash`` binary
(once per game each). Every timed call includes building the solver's game
from the two integer matrices and rounding its equilibria into a set, which
is compared with ours. Prints the median per size, ours/QE (goal <= 1) and
peer/ours for the others (lrsnash goal >= 3x), then one 20 x 20 game (fresh
process: time and peak RSS).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from deterrence import NormalFormGame  # noqa: E402
from deterrence.solvers.normal_form.enumeration import all_equilibria  # noqa: E402
from timing import fmt_time as fmt, timed


def random_game(n, seed):
    rng = np.random.default_rng(seed)
    A = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
    B = rng.permutation(4 * n * n)[:n * n].reshape(n, n)
    return A, B


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


def available_peers(gambit_max=9):
    """(name, function, largest n) of each installed peer."""
    peers = []
    for name, module, fn, max_n in [("quantecon", "quantecon", peer_quantecon, 99),
                                    ("nashpy", "nashpy", peer_nashpy, 8),
                                    ("pygambit", "pygambit", peer_pygambit, gambit_max)]:
        try:
            __import__(module)
            peers.append((name, fn, max_n))
        except Exception:
            pass
    if shutil.which("lrsnash"):
        peers.append(("lrsnash", peer_lrsnash, 99))
    return peers


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=list(range(8, 16)))
    ap.add_argument("--games", type=int, default=3, help="seeded games per size")
    ap.add_argument("--repeat", type=int, default=3,
                    help="times each game is solved by ours and QuantEcon (median over all)")
    ap.add_argument("--gambit-max", type=int, default=9, help="largest n for pygambit (~7 s a game at 10)")
    ap.add_argument("--no-20", action="store_true", help="skip the 20x20 game")
    args = ap.parse_args(argv)
    peers = available_peers(args.gambit_max)
    print("peers found:", ", ".join(p[0] for p in peers) or "none")
    print("load average:", open("/proc/loadavg").read().split()[:3])
    print(f"{'n':>3} {'#eq':>4} {'ours':>10}  " + "  ".join(
        f"{name:>10} {'ratio':>12}" for name, _, _ in peers) + "  agree")
    for n in args.sizes:
        # warm-up on another game of the same size (numba: ours and QuantEcon's JIT)
        A0, B0 = random_game(n, 999_999 + n)
        ours(A0, B0)
        for name, fn, _max_n in peers:
            if name == "quantecon":
                fn(A0, B0)
        t_ours, t_peer, neq, agree = [], {}, [], True
        for g in range(args.games):
            A, B = random_game(n, 1000 * n + g)
            for r in range(args.repeat):
                t, eq = timed(ours, A, B)
                t_ours.append(t)
                for name, fn, max_n in peers:
                    if n > max_n or (r and name != "quantecon"):
                        continue             # the slow peers: once per game
                    tp, eqp = timed(fn, A, B)
                    t_peer.setdefault(name, []).append(tp)
                    agree &= eqp == eq
            neq.append(len(eq))
        med = statistics.median(t_ours)
        cells = []
        for name, _, _ in peers:
            if name not in t_peer:
                cells.append(f"{'-':>10} {'':>12}")
                continue
            mp = statistics.median(t_peer[name])
            ratio = f"ours/QE {med / mp:.2f}" if name == "quantecon" else f"{mp / med:.1f}x"
            cells.append(f"{fmt(mp):>10} {ratio:>12}")
        print(f"{n:>3} {int(statistics.median(neq)):>4} {fmt(med):>10}  " + "  ".join(cells)
              + f"  {'yes' if agree else 'NO'}", flush=True)
    if args.no_20:
        return
    neq, t, rss = fresh_process_20x20()
    print(f"20x20 (seed 20000, fresh process): {neq} equilibria in {t:.2f} s; peak RSS {rss:.0f} MiB")


def fresh_process_20x20():
    """All equilibria of the seeded 20x20 game in a fresh process: ``(equilibria, seconds,
    peak RSS in MiB)``. The time includes loading numba's cached search when it is used.
    The peak is VmHWM (of this process image) rather than ru_maxrss, which Linux carries
    across fork+exec and would report the (large) parent's RSS."""
    here = Path(__file__).resolve().parent
    code = ("import sys, time; sys.path[:0] = [%r, %r]\n"
            "import bench_enumeration as be\n"
            "A, B = be.random_game(20, 20000)\n"
            "t = time.perf_counter(); eq = be.ours(A, B); t = time.perf_counter() - t\n"
            "hwm = [int(l.split()[1]) for l in open('/proc/self/status') if l.startswith('VmHWM')]\n"
            "print(len(eq), t, hwm[0])\n" % (str(here.parent), str(here)))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), float(out[1]), int(out[2]) / 1024

if __name__ == "__main__":
    main()
