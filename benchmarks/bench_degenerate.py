"""Benchmark: all extreme equilibria of DEGENERATE random n x n games, ours vs lrsnash and QuantEcon.

Usage: ``python benchmarks/bench_degenerate.py [--quick]``

Games: seeded random n x n bimatrix games with integer payoffs in ``0..hi``
(``hi`` = 3 or 9), kept only when degenerate (our float pre-pass finds a tie
in at least one best-response polytope; nearly every such game is). Per game:

- ours: ``all_equilibria`` (exact, complete, certified; numba loaded, warm),
  building the game included, median of 3 runs;
- lrsnash (exact, complete): the ``/usr/bin/lrsnash`` binary on a game file,
  minus its process start (``lrsnash`` on a 1 x 1 game, run right before each
  game), so that lrsnash is not charged for ``fork/exec``. Both the wall time and
  the CPU time (the child's user + system time from ``getrusage``; ours: the
  process time of the call) are measured: on a shared machine the CPU times
  are the fair comparison (a busy machine slows starting a process far more
  than running one), and the verdicts use them; wall times are printed too;
- QuantEcon ``vertex_enumeration`` (float, incomplete on degenerate games) if
  importable, median of 3 runs.

The equilibrium sets are compared exactly with lrsnash's (rationals) and the
share of them QuantEcon finds is reported. Prints the median per size and
payoff range, lrs/ours (goal > 1, >= 3 from 10 x 10; CPU and wall), ours/QE
(goal <= 2, wall: both run in this process, alternately) and verdicts.
:func:`goal_degenerate` returns the same rows for ``run_all.py``.
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
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from deterrence import NormalFormGame  # noqa: E402
from deterrence.core.exact import positive_integer_matrix  # noqa: E402
from deterrence.solvers.normal_form import enumeration  # noqa: E402
from timing import fmt_time as fmt, timed  # noqa: E402

LRSNASH = shutil.which("lrsnash") or ("/usr/bin/lrsnash" if os.path.exists("/usr/bin/lrsnash") else None)


def degenerate_games(n, hi, count, seed0=0):
    """``count`` seeded random degenerate ``n x n`` games with payoffs in ``0..hi``."""
    out, seed = [], seed0
    while len(out) < count:
        rng = np.random.default_rng([n, hi, seed])
        A = rng.integers(0, hi + 1, (n, n))
        B = rng.integers(0, hi + 1, (n, n))
        seed += 1
        LP, LQ = enumeration._float_polytopes(positive_integer_matrix(A.tolist()),
                                              positive_integer_matrix(B.tolist()), 10**9)
        if LP is None or LQ is None:
            out.append((A, B))
    return out


def ours(A, B):
    return enumeration.all_equilibria(NormalFormGame.from_arrays(A.tolist(), B.tolist()))


def ours_set(result):
    return {(tuple(Fraction(v) for v in e.strategies[0]), tuple(Fraction(v) for v in e.strategies[1]))
            for e in result}


def lrs_text(A, B):
    m, n = A.shape
    return (f"{m} {n}\n\n" + "\n".join(" ".join(map(str, r)) for r in A.tolist()) + "\n\n"
            + "\n".join(" ".join(map(str, r)) for r in B.tolist()) + "\n")


def _child_cpu():
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def run_lrsnash(text):
    """``(wall seconds, CPU seconds, stdout)`` of one lrsnash process on a game given as
    its file text."""
    with tempfile.NamedTemporaryFile("w", suffix=".game", delete=False) as fh:
        fh.write(text)
    try:
        cpu = _child_cpu()
        wall, out = timed(lambda: subprocess.run([LRSNASH, fh.name], capture_output=True,
                                                 text=True, check=True).stdout)
        return wall, _child_cpu() - cpu, out
    finally:
        os.unlink(fh.name)


def lrs_startup(repeat=3):
    """Median ``(wall, CPU)`` time of lrsnash on a 1 x 1 game: its process start."""
    runs = [run_lrsnash("1 1\n\n1\n\n1\n")[:2] for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def timed_cpu(fn, *args):
    """``(wall seconds, CPU seconds of this process, fn(*args))``."""
    cpu = time.process_time()
    wall, out = timed(fn, *args)
    return wall, time.process_time() - cpu, out


def parse_lrsnash(out):
    """The extreme equilibria printed by lrsnash, as exact (x, y) tuples.

    lrsnash prints blocks separated by blank lines: lines ``2 y... payoff`` (column
    player's strategies) then lines ``1 x... payoff`` (row player's); every x of a block
    pairs with every y of it.
    """
    eqs, ys, last = set(), [], None
    for line in out.splitlines():
        parts = line.split()
        if not parts or parts[0] not in ("1", "2"):
            if not parts:
                last = None
            continue
        probs = tuple(Fraction(p) for p in parts[1:-1])
        if parts[0] == "2":
            if last != "2":
                ys = []
            ys.append(probs)
        else:
            eqs.update((probs, y) for y in ys)
        last = parts[0]
    return eqs


def quantecon_available():
    try:
        import quantecon.game_theory  # noqa: F401
        return True
    except Exception:  # noqa: BLE001
        return False


def peer_quantecon(A, B):
    from quantecon.game_theory import NormalFormGame as QG, vertex_enumeration
    return vertex_enumeration(QG(np.stack([A, B], axis=-1).astype(float)))


def qe_found(qe_eqs, exact):
    """How many of the exact equilibria QuantEcon's float answer contains (1e-6)."""
    got = {tuple(np.round(np.concatenate([x, y]), 6).tolist()) for x, y in qe_eqs}
    return sum(tuple(round(float(v), 6) for v in x + y) in got for x, y in exact)


def measure(n, hi, games, repeat, qe):
    """One row: medians over ``games`` degenerate games of size n, payoffs 0..hi."""
    t_ours, c_ours, t_lrs, c_lrs, t_qe, neq, share, agree = [], [], [], [], [], [], [], True
    for A, B in degenerate_games(n, hi, games):
        walls, cpus, tq = [], [], []
        for _ in range(repeat):               # ours and QuantEcon alternately
            dt, dc, res = timed_cpu(ours, A, B)
            walls.append(dt)
            cpus.append(dc)
            if qe:
                dq, qeq = timed(peer_quantecon, A, B)
                tq.append(dq)
        t_ours.append(statistics.median(walls))
        c_ours.append(statistics.median(cpus))
        mine = ours_set(res)
        neq.append(len(mine))
        if LRSNASH:
            start_wall, start_cpu = lrs_startup()
            dl, cl, out = run_lrsnash(lrs_text(A, B))
            t_lrs.append(dl - start_wall)         # can be <= 0 when the start's wall time swings
            c_lrs.append(max(cl - start_cpu, 1e-6))
            agree &= parse_lrsnash(out) == mine
        if qe:
            t_qe.append(statistics.median(tq))
            share.append(qe_found(qeq, mine) / max(len(mine), 1))
    med = statistics.median
    return {"n": n, "hi": hi, "games": games, "neq": med(neq), "ours": med(t_ours),
            "ours_cpu": med(c_ours), "lrs": med(t_lrs) if t_lrs else None,
            "lrs_cpu": med(c_lrs) if c_lrs else None, "qe": med(t_qe) if t_qe else None,
            "qe_share": med(share) if share else None, "agree": agree if LRSNASH else None}


def warm_up(qe):
    """Load numba and compile (or load the cached) kernels before timing: the warm case."""
    import numba  # noqa: F401  (ours use the compiled search once numba is loaded)
    for A, B in degenerate_games(8, 3, 1, seed0=10**6):
        ours(A, B)
        if qe:
            peer_quantecon(A, B)
    # and the compiled float search of the simple polytopes (one of the two is often simple at
    # payoffs 0..9), which a degenerate 8x8 game with payoffs 0..3 may never reach
    rng = np.random.default_rng(10**6)
    ours(*(rng.permutation(256)[:64].reshape(8, 8) for _ in range(2)))


def goal_degenerate(quick: bool):
    """Rows for ``run_all.py``: ``(rows, verdicts)``.

    ``rows``: one list per size and payoff range (see :data:`HEAD`): size, payoffs,
    games, #eq, ours (wall), lrsnash (wall, net of process start), lrs/ours (wall),
    ours (CPU), lrsnash (CPU, net), lrs/ours (CPU), QuantEcon (wall), ours/QE, the share
    of the equilibria QE finds, agree.
    ``verdicts``: ``[criterion, measured, met]`` for: faster than lrsnash at every size;
    >= 3x from 10x10; within 2x of QuantEcon; sets agree with lrsnash. Sizes: every n from
    6 to 14 (``quick``: 6, 8, 10, 12), each with payoffs in 0..3 and in 0..9.
    """
    sizes = [6, 8, 10, 12] if quick else list(range(6, 15))     # the goal: every size, 6x6 to 14x14
    games = 3 if quick else 5
    repeat = 3
    qe = quantecon_available()
    warm_up(qe)
    rows, results = [], []
    for hi in (3, 9):
        for n in sizes:
            r = measure(n, hi, games, repeat, qe)
            results.append(r)
            rows.append([f"{n}x{n}", f"0..{hi}", r["games"], int(r["neq"]), fmt(r["ours"]),
                         _net_wall(r["lrs"]), _wall_ratio(r),
                         fmt(r["ours_cpu"]), fmt(r["lrs_cpu"]),
                         "-" if r["lrs_cpu"] is None else f"{r['lrs_cpu'] / r['ours_cpu']:.1f}x",
                         fmt(r["qe"]), "-" if r["qe"] is None else f"{r['ours'] / r['qe']:.2f}",
                         "-" if r["qe_share"] is None else f"{100 * r['qe_share']:.0f}%",
                         {None: "-", True: "yes", False: "NO"}[r["agree"]]])
    verdicts = []
    covered = f"n = {', '.join(str(n) for n in sizes)}; payoffs 0..3 and 0..9"
    lrs = [(r["lrs_cpu"] / r["ours_cpu"], r) for r in results if r["lrs_cpu"]]
    if lrs:
        worst = min(lrs, key=lambda t: t[0])
        wall = _wall_ratio(worst[1])
        verdicts.append(["faster than lrsnash at every size (CPU time)",
                         f"least lrs/ours {worst[0]:.1f}x ({worst[1]['n']}x{worst[1]['n']}, "
                         f"0..{worst[1]['hi']}; wall {wall}; {covered})", worst[0] > 1.0])
        big = [t for t in lrs if t[1]["n"] >= 10]
        if big:
            wb = min(big, key=lambda t: t[0])
            wall = _wall_ratio(wb[1])
            verdicts.append([">= 3x faster than lrsnash from 10x10 (CPU time)",
                             f"least lrs/ours {wb[0]:.1f}x ({wb[1]['n']}x{wb[1]['n']}, "
                             f"0..{wb[1]['hi']}; wall {wall})", wb[0] >= 3.0])
        agree = all(r["agree"] for r in results)
        verdicts.append(["equilibrium sets agree with lrsnash (exactly)", "yes" if agree else "NO", agree])
    qes = [(r["ours"] / r["qe"], r) for r in results if r["qe"]]
    if qes:
        worst = max(qes, key=lambda t: t[0])
        verdicts.append(["within 2x of QuantEcon vertex_enumeration",
                         f"worst ours/QE {worst[0]:.2f} ({worst[1]['n']}x{worst[1]['n']}, 0..{worst[1]['hi']})",
                         worst[0] <= 2.0])
    return rows, verdicts


def _net_wall(t):
    """lrsnash's wall time net of its process start, or a note when the start's own wall time
    (timed separately, on a 1 x 1 game) swung above the run's: the CPU columns still hold."""
    return "-" if t is None else fmt(t) if t > 0 else "within start noise"


def _wall_ratio(r):
    """lrs/ours in wall time, as printed ("-" when it cannot be read: see :func:`_net_wall`)."""
    return "-" if r["lrs"] is None or r["lrs"] <= 0 else f"{r['lrs'] / r['ours']:.1f}x"


HEAD = ["n", "payoffs", "games", "#eq", "ours (exact, wall)", "lrsnash (wall, net)", "lrs/ours (wall)",
        "ours (CPU)", "lrsnash (CPU, net)", "lrs/ours (CPU)",
        "QuantEcon", "ours/QE", "QE finds", "agree"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes 6, 8, 10, 12, 3 games each")
    args = ap.parse_args(argv)
    print("load average:", open("/proc/loadavg").read().split()[:3])
    print("lrsnash:", LRSNASH or "not found", "  quantecon:", "yes" if quantecon_available() else "no")
    rows, verdicts = goal_degenerate(args.quick)
    print("| " + " | ".join(HEAD) + " |")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    for what, measured, ok in verdicts:
        print(f"{what}: {measured}: {'met' if ok else 'NOT MET'}")
    print("load average:", open("/proc/loadavg").read().split()[:3])


if __name__ == "__main__":
    main()
