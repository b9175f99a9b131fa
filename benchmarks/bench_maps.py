"""Deterrence maps: the symbolic path against point-by-point solving, and Dask's speed-up.

Run from the repository root:  python benchmarks/bench_maps.py

* 200 x 200 map of the US-Iran model (delta x W_iran), symbolic path: the
  one-off derivation and the grid evaluation are timed apart.
* Point-by-point solving of the same map would take hours, so a random sample
  of its points is solved and the full time extrapolated from the median.
* The solve path on a 12 x 12 grid: one local process, then a Dask
  LocalCluster with 2 workers (needs dask[distributed]).
"""
import statistics
import time

import numpy as np

import sys
import pathlib
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))  # run from a checkout


def timed(fn, repeat=1):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main():
    from deterrence.analysis.maps import regime_at, regime_map
    from deterrence.models.us_iran import _FORMULAS, _symbolic_classifier   # the model derives its formulas
    deltas, wars = np.linspace(0.01, 0.99, 200), np.linspace(0, 60, 200)
    _symbolic_classifier.cache_clear()
    _FORMULAS.clear()                   # the formulas by structure too (stop 44): cold
    setup, _ = timed(lambda: regime_map(("delta", [0.5]), ("W_iran", [1.0])))
    grid, sym = timed(lambda: regime_map(("delta", deltas), ("W_iran", wars)), repeat=5)
    rng = np.random.default_rng(0)
    sample = [(float(rng.choice(deltas)), float(rng.choice(wars))) for _ in range(20)]
    per_point, _ = timed(lambda: [regime_at(d, W_iran=w) for d, w in sample])
    per_point /= len(sample)
    for (d, w) in sample[:5]:
        i, j = int(np.argmin(abs(deltas - d))), int(np.argmin(abs(wars - w)))
        assert sym.values["regime"][i, j] == regime_at(d, W_iran=w)["regime"]
    full = per_point * deltas.size * wars.size
    print("200 x 200 deterrence map of the US-Iran model (delta x W_iran)")
    print(f"  symbolic: derivation once {setup * 1e3:8.1f} ms, grid {grid * 1e3:8.2f} ms (median of 5)")
    print(f"  point by point: {per_point * 1e3:.1f} ms a point, ~{full:.0f} s for the map (from 20 points)")
    print(f"  ratio (point-by-point / symbolic incl. derivation): {full / (setup + grid):,.0f}x")

    small = (("delta", np.linspace(0.5, 0.95, 12)), ("W_iran", np.linspace(0, 20, 12)))
    serial, a = timed(lambda: regime_map(*small, method="solve", executor="serial", progress=False))
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("dask.distributed is not installed: no Dask timing")
        return
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        client.run(lambda: __import__("deterrence.analysis.maps"))  # warm the workers' imports
        regime_map(*small, method="solve", executor=client, progress=False)
        dask_t, b = timed(lambda: regime_map(*small, method="solve", executor=client, progress=False))
    assert np.array_equal(a.values["regime"], b.values["regime"])
    print(f"12 x 12 map, solve path: 1 process {serial:.2f} s, Dask 2 workers {dask_t:.2f} s, "
          f"speed-up {serial / dask_t:.2f}x")


if __name__ == "__main__":
    main()
