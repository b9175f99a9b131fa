"""Figures of learning and evolutionary dynamics: shares over time, phase portraits of 2x2
games, basins of attraction of the replicator dynamics, and paths on the simplex of a
three-action population. Every function returns its matplotlib ``Axes``.

>>> import matplotlib
>>> matplotlib.use("Agg")
>>> from deterrence import load_game
>>> from deterrence.solvers.normal_form.dynamics import replicator_dynamics
>>> ax = plot_shares(replicator_dynamics(load_game("chicken").with_defaults(), start=(0.3, 0.7)))
>>> ax.get_xlabel()
'time'
"""
from __future__ import annotations

import numpy as np

from deterrence.errors import GameError
from deterrence.core.validate import check_count, check_positive
from deterrence.plot._literal import literal_labels

__all__ = ["plot_basins", "plot_phase", "plot_shares", "plot_simplex"]


def _axes(ax, figsize=(5.5, 4.5)):
    """The given Axes, or the Axes of a new figure whose layout makes room for a legend beside
    the square (saved as it is, a plain figure cut the basins' key off at its right edge)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=figsize, layout="constrained")[1]


@literal_labels
def plot_shares(trajectory, ax=None, players=None):
    """Each action's share (probability, frequency) against time, one line per player and action.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence import load_game
    >>> from deterrence.solvers.normal_form.dynamics import fictitious_play
    >>> len(plot_shares(fictitious_play(load_game("matching_pennies"), 200, seed=1)).lines)
    4
    """
    ax = _axes(ax)
    t = np.asarray(trajectory.times)
    # one population is one set of shares: the players' copies of it would hide each other
    chosen = (trajectory.players[:1] if _one_population(trajectory) else trajectory.players) \
        if players is None else players
    styles = ["-", "--", ":", "-."]
    for k, player in enumerate(chosen):
        i = trajectory.players.index(player)
        for action in trajectory.actions[i]:
            ax.plot(t, trajectory.share(i, action), styles[k % len(styles)],
                    label=f"{_population(trajectory, i)}: {action}")
    ax.set_xlabel("time" if "replicator" in trajectory.kind else "round")
    ax.set_ylabel("share")
    ax.set_ylim(-0.02, 1.02)
    ax.set_title(trajectory.kind)
    ax.legend(fontsize="small")
    return ax


def _one_population(trajectory) -> bool:
    return "one population)" in trajectory.kind


def _population(trajectory, i) -> str:
    """Whose shares: the player's, or (one population of a symmetric game) the population's."""
    return "population" if _one_population(trajectory) else str(trajectory.players[i])


def _start_end_legend(ax, paths, **where):
    """A legend that says which path is which and what the circle and the square mean."""
    from matplotlib.lines import Line2D
    handles = list(paths) + [Line2D([], [], marker="o", ls="", color="0.3", label="start"),
                             Line2D([], [], marker="s", ls="", color="0.3", label="end")]
    ax.legend(handles=handles, fontsize="small", **where)


def _need_2x2(game):
    if game.n_players != 2 or game.shape != (2, 2):
        raise GameError(f"a phase portrait needs a 2x2 game; this one has shape {game.shape}")


@literal_labels
def plot_phase(game, trajectories=(), ax=None, field: bool = True, density: int = 15):
    """Phase portrait of a 2x2 game: x = Row's first action, y = Column's first action,
    with the two-population replicator field and the given trajectories.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence import load_game
    >>> plot_phase(load_game("chicken").with_defaults()).get_xlabel()
    'P(Row: swerve)'
    """
    from deterrence.solvers.normal_form.qre import action_values
    game = game.with_defaults() if game.is_symbolic else game
    _need_2x2(game)
    ax = _axes(ax, (5, 5))
    if field:
        grid = np.linspace(0.03, 0.97, density)
        X, Y = np.meshgrid(grid, grid)
        U, V = np.zeros_like(X), np.zeros_like(Y)
        arrays = game.as_float()
        for (r, c), p in np.ndenumerate(X):
            q = Y[r, c]
            u = action_values(arrays, [(p, 1 - p), (q, 1 - q)])
            U[r, c] = p * (1 - p) * (u[0][0] - u[0][1])
            V[r, c] = q * (1 - q) * (u[1][0] - u[1][1])
        speed = np.hypot(U, V)
        speed[speed == 0] = 1
        ax.quiver(X, Y, U / speed, V / speed, speed, cmap="Greys", alpha=0.6, angles="xy")
    paths = []
    for k, traj in enumerate(trajectories):
        x, y = traj.share(0, 0), traj.share(1, 0)
        line, = ax.plot(x, y, lw=1.8, label=f"path {k + 1}")
        ax.plot(x[0], y[0], "o", color=line.get_color())
        ax.plot(x[-1], y[-1], "s", color=line.get_color(), ms=8, clip_on=False)
        paths.append(line)
    if paths:      # beside the square: a legend inside could cover a path's end in a corner
        _start_end_legend(ax, paths, loc="upper left", bbox_to_anchor=(1.02, 1))
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_aspect("equal")
    ax.set_xlabel(f"P({game.players[0]}: {game.actions[0][0]})")
    ax.set_ylabel(f"P({game.players[1]}: {game.actions[1][0]})")
    ax.set_title(f"{game.title or 'replicator dynamics'}: phase portrait")
    return ax


@literal_labels
def plot_basins(game, resolution: int = 21, t_max: float = 100.0, ax=None):
    """Basins of attraction of the two-population replicator dynamics of a 2x2 game: each
    start on a grid is coloured by the profile its path ends near (a pure profile, or
    "interior" when it ends inside).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence import load_game
    >>> ax = plot_basins(load_game("stag_hunt"), resolution=5, t_max=30)
    >>> sorted(t.get_text() for t in ax.get_legend().get_texts())
    ['(hare, hare)', '(stag, stag)']
    """
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    from deterrence.solvers.normal_form.dynamics import replicator_dynamics
    resolution = check_count("resolution", resolution, limit=500)
    t_max = check_positive("t_max", t_max)
    game = game.with_defaults() if game.is_symbolic else game
    _need_2x2(game)
    ax = _axes(ax, (5, 5))
    grid = (np.arange(resolution) + 0.5) / resolution
    labels = [f"({game.actions[0][a]}, {game.actions[1][b]})" for a in (0, 1) for b in (0, 1)] + ["interior"]
    classes = np.zeros((resolution, resolution), dtype=int)
    for r, q in enumerate(grid):
        for c, p in enumerate(grid):
            end = replicator_dynamics(game, start=[(p, 1 - p), (q, 1 - q)], t_max=t_max, points=2,
                                      population="multi").final
            x, y = end[0][0], end[1][0]
            if min(x, 1 - x) < 1e-2 and min(y, 1 - y) < 1e-2:
                classes[r, c] = (0 if x > 0.5 else 2) + (0 if y > 0.5 else 1)
            else:
                classes[r, c] = 4
    colours = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#bbbbbb"]
    ax.imshow(classes, origin="lower", extent=(0, 1, 0, 1), cmap=ListedColormap(colours),
              vmin=0, vmax=4, interpolation="nearest")
    used = sorted(set(classes.flat))
    ax.legend(handles=[Patch(color=colours[k], label=labels[k]) for k in used],
              loc="upper left", bbox_to_anchor=(1.02, 1), fontsize="small", title="ends at")
    ax.set_xlabel(f"P({game.players[0]}: {game.actions[0][0]}) at the start")
    ax.set_ylabel(f"P({game.players[1]}: {game.actions[1][0]}) at the start")
    ax.set_title(f"{game.title or 'replicator dynamics'}: basins of attraction")
    return ax


@literal_labels
def plot_simplex(trajectories, ax=None, player=0):
    """Paths of one player's three-action shares on the triangle (barycentric coordinates).

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from deterrence import load_game
    >>> from deterrence.solvers.normal_form.dynamics import replicator_dynamics
    >>> t = replicator_dynamics(load_game("rock_paper_scissors"), start=(0.5, 0.3, 0.2))
    >>> len(plot_simplex([t]).texts)
    3
    """
    trajectories = list(trajectories)
    if not trajectories or len(trajectories[0].actions[player]) != 3:
        raise GameError("a simplex plot needs trajectories of a player with three actions")
    ax = _axes(ax, (5, 4.6))
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.5, np.sqrt(3) / 2]])
    ax.plot(*np.vstack([corners, corners[:1]]).T, color="black", lw=1)
    for name, (x, y), dy in zip(trajectories[0].actions[player], corners, (-0.06, -0.06, 0.03)):
        ax.text(x, y + dy, name, ha="center")
    paths = []
    for k, traj in enumerate(trajectories):
        pts = np.array([s[player] for s in traj.states]) @ corners
        line, = ax.plot(pts[:, 0], pts[:, 1], lw=1.4, label=f"path {k + 1}")
        ax.plot(*pts[0], "o", color=line.get_color())
        ax.plot(*pts[-1], "s", color=line.get_color())
        paths.append(line)
    _start_end_legend(ax, paths, loc="upper left", bbox_to_anchor=(0.0, 1.0))
    ax.set_aspect("equal")
    ax.axis("off")
    # the top corner's label sits just under the title: give the title room
    first = trajectories[0]
    ax.set_title(first.kind if _one_population(first) else f"{first.players[player]}: {first.kind}", pad=16)
    return ax
