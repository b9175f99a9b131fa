"""Labels drawn as written: ``$x^{$`` or ``\\alpha`` from a game file is text, never TeX.

Matplotlib reads a string with an even number of unescaped ``$`` as mathtext (and
``$x^{$`` crashes the drawing later, when the figure is saved), and with
``text.usetex`` every label goes to LaTeX. Labels come from game files and users,
so every public figure function is wrapped by :func:`literal_labels`.

Steps: (1) run the figure function with ``text.parse_math`` and ``text.usetex`` off,
so that texts it measures while drawing are plain (the texts already on an Axes
it is given too); (2) then, for every ``Text`` of its
figure (titles, axis labels, tick labels, legends, annotations, colour bars), turn
``usetex`` off and write each ``$`` as ``\\$`` with mathtext parsing back on:
matplotlib shows ``\\$`` as ``$`` and never reads it as math (the exact inverse of its
``\\$`` -> ``$`` rule, so the label shows exactly as written), and this holds for texts
that matplotlib makes later too; (3) do the same to the labels of the artists (for a
legend made later), to the strings of fixed tick formatters and to the labels of
function tick formatters (ours name actions and players), which make new tick labels
at draw time. A text already made literal is left alone, so that calling two figure
functions on one Axes does not escape twice.
"""
from __future__ import annotations

import functools
import threading

_DONE = "_deterrence_literal"
_NESTING = threading.local()


def literal_text(text: str) -> str:
    r"""``text`` such that matplotlib draws it exactly as written (no mathtext).

    >>> literal_text("$x^{$"), literal_text(r"a\$b")
    ('\\$x^{\\$', 'a\\\\$b')
    """
    return text.replace("$", r"\$")


def _make_literal(figure) -> None:
    from matplotlib.text import Text
    from matplotlib.ticker import FixedFormatter, FuncFormatter
    for text in figure.findobj(Text):
        shown = text.get_text()
        if getattr(text, _DONE, None) == shown:
            continue
        text.set_usetex(False)
        text.set_parse_math(True)
        if "$" in shown:
            shown = literal_text(shown)
            text.set_text(shown)
        setattr(text, _DONE, shown)
    for ax in figure.get_axes():
        for artist in ax.get_children():
            label = artist.get_label()
            if isinstance(label, str) and "$" in label and not label.startswith("_") \
                    and getattr(artist, _DONE, None) != label:
                artist.set_label(literal_text(label))
                setattr(artist, _DONE, artist.get_label())
        for axis in (ax.xaxis, ax.yaxis):
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter) and getattr(formatter, _DONE, None) is not formatter.seq:
                    formatter.seq = [literal_text(str(s)) for s in formatter.seq]
                    setattr(formatter, _DONE, formatter.seq)
                elif isinstance(formatter, FuncFormatter) and not hasattr(formatter.func, _DONE):
                    formatter.func = _literal_function(formatter.func)


def _plain_while_drawing(figure) -> None:
    """Texts of a figure made literal before are plain again (their own strings, no
    mathtext) while a figure function draws on it and measures them."""
    from matplotlib.text import Text
    for text in figure.findobj(Text):
        shown = text.get_text()
        if getattr(text, _DONE, None) == shown:
            text.set_text(shown.replace(r"\$", "$"))     # the inverse of literal_text
            delattr(text, _DONE)
        text.set_parse_math(False)


def _literal_function(label):
    """A tick-label function whose labels are literal (it names actions or players)."""
    @functools.wraps(label)
    def literal(*args, **kwargs):
        return literal_text(str(label(*args, **kwargs)))
    setattr(literal, _DONE, True)
    return literal


def literal_labels(draw):
    """Decorator of a figure function (returning an Axes or a Figure): its texts are literal,
    and it keeps the error contract of :func:`deterrence.core.validate.public_boundary`.

    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> @literal_labels
    ... def titled(title):
    ...     ax = plt.subplots()[1]
    ...     ax.set_title(title)
    ...     return ax
    >>> ax = titled("$x^{$")
    >>> ax.figure.savefig(__import__("io").BytesIO()); ax.get_title()
    '\\\\$x^{\\\\$'
    """
    from deterrence.core.validate import public_boundary
    draw = public_boundary(draw)                 # bad arguments: a GameError naming them

    @functools.wraps(draw)
    def drawn(*args, **kwargs):
        import matplotlib
        if getattr(_NESTING, "depth", 0):        # a figure function drawing for another one:
            return draw(*args, **kwargs)         # the outermost makes the texts literal at the end
        _NESTING.depth = 1
        for given in list(args) + list(kwargs.values()):   # the user's Axes: plain while drawing
            if hasattr(given, "figure") and hasattr(given, "xaxis"):
                _plain_while_drawing(given.figure)
        try:
            with matplotlib.rc_context({"text.parse_math": False, "text.usetex": False}):
                out = draw(*args, **kwargs)
        finally:
            _NESTING.depth = 0
        figure = out
        while figure is not None and not hasattr(figure, "savefig"):
            figure = getattr(figure, "figure", None)
        if figure is not None:
            _make_literal(figure)
        return out
    return drawn


__all__ = ["literal_labels", "literal_text"]
