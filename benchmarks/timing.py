"""Timing helpers shared by the benchmark scripts (wall time, ``time.perf_counter``)."""
from __future__ import annotations

import statistics
import time


def median_time(fn, repeats, warm=True, clock=time.perf_counter):
    """Median wall time of ``fn()`` over ``repeats`` calls, after one untimed warm-up call
    (numba compilation, imports, caches) unless ``warm`` is false; ``clock=time.process_time``
    gives CPU seconds instead."""
    if warm:
        fn()
    times = []
    for _ in range(repeats):
        t = clock()
        fn()
        times.append(clock() - t)
    return statistics.median(times)


def timed(fn, *args):
    """``(seconds, fn(*args))`` for one call."""
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def fmt_time(t):
    """``"-"``, or the time in us, ms or s with a few significant digits."""
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"
