"""Run every performance goal of deterrence against its peers and print one table per goal.

Usage (from a fresh checkout; nothing is installed by this script)::

    python benchmarks/run_all.py            # full run (~25 minutes on 2 shared cores)
    python benchmarks/run_all.py --quick    # smaller sizes and fewer repeats (~6 minutes)
    python benchmarks/run_all.py --goals 1 5 7

Peers are used only when present: nashpy (a dependency, always), QuantEcon and
pygambit (``pip install quantecon pygambit``), Debian's ``lrsnash`` binary
(``apt-get install lrslib``). Axelrod is deliberately not installed (it pulls
torch); goal 4 compares with its published rate from ``shared/peers.md`` and a
plain NumPy loop instead. Every number is a median over repeats or games on
the same seeded inputs. On shared machines a time alone is no goal: every goal
is a ratio of two things measured in the same run (ours against a peer, or
against a plain baseline), and absolute times are printed as context.

Goals
 1. all equilibria (exact, complete) vs QuantEcon vertex enumeration (float),
    lrsnash, pygambit enummixed (rational), nashpy; sets must agree.
 2. one exact equilibrium (Lemke-Howson) at 100x100 vs pygambit rational
    lcp_solve; our float path vs QuantEcon lemke_howson.
 3. repeated-game payoff sets vs QuantEcon RepeatedGame.equilibrium_payoffs.
 4. noisy play: exact noise analysis at most 2x the float analysis of the same
    chain; Monte Carlo at least 1.3x a plain NumPy loop on one core.
 5. start-up: ``import deterrence`` and ``deterrence --help`` against ``python -c pass``.
 6. memory: peak RSS of a subprocess enumerating all equilibria of a 20x20 game.
 7. sequence form: one equilibrium >= 10x faster than pygambit
    ``lcp_solve(rational=True)`` (Kuhn poker, random trees of 100-2,000
    sequences); all extreme equilibria (Gambit has no such method); 7c: quasi-perfect
    and sequential equilibria against ``lcp_solve(rational=True)``, Gambit's closest.
 8. n-player: all equilibria of 2x2x2 to 3x3x3 at least as fast as
    ``enumpoly_solve`` (every answer certified); one equilibrium of 4x4x4 and
    5x5x5 at least as fast as ``gnm_solve`` and ``simpdiv_solve``.
 9. logit QRE tracing at least as fast as ``logit_solve``; 9b: the agent QRE on
    trees (Kuhn poker, random trees) against ``logit_solve`` on the extensive game.
10. Markov perfect equilibria of the US-Iran exchange model: a 100x100
    parameter map in under 10x the time of the repeated-game map (extrapolated
    per point from a smaller map).
11. scale out: maps and the case-model fit on a Dask LocalCluster of 2 workers,
    identical to serial; the speed-up is recorded.
12. degenerate games (``bench_degenerate.goal_degenerate``) and 13. the live
    report (``bench_live.goal_live``), when those modules are present.

Peers that can hang or take minutes (gambit's gnm, enumpoly, large lcp_solve)
run in a fresh (spawned) child process with a time limit.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
try:                                   # installed, or run from the repository root
    import deterrence  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))          # the bench_*.py pieces

from timing import fmt_time as fmt_t, median_time  # noqa: E402
from timing import in_child as timing_in_child  # noqa: E402

RESULTS = []              # (goal, criterion, measured ratio, met, context, cause) for the summary


def verdict(ok):
    return "(context)" if ok is None else "met" if ok else "NOT MET"


def record(goal, what, measured, ok, context="", cause=""):
    """Keep one goal's line for the summary; ``cause`` is printed only when it is not met."""
    RESULTS.append((goal, what, measured, ok, context, cause if ok is False else ""))
    return verdict(ok)


def not_measured(goal, what, peer):
    """Keep a goal whose peer is missing in the summary, as not measured (no goal silently dropped)."""
    RESULTS.append((goal, what, f"not measured: {peer} is not installed", None, "", ""))


def ratio_text(r, digits=2):
    return "-" if r is None else f"{r:.{digits}f}x"


def in_child(fn, *args, timeout=120.0, clock=time.perf_counter, repeats=1):
    """``(seconds, result)`` of ``fn(*args)`` timed inside a spawned child, or ``(None, reason)``
    on a time-out or an exception (peers that can hang: gambit's gnm, enumpoly, large LCPs);
    pygambit is imported before the clock starts."""
    return timing_in_child(fn, *args, timeout=timeout, prepare="bench_nplayer" if have("pygambit") else None,
                           clock=clock, repeats=repeats)


def table(title, head, rows):
    print(f"\n### {title}\n")
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join(" --- " for _ in head) + "|")
    for r in rows:
        print("| " + " | ".join(str(c) for c in r) + " |")
    sys.stdout.flush()


def have(module):
    try:
        __import__(module)
        return True
    except Exception:  # noqa: BLE001
        return False


# --------------------------------------------------------------------------- goal 1 + 6
def goal_enumeration(quick):
    import bench_enumeration as be
    sizes = [8, 10, 12] if quick else list(range(8, 16))
    games = 2 if quick else 3
    qe, gb, lrs = have("quantecon"), have("pygambit"), shutil.which("lrsnash") is not None
    gb_max = 8 if quick else 9           # pygambit enummixed: ~0.5 s at 8x8, ~7 s at 10x10
    np_max = 8                           # nashpy vertex enumeration: ~1 s at 8x8
    rows = []
    all_qe_ok, all_lrs_ok, all_agree = True, True, True
    lrs_ratios, qe_ratios = [], []
    for n in sizes:
        # warm-up on another game of the same size (numba compilation of ours at 15x15, QE's)
        A0, B0 = be.random_game(n, 999_999 + n)
        be.ours(A0, B0)
        if qe:
            be.peer_quantecon(A0, B0)
        t = {"ours": [], "qe": [], "lrs": [], "gb": [], "nashpy": []}
        neq, agree = [], []
        # ours and QuantEcon (the close race) are timed alternately, several times a game, so
        # that neither always runs right after a slow peer (cold caches) or absorbs one
        # preemption spike on the shared cores; the median per game is kept
        reps = 5 if n <= 11 else 3 if n <= 13 else 1
        for g in range(games):
            A, B = be.random_game(n, 1000 * n + g)
            pair = {"ours": [], "qe": []}
            for _ in range(reps):
                dt, eq = be.timed(be.ours, A, B)
                pair["ours"].append(dt)
                if qe:
                    dq, eqq = be.timed(be.peer_quantecon, A, B)
                    pair["qe"].append(dq)
            t["ours"].append(statistics.median(pair["ours"]))
            neq.append(len(eq))
            if qe:
                t["qe"].append(statistics.median(pair["qe"]))
                agree.append(eqq == eq)
            for name, ok, fn, max_n in (("lrs", lrs, be.peer_lrsnash, 99),
                                        ("gb", gb, be.peer_pygambit, gb_max),
                                        ("nashpy", True, be.peer_nashpy, np_max)):
                if ok and n <= max_n:
                    dp, eqp = be.timed(fn, A, B)
                    t[name].append(dp)
                    agree.append(eqp == eq)
        med = {k: statistics.median(v) if v else None for k, v in t.items()}
        r_qe = med["ours"] / med["qe"] if med["qe"] else None
        r_lrs = med["lrs"] / med["ours"] if med["lrs"] else None
        r_gb = med["gb"] / med["ours"] if med["gb"] else None
        r_np = med["nashpy"] / med["ours"] if med["nashpy"] else None
        if r_qe is not None:
            qe_ratios.append((n, r_qe))
            all_qe_ok &= r_qe <= 1.0
        if r_lrs is not None:
            lrs_ratios.append((n, r_lrs))
            all_lrs_ok &= r_lrs >= 3.0
        all_agree &= all(agree)
        rows.append([f"{n}x{n}", games, int(statistics.median(neq)), fmt_t(med["ours"]),
                     fmt_t(med["qe"]), "-" if r_qe is None else f"{r_qe:.2f}",
                     fmt_t(med["lrs"]), "-" if r_lrs is None else f"{r_lrs:.1f}x",
                     fmt_t(med["gb"]), "-" if r_gb is None else f"{r_gb:.0f}x",
                     fmt_t(med["nashpy"]), "-" if r_np is None else f"{r_np:.0f}x",
                     "yes" if all(agree) else "NO"])
    table("Goal 1: all equilibria of random nondegenerate n x n games (median per game)",
          ["n", "games", "#eq", "ours (exact)", "QuantEcon vertex enum", "ours/QE (<=1)",
           "lrsnash", "lrs/ours (>=3)", "pygambit enummixed", "gambit/ours", "nashpy vertex enum",
           "nashpy/ours", "sets agree"], rows)
    # 20x20 (goal 1 "in seconds") and its memory (goal 6) in a fresh subprocess
    runs = [be.fresh_process_20x20() for _ in range(1 if quick else 2)]
    neq20 = runs[0][0]
    t20 = statistics.median(r[1] for r in runs)
    rss20 = max(r[2] for r in runs)
    worst_qe = max(qe_ratios, key=lambda x: x[1]) if qe_ratios else None
    worst_lrs = min(lrs_ratios, key=lambda x: x[1]) if lrs_ratios else None
    rows = []
    if worst_qe:
        size = f"{worst_qe[0]}x{worst_qe[0]}"
        rows.append(["no slower than QuantEcon at every size", f"worst ours/QE = {worst_qe[1]:.2f} at {size}",
                     record(1, "<= QuantEcon vertex_enumeration at every size",
                            f"worst ours/QE {worst_qe[1]:.2f} ({size})", all_qe_ok)])
    if worst_lrs:
        size = f"{worst_lrs[0]}x{worst_lrs[0]}"
        rows.append(["several (>= 3x) times faster than lrsnash", f"least lrs/ours = {worst_lrs[1]:.1f}x at {size}",
                     record(1, ">= 3x faster than lrsnash", f"least lrs/ours {worst_lrs[1]:.1f}x ({size})",
                            all_lrs_ok)])
    rows.append(["20x20 in seconds (< 60 s)", f"{neq20} equilibria in {t20:.1f} s (fresh process, incl. numba JIT)",
                 record(1, "20x20 in seconds", f"{t20:.1f} s", t20 < 60)])
    rows.append(["equilibrium sets agree with every peer", "yes" if all_agree else "NO",
                 record(1, "sets agree", "yes" if all_agree else "NO", all_agree, "",
                        "an equilibrium set differs from a peer's: a correctness bug (or a peer's float "
                        "rounding at 1e-6), to be investigated first")])
    table("Goal 1: verdicts", ["criterion", "measured", "verdict"], rows)
    table("Goal 6: memory, all equilibria of a 20x20 game (seed 20000), peak RSS of a subprocess",
          ["game", "equilibria", "time", "peak RSS", "limit", "verdict"],
          [["20x20", neq20, f"{t20:.1f} s", f"{rss20:.0f} MiB", "1024 MiB",
            record(6, "20x20 all equilibria < 1 GiB", f"{rss20:.0f} MiB", rss20 < 1024)]])


# --------------------------------------------------------------------------- goal 2
def goal_lemke_howson(quick):
    os.environ.setdefault("DETERRENCE_NUMBA", "1")
    import bench_lemke_howson as bl
    from deterrence import NormalFormGame
    from deterrence.solvers.normal_form.lemke_howson import lemke_howson
    sizes = [10, 100] if quick else [10, 50, 100]
    reps = 3 if quick else 7
    rows, verdicts = [], []
    for size in sizes:
        A, B = bl.seeded_game(size)
        game = NormalFormGame.from_arrays(A.tolist(), B.tolist())
        t_ex = median_time(lambda game=game: lemke_howson(game), max(reps, 21))
        t_np = median_time(bl.without_numba(lambda game=game: lemke_howson(game)), reps)
        t_int = median_time(lambda game=game: lemke_howson(game, pivoting="integer"), reps)
        t_fl = median_time(lambda game=game: lemke_howson(game, exact=False), max(reps, 21))
        qe, gb = bl.quantecon_solver(A, B), bl.gambit_solver(A, B)
        t_qe = median_time(qe, max(reps, 21)) if qe else None
        t_gb = median_time(gb, reps) if gb else None
        exact = lemke_howson(game)
        flt = lemke_howson(game, exact=False)
        agree = exact[0].strategies == lemke_howson(game, pivoting="integer")[0].strategies
        agree = agree and bl.close(flt[0].strategies, exact[0].strategies) and not flt.exact
        same = "-"
        if qe:                           # same initial label, same path
            same = "yes" if bl.close(flt[0].strategies, qe()) else "no"
        r_gb = t_gb / t_ex if t_gb else None
        r_qe = t_fl / t_qe if t_qe else None
        rows.append([f"{size}x{size}", fmt_t(t_ex), fmt_t(t_np), fmt_t(t_int), fmt_t(t_gb),
                     "-" if r_gb is None else f"{r_gb:.1f}x",
                     fmt_t(t_fl), fmt_t(t_qe), "-" if r_qe is None else f"{r_qe:.2f}",
                     "yes" if agree else "NO", same])
        if size == 100:
            if r_gb is not None:
                verdicts.append(["exact at 100x100 >= 10x faster than pygambit rational", f"gambit/ours = {r_gb:.1f}x",
                                 record(2, ">= 10x faster than pygambit rational LH (100x100)", f"{r_gb:.1f}x",
                                        r_gb >= 10)])
            if r_qe is not None:
                verdicts.append(["float path within 2x of QuantEcon (100x100)", f"ours/QE = {r_qe:.2f}",
                                 record(2, "float LH within 2x of QuantEcon (100x100)", f"ours/QE {r_qe:.2f}",
                                        r_qe <= 2)])
    table("Goal 2: one equilibrium by Lemke-Howson, initial label 0, seeded games (payoffs 0..99)",
          ["size", "ours exact (float pivots + exact recovery)", "same, NumPy loop (no numba)",
           "ours integer pivoting", "pygambit lcp_solve rational", "gambit/ours exact (>=10)",
           "ours exact=False (float, float-checked)", "QuantEcon lemke_howson (float)", "ours/QE (<=2)",
           "exact == integer, float ~ exact", "float ~ QE"], rows)
    table("Goal 2: verdicts", ["criterion", "measured", "verdict"], verdicts)


# --------------------------------------------------------------------------- goal 3
def goal_payoff_sets(quick):
    os.environ.setdefault("DETERRENCE_NUMBA", "1")   # compiled loops when numba is installed
    import bench_payoff_set as bp
    from deterrence import NormalFormGame
    from deterrence.solvers.repeated.payoff_set import equilibrium_payoff_set, hausdorff_distance
    reps = 5 if quick else 15
    wanted = {"PD [[9,1],[10,3]] d=3/4": "PD", "Abreu-Sannikov 3x3 d=0.3": "3x3",
              "US-Iran 3x3 d=9/10": "3x3", "random 10x10 seed=0 d=0.9": "10x10"}
    if not quick:
        wanted.update({"PD [[9,1],[10,3]] d=9/10": "PD", "US-Iran 3x3 d=1/2": "3x3",
                       "random 10x10 seed=1 d=0.9": "10x10"})
    rows, ok_all, worst = [], True, None
    for name, (A, B), delta in bp.cases():
        if name not in wanted:
            continue
        game = NormalFormGame.from_arrays(A, B)
        res = equilibrium_payoff_set(game, delta)
        t_ours = median_time(lambda delta=delta, game=game: equilibrium_payoff_set(game, delta), reps)
        qe = bp.quantecon_runner(A, B, float(res.delta)) if have("quantecon") else None
        t_qe = ratio = dist = None
        note = ""
        if qe is not None:
            try:
                verts = qe()
                t_qe = median_time(qe, reps)
                ratio = t_ours / t_qe
                dist = hausdorff_distance(res.vertices, verts)
            except Exception as exc:  # noqa: BLE001
                note = f"QuantEcon failed: {type(exc).__name__}"
        if ratio is not None:
            ok_all &= ratio <= 1
            if worst is None or ratio > worst[1]:
                worst = (name, ratio)
        rows.append([name, fmt_t(t_ours), fmt_t(t_qe), "-" if ratio is None else f"{ratio:.2f}",
                     "-" if dist is None else f"{dist:.1e}", res.exact, note])
    table("Goal 3: repeated-game equilibrium payoff sets (Abreu-Sannikov), median of "
          f"{reps} after a warm-up", ["game", "ours", "QuantEcon equilibrium_payoffs", "ours/QE (<=1)",
                                      "Hausdorff distance", "ours exact", "note"], rows)
    if worst:
        table("Goal 3: verdict", ["criterion", "measured", "verdict"],
              [["no slower than QuantEcon on PD, 3x3, 10x10", f"worst ours/QE = {worst[1]:.2f} ({worst[0]})",
                record(3, "payoff sets <= QuantEcon", f"worst ours/QE {worst[1]:.2f} ({worst[0]})", ok_all,
                       cause=PAYOFF_SET_CAUSE)]])
    else:
        not_measured(3, "payoff sets <= QuantEcon", "quantecon")


#: Measured 2026-12-04 (CPU time, load ~8): the least margin is the US-Iran 3x3 at delta = 1/2.
PAYOFF_SET_CAUSE = (
    "the least margin is the US-Iran 3x3 at delta = 1/2, whose set QuantEcon's outer approximation "
    "settles in about 145 us; ours (~65 us CPU since the fixed point is proved in compiled integers, "
    "0.43-0.49x in alternated runs) is two float iterations (~28 us, mostly Python and NumPy call "
    "overhead around the compiled loop) and the certificate (~24 us: snap, scaling to one common "
    "denominator, the int64 kernel). A ratio over 1 here means the integer proof declined (numbers "
    "past its int64 bound: the rational proof, ~120 us, decided) or the machine's noise")


# --------------------------------------------------------------------------- goal 4
def goal_noise(quick):
    import bench_noise as bn
    from deterrence.solvers.repeated import _product
    from deterrence.solvers.repeated.noise_markov import analyse_noise
    from deterrence.solvers.repeated.repeated_values import discounted_values
    reps = 5 if quick else 15
    rg, cases = bn.exact_cases()
    rows, worst = [], {}
    for name, prof in cases:
        N = _product.Chain(rg, prof, "float").N
        r = 3 if N > 100 else reps
        t_val = median_time(lambda prof=prof: discounted_values(rg, prof), r)
        t_states = median_time(lambda prof=prof: dict(discounted_values(rg, prof).state_values), r)
        t_all = median_time(lambda prof=prof: analyse_noise(rg, prof, within=100), r)
        t_flt = median_time(lambda prof=prof: analyse_noise(rg, prof, within=100, float=True), r)
        group = "one automaton vs TFT" if N <= 40 else "two 20-state automata"
        ratio = t_all / t_flt
        if ratio > worst.get(group, (None, 0.0, 0, 0))[1]:
            worst[group] = (name, ratio, t_all, t_flt)
        rows.append([name, N, fmt_t(t_val), fmt_t(t_states), fmt_t(t_all), fmt_t(t_flt),
                     ratio_text(ratio), verdict(ratio <= 2)])
    table("Goal 4a: exact Markov answers (python-flint integer path, exact rationals) against the float "
          "analysis of the same chain, US-Iran game, execution errors 1/50, delta 9/10 (median)",
          ["profile", "product states", "exact discounted_values (start)", "+ every state's values",
           "exact full analyse_noise (values, long-run frequencies, war risk in 100 rounds, time to war)",
           "same analysis in floats", "exact/float (<= 2)", "verdict"], rows)
    verdicts = []
    for group, (name, ratio, t_all, t_flt) in worst.items():
        crit = f"exact noise analysis <= 2x float, {group}"
        cause = (("the exact answers are rationals of 2,300-3,300 bits over 314 reachable states in one "
                  "strongly connected class: the two large solves (values, stationary distribution) take "
                  "~15-25 ms each by sparse numeric lifting (~200 float LU solves with exact sparse "
                  "residuals, then a checked rational reconstruction); the float analysis is NumPy/LAPACK, "
                  "whose wall time swings with BLAS threads on a loaded machine")
                 if "two" in group else
                 ("three exact flint solves on the reachable states (~225 us each, ~400-bit answers) and the "
                  "exact 100-round war risk (~1,130-bit numbers, ~0.19 ms) are fixed exact work that the "
                  "float analysis does in a few small LAPACK calls")) + (
            "; closing it: fewer lifting steps (a larger digit base with a compiled residual), or the "
            "exact 100-round risk only on request")
        verdicts.append([crit, f"worst exact/float = {ratio:.2f}x ({name})",
                         record(4, crit, f"{ratio:.2f}x ({name})", ratio <= 2,
                                f"exact {fmt_t(t_all)}, float {fmt_t(t_flt)}", cause)])

    matches, turns = (20_000, 200) if quick else (50_000, 500)
    best = lambda f, *a: max((f(*a) for _ in range(3)), key=lambda x: x[0])  # noqa: E731
    r_ours, m_ours = best(bn.ours, matches, turns, False)
    r_war, _ = best(bn.ours, matches, turns, True)
    r_np, m_np = best(bn.plain_numpy, matches, turns)
    r_fallback, _ = best(bn.ours, matches, turns, False, False)
    ax = bn.axelrod_match(2000)
    ax_rate, ax_src = (ax, "measured") if ax else (0.22e6, "published (shared/peers.md; not installed)")
    rows = [["ours (alias tables, numba kernel, one core)", f"{r_ours / 1e6:.1f} M", f"{m_ours:.4f}", "1.0"],
            ["ours + first-war tracking", f"{r_war / 1e6:.1f} M", "", f"{r_war / r_ours:.2f}"],
            ["ours, NumPy path (used without numba)", f"{r_fallback / 1e6:.1f} M", "",
             f"{r_fallback / r_ours:.2f}"],
            ["plain vectorised NumPy loop", f"{r_np / 1e6:.1f} M", f"{m_np:.4f}", f"{r_np / r_ours:.2f}"],
            [f"axelrod Match ({ax_src})", f"{ax_rate / 1e6:.2f} M", "", f"{ax_rate / r_ours:.4f}"]]
    table(f"Goal 4b: Monte Carlo, noisy TFT vs TFT, {matches:,} matches x {turns} turns, best of 3 "
          "(turns per second)", ["simulator", "turns/s", "mean US payoff", "rate / ours"], rows)
    from deterrence.solvers.repeated._simulate_kernel import compiled_turns
    kernel = compiled_turns(matches * turns) is not None      # loaded by bn.ours's warm-up when installed
    r_mc = r_ours / r_np
    table("Goal 4: verdicts", ["criterion", "measured", "verdict"], verdicts + [
        ["Monte Carlo >= 1.3x a plain NumPy loop, one core", f"ours/NumPy = {r_mc:.2f}x",
         record(4, "Monte Carlo >= 1.3x a plain NumPy loop", f"{r_mc:.2f}x", r_mc >= 1.3,
                f"{r_ours / 1e6:.1f} M vs {r_np / 1e6:.1f} M turns/s ("
                f"{'numba kernel' if kernel else 'NumPy path: numba missing or DETERRENCE_NUMBA=0'})",
                ("not measured: the kernel keeps each match's state in registers and its blocks of "
                 "matches in cache, and was 3.7-11x the loop in every run of 2026-12-04 (load 2.4-13); "
                 "profile the kernel against the random-word draws" if kernel else
                 "ours ran without its numba kernel (numba missing, or DETERRENCE_NUMBA=0): its NumPy "
                 "path, like the loop, makes memory-bound passes over all 50,000 matches a turn, and the "
                 "margin shrinks when another process competes for the memory bus; closing it: install "
                 "numba (the fast extra)"))],
        ["without the fast extra (numba): ours' NumPy path / the plain NumPy loop", f"{r_fallback / r_np:.2f}x",
         record(4, "Monte Carlo without numba (NumPy path) vs a plain NumPy loop", f"{r_fallback / r_np:.2f}x",
                None, "context: the numba kernel runs only with numba installed (pip install "
                "'deterrence[fast]'); a default install and CI use this path")],
        [f"> 200x Axelrod ({ax_src})", f"{r_ours / ax_rate:.0f}x",
         record(4, "> 200x Axelrod", f"{r_ours / ax_rate:.0f}x", (r_ours / ax_rate > 200) if ax else None,
                "measured" if ax else "against a published rate from another machine: context only")]])


# --------------------------------------------------------------------------- goal 5
def goal_startup(quick):
    runs = 5 if quick else 11
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    cmds = [("python -c pass", [sys.executable, "-c", "pass"]),
            ("python -c 'import numpy'", [sys.executable, "-c", "import numpy"]),
            ("import deterrence", [sys.executable, "-c", "import deterrence"]),
            ("deterrence --help", [sys.executable, "-m", "deterrence", "--help"]
             if (ROOT / "deterrence" / "__main__.py").exists()
             else [sys.executable, "-c",
                   "import sys; from deterrence.cli import main; sys.argv=['deterrence','--help']; main()"])]
    exe = shutil.which("deterrence")
    if exe:
        cmds.append(("deterrence --help (console script)", [exe, "--help"]))
    med = {}
    for name, cmd in cmds:
        subprocess.run(cmd, capture_output=True, env=env)          # warm the file cache
        ts = []
        for _ in range(runs):
            t = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, env=env)
            ts.append(time.perf_counter() - t)
        med[name] = (statistics.median(ts), p.returncode)
    base = med["python -c pass"][0]
    rows = []
    for name, (t, rc) in med.items():
        if name.startswith(("import deterrence", "deterrence --help")):
            ok = t / base <= STARTUP_RATIO and rc == 0
            v = record(5, f"{name} <= {STARTUP_RATIO:g}x python -c pass", f"{t / base:.1f}x", ok,
                       f"{fmt_t(t)} vs {fmt_t(base)}",
                       "-X importtime: neither loads numpy since 2026-12-04 (tests/test_public_api.py); "
                       "--help still imports deterrence.solvers for the method list (its registry and the "
                       "result dataclasses, ~10 ms) and argparse; the editable install's import finder "
                       "(pathlib, importlib.util) is paid by python -c pass too. Under load every process "
                       "start stretches. Closing it: the method list without importing deterrence.solvers.result")
        else:
            v = "(reference)"
        rows.append([name, fmt_t(t), f"{t / base:.1f}x", f"{(t - base) * 1e3:.0f} ms", rc, v])
    table(f"Goal 5: start-up, subprocess wall time, median of {runs} (at most {STARTUP_RATIO:g}x python -c pass)",
          ["command", "median", "vs python -c pass", "added", "exit", "verdict"], rows)


#: start-up goal: ``import deterrence`` and ``deterrence --help`` within this factor of ``python -c pass``
#: (``import numpy`` alone is ~2.7-5x; neither loads numpy since 2026-12-04: 1.3x and 2.2x under load)
STARTUP_RATIO = 4.0


# --------------------------------------------------------------------------- goal 7
def _gambit_lcp(path):
    import pygambit
    game = pygambit.read_efg(str(path))
    return len(pygambit.nash.lcp_solve(game, rational=True).equilibria)


def goal_sequence_form(quick):
    import tempfile
    import bench_sequence_form as bs
    from deterrence.io.gambit_efg import read_efg, write_efg
    from deterrence.solvers.tree.sequence_branching import branching_equilibrium_plans
    from deterrence.solvers.tree.sequence_enumeration import (DEFAULT_ESTIMATE, extreme_equilibrium_plans,
                                                              search_estimate, sequence_form_equilibria)
    from deterrence.solvers.tree.sequence_form import sequence_form
    from deterrence.solvers.tree.sequence_lcp import sequence_lcp
    gb = have("pygambit")
    tmp = Path(tempfile.mkdtemp())
    kuhn_path = ROOT / "games" / "kuhn_poker.efg"

    def written(tree, name):
        path = tmp / f"{name}.efg"
        write_efg(tree, path)
        return tree, path
    # each tree is built when its turn comes, so that no earlier tree is alive while one is timed:
    # Python's cyclic garbage collector walks every live object, and with the random trees of up to
    # 2,000 sequences alive Kuhn poker's Lemke path took 3.0 ms instead of 1.6 (stops 47-48), while
    # Gambit is timed in a child process with nothing else in it
    cases = [("Kuhn poker", lambda: (read_efg(kuhn_path), kuhn_path), True)]
    for depth in ([4, 5] if quick else [4, 5, 6, 7]):
        # every extreme equilibrium is asked of every tree below; the random trees are over the
        # branching search's estimate and answered by their maximal Nash subsets (goal_nash_subsets)
        cases.append((f"random tree, depth {depth} (seed 7)",
                      lambda depth=depth: written(bs.branching_rounds(depth), f"depth{depth}"), False))
    if not quick:                      # the top of the goal's range, 100-2,000 sequences
        cases.append(("random tree, 222 rounds (seed 7)", lambda: written(bs.sized_rounds(222), "rounds222"), False))
    rows, ratios, every_eq = [], [], []
    for name, build, every in cases:
        tree, path = build()
        sf = sequence_form(tree)
        n = sum(sf.sizes)
        reps = 5 if n < 300 else 1
        t_ours = median_time(lambda t=tree: sequence_lcp(t), reps, warm=n < 1000)
        one = sequence_lcp(tree)
        t_all = n_all = None
        if every:
            t_all = median_time(lambda t=tree: sequence_form_equilibria(t), 3 if n < 100 else 1)
            found = sequence_form_equilibria(tree)
            n_all = len(found)
            # checked against the other complete method, the vertex enumeration of both polyhedra
            same = (found.exact and found.complete and {_plans(p) for p in branching_equilibrium_plans(sf)}
                    == {_plans(p) for p in extreme_equilibrium_plans(sf)})
            every_eq.append((name, n, f"{n_all} in {fmt_t(t_all)}", same))
        elif search_estimate(sf) > DEFAULT_ESTIMATE:
            # sequence_form answers it by its maximal Nash subsets: measured, on the same trees, in
            # goal_nash_subsets' table, which gives the random trees' verdict
            n_all = "by its maximal Nash subsets (table below)"
        else:                                                  # within the guard: in a child, limited
            t_all, n_all = timing_in_child(_count_extreme_equilibria, path, timeout=300)
            every_eq.append((name, n, f"{n_all} in {fmt_t(t_all)}" if t_all else f"not finished: {n_all}",
                             t_all is not None))
        t_gb, note = None, ""
        if gb:
            runs = [in_child(_gambit_lcp, path, timeout=600) for _ in range(3 if n < 300 else 1)]
            times = [t for t, _ in runs if t is not None]
            t_gb = statistics.median(times) if times else None
            note = "" if times else f"gambit: {runs[0][1]}"
        r = t_gb / t_ours if t_gb else None
        if r is not None:
            ratios.append((name, n, r, t_ours, t_gb))
        rows.append([name, n, fmt_t(t_ours), one.exact, fmt_t(t_gb), ratio_text(r, 1),
                     "-" if n_all is None else f"{n_all} in {fmt_t(t_all)}" if t_all else n_all, note])
    table("Goal 7: sequence form, one equilibrium (sequence_lcp: exact, certified) against pygambit "
          "lcp_solve(rational=True) on the same .efg (gambit timed in a child process, without the start)",
          ["tree", "sequences", "ours one", "exact", "gambit lcp rational", "gambit/ours (>= 10)",
           "ours: all extreme equilibria", "note"], rows)
    verdicts = []
    if ratios:
        worst = min(ratios, key=lambda x: x[2])
        ok = worst[2] >= 10
        cause = ("since the sparse float path (2026-12-04) Kuhn poker has the least margin: of its ~1.5 ms "
                 "about half is exact work in Python Fractions that any certified answer needs (the sequence "
                 "form, the prior's payoff vectors, the exact certificate, the equilibrium's walk of the tree) "
                 "and a quarter the ~17 revised Lemke pivots (about 15 NumPy calls each). Closing it: the "
                 "certificate and the tree walk in integers or python-flint, or the pivots compiled")
        verdicts.append(
            ["one equilibrium >= 10x faster than gambit lcp_solve rational, every tree",
             f"least gambit/ours = {worst[2]:.1f}x ({worst[0]}, {worst[1]} sequences)",
             record(7, "sequence form one equilibrium >= 10x pygambit lcp_solve(rational)",
                    f"least {worst[2]:.1f}x ({worst[1]} sequences)", ok,
                    f"ours {fmt_t(worst[3])}, gambit {fmt_t(worst[4])}", cause)])
    else:
        not_measured(7, "sequence form one equilibrium >= 10x pygambit lcp_solve(rational)", "pygambit")
    # one verdict for Kuhn poker, one for the random trees together (one cause)
    for label, group in (("Kuhn poker", [e for e in every_eq if e[0] == "Kuhn poker"]),
                         ("random trees", [e for e in every_eq if e[0] != "Kuhn poker"])):
        if not group:
            continue
        sizes = f"{min(e[1] for e in group)}-{max(e[1] for e in group)}" if len(group) > 1 else f"{group[0][1]}"
        ok = all(e[3] for e in group)
        measured = "; ".join(f"{e[1]} sequences: {e[2]}" for e in group)
        verdicts.append([f"all extreme equilibria reported (Gambit has no such method), {label}", measured,
                         record(7, f"all extreme equilibria reported, {label} ({sizes} sequences)",
                                f"{sum(e[3] for e in group)} of {len(group)} trees" if len(group) > 1 else measured,
                                ok, measured if len(group) > 1 else "",
                                SEQUENCE_ALL_CAUSE if any(e[2].startswith(("refused", "not finished"))
                                                          for e in group) else
                                "the branching search and the vertex enumeration disagree, or the answer is "
                                "not exact and complete: a correctness bug, to be investigated first")])
    table("Goal 7: verdicts", ["criterion", "measured", "verdict"], verdicts)
    goal_every_extreme(quick)
    goal_nash_subsets(quick)
    goal_refinements(quick)


def goal_nash_subsets(quick):
    """Goal 7, the random trees through the front door (stops 45-46): ``sequence_form`` answers a
    tree too large for the branching search by its maximal Nash subsets, found subgame by subgame
    (:mod:`deterrence.solvers.tree.subgame_subsets`), each an exact pair of faces with one certified
    equilibrium, and the faces' extreme plans listed (the extreme equilibria are their pairs,
    counted exactly). In a child process per tree, CPU time, 600 s each (300 s with --quick)."""
    rounds = [15, 31] if quick else [15, 31, 63, 127, 222]        # depths 4-7 and 2,000 sequences
    rows, done = [], []
    for r in rounds:
        n = 9 * r + 2
        cpu, found = in_child(_subsets_answer, r, timeout=300 if quick else 600, clock=time.process_time)
        if cpu is None:
            rows.append([f"random tree, {r} rounds (seed 7)", n, "-", "-", False, "not finished: " + str(found)])
        else:
            subsets, count, unlisted, at_least = found
            rows.append([f"random tree, {r} rounds (seed 7)", n, subsets,
                         f"{count:,}" if count is not None else
                         f"not counted ({unlisted} subsets' faces not listed); at least {at_least:,} (certified)"
                         if at_least else f"not counted ({unlisted} subsets' faces not listed)",
                         count is not None, f"{cpu:.1f} s"])
        done.append((n, cpu, found))
    table("Goal 7: every extreme equilibrium of the random trees by their maximal Nash subsets (sequence_form; "
          "exact faces, one certified equilibrium each, the faces' extreme plans listed; CPU time in a child)",
          ["tree", "sequences", "maximal Nash subsets", "extreme equilibria", "all reported", "CPU"], rows)
    reported = [d for d in done if d[1] is not None and d[2][1] is not None]
    measured = "; ".join(f"{n} sequences: {found[0]} subsets, "
                         + (f"{found[1]:,} extreme equilibria" if found[1] is not None else
                            f"not counted, at least {found[3]:,}" if found[3] else "not counted")
                         + f", {cpu:.1f} s" if cpu is not None else f"{n}: not finished"
                         for n, cpu, found in done)
    table("Goal 7: every extreme equilibrium by the maximal Nash subsets, verdict",
          ["criterion", "measured", "verdict"], [
        ["all extreme equilibria reported (as the pairs of extreme plans of every maximal Nash subset's faces), random "
         "trees (137-2,000 sequences), exact", measured,
         record(7, "all extreme equilibria reported by the maximal Nash subsets, random trees (137-2000 sequences)",
                f"{len(reported)} of {len(done)} trees", len(reported) == len(done), measured,
                "the subsets are found subgame by subgame (the 2,000-sequence tree's in 750 s of CPU, over "
                "the 600 s here), but from 137 sequences the faces hold too many extreme plans to list: "
                "since stop 49 random objectives prove extreme plans on the faces the vertex listing gives up "
                "on (one face of the 137-sequence tree has over 2,900,000 lexicographic bases), and the "
                "'at least' column is the certified lower bound they give with 1,024 objectives shared by the "
                "faces not listed. With "
                "1,000 a face the 137-sequence tree has at least 634,768 extreme equilibria, and its largest "
                "faces give a new extreme plan for almost every objective (README, 'Goal 7: a lower bound by "
                "random objectives (stop 49)'): a list is the wrong shape of answer, as for the coordination "
                "copies. How long it would be (README, 'Goal 7: how long the list would be (stop 50)'): "
                "about 89 million at 137 sequences by Chao's estimator over 20,000 float objectives a face "
                "(bench_face_richness.py; it errs low: 6,673 for the 65-sequence tree's exact 9,409); payoffs "
                "in -10^6..10^6 instead of -5..5 leave it growing (at least 64,357 with 30,000 objectives); "
                "Debian's lrs listed 187,539 vertices of one face in 30 minutes without finishing. Closing "
                "it: an exact count of a face's extreme plans without listing them (none here; the faces "
                "are neither products nor split by subgames: stops 42 and 48)")]])


def _subsets_answer(rounds):
    """``(maximal Nash subsets, extreme equilibria or None, subsets whose faces are not listed, the
    certified lower bound on the extreme equilibria or None)`` of
    ``sequence_form`` on ``sized_rounds(rounds)``, every listed equilibrium certified."""
    import bench_sequence_form as bs
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    result = sequence_form_equilibria(bs.sized_rounds(rounds))
    if not result.complete:
        raise ValueError("not complete")
    if result.subsets:
        return (len(result.subsets), result.count, sum(s.plans is None for s in result.subsets),
                result.count_at_least)
    return len(result.cliques), len(result.equilibria), 0, None


def _count_extreme_equilibria(path):
    """How many extreme equilibria ``sequence_form_equilibria`` reports for the tree in ``path``
    (exact and complete, or it raises)."""
    from deterrence.io.gambit_efg import read_efg
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    found = sequence_form_equilibria(read_efg(path))
    if not (found.exact and found.complete):
        raise ValueError("not exact and complete")
    return len(found)


def _plans(pair):
    """A pair of realisation plans as a set element."""
    return tuple(tuple(plan) for plan in pair)


#: measured 2026-12-04 (branches ext14 and the sequence_form work before it; benchmarks/README.md,
#: "Every extreme equilibrium beyond Kuhn poker")
SEQUENCE_ALL_CAUSE = (
    "the branching search over the plans' supports (exact, complete) is exponential in the sequences. "
    "Covering rules and product faces (2026-12-05) and, since stop 29, raised values left out of the leaf "
    "faces (a vertex whose opponent value at a set sits above every action there has the plan of another "
    "vertex) cut it on these trees of subgames: the random trees of 38, 47 and 56 sequences list their 95, "
    "73 and 22 extreme equilibria (144, 212 and 156 vertex pairs) in seconds (CPU in this run's table "
    "'Goal 7: every extreme equilibrium'; the 56-sequence tree took 110 s before stop 29); since stop 31 "
    "the size guard gives "
    "estimates over 10^11 a trial of 50,000 nodes instead of refusing them at once, so the 56-sequence tree "
    "is listed with the default limits, and trees of 74+ sequences are refused at once. Measured with an "
    "explicit limit (README, "
    "'Raised values left out of the leaf faces'): the vertex pairs explode at 65 sequences, 107,012 "
    "(1,521 plans of P1 times 78 of P2, in 4 maximal Nash subsets and 2 components, 9,409 extreme "
    "equilibria since stop 48 counts extreme points; 72 s of "
    "search since stop 30, 94 s at stop 29, 216 s before), so on the goal's trees of 137+ sequences a "
    "list of every extreme equilibrium is the wrong shape of answer, and the 137-sequence tree does not "
    "finish. The time is in the leaf faces: partial tight/strict patterns whose face has a point but no "
    "vertex (the largest leaf at 65 sequences, 162 plans, takes about 17,000 nodes). Since stop 30 the "
    "support search backjumps (a branch's sibling is skipped when the branch is empty for reasons above "
    "it) and reaches the 137-sequence tree's first leaf after 1,388 nodes (none after 62,016 without), "
    "but that leaf's face, 98 open columns in one group, showed no vertex in 90 s of CPU (README, "
    "'Backjumping'; Debian's lrs, exact reverse search, printed one vertex of that face, of dimension 48, "
    "in 3 minutes: a listing of the face is no way round). Nor is the support search alone (stop 32): "
    "with no leaf face listed at all it takes 1.5 s at 65 sequences (49 leaf pairs), but at 137 it "
    "reached 18 leaves in 60,000 nodes (107 s) and did not finish. No method can list them on every "
    "tree of this size: chance over k copies of a 2x2 coordination game (4k + 2 sequences) has 3^k "
    "extreme equilibria (tests/test_sequence_form.py), about 7e23 at 202 sequences; since stop 33 "
    "sequence_form answers such trees, which chance splits into parts sharing no information set, as one "
    "list per part and their exact number (table 'Goal 7: every extreme equilibrium'), but the goal's "
    "random trees do not split (their parts are subgames below the players' moves). Zero-sum trees go by their two "
    "optimal faces instead (12-card Kuhn poker, 98 sequences, 13,440 in about 55 s; 16-card Kuhn poker "
    "has 1,080,450). A decomposition by the tree's subgames does not close it (stop 42, README "
    "'Goal 7: no product over subgames'): a subgame's plans split off a clique's plan set only where the "
    "probability of entering it is fixed on the clique (58 of 60 such cases, 0 of 111 where it varies); "
    "at 65 sequences the big clique's 1,506 plans of P1 carry 517 on-path mixtures and no plan set of its "
    "4 cliques factors. Given a clique's supports, lrs lists its 1,506-plan side in 0.22 s: the time is "
    "in finding the cliques. Closing it: a search for the maximal Nash subsets' supports that does not "
    "branch on every vertex (each then listed by its face), or an exact test for a vertex below a partial "
    "pattern that is cheaper than branching on it. Since stop 45 that search exists (table 'Goal 7: every "
    "maximal Nash subset', README 'Goal 7: maximal Nash subsets, subgame by subgame'): every maximal Nash "
    "subset of the trees of 137 to 569 sequences, exact, each with a certified extreme equilibrium; left: "
    "the subsets as sequence_form's answer in the front door, and their faces' vertex lists")


def goal_every_extreme(quick):
    """Goal 7, every extreme equilibrium (issue 14): generalised Kuhn poker, zero-sum, by the two
    optimal faces; the largest tree listed and its CPU time; the random general-sum trees of up
    to 56 sequences, with the default limits (the 56-sequence tree by the trial the size guard
    gives estimates over DEFAULT_ESTIMATE)."""
    from deterrence.models.kuhn_poker import generalised_kuhn_poker
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    from deterrence.solvers.tree.sequence_form import sequence_form
    rows, largest = [], None
    for cards in ([8, 10] if quick else [8, 10, 12]):
        tree = generalised_kuhn_poker(cards)
        n = sum(sequence_form(tree).sizes)
        start = time.process_time()
        result = sequence_form_equilibria(tree)
        cpu = time.process_time() - start
        xs = len({json.dumps(e.to_json()["strategies"]["P1"], sort_keys=True) for e in result})
        rows.append([f"generalised Kuhn poker, {cards} cards", n, len(result), xs, result.complete,
                     f"{cpu:.2f} s"])
        largest = (cards, n, len(result), cpu)
    # general-sum: the benchmark's random trees of hidden rounds, small enough for the branching
    # search with its default limits, in a child process
    import bench_sequence_form as bs
    for rounds in ([3, 4] if quick else [3, 4, 5, 6]):
        tree = bs.sized_rounds(rounds)
        n = sum(sequence_form(tree).sizes)
        cpu, found = in_child(_every_extreme_of_rounds, rounds, timeout=900, clock=time.process_time)
        rows.append([f"random tree, {rounds} hidden rounds (seed 7, general-sum)", n,
                     found if cpu is None else found[0], "-" if cpu is None else found[1],
                     cpu is not None, "not finished" if cpu is None else f"{cpu:.2f} s"])
    # trees that chance splits into independent parts: each part's list, their number exact
    split = []
    for k in ([50] if quick else [50, 500]):
        tree = bs.coordination_copies(k)
        n = sum(sequence_form(tree).sizes)
        start = time.process_time()
        result = sequence_form_equilibria(tree)
        cpu = time.process_time() - start
        whole = result.count == 3 ** k and all(len(r) == 3 and r.complete for _, r in result.parts)
        rows.append([f"chance over {k} copies of a 2x2 coordination game (general-sum; {len(result.parts)} "
                     "independent parts, one list each)", n, f"3^{k} = {float(result.count):.2e}",
                     "3 per part", result.complete and whole, f"{cpu:.2f} s"])
        split.append((k, n, result.count, cpu, result.complete and whole))
    table("Goal 7: every extreme equilibrium (sequence_form; zero-sum trees by the extreme plans of the two "
          "optimal faces, general-sum trees by the branching search, trees that chance splits part by part; "
          "each an extreme point of a maximal Nash subset, certified exactly; CPU time, time.process_time)",
          ["tree", "sequences", "extreme equilibria", "distinct plans of P1", "complete", "CPU"], rows)
    k, n_split, count_split, cpu_split, ok_split = split[-1]
    split_verdict = ["every extreme equilibrium reported on a tree of 200+ sequences that chance splits "
                     "into independent parts (one list per part and their exact number)",
                     f"{n_split} sequences ({k} copies of a 2x2 coordination game): {float(count_split):.2e} "
                     f"in {cpu_split:.2f} s CPU",
                     record(7, "every extreme equilibrium, 200+ sequences, a tree that chance splits",
                            f"{n_split} sequences, {float(count_split):.2e} equilibria", ok_split,
                            f"{cpu_split:.2f} s CPU", "the parts' lists or their count are wrong: a "
                            "correctness bug, to be investigated first")]
    cards, n, count, cpu = largest
    # issue 14 asks for trees with hundreds of sequences: not met (see the README's measured cause)
    table("Goal 7: every extreme equilibrium, verdict", ["criterion", "measured", "verdict"], [
        ["every extreme equilibrium listed on a tree of 200+ sequences (issue 14)",
         f"largest listed: {n} sequences ({cards}-card Kuhn poker), {count:,} in {cpu:.1f} s CPU",
         record(7, "every extreme equilibrium, 200+ sequences", f"largest listed {n} sequences, {count:,} "
                "equilibria", n >= 200, f"{cpu:.1f} s CPU",
                "the extreme equilibria multiply: 16-card Kuhn poker (130 sequences) has 1,080,450 "
                "(22,050 x 49 vertex plans of the optimal faces); off-path freedom multiplies them in random "
                "trees: the general-sum random tree of 56 sequences lists its 22 with the default limits (since "
                "stop 31, by the size guard's trial of 50,000 nodes; 156 vertex pairs); when that trial does not "
                "end (the 65-sequence tree), or the tree is larger (74+ sequences), it is answered by its "
                "maximal Nash subsets: the 65-sequence tree's 9,409 are listed (107,012 vertex pairs, which "
                "stops before 48 counted as extreme equilibria), and from 137 sequences they are not counted "
                "(the next table)")],
        split_verdict])


def _every_extreme_of_rounds(rounds):
    """``(extreme equilibria, distinct plans of P1)`` of ``sized_rounds(rounds)``, exact and complete
    (the default limits)."""
    import bench_sequence_form as bs
    from deterrence.solvers.tree.sequence_enumeration import sequence_form_equilibria
    result = sequence_form_equilibria(bs.sized_rounds(rounds))
    if not (result.exact and result.complete):
        raise ValueError("not exact and complete")
    if not result.listed:               # answered by its maximal Nash subsets: not a list to count
        raise ValueError(f"not listed: {len(result.subsets)} maximal Nash subsets")
    return len(result), len({json.dumps(e.to_json()["strategies"]["P1"], sort_keys=True) for e in result})


def goal_refinements(quick):
    """Goal 7c: quasi-perfect and sequential equilibria against gambit's lcp_solve(rational=True)."""
    import bench_sequence_form as bs
    from deterrence.solvers.tree.sequence_form import sequence_form
    gb = have("pygambit")
    rows, worst = [], None
    for name, tree, path in bs.refinement_cases(() if quick else (4,)):
        n = sum(sequence_form(tree).sizes)
        runs = 3 if n < 100 else 1
        cells = []
        t_gb = None
        if gb:
            times = [in_child(bs.gambit_lcp_rational, path, timeout=600)[0] for _ in range(runs)]
            times = [t for t in times if t is not None]
            t_gb = statistics.median(times) if times else None
        for method in ("quasi_perfect", "sequential"):
            outs = [in_child(bs.ours_refinement, path, method, timeout=600) for _ in range(runs)]
            times = [t for t, _ in outs if t is not None]
            t = statistics.median(times) if times else None
            r = t_gb / t if t and t_gb else None
            if r is not None and (worst is None or r < worst[1]):
                worst = (f"{method}, {name}", r, t, t_gb)
            cells += [fmt_t(t) if t else outs[0][1], ratio_text(r)]
        rows.append([name, n, *cells, fmt_t(t_gb)])
    table("Goal 7c: refinements on trees: ours quasi_perfect (perturbed sequence form, exact) and sequential "
          "(with consistent beliefs, checked exactly) against pygambit lcp_solve(rational=True), Gambit's "
          "closest method (one Nash equilibrium, no refinement); every call in a child process",
          ["tree", "sequences", "ours quasi-perfect", "gambit/ours", "ours sequential", "gambit/ours",
           "gambit lcp rational"], rows)
    if worst:
        table("Goal 7c: verdict", ["criterion", "measured", "verdict"], [
            ["a refined equilibrium at least as fast as gambit's unrefined lcp_solve(rational=True)",
             f"least gambit/ours = {worst[1]:.2f}x ({worst[0]})",
             record(7, "quasi-perfect / sequential >= lcp_solve(rational) speed", f"least {worst[1]:.2f}x "
                    f"({worst[0]})", worst[1] >= 1, f"ours {fmt_t(worst[2])}, gambit {fmt_t(worst[3])}",
                    "(measured after branch ref7c, 2026-12-04) on Kuhn poker ~11 ms of CPU for the solve "
                    "plus ~3 ms to read the file: a fifth building the tracing system in Fractions, a fifth "
                    "the exact fraction-free pivots (the float basis is degenerate at eps = 1/10), the rest "
                    "the two float attempts, the exactness checks and the beliefs. Closing it: the tracing "
                    "system built in integers, the limit beliefs and the sequential-rationality check in "
                    "python-flint polynomials")]])
    else:
        not_measured(7, "quasi-perfect / sequential >= lcp_solve(rational) speed", "pygambit")


def _clear_fit_caches():
    """Empty the case model's caches (a second fit of the same record is a lookup of chain
    statistics): goal 11 times the fit's model evaluations."""
    from deterrence.models.us_iran_exchange_report import clear_model_caches
    clear_model_caches()


# --------------------------------------------------------------------------- goal 8
def _gambit_nplayer(name, arrays):
    import bench_nplayer as bnp
    return bnp.gambit_call(name, arrays)


def _nplayer_all_certified(arrays):
    from deterrence import NormalFormGame
    from deterrence.solvers.normal_form.nplayer import nplayer_equilibria
    res = nplayer_equilibria(NormalFormGame([a.astype(object) for a in arrays]))
    return res.exact and res.complete


def goal_nplayer(quick):
    import bench_nplayer as bnp
    games = 2 if quick else 5
    repeats = 3 if quick else 5
    gb = have("pygambit")
    all_shapes = [(2, 2, 2), (2, 2, 3), (2, 3, 3), (3, 3, 3)]
    one_shapes = [(4, 4, 4), (5, 5, 5)]
    bnp.ours_all(bnp.random_arrays((2, 2, 2), 1))          # imports and first-call caches
    bnp.ours_all(bnp.random_arrays((2, 2, 2), 2009))       # an irrational equilibrium: sympy imported
    bnp.ours_one(bnp.random_arrays((3, 3, 3), 1))
    rows, verdicts, worst_all, all_certified, extra_all = [], [], None, True, 0
    for shape in all_shapes:
        t_o, t_p, neq, missed, certified, extra = [], [], 0, 0, True, 0
        for g in range(games):
            arrays = bnp.random_arrays(shape, 1000 * len(shape) + 100 * sum(shape) + g)
            # CPU seconds on both sides (both single-threaded; wall time measured the machine's load
            # as much as the solvers: 0.90x-1.35x in three runs under load), the median of `repeats`
            # calls on each side: one call of a few ms each gave 0.71x-1.08x on 2x2x3 within minutes
            found = bnp.ours_all(arrays)
            t_o.append(median_time(lambda arrays=arrays: bnp.ours_all(arrays), repeats, warm=False,
                                   clock=time.process_time))
            neq += len(found)
            certified &= _nplayer_all_certified(arrays)
            if gb:
                tp, theirs = in_child(_gambit_nplayer, "enumpoly", arrays, timeout=120, clock=time.process_time,
                                      repeats=repeats)
                if tp is not None:
                    t_p.append(tp)
                    missed += bnp.missed(found, theirs)
                    extra += bnp.missed(theirs, found)     # found by enumpoly, not by ours
        all_certified &= certified
        extra_all += extra
        mo, mp_ = statistics.median(t_o), (statistics.median(t_p) if t_p else None)
        r = mp_ / mo if mp_ else None
        if r is not None and (worst_all is None or r < worst_all[1]):
            worst_all = ("x".join(map(str, shape)), r, mo, mp_)
        rows.append(["x".join(map(str, shape)), games, fmt_t(mo), fmt_t(mp_), ratio_text(r), neq,
                     missed if gb else "-", extra if gb else "-", "yes" if certified else "NO"])
    table("Goal 8a: all equilibria of random three-player games (CPU seconds: median over the games of each "
          f"game's median of {repeats} calls): ours nplayer (exact, complete, certified) against pygambit "
          "enumpoly_solve (floats; in a child process)",
          ["shape", "games", "ours", "gambit enumpoly", "gambit/ours (>= 1)", "our equilibria",
           "missed by gambit", "found by gambit only", "ours exact and complete"], rows)
    # "with every answer certified" (issue 18, deliver 3): ours exact and complete on every game, and
    # nothing enumpoly finds missing from ours
    verdicts.append(["every answer certified (exact and complete), 2x2x2 to 3x3x3", "yes" if all_certified else "NO",
                     record(8, "n-player all equilibria: every answer certified (exact and complete)",
                            "yes" if all_certified else "NO", all_certified, "",
                            "nplayer_equilibria returned an inexact or incomplete result: a correctness bug")])
    if gb:
        verdicts.append(["every equilibrium enumpoly finds is among ours (1e-5)", f"{extra_all} not among ours",
                         record(8, "n-player all equilibria: every enumpoly equilibrium among ours",
                                f"{extra_all} not among ours", extra_all == 0, "",
                                "enumpoly returned a profile that is not among our certified equilibria: "
                                "check it exactly (a float artefact of enumpoly, or one we miss)")])
    if worst_all:
        verdicts.append(["all equilibria at least as fast as enumpoly, 2x2x2 to 3x3x3",
                         f"least gambit/ours = {worst_all[1]:.2f}x ({worst_all[0]})",
                         record(8, "n-player all equilibria >= enumpoly_solve speed", f"least {worst_all[1]:.2f}x "
                                f"({worst_all[0]})", worst_all[1] >= 1,
                                f"ours {fmt_t(worst_all[2])}, gambit {fmt_t(worst_all[3])}",
                                "three-player profiles go through linear elimination (two mixtures as "
                                "polynomial kernel vectors of the third's, one univariate polynomial or "
                                "determinant; the 3x3x3 full support's resultant root pairs rejected in "
                                "Arb balls), the rest through the quotient ring; what is left per 3x3x3 "
                                "game (~15 ms CPU) is Python overhead spread over ~70 surviving profiles "
                                "(~0.1-0.3 ms each: matrices of flint polynomials, Arb root isolation and "
                                "ball tests of irrational candidates, exact certificates) and the full "
                                "support (~3 ms: two resultants of degree 16 and their real roots); "
                                "enumpoly is C++ in floats and certifies nothing (it missed equilibria "
                                "here). Closing it: the per-profile steps batched over profiles of one "
                                "shape, or compiled")])
    else:
        not_measured(8, "n-player all equilibria >= enumpoly_solve speed", "pygambit")
    rows, worst_one = [], {}
    # the seeded games mostly have a pure equilibrium: also the first ones without (label "no pure")
    for shape, mixed_only in [(shape, m) for shape in one_shapes for m in (False, True)]:
        mo, mg, ms, fails = bnp.time_one_equilibrium(
            shape, games,
            (lambda name, arrays: in_child(_gambit_nplayer, name, arrays, timeout=60)) if gb else None,
            mixed_only)
        label = "x".join(map(str, shape)) + (" no pure" if mixed_only else "")
        for peer, mt in (("gnm", mg), ("simpdiv", ms)):
            if mt is not None:
                r = mt / mo
                if peer not in worst_one or r < worst_one[peer][1]:
                    worst_one[peer] = (label, r, mo, mt)
        rows.append([label, games, fmt_t(mo), fmt_t(mg), ratio_text(mg / mo if mg else None),
                     fmt_t(ms), ratio_text(ms / mo if ms else None), fails if gb else "-"])
    table("Goal 8b: one equilibrium of random three-player games: ours nplayer_logit (small supports, then "
          "the logit path; each guess certified exactly or by a Krawczyk box) against pygambit gnm_solve and "
          "simpdiv_solve (child process, time limit 60 s)",
          ["shape", "games", "ours", "gnm", "gnm/ours (>= 1)", "simpdiv", "simpdiv/ours (>= 1)",
           "peer failures"], rows)
    for peer, (label, r, mo, mt) in worst_one.items():
        verdicts.append([f"one equilibrium at least as fast as {peer}, 4x4x4 and 5x5x5",
                         f"least {peer}/ours = {r:.2f}x ({label})",
                         record(8, f"n-player one equilibrium >= {peer}_solve speed", f"least {r:.2f}x ({label})",
                                r >= 1, f"ours {fmt_t(mo)}, {peer} {fmt_t(mt)}",
                                "games whose equilibria all need supports beyond 2x2x2 and 1x3x3 go to the "
                                "logit path (float predictor-corrector, ~1 ms a step at 5x5x5) and, when "
                                "the Krawczyk box declines, to the Groebner solve of the guessed support; "
                                f"{peer} is C++ in floats and certifies nothing. Closing it: more support "
                                "classes in the vectorised search (2x2x3, 2x3x3) before the path")])
    for peer in ("gnm", "simpdiv"):
        if peer not in worst_one:
            not_measured(8, f"n-player one equilibrium >= {peer}_solve speed", "pygambit")
    table("Goal 8: verdicts", ["criterion", "measured", "verdict"], verdicts)


# --------------------------------------------------------------------------- goal 9
def goal_qre(quick):
    import bench_qre as bq
    from deterrence import NormalFormGame
    from deterrence.solvers.normal_form.qre import logit_branch
    gbt = bq.gambit()
    reps = 3 if quick else 7
    rows, worst = [], None
    for k, shape in enumerate(bq.SHAPES):
        arrays = bq.seeded_game(shape, k)
        game = NormalFormGame.from_payoff_arrays(arrays)
        t_ours = median_time(lambda game=game: logit_branch(game), reps)
        branch = logit_branch(game)
        t_gb = gregret = None
        if gbt is not None:
            g = bq.gambit_game(gbt, arrays)
            t_gb = median_time(lambda g=g: gbt.nash.logit_solve(g), reps)
            gregret = bq.regret(arrays, bq.gambit_profile(g, gbt.nash.logit_solve(g).equilibria[0]))
        r = t_gb / t_ours if t_gb else None
        label = "x".join(map(str, shape))
        if r is not None and (worst is None or r < worst[1]):
            worst = (label, r, t_ours, t_gb)
        rows.append([label, fmt_t(t_ours), fmt_t(t_gb), ratio_text(r), branch.limit is not None,
                     "-" if gregret is None else f"{gregret:.1e}"])
    table(f"Goal 9: logit QRE tracing, seeded games payoffs 0..9 (median of {reps}): ours logit_branch "
          "(trace to lambda = 10^6/range, limit certified exactly) against pygambit logit_solve",
          ["shape", "ours", "gambit logit_solve", "gambit/ours (>= 1)", "our limit certified",
           "gambit regret (float)"], rows)
    if worst:
        from deterrence.solvers.normal_form._qre_kernels import compiled_trace
        loop = "compiled" if compiled_trace(actions=2) is not None else "NumPy"
        table("Goal 9: verdict", ["criterion", "measured", "verdict"], [
            ["logit QRE tracing at least as fast as logit_solve, every shape",
             f"least gambit/ours = {worst[1]:.2f}x ({worst[0]}; {loop} loop)",
             record(9, "QRE tracing >= logit_solve speed", f"least {worst[1]:.2f}x ({worst[0]})", worst[1] >= 1,
                    f"ours {fmt_t(worst[2])}, gambit {fmt_t(worst[3])}",
                    "on small games a fixed cost a step: 11-25 predictor-corrector steps, each ~3 "
                    "evaluations of residual and Jacobian and 2-3 small dense solves; in NumPy "
                    "~60 us a step on 2x2, in the compiled twin of the loop (_qre_kernels: on small "
                    "games only with DETERRENCE_NUMBA=1, which goal 3 sets for the rest of a full "
                    "run, or once loaded; it costs ~0.3 s to load once a process) ~10 us, plus "
                    "~0.05 ms for the exact certification of the limit; gambit's path is C++")]])
    else:
        not_measured(9, "QRE tracing >= logit_solve speed", "pygambit")
    goal_agent_qre(quick)


def goal_agent_qre(quick):
    """Goal 9b: the agent QRE on trees against gambit's logit_solve on the extensive game."""
    import bench_qre as bq
    limit = 120.0 if quick else 300.0
    rows, worst, failed = [], None, []
    for name, t_ours, exact, t_branch, t_gb, regret_gb in bq.tree_rows(limit, bq.tree_cases()):
        r = t_gb / t_ours if t_ours and t_gb else None
        if r is not None and (worst is None or r < worst[1]):
            worst = (name, r, t_ours, t_gb)
        if t_ours is None:
            failed.append(f"{name}: {exact}")
        rows.append([name, fmt_t(t_ours) if t_ours else exact, fmt_t(t_branch),
                     fmt_t(t_gb) if t_gb else regret_gb, ratio_text(r),
                     f"{regret_gb:.1e}" if t_gb else "-"])
    table(f"Goal 9b: agent logit QRE on trees (same .efg): ours agent_qre (trace to lambda = 10^6/range, "
          f"the end certified exactly as a sequential assessment) and our branch to lambda = 100 (tracing only) "
          f"against pygambit logit_solve (agent form, floats); each call in a child process, limit {limit:.0f} s",
          ["tree", "ours agent_qre", "ours branch to 100", "gambit logit_solve", "gambit/ours agent_qre",
           "gambit regret (float)"], rows)
    measured = (f"least {worst[1]:.2f}x ({worst[0]})" if worst else "no tree finished by both")
    ok = worst is not None and worst[1] >= 1 and not failed
    table("Goal 9b: verdict", ["criterion", "measured", "verdict"], [
        ["agent QRE limit at least as fast as logit_solve, every tree", measured + "".join(
            f"; ours timed out on {f}" for f in failed),
         record(9, "agent QRE on trees >= logit_solve speed", measured, ok,
                f"ours {fmt_t(worst[2])}, gambit {fmt_t(worst[3])}" if worst else "",
                "(measured after branch aqre9b, 2026-12-04, CPU at load 0.1-0.6) the trace is most of it: "
                "Kuhn poker 0.09 s trace + 0.02 s exact end, 33 sequences 0.21 + 0.02 s, 65 sequences "
                "0.76 + 0.07 s; the tracer walks the tree in Python/NumPy once per batched Jacobian over "
                "every action of every information set. Closing it: the tree walk of the residual compiled "
                "(or vectorised over the sequence form), fewer predictor-corrector steps")]])


# --------------------------------------------------------------------------- goal 10
def mpe_point(W_iran, annual_discount_rate):
    """Markov perfect equilibria of the US-Iran exchange model at one point (a map's cell)."""
    from fractions import Fraction
    from deterrence.models.us_iran_exchange import exchange_model, markov_perfect_equilibria
    model = exchange_model(W_iran=Fraction(W_iran).limit_denominator(1000),
                           annual_discount_rate=Fraction(annual_discount_rate).limit_denominator(1000))
    return {"equilibria": len(markov_perfect_equilibria(model))}


def goal_stochastic_map(quick):
    import numpy as np
    from fractions import Fraction
    from deterrence.analysis.maps import regime_at, regime_map
    from deterrence.models.us_iran import _FORMULAS, _symbolic_classifier   # the model derives its formulas
    from deterrence.models.us_iran_exchange import exchange_model, markov_perfect_equilibria
    from deterrence.models.us_iran_exchange_map import markov_perfect_map
    side = 4 if quick else 8
    ws, rates = np.linspace(5, 60, side), np.linspace(0.1, 0.9, side)
    exact_w = [Fraction(float(w)).limit_denominator(1000) for w in ws]
    exact_r = [Fraction(float(a)).limit_denominator(1000) for a in rates]
    mpe_point(30, 0.5)                                      # imports
    t = time.perf_counter()
    by_point = [[[e.profile for e in markov_perfect_equilibria(exchange_model(W_iran=w, annual_discount_rate=a))]
                 for a in exact_r] for w in exact_w]
    per_mpe = (time.perf_counter() - t) / side ** 2
    markov_perfect_map(("W_iran", [30]), ("annual_discount_rate", ["1/3"]))      # imports
    small = markov_perfect_map(("W_iran", exact_w), ("annual_discount_rate", exact_r))
    agree = [[[small.profiles[k] for k in cell] for cell in row] for row in small.found] == by_point
    n_map = 25 if quick else 100
    t = time.perf_counter()
    big = markov_perfect_map(("W_iran", np.linspace(5, 60, n_map)),
                             ("annual_discount_rate", np.linspace(0.1, 0.9, n_map)))
    t_map = (time.perf_counter() - t) * (100 / n_map) ** 2
    deltas, wars = np.linspace(0.01, 0.99, 100), np.linspace(0, 60, 100)
    import sympy  # noqa: F401 - imported before the clock, as when other goals ran first
    _symbolic_classifier.cache_clear()
    _FORMULAS.clear()       # since stop 44 the formulas are kept by structure: cold means both cleared
    t = time.perf_counter()
    regime_map(("delta", deltas), ("W_iran", wars))
    t_sym = time.perf_counter() - t                        # cold: derivation included
    rng = np.random.default_rng(0)
    sample = [(float(rng.choice(deltas)), float(rng.choice(wars))) for _ in range(5 if quick else 20)]
    regime_at(0.9)
    t = time.perf_counter()
    for d, w in sample:
        regime_at(d, W_iran=w)
    per_solve = (time.perf_counter() - t) / len(sample)
    by_points = per_mpe * 10_000
    r_sym, r_solve = t_map / t_sym, t_map / (per_solve * 10_000)
    scaled = "" if n_map == 100 else f" ({n_map}x{n_map}, scaled)"
    table("Goal 10: Markov perfect equilibria of the US-Iran exchange model (alternating best responses from "
          "6 starts, each found equilibrium certified exactly under the noise), a 100x100 map (W_iran x annual "
          "discount rate)",
          ["map", "per point", "100x100", "MPE map / this (< 10)"],
          [[f"markov_perfect_map (vectorised search, exact certification){scaled}", fmt_t(t_map / 10_000),
            fmt_t(t_map), "1.0x"],
           [f"markov_perfect_equilibria point by point ({side}x{side} timed, extrapolated)", fmt_t(per_mpe),
            fmt_t(by_points), ratio_text(t_map / by_points, 4)],
           ["repeated-game regime_map, default symbolic path, cold (derivation included)", "-", fmt_t(t_sym),
            ratio_text(r_sym, 1)],
           ["repeated-game regime_map, method='solve' (extrapolated)", fmt_t(per_solve),
            fmt_t(per_solve * 10_000), ratio_text(r_solve, 1)]])
    print(f"\nthe map equals the point-by-point search on the {side}x{side} grid: {'yes' if agree else 'NO'}; "
          f"equilibria per point on the 100x100 map: "
          f"{dict(zip(*[a.tolist() for a in np.unique(big.counts(), return_counts=True)]))}; "
          f"searches run exactly (float decision too close): {big.exact_searches}")
    cause = ("markov_perfect_map runs every point's search at once in floats (values shared by the searches on "
             "a row at one profile) and certifies each reported equilibrium exactly once per row and profile "
             "(~550 exact 14-state solves in python-flint, ~1/3 of the time); the rest is NumPy work on "
             "60,000 searches (6 starts a point). Closing it: certify only profiles the floats call equilibria, "
             "and merge searches that meet at the same point and profile")
    table("Goal 10: verdicts", ["criterion", "measured", "verdict"], [
        ["100x100 MPE map < 10x the repeated-game map (default symbolic path)", f"{r_sym:.1f}x",
         record(10, "MPE map < 10x repeated-game map (default symbolic)", f"{r_sym:.1f}x", r_sym < 10,
                f"MPE {fmt_t(t_map)}, repeated {fmt_t(t_sym)}", cause)],
        ["100x100 MPE map < 10x the repeated-game map solved point by point", f"{r_solve:.2f}x",
         record(10, "MPE map < 10x repeated-game map (method='solve')", f"{r_solve:.2f}x", r_solve < 10,
                f"MPE {fmt_t(t_map)}, repeated {fmt_t(per_solve * 10_000)}", cause)],
        ["the map equals the point-by-point search", "yes" if agree else "no",
         record(10, "MPE map equals markov_perfect_equilibria point by point", "yes" if agree else "no", agree,
                f"{side}x{side} grid", "a float decision the tolerance missed: see ROUNDING in "
                "models/us_iran_exchange_map.py")]])


# --------------------------------------------------------------------------- goal 11
def goal_scale_out(quick):
    import numpy as np
    if not have("dask.distributed"):
        print("\n(goal 11 not run: dask.distributed is not installed; pip install 'deterrence[dask]')")
        return
    from dask.distributed import Client, LocalCluster
    from deterrence.analysis.maps import regime_map
    from deterrence.analysis.sweep import sweep
    from deterrence.models.us_iran_exchange_fit import fit_to_record
    side = 8 if quick else 12
    grid = (("delta", np.linspace(0.5, 0.95, side)), ("W_iran", np.linspace(0, 20, side)))
    mside = 4 if quick else 6
    maxes = {"W_iran": np.linspace(5, 60, mside), "annual_discount_rate": np.linspace(0.1, 0.9, mside)}
    # a job is run once on other inputs to warm imports and caches: Dask keeps the results of identical
    # (pure) tasks while their keys live, so warming on the timed inputs would time a cache lookup
    jobs = [("regime_map, solve path", f"{side}x{side}",
             lambda ex, k=0: regime_map(("delta", grid[0][1] + 0.001 * k), grid[1], method="solve", executor=ex,
                                        progress=False).values),
            ("stochastic MPE map", f"{mside}x{mside}",
             lambda ex, k=0: sweep(mpe_point, {"W_iran": maxes["W_iran"] + k, "annual_discount_rate":
                                               maxes["annual_discount_rate"]}, executor=ex, progress=False).values),
            ("case-model fit (fit_to_record)", "2 parameters",
             lambda ex, k=0: fit_to_record(executor=ex, W_iran=50 + k))]
    serial = {}
    for name, _, job in jobs:
        local = None if "fit" in name else "serial"
        job(local, 1)                                        # warm imports and caches, other inputs
        if "fit" in name:    # a payoff's value does not change the fit: it is kept per chain of play
            _clear_fit_caches()                              # so the serial fit is timed, not a lookup
        t = time.perf_counter()
        out = job(local)
        serial[name] = (time.perf_counter() - t, out)
    rows, speedups = [], []
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        client.run(lambda: __import__("deterrence.analysis.maps"))
        for name, size, job in jobs:
            job(client, 2)                                   # warm the workers, other inputs
            if "fit" in name:                                # both sides evaluate the model anew
                _clear_fit_caches()
                client.run(_clear_fit_caches)
            t = time.perf_counter()
            out = job(client)
            t_dask = time.perf_counter() - t
            t_serial, ref = serial[name]
            same = (all(np.array_equal(ref[k], out[k]) for k in ref) if isinstance(ref, dict)
                    else ref.estimates == out.estimates and ref.predictions == out.predictions)
            speedups.append((name, t_serial / t_dask, same))
            rows.append([name, size, fmt_t(t_serial), fmt_t(t_dask), ratio_text(t_serial / t_dask),
                         "yes" if same else "NO"])
    load = os.getloadavg()[0]
    table(f"Goal 11: scale out, one process against a Dask LocalCluster of 2 worker processes (load average "
          f"{load:.1f} on {os.cpu_count()} cores)",
          ["job", "size", "serial", "Dask, 2 workers", "speed-up", "identical"], rows)
    same_all = all(s for _, _, s in speedups)
    table("Goal 11: verdicts", ["criterion", "measured", "verdict"], [
        ["maps and fit on Dask identical to serial", "yes" if same_all else "NO",
         record(11, "Dask results identical to serial", "yes" if same_all else "NO", same_all, "",
                "a result on the cluster differs from the serial one: a correctness bug (state that "
                "depends on the process, or an unseeded random draw), to be investigated first")]] + [
        [f"speed-up with 2 workers: {name}", f"{sp:.2f}x",
         record(11, f"speed-up with 2 workers, {name}", f"{sp:.2f}x", None, f"load average {load:.1f}")]
        for name, sp, _ in speedups])


# --------------------------------------------------------------------------- goals 12, 13
def _helper_goal(goal, module, function, quick):
    """Goals delivered by other modules: ``function(quick)`` prints its own tables and returns
    ``(criterion, measured, ok)`` or ``(criterion, measured, ok, context, cause)`` rows (ok True,
    False or None for context); a missing module is reported, not an error."""
    try:
        mod = __import__(module)
    except ImportError:
        print(f"\n(goal {goal} not run: benchmarks/{module}.py is not in this checkout)")
        RESULTS.append((goal, f"{module}.{function}", "not run (module missing)", None, "", ""))
        return
    rows = getattr(mod, function)(quick) or []
    for row in rows:
        if isinstance(row, dict):
            record(goal, row.get("criterion", "?"), row.get("measured", ""), row.get("ok"),
                   row.get("context", ""), row.get("cause", ""))
        else:
            record(goal, *row)


#: why a degenerate-game goal can fail, and what would close it (from the profile of the search)
DEGENERATE_CAUSES = {
    "faster than lrsnash": "the compiled search visits every feasible basis of both polytopes with an "
                           "exact lexicographic ratio test in int64 (falling back to Python ints when an "
                           "entry outgrows 2^62); lrsnash prunes by reverse search. Closing it: reverse search "
                           "(Avis-Fukuda) over the compiled pivots",
    "within 2x of QuantEcon": "QuantEcon's float enumeration skips the degenerate bases it cannot tell apart "
                              "(it finds only part of the extreme equilibria); ours must pivot through them "
                              "exactly. Closing it: a float pre-pass that certifies the non-degenerate bases",
    "agree": "an equilibrium set differs from lrsnash's: a correctness bug, to be investigated first",
}


def goal_degenerate(quick):
    """Goal 12 from ``bench_degenerate.goal_degenerate``: a table per size, verdicts with causes."""
    try:
        import bench_degenerate
    except ImportError:
        print("\n(goal 12 not run: benchmarks/bench_degenerate.py is not in this checkout)")
        RESULTS.append((12, "degenerate games", "not run (module missing)", None, "", ""))
        return
    rows, verdicts = bench_degenerate.goal_degenerate(quick)
    table("Goal 12: all equilibria of degenerate random games (payoffs 0..3 and 0..9), median per game",
          bench_degenerate.HEAD, rows)
    checks = []
    for criterion, measured, ok in verdicts:
        cause = next((c for key, c in DEGENERATE_CAUSES.items() if key in criterion), "")
        checks.append([criterion, measured, record(12, criterion, measured, ok, "", cause)])
    for key, peer in (("faster than lrsnash", "lrsnash"), ("within 2x of QuantEcon", "quantecon")):
        if not any(key in criterion for criterion, _, _ in verdicts):
            not_measured(12, f"degenerate games: {key}", peer)
    table("Goal 12: verdicts", ["criterion", "measured", "verdict"], checks)


def goal_live(quick):
    _helper_goal(13, "bench_live", "goal_live", quick)


def machine():
    model = "?"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else ("?",)
    vers = []
    for mod in ("numpy", "numba", "nashpy", "quantecon", "pygambit"):
        try:
            vers.append(f"{mod} {__import__(mod).__version__}")
        except Exception:  # noqa: BLE001
            vers.append(f"{mod} (not installed)")
    vers.append("lrsnash " + (shutil.which("lrsnash") or "(not installed)"))
    return (f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; Python {platform.python_version()}; "
            f"nproc {os.cpu_count()}; CPU {model}; load average "
            + " ".join(f"{x:.2f}" for x in load) + "\npeers: " + ", ".join(vers))


#: printed for a goal not met that has no cause in this script: it was met in every recorded run
NO_CAUSE = ("no measured cause recorded (the goal was met in the recorded runs): profile it against its "
            "peer in this run's inputs before stating one")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="smaller sizes and fewer repeats")
    ap.add_argument("--goals", type=int, nargs="+", default=list(ORDER),
                    help="goals to run (6 runs with 1)")
    args = ap.parse_args(argv)
    print("machine:", machine())
    for g in ORDER:                    # start-up first, before this process warms anything
        if g in args.goals:
            # each goal timed without the garbage of the goals before it: their objects (goal 7 keeps
            # hundreds of thousands) are collected, and what stays is frozen out of later collections,
            # which otherwise landed in the timed calls of small inputs (goal 8's 2x2x2 race: 861 us
            # after goal 7 in one process, 530 us alone; goal 13's slider 302 ms against 180 ms)
            gc.collect()
            gc.freeze()
            t = time.perf_counter()
            try:
                STEPS[g](args.quick)
            except Exception as exc:  # noqa: BLE001 - one broken goal does not lose the others
                import traceback
                traceback.print_exc()
                RESULTS.append((g, "goal raised", f"{type(exc).__name__}: {exc}", False, "", "see the traceback"))
            print(f"\n(goal {g} took {time.perf_counter() - t:.0f} s)")
    table("Summary (every goal a ratio measured in this run; absolute times are context)",
          ["goal", "criterion", "measured", "context", "verdict"],
          [[g, w, m, c, verdict(ok)] for g, w, m, ok, c, _ in sorted(RESULTS, key=lambda r: r[0])])
    missed = [(g, w, cause) for g, w, _, ok, _, cause in sorted(RESULTS, key=lambda r: r[0]) if ok is False]
    if missed:
        print("\n### Goals not met: measured cause and what would close it\n")
        for g, w, cause in missed:
            print(f"- goal {g}, {w}: {cause or NO_CAUSE}")
    print("\nload average at the end:", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


STEPS = {5: goal_startup, 1: goal_enumeration, 2: goal_lemke_howson, 3: goal_payoff_sets, 4: goal_noise,
         7: goal_sequence_form, 8: goal_nplayer, 9: goal_qre, 10: goal_stochastic_map, 11: goal_scale_out,
         12: goal_degenerate, 13: goal_live}
ORDER = (5, 13, 1, 2, 3, 4, 7, 8, 9, 10, 11, 12)


if __name__ == "__main__":
    raise SystemExit(main())
