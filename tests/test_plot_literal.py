"""Labels with TeX markup (``$x^{$``, ``\\alpha``, ...) are drawn as written by every figure
function of ``deterrence.plot`` (issue 17, deliver 7), on new Axes and on Axes the user made."""
import io

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from deterrence import NormalFormGame, plot  # noqa: E402
from deterrence.core.tree import GameTree, decision, terminal  # noqa: E402
from deterrence.plot import dynamics  # noqa: E402

BAD = "$x^{$"
OTHER = ["a_b$", "$\\frac{1}{0}$", "\\alpha", "a\\$b"]


def _game():
    return NormalFormGame.from_arrays([[3, 0], [0, 2]], [[2, 0], [0, 3]], players=[BAD, OTHER[2]],
                                      actions=[[BAD, OTHER[0]], [OTHER[1], OTHER[3]]])


def _rps():
    return NormalFormGame.from_arrays([[0, -1, 1], [1, 0, -1], [-1, 1, 0]],
                                      [[0, 1, -1], [-1, 0, 1], [1, -1, 0]],
                                      players=[BAD, "c"], actions=[[BAD, "p", "s"], ["r", "p", "s"]])


def _branch():
    from deterrence.solvers.normal_form.qre import logit_branch
    return logit_branch(_game())


def _calls():
    from deterrence.solvers.normal_form.dynamics import fictitious_play, replicator_dynamics
    tree = GameTree(decision(BAD, {OTHER[0]: terminal([1, 2]), OTHER[1]: decision(
        OTHER[2], {OTHER[3]: terminal([0, 0]), BAD: terminal([2, 1])})}), players=[BAD, OTHER[2]], title=BAD)
    return {
        "payoff_heatmap": lambda ax: plot.payoff_heatmap(_game(), ax=ax),
        "best_response_diagram": lambda ax: plot.best_response_diagram(_game(), ax=ax),
        "payoff_polygon": lambda ax: _legend(plot.payoff_polygon([(0, 0), (3, 0), (0, 3)], ax=ax, label=BAD)),
        "payoff_sets": lambda ax: plot.payoff_sets(_game(), ax=ax),
        "critical_delta_curve": lambda ax: plot.critical_delta_curve([1, 2], ["1/2", None], ax=ax, xlabel=BAD,
                                                                      ylabel=OTHER[1], label=OTHER[2]),
        "deterrence_map": lambda ax: plot.deterrence_map([[0, 1], [1, 2]], [1, 2], [1, 2], ax=ax, xlabel=BAD,
                                                          ylabel=OTHER[2], title=OTHER[1],
                                                          regimes=(BAD, OTHER[0], OTHER[3])),
        "add_to_legend": _map_with_a_marked_point,
        "sweep_map": lambda ax: plot.sweep_map(_pow_sweep(), ax=ax),
        "war_risk_curve": lambda ax: plot.war_risk_curve([1, 2, 3], [[0, 0.1, 0.2], [0, 0.2, 0.3]], ax=ax,
                                                          labels=[BAD, OTHER[1]], xlabel=OTHER[2], ylabel=BAD),
        "noisy_trajectory": lambda ax: plot.noisy_trajectory([(BAD, OTHER[0]), (OTHER[0], BAD)], ax=ax,
                                                              players=[BAD, OTHER[2]], xlabel=OTHER[1]),
        "draw_tree": lambda ax: plot.draw_tree(tree, ax=ax),
        "plot_shares": lambda ax: dynamics.plot_shares(fictitious_play(_game(), 20, seed=1), ax=ax),
        "plot_phase": lambda ax: dynamics.plot_phase(_game(), ax=ax),
        "plot_basins": lambda ax: dynamics.plot_basins(_game(), resolution=5, t_max=5.0, ax=ax),
        "plot_qre_branch": lambda ax: plot.plot_qre_branch(_branch(), ax=ax),
        "plot_simplex": lambda ax: dynamics.plot_simplex([replicator_dynamics(_rps(), start=((0.5, 0.3, 0.2),) * 2)],
                                                         ax=ax),
    }


def _map_with_a_marked_point(ax):
    ax = plot.deterrence_map([[0, 1]], [1, 2], [1], ax=ax, regimes=(BAD, OTHER[0]), legend_title=OTHER[1])
    return plot.add_to_legend(ax, *ax.plot([1], [1], label=BAD))


def _legend(ax):
    ax.legend()            # a legend the user adds afterwards shows the label as written
    return ax


def _pow_sweep():
    from deterrence.analysis.sweep import sweep
    return sweep(_regime, {BAD: [1, 2], OTHER[2]: [2, 3]}, executor="serial")


def _regime(**point):
    return sum(point.values()) % 3


def test_every_figure_function_is_in_the_list():
    # the list above is checked against the package: a new figure function must join it
    helpers = ("show", "tree_layout", "widgets_live")
    public = {n for n in plot.__all__ if callable(getattr(plot, n)) and n not in helpers}
    public |= set(dynamics.__all__)
    assert public == set(_calls())


def _shown(text):
    """What matplotlib draws for a Text: (string, drawn as math?)."""
    return text._preprocess_math(text.get_text())


@pytest.mark.parametrize("users_axes", [False, True])
@pytest.mark.parametrize("name", sorted(_calls()))
def test_labels_with_markup_are_drawn_literally_by_every_figure_function(name, users_axes):
    ax = None
    if users_axes:                          # Axes made (and drawn) before the call, as a user would
        ax = plt.subplots()[1]
        ax.figure.canvas.draw()
    out = _calls()[name](ax)
    figure = getattr(out, "figure", out)
    figure.savefig(io.BytesIO(), format="png")      # mathtext would raise here
    shown = [_shown(t) for t in figure.findobj(matplotlib.text.Text)]
    assert not any(ismath for _, ismath in shown)
    strings = " ".join(s for s, _ in shown)
    assert BAD in strings or any(o in strings for o in OTHER)
    for label in [BAD] + OTHER:             # nothing escaped twice or half: as written, or absent
        escaped = label.replace("$", "\\$")
        assert escaped not in strings or escaped == label or label in strings
    plt.close(figure)


def test_a_label_is_shown_exactly_as_written():
    ax = plot.war_risk_curve([1, 2], [0, 0.5], xlabel=BAD, ylabel=OTHER[3])
    ax.figure.savefig(io.BytesIO(), format="png")
    assert _shown(ax.xaxis.label) == (BAD, False)
    assert _shown(ax.yaxis.label) == (OTHER[3], False)
    # a second figure function on the same Axes does not escape the labels again
    plot.payoff_polygon([(0, 0), (1, 1)], ax=ax, label="p")
    assert _shown(ax.xaxis.label) == (BAD, False)
    plt.close(ax.figure)
