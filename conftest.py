"""pytest configuration for the whole run (tests and the doctests of the package).

The derived-value cache (:mod:`deterrence.core.cache`) writes to the user's cache
folder; the test run gets a folder of its own, so that it neither reads what an
earlier version of the code left there nor leaves files behind in the user's.
"""
import os
import tempfile

os.environ["DETERRENCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="deterrence-test-cache-")

# One BLAS thread per process, set before numpy loads OpenBLAS (which reads it once): the run's
# pytest-xdist workers already take every core, and OpenBLAS's own threads on top of them wait for a
# core in a spin. On 2 busy cores a 116 x 117 least-squares step took 0.2-0.45 s instead of 1 ms, and
# the US-Iran logit homotopy 30 s instead of 4 s (tests/test_blas_threads.py). Subprocesses (the
# notebooks' kernels, the command line) inherit it. A value already set is kept.
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")


import sys  # noqa: E402

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test or an example left open once it is done: pyplot keeps them, and
    a worker that ran more than twenty figure tests warned "More than 20 figures have been opened"
    in the next example that opened one (pyplot is not imported for a test that did not use it)."""
    yield
    plt = sys.modules.get("matplotlib.pyplot")
    if plt is not None:
        plt.close("all")


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """pytest-xdist's ``--dist loadgroup`` suffix, again: a worker marks each test of an
    ``xdist_group`` by its id (``...@docs``), which the scheduler reads to keep the group on one
    worker. pytest-xdist 3.8 writes ``item._nodeid``, which pytest 9.2 no longer reads (its id is
    the structured ``item._id``: pytest-xdist issue 1386, fix proposed in its PR 1388), so no group
    was kept: the documentation's tests ran on both workers and one of them waited, idle, for the
    other's build of the site. Only on an xdist worker with loadgroup (``config.option.loadgroup``),
    and only where xdist's own suffix did not take; drop this once pytest-xdist sets the id itself."""
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        names = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                        for mark in item.iter_markers("xdist_group")})
        if not names or item.nodeid.rfind("@") > item.nodeid.rfind("]") or not hasattr(item, "_id"):
            continue
        from _pytest.nodeid import coerce_node_id
        item._id = coerce_node_id(f"{item.nodeid}@{'_'.join(names)}")
