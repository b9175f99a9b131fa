"""HiGHS through highspy, an optional dependency: whether it is there, and a model that keeps quiet.

The float linear programs that guide the exact searches (the sequence-form branching search,
the extreme points of a set of plans) keep one HiGHS model and change it between solves, so
that HiGHS starts from its last basis; without highspy they fall back to SciPy's ``linprog``,
which solves each program from scratch. Reference: Q. Huangfu and J. A. J. Hall (2018),
"Parallelizing the dual revised simplex method", Mathematical Programming Computation 10: 119-142.
"""
from __future__ import annotations


def have_highspy() -> bool:
    """Whether highspy can be imported.

    >>> have_highspy() in (True, False)
    True
    """
    try:
        import highspy  # noqa: F401
    except ImportError:
        return False
    return True


def quiet_highs():
    """A ``highspy.Highs`` without its banner: HiGHS prints it from C on the first
    construction, straight to file descriptor 1, where it would spoil ``--json`` output.

    >>> h = quiet_highs() if have_highspy() else None
    >>> h is None or h.getNumCol() == 0          # an empty model, and nothing printed
    True
    """
    import os
    import sys

    import highspy
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 1)
            h = highspy.Highs()
            h.setOptionValue("output_flag", False)
    finally:
        os.dup2(saved, 1)
        os.close(saved)
    return h


__all__ = ["have_highspy", "quiet_highs"]
