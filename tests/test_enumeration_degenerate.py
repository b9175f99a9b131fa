"""Degenerate games in deterrence.solvers.normal_form.enumeration: the compiled exact
lexicographic search (``_lex_numba``) against the Python-int search, and all
equilibria against ``lrsnash`` when that binary is installed."""
import os
import shutil
import subprocess
import tempfile
from fractions import Fraction

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deterrence import NormalFormGame
from deterrence.solvers.normal_form import enumeration as en
from deterrence.solvers.normal_form.enumeration import all_equilibria

try:
    import numba  # noqa: F401
    HAVE_NUMBA = True
except ImportError:
    HAVE_NUMBA = False

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@st.composite
def degenerate_matrices(draw, max_rows=6, max_cols=6, max_payoff=2):
    """Small positive integer matrices with ties: payoffs in 1..max_payoff+1 and, often,
    a repeated row or column (or all entries equal)."""
    k = draw(st.integers(1, max_rows))
    d = draw(st.integers(1, max_cols))
    cell = st.integers(1, max_payoff + 1)
    M = draw(st.lists(st.lists(cell, min_size=d, max_size=d), min_size=k, max_size=k))
    kind = draw(st.sampled_from(["plain", "row", "col", "constant"]))
    if kind == "row" and k > 1:
        M[draw(st.integers(1, k - 1))] = list(M[0])
    elif kind == "col" and d > 1:
        j = draw(st.integers(1, d - 1))
        for row in M:
            row[j] = row[0]
    elif kind == "constant":
        M = [[M[0][0]] * d for _ in range(k)]
    return M


def as_dict(found):
    masks, points = found
    return {int(mask): tuple(int(v) for v in z) for mask, z in zip(masks, points)}


def game_answer(res):
    return res.equilibria, res.cliques, res.components


@SETTINGS
@given(degenerate_matrices())
def test_exact_vertices_are_the_same_by_either_search(M):
    # the dispatcher (compiled when numba is installed: this module imports it) and the
    # Python-int search find the same vertices, with the same exact integer points
    assert as_dict(en._exact_vertices(M, 10**6)) == as_dict(en._exact_vertices_python(M, 10**6))


@SETTINGS
@given(degenerate_matrices(max_rows=4, max_cols=4, max_payoff=2), degenerate_matrices(max_rows=4, max_cols=4))
def test_all_equilibria_agree_with_and_without_compiled_kernels(monkeypatch, A, B):
    m, n = min(len(A), len(B)), min(len(A[0]), len(B[0]))
    game = NormalFormGame.from_arrays([r[:n] for r in A[:m]], [r[:n] for r in B[:m]])
    with monkeypatch.context() as mp:
        mp.setenv("DETERRENCE_NUMBA", "1")
        fast = all_equilibria(game)
    with monkeypatch.context() as mp:
        mp.setenv("DETERRENCE_NUMBA", "0")
        slow = all_equilibria(game)
    assert game_answer(fast) == game_answer(slow)


def test_tied_best_response_finds_degenerate_polytopes_exactly():
    assert en._tied_best_response([[0, 2, 2], [1, 0, 0]])            # row 0: two best replies
    assert not en._tied_best_response([[0, 2, 1], [1, 0, 0]])
    assert en._tied_best_response([[2**70, 2**70]])                  # beyond int64 too
    # a game whose only degeneracy is such a tie: the float search is not even run
    A = [[3, 0], [0, 2]]
    B = [[2, 2], [0, 3]]                                              # row 0 of B: a tie
    LP, LQ = en._float_polytopes(A, B, 10**6)
    assert LP is None and LQ is not None


if HAVE_NUMBA:
    from deterrence.solvers.normal_form import _lex_numba as nb

    INT62 = st.integers(-(2**62) + 1, 2**62 - 1)

    @SETTINGS
    @given(INT62, INT62, INT62, INT62)
    def test_exact_product_comparison_matches_python_ints(a, b, c, d):
        want = (a * b > c * d) - (a * b < c * d)
        assert nb.cmp_products(a, b, c, d, False) == want
        assert nb.cmp_products(a, b, a, b, False) == 0

    @SETTINGS
    @given(st.integers(0, 2**40), st.integers(0, 2**40), st.data())
    def test_products_near_ties_are_decided_exactly(a, b, data):
        # a*b against a*b +- 1 (found by changing one factor): no float could tell them apart
        c, d = a + 1, b
        want = (a * b > c * d) - (a * b < c * d)
        assert nb.cmp_products(a, b, c, d, False) == want

    def test_complementary_pairs_match_the_numpy_test():
        rng = np.random.default_rng(5)
        px = rng.integers(0, 1 << 12, 300).astype(np.uint64)
        qy = rng.integers(0, 1 << 12, 200).astype(np.uint64)
        got = sorted(zip(*(a.tolist() for a in nb.complementary(px, qy, 12))))
        want = sorted(zip(*np.nonzero((px[:, None] | qy[None, :]) == np.uint64(4095))))
        assert got == [tuple(map(int, p)) for p in want] and got

    @settings(max_examples=40, deadline=None)
    @given(st.integers(1, 64), st.integers(0, 300), st.integers(0, 300), st.floats(0.3, 1.0),
           st.integers(0, 2**32 - 1))
    def test_complementary_pairs_match_the_numpy_test_past_their_first_arrays(nbits, nx, ny,
                                                                           density, seed):
        # dense masks give hundreds or thousands of pairs: the search stops when its output
        # arrays are full, and redoes the row it was in after they are doubled
        rng = np.random.default_rng(seed)
        weights = np.uint64(1) << np.arange(nbits, dtype=np.uint64)

        def masks(count):
            bits = rng.random((count, nbits)) < density
            return np.array([int(weights[row].sum()) for row in bits], dtype=np.uint64)
        px, qy = masks(nx), masks(ny)
        full = np.uint64((1 << nbits) - 1) if nbits < 64 else ~np.uint64(0)
        got = list(zip(*(a.tolist() for a in nb.complementary(px, qy, nbits))))
        want = list(zip(*np.nonzero((px[:, None] | qy[None, :]) == full)))
        assert got == [tuple(map(int, p)) for p in want]

    @settings(max_examples=25, deadline=None)
    @given(st.integers(2, 5), st.integers(2, 5), st.integers(34, 45), st.data())
    def test_large_entries_take_the_checked_arithmetic_and_stay_exact(k, d, bits, data):
        # entries beyond 2**31: products leave int64, so pivots are proven exact in float64
        # or the search reports an overflow and the Python ints take over; either way the
        # vertices are those of the Python-int search
        base = data.draw(st.integers(1, 3))
        cell = st.integers(0, 2)
        M = [[base * 2**bits + data.draw(cell) for _ in range(d)] for _ in range(k)]
        out = nb.lex_search(np.array(M, dtype=np.int64), 10**6, 4)
        ref = as_dict(en._exact_vertices_python(M, 10**6))
        if out[2] == nb.OK:
            assert as_dict(out[:2]) == ref
        else:
            assert out[2] == nb.OVERFLOW
        assert as_dict(en._exact_vertices(M, 10**6)) == ref

    @settings(max_examples=20, deadline=None)
    @given(st.integers(5, 8), st.integers(5, 8), st.integers(30, 120), st.integers(0, 2**32))
    def test_tableaus_beyond_2_to_the_31_stay_exact(k, d, top, seed):
        # payoffs up to ~100 in 8x8: tableau entries (minors) reach 2**30..2**51, where the
        # pivots are proven exact in float64 (or the search reports an overflow)
        M = np.random.default_rng(seed).integers(1, top + 1, (k, d))
        masks, points, status = nb.lex_search(M.astype(np.int64), 10**6, 4)
        ref = as_dict(en._exact_vertices_python(M.tolist(), 10**6))
        assert status in (nb.OK, nb.OVERFLOW)
        if status == nb.OK:
            assert as_dict((masks, points)) == ref

    def test_a_tableau_with_41_bit_entries_is_searched_exactly_in_int64():
        M = np.random.default_rng(1).integers(1, 41, (8, 8))     # entries reach 2**40
        masks, points, status = nb.lex_search(M.astype(np.int64), 10**6, 4)
        assert status == nb.OK
        assert as_dict((masks, points)) == as_dict(en._exact_vertices_python(M.tolist(), 10**6))

    def test_entries_beyond_int64_use_the_python_search():
        M = [[2**63, 1], [1, 2**63 + 5]]
        assert en._compiled_exact_vertices(M, 10**6) is None
        assert as_dict(en._exact_vertices(M, 10**6)) == as_dict(en._exact_vertices_python(M, 10**6))
        game = NormalFormGame.from_arrays([[2**80, 2**80], [0, 1]], [[1, 1], [1, 2**80]])
        assert len(all_equilibria(game)) >= 1

    @settings(max_examples=20, deadline=None)
    @given(st.integers(5, 9), st.integers(0, 2**32 - 1), st.integers(1, 8))
    def test_searches_that_outgrow_their_arrays_resume_exactly(n, seed, depth):
        # up to hundreds of vertices and bases from a stack of 1..8 levels: the compiled
        # search stops whenever an array (visited bases, vertices, stack) is full, and
        # resumes after it is doubled; the answer is the Python-int search's
        M = np.random.default_rng(seed).integers(1, 5, (n, n))
        masks, points, status = nb.lex_search(M.astype(np.int64), 10**6, depth)
        assert status == nb.OK
        assert as_dict((masks, points)) == as_dict(en._exact_vertices_python(M.tolist(), 10**6))

    def test_a_search_past_256_vertices_from_a_one_level_stack_is_exact():
        M = np.random.default_rng(1).integers(1, 5, (9, 9))       # 310 vertices
        masks, points, status = nb.lex_search(M.astype(np.int64), 10**6, 1)
        assert status == nb.OK and len(masks) > 256
        assert as_dict((masks, points)) == as_dict(en._exact_vertices_python(M.tolist(), 10**6))

    def test_too_many_bases_is_refused():
        M = [[1] * 6 for _ in range(6)]                 # one vertex, many bases
        try:
            en._exact_vertices(M, 3)
        except en.TooLargeError as exc:
            assert "3" in str(exc)
        else:
            raise AssertionError("no TooLargeError")


# -- against lrsnash (exact, complete), or the Python-int search when it is not installed
LRSNASH = shutil.which("lrsnash")


def lrsnash_equilibria(A, B):
    """The extreme equilibria printed by lrsnash, as exact (x, y) tuples: blocks of lines
    ``2 y... payoff`` then ``1 x... payoff``, every x of a block paired with every y."""
    text = (f"{len(A)} {len(A[0])}\n\n" + "\n".join(" ".join(map(str, r)) for r in A) + "\n\n"
            + "\n".join(" ".join(map(str, r)) for r in B) + "\n")
    with tempfile.NamedTemporaryFile("w", suffix=".game", delete=False) as fh:
        fh.write(text)
    try:
        out = subprocess.run([LRSNASH, fh.name], capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(fh.name)
    eqs, ys, last = set(), [], None
    for line in out.splitlines():
        parts = line.split()
        if not parts or parts[0] not in ("1", "2"):
            last = None if not parts else last
            continue
        probs = tuple(Fraction(p) for p in parts[1:-1])
        if parts[0] == "2":
            ys = ys if last == "2" else []
            ys.append(probs)
        else:
            eqs.update((probs, y) for y in ys)
        last = parts[0]
    return eqs


def reference_equilibria(monkeypatch, A, B):
    if LRSNASH:
        return lrsnash_equilibria(A, B)
    with monkeypatch.context() as mp:
        mp.setenv("DETERRENCE_NUMBA", "0")
        res = all_equilibria(NormalFormGame.from_arrays(A, B))
    return {tuple(tuple(Fraction(v) for v in s) for s in e.strategies) for e in res}


def test_random_degenerate_games_agree_with_lrsnash(monkeypatch):
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    for seed in range(12):
        rng = np.random.default_rng(seed)
        n = 4 + seed % 5
        hi = (2, 3, 9)[seed % 3]
        A = rng.integers(0, hi + 1, (n, n)).tolist()
        B = rng.integers(0, hi + 1, (n, n)).tolist()
        got = {tuple(tuple(Fraction(v) for v in s) for s in e.strategies)
               for e in all_equilibria(NormalFormGame.from_arrays(A, B))}
        assert got == reference_equilibria(monkeypatch, A, B), (seed, A, B)


def test_repeated_rows_and_all_zero_games_agree_with_lrsnash(monkeypatch):
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    games = [([[0] * 3] * 3, [[0] * 3] * 3),
             ([[1, 0, 2], [1, 0, 2], [0, 3, 1]], [[2, 1, 0], [2, 1, 0], [0, 0, 3]]),
             ([[1, 1], [1, 1], [0, 2]], [[0, 1], [1, 0], [1, 1]])]
    for A, B in games:
        got = {tuple(tuple(Fraction(v) for v in s) for s in e.strategies)
               for e in all_equilibria(NormalFormGame.from_arrays(A, B))}
        assert got == reference_equilibria(monkeypatch, A, B), (A, B)
