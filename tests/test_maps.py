"""Deterrence maps: the symbolic path agrees with solving point by point."""
import numpy as np
import pytest

from deterrence import plot
from deterrence.analysis.maps import REGIMES, regime_map

DELTAS = [0.3, 0.7, 0.74, 0.76, 0.9]
W_IRAN = [0.5, 1.9, 2.1, 20, 60]


def test_symbolic_map_agrees_with_point_by_point():
    fast = regime_map(("delta", DELTAS), ("W_iran", W_IRAN))
    slow = regime_map(("delta", DELTAS), ("W_iran", W_IRAN), method="solve", executor="serial")
    assert np.array_equal(fast.values["regime"], slow.values["regime"])
    assert np.allclose(fast.values["war_risk"], slow.values["war_risk"])
    # every regime appears on this grid, on the right side of the lines delta* = 3/4 and W_iran = b_iran = 2
    assert set(fast.values["regime"].flat) == {0.0, 1.0, 2.0}
    assert fast.values["regime"][3, 3] == 0 and fast.values["regime"][2, 3] == 1
    assert fast.values["regime"][3, 1] == 2 and fast.values["regime"][3, 2] == 0


def test_map_over_a_payoff_in_the_threshold_formula():
    # delta* = (a_iran + b_iran) / (a_iran + c_iran): c_iran moves the line
    fast = regime_map(("delta", [0.6, 0.8]), ("c_iran", [2.5, 4, 8]))
    slow = regime_map(("delta", [0.6, 0.8]), ("c_iran", [2.5, 4, 8]), method="solve", executor="serial")
    assert np.array_equal(fast.values["regime"], slow.values["regime"])


def test_one_dimensional_map_and_fixed_values():
    m = regime_map(("W_us", [1, 3, 30]), delta=0.9)
    assert m.values["regime"].tolist() == [2.0, 0.0, 0.0]
    assert m.meta["deviation_conditions"] > 0


def test_dask_path_gives_the_same_map():
    from dask.distributed import Client, LocalCluster
    grid = (("delta", [0.5, 0.8]), ("W_iran", [1, 50]))
    local = regime_map(*grid, method="solve", executor="process", max_workers=2)
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, Client(cluster) as client:
        remote = regime_map(*grid, method="solve", executor=client)
    assert np.array_equal(local.values["regime"], remote.values["regime"])
    assert np.array_equal(local.values["war_risk"], remote.values["war_risk"])


def test_bad_axis_is_named():
    from deterrence.errors import GameError
    with pytest.raises(GameError, match="unknown map axis 'noise'"):
        regime_map(("noise", [0.1]))


def test_plot_in_one_call(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    ax = plot.sweep_map(regime_map(("delta", np.linspace(0.5, 0.99, 20)), ("W_iran", np.linspace(0, 10, 20))), "regime")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(REGIMES)
    ax.figure.savefig(tmp_path / "map.png")


def test_plot_with_war_risk_on_a_non_square_grid():
    import matplotlib
    matplotlib.use("Agg")
    m = regime_map(("delta", np.linspace(0.5, 0.99, 7)), ("W_iran", np.linspace(0, 10, 4)))
    ax = plot.sweep_map(m, "regime", war_risk=True)
    assert ax.get_xlabel() == "delta" and ax.get_ylabel() == "W_iran"
