"""The report carrier: a :class:`DeterrenceReport` is a title, a summary and
:class:`Section` values (a key for JSON, a title, sentences, and the data behind
them). It computes nothing: analyses and models build the sections, and the
report renders them as text (terminal), Markdown, HTML (Jupyter) and JSON.

It lives in ``core`` so that every layer above (models, which own their
case-specific sections, and the generic analysis) can build one.

>>> r = DeterrenceReport("T", (Section("k", "K", ("one line",), {"x": 1}),), "summary")
>>> r.to_json()
{'title': 'T', 'summary': 'summary', 'k': {'x': 1}}
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from deterrence.core.frozen import frozen, thawed


@dataclass(frozen=True)
class Section:
    """One part of a report: a key (for JSON), a title, sentences and data.

    ``latex``: optionally, for each line, the same sentence with its formulas as inline
    LaTeX math (``$...$``; an empty string keeps the plain line): Markdown and Jupyter show
    these, the terminal the plain ``lines``.
    """

    key: str
    title: str
    lines: tuple
    data: dict = field(default_factory=dict)
    latex: tuple = ()

    def __post_init__(self):
        # a section's data is read-only (core.frozen): it is often an analysis's dict, which the
        # session's cache shares with every later report of the model (a review changed a number
        # in one report's data and saw the next report's headline change)
        if self.data is None:
            object.__setattr__(self, "data", {})
        if not isinstance(self.data, dict):
            from deterrence.errors import GameError
            raise GameError(f"Section {self.key!r}: data must be a table (a dict), got {type(self.data).__name__}")
        object.__setattr__(self, "data", frozen(dict(self.data)))

    def __repr__(self) -> str:
        """The section as text (the dataclass repr printed its data table too: a review).

        >>> Section("k", "K", ("one line",), {"x": 1})
        <Section k: K
        one line>
        """
        return "<Section " + "\n".join([f"{self.key}: {self.title}", *self.lines]) + ">"

    def markdown_line(self, i: int):
        """The ``i``-th line for Markdown: its LaTeX form when it has one, else None.

        >>> Section("k", "K", ("d = x^2", "x = 1"), latex=("$d = x^{2}$", "")).markdown_line(0)
        '$d = x^{2}$'
        """
        return self.latex[i] if i < len(self.latex) and self.latex[i] else None

    def _repr_markdown_(self) -> str:
        """Markdown for Jupyter: the section alone, its numbers and sets typeset like the report's.

        >>> s = Section("k", "Shadow", ("delta* = 3/4 = Max(a, b) on", "delta in Interval.Ropen(3/4, 1)"))
        >>> print(s._repr_markdown_())
        ### Shadow
        <BLANKLINE>
        - δ* = $\\frac{3}{4}$ = max(a, b) on
        - δ in [$\\frac{3}{4}$, 1)
        """
        from deterrence.core.latex import typeset_text
        return typeset_text("\n".join([f"### {self.title}", ""] + [f"- {line.strip()}" for line in self.lines]))


@dataclass(frozen=True)
class DeterrenceReport:
    """The result of :func:`explain`: sections, rendered in several formats."""

    title: str
    sections: tuple
    summary: str = ""

    def section(self, key) -> Section:
        """The section with this key (``KeyError`` naming the keys there are).

        >>> DeterrenceReport("T", (Section("k", "K", ("one line",)),)).section("k").lines
        ('one line',)
        """
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {', '.join(s.key for s in self.sections)}")

    def to_text(self) -> str:
        """The report as plain text, for a terminal: the title and each section's title underlined.

        >>> print(DeterrenceReport("T", (Section("k", "K", ("one line",)),), "S").to_text())
        T
        =
        S
        <BLANKLINE>
        K
        -
        one line
        """
        out = [self.title, "=" * len(self.title)]
        if self.summary:
            out += [self.summary]
        for s in self.sections:
            out += ["", s.title, "-" * len(s.title)] + list(s.lines)
        return "\n".join(out)

    def to_markdown(self) -> str:
        """The report as Markdown: each section a heading, each line a bullet (with its LaTeX
        form, when it has one).

        >>> print(DeterrenceReport("T", (Section("k", "K", ("x = 1",), latex=("$x = 1$",)),)).to_markdown())
        # T
        <BLANKLINE>
        ## K
        <BLANKLINE>
        - $x = 1$
        """
        out = [f"# {self.title}"]
        if self.summary:
            out += ["", f"**{self.summary}**"]
        for s in self.sections:
            out += ["", f"## {s.title}", ""] + [
                f"- {s.markdown_line(i)}" if s.markdown_line(i)
                else f"- {line.strip()}" if not line.startswith("    ") else line
                for i, line in enumerate(s.lines)]
        return "\n".join(out)

    def to_json(self) -> dict:
        """The report as one JSON-ready object, an ordinary copy: changing it changes no report.

        >>> r = DeterrenceReport("T", (Section("k", "K", (), {"x": [1]}),))
        >>> r.to_json()["k"]["x"].append(2); r.to_json()["k"]
        {'x': [1]}
        """
        return {"title": self.title, "summary": self.summary,
                **{s.key: thawed(s.data) for s in self.sections}}

    def _repr_html_(self) -> str:
        """HTML for Jupyter, with typeset math (fractions, intervals, max) in every line.

        >>> r = DeterrenceReport("T", (Section("k", "K", ("delta in Interval.Ropen(3/4, 1)",)),))
        >>> print(r._repr_html_())
        <h3>T</h3><h4>K</h4><ul><li>δ in [\\(\\frac{3}{4}\\), 1)</li></ul>
        """
        import html

        from deterrence.core.latex import typeset_text
        parts = [f"<h3>{html.escape(self.title)}</h3>"]
        if self.summary:
            parts.append(f"<p><b>{typeset_text(self.summary, 'html')}</b></p>")
        def item(section, i, line):
            math = section.markdown_line(i)
            if math is None:
                return typeset_text(line.strip(), "html")
            parts = math.split("$")        # even parts are text, odd parts LaTeX math
            return "".join(html.escape(p) if k % 2 == 0 else r"\(" + html.escape(p) + r"\)"
                           for k, p in enumerate(parts))

        for s in self.sections:
            items = "".join(f"<li>{item(s, i, line)}</li>" for i, line in enumerate(s.lines))
            parts.append(f"<h4>{html.escape(s.title)}</h4><ul>{items}</ul>")
        return "".join(parts)

    def _repr_markdown_(self) -> str:
        """Markdown for Jupyter, with inline math (``$\\frac{3}{4}$``) where the text has numbers.

        >>> r = DeterrenceReport("T", (Section("k", "K", ("threshold 3/4",)),), "Max(1/2, x)")
        >>> print(r._repr_markdown_())
        # T
        <BLANKLINE>
        **max($\\frac{1}{2}$, x)**
        <BLANKLINE>
        ## K
        <BLANKLINE>
        - threshold $\\frac{3}{4}$
        """
        from deterrence.core.latex import typeset_text
        out = [f"# {self.title}"]
        if self.summary:
            out += ["", f"**{typeset_text(self.summary)}**"]
        for s in self.sections:
            out += ["", f"## {s.title}", ""] + [
                f"- {s.markdown_line(i)}" if s.markdown_line(i)      # already LaTeX: not typeset again
                else f"- {typeset_text(line.strip())}" if not line.startswith("    ") else typeset_text(line)
                for i, line in enumerate(s.lines)]
        return "\n".join(out)

    def __str__(self):
        return self.to_text()

    def __repr__(self) -> str:
        """The report as text, as the terminal prints it (the dataclass repr printed every section's
        data table: a review; Jupyter shows the HTML).

        >>> DeterrenceReport("T", (Section("k", "K", ("one line",), {"x": 1}),), "summary")
        <DeterrenceReport
        T
        =
        summary
        <BLANKLINE>
        K
        -
        one line
        >
        """
        return f"<DeterrenceReport\n{self.to_text()}\n>"


def render(report: DeterrenceReport, fmt: str = "text") -> str:
    """Render a report as ``text``, ``markdown`` or ``json``.

    >>> print(render(DeterrenceReport("T", ()), "json"))
    {
      "title": "T",
      "summary": ""
    }
    """
    if fmt == "json":
        return json.dumps(report.to_json(), indent=2)
    if fmt == "markdown":
        return report.to_markdown()
    return report.to_text()


__all__ = ["DeterrenceReport", "Section", "render"]
