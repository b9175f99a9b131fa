"""Helpers for the game-tree tests.

Some reader tests put a stand-in for ``deterrence.io.tree_toml`` in
``sys.modules`` (at import, e.g. tests/fuzz_readers.py when pytest imports it
for doctests). The fixture below puts the real module back for the duration
of each tree test, so the tree tests do not depend on collection order.
"""
import importlib.util
import sys
from pathlib import Path

import pytest

import deterrence.io


def load_real_tree_toml():
    """The real ``deterrence.io.tree_toml`` module, whatever ``sys.modules`` holds."""
    mod = sys.modules.get("deterrence.io.tree_toml")
    if mod is not None and hasattr(mod, "write_tree_toml"):
        return mod
    path = Path(deterrence.io.__file__).parent / "tree_toml.py"
    spec = importlib.util.spec_from_file_location("deterrence.io.tree_toml", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


REAL_TREE_TOML = load_real_tree_toml()


@pytest.fixture(autouse=True)
def real_tree_reader(monkeypatch):
    monkeypatch.setitem(sys.modules, "deterrence.io.tree_toml", REAL_TREE_TOML)
    yield
