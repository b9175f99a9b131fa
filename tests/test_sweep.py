"""Sweeps and maps: executors agree, failures are kept, seeds are per point."""
import numpy as np
import sympy

from deterrence.core.symbolic import parameter_symbol
from deterrence.analysis.sweep import sweep, vectorised_map
from sweep_funcs import fragile, noisy, ratio

B = np.linspace(0.5, 3, 6)
C = np.linspace(1, 4, 5)


def test_vectorised_map_agrees_with_point_by_point():
    b, c = parameter_symbol("b"), parameter_symbol("c")
    fast = vectorised_map({"delta_star": b / c, "restraint": sympy.Piecewise((1, b / c <= 0.9), (0, True))},
                          {"b": B, "c": C})
    slow = sweep(ratio, {"b": B, "c": C}, executor="serial")
    assert np.allclose(fast.values["delta_star"], slow.values["delta_star"])
    assert np.array_equal(fast.values["restraint"], slow.values["restraint"])


def test_process_and_thread_executors_agree_with_serial():
    serial = sweep(ratio, {"b": B, "c": C}, executor="serial")
    for ex in ("process", "thread"):
        other = sweep(ratio, {"b": B, "c": C}, executor=ex, max_workers=2)
        assert np.array_equal(serial.values["delta_star"], other.values["delta_star"])


def test_seeds_do_not_depend_on_workers():
    one = sweep(noisy, {"x": range(8)}, executor="serial", seed=7)
    many = sweep(noisy, {"x": range(8)}, executor="process", max_workers=2, seed=7)
    assert np.array_equal(one.values["value"], many.values["value"])
    other = sweep(noisy, {"x": range(8)}, executor="serial", seed=8)
    assert not np.array_equal(one.values["value"], other.values["value"])


def test_failure_is_reported_and_others_kept_then_resume():
    s = sweep(fragile, {"x": [1, 2, 3]}, executor="serial")
    assert s.values["value"][0] == 10 and s.values["value"][2] == 30 and np.isnan(s.values["value"][1])
    assert s.failures == (({"x": 2}, "ValueError: x = 2 is not allowed here"),)
    assert not s.complete and s.missing == [(1,)]
    fixed = s.resume(lambda x: x * 10, executor="serial")
    assert fixed.complete and fixed.values["value"].tolist() == [10, 20, 30]


def test_dask_local_cluster_gives_same_map():
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote = sweep(ratio, {"b": B, "c": C}, executor=client)
    local = sweep(ratio, {"b": B, "c": C}, executor="process", max_workers=2)
    assert np.array_equal(remote.values["delta_star"], local.values["delta_star"])


def test_failures_inside_chunks_on_processes():
    s = sweep(fragile, {"x": [1, 2, 3, 4]}, executor="process", max_workers=2, chunksize=2)
    assert s.failures == (({"x": 2}, "ValueError: x = 2 is not allowed here"),)
    assert np.isnan(s.values["value"][1]) and s.values["value"][3] == 40


def _labelled(x):
    return "war" if x > 1 else x


def test_a_value_that_is_no_number_is_refused_by_every_executor():
    """The serial loop caught the refusal of a text value with the function's own failures (and
    recorded it per point), where the executors raised it: one broad except too many."""
    import pytest

    from deterrence.errors import GameError
    for ex in ("serial", "thread"):
        with pytest.raises(GameError, match="a sweep keeps numbers"):
            sweep(_labelled, {"x": [0, 1, 2, 3]}, executor=ex)
