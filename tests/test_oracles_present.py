"""The cross-checks against other programs are defined only where those programs are installed
(pygambit, QuantEcon, numba's compiled twins, lrsnash, Gambit's example games), so that the
suite passes without skips on a bare machine. In CI (``CI`` set, as ``.ci/run`` is run) they
must all be there: a missing oracle there would drop its cross-checks silently, so it fails here.
"""
import importlib
import os
import shutil

from peer import HAVE_PEER_GAMES, PEER_DIR

ORACLES = ("pygambit", "quantecon", "numba", "nashpy")


def importable(name) -> bool:
    try:                      # as the guarded test modules do: import, not merely find
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def missing_oracles() -> list:
    missing = [name for name in ORACLES if not importable(name)]
    if shutil.which("lrsnash") is None:
        missing.append("lrsnash (Debian package lrslib)")
    if not HAVE_PEER_GAMES:
        missing.append(f"the peer games ({PEER_DIR})")
    return missing


def test_ci_has_every_oracle_the_cross_checks_need():
    if os.environ.get("CI", "").lower() in ("", "0", "false"):
        return      # a developer's machine may lack them; the guarded tests are then not defined
    assert not missing_oracles(), ("CI lacks oracles, so their cross-checks are not defined: "
                                   + ", ".join(missing_oracles()))


def test_missing_oracles_sees_a_module_that_is_not_installed(monkeypatch):
    monkeypatch.setattr("test_oracles_present.ORACLES", ORACLES + ("no_such_module_r41",))
    assert "no_such_module_r41" in missing_oracles()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert any(m.startswith("lrsnash") for m in missing_oracles())
