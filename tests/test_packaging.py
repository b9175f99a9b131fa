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

# run inside the fresh environment: `deterrence solve NAME --json` and `deterrence show NAME`
# for every catalogue entry; prints {name: [command, exit code, last error line]} of failures
EVERY_ENTRY = """
import contextlib, io, json
from deterrence.cli import main
from deterrence.io.catalogue import catalogue_names
failures = {}
for name in catalogue_names():
    for command in (["solve", name, "--json"], ["show", name]):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(command)
        if code != 0:
            failures[name] = [command[0], code, (err.getvalue().strip().splitlines() or [""])[-1]]
print(json.dumps(failures))
"""


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
    # every catalogue entry solves and shows from the installed files alone (one process, the
    # command's own entry point; exit codes and any error line per entry)
    every = subprocess.run([str(bin_dir / "python"), "-c", EVERY_ENTRY], cwd=outside,
                           capture_output=True, text=True, check=True, timeout=1200)
    failures = json.loads(every.stdout.strip().splitlines()[-1])
    assert failures == {}, failures
    where = subprocess.run([str(bin_dir / "python"), "-c", "import deterrence; print(deterrence.__file__)"],
                           cwd=outside, capture_output=True, text=True, check=True)
    assert str(env_dir) in where.stdout
