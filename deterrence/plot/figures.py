"""Figures for teaching: payoff tables, best responses, payoff sets, regimes, noisy play.

This module is never imported by ``import deterrence`` (matplotlib is an
optional dependency: ``pip install ".[plot]"``). Every function draws on the
``ax`` it is given, or on a new figure when ``ax`` is None, and returns the
matplotlib ``Axes`` so that the caller can restyle or save it. To display a
figure, end the cell with ``dt.plot.show(ax)`` (:func:`show`): it shows the
figure as a PNG under any matplotlib backend (the inline backend's automatic
display does not happen under ``MPLBACKEND=Agg``, which tests and exports
use), and closes it so that it is never shown twice. In a script, call
``ax.figure.savefig(...)``.

Exact numbers stay exact on the page: payoffs and equilibrium probabilities
are printed as fractions (``1/3``), never as rounded floats; floats are used
only for positions and colours.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> import deterrence as dt
>>> from deterrence import plot
>>> pd = dt.NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> plot.payoff_heatmap(pd).get_title()
'payoff table (lower left: Row, upper right: Column; * best response)'
"""
from __future__ import annotations

import math
from fractions import Fraction

import numpy as np

from deterrence.core.numbers import format_exact
from deterrence.errors import GameError
from deterrence.solvers.repeated.folk import convex_hull, feasible_set, individually_rational_set, minmax_values
from deterrence.plot._literal import literal_labels
from deterrence.models.us_iran import REGIMES  # one list of regime names, the model's own

__all__ = ["sweep_map", "payoff_heatmap", "best_response_diagram", "payoff_polygon", "payoff_sets",
           "critical_delta_curve", "deterrence_map", "add_to_legend", "war_risk_curve", "noisy_trajectory",
           "REGIMES", "REGIME_COLORS", "PAYOFF_CMAP", "show", "widgets_live"]

#: Colours of the regimes: calm green, amber for contained violence, red for war.
REGIME_COLORS = ("#4daf4a", "#ffb000", "#d7301f")
# Colour-blind-safe qualitative colours for actions and curves (Okabe-Ito).
_PALETTE = ("#0072B2", "#E69F00", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
# The smallest text a figure has, in points: an inset's ticks and title, the labels of payoff
# points, a map's contour labels (they were 7 pt, under what a projected or printed page shows).
_SMALLEST_POINTS = 8


def _new_axes(ax, figsize):
    """The given Axes, or the Axes of a new figure (pyplot only when we must create one).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = _new_axes(None, (3, 2))
    >>> _new_axes(ax, (3, 2)) is ax
    True
    """
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def show(figure_or_axes, *, dpi=100):
    """Display a figure (given by itself or by one of its Axes) once, under any backend.

    In IPython or Jupyter the figure is rendered to PNG and displayed as an
    image, then closed: the inline backend would otherwise show it a second
    time, and a non-interactive backend (``MPLBACKEND=Agg``) would not show it
    at all. Outside IPython it falls back to ``matplotlib.pyplot.show()``.
    Returns None, so that a cell ending with ``dt.plot.show(ax)`` prints nothing else.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> ax = _new_axes(None, (2, 2))
    >>> show(ax)                      # no IPython here: pyplot.show(), a no-op under Agg
    >>> show("not a figure")
    Traceback (most recent call last):
    ...
    TypeError: show needs a matplotlib Figure or Axes, not str
    """
    import io

    import matplotlib.pyplot as plt

    figure = figure_or_axes
    while figure is not None and not hasattr(figure, "savefig"):
        figure = getattr(figure, "figure", None)
    if figure is None:
        raise TypeError(f"show needs a matplotlib Figure or Axes, not {type(figure_or_axes).__name__}")
    try:
        from IPython import get_ipython
        from IPython.display import Image, display
    except ImportError:
        get_ipython = None
    if get_ipython is None or get_ipython() is None:
        plt.show()
        return None
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(figure)
    display(Image(data=buffer.getvalue(), format="png"))
    return None


def widgets_live(environ=None) -> bool:
    """Whether sliders (ipywidgets) may be shown: only to a live Jupyter front end.

    A widget cell executed without a front end (nbclient, ``nbconvert --execute``,
    a documentation build) can wait on widget messages that nobody answers; that
    race in nbclient (jupyter/nbclient#312, jupyter/nbconvert#2029) is where a
    cell can stall until its timeout. So the teaching notebooks draw the default
    value instead unless a front end is known to be there: the kernel was started
    by a Jupyter server session (JupyterLab, Notebook 7, Binder: they set
    ``JPY_SESSION_NAME``), or ``DETERRENCE_LIVE=1`` says so (other front ends).
    ``DETERRENCE_STATIC=1`` always draws the default value; ipywidgets must be installed.

    >>> widgets_live({"DETERRENCE_STATIC": "1", "JPY_SESSION_NAME": "01.ipynb"})
    False
    >>> widgets_live({})            # nbclient and friends set neither variable
    False
    """
    import importlib.util
    import os
    from collections.abc import Mapping

    from deterrence.errors import GameError
    environ = os.environ if environ is None else environ
    if not isinstance(environ, Mapping):
        raise GameError(f"widgets_live: environ must be a mapping of environment variables (like os.environ), "
                        f"got {type(environ).__name__}")
    if environ.get("DETERRENCE_STATIC") == "1":
        return False
    front_end = bool(environ.get("JPY_SESSION_NAME")) or environ.get("DETERRENCE_LIVE") == "1"
    return front_end and importlib.util.find_spec("ipywidgets") is not None


def _exact_game(game, what):
    """A two-player game with numbers: symbolic games are shown at their default values.

    >>> import deterrence as dt
    >>> _exact_game(dt.load_game("chicken"), "a plot").kind
    'exact'
    """
    if getattr(game, "n_players", None) != 2:
        raise GameError(f"{what} needs a two-player game; this one has "
                        f"{getattr(game, 'n_players', '?')} players")
    return game.with_defaults() if game.is_symbolic else game


def _text_colour(rgba) -> str:
    """Black on light cells, white on dark ones (relative luminance, WCAG weights).

    >>> _text_colour((1.0, 1.0, 0.8, 1.0)), _text_colour((0.6, 0.0, 0.1, 1.0))
    ('black', 'white')
    """
    r, g, b = rgba[:3]
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


# ---------------------------------------------------------------------------
# payoff tables
# ---------------------------------------------------------------------------
def _best_response_cells(A, B):
    """Cells where the row player's payoff is a best response (column-wise maximum), and
    where the column player's is (row-wise maximum): the textbook's underlined payoffs.

    >>> rows, cols = _best_response_cells(np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]]))
    >>> rows.tolist(), cols.tolist()
    ([[False, False], [True, True]], [[False, True], [False, True]])
    """
    A, B = np.asarray(A, dtype=object), np.asarray(B, dtype=object)
    rows = np.array([[A[r, c] == max(A[:, c]) for c in range(A.shape[1])] for r in range(A.shape[0])])
    cols = np.array([[B[r, c] == max(B[r, :]) for c in range(B.shape[1])] for r in range(B.shape[0])])
    return rows, cols


def _zero_centred_norm(values):
    """The colour scale of every payoff figure: symmetric about 0, so that 0 is always the
    neutral middle colour (white in ``RdBu``), losses red and gains blue, in every figure.

    >>> n = _zero_centred_norm([-10, 2])
    >>> float(n(0)), float(n(-10)), float(n(10))
    (0.5, 0.0, 1.0)
    """
    from matplotlib import colors

    half = float(np.max(np.abs(np.asarray(values, dtype=float)))) or 1.0
    return colors.CenteredNorm(vcenter=0.0, halfrange=half)


#: The colour map of payoffs: red losses, white 0, blue gains (colour-blind safe, diverging).
PAYOFF_CMAP = "RdBu"


@literal_labels
def payoff_heatmap(game, player=None, ax=None, *, cmap=PAYOFF_CMAP, fontsize=None, colorbar=True):
    """Draw a two-player payoff table as a heat map of each player's incentives.

    Rows are the first player's actions, columns the second's. With
    ``player=None`` (the default) every cell is split along its diagonal: the
    lower-left triangle is coloured by the row player's payoff and carries it,
    the upper-right triangle the column player's. A payoff marked ``*`` is a
    best response (the largest in its column for the row player, in its row
    for the column player): a cell with two stars is a pure Nash equilibrium.
    With ``player`` (name or index) the whole cell is coloured by that
    player's payoff and annotated ``"u1, u2"``. The colour scale is the same
    in every payoff figure: centred on 0 (white), losses red, gains blue.
    Annotations are exact (``"-5/2"``). Symbolic games are drawn at their
    parameters' default values.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import deterrence as dt
    >>> g = dt.NormalFormGame.from_arrays([[0, "-1/2"], [1, -10]], [[0, 1], ["-1/2", -10]],
    ...     players=["US", "Iran"], actions=[["hold", "strike"], ["hold", "strike"]])
    >>> ax = payoff_heatmap(g, player="US")
    >>> [t.get_text() for t in ax.texts]
    ['0, 0', '-1/2, 1', '1, -1/2', '-10, -10']
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('Iran', 'US')
    >>> [t.get_text() for t in payoff_heatmap(g).texts]     # (row, column) payoffs per cell
    ['0', '0', '-1/2*', '1*', '1*', '-1/2*', '-10', '-10']
    """
    game = _exact_game(game, "payoff_heatmap")
    A, B = game.payoff_arrays
    if player is None:
        values = np.array([A, B], dtype=float)
        what = "payoff (lower left: " + str(game.players[0]) + ", upper right: " + str(game.players[1]) + ")"
    else:
        i = game.player_index(player)
        values = np.array(game.payoff_arrays[i], dtype=float)
        what = f"payoff of {game.players[i]}"
    m, n = A.shape
    ax = _new_axes(ax, (1.8 + 1.6 * n, 1.2 + 1.0 * m))
    norm = _zero_centred_norm(values)
    # Long fraction labels need a smaller font in big tables.
    size = fontsize or (11 if max(m, n) <= 3 else 9)
    if player is None:
        from matplotlib.collections import PolyCollection

        rows_best, cols_best = _best_response_cells(A, B)
        triangles, colours = [], []
        for r in range(m):
            for c in range(n):
                # image coordinates: y grows downwards, so "lower left" has the larger y
                triangles.append([(c - 0.5, r - 0.5), (c - 0.5, r + 0.5), (c + 0.5, r + 0.5)])
                colours.append(values[0, r, c])
                triangles.append([(c - 0.5, r - 0.5), (c + 0.5, r - 0.5), (c + 0.5, r + 0.5)])
                colours.append(values[1, r, c])
        image = PolyCollection(triangles, array=np.array(colours), cmap=cmap, norm=norm,
                               edgecolors="white", linewidths=0.8)
        ax.add_collection(image)
        ax.set_xlim(-0.5, n - 0.5)
        ax.set_ylim(m - 0.5, -0.5)
        for r in range(m):
            for c in range(n):
                for k, (dx, dy, best) in enumerate(((-0.22, 0.2, rows_best[r, c]),
                                                    (0.22, -0.2, cols_best[r, c]))):
                    v = (A, B)[k][r, c]
                    ax.text(c + dx, r + dy, format_exact(v) + ("*" if best else ""),
                            ha="center", va="center", fontsize=size,
                            fontweight="bold" if best else "normal",
                            color=_text_colour(image.cmap(norm(values[k, r, c]))))
        ax.set_aspect("auto")
    else:
        image = ax.imshow(values, cmap=cmap, norm=norm, aspect="auto")
        for r in range(m):
            for c in range(n):
                ax.text(c, r, f"{format_exact(A[r, c])}, {format_exact(B[r, c])}",
                        ha="center", va="center", fontsize=size,
                        color=_text_colour(image.cmap(image.norm(values[r, c]))))
    ax.set_xticks(range(n), game.actions[1])
    ax.set_yticks(range(m), game.actions[0])
    # Payoff tables are read with the column player's actions on top.
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    ax.tick_params(length=0)
    ax.set_xlabel(game.players[1], fontweight="bold")
    ax.set_ylabel(game.players[0], fontweight="bold")
    ax.set_xticks(np.arange(-0.5, n, 1), minor=True)
    ax.set_yticks(np.arange(-0.5, m, 1), minor=True)
    ax.grid(which="minor", color="white", linewidth=2)
    ax.tick_params(which="minor", length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    import textwrap
    title = textwrap.fill(game.title, 48) + "\n" if game.title else "payoff table "
    note = "; * best response" if player is None else ""
    ax.set_title(f"{title}(colour: {what}{note})" if player is not None else
                 f"{title}(lower left: {game.players[0]}, upper right: {game.players[1]}{note})",
                 fontsize=10, pad=8)
    if colorbar:
        lo, hi = float(values.min()), float(values.max())
        bar = ax.figure.colorbar(image, ax=ax, label="payoff" if player is None else what, shrink=0.9)
        bar.ax.set_ylim(lo if lo < 0 else 0.0, hi if hi > 0 else 0.0)   # only the payoffs there are
        # 0 always, and each end unless it would print over the 0
        ticks = sorted({0.0} | {t for t in (lo, hi) if abs(t) > 0.08 * ((hi - lo) or 1.0)})
        bar.set_ticks(ticks, labels=[f"{t:g}" for t in ticks])
    return ax


# ---------------------------------------------------------------------------
# best responses of 2x2 games
# ---------------------------------------------------------------------------
def _br_segments(d0, d1, horizontal):
    """Segments of one player's best-response correspondence in (p, q) space.

    The player's gain from the first action over the second is the linear
    function ``d(t) = d0 + (d1 - d0) t`` of the opponent's probability ``t``.
    Where ``d > 0`` the best response is 1, where ``d < 0`` it is 0, and
    where ``d = 0`` it is the whole interval. Returns (segments, indifferent
    everywhere?) with exact breakpoints; ``horizontal`` swaps the coordinates
    so that the player's own probability is on the right axis.

    >>> segs, flat = _br_segments(-1, 1, horizontal=True)   # indifferent at t = 1/2
    >>> [((float(a), float(b)), (float(c), float(d))) for (a, b), (c, d) in segs]
    [((0.0, 0.0), (0.0, 0.5)), ((1.0, 0.5), (1.0, 1.0)), ((0.0, 0.5), (1.0, 0.5))]
    >>> _br_segments(0, 0, horizontal=False)
    ([], True)
    """
    d0, d1 = Fraction(d0), Fraction(d1)
    if d0 == 0 and d1 == 0:
        return [], True
    breaks = {Fraction(0), Fraction(1)}
    if d0 != d1:
        root = d0 / (d0 - d1)
        if 0 <= root <= 1:
            breaks.add(root)
    breaks = sorted(breaks)
    segs = []
    for t0, t1 in zip(breaks, breaks[1:]):
        mid = (t0 + t1) / 2
        best = 1 if d0 + (d1 - d0) * mid > 0 else 0
        segs.append(((best, t0), (best, t1)))
    for t in breaks:
        if d0 + (d1 - d0) * t == 0:
            segs.append(((0, t), (1, t)))   # indifferent: every own mixture is a best response
    if not horizontal:
        segs = [tuple((b, a) for a, b in s) for s in segs]
    return segs, False


@literal_labels
def best_response_diagram(game, ax=None, *, result=None, annotate=True):
    """Draw both players' best-response correspondences of a 2×2 game, equilibria marked.

    ``p`` (horizontal) is the probability that the row player plays its
    first action, ``q`` (vertical) the probability that the column player
    plays its first action. The equilibria are where the two correspondences
    cross; they come from ``result`` or, by default, ``dt.solve(game)`` (all
    equilibria, exact). A continuum of equilibria (a clique with several
    extreme points) is drawn as the segment or rectangle joining them. A mixed equilibrium
    within 1/10 of the frame is magnified in an inset, with any equilibrium just beside its
    window; the points of the magnified window are labelled there, and the other labels keep
    clear of the inset and of its lines.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import deterrence as dt
    >>> mp = dt.NormalFormGame.zero_sum([[1, -1], [-1, 1]], actions=[["H", "T"], ["H", "T"]])
    >>> ax = best_response_diagram(mp)
    >>> ax.get_xlabel()
    'p = P(Row plays H)'
    >>> [t.get_text() for t in ax.texts]
    ['(1/2, 1/2)']
    """
    from matplotlib.patches import Polygon as MplPolygon, Rectangle

    game = _exact_game(game, "best_response_diagram")
    if game.shape != (2, 2):
        raise GameError(f"best_response_diagram needs a 2×2 game; this one is "
                        f"{game.shape[0]}×{game.shape[1]}")
    A, B = game.payoff_arrays
    ax = _new_axes(ax, (5.2, 5.0))
    rows, cols = game.actions
    # Row's gain from its first action, as a function of q (q=0: column plays its second).
    row_segs, row_flat = _br_segments(A[0, 1] - A[1, 1], A[0, 0] - A[1, 0], horizontal=True)
    # Column's gain from its first action, as a function of p.
    col_segs, col_flat = _br_segments(B[1, 0] - B[1, 1], B[0, 0] - B[0, 1], horizontal=False)
    styles = [(row_segs, row_flat, _PALETTE[0], "-", f"{game.players[0]}'s best response"),
              (col_segs, col_flat, _PALETTE[1], "--", f"{game.players[1]}'s best response")]
    for segs, flat, colour, ls, label in styles:
        if flat:
            # Indifferent whatever the opponent does: every point is a best response.
            ax.add_patch(Rectangle((0, 0), 1, 1, facecolor=colour, alpha=0.15,
                                   edgecolor=colour, hatch="//", label=label + " (everything)"))
            continue
        for k, ((x0, y0), (x1, y1)) in enumerate(segs):
            ax.plot([float(x0), float(x1)], [float(y0), float(y1)], color=colour, linestyle=ls,
                    linewidth=3 if ls == "-" else 2.5, solid_capstyle="round",
                    label=label if k == 0 else None)

    if result is None:
        from deterrence.solvers import solve
        result = solve(game)
    points = [(eq.strategies[0][0], eq.strategies[1][0]) for eq in result.equilibria]
    cliques = [c for c in (result.cliques or ()) if len(c) > 1]
    for c in cliques:
        hull = convex_hull([points[k] for k in c])
        xy = [(float(x), float(y)) for x, y in hull]
        if len(xy) == 2:
            ax.plot(*zip(*xy), color=_PALETTE[4], linewidth=9, alpha=0.6, zorder=3,
                    label="continuum of equilibria" if c is cliques[0] else None)
        else:
            ax.add_patch(MplPolygon(xy, closed=True, color=_PALETTE[4], alpha=0.5, zorder=3,
                                    label="continuum of equilibria" if c is cliques[0] else None))
    if points:
        ax.scatter([float(x) for x, _ in points], [float(y) for _, y in points], s=90,
                   color="black", edgecolor="white", zorder=5, label="Nash equilibria")
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_aspect("equal")
    ax.set_xlabel(f"p = P({game.players[0]} plays {rows[0]})")
    ax.set_ylabel(f"q = P({game.players[1]} plays {cols[0]})")
    ax.set_xticks([0, 0.5, 1], ["0", "1/2", "1"])
    ax.set_yticks([0, 0.5, 1], ["0", "1/2", "1"])
    ax.grid(alpha=0.3)
    import textwrap
    ax.set_title(textwrap.fill(game.title or "best responses", 45), fontsize=10)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=2, fontsize=8, frameon=False)
    # A mixed equilibrium close to the edge (a costly war makes the aggressive action rare)
    # puts both correspondences along the frame: magnify its corner in an inset.
    near = [(x, y) for x, y in points if 0 < x < 1 and 0 < y < 1
            and min(x, 1 - x, y, 1 - y) < Fraction(1, 10)]
    magnified, avoid = [], {}
    if near:
        x, y = near[0]
        width = max(4 * float(min(x, 1 - x, y, 1 - y)), 0.02)
        (left, right), (bottom, top) = _magnified_range(float(x), width), _magnified_range(float(y), width)
        left, right, bottom, top = _take_in_neighbours(points, (left, right, bottom, top), width)
        cx, cy = (left + right) / 2, (bottom + top) / 2
        inset = ax.inset_axes([0.22, 0.22, 0.5, 0.5])
        for segs, _flat, colour, ls, _ in styles:
            for (x0, y0), (x1, y1) in segs:
                inset.plot([float(x0), float(x1)], [float(y0), float(y1)], color=colour, linestyle=ls,
                           linewidth=3 if ls == "-" else 2.5)
        inset.scatter([float(a) for a, _ in points], [float(b) for _, b in points], s=60,
                      color="black", edgecolor="white", zorder=5)
        # The points in the magnified window are labelled in the inset only: on the main axes
        # their labels would cross the window's outline and the lines to the inset.
        magnified = [(a, b) for a, b in points if left <= a <= right and bottom <= b <= top]
        if annotate:
            for a, b in magnified:
                # The label goes to the side of the point with more room, clear of the tick labels.
                rightward = float(a) < cx
                upper = float(b) < cy
                inset.annotate(f"({format_exact(a)}, {format_exact(b)})", (float(a), float(b)),
                               xytext=(6 if rightward else -6, 8 if upper else -10), textcoords="offset points",
                               fontsize=8, ha="left" if rightward else "right", va="bottom" if upper else "top")
        inset.set_xlim(left, right)
        inset.set_ylim(bottom, top)
        inset.tick_params(labelsize=_SMALLEST_POINTS)
        inset.set_facecolor("white")
        inset.set_title("magnified", fontsize=_SMALLEST_POINTS)
        avoid = dict(inset=inset, indicator=ax.indicate_inset_zoom(inset, edgecolor="0.3"))
    if annotate:
        _label_equilibria(ax, [pt for pt in points if pt not in magnified], **avoid)
    return ax


def _magnified_range(c: float, width: float) -> tuple:
    """The range of one axis that an inset magnifies around ``c``: ``width`` wide and inside
    [0, 1], or, where it would stop short of the frame by less than a quarter of its width,
    reaching past the frame by a twentieth of its width (as the main axes do). A pure
    equilibrium at the frame beside the mixed one is then magnified too, instead of having its
    label wedged under the window's outline (the reduced US-Iran game's war at (0, 0), 1/50
    under the window around its mixed equilibrium (1/25, 1/10)).

    >>> [round(v, 3) for v in _magnified_range(0.1, 0.16)]      # would stop 0.02 short of 0
    [-0.008, 0.152]
    >>> [round(v, 3) for v in _magnified_range(0.5, 0.2)], [round(v, 3) for v in _magnified_range(0.99, 0.04)]
    ([0.4, 0.6], [0.962, 1.002])
    """
    lo = min(max(c - width / 2, 0.0), 1 - width)
    if lo < width / 4:
        lo = -width / 20
    elif 1 - (lo + width) < width / 4:
        lo = 1 + width / 20 - width
    return lo, lo + width


def _take_in_neighbours(points, window, width: float) -> tuple:
    """The magnified ``window`` ``(left, right, bottom, top)`` stretched to take in each point
    within one and a half times ``width`` of it, and a twentieth of ``width`` around it.
    Outside, such a point's label had no room clear of the window's outline and the lines to
    the inset (a pure equilibrium at the frame 1/28 below the window around (91/92, 3/55), and
    about 5 in 4,000 random games like it). The diagram's lines are horizontal and vertical,
    so stretching one axis of the inset more than the other distorts nothing. (Points on the
    frame just inside the window get their margin from :func:`_magnified_range`.)

    >>> from fractions import Fraction as F
    >>> [round(v, 3) for v in _take_in_neighbours([(F(91, 92), F(3, 55)), (1, 0)],
    ...                                            (0.962, 1.002, 0.035, 0.075), 0.04)]
    [0.962, 1.002, -0.002, 0.075]
    >>> _take_in_neighbours([(0, 1)], (0.5, 0.6, 0.5, 0.6), 0.1)       # too far: unchanged
    (0.5, 0.6, 0.5, 0.6)
    """
    x0, x1, y0, y1 = left, right, bottom, top = window
    pad, reach = width / 20, 1.5 * width      # measured from the window as given, not as it grows
    for a, b in points:
        a, b = float(a), float(b)
        inside = x0 <= a <= x1 and y0 <= b <= y1
        if not inside and x0 - reach <= a <= x1 + reach and y0 - reach <= b <= y1 + reach:
            left, right = min(left, a - pad), max(right, a + pad)
            bottom, top = min(bottom, b - pad), max(top, b + pad)
    return left, right, bottom, top


def _inset_lines(indicator) -> tuple:
    """The outline of the magnified window and the lines to the inset that ``indicator`` (what
    ``Axes.indicate_inset_zoom`` returned) draws: an ``InsetIndicator`` since matplotlib 3.10,
    the pair (outline, lines) before.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = _new_axes(None, (3, 3))
    >>> inset = ax.inset_axes([0.5, 0.5, 0.4, 0.4]); _ = inset.set_xlim(0, 0.1), inset.set_ylim(0, 0.1)
    >>> outline, lines = _inset_lines(ax.indicate_inset_zoom(inset))
    >>> type(outline).__name__, len(lines)
    ('Rectangle', 4)
    """
    if hasattr(indicator, "connectors"):
        return indicator.rectangle, tuple(indicator.connectors)
    outline, lines = indicator
    return outline, tuple(lines)


def _label_equilibria(ax, points, inset=None, indicator=None) -> None:
    """Write each point's exact coordinates ``(p, q)`` beside it on the unit square of ``ax``.

    The label goes to the corner of its point toward the middle of the square (so it stays
    inside). With an ``inset`` (Axes) and the ``indicator`` of the window it magnifies, that
    corner is kept only when the label's box there stays in the axes, clear of the inset (with
    its tick labels and title), of the window's outline and the lines to the inset, of the
    other points and of the labels placed before; otherwise the label goes to the first of the
    other three corners (on the same side first) where it is clear, preferring one outside the
    window too (a label there would seem to belong to what the inset magnifies), and to the
    first corner when none is clear. Boxes are measured with the figure's renderer; a canvas
    that cannot measure keeps the first corner. Without an inset nothing is measured, so the
    figure is not laid out early (an extra pass of a constrained layout moves the axes by a
    few pixels: figures without an inset stay exactly as they were).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = _new_axes(None, (3, 3))
    >>> _ = ax.set_xlim(-0.05, 1.05), ax.set_ylim(-0.05, 1.05)
    >>> block = ax.inset_axes([0.5, 0.5, 0.4, 0.4])      # up and to the right of (1/2, 1/2)
    >>> block.set_axis_off()                              # (no tick labels beside it)
    >>> _label_equilibria(ax, [(Fraction(1, 2), Fraction(1, 2))], inset=block)
    >>> label, = ax.texts
    >>> label.get_text(), label.xyann, label.get_ha()    # under the point, not on the inset
    ('(1/2, 1/2)', (8, -12), 'left')
    """
    from matplotlib.transforms import Bbox

    renderer = None
    if inset is not None:
        ax.set_xlim(ax.get_xlim())
        ax.set_ylim(ax.get_ylim())
        ax.figure.draw_without_rendering()   # runs the layout engine and places the indicator's lines
        get_renderer = getattr(ax.figure.canvas, "get_renderer", None)
        renderer = get_renderer() if get_renderer is not None else None   # only Agg-like canvases measure
    pixels = ax.figure.dpi / 72          # per point
    pad = 0.2 * 9 * pixels               # the white box around a label's text (pad 0.2, 9 pt)
    if renderer is not None:
        frame = ax.get_window_extent(renderer)
        taken = [inset.get_tightbbox(renderer)]
        outline, connectors = _inset_lines(indicator) if indicator is not None else (None, ())
        lines = [patch.get_path().transformed(patch.get_transform())
                 for patch in (outline, *connectors) if patch is not None and patch.get_visible()]
        window = outline.get_window_extent(renderer) if outline is not None else None
        radius = 5 * pixels              # the equilibria's dots (s=90: 4.7 points from centre to edge)
        dots = {}
        for x, y in points:
            px, py = ax.transData.transform((float(x), float(y)))
            dots[(x, y)] = Bbox.from_extents(px - radius, py - radius, px + radius, py + radius)

    def badness(box, point):
        """0: clear; 1: clear but inside the magnified window; 2: in the way of something."""
        if not (frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)) \
                or any(box.overlaps(b) for b in taken) \
                or any(box.overlaps(b) for other, b in dots.items() if other != point) \
                or any(line.intersects_bbox(box, filled=False) for line in lines):
            return 2
        return 1 if window is not None and box.overlaps(window) else 0

    def put(label, corner):
        """Move ``label`` to ``corner``; its box with the white pad, in pixels."""
        label.xyann = corner
        label.set_ha("right" if corner[0] < 0 else "left")
        return label.get_window_extent(renderer).padded(pad)

    flip = {8: -12, -12: 8}              # above the point: baseline 8 points up; below: 12 down
    for x, y in points:
        dx, dy = -8 if x > Fraction(1, 2) else 8, -12 if y > Fraction(1, 2) else 8
        corners = [(dx, dy), (dx, flip[dy]), (-dx, dy), (-dx, flip[dy])]
        label = ax.annotate(f"({format_exact(x)}, {format_exact(y)})", (float(x), float(y)),
                            xytext=corners[0], textcoords="offset points", fontsize=9,
                            ha="right" if dx < 0 else "left", zorder=6,
                            bbox=dict(boxstyle="round,pad=0.2", fc="white", ec="none", alpha=0.8))
        if renderer is None:
            continue
        ranks = [badness(put(label, corner), (x, y)) for corner in corners]
        taken.append(put(label, corners[ranks.index(min(ranks))]))     # all in the way: the first


@literal_labels
def payoff_polygon(vertices, ax=None, label=None, **kw):
    """Draw a convex payoff set given by its vertices (a polygon, a segment or a point).

    ``vertices`` is a sequence of ``(x, y)`` pairs (exact or float) in order
    around the boundary, or any object with a ``vertices`` attribute (such as
    :class:`deterrence.solvers.repeated.folk.Polygon`). Keyword arguments go to the
    matplotlib patch (``color``, ``alpha``, ``hatch``, ...).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = payoff_polygon([(0, 0), (3, 0), (0, 3)], label="feasible", color="grey")
    >>> len(ax.patches), ax.patches[0].get_label()
    (1, 'feasible')
    """
    from matplotlib.patches import Polygon as MplPolygon

    vertices = getattr(vertices, "vertices", vertices)
    xy = np.array([[float(x), float(y)] for x, y in vertices], dtype=float).reshape(-1, 2)
    ax = _new_axes(ax, (5.5, 5.0))
    colour = kw.pop("color", kw.pop("facecolor", _PALETTE[0]))
    if len(xy) == 0:
        return ax
    if len(xy) == 1:
        ax.plot(xy[:, 0], xy[:, 1], "o", color=colour, label=label, markersize=9,
                **{k: v for k, v in kw.items() if k in ("alpha", "zorder")})
    elif len(xy) == 2:
        ax.plot(xy[:, 0], xy[:, 1], "-", color=colour, label=label, linewidth=4,
                **{k: v for k, v in kw.items() if k in ("alpha", "zorder")})
    else:
        kw.setdefault("alpha", 0.35)
        kw.setdefault("edgecolor", colour)
        kw.setdefault("linewidth", 1.5)
        ax.add_patch(MplPolygon(xy, closed=True, facecolor=colour, label=label, **kw))
    ax.update_datalim(xy)
    ax.autoscale_view()
    return ax


@literal_labels
def payoff_sets(game, delta=None, ax=None, *, mixed=True, label_points=True, zoom=None,
                zoom_position=(0.56, 0.06, 0.4, 0.4)):
    """Draw the folk-theorem picture of a two-player game's repeated play.

    Layers: the feasible set (convex hull of the pure payoff pairs), the
    individually rational part of it (each player gets at least the minmax
    value, drawn as dashed lines), the pure payoff pairs labelled by their
    action profiles, and, when ``delta`` is given, the equilibrium payoff set
    at that discount factor
    (:func:`deterrence.solvers.repeated.payoff_set.equilibrium_payoff_set`).

    ``zoom=((x0, x1), (y0, y1))`` adds an inset that magnifies that window
    (at ``zoom_position``, in axes fractions), for outcomes crammed into a
    corner of the picture: their labels are drawn in the inset, not on the
    main axes, and the window is outlined on the main axes.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import deterrence as dt
    >>> pd = dt.NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
    ...     players=["US", "Iran"], actions=[["hold", "strike"]] * 2)
    >>> ax = payoff_sets(pd)
    >>> ax.get_xlabel(), [p.get_label() for p in ax.patches]
    ('payoff of US', ['feasible payoffs', 'individually rational'])
    >>> ax = payoff_sets(pd, zoom=((2.5, 5.5), (-0.5, 3.5)))
    >>> inset = ax.child_axes[0]
    >>> sorted(t.get_text() for t in inset.texts)
    ['(hold, hold)', '(strike, hold)']
    """
    game = _exact_game(game, "payoff_sets")
    ax = _new_axes(ax, (6.0, 5.5))
    A, B = game.payoff_arrays
    points = [(A[idx], B[idx]) for idx in np.ndindex(A.shape)]
    profiles = [(game.actions[0][i], game.actions[1][j]) for i, j in np.ndindex(A.shape)]
    feasible = feasible_set(game).vertices
    minmax = minmax_values(game, mixed=mixed).values
    rational = individually_rational_set(game, mixed=mixed).vertices
    equilibrium = _equilibrium_set(game, delta) if delta is not None else None
    kind = "mixed" if mixed else "pure"

    def layers(target, legend_labels):
        payoff_polygon(feasible, ax=target, label="feasible payoffs" if legend_labels else None,
                       color="#bbbbbb", alpha=0.45)
        payoff_polygon(rational, ax=target, label="individually rational" if legend_labels else None,
                       color=_PALETTE[3], alpha=0.45)
        if equilibrium is not None:
            payoff_polygon(equilibrium, ax=target, color=_PALETTE[0], alpha=0.55, hatch="..",
                           label=f"equilibrium payoffs at δ = {format_exact(delta)}" if legend_labels else None)
        target.axvline(float(minmax[0]), color="black", linestyle="--", linewidth=1,
                       label=(f"minmax ({kind}): {game.players[0]} {format_exact(minmax[0])}, "
                              f"{game.players[1]} {format_exact(minmax[1])}") if legend_labels else None)
        target.axhline(float(minmax[1]), color="black", linestyle="--", linewidth=1)
        target.scatter([float(x) for x, _ in points], [float(y) for _, y in points], color="black",
                       s=20, zorder=5, label="pure outcomes" if legend_labels else None)

    layers(ax, True)
    ax.margins(0.12)
    ax.set_xlabel(f"payoff of {game.players[0]}")
    ax.set_ylabel(f"payoff of {game.players[1]}")
    ax.grid(alpha=0.3)
    ax.set_title(f"{game.title or 'payoff sets'}" + (f", δ = {format_exact(delta)}" if delta is not None else ""),
                 fontsize=10)
    inside = [False] * len(points)
    if zoom is not None:
        (x0, x1), (y0, y1) = [(float(lo), float(hi)) for lo, hi in zoom]
        inside = [x0 <= float(x) <= x1 and y0 <= float(y) <= y1 for x, y in points]
        ax.margins(0.12)
        ax.autoscale_view()
        ax.set_xlim(ax.get_xlim())
        ax.set_ylim(ax.get_ylim())
        inset = ax.inset_axes(list(zoom_position))
        layers(inset, False)
        inset.set_xlim(x0, x1)
        inset.set_ylim(y0, y1)
        inset.tick_params(labelsize=_SMALLEST_POINTS)
        inset.grid(alpha=0.3)
        inset.set_facecolor("white")
        ax.indicate_inset_zoom(inset, edgecolor="0.3")
        if label_points:
            _label_points(inset, [p for p, k in zip(points, inside) if k],
                          [q for q, k in zip(profiles, inside) if k], keep_limits=True)
    # Labels last: their placement measures the final layout.
    if label_points:
        _label_points(ax, [p for p, k in zip(points, inside) if not k],
                      [q for q, k in zip(profiles, inside) if not k])
    if zoom is None:
        ax.legend(fontsize=8, loc="best")
    else:
        _legend_clear_of(ax, points, fontsize=8)
    return ax


def _legend_clear_of(ax, points, **legend):
    """The axes' legend in the first corner or side where it covers no point, no label and no
    inset (``loc="best"`` weighs lines and patches, not texts or an inset: a fixed upper left hid
    the prisoner's dilemma's (C, D), point and label, under the legend); upper left when every
    place covers something.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = _new_axes(None, (4, 3))
    >>> _ = ax.plot([0, 1], [0, 1], label="a line")
    >>> _ = ax.scatter([0.02], [0.98])
    >>> _legend_clear_of(ax, [(0.02, 0.98)])._loc != 2       # not the upper left (code 2)
    True
    """
    from matplotlib.transforms import Bbox
    ax.figure.draw_without_rendering()
    renderer = getattr(ax.figure.canvas, "get_renderer", lambda: None)()
    if renderer is None:
        return ax.legend(loc="upper left", **legend)
    obstacles = [t.get_window_extent(renderer) for t in ax.texts if t.get_visible() and t.get_text().strip()]
    obstacles += [inset.get_window_extent(renderer) for inset in ax.child_axes]
    for x, y in points:
        px, py = ax.transData.transform((float(x), float(y)))
        obstacles.append(Bbox.from_extents(px - 4, py - 4, px + 4, py + 4))
    for loc in ("upper left", "upper right", "lower left", "lower right", "center left", "center right",
                "upper center", "lower center"):
        box = ax.legend(loc=loc, **legend).get_window_extent(renderer)
        if not any(box.overlaps(o) for o in obstacles):
            return ax.get_legend()
    return ax.legend(loc="upper left", **legend)


def _label_points(ax, points, profiles, keep_limits=False):
    r"""Label payoff points with their action profiles, avoiding overlapping labels.

    Profiles with the same payoff pair share one label. Each label tries a
    few positions around its point (right, left, above, below) and keeps the
    first whose box overlaps no label placed before (greedy, measured with
    the figure's renderer); the axis limits are fixed first so boxes are final.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = _new_axes(None, (4, 3))
    >>> _label_points(ax, [(0, 0), (0, 0), (1, 1)], [("a", "b"), ("b", "a"), ("c", "c")])
    >>> sorted(t.get_text() for t in ax.texts)
    ['(a, b)\n(b, a)', '(c, c)']
    """
    names = {}
    for pt, prof in zip(points, profiles):
        names.setdefault(pt, []).append("(" + ", ".join(prof) + ")")
    if not keep_limits:
        ax.margins(0.12)
        ax.autoscale_view()
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    ax.figure.draw_without_rendering()   # run the layout engine, so positions are final
    get_renderer = getattr(ax.figure.canvas, "get_renderer", None)
    renderer = get_renderer() if get_renderer is not None else None   # only Agg-like canvases measure text
    near = [((5, 3), "left", "bottom"), ((5, -3), "left", "top"), ((-5, 3), "right", "bottom"),
            ((-5, -3), "right", "top"), ((0, 7), "center", "bottom"), ((0, -7), "center", "top")]
    # Farther positions, joined to their point by a thin leader line, for crowded clusters.
    far = [((dx * r, dy * r), "left" if dx > 0 else "right" if dx < 0 else "center",
            "bottom" if dy > 0 else "top" if dy < 0 else "center")
           for r in (16, 28) for dx, dy in ((1, 1), (1, -1), (-1, 1), (-1, -1), (0, 1), (0, -1), (1.5, 0), (-1.5, 0))]
    candidates = near + far
    boxes, markers = [], {}
    frame = ax.get_window_extent(renderer) if renderer is not None else None
    if renderer is not None:
        # the markers themselves are obstacles too: a label must not cover another point
        from matplotlib.transforms import Bbox
        for x, y in names:
            px, py = ax.transData.transform((float(x), float(y)))
            markers[(x, y)] = Bbox.from_extents(px - 3, py - 3, px + 3, py + 3)
    for (x, y), labs in sorted(names.items(), key=lambda kv: (-kv[0][1], kv[0][0])):
        others = [b for pt, b in markers.items() if pt != (x, y)]
        for k, (offset, ha, va) in enumerate(candidates):
            leader = dict(arrowstyle="-", color="grey", linewidth=0.6) if k >= len(near) else None
            text = ax.annotate("\n".join(labs), (float(x), float(y)), xytext=offset,
                               textcoords="offset points", fontsize=_SMALLEST_POINTS, zorder=6, ha=ha, va=va,
                               arrowprops=leader)
            if renderer is None:
                break
            box = text.get_window_extent(renderer).padded(2)
            inside = frame.contains(box.x0, box.y0) and frame.contains(box.x1, box.y1)
            if inside and not any(box.overlaps(b) for b in boxes + others):
                boxes.append(box)
                break
            text.remove()
        else:   # nowhere free: the first position, overlaps and all
            ax.annotate("\n".join(labs), (float(x), float(y)), xytext=near[0][0],
                        textcoords="offset points", fontsize=_SMALLEST_POINTS, zorder=6, ha=near[0][1],
                        va=near[0][2])


def _equilibrium_set(game, delta):
    """The equilibrium payoff set at ``delta`` (a polygon, segment or point), as vertices.

    >>> import deterrence as dt
    >>> pd = dt.NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> len(_equilibrium_set(pd, "3/4")) >= 3
    True
    """
    from deterrence.solvers.repeated.payoff_set import equilibrium_payoff_set

    found = equilibrium_payoff_set(game, delta)
    found = getattr(found, "polygon", found)
    return list(getattr(found, "vertices", found))


def _plain(value):
    """An integer-valued Fraction as an int, so exact points print as they would be written.

    >>> _plain(Fraction(4, 2)), _plain(Fraction(1, 2))
    (2, Fraction(1, 2))
    """
    return value.numerator if isinstance(value, Fraction) and value.denominator == 1 else value


# ---------------------------------------------------------------------------
# repeated play: critical discount factors and regime maps
# ---------------------------------------------------------------------------
def _as_floats(values):
    """Floats (exact strings such as ``"2/3"`` allowed), with None (no critical value) as +inf.

    >>> _as_floats(["1/2", Fraction(1, 4), None, 2]).tolist()
    [0.5, 0.25, inf, 2.0]
    """
    return np.array([math.inf if v is None else float(Fraction(v) if isinstance(v, str) else v)
                     for v in values], dtype=float)


def _runs(mask):
    """Index ranges ``(start, stop)`` of the maximal runs of True in ``mask``.

    >>> _runs([True, True, False, True, False, False])
    [(0, 2), (3, 4)]
    """
    out, start = [], None
    for k, m in enumerate(list(mask) + [False]):
        if m and start is None:
            start = k
        elif not m and start is not None:
            out.append((start, k))
            start = None
    return out


@literal_labels
def critical_delta_curve(param_values, deltas, ax=None, xlabel="parameter",
                         ylabel="critical discount factor δ*", label="δ*", shade=True):
    """Plot the critical discount factor δ* against a parameter, shading where restraint holds.

    Restraint is an equilibrium of the repeated game when the players weigh
    the future at least δ*: the region above the curve (and below 1). A δ*
    of None (or above 1) means restraint is not subgame perfect for any δ at
    that parameter value: the curve and the shading stop there (nothing is
    interpolated across such a point), and the sampled values without a δ*
    are covered by a grey hatched band "no δ* (never subgame perfect)". The
    band covers only those values: between the last value without a δ* and
    the next value with one, the boundary is not known from the samples, and
    that stretch is left blank (include the exact boundary in
    ``param_values`` to close it).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = critical_delta_curve([10, 20, 50], ["2/3", "1/2", "1/5"], xlabel="W_iran")
    >>> ax.get_xlabel(), [float(v) for v in ax.get_ylim()]
    ('W_iran', [0.0, 1.0])
    >>> ax = critical_delta_curve([1, 2, 3, 4], [None, "3/4", "3/5", "1/2"])
    >>> [p.get_label() for p in ax.patches]
    ['no δ* (never subgame perfect)']
    """
    from matplotlib.patches import Rectangle

    x = _as_floats(param_values)
    d = _as_floats(deltas)
    if x.shape != d.shape:
        raise GameError(f"{len(x)} parameter values but {len(d)} critical discount factors")
    if x.size == 0:
        raise GameError("no parameter values to plot")
    order = np.argsort(x, kind="stable")
    x, d = x[order], d[order]
    ax = _new_axes(ax, (6.0, 4.0))
    ok = np.isfinite(d) & (d <= 1)
    shown = np.where(ok, np.clip(d, 0, 1), np.nan)
    runs = _runs(ok)
    if shade:
        for k, (a, b) in enumerate(runs):
            xs, ys = x[a:b], shown[a:b]
            if b - a == 1:      # an isolated point: a thin column, so it is still visible
                ax.vlines(xs[0], ys[0], 1.0, color=REGIME_COLORS[0], linewidth=4, alpha=0.5)
                ax.vlines(xs[0], 0.0, ys[0], color=REGIME_COLORS[2], linewidth=4, alpha=0.3)
                continue
            ax.fill_between(xs, ys, 1.0, color=REGIME_COLORS[0], alpha=0.3,
                            label="restraint sustainable (δ ≥ δ*)" if k == 0 else None)
            ax.fill_between(xs, 0.0, ys, color=REGIME_COLORS[2], alpha=0.15,
                            label="restraint breaks down (δ < δ*)" if k == 0 else None)
    # Missing δ*: hatched exactly over the sampled values that have none. Between the last
    # value without a δ* and the next value with one the boundary is unknown: left blank,
    # never claimed for either side (sample more finely, or mark the exact boundary).
    first = True
    span = float(x[-1] - x[0]) or 1.0
    for a, b in _runs(~ok):
        left, right = x[a], x[b - 1]
        if right == left:       # a single missing value: a thin band, so it is still visible
            left, right = left - span / 200, right + span / 200
        ax.add_patch(Rectangle((left, 0.0), right - left, 1.0, facecolor="0.85", edgecolor="0.45",
                               hatch="///", linewidth=0, alpha=0.8, zorder=0.5,
                               label="no δ* (never subgame perfect)" if first else None))
        first = False
    # NaN breaks the line: no segment joins a value across a missing one.
    ax.plot(x, shown, color="black", marker="o", markersize=3, linewidth=2, label=label)
    ax.set_ylim(0.0, 1.0)
    lo, hi = float(x[0]), float(x[-1])
    ax.set_xlim(lo, hi if hi > lo else lo + 1)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="best")
    return ax


@literal_labels
def deterrence_map(values, x, y, ax=None, regimes=None, *, xlabel="x", ylabel="y",
                   war_risk=None, risk_levels=(0.01, 0.05, 0.2), colors=None, title=None, legend_title=None):
    """Draw a 2-D map of regimes (mutual restraint, exchange every round, escalation/war).

    ``values[i][j]`` is the regime at ``(x[j], y[i])``: either a code (index
    into ``regimes``) or a regime name. ``regimes`` defaults to
    :data:`REGIMES`. ``war_risk``, an array of the same shape, adds labelled
    contour lines of the probability of war. ``legend_title`` heads the legend
    of the regimes (e.g. how they were classified). The legend lists the regimes the map
    shows, each in its colour: a regime absent from this map has no entry (its colour
    stays its own, so that maps of one figure agree).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = deterrence_map([[0, 1], [1, 2]], x=[10, 50], y=[0.5, 0.9],
    ...                     xlabel="W_iran", ylabel="δ")
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['mutual restraint', 'exchange every round', 'escalation/war']
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    regimes = tuple(REGIMES if regimes is None else regimes)
    colours = tuple(colors or (REGIME_COLORS if len(regimes) <= 3 else _PALETTE))[:len(regimes)]
    raw = np.asarray(values, dtype=object)
    if raw.ndim != 2:
        raise GameError(f"values must be a 2-D array of regimes, got {raw.ndim} dimension(s)")
    codes = np.empty(raw.shape, dtype=float)
    for idx, v in np.ndenumerate(raw):
        if isinstance(v, str):
            if v not in regimes:
                raise GameError(f"unknown regime {v!r}; regimes are {', '.join(regimes)}")
            codes[idx] = regimes.index(v)
        else:
            if not 0 <= int(v) < len(regimes):
                raise GameError(f"regime code {v} out of range 0..{len(regimes) - 1}")
            codes[idx] = int(v)
    x, y = _as_floats(x), _as_floats(y)
    if codes.shape != (len(y), len(x)):
        raise GameError(f"values has shape {codes.shape}, expected (len(y), len(x)) = {(len(y), len(x))}")
    ax = _new_axes(ax, (6.5, 4.8))
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(-0.5, len(regimes)), cmap.N)
    ax.pcolormesh(x, y, codes, cmap=cmap, norm=norm, shading="nearest")
    if war_risk is not None:
        risk = np.asarray(war_risk, dtype=float)
        if risk.shape != codes.shape:
            raise GameError(f"war_risk has shape {risk.shape}, values {codes.shape}: they must match")
        levels = [lv for lv in risk_levels if risk.min() < lv < risk.max()]
        if levels and min(codes.shape) >= 2:
            cs = ax.contour(x, y, risk, levels=levels, colors="black", linewidths=1)
            ax.clabel(cs, fmt=lambda v: f"P(war) {v:g}", fontsize=_SMALLEST_POINTS)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title, fontsize=10)
    # only the regimes drawn here: panels of one figure listed a regime that two of them did
    # not show (notebook 06, a review of the figures)
    shown = set(np.unique(codes).astype(int).tolist())
    handles = [Patch(facecolor=c, edgecolor="black", label=r)
               for k, (r, c) in enumerate(zip(regimes, colours)) if k in shown]
    _legend_below(ax, handles, legend_title)
    return ax


def _legend_below(ax, handles, title=None):
    """The legend of a map, below its axes: one row when the labels are short, else one a row.

    Below the map and in one column for long names, so that no label is cut at the
    figure's edge (a row of three 40-letter names is wider than the figure).
    """
    labels = [h.get_label() for h in handles]
    ncol = len(handles) if sum(len(t) for t in labels) <= 60 else 1
    ax.legend(handles=handles, labels=labels, loc="upper center", bbox_to_anchor=(0.5, -0.14),
              ncol=ncol, fontsize=8, frameon=False, title=title, title_fontsize=8)


@literal_labels
def add_to_legend(ax, *artists):
    """Add labelled artists (a marker for the model, tipping-point bars) to a map's legend.

    The legend keeps its place below the map and its title; each artist's label is its entry.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = deterrence_map([[0, 1], [1, 2]], x=[10, 50], y=[0.5, 0.9])
    >>> star, = ax.plot([10], [0.5], marker="*", linestyle="none", label="the model")
    >>> ax = add_to_legend(ax, star)
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['mutual restraint', 'exchange every round', 'escalation/war', 'the model']
    """
    legend = ax.get_legend()
    if legend is None:
        raise GameError("add_to_legend needs axes that already have a legend (draw the map first)")
    unlabelled = [a for a in artists if not a.get_label() or a.get_label().startswith("_")]
    if unlabelled:
        raise GameError(f"add_to_legend: {len(unlabelled)} artist(s) have no label; pass label=... when drawing them")
    handles = list(legend.legend_handles)       # copies of the drawn artists, with their labels as given
    title = legend.get_title().get_text() or None
    _legend_below(ax, handles + list(artists), title)
    return ax


@literal_labels
def sweep_map(sweep, name=None, ax=None, **kw):
    """Draw one value of a two-axis :class:`deterrence.analysis.sweep.Sweep` with :func:`deterrence_map`.

    ``war_risk=True`` draws the sweep's own probabilities of war (``values["war_probability"]``,
    or a sweep's ``"war_risk"``, their former name) as contours. The regime
    names are the sweep's own (``meta["regimes"]``, which a regime map records) unless given.
    A value that is not a regime is drawn as what it is, numbers on a colour scale with a
    colour bar; a sweep of one axis as a line.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence import regime_map
    >>> ax = sweep_map(regime_map(("delta", [0.5, 0.9]), ("W_iran", [1, 50])), "regime")
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('delta', 'W_iran')
    """
    name = name or next(iter(sweep.values))
    if name not in sweep.values:
        raise GameError(f"sweep_map: the sweep has no value {name!r}; its values: {', '.join(sweep.values)}")
    axes = list(sweep.axes.items())
    values = np.asarray(sweep.values[name])
    if len(axes) == 1:              # one axis: the value along it (it failed unpacking two axes: a review)
        (xn, xv), = axes
        if ax is None:
            import matplotlib.pyplot as plt
            _, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
        ax.plot(_axis_floats(xv), values.astype(float) if values.dtype.kind in "biuf" else values, marker="o")
        ax.set_xlabel(kw.get("xlabel", xn))
        ax.set_ylabel(name)
        ax.set_title(kw.get("title") or f"{name} over {xn}")
        return ax
    if len(axes) != 2:
        raise GameError(f"sweep_map draws a sweep of one or two axes; this one has {len(axes)} "
                        f"({', '.join(n for n, _ in axes)}): sweep over two, the others fixed")
    (xn, xv), (yn, yv) = axes
    if kw.get("regimes") is None and "regimes" not in sweep.meta and values.dtype.kind in "biuf":
        # numbers, not regimes: a colour scale (they were drawn as the case's three regimes, the
        # fractions binned into regime codes without a word: an analyst's review)
        unused = sorted(k for k, v in kw.items() if v is not None and k not in ("xlabel", "ylabel", "title"))
        if unused:
            raise GameError(f"sweep_map: {', '.join(unused)} apply to a map of regimes; {name!r} holds numbers "
                            "(drawn on a colour scale: give regimes=... if they are regime codes)")
        return _value_map(values.T.astype(float), xv, yv, name, ax=ax, xlabel=kw.get("xlabel", xn),
                          ylabel=kw.get("ylabel", yn), title=kw.get("title"))
    if kw.get("war_risk") is True:  # the sweep's own probability of war, drawn as contours
        kw["war_risk"] = sweep.values["war_probability" if "war_probability" in sweep.values else "war_risk"]
    if kw.get("war_risk") is not None:
        kw["war_risk"] = np.asarray(kw["war_risk"]).T  # rows are y, like the regimes
    kw.setdefault("xlabel", xn)
    kw.setdefault("ylabel", yn)
    if kw.get("regimes") is None and "regimes" in sweep.meta:
        kw["regimes"] = sweep.meta["regimes"]
    return deterrence_map(values.T, xv, yv, ax=ax, **kw)


def _axis_floats(values) -> list:
    """An axis's values as floats (a sweep keeps exact values as given: "5/2" among them), read
    by the library's one reader of a number."""
    from deterrence.core.numbers import to_exact
    return [float(to_exact(v, "axis value")) for v in values]


def _value_map(values, x, y, name, *, ax=None, xlabel="x", ylabel="y", title=None):
    """A sweep's numeric value over two axes: cells coloured on a scale, with a colour bar."""
    import matplotlib.pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(6.5, 5), constrained_layout=True)
    mesh = ax.pcolormesh(_axis_floats(x), _axis_floats(y), values, shading="nearest", cmap="viridis")
    ax.figure.colorbar(mesh, ax=ax, label=name)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title or name)
    return ax


# ---------------------------------------------------------------------------
# noisy play
# ---------------------------------------------------------------------------
#: The curves' colours: the palette in an order in which neighbours look apart to a colour-blind
#: reader too (blue, orange, green, vermillion, reddish purple, black, sky blue, yellow): orange and
#: vermillion, side by side in notebook 05's figures (a review of the figures), are second and fourth.
_CURVE_COLOURS = tuple(_PALETTE[k] for k in (0, 1, 3, 2, 4, 7, 5, 6))
#: The curves' line styles, one a curve (as many as the colours): a reader who cannot tell two
#: colours apart tells the curves apart by their dashes.
_CURVE_STYLES = ("-", "--", "-.", ":", (0, (7, 2, 1, 2, 1, 2)), (0, (10, 3)), (0, (1, 3)), (0, (5, 2, 5, 2, 1, 2)))
@literal_labels
def war_risk_curve(rounds, probabilities, ax=None, labels=None, *, xlabel="round",
                   ylabel="probability of all-out war by this round", colors=None):
    """Plot one or several curves of the probability of war (or of any probability) over rounds.

    ``probabilities`` is one sequence, or a list of sequences (one per
    scenario, named by ``labels``). ``colors``: one colour per curve (by default the
    colour-blind-safe palette, its two oranges apart), so that a curve can wear the colour of
    its regime on a map. Each curve has its own line style too (solid, dashed, dash-dot,
    dotted, ...), so that curves are told apart without their colours.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> ax = war_risk_curve([1, 2, 3], [[0.01, 0.02, 0.03], [0.1, 0.19, 0.27]],
    ...                     labels=["noise 1/100", "noise 1/10"])
    >>> len(ax.lines), [t.get_text() for t in ax.get_legend().get_texts()]
    (2, ['noise 1/100', 'noise 1/10'])
    >>> [line.get_linestyle() for line in ax.lines]
    ['-', '--']
    """
    r = _as_floats(rounds)
    probabilities = list(probabilities)
    # One curve, or a list of curves (detected by the first item being a sequence).
    curves = probabilities if probabilities and np.ndim(probabilities[0]) == 1 else [probabilities]
    probs = np.array([[float(v) for v in row] for row in curves], dtype=float)
    if probs.shape[1] != len(r):
        raise GameError(f"{len(r)} rounds but curves of length {probs.shape[1]}")
    if labels is not None and len(labels) != len(probs):
        raise GameError(f"{len(labels)} labels for {len(probs)} curves")
    ax = _new_axes(ax, (6.0, 4.0))
    for k, row in enumerate(probs):
        colour = colors[k % len(colors)] if colors else _CURVE_COLOURS[k % len(_CURVE_COLOURS)]
        ax.plot(r, row, color=colour, linewidth=2, linestyle=_CURVE_STYLES[k % len(_CURVE_STYLES)],
                label=None if labels is None else labels[k])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if probs.min() >= 0 and probs.max() <= 1:
        ax.set_ylim(0, max(0.05, min(1.0, probs.max() * 1.1)))
    ax.grid(alpha=0.3)
    if labels is not None:
        ax.legend(fontsize=8)
    return ax


@literal_labels
def noisy_trajectory(actions_history, ax=None, action_labels=None, *, players=None,
                     mistakes=None, xlabel="round"):
    """Draw a history of play as coloured strips: one row per player, one column per round.

    ``actions_history[t]`` holds each player's action in round ``t``, as a
    label or an index into ``action_labels`` (default: the labels in order of
    first appearance). ``mistakes`` (same shape, booleans) marks the moves
    that noise changed with a cross, so students see how one misfire starts
    a spiral.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> hist = [("hold", "hold"), ("hold", "retaliate"), ("retaliate", "hold"), ("hold", "hold")]
    >>> ax = noisy_trajectory(hist, action_labels=["hold", "retaliate", "escalate"],
    ...                       players=["US", "Iran"])
    >>> [t.get_text() for t in ax.get_yticklabels()], len(ax.get_legend().get_texts())
    (['US', 'Iran'], 3)

    A :class:`deterrence.solvers.repeated.simulate.MatchHistory` (from ``play_match``) is
    drawn with its own action labels, players and misfires:

    >>> import deterrence as dt
    >>> from deterrence.solvers.repeated.simulate import play_match
    >>> m = play_match(dt.load_game("us_iran_stage").with_defaults(), "tit_for_tat", turns=30,
    ...                noise={"execution": "1/20"}, seed=7)
    >>> [t.get_text() for t in noisy_trajectory(m).get_legend().get_texts()]
    ['hold', 'retaliate', 'escalate', 'misfire (noise)']
    """
    from matplotlib.colors import BoundaryNorm, ListedColormap
    from matplotlib.patches import Patch

    if hasattr(actions_history, "realised") and hasattr(actions_history, "intended"):
        match = actions_history
        actions_history = match.realised
        if action_labels is None and len(set(match.actions)) == 1:
            action_labels = list(match.actions[0])
        players = match.players if players is None else players
        mistakes = match.mistakes if mistakes is None else mistakes
    hist = np.asarray(actions_history, dtype=object)
    if hist.ndim == 1:
        hist = hist.reshape(-1, 1)
    if hist.ndim != 2 or hist.size == 0:
        raise GameError("actions_history must be a non-empty list of rounds, one action per player each")
    T, n = hist.shape
    if action_labels is None:
        action_labels = []
        for v in hist.flat:
            if isinstance(v, str) and v not in action_labels:
                action_labels.append(v)
        if not action_labels:
            action_labels = [str(k) for k in range(int(max(hist.flat)) + 1)]
    action_labels = list(action_labels)
    codes = np.empty((n, T), dtype=float)
    for (t, i), v in np.ndenumerate(hist):
        if isinstance(v, str):
            if v not in action_labels:
                raise GameError(f"round {t}: unknown action {v!r}; actions are {', '.join(action_labels)}")
            codes[i, t] = action_labels.index(v)
        else:
            codes[i, t] = int(v)
    players = list(players) if players is not None else [f"player {i + 1}" for i in range(n)]
    if len(players) != n:
        raise GameError(f"{len(players)} player names for {n} players in the history")
    colours = ["#f0f0f0", REGIME_COLORS[1], REGIME_COLORS[2]] if len(action_labels) == 3 else \
        [_PALETTE[k % len(_PALETTE)] for k in range(len(action_labels))]
    ax = _new_axes(ax, (min(12.0, 3.0 + 0.12 * T), 1.4 + 0.5 * n))
    cmap = ListedColormap(colours)
    norm = BoundaryNorm(np.arange(-0.5, len(action_labels)), cmap.N)
    rounds = np.arange(1, T + 1)
    ax.pcolormesh(rounds, np.arange(n), codes, cmap=cmap, norm=norm, shading="nearest",
                  edgecolors="white", linewidth=0.5 if T <= 80 else 0)
    handles = [Patch(facecolor=c, edgecolor="grey", label=a) for a, c in zip(action_labels, colours)]
    if mistakes is not None:
        mis = np.asarray(mistakes, dtype=bool).reshape(T, n)
        tt, ii = np.nonzero(mis)
        if len(tt):
            ax.scatter(tt + 1, ii, marker="x", color="black", s=30, zorder=3)
        from matplotlib.lines import Line2D
        handles.append(Line2D([], [], marker="x", color="black", linestyle="", label="misfire (noise)"))
    ax.set_yticks(range(n), players)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              frameon=False)
    return ax
