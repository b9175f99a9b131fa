"""Figures of a deterrence report (``deterrence report --plot FILE``).

For the stochastic US–Iran model (the default of ``deterrence report``): the
record beside the model, each side's payoff per equilibrium, the probability of war over
time and a map of the probability of war (:func:`exchange_figure`). For the repeated-game
US–Iran model: the stage game's payoff heat map, the deterrence map (δ
against Iran's cost of war, with contours of the probability of war), and curves of the probability of war. For a
stage game: its heat map (and best-response diagram for 2 x 2 games); for a
tree: its drawing. Every function returns the figure.
"""
from __future__ import annotations

import numpy as np


def war_risk_by_round(stage, profile, noise, rounds) -> np.ndarray:
    """P(all-out war within t rounds) for each t in ``rounds`` (float path).

    >>> from deterrence.models.us_iran import us_iran_model
    >>> m = us_iran_model()
    >>> r = war_risk_by_round(m.stage.with_defaults(), list(m.strategies), {"execution": "1/50"}, [1, 10, 100])
    >>> bool(r[0] < r[1] < r[2] < 1)
    True
    """
    from deterrence.solvers.repeated.noise_markov import war_risk
    return np.array([war_risk(stage, profile, noise=noise, within=int(t))[0] for t in rounds])


def model_figure(model, analysis=None, *, rounds=200, grid=60):
    """Three panels for the US–Iran model; returns the matplotlib figure.

    ``analysis``: the model's :meth:`~deterrence.models.us_iran.USIranModel.analyse`
    value when the report already has it (its regime marks the map).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from deterrence.models.us_iran import us_iran_model
    >>> len(model_figure(us_iran_model(), rounds=20, grid=10).axes) >= 3
    True
    """
    import matplotlib.pyplot as plt
    from deterrence.analysis.maps import regime_map
    from deterrence.models.us_iran import exchange_every_round
    from deterrence.plot.figures import REGIME_COLORS, payoff_heatmap, sweep_map, war_risk_curve
    if analysis is None:
        analysis = model.analyse(critical=False, proxies=False, noise=False)
    stage = model.stage.with_defaults()
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.2), constrained_layout=True)
    payoff_heatmap(stage, ax=axes[0])
    w = float(model.stage.parameters["W_iran"])
    m = regime_map(("delta", np.linspace(0.3, 0.99, grid)), ("W_iran", np.linspace(0, max(2 * w, 10), grid)))
    # the regimes are classified without noise (the stage game and delta*), the contours of the probability of war
    # under the model's noise: the title and the legend say so, so that neither is read as the other
    sweep_map(m, "regime", ax=axes[1], war_risk=True,
              title=f"Deterrence map (here: {analysis.regime_name})\nregimes classified without noise; "
                    "P(war) contours under the noise",
              legend_title="regime (classified without noise)")
    axes[1].plot([float(model.delta)], [w], marker="*", color="black", markersize=14, linestyle="none")
    ts = np.arange(1, rounds + 1)
    exchange = [exchange_every_round(stage, 0), exchange_every_round(stage, 1)]
    curves = [war_risk_by_round(stage, list(model.strategies), model.noise, ts),
              war_risk_by_round(stage, exchange, model.noise, ts)]
    # each curve wears the colour of its regime on the map beside it: one colour, one meaning
    war_risk_curve(ts, curves, ax=axes[2], labels=["contained tit-for-tat (mutual restraint)",
                                                    "exchange every round (a limited strike by both sides)"],
                   colors=REGIME_COLORS[:2], xlabel=f"round ({model.round_days} days)")
    noise = model.noise.describe() if model.noise else "none"
    axes[2].set_title(f"Probability of war under noise\n({noise})")   # one line ran past the figure's edge
    return fig


#: one colour per equilibrium of the exchange model, the same in every panel (other names: grey-blue)
EQUILIBRIUM_COLOURS = {"contained exchange": "#1f77b4", "mutual escalation": "#d62728", "US withdrawal": "#9467bd"}
RECORD_COLOUR = "#777777"


def _equilibrium_colour(name):
    return EQUILIBRIUM_COLOURS.get(name, "#8c9fb3")


def war_risk_grid(model, misfires, israeli_rates, weeks, *, checkpoint=None, progress=None,
                  executor="serial"):
    """P(war within ``weeks``) under the contained exchange over a grid of militia misfire
    probabilities (columns) and weekly Israeli strike rates (rows), and where the contained
    exchange is a Markov perfect equilibrium under that noise (``(risk, holds)``, arrays).

    The cells are computed by :func:`~deterrence.analysis.sweep.sweep` (``executor``: as
    there; one at a time by default). ``checkpoint`` (a file path) keeps the cells as they
    come: a grid stopped by Ctrl-C (``KeyboardInterrupt`` is raised once what was computed
    is on disk) or killed is resumed by the same call with the same file, in this process
    or another, and gives the uninterrupted answer. ``progress``: a bar of the cells
    (:func:`~deterrence.core.progress.progress_bar`).

    >>> from fractions import Fraction
    >>> from deterrence.models.us_iran_exchange import exchange_model
    >>> risk, holds = war_risk_grid(exchange_model(), [Fraction(1, 1600)], [Fraction(1, 2)], 113)
    >>> bool(holds[0, 0]), bool(0 < risk[0, 0] < 0.1)
    (True, True)
    """
    import functools

    from deterrence.analysis.sweep import sweep
    from deterrence.errors import GameError
    misfires, israeli_rates = tuple(misfires), tuple(israeli_rates)
    # the cells by position: the values reach the model as given, and the checkpoint's
    # identity holds the model, the horizon and both lists (the partial's arguments)
    cell = functools.partial(war_risk_cell, values=tuple(model.values), weeks=weeks, misfires=misfires,
                             israeli_rates=israeli_rates)
    axes = {"israeli_rate": range(len(israeli_rates)), "misfire": range(len(misfires))}
    grid = sweep(cell, axes, executor=executor, progress=progress, checkpoint=checkpoint)
    if grid.interrupted:
        raise KeyboardInterrupt("war_risk_grid interrupted" + (f"; the cells computed are kept in {checkpoint}"
                                                               if checkpoint is not None else ""))
    if grid.failures:
        point, reason = grid.failures[0]
        raise GameError(f"war_risk_grid: the cell misfire={misfires[point['misfire']]}, israeli_strike_rate="
                        f"{israeli_rates[point['israeli_rate']]} failed: {reason}")
    return np.array(grid.values["risk"]), np.array(grid.values["holds"]) == 1.0


def war_risk_cell(israeli_rate, misfire, *, values, weeks, misfires, israeli_rates) -> dict:
    """One cell of :func:`war_risk_grid` (the positions of its misfire probability and
    Israeli strike rate in the lists): ``{"risk": P(war within weeks), "holds": 1.0 or 0.0}``.

    >>> from fractions import Fraction
    >>> from deterrence.models.us_iran_exchange import exchange_model
    >>> war_risk_cell(0, 0, values=exchange_model().values, weeks=113, misfires=[Fraction(1, 1600)],
    ...               israeli_rates=[Fraction(1, 2)])["holds"]
    1.0
    """
    from deterrence.models.us_iran_exchange import contained_profile, exchange_model, play_statistics, verify
    m = exchange_model(**{**dict(values), "misfire": misfires[misfire],
                          "israeli_strike_rate": israeli_rates[israeli_rate]})
    holds = verify(m, contained_profile()).verified_under_noise
    return {"risk": play_statistics(m, contained_profile(), weeks)["war"], "holds": 1.0 if holds else 0.0}


def _edges(centres, back):
    """Cell edges around grid centres (midpoints; ``back`` maps a log scale back)."""
    mids = (centres[1:] + centres[:-1]) / 2 if len(centres) > 1 else np.array([])
    first = centres[0] - (mids[0] - centres[0] if len(mids) else 0.5)
    last = centres[-1] + (centres[-1] - mids[-1] if len(mids) else 0.5)
    return back(np.concatenate([[first], mids, [last]]))


def exchange_figure(subject, analysis=None, *, years=10, grid=9):
    """The stochastic US–Iran model beside the record, in four panels with one colour per
    equilibrium throughout (blue: contained exchange, red: mutual escalation):

    * attacks on US forces a month, the record (grey) beside the equilibrium played;
    * each player's payoff per week in each equilibrium found (US and Iran side by side, not
      their sum);
    * the probability of war within each month up to ``years`` years;
    * a map of the probability of war within the record's span (26 months; the colour bar
      says so) over the militias' misfire probability and the rate of Israeli strikes, under
      the contained exchange, grey and hatched where it is not an equilibrium under that noise (the
      model's own values are a cell: the star's); the colour bar spans the values of the other cells.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    >>> m = us_iran_exchange_model(fitted=False)
    >>> fig = exchange_figure(m, m.analyse(), years=1, grid=2)
    >>> [ax.get_title() for ax in fig.axes][2]
    'Probability of all-out war within t months'
    """
    import datetime
    import matplotlib.pyplot as plt
    from fractions import Fraction
    from deterrence.models.us_iran_exchange import PLAYERS, exchange_model, horizon_weeks, weeks_in
    from deterrence.solvers.stochastic.markov_chain import absorption_probability
    analysis = subject.analyse() if analysis is None else analysis
    model = exchange_model(**dict(analysis.values))    # the model the analysis solved (fitted values)
    fig, axes = plt.subplots(2, 2, figsize=(13, 9.5), constrained_layout=True)
    (left, pay), (curve, mapax) = axes
    selected = analysis.selected
    played = _equilibrium_colour(selected.name) if selected is not None else RECORD_COLOUR
    record = {name: (count, start, end) for name, count, start, end, *_ in analysis.record}
    count, first, last = record["attacks_on_us_personnel"]
    days = (datetime.date.fromisoformat(last) - datetime.date.fromisoformat(first)).days
    months_on_record = float(weeks_in(days=days) / weeks_in(months=1))
    attacks = count / months_on_record
    predicted = analysis.predicted["attacks_per_month"]
    label = selected.name if selected is not None else "model"
    import textwrap
    left.bar([f"record ({months_on_record:.0f} months)", textwrap.fill(f"model: {label}", 28)], [attacks, predicted],
             color=[RECORD_COLOUR, played])
    for x, v in enumerate([attacks, predicted]):
        left.text(x, v, f"{v:.2f}", ha="center", va="bottom")
    left.set_ylabel("attacks on US forces per month")
    # fitted: the model's attack rate agrees with the record by construction (the fit's motive rate)
    left.set_title("Attacks on US forces: model beside the record"
                   + ("\n(the model's motive rate is fitted to this count)" if analysis.fit is not None else ""))

    # each player's payoff per week, (1 - delta) V from a calm week, in each equilibrium found
    start = "calm/quiet"
    width = 0.8 / max(len(analysis.equilibria), 1)
    for k, eq in enumerate(analysis.equilibria):
        per_week = [float((1 - model.delta) * dict(eq.values)[start][j]) for j in range(len(PLAYERS))]
        xs = np.arange(len(PLAYERS)) + (k - (len(analysis.equilibria) - 1) / 2) * width
        pay.bar(xs, per_week, width=width, color=_equilibrium_colour(eq.name), label=eq.name)
        for x, v in zip(xs, per_week):
            pay.text(x, v, f"{v:.1f}", ha="center", va="bottom" if v >= 0 else "top", fontsize=8)
    pay.axhline(0, color="black", linewidth=0.8)
    pay.set_xticks(np.arange(len(PLAYERS)), PLAYERS)
    pay.set_ylabel("payoff per week (average discounted, from a calm week)")
    pay.set_title("Each side's payoff in each equilibrium")
    if analysis.equilibria:
        pay.legend(title="equilibrium", fontsize=8)

    if selected is None:
        curve.text(0.5, 0.5, "no equilibrium found", ha="center", va="center")
        curve.set_axis_off()
    else:
        game = model.stochastic_game
        strategy = {s: tuple(a) for s, a in selected.actions.items()}
        months = list(range(0, 12 * years + 1))
        risk = [float(absorption_probability(game, strategy, horizon_weeks(months=t), states=["war"], exact=False))
                for t in months]
        curve.plot(months, risk, color=played, label=f"under the {selected.name}")
        curve.axvline(months_on_record, color=RECORD_COLOUR, linestyle="--", linewidth=1)
        curve.text(months_on_record, 0.95, f" {months_on_record:.0f} months on record",
                   fontsize=8, va="top", transform=curve.get_xaxis_transform())
        curve.set_xlabel("months from a calm week")
        curve.set_ylabel("probability of all-out war")
        curve.legend(fontsize=8, loc="lower right")
        curve.set_ylim(bottom=0)
    curve.set_title("Probability of all-out war within t months")

    # the map of the probability of war: misfire per strike (log scale) against weeks with an Israeli strike a month
    v = model.v
    eta0, lam0 = Fraction(v["misfire"]), Fraction(v["israeli_strike_rate"])
    halves = range(-4, 7)          # misfire from a quarter of the model's to eight times it, in half-octaves
    misfires = [Fraction(eta0 * Fraction(2) ** (k // 2) * (Fraction(99, 70) if k % 2 else 1)).limit_denominator(10 ** 7)
                for k in halves]
    # the model's own rate is a row, so that the star's cell is the model the report speaks of
    rates = sorted({Fraction(x).limit_denominator(100) for x in np.linspace(0, 0.9, grid)} | {lam0})
    weeks = horizon_weeks(days=days)
    risk_map, holds = war_risk_grid(model, misfires, rates, weeks)
    per_month = float(weeks_in(months=1))
    xs, ys = [float(m) for m in misfires], [float(r) * per_month for r in rates]
    # the colours span the cells where the contained exchange holds: elsewhere its probability of war is that
    # of play nobody would follow (a review found the scale set by those cells, up to 0.41), grey there
    shown = risk_map[holds] if holds.any() else risk_map.ravel()
    lo, hi = float(shown.min()), float(shown.max())
    cmap = plt.get_cmap("viridis").with_extremes(bad="lightgrey")
    # cells between the midpoints, geometric along the log axis (shading="nearest" took arithmetic
    # midpoints there and left a strip at the right edge uncovered)
    x_edges = _edges(np.log(xs), np.exp)
    y_edges = _edges(np.array(ys), lambda e: e)
    mesh = mapax.pcolormesh(x_edges, y_edges, np.ma.masked_where(~holds, risk_map), shading="flat", cmap=cmap,
                            vmin=lo, vmax=hi)
    if holds.any():                    # no colour bar over a map with no coloured cell (a review)
        bar = fig.colorbar(mesh, ax=mapax)
        bar.set_label(f"P(all-out war within {months_on_record:.0f} months) under the contained exchange")
    mapax.set_xscale("log")
    if not holds.all():                # hatch each cell (as drawn) where the contained exchange fails
        from matplotlib.patches import Patch, Rectangle
        for i, j in zip(*np.nonzero(~holds)):
            mapax.add_patch(Rectangle((x_edges[j], y_edges[i]), x_edges[j + 1] - x_edges[j],
                                      y_edges[i + 1] - y_edges[i], fill=False, hatch="///",
                                      edgecolor="grey", linewidth=0))
        nowhere = "" if holds.any() else " anywhere on this map"
        # below the map: in a corner of it, even half transparent, it covered coloured cells (a review)
        mapax.legend(handles=[Patch(facecolor="lightgrey", edgecolor="grey", hatch="///",
                                    label=f"the contained exchange is not an equilibrium{nowhere}")],
                     fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    mapax.set_xlim(x_edges[0], x_edges[-1])
    mapax.set_xticks(xs[::2], [f"1/{round(1 / x)}" if x < 1 else "1" for x in xs[::2]])
    mapax.minorticks_off()
    mapax.plot([float(eta0)], [float(lam0) * per_month], marker="*", color="white", markeredgecolor="black",
               markersize=15, linestyle="none")
    mapax.set_xlabel("militia misfire probability per strike (star: the model)")
    mapax.set_ylabel("weeks with an Israeli strike a month")
    mapax.set_title(f"Probability of war within {months_on_record:.0f} months (the record's span)")
    return fig


def save_report_figures(subject, report, path, analysis=None) -> None:
    """Save the report's figure(s) to ``path`` (format from the suffix: png, pdf, svg).

    >>> import os, tempfile
    >>> from deterrence import load_game
    >>> path = os.path.join(tempfile.mkdtemp(), "chicken.png")
    >>> save_report_figures(load_game("chicken"), None, path); os.path.getsize(path) > 0
    True
    """
    import matplotlib
    matplotlib.use("Agg")
    check_figure_path(path, force=True)
    # labels come from game files: draw "$x^{$" or "\\alpha" as written, never as TeX
    with matplotlib.rc_context({"text.usetex": False, "text.parse_math": False}):
        _save_report_figures(subject, path, analysis)


#: the figure formats ``deterrence report --plot`` writes, by file suffix
FIGURE_SUFFIXES = (".png", ".pdf", ".svg")


def check_figure_path(path, *, force=False) -> None:
    """Refuse, before any work, a figure path with an unknown suffix, in a missing folder,
    or naming a file that exists (unless ``force``).

    >>> check_figure_path("out.txt")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: --plot out.txt: unknown figure format '.txt'; use a file ending in .png, .pdf or .svg
    """
    from pathlib import Path
    from deterrence.errors import GameError
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in FIGURE_SUFFIXES:
        what = f"unknown figure format {suffix!r}" if suffix else "no figure format (no suffix)"
        raise GameError(f"--plot {path}: {what}; use a file ending in .png, .pdf or .svg")
    if not p.parent.is_dir():
        raise GameError(f"--plot {path}: the folder {str(p.parent)!r} does not exist")
    if p.is_dir():
        raise GameError(f"--plot {path}: is a folder; give a file name ending in .png, .pdf or .svg")
    if p.exists() and not force:
        raise GameError(f"--plot {path}: the file exists; add --force to overwrite it")
    import tempfile
    try:                               # a file made and removed now: the figure can be written later
        with tempfile.TemporaryFile(dir=p.parent):
            pass
    except OSError as exc:
        raise GameError(f"--plot {path}: cannot write in the folder {str(p.parent)!r}: "
                        f"{exc.strerror or type(exc).__name__}") from None


def check_figure_subject(subject) -> None:
    """Refuse, before any work, a subject the report figure cannot draw (the CLI checks it before
    it prints the report, so that ``--plot`` does not fail after the text: a review found a
    three-player game's report printed whole, then exit code 2).

    >>> from deterrence import load_game
    >>> check_figure_subject(load_game("chicken"))
    >>> check_figure_subject(load_game("irrational_three_player"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: --plot: no report figure for a game of 3 players yet (the figure draws ...
    """
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.errors import GameError
    from deterrence.models.us_iran import USIranModel
    from deterrence.models.us_iran_exchange_report import USIranExchange
    drawn = "the figure draws two-player stage games, trees and the US-Iran models"
    if isinstance(subject, (USIranModel, USIranExchange)):
        return
    if callable(getattr(subject, "analyse", None)):
        raise GameError(f"--plot: no report figure for a {type(subject).__name__} yet ({drawn})")
    if isinstance(subject, NormalFormGame) and subject.n_players != 2:
        raise GameError(f"--plot: no report figure for a game of {subject.n_players} players yet ({drawn}); "
                        "run the report without --plot")


def _save_report_figures(subject, path, analysis):
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.models.us_iran import USIranModel
    from deterrence.models.us_iran_exchange_report import USIranExchange
    check_figure_subject(subject)
    if isinstance(subject, USIranModel):
        fig = model_figure(subject, analysis)
    elif isinstance(subject, USIranExchange):
        fig = exchange_figure(subject, analysis)
    elif isinstance(subject, NormalFormGame):
        import matplotlib.pyplot as plt
        from deterrence.plot import best_response_diagram, payoff_heatmap
        game = subject.with_defaults() if subject.is_symbolic else subject
        two_by_two = game.n_players == 2 and game.shape == (2, 2)
        fig, axes = plt.subplots(1, 2 if two_by_two else 1, figsize=(12 if two_by_two else 6, 5),
                                 constrained_layout=True, squeeze=False)
        payoff_heatmap(game, ax=axes[0][0])
        if two_by_two:
            best_response_diagram(game, ax=axes[0][1])
    else:
        from deterrence.plot.tree import draw_tree
        ax = draw_tree(subject.with_defaults() if getattr(subject, "is_symbolic", False) else subject)
        fig = ax.figure
    fig.savefig(path, dpi=120)
