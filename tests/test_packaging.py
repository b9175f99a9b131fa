"""`pip install` of the built wheel gives a working command and the whole catalogue.

Builds the wheel, installs it into a fresh virtual environment, and runs the
command from outside the checkout, so that only the installed files are used.
"""
import json
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_ships_catalogue_and_command(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-w", str(dist), "-q"],
                   check=True, timeout=600)
    (wheel,) = dist.glob("deterrence-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / "bin"
    subprocess.run([str(bin_dir / "pip"), "install", "-q", str(wheel)], check=True, timeout=900)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    listed = subprocess.run([str(bin_dir / "deterrence"), "list", "--json"], cwd=outside,
                            capture_output=True, text=True, check=True, timeout=120)
    names = {row["name"] for row in json.loads(listed.stdout)}
    shipped = {p.stem for p in (ROOT / "games").iterdir() if p.suffix in {".toml", ".efg", ".nfg", ".json"}}
    assert shipped and shipped <= names
    solved = subprocess.run([str(bin_dir / "deterrence"), "solve", "us_iran_stage", "--json"], cwd=outside,
                            capture_output=True, text=True, check=True, timeout=120)
    assert len(json.loads(solved.stdout)["equilibria"]) == 3
    example = subprocess.run([str(bin_dir / "python"), "-c",
                              "from deterrence.io.events_csv import load_example_events as l; print(len(l().events))"],
                             cwd=outside, capture_output=True, text=True, check=True)
    assert int(example.stdout) > 0
    report = subprocess.run([str(bin_dir / "deterrence"), "report", "--format", "json"], cwd=outside,
                            capture_output=True, text=True, check=True, timeout=300)
    shown = json.loads(report.stdout)          # the fitted model of the case, beside the record
    assert {"calibration", "record", "predicted", "equilibrium"} <= set(shown)
    where = subprocess.run([str(bin_dir / "python"), "-c", "import deterrence; print(deterrence.__file__)"],
                           cwd=outside, capture_output=True, text=True, check=True)
    assert str(env_dir) in where.stdout
