"""The test run's BLAS runs one thread per process (conftest.py): with pytest-xdist's workers on
every core, OpenBLAS's extra threads spun waiting for a core and made each small linear-algebra
call hundreds of times slower (the US-Iran logit homotopy took 30 s instead of 4 s)."""
import ctypes
import os
import sys
from pathlib import Path

import numpy as np


def _openblas_threads():
    """The thread count of the OpenBLAS that numpy loaded, or None when numpy uses another BLAS."""
    if not Path("/proc/self/maps").exists():
        return None
    paths = {line.split()[-1] for line in Path("/proc/self/maps").read_text().splitlines()
             if "openblas" in line.lower() and line.split()[-1].startswith("/")}
    for path in sorted(paths):
        lib = ctypes.CDLL(path)
        for name in ("scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                     "openblas_get_num_threads"):
            if hasattr(lib, name):
                return getattr(lib, name)()
    return None


def test_numpy_was_loaded_after_the_thread_limit():
    # conftest.py sets the limit at import; numpy read it when it loaded OpenBLAS
    np.linalg.lstsq(np.eye(3), np.ones(3), rcond=None)
    # the limit itself, wherever the test runs (conftest.py keeps a value already set: CI sets none)
    assert os.environ.get("OPENBLAS_NUM_THREADS") == "1" and os.environ.get("OMP_NUM_THREADS") == "1"
    threads = _openblas_threads()
    # an OpenBLAS this test can ask (numpy's wheels on Linux, CI's) says it took the limit
    assert threads in (None, 1), threads
    if sys.platform.startswith("linux"):
        assert threads == 1, "numpy's OpenBLAS was not found in /proc/self/maps"

