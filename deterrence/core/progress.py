"""Progress bars for long work: one helper for every loop that may run for minutes.

Sweeps and maps, tournaments and simulations, the exact war-risk analysis over long
horizons and the exchange model's war-risk map all show their progress the same way: a
`tqdm <https://tqdm.github.io>`_ bar on standard error, removed when the work ends.

Every such function takes ``progress``: ``True`` shows the bar, ``False`` hides it, and
``None`` (the default) shows it only when the work is large *and* standard error is a
terminal, so that logs, pipes and test runs stay clean.

>>> bar = progress_bar(3, "demo", progress=False)
>>> for _ in range(3):
...     bar.update()
>>> bar.close()
"""
from __future__ import annotations

import sys

from deterrence.errors import GameError


def check_progress(progress) -> None:
    """Refuse a ``progress`` that is not ``True``, ``False`` or ``None``.

    >>> check_progress(None)
    >>> check_progress("yes")
    Traceback (most recent call last):
    ...
    deterrence.errors.GameError: progress must be True, False or None (automatic), got 'yes'
    """
    if progress is not None and not isinstance(progress, bool):
        raise GameError(f"progress must be True, False or None (automatic), got {progress!r}")


def progress_bar(total: int, desc: str, progress=None, *, large: bool = False, unit: str = "it"):
    """A bar for ``total`` steps named ``desc``: a tqdm bar on standard error, or a silent
    stand-in with the same ``update(n)`` and ``close()`` when it is not shown (``progress``:
    see the module docstring; ``large`` says whether the work is long enough to show it
    unasked).

    >>> progress_bar(10, "sweep", None, large=True).__class__.__name__   # stderr is not a terminal here
    'SilentBar'
    """
    check_progress(progress)
    show = progress if progress is not None else (large and _is_terminal(sys.stderr))
    if not show:
        return SilentBar()
    from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, unit=unit, leave=False, file=sys.stderr)


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):     # a replaced or closed stream
        return False


class SilentBar:
    """The bar that is not shown: ``update`` and ``close`` do nothing.

    >>> SilentBar().update(5)
    """

    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


__all__ = ["progress_bar", "check_progress", "SilentBar"]
