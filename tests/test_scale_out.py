"""Scale out: maps and the case-model fit give the same numbers on a Dask cluster as serially."""
import concurrent.futures as cf
import re

import numpy as np

from deterrence.analysis.maps import regime_map
from deterrence.models.us_iran_exchange_fit import fit_to_record


def _same_fit(a, b):
    assert a.estimates == b.estimates and a.standard_errors == b.standard_errors
    assert a.predictions == b.predictions and a.log_likelihood == b.log_likelihood


def test_map_and_fit_on_a_dask_local_cluster_equal_serial(capsys):
    from dask.distributed import Client, LocalCluster
    grid = (("delta", [0.5, 0.8, 0.95]), ("W_iran", [1, 20, 50]))
    serial_map = regime_map(*grid, method="solve", executor="serial")
    serial_fit = fit_to_record()
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        capsys.readouterr()
        remote_map = regime_map(*grid, method="solve", executor=client, progress=True)
        shown = capsys.readouterr().err
        remote_fit = fit_to_record(executor=client, progress=True)
        reported = capsys.readouterr().err
    # progress while the cluster works: the map's bar over its 9 points moves (tqdm redraws it
    # with carriage returns, and clears it at the end), the fit's bar counts its model evaluations
    # and stays, finished, at the end (tqdm pads a redraw shorter than the one before with spaces,
    # so the last line may end in a few: CI saw "… 99.74 model evaluations/s, … checkpoint] ")
    assert "sweep:" in shown and "/9 [" in shown and shown.count("\r") >= 3
    assert "model evaluations" in reported and reported.count("\r") >= 3
    assert re.search(r"fit_to_record: 100%.*\[.*, [1-9]\d* new, 0 from the checkpoint\] *\n$", reported)
    assert np.array_equal(serial_map.values["regime"], remote_map.values["regime"])
    assert np.array_equal(serial_map.values["war_probability"], remote_map.values["war_probability"])
    # all three regimes on this grid, so the comparison is not between two constant maps
    assert set(serial_map.values["regime"].flat) == {0.0, 1.0, 2.0}
    _same_fit(serial_fit, remote_fit)
    assert round(serial_fit.prediction("attacks_in_span")) == serial_fit.record[0][1]


def test_fit_on_a_thread_pool_equals_serial():
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        _same_fit(fit_to_record(), fit_to_record(executor=pool))


def test_map_and_fit_on_a_process_pool_equal_serial(tmp_path):
    # "any concurrent.futures executor" (issue 18, deliver 5): the fit's gradient had handed
    # scipy's wrapper of a closure to the pool, which a process pool cannot pickle
    from deterrence.models import us_iran_exchange_fit
    grid = (("delta", [0.5, 0.95]), ("W_iran", [1, 50]))
    serial_map = regime_map(*grid, method="solve", executor="serial")
    serial_fit = fit_to_record()
    us_iran_exchange_fit._FITS.clear()          # the pool computes it, not the fit cache
    with cf.ProcessPoolExecutor(max_workers=2) as pool:
        pool_map = regime_map(*grid, method="solve", executor=pool)
        pool_fit = fit_to_record(executor=pool)
        # with a checkpoint too: the gradient's points are kept in this process's file
        checkpoint = tmp_path / "fit.json"
        kept_fit = fit_to_record(executor=pool, checkpoint=checkpoint)
    assert np.array_equal(serial_map.values["regime"], pool_map.values["regime"])
    assert np.array_equal(serial_map.values["war_probability"], pool_map.values["war_probability"])
    _same_fit(serial_fit, pool_fit)
    _same_fit(serial_fit, kept_fit)
    resumed = fit_to_record(checkpoint=checkpoint, progress=False)     # every point read back
    _same_fit(serial_fit, resumed)
