"""Folk-theorem geometry: exact minmax values, feasible and individually rational sets."""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deterrence import GameError, NormalFormGame
from deterrence.solvers.repeated.folk import (Polygon, clip_halfplane, convex_hull, feasible_set,
                                     individually_rational_set, minmax_values)

PD = NormalFormGame.from_arrays([[3, 0], [5, 1]], [[3, 5], [0, 1]], actions=[["C", "D"]] * 2)
MP = NormalFormGame.zero_sum([[1, -1], [-1, 1]], actions=[["H", "T"]] * 2)


def test_pd_minmax_is_mutual_defection():
    r = minmax_values(PD)
    assert r.pure == (1, 1) and r.mixed == (1, 1)
    assert r.pure_punishments == ("D", "D")
    assert r.mixed_punishments == ((0, 1), (0, 1))
    assert r.values == (1, 1)


def test_matching_pennies_pure_and_mixed_minmax():
    r = minmax_values(MP)
    assert r.pure == (1, 1)
    assert r.mixed == (0, 0)
    half = Fraction(1, 2)
    assert r.mixed_punishments == ((half, half), (half, half))
    assert r.guarantees == ((half, half), (half, half))
    assert r.to_json()["mixed"] == ["0", "0"]
    assert minmax_values(MP, mixed=False).mixed is None


def test_mixed_minmax_fraction_and_rps():
    g = NormalFormGame.from_arrays([[2, 0], [0, 1]], [[0, 0], [0, 0]])
    r = minmax_values(g)
    assert r.mixed[0] == Fraction(2, 3)
    assert r.mixed_punishments[0] == (Fraction(1, 3), Fraction(2, 3))
    assert r.pure[0] == 1
    rps = NormalFormGame.zero_sum([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    r = minmax_values(rps)
    assert r.mixed == (0, 0) and r.pure == (1, 1)
    assert r.mixed_punishments[0] == (Fraction(1, 3),) * 3


def test_pd_feasible_set_is_quadrilateral_of_payoffs():
    poly = feasible_set(PD)
    assert set(poly.vertices) == {(3, 3), (0, 5), (5, 0), (1, 1)}
    assert len(poly.vertices) == 4 and poly.area > 0          # counter-clockwise
    assert poly.area == 10
    for point in [(1, 1), (3, 3), (2, 2), (Fraction(5, 2), Fraction(5, 2))]:
        assert poly.contains(point)
    assert not poly.contains((4, 4))


def test_pd_individually_rational_vertices_exact():
    ir = individually_rational_set(PD)
    assert ir.vertices == ((1, 1), (Fraction(13, 3), 1), (3, 3), (1, Fraction(13, 3)))
    assert ir.to_json()["vertices"][1] == ["13/3", "1"]
    assert individually_rational_set(PD, mixed=False) == ir


def test_degenerate_hulls_and_empty_ir_set():
    point = NormalFormGame.from_arrays([[2]], [[3]])
    assert feasible_set(point).vertices == ((2, 3),)
    assert feasible_set(point).dimension == 0 and feasible_set(point).area == 0
    seg = feasible_set(MP)
    assert seg.vertices == ((1, -1), (-1, 1))
    assert seg.contains((0, 0)) and not seg.contains((0, 1))
    assert individually_rational_set(MP).vertices == ((0, 0),)
    assert individually_rational_set(MP, mixed=False).is_empty
    assert not Polygon(()).contains((0, 0))


def test_clip_and_hull_helpers():
    assert convex_hull([(1, 1)] * 3) == ((1, 1),)
    square = ((0, 0), (2, 0), (2, 2), (0, 2))
    assert clip_halfplane(square, (1, 1), 4) == ((2, 2),)
    assert clip_halfplane(square, (1, 1), 5) == ()
    assert Polygon.hull([(0.5, 0), (1, 1), (0, 1)]).vertices[0] == (Fraction(1, 2), 0)


def test_errors_name_the_problem():
    three = NormalFormGame.from_payoff_arrays([np.zeros((2, 2, 2), dtype=int)] * 3)
    with pytest.raises(GameError, match="two-player"):
        minmax_values(three)
    import sympy
    T = sympy.Symbol("T", real=True)
    sym = NormalFormGame.from_arrays([[T, 0], [0, 1]], parameters={"T": None})     # T has no value
    with pytest.raises(GameError, match="feasible_set needs numeric payoffs; give values to T"):
        feasible_set(sym)


small = st.integers(-6, 6)


@st.composite
def games(draw):
    n, m = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    A = draw(st.lists(st.lists(small, min_size=m, max_size=m), min_size=n, max_size=n))
    B = draw(st.lists(st.lists(small, min_size=m, max_size=m), min_size=n, max_size=n))
    return NormalFormGame.from_arrays(A, B)


@settings(max_examples=40, deadline=None)
@given(games())
def test_minmax_certificates_and_ir_geometry(game):
    r = minmax_values(game)
    A, B = game.payoff_arrays
    for i, M in enumerate((A, B.T)):
        v, q, p = r.mixed[i], r.mixed_punishments[i], r.guarantees[i]
        assert sum(q) == 1 and sum(p) == 1 and min(q) >= 0 and min(p) >= 0
        assert max(sum(M[a, b] * q[b] for b in range(M.shape[1])) for a in range(M.shape[0])) == v
        assert min(sum(p[a] * M[a, b] for a in range(M.shape[0])) for b in range(M.shape[1])) == v
        assert v <= r.pure[i]
    feas = feasible_set(game)
    assert all(feas.contains((A[idx], B[idx])) for idx in np.ndindex(A.shape))
    v = feas.vertices
    if len(v) >= 3:
        assert all((v[(k + 1) % len(v)][0] - v[k][0]) * (v[(k + 2) % len(v)][1] - v[k][1])
                   - (v[(k + 1) % len(v)][1] - v[k][1]) * (v[(k + 2) % len(v)][0] - v[k][0]) > 0
                   for k in range(len(v)))
    ir = individually_rational_set(game)
    assert not ir.is_empty                       # a mixed Nash payoff is always in it
    assert all(feas.contains(p) and p[0] >= r.mixed[0] and p[1] >= r.mixed[1] for p in ir.vertices)
    assert ir.area <= feas.area


def test_points_on_a_segments_line_but_beyond_its_ends_are_outside():
    """A feasible set may be a segment (a point, ...): a point on its line is inside only between
    its ends, for a vertical and a horizontal segment alike, and on a slanted one."""
    from deterrence.solvers.repeated.folk import in_convex_polygon
    for segment, inside, beyond in [([(0, 0), (0, 2)], (0, 1), (0, 3)),          # vertical
                                    ([(0, 5), (4, 5)], (3, 5), (-1, 5)),         # horizontal
                                    ([(0, 0), (2, 4)], (1, 2), (3, 6))]:         # slanted
        assert in_convex_polygon(segment, inside) and in_convex_polygon(segment, segment[1])
        assert not in_convex_polygon(segment, beyond), (segment, beyond)
        assert not in_convex_polygon(segment[::-1], beyond), (segment, beyond)
