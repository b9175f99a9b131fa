"""Progress bars for long computations (sweeps, maps, fits): one tqdm policy for the package.

Every long loop of the package shows its progress through :func:`progress_bar`, a
`tqdm <https://tqdm.github.io>`_ bar (``tqdm.auto``: a widget in a notebook, text on
stderr elsewhere). tqdm is imported when a bar is made, not when :mod:`deterrence`
is imported.

Steps: decide whether the bar is shown (``enabled``: True, False, or None for "only
for long runs", at least :data:`AUTO_MIN_TOTAL` steps); build it; callers ``update``
it, may put counts in ``set_postfix``, and ``close`` it (or use it as a context
manager). A bar that is not shown is a disabled tqdm, so callers never test for it.
"""
from __future__ import annotations

#: With ``enabled=None`` the bar is shown from this many steps (a sweep of 20 x 20 points).
AUTO_MIN_TOTAL = 400


def progress_bar(total, *, enabled=None, desc="", file=None, unit="it", initial=0, leave=False):
    """A tqdm progress bar of ``total`` steps (``None``: unknown, the bar counts).

    ``enabled``: ``True`` shows it, ``False`` hides it, ``None`` shows it when
    ``total`` is known and at least :data:`AUTO_MIN_TOTAL`. ``file``: the stream
    (default stderr; a given stream gets the text bar even in a notebook).
    ``initial``: steps already done (resumed from a checkpoint). ``leave``: keep the
    finished bar on screen (default: erase it).

    >>> import io
    >>> out = io.StringIO()
    >>> with progress_bar(3, enabled=True, desc="demo", file=out, leave=True) as bar:
    ...     bar.update(3)
    >>> "demo: 100%" in out.getvalue() and "3/3" in out.getvalue()
    True
    >>> progress_bar(10).disable          # short runs show nothing by default
    True
    """
    show = bool(enabled) if enabled is not None else (total is not None and total >= AUTO_MIN_TOTAL)
    if file is not None:
        from tqdm import tqdm
    else:
        from tqdm.auto import tqdm
    return tqdm(total=total, desc=desc, file=file, unit=unit, initial=initial, disable=not show,
                leave=leave, dynamic_ncols=True)


__all__ = ["progress_bar", "AUTO_MIN_TOTAL"]
