"""Non-credible threats: the Nash equilibria of a tree that are not subgame perfect, and why.

The Nash equilibria of a tree are those of its reduced normal form
(:mod:`deterrence.solvers.tree.reduced_normal_form`); those that are not
subgame perfect rest on *non-credible threats*: a move that a player plans
at a node off the path of play but would not carry out if the node were
reached. :func:`noncredible_threats` names the node (or, for an information
set with several nodes, the set and the smallest subgame that holds it), the
move, the better move and the gain from breaking the threat.

Sources: Selten (1965, 1975); Gibbons, R. (1992). Game Theory for Applied
Economists, sec. 2.1-2.4. Princeton UP; Osborne and Rubinstein (1994), ch. 6.

Steps:

1. solve the reduced normal form for pure equilibria;
2. compare each with the subgame-perfect equilibria (backward induction);
3. for one that is not subgame perfect, complete the information sets it
   leaves open with a subgame-perfect choice, and at every decision node (or
   information set, in its smallest subgame) compare the planned move with
   the best move given the rest of the profile.
"""
from __future__ import annotations

from dataclasses import dataclass

from deterrence.core.numbers import format_exact
from deterrence.core.tree import GameTree, path_name
from deterrence.core.validate import at_defaults
from deterrence.solvers.result import TextRepr
from deterrence.solvers.tree.backward_induction import subgame_perfect, subgame_roots
from deterrence.solvers.tree.reduced_normal_form import (
    expected_payoffs,
    pure_behaviour,
    reduced_normal_form,
)


@dataclass(frozen=True)
class Threat(TextRepr):
    """A move planned at ``node`` that ``player`` would not carry out."""

    node: str
    player: str
    planned: str
    better: str
    gain: object
    planned_payoff: object
    better_payoff: object

    def to_json(self) -> dict:
        """The one JSON form of a threat (``deterrence solve --json`` and the report use it).

        >>> Threat("in", "Incumbent", "fight", "accommodate", 2, -1, 1).to_json()["gain"]
        '2'
        """
        return {"node": self.node, "player": self.player, "planned": self.planned, "better": self.better,
                "gain": format_exact(self.gain)}

    def describe(self) -> str:
        where = self.node if self.node.startswith("information set") else f"node {self.node}"
        return (f"at {where}, {self.player} would not carry out {self.planned!r}: "
                f"{self.better!r} gives {format_exact(self.better_payoff)} instead of "
                f"{format_exact(self.planned_payoff)} (gain {format_exact(self.gain)})")


@dataclass(frozen=True)
class NashExplanation(TextRepr):
    """A pure Nash equilibrium of the reduced normal form and why it is or is not subgame perfect."""

    profile: tuple
    payoffs: tuple
    subgame_perfect: bool
    threats: tuple

    def to_json(self) -> dict:
        """The one JSON form of a pure equilibrium and its threats: ``profile``, ``payoffs``
        (exact strings), ``subgame_perfect``, ``threats`` (:meth:`Threat.to_json` each).

        >>> from deterrence.models.entry_deterrence import entry_deterrence
        >>> noncredible_threats(entry_deterrence())[0].to_json()["threats"][0]["better"]
        'accommodate'
        """
        return {"profile": list(self.profile), "payoffs": [format_exact(v) for v in self.payoffs],
                "subgame_perfect": self.subgame_perfect, "threats": [t.to_json() for t in self.threats]}

    def describe(self) -> str:
        head = "(" + ", ".join(self.profile) + ")"
        if self.subgame_perfect:
            return f"{head}: subgame perfect"
        return f"{head}: not subgame perfect; " + "; ".join(t.describe() for t in self.threats)


#: What the threat test says of a tree with no proper subgame (a signalling game: chance's move is
#: hidden): there every Nash equilibrium is subgame perfect, and it called a pooling threat that
#: fails the intuitive criterion credible (a review). The CLI and the report both print it.
NO_PROPER_SUBGAME = ("no proper subgame: every Nash equilibrium is subgame perfect here, so this test cannot "
                     "tell a credible threat from an empty one; method sequential or signalling_pbe judges "
                     "threats by beliefs")


def noncredible_threats(tree: GameTree) -> list:
    """Each pure Nash equilibrium of the reduced normal form, with its non-credible threats.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> for e in noncredible_threats(entry_deterrence()):
    ...     print(e.describe())
    (out, fight): not subgame perfect; at node in, Incumbent would not carry out 'fight': 'accommodate' gives 1
    instead of -1 (gain 2)
    (in, accommodate): subgame perfect
    """
    from deterrence.solvers import solve
    tree = at_defaults(tree, "noncredible_threats")
    nf = reduced_normal_form(tree)
    strategies = nf.extra["strategies"]
    spe = subgame_perfect(tree)
    spe_beh = [e.behaviour for e in spe.equilibria]
    out = []
    for eq in solve(nf, "pure").equilibria:
        idx = [s.index(1) for s in eq.strategies]
        beh = {}
        for p, strats, j in zip(tree.players, strategies, idx):
            beh.update(pure_behaviour(tree, p, strats[j]))
        perfect = any(all(b.get(k, {}).get(v) == 1 for k, v in beh.items()) for b in spe_beh)
        threats = []
        if not perfect:
            # complete the unassigned information sets with a subgame-perfect choice
            full = dict(beh)
            if spe_beh:
                for k, v in spe_beh[0].items():
                    full.setdefault(k, dict(v))
            roots = subgame_roots(tree)
            for s in tree.infosets.values():
                planned = beh.get(s.key)
                if not isinstance(planned, str):
                    continue
                i = tree.player_index(s.player)
                if len(s.paths) == 1:   # a singleton: compare moves at the node itself
                    path = s.paths[0]
                    vals = {m: expected_payoffs(tree, full, path + (m,))[i] for m in s.actions}
                    where = path_name(path)
                else:                   # evaluate in the smallest subgame holding the set
                    root = max((r for r in roots if all(p[:len(r)] == r for p in s.paths)), key=len)
                    vals = {m: expected_payoffs(tree, {**full, s.key: m}, root)[i] for m in s.actions}
                    where = f"information set {s.name!r} (subgame at {path_name(root)})"
                best = max(vals.values())
                if best > vals[planned]:
                    better = next(m for m in s.actions if vals[m] == best)
                    threats.append(Threat(where, s.player, planned, better,
                                          best - vals[planned], vals[planned], best))
        out.append(NashExplanation(tuple(nf.actions[i][j] for i, j in enumerate(idx)),
                                   eq.payoffs, perfect, tuple(threats)))
    return out


@dataclass(frozen=True)
class ThreatsReport(TextRepr):
    """The pure Nash equilibria of a tree's reduced normal form, each with the threats that are
    not credible: text (``str``, ``print``), HTML (Jupyter) and JSON, like the other results.

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> r = threats_report(entry_deterrence())
    >>> r.to_json()["subgame_perfect"], [e["profile"] for e in r.to_json()["equilibria"]]
    (1, [['out', 'fight'], ['in', 'accommodate']])
    >>> "<td>accommodate</td>" in r._repr_html_()
    True
    """

    equilibria: tuple         # NashExplanation, one per pure equilibrium
    players: tuple = ()

    @property
    def subgame_perfect(self) -> int:
        """The number of the pure equilibria that are subgame perfect."""
        return sum(1 for e in self.equilibria if e.subgame_perfect)

    def headline(self) -> str:
        """One line: how many pure Nash equilibria, and how many of them subgame perfect."""
        n = len(self.equilibria)
        return (f"{n} pure Nash equilibri{'um' if n == 1 else 'a'} in the reduced normal form, "
                f"{self.subgame_perfect} subgame perfect")

    def to_text(self) -> str:
        """The headline, then each equilibrium described, one a line."""
        return "\n".join([self.headline() + ":"] + ["  " + e.describe() for e in self.equilibria])

    def __str__(self) -> str:
        return self.to_text()

    def repr_text(self) -> str:
        return self.to_text()

    def to_json(self) -> dict:
        """The ThreatsReport as a JSON-ready dict of plain values: ``pure_equilibria``,
        ``subgame_perfect``, ``equilibria``."""
        return {"pure_equilibria": len(self.equilibria), "subgame_perfect": self.subgame_perfect,
                "equilibria": [e.to_json() for e in self.equilibria]}

    def _repr_html_(self) -> str:
        import html
        players = self.players or tuple(f"player {i + 1}" for i in range(len(self.equilibria[0].profile)
                                                                          if self.equilibria else 0))
        head = "".join(f"<th>{html.escape(p)}</th>" for p in players)
        rows = []
        for e in self.equilibria:
            cells = "".join(f"<td>{html.escape(a)}</td>" for a in e.profile)
            why = ("subgame perfect" if e.subgame_perfect else
                   "not subgame perfect: " + "; ".join(t.describe() for t in e.threats))
            rows.append(f"<tr>{cells}<td>{html.escape(', '.join(map(format_exact, e.payoffs)))}</td>"
                        f"<td>{html.escape(why)}</td></tr>")
        return (f"<table><caption>{html.escape(self.headline())}</caption><tr>{head}<th>payoffs</th>"
                f"<th>threats</th></tr>{''.join(rows)}</table>")


def threats_report(tree: GameTree) -> ThreatsReport:
    """A report: the pure Nash equilibria and the threats that are not credible (a
    :class:`ThreatsReport`: ``print`` gives the text, Jupyter a table, ``to_json()`` the data).

    >>> from deterrence.models.entry_deterrence import entry_deterrence
    >>> print(threats_report(entry_deterrence()))
    2 pure Nash equilibria in the reduced normal form, 1 subgame perfect:
      (out, fight): not subgame perfect; at node in, Incumbent would not carry out 'fight': 'accommodate' gives 1
      instead of -1 (gain 2)
      (in, accommodate): subgame perfect
    """
    tree = at_defaults(tree, "threats_report")
    return ThreatsReport(tuple(noncredible_threats(tree)), tuple(tree.players))


__all__ = ["NashExplanation", "Threat", "ThreatsReport", "noncredible_threats", "threats_report"]
