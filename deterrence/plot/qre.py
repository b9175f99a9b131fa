"""The figure of a logit QRE branch: each action's probability against lambda, from the
uniform profile at lambda = 0 to the Nash equilibrium at its limit.

McKelvey and Palfrey (1995), "Quantal response equilibria for normal form games", Games
and Economic Behavior 10: 6-38, draw the principal branch this way (their figures 1-3);
Turocy (2005), "A dynamic homotopy interpretation of the logistic quantal response
equilibrium correspondence", GEB 51: 243-263, for the tracing. Lambda runs over many
orders of magnitude, so the axis is ``lambda / (1 + lambda)`` (0 at the centroid, 1 at the
Nash limit), labelled in lambda; the certified limit is marked at its right end.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from deterrence import load_game
>>> from deterrence.solvers.normal_form.qre import logit_branch
>>> ax = plot_qre_branch(logit_branch(load_game("chicken").with_defaults()))
>>> ax.get_xlabel()
'lambda (precision of the logit choice), drawn at lambda / (1 + lambda)'
"""
from __future__ import annotations

import numpy as np

from deterrence.core.numbers import format_short
from deterrence.plot._literal import literal_labels

__all__ = ["plot_qre_branch"]


@literal_labels
def plot_qre_branch(branch, ax=None, players=None):
    """Each action's probability along a traced branch (:func:`logit_branch`), one line per
    player and action (line style by player), and the certified Nash limit as squares
    labelled with its exact probabilities; returns the Axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence import load_game
    >>> from deterrence.solvers.normal_form.qre import logit_branch
    >>> ax = plot_qre_branch(logit_branch(load_game("matching_pennies")))
    >>> [line.get_label() for line in ax.get_legend().get_lines()][:2]
    ['Row: heads', 'Row: tails']
    """
    if ax is None:
        import matplotlib.pyplot as plt
        ax = plt.subplots(figsize=(6.5, 4.5))[1]
    lam = np.asarray(branch.lambdas, dtype=float)
    x = lam / (1.0 + lam)
    chosen = branch.players if players is None else players
    styles = ["-", "--", ":", "-."]
    for k, player in enumerate(chosen):
        i = branch.players.index(player)
        for j, action in enumerate(branch.actions[i]):
            line, = ax.plot(x, branch.probabilities(i, j), styles[k % len(styles)], lw=1.6,
                            label=f"{player}: {action}")
            if branch.limit is not None:
                p = branch.limit.strategies[i][j]
                ax.plot([1.0], [float(p)], "s", color=line.get_color(), clip_on=False)
                ax.annotate(format_short(p), (1.0, float(p)), xytext=(6, 0), textcoords="offset points",
                            va="center", fontsize="small", color=line.get_color())
    ticks = [0, 1, 3, 9]           # 99 would sit on the Nash end's label
    ax.set_xticks([t / (1 + t) for t in ticks] + [1.0])
    ax.set_xticklabels([str(t) for t in ticks] + ["Nash"])
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("lambda (precision of the logit choice), drawn at lambda / (1 + lambda)")
    ax.set_ylabel("probability")
    limit = "certified Nash limit (squares)" if branch.limit is not None else "limit not certified"
    ax.set_title(f"logit QRE branch from the centroid to its {limit}", fontsize="medium")
    ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.12, 1))
    return ax
