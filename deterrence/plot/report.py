"""Figures of a deterrence report (``deterrence report --plot FILE``).

For the US–Iran model: the stage game's payoff heat map, the deterrence map
(δ against Iran's cost of war, with war-risk contours), and war-risk curves
for contained tit-for-tat and a standing exchange of limited strikes. For a
stage game: its heat map (and best-response diagram for 2 x 2 games); for a
tree: its drawing. Every function returns the figure.
"""
from __future__ import annotations

import numpy as np


def war_risk_by_round(stage, profile, noise, rounds) -> np.ndarray:
    """P(all-out war within t rounds) for each t in ``rounds`` (float path).

    >>> from deterrence.models.us_iran import us_iran_model
    >>> m = us_iran_model()
    >>> r = war_risk_by_round(m.stage.with_defaults(), list(m.strategies), m.noise, [1, 10, 100])
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
    from deterrence.models.us_iran import contained_exchange
    from deterrence.plot.figures import payoff_heatmap, sweep_map, war_risk_curve
    if analysis is None:
        analysis = model.analyse(critical=False, proxies=False, noise=False)
    stage = model.stage.with_defaults()
    fig, axes = plt.subplots(1, 3, figsize=(17, 5.2), constrained_layout=True)
    payoff_heatmap(stage, ax=axes[0])
    w = float(model.stage.parameters["W_iran"])
    m = regime_map(("delta", np.linspace(0.3, 0.99, grid)), ("W_iran", np.linspace(0, max(2 * w, 10), grid)))
    sweep_map(m, "regime", ax=axes[1], war_risk=True,
              title=f"Deterrence map (regime and war risk); here: {analysis.regime_name}")
    axes[1].plot([float(model.delta)], [w], marker="*", color="black", markersize=14, linestyle="none")
    ts = np.arange(1, rounds + 1)
    exchange = [contained_exchange(stage, 0), contained_exchange(stage, 1)]
    curves = [war_risk_by_round(stage, list(model.strategies), model.noise, ts),
              war_risk_by_round(stage, exchange, model.noise, ts)]
    war_risk_curve(ts, curves, ax=axes[2], labels=["contained tit-for-tat (restraint)",
                                                    "standing exchange of limited strikes"])
    noise = ", ".join(f"{k} {v}" for k, v in model.noise.to_dict().items()) if model.noise else "none"
    axes[2].set_title(f"Risk of a spiral (noise: {noise})")
    return fig


def exchange_figure(subject, analysis=None, *, years=10):
    """The stochastic US–Iran model beside the record: attacks a month (model and record) and the
    probability of war within each month up to ``years`` years, under the selected equilibrium.

    >>> import matplotlib; matplotlib.use("Agg")
    >>> from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    >>> m = us_iran_exchange_model(fitted=False)
    >>> fig = exchange_figure(m, m.analyse(), years=1)
    >>> [ax.get_title() for ax in fig.axes][1]
    'Probability of all-out war within t months'
    """
    import matplotlib.pyplot as plt
    from deterrence.models.us_iran_exchange import exchange_model, horizon_weeks
    from deterrence.solvers.stochastic.markov_chain import absorption_probability
    analysis = subject.analyse() if analysis is None else analysis
    model = exchange_model(**dict(analysis.values))    # the model the analysis solved (fitted values)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.6), constrained_layout=True)
    record = {name: (count, start, end) for name, count, start, end, *_ in analysis.record}
    months_on_record = 26
    attacks = record.get("attacks_on_us_personnel", (83,))[0] / months_on_record
    predicted = analysis.predicted["attacks_per_month"]
    left.bar(["record (CENTCOM, 26 months)", "model (fitted equilibrium)"], [attacks, predicted],
             color=["#777777", "#1f77b4"])
    for x, v in enumerate([attacks, predicted]):
        left.text(x, v, f"{v:.2f}", ha="center", va="bottom")
    left.set_ylabel("attacks on US forces per month")
    left.set_title("Attacks on US forces: model beside the record")
    if analysis.selected is None:
        right.text(0.5, 0.5, "no contained equilibrium: war is the outcome", ha="center", va="center")
        right.set_axis_off()
        return fig
    game = model.stochastic_game
    strategy = {s: tuple(a) for s, a in analysis.selected.actions.items()}
    months = list(range(0, 12 * years + 1))
    risk = [float(absorption_probability(game, strategy, horizon_weeks(months=t), states=["war"], exact=False))
            for t in months]
    right.plot(months, risk, color="#d62728")
    right.axvline(months_on_record, color="#777777", linestyle="--", linewidth=1)
    right.text(months_on_record, max(risk) * 0.95 if max(risk) > 0 else 0.01, " 26 months on record",
               fontsize=8, va="top")
    right.set_xlabel("months from a quiet week")
    right.set_ylabel("probability of all-out war")
    right.set_title("Probability of all-out war within t months")
    right.set_ylim(bottom=0)
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
    if p.exists() and not force:
        raise GameError(f"--plot {path}: the file exists; add --force to overwrite it")


def _save_report_figures(subject, path, analysis):
    from deterrence.core.normal_form import NormalFormGame
    from deterrence.models.us_iran import USIranModel
    from deterrence.models.us_iran_exchange_report import USIranExchange
    if isinstance(subject, USIranModel):
        fig = model_figure(subject, analysis)
    elif isinstance(subject, USIranExchange):
        fig = exchange_figure(subject, analysis)
    elif callable(getattr(subject, "analyse", None)):
        from deterrence.errors import GameError
        raise GameError(f"no report figure for a {type(subject).__name__} yet: "
                        "deterrence.plot.report draws the US-Iran model, stage games and trees")
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
