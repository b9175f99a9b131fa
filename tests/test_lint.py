"""The linter runs with the tests (issue 12, deliver 6): ruff, configured in pyproject.toml's
[tool.ruff] (the line length, the rule families E, F, W, B), finds nothing in the package,
the tests, the benchmarks and the docs' configuration. Its findings are fixed, not silenced."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _ruff(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)


def test_ruff_finds_nothing():
    proc = _ruff(".")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_would_report_a_finding(tmp_path):
    # the check above can fail: the same configuration reports a planted unused import and long line
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text())
    (tmp_path / "planted.py").write_text("import os\nx = '" + "y" * 130 + "'\n")
    proc = _ruff("planted.py", cwd=tmp_path)
    assert proc.returncode == 1 and "F401" in proc.stdout and "E501" in proc.stdout
