"""When solvers use their numba-compiled kernels: one policy for all of them.

numba is optional (the ``fast`` extra). Importing it, and loading compiled
kernels from its cache, costs 0.3-1 s: more than a whole solve of a small
game. So each solver states when a kernel pays for itself (its ``default``:
typically, numba is already imported by the user or another library, and the
game is not tiny), and the environment variable ``DETERRENCE_NUMBA`` overrides
that everywhere: ``1`` always uses the kernels when numba is installed, ``0``
never does. Every kernel has a NumPy (or plain Python) twin that gives the
same answers, so the choice changes only the time taken.
"""
from __future__ import annotations

import os
import sys
from contextlib import contextmanager


def numba_loaded() -> bool:
    """Whether numba is already imported in this process (so using it costs no import).

    >>> isinstance(numba_loaded(), bool)
    True
    """
    return sys.modules.get("numba") is not None


def numba_allowed(default: bool) -> bool:
    """The solver's own rule ``default``, unless ``DETERRENCE_NUMBA`` is ``0`` or ``1``.

    >>> os.environ["DETERRENCE_NUMBA"] = "0"; numba_allowed(True)
    False
    >>> del os.environ["DETERRENCE_NUMBA"]; numba_allowed(True)
    True
    """
    setting = os.environ.get("DETERRENCE_NUMBA", "")
    if setting == "0":
        return False
    return setting == "1" or bool(default)


def jit(func):
    """``func`` compiled by numba (cached on disk), or ``None`` if numba is absent or broken.

    >>> def double(x):
    ...     return 2 * x
    >>> f = jit(double)
    >>> f is None or f(3) == 6
    True
    """
    try:
        with sigint_deferred():      # numba's import swallows an interrupt that lands in it
            import numba
            return numba.njit(cache=True)(func)
    except Exception:  # numba not installed, or cannot compile/cache here
        return None



@contextmanager
def sigint_deferred():
    """Hold Ctrl-C back for the block and raise ``KeyboardInterrupt`` when it ends.

    Why: a SIGINT that lands while the main thread runs numba's machine code crashed the
    interpreter (a segmentation fault), and one that lands while numba is imported or loads
    a kernel was raised inside code that swallows it (llvmlite's callbacks: the command then
    ran to its end): together about one Ctrl-C in ten during a solve. In the block SIGINT
    is blocked in this thread and Python's handler only records it. Outside the main thread,
    or without ``signal.pthread_sigmask`` (Windows), the block runs as is. When SIGINT is
    ignored (``nohup``, a background job of a script) it stays ignored, and a handler the
    caller installed gets the deferred signal (not a ``KeyboardInterrupt`` it did not ask for).

    >>> with sigint_deferred():
    ...     pass
    """
    try:       # the C module: signal's wrappers make an enum of every number they pass, which
        import _signal as signal   # cost ~10 us a call (a third of a small payoff-set solve)
    except ImportError:                                   # another Python implementation
        import signal
    import threading
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        yield
        return
    interrupted = []
    handler = signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, (signal.SIGINT,))
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        signal.signal(signal.SIGINT, handler)
    if interrupted:
        if callable(handler) and handler is not signal.default_int_handler:
            handler(signal.SIGINT, None)
        else:
            raise KeyboardInterrupt


def run_compiled(kernel, *args):
    """``kernel(*args)`` for a :func:`jit` kernel (or its plain Python twin, which callers need
    not tell apart), Ctrl-C held back until it returns (:func:`sigint_deferred`). Each kernel
    call is bounded by its solver's size limit (bases, pivots or iterations), so the wait is too.

    >>> def double(x):
    ...     return 2 * x
    >>> f = jit(double)
    >>> f is None or run_compiled(f, 3) == 6
    True
    """
    with sigint_deferred():
        return kernel(*args)
