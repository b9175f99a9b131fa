"""Fits of the case model survive interruption (issue 17, deliver 9): ``fit_to_record`` with a
checkpoint file keeps each model evaluation; a process sent SIGINT mid-fit leaves the file, and
another process resumes from it to exactly the answer of an uninterrupted fit."""
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deterrence.errors import GameFileError

ROOT = Path(__file__).resolve().parents[1]

FIT = """
import json, sys
from deterrence.models.us_iran_exchange_fit import fit_to_record
checkpoint = sys.argv[1] if len(sys.argv) > 1 else None
fit = fit_to_record(checkpoint=checkpoint, progress=True)
print(json.dumps({"estimates": fit.estimates, "se": fit.standard_errors, "ll": fit.log_likelihood,
                  "predictions": fit.predictions}))
"""


def _run(*args, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", FIT, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, **kw)


def _evaluations(path):
    try:
        return len(json.loads(path.read_text())["nll"])
    except (OSError, ValueError, KeyError):
        return 0


def test_sigint_mid_fit_keeps_the_evaluations_and_another_process_resumes_identically(tmp_path):
    checkpoint = tmp_path / "fit.json"
    proc = _run(str(checkpoint))
    deadline = time.monotonic() + 300
    while _evaluations(checkpoint) < 8 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, "the fit ended before it could be interrupted"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode != 0 and "KeyboardInterrupt" in err
    kept = _evaluations(checkpoint)
    assert kept >= 8
    assert "model evaluations" in err               # progress was shown
    resumed = _run(str(checkpoint))
    out, err = resumed.communicate(timeout=600)
    assert resumed.returncode == 0, err[-2000:]
    first_line = err.splitlines()[0]
    assert f"{kept + 1} model evaluations (1 new" in first_line    # it started from the file
    straight = _run()                                # no checkpoint, another process
    out2, err2 = straight.communicate(timeout=600)
    assert straight.returncode == 0, err2[-2000:]
    assert json.loads(out) == json.loads(out2)       # exactly the same numbers


def test_a_checkpoint_of_another_fit_is_refused_naming_the_file(tmp_path):
    from deterrence.models.us_iran_exchange_fit import fit_to_record
    bad = tmp_path / "other.json"
    bad.write_text(json.dumps({"fit": {"record": [1, 2, 3]}, "nll": {}, "predict": {}}))
    with pytest.raises(GameFileError, match="other.json: checkpoint of another fit"):
        fit_to_record(checkpoint=bad)
    bad.write_text("not json")
    with pytest.raises(GameFileError, match="other.json: not a fit checkpoint"):
        fit_to_record(checkpoint=bad)
    with pytest.raises(Exception, match="progress must be"):
        fit_to_record(progress="yes")
