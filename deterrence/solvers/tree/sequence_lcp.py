"""One equilibrium of a two-player tree by Lemke's algorithm on the sequence form.

The equilibria of a two-player tree with perfect recall are the solutions of
a linear complementarity problem (LCP) in the sequence form
(:mod:`~deterrence.solvers.tree.sequence_form`): realisation plans ``x, y``
and free "value" variables ``u, v`` with

    E x = e,  x >= 0,  w1 = E^T u - A y >= 0,  x . w1 = 0,
    F y = f,  y >= 0,  w2 = F^T v - B^T x >= 0,  y . w2 = 0.

It is solved by Lemke's complementary pivoting along the path of the linear
tracing procedure, as in von Stengel, van den Elzen and Talman (2002): a
parameter ``z0`` runs from 1 to 0; at ``z0`` each player best responds to
``z0`` times a starting plan (the prior) plus the other's current plan,
scaled by ``1 - z0``. At ``z0 = 1`` the best responses to the prior are
known; each pivot keeps the complementarity and ends when ``z0`` leaves the
basis, at an equilibrium. With a completely mixed prior the equilibrium found
is normal-form perfect in the generic case (vSET 2002).

The same path serves the perturbed game of Miltersen and Sorensen (2010),
in which every sequence ``s`` is played with probability at least
``eps^len(s)``: its equilibria converge, as ``eps -> 0``, to a quasi-perfect
equilibrium (off-path play is optimal against the other's trembles), see
:func:`quasi_perfect`.

Sources: D. Koller, N. Megiddo and B. von Stengel (1996), "Efficient
computation of equilibria for extensive two-person games", Games and
Economic Behavior 14: 247-259; B. von Stengel, A. van den Elzen and D.
Talman (2002), "Computing normal form perfect equilibria for extensive
two-person games", Econometrica 70: 693-715; P. B. Miltersen and T. B.
Sorensen (2010), "Computing a quasi-perfect equilibrium of a two-player game",
Economic Theory 42: 175-192. The float pivoting keeps the inverse of the basis
in product form (G. B. Dantzig and W. Orchard-Hays (1954), "The product form
for the inverse in the simplex method", Mathematical Tables and Other Aids to
Computation 8: 64-67). No code was copied.

Steps of :func:`sequence_lcp`:

1. build the sequence form and the tracing system: columns ``x, y, w1, w2,
   u, v, z0``; rows ``E x + c z0 = e``, ``F y + d z0 = f``, ``A y + w1 - E^T u
   + (A t) z0 = 0``, ``B^T x + w2 - F^T v + (B^T s) z0 = 0`` (``s, t``: the
   prior, by default the uniform behaviour strategies);
2. the first basis (``z0 = 1``): ``u, v, z0``, each player's best reply to
   the prior (its sequences, at level 0, except player 1's empty sequence)
   and the slacks of all other sequences; the empty sequence of player 1 and
   its slack are the one pair with neither basic;
3. Lemke's pivoting in floating point, revised (:func:`_lemke_float`): the
   system is built sparse from the sequence form (:class:`_FloatSystem`; a
   dense array up to ``DENSE_ROWS`` rows), and only the basic values and the
   inverse of the basis are kept (sparse LU factors with one eta column a
   pivot, or a small explicit inverse), not the tableau; the ratio test is one
   vectorised minimum. ``x_()`` enters first; the free ``u, v`` never leave;
   the right-hand side is perturbed at random by a tiny multiple of the first
   basis, so that ties, which the start is full of, do not arise; it stops when
   ``z0`` leaves;
4. the final basis is solved again unperturbed, each plan entry read as the
   nearest fraction of small denominator, and the plans are certified exactly
   as a Nash equilibrium of the tree
   (:func:`~deterrence.solvers.tree.sequence_form.certify_plans`: realisation
   plans, and no deviation gains). If that fails, the older dense path runs:
   float pivoting of the whole tableau, the final basis solved exactly
   (python-flint rationals), which must be feasible, then certified; and if
   float pivoting went astray there too, the whole path is pivoted again in
   exact rational arithmetic with the lexicographic rule (:func:`_lemke`,
   ``exact=True``);
5. behaviour strategies are read off the plans; information sets a plan
   does not reach get the player's best reply;
6. if no path gives a certified equilibrium (ties in the best replies to the
   prior make the start degenerate, and the path can end on a ray: one
   signalling game in about 19,000 random ones), the prior is perturbed
   (:func:`tie_breaking_priors`: each behaviour probability moved by up to
   10%, seeded, :data:`TIE_BREAKS` tries) and steps 2-5 run again; the
   result's notes say so.
"""
from __future__ import annotations

from fractions import Fraction

from deterrence.core.tree import GameTree
from deterrence.core.validate import at_defaults
from deterrence.errors import GameError, SolverError
from deterrence.solvers.tree.sequence_form import (
    SequenceForm,
    SequenceFormResult,
    best_response_value,
    nash_equilibrium_from_plans,
    plan_from_behaviour,
    sequence_form,
    uniform_plan,
)

#: Largest number of Lemke pivots before giving up.
MAX_PIVOTS = 100_000


class _Layout:
    """The columns of the tracing system and their complementarity (shared by the dense
    exact system :class:`_System` and the float one :class:`_FloatSystem`)."""

    def __init__(self, sf: SequenceForm):
        n1, n2 = sf.sizes
        self.sf, self.n1, self.n2 = sf, n1, n2
        k1, k2 = 1 + len(sf.infosets[0]), 1 + len(sf.infosets[1])
        self.k1, self.k2 = k1, k2
        # column layout
        self.X, self.Y = 0, n1
        self.W1, self.W2 = n1 + n2, 2 * n1 + n2
        self.U, self.V = 2 * n1 + 2 * n2, 2 * n1 + 2 * n2 + k1
        self.Z = self.V + k2
        self.ncols = self.Z + 1
        self.nrows = k1 + k2 + n1 + n2
        self.free = set(range(self.U, self.Z))
        self.complement = {}
        for j in range(n1):
            self.complement[self.X + j], self.complement[self.W1 + j] = self.W1 + j, self.X + j
        for j in range(n2):
            self.complement[self.Y + j], self.complement[self.W2 + j] = self.W2 + j, self.Y + j

    def first_basis(self, prior, vectors=None) -> tuple:
        """The basis at ``z0 = 1`` (row order) and the first entering column.

        ``vectors``: each player's payoff per sequence against the other's prior
        (``A t, B^T s``), if the caller has them already."""
        sf = self.sf
        s, t = prior
        a_t, bt_s = vectors or (sf.payoff_vector(0, t), sf.payoff_vector(1, s))
        _, c1 = best_response_value(sf, 0, a_t)
        _, c2 = best_response_value(sf, 1, bt_s)
        on1 = {0} | {ch[c1[name]] for name, _, ch in sf.infosets[0]}
        on2 = {0} | {ch[c2[name]] for name, _, ch in sf.infosets[1]}
        # rows: E (z0 for row 0, then the chosen child of each set), F (y_() then chosen children),
        # W1 (slack or u), W2 (slack or v); u / v take the rows of the tight sequences
        basis = [self.Z] + [self.X + ch[c1[name]] for name, _, ch in sf.infosets[0]]
        basis += [self.Y] + [self.Y + ch[c2[name]] for name, _, ch in sf.infosets[1]]
        u_rows = iter(range(self.U, self.U + self.k1))
        for j in range(self.n1):
            basis.append(next(u_rows) if j in on1 else self.W1 + j)
        v_rows = iter(range(self.V, self.V + self.k2))
        for j in range(self.n2):
            basis.append(next(v_rows) if j in on2 else self.W2 + j)
        return basis, self.X


class _System(_Layout):
    """The tracing system of a (possibly perturbed) sequence form, dense.

    ``lower[i]`` is a list of polynomials in ``eps`` (coefficient lists) giving
    each sequence's lower bound; ``None`` for the unperturbed game.
    """

    def __init__(self, sf: SequenceForm, prior, lower=None, eps=None):
        super().__init__(sf)
        n1, n2 = self.n1, self.n2
        (E, e), (F, f) = sf.constraints(0), sf.constraints(1)
        A, Bt = sf.dense(0), [list(c) for c in zip(*sf.dense(1))]
        s, t = prior
        degree = 0 if lower is None else max(len(p) for lo in lower for p in lo) - 1
        # lower bounds as coefficient vectors, and their value at eps
        lo = lower or ([[[0]] * n1, [[0]] * n2])
        low = [[_poly(lo[i][j], degree) for j in range(len(lo[i]))] for i in range(2)]
        at = [[_evaluate(p, eps) for p in low[i]] for i in range(2)] if lower is not None \
            else [[0] * n1, [0] * n2]
        s_shift = [a - b for a, b in zip(s, at[0])]
        t_shift = [a - b for a, b in zip(t, at[1])]
        M = [[0] * self.ncols for _ in range(self.nrows)]
        # rhs[r] = list of coefficients of eps^0..eps^degree
        rhs = [[0] * (degree + 1) for _ in range(self.nrows)]
        zcol = [0] * self.nrows
        r = 0
        for (C, c, off, lw, ats) in ((E, e, self.X, low[0], at[0]), (F, f, self.Y, low[1], at[1])):
            for row, b in zip(C, c):
                for j, a in enumerate(row):
                    if a:
                        M[r][off + j] = a
                poly = [b] + [0] * degree
                for j, a in enumerate(row):
                    if a:
                        poly = [p - a * q for p, q in zip(poly, lw[j])]
                rhs[r] = poly
                zcol[r] = b - sum((a * q for a, q in zip(row, ats) if a), 0)
                r += 1
        for (P, _own_off, opp_off, slack, dual, C, lw_opp, prior_opp, n_own, n_opp) in (
                (A, self.X, self.Y, self.W1, self.U, E, low[1], t_shift, n1, n2),
                (Bt, self.Y, self.X, self.W2, self.V, F, low[0], s_shift, n2, n1)):
            for j in range(n_own):
                row = M[r]
                for q in range(n_opp):
                    if P[j][q]:
                        row[opp_off + q] = P[j][q]
                row[slack + j] = 1
                for h in range(len(C)):
                    if C[h][j]:
                        row[dual + h] = -C[h][j]
                zcol[r] = sum((P[j][q] * prior_opp[q] for q in range(n_opp) if P[j][q]), 0)
                poly = [0] * (degree + 1)
                for q in range(n_opp):
                    if P[j][q]:
                        poly = [p - P[j][q] * c for p, c in zip(poly, lw_opp[q])]
                rhs[r] = poly
                r += 1
        for r in range(self.nrows):
            M[r][self.Z] = zcol[r]
        self.M, self.rhs, self.degree = M, rhs, degree
        self.rhs_at = [_evaluate(p, eps) for p in rhs] if lower is not None else [p[0] for p in rhs]


#: Up to this many rows the float system is a dense NumPy array with an explicit inverse of
#: the basis (Kuhn poker: 40 rows); above it, a SciPy sparse matrix and SuperLU factors
#: (a dense inverse of 100 rows, multithreaded by OpenBLAS, took 10-140 ms on a loaded machine).
DENSE_ROWS = 64


class _FloatSystem(_Layout):
    """The tracing system of the unperturbed sequence form in floating point: ``rhs`` and
    the columns, dense (``nrows <= DENSE_ROWS``) or SciPy CSC (a few entries a column).

    The same rows as :class:`_System` (whose exact entries it mirrors), built from
    the sparse payoffs and the information sets without a dense list of lists.
    ``vectors``: each player's payoff per sequence against the other's prior,
    exact (for :meth:`first_basis`).
    """

    def __init__(self, sf: SequenceForm, prior):
        import numpy as np
        super().__init__(sf)
        n1, n2, k1, k2 = self.n1, self.n2, self.k1, self.k2
        s, t = prior
        # exact, so that the first basis breaks ties as the exact system's does
        self.vectors = (sf.payoff_vector(0, t), sf.payoff_vector(1, s))
        base = (k1 + k2, k1 + k2 + n1)          # first row of each player's payoff rows
        rows, cols, vals = [0, k1], [self.X, self.Y], [1.0, 1.0]    # x_() = 1, y_() = 1
        for player, (off, dual, first) in enumerate(((self.X, self.U, 0), (self.Y, self.V, k1))):
            # E x (rows first + h) and -E^T u in the payoff rows (base + j, dual + h)
            for h, (_, parent, children) in enumerate(sf.infosets[player], start=1):
                for j, a in ((parent, -1.0), *((c, 1.0) for c in children)):
                    rows += (first + h, base[player] + j)
                    cols += (off + j, dual + h)
                    vals += (a, -a)
            rows.append(base[player])                     # -u_0 / -v_0 in the empty sequence's row
            cols.append(dual)
            vals.append(-1.0)
        for (r, c), v in sf.A.items():                    # A y in player 1's rows
            v = float(v)
            rows.append(base[0] + r)
            cols.append(self.Y + c)
            vals.append(v)
        for (r, c), v in sf.B.items():                    # B^T x in player 2's rows
            v = float(v)
            rows.append(base[1] + c)
            cols.append(self.X + r)
            vals.append(v)
        for player, (slack, n) in enumerate(((self.W1, n1), (self.W2, n2))):
            rows += range(base[player], base[player] + n)
            cols += range(slack, slack + n)
            vals += [1.0] * n
            for j, v in enumerate(self.vectors[player]):     # z0 column: A t, B^T s
                if v:
                    rows.append(base[player] + j)
                    cols.append(self.Z)
                    vals.append(float(v))
        rows += [0, k1]
        cols += [self.Z, self.Z]
        vals += [1.0, 1.0]
        R = self.nrows
        self.rhs = np.zeros(R)
        self.rhs[0] = self.rhs[k1] = 1.0
        self.dense = R <= DENSE_ROWS
        if self.dense:                # no position repeats: a plain assignment
            self.columns = np.zeros((R, self.ncols))
            self.columns[rows, cols] = vals
        else:
            from scipy.sparse import csc_matrix
            self.columns = csc_matrix((np.array(vals), (np.array(rows), np.array(cols))),
                                      shape=(R, self.ncols))

    def column(self, j):
        """Column ``j`` as a dense float vector."""
        import numpy as np
        cols = self.columns
        if self.dense:
            return cols[:, j]
        out = np.zeros(self.nrows)
        lo, hi = cols.indptr[j], cols.indptr[j + 1]
        out[cols.indices[lo:hi]] = cols.data[lo:hi]
        return out

    def factor(self, basis):
        """The inverse of the basis matrix, to solve with and update by pivots
        (:class:`_DenseInverse` or :class:`_SparseFactors`); ``RuntimeError`` or
        ``LinAlgError`` if it is singular."""
        return (_DenseInverse if self.dense else _SparseFactors)(self.columns[:, basis])

    def basic_solution(self, basis):
        """The basic solution of ``basis`` for the unperturbed right-hand side, one fresh solve."""
        import numpy as np
        if self.dense:
            return np.linalg.solve(self.columns[:, basis], self.rhs)
        return _SparseFactors(self.columns[:, basis]).solve(self.rhs)


class _DenseInverse:
    """The explicit inverse of a small dense basis matrix, updated in place by each pivot."""

    def __init__(self, matrix):
        import numpy as np
        self.inverse = np.linalg.inv(matrix)

    def solve(self, v):
        return self.inverse @ v

    def pivot(self, row, column):
        """The basis column ``row`` replaced by one whose solve is ``column``."""
        inv = self.inverse
        new_row = inv[row] / column[row]
        inv -= column[:, None] * new_row
        inv[row] = new_row


class _SparseFactors:
    """Sparse LU factors (SuperLU) and the eta columns of the pivots since (the product form
    of the inverse)."""

    def __init__(self, matrix):
        from scipy.sparse.linalg import splu
        self.lu, self.etas = splu(matrix.tocsc()), []

    def solve(self, v):
        x = self.lu.solve(v)
        for row, eta in self.etas:
            if x[row]:
                x += eta * x[row]
        return x

    def pivot(self, row, column):
        eta = column / -column[row]
        eta[row] = 1.0 / column[row] - 1.0
        self.etas.append((row, eta))


def _lemke_float(system: _FloatSystem, basis, enter, perturb: float):
    """Lemke's complementary pivoting in floating point, revised: the final basis (row order).

    Only the basic values and the inverse of the basis are kept, not the tableau
    (:meth:`_FloatSystem.factor`: explicit and updated by each pivot when small;
    else sparse LU factors and one eta column a pivot), refactored every 50
    pivots. The right-hand side is perturbed at random by ``B0 r`` (``r`` of
    order ``perturb``, as in :func:`_lemke`), which makes ties improbable; the
    ratio test is one vectorised minimum. A repeated basis raises; the final
    basis is checked exactly by the caller.
    """
    import numpy as np
    R = system.nrows
    basis = list(basis)
    rng = np.random.default_rng(len(basis))
    shift = rng.uniform(0.5, 1.0, R) * perturb
    rhs = system.rhs + system.columns[:, basis] @ shift      # B0 (B0^-1 rhs + shift)
    leavable = np.array([b not in system.free for b in basis])
    seen = {frozenset(basis)}
    inverse = values = None
    for step in range(MAX_PIVOTS):
        if step % 50 == 0:   # (re)factor from the original columns: rounding errors do not pile up
            inverse = system.factor(basis)
            values = inverse.solve(rhs)
        col = inverse.solve(system.column(enter))
        tol = 1e-9 * max(1.0, col.max(), -col.min())   # within rounding of 0: 0
        rows = leavable & (col > tol)
        ratios = np.divide(values, col, out=np.full(R, np.inf), where=rows)
        best = int(ratios.argmin())
        theta = ratios[best]
        if theta == np.inf:
            raise SolverError("Lemke's algorithm ended on a ray (the sequence-form LCP has no "
                              "solution on this path; internal error)")
        values -= theta * col
        values[best] = theta
        inverse.pivot(best, col)
        leaving = basis[best]
        basis[best] = enter
        leavable[best] = True               # x, y or a slack: never a free u, v
        if leaving == system.Z:
            return basis
        key = frozenset(basis)
        if key in seen:
            raise SolverError("floating-point Lemke pivoting cycled (rounding in a degenerate tie)")
        seen.add(key)
        enter = system.complement[leaving]
    raise SolverError(f"Lemke's algorithm did not finish within {MAX_PIVOTS} pivots")


def _float_plans(sf: SequenceForm, prior, perturbs=(1e-7, 1e-10)):
    """Candidate plans ``(x, y)`` from the float path (:func:`_lemke_float`), one for each perturbation
    that reaches a final basis: the basic solution solved again unperturbed and each
    entry read as the nearest fraction of small denominator. Not certified: the
    caller checks them exactly (:func:`~deterrence.solvers.tree.sequence_form.certify_plans`)."""
    import numpy as np
    try:
        system = _FloatSystem(sf, prior)
    except OverflowError:        # payoffs beyond the float range: no float path, the exact one decides
        return
    basis, enter = system.first_basis(prior, system.vectors)
    for perturb in perturbs:
        try:
            final = _lemke_float(system, basis, enter, perturb)
            values = system.basic_solution(final)
        except (SolverError, ArithmeticError, ValueError, RuntimeError, np.linalg.LinAlgError):
            continue
        final = np.array(final)
        plans = []
        for off, n in ((system.X, system.n1), (system.Y, system.n2)):
            plan = np.zeros(n)
            on = (final >= off) & (final < off + n)
            plan[final[on] - off] = values[on]
            plans.append(_rationals(plan))
        if None not in plans:
            yield tuple(plans)


def _rationals(values, max_denominator=10**7):
    """Floats read as exact numbers: ints where within rounding of one, else the nearest
    fraction of denominator at most ``max_denominator``; None if one is clearly negative
    (or not finite)."""
    import numpy as np
    if not np.all(np.isfinite(values)):
        return None
    out = []
    for v in values.tolist():
        if v < -1e-9:
            return None
        n = round(v)
        out.append(n if abs(v - n) < 1e-11 else _norm(Fraction(v).limit_denominator(max_denominator)))
    return out


def _poly(p, degree):
    p = [Fraction(c) for c in p]
    return p + [Fraction(0)] * (degree + 1 - len(p))


def _evaluate(poly, eps):
    total, power = Fraction(0), Fraction(1)
    for c in poly:
        total += c * power
        power *= eps
    return total


def _lemke(system: _System, basis, enter, exact: bool, perturb: float = 1e-7):
    """Lemke's complementary pivoting from ``basis``: the final basis (row order).

    The tableau holds ``B^-1 [M | rhs | B0]`` (``B0``: the first basis); the
    last block breaks ties in the ratio test lexicographically (the
    right-hand side perturbed by ``B0 (eps, eps^2, ...)``), so no basis
    repeats. ``exact=False`` pivots NumPy float64 arrays with the right-hand
    side perturbed at random instead (refactored every 50 pivots; a repeated
    basis raises),
    ``exact=True`` python-flint ``fmpq_mat`` tableaux (each pivot one
    rank-one update in C). The fallback of :func:`_lemke_float` (which keeps no
    tableau), and the pivoting of the perturbed game (:func:`quasi_perfect`).
    """
    import numpy as np
    M, R = system.M, system.nrows
    ncols = system.ncols
    B0 = [[M[r][b] for b in basis] for r in range(R)]
    aug = [M[r] + [system.rhs_at[r]] + B0[r] for r in range(R)]
    rhs_col = ncols
    free = system.free
    if exact:
        from deterrence.core.exact import flint_module
        flint = flint_module()
        Bm = flint.fmpq_mat(R, R, [_q(flint, M[r][b]) for r in range(R) for b in basis])
        T = Bm.solve(flint.fmpq_mat(R, len(aug[0]), [_q(flint, v) for row in aug for v in row]))
        width = len(aug[0])
        tol = 0
        lex_cols = [rhs_col] + list(range(rhs_col + 1, rhs_col + 1 + R))
    else:
        # floats: the right-hand side is perturbed at random by B0 r (r of order
        # ``perturb``), which makes ties (degenerate pivots) improbable; the final
        # basis is checked exactly for the unperturbed system by the caller
        Mf = np.array(M, dtype=float)
        B0f = np.array(B0, dtype=float)
        rng = np.random.default_rng(len(basis))
        rhs = np.array([float(v) for v in system.rhs_at]) + B0f @ rng.uniform(0.5, 1.0, R) * perturb
        augf = np.column_stack([Mf, rhs])
        T = np.linalg.solve(B0f, augf)
        lex_cols = [rhs_col]
    basis = list(basis)
    seen = {frozenset(basis)}
    for step in range(MAX_PIVOTS):
        if not exact and step and step % 50 == 0:
            # refactor from the original columns now and then: rounding errors do not pile up
            T = np.linalg.solve(Mf[:, basis], augf)
        col = [T[r, enter] for r in range(R)]
        if not exact:      # entries within rounding of 0, relative to the column, are 0
            tol = 1e-9 * max(1.0, max(abs(v) for v in col))
        rows = [r for r in range(R) if basis[r] not in free and col[r] > tol]
        if not rows:
            raise SolverError("Lemke's algorithm ended on a ray (the sequence-form LCP has no "
                              "solution on this path; internal error)")
        best = rows[0]
        for r in rows[1:]:                    # lexicographic minimum ratio
            for c in lex_cols:
                a, b = T[r, c] * col[best], T[best, c] * col[r]
                if exact:
                    if a != b:
                        if a < b:
                            best = r
                        break
                else:
                    scale = max(abs(a), abs(b), 1e-300)
                    if abs(a - b) > 1e-9 * scale and abs(a - b) > 1e-12:
                        if a < b:
                            best = r
                        break
        leaving = basis[best]
        # pivot on (best, enter)
        if exact:
            p = col[best]
            prow = flint.fmpq_mat(1, width, [T[best, c] / p for c in range(width)])
            colv = flint.fmpq_mat(R, 1, [0 if r == best else col[r] for r in range(R)])
            T = T - colv * prow
            for c in range(width):
                T[best, c] = prow[0, c]
        else:
            T[best] = T[best] / T[best, enter]
            factor = T[:, enter].copy()
            factor[best] = 0
            T -= np.outer(factor, T[best])
        basis[best] = enter
        if leaving == system.Z:
            return basis
        key = frozenset(basis)
        if key in seen and not exact:
            raise SolverError("floating-point Lemke pivoting cycled (rounding in a degenerate tie)")
        seen.add(key)
        enter = system.complement[leaving]
    raise SolverError(f"Lemke's algorithm did not finish within {MAX_PIVOTS} pivots")


def _q(flint, v):
    v = Fraction(v)
    return flint.fmpq(v.numerator, v.denominator)


def _solve_basis(system: _System, basis):
    """The basic solution of ``basis``, exactly, as coefficient lists in ``eps``:
    ``{column: [c0, c1, ...]}`` for the basic columns.

    The basis matrix is sparse (a few entries a row), and a dense exact solve of
    it is cubic in the number of rows (0.5 s at 760 rows). So it is solved in
    floats first, each entry read back as the nearest fraction of small
    denominator, and the candidate accepted only if it satisfies every equation
    exactly (a sparse check); otherwise the exact dense solve decides.
    """
    R, d = system.nrows, system.degree
    entries = [[(k, Fraction(system.M[r][b])) for k, b in enumerate(basis) if system.M[r][b]] for r in range(R)]
    rhs = [[Fraction(c) for c in system.rhs[r]] for r in range(R)]
    guess = _rational_guess(entries, rhs, R, d)
    if guess is not None:
        return {b: guess[r] for r, b in enumerate(basis)}
    from deterrence.core.exact import flint_module
    flint = flint_module()
    Bm = flint.fmpq_mat(R, R)
    for r, row in enumerate(entries):
        for k, v in row:
            Bm[r, k] = _q(flint, v)
    rhs_m = flint.fmpq_mat(R, d + 1, [_q(flint, c) for r in range(R) for c in rhs[r]])
    try:
        S = Bm.solve(rhs_m)
    except ZeroDivisionError:
        return None
    return {b: [Fraction(int(S[r, k].p), int(S[r, k].q)) for k in range(d + 1)]
            for r, b in enumerate(basis)}


def _rational_guess(entries, rhs, R, d, max_denominator=10**7):
    """The solution of the sparse system ``entries`` (rows of ``(column, value)``) = ``rhs``
    if a float solve rounded to fractions of denominator at most ``max_denominator``
    satisfies every equation exactly; else None (singular, or larger denominators)."""
    import numpy as np
    A = np.zeros((R, R))
    try:
        for r, row in enumerate(entries):
            for k, v in row:
                A[r, k] = float(v)
        b = np.array([[float(c) for c in rhs[r]] for r in range(R)]).reshape(R, d + 1)
    except OverflowError:        # numbers beyond the float range: the exact solve decides
        return None
    try:
        x = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(x)):
        return None
    sol = [[Fraction(float(v)).limit_denominator(max_denominator) for v in x[r]] for r in range(R)]
    for r, row in enumerate(entries):     # exact check of every equation, column by column
        for k in range(d + 1):
            if sum((v * sol[c][k] for c, v in row), Fraction(0)) != rhs[r][k]:
                return None
    return sol


def _plans_at_zero(system: _System, values):
    """The plans at ``eps = 0`` (unperturbed: the solution), or None if a basic
    variable is negative for small ``eps`` (lexicographically)."""
    for b, poly in values.items():
        if b in system.free:
            continue
        lead = next((c for c in poly if c != 0), 0)
        if lead < 0:
            return None
    x = [Fraction(0)] * system.n1
    y = [Fraction(0)] * system.n2
    for b, poly in values.items():
        if system.X <= b < system.X + system.n1:
            x[b - system.X] = poly
        elif system.Y <= b < system.Y + system.n2:
            y[b - system.Y] = poly
    return x, y


def _run(sf: SequenceForm, prior, lower=None, eps=None, exact=None):
    """Lemke on the tracing system; the basic solution as polynomials in eps."""
    system = _System(sf, prior, lower, eps)
    basis, enter = system.first_basis(prior)
    attempts = [(False, 1e-7), (False, 1e-10), (True, 0)]
    if exact is not None:
        attempts = [a for a in attempts if a[0] == exact]
    for use_exact, perturb in attempts:
        try:
            final = _lemke(system, basis, enter, use_exact, perturb)
        except (SolverError, ArithmeticError, ValueError):
            if use_exact:
                raise
            continue
        values = _solve_basis(system, final)
        if values is None or system.Z in final:
            continue
        plans = _plans_at_zero(system, values)
        if plans is not None:
            return system, plans
    raise SolverError("Lemke's algorithm on the sequence form found no certified basis")


def _const(poly):
    return poly[0] if isinstance(poly, list) else poly


#: Perturbed priors tried after the given one (:func:`tie_breaking_priors`).
TIE_BREAKS = 4


def tie_breaking_priors(sf: SequenceForm, prior=None, tries: int = TIE_BREAKS):
    """The prior (default: the uniform plans), then ``tries`` seeded perturbations of it: at
    every information set the prior's behaviour probabilities (uniform where the prior does
    not reach the set) times weights drawn from 0.90..1.10, renormalised; exact Fractions,
    completely mixed, and generically without ties in the best replies to them.

    >>> from deterrence.io import load_game
    >>> sf = sequence_form(load_game("entry_deterrence").with_defaults())
    >>> first, second = list(tie_breaking_priors(sf, tries=1))
    >>> first[0], second[0] != first[0]
    ([1, Fraction(1, 2), Fraction(1, 2)], True)
    """
    import random
    prior = prior or (uniform_plan(sf, 0), uniform_plan(sf, 1))
    yield prior
    rng = random.Random(0)
    for _ in range(tries):
        plans = []
        for i, plan in enumerate(prior):
            behaviour = {}
            for name, parent, children in sf.infosets[i]:
                reached = plan[parent] != 0
                weights = [(Fraction(plan[c]) / plan[parent] if reached else Fraction(1, len(children)))
                           * Fraction(rng.randint(90, 110), 100) for c in children]
                behaviour[name] = {sf.sequences[i][c][-1][1]: w / sum(weights) for c, w in zip(children, weights)}
            plans.append(plan_from_behaviour(sf, i, behaviour))
        yield tuple(plans)


def sequence_lcp(tree: GameTree, *, prior=None, exact: bool | None = None):
    """One Nash equilibrium of a two-player tree, exact and certified (Lemke, sequence form).

    ``prior``: starting plans ``(s, t)`` of the tracing procedure (default: the
    uniform behaviour strategies). ``exact=True`` pivots in rationals from the
    start, ``False`` in floats only; the default pivots in floats and falls
    back to rationals. Information sets a plan does not reach get the player's
    best reply to the other's plan.

    >>> from deterrence.io import load_game
    >>> r = sequence_lcp(load_game("entry_deterrence").with_defaults())
    >>> [e.describe() for e in r]
    ['Entrant: in; Incumbent: accommodate  (payoffs 1, 1)']
    """
    if not isinstance(tree, GameTree):
        raise GameError(f"sequence_lcp needs a GameTree, got {type(tree).__name__}")
    tree = at_defaults(tree, "sequence_lcp")
    sf = sequence_form(tree)
    if exact is not None and not isinstance(exact, bool):
        raise GameError(f"exact must be True, False or None (automatic), got {exact!r}")
    notes = ["one Nash equilibrium (Lemke's algorithm on the sequence form), certified exactly; "
             "information sets not reached by a player's own plan show that player's best reply"]
    for tries, start in enumerate(tie_breaking_priors(sf, prior)):
        try:
            eq = _equilibrium_from(tree, sf, start, exact)
        except SolverError as exc:
            failure = exc
            continue
        if tries:
            notes.append(f"the path from the {'given' if prior else 'uniform'} prior gave no certified "
                         f"equilibrium ({failure}); a perturbed prior ({tries} of {TIE_BREAKS}) did")
        return SequenceFormResult((eq,), "sequence_lcp", True, False, tree.players, notes=tuple(notes))
    raise failure


def _equilibrium_from(tree, sf, prior, exact):
    """Steps 2-5 from one prior: the float path, then the dense path, then exact pivoting."""
    if exact is not True:
        for x, y in _float_plans(sf, prior):
            try:
                return nash_equilibrium_from_plans(tree, sf, x, y)     # certified exactly
            except SolverError:
                continue
    _, (x, y) = _run(sf, prior, exact=exact)          # the float path went astray
    x, y = [_norm(_const(p)) for p in x], [_norm(_const(p)) for p in y]
    return nash_equilibrium_from_plans(tree, sf, x, y)


def _norm(v):
    v = Fraction(v)
    return v.numerator if v.denominator == 1 else v


__all__ = ["sequence_lcp"]
