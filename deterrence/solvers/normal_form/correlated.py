"""Correlated and coarse correlated equilibria of n-player games, by exact linear programming.

References
----------
* R. J. Aumann, "Subjectivity and correlation in randomized strategies",
  J. Math. Econ. 1 (1974) 67-96: correlated equilibrium; the chicken example
  (payoffs 6,6 / 2,7 / 7,2 / 0,0) whose correlated equilibrium with 1/3 on each
  cell but (D, D) pays 5 to each, more than any Nash equilibrium's symmetric 14/3.
* I. Gilboa and E. Zemel, "Nash and correlated equilibria: some complexity
  considerations", GEB 1 (1989) 80-93, and C. H. Papadimitriou and
  T. Roughgarden, "Computing correlated equilibria in multi-player games",
  J. ACM 55 (2008): the set of correlated equilibria is the polytope of
  distributions ``x`` over profiles with, for every player ``i`` and actions
  ``a != b``, ``sum_{s: s_i = a} x(s) (u_i(s) - u_i(b, s_-i)) >= 0``.
* J. Hannan (1957); H. Moulin and J.-P. Vial, "Strategically zero-sum games",
  IJGT 7 (1978) 201-221: coarse correlated equilibrium, one constraint per player
  and deviation ``b``: ``sum_s x(s) (u_i(s) - u_i(b, s_-i)) >= 0``.
* R. G. Bland, "New finite pivoting rules for the simplex method", Math. Oper.
  Res. 2 (1977): the anti-cycling rule of the exact simplex method used here;
  D. Avis and K. Fukuda (1992) for vertex enumeration by reverse search over the
  lexicographically feasible bases (they meet every vertex).

Steps
-----
1. Scale every payoff by the least common denominator (a positive scaling keeps
   the polytope) and write the incentive constraints as rows of integers.
2. Build the integer tableau of ``-A x + s = 0`` (slacks ``s >= 0``) and
   ``sum x + a = 1`` with one artificial ``a``; the slacks and ``a`` are a
   feasible starting basis.
3. Phase I: the exact simplex method (fraction-free pivots,
   :func:`deterrence.core.exact.bareiss_pivot`, Bland's rule) drives ``a`` to 0
   (a correlated equilibrium always exists: every Nash equilibrium is one), then
   pivots it out of the basis and drops its column.
4. Phase II maximises the stated objective (welfare, or one player's payoff),
   by default from the optimal basis that SciPy's HiGHS (floating point) reports,
   made exact by pivoting its columns into the integer tableau (steps 2-3 are
   then skipped unless that basis is not exactly feasible):
   at the end every reduced cost is <= 0, an exact certificate of optimality.
   Or: vertex enumeration from phase I's basis, a reverse search over the
   lexicographically feasible bases (:mod:`deterrence.core.reverse_search`:
   they meet every vertex; each basis once, in the memory of one path), each
   basis giving a vertex.
5. Every distribution returned is checked again against every incentive
   constraint in Fractions with the game's own payoffs
   (:func:`certified_correlated`).

A correlated equilibrium is a distribution over profiles, not a product of
strategies, so the result is its own small frozen value,
:class:`CorrelatedResult` of :class:`CorrelatedEquilibrium`, with ``to_json()``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product

import numpy as np

from deterrence.core.exact import IntegerTableau
from deterrence.core.numbers import format_exact
from deterrence.errors import GameError, NotAnEquilibriumError
from deterrence.solvers.result import EquilibriumSequence
from deterrence.solvers.result import TextRepr

__all__ = ["CorrelatedEquilibrium", "CorrelatedResult", "certified_correlated",
           "coarse_correlated_equilibria", "correlated_equilibria", "incentive_constraints",
           "is_correlated_equilibrium"]


# ------------------------------------------------------------------ the result values
@dataclass(frozen=True)
class CorrelatedEquilibrium(TextRepr):
    """A (coarse) correlated equilibrium: a distribution over action profiles.

    ``distribution`` lists ``(profile labels, probability)`` for the profiles with
    positive probability, in the game's profile order; ``payoffs`` the expected
    payoff of each player.

    >>> from deterrence import load_game
    >>> ce = correlated_equilibria(load_game("chicken").subs(w=1, l=4, crash=6))[0]
    >>> ce.probability("straight", "straight"), ce.to_json()["payoffs"]
    (0, ['-3/4', '-3/4'])
    """

    distribution: tuple
    payoffs: tuple
    players: tuple
    actions: tuple
    coarse: bool = False
    exact: bool = True

    def probability(self, *profile):
        """The probability of a profile (one action label per player)."""
        return dict(self.distribution).get(tuple(profile), 0)

    def marginal(self, player) -> tuple:
        """A player's marginal distribution over its actions."""
        from deterrence.core.validate import player_position
        i = player_position(self.players, player)
        out = dict.fromkeys(self.actions[i], 0)
        for prof, p in self.distribution:
            out[prof[i]] += p
        return tuple(out.values())

    @property
    def is_pure(self) -> bool:
        """Whether the distribution puts all its weight on one profile."""
        return len(self.distribution) == 1

    def to_json(self) -> dict:
        """``{"distribution": [{"profile": [...], "probability": "p/q"}], "payoffs": [...]}``."""
        return {"distribution": [{"profile": list(prof), "probability": format_exact(p)}
                                 for prof, p in self.distribution],
                "payoffs": [format_exact(v) for v in self.payoffs]}

    def describe(self) -> str:
        """One line: ``1/3 (swerve, swerve) + ...  (payoffs 5, 5)``."""
        cells = " + ".join(f"{format_exact(p)} ({', '.join(prof)})" for prof, p in self.distribution)
        return f"{cells}  (payoffs {', '.join(format_exact(v) for v in self.payoffs)})"

    def __str__(self):
        return self.describe()


@dataclass(frozen=True)
class CorrelatedResult(EquilibriumSequence):
    """What the correlated methods return: a frozen sequence of :class:`CorrelatedEquilibrium`.

    ``objective`` names what was maximised (``"welfare"``, a player, or ``"vertices"``
    when every vertex of the polytope is listed, then ``complete`` is True);
    ``value`` is the optimal objective value (None for vertices).
    """

    equilibria: tuple
    method: str
    objective: str
    value: object
    complete: bool
    players: tuple
    actions: tuple
    notes: tuple = field(default_factory=tuple)
    exact: bool = True
    game: object = field(default=None, repr=False, compare=False)
    parameters: dict = field(default_factory=dict, hash=False, compare=False)
    options: dict = field(default_factory=dict, hash=False, compare=False)

    def to_json(self) -> dict:
        """The CorrelatedResult as a JSON-ready dict of plain values: ``method``, ``exact``,
        ``complete``, ``concept``, ``players``, ``actions``, and more."""
        out = {"method": self.method, "exact": self.exact, "complete": self.complete,
               "concept": "coarse correlated" if self.method == "coarse_correlated" else "correlated",
               "players": list(self.players), "actions": [list(a) for a in self.actions],
               "objective": self.objective,
               "equilibria": [e.to_json() for e in self.equilibria]}
        if self.value is not None:
            out["value"] = format_exact(self.value)
        out.update(self.provenance_json())
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_text(self) -> str:
        n = len(self.equilibria)
        kind = "coarse correlated" if self.method == "coarse_correlated" else "correlated"
        what = "every vertex" if self.objective == "vertices" else f"maximising {self.objective}"
        lines = [f"{n} {kind} equilibri{'um' if n == 1 else 'a'} ({what}; exact)"]
        if self.value is not None:
            lines.append(f"optimal value {format_exact(self.value)}")
        lines += [f"  [{k}] {e.describe()}" for k, e in enumerate(self.equilibria)]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __str__(self):
        return self.to_text()

    def _repr_html_(self) -> str:
        """Jupyter: one row per equilibrium, its distribution (the profiles with positive
        probability) and the payoffs; the caption is the text's first line, then the optimal value
        as the text says it (the HTML left it out: a review).

        >>> from deterrence import load_game
        >>> pd = load_game("prisoners_dilemma").with_defaults()
        >>> "<p>optimal value 2</p>" in correlated_equilibria(pd)._repr_html_()
        True
        """
        import html
        rows = []
        for k, eq in enumerate(self.equilibria):
            cells = "<br>".join(f"{html.escape(format_exact(q))} ({html.escape(', '.join(prof))})"
                                for prof, q in eq.distribution)
            pay = html.escape(", ".join(format_exact(v) for v in eq.payoffs))
            rows.append(f"<tr><td>{k}</td><td>{cells}</td><td>{pay}</td></tr>")
        head = "<tr><th>#</th><th>distribution over (" + html.escape(", ".join(self.players)) \
            + ")</th><th>payoffs</th></tr>"
        notes = "".join(f"<p>Note: {html.escape(n)}</p>" for n in self.notes)
        if self.value is not None:
            notes = f"<p>optimal value {html.escape(format_exact(self.value))}</p>" + notes
        cap = html.escape(self.to_text().splitlines()[0])
        return f"<table><caption>{cap}</caption>{head}{''.join(rows)}</table>{notes}"


# ------------------------------------------------------------------ constraints and certificate
def _exact_arrays(game) -> list:
    game.require_numeric("a correlated equilibrium solver")
    return [np.asarray(game.payoff_array(i), dtype=object) for i in range(game.n_players)]


def incentive_constraints(game, coarse: bool = False) -> tuple:
    """The incentive constraints as ``(rows, labels)``: ``rows[k][c] * x[c]`` summed over the
    profiles ``c`` (in C order, ``itertools.product`` of the action indices) must be >= 0.

    A label is ``(player, action told, deviation)`` (``action told`` is None for coarse ones).

    >>> from deterrence import NormalFormGame
    >>> rows, labels = incentive_constraints(NormalFormGame.from_arrays([[6, 2], [7, 0]], [[6, 7], [2, 0]]))
    >>> rows[0], labels[0]
    ([-1, 2, 0, 0], ('Row', '0', '1'))
    """
    arrays = _exact_arrays(game)
    cells = list(product(*(range(m) for m in game.shape)))
    rows, labels = [], []
    for i, arr in enumerate(arrays):
        for a in ([None] if coarse else range(game.shape[i])):
            for b in range(game.shape[i]):
                if b == a:
                    continue
                row = []
                for s in cells:
                    if a is not None and s[i] != a:
                        row.append(0)
                        continue
                    dev = s[:i] + (b,) + s[i + 1:]
                    row.append(arr[s] - arr[dev])
                rows.append(row)
                labels.append((game.players[i], None if a is None else game.actions[i][a],
                               game.actions[i][b]))
    return rows, labels


def certified_correlated(game, distribution, coarse: bool = False) -> CorrelatedEquilibrium:
    """Check every incentive constraint of a distribution exactly and return it.

    ``distribution`` maps profiles (tuples of action labels or indices) to
    probabilities, or is a sequence of probabilities over all profiles in C order.
    Raises :class:`~deterrence.errors.NotAnEquilibriumError` naming the player, the
    recommendation and the profitable deviation.

    >>> from deterrence import NormalFormGame
    >>> g = NormalFormGame.from_arrays([[6, 2], [7, 0]], [[6, 7], [2, 0]])
    >>> third = Fraction(1, 3)
    >>> certified_correlated(g, {("0", "0"): third, ("0", "1"): third, ("1", "0"): third}).payoffs
    (5, 5)
    """
    cells = list(product(*(range(m) for m in game.shape)))
    x = _as_vector(game, distribution, cells)
    rows, labels = incentive_constraints(game, coarse)
    for row, (player, told, dev) in zip(rows, labels):
        gain = -sum((r * p for r, p in zip(row, x) if p), Fraction(0))
        if gain > 0:
            rec = "" if told is None else f" when told {told!r}"
            raise NotAnEquilibriumError(f"not a {'coarse ' if coarse else ''}correlated equilibrium: "
                                        f"{player} gains {format_exact(gain)}{rec} by playing {dev!r}")
    arrays = _exact_arrays(game)
    payoffs = tuple(_plain(sum((arr[s] * p for s, p in zip(cells, x) if p), Fraction(0)))
                    for arr in arrays)
    dist = tuple((tuple(game.actions[i][j] for i, j in enumerate(s)), _plain(p))
                 for s, p in zip(cells, x) if p)
    return CorrelatedEquilibrium(distribution=dist, payoffs=payoffs, players=game.players,
                                 actions=game.actions, coarse=coarse)


def is_correlated_equilibrium(game, distribution, coarse: bool = False) -> bool:
    """Exact test: does the distribution satisfy every (coarse) incentive constraint?

    A product of a Nash equilibrium's strategies is always one:

    >>> from deterrence import NormalFormGame
    >>> mp = NormalFormGame.zero_sum([[1, -1], [-1, 1]])
    >>> is_correlated_equilibrium(mp, [Fraction(1, 4)] * 4), is_correlated_equilibrium(mp, [1, 0, 0, 0])
    (True, False)
    """
    try:
        certified_correlated(game, distribution, coarse)
    except NotAnEquilibriumError:
        return False
    return True


def _as_vector(game, distribution, cells) -> list:
    from deterrence.core.numbers import to_exact
    if isinstance(distribution, dict):
        x = [Fraction(0)] * len(cells)
        index = {s: k for k, s in enumerate(cells)}
        for prof, p in distribution.items():
            if len(prof) != game.n_players:
                raise GameError(f"profile {prof!r} needs one action for each of {game.n_players} players")
            s = tuple(a if isinstance(a, (int, np.integer)) else game.action_index(i, a)
                      for i, a in enumerate(prof))
            x[index[s]] = Fraction(to_exact(p, f"probability of {prof!r}"))
    else:
        x = [Fraction(to_exact(p, "probability")) for p in distribution]
        if len(x) != len(cells):
            raise GameError(f"a distribution over this game's profiles has {len(cells)} entries, got {len(x)}")
    if min(x) < 0 or sum(x) != 1:
        raise GameError(f"not a probability distribution over profiles: {[format_exact(p) for p in x]}")
    return x


def _plain(q):
    q = Fraction(q)
    return q.numerator if q.denominator == 1 else q


def _integer_rows(game, coarse):
    rows, _ = incentive_constraints(game, coarse)
    den = 1
    for row in rows:
        for v in row:
            if type(v) is not int:
                den = math.lcm(den, Fraction(v).denominator)
    rows = [[int(v * den) for v in row] for row in rows]
    return rows, math.prod(game.shape), len(rows)


def _initial_tableau(rows, n, k):
    # columns: cells 0..n-1, slacks n..n+k-1, artificial n+k, then the right-hand side
    T = [[-v for v in row] + [1 if j == r else 0 for j in range(k)] + [0, 0] for r, row in enumerate(rows)]
    T.append([1] * n + [0] * k + [1, 1])
    return IntegerTableau(T, list(range(n, n + k)) + [n + k])


def _drop_artificial(tab, n, k):
    artificial = n + k
    if artificial in tab.basis:       # at value 0: pivot it out (a degenerate pivot)
        r = tab.basis.index(artificial)
        if tab.T[r][-1] != 0:
            return None
        c = next(j for j in range(n + k) if tab.T[r][j] != 0 and j not in tab.basis)
        tab.pivot(r, c)
    tab.T = [row[:artificial] + row[artificial + 1:] for row in tab.T]
    return tab


def _build(game, coarse):
    """``(tableau, n, k, rows)``: a feasible tableau by phase I (the artificial driven to 0), and
    the incentive rows it was built from."""
    rows, n, k = _integer_rows(game, coarse)
    tab = _initial_tableau(rows, n, k)
    tab.simplex([0] * (n + k) + [-1], range(n + k + 1))
    # a correlated equilibrium exists, so the artificial ends at 0
    return _drop_artificial(tab, n, k), n, k, rows


def _warm_start(game, coarse, weights):
    """A feasible tableau on the optimal basis HiGHS reports (floating point), made exact by
    pivoting its positive columns in; None when that basis is not exactly feasible."""
    from scipy.optimize import linprog
    rows, n, k = _integer_rows(game, coarse)
    try:
        A, c = np.array(rows, dtype=float).reshape(k, n), -np.array(weights, dtype=float)
    except OverflowError:      # integers beyond the float range (payoffs such as 1e999): phase I, exact
        return None
    if not (np.isfinite(A).all() and np.isfinite(c).all()):
        return None
    res = linprog(c, A_ub=-A if k else None, b_ub=np.zeros(k) if k else None,
                  A_eq=np.ones((1, n)), b_eq=[1.0], bounds=(0, None), method="highs-ds")
    if res.status != 0:
        return None
    slack = A @ res.x if k else np.zeros(0)
    positive = [j for j in range(n) if res.x[j] > 1e-9] + [n + r for r in range(k) if slack[r] > 1e-9]
    keep = set(positive)
    tab = _initial_tableau(rows, n, k)
    for c in positive:
        if c in tab.basis:
            continue
        free = [r for r, b in enumerate(tab.basis) if b not in keep and tab.T[r][c] != 0]
        if not free:
            return None
        tab.pivot(max(free, key=lambda r: tab.basis[r] == n + k), c)   # the artificial first
    if any(row[-1] < 0 for row in tab.T):
        return None
    return _drop_artificial(tab, n, k)


def _vertex(tab, n) -> list:
    x = [Fraction(0)] * n
    for r, b in enumerate(tab.basis):
        if b < n:
            x[b] = Fraction(tab.T[r][-1], tab.d)
    return x


def _objective(game, objective, n):
    cells = list(product(*(range(m) for m in game.shape)))
    arrays = _exact_arrays(game)
    if objective == "welfare":
        weights = [sum(arr[s] for arr in arrays) for s in cells]
    else:
        try:
            i = game.player_index(objective)
        except GameError:
            raise GameError(f"objective must be 'welfare' or a player ({', '.join(game.players)}), "
                            f"got {objective!r}") from None
        weights = [arrays[i][s] for s in cells]
    den = math.lcm(*(Fraction(w).denominator for w in weights))
    return [int(Fraction(w) * den) for w in weights], den


def _solve(game, coarse, objective, vertices, max_bases, warm_start=True):
    method = "coarse_correlated" if coarse else "correlated"
    if vertices:
        tab, n, k, rows = _build(game, coarse)
        found = _enumerate_vertices(rows, tab, n, k, max_bases)
        eqs = tuple(certified_correlated(game, x, coarse) for x in found)
        return CorrelatedResult(equilibria=eqs, method=method, objective="vertices", value=None,
                                complete=True, players=game.players, actions=game.actions)
    n = math.prod(game.shape)
    weights, den = _objective(game, objective, n)
    # HiGHS's optimal basis made exact (then the exact simplex only confirms it); else phase I
    tab = _warm_start(game, coarse, weights) if warm_start else None
    if tab is None:
        tab, n, k, _ = _build(game, coarse)
    k = len(tab.basis) - 1
    tab.simplex(weights + [0] * k, range(n + k))
    x = _vertex(tab, n)
    eq = certified_correlated(game, x, coarse)
    value = _plain(sum((Fraction(w, den) * p for w, p in zip(weights, x)), Fraction(0)))
    return CorrelatedResult(equilibria=(eq,), method=method, objective=str(objective), value=value,
                            complete=False, players=game.players, actions=game.actions,
                            notes=(("optimal: every reduced cost of the final exact simplex tableau "
                                   "is <= 0"),))


def _enumerate_vertices(rows, start, n, k, max_bases) -> list:
    """Every vertex of the polytope: its lexicographically feasible bases, by reverse search
    from the feasible basis of ``start`` (:func:`~deterrence.core.reverse_search.reverse_search_bases`:
    those bases meet every vertex, each basis once, with one path's tableaux in memory)."""
    from deterrence.core.reverse_search import reverse_search_bases
    # the equation form of _initial_tableau without its artificial: -A x + s = 0, sum x = 1
    initial = _initial_tableau(rows, n, k).T
    M, b = [row[:n + k] for row in initial], [row[-1] for row in initial]
    message = ("the correlated polytope has more than {limit} feasible bases; "
               "maximise an objective instead, or raise max_bases")
    vertices = set()
    for T, basis, d in reverse_search_bases(M, b, start.basis, n + k, max_bases, message):
        x = [Fraction(0)] * n
        for r, c in enumerate(basis):
            if c < n:
                x[c] = Fraction(T[r][n + k], d)
        vertices.add(tuple(x))
    return sorted((list(v) for v in vertices), key=lambda v: [-p for p in v])


def correlated_equilibria(game, objective="welfare", vertices: bool = False,
                          max_bases: int = 200000, warm_start: bool = True) -> CorrelatedResult:
    """A correlated equilibrium maximising ``objective``, or every vertex of the polytope.

    ``objective`` is ``"welfare"`` (the sum of payoffs) or a player's name;
    ``vertices=True`` lists every vertex of the polytope of correlated equilibria
    instead (small games: at most ``max_bases`` feasible bases are searched).
    ``warm_start``: begin the exact simplex at the optimal basis SciPy's HiGHS
    reports, made exact by fraction-free pivots (if it is not exactly feasible,
    or with ``warm_start=False``, phase I starts from scratch); optimality is
    always proved by the exact tableau's reduced costs.

    Aumann's chicken (catalogue chicken with ``l=4, w=1, crash=6`` is his game
    6,6 / 2,7 / 7,2 / 0,0 minus 6): the welfare maximum puts 1/2 on both swerving.

    >>> from deterrence import load_game
    >>> g = load_game("chicken").subs(w=1, l=4, crash=6)
    >>> best = correlated_equilibria(g)
    >>> best.value, best[0].probability("swerve", "swerve"), best[0].payoffs
    (Fraction(-3, 2), Fraction(1, 2), (Fraction(-3, 4), Fraction(-3, 4)))
    >>> len(correlated_equilibria(g, vertices=True))
    5
    """
    from deterrence.core.validate import at_defaults
    return _solve(at_defaults(game, "correlated_equilibria"), False, objective, vertices, max_bases, warm_start)


def coarse_correlated_equilibria(game, objective="welfare", vertices: bool = False,
                                 max_bases: int = 200000, warm_start: bool = True) -> CorrelatedResult:
    """A coarse correlated (Hannan) equilibrium maximising ``objective``, or every vertex.

    Options as in :func:`correlated_equilibria`. Every correlated equilibrium is
    coarse correlated, so the optimum is at least as good:

    >>> from deterrence import load_game
    >>> g = load_game("chicken").subs(w=1, l=4, crash=6)
    >>> coarse_correlated_equilibria(g).value >= correlated_equilibria(g).value
    True
    """
    from deterrence.core.validate import at_defaults
    return _solve(at_defaults(game, "coarse_correlated_equilibria"), True, objective, vertices, max_bases,
                  warm_start)
