"""``explain``: why both sides stay below all-out conflict, in numbers and formulas.

A :class:`DeterrenceReport` is a list of :class:`Section` values (a title,
sentences, and the data behind them), rendered as text for the command line,
Markdown or HTML for notebooks, and JSON for machines. Each section is built
from solver results only; the report computes nothing the solvers do not.

Stage-game sections:

* **equilibria**: every equilibrium (exact), and whether any puts weight on
  escalation;
* **margins**: at the restraint equilibrium (the one with no weight on
  escalation; the pure one first), how much each side loses by escalating,
  against its best alternative, in payoff units and as a share of that side's
  payoff range in the game;
* **red lines**: for each parameter, the value at which the set of pure
  equilibria changes (:mod:`deterrence.redlines`), with its formula.

The escalation action of each player is the one labelled ``escalate`` if there
is one, otherwise the last action; pass ``escalation={"US": "strike"}`` to choose.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from fractions import Fraction

from .core.numbers import format_exact


@dataclass(frozen=True)
class Section:
    """One part of a report: a key (for JSON), a title, sentences and data."""

    key: str
    title: str
    lines: tuple
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeterrenceReport:
    """The result of :func:`explain`: sections, rendered in several formats."""

    title: str
    sections: tuple
    summary: str = ""

    def section(self, key) -> Section:
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(f"no section {key!r}; sections: {', '.join(s.key for s in self.sections)}")

    def to_text(self) -> str:
        out = [self.title, "=" * len(self.title)]
        if self.summary:
            out += [self.summary]
        for s in self.sections:
            out += ["", s.title, "-" * len(s.title)] + list(s.lines)
        return "\n".join(out)

    def to_markdown(self) -> str:
        out = [f"# {self.title}"]
        if self.summary:
            out += ["", f"**{self.summary}**"]
        for s in self.sections:
            out += ["", f"## {s.title}", ""] + [f"- {line.strip()}" if not line.startswith("    ") else line
                                                  for line in s.lines]
        return "\n".join(out)

    def to_json(self) -> dict:
        return {"title": self.title, "summary": self.summary,
                **{s.key: s.data for s in self.sections}}

    def _repr_html_(self) -> str:
        import html
        parts = [f"<h3>{html.escape(self.title)}</h3>"]
        if self.summary:
            parts.append(f"<p><b>{html.escape(self.summary)}</b></p>")
        for s in self.sections:
            items = "".join(f"<li>{html.escape(line.strip())}</li>" for line in s.lines)
            parts.append(f"<h4>{html.escape(s.title)}</h4><ul>{items}</ul>")
        return "".join(parts)

    def _repr_markdown_(self) -> str:
        return self.to_markdown()

    def __str__(self):
        return self.to_text()


def escalation_actions(game, escalation=None) -> tuple:
    """The escalation action index of each player (see the module docstring).

    >>> from deterrence import load_game
    >>> escalation_actions(load_game("us_iran_stage"))
    (2, 2)
    """
    escalation = dict(escalation or {})
    out = []
    for i, player in enumerate(game.players):
        if player in escalation:
            out.append(game.action_index(i, escalation[player]))
        elif "escalate" in game.actions[i]:
            out.append(game.actions[i].index("escalate"))
        else:
            out.append(len(game.actions[i]) - 1)
    return tuple(out)


def stage_sections(game, *, escalation=None, red_line_parameters=None) -> list:
    """The equilibrium, margin and red-line sections for a stage game.

    >>> from deterrence import load_game
    >>> [s.key for s in stage_sections(load_game("us_iran_stage"))]
    ['equilibria', 'margins', 'red_lines']
    """
    from .solvers import solve
    from .solvers.certify import expected_payoffs_against
    numeric = game.with_defaults() if game.is_symbolic else game
    result = solve(numeric) if numeric.n_players == 2 else solve(numeric, "pure")
    esc = escalation_actions(numeric, escalation)
    weights = [tuple(eq.strategies[i][esc[i]] for i in range(numeric.n_players)) for eq in result.equilibria]
    any_escalation = [k for k, w in enumerate(weights) if any(p > 0 for p in w)]
    restraint = [k for k, w in enumerate(weights) if all(p == 0 for p in w)]

    lines = [f"[{k}] {eq.describe()}" for k, eq in enumerate(result.equilibria)]
    if any_escalation:
        lines.append(f"{len(any_escalation)} of {len(result.equilibria)} equilibria put weight on "
                     f"escalation: {', '.join(map(str, any_escalation))}.")
    else:
        lines.append("No equilibrium puts any weight on escalation.")
    eq_section = Section("equilibria", "Equilibria", tuple(lines), {
        "method": result.method, "complete": result.complete, "exact": result.exact,
        "equilibria": [e.to_json() for e in result.equilibria],
        "escalation_weight": [[format_exact(p) for p in w] for w in weights],
        "puts_weight_on_escalation": bool(any_escalation),
        "restraint_equilibria": restraint,
    })
    sections = [eq_section]

    if restraint:
        pure_first = sorted(restraint, key=lambda k: not result.equilibria[k].is_pure)
        k = pure_first[0]
        eq = result.equilibria[k]
        margin_lines, margin_data = [f"At the restraint equilibrium [{k}] ({eq.describe()}):"], []
        for i, player in enumerate(numeric.players):
            values = expected_payoffs_against(numeric, eq.strategies, i)
            best_alt = max((v, a) for a, v in enumerate(values) if a != esc[i])
            loss = best_alt[0] - values[esc[i]]
            arr = numeric.payoff_arrays[i]
            spread = max(arr.flat) - min(arr.flat)
            share = Fraction(loss) / spread if spread else Fraction(0)
            margin_lines.append(
                f"{player} would lose {format_exact(loss)} by escalating "
                f"({format_exact(values[esc[i]])} against {format_exact(best_alt[0])} for "
                f"'{numeric.actions[i][best_alt[1]]}'), {float(share):.0%} of its payoff range.")
            margin_data.append({"player": player, "escalation_payoff": format_exact(values[esc[i]]),
                                "best_alternative": numeric.actions[i][best_alt[1]],
                                "best_alternative_payoff": format_exact(best_alt[0]),
                                "loss": format_exact(loss), "share_of_range": format_exact(share)})
        sections.append(Section("margins", "Margins against escalation", tuple(margin_lines),
                                {"equilibrium": k, "players": margin_data}))
    else:
        sections.append(Section("margins", "Margins against escalation",
                                ("No equilibrium is free of escalation: there is no restraint to measure.",),
                                {"equilibrium": None, "players": []}))

    if game.is_symbolic:
        from .redlines import red_lines
        lines_ = red_lines(game, red_line_parameters)
        text = tuple(l.describe() for l in lines_) or ("No parameter change within reach flips the result.",)
        sections.append(Section("red_lines", "Red lines", text, {"red_lines": [l.to_json() for l in lines_]}))
    return sections


def explain(obj, *, escalation=None, red_line_parameters=None, title=None) -> DeterrenceReport:
    """The deterrence analysis of a stage game (more kinds join as they land).

    >>> from deterrence import load_game
    >>> report = explain(load_game("us_iran_stage"))
    >>> report.section("margins").data["players"][1]["loss"]
    '48'
    """
    from .core.normal_form import NormalFormGame
    from .errors import GameError
    if isinstance(obj, NormalFormGame):
        sections = stage_sections(obj, escalation=escalation, red_line_parameters=red_line_parameters)
        eq = sections[0].data
        summary = ("Restraint is an equilibrium: some equilibria put no weight on escalation."
                   if eq["restraint_equilibria"] else "Every equilibrium puts weight on escalation.")
        return DeterrenceReport(title or obj.title or "Deterrence analysis", tuple(sections), summary)
    raise GameError(f"explain() takes a game; got {type(obj).__name__}")


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
