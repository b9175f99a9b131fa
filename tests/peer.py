"""Where the Gambit peer games live, if they are present (CI has them).

Tests that use them are defined only when the folder exists, so the suite
passes (without skips) on a machine that does not have them.
"""
import json
import os
from pathlib import Path

PEER_DIR = Path(os.environ.get(
    "DETERRENCE_PEER_GAMES",
    Path(__file__).resolve().parents[2] / "shared" / "peer-games"))
HAVE_PEER_GAMES = (PEER_DIR / "expected.json").is_file()
EXPECTED = json.loads((PEER_DIR / "expected.json").read_text()) if HAVE_PEER_GAMES else {}
