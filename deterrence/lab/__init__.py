"""The lab: a local web page for students who do not write Python (``deterrence lab``).

One picks the US–Iran case (the calibrated stochastic exchange model that
``deterrence report`` analyses: the same headline, equilibrium and probability of war), the
US–Iran teaching model (a repeated stage game), a two-player game of the
catalogue, a game tree of the catalogue (``entry_deterrence``,
``fearon_bargaining``, ...), or a payoff table typed in by hand; moves sliders
for the parameters (the discount factor and the noise too, for the teaching
model); and sees the equilibria, the report's headline, the probability of war and a
figure (the case report's figure, the regime map of the teaching model, the
tree with its subgame-perfect play drawn thick, the payoff heat map of any other
game) update. For a tree the page shows its subgame-perfect
equilibria and where each one's play ends. Every number on the
page is computed by the library's public functions (``dt.solve``,
``dt.explain``, ``dt.regime_map``, ``dt.plot``): the lab shows what the
library computes, nothing of its own.

Built with Panel (``pip install ".[lab]"``), a well-kept framework for data
apps on top of Bokeh; panel is imported inside the functions, so importing
this package stays cheap.

>>> values = parameter_values({"W_iran": 50.0, "b_us": 2.0})
>>> values
{'W_iran': 50, 'b_us': 2}
>>> parse_table("0, 0; -4, 2\\n2, -4; -1, -1").payoff(("row 2", "column 2"))
(-1, -1)
"""
from __future__ import annotations

from fractions import Fraction

import deterrence as dt
from deterrence.core.frozen import RenamedKeys

#: The views' former key names (deprecated, still read) -> the glossary's
_RENAMED = {"war_risk": "war_probability"}

#: The calibrated case model, as ``deterrence report`` analyses it (fitted to the record). The two
#: labels fit the game list's box (longer ones were cut off there: a review of the lab).
US_IRAN_CASE = "US–Iran case (as in deterrence report)"
#: The teaching model: the US–Iran stage game repeated, with execution noise for both sides.
US_IRAN = "US–Iran teaching model (repeated game)"
#: The case model's parameters the lab offers (the fitted ones, motive_rate and
#: deadly_fraction, come from the record), and the misfire rate as "1 in N strikes".
CASE_SLIDERS = ("W_iran", "W_us", "israeli_strike_rate", "presence_value")
MISFIRE_ONE_IN = "misfire: 1 in N militia strikes"
CUSTOM = "my own payoff table"
#: Discount factors offered by the δ slider: label -> exact value (0.99 and the calibrated
#: week's 730/737 too).
DELTAS = {**{f"{k / 100:.2f}": Fraction(k, 100) for k in range(50, 100, 5)}, "0.99": Fraction(99, 100),
          "730/737 (calibrated week)": Fraction(730, 737)}
DEFAULT_TABLE = "0, 0; -4, 2\n2, -4; -1, -1"
#: The solution concept the lab shows for a game tree.
TREE_METHOD = "subgame_perfect"
#: The lab's size guard: a tree with more nodes is refused (solve it in Python instead),
#: so that a slider move stays quick.
MAX_TREE_NODES = 2000
#: Trees with at most this many nodes are drawn; bigger drawings are unreadable on the page.
MAX_DRAWN_NODES = 80

__all__ = [
    "CASE_SLIDERS",
    "CUSTOM",
    "DELTAS",
    "MAX_TREE_NODES",
    "TREE_METHOD",
    "US_IRAN",
    "US_IRAN_CASE",
    "case_view",
    "game_view",
    "make_app",
    "parameter_values",
    "parse_table",
    "serve",
    "tree_view",
    "us_iran_view",
]


def parameter_values(values: dict) -> dict:
    """Slider values as exact numbers: a slider gives floats, each read back as the nearest
    fraction with a denominator up to a million (0.1 is 1/10; the browser's rounding noise, as in
    0.15000000000000002, is dropped; a default of 2/3 stays 2/3: rounded to nine digits it was
    666666667/1000000000, and seven catalogue games were solved with such values before any
    slider moved, mutual_deterrence_incomplete with 33 equilibria for its 32: a review).

    >>> parameter_values({"q": 0.1, "n": 3.0, "p": 0.15000000000000002, "r": 2 / 3})
    {'q': Fraction(1, 10), 'n': 3, 'p': Fraction(3, 20), 'r': Fraction(2, 3)}
    """
    out = {}
    for name, v in values.items():
        q = Fraction(v).limit_denominator(10**6) if isinstance(v, float) else Fraction(v)
        out[name] = q.numerator if q.denominator == 1 else q
    return out


def parse_table(text: str, players=("Row", "Column")):
    """A two-player game from text: one line per row action, cells separated by ``;``,
    the two payoffs of a cell by ``,`` (numbers or fractions such as ``3/4``).

    >>> g = parse_table("3, 3; 0, 5\\n5, 0; 1, 1")
    >>> g.shape, g.actions[0]
    ((2, 2), ('row 1', 'row 2'))
    >>> parse_table("1, 2; 3")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: row 1, cell 2: write two payoffs separated by a comma, got '3'
    """
    from deterrence.core.numbers import to_exact
    rows = [line for line in text.strip().splitlines() if line.strip()]
    first, second = [], []
    for r, line in enumerate(rows, 1):
        cells = [c for c in line.split(";")]
        a, b = [], []
        for c, cell in enumerate(cells, 1):
            parts = [p.strip() for p in cell.split(",")]
            if len(parts) != 2 or not all(parts):
                raise dt.GameError(f"row {r}, cell {c}: write two payoffs separated by a comma, got {cell.strip()!r}")
            try:        # the library's one reader of a number (its size guard included: 1e10000000
                a.append(to_exact(parts[0]))    # took 9 s here, as Fraction's own parse: a review)
                b.append(to_exact(parts[1]))
            except (dt.GameError, dt.TooLargeError) as err:
                raise type(err)(f"row {r}, cell {c}: {err}") from None
        first.append(a)
        second.append(b)
    if not rows or len({len(r) for r in first}) != 1:
        raise dt.GameError("every row of the table needs the same number of cells")
    m, n = len(first), len(first[0])
    return dt.NormalFormGame.from_arrays(first, second, players=list(players),
                                         actions=[[f"row {i + 1}" for i in range(m)],
                                                  [f"column {j + 1}" for j in range(n)]],
                                         title="my own payoff table")


def _equilibria_lines(result) -> list:
    return [eq.describe() for eq in result.equilibria]


def us_iran_view(delta, noise_per_thousand: int, values: dict) -> dict:
    """What the page shows for the US–Iran teaching model: equilibria of one round, the
    report's headline, the probability of war within the model's horizon (the analysis's, which
    ``classify`` and the regime map give too), and the regime (from ``dt.explain``). The
    noise is execution noise for both sides, ``noise_per_thousand`` per thousand; 0 is no
    noise at all (not the game file's).

    >>> view = us_iran_view(Fraction(9, 10), 20, {})
    >>> view["regime"], round(view["war_probability"], 4)
    ('mutual restraint', 0.0734)
    >>> round(us_iran_view(Fraction(1, 2), 0, {})["war_probability"], 4)
    0.0
    """
    noise = {"execution": Fraction(noise_per_thousand, 1000)}
    model = dt.us_iran_model(delta=delta, noise=noise, **values)
    # one analysis, read by the report, the probability of war and the equilibria (classify() and solve()
    # computed the regime, the noise chain and the round's equilibria a second time)
    analysis = model.analyse()
    report = dt.explain(model, analysis=analysis)
    return RenamedKeys({"equilibria": _equilibria_lines(analysis.stage_result), "headline": report.summary,
                        "war_probability": float(analysis.war_risk), "within": model.within,
                        "regime": report.section("regime").data.get("regime")}, _RENAMED)


def case_view(values: dict, *, misfire_one_in: int | None = None, figure: bool = False) -> dict:
    """What the page shows for the US–Iran case: the model ``deterrence report`` analyses
    (fitted to the record) with ``values`` set, and the misfire probability ``1/misfire_one_in``
    when given: the report's title (the headline), the equilibria found, the one followed and
    its regime, and the probability of war within the record's 26 months, all read from the
    report's JSON (so the page and ``deterrence report --set ... --format json`` say the same), and,
    with ``figure``, the report's figure (its map coarser, for speed).

    >>> view = case_view({})
    >>> view["regime"], round(view["war_probability"], 4), view["within"]
    ('contained', 0.0518, '26 months')
    """
    from deterrence.models.us_iran_exchange_report import us_iran_exchange_model
    overrides = dict(values)
    if misfire_one_in:
        overrides["misfire"] = Fraction(1, int(misfire_one_in))
    model = us_iran_exchange_model(**overrides)
    analysis = model.analyse()
    doc = model.report(analysis).to_json()
    found = [f"{e.name} (verified under noise: {e.verified_under_noise})" for e in analysis.equilibria]
    view = RenamedKeys({"equilibria": found,
            "headline": doc["title"], "followed": doc["equilibrium"]["name"], "regime": doc["equilibrium"]["regime"],
            "war_probability": doc["predicted"]["war_probability"]["value"],
            "within": f"{doc['predicted']['war_probability']['horizon_months']} months"}, _RENAMED)
    if figure:
        import matplotlib.pyplot as plt

        from deterrence.plot.report import exchange_figure
        view["figure"] = exchange_figure(model, analysis, grid=5)
        plt.close(view["figure"])        # drawn by the page, not kept by pyplot for the server's lifetime
    return view


def game_view(game) -> dict:
    """What the page shows for any other two-player game: its equilibria, the library's notes on them
    (``"notes"``: what the list is, e.g. the extreme equilibria of a continuum) and the report's headline.

    >>> game_view(dt.load_game("prisoners_dilemma"))["equilibria"]
    ['Row: D; Column: D  (payoffs 1, 1)']
    """
    exact = game.with_defaults() if game.is_symbolic else game
    report = dt.explain(exact)
    result = dt.solve(exact)
    return {"equilibria": _equilibria_lines(result), "headline": report.summary or report.title,
            "notes": list(result.notes)}


def tree_view(tree, max_nodes: int = MAX_TREE_NODES) -> dict:
    """What the page shows for a game tree: its equilibria from ``dt.solve`` (subgame perfect,
    :data:`TREE_METHOD`), where each one's play ends, the library's notes on the result (``"notes"``)
    and the report's headline.

    A symbolic tree is solved at its default values (give a tree with the sliders' values
    substituted, ``tree.subs(...)``); ``"tree"`` is the exact tree solved and ``"result"``
    the library's result, for the drawing. A tree with more than ``max_nodes`` nodes is refused
    with :class:`deterrence.errors.TooLargeError`, as are trees the solver itself refuses.

    >>> view = tree_view(dt.load_game("entry_deterrence").subs(d=0))
    >>> view["equilibria"][0], view["play"][0]
    ('Entrant: out; Incumbent: accommodate  (payoffs 0, 2)', 'play ends at: out')
    >>> tree_view(dt.load_game("entry_deterrence"), max_nodes=3)
    Traceback (most recent call last):
    ...
    deterrence.errors.TooLargeError: Entry deterrence: 5 nodes, over the lab's limit of 3 (solve it in Python: dt.solve)
    """
    size = len(tree.paths())
    if size > max_nodes:
        raise dt.TooLargeError(f"{tree.title}: {size} nodes, over the lab's limit of {max_nodes} "
                               "(solve it in Python: dt.solve)")
    exact = tree.with_defaults() if tree.is_symbolic else tree
    result = dt.solve(exact, TREE_METHOD)
    report = dt.explain(exact)       # cheap on an exact tree: no red-line scan
    # details()[0] is the library's "play ends at: ..." line (present whenever play reaches a leaf)
    return {"equilibria": _equilibria_lines(result), "method": result.method, "notes": list(result.notes),
            "play": [eq.details()[0] if eq.outcomes else "" for eq in result.equilibria],
            "headline": report.summary or report.title, "result": result, "tree": exact}


def _us_iran_figure(delta, values):
    """The regime map over δ and Iran's cost of war, the chosen point starred."""
    from matplotlib.figure import Figure

    fixed = {k: v for k, v in values.items() if k != "W_iran"}
    deltas = [k / 100 for k in range(50, 100, 2)]
    costs = list(range(0, 101, 4))
    fig = Figure(figsize=(6.4, 4.6), layout="constrained")
    ax = fig.subplots()
    dt.plot.sweep_map(dt.regime_map(("delta", deltas), ("W_iran", costs), **fixed), "regime", ax=ax,
                      title="regimes over δ and Iran's cost of war (★ your choice)")
    w = values.get("W_iran", dt.load_game("us_iran_stage").parameters["W_iran"])
    ax.plot([float(delta)], [float(w)], marker="*", color="black", markersize=16)
    ax.set_xlabel("discount factor δ")
    ax.set_ylabel("W_iran")
    return fig


def _heatmap_figure(game):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(6.4, 4.2), layout="constrained")
    dt.plot.payoff_heatmap(game, ax=fig.subplots())
    return fig


def _tree_figure(tree, equilibrium):
    """The tree, the moves of ``equilibrium`` drawn thick (its path of play in black); wider
    for more leaves (up to the page's width), so that the labels keep a readable size."""
    from matplotlib.figure import Figure

    from deterrence.core.tree import Terminal
    leaves = sum(1 for _, node in tree.nodes() if isinstance(node, Terminal))
    fig = Figure(figsize=(min(12.0, max(7.2, 0.9 * leaves)), 4.6), layout="constrained")
    dt.plot.draw_tree(tree, ax=fig.subplots(), equilibrium=equilibrium)
    return fig


def _two_player_catalogue() -> list:
    from deterrence.io.catalogue import catalogue_names

    names = []
    for name in catalogue_names():
        game = dt.load_game(name)
        if isinstance(game, dt.NormalFormGame) and game.n_players == 2:
            names.append(name)
    return names


def _tree_catalogue() -> list:
    """The catalogue's game trees (by name)."""
    from deterrence.io.catalogue import catalogue_names

    return [name for name in catalogue_names() if isinstance(dt.load_game(name), dt.GameTree)]


def _case_sliders(pn):
    """The case model's sliders (:data:`CASE_SLIDERS` at the calibration, and the misfire rate
    as 1 in N strikes)."""
    from deterrence.models.us_iran_exchange import exchange_model
    calibration = dict(exchange_model().values)
    misfire = calibration["misfire"]
    return [_slider(pn, name, calibration[name]) for name in CASE_SLIDERS] + [
        pn.widgets.IntSlider(label=MISFIRE_ONE_IN, start=100, end=10_000, step=100,
                             value=int(1 / misfire) if misfire else 10_000)]


def _slider(pn, name, default):
    """A slider for one parameter: integers step by 1 (up to 25, or twice the default: the
    catalogue's tipping points, e.g. January 2020's D = 20 to 23, are within reach), fractions
    by 1/20; a negative default (a cost written as a negative payoff) gets room below it too."""
    default = Fraction(default)
    if default.denominator == 1:
        top = max(25, 2 * int(default))
        lo = min(0, 2 * int(default))
        return pn.widgets.IntSlider(label=name, start=lo, end=top, step=1, value=int(default))
    # a fraction from 0 to 1 is most often a probability: its slider stops at 1 (it ran to twice
    # the default, past 1, where the page refused the value: a review of the lab)
    end = 1.0 if 0 <= default <= 1 else max(1.0, 2 * float(default))
    return pn.widgets.FloatSlider(label=name, start=min(0.0, 2 * float(default)), end=end,
                                  step=0.05, value=float(default))


def make_app():
    """The lab's page (a Panel layout), with its widgets wired to the library."""
    import panel as pn

    trees = set(_tree_catalogue())
    groups = {"the US–Iran case and teaching model": [US_IRAN_CASE, US_IRAN],
              "two-player games": _two_player_catalogue(),
              "game trees": sorted(trees), "by hand": [CUSTOM]}
    # the case first: it is what the toolkit is picked for, and what `deterrence report` prints
    game_select = pn.widgets.Select(label="game", groups=groups, value=US_IRAN_CASE)
    delta = pn.widgets.DiscreteSlider(label="discount factor δ", options=DELTAS, value=DELTAS["0.90"])
    noise = pn.widgets.IntSlider(label="execution noise (per thousand)", start=0, end=100, step=1, value=20)
    table = pn.widgets.TextAreaInput(label="payoff table (row: 'a, b; a, b')", value=DEFAULT_TABLE, height=100)
    sliders = pn.Column()
    headline = pn.pane.HTML("", sizing_mode="stretch_width")
    equilibria = pn.pane.HTML("", sizing_mode="stretch_width")
    risk = pn.pane.HTML("", sizing_mode="stretch_width")
    # shrunk to the results column, keeping its shape (never blown up past its own width: see draw):
    # the case report's figure (13 inches) and a wide tree ran past a 1280-pixel window, their
    # right-hand panels cut off (a review of the lab)
    figure = pn.pane.Matplotlib(None, dpi=100, tight=True, interactive=False,
                                sizing_mode="stretch_width", fixed_aspect=True)
    status = pn.pane.HTML("", sizing_mode="stretch_width")

    def draw(fig):
        # no figure, no room kept for one: a refused table's message sat under a blank gap the
        # height of the last figure (a review of the lab)
        figure.max_width = int(fig.get_figwidth() * figure.dpi) if fig is not None else None
        figure.object = fig
        figure.visible = fig is not None

    def current_game():
        if game_select.value == CUSTOM:
            return parse_table(table.value)
        return dt.load_game("us_iran_stage" if game_select.value == US_IRAN else game_select.value)

    def rebuild_sliders(*_):
        sliders.clear()
        if game_select.value == CUSTOM:
            sliders.append(table)
        else:
            made = (_case_sliders(pn) if game_select.value == US_IRAN_CASE else
                    [_slider(pn, name, default) for name, default in current_game().parameters.items()])
            for s in made:
                s.param.watch(update, "value_throttled" if "value_throttled" in s.param else "value")
                sliders.append(s)
        us_iran = game_select.value == US_IRAN
        delta.visible = noise.visible = us_iran
        update()

    def update(*events):
        import html
        status.object = "<i>computing…</i>"
        # the teaching model's map does not depend on the noise: a move of the noise slider keeps the
        # figure shown (it was drawn again, and turned into an image again, on every such move)
        noise_only = bool(events) and all(getattr(e, "obj", None) is noise for e in events)
        try:
            values = parameter_values({s.label: s.value for s in sliders if s is not table})
            if game_select.value == US_IRAN_CASE:
                view = case_view({k: v for k, v in values.items() if k != MISFIRE_ONE_IN},
                                 misfire_one_in=values.get(MISFIRE_ONE_IN), figure=True)
                risk.object = (f"<p>Probability of all-out war within {view['within']}: "
                               f"<b class='lab-war-risk'>{view['war_probability']:.4f}</b> "
                               f"(regime: <span class='lab-regime'>{html.escape(str(view['regime']))}</span>; "
                               f"equilibrium followed: {html.escape(view['followed'])})</p>")
                draw(view["figure"])
            elif game_select.value == US_IRAN:
                view = us_iran_view(delta.value, noise.value, values)
                risk.object = (f"<p>Probability of all-out war within {view['within']} rounds: "
                               f"<b class='lab-war-risk'>{view['war_probability']:.4f}</b> "
                               f"(regime: <span class='lab-regime'>{html.escape(str(view['regime']))}</span>)</p>")
                if not (noise_only and figure.object is not None):
                    draw(_us_iran_figure(delta.value, values))
            else:
                game = current_game().subs(**values) if values else current_game()
                risk.object = ("" if game_select.value in trees else
                               "<p>Probability of war: computed for the US–Iran models (pick one above).</p>")
                if game_select.value in trees:
                    view = tree_view(game)
                    shown = view["result"].equilibria
                    draw(_tree_figure(view["tree"], shown[0])
                         if shown and len(game.paths()) <= MAX_DRAWN_NODES else None)
                else:
                    view = game_view(game)
                    draw(_heatmap_figure(game))
            headline.object = f"<h3 class='lab-headline'>{html.escape(view['headline'])}</h3>"
            kind = ("Subgame-perfect equilibria" if "play" in view else
                    "Equilibria of one round (the stage game)" if game_select.value == US_IRAN else "Equilibria")
            source = "exact, from <code>dt.solve</code>"
            if game_select.value == US_IRAN_CASE:
                kind = "Markov perfect equilibria found"
                source = "pure, by the search of <code>deterrence report</code>"
            plays = view.get("play", [""] * len(view["equilibria"]))
            equilibria.object = (f"<p><b>{kind}</b> ({source}):</p>"
                                 "<ul class='lab-equilibria'>"
                                 + "".join(f"<li><span class='lab-equilibrium'>{html.escape(x)}</span>"
                                           + (f"<br><span class='lab-play'>{html.escape(p)}</span>" if p else "")
                                           + "</li>" for x, p in zip(view["equilibria"], plays)) + "</ul>"
                                 + ("<p><i>The drawing shows the first of them.</i></p>"
                                    if "play" in view and len(plays) > 1 and figure.object is not None else "")
                                 # the library's notes on what the list is (Kuhn poker's two are the
                                 # extreme equilibria of a continuum: without them a student read "two")
                                 + "".join(f"<p class='lab-note'><small>Note: {html.escape(n)}</small></p>"
                                           for n in view.get("notes", ())))
            status.object = ""
        except dt.DeterrenceError as err:
            # the library's refusal or complaint, in words; nothing of the previous game stays shown
            headline.object = equilibria.object = ""
            draw(None)
            status.object = f"<p class='lab-error' style='color:#b00'>{html.escape(str(err))}</p>"
        except Exception as err:  # noqa: BLE001 - no input may leave the page on "computing…"
            headline.object = equilibria.object = ""
            draw(None)
            status.object = (f"<p class='lab-error' style='color:#b00'>could not compute this: "
                             f"{html.escape(type(err).__name__)}: {html.escape(str(err))}</p>")

    game_select.param.watch(rebuild_sliders, "value")
    delta.param.watch(update, "value")
    noise.param.watch(update, "value")
    table.param.watch(update, "value")
    rebuild_sliders()
    controls = pn.Column("## deterrence lab", game_select, delta, noise, sliders, width=340)
    results = pn.Column(headline, risk, equilibria, figure, status, sizing_mode="stretch_width")
    return pn.Row(controls, results, sizing_mode="stretch_width")


def serve(port: int = 5006, open_browser: bool = True, address: str = "127.0.0.1"):
    """Serve the lab on ``address:port`` until interrupted (Ctrl-C)."""
    import panel as pn

    origins = [f"{address}:{port}", f"localhost:{port}", f"127.0.0.1:{port}"]
    pn.serve({"/": make_app}, port=port, address=address, show=open_browser, title="deterrence lab",
             allow_websocket_origin=origins, threaded=False, start=True)
