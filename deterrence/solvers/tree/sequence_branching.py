"""Every extreme equilibrium of a two-player tree by branching on complementarity.

The sequence-form best-response polyhedra ``P`` (player 1's plan ``x`` and
player 2's values ``v``) and ``Q`` (player 2's plan ``y`` and player 1's
values ``u``) and their labels are those of
:mod:`~deterrence.solvers.tree.sequence_enumeration`: a sequence of either
player is a label of a point of ``P`` when the point makes it tight there
(``x_s = 0`` for player 1's sequence ``s``, a zero best-response slack for
player 2's sequence ``t``), and symmetrically in ``Q``. The extreme
equilibria are the pairs of vertices ``(p, q)`` whose labels together are
every sequence. Instead of enumerating every vertex of both polyhedra (their
number grows exponentially with the sequences, while the equilibria stay
few), this module searches the pairs directly, as Audet, Hansen, Jaumard and
Savard's EEE does: depth first, one sequence at a time, it decides whether
the sequence is tight in ``P`` only, in ``Q`` only, or in both (a pair's
exact label sets, so every pair is met at one leaf only), and prunes a branch
as soon as one polyhedron has no point that is tight on its tight sequences
and strictly positive on its others.

Sources: C. Audet, P. Hansen, B. Jaumard and G. Savard (2001), "Enumeration
of all extreme equilibria of bimatrix games", SIAM Journal on Scientific
Computing 23: 323-338; C. Audet, S. Belhaiza and P. Hansen (2009), "A new
sequence form approach for the enumeration and refinement of all extreme
Nash equilibria for extensive form games", International Game Theory Review
11: 437-451; D. Koller, N. Megiddo and B. von Stengel (1996) for the
sequence form; T. Motzkin's transposition theorem for the certificates;
P. Prosser (1993), "Hybrid algorithms for the constraint satisfaction
problem", Computational Intelligence 9: 268-299, for the backjumping. No
code was copied.

Steps of :func:`branching_equilibrium_plans`:

1. write both polyhedra in equation form ``M z = b`` (integer rows; columns:
   own plan, opponent slacks, free values), as the vertex enumeration does;
2. depth first, the supports: for each sequence of either player, two
   children: played with positive probability (strictly positive in its own
   polyhedron, its best-response slack tight in the other: complementarity)
   or not (zero in its own polyhedron; the slack in the other stays open).
   The next sequence is the one whose float points (below) break
   complementarity most, plan and slack both positive (Audet et al.'s
   rule), else the first undecided from the root down. Covering rules
   (:func:`_covering_rules`) take sequences out of the search: once a
   player's sequence leading to an information set is played and the
   opponent plays none of the sequences that meet the set's continuation at
   a payoff, every complementary point has the opponent's values there at
   zero, so the continuation's labels are the opponent polyhedron's (their
   slacks tight) and the player's plan there is left to the leaf (the
   off-path subgames that one player enters and the other does not: without
   the rule every support of the entering player's plan there was a branch).
   At a support pair's leaf the two polyhedra are independent: for each, the
   face is first taken apart (:meth:`_Polyhedron.split`: the coordinates
   fixed on its affine hull decided, the open columns grouped so that no
   equation joins two groups; the face is the product of the groups, so
   each group is searched with the others held at one vertex and the
   vertices are every combination, each confirmed exactly), then depth
   first over its open columns (tight, or strictly positive), deepest
   sequences first, collecting the own plans of its vertices; once the
   tight columns fix the own plan (exact ranks), one vertex is enough: a
   float basic optimum over the face, confirmed exactly at step 5, else the
   search goes on. Raised values are not searched
   (:meth:`_Polyhedron._raised_value_rules`): a vertex whose opponent value
   at an information set is above every action there (none of their slacks
   tight, the value held only by the row of the sequence before the set)
   has the own plan of another vertex of the same face, the value lowered
   to the best reply, when those slacks are all open in the face search
   (many vertices share a plan and differ only in such values: 2,855
   vertices, 71 plans on one face of a 56-sequence tree);
3. prune a child when a polyhedron's strictly positive columns and free ones
   are linearly dependent (exact rank: a vertex's are independent), or when
   the face with the child's tight labels has no
   point with the strict labels positive. That test is a floating-point LP
   (HiGHS: maximise ``tau`` with the strict labels at least ``tau``,
   violations of ``M z = b`` penalised); a float point that already satisfies
   the child's constraints is reused without an LP. A branch is pruned only
   on an exact certificate: the LP's row duals, rounded to fractions, must
   give ``w`` with ``w M = 0`` on the free columns, ``w M >= 0`` on the
   labels not tight, ``w b <= 0`` and (``w b < 0`` or ``w M > 0`` on a strict
   label), which no point of the face with strict labels positive can
   satisfy (``w b = w M z``); the duals are tried first times small common
   denominators (exact when they are such fractions, as they mostly are), then
   as continued-fraction roundings, and last exactly from the LP's optimal
   basis (:meth:`_Polyhedron.exact_duals`: the duals whose reduced costs are
   zero on the basic columns, solved over the rationals; HiGHS reports the
   basis, and without highspy the columns whose float reduced cost is zero
   stand in; with payoffs in the thousands the roundings miss most
   certificates and this finds them).
   Without such a certificate the branch is kept
   (slower, never wrong). Exact consequences of ``E x = e, x >= 0`` (a
   sequence after an unplayed one is unplayed; a played set plays some
   action) prune without an LP. The float LPs are kept in one highspy model
   per polyhedron whose bounds change from probe to probe (warm starts);
   without highspy, SciPy's ``linprog`` solves each from scratch;
4. backjump (Prosser's conflict-directed backjumping), in the support search
   and in the leaf faces alike: each refusal names the decisions it rests on
   (a certificate's: the tight labels with ``(w M)_c < 0`` and, when
   ``w b = 0``, the strict ones with ``(w M)_c > 0``, for ``w`` still proves
   the face empty with every other label open; a rank refusal: the strict
   labels; ``E x = e``'s: the sequence, its parent and its siblings; a
   covering rule's slacks: the decisions that made it hold), a branch whose
   children are both empty rests on the union of theirs less its own
   decision, and when the first child's emptiness does not rest on the
   branch's decision the second child is not searched: it is empty for the
   same reason. A leaf or a branch with an equilibrium rests on every
   decision (no jump). On the benchmark's tree of 137 sequences the support
   search reached its first leaf after 1,388 nodes, where without it 62,016
   nodes had reached none;
5. at a leaf every label of each polyhedron is decided: the pair is a pair of
   vertices exactly when ``M z = b`` with the tight columns at zero has one
   solution (exact rational elimination, python-flint) and that solution is
   strictly positive on the other labels. The plans are returned for exact
   certification (:func:`~deterrence.solvers.tree.sequence_form.certify_plans`).
"""
from __future__ import annotations

from contextlib import contextmanager
from fractions import Fraction
from itertools import product
from math import gcd, lcm

from deterrence.core.highs import have_highspy as _have_highspy, quiet_highs as _quiet_highs
from deterrence.core.numbers import float_array
from deterrence.core.union_find import UnionFind
from deterrence.errors import SolverError, TooLargeError
from deterrence.solvers.tree.sequence_form import SequenceForm

#: Largest number of search nodes tried without an explicit ``limit=``.
DEFAULT_NODES = 2_000_000
_BAR_STEP = 1000        # nodes between two updates of the progress bar
_PENALTY = 100.0        # weight of a violation of M z = b against tau in the float LP
_POSITIVE = 1e-7        # a float tau above this (and no violation) is a witness point
_ZERO = 1e-12           # a witness coordinate at most this serves as tight


class _Polyhedron:
    """One best-response polyhedron: the integer equation form, its float copy, its leaf cache."""

    def __init__(self, sf: SequenceForm, own: int):
        import numpy as np

        from deterrence.solvers.tree.sequence_form import best_response_polyhedron
        M, b, n_own, n_opp, k_opp, ncols = best_response_polyhedron(sf, own)
        self.M, self.b, self.n_own = M, b, n_own
        self.rows, self.ncols, self.labelled = len(M), ncols, n_own + n_opp
        n1 = sf.sizes[0]
        # global label (player 1's sequences, then player 2's) -> column
        self.column = {}
        for c in range(self.labelled):
            if own == 0:
                self.column[c] = c
            else:
                self.column[n1 + c if c < n_own else c - n_own] = c
        # the plan's tree: x_parent = sum of x over the sequences of each set it leads to
        self.parent, self.siblings = {0: None}, {0: ()}
        for _, parent, children in sf.infosets[own]:
            for c in children:
                self.parent[c], self.siblings[c] = parent, tuple(ch for ch in children if ch != c)
        self.nonzero = [[(r, M[r][c]) for r in range(self.rows) if M[r][c]] for c in range(ncols)]
        self.row_nonzero = [[(c, v) for c, v in enumerate(row) if v] for row in M]
        self.room = self.rows - (ncols - self.labelled)     # most strict labels a vertex can have
        self.Mf = float_array(M)     # beyond the float range: a named refusal
        self.bf = float_array(b)
        # for w M and w b in int64 (exact while no sum can pass 2**62: see _products)
        self._norm = max([sum(abs(v) for _, v in col) for col in self.nonzero] + [sum(abs(v) for v in b)])
        self._Mi, self._bi = ((np.array(M, dtype=np.int64), np.array(b, dtype=np.int64))
                              if self._norm < 2**62 else (None, None))
        self.leaves: dict = {}
        self._highs = None
        self._cone = None       # free_columns' LP: a _ConeModel, or [M, -b] sparse without highspy
        self.raised = self._raised_value_rules()
        self.open = None        # the columns a leaf's face search decides (None: the support search)
        self.culprits = None    # the labels the last refusal of _can_take rests on (None: all of them)
        # the search looks for vertices: a support whose columns are dependent holds none. Off
        # when it collects Nash subsets, whose relative interiors are no vertices
        self.vertices_only = True

    def _raised_value_rules(self) -> dict:
        """``{slack column: (the slack columns of its information set's actions, the slack column of
        the sequence leading to the set)}`` for the opponent's information sets below the root.

        The opponent's value ``v`` of a set enters the rows of the set's actions (``v`` at least
        each action's payoff plus the values after it) and the row of the sequence leading to the
        set (the value before, at least ``v`` plus the rest). A vertex of a leaf's face with none of
        the set's action slacks tight has ``v`` raised above the set's best reply, held only by the
        row of the sequence leading to it. When that row's slack and all the action slacks are
        open in the leaf's search, lowering ``v`` to the best reply gives a vertex of the same face
        with the same own plan (``v`` is in no other row, so the rows that fixed the other
        coordinates still fix them, and the best action's row now fixes ``v``): such patterns are
        not searched (:func:`_can_take`). For a set right after the root the pattern holds no
        vertex at all (the root's value would absorb the change), so there the rule only cuts
        empty branches."""
        slack_of_row = {}
        for r, row in enumerate(self.row_nonzero):
            slacks = [c for c, _ in row if self.n_own <= c < self.labelled]
            if len(slacks) == 1:
                slack_of_row[r] = slacks[0]
        rules = {}
        for f in range(self.labelled, self.ncols):
            actions, before = [], []
            for r, value in self.nonzero[f]:
                if r not in slack_of_row:
                    break
                slack = slack_of_row[r]
                (before if (value > 0) == (self.M[r][slack] > 0) else actions).append(slack)
            else:
                if len(before) == 1 and actions:
                    for slack in actions:
                        rules[slack] = (tuple(actions), before[0])
        return rules

    # -- the float test and its exact certificate ------------------------------------------
    def probe(self, tight, strict):
        """``(True, point or None)`` unless a certificate proves no point of the face with
        labels ``tight`` at zero has the labels ``strict`` positive: then ``(False, None)``, and
        :attr:`culprits` names the labels the certificate rests on."""
        self.culprits = None            # a refusal sets it (_certified); never a stale one
        if self._highs is None:
            self._highs = _HighsModel(self) if _have_highspy() else False
        if self._highs:
            z, tau, violation, duals, strict_duals = self._highs.solve(tight, strict)
        else:
            z, tau, violation, duals, strict_duals = self._linprog(tight, strict)
        if z is not None and tau > _POSITIVE and violation < 1e-9:
            return True, z
        if duals is not None and self._certified(duals, strict_duals, tight, strict,
                                                 self._highs.basis if self._highs else None):
            return False, None
        return True, None

    def some_vertex(self, tight, strict):
        """The own plan of a vertex whose tight labels include ``tight`` and exclude ``strict``,
        found by a float LP (a basic optimum is a vertex) and confirmed exactly by
        :meth:`vertex`; None when there is no highspy or the confirmation fails."""
        labels = self.some_vertex_labels(tight, strict)
        return None if labels is None else self.vertex(labels)

    def some_vertex_labels(self, tight, strict):
        """The tight labels of that vertex (:meth:`some_vertex`): a set that :meth:`vertex`
        confirmed exactly, or None."""
        if self._highs is None:
            self._highs = _HighsModel(self) if _have_highspy() else False
        if not self._highs:
            return None
        z = self._highs.basic_point(tight)
        if z is None:
            return None
        near = {c for c in range(self.labelled) if c not in tight and abs(z[c]) < 1e-9}
        if near & set(strict):
            return None
        labels = set(tight) | near
        return labels if self.vertex(labels) is not None else None

    def free_columns(self, tight):
        """The labelled columns positive at some point of the face with ``tight`` at zero, by one
        float LP (None when it fails): on the cone ``M z = b lam``, ``lam >= 1``, maximise the sum
        of ``t_c <= min(z_c, 1)``. A sum of points of the cone stays in it, so one optimum has
        every column that can be positive at a positive ``t_c`` (Freund, Roundy and Todd's
        relative interior by one LP). A float answer: it only rules a node out of
        :func:`_one_sided`'s proofs, never in."""
        import numpy as np
        from scipy import sparse
        from scipy.optimize import linprog
        R, C, L = self.rows, self.ncols, self.labelled
        open_columns = [c for c in range(L) if c not in tight]
        if not open_columns:
            return set()
        if self._cone is None and _have_highspy():
            self._cone = _ConeModel(self)
        if isinstance(self._cone, _ConeModel):
            return self._cone.free(tight)
        n = len(open_columns)
        cost = np.zeros(C + 1 + n)
        cost[C + 1:] = -1.0
        if self._cone is None:          # made once: a tree's M is mostly zeros
            self._cone = sparse.csr_matrix(np.hstack([self.Mf, -self.bf.reshape(-1, 1)]))
        A_eq = sparse.hstack([self._cone, sparse.csr_matrix((R, n))], format="csr")
        rows = np.arange(n)
        A_ub = sparse.csr_matrix((np.concatenate([np.ones(n), -np.ones(n)]),
                                  (np.concatenate([rows, rows]), np.concatenate([C + 1 + rows, open_columns]))),
                                 shape=(n, C + 1 + n))
        bounds = ([(0, 0) if c in tight else (0, None) for c in range(L)] + [(None, None)] * (C - L)
                  + [(1, None)] + [(0, 1)] * n)
        res = linprog(cost, A_ub=A_ub, b_ub=np.zeros(n), A_eq=A_eq, b_eq=np.zeros(R), bounds=bounds,
                      method="highs")
        if res.status != 0:
            return None
        return {c for j, c in enumerate(open_columns) if res.x[C + 1 + j] > _POSITIVE}

    def _linprog(self, tight, strict):
        """The float LP by SciPy's ``linprog`` (without highspy): point, tau, violation, the row
        duals of ``M z + a+ - a- = b`` and those of the strict rows (``{label: dual}``)."""
        import numpy as np
        from scipy.optimize import linprog
        R, C = self.rows, self.ncols
        strict = sorted(strict)
        nvar = C + 1 + 2 * R
        cost = np.zeros(nvar)
        cost[C] = -1.0
        cost[C + 1:] = _PENALTY
        A_eq = np.hstack([self.Mf, np.zeros((R, 1)), np.eye(R), -np.eye(R)])
        bounds = [(0, 0) if c in tight else (0, None) for c in range(self.labelled)]
        bounds += [(None, None)] * (C - self.labelled) + [(None, 1.0)] + [(0, None)] * (2 * R)
        A_ub = b_ub = None
        if strict:
            A_ub = np.zeros((len(strict), nvar))
            for i, c in enumerate(strict):
                A_ub[i, c], A_ub[i, C] = -1.0, 1.0
            b_ub = np.zeros(len(strict))
        res = linprog(cost, A_ub=A_ub, b_ub=b_ub, A_eq=A_eq, b_eq=self.bf, bounds=bounds, method="highs")
        if res.status != 0:
            return None, 0.0, 1.0, None, None
        strict_duals = dict(zip(strict, res.ineqlin.marginals)) if strict else {}
        return res.x[:C], res.x[C], res.x[C + 1:].sum(), res.eqlin.marginals, strict_duals

    def _certified(self, duals, strict_duals, tight, strict, basis=None) -> bool:
        """Whether the duals give a certificate (:meth:`_is_certificate`); when they do,
        :attr:`culprits` is set to the labels it rests on (:meth:`_rests_on`)."""
        def candidates():
            yield from _integer_candidates(duals)
            # the roundings fail when the certificate's entries have large denominators (payoffs
            # in the hundreds, or fractions): each entry rounded alone breaks w M = 0 by a little;
            # the equations the float duals satisfy give them exactly
            exact = self.exact_duals(duals, strict_duals, basis() if basis else None)
            if exact is not None:
                yield exact
        for W in candidates():
            for sign in (1, -1):
                w = [sign * v for v in W]
                products = self._products(w)
                if self._is_certificate(w, tight, strict, products):
                    self.culprits = self._rests_on(w, tight, strict, products)
                    return True
        return False

    def _products(self, w) -> tuple:
        """``(w M, w b)`` of an integer vector ``w``, exactly: in int64 NumPy when no sum can
        overflow (``max |w_r|`` times the largest column norm below ``2**62``: the usual
        certificate has small entries), else in Python integers."""
        import numpy as np
        if self._Mi is not None and max(map(abs, w), default=0) * self._norm < 2**62:
            wv = np.array(w, dtype=np.int64)
            return (wv @ self._Mi).tolist(), int(wv @ self._bi)
        return ([sum(w[r] * v for r, v in col) for col in self.nonzero],
                sum(wr * br for wr, br in zip(w, self.b)))

    def _rests_on(self, w, tight, strict, products=None) -> set:
        """The labels a certificate ``w`` needs: the tight ones with ``(w M)_c < 0`` (open, ``z_c``
        could be positive and pay for ``w b``) and, when ``w b = 0``, the strict ones with
        ``(w M)_c > 0`` (the strict inequality comes from them). The others can be open and
        ``w`` still proves the face empty, so a branch that differs from this one only in them
        is empty too (the search's backjumping, step 4 of the module). ``products``: ``w``'s
        :meth:`_products`, when known."""
        wm, wb = self._products(w) if products is None else products
        needed = {c for c in tight if c < self.labelled and wm[c] < 0}
        if wb == 0:
            needed |= {c for c in strict if wm[c] > 0}
        return needed

    def exact_duals(self, duals, strict_duals, basis=None):
        """The float LP's row duals made exact (an integer multiple), or None.

        A basic optimum's duals are the one solution of "reduced cost zero" on its basic
        columns, with the duals of its basic rows zero. ``basis``: ``(basic columns, basic
        rows)`` of the LP as the solver reports it (HiGHS); without it (SciPy reports none)
        the columns whose float reduced cost is zero and the rows whose float dual is zero
        stand in. The equations are solved exactly: a square system of :data:`LIFT_FROM` unknowns or
        more by the sparse numeric lifting first (:func:`_lifted`), else (or when it declines) by
        :func:`~deterrence.core.exact.solve_consistent`. The LP's columns
        and their costs: ``z_c`` (0; ``M`` above, -1 in the strict row of ``c``), ``tau`` (-1;
        1 in every strict row), ``a+_r`` and ``a-_r`` (the penalty; +-1 in row ``r``), in
        that order; its rows: ``M``'s, then one per label. When the equations are
        inconsistent or leave more than one solution, None: the branch is then kept.
        :meth:`_is_certificate` decides whether the answer is a certificate."""
        import numpy as np

        from deterrence.core.exact import solve_consistent
        y = np.asarray(duals, dtype=float)
        mu = {c: float(v) for c, v in (strict_duals or {}).items()}
        scale = max([1.0, float(np.max(np.abs(y))) if y.size else 0.0] + [abs(v) for v in mu.values()])
        R, C = self.rows, self.ncols
        if basis is None:               # stand-ins from the floats: zero duals, zero reduced costs
            small = 1e-9 * scale
            tolerance = small * max(1.0, float(np.max(np.abs(self.Mf))))
            reduced = y @ self.Mf
            basic_rows = {r for r in range(R) if abs(y[r]) <= small}
            basic_rows |= {R + c for c in mu if abs(mu[c]) <= small}
            basic = {c for c in range(C) if abs(reduced[c] - mu.get(c, 0.0)) <= tolerance}
            if mu and abs(sum(mu.values()) + 1.0) <= tolerance:
                basic.add(C)
            basic |= {C + 1 + r for r in range(R) if abs(y[r] - _PENALTY) <= tolerance}
            basic |= {C + 1 + R + r for r in range(R) if abs(y[r] + _PENALTY) <= tolerance}
        else:
            basic, basic_rows = basis
        unknowns = [("row", r) for r in range(R) if r not in basic_rows]
        unknowns += [("strict", c) for c in sorted(mu) if R + c not in basic_rows]
        if not unknowns:
            return None
        where = {u: i for i, u in enumerate(unknowns)}
        n = len(unknowns)
        rows = []                       # the equations: ({unknown: coefficient}, value)

        def equation(value):
            rows.append(({}, value))
            return rows[-1][0]
        for j in sorted(basic):
            if j < C:                   # z_j: sum_r M[r][j] y_r - mu_j = 0
                row = equation(0)
                for r, v in self.nonzero[j]:
                    if ("row", r) in where:
                        row[where[("row", r)]] = v
                if ("strict", j) in where:
                    row[where[("strict", j)]] = -1
            elif j == C:                # tau: sum of mu = -1
                row = equation(-1)
                for u in unknowns:
                    if u[0] == "strict":
                        row[where[u]] = 1
            else:                       # a+_r (y_r = penalty) or a-_r (y_r = -penalty)
                r, sign = (j - C - 1, 1) if j - C - 1 < R else (j - C - 1 - R, -1)
                row = equation(sign * int(_PENALTY))
                if ("row", r) in where:
                    row[where[("row", r)]] = 1
        solution = _lifted(rows, n) if len(rows) == n >= LIFT_FROM else None
        if solution is None:
            dense = []
            for coefficients, value in rows:
                dense.append([0] * n + [value])
                for i, v in coefficients.items():
                    dense[-1][i] = v
            solution = solve_consistent(dense, n, unique=True)
        if solution is None:
            return None
        exact = [0] * self.rows
        for (kind, r), i in where.items():
            if kind == "row":
                exact[r] = solution[i]
        if not any(exact):
            return None
        common = lcm(*(Fraction(v).denominator for v in exact))
        return [int(v * common) for v in exact]

    def _is_certificate(self, w, tight, strict, products=None) -> bool:
        """Motzkin's alternative, checked in integers (see the module's step 3). ``products``:
        ``w``'s :meth:`_products`, when known."""
        wm, wb = self._products(w) if products is None else products
        if wb > 0 or any(wm[c] != 0 for c in range(self.labelled, self.ncols)):
            return False
        positive = wb < 0
        for c in range(self.labelled):
            if c in tight:
                continue
            if wm[c] < 0:
                return False
            if wm[c] > 0 and c in strict:
                positive = True
        return positive

    def split(self, tight, open_columns):
        """The face with ``tight`` at zero, taken apart: ``(groups, zero, positive)``, or None
        when the face is empty. ``zero`` and ``positive``: the labelled columns whose value is
        the same on the whole affine hull of the face (exact reduced row echelon form of
        ``M z = b``), zero or positive there; ``groups``: the other ``open_columns``, grouped so
        that no equation joins two groups once the fixed coordinates are set apart. The face is
        the product of one polyhedron per group: its vertices are every choice of one vertex
        per group."""
        key = ("split", frozenset(tight), tuple(open_columns))
        if key not in self.leaves:
            self.leaves[key] = self._split(tight, open_columns)
        return self.leaves[key]

    def _split(self, tight, open_columns):
        from deterrence.core.exact import flint_module
        flint = flint_module()
        keep = [c for c in range(self.ncols) if c not in tight]
        n = len(keep)
        ref, rank = flint.fmpq_mat(self.rows, n + 1, [v for r in range(self.rows)
                                                     for v in [self.M[r][c] for c in keep] + [self.b[r]]]).rref()
        fixed = {}
        for i in range(rank):
            nonzero = [j for j in range(n) if ref[i, j] != 0]
            if not nonzero:                      # 0 = 1: no point at all
                return None
            if len(nonzero) == 1:
                fixed[keep[nonzero[0]]] = ref[i, n] / ref[i, nonzero[0]]
        if any(value < 0 for c, value in fixed.items() if c < self.labelled):
            return None
        zero = {c for c, value in fixed.items() if c < self.labelled and value == 0}
        positive = {c for c, value in fixed.items() if c < self.labelled and value > 0}
        # union-find over the columns that vary, joined by the rows of M
        joined = UnionFind(c for c in keep if c not in fixed)
        for r in range(self.rows):
            joined.union_all(c for c, _ in self.row_nonzero[r] if c in joined)
        return joined.groups(c for c in open_columns if c in joined), zero, positive

    def plan_is_fixed(self, tight) -> bool:
        """Whether ``M z = b`` with the ``tight`` columns at zero leaves the own plan one value,
        exactly."""
        return self.plan_freedom(tight) == 0

    def plan_freedom(self, tight) -> int:
        """The dimension of the own plans of ``M z = b`` with the ``tight`` columns at zero
        (exact ranks: the plan columns independent of the others count)."""
        key = ("freedom", frozenset(tight))
        if key not in self.leaves:
            from deterrence.core.exact import flint_module
            flint = flint_module()
            keep = [c for c in range(self.ncols) if c not in tight]
            rest = [c for c in keep if c >= self.n_own]

            def rank(cols):
                if not cols:
                    return 0
                # the entries read in NumPy where int64 holds them: a Python loop over rows times
                # columns was a quarter of the random objectives' time on 1,145 sequences
                entries = (self._Mi[:, cols].ravel().tolist() if self._Mi is not None
                           else [self.M[r][c] for r in range(self.rows) for c in cols])
                return flint.fmpz_mat(self.rows, len(cols), entries).rank()
            self.leaves[key] = (len(keep) - len(rest)) - (rank(keep) - rank(rest))
        return self.leaves[key]

    def float_rank(self, cols) -> int:
        """The rank of the columns ``cols`` in floating point (SVD, memoised): it decides only what
        is safe to get wrong (the search order, keeping a branch)."""
        import numpy as np
        key = ("float rank", tuple(cols))
        if key not in self.leaves:
            self.leaves[key] = int(np.linalg.matrix_rank(self.Mf[:, cols])) if cols else 0
        return self.leaves[key]

    def float_freedom(self, tight) -> int:
        """:meth:`plan_freedom` in floating point: for the search order only."""
        keep = [c for c in range(self.ncols) if c not in tight]
        rest = [c for c in keep if c >= self.n_own]
        return (len(keep) - len(rest)) - (self.float_rank(keep) - self.float_rank(rest))

    def independent(self, strict) -> bool:
        """Whether the ``strict`` columns and the free ones are linearly independent, exactly: a
        vertex's nonzero columns are, so a face whose strict columns are not has no vertex."""
        key = ("independent", frozenset(strict))
        if key not in self.leaves:
            from deterrence.core.exact import flint_module
            flint = flint_module()
            cols = sorted(strict) + list(range(self.labelled, self.ncols))
            if len(cols) > self.rows:
                self.leaves[key] = False
            elif self.float_rank(cols) == len(cols):
                # kept on the float answer: a wrong "independent" only costs search time; a
                # prune (dependent) is decided exactly below
                self.leaves[key] = True
            else:
                self.leaves[key] = flint.fmpz_mat(self.rows, len(cols), [
                    self.M[r][c] for r in range(self.rows) for c in cols]).rank() == len(cols)
        return self.leaves[key]

    # -- leaves: exact ----------------------------------------------------------------------
    def vertex(self, tight):
        """The vertex whose tight labels are exactly ``tight`` (its own plan), or None."""
        key = frozenset(tight)
        if key in self.leaves:
            return self.leaves[key]
        from deterrence.core.exact import flint_module
        flint = flint_module()
        keep = [c for c in range(self.ncols) if c not in key]
        plan = None
        if len(keep) <= self.rows:
            aug = flint.fmpq_mat(self.rows, len(keep) + 1,
                                 [v for r in range(self.rows) for v in [self.M[r][c] for c in keep] + [self.b[r]]])
            red, rank = aug.rref()
            pivots = []
            for r in range(rank):
                pivots.append(next(c for c in range(len(keep) + 1) if red[r, c] != 0))
            if rank == len(keep) and pivots == list(range(len(keep))):
                value = {c: Fraction(int(red[r, len(keep)].p), int(red[r, len(keep)].q))
                         for r, c in enumerate(keep)}
                if all(value[c] > 0 for c in keep if c < self.labelled):
                    plan = [value.get(c, Fraction(0)) for c in range(self.n_own)]
        self.leaves[key] = plan
        return plan


#: Common denominators tried first when float duals are rounded to an exact certificate.
_DENOMINATORS = (1, 2, 4, 6, 8, 12, 24, 36, 48, 60, 72, 120, 144, 240, 360, 720, 2520, 5040, 720720)


#: Unknowns from which :meth:`_Polyhedron.exact_duals` tries the sparse numeric lifting first: a
#: dense exact solve of the duals' system took 31 ms at 1,145 sequences (300 unknowns, mostly
#: zeros), 60 % of the subsets search there.
LIFT_FROM = 60


def _lifted(rows, n):
    """The square system ``rows`` (each ``({unknown: coefficient}, value)``)'s solution (Fractions) by
    :func:`~deterrence.core.exact_lifting.solve_sparse_lifting` (its answer is checked exactly
    there), or None when the lifting declines (a singular or ill-conditioned system: the dense
    exact solve decides). A singular system may still get one of its solutions: it is only a
    candidate, and :meth:`_Polyhedron._is_certificate` decides."""
    from deterrence.core.exact_lifting import solve_sparse_lifting
    where_r, where_c, values = [], [], []
    for r, (coefficients, _) in enumerate(rows):
        for c, v in coefficients.items():
            if type(v) is not int:
                return None           # the lifting takes integers (the polyhedron's rows are)
            if v:
                where_r.append(r)
                where_c.append(c)
                values.append(v)
    found = solve_sparse_lifting(n, (where_r, where_c, values), 0, [[value for _, value in rows]], small_answer=True)
    if found is None:
        return None
    numerators, den = found
    return [Fraction(int(v), den) for v in numerators.entries()]


def _integer_candidates(duals):
    """Integer vectors near the direction of float ``duals``, to be checked exactly as
    certificates: first the duals times a small common denominator when that makes every entry
    an integer to within 1e-7 (fast, NumPy), then continued-fraction roundings
    (``limit_denominator`` at 10^4, 10^6, 10^9) of the duals scaled to at most 1.

    >>> next(_integer_candidates([0.5, -1 / 3, 0.0]))
    [3, -2, 0]
    """
    import numpy as np
    d = np.asarray(duals, dtype=float)
    scale = float(np.max(np.abs(d))) if d.size else 0.0
    if scale == 0.0:
        return
    column = np.array(_DENOMINATORS, dtype=float)[:, None]
    for base in (d, d / scale):
        # every denominator at once (one row each): the first that rounds every entry
        scaled = column * base
        rounded = np.rint(scaled)
        good = (np.abs(scaled - rounded).max(axis=1) < 1e-7) & rounded.any(axis=1)
        if good.any():
            yield [int(v) for v in rounded[int(np.argmax(good))]]
    ratios = [(float(v) / scale).as_integer_ratio() for v in d]
    for denominator in (10**4, 10**6, 10**9):
        w = [_closest_fraction(n, q, denominator) for n, q in ratios]
        common = lcm(*(q for _, q in w))
        yield [p * (common // q) for p, q in w]


def _closest_fraction(n: int, d: int, max_denominator: int) -> tuple:
    """``(p, q)``: ``Fraction(n, d).limit_denominator(max_denominator)`` in plain integers (the
    same continued-fraction steps and the same choice between the two last convergents, without
    building a ``Fraction`` at each step: the candidates above are most of the search's time).
    ``d > 0``.

    >>> _closest_fraction(*(3.141592653589793).as_integer_ratio(), 1000)
    (355, 113)
    """
    g = gcd(n, d)
    n0, d0 = n // g, d // g
    if d0 <= max_denominator:
        return n0, d0
    p0, q0, p1, q1 = 0, 1, 1, 0
    a_n, a_d = n0, d0
    while True:
        a = a_n // a_d
        q2 = q0 + a * q1
        if q2 > max_denominator:
            break
        p0, q0, p1, q1 = p1, q1, p0 + a * p1, q2
        a_n, a_d = a_d, a_n - a * a_d
    k = (max_denominator - q0) // q1
    pb, qb = p0 + k * p1, q0 + k * q1
    # |p1/q1 - n0/d0| <= |pb/qb - n0/d0|, cross-multiplied (all denominators positive)
    if abs(p1 * d0 - n0 * q1) * qb <= abs(pb * d0 - n0 * qb) * q1:
        return p1, q1
    return pb, qb


class _HighsModel:
    """The float LP of one polyhedron kept in a highspy model: a probe changes the bounds of
    the columns and rows whose labels changed, so HiGHS starts from the last basis.

    Columns: ``z`` (the polyhedron's), ``tau`` (at most 1), violations ``a+, a-`` (at least 0);
    rows: ``M z + a+ - a- = b``, then ``tau - z_c <= 0`` for each label ``c``, switched on
    while ``c`` is strict."""

    def __init__(self, side):
        import highspy
        import numpy as np
        R, C, L = side.rows, side.ncols, side.labelled
        self.R, self.C, self.L = R, C, L
        inf = highspy.kHighsInf
        h = _quiet_highs()
        nvar = C + 1 + 2 * R
        cost = np.zeros(nvar)
        cost[C] = -1.0
        cost[C + 1:] = _PENALTY
        lower = np.array([0.0] * L + [-inf] * (C - L) + [-inf] + [0.0] * (2 * R))
        upper = np.array([inf] * C + [1.0] + [inf] * (2 * R))
        h.addVars(nvar, lower, upper)
        h.changeColsCost(nvar, np.arange(nvar, dtype=np.int32), cost)
        for r in range(R):
            idx = [c for c in range(C) if side.M[r][c]] + [C + 1 + r, C + 1 + R + r]
            val = [float(side.M[r][c]) for c in range(C) if side.M[r][c]] + [1.0, -1.0]
            h.addRow(float(side.b[r]), float(side.b[r]), len(idx), np.array(idx, dtype=np.int32),
                     np.array(val))
        for c in range(L):
            h.addRow(-inf, inf, 2, np.array([c, C], dtype=np.int32), np.array([-1.0, 1.0]))
        self.h, self.inf = h, inf
        self.tight: set = set()
        self.strict: set = set()

    def solve(self, tight, strict, run=True):
        h, inf = self.h, self.inf
        for c in self.tight - tight:
            h.changeColBounds(c, 0.0, inf)
        for c in tight - self.tight:
            h.changeColBounds(c, 0.0, 0.0)
        for c in self.strict - strict:
            h.changeRowBounds(self.R + c, -inf, inf)
        for c in strict - self.strict:
            h.changeRowBounds(self.R + c, -inf, 0.0)
        self.tight, self.strict = set(tight), set(strict)
        if not run:
            return None
        h.run()
        import highspy
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None, 0.0, 1.0, None, None
        sol = h.getSolution()
        if not (sol.value_valid and sol.dual_valid) or len(sol.row_dual) < self.R + self.L:
            # payoffs of very different sizes (10^16 beside 1): HiGHS called the LP optimal with no
            # duals, and the search failed with an IndexError (an error review); a probe it cannot
            # trust would cost completeness, so the search stops here, saying why
            from deterrence.errors import SolverError
            raise SolverError("the floating-point probes of the sequence-form search failed on this tree "
                              "(HiGHS returned no valid solution; payoffs of very different sizes, e.g. 10^16 "
                              "beside 1, do this): rescale the payoffs, or ask for one equilibrium "
                              "(method='sequence_lcp', exact)")
        col = sol.col_value
        return (list(col[:self.C]), col[self.C], sum(col[self.C + 1:]),
                list(sol.row_dual[:self.R]), {c: sol.row_dual[self.R + c] for c in self.strict})

    def basis(self):
        """``(basic columns, basic rows)`` of the last solve, as HiGHS reports them (for
        :meth:`_Polyhedron.exact_duals`)."""
        import highspy
        status = self.h.getBasis()
        basic = highspy.HighsBasisStatus.kBasic
        return ({j for j, v in enumerate(status.col_status) if v == basic},
                {i for i, v in enumerate(status.row_status) if v == basic})

    def basic_point(self, tight):
        """A basic optimum of ``min sum of the labels`` over the face with ``tight`` at zero
        (no strict rows): a vertex of the face in floating point, or None."""
        import highspy
        import numpy as np
        h, C = self.h, self.C
        self.solve(tight, set(), run=False)
        labels = np.arange(self.L, dtype=np.int32)
        h.changeColsCost(self.L, labels, np.ones(self.L))
        h.changeColCost(C, 0.0)
        h.run()
        ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
        z = list(h.getSolution().col_value) if ok else None
        h.changeColsCost(self.L, labels, np.zeros(self.L))
        h.changeColCost(C, -1.0)
        if z is None or sum(z[C + 1:]) > 1e-9:
            return None
        return z[:C]


class _ConeModel:
    """:meth:`_Polyhedron.free_columns`' LP kept in a highspy model, as :class:`_HighsModel`
    keeps the probes' (a call changes the bounds of the columns whose tightness changed; through
    SciPy's ``linprog`` its set-up took 85% of the search's time on the 137-sequence tree).

    Columns: ``z`` (the polyhedron's), ``lam`` (at least 1), ``t`` (one per label, in ``[0, 1]``;
    ``[0, 0]`` with ``z`` while the label is tight); rows: ``M z - b lam = 0``, then
    ``t_c - z_c <= 0``; maximise the sum of ``t``."""

    def __init__(self, side):
        import highspy
        import numpy as np
        R, C, L = side.rows, side.ncols, side.labelled
        self.C, self.L = C, L
        inf = highspy.kHighsInf
        h = _quiet_highs()
        nvar = C + 1 + L
        lower = np.array([0.0] * L + [-inf] * (C - L) + [1.0] + [0.0] * L)
        upper = np.array([inf] * C + [inf] + [1.0] * L)
        h.addVars(nvar, lower, upper)
        cost = np.zeros(nvar)
        cost[C + 1:] = -1.0
        h.changeColsCost(nvar, np.arange(nvar, dtype=np.int32), cost)
        for r in range(R):
            idx = [c for c in range(C) if side.M[r][c]] + [C]
            val = [float(side.M[r][c]) for c in range(C) if side.M[r][c]] + [-float(side.b[r])]
            h.addRow(0.0, 0.0, len(idx), np.array(idx, dtype=np.int32), np.array(val))
        for c in range(L):
            h.addRow(-inf, 0.0, 2, np.array([C + 1 + c, c], dtype=np.int32), np.array([1.0, -1.0]))
        self.h, self.inf = h, inf
        self.tight: set = set()

    def free(self, tight):
        """The labels positive at some point of the face with ``tight`` at zero (float), or None."""
        import highspy
        h, C = self.h, self.C
        for c in self.tight - tight:
            h.changeColBounds(c, 0.0, self.inf)
            h.changeColBounds(C + 1 + c, 0.0, 1.0)
        for c in tight - self.tight:
            h.changeColBounds(c, 0.0, 0.0)
            h.changeColBounds(C + 1 + c, 0.0, 0.0)
        self.tight = set(tight)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            h.clearSolver()
            h.run()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
        col = h.getSolution().col_value
        return {c for c in range(self.L) if c not in self.tight and col[C + 1 + c] > _POSITIVE}


class _Search:
    """The depth-first search: one polyhedron's tight and strict columns, the node count (and
    the progress bar that shows it, every :data:`_BAR_STEP` nodes), and the branches skipped by
    backjumping (``jumps``)."""

    def __init__(self, limit, bar=None, found=None):
        self.limit, self.nodes, self.bar, self.found = limit, 0, bar, found
        self.jumps = 0

    def count(self):
        self.nodes += 1
        if self.bar is not None and self.nodes % _BAR_STEP == 0:
            self.bar.set_postfix_str(f"{len(self.found):,} equilibria so far", refresh=False)
            self.bar.update(_BAR_STEP)
        if self.nodes > self.limit:
            raise TooLargeError(f"the sequence-form branching search passed {self.limit:,} nodes; "
                                "pass a larger limit= to continue")


def _can_take(side, tight, strict, col, make_tight, point):
    """``(feasible, point)``: can the face keep column ``col`` tight (or strictly positive)?
    A refusal leaves in ``side.culprits`` the labels of ``tight``, ``strict`` and ``col`` it
    rests on (None: all of them), for the backjumping (step 4 of the module)."""
    side.culprits = None
    if make_tight and col in tight or not make_tight and col in strict:
        return True, point
    if make_tight and col in strict or not make_tight and col in tight:
        side.culprits = {col}
        return False, None
    if not make_tight and side.vertices_only and (len(strict) + 1 > side.room
                                                  or not side.independent(strict | {col})):
        side.culprits = strict | {col}     # a vertex's positive columns are independent
        return False, None
    if not make_tight and side.open is not None and col in side.raised:
        actions, before = side.raised[col]      # a value raised above its best reply: see
        if (before in side.open and all(a in side.open for a in actions)      # _raised_value_rules
                and all(a == col or a in strict for a in actions)):
            return False, None
    if col < side.n_own:            # exact consequences of the plan's constraints E x = e, x >= 0
        parent = side.parent[col]
        if make_tight and parent is None:
            side.culprits = {col}
            return False, None
        if make_tight and parent in strict and all(c in tight for c in side.siblings[col]):
            side.culprits = {col, parent, *side.siblings[col]}
            return False, None
        if not make_tight and parent is not None and parent in tight:
            side.culprits = {col, parent}
            return False, None
    if point is not None and (point[col] <= _ZERO if make_tight else point[col] > _POSITIVE):
        return True, point
    if make_tight:
        return side.probe(tight | {col}, strict)
    return side.probe(tight, strict | {col})


def _levels(side, decided, col=None, depth=None):
    """The levels (search depths) that the last refusal in ``side`` rests on: those of its
    culprit columns in ``decided`` (column -> the levels that decided it), and ``depth`` when
    ``col``, the column tried there, is one of them; None (all levels: no jump) when the refusal
    named no culprits. Columns outside ``decided`` are given for the whole search (a leaf's
    face search: the support search's decisions; the support search has none)."""
    if side.culprits is None:
        return None
    levels = set().union(*(decided[c] for c in side.culprits if c in decided))
    return levels | {depth} if col in side.culprits else levels


def _vertex_plans(side, tight, strict, undecided, point, search) -> set:
    """The own plans of the vertices of ``side`` whose tight labels are ``tight`` plus some of
    ``undecided`` and whose other labels are positive (two children per undecided label)."""
    return _face_search(side, tight, strict, undecided, search, point, "plans", {})[0]


def _face_search(side, tight, strict, undecided, search, point, mode, at) -> tuple:
    """``(found, levels)``: the vertices of ``side``'s face with tight labels ``tight`` plus some
    of ``undecided`` and the others positive, depth first (each open column tight, then strictly
    positive). ``mode``: ``"plans"``, the set of their own plans (one vertex is enough once the
    tight columns fix the plan); ``"tights"``, the list of their tight label sets; ``"first"``, the
    first of those, the float ``point`` of each probe reused below it (the full listing probes
    afresh: the order of the float LPs sets their warm starts, and with them which certificates
    round exactly). Conflict-directed backjumping, as the support search: a branch without a
    vertex returns the levels of ``at`` (column -> the levels that decided it) its emptiness
    rests on, and a decision outside them is not revisited; ``levels`` is None when the branch
    has a vertex, or may."""
    search.count()
    if not undecided:
        if mode == "plans":
            plan = side.vertex(tight)
            return (set() if plan is None else {tuple(_norm(v) for v in plan)}), None
        return ([frozenset(tight)] if side.vertex(tight) is not None else []), None
    fixed = mode == "plans" and side.plan_is_fixed(tight)
    if fixed:
        plan = side.some_vertex(tight, strict)
        if plan is not None:        # the one plan every vertex below has
            return {tuple(_norm(v) for v in plan)}, None
    col, rest = undecided[0], undecided[1:]
    depth = len(at)
    found, conflicts = (set() if mode == "plans" else []), set()
    for make_tight in (True, False):
        good, child_point = _can_take(side, tight, strict, col, make_tight, point)
        if not good:
            levels = _levels(side, at, col, depth)
        else:
            (tight if make_tight else strict).add(col)
            at[col] = (depth,)
            below, levels = _face_search(side, tight, strict, rest, search,
                                         None if mode == "tights" else child_point, mode, at)
            (tight if make_tight else strict).discard(col)
            del at[col]
            if below:
                if mode == "plans":
                    found |= below
                else:
                    found += below
                levels = None
                if fixed or mode == "first":    # fixed: every vertex below has the same plan
                    return found, None
        if levels is None:
            conflicts = None
        elif make_tight and depth not in levels:
            search.jumps += 1
            return found, levels    # the other branch is empty for the same reason: jump back
        elif conflicts is not None:
            conflicts |= levels
    if found or conflicts is None:
        return found, None
    return found, conflicts - {depth}


def _leaf_plans(side, tight, strict, undecided, point, search) -> set:
    """The own plans of the vertices of a leaf's face (as :func:`_vertex_plans`), group by
    group when the face is a product (:meth:`_Polyhedron.split`): one vertex of the face
    first, then each group's vertices with the other groups held at that vertex's labels, and
    every combination, each confirmed a vertex exactly. The search then costs the sum of the
    groups' searches, not their product (off-path subgames that the covering rules leave open
    are independent groups)."""
    split = side.split(tight, undecided)
    if split is None:
        return set()
    blocks, zero, positive = split
    if zero & set(strict):              # a column that must be positive is zero on the face
        return set()
    # the columns fixed on the face are decided: zero ones tight, positive ones strict
    tight, strict = set(tight) | zero, set(strict) | positive
    undecided = [c for c in undecided if c not in zero and c not in positive]
    if len(blocks) < 2:
        return _searching(side, undecided, _vertex_plans, side, tight, strict, undecided, point, search)
    found = _searching(side, undecided, _vertex_tights, side, set(tight), set(strict), list(undecided),
                       search, point, first=True)
    if not found:
        return set()
    start = found[0]
    alternatives = []
    for group in blocks:
        others = [c for c in undecided if c not in group]
        held_tight = set(tight) | {c for c in others if c in start}
        held_strict = set(strict) | {c for c in others if c not in start}
        options = _searching(side, group, _vertex_tights, side, held_tight, held_strict, list(group), search)
        alternatives.append([frozenset(t & set(group)) for t in options])
    base = set(start).difference(*blocks)          # tight, and the columns fixed on the face
    plans = set()
    for choice in product(*alternatives):
        plan = side.vertex(base.union(*choice))
        if plan is None:
            raise SolverError("internal error: a combination of the groups' vertices is not a vertex")
        plans.add(tuple(_norm(v) for v in plan))
    return plans


def _searching(side, open_columns, search_face, *args, **kwargs):
    """``search_face(*args, **kwargs)`` with ``open_columns`` the columns the face search decides
    (the raised-value rule of :meth:`_Polyhedron._raised_value_rules` applies to them only)."""
    side.open = set(open_columns)
    try:
        return search_face(*args, **kwargs)
    finally:
        side.open = None


def _vertex_tights(side, tight, strict, undecided, search, point=None, first=False) -> list:
    """The tight label sets of every vertex of the face (``tight`` plus some of ``undecided``,
    the rest positive), depth first (:func:`_vertex_plans` without its one-plan shortcut: a
    group's vertices are told apart by their labels); ``first``: stop at the first one, with
    the float ``point`` of each probe reused below it (the full listing probes afresh: the
    order of the float LPs sets their warm starts, and with them which certificates round
    exactly)."""
    return _face_search(side, tight, strict, undecided, search, point, "first" if first else "tights", {})[0]


def _covering_rules(sf: SequenceForm) -> list:
    """``[(k, parent, zero, covered)]``: one rule per information set of either player ``k``.

    ``covered``: player ``k``'s sequences at the set and after it; ``parent``: the sequence that
    leads to the set; ``zero``: the other player's sequences that meet ``covered`` at a leaf with
    a nonzero payoff for ``k``'s opponent. Once ``parent`` is positive in ``k``'s polyhedron and
    every ``zero`` sequence is zero in the other polyhedron, every point of the other
    polyhedron that is complementary to a point of this branch has the slacks of all of
    ``covered`` at zero: so those labels need no branching, the slacks are tight, and
    ``k``'s plan on ``covered`` is left to the vertex enumeration of the leaf.

    Why (say ``k`` is player 2, the other polyhedron ``P``): with ``zero`` unplayed,
    ``(B^T x)_t = 0`` for ``t`` in ``covered``, so the rows give ``v_J >= sum of v_J'`` over
    the sets ``J'`` after ``t`` and ``v >= 0`` there, bottom up. If some ``v_J > 0``, each
    sequence ``t`` of ``J`` either has a positive slack (its label is not in ``P``, so
    ``y_t = 0`` in the complementary point) or is tight and leads to a set with a positive
    value; by induction from the deepest such set, ``y`` is zero on every sequence of ``J``
    and so on ``J``'s parent sequence. The parent is positive: every ``v`` in ``covered`` is
    zero and every row there is tight. (The off-path subgames of a tree, where one player does
    not enter and the other does, are the case that matters: without the rule the search
    branches on every support the entering player's plan can have there.)

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> rules = _covering_rules(sequence_form(load_game("entry_deterrence").with_defaults()))
    >>> [(k, parent, sorted(zero), covered) for k, parent, zero, covered in rules]
    [(0, 0, [1, 2], (1, 2)), (1, 0, [2], (1, 2))]
    """
    rules = []
    for k in (0, 1):
        pay = sf.A if k == 0 else sf.B          # the payoffs in the rows of the other polyhedron
        meets: dict = {}
        for (s, t) in pay:
            own, opp = (s, t) if k == 0 else (t, s)
            meets.setdefault(own, set()).add(opp)
        below: dict = {}                        # sequence -> the information sets it leads to
        for _, parent, children in sf.infosets[k]:
            below.setdefault(parent, []).append(children)
        for _, parent, children in sf.infosets[k]:
            covered, stack = [], [children]
            while stack:
                for c in stack.pop():
                    covered.append(c)
                    stack.extend(below.get(c, ()))
            zero = set().union(*(meets.get(c, set()) for c in covered))
            rules.append((k, parent, frozenset(zero), tuple(sorted(covered))))
    return rules


def branching_equilibrium_plans(sf: SequenceForm, limit: int = DEFAULT_NODES, progress=None, *,
                                subsets: list | None = None, subgames=()) -> list:
    """The realisation plans ``(x, y)`` of every extreme equilibrium, by the branching search
    (not yet certified; the same set as
    :func:`~deterrence.solvers.tree.sequence_enumeration.extreme_equilibrium_plans`).
    ``progress``: a count of the search's nodes (``limit`` in its label), with the equilibria
    found so far (:mod:`~deterrence.core.progress`; ``None``: on a terminal, once the search has run for
    two seconds).

    >>> from deterrence.io import load_game
    >>> from deterrence.solvers.tree.sequence_form import sequence_form
    >>> sf = sequence_form(load_game("entry_deterrence").with_defaults())
    >>> sorted(branching_equilibrium_plans(sf))
    [([1, 0, 1], [1, 0, 1]), ([1, 1, 0], [1, Fraction(1, 2), Fraction(1, 2)]), ([1, 1, 0], [1, 1, 0])]

    ``subsets``: a list to collect Nash subsets into instead of listing vertices (the mode of
    :mod:`~deterrence.solvers.tree.subgame_subsets`): the pairs ``(tight columns of P, tight
    columns of Q)`` of faces whose every pair of points is an equilibrium, which together hold
    every equilibrium of the tree. A leaf's pair is collected without its face search, and a node
    is collected at once, its subtree not searched, when each undecided label is tight on one
    side's face already (each proved so by a certificate: :func:`_one_sided`). ``subgames``: the
    tree's maximal proper subgames, ``(labels, player 1's entry column, player 2's entry
    sequence, Nash subsets)``, their labels held out of the branching until both entries are
    decided: a subgame both players enter takes one of its own Nash subsets (its equilibria are
    the subgame's), one they do not is searched as before (the covering rules settle it).
    The list returned is then empty.
    """
    sides = (_Polyhedron(sf, 0), _Polyhedron(sf, 1))
    for side in sides:
        side.vertices_only = subsets is None
    n1, n2 = sf.sizes
    plan_labels = _plan_labels(sf, sides)
    tight, strict = [set(), set()], [set(), set()]
    found: dict = {}

    undecided_labels = list(range(len(plan_labels)))
    label_of = {(k, col): i for i, (k, col, _) in enumerate(plan_labels)}
    rules = _covering_rules(sf)
    applied = [False] * len(rules)

    # backjumping: the decision levels (search depths) each tight or strict column rests on
    reason: list = [{}, {}]

    # the subgames' labels wait until the entries are decided (see the docstring)
    held = {i: g for g, (labels, *_) in enumerate(subgames) for i in labels}
    opened: set = set()

    def entry(g):
        """``"reached"`` when both players enter subgame ``g`` (their entry sequences are
        played: strict, or the empty sequence), ``"unreached"`` when each entry is decided and
        one is not played, None while an entry is undecided."""
        _, s_in, t_in, _ = subgames[g]
        cols = (s_in, sides[1].column[n1 + t_in] if t_in else 0)
        states = []
        for k, (seq, col) in enumerate(zip((s_in, t_in), cols)):
            if seq == 0 or col in strict[k]:
                states.append("played")
            elif is_zero(k, col) is not None:
                states.append("unplayed")
            else:
                return None
        return "reached" if states == ["played", "played"] else "unreached"

    def enter(depth, points):
        """Subgames whose entries are now decided: a reached one first, one branch per Nash
        subset of it (its tight columns added, when both faces keep a point; the next node
        enters the rest); else every unreached one has its labels let into the search. ``False``
        when no subgame is newly decided."""
        states = {g: entry(g) for g in range(len(subgames)) if g not in opened}
        reached = [g for g, state in states.items() if state == "reached"]
        if not reached:
            newly = [g for g, state in states.items() if state == "unreached"]
            if not newly:
                return False
            opened.update(newly)
            try:
                return decide_or_collect(depth, points)
            finally:
                opened.difference_update(newly)
        g = reached[0]
        labels, _, _, own_subsets = subgames[g]
        mine = [i for i in undecided_labels if i in labels]
        for i in mine:
            undecided_labels.remove(i)
        opened.add(g)
        try:
            for faces in own_subsets:
                if any(c in strict[k] for k in (0, 1) for c in faces[k]):
                    continue            # a column decided positive is zero on the subset's face
                added = [[c for c in faces[k] if c not in tight[k]] for k in (0, 1)]
                for k in (0, 1):
                    tight[k].update(added[k])
                    reason[k].update(dict.fromkeys(added[k], frozenset((depth,))))
                try:
                    if all(sides[k].probe(tight[k], strict[k])[0] for k in (0, 1)):
                        supports(depth + 1, [None, None])
                finally:
                    for k in (0, 1):
                        tight[k].difference_update(added[k])
                        for c in added[k]:
                            del reason[k][c]
        finally:
            opened.discard(g)
            undecided_labels.extend(mine)
            undecided_labels.sort()
        return None                     # no backjump across a subgame's choices

    def decide_or_collect(depth, points):
        if subsets is not None and undecided_labels:
            extra = _one_sided(sides, plan_labels, undecided_labels, tight)
            if extra is not None:
                subsets.append((frozenset(tight[0] | extra[0]), frozenset(tight[1] | extra[1])))
                return None
        return decide(depth, points)

    def is_zero(k, col):
        """The levels that make own column ``col`` of polyhedron ``k`` zero on the face (it, or a
        sequence before it, is tight: ``E x = e, x >= 0``, an unplayed sequence's continuations
        are unplayed), or None when it is not."""
        while col is not None:
            if col in tight[k]:
                return reason[k][col]
            col = sides[k].parent[col]
        return None

    def cover():
        """Apply every covering rule that now holds (see :func:`_covering_rules`): the slacks it
        proves tight join the other polyhedron's tight set, its labels leave the search. Returns
        ``(rules applied, slacks added, labels removed)``, or None when a polyhedron's face became
        empty (certified)."""
        done, added, removed = [], [[], []], []
        for r, (k, parent, zero, covered) in enumerate(rules):
            if applied[r] or not (parent == 0 or parent in strict[k]):
                continue
            why = set(reason[k][parent]) if parent != 0 else set()
            for c in zero:
                levels = is_zero(1 - k, c)
                if levels is None:
                    break
                why |= levels
            else:
                applied[r] = True
                done.append(r)
                other = 1 - k
                for c in covered:
                    slack = sides[other].column[c if k == 0 else n1 + c]
                    if slack not in tight[other]:
                        tight[other].add(slack)
                        reason[other][slack] = frozenset(why)
                        added[other].append(slack)
                    i = label_of[(k, c)]
                    if i in undecided_labels:
                        undecided_labels.remove(i)
                        removed.append(i)
        for side in (0, 1):
            if added[side] and not sides[side].probe(tight[side], strict[side])[0]:
                levels = _levels(sides[side], reason[side])
                uncover((done, added, removed))
                return None, levels
        return (done, added, removed), None

    def uncover(change):
        done, added, removed = change
        for r in done:
            applied[r] = False
        for side in (0, 1):
            tight[side].difference_update(added[side])
            for c in added[side]:
                del reason[side][c]
        undecided_labels.extend(removed)
        undecided_labels.sort()

    def next_label(points):
        """The undecided plan label whose float points break complementarity most (positive in
        its own polyhedron with a positive slack in the other: Audet et al.'s rule), else the
        first undecided from the root down."""
        eligible = [i for i in undecided_labels if held.get(i, -1) in opened or i not in held]
        eligible = eligible or undecided_labels         # an entry a covering rule took out
        best, worst = eligible[0], 1e-9
        if points[0] is not None and points[1] is not None:
            for i in eligible:
                k, col, other_col = plan_labels[i]
                violation = points[k][col] * points[1 - k][other_col]
                if violation > worst:
                    best, worst = i, violation
        return best

    def supports(depth, points):
        """Search below the decisions so far; returns None when the branch has an equilibrium
        (or may have: no jump), else the levels its emptiness rests on (Prosser's
        conflict-directed backjumping: a decision outside them is not revisited)."""
        search.count()
        change, levels = cover()
        if change is None:
            return levels
        if change[0]:
            points = [None if change[1][k] else points[k] for k in (0, 1)]
        try:
            entered = enter(depth, points) if subgames else False
            return decide_or_collect(depth, points) if entered is False else entered
        finally:
            if change[0]:
                uncover(change)

    def decide(depth, points):
        if not undecided_labels and subsets is not None:
            subsets.append((frozenset(tight[0]), frozenset(tight[1])))
            return None
        if not undecided_labels:
            plans = []
            for k in (0, 1):
                side = sides[k]
                key = ("plans", frozenset(tight[k]), frozenset(strict[k]))
                if key not in side.leaves:      # support pairs that share one player's face
                    undecided = [c for c in range(side.labelled - 1, side.n_own - 1, -1) if c not in tight[k]]
                    # the own sequences a covering rule left open (another polyhedron has their labels)
                    undecided += [c for c in range(side.n_own - 1, -1, -1)
                                  if c not in tight[k] and c not in strict[k]]
                    # the opponent's slacks before the own plan: which of the opponent's sequences
                    # are best replies pins the plan sooner, now that raised values are not searched
                    # (CPU on the benchmark's trees of 47, 56 and 65 sequences: 5.9, 10.8 and 128 s
                    # with the plan first; 6.2, 6.8 and 94 s so); within each, the columns that,
                    # tight, pin the plan down further come first: once the plan is fixed one vertex
                    # is enough, so the others are seldom branched on
                    freedom = side.float_freedom(tight[k])
                    undecided.sort(key=lambda c, side=side, k=k, freedom=freedom:
                                   (c < side.n_own, side.float_freedom(tight[k] | {c}) == freedom))
                    side.leaves[key] = _leaf_plans(side, tight[k], strict[k], undecided, points[k], search)
                plans.append(side.leaves[key])
                if not plans[-1]:
                    return None
            for x in plans[0]:
                for y in plans[1]:
                    found[(x, y)] = None
            return None
        index = next_label(points)
        undecided_labels.remove(index)
        k, col, other_col = plan_labels[index]
        other = 1 - k
        try:
            # positive: strict in its own polyhedron, its best-response slack tight in the other
            good, own_point = _can_take(sides[k], tight[k], strict[k], col, False, points[k])
            if not good:
                levels = _levels(sides[k], reason[k], col, depth)
            else:
                good, other_point = _can_take(sides[other], tight[other], strict[other], other_col, True,
                                              points[other])
                if not good:
                    levels = _levels(sides[other], reason[other], other_col, depth)
                else:
                    added = [(strict[k], reason[k], col), (tight[other], reason[other], other_col)]
                    added = [(group, why, c) for group, why, c in added if c not in group]
                    for group, why, c in added:
                        group.add(c)
                        why[c] = frozenset((depth,))
                    child = [None, None]
                    child[k], child[other] = own_point, other_point
                    levels = supports(depth + 1, child)
                    for group, why, c in added:
                        group.discard(c)
                        del why[c]
            if levels is not None and depth not in levels:
                search.jumps += 1
                return levels       # the zero branch is empty for the same reason: jump back
            # zero: tight in its own polyhedron (the slack in the other is then free)
            good, own_point = _can_take(sides[k], tight[k], strict[k], col, True, points[k])
            if not good:
                other_levels = _levels(sides[k], reason[k], col, depth)
            else:
                added = col not in tight[k]
                tight[k].add(col)
                if added:
                    reason[k][col] = frozenset((depth,))
                child = [None, None]
                child[k], child[other] = own_point, points[other]
                other_levels = supports(depth + 1, child)
                if added:
                    tight[k].discard(col)
                    del reason[k][col]
            if levels is None or other_levels is None:
                return None
            return (levels | other_levels) - {depth}
        finally:
            undecided_labels.insert(0, index)
            undecided_labels.sort()

    from deterrence.core.progress import progress_bar
    # no total: the node limit is a backstop, and a bar against it would promise its time
    with progress_bar(None, f"sequence_form: search nodes (limit {limit:,})", progress, large=True,
                      unit=" nodes", delay=0 if progress else 2) as bar:
        search = _Search(limit, bar, found)
        with _recursion_room(4 * len(plan_labels)):
            supports(0, [None, None])
        bar.set_postfix_str(f"{len(found):,} equilibria", refresh=False)
        bar.update(search.nodes % _BAR_STEP)            # the nodes since the last step
    return [(list(x), list(y)) for x, y in found]


@contextmanager
def _recursion_room(frames: int):
    """Python's recursion limit raised by ``frames`` for the search, then put back: the search
    goes one to three calls deeper per decided label, so a tree of a few hundred labels passes
    the default limit of 1,000 (the 1,145-sequence random tree did, in the subsets mode). The
    calls are Python to Python, which CPython 3.11 makes without growing the C stack."""
    import sys
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, before + frames))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _plan_labels(sf: SequenceForm, sides) -> list:
    """The search's labels in its order: ``(polyhedron, its plan column, the other
    polyhedron's slack column)``, both plans from the root down (a subgame's labels are given to
    the search by their index here: :mod:`~deterrence.solvers.tree.subgame_subsets`)."""
    n1, n2 = sf.sizes
    labels = [(0, s, sides[1].column[s]) for s in range(n1)]
    labels += [(1, t, sides[0].column[n1 + t]) for t in range(n2)]
    labels.sort(key=lambda item: (item[1], item[0]))
    return labels


def _one_sided(sides, plan_labels, undecided, tight):
    """``[columns of P, columns of Q]`` proved tight on the faces with ``tight`` at zero, one
    for each undecided label (its column in its own polyhedron, or its slack in the other), or
    None when some label may be positive on both faces. When not None, every pair of points of
    the two faces is complementary: every label is tight on one of them (a decided one by its
    decision), so the pair of faces is a Nash subset holding every equilibrium below the node.
    A float LP per side (:meth:`_Polyhedron.free_columns`) rules out most nodes at once; each
    label kept is then proved tight by a certificate (:meth:`_Polyhedron.probe`)."""
    free = [side.free_columns(tight[k]) for k, side in enumerate(sides)]
    for i in undecided:
        k, col, other_col = plan_labels[i]
        if free[k] is not None and free[1 - k] is not None and col in free[k] and other_col in free[1 - k]:
            return None
    extra = [set(), set()]
    for i in undecided:
        k, col, other_col = plan_labels[i]
        for side, c in ((k, col), (1 - k, other_col)):
            if free[side] is not None and c in free[side]:
                continue
            if not sides[side].probe(tight[side], {c})[0]:
                extra[side].add(c)
                break
        else:
            return None
    return extra


def _norm(v):
    return v.numerator if v.denominator == 1 else v


__all__ = ["DEFAULT_NODES", "branching_equilibrium_plans"]
