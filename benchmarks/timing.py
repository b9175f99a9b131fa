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


def timed(fn, *args, clock=time.perf_counter):
    """``(seconds, fn(*args))`` for one call, read on ``clock`` (wall time by default;
    ``time.process_time`` gives CPU seconds, less disturbed by other work on the machine)."""
    t = clock()
    out = fn(*args)
    return clock() - t, out


def fmt_time(t):
    """``"-"``, or the time in us, ms or s with a few significant digits."""
    if t is None:
        return "-"
    if t < 1e-3:
        return f"{t * 1e6:.1f} us"
    if t < 1:
        return f"{t * 1e3:.2f} ms"
    return f"{t:.2f} s"


def _child(queue, fn, args, prepare, clock, repeats=1):
    try:
        if prepare:                    # imports that are not part of the time (a peer's module)
            __import__(prepare)
        times = []
        for _ in range(repeats):
            t = clock()
            out = fn(*args)
            times.append(clock() - t)
        queue.put((statistics.median(times), out))
    except Exception as exc:  # noqa: BLE001 - reported as a failure of that solver
        queue.put((None, f"{type(exc).__name__}: {exc}"))


def in_child(fn, *args, timeout=120.0, prepare=None, clock=time.perf_counter, repeats=1):
    """``(seconds, result)`` of ``fn(*args)`` timed on ``clock`` inside a spawned child process
    (after importing the module ``prepare``), or ``(None, reason)`` on a time-out or an exception:
    for peers and solvers that can hang or take minutes. ``clock=time.process_time`` gives the
    child's CPU seconds; ``repeats`` calls give their median (the first call in a fresh process
    is among them: the peer's own caches are part of its time, as ours are of ours)."""
    import multiprocessing as mp
    ctx = mp.get_context("spawn")        # fork after numpy/flint threads can deadlock the child
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(queue, fn, args, prepare, clock, repeats))
    proc.start()
    try:
        return queue.get(timeout=timeout)
    except Exception:  # noqa: BLE001 - queue.Empty: the time limit
        return None, f"no answer within {timeout:.0f} s"
    finally:
        if proc.is_alive():
            proc.terminate()
        proc.join()
