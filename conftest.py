"""pytest configuration for the whole run (tests and the doctests of the package).

The derived-value cache (:mod:`deterrence.core.cache`) writes to the user's cache
folder; the test run gets a folder of its own, so that it neither reads what an
earlier version of the code left there nor leaves files behind in the user's.
"""
import os
import tempfile

os.environ["DETERRENCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="deterrence-test-cache-")


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
