"""The one randomness convention: ``seed`` in, ``numpy.random.Generator`` out."""
from __future__ import annotations

import numpy as np

from deterrence.errors import GameError


def rng(seed=None) -> np.random.Generator:
    """A NumPy generator from a seed, a ``SeedSequence`` or an existing generator.

    A seed is ``None`` (fresh entropy), a whole number >= 0, a ``SeedSequence``
    or a ``Generator``; anything else is a :class:`~deterrence.errors.GameError`
    naming the value (NumPy's own errors do not say which argument was wrong).

    >>> int(rng(1).integers(10)) == int(rng(1).integers(10))
    True
    >>> rng("abc")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: seed must be a whole number >= 0 (or None), got 'abc'
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, np.random.SeedSequence) or seed is None:
        return np.random.default_rng(seed)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise GameError(f"seed must be a whole number >= 0 (or None), got {seed!r}")
    return np.random.default_rng(int(seed))
