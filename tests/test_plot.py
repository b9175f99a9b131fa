"""Figures of deterrence.plot: drawn with Agg, checked by what is on the Axes, saved as PNG."""
from fractions import Fraction as F

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import deterrence as dt  # noqa: E402
from deterrence import plot  # noqa: E402
from deterrence.errors import GameError  # noqa: E402
from deterrence.solvers.result import SolveResult  # noqa: E402

ACTS = ["hold", "retaliate", "escalate"]


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def us_iran():
    """The catalogue's US-Iran stage game at its default values, built in Python."""
    table = {("hold", "hold"): (0, 0), ("hold", "retaliate"): (-4, 2), ("hold", "escalate"): (-26, -46),
             ("retaliate", "hold"): (2, -4), ("retaliate", "retaliate"): (-1, -1),
             ("retaliate", "escalate"): (-24, -49), ("escalate", "hold"): (-16, -56),
             ("escalate", "retaliate"): (-19, -54), ("escalate", "escalate"): (-22, -52)}
    return dt.NormalFormGame.from_mapping(table, players=["US", "Iran"], actions=[ACTS, ACTS],
                                          title="US and Iran-backed militias")


def chicken():
    return dt.NormalFormGame.from_arrays([[0, -1], [1, -10]], [[0, 1], [-1, -10]],
                                         players=["US", "Iran"], actions=[["swerve", "straight"]] * 2)


def result_of(game, profiles, cliques=None):
    eqs = tuple(dt.certified_equilibrium(game, s) for s in profiles)
    return SolveResult(equilibria=eqs, method="test", exact=True, complete=True,
                       players=game.players, actions=game.actions, cliques=cliques)


def save(ax, tmp_path, name):
    path = tmp_path / f"{name}.png"
    ax.figure.savefig(path, dpi=60)
    assert path.stat().st_size > 2000
    return path


def test_heatmap_annotates_exact_payoffs_and_labels(tmp_path):
    g = us_iran()
    ax = plot.payoff_heatmap(g, player="Iran")
    texts = [t.get_text() for t in ax.texts]
    assert texts == [f"{g.payoff((r, c))[0]}, {g.payoff((r, c))[1]}" for r in ACTS for c in ACTS]
    assert ax.get_xlabel() == "Iran" and ax.get_ylabel() == "US"
    assert [t.get_text() for t in ax.get_xticklabels()] == ACTS
    assert [t.get_text() for t in ax.get_yticklabels()] == ACTS
    assert "payoff of Iran" in ax.get_title()
    # the colour bar is a second Axes of the same figure, labelled by what is coloured
    assert [a.get_ylabel() for a in ax.figure.axes[1:]] == ["payoff of Iran"]
    # colours follow Iran's payoffs: the image holds them, row by row
    assert np.array_equal(ax.images[0].get_array(), np.array(g.payoff_array("Iran"), dtype=float))
    save(ax, tmp_path, "heatmap")


def test_heatmap_shows_each_players_incentives_and_symbolic_defaults(tmp_path):
    g = dt.NormalFormGame.from_arrays([["1/3", 0], [1, "-5/2"]], [[0, "2/3"], [1, 2]])
    ax = plot.payoff_heatmap(g)
    # each cell: the row player's payoff (lower left), then the column player's (upper right);
    # a star on each best response, found here by brute force over the table
    A, B = g.payoff_arrays
    expected = []
    for r in range(2):
        for c in range(2):
            expected.append(str(A[r, c]) + ("*" if A[r, c] == max(A[:, c]) else ""))
            expected.append(str(B[r, c]) + ("*" if B[r, c] == max(B[r, :]) else ""))
    assert [t.get_text() for t in ax.texts] == [e.replace("Fraction", "") for e in expected]
    assert "best response" in ax.get_title()
    # the triangles are coloured by the two players' own payoffs, cell by cell
    colours = ax.collections[0].get_array()
    assert np.allclose(colours, [float(v) for r in range(2) for c in range(2) for v in (A[r, c], B[r, c])])
    # a pure equilibrium is a cell with two stars: (strike-row 1, column 1) here
    stars = [ax.texts[k].get_text().endswith("*") and ax.texts[k + 1].get_text().endswith("*")
             for k in range(0, 8, 2)]
    pure = {(e.strategies[0].index(1), e.strategies[1].index(1)) for e in dt.solve(g, "pure")}
    assert {divmod(k, 2) for k, s in enumerate(stars) if s} == pure
    save(ax, tmp_path, "heatmap_both")
    # a symbolic game is drawn at its default values
    import sympy
    W = sympy.Symbol("W", real=True)
    sym = dt.NormalFormGame.from_arrays([[0, 1], [2, -W]], [[0, 2], [1, -W]], parameters={"W": 10})
    assert plot.payoff_heatmap(sym, player=0, colorbar=False).texts[3].get_text() == "-10, -10"


def test_zero_has_one_colour_in_every_payoff_figure():
    # all-positive, all-negative and mixed-sign tables: 0 is always the middle (white) colour
    from matplotlib import colormaps
    middle = colormaps[plot.PAYOFF_CMAP](0.5)
    for a in ([[0, 3], [5, 1]], [[0, -3], [-5, -1]], [[0, -3], [5, 1]]):
        g = dt.NormalFormGame.from_arrays(a, a)
        ax = plot.payoff_heatmap(g, player=0, colorbar=False)
        image = ax.images[0]
        assert np.allclose(image.cmap(image.norm(0.0)), middle)
        ax = plot.payoff_heatmap(g, colorbar=False)
        ax.figure.canvas.draw()          # colours are mapped at drawing time
        tri = ax.collections[0]
        assert np.allclose(tri.get_facecolors()[0], middle)    # cell (0, 0), payoff 0
        plt.close("all")


def test_heatmap_refuses_three_players():
    g = dt.NormalFormGame.from_payoff_arrays([np.zeros((2, 2, 2), dtype=int)] * 3)
    with pytest.raises(dt.GameError, match="two-player"):
        plot.payoff_heatmap(g)


def test_best_response_diagram_chicken(tmp_path):
    g = chicken()
    r = result_of(g, [[(0, 1), (1, 0)], [(F(9, 10), F(1, 10)), (F(9, 10), F(1, 10))], [(1, 0), (0, 1)]])
    ax = plot.best_response_diagram(g, result=r)
    assert ax.get_xlabel() == "p = P(US plays swerve)"
    assert ax.get_ylabel() == "q = P(Iran plays swerve)"
    assert sorted(t.get_text() for t in ax.texts) == ["(0, 1)", "(1, 0)", "(9/10, 9/10)"]
    us = [ln for ln in ax.lines if ln.get_color() == plot._PALETTE[0]]
    iran = [ln for ln in ax.lines if ln.get_color() == plot._PALETTE[1]]
    # each correspondence: two flat pieces and the jump at the indifference point 9/10
    assert len(us) == 3 and len(iran) == 3
    jump = [ln for ln in us if ln.get_ydata()[0] == ln.get_ydata()[1] and ln.get_xdata()[0] != ln.get_xdata()[1]]
    assert [ln.get_ydata()[0] for ln in jump] == [pytest.approx(0.9)]
    offsets = ax.collections[0].get_offsets()
    assert sorted(map(tuple, np.round(offsets, 6))) == [(0, 1), (0.9, 0.9), (1, 0)]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["US's best response", "Iran's best response", "Nash equilibria"]
    save(ax, tmp_path, "br_chicken")


def test_best_response_diagram_uses_solve_by_default():
    mp = dt.NormalFormGame.zero_sum([[1, -1], [-1, 1]], actions=[["H", "T"], ["H", "T"]])
    ax = plot.best_response_diagram(mp)
    assert [t.get_text() for t in ax.texts] == ["(1/2, 1/2)"]


def test_best_response_diagram_continuum_and_indifference(tmp_path):
    # Column is indifferent when Row plays its first action: (p=1, q>=1/2) is a continuum.
    g = dt.NormalFormGame.from_arrays([[1, 1], [0, 2]], [[1, 1], [0, 2]])
    r = result_of(g, [[(1, 0), (1, 0)], [(0, 1), (0, 1)], [(1, 0), (F(1, 2), F(1, 2))]],
                  cliques=((0, 2), (1,)))
    ax = plot.best_response_diagram(g, result=r)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "continuum of equilibria" in legend
    seg = [ln for ln in ax.lines if ln.get_label() == "continuum of equilibria"][0]
    assert list(seg.get_xdata()) == [1.0, 1.0] and sorted(seg.get_ydata()) == [0.5, 1.0]
    save(ax, tmp_path, "br_continuum")
    # a player indifferent everywhere: the whole square is shaded
    flat = dt.NormalFormGame.from_arrays([[1, 1], [1, 1]], [[1, 0], [0, 1]])
    r = result_of(flat, [[(1, 0), (1, 0)], [(0, 1), (0, 1)], [(F(1, 2), F(1, 2)), (F(1, 2), F(1, 2))]])
    ax = plot.best_response_diagram(flat, result=r)
    assert any("(everything)" in p.get_label() for p in ax.patches)


def test_best_response_diagram_needs_2x2():
    with pytest.raises(dt.GameError, match="2×2"):
        plot.best_response_diagram(us_iran())


def test_payoff_polygon_shapes(tmp_path):
    ax = plot.payoff_polygon([(0, 0), (4, 0), (F(1, 2), 3)], label="feasible", color="grey")
    assert len(ax.patches) == 1 and ax.patches[0].get_label() == "feasible"
    assert np.allclose(ax.patches[0].get_xy()[:3], [[0, 0], [4, 0], [0.5, 3]])
    plot.payoff_polygon([(1, 1), (2, 2)], ax=ax, label="segment")
    plot.payoff_polygon([(3, 1)], ax=ax, label="point")
    assert [ln.get_label() for ln in ax.lines] == ["segment", "point"]
    assert ax.get_xlim()[1] >= 4 and ax.get_ylim()[1] >= 3
    save(ax, tmp_path, "polygon")


def test_payoff_sets_us_iran(tmp_path):
    g = us_iran()
    ax = plot.payoff_sets(g)
    assert ax.get_xlabel() == "payoff of US" and ax.get_ylabel() == "payoff of Iran"
    assert [p.get_label() for p in ax.patches] == ["feasible payoffs", "individually rational"]
    # the minmax lines sit at the exact minmax values: -22 for the US, -52 for Iran
    dashed = [ln for ln in ax.lines if ln.get_linestyle() == "--"]
    assert dashed[0].get_xdata()[0] == -22 and dashed[1].get_ydata()[0] == -52
    labels = " ".join(t.get_text() for t in ax.texts)
    assert all(f"({r}, {c})" in labels for r in ACTS for c in ACTS)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "minmax (mixed): US -22, Iran -52" in legend and "pure outcomes" in legend
    save(ax, tmp_path, "payoff_sets")


def test_payoff_sets_with_equilibrium_set(tmp_path):
    pd = dt.NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]],
                                       players=["US", "Iran"], actions=[["hold", "strike"]] * 2)
    ax = plot.payoff_sets(pd, delta=F(3, 4))
    labels = [p.get_label() for p in ax.patches]
    assert labels == ["feasible payoffs", "individually rational", "equilibrium payoffs at δ = 3/4"]
    assert ax.get_title().endswith("δ = 3/4")
    save(ax, tmp_path, "payoff_sets_pd")


def test_critical_delta_curve(tmp_path):
    W = [5, 10, 20, 40]
    ax = plot.critical_delta_curve(W, [None, F(2, 3), "1/2", 0.25], xlabel="W_iran (cost of war)")
    assert ax.get_xlabel() == "W_iran (cost of war)"
    assert ax.get_ylabel() == "critical discount factor δ*"
    curve = ax.lines[0]
    assert np.isnan(curve.get_ydata()[0]) and np.allclose(curve.get_ydata()[1:], [2 / 3, 0.5, 0.25])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["restraint sustainable (δ ≥ δ*)", "restraint breaks down (δ < δ*)",
                      "no δ* (never subgame perfect)", "δ*"]
    assert len(ax.collections) == 2
    save(ax, tmp_path, "delta")
    with pytest.raises(dt.GameError):
        plot.critical_delta_curve([1, 2], [0.5])


def _green_x_ranges(ax):
    from matplotlib.colors import to_rgba
    green = to_rgba(plot.REGIME_COLORS[0])[:3]
    out = []
    for coll in ax.collections:
        fc = coll.get_facecolor()
        if len(fc) and np.allclose(fc[0][:3], green):
            for path in coll.get_paths():
                xs = path.vertices[:, 0]
                out.append((xs.min(), xs.max()))
    return out


def test_critical_delta_curve_breaks_at_missing_values(tmp_path):
    # a value with no δ* must not count as δ* = 1, nor be bridged by the curve or the shading
    x = [1, 2, 3, 4, 5, 6]
    ax = plot.critical_delta_curve(x, ["1/2", "1/2", None, "1/2", "1/2", None])
    ranges = _green_x_ranges(ax)
    assert ranges and all(hi <= 2 or lo >= 4 for lo, hi in ranges), ranges
    assert all(hi <= 5 for _, hi in ranges), ranges      # nothing green past the last δ*
    curve = [ln for ln in ax.lines if ln.get_label() == "δ*"][0]
    y = curve.get_ydata()
    assert np.isnan(y[2]) and np.isnan(y[5]) and np.allclose(y[[0, 1, 3, 4]], 0.5)
    bands = [p for p in ax.patches if p.get_hatch()]
    # the band covers the values without a δ* only (thin bands for single values), never a
    # value that has one: δ* exists at 2 and 4, so the band around 3 stays inside (2, 4)
    assert [round(p.get_x() + p.get_width() / 2, 9) for p in bands] == [3, 6]
    assert all(2 < p.get_x() and p.get_x() + p.get_width() < 4 for p in bands[:1])
    assert bands[0].get_label() == "no δ* (never subgame perfect)" and bands[0].get_height() == 1
    assert "no δ* (never subgame perfect)" in [t.get_text() for t in ax.get_legend().get_texts()]
    # a leading missing value (the old test's case): no green left of the first δ*
    ax = plot.critical_delta_curve([5, 10, 20], [None, "2/3", "1/2"])
    assert all(lo >= 10 for lo, _ in _green_x_ranges(ax))
    ax.figure.savefig(tmp_path / "gap.png")


def test_deterrence_map(tmp_path):
    x = np.linspace(5, 60, 12)
    y = np.linspace(0.3, 0.99, 10)
    X, Y = np.meshgrid(x, y)
    codes = np.where(Y > 10 / (X + 5) + 0.2, 0, np.where(Y > 10 / (X + 5), 1, 2))
    names = np.array(plot.REGIMES, dtype=object)[codes]
    ax = plot.deterrence_map(names, x, y, xlabel="W_iran", ylabel="δ",
                             war_risk=np.clip((1 - Y) * 30 / X, 0, 1), title="regimes")
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("W_iran", "δ", "regimes")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(plot.REGIMES)
    mesh = ax.collections[0]
    assert np.array_equal(np.asarray(mesh.get_array()).reshape(codes.shape), codes)
    assert any(t.get_text().startswith("P(war)") for t in ax.texts)   # contour labels
    save(ax, tmp_path, "map")
    with pytest.raises(dt.GameError, match="unknown regime"):
        plot.deterrence_map([["peace"]], [1], [1])


def test_war_risk_curve(tmp_path):
    rounds = np.arange(1, 31)
    curves = [1 - (1 - p) ** rounds for p in (0.01, 0.05)]
    ax = plot.war_risk_curve(rounds, curves, labels=["1/100", "1/20"])
    assert len(ax.lines) == 2
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["1/100", "1/20"]
    assert ax.get_xlabel() == "round"
    assert np.allclose(ax.lines[1].get_ydata(), curves[1])
    save(ax, tmp_path, "risk")
    one = plot.war_risk_curve([1, 2, 3], [0.1, 0.2, 0.3])
    assert len(one.lines) == 1 and one.get_legend() is None


def test_noisy_trajectory(tmp_path):
    hist = [("hold", "hold"), ("hold", "retaliate"), ("retaliate", "hold"), ("hold", "retaliate"),
            ("escalate", "escalate")]
    mistakes = [[False, False], [False, True], [False, False], [False, False], [True, False]]
    ax = plot.noisy_trajectory(hist, action_labels=ACTS, players=["US", "Iran"], mistakes=mistakes)
    assert [t.get_text() for t in ax.get_yticklabels()] == ["US", "Iran"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ACTS + ["misfire (noise)"]
    mesh = ax.collections[0]
    assert np.array_equal(np.asarray(mesh.get_array()).reshape(2, 5), [[0, 0, 1, 0, 2], [0, 1, 0, 1, 2]])
    assert sorted(map(tuple, ax.collections[1].get_offsets().tolist())) == [(2.0, 1.0), (5.0, 0.0)]
    save(ax, tmp_path, "trajectory")
    with pytest.raises(dt.GameError, match="unknown action"):
        plot.noisy_trajectory([("hold", "nuke")], action_labels=ACTS)


def test_functions_draw_on_a_given_axes(tmp_path):
    fig, axes = plt.subplots(1, 3, figsize=(12, 4))
    assert plot.payoff_heatmap(chicken(), ax=axes[0], colorbar=False) is axes[0]
    assert plot.war_risk_curve([1, 2], [0.1, 0.2], ax=axes[1]) is axes[1]
    assert plot.payoff_polygon([(0, 0), (1, 0), (0, 1)], ax=axes[2]) is axes[2]
    assert len(fig.axes) == 3
    fig.savefig(tmp_path / "grid.png", dpi=50)


def test_a_mixed_equilibrium_near_the_edge_is_magnified_in_an_inset():
    # a costly crash makes going straight rare: the mixed equilibrium sits near a corner, where
    # both correspondences run along the frame (notebook 09's Cuban crisis at N = 100)
    near_edge = dt.load_game("chicken").subs(crash=100)
    mixed = [e for e in dt.solve(near_edge) if 0 < e.strategies[0][0] < 1]
    (p, q) = (mixed[0].strategies[0][0], mixed[0].strategies[1][0])
    assert min(p, 1 - p, q, 1 - q) < F(1, 10)
    ax = plot.best_response_diagram(near_edge)
    (inset,) = ax.child_axes
    assert inset.get_title() == "magnified"
    x0, x1 = inset.get_xlim()
    y0, y1 = inset.get_ylim()
    assert x0 < p < x1 and y0 < q < y1 and x1 - x0 < 0.5         # the corner, enlarged
    assert [t.get_text() for t in inset.texts] == [f"({p}, {q})"]
    # an equilibrium away from the frame needs no inset
    assert plot.best_response_diagram(dt.load_game("matching_pennies")).child_axes == []


def _mirrors(game):
    """The eight images of a 2×2 game under reversing either player's actions and swapping the
    players: its equilibria visit the matching places of the square (p -> 1 - p, q -> 1 - q, p <-> q)."""
    A, B = game.payoff_arrays
    images = []
    for swap in (False, True):
        for flip_rows in (False, True):
            for flip_columns in (False, True):
                a, b, actions, players = A, B, [list(game.actions[0]), list(game.actions[1])], list(game.players)
                if flip_rows:
                    a, b, actions = a[::-1], b[::-1], [actions[0][::-1], actions[1]]
                if flip_columns:
                    a, b, actions = a[:, ::-1], b[:, ::-1], [actions[0], actions[1][::-1]]
                if swap:
                    a, b, actions, players = b.T, a.T, actions[::-1], players[::-1]
                images.append(dt.NormalFormGame.from_arrays(a, b, players=players, actions=actions))
    return images


def _inset_diagram(game):
    """The best-response diagram of ``game`` drawn, as ``(ax, renderer, inset, lines)``: the
    lines are the visible outline of the magnified window and lines to the inset, in pixels."""
    ax = plot.best_response_diagram(game)
    ax.figure.canvas.draw()
    renderer = ax.figure.canvas.get_renderer()
    (inset,) = ax.child_axes
    (indicator,) = [c for c in ax.get_children() if hasattr(c, "connectors")]
    lines = [p.get_path().transformed(p.get_transform())
             for p in (indicator.rectangle, *indicator.connectors) if p.get_visible()]
    return ax, renderer, inset, lines


def _labels_are_the_equilibria(game, ax, inset):
    """Each equilibrium of ``game`` labelled once, on the main axes or in the inset."""
    from deterrence.core.numbers import format_exact
    points = [(e.strategies[0][0], e.strategies[1][0]) for e in dt.solve(game)]
    return sorted(t.get_text() for t in ax.texts + inset.texts) == \
        sorted(f"({format_exact(p)}, {format_exact(q)})" for p, q in points)


def test_labels_keep_clear_of_the_inset_and_its_lines():
    """Tutorial 2: the label "(1/25, 1/10)" of the reduced US-Iran game's mixed equilibrium,
    near the corner (0, 0), crossed the lines from its magnified window to the inset (and the
    window's outline and the inset's tick labels). On that game mirrored to every corner and
    edge, and on Chicken with costly crashes: no label's box meets the lines, the outline or
    the inset, and each equilibrium is labelled once (the magnified ones in the inset)."""
    reduced = dt.iterated_elimination(dt.load_game("us_iran_stage").with_defaults()).reduced
    for game in _mirrors(reduced) + [dt.load_game("chicken").subs(crash=c) for c in (20, 100)]:
        ax, renderer, inset, drawn = _inset_diagram(game)
        assert len(drawn) == 3                      # the outline and two lines to the inset
        inset_box = inset.get_tightbbox(renderer)
        for text in ax.texts + inset.texts:
            white = text.get_bbox_patch()
            box = (white or text).get_window_extent(renderer)
            assert not any(line.intersects_bbox(box, filled=False) for line in drawn), text.get_text()
            if text in ax.texts:
                assert not box.overlaps(inset_box), text.get_text()
        assert _labels_are_the_equilibria(game, ax, inset)
        plt.close("all")


def test_an_equilibrium_just_beside_the_window_is_magnified_too():
    """A pure equilibrium at the frame just outside the magnified window (here (1, 0), 1/28
    below the window around (91/92, 3/55); about 5 in 4,000 random games): its one corner
    inside the frame was under the window's outline and a line to the inset, and its label was
    drawn across both. Now the window takes it in and it is labelled in the inset. On the game
    mirrored to every corner: each equilibrium labelled once, the neighbour in the inset, and
    every label on the main axes clear of the outline, the lines and the inset, inside the axes."""
    base = dt.NormalFormGame.from_arrays([[-54, 31], [50, 25]], [[-29, -28], [39, -52]])
    for game in _mirrors(base):
        ax, renderer, inset, drawn = _inset_diagram(game)
        frame, inset_box = ax.get_window_extent(renderer), inset.get_tightbbox(renderer)
        for text in ax.texts:
            box = text.get_bbox_patch().get_window_extent(renderer)
            assert not any(line.intersects_bbox(box, filled=False) for line in drawn), text.get_text()
            assert not box.overlaps(inset_box) and frame.contains(box.x0, box.y0) \
                and frame.contains(box.x1, box.y1), text.get_text()
        assert _labels_are_the_equilibria(game, ax, inset)
        assert len(inset.texts) == 2                  # the mixed equilibrium and its neighbour
        plt.close("all")


def test_a_label_whose_first_corner_crosses_a_line_to_the_inset_goes_to_another_corner():
    """The check that a label keeps clear of the lines to the inset decides where it goes (in
    the diagrams above it never does: best_response_diagram labels on its main axes only the
    equilibria at the square's corners, where no corner but the first stays in the frame, so
    dropping the check passed every test). Here the line from the window's lower right corner
    to the inset's passes just above (3/5, 3/10): its first corner, up and to the left, is
    crossed; the label goes to one that is clear."""
    from deterrence.plot.figures import _inset_lines, _label_equilibria, _new_axes
    ax = _new_axes(None, (5.2, 5.0))                 # the unit square of best_response_diagram
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-0.05, 1.05)
    ax.set_aspect("equal")
    inset = ax.inset_axes([0.62, 0.62, 0.34, 0.34])
    inset.set_xlim(0.1, 0.2)
    inset.set_ylim(0.1, 0.2)
    indicator = ax.indicate_inset_zoom(inset, edgecolor="0.3")
    _label_equilibria(ax, [(F(3, 5), F(3, 10))], inset=inset, indicator=indicator)
    (label,) = ax.texts
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    outline, connectors = _inset_lines(indicator)
    drawn = [p.get_path().transformed(p.get_transform()) for p in (outline, *connectors) if p.get_visible()]

    def crossed(corner):
        label.xyann = corner
        label.set_ha("right" if corner[0] < 0 else "left")
        fig.canvas.draw()
        box = label.get_bbox_patch().get_window_extent(renderer)
        return any(line.intersects_bbox(box, filled=False) for line in drawn), box

    placed = label.xyann
    assert placed != (-8, 8) and crossed((-8, 8))[0]          # the first corner is in the way
    clear, box = crossed(placed)
    assert not clear and not box.overlaps(inset.get_tightbbox(renderer))


def test_model_figure_gives_each_regime_one_colour_across_panels():
    """The spiral panel's curves wear the colours of their regimes on the map beside them."""
    from matplotlib.colors import to_hex
    from deterrence.models.us_iran import REGIMES, us_iran_model
    from deterrence.plot.report import model_figure
    fig = model_figure(us_iran_model(), rounds=5, grid=6)
    map_ax, risk_ax = fig.axes[1], fig.axes[2]
    legend = map_ax.get_legend() or fig.legends[0]
    patch_colour = {t.get_text(): to_hex(h.get_facecolor())
                    for t, h in zip(legend.get_texts(), legend.legend_handles)}
    lines = risk_ax.get_lines()
    assert len(lines) == 2
    for line in lines:
        regime = next(r for r in REGIMES if r in line.get_label())
        assert to_hex(line.get_color()) == patch_colour[regime], (line.get_label(), regime)
    assert "7 days" in risk_ax.get_xlabel()


def test_model_figure_says_the_regimes_are_classified_without_noise():
    """The map's regimes ignore the noise (its P(war) contours do not): the title and the
    legend say so, so that 'mutual restraint' is not read as an equilibrium under the noise."""
    from deterrence.models.us_iran import us_iran_model
    from deterrence.plot.report import model_figure
    map_ax = model_figure(us_iran_model(), rounds=5, grid=6).axes[1]
    assert "classified without noise" in map_ax.get_title()
    assert "contours under the noise" in map_ax.get_title()
    assert "classified without noise" in map_ax.get_legend().get_title().get_text()


def test_a_map_legend_of_long_regime_names_is_one_column_inside_the_figure():
    long_names = ("contained exchange holds", "fails: a side would hold", "fails: a side would strike more or leave")
    for regimes, columns in ((("calm", "strikes", "war"), 3), (long_names, 1)):
        ax = plot.deterrence_map([[0, 1, 2]], x=[1, 2, 3], y=[1], regimes=regimes)
        legend = ax.get_legend()
        assert legend._ncols == columns
        ax.figure.canvas.draw()
        box = legend.get_window_extent()
        figure_box = ax.figure.bbox
        assert columns == 3 or (box.x0 >= figure_box.x0 and box.x1 <= figure_box.x1)
        plt.close(ax.figure)


def test_add_to_legend_keeps_the_map_entries_and_needs_labels():
    ax = plot.deterrence_map([[0, 1]], x=[1, 2], y=[1], regimes=("calm", "war"), legend_title="classified by")
    star, = ax.plot([1], [1], marker="*", linestyle="none", label="the model")
    plot.add_to_legend(ax, star)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["calm", "war", "the model"]
    assert legend.get_title().get_text() == "classified by"
    unlabelled, = ax.plot([2], [1])
    with pytest.raises(GameError, match="no label"):
        plot.add_to_legend(ax, unlabelled)
    _, bare = plt.subplots()
    with pytest.raises(GameError, match="already have a legend"):
        plot.add_to_legend(bare, star)
    plt.close("all")


def test_tree_figure_names_information_sets_and_mixed_moves():
    """Beer-Quiche's receiver has two information sets side by side: each gets its own colour
    and name (one dashed line had joined all four nodes, as if one set), and the
    equilibrium's mixed moves show their probabilities (two thick edges said nothing of 1/2)."""
    from deterrence.plot import draw_tree
    bq = dt.load_game("beer_quiche")
    ax = draw_tree(bq, equilibrium=dt.solve(bq, "sequential")[0])
    texts = {t.get_text(): t for t in ax.texts}
    assert {"B (after_beer)", "B (after_quiche)", "A", "duel [1/2]", "no_duel [1/2]"} <= set(texts)
    assert texts["B (after_beer)"].get_color() != texts["B (after_quiche)"].get_color()
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert sorted(line.get_color() for line in dashed) == sorted(
        {texts["B (after_beer)"].get_color(), texts["B (after_quiche)"].get_color()})
    # at two heights on the page, not one line (the brackets' depths under the row are in points)
    heights = {tuple(line.get_transform().transform(line.get_xydata())[:, 1].round(3)) for line in dashed}
    assert len(heights) == 2
    plt.close("all")


def test_a_node_label_names_its_set_only_when_that_adds_something():
    """A one-node set named after its player read "Challenger (challenger)" (a review of
    notebook 03); a set of several nodes is still named."""
    from deterrence.core.tree import GameTree, chance, decision, terminal
    from deterrence.plot.tree import _node_text
    tree = GameTree(decision("Challenger", {
        "probe": chance({h: ("1/2", decision("Defender", {"hold": terminal([0, 0]), "fight": terminal([1, -1])},
                                                  infoset="guess")) for h in ("hard", "soft")}),
        "stay": terminal([0, 0])}, infoset="challenger"), players=["Challenger", "Defender"])
    assert _node_text(tree, (), tree.root) == "Challenger"
    assert _node_text(tree, ("probe", "hard"), tree.node(("probe", "hard"))) == "Defender (guess)"
    # a set of several nodes named after its player (notebook 03's unilateral deterrence tree)
    from deterrence import load_game
    unilateral = load_game("unilateral_deterrence")
    shown = {_node_text(unilateral, p, n) for p, n in unilateral.nodes() if getattr(n, "player", None)}
    assert "Challenger (challenger)" not in shown and "Challenger" in shown
