"""pytest configuration for the whole run (tests and the doctests of the package).

The derived-value cache (:mod:`deterrence.core.cache`) writes to the user's cache
folder; the test run gets a folder of its own, so that it neither reads what an
earlier version of the code left there nor leaves files behind in the user's.
"""
import os
import tempfile

os.environ["DETERRENCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="deterrence-test-cache-")
