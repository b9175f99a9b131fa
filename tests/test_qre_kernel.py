"""The compiled logit-branch tracer (``normal_form._qre_kernels``) follows the branch of the NumPy
path: the same points (within the corrector's tolerance), the same QRE at fixed lambdas, the same
certified limit; anything it does not finish is traced again by the NumPy path."""
import os
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deterrence import NormalFormGame
from deterrence.errors import SolverError
from deterrence.solvers.normal_form import _qre_kernels as qk
from deterrence.solvers.normal_form.qre import (_KERNEL_CONSTANTS, _Homotopy, _tangent, _tolerance, limit_equilibrium,
                                                logit_branch, qre_at, trace_branch)
from test_qre import same_point


@contextmanager
def numba_setting(value):
    """DETERRENCE_NUMBA set to *value* for the block (hypothesis tests take no monkeypatch)."""
    before = os.environ.get("DETERRENCE_NUMBA")
    os.environ["DETERRENCE_NUMBA"] = value
    try:
        yield
    finally:
        if before is None:
            del os.environ["DETERRENCE_NUMBA"]
        else:
            os.environ["DETERRENCE_NUMBA"] = before


def kernel_points(kernel, H, top):
    """The kernel's branch of *H* to lambda = *top*, or None where it hands back to NumPy."""
    z0 = np.append(np.concatenate([np.full(m, -np.log(m)) for m in H.shape]), 0.0)
    return qk.run_trace(kernel, H, z0, _tangent(H.jacobian(z0)), top, 1e-10, 20000, _KERNEL_CONSTANTS)


def numpy_points(H, top, stop_at=None):
    with numba_setting("0"):
        try:
            return trace_branch(H, top, stop_at=stop_at)
        except SolverError as exc:
            return str(exc)


def residual_bound(H, a, b):
    """How far apart two points at one lambda may be when both solve H = 0 to their residuals:
    |a - b| <= |J^+| (|H(a)| + |H(b)|) to first order, J the Jacobian in y at *b*. Where the
    branch is ill-conditioned (a degenerate game's tied actions far out: |J^+| ~ 1e5 to 1e9)
    two tracers with the same tolerance legitimately differ by more than any fixed bound."""
    pinv = np.linalg.norm(np.linalg.pinv(H.jacobian(b)[:, :-1]), 2)
    return 2 * pinv * (np.linalg.norm(H.residual(a)) + np.linalg.norm(H.residual(b)))


def check_same_branch(arrays, kernel):
    """The kernel's branch against the NumPy path's: each point solves H = 0 (the NumPy
    evaluation), the branches agree point for point while they take the same steps, and at
    the kernel's points below the branch's first turn in lambda the NumPy branch, landed at that
    lambda, is within 1e-8; the limit is the same. Returns whether the kernel finished."""
    floats = [np.asarray(a, dtype=float) for a in arrays]
    H = _Homotopy(floats)
    top = 1e6 / (max(float(np.ptp(a)) for a in floats) or 1.0)
    ours, theirs = kernel_points(kernel, H, top), numpy_points(H, top)
    if ours is None:
        return False
    assert not isinstance(theirs, str), theirs          # the kernel finished a branch NumPy could not
    for z in ours:      # the corrector's rule, plus one rounding of H far out (|y| ~ lambda; the kernel sums
        # in another order, so its |H| below the tolerance can be a few eps * lambda * max|u| above it here)
        rounding = qk.ROUNDING * (1.0 + abs(z[-1])) * H.term_scale
        assert np.sqrt(H.residual(z) @ H.residual(z)) < _tolerance(H, z, 1e-10) + rounding
    same = next((k for k, (a, b) in enumerate(zip(ours, theirs)) if abs(a[-1] - b[-1]) > 1e-6 * max(1, abs(b[-1]))),
                min(len(ours), len(theirs)))
    for a, b in zip(ours[:same], theirs[:same]):      # far out, |y| ~ lambda: y to the corrector's tolerance
        assert np.abs(np.exp(a[:-1]) - np.exp(b[:-1])).max() < max(1e-8 + 1e-12 * abs(b[-1]), residual_bound(H, a, b))
    # NumPy's landing at a lambda is unambiguous only below the first turn of its branch in lambda
    # (past a turn the branch meets that lambda more than once, and a step across the turn lands
    # wherever its fixed-lambda corrector converges)
    def first_turn(branch):
        return next((k for k in range(1, len(branch)) if branch[k][-1] <= branch[k - 1][-1]), len(branch))
    turn = first_turn(theirs)
    below = theirs[turn - 1][-1] if turn < len(theirs) else np.inf
    for z in ours[1:min(first_turn(ours), len(ours) - 1):3]:
        if z[-1] < min(1e3, below):      # far out the profile is flat: a landing only confirms it
            landed = numpy_points(H, z[-1], stop_at=z[-1])
            assert np.abs(np.exp(z[:-1]) - np.exp(landed[-1][:-1])).max() < 1e-8
    game = NormalFormGame.from_payoff_arrays(arrays)
    limits = [limit_equilibrium(game, [tuple(np.exp(v)) for v in H.split(e[-1][:-1])]) for e in (ours, theirs)]
    assert (limits[0] is None) == (limits[1] is None)
    assert limits[0] is None or same_point(*limits)
    return True


SHAPES = [(2, 2), (3, 3), (2, 4), (5, 3), (2, 2, 2), (3, 2, 2), (3, 3, 3), (2, 3, 4)]


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(SHAPES), st.integers(0, 2**32 - 1), st.sampled_from([3, 9, 99]))
def test_the_compiled_tracer_follows_the_numpy_branch(shape, seed, top):
    rng = np.random.default_rng(seed)
    with numba_setting("1"):
        kernel = qk.compiled_trace()
    check_same_branch([rng.integers(0, top + 1, size=shape) for _ in shape], kernel or qk._trace_kernel)


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(SHAPES[:6]), st.integers(0, 2**32 - 1))
def test_the_uncompiled_kernel_follows_the_numpy_branch(shape, seed):
    """The kernel as plain Python (what runs where numba is missing, in tests only)."""
    rng = np.random.default_rng(seed)
    check_same_branch([rng.integers(0, 10, size=shape) for _ in shape], qk._trace_kernel)


@pytest.mark.parametrize("index", range(6))
def test_the_compiled_tracer_on_the_benchmark_games(index):
    """The seeded games of ``benchmarks/bench_qre.py`` (2x2 ... 3x3x3, payoffs 0..9): the kernel
    finishes each, with the NumPy path's limit (or lack of one); the front door gives the same QRE
    and limit either way."""
    shape = [(2, 2), (3, 3), (5, 5), (8, 8), (2, 2, 2), (3, 3, 3)][index]
    rng = np.random.default_rng(2024 + index)
    arrays = [rng.integers(0, 10, size=shape) for _ in shape]
    with numba_setting("1"):
        kernel = qk.compiled_trace()
    assert check_same_branch(arrays, kernel or qk._trace_kernel)
    game = NormalFormGame.from_payoff_arrays(arrays)
    with numba_setting("0"):
        plain = logit_branch(game), [qre_at(game, lam) for lam in (0.5, 2.0, 8.0)]
    with numba_setting("1"):
        fast = logit_branch(game), [qre_at(game, lam) for lam in (0.5, 2.0, 8.0)]
    limits = [b.limit for b in (fast[0], plain[0])]
    assert (limits[0] is None) == (limits[1] is None)
    assert limits[0] is None or same_point(*limits)     # 3x3x3: an irrational limit, boxed both ways
    for a, b in zip(fast[1], plain[1]):
        assert np.abs(np.concatenate(a) - np.concatenate(b)).max() < 1e-8


def test_what_the_kernel_does_not_finish_is_traced_by_numpy():
    """A branch the kernel does not finish (here: too few steps, near the start) is traced again
    by the NumPy path, whose error the front door raises with the kernel on or off. (The game
    that showed this before, a 3x3x3 game whose corrector failed at lambda = 2 on both paths, had
    jumped to another branch there: test_qre.test_the_tracer_stays_on_the_branch_across_folds.)"""
    errors = {}
    for setting in ("0", "1"):
        with numba_setting(setting):
            rng = np.random.default_rng(1)
            game = NormalFormGame.from_payoff_arrays([rng.integers(0, 4, size=(3, 3, 3)) for _ in range(3)])
            with pytest.raises(SolverError) as info:
                logit_branch(game, max_steps=4)
            errors[setting] = str(info.value)
    assert errors["0"] == errors["1"] == "logit QRE path following did not reach lambda = 333333.3333333333 in 4 steps"


def test_the_switch_decides_the_qre_kernel():
    with numba_setting("0"):
        assert qk.compiled_trace() is None
    with numba_setting("1"):
        try:
            import numba  # noqa: F401
            assert qk.compiled_trace() is not None
        except ImportError:
            assert qk.compiled_trace() is None


def test_a_kernel_that_fails_leaves_the_branch_to_numpy(monkeypatch):
    """numba compiles on the first call: an error there (or in the loop) is a hand-back too."""
    game = NormalFormGame.from_payoff_arrays([np.array([[3, 0], [5, 1]]), np.array([[3, 5], [0, 1]])])
    with numba_setting("0"):
        reference = logit_branch(game)

    def broken(*args):
        raise RuntimeError("cannot compile here")
    monkeypatch.setattr(qk, "compiled_trace", lambda force=False, actions=None: broken)
    got = logit_branch(game)
    assert got.lambdas == reference.lambdas and got.profiles == reference.profiles
    assert got.limit is not None and got.limit.strategies == reference.limit.strategies


def test_small_games_use_the_kernel_only_once_it_is_loaded(monkeypatch):
    """Loading the kernel costs about 0.3 s (5 s to compile) against about 1 ms for a small trace:
    by default a small game takes it only once it is loaded, a large one loads it."""
    monkeypatch.delenv("DETERRENCE_NUMBA", raising=False)
    monkeypatch.setattr(qk, "numba_loaded", lambda: True)
    monkeypatch.setattr(qk, "jit", lambda func: func)        # the uncompiled kernel stands in
    monkeypatch.setattr(qk, "_KERNEL", [])
    assert qk.compiled_trace(actions=4) is None
    assert qk.compiled_trace(actions=qk.NUMBA_ACTIONS) is qk._trace_kernel
    assert qk.compiled_trace(actions=4) is qk._trace_kernel        # loaded now
    monkeypatch.setattr(qk, "numba_loaded", lambda: False)
    assert qk.compiled_trace(actions=10 * qk.NUMBA_ACTIONS) is None


def _crawl(kernel, H, max_steps, far):
    """The kernel's status on *H*'s branch with steps that never grow (so that it crawls)."""
    z0 = np.append(np.concatenate([np.full(m, -np.log(m)) for m in H.shape]), 0.0)
    empty = np.zeros((1, 1))
    flat = (1.0, 1.0) + _KERNEL_CONSTANTS[2:]            # growth and growth when straight: 1
    _, status = kernel(False, H._Dm, H._S, H._ones, H._G, empty, empty, z0, _tangent(H.jacobian(z0)), 1e9,
                       1e-10, float(qk.ROUNDING * H.term_scale), max_steps, *flat, float(far))
    return status


def test_the_kernel_stops_a_crawl_far_out_at_the_step_the_numpy_loop_does(monkeypatch):
    """The compiled twin's crawl rule (CRAWL_PROGRESS, far out) has its own test: matching pennies
    (payoffs +-100, spread 200, so far out is lambda >= FAR_OUT / 200 = 5) traced in steps of 0.1
    that never grow moves lambda by 10 in 100 steps, less than 10% of lambda from lambda = 100
    on: the NumPy loop stops there as crawled, and the kernel stops at the same step (it runs
    out of steps one step sooner, and without the rule it does not stop)."""
    from deterrence.solvers.normal_form import qre
    H = _Homotopy([np.array([[100.0, -100.0], [-100.0, 100.0]]), np.array([[-100.0, 100.0], [100.0, -100.0]])])
    far = qre.FAR_OUT / H.spread
    monkeypatch.setattr(qre, "GROWTH", 1.0)
    monkeypatch.setattr(qre, "GROWTH_STRAIGHT", 1.0)
    # the NumPy loop itself (the compiled twin, once another test has loaded it, would take the
    # trace with the module's constants, not the patched ones)
    with numba_setting("0"), pytest.raises(qre.BranchStopped, match="crawled far out") as stopped:
        qre._trace(H, 1e9, 1e-10, 20000, None, None)
    steps = len(stopped.value.points) - 1              # the start is a point, not a step
    assert abs(stopped.value.points[-1][-1] - 100) < 0.2 and 1000 <= steps <= 1002
    with numba_setting("1"):
        compiled = qk.compiled_trace()
    for kernel in {qk._trace_kernel, compiled or qk._trace_kernel}:
        assert _crawl(kernel, H, steps, far) == qk.STALLED
        assert _crawl(kernel, H, steps - 1, far) == qk.TOO_MANY_STEPS
        assert _crawl(kernel, H, steps + 50, np.inf) == qk.TOO_MANY_STEPS
