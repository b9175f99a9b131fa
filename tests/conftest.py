"""pytest configuration for the test folder.

``fuzz_readers.py`` is an atheris script, not a test module (its docstring says
pytest skips it): importing it for ``--doctest-modules`` would run its
module-level set-up, which replaces ``deterrence.io.tree_toml`` in
``sys.modules`` with a stand-in and breaks every later import of the real
tree reader. So it is not collected.
"""
collect_ignore = ["fuzz_readers.py"]
