"""Goal 3 (payoff sets): the exact certificate accepts true fixed points and rejects wrong polygons;
the compiled float loop gives the same sets as the NumPy one.

The certificate (``_certify``) snaps a float polygon to rationals and applies the
Abreu-Sannikov operator once in exact arithmetic. Sound means: a polygon that is
not inside E (here: E with a point outside it added) is never certified, and a
polygon other than E is never called a fixed point.
"""
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deterrence import NormalFormGame
from deterrence.solvers.repeated import _payoff_set_exact as ps_exact, _payoff_set_kernels as ps_kernels
from deterrence.solvers.repeated import payoff_set as ps
from deterrence.solvers.repeated.folk import convex_hull, minmax_values
from deterrence.solvers.repeated.payoff_set import equilibrium_payoff_set, hausdorff_distance
from test_payoff_set import AS_GAME, PD, stage_games

_RNG = np.random.default_rng(0)
GAME_10X10 = NormalFormGame.from_arrays(*_RNG.integers(-10, 11, size=(2, 10, 10)).tolist())
US_IRAN = NormalFormGame.from_arrays([[0, -4, -26], [2, -1, -24], [-16, -19, -22]],
                                     [[0, 2, -46], [-4, -1, -49], [-56, -54, -52]])


def certify(game, delta, vertices, fast=False, integer=False):
    """Run the certificate on an exact polygon (given by rational vertices).

    ``fast``: first try the float-filtered proof (:func:`_fixed_point_fast`), as with numba;
    ``integer`` (with ``fast``): before it, the proof in integers (:func:`_integer_certificate`),
    its kernel uncompiled unless numba is installed and allowed.
    """
    P = np.array([[float(x), float(y)] for x, y in vertices])
    with pytest.MonkeyPatch.context() as mp:
        if integer and ps_kernels._compiled_fixed_point_int() is None:
            mp.setattr(ps_exact, "_compiled_fixed_point_int", lambda: ps_kernels._fixed_point_int_kernel)
        return ps._certify(P, minmax_values(game, mixed=False).pure, game, Fraction(delta), 1e-9,
                           compiled=fast, integer=integer)


def outward(vertices, eps=Fraction(1, 7)):
    """The polygon with a point added just beyond the vertex of largest x + y (strictly larger)."""
    v = max(vertices, key=lambda p: (Fraction(p[0]) + Fraction(p[1]), p))
    extra = (Fraction(v[0]) + eps, Fraction(v[1]) + eps)
    return [tuple(Fraction(c) for c in p) for p in vertices] + [extra]


@pytest.mark.parametrize("fast, integer", [(False, False), (True, False), (True, True)])
@pytest.mark.parametrize("game, delta", [(PD, "3/4"), (PD, "9/10"), (US_IRAN, "1/2"), (US_IRAN, "9/10")])
def test_certificate_accepts_the_fixed_point_and_rejects_perturbations(game, delta, fast, integer):
    r = equilibrium_payoff_set(game, delta)
    assert r.exact
    got = certify(game, delta, r.vertices, fast, integer)
    assert got is not None and got[2] and set(got[0]) == set(r.vertices)
    # a strictly larger polygon is not inside E: never certified (not even as self-generating)
    assert certify(game, delta, outward(r.vertices), fast, integer) is None


@pytest.mark.parametrize("game, delta", [(PD, "3/4"), (PD, "9/10"), (US_IRAN, "1/2"), (US_IRAN, "9/10")])
def test_fast_proof_alone_proves_the_fixed_points(game, delta, monkeypatch):
    def no_full_step(*args):
        raise AssertionError("the full exact step should not be needed")
    _python_kernel(monkeypatch)
    monkeypatch.setattr(ps_exact, "_compiled_fixed_point_int", lambda: None)    # the rational fast proof
    monkeypatch.setattr(ps_exact, "_exact_step", no_full_step)
    r = equilibrium_payoff_set(game, delta)
    assert r.exact and r.error_bound == 0


@pytest.mark.parametrize("game, delta", [(PD, "3/4"), (PD, "9/10"), (US_IRAN, "1/2"), (US_IRAN, "9/10"),
                                         (GAME_10X10, "9/10")])
def test_integer_proof_alone_proves_the_fixed_points(game, delta, monkeypatch):
    # with numba, neither the rational fast proof nor the full rational step runs (the kernel
    # uncompiled when numba is absent); the answer is the one of the rational path
    ref = equilibrium_payoff_set(game, delta)

    def not_needed(*args):
        raise AssertionError("the rational proof should not be needed")
    _python_kernel(monkeypatch)
    if ps_kernels._compiled_fixed_point_int() is None:
        monkeypatch.setattr(ps_exact, "_compiled_fixed_point_int", lambda: ps_kernels._fixed_point_int_kernel)
    monkeypatch.setattr(ps_exact, "_fixed_point_fast", not_needed)
    monkeypatch.setattr(ps_exact, "_exact_step", not_needed)
    r = equilibrium_payoff_set(game, delta)
    assert r.exact and r.error_bound == 0
    assert (r.vertices, r.threat_points) == (ref.vertices, ref.threat_points)
    assert all(type(c) in (int, Fraction) for v in r.vertices for c in v)


@pytest.mark.parametrize("delta", ["3/4", "9/10"])
def test_pd_polygon_pulled_inwards_is_not_a_fixed_point(delta):
    # (In general a smaller polygon can be a fixed point of the operator - E is only the
    # largest one, e.g. the US-Iran set without (0, 0) at delta 1/2 - which is why
    # equilibrium_payoff_set also requires the exact polygon to be within rounding of
    # its float outer approximation before it says exact.)
    V = [(Fraction(x), Fraction(y)) for x, y in equilibrium_payoff_set(PD, delta).vertices]
    k = V.index((9, 9))
    V[k] = (Fraction(8999, 1000), Fraction(8999, 1000))
    got = certify(PD, delta, V)
    assert got is None or not got[2]


@pytest.mark.parametrize("integer", [False, True])
def test_smaller_fixed_point_is_not_reported_as_exact_set(integer):
    r = equilibrium_payoff_set(US_IRAN, "1/2")
    smaller = [v for v in r.vertices if v != (0, 0)]
    got = certify(US_IRAN, "1/2", smaller, fast=integer, integer=integer)
    assert got is not None and got[2]               # a fixed point of the operator...
    assert (0, 0) in r.vertices and r.exact         # ...but E is the largest one, which we report


def test_abreu_sannikov_example_is_not_certified():
    # its vertices are not rationals of small denominator: the snap fails and no claim is made
    r = equilibrium_payoff_set(AS_GAME, "3/10")
    assert not r.exact and not r.inner_certified
    assert ps._certify(r.vertices_float, minmax_values(AS_GAME, mixed=False).pure, AS_GAME,
                       Fraction(3, 10), 1e-9) is None


@settings(max_examples=40, deadline=None)
@given(stage_games(), st.sampled_from(["1/5", "1/2", "4/5", "9/10"]))
def test_exact_results_recertify_and_larger_polygons_never_pass(game, delta):
    r = equilibrium_payoff_set(game, delta)
    if not r.exact or len(r.vertices) < 3:
        return
    for fast in (False, True):
        got = certify(game, delta, r.vertices, fast)
        assert got is not None and got[2] and set(got[0]) == set(r.vertices)
        assert certify(game, delta, outward(r.vertices), fast) is None
        assert certify(game, delta, outward(r.vertices, Fraction(1, 997)), fast) is None


def _python_kernel(monkeypatch):
    """Take the compiled route (loop kernel, float pass of the certificate) with the kernels uncompiled."""
    monkeypatch.setattr(ps, "_compiled_loop", lambda: ps._loop_kernel)
    monkeypatch.setattr(ps_kernels, "_CLASSIFY", [ps_kernels._classify_kernel])


@pytest.mark.parametrize("game, delta", [(PD, "3/4"), (AS_GAME, "3/10"), (US_IRAN, "1/2"), (US_IRAN, "9/10")])
def test_loop_kernel_matches_numpy_iteration(game, delta, monkeypatch):
    monkeypatch.setenv("DETERRENCE_NUMBA", "0")
    ref = equilibrium_payoff_set(game, delta)
    _python_kernel(monkeypatch)
    got = equilibrium_payoff_set(game, delta)
    assert got.exact == ref.exact and got.iterations == ref.iterations
    assert hausdorff_distance(got.vertices, ref.vertices) <= 1e-12 * 60
    if ref.exact:
        assert got.vertices == ref.vertices


@settings(max_examples=15, deadline=None)
@given(stage_games(), st.sampled_from(["1/5", "1/2", "9/10"]))
def test_loop_kernel_matches_numpy_on_random_games(game, delta):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DETERRENCE_NUMBA", "0")
        ref = equilibrium_payoff_set(game, delta)
        _python_kernel(mp)
        got = equilibrium_payoff_set(game, delta)
    assert got.is_empty == ref.is_empty and got.exact == ref.exact
    if not ref.is_empty:
        assert hausdorff_distance(got.vertices, ref.vertices) <= 1e-9 + ref.error_bound


def test_compiled_kernel_exactly_when_numba_is_installed(monkeypatch):
    try:
        import numba
    except ImportError:  # CI without the `fast` extra: the NumPy loop runs
        numba = None
    monkeypatch.setenv("DETERRENCE_NUMBA", "1")
    assert (ps._compiled_loop() is None) == (numba is None)
    r = equilibrium_payoff_set(US_IRAN, "1/2")
    monkeypatch.setenv("DETERRENCE_NUMBA", "0")
    assert ps._compiled_loop() is None
    assert r.vertices == equilibrium_payoff_set(US_IRAN, "1/2").vertices


def test_snap():
    assert ps._snap(39 / 4 + 1e-13, 1e-9) == (39, 4)
    assert ps._snap(-131 / 8, 1e-12) == (-131, 8)
    assert ps._snap(2 ** 0.5, 1e-9) is None          # no denominator <= 10^4 that close


@st.composite
def rational_stage_games(draw):
    """Small games with int or Fraction payoffs, scaled by 1, 10^3 or 10^5 (large numbers exercise
    the integer proof's int64 guard: there it declines and the rational path decides)."""
    n, m = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    den = draw(st.sampled_from([1, 1, 2, 3, 6]))
    scale = draw(st.sampled_from([1, 1, 1, 10, 1000, 10 ** 5]))
    entry = st.integers(-9, 9).map(lambda x: Fraction(x * scale, den))
    A, B = (draw(st.lists(st.lists(entry, min_size=m, max_size=m), min_size=n, max_size=n)) for _ in range(2))
    return NormalFormGame.from_arrays(A, B)


def _changed(vertices, change):
    """The polygon itself or a convex variant: a vertex pushed out or pulled in, or one dropped."""
    V = [(Fraction(x), Fraction(y)) for x, y in vertices]
    if change == "outward":
        return convex_hull(outward(V, Fraction(1, 13)))
    k = max(range(len(V)), key=lambda j: (V[j][0] + V[j][1], V[j]))
    if change == "inward":
        cx, cy = sum(x for x, _ in V) / len(V), sum(y for _, y in V) / len(V)
        V[k] = (V[k][0] + (cx - V[k][0]) / 7, V[k][1] + (cy - V[k][1]) / 7)
    elif change == "drop":
        del V[k]
    return convex_hull(V)


@settings(max_examples=150, deadline=None)
@given(rational_stage_games(), st.sampled_from(["1/3", "1/2", "2/3", "4/5", "9/10", "19/20"]),
       st.sampled_from(["same", "same", "outward", "inward", "drop"]))
def test_integer_and_rational_certificates_agree(game, delta, change):
    # the new path (integer proof first) against the old ones (rational fast proof, full rational
    # step): the same answer, vertices, threat points, claim and displacement, on exact
    # results, perturbed polygons and smaller polygons (which may be fixed points too)
    r = equilibrium_payoff_set(game, delta)
    if len(r.vertices) < 3:
        return
    V = _changed(r.vertices, change) if r.exact else r.vertices
    new = certify(game, delta, V, fast=True, integer=True)
    assert new == certify(game, delta, V, fast=True) == certify(game, delta, V)
    if len(V) < 3 or not r.exact:
        return
    # and the kernel's own verdict is the rational fixed-point verdict whenever it does not decline
    snapped = ps_exact._snap_polygon(np.array([[float(x), float(y)] for x, y in V]), 1e-9)
    if snapped is None:                                # denominators beyond the snap's: no claim at all
        assert new is None
        return
    pairs, pm = snapped[0], minmax_values(game, mixed=False).pure
    proved = ps_exact._integer_certificate(pairs, pm, game, Fraction(delta), ps_kernels._fixed_point_int_kernel)
    if proved is not None:
        assert new is not None and new[:3] == proved
    elif new is not None and new[2]:                   # a fixed point the integer proof did not take:
        assert _declines(pairs, game, delta)           # only when its numbers are too large


def _declines(pairs, game, delta):
    """Whether the integer proof refuses these numbers (its int64 guard)."""
    data = ps_exact._integer_data(pairs, minmax_values(game, mixed=False).pure, game, Fraction(delta))
    return data is None or 40 * data[6] * data[8] ** 3 >= 2 ** 62


@pytest.mark.parametrize("game, delta", [(PD, "3/4"), (US_IRAN, "1/2"), (US_IRAN, "9/10"), (GAME_10X10, "9/10")])
def test_integer_proof_does_not_overflow_just_below_its_limit(game, delta):
    # E(k A, k B) = k E(A, B): scale the payoffs so that the kernel's bound 40 dq R^3 is just
    # under 2^62, and run its uncompiled twin with NumPy's int64 overflow check turned into errors
    r = equilibrium_payoff_set(game, delta)
    pairs, _ = ps_exact._snap_polygon(r.vertices_float, 1e-9)
    data = ps_exact._integer_data(pairs, minmax_values(game, mixed=False).pure, game, Fraction(delta))
    R1, dq = data[8], data[6]
    k = int((2 ** 62 / (40 * dq)) ** (1 / 3) / R1)
    while 40 * dq * ((k + 1) * R1) ** 3 < 2 ** 62:
        k += 1
    while 40 * dq * (k * R1) ** 3 >= 2 ** 62:
        k -= 1
    assert k >= 2

    def proof(k):
        big = NormalFormGame.from_arrays(*([[x * k for x in row] for row in M.tolist()] for M in game.payoff_arrays))
        scaled = [((sx[0] * k, sx[1]), (sy[0] * k, sy[1])) for sx, sy in pairs]
        return ps_exact._integer_certificate(scaled, minmax_values(big, mixed=False).pure, big, Fraction(delta),
                                             ps_kernels._fixed_point_int_kernel)
    with np.errstate(over="raise"):
        proved = proof(k)
    assert proved is not None and proved[0] == tuple((x * k, y * k) for x, y in r.vertices)
    assert proof(k + 1) is None              # one step more and it declines: the rational path decides
