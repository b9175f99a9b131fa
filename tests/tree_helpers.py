"""Helpers for the game-tree tests.

Some reader tests put a stand-in for ``deterrence.io.tree_toml`` in
``sys.modules`` (at import, e.g. tests/fuzz_readers.py when pytest imports it
for doctests). The fixture below puts the real module back for the duration
of each tree test, so the tree tests do not depend on collection order.
"""
import importlib.util
import sys
from fractions import Fraction
from pathlib import Path

import pytest

import deterrence.io
from deterrence.core.tree import GameTree, chance, decision, terminal


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


def coordination_copies(k, weights=None):
    """Chance picks one of ``k`` copies of a 2x2 coordination game (two pure equilibria and a
    mixed one each): ``4k + 2`` sequences, ``3**k`` extreme equilibria."""
    weights = weights or [Fraction(1, k)] * k

    def stage(i):
        return decision("A", {a: decision("B", {b: terminal([2 if a == b == "x" else 1 if a == b else 0] * 2)
                                                 for b in "xy"}, infoset=f"b{i}") for a in "xy"}, infoset=f"a{i}")
    return GameTree(chance({f"g{i}": (w, stage(i)) for i, w in enumerate(weights)}), players=["A", "B"])
