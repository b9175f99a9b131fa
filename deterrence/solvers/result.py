"""The frozen result types every stage-game solver returns.

An exact :class:`Equilibrium` is only ever made by :func:`certified_equilibrium`
(in :mod:`.certify`), which checks, exactly, that no player has a profitable
deviation. The one float answer, ``lemke_howson(game, exact=False)``, is
checked in floating point (no deviation gains more than a stated tolerance)
and carries ``exact=False``. A :class:`SolveResult` carries the equilibria, the method, whether
the numbers are exact and the set complete, and (for all-equilibria methods of
two-player games) the cliques and connected components.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from deterrence.core.numbers import format_exact


@dataclass(frozen=True)
class Equilibrium:
    """A mixed-strategy profile that has passed the equilibrium check.

    ``strategies`` holds one tuple of probabilities per player, in the game's
    action order; ``payoffs`` the expected payoff of each player.
    """

    strategies: tuple
    payoffs: tuple
    players: tuple
    actions: tuple
    exact: bool = True

    def support(self, player) -> tuple:
        """Labels of the actions a player uses with positive probability."""
        i = player if isinstance(player, int) else self.players.index(player)
        return tuple(a for a, p in zip(self.actions[i], self.strategies[i]) if p > 0)

    @property
    def is_pure(self) -> bool:
        return all(sum(1 for p in s if p > 0) == 1 for s in self.strategies)

    def probability(self, player, action):
        """Probability a player puts on an action (by label)."""
        i = player if isinstance(player, int) else self.players.index(player)
        return self.strategies[i][self.actions[i].index(action)]

    def to_json(self) -> dict:
        """``{"strategies": [[...], ...], "payoffs": [...]}`` with exact strings."""
        return {"strategies": [[format_exact(p) for p in s] for s in self.strategies],
                "payoffs": [format_exact(v) for v in self.payoffs]}

    def describe(self) -> str:
        """One line such as ``US: hold; Iran: 1/3 hold + 2/3 retaliate``."""
        parts = []
        for player, acts, probs in zip(self.players, self.actions, self.strategies):
            used = [(a, p) for a, p in zip(acts, probs) if p > 0]
            if len(used) == 1:
                parts.append(f"{player}: {used[0][0]}")
            else:
                parts.append(f"{player}: " + " + ".join(f"{format_exact(p)} {a}" for a, p in used))
        pay = ", ".join(format_exact(v) for v in self.payoffs)
        return "; ".join(parts) + f"  (payoffs {pay})"

    def __str__(self):
        return self.describe()


class EquilibriumSequence:
    """What every solve result shares: it is a sequence of its ``equilibria``."""

    def __len__(self):
        return len(self.equilibria)

    def __iter__(self):
        return iter(self.equilibria)

    def __getitem__(self, i):
        return self.equilibria[i]

    @property
    def pure(self) -> tuple:
        """The equilibria in pure strategies."""
        return tuple(e for e in self.equilibria if e.is_pure)


@dataclass(frozen=True)
class SolveResult(EquilibriumSequence):
    """What a solver returns: the equilibria and how they were found.

    ``cliques`` and ``components`` (lists of index tuples into
    ``equilibria``) are set by methods that find every equilibrium of a
    two-player game; ``None`` otherwise.
    """

    equilibria: tuple
    method: str
    exact: bool
    complete: bool
    players: tuple
    actions: tuple
    cliques: tuple | None = None
    components: tuple | None = None
    notes: tuple = field(default_factory=tuple)

    def to_json(self) -> dict:
        """The ``--json`` contract of ``deterrence solve``."""
        out = {"method": self.method, "exact": self.exact, "complete": self.complete,
               "players": list(self.players),
               "actions": [list(a) for a in self.actions],
               "equilibria": [e.to_json() for e in self.equilibria]}
        if self.cliques is not None:
            out["cliques"] = [list(c) for c in self.cliques]
        if self.components is not None:
            out["components"] = [list(c) for c in self.components]
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_text(self) -> str:
        """A readable listing, used by the command line."""
        what = "all" if self.complete else "some"
        lines = [f"{len(self.equilibria)} equilibri{'um' if len(self.equilibria) == 1 else 'a'} "
                 f"({self.method}; {what}; {'exact' if self.exact else 'floating point'})"]
        for k, eq in enumerate(self.equilibria):
            lines.append(f"  [{k}] {eq.describe()}")
        if self.cliques is not None and any(len(c) > 1 for c in self.cliques):
            lines.append("Maximal Nash subsets (every mixture of the listed extreme equilibria is one):")
            lines += [f"  {{{', '.join(map(str, c))}}}" for c in self.cliques]
        if self.components is not None and len(self.components) != len(self.equilibria):
            lines.append("Connected components: " + "; ".join("{" + ", ".join(map(str, c)) + "}"
                                                             for c in self.components))
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def _repr_html_(self) -> str:
        import html
        head = "".join(f"<th>{html.escape(p)}</th>" for p in self.players) + "<th>payoffs</th>"
        rows = []
        for k, eq in enumerate(self.equilibria):
            cells = "".join(
                "<td>" + html.escape(", ".join(f"{a}: {format_exact(p)}" for a, p in zip(acts, s) if p > 0)) + "</td>"
                for acts, s in zip(self.actions, eq.strategies))
            rows.append(f"<tr><td>{k}</td>{cells}<td>{html.escape(', '.join(map(format_exact, eq.payoffs)))}</td></tr>")
        cap = html.escape(self.to_text().splitlines()[0])
        return f"<table><caption>{cap}</caption><tr><th>#</th>{head}</tr>{''.join(rows)}</table>"
