"""What a reader sees of the teaching figures: curves told apart without their colours, legends that
list what their panel shows, and the record of a figure (tests/figure_facts.py) that the notebook
tests read."""
import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402

from deterrence import plot  # noqa: E402
from figure_facts import figure_facts, overlapping_texts  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _deuteranope_distance(a, b):
    """How far apart two colours look to a reader without green cones: Viénot, Brettel and Mollon
    (1999)'s simulation on linear RGB, back to sRGB, then the RGB distance (0 for one colour,
    1.7 at most; the palette's orange and vermillion are 0.23 apart, blue and orange 0.85)."""
    def linear(c):
        c = np.asarray(to_rgb(c))
        return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)

    def gamma(c):
        c = np.clip(c, 0, 1)
        return np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)
    sim = np.array([[0.29275, 0.70725, 0.0], [0.29275, 0.70725, 0.0], [-0.02234, 0.02234, 1.0]])
    return float(np.linalg.norm(gamma(sim @ linear(a)) - gamma(sim @ linear(b))))


def test_close_colours_of_curves_are_told_apart_by_their_dashes():
    """Notebook 05 drew five curves of war risk, two of them in close oranges (#E69F00 and #D55E00,
    side by side), every curve solid: to a colour-blind reader two were one. Each curve now has its own
    line style, and the two oranges are not neighbours in the order of the curves."""
    rounds = np.arange(1, 11)
    for n in (2, 3, 5, 8):
        ax = plot.war_risk_curve(rounds, [1 - (1 - p / 100) ** rounds for p in range(1, n + 1)],
                                 labels=[f"curve {k}" for k in range(n)])
        dashes = [line._unscaled_dash_pattern for line in ax.lines]
        assert len(set(map(str, dashes))) == n, (n, dashes)
        # the legend shows each curve's dashes (its handles are the curves' own styles)
        legend_dashes = [h._unscaled_dash_pattern for h in ax.get_legend().legend_handles]
        assert [str(d) for d in legend_dashes] == [str(d) for d in dashes]
        colours = [line.get_color() for line in ax.lines]
        for a, b in zip(colours, colours[1:]):
            assert _deuteranope_distance(a, b) > 0.3, (n, a, b)


def test_the_colour_blind_check_sees_the_two_oranges():
    assert _deuteranope_distance("#E69F00", "#D55E00") < 0.3 < _deuteranope_distance("#0072B2", "#E69F00")


def test_a_map_legend_lists_the_regimes_the_map_shows():
    """Notebook 06's three maps each listed absorb, answer Israel and answer US forces; two of them
    show no absorb. A map's legend lists its own regimes, each in the colour it has on every map."""
    names = ("absorb", "answer Israel", "answer US forces")
    colours = ("#4daf4a", "#ffb000", "#d7301f")
    ax = plot.deterrence_map([[2, 1], [1, 2]], x=[0, 1], y=[0, 1], regimes=names, colors=colours)
    legend = ax.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["answer Israel", "answer US forces"]
    assert [matplotlib.colors.to_hex(h.get_facecolor()) for h in legend.legend_handles] == list(colours[1:])
    # by name too, and a map of every regime lists every one in order
    ax = plot.deterrence_map([["answer US forces", "absorb"], ["answer Israel", "absorb"]], x=[0, 1], y=[0, 1],
                             regimes=names, colors=colours)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(names)
    # the map's marks added to its legend keep to the regimes shown
    ax = plot.deterrence_map([[0, 0]], x=[0, 1], y=[0], regimes=names)
    star, = ax.plot([0], [0], marker="*", linestyle="none", label="the model")
    plot.add_to_legend(ax, star)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["absorb", "the model"]


def test_figure_facts_record_titles_legends_and_the_smallest_text():
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    left.plot([0, 1], [0, 1], label="a", linestyle="--")
    left.legend(fontsize=7)
    left.set_title("left")
    right.plot([0, 1], [1, 0])
    facts = figure_facts(fig)
    assert not facts["titled"]                       # one panel without a title, and no suptitle
    assert facts["smallest"][0] == [7.0, "a"]
    assert facts["legends"] == [["a"], None] and facts["legend_points"] == 7.0
    assert facts["lines"][0] == [["a", "#1f77b4", "--", "None"]]
    assert 700 < facts["width_px"] <= 820
    right.set_title("right")
    assert figure_facts(fig)["titled"]
    right.set_title("")
    fig.suptitle("both")
    assert figure_facts(fig)["titled"]


def _library_figures():
    """The library's figures that had 7-pt text (review 45), each drawn as a notebook draws it."""
    import deterrence as dt
    yield "best response, inset", plot.best_response_diagram(dt.load_game("chicken").subs(crash=100)).figure
    stage = dt.load_game("us_iran_stage")          # notebook 04's picture of the case, its corner magnified
    fig, ax = plt.subplots(figsize=(7.5, 6))
    plot.payoff_sets(stage, delta=dt.RepeatedGame.from_game(stage).delta, ax=ax, zoom=((-5.5, 3), (-5.5, 3)))
    yield "payoff sets, US-Iran", fig
    yield "payoff sets, prisoner's dilemma", plot.payoff_sets(dt.load_game("prisoners_dilemma"),
                                                             zoom=((2.5, 5.5), (-0.5, 3.5))).figure
    m = dt.regime_map(("delta", [0.5 + 0.02 * i for i in range(25)]), ("W_iran", list(range(1, 80, 3))),
                      noise={"execution": "1/50"})
    yield "map, contours", plot.sweep_map(m, "regime", war_risk=True).figure


def test_no_text_of_the_library_figures_is_under_8_points_and_no_label_covers_another():
    """Review 45: the best-response diagram's inset (ticks and "magnified"), the payoff sets' labels
    and inset ticks and the maps' contour labels were 7 pt; and with a zoom the payoff sets' legend
    sat in the upper left whatever was there (the prisoner's dilemma's (C, D), point and label,
    lay under it). Every text of each figure is read (figure_facts' smallest), not just legends."""
    for name, fig in _library_figures():
        facts = figure_facts(fig)
        assert facts["smallest"][0][0] >= 8, (name, facts["smallest"])
        assert overlapping_texts(fig) == [], name
    assert any(t.get_text().startswith("P(war)") for t in fig.axes[0].texts)      # the map has its contours


def test_overlapping_texts_sees_a_label_under_a_legend():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(loc="upper left")
    ax.annotate("under the legend", (0.02, 0.98), xycoords="axes fraction", va="top")
    ax.annotate("free", (0.6, 0.1))
    assert overlapping_texts(fig) == [["under the legend", "legend"]]
