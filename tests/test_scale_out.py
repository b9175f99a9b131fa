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
    # and stays, finished, at the end
    assert "sweep:" in shown and "/9 [" in shown and shown.count("\r") >= 3
    assert "model evaluations" in reported and reported.count("\r") >= 3
    assert re.search(r"fit_to_record: 100%.*\[.*, [1-9]\d* new, 0 from the checkpoint\]\n$", reported)
    assert np.array_equal(serial_map.values["regime"], remote_map.values["regime"])
    assert np.array_equal(serial_map.values["war_risk"], remote_map.values["war_risk"])
    # all three regimes on this grid, so the comparison is not between two constant maps
    assert set(serial_map.values["regime"].flat) == {0.0, 1.0, 2.0}
    _same_fit(serial_fit, remote_fit)
    assert round(serial_fit.prediction("attacks_in_span")) == serial_fit.record[0][1]


def test_fit_on_a_thread_pool_equals_serial():
    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        _same_fit(fit_to_record(), fit_to_record(executor=pool))
