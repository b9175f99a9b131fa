"""Determinism: one seed, one answer, whatever the number of workers (tests/README.md, "Determinism")."""
import numpy as np
import pytest

from deterrence import load_game
from deterrence.analysis.maps import regime_map
from deterrence.solvers.repeated.simulate import simulate, tournament
from deterrence.analysis.sweep import sweep

PD = load_game("prisoners_dilemma").with_defaults()
NOISE = {"tremble": "1/10"}


def sim_point(tremble, seed):
    """A noisy simulation at one grid point (module level: process and Dask workers pickle it)."""
    r = simulate(PD, "tft", matches=60, turns=30, noise={"tremble": tremble}, seed=seed)
    return {"row": r.payoffs[0], "column": r.payoffs[1], "war": r.war_fraction}


def tour_point(tremble, seed):
    t = tournament(PD, ["tft", "alld", "allc"], matches=10, turns=20, noise={"tremble": tremble},
                   seed=int(seed.generate_state(1)[0]))
    return {f"s{i}": s for i, s in enumerate(t.scores)}


def _same(a, b):
    assert a.values.keys() == b.values.keys()
    for k in a.values:
        assert np.array_equal(a.values[k], b.values[k], equal_nan=True), k


# -- simulate and tournament ----------------------------------------------------
@pytest.mark.parametrize("seed", [0, 7, 2**40])
def test_simulate_same_seed_same_result(seed):
    a = simulate(PD, "tft", matches=300, turns=40, noise=NOISE, seed=seed)
    b = simulate(PD, "tft", matches=300, turns=40, noise=NOISE, seed=seed)
    assert a.to_json() | {"turns_per_second": 0} == b.to_json() | {"turns_per_second": 0}
    assert (a.payoffs, a.standard_errors, a.war_fraction) == (b.payoffs, b.standard_errors, b.war_fraction)


def test_simulate_different_seeds_differ():
    runs = {simulate(PD, "tft", matches=300, turns=40, noise=NOISE, seed=s).payoffs for s in range(6)}
    assert len(runs) == 6


def test_simulate_chunk_size_does_not_change_the_result():
    a = simulate(PD, "tft", matches=200, turns=40, noise=NOISE, seed=3, chunk=16)
    b = simulate(PD, "tft", matches=200, turns=40, noise=NOISE, seed=3, chunk=64)
    c = simulate(PD, "tft", matches=200, turns=40, noise=NOISE, seed=3, chunk=200)
    assert a.payoffs == b.payoffs == c.payoffs


def test_tournament_same_seed_same_result_and_different_seeds_differ():
    kw = dict(matches=30, turns=30, noise={"tremble": "1/20"})
    a = tournament(PD, ["tft", "alld", "allc"], seed=11, **kw)
    b = tournament(PD, ["tft", "alld", "allc"], seed=11, **kw)
    c = tournament(PD, ["tft", "alld", "allc"], seed=12, **kw)
    assert a.to_json() == b.to_json()
    assert a.row_scores != c.row_scores


# -- sweeps of simulations on 1 worker, a process pool and Dask -----------------
AXES = {"tremble": ["0", "1/20", "1/10", "1/5"]}
MAP_AXES = (("delta", [0.5, 0.8, 0.95]), ("W_iran", [1, 50]))


def test_simulation_sweep_same_on_serial_processes_and_dask():
    serial = sweep(sim_point, AXES, executor="serial", seed=5)
    pool = sweep(sim_point, AXES, executor="process", max_workers=2, seed=5)
    pool_chunked = sweep(sim_point, AXES, executor="process", max_workers=2, seed=5, chunksize=1)
    _same(serial, pool)
    _same(serial, pool_chunked)
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote = sweep(sim_point, AXES, executor=client, seed=5)
        remote_tour = sweep(tour_point, AXES, executor=client, seed=9)
        remote_map = regime_map(*MAP_AXES, method="solve", executor=client)
    _same(regime_map(*MAP_AXES, method="solve", executor="serial"), remote_map)
    _same(serial, remote)
    _same(sweep(tour_point, AXES, executor="serial", seed=9), remote_tour)
    other = sweep(sim_point, AXES, executor="serial", seed=6)
    assert not np.array_equal(serial.values["row"][1:], other.values["row"][1:])


def test_tournament_sweep_same_on_serial_and_processes():
    _same(sweep(tour_point, AXES, executor="serial", seed=9),
          sweep(tour_point, AXES, executor="process", max_workers=2, seed=9))


def test_resumed_sweep_gives_the_same_values_as_an_uninterrupted_one():
    calls = []

    def interrupted(tremble, seed):
        calls.append(tremble)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return sim_point(tremble, seed)

    part = sweep(interrupted, AXES, executor="serial", seed=5)
    assert part.interrupted
    _same(part.resume(sim_point, executor="process", max_workers=2),
          sweep(sim_point, AXES, executor="serial", seed=5))


# -- the regime map, solved point by point -----------------------------------------
def test_solved_regime_map_same_on_serial_and_processes():
    x, y = MAP_AXES
    serial = regime_map(x, y, method="solve", executor="serial")
    pool = regime_map(x, y, method="solve", executor="process", max_workers=2)
    _same(serial, pool)
    assert serial.values["regime"].tolist() == regime_map(x, y).values["regime"].tolist()


def test_tournament_repeats_for_numpy_and_seed_sequence_seeds():
    import numpy as np
    from deterrence import load_game
    from deterrence.solvers.repeated.simulate import tournament
    pd = load_game("prisoners_dilemma").with_defaults()
    names = ["tit_for_tat", "grim_trigger", "always_hold"]
    for seed in (np.int64(3), np.random.SeedSequence(3)):
        a = tournament(pd, names, matches=20, turns=20, noise={"tremble": "1/10"}, seed=seed)
        b = tournament(pd, names, matches=20, turns=20, noise={"tremble": "1/10"}, seed=seed)
        assert a.to_json() == b.to_json()
