"""The compiled turn loop of :class:`~deterrence.solvers.repeated.simulate.CompiledMatch`.

The NumPy path of :meth:`CompiledMatch.run` makes several passes over all matches
a turn (draw, column, threshold, accept, next state), each an array of 50,000
entries or more: memory-bound, so it slows down whenever another process
competes for the memory bus. This kernel plays the same alias-table walk
(Walker 1977, see :mod:`~deterrence.solvers.repeated.simulate`) turn by turn
over blocks of :data:`BLOCK` matches, whose states, payoff sums and first-war
rounds stay in the first-level cache for the turns of a call (each turn's
random words are read once).

Same random words, same play: the caller draws the words with the same
``random_raw`` calls as the NumPy path, in the same order (turn by turn, the
low and high halves of one 64-bit word for two neighbouring matches), so
both paths visit the same states, realise the same profiles and find the
same first wars for a seed. Only the payoff sums may differ in the last bits
(the NumPy path adds a chunk of turns with one matrix-vector product, this
kernel turn by turn).

Steps, per match ``i`` and turn ``t`` of the block (``base`` = product state x K):

1. ``r`` = the match's 32-bit word; ``code = base + (r & (K - 1))`` (the column).
2. ``out = 2 code + (r < thr[code])`` (the column accepted, or its alias).
3. ``base = next_base[out]``; the payoffs ``pay[out]``, weighted by ``delta**t``,
   are added; a war profile sets the first-war round (1-based) once.

Policy (:mod:`deterrence.solvers._compiled`): used when numba is already
imported, or for runs of at least :data:`COMPILED_ROUNDS` simulated rounds,
where loading numba (about a second) pays for itself; ``DETERRENCE_NUMBA``
overrides it.
"""
from __future__ import annotations

import numpy as np

from deterrence.solvers._compiled import jit, numba_allowed, numba_loaded

#: simulated rounds (matches x turns) from which a run loads numba itself
COMPILED_ROUNDS = 10 ** 8
#: matches a block of the kernel walks turn by turn (their state and sums fit in L1)
BLOCK = 2048


def play_turns(words, deterministic, base, sum1, sum2, first, weights, t0, thr, next_base,
               pay1, pay2, war, kmask, track_war):
    """Play ``len(weights)`` turns of every match in place (plain Python; :func:`compiled_turns` compiles it).

    ``words[j, i]``: match ``i``'s 32-bit random word in turn ``t0 + j`` (unused when
    ``deterministic``); ``base``, ``sum1``, ``sum2`` and ``first`` are updated.

    >>> base = np.zeros(1, dtype=np.uint32); s1 = np.zeros(1); s2 = np.zeros(1)
    >>> first = np.full(1, -1, dtype=np.int64)
    >>> table = np.zeros(2, dtype=np.uint32)                      # one state, one outcome
    >>> play_turns(np.zeros((0, 0), dtype=np.uint32), True, base, s1, s2, first, np.ones(3), 0,
    ...            np.zeros(1, dtype=np.uint32), table, np.array([0.0, 2.0]), np.array([0.0, 1.0]),
    ...            np.array([False, True]), 0, True)
    >>> float(s1[0]), float(s2[0]), int(first[0])
    (6.0, 3.0, 1)
    """
    matches = base.shape[0]
    turns = weights.shape[0]
    mask = np.int64(kmask)
    for start in range(0, matches, BLOCK):
        stop = min(start + BLOCK, matches)
        for j in range(turns):
            w = weights[j]
            for i in range(start, stop):
                if deterministic:
                    out = 2 * np.int64(base[i]) + 1
                else:
                    r = np.int64(words[j, i])
                    code = np.int64(base[i]) + (r & mask)
                    out = 2 * code + (1 if r < np.int64(thr[code]) else 0)
                base[i] = next_base[out]
                sum1[i] += w * pay1[out]
                sum2[i] += w * pay2[out]
                if track_war and first[i] < 0 and war[out]:
                    first[i] = t0 + j + 1


_KERNEL = []


def compiled_turns(rounds: int, force: bool = False):
    """:func:`play_turns` compiled by numba, or ``None`` (the NumPy path plays then).

    ``rounds``: the simulated rounds of the run; ``force``: load numba whatever the size
    (``DETERRENCE_NUMBA=0`` still refuses).

    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {"DETERRENCE_NUMBA": "0"}):
    ...     compiled_turns(10 ** 12, force=True) is None
    True
    """
    if not numba_allowed(force or numba_loaded() or rounds >= COMPILED_ROUNDS):
        return None
    if not _KERNEL:
        _KERNEL.append(jit(play_turns))
    return _KERNEL[0]
