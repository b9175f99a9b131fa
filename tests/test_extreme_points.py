"""The extreme points of :mod:`deterrence.core.extreme_points` against brute force: a point is
extreme exactly when no convex combination of the other points equals it, decided for each
point by the exact simplex method; on every path of the module (highspy's model, SciPy's
programs, the exact fallback) and on points with large denominators."""
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deterrence.core import extreme_points as module
from deterrence.core.exact import maximise_exactly
from deterrence.core.extreme_points import extreme_points


def _is_mixture(p, others) -> bool:
    """Whether ``p`` is a convex combination of ``others``: the exact simplex method on
    ``lambda >= 0``, ``sum lambda = 1``, ``sum lambda q = p``."""
    if not others:
        return False
    n, d = len(others), len(p)
    A, b = [], []
    for j in range(d + 1):
        row = [q[j] if j < d else 1 for q in others]
        rhs = p[j] if j < d else 1
        A += [row, [-v for v in row]]
        b += [rhs, -rhs]
    A += [[-1 if k == i else 0 for k in range(n)] for i in range(n)]
    b += [0] * n
    return maximise_exactly([0] * n, A, b) is not None


def _brute_force(points) -> list:
    points = [tuple(Fraction(v) for v in p) for p in points]
    out = []
    for i, p in enumerate(points):
        if p in points[:i]:
            continue                                  # the first of equal points
        if not _is_mixture(p, [q for q in points if q != p]):
            out.append(i)
    return out


coordinates = st.fractions(min_value=-3, max_value=3, max_denominator=4)
point_sets = st.integers(1, 4).flatmap(
    lambda d: st.lists(st.tuples(*[coordinates] * d), min_size=1, max_size=12))


@settings(max_examples=60, deadline=None)
@given(point_sets)
def test_extreme_points_agree_with_brute_force(points):
    assert extreme_points(points) == _brute_force(points)


@settings(max_examples=25, deadline=None)
@given(point_sets)
def test_without_highspy_the_scipy_programs_agree(points):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("deterrence.core.highs.have_highspy", lambda: False)
        assert extreme_points(points) == _brute_force(points)


@settings(max_examples=25, deadline=None)
@given(point_sets)
def test_the_exact_fallback_alone_agrees(points):
    """With every float program declared failed, the exact simplex method decides each point."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(module._Hull, "_float_separation", lambda self, found, p: (None, None))
        assert extreme_points(points) == _brute_force(points)


def test_a_mixture_of_plans_at_the_vertices_of_a_sequence_form_face_is_left_out():
    """A cube's corners with its centre, the middles of its edges and a point inside a face, in
    realisation-plan-like coordinates with large denominators: only the corners are extreme."""
    big = Fraction(1, 2**70 + 1)
    corners = [(a, b, c) for a in (0, big) for b in (0, 1) for c in (0, Fraction(1, 3))]
    mixtures = [(big / 2, Fraction(1, 2), Fraction(1, 6)), (0, Fraction(1, 2), 0),
                (big, 1, Fraction(1, 6)), (big / 3, 0, Fraction(1, 9))]
    points = mixtures[:2] + corners + mixtures[2:]
    assert extreme_points(points) == list(range(2, 10))


def test_duplicates_and_constant_coordinates():
    points = [(1, 5, 0), (0, 5, 1), (1, 5, 0), (Fraction(1, 2), 5, Fraction(1, 2)), (0, 5, 1)]
    assert extreme_points(points) == [0, 1]
    assert extreme_points([(7, 7)]) == [0]
    assert extreme_points([(1, 2), (1, 2)]) == [0]
