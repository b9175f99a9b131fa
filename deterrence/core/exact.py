"""Exact linear algebra: the one home of exact solves, fraction-free pivots and the
lexicographic ratio test, over python-flint or over Python's own integers and Fractions.

Every exact solver of the package (support enumeration, Lemke–Howson, zero-sum
games, the folk-theorem minmax, the Markov chains of noisy repeated games) does
its linear algebra here, so that there is one implementation of each step and
one switch that forces the pure-Python path.

References
----------
* E. H. Bareiss, "Sylvester's identity and multistep integer-preserving
  Gaussian elimination", Math. Comp. 22 (1968) 565-578: fraction-free
  elimination; every division is exact and the entries stay minors of the
  input (no coefficient blow-up).
* G. B. Dantzig, A. Orden and P. Wolfe, "The generalized simplex method for
  minimizing a linear form under linear inequality restraints", Pacific J.
  Math. 5 (1955) 183-195, and R. G. Bland, "New finite pivoting rules for the
  simplex method", Math. Oper. Res. 2 (1977) 103-107: the lexicographic rule
  (ties in the minimum ratio broken by the rows of the basis inverse), which
  keeps a degenerate pivoting method from cycling.
* B. von Stengel, "Computing equilibria for two-person games", Handbook of
  Game Theory vol. 3, ch. 45 (2002), sections 3.5-3.6: integer pivoting on
  tableaux and the lexicographic minimum-ratio test as used for Lemke–Howson
  and vertex enumeration.
* python-flint (``fmpz_mat``, ``fmpq_mat``: FLINT's fraction-free and p-adic
  solvers in C), https://python-flint.readthedocs.io.

Paths and the switch
--------------------
1. :func:`flint` is the one lazy loader of python-flint: the module, or
   ``None`` when it is not installed or inside :func:`fraction_only`.
2. Square systems (:func:`solve`, :func:`solve_scaled`): ``fmpq_mat.solve`` /
   ``fmpz_mat.solve`` with flint, else :func:`bareiss_solve` (fraction-free
   Gauss–Jordan in Python ints). Both are exact, so they give the same answer.
3. General systems (:func:`solve_consistent`: over- or under-determined, free
   unknowns set to 0, or refused with ``unique=True``): the square solve when it
   applies, else the reduced row echelon form (``fmpq_mat.rref`` with flint,
   Gauss–Jordan in Fractions without).
4. Pivoting methods use :func:`bareiss_pivot` (one fraction-free pivot on a
   tableau of ints) and :func:`lex_min_ratio` (the exact lexicographic
   minimum-ratio test); vertex enumerations walk the lexicographically feasible
   bases by reverse search (:mod:`deterrence.core.reverse_search`); the simplex
   method runs on :class:`IntegerTableau` (Bland's rule: it cannot cycle), and
   :func:`maximise_exactly` solves a small linear program with it, two phases.
5. Systems a caller builds in python-flint itself (the sparse integer chains of
   noisy repeated games) are solved by :func:`solve_flint`; such callers take
   their flint path only when :func:`flint` gives the module.
6. :func:`fraction_only` is the switch for tests and benchmarks: inside it
   every exact answer takes the pure-Python path. It is the only switch; no
   production code is patched. (It is a process-wide setting, not per thread.)
"""
from __future__ import annotations

import math
from contextlib import contextmanager
from fractions import Fraction
from functools import partial

import numpy as np

__all__ = ["flint", "fraction_only", "from_fmpq", "to_fmpq", "positive_integer_matrix", "integer_row",
           "solve", "solve_scaled", "solve_consistent", "solve_flint", "bareiss_solve",
           "bareiss_pivot", "lex_min_ratio"]

# ------------------------------------------------------------------ the flint loader and the switch
_FLINT = []          # [module or None] once imported
_FRACTION_ONLY = [0]  # depth of nested fraction_only() blocks


def flint():
    """The ``flint`` module (python-flint), or ``None`` when it cannot be imported or within
    :func:`fraction_only`. Imported lazily, so ``import deterrence`` stays light.

    >>> flint() is not None           # python-flint is a dependency
    True
    """
    if _FRACTION_ONLY[0]:
        return None
    if not _FLINT:
        try:
            import flint as module
        except ImportError:  # pragma: no cover - a required dependency; the Python path stays
            module = None
        _FLINT.append(module)
    return _FLINT[0]


def flint_module():
    """The ``flint`` module even within :func:`fraction_only`, for the work the switch does not
    cover: ball arithmetic (``arb``) in interval certificates and polynomial algebra (Groebner
    bases); the switch is about the exact linear solves only.

    >>> with fraction_only():
    ...     flint_module().arb(1) + 1
    2.00000000000000
    """
    if not _FLINT:
        with_switch = _FRACTION_ONLY[0]
        _FRACTION_ONLY[0] = 0
        try:
            flint()
        finally:
            _FRACTION_ONLY[0] = with_switch
    if _FLINT[0] is None:  # pragma: no cover - python-flint is a required dependency
        from deterrence.errors import SolverError
        raise SolverError("interval certificates need python-flint (pip install python-flint)")
    return _FLINT[0]


@contextmanager
def fraction_only():
    """Within the block every exact answer takes the pure-Python path (ints and Fractions), as
    it would without python-flint: the one switch for cross-checks and benchmarks.

    >>> with fraction_only():
    ...     flint() is None, solve([[2, 1], [1, 3]], [1, 2])
    (True, [Fraction(1, 5), Fraction(3, 5)])
    >>> flint() is None
    False
    """
    _FRACTION_ONLY[0] += 1
    try:
        yield
    finally:
        _FRACTION_ONLY[0] -= 1


# ------------------------------------------------------------------ conversions
if hasattr(Fraction, "_from_coprime_ints"):          # Python >= 3.12
    _coprime_fraction = Fraction._from_coprime_ints
else:                                                # 3.10, 3.11
    def _coprime_fraction(p, q):
        return Fraction(p, q, _normalize=False)


def from_fmpq(v):
    """A python-flint ``fmpq`` (or a ``Fraction``) as ``int`` (when whole) or ``Fraction``.

    >>> import flint
    >>> from_fmpq(flint.fmpq(6, 4)), from_fmpq(flint.fmpq(4, 2)), from_fmpq(Fraction(3, 1))
    (Fraction(3, 2), 2, 3)
    """
    if isinstance(v, (int, Fraction)):
        return _plain(v)
    # flint keeps fmpq in lowest terms with q > 0: skip Fraction's gcd on big numbers
    p, q = int(v.p), int(v.q)
    return p if q == 1 else _coprime_fraction(p, q)


def to_fmpq(x, fmpq=None):
    """An ``int``/``Fraction`` (or anything ``Fraction`` accepts) as ``fmpq`` (the given type,
    by default python-flint's; ``fmpq=Fraction`` gives the pure-Python number).

    >>> to_fmpq(Fraction(3, 4))
    3/4
    >>> to_fmpq("0.5", Fraction)
    Fraction(1, 2)
    """
    if fmpq is None:
        fmpq = flint().fmpq
    if isinstance(x, int):
        return fmpq(x)
    x = Fraction(x)
    return fmpq(x.numerator, x.denominator)


def _plain(q):
    """A Fraction as an int when whole."""
    return q.numerator if type(q) is not int and q.denominator == 1 else q


def positive_integer_matrix(arr) -> list:
    """A 2-D array of exact numbers scaled by their common denominator and shifted so that
    the smallest entry is 1, as a list of lists of ints. A positive affine change of one
    player's payoffs leaves the equilibria unchanged, so the integer solvers work on this.

    >>> positive_integer_matrix(np.array([[Fraction(1, 2), -1], [0, 2]], dtype=object))
    [[4, 1], [3, 7]]
    """
    rows = np.asarray(arr, dtype=object).tolist()
    den = 1
    for row in rows:
        for v in row:
            if type(v) is not int:
                den = math.lcm(den, Fraction(v).denominator)
    if den != 1:
        rows = [[int(Fraction(v) * den) for v in row] for row in rows]
    low = min(min(row) for row in rows) - 1
    return [[v - low for v in row] for row in rows]


def integer_row(row) -> list:
    """A row of rationals times the least common denominator, as ints: the same solutions of
    an equation, the same ratios of weights (a positive factor), in integer arithmetic.

    >>> integer_row([Fraction(1, 2), Fraction(1, 3), 1])
    [3, 2, 6]
    """
    if all(type(v) is int for v in row):
        return list(row)
    qs = [v if type(v) in (int, Fraction) else Fraction(v) for v in row]
    den = math.lcm(*(q.denominator for q in qs))
    return [q.numerator * (den // q.denominator) for q in qs]


# ------------------------------------------------------------------ fraction-free pivoting
def bareiss_pivot(T, r, c, d):
    """One fraction-free (Bareiss) pivot of the integer tableau ``T`` (a list of rows) on
    entry ``(r, c)``; ``d`` is the previous pivot (1 at the start). Returns the new pivot.

    Every other row becomes ``(row * p - row[c] * T[r]) // d`` with ``p = T[r][c]``: the
    division is exact (Sylvester's identity), so the entries stay integers (minors of the
    input). Rows are replaced, never changed in place: a shallow copy ``T[:]`` made before
    the pivot keeps the old tableau intact.

    >>> T = [[2, 1, 1], [1, 3, 2]]
    >>> bareiss_pivot(T, 0, 0, 1), T
    (2, [[2, 1, 1], [0, 5, 3]])
    >>> bareiss_pivot(T, 1, 1, 2), T      # now 5 * identity | 5 * solution
    (5, [[5, 0, 1], [0, 5, 3]])
    """
    p = T[r][c]
    prow = T[r]
    for i, row in enumerate(T):
        if i == r:
            continue
        f = row[c]
        if f == 0:
            if p != d:
                T[i] = [(v * p) // d for v in row]
        else:
            T[i] = [(v * p - f * w) // d for v, w in zip(row, prow)]
    return p


def bareiss_solve(aug):
    """Solve a square system given as augmented rows ``[M | b]``, exactly, in Python ints.

    Fraction-free (Bareiss) Gauss–Jordan elimination: each row is first scaled to
    integers; at the end the matrix is ``d`` times the identity and the solution is
    ``rhs / d``. Returns ints and Fractions, or ``None`` when the matrix is singular.

    >>> bareiss_solve([[2, 1, 3], [1, -1, 0]])
    [1, 1]
    >>> bareiss_solve([[1, 2, 3], [2, 4, 6]]) is None
    True
    """
    rows = [integer_row(row) for row in aug]
    size = len(rows)
    d = 1
    used = [False] * size
    order = [0] * size
    for c in range(size):
        r = next((i for i in range(size) if not used[i] and rows[i][c] != 0), None)
        if r is None:
            return None
        used[r] = True
        order[c] = r
        d = bareiss_pivot(rows, r, c, d)
    return [_plain(Fraction(rows[order[c]][-1], d)) for c in range(size)]


# ------------------------------------------------------------------ solves
def solve(M, b) -> list:
    """The exact solution of the square system ``M x = b`` (ints, Fractions or anything
    ``Fraction`` accepts) as a list of ints and Fractions. Raises ``ZeroDivisionError``
    when ``M`` is singular.

    python-flint's ``fmpq_mat.solve`` when flint is loaded, else :func:`bareiss_solve`.

    >>> solve([[2, 1], [1, 3]], [1, 2])
    [Fraction(1, 5), Fraction(3, 5)]
    >>> solve([[Fraction(1, 2), 0], [0, 1]], [1, -4])
    [2, -4]
    """
    n = len(b)
    fl = flint()
    if fl is None:
        sol = bareiss_solve([list(M[i]) + [b[i]] for i in range(n)])
        if sol is None:
            raise ZeroDivisionError("singular system")
        return sol
    fmpq = fl.fmpq
    entries = [v if type(v) is int else to_fmpq(v, fmpq) for i in range(n) for v in M[i]]
    rhs = [v if type(v) is int else to_fmpq(v, fmpq) for v in b]
    try:
        X = fl.fmpq_mat(n, n, entries).solve(fl.fmpq_mat(n, 1, rhs))
    except ZeroDivisionError:
        raise ZeroDivisionError("singular system") from None
    return [from_fmpq(v) for v in X.entries()]


def solve_scaled(M, b) -> tuple:
    """The solution of the square system ``M x = b`` as ``(z, den)``: ints ``z`` and the
    least positive ``den`` with ``x = z / den``. For pivoting methods that want integer
    weights. Raises ``ZeroDivisionError`` when ``M`` is singular.

    >>> solve_scaled([[2, 1], [1, 3]], [1, 1])
    ([2, 1], 5)
    >>> solve_scaled([[-1]], [1])
    ([-1], 1)
    """
    n = len(b)
    fl = flint()
    if fl is not None and all(type(v) is int for row in M for v in row) \
            and all(type(v) is int for v in b):
        try:
            X = fl.fmpz_mat(n, n, [v for row in M for v in row]).solve(fl.fmpz_mat(n, 1, list(b)))
        except ZeroDivisionError:
            raise ZeroDivisionError("singular system") from None
        num, den = X.numer_denom()
        return [int(v) for v in num.entries()], int(den)
    x = [Fraction(v) for v in solve(M, b)]
    den = math.lcm(*(v.denominator for v in x)) if x else 1
    return [v.numerator * (den // v.denominator) for v in x], den


def solve_consistent(aug, k, unique=False):
    """An exact solution of a linear system in ``k`` unknowns given as augmented rows (any
    number of rows), or ``None`` when it is inconsistent. Free unknowns are set to 0;
    ``unique``: ``None`` also when some unknown is free (the solutions are not one point),
    so the answer is the system's one solution.

    A square nonsingular system goes to :func:`solve`; any other, to the reduced row
    echelon form (python-flint's ``rref``; without flint, Gauss–Jordan elimination in
    Fractions: the same form, so the same answer).

    >>> solve_consistent([[1, 1, 2], [2, 2, 4]], 2)      # x + y = 2 twice: y is free
    [2, 0]
    >>> solve_consistent([[1, 1, 2], [2, 2, 4]], 2, unique=True) is None
    True
    >>> solve_consistent([[1, 0, 1], [0, 1, 2], [1, 1, 3]], 2, unique=True)   # 3 rows, 1 point
    [1, 2]
    >>> solve_consistent([[1, 0, 1], [0, 1, 2], [1, 1, 4]], 2) is None
    True
    """
    if len(aug) == k:
        try:
            return solve([row[:k] for row in aug], [row[k] for row in aug])
        except ZeroDivisionError:
            if unique:                      # singular: not one point, whether consistent or not
                return None
    pivots, entry = _reduced_echelon(aug, k)
    if pivots and pivots[-1] == k:          # a row 0 = nonzero
        return None
    if unique and len(pivots) != k:
        return None
    sol = [0] * k
    for i, c in enumerate(pivots):
        sol[c] = from_fmpq(entry(i, k))
    return sol


def _reduced_echelon(aug, k):
    """The reduced row echelon form of augmented rows in ``k`` unknowns, as its pivot columns
    (the last one ``k`` when the system is inconsistent) and ``entry(i, c)``, the form's entry
    (an ``fmpq`` or a ``Fraction``): python-flint's ``rref``, or without flint Gauss–Jordan
    elimination in Fractions (the same form)."""
    fl = flint()
    if fl is not None and aug:
        entries = [v if isinstance(v, int) else to_fmpq(v, fl.fmpq) for row in aug for v in row]
        echelon, rank = fl.fmpq_mat(len(aug), k + 1, entries).rref()
        pivots = [next(c for c in range(k + 1) if echelon[i, c] != 0) for i in range(rank)]
        return pivots, lambda i, c: echelon[i, c]
    rows = [[Fraction(v) for v in r] for r in aug]
    pivots, _ = _gauss_jordan(rows, k)
    return pivots, lambda i, c: rows[i][c]


def solution_space(aug, k):
    """The solutions of a linear system in ``k`` unknowns given as augmented rows, exactly:
    ``(particular, basis)`` with every solution ``particular + sum c_j basis[j]`` (``basis``
    empty when the solution is one point), or ``None`` when the system is inconsistent. From
    the reduced row echelon form (python-flint's ``rref``; without flint, Gauss-Jordan
    elimination in Fractions: the same form, so the same answer).

    >>> point, basis = solution_space([[1, 1, 2], [2, 2, 4]], 2)      # x + y = 2 twice
    >>> point, basis
    ([Fraction(2, 1), Fraction(0, 1)], [[Fraction(-1, 1), Fraction(1, 1)]])
    >>> solution_space([[1, 0, 1], [1, 0, 2]], 2) is None
    True
    """
    pivots, raw = _reduced_echelon(aug, k)
    if pivots and pivots[-1] == k:          # a row 0 = nonzero
        return None

    def entry(i, c):
        return Fraction(from_fmpq(raw(i, c)))
    particular = [Fraction(0)] * k
    for i, c in enumerate(pivots):
        particular[c] = entry(i, k)
    basis = []
    for free in (c for c in range(k) if c not in pivots):
        vector = [Fraction(0)] * k
        vector[free] = Fraction(1)
        for i, c in enumerate(pivots):
            vector[c] = -entry(i, free)
        basis.append(vector)
    return particular, basis


def _gauss_jordan(rows, k):
    """The reduced row echelon form of augmented Fraction ``rows`` (changed in place), as its
    pivot columns (the last one ``k`` when the system is inconsistent) and the right-hand
    sides of the pivot rows."""
    pivots = []
    r = 0
    for c in range(k + 1):
        piv = next((i for i in range(r, len(rows)) if rows[i][c] != 0), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        p = rows[r][c]
        rows[r] = [a / p for a in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][c] != 0:
                f = rows[i][c]
                rows[i] = [a - f * b for a, b in zip(rows[i], rows[r])]
        pivots.append(c)
        r += 1
        if r == len(rows):
            break
    return pivots, [rows[i][k] for i in range(len(pivots))]


def solve_flint(A, B):
    """Solve ``A X = B`` for a python-flint matrix ``A`` (``fmpz_mat`` or ``fmpq_mat``) and ``B``
    a flint matrix or a list of integer columns: ``X`` as an ``fmpq_mat``. For the large
    sparse integer systems callers build in flint themselves (Markov chains), where a
    conversion to lists would cost more than the solve. Raises ``ZeroDivisionError`` when
    ``A`` is singular.

    >>> import flint
    >>> solve_flint(flint.fmpz_mat(2, 2, [2, 1, 1, 3]), [[1, 2]]).entries()
    [1/5, 3/5]
    """
    if isinstance(B, list):
        n = A.nrows()
        B = type(A)(n, len(B), [int(c[i]) for i in range(n) for c in B])
    try:
        return A.solve(B)
    except ZeroDivisionError:
        raise ZeroDivisionError("singular system") from None


# ------------------------------------------------------------------ the ratio test
def lex_min_ratio(column, rhs, keys=(), entry=None):
    """Row of the lexicographic minimum ratio for an entering ``column`` of a tableau, exactly.

    Among the rows ``i`` with ``column[i] > 0`` keep those of least ``rhs[i] / column[i]``
    (``rhs``: a sequence, or a function of the row);
    while several are left, keep those of least ``entry(i, key) / column[i]`` for each
    ``key`` in turn (the columns of the basis inverse, e.g. the slack columns: then exactly
    one row is left, the lexicographic rule). Ratios are compared by cross-multiplication
    (denominators are positive), so ints, Fractions and flint numbers all work. ``None``
    when no entry of the column is positive (an unbounded ray).

    >>> T = [[1, 0, 2, 4], [0, 1, 1, 2]]             # rows: [slack0, slack1, entering, rhs]
    >>> lex_min_ratio([2, 1], [4, 2], [0, 1], lambda i, key: T[i][key])
    1
    >>> lex_min_ratio([0, -1], [4, 2]) is None
    True
    """
    rows = [i for i, v in enumerate(column) if v > 0]
    if not rows:
        return None
    for key in (None, *keys):
        if len(rows) == 1:
            break
        if key is None:
            value = rhs if callable(rhs) else rhs.__getitem__
        else:
            value = partial(_entry_at, entry, key)
        best, best_den = value(rows[0]), column[rows[0]]
        keep = rows[:1]
        for i in rows[1:]:
            v = value(i)
            lhs, ref = v * best_den, best * column[i]
            if lhs < ref:
                best, best_den, keep = v, column[i], [i]
            elif lhs == ref:
                keep.append(i)
        rows = keep
    return rows[0]


def _entry_at(entry, key, i):
    return entry(i, key)


# ------------------------------------------------------------------ the exact simplex method
class IntegerTableau:
    """Integer tableau ``T = d * B^{-1} [M | b]`` with ``d > 0``; ``basis[r]`` is row r's column.

    Pivots are fraction-free (:func:`bareiss_pivot`); :meth:`simplex` maximises by Bland's rule
    (the entering column is the least improving one, ties in the ratio test go to the least
    basic column), which cannot cycle on degenerate programs (Bland 1977)."""

    def __init__(self, rows, basis, d=1):
        self.T, self.basis, self.d = rows, basis, d

    def copy(self):
        """A tableau of its own: the rows and the basis copied."""
        return IntegerTableau(self.T[:], self.basis[:], self.d)

    def pivot(self, r, c):
        """Pivot on row ``r`` and column ``c`` (Bareiss, in integers): column ``c`` enters the basis in row ``r``."""
        d = bareiss_pivot(self.T, r, c, self.d)
        if d < 0:        # keep d > 0, so that feasibility is a nonnegative right-hand side
            self.T = [[-v for v in row] for row in self.T]
            d = -d
        self.d = d
        self.basis[r] = c

    def reduced_costs(self, cost, columns):
        """``d`` times each column's reduced cost (for maximisation: > 0 improves)."""
        cb = [cost[b] for b in self.basis]
        return {j: self.d * cost[j] - sum(w * row[j] for w, row in zip(cb, self.T) if w)
                for j in columns}

    def simplex(self, cost, columns, limit=100000):
        """Maximise ``cost . z`` from a feasible basis over the given columns, by Bland's rule.
        Returns False if the objective is unbounded, else True at an optimum."""
        from deterrence.errors import TooLargeError
        for _ in range(limit):
            rc = self.reduced_costs(cost, [j for j in columns if j not in self.basis])
            enter = min((j for j, v in rc.items() if v > 0), default=None)
            if enter is None:
                return True
            best = None
            for r, row in enumerate(self.T):
                a = row[enter]
                if a > 0:
                    key = (Fraction(row[-1], a), self.basis[r])
                    if best is None or key < best[0]:
                        best = (key, r)
            if best is None:
                return False
            self.pivot(best[1], enter)
        raise TooLargeError(f"the exact simplex method did not finish in {limit} pivots")

    def value(self, column) -> Fraction:
        """The value of ``column`` at the tableau's basic solution."""
        if column not in self.basis:
            return Fraction(0)
        return Fraction(self.T[self.basis.index(column)][-1], self.d)


def maximise_exactly(cost, A, b):
    """Maximise ``cost . x`` over free (unsigned) ``x`` with ``A x <= b``, exactly.

    Returns ``(optimum, x)`` in Fractions, ``None`` when no ``x`` satisfies the rows, and
    raises ``ValueError`` when the objective is unbounded. Entries may be ints, Fractions or
    anything ``Fraction()`` takes (sympy Rationals: use ``int(p), int(q)``).

    Steps: each row scaled to integers and signed so that its right-hand side is ``>= 0``;
    ``x = x+ - x-``; a slack per row (basic where the row kept its sign), an artificial per
    row that was negated. Phase I maximises minus the artificials' sum (Bland's rule); a
    negative optimum means infeasible. Artificials left basic at 0 are pivoted out on any
    other column of their row (a row with none is redundant and dropped). Phase II maximises
    ``cost`` over the other columns.

    >>> maximise_exactly([0, 1], [[1, 1], [-1, 1], [0, -1]], [1, 0, 0])   # max y: x + y <= 1, y <= x
    (Fraction(1, 2), [Fraction(1, 2), Fraction(1, 2)])
    >>> maximise_exactly([1], [[1], [-1]], [0, -1]) is None                 # x <= 0 and x >= 1
    True
    """
    rows = [[Fraction(v) for v in row] + [Fraction(rhs)] for row, rhs in zip(A, b)]
    m, n = len(rows), len(cost)
    negated = [row[-1] < 0 for row in rows]
    art = [r for r in range(m) if negated[r]]
    width = 2 * n + m + len(art)          # x+, x-, slacks, artificials; then the right-hand side
    T, basis = [], []
    for r, row in enumerate(rows):
        sign = -1 if negated[r] else 1
        scale = math.lcm(*(v.denominator for v in row))
        ints = [int(v * scale) * sign for v in row]
        line = ints[:n] + [-v for v in ints[:n]] + [0] * (m + len(art)) + [ints[n]]
        line[2 * n + r] = sign                 # the slack: + s_r in the row as written
        if negated[r]:
            line[2 * n + m + art.index(r)] = 1
            basis.append(2 * n + m + art.index(r))
        else:
            basis.append(2 * n + r)
        T.append(line)
    tab = IntegerTableau(T, basis)
    real = range(2 * n + m)
    if art:
        phase1 = [0] * (2 * n + m) + [-1] * len(art)
        tab.simplex(phase1, range(width))
        if any(tab.value(2 * n + m + k) != 0 for k in range(len(art))):
            return None
        for k in range(len(art)):           # basic at 0: pivot it out, or drop its redundant row
            col = 2 * n + m + k
            if col in tab.basis:
                r = tab.basis.index(col)
                other = next((j for j in real if tab.T[r][j] != 0 and j not in tab.basis), None)
                if other is None:
                    del tab.T[r], tab.basis[r]
                else:
                    tab.pivot(r, other)
    full = [Fraction(c) for c in cost] + [-Fraction(c) for c in cost] + [0] * (width - 2 * n)
    if not tab.simplex(full, real):
        raise ValueError("the linear program is unbounded")
    x = [tab.value(j) - tab.value(n + j) for j in range(n)]
    return sum(c * v for c, v in zip(map(Fraction, cost), x)), x
