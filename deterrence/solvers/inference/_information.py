"""Standard errors from the observed information: the one computation every fit shares.

At a maximum ``x`` of a log-likelihood ``f``, the observed information is the negated
Hessian ``-H``, estimated by central differences with one step per parameter, and the
standard errors are the square roots of the diagonal of its inverse (the asymptotic
covariance of the maximum-likelihood estimator).

Steps of :func:`observed_information_errors`:

1. ``H[a, b] = (f(x + e_a + e_b) - f(x + e_a - e_b) - f(x - e_a + e_b) + f(x - e_a - e_b)) / (4 h_a h_b)``
   (and the three-point formula on the diagonal), with ``e_a = h_a`` times the ``a``-th unit vector;
2. invert ``-H``; a singular matrix, or one with a value that is not finite, gives no standard
   errors (every one ``nan``);
3. a parameter whose variance is not positive is not identified by the data: its standard error
   is ``nan``, never ``0`` (a zero would read as a perfectly precise estimate).

Reference: Y. Pawitan (2001), *In All Likelihood*, Oxford University Press, ch. 2.5 and 9
(observed information and the Wald standard error). Written for this toolkit (the strategic
probit's copy inverted an unguarded matrix: constant data crashed ``deterrence fit``, and a
parameter with four observations was reported with standard error 0.0: an architecture review).

>>> import numpy as np
>>> f = lambda v: -0.5 * ((v[0] - 1) ** 2 / 4 + (v[1] + 2) ** 2 / 9)    # normal, sd 2 and 3
>>> [round(s, 6) for s in observed_information_errors(f, np.array([1.0, -2.0]), [1e-3, 1e-3])]
[2.0, 3.0]
>>> observed_information_errors(lambda v: -v[0] ** 2, np.array([0.0, 0.0]), [1e-3, 1e-3])  # v[1] unused
[nan, nan]
"""
from __future__ import annotations

import math

import numpy as np


def log_likelihood_hessian(f, x, steps) -> np.ndarray:
    """The Hessian of ``f`` at ``x`` by central differences, ``steps[a]`` the step of parameter ``a``
    (step 1 of the module docstring)."""
    x = np.asarray(x, dtype=float)
    k = len(x)
    H = np.zeros((k, k))
    fx = f(x)
    for a in range(k):
        ea = np.zeros(k)
        ea[a] = steps[a]
        H[a, a] = (f(x + ea) - 2 * fx + f(x - ea)) / steps[a] / steps[a]
        for b in range(a + 1, k):
            eb = np.zeros(k)
            eb[b] = steps[b]
            H[a, b] = H[b, a] = (f(x + ea + eb) - f(x + ea - eb) - f(x - ea + eb)
                                 + f(x - ea - eb)) / (4 * steps[a] * steps[b])
    return H


def observed_information_errors(f, x, steps) -> list:
    """Standard errors of the maximum ``x`` of the log-likelihood ``f`` (module docstring):
    a list of floats, ``nan`` for a parameter the data do not identify, all ``nan`` when the
    information matrix is singular or not finite."""
    with np.errstate(all="ignore"):          # a flat or overflowing likelihood: no curvature in floats
        info = -log_likelihood_hessian(f, x, steps)
    if not np.all(np.isfinite(info)):
        return [float("nan")] * len(x)
    try:
        covariance = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        return [float("nan")] * len(x)
    return [math.sqrt(v) if v > 0 and math.isfinite(v) else float("nan") for v in np.diag(covariance)]


__all__ = ["log_likelihood_hessian", "observed_information_errors"]
