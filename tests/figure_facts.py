"""What a reader sees of each figure a notebook shows: its titles, its smallest texts, its legends and
its curves, recorded in the kernel as ``dt.plot.show`` displays the figure (a PNG keeps none of it).

``with_recorder(nb)`` returns a copy of a notebook with a first cell that wraps ``dt.plot.show`` and a
last cell that prints the record; ``recorded(nb)`` reads the record back from the executed copy and
drops the two cells. ``figure_facts(fig)`` is the record of one figure, usable on its own in tests;
``overlapping_texts(fig)`` lists the labels that cover each other or a legend.
"""
import copy
import json
from pathlib import Path

import nbformat

MARK = "FIGURE-FACTS "

# the kernel gets this module's functions as source (its path need not hold the tests)
_RECORDER = '''
import deterrence.plot as _plot
_FIGURE_FACTS, _shown = [], _plot.show
def _recording_show(figure_or_axes, *args, **kwargs):
    figure = figure_or_axes
    while figure is not None and not hasattr(figure, "savefig"):
        figure = getattr(figure, "figure", None)
    if figure is not None:
        _FIGURE_FACTS.append(figure_facts(figure))
    return _shown(figure_or_axes, *args, **kwargs)
_plot.show = _recording_show
'''

_PRINTER = 'print("' + MARK + '" + __import__("json").dumps(_FIGURE_FACTS))'


def _visible_texts(fig):
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and t.figure is fig:
            ax = t.axes
            if ax is not None and not ax.get_visible():
                continue
            yield t


def figure_facts(fig) -> dict:
    """The record of one figure: ``titled`` (a suptitle, or a title on every panel), ``width_px``
    (as ``dt.plot.show`` saves it: tight, 100 dpi), ``smallest`` (the five smallest texts as
    ``[points, text]``), ``legends`` (each panel's legend entries), ``legend_points`` (the
    smallest legend text, in points; None without a legend) and ``lines`` (each panel's
    labelled curves as ``[label, colour, line style, marker]``)."""
    from matplotlib.colors import to_hex

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    panels = [ax for ax in fig.axes if ax.get_subplotspec() is not None and ax.get_visible()]
    suptitle = fig._suptitle.get_text() if getattr(fig, "_suptitle", None) is not None else ""
    titled = bool(suptitle.strip()) or bool(panels) and all(
        any(ax.get_title(loc).strip() for loc in ("left", "center", "right")) for ax in panels)
    sizes = sorted((float(t.get_fontsize()), t.get_text()[:60]) for t in _visible_texts(fig))
    legends, lines, legend_sizes = [], [], []
    for legend in [ax.get_legend() for ax in fig.axes] + list(fig.legends):
        if legend is not None:
            legend_sizes += [float(t.get_fontsize()) for t in legend.get_texts()]
    for ax in panels:
        legend = ax.get_legend()
        legends.append([t.get_text() for t in legend.get_texts()] if legend is not None else None)
        lines.append([[ln.get_label(), to_hex(ln.get_color()), str(ln.get_linestyle()), str(ln.get_marker())]
                      for ln in ax.get_lines() if not ln.get_label().startswith("_")])
    width = fig.get_tightbbox(renderer).width + 0.2      # savefig's bbox_inches="tight", pad 0.1 inch
    return {"titled": titled, "width_px": round(width * 100), "smallest": [list(s) for s in sizes[:5]],
            "legends": legends, "legend_points": min(legend_sizes, default=None), "lines": lines,
            "titles": [ax.get_title() for ax in panels] + [suptitle]}


def overlapping_texts(fig) -> list:
    """Pairs of texts a reader cannot both read: labels and annotations of one panel (an inset's
    too, in figure pixels) whose boxes overlap each other or a legend, as ``[text, text]`` (a
    legend as ``"legend"``). Tick labels are left out: the axis places them."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = []
    for ax in fig.axes:
        if not ax.get_visible():
            continue
        boxes += [(t.get_text(), t.get_window_extent(renderer)) for t in ax.texts
                  if t.get_visible() and t.get_text().strip()]
        if ax.get_legend() is not None:
            boxes.append(("legend", ax.get_legend().get_window_extent(renderer)))
    return [[a, b] for i, (a, box) in enumerate(boxes) for b, other in boxes[i + 1:] if box.overlaps(other)]


def with_recorder(nb):
    """A copy of ``nb`` that records every figure it shows (see the module's docstring)."""
    out = copy.deepcopy(nb)
    out.cells.insert(0, nbformat.v4.new_code_cell(Path(__file__).read_text() + _RECORDER))
    out.cells.append(nbformat.v4.new_code_cell(_PRINTER))
    return out


def recorded(nb) -> list:
    """The record of an executed ``with_recorder`` copy, one entry a figure in the order shown; the
    recorder's two cells are taken out of ``nb`` (the other checks see the notebook as written)."""
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    del nb.cells[-1], nb.cells[0]
    line = next(ln for ln in printed.splitlines() if ln.startswith(MARK))
    return json.loads(line[len(MARK):])
