"""Figures (matplotlib, imported on first use): every function returns its Axes or Figure.

``deterrence.plot`` is the documented home of the figures: the stage-game and
repeated-game figures of :mod:`deterrence.plot.figures`, trees from
:mod:`deterrence.plot.tree`, the learning dynamics of :mod:`deterrence.plot.dynamics`, the logit
QRE branch of :mod:`deterrence.plot.qre`, and the report figure of :mod:`deterrence.plot.report`.

>>> from deterrence import plot
>>> callable(plot.payoff_heatmap) and callable(plot.draw_tree)
True
"""
from __future__ import annotations

from deterrence.plot.figures import *  # noqa: F401,F403 - the figures are this package's API
from deterrence.plot.figures import __all__ as _figures
from deterrence.plot.figures import _PALETTE  # noqa: F401 - the palette tests compare colours with
from deterrence.plot.tree import draw_tree, tree_layout  # noqa: F401
from deterrence.plot.dynamics import plot_basins, plot_phase, plot_shares, plot_simplex  # noqa: F401
from deterrence.plot.qre import plot_qre_branch  # noqa: F401

__all__ = list(_figures) + ["draw_tree", "tree_layout", "plot_basins", "plot_phase", "plot_shares",
                            "plot_simplex", "plot_qre_branch"]
