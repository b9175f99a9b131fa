"""The one randomness convention: ``seed`` in, ``numpy.random.Generator`` out."""
from __future__ import annotations

import numpy as np


def rng(seed=None) -> np.random.Generator:
    """A NumPy generator from a seed, a ``SeedSequence`` or an existing generator.

    >>> int(rng(1).integers(10)) == int(rng(1).integers(10))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(seed)
