"""Compiled (numba) path following of the logit branch of two- and three-player games.

The same predictor-corrector as :func:`deterrence.solvers.normal_form.qre.trace_branch`
(Allgower and Georg, ch. 2-3 and 6; see there): the tangent predictor, the pseudo-arclength
Gauss-Newton corrector on the square system ``[J; t] dz = [-H; 0]`` (at most 8 steps, given up
when a step does not halve the residual), the same acceptance tests (lambda > 0, the move at
most twice the step, the tangent turning by less than ``acos(MIN_COSINE)``, the side of the
branch kept unless the step is at most ``FLIP_MIN_STEP``), the same step
control, stall and crawl tests and stop at ``lambda >= target``, on the evaluation of
``qre._Homotopy._evaluate_small`` (``Dm @ dU = G * pi`` for two players, ``(W @ pi) * pi``
for three). The dense systems are solved by LU with partial pivoting (LAPACK's ``getrf``
algorithm, unblocked), so points agree with the NumPy path to rounding, not bit for bit.

Anything unusual (a singular system, a step length below 1e-12, a stall, too many steps)
returns a status instead of a point list, and the caller traces again with the NumPy path,
which then gives its answer or its error; so the kernel only ever returns a branch the
NumPy path could have traced. An exception in it (numba compiles on the first call) is
such a stop too. Used only when :func:`compiled_trace` allows it (numba already imported and
the kernel loaded or the game large, or ``DETERRENCE_NUMBA=1``): importing numba, or loading the
kernel, costs more than tracing a small game. The kernel also runs uncompiled (tests, without numba).
"""
from __future__ import annotations

import math

import numpy as np

from deterrence.solvers._compiled import jit, numba_allowed, numba_loaded, run_compiled

REACHED, SINGULAR, STEP_TOO_SMALL, STALLED, TOO_MANY_STEPS = 0, 1, 2, 3, 4


#: relative rounding of the logit homotopy's residual: the corrector's tolerance is at least
#: ``ROUNDING * (1 + lambda) * max|u|`` (qre._tolerance; the same rule here)
ROUNDING = 8 * np.finfo(float).eps


def _trace_kernel(three, Dm, S, ones, G, W, mask, z0, t0, target, tol, rounding, max_steps,
                  growth, growth_straight, straight, min_cosine, stall_window, stall_progress,
                  flip_min_step, crawl_progress, far_lambda):
    """``(points, status)``: the points of the branch from ``z0`` (tangent ``t0``) until
    lambda >= ``target`` (status ``REACHED``), or an empty array and the status that stopped it.
    """
    M = Dm.shape[0]
    N = M + 1
    cap = 64
    points = np.empty((cap, N))
    points[0] = z0
    count = 1
    r = np.empty(M)
    J = np.empty((M, N))
    du = np.empty(M)
    DdU = np.empty((M, M))
    K = np.empty((N, N))
    rhs = np.empty(N)
    x = np.empty(N)
    piv = np.empty(N, dtype=np.int64)
    sign = np.ones(1)            # the sign of det [J; row] from solve_bordered's LU
    cand = np.empty(N)
    step = np.empty(N)
    t_next = np.empty(N)
    z = z0.copy()
    t = t0.copy()

    def evaluate(w):
        # r = H(w), J = dH/dw: qre._Homotopy._evaluate_small
        lam = w[M]
        p = np.exp(w[:M])
        if three:
            for a in range(M):
                s = 0.0
                for b in range(M):
                    wp = 0.0
                    for c in range(M):
                        wp += W[a * M + b, c] * p[c]
                    DdU[a, b] = wp * p[b]
                    s += DdU[a, b] * mask[a, b]
                du[a] = s
        else:
            for a in range(M):
                s = 0.0
                for b in range(M):
                    DdU[a, b] = G[a, b] * p[b]
                    s += G[a, b] * p[b]
                du[a] = s
        for a in range(M):
            dy = 0.0
            sp = 0.0
            for b in range(M):
                dy += Dm[a, b] * w[b]
                sp += S[a, b] * p[b]
                J[a, b] = S[a, b] * p[b] + (Dm[a, b] - lam * DdU[a, b])
            r[a] = dy - lam * du[a] + sp - ones[a]
            J[a, M] = -du[a]

    def solve_bordered(row):
        # x = [J; row]^-1 rhs by LU with partial pivoting; False when a pivot is exactly 0;
        # sign[0] = the sign of det [J; row] (qre._side)
        sign[0] = 1.0
        for a in range(M):
            for b in range(N):
                K[a, b] = J[a, b]
        for b in range(N):
            K[M, b] = row[b]
        for c in range(N):
            best = c
            for a in range(c + 1, N):
                if abs(K[a, c]) > abs(K[best, c]):
                    best = a
            piv[c] = best
            if K[best, c] == 0.0:
                return False
            if best != c:
                sign[0] = -sign[0]
                for b in range(N):
                    K[c, b], K[best, b] = K[best, b], K[c, b]
            if K[c, c] < 0.0:
                sign[0] = -sign[0]
            inv = 1.0 / K[c, c]
            for a in range(c + 1, N):
                K[a, c] *= inv
                f = K[a, c]
                if f != 0.0:
                    for b in range(c + 1, N):
                        K[a, b] -= f * K[c, b]
        for a in range(N):
            x[a] = rhs[a]
        for c in range(N):
            if piv[c] != c:
                x[c], x[piv[c]] = x[piv[c]], x[c]
        for a in range(N):
            s = x[a]
            for b in range(a):
                s -= K[a, b] * x[b]
            x[a] = s
        for a in range(N - 1, -1, -1):
            s = x[a]
            for b in range(a + 1, N):
                s -= K[a, b] * x[b]
            x[a] = s / K[a, a]
        return True

    def residual_norm():
        s = 0.0
        for a in range(M):
            s += r[a] * r[a]
        return math.sqrt(s)

    def correct():
        # qre._correct with a tangent, from step into cand; 1 converged, 0 not, -1 singular;
        # J is left at cand
        for a in range(N):
            cand[a] = step[a]
        last = np.inf
        for _ in range(8):
            evaluate(cand)
            norm = residual_norm()
            tol_here = max(tol, rounding * (1.0 + abs(cand[M])))    # qre._tolerance
            if norm < tol_here:
                return 1
            if norm > 0.5 * last and last < np.inf and norm > 1e3 * tol_here:
                return 0
            last = norm
            for a in range(M):
                rhs[a] = -r[a]
            rhs[M] = 0.0
            if not solve_bordered(t):
                return -1
            for a in range(N):
                cand[a] = cand[a] + x[a]
        evaluate(cand)
        return 1 if residual_norm() < max(tol, rounding * (1.0 + abs(cand[M]))) else 0

    # the side of the branch the trace is on (qre.FLIP_MIN_STEP): det [J; t] at the start
    evaluate(z)
    for a in range(N):
        rhs[a] = 0.0
    rhs[M] = 1.0
    if not solve_bordered(t):
        return points[:0], SINGULAR
    side = sign[0]
    h = 0.1
    for _ in range(max_steps):
        while True:
            for a in range(N):
                step[a] = z[a] + h * t[a]
            ok = correct()
            if ok < 0:
                return points[:0], SINGULAR
            accepted = False
            if ok == 1 and cand[M] > 0:
                moved = 0.0
                for a in range(N):
                    moved += (cand[a] - z[a]) ** 2
                if math.sqrt(moved) < 2 * h + 1e-12:
                    for a in range(N):
                        rhs[a] = 0.0
                    rhs[M] = 1.0
                    if not solve_bordered(t):
                        return points[:0], SINGULAR
                    length = 0.0
                    for a in range(N):
                        length += x[a] * x[a]
                    scale = 1.0 / math.sqrt(length)
                    cos = 0.0
                    for a in range(N):
                        t_next[a] = x[a] * scale
                        cos += t_next[a] * t[a]
                    accepted = cos > min_cosine and (sign[0] == side or h <= flip_min_step)
            if accepted:
                break
            h /= 2
            if h < 1e-12:
                return points[:0], STEP_TOO_SMALL
        if count == cap:
            cap *= 2
            grown = np.empty((cap, N))
            grown[:count] = points[:count]
            points = grown
        points[count] = cand
        count += 1
        if cand[M] >= target:
            return points[:count], REACHED
        for a in range(N):
            z[a] = cand[a]
            t[a] = t_next[a]
        side = sign[0]
        if count > stall_window:
            before = points[count - 1 - stall_window, M]
            if abs(z[M] - before) < stall_progress * max(abs(z[M]), 1.0):
                return points[:0], STALLED
            if z[M] >= far_lambda and z[M] - before < crawl_progress * z[M]:
                return points[:0], STALLED
        off = 0.0
        for a in range(N):
            off += (cand[a] - step[a]) ** 2
        ratio = math.sqrt(off) / h
        h = min(h * (growth_straight if ratio < straight else growth), 1e6)
    return points[:0], TOO_MANY_STEPS


_KERNEL = []
#: games with at least this many actions in all use the kernel by default (when numba is imported):
#: loading it from numba's cache costs about 0.3 s and compiling it about 5 s, once a process,
#: while a NumPy trace of a small game takes about 1 ms (2x2), so below this it is used only once
#: it is loaded (or with ``DETERRENCE_NUMBA=1``), as the Lemke-Howson kernels are
NUMBA_ACTIONS = 40


def compiled_trace(force=False, actions=None):
    """The compiled :func:`_trace_kernel`, or ``None``: numba absent, or not allowed. By default
    it is allowed when numba is already imported in the process and either the kernel is loaded
    already or the game has at least :data:`NUMBA_ACTIONS` actions in all (``actions``; ``None``:
    no size given); ``DETERRENCE_NUMBA=1`` always, ``0`` never."""
    if not numba_allowed(force or (numba_loaded() and (
            bool(_KERNEL) or actions is None or actions >= NUMBA_ACTIONS))):
        return None
    if not _KERNEL:
        _KERNEL.append(jit(_trace_kernel))
    return _KERNEL[0]


def run_trace(kernel, H, z0, t0, target, tol, max_steps, constants, far_lambda=math.inf):
    """The kernel's points (a list of arrays) for the homotopy ``H`` (two players, or three
    evaluated through ``W``), or ``None`` when it stopped for any reason but reaching ``target``.

    Matching pennies, whose branch stays at the centroid, by the uncompiled kernel:

    >>> from deterrence.solvers.normal_form.qre import _KERNEL_CONSTANTS, _Homotopy
    >>> H = _Homotopy([np.array([[1.0, -1.0], [-1.0, 1.0]]), np.array([[-1.0, 1.0], [1.0, -1.0]])])
    >>> z0, t0 = np.append(np.full(4, -np.log(2)), 0.0), np.array([0.0, 0.0, 0.0, 0.0, 1.0])
    >>> points = run_trace(_trace_kernel, H, z0, t0, 10.0, 1e-10, 100, _KERNEL_CONSTANTS)
    >>> bool(points[-1][-1] >= 10.0), np.allclose(np.exp(points[-1][:-1]), 0.5)
    (True, True)
    """
    three = H.n == 3
    empty = np.zeros((1, 1))
    try:
        points, status = run_compiled(kernel, three, H._Dm, H._S, H._ones, empty if three else H._G,
                                      H._W if three else empty, H._mask if three else empty, z0, t0,
                                      float(target), float(tol), float(ROUNDING * H.term_scale),
                                      int(max_steps), *constants, float(far_lambda))
    except Exception:       # noqa: BLE001 - numba compiles on the first call: any failure there or
        return None         # in the loop leaves the branch to the NumPy path, which is the reference
    return list(points) if status == REACHED else None
