"""The type checker on the public API: the front door, the result shape, the report carrier,
the errors and the reader (mypy, configured in setup.cfg's [mypy] section)."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ["deterrence/__init__.py", "deterrence/solvers/__init__.py", "deterrence/solvers/result.py",
          "deterrence/core/report.py", "deterrence/errors.py", "deterrence/io/__init__.py"]


def test_mypy_finds_nothing_on_the_public_api():
    proc = subprocess.run([sys.executable, "-m", "mypy", *PUBLIC], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Success" in proc.stdout
