"""Progress bars for long work: one helper for every loop that may run for minutes.

Sweeps and maps, tournaments and simulations, the exact analysis of the probability of war over long
horizons, the exchange model's map of the probability of war and the record fit all show their progress
the same way: a `tqdm <https://tqdm.github.io>`_ bar on standard error (``tqdm.auto``: a
widget in a notebook), removed when the work ends unless asked to stay. tqdm is imported
when a bar is shown, not when :mod:`deterrence` is imported.

Every such function takes ``progress``: ``True`` shows the bar, ``False`` hides it, and
``None`` (the default) shows it only when the work is large *and* standard error is a
terminal, so that logs, pipes and test runs stay clean.

Steps: check ``progress``; decide whether the bar is shown; build a tqdm bar or a
:class:`SilentBar` with the same ``update``, ``set_postfix_str``, ``refresh`` and ``close`` (both are
context managers), so callers never test which one they hold.

>>> with progress_bar(3, "demo", progress=False) as bar:
...     for _ in range(3):
...         bar.update()
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


def progress_bar(total, desc: str = "", progress=None, *, large: bool = False, unit: str = "it",
                 file=None, initial: int = 0, leave: bool = False, delay: float = 0):
    """A bar for ``total`` steps (``None``: unknown, the bar counts) named ``desc``: a tqdm
    bar on standard error, or a silent stand-in when it is not shown (``progress``: see the
    module docstring; ``large`` says whether the work is long enough to show it unasked).
    ``file``: the stream (a given stream gets the text bar even in a notebook);
    ``initial``: steps already done (resumed from a checkpoint); ``leave``: keep the
    finished bar on screen; ``delay``: seconds before the bar appears (work whose length is
    not known in advance shows nothing when it ends sooner).

    >>> progress_bar(10, "sweep", None, large=True).__class__.__name__   # stderr is not a terminal here
    'SilentBar'
    >>> import io
    >>> out = io.StringIO()
    >>> with progress_bar(3, "demo", True, file=out, leave=True) as bar:
    ...     bar.update(3)
    >>> "demo: 100%" in out.getvalue() and "3/3" in out.getvalue()
    True
    >>> late = io.StringIO()
    >>> with progress_bar(3, "late", True, file=late, delay=60) as bar:   # ends before it would show
    ...     bar.update(3)
    >>> late.getvalue()
    ''
    """
    check_progress(progress)
    show = progress if progress is not None else (large and _is_terminal(sys.stderr))
    if not show:
        return SilentBar()
    if file is not None:
        from tqdm import tqdm
    else:
        from tqdm.auto import tqdm
    # the CLI escapes control characters on stderr (a label from a file may hold some); the
    # bar's own carriage returns must reach the terminal as they are
    stream = getattr(sys.stderr, "unescaped", sys.stderr) if file is None else file
    return tqdm(total=total, desc=desc, unit=unit, leave=leave, file=stream, initial=initial,
                dynamic_ncols=True, delay=delay)


def _is_terminal(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):     # a replaced or closed stream
        return False


class SilentBar:
    """The bar that is not shown: ``update``, ``set_postfix_str``, ``refresh`` and ``close`` do
    nothing; ``total`` may be set (a fit learns its total late).

    >>> SilentBar().update(5)
    """

    #: the number of steps, when known (``None``: unknown)
    total = None

    def update(self, n: int = 1) -> None:
        """Nothing: the bar is not shown."""

    def set_postfix_str(self, s: str = "", refresh: bool = True) -> None:
        """Nothing: the bar is not shown."""

    def refresh(self) -> None:
        """Nothing: the bar is not shown."""

    def close(self) -> None:
        """Nothing: the bar is not shown."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


__all__ = ["progress_bar", "check_progress", "SilentBar"]
