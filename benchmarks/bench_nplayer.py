"""Benchmark: equilibria of three-player games, ours vs pygambit.

Usage: ``python benchmarks/bench_nplayer.py [--games 3] [--timeout 120] [--quick]``

Part 1, all equilibria: seeded random 2x2x2, 2x2x3, 2x3x3 and 3x3x3 games with
distinct integer payoffs (generic), ours (method ``nplayer``: exact, complete,
irrational equilibria as algebraic numbers) vs pygambit's ``enumpoly_solve``
(the only peer that claims every equilibrium of n-player games; floating
point, PHCpack-free polynomial solver). Prints the median time per shape,
peer/ours, and how many of our equilibria the peer missed (matched to 1e-6).

Part 2, one equilibrium: seeded random 4x4x4 and 5x5x5 games, ours (method
``nplayer_logit``: small supports, then the logit path, each guess certified on
its support) vs pygambit's ``gnm_solve`` (global Newton) and ``simpdiv_solve``
(simplicial subdivision, rational). Prints times and peer/ours, for the seeded
games and (rows marked ``m``) for the first seeded games without a pure
equilibrium (the seeded games mostly have one, found by a glance at the arrays).

pygambit is only used when installed (``pip install pygambit``); it is never a
dependency of the package. Each peer call runs in a child process with a time
limit (gnm is known to hang on some games).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import statistics
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from timing import fmt_time as fmt
from timing import timed

from deterrence import NormalFormGame
from deterrence.solvers.normal_form.nplayer import nplayer_equilibria
from deterrence.solvers.normal_form.nplayer_logit import logit_path_equilibrium

try:
    import pygambit  # noqa: F401
    HAVE_GAMBIT = True
except ImportError:
    HAVE_GAMBIT = False


def random_arrays(shape, seed):
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    return [rng.permutation(4 * size)[:size].reshape(shape) for _ in shape]


def ours_all(arrays):
    game = NormalFormGame([a.astype(object) for a in arrays])
    return keys([[float(p) for p in s] for s in e.strategies] for e in nplayer_equilibria(game))


def ours_one(arrays):
    game = NormalFormGame([a.astype(object) for a in arrays])
    return keys([[float(p) for p in s] for s in e.strategies] for e in logit_path_equilibrium(game))


def keys(profiles):
    return {tuple(round(p, 6) for s in prof for p in s) for prof in profiles}


def _gambit_profiles(result, game):
    return [[[float(eq[s]) for s in player.strategies] for player in game.players]
            for eq in result.equilibria]


def gambit_call(name, arrays):
    import pygambit as gbt
    game = gbt.Game.from_arrays(*[a.astype(int) for a in arrays])
    if name == "enumpoly":
        result = gbt.nash.enumpoly_solve(game, use_strategic=True)
    elif name == "gnm":
        result = gbt.nash.gnm_solve(game)
    else:
        result = gbt.nash.simpdiv_solve(game.mixed_strategy_profile(rational=True))
    return keys(_gambit_profiles(result, game))


def _child(queue, name, arrays):
    queue.put(timed(gambit_call, name, arrays))


def gambit_timed(name, arrays, timeout):
    """``(seconds, profiles)`` or ``(None, None)`` on a time-out or failure."""
    queue = mp.Queue()
    proc = mp.Process(target=_child, args=(queue, name, arrays))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, None
    return queue.get() if not queue.empty() else (None, None)


def missed(ours, theirs):
    """How many of our equilibria have no peer profile within 1e-5 (max norm)."""
    count = 0
    for a in ours:
        if not any(max(abs(x - y) for x, y in zip(a, b)) < 1e-5 for b in theirs):
            count += 1
    return count


def part_all(shapes, games, timeout):
    print("All equilibria (ours: nplayer, exact; gambit: enumpoly_solve)")
    print(f"{'shape':>7} {'games':>5} {'ours':>10} {'enumpoly':>10} {'peer/ours':>9} "
          f"{'our eqs':>7} {'peer missed':>11} {'peer extra':>10}")
    for shape in shapes:
        t_ours, t_peer, n_eq, n_missed, n_extra = [], [], 0, 0, 0
        for g in range(games):
            arrays = random_arrays(shape, 1000 * len(shape) + 100 * sum(shape) + g)
            t, found = timed(ours_all, arrays)
            t_ours.append(t)
            n_eq += len(found)
            if HAVE_GAMBIT:
                tp, theirs = gambit_timed("enumpoly", arrays, timeout)
                if tp is None:
                    n_missed += len(found)
                    continue
                t_peer.append(tp)
                n_missed += missed(found, theirs)
                n_extra += missed(theirs, found)
        mo = statistics.median(t_ours)
        mp_ = statistics.median(t_peer) if t_peer else None
        ratio = f"{mp_ / mo:.2f}" if mp_ else "-"
        print(f"{'x'.join(map(str, shape)):>7} {games:>5} {fmt(mo):>10} {fmt(mp_):>10} {ratio:>9} "
              f"{n_eq:>7} {n_missed if HAVE_GAMBIT else '-':>11} {n_extra if HAVE_GAMBIT else '-':>10}")


def has_pure_equilibrium(arrays):
    """Whether some pure profile is a Nash equilibrium (integer payoffs: exact)."""
    mask = np.ones(arrays[0].shape, dtype=bool)
    for i, a in enumerate(arrays):
        mask &= a >= a.max(axis=i, keepdims=True)
    return bool(mask.any())


def one_equilibrium_games(shape, games, mixed_only=False):
    """The seeded games of ``shape`` for one equilibrium; ``mixed_only``: the first
    ``games`` of the seeded sequence that have no pure equilibrium (about 40% of them)."""
    out, g = [], 0
    while len(out) < games:
        arrays = random_arrays(shape, 7000 + 100 * sum(shape) + g)
        g += 1
        if not (mixed_only and has_pure_equilibrium(arrays)):
            out.append(arrays)
    return out


def time_one_equilibrium(shape, games, gambit_timer=None, mixed_only=False):
    """``(ours, gnm, simpdiv, peer failures)``: median seconds for one equilibrium of ``games``
    seeded games of ``shape`` (a peer's median is None when it was not timed);
    ``gambit_timer(name, arrays)`` gives ``(seconds or None, profiles)`` for a peer;
    ``mixed_only``: games without a pure equilibrium only."""
    t_ours, t_gnm, t_simp, fails = [], [], [], 0
    for arrays in one_equilibrium_games(shape, games, mixed_only):
        t, _ = timed(ours_one, arrays)
        t_ours.append(t)
        if gambit_timer is not None:
            for name, store in (("gnm", t_gnm), ("simpdiv", t_simp)):
                tp, theirs = gambit_timer(name, arrays)
                if tp is None or not theirs:
                    fails += 1
                else:
                    store.append(tp)
    return (statistics.median(t_ours), statistics.median(t_gnm) if t_gnm else None,
            statistics.median(t_simp) if t_simp else None, fails)


def part_one(shapes, games, timeout):
    print("\nOne equilibrium (ours: nplayer_logit, certified exactly; gambit: gnm, simpdiv)")
    print(f"{'shape':>7} {'games':>5} {'ours':>10} {'gnm':>10} {'gnm/ours':>8} {'simpdiv':>10} "
          f"{'simpdiv/ours':>12} {'peer fails':>10}")
    for shape, mixed_only in [(shape, m) for shape in shapes for m in (False, True)]:
        mo, mg, ms, fails = time_one_equilibrium(
            shape, games, (lambda name, arrays: gambit_timed(name, arrays, timeout)) if HAVE_GAMBIT else None,
            mixed_only)
        label = "x".join(map(str, shape)) + ("m" if mixed_only else "")
        print(f"{label:>7} {games:>5} {fmt(mo):>10} {fmt(mg):>10} "
              f"{(f'{mg / mo:.2f}' if mg else '-'):>8} {fmt(ms):>10} {(f'{ms / mo:.2f}' if ms else '-'):>12} "
              f"{fails if HAVE_GAMBIT else '-':>10}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="2x2x2 to 2x3x3 and 4x4x4 only")
    args = parser.parse_args(argv)
    if not HAVE_GAMBIT:
        print("pygambit is not installed: timing ours only (pip install pygambit to compare)")
    all_shapes = [(2, 2, 2), (2, 2, 3), (2, 3, 3)] + ([] if args.quick else [(3, 3, 3)])
    one_shapes = [(4, 4, 4)] + ([] if args.quick else [(5, 5, 5)])
    part_all(all_shapes, args.games, args.timeout)
    part_one(one_shapes, args.games, args.timeout)


if __name__ == "__main__":
    main()
